/*
 * Inside state/: what state.c lends to the other files of the module
 * (state_tlsa.c), so that they use the same transactions, statements and
 * error messages.  Nothing outside state/ includes this.
 *
 * The contract is that of the static functions these wrap: statements are
 * prepared with parameters bound as types says ('t' text, 'i' a 64-bit
 * integer), a step returns 1 for a row, 0 when done, -1 with *cause; a
 * write runs between state_int_begin() and state_int_commit(), and
 * state_int_rollback() undoes it on any error.
 */
#ifndef MXANCHOR_STATE_INT_H
#define MXANCHOR_STATE_INT_H

#include <time.h>

#include <sqlite3.h>

struct state;

sqlite3_stmt	*state_int_stmt(struct state *, char **cause, const char *sql,
		    const char *types, ...);
int		 state_int_step(struct state *, sqlite3_stmt *, char **cause);
int		 state_int_run(struct state *, char **cause, const char *sql,
		    const char *types, ...);
char		*state_int_column(sqlite3_stmt *, int col);
int		 state_int_begin(struct state *, char **cause);
int		 state_int_commit(struct state *, char **cause);
void		 state_int_rollback(struct state *);
/* Lower case, no trailing dot; NULL with *cause when not a name. */
char		*state_int_domain_name(const char *, char **cause);
/* 1 with *id when found, 0 when not, -1. */
int		 state_int_domain_id(struct state *, const char *name,
		    sqlite3_int64 *id, char **cause);
/* Inside a write: the id, adding the domain when missing. */
int		 state_int_domain_ensure(struct state *, const char *name,
		    time_t added, sqlite3_int64 *id, char **cause);
/* Inside a write: one event. */
int		 state_int_event(struct state *, sqlite3_int64 id, time_t when,
		    const char *kind, const char *message, char **cause);
/* Rows changed by the last statement; the rowid it inserted. */
int		 state_int_changes(struct state *);
sqlite3_int64	 state_int_last_id(struct state *);

#endif
