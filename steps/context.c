/*
 * Loading the step context from the state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "context.h"
#include "inventory.h"
#include "report_summary.h"
#include "rollover.h"
#include "state.h"
#include "state_sts.h"
#include "sts_history.h"

void
step_context_init(struct step_context *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->gate_days = STEP_GATE_DAYS;
}

/*
 * Before the policy history existed, the policy counted as live since
 * the mta-sts step last turned pass or warn.
 */
static void
step_context_from_steps(const struct state_domain *d,
    struct step_context *ctx)
{
	size_t	i;

	for (i = 0; i < d->nsteps; i++) {
		if (strcmp(d->steps[i].id, "mta-sts") != 0)
			continue;
		if (strcmp(d->steps[i].status, "pass") == 0 ||
		    strcmp(d->steps[i].status, "warn") == 0)
			ctx->testing_since = d->steps[i].changed;
	}
}

/* A file of schema 1 opened read-only: only the step history. */
static int
step_context_legacy(struct state *st, const char *domain,
    struct step_context *ctx, char **cause)
{
	struct state_domain	d;
	int			rc;

	if ((rc = state_domain_get(st, domain, &d, cause)) <= 0)
		return rc;
	step_context_from_steps(&d, ctx);
	state_domain_free(&d);
	return 0;
}

static int
step_context_override(struct state *st, const char *domain,
    struct step_context *ctx, char **cause)
{
	char	*reason;
	int	 rc;

	rc = state_override_get(st, domain, &ctx->override_at, &reason,
	    cause);
	if (rc == 1) {
		snprintf(ctx->override_reason, sizeof ctx->override_reason,
		    "%s", reason);
		free(reason);
	}
	return rc < 0 ? -1 : 0;
}

/* The reports of the last days, whether the domain was added or not. */
static int
step_context_reports(struct state *st, const char *domain,
    struct step_context *ctx, char **cause)
{
	struct report_summary	s;
	time_t			now = clock_now(), to;

	to = now - now % 86400 + 86400;
	if (report_summary_load(st, domain, to - STEP_REPORT_DAYS * 86400,
	    to, &s, cause) != 0)
		return -1;
	report_summary_context(&s, now, &ctx->reports);
	report_summary_free(&s);
	return 0;
}

/* Counts what the inventory step judges. */
static int
step_context_inventory(struct state *st, const char *domain,
    struct step_context *ctx, char **cause)
{
	struct state_recovery	*r;
	struct state_mailbox	*m;
	size_t			 nr, nm, i;

	if (state_recovery_list(st, domain, &r, &nr, cause) != 0)
		return -1;
	for (i = 0; i < nr; i++) {
		ctx->recovery_count++;
		ctx->recovery_unconfirmed += r[i].confirmed == 0;
		ctx->recovery_elsewhere += r[i].third_party ||
		    r[i].not_controlled;
	}
	state_recovery_list_free(r, nr);

	if (state_mailbox_list(st, domain, &m, &nm, cause) != 0)
		return -1;
	for (i = 0; i < nm; i++) {
		ctx->mailboxes_checked++;
		ctx->mailboxes_refusing += strcmp(m[i].verdict, "rejects") ==
		    0 || strcmp(m[i].verdict, "deferred") == 0;
	}
	state_mailbox_list_free(m, nm);
	return 0;
}

int
step_context_load(struct state *st, const char *domain,
    struct step_context *ctx, char **cause)
{
	struct state_domain	d;
	int			rc;

	step_context_init(ctx);
	if (!state_sts_available(st))
		return step_context_legacy(st, domain, ctx, cause);
	if (step_context_reports(st, domain, ctx, cause) != 0)
		return -1;
	if ((rc = state_domain_get(st, domain, &d, cause)) <= 0)
		return rc;

	if (sts_history_load(st, domain, ctx, cause) != 0)
		goto fail;
	if (!ctx->sts_known)
		step_context_from_steps(&d, ctx);
	if (step_context_override(st, domain, ctx, cause) != 0)
		goto fail;
	state_domain_free(&d);
	if (rollover_load(st, domain, ctx, cause) != 0)
		return -1;
	return step_context_inventory(st, domain, ctx, cause);

fail:
	state_domain_free(&d);
	return -1;
}
