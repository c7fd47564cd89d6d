/*
 * The report as Markdown (CommonMark with GitHub tables).
 *
 * Text from the state never starts a line, so only inline syntax needs
 * escaping; artifacts go into fenced code blocks whose fence is longer
 * than any run of backticks inside them.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "report.h"
#include "strbuf.h"
#include "xmalloc.h"

/* Inline text: punctuation that would start markup is escaped. */
static void
md_text(struct strbuf *b, const char *s)
{
	const char	*p;

	for (p = s; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			strbuf_add(b, " ", 1);
		else if (strchr("\\`*_[]<>|~&!#", *p) != NULL) {
			strbuf_add(b, "\\", 1);
			strbuf_add(b, p, 1);
		} else
			strbuf_add(b, p, 1);
	}
}

static void
md_time(struct strbuf *b, time_t t)
{
	char	when[32];

	if (t == 0) {
		strbuf_printf(b, "never");
		return;
	}
	clock_format(t, when, sizeof when);
	strbuf_printf(b, "%s", when);
}

static void
md_code_block(struct strbuf *b, const char *content)
{
	const char	*p;
	size_t		 run = 0, longest = 0, fence, len;

	for (p = content; *p != '\0'; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	fence = longest < 3 ? 3 : longest + 1;
	len = strlen(content);
	strbuf_printf(b, "%.*s\n%s%s%.*s\n\n", (int)fence,
	    "````````````````````````````````", content,
	    len > 0 && content[len - 1] != '\n' ? "\n" : "", (int)fence,
	    "````````````````````````````````");
}

static void
md_summary_table(struct strbuf *b, const struct report *r)
{
	const struct report_step	*rs;
	size_t				 i;

	strbuf_printf(b, "## Steps at a glance\n\n"
	    "| # | Step | Status | Since | Summary |\n"
	    "|---|------|--------|-------|---------|\n");
	for (i = 0; i < STEP_COUNT; i++) {
		rs = &r->steps[i];
		strbuf_printf(b, "| %zu | %s | %s | ", i + 1,
		    step_table[i]->title, rs->have ?
		    step_status_name(rs->result.status) : "not checked");
		md_time(b, rs->have ? rs->changed : 0);
		strbuf_printf(b, " | ");
		md_text(b, rs->result.summary != NULL ? rs->result.summary :
		    "");
		strbuf_printf(b, " |\n");
	}
	strbuf_printf(b, "\n");
}

static void
md_findings(struct strbuf *b, const struct step_result *res)
{
	const struct finding	*f;
	size_t			 i;

	if (res->findings.n == 0) {
		strbuf_printf(b, "No findings.\n\n");
		return;
	}
	strbuf_printf(b, "Findings:\n\n");
	for (i = 0; i < res->findings.n; i++) {
		f = &res->findings.v[i];
		strbuf_printf(b, "- **%s** `%s` ", severity_name(f->severity),
		    f->code);
		md_text(b, f->message);
		if (f->rfc != NULL || f->req != REQ_NONE) {
			strbuf_printf(b, " (");
			if (f->rfc != NULL)
				md_text(b, f->rfc);
			if (f->req != REQ_NONE)
				strbuf_printf(b, "%s%s", f->rfc != NULL ?
				    ", " : "", requirement_name(f->req));
			strbuf_printf(b, ")");
		}
		strbuf_printf(b, "\n");
	}
	strbuf_printf(b, "\n");
}

static void
md_artifacts(struct strbuf *b, const struct step_result *res)
{
	const struct artifact	*a;
	size_t			 i;

	if (res->nartifacts == 0)
		return;
	strbuf_printf(b, "%s:\n\n", res->status == STEP_PASS ?
	    "Records and files" : "To publish");
	for (i = 0; i < res->nartifacts; i++) {
		a = &res->artifacts[i];
		strbuf_printf(b, "**");
		md_text(b, a->name);
		strbuf_printf(b, "** (%s)\n\n", strcmp(a->kind, "zone") == 0 ?
		    "zone" : strcmp(a->kind, "file") == 0 ? "file" : "text");
		md_code_block(b, a->content);
	}
}

static void
md_steps(struct strbuf *b, const struct report *r)
{
	const struct report_step	*rs;
	size_t				 i;

	strbuf_printf(b, "## Steps\n\n");
	for (i = 0; i < STEP_COUNT; i++) {
		rs = &r->steps[i];
		strbuf_printf(b, "### %zu. %s: %s\n\n", i + 1,
		    step_table[i]->title, rs->have ?
		    step_status_name(rs->result.status) : "not checked");
		if (!rs->have) {
			strbuf_printf(b, "Not checked yet.\n\n");
			continue;
		}
		strbuf_printf(b, "Summary: ");
		md_text(b, rs->result.summary != NULL ? rs->result.summary :
		    "");
		strbuf_printf(b, ".  Status since ");
		md_time(b, rs->changed);
		strbuf_printf(b, ", last checked ");
		md_time(b, rs->checked);
		strbuf_printf(b, ".\n\n");
		md_findings(b, &rs->result);
		md_artifacts(b, &rs->result);
	}
}

static void
md_recovery(struct strbuf *b, const struct state_recovery *rec)
{
	strbuf_printf(b, "| %lld | ", rec->id);
	md_text(b, rec->account);
	strbuf_printf(b, " | ");
	md_text(b, rec->kind);
	strbuf_printf(b, " | ");
	md_text(b, rec->address);
	strbuf_printf(b, " | %s%s%s | ", rec->third_party ? "third-party "
	    "mailbox" : "", rec->third_party && rec->not_controlled ? ", " :
	    "", rec->not_controlled ? "domain not under control" : "");
	if (rec->confirmed != 0) {
		md_time(b, rec->confirmed);
		strbuf_printf(b, " by ");
		md_text(b, rec->confirmed_by != NULL ? rec->confirmed_by : "");
	} else
		strbuf_printf(b, "not confirmed");
	strbuf_printf(b, " |\n");
}

static void
md_inventory(struct strbuf *b, const struct report *r)
{
	size_t	i;

	strbuf_printf(b, "## Inventory\n\n");
	if (r->nrecovery == 0)
		strbuf_printf(b, "No recovery addresses recorded.\n\n");
	else
		strbuf_printf(b, "| # | Account | Kind | Recovery address | "
		    "Flags | Migration confirmed |\n"
		    "|---|---------|------|------------------|-------|"
		    "---------------------|\n");
	for (i = 0; i < r->nrecovery; i++)
		md_recovery(b, &r->recovery[i]);
	if (r->nrecovery > 0)
		strbuf_printf(b, "\n");
	if (r->nmailboxes == 0)
		return;
	strbuf_printf(b, "Mailboxes, checked ");
	md_time(b, r->mailboxes[0].checked);
	strbuf_printf(b, ":\n\n");
	for (i = 0; i < r->nmailboxes; i++) {
		strbuf_printf(b, "- **");
		md_text(b, r->mailboxes[i].verdict);
		strbuf_printf(b, "** ");
		md_text(b, r->mailboxes[i].address);
		strbuf_printf(b, " (");
		md_text(b, r->mailboxes[i].role);
		strbuf_printf(b, ")");
		if (r->mailboxes[i].detail != NULL) {
			strbuf_printf(b, ": ");
			md_text(b, r->mailboxes[i].detail);
		}
		strbuf_printf(b, "\n");
	}
	strbuf_printf(b, "\n");
}

static void
md_timeline(struct strbuf *b, const struct report *r)
{
	size_t	i;

	strbuf_printf(b, "## Timeline\n\n");
	if (r->nevents == 0) {
		strbuf_printf(b, "No events recorded.\n\n");
		return;
	}
	strbuf_printf(b, "| When | Kind | Event |\n|------|------|-------|\n");
	for (i = 0; i < r->nevents; i++) {
		strbuf_printf(b, "| ");
		md_time(b, r->events[i].at);
		strbuf_printf(b, " | ");
		md_text(b, r->events[i].kind);
		strbuf_printf(b, " | ");
		md_text(b, r->events[i].message);
		strbuf_printf(b, " |\n");
	}
	strbuf_printf(b, "\n");
}

static void
md_tlsrpt(struct strbuf *b, const struct report *r)
{
	const struct tlsrpt_day	*d;
	char			 day[32];
	size_t			 i;

	strbuf_printf(b, "## TLS-RPT\n\n");
	if (!r->tlsrpt.available || r->tlsrpt.ndays == 0) {
		strbuf_printf(b, "No TLS-RPT reports are stored for ");
		md_text(b, r->domain);
		strbuf_printf(b, ", so there is nothing to summarise yet.\n");
		return;
	}
	strbuf_printf(b, "%zu report%s.\n\n| Day | Successful sessions | "
	    "Failed sessions |\n|-----|-----|-----|\n", r->tlsrpt.nreports,
	    r->tlsrpt.nreports == 1 ? "" : "s");
	for (i = 0; i < r->tlsrpt.ndays; i++) {
		d = &r->tlsrpt.days[i];
		clock_format(d->day, day, sizeof day);
		strbuf_printf(b, "| %.10s | %lld | %lld |\n", day, d->success,
		    d->failure);
	}
}

char *
report_markdown(const struct report *r)
{
	struct strbuf	b = { NULL, 0, 0 };

	strbuf_printf(&b, "# mxanchor report: ");
	md_text(&b, r->domain);
	strbuf_printf(&b, "\n\nGenerated ");
	md_time(&b, r->generated);
	strbuf_printf(&b, "; last check ");
	md_time(&b, r->checked);
	strbuf_printf(&b, "; followed since ");
	md_time(&b, r->added);
	strbuf_printf(&b, ".\n\n");
	md_summary_table(&b, r);
	md_steps(&b, r);
	md_inventory(&b, r);
	md_timeline(&b, r);
	md_tlsrpt(&b, r);
	return strbuf_take(&b);
}
