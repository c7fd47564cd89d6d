/*
 * mxanchor report DOMAIN [--format md|html] [--output FILE]: the rollout
 * as a document, from the state alone (no network).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "cli.h"
#include "report.h"
#include "state.h"
#include "xmalloc.h"

enum {
	OPT_REPORT_FORMAT = 512,
	OPT_REPORT_OUTPUT,
};

static const struct option report_options[] = {
	{ "format",	required_argument,	NULL, OPT_REPORT_FORMAT },
	{ "output",	required_argument,	NULL, OPT_REPORT_OUTPUT },
	{ NULL,		0,			NULL, 0 },
};

/* To stdout, or atomically to a file: never half a report. */
static int
report_write(const char *text, const char *output)
{
	char	*cause = NULL;

	if (output == NULL) {
		if (fputs(text, stdout) == EOF || fflush(stdout) != 0) {
			perror("mxanchor: standard output");
			return -1;
		}
		return 0;
	}
	if (atomic_write(output, text, strlen(text), 0644, &cause) != 0) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
		return -1;
	}
	return 0;
}

int
cmd_report(struct cli_options *opts, int argc, char **argv)
{
	struct report	 r;
	struct state	*st;
	const char	*format = "md", *output = NULL;
	char		*domain = NULL, *path, *text, *cause = NULL;
	int		 c, rc = EXIT_USAGE;

	while ((c = cli_getopt(argc, argv, report_options, opts)) != -1) {
		if (c == OPT_REPORT_FORMAT)
			format = optarg;
		else if (c == OPT_REPORT_OUTPUT)
			output = optarg;
		else if (domain != NULL)
			cli_usage_error("report wants one DOMAIN, not also %s",
			    optarg);
		else
			domain = cli_domain(optarg);
	}
	if (domain == NULL)
		cli_usage_error("report wants a DOMAIN");
	if (strcmp(format, "md") != 0 && strcmp(format, "html") != 0)
		cli_usage_error("--format wants md or html, not %s", format);
	if (opts->no_state)
		cli_usage_error("report reads the state: it cannot go with "
		    "--no-state");

	path = cli_state_path(opts);
	st = state_open(path, STATE_READ_ONLY, &cause);
	free(path);
	if (st == NULL || report_load(st, domain, &r, &cause) != 0) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
		goto out;
	}
	text = strcmp(format, "html") == 0 ? report_html(&r) :
	    report_markdown(&r);
	if (report_write(text, output) == 0)
		rc = EXIT_CLEAN;
	free(text);
	report_free(&r);

out:
	state_close(st);
	free(domain);
	return rc;
}
