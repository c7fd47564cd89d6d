/*
 * The report as one self-contained HTML page.
 *
 * No script and nothing fetched: the styles are inline, the charts are
 * inline SVG, and a Content-Security-Policy forbids everything else, so
 * the page can be mailed or archived as it is.  Every string is escaped
 * with html_text(), which is safe in element content and in quoted
 * attribute values alike.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "report.h"
#include "strbuf.h"
#include "xmalloc.h"

#define CHART_W		720
#define CHART_LABEL_W	110
#define CHART_ROW_H	22
#define CHART_BAR_H	14
#define CHART_AXIS_H	28
#define TLSRPT_H	160

static const char html_style[] =
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;"
    "padding:0 1em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}"
    "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;"
    "vertical-align:top;overflow-wrap:anywhere}"
    "pre{background:#f4f4f4;padding:.6em;overflow-x:auto}"
    ".pass{color:#1b5e20}.warn{color:#8a6100}.fail{color:#b71c1c}"
    ".pending{color:#616161}code{font-size:90%}"
    "figure{margin:1em 0}figcaption{font-size:90%;color:#555}";

/* Status colours in the charts; the text always names the status too. */
static const char *const html_fill[] = {
	"#9e9e9e", "#2e7d32", "#f9a825", "#c62828",
};

static void
html_text(struct strbuf *b, const char *s)
{
	const char	*p;

	for (p = s; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			strbuf_printf(b, "&amp;");
			break;
		case '<':
			strbuf_printf(b, "&lt;");
			break;
		case '>':
			strbuf_printf(b, "&gt;");
			break;
		case '"':
			strbuf_printf(b, "&quot;");
			break;
		case '\'':
			strbuf_printf(b, "&#39;");
			break;
		default:
			strbuf_add(b, p, 1);
			break;
		}
	}
}

static void
html_time(struct strbuf *b, time_t t)
{
	char	when[32];

	if (t == 0) {
		strbuf_printf(b, "never");
		return;
	}
	clock_format(t, when, sizeof when);
	strbuf_printf(b, "<time datetime=\"%s\">%s</time>", when, when);
}

static const char *
html_status(const struct report_step *rs)
{
	return rs->have ? step_status_name(rs->result.status) : "pending";
}

static void
html_summary_table(struct strbuf *b, const struct report *r)
{
	const struct report_step	*rs;
	size_t				 i;

	strbuf_printf(b, "<h2>Steps at a glance</h2>\n<table id=\"glance\">"
	    "<tr><th>#</th><th>Step</th><th>Status</th><th>Since</th>"
	    "<th>Summary</th></tr>\n");
	for (i = 0; i < STEP_COUNT; i++) {
		rs = &r->steps[i];
		strbuf_printf(b, "<tr data-step=\"%s\"><td>%zu</td><td>%s</td>"
		    "<td class=\"%s\">%s</td><td>", step_table[i]->name, i + 1,
		    step_table[i]->title, html_status(rs), rs->have ?
		    step_status_name(rs->result.status) : "not checked");
		html_time(b, rs->have ? rs->changed : 0);
		strbuf_printf(b, "</td><td>");
		html_text(b, rs->result.summary != NULL ?
		    rs->result.summary : "");
		strbuf_printf(b, "</td></tr>\n");
	}
	strbuf_printf(b, "</table>\n");
}

/* x of time t on the chart's time axis. */
static double
chart_x(time_t t, time_t from, time_t to)
{
	double	span = to > from ? (double)(to - from) : 1.0;

	if (t < from)
		t = from;
	if (t > to)
		t = to;
	return CHART_LABEL_W + (CHART_W - CHART_LABEL_W - 10) *
	    (double)(t - from) / span;
}

/* One row of the status chart: a bar per segment. */
static void
chart_row(struct strbuf *b, const struct report *r, size_t step, time_t from)
{
	struct report_segment	*seg;
	size_t			 i, n;
	double			 x0, x1;
	int			 y = (int)step * CHART_ROW_H;

	strbuf_printf(b, "<text x=\"0\" y=\"%d\" font-size=\"12\">%s</text>\n",
	    y + CHART_BAR_H - 2, step_table[step]->title);
	n = report_segments(r, (enum step_id)step, &seg);
	for (i = 0; i < n; i++) {
		x0 = chart_x(seg[i].from, from, r->generated);
		x1 = chart_x(seg[i].to, from, r->generated);
		if (x1 - x0 < 2)
			x1 = x0 + 2;
		strbuf_printf(b, "<rect class=\"seg\" data-status=\"%s\" "
		    "x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
		    "fill=\"%s\"><title>%s: %s from ", step_status_name(
		    seg[i].status), x0, y, x1 - x0, CHART_BAR_H,
		    html_fill[seg[i].status], step_table[step]->name,
		    step_status_name(seg[i].status));
		html_time(b, seg[i].from);
		strbuf_printf(b, "</title></rect>\n");
	}
	free(seg);
}

/* The rollout: each step's status over time, from the events. */
static void
html_status_chart(struct strbuf *b, const struct report *r)
{
	time_t	from = r->added;
	size_t	i;
	int	h = STEP_COUNT * CHART_ROW_H + CHART_AXIS_H;
	char	start[32], end[32];

	if (r->nevents > 0 && r->events[0].at < from)
		from = r->events[0].at;
	clock_format(from, start, sizeof start);
	clock_format(r->generated, end, sizeof end);
	strbuf_printf(b, "<figure><svg id=\"rollout-chart\" "
	    "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"status of each "
	    "step over time\">\n", CHART_W, h, CHART_W, h);
	for (i = 0; i < STEP_COUNT; i++)
		chart_row(b, r, i, from);
	strbuf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#888\"/>\n<text x=\"%d\" y=\"%d\" font-size=\"11\">%s"
	    "</text>\n<text x=\"%d\" y=\"%d\" font-size=\"11\" "
	    "text-anchor=\"end\">%s</text>\n</svg>\n<figcaption>Status of "
	    "each step from %s to %s: grey pending, green pass, yellow "
	    "warn, red fail.</figcaption></figure>\n", CHART_LABEL_W,
	    h - CHART_AXIS_H + 4, CHART_W - 10, h - CHART_AXIS_H + 4,
	    CHART_LABEL_W, h - 8, start, CHART_W - 10, h - 8, end, start,
	    end);
}

static void
html_findings(struct strbuf *b, const struct step_result *res)
{
	const struct finding	*f;
	size_t			 i;

	if (res->findings.n == 0) {
		strbuf_printf(b, "<p>No findings.</p>\n");
		return;
	}
	strbuf_printf(b, "<table class=\"findings\"><tr><th>Severity</th>"
	    "<th>Code</th><th>Finding</th><th>Reference</th></tr>\n");
	for (i = 0; i < res->findings.n; i++) {
		f = &res->findings.v[i];
		strbuf_printf(b, "<tr><td>%s</td><td><code>",
		    severity_name(f->severity));
		html_text(b, f->code);
		strbuf_printf(b, "</code></td><td>");
		html_text(b, f->message);
		strbuf_printf(b, "</td><td>");
		if (f->rfc != NULL)
			html_text(b, f->rfc);
		if (f->req != REQ_NONE)
			strbuf_printf(b, "%s%s", f->rfc != NULL ? ", " : "",
			    requirement_name(f->req));
		strbuf_printf(b, "</td></tr>\n");
	}
	strbuf_printf(b, "</table>\n");
}

static void
html_artifacts(struct strbuf *b, const struct step_result *res)
{
	const struct artifact	*a;
	size_t			 i;

	if (res->nartifacts == 0)
		return;
	strbuf_printf(b, "<h4>%s</h4>\n", res->status == STEP_PASS ?
	    "Records and files" : "To publish");
	for (i = 0; i < res->nartifacts; i++) {
		a = &res->artifacts[i];
		strbuf_printf(b, "<p><strong>");
		html_text(b, a->name);
		strbuf_printf(b, "</strong> (");
		html_text(b, a->kind);
		strbuf_printf(b, ")</p>\n<pre>");
		html_text(b, a->content);
		strbuf_printf(b, "</pre>\n");
	}
}

static void
html_steps(struct strbuf *b, const struct report *r)
{
	const struct report_step	*rs;
	size_t				 i;

	strbuf_printf(b, "<h2>Steps</h2>\n");
	for (i = 0; i < STEP_COUNT; i++) {
		rs = &r->steps[i];
		strbuf_printf(b, "<section id=\"step-%s\"><h3>%zu. %s: "
		    "<span class=\"%s\">%s</span></h3>\n", step_table[i]->name,
		    i + 1, step_table[i]->title, html_status(rs), rs->have ?
		    step_status_name(rs->result.status) : "not checked");
		if (!rs->have) {
			strbuf_printf(b, "<p>Not checked yet.</p></section>\n");
			continue;
		}
		strbuf_printf(b, "<p>");
		html_text(b, rs->result.summary != NULL ?
		    rs->result.summary : "");
		strbuf_printf(b, ". Status since ");
		html_time(b, rs->changed);
		strbuf_printf(b, ", last checked ");
		html_time(b, rs->checked);
		strbuf_printf(b, ".</p>\n");
		html_findings(b, &rs->result);
		html_artifacts(b, &rs->result);
		strbuf_printf(b, "</section>\n");
	}
}

static void
html_recovery(struct strbuf *b, const struct state_recovery *rec)
{
	strbuf_printf(b, "<tr><td>%lld</td><td>", rec->id);
	html_text(b, rec->account);
	strbuf_printf(b, "</td><td>");
	html_text(b, rec->kind);
	strbuf_printf(b, "</td><td>");
	html_text(b, rec->address);
	strbuf_printf(b, "</td><td class=\"%s\">%s%s%s</td><td>",
	    rec->third_party || rec->not_controlled ? "warn" : "pass",
	    rec->third_party ? "third-party mailbox" : "",
	    rec->third_party && rec->not_controlled ? ", " : "",
	    rec->not_controlled ? "domain not under control" : "");
	if (rec->confirmed != 0) {
		html_time(b, rec->confirmed);
		strbuf_printf(b, " by ");
		html_text(b, rec->confirmed_by != NULL ? rec->confirmed_by :
		    "");
	} else
		strbuf_printf(b, "not confirmed");
	strbuf_printf(b, "</td></tr>\n");
}

static void
html_inventory(struct strbuf *b, const struct report *r)
{
	size_t	i;

	strbuf_printf(b, "<h2>Inventory</h2>\n");
	if (r->nrecovery == 0)
		strbuf_printf(b, "<p>No recovery addresses recorded.</p>\n");
	else
		strbuf_printf(b, "<table id=\"recovery\"><tr><th>#</th>"
		    "<th>Account</th><th>Kind</th><th>Recovery address</th>"
		    "<th>Flags</th><th>Migration confirmed</th></tr>\n");
	for (i = 0; i < r->nrecovery; i++)
		html_recovery(b, &r->recovery[i]);
	if (r->nrecovery > 0)
		strbuf_printf(b, "</table>\n");
	if (r->nmailboxes == 0)
		return;
	strbuf_printf(b, "<p>Mailboxes, checked ");
	html_time(b, r->mailboxes[0].checked);
	strbuf_printf(b, ":</p>\n<ul id=\"mailboxes\">\n");
	for (i = 0; i < r->nmailboxes; i++) {
		strbuf_printf(b, "<li><span class=\"%s\">%s</span> ",
		    strcmp(r->mailboxes[i].verdict, "accepts") == 0 ? "pass" :
		    "fail", strcmp(r->mailboxes[i].verdict, "accepts") == 0 ?
		    "accepts" : strcmp(r->mailboxes[i].verdict, "rejects") ==
		    0 ? "rejects" : strcmp(r->mailboxes[i].verdict,
		    "deferred") == 0 ? "deferred" : "untested");
		html_text(b, r->mailboxes[i].address);
		strbuf_printf(b, " (");
		html_text(b, r->mailboxes[i].role);
		strbuf_printf(b, ")");
		if (r->mailboxes[i].detail != NULL) {
			strbuf_printf(b, ": ");
			html_text(b, r->mailboxes[i].detail);
		}
		strbuf_printf(b, "</li>\n");
	}
	strbuf_printf(b, "</ul>\n");
}

static void
html_timeline(struct strbuf *b, const struct report *r)
{
	size_t	i;

	strbuf_printf(b, "<h2>Timeline</h2>\n");
	if (r->nevents == 0) {
		strbuf_printf(b, "<p>No events recorded.</p>\n");
		return;
	}
	strbuf_printf(b, "<table id=\"timeline\"><tr><th>When</th>"
	    "<th>Kind</th><th>Event</th></tr>\n");
	for (i = 0; i < r->nevents; i++) {
		strbuf_printf(b, "<tr><td>");
		html_time(b, r->events[i].at);
		strbuf_printf(b, "</td><td>");
		html_text(b, r->events[i].kind);
		strbuf_printf(b, "</td><td>");
		html_text(b, r->events[i].message);
		strbuf_printf(b, "</td></tr>\n");
	}
	strbuf_printf(b, "</table>\n");
}

/* Stacked bars per day: successful sessions below, failed above. */
static void
html_tlsrpt_chart(struct strbuf *b, const struct tlsrpt_summary *s)
{
	const struct tlsrpt_day	*d;
	long long		 max = 1;
	double			 bw, x, hs, hf, scale;
	char			 day[32];
	size_t			 i;

	for (i = 0; i < s->ndays; i++) {
		if (s->days[i].success + s->days[i].failure > max)
			max = s->days[i].success + s->days[i].failure;
	}
	bw = (double)(CHART_W - 20) / (double)s->ndays;
	scale = (double)(TLSRPT_H - 20) / (double)max;
	strbuf_printf(b, "<figure><svg id=\"tlsrpt-chart\" "
	    "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"TLS sessions "
	    "per day\">\n", CHART_W, TLSRPT_H, CHART_W, TLSRPT_H);
	for (i = 0; i < s->ndays; i++) {
		d = &s->days[i];
		clock_format(d->day, day, sizeof day);
		x = 10 + bw * (double)i;
		hs = (double)d->success * scale;
		hf = (double)d->failure * scale;
		strbuf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"%s\"><title>%.10s: %lld "
		    "successful</title></rect>\n<rect x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%.10s: "
		    "%lld failed</title></rect>\n", x, TLSRPT_H - 10 - hs,
		    bw * 0.8, hs, html_fill[STEP_PASS], day, d->success, x,
		    TLSRPT_H - 10 - hs - hf, bw * 0.8, hf, html_fill[STEP_FAIL],
		    day, d->failure);
	}
	strbuf_printf(b, "</svg><figcaption>TLS sessions per day reported "
	    "by senders: green successful, red failed.</figcaption>"
	    "</figure>\n");
}

static void
html_tlsrpt(struct strbuf *b, const struct report *r)
{
	strbuf_printf(b, "<h2>TLS-RPT</h2>\n");
	if (!r->tlsrpt.available || r->tlsrpt.ndays == 0) {
		strbuf_printf(b, "<p id=\"tlsrpt-none\">No TLS-RPT reports "
		    "are stored for ");
		html_text(b, r->domain);
		strbuf_printf(b, ", so there is nothing to summarise yet.</p>"
		    "\n");
		return;
	}
	strbuf_printf(b, "<p>%zu report%s over %zu day%s.</p>\n",
	    r->tlsrpt.nreports, r->tlsrpt.nreports == 1 ? "" : "s",
	    r->tlsrpt.ndays, r->tlsrpt.ndays == 1 ? "" : "s");
	html_tlsrpt_chart(b, &r->tlsrpt);
}

char *
report_html(const struct report *r)
{
	struct strbuf	b = { NULL, 0, 0 };

	strbuf_printf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-"
	    "Policy\" content=\"default-src 'none'; style-src "
	    "'unsafe-inline'\">\n<title>mxanchor report: ");
	html_text(&b, r->domain);
	strbuf_printf(&b, "</title>\n<style>%s</style></head>\n<body>\n"
	    "<h1>mxanchor report: <span id=\"domain\">", html_style);
	html_text(&b, r->domain);
	strbuf_printf(&b, "</span></h1>\n<p>Generated ");
	html_time(&b, r->generated);
	strbuf_printf(&b, "; last check ");
	html_time(&b, r->checked);
	strbuf_printf(&b, "; followed since ");
	html_time(&b, r->added);
	strbuf_printf(&b, ".</p>\n");

	html_summary_table(&b, r);
	html_status_chart(&b, r);
	html_steps(&b, r);
	html_inventory(&b, r);
	html_timeline(&b, r);
	html_tlsrpt(&b, r);
	strbuf_printf(&b, "</body></html>\n");
	return strbuf_take(&b);
}
