/*
 * The lines around every screen: the header at the top, the status line
 * (a message, the running check's progress, or the prompt) and the key
 * hints at the bottom.
 */
#ifndef MXANCHOR_BARS_H
#define MXANCHOR_BARS_H

#include <stddef.h>

#include "app.h"

struct bars_hint {
	const char	*key;
	const char	*what;
};

void	bars_header(struct app *);
/* The status line when no prompt is open; idle is shown when nothing else. */
void	bars_status(struct app *, const char *idle);
void	bars_keys(struct app *, const struct bars_hint *, size_t);
void	bars_too_small(struct app *);

#endif
