/*
 * mxanchor tlsa: TLSA records from certificate, key or chain files, with
 * no network at all.
 *
 *   mxanchor tlsa --cert FILE | --key FILE | --pubkey FILE ...
 *       [--usage U --selector S --mtype M] [--host MX ...] [--port N ...]
 *       [--format zone|nsupdate|list] [--ttl SECONDS]
 *       [--server ADDR[@PORT]] [--zone ZONE] [--json]
 *
 * The files are read in the order given, as Postfix reads
 * smtpd_tls_chain_files (credfile.h), so several files may describe
 * several keys; each distinct key gives one record per host and port.
 * From a private key only the public key is used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "credfile.h"
#include "tlsagen.h"
#include "xmalloc.h"

#define TLSA_MAX_ITEMS	64

enum {
	OPT_CERT = 512,
	OPT_KEY,
	OPT_PUBKEY,
	OPT_USAGE,
	OPT_SELECTOR,
	OPT_MTYPE,
	OPT_HOST,
	OPT_PORT,
	OPT_FORMAT,
	OPT_TTL,
	OPT_SERVER,
	OPT_ZONE,
};

static const struct option tlsa_options[] = {
	{ "cert",	required_argument,	NULL, OPT_CERT },
	{ "key",	required_argument,	NULL, OPT_KEY },
	{ "pubkey",	required_argument,	NULL, OPT_PUBKEY },
	{ "usage",	required_argument,	NULL, OPT_USAGE },
	{ "selector",	required_argument,	NULL, OPT_SELECTOR },
	{ "mtype",	required_argument,	NULL, OPT_MTYPE },
	{ "host",	required_argument,	NULL, OPT_HOST },
	{ "port",	required_argument,	NULL, OPT_PORT },
	{ "format",	required_argument,	NULL, OPT_FORMAT },
	{ "ttl",	required_argument,	NULL, OPT_TTL },
	{ "server",	required_argument,	NULL, OPT_SERVER },
	{ "zone",	required_argument,	NULL, OPT_ZONE },
	{ NULL,		0,			NULL, 0 },
};

struct tlsa_file {
	const char		*path;
	enum credfile_kind	 kind;
};

struct tlsa_args {
	struct tlsa_file	 files[TLSA_MAX_ITEMS];
	size_t			 nfiles;
	const char		*hosts[TLSA_MAX_ITEMS];
	size_t			 nhosts;
	int			 ports[TLSA_MAX_ITEMS];
	size_t			 nports;
	int			 usage, selector, mtype;
	const char		*format;
	long			 ttl;
	const char		*server;
	const char		*zone;
};

static void
tlsa_add_file(struct tlsa_args *a, const char *path, enum credfile_kind k)
{
	if (a->nfiles == TLSA_MAX_ITEMS)
		cli_usage_error("tlsa takes at most %d files", TLSA_MAX_ITEMS);
	a->files[a->nfiles].path = path;
	a->files[a->nfiles++].kind = k;
}

static void
tlsa_parse(struct cli_options *opts, int argc, char **argv,
    struct tlsa_args *a)
{
	int	c;

	memset(a, 0, sizeof *a);
	a->usage = 3;
	a->selector = 1;
	a->mtype = 1;
	a->format = "zone";
	a->ttl = -1;
	while ((c = cli_getopt(argc, argv, tlsa_options, opts)) != -1) {
		switch (c) {
		case OPT_CERT:
			tlsa_add_file(a, optarg, CREDFILE_CERT);
			break;
		case OPT_KEY:
			tlsa_add_file(a, optarg, CREDFILE_KEY);
			break;
		case OPT_PUBKEY:
			tlsa_add_file(a, optarg, CREDFILE_PUBKEY);
			break;
		case OPT_USAGE:
			a->usage = (int)cli_number("--usage", optarg, 0, 3);
			break;
		case OPT_SELECTOR:
			a->selector = (int)cli_number("--selector", optarg, 0,
			    1);
			break;
		case OPT_MTYPE:
			a->mtype = (int)cli_number("--mtype", optarg, 0, 2);
			break;
		case OPT_HOST:
			if (a->nhosts == TLSA_MAX_ITEMS)
				cli_usage_error("too many --host");
			a->hosts[a->nhosts++] = cli_domain(optarg);
			break;
		case OPT_PORT:
			if (a->nports == TLSA_MAX_ITEMS)
				cli_usage_error("too many --port");
			a->ports[a->nports++] = (int)cli_number("--port",
			    optarg, 1, 65535);
			break;
		case OPT_FORMAT:
			a->format = optarg;
			break;
		case OPT_TTL:
			a->ttl = cli_number("--ttl", optarg, 0, 2147483647);
			break;
		case OPT_SERVER:
			a->server = optarg;
			break;
		case OPT_ZONE:
			a->zone = cli_domain(optarg);
			break;
		default:
			cli_usage_error("tlsa takes no argument %s", optarg);
		}
	}

	if (a->nfiles == 0)
		cli_usage_error("tlsa wants --cert, --key or --pubkey FILE");
	if (strcmp(a->format, "zone") != 0 &&
	    strcmp(a->format, "nsupdate") != 0 &&
	    strcmp(a->format, "list") != 0)
		cli_usage_error("--format is zone, nsupdate or list, not %s",
		    a->format);
	if (a->nports == 0)
		a->ports[a->nports++] = 25;
}

static json_t *
tlsa_to_json(const struct tlsagen_set *set)
{
	const struct tlsagen_rr	*r;
	json_t			*arr = json_array();
	char			*owner;
	size_t			 i;

	for (i = 0; i < set->n; i++) {
		r = &set->v[i];
		owner = tlsagen_owner(r->host, r->port);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:i, s:i, "
		    "s:i, s:i, s:s, s:s, s:s}", "name", owner, "host", r->host,
		    "port", r->port, "usage", r->usage, "selector",
		    r->selector, "mtype", r->mtype, "data", r->hex,
		    "algorithm", r->algorithm, "source", r->source));
		free(owner);
	}
	return arr;
}

static void
tlsa_print(const struct cli_options *opts, const struct tlsa_args *a,
    const struct tlsagen_set *set)
{
	json_t	*j;
	char	*text;

	if (opts->json) {
		j = tlsa_to_json(set);
		json_dumpf(j, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(j);
		return;
	}
	if (strcmp(a->format, "nsupdate") == 0)
		text = tlsagen_nsupdate(set, a->ttl, a->server, a->zone);
	else if (strcmp(a->format, "list") == 0)
		text = tlsagen_list(set);
	else
		text = tlsagen_zone(set, a->ttl);
	fputs(text, stdout);
	free(text);
}

int
cmd_tlsa(struct cli_options *opts, int argc, char **argv)
{
	struct credfile_set	 creds;
	struct tlsagen_set	 set;
	struct tlsa_args	 a;
	char			**names = NULL, *cause = NULL;
	size_t			 nnames = 0, i;
	int			 rc = EXIT_USAGE;

	tlsa_parse(opts, argc, argv, &a);
	memset(&creds, 0, sizeof creds);
	memset(&set, 0, sizeof set);

	for (i = 0; i < a.nfiles; i++)
		if (credfile_load(&creds, a.files[i].path, a.files[i].kind,
		    &cause) != 0)
			goto out;

	if (a.nhosts == 0) {
		names = tlsagen_cert_hosts(&creds, &nnames);
		if (nnames == 0) {
			cause = xstrdup("no --host given and no host name in "
			    "a certificate: name the MX host with --host");
			goto out;
		}
	}
	if (tlsagen_add(&set, &creds, a.nhosts > 0 ? a.hosts :
	    (const char *const *)names, a.nhosts > 0 ? a.nhosts : nnames,
	    a.ports, a.nports, (uint8_t)a.usage, (uint8_t)a.selector,
	    (uint8_t)a.mtype, &cause) != 0)
		goto out;
	tlsa_print(opts, &a, &set);
	rc = EXIT_CLEAN;

out:
	if (cause != NULL) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
	}
	tlsagen_strv_free(names, nnames);
	tlsagen_set_free(&set);
	credfile_set_free(&creds);
	for (i = 0; i < a.nhosts; i++)
		free((char *)a.hosts[i]);
	free((char *)a.zone);
	return rc;
}
