/*
 * Step 3, TLSA: every MX host publishes TLSA records at _25._tcp.<host>
 * that match the certificate it serves (RFC 7672 §3, RFC 7671).  The
 * recommended form is "3 1 1": the SHA-256 digest of the server's
 * public key, which survives certificate renewals that keep the key.
 *
 * The order is a DANE sender's: the MX RRset and the host's addresses
 * must be secure, else TLSA is not even looked up; the TLSA RRset is
 * looked up at the CNAME-expanded name first, then at the MX name
 * (RFC 7672 §2.2.3), and must itself be secure (a bogus one defers
 * mail); of its records only DANE-TA(2) and DANE-EE(3) count.  Then,
 * per address, dane_report.c says which record matched which
 * certificate.  Last, every authoritative server must serve the same
 * TLSA records, or senders see one or the other.
 */
#include <stdlib.h>
#include <string.h>

#include "dane.h"
#include "dane_report.h"
#include "nscompare.h"
#include "context.h"
#include "observe.h"
#include "rollover.h"
#include "step.h"
#include "strbuf.h"
#include "tlsa.h"
#include "tlsa_forms.h"
#include "xmalloc.h"

#define RFC_TLSA_SMTP	"RFC 7672 §3.1"
#define RFC_TLSA_PKIX	"RFC 7672 §3.1.3"
#define RFC_TLSA_SEC	"RFC 7672 §2.2"
#define RFC_TLSA_MX	"RFC 7672 §2.2.1"
#define RFC_TLSA_BASE	"RFC 7672 §2.2.3"
#define RFC_TLSA_ERRORS	"RFC 7672 §2.1.1"
#define RFC_TLSA_TLS	"RFC 7672 §2.2"
#define RFC_TLSA_DATA	"RFC 6698 §2.1.3"
#define RFC_TLSA_MATCH	"RFC 7671 §5"

static const char tlsa_help[] =
    "Publishes, for each MX host, a TLSA record pinning the public key "
    "the host serves on port 25.  Senders that validate DANE (Postfix, "
    "Exim, many large providers) then refuse to deliver to anything "
    "else, so a downgrade or an impostor certificate no longer works.  "
    "Use \"3 1 1\" (the SHA-256 digest of the public key): it stays "
    "valid across renewals that keep the key.  When the key changes, "
    "publish the new record before the new key goes live, on every "
    "name server.  With \"2 x x\" (DANE-TA) the server must send the "
    "CA certificate the record names, and its certificate must carry "
    "the MX host name.";

struct tlsa_set {
	struct tlsa_record	*v;
	size_t			 n;
	size_t			 usable;
};

/* Where TLSA was found for a host, and what DNSSEC says of it. */
struct tlsa_base {
	const char			*name;	/* base domain */
	const struct chain_lookup	*sec;
	const struct dns_answer		*answer;
};

/* Parses the RRset, with findings for records that cannot count. */
static void
tlsa_set_load(const struct dns_answer *a, struct tlsa_set *set,
    const char *host, struct step_result *r)
{
	struct tlsa_record	 t;
	char			*s;
	size_t			 i;

	memset(set, 0, sizeof *set);
	for (i = 0; a->rrs != NULL && i < ldns_rr_list_rr_count(a->rrs);
	    i++) {
		if (tlsa_from_rr(ldns_rr_list_rr(a->rrs, i), &t) != 0)
			continue;
		s = tlsa_record_str(&t);
		if (tlsa_is_empty_digest(&t))
			findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
			    "tlsa.empty-digest", RFC_TLSA_DATA, "%s: TLSA %s "
			    "is the digest of empty input: the tool that made "
			    "it failed to extract the public key (an ECDSA "
			    "key given to an RSA-only command?)", host, s);
		if (!dane_usable(&t))
			findings_add_req(&r->findings, SEV_WARN, REQ_SHOULD,
			    "tlsa.unusable", t.usage < 2 ? RFC_TLSA_PKIX :
			    RFC_TLSA_SMTP, "%s: TLSA %s is unusable for SMTP "
			    "(only usages 2 and 3 with known selectors, "
			    "matching types and digest lengths count)", host,
			    s);
		else
			set->usable++;
		free(s);
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

/* The connection outcome, when it is not a completed handshake. */
static void
tlsa_report_smtp(const char *host, const struct smtp_result *s,
    int published, struct step_result *r)
{
	switch (s->outcome) {
	case SMTP_TLS_OK:
		break;
	case SMTP_UNTESTED:
		findings_add(&r->findings, SEV_WARN, "tlsa.untested", NULL,
		    "%s [%s]: could not test: %s", host, s->addr, s->error);
		break;
	case SMTP_NO_STARTTLS:
		if (published)
			findings_add(&r->findings, SEV_ERROR,
			    "tlsa.no-starttls", RFC_TLSA_TLS, "%s [%s] "
			    "publishes TLSA but does not offer STARTTLS: DANE "
			    "senders will not deliver to it", host, s->addr);
		else
			findings_add(&r->findings, SEV_ERROR,
			    "tlsa.no-starttls", RFC_TLSA_TLS, "%s [%s] does "
			    "not offer STARTTLS: there is no key to pin with "
			    "TLSA until it does", host, s->addr);
		break;
	default:
		findings_add(&r->findings, SEV_ERROR, "tlsa.tls-failed",
		    RFC_TLSA_TLS, "%s [%s]: STARTTLS failed: %s", host,
		    s->addr, s->error);
		break;
	}
}

/*
 * The host's address lookups must be secure for a sender to look up
 * TLSA at all; returns 0 when they are.
 */
static int
tlsa_check_addresses(const struct mx_host *h, struct step_result *r)
{
	const struct chain_lookup	*v[2];
	size_t				 i;

	v[0] = h->a_dnssec;
	v[1] = h->aaaa_dnssec;
	for (i = 0; i < 2; i++) {
		if (v[i] == NULL || v[i]->verdict.security == DNSSEC_SECURE)
			continue;
		if (v[i]->verdict.security == DNSSEC_INSECURE)
			findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
			    "tlsa.host-insecure", RFC_TLSA_BASE, "the "
			    "addresses of %s are not signed (%s): DANE "
			    "senders do not look up its TLSA records", h->name,
			    v[i]->verdict.detail != NULL ?
			    v[i]->verdict.detail : "insecure");
		else
			findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
			    "tlsa.host-bogus", RFC_TLSA_ERRORS, "the address "
			    "lookup of %s is %s (%s): DANE senders defer mail "
			    "to it", h->name, dnssec_security_name(
			    v[i]->verdict.security), v[i]->verdict.detail);
		return -1;
	}
	return 0;
}

/*
 * RFC 7672 §2.2.3: when the address lookup went through CNAMEs, TLSA
 * at the expanded name comes first; an RRset that cannot be validated
 * there decides (the lookup failed); no records there falls back to the
 * MX host name.
 */
static void
tlsa_pick_base(const struct mx_host *h, struct tlsa_base *b)
{
	const struct chain_lookup	*x = h->tlsa_expanded_dnssec;

	b->name = h->name;
	b->sec = h->tlsa_dnssec;
	b->answer = h->tlsa;
	if (h->expanded == NULL || x == NULL)
		return;
	if ((x->verdict.security == DNSSEC_SECURE && x->exists) ||
	    x->verdict.security == DNSSEC_BOGUS ||
	    x->verdict.security == DNSSEC_INDETERMINATE) {
		b->name = h->expanded;
		b->sec = x;
		b->answer = h->tlsa_expanded;
	}
}

/* What the TLSA lookup itself says; returns 0 when the records count. */
/* Did any address of the host hand over a certificate? */
static int
tlsa_host_served(const struct mx_host *h)
{
	size_t	i;

	for (i = 0; i < h->naddrs; i++)
		if (h->addrs[i].smtp.leaf != NULL)
			return 1;
	return 0;
}

static int
tlsa_check_rrset(const struct mx_host *h, const struct tlsa_base *b,
    struct step_result *r)
{
	const struct chain_lookup	*s = b->sec;

	if (s == NULL || b->answer == NULL) {
		findings_add(&r->findings, SEV_WARN, "tlsa.lookup", NULL,
		    "could not look up TLSA for %s", h->name);
		return -1;
	}
	switch (s->verdict.security) {
	case DNSSEC_BOGUS:
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "tlsa.bogus", RFC_TLSA_ERRORS, "the TLSA lookup for "
		    "_25._tcp.%s is bogus (%s): DANE senders must not deliver "
		    "to %s and defer the mail", b->name, s->verdict.detail,
		    h->name);
		return -1;
	case DNSSEC_INDETERMINATE:
		findings_add(&r->findings, SEV_WARN, "tlsa.lookup",
		    RFC_TLSA_ERRORS, "could not look up TLSA for %s: %s",
		    b->name, s->verdict.detail);
		return -1;
	case DNSSEC_INSECURE:
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "tlsa.insecure", RFC_TLSA_SEC, "the TLSA records of %s "
		    "are not validated by DNSSEC (%s), so senders ignore "
		    "them", b->name, s->verdict.detail);
		return -1;
	default:
		break;
	}
	if (!s->exists) {
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "tlsa.missing", RFC_TLSA_SMTP, "%s has no TLSA record at "
		    "_25._tcp.%s (its absence is proven by DNSSEC); %s",
		    h->name, b->name, tlsa_host_served(h) ? "publish the "
		    "record below" : "mxanchor got no certificate from the "
		    "host to compute one");
		return -1;
	}
	if (!dns_answer_has_data(b->answer)) {
		findings_add(&r->findings, SEV_WARN, "tlsa.lookup", NULL,
		    "the resolver did not return the TLSA records of %s "
		    "(%s), though they exist and validate", b->name,
		    dns_answer_rcode_name(b->answer));
		return -1;
	}
	return 0;
}

/*
 * A server with an RSA and an ECDSA certificate shows each to the
 * senders that prefer it; a TLSA record for one key only fails the
 * others, although a probe that sees one key says all is well.
 */
static void
tlsa_check_other_keys(const struct dane_report_target *first,
    const struct mx_addr *a, const struct tlsa_set *set, long ttl,
    struct step_result *r, struct strbuf *table)
{
	struct dane_report_target	 t = *first;
	struct other_key		 other[2];
	char				*hex, *line;
	size_t				 i, n;

	n = observe_other_keys(a, other);
	for (i = 0; i < n; i++) {
		t.smtp = other[i].smtp;
		hex = tlsa_cert_digest_hex(t.smtp->leaf, 1, 1);
		if (dane_report_would_pass(&t, set->v, set->n)) {
			strbuf_printf(table, "  and its %s key (3 1 1 %.16s..."
			    ", offered to senders that prefer %s): "
			    "authenticated\n", other[i].kind, hex,
			    other[i].kind);
			free(hex);
			continue;
		}
		strbuf_printf(table, "  and its %s key (3 1 1 %.16s..., "
		    "offered to senders that prefer %s): NOT authenticated\n",
		    other[i].kind, hex, other[i].kind);
		line = tlsa_zone_line(t.base, 25, ttl, 3, 1, 1, hex);
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "tlsa.other-key", RFC_TLSA_MATCH, "%s [%s] also has an %s "
		    "certificate, which it shows to senders that prefer %s; "
		    "no TLSA record matches its key (3 1 1 %s), so DANE "
		    "senders that get it do not deliver. Publish \"%s\", "
		    "or remove that certificate from the server", t.host,
		    a->addr, other[i].kind, other[i].kind, hex, line);
		free(line);
		free(hex);
	}
}

static void
tlsa_check_host(const struct observation *o, const struct mx_host *h,
    struct step_result *r, struct strbuf *table)
{
	struct dane_report_target	 t;
	struct tlsa_base		 b;
	struct tlsa_set			 set;
	size_t				 i;

	for (i = 0; i < h->naddrs; i++)
		tlsa_report_smtp(h->name, &h->addrs[i].smtp,
		    dns_answer_has_data(h->tlsa), r);
	if (tlsa_check_addresses(h, r) != 0)
		return;
	tlsa_pick_base(h, &b);
	if (tlsa_check_rrset(h, &b, r) != 0)
		return;

	tlsa_set_load(b.answer, &set, h->name, r);
	if (set.usable == 0)
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "tlsa.no-usable", RFC_TLSA_SEC, "%s has TLSA records, "
		    "but none is usable for SMTP: DANE senders still require "
		    "TLS but cannot authenticate the server", h->name);
	t.host = h->name;
	t.base = b.name;
	t.now = o->taken;
	for (i = 0; i < h->naddrs && set.usable > 0; i++) {
		if (h->addrs[i].smtp.outcome != SMTP_TLS_OK)
			continue;
		t.smtp = &h->addrs[i].smtp;
		dane_report_addr(&t, set.v, set.n, r, table);
		tlsa_check_other_keys(&t, &h->addrs[i], &set,
		    dns_answer_ttl(b.answer), r, table);
	}
	tlsa_set_free(&set);
}

/* The host a TLSA query name belongs to, and the base it names. */
static const struct mx_host *
tlsa_host_of(const struct observation *o, const char *qname,
    const char **base)
{
	const char	*p;
	size_t		 i;

	if (strncmp(qname, "_25._tcp.", 9) != 0)
		return NULL;
	p = qname + 9;
	for (i = 0; i < o->nhosts; i++) {
		if (strcmp(o->hosts[i].name, p) == 0 ||
		    (o->hosts[i].expanded != NULL &&
		    strcmp(o->hosts[i].expanded, p) == 0)) {
			*base = p;
			return &o->hosts[i];
		}
	}
	return NULL;
}

/*
 * When the servers disagree on a TLSA RRset, says which copy fails:
 * each copy is judged against what the host serves now.
 */
static void
tlsa_check_copies(const struct observation *o, const struct authority_zone *z,
    size_t q, struct step_result *r)
{
	const struct mx_host		*h;
	const struct authority_server	*s;
	struct dane_report_target	 t;
	struct nscompare_group		*g;
	struct step_result		 quiet;
	struct tlsa_set			 set;
	char				*name;
	size_t				 n, i, k;

	if ((h = tlsa_host_of(o, z->queries[q].name, &t.base)) == NULL)
		return;
	if ((n = nscompare_group(z, q, &g)) < 2)
		goto out;
	t.host = h->name;
	t.now = o->taken;
	step_result_init(&quiet, STEP_TLSA);
	for (i = 0; i < n; i++) {
		if (g[i].rdata == NULL)
			continue;
		s = &z->servers[g[i].servers[0]];
		tlsa_set_load(s->answers[q], &set, h->name, &quiet);
		for (k = 0; k < h->naddrs; k++) {
			t.smtp = &h->addrs[k].smtp;
			if (t.smtp->outcome != SMTP_TLS_OK ||
			    dane_report_would_pass(&t, set.v, set.n))
				continue;
			name = nscompare_server_name(s);
			findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
			    "tlsa.ns-copy-fails", RFC_TLSA_SMTP, "with the "
			    "TLSA records that %s serves for %s, DANE fails "
			    "for %s [%s]: senders whose resolver asks that "
			    "server defer mail", name, z->queries[q].name,
			    h->name, t.smtp->addr);
			free(name);
		}
		tlsa_set_free(&set);
	}
	step_result_free(&quiet);
out:
	nscompare_groups_free(g, n);
}

static void
tlsa_check_servers(const struct observation *o, struct step_result *r)
{
	const struct authority_zone	*z;
	size_t				 i, q;

	for (i = 0; i < o->nservers; i++) {
		z = &o->servers[i];
		nscompare_findings(z, 1, &r->findings);
		for (q = 1; z->error == NULL && q < z->nqueries; q++)
			if (z->queries[q].type == LDNS_RR_TYPE_TLSA)
				tlsa_check_copies(o, z, q, r);
	}
}

/* Adds the "3 1 1" line of the leaf's key, once. */
static void
tlsa_publish_key(const char *base, long ttl, X509 *leaf,
    struct strbuf *out)
{
	char	*hex, *line;

	if ((hex = tlsa_cert_digest_hex(leaf, 1, 1)) == NULL)
		return;
	line = tlsa_zone_line(base, 25, ttl, 3, 1, 1, hex);
	if (out->s == NULL || strstr(out->s, line) == NULL)
		strbuf_printf(out, "%s\n", line);
	free(line);
	free(hex);
}

/* The "3 1 1" lines for the keys each host serves right now. */
static char *
tlsa_records_to_publish(const struct observation *o)
{
	const struct mx_host	*h;
	struct tlsa_base	 b;
	struct strbuf		 out = { NULL, 0, 0 };
	struct other_key	 other[2];
	size_t			 i, j, k, n;
	long			 ttl;

	for (i = 0; i < o->nhosts; i++) {
		h = &o->hosts[i];
		tlsa_pick_base(h, &b);
		ttl = dns_answer_ttl(b.answer);
		for (j = 0; j < h->naddrs; j++) {
			tlsa_publish_key(b.name, ttl, h->addrs[j].smtp.leaf,
			    &out);
			n = observe_other_keys(&h->addrs[j], other);
			for (k = 0; k < n; k++)
				tlsa_publish_key(b.name, ttl,
				    other[k].smtp->leaf, &out);
		}
	}
	return strbuf_take(&out);
}

/* The chain of trust is broken: TLSA lookups in that zone fail. */
static void
tlsa_broken_zone(const struct observation *o, struct step_result *r)
{
	const struct chain_link	*z = observe_link(o, o->zone);

	if (z == NULL || z->verdict.security != DNSSEC_BOGUS) {
		findings_add(&r->findings, SEV_INFO, "tlsa.needs-dnssec",
		    RFC_TLSA_SEC, "TLSA records only count in a signed zone "
		    "with a chain of trust; finish the DNSSEC step first");
		step_result_set(r, STEP_PENDING, "waiting for DNSSEC");
		return;
	}
	findings_add_req(&r->findings, SEV_ERROR, REQ_MUST, "tlsa.bogus",
	    RFC_TLSA_ERRORS, "every lookup in %s is bogus while its chain "
	    "of trust is broken (%s), TLSA included: DANE senders defer "
	    "mail to its MX hosts rather than deliver it without DANE",
	    o->zone, dnssec_fault_name(z->verdict.fault));
	step_result_set(r, STEP_FAIL, "TLSA lookups fail: the chain of trust "
	    "is broken");
}

/* The verdict itself, from the zone down to each address. */
static void
tlsa_judge(const struct observation *o, const struct step_result *earlier,
    struct step_result *r)
{
	struct strbuf	 table = { NULL, 0, 0 };
	size_t		 i;

	if (earlier[STEP_DNSSEC].status == STEP_FAIL) {
		tlsa_broken_zone(o, r);
		return;
	}
	/* DNSSEC could not be judged: neither can what rests on it. */
	if (earlier[STEP_DNSSEC].status == STEP_PENDING) {
		findings_add(&r->findings, SEV_INFO, "tlsa.needs-dnssec",
		    RFC_TLSA_SEC, "TLSA records count only under a chain of "
		    "trust, which could not be checked: see the DNSSEC step");
		step_result_set(r, STEP_PENDING, "waiting for DNSSEC");
		return;
	}
	if (o->nhosts == 0) {
		step_result_set(r, STEP_PENDING, "no MX hosts to check");
		return;
	}
	if (o->mx_dnssec != NULL &&
	    o->mx_dnssec->verdict.security != DNSSEC_SECURE)
		findings_add_req(&r->findings, SEV_WARN, REQ_ADVICE,
		    "tlsa.mx-insecure", RFC_TLSA_MX, "the MX records of %s "
		    "are %s: senders may still use the hosts' TLSA records, "
		    "but Postfix, for one, does not without a validated MX "
		    "RRset", o->domain,
		    dnssec_security_name(o->mx_dnssec->verdict.security));

	for (i = 0; i < o->nhosts; i++)
		tlsa_check_host(o, &o->hosts[i], r, &table);
	tlsa_check_servers(o, r);
	if (table.len > 0)
		step_result_artifact(r, "DANE per MX address: which record "
		    "matched which certificate", "text", table.s);
	strbuf_free(&table);

	if (findings_count(&r->findings, SEV_ERROR) > 0)
		step_result_set(r, STEP_FAIL, "TLSA does not match every MX");
	else if (findings_count(&r->findings, SEV_WARN) > 0)
		step_result_set(r, STEP_WARN, "TLSA matches where tested, "
		    "with warnings");
	else
		step_result_set(r, STEP_PASS, "TLSA matches the key of every "
		    "MX address");
}

static void
tlsa_evaluate(const struct observation *o, const struct step_context *ctx,
    const struct step_result *earlier, struct step_result *r)
{
	char	*records;

	/* A rollover under way or a failed renewal hook counts too. */
	rollover_report(o, ctx, o->taken, r);
	tlsa_judge(o, earlier, r);

	/* Records to publish, unless what is published already works. */
	if (r->status == STEP_PASS)
		return;
	records = tlsa_records_to_publish(o);
	if (*records != '\0')
		step_result_artifact(r, "TLSA records for the keys served now",
		    "zone", records);
	free(records);
	tlsa_forms_artifacts(o, r);
}

const struct step step_tlsa = {
	.id = STEP_TLSA,
	.name = "tlsa",
	.title = "DANE TLSA",
	.help = tlsa_help,
	.evaluate = tlsa_evaluate,
};
