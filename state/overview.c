/*
 * The domain list without results, in one statement.
 */
#include <stdlib.h>
#include <string.h>

#include "overview.h"
#include "state_int.h"
#include "xmalloc.h"

/* Appends the step of the current row to d. */
static void
overview_step(sqlite3_stmt *stmt, struct state_domain *d)
{
	struct state_step	*st;

	d->steps = xreallocarray(d->steps, d->nsteps + 1, sizeof *d->steps);
	st = &d->steps[d->nsteps++];
	st->id = state_column(stmt, 5);
	st->status = state_column(stmt, 6);
	st->changed = (time_t)sqlite3_column_int64(stmt, 7);
	st->checked = (time_t)sqlite3_column_int64(stmt, 8);
	st->result = NULL;
}

int
state_domain_overview(struct state *s, struct state_domain **out,
    size_t *n, char **cause)
{
	sqlite3_stmt		*stmt;
	struct state_domain	*list = NULL, *d = NULL;
	sqlite3_int64		 id, last = -1;
	size_t			 count = 0, cap = 0;
	int			 rc;

	*out = NULL;
	*n = 0;
	/*
	 * Domains without a step still come, with NULL step columns.  The
	 * steps_overview index covers the step columns: the rows with their
	 * long results are never read.
	 */
	stmt = state_stmt(s, cause, "SELECT d.id, d.name, d.cursor, d.added, "
	    "d.checked, s.step, s.status, s.changed, s.checked FROM domains d "
	    "LEFT JOIN steps s ON s.domain_id = d.id ORDER BY d.name", "");
	if (stmt == NULL)
		return -1;
	while ((rc = state_step(s, stmt, cause)) == 1) {
		if ((id = sqlite3_column_int64(stmt, 0)) != last) {
			if (count == cap) {
				cap = cap == 0 ? 64 : cap * 2;
				list = xreallocarray(list, cap, sizeof *list);
			}
			d = &list[count++];
			memset(d, 0, sizeof *d);
			d->name = state_column(stmt, 1);
			d->cursor = state_column(stmt, 2);
			d->added = (time_t)sqlite3_column_int64(stmt, 3);
			d->checked = (time_t)sqlite3_column_int64(stmt, 4);
			last = id;
		}
		if (sqlite3_column_type(stmt, 5) != SQLITE_NULL)
			overview_step(stmt, d);
	}
	sqlite3_finalize(stmt);
	if (rc != 0) {
		state_domain_list_free(list, count);
		return -1;
	}
	*out = list;
	*n = count;
	return 0;
}
