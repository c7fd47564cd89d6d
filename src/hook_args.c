/*
 * Options of the renewal hook and of the hook files (hook.h).
 */
#include <stdlib.h>
#include <string.h>

#include "hook.h"

enum {
	OPT_TSIG = 700,
	OPT_SERVER,
	OPT_ZONE,
	OPT_POSTFIX,
	OPT_WAIT,
	OPT_OUT,
	OPT_LINEAGE,
	OPT_CERTBOT_DIR,
	OPT_CHAIN_HOOK,
	OPT_MXANCHOR,
	OPT_FORCE,
};

static const struct option hook_options[] = {
	CLI_TLSA_OPTIONS,
	CLI_TLSA_PORT_OPTION,
	{ "tsig",		required_argument,	NULL, OPT_TSIG },
	{ "server",		required_argument,	NULL, OPT_SERVER },
	{ "zone",		required_argument,	NULL, OPT_ZONE },
	{ "postfix-config",	required_argument,	NULL, OPT_POSTFIX },
	{ "wait",		required_argument,	NULL, OPT_WAIT },
	{ "out",		required_argument,	NULL, OPT_OUT },
	{ "lineage",		required_argument,	NULL, OPT_LINEAGE },
	{ "certbot-dir",	required_argument,	NULL, OPT_CERTBOT_DIR },
	{ "chain-hook",		required_argument,	NULL, OPT_CHAIN_HOOK },
	{ "mxanchor",		required_argument,	NULL, OPT_MXANCHOR },
	{ "force",		no_argument,		NULL, OPT_FORCE },
	{ NULL,			0,			NULL, 0 },
};

#define HOOK_DEFAULT_WAIT_MS	60000

static void
hook_args_option(int c, struct hook_args *a)
{
	if (cli_tlsa_option(c, optarg, &a->in))
		return;
	switch (c) {
	case OPT_TSIG:
		a->tsig = optarg;
		break;
	case OPT_SERVER:
		a->server = optarg;
		break;
	case OPT_ZONE:
		a->zone = cli_domain(optarg);
		break;
	case OPT_POSTFIX:
		a->postfix_config = optarg;
		break;
	case OPT_WAIT:
		a->wait_ms = (int)cli_number("--wait", optarg, 0, 3600) * 1000;
		break;
	case OPT_OUT:
		a->out = optarg;
		break;
	case OPT_LINEAGE:
		a->lineage = optarg;
		break;
	case OPT_CERTBOT_DIR:
		a->certbot_dir = optarg;
		break;
	case OPT_CHAIN_HOOK:
		a->chain_hook = optarg;
		break;
	case OPT_MXANCHOR:
		a->mxanchor = optarg;
		break;
	case OPT_FORCE:
		a->force = 1;
		break;
	}
}

void
hook_args_parse(struct cli_options *opts, int argc, char **argv,
    struct hook_args *a, int for_file)
{
	const char	*cmd = for_file ? "hook-file" : "hook";
	int		 c;

	memset(a, 0, sizeof *a);
	cli_tlsa_init(&a->in, 2, 0);	/* DANE-TA and DANE-EE only */
	a->wait_ms = HOOK_DEFAULT_WAIT_MS;
	while ((c = cli_getopt(argc, argv, hook_options, opts)) != -1) {
		if (c != 1)
			hook_args_option(c, a);
		else if (for_file && a->client == NULL)
			a->client = optarg;
		else if (a->domain == NULL)
			a->domain = cli_domain(optarg);
		else
			cli_usage_error("%s: unexpected %s", cmd, optarg);
	}
	if (a->domain == NULL)
		cli_usage_error("%s wants a DOMAIN", cmd);
	if (a->in.nports == 0)
		a->in.ports[a->in.nports++] = 25;
	if (for_file) {
		if (strcmp(a->client, "certbot") != 0 &&
		    strcmp(a->client, "dehydrated") != 0 &&
		    strcmp(a->client, "acme.sh") != 0)
			cli_usage_error("hook-file writes hooks for certbot, "
			    "dehydrated or acme.sh, not %s", a->client);
		if (strcmp(a->client, "acme.sh") == 0 && a->in.nfiles == 0)
			cli_usage_error("hook-file acme.sh wants --cert FILE, "
			    "the fullchain acme.sh renews");
		return;
	}
	if (a->in.nfiles == 0)
		cli_usage_error("hook wants the renewed --cert FILE (or --key "
		    "FILE)");
	cli_check_probe_options(opts);
}

void
hook_args_free(struct hook_args *a)
{
	cli_tlsa_free(&a->in);
	free(a->domain);
	free(a->zone);
}
