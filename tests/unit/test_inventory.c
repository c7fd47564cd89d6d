/*
 * Unit tests for state/inventory.c and steps/recovery.c: recovery
 * addresses, confirmations, mailbox results, refusing bad fields, and
 * several processes editing one domain's inventory at once.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "inventory.h"
#include "recovery.h"
#include "state.h"
#include "xmalloc.h"

#define WRITERS		2
#define ROWS_EACH	40
#define EDITS_EACH	25

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
	strcpy(f->dir, "/tmp/mxanchor-inv-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->path = xprintf("%s/state.db", f->dir);
	state_set_busy_timeout(10000);
	clock_set(1800000000);
	if ((f->st = state_open(f->path, 0, &cause)) == NULL ||
	    state_domain_add(f->st, "example.com", &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
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
	state_set_busy_timeout(-1);
	clock_set(-1);
	return 0;
}

static struct state_recovery
recovery(const char *account, const char *kind, const char *address)
{
	struct state_recovery	r;

	memset(&r, 0, sizeof r);
	r.account = (char *)account;
	r.kind = (char *)kind;
	r.address = (char *)address;
	return r;
}

static long long
add_ok(struct state *st, const char *account, const char *address)
{
	struct state_recovery	r = recovery(account, "ca", address);
	char			*cause = NULL;
	long long		 id = 0;

	if (state_recovery_add(st, "example.com", &r, "alice", &id,
	    &cause) != 0)
		fail_msg("add %s: %s", account, cause);
	return id;
}

static size_t
count_events(struct state *st, const char *needle)
{
	struct state_event	*ev;
	char			*cause = NULL;
	size_t			 n, i, found = 0;

	assert_int_equal(state_event_list(st, "example.com", 0, &ev, &n,
	    &cause), 0);
	for (i = 0; i < n; i++)
		found += strcmp(ev[i].kind, "inventory") == 0 &&
		    strstr(ev[i].message, needle) != NULL;
	state_event_list_free(ev, n);
	return found;
}

static void
test_add_list(void **arg)
{
	struct fixture		*f = *arg;
	struct state_recovery	*list, r;
	char			*cause = NULL;
	size_t			 n;
	long long		 a, b;

	a = add_ok(f->st, "ACME account", "hostmaster@example.com");
	r = recovery("Registrar", "registrar", "me@gmail.com");
	r.third_party = r.not_controlled = 1;
	r.note = (char *)"the old one";
	assert_int_equal(state_recovery_add(f->st, "EXAMPLE.com.", &r, "bob",
	    &b, &cause), 0);
	assert_true(b > a);

	assert_int_equal(state_recovery_list(f->st, "example.com", &list, &n,
	    &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].account, "ACME account");
	assert_string_equal(list[0].added_by, "alice");
	assert_int_equal(list[0].added, 1800000000);
	assert_int_equal(list[0].version, 1);
	assert_int_equal(list[0].third_party, 0);
	assert_null(list[0].note);
	assert_int_equal(list[0].confirmed, 0);
	assert_string_equal(list[1].address, "me@gmail.com");
	assert_int_equal(list[1].third_party, 1);
	assert_int_equal(list[1].not_controlled, 1);
	assert_string_equal(list[1].note, "the old one");
	state_recovery_list_free(list, n);

	assert_int_equal(count_events(f->st, "added by bob: Registrar"), 1);
}

static void
test_refused_fields(void **arg)
{
	struct fixture		*f = *arg;
	struct state_recovery	 r;
	char			*cause = NULL;

	r = recovery("", "ca", "a@example.com");
	assert_int_equal(state_recovery_add(f->st, "example.com", &r, "u",
	    NULL, &cause), -1);
	assert_non_null(strstr(cause, "account is empty"));
	free(cause);
	cause = NULL;

	r = recovery("x", "ca", "no-at-sign");
	assert_int_equal(state_recovery_add(f->st, "example.com", &r, "u",
	    NULL, &cause), -1);
	assert_non_null(strstr(cause, "not a mail address"));
	free(cause);
	cause = NULL;

	r = recovery("x\nRCPT TO:<evil>", "ca", "a@example.com");
	assert_int_equal(state_recovery_add(f->st, "example.com", &r, "u",
	    NULL, &cause), -1);
	assert_non_null(strstr(cause, "control character"));
	free(cause);
	cause = NULL;

	r = recovery("x", "ca", "a@example.com");
	assert_int_equal(state_recovery_add(f->st, "nowhere.example", &r, "u",
	    NULL, &cause), -1);
	assert_non_null(strstr(cause, "not in the state"));
	free(cause);
}

static void
test_update_conflict(void **arg)
{
	struct fixture		*f = *arg;
	struct state_recovery	*list, mine, theirs;
	char			*cause = NULL;
	size_t			 n;
	long long		 id;

	id = add_ok(f->st, "DNS host", "dns@example.com");
	assert_int_equal(state_recovery_confirm(f->st, "example.com", id,
	    1800000100, "carol", &cause), 0);

	/* Two operators start from version 2. */
	assert_int_equal(state_recovery_list(f->st, "example.com", &list, &n,
	    &cause), 0);
	assert_int_equal(list[0].version, 2);
	assert_int_equal(list[0].confirmed, 1800000100);
	assert_string_equal(list[0].confirmed_by, "carol");
	mine = list[0];
	theirs = list[0];
	theirs.note = (char *)"theirs";
	assert_int_equal(state_recovery_update(f->st, "example.com", &theirs,
	    "dave", &cause), 0);

	/* The second edit is refused, and the first one kept. */
	mine.note = (char *)"mine";
	assert_int_equal(state_recovery_update(f->st, "example.com", &mine,
	    "erin", &cause), -1);
	assert_non_null(strstr(cause, "changed by another operator"));
	free(cause);
	state_recovery_list_free(list, n);

	assert_int_equal(state_recovery_list(f->st, "example.com", &list, &n,
	    &cause), 0);
	assert_string_equal(list[0].note, "theirs");
	assert_int_equal(list[0].version, 3);
	/* Same address: the confirmation stands. */
	assert_int_equal(list[0].confirmed, 1800000100);

	/* A new address needs a new confirmation. */
	free(list[0].address);
	list[0].address = xstrdup("dns@other.example");
	assert_int_equal(state_recovery_update(f->st, "example.com", &list[0],
	    "dave", &cause), 0);
	state_recovery_list_free(list, n);
	assert_int_equal(state_recovery_list(f->st, "example.com", &list, &n,
	    &cause), 0);
	assert_int_equal(list[0].confirmed, 0);
	assert_null(list[0].confirmed_by);
	state_recovery_list_free(list, n);
	assert_int_equal(count_events(f->st, "to be confirmed again"), 1);
}

static void
test_remove(void **arg)
{
	struct fixture		*f = *arg;
	struct state_recovery	*list;
	char			*cause = NULL;
	size_t			 n;
	long long		 id;

	id = add_ok(f->st, "IdP", "sso@example.com");
	add_ok(f->st, "CA", "ca@example.com");
	assert_int_equal(state_recovery_remove(f->st, "example.com", id,
	    "alice", &cause), 0);
	assert_int_equal(state_recovery_remove(f->st, "example.com", id,
	    "alice", &cause), -1);
	assert_non_null(strstr(cause, "no recovery"));
	free(cause);
	cause = NULL;
	assert_int_equal(state_recovery_list(f->st, "example.com", &list, &n,
	    &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].account, "CA");
	state_recovery_list_free(list, n);

	/* Removing the domain takes its inventory along. */
	assert_int_equal(state_domain_remove(f->st, "example.com", &cause), 0);
	assert_int_equal(state_domain_add(f->st, "example.com", &cause), 0);
	assert_int_equal(state_recovery_list(f->st, "example.com", &list, &n,
	    &cause), 0);
	assert_int_equal(n, 0);
}

static void
test_mailboxes(void **arg)
{
	struct fixture		*f = *arg;
	struct state_mailbox	 m[2], *list;
	char			*cause = NULL;
	size_t			 n;

	memset(m, 0, sizeof m);
	m[0].address = (char *)"postmaster@example.com";
	m[0].role = (char *)"postmaster";
	m[0].checked = 1800000000;
	m[0].verdict = (char *)"accepts";
	m[0].detail = (char *)"250 2.1.5 Ok";
	m[1].address = (char *)"a@example.com";
	m[1].role = (char *)"recovery,rua";
	m[1].checked = 1800000000;
	m[1].verdict = (char *)"rejects";
	assert_int_equal(state_mailbox_record(f->st, "example.com", m, 2,
	    &cause), 0);
	assert_int_equal(state_mailbox_list(f->st, "example.com", &list, &n,
	    &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[1].detail, "250 2.1.5 Ok");
	state_mailbox_list_free(list, n);

	/* A new check replaces the old results, dropped addresses too. */
	m[1].verdict = (char *)"accepts";
	m[1].checked = 1800000500;
	assert_int_equal(state_mailbox_record(f->st, "example.com", &m[1], 1,
	    &cause), 0);

	assert_int_equal(state_mailbox_list(f->st, "example.com", &list, &n,
	    &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].address, "a@example.com");
	assert_string_equal(list[0].verdict, "accepts");
	assert_int_equal(list[0].checked, 1800000500);
	assert_null(list[0].detail);
	state_mailbox_list_free(list, n);
	assert_int_equal(count_events(f->st, "1 of 2 mailboxes accept"), 1);
}

/*
 * A writer in its own process: adds its rows, then edits the note of
 * the shared row again and again, each time from what it just read, and
 * retries an edit refused because the other writer got there first.
 */
static int
writer(const char *path, int who, long long shared)
{
	struct state_recovery	*list, r;
	struct state		*st;
	char			*cause = NULL, account[32], address[64];
	size_t			 n, i;
	int			 k, done = 0, tries = 0;

	if ((st = state_open(path, 0, &cause)) == NULL)
		return 1;
	for (k = 0; k < ROWS_EACH; k++) {
		snprintf(account, sizeof account, "w%d-%d", who, k);
		snprintf(address, sizeof address, "w%d-%d@example.com", who,
		    k);
		r = recovery(account, "other", address);
		if (state_recovery_add(st, "example.com", &r, account, NULL,
		    &cause) != 0)
			return 2;
	}
	while (done < EDITS_EACH && tries++ < 100 * EDITS_EACH) {
		if (state_recovery_list(st, "example.com", &list, &n,
		    &cause) != 0)
			return 3;
		for (i = 0; i < n && list[i].id != shared; i++)
			;
		if (i == n)
			return 4;
		snprintf(account, sizeof account, "edit w%d-%d", who, done);
		free(list[i].note);
		list[i].note = xstrdup(account);
		if (state_recovery_update(st, "example.com", &list[i], "w",
		    &cause) == 0)
			done++;
		else if (strstr(cause, "changed by another") == NULL)
			return 5;
		free(cause);
		cause = NULL;
		state_recovery_list_free(list, n);
	}
	state_close(st);
	return done == EDITS_EACH ? 0 : 6;
}

static void
test_concurrent_writers(void **arg)
{
	struct fixture		*f = *arg;
	struct state_recovery	*list;
	pid_t			 pid[WRITERS];
	char			*cause = NULL, needle[32];
	size_t			 n, i;
	long long		 shared;
	int			 w, status, edits;

	shared = add_ok(f->st, "shared", "shared@example.com");
	for (w = 0; w < WRITERS; w++) {
		if ((pid[w] = fork()) == 0)
			_exit(writer(f->path, w, shared));
		assert_true(pid[w] > 0);
	}
	for (w = 0; w < WRITERS; w++) {
		assert_int_equal(waitpid(pid[w], &status, 0), pid[w]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}

	/* Every row of every writer, and every edit in the timeline. */
	assert_int_equal(state_recovery_list(f->st, "example.com", &list, &n,
	    &cause), 0);
	assert_int_equal(n, 1 + WRITERS * ROWS_EACH);
	for (w = 0; w < WRITERS; w++) {
		for (i = 0, edits = 0; i < n; i++)
			edits += strncmp(list[i].account, "w", 1) == 0 &&
			    list[i].account[1] == '0' + w;
		assert_int_equal(edits, ROWS_EACH);
	}
	assert_int_equal(list[0].version, 1 + WRITERS * EDITS_EACH);
	state_recovery_list_free(list, n);
	for (w = 0; w < WRITERS; w++) {
		snprintf(needle, sizeof needle, "added by w%d-", w);
		assert_int_equal(count_events(f->st, needle), ROWS_EACH);
	}
	assert_int_equal(count_events(f->st, "changed by w"),
	    WRITERS * EDITS_EACH);
}

static void
test_guess(void **arg)
{
	char	*controlled[] = { "example.com", "example.org" };
	int	 tp, nc;

	recovery_guess("example.com", "a@example.com", controlled, 2, &tp,
	    &nc);
	assert_int_equal(tp, 0);
	assert_int_equal(nc, 0);
	recovery_guess("example.com", "a@mail.Example.ORG", controlled, 2,
	    &tp, &nc);
	assert_int_equal(nc, 0);
	recovery_guess("example.com", "a@notexample.com", controlled, 2, &tp,
	    &nc);
	assert_int_equal(nc, 1);
	recovery_guess("example.com", "someone@GMail.com", controlled, 2,
	    &tp, &nc);
	assert_int_equal(tp, 1);
	assert_int_equal(nc, 1);
	assert_true(recovery_kind_valid("registrar"));
	assert_false(recovery_kind_valid("Registrar"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_add_list),
		T(test_refused_fields),
		T(test_update_conflict),
		T(test_remove),
		T(test_mailboxes),
		T(test_concurrent_writers),
		T(test_guess),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
