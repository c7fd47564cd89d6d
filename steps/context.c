/*
 * Loading the step context from the state.
 */
#include <string.h>

#include "context.h"
#include "inventory.h"
#include "state.h"

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
	return step_context_inventory(st, domain, ctx, cause);
}
