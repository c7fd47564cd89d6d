/*
 * mxanchor check --all | --domains FILE: many domains at once, for cron,
 * a systemd timer or a monitoring system.
 *
 * The domains are checked concurrently (steps/fleet.h); each finished
 * check prints one line (or one JSON object), is stored in the state, and
 * leaves a small summary behind for the totals and the Prometheus file.
 * The exit code is the worst of the domains': 2 when one could not be
 * checked or could not be stored, else 1 when a step failed, else 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "atomic.h"
#include "cli.h"
#include "clock.h"
#include "fleet.h"
#include "metrics.h"
#include "observe.h"
#include "overview.h"
#include "state.h"
#include "xmalloc.h"

struct fleet_cli {
	struct cli_options	*opts;
	struct state		*state;		/* NULL: nothing stored */
	char			**domains;
	size_t			 n;
	struct fleet_summary	*summaries;	/* by index */
	size_t			 done;
	int			 store_errors;
	int			 json_first;
};

int
cli_record_check(struct state *st, const struct check *c, char **cause)
{
	struct state_step	 steps[STEP_COUNT];
	char			*obs;
	json_t			*j;
	size_t			 i;
	int			 rc;

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
	    obs, cause);
	for (i = 0; i < STEP_COUNT; i++)
		free(steps[i].result);
	free(obs);
	return rc;
}

int
cli_write_prometheus(const char *path, const struct fleet_summary *s,
    size_t n, time_t run_at, long long run_ms)
{
	char	*text, *cause = NULL;
	int	 rc;

	text = metrics_render(s, n, run_at, run_ms);
	/* 0644: node_exporter usually runs as another user. */
	if ((rc = atomic_write(path, text, strlen(text), 0644, &cause)) != 0) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
	}
	free(text);
	return rc;
}

/* "FAIL      stale.test  tlsa: ..." */
static void
fleet_print_line(const struct check *c)
{
	const struct step_result	*r;
	const char			*word;
	size_t				 i;
	int				 first = 1;

	switch (check_exit_code(c)) {
	case CHECK_FAILED:
		word = "FAIL";
		break;
	case CHECK_UNTESTED:
		word = "UNTESTED";
		break;
	default:
		word = "ok";
		break;
	}
	printf("%-8s %s", word, c->domain);
	for (i = 0; i < STEP_COUNT; i++) {
		r = &c->results[i];
		if (r->status != STEP_FAIL && r->status != STEP_WARN)
			continue;
		printf("%s %s %s: %s", first ? " " : ";", step_table[i]->name,
		    step_status_name(r->status),
		    r->summary != NULL ? r->summary : "");
		first = 0;
	}
	if (check_exit_code(c) == CHECK_UNTESTED && c->obs->mx != NULL &&
	    c->obs->mx->error != NULL)
		printf(" %s", c->obs->mx->error);
	printf("\n");
}

/* The check without its observation: findings and artifacts are kept. */
static void
fleet_print_json(struct fleet_cli *f, const struct check *c)
{
	json_t	*j;

	j = check_to_json(c);
	json_object_del(j, "observation");
	json_object_set_new(j, "exit", json_integer(check_exit_code(c)));
	printf("%s\n  ", f->json_first ? "" : ",");
	json_dumpf(j, stdout, JSON_COMPACT);
	json_decref(j);
	f->json_first = 0;
}

static void
fleet_done(void *arg, size_t index, struct check *c)
{
	struct fleet_cli	*f = arg;
	char			*cause = NULL;

	fleet_summary_init(&f->summaries[index], c);
	if (f->opts->json)
		fleet_print_json(f, c);
	else
		fleet_print_line(c);
	fflush(stdout);

	if (f->state != NULL && cli_record_check(f->state, c, &cause) != 0) {
		fprintf(stderr, "mxanchor: %s: not stored: %s\n", c->domain,
		    cause);
		free(cause);
		f->store_errors++;
	}
	f->done++;
	check_free(c);
}

/*
 * The metrics file is written at the end: a folder that is not there or
 * not writable is said before an hour of checks, not after.
 */
static int
fleet_writable(const char *path)
{
	char		*dir = xstrdup(path), *slash;
	int		 rc = 0;

	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "mxanchor: --prometheus %s: cannot write in "
		    "%s: %s\n", path, dir, strerror(errno));
		rc = -1;
	}
	free(dir);
	return rc;
}

/* The domains to check: the state's, or the file's. */
static int
fleet_domains(struct fleet_cli *f, const struct check_fleet_options *fo)
{
	struct state_domain	*list;
	struct state		*st;
	char			*path, *cause = NULL;
	size_t			 i;

	if (fo->domains_file != NULL) {
		if (fleet_read_domains(fo->domains_file, &f->domains, &f->n,
		    &cause) == 0 && f->n > 0)
			return 0;
		/* An empty list in a cron job would pass for ever. */
		if (cause == NULL)
			xasprintf(&cause, "%s lists no domain",
			    fo->domains_file);
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
		return -1;
	}

	path = cli_state_path(f->opts);
	st = state_open(path, STATE_READ_ONLY, &cause);
	free(path);
	if (st == NULL || state_domain_overview(st, &list, &f->n,
	    &cause) != 0) {
		fprintf(stderr, "mxanchor: --all: %s\n", cause);
		free(cause);
		state_close(st);
		return -1;
	}
	f->domains = xcalloc(f->n > 0 ? f->n : 1, sizeof *f->domains);
	for (i = 0; i < f->n; i++)
		f->domains[i] = xstrdup(list[i].name);
	state_domain_list_free(list, f->n);
	state_close(st);
	return 0;
}

/* Each domain's history, when the state has it; none is no error. */
static struct step_context *
fleet_contexts(struct fleet_cli *f)
{
	struct step_context	*ctxs;
	struct state		*st;
	char			*path, *cause = NULL;
	size_t			 i;

	ctxs = xcalloc(f->n > 0 ? f->n : 1, sizeof *ctxs);
	if (f->opts->no_state)
		return ctxs;
	path = cli_state_path(f->opts);
	st = state_open(path, STATE_READ_ONLY, &cause);
	free(path);
	if (st == NULL) {
		free(cause);
		return ctxs;
	}
	for (i = 0; i < f->n; i++) {
		if (step_context_load(st, f->domains[i], &ctxs[i],
		    &cause) != 0) {
			fprintf(stderr, "mxanchor: %s\n", cause);
			free(cause);
			cause = NULL;
		}
	}
	state_close(st);
	return ctxs;
}

static int
fleet_exit_code(const struct fleet_cli *f, size_t *clean, size_t *failed,
    size_t *untested)
{
	size_t	i;

	*clean = *failed = *untested = 0;
	for (i = 0; i < f->n; i++) {
		switch (f->summaries[i].exit_code) {
		case CHECK_FAILED:
			(*failed)++;
			break;
		case CHECK_UNTESTED:
			(*untested)++;
			break;
		default:
			(*clean)++;
			break;
		}
	}
	if (*untested > 0 || f->store_errors > 0 || f->done != f->n)
		return EXIT_USAGE;
	return *failed > 0 ? EXIT_FAILED : EXIT_CLEAN;
}

int
cmd_check_fleet(struct cli_options *opts,
    const struct check_fleet_options *fo)
{
	struct fleet_cli	 f;
	struct step_context	*ctxs = NULL;
	char			*path, *cause = NULL;
	size_t			 i, clean, failed, untested;
	long long		 start = probe_now_ms(), ms;
	time_t			 run_at = clock_now();
	int			 rc = EXIT_USAGE;

	memset(&f, 0, sizeof f);
	f.opts = opts;
	f.json_first = 1;
	if (fo->prometheus != NULL && fleet_writable(fo->prometheus) != 0)
		return EXIT_USAGE;
	if (fleet_domains(&f, fo) != 0)
		return EXIT_USAGE;
	ctxs = fleet_contexts(&f);
	if (!opts->no_state && !opts->read_only) {
		path = cli_state_path(opts);
		f.state = state_open(path, 0, &cause);
		free(path);
		if (f.state == NULL) {
			fprintf(stderr, "mxanchor: %s\n", cause);
			free(cause);
			goto out;
		}
	}

	f.summaries = xcalloc(f.n > 0 ? f.n : 1, sizeof *f.summaries);
	if (opts->json)
		printf("{\"domains\": [");
	fleet_run(f.domains, f.n, ctxs, &opts->probe, fo->jobs, fleet_done,
	    &f);
	ms = probe_now_ms() - start;
	rc = fleet_exit_code(&f, &clean, &failed, &untested);
	if (opts->json)
		printf("%s],\n \"summary\": {\"domains\": %zu, \"clean\": %zu, "
		    "\"failed\": %zu, \"untested\": %zu, \"ms\": %lld}}\n",
		    f.n > 0 ? "\n" : "", f.n, clean, failed, untested, ms);
	else
		printf("checked %zu domain%s in %.1f s: %zu clean, %zu "
		    "failed, %zu untested\n", f.n, f.n == 1 ? "" : "s",
		    ms / 1000.0, clean, failed, untested);
	if (fo->prometheus != NULL && cli_write_prometheus(fo->prometheus,
	    f.summaries, f.n, run_at, ms) != 0)
		rc = EXIT_USAGE;

out:
	if (f.summaries != NULL) {
		for (i = 0; i < f.n; i++)
			fleet_summary_free(&f.summaries[i]);
		free(f.summaries);
	}
	state_close(f.state);
	free(ctxs);
	fleet_domains_free(f.domains, f.n);
	return rc;
}
