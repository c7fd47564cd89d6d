/*
 * SMTP STARTTLS probe (RFC 5321, RFC 3207).
 *
 * One call talks to one address: greeting, EHLO, STARTTLS, TLS handshake
 * with SNI set to the MX name, EHLO again, QUIT.  Every wait is bounded by
 * the probe timeout, except the greeting, which gets SMTP_GREETING_FACTOR
 * times as long: servers that delay it on purpose (postscreen) are normal,
 * and RFC 5321 §4.5.3.2 gives clients five minutes for it.  A server that
 * could not be reached (refused, timed out, unreachable) or that refused
 * to talk to us is SMTP_UNTESTED: nothing is known about it, which is not
 * the same as a server that failed.
 *
 * smtp_probe_with() runs variants of the same session, one connection
 * each: implicit TLS (port 465, RFC 8314 §3.3), a single TLS version
 * (does the server still accept TLS 1.0?), no SNI (what do clients that
 * send none get?), one kind of key (does the server hold an RSA and an
 * ECDSA certificate, and which does each kind of client get?).
 */
#ifndef MXANCHOR_SMTP_H
#define MXANCHOR_SMTP_H

#include <openssl/x509.h>

#include "probe.h"

enum smtp_outcome {
	SMTP_TLS_OK,		/* STARTTLS handshake completed */
	SMTP_NO_STARTTLS,	/* STARTTLS not offered */
	SMTP_TLS_FAILED,	/* refused or handshake failed */
	SMTP_PROTOCOL,		/* broken or hostile SMTP dialogue */
	SMTP_UNTESTED,		/* could not connect or timed out */
};

/* Greeting deadline = timeout x this. */
#define SMTP_GREETING_FACTOR	3

/* What one session tries; all zero is the ordinary STARTTLS probe. */
struct smtp_params {
	int	implicit_tls;	/* TLS from the first byte (port 465) */
	int	tls_version;	/* only this version (TLS1_VERSION, ...) */
	int	no_sni;		/* send no server name */
	const char *rcpt;	/* ask RCPT TO for it, see smtp_rcpt_probe */
	const char *sigalgs;	/* offer only these (OpenSSL list syntax) */
};

/*
 * Signature algorithms that make a server with both an RSA and an ECDSA
 * certificate hand over the one named; a server with only the other
 * kind fails the handshake (TLS 1.2 and up).
 */
#define SMTP_SIGALGS_RSA	"rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:" \
				"rsa_pss_rsae_sha512:rsa_pkcs1_sha256:" \
				"rsa_pkcs1_sha384:rsa_pkcs1_sha512"
#define SMTP_SIGALGS_ECDSA	"ecdsa_secp256r1_sha256:" \
				"ecdsa_secp384r1_sha384:ecdsa_secp521r1_sha512"

struct smtp_result {
	char			*host;		/* MX name, used for SNI */
	char			*addr;		/* numeric address */
	int			 port;

	enum smtp_outcome	 outcome;
	char			*error;		/* why, when not TLS_OK */
	const char		*failed_in;	/* state name, or NULL */
	int			 timed_out;	/* the failure was a wait */
	char			*banner;	/* greeting, first line */
	int			 greeting_lines;
	long long		 greeting_ms;	/* connected to greeted */
	char			*ehlo;		/* EHLO reply text, lines
						   joined by '\n' */
	int			 helo_fallback;	/* EHLO refused, HELO ok */
	int			 starttls_offered;
	int			 starttls_code;	/* reply to STARTTLS, or 0 */
	int			 injected;	/* data sent with the 220
						   to STARTTLS (RFC 3207 §6) */
	int			 implicit_tls;	/* session was port-465 style */
	int			 sni_sent;
	int			 ocsp_stapled;	/* a status was stapled */

	char			*tls_version;	/* "TLSv1.3" */
	char			*cipher;
	X509			*leaf;		/* owned */
	STACK_OF(X509)		*chain;		/* as sent, owned */
	int			 pkix_ok;	/* chain + name valid (CA file) */
	char			*pkix_error;

	long long		 elapsed_ms;

	/* smtp_rcpt_probe() only: the answer to RCPT TO, 0 if none. */
	int			 rcpt_code;
	char			*rcpt_reply;
};

void	smtp_probe(const struct probe_opts *, const char *host,
	    const char *addr, int port, struct smtp_result *);
void	smtp_probe_with(const struct probe_opts *, const char *host,
	    const char *addr, int port, const struct smtp_params *,
	    struct smtp_result *);
/*
 * Asks whether the server would take mail for rcpt, and sends none: the
 * same dialogue as smtp_probe() (STARTTLS when offered), then MAIL
 * FROM:<> and RCPT TO:<rcpt>, RSET and QUIT; never DATA.  rcpt_code is
 * the reply to RCPT (2xx accepted, 4xx deferred, 5xx refused), or 0 when
 * the dialogue did not get that far (outcome and error say why).
 */
void	smtp_rcpt_probe(const struct probe_opts *, const char *host,
	    const char *addr, int port, const char *rcpt,
	    struct smtp_result *);
void	smtp_result_free(struct smtp_result *);

const char *smtp_outcome_name(enum smtp_outcome);

/*
 * What a session limited to one TLS version says about that version:
 * the handshake completed, the server refused it, or the session ended
 * before the question was asked (no STARTTLS, unreachable, timed out).
 */
enum smtp_support {
	SMTP_SUPPORT_UNKNOWN,
	SMTP_SUPPORT_REFUSED,
	SMTP_SUPPORT_ACCEPTED,
};
enum smtp_support smtp_version_support(const struct smtp_result *);
const char	*smtp_support_name(enum smtp_support);

/* Does the EHLO reply text list keyword (case-insensitive)?  For tests. */
int	smtp_ehlo_has(const char *reply, const char *keyword);

/*
 * Reply parsing, exposed for tests: feed the bytes received so far;
 * returns 1 with the code when a complete (possibly multi-line) reply is
 * in buf, 0 when more is needed, -1 when the bytes are not SMTP.
 * *used is set to the bytes the reply took.
 */
int	smtp_reply_parse(const char *buf, size_t len, int *code, size_t *used);

/*
 * What the probe takes from an EHLO reply, exposed for tests and fuzzing:
 * the reply in buf as the probe would read it; returns -1 when it is not
 * one complete SMTP reply, else 0 with the code and whether STARTTLS is
 * offered (RFC 3207 §4).
 */
int	smtp_ehlo_parse(const char *buf, size_t len, int *code,
	    int *starttls);

#endif
