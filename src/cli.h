/*
 * Commands that run without a terminal.
 */
#ifndef MXANCHOR_CLI_H
#define MXANCHOR_CLI_H

#include "probe.h"

/* Exit codes shared by every command. */
#define EXIT_CLEAN	0	/* nothing failed */
#define EXIT_FAILED	1	/* a step failed */
#define EXIT_USAGE	2	/* usage or internal error */

struct cli_options {
	struct probe_opts	 probe;
	const char		*state_path;	/* NULL: default */
	int			 no_state;
	int			 json;
};

/* mxanchor check DOMAIN: prints the verdicts, returns the exit code. */
int	cli_check(const struct cli_options *, const char *domain);

#endif
