/*
 * mxanchor tlsa: TLSA records from certificate, key or chain files, with
 * no network at all.
 *
 *   mxanchor tlsa --cert FILE | --key FILE | --pubkey FILE ...
 *       [--usage U --selector S --mtype M] [--host MX ...] [--port N ...]
 *       [--format zone|nsupdate|list] [--ttl SECONDS]
 *       [--server ADDR[@PORT]] [--zone ZONE] [--json]
 *       [--publish --tsig FILE [--wait SECONDS]]
 *
 * The files are read in the order given, as Postfix reads
 * smtpd_tls_chain_files (credfile.h), so several files may describe
 * several keys; each distinct key gives one record per host and port.
 * From a private key only the public key is used.
 *
 * With --publish the records are also added by RFC 2136 UPDATE (signed
 * with the TSIG key in FILE) to what each owner name has, and the command
 * waits until every authoritative server of the zone serves them: exit 0
 * when all do, 1 when one does not within --wait seconds (default 30).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "credfile.h"
#include "publish.h"
#include "tlsagen.h"
#include "xmalloc.h"

#define TLSA_WAIT_MS	30000	/* for every server to show a change */

enum {
	OPT_FORMAT = 512,
	OPT_TTL,
	OPT_SERVER,
	OPT_ZONE,
	OPT_PUBLISH,
	OPT_TSIG,
	OPT_WAIT,
};

static const struct option tlsa_options[] = {
	CLI_TLSA_OPTIONS,
	CLI_TLSA_PORT_OPTION,
	{ "format",	required_argument,	NULL, OPT_FORMAT },
	{ "ttl",	required_argument,	NULL, OPT_TTL },
	{ "server",	required_argument,	NULL, OPT_SERVER },
	{ "zone",	required_argument,	NULL, OPT_ZONE },
	{ "publish",	no_argument,		NULL, OPT_PUBLISH },
	{ "tsig",	required_argument,	NULL, OPT_TSIG },
	{ "wait",	required_argument,	NULL, OPT_WAIT },
	{ NULL,		0,			NULL, 0 },
};

struct tlsa_args {
	struct cli_tlsa_in	 in;
	const char		*format;
	long			 ttl;
	const char		*server;
	const char		*zone;
	int			 publish;
	const char		*tsig;
	int			 wait_ms;
};

static void
tlsa_parse(struct cli_options *opts, int argc, char **argv,
    struct tlsa_args *a)
{
	int	c;

	memset(a, 0, sizeof *a);
	cli_tlsa_init(&a->in, 0, 0);
	a->format = "zone";
	a->ttl = -1;
	a->wait_ms = TLSA_WAIT_MS;
	while ((c = cli_getopt(argc, argv, tlsa_options, opts)) != -1) {
		if (cli_tlsa_option(c, optarg, &a->in))
			continue;
		switch (c) {
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
		case OPT_PUBLISH:
			a->publish = 1;
			break;
		case OPT_TSIG:
			a->tsig = optarg;
			break;
		case OPT_WAIT:
			a->wait_ms = (int)cli_number("--wait", optarg, 0,
			    3600) * 1000;
			break;
		default:
			cli_usage_error("tlsa takes no argument %s", optarg);
		}
	}

	if (a->in.nfiles == 0)
		cli_usage_error("tlsa wants --cert, --key or --pubkey FILE");
	if (strcmp(a->format, "zone") != 0 &&
	    strcmp(a->format, "nsupdate") != 0 &&
	    strcmp(a->format, "list") != 0)
		cli_usage_error("--format is zone, nsupdate or list, not %s",
		    a->format);
	if (a->in.nports == 0)
		a->in.ports[a->in.nports++] = 25;
	if (a->publish && a->tsig == NULL)
		cli_usage_error("--publish wants --tsig FILE (the key for "
		    "RFC 2136 updates)");
	if (a->publish)
		cli_check_probe_options(opts);
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

/* The records of set at one owner, as records to publish. */
static size_t
tlsa_records_at(const struct tlsagen_set *set, const char *owner,
    struct tlsa_record *out)
{
	char	*o, *s;
	size_t	 i, n = 0;

	for (i = 0; i < set->n; i++) {
		o = tlsagen_owner(set->v[i].host, set->v[i].port);
		if (strcmp(o, owner) == 0) {
			s = xprintf("%u %u %u %s", set->v[i].usage,
			    set->v[i].selector, set->v[i].mtype,
			    set->v[i].hex);
			if (publish_record_parse(s, &out[n]) == 0)
				n++;
			free(s);
		}
		free(o);
	}
	return n;
}

/* Adds one owner's records, then waits until every server shows them. */
static int
tlsa_publish_owner(const struct cli_options *opts,
    const struct tlsa_args *a, const struct tlsagen_set *set,
    const char *owner)
{
	struct publish_check	 check;
	struct publisher	*p;
	struct tlsa_record	*recs;
	char			*cause = NULL;
	size_t			 n, i;
	int			 rc = EXIT_USAGE, sent;

	recs = xcalloc(set->n, sizeof *recs);
	n = tlsa_records_at(set, owner, recs);
	memset(&check, 0, sizeof check);
	if ((p = cli_publish_open(opts, a->tsig, a->zone, owner, a->server,
	    &cause)) == NULL)
		goto out;
	if ((sent = publish_add(p, owner, a->ttl < 0 ? 0 : (uint32_t)a->ttl,
	    recs, n, &cause)) < 0)
		goto out;
	fprintf(stderr, "%s: %s\n", owner, sent ? "update accepted" :
	    "already published, nothing to send");
	switch (publish_wait(p, owner, recs, n, NULL, 0, a->wait_ms, &check,
	    &cause)) {
	case 0:
		rc = EXIT_CLEAN;
		break;
	case 1:
		rc = EXIT_FAILED;
		break;
	default:
		goto out;
	}
	cli_publish_report(stderr, owner, &check);

out:
	if (cause != NULL) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
	}
	publish_check_free(&check);
	publish_free(p);
	for (i = 0; i < n; i++)
		tlsa_record_free(&recs[i]);
	free(recs);
	return rc;
}

/* --publish: every owner name of the set, in turn. */
static int
tlsa_publish(const struct cli_options *opts, const struct tlsa_args *a,
    const struct tlsagen_set *set)
{
	char	*owner, *done = xstrdup(" "), *key, *more;
	size_t	 i;
	int	 rc = EXIT_CLEAN, one;

	for (i = 0; i < set->n; i++) {
		owner = tlsagen_owner(set->v[i].host, set->v[i].port);
		key = xprintf(" %s ", owner);
		if (strstr(done, key) == NULL) {
			one = tlsa_publish_owner(opts, a, set, owner);
			if (one > rc)
				rc = one;
			more = xprintf("%s%s ", done, owner);
			free(done);
			done = more;
		}
		free(key);
		free(owner);
	}
	free(done);
	return rc;
}

int
cmd_tlsa(struct cli_options *opts, int argc, char **argv)
{
	struct tlsagen_set	 set;
	struct tlsa_args	 a;
	char			*cause = NULL;
	int			 rc = EXIT_USAGE;

	tlsa_parse(opts, argc, argv, &a);
	memset(&set, 0, sizeof set);
	if (cli_tlsa_records(&a.in, &set, &cause) != 0)
		goto out;
	tlsa_print(opts, &a, &set);
	rc = a.publish ? tlsa_publish(opts, &a, &set) : EXIT_CLEAN;

out:
	if (cause != NULL) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
	}
	tlsagen_set_free(&set);
	cli_tlsa_free(&a.in);
	free((char *)a.zone);
	return rc;
}
