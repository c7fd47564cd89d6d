/*
 * mxanchor: a rollout wizard for DNSSEC, DANE, MTA-STS and TLS-RPT.
 *
 * main() parses the global options, then either opens the wizard or runs
 * a command without a terminal.  Usage errors exit with 2, before any
 * network work starts.
 */
#include <sys/stat.h>

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
#include "domain.h"
#include "hook.h"
#include "log.h"
#include "state.h"
#include "tui.h"
#include "xmalloc.h"

static int	cmd_help(struct cli_options *, int, char **);
static void	cli_check_ssh_options(const struct cli_options *);

static const char check_help[] =
"Runs every step's probes against DOMAIN and prints the verdicts, the\n"
"findings and what to publish; the result is stored in the state.\n"
"\n"
"  --all                 check every domain in the state, concurrently\n"
"  --domains FILE        check the domains listed in FILE, one a line\n"
"                        ('#' starts a comment), concurrently\n"
"  --jobs N              domains checked at once (default 8, at most 256)\n"
"  --prometheus FILE     write node_exporter textfile metrics to FILE,\n"
"                        atomically (name it *.prom)\n"
"  --json                print JSON instead of text\n"
"\n"
"With --all or --domains, one line per domain in the order they finish,\n"
"then the totals.  Exit status: 0 when no step failed, 1 when one did, 2\n"
"when a domain could not be checked (no answer from the resolver) or on\n"
"a usage error.\n";

static const char report_help[] =
"Writes the rollout of DOMAIN as a document from the state (no network):\n"
"each step's status, findings with their RFC sections, what to publish,\n"
"the timeline of events and notes, and the TLS-RPT summary.\n"
"\n"
"  --format md|html      Markdown (default) or one self-contained HTML\n"
"                        page with inline SVG charts\n"
"  --output FILE         write to FILE atomically instead of stdout\n";

static const char inventory_help[] =
"Keeps the inventory the rollout starts from: which accounts (CA,\n"
"registrar, DNS and identity providers...) recover through which mailbox,\n"
"and whether the mailboxes that matter accept mail.  ACTION is one of:\n"
"\n"
"  show                  the recovery addresses and mailbox checks\n"
"                        (the default; --json for JSON)\n"
"  add-recovery ACCOUNT ADDRESS\n"
"                        an account that recovers through ADDRESS\n"
"  set-recovery ID       change what --account, --address, --kind,\n"
"                        --third-party, --not-controlled, --note say\n"
"  remove-recovery ID\n"
"  confirm ID            record that the migration of ID is confirmed\n"
"  check-mailboxes       ask the mail hosts of every recovery address,\n"
"                        postmaster@DOMAIN and the TLS-RPT rua mailboxes\n"
"                        whether they accept mail (RCPT TO; no message\n"
"                        is ever sent)\n"
"  note TEXT             add a note to the domain's timeline\n"
"\n"
"  --kind KIND           ca, registrar, dns, idp, hosting or other\n"
"  --third-party yes|no  the mailbox is on someone else's mail service\n"
"                        (guessed from the address when not given)\n"
"  --not-controlled yes|no\n"
"                        the address's domain is not the operator's\n"
"                        (guessed from the domains in the state)\n"
"  --note TEXT           a note on the recovery address\n"
"  --user NAME           who does it (default: $MXANCHOR_USER, $SUDO_USER\n"
"                        or the login name)\n"
"\n"
"Exit status of check-mailboxes: 0 when every mailbox accepts mail, 1\n"
"when one refuses, 2 when one could not be asked.\n";

static const char lint_help[] =
"Checks a record or a policy file before it is published, offline: the\n"
"findings with their RFC sections and whether each breaks a MUST, a\n"
"SHOULD or advice.  KIND is one of:\n"
"\n"
"  sts-txt RECORD        an _mta-sts TXT record (RFC 8461 §3.1)\n"
"  sts-policy FILE       an MTA-STS policy file (§3.2), - for stdin\n"
"  tlsrpt-txt RECORD     an _smtp._tls TXT record (RFC 8460 §3)\n"
"  postconf FILE         saved postconf -n output (or a main.cf): the mta\n"
"                        step's checks of the TLS and DANE settings\n"
"\n"
"  --mx HOST             sts-policy: an MX host the policy must cover\n"
"                        (repeat for each)\n"
"  --domain DOMAIN       sts-policy: the policy domain, for wildcards\n"
"  --root DIR            postconf: read the certificate files it names\n"
"                        below DIR (a copy of the host's files)\n"
"  --json                print JSON\n"
"\n"
"Exit status: 0 when no MUST is broken, 1 when one is, 2 on a usage\n"
"error.\n";

static const char reports_help[] =
"Imports TLS-RPT reports (RFC 8460) into the state, each once, and sums\n"
"them up by day.\n"
"\n"
"  import PATH...        .json and .json.gz files, folders, .eml files,\n"
"                        Maildirs and mbox files\n"
"  summary DOMAIN        sessions that succeeded and failed per day, by\n"
"                        policy type, result type, MX and sending IP\n"
"\n"
"  --imap URL            import: the messages of an IMAP mailbox\n"
"                        (imaps://HOST/MAILBOX)\n"
"  --imap-user NAME      import: the IMAP login\n"
"  --password-file FILE  import: the IMAP password, never on the command\n"
"                        line\n"
"  --days N              summary: how many days back (default 14)\n"
"  --json                print JSON\n";

static const char enforce_override_help[] =
"Opens the enforce gate against the evidence, for the reason given; the\n"
"override and its reason are kept in the state and shown by every check.\n"
"\n"
"  --reason TEXT         why the gate may open anyway\n"
"  --clear               withdraw the override\n";

static const char tlsa_help[] =
"TLSA records from certificate, key or chain files, with no network\n"
"unless --publish is given.  Files are read in order, as Postfix reads\n"
"smtpd_tls_chain_files; from a private key only the public key is used.\n"
"\n"
"  --cert FILE           a certificate or chain (PEM or DER)\n"
"  --key FILE            a private key (its public half is used)\n"
"  --pubkey FILE         a bare public key (PEM or DER)\n"
"  --usage U             2 or 3 (default 3)\n"
"  --selector S          0 (certificate) or 1 (public key; the default)\n"
"  --mtype M             0 (full), 1 (SHA-256; the default), 2 (SHA-512)\n"
"  --host MX             the MX host to name the records for (repeat)\n"
"  --port N              25 by default; 465 or 587 too (repeat)\n"
"  --format FORMAT       zone (default), nsupdate or list\n"
"  --ttl SECONDS         of the records (default 3600)\n"
"  --publish             add the records by RFC 2136 UPDATE\n"
"  --tsig FILE           the TSIG key for --publish (never stored)\n"
"  --server ADDR[@PORT]  the primary to send the update to\n"
"  --zone ZONE           the zone to update (default: found)\n"
"  --wait SECONDS        how long every server may take to show them\n"
"  --json                print JSON\n";

static const char rollover_help[] =
"TLSA key rollovers (RFC 7671 §8.1), kept in the state so that one can\n"
"span days.  ACTION is one of:\n"
"\n"
"  status                the plan, with the earliest safe time of each\n"
"                        action (the default)\n"
"  start                 plan the move to the next key\n"
"  run                   do every action that is due and safe now\n"
"  abort                 give the open rollovers up\n"
"\n"
"  --cert FILE           start: the next certificate (or --key, --pubkey)\n"
"  --key FILE            start: the next private key\n"
"  --pubkey FILE         start: the next public key\n"
"  --host MX             start: the MX host to roll (repeat)\n"
"  --usage U             start: of the records (default 3)\n"
"  --selector S          start: of the records (default 1)\n"
"  --mtype M             start: of the records (default 1)\n"
"  --current HEX         start: the record of the key served now\n"
"  --tsig FILE           run: publish and remove by RFC 2136 UPDATE\n"
"  --server ADDR[@PORT]  run: the primary to send updates to\n"
"  --zone ZONE           run: the zone to update\n"
"  --switch-cmd CMD      run: installs the next key on the server\n"
"  --wait                run: keep going until every rollover is done\n";

static const char hook_help[] =
"What an ACME client runs after a renewal: publishes the renewed key's\n"
"TLSA records, waits until every authoritative server serves them,\n"
"reloads Postfix, checks the served key, and records the run.\n"
"\n"
"  --cert FILE           the renewed certificate or chain (repeat)\n"
"  --key FILE            the renewed private key\n"
"  --pubkey FILE         a public key instead\n"
"  --host MX             the MX host (repeat; default: the domain's MX)\n"
"  --port N              25 by default (repeat)\n"
"  --usage U             of the records (default 3)\n"
"  --selector S          of the records (default 1)\n"
"  --mtype M             of the records (default 1)\n"
"  --tsig FILE           publish by RFC 2136 UPDATE with this TSIG key\n"
"  --server ADDR[@PORT]  the primary to send the update to\n"
"  --zone ZONE           the zone to update\n"
"  --postfix-config DIR  reload this Postfix after publishing\n"
"  --wait SECONDS        how long every server may take\n"
"\n"
"Exit status: 0 when the records are out there, 1 when not, 2 on a\n"
"usage error.\n";

static const char hook_file_help[] =
"Writes the script an ACME client runs after each renewal; it calls\n"
"mxanchor hook with the same options.  CLIENT is certbot, dehydrated or\n"
"acme.sh.\n"
"\n"
"  --out FILE            write the script to FILE (atomically, mode 0755)\n"
"  --lineage NAME        certbot: the lineage (default: DOMAIN)\n"
"  --certbot-dir DIR     certbot: its configuration folder\n"
"  --chain-hook PATH     dehydrated: the hook to pass other calls to\n"
"  --mxanchor PATH       the mxanchor the script runs\n"
"  --force               write it although the lineage renews its key\n"
"\n"
"and the options of hook (--cert, --key, --pubkey, --host, --port,\n"
"--usage, --selector, --mtype, --tsig, --server, --zone,\n"
"--postfix-config, --wait).\n";

static const char help_help[] =
"Prints the usage of every command, or of COMMAND.\n";

/* Every command; the wizard is what runs when none is named. */
static const struct command commands[] = {
	{ "check", "check DOMAIN|--all|--domains FILE [--jobs N] "
	    "[--prometheus FILE] [--json]",
	    "run every step's probes and print the verdicts", cmd_check,
	    check_help },
	{ "help", "help [COMMAND]", "this text, or a command's options",
	    cmd_help, help_help },
	{ "report", "report DOMAIN [--format md|html] [--output FILE]",
	    "the rollout as a document, from the state", cmd_report,
	    report_help },
	{ "inventory", "inventory DOMAIN [ACTION ...]",
	    "recovery addresses, mailbox checks and confirmations",
	    cmd_inventory, inventory_help },
	{ "lint", "lint sts-txt|sts-policy|tlsrpt-txt|postconf INPUT...",
	    "check a record or policy before publishing it", cmd_lint,
	    lint_help },
	{ "reports", "reports import PATH...|summary DOMAIN [--json]",
	    "import TLS-RPT reports (files, mail, IMAP); sum them up by day",
	    cmd_reports, reports_help },
	{ "enforce-override", "enforce-override DOMAIN --reason TEXT|--clear",
	    "open the enforce gate against the evidence, saying why",
	    cmd_enforce_override, enforce_override_help },
	{ "tlsa", "tlsa --cert|--key|--pubkey FILE... [--host MX]...",
	    "TLSA records from certificate, key or chain files", cmd_tlsa,
	    tlsa_help },
	{ "rollover", "rollover DOMAIN [status|start|run|abort]",
	    "roll TLSA over to a new key, step by step, at safe times",
	    cmd_rollover, rollover_help },
	{ "hook", "hook DOMAIN --cert FILE... [--tsig FILE]",
	    "after an ACME renewal: publish, verify, reload, record",
	    cmd_hook, hook_help },
	{ "hook-file", "hook-file certbot|dehydrated|acme.sh DOMAIN",
	    "write the renewal hook script for an ACME client",
	    cmd_hook_file, hook_file_help },
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
"  --timeout SECONDS       bound on each network wait (default: 10; an\n"
"                          SMTP greeting gets three times as long, as\n"
"                          postscreen delays it)\n"
"  --ssh USER@HOST[:PORT]  read the MTA's Postfix configuration over SSH\n"
"                          (read-only) for the mta step\n"
"  --ssh-key FILE          SSH private key (default: ssh-agent)\n"
"  --known-hosts FILE      OpenSSH known_hosts (default:\n"
"                          ~/.ssh/known_hosts)\n"
"  --trust-host-key SHA256:...  accept and record this host key, after\n"
"                          checking it with the host's administrator\n"
"  --submission            also probe ports 465 and 587\n"
"  --horizon DAYS          warn of DNSSEC signatures and certificates that\n"
"                          expire within DAYS (default 7 and 14)\n"
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
	OPT_HORIZON,
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
	{ "horizon",		required_argument,	NULL, OPT_HORIZON },
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

/* The command main() runs, for --help after the command word. */
static const struct command	*current_command;

static void
command_usage(FILE *f, const struct command *cmd)
{
	fprintf(f, "usage: mxanchor [options] %s\n       %s\n\n%s\n"
	    "Global options go before or after the command; see "
	    "'mxanchor --help'.\n", cmd->usage, cmd->summary,
	    cmd->help != NULL ? cmd->help : "");
}

static const struct command *command_find(const char *);

static int
cmd_help(struct cli_options *opts, int argc, char **argv)
{
	const struct command	*cmd;
	char			*name = NULL;

	while (cli_getopt(argc, argv, NULL, opts) == 1) {
		if (name != NULL)
			cli_usage_error("help wants at most one COMMAND");
		name = optarg;
	}
	if (name == NULL) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	if ((cmd = command_find(name)) == NULL)
		cli_usage_error("no such command: %s", name);
	command_usage(stdout, cmd);
	return EXIT_CLEAN;
}

int
cli_domain_known(struct state *st, const char *domain, char **cause)
{
	struct state_domain	d;
	int			rc;

	if ((rc = state_domain_get(st, domain, &d, cause)) == 1) {
		state_domain_free(&d);
		return 0;
	}
	if (rc == 0)
		xasprintf(cause, "%s is not in the state; check it first "
		    "(mxanchor check %s)", domain, domain);
	return -1;
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
	const char	*why;
	char		*d;

	if ((d = domain_normalise(arg, &why)) == NULL)
		cli_usage_error("not a domain name: %s (%s)", arg, why);
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

/*
 * The default path's folders are created as needed; a path the operator
 * typed must be in a folder that exists, so a typo does not grow folders.
 */
char *
cli_state_path(const struct cli_options *opts)
{
	struct stat	 sb;
	char		*dir, *slash;

	if (opts->state_path == NULL)
		return state_default_path();

	dir = xstrdup(opts->state_path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		if (*dir != '\0' && (stat(dir, &sb) != 0 ||
		    !S_ISDIR(sb.st_mode)))
			cli_usage_error("no such folder for the state file: %s",
			    dir);
	}
	free(dir);
	return xstrdup(opts->state_path);
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
	case OPT_HORIZON:
		opts->probe.horizon_days = (int)cli_number("--horizon",
		    optarg, 1, 365);
		break;
	case 'h':
		if (current_command != NULL)
			command_usage(stdout, current_command);
		else
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

/*
 * What getopt_long() refused.  A long option is the word before optind;
 * a short one sits inside a word ("-x.test"), and only optopt names it.
 */
static void
cli_option_error(int c, const char *last)
{
	const char	*what = c == ':' ? "missing argument for" : "unknown";

	if (strncmp(last, "--", 2) == 0 || optopt <= 0 || optopt > 127)
		cli_usage_error("%s option: %s", what, last);
	cli_usage_error("%s option: -%c", what, optopt);
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
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-:hVv:", all, NULL)) != -1) {
		if (c == '?' || c == ':')
			cli_option_error(c, argv[optind - 1]);
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
		if (strchr(optarg, '.') == NULL)
			cli_usage_error("unknown command: %s", optarg);
		domain = cli_domain(optarg);
	}

	probe_global_init();
	if (cmd != NULL) {
		first = optind - 1;
		optind = 0;
		current_command = cmd;
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
