/*
 * The one-line input at the bottom of the screen: "Add domain:" on the
 * domain list, "Override reason:" on the enforce step.
 *
 * While app->prompting is set every key goes to prompt_key(); Enter hands
 * the text to app_domain_add() or app_override(), Escape or Ctrl-G
 * cancels.
 */
#ifndef MXANCHOR_PROMPT_H
#define MXANCHOR_PROMPT_H

#include "app.h"

void	prompt_begin(struct app *);
void	prompt_begin_override(struct app *);
void	prompt_draw(struct app *);
int	prompt_key(struct app *, int key);

#endif
