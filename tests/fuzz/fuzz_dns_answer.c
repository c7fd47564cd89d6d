/*
 * Fuzz harness: DNS answers as the probes take them and the steps judge
 * them.  The input is one response in wire format, handed to ldns as it
 * comes off the network (ldns_wire2pkt), then used as the resolver's
 * answer to every lookup a check makes: SOA, MX, the TXT records, the
 * policy host, DNSKEY, DS, and per MX host A, AAAA and TLSA.  The CNAME
 * walk, the TXT joining and the TLSA reading of probes/dns.c and
 * probes/tlsa.c run on it, then every step's evaluate() and the JSON
 * that the state stores.  The domain is the packet's question name.
 *
 * Only the network is left out: no chain validation, no SMTP, no HTTPS.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "check.h"
#include "dns.h"
#include "observe.h"
#include "sts.h"
#include "tlsa.h"
#include "tlsrpt.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static ldns_pkt	*fuzz_pkt;

/* The answer the packet gives to name/type, the way dns_lookup() makes it. */
static struct dns_answer *
fuzz_answer(const char *prefix, const char *name, ldns_rr_type type)
{
	struct dns_answer	*a;
	char			*full;

	full = xprintf("%s%s", prefix, name);
	a = dns_answer_from_pkt(full, type, ldns_pkt_clone(fuzz_pkt));
	free(full);
	return a;
}

/* What the steps read of TXT and TLSA answers, and the addresses. */
static void
fuzz_parsers(const struct observation *o)
{
	struct sts_txt		  sts;
	struct tlsrpt_txt	  rpt;
	struct findings		  fs = { NULL, 0, 0 };
	struct tlsa_record	  t;
	char			**v, *s;
	size_t			  n, i, j;

	v = dns_answer_txt(o->sts_txt, &n);
	sts_txt_select(v, n, &sts, &fs);
	sts_txt_free(&sts);
	dns_strv_free(v, n);
	v = dns_answer_txt(o->tlsrpt_txt, &n);
	tlsrpt_txt_select(v, n, &rpt, &fs);
	tlsrpt_txt_free(&rpt);
	dns_strv_free(v, n);
	findings_free(&fs);

	for (i = 0; i < o->nhosts; i++) {
		v = observe_host_addrs(o->hosts[i].a, o->hosts[i].aaaa, &n);
		dns_strv_free(v, n);
		for (j = 0; o->hosts[i].tlsa->rrs != NULL &&
		    j < ldns_rr_list_rr_count(o->hosts[i].tlsa->rrs); j++) {
			if (tlsa_from_rr(ldns_rr_list_rr(o->hosts[i].tlsa->rrs,
			    j), &t) != 0)
				continue;
			s = tlsa_record_str(&t);
			free(s);
			tlsa_is_empty_digest(&t);
			tlsa_record_free(&t);
		}
	}
}

/* MX hosts as observe_hosts() takes them, with their own lookups. */
static void
fuzz_hosts(struct observation *o)
{
	struct mx_host	*h;
	ldns_rr		*rr;
	size_t		 i, n;

	n = ldns_rr_list_rr_count(o->mx->rrs);
	if (n > OBSERVE_MAX_HOSTS)
		n = OBSERVE_MAX_HOSTS;
	if (n == 0 && dns_answer_is_nodata(o->mx))
		n = 1;
	o->hosts = xcalloc(n > 0 ? n : 1, sizeof *o->hosts);
	for (i = 0; i < n; i++) {
		h = &o->hosts[o->nhosts++];
		if (ldns_rr_list_rr_count(o->mx->rrs) == 0) {
			h->name = xstrdup(o->domain);
			h->implicit = 1;
		} else {
			rr = ldns_rr_list_rr(o->mx->rrs, i);
			h->name = dns_name_str(ldns_rr_rdf(rr, 1));
			h->pref = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		}
		h->a = fuzz_answer("", h->name, LDNS_RR_TYPE_A);
		h->aaaa = fuzz_answer("", h->name, LDNS_RR_TYPE_AAAA);
		h->tlsa = fuzz_answer("_25._tcp.", h->name,
		    LDNS_RR_TYPE_TLSA);
	}
}

static struct observation *
fuzz_observation(const char *domain)
{
	struct observation	*o;

	o = xcalloc(1, sizeof *o);
	o->domain = xstrdup(domain);
	o->zone = xstrdup(domain);
	o->soa = fuzz_answer("", domain, LDNS_RR_TYPE_SOA);
	o->mx = fuzz_answer("", domain, LDNS_RR_TYPE_MX);
	o->dnskey = fuzz_answer("", domain, LDNS_RR_TYPE_DNSKEY);
	o->ds = fuzz_answer("", domain, LDNS_RR_TYPE_DS);
	o->chain = -1;
	o->chain_error = xstrdup("not validated by the fuzz harness");
	o->sts_txt = fuzz_answer("_mta-sts.", domain, LDNS_RR_TYPE_TXT);
	o->sts_a = fuzz_answer("mta-sts.", domain, LDNS_RR_TYPE_A);
	o->sts_aaaa = fuzz_answer("mta-sts.", domain, LDNS_RR_TYPE_AAAA);
	o->tlsrpt_txt = fuzz_answer("_smtp._tls.", domain,
	    LDNS_RR_TYPE_TXT);
	fuzz_hosts(o);
	return o;
}

/* The question's name, or a stand-in when there is none. */
static char *
fuzz_domain(void)
{
	ldns_rr_list	*q = ldns_pkt_question(fuzz_pkt);

	if (q == NULL || ldns_rr_list_rr_count(q) == 0)
		return xstrdup("example.test");
	return dns_name_str(ldns_rr_owner(ldns_rr_list_rr(q, 0)));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct observation	*o;
	struct check		*c;
	json_t			*j;
	char			*domain, *text;

	if (ldns_wire2pkt(&fuzz_pkt, data, len) != LDNS_STATUS_OK)
		return 0;
	domain = fuzz_domain();
	o = fuzz_observation(domain);
	fuzz_parsers(o);

	/*
	 * The steps, and the JSON that --json prints and the state keeps:
	 * whatever the answer held, that JSON must come out whole.
	 */
	c = check_evaluate(domain, o, NULL);
	check_exit_code(c);
	if ((j = check_to_json(c)) == NULL ||
	    (text = json_dumps(j, JSON_COMPACT)) == NULL)
		abort();
	free(text);
	json_decref(j);

	check_free(c);
	free(domain);
	ldns_pkt_free(fuzz_pkt);
	return 0;
}
