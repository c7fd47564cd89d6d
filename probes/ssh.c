/*
 * Read-only SSH inspection of a Postfix host (libssh2).
 *
 * The session is non-blocking from the first byte: every libssh2 call
 * that would block returns LIBSSH2_ERROR_EAGAIN, and ssh_wait() polls
 * the socket in the directions libssh2 asks for, until the deadline of
 * the current phase (the probe timeout, renewed per phase).
 *
 * Phases: resolve, connect, handshake, host key, login, the fixed
 * commands, one certificate file at a time, goodbye.  The commands are
 * constants; the only text that comes from the host and goes back to it
 * is a file path, and that travels on the standard input of "xargs -0",
 * never on a command line a shell parses.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh2.h>
#include <openssl/evp.h>

#include "dns.h"
#include "log.h"
#include "ssh.h"
#include "strbuf.h"
#include "xmalloc.h"

#define SSH_OUTPUT_MAX	(4 * 1024 * 1024)
#define SSH_STDERR_MAX	512

/*
 * Every command is one of these constants, run by "sh -c" so that the
 * login shell's syntax (csh on some systems) does not matter.  Each part
 * of the output ends with a line "@mxanchor-end STATUS".
 *
 * The configuration: postconf -n, -M, -P, -d for the names mxanchor
 * judges, the mail_version, /etc/resolv.conf.
 */
#define SSH_END		"@mxanchor-end "
#define SSH_CONFIG_PARTS 6
#define SSH_READ_CONFIG \
    "sh -c 'for o in -n -M -P; do postconf $o; echo \"" SSH_END "$?\"; " \
    "done; postconf -d %s; echo \"" SSH_END "$?\"; " \
    "postconf -h mail_version; echo \"" SSH_END "$?\"; " \
    "cat /etc/resolv.conf; echo \"" SSH_END "$?\"'"

/*
 * The certificate files: their paths arrive on standard input, each
 * NUL-terminated, and xargs hands each to a fixed sh script as "$1",
 * which no shell parses as code.  sed drops the body of every private
 * key block on the host (the filter of certfile_strip_keys()); "--"
 * keeps a path from being taken for an option.
 */
#define SSH_READ_CERTS \
    "xargs -0 -n 1 sh -c 'echo @mxanchor-file; sed " \
    "-e \"/^-----BEGIN .*PRIVATE KEY-----/,/^-----END .*PRIVATE KEY-----/{\" " \
    "-e \"/^-----/b\" -e d -e \"}\" -- \"$1\" 2>&1; " \
    "echo \"" SSH_END "$?\"' sh"

struct ssh_session {
	const struct probe_opts	*opts;
	const struct ssh_target	*target;
	struct ssh_result	*res;
	long long		 deadline;
	int			 fd;
	LIBSSH2_SESSION		*session;
};

static pthread_once_t	ssh_once = PTHREAD_ONCE_INIT;

static void
ssh_global_init(void)
{
	libssh2_init(0);
}

static int
ssh_timeout_ms(const struct ssh_session *s)
{
	return s->opts->timeout_ms > 0 ? s->opts->timeout_ms :
	    PROBE_DEFAULT_TIMEOUT_MS;
}

static void
ssh_phase(struct ssh_session *s, const char *what)
{
	log_debug("ssh %s:%d: %s", s->target->host, s->res != NULL ?
	    s->target->port : 0, what);
	s->deadline = probe_now_ms() + ssh_timeout_ms(s);
}

static void __attribute__((format(printf, 3, 4)))
ssh_fail(struct ssh_session *s, enum ssh_status status, const char *fmt,
    ...)
{
	va_list	ap;

	if (s->res->error != NULL)
		return;
	s->res->status = status;
	va_start(ap, fmt);
	xvasprintf(&s->res->error, fmt, ap);
	va_end(ap);
	log_debug("ssh %s: %s: %s", s->target->host,
	    ssh_status_name(status), s->res->error);
}

/* Waits for what libssh2 (or the connect) needs; 0 at the deadline. */
static int
ssh_wait(struct ssh_session *s, short events)
{
	struct pollfd	pfd;
	long long	left;
	int		dir, n;

	if (events == 0 && s->session != NULL) {
		dir = libssh2_session_block_directions(s->session);
		if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
			events |= POLLIN;
		if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
			events |= POLLOUT;
		if (events == 0)
			events = POLLIN;
	}
	for (;;) {
		if ((left = s->deadline - probe_now_ms()) <= 0)
			return 0;
		pfd.fd = s->fd;
		pfd.events = events;
		pfd.revents = 0;
		if ((n = poll(&pfd, 1, (int)left)) > 0)
			return 1;
		if (n == 0 || errno != EINTR)
			return 0;
	}
}

/* Retries a libssh2 call while it says EAGAIN; the macro keeps types. */
#define SSH_CLEANUP_MS	1000	/* closing what a failure left open */

#define SSH_RETRY(s, rc, call) do {					\
	while (((rc) = (call)) == LIBSSH2_ERROR_EAGAIN && ssh_wait((s), 0)) \
		continue;						\
} while (0)

/*
 * From here on the session is only taken down.  In non-blocking mode
 * libssh2 answers a free that must still talk to the server with EAGAIN
 * and frees nothing, so once a deadline has passed a channel or the
 * whole session would leak; blocking with a short timeout lets the
 * frees finish, and bounds them.
 */
static void
ssh_blocking_cleanup(struct ssh_session *s)
{
	libssh2_session_set_timeout(s->session, SSH_CLEANUP_MS);
	libssh2_session_set_blocking(s->session, 1);
}

/* The last libssh2 error message, for the operator. */
static const char *
ssh_error(struct ssh_session *s)
{
	char	*msg = NULL;

	if (s->session == NULL ||
	    libssh2_session_last_error(s->session, &msg, NULL, 0) == 0 ||
	    msg == NULL)
		return "unknown error";
	return msg;
}

static int
ssh_connect_addr(struct ssh_session *s, const char *addr, char **why)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 len, errlen = sizeof(int);
	int			 err = 0;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)s->target->port);
		len = sizeof *sin;
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)s->target->port);
		len = sizeof *sin6;
	} else {
		xasprintf(why, "not an address: %s", addr);
		return -1;
	}
	s->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (s->fd == -1) {
		xasprintf(why, "socket: %s", strerror(errno));
		return -1;
	}
	ssh_phase(s, "connect");
	if (connect(s->fd, (struct sockaddr *)&ss, len) == -1) {
		if (errno != EINPROGRESS)
			err = errno;
		else if (!ssh_wait(s, POLLOUT))
			err = ETIMEDOUT;
		else
			getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &errlen);
	}
	if (err != 0) {
		xasprintf(why, "%s port %d: %s", addr, s->target->port,
		    strerror(err));
		close(s->fd);
		s->fd = -1;
		return -1;
	}
	return 0;
}

/* The addresses in an A and an AAAA answer, as strings. */
static char **
ssh_addrs(const struct dns_answer *a, const struct dns_answer *aaaa,
    size_t *n)
{
	const struct dns_answer	*v[2] = { a, aaaa };
	char			**out = NULL;
	size_t			  i, j;

	*n = 0;
	for (i = 0; i < 2; i++) {
		if (v[i] == NULL || v[i]->rrs == NULL)
			continue;
		for (j = 0; j < ldns_rr_list_rr_count(v[i]->rrs); j++) {
			out = xreallocarray(out, *n + 1, sizeof *out);
			out[(*n)++] = ldns_rdf2str(ldns_rr_rdf(
			    ldns_rr_list_rr(v[i]->rrs, j), 0));
		}
	}
	return out;
}

/* A name goes through the probe's resolver, never the system's. */
static int
ssh_connect(struct ssh_session *s)
{
	struct dns_answer	*a, *aaaa;
	char			**addrs, *why = NULL;
	size_t			  n, i;
	int			  rc = -1;

	if (ssh_connect_addr(s, s->target->host, &why) == 0)
		return 0;
	if (inet_pton(AF_INET6, s->target->host, &(struct in6_addr){ 0 }) ==
	    1 || inet_pton(AF_INET, s->target->host,
	    &(struct in_addr){ 0 }) == 1) {
		ssh_fail(s, SSH_UNREACHABLE, "cannot connect to %s", why);
		free(why);
		return -1;
	}
	free(why);
	why = NULL;

	a = dns_lookup(s->opts, s->target->host, LDNS_RR_TYPE_A);
	aaaa = dns_lookup(s->opts, s->target->host, LDNS_RR_TYPE_AAAA);
	addrs = ssh_addrs(a, aaaa, &n);
	for (i = 0; i < n && rc != 0; i++) {
		free(why);
		why = NULL;
		rc = ssh_connect_addr(s, addrs[i], &why);
	}
	if (n == 0)
		ssh_fail(s, SSH_UNREACHABLE, "%s has no address",
		    s->target->host);
	else if (rc != 0)
		ssh_fail(s, SSH_UNREACHABLE, "cannot connect to %s: %s",
		    s->target->host, why);
	free(why);
	dns_strv_free(addrs, n);
	dns_answer_free(a);
	dns_answer_free(aaaa);
	return rc;
}

static const char *
ssh_key_type_name(int type, int *knownhost_bits)
{
	switch (type) {
	case LIBSSH2_HOSTKEY_TYPE_RSA:
		*knownhost_bits = LIBSSH2_KNOWNHOST_KEY_SSHRSA;
		return "ssh-rsa";
	case LIBSSH2_HOSTKEY_TYPE_DSS:
		*knownhost_bits = LIBSSH2_KNOWNHOST_KEY_SSHDSS;
		return "ssh-dss";
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
		*knownhost_bits = LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
		return "ecdsa-sha2-nistp256";
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
		*knownhost_bits = LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
		return "ecdsa-sha2-nistp384";
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
		*knownhost_bits = LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
		return "ecdsa-sha2-nistp521";
	case LIBSSH2_HOSTKEY_TYPE_ED25519:
		*knownhost_bits = LIBSSH2_KNOWNHOST_KEY_ED25519;
		return "ssh-ed25519";
	}
	*knownhost_bits = LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
	return "unknown";
}

/* "SHA256:" and unpadded base64, as ssh-keygen -l prints it. */
static char *
ssh_fingerprint(LIBSSH2_SESSION *session)
{
	const unsigned char	*hash;
	unsigned char		 b64[64];
	int			 len;

	hash = (const unsigned char *)libssh2_hostkey_hash(session,
	    LIBSSH2_HOSTKEY_HASH_SHA256);
	if (hash == NULL)
		return NULL;
	len = EVP_EncodeBlock(b64, hash, 32);
	while (len > 0 && b64[len - 1] == '=')
		len--;
	return xprintf("SHA256:%.*s", len, b64);
}

static char *
ssh_known_hosts_path(const struct ssh_target *t)
{
	const char	*home = getenv("HOME");

	if (t->known_hosts != NULL)
		return xstrdup(t->known_hosts);
	return xprintf("%s/.ssh/known_hosts", home != NULL ? home : "");
}

/*
 * The host key against known_hosts, then against the key the operator
 * confirmed.  Runs before any credential is offered.
 */
static int
ssh_check_hostkey(struct ssh_session *s)
{
	const struct ssh_target	*t = s->target;
	LIBSSH2_KNOWNHOSTS	*kh;
	struct libssh2_knownhost *entry = NULL;
	const char		*key;
	char			*path;
	size_t			 len;
	int			 type, bits, rc;

	ssh_phase(s, "host key");
	if ((key = libssh2_session_hostkey(s->session, &len, &type)) == NULL ||
	    (s->res->fingerprint = ssh_fingerprint(s->session)) == NULL) {
		ssh_fail(s, SSH_FAILED, "the server sent no host key");
		return -1;
	}
	s->res->key_type = xstrdup(ssh_key_type_name(type, &bits));

	path = ssh_known_hosts_path(t);
	kh = libssh2_knownhost_init(s->session);
	if (libssh2_knownhost_readfile(kh, path,
	    LIBSSH2_KNOWNHOST_FILE_OPENSSH) < 0)
		log_debug("ssh: cannot read %s; no known keys", path);
	rc = libssh2_knownhost_checkp(kh, t->host, t->port, key, len,
	    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | bits,
	    &entry);
	libssh2_knownhost_free(kh);

	if (rc == LIBSSH2_KNOWNHOST_CHECK_MATCH)
		rc = 0;
	else if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
		ssh_fail(s, SSH_HOSTKEY_CHANGED, "the host key of %s port %d "
		    "(%s %s) is not the one recorded in %s; if the server's "
		    "key was really replaced, check the new one with its "
		    "administrator and update that file (ssh-keygen -R)",
		    t->host, t->port, s->res->key_type, s->res->fingerprint,
		    path);
		rc = -1;
	} else if (t->trusted != NULL &&
	    strcmp(t->trusted, s->res->fingerprint) == 0) {
		s->res->by_confirmation = 1;
		rc = 0;
	} else if (t->trusted != NULL) {
		ssh_fail(s, SSH_HOSTKEY_CHANGED, "the host key of %s port %d "
		    "(%s %s) is not the one to trust (%s); if the server's "
		    "key was really replaced, check the new one with its "
		    "administrator, then confirm it with --trust-host-key %s",
		    t->host, t->port, s->res->key_type, s->res->fingerprint,
		    t->trusted, s->res->fingerprint);
		rc = -1;
	} else {
		ssh_fail(s, SSH_HOSTKEY_UNKNOWN, "the host key of %s port %d "
		    "is unknown: %s %s", t->host, t->port, s->res->key_type,
		    s->res->fingerprint);
		rc = -1;
	}
	free(path);
	return rc;
}

static int
ssh_login_agent(struct ssh_session *s)
{
	LIBSSH2_AGENT			*agent;
	struct libssh2_agent_publickey	*id = NULL, *prev = NULL;
	int				 rc = -1, n;

	if ((agent = libssh2_agent_init(s->session)) == NULL)
		return -1;
	if (libssh2_agent_connect(agent) != 0 ||
	    libssh2_agent_list_identities(agent) != 0) {
		libssh2_agent_free(agent);
		ssh_fail(s, SSH_AUTH_FAILED, "no --ssh-key given and no "
		    "ssh-agent to ask");
		return -1;
	}
	while (rc != 0 && libssh2_agent_get_identity(agent, &id, prev) == 0) {
		SSH_RETRY(s, n, libssh2_agent_userauth(agent,
		    s->target->user, id));
		rc = n == 0 ? 0 : -1;
		prev = id;
	}
	libssh2_agent_disconnect(agent);
	libssh2_agent_free(agent);
	return rc;
}

static int
ssh_login(struct ssh_session *s)
{
	const struct ssh_target	*t = s->target;
	int			 rc;

	ssh_phase(s, "login");
	if (t->key_file != NULL) {
		SSH_RETRY(s, rc, libssh2_userauth_publickey_fromfile(
		    s->session, t->user, NULL, t->key_file, NULL));
	} else
		rc = ssh_login_agent(s);
	if (rc == 0)
		return 0;
	if (rc == LIBSSH2_ERROR_EAGAIN)
		ssh_fail(s, SSH_FAILED, "login timed out after %d ms",
		    ssh_timeout_ms(s));
	else if (rc == LIBSSH2_ERROR_FILE)
		ssh_fail(s, SSH_AUTH_FAILED, "cannot use the key file %s",
		    t->key_file);
	else
		ssh_fail(s, SSH_AUTH_FAILED, "%s refused the login as %s "
		    "with %s", t->host, t->user, t->key_file != NULL ?
		    t->key_file : "the agent's keys");
	return -1;
}

/* Reads what the channel has now on one stream; -1 on error. */
static int
ssh_drain(struct ssh_session *s, LIBSSH2_CHANNEL *ch, int stream,
    struct strbuf *out, size_t max)
{
	char	buf[16384];
	ssize_t	n;

	for (;;) {
		n = libssh2_channel_read_ex(ch, stream, buf, sizeof buf);
		if (n == LIBSSH2_ERROR_EAGAIN || n == 0)
			return 0;
		if (n < 0)
			return -1;
		if (out->len + (size_t)n > max) {
			if (stream == 0) {
				ssh_fail(s, SSH_FAILED, "more than %d bytes of "
				    "output", SSH_OUTPUT_MAX);
				return -1;
			}
			continue;
		}
		strbuf_add(out, buf, (size_t)n);
	}
}

/*
 * Runs one fixed command, feeding it input (may be NULL); returns its
 * standard output, or NULL with *why (caller frees) when it failed.
 */
static char *
ssh_run(struct ssh_session *s, const char *command, const char *input,
    size_t inlen, char **why)
{
	LIBSSH2_CHANNEL	*ch;
	struct strbuf	 out = { NULL, 0, 0 }, err = { NULL, 0, 0 };
	ssize_t		 w;
	size_t		 off = 0;
	int		 rc, status = -1, a, b;

	ssh_phase(s, command);
	while ((ch = libssh2_channel_open_session(s->session)) == NULL &&
	    libssh2_session_last_errno(s->session) == LIBSSH2_ERROR_EAGAIN &&
	    ssh_wait(s, 0))
		continue;
	if (ch == NULL) {
		xasprintf(why, "cannot open a channel: %s", ssh_error(s));
		return NULL;
	}
	SSH_RETRY(s, rc, libssh2_channel_exec(ch, command));
	if (rc != 0)
		goto fail;
	while (off < inlen) {
		SSH_RETRY(s, w, libssh2_channel_write(ch, input + off,
		    inlen - off));
		if (w < 0)
			goto fail;
		off += (size_t)w;
	}
	SSH_RETRY(s, rc, libssh2_channel_send_eof(ch));

	/* Both streams, until the command is done or time runs out. */
	for (;;) {
		a = ssh_drain(s, ch, 0, &out, SSH_OUTPUT_MAX);
		b = ssh_drain(s, ch, 1, &err, SSH_STDERR_MAX);
		if (a < 0 || b < 0)
			goto fail;
		if (libssh2_channel_eof(ch))
			break;
		if (!ssh_wait(s, 0))
			goto fail;
	}
	SSH_RETRY(s, rc, libssh2_channel_close(ch));
	SSH_RETRY(s, rc, libssh2_channel_wait_closed(ch));
	status = libssh2_channel_get_exit_status(ch);
	libssh2_channel_free(ch);

	if (status != 0) {
		xasprintf(why, "exit status %d%s%.*s", status,
		    err.len > 0 ? ": " : "", (int)strcspn(err.s != NULL ?
		    err.s : "", "\n"), err.s != NULL ? err.s : "");
		strbuf_free(&out);
		strbuf_free(&err);
		return NULL;
	}
	strbuf_free(&err);
	return strbuf_take(&out);

fail:
	if (s->res->error == NULL)
		xasprintf(why, "%s", probe_now_ms() >= s->deadline ?
		    "timed out" : ssh_error(s));
	else
		*why = xstrdup(s->res->error);
	ssh_blocking_cleanup(s);
	libssh2_channel_free(ch);
	strbuf_free(&out);
	strbuf_free(&err);
	return NULL;
}

/*
 * Splits output into the parts ended by SSH_END lines, in place: parts[i]
 * is the text of part i, status[i] its exit status.  Returns the number
 * of parts (at most max); text after the last end line is ignored.
 */
static size_t
ssh_split(char *text, char **parts, int *status, size_t max)
{
	char	*line = text, *start = text, *nl, *end;
	size_t	 n = 0;
	long	 st;

	for (; n < max && *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line) - 1;
		if (strncmp(line, SSH_END, sizeof SSH_END - 1) != 0)
			continue;
		st = strtol(line + sizeof SSH_END - 1, &end, 10);
		if (end == line + sizeof SSH_END - 1 || (*end != '\n' &&
		    *end != '\0'))
			continue;
		*line = '\0';
		parts[n] = start;
		status[n++] = (int)st;
		start = nl + 1;
		if (*nl == '\0')
			break;
	}
	return n;
}

/*
 * postconf's four views of the configuration, the version, resolv.conf,
 * in one session: only postconf -n, -M and -P must work.
 */
static int
ssh_read_config(struct ssh_session *s, struct postfix_config *pf)
{
	static void (*const parse[])(struct postconf *, const char *,
	    size_t) = {
		postconf_parse_main, postconf_parse_services,
		postconf_parse_overrides, postconf_parse_defaults,
	};
	static const char *const names[] = {
		"postconf -n", "postconf -M", "postconf -P", "postconf -d",
	};
	char	*cmd, *text, *why = NULL, *parts[SSH_CONFIG_PARTS];
	int	 status[SSH_CONFIG_PARTS];
	size_t	 n, i;

	cmd = xprintf(SSH_READ_CONFIG, postconf_default_names);
	text = ssh_run(s, cmd, NULL, 0, &why);
	free(cmd);
	if (text == NULL) {
		ssh_fail(s, SSH_FAILED, "reading the configuration on %s "
		    "failed: %s", s->target->host, why);
		free(why);
		return -1;
	}
	if ((n = ssh_split(text, parts, status, SSH_CONFIG_PARTS)) !=
	    SSH_CONFIG_PARTS) {
		ssh_fail(s, SSH_FAILED, "unexpected output from postconf on "
		    "%s (%zu of %d parts)", s->target->host, n,
		    SSH_CONFIG_PARTS);
		free(text);
		return -1;
	}
	for (i = 0; i < 4; i++) {
		if (status[i] != 0 && i < 3) {
			ssh_fail(s, SSH_FAILED, "\"%s\" failed on %s (exit "
			    "status %d): is Postfix installed, and MAIL_CONFIG "
			    "right?", names[i], s->target->host, status[i]);
			free(text);
			return -1;
		}
		parse[i](&pf->conf, parts[i], strlen(parts[i]));
	}
	postconf_check(&pf->conf);
	if (status[4] == 0) {
		parts[4][strcspn(parts[4], "\n")] = '\0';
		pf->version = xstrdup(parts[4]);
	}
	if (status[5] == 0)
		pf->resolv_conf = xstrdup(parts[5]);
	free(text);
	return 0;
}

/*
 * Every certificate file the configuration names, in one session, keys
 * stripped on the host.  Relative paths are not read: Postfix wants
 * absolute ones, and one starting with "-" could pass for an option.
 */
static void
ssh_read_files(struct ssh_session *s, struct postfix_config *pf)
{
	struct strbuf	  input = { NULL, 0, 0 };
	char		**paths, **asked, *text, *why = NULL, **parts, *body;
	int		 *status;
	size_t		  n, nasked = 0, nparts, i, j;

	pf->files_read = 1;
	paths = postfix_all_certs(&pf->conf, &n);
	asked = xcalloc(n + 1, sizeof *asked);
	for (i = 0; i < n; i++) {
		if (paths[i][0] != '/') {
			postfix_config_add_file(pf, paths[i], NULL,
			    "not an absolute path; not read");
			continue;
		}
		strbuf_add(&input, paths[i], strlen(paths[i]) + 1);
		asked[nasked++] = paths[i];
	}
	if (nasked == 0)
		goto out;

	text = ssh_run(s, SSH_READ_CERTS, input.s, input.len, &why);
	parts = xcalloc(nasked, sizeof *parts);
	status = xcalloc(nasked, sizeof *status);
	nparts = text != NULL ? ssh_split(text, parts, status, nasked) : 0;
	for (j = 0; j < nasked; j++) {
		body = j < nparts ? parts[j] : NULL;
		if (body != NULL && strncmp(body, "@mxanchor-file\n", 15) == 0)
			body += 15;
		if (body == NULL)
			postfix_config_add_file(pf, asked[j], NULL,
			    why != NULL ? why : "no output for it");
		else if (status[j] != 0) {
			body[strcspn(body, "\n")] = '\0';
			postfix_config_add_file(pf, asked[j], NULL, body);
		} else
			postfix_config_add_file(pf, asked[j], body, NULL);
	}
	free(parts);
	free(status);
	free(text);
	free(why);

out:
	strbuf_free(&input);
	free(asked);
	postconf_list_free(paths, n);
}

static void
ssh_session_run(struct ssh_session *s, struct postfix_config **out)
{
	struct postfix_config	*pf;
	int			 rc;

	if (ssh_connect(s) != 0)
		return;
	s->session = libssh2_session_init();
	libssh2_session_set_blocking(s->session, 0);
	ssh_phase(s, "handshake");
	SSH_RETRY(s, rc, libssh2_session_handshake(s->session, s->fd));
	if (rc != 0) {
		ssh_fail(s, rc == LIBSSH2_ERROR_EAGAIN ? SSH_UNREACHABLE :
		    SSH_FAILED, "SSH handshake with %s failed: %s",
		    s->target->host, rc == LIBSSH2_ERROR_EAGAIN ?
		    "timed out" : ssh_error(s));
		return;
	}
	if (ssh_check_hostkey(s) != 0 || ssh_login(s) != 0)
		return;

	pf = xcalloc(1, sizeof *pf);
	postfix_config_init(pf, "");
	free(pf->source);
	pf->source = xprintf("%s@%s:%d", s->target->user, s->target->host,
	    s->target->port);
	if (ssh_read_config(s, pf) == 0)
		ssh_read_files(s, pf);
	if (s->res->error != NULL) {
		postfix_config_free(pf);
		free(pf);
		return;
	}
	s->res->status = SSH_OK;
	*out = pf;
}

void
ssh_inspect_postfix(const struct probe_opts *opts,
    const struct ssh_target *t, struct ssh_result *r,
    struct postfix_config **out)
{
	struct ssh_target	target = *t;
	struct ssh_session	s;
	long long		start = probe_now_ms();

	pthread_once(&ssh_once, ssh_global_init);
	memset(r, 0, sizeof *r);
	*out = NULL;
	if (target.port == 0)
		target.port = 22;

	memset(&s, 0, sizeof s);
	s.opts = opts;
	s.target = &target;
	s.res = r;
	s.fd = -1;
	r->status = SSH_FAILED;
	ssh_session_run(&s, out);

	if (s.session != NULL) {
		ssh_phase(&s, "disconnect");
		ssh_blocking_cleanup(&s);
		libssh2_session_disconnect(s.session, "done");
		libssh2_session_free(s.session);
	}
	if (s.fd != -1)
		close(s.fd);
	r->elapsed_ms = probe_now_ms() - start;
}

int
ssh_target_parse(const char *arg, char **user, char **host, int *port,
    char **cause)
{
	const char	*at = strrchr(arg, '@'), *h, *colon, *end;
	char		*p;
	long		 n;

	*user = *host = NULL;
	*port = 22;
	if (at == NULL || at == arg || at[1] == '\0') {
		xasprintf(cause, "--ssh wants USER@HOST[:PORT], not \"%s\"",
		    arg);
		return -1;
	}
	h = at + 1;
	if (*h == '[') {
		if ((end = strchr(h, ']')) == NULL) {
			xasprintf(cause, "unbalanced [ in \"%s\"", arg);
			return -1;
		}
		*host = xstrndup(h + 1, (size_t)(end - h - 1));
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			goto bad;
	} else {
		colon = strchr(h, ':');
		*host = xstrndup(h, colon != NULL ? (size_t)(colon - h) :
		    strlen(h));
	}
	if (colon != NULL) {
		n = strtol(colon + 1, &p, 10);
		if (colon[1] == '\0' || *p != '\0' || n < 1 || n > 65535)
			goto bad;
		*port = (int)n;
	}
	if (**host == '\0')
		goto bad;
	*user = xstrndup(arg, (size_t)(at - arg));
	return 0;

bad:
	xasprintf(cause, "--ssh wants USER@HOST[:PORT], not \"%s\"", arg);
	free(*host);
	*host = NULL;
	return -1;
}

void
ssh_result_free(struct ssh_result *r)
{
	free(r->error);
	free(r->key_type);
	free(r->fingerprint);
	memset(r, 0, sizeof *r);
}

const char *
ssh_status_name(enum ssh_status s)
{
	switch (s) {
	case SSH_OK:
		return "ok";
	case SSH_UNREACHABLE:
		return "unreachable";
	case SSH_HOSTKEY_UNKNOWN:
		return "hostkey-unknown";
	case SSH_HOSTKEY_CHANGED:
		return "hostkey-changed";
	case SSH_AUTH_FAILED:
		return "auth-failed";
	case SSH_FAILED:
		break;
	}
	return "failed";
}
