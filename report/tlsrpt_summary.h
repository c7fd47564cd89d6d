/*
 * The TLS-RPT part of a report: per day, how many TLS sessions the
 * reporting senders saw succeed and fail for the domain (RFC 8460 §4.4).
 *
 * tlsrpt_summary_load() is the one place the report asks for it.  The
 * state does not store received TLS-RPT reports yet, so today it always
 * answers "none stored" (available = 0) and the report says so plainly;
 * once reports are stored it fills the days from them.
 */
#ifndef MXANCHOR_TLSRPT_SUMMARY_H
#define MXANCHOR_TLSRPT_SUMMARY_H

#include <stddef.h>
#include <time.h>

struct state;

struct tlsrpt_day {
	time_t		day;		/* 00:00 UTC */
	long long	success;	/* total-successful-session-count */
	long long	failure;	/* total-failure-session-count */
};

struct tlsrpt_summary {
	int			 available;	/* reports are stored */
	struct tlsrpt_day	*days;		/* oldest first */
	size_t			 ndays;
	size_t			 nreports;
};

int	tlsrpt_summary_load(struct state *, const char *domain,
	    struct tlsrpt_summary *, char **cause);
void	tlsrpt_summary_free(struct tlsrpt_summary *);

#endif
