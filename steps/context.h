/*
 * What the steps need to know from the rollout's history.
 *
 * Probes say how a domain looks now; some verdicts also depend on what
 * happened before (how long the MTA-STS policy has been in testing, what
 * the TLS-RPT reports said).  The caller loads that from the state before
 * a check, on its own thread, and passes a copy to check_run(): the
 * context is plain data, no pointers into the state, so a worker thread
 * may keep it while the state moves on.
 */
#ifndef MXANCHOR_CONTEXT_H
#define MXANCHOR_CONTEXT_H

#include <time.h>

#include "rollover.h"

struct state;

#define STEP_GATE_DAYS		14	/* testing days before enforce */
#define STEP_REPORT_DAYS	14	/* days of reports in the context */
#define STEP_REPORT_WINDOW	7	/* days in which failures count */
#define STEP_REPORT_FAILS	12	/* failure groups kept */

/* Sessions of one UTC day, from the TLS-RPT reports (RFC 8460 §4.2). */
struct step_report_day {
	time_t		day;		/* 00:00 UTC */
	long long	reports;
	long long	ok;		/* successful sessions */
	long long	failed;
	long long	failed_sts;	/* under policy type sts */
};

/* Failed sessions of one kind in the last STEP_REPORT_WINDOW days. */
struct step_report_fail {
	char		policy[24];	/* "sts", "tlsa", "no-policy-found" */
	char		result[48];	/* "certificate-expired", ... */
	char		mx[256];	/* receiving MX, "" when not given */
	char		ip[48];		/* sending MTA, "" when not given */
	long long	sessions;
	time_t		last;		/* day of the last report */
};

struct step_reports {
	long long		reports;	/* for the domain, ever */
	time_t			first;		/* begin of the earliest */
	time_t			last;		/* end of the latest */
	struct step_report_day	days[STEP_REPORT_DAYS];	/* oldest first */
	struct step_report_fail	fails[STEP_REPORT_FAILS];
	size_t			nfails;
	long long		fails_more;	/* sessions not in fails[] */
};

struct step_context {
	time_t	testing_since;	/* policy in testing since; 0: unknown */

	/* The policy last seen published (sts_history.h). */
	int		sts_known;
	char		sts_id[33];
	char		sts_hash[65];
	char		sts_mode[16];
	time_t		sts_last_seen;
	long long	max_age_served;	/* largest, modes other than none */
	time_t		served_until;	/* last seen, modes other than none */
	time_t		none_since;	/* mode none published since; 0 */

	/* The enforce gate. */
	int		gate_days;	/* testing days needed */
	time_t		override_at;	/* 0: no override */
	char		override_reason[256];

	struct step_reports reports;

	/* TLSA rollovers under way, and the last renewal hook run. */
	struct rollover_view	rollovers[ROLLOVER_VIEW_MAX];
	size_t			nrollovers;
	time_t			hook_at;	/* 0: never ran */
	int			hook_ok;
	char			hook_message[512];

	/* The inventory kept in the state (state/inventory.h). */
	int	recovery_count;
	int	recovery_unconfirmed;	/* migration not confirmed yet */
	int	recovery_elsewhere;	/* third-party or not controlled */
	int	mailboxes_checked;
	int	mailboxes_refusing;	/* rejects or deferred */
};

/* Fills ctx from the state (defaults when the domain is new). */
int	step_context_load(struct state *, const char *domain,
	    struct step_context *, char **cause);
/* The defaults of a domain with no history. */
void	step_context_init(struct step_context *);

#endif
