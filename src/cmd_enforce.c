/*
 * mxanchor enforce-override DOMAIN --reason TEXT | --clear: the operator
 * opens the enforce gate against the evidence, and says why.  The reason
 * is kept in the state and shown by the enforce step until cleared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "state.h"
#include "state_sts.h"
#include "xmalloc.h"

int
cmd_enforce_override(struct cli_options *opts, int argc, char **argv)
{
	static const struct option	 options[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "clear", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct state			*st;
	const char			*reason = NULL;
	char				*domain = NULL, *path, *cause = NULL;
	int				 c, clear = 0, rc;

	while ((c = cli_getopt(argc, argv, options, opts)) != -1) {
		if (c == 'r')
			reason = optarg;
		else if (c == 'c')
			clear = 1;
		else if (domain == NULL)
			domain = cli_domain(optarg);
		else
			cli_usage_error("enforce-override wants one DOMAIN");
	}
	if (domain == NULL || (reason == NULL) == !clear)
		cli_usage_error("usage: enforce-override DOMAIN --reason TEXT "
		    "| --clear");
	if (opts->no_state || opts->read_only)
		cli_usage_error("enforce-override writes the state");

	path = cli_state_path(opts);
	if ((st = state_open(path, 0, &cause)) == NULL)
		rc = -1;
	/* A typo must not create a domain nobody rolls out. */
	else if (cli_domain_known(st, domain, &cause) != 0)
		rc = -1;
	else if (clear)
		rc = state_override_clear(st, domain, clock_now(), &cause);
	else
		rc = state_override_add(st, domain, clock_now(), reason,
		    &cause);
	state_close(st);
	free(path);
	if (rc != 0) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
		free(domain);
		return EXIT_USAGE;
	}
	if (clear)
		printf("%s: the enforce gate follows the evidence again\n",
		    domain);
	else
		printf("%s: enforce gate overridden (%s); the enforce step "
		    "offers the enforce policy at the next check\n", domain,
		    reason);
	free(domain);
	return EXIT_CLEAN;
}
