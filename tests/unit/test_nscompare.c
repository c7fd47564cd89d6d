/*
 * Unit tests for steps/nscompare.c: what the servers of a zone disagree
 * on, from answers built here (a server that times out, one that
 * refuses, one without authority, one behind on the serial), so that
 * no network is needed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ldns/ldns.h>

#include "nscompare.h"
#include "xmalloc.h"

#define ZONE	"example.net"
#define TLSA_Q	"_25._tcp.mx.example.net"

/* An answer as dns_lookup_at() would return it; rr may be NULL. */
static struct dns_answer *
answer(const char *rr, ldns_pkt_rcode rcode, int aa)
{
	struct dns_answer	*a = xcalloc(1, sizeof *a);
	ldns_rr			*r = NULL;

	a->answered = 1;
	a->rcode = rcode;
	a->pkt = ldns_pkt_new();
	ldns_pkt_set_aa(a->pkt, aa);
	ldns_pkt_set_rcode(a->pkt, rcode);
	a->rrs = ldns_rr_list_new();
	if (rr != NULL) {
		assert_int_equal(ldns_rr_new_frm_str(&r, rr, 300, NULL, NULL),
		    LDNS_STATUS_OK);
		ldns_rr_list_push_rr(a->rrs, r);
	}
	return a;
}

static struct dns_answer *
timeout(void)
{
	struct dns_answer	*a = xcalloc(1, sizeof *a);

	a->error = xstrdup("no answer from resolver: timeout");
	return a;
}

static struct dns_answer *
soa(uint32_t serial)
{
	char			*s;
	struct dns_answer	*a;

	s = xprintf(ZONE ". SOA ns1." ZONE ". h." ZONE ". %u 3600 600 "
	    "86400 300", serial);
	a = answer(s, LDNS_RCODE_NOERROR, 1);
	free(s);
	return a;
}

static struct dns_answer *
tlsa(const char *hex)
{
	char			*s;
	struct dns_answer	*a;

	s = xprintf(TLSA_Q ". TLSA 3 1 1 %s", hex);
	a = answer(s, LDNS_RCODE_NOERROR, 1);
	free(s);
	return a;
}

/* A zone with queries SOA and TLSA and n servers ns1..nsN. */
static struct authority_zone *
zone_new(size_t n)
{
	struct authority_zone	*z = xcalloc(1, sizeof *z);
	size_t			 i;

	z->zone = xstrdup(ZONE);
	authority_zone_ask(z, TLSA_Q, LDNS_RR_TYPE_TLSA);
	assert_int_equal(z->nqueries, 2);
	assert_int_equal(z->queries[0].type, LDNS_RR_TYPE_SOA);
	z->servers = xcalloc(n, sizeof *z->servers);
	z->nservers = n;
	for (i = 0; i < n; i++) {
		z->servers[i].ns = xprintf("ns%zu." ZONE, i + 1);
		z->servers[i].addr = xprintf("192.0.2.%zu", i + 1);
		z->servers[i].answers = xcalloc(2,
		    sizeof (struct dns_answer *));
	}
	return z;
}

static void
set_serial(struct authority_server *s, uint32_t serial)
{
	s->answers[0] = soa(serial);
	s->has_serial = 1;
	s->serial = serial;
}

static const struct finding *
find(const struct findings *f, const char *code, const char *text)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].code, code) == 0 && (text == NULL ||
		    strstr(f->v[i].message, text) != NULL))
			return &f->v[i];
	return NULL;
}

#define A "41e737e494a31a1c53fce70a5ebef449a1dad6196cef9796d17c35eef7d6ecc0"
#define B "048a5676fac57b5a7a08d698006d683e43eb9cf36ac878443633238f8a6d2c01"

/* All servers alike: nothing to say. */
static void
test_all_alike(void **state)
{
	struct authority_zone	*z = zone_new(2);
	struct findings		 f = { NULL, 0, 0 };

	set_serial(&z->servers[0], 7);
	set_serial(&z->servers[1], 7);
	z->servers[0].answers[1] = tlsa(A);
	z->servers[1].answers[1] = tlsa(A);
	nscompare_findings(z, 0, &f);
	nscompare_findings(z, 1, &f);
	assert_int_equal(f.n, 0);
	findings_free(&f);
	authority_zone_free(z);
	free(z);
}

/* One server behind: its serial and the other's, and both TLSA sets. */
static void
test_stale_server(void **state)
{
	struct authority_zone	*z = zone_new(2);
	struct findings		 f = { NULL, 0, 0 };
	const struct finding	*x;

	set_serial(&z->servers[0], 2026120302);
	set_serial(&z->servers[1], 2026120301);
	z->servers[0].answers[1] = tlsa(A);
	z->servers[1].answers[1] = tlsa(B);

	nscompare_findings(z, 0, &f);
	x = find(&f, "dnssec.ns-stale-serial", NULL);
	assert_non_null(x);
	assert_non_null(strstr(x->message, "ns2.example.net [192.0.2.2], "
	    "serial 2026120301 serves an older copy"));
	assert_non_null(strstr(x->message, "serial 2026120302"));
	assert_int_equal(x->severity, SEV_WARN);
	assert_null(find(&f, "tlsa.ns-differs", NULL));

	nscompare_findings(z, 1, &f);
	x = find(&f, "tlsa.ns-differs", NULL);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_ERROR);
	assert_non_null(strstr(x->message, A));
	assert_non_null(strstr(x->message, B));
	findings_free(&f);
	authority_zone_free(z);
	free(z);
}

/* Serials wrap (RFC 1982): 1 is newer than 4294967295. */
static void
test_serial_wrap(void **state)
{
	struct authority_zone	*z = zone_new(2);
	struct findings		 f = { NULL, 0, 0 };

	set_serial(&z->servers[0], 4294967295u);
	set_serial(&z->servers[1], 1);
	nscompare_findings(z, 0, &f);
	assert_non_null(find(&f, "dnssec.ns-stale-serial",
	    "ns1.example.net [192.0.2.1], serial 4294967295 serves"));
	findings_free(&f);
	authority_zone_free(z);
	free(z);
}

/* A server that times out, one that refuses, one that is lame. */
static void
test_unreachable_refused_lame(void **state)
{
	struct authority_zone	*z = zone_new(4);
	struct findings		 f = { NULL, 0, 0 };

	set_serial(&z->servers[0], 5);
	z->servers[1].answers[0] = timeout();
	z->servers[2].answers[0] = answer(NULL, LDNS_RCODE_REFUSED, 0);
	z->servers[3].answers[0] = answer(ZONE ". SOA ns1." ZONE ". h." ZONE
	    ". 5 3600 600 86400 300", LDNS_RCODE_NOERROR, 0);
	nscompare_findings(z, 0, &f);
	assert_non_null(find(&f, "dnssec.ns-unreachable",
	    "ns2.example.net [192.0.2.2], a name server of example.net, "
	    "gives no answer (no answer from resolver: timeout)"));
	assert_non_null(find(&f, "dnssec.ns-unreachable", "REFUSED"));
	assert_non_null(find(&f, "dnssec.ns-unreachable", "lame"));
	assert_int_equal(f.n, 3);
	findings_free(&f);
	authority_zone_free(z);
	free(z);
}

/* A server that answers SOA but fails TLSA (some middleboxes do). */
static void
test_tlsa_query_fails(void **state)
{
	struct authority_zone	*z = zone_new(2);
	struct findings		 f = { NULL, 0, 0 };

	set_serial(&z->servers[0], 9);
	set_serial(&z->servers[1], 9);
	z->servers[0].answers[1] = tlsa(A);
	z->servers[1].answers[1] = answer(NULL, LDNS_RCODE_SERVFAIL, 0);
	nscompare_findings(z, 1, &f);
	assert_non_null(find(&f, "tlsa.ns-fails", "ns2.example.net "
	    "[192.0.2.2], serial 9 answers other queries but gives "
	    "SERVFAIL"));
	/* One usable answer only: not a disagreement on the data. */
	assert_null(find(&f, "tlsa.ns-differs", NULL));
	findings_free(&f);
	authority_zone_free(z);
	free(z);
}

/* Servers of a zone that could not be found. */
static void
test_no_servers(void **state)
{
	struct authority_zone	 z;
	struct findings		 f = { NULL, 0, 0 };

	memset(&z, 0, sizeof z);
	z.zone = xstrdup(ZONE);
	z.error = xstrdup("no NS records for example.net: SERVFAIL");
	nscompare_findings(&z, 0, &f);
	assert_non_null(find(&f, "dnssec.ns-unknown", "SERVFAIL"));
	findings_free(&f);
	authority_zone_free(&z);
}

/* The answers as comparable text: sorted, lower-case, "" for none. */
static void
test_rdata(void **state)
{
	struct dns_answer	*a;
	ldns_rr			*rr = NULL;
	char			*s;

	a = tlsa("048A5676FAC57B5A7A08D698006D683E43EB9CF36AC878443633238F8A6D"
	    "2C01");
	assert_int_equal(ldns_rr_new_frm_str(&rr, TLSA_Q ". TLSA 2 1 1 " A,
	    300, NULL, NULL), LDNS_STATUS_OK);
	ldns_rr_list_push_rr(a->rrs, rr);
	s = authority_rdata(a);
	assert_string_equal(s, "2 1 1 " A "\n3 1 1 " B);
	free(s);
	dns_answer_free(a);

	a = answer(NULL, LDNS_RCODE_NXDOMAIN, 1);
	s = authority_rdata(a);
	assert_string_equal(s, "");
	free(s);
	dns_answer_free(a);
	a = timeout();
	assert_null(authority_rdata(a));
	dns_answer_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_alike),
		cmocka_unit_test(test_stale_server),
		cmocka_unit_test(test_serial_wrap),
		cmocka_unit_test(test_unreachable_refused_lame),
		cmocka_unit_test(test_tlsa_query_fails),
		cmocka_unit_test(test_no_servers),
		cmocka_unit_test(test_rdata),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
