/*
 * The publisher interface (publish.h) and what every publisher shares:
 * finding a name's zone, reading TLSA RRsets, and asking each
 * authoritative server what it serves (RFC 1034 §4.3.1: a query without
 * recursion, answered from the server's own zone data with AA set).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "dns.h"
#include "log.h"
#include "parallel.h"
#include "publish.h"
#include "strbuf.h"
#include "xmalloc.h"

/* A record's data longer than this is not TLSA data anyone publishes. */
#define PUBLISH_DATA_MAX	8192

int
publish_add(struct publisher *p, const char *owner, uint32_t ttl,
    const struct tlsa_record *v, size_t n, char **cause)
{
	return p->ops->add(p, owner, ttl, v, n, cause);
}

int
publish_remove(struct publisher *p, const char *owner,
    const struct tlsa_record *v, size_t n, char **cause)
{
	return p->ops->remove(p, owner, v, n, cause);
}

int
publish_verify(struct publisher *p, const char *owner,
    const struct tlsa_record *present, size_t npresent,
    const struct tlsa_record *absent, size_t nabsent,
    struct publish_check *check, char **cause)
{
	return p->ops->verify(p, owner, present, npresent, absent, nabsent,
	    check, cause);
}

int
publish_wait(struct publisher *p, const char *owner,
    const struct tlsa_record *present, size_t npresent,
    const struct tlsa_record *absent, size_t nabsent, int wait_ms,
    struct publish_check *check, char **cause)
{
	long long	deadline = probe_now_ms() + wait_ms;
	int		rc;

	for (;;) {
		rc = publish_verify(p, owner, present, npresent, absent,
		    nabsent, check, cause);
		if (rc != 1 || probe_now_ms() + 1000 > deadline)
			return rc;
		publish_check_free(check);
		usleep(1000 * 1000);
	}
}

void
publish_free(struct publisher *p)
{
	if (p == NULL)
		return;
	p->ops->free(p);
	free(p->zone);
	free(p);
}

static int
publish_record_equal(const struct tlsa_record *a, const struct tlsa_record *b)
{
	return a->usage == b->usage && a->selector == b->selector &&
	    a->mtype == b->mtype && a->len == b->len &&
	    memcmp(a->data, b->data, a->len) == 0;
}

int
publish_rrset_has(const struct publish_rrset *set,
    const struct tlsa_record *t)
{
	size_t	i;

	for (i = 0; i < set->n; i++)
		if (publish_record_equal(&set->v[i], t))
			return 1;
	return 0;
}

void
publish_rrset_from_rrs(const ldns_rr_list *rrs, struct publish_rrset *set)
{
	struct tlsa_record	 t;
	ldns_rr			*rr;
	size_t			 i;

	memset(set, 0, sizeof *set);
	for (i = 0; rrs != NULL && i < ldns_rr_list_rr_count(rrs); i++) {
		rr = ldns_rr_list_rr(rrs, i);
		if (tlsa_from_rr(rr, &t) != 0)
			continue;
		if (set->n == 0 || ldns_rr_ttl(rr) < set->ttl)
			set->ttl = ldns_rr_ttl(rr);
		set->v = xreallocarray(set->v, set->n + 1, sizeof *set->v);
		set->v[set->n++] = t;
	}
}

void
publish_rrset_free(struct publish_rrset *set)
{
	size_t	i;

	for (i = 0; i < set->n; i++)
		tlsa_record_free(&set->v[i]);
	free(set->v);
	memset(set, 0, sizeof *set);
}

static int
publish_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
publish_record_parse(const char *s, struct tlsa_record *t)
{
	unsigned int	 u, sel, m;
	int		 used = 0, hi, lo;
	size_t		 len, i;

	memset(t, 0, sizeof *t);
	if (sscanf(s, "%u %u %u %n", &u, &sel, &m, &used) != 3 || used == 0 ||
	    u > 255 || sel > 255 || m > 255)
		return -1;
	s += used;
	len = strlen(s);
	if (len == 0 || len % 2 != 0 || len / 2 > PUBLISH_DATA_MAX)
		return -1;

	t->data = xmalloc(len / 2);
	for (i = 0; i < len / 2; i++) {
		hi = publish_hexval((unsigned char)s[2 * i]);
		lo = publish_hexval((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			tlsa_record_free(t);
			return -1;
		}
		t->data[i] = (unsigned char)(hi << 4 | lo);
	}
	t->len = len / 2;
	t->usage = (uint8_t)u;
	t->selector = (uint8_t)sel;
	t->mtype = (uint8_t)m;
	return 0;
}

/* The first record of list that set has (want 1) or lacks (want 0). */
static const struct tlsa_record *
publish_first(const struct publish_rrset *set, const struct tlsa_record *v,
    size_t n, int want)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (publish_rrset_has(set, &v[i]) == want)
			return &v[i];
	return NULL;
}

/* Everything the concurrent lookups share. */
struct publish_job {
	const struct probe_opts		*opts;
	const char			*owner;
	const struct tlsa_record	*present;
	size_t				 npresent;
	const struct tlsa_record	*absent;
	size_t				 nabsent;
	struct publish_check		*check;
};

/* Fills one view: the answer, then whether it is what we want. */
static void
publish_ask_one(void *arg, size_t i)
{
	struct publish_job		*job = arg;
	struct publish_view		*view = &job->check->v[i];
	const struct tlsa_record	*t;
	struct dns_answer		*a;
	char				*s;

	a = dns_lookup_at(job->opts, view->addr, job->owner,
	    LDNS_RR_TYPE_TLSA);
	if (!a->answered)
		view->error = xstrdup(a->error);
	else if (a->rcode != LDNS_RCODE_NOERROR &&
	    a->rcode != LDNS_RCODE_NXDOMAIN)
		view->error = xprintf("answered %s", dns_answer_rcode_name(a));
	else if (!ldns_pkt_aa(a->pkt))
		view->error = xstrdup("answered without authority (AA)");
	else {
		view->answered = 1;
		publish_rrset_from_rrs(a->rrs, &view->rrset);
	}
	dns_answer_free(a);
	if (!view->answered)
		return;

	if ((t = publish_first(&view->rrset, job->present, job->npresent,
	    0)) != NULL) {
		s = tlsa_record_str(t);
		view->why = xprintf("does not serve %s yet", s);
		free(s);
	} else if ((t = publish_first(&view->rrset, job->absent,
	    job->nabsent, 1)) != NULL) {
		s = tlsa_record_str(t);
		view->why = xprintf("still serves %s", s);
		free(s);
	} else
		view->ok = 1;
}

int
publish_check_auth(const struct probe_opts *opts, const char *zone,
    const char *owner, const struct tlsa_record *present, size_t npresent,
    const struct tlsa_record *absent, size_t nabsent,
    struct publish_check *check, char **cause)
{
	struct publish_job	 job;
	struct dns_server	*servers;
	size_t			 n, i;

	memset(check, 0, sizeof *check);
	if ((servers = dns_zone_servers(opts, zone, &n, cause)) == NULL)
		return -1;

	check->v = xcalloc(n, sizeof *check->v);
	check->n = n;
	for (i = 0; i < n; i++) {
		check->v[i].server = xstrdup(servers[i].name);
		check->v[i].addr = xstrdup(servers[i].addr);
	}
	dns_servers_free(servers, n);

	job.opts = opts;
	job.owner = owner;
	job.present = present;
	job.npresent = npresent;
	job.absent = absent;
	job.nabsent = nabsent;
	job.check = check;
	parallel_for(n, publish_ask_one, &job);

	for (i = 0; i < n; i++) {
		if (check->v[i].ok)
			check->nok++;
		if (check->v[i].rrset.ttl > check->ttl)
			check->ttl = check->v[i].rrset.ttl;
		log_debug("publish: %s [%s] %s: %s", check->v[i].server,
		    check->v[i].addr, owner, check->v[i].ok ? "ok" :
		    check->v[i].error != NULL ? check->v[i].error :
		    check->v[i].why);
	}
	return check->nok == check->n ? 0 : 1;
}

void
publish_check_free(struct publish_check *check)
{
	size_t	i;

	for (i = 0; i < check->n; i++) {
		free(check->v[i].server);
		free(check->v[i].addr);
		free(check->v[i].error);
		free(check->v[i].why);
		publish_rrset_free(&check->v[i].rrset);
	}
	free(check->v);
	memset(check, 0, sizeof *check);
}

/* The owner of the SOA in the answer or authority section of a. */
static char *
publish_soa_owner(const struct dns_answer *a)
{
	ldns_rr_list	*sections[2];
	ldns_rr		*rr;
	size_t		 s, i;

	if (a->pkt == NULL)
		return NULL;
	sections[0] = ldns_pkt_answer(a->pkt);
	sections[1] = ldns_pkt_authority(a->pkt);
	for (s = 0; s < 2; s++) {
		for (i = 0; i < ldns_rr_list_rr_count(sections[s]); i++) {
			rr = ldns_rr_list_rr(sections[s], i);
			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA)
				return dns_name_str(ldns_rr_owner(rr));
		}
	}
	return NULL;
}

/* 1 when name is zone or below it (both without the trailing dot). */
static int
publish_name_under(const char *name, const char *zone)
{
	size_t	nlen = strlen(name), zlen = strlen(zone);

	if (strcmp(zone, ".") == 0 || zlen == 0)
		return 1;
	if (nlen > 0 && name[nlen - 1] == '.')
		nlen--;
	if (nlen < zlen || strncasecmp(name + nlen - zlen, zone, zlen) != 0)
		return 0;
	return nlen == zlen || name[nlen - zlen - 1] == '.';
}

char *
publish_find_zone(const struct probe_opts *opts, const char *name,
    char **cause)
{
	struct dns_answer	*a;
	char			*zone = NULL;

	a = dns_lookup(opts, name, LDNS_RR_TYPE_SOA);
	if (!a->answered)
		xasprintf(cause, "cannot find the zone of %s: %s", name,
		    a->error);
	else if (a->rcode != LDNS_RCODE_NOERROR &&
	    a->rcode != LDNS_RCODE_NXDOMAIN)
		xasprintf(cause, "cannot find the zone of %s: %s", name,
		    dns_answer_rcode_name(a));
	else if ((zone = publish_soa_owner(a)) == NULL)
		xasprintf(cause, "cannot find the zone of %s: no SOA in the "
		    "answer", name);
	else if (!publish_name_under(name, zone)) {
		xasprintf(cause, "the SOA for %s is that of %s, which does not "
		    "hold it", name, zone);
		free(zone);
		zone = NULL;
	}
	dns_answer_free(a);
	return zone;
}
