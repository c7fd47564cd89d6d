/*
 * Rendering fleet summaries as Prometheus text.
 */
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "strbuf.h"
#include "xmalloc.h"

static const enum step_status metrics_statuses[] = {
	STEP_PASS, STEP_WARN, STEP_FAIL, STEP_PENDING,
};

/* A label value between double quotes, escaped. */
static void
metrics_label(struct strbuf *b, const char *value)
{
	const char	*p;

	for (p = value; *p != '\0'; p++) {
		switch (*p) {
		case '\\':
			strbuf_add(b, "\\\\", 2);
			break;
		case '"':
			strbuf_add(b, "\\\"", 2);
			break;
		case '\n':
			strbuf_add(b, "\\n", 2);
			break;
		default:
			strbuf_add(b, p, 1);
			break;
		}
	}
}

static void
metrics_family(struct strbuf *b, const char *name, const char *help)
{
	strbuf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* name{domain="..."[,step="...",status="..."]} */
static void
metrics_sample_start(struct strbuf *b, const char *name, const char *domain)
{
	strbuf_printf(b, "%s{domain=\"", name);
	metrics_label(b, domain);
	strbuf_add(b, "\"", 1);
}

static void
metrics_step_status(struct strbuf *b, const struct fleet_summary *s,
    size_t n)
{
	size_t	i, j, k;

	metrics_family(b, "mxanchor_step_status", "Status of each rollout "
	    "step at the last check: 1 for the status it has, 0 for the "
	    "others.");
	for (i = 0; i < n; i++) {
		for (j = 0; j < STEP_COUNT; j++) {
			for (k = 0; k < sizeof metrics_statuses /
			    sizeof metrics_statuses[0]; k++) {
				metrics_sample_start(b, "mxanchor_step_status",
				    s[i].domain);
				strbuf_printf(b, ",step=\"%s\",status=\"%s\"} "
				    "%d\n", step_table[j]->name,
				    step_status_name(metrics_statuses[k]),
				    s[i].status[j] == metrics_statuses[k]);
			}
		}
	}
}

static void
metrics_per_domain(struct strbuf *b, const struct fleet_summary *s,
    size_t n)
{
	size_t	i, j;
	int	failed;

	metrics_family(b, "mxanchor_check_success", "1 when the last check "
	    "could look at the domain, 0 when the resolver did not answer.");
	for (i = 0; i < n; i++) {
		metrics_sample_start(b, "mxanchor_check_success", s[i].domain);
		strbuf_printf(b, "} %d\n", s[i].exit_code != CHECK_UNTESTED);
	}

	metrics_family(b, "mxanchor_check_failed_steps", "Steps that failed "
	    "at the last check.");
	for (i = 0; i < n; i++) {
		for (failed = 0, j = 0; j < STEP_COUNT; j++)
			failed += s[i].status[j] == STEP_FAIL;
		metrics_sample_start(b, "mxanchor_check_failed_steps",
		    s[i].domain);
		strbuf_printf(b, "} %d\n", failed);
	}

	metrics_family(b, "mxanchor_check_duration_seconds", "How long the "
	    "last check of the domain took.");
	for (i = 0; i < n; i++) {
		metrics_sample_start(b, "mxanchor_check_duration_seconds",
		    s[i].domain);
		strbuf_printf(b, "} %lld.%03lld\n", s[i].elapsed_ms / 1000,
		    s[i].elapsed_ms % 1000);
	}

	metrics_family(b, "mxanchor_check_timestamp_seconds", "When the "
	    "last check of the domain started, in seconds since the epoch.");
	for (i = 0; i < n; i++) {
		metrics_sample_start(b, "mxanchor_check_timestamp_seconds",
		    s[i].domain);
		strbuf_printf(b, "} %lld\n", (long long)s[i].checked);
	}
}

char *
metrics_render(const struct fleet_summary *s, size_t n, time_t run_at,
    long long run_ms)
{
	struct strbuf	b = { NULL, 0, 0 };
	size_t		i;
	int		failed = 0, untested = 0;

	for (i = 0; i < n; i++) {
		failed += s[i].exit_code == CHECK_FAILED;
		untested += s[i].exit_code == CHECK_UNTESTED;
	}
	metrics_step_status(&b, s, n);
	metrics_per_domain(&b, s, n);

	metrics_family(&b, "mxanchor_run_domains", "Domains in the last "
	    "monitoring run, by outcome: clean, failed (a step failed) or "
	    "untested.");
	strbuf_printf(&b, "mxanchor_run_domains{outcome=\"clean\"} %zu\n",
	    n - (size_t)failed - (size_t)untested);
	strbuf_printf(&b, "mxanchor_run_domains{outcome=\"failed\"} %d\n",
	    failed);
	strbuf_printf(&b, "mxanchor_run_domains{outcome=\"untested\"} %d\n",
	    untested);
	metrics_family(&b, "mxanchor_run_duration_seconds", "How long the "
	    "last monitoring run took.");
	strbuf_printf(&b, "mxanchor_run_duration_seconds %lld.%03lld\n",
	    run_ms / 1000, run_ms % 1000);
	metrics_family(&b, "mxanchor_run_timestamp_seconds", "When the last "
	    "monitoring run started, in seconds since the epoch.");
	strbuf_printf(&b, "mxanchor_run_timestamp_seconds %lld\n",
	    (long long)run_at);
	return strbuf_take(&b);
}
