/*
 * Step 2, DNSSEC: DANE means nothing unless the MX records, the host
 * addresses and the TLSA records are all validated, so the zone must be
 * signed and chained to the root (RFC 7672 §2.1).  The verdict rests on
 * mxanchor's own validation from the trust anchor (observe_dnssec.c);
 * the resolver's AD bit is reported beside it, because Postfix relies on
 * exactly that bit.
 *
 * Each broken link is reported once, where it breaks, with the check
 * that failed; the lookups it takes down with it are listed after it.
 * The artifacts show the whole chain and the status of every lookup.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "nscompare.h"
#include "observe.h"
#include "step.h"
#include "strbuf.h"
#include "xmalloc.h"

#define RFC_DANE_DNSSEC	"RFC 7672 §2.1"
#define RFC_DANE_BOGUS	"RFC 7672 §2.1.1"
/* What a sender may take from its resolver (stub resolvers, the AD bit). */
#define RFC_RESOLVER	"RFC 7672 §2.1.3"
#define RFC_DS		"RFC 4035 §5.2"
#define RFC_SIG_TIME	"RFC 4035 §5.3.1"
#define RFC_DENIAL	"RFC 4035 §5.4"
#define RFC_STATES	"RFC 4035 §4.3"
#define RFC_SIGNED	"RFC 4033 §5"
#define RFC_ALGORITHMS	"RFC 8624 §3.1"

/* Signatures that expire sooner than this are a warning. */
#define DNSSEC_HORIZON	(7 * 86400)

static const char dnssec_help[] =
    "Checks that the zone is signed and that a chain of trust runs from "
    "the root (the trust anchor) down to it: the parent must publish a "
    "DS record matching one of the zone's keys, that key must sign the "
    "zone's keys, and every signature must be valid now and for a while "
    "yet.  The zones holding the MX hosts are checked the same way.  "
    "Without this, TLSA records are ignored by every DANE sender and an "
    "attacker who can spoof DNS can also redirect mail.  Sign the zone "
    "in your DNS server or at your DNS provider, then publish the DS "
    "records shown here at your registrar.";

/* DS records for the zone's key-signing keys, to give the registrar. */
static char *
dnssec_ds_lines(const ldns_rr_list *dnskeys)
{
	struct strbuf	 b = { NULL, 0, 0 };
	ldns_rr		*key, *ds;
	char		*s, *p;
	size_t		 i;

	for (i = 0; dnskeys != NULL && i < ldns_rr_list_rr_count(dnskeys);
	    i++) {
		key = ldns_rr_list_rr(dnskeys, i);
		if (ldns_rr_get_type(key) != LDNS_RR_TYPE_DNSKEY ||
		    !(ldns_rdf2native_int16(ldns_rr_rdf(key, 0)) &
		    LDNS_KEY_SEP_KEY))
			continue;
		if ((ds = ldns_key_rr2ds(key, LDNS_SHA256)) == NULL)
			continue;
		/* The resolver's TTL is a countdown; give a plain one. */
		ldns_rr_set_ttl(ds, 3600);
		s = ldns_rr2str_fmt(ldns_output_format_nocomments, ds);
		if (s != NULL) {
			/* One space between fields, as in our other records. */
			for (p = s; *p != '\0'; p++)
				if (*p == '\t')
					*p = ' ';
			strbuf_printf(&b, "%s", s);
		}
		free(s);
		ldns_rr_free(ds);
	}
	return strbuf_take(&b);
}

static void
dnssec_ds_artifact(const struct chain_link *l, struct step_result *r)
{
	char	*ds;

	ds = dnssec_ds_lines(l->dnskeys);
	if (*ds != '\0')
		step_result_artifact(r, "DS records for the parent zone",
		    "zone", ds);
	free(ds);
}

/* "2026-12-17T14:33:26Z (in 3 days)" */
static char *
dnssec_when(time_t t, time_t now)
{
	char	buf[32];
	long	days = (long)((t - now) / 86400);

	clock_format(t, buf, sizeof buf);
	if (t <= now)
		return xprintf("%s (past)", buf);
	return xprintf("%s (in %ld day%s %ld hour%s)", buf, days,
	    days == 1 ? "" : "s", (long)((t - now) % 86400) / 3600,
	    (t - now) % 86400 / 3600 == 1 ? "" : "s");
}

/* The finding for a link that breaks here (not inherited from above). */
static void
dnssec_link_fault(const struct chain_link *l, struct step_result *r)
{
	const char	*d;

	d = l->verdict.detail != NULL ? l->verdict.detail : "";

	switch (l->verdict.fault) {
	case DNSSEC_FAULT_DS_MISMATCH:
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "dnssec.ds-mismatch", RFC_DS, "the chain of trust breaks "
		    "at %s: %s.  Validating resolvers reject every answer "
		    "from the zone (SERVFAIL).  Replace the DS records at "
		    "the registrar with those below, or bring back the key "
		    "the old DS points to", l->zone, d);
		dnssec_ds_artifact(l, r);
		break;
	case DNSSEC_FAULT_NO_DNSKEY:
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "dnssec.no-dnskey", RFC_DS, "the parent publishes a DS "
		    "record for %s, but the zone serves no DNSKEY: validators "
		    "reject all of its answers", l->zone);
		break;
	case DNSSEC_FAULT_NO_SEP:
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "dnssec.no-sep-key", RFC_DS, "the chain of trust breaks "
		    "at %s: %s", l->zone, d);
		break;
	case DNSSEC_FAULT_UNSIGNED:
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "dnssec.rrsig-missing", RFC_DS, "the chain of trust "
		    "breaks at %s: %s", l->zone, d);
		break;
	case DNSSEC_FAULT_EXPIRED:
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "dnssec.rrsig-expired", RFC_SIG_TIME, "the chain of trust "
		    "breaks at %s: %s.  Every answer from the zone is bogus; "
		    "re-sign the zone and check why the signer stopped",
		    l->zone, d);
		break;
	case DNSSEC_FAULT_NOT_YET_VALID:
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "dnssec.rrsig-not-yet-valid", RFC_SIG_TIME, "the chain of "
		    "trust breaks at %s: %s; is the signer's clock right?",
		    l->zone, d);
		break;
	case DNSSEC_FAULT_BAD_SIGNATURE:
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "dnssec.rrsig-invalid", RFC_DS, "the chain of trust breaks "
		    "at %s: %s", l->zone, d);
		break;
	case DNSSEC_FAULT_DENIAL:
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "dnssec.denial-bogus", RFC_DENIAL, "the chain of trust "
		    "breaks at %s: %s", l->zone, d);
		break;
	case DNSSEC_FAULT_ALGORITHM:
		findings_add_req(&r->findings, SEV_ERROR, REQ_SHOULD,
		    "dnssec.algorithm-unsupported", RFC_ALGORITHMS, "%s: %s, "
		    "so validators treat the zone as unsigned", l->zone, d);
		break;
	case DNSSEC_FAULT_LOOKUP:
		findings_add(&r->findings, SEV_WARN, "dnssec.lookup", NULL,
		    "could not check the keys of %s: %s", l->zone, d);
		break;
	default:
		break;
	}
}

/* The zone of the domain is not signed, or not chained. */
static void
dnssec_zone_insecure(const struct observation *o, const struct chain_link *l,
    struct step_result *r)
{
	if (l->verdict.fault == DNSSEC_FAULT_ALGORITHM) {
		dnssec_link_fault(l, r);
		return;
	}
	if (l->verdict.fault != DNSSEC_FAULT_NO_DS) {
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "dnssec.insecure", RFC_STATES, "zone %s is insecure: %s",
		    l->zone, l->verdict.detail != NULL ? l->verdict.detail :
		    "");
		return;
	}
	if (l->dnskeys == NULL || ldns_rr_list_rr_count(l->dnskeys) == 0) {
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "dnssec.unsigned", RFC_SIGNED, "zone %s is not signed: it "
		    "has no DNSKEY records and its parent publishes no DS "
		    "record for it", o->zone);
		return;
	}
	findings_add_req(&r->findings, SEV_ERROR, REQ_MUST, "dnssec.no-ds",
	    RFC_DS, "zone %s is signed, but its parent publishes no DS "
	    "record, so validators treat it as unsigned; publish the DS "
	    "records below at the registrar", o->zone);
	dnssec_ds_artifact(l, r);
}

/* Whether zone is already in the list of zones looked at. */
static int
dnssec_seen(char **v, size_t n, const char *zone)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], zone) == 0)
			return 1;
	return 0;
}

/* Every lookup the step judges, with the resolver's answer beside it. */
struct dnssec_pair {
	const char			*what;	/* "MX", "A", ... */
	const struct chain_lookup	*own;
	const struct dns_answer		*resolver;
};

static size_t
dnssec_pairs(const struct observation *o, struct dnssec_pair *v, size_t max)
{
	const struct mx_host	*h;
	size_t			 i, n = 0;

#define DNSSEC_PAIR(w, l, a) do {					\
	if ((l) != NULL && n < max) {					\
		v[n].what = (w);					\
		v[n].own = (l);						\
		v[n].resolver = (a);					\
		n++;							\
	}								\
} while (0)
	DNSSEC_PAIR("MX", o->mx_dnssec, o->mx);
	for (i = 0; i < o->nhosts; i++) {
		h = &o->hosts[i];
		DNSSEC_PAIR("A", h->a_dnssec, h->a);
		DNSSEC_PAIR("AAAA", h->aaaa_dnssec, h->aaaa);
		DNSSEC_PAIR("TLSA", h->tlsa_dnssec, h->tlsa);
		DNSSEC_PAIR("TLSA", h->tlsa_expanded_dnssec, h->tlsa_expanded);
	}
#undef DNSSEC_PAIR
	return n;
}

#define DNSSEC_MAX_PAIRS	(1 + 32 * 4)

/*
 * The zones the check rests on: the domain's and every zone a lookup
 * passed through, each with the zones above it.  Returns the links in
 * chain order (parents first, as observe keeps them).
 */
static size_t
dnssec_relevant(const struct observation *o, const struct dnssec_pair *p,
    size_t np, const struct chain_link **out)
{
	const struct chain_link	*l;
	char			**zones = NULL;
	size_t			  i, j, nz = 0, n = 0;

	for (i = 0; i < np + 1; i++) {
		for (j = 0; j < (i < np ? p[i].own->nhops : 1); j++) {
			l = observe_link(o, i < np ? p[i].own->hops[j].zone :
			    o->zone);
			for (; l != NULL && !dnssec_seen(zones, nz, l->zone);
			    l = observe_link(o, l->parent)) {
				zones = xreallocarray(zones, nz + 1,
				    sizeof *zones);
				zones[nz++] = l->zone;
			}
		}
	}
	for (i = 0; i < o->nlinks; i++)
		if (dnssec_seen(zones, nz, o->links[i]->zone))
			out[n++] = o->links[i];
	free(zones);
	return n;
}

/* One zone of the chain artifact: its state, each DS, the expiry. */
static void
dnssec_link_line(const struct chain_link *l, time_t now, struct strbuf *b)
{
	const struct dnssec_ds	*d;
	char			*when;
	size_t			 i;

	strbuf_printf(b, "%s: %s\n", l->zone,
	    dnssec_security_name(l->verdict.security));
	for (i = 0; i < l->keys.nds; i++) {
		d = &l->keys.ds[i];
		if (d->digest == 0)
			strbuf_printf(b, "  trust anchor DNSKEY %u/%u",
			    d->keytag, d->algorithm);
		else
			strbuf_printf(b, "  DS %u/%u/%u in %s", d->keytag,
			    d->algorithm, d->digest, l->parent != NULL ?
			    l->parent : "the anchor file");
		strbuf_printf(b, ": %s\n", !d->supported ?
		    "algorithm or digest not supported" : !d->matched ?
		    "matches no DNSKEY" : d->signs ? "matches the key that "
		    "signs the DNSKEY RRset" : "matches a key, but no valid "
		    "signature by it");
	}
	if (l->verdict.security == DNSSEC_SECURE) {
		when = dnssec_when(l->verdict.expires, now);
		strbuf_printf(b, "  signatures valid until %s\n", when);
		free(when);
	} else if (l->verdict.detail != NULL)
		strbuf_printf(b, "  %s\n", l->verdict.detail);
}

/* The earliest expiry of the signatures a zone's answers rest on. */
static time_t
dnssec_zone_expiry(const struct chain_link *l, const struct dnssec_pair *p,
    size_t np)
{
	time_t	t = l->verdict.expires;
	size_t	i, j;

	for (i = 0; i < np; i++)
		for (j = 0; j < p[i].own->nhops; j++) {
			if (p[i].own->hops[j].zone == NULL ||
			    strcmp(p[i].own->hops[j].zone, l->zone) != 0 ||
			    p[i].own->hops[j].verdict.expires == 0)
				continue;
			if (t == 0 || p[i].own->hops[j].verdict.expires < t)
				t = p[i].own->hops[j].verdict.expires;
		}
	return t;
}

/* Faults where the chain breaks, and signatures about to expire. */
static void
dnssec_links(const struct observation *o, const struct chain_link **v,
    size_t n, const struct dnssec_pair *p, size_t np,
    struct step_result *r)
{
	struct strbuf	 b = { NULL, 0, 0 };
	time_t		 t, horizon;
	char		*when;
	size_t		 i;

	horizon = o->horizon_days > 0 ? (time_t)o->horizon_days * 86400 :
	    DNSSEC_HORIZON;
	for (i = 0; i < n; i++) {
		dnssec_link_line(v[i], o->taken, &b);
		if (v[i]->verdict.security == DNSSEC_SECURE) {
			t = dnssec_zone_expiry(v[i], p, np);
			if (t == 0 || t - o->taken >= horizon)
				continue;
			when = dnssec_when(t, o->taken);
			findings_add_req(&r->findings, SEV_WARN, REQ_ADVICE,
			    "dnssec.rrsig-expiring", RFC_SIG_TIME, "signatures "
			    "in %s expire at %s, within %d days: unless the "
			    "zone is re-signed before then, every answer from "
			    "it turns bogus; check that the signer runs",
			    v[i]->zone, when, (int)(horizon / 86400));
			free(when);
		} else if (v[i]->verdict.fault != DNSSEC_FAULT_PARENT &&
		    (strcmp(v[i]->zone, o->zone) != 0 ||
		    v[i]->verdict.security == DNSSEC_BOGUS))
			dnssec_link_fault(v[i], r);
	}
	step_result_artifact(r, "Chain of trust, from the trust anchor down",
	    "text", b.s != NULL ? b.s : "");
	strbuf_free(&b);
}

/* "MX good.test", or "A mx.alias.test -> mx.alias.hosting.test" */
static char *
dnssec_pair_name(const struct dnssec_pair *p)
{
	if (p->own->final != NULL && strcmp(p->own->final, p->own->name) != 0)
		return xprintf("%s %s -> %s", p->what, p->own->name,
		    p->own->final);
	return xprintf("%s %s", p->what, p->own->name);
}

/* What the resolver said: "AD", "no AD", "SERVFAIL", "no answer". */
static const char *
dnssec_resolver_said(const struct dns_answer *a)
{
	if (a == NULL || !a->answered)
		return "no answer";
	if (a->rcode != LDNS_RCODE_NOERROR && a->rcode != LDNS_RCODE_NXDOMAIN)
		return dns_answer_rcode_name(a);
	return a->ad ? "AD" : "no AD";
}

/* The resolver's verdict against ours; a resolver that does not
   validate is a finding of its own. */
static void
dnssec_compare_resolver(const struct dnssec_pair *p, struct step_result *r)
{
	enum dnssec_security	 s = p->own->verdict.security;
	const struct dns_answer	*a = p->resolver;
	char			*name;

	if (a == NULL || !a->answered)
		return;
	name = dnssec_pair_name(p);
	if (s == DNSSEC_SECURE && !a->ad && (a->rcode == LDNS_RCODE_NOERROR ||
	    a->rcode == LDNS_RCODE_NXDOMAIN) &&
	    findings_find(&r->findings, "dnssec.resolver-no-ad") == NULL)
		findings_add(&r->findings, SEV_WARN, "dnssec.resolver-no-ad",
		    RFC_RESOLVER, "the resolver did not set the AD bit on %s "
		    "although mxanchor validates it: the resolver does not "
		    "validate DNSSEC, and an MTA using it cannot do DANE",
		    name);
	else if (s == DNSSEC_BOGUS && a->rcode != LDNS_RCODE_SERVFAIL &&
	    findings_find(&r->findings, "dnssec.resolver-accepts-bogus") ==
	    NULL)
		findings_add(&r->findings, SEV_WARN,
		    "dnssec.resolver-accepts-bogus", RFC_RESOLVER, "the resolver "
		    "answered %s (%s) although it is bogus: it does not "
		    "validate DNSSEC", name, dns_answer_rcode_name(a));
	else if (s != DNSSEC_BOGUS && a->rcode == LDNS_RCODE_SERVFAIL)
		findings_add(&r->findings, SEV_WARN, "dnssec.resolver-servfail",
		    NULL, "the resolver fails %s (SERVFAIL) where mxanchor "
		    "finds it %s: does the resolver have another trust "
		    "anchor, or a stale cache?", name,
		    dnssec_security_name(s));
	free(name);
}

/* The lookups a broken chain takes down, and the resolver's view. */
static void
dnssec_lookups(const struct observation *o, const struct dnssec_pair *p,
    size_t np, struct step_result *r)
{
	struct strbuf	 art = { NULL, 0, 0 }, bogus = { NULL, 0, 0 };
	char		*name;
	size_t		 i;

	for (i = 0; i < np; i++) {
		name = dnssec_pair_name(&p[i]);
		strbuf_printf(&art, "%-52s %-13s %-14s resolver: %s\n",
		    name, dnssec_security_name(p[i].own->verdict.security),
		    !p[i].own->answered ? "" : p[i].own->exists ? "records" :
		    p[i].own->nxdomain ? "no such name" : "no records",
		    dnssec_resolver_said(p[i].resolver));
		if (p[i].own->verdict.security == DNSSEC_BOGUS)
			strbuf_printf(&bogus, "%s%s", bogus.len > 0 ? ", " :
			    "", name);
		else if (p[i].own->verdict.security ==
		    DNSSEC_INDETERMINATE)
			findings_add(&r->findings, SEV_WARN,
			    "dnssec.lookup-indeterminate", RFC_DANE_BOGUS,
			    "could not tell whether %s is signed: %s", name,
			    p[i].own->verdict.detail);
		else if (p[i].own->verdict.security == DNSSEC_INSECURE &&
		    strcmp(p[i].what, "A") == 0 &&
		    observe_link(o, o->zone) != NULL &&
		    observe_link(o, o->zone)->verdict.security ==
		    DNSSEC_SECURE)
			findings_add(&r->findings, SEV_WARN,
			    "dnssec.mx-insecure", RFC_DANE_DNSSEC, "the "
			    "address records of MX host %s are not signed "
			    "(%s): DANE cannot protect this host until its "
			    "zone is signed", p[i].own->name,
			    p[i].own->verdict.detail);
		dnssec_compare_resolver(&p[i], r);
		free(name);
	}
	if (bogus.len > 0)
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "dnssec.lookups-bogus", RFC_DANE_BOGUS, "these lookups "
		    "are bogus: %s.  Validating resolvers answer SERVFAIL, "
		    "and DANE senders must defer mail rather than deliver "
		    "it without DANE", bogus.s);
	step_result_artifact(r, "DNSSEC status of each lookup (mxanchor, "
	    "and the resolver's AD bit)", "text", art.s != NULL ? art.s : "");
	strbuf_free(&art);
	strbuf_free(&bogus);
}

/* The status from what was found, with a summary naming the fault. */
static void
dnssec_verdict(const struct observation *o, const struct chain_link *zone,
    struct step_result *r)
{
	if (zone->verdict.security == DNSSEC_INSECURE)
		step_result_set(r, STEP_FAIL, "zone %s is %s", o->zone,
		    zone->verdict.fault == DNSSEC_FAULT_NO_DS &&
		    zone->dnskeys != NULL &&
		    ldns_rr_list_rr_count(zone->dnskeys) > 0 ?
		    "signed, but has no DS record at the parent" :
		    "not signed");
	else if (zone->verdict.security == DNSSEC_BOGUS)
		step_result_set(r, STEP_FAIL, "chain of trust broken: %s",
		    dnssec_fault_name(zone->verdict.fault));
	else if (findings_count(&r->findings, SEV_ERROR) > 0)
		step_result_set(r, STEP_FAIL, "zone %s chained, but lookups "
		    "fail", o->zone);
	else if (findings_count(&r->findings, SEV_WARN) > 0)
		step_result_set(r, STEP_WARN, "zone %s signed and chained, "
		    "with warnings", o->zone);
	else
		step_result_set(r, STEP_PASS, "zone %s signed, chain of "
		    "trust validated", o->zone);
}

/*
 * No signature even on the root's keys: the resolver drops DNSSEC
 * records (it ignores DO), so nothing can be validated through it.
 * Saying "the chain breaks at the root" would blame the wrong party.
 */
static int
dnssec_resolver_strips(const struct observation *o, struct step_result *r)
{
	const struct chain_link	*root = observe_link(o, ".");

	if (root == NULL || root->verdict.fault != DNSSEC_FAULT_UNSIGNED)
		return 0;
	findings_add(&r->findings, SEV_WARN, "dnssec.resolver-strips",
	    RFC_RESOLVER, "the resolver returns no DNSSEC signatures, not even "
	    "for the root's keys: it does not pass on DNSSEC records, so "
	    "neither mxanchor nor an MTA can validate through it; use a "
	    "validating resolver");
	step_result_set(r, STEP_PENDING, "the resolver hides DNSSEC");
	return 1;
}

/*
 * The root's keys do not validate from the trust anchor: the anchor is
 * wrong for this resolver's root (a stale root.key after a KSK roll, the
 * lab's anchor against the real root or the reverse).  Nothing below it
 * can be judged, and advice to publish a DS for the root would mislead.
 */
static int
dnssec_anchor_mismatch(const struct observation *o, struct step_result *r)
{
	const struct chain_link	*root = observe_link(o, ".");

	if (root == NULL || root->verdict.security != DNSSEC_BOGUS)
		return 0;
	findings_add(&r->findings, SEV_WARN, "dnssec.anchor-mismatch",
	    RFC_DS, "the trust anchor does not validate the root's keys "
	    "(%s): check --trust-anchor (is the file current, after a root "
	    "key rollover?) and that --resolver is the resolver you meant; "
	    "no zone below the root can be judged until they agree",
	    root->verdict.detail != NULL ? root->verdict.detail : "bogus");
	step_result_set(r, STEP_PENDING, "the trust anchor does not match "
	    "the root");
	return 1;
}

static void
dnssec_evaluate(const struct observation *o,
    const struct step_context *ctx, const struct step_result *earlier,
    struct step_result *r)
{
	struct dnssec_pair	 pairs[DNSSEC_MAX_PAIRS];
	const struct chain_link	**links, *zone;
	size_t			 np, nl, i;

	if (dnssec_resolver_strips(o, r) || dnssec_anchor_mismatch(o, r))
		return;
	zone = observe_link(o, o->zone);
	if (zone == NULL || zone->verdict.security == DNSSEC_INDETERMINATE) {
		findings_add(&r->findings, SEV_WARN, "dnssec.lookup", NULL,
		    "could not look up the keys of %s: %s", o->zone,
		    zone != NULL && zone->verdict.detail != NULL ?
		    zone->verdict.detail : "no answer");
		step_result_set(r, STEP_PENDING, "DNS lookups failed");
		return;
	}

	np = dnssec_pairs(o, pairs, DNSSEC_MAX_PAIRS);
	links = xcalloc(o->nlinks + 1, sizeof *links);
	nl = dnssec_relevant(o, pairs, np, links);
	if (zone->verdict.security == DNSSEC_INSECURE)
		dnssec_zone_insecure(o, zone, r);
	dnssec_links(o, links, nl, pairs, np, r);
	if (zone->verdict.security != DNSSEC_INSECURE)
		dnssec_lookups(o, pairs, np, r);
	for (i = 0; i < o->nservers; i++)
		nscompare_findings(&o->servers[i], 0, &r->findings);
	dnssec_verdict(o, zone, r);
	free(links);
}

const struct step step_dnssec = {
	.id = STEP_DNSSEC,
	.name = "dnssec",
	.title = "DNSSEC",
	.help = dnssec_help,
	.evaluate = dnssec_evaluate,
};
