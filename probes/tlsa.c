/*
 * TLSA association data: RFC 6698 §2.1 (fields), RFC 7671 (operations),
 * RFC 7672 §3.1 (usages for SMTP).
 *
 * Digests are computed here with OpenSSL rather than with ldns'
 * ldns_dane_cert2rdf(): in ldns 1.8.3 that helper takes a reference to
 * the public key and never drops it, leaking the key of every
 * certificate it sees (a unit test counts the allocations).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "tlsa.h"
#include "xmalloc.h"

int
tlsa_from_rr(const ldns_rr *rr, struct tlsa_record *t)
{
	const ldns_rdf	*data;
	size_t		 i;

	memset(t, 0, sizeof *t);
	if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TLSA ||
	    ldns_rr_rd_count(rr) != 4)
		return -1;
	/* ldns types these fields as usage/selector/type, one byte each. */
	for (i = 0; i < 3; i++) {
		if (ldns_rdf_size(ldns_rr_rdf(rr, i)) != 1)
			return -1;
	}

	t->usage = *ldns_rdf_data(ldns_rr_rdf(rr, 0));
	t->selector = *ldns_rdf_data(ldns_rr_rdf(rr, 1));
	t->mtype = *ldns_rdf_data(ldns_rr_rdf(rr, 2));
	data = ldns_rr_rdf(rr, 3);
	t->len = ldns_rdf_size(data);
	t->data = xmalloc(t->len > 0 ? t->len : 1);
	memcpy(t->data, ldns_rdf_data(data), t->len);
	return 0;
}

void
tlsa_record_free(struct tlsa_record *t)
{
	free(t->data);
	memset(t, 0, sizeof *t);
}

static char *
tlsa_hex(const unsigned char *p, size_t len)
{
	static const char	 digits[] = "0123456789abcdef";
	char			*out = xmalloc(len * 2 + 1);
	size_t			 i;

	for (i = 0; i < len; i++) {
		out[i * 2] = digits[p[i] >> 4];
		out[i * 2 + 1] = digits[p[i] & 0xf];
	}
	out[len * 2] = '\0';
	return out;
}

char *
tlsa_data_hex(const struct tlsa_record *t)
{
	return tlsa_hex(t->data, t->len);
}

char *
tlsa_record_str(const struct tlsa_record *t)
{
	char	*hex, *s;

	hex = tlsa_data_hex(t);
	xasprintf(&s, "%u %u %u %s", t->usage, t->selector, t->mtype, hex);
	free(hex);
	return s;
}

/* The DER bytes a selector picks: the whole certificate or its SPKI. */
static int
tlsa_select(X509 *cert, uint8_t selector, unsigned char **der)
{
	*der = NULL;
	if (selector == 0)
		return i2d_X509(cert, der);
	return i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), der);
}

char *
tlsa_cert_digest_hex(X509 *cert, uint8_t selector, uint8_t mtype)
{
	unsigned char	*der, md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;
	const EVP_MD	*alg;
	char		*hex = NULL;
	int		 len;

	if (cert == NULL || selector > 1 || mtype > 2)
		return NULL;
	if ((len = tlsa_select(cert, selector, &der)) <= 0)
		return NULL;

	if (mtype == 0)
		hex = tlsa_hex(der, (size_t)len);
	else {
		alg = mtype == 1 ? EVP_sha256() : EVP_sha512();
		if (EVP_Digest(der, (size_t)len, md, &mdlen, alg, NULL) == 1)
			hex = tlsa_hex(md, mdlen);
	}
	OPENSSL_free(der);
	return hex;
}

/*
 * The digest of zero bytes: what a TLSA generator publishes when its key
 * extraction printed nothing (an RSA-only command given an EC key).
 */
int
tlsa_is_empty_digest(const struct tlsa_record *t)
{
	static const unsigned char	none[1];
	unsigned char			md[EVP_MAX_MD_SIZE];
	unsigned int			mdlen;

	if (t->mtype != 1 && t->mtype != 2)
		return 0;
	if (EVP_Digest(none, 0, md, &mdlen, t->mtype == 1 ? EVP_sha256() :
	    EVP_sha512(), NULL) != 1)
		return 0;
	return t->len == mdlen && memcmp(t->data, md, mdlen) == 0;
}

int
tlsa_matches_cert(const struct tlsa_record *t, X509 *cert)
{
	char	*want, *have;
	int	 match;

	if ((have = tlsa_cert_digest_hex(cert, t->selector, t->mtype)) ==
	    NULL)
		return 0;
	want = tlsa_data_hex(t);
	match = strcmp(want, have) == 0;
	free(want);
	free(have);
	return match;
}

char *
tlsa_zone_line(const char *host, int port, long ttl, uint8_t usage,
    uint8_t selector, uint8_t mtype, const char *hex)
{
	return xprintf("_%d._tcp.%s. %ld IN TLSA %u %u %u %s", port, host,
	    ttl < 0 ? (long)TLSA_DEFAULT_TTL : ttl, usage, selector, mtype,
	    hex);
}
