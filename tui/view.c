/*
 * The domain view screen.
 *
 *  Steps                    | TLSA (step 3 of 7)
 * > ✓ 1 Inventory           | ✓ pass   checked 2026-12-03T13:44:56Z
 *   ✓ 2 DNSSEC              |
 *   ✓ 3 TLSA                | summary ...
 *   ...                     | Findings / Artifacts ...
 *
 * The detail is built as a list of wrapped lines on every draw of the
 * pane (it is small) and shown from app->detail_top.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "bars.h"
#include "clock.h"
#include "inv.h"
#include "prompt.h"
#include "strbuf.h"
#include "text.h"
#include "theme.h"
#include "timeline.h"
#include "view.h"
#include "xmalloc.h"

static const struct bars_hint view_hints[] = {
	{ "j/k", "step" },
	{ "Tab", "detail" },
	{ "J/K", "scroll" },
	{ "r", "re-check" },
	{ "w", "write records" },
	{ "o", "override (enforce)" },
	{ "i", "inventory" },
	{ "t", "timeline" },
	{ "h", "domains" },
	{ "?", "help" },
	{ "q", "quit" },
};

static const struct bars_hint view_hints_detail[] = {
	{ "j/k PgUp/PgDn", "scroll" },
	{ "Tab", "steps" },
	{ "r", "re-check" },
	{ "h", "back" },
	{ "?", "help" },
	{ "q", "quit" },
};

/* Lines of the scrolled part of the detail pane. */
static int
view_detail_height(const struct app *app)
{
	int	h = app->layout.body_h - 3;

	return h > 1 ? h : 1;
}

static void
view_draw_steps(struct app *app)
{
	const struct app_layout	*l = &app->layout;
	const struct app_domain	*dom = app->dom;
	enum step_status	 status;
	char			*label, when[32];
	int			 i, y, x, attr, sel, running, mw;

	for (y = l->body_y; y < l->status_y; y++)
		text_fill(y, 0, l->left_w, 0);
	text_put(l->body_y, 1, l->left_w - 1, theme_attr(THEME_TITLE),
	    "Steps", 0);

	running = app_check_running(app, dom->name);
	mw = theme_mark_width();
	for (i = 0; i < STEP_COUNT; i++) {
		y = l->body_y + 1 + i;
		if (y >= l->status_y)
			break;
		sel = (size_t)i == app->step;
		attr = 0;
		if (sel)
			attr = theme_attr(app->focus_detail ?
			    THEME_UNFOCUSED : THEME_SELECTED);
		text_fill(y, 0, l->left_w, attr);
		if (sel)
			text_put(y, 1, 1, attr, theme_pointer(), 0);

		status = dom->have[i] ? dom->results[i].status : STEP_PENDING;
		text_put(y, 3, mw, sel ? attr :
		    theme_attr(theme_status_element(status)),
		    theme_mark(status), 0);
		x = 3 + mw + 1;
		label = xprintf("%d %s", i + 1, step_table[i]->title);
		text_put(y, x, l->left_w - x - (running ? mw + 1 : 0), attr,
		    label, 0);
		free(label);
		if (running)
			text_put(y, l->left_w - mw - 1, mw, sel ? attr :
			    theme_attr(THEME_RUNNING),
			    theme_spinner(app->frame + i), 0);
	}

	/* When it was last checked. */
	y = l->body_y + STEP_COUNT + 2;
	if (y + 1 >= l->status_y)
		return;
	text_put(y, 1, l->left_w - 1, theme_attr(THEME_TITLE), "Last check",
	    0);
	if (running) {
		label = xprintf("checking%s", theme_ellipsis());
		text_put(y + 1, 1, l->left_w - 1, theme_attr(THEME_RUNNING),
		    label, 0);
		free(label);
	} else if (dom->checked != 0) {
		clock_format(dom->checked, when, sizeof when);
		text_put(y + 1, 1, l->left_w - 1, 0, when, 0);
	} else
		text_put(y + 1, 1, l->left_w - 1, theme_attr(THEME_DIM),
		    "never", 0);
}

/* Summary, findings and artifacts of one step, wrapped to width. */
/*
 * Artifacts, under two headings: what to publish (records, files) and
 * details to read (tables, lists), which are no business of the zone.
 */
static void
view_text_artifacts(struct text_lines *tl, const struct step_result *r,
    int width, int publish)
{
	const struct artifact	*a;
	size_t			 i, n = 0, shown = 0;
	char			*s;

	for (i = 0; i < r->nartifacts; i++)
		if ((strcmp(r->artifacts[i].kind, "text") != 0) == publish)
			n++;
	if (n == 0)
		return;

	text_lines_blank(tl);
	s = xprintf("%s (%zu)", publish ? "To publish" : "Details", n);
	text_wrap(tl, s, width, 0, 0, theme_attr(THEME_TITLE), 0);
	free(s);
	for (i = 0; i < r->nartifacts; i++) {
		a = &r->artifacts[i];
		if ((strcmp(a->kind, "text") != 0) != publish)
			continue;
		if (shown++ > 0)
			text_lines_blank(tl);
		s = xprintf("%s [%s]", a->name, a->kind);
		text_wrap(tl, s, width, 0, 2, A_BOLD, 0);
		free(s);
		text_wrap(tl, a->content, width, 2, 0,
		    theme_attr(THEME_ARTIFACT), TEXT_VERBATIM);
	}
}

static void
view_build(struct app *app, struct text_lines *tl, int width)
{
	const struct app_domain	*dom = app->dom;
	const struct step_result	*r = &dom->results[app->step];
	const struct finding	*f;
	char			*s;
	size_t			 i, first;
	int			 mw = theme_mark_width();

	if (!dom->have[app->step]) {
		text_wrap(tl, app_check_running(app, dom->name) ?
		    "Not checked yet; the check is running." :
		    "Not checked yet.  Press r to check.", width, 0, 0,
		    theme_attr(THEME_DIM), 0);
		return;
	}
	if (r->summary != NULL)
		text_wrap(tl, r->summary, width, 0, 0, 0, 0);

	if (r->findings.n > 0) {
		text_lines_blank(tl);
		s = xprintf("Findings (%zu)", r->findings.n);
		text_wrap(tl, s, width, 0, 0, theme_attr(THEME_TITLE), 0);
		free(s);
	}
	for (i = 0; i < r->findings.n; i++) {
		f = &r->findings.v[i];
		first = tl->n;
		text_wrap(tl, f->message, width, mw + 1, 0, 0, 0);
		if (first < tl->n) {
			tl->v[first].mark = theme_severity_mark(f->severity);
			tl->v[first].mark_attr =
			    theme_attr(theme_severity_element(f->severity));
		}
		if (f->rfc != NULL && f->req != REQ_NONE)
			s = xprintf("%s %s %s %s %s", f->code, theme_bullet(),
			    f->rfc, theme_bullet(), requirement_name(f->req));
		else if (f->rfc != NULL)
			s = xprintf("%s %s %s", f->code, theme_bullet(),
			    f->rfc);
		else
			s = xprintf("%s", f->code != NULL ? f->code : "");
		text_wrap(tl, s, width, mw + 1, 2, theme_attr(THEME_CODE), 0);
		free(s);
	}

	view_text_artifacts(tl, r, width, 0);
	view_text_artifacts(tl, r, width, 1);
	if (r->findings.n == 0 && r->nartifacts == 0) {
		text_lines_blank(tl);
		text_wrap(tl, "No findings.", width, 0, 0,
		    theme_attr(THEME_DIM), 0);
	}
}

static void
view_draw_detail(struct app *app)
{
	const struct app_layout	*l = &app->layout;
	const struct app_domain	*dom = app->dom;
	const struct step	*step = step_table[app->step];
	const struct text_line	*line;
	struct text_lines	 tl = { NULL, 0, 0 };
	enum step_status	 status;
	char			*s, when[32];
	int			 x = l->detail_x, w = l->detail_w;
	int			 h, y, i, used;

	for (y = l->body_y; y < l->status_y; y++)
		text_fill(y, l->left_w + 1, l->cols - l->left_w - 1, 0);
	for (y = l->body_y; y < l->status_y; y++)
		text_put(y, l->left_w, 1, theme_attr(THEME_BORDER),
		    theme_vline(), 0);

	/* Title and status stay put; the rest scrolls. */
	s = xprintf("Step %d of %d: %s", (int)app->step + 1, STEP_COUNT,
	    step->title);
	used = text_put(l->body_y, x, w, theme_attr(THEME_TITLE), s, 0);
	free(s);

	status = dom->have[app->step] ? dom->results[app->step].status :
	    STEP_PENDING;
	y = l->body_y + 1;
	used = text_put(y, x, w, theme_attr(theme_status_element(status)),
	    theme_mark(status), 0);
	used += text_put(y, x + used + 1, w - used - 1,
	    theme_attr(theme_status_element(status)),
	    dom->have[app->step] ? step_status_name(status) : "not checked",
	    0) + 1;
	if (dom->have[app->step] && dom->step_checked[app->step] != 0) {
		clock_format(dom->step_checked[app->step], when, sizeof when);
		s = xprintf("checked %s", when);
		text_put(y, x + used + 3, w - used - 3, theme_attr(THEME_DIM),
		    s, 0);
		free(s);
	}

	view_build(app, &tl, w);
	h = view_detail_height(app);
	app->detail_max = (int)tl.n > h ? (int)tl.n - h : 0;
	if (app->detail_top > app->detail_max)
		app->detail_top = app->detail_max;
	if (app->detail_top < 0)
		app->detail_top = 0;

	for (i = 0; i < h && app->detail_top + i < (int)tl.n; i++) {
		line = &tl.v[app->detail_top + i];
		y = l->body_y + 3 + i;
		if (line->mark != NULL)
			text_put(y, x, line->indent, line->mark_attr,
			    line->mark, 0);
		text_put_wcs(y, x + line->indent, w - line->indent,
		    line->attr, line->text, 0);
	}

	/* Where we are, when it does not all fit. */
	if (app->detail_max > 0) {
		s = xprintf("%d-%d/%zu", app->detail_top + 1,
		    app->detail_top + i, tl.n);
		if (text_width(s) < w)
			text_put(l->body_y + 2, x + w - text_width(s), w,
			    theme_attr(THEME_DIM), s, 0);
		free(s);
	}
	text_lines_free(&tl);
}

void
view_draw(struct app *app)
{
	char	*idle = NULL;

	if (app->dom == NULL)
		return;
	if (app->dirty & APP_DIRTY_BODY)
		view_draw_steps(app);
	if (app->dirty & (APP_DIRTY_DETAIL|APP_DIRTY_BODY))
		view_draw_detail(app);
	if (app->dirty & APP_DIRTY_STATUS) {
		if (app->read_only)
			idle = xprintf("read-only: the cursor and results "
			    "are not stored");
		bars_status(app, idle);
		free(idle);
		if (app->focus_detail)
			bars_keys(app, view_hints_detail,
			    sizeof view_hints_detail /
			    sizeof view_hints_detail[0]);
		else
			bars_keys(app, view_hints,
			    sizeof view_hints / sizeof view_hints[0]);
	}
}

static void
view_scroll(struct app *app, int by)
{
	app->detail_top += by;
	if (app->detail_top > app->detail_max)
		app->detail_top = app->detail_max;
	if (app->detail_top < 0)
		app->detail_top = 0;
	app->dirty |= APP_DIRTY_DETAIL;
}

/* Keys that move the step cursor; -1 when key is not one. */
static int
view_step_key(struct app *app, int key)
{
	switch (key) {
	case KEY_UP:
	case 'k':
		return app->step > 0 ? (int)app->step - 1 : 0;
	case KEY_DOWN:
	case 'j':
		return app->step + 1 < STEP_COUNT ? (int)app->step + 1 :
		    STEP_COUNT - 1;
	case KEY_HOME:
	case 'g':
		return 0;
	case KEY_END:
	case 'G':
		return STEP_COUNT - 1;
	}
	if (key >= '1' && key < '1' + STEP_COUNT)
		return key - '1';
	return -1;
}

/*
 * Writes the step's records and files, unwrapped, to mxanchor-DOMAIN-STEP
 * in the current folder: a terminal cannot copy a wrapped line whole.
 */
static void
view_write_artifacts(struct app *app)
{
	const struct step_result	*r = &app->dom->results[app->step];
	const struct artifact		*a;
	struct strbuf			 b = { NULL, 0, 0 };
	char				*path, *cause = NULL;
	size_t				 i;

	for (i = 0; i < r->nartifacts; i++) {
		a = &r->artifacts[i];
		if (strcmp(a->kind, "text") == 0)
			continue;
		strbuf_printf(&b, "; %s\n%s%s\n", a->name, a->content,
		    a->content[0] != '\0' &&
		    a->content[strlen(a->content) - 1] != '\n' ? "\n" : "");
	}
	if (b.len == 0) {
		app_message(app, 0, "nothing to publish for this step");
		return;
	}

	path = xprintf("mxanchor-%s-%s.txt", app->dom->name,
	    step_table[app->step]->name);
	if (atomic_write(path, b.s, b.len, 0644, &cause) != 0) {
		app_message(app, 1, "%s", cause);
		free(cause);
	} else
		app_message(app, 0, "wrote %s", path);
	free(path);
	strbuf_free(&b);
}

int
view_key(struct app *app, int key)
{
	int	page = view_detail_height(app) - 1, step;

	if (page < 1)
		page = 1;
	if (!app->focus_detail && (step = view_step_key(app, key)) != -1) {
		app_step_select(app, (size_t)step);
		return APP_KEY_HANDLED;
	}
	switch (key) {
	case KEY_UP:
	case 'k':
	case 'K':
		view_scroll(app, -1);
		break;
	case KEY_DOWN:
	case 'j':
	case 'J':
		view_scroll(app, 1);
		break;
	case KEY_PPAGE:
	case 'b':
		view_scroll(app, -page);
		break;
	case KEY_NPAGE:
	case ' ':
		view_scroll(app, page);
		break;
	case KEY_HOME:
	case 'g':
		view_scroll(app, -app->detail_max);
		break;
	case KEY_END:
	case 'G':
		view_scroll(app, app->detail_max);
		break;
	case '\t':
	case KEY_BTAB:
		app->focus_detail = !app->focus_detail;
		app->dirty |= APP_DIRTY_BODY|APP_DIRTY_STATUS;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
	case KEY_RIGHT:
	case 'l':
		app->focus_detail = 1;
		app->dirty |= APP_DIRTY_BODY|APP_DIRTY_STATUS;
		break;
	case 'r':
		app_check_start(app, app->dom->name);
		break;
	case 'w':
		view_write_artifacts(app);
		break;
	case 'o':
		if (app->step != STEP_ENFORCE)
			return APP_KEY_IGNORED;
		prompt_begin_override(app);
		break;
	case 'T':
		if (app_hostkey_ask(app) != 0)
			app_message(app, 0, "no unknown SSH host key to "
			    "confirm (a changed key only with check "
			    "--trust-host-key)");
		break;
	case 'i':
		inv_open(app);
		break;
	case 't':
		timeline_open(app);
		break;
	case 27:	/* Escape */
	case KEY_LEFT:
	case 'h':
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (app->focus_detail) {
			app->focus_detail = 0;
			app->dirty |= APP_DIRTY_BODY|APP_DIRTY_STATUS;
		} else
			app_domain_close(app);
		break;
	default:
		return APP_KEY_IGNORED;
	}
	return APP_KEY_HANDLED;
}
