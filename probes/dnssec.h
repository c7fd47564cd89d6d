/*
 * mxanchor's own DNSSEC validation (RFC 4033, RFC 4034, RFC 4035), one
 * check at a time, so that a failure names what failed.
 *
 * These functions judge records that were already fetched (chain.h
 * fetches them, the unit tests read them from zone files): a DNSKEY
 * RRset against the DS records that point to it, an RRset against the
 * keys of its zone, a negative answer against its NSEC or NSEC3 proof.
 * The signatures themselves are checked by ldns.  Every verdict is for
 * one moment, `now`, which callers take from clock_now().
 *
 * Verdicts own their strings and arrays; free them with the matching
 * *_free function.  Nothing here does I/O or keeps state: all functions
 * may run on many threads at once.
 */
#ifndef MXANCHOR_DNSSEC_H
#define MXANCHOR_DNSSEC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <ldns/ldns.h>

/* The four states of RFC 4035 §4.3. */
enum dnssec_security {
	DNSSEC_INDETERMINATE,	/* could not be found out */
	DNSSEC_SECURE,
	DNSSEC_INSECURE,	/* provably not signed */
	DNSSEC_BOGUS,		/* should be signed, does not validate */
};

/* Which check failed (or, for insecure, why there is nothing to check). */
enum dnssec_fault {
	DNSSEC_FAULT_NONE,
	DNSSEC_FAULT_LOOKUP,		/* no usable answer */
	DNSSEC_FAULT_NO_DS,		/* the parent proves: no DS */
	DNSSEC_FAULT_ALGORITHM,		/* only unsupported algorithms
					   or digest types */
	DNSSEC_FAULT_DS_MISMATCH,	/* no DS matches a DNSKEY */
	DNSSEC_FAULT_NO_DNSKEY,		/* a DS, but no DNSKEY RRset */
	DNSSEC_FAULT_NO_SEP,		/* no DS'd key signs the keys */
	DNSSEC_FAULT_UNSIGNED,		/* no RRSIG at all */
	DNSSEC_FAULT_EXPIRED,
	DNSSEC_FAULT_NOT_YET_VALID,
	DNSSEC_FAULT_BAD_SIGNATURE,	/* does not verify, or unknown key */
	DNSSEC_FAULT_DENIAL,		/* "does not exist", not proven */
	DNSSEC_FAULT_PARENT,		/* a zone above is not secure */
};

/* One RRSIG, as it was tried. */
struct dnssec_sig {
	uint16_t	 keytag;
	uint8_t		 algorithm;
	time_t		 inception;
	time_t		 expiration;
	ldns_status	 status;	/* LDNS_STATUS_OK: it verified */
};

struct dnssec_verdict {
	enum dnssec_security	 security;
	enum dnssec_fault	 fault;
	char			*detail;	/* what failed, or NULL */
	/* When the validation stops holding; 0 if unknown. */
	time_t			 expires;
	struct dnssec_sig	*sigs;
	size_t			 nsigs;
};

/* One DS record (or trust-anchor DNSKEY) against a DNSKEY RRset. */
struct dnssec_ds {
	uint16_t	 keytag;
	uint8_t		 algorithm;
	uint8_t		 digest;	/* 0: the anchor is a DNSKEY */
	int		 supported;	/* algorithm and digest */
	int		 matched;	/* a zone key has this digest */
	int		 sep;		/* that key has the SEP flag */
	int		 signs;	/* it signs the DNSKEY RRset */
};

/* The link from a parent's DS records to a zone's keys. */
struct dnssec_keys {
	struct dnssec_verdict	 verdict;
	struct dnssec_ds	*ds;
	size_t			 nds;
	ldns_rr_list		*keys;	/* DNSKEYs, when secure */
};

/*
 * Judges a zone's DNSKEY RRset and its RRSIGs against trusted records:
 * the validated DS RRset from the parent, or the trust anchors (DS or
 * DNSKEY).  sigs may hold other RRSIGs; those that cover the DNSKEY
 * RRset are used.  Fills *out (zeroed first).
 */
void	dnssec_check_keys(const ldns_rr_list *trusted,
	    const ldns_rr_list *dnskeys, const ldns_rr_list *sigs, time_t now,
	    struct dnssec_keys *out);
void	dnssec_keys_free(struct dnssec_keys *);

/* Judges an RRset with the validated keys of its zone. */
void	dnssec_check_rrset(const ldns_rr_list *rrset,
	    const ldns_rr_list *sigs, const ldns_rr_list *keys, time_t now,
	    struct dnssec_verdict *out);

/*
 * Judges a negative answer (NXDOMAIN when nxdomain, else no data) for
 * name/type: the NSEC or NSEC3 records and their RRSIGs in authority
 * must be signed by keys and prove it (RFC 4035 §5.4, RFC 5155 §8).
 */
void	dnssec_check_denial(const ldns_rdf *name, ldns_rr_type type,
	    int nxdomain, const ldns_rr_list *authority,
	    const ldns_rr_list *keys, time_t now, struct dnssec_verdict *out);

/*
 * An RRset that dnssec_check_rrset() found secure may have been made
 * from a wildcard (its RRSIG counts fewer labels than its owner): it
 * then also needs a signed proof, among authority, that its owner does
 * not exist in its own right (RFC 4035 §5.3.4, RFC 5155 §8.8).  Turns a
 * secure *out bogus (or insecure, for costly NSEC3) without one.
 */
void	dnssec_check_wildcard(const ldns_rr_list *rrset,
	    const ldns_rr_list *sigs, const ldns_rr_list *authority,
	    const ldns_rr_list *keys, time_t now, struct dnssec_verdict *out);

void	dnssec_verdict_free(struct dnssec_verdict *);
/* A deep copy. */
void	dnssec_verdict_copy(struct dnssec_verdict *, const struct
	    dnssec_verdict *);
/* Sets security, fault and detail (printf-style). */
void	dnssec_verdict_set(struct dnssec_verdict *, enum dnssec_security,
	    enum dnssec_fault, const char *, ...)
	    __attribute__((format(printf, 4, 5)));

/* Algorithms and DS digest types a validator can use (RFC 8624 §3). */
int	dnssec_algorithm_supported(uint8_t);
int	dnssec_digest_supported(uint8_t);
/* "ECDSAP256SHA256", or "algorithm 200"; caller frees. */
char	*dnssec_algorithm_name(uint8_t);

/* "secure", "insecure", "bogus", "indeterminate". */
const char *dnssec_security_name(enum dnssec_security);
/* "none", "ds-mismatch", "expired", ... (stable, used in JSON). */
const char *dnssec_fault_name(enum dnssec_fault);

/* An RRSIG's 32-bit time as the time_t closest to now (RFC 4034 §3.1.5). */
time_t	dnssec_rrsig_time(const ldns_rdf *, time_t now);

#endif
