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

#include "rollover.h"

struct state;

struct step_context {
	time_t	testing_since;	/* mta-sts step passing since; 0: unknown */

	/* TLSA rollovers under way, and the last renewal hook run. */
	struct rollover_view	rollovers[ROLLOVER_VIEW_MAX];
	size_t			nrollovers;
	time_t			hook_at;	/* 0: never ran */
	int			hook_ok;
	char			hook_message[512];
};

/* Fills ctx from the state (zeroes when the domain is new). */
int	step_context_load(struct state *, const char *domain,
	    struct step_context *, char **cause);

#endif
