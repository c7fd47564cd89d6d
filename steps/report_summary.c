/*
 * Summing up TLS-RPT reports by day, as JSON, as text with a small
 * chart, and for the step context.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "report_summary.h"
#include "strbuf.h"
#include "tlsrpt_report.h"
#include "xmalloc.h"

#define DAY	86400

int
report_summary_load(struct state *st, const char *domain, time_t from,
    time_t to, struct report_summary *s, char **cause)
{
	memset(s, 0, sizeof *s);
	s->domain = xstrdup(domain);
	s->from = from;
	s->to = to;
	if (state_reports_span(st, domain, &s->reports, &s->first, &s->last,
	    cause) != 0 ||
	    state_reports_days(st, domain, from, to, &s->days, &s->ndays,
	    cause) != 0 ||
	    state_reports_failures(st, domain, from, to, &s->fails,
	    &s->nfails, cause) != 0) {
		report_summary_free(s);
		return -1;
	}
	return 0;
}

void
report_summary_free(struct report_summary *s)
{
	state_reports_days_free(s->days, s->ndays);
	state_reports_failures_free(s->fails, s->nfails);
	free(s->domain);
	memset(s, 0, sizeof *s);
}

static void
report_day_str(time_t day, char buf[16])
{
	struct tm	tm;

	gmtime_r(&day, &tm);
	strftime(buf, 16, "%Y-%m-%d", &tm);
}

/* What a grouped failure means, through the report parser's words. */
static char *
report_failrow_guidance(const struct report_summary *s,
    const struct state_report_failrow *f)
{
	struct tlsrpt_policy	p;
	struct tlsrpt_failure	tf;

	memset(&p, 0, sizeof p);
	memset(&tf, 0, sizeof tf);
	p.type = f->policy_type;
	p.domain = s->domain;
	tf.result_type = f->result_type;
	tf.receiving_mx = *f->receiving_mx != '\0' ? f->receiving_mx : NULL;
	tf.receiving_ip = *f->receiving_ip != '\0' ? f->receiving_ip : NULL;
	tf.sessions = f->sessions;
	return tlsrpt_failure_guidance(&p, &tf);
}

/* The days of the summary as distinct dates, merging policy types. */
struct report_day_total {
	time_t		day;
	long long	reports;
	long long	ok;
	long long	failed;
};

static struct report_day_total *
report_day_totals(const struct report_summary *s, size_t *n)
{
	struct report_day_total	*v = NULL;
	size_t			 i;

	*n = 0;
	for (i = 0; i < s->ndays; i++) {
		if (*n == 0 || v[*n - 1].day != s->days[i].day) {
			v = xreallocarray(v, *n + 1, sizeof *v);
			memset(&v[*n], 0, sizeof *v);
			v[(*n)++].day = s->days[i].day;
		}
		/* A report counts once a day, whatever its policy types. */
		if (s->days[i].reports > v[*n - 1].reports)
			v[*n - 1].reports = s->days[i].reports;
		v[*n - 1].ok += s->days[i].successful;
		v[*n - 1].failed += s->days[i].failed;
	}
	return v;
}

static json_t *
report_json_failures(const struct report_summary *s, time_t day)
{
	const struct state_report_failrow	*f;
	json_t					*arr = json_array();
	char					*g;
	size_t					 i;

	for (i = 0; i < s->nfails; i++) {
		f = &s->fails[i];
		if (f->day != day)
			continue;
		g = report_failrow_guidance(s, f);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:s, s:I, s:s}", "policy_type", f->policy_type,
		    "result_type", f->result_type, "mx", f->receiving_mx,
		    "sending_ip", f->sending_ip, "receiving_ip",
		    f->receiving_ip, "sessions", (json_int_t)f->sessions,
		    "guidance", g));
		free(g);
	}
	return arr;
}

json_t *
report_summary_to_json(const struct report_summary *s)
{
	struct report_day_total	*t;
	json_t			*days = json_array(), *types, *d;
	char			 day[16];
	long long		 ok = 0, failed = 0;
	size_t			 nt, i, j;

	t = report_day_totals(s, &nt);
	for (i = 0; i < nt; i++) {
		types = json_array();
		for (j = 0; j < s->ndays; j++) {
			if (s->days[j].day != t[i].day)
				continue;
			json_array_append_new(types, json_pack("{s:s, s:I, "
			    "s:I, s:I}", "policy_type", s->days[j].policy_type,
			    "reports", (json_int_t)s->days[j].reports,
			    "successful", (json_int_t)s->days[j].successful,
			    "failed", (json_int_t)s->days[j].failed));
		}
		report_day_str(t[i].day, day);
		d = json_pack("{s:s, s:I, s:I, s:I, s:o, s:o}", "day", day,
		    "reports", (json_int_t)t[i].reports,
		    "successful", (json_int_t)t[i].ok,
		    "failed", (json_int_t)t[i].failed,
		    "by_policy_type", types,
		    "failures", report_json_failures(s, t[i].day));
		json_array_append_new(days, d);
		ok += t[i].ok;
		failed += t[i].failed;
	}
	free(t);
	return json_pack("{s:s, s:I, s:I, s:I, s:o}", "domain", s->domain,
	    "reports", (json_int_t)s->reports,
	    "successful", (json_int_t)ok, "failed", (json_int_t)failed,
	    "days", days);
}

/* '=' for sessions that succeeded, 'X' for failed, scaled to width. */
static void
report_bar(struct strbuf *b, long long ok, long long failed, long long max,
    int width)
{
	long long	 nok, nfail, i;

	if (max <= 0 || width <= 0)
		return;
	nok = ok * width / max;
	nfail = failed * width / max;
	/* Something shows for any failure, however few. */
	if (failed > 0 && nfail == 0)
		nfail = 1;
	if (ok > 0 && nok == 0)
		nok = 1;
	if (nok + nfail > width)
		nok = width - nfail;
	for (i = 0; i < nok; i++)
		strbuf_add(b, "=", 1);
	for (i = 0; i < nfail; i++)
		strbuf_add(b, "X", 1);
}

char *
report_summary_text(const struct report_summary *s, int bar_width)
{
	struct strbuf		 b = { NULL, 0, 0 };
	struct report_day_total	*t;
	long long		 max = 0;
	char			 day[16], *g;
	size_t			 nt, i;

	t = report_day_totals(s, &nt);
	if (nt == 0) {
		strbuf_printf(&b, "no reports for %s in these days (%lld in "
		    "all)\n", s->domain, s->reports);
		free(t);
		return strbuf_take(&b);
	}
	for (i = 0; i < nt; i++)
		if (t[i].ok + t[i].failed > max)
			max = t[i].ok + t[i].failed;

	strbuf_printf(&b, "day         reports  sessions ok  failed\n");
	for (i = 0; i < nt; i++) {
		report_day_str(t[i].day, day);
		strbuf_printf(&b, "%-10s  %7lld  %11lld  %6lld  ", day,
		    t[i].reports, t[i].ok, t[i].failed);
		report_bar(&b, t[i].ok, t[i].failed, max, bar_width);
		strbuf_add(&b, "\n", 1);
	}
	free(t);

	if (s->nfails > 0)
		strbuf_printf(&b, "failures:\n");
	for (i = 0; i < s->nfails; i++) {
		report_day_str(s->fails[i].day, day);
		g = report_failrow_guidance(s, &s->fails[i]);
		strbuf_printf(&b, "  %s %s %s%s%s: %s\n", day,
		    s->fails[i].policy_type, s->fails[i].result_type,
		    *s->fails[i].sending_ip != '\0' ? " from " : "",
		    s->fails[i].sending_ip, g);
		free(g);
	}
	return strbuf_take(&b);
}

/* Adds a failure row to the context's groups (the last days only). */
static void
report_context_fail(struct step_reports *r,
    const struct state_report_failrow *f)
{
	struct step_report_fail	*g;
	size_t			 i;

	for (i = 0; i < r->nfails; i++) {
		g = &r->fails[i];
		if (strcmp(g->policy, f->policy_type) == 0 &&
		    strcmp(g->result, f->result_type) == 0 &&
		    strcmp(g->mx, f->receiving_mx) == 0 &&
		    strcmp(g->ip, f->sending_ip) == 0) {
			g->sessions += f->sessions;
			if (f->day > g->last)
				g->last = f->day;
			return;
		}
	}
	if (r->nfails == STEP_REPORT_FAILS) {
		r->fails_more += f->sessions;
		return;
	}
	g = &r->fails[r->nfails++];
	snprintf(g->policy, sizeof g->policy, "%s", f->policy_type);
	snprintf(g->result, sizeof g->result, "%s", f->result_type);
	snprintf(g->mx, sizeof g->mx, "%s", f->receiving_mx);
	snprintf(g->ip, sizeof g->ip, "%s", f->sending_ip);
	g->sessions = f->sessions;
	g->last = f->day;
}

void
report_summary_context(const struct report_summary *s, time_t now,
    struct step_reports *r)
{
	struct step_report_day	*d;
	time_t			 today = now - now % DAY, first, window;
	size_t			 i, k;

	memset(r, 0, sizeof *r);
	r->reports = s->reports;
	r->first = s->first;
	r->last = s->last;
	first = today - (STEP_REPORT_DAYS - 1) * DAY;
	for (k = 0; k < STEP_REPORT_DAYS; k++)
		r->days[k].day = first + (time_t)k * DAY;

	for (i = 0; i < s->ndays; i++) {
		if (s->days[i].day < first || s->days[i].day > today)
			continue;
		d = &r->days[(s->days[i].day - first) / DAY];
		if (s->days[i].reports > d->reports)
			d->reports = s->days[i].reports;
		d->ok += s->days[i].successful;
		d->failed += s->days[i].failed;
		if (strcmp(s->days[i].policy_type, "sts") == 0)
			d->failed_sts += s->days[i].failed;
	}

	window = today - (STEP_REPORT_WINDOW - 1) * DAY;
	for (i = 0; i < s->nfails; i++) {
		if (s->fails[i].day >= window && s->fails[i].day <= today)
			report_context_fail(r, &s->fails[i]);
	}
}

char *
report_context_chart(const struct step_reports *r, int bar_width)
{
	struct strbuf			 b = { NULL, 0, 0 };
	const struct step_report_day	*d;
	long long			 max = 0;
	char				 day[16];
	size_t				 i;

	for (i = 0; i < STEP_REPORT_DAYS; i++)
		if (r->days[i].ok + r->days[i].failed > max)
			max = r->days[i].ok + r->days[i].failed;
	strbuf_printf(&b, "%-5s  %6s  %6s\n", "day", "ok", "failed");
	for (i = 0; i < STEP_REPORT_DAYS; i++) {
		d = &r->days[i];
		report_day_str(d->day, day);
		if (d->reports == 0) {
			strbuf_printf(&b, "%s  %6s  %6s  no report\n",
			    day + 5, "-", "-");
			continue;
		}
		strbuf_printf(&b, "%s  %6lld  %6lld  ", day + 5, d->ok,
		    d->failed);
		report_bar(&b, d->ok, d->failed, max, bar_width);
		strbuf_add(&b, "\n", 1);
	}
	return strbuf_take(&b);
}
