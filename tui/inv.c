/*
 * The inventory screen.
 *
 *  Inventory of good.test: 3 recovery addresses, 2 not confirmed
 *     #  Account          Kind       Recovery address        Flags    Confirmed
 *  ▸  1  ACME account     ca         postmaster@good.test             2026-12-03
 *     2  Registrar        registrar  someone@gmail.com       3rd ext  no
 *
 *  Mailboxes, checked 2026-12-03T14:54:10Z
 *     accepts   postmaster@good.test (recovery,postmaster)
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bars.h"
#include "clock.h"
#include "inv.h"
#include "inventory.h"
#include "mailcheck.h"
#include "prompt.h"
#include "recovery.h"
#include "text.h"
#include "theme.h"
#include "timeline.h"
#include "xmalloc.h"

#define INV_ID_W	5
#define INV_KIND_W	11
#define INV_FLAGS_W	9
#define INV_CONF_W	11

struct inv_screen {
	struct state_recovery	*rec;
	size_t			 nrec;
	struct state_mailbox	*mb;
	size_t			 nmb;
	size_t			 sel;
	size_t			 top;
	char			*add_account;	/* while adding */
	char			*add_address;
	long long		 remove_id;	/* waits for y; 0: none */
};

static const struct bars_hint inv_hints[] = {
	{ "j/k", "move" },
	{ "a", "add" },
	{ "e", "address" },
	{ "c", "confirm" },
	{ "p", "3rd party" },
	{ "x", "ext domain" },
	{ "n", "note" },
	{ "m", "check mailboxes" },
	{ "D", "remove" },
	{ "t", "timeline" },
	{ "h", "back" },
	{ "?", "help" },
	{ "q", "quit" },
};

static void
inv_load(struct app *app)
{
	struct inv_screen	*v = app->inv;
	char			*cause = NULL;

	state_recovery_list_free(v->rec, v->nrec);
	state_mailbox_list_free(v->mb, v->nmb);
	v->rec = NULL;
	v->mb = NULL;
	v->nrec = v->nmb = 0;
	if (state_recovery_list(app->state, app->dom->name, &v->rec,
	    &v->nrec, &cause) != 0 || state_mailbox_list(app->state,
	    app->dom->name, &v->mb, &v->nmb, &cause) != 0) {
		app_message(app, 1, "cannot read the inventory: %s", cause);
		free(cause);
	}
	if (v->sel >= v->nrec)
		v->sel = v->nrec > 0 ? v->nrec - 1 : 0;
	app->dirty |= APP_DIRTY_BODY|APP_DIRTY_STATUS;
}

void
inv_open(struct app *app)
{
	if (app->dom == NULL)
		return;
	if (app->inv == NULL)
		app->inv = xcalloc(1, sizeof *app->inv);
	inv_load(app);
	app->screen = APP_INVENTORY;
	app->dirty = APP_DIRTY_ALL;
}

void
inv_close(struct app *app)
{
	struct inv_screen	*v = app->inv;

	if (v == NULL)
		return;
	state_recovery_list_free(v->rec, v->nrec);
	state_mailbox_list_free(v->mb, v->nmb);
	free(v->add_account);
	free(v->add_address);
	free(v);
	app->inv = NULL;
}

/* Widths of the account and address columns, from what is left. */
static void
inv_widths(const struct app *app, int *account, int *address)
{
	int	rest = app->layout.cols - 3 - INV_ID_W - INV_KIND_W -
	    INV_FLAGS_W - INV_CONF_W;

	if (rest < 20)
		rest = 20;
	*account = rest * 2 / 5;
	*address = rest - *account;
}

static void
inv_draw_row(struct app *app, size_t i, int y)
{
	const struct state_recovery	*r = &app->inv->rec[i];
	char				 buf[64], when[32];
	int				 aw, dw, x, sel, attr;

	inv_widths(app, &aw, &dw);
	sel = i == app->inv->sel;
	attr = sel ? theme_attr(THEME_SELECTED) : 0;
	text_fill(y, 0, app->layout.cols, attr);
	if (sel)
		text_put(y, 1, 1, attr, theme_pointer(), 0);
	snprintf(buf, sizeof buf, "%4lld", r->id);
	x = 3;
	text_put(y, x, INV_ID_W - 1, attr, buf, 0);
	text_put(y, x += INV_ID_W, aw - 1, attr, r->account, 0);
	text_put(y, x += aw, INV_KIND_W - 1, attr, r->kind, 0);
	text_put(y, x += INV_KIND_W, dw - 1, attr, r->address, 0);
	snprintf(buf, sizeof buf, "%-3s %-3s", r->third_party ? "3rd" : "",
	    r->not_controlled ? "ext" : "");
	text_put(y, x += dw, INV_FLAGS_W - 1, sel ? attr : theme_attr(
	    r->third_party || r->not_controlled ? THEME_WARN : THEME_NORMAL),
	    buf, 0);
	x += INV_FLAGS_W;
	if (r->confirmed != 0) {
		clock_format(r->confirmed, when, sizeof when);
		snprintf(buf, sizeof buf, "%.10s", when);
	} else
		snprintf(buf, sizeof buf, "no");
	text_put(y, x, INV_CONF_W - 1, sel ? attr : theme_attr(r->confirmed ?
	    THEME_PASS : THEME_DIM), buf, 0);
}

static void
inv_draw_titles(struct app *app, int y)
{
	int	aw, dw, x, attr = theme_attr(THEME_TITLE);

	inv_widths(app, &aw, &dw);
	x = 3;
	text_put(y, x, INV_ID_W - 1, attr, "   #", 0);
	text_put(y, x += INV_ID_W, aw - 1, attr, "Account", 0);
	text_put(y, x += aw, INV_KIND_W - 1, attr, "Kind", 0);
	text_put(y, x += INV_KIND_W, dw - 1, attr, "Recovery address", 0);
	text_put(y, x += dw, INV_FLAGS_W - 1, attr, "Flags", 0);
	text_put(y, x + INV_FLAGS_W, INV_CONF_W - 1, attr, "Confirmed", 0);
}

/* The last mailbox check, under the list; returns the next line. */
static int
inv_draw_mailboxes(struct app *app, int y)
{
	const struct state_mailbox	*m;
	char				*s, when[32];
	size_t				 i;

	if (app->inv->nmb == 0 || y + 1 >= app->layout.status_y)
		return y;
	clock_format(app->inv->mb[0].checked, when, sizeof when);
	s = xprintf("Mailboxes, checked %s", when);
	text_put(y++, 1, app->layout.cols - 2, theme_attr(THEME_TITLE), s, 0);
	free(s);
	for (i = 0; i < app->inv->nmb && y < app->layout.status_y; i++) {
		m = &app->inv->mb[i];
		text_put(y, 3, 10, theme_attr(strcmp(m->verdict, "accepts") ==
		    0 ? THEME_PASS : strcmp(m->verdict, "untested") == 0 ?
		    THEME_DIM : THEME_FAIL), m->verdict, 0);
		s = xprintf("%s (%s)", m->address, m->role);
		text_put(y++, 13, app->layout.cols - 14, 0, s, 0);
		free(s);
	}
	return y;
}

/* The selected row's note and confirmation, for the status line. */
static char *
inv_idle(struct app *app)
{
	const struct state_recovery	*r;
	char				 when[32];

	if (app->mailcheck != NULL)
		return xprintf("asking the mailboxes of %s whether they "
		    "accept mail%s", mailcheck_domain(app->mailcheck),
		    theme_ellipsis());
	if (app->inv->nrec == 0)
		return xprintf("no recovery addresses yet: a adds the first "
		    "(3rd: third-party mailbox, ext: domain not yours)");
	r = &app->inv->rec[app->inv->sel];
	if (r->confirmed != 0) {
		clock_format(r->confirmed, when, sizeof when);
		return xprintf("#%lld confirmed %s by %s%s%s", r->id, when,
		    r->confirmed_by, r->note != NULL ? "; note: " : "",
		    r->note != NULL ? r->note : "");
	}
	return xprintf("#%lld not confirmed; added by %s%s%s", r->id,
	    r->added_by, r->note != NULL ? "; note: " : "",
	    r->note != NULL ? r->note : "");
}

void
inv_draw(struct app *app)
{
	const struct app_layout	*l = &app->layout;
	struct inv_screen	*v = app->inv;
	char			*s;
	size_t			 open = 0, i;
	int			 y, rows;

	if (v == NULL)
		return;
	if (app->dirty & APP_DIRTY_BODY) {
		for (y = l->body_y; y < l->status_y; y++)
			text_fill(y, 0, l->cols, 0);
		for (i = 0; i < v->nrec; i++)
			open += v->rec[i].confirmed == 0;
		s = xprintf("Inventory of %s: %zu recovery address%s, %zu not "
		    "confirmed", app->dom->name, v->nrec, v->nrec == 1 ? "" :
		    "es", open);
		text_put(l->body_y, 1, l->cols - 2, theme_attr(THEME_TITLE), s,
		    0);
		free(s);
		inv_draw_titles(app, l->body_y + 1);

		/* Keep the selection in view; mailboxes take what is left. */
		rows = l->body_h - 3 - (v->nmb > 0 ? 3 : 0);
		if (rows < 1)
			rows = 1;
		if (v->sel < v->top)
			v->top = v->sel;
		if (v->sel >= v->top + (size_t)rows)
			v->top = v->sel - (size_t)rows + 1;
		y = l->body_y + 2;
		for (i = v->top; i < v->nrec && y < l->body_y + 2 + rows; i++)
			inv_draw_row(app, i, y++);
		inv_draw_mailboxes(app, y + 1);
	}
	if (app->dirty & APP_DIRTY_STATUS) {
		if (app->prompting)
			prompt_draw(app);
		else if (v->remove_id != 0) {
			s = xprintf("Remove recovery #%lld? y to remove, any "
			    "other key keeps it", v->remove_id);
			text_put(l->status_y, 0, l->cols,
			    theme_attr(THEME_ERROR), s, 1);
			free(s);
		} else {
			s = inv_idle(app);
			bars_status(app, s);
			free(s);
		}
		bars_keys(app, inv_hints, sizeof inv_hints /
		    sizeof inv_hints[0]);
	}
}

/* The selected row, or NULL with a message. */
static struct state_recovery *
inv_selected(struct app *app)
{
	if (app->inv->nrec == 0) {
		app_message(app, 0, "no recovery address selected");
		return NULL;
	}
	return &app->inv->rec[app->inv->sel];
}

/* Writes one row back (naming its version) and reloads either way. */
static void
inv_update(struct app *app, const struct state_recovery *r,
    const char *what)
{
	char	*cause = NULL;

	if (state_recovery_update(app->state, app->dom->name, r,
	    recovery_user(), &cause) != 0) {
		app_message(app, 1, "%s", cause);
		free(cause);
	} else
		app_message(app, 0, "#%lld: %s", r->id, what);
	inv_load(app);
}

/* The flags the address suggests, given the domains in the state. */
static void
inv_guess(struct app *app, const char *address, int *third_party,
    int *not_controlled)
{
	char	**names;
	size_t	  i;

	names = xcalloc(app->ndomains + 1, sizeof *names);
	for (i = 0; i < app->ndomains; i++)
		names[i] = app->domains[i].name;
	recovery_guess(app->dom->name, address, names, app->ndomains,
	    third_party, not_controlled);
	free(names);
}

static void
inv_add_kind_done(struct app *app, const char *kind)
{
	struct inv_screen	*v = app->inv;
	struct state_recovery	 r;
	char			*cause = NULL;
	long long		 id;

	if (v == NULL || v->add_account == NULL || v->add_address == NULL)
		return;
	if (!recovery_kind_valid(kind)) {
		app_message(app, 1, "kind %s: ca, registrar, dns, idp, "
		    "hosting or other", kind);
		goto out;
	}
	memset(&r, 0, sizeof r);
	r.account = v->add_account;
	r.address = v->add_address;
	r.kind = (char *)kind;
	inv_guess(app, r.address, &r.third_party, &r.not_controlled);
	if (state_domain_add(app->state, app->dom->name, &cause) != 0 ||
	    state_recovery_add(app->state, app->dom->name, &r,
	    recovery_user(), &id, &cause) != 0) {
		app_message(app, 1, "%s", cause);
		free(cause);
	} else {
		app_message(app, 0, "added #%lld%s%s", id, r.third_party ?
		    ", a third-party mailbox" : "", r.not_controlled ?
		    ", on a domain not under control" : "");
		v->sel = v->nrec;
	}
	inv_load(app);
out:
	free(v->add_account);
	free(v->add_address);
	v->add_account = v->add_address = NULL;
}

static void
inv_add_address_done(struct app *app, const char *address)
{
	if (app->inv == NULL || *address == '\0')
		return;
	free(app->inv->add_address);
	app->inv->add_address = xstrdup(address);
	prompt_ask(app, " Kind (ca registrar dns idp hosting other): ",
	    "other", inv_add_kind_done);
}

static void
inv_add_account_done(struct app *app, const char *account)
{
	if (app->inv == NULL || *account == '\0')
		return;
	free(app->inv->add_account);
	app->inv->add_account = xstrdup(account);
	prompt_ask(app, " Recovery address: ", NULL, inv_add_address_done);
}

static void
inv_address_done(struct app *app, const char *address)
{
	struct state_recovery	*r, copy;

	if (app->inv == NULL || (r = inv_selected(app)) == NULL)
		return;
	copy = *r;
	copy.address = (char *)address;
	inv_guess(app, address, &copy.third_party, &copy.not_controlled);
	inv_update(app, &copy, "new address; to be confirmed again");
}

static void
inv_note_done(struct app *app, const char *note)
{
	struct state_recovery	*r, copy;

	if (app->inv == NULL || (r = inv_selected(app)) == NULL)
		return;
	copy = *r;
	copy.note = *note != '\0' ? (char *)note : NULL;
	inv_update(app, &copy, "note changed");
}

static void
inv_confirm(struct app *app)
{
	struct state_recovery	*r;
	char			*cause = NULL;

	if ((r = inv_selected(app)) == NULL)
		return;
	if (state_recovery_confirm(app->state, app->dom->name, r->id,
	    clock_now(), recovery_user(), &cause) != 0) {
		app_message(app, 1, "%s", cause);
		free(cause);
	} else
		app_message(app, 0, "#%lld confirmed by %s", r->id,
		    recovery_user());
	inv_load(app);
}

static void
inv_toggle(struct app *app, int third_party)
{
	struct state_recovery	*r, copy;

	if ((r = inv_selected(app)) == NULL)
		return;
	copy = *r;
	if (third_party)
		copy.third_party = !copy.third_party;
	else
		copy.not_controlled = !copy.not_controlled;
	inv_update(app, &copy, third_party ? (copy.third_party ?
	    "a third-party mailbox" : "not a third-party mailbox") :
	    (copy.not_controlled ? "on a domain not under control" :
	    "on a domain under control"));
}

/* The answer to "remove #N?": only y removes. */
static int
inv_remove_answer(struct app *app, int key)
{
	long long	 id = app->inv->remove_id;
	char		*cause = NULL;

	app->inv->remove_id = 0;
	app->dirty |= APP_DIRTY_STATUS;
	if (key != 'y' && key != 'Y') {
		app_message(app, 0, "kept #%lld", id);
		return APP_KEY_HANDLED;
	}
	if (state_recovery_remove(app->state, app->dom->name, id,
	    recovery_user(), &cause) != 0) {
		app_message(app, 1, "%s", cause);
		free(cause);
	} else
		app_message(app, 0, "removed #%lld", id);
	inv_load(app);
	return APP_KEY_HANDLED;
}

/* Starts asking every mailbox that matters, in the background. */
static void
inv_mailcheck(struct app *app)
{
	struct inv_screen	*v = app->inv;
	char			**addresses, *cause = NULL;
	size_t			  i;

	if (app->mailcheck != NULL) {
		app_message(app, 0, "a mailbox check of %s is running",
		    mailcheck_domain(app->mailcheck));
		return;
	}
	addresses = xcalloc(v->nrec + 1, sizeof *addresses);
	for (i = 0; i < v->nrec; i++)
		addresses[i] = v->rec[i].address;
	app->mailcheck = mailcheck_start(&app->opts->probe, app->dom->name,
	    addresses, v->nrec, &cause);
	free(addresses);
	if (app->mailcheck == NULL) {
		app_message(app, 1, "%s", cause);
		free(cause);
	}
}

void
inv_tick(struct app *app)
{
	struct mailbox_set	 set;
	struct state_mailbox	*rec;
	char			*domain, *cause = NULL;
	size_t			 i, accepting = 0;
	time_t			 now = clock_now();

	if (app->mailcheck == NULL || !mailcheck_done(app->mailcheck))
		return;
	domain = xstrdup(mailcheck_domain(app->mailcheck));
	mailcheck_finish(app->mailcheck, &set);
	app->mailcheck = NULL;

	rec = xcalloc(set.n + 1, sizeof *rec);
	for (i = 0; i < set.n; i++) {
		rec[i].address = set.v[i].address;
		rec[i].role = set.roles[i];
		rec[i].checked = now;
		rec[i].verdict = (char *)mailbox_verdict_name(set.v[i].verdict);
		rec[i].detail = set.v[i].detail;
		accepting += set.v[i].verdict == MAILBOX_ACCEPTS;
	}
	if (state_mailbox_record(app->state, domain, rec, set.n,
	    &cause) != 0) {
		app_message(app, 1, "the mailbox check is not stored: %s",
		    cause);
		free(cause);
	} else
		app_message(app, accepting < set.n, "%s: %zu of %zu mailboxes "
		    "accept mail", domain, accepting, set.n);
	free(rec);
	mailbox_set_free(&set);
	if (app->inv != NULL && app->dom != NULL &&
	    strcmp(app->dom->name, domain) == 0)
		inv_load(app);
	free(domain);
	app->dirty |= APP_DIRTY_STATUS;
}

/* Keys that change the state; refused on a read-only state. */
static int
inv_edit_key(struct app *app, int key)
{
	struct state_recovery	*r;

	if (app->read_only) {
		app_message(app, 1, "read-only: nothing is changed");
		return APP_KEY_HANDLED;
	}
	switch (key) {
	case 'a':
		prompt_ask(app, " Account (e.g. ACME account): ", NULL,
		    inv_add_account_done);
		break;
	case 'e':
		if ((r = inv_selected(app)) != NULL)
			prompt_ask(app, " Recovery address: ", r->address,
			    inv_address_done);
		break;
	case 'n':
		if ((r = inv_selected(app)) != NULL)
			prompt_ask(app, " Note: ", r->note, inv_note_done);
		break;
	case 'c':
		inv_confirm(app);
		break;
	case 'p':
	case 'x':
		inv_toggle(app, key == 'p');
		break;
	case 'D':
		if ((r = inv_selected(app)) != NULL)
			app->inv->remove_id = r->id;
		break;
	case 'm':
		inv_mailcheck(app);
		break;
	}
	app->dirty |= APP_DIRTY_STATUS;
	return APP_KEY_HANDLED;
}

int
inv_key(struct app *app, int key)
{
	struct inv_screen	*v = app->inv;

	if (v->remove_id != 0)
		return inv_remove_answer(app, key);
	switch (key) {
	case KEY_UP:
	case 'k':
		if (v->sel > 0)
			v->sel--;
		break;
	case KEY_DOWN:
	case 'j':
		if (v->sel + 1 < v->nrec)
			v->sel++;
		break;
	case 'a':
	case 'e':
	case 'n':
	case 'c':
	case 'p':
	case 'x':
	case 'D':
	case 'm':
		return inv_edit_key(app, key);
	case 'r':
		inv_load(app);
		app_message(app, 0, "reloaded");
		return APP_KEY_HANDLED;
	case 't':
		inv_close(app);
		timeline_open(app);
		return APP_KEY_HANDLED;
	case 27:
	case 'h':
	case KEY_LEFT:
	case KEY_BACKSPACE:
	case 127:
	case 8:
		inv_close(app);
		app->screen = APP_DOMAIN;
		app->dirty = APP_DIRTY_ALL;
		return APP_KEY_HANDLED;
	default:
		return APP_KEY_IGNORED;
	}
	app->dirty |= APP_DIRTY_BODY|APP_DIRTY_STATUS;
	return APP_KEY_HANDLED;
}
