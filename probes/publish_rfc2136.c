/*
 * The RFC 2136 publisher: DNS UPDATE to the zone's primary server, signed
 * with TSIG (RFC 8945), through ldns.
 *
 * Every change is a compare-and-swap.  The RRset is read from the primary
 * first, and the UPDATE carries it as a value-dependent prerequisite
 * (RFC 2136 §2.4.2), or "RRset does not exist" (§2.4.3) when there is
 * none: if anyone changed the RRset in between, the server refuses the
 * whole update (YXRRSET or NXRRSET) and nothing is half done.  Records
 * already there are not added again and records already gone are not
 * deleted, so running a step twice (after a crash, say) is harmless.
 */
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "log.h"
#include "publish.h"
#include "tsig.h"
#include "xmalloc.h"

#define RFC2136_TRIES	2	/* a lost race is retried once */

struct rfc2136 {
	char		*server;	/* "ADDR" or "ADDR@PORT" */
	struct tsig_key	 key;
};

/* The TLSA RRset the primary serves now. */
static int
rfc2136_read(struct publisher *p, const char *owner,
    struct publish_rrset *set, char **cause)
{
	struct rfc2136		*r = p->priv;
	struct dns_answer	*a;
	int			 rc = -1;

	memset(set, 0, sizeof *set);
	a = dns_lookup_at(&p->opts, r->server, owner, LDNS_RR_TYPE_TLSA);
	if (!a->answered)
		xasprintf(cause, "the primary server %s does not answer: %s",
		    r->server, a->error);
	else if (a->rcode != LDNS_RCODE_NOERROR &&
	    a->rcode != LDNS_RCODE_NXDOMAIN)
		xasprintf(cause, "the primary server %s answers %s for %s",
		    r->server, dns_answer_rcode_name(a), owner);
	else if (!ldns_pkt_aa(a->pkt))
		xasprintf(cause, "%s is not authoritative for %s", r->server,
		    owner);
	else {
		publish_rrset_from_rrs(a->rrs, set);
		rc = 0;
	}
	dns_answer_free(a);
	return rc;
}

/* One TLSA RR: class IN or NONE, with a TTL, from a record. */
static ldns_rr *
rfc2136_rr(const char *owner, uint32_t ttl, ldns_rr_class class,
    const struct tlsa_record *t)
{
	ldns_rr	*rr = NULL;
	char	*s, *str;

	s = tlsa_record_str(t);
	str = xprintf("%s. %u IN TLSA %s", owner, ttl, s);
	if (ldns_rr_new_frm_str(&rr, str, ttl, NULL, NULL) != LDNS_STATUS_OK)
		rr = NULL;
	else
		ldns_rr_set_class(rr, class);
	free(str);
	free(s);
	return rr;
}

/* The prerequisite that the RRset is exactly set (or absent). */
static int
rfc2136_prereq(const char *owner, const struct publish_rrset *set,
    ldns_rr_list *pr)
{
	ldns_rr	*rr;
	size_t	 i;

	if (set->n == 0) {
		rr = ldns_rr_new();
		ldns_rr_set_owner(rr, ldns_dname_new_frm_str(owner));
		ldns_rr_set_type(rr, LDNS_RR_TYPE_TLSA);
		ldns_rr_set_class(rr, LDNS_RR_CLASS_NONE);
		ldns_rr_set_ttl(rr, 0);
		ldns_rr_list_push_rr(pr, rr);
		return 0;
	}
	for (i = 0; i < set->n; i++) {
		if ((rr = rfc2136_rr(owner, 0, LDNS_RR_CLASS_IN,
		    &set->v[i])) == NULL)
			return -1;
		ldns_rr_list_push_rr(pr, rr);
	}
	return 0;
}

/* What a refused update means, in words. */
static char *
rfc2136_refusal(const struct rfc2136 *r, ldns_pkt_rcode rcode)
{
	ldns_lookup_table	*lt = ldns_lookup_by_id(ldns_rcodes, rcode);
	const char		*name = lt != NULL ? lt->name : "an error";

	switch (rcode) {
	case LDNS_RCODE_NOTAUTH:
		return xprintf("%s refused the update (NOTAUTH): it does not "
		    "accept TSIG key %s for this zone, or the secret is "
		    "wrong", r->server, r->key.name);
	case LDNS_RCODE_REFUSED:
		return xprintf("%s refused the update (REFUSED): updates with "
		    "key %s are not allowed for this zone", r->server,
		    r->key.name);
	case LDNS_RCODE_YXRRSET:
	case LDNS_RCODE_NXRRSET:
		return xprintf("the TLSA records changed on %s while "
		    "mxanchor was updating them (%s)", r->server, name);
	case LDNS_RCODE_NOTZONE:
		return xprintf("%s says the name is not in the zone (NOTZONE)",
		    r->server);
	default:
		return xprintf("%s answered the update with %s", r->server,
		    name);
	}
}

/*
 * Sends one UPDATE; returns 0 when applied, 1 when a prerequisite failed
 * (someone else changed the RRset), -1 on any other error.
 */
static int
rfc2136_send(struct publisher *p, ldns_rr_list *pr, ldns_rr_list *up,
    char **cause)
{
	struct rfc2136		*r = p->priv;
	struct probe_opts	 direct = p->opts;
	ldns_resolver		*res;
	ldns_pkt		*pkt, *answer = NULL;
	ldns_status		 s;
	ldns_pkt_rcode		 rcode;
	int			 rc = -1;

	direct.resolver = r->server;
	if ((res = dns_resolver_new(&direct, cause)) == NULL)
		return -1;
	ldns_resolver_set_recursive(res, false);
	ldns_resolver_set_dnssec(res, false);
	tsig_key_apply(&r->key, res);

	pkt = ldns_update_pkt_new(ldns_dname_new_frm_str(p->zone),
	    LDNS_RR_CLASS_IN, pr, up, NULL);
	ldns_pkt_set_rd(pkt, false);
	if ((s = ldns_update_pkt_tsig_add(pkt, res)) != LDNS_STATUS_OK) {
		xasprintf(cause, "cannot sign the update with key %s: %s",
		    r->key.name, ldns_get_errorstr_by_id(s));
		goto out;
	}

	s = ldns_resolver_send_pkt(&answer, res, pkt);
	rcode = answer != NULL ? ldns_pkt_get_rcode(answer) : 0;
	log_debug("rfc2136 %s zone %s: %s, rcode %d", r->server, p->zone,
	    ldns_get_errorstr_by_id(s), answer != NULL ? (int)rcode : -1);
	if (answer == NULL && s == LDNS_STATUS_CRYPTO_TSIG_BOGUS)
		xasprintf(cause, "%s answered the update unsigned or signed "
		    "with another secret than that of key %s: most likely it "
		    "does not know this secret (wrong key file?)", r->server,
		    r->key.name);
	else if (answer == NULL)
		xasprintf(cause, "no answer to the update from %s: %s",
		    r->server, ldns_get_errorstr_by_id(s));
	else if (rcode == LDNS_RCODE_YXRRSET || rcode == LDNS_RCODE_NXRRSET)
		rc = 1;
	else if (rcode != LDNS_RCODE_NOERROR)
		*cause = rfc2136_refusal(r, rcode);
	else if (s != LDNS_STATUS_OK)
		xasprintf(cause, "%s applied the update, but its answer fails "
		    "TSIG verification (%s)", r->server,
		    ldns_get_errorstr_by_id(s));
	else
		rc = 0;

out:
	ldns_pkt_free(answer);
	ldns_pkt_free(pkt);
	tsig_key_wipe_from(res);
	ldns_resolver_deep_free(res);
	return rc;
}

/* Builds the update section; returns how many RRs it holds, or -1. */
static int
rfc2136_changes(const char *owner, uint32_t ttl,
    const struct publish_rrset *now, const struct tlsa_record *v, size_t n,
    int adding, ldns_rr_list *up)
{
	ldns_rr	*rr;
	size_t	 i;
	int	 count = 0;

	for (i = 0; i < n; i++) {
		if (publish_rrset_has(now, &v[i]) == adding)
			continue;
		rr = rfc2136_rr(owner, adding ? ttl : 0, adding ?
		    LDNS_RR_CLASS_IN : LDNS_RR_CLASS_NONE, &v[i]);
		if (rr == NULL)
			return -1;
		ldns_rr_list_push_rr(up, rr);
		count++;
	}
	return count;
}

/* How many of now's records would be left after removing v. */
static size_t
rfc2136_left(const struct publish_rrset *now, const struct tlsa_record *v,
    size_t n)
{
	struct publish_rrset	gone = { (struct tlsa_record *)v, n, 0 };
	size_t			i, left = 0;

	for (i = 0; i < now->n; i++)
		if (!publish_rrset_has(&gone, &now->v[i]))
			left++;
	return left;
}

/* Read, compare, update; once more if the RRset moved meanwhile. */
static int
rfc2136_change(struct publisher *p, const char *owner, uint32_t ttl,
    const struct tlsa_record *v, size_t n, int adding, char **cause)
{
	struct publish_rrset	 now;
	ldns_rr_list		*pr, *up;
	int			 tries, count, rc = -1;

	for (tries = 0; tries < RFC2136_TRIES; tries++) {
		if (rfc2136_read(p, owner, &now, cause) != 0)
			return -1;
		if (!adding && now.n > 0 && rfc2136_left(&now, v, n) == 0) {
			xasprintf(cause, "refusing to remove the last TLSA "
			    "records of %s: DANE senders would then see none",
			    owner);
			publish_rrset_free(&now);
			return -1;
		}

		if (ttl == 0)
			ttl = now.n > 0 ? now.ttl : PUBLISH_DEFAULT_TTL;
		pr = ldns_rr_list_new();
		up = ldns_rr_list_new();
		count = rfc2136_changes(owner, ttl, &now, v, n, adding, up);
		if (count > 0 && rfc2136_prereq(owner, &now, pr) == 0)
			rc = rfc2136_send(p, pr, up, cause);
		else if (count < 0)
			xasprintf(cause, "a TLSA record for %s is malformed",
			    owner);
		ldns_rr_list_deep_free(pr);
		ldns_rr_list_deep_free(up);
		publish_rrset_free(&now);
		if (count == 0)
			return 0;
		if (rc != 1)
			return rc == 0 ? 1 : -1;
		log_debug("rfc2136 %s: the RRset moved, reading it again",
		    owner);
	}
	*cause = rfc2136_refusal(p->priv, LDNS_RCODE_YXRRSET);
	return -1;
}

static int
rfc2136_add(struct publisher *p, const char *owner, uint32_t ttl,
    const struct tlsa_record *v, size_t n, char **cause)
{
	return rfc2136_change(p, owner, ttl, v, n, 1, cause);
}

static int
rfc2136_remove(struct publisher *p, const char *owner,
    const struct tlsa_record *v, size_t n, char **cause)
{
	return rfc2136_change(p, owner, 0, v, n, 0, cause);
}

static int
rfc2136_verify(struct publisher *p, const char *owner,
    const struct tlsa_record *present, size_t npresent,
    const struct tlsa_record *absent, size_t nabsent,
    struct publish_check *check, char **cause)
{
	return publish_check_auth(&p->opts, p->zone, owner, present, npresent,
	    absent, nabsent, check, cause);
}

static void
rfc2136_free(struct publisher *p)
{
	struct rfc2136	*r = p->priv;

	tsig_key_free(&r->key);
	free(r->server);
	free(r);
}

static const struct publisher_ops rfc2136_ops = {
	.name = "rfc2136",
	.add = rfc2136_add,
	.remove = rfc2136_remove,
	.verify = rfc2136_verify,
	.free = rfc2136_free,
};

/* The address of the zone's primary, from the SOA MNAME (RFC 2136 §4). */
static char *
rfc2136_primary(const struct probe_opts *opts, const char *zone,
    char **cause)
{
	struct dns_answer	*soa, *addr;
	char			*mname, *out = NULL;

	soa = dns_lookup(opts, zone, LDNS_RR_TYPE_SOA);
	if (!dns_answer_has_data(soa)) {
		xasprintf(cause, "no SOA for %s: %s", zone, soa->answered ?
		    dns_answer_rcode_name(soa) : soa->error);
		dns_answer_free(soa);
		return NULL;
	}
	mname = dns_name_str(ldns_rr_rdf(ldns_rr_list_rr(soa->rrs, 0), 0));
	dns_answer_free(soa);

	addr = dns_lookup(opts, mname, LDNS_RR_TYPE_A);
	if (!dns_answer_has_data(addr)) {
		dns_answer_free(addr);
		addr = dns_lookup(opts, mname, LDNS_RR_TYPE_AAAA);
	}
	if (dns_answer_has_data(addr))
		out = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(addr->rrs, 0),
		    0));
	else
		xasprintf(cause, "the primary server of %s (%s) has no "
		    "address; name it with --server", zone, mname);
	dns_answer_free(addr);
	free(mname);
	return out;
}

struct publisher *
publish_rfc2136_new(const struct probe_opts *opts, const char *zone,
    const char *name, const char *server, const struct tsig_key *key,
    char **cause)
{
	struct publisher	*p;
	struct rfc2136		*r;
	char			*z, *primary;

	if (zone != NULL)
		z = xstrdup(zone);
	else if ((z = publish_find_zone(opts, name, cause)) == NULL)
		return NULL;
	if (server != NULL)
		primary = xstrdup(server);
	else if ((primary = rfc2136_primary(opts, z, cause)) == NULL) {
		free(z);
		return NULL;
	}

	r = xcalloc(1, sizeof *r);
	r->server = primary;
	r->key.name = xstrdup(key->name);
	r->key.algorithm = xstrdup(key->algorithm);
	r->key.secret = xstrdup(key->secret);

	p = xcalloc(1, sizeof *p);
	p->ops = &rfc2136_ops;
	p->opts = *opts;
	p->zone = z;
	p->priv = r;
	log_debug("rfc2136: zone %s, primary %s, key %s", z, primary,
	    key->name);
	return p;
}
