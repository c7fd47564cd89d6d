/*
 * What the TLS-RPT reports of a domain say, day by day (RFC 8460 §4.2,
 * §4.3): sessions that succeeded and failed by policy type, and the
 * failures by result type, MX host and sending IP.
 *
 * The same summary feeds `mxanchor reports summary` (text and JSON), the
 * step context (the enforce gate) and the tls-rpt step's chart.
 */
#ifndef MXANCHOR_REPORT_SUMMARY_H
#define MXANCHOR_REPORT_SUMMARY_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "state_reports.h"

struct state;
struct step_reports;

struct report_summary {
	char				*domain;
	time_t				 from;		/* [from, to) */
	time_t				 to;
	long long			 reports;	/* ever */
	time_t				 first;
	time_t				 last;
	struct state_report_day		*days;		/* in [from, to) */
	size_t				 ndays;
	struct state_report_failrow	*fails;
	size_t				 nfails;
};

/* The reports of domain whose range begins in [from, to). */
int	 report_summary_load(struct state *, const char *domain, time_t from,
	     time_t to, struct report_summary *, char **cause);
void	 report_summary_free(struct report_summary *);

json_t	*report_summary_to_json(const struct report_summary *);
/*
 * Text for a terminal: a line per day with a bar of width at most
 * bar_width ('=' sessions that succeeded, 'X' failed), then the failures
 * with what they mean.  Caller frees.
 */
char	*report_summary_text(const struct report_summary *, int bar_width);

/*
 * The step context's view, for the days before now: totals of the last
 * STEP_REPORT_DAYS days, failure groups of the last STEP_REPORT_WINDOW.
 */
void	 report_summary_context(const struct report_summary *, time_t now,
	     struct step_reports *);
/*
 * The context's days as a small chart for the wizard: a line per day,
 * '=' for sessions that succeeded, 'X' for failed, '-' for no report.
 */
char	*report_context_chart(const struct step_reports *, int bar_width);

#endif
