/*
 * Loading the step context from the state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "context.h"
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

int
step_context_load(struct state *st, const char *domain,
    struct step_context *ctx, char **cause)
{
	struct state_domain	d;
	int			rc;

	step_context_init(ctx);
	if ((rc = state_domain_get(st, domain, &d, cause)) <= 0)
		return rc;

	if (sts_history_load(st, domain, ctx, cause) != 0)
		goto fail;
	if (!ctx->sts_known)
		step_context_from_steps(&d, ctx);
	if (step_context_override(st, domain, ctx, cause) != 0)
		goto fail;
	state_domain_free(&d);
	return 0;

fail:
	state_domain_free(&d);
	return -1;
}
