/*
 * The wizard's model and its actions: the domain list, the open domain,
 * the running check and the status message.
 *
 * All state writes happen here, in the main thread: the step cursor on
 * every move, and each finished check.  In read-only mode nothing is
 * written; checks still run and are shown.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app.h"
#include "context.h"
#include "check.h"
#include "clock.h"
#include "dash.h"
#include "domain.h"
#include "inv.h"
#include "log.h"
#include "mailcheck.h"
#include "observe.h"
#include "overview.h"
#include "prompt.h"
#include "ssh.h"
#include "state_sts.h"
#include "text.h"
#include "theme.h"
#include "timeline.h"
#include "xmalloc.h"

#define APP_RECORD_RETRY_MS	3000
#define APP_MAX_CHECKS		3	/* threads, abandoned included */

static void	app_check_done(struct app *, const char *, struct check *);
static void	app_record_free(struct app_record *);
static int	app_record_try(struct app *);
static int	app_cursor_try(struct app *);

void
app_init(struct app *app, const struct tui_options *opts,
    struct state *state)
{
	memset(app, 0, sizeof *app);
	app->opts = opts;
	app->state = state;
	app->read_only = opts->read_only;
	app->screen = APP_LIST;
	app->help_back = APP_LIST;
	app->dirty = APP_DIRTY_ALL;
}

static void
app_domain_free(struct app_domain *dom)
{
	int	i;

	if (dom == NULL)
		return;
	for (i = 0; i < STEP_COUNT; i++)
		step_result_free(&dom->results[i]);
	free(dom->name);
	free(dom);
}

void
app_free(struct app *app)
{
	/* A check still running finishes on its own and frees itself. */
	if (app->worker != NULL)
		worker_abandon(app->worker);
	app->worker = NULL;
	if (app->mailcheck != NULL)
		mailcheck_abandon(app->mailcheck);
	app_record_free(app->record);
	free(app->cursor_domain);
	free(app->check_queued);
	free(app->progress.what);
	state_domain_list_free(app->domains, app->ndomains);
	free(app->next);
	app_domain_free(app->dom);
	free(app->message);
	free(app->confirm_remove);
	free(app->hostkey_unknown);
	free(app->hostkey_unknown_type);
	free(app->hostkey_trusted);
	inv_close(app);
	timeline_close(app);
	memset(app, 0, sizeof *app);
}

/* Pointer, mark, "N Title", spinner; at most two fifths of the width. */
static int
app_left_width(int cols)
{
	int	i, w, title = 0;

	for (i = 0; i < STEP_COUNT; i++) {
		if ((w = text_width(step_table[i]->title)) > title)
			title = w;
	}
	w = 3 + theme_mark_width() + 1 + 2 + title + 1 + theme_mark_width() +
	    1;
	if (w > cols * 2 / 5)
		w = cols * 2 / 5;
	return w < 16 ? 16 : w;
}

void
app_layout(struct app *app, int lines, int cols)
{
	struct app_layout	*l = &app->layout;

	l->lines = lines;
	l->cols = cols;
	l->too_small = lines < APP_MIN_LINES || cols < APP_MIN_COLS;
	l->body_y = 1;
	l->status_y = lines - 2;
	l->keys_y = lines - 1;
	l->body_h = l->status_y - l->body_y;
	l->left_w = app_left_width(cols);
	l->detail_x = l->left_w + 2;
	l->detail_w = cols - l->detail_x - 1;
	if (l->detail_w < 1)
		l->detail_w = 1;
	app->dirty = APP_DIRTY_ALL;
}

void
app_message(struct app *app, int error, const char *fmt, ...)
{
	va_list	ap;

	free(app->message);
	va_start(ap, fmt);
	xvasprintf(&app->message, fmt, ap);
	va_end(ap);
	app->message_error = error;
	app->dirty |= APP_DIRTY_STATUS;
	log_debug("%s: %s", __func__, app->message);
}

void
app_message_clear(struct app *app)
{
	if (app->message == NULL)
		return;
	free(app->message);
	app->message = NULL;
	app->dirty |= APP_DIRTY_STATUS;
}

/* A state error: shown, never fatal. */
static void
app_state_error(struct app *app, const char *what, char *cause)
{
	app_message(app, 1, "%s: %s", what, cause != NULL ? cause : "failed");
	free(cause);
}

void
app_list_load(struct app *app)
{
	struct state_domain	*list = NULL;
	size_t			 n = 0, i;
	char			*cause = NULL, *selected = NULL;

	if (state_domain_overview(app->state, &list, &n, &cause) != 0) {
		app_state_error(app, "cannot read the domain list", cause);
		return;
	}

	/* Keep the selection on the same name. */
	if (app->list_sel < app->ndomains)
		selected = xstrdup(app->domains[app->list_sel].name);
	state_domain_list_free(app->domains, app->ndomains);
	free(app->next);
	dash_sort(list, n, &app->next);
	app->domains = list;
	app->ndomains = n;
	if (selected != NULL) {
		for (i = 0; i < n; i++) {
			if (strcmp(list[i].name, selected) == 0) {
				app->list_sel = i;
				break;
			}
		}
		free(selected);
	}
	if (app->list_sel >= n)
		app->list_sel = n > 0 ? n - 1 : 0;
	app->dirty |= APP_DIRTY_BODY|APP_DIRTY_STATUS;
}


int
app_domain_add(struct app *app, const char *input)
{
	const char	*why;
	char		*name, *cause = NULL;

	if ((name = domain_normalise(input, &why)) == NULL) {
		app_message(app, 1, "%s", why);
		return -1;
	}
	/* Opened even when the state is locked: the check stores it later. */
	if (!app->read_only &&
	    state_domain_add(app->state, name, &cause) != 0)
		app_state_error(app, "cannot add the domain", cause);
	app_domain_open(app, name);
	free(name);
	return 0;
}

void
app_domain_remove(struct app *app, const char *name)
{
	char	*cause = NULL;

	if (app->read_only) {
		app_message(app, 1, "read-only: nothing is removed");
		return;
	}
	if (state_domain_remove(app->state, name, &cause) != 0) {
		app_state_error(app, "cannot remove the domain", cause);
		return;
	}
	app_message(app, 0, "removed %s", name);
	app_list_load(app);
	if (app->list_sel > 0 && app->list_sel >= app->ndomains)
		app->list_sel = app->ndomains - 1;
}

/* Parses a stored result; on failure the step keeps what it had. */
static int
app_result_parse(struct app_domain *dom, enum step_id id, const char *text,
    char **cause)
{
	struct step_result	 r;
	json_error_t		 error;
	json_t			*json;

	if ((json = json_loads(text, 0, &error)) == NULL) {
		xasprintf(cause, "%s", error.text);
		return -1;
	}
	step_result_init(&r, id);
	if (step_result_from_json(json, &r, cause) != 0) {
		step_result_free(&r);
		json_decref(json);
		return -1;
	}
	json_decref(json);
	r.id = id;
	step_result_free(&dom->results[id]);
	dom->results[id] = r;
	dom->have[id] = 1;
	return 0;
}

/* Takes a deep copy of a fresh result. */
static void
app_result_copy(struct app_domain *dom, enum step_id id,
    const struct step_result *from)
{
	struct step_result	*r = &dom->results[id];
	const struct artifact	*a;
	size_t			 i;

	step_result_free(r);
	step_result_init(r, id);
	r->status = from->status;
	r->summary = from->summary != NULL ? xstrdup(from->summary) : NULL;
	findings_append(&r->findings, &from->findings);
	for (i = 0; i < from->nartifacts; i++) {
		a = &from->artifacts[i];
		step_result_artifact(r, a->name != NULL ? a->name : "",
		    a->kind != NULL ? a->kind : "text",
		    a->content != NULL ? a->content : "");
	}
	dom->have[id] = 1;
}

/* Fills the domain from the state: results, check times and the cursor. */
static void
app_domain_load(struct app *app, struct app_domain *dom)
{
	struct state_domain	 sd;
	struct state_step	*ss;
	const struct step	*step;
	enum step_status	 status;
	char			*cause = NULL;
	size_t			 i;
	int			 found;

	found = state_domain_get(app->state, dom->name, &sd, &cause);
	if (found == -1) {
		app_state_error(app, "cannot read the domain", cause);
		return;
	}
	if (found == 0)
		return;

	dom->checked = sd.checked;
	for (i = 0; i < sd.nsteps; i++) {
		ss = &sd.steps[i];
		if (ss->id == NULL || (step = step_by_name(ss->id)) == NULL)
			continue;
		dom->step_checked[step->id] = ss->checked;
		if (ss->result != NULL &&
		    app_result_parse(dom, step->id, ss->result, &cause) == 0)
			continue;
		if (cause != NULL) {
			app_message(app, 1, "stored %s result unreadable: %s",
			    step->name, cause);
			free(cause);
			cause = NULL;
		}
		if (ss->status != NULL &&
		    step_status_parse(ss->status, &status) == 0) {
			dom->results[step->id].status = status;
			dom->have[step->id] = 1;
		}
	}
	if (sd.cursor != NULL && (step = step_by_name(sd.cursor)) != NULL)
		app->step = step->id;
	state_domain_free(&sd);
}

void
app_domain_open(struct app *app, const char *name)
{
	struct app_domain	*dom;
	int			 i;

	app_domain_free(app->dom);
	dom = app->dom = xcalloc(1, sizeof *dom);
	dom->name = xstrdup(name);
	for (i = 0; i < STEP_COUNT; i++)
		step_result_init(&dom->results[i], i);

	app->step = 0;
	app->detail_top = 0;
	app->focus_detail = 0;
	app_domain_load(app, dom);
	if (app->cursor_domain != NULL &&
	    strcmp(app->cursor_domain, name) == 0)
		app->step = app->cursor_step;	/* not stored yet */

	app->screen = APP_DOMAIN;
	app->dirty = APP_DIRTY_ALL;
	log_debug("%s: %s, cursor on %s", __func__, name,
	    step_table[app->step]->name);

	if (!app_check_running(app, name))
		app_check_start(app, name);
}

void
app_domain_close(struct app *app)
{
	inv_close(app);
	timeline_close(app);
	app_domain_free(app->dom);
	app->dom = NULL;
	app->screen = APP_LIST;
	app->dirty = APP_DIRTY_ALL;
	app_list_load(app);
}

/* Stores the step cursor; kept for a retry when the state refuses. */
static int
app_cursor_try(struct app *app)
{
	char	*cause = NULL;

	if (state_set_cursor(app->state, app->cursor_domain,
	    step_table[app->cursor_step]->name, &cause) != 0) {
		app_state_error(app, "cannot store the cursor", cause);
		app->cursor_retry_ms = probe_now_ms() + APP_RECORD_RETRY_MS;
		return -1;
	}
	free(app->cursor_domain);
	app->cursor_domain = NULL;
	return 0;
}

void
app_step_select(struct app *app, size_t step)
{
	if (step >= STEP_COUNT || app->dom == NULL || step == app->step)
		return;
	app->step = step;
	app->detail_top = 0;
	app->dirty |= APP_DIRTY_BODY|APP_DIRTY_DETAIL;
	if (app->read_only)
		return;
	free(app->cursor_domain);
	app->cursor_domain = xstrdup(app->dom->name);
	app->cursor_step = step;
	app_cursor_try(app);
}

void
app_override(struct app *app, const char *reason)
{
	char	*cause = NULL;

	if (app->dom == NULL)
		return;
	if (app->read_only) {
		app_message(app, 1, "read-only: the override is not stored");
		return;
	}
	if (state_override_add(app->state, app->dom->name, clock_now(),
	    reason, &cause) != 0) {
		app_state_error(app, "cannot store the override", cause);
		return;
	}
	app_message(app, 0, "enforce gate of %s overridden; checking again",
	    app->dom->name);
	app_check_start(app, app->dom->name);
}

int
app_check_running(const struct app *app, const char *domain)
{
	if (app->check_queued != NULL &&
	    (domain == NULL || strcmp(app->check_queued, domain) == 0))
		return 1;
	if (app->worker == NULL)
		return 0;
	return domain == NULL ||
	    strcmp(worker_domain(app->worker), domain) == 0;
}

/* The probe options, with a host key confirmed here (the worker copies). */
static struct worker *
app_worker_start(struct app *app, const char *domain,
    const struct step_context *ctx, char **cause)
{
	struct probe_opts	 opts = app->opts->probe;
	struct ssh_target	 ssh;

	if (opts.ssh != NULL && app->hostkey_trusted != NULL) {
		ssh = *opts.ssh;
		ssh.trusted = app->hostkey_trusted;
		opts.ssh = &ssh;
	}
	return worker_start(domain, &opts, ctx, cause);
}

static void
app_check_spawn(struct app *app, const char *domain)
{
	struct step_context	 ctx;
	char			*cause = NULL;

	free(app->progress.what);
	memset(&app->progress, 0, sizeof app->progress);

	/* History is a nicety: a state that cannot be read costs only it. */
	if (step_context_load(app->state, domain, &ctx, &cause) != 0) {
		app_message(app, 1, "%s", cause);
		free(cause);
		cause = NULL;
	}
	app->worker = app_worker_start(app, domain, &ctx, &cause);
	if (app->worker == NULL) {
		app_message(app, 1, "cannot start the check: %s", cause);
		free(cause);
	}
	app->dirty |= APP_DIRTY_BODY|APP_DIRTY_DETAIL|APP_DIRTY_STATUS;
}

void
app_check_start(struct app *app, const char *domain)
{
	char	*name;

	if (app_check_running(app, domain)) {
		app_message(app, 0, "a check of %s is already running", domain);
		return;
	}

	/* One check at a time: the one for another domain is dropped. */
	name = xstrdup(domain);
	if (app->worker != NULL) {
		app_message(app, 0, "check of %s abandoned",
		    worker_domain(app->worker));
		worker_abandon(app->worker);
		app->worker = NULL;
	}
	free(app->check_queued);
	app->check_queued = NULL;

	/* Dropped checks still finish; do not pile them up. */
	if (worker_running() >= APP_MAX_CHECKS) {
		app_message(app, 0, "the check of %s starts when earlier "
		    "checks finish", name);
		app->check_queued = name;
		app->dirty |= APP_DIRTY_BODY|APP_DIRTY_STATUS;
		return;
	}
	app_check_spawn(app, name);
	free(name);
}

void
app_check_poll(struct app *app)
{
	struct worker	*w = app->worker;
	struct check	*check;
	char		*domain;

	if (w == NULL)
		return;
	free(app->progress.what);
	if (!worker_update(w, &app->progress)) {
		app->dirty |= APP_DIRTY_STATUS;
		return;
	}

	domain = xstrdup(worker_domain(w));
	check = worker_finish(w);
	app->worker = NULL;
	app_check_done(app, domain, check);
	free(domain);
	free(app->progress.what);
	memset(&app->progress, 0, sizeof app->progress);
}

void
app_tick(struct app *app)
{
	long long	 now = probe_now_ms();
	unsigned int	 frame;
	char		*name;

	if (app->record != NULL && now >= app->record->retry_ms &&
	    app_record_try(app) == 0) {
		app_message(app, 0, "stored the check");
		if (app->screen == APP_LIST)
			app_list_load(app);
	}
	if (app->cursor_domain != NULL && now >= app->cursor_retry_ms)
		app_cursor_try(app);
	inv_tick(app);
	if (app->check_queued != NULL && worker_running() < APP_MAX_CHECKS) {
		name = app->check_queued;
		app->check_queued = NULL;
		app_check_spawn(app, name);
		free(name);
	}
	if (app->worker == NULL && app->check_queued == NULL)
		return;
	frame = (unsigned int)(now / 100);
	if (frame != app->frame) {
		app->frame = frame;
		app->dirty |= APP_DIRTY_BODY|APP_DIRTY_STATUS;
	}
}

static void
app_record_free(struct app_record *rec)
{
	int	i;

	if (rec == NULL)
		return;
	for (i = 0; i < STEP_COUNT; i++)
		free(rec->steps[i].result);
	free(rec->observation);
	free(rec->hostkey_type);
	free(rec->hostkey);
	free(rec->domain);
	free(rec);
}

/*
 * A host key confirmed with T is recorded once a whole SSH session has
 * worked with it, as check --trust-host-key does; never after a failure.
 */
static void
app_record_hostkey(const struct app *app, const struct check *check,
    struct app_record *rec)
{
	const struct ssh_result	*r;

	if (check->obs == NULL || !check->obs->ssh_asked ||
	    app->hostkey_trusted == NULL)
		return;
	r = &check->obs->ssh;
	if (r->status != SSH_OK || !r->by_confirmation ||
	    r->fingerprint == NULL ||
	    strcmp(r->fingerprint, app->hostkey_trusted) != 0)
		return;
	rec->hostkey_type = xstrdup(r->key_type != NULL ? r->key_type : "");
	rec->hostkey = xstrdup(r->fingerprint);
}

/* Builds what state_record_check() takes from a finished check. */
static struct app_record *
app_record_new(const struct app *app, const char *domain, time_t when,
    const struct check *check)
{
	struct app_record	*rec;
	json_t			*json;
	int			 i;

	rec = xcalloc(1, sizeof *rec);
	rec->domain = xstrdup(domain);
	rec->when = when;
	for (i = 0; i < STEP_COUNT; i++) {
		rec->steps[i].id = (char *)step_table[i]->name;
		rec->steps[i].status =
		    (char *)step_status_name(check->results[i].status);
		rec->steps[i].changed = when;
		rec->steps[i].checked = when;
		json = step_result_to_json(&check->results[i]);
		if (json != NULL)
			rec->steps[i].result = json_dumps(json, JSON_COMPACT);
		json_decref(json);
	}
	if ((json = check_to_json(check)) != NULL) {
		rec->observation = json_dumps(json, JSON_COMPACT);
		json_decref(json);
	}
	sts_seen_from(check->obs, &rec->sts);
	app_record_hostkey(app, check, rec);
	return rec;
}

static void
app_record_hostkey_store(struct app *app, const struct app_record *rec)
{
	const struct ssh_target	*t = app->opts->probe.ssh;
	char			*cause = NULL;

	if (rec->hostkey == NULL || t == NULL)
		return;
	if (state_hostkey_set(app->state, t->host, t->port, rec->hostkey_type,
	    rec->hostkey, rec->when, &cause) != 0) {
		app_message(app, 1, "the host key of %s is not recorded: %s",
		    t->host, cause);
		free(cause);
		return;
	}
	app_message(app, 0, "recorded the host key %s of %s", rec->hostkey,
	    t->host);
}

/* Tries to store the waiting record; 0 when stored. */
static int
app_record_try(struct app *app)
{
	struct app_record	*rec = app->record;
	char			*cause = NULL;

	if (state_record_check(app->state, rec->domain, rec->when, rec->steps,
	    STEP_COUNT, rec->observation, &cause) != 0) {
		app_message(app, 1, "the check of %s is not stored yet: %s",
		    rec->domain, cause != NULL ? cause : "failed");
		free(cause);
		rec->retry_ms = probe_now_ms() + APP_RECORD_RETRY_MS;
		return -1;
	}
	log_debug("%s: stored the check of %s", __func__, rec->domain);
	if (sts_history_record(app->state, rec->domain, rec->when, &rec->sts,
	    &cause) != 0) {
		app_message(app, 1, "the MTA-STS policy of %s is not in the "
		    "history: %s", rec->domain, cause);
		free(cause);
	}
	app_record_hostkey_store(app, rec);
	app_record_free(rec);
	app->record = NULL;
	return 0;
}

int
app_flush(struct app *app)
{
	int	rc = 0;

	if (app->cursor_domain != NULL && app_cursor_try(app) != 0) {
		log_debug("%s: the cursor of %s was not stored", __func__,
		    app->cursor_domain);
		rc = -1;
	}
	if (app->record != NULL && app_record_try(app) != 0) {
		log_debug("%s: the check of %s was not stored", __func__,
		    app->record->domain);
		rc = -1;
	}
	return rc;
}

/* Keeps a host key the check could not verify, for T to confirm. */
static void
app_hostkey_note(struct app *app, const struct check *check)
{
	const struct ssh_result	*r;

	if (check->obs == NULL || !check->obs->ssh_asked)
		return;
	r = &check->obs->ssh;
	if (r->status == SSH_HOSTKEY_UNKNOWN && r->fingerprint != NULL) {
		free(app->hostkey_unknown);
		free(app->hostkey_unknown_type);
		app->hostkey_unknown = xstrdup(r->fingerprint);
		app->hostkey_unknown_type = xstrdup(r->key_type != NULL ?
		    r->key_type : "");
	} else if (r->status == SSH_OK) {
		free(app->hostkey_unknown);
		app->hostkey_unknown = NULL;
	}
}

static void
app_hostkey_answer(struct app *app, const char *answer)
{
	if (app->hostkey_unknown == NULL)
		return;
	if (strcmp(answer, "yes") != 0) {
		app_message(app, 0, "host key not trusted (type yes to trust "
		    "it)");
		return;
	}
	free(app->hostkey_trusted);
	app->hostkey_trusted = app->hostkey_unknown;
	app->hostkey_unknown = NULL;
	app_message(app, 0, "trusting %s for this session; it is recorded "
	    "once a check logs in with it", app->hostkey_trusted);
	if (app->dom != NULL)
		app_check_start(app, app->dom->name);
}

int
app_hostkey_ask(struct app *app)
{
	if (app->hostkey_unknown == NULL || app->opts->probe.ssh == NULL)
		return -1;
	snprintf(app->hostkey_label, sizeof app->hostkey_label,
	    " Trust %s? Type yes: ", app->hostkey_unknown);
	prompt_ask(app, app->hostkey_label, NULL, app_hostkey_answer);
	return 0;
}

/* Stores one finished check and shows it if its domain is open. */
static void
app_check_done(struct app *app, const char *domain, struct check *check)
{
	int	i, counts[4] = { 0, 0, 0, 0 };
	char	took[32];
	time_t	when;

	app->dirty |= APP_DIRTY_ALL & ~APP_DIRTY_CLEAR;
	if (check == NULL) {
		app_message(app, 1, "the check of %s failed", domain);
		return;
	}
	when = check->started != 0 ? check->started : clock_now();
	if (check->elapsed_ms < 1000)
		snprintf(took, sizeof took, "%lld ms", check->elapsed_ms);
	else
		snprintf(took, sizeof took, "%.1f s",
		    check->elapsed_ms / 1000.0);
	for (i = 0; i < STEP_COUNT; i++) {
		if (check->results[i].status <= STEP_FAIL)
			counts[check->results[i].status]++;
	}
	app_message(app, 0, "checked %s in %s: %d pass, %d warn, %d fail, "
	    "%d pending%s", domain, took, counts[STEP_PASS],
	    counts[STEP_WARN], counts[STEP_FAIL], counts[STEP_PENDING],
	    app->read_only ? " (read-only: not stored)" : "");

	/* Into the state; a newer check replaces one still waiting. */
	if (!app->read_only) {
		if (app->record != NULL)
			log_debug("%s: the check of %s was never stored",
			    __func__, app->record->domain);
		app_record_free(app->record);
		app->record = app_record_new(app, domain, when, check);
		app_record_try(app);
	}

	/* Show it if its domain is open. */
	if (app->dom != NULL && strcmp(app->dom->name, domain) == 0) {
		app->dom->checked = when;
		for (i = 0; i < STEP_COUNT; i++) {
			app->dom->step_checked[i] = when;
			app_result_copy(app->dom, i, &check->results[i]);
		}
	}

	app_hostkey_note(app, check);
	check_free(check);
	if (app->screen == APP_LIST ||
	    (app->screen == APP_HELP && app->help_back == APP_LIST))
		app_list_load(app);
}
