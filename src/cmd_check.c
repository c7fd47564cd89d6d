/*
 * mxanchor check DOMAIN: the check command: every step's probes, no terminal, an exit code for
 * cron and CI, text or JSON on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "cli.h"
#include "clock.h"
#include "context.h"
#include "fleet.h"
#include "observe.h"
#include "state.h"
#include "sts_history.h"
#include "xmalloc.h"

static const char *check_marks[] = { "pending", "pass", "warn", "FAIL" };

/* What to publish, verbatim and unwrapped, ready to copy. */
static void
check_print_artifacts(const struct step_result *r)
{
	const struct artifact	*a;
	const char		*line;
	size_t			 i, len;

	for (i = 0; i < r->nartifacts; i++) {
		a = &r->artifacts[i];
		if (strcmp(a->kind, "text") == 0)
			continue;
		printf("      publish: %s\n", a->name);
		for (line = a->content; *line != '\0'; line += len) {
			len = strcspn(line, "\n");
			printf("        %.*s\n", (int)len, line);
			if (line[len] == '\n')
				len++;
		}
	}
}

static void
check_print_text(const struct check *c)
{
	const struct step_result	*r;
	const struct finding		*f;
	char				 when[32];
	size_t				 i, j;

	clock_format(c->started, when, sizeof when);
	printf("%s (checked %s in %lld ms)\n", c->domain, when,
	    c->elapsed_ms);
	for (i = 0; i < STEP_COUNT; i++) {
		r = &c->results[i];
		printf("  %-8s %-10s %s\n", check_marks[r->status],
		    step_table[i]->name, r->summary != NULL ? r->summary : "");
		for (j = 0; j < r->findings.n; j++) {
			f = &r->findings.v[j];
			printf("      %-5s %s%s%s", severity_name(f->severity),
			    f->req != REQ_NONE ? requirement_name(f->req) : "",
			    f->req != REQ_NONE ? ": " : "", f->message);
			if (f->rfc != NULL)
				printf(" [%s]", f->rfc);
			printf("\n");
		}
		if (r->status != STEP_PASS)
			check_print_artifacts(r);
	}
}

/*
 * A host key the operator confirmed with --trust-host-key is recorded
 * once a whole SSH session has worked with it; never after a failure.
 */
static int
check_record_hostkey(const struct cli_options *opts, const struct check *c,
    struct state *st, char **cause)
{
	const struct ssh_result	*r = &c->obs->ssh;

	if (opts->trust_host_key == NULL || r->status != SSH_OK ||
	    !r->by_confirmation)
		return 0;
	return state_hostkey_set(st, opts->ssh.host, opts->ssh.port,
	    r->key_type, r->fingerprint, c->started, cause);
}

/* Keeps the verdicts in the state, as the wizard would. */
static int
check_record(const struct cli_options *opts, const struct check *c)
{
	struct state_step	 steps[STEP_COUNT];
	struct sts_seen		 seen;
	struct state		*st;
	char			*path, *cause = NULL, *obs;
	json_t			*j;
	size_t			 i;
	int			 rc;

	path = cli_state_path(opts);
	if ((st = state_open(path, 0, &cause)) == NULL) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
		free(path);
		return -1;
	}

	for (i = 0; i < STEP_COUNT; i++) {
		steps[i].id = (char *)step_table[i]->name;
		steps[i].status = (char *)step_status_name(
		    c->results[i].status);
		steps[i].changed = steps[i].checked = c->started;
		j = step_result_to_json(&c->results[i]);
		steps[i].result = json_dumps(j, JSON_COMPACT);
		json_decref(j);
	}
	j = observation_to_json(c->obs);
	obs = json_dumps(j, JSON_COMPACT);
	json_decref(j);

	rc = state_record_check(st, c->domain, c->started, steps, STEP_COUNT,
	    obs, &cause);
	if (rc == 0 && sts_seen_from(c->obs, &seen) == 0)
		rc = sts_history_record(st, c->domain, c->started, &seen,
		    &cause);
	if (rc == 0)
		rc = check_record_hostkey(opts, c, st, &cause);
	if (rc != 0) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
	}

	for (i = 0; i < STEP_COUNT; i++)
		free(steps[i].result);
	free(obs);
	state_close(st);
	free(path);
	return rc;
}

/*
 * The rollout's history and a confirmed SSH host key, when the state
 * has them; none is no error.
 */
static void
check_context(struct cli_options *opts, const char *domain,
    struct step_context *ctx)
{
	struct state	*st;
	char		*path, *cause = NULL;

	step_context_init(ctx);
	if (opts->no_state) {
		cli_ssh_trusted(opts, NULL);
		return;
	}
	path = cli_state_path(opts);
	if ((st = state_open(path, STATE_READ_ONLY, &cause)) != NULL) {
		if (step_context_load(st, domain, ctx, &cause) != 0) {
			fprintf(stderr, "mxanchor: %s\n", cause);
			free(cause);
		}
		cli_ssh_trusted(opts, st);
		state_close(st);
	} else {
		cli_ssh_trusted(opts, NULL);
		free(cause);
	}
	free(path);
}

enum {
	OPT_CHECK_ALL = 512,
	OPT_CHECK_DOMAINS,
	OPT_CHECK_JOBS,
	OPT_CHECK_PROMETHEUS,
};

static const struct option check_options[] = {
	{ "all",	no_argument,		NULL, OPT_CHECK_ALL },
	{ "domains",	required_argument,	NULL, OPT_CHECK_DOMAINS },
	{ "jobs",	required_argument,	NULL, OPT_CHECK_JOBS },
	{ "prometheus",	required_argument,	NULL, OPT_CHECK_PROMETHEUS },
	{ NULL,		0,			NULL, 0 },
};

/* The options of check beyond the global ones; exits 2 on a bad one. */
static void
check_fleet_option(int c, struct check_fleet_options *fo)
{
	char	*end;
	long	 n;

	switch (c) {
	case OPT_CHECK_ALL:
		fo->all = 1;
		break;
	case OPT_CHECK_DOMAINS:
		fo->domains_file = optarg;
		break;
	case OPT_CHECK_JOBS:
		n = strtol(optarg, &end, 10);
		if (*optarg == '\0' || *end != '\0' || n < 1 ||
		    n > FLEET_JOBS_MAX)
			cli_usage_error("--jobs wants 1 to %d, not %s",
			    FLEET_JOBS_MAX, optarg);
		fo->jobs = (int)n;
		break;
	case OPT_CHECK_PROMETHEUS:
		fo->prometheus = optarg;
		break;
	}
}

/* The metrics of a single check, as --all would write them. */
static int
check_prometheus(const char *path, const struct check *c)
{
	struct fleet_summary	s;
	int			rc;

	fleet_summary_init(&s, c);
	rc = cli_write_prometheus(path, &s, 1, c->started, c->elapsed_ms);
	fleet_summary_free(&s);
	return rc;
}

/* An SSH session that did not work, said on stderr as well. */
static void
check_report_ssh(const struct check *c)
{
	const struct observation	*o = c->obs;

	if (!o->ssh_asked || o->ssh.status == SSH_OK)
		return;
	fprintf(stderr, "mxanchor: SSH: %s\n", o->ssh.error);
	if (o->ssh.status == SSH_HOSTKEY_UNKNOWN)
		fprintf(stderr, "mxanchor: if that is the host's key, run "
		    "again with --trust-host-key %s\n", o->ssh.fingerprint);
}

int
cmd_check(struct cli_options *opts, int argc, char **argv)
{
	struct check_fleet_options fo = { 0, NULL, FLEET_JOBS_DEFAULT, NULL };
	struct step_context	 ctx;
	struct check		*c;
	json_t			*j;
	char			*domain = NULL;
	int			 rc, opt;

	while ((opt = cli_getopt(argc, argv, check_options, opts)) != -1) {
		if (opt != 1) {
			check_fleet_option(opt, &fo);
			continue;
		}
		if (domain != NULL)
			cli_usage_error("check wants one DOMAIN, not also %s",
			    optarg);
		domain = cli_domain(optarg);
	}
	if (fo.all && fo.domains_file != NULL)
		cli_usage_error("check takes --all or --domains, not both");
	if (domain != NULL && (fo.all || fo.domains_file != NULL))
		cli_usage_error("check takes a DOMAIN, --all or --domains "
		    "FILE, not %s as well", domain);
	if (fo.all && opts->no_state)
		cli_usage_error("check --all reads the domains from the "
		    "state: it cannot go with --no-state");
	if (domain == NULL && !fo.all && fo.domains_file == NULL)
		cli_usage_error("check wants a DOMAIN, --all or --domains "
		    "FILE");
	cli_check_probe_options(opts);
	if (domain == NULL)
		return cmd_check_fleet(opts, &fo);

	check_context(opts, domain, &ctx);
	c = check_run(domain, &opts->probe, &ctx, NULL, NULL);
	if (opts->json) {
		j = check_to_json(c);
		json_dumpf(j, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(j);
	} else
		check_print_text(c);
	check_report_ssh(c);

	switch (check_exit_code(c)) {
	case CHECK_FAILED:
		rc = EXIT_FAILED;
		break;
	case CHECK_UNTESTED:
		fprintf(stderr, "mxanchor: %s could not be checked: %s\n",
		    domain, c->obs->mx->error);
		rc = EXIT_USAGE;
		break;
	default:
		rc = EXIT_CLEAN;
		break;
	}
	if (!opts->no_state && !opts->read_only && check_record(opts, c) != 0)
		rc = EXIT_USAGE;
	if (fo.prometheus != NULL && check_prometheus(fo.prometheus, c) != 0)
		rc = EXIT_USAGE;
	check_free(c);
	free(domain);
	return rc;
}
