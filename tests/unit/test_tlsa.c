/*
 * Unit tests for probes/tlsa.c: TLSA records and certificate association
 * data (RFC 6698 §2.1, RFC 7671 §5, RFC 7672 §3.1), with the certificate
 * and zone of case 013 under tests/data/cases/.
 *
 * Expected digests are computed a second way inside the tests (OpenSSL's
 * i2d_PUBKEY / i2d_X509 and EVP_Digest), independently of ldns' DANE
 * helper that probes/tlsa.c uses, and checked against case.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ldns/ldns.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tlsa.h"
#include "xmalloc.h"

#define CASE013	"013-tlsa-ecdsa-empty-digest"

/* From case 013's case.md, verified there with openssl and hash-slinger. */
#define MX1_SPKI_SHA256 \
    "9ede3b86f3e01fd91da43ca4a6d51c5d2e6e03cf88624078446b51bd5cd4b0b8"
#define MX1_CERT_SHA256 \
    "acc5db4d24a31a7cccff226dfc9261ab8902b68e6c0dfff3b54fc4e760cfa2ee"
/* SHA-256 of the empty string. */
#define EMPTY_SHA256 \
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/*
 * OpenSSL allocations still live, counted through CRYPTO_set_mem_functions
 * so that a leaked reference shows without a sanitizer.  -1 when the
 * functions could not be installed (OpenSSL had allocated already).
 */
static long	ossl_live = -1;

static void *
ossl_malloc(size_t n, const char *file, int line)
{
	void	*p = malloc(n);

	if (p != NULL)
		ossl_live++;
	return p;
}

static void *
ossl_realloc(void *old, size_t n, const char *file, int line)
{
	void	*p = realloc(old, n);

	if (old == NULL && p != NULL)
		ossl_live++;
	return p;
}

static void
ossl_free(void *p, const char *file, int line)
{
	if (p != NULL)
		ossl_live--;
	free(p);
}

static char *
case_path(const char *file)
{
	return xprintf("%s/cases/%s/%s", TEST_DATA, CASE013, file);
}

static X509 *
load_cert(const char *file)
{
	char	*path = case_path(file);
	FILE	*fp;
	X509	*cert;

	if ((fp = fopen(path, "r")) == NULL)
		fail_msg("cannot open %s", path);
	if ((cert = PEM_read_X509(fp, NULL, NULL, NULL)) == NULL)
		fail_msg("%s is not a PEM certificate", path);
	fclose(fp);
	free(path);
	return cert;
}

static int
setup(void **state)
{
	*state = load_cert("mx1-ecdsa.crt");
	return 0;
}

static int
teardown(void **state)
{
	X509_free(*state);
	return 0;
}

static char *
hex(const unsigned char *p, size_t len)
{
	char	*out = xmalloc(len * 2 + 1);
	size_t	 i;

	for (i = 0; i < len; i++)
		snprintf(out + i * 2, 3, "%02x", p[i]);
	out[len * 2] = '\0';
	return out;
}

/*
 * The DER SubjectPublicKeyInfo (selector 1) or the DER certificate
 * (selector 0) of cert, straight from OpenSSL.
 */
static unsigned char *
selected_der(X509 *cert, int selector, size_t *len)
{
	unsigned char	*der = NULL;
	int		 n;

	if (selector == 1)
		n = i2d_PUBKEY(X509_get0_pubkey(cert), &der);
	else
		n = i2d_X509(cert, &der);
	assert_true(n > 0);
	*len = (size_t)n;
	return der;
}

/* Lower-case hex digest of the selected DER, computed independently. */
static char *
independent_digest(X509 *cert, int selector, const EVP_MD *md)
{
	unsigned char	*der, out[EVP_MAX_MD_SIZE];
	unsigned int	 outlen;
	size_t		 len;
	char		*s;

	der = selected_der(cert, selector, &len);
	assert_int_equal(EVP_Digest(der, len, out, &outlen, md, NULL), 1);
	OPENSSL_free(der);
	s = hex(out, outlen);
	return s;
}

static ldns_rr *
rr_from_str(const char *s)
{
	ldns_rr		*rr = NULL;
	ldns_status	 st;

	st = ldns_rr_new_frm_str(&rr, s, 3600, NULL, NULL);
	if (st != LDNS_STATUS_OK)
		fail_msg("ldns cannot parse \"%s\": %s", s,
		    ldns_get_errorstr_by_id(st));
	return rr;
}

/* The TLSA line of case 013's zone.txt, as published. */
static char *
case013_tlsa_line(void)
{
	char	*path = case_path("zone.txt"), line[512], *out = NULL;
	FILE	*fp;

	if ((fp = fopen(path, "r")) == NULL)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof line, fp) != NULL) {
		if (strstr(line, " TLSA ") != NULL) {
			line[strcspn(line, "\r\n")] = '\0';
			out = xstrdup(line);
			break;
		}
	}
	fclose(fp);
	free(path);
	if (out == NULL)
		fail_msg("no TLSA line in zone.txt");
	return out;
}

/*
 * Case 013 / RFC 6698 §2.1.2-2.1.3: "3 1 1" is SHA-256 over the DER
 * SubjectPublicKeyInfo, for an EC key just as for RSA.
 */
static void
test_case013_spki_sha256_digest(void **state)
{
	X509	*cert = *state;
	char	*got, *want;

	want = independent_digest(cert, 1, EVP_sha256());
	assert_string_equal(want, MX1_SPKI_SHA256);
	got = tlsa_cert_digest_hex(cert, 1, 1);
	assert_non_null(got);
	assert_string_equal(got, MX1_SPKI_SHA256);
	assert_string_not_equal(got, EMPTY_SHA256);
	free(got);
	free(want);
}

/* Case 013 / RFC 6698 §2.1.2: "x 0 1" hashes the whole DER certificate. */
static void
test_case013_cert_sha256_digest(void **state)
{
	X509	*cert = *state;
	char	*got, *want;

	want = independent_digest(cert, 0, EVP_sha256());
	assert_string_equal(want, MX1_CERT_SHA256);
	got = tlsa_cert_digest_hex(cert, 0, 1);
	assert_non_null(got);
	assert_string_equal(got, MX1_CERT_SHA256);
	free(got);
	free(want);
}

/* RFC 6698 §2.1.3: matching type 2 is SHA-512, 64 bytes. */
static void
test_spki_sha512_digest(void **state)
{
	X509	*cert = *state;
	char	*got, *want;

	want = independent_digest(cert, 1, EVP_sha512());
	got = tlsa_cert_digest_hex(cert, 1, 2);
	assert_non_null(got);
	assert_int_equal(strlen(got), 128);
	assert_string_equal(got, want);
	free(got);
	free(want);

	want = independent_digest(cert, 0, EVP_sha512());
	got = tlsa_cert_digest_hex(cert, 0, 2);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
	free(want);
}

/* RFC 6698 §2.1.3: matching type 0 is the selected DER itself. */
static void
test_exact_match_data(void **state)
{
	X509		*cert = *state;
	unsigned char	*der;
	size_t		 len;
	char		*got, *want;
	int		 selector;

	for (selector = 0; selector <= 1; selector++) {
		der = selected_der(cert, selector, &len);
		want = hex(der, len);
		got = tlsa_cert_digest_hex(cert, (uint8_t)selector, 0);
		assert_non_null(got);
		assert_string_equal(got, want);
		free(got);
		free(want);
		OPENSSL_free(der);
	}
}

/* Selectors above 1 and matching types above 2 are not computable. */
static void
test_digest_unknown_parameters(void **state)
{
	X509	*cert = *state;

	assert_null(tlsa_cert_digest_hex(cert, 2, 1));
	assert_null(tlsa_cert_digest_hex(cert, 1, 3));
	assert_null(tlsa_cert_digest_hex(cert, 255, 255));
	assert_null(tlsa_cert_digest_hex(NULL, 1, 1));
}

/*
 * Case 013: the published record parses as 3 1 1 with the 32 bytes of
 * the empty-string digest (hex compared case-insensitively: ldns stores
 * bytes, we print lower case).
 */
static void
test_case013_published_record_parses(void **state)
{
	struct tlsa_record	 t;
	ldns_rr			*rr;
	char			*line, *s;

	line = case013_tlsa_line();
	rr = rr_from_str(line);
	assert_int_equal(tlsa_from_rr(rr, &t), 0);
	assert_int_equal(t.usage, 3);
	assert_int_equal(t.selector, 1);
	assert_int_equal(t.mtype, 1);
	assert_int_equal(t.len, 32);
	s = tlsa_data_hex(&t);
	assert_string_equal(s, EMPTY_SHA256);
	free(s);
	s = tlsa_record_str(&t);
	assert_string_equal(s, "3 1 1 " EMPTY_SHA256);
	free(s);
	tlsa_record_free(&t);
	ldns_rr_free(rr);
	free(line);
}

/*
 * Case 013: the published digest is recognised as the hash of empty
 * input, for SHA-256 and SHA-512 alike, and a real digest is not.
 */
static void
test_case013_empty_digest_recognised(void **state)
{
	struct tlsa_record	 t;
	ldns_rr			*rr;
	char			*line;
	size_t			 i;
	static const char	*cases[][2] = {
		{ "_25._tcp.mx1.example.net. 3600 IN TLSA 3 1 2 "
		  "CF83E1357EEFB8BDF1542850D66D8007D620E4050B5715DC83F4A921D36"
		  "CE9CE47D0D13C5D85F2B0FF8318D2877EEC2F63B931BD47417A81A53832"
		  "7AF927DA3E", "1" },
		{ "_25._tcp.mx1.example.net. 3600 IN TLSA 3 1 1 "
		  MX1_SPKI_SHA256, "0" },
		{ "_25._tcp.mx1.example.net. 3600 IN TLSA 3 1 0 "
		  "00", "0" },
	};

	line = case013_tlsa_line();
	rr = rr_from_str(line);
	assert_int_equal(tlsa_from_rr(rr, &t), 0);
	assert_true(tlsa_is_empty_digest(&t));
	tlsa_record_free(&t);
	ldns_rr_free(rr);
	free(line);

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rr = rr_from_str(cases[i][0]);
		assert_int_equal(tlsa_from_rr(rr, &t), 0);
		assert_int_equal(tlsa_is_empty_digest(&t),
		    cases[i][1][0] == '1');
		tlsa_record_free(&t);
		ldns_rr_free(rr);
	}
}

/* Case 013 / RFC 7672 §3.1.1: the published record does not match. */
static void
test_case013_published_record_mismatch(void **state)
{
	X509			*cert = *state;
	struct tlsa_record	 t;
	ldns_rr			*rr;
	char			*line;

	line = case013_tlsa_line();
	rr = rr_from_str(line);
	assert_int_equal(tlsa_from_rr(rr, &t), 0);
	assert_false(tlsa_matches_cert(&t, cert));
	tlsa_record_free(&t);
	ldns_rr_free(rr);
	free(line);
}

/*
 * Case 013: the suggested record is the zone line for the computed
 * digest, and it matches the served certificate once published.
 */
static void
test_case013_suggested_record_matches(void **state)
{
	X509			*cert = *state;
	struct tlsa_record	 t;
	ldns_rr			*rr;
	char			*digest, *line;

	digest = tlsa_cert_digest_hex(cert, 1, 1);
	assert_non_null(digest);
	line = tlsa_zone_line("mx1.example.net", 25, -1, 3, 1, 1, digest);
	assert_string_equal(line, "_25._tcp.mx1.example.net. 3600 IN TLSA 3 1 1 "
	    MX1_SPKI_SHA256);

	rr = rr_from_str(line);
	assert_int_equal(tlsa_from_rr(rr, &t), 0);
	assert_true(tlsa_matches_cert(&t, cert));
	tlsa_record_free(&t);
	ldns_rr_free(rr);
	free(line);
	free(digest);
}

/* RFC 6698 §2.2: upper-case hex in a zone file gives the same bytes. */
static void
test_matches_upper_case_hex(void **state)
{
	X509			*cert = *state;
	struct tlsa_record	 t;
	ldns_rr			*rr;

	rr = rr_from_str("_25._tcp.mx1.example.net. 3600 IN TLSA 3 1 1 "
	    "9EDE3B86F3E01FD91DA43CA4A6D51C5D2E6E03CF88624078446B51BD5CD4B0B8");
	assert_int_equal(tlsa_from_rr(rr, &t), 0);
	assert_true(tlsa_matches_cert(&t, cert));
	tlsa_record_free(&t);
	ldns_rr_free(rr);
}

/* RFC 6698 §2.1.2-2.1.3: whole certificate with SHA-256, SPKI exact. */
static void
test_matches_other_selectors_and_types(void **state)
{
	X509			*cert = *state;
	struct tlsa_record	 t;
	ldns_rr			*rr;
	unsigned char		*der;
	size_t			 len;
	char			*data, *s;

	rr = rr_from_str("_25._tcp.mx1.example.net. IN TLSA 3 0 1 "
	    MX1_CERT_SHA256);
	assert_int_equal(tlsa_from_rr(rr, &t), 0);
	assert_true(tlsa_matches_cert(&t, cert));
	/* The same bytes under the other selector do not match. */
	t.selector = 1;
	assert_false(tlsa_matches_cert(&t, cert));
	tlsa_record_free(&t);
	ldns_rr_free(rr);

	der = selected_der(cert, 1, &len);
	data = hex(der, len);
	s = xprintf("_25._tcp.mx1.example.net. IN TLSA 3 1 0 %s", data);
	rr = rr_from_str(s);
	assert_int_equal(tlsa_from_rr(rr, &t), 0);
	assert_int_equal(t.len, len);
	assert_true(tlsa_matches_cert(&t, cert));
	t.data[t.len - 1] ^= 0x01;
	assert_false(tlsa_matches_cert(&t, cert));
	tlsa_record_free(&t);
	ldns_rr_free(rr);
	free(s);
	free(data);
	OPENSSL_free(der);
}

/* A digest cut short is not the digest. */
static void
test_truncated_digest_does_not_match(void **state)
{
	X509			*cert = *state;
	struct tlsa_record	 t;
	ldns_rr			*rr;
	char			 cut[sizeof MX1_SPKI_SHA256], *s;

	memcpy(cut, MX1_SPKI_SHA256, sizeof cut);
	cut[62] = '\0';
	s = xprintf("_25._tcp.mx1.example.net. IN TLSA 3 1 1 %s", cut);
	rr = rr_from_str(s);
	assert_int_equal(tlsa_from_rr(rr, &t), 0);
	assert_int_equal(t.len, 31);
	assert_false(tlsa_matches_cert(&t, cert));
	tlsa_record_free(&t);
	ldns_rr_free(rr);
	free(s);
}

/*
 * RFC 6698 §2.1: a TLSA RR without its certificate association data
 * (the empty digest, "\# 3 030101" or wire RDLENGTH 3) is malformed.
 */
static void
test_from_rr_rejects_empty_data(void **state)
{
	static const uint8_t	 wire[] = {
		0,			/* owner: root */
		0, 52, 0, 1,		/* TLSA IN */
		0, 0, 14, 16,		/* TTL 3600 */
		0, 3, 3, 1, 1,		/* RDLENGTH 3: usage, sel, mtype */
	};
	struct tlsa_record	 t;
	ldns_rr			*rr = NULL;
	size_t			 pos = 0;

	rr = rr_from_str("_25._tcp.mx1.example.net. IN TLSA 3 1 1 \\# 0");
	assert_int_equal(tlsa_from_rr(rr, &t), -1);
	ldns_rr_free(rr);

	rr = rr_from_str("_25._tcp.mx1.example.net. IN TLSA \\# 3 030101");
	assert_int_equal(tlsa_from_rr(rr, &t), -1);
	ldns_rr_free(rr);

	rr = rr_from_str("_25._tcp.mx1.example.net. IN TLSA \\# 2 0301");
	assert_int_equal(tlsa_from_rr(rr, &t), -1);
	ldns_rr_free(rr);

	rr = NULL;
	assert_int_equal(ldns_wire2rr(&rr, wire, sizeof wire, &pos,
	    LDNS_SECTION_ANSWER), LDNS_STATUS_OK);
	assert_int_equal(tlsa_from_rr(rr, &t), -1);
	ldns_rr_free(rr);
}

/* tlsa_from_rr only takes TLSA records. */
static void
test_from_rr_rejects_other_types(void **state)
{
	struct tlsa_record	 t;
	ldns_rr			*rr;

	rr = rr_from_str("_25._tcp.mx1.example.net. IN TXT \"3 1 1 00\"");
	assert_int_equal(tlsa_from_rr(rr, &t), -1);
	ldns_rr_free(rr);

	rr = rr_from_str("mx1.example.net. IN A 192.0.2.25");
	assert_int_equal(tlsa_from_rr(rr, &t), -1);
	ldns_rr_free(rr);

	/* SMIMEA (RFC 8162) has the TLSA layout but is another type. */
	rr = rr_from_str("x._smimecert.example.net. IN SMIMEA 3 1 1 "
	    MX1_SPKI_SHA256);
	assert_int_equal(ldns_rr_rd_count(rr), 4);
	assert_int_equal(tlsa_from_rr(rr, &t), -1);
	ldns_rr_free(rr);
}

/* The zone line has the form the operator pastes into a zone file. */
static void
test_zone_line_format(void **state)
{
	char	*line;

	line = tlsa_zone_line("mx2.example.org", 465, -1, 2, 0, 2, "ab01");
	assert_string_equal(line, "_465._tcp.mx2.example.org. 3600 IN TLSA "
	    "2 0 2 ab01");
	free(line);

	/* A record that joins an RRset takes the RRset's TTL. */
	line = tlsa_zone_line("mx2.example.org", 25, 300, 3, 1, 1, "ab01");
	assert_string_equal(line, "_25._tcp.mx2.example.org. 300 IN TLSA "
	    "3 1 1 ab01");
	free(line);
}

/*
 * Computing a digest must not keep a reference to the certificate's key:
 * the SPKI digest (selector 1) must leave no more OpenSSL allocations
 * behind, once the certificate is freed, than the whole-certificate
 * digest (selector 0).  The baseline is compared rather than zero because
 * a DER buffer that OpenSSL allocated may be released with plain free(),
 * which the counter cannot see.
 */
static void
test_digest_keeps_no_reference(void **state)
{
	X509	*cert;
	char	*s;
	long	 before, left[2];
	int	 selector;

	if (ossl_live < 0)
		skip();

	/* Warm OpenSSL's lazily filled caches (decoders, digests). */
	cert = load_cert("mx1-ecdsa.crt");
	free(independent_digest(cert, 1, EVP_sha256()));
	free(independent_digest(cert, 0, EVP_sha256()));
	free(tlsa_cert_digest_hex(cert, 0, 1));
	X509_free(cert);

	for (selector = 0; selector <= 1; selector++) {
		before = ossl_live;
		cert = load_cert("mx1-ecdsa.crt");
		assert_non_null(s = tlsa_cert_digest_hex(cert,
		    (uint8_t)selector, 1));
		free(s);
		X509_free(cert);
		left[selector] = ossl_live - before;
	}
	if (left[1] != left[0])
		fail_msg("selector 1 left %ld OpenSSL allocations after "
		    "X509_free, selector 0 left %ld: the key is still "
		    "referenced", left[1], left[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case013_spki_sha256_digest),
		cmocka_unit_test(test_case013_cert_sha256_digest),
		cmocka_unit_test(test_spki_sha512_digest),
		cmocka_unit_test(test_exact_match_data),
		cmocka_unit_test(test_digest_unknown_parameters),
		cmocka_unit_test(test_case013_published_record_parses),
		cmocka_unit_test(test_case013_published_record_mismatch),
		cmocka_unit_test(test_case013_empty_digest_recognised),
		cmocka_unit_test(test_case013_suggested_record_matches),
		cmocka_unit_test(test_matches_upper_case_hex),
		cmocka_unit_test(test_matches_other_selectors_and_types),
		cmocka_unit_test(test_truncated_digest_does_not_match),
		cmocka_unit_test(test_from_rr_rejects_empty_data),
		cmocka_unit_test(test_from_rr_rejects_other_types),
		cmocka_unit_test(test_zone_line_format),
		cmocka_unit_test(test_digest_keeps_no_reference),
	};

	/* Before anything makes OpenSSL allocate. */
	if (CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free))
		ossl_live = 0;
	return cmocka_run_group_tests(tests, setup, teardown);
}
