/*
 * Unit tests for the monitoring side: the domain list file, the
 * Prometheus text, the next action of a domain, and the escaping of the
 * reports.  No network, no state file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fleet.h"
#include "metrics.h"
#include "next.h"
#include "report.h"
#include "xmalloc.h"

static int
read_text(const char *text, char ***names, size_t *n, char **cause)
{
	FILE	*f;
	int	 rc;

	f = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(f);
	rc = fleet_read_stream(f, "list", names, n, cause);
	fclose(f);
	return rc;
}

static void
test_domain_list(void **arg)
{
	char	**names, *cause = NULL;
	size_t	  n;

	assert_int_equal(read_text("# header\n\nB.example.  # second\n"
	    "a.example\r\nb.example\n  c.example\t\n", &names, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "b.example");
	assert_string_equal(names[1], "a.example");
	assert_string_equal(names[2], "c.example");
	fleet_domains_free(names, n);

	assert_int_equal(read_text("a.example\nexample\n", &names, &n,
	    &cause), -1);
	assert_string_equal(cause, "list line 2: example: no dot: a mail "
	    "domain has two labels or more");
	free(cause);
	assert_int_equal(read_text("a.example\nbad..example\n", &names, &n,
	    &cause), -1);
	assert_non_null(strstr(cause, "line 2: bad..example: empty label"));
	free(cause);
	assert_int_equal(read_text("x.example..\n", &names, &n, &cause), -1);
	assert_non_null(strstr(cause, "empty label"));
	free(cause);
	assert_int_equal(read_text("", &names, &n, &cause), 0);
	assert_int_equal(n, 0);
	fleet_domains_free(names, n);
}

static void
test_metrics(void **arg)
{
	struct fleet_summary	 s[2];
	char			*text;
	int			 i;

	memset(s, 0, sizeof s);
	s[0].domain = (char *)"a.example";
	s[0].checked = 1800000000;
	s[0].elapsed_ms = 1234;
	s[0].exit_code = CHECK_FAILED;
	for (i = 0; i < STEP_COUNT; i++)
		s[0].status[i] = STEP_PASS;
	s[0].status[STEP_TLSA] = STEP_FAIL;
	s[1].domain = (char *)"we\"ird\\x\ny";
	s[1].exit_code = CHECK_UNTESTED;

	text = metrics_render(s, 2, 1800000100, 2500);
	assert_non_null(strstr(text, "# TYPE mxanchor_step_status gauge\n"));
	assert_non_null(strstr(text, "mxanchor_step_status{domain="
	    "\"a.example\",step=\"tlsa\",status=\"fail\"} 1\n"));
	assert_non_null(strstr(text, "mxanchor_step_status{domain="
	    "\"a.example\",step=\"tlsa\",status=\"pass\"} 0\n"));
	assert_non_null(strstr(text, "mxanchor_check_failed_steps{domain="
	    "\"a.example\"} 1\n"));
	assert_non_null(strstr(text, "mxanchor_check_duration_seconds{domain="
	    "\"a.example\"} 1.234\n"));
	assert_non_null(strstr(text, "mxanchor_check_success{domain="
	    "\"we\\\"ird\\\\x\\ny\"} 0\n"));
	assert_non_null(strstr(text, "mxanchor_run_domains{outcome="
	    "\"untested\"} 1\n"));
	assert_non_null(strstr(text, "mxanchor_run_duration_seconds 2.500\n"));
	assert_int_equal(text[strlen(text) - 1], '\n');
	free(text);
}

static void
overview(struct next_overview *o, enum step_status all)
{
	int	i;

	memset(o, 0, sizeof *o);
	o->checked = 1000;
	for (i = 0; i < STEP_COUNT; i++) {
		o->have[i] = 1;
		o->status[i] = all;
		o->changed[i] = 1000;
	}
}

static void
test_next_action(void **arg)
{
	struct next_overview	o;
	struct next_action	a, b;

	overview(&o, STEP_PASS);
	o.status[STEP_ENFORCE] = STEP_PENDING;
	next_action(&o, 1000 + 86400, &a);
	assert_int_equal(a.attention, NEXT_WAITING);
	assert_int_equal(a.step, STEP_ENFORCE);
	assert_int_equal(a.not_before, 1000 + NEXT_TESTING_PERIOD);
	assert_string_equal(a.text, "enforce MTA-STS");
	next_action(&o, 1000 + NEXT_TESTING_PERIOD, &b);
	assert_int_equal(b.attention, NEXT_DUE);
	assert_true(next_compare(&b, &a) < 0);

	/* A failure anywhere comes first, and names the first one. */
	o.status[STEP_TLSA] = STEP_FAIL;
	o.status[STEP_TLS_RPT] = STEP_FAIL;
	o.status[STEP_DNSSEC] = STEP_WARN;
	next_action(&o, 2000, &a);
	assert_int_equal(a.attention, NEXT_FAIL);
	assert_int_equal(a.step, STEP_TLSA);
	assert_string_equal(a.text, "fix DANE TLSA");
	assert_true(next_compare(&a, &b) < 0);

	/* A broken chain fails the MX lookup too: DNSSEC is the cause. */
	o.status[STEP_INVENTORY] = o.status[STEP_DNSSEC] = STEP_FAIL;
	next_action(&o, 2000, &a);
	assert_string_equal(a.text, "fix DNSSEC");
	o.status[STEP_INVENTORY] = STEP_PASS;
	o.status[STEP_DNSSEC] = STEP_WARN;

	o.status[STEP_TLSA] = o.status[STEP_TLS_RPT] = STEP_PASS;
	next_action(&o, 2000, &a);
	assert_int_equal(a.attention, NEXT_WARN);
	assert_string_equal(a.text, "review DNSSEC");

	o.checked = 0;
	next_action(&o, 2000, &a);
	assert_int_equal(a.attention, NEXT_UNCHECKED);

	overview(&o, STEP_PASS);
	next_action(&o, 2000, &a);
	assert_int_equal(a.attention, NEXT_DONE);
}

/* A report with one hostile finding and event, built in memory. */
static void
hostile_report(struct report *r)
{
	size_t	i;

	memset(r, 0, sizeof *r);
	r->domain = xstrdup("x_y.example");
	r->generated = 1800000000;
	for (i = 0; i < STEP_COUNT; i++)
		step_result_init(&r->steps[i].result, (enum step_id)i);
	r->steps[STEP_TLSA].have = 1;
	r->steps[STEP_TLSA].result.status = STEP_FAIL;
	r->steps[STEP_TLSA].result.summary = xstrdup("<b>bold</b> | *x*");
	findings_add(&r->steps[STEP_TLSA].result.findings, SEV_ERROR,
	    "tlsa.x", "RFC 7672 §3", "<script>alert(1)</script> & 'q'");
	step_result_artifact(&r->steps[STEP_TLSA].result, "rec", "zone",
	    "a ```` b");
	r->events = xcalloc(1, sizeof *r->events);
	r->nevents = 1;
	r->events[0].at = 1799990000;
	r->events[0].kind = xstrdup("status");
	r->events[0].message = xstrdup("tlsa: pending -> fail");
}

static void
test_report_escaping(void **arg)
{
	struct report	 r;
	char		*md, *html;

	hostile_report(&r);
	html = report_html(&r);
	assert_null(strstr(html, "<script>"));
	assert_null(strstr(html, "<b>bold"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt; "
	    "&amp; &#39;q&#39;"));
	assert_non_null(strstr(html, "x_y.example"));
	assert_non_null(strstr(html, "data-status=\"fail\""));
	assert_non_null(strstr(html, "id=\"tlsrpt-none\""));

	md = report_markdown(&r);
	assert_non_null(strstr(md, "# mxanchor report: x\\_y.example\n"));
	assert_non_null(strstr(md, "\\<b\\>bold\\</b\\> \\| \\*x\\*"));
	/* The fence is longer than any run of backticks inside. */
	assert_non_null(strstr(md, "`````\na ```` b\n`````\n"));
	free(md);
	free(html);
	report_free(&r);
}

/* The TLS-RPT chart once a summary has days (none is faked today). */
static void
test_report_tlsrpt_chart(void **arg)
{
	struct report	 r;
	char		*html, *md, *p;
	int		 bars = 0;

	hostile_report(&r);
	r.tlsrpt.available = 1;
	r.tlsrpt.nreports = 3;
	r.tlsrpt.ndays = 2;
	r.tlsrpt.days = xcalloc(2, sizeof *r.tlsrpt.days);
	r.tlsrpt.days[0].day = 1799971200;
	r.tlsrpt.days[0].success = 90;
	r.tlsrpt.days[0].failure = 10;
	r.tlsrpt.days[1].day = 1800057600;
	r.tlsrpt.days[1].success = 40;

	html = report_html(&r);
	assert_non_null(strstr(html, "<svg id=\"tlsrpt-chart\""));
	assert_null(strstr(html, "tlsrpt-none"));
	for (p = strstr(html, "tlsrpt-chart"); p != NULL &&
	    (p = strstr(p, "<rect ")) != NULL; p++)
		bars++;
	assert_int_equal(bars, 4);
	assert_non_null(strstr(html, "2027-01-15: 10 failed"));
	md = report_markdown(&r);
	assert_non_null(strstr(md, "| 2027-01-15 | 90 | 10 |"));
	free(md);
	free(html);
	report_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_list),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_next_action),
		cmocka_unit_test(test_report_escaping),
		cmocka_unit_test(test_report_tlsrpt_chart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
