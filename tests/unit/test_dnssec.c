/*
 * Unit tests for probes/dnssec.c: the checks of a chain link and of an
 * RRset, each naming what failed (RFC 4035 §5), on the signed zones of
 * shared case 018 (tests/data/cases/018-dnssec-expired-rrsig), read
 * from their files, at the case's fixed time 2026-12-03T00:00:00Z.
 *
 * The three zones share their keys (KSK 21955, ZSK 35007) and differ
 * only in the RRSIG validity window; trust-anchor.ds is the DS of the
 * delegation.  Other faults (a DS for the wrong key, an unknown
 * algorithm) are made from the same records.
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

#include "clock.h"
#include "dns.h"
#include "dnssec.h"
#include "xmalloc.h"

#define CASE018		"018-dnssec-expired-rrsig"
#define CASE_NOW	"2026-12-03T00:00:00Z"
#define KSK_TAG		21955
#define ZSK_TAG		35007

struct zone {
	ldns_rr_list	*rrs;		/* every RR of the file */
	ldns_rr_list	*anchor;	/* trust-anchor.ds */
	time_t		 now;
};

static char *
case_path(const char *file)
{
	return xprintf("%s/cases/%s/%s", TEST_DATA, CASE018, file);
}

static struct zone *
zone_load(const char *file)
{
	struct zone	*z = xcalloc(1, sizeof *z);
	ldns_zone	*lz = NULL;
	ldns_status	 s;
	char		*path = case_path(file), *cause = NULL;
	FILE		*fp;

	if ((fp = fopen(path, "r")) == NULL)
		fail_msg("cannot open %s", path);
	s = ldns_zone_new_frm_fp(&lz, fp, NULL, 3600, LDNS_RR_CLASS_IN);
	if (s != LDNS_STATUS_OK)
		fail_msg("%s: %s", path, ldns_get_errorstr_by_id(s));
	fclose(fp);
	free(path);

	z->rrs = ldns_rr_list_clone(ldns_zone_rrs(lz));
	ldns_rr_list_push_rr(z->rrs, ldns_rr_clone(ldns_zone_soa(lz)));
	ldns_zone_deep_free(lz);

	path = case_path("trust-anchor.ds");
	if ((z->anchor = dns_trust_anchor_load(path, &cause)) == NULL)
		fail_msg("%s", cause);
	free(path);
	assert_int_equal(clock_parse(CASE_NOW, &z->now), 0);
	return z;
}

static void
zone_free(struct zone *z)
{
	ldns_rr_list_deep_free(z->rrs);
	ldns_rr_list_deep_free(z->anchor);
	free(z);
}

/* The RRs of owner/type (RRSIGs: those covering type), as copies. */
static ldns_rr_list *
zone_select(const struct zone *z, const char *owner, ldns_rr_type type,
    int sigs)
{
	ldns_rr_list	*out = ldns_rr_list_new();
	ldns_rdf	*name = ldns_dname_new_frm_str(owner);
	ldns_rr		*rr;
	size_t		 i;

	for (i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		rr = ldns_rr_list_rr(z->rrs, i);
		if (ldns_dname_compare(ldns_rr_owner(rr), name) != 0)
			continue;
		if (sigs ? ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG &&
		    ldns_rdf2native_int16(ldns_rr_rrsig_typecovered(rr)) ==
		    type : ldns_rr_get_type(rr) == type)
			ldns_rr_list_push_rr(out, ldns_rr_clone(rr));
	}
	ldns_rdf_deep_free(name);
	return out;
}

/* Every RR of one type in the zone (the NSEC3 chain, with sigs). */
static ldns_rr_list *
zone_all(const struct zone *z, ldns_rr_type type)
{
	ldns_rr_list	*out = ldns_rr_list_new();
	ldns_rr		*rr;
	size_t		 i;

	for (i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		rr = ldns_rr_list_rr(z->rrs, i);
		if (ldns_rr_get_type(rr) == type || (ldns_rr_get_type(rr) ==
		    LDNS_RR_TYPE_RRSIG && ldns_rdf2native_int16(
		    ldns_rr_rrsig_typecovered(rr)) == type))
			ldns_rr_list_push_rr(out, ldns_rr_clone(rr));
	}
	return out;
}

/* The keys link of the zone, from trusted records. */
static void
zone_keys(const struct zone *z, const ldns_rr_list *trusted,
    struct dnssec_keys *k)
{
	ldns_rr_list	*keys, *sigs;

	keys = zone_select(z, "example.net.", LDNS_RR_TYPE_DNSKEY, 0);
	sigs = zone_select(z, "example.net.", LDNS_RR_TYPE_DNSKEY, 1);
	assert_int_equal(ldns_rr_list_rr_count(keys), 2);
	dnssec_check_keys(trusted, keys, sigs, z->now, k);
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_deep_free(sigs);
}

/* An RRset of the zone, checked with the zone's (validated) keys. */
static void
zone_rrset(const struct zone *z, const ldns_rr_list *keys, const char *owner,
    ldns_rr_type type, struct dnssec_verdict *v)
{
	ldns_rr_list	*set, *sigs;

	set = zone_select(z, owner, type, 0);
	sigs = zone_select(z, owner, type, 1);
	assert_true(ldns_rr_list_rr_count(set) > 0);
	dnssec_check_rrset(set, sigs, keys, z->now, v);
	ldns_rr_list_deep_free(set);
	ldns_rr_list_deep_free(sigs);
}

static time_t
when(const char *s)
{
	time_t	t;

	assert_int_equal(clock_parse(s, &t), 0);
	return t;
}

/* Case 018, valid: secure from the DS down, no expiry in sight. */
static void
test_case018_valid(void **state)
{
	struct zone		*z = zone_load("example.net.valid.signed");
	struct dnssec_keys	 k;
	struct dnssec_verdict	 v;

	zone_keys(z, z->anchor, &k);
	assert_int_equal(k.verdict.security, DNSSEC_SECURE);
	assert_int_equal(k.verdict.fault, DNSSEC_FAULT_NONE);
	assert_null(k.verdict.detail);
	assert_int_equal(k.nds, 1);
	assert_int_equal(k.ds[0].keytag, KSK_TAG);
	assert_true(k.ds[0].matched && k.ds[0].sep && k.ds[0].signs);
	assert_int_equal(k.verdict.expires, when("2037-01-01T00:00:00Z"));
	assert_non_null(k.keys);

	zone_rrset(z, k.keys, "_25._tcp.mx1.example.net.", LDNS_RR_TYPE_TLSA,
	    &v);
	assert_int_equal(v.security, DNSSEC_SECURE);
	assert_int_equal(v.nsigs, 1);
	assert_int_equal(v.sigs[0].keytag, ZSK_TAG);
	dnssec_verdict_free(&v);
	dnssec_keys_free(&k);
	zone_free(z);
}

/*
 * Case 018, expired: the DNSKEY RRset's signature expired 2025-02-01,
 * so the link is bogus and says when; the TLSA RRset too (RFC 4035
 * §5.3.1: no allowance for skew).
 */
static void
test_case018_expired(void **state)
{
	struct zone		*z = zone_load("example.net.expired.signed");
	struct dnssec_keys	 k;
	struct dnssec_verdict	 v;
	ldns_rr_list		*keys;

	zone_keys(z, z->anchor, &k);
	assert_int_equal(k.verdict.security, DNSSEC_BOGUS);
	assert_int_equal(k.verdict.fault, DNSSEC_FAULT_EXPIRED);
	assert_non_null(strstr(k.verdict.detail, "2025-02-01T00:00:00Z"));
	assert_non_null(strstr(k.verdict.detail, "example.net. DNSKEY"));
	assert_int_equal(k.verdict.nsigs, 1);
	assert_int_equal(k.verdict.sigs[0].status,
	    LDNS_STATUS_CRYPTO_SIG_EXPIRED);
	assert_true(k.ds[0].matched);
	assert_false(k.ds[0].signs);
	assert_null(k.keys);

	/* The data is bogus on its own account too, with the same date. */
	keys = zone_select(z, "example.net.", LDNS_RR_TYPE_DNSKEY, 0);
	zone_rrset(z, keys, "_25._tcp.mx1.example.net.", LDNS_RR_TYPE_TLSA,
	    &v);
	assert_int_equal(v.security, DNSSEC_BOGUS);
	assert_int_equal(v.fault, DNSSEC_FAULT_EXPIRED);
	assert_int_equal(v.sigs[0].expiration, when("2025-02-01T00:00:00Z"));
	dnssec_verdict_free(&v);
	zone_rrset(z, keys, "example.net.", LDNS_RR_TYPE_MX, &v);
	assert_int_equal(v.fault, DNSSEC_FAULT_EXPIRED);
	dnssec_verdict_free(&v);

	ldns_rr_list_deep_free(keys);
	dnssec_keys_free(&k);
	zone_free(z);
}

/* Case 018, expiring soon: valid now, and the expiry is reported. */
static void
test_case018_expiring_soon(void **state)
{
	struct zone		*z = zone_load(
	    "example.net.expiring-soon.signed");
	struct dnssec_keys	 k;
	struct dnssec_verdict	 v;

	zone_keys(z, z->anchor, &k);
	assert_int_equal(k.verdict.security, DNSSEC_SECURE);
	assert_int_equal(k.verdict.expires, when("2026-12-05T00:00:00Z"));
	assert_true(k.verdict.expires - z->now < 7 * 86400);

	zone_rrset(z, k.keys, "example.net.", LDNS_RR_TYPE_MX, &v);
	assert_int_equal(v.security, DNSSEC_SECURE);
	assert_int_equal(v.expires, when("2026-12-05T00:00:00Z"));
	dnssec_verdict_free(&v);

	/* Two days and a second later it has expired. */
	z->now = when("2026-12-05T00:00:01Z");
	dnssec_keys_free(&k);
	zone_keys(z, z->anchor, &k);
	assert_int_equal(k.verdict.fault, DNSSEC_FAULT_EXPIRED);
	dnssec_keys_free(&k);
	zone_free(z);
}

/* Before the inception, a signature is not yet valid. */
static void
test_not_yet_valid(void **state)
{
	struct zone		*z = zone_load("example.net.valid.signed");
	struct dnssec_keys	 k;

	z->now = when("2026-10-31T23:59:59Z");
	zone_keys(z, z->anchor, &k);
	assert_int_equal(k.verdict.security, DNSSEC_BOGUS);
	assert_int_equal(k.verdict.fault, DNSSEC_FAULT_NOT_YET_VALID);
	assert_non_null(strstr(k.verdict.detail, "2026-11-01T00:00:00Z"));
	dnssec_keys_free(&k);
	zone_free(z);
}

static ldns_rr_list *
ds_list(const char *line)
{
	ldns_rr_list	*v = ldns_rr_list_new();
	ldns_rr		*rr = NULL;

	if (ldns_rr_new_frm_str(&rr, line, 3600, NULL, NULL) !=
	    LDNS_STATUS_OK)
		fail_msg("cannot parse %s", line);
	ldns_rr_list_push_rr(v, rr);
	return v;
}

/* A DS for a key the zone does not have: the DS and the keys named. */
static void
test_ds_mismatch(void **state)
{
	struct zone		*z = zone_load("example.net.valid.signed");
	struct dnssec_keys	 k;
	ldns_rr_list		*ds;

	ds = ds_list("example.net. IN DS 21955 13 2 "
	    "00e3f40fdbbadec545ec64f8628cda129e51a2c99bcccd1ff78ea681e686a8b0");
	zone_keys(z, ds, &k);
	assert_int_equal(k.verdict.security, DNSSEC_BOGUS);
	assert_int_equal(k.verdict.fault, DNSSEC_FAULT_DS_MISMATCH);
	assert_non_null(strstr(k.verdict.detail, "DS 21955/13/2"));
	assert_non_null(strstr(k.verdict.detail, "35007 (ZSK"));
	assert_false(k.ds[0].matched);
	dnssec_keys_free(&k);
	ldns_rr_list_deep_free(ds);
	zone_free(z);
}

/* A DS for the ZSK, which does not sign the DNSKEY RRset: no SEP key. */
static void
test_ds_for_zsk(void **state)
{
	struct zone		*z = zone_load("example.net.valid.signed");
	struct dnssec_keys	 k;
	ldns_rr_list		*keys, *ds = ldns_rr_list_new();
	size_t			 i;

	keys = zone_select(z, "example.net.", LDNS_RR_TYPE_DNSKEY, 0);
	for (i = 0; i < ldns_rr_list_rr_count(keys); i++)
		if (ldns_calc_keytag(ldns_rr_list_rr(keys, i)) == ZSK_TAG)
			ldns_rr_list_push_rr(ds, ldns_key_rr2ds(
			    ldns_rr_list_rr(keys, i), LDNS_SHA256));
	assert_int_equal(ldns_rr_list_rr_count(ds), 1);

	zone_keys(z, ds, &k);
	assert_int_equal(k.verdict.security, DNSSEC_BOGUS);
	assert_int_equal(k.verdict.fault, DNSSEC_FAULT_NO_SEP);
	assert_true(k.ds[0].matched);
	assert_false(k.ds[0].sep);
	assert_false(k.ds[0].signs);
	dnssec_keys_free(&k);
	ldns_rr_list_deep_free(ds);
	ldns_rr_list_deep_free(keys);
	zone_free(z);
}

/* RFC 4035 §5.2: only unknown algorithms or digests means insecure. */
static void
test_unsupported_algorithm(void **state)
{
	struct zone		*z = zone_load("example.net.valid.signed");
	struct dnssec_keys	 k;
	ldns_rr_list		*ds;

	ds = ds_list("example.net. IN DS 21955 200 2 "
	    "d7e3f40fdbbadec545ec64f8628cda129e51a2c99bcccd1ff78ea681e686a8b0");
	zone_keys(z, ds, &k);
	assert_int_equal(k.verdict.security, DNSSEC_INSECURE);
	assert_int_equal(k.verdict.fault, DNSSEC_FAULT_ALGORITHM);
	assert_false(k.ds[0].supported);
	dnssec_keys_free(&k);
	ldns_rr_list_deep_free(ds);

	/* GOST digests (type 3) must not be used either (RFC 8624). */
	ds = ds_list("example.net. IN DS 21955 13 3 "
	    "d7e3f40fdbbadec545ec64f8628cda129e51a2c99bcccd1ff78ea681e686a8b0");
	zone_keys(z, ds, &k);
	assert_int_equal(k.verdict.fault, DNSSEC_FAULT_ALGORITHM);
	dnssec_keys_free(&k);
	ldns_rr_list_deep_free(ds);
	zone_free(z);
}

/* A DNSKEY as the trust anchor works like its DS. */
static void
test_dnskey_anchor(void **state)
{
	struct zone		*z = zone_load("example.net.valid.signed");
	struct dnssec_keys	 k;
	ldns_rr_list		*keys, *anchor = ldns_rr_list_new();
	size_t			 i;

	keys = zone_select(z, "example.net.", LDNS_RR_TYPE_DNSKEY, 0);
	for (i = 0; i < ldns_rr_list_rr_count(keys); i++)
		if (ldns_calc_keytag(ldns_rr_list_rr(keys, i)) == KSK_TAG)
			ldns_rr_list_push_rr(anchor, ldns_rr_clone(
			    ldns_rr_list_rr(keys, i)));
	zone_keys(z, anchor, &k);
	assert_int_equal(k.verdict.security, DNSSEC_SECURE);
	assert_int_equal(k.ds[0].digest, 0);
	assert_true(k.ds[0].signs);
	dnssec_keys_free(&k);
	ldns_rr_list_deep_free(anchor);
	ldns_rr_list_deep_free(keys);
	zone_free(z);
}

/* A changed record no longer matches its signature. */
static void
test_tampered_rrset(void **state)
{
	struct zone		*z = zone_load("example.net.valid.signed");
	struct dnssec_keys	 k;
	struct dnssec_verdict	 v;
	ldns_rr_list		*set, *sigs;
	ldns_rr			*rr = NULL;

	zone_keys(z, z->anchor, &k);
	set = ldns_rr_list_new();
	assert_int_equal(ldns_rr_new_frm_str(&rr, "_25._tcp.mx1.example.net. "
	    "3600 IN TLSA 3 1 1 00de3b86f3e01fd91da43ca4a6d51c5d2e6e03cf88624"
	    "078446b51bd5cd4b0b8", 3600, NULL, NULL), LDNS_STATUS_OK);
	ldns_rr_list_push_rr(set, rr);
	sigs = zone_select(z, "_25._tcp.mx1.example.net.", LDNS_RR_TYPE_TLSA,
	    1);
	dnssec_check_rrset(set, sigs, k.keys, z->now, &v);
	assert_int_equal(v.security, DNSSEC_BOGUS);
	assert_int_equal(v.fault, DNSSEC_FAULT_BAD_SIGNATURE);
	dnssec_verdict_free(&v);

	/* No signature at all. */
	ldns_rr_list_deep_free(sigs);
	sigs = ldns_rr_list_new();
	dnssec_check_rrset(set, sigs, k.keys, z->now, &v);
	assert_int_equal(v.fault, DNSSEC_FAULT_UNSIGNED);
	dnssec_verdict_free(&v);

	ldns_rr_list_deep_free(sigs);
	ldns_rr_list_deep_free(set);
	dnssec_keys_free(&k);
	zone_free(z);
}

/* NSEC3 (RFC 5155 §8): the proofs of "no such record" in the zone. */
static void
test_nsec3_denial(void **state)
{
	struct zone		*z = zone_load("example.net.valid.signed");
	struct dnssec_keys	 k;
	struct dnssec_verdict	 v;
	ldns_rr_list		*nsec3;
	ldns_rdf		*name;

	zone_keys(z, z->anchor, &k);
	nsec3 = zone_all(z, LDNS_RR_TYPE_NSEC3);
	assert_true(ldns_rr_list_rr_count(nsec3) > 2);

	/* mx1 exists, but has no AAAA: no data, proven. */
	name = ldns_dname_new_frm_str("mx1.example.net.");
	dnssec_check_denial(name, LDNS_RR_TYPE_AAAA, 0, nsec3, k.keys, z->now,
	    &v);
	assert_int_equal(v.security, DNSSEC_SECURE);
	assert_int_equal(v.expires, when("2037-01-01T00:00:00Z"));
	dnssec_verdict_free(&v);

	/* Nor a DS record (RFC 5155 §8.6, the name's own NSEC3). */
	dnssec_check_denial(name, LDNS_RR_TYPE_DS, 0, nsec3, k.keys, z->now,
	    &v);
	assert_int_equal(v.security, DNSSEC_SECURE);
	dnssec_verdict_free(&v);

	/* It does have an A record: claiming otherwise is not proven. */
	dnssec_check_denial(name, LDNS_RR_TYPE_A, 0, nsec3, k.keys, z->now,
	    &v);
	assert_int_equal(v.security, DNSSEC_BOGUS);
	assert_int_equal(v.fault, DNSSEC_FAULT_DENIAL);
	dnssec_verdict_free(&v);
	ldns_rdf_deep_free(name);

	/* A name that does not exist: TLSA of an unknown host. */
	name = ldns_dname_new_frm_str("_25._tcp.mx9.example.net.");
	dnssec_check_denial(name, LDNS_RR_TYPE_TLSA, 1, nsec3, k.keys, z->now,
	    &v);
	assert_int_equal(v.security, DNSSEC_SECURE);
	dnssec_verdict_free(&v);

	/* No proof at all is no proof. */
	dnssec_check_denial(name, LDNS_RR_TYPE_TLSA, 1, NULL, k.keys, z->now,
	    &v);
	assert_int_equal(v.fault, DNSSEC_FAULT_DENIAL);
	dnssec_verdict_free(&v);
	ldns_rdf_deep_free(name);

	ldns_rr_list_deep_free(nsec3);
	dnssec_keys_free(&k);
	zone_free(z);
}

/* In the expired zone, the proof itself has expired. */
static void
test_nsec3_denial_expired(void **state)
{
	struct zone		*z = zone_load("example.net.expired.signed");
	struct dnssec_verdict	 v;
	ldns_rr_list		*nsec3, *keys;
	ldns_rdf		*name;

	keys = zone_select(z, "example.net.", LDNS_RR_TYPE_DNSKEY, 0);
	nsec3 = zone_all(z, LDNS_RR_TYPE_NSEC3);
	name = ldns_dname_new_frm_str("mx1.example.net.");
	dnssec_check_denial(name, LDNS_RR_TYPE_AAAA, 0, nsec3, keys, z->now,
	    &v);
	assert_int_equal(v.security, DNSSEC_BOGUS);
	assert_int_equal(v.fault, DNSSEC_FAULT_EXPIRED);
	dnssec_verdict_free(&v);
	ldns_rdf_deep_free(name);
	ldns_rr_list_deep_free(nsec3);
	ldns_rr_list_deep_free(keys);
	zone_free(z);
}

/* A zone key for example., valid around now: signs in signers. */
static void
test_key_new(time_t now, ldns_key_list *signers, ldns_rr_list *keys)
{
	ldns_key	*key;

	key = ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256, 256);
	assert_non_null(key);
	ldns_key_set_pubkey_owner(key, ldns_dname_new_frm_str("example."));
	ldns_key_set_flags(key, 256);
	ldns_key_set_inception(key, (uint32_t)(now - 3600));
	ldns_key_set_expiration(key, (uint32_t)(now + 86400));
	ldns_key_list_push_key(signers, key);
	ldns_rr_list_push_rr(keys, ldns_key2rr(key));
	/* ldns signs with the tag it was given, not one it computes. */
	ldns_key_set_keytag(key, ldns_calc_keytag(ldns_rr_list_rr(keys,
	    ldns_rr_list_rr_count(keys) - 1)));
}

/* The records of text (one per line), signed: records then RRSIGs. */
static ldns_rr_list *
test_signed(const char *text, ldns_key_list *signers)
{
	ldns_rr_list	*set = ldns_rr_list_new(), *sigs;
	ldns_rr		*rr;
	char		*copy = xstrdup(text), *line, *next;
	size_t		 i;

	for (line = copy; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		rr = NULL;
		assert_int_equal(ldns_rr_new_frm_str(&rr, line, 300, NULL,
		    NULL), LDNS_STATUS_OK);
		ldns_rr_list_push_rr(set, rr);
	}
	free(copy);
	sigs = ldns_sign_public(set, signers);
	assert_non_null(sigs);
	for (i = 0; i < ldns_rr_list_rr_count(sigs); i++)
		ldns_rr_list_push_rr(set, ldns_rr_list_rr(sigs, i));
	ldns_rr_list_free(sigs);
	return set;
}

/*
 * RFC 9276 §3.2: a signed NSEC3 with many extra iterations makes the
 * answer insecure, not secure and not bogus.  The zone, its key and the
 * signature are made here.
 */
static void
test_nsec3_iterations(void **state)
{
	struct dnssec_verdict	 v;
	ldns_key_list		*signers = ldns_key_list_new();
	ldns_rr_list		*keys = ldns_rr_list_new(), *set, *sigs;
	ldns_rr			*nsec3 = NULL;
	ldns_rdf		*name;
	time_t			 now = when("2026-12-03T00:00:00Z");
	size_t			 i;

	test_key_new(now, signers, keys);

	/* Covers every hash: proves anything, were it not so costly. */
	assert_int_equal(ldns_rr_new_frm_str(&nsec3, "00000000000000000000000"
	    "000000000.example. 300 IN NSEC3 1 0 500 - vvvvvvvvvvvvvvvvvvvvvvvv"
	    "vvvvvvvv A RRSIG", 300, NULL, NULL), LDNS_STATUS_OK);
	set = ldns_rr_list_new();
	ldns_rr_list_push_rr(set, nsec3);
	sigs = ldns_sign_public(set, signers);
	assert_non_null(sigs);
	for (i = 0; i < ldns_rr_list_rr_count(sigs); i++)
		ldns_rr_list_push_rr(set, ldns_rr_list_rr(sigs, i));

	name = ldns_dname_new_frm_str("mx.example.");
	dnssec_check_denial(name, LDNS_RR_TYPE_TLSA, 1, set, keys, now, &v);
	if (v.security != DNSSEC_INSECURE)
		fail_msg("%s", v.detail);
	assert_int_equal(v.fault, DNSSEC_FAULT_DENIAL);
	assert_non_null(strstr(v.detail, "500 extra iterations"));
	dnssec_verdict_free(&v);

	/* Unsigned, the same records prove nothing: bogus, not insecure. */
	dnssec_check_denial(name, LDNS_RR_TYPE_TLSA, 1, set, NULL, now, &v);
	assert_int_equal(v.security, DNSSEC_BOGUS);
	dnssec_verdict_free(&v);

	ldns_rdf_deep_free(name);
	ldns_rr_list_free(sigs);
	ldns_rr_list_deep_free(set);
	ldns_rr_list_deep_free(keys);
	ldns_key_list_free(signers);
}

/* RRSIG times are 32-bit serial numbers (RFC 4034 §3.1.5). */
#define WILD_DATA	"3 1 1 0000000000000000000000000000000000000000000000" \
			"000000000000000000"

/* A wildcard TLSA record as a resolver hands it out for owner. */
static void
wild_expand(ldns_key_list *signers, const char *owner, ldns_rr_list **set,
    ldns_rr_list **sigs)
{
	ldns_rr_list	*signed_set;
	ldns_rdf	*name = ldns_dname_new_frm_str(owner);
	ldns_rr		*rr;
	size_t		 i;

	signed_set = test_signed("*.example. 300 IN TLSA " WILD_DATA, signers);
	*set = ldns_rr_list_new();
	*sigs = ldns_rr_list_new();
	for (i = 0; i < ldns_rr_list_rr_count(signed_set); i++) {
		rr = ldns_rr_clone(ldns_rr_list_rr(signed_set, i));
		ldns_rdf_deep_free(ldns_rr_owner(rr));
		ldns_rr_set_owner(rr, ldns_rdf_clone(name));
		ldns_rr_list_push_rr(ldns_rr_get_type(rr) ==
		    LDNS_RR_TYPE_RRSIG ? *sigs : *set, rr);
	}
	ldns_rr_list_deep_free(signed_set);
	ldns_rdf_deep_free(name);
}

/* check_rrset, then check_wildcard with authority; the security. */
static enum dnssec_security
wild_judge(const ldns_rr_list *set, const ldns_rr_list *sigs,
    const ldns_rr_list *authority, const ldns_rr_list *keys, time_t now,
    char **detail)
{
	struct dnssec_verdict	v;
	enum dnssec_security	security;

	dnssec_check_rrset(set, sigs, keys, now, &v);
	if (v.security != DNSSEC_SECURE)
		fail_msg("%s", v.detail);
	dnssec_check_wildcard(set, sigs, authority, keys, now, &v);
	security = v.security;
	*detail = v.detail != NULL ? xstrdup(v.detail) : NULL;
	dnssec_verdict_free(&v);
	return security;
}

/*
 * RFC 4035 §5.3.4, RFC 5155 §8.8: an answer expanded from a wildcard
 * counts only with a proof that the name asked for does not exist.
 */
static void
test_wildcard(void **state)
{
	ldns_key_list	*signers = ldns_key_list_new(), *stranger;
	ldns_rr_list	*keys = ldns_rr_list_new(), *set, *sigs, *proof, *other;
	time_t		 now = when("2026-12-03T00:00:00Z");
	char		*detail;

	test_key_new(now, signers, keys);
	wild_expand(signers, "_25._tcp.mx.example.", &set, &sigs);

	/* The signature verifies; without a proof it is not enough. */
	assert_int_equal(wild_judge(set, sigs, NULL, keys, now, &detail),
	    DNSSEC_BOGUS);
	assert_non_null(strstr(detail, "was made from a wildcard"));
	free(detail);

	/* An NSEC from * to zz covers the name: proven. */
	proof = test_signed("*.example. 300 IN NSEC zz.example. TLSA RRSIG "
	    "NSEC", signers);
	assert_int_equal(wild_judge(set, sigs, proof, keys, now, &detail),
	    DNSSEC_SECURE);
	free(detail);
	ldns_rr_list_deep_free(proof);

	/* One that covers another stretch of the zone proves nothing. */
	proof = test_signed("a.example. 300 IN NSEC b.example. A RRSIG NSEC",
	    signers);
	assert_int_equal(wild_judge(set, sigs, proof, keys, now, &detail),
	    DNSSEC_BOGUS);
	free(detail);
	ldns_rr_list_deep_free(proof);

	/* Nor one signed by a key that is not the zone's. */
	stranger = ldns_key_list_new();
	other = ldns_rr_list_new();
	test_key_new(now, stranger, other);
	proof = test_signed("*.example. 300 IN NSEC zz.example. TLSA RRSIG "
	    "NSEC", stranger);
	assert_int_equal(wild_judge(set, sigs, proof, keys, now, &detail),
	    DNSSEC_BOGUS);
	free(detail);
	ldns_rr_list_deep_free(proof);
	ldns_rr_list_deep_free(other);
	ldns_key_list_free(stranger);

	/* NSEC3 covering every hash, the next closer name's included. */
	proof = test_signed("00000000000000000000000000000000.example. 300 "
	    "IN NSEC3 1 0 0 - vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv A RRSIG",
	    signers);
	assert_int_equal(wild_judge(set, sigs, proof, keys, now, &detail),
	    DNSSEC_SECURE);
	free(detail);
	ldns_rr_list_deep_free(proof);

	ldns_rr_list_deep_free(set);
	ldns_rr_list_deep_free(sigs);
	ldns_rr_list_deep_free(keys);
	ldns_key_list_free(signers);
}

/* A record that is not from a wildcard needs no proof. */
static void
test_not_wildcard(void **state)
{
	ldns_key_list		*signers = ldns_key_list_new();
	ldns_rr_list		*keys = ldns_rr_list_new(), *all, *set, *sigs;
	struct dnssec_verdict	 v;
	time_t			 now = when("2026-12-03T00:00:00Z");
	size_t			 i;

	test_key_new(now, signers, keys);
	all = test_signed("mx.example. 300 IN A 192.0.2.1", signers);
	set = ldns_rr_list_new();
	sigs = ldns_rr_list_new();
	for (i = 0; i < ldns_rr_list_rr_count(all); i++)
		ldns_rr_list_push_rr(ldns_rr_get_type(ldns_rr_list_rr(all, i))
		    == LDNS_RR_TYPE_RRSIG ? sigs : set,
		    ldns_rr_list_rr(all, i));
	dnssec_check_rrset(set, sigs, keys, now, &v);
	dnssec_check_wildcard(set, sigs, NULL, keys, now, &v);
	assert_int_equal(v.security, DNSSEC_SECURE);
	dnssec_verdict_free(&v);
	ldns_rr_list_free(set);
	ldns_rr_list_free(sigs);
	ldns_rr_list_deep_free(all);
	ldns_rr_list_deep_free(keys);
	ldns_key_list_free(signers);
}

static void
test_rrsig_time(void **state)
{
	ldns_rdf	*rdf;
	time_t		 now = when("2026-12-03T00:00:00Z");

	rdf = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_TIME, "20261205000000");
	assert_int_equal(dnssec_rrsig_time(rdf, now),
	    when("2026-12-05T00:00:00Z"));
	ldns_rdf_deep_free(rdf);
	/* In February 2106 the 32-bit value wraps; the nearest time wins:
	   100 then means 2^32 + 100 seconds, not 1970. */
	now = when("2106-02-01T00:00:00Z");
	rdf = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_INT32, "100");
	assert_int_equal(dnssec_rrsig_time(rdf, now),
	    (time_t)4294967296LL + 100);
	ldns_rdf_deep_free(rdf);
	assert_int_equal(dnssec_rrsig_time(NULL, now), 0);
}

static void
test_names(void **state)
{
	char	*s;

	assert_string_equal(dnssec_security_name(DNSSEC_BOGUS), "bogus");
	assert_string_equal(dnssec_fault_name(DNSSEC_FAULT_DS_MISMATCH),
	    "ds-mismatch");
	assert_string_equal(dnssec_fault_name(DNSSEC_FAULT_PARENT),
	    "parent");
	s = dnssec_algorithm_name(13);
	assert_string_equal(s, "ECDSAP256SHA256");
	free(s);
	s = dnssec_algorithm_name(200);
	assert_string_equal(s, "algorithm 200");
	free(s);
	assert_true(dnssec_algorithm_supported(8));
	assert_false(dnssec_algorithm_supported(1));
	assert_false(dnssec_digest_supported(3));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case018_valid),
		cmocka_unit_test(test_case018_expired),
		cmocka_unit_test(test_case018_expiring_soon),
		cmocka_unit_test(test_not_yet_valid),
		cmocka_unit_test(test_ds_mismatch),
		cmocka_unit_test(test_ds_for_zsk),
		cmocka_unit_test(test_unsupported_algorithm),
		cmocka_unit_test(test_dnskey_anchor),
		cmocka_unit_test(test_tampered_rrset),
		cmocka_unit_test(test_nsec3_denial),
		cmocka_unit_test(test_nsec3_denial_expired),
		cmocka_unit_test(test_nsec3_iterations),
		cmocka_unit_test(test_wildcard),
		cmocka_unit_test(test_not_wildcard),
		cmocka_unit_test(test_rrsig_time),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
