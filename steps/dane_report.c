/*
 * DANE per MX address: probes/dane.c decides, this file explains.
 *
 * A record kind (usage, selector, matching type) passes when one of its
 * records matches; only kinds without a match are reported as faults,
 * each with what would make it right: the digests published beside the
 * digests served, a trust anchor the server should send, the name the
 * leaf should carry.
 */
#include <stdlib.h>
#include <string.h>

#include "dane.h"
#include "dane_report.h"
#include "xmalloc.h"

#define RFC_DANE_EE	"RFC 7672 §3.1.1"
#define RFC_DANE_TA	"RFC 7672 §3.1.2"
#define RFC_DANE_NAMES	"RFC 7672 §3.2.2"
#define RFC_DANE_MATCH	"RFC 7671 §5"
#define RFC_DANE_KINDS	"RFC 7671 §8"

/* The reference identifiers: the TLSA base domain, then the MX name. */
static size_t
dane_report_names(const struct dane_report_target *t, const char *v[2])
{
	v[0] = t->base;
	if (strcmp(t->base, t->host) == 0)
		return 1;
	v[1] = t->host;
	return 2;
}

static int
dane_report_same_kind(const struct tlsa_record *a,
    const struct tlsa_record *b)
{
	return a->usage == b->usage && a->selector == b->selector &&
	    a->mtype == b->mtype;
}

/* Whether some record of the same kind as check i matched. */
static int
dane_report_kind_ok(const struct dane_result *res,
    const struct tlsa_record *recs, size_t i)
{
	size_t	j;

	for (j = 0; j < res->nchecks; j++)
		if (res->checks[j].fault == DANE_OK &&
		    dane_report_same_kind(&recs[res->checks[i].record],
		    &recs[res->checks[j].record]))
			return 1;
	return 0;
}

/* Whether check i is the first of its kind (a kind is reported once). */
static int
dane_report_first_of_kind(const struct dane_result *res,
    const struct tlsa_record *recs, size_t i)
{
	size_t	j;

	for (j = 0; j < i; j++)
		if (dane_report_same_kind(&recs[res->checks[i].record],
		    &recs[res->checks[j].record]))
			return 0;
	return 1;
}

/* The published data of every record of a kind: "hex, hex". */
static char *
dane_report_published(const struct tlsa_record *recs, size_t n,
    const struct tlsa_record *kind)
{
	struct strbuf	 b = { NULL, 0, 0 };
	char		*hex;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (!dane_report_same_kind(&recs[i], kind))
			continue;
		hex = tlsa_data_hex(&recs[i]);
		strbuf_printf(&b, "%s%s", b.len > 0 ? ", " : "", hex);
		free(hex);
	}
	return strbuf_take(&b);
}

/* What the server sends, for a kind: the leaf's digest, or the CAs'. */
static char *
dane_report_served(const struct smtp_result *s, const struct tlsa_record *k)
{
	struct strbuf	 b = { NULL, 0, 0 };
	char		*hex, *subject;
	int		 i, n = s->chain != NULL ? sk_X509_num(s->chain) : 0;

	if (k->usage == 3) {
		hex = tlsa_cert_digest_hex(s->leaf, k->selector, k->mtype);
		strbuf_printf(&b, "leaf %u %u %u %s", k->usage, k->selector,
		    k->mtype, hex != NULL ? hex : "(none)");
		free(hex);
		return strbuf_take(&b);
	}
	if (n <= 1)
		return xstrdup("only the leaf certificate, no CA certificate");
	for (i = 1; i < n; i++) {
		hex = tlsa_cert_digest_hex(sk_X509_value(s->chain, i),
		    k->selector, k->mtype);
		subject = dane_subject(sk_X509_value(s->chain, i));
		strbuf_printf(&b, "%scertificate %d (%s) %u %u %u %s",
		    i > 1 ? "; " : "", i, subject, k->usage, k->selector,
		    k->mtype, hex != NULL ? hex : "(none)");
		free(subject);
		free(hex);
	}
	return strbuf_take(&b);
}

/* No record of this kind matches anything the server sends. */
static void
dane_report_mismatch(const struct dane_report_target *t,
    const struct tlsa_record *recs, size_t n, const struct tlsa_record *k,
    int other_kind_ok, struct step_result *r)
{
	char	*pub, *served;

	pub = dane_report_published(recs, n, k);
	served = dane_report_served(t->smtp, k);
	findings_add_req(&r->findings, SEV_ERROR, REQ_MUST, "tlsa.mismatch",
	    other_kind_ok ? RFC_DANE_KINDS : RFC_DANE_MATCH, "%s [%s]: no "
	    "TLSA %u %u %u record matches the %s served; published %s; "
	    "served %s%s", t->host, t->smtp->addr, k->usage, k->selector,
	    k->mtype, k->usage == 3 ? "certificate" : "chain", pub, served,
	    other_kind_ok ? ".  Records of another kind do match, but a "
	    "sender that uses only this kind fails: publish a matching "
	    "record of each kind, or remove the stale ones" : "");
	free(served);
	free(pub);
}

/* DANE-TA records that match nothing sent, or fail on chain or name. */
static void
dane_report_ta_fault(const struct dane_report_target *t,
    const struct tlsa_record *rec, const struct dane_check *c,
    struct step_result *r)
{
	char	*rs = tlsa_record_str(rec), *issuer;
	int	 sent = sk_X509_num(t->smtp->chain);

	switch (c->fault) {
	case DANE_TA_NOT_SENT:
		issuer = dane_issuer(t->smtp->leaf);
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "tlsa.ta-not-sent", RFC_DANE_TA, "%s [%s]: no certificate "
		    "the server sends matches TLSA %s.  It sends %d "
		    "certificate%s (the leaf is issued by %s); a DANE-TA "
		    "server must send the trust anchor's certificate in its "
		    "chain, even a root", t->host, t->smtp->addr, rs, sent,
		    sent == 1 ? "" : "s", issuer);
		free(issuer);
		break;
	case DANE_TA_IS_LEAF:
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "tlsa.ta-is-leaf", RFC_DANE_TA, "%s [%s]: TLSA %s "
		    "matches the leaf certificate, not a CA above it; for the "
		    "server's own key, publish usage 3 (DANE-EE)", t->host,
		    t->smtp->addr, rs);
		break;
	case DANE_TA_CHAIN:
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "tlsa.ta-chain", RFC_DANE_TA, "%s [%s]: TLSA %s matches "
		    "certificate %d (%s), but %s", t->host, t->smtp->addr, rs,
		    c->depth, c->subject, c->error);
		break;
	case DANE_TA_NAME:
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "tlsa.ta-name", RFC_DANE_NAMES, "%s [%s]: TLSA %s matches "
		    "certificate %d (%s) and the chain holds, but %s: with "
		    "DANE-TA the leaf must carry the TLSA base domain or the "
		    "MX host name", t->host, t->smtp->addr, rs, c->depth,
		    c->subject, c->error);
		break;
	default:
		break;
	}
	free(rs);
}

/* A record that matched: which certificate, and on what grounds. */
static void
dane_report_match(const struct dane_report_target *t,
    const struct tlsa_record *rec, const struct dane_check *c,
    struct step_result *r)
{
	char	*hex = tlsa_data_hex(rec);

	if (rec->usage == 3)
		findings_add(&r->findings, SEV_INFO, "tlsa.match",
		    RFC_DANE_EE, "%s [%s]: TLSA 3 %u %u matches the leaf "
		    "certificate (%s): %s", t->host, t->smtp->addr,
		    rec->selector, rec->mtype, c->subject, hex);
	else
		findings_add(&r->findings, SEV_INFO, "tlsa.match",
		    RFC_DANE_TA, "%s [%s]: TLSA 2 %u %u matches certificate "
		    "%d (%s): %s; the leaf chains to it and is for %s",
		    t->host, t->smtp->addr, rec->selector, rec->mtype,
		    c->depth, c->subject, hex, t->base);
	free(hex);
}

static const char *
dane_report_outcome(enum dane_fault f)
{
	switch (f) {
	case DANE_OK:
		return "match";
	case DANE_NO_MATCH:
		return "no match";
	case DANE_TA_NOT_SENT:
		return "trust anchor not sent";
	case DANE_TA_IS_LEAF:
		return "matches the leaf, not a CA";
	case DANE_TA_CHAIN:
		return "chain does not verify";
	default:
		return "name mismatch";
	}
}

static void
dane_report_table(const struct tlsa_record *rec, const struct dane_check *c,
    int kind_ok, struct strbuf *table)
{
	char	*hex = tlsa_data_hex(rec);

	strbuf_printf(table, "  %u %u %u %.16s...  %s", rec->usage,
	    rec->selector, rec->mtype, hex, dane_report_outcome(c->fault));
	if (c->fault == DANE_OK || c->depth >= 0)
		strbuf_printf(table, ", certificate %d (%s)", c->depth,
		    c->subject != NULL ? c->subject : "?");
	if (c->fault != DANE_OK && kind_ok)
		strbuf_printf(table, "; another record of this kind matches");
	strbuf_printf(table, "\n");
	free(hex);
}

int
dane_report_addr(const struct dane_report_target *t,
    const struct tlsa_record *recs, size_t n, struct step_result *r,
    struct strbuf *table)
{
	struct dane_result	 res;
	const struct dane_check	*c;
	const char		*names[2];
	size_t			 i, nn;
	int			 kind_ok;

	nn = dane_report_names(t, names);
	dane_verify(recs, n, t->smtp->chain, names, nn, t->now, &res);
	strbuf_printf(table, "%s [%s], TLSA at _25._tcp.%s: %s\n", t->host,
	    t->smtp->addr, t->base, res.every_kind ? "authenticated" :
	    res.authenticated ? "authenticated, but not by every kind" :
	    "NOT authenticated");

	for (i = 0; i < res.nchecks; i++) {
		c = &res.checks[i];
		kind_ok = dane_report_kind_ok(&res, recs, i);
		dane_report_table(&recs[c->record], c, kind_ok, table);
		if (c->fault == DANE_OK)
			dane_report_match(t, &recs[c->record], c, r);
		else if (kind_ok)
			continue;
		else if (c->fault == DANE_NO_MATCH) {
			if (dane_report_first_of_kind(&res, recs, i))
				dane_report_mismatch(t, recs, n,
				    &recs[c->record], res.authenticated, r);
		} else
			dane_report_ta_fault(t, &recs[c->record], c, r);
	}
	i = (size_t)res.every_kind;
	dane_result_free(&res);
	return (int)i;
}

int
dane_report_would_pass(const struct dane_report_target *t,
    const struct tlsa_record *recs, size_t n)
{
	struct dane_result	 res;
	const char		*names[2];
	size_t			 nn;
	int			 ok;

	nn = dane_report_names(t, names);
	dane_verify(recs, n, t->smtp->chain, names, nn, t->now, &res);
	ok = res.authenticated;
	dane_result_free(&res);
	return ok;
}
