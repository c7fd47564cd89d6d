/*
 * What the steps need to know from the rollout's history.
 *
 * Probes say how a domain looks now; some verdicts also depend on what
 * happened before (how long the MTA-STS policy has been in testing).  The
 * caller loads that from the state before a check, on its own thread, and
 * passes a copy to check_run(): the context is plain data, no pointers
 * into the state, so a worker thread may keep it while the state moves on.
 */
#ifndef MXANCHOR_CONTEXT_H
#define MXANCHOR_CONTEXT_H

#include <time.h>

struct state;

struct step_context {
	time_t	testing_since;	/* mta-sts step passing since; 0: unknown */

	/* The inventory kept in the state (state/inventory.h). */
	int	recovery_count;
	int	recovery_unconfirmed;	/* migration not confirmed yet */
	int	recovery_elsewhere;	/* third-party or not controlled */
	int	mailboxes_checked;
	int	mailboxes_refusing;	/* rejects or deferred */
};

/* Fills ctx from the state (zeroes when the domain is new). */
int	step_context_load(struct state *, const char *domain,
	    struct step_context *, char **cause);

#endif
