/*
 * The timeline screen: every event of the open domain, newest first
 * (status changes, inventory changes, notes), and n to add a note.
 * Opened with t from the domain view; h or Escape goes back.
 */
#ifndef MXANCHOR_TIMELINE_H
#define MXANCHOR_TIMELINE_H

#include "app.h"

void	timeline_open(struct app *);
void	timeline_close(struct app *);
void	timeline_draw(struct app *);
int	timeline_key(struct app *, int key);

#endif
