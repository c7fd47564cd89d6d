/*
 * mxanchor's own DNSSEC validation (RFC 4033, RFC 4035), independent of
 * the resolver's AD bit: starting from the configured trust anchor, walk
 * down to a zone, checking each DS against the child's DNSKEY RRset and
 * each DNSKEY RRset's signature.
 */
#ifndef MXANCHOR_DNSSEC_H
#define MXANCHOR_DNSSEC_H

#include <time.h>

#include "probe.h"

/*
 * Returns 1 when zone's DNSKEY RRset is validated from the trust anchor
 * at time now, 0 when it is not (*cause says why), -1 when the check
 * could not run (bad anchor file, no resolver; *cause says why).
 */
int	dnssec_validate_zone(const struct probe_opts *, const char *zone,
	    time_t now, char **cause);

#endif
