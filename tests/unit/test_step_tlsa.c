/*
 * Unit tests for the tlsa step's choice of what counts (steps/
 * step_tlsa.c), on observations built here: the TLSA base domain when
 * the MX host is a CNAME (RFC 7672 §2.2.3: the expanded name first, a
 * failed lookup there decides, no records there falls back to the MX
 * name), and hosts whose addresses are not secure.  No address is
 * probed, so only the DNS side is judged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "context.h"
#include "observe.h"
#include "step.h"
#include "xmalloc.h"

#define NOW	1796256000
#define HEX	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static struct chain_lookup *
lookup_new(const char *name, enum dnssec_security s, int exists)
{
	struct chain_lookup	*l = xcalloc(1, sizeof *l);

	l->name = xstrdup(name);
	l->final = xstrdup(name);
	l->answered = 1;
	l->exists = exists;
	dnssec_verdict_set(&l->verdict, s, s == DNSSEC_SECURE ?
	    DNSSEC_FAULT_NONE : DNSSEC_FAULT_EXPIRED, "detail of %s", name);
	return l;
}

/* The resolver's TLSA answer: one 3 1 1 record, or none. */
static struct dns_answer *
tlsa_answer(const char *name, int exists)
{
	struct dns_answer	*a = xcalloc(1, sizeof *a);
	ldns_rr			*rr = NULL;
	char			*s;

	a->qname = xstrdup(name);
	a->qtype = LDNS_RR_TYPE_TLSA;
	a->answered = 1;
	a->rcode = exists ? LDNS_RCODE_NOERROR : LDNS_RCODE_NXDOMAIN;
	a->rrs = ldns_rr_list_new();
	if (exists) {
		s = xprintf("%s. 300 IN TLSA 3 1 1 %s", name, HEX);
		assert_int_equal(ldns_rr_new_frm_str(&rr, s, 300, NULL, NULL),
		    LDNS_STATUS_OK);
		ldns_rr_list_push_rr(a->rrs, rr);
		free(s);
	}
	return a;
}

/*
 * mx.example.net, a CNAME to mx.hoster.net; TLSA at each name secure or
 * not (xs: expanded, os: original) and present or not.
 */
static struct observation *
obs_new(enum dnssec_security xs, int xe, enum dnssec_security os, int oe)
{
	struct observation	*o = xcalloc(1, sizeof *o);
	struct mx_host		*h;

	o->domain = xstrdup("example.net");
	o->zone = xstrdup("example.net");
	o->taken = NOW;
	o->mx_dnssec = lookup_new("example.net", DNSSEC_SECURE, 1);
	o->hosts = h = xcalloc(1, sizeof *h);
	o->nhosts = 1;
	h->name = xstrdup("mx.example.net");
	h->expanded = xstrdup("mx.hoster.net");
	h->a_dnssec = lookup_new("mx.example.net", DNSSEC_SECURE, 1);
	h->tlsa = tlsa_answer("_25._tcp.mx.example.net", oe);
	h->tlsa_dnssec = lookup_new("_25._tcp.mx.example.net", os, oe);
	h->tlsa_expanded = tlsa_answer("_25._tcp.mx.hoster.net", xe);
	h->tlsa_expanded_dnssec = lookup_new("_25._tcp.mx.hoster.net", xs,
	    xe);
	return o;
}

static void
evaluate(const struct observation *o, struct step_result *r)
{
	static const struct step_context	ctx;
	size_t					i;

	for (i = 0; i <= STEP_TLSA; i++)
		step_result_init(&r[i], (enum step_id)i);
	r[STEP_DNSSEC].status = STEP_PASS;
	step_table[STEP_TLSA]->evaluate(o, &ctx, r, &r[STEP_TLSA]);
}

static void
results_free(struct step_result *r)
{
	size_t	i;

	for (i = 0; i <= STEP_TLSA; i++)
		step_result_free(&r[i]);
}

static const struct finding *
find(const struct step_result *r, const char *code)
{
	return findings_find(&r[STEP_TLSA].findings, code);
}

/* TLSA at the expanded name: used, nothing missing. */
static void
test_expanded_first(void **state)
{
	struct observation	*o;
	struct step_result	 r[STEP_COUNT];

	o = obs_new(DNSSEC_SECURE, 1, DNSSEC_SECURE, 0);
	evaluate(o, r);
	assert_null(find(r, "tlsa.missing"));
	assert_int_equal(r[STEP_TLSA].status, STEP_PASS);
	results_free(r);
	observation_free(o);
}

/* None at the expanded name (proven): the MX name's records count. */
static void
test_fall_back_to_mx_name(void **state)
{
	struct observation	*o;
	struct step_result	 r[STEP_COUNT];

	o = obs_new(DNSSEC_SECURE, 0, DNSSEC_SECURE, 1);
	evaluate(o, r);
	assert_null(find(r, "tlsa.missing"));
	results_free(r);
	observation_free(o);

	/* None at either: missing, at the MX name. */
	o = obs_new(DNSSEC_SECURE, 0, DNSSEC_SECURE, 0);
	evaluate(o, r);
	assert_non_null(find(r, "tlsa.missing"));
	assert_non_null(strstr(find(r, "tlsa.missing")->message,
	    "_25._tcp.mx.example.net"));
	results_free(r);
	observation_free(o);
}

/* A bogus answer at the expanded name decides: the lookup failed. */
static void
test_bogus_expanded_decides(void **state)
{
	struct observation	*o;
	struct step_result	 r[STEP_COUNT];

	o = obs_new(DNSSEC_BOGUS, 1, DNSSEC_SECURE, 1);
	evaluate(o, r);
	assert_non_null(find(r, "tlsa.bogus"));
	assert_non_null(strstr(find(r, "tlsa.bogus")->message,
	    "_25._tcp.mx.hoster.net"));
	assert_int_equal(r[STEP_TLSA].status, STEP_FAIL);
	results_free(r);
	observation_free(o);
}

/* Unsigned records at the expanded name do not count: fall back. */
static void
test_insecure_expanded_falls_back(void **state)
{
	struct observation	*o;
	struct step_result	 r[STEP_COUNT];

	o = obs_new(DNSSEC_INSECURE, 1, DNSSEC_SECURE, 1);
	evaluate(o, r);
	assert_null(find(r, "tlsa.insecure"));
	assert_int_equal(r[STEP_TLSA].status, STEP_PASS);
	results_free(r);
	observation_free(o);
}

/* Addresses that are not signed: no TLSA lookup at all. */
static void
test_insecure_addresses(void **state)
{
	struct observation	*o;
	struct step_result	 r[STEP_COUNT];

	o = obs_new(DNSSEC_SECURE, 1, DNSSEC_SECURE, 1);
	dnssec_verdict_set(&o->hosts[0].a_dnssec->verdict, DNSSEC_INSECURE,
	    DNSSEC_FAULT_NO_DS, "hoster.net is not signed");
	evaluate(o, r);
	assert_non_null(find(r, "tlsa.host-insecure"));
	assert_non_null(strstr(find(r, "tlsa.host-insecure")->message,
	    "hoster.net is not signed"));
	results_free(r);

	dnssec_verdict_set(&o->hosts[0].a_dnssec->verdict, DNSSEC_BOGUS,
	    DNSSEC_FAULT_EXPIRED, "expired");
	evaluate(o, r);
	assert_non_null(find(r, "tlsa.host-bogus"));
	results_free(r);
	observation_free(o);
}

/* An MX RRset that is not validated: advice, not a failure. */
static void
test_insecure_mx(void **state)
{
	struct observation	*o;
	struct step_result	 r[STEP_COUNT];

	o = obs_new(DNSSEC_SECURE, 1, DNSSEC_SECURE, 0);
	dnssec_verdict_set(&o->mx_dnssec->verdict, DNSSEC_INSECURE,
	    DNSSEC_FAULT_NO_DS, NULL);
	evaluate(o, r);
	assert_non_null(find(r, "tlsa.mx-insecure"));
	assert_int_equal(find(r, "tlsa.mx-insecure")->severity, SEV_WARN);
	assert_int_equal(r[STEP_TLSA].status, STEP_WARN);
	results_free(r);
	observation_free(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expanded_first),
		cmocka_unit_test(test_fall_back_to_mx_name),
		cmocka_unit_test(test_bogus_expanded_decides),
		cmocka_unit_test(test_insecure_expanded_falls_back),
		cmocka_unit_test(test_insecure_addresses),
		cmocka_unit_test(test_insecure_mx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
