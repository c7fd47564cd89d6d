/*
 * A minimal line editor: printable ASCII, Backspace, Ctrl-U, Enter, Esc.
 * Domain names and mail addresses are ASCII; anything else is refused as
 * typed.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "prompt.h"
#include "text.h"
#include "theme.h"

#define PROMPT_OVERRIDE	" Override the enforce gate, because: "
#define PROMPT_LABEL	" Add domain: "

void
prompt_begin(struct app *app)
{
	prompt_ask(app, NULL, NULL, NULL);
}

void
prompt_ask(struct app *app, const char *label, const char *initial,
    void (*done)(struct app *, const char *))
{
	app_message_clear(app);
	app->prompting = 1;
	app->prompt_label = label;
	app->prompt_done = done;
	snprintf(app->input, sizeof app->input, "%s",
	    initial != NULL ? initial : "");
	app->input_len = strlen(app->input);
	app->dirty |= APP_DIRTY_STATUS;
	curs_set(1);
}

static void
prompt_end(struct app *app)
{
	app->prompting = 0;
	app->dirty |= APP_DIRTY_STATUS;
	curs_set(0);
}

void
prompt_draw(struct app *app)
{
	const struct app_layout	*l = &app->layout;
	int			 x, w, skip = 0;

	text_fill(l->status_y, 0, l->cols, theme_attr(THEME_NORMAL));
	x = text_put(l->status_y, 0, l->cols, theme_attr(THEME_TITLE),
	    app->prompt_label != NULL ? app->prompt_label : PROMPT_LABEL, 0);

	/* Show the end of a long input. */
	w = l->cols - x - 2;
	if (w < 1)
		w = 1;
	if ((int)app->input_len > w)
		skip = (int)app->input_len - w;
	text_put(l->status_y, x, w + 1, theme_attr(THEME_INPUT),
	    app->input + skip, 1);
	move(l->status_y, x + (int)app->input_len - skip);
}

int
prompt_key(struct app *app, int key)
{
	void	(*done)(struct app *, const char *);

	switch (key) {
	case 27:	/* Escape */
	case 7:		/* Ctrl-G */
		prompt_end(app);
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		done = app->prompt_done;
		prompt_end(app);
		if (done != NULL)
			done(app, app->input);
		else
			app_domain_add(app, app->input);
		break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (app->input_len > 0)
			app->input[--app->input_len] = '\0';
		break;
	case 21:	/* Ctrl-U */
		app->input_len = 0;
		app->input[0] = '\0';
		break;
	default:
		if (key < 0x20 || key > 0x7e)
			return APP_KEY_IGNORED;
		if (app->input_len + 1 >= sizeof app->input)
			return APP_KEY_IGNORED;
		app->input[app->input_len++] = (char)key;
		app->input[app->input_len] = '\0';
		break;
	}
	app->dirty |= APP_DIRTY_STATUS;
	return APP_KEY_HANDLED;
}

/* On the enforce step: the reason the gate may open anyway. */
void
prompt_begin_override(struct app *app)
{
	prompt_ask(app, PROMPT_OVERRIDE, NULL, app_override);
}
