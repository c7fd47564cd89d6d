/*
 * The options that say which keys to make TLSA records of, shared by
 * tlsa, hook, hook-file and rollover (cli.h).
 */
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tlsagen.h"
#include "xmalloc.h"

void
cli_tlsa_init(struct cli_tlsa_in *in, int min_usage, int min_mtype)
{
	memset(in, 0, sizeof *in);
	in->usage = 3;
	in->selector = 1;
	in->mtype = 1;
	in->min_usage = min_usage;
	in->min_mtype = min_mtype;
}

static void
cli_tlsa_file(struct cli_tlsa_in *in, const char *path,
    enum credfile_kind kind)
{
	if (in->nfiles == CLI_TLSA_MAX)
		cli_usage_error("at most %d files", CLI_TLSA_MAX);
	in->files[in->nfiles] = path;
	in->kinds[in->nfiles++] = kind;
}

int
cli_tlsa_option(int c, const char *arg, struct cli_tlsa_in *in)
{
	switch (c) {
	case OPT_TLSA_CERT:
		cli_tlsa_file(in, arg, CREDFILE_CERT);
		return 1;
	case OPT_TLSA_KEY:
		cli_tlsa_file(in, arg, CREDFILE_KEY);
		return 1;
	case OPT_TLSA_PUBKEY:
		cli_tlsa_file(in, arg, CREDFILE_PUBKEY);
		return 1;
	case OPT_TLSA_HOST:
		if (in->nhosts == CLI_TLSA_MAX)
			cli_usage_error("too many --host");
		in->hosts[in->nhosts++] = cli_domain(arg);
		return 1;
	case OPT_TLSA_PORT:
		if (in->nports == CLI_TLSA_MAX)
			cli_usage_error("too many --port");
		in->ports[in->nports++] = (int)cli_number("--port", arg, 1,
		    65535);
		return 1;
	case OPT_TLSA_USAGE:
		in->usage = (int)cli_number("--usage", arg, in->min_usage, 3);
		return 1;
	case OPT_TLSA_SELECTOR:
		in->selector = (int)cli_number("--selector", arg, 0, 1);
		return 1;
	case OPT_TLSA_MTYPE:
		in->mtype = (int)cli_number("--mtype", arg, in->min_mtype, 2);
		return 1;
	}
	return 0;
}

int
cli_tlsa_records(const struct cli_tlsa_in *in, struct tlsagen_set *set,
    char **cause)
{
	struct credfile_set	 creds;
	char			**names = NULL;
	size_t			 nnames = 0, i;
	int			 rc = -1;

	memset(&creds, 0, sizeof creds);
	for (i = 0; i < in->nfiles; i++)
		if (credfile_load(&creds, in->files[i], in->kinds[i],
		    cause) != 0)
			goto out;

	/* Without --host, the names the certificate is for. */
	if (in->nhosts == 0 &&
	    (names = tlsagen_cert_hosts(&creds, &nnames), nnames == 0)) {
		*cause = xstrdup("no --host given and no host name in a "
		    "certificate: name the MX host with --host");
		goto out;
	}
	rc = tlsagen_add(set, &creds, in->nhosts > 0 ?
	    (const char *const *)in->hosts : (const char *const *)names,
	    in->nhosts > 0 ? in->nhosts : nnames, in->ports, in->nports,
	    (uint8_t)in->usage, (uint8_t)in->selector, (uint8_t)in->mtype,
	    cause);

out:
	tlsagen_strv_free(names, nnames);
	credfile_set_free(&creds);
	return rc;
}

void
cli_tlsa_free(struct cli_tlsa_in *in)
{
	size_t	i;

	for (i = 0; i < in->nhosts; i++)
		free(in->hosts[i]);
	in->nhosts = 0;
}
