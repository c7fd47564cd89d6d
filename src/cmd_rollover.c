/*
 * mxanchor rollover DOMAIN [status|start|run|abort]: TLSA key rollovers
 * (RFC 7671 §8.1) kept in the state, so that one can span days.
 *
 *   start  (--cert|--key|--pubkey FILE)... [--host MX]... [--current HEX]
 *          records the plan: the record of the key served now (found in
 *          the zone) and the record of the next key, per key algorithm
 *   run    [--tsig FILE [--server ADDR] [--zone Z]] [--switch-cmd CMD]
 *          [--wait]
 *          does every action that is due and safe now, in order: publish
 *          the next record, confirm every authoritative server shows it,
 *          (2 x TTL later) run CMD to install the next key and verify the
 *          server serves it, remove the current record.  Without --tsig
 *          it prints what to publish and checks that it was.  With --wait
 *          it keeps going until every rollover is done, sleeping between
 *          rounds; stopped at any point, the next run resumes from the
 *          state.
 *   status the plan with the earliest safe time of each action
 *   abort  gives the open rollovers up (records stay as they are)
 *
 * Exit status: 0 when nothing failed (waiting is not failing), 1 when an
 * action failed, 2 on usage or internal errors.
 */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "credfile.h"
#include "dns.h"
#include "publish.h"
#include "rollover.h"
#include "served.h"
#include "state.h"
#include "state_tlsa.h"
#include "tlsagen.h"
#include "xmalloc.h"

#define ROLL_POLL_SECS	60	/* --wait: look again at least this often */

enum {
	OPT_CURRENT = 600,
	OPT_TSIG,
	OPT_SERVER,
	OPT_ZONE,
	OPT_SWITCH_CMD,
	OPT_WAIT,
};

static const struct option roll_options[] = {
	CLI_TLSA_OPTIONS,
	{ "current",	required_argument,	NULL, OPT_CURRENT },
	{ "tsig",	required_argument,	NULL, OPT_TSIG },
	{ "server",	required_argument,	NULL, OPT_SERVER },
	{ "zone",	required_argument,	NULL, OPT_ZONE },
	{ "switch-cmd",	required_argument,	NULL, OPT_SWITCH_CMD },
	{ "wait",	no_argument,		NULL, OPT_WAIT },
	{ NULL,		0,			NULL, 0 },
};

struct roll_args {
	char			*domain;
	const char		*action;
	struct cli_tlsa_in	 in;	/* the next key; hosts: --host or MX */
	const char		*current;
	const char		*tsig;
	const char		*server;
	char			*zone;
	const char		*switch_cmd;
	int			 wait;
};

/* One run over the open rollovers. */
struct roll_run {
	const struct cli_options	*opts;
	const struct roll_args		*a;
	struct state			*st;
	time_t				 now;
	int				 failed;
};

static void
roll_parse_option(int c, struct roll_args *a)
{
	if (cli_tlsa_option(c, optarg, &a->in))
		return;
	switch (c) {
	case OPT_CURRENT:
		a->current = optarg;
		break;
	case OPT_TSIG:
		a->tsig = optarg;
		break;
	case OPT_SERVER:
		a->server = optarg;
		break;
	case OPT_ZONE:
		a->zone = cli_domain(optarg);
		break;
	case OPT_SWITCH_CMD:
		a->switch_cmd = optarg;
		break;
	case OPT_WAIT:
		a->wait = 1;
		break;
	}
}

static int
roll_is_action(const char *s)
{
	return strcmp(s, "status") == 0 || strcmp(s, "start") == 0 ||
	    strcmp(s, "run") == 0 || strcmp(s, "abort") == 0;
}

static void
roll_parse(struct cli_options *opts, int argc, char **argv,
    struct roll_args *a)
{
	int	c, action_given = 0;

	memset(a, 0, sizeof *a);
	/* DANE usages; a digest, since the state keeps it as text. */
	cli_tlsa_init(&a->in, 2, 1);
	a->action = "status";
	while ((c = cli_getopt(argc, argv, roll_options, opts)) != -1) {
		if (c != 1) {
			roll_parse_option(c, a);
			continue;
		}
		if (a->domain == NULL)
			a->domain = cli_domain(optarg);
		else if (!action_given && roll_is_action(optarg)) {
			a->action = optarg;
			action_given = 1;
		} else
			cli_usage_error("rollover: unexpected %s", optarg);
	}
	if (a->domain == NULL)
		cli_usage_error("rollover wants a DOMAIN");
	if (strcmp(a->action, "start") == 0 && a->in.nfiles == 0)
		cli_usage_error("rollover start wants the next key: --cert, "
		    "--key or --pubkey FILE");
	if (opts->no_state || opts->read_only)
		cli_usage_error("rollover keeps its plan in the state: drop "
		    "--no-state and --read-only");
	if (strcmp(a->action, "status") != 0 &&
	    strcmp(a->action, "abort") != 0)
		cli_check_probe_options(opts);
}

/* Saves r with an event; a failure to save fails the run. */
static void
roll_save(struct roll_run *run, struct state_rollover *r, const char *event)
{
	char	*cause = NULL;

	if (state_tlsa_rollover_save(run->st, run->a->domain, r, run->now,
	    event, &cause) != 0) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
		run->failed = 1;
	}
}

static void
roll_note(struct roll_run *run, struct state_rollover *r, const char *note,
    int failed)
{
	free(r->note);
	r->note = note != NULL ? xstrdup(note) : NULL;
	roll_save(run, r, NULL);
	if (note != NULL)
		printf("%s (%s): %s\n", r->owner, r->algorithm, note);
	if (failed)
		run->failed = 1;
}

static void
roll_set_phase(struct state_rollover *r, const char *phase)
{
	free(r->phase);
	r->phase = xstrdup(phase);
	free(r->note);
	r->note = NULL;
}

static char *
roll_zone(struct roll_run *run, const char *owner, char **cause)
{
	if (run->a->zone != NULL)
		return xstrdup(run->a->zone);
	return publish_find_zone(&run->opts->probe, owner, cause);
}

/*
 * Asks every authoritative server; 0 when each serves present and none
 * of absent, 1 when one does not, -1 with *cause.  Prints the report.
 */
static int
roll_check(struct roll_run *run, const struct state_rollover *r,
    const struct tlsa_record *present, size_t np,
    const struct tlsa_record *absent, size_t na, uint32_t *ttl, char **cause)
{
	struct publish_check	 check;
	char			*zone;
	int			 rc;

	if ((zone = roll_zone(run, r->owner, cause)) == NULL)
		return -1;
	rc = publish_check_auth(&run->opts->probe, zone, r->owner, present,
	    np, absent, na, &check, cause);
	free(zone);
	if (rc == -1)
		return -1;
	cli_publish_report(stdout, r->owner, &check);
	if (ttl != NULL)
		*ttl = check.ttl;
	publish_check_free(&check);
	return rc;
}

/* The two records of a rollover, parsed; -1 when the state is damaged. */
static int
roll_records(struct roll_run *run, const struct state_rollover *r,
    struct tlsa_record *cur, struct tlsa_record *next)
{
	if (publish_record_parse(r->current, cur) == 0 &&
	    publish_record_parse(r->next, next) == 0)
		return 0;
	tlsa_record_free(cur);
	fprintf(stderr, "mxanchor: rollover %lld has malformed records\n",
	    r->id);
	run->failed = 1;
	return -1;
}

/* An update with the TSIG key; 1 sent, 0 nothing to do, -1 failed. */
static int
roll_update(struct roll_run *run, struct state_rollover *r,
    const struct tlsa_record *t, int adding)
{
	struct publisher	*p;
	char			*cause = NULL;
	int			 rc = -1;

	p = cli_publish_open(run->opts, run->a->tsig, run->a->zone, r->owner,
	    run->a->server, &cause);
	if (p != NULL)
		rc = adding ? publish_add(p, r->owner, 0, t, 1, &cause) :
		    publish_remove(p, r->owner, t, 1, &cause);
	publish_free(p);
	if (rc == -1) {
		roll_note(run, r, cause, 1);
		free(cause);
	}
	return rc;
}

/* Prints the nsupdate lines for the operator's own publishing. */
static void
roll_tell(const struct state_rollover *r, const char *verb)
{
	printf("%s (%s): no --tsig: %s this record yourself:\n"
	    "  update %s %s. %ld IN TLSA %s\n", r->owner, r->algorithm,
	    strcmp(verb, "add") == 0 ? "publish" : "delete", verb, r->owner,
	    r->ttl > 0 ? r->ttl : (long)PUBLISH_DEFAULT_TTL,
	    strcmp(verb, "add") == 0 ? r->next : r->current);
}

/* Step 2: every server shows next (and still current). */
static void
roll_confirm(struct roll_run *run, struct state_rollover *r,
    const struct tlsa_record *recs)
{
	char		*cause = NULL, *event, when[32];
	uint32_t	 ttl = 0;
	int		 rc;

	rc = roll_check(run, r, recs, 2, NULL, 0, &ttl, &cause);
	if (rc == -1) {
		roll_note(run, r, cause, 1);
		free(cause);
		return;
	}
	if (rc == 1) {
		roll_note(run, r, "the next record is not on every "
		    "authoritative server yet", 0);
		return;
	}
	r->visible = run->now;
	if ((long)ttl > r->ttl)
		r->ttl = (long)ttl;
	free(r->note);
	r->note = NULL;
	clock_format(r->visible + 2 * r->ttl, when, sizeof when);
	event = xprintf("%s (%s): next record on every server; switch not "
	    "before %s", r->owner, r->algorithm, when);
	roll_save(run, r, event);
	printf("%s\n", event);
	free(event);
}

/* Step 1: the next record goes in beside the current one. */
static void
roll_publish(struct roll_run *run, struct state_rollover *r,
    const struct tlsa_record *recs)
{
	char	*event;
	int	 rc;

	if (run->a->tsig == NULL)
		roll_tell(r, "add");
	else if ((rc = roll_update(run, r, &recs[1], 1)) == -1)
		return;
	else {
		r->published = run->now;
		roll_set_phase(r, "published");
		event = xprintf("%s (%s): next record %s %s", r->owner,
		    r->algorithm, rc == 1 ? "published:" : "was already in "
		    "the zone:", r->next);
		roll_save(run, r, event);
		printf("%s\n", event);
		free(event);
	}
	roll_confirm(run, r, recs);
	if (r->visible != 0 && strcmp(r->phase, "planned") == 0) {
		/* Published by the operator, and seen everywhere. */
		r->published = run->now;
		roll_set_phase(r, "published");
		roll_save(run, r, "next record published by the operator");
	}
}

/* Runs the operator's switch command; 0 when it exits 0. */
static int
roll_run_cmd(const char *cmd, const struct state_rollover *r)
{
	int	status;

	printf("%s (%s): running the switch command\n", r->owner,
	    r->algorithm);
	fflush(stdout);
	setenv("MXANCHOR_OWNER", r->owner, 1);
	setenv("MXANCHOR_NEXT", r->next, 1);
	status = system(cmd);
	unsetenv("MXANCHOR_OWNER");
	unsetenv("MXANCHOR_NEXT");
	return status != -1 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* How many addresses of the owner's host serve the record's key. */
static int
roll_served(struct roll_run *run, const struct state_rollover *r,
    const struct tlsa_record *t, size_t *match, size_t *tested,
    size_t *total, char **cause)
{
	struct served	 s;
	const char	*alg;
	char		 host[256], *hex;

	if (rollover_owner_host(r->owner, host, sizeof host) == NULL) {
		xasprintf(cause, "%s is not a _25._tcp owner name", r->owner);
		return -1;
	}
	/* A server with two keys shows the one of the kind asked for. */
	if (served_probe_key(&run->opts->probe, host, 25, r->algorithm, &s,
	    cause) != 0)
		return -1;
	hex = tlsa_data_hex(t);
	*match = served_matching(&s, t->selector, t->mtype, hex, tested);
	*total = s.n;
	free(hex);

	/*
	 * A kind of key the probe cannot ask for (Ed25519) may hide
	 * behind another: say so rather than wait forever.
	 */
	alg = served_algorithm(&s);
	if (*match == 0 && alg != NULL && strcmp(alg, r->algorithm) != 0 &&
	    !served_can_ask(r->algorithm)) {
		xasprintf(cause, "%s sends its %s key to mxanchor's probe, so "
		    "its %s key cannot be checked; verify it with another "
		    "client (e.g. openssl s_client -sigalgs) before going on",
		    host, alg, r->algorithm);
		served_free(&s);
		return -1;
	}
	served_free(&s);
	return 0;
}

/*
 * roll_served() right after the switch command: a reloaded server hands
 * new sessions to fresh processes only once the old ones have finished,
 * so the new key is asked for again, for up to one probe timeout, before
 * the switch counts as not taken.
 */
static int
roll_served_settled(struct roll_run *run, const struct state_rollover *r,
    const struct tlsa_record *t, size_t *match, size_t *tested,
    size_t *total, char **cause)
{
	long long	deadline;

	deadline = probe_now_ms() + run->opts->probe.timeout_ms;
	for (;;) {
		if (roll_served(run, r, t, match, tested, total, cause) != 0)
			return -1;
		if ((*tested == *total && *match == *total) ||
		    run->a->switch_cmd == NULL || probe_now_ms() >= deadline)
			return 0;
		usleep(250 * 1000);
	}
}

/* Step 3: after 2 x TTL, the server moves to the next key. */
static void
roll_switch(struct roll_run *run, struct state_rollover *r,
    const struct rollover_view *v, const struct tlsa_record *recs)
{
	size_t	 match, tested, total;
	char	*cause = NULL, *note, *event, when[32];
	int	 rc;

	if (run->now < rollover_switch_after(v)) {
		clock_format(rollover_switch_after(v), when, sizeof when);
		printf("%s (%s): waiting: switch the server to the next key "
		    "not before %s\n", r->owner, r->algorithm, when);
		return;
	}

	/* Still everywhere?  A server may have lost it since. */
	if ((rc = roll_check(run, r, &recs[1], 1, NULL, 0, NULL,
	    &cause)) != 0) {
		r->visible = 0;
		roll_note(run, r, rc == -1 ? cause : "the next record is no "
		    "longer on every authoritative server: waiting again", 1);
		free(cause);
		return;
	}
	if (run->a->switch_cmd != NULL &&
	    roll_run_cmd(run->a->switch_cmd, r) != 0) {
		roll_note(run, r, "the switch command failed", 1);
		return;
	}

	if (roll_served_settled(run, r, &recs[1], &match, &tested, &total,
	    &cause) != 0) {
		roll_note(run, r, cause, 1);
		free(cause);
		return;
	}
	if (tested == total && match == total) {
		r->switched = run->now;
		roll_set_phase(r, "switched");
		event = xprintf("%s (%s): every address (%zu) serves the next "
		    "key", r->owner, r->algorithm, total);
		roll_save(run, r, event);
		printf("%s\n", event);
		free(event);
		return;
	}
	note = xprintf("%zu of %zu addresses serve the next key (%zu "
	    "answered): %s", match, total, tested, run->a->switch_cmd != NULL ?
	    "the switch did not take" : "the server may switch now; install "
	    "the next key and run again");
	roll_note(run, r, note, run->a->switch_cmd != NULL);
	free(note);
}

/* Step 4: the current record goes, once the next key is what is served. */
static void
roll_remove(struct roll_run *run, struct state_rollover *r,
    const struct tlsa_record *recs)
{
	size_t	 match, tested, total;
	char	*cause = NULL, *event;
	int	 rc;

	/* Never remove the record of a key that is still served. */
	if (roll_served(run, r, &recs[1], &match, &tested, &total,
	    &cause) != 0 || tested != total || match != total) {
		roll_note(run, r, cause != NULL ? cause : "the server does not "
		    "serve the next key on every address any more: not "
		    "removing the current record", 1);
		free(cause);
		return;
	}
	if (run->a->tsig == NULL)
		roll_tell(r, "delete");
	else if (roll_update(run, r, &recs[0], 0) == -1)
		return;

	rc = roll_check(run, r, &recs[1], 1, &recs[0], 1, NULL, &cause);
	if (rc != 0) {
		roll_note(run, r, rc == -1 ? cause : "the current record is "
		    "still on an authoritative server", rc == -1);
		free(cause);
		return;
	}
	r->removed = run->now;
	roll_set_phase(r, "done");
	event = xprintf("%s (%s): current record removed; rollover done",
	    r->owner, r->algorithm);
	roll_save(run, r, event);
	printf("%s\n", event);
	free(event);
}

/* Does what is due for one rollover, as far as it safely goes now. */
static void
roll_advance(struct roll_run *run, struct state_rollover *r)
{
	struct rollover_view	 v;
	struct tlsa_record	 recs[2];

	if (roll_records(run, r, &recs[0], &recs[1]) != 0)
		return;
	if (strcmp(r->phase, "planned") == 0)
		roll_publish(run, r, recs);
	else if (strcmp(r->phase, "published") == 0 && r->visible == 0)
		roll_confirm(run, r, recs);

	if (strcmp(r->phase, "published") == 0 && r->visible != 0 &&
	    rollover_view_from(r, &v) == 0)
		roll_switch(run, r, &v, recs);
	if (strcmp(r->phase, "switched") == 0)
		roll_remove(run, r, recs);
	tlsa_record_free(&recs[0]);
	tlsa_record_free(&recs[1]);
}

/* One round; returns the time to look again (0: all done). */
static time_t
roll_round(struct roll_run *run)
{
	struct state_rollover	*list;
	struct rollover_view	 v;
	char			*cause = NULL;
	size_t			 n, i;
	time_t			 wake = 0, at;

	run->now = clock_now();
	if (state_tlsa_rollovers(run->st, run->a->domain, 0, &list, &n,
	    &cause) != 0) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
		run->failed = 1;
		return 0;
	}
	if (n == 0)
		printf("%s: no rollover under way\n", run->a->domain);
	for (i = 0; i < n; i++) {
		roll_advance(run, &list[i]);
		if (rollover_view_from(&list[i], &v) != 0 ||
		    rollover_next(&v, &at) == ROLL_ACT_NONE)
			continue;
		if (at <= run->now)
			at = run->now + ROLL_POLL_SECS;
		if (wake == 0 || at < wake)
			wake = at;
	}
	state_tlsa_rollovers_free(list, n);
	return wake;
}

static int
roll_run(struct roll_run *run)
{
	time_t	wake;
	long	secs;

	for (;;) {
		wake = roll_round(run);
		fflush(stdout);
		if (!run->a->wait || wake == 0 || run->failed)
			break;
		secs = (long)(wake - run->now);
		if (secs > ROLL_POLL_SECS || secs < 1)
			secs = ROLL_POLL_SECS;
		sleep((unsigned int)secs);
	}
	return run->failed ? EXIT_FAILED : EXIT_CLEAN;
}

static int
roll_status(struct roll_run *run)
{
	struct state_rollover	*list;
	struct state_hook	 hook;
	struct rollover_view	 v;
	enum rollover_action	 act;
	char			*cause = NULL, *text, when[32];
	size_t			 n, i;
	time_t			 at;

	if (state_tlsa_rollovers(run->st, run->a->domain, 0, &list, &n,
	    &cause) != 0 ||
	    state_tlsa_hook_last(run->st, run->a->domain, &hook,
	    &cause) == -1) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (n == 0)
		printf("%s: no rollover under way\n", run->a->domain);
	for (i = 0; i < n; i++) {
		if (rollover_view_from(&list[i], &v) != 0)
			continue;
		text = rollover_plan_text(&v, run->now);
		act = rollover_next(&v, &at);
		clock_format(at > run->now ? at : run->now, when, sizeof when);
		printf("%s  next: %s, %s %s\n", text, rollover_action_name(act),
		    at > run->now ? "not before" : "now,", when);
		free(text);
	}
	if (hook.at != 0) {
		clock_format(hook.at, when, sizeof when);
		printf("renewal hook: %s at %s: %s\n", hook.ok ? "ok" :
		    "FAILED", when, hook.message);
	}
	state_tlsa_hook_free(&hook);
	state_tlsa_rollovers_free(list, n);
	return EXIT_CLEAN;
}

static int
roll_abort(struct roll_run *run)
{
	struct state_rollover	*list;
	char			*cause = NULL, *event;
	size_t			 n, i, j;
	int			 match;

	if (state_tlsa_rollovers(run->st, run->a->domain, 0, &list, &n,
	    &cause) != 0) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	for (i = 0; i < n; i++) {
		match = run->a->in.nhosts == 0;
		for (j = 0; j < run->a->in.nhosts; j++)
			if (strstr(list[i].owner, run->a->in.hosts[j]) != NULL)
				match = 1;
		if (!match)
			continue;
		roll_set_phase(&list[i], "aborted");
		event = xprintf("%s (%s): rollover aborted; the next record "
		    "%s stays in the zone until you remove it", list[i].owner,
		    list[i].algorithm, list[i].next);
		roll_save(run, &list[i], event);
		printf("%s\n", event);
		free(event);
	}
	state_tlsa_rollovers_free(list, n);
	return run->failed ? EXIT_FAILED : EXIT_CLEAN;
}

/* The MX hosts of the domain, for start without --host. */
static size_t
roll_mx_hosts(const struct cli_options *opts, struct roll_args *a)
{
	struct dns_answer	*mx;
	ldns_rr			*rr;
	size_t			 i;

	mx = dns_lookup(&opts->probe, a->domain, LDNS_RR_TYPE_MX);
	for (i = 0; mx->rrs != NULL && i < ldns_rr_list_rr_count(mx->rrs) &&
	    a->in.nhosts < CLI_TLSA_MAX; i++) {
		rr = ldns_rr_list_rr(mx->rrs, i);
		a->in.hosts[a->in.nhosts++] =
		    dns_name_str(ldns_rr_rdf(rr, 1));
	}
	dns_answer_free(mx);
	return a->in.nhosts;
}

/* The RRset at owner, as the authoritative servers agree it is. */
static int
roll_rrset(struct roll_run *run, const char *owner,
    struct publish_rrset *out, char **cause)
{
	struct publish_check	 check;
	struct publish_view	*v;
	char			*zone;
	size_t			 i;
	int			 rc = -1;

	memset(out, 0, sizeof *out);
	if ((zone = roll_zone(run, owner, cause)) == NULL)
		return -1;
	if (publish_check_auth(&run->opts->probe, zone, owner, NULL, 0, NULL,
	    0, &check, cause) == -1) {
		free(zone);
		return -1;
	}
	free(zone);
	for (i = 0; i < check.n; i++) {
		v = &check.v[i];
		if (!v->answered) {
			xasprintf(cause, "%s [%s] does not answer for %s: %s",
			    v->server, v->addr, owner, v->error);
			goto out;
		}
	}
	*out = check.v[0].rrset;
	memset(&check.v[0].rrset, 0, sizeof check.v[0].rrset);
	out->ttl = check.ttl;
	rc = 0;

out:
	publish_check_free(&check);
	return rc;
}

/* 1 when the record is of the kind asked for and is not next. */
static int
roll_candidate(const struct roll_args *a, const struct tlsa_record *t,
    const char *next)
{
	char	*s;
	int	 yes;

	if (t->usage != a->in.usage || t->selector != a->in.selector ||
	    t->mtype != a->in.mtype)
		return 0;
	s = tlsa_record_str(t);
	yes = strcmp(s, next) != 0;
	free(s);
	return yes;
}

/* Of the candidates, the one whose key every address serves, or -1. */
static int
roll_served_pick(struct roll_run *run, const char *owner,
    const struct publish_rrset *set, const int *cand, size_t ncand)
{
	struct served	 s;
	char		 host[256], *hex, *cause = NULL;
	size_t		 i, match, tested;
	int		 pick = -1;

	if (rollover_owner_host(owner, host, sizeof host) == NULL ||
	    served_probe(&run->opts->probe, host, 25, &s, &cause) != 0) {
		free(cause);
		return -1;
	}
	for (i = 0; i < ncand && pick == -1; i++) {
		hex = tlsa_data_hex(&set->v[cand[i]]);
		match = served_matching(&s, set->v[cand[i]].selector,
		    set->v[cand[i]].mtype, hex, &tested);
		if (tested > 0 && match == tested)
			pick = cand[i];
		free(hex);
	}
	served_free(&s);
	return pick;
}

/*
 * The current record: among the records of the next one's kind, the one
 * given with --current, the only one, or the one of the key served now.
 */
static char *
roll_find_current(struct roll_run *run, const char *owner, const char *next,
    long *ttl, char **cause)
{
	const struct roll_args	*a = run->a;
	struct publish_rrset	 set;
	int			*cand, pick = -1;
	size_t			 i, ncand = 0;
	char			*hex, *out = NULL;

	if (roll_rrset(run, owner, &set, cause) != 0)
		return NULL;
	*ttl = set.ttl;
	cand = xcalloc(set.n + 1, sizeof *cand);
	for (i = 0; i < set.n; i++)
		if (roll_candidate(a, &set.v[i], next))
			cand[ncand++] = (int)i;

	if (a->current != NULL) {
		for (i = 0; i < ncand && pick == -1; i++) {
			hex = tlsa_data_hex(&set.v[cand[i]]);
			if (strcasecmp(hex, a->current) == 0)
				pick = cand[i];
			free(hex);
		}
	} else if (ncand == 1)
		pick = cand[0];
	else if (ncand > 1)
		pick = roll_served_pick(run, owner, &set, cand, ncand);

	if (pick >= 0)
		out = tlsa_record_str(&set.v[pick]);
	else
		xasprintf(cause, "%s: %s", owner, ncand == 0 ? "no current "
		    "record of this kind to roll from (a first record is "
		    "published with mxanchor tlsa --publish)" : a->current !=
		    NULL ? "no record has the data given with --current" :
		    "no record matches the key served now; name the current "
		    "one with --current HEX");
	free(cand);
	publish_rrset_free(&set);
	return out;
}

/* Records one planned rollover per host and key. */
static int
roll_start(struct roll_run *run, struct roll_args *a)
{
	struct credfile_set	 creds;
	struct state_rollover	 r;
	struct rollover_view	 v;
	char			*cause = NULL, *text, *event;
	size_t			 i, h;
	int			 rc = EXIT_CLEAN;

	memset(&creds, 0, sizeof creds);
	for (i = 0; i < a->in.nfiles; i++)
		if (credfile_load(&creds, a->in.files[i], a->in.kinds[i],
		    &cause) != 0)
			goto fail;

	for (h = 0; h < a->in.nhosts; h++) {
		for (i = 0; i < creds.n; i++) {
			memset(&r, 0, sizeof r);
			r.owner = tlsagen_owner(a->in.hosts[h], 25);
			r.algorithm = (char *)credfile_algorithm(
			    creds.v[i].pub);
			r.phase = (char *)"planned";
			r.created = run->now;
			text = tlsagen_data(&creds.v[i], (uint8_t)a->in.usage,
			    (uint8_t)a->in.selector, (uint8_t)a->in.mtype, &cause);
			if (text != NULL)
				r.next = xprintf("%d %d %d %s", a->in.usage,
				    a->in.selector, a->in.mtype, text);
			free(text);
			if (r.next != NULL)
				r.current = roll_find_current(run, r.owner,
				    r.next, &r.ttl, &cause);
			event = xprintf("%s (%s): rollover planned from %s "
			    "to %s", r.owner, r.algorithm, r.current, r.next);
			if (r.current == NULL || state_tlsa_rollover_add(
			    run->st, a->domain, &r, run->now, event,
			    &cause) != 0) {
				free(event);
				free(r.owner);
				free(r.current);
				free(r.next);
				goto fail;
			}
			if (rollover_view_from(&r, &v) == 0) {
				text = rollover_plan_text(&v, run->now);
				printf("%s", text);
				free(text);
			}
			free(event);
			free(r.owner);
			free(r.current);
			free(r.next);
		}
	}
	credfile_set_free(&creds);
	return rc;

fail:
	fprintf(stderr, "mxanchor: %s\n", cause);
	free(cause);
	credfile_set_free(&creds);
	return EXIT_FAILED;
}

int
cmd_rollover(struct cli_options *opts, int argc, char **argv)
{
	struct roll_args	 a;
	struct roll_run		 run;
	char			*path, *cause = NULL;
	int			 rc;

	roll_parse(opts, argc, argv, &a);
	memset(&run, 0, sizeof run);
	run.opts = opts;
	run.a = &a;
	run.now = clock_now();
	path = cli_state_path(opts);
	if ((run.st = state_open(path, 0, &cause)) == NULL) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
		free(path);
		return EXIT_USAGE;
	}

	if (strcmp(a.action, "start") == 0) {
		if (a.in.nhosts == 0 && roll_mx_hosts(opts, &a) == 0)
			cli_usage_error("%s has no MX hosts: name them with "
			    "--host", a.domain);
		rc = roll_start(&run, &a);
	} else if (strcmp(a.action, "run") == 0)
		rc = roll_run(&run);
	else if (strcmp(a.action, "abort") == 0)
		rc = roll_abort(&run);
	else
		rc = roll_status(&run);

	state_close(run.st);
	free(path);
	free(a.domain);
	free(a.zone);
	cli_tlsa_free(&a.in);
	return rc;
}
