/*
 * Asking every authoritative server of a zone the same questions.
 *
 * Two rounds, each concurrent: first the servers of every zone (NS
 * names and their addresses, dns_zone_servers()), then one job per
 * zone, server address and question (dns_lookup_at(), no recursion,
 * bounded by the probe timeout).  A dead server costs one timeout, not
 * one per question.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "authority.h"
#include "parallel.h"
#include "strbuf.h"
#include "xmalloc.h"

struct authority_run {
	const struct probe_opts	*opts;
	struct authority_zone	*zones;
	size_t			 nzones;
};

void
authority_zone_ask(struct authority_zone *z, const char *name,
    ldns_rr_type type)
{
	size_t	i;

	if (z->nqueries == 0 && !(type == LDNS_RR_TYPE_SOA &&
	    strcmp(name, z->zone) == 0))
		authority_zone_ask(z, z->zone, LDNS_RR_TYPE_SOA);
	for (i = 0; i < z->nqueries; i++)
		if (z->queries[i].type == type &&
		    strcmp(z->queries[i].name, name) == 0)
			return;
	z->queries = xreallocarray(z->queries, z->nqueries + 1,
	    sizeof *z->queries);
	z->queries[z->nqueries].name = xstrdup(name);
	z->queries[z->nqueries].type = type;
	z->nqueries++;
}

/* Round one: the servers of zone i. */
static void
authority_find_servers(void *p, size_t i)
{
	struct authority_run	*run = p;
	struct authority_zone	*z = &run->zones[i];
	struct dns_server	*v;
	size_t			 n, j;

	if ((v = dns_zone_servers(run->opts, z->zone, &n, &z->error)) ==
	    NULL)
		return;
	z->servers = xcalloc(n, sizeof *z->servers);
	for (j = 0; j < n; j++) {
		z->servers[j].ns = xstrdup(v[j].name);
		z->servers[j].addr = xstrdup(v[j].addr);
		z->servers[j].answers = xcalloc(z->nqueries > 0 ?
		    z->nqueries : 1, sizeof *z->servers[j].answers);
	}
	z->nservers = n;
	dns_servers_free(v, n);
}

/* Round two: job i is one question to one server of one zone. */
static void
authority_ask(void *p, size_t i)
{
	struct authority_run	*run = p;
	struct authority_zone	*z = &run->zones[0];
	struct authority_server	*s;
	size_t			 k, per;

	for (k = 0; k < run->nzones; k++) {
		z = &run->zones[k];
		per = z->nservers * z->nqueries;
		if (i < per)
			break;
		i -= per;
	}
	s = &z->servers[i / z->nqueries];
	s->answers[i % z->nqueries] = dns_lookup_at(run->opts, s->addr,
	    z->queries[i % z->nqueries].name,
	    z->queries[i % z->nqueries].type);
}

/* The serial from a server's SOA answer (query 0). */
static void
authority_serial(struct authority_server *s)
{
	const struct dns_answer	*a = s->answers[0];
	const ldns_rdf		*rdf;

	if (!dns_answer_has_data(a) ||
	    ldns_rr_get_type(ldns_rr_list_rr(a->rrs, 0)) != LDNS_RR_TYPE_SOA)
		return;
	rdf = ldns_rr_rdf(ldns_rr_list_rr(a->rrs, 0), 2);
	if (rdf == NULL || ldns_rdf_size(rdf) != 4)
		return;
	s->serial = ldns_rdf2native_int32(rdf);
	s->has_serial = 1;
}

void
authority_check_all(const struct probe_opts *opts,
    struct authority_zone *zones, size_t n)
{
	struct authority_run	 run = { opts, zones, n };
	size_t			 i, j, jobs = 0;

	for (i = 0; i < n; i++)
		if (zones[i].nqueries == 0)
			authority_zone_ask(&zones[i], zones[i].zone,
			    LDNS_RR_TYPE_SOA);
	parallel_for(n, authority_find_servers, &run);

	for (i = 0; i < n; i++)
		jobs += zones[i].nservers * zones[i].nqueries;
	parallel_for(jobs, authority_ask, &run);

	for (i = 0; i < n; i++)
		for (j = 0; j < zones[i].nservers; j++)
			authority_serial(&zones[i].servers[j]);
}

void
authority_check(const struct probe_opts *opts, const char *zone,
    const struct authority_query *q, size_t nq, struct authority_zone *z)
{
	size_t	i;

	memset(z, 0, sizeof *z);
	z->zone = xstrdup(zone);
	for (i = 0; i < nq; i++)
		authority_zone_ask(z, q[i].name, q[i].type);
	authority_check_all(opts, z, 1);
}

void
authority_zone_free(struct authority_zone *z)
{
	size_t	i, j;

	for (i = 0; i < z->nservers; i++) {
		for (j = 0; j < z->nqueries; j++)
			dns_answer_free(z->servers[i].answers[j]);
		free(z->servers[i].answers);
		free(z->servers[i].ns);
		free(z->servers[i].addr);
	}
	for (i = 0; i < z->nqueries; i++)
		free(z->queries[i].name);
	free(z->servers);
	free(z->queries);
	free(z->zone);
	free(z->error);
	memset(z, 0, sizeof *z);
}

static int
authority_line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "3 1 1 abcd...": the RDATA of one RR, lower-case. */
static char *
authority_rr_rdata(const ldns_rr *rr)
{
	struct strbuf	 b = { NULL, 0, 0 };
	char		*f, *p;
	size_t		 i;

	for (i = 0; i < ldns_rr_rd_count(rr); i++) {
		if ((f = ldns_rdf2str(ldns_rr_rdf(rr, i))) == NULL)
			continue;
		strbuf_printf(&b, "%s%s", b.len > 0 ? " " : "", f);
		free(f);
	}
	p = strbuf_take(&b);
	for (f = p; *f != '\0'; f++)
		*f = (char)tolower((unsigned char)*f);
	return p;
}

char *
authority_rdata(const struct dns_answer *a)
{
	struct strbuf	  b = { NULL, 0, 0 };
	char		**lines;
	size_t		  i, n;

	if (a == NULL || !a->answered || (a->rcode != LDNS_RCODE_NOERROR &&
	    a->rcode != LDNS_RCODE_NXDOMAIN))
		return NULL;
	n = a->rrs != NULL ? ldns_rr_list_rr_count(a->rrs) : 0;

	lines = xcalloc(n + 1, sizeof *lines);
	for (i = 0; i < n; i++)
		lines[i] = authority_rr_rdata(ldns_rr_list_rr(a->rrs, i));
	qsort(lines, n, sizeof *lines, authority_line_cmp);
	for (i = 0; i < n; i++) {
		strbuf_printf(&b, "%s%s", i > 0 ? "\n" : "", lines[i]);
		free(lines[i]);
	}
	free(lines);
	return strbuf_take(&b);
}
