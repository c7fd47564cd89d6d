/*
 * Unit tests for probes/credfile.c and probes/tlsagen.c: reading keys and
 * certificates the way Postfix reads smtpd_tls_chain_files, and the TLSA
 * records they give, with the files of cases 013 and 022.
 *
 * The expected digests are the ones case.md states (checked there with
 * OpenSSL and hash-slinger); tests/unit/tlsa_crosscheck.sh compares the
 * command's output with openssl, danetool and hash-slinger directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "credfile.h"
#include "tlsagen.h"
#include "xmalloc.h"

#define CASE015	"015-tlsa-dane-ta-missing-intermediate"
#define CASE022	"022-postconf-chain-files-dual-key/root"
#define CASE013	"013-tlsa-ecdsa-empty-digest"

/* From case 022's case.md. */
#define RSA_311 \
    "089c4834ddfbdb5874d524f841f7004dfbd14fe8a1c7ac0374b180a8ca051b81"
#define ECDSA_311 \
    "77ff62b042975198b4387b2a25d0a43290d196d2ee2b40daaabd27679bcf3fae"
#define CA_211 \
    "012be766b1b360b116c888d51b82837410fd31ca646e5a074851851a0cd17665"
#define SNAKEOIL_PREFIX	"d5c7525d"

/* From case 013's case.md. */
#define MX1_311 \
    "9ede3b86f3e01fd91da43ca4a6d51c5d2e6e03cf88624078446b51bd5cd4b0b8"
#define MX1_301 \
    "acc5db4d24a31a7cccff226dfc9261ab8902b68e6c0dfff3b54fc4e760cfa2ee"

static char	tmpdir[] = "/tmp/mxanchor-tlsagen-XXXXXX";

static char *
data(const char *file)
{
	return xprintf("%s/cases/%s", TEST_DATA, file);
}

static char *
tmp(const char *file)
{
	return xprintf("%s/%s", tmpdir, file);
}

/* Loads the data files in order into set; fails the test on error. */
static void
load(struct credfile_set *set, const char *const *files, size_t n)
{
	char	*path, *cause = NULL;
	size_t	 i;

	memset(set, 0, sizeof *set);
	for (i = 0; i < n; i++) {
		path = data(files[i]);
		if (credfile_load(set, path, CREDFILE_ANY, &cause) != 0)
			fail_msg("%s: %s", path, cause);
		free(path);
	}
}

/* The only error loading these files in order gives, or NULL. */
static char *
load_error(const char *const *paths, size_t n, enum credfile_kind kind)
{
	struct credfile_set	 set;
	char			*cause = NULL;
	size_t			 i;

	memset(&set, 0, sizeof set);
	for (i = 0; i < n && cause == NULL; i++)
		credfile_load(&set, paths[i], kind, &cause);
	credfile_set_free(&set);
	return cause;
}

static char *
digest(const struct cred *c, int usage, int selector, int mtype)
{
	char	*cause = NULL, *hex;

	hex = tlsagen_data(c, (uint8_t)usage, (uint8_t)selector,
	    (uint8_t)mtype, &cause);
	if (hex == NULL)
		fail_msg("no digest: %s", cause);
	return hex;
}

static void
assert_digest(const struct cred *c, int usage, int sel, int mtype,
    const char *want)
{
	char	*hex = digest(c, usage, sel, mtype);

	assert_string_equal(hex, want);
	free(hex);
}

static int
setup(void **state)
{
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char	*cmd = xprintf("rm -rf '%s'", tmpdir);
	int	 rc = system(cmd);

	free(cmd);
	return rc == 0 ? 0 : -1;
}

/*
 * Case 022: smtpd_tls_chain_files = rsa-key.pem, rsa-fullchain.pem,
 * ecdsa-combined.pem read as one concatenation give two credentials,
 * RSA then ECDSA, each with its issuing CA after the leaf.
 */
static void
test_case022_chain_files(void **state)
{
	static const char *const files[] = {
		CASE022 "/etc/postfix/tls/rsa-key.pem",
		CASE022 "/etc/postfix/tls/rsa-fullchain.pem",
		CASE022 "/etc/postfix/tls/ecdsa-combined.pem",
	};
	struct credfile_set	 set;

	load(&set, files, 3);
	assert_int_equal(set.n, 2);
	assert_string_equal(credfile_algorithm(set.v[0].pub), "rsa");
	assert_string_equal(credfile_algorithm(set.v[1].pub), "ecdsa");
	assert_true(set.v[0].from_private && set.v[1].from_private);
	assert_non_null(set.v[0].leaf);
	assert_non_null(set.v[1].leaf);
	assert_int_equal(sk_X509_num(set.v[0].chain), 1);
	assert_int_equal(sk_X509_num(set.v[1].chain), 1);
	assert_false(set.awaiting_leaf);

	assert_digest(&set.v[0], 3, 1, 1, RSA_311);
	assert_digest(&set.v[1], 3, 1, 1, ECDSA_311);
	assert_digest(&set.v[0], 2, 1, 1, CA_211);
	assert_digest(&set.v[1], 2, 1, 1, CA_211);
	credfile_set_free(&set);
}

/*
 * A chain split across files (key, certificate, intermediate), as
 * smtpd_tls_chain_files allows: one credential whose chain holds the
 * intermediate, not a second credential for the CA's key.  Two unrelated
 * leaves in two files stay two credentials.
 */
static void
test_split_chain_files(void **state)
{
	static const char *const split[] = {
		CASE015 "/mx.key",
		CASE015 "/mx-leaf.crt",
		CASE015 "/inter-ca.crt",
	};
	static const char *const leaves[] = {
		CASE015 "/mx-leaf.crt",
		CASE015 "/wrongname-leaf.crt",
	};
	struct credfile_set	 set;

	load(&set, split, 3);
	assert_int_equal(set.n, 1);
	assert_int_equal(sk_X509_num(set.v[0].chain), 1);
	assert_non_null(credfile_issuer(&set.v[0]));
	credfile_set_free(&set);

	load(&set, split + 1, 2);
	assert_int_equal(set.n, 1);
	assert_int_equal(sk_X509_num(set.v[0].chain), 1);
	credfile_set_free(&set);

	load(&set, leaves, 2);
	assert_int_equal(set.n, 2);
	assert_int_equal(sk_X509_num(set.v[0].chain), 0);
	credfile_set_free(&set);
}

/* Case 022: two algorithms give two 3 1 1 records; one CA one 2 1 1. */
static void
test_case022_records(void **state)
{
	static const char *const files[] = {
		CASE022 "/etc/postfix/tls/rsa-key.pem",
		CASE022 "/etc/postfix/tls/rsa-fullchain.pem",
		CASE022 "/etc/postfix/tls/ecdsa-combined.pem",
	};
	static const char *const hosts[] = { "mx1.example.net" };
	static const int	 ports[] = { 25 };
	struct credfile_set	 set;
	struct tlsagen_set	 recs;
	char			*cause = NULL, *zone, **names;
	size_t			 n;

	load(&set, files, 3);
	memset(&recs, 0, sizeof recs);
	assert_int_equal(tlsagen_add(&recs, &set, hosts, 1, ports, 1, 3, 1, 1,
	    &cause), 0);
	assert_int_equal(recs.n, 2);
	zone = tlsagen_zone(&recs, -1);
	assert_non_null(strstr(zone, "_25._tcp.mx1.example.net. IN TLSA "
	    "3 1 1 " RSA_311 "\n"));
	assert_non_null(strstr(zone, "_25._tcp.mx1.example.net. IN TLSA "
	    "3 1 1 " ECDSA_311 "\n"));
	assert_null(strstr(zone, SNAKEOIL_PREFIX));
	free(zone);

	assert_int_equal(tlsagen_add(&recs, &set, hosts, 1, ports, 1, 2, 1, 1,
	    &cause), 0);
	assert_int_equal(recs.n, 3);
	assert_string_equal(recs.v[2].hex, CA_211);

	/* With no --host, the names come from the leaves. */
	names = tlsagen_cert_hosts(&set, &n);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "mx1.example.net");
	tlsagen_strv_free(names, n);
	tlsagen_set_free(&recs);
	credfile_set_free(&set);
}

/* The legacy snakeoil pair is another key: a key then a foreign cert. */
static void
test_key_then_foreign_cert(void **state)
{
	char	*paths[2], *cause;

	paths[0] = data(CASE022 "/etc/postfix/tls/rsa-key.pem");
	paths[1] = data(CASE022 "/etc/ssl/certs/ssl-cert-snakeoil.pem");
	cause = load_error((const char *const *)paths, 2, CREDFILE_ANY);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "is not that key's certificate"));
	free(cause);
	free(paths[0]);
	free(paths[1]);
}

/* Case 013: both selectors of an ECDSA certificate. */
static void
test_case013_cert(void **state)
{
	static const char *const files[] = { CASE013 "/mx1-ecdsa.crt" };
	struct credfile_set	 set;

	load(&set, files, 1);
	assert_int_equal(set.n, 1);
	assert_false(set.v[0].from_private);
	assert_digest(&set.v[0], 3, 1, 1, MX1_311);
	assert_digest(&set.v[0], 3, 0, 1, MX1_301);
	credfile_set_free(&set);
}

/* Case 013's key alone: the same 3 1 1, and no private part kept. */
static void
test_case013_key_only_public_kept(void **state)
{
	static const char *const files[] = { CASE013 "/mx1-ecdsa.key" };
	struct credfile_set	 set;
	BIGNUM			*priv = NULL;
	char			*cause = NULL;

	load(&set, files, 1);
	assert_int_equal(set.n, 1);
	assert_true(set.v[0].from_private);
	assert_null(set.v[0].leaf);
	assert_true(set.awaiting_leaf);
	assert_digest(&set.v[0], 3, 1, 1, MX1_311);

	assert_int_equal(EVP_PKEY_get_bn_param(set.v[0].pub,
	    OSSL_PKEY_PARAM_PRIV_KEY, &priv), 0);
	assert_null(priv);

	/* A bare key has no certificate to hash, nor an issuer. */
	assert_null(tlsagen_data(&set.v[0], 3, 0, 1, &cause));
	assert_non_null(strstr(cause, "selector 1"));
	free(cause);
	cause = NULL;
	assert_null(tlsagen_data(&set.v[0], 2, 1, 1, &cause));
	assert_non_null(strstr(cause, "full chain"));
	free(cause);
	cause = NULL;
	assert_null(tlsagen_data(&set.v[0], 1, 1, 1, &cause));
	assert_non_null(strstr(cause, "not for SMTP"));
	free(cause);
	credfile_set_free(&set);
}

/* The RSA private key of case 022 keeps no private exponent either. */
static void
test_rsa_private_part_dropped(void **state)
{
	static const char *const files[] = {
		CASE022 "/etc/postfix/tls/rsa-key.pem",
	};
	struct credfile_set	 set;
	BIGNUM			*d = NULL;

	load(&set, files, 1);
	assert_int_equal(EVP_PKEY_get_bn_param(set.v[0].pub,
	    OSSL_PKEY_PARAM_RSA_D, &d), 0);
	assert_null(d);
	assert_digest(&set.v[0], 3, 1, 1, RSA_311);
	credfile_set_free(&set);
}

/* Writes the PEM or DER encodings of case 013's key and certificate. */
static void
write_forms(void)
{
	char		*path;
	FILE		*in, *out;
	EVP_PKEY	*key;
	X509		*cert;

	path = data(CASE013 "/mx1-ecdsa.key");
	in = fopen(path, "r");
	key = PEM_read_PrivateKey(in, NULL, NULL, NULL);
	fclose(in);
	free(path);
	path = data(CASE013 "/mx1-ecdsa.crt");
	in = fopen(path, "r");
	cert = PEM_read_X509(in, NULL, NULL, NULL);
	fclose(in);
	free(path);
	assert_non_null(key);
	assert_non_null(cert);

	path = tmp("cert.der");
	out = fopen(path, "w");
	assert_int_equal(i2d_X509_fp(out, cert), 1);
	fclose(out);
	free(path);
	path = tmp("pub.der");
	out = fopen(path, "w");
	assert_int_equal(i2d_PUBKEY_fp(out, key), 1);
	fclose(out);
	free(path);
	path = tmp("key.der");
	out = fopen(path, "w");
	assert_int_equal(i2d_PKCS8PrivateKey_fp(out, key, NULL, NULL, 0, NULL,
	    NULL), 1);
	fclose(out);
	free(path);
	path = tmp("pub.pem");
	out = fopen(path, "w");
	assert_int_equal(PEM_write_PUBKEY(out, key), 1);
	fclose(out);
	free(path);

	/* Certificate first, then its key, in one file. */
	path = tmp("cert-then-key.pem");
	out = fopen(path, "w");
	assert_int_equal(PEM_write_X509(out, cert), 1);
	assert_int_equal(PEM_write_PrivateKey(out, key, NULL, NULL, 0, NULL,
	    NULL), 1);
	fclose(out);
	free(path);

	path = tmp("encrypted.pem");
	out = fopen(path, "w");
	assert_int_equal(PEM_write_PKCS8PrivateKey(out, key,
	    EVP_aes_256_cbc(), "secret", 6, NULL, NULL), 1);
	fclose(out);
	free(path);
	EVP_PKEY_free(key);
	X509_free(cert);
}

/* Every form of the one key gives the one 3 1 1 record. */
static void
test_der_and_pem_forms(void **state)
{
	static const struct {
		const char		*file;
		enum credfile_kind	 kind;
		int			 leaf;
	} forms[] = {
		{ "cert.der", CREDFILE_CERT, 1 },
		{ "cert.der", CREDFILE_ANY, 1 },
		{ "pub.der", CREDFILE_PUBKEY, 0 },
		{ "pub.der", CREDFILE_ANY, 0 },
		{ "key.der", CREDFILE_KEY, 0 },
		{ "key.der", CREDFILE_ANY, 0 },
		{ "pub.pem", CREDFILE_PUBKEY, 0 },
		{ "cert-then-key.pem", CREDFILE_ANY, 1 },
	};
	struct credfile_set	 set;
	char			*path, *cause = NULL;
	size_t			 i;

	write_forms();
	for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		memset(&set, 0, sizeof set);
		path = tmp(forms[i].file);
		if (credfile_load(&set, path, forms[i].kind, &cause) != 0)
			fail_msg("%s: %s", forms[i].file, cause);
		assert_int_equal(set.n, 1);
		assert_int_equal(set.v[0].leaf != NULL, forms[i].leaf);
		assert_digest(&set.v[0], 3, 1, 1, MX1_311);
		credfile_set_free(&set);
		free(path);
	}
}

/* Files that hold nothing usable, or not what was asked for. */
static void
test_bad_files(void **state)
{
	static const struct {
		const char		*content;
		enum credfile_kind	 kind;
		const char		*error;
	} bad[] = {
		{ "", CREDFILE_ANY, "neither PEM nor" },
		{ "hello, world\n", CREDFILE_ANY, "neither PEM nor" },
		{ "-----BEGIN CERTIFICATE-----\nAAAA\n"
		    "-----END CERTIFICATE-----\n", CREDFILE_ANY, "malformed" },
		{ "-----BEGIN CERTIFICATE-----\n!!!\n", CREDFILE_ANY,
		    "no PEM object" },
	};
	char	*path, *cause;
	FILE	*f;
	size_t	 i;

	path = tmp("bad.pem");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		f = fopen(path, "w");
		fputs(bad[i].content, f);
		fclose(f);
		cause = load_error((const char *const *)&path, 1, bad[i].kind);
		if (cause == NULL || strstr(cause, bad[i].error) == NULL)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i,
			    cause != NULL ? cause : "(no error)",
			    bad[i].error);
		free(cause);
	}
	free(path);

	/* An encrypted key: no one to ask for the passphrase. */
	write_forms();
	path = tmp("encrypted.pem");
	cause = load_error((const char *const *)&path, 1, CREDFILE_KEY);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "encrypted"));
	free(cause);
	free(path);

	/* A certificate where a key was asked for. */
	path = data(CASE013 "/mx1-ecdsa.crt");
	cause = load_error((const char *const *)&path, 1, CREDFILE_KEY);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "holds no private key"));
	free(cause);
	free(path);

	/* Missing, a directory, and too large. */
	path = tmp("missing.pem");
	cause = load_error((const char *const *)&path, 1, CREDFILE_ANY);
	assert_non_null(strstr(cause, "cannot open"));
	free(cause);
	free(path);
	cause = load_error((const char *const *)&(char *){ tmpdir }, 1,
	    CREDFILE_ANY);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	path = tmp("huge.pem");
	f = fopen(path, "w");
	assert_int_equal(ftruncate(fileno(f), CREDFILE_MAX_SIZE + 1), 0);
	fclose(f);
	cause = load_error((const char *const *)&path, 1, CREDFILE_ANY);
	assert_non_null(strstr(cause, "too large"));
	free(cause);
	free(path);
}

/* The three output forms carry the same record. */
static void
test_formats(void **state)
{
	static const char *const files[] = { CASE013 "/mx1-ecdsa.crt" };
	static const char *const hosts[] = { "mx1.example.net" };
	static const int	 ports[] = { 25, 465 };
	struct credfile_set	 set;
	struct tlsagen_set	 recs;
	char			*cause = NULL, *s;

	load(&set, files, 1);
	memset(&recs, 0, sizeof recs);
	assert_int_equal(tlsagen_add(&recs, &set, hosts, 1, ports, 2, 3, 1, 1,
	    &cause), 0);
	assert_int_equal(recs.n, 2);

	s = tlsagen_zone(&recs, 300);
	assert_non_null(strstr(s, "_465._tcp.mx1.example.net. 300 IN TLSA "
	    "3 1 1 " MX1_311));
	free(s);
	s = tlsagen_nsupdate(&recs, 300, "127.0.57.1@5300", "example.net");
	assert_non_null(strstr(s, "server 127.0.57.1 5300\nzone example.net.\n"
	    "update add _25._tcp.mx1.example.net. 300 IN TLSA 3 1 1 "
	    MX1_311 "\n"));
	assert_non_null(strstr(s, "\nsend\n"));
	free(s);
	/*
	 * A host outside the zone named: no zone line, one message per
	 * record, so that nsupdate finds each record's zone (no NOTZONE).
	 */
	s = tlsagen_nsupdate(&recs, 300, NULL, "elsewhere.example");
	assert_null(strstr(s, "zone "));
	assert_non_null(strstr(s, "update add _25._tcp.mx1.example.net. 300 "
	    "IN TLSA 3 1 1 " MX1_311 "\nsend\nupdate add "));
	free(s);
	s = tlsagen_list(&recs);
	assert_non_null(strstr(s, "Name:           _25._tcp.mx1.example.net\n"
	    "Type:           TLSA\nUsage:          3\nSelector:       1\n"
	    "Matching type:  1\nData:           " MX1_311 "\n"));
	free(s);
	tlsagen_set_free(&recs);
	credfile_set_free(&set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case022_chain_files),
		cmocka_unit_test(test_split_chain_files),
		cmocka_unit_test(test_case022_records),
		cmocka_unit_test(test_key_then_foreign_cert),
		cmocka_unit_test(test_case013_cert),
		cmocka_unit_test(test_case013_key_only_public_kept),
		cmocka_unit_test(test_rsa_private_part_dropped),
		cmocka_unit_test(test_der_and_pem_forms),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_formats),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
