/*
 * Every domain with its step statuses but without the stored results:
 * what a dashboard or a fleet run needs, in one query.  A state of a
 * thousand domains holds megabytes of result JSON that a list never
 * shows; reading it would cost most of the wizard's start-up.
 */
#ifndef MXANCHOR_OVERVIEW_H
#define MXANCHOR_OVERVIEW_H

#include <stddef.h>

#include "state.h"

/*
 * Like state_domain_list() (by name) with every step's result NULL and
 * the steps of a domain in no particular order.  Free with
 * state_domain_list_free().
 */
int	state_domain_overview(struct state *, struct state_domain **out,
	    size_t *n, char **cause);

#endif
