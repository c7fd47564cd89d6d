/*
 * mxanchor lint postconf FILE: the mta step's configuration checks on
 * saved "postconf -n" output (or a main.cf), offline.  --root DIR reads
 * the certificate files the configuration names below DIR, as a copy of
 * the host's file system.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "context.h"
#include "observe.h"
#include "postfix.h"
#include "step.h"
#include "xmalloc.h"

/* The whole file, or NULL (said on stderr) when missing or too large. */
static char *
lint_read(const char *path, size_t max, size_t *len)
{
	FILE	*f;
	char	*buf;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "mxanchor: cannot open %s: %m\n", path);
		return NULL;
	}
	buf = xmalloc(max + 1);
	*len = fread(buf, 1, max + 1, f);
	if (ferror(f) || *len > max) {
		fprintf(stderr, "mxanchor: %s: %s\n", path, ferror(f) ?
		    "read error" : "too large");
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

static void
lint_print_text(const char *file, const struct step_result *r)
{
	const struct finding	*f;
	size_t			 i;

	printf("%s: %s: %s\n", file, step_status_name(r->status),
	    r->summary);
	for (i = 0; i < r->findings.n; i++) {
		f = &r->findings.v[i];
		printf("  %-5s %s", severity_name(f->severity), f->message);
		if (f->rfc != NULL)
			printf(" [%s]", f->rfc);
		printf("\n");
	}
	for (i = 0; i < r->nartifacts; i++)
		printf("\n%s:\n%s", r->artifacts[i].name,
		    r->artifacts[i].content);
}

/* The mta step over a configuration alone: no hosts, no probes. */
int
lint_postconf(struct cli_options *opts, int argc, char **argv)
{
	static const struct option	longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct step_context ctx;
	struct step_result		 earlier[STEP_COUNT], *r;
	struct observation		 obs;
	struct postfix_config		 pf;
	const char			*file = NULL, *root = NULL;
	char				*text;
	size_t				 len, i;
	json_t				*j;
	int				 c;

	while ((c = cli_getopt(argc, argv, longopts, opts)) != -1) {
		if (c == 'r')
			root = optarg;
		else if (c == 1 && file == NULL)
			file = optarg;
		else
			cli_usage_error("lint postconf wants one FILE");
	}
	if (file == NULL)
		cli_usage_error("lint postconf wants a FILE (postconf -n "
		    "output or main.cf)");
	if ((text = lint_read(file, POSTCONF_MAX_INPUT, &len)) == NULL)
		return EXIT_USAGE;

	postfix_config_init(&pf, file);
	postconf_parse_main(&pf.conf, text, len);
	postconf_check(&pf.conf);
	free(text);
	if (root != NULL)
		postfix_config_read_local(&pf, root);

	memset(&obs, 0, sizeof obs);
	obs.domain = (char *)file;
	obs.postfix = &pf;
	for (i = 0; i < STEP_COUNT; i++)
		step_result_init(&earlier[i], (enum step_id)i);
	r = &earlier[STEP_MTA];
	step_table[STEP_MTA]->evaluate(&obs, &ctx, earlier, r);

	if (opts->json) {
		j = step_result_to_json(r);
		json_object_set_new(j, "file", json_string(file));
		json_dumpf(j, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(j);
	} else
		lint_print_text(file, r);

	c = r->status == STEP_FAIL ? EXIT_FAILED : EXIT_CLEAN;
	step_result_free(r);
	postfix_config_free(&pf);
	return c;
}
