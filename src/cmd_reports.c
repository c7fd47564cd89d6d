/*
 * mxanchor reports import PATH... and mxanchor reports summary DOMAIN:
 * TLS-RPT reports (RFC 8460) into the state, and what they say by day.
 *
 * import reads files, folders, Maildirs and mbox files (and, with
 * --imap, a mailbox); every source it cannot use is named on stderr and
 * the rest is imported anyway.  It exits 0 when every source was usable,
 * 1 when one was not, 2 on a usage or state error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "clock.h"
#include "report_import.h"
#include "report_summary.h"
#include "state.h"
#include "xmalloc.h"

#define REPORTS_DAYS_DEFAULT	14
#define REPORTS_DAYS_MAX	3660

static struct state *
reports_state(const struct cli_options *opts, int flags)
{
	struct state	*st;
	char		*path, *cause = NULL;

	if (opts->no_state)
		cli_usage_error("reports need the state (not --no-state)");
	path = cli_state_path(opts);
	if ((st = state_open(path, flags, &cause)) == NULL) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
		free(path);
		exit(EXIT_USAGE);
	}
	free(path);
	return st;
}

static void
reports_problem(void *arg, const char *source, const char *why)
{
	fprintf(stderr, "mxanchor: %s: %s\n", source, why);
}

static int
reports_import(struct cli_options *opts, char **paths, size_t npaths)
{
	struct report_import	 ri;
	struct state		*st;
	char			*cause = NULL;
	size_t			 i;
	int			 rc = 0;

	if (npaths == 0)
		cli_usage_error("reports import wants a PATH");
	if (opts->read_only)
		cli_usage_error("reports import writes the state; not with "
		    "--read-only");
	st = reports_state(opts, 0);
	report_import_init(&ri, st, reports_problem, NULL);
	for (i = 0; i < npaths && rc == 0; i++)
		rc = report_import_path(&ri, paths[i], &cause);
	if (report_import_finish(&ri, rc == 0 ? &cause : NULL) != 0)
		rc = -1;
	state_close(st);
	if (rc != 0) {
		fprintf(stderr, "mxanchor: %s; nothing of the last batch was "
		    "stored\n", cause != NULL ? cause : "state error");
		free(cause);
		return EXIT_USAGE;
	}

	printf("%zu report%s read: %zu new, %zu already stored; %zu file%s, "
	    "%zu mail message%s", ri.reports, ri.reports == 1 ? "" : "s",
	    ri.stored, ri.duplicates, ri.files, ri.files == 1 ? "" : "s",
	    ri.messages, ri.messages == 1 ? "" : "s");
	if (ri.failed > 0)
		printf("; %zu not usable (see above)", ri.failed);
	printf("\n");
	return ri.failed > 0 ? EXIT_FAILED : EXIT_CLEAN;
}

static int
reports_summary(struct cli_options *opts, const char *domain, long days)
{
	struct report_summary	 s;
	struct state		*st;
	time_t			 now = clock_now(), to, from;
	char			*cause = NULL, *text, *name;
	json_t			*j;

	name = cli_domain(domain);
	to = now - now % 86400 + 86400;
	from = to - (time_t)days * 86400;
	st = reports_state(opts, STATE_READ_ONLY);
	if (report_summary_load(st, name, from, to, &s, &cause) != 0) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
		state_close(st);
		free(name);
		return EXIT_USAGE;
	}
	state_close(st);

	if (opts->json) {
		j = report_summary_to_json(&s);
		json_dumpf(j, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(j);
	} else {
		printf("TLS-RPT reports for %s, last %ld day%s:\n", name,
		    days, days == 1 ? "" : "s");
		text = report_summary_text(&s, 30);
		fputs(text, stdout);
		free(text);
	}
	report_summary_free(&s);
	free(name);
	return EXIT_CLEAN;
}

int
cmd_reports(struct cli_options *opts, int argc, char **argv)
{
	static const struct option	 options[] = {
		{ "days", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	char				**words, *end;
	size_t				  n = 0;
	long				  days = REPORTS_DAYS_DEFAULT;
	int				  c, rc;

	words = xcalloc((size_t)argc + 1, sizeof *words);
	while ((c = cli_getopt(argc, argv, options, opts)) != -1) {
		if (c == 'd') {
			days = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || days < 1 ||
			    days > REPORTS_DAYS_MAX)
				cli_usage_error("--days wants 1 to %d, not %s",
				    REPORTS_DAYS_MAX, optarg);
		} else
			words[n++] = optarg;
	}
	if (n > 0 && strcmp(words[0], "import") == 0)
		rc = reports_import(opts, words + 1, n - 1);
	else if (n == 2 && strcmp(words[0], "summary") == 0)
		rc = reports_summary(opts, words[1], days);
	else
		cli_usage_error("usage: reports import PATH... | reports "
		    "summary DOMAIN [--days N] [--json]");
	free(words);
	return rc;
}
