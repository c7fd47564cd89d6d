/*
 * Artifacts of the MTA-STS step that the enforce step reuses.
 */
#ifndef MXANCHOR_STEP_MTA_STS_H
#define MXANCHOR_STEP_MTA_STS_H

#include <time.h>

struct observation;

/* The policy for the MX hosts seen now (no mx lines for mode none). */
char	*mta_sts_policy_text(const struct observation *, const char *mode,
	    long max_age);
/* "_mta-sts.<domain>. IN TXT ..." with an id made from now. */
char	*mta_sts_txt_record(const char *domain, time_t now);
/* An nginx server block serving the policy for mta-sts.<domain>. */
char	*mta_sts_nginx_block(const char *domain);

#endif
