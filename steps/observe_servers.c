/*
 * The authoritative servers part of an observation: every server of the
 * domain's zone and of each zone that holds an MX host's TLSA records,
 * asked the same questions directly (probes/authority.h).  A resolver
 * sees one server at a time; what the servers disagree on is what some
 * senders see and others do not.
 */
#include <stdlib.h>
#include <string.h>

#include "observe.h"
#include "xmalloc.h"

/* The zone entry for zone, added when new. */
static struct authority_zone *
observe_servers_zone(struct observation *o, const char *zone)
{
	struct authority_zone	*z;
	size_t			 i;

	for (i = 0; i < o->nservers; i++)
		if (strcmp(o->servers[i].zone, zone) == 0)
			return &o->servers[i];
	o->servers = xreallocarray(o->servers, o->nservers + 1,
	    sizeof *o->servers);
	z = &o->servers[o->nservers++];
	memset(z, 0, sizeof *z);
	z->zone = xstrdup(zone);
	authority_zone_ask(z, zone, LDNS_RR_TYPE_SOA);
	return z;
}

/* The zone that holds the end of a lookup, as the chain found it. */
static const char *
observe_servers_zone_of(const struct chain_lookup *l)
{
	if (l == NULL || l->nhops == 0)
		return NULL;
	return l->hops[l->nhops - 1].zone;
}

static void
observe_servers_tlsa(struct observation *o, const struct chain_lookup *l)
{
	const char	*zone = observe_servers_zone_of(l);

	if (zone != NULL)
		authority_zone_ask(observe_servers_zone(o, zone),
		    l->final != NULL ? l->final : l->name, LDNS_RR_TYPE_TLSA);
}

void
observe_servers(struct observation *o, const struct probe_opts *opts)
{
	struct authority_zone	*z;
	char			*name;
	size_t			 i;

	z = observe_servers_zone(o, o->zone);
	authority_zone_ask(z, o->domain, LDNS_RR_TYPE_MX);
	name = xprintf("_mta-sts.%s", o->domain);
	authority_zone_ask(z, name, LDNS_RR_TYPE_TXT);
	free(name);
	name = xprintf("_smtp._tls.%s", o->domain);
	authority_zone_ask(z, name, LDNS_RR_TYPE_TXT);
	free(name);

	for (i = 0; i < o->nhosts; i++) {
		observe_servers_tlsa(o, o->hosts[i].tlsa_dnssec);
		observe_servers_tlsa(o, o->hosts[i].tlsa_expanded_dnssec);
	}
	authority_check_all(opts, o->servers, o->nservers);
}

void
observe_servers_free(struct observation *o)
{
	size_t	i;

	for (i = 0; i < o->nservers; i++)
		authority_zone_free(&o->servers[i]);
	free(o->servers);
	o->servers = NULL;
	o->nservers = 0;
}

static json_t *
observe_servers_answer(const struct authority_query *q,
    const struct dns_answer *a)
{
	json_t	*j, *records = json_array();
	char	*type, *rdata, *line, *next;

	type = ldns_rr_type2str(q->type);
	j = json_pack("{s:s, s:s, s:s}", "name", q->name,
	    "type", type != NULL ? type : "?",
	    "rcode", dns_answer_rcode_name(a));
	free(type);
	if (a != NULL && a->answered)
		json_object_set_new(j, "authoritative",
		    json_boolean(ldns_pkt_aa(a->pkt)));
	if (a != NULL && a->error != NULL)
		json_object_set_new(j, "error", json_string(a->error));
	if ((rdata = authority_rdata(a)) != NULL) {
		for (line = rdata; *line != '\0'; line = next) {
			next = line + strcspn(line, "\n");
			/* As for the resolver's records: a bounded list. */
			if (json_array_size(records) ==
			    OBSERVE_JSON_MAX_RECORDS) {
				json_array_append_new(records, json_string(
				    "; more records not kept"));
				break;
			}
			json_array_append_new(records,
			    json_stringn(line, (size_t)(next - line)));
			if (*next == '\n')
				next++;
		}
		free(rdata);
	}
	json_object_set_new(j, "records", records);
	return j;
}

static json_t *
observe_servers_server(const struct authority_zone *z,
    const struct authority_server *s)
{
	json_t	*answers = json_array(), *j;
	size_t	 i;

	for (i = 0; i < z->nqueries; i++)
		json_array_append_new(answers, observe_servers_answer(
		    &z->queries[i], s->answers[i]));
	j = json_pack("{s:s, s:s, s:o}", "ns", s->ns, "address", s->addr,
	    "answers", answers);
	if (s->has_serial)
		json_object_set_new(j, "serial",
		    json_integer((json_int_t)s->serial));
	return j;
}

json_t *
observe_servers_json(const struct observation *o)
{
	json_t	*zones = json_array(), *servers, *j;
	size_t	 i, k;

	for (i = 0; i < o->nservers; i++) {
		servers = json_array();
		for (k = 0; k < o->servers[i].nservers; k++)
			json_array_append_new(servers, observe_servers_server(
			    &o->servers[i], &o->servers[i].servers[k]));
		j = json_pack("{s:s, s:o}", "zone", o->servers[i].zone,
		    "servers", servers);
		if (o->servers[i].error != NULL)
			json_object_set_new(j, "error",
			    json_string(o->servers[i].error));
		json_array_append_new(zones, j);
	}
	return zones;
}
