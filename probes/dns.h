/*
 * DNS lookups through ldns against the configured resolver.
 *
 * Every query sets DO and RD and records what came back: the rcode, the AD
 * bit as the resolver set it, the RRs of the asked type (after following a
 * CNAME chain inside the answer) and the RRSIGs covering them.  A lookup
 * that got no answer at all is not an error of the caller: answered is 0
 * and error says why (timeout, network), so steps can call that "could
 * not test" rather than "failed".
 */
#ifndef MXANCHOR_DNS_H
#define MXANCHOR_DNS_H

#include <stdio.h>

#include <ldns/ldns.h>

#include "probe.h"

struct dns_answer {
	char		*qname;
	ldns_rr_type	 qtype;

	int		 answered;	/* a response arrived */
	char		*error;		/* when !answered */
	ldns_pkt_rcode	 rcode;
	int		 ad;		/* resolver's AD bit */
	char		*canonical;	/* end of a CNAME chain, else NULL */

	ldns_pkt	*pkt;		/* the whole response */
	ldns_rr_list	*rrs;		/* RRs of qtype, owned copies */
	ldns_rr_list	*sigs;		/* RRSIGs covering rrs */
	long long	 elapsed_ms;
};

/* A resolver for the options; caller frees with ldns_resolver_deep_free. */
ldns_resolver	*dns_resolver_new(const struct probe_opts *, char **cause);

/* Always returns an answer; check answered and rcode. Thread-safe. */
struct dns_answer *dns_lookup(const struct probe_opts *, const char *name,
		    ldns_rr_type);
void		 dns_answer_free(struct dns_answer *);

/*
 * The same with the CD bit (RFC 4035 §3.2.2): the resolver passes on
 * records that fail its validation instead of SERVFAIL, so that
 * mxanchor can validate them itself and say what is wrong.
 */
struct dns_answer *dns_lookup_cd(const struct probe_opts *, const char *name,
		    ldns_rr_type);

/*
 * The same, asked directly of one server ("ADDR" or "ADDR@PORT") without
 * recursion: for comparing what each authoritative server serves.
 */
struct dns_answer *dns_lookup_at(const struct probe_opts *,
		    const char *server, const char *name, ldns_rr_type);

/* The authoritative servers of a zone: NS names and their addresses. */
struct dns_server {
	char	*name;
	char	*addr;
};
struct dns_server *dns_zone_servers(const struct probe_opts *,
		    const char *zone, size_t *n, char **cause);
void		 dns_servers_free(struct dns_server *, size_t);

/*
 * The answer a response gives to name/type, as dns_lookup() would make
 * it: the CNAME chain followed, the RRs and RRSIGs collected.  Takes
 * pkt.  For tests and fuzzing, and for packets obtained another way.
 */
struct dns_answer *dns_answer_from_pkt(const char *name, ldns_rr_type,
		    ldns_pkt *pkt);

/* NOERROR with at least one RR of the asked type. */
int		 dns_answer_has_data(const struct dns_answer *);
/*
 * The RRset's TTL as the zone sets it: the original TTL of its RRSIG
 * (a resolver counts the TTL down), else the TTL served; -1 when there
 * is no RRset.
 */
long		 dns_answer_ttl(const struct dns_answer *);
/* NXDOMAIN, or NOERROR without RRs of the asked type. */
int		 dns_answer_is_nodata(const struct dns_answer *);
/* "NOERROR", "SERVFAIL", ... or "no answer". */
const char	*dns_answer_rcode_name(const struct dns_answer *);

/* The TXT records with their strings joined, as RFC 8461/8460 want. */
char		**dns_answer_txt(const struct dns_answer *, size_t *n);
void		 dns_strv_free(char **, size_t);

/* Read DS or DNSKEY RRs (zone-file syntax) to use as trust anchors. */
ldns_rr_list	*dns_trust_anchor_load(const char *path, char **cause);
/* The same from an open file; name is for messages. */
ldns_rr_list	*dns_trust_anchor_read(FILE *, const char *name,
		    char **cause);

/* Lower-case presentation form without the trailing dot. */
char		*dns_name_str(const ldns_rdf *);

#endif
