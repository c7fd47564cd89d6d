/*
 * The inventory screen: the open domain's recovery addresses (which
 * account recovers through which mailbox, flagged when the mailbox is on
 * a third-party service or a domain not under control, and whether the
 * migration is confirmed) and the last mailbox check.
 *
 * Opened with i from the domain view.  Every change is one transaction
 * (state/inventory.h) naming the version of the row on screen, so an
 * edit of a row another operator changed meanwhile is refused and the
 * screen reloads instead of undoing their work.  m asks every mailbox
 * that matters whether it accepts mail, in the background
 * (mailcheck.h).
 */
#ifndef MXANCHOR_INV_H
#define MXANCHOR_INV_H

#include "app.h"

void	inv_open(struct app *);
void	inv_close(struct app *);
void	inv_draw(struct app *);
int	inv_key(struct app *, int key);
/* Takes a finished mailbox check (m) into the state; every loop turn. */
void	inv_tick(struct app *);

#endif
