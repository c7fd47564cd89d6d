/*
 * The domain view: the seven steps on the left with their marks, the
 * selected step's detail on the right (title, status, summary, findings,
 * artifacts), scrollable.  Moving the step cursor stores it in the state.
 */
#ifndef MXANCHOR_VIEW_H
#define MXANCHOR_VIEW_H

#include "app.h"

void	view_draw(struct app *);
int	view_key(struct app *, int key);

#endif
