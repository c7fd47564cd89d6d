/*
 * Unit tests for state/: persistence, change tracking, refusing files that
 * are not ours, sharing a file between connections, and surviving SIGKILL.
 * Each test works in its own directory under /tmp.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "state.h"
#include "clock.h"
#include "xmalloc.h"

struct fixture {
	char	 dir[64];
	char	*path;
};

static int
setup(void **arg)
{
	struct fixture	*f;

	f = xcalloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/mxanchor-state-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->path = xprintf("%s/state.db", f->dir);
	state_set_busy_timeout(-1);
	clock_set(1700000000);
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

	chmod(f->dir, 0700);
	nftw(f->dir, remove_one, 16, FTW_DEPTH|FTW_PHYS);
	free(f->path);
	free(f);
	state_set_busy_timeout(-1);
	unsetenv("MXANCHOR_STATE_BUSY_MS");
	clock_set(-1);
	return 0;
}

/* Whole file contents; *len set. */
static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE		*fp;
	unsigned char	*buf;
	struct stat	 sb;

	assert_int_equal(stat(path, &sb), 0);
	*len = (size_t)sb.st_size;
	buf = xmalloc(*len + 1);
	assert_non_null(fp = fopen(path, "rb"));
	assert_int_equal(fread(buf, 1, *len, fp), *len);
	fclose(fp);
	return buf;
}

static void
spit(const char *path, const void *buf, size_t len)
{
	FILE	*fp;

	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* Runs SQL on the file with a plain SQLite connection. */
static void
raw_exec(const char *path, const char *sql)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* First column of the first row, as text; caller frees. */
static char *
raw_text(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*stmt;
	char		*text;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	text = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	return text;
}

static struct state *
open_ok(const char *path, int flags)
{
	struct state	*s;
	char		*cause = NULL;

	s = state_open(path, flags, &cause);
	if (s == NULL)
		fail_msg("state_open %s: %s", path, cause);
	return s;
}

/* Opening fails with a cause containing want (and the path), file intact. */
static void
open_refused(const char *path, int flags, const char *want)
{
	struct state	*s;
	char		*cause = NULL;
	unsigned char	*before, *after;
	size_t		 nbefore, nafter;

	before = slurp(path, &nbefore);
	s = state_open(path, flags, &cause);
	assert_null(s);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL || strstr(cause, path) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\" or the path", cause, want);
	free(cause);

	after = slurp(path, &nafter);
	assert_int_equal(nbefore, nafter);
	assert_memory_equal(before, after, nbefore);
	free(before);
	free(after);
}

static void
record(struct state *s, const char *domain, time_t when, const char *a,
    const char *b, const char *obs)
{
	struct state_step	 steps[2];
	char			*cause = NULL;
	char			 result[32];

	snprintf(result, sizeof result, "{\"t\":%lld}", (long long)when);
	memset(steps, 0, sizeof steps);
	steps[0].id = (char *)"dnssec";
	steps[0].status = (char *)a;
	steps[0].result = result;
	steps[1].id = (char *)"dane";
	steps[1].status = (char *)b;
	if (state_record_check(s, domain, when, steps, 2, obs, &cause) != 0)
		fail_msg("record_check: %s", cause);
}

static const struct state_step *
find_step(const struct state_domain *d, const char *id)
{
	size_t	i;

	for (i = 0; i < d->nsteps; i++) {
		if (strcmp(d->steps[i].id, id) == 0)
			return &d->steps[i];
	}
	fail_msg("no step %s", id);
	return NULL;
}

static size_t
event_count(struct state *s, const char *domain)
{
	struct state_event	*ev;
	size_t			 n;
	char			*cause = NULL;

	assert_int_equal(state_event_list(s, domain, 0, &ev, &n, &cause), 0);
	state_event_list_free(ev, n);
	return n;
}

static void
test_default_path(void **arg)
{
	char	*p;

	setenv("XDG_STATE_HOME", "/x/state", 1);
	p = state_default_path();
	assert_string_equal(p, "/x/state/mxanchor/state.db");
	free(p);

	/* Relative XDG_STATE_HOME is invalid per the spec: ignored. */
	setenv("XDG_STATE_HOME", "rel", 1);
	setenv("HOME", "/home/op", 1);
	p = state_default_path();
	assert_string_equal(p, "/home/op/.local/state/mxanchor/state.db");
	free(p);

	unsetenv("XDG_STATE_HOME");
	p = state_default_path();
	assert_string_equal(p, "/home/op/.local/state/mxanchor/state.db");
	free(p);
}

static void
test_create_reopen(void **arg)
{
	struct fixture		*f = *arg;
	struct state		*s;
	struct state_domain	 d, *list;
	struct stat		 sb;
	char			*path, *dir, *cause = NULL;
	size_t			 n;

	/* Missing directories are created 0700, the file 0600. */
	path = xprintf("%s/a/b/state.db", f->dir);
	s = open_ok(path, 0);
	dir = xprintf("%s/a/b", f->dir);
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);

	assert_int_equal(state_domain_add(s, "Example.COM.", &cause), 0);
	assert_int_equal(state_domain_add(s, "example.com", &cause), 0);
	clock_set(1800000000);
	assert_int_equal(state_domain_add(s, "b.example", &cause), 0);
	state_close(s);

	/* Reopen: the data is there, names normalised, list sorted. */
	s = open_ok(path, 0);
	assert_int_equal(state_domain_get(s, "EXAMPLE.com", &d, &cause), 1);
	assert_string_equal(d.name, "example.com");
	assert_null(d.cursor);
	assert_int_equal(d.added, 1700000000);
	assert_int_equal(d.checked, 0);
	assert_int_equal(d.nsteps, 0);
	state_domain_free(&d);

	assert_int_equal(state_domain_list(s, &list, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "b.example");
	assert_int_equal(list[0].added, 1800000000);
	assert_string_equal(list[1].name, "example.com");
	state_domain_list_free(list, n);

	/* The schema is ours. */
	assert_int_equal(state_domain_get(s, "nope.example", &d, &cause), 0);
	assert_null(d.name);
	state_close(s);
	free(cause);
	cause = raw_text(path, "PRAGMA user_version");
	assert_string_equal(cause, "5");
	free(cause);
	cause = raw_text(path, "PRAGMA journal_mode");
	assert_string_equal(cause, "wal");
	free(cause);
	free(dir);
	free(path);
}

static void
test_domain_names(void **arg)
{
	struct fixture		*f = *arg;
	struct state		*s;
	struct state_domain	 d;
	char			 name[300], *cause = NULL;

	s = open_ok(f->path, 0);
	assert_int_equal(state_domain_add(s, "", &cause), -1);
	assert_non_null(strstr(cause, "empty"));
	free(cause);
	cause = NULL;
	assert_int_equal(state_domain_add(s, ".", &cause), -1);
	assert_non_null(strstr(cause, "empty"));
	free(cause);
	cause = NULL;
	assert_int_equal(state_domain_add(s, NULL, &cause), -1);
	free(cause);
	cause = NULL;

	/* 253 characters (plus a trailing dot) fit; 254 do not. */
	memset(name, 'a', sizeof name);
	name[253] = '.';
	name[254] = '\0';
	assert_int_equal(state_domain_add(s, name, &cause), 0);
	name[253] = 'a';
	assert_int_equal(state_domain_add(s, name, &cause), -1);
	assert_non_null(strstr(cause, "too long"));
	free(cause);
	cause = NULL;
	assert_int_equal(state_domain_get(s, name, &d, &cause), -1);
	free(cause);
	cause = NULL;

	name[253] = '\0';
	assert_int_equal(state_domain_get(s, name, &d, &cause), 1);
	assert_int_equal(strlen(d.name), 253);
	state_domain_free(&d);
	state_close(s);
}

static void
test_cursor(void **arg)
{
	struct fixture		*f = *arg;
	struct state		*s;
	struct state_domain	 d;
	char			*cause = NULL;

	s = open_ok(f->path, 0);
	assert_int_equal(state_domain_add(s, "example.org", &cause), 0);
	assert_int_equal(state_set_cursor(s, "Example.ORG.", "dane", &cause),
	    0);
	state_close(s);

	s = open_ok(f->path, 0);
	assert_int_equal(state_domain_get(s, "example.org", &d, &cause), 1);
	assert_string_equal(d.cursor, "dane");
	state_domain_free(&d);

	assert_int_equal(state_set_cursor(s, "example.org", NULL, &cause), 0);
	assert_int_equal(state_domain_get(s, "example.org", &d, &cause), 1);
	assert_null(d.cursor);
	state_domain_free(&d);

	assert_int_equal(state_set_cursor(s, "other.example", "dane", &cause),
	    -1);
	assert_non_null(strstr(cause, "other.example"));
	free(cause);
	cause = NULL;
	assert_int_equal(state_domain_get(s, "other.example", &d, &cause), 0);
	state_close(s);
}

static void
test_record_check_changes(void **arg)
{
	struct fixture		*f = *arg;
	struct state		*s;
	struct state_domain	 d;
	struct state_event	*ev;
	struct state_step	 extra[2];
	const struct state_step	*st;
	char			*cause = NULL;
	size_t			 n;

	s = open_ok(f->path, 0);

	/* First check: two new steps, two events, domain added. */
	record(s, "Mail.Example.", 100, "pending", "fail", NULL);
	assert_int_equal(state_domain_get(s, "mail.example", &d, &cause), 1);
	assert_int_equal(d.added, 100);
	assert_int_equal(d.checked, 100);
	assert_int_equal(d.nsteps, 2);
	assert_string_equal(d.steps[0].id, "dnssec");
	assert_string_equal(d.steps[0].status, "pending");
	assert_string_equal(d.steps[0].result, "{\"t\":100}");
	assert_int_equal(d.steps[0].changed, 100);
	assert_int_equal(d.steps[0].checked, 100);
	assert_string_equal(d.steps[1].id, "dane");
	assert_null(d.steps[1].result);
	state_domain_free(&d);
	assert_int_equal(event_count(s, "mail.example"), 2);

	/* Same statuses: checked and result move, changed and events not. */
	record(s, "mail.example", 200, "pending", "fail", NULL);
	assert_int_equal(state_domain_get(s, "mail.example", &d, &cause), 1);
	assert_int_equal(d.checked, 200);
	st = find_step(&d, "dnssec");
	assert_int_equal(st->changed, 100);
	assert_int_equal(st->checked, 200);
	assert_string_equal(st->result, "{\"t\":200}");
	state_domain_free(&d);
	assert_int_equal(event_count(s, "mail.example"), 2);

	/* dnssec changes, dane does not. */
	record(s, "mail.example", 300, "pass", "fail", NULL);
	assert_int_equal(state_domain_get(s, "mail.example", &d, &cause), 1);
	assert_int_equal(find_step(&d, "dnssec")->changed, 300);
	assert_string_equal(find_step(&d, "dnssec")->status, "pass");
	assert_int_equal(find_step(&d, "dane")->changed, 100);
	assert_int_equal(find_step(&d, "dane")->checked, 300);
	state_domain_free(&d);

	assert_int_equal(state_event_list(s, "mail.example", 0, &ev, &n,
	    &cause), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ev[0].at, 300);
	assert_string_equal(ev[0].kind, "status");
	assert_string_equal(ev[0].message, "dnssec: pending -> pass");
	assert_int_equal(ev[1].at, 100);
	assert_string_equal(ev[1].message, "dane: fail");
	assert_int_equal(ev[2].at, 100);
	assert_string_equal(ev[2].message, "dnssec: pending");
	state_event_list_free(ev, n);

	assert_int_equal(state_event_list(s, "mail.example", 1, &ev, &n,
	    &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].message, "dnssec: pending -> pass");
	state_event_list_free(ev, n);

	/* A new step given first still comes after the older rows. */
	memset(extra, 0, sizeof extra);
	extra[0].id = (char *)"mtasts";
	extra[0].status = (char *)"warn";
	extra[1].id = (char *)"dnssec";
	extra[1].status = (char *)"pass";
	assert_int_equal(state_record_check(s, "mail.example", 400, extra, 2,
	    NULL, &cause), 0);
	assert_int_equal(state_domain_get(s, "mail.example", &d, &cause), 1);
	assert_int_equal(d.nsteps, 3);
	assert_string_equal(d.steps[0].id, "dnssec");
	assert_string_equal(d.steps[1].id, "dane");
	assert_string_equal(d.steps[2].id, "mtasts");
	assert_null(d.steps[0].result);
	assert_int_equal(d.steps[0].changed, 300);
	assert_int_equal(d.checked, 400);
	state_domain_free(&d);
	assert_int_equal(event_count(s, "mail.example"), 4);
	state_close(s);
}

static void
test_record_check_atomic(void **arg)
{
	struct fixture		*f = *arg;
	struct state		*s;
	struct state_domain	 d;
	struct state_step	 steps[2];
	char			*cause = NULL;

	s = open_ok(f->path, 0);
	record(s, "a.example", 100, "pending", "fail", "{\"n\":1}");

	/* A step without a status fails the whole check: nothing changes. */
	memset(steps, 0, sizeof steps);
	steps[0].id = (char *)"dnssec";
	steps[0].status = (char *)"pass";
	steps[1].id = (char *)"dane";
	assert_int_equal(state_record_check(s, "a.example", 200, steps, 2,
	    "{\"n\":2}", &cause), -1);
	assert_non_null(strstr(cause, "step 1"));
	free(cause);
	cause = NULL;

	assert_int_equal(state_domain_get(s, "a.example", &d, &cause), 1);
	assert_int_equal(d.checked, 100);
	assert_string_equal(find_step(&d, "dnssec")->status, "pending");
	state_domain_free(&d);
	assert_int_equal(event_count(s, "a.example"), 2);
	state_close(s);
}

static void
test_observation_replace(void **arg)
{
	struct fixture	*f = *arg;
	struct state	*s;
	char		*json, *cause = NULL;
	time_t		 taken;

	s = open_ok(f->path, 0);
	assert_int_equal(state_domain_add(s, "o.example", &cause), 0);
	assert_int_equal(state_observation_get(s, "o.example", &json, &taken,
	    &cause), 0);
	assert_null(json);

	record(s, "o.example", 100, "pass", "pass", "{\"mx\":[1]}");
	record(s, "o.example", 200, "pass", "pass", "{\"mx\":[2]}");
	record(s, "other.example", 300, "pass", "pass", "{\"mx\":[3]}");
	assert_int_equal(state_observation_get(s, "O.example.", &json, &taken,
	    &cause), 1);
	assert_string_equal(json, "{\"mx\":[2]}");
	assert_int_equal(taken, 200);
	free(json);
	state_close(s);

	json = raw_text(f->path, "SELECT count(*) FROM observations");
	assert_string_equal(json, "2");
	free(json);

	/* A check without an observation removes the old one. */
	s = open_ok(f->path, 0);
	record(s, "o.example", 400, "pass", "pass", NULL);
	assert_int_equal(state_observation_get(s, "o.example", &json, &taken,
	    &cause), 0);
	assert_int_equal(state_observation_get(s, "other.example", &json,
	    &taken, &cause), 1);
	assert_string_equal(json, "{\"mx\":[3]}");
	free(json);
	state_close(s);
}

static void
test_events(void **arg)
{
	struct fixture		*f = *arg;
	struct state		*s;
	struct state_event	*ev;
	char			*cause = NULL;
	size_t			 n;

	s = open_ok(f->path, 0);
	assert_int_equal(state_event_add(s, "e.example", 10, "note", "x",
	    &cause), -1);
	assert_non_null(strstr(cause, "e.example"));
	free(cause);
	cause = NULL;

	assert_int_equal(state_domain_add(s, "e.example", &cause), 0);
	assert_int_equal(state_event_add(s, "e.example", 10, "note", "first",
	    &cause), 0);
	assert_int_equal(state_event_add(s, "e.example", 30, "check", "third",
	    &cause), 0);
	assert_int_equal(state_event_add(s, "e.example", 10, "note", "second",
	    &cause), 0);

	/* Newest first; equal times newest insert first. */
	assert_int_equal(state_event_list(s, "E.EXAMPLE", 0, &ev, &n, &cause),
	    0);
	assert_int_equal(n, 3);
	assert_string_equal(ev[0].message, "third");
	assert_string_equal(ev[0].kind, "check");
	assert_string_equal(ev[1].message, "second");
	assert_string_equal(ev[2].message, "first");
	state_event_list_free(ev, n);

	assert_int_equal(state_event_list(s, "e.example", 2, &ev, &n, &cause),
	    0);
	assert_int_equal(n, 2);
	state_event_list_free(ev, n);

	assert_int_equal(state_event_list(s, "none.example", 0, &ev, &n,
	    &cause), 0);
	assert_int_equal(n, 0);
	assert_null(ev);
	state_close(s);
}

static void
test_read_only(void **arg)
{
	struct fixture		*f = *arg;
	struct state		*s;
	struct state_domain	 d;
	struct state_step	 step = {
		(char *)"dnssec", (char *)"pass", 0, 0, NULL
	};
	struct stat		 sb;
	unsigned char		*before, *after;
	size_t			 nbefore, nafter;
	char			*path, *cause = NULL;

	/* A missing file is an error, and nothing is created. */
	path = xprintf("%s/sub/state.db", f->dir);
	assert_null(state_open(path, STATE_READ_ONLY, &cause));
	assert_non_null(strstr(cause, path));
	free(cause);
	cause = NULL;
	assert_int_equal(stat(path, &sb), -1);
	path[strlen(path) - strlen("/state.db")] = '\0';
	assert_int_equal(stat(path, &sb), -1);
	free(path);

	s = open_ok(f->path, 0);
	record(s, "r.example", 100, "pass", "fail", "{}");
	assert_int_equal(state_set_cursor(s, "r.example", "dane", &cause), 0);
	state_close(s);
	before = slurp(f->path, &nbefore);

	/* Reads work; every write is refused. */
	s = open_ok(f->path, STATE_READ_ONLY);
	assert_int_equal(state_domain_get(s, "r.example", &d, &cause), 1);
	assert_string_equal(d.cursor, "dane");
	assert_int_equal(d.nsteps, 2);
	state_domain_free(&d);

#define REFUSED(call) do {						\
	assert_int_equal(call, -1);					\
	assert_string_equal(cause, "state is open read-only");		\
	free(cause);							\
	cause = NULL;							\
} while (0)
	REFUSED(state_domain_add(s, "new.example", &cause));
	REFUSED(state_set_cursor(s, "r.example", "dnssec", &cause));
	REFUSED(state_record_check(s, "r.example", 200, &step, 1, NULL,
	    &cause));
	REFUSED(state_event_add(s, "r.example", 200, "note", "x", &cause));
#undef REFUSED
	state_close(s);

	after = slurp(f->path, &nafter);
	assert_int_equal(nbefore, nafter);
	assert_memory_equal(before, after, nbefore);
	free(before);
	free(after);

	/* An empty file has nothing to read. */
	path = xprintf("%s/empty.db", f->dir);
	spit(path, "", 0);
	assert_null(state_open(path, STATE_READ_ONLY, &cause));
	assert_non_null(strstr(cause, "empty"));
	free(cause);
	free(path);
}

static void
test_newer_schema(void **arg)
{
	struct fixture	*f = *arg;
	struct state	*s;
	char		*cause = NULL;

	s = open_ok(f->path, 0);
	assert_int_equal(state_domain_add(s, "n.example", &cause), 0);
	state_close(s);
	raw_exec(f->path, "PRAGMA user_version = 99");

	open_refused(f->path, 0,
	    "was written by a newer mxanchor (schema 99)");
	open_refused(f->path, STATE_READ_ONLY,
	    "was written by a newer mxanchor (schema 99)");
	cause = raw_text(f->path, "PRAGMA user_version");
	assert_string_equal(cause, "99");
	free(cause);
}

static void
test_garbage_file(void **arg)
{
	struct fixture	*f = *arg;
	unsigned char	 buf[8192];
	size_t		 i;
	uint32_t	 x = 2463534242u;

	for (i = 0; i < sizeof buf; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (unsigned char)x;
	}
	spit(f->path, buf, sizeof buf);
	open_refused(f->path, 0, "is damaged or is not an SQLite database");
	open_refused(f->path, STATE_READ_ONLY, "not an SQLite database");

	/* Short text files too. */
	spit(f->path, "hello\n", 6);
	open_refused(f->path, 0, "not an SQLite database");
}

static void
test_damaged_file(void **arg)
{
	struct fixture	*f = *arg;
	struct state	*s;
	unsigned char	*buf;
	size_t		 len, page, off;
	time_t		 t;
	char		*cause = NULL;

	s = open_ok(f->path, 0);
	for (t = 1; t < 200; t++)
		record(s, "d.example", t, t % 2 ? "pass" : "fail", "pending",
		    "{\"padding\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}");
	state_close(s);

	/* Scribble over the middle of every page but the first. */
	buf = slurp(f->path, &len);
	page = (size_t)buf[16] << 8 | buf[17];
	assert_true(len >= 4 * page);
	for (off = page; off + page <= len; off += page)
		memset(buf + off + page / 4, 0x5a, page / 2);
	spit(f->path, buf, len);
	free(buf);

	open_refused(f->path, 0, f->path);
	s = state_open(f->path, 0, &cause);
	assert_null(s);
	assert_non_null(strstr(cause, "damaged"));
	free(cause);
}

static void
test_foreign_file(void **arg)
{
	struct fixture	*f = *arg;
	char		*path;

	raw_exec(f->path, "CREATE TABLE contacts (name TEXT);"
	    "INSERT INTO contacts VALUES ('alice');");
	open_refused(f->path, 0, "is not an mxanchor state file");
	open_refused(f->path, STATE_READ_ONLY,
	    "is not an mxanchor state file");

	/* Another application's id, even with no tables. */
	path = xprintf("%s/other.db", f->dir);
	raw_exec(path, "PRAGMA application_id = 42; PRAGMA user_version = 1;"
	    "CREATE TABLE meta (key TEXT, value TEXT);");
	open_refused(path, 0, "is not an mxanchor state file");
	free(path);

	/* Our id and version but no marker. */
	path = xprintf("%s/nomarker.db", f->dir);
	raw_exec(path, "PRAGMA application_id = 1836605806;"
	    "PRAGMA user_version = 1;"
	    "CREATE TABLE meta (key TEXT, value TEXT);");
	open_refused(path, 0, "is not an mxanchor state file");
	free(path);
}

static void
test_two_connections(void **arg)
{
	struct fixture		*f = *arg;
	struct state		*a, *b;
	struct state_domain	 d;
	char			*cause = NULL;

	a = open_ok(f->path, 0);
	b = open_ok(f->path, 0);

	record(a, "two.example", 100, "pass", "fail", NULL);
	assert_int_equal(state_domain_get(b, "two.example", &d, &cause), 1);
	assert_int_equal(d.checked, 100);
	assert_int_equal(d.nsteps, 2);
	state_domain_free(&d);

	assert_int_equal(state_set_cursor(b, "two.example", "dane", &cause),
	    0);
	record(b, "two.example", 200, "pass", "pass", NULL);
	assert_int_equal(state_domain_get(a, "two.example", &d, &cause), 1);
	assert_string_equal(d.cursor, "dane");
	assert_int_equal(d.checked, 200);
	assert_string_equal(find_step(&d, "dane")->status, "pass");
	state_domain_free(&d);
	assert_int_equal(event_count(a, "two.example"), 3);

	state_close(a);
	state_close(b);
}

#define RACERS	6

/* Several mxanchors open one new file at the same moment and all write. */
static void
race_open(const char *path)
{
	struct state		*s;
	struct state_domain	*list;
	struct state_step	 step;
	char			 name[32], *cause = NULL;
	size_t			 n;
	pid_t			 pid;
	int			 i, j, status, fds[2], failed;
	char			 go;

	assert_int_equal(pipe(fds), 0);
	for (i = 0; i < RACERS; i++) {
		fflush(NULL);
		if ((pid = fork()) == 0) {
			close(fds[1]);
			if (read(fds[0], &go, 1) != 0)
				_exit(2);
			if ((s = state_open(path, 0, &cause)) == NULL) {
				fprintf(stderr, "racer %d: %s\n", i, cause);
				_exit(3);
			}
			snprintf(name, sizeof name, "r%d.example", i);
			for (j = 0; j < 20; j++) {
				memset(&step, 0, sizeof step);
				step.id = (char *)"dnssec";
				step.status = (char *)(j % 2 ? "pass" : "fail");
				if (state_record_check(s, name, j, &step, 1,
				    NULL, &cause) != 0) {
					fprintf(stderr, "racer %d: %s\n", i,
					    cause);
					_exit(4);
				}
			}
			state_close(s);
			_exit(0);
		}
		assert_true(pid > 0);
	}

	/* Closing the pipe starts them all at once; reap all, then judge. */
	close(fds[0]);
	close(fds[1]);
	failed = 0;
	for (i = 0; i < RACERS; i++) {
		if (wait(&status) == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed++;
	}
	assert_int_equal(failed, 0);

	s = open_ok(path, STATE_READ_ONLY);
	assert_int_equal(state_domain_list(s, &list, &n, &cause), 0);
	assert_int_equal(n, RACERS);
	for (i = 0; i < RACERS; i++) {
		assert_int_equal(list[i].checked, 19);
		assert_int_equal(event_count(s, list[i].name), 20);
	}
	state_domain_list_free(list, n);
	state_close(s);
}

static void
test_concurrent_open(void **arg)
{
	struct fixture	*f = *arg;
	char		*path;

	/* A file nobody has created yet, in a directory nobody has. */
	path = xprintf("%s/new/state.db", f->dir);
	race_open(path);
	free(path);

	/* An empty file (touch state.db): the schema is created in place. */
	path = xprintf("%s/empty.db", f->dir);
	spit(path, "", 0);
	race_open(path);
	free(path);
}

static long
elapsed_ms(const struct timespec *start)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* A write waits for the busy timeout, then fails with the locked message. */
static void
expect_locked(struct state *s, const char *path, long at_least)
{
	struct state_domain	 d;
	struct timespec		 start;
	char			*cause = NULL, *want;
	long			 ms;

	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(state_domain_add(s, "late.example", &cause), -1);
	ms = elapsed_ms(&start);
	want = xprintf("state file %s is locked by another mxanchor; "
	    "try again", path);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	cause = NULL;
	assert_true(ms >= at_least);
	assert_true(ms < 4000);

	/* Readers are not blocked by a writer. */
	assert_int_equal(state_domain_get(s, "lock.example", &d, &cause), 1);
	state_domain_free(&d);
}

static void
test_locked(void **arg)
{
	struct fixture		*f = *arg;
	struct state		*s;
	struct state_domain	 d;
	sqlite3			*db;
	char			*cause = NULL;

	s = open_ok(f->path, 0);
	record(s, "lock.example", 100, "pass", "fail", NULL);
	state_close(s);

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);

	/* Opening an existing file needs no write lock. */
	state_set_busy_timeout(200);
	s = open_ok(f->path, 0);
	expect_locked(s, f->path, 190);
	state_close(s);

	/* The environment variable works when no timeout is set. */
	state_set_busy_timeout(-1);
	setenv("MXANCHOR_STATE_BUSY_MS", "100", 1);
	s = open_ok(f->path, 0);
	expect_locked(s, f->path, 90);

	/* Once the other writer is gone, writes go through. */
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(state_domain_add(s, "late.example", &cause), 0);
	assert_int_equal(state_domain_get(s, "late.example", &d, &cause), 1);
	state_domain_free(&d);
	state_close(s);
}

static void
test_disk_full(void **arg)
{
	struct fixture		*f = *arg;
	struct state		*s;
	struct state_domain	 d;
	struct state_step	 steps[2];
	struct rlimit		 old, small;
	struct sigaction	 ign, oldsa;
	char			*big, *cause = NULL;
	size_t			 bigsize = 4 * 1024 * 1024;
	int			 rc;

	s = open_ok(f->path, 0);
	record(s, "full.example", 100, "pending", "fail", "{\"small\":1}");

	/* Files may not grow past 256 KiB: writes fail with EFBIG. */
	big = xmalloc(bigsize + 1);
	memset(big, 'x', bigsize);
	big[bigsize] = '\0';
	big[0] = '"';
	big[bigsize - 1] = '"';
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	assert_int_equal(sigaction(SIGXFSZ, &ign, &oldsa), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 256 * 1024;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);

	/* The step rows are written before the observation fails. */
	memset(steps, 0, sizeof steps);
	steps[0].id = (char *)"dnssec";
	steps[0].status = (char *)"pass";
	steps[1].id = (char *)"mtasts";
	steps[1].status = (char *)"warn";
	rc = state_record_check(s, "full.example", 200, steps, 2, big, &cause);

	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(sigaction(SIGXFSZ, &oldsa, NULL), 0);
	free(big);
	assert_int_equal(rc, -1);
	assert_non_null(cause);
	if (strstr(cause, f->path) == NULL)
		fail_msg("cause \"%s\" does not name the file", cause);
	free(cause);
	cause = NULL;

	/* Nothing lost, nothing half-written, and the handle still works. */
	assert_int_equal(state_domain_get(s, "full.example", &d, &cause), 1);
	assert_int_equal(d.checked, 100);
	assert_int_equal(d.nsteps, 2);
	assert_string_equal(find_step(&d, "dnssec")->status, "pending");
	state_domain_free(&d);
	assert_int_equal(event_count(s, "full.example"), 2);
	assert_int_equal(state_observation_get(s, "full.example", &big, NULL,
	    &cause), 1);
	assert_string_equal(big, "{\"small\":1}");
	free(big);
	record(s, "full.example", 300, "pass", "fail", "{\"small\":2}");
	state_close(s);

	s = open_ok(f->path, 0);
	assert_int_equal(state_domain_get(s, "full.example", &d, &cause), 1);
	assert_int_equal(d.checked, 300);
	assert_string_equal(find_step(&d, "dnssec")->status, "pass");
	state_domain_free(&d);
	state_close(s);
	cause = raw_text(f->path, "PRAGMA integrity_check");
	assert_string_equal(cause, "ok");
	free(cause);
}

static void
test_unusable_path(void **arg)
{
	struct fixture	*f = *arg;
	char		*path, *cause = NULL;

	/* A parent that is a regular file. */
	spit(f->path, "x", 1);
	path = xprintf("%s/sub/state.db", f->path);
	assert_null(state_open(path, 0, &cause));
	assert_non_null(strstr(cause, path));
	assert_non_null(strstr(cause, "Not a directory"));
	free(cause);
	cause = NULL;
	free(path);

	/* A path that is a directory. */
	path = xprintf("%s/dir.db", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_null(state_open(path, 0, &cause));
	assert_non_null(strstr(cause, path));
	free(cause);
	cause = NULL;
	free(path);

	/* A directory we may not write to (root may write anywhere). */
	if (geteuid() != 0) {
		path = xprintf("%s/ro", f->dir);
		assert_int_equal(mkdir(path, 0500), 0);
		free(path);
		path = xprintf("%s/ro/state.db", f->dir);
		assert_null(state_open(path, 0, &cause));
		assert_non_null(strstr(cause, path));
		assert_non_null(strstr(cause, "Permission denied"));
		free(cause);
		free(path);
	}
}

static void
test_stale_temp(void **arg)
{
	struct fixture	*f = *arg;
	struct state	*s;
	struct timespec	 old[2];
	char		*stale, *young, *other;

	/* Left by mxanchors killed while creating the file. */
	stale = xprintf("%s.new-AAAAAA", f->path);
	young = xprintf("%s.new-BBBBBB", f->path);
	other = xprintf("%s/notes.new-CCCCCC", f->dir);
	spit(stale, "x", 1);
	spit(young, "y", 1);
	spit(other, "z", 1);
	old[0].tv_sec = old[1].tv_sec = time(NULL) - 3600;
	old[0].tv_nsec = old[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, stale, old, 0), 0);
	assert_int_equal(utimensat(AT_FDCWD, other, old, 0), 0);

	/* Creating the file removes only its own old temporary files. */
	s = open_ok(f->path, 0);
	state_close(s);
	assert_int_equal(access(stale, F_OK), -1);
	assert_int_equal(access(young, F_OK), 0);
	assert_int_equal(access(other, F_OK), 0);
	free(stale);
	free(young);
	free(other);
}

#define CRASH_TRIALS	30
#define CRASH_DOMAIN	"crash.example"

/* The child: commit checks numbered on from the stored one, report each. */
static void __attribute__((noreturn))
crash_child(const char *path, int fd)
{
	struct state		*s;
	struct state_domain	 d;
	struct state_step	 steps[2];
	char			 result[64], obs[64];
	int64_t			 i;

	state_set_busy_timeout(5000);
	if ((s = state_open(path, 0, NULL)) == NULL)
		_exit(2);
	switch (state_domain_get(s, CRASH_DOMAIN, &d, NULL)) {
	case 1:
		i = (int64_t)d.checked + 1;
		state_domain_free(&d);
		break;
	case 0:
		i = 1;
		break;
	default:
		_exit(3);
	}

	for (;; i++) {
		snprintf(result, sizeof result, "{\"n\":%lld}", (long long)i);
		snprintf(obs, sizeof obs, "{\"obs\":%lld}", (long long)i);
		memset(steps, 0, sizeof steps);
		steps[0].id = (char *)"flip";
		steps[0].status = (char *)(i % 2 ? "pass" : "fail");
		steps[0].result = result;
		steps[1].id = (char *)"steady";
		steps[1].status = (char *)"pending";
		steps[1].result = result;
		if (state_record_check(s, CRASH_DOMAIN, (time_t)i, steps, 2,
		    obs, NULL) != 0)
			_exit(4);
		if (write(fd, &i, sizeof i) != sizeof i)
			_exit(5);
	}
}

/* Checks that the stored state is exactly check number c. */
static void
crash_verify(const char *path, int64_t c)
{
	struct state		*s;
	struct state_domain	 d;
	char			*json, *cause = NULL, want[64];
	time_t			 taken;

	if (access(path, F_OK) != 0) {
		assert_int_equal(c, 0);
		return;
	}
	cause = raw_text(path, "PRAGMA integrity_check");
	assert_string_equal(cause, "ok");
	free(cause);
	cause = NULL;
	if (c == 0)
		return;

	s = open_ok(path, STATE_READ_ONLY);
	assert_int_equal(state_domain_get(s, CRASH_DOMAIN, &d, &cause), 1);
	assert_int_equal(d.checked, c);
	assert_int_equal(d.nsteps, 2);
	snprintf(want, sizeof want, "{\"n\":%lld}", (long long)c);
	assert_string_equal(d.steps[0].status, c % 2 ? "pass" : "fail");
	assert_int_equal(d.steps[0].changed, c);
	assert_string_equal(d.steps[0].result, want);
	assert_int_equal(d.steps[1].changed, 1);
	assert_int_equal(d.steps[1].checked, c);
	assert_string_equal(d.steps[1].result, want);
	state_domain_free(&d);

	assert_int_equal(state_observation_get(s, CRASH_DOMAIN, &json, &taken,
	    &cause), 1);
	snprintf(want, sizeof want, "{\"obs\":%lld}", (long long)c);
	assert_string_equal(json, want);
	assert_int_equal(taken, c);
	free(json);

	/* Two events for the first check, one flip for every other. */
	assert_int_equal(event_count(s, CRASH_DOMAIN), (size_t)c + 1);
	state_close(s);
}

/* The number of the stored check; 0 before the first commit. */
static int64_t
crash_stored(const char *path)
{
	struct state		*s;
	struct state_domain	 d;
	char			*cause = NULL;
	int64_t			 v = 0;
	int			 rc;

	if (access(path, F_OK) != 0)
		return 0;
	if ((s = state_open(path, STATE_READ_ONLY, &cause)) == NULL) {
		/* Killed before the schema was committed. */
		if (strstr(cause, "is empty") == NULL)
			fail_msg("state_open: %s", cause);
		free(cause);
		return 0;
	}
	rc = state_domain_get(s, CRASH_DOMAIN, &d, &cause);
	assert_true(rc == 0 || rc == 1);
	if (rc == 1)
		v = (int64_t)d.checked;
	state_domain_free(&d);
	state_close(s);
	return v;
}

static void
test_crash_safety(void **arg)
{
	struct fixture	*f = *arg;
	int64_t		 stored = 0, reported, v;
	unsigned int	 seed;
	int		 trial, fds[2], status, moved = 0;
	pid_t		 pid;
	ssize_t		 got;

	seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();
	print_message("# crash seed %u\n", seed);
	srand(seed);

	for (trial = 0; trial < CRASH_TRIALS; trial++) {
		assert_int_equal(pipe(fds), 0);
		fflush(NULL);
		if ((pid = fork()) == 0) {
			close(fds[0]);
			crash_child(f->path, fds[1]);
		}
		assert_true(pid > 0);
		close(fds[1]);

		/*
		 * Even trials kill at any moment from the start, opening and
		 * creating the file included; odd ones once the child has
		 * committed, so that every run makes progress however slow
		 * the machine.
		 */
		reported = -1;
		if (trial % 2 == 1) {
			assert_int_equal(read(fds[0], &v, sizeof v), sizeof v);
			reported = v;
		}
		usleep((useconds_t)(rand() % 30000));
		assert_int_equal(kill(pid, SIGKILL), 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFSIGNALED(status))
			fail_msg("child exited with %d", WEXITSTATUS(status));

		/* The last number the child saw committed. */
		while ((got = read(fds[0], &v, sizeof v)) == sizeof v)
			reported = v;
		assert_int_equal(got, 0);
		close(fds[0]);

		/* What is stored: that one, or the next if the kill came
		 * between COMMIT and the report. */
		v = crash_stored(f->path);
		if (reported == -1)
			reported = stored;
		if (v != reported && v != reported + 1)
			fail_msg("trial %d: stored %lld, reported %lld", trial,
			    (long long)v, (long long)reported);
		crash_verify(f->path, v);
		if (v != stored)
			moved++;
		stored = v;
	}
	print_message("# %d of %d trials committed, last check %lld\n", moved,
	    CRASH_TRIALS, (long long)stored);
	assert_true(moved >= CRASH_TRIALS / 2);
}

/* Confirmed SSH host keys: kept per host and port, replaced on set. */
static void
test_hostkeys(void **arg)
{
	struct fixture	*f = *arg;
	struct state	*s;
	char		*fp = NULL, *cause = NULL;

	s = open_ok(f->path, 0);
	assert_int_equal(state_hostkey_get(s, "mx.example", 22, &fp, &cause),
	    0);
	assert_null(fp);
	assert_int_equal(state_hostkey_set(s, "mx.example", 22, "ssh-ed25519",
	    "SHA256:one", 100, &cause), 0);
	assert_int_equal(state_hostkey_set(s, "mx.example", 2222,
	    "ssh-ed25519", "SHA256:other-port", 100, &cause), 0);
	assert_int_equal(state_hostkey_set(s, "mx.example", 22, "ssh-ed25519",
	    "SHA256:two", 200, &cause), 0);
	assert_int_equal(state_hostkey_get(s, "mx.example", 22, &fp, &cause),
	    1);
	assert_string_equal(fp, "SHA256:two");
	free(fp);
	assert_int_equal(state_hostkey_set(s, "", 22, "ssh-ed25519", "x", 1,
	    &cause), -1);
	assert_non_null(cause);
	free(cause);
	state_close(s);

	/* Read-only handles refuse to record one. */
	s = open_ok(f->path, STATE_READ_ONLY);
	cause = NULL;
	assert_int_equal(state_hostkey_set(s, "mx.example", 22, "ssh-ed25519",
	    "SHA256:three", 300, &cause), -1);
	assert_string_equal(cause, "state is open read-only");
	free(cause);
	state_close(s);
}

/* A schema-1 file: read-only it has no keys; writable, it migrates. */
static void
test_hostkeys_migration(void **arg)
{
	struct fixture	*f = *arg;
	struct state	*s;
	char		*fp = NULL, *cause = NULL;

	s = open_ok(f->path, 0);
	state_close(s);
	/* Back to the schema before host keys, as an older mxanchor left it. */
	raw_exec(f->path, "DROP TABLE ssh_hostkeys; PRAGMA user_version = 4;");

	s = open_ok(f->path, STATE_READ_ONLY);
	assert_int_equal(state_hostkey_get(s, "mx.example", 22, &fp, &cause),
	    0);
	state_close(s);

	s = open_ok(f->path, 0);
	assert_int_equal(state_hostkey_set(s, "mx.example", 22, "ssh-ed25519",
	    "SHA256:one", 100, &cause), 0);
	state_close(s);
	fp = raw_text(f->path, "PRAGMA user_version");
	assert_string_equal(fp, "5");
	free(fp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_default_path),
		T(test_create_reopen),
		T(test_domain_names),
		T(test_cursor),
		T(test_record_check_changes),
		T(test_record_check_atomic),
		T(test_observation_replace),
		T(test_events),
		T(test_read_only),
		T(test_newer_schema),
		T(test_garbage_file),
		T(test_damaged_file),
		T(test_foreign_file),
		T(test_two_connections),
		T(test_concurrent_open),
		T(test_locked),
		T(test_disk_full),
		T(test_unusable_path),
		T(test_stale_temp),
		T(test_crash_safety),
		T(test_hostkeys),
		T(test_hostkeys_migration),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
