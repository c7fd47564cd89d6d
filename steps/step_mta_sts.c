/*
 * Step 4, MTA-STS in testing mode (RFC 8461): a TXT record at _mta-sts
 * announces a policy, served over HTTPS at mta-sts.<domain>, that lists
 * the MX hosts senders may use.  In testing mode senders only report
 * failures (through TLS-RPT); enforce comes later, on evidence.
 *
 * The verdict follows a sender's path: the TXT record (§3.1), the fetch
 * (§3.3), the policy (§3.2), the MX hosts against the patterns (§4.1),
 * then each MX address as a sender in enforce mode would judge it:
 * STARTTLS, TLS 1.2 or later (§7.2), a certificate valid by WebPKI for
 * the MX name (§4.2).  With the rollout's history it also checks that a
 * changed policy came with a new id (§3.1, §8.1).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "context.h"
#include "observe.h"
#include "step.h"
#include "step_mta_sts.h"
#include "strbuf.h"
#include "sts.h"
#include "sts_history.h"
#include "xmalloc.h"

#define RFC_STS_TXT	"RFC 8461 §3.1"
#define RFC_STS_FETCH	"RFC 8461 §3.3"
#define RFC_STS_CERT	"RFC 8461 §4.2"
#define RFC_STS_TLS12	"RFC 8461 §7.2"
#define RFC_STS_UPDATE	"RFC 8461 §8.1"
#define RFC_STS_DELEG	"RFC 8461 §8.2"

#define MTA_STS_TESTING_MAX_AGE	86400	/* a day: easy to correct */

static const char mta_sts_help[] =
    "Publishes a policy saying that mail for the domain must go over "
    "verified TLS to the listed MX hosts.  It protects mail from senders "
    "that do not do DANE (the large webmail providers).  Serve the "
    "policy file at https://mta-sts.<domain>/.well-known/mta-sts.txt "
    "with a certificate valid for that name, then publish the TXT "
    "record.  Start in testing mode: nothing is rejected, failures are "
    "reported to you through TLS-RPT.  Whenever the policy changes, "
    "publish the file first, then the TXT record with a new id.";

char *
mta_sts_policy_text(const struct observation *o, const char *mode,
    long max_age)
{
	struct strbuf	b = { NULL, 0, 0 };
	size_t		i;

	strbuf_printf(&b, "version: STSv1\nmode: %s\n", mode);
	if (strcmp(mode, "none") != 0) {
		for (i = 0; i < o->nhosts; i++)
			strbuf_printf(&b, "mx: %s\n", o->hosts[i].name);
	}
	strbuf_printf(&b, "max_age: %ld\n", max_age);
	return strbuf_take(&b);
}

/* The id is the UTC time: letters and digits only, and always new. */
char *
mta_sts_txt_record(const char *domain, time_t now)
{
	struct tm	tm;
	char		id[32];

	gmtime_r(&now, &tm);
	strftime(id, sizeof id, "%Y%m%dT%H%M%S", &tm);
	return xprintf("_mta-sts.%s. 3600 IN TXT \"v=STSv1; id=%s\"\n", domain,
	    id);
}

char *
mta_sts_nginx_block(const char *domain)
{
	return xprintf(
	    "server {\n"
	    "    listen 443 ssl;\n"
	    "    listen [::]:443 ssl;\n"
	    "    server_name mta-sts.%s;\n"
	    "    # A certificate valid for mta-sts.%s (WebPKI).\n"
	    "    ssl_certificate /etc/ssl/mta-sts.%s/fullchain.pem;\n"
	    "    ssl_certificate_key /etc/ssl/mta-sts.%s/privkey.pem;\n"
	    "    root /var/www/mta-sts.%s;\n"
	    "    location = /.well-known/mta-sts.txt {\n"
	    "        default_type text/plain;\n"
	    "        types { }\n"
	    "    }\n"
	    "    location / {\n"
	    "        return 404;\n"
	    "    }\n"
	    "}\n", domain, domain, domain, domain, domain);
}

/*
 * What to publish, only when something must change: the policy (in the
 * mode it is in, testing for a new one) for the MX hosts seen now and the
 * server block that serves it, then a TXT record with a new id, which
 * tells senders to fetch the policy again.  With policy 0, only the TXT.
 */
static void
mta_sts_artifacts(const struct observation *o, struct step_result *r,
    const char *mode, int policy)
{
	char	*s, *name;

	/* A policy must name at least one MX (§3.2); without hosts, none. */
	if (policy && o->nhosts == 0) {
		findings_add(&r->findings, SEV_INFO, "sts.no-hosts", NULL,
		    "no policy is suggested: the MX hosts of %s are not "
		    "known", o->domain);
		return;
	}
	if (!policy) {
		s = mta_sts_txt_record(o->domain, clock_now());
		step_result_artifact(r, "TXT record", "zone", s);
		free(s);
		return;
	}

	s = mta_sts_policy_text(o, mode, strcmp(mode, "enforce") == 0 ?
	    STS_MAX_AGE_ENFORCE : MTA_STS_TESTING_MAX_AGE);
	name = xprintf("1. Policy file for https://mta-sts.%s/.well-known/"
	    "mta-sts.txt (%s)", o->domain, mode);
	step_result_artifact(r, name, "file", s);
	free(name);
	free(s);

	s = mta_sts_nginx_block(o->domain);
	name = xprintf("2. nginx server block for mta-sts.%s (the file "
	    "goes to /var/www/mta-sts.%s/.well-known/mta-sts.txt)",
	    o->domain, o->domain);
	step_result_artifact(r, name, "file", s);
	free(name);
	free(s);

	s = mta_sts_txt_record(o->domain, clock_now());
	step_result_artifact(r, "3. TXT record with a new id: publish it "
	    "after the policy file is served", "zone", s);
	free(s);
}

/* Delegation by CNAME is allowed; say where the record really lives. */
static void
mta_sts_delegation(const struct observation *o, struct step_result *r)
{
	if (o->sts_txt->canonical != NULL)
		findings_add(&r->findings, SEV_INFO, "sts.txt.cname",
		    RFC_STS_DELEG, "_mta-sts.%s is delegated by CNAME to %s: "
		    "whoever runs %s must change the id whenever the policy "
		    "changes", o->domain, o->sts_txt->canonical,
		    o->sts_txt->canonical);
	if (o->sts_a->canonical != NULL)
		findings_add(&r->findings, SEV_INFO, "sts.policy.cname",
		    RFC_STS_DELEG, "mta-sts.%s is a CNAME to %s; the policy "
		    "host must still present a certificate valid for "
		    "mta-sts.%s", o->domain, o->sts_a->canonical, o->domain);
}

/* Is the TXT record there, and well-formed?  Fills id when it is. */
static int
mta_sts_txt(const struct observation *o, struct step_result *r,
    char **id)
{
	struct sts_txt	  txt;
	char		**records;
	size_t		  n;
	int		  rc;

	*id = NULL;
	mta_sts_delegation(o, r);
	records = dns_answer_txt(o->sts_txt, &n);
	rc = sts_txt_select(records, n, &txt, &r->findings);
	dns_strv_free(records, n);
	if (rc == 0)
		*id = xstrdup(txt.id);
	sts_txt_free(&txt);
	return rc;
}

/* The certificate problem of the policy host, as plainly as we can. */
static void
mta_sts_fetch_tls(const struct observation *o, struct step_result *r)
{
	const struct https_result	*p = &o->sts_policy;
	struct strbuf			 b = { NULL, 0, 0 };

	strbuf_printf(&b, "the certificate of mta-sts.%s is not valid by "
	    "WebPKI: %s", o->domain, p->verify_error != NULL ?
	    p->verify_error : p->error);
	if (p->cert_names != NULL)
		strbuf_printf(&b, "; it is issued for %s", p->cert_names);
	strbuf_printf(&b, ".  Senders fetch no policy from it: get a "
	    "certificate for mta-sts.%s from a public CA", o->domain);
	findings_add_req(&r->findings, SEV_ERROR, REQ_MUST, "sts.policy.tls",
	    RFC_STS_FETCH, "%s", b.s);
	strbuf_free(&b);
}

/* A text/plain type, parameters allowed. */
static int
mta_sts_text_plain(const char *ct)
{
	return ct != NULL && strncasecmp(ct, "text/plain", 10) == 0 &&
	    (ct[10] == '\0' || ct[10] == ';' || ct[10] == ' ');
}

/* Did the fetch return a policy body we may parse?  0 when it did. */
static int
mta_sts_fetch(const struct observation *o, struct step_result *r)
{
	const struct https_result	*p = &o->sts_policy;
	struct findings			*fs = &r->findings;

	if (!o->sts_fetched) {
		findings_add(fs, SEV_ERROR, "sts.policy.host", RFC_STS_FETCH,
		    "mta-sts.%s has no address, so senders cannot fetch the "
		    "policy the TXT record announces", o->domain);
		return -1;
	}
	if (p->too_large) {
		findings_add_req(fs, SEV_ERROR, REQ_ADVICE, "sts.policy.size",
		    RFC_STS_FETCH, "the policy is larger than %d bytes; "
		    "senders may refuse to read it (a policy needs a few "
		    "hundred)", STS_POLICY_MAX);
		return -1;
	}
	if (!p->transferred && p->tls_error) {
		mta_sts_fetch_tls(o, r);
		return -1;
	}
	if (!p->transferred) {
		findings_add(fs, SEV_ERROR, "sts.policy.fetch", RFC_STS_FETCH,
		    "cannot fetch https://mta-sts.%s/.well-known/mta-sts.txt"
		    " (%s): senders treat the domain as having no policy",
		    o->domain, p->error);
		return -1;
	}
	if (p->status != 200) {
		findings_add_req(fs, SEV_ERROR, REQ_MUST, "sts.policy.status",
		    RFC_STS_FETCH, "the policy URL answered HTTP %ld%s%s; "
		    "senders accept only 200 and MUST NOT follow redirects: "
		    "serve the file at the URL itself", p->status,
		    p->location != NULL ? " redirecting to " : "",
		    p->location != NULL ? p->location : "");
		return -1;
	}
	if (!mta_sts_text_plain(p->content_type)) {
		findings_add_req(fs, SEV_ERROR, REQ_SHOULD,
		    "sts.policy.content-type", RFC_STS_FETCH, "the policy is "
		    "served as \"%s\"; senders check that it is text/plain "
		    "and discard anything else", p->content_type != NULL ?
		    p->content_type : "(no type)");
		return -1;
	}
	return 0;
}

/* One MX address as a sender in enforce mode would judge it. */
static void
mta_sts_address(const struct mx_host *h, const struct smtp_result *s,
    enum severity sev, struct findings *fs)
{
	switch (s->outcome) {
	case SMTP_UNTESTED:
		findings_add(fs, SEV_INFO, "sts.mx-untested", RFC_STS_CERT,
		    "%s [%s]: could not test (%s)", h->name, s->addr,
		    s->error != NULL ? s->error : "no answer");
		return;
	case SMTP_NO_STARTTLS:
		findings_add_req(fs, sev, REQ_MUST, "sts.mx-starttls",
		    RFC_STS_CERT, "%s [%s] does not offer STARTTLS: senders "
		    "in enforce mode will not deliver to it", h->name,
		    s->addr);
		return;
	case SMTP_TLS_OK:
		break;
	default:
		findings_add_req(fs, sev, REQ_MUST, "sts.mx-tls",
		    RFC_STS_CERT, "%s [%s]: no working STARTTLS: %s",
		    h->name, s->addr, s->error != NULL ? s->error : "failed");
		return;
	}

	if (s->tls_version == NULL || (strcmp(s->tls_version, "TLSv1.2") != 0 &&
	    strcmp(s->tls_version, "TLSv1.3") != 0))
		findings_add_req(fs, sev, REQ_MUST, "sts.mx-tls-version",
		    RFC_STS_TLS12, "%s [%s] negotiated %s; MTA-STS needs TLS "
		    "1.2 or later", h->name, s->addr, s->tls_version != NULL ?
		    s->tls_version : "an unknown version");
	if (!s->pkix_ok)
		findings_add_req(fs, sev, REQ_MUST, "sts.mx-pkix",
		    RFC_STS_CERT, "%s [%s]: the certificate is not valid by "
		    "WebPKI for %s: %s", h->name, s->addr, h->name,
		    s->pkix_error != NULL ? s->pkix_error : "not verified");
}

/* A second certificate (RSA beside ECDSA) must be valid by WebPKI too. */
static void
mta_sts_other_keys(const struct mx_host *h, const struct mx_addr *a,
    enum severity sev, struct findings *fs)
{
	struct other_key	other[2];
	size_t			i, n;

	n = observe_other_keys(a, other);
	for (i = 0; i < n; i++) {
		if (other[i].smtp->pkix_ok)
			continue;
		findings_add_req(fs, sev, REQ_MUST, "sts.mx-pkix",
		    RFC_STS_CERT, "%s [%s]: its %s certificate, which "
		    "senders that prefer %s get, is not valid by WebPKI for "
		    "%s: %s", h->name, a->addr, other[i].kind, other[i].kind,
		    h->name, other[i].smtp->pkix_error != NULL ?
		    other[i].smtp->pkix_error : "not verified");
	}
}

/* The MX hosts against the patterns, then every address's TLS. */
static void
mta_sts_hosts(const struct observation *o, const struct sts_policy *policy,
    struct step_result *r)
{
	const struct mx_host	*h;
	enum severity		 sev;
	char			**names;
	size_t			 i, j;

	names = xcalloc(o->nhosts + 1, sizeof *names);
	for (i = 0; i < o->nhosts; i++)
		names[i] = o->hosts[i].name;
	sts_policy_check_hosts(policy, names, o->nhosts, &r->findings);
	free(names);
	sts_policy_advise(policy, o->domain, &r->findings);
	if (policy->mode == STS_MODE_NONE)
		return;

	/* In testing nothing bounces yet; enforce would refuse these. */
	sev = policy->mode == STS_MODE_ENFORCE ? SEV_ERROR : SEV_WARN;
	for (i = 0; i < o->nhosts; i++) {
		h = &o->hosts[i];
		for (j = 0; j < h->naddrs; j++) {
			mta_sts_address(h, &h->addrs[j].smtp, sev,
			    &r->findings);
			mta_sts_other_keys(h, &h->addrs[j], sev, &r->findings);
		}
	}
}

/* Does any MX host fall outside the policy's patterns? */
static int
mta_sts_uncovered(const struct observation *o, const struct sts_policy *p)
{
	size_t	i;

	for (i = 0; i < o->nhosts; i++)
		if (sts_policy_covers(p, o->hosts[i].name) == NULL)
			return 1;
	return 0;
}

/* The published policy against the history of what was served. */
static void
mta_sts_history(const struct observation *o, const struct step_context *ctx,
    const char *id, struct step_result *r)
{
	struct sts_seen	seen;
	char		when[32];

	if (id == NULL || !ctx->sts_known || sts_seen_from(o, &seen) != 0)
		return;
	clock_format(ctx->sts_last_seen, when, sizeof when);
	if (strcmp(seen.id, ctx->sts_id) == 0 &&
	    strcmp(seen.hash, ctx->sts_hash) != 0)
		findings_add_req(&r->findings, SEV_ERROR, REQ_MUST,
		    "sts.id-unchanged", RFC_STS_TXT, "the policy changed "
		    "since %s but the TXT id is still %s: senders that "
		    "cached the old policy keep it; publish a new id",
		    when, id);
	else if (strcmp(seen.id, ctx->sts_id) != 0 &&
	    strcmp(seen.hash, ctx->sts_hash) == 0)
		findings_add_req(&r->findings, SEV_INFO, REQ_ADVICE,
		    "sts.id-without-change", RFC_STS_UPDATE, "the TXT id "
		    "changed from %s to %s but the policy is the one served "
		    "on %s; if a new policy is coming, it should have been "
		    "published before the id", ctx->sts_id, id, when);
}

static void
mta_sts_verdict(const struct sts_policy *policy, int txt_ok, int usable,
    struct step_result *r)
{
	if (!txt_ok || !usable ||
	    findings_count(&r->findings, SEV_ERROR) > 0)
		step_result_set(r, STEP_FAIL, "MTA-STS %s",
		    !txt_ok ? "TXT record missing or invalid" :
		    !usable ? "policy invalid" : "policy has errors");
	else if (policy->mode == STS_MODE_NONE)
		step_result_set(r, STEP_WARN, "policy in mode none: MTA-STS "
		    "is being switched off");
	else if (findings_count(&r->findings, SEV_WARN) > 0)
		step_result_set(r, STEP_WARN, "policy in %s mode, with "
		    "warnings", sts_mode_name(policy->mode));
	else
		step_result_set(r, STEP_PASS, "policy in %s mode covers every "
		    "MX", sts_mode_name(policy->mode));
}

/*
 * The lookups themselves fail (SERVFAIL: a bogus zone, a broken server):
 * senders find no policy, which is not the same as none being published.
 */
static int
mta_sts_lookups_fail(const struct observation *o, struct step_result *r)
{
	if (o->sts_txt->rcode != LDNS_RCODE_SERVFAIL &&
	    o->sts_a->rcode != LDNS_RCODE_SERVFAIL)
		return 0;
	findings_add(&r->findings, SEV_ERROR, "sts.lookup-failed",
	    RFC_STS_TXT, "looking up %s fails (SERVFAIL): senders cannot "
	    "discover the policy; see the DNSSEC step",
	    o->sts_txt->rcode == LDNS_RCODE_SERVFAIL ? "_mta-sts TXT" :
	    "the policy host's address");
	step_result_set(r, STEP_FAIL, "MTA-STS lookups fail");
	return 1;
}

/* Neither the TXT record nor the policy host: not set up at all. */
static int
mta_sts_absent(const struct observation *o, struct step_result *r)
{
	if (!dns_answer_is_nodata(o->sts_txt) || o->sts_fetched)
		return 0;
	findings_add_req(&r->findings, SEV_ERROR, REQ_ADVICE, "sts.none",
	    RFC_STS_TXT, "MTA-STS is not set up for %s: there is no "
	    "_mta-sts TXT record and no policy host mta-sts.%s", o->domain,
	    o->domain);
	mta_sts_artifacts(o, r, "testing", 1);
	step_result_set(r, STEP_FAIL, "MTA-STS not set up");
	return 1;
}

static void
mta_sts_evaluate(const struct observation *o,
    const struct step_context *ctx, const struct step_result *earlier,
    struct step_result *r)
{
	const struct https_result	*p = &o->sts_policy;
	struct sts_policy		 policy;
	char				*id;
	int				 txt_ok, usable;

	if (o->sts_txt == NULL || !o->sts_txt->answered ||
	    o->sts_a == NULL || !o->sts_a->answered) {
		findings_add(&r->findings, SEV_WARN, "sts.lookup", NULL,
		    "could not look up the MTA-STS records of %s", o->domain);
		step_result_set(r, STEP_PENDING, "DNS lookups failed");
		return;
	}
	if (mta_sts_lookups_fail(o, r) || mta_sts_absent(o, r))
		return;
	txt_ok = mta_sts_txt(o, r, &id) == 0;
	if (mta_sts_fetch(o, r) != 0) {
		mta_sts_artifacts(o, r, "testing", 1);
		step_result_set(r, STEP_FAIL, "policy not available");
		free(id);
		return;
	}

	usable = sts_policy_parse(p->body, p->len, &policy, &r->findings) ==
	    0;
	if (usable) {
		mta_sts_hosts(o, &policy, r);
		mta_sts_history(o, ctx, id, r);
	}

	if (!usable || mta_sts_uncovered(o, &policy))
		mta_sts_artifacts(o, r, usable &&
		    policy.mode != STS_MODE_NONE ? policy.mode_raw :
		    "testing", 1);
	else if (!txt_ok)
		mta_sts_artifacts(o, r, NULL, 0);
	mta_sts_verdict(&policy, txt_ok, usable, r);
	sts_policy_free(&policy);
	free(id);
}

const struct step step_mta_sts = {
	.id = STEP_MTA_STS,
	.name = "mta-sts",
	.title = "MTA-STS",
	.help = mta_sts_help,
	.evaluate = mta_sts_evaluate,
};
