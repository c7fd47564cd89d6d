/*
 * Loading a report from the state, and the status history of each step.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "clock.h"
#include "report.h"
#include "xmalloc.h"

/* A stored result; a damaged one leaves only the status word. */
static void
report_load_step(struct report *r, const struct state_step *ss)
{
	const struct step	*step;
	struct report_step	*rs;
	json_t			*json;
	char			*cause = NULL;

	if (ss->id == NULL || (step = step_by_name(ss->id)) == NULL)
		return;
	rs = &r->steps[step->id];
	rs->have = 1;
	rs->changed = ss->changed;
	rs->checked = ss->checked;
	step_result_free(&rs->result);
	step_result_init(&rs->result, step->id);
	if (ss->result != NULL &&
	    (json = json_loads(ss->result, 0, NULL)) != NULL) {
		if (step_result_from_json(json, &rs->result, &cause) != 0) {
			free(cause);
			step_result_init(&rs->result, step->id);
		}
		json_decref(json);
	}
	rs->result.id = step->id;
	if (ss->status != NULL)
		step_status_parse(ss->status, &rs->result.status);
}

/* state_event_list() is newest first; a report reads oldest first. */
static void
report_reverse_events(struct report *r)
{
	struct state_event	tmp;
	size_t			i;

	for (i = 0; i < r->nevents / 2; i++) {
		tmp = r->events[i];
		r->events[i] = r->events[r->nevents - 1 - i];
		r->events[r->nevents - 1 - i] = tmp;
	}
}

int
report_load(struct state *st, const char *domain, struct report *r,
    char **cause)
{
	struct state_domain	d;
	size_t			i;
	int			rc;

	memset(r, 0, sizeof *r);
	for (i = 0; i < STEP_COUNT; i++)
		step_result_init(&r->steps[i].result, (enum step_id)i);
	r->generated = clock_now();

	if ((rc = state_domain_get(st, domain, &d, cause)) == 0)
		xasprintf(cause, "%s is not in the state: check it first "
		    "(mxanchor check %s)", domain, domain);
	if (rc != 1)
		goto fail;
	r->domain = xstrdup(d.name);
	r->added = d.added;
	r->checked = d.checked;
	for (i = 0; i < d.nsteps; i++)
		report_load_step(r, &d.steps[i]);
	state_domain_free(&d);

	if (state_event_list(st, domain, 0, &r->events, &r->nevents,
	    cause) != 0)
		goto fail;
	report_reverse_events(r);
	if (state_recovery_list(st, domain, &r->recovery, &r->nrecovery,
	    cause) != 0 || state_mailbox_list(st, domain, &r->mailboxes,
	    &r->nmailboxes, cause) != 0)
		goto fail;
	if (tlsrpt_summary_load(st, domain, &r->tlsrpt, cause) != 0)
		goto fail;
	return 0;

fail:
	report_free(r);
	return -1;
}

void
report_free(struct report *r)
{
	size_t	i;

	for (i = 0; i < STEP_COUNT; i++)
		step_result_free(&r->steps[i].result);
	state_event_list_free(r->events, r->nevents);
	state_recovery_list_free(r->recovery, r->nrecovery);
	state_mailbox_list_free(r->mailboxes, r->nmailboxes);
	tlsrpt_summary_free(&r->tlsrpt);
	free(r->domain);
	memset(r, 0, sizeof *r);
}

/* "tlsa: stale -> pass" or "tlsa: pass": the new status of step id. */
static int
report_status_event(const struct state_event *ev, const char *id,
    enum step_status *status)
{
	const char	*p, *arrow;
	size_t		 len = strlen(id);

	if (strcmp(ev->kind, "status") != 0 ||
	    strncmp(ev->message, id, len) != 0 ||
	    strncmp(ev->message + len, ": ", 2) != 0)
		return 0;
	p = ev->message + len + 2;
	if ((arrow = strstr(p, " -> ")) != NULL)
		p = arrow + 4;
	return step_status_parse(p, status) == 0;
}

size_t
report_segments(const struct report *r, enum step_id id,
    struct report_segment **out)
{
	struct report_segment	*v = NULL;
	enum step_status	 status;
	size_t			 i, n = 0;

	for (i = 0; i < r->nevents; i++) {
		if (!report_status_event(&r->events[i], step_table[id]->name,
		    &status))
			continue;
		if (n > 0)
			v[n - 1].to = r->events[i].at;
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n].from = r->events[i].at;
		v[n].to = r->generated;
		v[n].status = status;
		n++;
	}
	*out = v;
	return n;
}
