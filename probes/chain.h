/*
 * The chain of trust, walked from the trust anchor down, link by link
 * (RFC 4035 §5), and the DNSSEC status of single lookups (§4.3).
 *
 * A chain is one walk at one moment: chain_new() loads the trust anchor
 * and remembers `now`; chain_lookup() and chain_zone() may then be
 * called from many threads at once.  Every zone is validated once and
 * shared: the zone of good.test and the zone of its MX host both rest
 * on test. and the root, which are fetched and checked a single time.
 *
 * Records are fetched through the configured resolver with the CD bit,
 * so that a resolver which validates still hands over the records of a
 * broken zone; the verdicts are mxanchor's, not the resolver's.  The
 * resolver's own verdict (its AD bit) is what dns_lookup() reports.
 *
 * Not covered: answers synthesised from wildcards are checked like any
 * other RRset, without the proof that the query name does not exist
 * (RFC 4035 §5.3.4); DNSSEC for classes other than IN.
 */
#ifndef MXANCHOR_CHAIN_H
#define MXANCHOR_CHAIN_H

#include <stddef.h>
#include <time.h>

#include <ldns/ldns.h>

#include "dnssec.h"
#include "probe.h"

/* One zone and the link from its parent to it. */
struct chain_link {
	char			*zone;		/* "good.test", "." */
	char			*parent;	/* NULL: anchored */
	struct dnssec_verdict	 verdict;	/* of the zone's keys: the
						   state of the whole chain
						   down to here */
	/* The DS RRset at the parent, or the proof that it has none. */
	struct dnssec_verdict	 ds;
	struct dnssec_keys	 keys;	/* each DS against the keys */
	ldns_rr_list		*ds_rrs;	/* as served, or NULL */
	ldns_rr_list		*dnskeys;	/* as served, or NULL */
};

/* One step of a lookup: a CNAME, or the records it ends at. */
struct chain_hop {
	char			*owner;
	char			*target;	/* CNAME target, or NULL */
	char			*zone;	/* holding this step */
	struct dnssec_verdict	 verdict;
};

struct chain_lookup {
	char			*name;
	ldns_rr_type		 type;
	int			 answered;
	int			 exists;	/* records at the end */
	int			 nxdomain;
	char			*final;	/* where CNAMEs lead */
	struct dnssec_verdict	 verdict;	/* of the whole lookup */
	struct chain_hop	*hops;		/* CNAMEs, then the end */
	size_t			 nhops;
};

struct chain;

/* Never fails: a trust anchor that cannot be read makes every link
   indeterminate, with the reason. */
struct chain	*chain_new(const struct probe_opts *, time_t now);
void		 chain_free(struct chain *);

/*
 * Looks up name/type (CD set) and judges each CNAME and the final
 * RRset, or the proof of nonexistence, in its own zone.  Fills *out,
 * which the caller frees with chain_lookup_free().
 */
void		 chain_lookup(struct chain *, const char *name,
		     ldns_rr_type, struct chain_lookup *out);
void		 chain_lookup_free(struct chain_lookup *);

/* The validated link of the zone holding name; NULL if none was found.
   The chain owns it. */
const struct chain_link *chain_zone(struct chain *, const char *name);

/*
 * Every link validated so far, parents before children, now owned by
 * the caller (free each with chain_link_free, then the array).
 */
struct chain_link **chain_take_links(struct chain *, size_t *n);
void		 chain_link_free(struct chain_link *);

#endif
