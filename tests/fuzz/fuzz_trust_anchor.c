/*
 * Fuzz harness: the trust-anchor file (--trust-anchor, DS or DNSKEY RRs
 * in zone-file syntax, $ORIGIN and $TTL allowed).  Usually the system's
 * root.key, but any file the operator names: it must load or be refused
 * with a reason.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "dns.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	ldns_rr_list	*anchors;
	char		*cause = NULL;
	FILE		*f;

	if (len == 0 || (f = fmemopen((void *)data, len, "r")) == NULL)
		return 0;
	anchors = dns_trust_anchor_read(f, "fuzz", &cause);
	fclose(f);
	if (anchors == NULL && cause == NULL)
		abort();	/* a refusal must say why */
	if (anchors != NULL)
		ldns_rr_list_deep_free(anchors);
	free(cause);
	return 0;
}
