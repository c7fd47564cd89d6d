/*
 * The timeline screen.
 *
 *  Timeline of good.test (12 events, newest first)
 *  2026-12-03 14:45  note       alice: registrar moved to ops@good.test
 *  2026-12-03 14:40  status     tlsa: fail -> pass
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "bars.h"
#include "clock.h"
#include "inv.h"
#include "prompt.h"
#include "recovery.h"
#include "text.h"
#include "theme.h"
#include "timeline.h"
#include "xmalloc.h"

#define TIMELINE_WHEN_W	18
#define TIMELINE_KIND_W	11

struct timeline_screen {
	struct state_event	*events;
	size_t			 n;
	int			 top;
	int			 max;
};

static const struct bars_hint timeline_hints[] = {
	{ "j/k", "scroll" },
	{ "n", "add note" },
	{ "i", "inventory" },
	{ "h", "back" },
	{ "?", "help" },
	{ "q", "quit" },
};

static void
timeline_load(struct app *app)
{
	struct timeline_screen	*t = app->timeline;
	char			*cause = NULL;

	state_event_list_free(t->events, t->n);
	t->events = NULL;
	t->n = 0;
	if (state_event_list(app->state, app->dom->name, 0, &t->events, &t->n,
	    &cause) != 0) {
		app_message(app, 1, "cannot read the timeline: %s", cause);
		free(cause);
	}
	app->dirty |= APP_DIRTY_BODY|APP_DIRTY_STATUS;
}

void
timeline_open(struct app *app)
{
	if (app->dom == NULL)
		return;
	if (app->timeline == NULL)
		app->timeline = xcalloc(1, sizeof *app->timeline);
	app->timeline->top = 0;
	timeline_load(app);
	app->screen = APP_TIMELINE;
	app->dirty = APP_DIRTY_ALL;
}

void
timeline_close(struct app *app)
{
	if (app->timeline == NULL)
		return;
	state_event_list_free(app->timeline->events, app->timeline->n);
	free(app->timeline);
	app->timeline = NULL;
}

static void
timeline_build(struct app *app, struct text_lines *tl, int width)
{
	const struct state_event	*ev;
	char				 when[32], *s;
	size_t				 i;

	for (i = 0; i < app->timeline->n; i++) {
		ev = &app->timeline->events[i];
		clock_format(ev->at, when, sizeof when);
		when[10] = ' ';
		s = xprintf("%.16s  %-*s%s", when, TIMELINE_KIND_W - 1,
		    ev->kind, ev->message);
		text_wrap(tl, s, width, 0, TIMELINE_WHEN_W + TIMELINE_KIND_W - 1,
		    strcmp(ev->kind, "note") == 0 ? theme_attr(THEME_INFO) : 0,
		    0);
		free(s);
	}
	if (app->timeline->n == 0)
		text_wrap(tl, "No events yet.", width, 0, 0,
		    theme_attr(THEME_DIM), 0);
}

void
timeline_draw(struct app *app)
{
	const struct app_layout	*l = &app->layout;
	struct timeline_screen	*t = app->timeline;
	struct text_lines	 tl = { NULL, 0, 0 };
	char			*s;
	int			 y, i, h = l->body_h - 1, w = l->cols - 2;

	if (t == NULL)
		return;
	if (app->dirty & APP_DIRTY_BODY) {
		for (y = l->body_y; y < l->status_y; y++)
			text_fill(y, 0, l->cols, 0);
		s = xprintf("Timeline of %s (%zu event%s, newest first)",
		    app->dom->name, t->n, t->n == 1 ? "" : "s");
		text_put(l->body_y, 1, w, theme_attr(THEME_TITLE), s, 0);
		free(s);
		timeline_build(app, &tl, w);
		t->max = (int)tl.n > h ? (int)tl.n - h : 0;
		if (t->top > t->max)
			t->top = t->max;
		for (i = 0; i < h && t->top + i < (int)tl.n; i++)
			text_put_wcs(l->body_y + 1 + i, 1 + tl.v[t->top +
			    i].indent, w - tl.v[t->top + i].indent,
			    tl.v[t->top + i].attr, tl.v[t->top + i].text, 0);
		text_lines_free(&tl);
	}
	if (app->dirty & APP_DIRTY_STATUS) {
		if (app->prompting)
			prompt_draw(app);
		else
			bars_status(app, app->read_only ? "read-only: notes "
			    "cannot be added" : "n adds a note for everyone "
			    "sharing this state");
		bars_keys(app, timeline_hints,
		    sizeof timeline_hints / sizeof timeline_hints[0]);
	}
}

static void
timeline_note_done(struct app *app, const char *text)
{
	char	*message, *cause = NULL;

	while (*text == ' ')
		text++;
	if (*text == '\0') {
		app_message(app, 0, "no note added");
		return;
	}
	message = xprintf("%s: %s", recovery_user(), text);
	if (state_domain_add(app->state, app->dom->name, &cause) != 0 ||
	    state_event_add(app->state, app->dom->name, clock_now(), "note",
	    message, &cause) != 0) {
		app_message(app, 1, "the note is not stored: %s", cause);
		free(cause);
	} else
		app_message(app, 0, "note added");
	free(message);
	if (app->timeline != NULL)
		timeline_load(app);
}

int
timeline_key(struct app *app, int key)
{
	struct timeline_screen	*t = app->timeline;
	int			 page = app->layout.body_h - 2;

	switch (key) {
	case KEY_UP:
	case 'k':
		t->top--;
		break;
	case KEY_DOWN:
	case 'j':
		t->top++;
		break;
	case KEY_PPAGE:
	case 'b':
		t->top -= page;
		break;
	case KEY_NPAGE:
	case ' ':
		t->top += page;
		break;
	case 'n':
		if (app->read_only) {
			app_message(app, 1, "read-only: no note is added");
			return APP_KEY_HANDLED;
		}
		prompt_ask(app, " Note: ", NULL, timeline_note_done);
		return APP_KEY_HANDLED;
	case 'r':
		timeline_load(app);
		return APP_KEY_HANDLED;
	case 'i':
		timeline_close(app);
		inv_open(app);
		return APP_KEY_HANDLED;
	case 27:
	case 'h':
	case KEY_LEFT:
	case KEY_BACKSPACE:
	case 127:
	case 8:
		timeline_close(app);
		app->screen = APP_DOMAIN;
		app->dirty = APP_DIRTY_ALL;
		return APP_KEY_HANDLED;
	default:
		return APP_KEY_IGNORED;
	}
	if (t->top > t->max)
		t->top = t->max;
	if (t->top < 0)
		t->top = 0;
	app->dirty |= APP_DIRTY_BODY;
	return APP_KEY_HANDLED;
}
