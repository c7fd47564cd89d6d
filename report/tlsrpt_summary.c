/*
 * Where the report gets its TLS-RPT figures: the reports stored by
 * "mxanchor reports import" (state_reports.h), summed up per UTC day
 * across policy types, for the last REPORT_DAYS days that have reports.
 */
#include <stdlib.h>
#include <string.h>

#include "state_reports.h"
#include "state_sts.h"
#include "tlsrpt_summary.h"
#include "xmalloc.h"

#define REPORT_DAYS	60

/* Adds one row to the day it belongs to; rows come oldest day first. */
static void
tlsrpt_summary_add(struct tlsrpt_summary *out,
    const struct state_report_day *row)
{
	struct tlsrpt_day	*d;

	if (out->ndays == 0 || out->days[out->ndays - 1].day != row->day) {
		out->days = xreallocarray(out->days, out->ndays + 1,
		    sizeof *out->days);
		d = &out->days[out->ndays++];
		memset(d, 0, sizeof *d);
		d->day = row->day;
	}
	d = &out->days[out->ndays - 1];
	d->success += row->successful;
	d->failure += row->failed;
}

int
tlsrpt_summary_load(struct state *st, const char *domain,
    struct tlsrpt_summary *out, char **cause)
{
	struct state_report_day	*rows;
	long long		 count;
	time_t			 first, last, from;
	size_t			 n, i;

	memset(out, 0, sizeof *out);

	/* A state file from before report storage, opened read-only. */
	if (!state_sts_available(st))
		return 0;
	if (state_reports_span(st, domain, &count, &first, &last,
	    cause) != 0)
		return -1;
	out->available = 1;
	out->nreports = (size_t)count;
	if (count == 0)
		return 0;

	from = last - (time_t)REPORT_DAYS * 86400;
	if (from < first)
		from = first;
	from -= from % 86400;
	if (state_reports_days(st, domain, from, last + 86400, &rows, &n,
	    cause) != 0)
		return -1;
	for (i = 0; i < n; i++)
		tlsrpt_summary_add(out, &rows[i]);
	state_reports_days_free(rows, n);
	return 0;
}

void
tlsrpt_summary_free(struct tlsrpt_summary *s)
{
	free(s->days);
	memset(s, 0, sizeof *s);
}
