/*
 * dns_seed: writes the seed packets of the fuzz_dns_answer harness.
 * Every RR of a zone file goes into the answer section of one response
 * to the question QNAME/QTYPE, so that one packet answers every lookup
 * of a check.  Run by hand when the seeds change:
 *
 *   ninja -C build tests/fuzz/dns_seed
 *   build/tests/fuzz/dns_seed tests/fuzz/corpus-src/good.zone good.example MX \
 *       tests/fuzz/corpus/dns_answer/good.bin
 */
#include <stdio.h>
#include <stdlib.h>

#include <ldns/ldns.h>

int
main(int argc, char **argv)
{
	ldns_zone	*zone;
	ldns_pkt	*pkt;
	ldns_rr		*q;
	uint8_t		*wire;
	size_t		 len;
	FILE		*f;
	int		 line = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: dns_seed ZONE QNAME QTYPE OUT\n");
		return 2;
	}
	if ((f = fopen(argv[1], "r")) == NULL ||
	    ldns_zone_new_frm_fp_l(&zone, f, NULL, 300, LDNS_RR_CLASS_IN,
	    &line) != LDNS_STATUS_OK) {
		fprintf(stderr, "dns_seed: %s: bad zone near line %d\n",
		    argv[1], line);
		return 1;
	}
	fclose(f);

	pkt = ldns_pkt_new();
	ldns_pkt_set_id(pkt, 4711);
	ldns_pkt_set_qr(pkt, true);
	ldns_pkt_set_rd(pkt, true);
	ldns_pkt_set_ra(pkt, true);
	ldns_pkt_set_ad(pkt, true);
	q = ldns_rr_new_frm_type(ldns_get_rr_type_by_name(argv[3]));
	ldns_rr_set_owner(q, ldns_dname_new_frm_str(argv[2]));
	ldns_rr_set_question(q, true);
	ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, q);
	ldns_pkt_push_rr_list(pkt, LDNS_SECTION_ANSWER,
	    ldns_rr_list_clone(ldns_zone_rrs(zone)));
	ldns_pkt_push_rr(pkt, LDNS_SECTION_AUTHORITY,
	    ldns_rr_clone(ldns_zone_soa(zone)));

	if (ldns_pkt2wire(&wire, pkt, &len) != LDNS_STATUS_OK ||
	    (f = fopen(argv[4], "wb")) == NULL ||
	    fwrite(wire, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "dns_seed: cannot write %s\n", argv[4]);
		return 1;
	}
	return 0;
}
