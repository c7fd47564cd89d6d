/*
 * Unit tests for the dnssec step's judgement (steps/step_dnssec.c) on
 * observations built here: the cases the lab cannot stage on demand,
 * such as the edges of the 7-day expiry horizon, a resolver that drops
 * DNSSEC records, a zone with only unsupported algorithms, or a broken
 * link in the zone of an MX host rather than the domain's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"
#include "context.h"
#include "observe.h"
#include "step.h"
#include "xmalloc.h"

#define NOW	1796256000	/* 2026-12-03T00:00:00Z */
#define DAY	86400

static struct chain_link *
link_new(const char *zone, const char *parent, enum dnssec_security s,
    enum dnssec_fault f, time_t expires)
{
	struct chain_link	*l = xcalloc(1, sizeof *l);

	l->zone = xstrdup(zone);
	l->parent = parent != NULL ? xstrdup(parent) : NULL;
	dnssec_verdict_set(&l->verdict, s, f, f == DNSSEC_FAULT_NONE ? NULL :
	    "what failed, in detail");
	l->verdict.expires = expires;
	return l;
}

static void
add_link(struct observation *o, struct chain_link *l)
{
	o->links = xreallocarray(o->links, o->nlinks + 1, sizeof *o->links);
	o->links[o->nlinks++] = l;
}

/* A lookup of one step, judged in zone. */
static struct chain_lookup *
lookup_new(const char *name, ldns_rr_type type, const char *zone,
    enum dnssec_security s, time_t expires)
{
	struct chain_lookup	*l = xcalloc(1, sizeof *l);

	l->name = xstrdup(name);
	l->type = type;
	l->answered = l->exists = 1;
	l->final = xstrdup(name);
	l->hops = xcalloc(1, sizeof *l->hops);
	l->nhops = 1;
	l->hops[0].owner = xstrdup(name);
	l->hops[0].zone = xstrdup(zone);
	dnssec_verdict_set(&l->hops[0].verdict, s, DNSSEC_FAULT_NONE, NULL);
	l->hops[0].verdict.expires = expires;
	dnssec_verdict_copy(&l->verdict, &l->hops[0].verdict);
	return l;
}

/* The resolver's answer: NOERROR with or without AD, or another rcode. */
static struct dns_answer *
resolver(ldns_pkt_rcode rcode, int ad)
{
	struct dns_answer	*a = xcalloc(1, sizeof *a);

	a->qname = xstrdup("example.net");
	a->answered = 1;
	a->rcode = rcode;
	a->ad = ad;
	a->rrs = ldns_rr_list_new();
	return a;
}

/* example.net under net. under the root, all secure until expires. */
static struct observation *
obs_new(time_t expires)
{
	struct observation	*o = xcalloc(1, sizeof *o);

	o->domain = xstrdup("example.net");
	o->zone = xstrdup("example.net");
	o->taken = NOW;
	add_link(o, link_new(".", NULL, DNSSEC_SECURE, DNSSEC_FAULT_NONE,
	    NOW + 20 * DAY));
	add_link(o, link_new("net", ".", DNSSEC_SECURE, DNSSEC_FAULT_NONE,
	    NOW + 20 * DAY));
	add_link(o, link_new("example.net", "net", DNSSEC_SECURE,
	    DNSSEC_FAULT_NONE, expires));
	o->mx_dnssec = lookup_new("example.net", LDNS_RR_TYPE_MX,
	    "example.net", DNSSEC_SECURE, expires);
	o->mx = resolver(LDNS_RCODE_NOERROR, 1);
	return o;
}

static void
evaluate(const struct observation *o, struct step_result *results)
{
	static const struct step_context	ctx;
	size_t					i;

	for (i = 0; i <= STEP_DNSSEC; i++)
		step_result_init(&results[i], (enum step_id)i);
	step_table[STEP_DNSSEC]->evaluate(o, &ctx, results,
	    &results[STEP_DNSSEC]);
}

static void
results_free(struct step_result *results)
{
	size_t	i;

	for (i = 0; i <= STEP_DNSSEC; i++)
		step_result_free(&results[i]);
}

static const struct finding *
find(const struct step_result *r, const char *code)
{
	return findings_find(&r->findings, code);
}

/* Everything secure, signatures good for 20 days: pass, no findings. */
static void
test_all_secure(void **state)
{
	struct observation	*o = obs_new(NOW + 20 * DAY);
	struct step_result	 r[STEP_COUNT];

	evaluate(o, r);
	assert_int_equal(r[STEP_DNSSEC].status, STEP_PASS);
	assert_int_equal(r[STEP_DNSSEC].findings.n, 0);
	results_free(r);
	observation_free(o);
}

/* The horizon is 7 days: 6 days 23 hours warns, 7 days does not. */
static void
test_expiry_horizon(void **state)
{
	struct observation	*o = obs_new(NOW + 7 * DAY - 3600);
	struct step_result	 r[STEP_COUNT];
	const struct finding	*f;

	evaluate(o, r);
	assert_int_equal(r[STEP_DNSSEC].status, STEP_WARN);
	f = find(&r[STEP_DNSSEC], "dnssec.rrsig-expiring");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "2026-12-09T23:00:00Z (in 6 days "
	    "23 hours)"));
	assert_non_null(strstr(f->message, "example.net"));
	results_free(r);
	observation_free(o);

	o = obs_new(NOW + 7 * DAY);
	evaluate(o, r);
	assert_int_equal(r[STEP_DNSSEC].status, STEP_PASS);
	results_free(r);
	observation_free(o);
}

/* The MX RRset's own signature expiring soon counts for its zone. */
static void
test_expiry_of_data(void **state)
{
	struct observation	*o = obs_new(NOW + 20 * DAY);
	struct step_result	 r[STEP_COUNT];

	o->mx_dnssec->hops[0].verdict.expires = NOW + 2 * DAY;
	evaluate(o, r);
	assert_non_null(find(&r[STEP_DNSSEC], "dnssec.rrsig-expiring"));
	results_free(r);
	observation_free(o);
}

/* No RRSIG even at the root: the resolver, not the chain, is at fault. */
static void
test_resolver_strips(void **state)
{
	struct observation	*o = obs_new(NOW + 20 * DAY);
	struct step_result	 r[STEP_COUNT];

	dnssec_verdict_set(&o->links[0]->verdict, DNSSEC_BOGUS,
	    DNSSEC_FAULT_UNSIGNED, "no RRSIG covers . DNSKEY");
	evaluate(o, r);
	assert_int_equal(r[STEP_DNSSEC].status, STEP_PENDING);
	assert_non_null(find(&r[STEP_DNSSEC], "dnssec.resolver-strips"));
	assert_null(find(&r[STEP_DNSSEC], "dnssec.rrsig-missing"));
	results_free(r);
	observation_free(o);
}

/* Only unsupported algorithms: insecure, named as such. */
static void
test_unsupported_algorithm(void **state)
{
	struct observation	*o = obs_new(0);
	struct step_result	 r[STEP_COUNT];

	dnssec_verdict_set(&o->links[2]->verdict, DNSSEC_INSECURE,
	    DNSSEC_FAULT_ALGORITHM, "only GOST");
	evaluate(o, r);
	assert_int_equal(r[STEP_DNSSEC].status, STEP_FAIL);
	assert_non_null(find(&r[STEP_DNSSEC],
	    "dnssec.algorithm-unsupported"));
	assert_null(find(&r[STEP_DNSSEC], "dnssec.insecure"));
	results_free(r);
	observation_free(o);
}

/*
 * The MX host's zone has no usable SEP key: the domain's own chain is
 * fine, but the host's lookups are bogus, and that is a failure.
 */
static void
test_host_zone_broken(void **state)
{
	struct observation	*o = obs_new(NOW + 20 * DAY);
	struct step_result	 r[STEP_COUNT];
	struct mx_host		*h;

	add_link(o, link_new("hoster.net", "net", DNSSEC_BOGUS,
	    DNSSEC_FAULT_NO_SEP, 0));
	o->hosts = h = xcalloc(1, sizeof *h);
	o->nhosts = 1;
	h->name = xstrdup("mx.hoster.net");
	h->a_dnssec = lookup_new("mx.hoster.net", LDNS_RR_TYPE_A,
	    "hoster.net", DNSSEC_BOGUS, 0);
	h->a = resolver(LDNS_RCODE_SERVFAIL, 0);
	evaluate(o, r);
	assert_int_equal(r[STEP_DNSSEC].status, STEP_FAIL);
	assert_non_null(find(&r[STEP_DNSSEC], "dnssec.no-sep-key"));
	assert_non_null(strstr(find(&r[STEP_DNSSEC],
	    "dnssec.lookups-bogus")->message, "A mx.hoster.net"));
	assert_null(find(&r[STEP_DNSSEC], "dnssec.resolver-accepts-bogus"));
	results_free(r);
	observation_free(o);
}

/* The resolver beside mxanchor: no AD on a secure answer; an answer
   to a bogus lookup; SERVFAIL on a secure one. */
static void
test_resolver_disagrees(void **state)
{
	struct observation	*o = obs_new(NOW + 20 * DAY);
	struct step_result	 r[STEP_COUNT];

	o->mx->ad = 0;
	evaluate(o, r);
	assert_non_null(find(&r[STEP_DNSSEC], "dnssec.resolver-no-ad"));
	results_free(r);

	o->mx->rcode = LDNS_RCODE_SERVFAIL;
	evaluate(o, r);
	assert_non_null(find(&r[STEP_DNSSEC], "dnssec.resolver-servfail"));
	results_free(r);

	o->mx->rcode = LDNS_RCODE_NOERROR;
	dnssec_verdict_set(&o->mx_dnssec->verdict, DNSSEC_BOGUS,
	    DNSSEC_FAULT_EXPIRED, "expired");
	evaluate(o, r);
	assert_non_null(find(&r[STEP_DNSSEC],
	    "dnssec.resolver-accepts-bogus"));
	assert_int_equal(r[STEP_DNSSEC].status, STEP_FAIL);
	results_free(r);
	observation_free(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_secure),
		cmocka_unit_test(test_expiry_horizon),
		cmocka_unit_test(test_expiry_of_data),
		cmocka_unit_test(test_resolver_strips),
		cmocka_unit_test(test_unsupported_algorithm),
		cmocka_unit_test(test_host_zone_broken),
		cmocka_unit_test(test_resolver_disagrees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
