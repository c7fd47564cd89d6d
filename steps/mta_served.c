/*
 * The mta step, served side: what each MX address shows on port 25 (and
 * on 465 and 587 when they were probed), beyond "TLS works", which the
 * tlsa step already needs.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>

#include "clock.h"
#include "mta.h"
#include "tlsa.h"
#include "xmalloc.h"

#define RFC_STARTTLS		"RFC 3207 §4"
#define RFC_STARTTLS_RESET	"RFC 3207 §4.2"
#define RFC_NO_TLS10		"RFC 8996 §4"
#define RFC_NO_TLS11		"RFC 8996 §5"
#define RFC_GREETING		"RFC 5321 §4.5.3.2"
#define RFC_SUBMISSION		"RFC 8314 §3.3"

char *
mta_served_spki(X509 *x)
{
	return tlsa_cert_digest_hex(x, 1, 1);
}

/* The session's outcome when it is not TLS; returns 1 when it is. */
static int
mta_served_outcome(struct mta_run *run, const char *host,
    const struct smtp_result *s)
{
	struct findings	*fs = &run->r->findings;

	switch (s->outcome) {
	case SMTP_TLS_OK:
		return 1;
	case SMTP_UNTESTED:
		findings_add(fs, SEV_WARN, "mta.untested", NULL, "%s [%s]: "
		    "could not test: %s", host, s->addr, s->error);
		break;
	case SMTP_NO_STARTTLS:
		findings_add_req(fs, SEV_ERROR, REQ_ADVICE, "mta.no-starttls",
		    RFC_STARTTLS, "%s [%s] offers no STARTTLS%s: mail to it "
		    "travels in clear text, and neither DANE nor MTA-STS "
		    "can protect it; set smtpd_tls_security_level = may and "
		    "a certificate", host, s->addr, s->helo_fallback ?
		    " (it refuses EHLO, so it has no extensions at all)" :
		    "");
		break;
	case SMTP_TLS_FAILED:
		findings_add(fs, SEV_ERROR, s->starttls_code != 0 &&
		    s->starttls_code != 220 ? "mta.starttls-refused" :
		    "mta.tls-failed", RFC_STARTTLS, "%s [%s]: %s; senders "
		    "fall back to clear text, or defer the mail when they "
		    "require TLS", host, s->addr, s->error);
		break;
	case SMTP_PROTOCOL:
		findings_add(fs, SEV_ERROR, "mta.protocol", NULL, "%s [%s] "
		    "breaks the SMTP dialogue (in %s): %s", host, s->addr,
		    s->failed_in != NULL ? s->failed_in : "?", s->error);
		break;
	}
	return 0;
}

/* What the separate one-version sessions found. */
static void
mta_served_legacy(struct mta_run *run, const char *host,
    const struct mx_addr *a)
{
	struct findings		*fs = &run->r->findings;
	const struct smtp_result *v[2] = { &a->tls10, &a->tls11 };
	static const char	*names[2] = { "TLS 1.0", "TLS 1.1" };
	static const char	*codes[2] = { "mta.tls10", "mta.tls11" };
	static const char	*rfcs[2] = { RFC_NO_TLS10, RFC_NO_TLS11 };
	size_t			 i;

	for (i = 0; i < 2; i++) {
		switch (smtp_version_support(v[i])) {
		case SMTP_SUPPORT_ACCEPTED:
			findings_add_req(fs, SEV_WARN, REQ_MUST, codes[i],
			    rfcs[i], "%s [%s] still accepts %s (%s) from "
			    "senders that offer it; allow TLS 1.2 and up "
			    "(smtpd_tls_protocols = >=TLSv1.2)", host,
			    a->addr, names[i], v[i]->cipher);
			break;
		case SMTP_SUPPORT_REFUSED:
			break;
		case SMTP_SUPPORT_UNKNOWN:
			findings_add(fs, SEV_INFO, "mta.version-untested",
			    NULL, "%s [%s]: could not tell whether %s is "
			    "accepted: %s", host, a->addr, names[i],
			    v[i]->error != NULL ? v[i]->error : "no answer");
			break;
		}
	}
}

/*
 * Whole days from clock_now() until t; *past when t has gone by.  *ok
 * is 0 when the time cannot be read.
 */
static long
mta_days_until(const ASN1_TIME *t, int *past, int *ok)
{
	ASN1_TIME	*now = ASN1_TIME_set(NULL, clock_now());
	int		 days = 0, secs = 0;

	*ok = now != NULL && ASN1_TIME_diff(&days, &secs, now, t) == 1;
	*past = days < 0 || secs < 0;
	ASN1_TIME_free(now);
	return days;
}

static void
mta_served_expiry(struct mta_run *run, const char *host,
    const struct smtp_result *s)
{
	struct findings	*fs = &run->r->findings;
	char		 when[32];
	struct tm	 tm;
	long		 days;
	int		 ok, past;

	days = mta_days_until(X509_get0_notBefore(s->leaf), &past, &ok);
	if (ok && !past) {
		findings_add(fs, SEV_ERROR, "mta.cert-not-yet-valid", NULL,
		    "%s [%s]: the certificate is not valid yet (in %ld "
		    "days); is the server's clock right?", host, s->addr,
		    days);
		return;
	}
	days = mta_days_until(X509_get0_notAfter(s->leaf), &past, &ok);
	if (!ok || ASN1_TIME_to_tm(X509_get0_notAfter(s->leaf), &tm) != 1) {
		findings_add(fs, SEV_WARN, "mta.cert-dates", NULL, "%s [%s]: "
		    "cannot read the certificate's validity dates", host,
		    s->addr);
		return;
	}
	strftime(when, sizeof when, "%Y-%m-%d", &tm);
	if (past)
		findings_add(fs, SEV_ERROR, "mta.cert-expired", NULL,
		    "%s [%s]: the certificate expired on %s; MTA-STS "
		    "senders refuse it, and a renewal hook has not run",
		    host, s->addr, when);
	else if (days < (run->o->horizon_days > 0 ? run->o->horizon_days :
	    MTA_EXPIRY_WARN_DAYS))
		findings_add(fs, SEV_WARN, "mta.cert-expiring", NULL,
		    "%s [%s]: the certificate expires on %s, in %ld days; "
		    "is renewal (and the reload after it) working?", host,
		    s->addr, when, days);
	else
		findings_add(fs, SEV_INFO, "mta.cert-valid", NULL, "%s [%s]: "
		    "certificate valid until %s (%ld days)", host, s->addr,
		    when, days);
}

/* Clients that send no SNI: do they get the same key? */
static void
mta_served_sni(struct mta_run *run, const char *host,
    const struct mx_addr *a)
{
	struct findings	*fs = &run->r->findings;
	char		*with, *without;

	if (a->nosni.outcome != SMTP_TLS_OK) {
		if (a->nosni.outcome == SMTP_TLS_FAILED)
			findings_add_req(fs, SEV_WARN, REQ_ADVICE,
			    "mta.sni-required", NULL, "%s [%s]: a client "
			    "that sends no SNI gets no TLS (%s); many "
			    "senders send none", host, a->addr,
			    a->nosni.error);
		return;
	}
	with = mta_served_spki(a->smtp.leaf);
	without = mta_served_spki(a->nosni.leaf);
	if (with != NULL && without != NULL && strcmp(with, without) != 0)
		findings_add_req(fs, SEV_WARN, REQ_ADVICE, "mta.sni-differs",
		    NULL, "%s [%s]: a client that sends no SNI gets another "
		    "key (%.16s...) than one asking for %s (%.16s...); "
		    "senders without SNI see a certificate TLSA may not "
		    "match", host, a->addr, without, host, with);
	free(with);
	free(without);
}

static void
mta_served_tls(struct mta_run *run, const char *host,
    const struct mx_addr *a)
{
	struct findings			*fs = &run->r->findings;
	const struct smtp_result	*s = &a->smtp;

	if (strcmp(s->tls_version, "TLSv1") == 0 ||
	    strcmp(s->tls_version, "TLSv1.1") == 0 ||
	    strcmp(s->tls_version, "SSLv3") == 0)
		findings_add_req(fs, SEV_ERROR, REQ_MUST, "mta.tls-old",
		    RFC_NO_TLS10, "%s [%s] negotiated %s with a client "
		    "offering every version up to TLS 1.3: it cannot do "
		    "better", host, s->addr, s->tls_version);
	mta_served_legacy(run, host, a);
	mta_served_expiry(run, host, s);

	if (!s->pkix_ok)
		findings_add(fs, SEV_WARN, "mta.pkix", NULL, "%s [%s]: the "
		    "chain as sent does not validate for %s under WebPKI "
		    "(%s, %d certificate%s sent); DANE-EE senders do not "
		    "mind, MTA-STS senders refuse it", host, s->addr, host,
		    s->pkix_error, s->chain != NULL ? sk_X509_num(s->chain) :
		    0, s->chain != NULL && sk_X509_num(s->chain) == 1 ? "" :
		    "s");
	findings_add(fs, SEV_INFO, s->ocsp_stapled ? "mta.ocsp-stapled" :
	    "mta.no-ocsp-staple", NULL, "%s [%s]: %s", host, s->addr,
	    s->ocsp_stapled ? "an OCSP response is stapled" : "no OCSP "
	    "response stapled (SMTP senders do not ask for one)");
	if (s->injected)
		findings_add_req(fs, SEV_WARN, REQ_MUST, "mta.injection",
		    RFC_STARTTLS_RESET, "%s [%s]: data arrived right after "
		    "the 220 to STARTTLS, before TLS; a client must discard "
		    "it (mxanchor did). A buggy server or something in the "
		    "path injects plaintext", host, s->addr);
	mta_served_sni(run, host, a);
}

/* Ports 465 and 587, when the operator asked for them. */
static void
mta_served_submission(struct mta_run *run, const char *host,
    const struct mx_addr *a)
{
	struct findings			*fs = &run->r->findings;
	const struct smtp_result	*v[2] = { &a->smtps, &a->submission };
	size_t				 i;

	for (i = 0; i < 2; i++) {
		if (v[i]->host == NULL)
			continue;
		if (v[i]->outcome == SMTP_TLS_OK)
			findings_add(fs, SEV_INFO, "mta.submission", NULL,
			    "%s [%s]:%d: %s, %s", host, a->addr, v[i]->port,
			    v[i]->implicit_tls ? "implicit TLS" : "STARTTLS",
			    v[i]->tls_version);
		else if (v[i]->outcome == SMTP_UNTESTED)
			findings_add(fs, SEV_INFO, "mta.submission", NULL,
			    "%s [%s]:%d: nothing to test (%s)", host, a->addr,
			    v[i]->port, v[i]->error);
		else
			findings_add(fs, SEV_WARN, "mta.submission-tls",
			    RFC_SUBMISSION, "%s [%s]:%d: %s", host, a->addr,
			    v[i]->port, v[i]->error);
	}
}

/* All addresses of a host should serve one key, IPv4 and IPv6 alike. */
static void
mta_served_consistency(struct mta_run *run, const struct mx_host *h)
{
	char	*first = NULL, *other;
	size_t	 i, firsti = 0;

	for (i = 0; i < h->naddrs; i++) {
		if (h->addrs[i].smtp.outcome != SMTP_TLS_OK)
			continue;
		if (first == NULL) {
			first = mta_served_spki(h->addrs[i].smtp.leaf);
			firsti = i;
			continue;
		}
		other = mta_served_spki(h->addrs[i].smtp.leaf);
		if (first != NULL && other != NULL &&
		    strcmp(first, other) != 0)
			findings_add(&run->r->findings, SEV_WARN,
			    "mta.keys-differ", NULL, "%s serves one key on "
			    "%s and another on %s: every key needs its TLSA "
			    "record, and a renewal must reach every server",
			    h->name, h->addrs[firsti].addr, h->addrs[i].addr);
		free(other);
	}
	free(first);
}

void
mta_served_check(struct mta_run *run)
{
	const struct mx_host	*h;
	const struct mx_addr	*a;
	size_t			 i, j;

	for (i = 0; i < run->o->nhosts; i++) {
		h = &run->o->hosts[i];
		for (j = 0; j < h->naddrs; j++) {
			a = &h->addrs[j];
			if (a->smtp.greeting_ms > 5000)
				findings_add(&run->r->findings, SEV_INFO,
				    "mta.slow-greeting", RFC_GREETING, "%s "
				    "[%s]: the greeting took %lld ms (a "
				    "postscreen pause?); senders wait up to "
				    "5 minutes", h->name, a->addr,
				    a->smtp.greeting_ms);
			if (mta_served_outcome(run, h->name, &a->smtp))
				mta_served_tls(run, h->name, a);
			mta_served_submission(run, h->name, a);
		}
		mta_served_consistency(run, h);
	}
}
