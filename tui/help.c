/*
 * The help screen.
 */
#include <curses.h>
#include <stdlib.h>

#include "bars.h"
#include "help.h"
#include "text.h"
#include "theme.h"
#include "xmalloc.h"

static const struct {
	const char	*keys;
	const char	*what;
} help_keys[] = {
	{ "j k Up Down", "move between domains or steps" },
	{ "1-7", "go to a step" },
	{ "Enter l Right", "open the domain; in a domain, focus the detail" },
	{ "Tab", "switch between the steps and the detail" },
	{ "J K PgUp PgDn", "scroll the detail (Space, b too)" },
	{ "h Left Bksp Esc", "back to the steps, then to the domain list" },
	{ "a", "add a domain (domain list)" },
	{ "D", "remove a domain or an inventory address (asks first)" },
	{ "w", "write the step's records to mxanchor-DOMAIN-STEP.txt" },
	{ "o T", "override the enforce gate; trust the SSH host key" },
	{ "i t", "the domain's inventory, the domain's timeline" },
	{ "n", "add a note (timeline); edit a note (inventory)" },
	{ "a e c p x m", "inventory: add, address, confirm, 3rd, ext, "
	    "mailboxes" },
	{ "r", "check again (background); reload inventory or timeline" },
	{ "Ctrl-L", "redraw the screen" },
	{ "?", "this help" },
	{ "q", "quit; the rollout resumes where you left it" },
};

static const char help_inventory[] =
    "Before anything else, write down which accounts can be taken over "
    "through mail: the certificate authority (ACME account), the "
    "registrar, the DNS and identity providers, hosting.  For each, the "
    "mailbox its password reset or validation mail goes to.  An address "
    "on someone else's mail service (3rd) or on a domain you do not "
    "control (ext) is not protected by anchoring this domain: move it "
    "here, then confirm the migration (c), which records when and who.  "
    "m (or mxanchor inventory DOMAIN check-mailboxes) asks the server of "
    "each recovery, TLS-RPT and postmaster mailbox whether it accepts "
    "mail, without sending any.  Several operators "
    "can edit at once: an edit of an address someone else changed "
    "meanwhile is refused and the screen reloads.";

static const struct bars_hint help_hints[] = {
	{ "j/k", "scroll" },
	{ "?", "back" },
	{ "q", "quit" },
};

void
help_open(struct app *app)
{
	if (app->screen == APP_HELP)
		return;
	app->help_back = app->screen;
	app->help_top = 0;
	app->screen = APP_HELP;
	app->dirty = APP_DIRTY_ALL;
}

static void
help_step(struct text_lines *tl, const struct step *step, int width)
{
	char	*s;

	s = xprintf("Step %d of %d: %s", (int)step->id + 1, STEP_COUNT,
	    step->title);
	text_wrap(tl, s, width, 0, 0, theme_attr(THEME_TITLE), 0);
	free(s);
	text_wrap(tl, step->help != NULL ? step->help : "", width, 2, 0, 0,
	    0);
}

static void
help_build(struct app *app, struct text_lines *tl, int width)
{
	char	*s;
	size_t	 i;
	int	 kw = 18;

	text_wrap(tl, "Keys", width, 0, 0, theme_attr(THEME_TITLE), 0);
	for (i = 0; i < sizeof help_keys / sizeof help_keys[0]; i++) {
		s = xprintf("%-*s%s", kw, help_keys[i].keys, help_keys[i].what);
		text_wrap(tl, s, width, 2, kw, 0, 0);
		free(s);
	}
	text_lines_blank(tl);

	s = xprintf("Marks: %s pass  %s warn  %s fail  %s pending or not "
	    "checked  %s checking", theme_mark(STEP_PASS),
	    theme_mark(STEP_WARN), theme_mark(STEP_FAIL),
	    theme_mark(STEP_PENDING), theme_spinner(0));
	text_wrap(tl, s, width, 0, 2, 0, 0);
	free(s);
	text_lines_blank(tl);

	if (app->help_back == APP_INVENTORY || app->help_back ==
	    APP_TIMELINE) {
		text_wrap(tl, "The inventory", width, 0, 0,
		    theme_attr(THEME_TITLE), 0);
		text_wrap(tl, help_inventory, width, 2, 0, 0, 0);
		return;
	}
	if (app->help_back == APP_DOMAIN && app->dom != NULL) {
		help_step(tl, step_table[app->step], width);
		return;
	}
	for (i = 0; i < STEP_COUNT; i++) {
		help_step(tl, step_table[i], width);
		text_lines_blank(tl);
	}
}

void
help_draw(struct app *app)
{
	const struct app_layout	*l = &app->layout;
	struct text_lines	 tl = { NULL, 0, 0 };
	const struct text_line	*line;
	int			 y, i, w = l->cols - 4;

	if (app->dirty & APP_DIRTY_BODY) {
		for (y = l->body_y; y < l->status_y; y++)
			text_fill(y, 0, l->cols, 0);
		help_build(app, &tl, w);
		app->help_max = (int)tl.n > l->body_h - 1 ?
		    (int)tl.n - (l->body_h - 1) : 0;
		if (app->help_top > app->help_max)
			app->help_top = app->help_max;
		for (i = 0; i < l->body_h - 1 &&
		    app->help_top + i < (int)tl.n; i++) {
			line = &tl.v[app->help_top + i];
			text_put_wcs(l->body_y + 1 + i, 2 + line->indent,
			    w - line->indent, line->attr, line->text, 0);
		}
		text_lines_free(&tl);
	}
	if (app->dirty & APP_DIRTY_STATUS) {
		bars_status(app, "help");
		bars_keys(app, help_hints,
		    sizeof help_hints / sizeof help_hints[0]);
	}
}

int
help_key(struct app *app, int key)
{
	int	page = app->layout.body_h - 2;

	switch (key) {
	case KEY_UP:
	case 'k':
	case 'K':
		app->help_top--;
		break;
	case KEY_DOWN:
	case 'j':
	case 'J':
		app->help_top++;
		break;
	case KEY_PPAGE:
	case 'b':
		app->help_top -= page;
		break;
	case KEY_NPAGE:
	case ' ':
		app->help_top += page;
		break;
	case '?':
	case 27:
	case 'h':
	case KEY_LEFT:
	case KEY_BACKSPACE:
	case 127:
	case 8:
	case '\n':
	case '\r':
	case KEY_ENTER:
		app->screen = app->help_back;
		app->dirty = APP_DIRTY_ALL;
		return APP_KEY_HANDLED;
	default:
		return APP_KEY_IGNORED;
	}
	if (app->help_top > app->help_max)
		app->help_top = app->help_max;
	if (app->help_top < 0)
		app->help_top = 0;
	app->dirty |= APP_DIRTY_BODY;
	return APP_KEY_HANDLED;
}
