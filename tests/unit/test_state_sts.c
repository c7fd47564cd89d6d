/*
 * Unit tests for the MTA-STS side of the state (state/state_sts.c) and
 * what the step context makes of it (steps/sts_history.c, context.c):
 * the policy history, testing since when, removal times, overrides, and
 * the migration from schema 1.
 */
#include <sys/stat.h>

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "clock.h"
#include "context.h"
#include "state.h"
#include "state_sts.h"
#include "sts_history.h"
#include "xmalloc.h"

#define DAY	86400
#define T0	1796000000	/* 2026-11-29 */

struct fixture {
	char		 dir[64];
	char		*path;
	struct state	*st;
};

static int
setup(void **arg)
{
	struct fixture	*f;
	char		*cause = NULL;

	f = xcalloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/mxanchor-sts-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->path = xprintf("%s/state.db", f->dir);
	clock_set(T0);
	if ((f->st = state_open(f->path, 0, &cause)) == NULL)
		return -1;
	*arg = f;
	return 0;
}

static int
remove_one(const char *path, const struct stat *sb, int type,
    struct FTW *ftw)
{
	return remove(path);
}

static int
teardown(void **arg)
{
	struct fixture	*f = *arg;

	state_close(f->st);
	nftw(f->dir, remove_one, 16, FTW_DEPTH|FTW_PHYS);
	free(f->path);
	free(f);
	clock_set(-1);
	return 0;
}

/* One sighting of a policy. */
static void
seen(struct state *st, time_t when, const char *id, const char *hash,
    const char *mode, long long max_age)
{
	struct state_sts_policy	p;
	char			*cause = NULL;

	memset(&p, 0, sizeof p);
	p.txt_id = (char *)id;
	p.sha256 = (char *)hash;
	p.mode = (char *)mode;
	p.max_age = max_age;
	if (state_sts_seen(st, "example.net", when, &p, &cause) != 0)
		fail_msg("state_sts_seen: %s", cause);
}

static void
load(struct state *st, struct step_context *ctx)
{
	char	*cause = NULL;

	if (step_context_load(st, "example.net", ctx, &cause) != 0)
		fail_msg("step_context_load: %s", cause);
}

/* The same policy seen daily is one row; first and last seen move. */
static void
test_history_one_row_per_policy(void **arg)
{
	struct fixture		*f = *arg;
	struct state_sts_policy	*v;
	size_t			 n;
	char			*cause = NULL;

	seen(f->st, T0 + DAY, "a1", "aaaa", "testing", 86400);
	seen(f->st, T0, "a1", "aaaa", "testing", 86400);
	seen(f->st, T0 + 2 * DAY, "a1", "aaaa", "testing", 86400);
	assert_int_equal(state_sts_list(f->st, "EXAMPLE.net.", &v, &n,
	    &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].txt_id, "a1");
	assert_string_equal(v[0].mode, "testing");
	assert_int_equal(v[0].first_seen, T0);
	assert_int_equal(v[0].last_seen, T0 + 2 * DAY);
	state_sts_list_free(v, n);
}

/* Testing since the first day of the latest run of testing policies. */
static void
test_context_testing_since(void **arg)
{
	struct fixture		*f = *arg;
	struct step_context	 ctx;

	load(f->st, &ctx);
	assert_int_equal(ctx.sts_known, 0);
	assert_int_equal(ctx.gate_days, STEP_GATE_DAYS);

	seen(f->st, T0, "e1", "eeee", "enforce", 604800);
	seen(f->st, T0 + 3 * DAY, "t1", "1111", "testing", 86400);
	seen(f->st, T0 + 5 * DAY, "t2", "2222", "testing", 86400);
	seen(f->st, T0 + 9 * DAY, "t2", "2222", "testing", 86400);
	load(f->st, &ctx);
	assert_int_equal(ctx.sts_known, 1);
	assert_string_equal(ctx.sts_id, "t2");
	assert_string_equal(ctx.sts_hash, "2222");
	assert_string_equal(ctx.sts_mode, "testing");
	assert_int_equal(ctx.sts_last_seen, T0 + 9 * DAY);
	assert_int_equal(ctx.testing_since, T0 + 3 * DAY);
	assert_int_equal(ctx.none_since, 0);
	assert_int_equal(ctx.max_age_served, 604800);
}

/* Removal: mode none since when, largest max_age, last served. */
static void
test_context_removal(void **arg)
{
	struct fixture		*f = *arg;
	struct step_context	 ctx;

	seen(f->st, T0, "t1", "1111", "testing", 86400);
	seen(f->st, T0 + 20 * DAY, "e1", "eeee", "enforce", 1209600);
	seen(f->st, T0 + 40 * DAY, "e1", "eeee", "enforce", 1209600);
	seen(f->st, T0 + 41 * DAY, "n1", "nnnn", "none", 86400);
	seen(f->st, T0 + 43 * DAY, "n1", "nnnn", "none", 86400);
	load(f->st, &ctx);
	assert_string_equal(ctx.sts_mode, "none");
	assert_int_equal(ctx.none_since, T0 + 41 * DAY);
	assert_int_equal(ctx.served_until, T0 + 40 * DAY);
	assert_int_equal(ctx.max_age_served, 1209600);
	assert_int_equal(ctx.testing_since, 0);
}

/* An override is in force until cleared, and both are events. */
static void
test_override(void **arg)
{
	struct fixture		*f = *arg;
	struct step_context	 ctx;
	struct state_event	*ev;
	size_t			 n;
	time_t			 at;
	char			*reason, *cause = NULL;

	assert_int_equal(state_override_get(f->st, "example.net", &at,
	    &reason, &cause), 0);
	assert_int_equal(state_override_add(f->st, "example.net", T0, "",
	    &cause), -1);
	assert_non_null(strstr(cause, "reason"));
	free(cause);
	cause = NULL;

	assert_int_equal(state_override_add(f->st, "example.net", T0 + 10,
	    "reports from the only sender are for an old MX", &cause), 0);
	load(f->st, &ctx);
	assert_int_equal(ctx.override_at, T0 + 10);
	assert_string_equal(ctx.override_reason,
	    "reports from the only sender are for an old MX");

	assert_int_equal(state_override_clear(f->st, "example.net", T0 + 20,
	    &cause), 0);
	assert_int_equal(state_override_get(f->st, "example.net", &at,
	    &reason, &cause), 0);
	load(f->st, &ctx);
	assert_int_equal(ctx.override_at, 0);

	assert_int_equal(state_event_list(f->st, "example.net", 0, &ev, &n,
	    &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].kind, "override");
	assert_string_equal(ev[0].message, "enforce gate override withdrawn");
	assert_non_null(strstr(ev[1].message, "old MX"));
	state_event_list_free(ev, n);
}

/* A schema 1 file gets the new tables, its data kept. */
static void
test_migration_from_1(void **arg)
{
	struct fixture		*f = *arg;
	struct state_domain	 d;
	struct state_sts_policy	*v;
	size_t			 n;
	sqlite3			*db;
	char			*cause = NULL;

	assert_int_equal(state_domain_add(f->st, "old.example", &cause), 0);
	state_close(f->st);
	f->st = NULL;

	/* Back to schema 1, as an older mxanchor left it. */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE sts_policies;"
	    "DROP TABLE enforce_overrides; DROP TABLE tlsrpt_failures;"
	    "DROP TABLE tlsrpt_policies; DROP TABLE tlsrpt_reports;"
	    "DROP TABLE tlsa_rollovers; DROP TABLE tlsa_hooks;"
	    "DROP TABLE recovery; DROP TABLE mailboxes;"
	    "DROP INDEX steps_overview; DROP TABLE ssh_hostkeys;"
	    "PRAGMA user_version = 1;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_non_null(f->st = state_open(f->path, 0, &cause));
	assert_int_equal(state_domain_get(f->st, "old.example", &d, &cause),
	    1);
	state_domain_free(&d);
	seen(f->st, T0, "m1", "mmmm", "testing", 86400);
	assert_int_equal(state_sts_list(f->st, "example.net", &v, &n,
	    &cause), 0);
	assert_int_equal(n, 1);
	state_sts_list_free(v, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_history_one_row_per_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_context_testing_since,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_context_removal, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_override, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migration_from_1, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
