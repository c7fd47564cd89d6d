/*
 * Inside state/: the helpers state.c shares with the other state files
 * (state_sts.c, state_reports.c), and the schema those files add.
 *
 * Nothing outside state/ includes this.  The helpers follow state.c's
 * conventions: -1 (or NULL) with *cause on error; state_step returns 1
 * for a row, 0 when done; a write is state_begin_write ... state_commit,
 * with state_rollback on any error.
 */
#ifndef MXANCHOR_STATE_INT_H
#define MXANCHOR_STATE_INT_H

#include <sqlite3.h>

#include "state.h"

sqlite3		*state_db(struct state *);

void		 state_cause(char **cause, const char *fmt, ...)
		     __attribute__((format(printf, 2, 3)));
void		 state_fail(struct state *, char **cause, const char *what);
/* Binds by types: 't' a string (NULL binds NULL), 'i' an sqlite3_int64. */
sqlite3_stmt	*state_stmt(struct state *, char **cause, const char *sql,
		     const char *types, ...);
int		 state_step(struct state *, sqlite3_stmt *, char **cause);
int		 state_run(struct state *, char **cause, const char *sql,
		     const char *types, ...);
char		*state_column(sqlite3_stmt *, int col);
void		 state_rollback(struct state *);
int		 state_begin_write(struct state *, char **cause);
int		 state_commit(struct state *, char **cause);
/* Lower-case, without the final dot; NULL with *cause when invalid. */
char		*state_domain_name(const char *domain, char **cause);
int		 state_domain_id(struct state *, const char *name,
		     sqlite3_int64 *id, char **cause);
int		 state_domain_ensure(struct state *, const char *name,
		     time_t added, sqlite3_int64 *id, char **cause);
/* Inside a write: one event in the domain's timeline. */
int		 state_event_insert(struct state *, sqlite3_int64 id,
		     time_t when, const char *kind, const char *message,
		     char **cause);

/*
 * Schema 2: the MTA-STS policies seen published (one row per id and
 * body, with when it was first and last seen), the operator's overrides
 * of the enforce gate, and TLS-RPT reports (RFC 8460 §4.4) with their
 * policies and failure details.  A report is kept once per organisation
 * and report-id; the reports are not tied to the domains table because
 * they arrive for domains the operator may not have added yet.
 */
#define STATE_SCHEMA_STS_REPORTS					\
	"CREATE TABLE sts_policies ("					\
	"  domain_id INTEGER NOT NULL"					\
	"    REFERENCES domains (id) ON DELETE CASCADE,"		\
	"  txt_id TEXT NOT NULL,"					\
	"  sha256 TEXT NOT NULL,"					\
	"  mode TEXT NOT NULL,"						\
	"  max_age INTEGER NOT NULL,"					\
	"  first_seen INTEGER NOT NULL,"				\
	"  last_seen INTEGER NOT NULL,"					\
	"  PRIMARY KEY (domain_id, txt_id, sha256)"			\
	");"								\
	"CREATE TABLE enforce_overrides ("				\
	"  id INTEGER PRIMARY KEY,"					\
	"  domain_id INTEGER NOT NULL"					\
	"    REFERENCES domains (id) ON DELETE CASCADE,"		\
	"  at INTEGER NOT NULL,"					\
	"  reason TEXT NOT NULL,"					\
	"  cleared INTEGER"						\
	");"								\
	"CREATE TABLE tlsrpt_reports ("					\
	"  id INTEGER PRIMARY KEY,"					\
	"  organization TEXT NOT NULL,"					\
	"  report_id TEXT NOT NULL,"					\
	"  contact TEXT,"						\
	"  begin INTEGER NOT NULL,"					\
	"  end INTEGER NOT NULL,"					\
	"  source TEXT,"						\
	"  imported INTEGER NOT NULL,"					\
	"  UNIQUE (organization, report_id)"				\
	");"								\
	"CREATE TABLE tlsrpt_policies ("				\
	"  id INTEGER PRIMARY KEY,"					\
	"  report INTEGER NOT NULL"					\
	"    REFERENCES tlsrpt_reports (id) ON DELETE CASCADE,"	\
	"  policy_type TEXT NOT NULL,"					\
	"  policy_domain TEXT NOT NULL,"				\
	"  mx_patterns TEXT,"						\
	"  successful INTEGER NOT NULL,"				\
	"  failed INTEGER NOT NULL"					\
	");"								\
	"CREATE INDEX tlsrpt_policies_domain"				\
	"  ON tlsrpt_policies (policy_domain, report);"			\
	"CREATE TABLE tlsrpt_failures ("				\
	"  policy INTEGER NOT NULL"					\
	"    REFERENCES tlsrpt_policies (id) ON DELETE CASCADE,"	\
	"  result_type TEXT NOT NULL,"					\
	"  sending_ip TEXT,"						\
	"  receiving_mx TEXT,"						\
	"  receiving_helo TEXT,"					\
	"  receiving_ip TEXT,"						\
	"  sessions INTEGER NOT NULL,"					\
	"  reason_code TEXT,"						\
	"  info TEXT"							\
	");"								\
	"CREATE INDEX tlsrpt_failures_policy ON tlsrpt_failures (policy);"

/*
 * Schema 3: TLSA rollovers (one row per owner name and key algorithm,
 * with the times each phase was reached) and the runs of the renewal
 * hook; see state_tlsa.c.
 */
#define STATE_SCHEMA_TLSA						\
	"CREATE TABLE tlsa_rollovers ("					\
	"  id INTEGER PRIMARY KEY,"					\
	"  domain_id INTEGER NOT NULL"					\
	"    REFERENCES domains (id) ON DELETE CASCADE,"		\
	"  owner TEXT NOT NULL,"					\
	"  algorithm TEXT NOT NULL,"					\
	"  current TEXT NOT NULL,"					\
	"  next TEXT NOT NULL,"						\
	"  phase TEXT NOT NULL,"					\
	"  ttl INTEGER NOT NULL DEFAULT 0,"				\
	"  created INTEGER NOT NULL,"					\
	"  published INTEGER NOT NULL DEFAULT 0,"			\
	"  visible INTEGER NOT NULL DEFAULT 0,"				\
	"  switched INTEGER NOT NULL DEFAULT 0,"			\
	"  removed INTEGER NOT NULL DEFAULT 0,"				\
	"  note TEXT"							\
	");"								\
	"CREATE UNIQUE INDEX tlsa_rollovers_open ON tlsa_rollovers "	\
	"  (domain_id, owner, algorithm) "				\
	"  WHERE phase NOT IN ('done', 'aborted');"			\
	"CREATE TABLE tlsa_hooks ("					\
	"  id INTEGER PRIMARY KEY,"					\
	"  domain_id INTEGER NOT NULL"					\
	"    REFERENCES domains (id) ON DELETE CASCADE,"		\
	"  at INTEGER NOT NULL,"					\
	"  ok INTEGER NOT NULL,"					\
	"  message TEXT NOT NULL"					\
	");"								\
	"CREATE INDEX tlsa_hooks_domain_at ON tlsa_hooks (domain_id, at);"

/*
 * Schema 4: the inventory (inventory.c): which accounts recover through
 * which mailbox, with who added and confirmed each and a version for
 * refusing lost updates, and the mailbox checks; plus a covering index
 * for the dashboard's overview of step statuses.
 */
#define STATE_SCHEMA_INVENTORY						\
	"CREATE TABLE recovery ("					\
	"  id INTEGER PRIMARY KEY,"					\
	"  domain_id INTEGER NOT NULL"					\
	"    REFERENCES domains (id) ON DELETE CASCADE,"		\
	"  account TEXT NOT NULL,"					\
	"  kind TEXT NOT NULL,"						\
	"  address TEXT NOT NULL,"					\
	"  third_party INTEGER NOT NULL DEFAULT 0,"			\
	"  not_controlled INTEGER NOT NULL DEFAULT 0,"			\
	"  note TEXT,"							\
	"  added INTEGER NOT NULL,"					\
	"  added_by TEXT NOT NULL,"					\
	"  confirmed INTEGER NOT NULL DEFAULT 0,"			\
	"  confirmed_by TEXT,"						\
	"  version INTEGER NOT NULL DEFAULT 1"				\
	");"								\
	"CREATE INDEX recovery_domain ON recovery (domain_id);"		\
	"CREATE TABLE mailboxes ("					\
	"  domain_id INTEGER NOT NULL"					\
	"    REFERENCES domains (id) ON DELETE CASCADE,"		\
	"  address TEXT NOT NULL,"					\
	"  role TEXT NOT NULL,"						\
	"  checked INTEGER NOT NULL,"					\
	"  verdict TEXT NOT NULL,"					\
	"  detail TEXT,"						\
	"  PRIMARY KEY (domain_id, address)"				\
	");"								\
	"CREATE INDEX steps_overview ON steps"				\
	"  (domain_id, step, status, changed, checked);"

#endif
