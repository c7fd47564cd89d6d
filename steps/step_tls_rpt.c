/*
 * Step 5, TLS-RPT (RFC 8460): a TXT record at _smtp._tls names where
 * sending MTAs report TLS failures.  Those reports are the evidence that
 * decides when MTA-STS can move from testing to enforce: the step shows
 * what the imported reports say, day by day, with the failures of the
 * last week and what each means.
 */
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "observe.h"
#include "report_summary.h"
#include "step.h"
#include "strbuf.h"
#include "tlsrpt.h"
#include "tlsrpt_report.h"
#include "xmalloc.h"

#define RFC_TLSRPT_TYPES	"RFC 8460 §4.3"
#define TLS_RPT_BAR		24

static const char tls_rpt_help[] =
    "Publishes where senders should send daily reports of TLS "
    "successes and failures for mail to the domain.  Without reports, "
    "switching MTA-STS to enforce is a guess.  Use a mailbox you read, "
    "or a reporting service; a record may list several destinations "
    "separated by commas.  Import what arrives with "
    "'mxanchor reports import' (files, Maildir, mbox or IMAP); the "
    "step then shows the last two weeks.";

/* One failure group of the last days, in the operator's words. */
static void
tls_rpt_failure(const struct observation *o, const struct step_report_fail *g,
    struct step_result *r)
{
	struct tlsrpt_policy	p;
	struct tlsrpt_failure	f;
	char			*text;

	memset(&p, 0, sizeof p);
	memset(&f, 0, sizeof f);
	p.type = (char *)g->policy;
	p.domain = o->domain;
	f.result_type = (char *)g->result;
	f.receiving_mx = g->mx[0] != '\0' ? (char *)g->mx : NULL;
	f.sessions = g->sessions;
	text = tlsrpt_failure_guidance(&p, &f);
	findings_add(&r->findings, strcmp(g->policy, "tlsa") == 0 ?
	    SEV_INFO : SEV_WARN, "tlsrpt.failures", RFC_TLSRPT_TYPES,
	    "%s (%s policy%s%s)", text, g->policy, g->ip[0] != '\0' ?
	    ", from " : "", g->ip);
	free(text);
}

/* What the imported reports say; nothing is wrong with having none. */
static void
tls_rpt_reports(const struct observation *o, const struct step_context *ctx,
    struct step_result *r)
{
	const struct step_reports	*rep = &ctx->reports;
	char				*chart, *name;
	size_t				 i;

	if (rep->reports == 0) {
		findings_add(&r->findings, SEV_INFO, "tlsrpt.no-reports",
		    NULL, "no reports for %s have been imported yet; when "
		    "they arrive, run 'mxanchor reports import' on the "
		    "mailbox or the files", o->domain);
		return;
	}
	chart = report_context_chart(rep, TLS_RPT_BAR);
	name = xprintf("TLS-RPT reports for %s, last %d days ('=' sessions "
	    "that succeeded, 'X' failed)", o->domain, STEP_REPORT_DAYS);
	step_result_artifact(r, name, "text", chart);
	free(name);
	free(chart);

	for (i = 0; i < rep->nfails; i++)
		tls_rpt_failure(o, &rep->fails[i], r);
	if (rep->fails_more > 0)
		findings_add(&r->findings, SEV_WARN, "tlsrpt.failures",
		    RFC_TLSRPT_TYPES, "%lld more failed sessions of other "
		    "kinds; see 'mxanchor reports summary %s'",
		    rep->fails_more, o->domain);
}

static void
tls_rpt_evaluate(const struct observation *o,
    const struct step_context *ctx, const struct step_result *earlier,
    struct step_result *r)
{
	struct tlsrpt_txt	  txt;
	struct strbuf		  b = { NULL, 0, 0 };
	char			**records, *s;
	size_t			  i, n;

	tls_rpt_reports(o, ctx, r);

	if (o->tlsrpt_txt == NULL || !o->tlsrpt_txt->answered) {
		findings_add(&r->findings, SEV_WARN, "tlsrpt.lookup", NULL,
		    "could not look up _smtp._tls.%s", o->domain);
		step_result_set(r, STEP_PENDING, "TXT lookup failed");
		return;
	}
	if (o->tlsrpt_txt->rcode == LDNS_RCODE_SERVFAIL) {
		findings_add(&r->findings, SEV_ERROR, "tlsrpt.lookup-failed",
		    "RFC 8460 §3", "looking up _smtp._tls.%s fails "
		    "(SERVFAIL): senders cannot find where to report; see "
		    "the DNSSEC step", o->domain);
		step_result_set(r, STEP_FAIL, "TLS-RPT lookup fails");
		return;
	}

	records = dns_answer_txt(o->tlsrpt_txt, &n);
	if (tlsrpt_txt_select(records, n, &txt, &r->findings) != 0) {
		s = xprintf("_smtp._tls.%s. 3600 IN TXT \"v=TLSRPTv1; "
		    "rua=mailto:tlsrpt@%s\"\n", o->domain, o->domain);
		step_result_artifact(r, "TXT record (edit the mailbox)",
		    "zone", s);
		free(s);
		step_result_set(r, STEP_FAIL, "no usable TLS-RPT record");
		dns_strv_free(records, n);
		return;
	}
	dns_strv_free(records, n);

	for (i = 0; i < txt.nrua; i++)
		strbuf_printf(&b, "%s%s", i > 0 ? ", " : "", txt.rua[i]);
	step_result_set(r, STEP_PASS, "reports go to %s; %lld imported",
	    b.s, ctx->reports.reports);
	strbuf_free(&b);
	tlsrpt_txt_free(&txt);
}

const struct step step_tls_rpt = {
	.id = STEP_TLS_RPT,
	.name = "tls-rpt",
	.title = "TLS-RPT",
	.help = tls_rpt_help,
	.evaluate = tls_rpt_evaluate,
};
