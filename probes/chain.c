/*
 * Walking the chain of trust (RFC 4035 §5) through the resolver.
 *
 * For a zone Z under parent P the walk asks for P's verdict first, then
 * for Z's DS RRset (signed by P's keys, or proven absent by P's NSEC or
 * NSEC3 records: an unsigned delegation), then for Z's DNSKEY RRset,
 * which must be signed by a key that one of the DS records points to.
 * The root takes the trust anchor in place of a DS RRset, as does any
 * zone the anchor file names.
 *
 * Zones are found by asking for the SOA of a name: an answer names the
 * apex itself, a negative answer carries the SOA of the zone in its
 * authority section.  Zone apexes and links are memoised; a thread that
 * needs a link another thread is working on waits for it.  Links only
 * depend on their parents, so the waits cannot form a cycle.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "dns.h"
#include "log.h"
#include "xmalloc.h"

#define CHAIN_MAX_CNAMES	16

struct chain_memo {
	char	*key;
	int	 done;
	void	*value;		/* a zone name, or a chain_link */
};

struct chain_table {
	struct chain_memo	**v;
	size_t			  n;
};

struct chain {
	struct probe_opts	 opts;
	time_t			 now;
	ldns_rr_list		*anchors;
	char			*anchor_error;

	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct chain_table	 zones;		/* name -> apex */
	struct chain_table	 links;		/* apex -> link */
};

static struct chain_link *chain_link_of(struct chain *, const char *);
static char	*chain_zone_of(struct chain *, const char *);

struct chain *
chain_new(const struct probe_opts *opts, time_t now)
{
	struct chain	*c;
	const char	*path;

	c = xcalloc(1, sizeof *c);
	c->opts = *opts;
	c->now = now;
	path = opts->trust_anchor != NULL ? opts->trust_anchor :
	    PROBE_DEFAULT_TRUST_ANCHOR;
	c->anchors = dns_trust_anchor_load(path, &c->anchor_error);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	return c;
}

/*
 * Finds key in t, or adds it for the caller to compute (*mine set).
 * Waits while another thread computes it.
 */
static struct chain_memo *
chain_memo_claim(struct chain *c, struct chain_table *t, const char *key,
    int *mine)
{
	struct chain_memo	*m = NULL;
	size_t			 i;

	pthread_mutex_lock(&c->lock);
	for (i = 0; i < t->n && m == NULL; i++)
		if (strcmp(t->v[i]->key, key) == 0)
			m = t->v[i];
	*mine = m == NULL;
	if (m == NULL) {
		m = xcalloc(1, sizeof *m);
		m->key = xstrdup(key);
		t->v = xreallocarray(t->v, t->n + 1, sizeof *t->v);
		t->v[t->n++] = m;
	}
	while (!*mine && !m->done)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
	return m;
}

static void
chain_memo_done(struct chain *c, struct chain_memo *m, void *value)
{
	pthread_mutex_lock(&c->lock);
	m->value = value;
	m->done = 1;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

/* "a.b.test" -> "b.test", "test" -> "."; NULL for the root. */
static char *
chain_parent_name(const char *name)
{
	const char	*dot;

	if (strcmp(name, ".") == 0)
		return NULL;
	if ((dot = strchr(name, '.')) == NULL || dot[1] == '\0')
		return xstrdup(".");
	return xstrdup(dot + 1);
}

/* The owner of the first SOA in the authority section, or NULL. */
static char *
chain_authority_soa(const struct dns_answer *a)
{
	ldns_rr_list	*auth = ldns_pkt_authority(a->pkt);
	ldns_rr		*rr;
	size_t		 i;

	for (i = 0; i < ldns_rr_list_rr_count(auth); i++) {
		rr = ldns_rr_list_rr(auth, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA)
			return dns_name_str(ldns_rr_owner(rr));
	}
	return NULL;
}

/* Whether a resolver answer can be used at all (CD set). */
static int
chain_usable(const struct dns_answer *a)
{
	return a->answered && (a->rcode == LDNS_RCODE_NOERROR ||
	    a->rcode == LDNS_RCODE_NXDOMAIN);
}

/* The apex of the zone holding name, from an SOA query. */
static char *
chain_find_zone(struct chain *c, const char *name)
{
	struct dns_answer	*a;
	char			*zone = NULL, *up;

	a = dns_lookup_cd(&c->opts, name, LDNS_RR_TYPE_SOA);
	if (!chain_usable(a))
		goto out;
	if (a->canonical == NULL && dns_answer_has_data(a))
		zone = xstrdup(name);
	else if (a->canonical == NULL)
		zone = chain_authority_soa(a);
	/* A CNAME, or no SOA anywhere: the zone is the parent's. */
	if (zone == NULL && (up = chain_parent_name(name)) != NULL) {
		zone = chain_zone_of(c, up);
		free(up);
	}
out:
	log_debug("chain: zone of %s: %s", name, zone != NULL ? zone : "?");
	dns_answer_free(a);
	return zone;
}

/* Memoised chain_find_zone(); the caller frees the result. */
static char *
chain_zone_of(struct chain *c, const char *name)
{
	struct chain_memo	*m;
	int			 mine;

	if (strcmp(name, ".") == 0)
		return xstrdup(".");
	m = chain_memo_claim(c, &c->zones, name, &mine);
	if (mine)
		chain_memo_done(c, m, chain_find_zone(c, name));
	return m->value != NULL ? xstrdup(m->value) : NULL;
}

/* The anchors the file gives for zone itself, or NULL. */
static ldns_rr_list *
chain_anchors_for(struct chain *c, const char *zone)
{
	ldns_rr_list	*v;
	ldns_rr		*rr;
	char		*owner;
	size_t		 i;

	if (c->anchors == NULL)
		return NULL;
	v = ldns_rr_list_new();
	for (i = 0; i < ldns_rr_list_rr_count(c->anchors); i++) {
		rr = ldns_rr_list_rr(c->anchors, i);
		owner = dns_name_str(ldns_rr_owner(rr));
		if (strcmp(owner, zone) == 0)
			ldns_rr_list_push_rr(v, ldns_rr_clone(rr));
		free(owner);
	}
	if (ldns_rr_list_rr_count(v) == 0) {
		ldns_rr_list_free(v);
		return NULL;
	}
	return v;
}

/* A link inherits a parent that is not secure. */
static void
chain_inherit(struct chain_link *l, const struct chain_link *p)
{
	switch (p->verdict.security) {
	case DNSSEC_INSECURE:
		dnssec_verdict_set(&l->verdict, DNSSEC_INSECURE,
		    DNSSEC_FAULT_PARENT, "%s is below the insecure zone %s",
		    l->zone, p->zone);
		break;
	case DNSSEC_BOGUS:
		dnssec_verdict_set(&l->verdict, DNSSEC_BOGUS,
		    DNSSEC_FAULT_PARENT, "%s is below %s, whose chain of "
		    "trust is broken", l->zone, p->zone);
		break;
	default:
		dnssec_verdict_set(&l->verdict, DNSSEC_INDETERMINATE,
		    DNSSEC_FAULT_PARENT, "the status of %s above %s is "
		    "unknown", p->zone, l->zone);
		break;
	}
}

/*
 * The DS RRset of l at its parent p, checked with p's keys; returns
 * the trusted DS list, or NULL with l->verdict set when the walk ends.
 */
static ldns_rr_list *
chain_check_ds(struct chain *c, struct chain_link *l,
    const struct chain_link *p)
{
	struct dns_answer	*a;
	ldns_rr_list		*trusted = NULL;
	ldns_rdf		*name;

	a = dns_lookup_cd(&c->opts, l->zone, LDNS_RR_TYPE_DS);
	if (!chain_usable(a)) {
		dnssec_verdict_set(&l->verdict, DNSSEC_INDETERMINATE,
		    DNSSEC_FAULT_LOOKUP, "the DS lookup for %s failed: %s",
		    l->zone, a->answered ? dns_answer_rcode_name(a) :
		    a->error);
		goto out;
	}

	if (dns_answer_has_data(a) && a->canonical == NULL) {
		l->ds_rrs = ldns_rr_list_clone(a->rrs);
		dnssec_check_rrset(a->rrs, a->sigs, p->keys.keys, c->now,
		    &l->ds);
		if (l->ds.security == DNSSEC_SECURE)
			trusted = ldns_rr_list_clone(a->rrs);
		else
			dnssec_verdict_set(&l->verdict, l->ds.security,
			    l->ds.fault, "the DS records of %s in %s are not "
			    "valid: %s", l->zone, p->zone, l->ds.detail);
		goto out;
	}

	/* No DS: the parent must prove it (RFC 4035 §5.2). */
	name = ldns_dname_new_frm_str(l->zone);
	dnssec_check_denial(name, LDNS_RR_TYPE_DS,
	    a->rcode == LDNS_RCODE_NXDOMAIN, ldns_pkt_authority(a->pkt),
	    p->keys.keys, c->now, &l->ds);
	ldns_rdf_deep_free(name);
	if (l->ds.security == DNSSEC_SECURE)
		dnssec_verdict_set(&l->verdict, DNSSEC_INSECURE,
		    DNSSEC_FAULT_NO_DS, "%s proves that it has no DS record "
		    "for %s: the delegation is unsigned", p->zone, l->zone);
	else
		dnssec_verdict_set(&l->verdict, DNSSEC_BOGUS, l->ds.fault,
		    "%s has no DS record for %s, but does not prove it: %s",
		    p->zone, l->zone, l->ds.detail);
out:
	dns_answer_free(a);
	return trusted;
}

/* The records the zone's keys must match: anchors, or the parent's DS. */
static ldns_rr_list *
chain_trusted(struct chain *c, struct chain_link *l)
{
	const struct chain_link	*p;
	ldns_rr_list		*trusted;
	char			*above;

	if ((trusted = chain_anchors_for(c, l->zone)) != NULL)
		return trusted;
	if (strcmp(l->zone, ".") == 0) {
		dnssec_verdict_set(&l->verdict, DNSSEC_INDETERMINATE,
		    DNSSEC_FAULT_LOOKUP, "no trust anchor for the root: %s",
		    c->anchor_error != NULL ? c->anchor_error :
		    "the anchor file names other zones");
		return NULL;
	}

	above = chain_parent_name(l->zone);
	l->parent = chain_zone_of(c, above);
	free(above);
	p = l->parent != NULL ? chain_link_of(c, l->parent) : NULL;
	if (p == NULL) {
		dnssec_verdict_set(&l->verdict, DNSSEC_INDETERMINATE,
		    DNSSEC_FAULT_LOOKUP, "could not find the zone above %s",
		    l->zone);
		return NULL;
	}
	if (p->verdict.security != DNSSEC_SECURE) {
		chain_inherit(l, p);
		return NULL;
	}
	return chain_check_ds(c, l, p);
}

/* Validates one zone: the link from its trusted records to its keys. */
static struct chain_link *
chain_build_link(struct chain *c, const char *zone)
{
	struct chain_link	*l;
	struct dns_answer	*a;
	ldns_rr_list		*trusted;

	l = xcalloc(1, sizeof *l);
	l->zone = xstrdup(zone);
	trusted = chain_trusted(c, l);
	if (trusted == NULL)
		goto out;

	a = dns_lookup_cd(&c->opts, zone, LDNS_RR_TYPE_DNSKEY);
	if (!chain_usable(a)) {
		dnssec_verdict_set(&l->verdict, DNSSEC_INDETERMINATE,
		    DNSSEC_FAULT_LOOKUP, "the DNSKEY lookup for %s failed: %s",
		    zone, a->answered ? dns_answer_rcode_name(a) : a->error);
	} else {
		if (a->rrs != NULL && a->canonical == NULL)
			l->dnskeys = ldns_rr_list_clone(a->rrs);
		dnssec_check_keys(trusted, l->dnskeys, a->sigs, c->now,
		    &l->keys);
		dnssec_verdict_copy(&l->verdict, &l->keys.verdict);
		if (l->ds.expires != 0 && l->ds.expires < l->verdict.expires)
			l->verdict.expires = l->ds.expires;
	}
	dns_answer_free(a);
	ldns_rr_list_deep_free(trusted);
out:
	log_debug("chain: %s %s %s", zone,
	    dnssec_security_name(l->verdict.security),
	    l->verdict.detail != NULL ? l->verdict.detail : "");
	return l;
}

static struct chain_link *
chain_link_of(struct chain *c, const char *zone)
{
	struct chain_memo	*m;
	int			 mine;

	m = chain_memo_claim(c, &c->links, zone, &mine);
	if (mine)
		chain_memo_done(c, m, chain_build_link(c, zone));
	return m->value;
}

const struct chain_link *
chain_zone(struct chain *c, const char *name)
{
	const struct chain_link	*l;
	char			*zone;

	if ((zone = chain_zone_of(c, name)) == NULL)
		return NULL;
	l = chain_link_of(c, zone);
	free(zone);
	return l;
}

/* The RRSIGs in the answer section over owner/type. */
static ldns_rr_list *
chain_sigs(const ldns_pkt *pkt, const ldns_rdf *owner, ldns_rr_type type)
{
	ldns_rr_list	*v;

	v = ldns_dnssec_pkt_get_rrsigs_for_name_and_type(pkt, owner, type);
	return v != NULL ? v : ldns_rr_list_new();
}

/* The zone that holds an RRset: its signer if plausible, else by SOA. */
static char *
chain_rrset_zone(struct chain *c, const ldns_rr_list *rrset,
    const ldns_rr_list *sigs)
{
	const ldns_rdf	*owner = ldns_rr_owner(ldns_rr_list_rr(rrset, 0));
	const ldns_rdf	*signer;
	char		*name, *zone;

	if (ldns_rr_list_rr_count(sigs) > 0) {
		signer = ldns_rr_rrsig_signame(ldns_rr_list_rr(sigs, 0));
		if (signer != NULL && (ldns_dname_compare(signer, owner) == 0 ||
		    ldns_dname_is_subdomain(owner, signer)))
			return dns_name_str(signer);
	}
	name = dns_name_str(owner);
	zone = chain_zone_of(c, name);
	free(name);
	return zone;
}

/* An RRset in a zone that is not secure is what the zone is. */
static void
chain_zone_verdict(const struct chain_link *l, struct dnssec_verdict *v)
{
	dnssec_verdict_set(v, l->verdict.security,
	    l->verdict.security == DNSSEC_INSECURE ? l->verdict.fault :
	    DNSSEC_FAULT_PARENT, "zone %s: %s", l->zone,
	    l->verdict.detail != NULL ? l->verdict.detail : "");
}

/* Judges one RRset in its zone; fills hop. */
static void
chain_judge_rrset(struct chain *c, const ldns_rr_list *rrset,
    const ldns_rr_list *sigs, const ldns_rr_list *authority,
    struct chain_hop *hop)
{
	const struct chain_link	*l = NULL;

	hop->zone = chain_rrset_zone(c, rrset, sigs);
	if (hop->zone != NULL)
		l = chain_link_of(c, hop->zone);
	if (l == NULL)
		dnssec_verdict_set(&hop->verdict, DNSSEC_INDETERMINATE,
		    DNSSEC_FAULT_LOOKUP, "could not find the zone of %s",
		    hop->owner);
	else if (l->verdict.security != DNSSEC_SECURE)
		chain_zone_verdict(l, &hop->verdict);
	else {
		dnssec_check_rrset(rrset, sigs, l->keys.keys, c->now,
		    &hop->verdict);
		dnssec_check_wildcard(rrset, sigs, authority, l->keys.keys,
		    c->now, &hop->verdict);
	}
}

/* Judges a negative answer at the end of the lookup. */
static void
chain_judge_negative(struct chain *c, const struct dns_answer *a,
    const ldns_rdf *name, struct chain_hop *hop)
{
	const struct chain_link	*l = NULL;

	if ((hop->zone = chain_authority_soa(a)) == NULL)
		hop->zone = chain_zone_of(c, hop->owner);
	if (hop->zone != NULL)
		l = chain_link_of(c, hop->zone);
	if (l == NULL)
		dnssec_verdict_set(&hop->verdict, DNSSEC_INDETERMINATE,
		    DNSSEC_FAULT_LOOKUP, "could not find the zone of %s",
		    hop->owner);
	else if (l->verdict.security != DNSSEC_SECURE)
		chain_zone_verdict(l, &hop->verdict);
	else
		dnssec_check_denial(name, a->qtype,
		    a->rcode == LDNS_RCODE_NXDOMAIN,
		    ldns_pkt_authority(a->pkt), l->keys.keys, c->now,
		    &hop->verdict);
}

static struct chain_hop *
chain_add_hop(struct chain_lookup *out, const ldns_rdf *owner)
{
	struct chain_hop	*hop;

	out->hops = xreallocarray(out->hops, out->nhops + 1,
	    sizeof *out->hops);
	hop = &out->hops[out->nhops++];
	memset(hop, 0, sizeof *hop);
	hop->owner = dns_name_str(owner);
	return hop;
}

/* The CNAME owned by name in the answer section, or NULL. */
static ldns_rr *
chain_cname_at(const ldns_pkt *pkt, const ldns_rdf *name)
{
	ldns_rr_list	*answer = ldns_pkt_answer(pkt);
	ldns_rr		*rr;
	size_t		 i;

	for (i = 0; i < ldns_rr_list_rr_count(answer); i++) {
		rr = ldns_rr_list_rr(answer, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
		    ldns_dname_compare(ldns_rr_owner(rr), name) == 0)
			return rr;
	}
	return NULL;
}

/* Follows the CNAMEs of the answer, judging each; returns the end. */
static const ldns_rdf *
chain_follow(struct chain *c, const struct dns_answer *a,
    const ldns_rdf *name, struct chain_lookup *out)
{
	struct chain_hop	*hop;
	ldns_rr_list		*set, *sigs;
	ldns_rr			*cname;
	size_t			 hops;

	for (hops = 0; hops < CHAIN_MAX_CNAMES; hops++) {
		if (a->qtype == LDNS_RR_TYPE_CNAME ||
		    (cname = chain_cname_at(a->pkt, name)) == NULL)
			break;
		hop = chain_add_hop(out, name);
		hop->target = dns_name_str(ldns_rr_rdf(cname, 0));
		set = ldns_rr_list_new();
		ldns_rr_list_push_rr(set, cname);
		sigs = chain_sigs(a->pkt, name, LDNS_RR_TYPE_CNAME);
		chain_judge_rrset(c, set, sigs, ldns_pkt_authority(a->pkt),
		    hop);
		ldns_rr_list_deep_free(sigs);
		ldns_rr_list_free(set);
		name = ldns_rr_rdf(cname, 0);
	}
	return name;
}

/* Ranks states for combining hops: the worst one decides. */
static int
chain_rank(enum dnssec_security s)
{
	switch (s) {
	case DNSSEC_SECURE:
		return 0;
	case DNSSEC_INSECURE:
		return 1;
	case DNSSEC_INDETERMINATE:
		return 2;
	default:
		return 3;
	}
}

/*
 * The lookup is as good as its weakest step: a CNAME into an unsigned
 * zone makes it insecure, a broken one anywhere makes it bogus.
 */
static void
chain_combine(struct chain_lookup *out)
{
	const struct chain_hop	*worst = &out->hops[0];
	size_t			 i;
	time_t			 expires = 0;

	for (i = 0; i < out->nhops; i++) {
		if (chain_rank(out->hops[i].verdict.security) >
		    chain_rank(worst->verdict.security))
			worst = &out->hops[i];
		if (out->hops[i].verdict.expires != 0 && (expires == 0 ||
		    out->hops[i].verdict.expires < expires))
			expires = out->hops[i].verdict.expires;
	}
	dnssec_verdict_copy(&out->verdict, &worst->verdict);
	out->verdict.expires = expires;
	if (out->nhops > 1 && worst->verdict.security != DNSSEC_SECURE &&
	    worst->target != NULL)
		dnssec_verdict_set(&out->verdict, worst->verdict.security,
		    worst->verdict.fault, "at the CNAME %s -> %s: %s",
		    worst->owner, worst->target, worst->verdict.detail != NULL ?
		    worst->verdict.detail : dnssec_security_name(
		    worst->verdict.security));
	else if (out->nhops > 1 && worst->verdict.security == DNSSEC_INSECURE)
		dnssec_verdict_set(&out->verdict, worst->verdict.security,
		    worst->verdict.fault, "the CNAME chain leads to %s, which "
		    "is not signed: %s", worst->owner,
		    worst->verdict.detail != NULL ? worst->verdict.detail : "");
}

void
chain_lookup(struct chain *c, const char *name, ldns_rr_type type,
    struct chain_lookup *out)
{
	struct dns_answer	*a;
	struct chain_hop	*hop;
	ldns_rdf		*qname;
	const ldns_rdf		*end;

	memset(out, 0, sizeof *out);
	out->name = xstrdup(name);
	out->type = type;
	a = dns_lookup_cd(&c->opts, name, type);
	if (!chain_usable(a) || (qname = ldns_dname_new_frm_str(name)) ==
	    NULL) {
		dnssec_verdict_set(&out->verdict, DNSSEC_INDETERMINATE,
		    DNSSEC_FAULT_LOOKUP, "the lookup failed even with "
		    "checking disabled: %s", a->answered ?
		    dns_answer_rcode_name(a) : a->error);
		dns_answer_free(a);
		return;
	}
	out->answered = 1;
	out->nxdomain = a->rcode == LDNS_RCODE_NXDOMAIN;

	end = chain_follow(c, a, qname, out);
	out->final = dns_name_str(end);
	hop = chain_add_hop(out, end);
	if (dns_answer_has_data(a)) {
		out->exists = 1;
		chain_judge_rrset(c, a->rrs, a->sigs,
		    ldns_pkt_authority(a->pkt), hop);
	} else
		chain_judge_negative(c, a, end, hop);
	chain_combine(out);

	ldns_rdf_deep_free(qname);
	dns_answer_free(a);
}

void
chain_lookup_free(struct chain_lookup *l)
{
	size_t	i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nhops; i++) {
		free(l->hops[i].owner);
		free(l->hops[i].target);
		free(l->hops[i].zone);
		dnssec_verdict_free(&l->hops[i].verdict);
	}
	free(l->hops);
	free(l->name);
	free(l->final);
	dnssec_verdict_free(&l->verdict);
	memset(l, 0, sizeof *l);
}

void
chain_link_free(struct chain_link *l)
{
	if (l == NULL)
		return;
	free(l->zone);
	free(l->parent);
	dnssec_verdict_free(&l->verdict);
	dnssec_verdict_free(&l->ds);
	dnssec_keys_free(&l->keys);
	if (l->ds_rrs != NULL)
		ldns_rr_list_deep_free(l->ds_rrs);
	if (l->dnskeys != NULL)
		ldns_rr_list_deep_free(l->dnskeys);
	free(l);
}

static int
chain_depth(const char *zone)
{
	int	n = 0;

	if (strcmp(zone, ".") == 0)
		return 0;
	for (n = 1; *zone != '\0'; zone++)
		n += *zone == '.';
	return n;
}

static int
chain_link_cmp(const void *a, const void *b)
{
	const struct chain_link	*x = *(struct chain_link *const *)a;
	const struct chain_link	*y = *(struct chain_link *const *)b;
	int			 dx = chain_depth(x->zone);
	int			 dy = chain_depth(y->zone);

	if (dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(x->zone, y->zone);
}

struct chain_link **
chain_take_links(struct chain *c, size_t *n)
{
	struct chain_link	**v;
	size_t			  i;

	pthread_mutex_lock(&c->lock);
	v = xcalloc(c->links.n + 1, sizeof *v);
	*n = 0;
	for (i = 0; i < c->links.n; i++) {
		if (c->links.v[i]->value == NULL)
			continue;
		v[(*n)++] = c->links.v[i]->value;
		c->links.v[i]->value = NULL;
	}
	pthread_mutex_unlock(&c->lock);
	qsort(v, *n, sizeof *v, chain_link_cmp);
	return v;
}

static void
chain_table_free(struct chain_table *t, int links)
{
	size_t	i;

	for (i = 0; i < t->n; i++) {
		if (links)
			chain_link_free(t->v[i]->value);
		else
			free(t->v[i]->value);
		free(t->v[i]->key);
		free(t->v[i]);
	}
	free(t->v);
}

void
chain_free(struct chain *c)
{
	if (c == NULL)
		return;
	chain_table_free(&c->zones, 0);
	chain_table_free(&c->links, 1);
	if (c->anchors != NULL)
		ldns_rr_list_deep_free(c->anchors);
	free(c->anchor_error);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
	free(c);
}
