/*
 * The life of a domain's MTA-STS policy, as the state remembers it.
 *
 * Each check records the policy it saw published (TXT id, digest of the
 * body, mode, max_age).  From that history come the facts the steps
 * need: since when the policy has been in testing, whether a changed
 * policy came with a new id, the largest max_age ever served and so the
 * earliest time the records may go after a removal (RFC 8461 §8.3).
 */
#ifndef MXANCHOR_STS_HISTORY_H
#define MXANCHOR_STS_HISTORY_H

#include <time.h>

struct observation;
struct state;
struct step_context;

struct sts_seen {
	char		id[33];		/* TXT id: 1-32 alphanumerics */
	char		hash[65];	/* SHA-256 of the body, hex */
	char		mode[16];	/* "testing", "enforce", "none" */
	long long	max_age;
};

/* 0 when the observation holds a valid TXT record and usable policy. */
int	sts_seen_from(const struct observation *, struct sts_seen *);

/*
 * Records what a check of domain at when saw (sts_seen_from); nothing
 * when it saw no valid policy (seen->id empty).
 */
int	sts_history_record(struct state *, const char *domain, time_t when,
	    const struct sts_seen *, char **cause);

/* Fills the policy and removal fields of ctx from the state. */
int	sts_history_load(struct state *, const char *domain,
	    struct step_context *, char **cause);

#endif
