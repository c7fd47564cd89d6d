/*
 * Comparing what the authoritative servers of a zone serve
 * (observe_servers.c asked them), for the dnssec and tlsa steps.
 *
 * A server that does not answer, answers without authority, serves an
 * older serial or different records is reported with its name and
 * address, and with what each server serves, so the operator can see
 * which copy is behind.
 */
#ifndef MXANCHOR_NSCOMPARE_H
#define MXANCHOR_NSCOMPARE_H

#include <stddef.h>

#include "authority.h"
#include "finding.h"

/* The servers that gave one answer to one question. */
struct nscompare_group {
	char	*rdata;		/* authority_rdata(); NULL: none */
	size_t	*servers;	/* indexes into the zone's servers */
	size_t	 n;
};

/* Groups the servers of z by their answer to query q; returns the
   number of groups in *out, which the caller frees with
   nscompare_groups_free(). */
size_t	nscompare_group(const struct authority_zone *, size_t q,
	    struct nscompare_group **out);
void	nscompare_groups_free(struct nscompare_group *, size_t);

/* "ns2.test [127.0.57.2], serial 2" */
char	*nscompare_server_name(const struct authority_server *);

/*
 * Findings about the zone's servers.  With tlsa 0: servers that do not
 * answer or serve an older serial, and MX or TXT records that differ
 * (codes dnssec.ns-*).  With tlsa 1: TLSA queries that fail on a
 * server that otherwise answers, and TLSA records that differ (codes
 * tlsa.ns-*).
 */
void	nscompare_findings(const struct authority_zone *, int tlsa,
	    struct findings *);

#endif
