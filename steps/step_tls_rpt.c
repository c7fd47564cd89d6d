/*
 * Step 5, TLS-RPT (RFC 8460): a TXT record at _smtp._tls names where
 * sending MTAs report TLS failures.  Those reports are the evidence that
 * decides when MTA-STS can move from testing to enforce.
 */
#include <stdlib.h>

#include "observe.h"
#include "step.h"
#include "strbuf.h"
#include "tlsrpt.h"
#include "xmalloc.h"

static const char tls_rpt_help[] =
    "Publishes where senders should send daily reports of TLS "
    "successes and failures for mail to the domain.  Without reports, "
    "switching MTA-STS to enforce is a guess.  Use a mailbox you read, "
    "or a reporting service; a record may list several destinations "
    "separated by commas.";

static void
tls_rpt_evaluate(const struct observation *o,
    const struct step_context *ctx, const struct step_result *earlier,
    struct step_result *r)
{
	struct tlsrpt_txt	  txt;
	struct strbuf		  b = { NULL, 0, 0 };
	char			**records, *s;
	size_t			  i, n;

	if (o->tlsrpt_txt == NULL || !o->tlsrpt_txt->answered) {
		findings_add(&r->findings, SEV_WARN, "tlsrpt.lookup", NULL,
		    "could not look up _smtp._tls.%s", o->domain);
		step_result_set(r, STEP_PENDING, "TXT lookup failed");
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
	step_result_set(r, STEP_PASS, "reports go to %s", b.s);
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
