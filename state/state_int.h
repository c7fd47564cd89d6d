/*
 * Inside state/: the SQLite helpers of state.c, for the other files of
 * this folder that keep their own tables (inventory.c).  Not for use
 * outside state/.
 *
 * Statement helpers bind parameters as types says: 't' a string (NULL
 * binds NULL), 'i' an sqlite3_int64.  Functions returning int give 0 (or
 * 1 for a row) on success and -1 with *cause on error.
 */
#ifndef MXANCHOR_STATE_INT_H
#define MXANCHOR_STATE_INT_H

#include <time.h>

#include <sqlite3.h>

#include "state.h"

void		 state_cause(char **cause, const char *fmt, ...)
		     __attribute__((format(printf, 2, 3)));
void		 state_fail(struct state *, char **cause, const char *what);
sqlite3_stmt	*state_stmt(struct state *, char **cause, const char *sql,
		     const char *types, ...);
/* 1 for a row, 0 when done, -1 on error. */
int		 state_step(struct state *, sqlite3_stmt *, char **cause);
int		 state_run(struct state *, char **cause, const char *sql,
		     const char *types, ...);
/* A copy of a text column (NULL stays NULL). */
char		*state_column(sqlite3_stmt *, int col);

/* The connection, for sqlite3_last_insert_rowid() and the like. */
sqlite3		*state_db(struct state *);

/* BEGIN IMMEDIATE (fails read-only), COMMIT (rolls back on failure). */
int		 state_begin_write(struct state *, char **cause);
int		 state_commit(struct state *, char **cause);
void		 state_rollback(struct state *);

/* Lower-cased, without the final dot; NULL with *cause when invalid. */
char		*state_domain_name(const char *, char **cause);
/* 1 and *id when the domain is there, 0 when not, -1 on error. */
int		 state_domain_id(struct state *, const char *name,
		     sqlite3_int64 *id, char **cause);
/* Inside a write transaction. */
int		 state_event_insert(struct state *, sqlite3_int64 id,
		     time_t when, const char *kind, const char *message,
		     char **cause);

#endif
