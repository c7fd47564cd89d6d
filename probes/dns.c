/*
 * DNS lookups through ldns (RFC 1034, RFC 1035, RFC 4035).
 *
 * Each lookup builds its own ldns resolver, so lookups can run on many
 * threads at once without sharing mutable resolver state.  Queries carry
 * DO so that RRSIGs come back, and the answer keeps the whole packet for
 * the DNSSEC code that validates it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "log.h"
#include "xmalloc.h"

#define DNS_MAX_CNAME_HOPS	16

static int	dns_parse_server(const char *, ldns_rdf **, uint16_t *);
static void	dns_follow_answer(struct dns_answer *, ldns_rdf *);

/* Splits "ADDR", "ADDR@PORT" or "[ADDR]:PORT" into an address and port. */
static int
dns_parse_server(const char *spec, ldns_rdf **addr, uint16_t *port)
{
	char		*copy, *host, *at, *end;
	unsigned long	 n;
	int		 rc = -1;

	copy = xstrdup(spec);
	host = copy;
	*port = 53;

	if (*host == '[' && (end = strchr(host, ']')) != NULL) {
		*end = '\0';
		at = end[1] == ':' ? end + 1 : NULL;
		host++;
	} else
		at = strchr(host, '@');

	if (at != NULL) {
		*at++ = '\0';
		n = strtoul(at, &end, 10);
		if (*at == '\0' || *end != '\0' || n == 0 || n > 65535)
			goto out;
		*port = (uint16_t)n;
	}

	*addr = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, host);
	if (*addr == NULL)
		*addr = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_AAAA, host);
	if (*addr != NULL)
		rc = 0;
out:
	free(copy);
	return rc;
}

ldns_resolver *
dns_resolver_new(const struct probe_opts *opts, char **cause)
{
	ldns_resolver	*res = NULL;
	ldns_rdf	*addr;
	uint16_t	 port;
	struct timeval	 tv;
	ldns_status	 s;
	int		 ms;

	if (opts->resolver != NULL) {
		if (dns_parse_server(opts->resolver, &addr, &port) != 0) {
			xasprintf(cause, "bad resolver address: %s",
			    opts->resolver);
			return NULL;
		}
		res = ldns_resolver_new();
		ldns_resolver_push_nameserver(res, addr);
		ldns_resolver_set_port(res, port);
		ldns_rdf_deep_free(addr);
	} else {
		s = ldns_resolver_new_frm_file(&res, NULL);
		if (s != LDNS_STATUS_OK) {
			xasprintf(cause, "cannot read the system resolver "
			    "configuration: %s", ldns_get_errorstr_by_id(s));
			return NULL;
		}
	}

	ms = opts->timeout_ms > 0 ? opts->timeout_ms : PROBE_DEFAULT_TIMEOUT_MS;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	ldns_resolver_set_timeout(res, tv);
	ldns_resolver_set_retry(res, 1);
	ldns_resolver_set_recursive(res, true);
	ldns_resolver_set_dnssec(res, true);
	ldns_resolver_set_dnssec_cd(res, false);
	ldns_resolver_set_fallback(res, true);
	ldns_resolver_set_random(res, false);
	return res;
}

/*
 * Walks CNAMEs in the answer section starting at qname and collects the
 * RRs of the asked type at the end of the chain, with their RRSIGs.
 */
static void
dns_follow_answer(struct dns_answer *a, ldns_rdf *qname)
{
	ldns_rr_list	*answer = ldns_pkt_answer(a->pkt);
	ldns_rdf	*name = qname;
	ldns_rr		*rr;
	size_t		 i, hops;
	int		 moved;

	a->rrs = ldns_rr_list_new();
	for (hops = 0; hops < DNS_MAX_CNAME_HOPS; hops++) {
		moved = 0;
		for (i = 0; i < ldns_rr_list_rr_count(answer); i++) {
			rr = ldns_rr_list_rr(answer, i);
			if (ldns_dname_compare(ldns_rr_owner(rr), name) != 0)
				continue;
			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
			    a->qtype != LDNS_RR_TYPE_CNAME) {
				name = ldns_rr_rdf(rr, 0);
				moved = 1;
				break;
			}
		}
		if (!moved)
			break;
	}

	/* A chain that has not ended after so many links is a loop. */
	if (moved) {
		a->answered = 0;
		a->error = xprintf("the CNAME chain from %s does not end "
		    "(more than %d links, or a loop)", a->qname,
		    DNS_MAX_CNAME_HOPS);
		return;
	}

	for (i = 0; i < ldns_rr_list_rr_count(answer); i++) {
		rr = ldns_rr_list_rr(answer, i);
		if (ldns_rr_get_type(rr) == a->qtype &&
		    ldns_dname_compare(ldns_rr_owner(rr), name) == 0)
			ldns_rr_list_push_rr(a->rrs, ldns_rr_clone(rr));
	}
	a->sigs = ldns_dnssec_pkt_get_rrsigs_for_name_and_type(a->pkt, name,
	    a->qtype);
	if (name != qname)
		a->canonical = dns_name_str(name);
}

/* "127.0.0.1" or "127.0.0.1@5353", for messages: who did not answer. */
static char *
dns_resolver_str(ldns_resolver *res)
{
	char	*addr, *s;

	if (ldns_resolver_nameserver_count(res) == 0)
		return xstrdup("no name server configured");
	addr = ldns_rdf2str(ldns_resolver_nameservers(res)[0]);
	if (ldns_resolver_port(res) == 53)
		s = xprintf("%s", addr);
	else
		s = xprintf("%s@%u", addr, ldns_resolver_port(res));
	free(addr);
	return s;
}

/*
 * Is reply the answer to query?  ldns takes the first packet that comes
 * back, so a forged one (RFC 5452 §3) would be believed: its ID and its
 * question must both be those of the query.
 */
static int
dns_reply_matches(const ldns_pkt *query, const ldns_pkt *reply)
{
	const ldns_rr	*q, *r;

	if (ldns_pkt_id(reply) != ldns_pkt_id(query) || !ldns_pkt_qr(reply) ||
	    ldns_pkt_qdcount(reply) != 1)
		return 0;
	q = ldns_rr_list_rr(ldns_pkt_question(query), 0);
	r = ldns_rr_list_rr(ldns_pkt_question(reply), 0);
	return q != NULL && r != NULL &&
	    ldns_rr_get_type(q) == ldns_rr_get_type(r) &&
	    ldns_rr_get_class(q) == ldns_rr_get_class(r) &&
	    ldns_dname_compare(ldns_rr_owner(q), ldns_rr_owner(r)) == 0;
}

/* Did ldns fail to read the bytes that came back as a DNS message? */
static int
dns_status_malformed(ldns_status s)
{
	switch (s) {
	case LDNS_STATUS_LABEL_OVERFLOW:
	case LDNS_STATUS_DOMAINNAME_OVERFLOW:
	case LDNS_STATUS_DOMAINNAME_UNDERFLOW:
	case LDNS_STATUS_PACKET_OVERFLOW:
	case LDNS_STATUS_INVALID_POINTER:
	case LDNS_STATUS_WIRE_INCOMPLETE_HEADER:
	case LDNS_STATUS_WIRE_INCOMPLETE_QUESTION:
	case LDNS_STATUS_WIRE_INCOMPLETE_ANSWER:
	case LDNS_STATUS_WIRE_INCOMPLETE_AUTHORITY:
	case LDNS_STATUS_WIRE_INCOMPLETE_ADDITIONAL:
	case LDNS_STATUS_WIRE_RDATA_ERR:
		return 1;
	default:
		return 0;
	}
}

/*
 * Sends query over UDP and, when the answer comes back truncated, again
 * over TCP (RFC 7766 §5), so that the error can say which of the two
 * failed.  Fills *reply only with an answer to the query.
 */
static char *
dns_exchange(ldns_resolver *res, ldns_pkt *query, ldns_pkt **reply)
{
	const char	*how = "";
	ldns_status	 s;
	long long	 start = probe_now_ms();
	int		 ms;

	*reply = NULL;
	ldns_resolver_set_fallback(res, false);
	s = ldns_resolver_send_pkt(reply, res, query);
	if (s == LDNS_STATUS_OK && *reply != NULL && ldns_pkt_tc(*reply) &&
	    dns_reply_matches(query, *reply)) {
		ldns_pkt_free(*reply);
		*reply = NULL;
		how = "the answer came truncated and the retry over TCP "
		    "failed: ";
		start = probe_now_ms();
		ldns_resolver_set_usevc(res, true);
		s = ldns_resolver_send_pkt(reply, res, query);
		ldns_resolver_set_usevc(res, false);
	}

	if (s == LDNS_STATUS_OK && *reply != NULL &&
	    !dns_reply_matches(query, *reply)) {
		ldns_pkt_free(*reply);
		*reply = NULL;
		return xstrdup("the answer did not match the question (wrong "
		    "ID or question: forged, or a broken resolver)");
	}
	if (s == LDNS_STATUS_OK && *reply != NULL)
		return NULL;
	if (*reply != NULL) {
		ldns_pkt_free(*reply);
		*reply = NULL;
	}

	/* ldns says "network error" for a timeout, which it mostly is. */
	ms = ldns_resolver_timeout(res).tv_sec * 1000 +
	    ldns_resolver_timeout(res).tv_usec / 1000;
	if (s == LDNS_STATUS_NETWORK_ERR && probe_now_ms() - start >= ms)
		return xprintf("%snothing came back within %d ms", how, ms);
	if (dns_status_malformed(s))
		return xprintf("%sthe answer is not a readable DNS message: %s",
		    how, ldns_get_errorstr_by_id(s));
	return xprintf("%s%s", how, ldns_get_errorstr_by_id(
	    s != LDNS_STATUS_OK ? s : LDNS_STATUS_NETWORK_ERR));
}

/*
 * Does rr carry every field of its type?  ldns accepts an RR whose rdata
 * stops short and leaves the missing fields NULL, which every reader of
 * an MX preference or a DNSKEY flag would then trip over.
 */
static int
dns_rr_complete(const ldns_rr *rr)
{
	const ldns_rr_descriptor	*d;
	size_t				 i;

	d = ldns_rr_descript(ldns_rr_get_type(rr));
	if (d != NULL && ldns_rr_rd_count(rr) < ldns_rr_descriptor_minimum(d))
		return 0;
	for (i = 0; i < ldns_rr_rd_count(rr); i++)
		if (ldns_rr_rdf(rr, i) == NULL)
			return 0;
	return 1;
}

/* The first RR of the response that is not complete, or NULL. */
static const ldns_rr *
dns_pkt_malformed(const ldns_pkt *pkt)
{
	ldns_rr_list	*sections[3];
	size_t		 i, j;

	sections[0] = ldns_pkt_answer(pkt);
	sections[1] = ldns_pkt_authority(pkt);
	sections[2] = ldns_pkt_additional(pkt);
	for (i = 0; i < 3; i++)
		for (j = 0; j < ldns_rr_list_rr_count(sections[i]); j++)
			if (!dns_rr_complete(ldns_rr_list_rr(sections[i], j)))
				return ldns_rr_list_rr(sections[i], j);
	return NULL;
}

/* Fills a from pkt, which a now owns: rcode, AD bit, the RRs asked for. */
static void
dns_answer_fill(struct dns_answer *a, ldns_rdf *qname, ldns_pkt *pkt)
{
	const ldns_rr	*bad;
	char		*type, *owner;

	a->pkt = pkt;
	if ((bad = dns_pkt_malformed(pkt)) != NULL) {
		type = ldns_rr_type2str(ldns_rr_get_type(bad));
		owner = dns_name_str(ldns_rr_owner(bad));
		a->error = xprintf("the answer holds an incomplete %s record "
		    "for %s (its data is cut short)", type, owner);
		free(owner);
		free(type);
		return;
	}
	a->answered = 1;
	a->rcode = ldns_pkt_get_rcode(pkt);
	a->ad = ldns_pkt_ad(pkt);
	dns_follow_answer(a, qname);
}

static struct dns_answer *
dns_answer_new(const char *name, ldns_rr_type type)
{
	struct dns_answer	*a;

	a = xcalloc(1, sizeof *a);
	a->qname = xstrdup(name);
	a->qtype = type;
	return a;
}

struct dns_answer *
dns_answer_from_pkt(const char *name, ldns_rr_type type, ldns_pkt *pkt)
{
	struct dns_answer	*a;
	ldns_rdf		*qname;

	a = dns_answer_new(name, type);
	if ((qname = ldns_dname_new_frm_str(name)) == NULL) {
		a->error = xprintf("not a valid domain name: %s", name);
		ldns_pkt_free(pkt);
		return a;
	}
	dns_answer_fill(a, qname, pkt);
	ldns_rdf_deep_free(qname);
	return a;
}

/* Sends one query with res and fills an answer for name/type. */
static struct dns_answer *
dns_query(ldns_resolver *res, const char *name, ldns_rr_type type,
    uint16_t flags)
{
	struct dns_answer	*a;
	ldns_pkt		*query = NULL, *reply;
	ldns_rdf		*qname;
	ldns_status		 s;
	long long		 start = probe_now_ms();
	char			*server, *why;

	a = dns_answer_new(name, type);
	if ((qname = ldns_dname_new_frm_str(name)) == NULL) {
		a->error = xprintf("not a valid domain name: %s", name);
		return a;
	}

	s = ldns_resolver_prepare_query_pkt(&query, res, qname, type,
	    LDNS_RR_CLASS_IN, flags);
	if (s != LDNS_STATUS_OK)
		why = xstrdup(ldns_get_errorstr_by_id(s));
	else
		why = dns_exchange(res, query, &reply);
	a->elapsed_ms = probe_now_ms() - start;

	if (why != NULL) {
		server = dns_resolver_str(res);
		a->error = xprintf("no answer from %s: %s", server, why);
		free(server);
		free(why);
		log_debug("dns %s/%d: %s", name, type, a->error);
	} else {
		dns_answer_fill(a, qname, reply);
		log_debug("dns %s/%d: %s ad=%d rrs=%zu %lldms", name, type,
		    dns_answer_rcode_name(a), a->ad, a->rrs != NULL ?
		    ldns_rr_list_rr_count(a->rrs) : 0, a->elapsed_ms);
	}
	if (query != NULL)
		ldns_pkt_free(query);
	ldns_rdf_deep_free(qname);
	return a;
}

/* An answer that says why no query could be sent. */
static struct dns_answer *
dns_unsent(const char *name, ldns_rr_type type, char *cause)
{
	struct dns_answer	*a;

	a = dns_answer_new(name, type);
	a->error = cause;
	return a;
}

struct dns_answer *
dns_lookup(const struct probe_opts *opts, const char *name,
    ldns_rr_type type)
{
	struct dns_answer	*a;
	ldns_resolver		*res;
	char			*cause = NULL;

	if ((res = dns_resolver_new(opts, &cause)) == NULL)
		return dns_unsent(name, type, cause);
	a = dns_query(res, name, type, LDNS_RD);
	ldns_resolver_deep_free(res);
	return a;
}

struct dns_answer *
dns_lookup_cd(const struct probe_opts *opts, const char *name,
    ldns_rr_type type)
{
	struct dns_answer	*a;
	ldns_resolver		*res;
	char			*cause = NULL;

	if ((res = dns_resolver_new(opts, &cause)) == NULL)
		return dns_unsent(name, type, cause);
	ldns_resolver_set_dnssec_cd(res, true);
	a = dns_query(res, name, type, LDNS_RD | LDNS_CD);
	ldns_resolver_deep_free(res);
	return a;
}

struct dns_answer *
dns_lookup_at(const struct probe_opts *opts, const char *server,
    const char *name, ldns_rr_type type)
{
	struct probe_opts	 direct = *opts;
	struct dns_answer	*a;
	ldns_resolver		*res;
	char			*cause = NULL;

	direct.resolver = server;
	if ((res = dns_resolver_new(&direct, &cause)) == NULL)
		return dns_unsent(name, type, cause);
	ldns_resolver_set_recursive(res, false);
	a = dns_query(res, name, type, 0);
	ldns_resolver_deep_free(res);
	return a;
}

struct dns_server *
dns_zone_servers(const struct probe_opts *opts, const char *zone,
    size_t *n, char **cause)
{
	struct dns_server	*v = NULL;
	struct dns_answer	*ns, *addr;
	ldns_rr_type		 types[2] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA };
	char			*host;
	size_t			 i, j, k;

	/*
	 * With CD: which servers to ask must be known even when the zone
	 * does not validate, since that is when comparing them matters.
	 */
	*n = 0;
	ns = dns_lookup_cd(opts, zone, LDNS_RR_TYPE_NS);
	if (!dns_answer_has_data(ns)) {
		xasprintf(cause, "no NS records for %s: %s", zone,
		    ns->answered ? dns_answer_rcode_name(ns) : ns->error);
		dns_answer_free(ns);
		return NULL;
	}

	for (i = 0; i < ldns_rr_list_rr_count(ns->rrs); i++) {
		host = dns_name_str(ldns_rr_rdf(ldns_rr_list_rr(ns->rrs, i),
		    0));
		for (k = 0; k < 2; k++) {
			addr = dns_lookup_cd(opts, host, types[k]);
			for (j = 0; addr->rrs != NULL &&
			    j < ldns_rr_list_rr_count(addr->rrs); j++) {
				v = xreallocarray(v, *n + 1, sizeof *v);
				v[*n].name = xstrdup(host);
				v[*n].addr = ldns_rdf2str(ldns_rr_rdf(
				    ldns_rr_list_rr(addr->rrs, j), 0));
				(*n)++;
			}
			dns_answer_free(addr);
		}
		free(host);
	}
	dns_answer_free(ns);
	if (*n == 0)
		xasprintf(cause, "the name servers of %s have no address",
		    zone);
	return v;
}

void
dns_servers_free(struct dns_server *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].addr);
	}
	free(v);
}

void
dns_answer_free(struct dns_answer *a)
{
	if (a == NULL)
		return;
	free(a->qname);
	free(a->error);
	free(a->canonical);
	if (a->pkt != NULL)
		ldns_pkt_free(a->pkt);
	if (a->rrs != NULL)
		ldns_rr_list_deep_free(a->rrs);
	if (a->sigs != NULL)
		ldns_rr_list_deep_free(a->sigs);
	free(a);
}

long
dns_answer_ttl(const struct dns_answer *a)
{
	ldns_rdf	*orig;

	if (a == NULL || a->rrs == NULL || ldns_rr_list_rr_count(a->rrs) == 0)
		return -1;
	if (a->sigs != NULL && ldns_rr_list_rr_count(a->sigs) > 0 &&
	    (orig = ldns_rr_rrsig_origttl(ldns_rr_list_rr(a->sigs, 0))) !=
	    NULL)
		return (long)ldns_rdf2native_int32(orig);
	return (long)ldns_rr_ttl(ldns_rr_list_rr(a->rrs, 0));
}

int
dns_answer_has_data(const struct dns_answer *a)
{
	return a != NULL && a->answered && a->rcode == LDNS_RCODE_NOERROR &&
	    ldns_rr_list_rr_count(a->rrs) > 0;
}

int
dns_answer_is_nodata(const struct dns_answer *a)
{
	if (a == NULL || !a->answered)
		return 0;
	if (a->rcode == LDNS_RCODE_NXDOMAIN)
		return 1;
	return a->rcode == LDNS_RCODE_NOERROR &&
	    ldns_rr_list_rr_count(a->rrs) == 0;
}

const char *
dns_answer_rcode_name(const struct dns_answer *a)
{
	ldns_lookup_table	*lt;

	if (a == NULL || !a->answered)
		return "no answer";
	lt = ldns_lookup_by_id(ldns_rcodes, a->rcode);
	return lt != NULL ? lt->name : "unknown rcode";
}

/* Joins the character-strings of one TXT RR without separators. */
static char *
dns_txt_join(const ldns_rr *rr)
{
	const ldns_rdf	*rdf;
	const uint8_t	*data;
	char		*out;
	size_t		 i, len = 0, size = 1;

	for (i = 0; i < ldns_rr_rd_count(rr); i++)
		size += ldns_rdf_size(ldns_rr_rdf(rr, i));
	out = xmalloc(size);

	for (i = 0; i < ldns_rr_rd_count(rr); i++) {
		rdf = ldns_rr_rdf(rr, i);
		data = ldns_rdf_data(rdf);
		if (ldns_rdf_size(rdf) < 1 || data[0] + 1u > ldns_rdf_size(rdf))
			continue;
		memcpy(out + len, data + 1, data[0]);
		len += data[0];
	}
	out[len] = '\0';
	return out;
}

char **
dns_answer_txt(const struct dns_answer *a, size_t *n)
{
	char	**v;
	size_t	  i, count;

	*n = 0;
	if (a == NULL || a->rrs == NULL)
		return NULL;
	count = ldns_rr_list_rr_count(a->rrs);
	if (count == 0)
		return NULL;

	v = xcalloc(count, sizeof *v);
	for (i = 0; i < count; i++)
		v[i] = dns_txt_join(ldns_rr_list_rr(a->rrs, i));
	*n = count;
	return v;
}

void
dns_strv_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

ldns_rr_list *
dns_trust_anchor_load(const char *path, char **cause)
{
	ldns_rr_list	*anchors;
	FILE		*f;

	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "cannot open trust anchor %s: %m", path);
		return NULL;
	}
	anchors = dns_trust_anchor_read(f, path, cause);
	fclose(f);
	return anchors;
}

ldns_rr_list *
dns_trust_anchor_read(FILE *f, const char *name, char **cause)
{
	ldns_rr_list	*anchors;
	ldns_rr		*rr;
	ldns_rdf	*origin = NULL, *prev = NULL;
	ldns_status	 s;
	uint32_t	 ttl = 3600;
	int		 line = 1;

	anchors = ldns_rr_list_new();
	while (!feof(f)) {
		s = ldns_rr_new_frm_fp_l(&rr, f, &ttl, &origin, &prev, &line);
		if (s == LDNS_STATUS_SYNTAX_EMPTY ||
		    s == LDNS_STATUS_SYNTAX_TTL ||
		    s == LDNS_STATUS_SYNTAX_ORIGIN)
			continue;
		if (s != LDNS_STATUS_OK) {
			xasprintf(cause, "trust anchor %s, near line %d: %s",
			    name, line, ldns_get_errorstr_by_id(s));
			ldns_rr_list_deep_free(anchors);
			anchors = NULL;
			break;
		}
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DS ||
		    ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY)
			ldns_rr_list_push_rr(anchors, rr);
		else
			ldns_rr_free(rr);
	}
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);

	if (anchors != NULL && ldns_rr_list_rr_count(anchors) == 0) {
		xasprintf(cause, "trust anchor %s holds no DS or DNSKEY "
		    "record", name);
		ldns_rr_list_deep_free(anchors);
		anchors = NULL;
	}
	return anchors;
}

char *
dns_name_str(const ldns_rdf *rdf)
{
	char	*s, *p;
	size_t	 len;

	if ((s = ldns_rdf2str(rdf)) == NULL)
		return xstrdup("");
	len = strlen(s);
	if (len > 1 && s[len - 1] == '.')
		s[len - 1] = '\0';
	for (p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}
