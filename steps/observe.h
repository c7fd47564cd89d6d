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

#include "authority.h"
#include "chain.h"
#include "dns.h"
#include "https.h"
#include "probe.h"
#include "smtp.h"
#include "ssh.h"

/*
 * A hostile zone could list thousands of MX hosts or addresses, each a
 * lookup or a connection: only the most preferred hosts, and the first
 * addresses of each, are probed.
 */
#define OBSERVE_MAX_HOSTS	32
#define OBSERVE_MAX_ADDRS	16	/* per host */

/*
 * One MX address.  smtp is the session senders have: port 25, STARTTLS,
 * SNI.  The others are extra connections made beside it to learn what
 * one session cannot tell: whether TLS 1.0 and 1.1 are still accepted,
 * what a client sending no SNI gets, which certificate clients that offer
only RSA or only ECDSA get, and, when probe_opts.submission
 * asks, ports 465 and 587 (outcome SMTP_UNTESTED with no error when not
 * asked).
 */
struct mx_addr {
	char			*addr;
	struct smtp_result	 smtp;
	struct smtp_result	 tls10;
	struct smtp_result	 tls11;
	struct smtp_result	 nosni;
	struct smtp_result	 smtps;		/* 465, implicit TLS */
	struct smtp_result	 submission;	/* 587, STARTTLS */
	struct smtp_result	 rsa;		/* offering RSA only */
	struct smtp_result	 ecdsa;		/* offering ECDSA only */
};

/*
 * A key an address serves beside the one the main session got: a server
 * with both an RSA and an ECDSA certificate shows each to the senders
 * that prefer it, and DANE must match both.
 */
struct other_key {
	const char			*kind;	/* "RSA", "ECDSA" */
	const struct smtp_result	*smtp;	/* its session, TLS done */
};

/* Fills out (at most 2) with the other keys of the address; how many. */
size_t		 observe_other_keys(const struct mx_addr *,
		    struct other_key out[2]);

struct mx_host {
	char			*name;
	int			 pref;
	int			 implicit;	/* no MX: the domain itself */
	struct dns_answer	*a;
	struct dns_answer	*aaaa;
	struct dns_answer	*tlsa;		/* _25._tcp.<name> */
	struct mx_addr		*addrs;
	size_t			 naddrs;

	/* mxanchor's own DNSSEC verdicts on the lookups above */
	struct chain_lookup	*a_dnssec;
	struct chain_lookup	*aaaa_dnssec;
	struct chain_lookup	*tlsa_dnssec;
	/* When the address lookup went through CNAMEs: the name it ended
	   at, and TLSA there (RFC 7672 §2.2.3 tries that name first). */
	char			*expanded;
	struct dns_answer	*tlsa_expanded;
	struct chain_lookup	*tlsa_expanded_dnssec;
};

struct observation {
	char			*domain;
	time_t			 taken;		/* clock_now() */
	int			 horizon_days;	/* probe_opts; 0: defaults */
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

	/* The chain of trust (observe_dnssec.c): every zone validated,
	   parents first, and the verdict on the MX lookup. */
	struct chain_link	**links;
	size_t			 nlinks;
	struct chain_lookup	*mx_dnssec;

	/* Every authoritative server of those zones, asked directly
	   (observe_servers.c): the domain's zone, then the TLSA zones. */
	struct authority_zone	*servers;
	size_t			 nservers;

	/*
	 * The MTA's own configuration, when probe_opts.ssh asked for it:
	 * how the SSH session went, and what it read (NULL unless SSH_OK).
	 */
	int			 ssh_asked;
	struct ssh_result	 ssh;
	struct postfix_config	*postfix;
};

typedef void (*observe_progress_fn)(void *arg, const char *what);

struct observation *observe_domain(const char *domain,
		    const struct probe_opts *, observe_progress_fn, void *);
void		 observation_free(struct observation *);

/* Addresses of a host as strings (A then AAAA); caller frees the array. */
char		**observe_host_addrs(const struct dns_answer *a,
		    const struct dns_answer *aaaa, size_t *n);

/*
 * mxanchor's own validation of the zone, the MX RRset and every host's
 * lookups, from the trust anchor down (observe_dnssec.c); sets links,
 * mx_dnssec, the hosts' *_dnssec and expanded, chain and chain_error.
 * Needs hosts and zone; runs its lookups concurrently.
 */
void		 observe_dnssec(struct observation *, const struct probe_opts *);
void		 observe_dnssec_free(struct observation *);
/* The link of zone, or NULL. */
const struct chain_link *observe_link(const struct observation *,
		    const char *zone);
json_t		*observe_dnssec_json(const struct observation *);

/*
 * Asks every server of the domain's zone for its SOA, MX and the
 * MTA-STS and TLS-RPT TXT records, and every server of each zone that
 * holds a TLSA RRset of an MX host for that RRset.  Needs
 * observe_dnssec() first (it knows which zone holds what).
 */
void		 observe_servers(struct observation *,
		    const struct probe_opts *);
void		 observe_servers_free(struct observation *);
json_t		*observe_servers_json(const struct observation *);

/*
 * The records of an answer as zone-file lines, at most
 * OBSERVE_JSON_MAX_RECORDS of them and a comment saying how many were
 * left: enough for any real RRset, while a hostile one would fill the
 * state.
 */
#define OBSERVE_JSON_MAX_RECORDS	64
json_t		*observe_json_rrs(const struct dns_answer *);

/* A summary of what was seen, for the state and for --json. */
json_t		*observation_to_json(const struct observation *);
/* Its "mta" member: the SSH session and what it read; null without. */
json_t		*observation_mta_json(const struct observation *);

#endif
