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
#include "observe.h"
#include "state.h"
#include "xmalloc.h"

static const char *check_marks[] = { "pending", "pass", "warn", "FAIL" };

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
			printf("      %-5s %s", severity_name(f->severity),
			    f->message);
			if (f->rfc != NULL)
				printf(" [%s]", f->rfc);
			printf("\n");
		}
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

	memset(ctx, 0, sizeof *ctx);
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
	struct step_context	 ctx;
	struct check		*c;
	json_t			*j;
	char			*domain = NULL;
	int			 rc;

	while (cli_getopt(argc, argv, NULL, opts) == 1) {
		if (domain != NULL)
			cli_usage_error("check wants one DOMAIN, not also %s",
			    optarg);
		domain = cli_domain(optarg);
	}
	if (domain == NULL)
		cli_usage_error("check wants a DOMAIN");
	cli_check_probe_options(opts);

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

	rc = check_exit_code(c) != 0 ? EXIT_FAILED : EXIT_CLEAN;
	if (!opts->no_state && !opts->read_only && check_record(opts, c) != 0)
		rc = EXIT_USAGE;
	check_free(c);
	free(domain);
	return rc;
}
