/*
 * Step 3, TLSA: every MX host publishes TLSA records at _25._tcp.<host>
 * that match the certificate it serves (RFC 7672 §3, RFC 7671).  The
 * recommended form is "3 1 1": the SHA-256 digest of the server's
 * public key, which survives certificate renewals that keep the key.
 *
 * A record set passes for an address when, for each usage, selector and
 * matching type present among the usable records, at least one record
 * matches: a stale record of another kind beside a good one still makes
 * some senders fail.
 */
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "observe.h"
#include "rollover.h"
#include "step.h"
#include "strbuf.h"
#include "tlsa.h"
#include "tlsa_forms.h"
#include "xmalloc.h"

#define RFC_TLSA_SMTP	"RFC 7672 §3.1"
#define RFC_TLSA_SEC	"RFC 7672 §2.2"
#define RFC_TLSA_MATCH	"RFC 7671 §5"
#define RFC_TLSA_TLS	"RFC 7672 §2.2"
#define RFC_TLSA_DATA	"RFC 6698 §2.1.3"

static const char tlsa_help[] =
    "Publishes, for each MX host, a TLSA record pinning the public key "
    "the host serves on port 25.  Senders that validate DANE (Postfix, "
    "Exim, many large providers) then refuse to deliver to anything "
    "else, so a downgrade or an impostor certificate no longer works.  "
    "Use \"3 1 1\" (the SHA-256 digest of the public key): it stays "
    "valid across renewals that keep the key.  When the key changes, "
    "publish the new record before the new key goes live.";

struct tlsa_set {
	struct tlsa_record	*v;
	size_t			 n;
};

/* Usable for SMTP: DANE-TA(2) or DANE-EE(3), known selector and type. */
static int
tlsa_usable(const struct tlsa_record *t)
{
	if (t->usage != 2 && t->usage != 3)
		return 0;
	if (t->selector > 1)
		return 0;
	return (t->mtype == 1 && t->len == 32) ||
	    (t->mtype == 2 && t->len == 64) || (t->mtype == 0 && t->len > 0);
}

static void
tlsa_set_load(const struct dns_answer *a, struct tlsa_set *set,
    const char *host, struct step_result *r)
{
	struct tlsa_record	 t;
	char			*s;
	size_t			 i;

	memset(set, 0, sizeof *set);
	for (i = 0; i < ldns_rr_list_rr_count(a->rrs); i++) {
		if (tlsa_from_rr(ldns_rr_list_rr(a->rrs, i), &t) != 0)
			continue;
		if (tlsa_is_empty_digest(&t)) {
			s = tlsa_record_str(&t);
			findings_add(&r->findings, SEV_ERROR,
			    "tlsa.empty-digest", RFC_TLSA_DATA, "%s: TLSA %s "
			    "is the digest of empty input: the tool that made "
			    "it failed to extract the public key (an ECDSA "
			    "key given to an RSA-only command?)", host, s);
			free(s);
		}
		if (!tlsa_usable(&t)) {
			s = tlsa_record_str(&t);
			findings_add(&r->findings, SEV_WARN, "tlsa.unusable",
			    RFC_TLSA_SMTP, "%s: TLSA %s is unusable for SMTP "
			    "(only usages 2 and 3 with known selectors, "
			    "matching types and digest lengths count)", host,
			    s);
			free(s);
			tlsa_record_free(&t);
			continue;
		}
		set->v = xreallocarray(set->v, set->n + 1, sizeof *set->v);
		set->v[set->n++] = t;
	}
}

static void
tlsa_set_free(struct tlsa_set *set)
{
	size_t	i;

	for (i = 0; i < set->n; i++)
		tlsa_record_free(&set->v[i]);
	free(set->v);
}

/* Usage 3 looks at the leaf, usage 2 at the certificates above it. */
static int
tlsa_record_matches(const struct tlsa_record *t, const struct smtp_result *s)
{
	int	i;

	if (t->usage == 3)
		return tlsa_matches_cert(t, s->leaf);
	if (s->chain == NULL)
		return 0;
	for (i = 1; i < sk_X509_num(s->chain); i++)
		if (tlsa_matches_cert(t, sk_X509_value(s->chain, i)))
			return 1;
	return 0;
}

static int
tlsa_same_kind(const struct tlsa_record *a, const struct tlsa_record *b)
{
	return a->usage == b->usage && a->selector == b->selector &&
	    a->mtype == b->mtype;
}

/* One mismatch finding naming the published and the served data. */
static void
tlsa_report_mismatch(const struct tlsa_set *set, size_t kind,
    const char *host, const struct smtp_result *s, struct step_result *r)
{
	const struct tlsa_record	*k = &set->v[kind];
	struct strbuf			 pub = { NULL, 0, 0 };
	char				*hex, *served;
	size_t				 i;

	for (i = 0; i < set->n; i++) {
		if (!tlsa_same_kind(&set->v[i], k))
			continue;
		hex = tlsa_data_hex(&set->v[i]);
		strbuf_printf(&pub, "%s%s", pub.len > 0 ? ", " : "", hex);
		free(hex);
	}
	served = tlsa_cert_digest_hex(s->leaf, k->selector, k->mtype);
	findings_add(&r->findings, SEV_ERROR, "tlsa.mismatch",
	    RFC_TLSA_MATCH, "%s [%s]: no TLSA %u %u %u record matches the "
	    "%s served; published %s; served %s %u %u %u %s", host, s->addr,
	    k->usage, k->selector, k->mtype,
	    k->usage == 3 ? "certificate" : "chain",
	    pub.s, k->usage == 3 ? "leaf" : "leaf (issuer not matched)",
	    k->usage, k->selector, k->mtype,
	    served != NULL ? served : "(none)");
	free(served);
	strbuf_free(&pub);
}

/* Judges one address against the set; returns 1 when it is matched. */
static int
tlsa_check_addr(const struct tlsa_set *set, const char *host,
    const struct smtp_result *s, struct step_result *r)
{
	size_t	i, j;
	int	seen, matched, ok = 1;

	for (i = 0; i < set->n; i++) {
		seen = 0;
		for (j = 0; j < i; j++)
			if (tlsa_same_kind(&set->v[j], &set->v[i]))
				seen = 1;
		if (seen)
			continue;

		matched = 0;
		for (j = i; j < set->n && !matched; j++)
			if (tlsa_same_kind(&set->v[j], &set->v[i]) &&
			    tlsa_record_matches(&set->v[j], s))
				matched = 1;
		if (matched)
			findings_add(&r->findings, SEV_INFO, "tlsa.match",
			    RFC_TLSA_MATCH, "%s [%s]: TLSA %u %u %u matches "
			    "the served %s", host, s->addr, set->v[i].usage,
			    set->v[i].selector, set->v[i].mtype,
			    set->v[i].usage == 3 ? "key" : "issuer");
		else {
			tlsa_report_mismatch(set, i, host, s, r);
			ok = 0;
		}
	}
	return ok;
}

/* The connection outcome, when it is not a completed handshake. */
static void
tlsa_report_smtp(const char *host, const struct smtp_result *s,
    struct step_result *r)
{
	switch (s->outcome) {
	case SMTP_TLS_OK:
		break;
	case SMTP_UNTESTED:
		findings_add(&r->findings, SEV_WARN, "tlsa.untested", NULL,
		    "%s [%s]: could not test: %s", host, s->addr, s->error);
		break;
	case SMTP_NO_STARTTLS:
		findings_add(&r->findings, SEV_ERROR, "tlsa.no-starttls",
		    RFC_TLSA_TLS, "%s [%s] publishes TLSA but does not offer "
		    "STARTTLS: DANE senders will not deliver to it", host,
		    s->addr);
		break;
	default:
		findings_add(&r->findings, SEV_ERROR, "tlsa.tls-failed",
		    RFC_TLSA_TLS, "%s [%s]: STARTTLS failed: %s", host,
		    s->addr, s->error);
		break;
	}
}

/* What the TLSA RRset lookup itself says; returns 0 when usable. */
static int
tlsa_check_rrset(const struct mx_host *h, struct step_result *r)
{
	const struct dns_answer	*a = h->tlsa;

	if (a == NULL || !a->answered) {
		findings_add(&r->findings, SEV_WARN, "tlsa.lookup", NULL,
		    "could not look up TLSA for %s: %s", h->name,
		    a != NULL ? a->error : "not asked");
		return -1;
	}
	if (a->rcode == LDNS_RCODE_SERVFAIL) {
		findings_add(&r->findings, SEV_ERROR, "tlsa.servfail",
		    RFC_TLSA_SEC, "the TLSA lookup for _25._tcp.%s fails "
		    "(SERVFAIL): DANE senders defer mail to this host",
		    h->name);
		return -1;
	}
	if (dns_answer_is_nodata(a)) {
		findings_add(&r->findings, SEV_ERROR, "tlsa.missing",
		    RFC_TLSA_SMTP, "%s has no TLSA record at _25._tcp.%s; "
		    "publish the record below", h->name, h->name);
		return -1;
	}
	if (!a->ad) {
		findings_add(&r->findings, SEV_ERROR, "tlsa.insecure",
		    RFC_TLSA_SEC, "the TLSA records of %s are not validated "
		    "by DNSSEC (no AD bit), so senders ignore them", h->name);
		return -1;
	}
	return 0;
}

static void
tlsa_check_host(const struct mx_host *h, struct step_result *r)
{
	struct tlsa_set	set;
	size_t		i;

	for (i = 0; i < h->naddrs; i++)
		tlsa_report_smtp(h->name, &h->addrs[i].smtp, r);
	if (tlsa_check_rrset(h, r) != 0)
		return;

	tlsa_set_load(h->tlsa, &set, h->name, r);
	if (set.n == 0)
		findings_add(&r->findings, SEV_ERROR, "tlsa.no-usable",
		    RFC_TLSA_SMTP, "%s has TLSA records, but none is usable "
		    "for SMTP", h->name);
	for (i = 0; i < h->naddrs && set.n > 0; i++)
		if (h->addrs[i].smtp.outcome == SMTP_TLS_OK)
			tlsa_check_addr(&set, h->name, &h->addrs[i].smtp, r);
	tlsa_set_free(&set);
}

/* The "3 1 1" lines for the keys each host serves right now. */
static char *
tlsa_records_to_publish(const struct observation *o)
{
	const struct mx_host	*h;
	struct strbuf		 b = { NULL, 0, 0 };
	char			*hex, *line;
	size_t			 i, j;

	for (i = 0; i < o->nhosts; i++) {
		h = &o->hosts[i];
		for (j = 0; j < h->naddrs; j++) {
			hex = tlsa_cert_digest_hex(h->addrs[j].smtp.leaf, 1, 1);
			if (hex == NULL)
				continue;
			line = tlsa_zone_line(h->name, 25, 3, 1, 1, hex);
			if (b.s == NULL || strstr(b.s, line) == NULL)
				strbuf_printf(&b, "%s\n", line);
			free(line);
			free(hex);
		}
	}
	return strbuf_take(&b);
}

static void
tlsa_evaluate(const struct observation *o, const struct step_context *ctx,
    const struct step_result *earlier, struct step_result *r)
{
	char	*records;
	size_t	 i;

	records = tlsa_records_to_publish(o);
	if (*records != '\0')
		step_result_artifact(r, "TLSA records for the keys served now",
		    "zone", records);
	free(records);
	tlsa_forms_artifacts(o, r);
	rollover_report(o, ctx, o->taken, r);

	if (earlier[STEP_DNSSEC].status == STEP_FAIL ||
	    earlier[STEP_DNSSEC].status == STEP_PENDING) {
		findings_add(&r->findings, SEV_INFO, "tlsa.needs-dnssec",
		    RFC_TLSA_SEC, "TLSA records only count in a signed zone "
		    "with a chain of trust; finish the DNSSEC step first");
		step_result_set(r, STEP_PENDING, "waiting for DNSSEC");
		return;
	}
	if (o->nhosts == 0) {
		step_result_set(r, STEP_PENDING, "no MX hosts to check");
		return;
	}

	for (i = 0; i < o->nhosts; i++)
		tlsa_check_host(&o->hosts[i], r);

	if (findings_count(&r->findings, SEV_ERROR) > 0)
		step_result_set(r, STEP_FAIL, "TLSA does not match every MX");
	else if (findings_count(&r->findings, SEV_WARN) > 0)
		step_result_set(r, STEP_WARN, "TLSA matches where tested, "
		    "with warnings");
	else
		step_result_set(r, STEP_PASS, "TLSA matches the key of every "
		    "MX address");
}

const struct step step_tlsa = {
	.id = STEP_TLSA,
	.name = "tlsa",
	.title = "DANE TLSA",
	.help = tlsa_help,
	.evaluate = tlsa_evaluate,
};
