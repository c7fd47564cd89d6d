/*
 * Publishing TLSA records: a small interface, so that the RFC 2136
 * publisher (publish_rfc2136.c) and later a DNS provider's HTTP API can
 * both serve the rollover planner and the renewal hook.
 *
 * A publisher changes one zone.  add() and remove() change the TLSA RRset
 * at one owner name and return once the change is accepted (or nothing
 * needed changing); they never check what the world sees.  verify() asks
 * every authoritative server of the zone, directly and without recursion,
 * what it serves, which is the only evidence that a change is out there:
 * publish_check_auth() does that for any publisher.
 *
 * Secrets (TSIG keys, API tokens) stay inside the publisher: messages name
 * keys and servers, never secrets.
 */
#ifndef MXANCHOR_PUBLISH_H
#define MXANCHOR_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

#include "probe.h"
#include "tlsa.h"

/* A TLSA RRset as it was read from one server. */
struct publish_rrset {
	struct tlsa_record	*v;
	size_t			 n;
	uint32_t		 ttl;
};

/* What one authoritative server serves at the owner name. */
struct publish_view {
	char			*server;	/* NS name */
	char			*addr;
	int			 answered;	/* authoritative answer */
	char			*error;		/* when !answered */
	struct publish_rrset	 rrset;
	int			 ok;		/* has present, lacks absent */
	char			*why;		/* when answered && !ok */
};

struct publish_check {
	struct publish_view	*v;
	size_t			 n;
	size_t			 nok;
	uint32_t		 ttl;		/* largest TTL served */
};

struct publisher;

struct publisher_ops {
	const char	*name;		/* "rfc2136" */
	int		(*add)(struct publisher *, const char *owner,
			    uint32_t ttl, const struct tlsa_record *, size_t,
			    char **cause);
	int		(*remove)(struct publisher *, const char *owner,
			    const struct tlsa_record *, size_t, char **cause);
	int		(*verify)(struct publisher *, const char *owner,
			    const struct tlsa_record *present, size_t npresent,
			    const struct tlsa_record *absent, size_t nabsent,
			    struct publish_check *, char **cause);
	void		(*free)(struct publisher *);
};

struct publisher {
	const struct publisher_ops	*ops;
	struct probe_opts		 opts;	/* strings not owned */
	char				*zone;	/* apex, no trailing dot */
	void				*priv;
};

/*
 * The RFC 2136 publisher for zone (found from name's SOA when NULL),
 * sending to server ("ADDR[@PORT]"; the SOA MNAME's address when NULL),
 * signed with the key (copied).  NULL with *cause when the zone or its
 * primary cannot be found.
 */
struct tsig_key;
struct publisher *publish_rfc2136_new(const struct probe_opts *,
		    const char *zone, const char *name, const char *server,
		    const struct tsig_key *, char **cause);

/* The TTL of a new RRset when none is asked for. */
#define PUBLISH_DEFAULT_TTL	3600

/*
 * Adds records to owner's RRset, keeping what is there; ttl 0 keeps the
 * RRset's TTL (PUBLISH_DEFAULT_TTL for a new one), as every record of an
 * RRset has one TTL (RFC 2181 §5.2).
 * Returns 1 when an update was sent, 0 when every record was there
 * already, -1 with *cause.
 */
int	 publish_add(struct publisher *, const char *owner, uint32_t ttl,
	     const struct tlsa_record *, size_t, char **cause);
/*
 * Removes records from owner's RRset; refuses to remove the last ones.
 * Returns 1 when an update was sent, 0 when none was there, -1.
 */
int	 publish_remove(struct publisher *, const char *owner,
	     const struct tlsa_record *, size_t, char **cause);
/* Fills check; returns 0 when every server answered and is ok. */
int	 publish_verify(struct publisher *, const char *owner,
	     const struct tlsa_record *present, size_t npresent,
	     const struct tlsa_record *absent, size_t nabsent,
	     struct publish_check *, char **cause);
void	 publish_free(struct publisher *);

/*
 * What every authoritative server of zone serves at owner, asked
 * concurrently; -1 with *cause when the servers cannot be found, else
 * as publish_verify().
 */
int	 publish_check_auth(const struct probe_opts *, const char *zone,
	     const char *owner, const struct tlsa_record *present,
	     size_t npresent, const struct tlsa_record *absent, size_t nabsent,
	     struct publish_check *, char **cause);
void	 publish_check_free(struct publish_check *);

/*
 * publish_verify() until every server is ok or wait_ms have passed,
 * asking again every second (secondaries take a moment to transfer a
 * change).  check holds the last round; returns as publish_verify().
 */
int	 publish_wait(struct publisher *, const char *owner,
	     const struct tlsa_record *present, size_t npresent,
	     const struct tlsa_record *absent, size_t nabsent, int wait_ms,
	     struct publish_check *, char **cause);

/* The zone apex holding name, from its SOA; NULL with *cause. */
char	*publish_find_zone(const struct probe_opts *, const char *name,
	     char **cause);

/* 1 when set holds a record equal to t (usage, selector, type, data). */
int	 publish_rrset_has(const struct publish_rrset *,
	     const struct tlsa_record *);
/* The TLSA records of an answer; ttl is the smallest TTL among them. */
void	 publish_rrset_from_rrs(const ldns_rr_list *, struct publish_rrset *);
void	 publish_rrset_free(struct publish_rrset *);

/* Parses "3 1 1 HEX" into t (caller frees with tlsa_record_free). */
int	 publish_record_parse(const char *, struct tlsa_record *);

#endif
