/*
 * Loading the step context from the state.
 */
#include <string.h>

#include "context.h"
#include "state.h"

int
step_context_load(struct state *st, const char *domain,
    struct step_context *ctx, char **cause)
{
	struct state_domain	d;
	size_t			i;
	int			rc;

	memset(ctx, 0, sizeof *ctx);
	if ((rc = state_domain_get(st, domain, &d, cause)) <= 0)
		return rc;

	/* The policy went live when the step last turned pass or warn. */
	for (i = 0; i < d.nsteps; i++) {
		if (strcmp(d.steps[i].id, "mta-sts") != 0)
			continue;
		if (strcmp(d.steps[i].status, "pass") == 0 ||
		    strcmp(d.steps[i].status, "warn") == 0)
			ctx->testing_since = d.steps[i].changed;
	}
	state_domain_free(&d);
	return rollover_load(st, domain, ctx, cause);
}
