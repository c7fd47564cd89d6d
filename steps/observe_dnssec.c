/*
 * The DNSSEC part of an observation: mxanchor's own validation, from
 * the trust anchor down, of the domain's zone, of the MX RRset and of
 * every MX host's address and TLSA lookups (probes/chain.h).
 *
 * Each lookup is one job; jobs share the chain, so the root and test.
 * are fetched and validated once however many hosts rest on them.
 * When an MX host's address lookup goes through a CNAME, TLSA is also
 * looked up at the name it ends at, the TLSA base domain that RFC 7672
 * §2.2.3 tries first.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "observe.h"
#include "parallel.h"
#include "xmalloc.h"

struct observe_dnssec_run {
	struct observation	*obs;
	const struct probe_opts	*opts;
	struct chain		*chain;
};

static struct chain_lookup *
observe_dnssec_lookup(struct chain *c, const char *name, ldns_rr_type type)
{
	struct chain_lookup	*l = xcalloc(1, sizeof *l);

	chain_lookup(c, name, type, l);
	return l;
}

/* The address lookup of a host, and TLSA at the end of its CNAMEs. */
static void
observe_dnssec_a(struct observe_dnssec_run *run, struct mx_host *h)
{
	char	*name;

	h->a_dnssec = observe_dnssec_lookup(run->chain, h->name,
	    LDNS_RR_TYPE_A);
	if (h->a_dnssec->final == NULL ||
	    strcmp(h->a_dnssec->final, h->name) == 0)
		return;

	h->expanded = xstrdup(h->a_dnssec->final);
	name = xprintf("_25._tcp.%s", h->expanded);
	h->tlsa_expanded = dns_lookup(run->opts, name, LDNS_RR_TYPE_TLSA);
	h->tlsa_expanded_dnssec = observe_dnssec_lookup(run->chain, name,
	    LDNS_RR_TYPE_TLSA);
	free(name);
}

static void
observe_dnssec_job(void *p, size_t i)
{
	struct observe_dnssec_run	*run = p;
	struct observation		*o = run->obs;
	struct mx_host			*h;
	char				*name;

	if (i == 0) {
		chain_zone(run->chain, o->zone);
		return;
	}
	if (i == 1) {
		o->mx_dnssec = observe_dnssec_lookup(run->chain, o->domain,
		    LDNS_RR_TYPE_MX);
		return;
	}
	i -= 2;
	h = &o->hosts[i / 3];
	switch (i % 3) {
	case 0:
		observe_dnssec_a(run, h);
		break;
	case 1:
		h->aaaa_dnssec = observe_dnssec_lookup(run->chain, h->name,
		    LDNS_RR_TYPE_AAAA);
		break;
	case 2:
		name = xprintf("_25._tcp.%s", h->name);
		h->tlsa_dnssec = observe_dnssec_lookup(run->chain, name,
		    LDNS_RR_TYPE_TLSA);
		free(name);
		break;
	}
}

void
observe_dnssec(struct observation *o, const struct probe_opts *opts)
{
	struct observe_dnssec_run	 run;
	const struct chain_link		*zone;

	run.obs = o;
	run.opts = opts;
	run.chain = chain_new(opts, o->taken);
	parallel_for(2 + o->nhosts * 3, observe_dnssec_job, &run);
	o->links = chain_take_links(run.chain, &o->nlinks);
	chain_free(run.chain);

	/* The summary the rest of the observation always had. */
	zone = observe_link(o, o->zone);
	if (zone == NULL)
		o->chain = -1;
	else if (zone->verdict.security == DNSSEC_SECURE)
		o->chain = 1;
	else
		o->chain = zone->verdict.security ==
		    DNSSEC_INDETERMINATE ? -1 : 0;
	if (zone != NULL && zone->verdict.detail != NULL)
		o->chain_error = xstrdup(zone->verdict.detail);
	else if (zone == NULL)
		o->chain_error = xprintf("could not find the zone of %s",
		    o->domain);
}

const struct chain_link *
observe_link(const struct observation *o, const char *zone)
{
	size_t	i;

	for (i = 0; zone != NULL && i < o->nlinks; i++)
		if (strcmp(o->links[i]->zone, zone) == 0)
			return o->links[i];
	return NULL;
}

static void
observe_dnssec_lookup_free(struct chain_lookup *l)
{
	chain_lookup_free(l);
	free(l);
}

void
observe_dnssec_free(struct observation *o)
{
	struct mx_host	*h;
	size_t		 i;

	for (i = 0; i < o->nlinks; i++)
		chain_link_free(o->links[i]);
	free(o->links);
	observe_dnssec_lookup_free(o->mx_dnssec);
	for (i = 0; i < o->nhosts; i++) {
		h = &o->hosts[i];
		observe_dnssec_lookup_free(h->a_dnssec);
		observe_dnssec_lookup_free(h->aaaa_dnssec);
		observe_dnssec_lookup_free(h->tlsa_dnssec);
		observe_dnssec_lookup_free(h->tlsa_expanded_dnssec);
		dns_answer_free(h->tlsa_expanded);
		free(h->expanded);
	}
}

/* JSON below: facts only (what validated, what failed, when). */

static json_t *
observe_json_time(time_t t)
{
	char	buf[32];

	if (t == 0)
		return json_null();
	clock_format(t, buf, sizeof buf);
	return json_string(buf);
}

static json_t *
observe_json_verdict(const struct dnssec_verdict *v)
{
	json_t	*sigs = json_array(), *j;
	size_t	 i;

	for (i = 0; i < v->nsigs; i++)
		json_array_append_new(sigs, json_pack("{s:i, s:i, s:o, s:o,"
		    " s:s}",
		    "keytag", v->sigs[i].keytag,
		    "algorithm", v->sigs[i].algorithm,
		    "inception", observe_json_time(v->sigs[i].inception),
		    "expiration", observe_json_time(v->sigs[i].expiration),
		    "status", v->sigs[i].status == LDNS_STATUS_OK ? "valid" :
		    ldns_get_errorstr_by_id(v->sigs[i].status)));
	j = json_pack("{s:s, s:s, s:o, s:o}",
	    "security", dnssec_security_name(v->security),
	    "fault", dnssec_fault_name(v->fault),
	    "expires", observe_json_time(v->expires),
	    "signatures", sigs);
	if (v->detail != NULL)
		json_object_set_new(j, "detail", json_string(v->detail));
	return j;
}

static json_t *
observe_json_ds(const struct dnssec_keys *k)
{
	json_t	*v = json_array();
	size_t	 i;

	for (i = 0; i < k->nds; i++)
		json_array_append_new(v, json_pack("{s:i, s:i, s:i, s:b, s:b,"
		    " s:b, s:b}",
		    "keytag", k->ds[i].keytag,
		    "algorithm", k->ds[i].algorithm,
		    "digest_type", k->ds[i].digest,
		    "supported", k->ds[i].supported,
		    "matches_key", k->ds[i].matched,
		    "sep", k->ds[i].sep,
		    "signs_dnskey", k->ds[i].signs));
	return v;
}

static json_t *
observe_json_link(const struct chain_link *l)
{
	json_t	*j;

	j = observe_json_verdict(&l->verdict);
	json_object_set_new(j, "zone", json_string(l->zone));
	json_object_set_new(j, "parent", l->parent != NULL ?
	    json_string(l->parent) : json_null());
	json_object_set_new(j, "ds", observe_json_ds(&l->keys));
	json_object_set_new(j, "ds_rrset", observe_json_verdict(&l->ds));
	return j;
}

static json_t *
observe_json_lookup(const struct chain_lookup *l, const struct dns_answer *a)
{
	json_t	*j, *hops, *hop;
	char	*type;
	size_t	 i;

	if (l == NULL)
		return NULL;
	hops = json_array();
	type = ldns_rr_type2str(l->type);
	j = observe_json_verdict(&l->verdict);
	json_object_set_new(j, "name", json_string(l->name));
	json_object_set_new(j, "type", json_string(type != NULL ? type :
	    "?"));
	json_object_set_new(j, "exists", json_boolean(l->exists));
	if (l->final != NULL)
		json_object_set_new(j, "final", json_string(l->final));
	if (a != NULL && a->answered) {
		json_object_set_new(j, "resolver_ad", json_boolean(a->ad));
		json_object_set_new(j, "records", observe_json_rrs(a));
	}
	for (i = 0; i < l->nhops; i++) {
		hop = observe_json_verdict(&l->hops[i].verdict);
		json_object_set_new(hop, "owner",
		    json_string(l->hops[i].owner));
		if (l->hops[i].target != NULL)
			json_object_set_new(hop, "cname",
			    json_string(l->hops[i].target));
		if (l->hops[i].zone != NULL)
			json_object_set_new(hop, "zone",
			    json_string(l->hops[i].zone));
		json_array_append_new(hops, hop);
	}
	json_object_set_new(j, "steps", hops);
	free(type);
	return j;
}

static void
observe_json_add(json_t *v, json_t *j)
{
	if (j != NULL)
		json_array_append_new(v, j);
}

json_t *
observe_dnssec_json(const struct observation *o)
{
	const struct mx_host	*h;
	json_t			*links = json_array();
	json_t			*lookups = json_array();
	size_t			 i;

	for (i = 0; i < o->nlinks; i++)
		json_array_append_new(links, observe_json_link(o->links[i]));
	observe_json_add(lookups, observe_json_lookup(o->mx_dnssec, o->mx));
	for (i = 0; i < o->nhosts; i++) {
		h = &o->hosts[i];
		observe_json_add(lookups, observe_json_lookup(h->a_dnssec,
		    h->a));
		observe_json_add(lookups, observe_json_lookup(h->aaaa_dnssec,
		    h->aaaa));
		observe_json_add(lookups, observe_json_lookup(h->tlsa_dnssec,
		    h->tlsa));
		observe_json_add(lookups, observe_json_lookup(
		    h->tlsa_expanded_dnssec, h->tlsa_expanded));
	}
	return json_pack("{s:o, s:o}", "links", links, "lookups", lookups);
}
