/*
 * What the authoritative servers of a zone disagree on.
 *
 * Every server of a zone must serve the same data (RFC 1034 §4.3.5
 * keeps secondaries in step with the primary by serial number).  When
 * they do not, a resolver's answer depends on which server it asked, so
 * a change (a new TLSA record before a key rollover) has only happened
 * once every server serves it.
 */
#include <stdlib.h>
#include <string.h>

#include "nscompare.h"
#include "strbuf.h"
#include "xmalloc.h"

#define RFC_ZONE_COPIES	"RFC 1034 §4.3.5"
#define RFC_DANE_ERRORS	"RFC 7672 §2.1.1"

size_t
nscompare_group(const struct authority_zone *z, size_t q,
    struct nscompare_group **out)
{
	struct nscompare_group	*g = NULL;
	char			*rdata;
	size_t			 i, k, n = 0;

	for (i = 0; i < z->nservers; i++) {
		rdata = authority_rdata(z->servers[i].answers[q]);
		for (k = 0; k < n; k++)
			if ((rdata == NULL && g[k].rdata == NULL) ||
			    (rdata != NULL && g[k].rdata != NULL &&
			    strcmp(rdata, g[k].rdata) == 0))
				break;
		if (k == n) {
			g = xreallocarray(g, n + 1, sizeof *g);
			memset(&g[n], 0, sizeof g[n]);
			g[n].rdata = rdata;
			n++;
		} else
			free(rdata);
		g[k].servers = xreallocarray(g[k].servers, g[k].n + 1,
		    sizeof *g[k].servers);
		g[k].servers[g[k].n++] = i;
	}
	*out = g;
	return n;
}

void
nscompare_groups_free(struct nscompare_group *g, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(g[i].rdata);
		free(g[i].servers);
	}
	free(g);
}

char *
nscompare_server_name(const struct authority_server *s)
{
	if (s->has_serial)
		return xprintf("%s [%s], serial %u", s->ns, s->addr,
		    s->serial);
	return xprintf("%s [%s]", s->ns, s->addr);
}

/* Why a server's answer is unusable: "no answer: ...", "REFUSED". */
static char *
nscompare_failure(const struct dns_answer *a)
{
	if (a == NULL || !a->answered)
		return xprintf("no answer (%s)", a != NULL && a->error != NULL ?
		    a->error : "not asked");
	if (a->rcode != LDNS_RCODE_NOERROR && a->rcode != LDNS_RCODE_NXDOMAIN)
		return xstrdup(dns_answer_rcode_name(a));
	if (!ldns_pkt_aa(a->pkt))
		return xstrdup("an answer without authority (lame)");
	return NULL;
}

/* Servers that do not answer the zone's SOA with authority. */
static void
nscompare_reachable(const struct authority_zone *z, struct findings *f)
{
	const struct authority_server	*s;
	char				*why, *name;
	size_t				 i;

	for (i = 0; i < z->nservers; i++) {
		s = &z->servers[i];
		if ((why = nscompare_failure(s->answers[0])) == NULL)
			continue;
		name = nscompare_server_name(s);
		findings_add_req(f, SEV_ERROR, REQ_MUST,
		    "dnssec.ns-unreachable", RFC_ZONE_COPIES, "%s, a name "
		    "server of %s, gives %s to a query for the zone's SOA: "
		    "resolvers that pick it get no answer and retry, or "
		    "fail", name, z->zone, why);
		free(name);
		free(why);
	}
}

/* Servers whose serial is older than the newest one. */
static void
nscompare_serials(const struct authority_zone *z, struct findings *f)
{
	const struct authority_server	*s, *newest = NULL;
	char				*name, *other;
	size_t				 i;

	for (i = 0; i < z->nservers; i++) {
		s = &z->servers[i];
		if (s->has_serial && (newest == NULL ||
		    (int32_t)(s->serial - newest->serial) > 0))
			newest = s;
	}
	for (i = 0; newest != NULL && i < z->nservers; i++) {
		s = &z->servers[i];
		if (!s->has_serial || s->serial == newest->serial)
			continue;
		name = nscompare_server_name(s);
		other = nscompare_server_name(newest);
		findings_add_req(f, SEV_WARN, REQ_MUST,
		    "dnssec.ns-stale-serial", RFC_ZONE_COPIES, "%s serves an "
		    "older copy of %s than %s: changes have not reached it, "
		    "so resolvers that ask it see the old data.  Check the "
		    "zone transfers (NOTIFY, AXFR/IXFR) to it", name, z->zone,
		    other);
		free(other);
		free(name);
	}
}

/* "ns1.test [...]: 10 mx.example.; ns2.test [...]: (none)" */
static char *
nscompare_groups_str(const struct authority_zone *z,
    const struct nscompare_group *g, size_t n)
{
	struct strbuf	 b = { NULL, 0, 0 };
	char		*name, *p;
	size_t		 i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < g[i].n; k++) {
			name = nscompare_server_name(
			    &z->servers[g[i].servers[k]]);
			strbuf_printf(&b, "%s%s", k > 0 ? " and " :
			    i > 0 ? "; " : "", name);
			free(name);
		}
		strbuf_printf(&b, " serve%s ", g[i].n > 1 ? "" : "s");
		if (g[i].rdata == NULL)
			strbuf_printf(&b, "no usable answer");
		else if (*g[i].rdata == '\0')
			strbuf_printf(&b, "no records");
		else {
			for (p = g[i].rdata; *p != '\0'; p++)
				strbuf_printf(&b, "%c", *p == '\n' ? ',' : *p);
		}
	}
	return strbuf_take(&b);
}

/* Records that differ between servers, for one query. */
static void
nscompare_query(const struct authority_zone *z, size_t q, int tlsa,
    struct findings *f)
{
	struct nscompare_group	*g;
	char			*list, *type;
	size_t			 n, usable = 0, i;

	n = nscompare_group(z, q, &g);
	for (i = 0; i < n; i++)
		usable += g[i].rdata != NULL;
	type = ldns_rr_type2str(z->queries[q].type);
	if (usable > 1) {
		list = nscompare_groups_str(z, g, n);
		if (tlsa)
			findings_add_req(f, SEV_ERROR, REQ_MUST,
			    "tlsa.ns-differs", RFC_ZONE_COPIES, "the name "
			    "servers of %s disagree on %s %s: %s.  Senders "
			    "see one or the other depending on the server "
			    "their resolver asks; a TLSA change is complete "
			    "only once every server serves it", z->zone,
			    z->queries[q].name, type, list);
		else
			findings_add_req(f, SEV_WARN, REQ_MUST,
			    "dnssec.ns-differs", RFC_ZONE_COPIES, "the name "
			    "servers of %s disagree on %s %s: %s", z->zone,
			    z->queries[q].name, type, list);
		free(list);
	}
	free(type);
	nscompare_groups_free(g, n);
}

/* TLSA queries that fail on a server whose SOA answer was fine. */
static void
nscompare_tlsa_failures(const struct authority_zone *z, size_t q,
    struct findings *f)
{
	const struct authority_server	*s;
	char				*why, *name;
	size_t				 i;

	for (i = 0; i < z->nservers; i++) {
		s = &z->servers[i];
		/* A server that fails everything is reported once, above. */
		if ((why = nscompare_failure(s->answers[0])) != NULL) {
			free(why);
			continue;
		}
		if ((why = nscompare_failure(s->answers[q])) == NULL)
			continue;
		name = nscompare_server_name(s);
		findings_add_req(f, SEV_ERROR, REQ_MUST, "tlsa.ns-fails",
		    RFC_DANE_ERRORS, "%s answers other queries but gives %s "
		    "to the TLSA query for %s: DANE senders whose resolver "
		    "asks it must defer mail to that host", name, why,
		    z->queries[q].name);
		free(name);
		free(why);
	}
}

void
nscompare_findings(const struct authority_zone *z, int tlsa,
    struct findings *f)
{
	size_t	q;

	if (z->error != NULL) {
		if (!tlsa)
			findings_add(f, SEV_WARN, "dnssec.ns-unknown", NULL,
			    "could not find the name servers of %s: %s",
			    z->zone, z->error);
		return;
	}
	if (!tlsa) {
		nscompare_reachable(z, f);
		nscompare_serials(z, f);
	}
	for (q = 1; q < z->nqueries; q++) {
		if ((z->queries[q].type == LDNS_RR_TYPE_TLSA) != tlsa)
			continue;
		if (tlsa)
			nscompare_tlsa_failures(z, q, f);
		nscompare_query(z, q, tlsa, f);
	}
}
