/*
 * Unit tests for the TLSA rollover planner (steps/rollover.c) and its
 * tables in the state (state/state_tlsa.c): phases, the 2 x TTL rule of
 * RFC 7671 §8.1, what the tlsa step reports, and that plans and hook runs
 * survive closing and reopening the state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "context.h"
#include "rollover.h"
#include "state.h"
#include "state_tlsa.h"
#include "step.h"
#include "xmalloc.h"

#define T0	1800000000
#define CUR	"3 1 1 11111111111111111111111111111111" \
		"11111111111111111111111111111111"
#define NEXT	"3 1 1 22222222222222222222222222222222" \
		"22222222222222222222222222222222"

static char	dir[] = "/tmp/mxanchor-rollover-XXXXXX";

static struct state *
open_state(void)
{
	struct state	*st;
	char		*path = xprintf("%s/state.db", dir), *cause = NULL;

	if ((st = state_open(path, 0, &cause)) == NULL)
		fail_msg("%s", cause);
	free(path);
	return st;
}

static void
view(struct rollover_view *v, enum rollover_phase phase, long ttl,
    time_t visible)
{
	memset(v, 0, sizeof *v);
	snprintf(v->owner, sizeof v->owner, "_25._tcp.mx.example.net");
	snprintf(v->algorithm, sizeof v->algorithm, "ecdsa");
	snprintf(v->current, sizeof v->current, CUR);
	snprintf(v->next, sizeof v->next, NEXT);
	v->phase = phase;
	v->ttl = ttl;
	v->created = T0;
	v->visible = visible;
}

/* Each phase offers one action; the switch only 2 x TTL after visible. */
static void
test_next_action(void **state)
{
	struct rollover_view	v;
	time_t			at;

	view(&v, ROLL_PLANNED, 300, 0);
	assert_int_equal(rollover_next(&v, &at), ROLL_ACT_PUBLISH);
	assert_int_equal(at, 0);

	view(&v, ROLL_PUBLISHED, 300, 0);
	assert_int_equal(rollover_next(&v, &at), ROLL_ACT_CONFIRM);
	assert_int_equal(rollover_switch_after(&v), 0);

	view(&v, ROLL_PUBLISHED, 3600, T0 + 60);
	assert_int_equal(rollover_next(&v, &at), ROLL_ACT_SWITCH);
	assert_int_equal(at, T0 + 60 + 7200);

	view(&v, ROLL_SWITCHED, 300, T0);
	assert_int_equal(rollover_next(&v, &at), ROLL_ACT_REMOVE);
	view(&v, ROLL_DONE, 300, T0);
	assert_int_equal(rollover_next(&v, &at), ROLL_ACT_NONE);
	view(&v, ROLL_ABORTED, 300, T0);
	assert_int_equal(rollover_next(&v, &at), ROLL_ACT_NONE);
}

static void
test_plan_text(void **state)
{
	struct rollover_view	 v;
	char			*text;

	view(&v, ROLL_PUBLISHED, 300, T0);
	text = rollover_plan_text(&v, T0 + 10);
	assert_non_null(strstr(text, "3 switch key      not before "
	    "2027-01-15T08:10:00Z (2 x TTL 300s)"));
	assert_non_null(strstr(text, "next     " NEXT));
	free(text);
	text = rollover_plan_text(&v, T0 + 600);
	assert_non_null(strstr(text, "allowed since 2027-01-15T08:10:00Z"));
	free(text);
}

static void
test_owner_host(void **state)
{
	char	buf[64];

	assert_string_equal(rollover_owner_host("_25._tcp.mx.example.net", buf,
	    sizeof buf), "mx.example.net");
	assert_null(rollover_owner_host("mx.example.net", buf, sizeof buf));
	assert_null(rollover_owner_host("_25._tcp.a-very-long-name-that-does-"
	    "not-fit-in-the-buffer.example.net", buf, 16));
}

/* The step's findings: the plan, an early switch, the hook's outcome. */
static void
test_report(void **state)
{
	struct step_context	ctx;
	struct step_result	r;

	memset(&ctx, 0, sizeof ctx);
	view(&ctx.rollovers[0], ROLL_PUBLISHED, 300, T0);
	ctx.nrollovers = 1;
	ctx.hook_at = T0 - 100;
	ctx.hook_ok = 0;
	snprintf(ctx.hook_message, sizeof ctx.hook_message,
	    "publishing failed");

	step_result_init(&r, STEP_TLSA);
	rollover_report(NULL, &ctx, T0 + 10, &r);
	assert_non_null(findings_find(&r.findings, "tlsa.rollover"));
	assert_non_null(strstr(findings_find(&r.findings,
	    "tlsa.rollover")->message, "not before 2027-01-15T08:10:00Z"));
	assert_non_null(findings_find(&r.findings, "tlsa.hook-failed"));
	assert_int_equal(findings_find(&r.findings,
	    "tlsa.hook-failed")->severity, SEV_ERROR);
	assert_int_equal(r.nartifacts, 1);
	assert_string_equal(r.artifacts[0].name, "TLSA rollover plan");
	step_result_free(&r);

	ctx.hook_ok = 1;
	ctx.nrollovers = 0;
	step_result_init(&r, STEP_TLSA);
	rollover_report(NULL, &ctx, T0 + 10, &r);
	assert_null(findings_find(&r.findings, "tlsa.hook-failed"));
	assert_non_null(findings_find(&r.findings, "tlsa.hook-ok"));
	assert_int_equal(r.nartifacts, 0);
	step_result_free(&r);
}

/* A plan and hook runs kept across closing the state. */
static void
test_state_roundtrip(void **state)
{
	struct state_rollover	 r, *list;
	struct state_hook	 hook;
	struct step_context	 ctx;
	struct state		*st;
	char			*cause = NULL;
	size_t			 n;

	st = open_state();
	memset(&r, 0, sizeof r);
	r.owner = "_25._tcp.mx.example.net";
	r.algorithm = "ecdsa";
	r.current = CUR;
	r.next = NEXT;
	r.phase = "planned";
	r.ttl = 300;
	r.created = T0;
	assert_int_equal(state_tlsa_rollover_add(st, "Example.NET.", &r, T0,
	    "planned", &cause), 0);
	assert_true(r.id > 0);

	/* One open rollover per owner and algorithm. */
	assert_int_equal(state_tlsa_rollover_add(st, "example.net", &r, T0,
	    "again", &cause), -1);
	assert_non_null(strstr(cause, "already under way"));
	free(cause);
	cause = NULL;
	r.algorithm = "rsa";
	assert_int_equal(state_tlsa_rollover_add(st, "example.net", &r, T0,
	    "rsa too", &cause), 0);

	r.algorithm = "ecdsa";
	r.id = 1;
	r.phase = "published";
	r.published = r.visible = T0 + 5;
	r.note = "a note";
	assert_int_equal(state_tlsa_rollover_save(st, "example.net", &r,
	    T0 + 5, "visible", &cause), 0);
	assert_int_equal(state_tlsa_hook_add(st, "example.net", T0 + 6, 0,
	    "wrong secret", &cause), 0);
	assert_int_equal(state_tlsa_hook_add(st, "example.net", T0 + 7, 1,
	    "published", &cause), 0);
	state_close(st);

	st = open_state();
	assert_int_equal(state_tlsa_rollovers(st, "example.net", 0, &list, &n,
	    &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].phase, "published");
	assert_int_equal(list[0].visible, T0 + 5);
	assert_string_equal(list[0].note, "a note");
	assert_string_equal(list[1].algorithm, "rsa");
	state_tlsa_rollovers_free(list, n);
	assert_int_equal(state_tlsa_hook_last(st, "example.net", &hook,
	    &cause), 1);
	assert_true(hook.ok);
	assert_string_equal(hook.message, "published");
	state_tlsa_hook_free(&hook);

	/* The step context carries both into a check. */
	assert_int_equal(step_context_load(st, "example.net", &ctx, &cause),
	    0);
	assert_int_equal(ctx.nrollovers, 2);
	assert_int_equal(ctx.rollovers[0].phase, ROLL_PUBLISHED);
	assert_int_equal(ctx.hook_at, T0 + 7);

	/* Done ones are no longer open; all = 1 still lists them. */
	r.phase = "done";
	assert_int_equal(state_tlsa_rollover_save(st, "example.net", &r,
	    T0 + 9, "done", &cause), 0);
	assert_int_equal(state_tlsa_rollovers(st, "example.net", 0, &list, &n,
	    &cause), 0);
	assert_int_equal(n, 1);
	state_tlsa_rollovers_free(list, n);
	assert_int_equal(state_tlsa_rollovers(st, "example.net", 1, &list, &n,
	    &cause), 0);
	assert_int_equal(n, 2);
	state_tlsa_rollovers_free(list, n);

	/* A rollover of a domain the state does not have: an error. */
	assert_int_equal(state_tlsa_rollover_save(st, "other.example", &r,
	    T0, "x", &cause), -1);
	free(cause);
	state_close(st);
}

/* Schema 1 as the first mxanchor wrote it (state.c, never edited). */
static const char schema1[] =
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"INSERT INTO meta (key, value) VALUES ('application', 'mxanchor');"
	"CREATE TABLE domains (id INTEGER PRIMARY KEY, name TEXT NOT NULL "
	"  UNIQUE, cursor TEXT, added INTEGER NOT NULL, checked INTEGER NOT "
	"  NULL DEFAULT 0);"
	"CREATE TABLE steps (domain_id INTEGER NOT NULL REFERENCES domains "
	"  (id) ON DELETE CASCADE, step TEXT NOT NULL, status TEXT NOT NULL, "
	"  changed INTEGER NOT NULL, checked INTEGER NOT NULL, result TEXT, "
	"  PRIMARY KEY (domain_id, step));"
	"CREATE TABLE observations (domain_id INTEGER PRIMARY KEY REFERENCES "
	"  domains (id) ON DELETE CASCADE, taken INTEGER NOT NULL, json TEXT "
	"  NOT NULL);"
	"CREATE TABLE events (id INTEGER PRIMARY KEY, domain_id INTEGER NOT "
	"  NULL REFERENCES domains (id) ON DELETE CASCADE, at INTEGER NOT "
	"  NULL, kind TEXT NOT NULL, message TEXT NOT NULL);"
	"CREATE INDEX events_domain_at ON events (domain_id, at);"
	"PRAGMA application_id = 1836605806;"
	"PRAGMA user_version = 1;"
	"INSERT INTO domains (name, added) VALUES ('old.example', 1);";

/*
 * A state file of schema 1: read-only it simply has no rollovers; opened
 * for writing it gains the tables and keeps its domain.
 */
static void
test_schema1_file(void **state)
{
	struct state_rollover	*list;
	struct state_domain	 d;
	struct state_hook	 hook;
	struct state		*st;
	sqlite3			*db;
	char			*path, *cause = NULL;
	size_t			 n;

	path = xprintf("%s/v1.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, schema1, NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);

	if ((st = state_open(path, STATE_READ_ONLY, &cause)) == NULL)
		fail_msg("%s", cause);
	assert_int_equal(state_tlsa_rollovers(st, "old.example", 0, &list, &n,
	    &cause), 0);
	assert_int_equal(n, 0);
	assert_int_equal(state_tlsa_hook_last(st, "old.example", &hook,
	    &cause), 0);
	state_close(st);

	if ((st = state_open(path, 0, &cause)) == NULL)
		fail_msg("%s", cause);
	assert_int_equal(state_domain_get(st, "old.example", &d, &cause), 1);
	state_domain_free(&d);
	assert_int_equal(state_tlsa_hook_add(st, "old.example", T0, 1, "ok",
	    &cause), 0);
	assert_int_equal(state_tlsa_hook_last(st, "old.example", &hook,
	    &cause), 1);
	state_tlsa_hook_free(&hook);
	state_close(st);
	free(path);
}

static int
setup(void **state)
{
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char	*cmd = xprintf("rm -rf '%s'", dir);
	int	 rc = system(cmd);

	free(cmd);
	return rc == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_action),
		cmocka_unit_test(test_plan_text),
		cmocka_unit_test(test_owner_host),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_state_roundtrip),
		cmocka_unit_test(test_schema1_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
