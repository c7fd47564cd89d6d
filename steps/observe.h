/*
 * What the probes saw of one domain at one moment.
 *
 * observe_domain() does all the network work of a check, concurrently:
 * first the lookups that need nothing (MX, zone, DNSKEY, DS, the TXT
 * records, the policy host), then per MX host its addresses and TLSA,
 * then per address the SMTP STARTTLS probe and, beside it, the policy
 * fetch.  Steps only read the result.  Every pointer is owned by the
 * observation and freed by observation_free().
 */
#ifndef MXANCHOR_OBSERVE_H
#define MXANCHOR_OBSERVE_H

#include <time.h>

#include <jansson.h>

#include "dns.h"
#include "https.h"
#include "probe.h"
#include "smtp.h"

/*
 * A hostile zone could list thousands of MX hosts or addresses, each a
 * lookup or a connection: only the most preferred hosts, and the first
 * addresses of each, are probed.
 */
#define OBSERVE_MAX_HOSTS	32
#define OBSERVE_MAX_ADDRS	16	/* per host */

struct mx_addr {
	char			*addr;
	struct smtp_result	 smtp;
};

struct mx_host {
	char			*name;
	int			 pref;
	int			 implicit;	/* no MX: the domain itself */
	struct dns_answer	*a;
	struct dns_answer	*aaaa;
	struct dns_answer	*tlsa;		/* _25._tcp.<name> */
	struct mx_addr		*addrs;
	size_t			 naddrs;
};

struct observation {
	char			*domain;
	time_t			 taken;		/* clock_now() */
	long long		 elapsed_ms;

	struct dns_answer	*soa;
	char			*zone;		/* apex holding the domain */
	struct dns_answer	*mx;
	int			 null_mx;	/* RFC 7505 "0 ." */
	struct mx_host		*hosts;
	size_t			 nhosts;

	struct dns_answer	*dnskey;	/* of the zone */
	struct dns_answer	*ds;		/* of the zone, at the parent */
	int			 chain;		/* 1 valid, 0 not, -1 error */
	char			*chain_error;

	struct dns_answer	*sts_txt;	/* _mta-sts.<domain> */
	struct dns_answer	*sts_a;		/* mta-sts.<domain> */
	struct dns_answer	*sts_aaaa;
	int			 sts_fetched;
	struct https_result	 sts_policy;

	struct dns_answer	*tlsrpt_txt;	/* _smtp._tls.<domain> */
};

typedef void (*observe_progress_fn)(void *arg, const char *what);

struct observation *observe_domain(const char *domain,
		    const struct probe_opts *, observe_progress_fn, void *);
void		 observation_free(struct observation *);

/* Addresses of a host as strings (A then AAAA); caller frees the array. */
char		**observe_host_addrs(const struct dns_answer *a,
		    const struct dns_answer *aaaa, size_t *n);

/* A summary of what was seen, for the state and for --json. */
json_t		*observation_to_json(const struct observation *);

#endif
