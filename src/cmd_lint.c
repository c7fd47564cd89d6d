/*
 * mxanchor lint KIND INPUT...: offline pre-flight of a record or file
 * before it is published, for drafts and scripts.
 *
 * Each kind is an entry in lint_table: a name, a usage line and a
 * function that fills findings from its arguments.  The command prints
 * the findings (or --json them) and exits 1 when a MUST is broken, 0
 * otherwise, 2 on a usage error.  Nothing here touches the network or
 * the state.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "finding.h"
#include "sts.h"
#include "tlsrpt.h"
#include "xmalloc.h"

struct lint {
	const char	*name;
	const char	*usage;
	/* argv holds the words after the kind; returns 0 or EXIT_USAGE. */
	int		(*run)(int argc, char **argv, struct findings *);
};

static int	lint_sts_txt(int, char **, struct findings *);
static int	lint_sts_policy(int, char **, struct findings *);
static int	lint_tlsrpt_txt(int, char **, struct findings *);

/* Other linters append their entry here. */
static const struct lint lint_table[] = {
	{ "sts-txt", "lint sts-txt 'RECORD' ['RECORD'...]", lint_sts_txt },
	{ "sts-policy", "lint sts-policy FILE|- [--mx HOST]... "
	    "[--domain DOMAIN]", lint_sts_policy },
	{ "tlsrpt-txt", "lint tlsrpt-txt 'RECORD' ['RECORD'...]",
	    lint_tlsrpt_txt },
};
#define NLINTS	(sizeof lint_table / sizeof lint_table[0])

/* One record is parsed alone; several are the RRset senders select from. */
static int
lint_sts_txt(int argc, char **argv, struct findings *fs)
{
	struct sts_txt	txt;

	if (argc < 1)
		cli_usage_error("lint sts-txt wants a record");
	if (argc == 1)
		sts_txt_parse(argv[0], &txt, fs);
	else
		sts_txt_select(argv, (size_t)argc, &txt, fs);
	sts_txt_free(&txt);
	return 0;
}

static int
lint_tlsrpt_txt(int argc, char **argv, struct findings *fs)
{
	struct tlsrpt_txt	txt;

	if (argc < 1)
		cli_usage_error("lint tlsrpt-txt wants a record");
	if (argc == 1)
		tlsrpt_txt_parse(argv[0], &txt, fs);
	else
		tlsrpt_txt_select(argv, (size_t)argc, &txt, fs);
	tlsrpt_txt_free(&txt);
	return 0;
}

/* A policy file, or stdin, up to one byte over what senders accept. */
static char *
lint_read(const char *path, size_t *len)
{
	struct stat	 sb;
	FILE		*f;
	char		*buf;

	/* A FIFO would block in fopen(): look before opening. */
	if (strcmp(path, "-") == 0)
		f = stdin;
	else if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		cli_usage_error("%s is not a regular file (use - for standard "
		    "input)", path);
	else if ((f = fopen(path, "rb")) == NULL)
		cli_usage_error("cannot open %s: %s", path, strerror(errno));
	buf = xmalloc(STS_POLICY_MAX + 2);
	*len = fread(buf, 1, STS_POLICY_MAX + 1, f);
	if (ferror(f))
		cli_usage_error("cannot read %s: %s", path, strerror(errno));
	buf[*len] = '\0';
	if (f != stdin)
		fclose(f);
	return buf;
}

static int
lint_sts_policy(int argc, char **argv, struct findings *fs)
{
	struct sts_policy	  policy;
	const char		 *file = NULL, *domain = NULL;
	char			**hosts = xcalloc((size_t)argc + 1,
				    sizeof *hosts), *body;
	size_t			  nhosts = 0, len;
	int			  i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--mx") == 0 && i + 1 < argc)
			hosts[nhosts++] = argv[++i];
		else if (strcmp(argv[i], "--domain") == 0 && i + 1 < argc)
			domain = argv[++i];
		else if (file == NULL && (argv[i][0] != '-' ||
		    strcmp(argv[i], "-") == 0))
			file = argv[i];
		else
			cli_usage_error("lint sts-policy: unexpected %s",
			    argv[i]);
	}
	if (file == NULL)
		cli_usage_error("lint sts-policy wants a FILE (or - for "
		    "standard input)");

	/* Too big for senders, and still judged on what they would read. */
	body = lint_read(file, &len);
	if (len > STS_POLICY_MAX) {
		findings_add_req(fs, SEV_ERROR, REQ_ADVICE, "sts.policy.size",
		    "RFC 8461 §3.3", "the policy is larger than %d bytes; "
		    "senders may refuse to read it (what follows is about "
		    "its first %d bytes)", STS_POLICY_MAX, STS_POLICY_MAX);
		len = STS_POLICY_MAX;
		body[len] = '\0';
	}
	if (sts_policy_parse(body, len, &policy, fs) == 0 ||
	    policy.nmx > 0) {
		if (nhosts > 0)
			sts_policy_check_hosts(&policy, hosts, nhosts, fs);
		sts_policy_advise(&policy, domain, fs);
	}
	sts_policy_free(&policy);
	free(body);
	free(hosts);
	return 0;
}

static json_t *
lint_finding_json(const struct finding *f)
{
	json_t	*j;

	j = json_pack("{s:s, s:s, s:s}", "severity",
	    severity_name(f->severity), "code", f->code, "message",
	    f->message);
	json_object_set_new(j, "rfc", f->rfc != NULL ? json_string(f->rfc) :
	    json_null());
	if (f->req != REQ_NONE)
		json_object_set_new(j, "requirement",
		    json_string(requirement_name(f->req)));
	return j;
}

static int
lint_must_broken(const struct findings *fs)
{
	size_t	i;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].req == REQ_MUST)
			return 1;
	return 0;
}

static void
lint_print(const struct lint *l, const struct findings *fs, int json)
{
	json_t	*arr, *j;
	size_t	 i;

	if (json) {
		arr = json_array();
		for (i = 0; i < fs->n; i++)
			json_array_append_new(arr,
			    lint_finding_json(&fs->v[i]));
		j = json_pack("{s:s, s:b, s:o}", "lint", l->name,
		    "must_broken", lint_must_broken(fs), "findings", arr);
		json_dumpf(j, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(j);
		return;
	}
	for (i = 0; i < fs->n; i++) {
		printf("%-5s %-6s %s: %s", severity_name(fs->v[i].severity),
		    fs->v[i].req != REQ_NONE ?
		    requirement_name(fs->v[i].req) : "-", fs->v[i].code,
		    fs->v[i].message);
		if (fs->v[i].rfc != NULL)
			printf(" [%s]", fs->v[i].rfc);
		printf("\n");
	}
	printf("%s: %s\n", l->name, lint_must_broken(fs) ? "a MUST is "
	    "broken" : fs->n == 0 ? "no findings" : "no MUST broken");
}

int
cmd_lint(struct cli_options *opts, int argc, char **argv)
{
	static const struct option	 options[] = {
		{ "mx", required_argument, NULL, 'm' },
		{ "domain", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const struct lint		*l = NULL;
	struct findings			 fs = { NULL, 0, 0 };
	char				**words;
	size_t				  i;
	int				  c, n = 0, rc;

	/* postconf judges a whole configuration, with its own options. */
	if (argc > 1 && strcmp(argv[1], "postconf") == 0)
		return lint_postconf(opts, argc - 1, argv + 1);

	/* Global options may sit anywhere; the rest is the linter's. */
	words = xcalloc((size_t)argc * 2 + 1, sizeof *words);
	while ((c = cli_getopt(argc, argv, options, opts)) != -1) {
		if (c == 'm')
			words[n++] = "--mx";
		else if (c == 'd')
			words[n++] = "--domain";
		words[n++] = optarg;
	}
	if (n == 0)
		cli_usage_error("lint wants a kind: sts-txt, sts-policy, "
		    "tlsrpt-txt, postconf");
	for (i = 0; i < NLINTS && l == NULL; i++)
		if (strcmp(lint_table[i].name, words[0]) == 0)
			l = &lint_table[i];
	if (l == NULL)
		cli_usage_error("lint: unknown kind %s", words[0]);

	rc = l->run(n - 1, words + 1, &fs);
	if (rc == 0) {
		lint_print(l, &fs, opts->json);
		rc = lint_must_broken(&fs) ? EXIT_FAILED : EXIT_CLEAN;
	}
	findings_free(&fs);
	free(words);
	return rc;
}
