/*
 * mxanchor: a rollout wizard for DNSSEC, DANE, MTA-STS and TLS-RPT.
 *
 * main() parses the global options, then either opens the wizard or runs
 * a command without a terminal.  Usage errors exit with 2, before any
 * network work starts.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#include "cli.h"
#include "clock.h"
#include "dns.h"
#include "log.h"
#include "state.h"
#include "tui.h"
#include "xmalloc.h"

static const char usage_text[] =
"usage: mxanchor [options] [DOMAIN]          open the wizard\n"
"       mxanchor [options] check DOMAIN [--json]\n"
"\n"
"options:\n"
"  --resolver ADDR[@PORT]  validating resolver to query (default: system)\n"
"  --trust-anchor FILE     DNSSEC trust anchor, DS or DNSKEY records\n"
"                          (default: " PROBE_DEFAULT_TRUST_ANCHOR ")\n"
"  --ca-file FILE          CA certificates for HTTPS and SMTP (default:\n"
"                          the system store)\n"
"  --state FILE            state database (default:\n"
"                          $XDG_STATE_HOME/mxanchor/state.db)\n"
"  --no-state              check: do not record the results\n"
"  --timeout SECONDS       bound on each network wait (default: 10)\n"
"  --read-only             wizard: never write the state\n"
"  --json                  check: print JSON\n"
"  -v, --log FILE          write a developer log to FILE\n"
"  --now TIME              pretend the time is TIME (for tests)\n"
"  -h, --help              this text\n"
"  -V, --version           print the version\n"
"\n"
"check exits 0 when no step fails, 1 when one does, 2 on usage or\n"
"internal errors.\n";

enum {
	OPT_RESOLVER = 256,
	OPT_TRUST_ANCHOR,
	OPT_CA_FILE,
	OPT_STATE,
	OPT_NO_STATE,
	OPT_TIMEOUT,
	OPT_READ_ONLY,
	OPT_JSON,
	OPT_NOW,
};

static const struct option long_options[] = {
	{ "resolver",		required_argument,	NULL, OPT_RESOLVER },
	{ "trust-anchor",	required_argument,	NULL, OPT_TRUST_ANCHOR },
	{ "ca-file",		required_argument,	NULL, OPT_CA_FILE },
	{ "state",		required_argument,	NULL, OPT_STATE },
	{ "no-state",		no_argument,		NULL, OPT_NO_STATE },
	{ "timeout",		required_argument,	NULL, OPT_TIMEOUT },
	{ "read-only",		no_argument,		NULL, OPT_READ_ONLY },
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "log",		required_argument,	NULL, 'v' },
	{ "now",		required_argument,	NULL, OPT_NOW },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 },
};

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "mxanchor: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'mxanchor --help'.\n");
	exit(EXIT_USAGE);
}

/* Lower-case, no trailing dot, LDH labels: what every step expects. */
static char *
domain_normalise(const char *arg)
{
	char	*d = xstrdup(arg), *p;
	size_t	 len = strlen(d);

	if (len > 0 && d[len - 1] == '.')
		d[--len] = '\0';
	for (p = d; *p != '\0'; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' &&
		    *p != '_')
			usage_error("not a domain name: %s", arg);
	}
	if (len == 0 || len > 253 || d[0] == '.' || strstr(d, "..") != NULL)
		usage_error("not a domain name: %s", arg);
	return d;
}

/* Fails early on options that would only fail later, inside probes. */
static void
options_check(const struct cli_options *opts)
{
	ldns_resolver	*res;
	ldns_rr_list	*anchors;
	char		*cause = NULL;

	if ((res = dns_resolver_new(&opts->probe, &cause)) == NULL)
		usage_error("%s", cause);
	ldns_resolver_deep_free(res);

	if (opts->probe.trust_anchor != NULL) {
		anchors = dns_trust_anchor_load(opts->probe.trust_anchor,
		    &cause);
		if (anchors == NULL)
			usage_error("%s", cause);
		ldns_rr_list_deep_free(anchors);
	}
	if (opts->probe.ca_file != NULL &&
	    access(opts->probe.ca_file, R_OK) != 0)
		usage_error("cannot read CA file %s", opts->probe.ca_file);
}

static void
options_parse(int argc, char **argv, struct cli_options *opts,
    int *read_only)
{
	char	*end;
	long	 n;
	time_t	 t;
	int	 c;

	while ((c = getopt_long(argc, argv, "hVv:", long_options,
	    NULL)) != -1) {
		switch (c) {
		case OPT_RESOLVER:
			opts->probe.resolver = optarg;
			break;
		case OPT_TRUST_ANCHOR:
			opts->probe.trust_anchor = optarg;
			break;
		case OPT_CA_FILE:
			opts->probe.ca_file = optarg;
			break;
		case OPT_STATE:
			opts->state_path = optarg;
			break;
		case OPT_NO_STATE:
			opts->no_state = 1;
			break;
		case OPT_TIMEOUT:
			n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || n < 1 ||
			    n > 600)
				usage_error("--timeout wants 1 to 600 "
				    "seconds, not %s", optarg);
			opts->probe.timeout_ms = (int)n * 1000;
			break;
		case OPT_READ_ONLY:
			*read_only = 1;
			break;
		case OPT_JSON:
			opts->json = 1;
			break;
		case 'v':
			if (log_open(optarg) != 0)
				usage_error("cannot open log file %s", optarg);
			break;
		case OPT_NOW:
			if (clock_parse(optarg, &t) != 0)
				usage_error("--now wants seconds or "
				    "YYYY-MM-DDTHH:MM:SS, not %s", optarg);
			clock_set(t);
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(EXIT_CLEAN);
		case 'V':
			printf("mxanchor %s\n", MXANCHOR_VERSION);
			exit(EXIT_CLEAN);
		default:
			fprintf(stderr, "Try 'mxanchor --help'.\n");
			exit(EXIT_USAGE);
		}
	}
}

static int
run_wizard(const struct cli_options *opts, int read_only, char *domain)
{
	struct tui_options	 topts;
	char			*path = NULL, *cause = NULL;
	int			 rc;

	memset(&topts, 0, sizeof topts);
	topts.probe = opts->probe;
	topts.read_only = read_only;
	topts.domain = domain;
	if (opts->state_path != NULL)
		topts.state_path = opts->state_path;
	else
		topts.state_path = path = state_default_path();

	rc = tui_run(&topts, &cause);
	if (rc != 0) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
	}
	free(path);
	return rc == 0 ? EXIT_CLEAN : EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	struct cli_options	 opts;
	const char		*env;
	char			*domain = NULL;
	int			 read_only = 0, rc;

	memset(&opts, 0, sizeof opts);
	opts.probe.timeout_ms = PROBE_DEFAULT_TIMEOUT_MS;
	if ((env = getenv("MXANCHOR_LOG")) != NULL && *env != '\0')
		log_open(env);
	options_parse(argc, argv, &opts, &read_only);

	if (optind < argc && strcmp(argv[optind], "check") == 0) {
		if (argc - optind != 2)
			usage_error("%s", "check wants exactly one DOMAIN");
		domain = domain_normalise(argv[optind + 1]);
	} else if (argc - optind > 1)
		usage_error("%s", "the wizard takes at most one DOMAIN");
	else if (optind < argc)
		domain = domain_normalise(argv[optind]);
	options_check(&opts);

	probe_global_init();
	if (optind < argc && strcmp(argv[optind], "check") == 0)
		rc = cli_check(&opts, domain);
	else
		rc = run_wizard(&opts, read_only, domain);
	probe_global_cleanup();

	free(domain);
	log_close();
	return rc;
}
