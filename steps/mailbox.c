/*
 * Mailbox checks: MX lookup, then RCPT TO at the hosts in turn.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "log.h"
#include "mailbox.h"
#include "observe.h"
#include "parallel.h"
#include "smtp.h"
#include "tlsrpt.h"
#include "xmalloc.h"

#define MAILBOX_MAX_HOSTS	5	/* asked in turn, at most */
#define MAILBOX_PORT		25

struct mailbox_run {
	const struct probe_opts	*opts;
	struct mailbox_check	*v;
};

struct mailbox_host {
	char	*name;
	int	 pref;
};

static void
mailbox_set(struct mailbox_check *m, enum mailbox_verdict verdict,
    const char *host, const char *detail)
{
	m->verdict = verdict;
	free(m->detail);
	m->detail = xstrdup(detail);
	free(m->host);
	m->host = host != NULL ? xstrdup(host) : NULL;
}

static int
mailbox_host_cmp(const void *a, const void *b)
{
	const struct mailbox_host	*x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * The mail hosts of domain by preference; the domain itself when it has
 * no MX.  NULL with a verdict set when there is nothing to ask.
 */
static struct mailbox_host *
mailbox_hosts(const struct probe_opts *opts, const char *domain,
    struct mailbox_check *m, size_t *n)
{
	struct mailbox_host	*hosts;
	struct dns_answer	*mx;
	ldns_rr			*rr;
	size_t			 i, count;

	*n = 0;
	mx = dns_lookup(opts, domain, LDNS_RR_TYPE_MX);
	if (!mx->answered || (mx->rcode != LDNS_RCODE_NOERROR &&
	    mx->rcode != LDNS_RCODE_NXDOMAIN)) {
		mailbox_set(m, MAILBOX_UNTESTED, NULL, mx->answered ?
		    dns_answer_rcode_name(mx) : mx->error);
		dns_answer_free(mx);
		return NULL;
	}
	if (mx->rcode == LDNS_RCODE_NXDOMAIN) {
		mailbox_set(m, MAILBOX_REJECTS, NULL, "the domain does not "
		    "exist");
		dns_answer_free(mx);
		return NULL;
	}

	count = mx->rrs != NULL ? ldns_rr_list_rr_count(mx->rrs) : 0;
	hosts = xcalloc(count > 0 ? count : 1, sizeof *hosts);
	for (i = 0; i < count; i++) {
		rr = ldns_rr_list_rr(mx->rrs, i);
		hosts[i].name = dns_name_str(ldns_rr_rdf(rr, 1));
		hosts[i].pref = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
	}
	dns_answer_free(mx);
	if (count == 1 && strcmp(hosts[0].name, ".") == 0) {
		mailbox_set(m, MAILBOX_REJECTS, NULL, "the domain accepts no "
		    "mail (null MX, RFC 7505)");
		free(hosts[0].name);
		free(hosts);
		return NULL;
	}
	if (count == 0) {
		hosts[0].name = xstrdup(domain);
		count = 1;
	}
	qsort(hosts, count, sizeof *hosts, mailbox_host_cmp);
	*n = count;
	return hosts;
}

/* Asks each address of host; 1 when one answered RCPT. */
static int
mailbox_ask_host(const struct probe_opts *opts, const char *host,
    struct mailbox_check *m)
{
	struct dns_answer	*a, *aaaa;
	struct smtp_result	 res;
	char			**addrs;
	size_t			 i, n;
	int			 done = 0;

	a = dns_lookup(opts, host, LDNS_RR_TYPE_A);
	aaaa = dns_lookup(opts, host, LDNS_RR_TYPE_AAAA);
	addrs = observe_host_addrs(a, aaaa, &n);
	dns_answer_free(a);
	dns_answer_free(aaaa);
	if (n == 0)
		mailbox_set(m, MAILBOX_UNTESTED, host, "the mail host has no "
		    "address");

	for (i = 0; i < n && !done; i++) {
		smtp_rcpt_probe(opts, host, addrs[i], MAILBOX_PORT,
		    m->address, &res);
		if (res.rcpt_code >= 200 && res.rcpt_code < 600) {
			mailbox_set(m, res.rcpt_code < 300 ?
			    MAILBOX_ACCEPTS : res.rcpt_code < 500 ?
			    MAILBOX_DEFERRED : MAILBOX_REJECTS, host,
			    res.rcpt_reply);
			done = 1;
		} else
			mailbox_set(m, MAILBOX_UNTESTED, host,
			    res.rcpt_reply != NULL ? res.rcpt_reply :
			    res.error != NULL ? res.error :
			    "no answer to RCPT");
		smtp_result_free(&res);
	}
	dns_strv_free(addrs, n);
	return done;
}

static void
mailbox_check_one(void *p, size_t i)
{
	struct mailbox_run	*run = p;
	struct mailbox_check	*m = &run->v[i];
	struct mailbox_host	*hosts;
	const char		*at = strrchr(m->address, '@');
	size_t			 j, n;

	if (at == NULL || at[1] == '\0' ||
	    strpbrk(m->address, "\r\n<> ") != NULL) {
		mailbox_set(m, MAILBOX_UNTESTED, NULL, "not a mail address");
		return;
	}
	if ((hosts = mailbox_hosts(run->opts, at + 1, m, &n)) == NULL)
		return;
	for (j = 0; j < n && j < MAILBOX_MAX_HOSTS; j++) {
		if (mailbox_ask_host(run->opts, hosts[j].name, m))
			break;
	}
	log_debug("mailbox %s: %s (%s)", m->address,
	    mailbox_verdict_name(m->verdict), m->detail);
	for (j = 0; j < n; j++)
		free(hosts[j].name);
	free(hosts);
}

void
mailbox_check_all(const struct probe_opts *opts, struct mailbox_check *v,
    size_t n)
{
	struct mailbox_run	run = { opts, v };
	size_t			i;

	for (i = 0; i < n; i++) {
		v[i].verdict = MAILBOX_UNTESTED;
		v[i].detail = NULL;
		v[i].host = NULL;
	}
	parallel_for(n, mailbox_check_one, &run);
}

void
mailbox_check_free(struct mailbox_check *m)
{
	free(m->address);
	free(m->detail);
	free(m->host);
	memset(m, 0, sizeof *m);
}

const char *
mailbox_verdict_name(enum mailbox_verdict v)
{
	switch (v) {
	case MAILBOX_ACCEPTS:
		return "accepts";
	case MAILBOX_REJECTS:
		return "rejects";
	case MAILBOX_DEFERRED:
		return "deferred";
	default:
		return "untested";
	}
}

void
mailbox_set_add(struct mailbox_set *set, const char *address,
    const char *role)
{
	char	*old;
	size_t	 i;

	for (i = 0; i < set->n; i++) {
		if (strcasecmp(set->v[i].address, address) != 0)
			continue;
		if (strstr(set->roles[i], role) == NULL) {
			old = set->roles[i];
			set->roles[i] = xprintf("%s,%s", old, role);
			free(old);
		}
		return;
	}
	set->v = xreallocarray(set->v, set->n + 1, sizeof *set->v);
	set->roles = xreallocarray(set->roles, set->n + 1,
	    sizeof *set->roles);
	memset(&set->v[set->n], 0, sizeof *set->v);
	set->v[set->n].address = xstrdup(address);
	set->roles[set->n] = xstrdup(role);
	set->n++;
}

void
mailbox_set_add_domain(struct mailbox_set *set,
    const struct probe_opts *opts, const char *domain)
{
	struct dns_answer	*txt;
	struct tlsrpt_txt	 rpt;
	struct findings		 ignored = { NULL, 0, 0 };
	char			*name, **records, *address;
	size_t			 nrec, i;

	name = xprintf("postmaster@%s", domain);
	mailbox_set_add(set, name, "postmaster");
	free(name);

	name = xprintf("_smtp._tls.%s", domain);
	txt = dns_lookup(opts, name, LDNS_RR_TYPE_TXT);
	free(name);
	records = dns_answer_txt(txt, &nrec);
	memset(&rpt, 0, sizeof rpt);
	if (tlsrpt_txt_select(records, nrec, &rpt, &ignored) == 0) {
		for (i = 0; i < rpt.nrua; i++) {
			if (strncasecmp(rpt.rua[i], "mailto:", 7) != 0)
				continue;
			/* Up to a size limit ("!10m") or URI query. */
			address = xstrndup(rpt.rua[i] + 7,
			    strcspn(rpt.rua[i] + 7, "?!"));
			mailbox_set_add(set, address, "rua");
			free(address);
		}
	}
	tlsrpt_txt_free(&rpt);
	findings_free(&ignored);
	dns_strv_free(records, nrec);
	dns_answer_free(txt);
}

void
mailbox_set_free(struct mailbox_set *set)
{
	size_t	i;

	for (i = 0; i < set->n; i++) {
		mailbox_check_free(&set->v[i]);
		free(set->roles[i]);
	}
	free(set->v);
	free(set->roles);
	memset(set, 0, sizeof *set);
}
