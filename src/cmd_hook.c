/*
 * mxanchor hook DOMAIN: what an ACME client runs after a renewal, so that
 * the TLSA records follow the key without a human.
 *
 *   mxanchor hook DOMAIN --cert FILE... [--key FILE] [--host MX]...
 *       [--usage U --selector S --mtype M]
 *       [--tsig FILE [--server ADDR] [--zone Z]] [--postfix-config DIR]
 *       [--wait SECONDS]
 *
 * It computes the records of the renewed key, publishes them beside what
 * is there (RFC 2136), waits until every authoritative server serves them,
 * then reloads Postfix and checks that every address serves the new key.
 * Without --tsig it only checks that the records are published already
 * (a renewal that kept its key), and otherwise prints what to publish and
 * fails.  Every run, good or bad, is recorded in the state, where check
 * and the wizard show it.  Postfix is not reloaded when publishing
 * failed: the old key then stays in use a little longer.
 *
 * The exit status is 0 when the records are out there (and the server
 * serves the key, with --postfix-config), 1 when not, 2 on usage errors.
 * hook_file.c writes the scripts that call this from certbot, dehydrated
 * and acme.sh.
 */
#include <sys/wait.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "credfile.h"
#include "hook.h"
#include "publish.h"
#include "served.h"
#include "state.h"
#include "state_tlsa.h"
#include "strbuf.h"
#include "tlsa.h"
#include "tlsagen.h"
#include "xmalloc.h"

#define HOOK_WAIT_MS		60000	/* for every server to show it */
#define HOOK_SERVED_TRIES	20	/* Postfix reloads in the background */

/* One run: what was asked, and what happened, for the state. */
struct hook_run {
	const struct cli_options	*opts;
	const struct hook_args		*a;
	struct tlsagen_set		 set;
	struct strbuf			 log;
	int				 failed;
};

static void __attribute__((format(printf, 2, 3)))
hook_say(struct hook_run *run, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	printf("%s\n", s);
	strbuf_printf(&run->log, "%s%s", run->log.len > 0 ? "; " : "", s);
	free(s);
}

static void
hook_fail(struct hook_run *run, const char *owner, const char *why)
{
	hook_say(run, "%s: %s", owner, why);
	run->failed = 1;
}

/* The records of the set at one owner name, parsed. */
static size_t
hook_records_at(const struct tlsagen_set *set, const char *owner,
    struct tlsa_record *out)
{
	char	*o, *s;
	size_t	 i, n = 0;

	for (i = 0; i < set->n; i++) {
		o = tlsagen_owner(set->v[i].host, set->v[i].port);
		s = xprintf("%u %u %u %s", set->v[i].usage,
		    set->v[i].selector, set->v[i].mtype, set->v[i].hex);
		if (strcmp(o, owner) == 0 &&
		    publish_record_parse(s, &out[n]) == 0)
			n++;
		free(s);
		free(o);
	}
	return n;
}

/* "3 1 1 abcd..." for the log: the records at owner. */
static char *
hook_records_str(const struct tlsa_record *v, size_t n)
{
	struct strbuf	 b = { NULL, 0, 0 };
	char		*s;
	size_t		 i;

	for (i = 0; i < n; i++) {
		s = tlsa_record_str(&v[i]);
		strbuf_printf(&b, "%s%s", i > 0 ? ", " : "", s);
		free(s);
	}
	return strbuf_take(&b);
}

/* Without a key: are the records out there already? */
static void
hook_check_only(struct hook_run *run, const char *owner,
    const struct tlsa_record *v, size_t n, const char *recs)
{
	struct publish_check	 check;
	char			*zone, *cause = NULL, *script;
	int			 rc = -1;

	zone = run->a->zone != NULL ? xstrdup(run->a->zone) :
	    publish_find_zone(&run->opts->probe, owner, &cause);
	if (zone != NULL)
		rc = publish_check_auth(&run->opts->probe, zone, owner, v, n,
		    NULL, 0, &check, &cause);
	free(zone);
	if (rc == -1) {
		hook_fail(run, owner, cause);
		free(cause);
		return;
	}
	if (rc == 0)
		hook_say(run, "%s: key unchanged: %s already on every "
		    "authoritative server (%zu)", owner, recs, check.n);
	else {
		script = tlsagen_nsupdate(&run->set, -1, run->a->server,
		    run->a->zone);
		printf("Publish these records (no --tsig given):\n%s", script);
		free(script);
		hook_fail(run, owner, "the renewed key's TLSA record is NOT "
		    "published; publish it now, then run the hook again");
	}
	publish_check_free(&check);
}

/* Publishes one owner's records and waits until every server has them. */
static void
hook_publish_owner(struct hook_run *run, const char *owner)
{
	struct publish_check	 check;
	struct publisher	*p;
	struct tlsa_record	*v;
	char			*cause = NULL, *recs, *why;
	size_t			 n, i;
	int			 sent = -1, rc;

	v = xcalloc(run->set.n, sizeof *v);
	n = hook_records_at(&run->set, owner, v);
	recs = hook_records_str(v, n);
	memset(&check, 0, sizeof check);
	if (run->a->tsig == NULL) {
		hook_check_only(run, owner, v, n, recs);
		goto out;
	}

	p = cli_publish_open(run->opts, run->a->tsig, run->a->zone, owner,
	    run->a->server, &cause);
	if (p != NULL)
		sent = publish_add(p, owner, 0, v, n, &cause);
	if (sent >= 0 && (rc = publish_wait(p, owner, v, n, NULL, 0,
	    run->a->wait_ms, &check, &cause)) >= 0) {
		cli_publish_report(stdout, owner, &check);
		if (rc == 0)
			hook_say(run, "%s: %s %s; on every authoritative "
			    "server (%zu)", owner, recs, sent ? "published" :
			    "already published (key unchanged)", check.n);
		else
			hook_fail(run, owner, "published, but not on every "
			    "authoritative server in time");
	} else {
		why = xprintf("publishing %s failed: %s", recs, cause);
		hook_fail(run, owner, why);
		free(why);
	}
	free(cause);
	publish_free(p);

out:
	publish_check_free(&check);
	for (i = 0; i < n; i++)
		tlsa_record_free(&v[i]);
	free(v);
	free(recs);
}

/* postfix -c DIR reload, without a shell. */
static int
hook_reload_postfix(const char *dir)
{
	pid_t	pid;
	int	status;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		execlp("postfix", "postfix", "-c", dir, "reload", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) == -1)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/*
 * The renewed record (of the host, for port 25, usage 3) that a leaf
 * matches, or NULL.  The probe asked for one kind of key, so a server
 * with two shows the one it was asked for.
 */
static const struct tlsagen_rr *
hook_leaf_record(const struct hook_run *run, const char *host, X509 *leaf)
{
	const struct tlsagen_rr	*r;
	char			*hex;
	size_t			 i;
	int			 same;

	for (i = 0; leaf != NULL && i < run->set.n; i++) {
		r = &run->set.v[i];
		if (r->port != 25 || r->usage != 3 || strcmp(r->host, host) != 0)
			continue;
		hex = tlsa_cert_digest_hex(leaf, r->selector, r->mtype);
		same = hex != NULL && strcmp(hex, r->hex) == 0;
		free(hex);
		if (same)
			return r;
	}
	return NULL;
}

/*
 * Probes host for its key of one algorithm; returns the record every
 * address serves, or NULL.
 */
static const struct tlsagen_rr *
hook_served_once(struct hook_run *run, const char *host,
    const char *algorithm, char **cause)
{
	const struct tlsagen_rr	*r = NULL, *one;
	struct served		 s;
	size_t			 i;

	if (served_probe_key(&run->opts->probe, host, 25, algorithm, &s,
	    cause) != 0)
		return NULL;
	for (i = 0; i < s.n; i++) {
		one = s.v[i].outcome == SMTP_TLS_OK ?
		    hook_leaf_record(run, host, s.v[i].leaf) : NULL;
		if (one == NULL) {
			r = NULL;
			break;
		}
		r = one;
	}
	served_free(&s);
	return r;
}

/*
 * Whether record i is the first DANE-EE record for port 25 of its host
 * and key algorithm: only those say which key to expect, and a server
 * with an RSA and an ECDSA key is asked for each.
 */
static int
hook_first_of_kind(const struct hook_run *run, size_t i)
{
	const struct tlsagen_rr	*r = &run->set.v[i], *o;
	size_t			 j;

	if (r->port != 25 || r->usage != 3)
		return 0;
	for (j = 0; j < i; j++) {
		o = &run->set.v[j];
		if (o->port == 25 && o->usage == 3 &&
		    strcmp(o->host, r->host) == 0 &&
		    strcmp(o->algorithm, r->algorithm) == 0)
			return 0;
	}
	return 1;
}

/* After the reload: every address of every host serves each renewed key. */
static void
hook_verify_served(struct hook_run *run)
{
	const struct tlsagen_rr	*r, *want;
	char			*cause = NULL;
	size_t			 i, try;

	for (i = 0; i < run->set.n; i++) {
		want = &run->set.v[i];
		if (!hook_first_of_kind(run, i))
			continue;

		/* New smtpd processes take the key; give them a moment. */
		r = NULL;
		for (try = 0; try < HOOK_SERVED_TRIES && r == NULL &&
		    cause == NULL; try++) {
			r = hook_served_once(run, want->host, want->algorithm,
			    &cause);
			if (r == NULL)
				usleep(500 * 1000);
		}
		if (cause != NULL) {
			hook_fail(run, want->host, cause);
			free(cause);
			cause = NULL;
		} else if (r == NULL) {
			xasprintf(&cause, "Postfix does not serve the renewed "
			    "%s key on every address after the reload",
			    want->algorithm);
			hook_fail(run, want->host, cause);
			free(cause);
			cause = NULL;
		} else
			hook_say(run, "%s: serves the renewed %s key on every "
			    "address", want->host, r->algorithm);
	}
}

/* Keeps the run in the state; failing to is a failure of the run. */
static void
hook_record(struct hook_run *run)
{
	struct state	*st;
	char		*path, *cause = NULL;

	if (run->opts->no_state || run->opts->read_only)
		return;
	path = cli_state_path(run->opts);
	if ((st = state_open(path, 0, &cause)) == NULL ||
	    state_tlsa_hook_add(st, run->a->domain, clock_now(), !run->failed,
	    run->log.s != NULL ? run->log.s : "nothing to do", &cause) != 0) {
		fprintf(stderr, "mxanchor: cannot record the hook run: %s\n",
		    cause);
		free(cause);
		run->failed = 1;
	}
	state_close(st);
	free(path);
}

int
cmd_hook(struct cli_options *opts, int argc, char **argv)
{
	struct hook_args	 a;
	struct hook_run		 run;
	char			*cause = NULL, *owner, *done = xstrdup(" ");
	char			*key, *more;
	size_t			 i;

	hook_args_parse(opts, argc, argv, &a, 0);
	memset(&run, 0, sizeof run);
	run.opts = opts;
	run.a = &a;

	if (cli_tlsa_records(&a.in, &run.set, &cause) != 0) {
		hook_fail(&run, a.domain, cause);
		free(cause);
	}
	for (i = 0; i < run.set.n && !run.failed; i++) {
		owner = tlsagen_owner(run.set.v[i].host, run.set.v[i].port);
		key = xprintf(" %s ", owner);
		if (strstr(done, key) == NULL) {
			hook_publish_owner(&run, owner);
			more = xprintf("%s%s ", done, owner);
			free(done);
			done = more;
		}
		free(key);
		free(owner);
	}

	if (run.failed && a.postfix_config != NULL)
		hook_say(&run, "Postfix NOT reloaded, as the TLSA records are "
		    "not out there");
	else if (a.postfix_config != NULL) {
		if (hook_reload_postfix(a.postfix_config) != 0)
			hook_fail(&run, a.postfix_config, "postfix reload "
			    "failed");
		else {
			hook_say(&run, "Postfix reloaded");
			hook_verify_served(&run);
		}
	}
	hook_record(&run);
	if (run.failed)
		fprintf(stderr, "mxanchor: the renewal hook FAILED for %s: "
		    "DANE senders may refuse mail until the TLSA records match "
		    "the key\n", a.domain);

	free(done);
	strbuf_free(&run.log);
	tlsagen_set_free(&run.set);
	hook_args_free(&a);
	return run.failed ? EXIT_FAILED : EXIT_CLEAN;
}
