/*
 * Unit tests for how probes/dns.c reads a response (dns_answer_from_pkt,
 * the same code a lookup runs on what comes off the wire): CNAME chains
 * followed, a chain that loops refused, an RR whose data stops short
 * refused (ldns would assert on it later), TXT strings joined.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns.h"

/* A response to name/type holding the RRs given in zone-file syntax. */
static ldns_pkt *
pkt_new(const char *name, ldns_rr_type type, const char *const *rrs)
{
	ldns_pkt	*pkt;
	ldns_rr		*rr, *q;

	pkt = ldns_pkt_new();
	ldns_pkt_set_qr(pkt, true);
	q = ldns_rr_new_frm_type(type);
	ldns_rr_set_owner(q, ldns_dname_new_frm_str(name));
	ldns_rr_set_question(q, true);
	ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, q);
	for (; rrs != NULL && *rrs != NULL; rrs++) {
		assert_int_equal(ldns_rr_new_frm_str(&rr, *rrs, 300, NULL,
		    NULL), LDNS_STATUS_OK);
		ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, rr);
	}
	return pkt;
}

static void
test_cname_chain(void **state)
{
	static const char *const rrs[] = {
		"_mta-sts.a.example. CNAME sts.b.example.",
		"sts.b.example. CNAME sts.c.example.",
		"sts.c.example. TXT \"v=STSv1; id=1\"",
		NULL,
	};
	struct dns_answer	*a;

	a = dns_answer_from_pkt("_mta-sts.a.example", LDNS_RR_TYPE_TXT,
	    pkt_new("_mta-sts.a.example.", LDNS_RR_TYPE_TXT, rrs));
	assert_true(dns_answer_has_data(a));
	assert_string_equal(a->canonical, "sts.c.example");
	dns_answer_free(a);
}

static void
test_cname_loop(void **state)
{
	static const char *const rrs[] = {
		"x.example. CNAME y.example.",
		"y.example. CNAME x.example.",
		NULL,
	};
	struct dns_answer	*a;

	a = dns_answer_from_pkt("x.example", LDNS_RR_TYPE_MX,
	    pkt_new("x.example.", LDNS_RR_TYPE_MX, rrs));
	/* Not "a CNAME to itself", and not NODATA (an implicit MX). */
	assert_false(a->answered);
	assert_false(dns_answer_is_nodata(a));
	assert_null(a->canonical);
	assert_non_null(strstr(a->error, "does not end"));
	dns_answer_free(a);
}

static void
test_incomplete_rr(void **state)
{
	struct dns_answer	*a;
	ldns_pkt		*pkt;
	ldns_rr			*mx;

	/* An MX with its preference and no host, as ldns_wire2pkt leaves
	 * one whose RDLENGTH is too short. */
	pkt = pkt_new("short.example.", LDNS_RR_TYPE_MX, NULL);
	mx = ldns_rr_new_frm_type(LDNS_RR_TYPE_MX);
	ldns_rr_set_owner(mx, ldns_dname_new_frm_str("short.example."));
	ldns_rr_push_rdf(mx, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 10));
	ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, mx);

	a = dns_answer_from_pkt("short.example", LDNS_RR_TYPE_MX, pkt);
	assert_false(a->answered);
	assert_false(dns_answer_has_data(a));
	assert_false(dns_answer_is_nodata(a));
	assert_non_null(strstr(a->error, "incomplete MX record"));
	dns_answer_free(a);
}

static void
test_nxdomain(void **state)
{
	struct dns_answer	*a;
	ldns_pkt		*pkt;

	pkt = pkt_new("none.example.", LDNS_RR_TYPE_MX, NULL);
	ldns_pkt_set_rcode(pkt, LDNS_RCODE_NXDOMAIN);
	a = dns_answer_from_pkt("none.example", LDNS_RR_TYPE_MX, pkt);
	assert_true(a->answered);
	assert_true(dns_answer_is_nodata(a));
	assert_string_equal(dns_answer_rcode_name(a), "NXDOMAIN");
	dns_answer_free(a);
}

static void
test_txt_joined(void **state)
{
	static const char *const rrs[] = {
		"_smtp._tls.a.example. TXT \"v=TLSRPTv1;\" \" rua=mailto:r@a\"",
		NULL,
	};
	struct dns_answer	 *a;
	char			**v;
	size_t			  n;

	a = dns_answer_from_pkt("_smtp._tls.a.example", LDNS_RR_TYPE_TXT,
	    pkt_new("_smtp._tls.a.example.", LDNS_RR_TYPE_TXT, rrs));
	v = dns_answer_txt(a, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "v=TLSRPTv1; rua=mailto:r@a");
	dns_strv_free(v, n);
	dns_answer_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cname_chain),
		cmocka_unit_test(test_cname_loop),
		cmocka_unit_test(test_incomplete_rr),
		cmocka_unit_test(test_nxdomain),
		cmocka_unit_test(test_txt_joined),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
