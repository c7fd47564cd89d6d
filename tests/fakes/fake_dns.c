/*
 * fake_dns: a DNS server that misbehaves on purpose, for the hostile-input
 * tests (tests/integration/hostile.sh).  Real servers do not send forged
 * IDs or hang a TCP fallback when asked to, so a fake is the only way to
 * show that mxanchor ends every lookup within its timeout, with a message.
 *
 * It serves one zone file and also claims recursion, so that mxanchor can
 * use it as its resolver.  The label just under the zone's apex chooses
 * how every name beneath it is answered:
 *
 *   silent      nothing, ever
 *   tc-hang     UDP: an empty answer with TC set; TCP: reads the query
 *               and never answers
 *   tc-close    UDP: TC; TCP: closes the connection after the query
 *   tc-short    UDP: TC; TCP: announces 512 bytes, sends 12, stays open
 *   forged      UDP: the right answer under a wrong ID, then nothing
 *   wrong-name  UDP: the right ID, an answer to another question
 *   garbage     UDP: the query's ID, then bytes that are not DNS
 *   huge        MX, A, TXT and TLSA answers of thousands of records or
 *               tens of kilobytes (TC over UDP, the whole over TCP)
 *   cut-short   the zone's answer, but its first record's data cut to
 *               nothing (an MX without preference or host)
 *
 * Any other name is answered from the zone: records of the asked type,
 * CNAMEs followed within the zone, NODATA or NXDOMAIN with the SOA.
 *
 * Usage: fake_dns ADDR PORT ZONEFILE.  Prints "ready" once it listens;
 * runs until killed.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "xmalloc.h"

#define FAKE_MAX_CONNS		64
#define FAKE_MAX_WIRE		65535
#define FAKE_CNAME_HOPS		8
#define FAKE_HUGE_COUNT		3000
#define FAKE_TXT_STRINGS	200
#define FAKE_CACHE_SIZE		256

enum fake_mode {
	FAKE_ZONE,
	FAKE_SILENT,
	FAKE_TC_HANG,
	FAKE_TC_CLOSE,
	FAKE_TC_SHORT,
	FAKE_FORGED,
	FAKE_WRONG_NAME,
	FAKE_GARBAGE,
	FAKE_HUGE,
	FAKE_CUT_SHORT,
};

static const char *fake_mode_names[] = {
	"", "silent", "tc-hang", "tc-close", "tc-short", "forged",
	"wrong-name", "garbage", "huge", "cut-short",
};

/* A TCP client: a length-prefixed query being read, or a held socket. */
struct fake_conn {
	int	 fd;
	uint8_t	 buf[2 + FAKE_MAX_WIRE];
	size_t	 len;
	int	 held;		/* answered all it will get; read and drop */
};

static ldns_zone	*zone;
static ldns_rdf		*apex;
static struct fake_conn	 conns[FAKE_MAX_CONNS];

static void
fake_die(const char *what)
{
	fprintf(stderr, "fake_dns: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The zone's records, the SOA included, as one list to walk. */
static ldns_rr *
fake_zone_rr(size_t i)
{
	if (i == 0)
		return ldns_zone_soa(zone);
	return ldns_rr_list_rr(ldns_zone_rrs(zone), i - 1);
}

static size_t
fake_zone_count(void)
{
	return 1 + ldns_rr_list_rr_count(ldns_zone_rrs(zone));
}

/* The label under the apex names the misbehaviour; none is the zone. */
static enum fake_mode
fake_mode_of(const ldns_rdf *qname)
{
	ldns_rdf	*label;
	char		*s;
	size_t		 i;
	uint8_t		 depth;

	if (!ldns_dname_is_subdomain(qname, apex))
		return FAKE_ZONE;
	depth = ldns_dname_label_count(qname) - ldns_dname_label_count(apex);
	if ((label = ldns_dname_label(qname, depth - 1)) == NULL)
		return FAKE_ZONE;
	s = ldns_rdf2str(label);
	ldns_rdf_deep_free(label);
	s[strcspn(s, ".")] = '\0';
	for (i = 1; i < sizeof fake_mode_names / sizeof *fake_mode_names;
	    i++) {
		if (strcasecmp(s, fake_mode_names[i]) == 0) {
			free(s);
			return (enum fake_mode)i;
		}
	}
	free(s);
	return FAKE_ZONE;
}

/* Does the zone hold name, or anything below it (an empty non-terminal)? */
static int
fake_name_exists(const ldns_rdf *name)
{
	size_t	i;

	for (i = 0; i < fake_zone_count(); i++) {
		if (ldns_dname_compare(ldns_rr_owner(fake_zone_rr(i)),
		    name) == 0 ||
		    ldns_dname_is_subdomain(ldns_rr_owner(fake_zone_rr(i)),
		    name))
			return 1;
	}
	return 0;
}

/* Appends the zone's RRs at name of type; returns how many. */
static size_t
fake_push_rrset(ldns_pkt *reply, const ldns_rdf *name, ldns_rr_type type)
{
	ldns_rr	*rr;
	size_t	 i, n = 0;

	for (i = 0; i < fake_zone_count(); i++) {
		rr = fake_zone_rr(i);
		if (ldns_rr_get_type(rr) != type ||
		    ldns_dname_compare(ldns_rr_owner(rr), name) != 0)
			continue;
		ldns_pkt_push_rr(reply, LDNS_SECTION_ANSWER, ldns_rr_clone(rr));
		n++;
	}
	return n;
}

/* The CNAME at name, if the zone has one. */
static ldns_rr *
fake_cname_at(const ldns_rdf *name)
{
	ldns_rr	*rr;
	size_t	 i;

	for (i = 0; i < fake_zone_count(); i++) {
		rr = fake_zone_rr(i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
		    ldns_dname_compare(ldns_rr_owner(rr), name) == 0)
			return rr;
	}
	return NULL;
}

/* An answer as an authoritative server would give it from the zone. */
static void
fake_answer_zone(ldns_pkt *reply, const ldns_rdf *qname, ldns_rr_type qtype)
{
	const ldns_rdf	*name = qname;
	ldns_rr		*cname;
	int		 hops;

	if (!ldns_dname_is_subdomain(qname, apex) &&
	    ldns_dname_compare(qname, apex) != 0) {
		ldns_pkt_set_rcode(reply, LDNS_RCODE_REFUSED);
		return;
	}
	for (hops = 0; hops < FAKE_CNAME_HOPS; hops++) {
		if (fake_push_rrset(reply, name, qtype) > 0)
			return;
		if (qtype == LDNS_RR_TYPE_CNAME ||
		    (cname = fake_cname_at(name)) == NULL)
			break;
		ldns_pkt_push_rr(reply, LDNS_SECTION_ANSWER,
		    ldns_rr_clone(cname));
		name = ldns_rr_rdf(cname, 0);
	}
	if (!fake_name_exists(name))
		ldns_pkt_set_rcode(reply, LDNS_RCODE_NXDOMAIN);
	ldns_pkt_push_rr(reply, LDNS_SECTION_AUTHORITY,
	    ldns_rr_clone(ldns_zone_soa(zone)));
}

static ldns_rr	*fake_rr(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* One RR from its presentation form; the fake's own strings are valid. */
static ldns_rr *
fake_rr(const char *fmt, ...)
{
	ldns_rr	*rr = NULL;
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	if (ldns_rr_new_frm_str(&rr, s, 300, NULL, NULL) != LDNS_STATUS_OK) {
		fprintf(stderr, "fake_dns: bad RR %s\n", s);
		exit(1);
	}
	free(s);
	return rr;
}

/* One TXT RR of FAKE_TXT_STRINGS strings of 255 bytes after prefix. */
static ldns_rr *
fake_huge_txt(const char *owner, const char *prefix)
{
	char	*text, *p;
	size_t	 i, size;

	size = strlen(owner) + strlen(prefix) + FAKE_TXT_STRINGS * 258 + 32;
	text = xmalloc(size);
	p = text + snprintf(text, size, "%s. 300 IN TXT \"%s\"", owner,
	    prefix);
	for (i = 0; i < FAKE_TXT_STRINGS; i++) {
		*p++ = ' ';
		*p++ = '"';
		memset(p, '0' + (char)(i % 10), 255);
		p += 255;
		*p++ = '"';
	}
	*p = '\0';
	return fake_rr("%s", text);
}

/* Thousands of records, or one enormous one, for the asked type. */
static void
fake_answer_huge(ldns_pkt *reply, const ldns_rdf *qname, ldns_rr_type qtype,
    size_t count)
{
	char	*owner;
	size_t	 i;

	owner = ldns_rdf2str(qname);
	owner[strlen(owner) - 1] = '\0';
	for (i = 0; i < count; i++) {
		if (qtype == LDNS_RR_TYPE_MX)
			ldns_pkt_push_rr(reply, LDNS_SECTION_ANSWER, fake_rr(
			    "%s. 300 IN MX %zu mx%zu.%s.", owner, i % 100, i,
			    owner));
		else if (qtype == LDNS_RR_TYPE_A)
			ldns_pkt_push_rr(reply, LDNS_SECTION_ANSWER, fake_rr(
			    "%s. 300 IN A 127.1.%zu.%zu", owner, i / 250,
			    i % 250 + 1));
		else if (qtype == LDNS_RR_TYPE_TLSA)
			ldns_pkt_push_rr(reply, LDNS_SECTION_ANSWER, fake_rr(
			    "%s. 300 IN TLSA 3 1 1 %064zx", owner, i));
		else
			break;
	}
	if (qtype == LDNS_RR_TYPE_TXT) {
		ldns_pkt_push_rr(reply, LDNS_SECTION_ANSWER,
		    fake_huge_txt(owner, strncmp(owner, "_smtp._tls.", 11) ==
		    0 ? "v=TLSRPTv1; rua=mailto:a@b.example," :
		    "v=STSv1; id="));
	}
	free(owner);
	if (ldns_pkt_ancount(reply) == 0)
		ldns_pkt_push_rr(reply, LDNS_SECTION_AUTHORITY,
		    ldns_rr_clone(ldns_zone_soa(zone)));
}

/* A reply with the query's ID, question and RD, from a recursive server. */
static ldns_pkt *
fake_reply_new(const ldns_pkt *query)
{
	ldns_pkt	*reply;

	reply = ldns_pkt_new();
	ldns_pkt_set_id(reply, ldns_pkt_id(query));
	ldns_pkt_set_qr(reply, true);
	ldns_pkt_set_aa(reply, true);
	ldns_pkt_set_ra(reply, true);
	ldns_pkt_set_rd(reply, ldns_pkt_rd(query));
	ldns_pkt_set_opcode(reply, LDNS_PACKET_QUERY);
	if (ldns_pkt_question(query) != NULL)
		ldns_pkt_push_rr_list(reply, LDNS_SECTION_QUESTION,
		    ldns_rr_list_clone(ldns_pkt_question(query)));
	if (ldns_pkt_edns(query)) {
		ldns_pkt_set_edns_udp_size(reply, 4096);
		ldns_pkt_set_edns_do(reply, ldns_pkt_edns_do(query));
	}
	return reply;
}

/* The reply's wire form, huge answers cut down until they fit 64 KiB. */
static uint8_t *
fake_wire_build(const ldns_pkt *query, enum fake_mode mode, size_t *len)
{
	const ldns_rr	*q = ldns_rr_list_rr(ldns_pkt_question(query), 0);
	ldns_pkt	*reply;
	uint8_t		*wire = NULL;
	size_t		 count = FAKE_HUGE_COUNT;

	for (;;) {
		reply = fake_reply_new(query);
		if (mode == FAKE_HUGE)
			fake_answer_huge(reply, ldns_rr_owner(q),
			    ldns_rr_get_type(q), count);
		else
			fake_answer_zone(reply, ldns_rr_owner(q),
			    ldns_rr_get_type(q));
		if (ldns_pkt2wire(&wire, reply, len) != LDNS_STATUS_OK)
			wire = NULL;
		ldns_pkt_free(reply);
		if (wire == NULL || *len <= FAKE_MAX_WIRE || count < 2)
			return wire;
		free(wire);
		count /= 2;
	}
}

/*
 * The same, with huge answers made once per name and type: building
 * thousands of RRs takes long enough that a check's queries would pile
 * up behind it, and the next test's with them.
 */
static uint8_t *
fake_wire(const ldns_pkt *query, enum fake_mode mode, size_t *len)
{
	static struct {
		char	*key;
		uint8_t	*wire;
		size_t	 len;
	}		 cache[FAKE_CACHE_SIZE];
	static size_t	 next;
	const ldns_rr	*q = ldns_rr_list_rr(ldns_pkt_question(query), 0);
	uint8_t		*wire;
	char		*name, *key;
	size_t		 i;

	if (mode != FAKE_HUGE)
		return fake_wire_build(query, mode, len);
	name = ldns_rdf2str(ldns_rr_owner(q));
	key = xprintf("%s/%d", name, ldns_rr_get_type(q));
	free(name);
	for (i = 0; i < FAKE_CACHE_SIZE; i++)
		if (cache[i].key != NULL && strcasecmp(cache[i].key, key) == 0)
			break;
	if (i == FAKE_CACHE_SIZE) {
		if ((wire = fake_wire_build(query, mode, len)) == NULL) {
			free(key);
			return NULL;
		}
		i = next++ % FAKE_CACHE_SIZE;
		free(cache[i].key);
		free(cache[i].wire);
		cache[i].key = key;
		cache[i].wire = wire;
		cache[i].len = *len;
	} else
		free(key);

	/* The asker's ID, the rest as built. */
	wire = xmalloc(cache[i].len);
	memcpy(wire, cache[i].wire, cache[i].len);
	wire[0] = (uint8_t)(ldns_pkt_id(query) >> 8);
	wire[1] = (uint8_t)ldns_pkt_id(query);
	*len = cache[i].len;
	return wire;
}

/* The question of a packet to anyone else: the classic spoof. */
static uint8_t *
fake_wire_wrong_name(const ldns_pkt *query, size_t *len)
{
	ldns_pkt	*reply;
	uint8_t		*wire = NULL;

	reply = ldns_pkt_new();
	ldns_pkt_set_id(reply, ldns_pkt_id(query));
	ldns_pkt_set_qr(reply, true);
	ldns_pkt_set_ra(reply, true);
	ldns_pkt_set_rd(reply, true);
	ldns_pkt_push_rr(reply, LDNS_SECTION_QUESTION,
	    fake_rr("www.elsewhere.example. 300 IN A 192.0.2.66"));
	ldns_rr_set_question(ldns_rr_list_rr(ldns_pkt_question(reply), 0),
	    true);
	ldns_pkt_push_rr(reply, LDNS_SECTION_ANSWER,
	    fake_rr("www.elsewhere.example. 300 IN A 192.0.2.66"));
	if (ldns_pkt2wire(&wire, reply, len) != LDNS_STATUS_OK)
		wire = NULL;
	ldns_pkt_free(reply);
	return wire;
}

/* An empty reply with TC set: "ask again over TCP". */
static uint8_t *
fake_wire_truncated(const ldns_pkt *query, size_t *len)
{
	ldns_pkt	*reply;
	uint8_t		*wire = NULL;

	reply = fake_reply_new(query);
	ldns_pkt_set_tc(reply, true);
	if (ldns_pkt2wire(&wire, reply, len) != LDNS_STATUS_OK)
		wire = NULL;
	ldns_pkt_free(reply);
	return wire;
}

/* Skips the name at wire[pos]: labels, or a compression pointer. */
static size_t
fake_skip_name(const uint8_t *wire, size_t len, size_t pos)
{
	while (pos < len && wire[pos] != 0) {
		if ((wire[pos] & 0xc0) == 0xc0)
			return pos + 2;
		pos += 1 + wire[pos];
	}
	return pos + 1;
}

/* Cuts the data of the first answer RR to zero bytes, in place. */
static void
fake_cut_short(uint8_t *wire, size_t *len)
{
	size_t	pos, rdlen;

	if (*len < 12 || (wire[6] == 0 && wire[7] == 0))
		return;
	pos = fake_skip_name(wire, *len, 12) + 4;	/* the question */
	pos = fake_skip_name(wire, *len, pos) + 8;	/* owner, type .. ttl */
	if (pos + 2 > *len)
		return;
	rdlen = (size_t)wire[pos] << 8 | wire[pos + 1];
	if (pos + 2 + rdlen > *len)
		return;
	memmove(wire + pos + 2, wire + pos + 2 + rdlen,
	    *len - pos - 2 - rdlen);
	wire[pos] = wire[pos + 1] = 0;
	*len -= rdlen;
}

/* The largest answer the asker said it can take over UDP. */
static size_t
fake_udp_limit(const ldns_pkt *query)
{
	if (!ldns_pkt_edns(query) || ldns_pkt_edns_udp_size(query) < 512)
		return 512;
	return ldns_pkt_edns_udp_size(query);
}

static void
fake_udp(int fd)
{
	struct sockaddr_storage	 from;
	socklen_t		 fromlen = sizeof from;
	enum fake_mode		 mode;
	ldns_pkt		*query = NULL;
	uint8_t			 buf[FAKE_MAX_WIRE], *wire = NULL;
	ssize_t			 n;
	size_t			 len = 0;

	n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from,
	    &fromlen);
	if (n < 12 || ldns_wire2pkt(&query, buf, (size_t)n) !=
	    LDNS_STATUS_OK || ldns_pkt_qdcount(query) != 1)
		goto out;

	mode = fake_mode_of(ldns_rr_owner(ldns_rr_list_rr(
	    ldns_pkt_question(query), 0)));
	switch (mode) {
	case FAKE_SILENT:
		goto out;
	case FAKE_TC_HANG:
	case FAKE_TC_CLOSE:
	case FAKE_TC_SHORT:
		wire = fake_wire_truncated(query, &len);
		break;
	case FAKE_WRONG_NAME:
		wire = fake_wire_wrong_name(query, &len);
		break;
	case FAKE_GARBAGE:
		len = 40;
		wire = xmalloc(len);
		memset(wire, 0xff, len);
		memcpy(wire, buf, 2);
		break;
	default:
		wire = fake_wire(query, mode, &len);
		if (wire != NULL && len > fake_udp_limit(query)) {
			free(wire);
			wire = fake_wire_truncated(query, &len);
		}
		if (wire != NULL && mode == FAKE_FORGED) {
			wire[0] ^= 0x5a;
			wire[1] ^= 0xa5;
		}
		if (wire != NULL && mode == FAKE_CUT_SHORT)
			fake_cut_short(wire, &len);
		break;
	}
	if (wire != NULL)
		sendto(fd, wire, len, 0, (struct sockaddr *)&from, fromlen);
out:
	free(wire);
	if (query != NULL)
		ldns_pkt_free(query);
}

static void
fake_write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, p, len)) <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static void
fake_conn_close(struct fake_conn *c)
{
	close(c->fd);
	c->fd = -1;
}

/* A whole query arrived on c: answer it, or misbehave. */
static void
fake_tcp_query(struct fake_conn *c, size_t qlen)
{
	ldns_pkt	*query = NULL;
	enum fake_mode	 mode;
	uint8_t		*wire, prefix[2];
	size_t		 len;

	if (ldns_wire2pkt(&query, c->buf + 2, qlen) != LDNS_STATUS_OK ||
	    ldns_pkt_qdcount(query) != 1) {
		fake_conn_close(c);
		goto out;
	}
	mode = fake_mode_of(ldns_rr_owner(ldns_rr_list_rr(
	    ldns_pkt_question(query), 0)));
	switch (mode) {
	case FAKE_TC_CLOSE:
		fake_conn_close(c);
		break;
	case FAKE_TC_SHORT:
		fake_write_all(c->fd, (const uint8_t *)"\002\000", 2);
		fake_write_all(c->fd, c->buf + 2, 12);
		c->held = 1;
		break;
	case FAKE_SILENT:
	case FAKE_TC_HANG:
		c->held = 1;
		break;
	default:
		if ((wire = fake_wire(query, mode, &len)) == NULL) {
			fake_conn_close(c);
			break;
		}
		prefix[0] = (uint8_t)(len >> 8);
		prefix[1] = (uint8_t)len;
		fake_write_all(c->fd, prefix, 2);
		fake_write_all(c->fd, wire, len);
		free(wire);
		break;
	}
out:
	if (query != NULL)
		ldns_pkt_free(query);
}

static void
fake_tcp_read(struct fake_conn *c)
{
	ssize_t	n;
	size_t	qlen;

	n = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
	if (n <= 0) {
		fake_conn_close(c);
		return;
	}
	if (c->held)
		return;
	c->len += (size_t)n;
	while (c->fd != -1 && !c->held && c->len >= 2) {
		qlen = (size_t)c->buf[0] << 8 | c->buf[1];
		if (c->len < 2 + qlen)
			break;
		fake_tcp_query(c, qlen);
		memmove(c->buf, c->buf + 2 + qlen, c->len - 2 - qlen);
		c->len -= 2 + qlen;
	}
}

static void
fake_accept(int lfd)
{
	struct timeval	send_wait = { 1, 0 };
	size_t		i;
	int		fd;

	if ((fd = accept(lfd, NULL, NULL)) == -1)
		return;
	/* A client that stops reading must not stall the whole server. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_wait, sizeof send_wait);
	for (i = 0; i < FAKE_MAX_CONNS; i++) {
		if (conns[i].fd == -1) {
			conns[i].fd = fd;
			conns[i].len = 0;
			conns[i].held = 0;
			return;
		}
	}
	close(fd);
}

static int
fake_listen(const char *addr, int port, int type)
{
	struct sockaddr_in	sin;
	int			fd, one = 1;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "fake_dns: bad address %s\n", addr);
		exit(1);
	}
	if ((fd = socket(AF_INET, type, 0)) == -1)
		fake_die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0)
		fake_die(addr);
	if (type == SOCK_STREAM && listen(fd, 16) != 0)
		fake_die("listen");
	return fd;
}

static void
fake_load_zone(const char *path)
{
	ldns_status	 s;
	FILE		*f;
	int		 line = 0;

	if ((f = fopen(path, "r")) == NULL)
		fake_die(path);
	s = ldns_zone_new_frm_fp_l(&zone, f, NULL, 300, LDNS_RR_CLASS_IN,
	    &line);
	fclose(f);
	if (s != LDNS_STATUS_OK || ldns_zone_soa(zone) == NULL) {
		fprintf(stderr, "fake_dns: %s line %d: %s\n", path, line,
		    s != LDNS_STATUS_OK ? ldns_get_errorstr_by_id(s) :
		    "no SOA");
		exit(1);
	}
	apex = ldns_rr_owner(ldns_zone_soa(zone));
}

static void
fake_serve(int ufd, int tfd)
{
	struct pollfd	pfd[2 + FAKE_MAX_CONNS];
	size_t		i, n;

	for (;;) {
		pfd[0].fd = ufd;
		pfd[1].fd = tfd;
		for (i = 0; i < FAKE_MAX_CONNS; i++)
			pfd[2 + i].fd = conns[i].fd;
		n = 2 + FAKE_MAX_CONNS;
		for (i = 0; i < n; i++)
			pfd[i].events = POLLIN;
		if (poll(pfd, n, -1) == -1) {
			if (errno == EINTR)
				continue;
			fake_die("poll");
		}
		if (pfd[0].revents & POLLIN)
			fake_udp(ufd);
		if (pfd[1].revents & POLLIN)
			fake_accept(tfd);
		for (i = 0; i < FAKE_MAX_CONNS; i++)
			if (conns[i].fd != -1 && pfd[2 + i].revents != 0 &&
			    pfd[2 + i].fd == conns[i].fd)
				fake_tcp_read(&conns[i]);
	}
}

int
main(int argc, char **argv)
{
	size_t	i;
	int	ufd, tfd;

	if (argc != 4) {
		fprintf(stderr, "usage: fake_dns ADDR PORT ZONEFILE\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);	/* a client gone mid-answer */
	fake_load_zone(argv[3]);
	for (i = 0; i < FAKE_MAX_CONNS; i++)
		conns[i].fd = -1;
	ufd = fake_listen(argv[1], atoi(argv[2]), SOCK_DGRAM);
	tfd = fake_listen(argv[1], atoi(argv[2]), SOCK_STREAM);

	printf("ready\n");
	fflush(stdout);
	fake_serve(ufd, tfd);
	return 0;
}
