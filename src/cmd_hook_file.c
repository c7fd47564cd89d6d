/*
 * mxanchor hook-file certbot|dehydrated|acme.sh DOMAIN [hook options]
 *     [--lineage NAME] [--certbot-dir DIR] [--chain-hook PATH]
 *     [--out FILE] [--force]
 *
 * Writes a ready-to-install script that an ACME client runs after each
 * renewal and that calls "mxanchor hook" with the same options (and the
 * global ones: state, resolver, trust anchor, CA file, timeout), so the
 * TLSA records follow the key:
 *
 *   certbot     --deploy-hook FILE, or FILE in renewal-hooks/deploy/; it
 *               reads $RENEWED_LINEAGE and ignores other lineages
 *   dehydrated  HOOK=FILE; acts on deploy_cert, then hands it, and every
 *               other call, to --chain-hook (the hook you had, e.g. for
 *               dns-01 or installing the certificate)
 *   acme.sh     --renew-hook FILE (or --reloadcmd); the fullchain is
 *               $CERT_FULLCHAIN_PATH when set, else the --cert given here
 *
 * For certbot it first checks the lineage: a lineage that gets a new key
 * at every renewal makes the new key live before its TLSA record can
 * reach resolvers' caches, so hook-file refuses it unless the lineage has
 * reuse_key = True, a rollover has the next key staged (published and on
 * every server), or --force.  With --out the file is written whole or
 * not at all (temporary file, fsync, rename), mode 0755.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "clock.h"
#include "hook.h"
#include "state.h"
#include "state_tlsa.h"
#include "strbuf.h"
#include "xmalloc.h"

/* 'text' for sh, with every ' closed, escaped and reopened. */
static void
hook_file_quote(struct strbuf *b, const char *s)
{
	strbuf_printf(b, "'");
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			strbuf_printf(b, "'\\''");
		else
			strbuf_add(b, s, 1);
	}
	strbuf_printf(b, "'");
}

/* An absolute path: the hook runs from another directory. */
static char *
hook_file_abs(const char *path)
{
	char	cwd[PATH_MAX];

	if (path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL)
		return xstrdup(path);
	return xprintf("%s/%s", cwd, path);
}

static void
hook_file_opt(struct strbuf *b, const char *name, const char *value,
    int is_path)
{
	char	*v;

	if (value == NULL)
		return;
	v = is_path ? hook_file_abs(value) : xstrdup(value);
	strbuf_printf(b, " \\\n    %s ", name);
	hook_file_quote(b, v);
	free(v);
}

/* The mxanchor command line the hook runs, up to the --cert option. */
static void
hook_file_command(struct strbuf *b, const struct cli_options *opts,
    const struct hook_args *a, int exec)
{
	char	 self[PATH_MAX], *state, num[32];
	ssize_t	 n;
	size_t	 i;

	if (a->mxanchor != NULL)
		snprintf(self, sizeof self, "%s", a->mxanchor);
	else if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0)
		self[n] = '\0';
	else
		snprintf(self, sizeof self, "mxanchor");
	if (exec)
		strbuf_printf(b, "exec ");
	hook_file_quote(b, self);

	state = cli_state_path(opts);
	hook_file_opt(b, "--state", state, 1);
	free(state);
	hook_file_opt(b, "--resolver", opts->probe.resolver, 0);
	hook_file_opt(b, "--trust-anchor", opts->probe.trust_anchor, 1);
	hook_file_opt(b, "--ca-file", opts->probe.ca_file, 1);
	snprintf(num, sizeof num, "%d", opts->probe.timeout_ms / 1000);
	hook_file_opt(b, "--timeout", num, 0);

	strbuf_printf(b, " \\\n    hook ");
	hook_file_quote(b, a->domain);
	for (i = 0; i < a->in.nhosts; i++)
		hook_file_opt(b, "--host", a->in.hosts[i], 0);
	for (i = 0; i < a->in.nports; i++) {
		snprintf(num, sizeof num, "%d", a->in.ports[i]);
		if (a->in.nports > 1 || a->in.ports[i] != 25)
			hook_file_opt(b, "--port", num, 0);
	}
	if (a->in.usage != 3 || a->in.selector != 1 || a->in.mtype != 1)
		strbuf_printf(b, " \\\n    --usage %d --selector %d --mtype %d",
		    a->in.usage, a->in.selector, a->in.mtype);
	hook_file_opt(b, "--tsig", a->tsig, 1);
	hook_file_opt(b, "--server", a->server, 0);
	hook_file_opt(b, "--zone", a->zone, 0);
	hook_file_opt(b, "--postfix-config", a->postfix_config, 1);
	snprintf(num, sizeof num, "%d", a->wait_ms / 1000);
	hook_file_opt(b, "--wait", num, 0);
}

static void
hook_file_header(struct strbuf *b, const struct hook_args *a,
    const char *how)
{
	char	when[32];

	clock_format(clock_now(), when, sizeof when);
	strbuf_printf(b, "#!/bin/sh\n"
	    "# mxanchor renewal hook for %s, domain %s.\n"
	    "# Written by \"mxanchor hook-file\" at %s.  After every renewal\n"
	    "# it publishes the TLSA records of the renewed key, checks every\n"
	    "# authoritative server, reloads Postfix when asked to, and keeps\n"
	    "# the outcome in mxanchor's state (see \"mxanchor check\").\n"
	    "# Install: %s\n"
	    "set -u\n", a->client, a->domain, when, how);
}

static char *
hook_file_certbot(const struct cli_options *opts, const struct hook_args *a,
    const char *lineage)
{
	struct strbuf	b = { NULL, 0, 0 };

	hook_file_header(&b, a, "certbot ... --deploy-hook THIS-FILE, or "
	    "copy it to\n#   /etc/letsencrypt/renewal-hooks/deploy/");
	strbuf_printf(&b, "lineage=");
	hook_file_quote(&b, lineage);
	strbuf_printf(&b, "\n"
	    "if [ -z \"${RENEWED_LINEAGE:-}\" ]; then\n"
	    "\techo \"$0: RENEWED_LINEAGE is not set: run me from certbot\" "
	    ">&2\n"
	    "\texit 2\n"
	    "fi\n"
	    "# Hooks in renewal-hooks/deploy run for every lineage.\n"
	    "[ \"$(basename \"$RENEWED_LINEAGE\")\" = \"$lineage\" ] || "
	    "exit 0\n");
	hook_file_command(&b, opts, a, 1);
	strbuf_printf(&b, " \\\n    --cert "
	    "\"$RENEWED_LINEAGE/fullchain.pem\"\n");
	return strbuf_take(&b);
}

/*
 * dehydrated names a certificate by its first domain, which for an MX
 * certificate is the MX host (mx.example.net), not the mail domain: the
 * hook acts for the domain, any name below it, the --host names and the
 * --lineage.
 */
static void
hook_file_dehydrated_names(struct strbuf *b, const struct hook_args *a)
{
	size_t	i;

	hook_file_quote(b, a->domain);
	strbuf_printf(b, "|*.");
	hook_file_quote(b, a->domain);
	for (i = 0; i < a->in.nhosts; i++) {
		strbuf_printf(b, "|");
		hook_file_quote(b, a->in.hosts[i]);
	}
	if (a->lineage != NULL) {
		strbuf_printf(b, "|");
		hook_file_quote(b, a->lineage);
	}
}

static char *
hook_file_dehydrated(const struct cli_options *opts,
    const struct hook_args *a, const char *name)
{
	struct strbuf	b = { NULL, 0, 0 };

	hook_file_header(&b, a, "HOOK=THIS-FILE in dehydrated's config "
	    "(each call,\n#   deploy_cert after mxanchor, goes on to the "
	    "--chain-hook given to hook-file)");
	strbuf_printf(&b, "# deploy_cert DOMAIN KEYFILE CERTFILE "
	    "FULLCHAINFILE CHAINFILE TIMESTAMP\n"
	    "if [ \"${1:-}\" = deploy_cert ]; then\n"
	    "\tcase \"${2:-}\" in\n\t");
	hook_file_dehydrated_names(&b, a);
	strbuf_printf(&b, ")\n");

	/*
	 * With a chained hook, it gets deploy_cert too (it may install the
	 * certificate elsewhere), but only once the TLSA records are out:
	 * a failed publication stops here, loudly, with the old key served.
	 */
	hook_file_command(&b, opts, a, a->chain_hook == NULL);
	strbuf_printf(&b, " \\\n    --cert \"$5\"%s\n\t\t;;\n\tesac\nfi\n",
	    a->chain_hook != NULL ? " || exit $?" : "");
	if (a->chain_hook != NULL) {
		strbuf_printf(&b, "exec ");
		hook_file_quote(&b, a->chain_hook);
		strbuf_printf(&b, " \"$@\"\n");
	} else
		strbuf_printf(&b, "exit 0\n");
	return strbuf_take(&b);
}

static char *
hook_file_acmesh(const struct cli_options *opts, const struct hook_args *a)
{
	struct strbuf	 b = { NULL, 0, 0 };
	char		*cert = hook_file_abs(a->in.files[0]);

	hook_file_header(&b, a, "acme.sh --renew-hook THIS-FILE (or "
	    "--reloadcmd)");
	/* A quoted default inside ${...:-} would keep its quotes. */
	strbuf_printf(&b, "cert=${CERT_FULLCHAIN_PATH:-}\n"
	    "[ -n \"$cert\" ] || cert=");
	hook_file_quote(&b, cert);
	strbuf_printf(&b, "\n");
	hook_file_command(&b, opts, a, 1);
	strbuf_printf(&b, " \\\n    --cert \"$cert\"\n");
	free(cert);
	return strbuf_take(&b);
}

/* reuse_key = True in the lineage's renewal file: 1, 0 not, -1 no file. */
static int
hook_file_reuses_key(const char *conf)
{
	FILE	*f;
	char	 line[1024], *p, *eq;
	int	 reuse = 0;

	if ((f = fopen(conf, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (strncmp(p, "reuse_key", 9) != 0 ||
		    (eq = strchr(p, '=')) == NULL)
			continue;
		for (eq++; *eq == ' ' || *eq == '\t'; eq++)
			;
		reuse = strncasecmp(eq, "true", 4) == 0;
	}
	fclose(f);
	return reuse;
}

/* An open rollover whose next record is on every server: a staged key. */
static int
hook_file_staged(const struct cli_options *opts, const char *domain)
{
	struct state_rollover	*list;
	struct state		*st;
	char			*path, *cause = NULL;
	size_t			 n, i;
	int			 staged = 0;

	path = cli_state_path(opts);
	st = state_open(path, STATE_READ_ONLY, &cause);
	free(path);
	if (st == NULL) {
		free(cause);
		return 0;
	}
	if (state_tlsa_rollovers(st, domain, 0, &list, &n, &cause) == 0) {
		for (i = 0; i < n; i++)
			if (list[i].visible != 0)
				staged = 1;
		state_tlsa_rollovers_free(list, n);
	} else
		free(cause);
	state_close(st);
	return staged;
}

/* certbot: will the next renewal's key be known before it goes live? */
static int
hook_file_check_certbot(const struct cli_options *opts,
    const struct hook_args *a, const char *lineage)
{
	char	*conf;
	int	 reuse;

	conf = xprintf("%s/renewal/%s.conf", a->certbot_dir != NULL ?
	    a->certbot_dir : "/etc/letsencrypt", lineage);
	reuse = hook_file_reuses_key(conf);
	if (reuse == 1) {
		fprintf(stderr, "certbot lineage %s reuses its key: the TLSA "
		    "record stays valid across renewals\n", lineage);
	} else if (hook_file_staged(opts, a->domain)) {
		fprintf(stderr, "the next key of %s is staged (mxanchor "
		    "rollover): renew with that key\n", a->domain);
		reuse = 1;
	} else if (reuse == -1)
		fprintf(stderr, "mxanchor: no certbot lineage %s (%s is "
		    "missing); name it with --lineage and --certbot-dir\n",
		    lineage, conf);
	else
		fprintf(stderr, "mxanchor: certbot lineage %s gets a new key "
		    "at every renewal (no reuse_key = True in %s): the hook "
		    "can publish the new TLSA record only once the new key is "
		    "live, and DANE senders that cached the old record may "
		    "defer mail for up to its TTL.  Renew once with "
		    "--reuse-key (certbot remembers it), or stage the next key "
		    "with mxanchor rollover; --force writes the hook anyway\n",
		    lineage, conf);
	free(conf);
	return reuse == 1 ? 0 : -1;
}

/* Writes path whole or not at all, executable. */
static int
hook_file_write(const char *path, const char *text, char **cause)
{
	char	*tmp, *dir, *slash;
	size_t	 len = strlen(text), off = 0;
	ssize_t	 n;
	int	 fd, dfd, ret = -1;

	tmp = xprintf("%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		xasprintf(cause, "cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < len) {
		if ((n = write(fd, text + off, len - off)) == -1 &&
		    errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off != len || fchmod(fd, 0755) != 0 || fsync(fd) != 0) {
		xasprintf(cause, "cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		xasprintf(cause, "cannot rename %s to %s: %s", tmp, path,
		    strerror(errno));
		unlink(tmp);
		goto out;
	}
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	if ((dfd = open(slash != NULL ? dir : ".", O_RDONLY|O_DIRECTORY)) !=
	    -1) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
	ret = 0;

out:
	free(tmp);
	return ret;
}

int
cmd_hook_file(struct cli_options *opts, int argc, char **argv)
{
	struct hook_args	 a;
	const char		*name;
	char			*text, *cause = NULL;
	int			 rc = EXIT_CLEAN;

	hook_args_parse(opts, argc, argv, &a, 1);
	name = a.lineage != NULL ? a.lineage : a.in.nhosts > 0 ? a.in.hosts[0] :
	    a.domain;

	if (strcmp(a.client, "certbot") == 0) {
		if (hook_file_check_certbot(opts, &a, name) != 0 && !a.force) {
			hook_args_free(&a);
			return EXIT_FAILED;
		}
		text = hook_file_certbot(opts, &a, name);
	} else if (strcmp(a.client, "dehydrated") == 0)
		text = hook_file_dehydrated(opts, &a, name);
	else
		text = hook_file_acmesh(opts, &a);

	if (a.out == NULL)
		fputs(text, stdout);
	else if (hook_file_write(a.out, text, &cause) != 0) {
		fprintf(stderr, "mxanchor: %s\n", cause);
		free(cause);
		rc = EXIT_USAGE;
	} else
		fprintf(stderr, "wrote %s\n", a.out);
	free(text);
	hook_args_free(&a);
	return rc;
}
