/*
 * Step 4, MTA-STS in testing mode (RFC 8461): a TXT record at _mta-sts
 * announces a policy, served over HTTPS at mta-sts.<domain>, that lists
 * the MX hosts senders may use.  In testing mode senders only report
 * failures (through TLS-RPT); enforce comes later, on evidence.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "observe.h"
#include "step.h"
#include "step_mta_sts.h"
#include "strbuf.h"
#include "sts.h"
#include "xmalloc.h"

#define RFC_STS_FETCH	"RFC 8461 §3.3"
#define RFC_STS_MX	"RFC 8461 §4.1"
#define RFC_STS_TLS	"RFC 8461 §4.2"

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
	for (i = 0; i < o->nhosts; i++)
		strbuf_printf(&b, "mx: %s\n", o->hosts[i].name);
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

/*
 * What to publish, only when something must change: the policy (in the
 * mode it is in, testing for a new one) for the MX hosts seen now, then a
 * TXT record with a new id, which tells senders to fetch the policy again.
 */
static void
mta_sts_artifacts(const struct observation *o, struct step_result *r,
    const char *mode, int policy)
{
	char	*s, *name;

	if (policy) {
		s = mta_sts_policy_text(o, mode, 86400);
		name = xprintf("Policy file for https://mta-sts.%s/"
		    ".well-known/mta-sts.txt (%s)", o->domain, mode);
		step_result_artifact(r, name, "file", s);
		free(name);
		free(s);
	}
	s = mta_sts_txt_record(o->domain, clock_now());
	step_result_artifact(r, policy ? "TXT record (publish after the "
	    "policy file)" : "TXT record", "zone", s);
	free(s);
}

/* Is the TXT record there, and well-formed?  0 when it is. */
static int
mta_sts_txt(const struct observation *o, struct step_result *r)
{
	struct sts_txt	  txt;
	char		**records;
	size_t		  n;
	int		  rc;

	if (o->sts_txt->canonical != NULL)
		findings_add(&r->findings, SEV_INFO, "sts.txt.cname",
		    "RFC 8461 §3.1", "_mta-sts.%s is a CNAME to %s",
		    o->domain, o->sts_txt->canonical);

	records = dns_answer_txt(o->sts_txt, &n);
	rc = sts_txt_select(records, n, &txt, &r->findings);
	dns_strv_free(records, n);
	sts_txt_free(&txt);
	return rc;
}

/* Did the fetch return a policy body we may parse?  0 when it did. */
static int
mta_sts_fetch(const struct observation *o, struct step_result *r)
{
	const struct https_result	*p = &o->sts_policy;
	const char			*ct = p->content_type;

	if (!o->sts_fetched) {
		findings_add(&r->findings, SEV_ERROR, "sts.policy.host",
		    RFC_STS_FETCH, "mta-sts.%s has no address, so the "
		    "policy cannot be fetched", o->domain);
		return -1;
	}
	if (p->too_large) {
		findings_add(&r->findings, SEV_ERROR, "sts.policy.size",
		    RFC_STS_FETCH, "the policy is larger than %d bytes",
		    STS_POLICY_MAX);
		return -1;
	}
	if (!p->transferred) {
		findings_add(&r->findings, SEV_ERROR, p->tls_error ?
		    "sts.policy.tls" : "sts.policy.fetch", RFC_STS_FETCH,
		    "cannot fetch https://mta-sts.%s/.well-known/mta-sts.txt:"
		    " %s", o->domain, p->error);
		return -1;
	}
	if (p->status != 200) {
		findings_add(&r->findings, SEV_ERROR, "sts.policy.status",
		    RFC_STS_FETCH, "the policy URL answered HTTP %ld%s%s; "
		    "only 200 counts and redirects are not followed",
		    p->status, p->location != NULL ? " to " : "",
		    p->location != NULL ? p->location : "");
		return -1;
	}
	if (ct == NULL || strncasecmp(ct, "text/plain", 10) != 0 ||
	    (ct[10] != '\0' && ct[10] != ';' && ct[10] != ' ')) {
		findings_add(&r->findings, SEV_ERROR,
		    "sts.policy.content-type", RFC_STS_FETCH, "the policy is "
		    "served as \"%s\", it must be text/plain",
		    ct != NULL ? ct : "(no type)");
		return -1;
	}
	return 0;
}

/* Every MX must be covered, and reachable with valid TLS. */
static void
mta_sts_hosts(const struct observation *o, const struct sts_policy *policy,
    struct step_result *r)
{
	const struct mx_host	*h;
	const struct smtp_result *s;
	enum severity		 sev;
	size_t			 i, j;

	sev = policy->mode == STS_MODE_ENFORCE ? SEV_ERROR : SEV_WARN;
	for (i = 0; i < o->nhosts; i++) {
		h = &o->hosts[i];
		if (sts_policy_covers(policy, h->name) == NULL)
			findings_add(&r->findings, SEV_ERROR,
			    "sts.mx-not-covered", RFC_STS_MX, "MX host %s "
			    "is not covered by any mx line of the policy; in "
			    "enforce mode senders would not deliver to it",
			    h->name);
		for (j = 0; j < h->naddrs; j++) {
			s = &h->addrs[j].smtp;
			if (s->outcome == SMTP_UNTESTED)
				continue;
			if (s->outcome != SMTP_TLS_OK)
				findings_add(&r->findings, sev, "sts.mx-tls",
				    RFC_STS_TLS, "%s [%s]: no working "
				    "STARTTLS: %s", h->name, s->addr,
				    s->error);
			else if (!s->pkix_ok)
				findings_add(&r->findings, sev, "sts.mx-pkix",
				    RFC_STS_TLS, "%s [%s]: the certificate is "
				    "not valid for %s: %s", h->name, s->addr,
				    h->name, s->pkix_error);
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

static void
mta_sts_evaluate(const struct observation *o,
    const struct step_context *ctx, const struct step_result *earlier,
    struct step_result *r)
{
	const struct https_result	*p = &o->sts_policy;
	struct sts_policy		 policy;
	int				 txt_ok, usable;

	if (o->sts_txt == NULL || !o->sts_txt->answered ||
	    o->sts_a == NULL || !o->sts_a->answered) {
		findings_add(&r->findings, SEV_WARN, "sts.lookup", NULL,
		    "could not look up the MTA-STS records of %s", o->domain);
		step_result_set(r, STEP_PENDING, "DNS lookups failed");
		return;
	}
	txt_ok = mta_sts_txt(o, r) == 0;
	if (mta_sts_fetch(o, r) != 0) {
		mta_sts_artifacts(o, r, "testing", 1);
		step_result_set(r, STEP_FAIL, "policy not available");
		return;
	}

	usable = sts_policy_parse(p->body, p->len, &policy, &r->findings) ==
	    0;
	if (usable)
		mta_sts_hosts(o, &policy, r);

	if (!usable || mta_sts_uncovered(o, &policy))
		mta_sts_artifacts(o, r, usable &&
		    policy.mode != STS_MODE_NONE ? policy.mode_raw :
		    "testing", 1);
	else if (!txt_ok)
		mta_sts_artifacts(o, r, NULL, 0);

	if (!txt_ok || !usable ||
	    findings_count(&r->findings, SEV_ERROR) > 0)
		step_result_set(r, STEP_FAIL, "MTA-STS %s",
		    !txt_ok ? "TXT record missing or invalid" :
		    !usable ? "policy invalid" : "policy has errors");
	else if (findings_count(&r->findings, SEV_WARN) > 0)
		step_result_set(r, STEP_WARN, "policy in %s mode, with "
		    "warnings", sts_mode_name(policy.mode));
	else
		step_result_set(r, STEP_PASS, "policy in %s mode covers every "
		    "MX", sts_mode_name(policy.mode));
	sts_policy_free(&policy);
}

const struct step step_mta_sts = {
	.id = STEP_MTA_STS,
	.name = "mta-sts",
	.title = "MTA-STS",
	.help = mta_sts_help,
	.evaluate = mta_sts_evaluate,
};
