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

/* Enough for any real RRset; a hostile one would fill the state. */
#define OBSERVE_JSON_MAX_RECORDS	64

static json_t *
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

static json_t *
observe_json_smtp(const struct smtp_result *r)
{
	json_t	*j;
	char	*digest;

	j = json_pack("{s:s, s:s, s:b, s:I}",
	    "address", r->addr != NULL ? r->addr : "",
	    "outcome", smtp_outcome_name(r->outcome),
	    "starttls", r->starttls_offered,
	    "ms", (json_int_t)r->elapsed_ms);
	if (r->error != NULL)
		json_object_set_new(j, "error", json_string(r->error));
	if (r->tls_version != NULL) {
		json_object_set_new(j, "tls_version",
		    json_string(r->tls_version));
		json_object_set_new(j, "cipher", json_string(r->cipher));
		json_object_set_new(j, "pkix", json_boolean(r->pkix_ok));
	}
	if ((digest = tlsa_cert_digest_hex(r->leaf, 1, 1)) != NULL) {
		json_object_set_new(j, "spki_sha256", json_string(digest));
		free(digest);
	}
	return j;
}

static json_t *
observe_json_host(const struct mx_host *h)
{
	json_t	*addrs = json_array();
	size_t	 i;

	for (i = 0; i < h->naddrs; i++)
		json_array_append_new(addrs,
		    observe_json_smtp(&h->addrs[i].smtp));
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
	    " s:i, s:o, s:o, s:o}",
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
	    "tlsrpt_txt", observe_json_dns(o->tlsrpt_txt));
}
