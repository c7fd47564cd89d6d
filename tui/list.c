/*
 * The domain list screen: the dashboard, most urgent domain first.
 *
 *   Domain            inv  sec  tlsa mta  sts  rpt  enf  Next action    Last...
 * > stale.test        ✓    ✓    ✗    ✓    ✓    ✓    ·    fix DANE TLSA  2026-...
 *   good.test         ✓    ✓    ✓    ✓    !    ✓    ·    enforce MTA-ST...
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bars.h"
#include "clock.h"
#include "dash.h"
#include "list.h"
#include "prompt.h"
#include "text.h"
#include "theme.h"
#include "xmalloc.h"

#define LIST_COL_W	5
#define LIST_TIME_W	17	/* "2026-12-03 14:05", UTC */
#define LIST_NAME_MIN	16
#define LIST_NAME_MAX	32
#define LIST_NEXT_W	28	/* before there is room for the time */

/* Column labels by step id; the step table's titles are too wide. */
static const char *const list_labels[STEP_COUNT] = {
	"inv", "sec", "tlsa", "mta", "sts", "rpt", "enf",
};

static const struct bars_hint list_hints[] = {
	{ "j/k", "move" },
	{ "Enter", "open" },
	{ "a", "add domain" },
	{ "D", "remove" },
	{ "r", "check" },
	{ "?", "help" },
	{ "q", "quit" },
};

/* Read-only: a domain can be opened and checked, nothing removed. */
static const struct bars_hint list_hints_ro[] = {
	{ "j/k", "move" },
	{ "Enter", "open" },
	{ "a", "open a domain" },
	{ "r", "check" },
	{ "?", "help" },
	{ "q", "quit" },
};

static int
list_height(const struct app *app)
{
	return app->layout.body_h - 2;
}

/*
 * Columns after the marks: the next action always, the time of the last
 * check when there is room for it too.
 */
static int
list_time_width(const struct app *app)
{
	if (app->layout.cols - 3 - STEP_COUNT * LIST_COL_W - LIST_TIME_W <
	    LIST_NAME_MIN + LIST_NEXT_W)
		return 0;
	return LIST_TIME_W;
}

static int
list_name_width(const struct app *app)
{
	int	w = app->layout.cols - 3 - STEP_COUNT * LIST_COL_W -
	    list_time_width(app) - LIST_NEXT_W;

	if (w > LIST_NAME_MAX)
		w = LIST_NAME_MAX;
	return w < LIST_NAME_MIN ? LIST_NAME_MIN : w;
}

static int
list_next_width(const struct app *app)
{
	int	w = app->layout.cols - 3 - list_name_width(app) -
	    STEP_COUNT * LIST_COL_W - list_time_width(app);

	return w > 0 ? w : 0;
}

static void
list_draw_titles(struct app *app)
{
	int	y = app->layout.body_y, x, i, attr = theme_attr(THEME_TITLE);

	text_put(y, 3, list_name_width(app), attr, "Domain", 0);
	x = 3 + list_name_width(app);
	for (i = 0; i < STEP_COUNT; i++, x += LIST_COL_W)
		text_put(y, x, LIST_COL_W, attr, list_labels[i], 0);
	text_put(y, x, list_next_width(app), attr, "Next action", 0);
	x += list_next_width(app);
	text_put(y, x, list_time_width(app), attr, "Last check", 0);
}

/* What the domain needs next, coloured by how urgent it is. */
static void
list_draw_next(struct app *app, size_t idx, int y, int x, int attr)
{
	const struct next_action	*a = &app->next[idx];
	char				 text[128];
	int				 w = list_next_width(app) - 1;

	if (w < 1)
		return;
	dash_next_text(a, w, text, sizeof text);
	text_put(y, x, w, attr != 0 ? attr : theme_attr(dash_element(a)),
	    text, 0);
}

static void
list_draw_row(struct app *app, size_t idx, int y)
{
	const struct state_domain	*d = &app->domains[idx];
	const struct step		*step;
	enum step_status		 status, marks[STEP_COUNT];
	char				 when[32];
	struct tm			 tm;
	size_t				 i;
	int				 x, w, selected, attr;

	selected = idx == app->list_sel;
	attr = selected ? theme_attr(THEME_SELECTED) : 0;
	text_fill(y, 0, app->layout.cols, attr);
	if (selected)
		text_put(y, 1, 1, attr, theme_pointer(), 0);
	text_put(y, 3, list_name_width(app) - 1, attr, d->name, 0);

	/* One mark per step, in step order; never checked is pending. */
	for (i = 0; i < STEP_COUNT; i++)
		marks[i] = STEP_PENDING;
	for (i = 0; i < d->nsteps; i++) {
		if (d->steps[i].id == NULL || d->steps[i].status == NULL ||
		    (step = step_by_name(d->steps[i].id)) == NULL ||
		    step_status_parse(d->steps[i].status, &status) != 0)
			continue;
		marks[step->id] = status;
	}
	x = 3 + list_name_width(app);
	for (i = 0; i < STEP_COUNT; i++) {
		text_put(y, x + (int)i * LIST_COL_W, LIST_COL_W,
		    selected ? attr :
		    theme_attr(theme_status_element(marks[i])),
		    theme_mark(marks[i]), 0);
	}
	x += STEP_COUNT * LIST_COL_W;
	list_draw_next(app, idx, y, x, attr);
	x += list_next_width(app);
	w = list_time_width(app);

	if (app_check_running(app, d->name)) {
		text_put(y, x, w, selected ? attr :
		    theme_attr(THEME_RUNNING), theme_spinner(app->frame), 0);
		text_put(y, x + theme_mark_width() + 1,
		    w - theme_mark_width() - 1, attr, "checking", 0);
	} else if (d->checked != 0) {
		/* To the minute is enough at a glance; the view has it all. */
		gmtime_r(&d->checked, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		text_put(y, x, w, attr, when, 0);
	} else
		text_put(y, x, w, selected ? attr : theme_attr(THEME_DIM),
		    "never", 0);
}

void
list_draw(struct app *app)
{
	const struct app_layout	*l = &app->layout;
	char			*idle;
	int			 h = list_height(app), i;

	if (app->dirty & APP_DIRTY_BODY) {
		for (i = l->body_y; i < l->status_y; i++)
			text_fill(i, 0, l->cols, 0);
		if (app->ndomains == 0) {
			text_put(l->body_y + 1, 3, l->cols - 4,
			    theme_attr(THEME_NORMAL),
			    "No domains yet.  Press a to add the first one.",
			    0);
		} else {
			/* Keep the selection in view. */
			if (app->list_sel < app->list_top)
				app->list_top = app->list_sel;
			if (h > 0 && app->list_sel >= app->list_top + h)
				app->list_top = app->list_sel - h + 1;
			list_draw_titles(app);
			for (i = 0; i < h &&
			    app->list_top + i < app->ndomains; i++)
				list_draw_row(app, app->list_top + i,
				    l->body_y + 1 + i);
		}
	}
	if (app->dirty & APP_DIRTY_STATUS) {
		if (app->prompting)
			prompt_draw(app);
		else if (app->confirm_remove != NULL) {
			idle = xprintf("Remove %s and its whole history? "
			    "y to remove, any other key keeps it",
			    app->confirm_remove);
			text_put(app->layout.status_y, 0, l->cols,
			    theme_attr(THEME_ERROR), idle, 1);
			free(idle);
		} else {
			idle = dash_totals(app->next, app->ndomains);
			bars_status(app, idle);
			free(idle);
		}
		if (app->read_only)
			bars_keys(app, list_hints_ro, sizeof list_hints_ro /
			    sizeof list_hints_ro[0]);
		else
			bars_keys(app, list_hints,
			    sizeof list_hints / sizeof list_hints[0]);
	}
}

int
list_key(struct app *app, int key)
{
	size_t	n = app->ndomains, page;

	page = list_height(app) > 1 ? (size_t)list_height(app) - 1 : 1;
	switch (key) {
	case KEY_UP:
	case 'k':
		if (app->list_sel > 0)
			app->list_sel--;
		break;
	case KEY_DOWN:
	case 'j':
		if (app->list_sel + 1 < n)
			app->list_sel++;
		break;
	case KEY_HOME:
	case 'g':
		app->list_sel = 0;
		break;
	case KEY_END:
	case 'G':
		app->list_sel = n > 0 ? n - 1 : 0;
		break;
	case KEY_PPAGE:
		app->list_sel = app->list_sel > page ? app->list_sel - page : 0;
		break;
	case KEY_NPAGE:
		app->list_sel += page;
		if (app->list_sel >= n)
			app->list_sel = n > 0 ? n - 1 : 0;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
	case KEY_RIGHT:
	case 'l':
		if (n == 0)
			return APP_KEY_IGNORED;
		app_domain_open(app, app->domains[app->list_sel].name);
		return APP_KEY_HANDLED;
	case 'a':
		prompt_begin(app);
		return APP_KEY_HANDLED;
	case 'r':
		if (n == 0)
			return APP_KEY_IGNORED;
		app_check_start(app, app->domains[app->list_sel].name);
		break;
	case 'D':
		if (n == 0)
			return APP_KEY_IGNORED;
		if (app->read_only) {
			app_message(app, 0, "read-only: nothing is removed");
			return APP_KEY_HANDLED;
		}
		free(app->confirm_remove);
		app->confirm_remove = xstrdup(app->domains[app->list_sel].name);
		app->dirty |= APP_DIRTY_STATUS;
		return APP_KEY_HANDLED;
	default:
		return APP_KEY_IGNORED;
	}
	app->dirty |= APP_DIRTY_BODY;
	return APP_KEY_HANDLED;
}
