/*
 * The one-line input at the bottom of the screen ("Add domain:", the
 * enforce override's reason, or what prompt_ask() asks).
 *
 * While app->prompting is set every key goes to prompt_key(); Enter hands
 * the text to app_domain_add() or to the prompt_ask() callback, Escape or
 * Ctrl-G cancels.
 */
#ifndef MXANCHOR_PROMPT_H
#define MXANCHOR_PROMPT_H

#include "app.h"

void	prompt_begin(struct app *);
/*
 * Asks for one line with label (" Note: "), starting from initial (may be
 * NULL); Enter hands the text to done, Escape cancels.  label must stay
 * valid until then.
 */
void	prompt_ask(struct app *, const char *label, const char *initial,
	    void (*done)(struct app *, const char *));
/* The enforce step's override: asks the reason, hands it to app_override. */
void	prompt_begin_override(struct app *);
void	prompt_draw(struct app *);
int	prompt_key(struct app *, int key);

#endif
