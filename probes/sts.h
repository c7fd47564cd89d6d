/*
 * MTA-STS record and policy parsing (RFC 8461 §3.1, §3.2, §4.1).
 *
 * The parsers follow the ABNF, not the prose: a policy line may end in LF
 * or CRLF, the last terminator is optional, whitespace after the colon and
 * after a value is not part of the value, the first of a repeated key
 * wins, unknown keys are ignored.  Each problem becomes a finding; the
 * result is whatever the RFC says a sender would still use.
 */
#ifndef MXANCHOR_STS_H
#define MXANCHOR_STS_H

#include <stddef.h>

#include "finding.h"

#define STS_POLICY_MAX		65536	/* §3.3: senders may cap at 64 KiB */
#define STS_MAX_AGE_LIMIT	31557600 /* §3.2: at most one year */
#define STS_MAX_AGE_SHORT	604800	/* below a week: short for enforce */
#define STS_MAX_AGE_ENFORCE	1209600	/* what we suggest: two weeks */

struct sts_txt {
	char	*id;			/* 1-32 alphanumerics */
};

enum sts_mode {
	STS_MODE_MISSING,
	STS_MODE_NONE,
	STS_MODE_TESTING,
	STS_MODE_ENFORCE,
	STS_MODE_INVALID,
};

struct sts_policy {
	char		*version;	/* NULL when absent */
	enum sts_mode	 mode;
	char		*mode_raw;
	char		**mx;		/* valid patterns, in order */
	size_t		 nmx;
	long long	 max_age;	/* -1 when absent or invalid */
};

/* One record; returns 0 when it is a usable STSv1 record. */
int	 sts_txt_parse(const char *record, struct sts_txt *,
	     struct findings *);
/*
 * The TXT RRset at _mta-sts: records not starting with v=STSv1 are
 * ignored; exactly one must remain.  Returns 0 when one usable record
 * was selected.
 */
int	 sts_txt_select(char **records, size_t n, struct sts_txt *,
	     struct findings *);
void	 sts_txt_free(struct sts_txt *);

/* Returns 0 when the policy is usable by a sender. */
int	 sts_policy_parse(const char *body, size_t len, struct sts_policy *,
	     struct findings *);
void	 sts_policy_free(struct sts_policy *);

const char *sts_mode_name(enum sts_mode);

/* ["*."] Domain, §3.2. */
int	 sts_pattern_valid(const char *pattern);
/* §4.1: case-insensitive, trailing dot ignored, "*" is one label. */
int	 sts_mx_match(const char *pattern, const char *host);
/* The first pattern of the policy that covers host, or NULL. */
const char *sts_policy_covers(const struct sts_policy *, const char *host);

/*
 * The policy against the MX hosts in DNS (§4.1): each host not covered
 * (a MUST-level error: enforce would refuse it), each pattern that
 * matches no host (advice).  Nothing for mode none.
 */
void	 sts_policy_check_hosts(const struct sts_policy *, char **hosts,
	     size_t nhosts, struct findings *);
/*
 * Advice beyond the grammar: wildcards that cover a whole TLD or the
 * whole domain, a short max_age in enforce mode.  domain may be NULL.
 */
void	 sts_policy_advise(const struct sts_policy *, const char *domain,
	     struct findings *);

#endif
