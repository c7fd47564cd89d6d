/*
 * Fuzz harness: TLSA RDATA (RFC 6698 §2.1) as ldns parses it from the
 * wire, then everything mxanchor does with it: the record fields, the
 * empty-digest check, usability, and DANE verification (RFC 7671 §5)
 * against a chain of two certificates made at start-up, so that DANE-EE,
 * DANE-TA and "2 1 0" keys are all reached.
 *
 * Input: records, each a length byte and that many bytes of RDATA.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "dane.h"
#include "tlsa.h"
#include "xmalloc.h"

#define FUZZ_MAX_RECORDS	8

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static STACK_OF(X509)	*chain;

/* A self-signed P-256 certificate for name, signed by key. */
static X509 *
fuzz_cert(EVP_PKEY *key, const char *name)
{
	X509		*x = X509_new();
	X509_NAME	*n = X509_NAME_new();

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)name, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, n);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	X509_sign(x, key, EVP_sha256());
	X509_NAME_free(n);
	return x;
}

static void
fuzz_init(void)
{
	EVP_PKEY	*key;

	key = EVP_EC_gen("P-256");
	chain = sk_X509_new_null();
	sk_X509_push(chain, fuzz_cert(key, "mx.example.net"));
	sk_X509_push(chain, fuzz_cert(key, "mx.example.net"));
	EVP_PKEY_free(key);
}

/* An ldns TLSA RR from RDATA bytes, through ldns' wire parser. */
static ldns_rr *
fuzz_rr(const uint8_t *rdata, size_t len)
{
	static const uint8_t	head[] = {
		3, 'm', 'x', '1', 0,		/* owner */
		0, 52, 0, 1,			/* TLSA, IN */
		0, 0, 1, 44,			/* TTL 300 */
	};
	uint8_t			wire[sizeof head + 2 + 255];
	ldns_rr			*rr = NULL;
	size_t			 pos = 0;

	memcpy(wire, head, sizeof head);
	wire[sizeof head] = 0;
	wire[sizeof head + 1] = (uint8_t)len;
	memcpy(wire + sizeof head + 2, rdata, len);
	if (ldns_wire2rr(&rr, wire, sizeof head + 2 + len, &pos,
	    LDNS_SECTION_ANSWER) != LDNS_STATUS_OK)
		return NULL;
	return rr;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const names[] = { "mx.example.net" };
	struct tlsa_record	 recs[FUZZ_MAX_RECORDS];
	struct dane_result	 res;
	ldns_rr			*rr;
	char			*s;
	size_t			 n = 0, i = 0, l;

	if (chain == NULL)
		fuzz_init();
	while (i < len && n < FUZZ_MAX_RECORDS) {
		l = data[i++];
		if (l > len - i)
			l = len - i;
		if ((rr = fuzz_rr(data + i, l)) != NULL) {
			if (tlsa_from_rr(rr, &recs[n]) == 0) {
				s = tlsa_record_str(&recs[n]);
				free(s);
				(void)tlsa_is_empty_digest(&recs[n]);
				(void)dane_usable(&recs[n]);
				n++;
			}
			ldns_rr_free(rr);
		}
		i += l;
	}
	dane_verify(recs, n, chain, names, 1, 1796000000, &res);
	dane_result_free(&res);
	for (i = 0; i < n; i++)
		tlsa_record_free(&recs[i]);
	return 0;
}
