/*
 * The dashboard: the domain list sorted by what needs attention, with the
 * next action of each domain and when it is safe (steps/next.h).
 *
 * dash_sort() orders the list loaded from the state and computes the
 * actions; list.c draws them.  Nothing here reads the state or the
 * network, so a thousand domains sort in a blink.
 */
#ifndef MXANCHOR_DASH_H
#define MXANCHOR_DASH_H

#include <stddef.h>

#include "next.h"
#include "state.h"
#include "theme.h"

/* Sorts list in place, most urgent first; *next (caller frees) by row. */
void	dash_sort(struct state_domain *list, size_t n,
	    struct next_action **next);

/* "fix DANE TLSA", "enforce MTA-STS from 2026-12-17", within width. */
void	dash_next_text(const struct next_action *, int width, char *buf,
	    size_t len);
enum theme_element dash_element(const struct next_action *);

/* "4 domains: 1 failing, 1 warning, 2 waiting" for the status line. */
char	*dash_totals(const struct next_action *, size_t n);

#endif
