/*
 * Fuzz harness: DS, DNSKEY, RRSIG and NSEC/NSEC3 handling (RFC 4034,
 * RFC 4035 §5).  Input is zone-file lines; the records are sorted by
 * type and fed to every check in probes/dnssec.c as a hostile server
 * could: DS records against DNSKEYs, the other RRsets against the keys,
 * and a denial of existence built from the NSEC and NSEC3 records.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnssec.h"
#include "xmalloc.h"

#define FUZZ_MAX_RRS	96
#define FUZZ_NOW	1796256000	/* 2026-12-03T00:00:00Z */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fuzz_lists {
	ldns_rr_list	*ds, *keys, *sigs, *proofs, *data;
};

static void
fuzz_sort(struct fuzz_lists *l, ldns_rr *rr)
{
	switch (ldns_rr_get_type(rr)) {
	case LDNS_RR_TYPE_DS:
		ldns_rr_list_push_rr(l->ds, rr);
		break;
	case LDNS_RR_TYPE_DNSKEY:
		ldns_rr_list_push_rr(l->keys, rr);
		break;
	case LDNS_RR_TYPE_RRSIG:
		ldns_rr_list_push_rr(l->sigs, rr);
		ldns_rr_list_push_rr(l->proofs, ldns_rr_clone(rr));
		break;
	case LDNS_RR_TYPE_NSEC:
	case LDNS_RR_TYPE_NSEC3:
		ldns_rr_list_push_rr(l->proofs, rr);
		break;
	default:
		ldns_rr_list_push_rr(l->data, rr);
		break;
	}
}

static void
fuzz_check(struct fuzz_lists *l)
{
	struct dnssec_keys	 k;
	struct dnssec_verdict	 v, copy;
	ldns_rdf		*name;

	dnssec_check_keys(l->ds, l->keys, l->sigs, FUZZ_NOW, &k);
	dnssec_check_rrset(l->data, l->sigs, k.keys != NULL ? k.keys :
	    l->keys, FUZZ_NOW, &v);
	dnssec_verdict_copy(&copy, &v);
	dnssec_verdict_free(&copy);
	dnssec_verdict_free(&v);

	if (ldns_rr_list_rr_count(l->data) > 0)
		name = ldns_rdf_clone(ldns_rr_owner(ldns_rr_list_rr(l->data,
		    0)));
	else
		name = ldns_dname_new_frm_str("_25._tcp.mx.example.net.");
	dnssec_check_denial(name, LDNS_RR_TYPE_TLSA, 0, l->proofs, l->keys,
	    FUZZ_NOW, &v);
	dnssec_verdict_free(&v);
	dnssec_check_denial(name, LDNS_RR_TYPE_A, 1, l->proofs, l->keys,
	    FUZZ_NOW, &v);
	dnssec_verdict_free(&v);
	ldns_rdf_deep_free(name);
	dnssec_keys_free(&k);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct fuzz_lists	 l;
	ldns_rr			*rr;
	ldns_rdf		*prev = NULL;
	char			*text, *line, *save;
	size_t			 n = 0;

	l.ds = ldns_rr_list_new();
	l.keys = ldns_rr_list_new();
	l.sigs = ldns_rr_list_new();
	l.proofs = ldns_rr_list_new();
	l.data = ldns_rr_list_new();
	text = xstrndup((const char *)data, len);
	for (line = strtok_r(text, "\n", &save); line != NULL &&
	    n < FUZZ_MAX_RRS; line = strtok_r(NULL, "\n", &save)) {
		rr = NULL;
		if (ldns_rr_new_frm_str(&rr, line, 3600, NULL, &prev) !=
		    LDNS_STATUS_OK || rr == NULL)
			continue;
		fuzz_sort(&l, rr);
		n++;
	}
	fuzz_check(&l);

	ldns_rdf_deep_free(prev);
	ldns_rr_list_deep_free(l.ds);
	ldns_rr_list_deep_free(l.keys);
	ldns_rr_list_deep_free(l.sigs);
	ldns_rr_list_deep_free(l.proofs);
	ldns_rr_list_deep_free(l.data);
	free(text);
	return 0;
}
