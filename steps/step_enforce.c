/*
 * Step 6, enforce: once the testing policy has run long enough and the
 * reports show no unexplained failures, the policy moves to enforce with
 * a long max_age (RFC 8461 §5).  Until then this step is pending.
 */
#include <stdlib.h>

#include "clock.h"
#include "context.h"
#include "observe.h"
#include "step.h"
#include "step_mta_sts.h"
#include "sts.h"
#include "xmalloc.h"

#define RFC_STS_MODES	"RFC 8461 §5"
#define ENFORCE_MAX_AGE	1209600		/* two weeks */
#define ENFORCE_MIN_AGE	604800		/* one week */

static const char enforce_help[] =
    "Switches the MTA-STS policy from testing to enforce: senders then "
    "refuse to deliver over an unverified connection.  Do it only after "
    "the policy has been in testing for a couple of weeks and the "
    "TLS-RPT reports show no failures you cannot explain.  Publish the "
    "new policy file first, then the TXT record with a new id.";

static void
enforce_artifacts(const struct observation *o, struct step_result *r)
{
	char	*s;

	s = mta_sts_policy_text(o, "enforce", ENFORCE_MAX_AGE);
	step_result_artifact(r, "Policy file (enforce)", "file", s);
	free(s);
	s = mta_sts_txt_record(o->domain, clock_now());
	step_result_artifact(r, "TXT record with a new id (after the file)",
	    "zone", s);
	free(s);
}

/* How long testing has run, as far as the state knows. */
static void
enforce_testing_since(const struct observation *o,
    const struct step_context *ctx, struct step_result *r)
{
	char	when[32];
	long	days;

	if (ctx->testing_since == 0 || ctx->testing_since > o->taken) {
		findings_add(&r->findings, SEV_INFO, "enforce.testing",
		    RFC_STS_MODES, "the policy is in testing mode: senders "
		    "report failures but still deliver; switch to enforce "
		    "when the TLS-RPT reports show no unexplained failures");
		return;
	}
	clock_format(ctx->testing_since, when, sizeof when);
	days = (long)((o->taken - ctx->testing_since) / 86400);
	findings_add(&r->findings, SEV_INFO, "enforce.testing",
	    RFC_STS_MODES, "the policy has been in testing mode since %s "
	    "(%ld day%s): senders report failures but still deliver; switch "
	    "to enforce when the TLS-RPT reports show no unexplained "
	    "failures", when, days, days == 1 ? "" : "s");
}

static void
enforce_evaluate(const struct observation *o,
    const struct step_context *ctx, const struct step_result *earlier,
    struct step_result *r)
{
	const struct https_result	*p = &o->sts_policy;
	struct findings			 ignored = { NULL, 0, 0 };
	struct sts_policy		 policy;

	if (earlier[STEP_MTA_STS].status != STEP_PASS &&
	    earlier[STEP_MTA_STS].status != STEP_WARN) {
		step_result_set(r, STEP_PENDING, "needs a working MTA-STS "
		    "policy first");
		return;
	}
	if (sts_policy_parse(p->body, p->len, &policy, &ignored) != 0) {
		step_result_set(r, STEP_PENDING, "policy not usable");
		goto out;
	}

	switch (policy.mode) {
	case STS_MODE_ENFORCE:
		if (policy.max_age < ENFORCE_MIN_AGE) {
			findings_add(&r->findings, SEV_WARN,
			    "enforce.short-max-age", RFC_STS_MODES,
			    "max_age is %lld seconds; in enforce mode use "
			    "weeks (e.g. %d) so that senders keep the policy "
			    "through an attack", policy.max_age,
			    ENFORCE_MAX_AGE);
			step_result_set(r, STEP_WARN, "enforced, short "
			    "max_age");
		} else
			step_result_set(r, STEP_PASS, "policy enforced");
		break;
	case STS_MODE_TESTING:
		enforce_testing_since(o, ctx, r);
		enforce_artifacts(o, r);
		step_result_set(r, STEP_PENDING, "policy still in testing");
		break;
	default:
		findings_add(&r->findings, SEV_INFO, "enforce.mode-none",
		    RFC_STS_MODES, "the policy mode is none: MTA-STS is "
		    "switched off for this domain");
		step_result_set(r, STEP_PENDING, "policy mode none");
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
