/*
 * What a domain needs next, and from when it is safe: the dashboard's
 * "next action" and the order of its rows.
 *
 * It works from what the state keeps (each step's status and since when),
 * not from a fresh observation, so a dashboard of a thousand domains needs
 * no network and no JSON.  The first failing step comes first, then a
 * domain never checked, then the first warning, then the first pending
 * step.  A step may have a rule of its own for what to do while pending
 * and when (next_rules in next.c, by step id): enforce waits until the
 * testing policy has run for NEXT_TESTING_PERIOD.
 */
#ifndef MXANCHOR_NEXT_H
#define MXANCHOR_NEXT_H

#include <time.h>

#include "step.h"

struct state_domain;

#define NEXT_TESTING_PERIOD	(14 * 86400)	/* "a couple of weeks" */

/* Most urgent first: the dashboard sorts by this. */
enum next_attention {
	NEXT_FAIL,		/* a step fails */
	NEXT_UNCHECKED,		/* never checked, or a step never seen */
	NEXT_WARN,		/* a step warns */
	NEXT_DUE,		/* work to do now */
	NEXT_WAITING,		/* work to do, not before not_before */
	NEXT_DONE,		/* every step passes: keep monitoring */
};

/* A domain as the state keeps it, by step id. */
struct next_overview {
	int			 have[STEP_COUNT];
	enum step_status	 status[STEP_COUNT];
	time_t			 changed[STEP_COUNT];	/* status since */
	time_t			 checked;		/* 0: never */
};

struct next_action {
	enum next_attention	 attention;
	int			 step;		/* step id, -1 for none */
	time_t			 not_before;	/* 0: now */
	char			 text[80];	/* "fix DANE TLSA" */
};

void	next_overview_load(const struct state_domain *,
	    struct next_overview *);
void	next_action(const struct next_overview *, time_t now,
	    struct next_action *);
/* <0, 0, >0 as a is more, as much or less urgent than b. */
int	next_compare(const struct next_action *, const struct next_action *);

#endif
