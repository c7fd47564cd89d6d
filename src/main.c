/*
 * mxanchor: a rollout wizard for DNSSEC, DANE, MTA-STS and TLS-RPT.
 *
 * main() parses the global options, then either opens the wizard or runs
 * a command without a terminal.  Usage errors exit with 2, before any
 * network work starts.
 */
#include <ctype.h>
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

static int	cmd_help(struct cli_options *, int, char **);
static void	cli_check_ssh_options(const struct cli_options *);

/* Every command; the wizard is what runs when none is named. */
static const struct command commands[] = {
	{ "check", "check DOMAIN [--json]",
	    "run every step's probes and print the verdicts", cmd_check },
	{ "help", "help", "this text", cmd_help },
	{ "lint", "lint postconf FILE [--root DIR] [--json]",
	    "check saved postconf -n output offline", cmd_lint },
};
#define NCOMMANDS	(sizeof commands / sizeof commands[0])

static const char options_text[] =
"global options (before or after the command):\n"
"  --resolver ADDR[@PORT]  validating resolver to query (default: system)\n"
"  --trust-anchor FILE     DNSSEC trust anchor, DS or DNSKEY records\n"
"                          (default: " PROBE_DEFAULT_TRUST_ANCHOR ")\n"
"  --ca-file FILE          CA certificates for HTTPS and SMTP (default:\n"
"                          the system store)\n"
"  --state FILE            state database (default:\n"
"                          $XDG_STATE_HOME/mxanchor/state.db)\n"
"  --no-state              do not record results in the state\n"
"  --read-only             never write the state\n"
"  --timeout SECONDS       bound on each network wait (default: 10)\n"
"  --ssh USER@HOST[:PORT]  read the MTA's Postfix configuration over SSH\n"
"                          (read-only) for the mta step\n"
"  --ssh-key FILE          SSH private key (default: ssh-agent)\n"
"  --known-hosts FILE      OpenSSH known_hosts (default:\n"
"                          ~/.ssh/known_hosts)\n"
"  --trust-host-key SHA256:...  accept and record this host key, after\n"
"                          checking it with the host's administrator\n"
"  --submission            also probe ports 465 and 587\n"
"  --json                  print JSON\n"
"  -v, --log FILE          write a developer log to FILE\n"
"  --now TIME              pretend the time is TIME (for tests)\n"
"  -h, --help              this text\n"
"  -V, --version           print the version\n"
"\n"
"Exit status: 0 when nothing failed, 1 when a step failed, 2 on usage\n"
"or internal errors.\n";

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
	OPT_SSH,
	OPT_SSH_KEY,
	OPT_KNOWN_HOSTS,
	OPT_TRUST_HOST_KEY,
	OPT_SUBMISSION,
};

static const struct option global_options[] = {
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
	{ "ssh",		required_argument,	NULL, OPT_SSH },
	{ "ssh-key",		required_argument,	NULL, OPT_SSH_KEY },
	{ "known-hosts",	required_argument,	NULL, OPT_KNOWN_HOSTS },
	{ "trust-host-key",	required_argument,	NULL,
	    OPT_TRUST_HOST_KEY },
	{ "submission",		no_argument,		NULL, OPT_SUBMISSION },
};
#define NGLOBAL	(sizeof global_options / sizeof global_options[0])

static void
usage(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: mxanchor [options] [DOMAIN]\n"
	    "           open the wizard\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "       mxanchor [options] %s\n           %s\n",
		    commands[i].usage, commands[i].summary);
	fprintf(f, "\n%s", options_text);
}

static int
cmd_help(struct cli_options *opts, int argc, char **argv)
{
	usage(stdout);
	return EXIT_CLEAN;
}

void
cli_usage_error(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "mxanchor: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'mxanchor --help'.\n");
	exit(EXIT_USAGE);
}

char *
cli_domain(const char *arg)
{
	char	*d = xstrdup(arg), *p;
	size_t	 len = strlen(d);

	if (len > 0 && d[len - 1] == '.')
		d[--len] = '\0';
	for (p = d; *p != '\0'; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' &&
		    *p != '_')
			cli_usage_error("not a domain name: %s", arg);
	}
	if (len == 0 || len > 253 || d[0] == '.' || strstr(d, "..") != NULL)
		cli_usage_error("not a domain name: %s", arg);
	return d;
}

void
cli_check_probe_options(const struct cli_options *opts)
{
	ldns_resolver	*res;
	ldns_rr_list	*anchors;
	char		*cause = NULL;

	if ((res = dns_resolver_new(&opts->probe, &cause)) == NULL)
		cli_usage_error("%s", cause);
	ldns_resolver_deep_free(res);

	if (opts->probe.trust_anchor != NULL) {
		anchors = dns_trust_anchor_load(opts->probe.trust_anchor,
		    &cause);
		if (anchors == NULL)
			cli_usage_error("%s", cause);
		ldns_rr_list_deep_free(anchors);
	}
	if (opts->probe.ca_file != NULL &&
	    access(opts->probe.ca_file, R_OK) != 0)
		cli_usage_error("cannot read CA file %s", opts->probe.ca_file);
	cli_check_ssh_options(opts);
}

/* --ssh-key and friends make sense only with --ssh, and files must be there. */
static void
cli_check_ssh_options(const struct cli_options *opts)
{
	const struct ssh_target	*t = &opts->ssh;

	if (opts->probe.ssh == NULL) {
		if (t->key_file != NULL || t->known_hosts != NULL ||
		    opts->trust_host_key != NULL)
			cli_usage_error("--ssh-key, --known-hosts and "
			    "--trust-host-key go with --ssh USER@HOST");
		return;
	}
	if (t->key_file != NULL && access(t->key_file, R_OK) != 0)
		cli_usage_error("cannot read SSH key %s", t->key_file);
	if (t->known_hosts != NULL && access(t->known_hosts, R_OK) != 0)
		cli_usage_error("cannot read known hosts file %s",
		    t->known_hosts);
}

/* "SHA256:" and 43 characters of unpadded base64, as OpenSSH prints. */
static int
cli_fingerprint_ok(const char *fp)
{
	size_t	i;

	if (strncmp(fp, "SHA256:", 7) != 0 || strlen(fp + 7) != 43)
		return 0;
	for (i = 7; fp[i] != '\0'; i++)
		if (!isalnum((unsigned char)fp[i]) && fp[i] != '+' &&
		    fp[i] != '/')
			return 0;
	return 1;
}

void
cli_ssh_trusted(struct cli_options *opts, struct state *st)
{
	char	*fp = NULL, *cause = NULL;

	if (opts->probe.ssh == NULL)
		return;
	if (opts->trust_host_key != NULL) {
		opts->ssh.trusted = opts->trust_host_key;
		return;
	}
	if (st == NULL)
		return;
	if (state_hostkey_get(st, opts->ssh.host, opts->ssh.port, &fp,
	    &cause) < 0) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
		return;
	}
	/* Kept for the rest of the run, like the other option strings. */
	opts->ssh.trusted = fp;
}

char *
cli_state_path(const struct cli_options *opts)
{
	if (opts->state_path != NULL)
		return xstrdup(opts->state_path);
	return state_default_path();
}

static void
cli_ssh_option(struct cli_options *opts, const char *arg)
{
	char	*user, *host, *cause = NULL;
	int	 port;

	if (ssh_target_parse(arg, &user, &host, &port, &cause) != 0)
		cli_usage_error("%s", cause);
	free((char *)opts->ssh.user);
	free((char *)opts->ssh.host);
	opts->ssh.user = user;
	opts->ssh.host = host;
	opts->ssh.port = port;
	opts->probe.ssh = &opts->ssh;
}

/* Handles one global option; returns 0 when c was not one. */
static int
cli_global_option(int c, struct cli_options *opts)
{
	char	*end;
	long	 n;
	time_t	 t;

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
		if (*optarg == '\0' || *end != '\0' || n < 1 || n > 600)
			cli_usage_error("--timeout wants 1 to 600 seconds, "
			    "not %s", optarg);
		opts->probe.timeout_ms = (int)n * 1000;
		break;
	case OPT_READ_ONLY:
		opts->read_only = 1;
		break;
	case OPT_JSON:
		opts->json = 1;
		break;
	case 'v':
		if (log_open(optarg) != 0)
			cli_usage_error("cannot open log file %s", optarg);
		break;
	case OPT_NOW:
		if (clock_parse(optarg, &t) != 0)
			cli_usage_error("--now wants seconds or "
			    "YYYY-MM-DDTHH:MM:SS, not %s", optarg);
		clock_set(t);
		break;
	case OPT_SSH:
		cli_ssh_option(opts, optarg);
		break;
	case OPT_SSH_KEY:
		opts->ssh.key_file = optarg;
		break;
	case OPT_KNOWN_HOSTS:
		opts->ssh.known_hosts = optarg;
		break;
	case OPT_TRUST_HOST_KEY:
		if (!cli_fingerprint_ok(optarg))
			cli_usage_error("--trust-host-key wants a fingerprint "
			    "as ssh-keygen -lf prints it (SHA256:...), not "
			    "%s", optarg);
		opts->trust_host_key = optarg;
		break;
	case OPT_SUBMISSION:
		opts->probe.submission = 1;
		break;
	case 'h':
		usage(stdout);
		exit(EXIT_CLEAN);
	case 'V':
		printf("mxanchor %s\n", MXANCHOR_VERSION);
		exit(EXIT_CLEAN);
	default:
		return 0;
	}
	return 1;
}

int
cli_getopt(int argc, char **argv, const struct option *cmd_options,
    struct cli_options *opts)
{
	struct option	all[NGLOBAL + 32];
	size_t		n = 0;
	int		c;

	memcpy(all, global_options, sizeof global_options);
	n = NGLOBAL;
	while (cmd_options != NULL && cmd_options[n - NGLOBAL].name != NULL &&
	    n < NGLOBAL + 31) {
		all[n] = cmd_options[n - NGLOBAL];
		n++;
	}
	memset(&all[n], 0, sizeof all[n]);

	/* "-" keeps non-options in place and returns them as code 1. */
	while ((c = getopt_long(argc, argv, "-hVv:", all, NULL)) != -1) {
		if (c == '?' || c == ':') {
			fprintf(stderr, "Try 'mxanchor --help'.\n");
			exit(EXIT_USAGE);
		}
		if (!cli_global_option(c, opts))
			return c;
	}
	return -1;
}

/* A host key confirmed earlier, from the state, for the wizard's checks. */
static void
cli_wizard_trusted(struct cli_options *opts)
{
	struct state	*st;
	char		*path, *cause = NULL;

	if (opts->probe.ssh == NULL || opts->no_state)
		return;
	path = cli_state_path(opts);
	if (path != NULL && (st = state_open(path, STATE_READ_ONLY,
	    &cause)) != NULL) {
		cli_ssh_trusted(opts, st);
		state_close(st);
	} else {
		cli_ssh_trusted(opts, NULL);
		free(cause);
	}
	free(path);
}

static int
run_wizard(struct cli_options *opts, char *domain)
{
	struct tui_options	 topts;
	char			*path, *cause = NULL;
	int			 rc;

	cli_wizard_trusted(opts);
	memset(&topts, 0, sizeof topts);
	topts.probe = opts->probe;
	topts.read_only = opts->read_only;
	topts.domain = domain;
	topts.state_path = path = cli_state_path(opts);

	rc = tui_run(&topts, &cause);
	if (rc != 0) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
	}
	free(path);
	return rc == 0 ? EXIT_CLEAN : EXIT_USAGE;
}

static const struct command *
command_find(const char *name)
{
	size_t	i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct command	*cmd = NULL;
	struct cli_options	 opts;
	const char		*env;
	char			*domain = NULL;
	int			 c, first, rc;

	memset(&opts, 0, sizeof opts);
	opts.probe.timeout_ms = PROBE_DEFAULT_TIMEOUT_MS;
	if ((env = getenv("MXANCHOR_LOG")) != NULL && *env != '\0')
		log_open(env);

	/* Global options up to the first word: a command or a domain. */
	while ((c = cli_getopt(argc, argv, NULL, &opts)) == 1) {
		if (domain != NULL)
			cli_usage_error("the wizard takes at most one "
			    "DOMAIN, not also %s", optarg);
		if ((cmd = command_find(optarg)) != NULL)
			break;
		domain = cli_domain(optarg);
	}

	probe_global_init();
	if (cmd != NULL) {
		first = optind - 1;
		optind = 0;
		rc = cmd->run(&opts, argc - first, argv + first);
	} else {
		cli_check_probe_options(&opts);
		rc = run_wizard(&opts, domain);
	}
	probe_global_cleanup();

	free(domain);
	free((char *)opts.ssh.user);
	free((char *)opts.ssh.host);
	if (opts.ssh.trusted != opts.trust_host_key)
		free((char *)opts.ssh.trusted);
	log_close();
	return rc;
}
