/*
 * DANE authentication of a presented certificate chain against TLSA
 * records (RFC 7671 §5, RFC 7672 §3), record by record.
 *
 * dane_verify() says, for every usable record, whether it matched, which
 * certificate it matched and, for DANE-TA(2), whether the leaf chains to
 * that certificate and carries one of the reference identifiers.  It
 * never looks beyond the certificates the server sent: a trust anchor
 * the server does not send does not count (RFC 7672 §3.1.2), however a
 * client might complete the chain from its own store.
 *
 * The chain is as the server sent it, leaf first.  Nothing here does I/O.
 */
#ifndef MXANCHOR_DANE_H
#define MXANCHOR_DANE_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "tlsa.h"

enum dane_fault {
	DANE_OK,
	DANE_NO_MATCH,		/* no certificate has this digest */
	DANE_TA_NOT_SENT,	/* DANE-TA: no sent CA certificate matches */
	DANE_TA_IS_LEAF,	/* DANE-TA matching the leaf itself */
	DANE_TA_CHAIN,		/* DANE-TA: the leaf does not chain */
	DANE_TA_NAME,		/* DANE-TA: no reference identifier */
};

/* One usable TLSA record against the chain. */
struct dane_check {
	size_t		 record;	/* index into the records given */
	enum dane_fault	 fault;
	int		 depth;		/* cert matched; -1: none */
	char		*subject;	/* of that certificate */
	char		*error;	/* why chain or name failed */
};

struct dane_result {
	/* Some record matches: a client accepts the server. */
	int			 authenticated;
	/* And for each usage, selector and type present, one matches. */
	int			 every_kind;
	struct dane_check	*checks;	/* one per usable record */
	size_t			 nchecks;
};

/*
 * DANE-TA(2) and DANE-EE(3) with selectors 0/1 and matching types 0, 1
 * (32 bytes) and 2 (64 bytes) are usable for SMTP (RFC 7672 §3.1);
 * PKIX usages and unknown or malformed parameters are not.
 */
int	dane_usable(const struct tlsa_record *);

/*
 * Checks the chain (leaf first, as sent; leaf may be NULL) against the
 * usable records among recs, at time now (DANE-TA chains expire; DANE-EE
 * is not checked for names or dates, RFC 7672 §3.1.1).  names are the
 * reference identifiers for DANE-TA: the TLSA base domain and the MX
 * host name (RFC 7672 §3.2.3).  Fills *out; free with dane_result_free.
 */
void	dane_verify(const struct tlsa_record *recs, size_t n,
	    STACK_OF(X509) *chain, const char *const *names, size_t nnames,
	    time_t now, struct dane_result *out);
void	dane_result_free(struct dane_result *);

/* "CN=mx.example.net" (the subject, one line); caller frees. */
char	*dane_subject(X509 *);
/* The same for the issuer. */
char	*dane_issuer(X509 *);

#endif
