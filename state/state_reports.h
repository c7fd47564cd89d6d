/*
 * TLS-RPT reports in the state (RFC 8460 §4.4), and their summary by day.
 *
 * A report is stored once per organisation and report-id: importing the
 * same mailbox twice adds nothing.  Reports belong to policy domains, not
 * to the domains table, because they may arrive before the operator adds
 * the domain.  A report is placed on the UTC day its range begins.
 *
 * Imports come in batches: state_reports_begin() opens one transaction,
 * state_reports_add() adds reports to it, state_reports_end() commits (or
 * rolls back).  Every function follows state.h: -1 with *cause on error.
 */
#ifndef MXANCHOR_STATE_REPORTS_H
#define MXANCHOR_STATE_REPORTS_H

#include <stddef.h>
#include <time.h>

struct state;

struct state_report_failure {
	const char	*result_type;
	const char	*sending_ip;	/* any of these may be NULL */
	const char	*receiving_mx;
	const char	*receiving_helo;
	const char	*receiving_ip;
	const char	*reason_code;
	const char	*info;
	long long	 sessions;
};

struct state_report_policy {
	const char				*type;
	const char				*domain;
	const char				*mx_patterns;	/* or NULL */
	long long				 successful;
	long long				 failed;
	const struct state_report_failure	*failures;
	size_t					 nfailures;
};

struct state_report {
	const char			*organization;	/* NULL: "" */
	const char			*report_id;
	const char			*contact;
	const char			*source;	/* file, mailbox */
	time_t				 begin;
	time_t				 end;
	const struct state_report_policy *policies;
	size_t				 npolicies;
};

int	state_reports_begin(struct state *, char **cause);
/* 1 when stored, 0 when already there, -1 on error (end with rollback). */
int	state_reports_add(struct state *, const struct state_report *,
	    time_t imported, char **cause);
int	state_reports_end(struct state *, int commit, char **cause);

/* Sessions of a day under one policy type. */
struct state_report_day {
	time_t		 day;		/* 00:00 UTC */
	char		*policy_type;
	long long	 reports;
	long long	 successful;
	long long	 failed;
};

/* Failed sessions of one kind on a day; "" for what was not given. */
struct state_report_failrow {
	time_t		 day;
	char		*policy_type;
	char		*result_type;
	char		*receiving_mx;
	char		*sending_ip;
	char		*receiving_ip;
	long long	 sessions;
};

/* Days in [from, to), oldest first, by policy type. */
int	state_reports_days(struct state *, const char *domain, time_t from,
	    time_t to, struct state_report_day **, size_t *, char **cause);
void	state_reports_days_free(struct state_report_day *, size_t);
/* Failure details in [from, to), grouped, oldest day first. */
int	state_reports_failures(struct state *, const char *domain,
	    time_t from, time_t to, struct state_report_failrow **, size_t *,
	    char **cause);
void	state_reports_failures_free(struct state_report_failrow *, size_t);
/* How many reports name the domain, the first begin and last end. */
int	state_reports_span(struct state *, const char *domain,
	    long long *count, time_t *first, time_t *last, char **cause);

#endif
