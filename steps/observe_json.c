/*
 * The observation as JSON: what was asked, what came back.  This is
 * what the state keeps as "the latest probe results" and what --json
 * shows next to the verdicts, so it holds facts, never judgements.
 */
#include <stdlib.h>
#include <string.h>

#include "observe.h"
#include "tlsa.h"
#include "xmalloc.h"


json_t *
observe_json_rrs(const struct dns_answer *a)
{
	json_t	*rrs = json_array();
	char	*s;
	size_t	 i, n;

	if (a == NULL || a->rrs == NULL)
		return rrs;
	n = ldns_rr_list_rr_count(a->rrs);
	for (i = 0; i < n; i++) {
		if (i == OBSERVE_JSON_MAX_RECORDS) {
			/* A comment, so that the list stays zone-file lines. */
			s = xprintf("; %zu more records not kept", n - i);
			json_array_append_new(rrs, json_string(s));
			free(s);
			break;
		}
		s = ldns_rr2str_fmt(ldns_output_format_nocomments,
		    ldns_rr_list_rr(a->rrs, i));
		if (s != NULL) {
			/* ldns ends every RR with a newline. */
			s[strcspn(s, "\n")] = '\0';
			json_array_append_new(rrs, json_string(s));
		}
		free(s);
	}
	return rrs;
}

static json_t *
observe_json_dns(const struct dns_answer *a)
{
	if (a == NULL)
		return json_null();
	return json_pack("{s:s, s:s, s:b, s:o, s:I}",
	    "name", a->qname,
	    "rcode", dns_answer_rcode_name(a),
	    "ad", a->ad,
	    "records", observe_json_rrs(a),
	    "ms", (json_int_t)a->elapsed_ms);
}

/* "2026-12-03T14:00:00Z", or NULL when the time is not representable. */
static json_t *
observe_json_asn1_time(const ASN1_TIME *t)
{
	struct tm	tm;
	char		buf[32];

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return json_null();
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

static json_t *
observe_json_name(const X509_NAME *name)
{
	char	*s;
	json_t	*j;

	if ((s = X509_NAME_oneline(name, NULL, 0)) == NULL)
		return json_null();
	j = json_string(s);
	OPENSSL_free(s);
	return j != NULL ? j : json_null();
}

/* The chain as sent, leaf first: who, by whom, until when, which key. */
static json_t *
observe_json_chain(STACK_OF(X509) *chain)
{
	json_t	*arr = json_array(), *j;
	X509	*x;
	char	*digest;
	int	 i;

	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
		x = sk_X509_value(chain, i);
		j = json_object();
		json_object_set_new(j, "subject",
		    observe_json_name(X509_get_subject_name(x)));
		json_object_set_new(j, "issuer",
		    observe_json_name(X509_get_issuer_name(x)));
		json_object_set_new(j, "not_after",
		    observe_json_asn1_time(X509_get0_notAfter(x)));
		if ((digest = tlsa_cert_digest_hex(x, 1, 1)) != NULL) {
			json_object_set_new(j, "spki_sha256",
			    json_string(digest));
			free(digest);
		}
		json_array_append_new(arr, j);
	}
	return arr;
}

static json_t *
observe_json_smtp(const struct smtp_result *r)
{
	json_t	*j;
	char	*digest;

	j = json_pack("{s:s, s:i, s:s, s:b, s:I}",
	    "address", r->addr != NULL ? r->addr : "",
	    "port", r->port,
	    "outcome", smtp_outcome_name(r->outcome),
	    "starttls", r->starttls_offered,
	    "ms", (json_int_t)r->elapsed_ms);
	if (r->error != NULL)
		json_object_set_new(j, "error", json_string(r->error));
	if (r->failed_in != NULL)
		json_object_set_new(j, "failed_in", json_string(r->failed_in));
	if (r->banner != NULL) {
		json_object_set_new(j, "banner", json_string(r->banner));
		json_object_set_new(j, "greeting_lines",
		    json_integer(r->greeting_lines));
		json_object_set_new(j, "greeting_ms",
		    json_integer(r->greeting_ms));
	}
	if (r->helo_fallback)
		json_object_set_new(j, "helo_fallback", json_true());
	if (r->starttls_code != 0)
		json_object_set_new(j, "starttls_code",
		    json_integer(r->starttls_code));
	if (r->injected)
		json_object_set_new(j, "injected", json_true());
	if (r->tls_version != NULL) {
		json_object_set_new(j, "tls_version",
		    json_string(r->tls_version));
		json_object_set_new(j, "cipher", json_string(r->cipher));
		json_object_set_new(j, "pkix", json_boolean(r->pkix_ok));
		if (r->pkix_error != NULL)
			json_object_set_new(j, "pkix_error",
			    json_string(r->pkix_error));
		json_object_set_new(j, "sni", json_boolean(r->sni_sent));
		json_object_set_new(j, "ocsp_stapled",
		    json_boolean(r->ocsp_stapled));
		json_object_set_new(j, "chain", observe_json_chain(r->chain));
	}
	if ((digest = tlsa_cert_digest_hex(r->leaf, 1, 1)) != NULL) {
		json_object_set_new(j, "spki_sha256", json_string(digest));
		free(digest);
	}
	return j;
}

/* The main session, with what the extra ones found beside it. */
static json_t *
observe_json_addr(const struct mx_addr *a)
{
	json_t		*j = observe_json_smtp(&a->smtp), *ports, *keys, *k;
	struct other_key other[2];
	size_t		 i, n;

	json_object_set_new(j, "family", json_string(
	    strchr(a->addr, ':') != NULL ? "ipv6" : "ipv4"));
	json_object_set_new(j, "tls10", json_string(smtp_support_name(
	    smtp_version_support(&a->tls10))));
	json_object_set_new(j, "tls11", json_string(smtp_support_name(
	    smtp_version_support(&a->tls11))));
	json_object_set_new(j, "no_sni", observe_json_smtp(&a->nosni));
	if (a->smtps.host != NULL || a->submission.host != NULL) {
		ports = json_object();
		json_object_set_new(ports, "465", observe_json_smtp(&a->smtps));
		json_object_set_new(ports, "587",
		    observe_json_smtp(&a->submission));
		json_object_set_new(j, "ports", ports);
	}
	n = observe_other_keys(a, other);
	if (n > 0) {
		keys = json_array();
		for (i = 0; i < n; i++) {
			k = observe_json_smtp(other[i].smtp);
			json_object_set_new(k, "key", json_string(
			    other[i].kind));
			json_array_append_new(keys, k);
		}
		json_object_set_new(j, "other_keys", keys);
	}
	return j;
}

static json_t *
observe_json_host(const struct mx_host *h)
{
	json_t	*addrs = json_array();
	size_t	 i;

	for (i = 0; i < h->naddrs; i++)
		json_array_append_new(addrs, observe_json_addr(&h->addrs[i]));
	return json_pack("{s:s, s:i, s:b, s:o, s:o, s:o, s:o}",
	    "name", h->name,
	    "preference", h->pref,
	    "implicit", h->implicit,
	    "a", observe_json_dns(h->a),
	    "aaaa", observe_json_dns(h->aaaa),
	    "tlsa", observe_json_dns(h->tlsa),
	    "addresses", addrs);
}

static json_t *
observe_json_policy(const struct observation *o)
{
	const struct https_result	*p = &o->sts_policy;
	json_t				*j, *body;

	if (!o->sts_fetched)
		return json_null();
	j = json_pack("{s:b, s:I, s:b, s:I}",
	    "transferred", p->transferred,
	    "status", (json_int_t)p->status,
	    "too_large", p->too_large,
	    "ms", (json_int_t)p->elapsed_ms);
	if (p->error != NULL)
		json_object_set_new(j, "error", json_string(p->error));
	if (p->verify_error != NULL)
		json_object_set_new(j, "verify_error",
		    json_string(p->verify_error));
	if (p->cert_names != NULL)
		json_object_set_new(j, "cert_names",
		    json_string(p->cert_names));
	if (p->content_type != NULL)
		json_object_set_new(j, "content_type",
		    json_string(p->content_type));
	if (p->transferred && !p->too_large) {
		/* A body that is not UTF-8 is left out, not mangled. */
		if ((body = json_stringn(p->body, p->len)) != NULL)
			json_object_set_new(j, "body", body);
		else
			json_object_set_new(j, "body_not_utf8", json_true());
	}
	return j;
}

json_t *
observation_to_json(const struct observation *o)
{
	json_t	*hosts = json_array();
	size_t	 i;

	for (i = 0; i < o->nhosts; i++)
		json_array_append_new(hosts, observe_json_host(&o->hosts[i]));

	return json_pack("{s:s, s:s, s:I, s:I, s:o, s:b, s:o, s:o, s:o,"
	    " s:i, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "domain", o->domain,
	    "zone", o->zone != NULL ? o->zone : o->domain,
	    "taken", (json_int_t)o->taken,
	    "ms", (json_int_t)o->elapsed_ms,
	    "mx", observe_json_dns(o->mx),
	    "null_mx", o->null_mx,
	    "hosts", hosts,
	    "dnskey", observe_json_dns(o->dnskey),
	    "ds", observe_json_dns(o->ds),
	    "chain", o->chain,
	    "sts_txt", observe_json_dns(o->sts_txt),
	    "sts_policy", observe_json_policy(o),
	    "tlsrpt_txt", observe_json_dns(o->tlsrpt_txt),
	    "dnssec", observe_dnssec_json(o),
	    "servers", observe_servers_json(o),
	    "mta", observation_mta_json(o));
}
