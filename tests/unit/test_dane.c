/*
 * Unit tests for probes/dane.c with shared case 015 (DANE-TA and the
 * chain a server sends; tests/data/cases/015-...) at the case's time,
 * 2026-12-03T00:00:00Z, and case 013 for DANE-EE.
 *
 * Case 015's table: A leaf only -> fail (TA not sent); B leaf + issuing
 * CA -> pass at depth 1; C wrong-name leaf + CA -> fail (name); D record
 * for the root, root not sent -> fail; E root sent too -> pass at depth
 * 2.  No trust store is involved: the root is private.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/pem.h>

#include "clock.h"
#include "dane.h"
#include "xmalloc.h"

#define CASE015	"015-tlsa-dane-ta-missing-intermediate"
#define CASE013	"013-tlsa-ecdsa-empty-digest"
#define CA_211 \
    "427038177ecc2f84fc086574cd3d58a254be57cb79e0db25b62df4199a30ca10"
#define ROOT_211 \
    "71c1742a341c31c645c4d2463a4104536cdb203d15e955ccd0c21e4da9865775"
#define LEAF_311 \
    "55e2ab3f16e89d2a0d795821bebe33ca20932a3df417691afec4370348a729b9"

static const char *const names[] = { "mx.example.net" };

static STACK_OF(X509) *
load_chain(const char *dir, const char *file, const char *extra)
{
	STACK_OF(X509)	*chain = sk_X509_new_null();
	const char	*files[2] = { file, extra };
	char		*path;
	X509		*cert;
	FILE		*fp;
	size_t		 i;

	for (i = 0; i < 2 && files[i] != NULL; i++) {
		path = xprintf("%s/cases/%s/%s", TEST_DATA, dir, files[i]);
		if ((fp = fopen(path, "r")) == NULL)
			fail_msg("cannot open %s", path);
		while ((cert = PEM_read_X509(fp, NULL, NULL, NULL)) != NULL)
			sk_X509_push(chain, cert);
		fclose(fp);
		free(path);
	}
	assert_true(sk_X509_num(chain) > 0);
	return chain;
}

static void
record(struct tlsa_record *t, int usage, int selector, int mtype,
    const char *hex)
{
	size_t	i;

	memset(t, 0, sizeof *t);
	t->usage = (uint8_t)usage;
	t->selector = (uint8_t)selector;
	t->mtype = (uint8_t)mtype;
	t->len = strlen(hex) / 2;
	t->data = xmalloc(t->len + 1);
	for (i = 0; i < t->len; i++)
		sscanf(hex + 2 * i, "%2hhx", &t->data[i]);
}

static time_t
case_now(void)
{
	time_t	t;

	assert_int_equal(clock_parse("2026-12-03T00:00:00Z", &t), 0);
	return t;
}

/* Runs one record against a chain; returns the single check's fault. */
static enum dane_fault
verify_one(const char *hex, const char *file, const char *extra,
    int *depth, int *authenticated)
{
	struct tlsa_record	 t;
	struct dane_result	 r;
	STACK_OF(X509)		*chain;
	enum dane_fault		 fault;

	record(&t, 2, 1, 1, hex);
	chain = load_chain(CASE015, file, extra);
	dane_verify(&t, 1, chain, names, 1, case_now(), &r);
	assert_int_equal(r.nchecks, 1);
	fault = r.checks[0].fault;
	*depth = r.checks[0].depth;
	*authenticated = r.authenticated;
	dane_result_free(&r);
	sk_X509_pop_free(chain, X509_free);
	tlsa_record_free(&t);
	return fault;
}

/* A: the server sends only its leaf; the issuing CA is not there. */
static void
test_case015_a_leaf_only(void **state)
{
	int	depth, ok;

	assert_int_equal(verify_one(CA_211, "chain-A-leaf-only.pem", NULL,
	    &depth, &ok), DANE_TA_NOT_SENT);
	assert_false(ok);
	assert_int_equal(depth, -1);
}

/* B: leaf and issuing CA: TA matched at depth 1, name fine. */
static void
test_case015_b_with_intermediate(void **state)
{
	int	depth, ok;

	assert_int_equal(verify_one(CA_211, "chain-B-leaf-intermediate.pem",
	    NULL, &depth, &ok), DANE_OK);
	assert_true(ok);
	assert_int_equal(depth, 1);
}

/* C: the TA matches, but the leaf is for www.example.org. */
static void
test_case015_c_wrong_name(void **state)
{
	struct tlsa_record	 t;
	struct dane_result	 r;
	STACK_OF(X509)		*chain;

	record(&t, 2, 1, 1, CA_211);
	chain = load_chain(CASE015, "chain-C-wrong-name.pem", NULL);
	dane_verify(&t, 1, chain, names, 1, case_now(), &r);
	assert_int_equal(r.checks[0].fault, DANE_TA_NAME);
	assert_int_equal(r.checks[0].depth, 1);
	assert_non_null(strstr(r.checks[0].error, "www.example.org"));
	assert_non_null(strstr(r.checks[0].error, "mx.example.net"));
	assert_false(r.authenticated);
	dane_result_free(&r);
	sk_X509_pop_free(chain, X509_free);
	tlsa_record_free(&t);
}

/* D: the record names the root, which the server does not send. */
static void
test_case015_d_root_not_sent(void **state)
{
	int	depth, ok;

	assert_int_equal(verify_one(ROOT_211, "chain-B-leaf-intermediate.pem",
	    NULL, &depth, &ok), DANE_TA_NOT_SENT);
	assert_false(ok);
}

/* E: the root is sent as well: TA at depth 2. */
static void
test_case015_e_root_sent(void **state)
{
	int	depth, ok;

	assert_int_equal(verify_one(ROOT_211, "chain-B-leaf-intermediate.pem",
	    "root-ca.crt", &depth, &ok), DANE_OK);
	assert_true(ok);
	assert_int_equal(depth, 2);
}

/* The chain must hold at the time given: after the leaf expired, no. */
static void
test_ta_chain_expired(void **state)
{
	struct tlsa_record	 t;
	struct dane_result	 r;
	STACK_OF(X509)		*chain;
	time_t			 later;

	record(&t, 2, 1, 1, CA_211);
	chain = load_chain(CASE015, "chain-B-leaf-intermediate.pem", NULL);
	assert_int_equal(clock_parse("2027-03-01T00:00:00Z", &later), 0);
	dane_verify(&t, 1, chain, names, 1, later, &r);
	assert_int_equal(r.checks[0].fault, DANE_TA_CHAIN);
	assert_non_null(strstr(r.checks[0].error, "expired"));
	dane_result_free(&r);
	sk_X509_pop_free(chain, X509_free);
	tlsa_record_free(&t);
}

/* DANE-EE: the leaf only, with no name or date checks. */
static void
test_ee_ignores_names_and_dates(void **state)
{
	struct tlsa_record	 t;
	struct dane_result	 r;
	STACK_OF(X509)		*chain;
	time_t			 later;

	record(&t, 3, 1, 1, LEAF_311);
	chain = load_chain(CASE015, "chain-A-leaf-only.pem", NULL);
	assert_int_equal(clock_parse("2030-01-01T00:00:00Z", &later), 0);
	dane_verify(&t, 1, chain, NULL, 0, later, &r);
	assert_int_equal(r.checks[0].fault, DANE_OK);
	assert_int_equal(r.checks[0].depth, 0);
	assert_true(r.authenticated && r.every_kind);
	dane_result_free(&r);

	/* The issuing CA's digest as DANE-EE: matches nothing. */
	tlsa_record_free(&t);
	record(&t, 3, 1, 1, CA_211);
	dane_verify(&t, 1, chain, NULL, 0, later, &r);
	assert_int_equal(r.checks[0].fault, DANE_NO_MATCH);
	dane_result_free(&r);
	sk_X509_pop_free(chain, X509_free);
	tlsa_record_free(&t);
}

/*
 * A stale 3 1 2 beside a good 3 1 1: a client accepts the connection,
 * but not every kind of record matches (RFC 7671 §8: clients that
 * prefer SHA-512 would fail).
 */
static void
test_stale_kind_beside_good(void **state)
{
	struct tlsa_record	 t[2];
	struct dane_result	 r;
	STACK_OF(X509)		*chain;
	char			 zeros[129];

	memset(zeros, 'a', 128);
	zeros[128] = '\0';
	record(&t[0], 3, 1, 1, LEAF_311);
	record(&t[1], 3, 1, 2, zeros);
	chain = load_chain(CASE015, "chain-A-leaf-only.pem", NULL);
	dane_verify(t, 2, chain, NULL, 0, case_now(), &r);
	assert_int_equal(r.nchecks, 2);
	assert_true(r.authenticated);
	assert_false(r.every_kind);
	assert_int_equal(r.checks[1].fault, DANE_NO_MATCH);
	dane_result_free(&r);
	sk_X509_pop_free(chain, X509_free);
	tlsa_record_free(&t[0]);
	tlsa_record_free(&t[1]);
}

/* Unusable records are left out; a digest of the wrong length too. */
static void
test_unusable(void **state)
{
	struct tlsa_record	 t[3];
	struct dane_result	 r;
	STACK_OF(X509)		*chain;

	record(&t[0], 1, 1, 1, LEAF_311);	/* PKIX-EE */
	record(&t[1], 3, 1, 1, "55e2ab3f");	/* short digest */
	record(&t[2], 3, 2, 1, LEAF_311);	/* unknown selector */
	assert_false(dane_usable(&t[0]));
	assert_false(dane_usable(&t[1]));
	assert_false(dane_usable(&t[2]));
	chain = load_chain(CASE015, "chain-A-leaf-only.pem", NULL);
	dane_verify(t, 3, chain, NULL, 0, case_now(), &r);
	assert_int_equal(r.nchecks, 0);
	assert_false(r.authenticated);
	assert_false(r.every_kind);
	dane_result_free(&r);
	sk_X509_pop_free(chain, X509_free);
	tlsa_record_free(&t[0]);
	tlsa_record_free(&t[1]);
	tlsa_record_free(&t[2]);
}

/* "2 1 0": the anchor's key is in DNS, so it need not be sent. */
static void
test_ta_key_in_dns(void **state)
{
	struct tlsa_record	 t;
	struct dane_result	 r;
	STACK_OF(X509)		*chain, *root;
	unsigned char		*der = NULL;
	char			*hex;
	int			 len, i;

	root = load_chain(CASE015, "root-ca.crt", NULL);
	len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(sk_X509_value(root, 0)),
	    &der);
	assert_true(len > 0);
	hex = xmalloc((size_t)len * 2 + 1);
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", der[i]);
	record(&t, 2, 1, 0, hex);
	chain = load_chain(CASE015, "chain-B-leaf-intermediate.pem", NULL);
	dane_verify(&t, 1, chain, names, 1, case_now(), &r);
	assert_int_equal(r.checks[0].fault, DANE_OK);
	assert_int_equal(r.checks[0].depth, 2);
	dane_result_free(&r);

	OPENSSL_free(der);
	free(hex);
	sk_X509_pop_free(root, X509_free);
	sk_X509_pop_free(chain, X509_free);
	tlsa_record_free(&t);
}

/* Case 013: the published "3 1 1" is the digest of nothing. */
static void
test_case013_mismatch(void **state)
{
	struct tlsa_record	 t;
	struct dane_result	 r;
	STACK_OF(X509)		*chain;

	record(&t, 3, 1, 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934c"
	    "a495991b7852b855");
	assert_true(tlsa_is_empty_digest(&t));
	chain = load_chain(CASE013, "mx1-ecdsa.crt", NULL);
	dane_verify(&t, 1, chain, NULL, 0, case_now(), &r);
	assert_int_equal(r.checks[0].fault, DANE_NO_MATCH);
	assert_false(r.authenticated);
	dane_result_free(&r);
	sk_X509_pop_free(chain, X509_free);
	tlsa_record_free(&t);
}

/* No certificate at all (no TLS): nothing matches, nothing crashes. */
static void
test_no_chain(void **state)
{
	struct tlsa_record	 t;
	struct dane_result	 r;

	record(&t, 2, 1, 1, CA_211);
	dane_verify(&t, 1, NULL, names, 1, case_now(), &r);
	assert_int_equal(r.checks[0].fault, DANE_NO_MATCH);
	dane_result_free(&r);
	tlsa_record_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case015_a_leaf_only),
		cmocka_unit_test(test_case015_b_with_intermediate),
		cmocka_unit_test(test_case015_c_wrong_name),
		cmocka_unit_test(test_case015_d_root_not_sent),
		cmocka_unit_test(test_case015_e_root_sent),
		cmocka_unit_test(test_ta_chain_expired),
		cmocka_unit_test(test_ee_ignores_names_and_dates),
		cmocka_unit_test(test_stale_kind_beside_good),
		cmocka_unit_test(test_unusable),
		cmocka_unit_test(test_ta_key_in_dns),
		cmocka_unit_test(test_case013_mismatch),
		cmocka_unit_test(test_no_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
