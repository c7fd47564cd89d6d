/*
 * The renewal hook's options, shared by "mxanchor hook" (cmd_hook.c),
 * which runs after a renewal, and "mxanchor hook-file"
 * (cmd_hook_file.c), which writes the script an ACME client calls and so
 * passes the same options on.
 */
#ifndef MXANCHOR_HOOK_H
#define MXANCHOR_HOOK_H

#include <stddef.h>

#include "cli.h"
#include "credfile.h"

struct hook_args {
	char			*domain;
	const char		*client;	/* hook-file: "certbot" ... */

	struct cli_tlsa_in	 in;		/* the renewed keys */
	const char		*tsig;
	const char		*server;
	char			*zone;
	const char		*postfix_config;
	int			 wait_ms;

	/* hook-file only */
	const char		*out;
	const char		*lineage;
	const char		*certbot_dir;
	const char		*chain_hook;
	const char		*mxanchor;
	int			 force;
};

/*
 * Parses "hook DOMAIN ..." or, with for_file, "hook-file CLIENT DOMAIN
 * ...": exits 2 on usage errors.
 */
void	hook_args_parse(struct cli_options *, int argc, char **argv,
	    struct hook_args *, int for_file);
void	hook_args_free(struct hook_args *);

int	cmd_hook(struct cli_options *, int, char **);
int	cmd_hook_file(struct cli_options *, int, char **);

#endif
