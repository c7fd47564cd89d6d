/*
 * Storing TLS-RPT reports and summing them up by day.
 */
#include <stdlib.h>
#include <string.h>

#include "state_int.h"
#include "state_reports.h"
#include "xmalloc.h"


int
state_reports_begin(struct state *s, char **cause)
{
	return state_begin_write(s, cause);
}

int
state_reports_end(struct state *s, int commit, char **cause)
{
	if (!commit) {
		state_rollback(s);
		return 0;
	}
	return state_commit(s, cause);
}

static int
state_reports_failure(struct state *s, sqlite3_int64 policy,
    const struct state_report_failure *f, char **cause)
{
	return state_run(s, cause, "INSERT INTO tlsrpt_failures (policy, "
	    "result_type, sending_ip, receiving_mx, receiving_helo, "
	    "receiving_ip, sessions, reason_code, info) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "itttttitt", policy,
	    f->result_type, f->sending_ip, f->receiving_mx,
	    f->receiving_helo, f->receiving_ip, (sqlite3_int64)f->sessions,
	    f->reason_code, f->info);
}

static int
state_reports_policy(struct state *s, sqlite3_int64 report,
    const struct state_report_policy *p, char **cause)
{
	sqlite3_int64	id;
	size_t		i;

	if (state_run(s, cause, "INSERT INTO tlsrpt_policies (report, "
	    "policy_type, policy_domain, mx_patterns, successful, failed) "
	    "VALUES (?, ?, ?, ?, ?, ?)", "itttii", report, p->type,
	    p->domain, p->mx_patterns, (sqlite3_int64)p->successful,
	    (sqlite3_int64)p->failed) != 0)
		return -1;
	id = sqlite3_last_insert_rowid(state_db(s));
	for (i = 0; i < p->nfailures; i++) {
		if (state_reports_failure(s, id, &p->failures[i], cause) != 0)
			return -1;
	}
	return 0;
}

int
state_reports_add(struct state *s, const struct state_report *r,
    time_t imported, char **cause)
{
	sqlite3_int64	id;
	size_t		i;

	if (r->report_id == NULL) {
		state_cause(cause, "a report without a report-id");
		return -1;
	}
	if (state_run(s, cause, "INSERT OR IGNORE INTO tlsrpt_reports "
	    "(organization, report_id, contact, begin, end, source, "
	    "imported) VALUES (?, ?, ?, ?, ?, ?, ?)", "tttiiti",
	    r->organization != NULL ? r->organization : "", r->report_id,
	    r->contact, (sqlite3_int64)r->begin, (sqlite3_int64)r->end,
	    r->source, (sqlite3_int64)imported) != 0)
		return -1;
	if (sqlite3_changes(state_db(s)) == 0)
		return 0;

	id = sqlite3_last_insert_rowid(state_db(s));
	for (i = 0; i < r->npolicies; i++) {
		if (state_reports_policy(s, id, &r->policies[i], cause) != 0)
			return -1;
	}
	return 1;
}

int
state_reports_days(struct state *s, const char *domain, time_t from,
    time_t to, struct state_report_day **out, size_t *n, char **cause)
{
	struct state_report_day	*v = NULL, *d;
	sqlite3_stmt		*stmt;
	size_t			 count = 0;
	char			*name;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	/*
	 * Counts are capped at import (tlsrpt_report.c); total() and the
	 * clamp keep many reports from overflowing a sum all the same.
	 */
	stmt = state_stmt(s, cause, "SELECT (r.begin / 86400) * 86400 AS day, "
	    "p.policy_type, count(DISTINCT r.id), "
	    "CAST(min(total(p.successful), 1e15) AS INTEGER), "
	    "CAST(min(total(p.failed), 1e15) AS INTEGER) "
	    "FROM tlsrpt_policies p JOIN tlsrpt_reports r ON r.id = p.report "
	    "WHERE p.policy_domain = ? AND r.begin >= ? "
	    "AND r.begin < ? GROUP BY day, p.policy_type "
	    "ORDER BY day, p.policy_type", "tii", name, (sqlite3_int64)from,
	    (sqlite3_int64)to);
	free(name);
	if (stmt == NULL)
		return -1;
	while ((rc = state_step(s, stmt, cause)) == 1) {
		v = xreallocarray(v, count + 1, sizeof *v);
		d = &v[count++];
		d->day = (time_t)sqlite3_column_int64(stmt, 0);
		d->policy_type = state_column(stmt, 1);
		d->reports = sqlite3_column_int64(stmt, 2);
		d->successful = sqlite3_column_int64(stmt, 3);
		d->failed = sqlite3_column_int64(stmt, 4);
	}
	sqlite3_finalize(stmt);
	if (rc != 0) {
		state_reports_days_free(v, count);
		return -1;
	}
	*out = v;
	*n = count;
	return 0;
}

void
state_reports_days_free(struct state_report_day *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i].policy_type);
	free(v);
}

int
state_reports_failures(struct state *s, const char *domain, time_t from,
    time_t to, struct state_report_failrow **out, size_t *n, char **cause)
{
	struct state_report_failrow	*v = NULL, *f;
	sqlite3_stmt			*stmt;
	size_t				 count = 0;
	char				*name;
	int				 rc;

	*out = NULL;
	*n = 0;
	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	stmt = state_stmt(s, cause, "SELECT (r.begin / 86400) * 86400 AS day, "
	    "p.policy_type, f.result_type, coalesce(f.receiving_mx, ''), "
	    "coalesce(f.sending_ip, ''), coalesce(f.receiving_ip, ''), "
	    "CAST(min(total(f.sessions), 1e15) AS INTEGER) "
	    "FROM tlsrpt_failures f "
	    "JOIN tlsrpt_policies p ON p.id = f.policy "
	    "JOIN tlsrpt_reports r ON r.id = p.report "
	    "WHERE p.policy_domain = ? AND r.begin >= ? AND r.begin < ? "
	    "GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6", "tii",
	    name, (sqlite3_int64)from, (sqlite3_int64)to);
	free(name);
	if (stmt == NULL)
		return -1;
	while ((rc = state_step(s, stmt, cause)) == 1) {
		v = xreallocarray(v, count + 1, sizeof *v);
		f = &v[count++];
		f->day = (time_t)sqlite3_column_int64(stmt, 0);
		f->policy_type = state_column(stmt, 1);
		f->result_type = state_column(stmt, 2);
		f->receiving_mx = state_column(stmt, 3);
		f->sending_ip = state_column(stmt, 4);
		f->receiving_ip = state_column(stmt, 5);
		f->sessions = sqlite3_column_int64(stmt, 6);
	}
	sqlite3_finalize(stmt);
	if (rc != 0) {
		state_reports_failures_free(v, count);
		return -1;
	}
	*out = v;
	*n = count;
	return 0;
}

void
state_reports_failures_free(struct state_report_failrow *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].policy_type);
		free(v[i].result_type);
		free(v[i].receiving_mx);
		free(v[i].sending_ip);
		free(v[i].receiving_ip);
	}
	free(v);
}

int
state_reports_span(struct state *s, const char *domain, long long *count,
    time_t *first, time_t *last, char **cause)
{
	sqlite3_stmt	*stmt;
	char		*name;
	int		 rc;

	*count = 0;
	*first = *last = 0;
	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	stmt = state_stmt(s, cause, "SELECT count(DISTINCT r.id), "
	    "min(r.begin), max(r.end) FROM tlsrpt_policies p "
	    "JOIN tlsrpt_reports r ON r.id = p.report "
	    "WHERE p.policy_domain = ?", "t", name);
	free(name);
	if (stmt == NULL)
		return -1;
	if ((rc = state_step(s, stmt, cause)) == 1) {
		*count = sqlite3_column_int64(stmt, 0);
		*first = (time_t)sqlite3_column_int64(stmt, 1);
		*last = (time_t)sqlite3_column_int64(stmt, 2);
	}
	sqlite3_finalize(stmt);
	return rc < 0 ? -1 : 0;
}
