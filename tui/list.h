/*
 * The domain list: every domain in the state with a mark per step and the
 * time of its last check.  Enter opens a domain, a adds one, r checks the
 * selected one in the background.
 */
#ifndef MXANCHOR_LIST_H
#define MXANCHOR_LIST_H

#include "app.h"

void	list_draw(struct app *);
int	list_key(struct app *, int key);

#endif
