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
 *
 * STARTTLS:     CONNECT BANNER EHLO STARTTLS HANDSHAKE TLS_EHLO QUIT DONE
 * implicit TLS: CONNECT HANDSHAKE BANNER EHLO QUIT DONE
 *
 * Failures fall in the classes of enum smtp_outcome; res->failed_in names
 * the state, so a refused TLS version (HANDSHAKE) is told apart from a
 * session that never got that far.
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
	const struct smtp_params *params;
	struct smtp_result	*res;
	enum smtp_state		 state;
	long long		 deadline;	/* for the current state */

	int			 fd;
	SSL_CTX			*ctx;
	SSL			*ssl;

	char			*buf;		/* bytes received, unparsed */
	size_t			 len;
	int			 code;		/* last complete reply */
	char			*reply;		/* its text, lines joined */
	int			 lines;		/* and how many lines */
	long long		 connected;	/* probe_now_ms() */
};

static int	 smtp_timeout_ms(const struct smtp_session *);
static void	 smtp_enter(struct smtp_session *, enum smtp_state);
static void	 smtp_fail(struct smtp_session *, enum smtp_outcome,
		     const char *, ...) __attribute__((format(printf, 3, 4)));
static int	 smtp_wait(struct smtp_session *, short);
static int	 smtp_connect(struct smtp_session *);
static int	 smtp_read_reply(struct smtp_session *);
static int	 smtp_send(struct smtp_session *, const char *);
static int	 smtp_handshake(struct smtp_session *);
static const char *smtp_tls_error(void);
static void	 smtp_collect_tls(struct smtp_session *);

static int
smtp_timeout_ms(const struct smtp_session *s)
{
	return s->opts->timeout_ms > 0 ? s->opts->timeout_ms :
	    PROBE_DEFAULT_TIMEOUT_MS;
}

/* The greeting may be late on purpose; see smtp.h. */
static int
smtp_state_timeout_ms(const struct smtp_session *s, enum smtp_state state)
{
	if (state == SMTP_S_BANNER)
		return smtp_timeout_ms(s) * SMTP_GREETING_FACTOR;
	return smtp_timeout_ms(s);
}

/* Every transition goes through here, so the debug log shows them all. */
static void
smtp_enter(struct smtp_session *s, enum smtp_state next)
{
	log_debug("smtp %s [%s]:%d: %s -> %s", s->res->host, s->res->addr,
	    s->res->port, smtp_state_names[s->state],
	    smtp_state_names[next]);
	s->state = next;
	s->deadline = probe_now_ms() + smtp_state_timeout_ms(s, next);
}

static void
smtp_fail(struct smtp_session *s, enum smtp_outcome outcome,
    const char *fmt, ...)
{
	va_list	ap;

	s->res->outcome = outcome;
	s->res->failed_in = smtp_state_names[s->state];
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
			s->res->timed_out = 1;
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

/* Reads one complete reply into s->code, s->reply and s->lines. */
static int
smtp_read_reply(struct smtp_session *s)
{
	size_t	used, i;
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
			s->res->timed_out = 1;
			smtp_fail(s, s->state == SMTP_S_BANNER ?
			    SMTP_UNTESTED : SMTP_PROTOCOL,
			    "no complete %s within %d ms",
			    s->state == SMTP_S_BANNER ? "greeting" : "reply",
			    smtp_state_timeout_ms(s, s->state));
			return -1;
		}
		if (n <= 0) {
			smtp_fail(s, s->state == SMTP_S_BANNER && s->len == 0 ?
			    SMTP_UNTESTED : SMTP_PROTOCOL, "connection closed "
			    "by server%s", s->len == 0 ? "" : " mid-reply");
			return -1;
		}
		s->len += (size_t)n;
		s->buf[s->len] = '\0';
	}

	free(s->reply);
	s->reply = smtp_reply_text(s->buf, used);
	for (s->lines = 0, i = 0; i < used; i++)
		if (s->buf[i] == '\n')
			s->lines++;
	memmove(s->buf, s->buf + used, s->len - used);
	s->len -= used;
	s->buf[s->len] = '\0';
	return 0;
}

/*
 * Sends one command.  SMTP is lock-step without PIPELINING: bytes still
 * unread when the client is about to speak were sent out of turn, and a
 * real sender would take them for the reply to its next command.
 */
static int
smtp_send(struct smtp_session *s, const char *line)
{
	size_t	 off = 0, len = strlen(line);
	ssize_t	 n;
	int	 err;

	if (s->len > 0) {
		smtp_fail(s, SMTP_PROTOCOL, "server sent %zu bytes out of "
		    "turn (\"%.30s\") before the client's %.*s", s->len,
		    s->buf, (int)strcspn(line, " \r"), line);
		return -1;
	}
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

/*
 * An EHLO keyword is the first word of a line after the first (which
 * names the server), compared without case (RFC 5321 §4.1.1.1).  Some
 * servers pad with blanks or tabs; they count as the end of the word.
 */
int
smtp_ehlo_has(const char *reply, const char *keyword)
{
	const char	*line, *nl;
	size_t		 klen = strlen(keyword), llen;

	if ((nl = strchr(reply, '\n')) == NULL)
		return 0;
	for (line = nl + 1; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		llen = nl != NULL ? (size_t)(nl - line) : strlen(line);
		while (llen > 0 && isspace((unsigned char)*line)) {
			line++;
			llen--;
		}
		if (llen >= klen && strncasecmp(line, keyword, klen) == 0 &&
		    (llen == klen || isspace((unsigned char)line[klen])))
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
	int			 n, err, min, max;

	s->ctx = SSL_CTX_new(TLS_client_method());
	if (s->ctx == NULL) {
		smtp_fail(s, SMTP_TLS_FAILED, "cannot create TLS context");
		return -1;
	}

	/*
	 * Accept whatever the server offers, down to TLS 1.0 and weak
	 * parameters: opportunistic senders do, and the verdict on the
	 * negotiated version belongs to the step, not to the handshake.
	 * OpenSSL 3 refuses TLS 1.0 and 1.1 above security level 0.
	 */
	min = s->params->tls_version != 0 ? s->params->tls_version :
	    TLS1_VERSION;
	max = s->params->tls_version;
	SSL_CTX_set_security_level(s->ctx, 0);
	SSL_CTX_set_min_proto_version(s->ctx, min);
	SSL_CTX_set_max_proto_version(s->ctx, max);
	SSL_CTX_set_verify(s->ctx, SSL_VERIFY_NONE, NULL);
	if (s->params->sigalgs != NULL &&
	    SSL_CTX_set1_sigalgs_list(s->ctx, s->params->sigalgs) != 1) {
		smtp_fail(s, SMTP_TLS_FAILED, "bad signature algorithms");
		return -1;
	}
	if (s->opts->ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(s->ctx, s->opts->ca_file,
		    NULL) != 1)
			log_debug("smtp: cannot load CA file %s",
			    s->opts->ca_file);
	} else
		SSL_CTX_set_default_verify_paths(s->ctx);

	s->ssl = SSL_new(s->ctx);
	SSL_set_fd(s->ssl, s->fd);
	if (!s->params->no_sni) {
		SSL_set_tlsext_host_name(s->ssl, s->res->host);
		s->res->sni_sent = 1;
	}
	SSL_set_tlsext_status_type(s->ssl, TLSEXT_STATUSTYPE_ocsp);
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
		if (err == SSL_ERROR_WANT_READ ||
		    err == SSL_ERROR_WANT_WRITE) {
			s->res->timed_out = 1;
			smtp_fail(s, SMTP_TLS_FAILED, "TLS handshake timed "
			    "out after %d ms", smtp_timeout_ms(s));
		} else
			smtp_fail(s, SMTP_TLS_FAILED, "TLS handshake "
			    "failed: %s", smtp_tls_error());
		return -1;
	}
	smtp_collect_tls(s);
	return 0;
}

/* The first queued OpenSSL error, or what the socket said. */
static const char *
smtp_tls_error(void)
{
	unsigned long	e = ERR_get_error();

	if (e == 0)
		return "connection closed";
	return ERR_reason_error_string(e) != NULL ?
	    ERR_reason_error_string(e) : "unknown TLS error";
}

static void
smtp_collect_tls(struct smtp_session *s)
{
	STACK_OF(X509)		*chain;
	const unsigned char	*ocsp;
	long			 verify;

	s->res->tls_version = xstrdup(SSL_get_version(s->ssl));
	s->res->cipher = xstrdup(SSL_CIPHER_get_name(
	    SSL_get_current_cipher(s->ssl)));
	s->res->leaf = SSL_get1_peer_certificate(s->ssl);
	if ((chain = SSL_get_peer_cert_chain(s->ssl)) != NULL)
		s->res->chain = X509_chain_up_ref(chain);
	s->res->ocsp_stapled = SSL_get_tlsext_status_ocsp_resp(s->ssl,
	    &ocsp) > 0;

	verify = SSL_get_verify_result(s->ssl);
	s->res->pkix_ok = s->res->leaf != NULL && verify == X509_V_OK;
	if (!s->res->pkix_ok)
		s->res->pkix_error = xstrdup(s->res->leaf == NULL ?
		    "no certificate" : X509_verify_cert_error_string(verify));
	log_debug("smtp %s [%s]:%d: %s %s pkix=%s ocsp=%d sni=%d",
	    s->res->host, s->res->addr, s->res->port, s->res->tls_version,
	    s->res->cipher, s->res->pkix_ok ? "ok" : s->res->pkix_error,
	    s->res->ocsp_stapled, s->res->sni_sent);
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
 * The greeting.  Anything but 220 is the server declining this session
 * (421 busy, 554 "no service for you"): nothing can be tested, which is
 * not the server's TLS failing (RFC 5321 §3.1, §4.2.3).
 */
static int
smtp_greeting(struct smtp_session *s)
{
	smtp_enter(s, SMTP_S_BANNER);
	if (smtp_read_reply(s) != 0)
		return -1;
	s->res->greeting_ms = probe_now_ms() - s->connected;
	s->res->greeting_lines = s->lines;
	s->res->banner = xstrndup(s->reply, strcspn(s->reply, "\n"));
	if (s->code != 220) {
		smtp_fail(s, SMTP_UNTESTED, "the server declined the session: "
		    "%d %s", s->code, s->res->banner);
		return -1;
	}
	return 0;
}

/*
 * EHLO, falling back to HELO when the server does not know EHLO (RFC
 * 5321 §3.2): such a server speaks no extensions, so no STARTTLS.
 */
static int
smtp_ehlo(struct smtp_session *s, enum smtp_state state)
{
	int	ehlo_code;

	smtp_enter(s, state);
	if (smtp_send(s, "EHLO " SMTP_EHLO_NAME "\r\n") != 0 ||
	    smtp_read_reply(s) != 0)
		return -1;
	if (s->code == 250)
		return 0;
	if (s->code == 421) {
		smtp_fail(s, SMTP_UNTESTED, "the server closed the session "
		    "after EHLO: 421 %s", s->reply);
		return -1;
	}
	if (s->code < 500 || state != SMTP_S_EHLO) {
		smtp_fail(s, SMTP_PROTOCOL, "EHLO%s answered %d %s",
		    state == SMTP_S_TLS_EHLO ? " after STARTTLS" : "",
		    s->code, s->reply);
		return -1;
	}

	ehlo_code = s->code;
	if (smtp_send(s, "HELO " SMTP_EHLO_NAME "\r\n") != 0 ||
	    smtp_read_reply(s) != 0)
		return -1;
	if (s->code != 250) {
		smtp_fail(s, SMTP_PROTOCOL, "EHLO answered %d and HELO %d",
		    ehlo_code, s->code);
		return -1;
	}
	s->res->helo_fallback = 1;
	free(s->reply);
	s->reply = xstrdup("");
	return 0;
}

/* STARTTLS and what comes with its answer; 1 to go on, 0 to quit. */
static int
smtp_starttls(struct smtp_session *s)
{
	s->res->starttls_offered = smtp_ehlo_has(s->reply, "STARTTLS");
	if (!s->res->starttls_offered) {
		smtp_fail(s, SMTP_NO_STARTTLS, s->res->helo_fallback ?
		    "EHLO refused, HELO accepted: no extensions, so no "
		    "STARTTLS" : "STARTTLS not offered");
		return 0;
	}

	smtp_enter(s, SMTP_S_STARTTLS);
	if (smtp_send(s, "STARTTLS\r\n") != 0 || smtp_read_reply(s) != 0)
		return -1;
	s->res->starttls_code = s->code;
	if (s->code != 220) {
		smtp_fail(s, SMTP_TLS_FAILED, "STARTTLS advertised but "
		    "refused: %d %s", s->code, s->reply);
		return 0;
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
	return 1;
}

/*
 * MAIL FROM:<> then RCPT TO, on the connection as it is (inside TLS or
 * not).  The null sender is what bounces and address verification use;
 * RSET then forgets the transaction, so nothing is ever sent.
 */
static void
smtp_session_rcpt(struct smtp_session *s)
{
	const char	*rcpt = s->params->rcpt;
	char		*line;
	int		 rc;

	/* Never let an address add a command of its own. */
	if (strpbrk(rcpt, "\r\n<>") != NULL) {
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
	line = xprintf("RCPT TO:<%s>\r\n", rcpt);
	rc = smtp_send(s, line);
	free(line);
	if (rc != 0 || smtp_read_reply(s) != 0)
		return;
	s->res->rcpt_code = s->code;
	xasprintf(&s->res->rcpt_reply, "%d %s", s->code, s->reply);
	(void)smtp_send(s, "RSET\r\n");
}

/*
 * The end of a session that got through: the RCPT question when asked,
 * which must not change the verdict on the TLS dialogue, then QUIT.
 */
static void
smtp_finish(struct smtp_session *s)
{
	enum smtp_outcome	 outcome = s->res->outcome;
	char			*error;

	if (s->params->rcpt != NULL) {
		error = s->res->error != NULL ? xstrdup(s->res->error) : NULL;
		smtp_session_rcpt(s);
		s->res->outcome = outcome;
		free(s->res->error);
		s->res->error = error;
	}
	smtp_quit(s);
}

/* Runs the dialogue; returns when done or failed (res->outcome says). */
static void
smtp_session_run(struct smtp_session *s)
{
	int	rc;

	smtp_enter(s, SMTP_S_CONNECT);
	if (smtp_connect(s) != 0)
		return;
	s->connected = probe_now_ms();

	if (s->params->implicit_tls) {
		smtp_enter(s, SMTP_S_HANDSHAKE);
		if (smtp_handshake(s) != 0)
			return;
	}
	if (smtp_greeting(s) != 0 || smtp_ehlo(s, SMTP_S_EHLO) != 0)
		return;
	s->res->ehlo = xstrdup(s->reply);

	if (!s->params->implicit_tls) {
		if ((rc = smtp_starttls(s)) <= 0) {
			if (rc == 0)
				smtp_finish(s);
			return;
		}
		smtp_enter(s, SMTP_S_HANDSHAKE);
		if (smtp_handshake(s) != 0 ||
		    smtp_ehlo(s, SMTP_S_TLS_EHLO) != 0)
			return;
	}
	s->res->outcome = SMTP_TLS_OK;
	smtp_finish(s);
}

void
smtp_probe_with(const struct probe_opts *opts, const char *host,
    const char *addr, int port, const struct smtp_params *params,
    struct smtp_result *res)
{
	struct smtp_session	s;
	long long		start = probe_now_ms();

	memset(res, 0, sizeof *res);
	res->host = xstrdup(host);
	res->addr = xstrdup(addr);
	res->port = port;
	res->outcome = SMTP_PROTOCOL;
	res->implicit_tls = params->implicit_tls;

	memset(&s, 0, sizeof s);
	s.opts = opts;
	s.params = params;
	s.res = res;
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
smtp_probe(const struct probe_opts *opts, const char *host,
    const char *addr, int port, struct smtp_result *res)
{
	static const struct smtp_params	plain;

	smtp_probe_with(opts, host, addr, port, &plain, res);
}

void
smtp_rcpt_probe(const struct probe_opts *opts, const char *host,
    const char *addr, int port, const char *rcpt, struct smtp_result *res)
{
	struct smtp_params	params;

	memset(&params, 0, sizeof params);
	params.rcpt = rcpt;
	smtp_probe_with(opts, host, addr, port, &params, res);
}

void
smtp_result_free(struct smtp_result *res)
{
	free(res->host);
	free(res->addr);
	free(res->error);
	free(res->banner);
	free(res->ehlo);
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

/*
 * A handshake that failed, not for want of time, is the server saying
 * no to the version (or to every cipher the version allows).
 */
enum smtp_support
smtp_version_support(const struct smtp_result *r)
{
	if (r->outcome == SMTP_TLS_OK)
		return SMTP_SUPPORT_ACCEPTED;
	if (r->outcome == SMTP_TLS_FAILED && r->failed_in != NULL &&
	    strcmp(r->failed_in, "HANDSHAKE") == 0 && !r->timed_out)
		return SMTP_SUPPORT_REFUSED;
	return SMTP_SUPPORT_UNKNOWN;
}

const char *
smtp_support_name(enum smtp_support v)
{
	switch (v) {
	case SMTP_SUPPORT_ACCEPTED:
		return "accepted";
	case SMTP_SUPPORT_REFUSED:
		return "refused";
	case SMTP_SUPPORT_UNKNOWN:
		break;
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
