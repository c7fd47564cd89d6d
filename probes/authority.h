/*
 * What each authoritative server of a zone serves (RFC 1034 §4.3.5:
 * every server of a zone should hold the same copy).
 *
 * A resolver asks one of a zone's servers, any of them.  A record that
 * one server has and another lacks (a TLSA rollover that reached only
 * the primary, a secondary that stopped transferring) is seen by some
 * senders and not by others.  authority_check() asks every address of
 * every NS of the zone the same questions, directly and without
 * recursion, and keeps each answer; steps compare them.
 */
#ifndef MXANCHOR_AUTHORITY_H
#define MXANCHOR_AUTHORITY_H

#include <stddef.h>
#include <stdint.h>

#include "dns.h"
#include "probe.h"

struct authority_query {
	char		*name;
	ldns_rr_type	 type;
};

struct authority_server {
	char			 *ns;		/* "ns1.example.net" */
	char			 *addr;
	struct dns_answer	**answers;	/* one per query, in order */
	int			  has_serial;	/* an SOA came back */
	uint32_t		  serial;
};

struct authority_zone {
	char			*zone;
	char			*error;	/* no servers found */
	struct authority_query	*queries;	/* [0]: the SOA */
	size_t			 nqueries;
	struct authority_server	*servers;
	size_t			 nservers;
};

/*
 * Fills z for zone: finds its servers, then asks each the SOA and the
 * given queries (copied), all at once.  Returns nothing: a zone whose
 * servers cannot be found has error set; a server that does not answer
 * has answers that say so.
 */
void	authority_check(const struct probe_opts *, const char *zone,
	    const struct authority_query *, size_t nqueries,
	    struct authority_zone *z);
/* The same for several zones, all concurrently. */
void	authority_check_all(const struct probe_opts *,
	    struct authority_zone *zones, size_t n);
void	authority_zone_free(struct authority_zone *);

/* Adds a query (copied) to z, unless it is there already. */
void	authority_zone_ask(struct authority_zone *, const char *name,
	    ldns_rr_type);

/*
 * The records of an answer as one comparable string: the RDATA of each
 * RR, lower-case, sorted, one a line; "" for no records.  NULL when the
 * server gave no usable answer (timeout, REFUSED, SERVFAIL).
 */
char	*authority_rdata(const struct dns_answer *);

#endif
