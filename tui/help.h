/*
 * The help screen: the keys, then what the selected step is for (or,
 * from the domain list, every step).  Any of ? Escape h Left Enter
 * returns to the screen it was opened from.
 */
#ifndef MXANCHOR_HELP_H
#define MXANCHOR_HELP_H

#include "app.h"

void	help_open(struct app *);
void	help_draw(struct app *);
int	help_key(struct app *, int key);

#endif
