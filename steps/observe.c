/*
 * Gathering the observation of a domain: three waves of concurrent
 * probes, each wave needing the answers of the one before.  The third
 * makes several SMTP sessions per MX address (struct mx_addr).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "clock.h"
#include "observe.h"
#include "parallel.h"
#include "sts.h"
#include "xmalloc.h"

#define STS_POLICY_PATH		"/.well-known/mta-sts.txt"

struct observe_run {
	struct observation	*obs;
	const struct probe_opts	*opts;
	observe_progress_fn	 progress;
	void			*arg;
};

/* Tells the caller that one probe ("MX", "example.net") finished. */
static void
observe_report(struct observe_run *run, const char *kind, const char *name)
{
	char	*what;

	if (run->progress == NULL)
		return;
	xasprintf(&what, "%s %s", kind, name);
	run->progress(run->arg, what);
	free(what);
}

static struct dns_answer *
observe_lookup(struct observe_run *run, const char *name, ldns_rr_type type,
    const char *label)
{
	struct dns_answer	*a;

	a = dns_lookup(run->opts, name, type);
	observe_report(run, label, name);
	return a;
}

/* Wave 1: everything that only needs the domain name. */
static void
observe_wave1(void *p, size_t i)
{
	struct observe_run	*run = p;
	struct observation	*o = run->obs;
	char			*name;

	switch (i) {
	case 0:
		o->soa = observe_lookup(run, o->domain, LDNS_RR_TYPE_SOA,
		    "SOA");
		break;
	case 1:
		o->mx = observe_lookup(run, o->domain, LDNS_RR_TYPE_MX,
		    "MX");
		break;
	case 2:
		name = xprintf("_mta-sts.%s", o->domain);
		o->sts_txt = observe_lookup(run, name, LDNS_RR_TYPE_TXT,
		    "TXT");
		free(name);
		break;
	case 3:
		name = xprintf("mta-sts.%s", o->domain);
		o->sts_a = observe_lookup(run, name, LDNS_RR_TYPE_A, "A");
		free(name);
		break;
	case 4:
		name = xprintf("mta-sts.%s", o->domain);
		o->sts_aaaa = observe_lookup(run, name, LDNS_RR_TYPE_AAAA,
		    "AAAA");
		free(name);
		break;
	case 5:
		name = xprintf("_smtp._tls.%s", o->domain);
		o->tlsrpt_txt = observe_lookup(run, name, LDNS_RR_TYPE_TXT,
		    "TXT");
		free(name);
		break;
	case 6:
		if (run->opts->ssh == NULL)
			break;
		o->ssh_asked = 1;
		ssh_inspect_postfix(run->opts, run->opts->ssh, &o->ssh,
		    &o->postfix);
		observe_report(run, "SSH", run->opts->ssh->host);
		break;
	}
}
#define OBSERVE_WAVE1_JOBS	7

/* The zone apex: the SOA owner in the answer, else in the authority. */
static char *
observe_zone(const struct observation *o)
{
	ldns_rr_list	*auth;
	ldns_rr		*rr;
	size_t		 i;

	if (o->soa == NULL || !o->soa->answered)
		return xstrdup(o->domain);
	if (ldns_rr_list_rr_count(o->soa->rrs) > 0)
		return dns_name_str(ldns_rr_owner(
		    ldns_rr_list_rr(o->soa->rrs, 0)));

	auth = ldns_pkt_authority(o->soa->pkt);
	for (i = 0; i < ldns_rr_list_rr_count(auth); i++) {
		rr = ldns_rr_list_rr(auth, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA)
			return dns_name_str(ldns_rr_owner(rr));
	}
	return xstrdup(o->domain);
}

static int
observe_host_cmp(const void *a, const void *b)
{
	const struct mx_host	*x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Keeps the OBSERVE_MAX_HOSTS most preferred hosts. */
static void
observe_hosts_limit(struct observation *o)
{
	size_t	i;

	qsort(o->hosts, o->nhosts, sizeof *o->hosts, observe_host_cmp);
	for (i = OBSERVE_MAX_HOSTS; i < o->nhosts; i++)
		free(o->hosts[i].name);
	if (o->nhosts > OBSERVE_MAX_HOSTS)
		o->nhosts = OBSERVE_MAX_HOSTS;
}

/*
 * The MX hosts by preference.  No MX at all means the domain itself
 * receives mail (RFC 5321 §5.1); "0 ." means it receives none (RFC 7505).
 */
static void
observe_hosts(struct observation *o)
{
	ldns_rr		*rr;
	char		*name;
	size_t		 i, n;

	n = o->mx != NULL && o->mx->rrs != NULL ?
	    ldns_rr_list_rr_count(o->mx->rrs) : 0;

	if (n == 0) {
		if (!dns_answer_is_nodata(o->mx))
			return;
		o->hosts = xcalloc(1, sizeof *o->hosts);
		o->hosts[0].name = xstrdup(o->domain);
		o->hosts[0].implicit = 1;
		o->nhosts = 1;
		return;
	}

	o->hosts = xcalloc(n, sizeof *o->hosts);
	for (i = 0; i < n; i++) {
		rr = ldns_rr_list_rr(o->mx->rrs, i);
		name = dns_name_str(ldns_rr_rdf(rr, 1));
		if (n == 1 && strcmp(name, ".") == 0) {
			o->null_mx = 1;
			free(name);
			free(o->hosts);
			o->hosts = NULL;
			return;
		}
		o->hosts[o->nhosts].name = name;
		o->hosts[o->nhosts].pref = ldns_rdf2native_int16(
		    ldns_rr_rdf(rr, 0));
		o->nhosts++;
	}
	observe_hosts_limit(o);
}

char **
observe_host_addrs(const struct dns_answer *a, const struct dns_answer *aaaa,
    size_t *n)
{
	const struct dns_answer	*lists[2] = { a, aaaa };
	char			**v = NULL;
	size_t			  i, j, count;

	*n = 0;
	for (i = 0; i < 2; i++) {
		if (lists[i] == NULL || lists[i]->rrs == NULL)
			continue;
		count = ldns_rr_list_rr_count(lists[i]->rrs);
		for (j = 0; j < count && *n < OBSERVE_MAX_ADDRS; j++) {
			v = xreallocarray(v, *n + 1, sizeof *v);
			v[(*n)++] = ldns_rdf2str(ldns_rr_rdf(
			    ldns_rr_list_rr(lists[i]->rrs, j), 0));
		}
	}
	return v;
}

/* Wave 2: zone keys and chain, per-host lookups, the policy fetch. */
static void
observe_wave2(void *p, size_t i)
{
	struct observe_run	*run = p;
	struct observation	*o = run->obs;
	struct mx_host		*h;
	char			*name, **addrs;
	size_t			 naddrs;

	if (i == 0) {
		o->dnskey = observe_lookup(run, o->zone, LDNS_RR_TYPE_DNSKEY,
		    "DNSKEY");
	} else if (i == 1) {
		o->ds = observe_lookup(run, o->zone, LDNS_RR_TYPE_DS,
		    "DS");
	} else if (i == 2) {
		observe_dnssec(o, run->opts);
		observe_report(run, "chain of trust", o->zone);
		observe_servers(o, run->opts);
		observe_report(run, "name servers", o->zone);
	} else if (i == 3) {
		addrs = observe_host_addrs(o->sts_a, o->sts_aaaa, &naddrs);
		if (naddrs == 0)
			return;
		name = xprintf("mta-sts.%s", o->domain);
		https_get(run->opts, name, STS_POLICY_PATH, addrs, naddrs,
		    STS_POLICY_MAX, &o->sts_policy);
		o->sts_fetched = 1;
		observe_report(run, "HTTPS", name);
		free(name);
		dns_strv_free(addrs, naddrs);
	} else {
		i -= 4;
		h = &o->hosts[i / 3];
		switch (i % 3) {
		case 0:
			h->a = observe_lookup(run, h->name, LDNS_RR_TYPE_A,
			    "A");
			break;
		case 1:
			h->aaaa = observe_lookup(run, h->name,
			    LDNS_RR_TYPE_AAAA, "AAAA");
			break;
		case 2:
			name = xprintf("_25._tcp.%s", h->name);
			h->tlsa = observe_lookup(run, name, LDNS_RR_TYPE_TLSA,
			    "TLSA");
			free(name);
			break;
		}
	}
}

struct observe_target {
	struct mx_host	*host;
	struct mx_addr	*addr;
};

struct observe_smtp {
	struct observe_run	*run;
	struct observe_target	*targets;
};

/* The sessions made per address, in job order (see struct mx_addr). */
enum observe_session {
	OBSERVE_SMTP,
	OBSERVE_TLS10,
	OBSERVE_TLS11,
	OBSERVE_NOSNI,
	OBSERVE_SMTPS,
	OBSERVE_SUBMISSION,
	OBSERVE_RSA,
	OBSERVE_ECDSA,
	OBSERVE_SESSIONS
};

/* Wave 3: every session of every MX address, all at once. */
static void
observe_wave3(void *p, size_t i)
{
	static const struct smtp_params	 plain,
	    tls10 = { .tls_version = TLS1_VERSION },
	    tls11 = { .tls_version = TLS1_1_VERSION }, nosni = { .no_sni = 1 },
	    implicit = { .implicit_tls = 1 },
	    rsa = { .sigalgs = SMTP_SIGALGS_RSA },
	    ecdsa = { .sigalgs = SMTP_SIGALGS_ECDSA };
	struct observe_smtp		*w = p;
	struct observe_target		*t = &w->targets[i / OBSERVE_SESSIONS];
	const struct probe_opts		*opts = w->run->opts;
	const char			*host = t->host->name;
	const char			*addr = t->addr->addr;

	switch (i % OBSERVE_SESSIONS) {
	case OBSERVE_SMTP:
		smtp_probe(opts, host, addr, 25, &t->addr->smtp);
		observe_report(w->run, "SMTP", addr);
		break;
	case OBSERVE_TLS10:
		smtp_probe_with(opts, host, addr, 25, &tls10, &t->addr->tls10);
		break;
	case OBSERVE_TLS11:
		smtp_probe_with(opts, host, addr, 25, &tls11, &t->addr->tls11);
		break;
	case OBSERVE_NOSNI:
		smtp_probe_with(opts, host, addr, 25, &nosni, &t->addr->nosni);
		break;
	case OBSERVE_SMTPS:
		if (opts->submission)
			smtp_probe_with(opts, host, addr, 465, &implicit,
			    &t->addr->smtps);
		else
			t->addr->smtps.outcome = SMTP_UNTESTED;
		break;
	case OBSERVE_SUBMISSION:
		if (opts->submission)
			smtp_probe_with(opts, host, addr, 587, &plain,
			    &t->addr->submission);
		else
			t->addr->submission.outcome = SMTP_UNTESTED;
		break;
	case OBSERVE_RSA:
		smtp_probe_with(opts, host, addr, 25, &rsa, &t->addr->rsa);
		break;
	case OBSERVE_ECDSA:
		smtp_probe_with(opts, host, addr, 25, &ecdsa, &t->addr->ecdsa);
		break;
	}
}

/* Did the session get a key other than the main session's? */
static int
observe_key_differs(const struct mx_addr *a, const struct smtp_result *r)
{
	EVP_PKEY	*mine, *theirs;

	if (r->outcome != SMTP_TLS_OK || r->leaf == NULL ||
	    a->smtp.outcome != SMTP_TLS_OK || a->smtp.leaf == NULL)
		return 0;
	mine = X509_get0_pubkey(a->smtp.leaf);
	theirs = X509_get0_pubkey(r->leaf);
	if (mine == NULL || theirs == NULL)
		return 0;
	return EVP_PKEY_eq(mine, theirs) != 1;
}

size_t
observe_other_keys(const struct mx_addr *a, struct other_key out[2])
{
	size_t	n = 0;

	if (observe_key_differs(a, &a->rsa)) {
		out[n].kind = "RSA";
		out[n++].smtp = &a->rsa;
	}
	if (observe_key_differs(a, &a->ecdsa) && (n == 0 ||
	    EVP_PKEY_eq(X509_get0_pubkey(a->rsa.leaf),
	    X509_get0_pubkey(a->ecdsa.leaf)) != 1)) {
		out[n].kind = "ECDSA";
		out[n++].smtp = &a->ecdsa;
	}
	return n;
}

static void
observe_smtp_all(struct observe_run *run)
{
	struct observation	*o = run->obs;
	struct observe_smtp	 w;
	struct mx_host		*h;
	char			**addrs;
	size_t			  i, j, n = 0, total = 0;

	for (i = 0; i < o->nhosts; i++) {
		h = &o->hosts[i];
		addrs = observe_host_addrs(h->a, h->aaaa, &h->naddrs);
		if (h->naddrs == 0)
			continue;
		h->addrs = xcalloc(h->naddrs, sizeof *h->addrs);
		for (j = 0; j < h->naddrs; j++)
			h->addrs[j].addr = addrs[j];
		free(addrs);
		total += h->naddrs;
	}
	if (total == 0)
		return;

	w.run = run;
	w.targets = xcalloc(total, sizeof *w.targets);
	for (i = 0; i < o->nhosts; i++) {
		for (j = 0; j < o->hosts[i].naddrs; j++) {
			w.targets[n].host = &o->hosts[i];
			w.targets[n].addr = &o->hosts[i].addrs[j];
			n++;
		}
	}
	parallel_for(total * OBSERVE_SESSIONS, observe_wave3, &w);
	free(w.targets);
}

struct observation *
observe_domain(const char *domain, const struct probe_opts *opts,
    observe_progress_fn progress, void *arg)
{
	struct observation	*o;
	struct observe_run	 run;
	long long		 start = probe_now_ms();

	o = xcalloc(1, sizeof *o);
	o->domain = xstrdup(domain);
	o->taken = clock_now();
	o->horizon_days = opts->horizon_days;
	o->chain = -1;
	run.obs = o;
	run.opts = opts;
	run.progress = progress;
	run.arg = arg;

	parallel_for(OBSERVE_WAVE1_JOBS, observe_wave1, &run);

	/* Nothing answered: later waves would only wait as long again. */
	if (!o->soa->answered && !o->mx->answered) {
		o->zone = xstrdup(o->domain);
		o->elapsed_ms = probe_now_ms() - start;
		return o;
	}

	o->zone = observe_zone(o);
	observe_hosts(o);
	parallel_for(4 + o->nhosts * 3, observe_wave2, &run);

	observe_smtp_all(&run);
	o->elapsed_ms = probe_now_ms() - start;
	return o;
}

void
observation_free(struct observation *o)
{
	struct mx_host	*h;
	size_t		 i, j;

	if (o == NULL)
		return;
	observe_dnssec_free(o);
	observe_servers_free(o);
	for (i = 0; i < o->nhosts; i++) {
		h = &o->hosts[i];
		free(h->name);
		dns_answer_free(h->a);
		dns_answer_free(h->aaaa);
		dns_answer_free(h->tlsa);
		for (j = 0; j < h->naddrs; j++) {
			free(h->addrs[j].addr);
			smtp_result_free(&h->addrs[j].smtp);
			smtp_result_free(&h->addrs[j].tls10);
			smtp_result_free(&h->addrs[j].tls11);
			smtp_result_free(&h->addrs[j].nosni);
			smtp_result_free(&h->addrs[j].smtps);
			smtp_result_free(&h->addrs[j].submission);
			smtp_result_free(&h->addrs[j].rsa);
			smtp_result_free(&h->addrs[j].ecdsa);
		}
		free(h->addrs);
	}
	free(o->hosts);
	free(o->domain);
	free(o->zone);
	free(o->chain_error);
	dns_answer_free(o->soa);
	dns_answer_free(o->mx);
	dns_answer_free(o->dnskey);
	dns_answer_free(o->ds);
	dns_answer_free(o->sts_txt);
	dns_answer_free(o->sts_a);
	dns_answer_free(o->sts_aaaa);
	dns_answer_free(o->tlsrpt_txt);
	https_result_free(&o->sts_policy);
	ssh_result_free(&o->ssh);
	if (o->postfix != NULL) {
		postfix_config_free(o->postfix);
		free(o->postfix);
	}
	free(o);
}
