/*
 * TLSA records and certificate association data (RFC 6698, RFC 7671).
 */
#ifndef MXANCHOR_TLSA_H
#define MXANCHOR_TLSA_H

#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>
#include <openssl/x509.h>

struct tlsa_record {
	uint8_t		 usage;
	uint8_t		 selector;
	uint8_t		 mtype;
	unsigned char	*data;
	size_t		 len;
};

/* Returns 0 when rr is a well-formed TLSA RR. */
int	 tlsa_from_rr(const ldns_rr *, struct tlsa_record *);
void	 tlsa_record_free(struct tlsa_record *);

/* Lower-case hex of the association data. */
char	*tlsa_data_hex(const struct tlsa_record *);
/* "3 1 1 <hex>" */
char	*tlsa_record_str(const struct tlsa_record *);

/*
 * The association data cert would have for selector and matching type,
 * as lower-case hex; NULL for values we cannot compute.
 */
char	*tlsa_cert_digest_hex(X509 *, uint8_t selector, uint8_t mtype);

/* 1 when the data is SHA-256 or SHA-512 of empty input. */
int	 tlsa_is_empty_digest(const struct tlsa_record *);

/* 1 when the record's data equals what cert gives for its sel/mtype. */
int	 tlsa_matches_cert(const struct tlsa_record *, X509 *);

/*
 * Zone-file line: "_25._tcp.HOST. TTL IN TLSA 3 1 1 HEX".  A record
 * joining an RRset must have the RRset's TTL (RFC 2181 §5.2); ttl < 0
 * gives TLSA_DEFAULT_TTL, for a new RRset.
 */
#define TLSA_DEFAULT_TTL	3600
char	*tlsa_zone_line(const char *host, int port, long ttl, uint8_t usage,
	     uint8_t selector, uint8_t mtype, const char *hex);

#endif
