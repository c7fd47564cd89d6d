/*
 * Header, status line and key hints.
 *
 * The status line shows, by priority: an error message, the progress of
 * the running check, an informational message, then the screen's idle
 * text.  Messages last until the next key.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bars.h"
#include "config.h"
#include "text.h"
#include "theme.h"
#include "xmalloc.h"

void
bars_header(struct app *app)
{
	const struct app_layout	*l = &app->layout;
	int			 attr = theme_attr(THEME_HEADER), x;
	char			*left, *right;

	if (app->dom != NULL && app->screen != APP_LIST)
		left = xprintf(" mxanchor %s  %s  %s", MXANCHOR_VERSION,
		    theme_bullet(), app->dom->name);
	else
		left = xprintf(" mxanchor %s  %s  rollout wizard",
		    MXANCHOR_VERSION, theme_bullet());
	right = xprintf("%s%s ", app->read_only ? "read-only  " : "",
	    app->opts->state_path != NULL ? app->opts->state_path : "");

	text_fill(0, 0, l->cols, attr);
	x = text_put(0, 0, l->cols, attr, left, 0);
	if (x + 2 + text_width(right) <= l->cols)
		text_put(0, l->cols - text_width(right), l->cols, attr, right,
		    0);
	else if (app->read_only && x + 12 <= l->cols)
		text_put(0, l->cols - 11, 11, attr, "read-only ", 0);
	free(left);
	free(right);
}

/* "⠋ checking good.test: probing SMTP 127.0.25.1 (3/9)  2.1 s" */
static char *
bars_progress(struct app *app)
{
	const struct worker_progress	*p = &app->progress;
	char				 count[32] = "";

	if (p->total > 0)
		snprintf(count, sizeof count, " (%d/%d)", p->done, p->total);
	return xprintf("%s checking %s: %s%s  %.1f s",
	    theme_spinner(app->frame), worker_domain(app->worker),
	    p->what != NULL ? p->what : "starting", count,
	    worker_elapsed_ms(app->worker) / 1000.0);
}

void
bars_status(struct app *app, const char *idle)
{
	const struct app_layout	*l = &app->layout;
	char			*text;

	if (app->message != NULL && app->message_error) {
		text = xprintf(" %s", app->message);
		text_put(l->status_y, 0, l->cols, theme_attr(THEME_ERROR),
		    text, 1);
	} else if (app->worker != NULL) {
		text = bars_progress(app);
		text_fill(l->status_y, 0, l->cols, theme_attr(THEME_STATUS));
		text_put(l->status_y, 1, l->cols - 1,
		    theme_attr(THEME_RUNNING), text, 0);
	} else {
		text = xprintf(" %s", app->message != NULL ? app->message :
		    idle != NULL ? idle : "");
		text_put(l->status_y, 0, l->cols, theme_attr(THEME_STATUS),
		    text, 1);
	}
	free(text);
}

static int
bars_hint_width(const struct bars_hint *h)
{
	return text_width(h->key) + 1 + text_width(h->what) + 2;
}

static int
bars_hint_put(struct app *app, int x, const struct bars_hint *h)
{
	const struct app_layout	*l = &app->layout;

	x += text_put(l->keys_y, x, l->cols - x, theme_attr(THEME_KEY),
	    h->key, 0);
	x += 1;
	x += text_put(l->keys_y, x, l->cols - x, theme_attr(THEME_KEYS),
	    h->what, 0);
	return x + 2;
}

/* When narrow, hints are dropped from the middle: the last two stay. */
void
bars_keys(struct app *app, const struct bars_hint *hints, size_t n)
{
	const struct app_layout	*l = &app->layout;
	size_t			 i, lead = n > 2 ? n - 2 : 0, nlead = 0;
	int			 x = 1, avail = l->cols - 1, w = 0;

	for (i = lead; i < n; i++)
		avail -= bars_hint_width(&hints[i]);
	while (nlead < lead && w + bars_hint_width(&hints[nlead]) <= avail)
		w += bars_hint_width(&hints[nlead++]);

	text_fill(l->keys_y, 0, l->cols, theme_attr(THEME_KEYS));
	for (i = 0; i < nlead; i++)
		x = bars_hint_put(app, x, &hints[i]);
	for (i = lead; i < n && x < l->cols; i++)
		x = bars_hint_put(app, x, &hints[i]);
}

void
bars_too_small(struct app *app)
{
	const struct app_layout	*l = &app->layout;
	char			*text;
	int			 y = l->lines / 2, w;

	erase();
	text = xprintf("terminal too small: %dx%d, need %dx%d", l->cols,
	    l->lines, APP_MIN_COLS, APP_MIN_LINES);
	w = text_width(text);
	text_put(y > 0 ? y - 1 : 0, w < l->cols ? (l->cols - w) / 2 : 0,
	    l->cols, theme_attr(THEME_ERROR), text, 0);
	free(text);
	if (y + 1 < l->lines)
		text_put(y + 1, l->cols > 12 ? (l->cols - 12) / 2 : 0,
		    l->cols, theme_attr(THEME_NORMAL), "q quits", 0);
}
