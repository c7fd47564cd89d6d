/*
 * The TLSA rollover planner (rollover.h): RFC 7671 §8.1, "key rollover
 * with fixed TLSA parameters": add the next record, wait at least two
 * TTLs, deploy the next key, verify, remove the old record.
 *
 * The wait starts when every authoritative server was seen serving the
 * next record, not when the update was sent: a secondary that has not
 * transferred the change yet still hands out the old RRset, and
 * resolvers cache what it hands out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "context.h"
#include "observe.h"
#include "rollover.h"
#include "state.h"
#include "state_tlsa.h"
#include "step.h"
#include "strbuf.h"
#include "tlsa.h"
#include "xmalloc.h"

#define RFC_ROLLOVER	"RFC 7671 §8.1"

static const char *rollover_phases[] = {
	"planned", "published", "switched", "done", "aborted",
};

static const char *rollover_actions[] = {
	"publish the next record",
	"wait until every server shows it",
	"switch the server to the next key",
	"remove the current record",
	"nothing",
};

const char *
rollover_phase_name(enum rollover_phase p)
{
	return rollover_phases[p];
}

int
rollover_phase_parse(const char *s, enum rollover_phase *out)
{
	size_t	i;

	for (i = 0; i < sizeof rollover_phases / sizeof *rollover_phases;
	    i++) {
		if (strcmp(s, rollover_phases[i]) == 0) {
			*out = (enum rollover_phase)i;
			return 0;
		}
	}
	return -1;
}

const char *
rollover_action_name(enum rollover_action a)
{
	return rollover_actions[a];
}

/* Copies src into a fixed field; -1 when it does not fit. */
static int
rollover_copy(char *dst, size_t len, const char *src)
{
	if (src == NULL)
		src = "";
	if (strlen(src) >= len)
		return -1;
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

int
rollover_view_from(const struct state_rollover *r, struct rollover_view *v)
{
	memset(v, 0, sizeof *v);
	if (rollover_phase_parse(r->phase, &v->phase) != 0 ||
	    rollover_copy(v->owner, sizeof v->owner, r->owner) != 0 ||
	    rollover_copy(v->algorithm, sizeof v->algorithm,
	    r->algorithm) != 0 ||
	    rollover_copy(v->current, sizeof v->current, r->current) != 0 ||
	    rollover_copy(v->next, sizeof v->next, r->next) != 0)
		return -1;
	/* A note is for display only: a long one is cut, not refused. */
	snprintf(v->note, sizeof v->note, "%s", r->note != NULL ? r->note :
	    "");
	v->ttl = r->ttl;
	v->created = r->created;
	v->published = r->published;
	v->visible = r->visible;
	v->switched = r->switched;
	v->removed = r->removed;
	return 0;
}

time_t
rollover_switch_after(const struct rollover_view *v)
{
	if (v->visible == 0)
		return 0;
	return v->visible + 2 * (v->ttl > 0 ? v->ttl : 0);
}

enum rollover_action
rollover_next(const struct rollover_view *v, time_t *earliest)
{
	*earliest = 0;
	switch (v->phase) {
	case ROLL_PLANNED:
		return ROLL_ACT_PUBLISH;
	case ROLL_PUBLISHED:
		if (v->visible == 0)
			return ROLL_ACT_CONFIRM;
		*earliest = rollover_switch_after(v);
		return ROLL_ACT_SWITCH;
	case ROLL_SWITCHED:
		return ROLL_ACT_REMOVE;
	default:
		return ROLL_ACT_NONE;
	}
}

const char *
rollover_owner_host(const char *owner, char *buf, size_t len)
{
	const char	*p;

	if (owner[0] != '_' || (p = strstr(owner, "._tcp.")) == NULL ||
	    strlen(p + 6) >= len)
		return NULL;
	memcpy(buf, p + 6, strlen(p + 6) + 1);
	return buf;
}

/* "2026-12-03T14:00:00Z" or "-" for 0. */
static const char *
rollover_when(time_t t, char *buf, size_t len)
{
	if (t == 0)
		return "-";
	clock_format(t, buf, len);
	return buf;
}

char *
rollover_plan_text(const struct rollover_view *v, time_t now)
{
	struct strbuf	b = { NULL, 0, 0 };
	time_t		after = rollover_switch_after(v);
	char		t1[32], t2[32];

	strbuf_printf(&b, "%s (%s key), %s\n", v->owner, v->algorithm,
	    rollover_phase_name(v->phase));
	strbuf_printf(&b, "  current  %s\n  next     %s\n", v->current,
	    v->next);
	strbuf_printf(&b, "  1 publish next    %s\n", v->published != 0 ?
	    rollover_when(v->published, t1, sizeof t1) : "now");
	if (v->visible != 0)
		strbuf_printf(&b, "  2 on every server since %s\n",
		    rollover_when(v->visible, t1, sizeof t1));
	else
		strbuf_printf(&b, "  2 on every server  not yet seen\n");
	if (v->switched != 0)
		strbuf_printf(&b, "  3 switch key      done %s\n",
		    rollover_when(v->switched, t1, sizeof t1));
	else if (after == 0)
		strbuf_printf(&b, "  3 switch key      2 x TTL (%lds) after "
		    "step 2\n", v->ttl);
	else
		strbuf_printf(&b, "  3 switch key      %s %s (2 x TTL %lds)\n",
		    now >= after ? "allowed since" : "not before",
		    rollover_when(after, t2, sizeof t2), v->ttl);
	strbuf_printf(&b, "  4 verify served key, then remove current  %s\n",
	    v->removed != 0 ? rollover_when(v->removed, t1, sizeof t1) :
	    v->switched != 0 ? "now" : "after step 3");
	if (v->note[0] != '\0')
		strbuf_printf(&b, "  note: %s\n", v->note);
	return strbuf_take(&b);
}

/* 1 when an address of the owner's host serves the record's key. */
static int
rollover_served(const struct observation *o, const struct rollover_view *v,
    const char *record)
{
	struct tlsa_record	 t;
	const struct mx_host	*h;
	char			 host[256], *s, *hex;
	size_t			 i, j;
	int			 found = 0;

	if (o == NULL || rollover_owner_host(v->owner, host,
	    sizeof host) == NULL)
		return 0;
	for (i = 0; i < o->nhosts && !found; i++) {
		h = &o->hosts[i];
		if (strcmp(h->name, host) != 0)
			continue;
		for (j = 0; j < h->naddrs && !found; j++) {
			if (h->addrs[j].smtp.leaf == NULL ||
			    sscanf(record, "%hhu %hhu %hhu", &t.usage,
			    &t.selector, &t.mtype) != 3)
				continue;
			hex = tlsa_cert_digest_hex(h->addrs[j].smtp.leaf,
			    t.selector, t.mtype);
			s = strrchr(record, ' ');
			found = hex != NULL && s != NULL &&
			    strcmp(hex, s + 1) == 0;
			free(hex);
		}
	}
	return found;
}

/* One finding for one rollover: where it stands and what comes next. */
static void
rollover_finding(const struct observation *o, const struct rollover_view *v,
    time_t now, struct step_result *r)
{
	enum rollover_action	 a;
	time_t			 at;
	char			 t1[32];

	a = rollover_next(v, &at);
	if (a == ROLL_ACT_SWITCH && now < at && rollover_served(o, v,
	    v->next)) {
		findings_add_req(&r->findings, SEV_WARN, REQ_ADVICE,
		    "tlsa.rollover-early", RFC_ROLLOVER, "%s: the server "
		    "already serves the next %s key, before %s: resolvers "
		    "that cached the TLSA records without it may refuse mail "
		    "until then", v->owner, v->algorithm,
		    rollover_when(at, t1, sizeof t1));
		return;
	}
	if (a == ROLL_ACT_SWITCH)
		findings_add(&r->findings, SEV_INFO, "tlsa.rollover",
		    RFC_ROLLOVER, "%s: %s key rollover: the next record is on "
		    "every server; %s %s", v->owner, v->algorithm,
		    now >= at ? "the server may switch to the next key since" :
		    "switch the server to the next key not before",
		    rollover_when(at, t1, sizeof t1));
	else
		findings_add(&r->findings, SEV_INFO, "tlsa.rollover",
		    RFC_ROLLOVER, "%s: %s key rollover %s: next, %s", v->owner,
		    v->algorithm, rollover_phase_name(v->phase),
		    rollover_action_name(a));
}

/* What the last renewal hook run left behind. */
static void
rollover_hook_finding(const struct step_context *ctx, struct step_result *r)
{
	char	when[32];

	if (ctx->hook_at == 0)
		return;
	clock_format(ctx->hook_at, when, sizeof when);
	if (ctx->hook_ok)
		findings_add(&r->findings, SEV_INFO, "tlsa.hook-ok", NULL,
		    "the renewal hook ran at %s: %s", when, ctx->hook_message);
	else
		findings_add_req(&r->findings, SEV_ERROR, REQ_ADVICE,
		    "tlsa.hook-failed", RFC_ROLLOVER, "the renewal hook "
		    "failed at %s: %s; the TLSA records may not match the "
		    "renewed key until it runs again and succeeds", when,
		    ctx->hook_message);
}

void
rollover_report(const struct observation *o, const struct step_context *ctx,
    time_t now, struct step_result *r)
{
	struct strbuf	 plan = { NULL, 0, 0 };
	char		*text;
	size_t		 i;

	rollover_hook_finding(ctx, r);
	for (i = 0; i < ctx->nrollovers; i++) {
		rollover_finding(o, &ctx->rollovers[i], now, r);
		text = rollover_plan_text(&ctx->rollovers[i], now);
		strbuf_printf(&plan, "%s%s", i > 0 ? "\n" : "", text);
		free(text);
	}
	if (ctx->nrollovers > 0)
		step_result_artifact(r, "TLSA rollover plan", "text", plan.s);
	strbuf_free(&plan);
}

int
rollover_load(struct state *st, const char *domain, struct step_context *ctx,
    char **cause)
{
	struct state_rollover	*list;
	struct state_hook	 hook;
	size_t			 n, i;
	int			 rc;

	if (state_tlsa_rollovers(st, domain, 0, &list, &n, cause) != 0)
		return -1;
	for (i = 0; i < n && ctx->nrollovers < ROLLOVER_VIEW_MAX; i++)
		if (rollover_view_from(&list[i],
		    &ctx->rollovers[ctx->nrollovers]) == 0)
			ctx->nrollovers++;
	state_tlsa_rollovers_free(list, n);

	if ((rc = state_tlsa_hook_last(st, domain, &hook, cause)) == -1)
		return -1;
	if (rc == 1) {
		ctx->hook_at = hook.at;
		ctx->hook_ok = hook.ok;
		snprintf(ctx->hook_message, sizeof ctx->hook_message, "%s",
		    hook.message);
		state_tlsa_hook_free(&hook);
	}
	return 0;
}
