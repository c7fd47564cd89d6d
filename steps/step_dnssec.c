/*
 * Step 2, DNSSEC: DANE means nothing unless the MX records, the host
 * addresses and the TLSA records are all validated, so the zone must be
 * signed and chained to the root (RFC 7672 §2.1).  The verdict rests on
 * mxanchor's own validation from the trust anchor; the resolver's AD bit
 * is reported beside it, because Postfix relies on exactly that bit.
 */
#include <stdlib.h>

#include "observe.h"
#include "step.h"
#include "strbuf.h"
#include "xmalloc.h"

#define RFC_DANE_DNSSEC	"RFC 7672 §2.1"
#define RFC_DS		"RFC 4035 §5"
#define RFC_SIGNED	"RFC 4033 §5"

static const char dnssec_help[] =
    "Checks that the zone is signed and that a chain of trust runs from "
    "the root (the trust anchor) down to it: the parent must publish a "
    "DS record matching one of the zone's keys.  Without this, TLSA "
    "records are ignored by every DANE sender and an attacker who can "
    "spoof DNS can also redirect mail.  Sign the zone in your DNS "
    "server or at your DNS provider, then publish the DS records shown "
    "here at your registrar.";

/* DS records for the zone's key-signing keys, to give the registrar. */
static char *
dnssec_ds_lines(const struct dns_answer *dnskey)
{
	struct strbuf	 b = { NULL, 0, 0 };
	ldns_rr		*key, *ds;
	char		*s, *p;
	size_t		 i;

	for (i = 0; i < ldns_rr_list_rr_count(dnskey->rrs); i++) {
		key = ldns_rr_list_rr(dnskey->rrs, i);
		if (!(ldns_rdf2native_int16(ldns_rr_rdf(key, 0)) &
		    LDNS_KEY_SEP_KEY))
			continue;
		if ((ds = ldns_key_rr2ds(key, LDNS_SHA256)) == NULL)
			continue;
		s = ldns_rr2str_fmt(ldns_output_format_nocomments, ds);
		if (s != NULL) {
			/* One space between fields, as in our other records. */
			for (p = s; *p != '\0'; p++)
				if (*p == '\t')
					*p = ' ';
			strbuf_printf(&b, "%s", s);
		}
		free(s);
		ldns_rr_free(ds);
	}
	return strbuf_take(&b);
}

/* The zone's own signing state; returns 0 when it is fully chained. */
static int
dnssec_zone(const struct observation *o, struct step_result *r)
{
	int	 has_key = dns_answer_has_data(o->dnskey);
	int	 has_ds = dns_answer_has_data(o->ds);
	char	*ds;

	if (!has_key && !has_ds) {
		findings_add(&r->findings, SEV_ERROR, "dnssec.unsigned",
		    RFC_SIGNED, "zone %s is not signed: it has no DNSKEY "
		    "records and its parent publishes no DS record for it",
		    o->zone);
		step_result_set(r, STEP_FAIL, "zone %s is not signed",
		    o->zone);
		return -1;
	}
	if (!has_ds) {
		findings_add(&r->findings, SEV_ERROR, "dnssec.no-ds", RFC_DS,
		    "zone %s is signed, but its parent publishes no DS "
		    "record, so validators treat it as unsigned; publish "
		    "the DS records below at the registrar", o->zone);
		ds = dnssec_ds_lines(o->dnskey);
		step_result_artifact(r, "DS records for the parent zone",
		    "zone", ds);
		free(ds);
		step_result_set(r, STEP_FAIL, "no DS record at the parent");
		return -1;
	}
	if (!has_key) {
		findings_add(&r->findings, SEV_ERROR, "dnssec.no-dnskey",
		    RFC_DS, "the parent publishes a DS record for %s, but "
		    "the zone serves no DNSKEY: validators reject all of "
		    "its answers", o->zone);
		step_result_set(r, STEP_FAIL, "DS without DNSKEY");
		return -1;
	}
	return 0;
}

/* Addresses of the MX hosts, which may live in other zones. */
static void
dnssec_hosts(const struct observation *o, struct step_result *r)
{
	const struct mx_host	*h;
	size_t			 i;

	for (i = 0; i < o->nhosts; i++) {
		h = &o->hosts[i];
		if (h->a == NULL || !dns_answer_has_data(h->a) || h->a->ad)
			continue;
		findings_add(&r->findings, SEV_WARN, "dnssec.mx-insecure",
		    RFC_DANE_DNSSEC, "the address records of MX host %s are "
		    "not validated (no AD bit): DANE cannot protect this "
		    "host until its zone is signed", h->name);
	}
}

static void
dnssec_evaluate(const struct observation *o,
    const struct step_context *ctx, const struct step_result *earlier,
    struct step_result *r)
{
	if (o->dnskey == NULL || !o->dnskey->answered || o->ds == NULL ||
	    !o->ds->answered) {
		findings_add(&r->findings, SEV_WARN, "dnssec.lookup", NULL,
		    "could not look up the keys of %s", o->zone);
		step_result_set(r, STEP_PENDING, "DNS lookups failed");
		return;
	}
	if (dnssec_zone(o, r) != 0)
		return;

	if (o->chain == -1) {
		findings_add(&r->findings, SEV_WARN, "dnssec.no-anchor", NULL,
		    "could not validate the chain of trust: %s",
		    o->chain_error);
		step_result_set(r, STEP_PENDING, "chain not validated");
		return;
	}
	if (o->chain == 0) {
		findings_add(&r->findings, SEV_ERROR, "dnssec.chain",
		    RFC_DS, "the chain of trust from the trust anchor to %s "
		    "is broken: %s", o->zone, o->chain_error);
		step_result_set(r, STEP_FAIL, "chain of trust broken");
		return;
	}

	if (o->mx != NULL && o->mx->answered && !o->mx->ad)
		findings_add(&r->findings, SEV_WARN, "dnssec.resolver-no-ad",
		    RFC_DANE_DNSSEC, "the resolver did not set the AD bit on "
		    "the MX answer although the chain validates: it does not "
		    "validate DNSSEC, and an MTA using it cannot do DANE");
	dnssec_hosts(o, r);

	if (findings_count(&r->findings, SEV_WARN) > 0)
		step_result_set(r, STEP_WARN, "zone %s signed and chained, "
		    "with warnings", o->zone);
	else
		step_result_set(r, STEP_PASS, "zone %s signed, chain of "
		    "trust validated", o->zone);
}

const struct step step_dnssec = {
	.id = STEP_DNSSEC,
	.name = "dnssec",
	.title = "DNSSEC",
	.help = dnssec_help,
	.evaluate = dnssec_evaluate,
};
