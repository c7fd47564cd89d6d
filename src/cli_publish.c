/*
 * Publishing from the command line: opening a publisher from the options
 * every publishing command shares, and reporting what each authoritative
 * server serves afterwards.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "publish.h"
#include "tsig.h"

struct publisher *
cli_publish_open(const struct cli_options *opts, const char *tsig_path,
    const char *zone, const char *name, const char *server, char **cause)
{
	struct publisher	*p;
	struct tsig_key		 key;

	if (tsig_key_load(tsig_path, &key, cause) != 0)
		return NULL;
	p = publish_rfc2136_new(&opts->probe, zone, name, server, &key, cause);
	tsig_key_free(&key);
	return p;
}

void
cli_publish_report(FILE *f, const char *owner,
    const struct publish_check *check)
{
	const struct publish_view	*v;
	size_t				 i;

	fprintf(f, "%s: %zu of %zu authoritative servers serve what was "
	    "published\n", owner, check->nok, check->n);
	for (i = 0; i < check->n; i++) {
		v = &check->v[i];
		fprintf(f, "  %-4s %s [%s]", v->ok ? "ok" : "NOT", v->server,
		    v->addr);
		if (!v->answered)
			fprintf(f, ": %s", v->error);
		else if (!v->ok)
			fprintf(f, ": %s", v->why);
		fprintf(f, "\n");
	}
}
