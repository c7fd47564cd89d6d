/*
 * The inventory tables: recovery addresses and mailbox checks.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "inventory.h"
#include "state_int.h"
#include "xmalloc.h"

/* A text field: present, not too long, no control characters. */
static int
inventory_field(const char *what, const char *value, int optional,
    char **cause)
{
	const unsigned char	*p;

	if (value == NULL || *value == '\0') {
		if (optional)
			return 0;
		state_cause(cause, "the %s is empty", what);
		return -1;
	}
	if (strlen(value) > STATE_INVENTORY_FIELD_MAX) {
		state_cause(cause, "the %s is longer than %d bytes", what,
		    STATE_INVENTORY_FIELD_MAX);
		return -1;
	}
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			state_cause(cause, "the %s has a control character",
			    what);
			return -1;
		}
	}
	return 0;
}

static int
inventory_valid(const struct state_recovery *r, const char *user,
    char **cause)
{
	const char	*at;

	if (inventory_field("account", r->account, 0, cause) != 0 ||
	    inventory_field("kind", r->kind, 0, cause) != 0 ||
	    inventory_field("address", r->address, 0, cause) != 0 ||
	    inventory_field("note", r->note, 1, cause) != 0 ||
	    inventory_field("user", user, 0, cause) != 0)
		return -1;
	at = strrchr(r->address, '@');
	if (at == NULL || at == r->address || at[1] == '\0' ||
	    strchr(r->address, ' ') != NULL) {
		state_cause(cause, "%s is not a mail address (local@domain)",
		    r->address);
		return -1;
	}
	return 0;
}

/*
 * Starts a write transaction on a domain that must exist: *id gets its
 * row id and *name the normalised name (caller frees).
 */
static int
inventory_begin(struct state *s, const char *domain, sqlite3_int64 *id,
    char **name, char **cause)
{
	int	rc;

	if ((*name = state_domain_name(domain, cause)) == NULL)
		return -1;
	if (state_begin_write(s, cause) != 0)
		goto fail;
	if ((rc = state_domain_id(s, *name, id, cause)) == 1)
		return 0;
	if (rc == 0)
		state_cause(cause, "domain %s is not in the state", *name);
	state_rollback(s);
fail:
	free(*name);
	*name = NULL;
	return -1;
}

/* The event, then COMMIT; on any failure ROLLBACK. */
static int
inventory_finish(struct state *s, sqlite3_int64 id, const char *message,
    char **cause)
{
	if (state_event_insert(s, id, clock_now(), "inventory", message,
	    cause) != 0) {
		state_rollback(s);
		return -1;
	}
	return state_commit(s, cause);
}

int
state_recovery_add(struct state *s, const char *domain,
    const struct state_recovery *r, const char *user, long long *id,
    char **cause)
{
	sqlite3_int64	 did;
	long long	 rid;
	char		*name, *message;
	int		 ret;

	if (inventory_valid(r, user, cause) != 0 ||
	    inventory_begin(s, domain, &did, &name, cause) != 0)
		return -1;
	if (state_run(s, cause, "INSERT INTO recovery (domain_id, account, "
	    "kind, address, third_party, not_controlled, note, added, "
	    "added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "itttiitit", did,
	    r->account, r->kind, r->address, (sqlite3_int64)r->third_party,
	    (sqlite3_int64)r->not_controlled, r->note,
	    (sqlite3_int64)clock_now(), user) != 0) {
		state_rollback(s);
		free(name);
		return -1;
	}
	rid = (long long)sqlite3_last_insert_rowid(state_db(s));
	if (id != NULL)
		*id = rid;
	message = xprintf("recovery #%lld added by %s: %s (%s) recovers "
	    "through %s%s%s", rid, user, r->account, r->kind, r->address,
	    r->third_party ? ", a third-party mailbox" : "",
	    r->not_controlled ? ", on a domain not under control" : "");
	ret = inventory_finish(s, did, message, cause);
	free(message);
	free(name);
	return ret;
}

/* The row's version, inside the transaction: 1 found, 0 not, -1 error. */
static int
inventory_version(struct state *s, sqlite3_int64 did, long long id,
    long long *version, char **address, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	stmt = state_stmt(s, cause, "SELECT version, address FROM recovery "
	    "WHERE id = ? AND domain_id = ?", "ii", (sqlite3_int64)id, did);
	if (stmt == NULL)
		return -1;
	if ((rc = state_step(s, stmt, cause)) == 1) {
		*version = sqlite3_column_int64(stmt, 0);
		if (address != NULL)
			*address = state_column(stmt, 1);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Inside the transaction: the row is there and, if asked, unchanged. */
static int
inventory_row(struct state *s, sqlite3_int64 did, const char *name,
    long long id, long long expect, char **address, char **cause)
{
	long long	version = 0;
	int		rc;

	rc = inventory_version(s, did, id, &version, address, cause);
	if (rc == 0)
		state_cause(cause, "%s has no recovery #%lld (removed by "
		    "another operator?)", name, id);
	if (rc != 1)
		return -1;
	if (expect != 0 && version != expect) {
		state_cause(cause, "recovery #%lld of %s was changed by "
		    "another operator meanwhile; look at it again", id, name);
		if (address != NULL) {
			free(*address);
			*address = NULL;
		}
		return -1;
	}
	return 0;
}

int
state_recovery_update(struct state *s, const char *domain,
    const struct state_recovery *r, const char *user, char **cause)
{
	sqlite3_int64	 did;
	char		*name, *old = NULL, *message;
	int		 ret = -1, moved;

	if (inventory_valid(r, user, cause) != 0 ||
	    inventory_begin(s, domain, &did, &name, cause) != 0)
		return -1;
	if (inventory_row(s, did, name, r->id, r->version, &old, cause) != 0)
		goto fail;

	/* A confirmation was for the old address. */
	moved = strcmp(old, r->address) != 0;
	if (state_run(s, cause, "UPDATE recovery SET account = ?, kind = ?, "
	    "address = ?, third_party = ?, not_controlled = ?, note = ?, "
	    "confirmed = CASE WHEN ? THEN 0 ELSE confirmed END, "
	    "confirmed_by = CASE WHEN ? THEN NULL ELSE confirmed_by END, "
	    "version = version + 1 WHERE id = ?", "tttiitiii", r->account,
	    r->kind, r->address, (sqlite3_int64)r->third_party,
	    (sqlite3_int64)r->not_controlled, r->note, (sqlite3_int64)moved,
	    (sqlite3_int64)moved, (sqlite3_int64)r->id) != 0)
		goto fail;
	if (moved)
		message = xprintf("recovery #%lld changed by %s: %s (%s) now "
		    "recovers through %s, not %s; to be confirmed again",
		    r->id, user, r->account, r->kind, r->address, old);
	else
		message = xprintf("recovery #%lld changed by %s: %s (%s) "
		    "recovers through %s%s%s%s%s", r->id, user, r->account,
		    r->kind, r->address, r->third_party ?
		    ", a third-party mailbox" : "", r->not_controlled ?
		    ", on a domain not under control" : "",
		    r->note != NULL ? "; note: " : "",
		    r->note != NULL ? r->note : "");
	ret = inventory_finish(s, did, message, cause);
	free(message);
	goto out;

fail:
	state_rollback(s);
out:
	free(old);
	free(name);
	return ret;
}

int
state_recovery_remove(struct state *s, const char *domain, long long id,
    const char *user, char **cause)
{
	sqlite3_int64	 did;
	char		*name, *address = NULL, *message;
	int		 ret = -1;

	if (inventory_field("user", user, 0, cause) != 0 ||
	    inventory_begin(s, domain, &did, &name, cause) != 0)
		return -1;
	if (inventory_row(s, did, name, id, 0, &address, cause) != 0 ||
	    state_run(s, cause, "DELETE FROM recovery WHERE id = ?", "i",
	    (sqlite3_int64)id) != 0) {
		state_rollback(s);
		goto out;
	}
	message = xprintf("recovery #%lld (%s) removed by %s", id, address,
	    user);
	ret = inventory_finish(s, did, message, cause);
	free(message);

out:
	free(address);
	free(name);
	return ret;
}

int
state_recovery_confirm(struct state *s, const char *domain, long long id,
    time_t when, const char *user, char **cause)
{
	sqlite3_int64	 did;
	char		*name, *address = NULL, *message;
	int		 ret = -1;

	if (inventory_field("user", user, 0, cause) != 0 ||
	    inventory_begin(s, domain, &did, &name, cause) != 0)
		return -1;
	if (inventory_row(s, did, name, id, 0, &address, cause) != 0 ||
	    state_run(s, cause, "UPDATE recovery SET confirmed = ?, "
	    "confirmed_by = ?, version = version + 1 WHERE id = ?", "iti",
	    (sqlite3_int64)when, user, (sqlite3_int64)id) != 0) {
		state_rollback(s);
		goto out;
	}
	message = xprintf("recovery #%lld: %s confirmed that it recovers "
	    "through %s", id, user, address);
	ret = inventory_finish(s, did, message, cause);
	free(message);

out:
	free(address);
	free(name);
	return ret;
}

int
state_recovery_list(struct state *s, const char *domain,
    struct state_recovery **out, size_t *n, char **cause)
{
	sqlite3_stmt		*stmt;
	struct state_recovery	*list = NULL, *r;
	size_t			 count = 0;
	char			*name;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	stmt = state_stmt(s, cause, "SELECT r.id, r.account, r.kind, "
	    "r.address, r.third_party, r.not_controlled, r.note, r.added, "
	    "r.added_by, r.confirmed, r.confirmed_by, r.version "
	    "FROM recovery r JOIN domains d ON d.id = r.domain_id "
	    "WHERE d.name = ? ORDER BY r.id", "t", name);
	free(name);
	if (stmt == NULL)
		return -1;
	while ((rc = state_step(s, stmt, cause)) == 1) {
		list = xreallocarray(list, count + 1, sizeof *list);
		r = &list[count++];
		r->id = sqlite3_column_int64(stmt, 0);
		r->account = state_column(stmt, 1);
		r->kind = state_column(stmt, 2);
		r->address = state_column(stmt, 3);
		r->third_party = sqlite3_column_int(stmt, 4) != 0;
		r->not_controlled = sqlite3_column_int(stmt, 5) != 0;
		r->note = state_column(stmt, 6);
		r->added = (time_t)sqlite3_column_int64(stmt, 7);
		r->added_by = state_column(stmt, 8);
		r->confirmed = (time_t)sqlite3_column_int64(stmt, 9);
		r->confirmed_by = state_column(stmt, 10);
		r->version = sqlite3_column_int64(stmt, 11);
	}
	sqlite3_finalize(stmt);
	if (rc != 0) {
		state_recovery_list_free(list, count);
		return -1;
	}
	*out = list;
	*n = count;
	return 0;
}

void
state_recovery_free(struct state_recovery *r)
{
	free(r->account);
	free(r->kind);
	free(r->address);
	free(r->note);
	free(r->added_by);
	free(r->confirmed_by);
	memset(r, 0, sizeof *r);
}

void
state_recovery_list_free(struct state_recovery *list, size_t n)
{
	size_t	i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		state_recovery_free(&list[i]);
	free(list);
}

int
state_mailbox_record(struct state *s, const char *domain,
    const struct state_mailbox *m, size_t n, char **cause)
{
	sqlite3_int64	 did;
	char		*name, *message;
	size_t		 i, accepting = 0;
	int		 ret;

	if (inventory_begin(s, domain, &did, &name, cause) != 0)
		return -1;
	if (state_run(s, cause, "DELETE FROM mailboxes WHERE domain_id = ?",
	    "i", did) != 0) {
		state_rollback(s);
		free(name);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (state_run(s, cause, "INSERT INTO mailboxes (domain_id, "
		    "address, role, checked, verdict, detail) VALUES "
		    "(?, ?, ?, ?, ?, ?) ON CONFLICT (domain_id, address) DO "
		    "UPDATE SET role = excluded.role, checked = "
		    "excluded.checked, verdict = excluded.verdict, detail = "
		    "excluded.detail", "ittitt", did, m[i].address, m[i].role,
		    (sqlite3_int64)m[i].checked, m[i].verdict,
		    m[i].detail) != 0) {
			state_rollback(s);
			free(name);
			return -1;
		}
		accepting += strcmp(m[i].verdict, "accepts") == 0;
	}
	message = xprintf("mailbox check: %zu of %zu mailboxes accept mail",
	    accepting, n);
	ret = inventory_finish(s, did, message, cause);
	free(message);
	free(name);
	return ret;
}

int
state_mailbox_list(struct state *s, const char *domain,
    struct state_mailbox **out, size_t *n, char **cause)
{
	sqlite3_stmt		*stmt;
	struct state_mailbox	*list = NULL, *m;
	size_t			 count = 0;
	char			*name;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	stmt = state_stmt(s, cause, "SELECT m.address, m.role, m.checked, "
	    "m.verdict, m.detail FROM mailboxes m JOIN domains d "
	    "ON d.id = m.domain_id WHERE d.name = ? ORDER BY m.address", "t",
	    name);
	free(name);
	if (stmt == NULL)
		return -1;
	while ((rc = state_step(s, stmt, cause)) == 1) {
		list = xreallocarray(list, count + 1, sizeof *list);
		m = &list[count++];
		m->address = state_column(stmt, 0);
		m->role = state_column(stmt, 1);
		m->checked = (time_t)sqlite3_column_int64(stmt, 2);
		m->verdict = state_column(stmt, 3);
		m->detail = state_column(stmt, 4);
	}
	sqlite3_finalize(stmt);
	if (rc != 0) {
		state_mailbox_list_free(list, count);
		return -1;
	}
	*out = list;
	*n = count;
	return 0;
}

void
state_mailbox_list_free(struct state_mailbox *list, size_t n)
{
	size_t	i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(list[i].address);
		free(list[i].role);
		free(list[i].verdict);
		free(list[i].detail);
	}
	free(list);
}
