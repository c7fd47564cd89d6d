/*
 * The tlsa step's records to publish in the two other forms operators
 * need: an nsupdate/knsupdate script, and field by field for a DNS
 * provider's web form.  The zone-file lines are step_tlsa.c's own.
 */
#include <stdlib.h>

#include <openssl/x509.h>

#include "credfile.h"
#include "dns.h"
#include "observe.h"
#include "step.h"
#include "tlsa.h"
#include "tlsa_forms.h"
#include "tlsagen.h"

/* The 3 1 1 record of one key an address serves. */
static void
tlsa_forms_push(struct tlsagen_set *set, const char *host, const char *addr,
    X509 *leaf)
{
	char	*hex;

	if ((hex = tlsa_cert_digest_hex(leaf, 1, 1)) == NULL)
		return;
	tlsagen_push(set, host, 25, 3, 1, 1, hex,
	    credfile_algorithm(X509_get0_pubkey(leaf)), addr);
	free(hex);
}

void
tlsa_forms_artifacts(const struct observation *o, struct step_result *r)
{
	struct tlsagen_set	 set = { NULL, 0 };
	const struct mx_host	*h;
	const struct mx_addr	*a;
	struct other_key	 other[2];
	char			*text;
	size_t			 i, j, k, n;
	long			 ttl = -1;

	for (i = 0; i < o->nhosts; i++) {
		h = &o->hosts[i];
		/* Records joining an RRset take its TTL (RFC 2181 §5.2). */
		if (ttl < 0)
			ttl = dns_answer_ttl(h->tlsa);
		for (j = 0; j < h->naddrs; j++) {
			a = &h->addrs[j];
			tlsa_forms_push(&set, h->name, a->addr, a->smtp.leaf);
			n = observe_other_keys(a, other);
			for (k = 0; k < n; k++)
				tlsa_forms_push(&set, h->name, a->addr,
				    other[k].smtp->leaf);
		}
	}
	if (set.n == 0)
		return;
	text = tlsagen_nsupdate(&set, ttl, NULL, o->zone);
	step_result_artifact(r, "nsupdate script for the keys served now",
	    "script", text);
	free(text);
	text = tlsagen_list(&set);
	step_result_artifact(r, "The same records for a provider's web form",
	    "form", text);
	free(text);
	tlsagen_set_free(&set);
}
