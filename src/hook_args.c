/*
 * Options of the renewal hook and of the hook files (hook.h).
 */
#include <stdlib.h>
#include <string.h>

#include "hook.h"

enum {
	OPT_CERT = 700,
	OPT_KEY,
	OPT_PUBKEY,
	OPT_HOST,
	OPT_PORT,
	OPT_USAGE,
	OPT_SELECTOR,
	OPT_MTYPE,
	OPT_TSIG,
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
	{ "cert",		required_argument,	NULL, OPT_CERT },
	{ "key",		required_argument,	NULL, OPT_KEY },
	{ "pubkey",		required_argument,	NULL, OPT_PUBKEY },
	{ "host",		required_argument,	NULL, OPT_HOST },
	{ "port",		required_argument,	NULL, OPT_PORT },
	{ "usage",		required_argument,	NULL, OPT_USAGE },
	{ "selector",		required_argument,	NULL, OPT_SELECTOR },
	{ "mtype",		required_argument,	NULL, OPT_MTYPE },
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
hook_args_file(struct hook_args *a, const char *path, enum credfile_kind k)
{
	if (a->nfiles == HOOK_MAX_ITEMS)
		cli_usage_error("at most %d files", HOOK_MAX_ITEMS);
	a->files[a->nfiles] = path;
	a->kinds[a->nfiles++] = k;
}

static void
hook_args_option(int c, struct hook_args *a)
{
	switch (c) {
	case OPT_CERT:
		hook_args_file(a, optarg, CREDFILE_CERT);
		break;
	case OPT_KEY:
		hook_args_file(a, optarg, CREDFILE_KEY);
		break;
	case OPT_PUBKEY:
		hook_args_file(a, optarg, CREDFILE_PUBKEY);
		break;
	case OPT_HOST:
		if (a->nhosts == HOOK_MAX_ITEMS)
			cli_usage_error("too many --host");
		a->hosts[a->nhosts++] = cli_domain(optarg);
		break;
	case OPT_PORT:
		if (a->nports == HOOK_MAX_ITEMS)
			cli_usage_error("too many --port");
		a->ports[a->nports++] = (int)cli_number("--port", optarg, 1,
		    65535);
		break;
	case OPT_USAGE:
		a->usage = (int)cli_number("--usage", optarg, 2, 3);
		break;
	case OPT_SELECTOR:
		a->selector = (int)cli_number("--selector", optarg, 0, 1);
		break;
	case OPT_MTYPE:
		a->mtype = (int)cli_number("--mtype", optarg, 0, 2);
		break;
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
	a->usage = 3;
	a->selector = 1;
	a->mtype = 1;
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
	if (a->nports == 0)
		a->ports[a->nports++] = 25;
	if (for_file) {
		if (strcmp(a->client, "certbot") != 0 &&
		    strcmp(a->client, "dehydrated") != 0 &&
		    strcmp(a->client, "acme.sh") != 0)
			cli_usage_error("hook-file writes hooks for certbot, "
			    "dehydrated or acme.sh, not %s", a->client);
		if (strcmp(a->client, "acme.sh") == 0 && a->nfiles == 0)
			cli_usage_error("hook-file acme.sh wants --cert FILE, "
			    "the fullchain acme.sh renews");
		return;
	}
	if (a->nfiles == 0)
		cli_usage_error("hook wants the renewed --cert FILE (or --key "
		    "FILE)");
	cli_check_probe_options(opts);
}

void
hook_args_free(struct hook_args *a)
{
	size_t	i;

	for (i = 0; i < a->nhosts; i++)
		free(a->hosts[i]);
	free(a->domain);
	free(a->zone);
}
