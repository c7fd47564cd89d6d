/*
 * mxanchor reports import PATH... and mxanchor reports summary DOMAIN:
 * TLS-RPT reports (RFC 8460) into the state, and what they say by day.
 *
 * import reads files, folders, Maildirs and mbox files and, with --imap
 * URL, the messages of an IMAP mailbox (the password from
 * --password-file, never from the command line); every source it cannot
 * use is named on stderr and the rest is imported anyway.  It exits 0
 * when every source was usable, 1 when one was not, 2 on a usage or
 * state error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "clock.h"
#include "imap.h"
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

/* Where to fetch reports by IMAP, and as whom. */
struct reports_imap {
	const char	*url;
	const char	*user;
	const char	*password_file;
};

/* The first line of the password file; the password is never printed. */
static char *
reports_password(const char *path)
{
	char	line[1024];
	FILE	*f;

	if ((f = fopen(path, "r")) == NULL)
		cli_usage_error("cannot open password file %s: %s", path,
		    strerror(errno));
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '\0')
		cli_usage_error("password file %s is empty", path);
	return xstrdup(line);
}

struct reports_imap_run {
	struct report_import	*ri;
	const char		*url;
};

static int
reports_imap_message(void *arg, unsigned long uid, const char *data,
    size_t len, const char *why, char **cause)
{
	struct reports_imap_run	*run = arg;
	char			*source;
	int			 rc = 0;

	source = xprintf("%s UID %lu", run->url, uid);
	if (data == NULL) {
		run->ri->failed++;
		reports_problem(NULL, source, why);
	} else
		rc = report_import_message(run->ri, source, data, len, cause);
	free(source);
	return rc;
}

/* Every message of the mailbox; a failure to reach it is a problem. */
static int
reports_imap(struct cli_options *opts, struct report_import *ri,
    const struct reports_imap *imap, char **cause)
{
	struct reports_imap_run	 run = { ri, imap->url };
	char			*password, *why = NULL;
	long			 n;

	if (imap_url_check(imap->url, &why) != 0)
		cli_usage_error("%s", why);
	if (imap->password_file == NULL)
		cli_usage_error("--imap needs --password-file FILE");
	password = reports_password(imap->password_file);
	n = imap_fetch_all(&opts->probe, imap->url, imap->user, password,
	    reports_imap_message, &run, &why);
	explicit_bzero(password, strlen(password));
	free(password);
	if (n >= 0)
		return 0;
	if (ri->broken) {
		*cause = why;
		return -1;
	}
	ri->failed++;
	reports_problem(NULL, imap->url, why != NULL ? why : "failed");
	free(why);
	return 0;
}

static int
reports_import(struct cli_options *opts, char **paths, size_t npaths,
    const struct reports_imap *imap)
{
	struct report_import	 ri;
	struct state		*st;
	char			*cause = NULL;
	size_t			 i;
	int			 rc = 0;

	if (npaths == 0 && imap->url == NULL)
		cli_usage_error("reports import wants a PATH or --imap URL");
	if (opts->read_only)
		cli_usage_error("reports import writes the state; not with "
		    "--read-only");
	if (imap->url != NULL)
		cli_check_probe_options(opts);
	st = reports_state(opts, 0);
	report_import_init(&ri, st, reports_problem, NULL);
	for (i = 0; i < npaths && rc == 0; i++)
		rc = report_import_path(&ri, paths[i], &cause);
	if (rc == 0 && imap->url != NULL)
		rc = reports_imap(opts, &ri, imap, &cause);
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
	if (ri.skipped > 0)
		printf(" (%zu without a report, skipped)", ri.skipped);
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
		{ "imap", required_argument, NULL, 'i' },
		{ "imap-user", required_argument, NULL, 'u' },
		{ "password-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct reports_imap		  imap = { NULL, NULL, NULL };
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
		} else if (c == 'i')
			imap.url = optarg;
		else if (c == 'u')
			imap.user = optarg;
		else if (c == 'p')
			imap.password_file = optarg;
		else
			words[n++] = optarg;
	}
	if (n > 0 && strcmp(words[0], "import") == 0)
		rc = reports_import(opts, words + 1, n - 1, &imap);
	else if (n == 2 && strcmp(words[0], "summary") == 0)
		rc = reports_summary(opts, words[1], days);
	else
		cli_usage_error("usage: reports import [PATH...] [--imap URL "
		    "[--imap-user USER] --password-file FILE] | reports "
		    "summary DOMAIN [--days N] [--json]");
	free(words);
	return rc;
}
