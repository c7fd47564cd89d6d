/*
 * Making TLSA records from credentials (credfile.h), and writing them out
 * in the forms operators publish them: zone-file lines (BIND, Knot, NSD),
 * an nsupdate/knsupdate script, or a plain list for a provider's web form.
 *
 * RFC 6698 §2.1 defines the fields; RFC 7672 §3.1 says which usages mean
 * anything to SMTP: DANE-EE(3), matched against the server's own key or
 * certificate, and DANE-TA(2), matched against an issuer the server sends.
 */
#ifndef MXANCHOR_TLSAGEN_H
#define MXANCHOR_TLSAGEN_H

#include <stddef.h>
#include <stdint.h>

#include "credfile.h"

struct tlsagen_rr {
	char		*host;		/* "mx.example.net" */
	int		 port;		/* 25 */
	uint8_t		 usage;
	uint8_t		 selector;
	uint8_t		 mtype;
	char		*hex;		/* association data, lower case */
	const char	*algorithm;	/* of the server key: "rsa", "ecdsa" */
	char		*source;	/* file the key came from */
};

struct tlsagen_set {
	struct tlsagen_rr	*v;
	size_t			 n;
};

/*
 * The association data one credential gives: usage 3 from its key or
 * leaf, usage 2 from the issuer after the leaf.  NULL with *cause when
 * the credential cannot give it (selector 0 from a bare key, usage 2
 * without a chain, an unknown usage, selector or matching type).
 */
char	*tlsagen_data(const struct cred *, uint8_t usage, uint8_t selector,
	     uint8_t mtype, char **cause);

/*
 * Appends one record per host, port and distinct credential to set (two
 * credentials with one key give one record).  Returns -1 with *cause
 * when a credential cannot give the record asked for.
 */
int	 tlsagen_add(struct tlsagen_set *, const struct credfile_set *,
	     const char *const *hosts, size_t nhosts, const int *ports,
	     size_t nports, uint8_t usage, uint8_t selector, uint8_t mtype,
	     char **cause);
/*
 * Appends one record unless set has it; algorithm is a static string
 * (credfile_algorithm()), source is copied.
 */
void	 tlsagen_push(struct tlsagen_set *, const char *host, int port,
	     uint8_t usage, uint8_t selector, uint8_t mtype, const char *hex,
	     const char *algorithm, const char *source);
void	 tlsagen_set_free(struct tlsagen_set *);

/* "_25._tcp.mx.example.net"; caller frees. */
char	*tlsagen_owner(const char *host, int port);

/*
 * The DNS names (subjectAltName, else the common name) of every leaf,
 * without wildcards or duplicates: the hosts to publish for when none
 * are named.  Caller frees with dns_strv_free-style loop (tlsagen_strv_free).
 */
char	**tlsagen_cert_hosts(const struct credfile_set *, size_t *n);
void	 tlsagen_strv_free(char **, size_t);

/* Zone-file lines; ttl < 0 leaves the TTL to the zone's default. */
char	*tlsagen_zone(const struct tlsagen_set *, long ttl);
/*
 * An nsupdate/knsupdate script adding the records; server ("ADDR" or
 * "ADDR@PORT") and zone may be NULL.
 */
char	*tlsagen_nsupdate(const struct tlsagen_set *, long ttl,
	     const char *server, const char *zone);
/* One block per record, field by field, for web forms. */
char	*tlsagen_list(const struct tlsagen_set *);

#endif
