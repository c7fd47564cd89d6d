/*
 * The next action of a domain, from its stored step statuses.
 */
#include <stdio.h>
#include <string.h>

#include "next.h"
#include "state.h"

/* A step's own rule for a pending status; 1 when it decided. */
typedef int (*next_rule_fn)(const struct next_overview *, time_t now,
    struct next_action *);

static int	next_mta(const struct next_overview *, time_t,
		    struct next_action *);
static int	next_enforce(const struct next_overview *, time_t,
		    struct next_action *);

/* By step id; a step without a rule gets the general one. */
static const next_rule_fn next_rules[STEP_COUNT] = {
	[STEP_MTA] = next_mta,
	[STEP_ENFORCE] = next_enforce,
};

/* Pending means the server's configuration was not read: say how to. */
static int
next_mta(const struct next_overview *o, time_t now, struct next_action *a)
{
	snprintf(a->text, sizeof a->text, "inspect Postfix over SSH");
	return 1;
}

/*
 * Enforce waits for the testing policy to have run long enough, counted
 * from when the MTA-STS step last turned pass (or warn).
 */
static int
next_enforce(const struct next_overview *o, time_t now,
    struct next_action *a)
{
	time_t	since = o->changed[STEP_MTA_STS];

	if (!o->have[STEP_MTA_STS] || since == 0)
		return 0;
	a->not_before = since + NEXT_TESTING_PERIOD;
	a->attention = now < a->not_before ? NEXT_WAITING : NEXT_DUE;
	snprintf(a->text, sizeof a->text, "enforce MTA-STS");
	return 1;
}

void
next_overview_load(const struct state_domain *d, struct next_overview *o)
{
	const struct step	*step;
	enum step_status	 status;
	size_t			 i;

	memset(o, 0, sizeof *o);
	o->checked = d->checked;
	for (i = 0; i < d->nsteps; i++) {
		if (d->steps[i].id == NULL || d->steps[i].status == NULL ||
		    (step = step_by_name(d->steps[i].id)) == NULL ||
		    step_status_parse(d->steps[i].status, &status) != 0)
			continue;
		o->have[step->id] = 1;
		o->status[step->id] = status;
		o->changed[step->id] = d->steps[i].changed;
	}
}

/* The first step with status, or -1. */
static int
next_first(const struct next_overview *o, enum step_status status)
{
	int	i;

	for (i = 0; i < STEP_COUNT; i++) {
		if (o->have[i] && o->status[i] == status)
			return i;
	}
	return -1;
}

static void
next_set(struct next_action *a, enum next_attention attention, int step,
    const char *verb)
{
	a->attention = attention;
	a->step = step;
	a->not_before = 0;
	if (step >= 0)
		snprintf(a->text, sizeof a->text, "%s %s", verb,
		    step_table[step]->title);
	else
		snprintf(a->text, sizeof a->text, "%s", verb);
}

void
next_action(const struct next_overview *o, time_t now, struct next_action *a)
{
	int	i;

	memset(a, 0, sizeof *a);
	if ((i = next_first(o, STEP_FAIL)) != -1) {
		/*
		 * A broken chain of trust fails the MX lookup through a
		 * validating resolver too: the cause is the DNSSEC step.
		 */
		if (i == STEP_INVENTORY && o->have[STEP_DNSSEC] &&
		    o->status[STEP_DNSSEC] == STEP_FAIL)
			i = STEP_DNSSEC;
		next_set(a, NEXT_FAIL, i, "fix");
		return;
	}
	for (i = 0; i < STEP_COUNT; i++) {
		if (!o->have[i] || o->checked == 0) {
			next_set(a, NEXT_UNCHECKED, -1, "check it");
			return;
		}
	}
	if ((i = next_first(o, STEP_WARN)) != -1) {
		next_set(a, NEXT_WARN, i, "review");
		return;
	}
	if ((i = next_first(o, STEP_PENDING)) != -1) {
		next_set(a, NEXT_DUE, i, "complete");
		if (next_rules[i] != NULL)
			next_rules[i](o, now, a);
		return;
	}
	next_set(a, NEXT_DONE, -1, "keep monitoring");
}

int
next_compare(const struct next_action *a, const struct next_action *b)
{
	if (a->attention != b->attention)
		return a->attention < b->attention ? -1 : 1;
	if (a->not_before != b->not_before)
		return a->not_before < b->not_before ? -1 : 1;
	if (a->step != b->step)
		return a->step < b->step ? -1 : 1;
	return 0;
}
