/*
 * Step 6, enforce: once the testing policy has run long enough and the
 * reports show no unexplained failures, the policy moves to enforce with
 * a long max_age (RFC 8461 §5).  Until then the step lists each gate and
 * what it still misses:
 *
 *   testing   the testing policy has been live at least gate_days days
 *   reports   TLS-RPT reports have arrived since it went live
 *   failures  the last STEP_REPORT_WINDOW days show no failure that is
 *             not explained (a DANE failure, or one at a host that is no
 *             longer an MX, is explained)
 *   mx-tls    every MX address offers STARTTLS, TLS 1.2 or later and a
 *             certificate valid by WebPKI for its name
 *   coverage  the policy covers every MX
 *
 * The operator may override the gate with a reason (kept in the state).
 * The same step follows the policy afterwards: enforce published and
 * verified, or a removal in progress (mode none, RFC 8461 §8.3) with the
 * earliest time the records may go.
 */
#include <stdarg.h>
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
#include "xmalloc.h"

#define RFC_STS_MODES	"RFC 8461 §5"
#define RFC_STS_UPDATE	"RFC 8461 §8.1"
#define RFC_STS_REMOVE	"RFC 8461 §8.3"
#define RFC_TLSRPT	"RFC 8460 §4.3"
#define DAY		86400
#define NONE_MAX_AGE	86400

static const char enforce_help[] =
    "Switches the MTA-STS policy from testing to enforce: senders then "
    "refuse to deliver over an unverified connection.  mxanchor offers "
    "it when the testing policy has been live for two weeks, reports "
    "have arrived, the last week shows no failure it cannot explain, "
    "every MX passes STARTTLS and WebPKI checks and the policy covers "
    "every MX; each gate says what it misses.  To go ahead anyway, "
    "record why: 'mxanchor enforce-override DOMAIN --reason TEXT'.  "
    "Publish the new policy file first, then the TXT record with a new "
    "id.  To remove MTA-STS later, publish mode none with a new id and "
    "keep both until every earlier policy has expired.";

/* A gate: met or not, and the message either way. */
static int
enforce_gate(struct step_result *r, int met, const char *code,
    const char *rfc, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int
enforce_gate(struct step_result *r, int met, const char *code,
    const char *rfc, const char *fmt, ...)
{
	va_list	 ap;
	char	*message;

	va_start(ap, fmt);
	xvasprintf(&message, fmt, ap);
	va_end(ap);
	findings_add(&r->findings, met ? SEV_INFO : SEV_WARN, code, rfc,
	    "%s: %s", met ? "gate open" : "gate closed", message);
	free(message);
	return met;
}

/* Since when the testing policy is live: history, else this check. */
static time_t
enforce_since(const struct observation *o, const struct step_context *ctx)
{
	if (ctx->testing_since != 0 && ctx->testing_since <= o->taken)
		return ctx->testing_since;
	return o->taken;
}

static int
enforce_gate_days(const struct observation *o,
    const struct step_context *ctx, struct step_result *r)
{
	time_t	since = enforce_since(o, ctx);
	long	days = (long)((o->taken - since) / DAY);
	int	want = ctx->gate_days > 0 ? ctx->gate_days : STEP_GATE_DAYS;
	char	when[32];

	clock_format(since, when, sizeof when);
	return enforce_gate(r, days >= want, "enforce.gate.testing",
	    RFC_STS_MODES, "the policy has been in testing mode since %s "
	    "(%ld day%s, counted from when mxanchor first saw it); %d days "
	    "wanted", when, days, days == 1 ? "" : "s", want);
}

/* Reports whose day is not before the policy went live. */
static int
enforce_gate_reports(const struct observation *o,
    const struct step_context *ctx, struct step_result *r)
{
	time_t		since = enforce_since(o, ctx);
	long long	reports = 0;
	size_t		i;

	for (i = 0; i < STEP_REPORT_DAYS; i++)
		if (ctx->reports.days[i].day + DAY > since)
			reports += ctx->reports.days[i].reports;
	if (reports > 0)
		return enforce_gate(r, 1, "enforce.gate.reports", RFC_TLSRPT,
		    "%lld report%s arrived since the policy went live",
		    reports, reports == 1 ? "" : "s");
	return enforce_gate(r, 0, "enforce.gate.reports", RFC_TLSRPT,
	    "no TLS-RPT report since the policy went live (%lld stored in "
	    "all): import them with 'mxanchor reports import'",
	    ctx->reports.reports);
}

static int
enforce_is_mx(const struct observation *o, const char *name)
{
	size_t	i;

	for (i = 0; i < o->nhosts; i++)
		if (strcasecmp(o->hosts[i].name, name) == 0)
			return 1;
	return 0;
}

/* Why a failure group needs no action, or NULL. */
static const char *
enforce_explained(const struct observation *o,
    const struct step_report_fail *g)
{
	if (strcmp(g->policy, "tlsa") == 0)
		return "a DANE failure, not MTA-STS";
	if (g->mx[0] != '\0' && !enforce_is_mx(o, g->mx))
		return "the host is no longer an MX";
	return NULL;
}

static int
enforce_gate_failures(const struct observation *o,
    const struct step_context *ctx, struct step_result *r)
{
	const struct step_report_fail	*g;
	struct strbuf			 b = { NULL, 0, 0 };
	struct strbuf			 ok = { NULL, 0, 0 };
	const char			*why;
	long long			 bad = 0, detailed = 0, total = 0;
	size_t				 i;
	int				 met;

	for (i = 0; i < ctx->reports.nfails; i++) {
		g = &ctx->reports.fails[i];
		if (strcmp(g->policy, "sts") == 0)
			detailed += g->sessions;
		if ((why = enforce_explained(o, g)) != NULL) {
			strbuf_printf(&ok, "; explained: %lld %s%s%s (%s)",
			    g->sessions, g->result, g->mx[0] != '\0' ?
			    " at " : "", g->mx, why);
			continue;
		}
		bad += g->sessions;
		strbuf_printf(&b, "%s%lld %s%s%s", b.len > 0 ? "; " : "",
		    g->sessions, g->result, g->mx[0] != '\0' ? " at " : "",
		    g->mx);
	}
	bad += ctx->reports.fails_more;
	for (i = STEP_REPORT_DAYS - STEP_REPORT_WINDOW; i < STEP_REPORT_DAYS;
	    i++)
		total += ctx->reports.days[i].failed_sts;
	if (total > detailed) {
		strbuf_printf(&b, "%s%lld without details", b.len > 0 ?
		    "; " : "", total - detailed);
		bad += total - detailed;
	}

	if (bad == 0)
		met = enforce_gate(r, 1, "enforce.gate.failures", RFC_TLSRPT,
		    "no unexplained failure in the last %d days%s",
		    STEP_REPORT_WINDOW, ok.s != NULL ? ok.s : "");
	else
		met = enforce_gate(r, 0, "enforce.gate.failures", RFC_TLSRPT,
		    "%lld failed session%s in the last %d days that nothing "
		    "explains: %s%s", bad, bad == 1 ? "" : "s",
		    STEP_REPORT_WINDOW, b.s, ok.s != NULL ? ok.s : "");
	strbuf_free(&b);
	strbuf_free(&ok);
	return met;
}

/* What keeps an address from passing as a sender in enforce would see. */
static const char *
enforce_mx_problem(const struct smtp_result *s)
{
	if (s->outcome == SMTP_UNTESTED)
		return "could not be tested";
	if (s->outcome == SMTP_NO_STARTTLS)
		return "offers no STARTTLS";
	if (s->outcome != SMTP_TLS_OK)
		return "STARTTLS fails";
	if (s->tls_version == NULL ||
	    (strcmp(s->tls_version, "TLSv1.2") != 0 &&
	    strcmp(s->tls_version, "TLSv1.3") != 0))
		return "uses TLS older than 1.2";
	if (!s->pkix_ok)
		return "has no certificate valid by WebPKI for its name";
	return NULL;
}

/* A second certificate (RSA beside ECDSA) must pass as well. */
static void
enforce_other_keys(const struct mx_host *h, const struct mx_addr *a,
    struct strbuf *b)
{
	struct other_key	 other[2];
	const char		*why;
	size_t			 i, n;

	n = observe_other_keys(a, other);
	for (i = 0; i < n; i++)
		if ((why = enforce_mx_problem(other[i].smtp)) != NULL)
			strbuf_printf(b, "%s%s [%s], to senders that prefer "
			    "%s, %s", b->len > 0 ? "; " : "", h->name,
			    a->addr, other[i].kind, why);
}

static int
enforce_gate_mx_tls(const struct observation *o, struct step_result *r)
{
	const struct mx_host	*h;
	struct strbuf		 b = { NULL, 0, 0 };
	const char		*why;
	size_t			 i, j, addrs = 0;
	int			 met;

	for (i = 0; i < o->nhosts; i++) {
		h = &o->hosts[i];
		if (h->naddrs == 0)
			strbuf_printf(&b, "%s%s has no address", b.len > 0 ?
			    "; " : "", h->name);
		for (j = 0; j < h->naddrs; j++, addrs++) {
			why = enforce_mx_problem(&h->addrs[j].smtp);
			if (why != NULL)
				strbuf_printf(&b, "%s%s [%s] %s", b.len > 0 ?
				    "; " : "", h->name, h->addrs[j].addr,
				    why);
			enforce_other_keys(h, &h->addrs[j], &b);
		}
	}
	met = b.len == 0 && addrs > 0;
	if (met)
		enforce_gate(r, 1, "enforce.gate.mx-tls", "RFC 8461 §4.2",
		    "every MX address (%zu) offers STARTTLS with TLS 1.2 or "
		    "later and a certificate valid by WebPKI", addrs);
	else
		enforce_gate(r, 0, "enforce.gate.mx-tls", "RFC 8461 §4.2",
		    "%s", b.s != NULL ? b.s : "no MX address to test");
	strbuf_free(&b);
	return met;
}

static int
enforce_gate_coverage(const struct observation *o,
    const struct sts_policy *policy, struct step_result *r)
{
	struct strbuf	b = { NULL, 0, 0 };
	size_t		i;
	int		met;

	for (i = 0; i < o->nhosts; i++)
		if (sts_policy_covers(policy, o->hosts[i].name) == NULL)
			strbuf_printf(&b, "%s%s", b.len > 0 ? ", " : "",
			    o->hosts[i].name);
	met = b.len == 0 && o->nhosts > 0;
	if (met)
		enforce_gate(r, 1, "enforce.gate.coverage", "RFC 8461 §4.1",
		    "the policy covers every MX");
	else
		enforce_gate(r, 0, "enforce.gate.coverage", "RFC 8461 §4.1",
		    "not covered by the policy: %s", b.s != NULL ? b.s :
		    "(no MX host)");
	strbuf_free(&b);
	return met;
}

/* The enforce policy and a new id, in the order they go out. */
static void
enforce_artifacts(const struct observation *o, struct step_result *r)
{
	char	*s;

	s = mta_sts_policy_text(o, "enforce", STS_MAX_AGE_ENFORCE);
	step_result_artifact(r, "1. Policy file (enforce): publish it "
	    "first", "file", s);
	free(s);
	s = mta_sts_txt_record(o->domain, clock_now());
	step_result_artifact(r, "2. TXT record with a new id, once the "
	    "file is served", "zone", s);
	free(s);
}

/* How to take MTA-STS down safely, should it ever be needed. */
static void
enforce_removal_artifacts(const struct observation *o,
    struct step_result *r)
{
	char	*s;

	s = mta_sts_policy_text(o, "none", NONE_MAX_AGE);
	step_result_artifact(r, "To remove MTA-STS: 1. policy file in mode "
	    "none", "file", s);
	free(s);
	s = mta_sts_txt_record(o->domain, clock_now());
	step_result_artifact(r, "To remove MTA-STS: 2. TXT record with a "
	    "new id; keep both until every earlier policy expired", "zone",
	    s);
	free(s);
}

/*
 * In testing, the mta-sts step warns of what enforce would refuse.  A
 * warning about a MUST (an MX certificate not valid by WebPKI, say) is
 * mail that enforce would bounce: it closes the gate; advice does not.
 */
static int
enforce_gate_mta_sts(const struct step_result *sts, struct step_result *r)
{
	size_t	i, musts = 0;

	for (i = 0; i < sts->findings.n; i++)
		if (sts->findings.v[i].req == REQ_MUST &&
		    sts->findings.v[i].severity >= SEV_WARN)
			musts++;
	if (sts->status == STEP_PASS ||
	    (sts->status == STEP_WARN && musts == 0))
		return enforce_gate(r, 1, "enforce.gate.mta-sts",
		    RFC_STS_MODES, "the mta-sts step passes%s",
		    sts->status == STEP_WARN ? " (advice only)" : "");
	if (musts > 0)
		return enforce_gate(r, 0, "enforce.gate.mta-sts",
		    RFC_STS_MODES, "the mta-sts step reports %zu broken "
		    "MUST%s that enforce mode would turn into refused mail: "
		    "fix %s first", musts, musts == 1 ? "" : "s",
		    musts == 1 ? "it" : "them");
	return enforce_gate(r, 0, "enforce.gate.mta-sts", RFC_STS_MODES,
	    "the mta-sts step does not pass: fix what it reports first");
}

static void
enforce_testing(const struct observation *o, const struct step_context *ctx,
    const struct sts_policy *policy, const struct step_result *earlier,
    struct step_result *r)
{
	char	when[32];
	int	open = 1;

	open &= enforce_gate_days(o, ctx, r);
	open &= enforce_gate_mta_sts(&earlier[STEP_MTA_STS], r);
	open &= enforce_gate_reports(o, ctx, r);
	open &= enforce_gate_failures(o, ctx, r);
	open &= enforce_gate_mx_tls(o, r);
	open &= enforce_gate_coverage(o, policy, r);

	if (open) {
		enforce_artifacts(o, r);
		step_result_set(r, STEP_PENDING, "ready to enforce: every "
		    "gate is open; publish the enforce policy, then a new id");
	} else if (ctx->override_at != 0) {
		clock_format(ctx->override_at, when, sizeof when);
		findings_add(&r->findings, SEV_WARN, "enforce.override",
		    RFC_STS_MODES, "the gate was overridden on %s: %s", when,
		    ctx->override_reason);
		enforce_artifacts(o, r);
		step_result_set(r, STEP_PENDING, "ready to enforce "
		    "(gate overridden); publish the enforce policy, then a "
		    "new id");
	} else
		step_result_set(r, STEP_PENDING, "policy still in testing; "
		    "gates closed: see below");
}

static void
enforce_enforced(const struct sts_policy *policy, const struct step_result
    *earlier, struct step_result *r)
{
	if (earlier[STEP_MTA_STS].status != STEP_PASS &&
	    earlier[STEP_MTA_STS].status != STEP_WARN) {
		step_result_set(r, STEP_FAIL, "policy enforced, but the "
		    "mta-sts step fails: senders refuse mail now");
		return;
	}
	if (policy->max_age < STS_MAX_AGE_SHORT) {
		findings_add_req(&r->findings, SEV_WARN, REQ_ADVICE,
		    "enforce.short-max-age", RFC_STS_MODES, "max_age is %lld "
		    "seconds; in enforce mode use weeks (e.g. %d) so that "
		    "senders keep the policy through an attack",
		    policy->max_age, STS_MAX_AGE_ENFORCE);
		step_result_set(r, STEP_WARN, "enforced, short max_age");
	} else
		step_result_set(r, STEP_PASS, "policy enforced and verified");
}

/* Mode none: when may the TXT record and the policy host go? */
static void
enforce_removal(const struct observation *o, const struct step_context *ctx,
    struct step_result *r)
{
	time_t	since, until;
	char	s_since[32], s_until[32];

	since = ctx->none_since != 0 ? ctx->none_since : o->taken;
	if (ctx->served_until > since)
		since = ctx->served_until;
	clock_format(since, s_since, sizeof s_since);
	if (ctx->max_age_served <= 0) {
		findings_add(&r->findings, SEV_WARN, "enforce.removal",
		    RFC_STS_REMOVE, "mode none is published (seen since %s); "
		    "mxanchor never saw the earlier policies, so keep the TXT "
		    "record and the policy host for the largest max_age you "
		    "ever published after that", s_since);
		step_result_set(r, STEP_PENDING, "removal in progress");
		return;
	}
	until = since + (time_t)ctx->max_age_served;
	clock_format(until, s_until, sizeof s_until);
	if (o->taken < until) {
		findings_add(&r->findings, SEV_INFO, "enforce.removal",
		    RFC_STS_REMOVE, "mode none is published (since %s); "
		    "senders may still hold an earlier policy for up to "
		    "%lld days: keep the _mta-sts TXT record and the policy "
		    "host until %s", s_since, ctx->max_age_served / DAY,
		    s_until);
		step_result_set(r, STEP_PENDING, "removal in progress: keep "
		    "the records until %s", s_until);
	} else {
		findings_add(&r->findings, SEV_INFO, "enforce.removal",
		    RFC_STS_REMOVE, "every earlier policy expired at %s: you "
		    "may now remove the _mta-sts TXT record and the policy "
		    "host mta-sts.%s", s_until, o->domain);
		step_result_set(r, STEP_PASS, "MTA-STS may be removed now");
	}
}

static void
enforce_evaluate(const struct observation *o,
    const struct step_context *ctx, const struct step_result *earlier,
    struct step_result *r)
{
	const struct https_result	*p = &o->sts_policy;
	struct findings			 ignored = { NULL, 0, 0 };
	struct sts_policy		 policy;

	if (!o->sts_fetched || !p->transferred || p->status != 200 ||
	    p->too_large) {
		step_result_set(r, STEP_PENDING, "needs a working MTA-STS "
		    "policy first");
		return;
	}
	if (sts_policy_parse(p->body, p->len, &policy, &ignored) != 0) {
		step_result_set(r, STEP_PENDING, "needs a valid MTA-STS "
		    "policy first");
		goto out;
	}

	switch (policy.mode) {
	case STS_MODE_TESTING:
		enforce_testing(o, ctx, &policy, earlier, r);
		break;
	case STS_MODE_ENFORCE:
		enforce_enforced(&policy, earlier, r);
		enforce_removal_artifacts(o, r);
		break;
	default:
		enforce_removal(o, ctx, r);
		break;
	}
out:
	sts_policy_free(&policy);
	findings_free(&ignored);
}

const struct step step_enforce = {
	.id = STEP_ENFORCE,
	.name = "enforce",
	.title = "Enforce",
	.help = enforce_help,
	.evaluate = enforce_evaluate,
};
