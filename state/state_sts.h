/*
 * The MTA-STS side of the state: which policies were seen published and
 * when, and the operator's overrides of the enforce gate.
 *
 * A policy is identified by its TXT id and the SHA-256 of its body (hex),
 * so a body changed under the same id is a new row.  Every function
 * follows state.h: 0 on success, -1 with *cause (caller frees).
 */
#ifndef MXANCHOR_STATE_STS_H
#define MXANCHOR_STATE_STS_H

#include <stddef.h>
#include <time.h>

struct state;

/*
 * 1 when the file has the tables of schema 2 (this file's and
 * state_reports.h's); an older file opened read-only has not, until a
 * write opens it and migrates it.
 */
int	state_sts_available(struct state *);

struct state_sts_policy {
	char		*txt_id;
	char		*sha256;
	char		*mode;		/* "testing", "enforce", "none" */
	long long	 max_age;
	time_t		 first_seen;
	time_t		 last_seen;
};

/*
 * Records that a check at when saw this policy published: a new row, or
 * last_seen moved on.  Adds the domain if needed.
 */
int	state_sts_seen(struct state *, const char *domain, time_t when,
	    const struct state_sts_policy *, char **cause);
/* Every policy seen for the domain, the one seen last at the end. */
int	state_sts_list(struct state *, const char *domain,
	    struct state_sts_policy **out, size_t *n, char **cause);
void	state_sts_list_free(struct state_sts_policy *, size_t);

/*
 * The operator opens the enforce gate against the evidence, with a
 * reason; also logged as an "override" event.  A later clear closes it
 * again (an "override" event too).
 */
int	state_override_add(struct state *, const char *domain, time_t when,
	    const char *reason, char **cause);
int	state_override_clear(struct state *, const char *domain, time_t when,
	    char **cause);
/* The override in force: 1 and *reason (caller frees), 0 when none. */
int	state_override_get(struct state *, const char *domain, time_t *at,
	    char **reason, char **cause);

#endif
