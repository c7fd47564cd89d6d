/*
 * DNS probe functions against the lab: lookups through the resolver, at
 * an authoritative server directly, and the servers of a zone.  The lab's
 * addresses come from the environment (tests/lab/start.sh writes them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns.h"

static struct probe_opts	opts;

static const char *
lab(const char *name)
{
	const char	*v = getenv(name);

	if (v == NULL)
		fail_msg("%s is not set: is the lab running?", name);
	return v;
}

/* Through the validating resolver: AD set on a signed zone. */
static void
test_lookup_resolver_ad(void **state)
{
	struct dns_answer	*a;

	a = dns_lookup(&opts, "good.test", LDNS_RR_TYPE_MX);
	assert_true(a->answered);
	assert_true(dns_answer_has_data(a));
	assert_true(a->ad);
	dns_answer_free(a);

	a = dns_lookup(&opts, "unsigned.test", LDNS_RR_TYPE_MX);
	assert_true(dns_answer_has_data(a));
	assert_false(a->ad);
	dns_answer_free(a);
}

/* Directly at the authoritative server: an authoritative answer. */
static void
test_lookup_at_authoritative(void **state)
{
	struct dns_answer	*a;

	a = dns_lookup_at(&opts, lab("MXLAB_AUTH"), "good.test",
	    LDNS_RR_TYPE_SOA);
	assert_true(a->answered);
	assert_true(dns_answer_has_data(a));
	assert_true(ldns_pkt_aa(a->pkt));
	assert_false(ldns_pkt_rd(a->pkt));
	dns_answer_free(a);

	a = dns_lookup_at(&opts, lab("MXLAB_AUTH"), "nosuch.good.test",
	    LDNS_RR_TYPE_A);
	assert_true(a->answered);
	assert_int_equal(a->rcode, LDNS_RCODE_NXDOMAIN);
	dns_answer_free(a);
}

/* A server that does not answer: no answer, and an error, in time. */
static void
test_lookup_at_silent_server(void **state)
{
	struct probe_opts	 quick = opts;
	struct dns_answer	*a;

	quick.timeout_ms = 500;
	a = dns_lookup_at(&quick, "127.0.59.9", "good.test",
	    LDNS_RR_TYPE_SOA);
	assert_false(a->answered);
	assert_non_null(a->error);
	assert_true(a->elapsed_ms < 5000);
	dns_answer_free(a);
}

static void
test_zone_servers(void **state)
{
	struct dns_server	*v;
	char			*cause = NULL;
	size_t			 n, i;
	int			 found = 0;

	v = dns_zone_servers(&opts, "good.test", &n, &cause);
	assert_non_null(v);
	assert_true(n >= 1);
	for (i = 0; i < n; i++)
		if (strcmp(v[i].addr, lab("MXLAB_AUTH")) == 0)
			found = 1;
	assert_true(found);
	dns_servers_free(v, n);

	v = dns_zone_servers(&opts, "nosuch.test", &n, &cause);
	assert_null(v);
	assert_non_null(cause);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_resolver_ad),
		cmocka_unit_test(test_lookup_at_authoritative),
		cmocka_unit_test(test_lookup_at_silent_server),
		cmocka_unit_test(test_zone_servers),
	};

	opts.resolver = lab("MXLAB_RESOLVER");
	opts.timeout_ms = 3000;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
