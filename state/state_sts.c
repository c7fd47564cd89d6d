/*
 * MTA-STS policy history and enforce overrides in the state file.
 */
#include <stdlib.h>
#include <string.h>

#include "state_int.h"
#include "state_sts.h"
#include "xmalloc.h"

#define STATE_REASON_MAX	1000

int
state_sts_available(struct state *s)
{
	sqlite3_stmt	*stmt;
	int		 yes;

	stmt = state_stmt(s, NULL, "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'table' AND name = 'sts_policies'", "");
	if (stmt == NULL)
		return 0;
	yes = state_step(s, stmt, NULL) == 1 &&
	    sqlite3_column_int(stmt, 0) == 1;
	sqlite3_finalize(stmt);
	return yes;
}

/* Inside a write transaction: one sighting of a policy. */
static int
state_sts_upsert(struct state *s, sqlite3_int64 id, time_t when,
    const struct state_sts_policy *p, char **cause)
{
	return state_run(s, cause, "INSERT INTO sts_policies (domain_id, "
	    "txt_id, sha256, mode, max_age, first_seen, last_seen) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT (domain_id, txt_id, sha256) DO UPDATE SET "
	    "first_seen = min(first_seen, excluded.first_seen), "
	    "last_seen = max(last_seen, excluded.last_seen)", "itttiii", id,
	    p->txt_id, p->sha256, p->mode, (sqlite3_int64)p->max_age,
	    (sqlite3_int64)when, (sqlite3_int64)when);
}

int
state_sts_seen(struct state *s, const char *domain, time_t when,
    const struct state_sts_policy *p, char **cause)
{
	sqlite3_int64	 id;
	char		*name;
	int		 ret = -1;

	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	if (p->txt_id == NULL || p->sha256 == NULL || p->mode == NULL) {
		state_cause(cause, "policy of %s without id, digest or mode",
		    name);
		goto out;
	}
	if (state_begin_write(s, cause) != 0)
		goto out;
	if (state_domain_ensure(s, name, when, &id, cause) != 0 ||
	    state_sts_upsert(s, id, when, p, cause) != 0) {
		state_rollback(s);
		goto out;
	}
	ret = state_commit(s, cause);

out:
	free(name);
	return ret;
}

int
state_sts_list(struct state *s, const char *domain,
    struct state_sts_policy **out, size_t *n, char **cause)
{
	struct state_sts_policy	*list = NULL, *p;
	sqlite3_stmt		*stmt;
	size_t			 count = 0;
	char			*name;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	stmt = state_stmt(s, cause, "SELECT p.txt_id, p.sha256, p.mode, "
	    "p.max_age, p.first_seen, p.last_seen FROM sts_policies p "
	    "JOIN domains d ON d.id = p.domain_id WHERE d.name = ? "
	    "ORDER BY p.last_seen, p.first_seen", "t", name);
	free(name);
	if (stmt == NULL)
		return -1;
	while ((rc = state_step(s, stmt, cause)) == 1) {
		list = xreallocarray(list, count + 1, sizeof *list);
		p = &list[count++];
		p->txt_id = state_column(stmt, 0);
		p->sha256 = state_column(stmt, 1);
		p->mode = state_column(stmt, 2);
		p->max_age = sqlite3_column_int64(stmt, 3);
		p->first_seen = (time_t)sqlite3_column_int64(stmt, 4);
		p->last_seen = (time_t)sqlite3_column_int64(stmt, 5);
	}
	sqlite3_finalize(stmt);
	if (rc != 0) {
		state_sts_list_free(list, count);
		return -1;
	}
	*out = list;
	*n = count;
	return 0;
}

void
state_sts_list_free(struct state_sts_policy *list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(list[i].txt_id);
		free(list[i].sha256);
		free(list[i].mode);
	}
	free(list);
}

/* Inside a write transaction: the override row and its event. */
static int
state_override_write(struct state *s, sqlite3_int64 id, time_t when,
    const char *reason, char **cause)
{
	char	*message;
	int	 rc;

	if (reason != NULL) {
		if (state_run(s, cause, "INSERT INTO enforce_overrides "
		    "(domain_id, at, reason) VALUES (?, ?, ?)", "iit", id,
		    (sqlite3_int64)when, reason) != 0)
			return -1;
		message = xprintf("enforce gate overridden: %s", reason);
	} else {
		if (state_run(s, cause, "UPDATE enforce_overrides SET "
		    "cleared = ? WHERE domain_id = ? AND cleared IS NULL",
		    "ii", (sqlite3_int64)when, id) != 0)
			return -1;
		message = xstrdup("enforce gate override withdrawn");
	}
	rc = state_run(s, cause, "INSERT INTO events (domain_id, at, kind, "
	    "message) VALUES (?, ?, 'override', ?)", "iit", id,
	    (sqlite3_int64)when, message);
	free(message);
	return rc;
}

/* Adds (reason) or clears (NULL) in one transaction. */
static int
state_override_change(struct state *s, const char *domain, time_t when,
    const char *reason, char **cause)
{
	sqlite3_int64	 id;
	char		*name;
	int		 ret = -1;

	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	if (state_begin_write(s, cause) != 0)
		goto out;
	if (state_domain_ensure(s, name, when, &id, cause) != 0 ||
	    state_override_write(s, id, when, reason, cause) != 0) {
		state_rollback(s);
		goto out;
	}
	ret = state_commit(s, cause);

out:
	free(name);
	return ret;
}

int
state_override_add(struct state *s, const char *domain, time_t when,
    const char *reason, char **cause)
{
	size_t	len = reason != NULL ? strlen(reason) : 0;

	if (len == 0 || len > STATE_REASON_MAX) {
		state_cause(cause, "an override needs a reason of 1 to %d "
		    "characters", STATE_REASON_MAX);
		return -1;
	}
	return state_override_change(s, domain, when, reason, cause);
}

int
state_override_clear(struct state *s, const char *domain, time_t when,
    char **cause)
{
	return state_override_change(s, domain, when, NULL, cause);
}

int
state_override_get(struct state *s, const char *domain, time_t *at,
    char **reason, char **cause)
{
	sqlite3_stmt	*stmt;
	char		*name;
	int		 rc;

	*reason = NULL;
	*at = 0;
	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	stmt = state_stmt(s, cause, "SELECT o.at, o.reason FROM "
	    "enforce_overrides o JOIN domains d ON d.id = o.domain_id "
	    "WHERE d.name = ? AND o.cleared IS NULL ORDER BY o.at DESC, "
	    "o.id DESC LIMIT 1", "t", name);
	free(name);
	if (stmt == NULL)
		return -1;
	if ((rc = state_step(s, stmt, cause)) == 1) {
		*at = (time_t)sqlite3_column_int64(stmt, 0);
		*reason = state_column(stmt, 1);
	}
	sqlite3_finalize(stmt);
	return rc;
}
