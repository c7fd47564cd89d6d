/*
 * The command line: global options shared by every command, and the
 * commands themselves.
 *
 * main() parses options until the command word, then hands the rest of
 * argv to the command's run function, which parses its own options with
 * cli_getopt() so that global options may also follow the command word
 * ("mxanchor check good.test --json --resolver 127.0.0.1").  Commands
 * print on stdout and stderr and return an exit code; nothing below
 * src/ ever prints.
 */
#ifndef MXANCHOR_CLI_H
#define MXANCHOR_CLI_H

#include <getopt.h>
#include <stdio.h>
#include <stddef.h>
#include <time.h>

#include "credfile.h"
#include "probe.h"
#include "ssh.h"

struct state;

/* Exit codes shared by every command. */
#define EXIT_CLEAN	0	/* nothing failed */
#define EXIT_FAILED	1	/* a step or check failed */
#define EXIT_USAGE	2	/* usage or internal error */

struct cli_options {
	struct probe_opts	 probe;
	const char		*state_path;	/* NULL: default */
	int			 no_state;
	int			 read_only;
	int			 json;

	/* --ssh: probe.ssh points here; user and host are owned. */
	struct ssh_target	 ssh;
	const char		*trust_host_key; /* operator's confirmation */
};

struct command {
	const char	*name;
	const char	*usage;		/* "check DOMAIN [--json]" */
	const char	*summary;
	int		(*run)(struct cli_options *, int argc, char **argv);
	const char	*help;		/* its options, for COMMAND --help */
};

/*
 * getopt_long over the global options plus the command's own; returns
 * the command's option codes (and non-options with "-" in optstring
 * semantics: 1 and optarg), handles the global ones itself, and exits 2
 * on an unknown option.  cmd_options ends with a zero entry, may be NULL.
 */
int	 cli_getopt(int argc, char **argv, const struct option *cmd_options,
	     struct cli_options *);

void	 cli_usage_error(const char *, ...)
	     __attribute__((noreturn, format(printf, 1, 2)));
/* Lower-case, without the trailing dot; exits 2 when not a name. */
char	*cli_domain(const char *);
/*
 * 0 when the domain is in the state; -1 with *cause (saying how to get
 * it there) when it is not or the state cannot say.
 */
int	 cli_domain_known(struct state *, const char *domain, char **cause);
/* Checks resolver, anchor and CA options; exits 2 when unusable. */
void	 cli_check_probe_options(const struct cli_options *);
/* The state path to use; caller frees. */
char	*cli_state_path(const struct cli_options *);
/*
 * With --ssh: the fingerprint to accept besides known_hosts, from
 * --trust-host-key or else the state (st may be NULL).
 */
void	 cli_ssh_trusted(struct cli_options *, struct state *);

int	 cmd_check(struct cli_options *, int, char **);
int	 cmd_lint(struct cli_options *, int, char **);
/* lint postconf FILE [--root DIR]: argv[0] is "postconf". */
int	 lint_postconf(struct cli_options *, int, char **);
int	 cmd_reports(struct cli_options *, int, char **);
int	 cmd_enforce_override(struct cli_options *, int, char **);

/* arg as a number in [min, max]; exits 2 naming option otherwise. */
long	 cli_number(const char *option, const char *arg, long min, long max);

/*
 * --cert/--key/--pubkey FILE, --host MX, --port N and --usage, --selector,
 * --mtype: the keys tlsa, hook, hook-file and rollover make records of.
 * A command puts CLI_TLSA_OPTIONS (and CLI_TLSA_PORT_OPTION if it takes
 * ports) in its option table and hands every option to cli_tlsa_option()
 * first.  Hosts are owned; cli_tlsa_free() frees them.
 */
#define CLI_TLSA_MAX	64

struct cli_tlsa_in {
	const char		*files[CLI_TLSA_MAX];
	enum credfile_kind	 kinds[CLI_TLSA_MAX];
	size_t			 nfiles;
	char			*hosts[CLI_TLSA_MAX];
	size_t			 nhosts;
	int			 ports[CLI_TLSA_MAX];
	size_t			 nports;
	int			 usage, selector, mtype;	/* 3 1 1 */
	int			 min_usage, min_mtype;	/* accepted */
};

enum {
	OPT_TLSA_CERT = 0x300,
	OPT_TLSA_KEY,
	OPT_TLSA_PUBKEY,
	OPT_TLSA_HOST,
	OPT_TLSA_PORT,
	OPT_TLSA_USAGE,
	OPT_TLSA_SELECTOR,
	OPT_TLSA_MTYPE,
};

#define CLI_TLSA_OPTIONS \
	{ "cert",	required_argument,	NULL, OPT_TLSA_CERT }, \
	{ "key",	required_argument,	NULL, OPT_TLSA_KEY }, \
	{ "pubkey",	required_argument,	NULL, OPT_TLSA_PUBKEY }, \
	{ "host",	required_argument,	NULL, OPT_TLSA_HOST }, \
	{ "usage",	required_argument,	NULL, OPT_TLSA_USAGE }, \
	{ "selector",	required_argument,	NULL, OPT_TLSA_SELECTOR }, \
	{ "mtype",	required_argument,	NULL, OPT_TLSA_MTYPE }
#define CLI_TLSA_PORT_OPTION \
	{ "port",	required_argument,	NULL, OPT_TLSA_PORT }

struct tlsagen_set;

void	 cli_tlsa_init(struct cli_tlsa_in *, int min_usage, int min_mtype);
/* 1 when c was one of these options (exits 2 on a bad value), else 0. */
int	 cli_tlsa_option(int c, const char *arg, struct cli_tlsa_in *);
/* The records of the keys, for the hosts and ports; -1 with *cause. */
int	 cli_tlsa_records(const struct cli_tlsa_in *, struct tlsagen_set *,
	     char **cause);
void	 cli_tlsa_free(struct cli_tlsa_in *);
int	 cmd_tlsa(struct cli_options *, int, char **);

int	 cmd_rollover(struct cli_options *, int, char **);

/* cli_publish.c: an RFC 2136 publisher from a TSIG key file. */
struct publisher;
struct publish_check;
struct publisher *cli_publish_open(const struct cli_options *,
	     const char *tsig_path, const char *zone, const char *name,
	     const char *server, char **cause);
void	 cli_publish_report(FILE *, const char *owner,
	     const struct publish_check *);
int	 cmd_report(struct cli_options *, int, char **);
int	 cmd_inventory(struct cli_options *, int, char **);

/* check --all, --domains FILE, --jobs N, --prometheus FILE. */
struct check_fleet_options {
	int		 all;
	const char	*domains_file;
	int		 jobs;
	const char	*prometheus;
};

struct check;
struct fleet_summary;
struct state;

int	 cmd_check_fleet(struct cli_options *,
	     const struct check_fleet_options *);
/* Stores a check's verdicts and observation, as the wizard would. */
int	 cli_record_check(struct state *, const struct check *,
	     char **cause);
/* Writes node_exporter textfile metrics atomically; prints errors. */
int	 cli_write_prometheus(const char *path, const struct fleet_summary *,
	     size_t n, time_t run_at, long long run_ms);

#endif
