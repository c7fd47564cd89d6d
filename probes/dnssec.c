/*
 * Chain-of-trust validation with ldns (RFC 4035 §5).
 *
 * ldns_fetch_valid_domain_keys_time() walks from the trusted keys down
 * the tree through the resolver: DNSKEY RRsets must be signed by a key
 * that a validated DS (or the anchor itself) points to.  The resolver is
 * only a source of records here; its AD bit plays no part.
 */
#include <stdlib.h>

#include <ldns/ldns.h>

#include "dns.h"
#include "dnssec.h"
#include "log.h"
#include "xmalloc.h"

int
dnssec_validate_zone(const struct probe_opts *opts, const char *zone,
    time_t now, char **cause)
{
	const char	*anchor_path;
	ldns_resolver	*res;
	ldns_rr_list	*anchors, *keys;
	ldns_rdf	*name;
	ldns_status	 status = LDNS_STATUS_OK;

	anchor_path = opts->trust_anchor != NULL ? opts->trust_anchor :
	    PROBE_DEFAULT_TRUST_ANCHOR;
	if ((anchors = dns_trust_anchor_load(anchor_path, cause)) == NULL)
		return -1;
	if ((res = dns_resolver_new(opts, cause)) == NULL) {
		ldns_rr_list_deep_free(anchors);
		return -1;
	}
	if ((name = ldns_dname_new_frm_str(zone)) == NULL) {
		xasprintf(cause, "not a valid zone name: %s", zone);
		ldns_resolver_deep_free(res);
		ldns_rr_list_deep_free(anchors);
		return -1;
	}

	keys = ldns_fetch_valid_domain_keys_time(res, name, anchors, now,
	    &status);
	log_debug("dnssec %s: %s", zone, ldns_get_errorstr_by_id(status));

	ldns_rdf_deep_free(name);
	ldns_resolver_deep_free(res);
	ldns_rr_list_deep_free(anchors);
	if (keys != NULL && status == LDNS_STATUS_OK) {
		ldns_rr_list_deep_free(keys);
		return 1;
	}
	if (keys != NULL)
		ldns_rr_list_deep_free(keys);
	xasprintf(cause, "%s", ldns_get_errorstr_by_id(status));
	return 0;
}
