/*
 * The mta step's two halves (step_mta.c drives them):
 *
 *   mta_served.c  what port 25 shows: TLS versions still accepted, the
 *                 chain, expiry, OCSP, SNI, IPv4 against IPv6, 465/587;
 *   mta_config.c  what the host's configuration says (over SSH, or a
 *                 saved postconf -n for lint): inbound and outbound TLS
 *                 settings, the MTA-STS policy map, and the three-way
 *                 comparison of the key served, the key on disk and the
 *                 published TLSA records.
 *
 * Both add findings to run->r and lines to the two artifacts a run
 * builds: a suggested main.cf change and TLSA records for the keys on
 * disk.  Nothing here does I/O.
 */
#ifndef MXANCHOR_MTA_H
#define MXANCHOR_MTA_H

#include "observe.h"
#include "step.h"
#include "strbuf.h"

#define MTA_EXPIRY_WARN_DAYS	14	/* warn this close to notAfter */

struct mta_run {
	const struct observation *o;
	struct step_result	 *r;
	struct strbuf		  suggest;	/* main.cf lines */
	struct strbuf		  records;	/* TLSA zone lines */
};

void	mta_served_check(struct mta_run *);
void	mta_config_check(struct mta_run *, const struct postfix_config *);

/* SHA-256 of the certificate's public key, hex; NULL without one. */
char	*mta_served_spki(X509 *);

#endif
