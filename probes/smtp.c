/*
 * SMTP STARTTLS probe: RFC 5321 (dialogue), RFC 3207 (STARTTLS).
 *
 * The session is an explicit state machine, as in OpenSMTPD's and curl's
 * SMTP clients: one enum, one table of names, one setter that logs every
 * transition.  Each state waits for at most the probe timeout, measured
 * from when the state was entered, so a server that trickles a byte per
 * second cannot hold the probe forever.
 *
 * The socket is non-blocking throughout; poll() bounds every read, write,
 * connect and TLS handshake step.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "smtp.h"
#include "xmalloc.h"

#define SMTP_REPLY_MAX	65536	/* longer replies are hostile */
#define SMTP_EHLO_NAME	"mxanchor.invalid"

enum smtp_state {
	SMTP_S_CONNECT,
	SMTP_S_BANNER,
	SMTP_S_EHLO,
	SMTP_S_STARTTLS,
	SMTP_S_HANDSHAKE,
	SMTP_S_TLS_EHLO,
	SMTP_S_QUIT,
	SMTP_S_DONE,
	SMTP_S_MAIL,
	SMTP_S_RCPT,
};

static const char *smtp_state_names[] = {
	"CONNECT", "BANNER", "EHLO", "STARTTLS", "HANDSHAKE", "TLS_EHLO",
	"QUIT", "DONE", "MAIL", "RCPT",
};

struct smtp_session {
	const struct probe_opts	*opts;
	struct smtp_result	*res;
	enum smtp_state		 state;
	long long		 deadline;	/* for the current state */

	int			 fd;
	SSL_CTX			*ctx;
	SSL			*ssl;

	const char		*rcpt;		/* smtp_rcpt_probe() */

	char			*buf;		/* bytes received, unparsed */
	size_t			 len;
	int			 code;		/* last complete reply */
	char			*reply;		/* its text, lines joined */
};

static int	 smtp_timeout_ms(const struct smtp_session *);
static void	 smtp_enter(struct smtp_session *, enum smtp_state);
static void	 smtp_fail(struct smtp_session *, enum smtp_outcome,
		     const char *, ...) __attribute__((format(printf, 3, 4)));
static int	 smtp_wait(struct smtp_session *, short);
static int	 smtp_connect(struct smtp_session *);
static int	 smtp_read_reply(struct smtp_session *);
static int	 smtp_send(struct smtp_session *, const char *);
static int	 smtp_ehlo_has(const char *, const char *);
static int	 smtp_handshake(struct smtp_session *);
static void	 smtp_collect_tls(struct smtp_session *);

static int
smtp_timeout_ms(const struct smtp_session *s)
{
	return s->opts->timeout_ms > 0 ? s->opts->timeout_ms :
	    PROBE_DEFAULT_TIMEOUT_MS;
}

/* Every transition goes through here, so the debug log shows them all. */
static void
smtp_enter(struct smtp_session *s, enum smtp_state next)
{
	log_debug("smtp %s [%s]: %s -> %s", s->res->host, s->res->addr,
	    smtp_state_names[s->state], smtp_state_names[next]);
	s->state = next;
	s->deadline = probe_now_ms() + smtp_timeout_ms(s);
}

static void
smtp_fail(struct smtp_session *s, enum smtp_outcome outcome,
    const char *fmt, ...)
{
	va_list	ap;

	s->res->outcome = outcome;
	free(s->res->error);
	va_start(ap, fmt);
	xvasprintf(&s->res->error, fmt, ap);
	va_end(ap);
	log_debug("smtp %s [%s]: %s in %s: %s", s->res->host, s->res->addr,
	    smtp_outcome_name(outcome), smtp_state_names[s->state],
	    s->res->error);
}

/* Waits for the socket until the state's deadline: 1 ready, 0 timeout. */
static int
smtp_wait(struct smtp_session *s, short events)
{
	struct pollfd	pfd;
	long long	left;
	int		n;

	for (;;) {
		left = s->deadline - probe_now_ms();
		if (left <= 0)
			return 0;
		pfd.fd = s->fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, (int)left);
		if (n > 0)
			return 1;
		if (n == 0)
			return 0;
		if (errno != EINTR)
			return 0;
	}
}

static int
smtp_connect(struct smtp_session *s)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 sslen, errlen = sizeof(int);
	int			 err = 0;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, s->res->addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(s->res->port);
		sslen = sizeof *sin;
	} else if (inet_pton(AF_INET6, s->res->addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(s->res->port);
		sslen = sizeof *sin6;
	} else {
		smtp_fail(s, SMTP_UNTESTED, "not a numeric address: %s",
		    s->res->addr);
		return -1;
	}

	s->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (s->fd == -1) {
		smtp_fail(s, SMTP_UNTESTED, "socket: %s", strerror(errno));
		return -1;
	}

	if (connect(s->fd, (struct sockaddr *)&ss, sslen) == -1) {
		if (errno != EINPROGRESS) {
			err = errno;
		} else if (!smtp_wait(s, POLLOUT)) {
			smtp_fail(s, SMTP_UNTESTED, "connection timed out "
			    "after %d ms (port %d blocked or host down?)",
			    smtp_timeout_ms(s), s->res->port);
			return -1;
		} else
			getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &errlen);
	}
	if (err != 0) {
		smtp_fail(s, SMTP_UNTESTED, "cannot connect to port %d: %s",
		    s->res->port, strerror(err));
		return -1;
	}
	return 0;
}

int
smtp_reply_parse(const char *buf, size_t len, int *code, size_t *used)
{
	const char	*line = buf, *nl;
	size_t		 left = len;
	int		 first = -1, c;

	/*
	 * Every line is three digits then '-' (more follows), ' ' or the
	 * line end (the last line).  RFC 5321 §4.2 lets the last line be
	 * the bare code, and text after "-" may itself start with digits.
	 */
	while ((nl = memchr(line, '\n', left)) != NULL) {
		if (nl - line < 3 || !isdigit((unsigned char)line[0]) ||
		    !isdigit((unsigned char)line[1]) ||
		    !isdigit((unsigned char)line[2]))
			return -1;
		c = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		    (line[2] - '0');
		/* Codes are 2xx to 5xx, the same on every line (§4.2.1). */
		if (c < 200 || c > 599 || (first != -1 && c != first))
			return -1;
		if (first == -1)
			first = c;
		if (nl - line == 3 || line[3] == ' ' || line[3] == '\r') {
			*code = first;
			*used = (size_t)(nl + 1 - buf);
			return 1;
		}
		if (line[3] != '-')
			return -1;
		left -= (size_t)(nl + 1 - line);
		line = nl + 1;
	}
	if (left > 0 && left >= 3 && (!isdigit((unsigned char)line[0]) ||
	    !isdigit((unsigned char)line[1]) ||
	    !isdigit((unsigned char)line[2])))
		return -1;
	return 0;
}

/* Copies the reply text without codes or line ends: "a\nb\nc". */
static char *
smtp_reply_text(const char *buf, size_t used)
{
	char	*out = xmalloc(used + 1);
	size_t	 i = 0, o = 0, start;

	while (i < used) {
		start = i;
		while (i < used && buf[i] != '\n')
			i++;
		if (i - start > 4) {
			memcpy(out + o, buf + start + 4, i - start - 4);
			o += i - start - 4;
			if (o > 0 && out[o - 1] == '\r')
				o--;
		}
		out[o++] = '\n';
		i++;
	}
	if (o > 0)
		o--;
	out[o] = '\0';
	return out;
}

/* Reads raw bytes from the socket or the TLS layer: >0, 0 eof, -1 error. */
static ssize_t
smtp_recv(struct smtp_session *s, char *p, size_t size)
{
	ssize_t	n;
	int	err;

	for (;;) {
		if (s->ssl == NULL) {
			n = recv(s->fd, p, size, 0);
			if (n >= 0)
				return n;
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return -1;
			if (!smtp_wait(s, POLLIN))
				return -2;
			continue;
		}
		n = SSL_read(s->ssl, p, (int)size);
		if (n > 0)
			return n;
		err = SSL_get_error(s->ssl, (int)n);
		if (err == SSL_ERROR_ZERO_RETURN)
			return 0;
		if (err == SSL_ERROR_WANT_READ) {
			if (!smtp_wait(s, POLLIN))
				return -2;
		} else if (err == SSL_ERROR_WANT_WRITE) {
			if (!smtp_wait(s, POLLOUT))
				return -2;
		} else
			return -1;
	}
}

/* Reads one complete reply into s->code and s->reply. */
static int
smtp_read_reply(struct smtp_session *s)
{
	size_t	used;
	ssize_t	n;
	int	rc;

	for (;;) {
		rc = smtp_reply_parse(s->buf, s->len, &s->code, &used);
		if (rc == -1) {
			smtp_fail(s, SMTP_PROTOCOL, "not an SMTP reply: "
			    "\"%.40s\"", s->buf);
			return -1;
		}
		if (rc == 1)
			break;
		if (s->len >= SMTP_REPLY_MAX) {
			smtp_fail(s, SMTP_PROTOCOL, "reply longer than %d "
			    "bytes", SMTP_REPLY_MAX);
			return -1;
		}

		n = smtp_recv(s, s->buf + s->len, SMTP_REPLY_MAX - s->len);
		if (n == -2) {
			smtp_fail(s, s->state == SMTP_S_BANNER ?
			    SMTP_UNTESTED : SMTP_PROTOCOL,
			    "no complete reply within %d ms",
			    smtp_timeout_ms(s));
			return -1;
		}
		if (n <= 0) {
			smtp_fail(s, SMTP_PROTOCOL, "connection closed by "
			    "server");
			return -1;
		}
		s->len += (size_t)n;
		s->buf[s->len] = '\0';
	}

	free(s->reply);
	s->reply = smtp_reply_text(s->buf, used);
	memmove(s->buf, s->buf + used, s->len - used);
	s->len -= used;
	s->buf[s->len] = '\0';
	return 0;
}

static int
smtp_send(struct smtp_session *s, const char *line)
{
	size_t	 off = 0, len = strlen(line);
	ssize_t	 n;
	int	 err;

	while (off < len) {
		if (s->ssl != NULL) {
			n = SSL_write(s->ssl, line + off, (int)(len - off));
			if (n > 0) {
				off += (size_t)n;
				continue;
			}
			err = SSL_get_error(s->ssl, (int)n);
			if ((err == SSL_ERROR_WANT_WRITE &&
			    smtp_wait(s, POLLOUT)) ||
			    (err == SSL_ERROR_WANT_READ &&
			    smtp_wait(s, POLLIN)))
				continue;
		} else {
			n = send(s->fd, line + off, len - off, MSG_NOSIGNAL);
			if (n > 0) {
				off += (size_t)n;
				continue;
			}
			if (n == -1 && (errno == EINTR ||
			    (errno == EAGAIN && smtp_wait(s, POLLOUT))))
				continue;
		}
		smtp_fail(s, SMTP_PROTOCOL, "cannot send to server");
		return -1;
	}
	return 0;
}

/* Does the EHLO reply list keyword (case-insensitive, first word)? */
static int
smtp_ehlo_has(const char *reply, const char *keyword)
{
	const char	*line = reply, *nl;
	size_t		 klen = strlen(keyword), llen;

	/* The first line is the server's name, not an extension. */
	if ((nl = strchr(line, '\n')) == NULL)
		return 0;
	for (line = nl + 1; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		llen = nl != NULL ? (size_t)(nl - line) : strlen(line);
		if (llen >= klen && strncasecmp(line, keyword, klen) == 0 &&
		    (llen == klen || line[klen] == ' '))
			return 1;
		if (nl == NULL)
			break;
	}
	return 0;
}

static int
smtp_handshake(struct smtp_session *s)
{
	X509_VERIFY_PARAM	*param;
	int			 n, err;

	s->ctx = SSL_CTX_new(TLS_client_method());
	if (s->ctx == NULL) {
		smtp_fail(s, SMTP_TLS_FAILED, "cannot create TLS context");
		return -1;
	}

	/*
	 * Accept whatever the server offers, down to TLS 1.0 and weak
	 * parameters: opportunistic senders do, and the verdict on the
	 * negotiated version belongs to the step, not to the handshake.
	 */
	SSL_CTX_set_security_level(s->ctx, 0);
	SSL_CTX_set_min_proto_version(s->ctx, TLS1_VERSION);
	SSL_CTX_set_verify(s->ctx, SSL_VERIFY_NONE, NULL);
	if (s->opts->ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(s->ctx, s->opts->ca_file,
		    NULL) != 1)
			log_debug("smtp: cannot load CA file %s",
			    s->opts->ca_file);
	} else
		SSL_CTX_set_default_verify_paths(s->ctx);

	s->ssl = SSL_new(s->ctx);
	SSL_set_fd(s->ssl, s->fd);
	SSL_set_tlsext_host_name(s->ssl, s->res->host);
	param = SSL_get0_param(s->ssl);
	X509_VERIFY_PARAM_set_hostflags(param,
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	X509_VERIFY_PARAM_set1_host(param, s->res->host, 0);

	for (;;) {
		ERR_clear_error();
		n = SSL_connect(s->ssl);
		if (n == 1)
			break;
		err = SSL_get_error(s->ssl, n);
		if ((err == SSL_ERROR_WANT_READ && smtp_wait(s, POLLIN)) ||
		    (err == SSL_ERROR_WANT_WRITE && smtp_wait(s, POLLOUT)))
			continue;
		if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
			smtp_fail(s, SMTP_TLS_FAILED, "TLS handshake timed "
			    "out after %d ms", smtp_timeout_ms(s));
		else
			smtp_fail(s, SMTP_TLS_FAILED, "TLS handshake "
			    "failed: %s", ERR_error_string(ERR_get_error(),
			    NULL));
		return -1;
	}
	smtp_collect_tls(s);
	return 0;
}

static void
smtp_collect_tls(struct smtp_session *s)
{
	STACK_OF(X509)	*chain;
	long		 verify;

	s->res->tls_version = xstrdup(SSL_get_version(s->ssl));
	s->res->cipher = xstrdup(SSL_CIPHER_get_name(
	    SSL_get_current_cipher(s->ssl)));
	s->res->leaf = SSL_get1_peer_certificate(s->ssl);
	if ((chain = SSL_get_peer_cert_chain(s->ssl)) != NULL)
		s->res->chain = X509_chain_up_ref(chain);

	verify = SSL_get_verify_result(s->ssl);
	s->res->pkix_ok = s->res->leaf != NULL && verify == X509_V_OK;
	if (!s->res->pkix_ok)
		s->res->pkix_error = xstrdup(s->res->leaf == NULL ?
		    "no certificate" : X509_verify_cert_error_string(verify));
	log_debug("smtp %s [%s]: %s %s pkix=%s", s->res->host, s->res->addr,
	    s->res->tls_version, s->res->cipher,
	    s->res->pkix_ok ? "ok" : s->res->pkix_error);
}

/*
 * A polite goodbye, best effort: what happens to it must not change the
 * verdict reached before, so it bypasses smtp_send() and smtp_fail().
 */
static void
smtp_quit(struct smtp_session *s)
{
	static const char	quit[] = "QUIT\r\n";

	smtp_enter(s, SMTP_S_QUIT);
	if (s->ssl != NULL)
		(void)SSL_write(s->ssl, quit, sizeof quit - 1);
	else
		(void)send(s->fd, quit, sizeof quit - 1, MSG_NOSIGNAL);
	smtp_enter(s, SMTP_S_DONE);
}

/*
 * MAIL FROM:<> then RCPT TO, on the connection as it is (inside TLS or
 * not).  The null sender is what bounces and address verification use;
 * RSET then forgets the transaction, so nothing is ever sent.  What the
 * server says does not change the outcome of the TLS dialogue.
 */
static void
smtp_session_rcpt(struct smtp_session *s)
{
	char	*line;
	int	 rc;

	/* Never let an address add a command of its own. */
	if (strpbrk(s->rcpt, "\r\n<>") != NULL) {
		s->res->rcpt_reply = xstrdup("not a usable address");
		return;
	}
	smtp_enter(s, SMTP_S_MAIL);
	if (smtp_send(s, "MAIL FROM:<>\r\n") != 0 || smtp_read_reply(s) != 0)
		return;
	if (s->code != 250) {
		xasprintf(&s->res->rcpt_reply, "MAIL FROM:<> answered %d %s",
		    s->code, s->reply);
		return;
	}

	smtp_enter(s, SMTP_S_RCPT);
	line = xprintf("RCPT TO:<%s>\r\n", s->rcpt);
	rc = smtp_send(s, line);
	free(line);
	if (rc != 0 || smtp_read_reply(s) != 0)
		return;
	s->res->rcpt_code = s->code;
	xasprintf(&s->res->rcpt_reply, "%d %s", s->code, s->reply);
	(void)smtp_send(s, "RSET\r\n");
}

/* Runs the dialogue; returns when done or failed (res->outcome says). */
static void
smtp_session_run(struct smtp_session *s)
{
	smtp_enter(s, SMTP_S_CONNECT);
	if (smtp_connect(s) != 0)
		return;

	smtp_enter(s, SMTP_S_BANNER);
	if (smtp_read_reply(s) != 0)
		return;
	s->res->banner = xstrndup(s->reply, strcspn(s->reply, "\n"));
	if (s->code != 220) {
		smtp_fail(s, SMTP_PROTOCOL, "greeting %d %s", s->code,
		    s->res->banner);
		return;
	}

	smtp_enter(s, SMTP_S_EHLO);
	if (smtp_send(s, "EHLO " SMTP_EHLO_NAME "\r\n") != 0 ||
	    smtp_read_reply(s) != 0)
		return;
	if (s->code != 250) {
		smtp_fail(s, SMTP_PROTOCOL, "EHLO answered %d", s->code);
		return;
	}
	s->res->starttls_offered = smtp_ehlo_has(s->reply, "STARTTLS");
	if (!s->res->starttls_offered) {
		smtp_fail(s, SMTP_NO_STARTTLS, "STARTTLS not offered");
		goto quit;
	}

	smtp_enter(s, SMTP_S_STARTTLS);
	if (smtp_send(s, "STARTTLS\r\n") != 0 || smtp_read_reply(s) != 0)
		return;
	if (s->code != 220) {
		smtp_fail(s, SMTP_TLS_FAILED, "STARTTLS answered %d %s",
		    s->code, s->reply);
		goto quit;
	}

	/*
	 * Bytes that arrived with the 220 were sent before TLS and must
	 * never be read as a reply inside it (RFC 3207 §6).
	 */
	if (s->len > 0) {
		s->res->injected = 1;
		log_debug("smtp %s: %zu bytes after STARTTLS reply dropped",
		    s->res->addr, s->len);
		s->len = 0;
	}

	smtp_enter(s, SMTP_S_HANDSHAKE);
	if (smtp_handshake(s) != 0)
		return;

	smtp_enter(s, SMTP_S_TLS_EHLO);
	if (smtp_send(s, "EHLO " SMTP_EHLO_NAME "\r\n") != 0 ||
	    smtp_read_reply(s) != 0)
		return;
	if (s->code != 250) {
		smtp_fail(s, SMTP_PROTOCOL, "EHLO after STARTTLS answered %d",
		    s->code);
		return;
	}
	s->res->outcome = SMTP_TLS_OK;

quit:
	if (s->rcpt != NULL)
		smtp_session_rcpt(s);
	smtp_quit(s);
}

void
smtp_probe(const struct probe_opts *opts, const char *host,
    const char *addr, int port, struct smtp_result *res)
{
	smtp_rcpt_probe(opts, host, addr, port, NULL, res);
}

void
smtp_rcpt_probe(const struct probe_opts *opts, const char *host,
    const char *addr, int port, const char *rcpt, struct smtp_result *res)
{
	struct smtp_session	s;
	long long		start = probe_now_ms();

	memset(res, 0, sizeof *res);
	res->host = xstrdup(host);
	res->addr = xstrdup(addr);
	res->port = port;
	res->outcome = SMTP_PROTOCOL;

	memset(&s, 0, sizeof s);
	s.opts = opts;
	s.res = res;
	s.rcpt = rcpt;
	s.fd = -1;
	s.buf = xmalloc(SMTP_REPLY_MAX + 1);
	s.buf[0] = '\0';

	smtp_session_run(&s);

	if (s.ssl != NULL)
		SSL_free(s.ssl);
	if (s.ctx != NULL)
		SSL_CTX_free(s.ctx);
	if (s.fd != -1)
		close(s.fd);
	free(s.buf);
	free(s.reply);
	res->elapsed_ms = probe_now_ms() - start;
}

void
smtp_result_free(struct smtp_result *res)
{
	free(res->host);
	free(res->addr);
	free(res->error);
	free(res->banner);
	free(res->tls_version);
	free(res->cipher);
	free(res->pkix_error);
	free(res->rcpt_reply);
	if (res->leaf != NULL)
		X509_free(res->leaf);
	if (res->chain != NULL)
		sk_X509_pop_free(res->chain, X509_free);
	memset(res, 0, sizeof *res);
}

const char *
smtp_outcome_name(enum smtp_outcome o)
{
	switch (o) {
	case SMTP_TLS_OK:
		return "tls";
	case SMTP_NO_STARTTLS:
		return "no-starttls";
	case SMTP_TLS_FAILED:
		return "tls-failed";
	case SMTP_PROTOCOL:
		return "protocol-error";
	case SMTP_UNTESTED:
		return "untested";
	}
	return "unknown";
}

int
smtp_ehlo_parse(const char *buf, size_t len, int *code, int *starttls)
{
	char	*text;
	size_t	 used;

	*starttls = 0;
	if (smtp_reply_parse(buf, len, code, &used) != 1)
		return -1;
	text = smtp_reply_text(buf, used);
	*starttls = smtp_ehlo_has(text, "STARTTLS");
	free(text);
	return 0;
}
