/*
 * TLSA rollovers and renewal-hook runs: the tables of schema 2, through
 * the statements and transactions of state.c (state_int.h).
 */
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "state_int.h"
#include "state_tlsa.h"
#include "xmalloc.h"

#define ROLLOVER_COLUMNS \
	"r.id, r.owner, r.algorithm, r.current, r.next, r.phase, r.ttl, " \
	"r.created, r.published, r.visible, r.switched, r.removed, r.note"

/*
 * 1 when the file has the tables of schema 2, 0 when not: a file opened
 * read-only is not migrated, and an older one simply has no rollovers.
 */
static int
state_tlsa_ready(struct state *s, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	stmt = state_stmt(s, cause, "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'table' AND name IN ('tlsa_rollovers', "
	    "'tlsa_hooks')", "");
	if (stmt == NULL)
		return -1;
	if ((rc = state_step(s, stmt, cause)) == 1)
		rc = sqlite3_column_int(stmt, 0) == 2;
	sqlite3_finalize(stmt);
	return rc;
}

static void
state_tlsa_row(sqlite3_stmt *stmt, struct state_rollover *r)
{
	r->id = sqlite3_column_int64(stmt, 0);
	r->owner = state_column(stmt, 1);
	r->algorithm = state_column(stmt, 2);
	r->current = state_column(stmt, 3);
	r->next = state_column(stmt, 4);
	r->phase = state_column(stmt, 5);
	r->ttl = (long)sqlite3_column_int64(stmt, 6);
	r->created = (time_t)sqlite3_column_int64(stmt, 7);
	r->published = (time_t)sqlite3_column_int64(stmt, 8);
	r->visible = (time_t)sqlite3_column_int64(stmt, 9);
	r->switched = (time_t)sqlite3_column_int64(stmt, 10);
	r->removed = (time_t)sqlite3_column_int64(stmt, 11);
	r->note = state_column(stmt, 12);
}

int
state_tlsa_rollovers(struct state *s, const char *domain, int all,
    struct state_rollover **out, size_t *n, char **cause)
{
	sqlite3_stmt		*stmt;
	struct state_rollover	*list = NULL;
	size_t			 count = 0;
	char			*name;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((rc = state_tlsa_ready(s, cause)) != 1)
		return rc;
	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	stmt = state_stmt(s, cause, "SELECT " ROLLOVER_COLUMNS
	    " FROM tlsa_rollovers r JOIN domains d ON d.id = r.domain_id "
	    "WHERE d.name = ? AND (? OR r.phase NOT IN ('done', 'aborted')) "
	    "ORDER BY r.id", "ti", name, (sqlite3_int64)(all != 0));
	free(name);
	if (stmt == NULL)
		return -1;
	while ((rc = state_step(s, stmt, cause)) == 1) {
		list = xreallocarray(list, count + 1, sizeof *list);
		state_tlsa_row(stmt, &list[count++]);
	}
	sqlite3_finalize(stmt);
	if (rc != 0) {
		state_tlsa_rollovers_free(list, count);
		return -1;
	}
	*out = list;
	*n = count;
	return 0;
}

void
state_tlsa_rollovers_free(struct state_rollover *list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(list[i].owner);
		free(list[i].algorithm);
		free(list[i].current);
		free(list[i].next);
		free(list[i].phase);
		free(list[i].note);
	}
	free(list);
}

/* Inside a write: 1 when an open rollover exists for owner/algorithm. */
static int
state_tlsa_open_exists(struct state *s, sqlite3_int64 id,
    const struct state_rollover *r, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	stmt = state_stmt(s, cause, "SELECT 1 FROM tlsa_rollovers "
	    "WHERE domain_id = ? AND owner = ? AND algorithm = ? AND "
	    "phase NOT IN ('done', 'aborted')", "itt", id, r->owner,
	    r->algorithm);
	if (stmt == NULL)
		return -1;
	rc = state_step(s, stmt, cause);
	sqlite3_finalize(stmt);
	return rc;
}

int
state_tlsa_rollover_add(struct state *s, const char *domain,
    struct state_rollover *r, time_t when, const char *event, char **cause)
{
	sqlite3_int64	 id;
	char		*name;
	int		 rc;

	if (r->owner == NULL || r->algorithm == NULL || r->current == NULL ||
	    r->next == NULL || r->phase == NULL) {
		xasprintf(cause, "a rollover needs an owner, algorithm, "
		    "records and phase");
		return -1;
	}
	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	if (state_begin_write(s, cause) != 0) {
		free(name);
		return -1;
	}
	if (state_domain_ensure(s, name, when, &id, cause) != 0 ||
	    (rc = state_tlsa_open_exists(s, id, r, cause)) == -1)
		goto fail;
	if (rc == 1) {
		xasprintf(cause, "a rollover of the %s key of %s is already "
		    "under way", r->algorithm, r->owner);
		goto fail;
	}
	if (state_run(s, cause, "INSERT INTO tlsa_rollovers (domain_id, "
	    "owner, algorithm, current, next, phase, ttl, created) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "itttttii", id, r->owner,
	    r->algorithm, r->current, r->next, r->phase,
	    (sqlite3_int64)r->ttl, (sqlite3_int64)r->created) != 0)
		goto fail;
	r->id = sqlite3_last_insert_rowid(state_db(s));
	if (state_event_insert(s, id, when, "tlsa", event, cause) != 0)
		goto fail;
	free(name);
	return state_commit(s, cause);

fail:
	state_rollback(s);
	free(name);
	return -1;
}

int
state_tlsa_rollover_save(struct state *s, const char *domain,
    const struct state_rollover *r, time_t when, const char *event,
    char **cause)
{
	sqlite3_int64	 id;
	char		*name;
	int		 rc;

	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	if (state_begin_write(s, cause) != 0) {
		free(name);
		return -1;
	}
	if ((rc = state_domain_id(s, name, &id, cause)) != 1) {
		if (rc == 0)
			xasprintf(cause, "domain %s is not in the state", name);
		goto fail;
	}
	if (state_run(s, cause, "UPDATE tlsa_rollovers SET phase = ?, "
	    "ttl = ?, published = ?, visible = ?, switched = ?, removed = ?, "
	    "note = ? WHERE id = ? AND domain_id = ?", "tiiiiitii", r->phase,
	    (sqlite3_int64)r->ttl, (sqlite3_int64)r->published,
	    (sqlite3_int64)r->visible, (sqlite3_int64)r->switched,
	    (sqlite3_int64)r->removed, r->note, (sqlite3_int64)r->id, id) != 0)
		goto fail;
	if (sqlite3_changes(state_db(s)) != 1) {
		xasprintf(cause, "rollover %lld of %s is not in the state",
		    r->id, name);
		goto fail;
	}
	if (event != NULL &&
	    state_event_insert(s, id, when, "tlsa", event, cause) != 0)
		goto fail;
	free(name);
	return state_commit(s, cause);

fail:
	state_rollback(s);
	free(name);
	return -1;
}

int
state_tlsa_hook_add(struct state *s, const char *domain, time_t at, int ok,
    const char *message, char **cause)
{
	sqlite3_int64	 id;
	char		*name, *event;

	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	if (state_begin_write(s, cause) != 0) {
		free(name);
		return -1;
	}
	event = xprintf("renewal hook %s: %s", ok ? "ok" : "FAILED", message);
	if (state_domain_ensure(s, name, at, &id, cause) != 0 ||
	    state_run(s, cause, "INSERT INTO tlsa_hooks (domain_id, at, "
	    "ok, message) VALUES (?, ?, ?, ?)", "iiit", id, (sqlite3_int64)at,
	    (sqlite3_int64)(ok != 0), message) != 0 ||
	    state_event_insert(s, id, at, "hook", event, cause) != 0) {
		state_rollback(s);
		free(event);
		free(name);
		return -1;
	}
	free(event);
	free(name);
	return state_commit(s, cause);
}

int
state_tlsa_hook_last(struct state *s, const char *domain,
    struct state_hook *out, char **cause)
{
	sqlite3_stmt	*stmt;
	char		*name;
	int		 rc;

	memset(out, 0, sizeof *out);
	if ((rc = state_tlsa_ready(s, cause)) != 1)
		return rc;
	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	stmt = state_stmt(s, cause, "SELECT h.at, h.ok, h.message "
	    "FROM tlsa_hooks h JOIN domains d ON d.id = h.domain_id "
	    "WHERE d.name = ? ORDER BY h.at DESC, h.id DESC LIMIT 1", "t",
	    name);
	free(name);
	if (stmt == NULL)
		return -1;
	if ((rc = state_step(s, stmt, cause)) == 1) {
		out->at = (time_t)sqlite3_column_int64(stmt, 0);
		out->ok = sqlite3_column_int(stmt, 1) != 0;
		out->message = state_column(stmt, 2);
	}
	sqlite3_finalize(stmt);
	return rc;
}

void
state_tlsa_hook_free(struct state_hook *h)
{
	free(h->message);
	memset(h, 0, sizeof *h);
}
