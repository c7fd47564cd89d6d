/*
 * Probing every address of a mail host (served.h).
 */
#include <stdlib.h>
#include <string.h>

#include "credfile.h"
#include "dns.h"
#include "parallel.h"
#include "served.h"
#include "strbuf.h"
#include "tlsa.h"
#include "xmalloc.h"

/* Addresses one host may have that we probe; more are not looked at. */
#define SERVED_MAX_ADDRS	16

struct served_job {
	const struct probe_opts		*opts;
	const struct smtp_params	*params;
	struct served			*s;
	char				**addrs;
	int				 port;
};

static void
served_one(void *arg, size_t i)
{
	struct served_job	*job = arg;

	smtp_probe_with(job->opts, job->s->host, job->addrs[i], job->port,
	    job->params, &job->s->v[i]);
}

/* The signatures that make a server show its key of this kind. */
static const char *
served_sigalgs(const char *algorithm)
{
	if (algorithm == NULL)
		return NULL;
	if (strcmp(algorithm, "rsa") == 0)
		return SMTP_SIGALGS_RSA;
	if (strcmp(algorithm, "ecdsa") == 0)
		return SMTP_SIGALGS_ECDSA;
	return NULL;
}

int
served_can_ask(const char *algorithm)
{
	return served_sigalgs(algorithm) != NULL;
}

/* The addresses of host, A then AAAA. */
static char **
served_addrs(const struct probe_opts *opts, const char *host, size_t *n)
{
	ldns_rr_type		 types[2] = { LDNS_RR_TYPE_A,
				    LDNS_RR_TYPE_AAAA };
	struct dns_answer	*a;
	char			**v = NULL;
	size_t			 t, j;

	*n = 0;
	for (t = 0; t < 2; t++) {
		a = dns_lookup(opts, host, types[t]);
		for (j = 0; a->rrs != NULL && j < ldns_rr_list_rr_count(a->rrs)
		    && *n < SERVED_MAX_ADDRS; j++) {
			v = xreallocarray(v, *n + 1, sizeof *v);
			v[(*n)++] = ldns_rdf2str(ldns_rr_rdf(
			    ldns_rr_list_rr(a->rrs, j), 0));
		}
		dns_answer_free(a);
	}
	return v;
}

int
served_probe(const struct probe_opts *opts, const char *host, int port,
    struct served *s, char **cause)
{
	return served_probe_key(opts, host, port, NULL, s, cause);
}

int
served_probe_key(const struct probe_opts *opts, const char *host, int port,
    const char *algorithm, struct served *s, char **cause)
{
	struct smtp_params	 params;
	struct served_job	 job;
	size_t			 i;

	memset(s, 0, sizeof *s);
	job.addrs = served_addrs(opts, host, &s->n);
	if (s->n == 0) {
		xasprintf(cause, "%s has no address", host);
		return -1;
	}
	s->host = xstrdup(host);
	s->v = xcalloc(s->n, sizeof *s->v);
	memset(&params, 0, sizeof params);
	params.sigalgs = served_sigalgs(algorithm);
	job.opts = opts;
	job.params = &params;
	job.s = s;
	job.port = port;
	parallel_for(s->n, served_one, &job);
	for (i = 0; i < s->n; i++)
		free(job.addrs[i]);
	free(job.addrs);
	return 0;
}

void
served_free(struct served *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		smtp_result_free(&s->v[i]);
	free(s->v);
	free(s->host);
	memset(s, 0, sizeof *s);
}

size_t
served_matching(const struct served *s, uint8_t selector, uint8_t mtype,
    const char *hex, size_t *tested)
{
	char	*have;
	size_t	 i, n = 0;

	*tested = 0;
	for (i = 0; i < s->n; i++) {
		if (s->v[i].outcome != SMTP_TLS_OK || s->v[i].leaf == NULL)
			continue;
		(*tested)++;
		have = tlsa_cert_digest_hex(s->v[i].leaf, selector, mtype);
		if (have != NULL && strcmp(have, hex) == 0)
			n++;
		free(have);
	}
	return n;
}

char *
served_failures(const struct served *s)
{
	struct strbuf	b = { NULL, 0, 0 };
	size_t		i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].outcome != SMTP_TLS_OK)
			strbuf_printf(&b, "%s%s: %s", b.len > 0 ? "; " : "",
			    s->v[i].addr, s->v[i].error != NULL ?
			    s->v[i].error : smtp_outcome_name(s->v[i].outcome));
	return strbuf_take(&b);
}

const char *
served_algorithm(const struct served *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].outcome == SMTP_TLS_OK && s->v[i].leaf != NULL)
			return credfile_algorithm(X509_get0_pubkey(
			    s->v[i].leaf));
	return NULL;
}
