/*
 * Persistent rollout state in SQLite.
 *
 * One database file holds every domain the operator works on, each step's
 * latest status with the time it last changed, the latest step results and
 * observation (as JSON text, as steps/ produce them), where the operator
 * left off (the cursor), and an event log.  Every write is one transaction:
 * a crash or kill at any moment leaves the last committed state.  The
 * schema is versioned with PRAGMA user_version; a file written by a newer
 * mxanchor, or one that is not an mxanchor database, is refused untouched.
 *
 * state/ knows nothing of steps or probes: step ids and statuses are plain
 * strings here.  Functions that can fail return -1 and set *cause to a
 * message for the operator (caller frees); 0 on success.
 */
#ifndef MXANCHOR_STATE_H
#define MXANCHOR_STATE_H

#include <stddef.h>
#include <time.h>

#define STATE_READ_ONLY	0x1

struct state;

struct state_step {
	char	*id;		/* "dnssec" */
	char	*status;	/* "pass", "warn", "fail", "pending" */
	time_t	 changed;	/* when status last took this value */
	time_t	 checked;	/* when last evaluated */
	char	*result;	/* JSON text of the step result, or NULL */
};

struct state_domain {
	char			*name;
	char			*cursor;	/* step id, or NULL */
	time_t			 added;
	time_t			 checked;	/* last check, 0 if never */
	struct state_step	*steps;
	size_t			 nsteps;
};

struct state_event {
	time_t	 at;
	char	*kind;		/* "status", "note", "check", ... */
	char	*message;
};

/*
 * $XDG_STATE_HOME/mxanchor/state.db or ~/.local/state/...; caller frees.
 * NULL only when there is no home directory at all.
 */
char		*state_default_path(void);

/*
 * How long a write waits for another mxanchor holding the file, in
 * milliseconds, for handles opened afterwards.  -1 (the default) means
 * $MXANCHOR_STATE_BUSY_MS, else 5000.  After the wait the write fails with
 * "state file ... is locked by another mxanchor; try again".
 */
void		 state_set_busy_timeout(int ms);

/*
 * Creates the file (mode 0600) and its directories (mode 0700) when
 * missing.  With STATE_READ_ONLY the file must exist and every write
 * function fails with "state is open read-only".  A file that is not an
 * mxanchor state file, is damaged or has a newer schema is refused and left
 * untouched.  A handle is used by one thread at a time; several handles and
 * processes may share one file.
 */
struct state	*state_open(const char *path, int flags, char **cause);
void		 state_close(struct state *);

/*
 * Domain names are stored lower-cased without a trailing dot; every
 * function takes them in any case, with or without the dot, and fails on
 * an empty name or one over 253 characters.
 */

/* Adds the domain (added = clock_now()) if it is not there yet. */
int	state_domain_add(struct state *, const char *domain, char **cause);
/* Returns 1 and fills *out when found, 0 when not, -1 on error. */
int	state_domain_get(struct state *, const char *domain,
	    struct state_domain *out, char **cause);
/* Every domain, by name. */
int	state_domain_list(struct state *, struct state_domain **out,
	    size_t *n, char **cause);
/* Frees the members of *d (not d itself). */
void	state_domain_free(struct state_domain *);
void	state_domain_list_free(struct state_domain *, size_t);

/* step_id NULL clears the cursor.  Fails when the domain is not there. */
/* Removes the domain with its steps, observation and events. */
int	state_domain_remove(struct state *, const char *domain, char **cause);

int	state_set_cursor(struct state *, const char *domain,
	    const char *step_id, char **cause);

/*
 * Records one check in a single transaction: for each step, its status,
 * result and checked time; changed moves only when the status differs
 * from the stored one, and each such change adds a "status" event.  The
 * observation JSON replaces the previous one (NULL removes it).  Adds the
 * domain if needed, with added = when.  Every step needs an id and status.
 * Status events read "dnssec: pass" for a new step and "dnssec: pending ->
 * pass" for a change; their time is when.
 */
int	state_record_check(struct state *, const char *domain, time_t when,
	    const struct state_step *steps, size_t nsteps,
	    const char *observation, char **cause);

/*
 * The latest observation JSON and when it was taken: returns 1 and sets
 * *json (caller frees) when there is one, 0 when not, -1 on error.
 */
int	state_observation_get(struct state *, const char *domain,
	    char **json, time_t *taken, char **cause);

/* Fails when the domain is not there. */
int	state_event_add(struct state *, const char *domain, time_t when,
	    const char *kind, const char *message, char **cause);
/* Newest first, at most limit (0 = all); none for an unknown domain. */
int	state_event_list(struct state *, const char *domain, size_t limit,
	    struct state_event **out, size_t *n, char **cause);
void	state_event_list_free(struct state_event *, size_t);

/*
 * SSH host keys the operator confirmed (not in known_hosts), by host and
 * port: the fingerprint ("SHA256:..."), nothing secret.  get returns 1
 * and sets *fingerprint (caller frees), 0 when none, -1 on error; set
 * replaces what was recorded for host and port.
 */
int	state_hostkey_get(struct state *, const char *host, int port,
	    char **fingerprint, char **cause);
int	state_hostkey_set(struct state *, const char *host, int port,
	    const char *key_type, const char *fingerprint, time_t when,
	    char **cause);

#endif
