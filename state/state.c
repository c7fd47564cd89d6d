/*
 * Persistent rollout state: one SQLite file in WAL mode.
 *
 * A new file is built aside and linked into place (state_create), so it
 * appears whole or not at all.  Opening an existing file is careful not to
 * touch a file that is not ours.  Before anything is written, the header
 * (application_id, user_version) and the schema are read: a file that is
 * not SQLite, is damaged, belongs to another program or was written by a
 * newer mxanchor is refused and closed without a checkpoint, so its bytes
 * stay as they were.  Only then is WAL mode set and, for an empty or older
 * file, the schema created or migrated in one BEGIN IMMEDIATE transaction.
 *
 * Every write function is one BEGIN IMMEDIATE ... COMMIT transaction and
 * rolls back on any error, so a crash or kill leaves the last committed
 * state.  Reads that take several statements run in one deferred
 * transaction so they see a single snapshot even while another mxanchor
 * writes.  Several processes may share a file: a writer waits up to the
 * busy timeout for another writer, then gives up with a "locked" message.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "state.h"
#include "state_int.h"
#include "clock.h"
#include "log.h"
#include "xmalloc.h"

/* 'mxan': PRAGMA application_id of an mxanchor state file. */
#define STATE_APPLICATION_ID	0x6d78616e
#define STATE_BUSY_DEFAULT	5000
#define STATE_NAME_MAX		253

struct state {
	sqlite3	*db;
	char	*path;
	int	 read_only;
};

/* Milliseconds; -1 means MXANCHOR_STATE_BUSY_MS or the default. */
static int	state_busy_ms = -1;

/*
 * Schema migrations: entry N takes user_version N to N + 1 and ends by
 * setting user_version.  They run in one transaction from whatever version
 * the file has up to STATE_SCHEMA_VERSION.  To change the schema, append an
 * entry; never edit one that has shipped.
 */
static const char *state_migrations[] = {
	/* 0 -> 1: the first schema. */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	");"
	"INSERT INTO meta (key, value) VALUES ('application', 'mxanchor');"
	"CREATE TABLE domains ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  cursor TEXT,"
	"  added INTEGER NOT NULL,"
	"  checked INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE TABLE steps ("
	"  domain_id INTEGER NOT NULL"
	"    REFERENCES domains (id) ON DELETE CASCADE,"
	"  step TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  changed INTEGER NOT NULL,"
	"  checked INTEGER NOT NULL,"
	"  result TEXT,"
	"  PRIMARY KEY (domain_id, step)"
	");"
	"CREATE TABLE observations ("
	"  domain_id INTEGER PRIMARY KEY"
	"    REFERENCES domains (id) ON DELETE CASCADE,"
	"  taken INTEGER NOT NULL,"
	"  json TEXT NOT NULL"
	");"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  domain_id INTEGER NOT NULL"
	"    REFERENCES domains (id) ON DELETE CASCADE,"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  message TEXT NOT NULL"
	");"
	"CREATE INDEX events_domain_at ON events (domain_id, at);"
	"PRAGMA application_id = 1836605806;"	/* STATE_APPLICATION_ID */
	"PRAGMA user_version = 1;",

	/* 1 -> 2: MTA-STS history, enforce overrides, TLS-RPT reports. */
	STATE_SCHEMA_STS_REPORTS
	"PRAGMA user_version = 2;",

	/* 2 -> 3: TLSA rollovers and renewal hook runs (state_tlsa.c). */
	STATE_SCHEMA_TLSA
	"PRAGMA user_version = 3;",

	/* 3 -> 4: the inventory (inventory.c): recovery addresses, mailboxes. */
	STATE_SCHEMA_INVENTORY
	"PRAGMA user_version = 4;",

	/* 4 -> 5: SSH host keys the operator confirmed (the mta step). */
	"CREATE TABLE ssh_hostkeys ("
	"  host TEXT NOT NULL,"
	"  port INTEGER NOT NULL,"
	"  key_type TEXT NOT NULL,"
	"  fingerprint TEXT NOT NULL,"
	"  confirmed INTEGER NOT NULL,"
	"  PRIMARY KEY (host, port)"
	");"
	"PRAGMA user_version = 5;",
};
#define STATE_SCHEMA_VERSION \
	((int)(sizeof state_migrations / sizeof state_migrations[0]))

/* Sets *cause (when the caller wants it) to a formatted message. */
void __attribute__((format(printf, 2, 3)))
state_cause(char **cause, const char *fmt, ...)
{
	va_list	 ap;

	if (cause == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(cause, fmt, ap);
	va_end(ap);
}

/* Turns the connection's last error into a message for the operator. */
void
state_fail(struct state *s, char **cause, const char *what)
{
	int		 code, primary, os;
	const char	*msg;

	code = sqlite3_extended_errcode(s->db);
	primary = code & 0xff;
	msg = sqlite3_errmsg(s->db);
	os = sqlite3_system_errno(s->db);
	log_debug("%s: %s: %s (sqlite %d, errno %d)", s->path, what, msg, code,
	    os);

	if (code == SQLITE_READONLY_ROLLBACK ||
	    code == SQLITE_READONLY_RECOVERY) {
		state_cause(cause, "state file %s needs recovery after a "
		    "crash; open it once without read-only", s->path);
		return;
	}
	switch (primary) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		state_cause(cause, "state file %s is locked by another "
		    "mxanchor; try again", s->path);
		break;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		state_cause(cause, "state file %s is damaged or is not an "
		    "SQLite database (%s)", s->path, msg);
		break;
	case SQLITE_CANTOPEN:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_PERM:
	case SQLITE_READONLY:
		if (os != 0) {
			state_cause(cause, "state file %s: %s (%s)", s->path,
			    msg, strerror(os));
			break;
		}
		/* FALLTHROUGH */
	default:
		state_cause(cause, "state file %s: %s", s->path, msg);
		break;
	}
}

/*
 * Prepares sql and binds its parameters as types says: 't' a string (NULL
 * binds NULL), 'i' an sqlite3_int64.  Returns NULL with *cause on error.
 */
static sqlite3_stmt *
state_vstmt(struct state *s, char **cause, const char *sql,
    const char *types, va_list ap)
{
	sqlite3_stmt	*stmt;
	const char	*text;
	int		 i, rc = SQLITE_OK;

	if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		state_fail(s, cause, sql);
		return NULL;
	}
	for (i = 0; types[i] != '\0' && rc == SQLITE_OK; i++) {
		if (types[i] == 't') {
			text = va_arg(ap, const char *);
			rc = sqlite3_bind_text(stmt, i + 1, text, -1,
			    SQLITE_TRANSIENT);
		} else
			rc = sqlite3_bind_int64(stmt, i + 1,
			    va_arg(ap, sqlite3_int64));
	}
	if (rc != SQLITE_OK) {
		state_fail(s, cause, sql);
		sqlite3_finalize(stmt);
		return NULL;
	}
	return stmt;
}

sqlite3_stmt *
state_stmt(struct state *s, char **cause, const char *sql,
    const char *types, ...)
{
	sqlite3_stmt	*stmt;
	va_list		 ap;

	va_start(ap, types);
	stmt = state_vstmt(s, cause, sql, types, ap);
	va_end(ap);
	return stmt;
}

/* Steps a statement: 1 for a row, 0 when done, -1 with *cause on error. */
int
state_step(struct state *s, sqlite3_stmt *stmt, char **cause)
{
	switch (sqlite3_step(stmt)) {
	case SQLITE_ROW:
		return 1;
	case SQLITE_DONE:
		return 0;
	}
	state_fail(s, cause, sqlite3_sql(stmt));
	return -1;
}

/* Runs one statement to the end, ignoring any rows. */
int
state_run(struct state *s, char **cause, const char *sql,
    const char *types, ...)
{
	sqlite3_stmt	*stmt;
	va_list		 ap;
	int		 rc;

	va_start(ap, types);
	stmt = state_vstmt(s, cause, sql, types, ap);
	va_end(ap);
	if (stmt == NULL)
		return -1;
	while ((rc = state_step(s, stmt, cause)) == 1)
		/* nothing */;
	sqlite3_finalize(stmt);
	return rc;
}

/* Runs a query that returns one integer (a PRAGMA, a count). */
static int
state_int(struct state *s, const char *sql, sqlite3_int64 *out,
    char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((stmt = state_stmt(s, cause, sql, "")) == NULL)
		return -1;
	if ((rc = state_step(s, stmt, cause)) == 1)
		*out = sqlite3_column_int64(stmt, 0);
	else if (rc == 0) {
		state_cause(cause, "state file %s: no answer to %s", s->path,
		    sql);
		rc = -1;
	}
	sqlite3_finalize(stmt);
	return rc == 1 ? 0 : -1;
}

/*
 * Copies a text column; NULL stays NULL.  SQLite returns NULL for a
 * non-NULL value only when memory runs out, which like xmalloc we do not
 * survive.
 */
char *
state_column(sqlite3_stmt *stmt, int col)
{
	const unsigned char	*text;

	text = sqlite3_column_text(stmt, col);
	if (text == NULL) {
		if (sqlite3_column_type(stmt, col) != SQLITE_NULL) {
			fprintf(stderr, "mxanchor: out of memory reading "
			    "state\n");
			abort();
		}
		return NULL;
	}
	return xstrdup((const char *)text);
}

void
state_rollback(struct state *s)
{
	if (sqlite3_get_autocommit(s->db))
		return;
	if (sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
		log_debug("%s: rollback: %s", s->path, sqlite3_errmsg(s->db));
}

/* Starts a write transaction, waiting for other writers. */
int
state_begin_write(struct state *s, char **cause)
{
	if (s->read_only) {
		state_cause(cause, "state is open read-only");
		return -1;
	}
	return state_run(s, cause, "BEGIN IMMEDIATE", "");
}

/* Commits, or rolls back and fails. */
int
state_commit(struct state *s, char **cause)
{
	if (state_run(s, cause, "COMMIT", "") != 0) {
		state_rollback(s);
		return -1;
	}
	return 0;
}

/* Lower-cases the name and strips one trailing dot; caller frees. */
char *
state_domain_name(const char *domain, char **cause)
{
	char	*name;
	size_t	 len, i;

	if (domain == NULL)
		domain = "";
	len = strlen(domain);
	if (len > 0 && domain[len - 1] == '.')
		len--;
	if (len == 0) {
		state_cause(cause, "empty domain name");
		return NULL;
	}
	if (len > STATE_NAME_MAX) {
		state_cause(cause, "domain name is too long (%zu characters, "
		    "at most %d)", len, STATE_NAME_MAX);
		return NULL;
	}

	name = xstrndup(domain, len);
	for (i = 0; i < len; i++) {
		if (name[i] >= 'A' && name[i] <= 'Z')
			name[i] = name[i] - 'A' + 'a';
	}
	return name;
}

/* Finds a domain's id: 1 when found, 0 when not, -1 on error. */
int
state_domain_id(struct state *s, const char *name, sqlite3_int64 *id,
    char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	stmt = state_stmt(s, cause, "SELECT id FROM domains WHERE name = ?",
	    "t", name);
	if (stmt == NULL)
		return -1;
	if ((rc = state_step(s, stmt, cause)) == 1)
		*id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc;
}

/* Inside a write transaction: the domain's id, adding it when missing. */
int
state_domain_ensure(struct state *s, const char *name, time_t added,
    sqlite3_int64 *id, char **cause)
{
	int	rc;

	if (state_run(s, cause, "INSERT OR IGNORE INTO domains (name, added) "
	    "VALUES (?, ?)", "ti", name, (sqlite3_int64)added) != 0)
		return -1;
	if ((rc = state_domain_id(s, name, id, cause)) == 0) {
		state_cause(cause, "state file %s: domain %s vanished",
		    s->path, name);
		return -1;
	}
	return rc == 1 ? 0 : -1;
}

/* $XDG_STATE_HOME (when absolute, as the spec asks) or ~/.local/state. */
char *
state_default_path(void)
{
	const char	*dir, *home;
	struct passwd	*pw;

	dir = getenv("XDG_STATE_HOME");
	if (dir != NULL && dir[0] == '/')
		return xprintf("%s/mxanchor/state.db", dir);

	home = getenv("HOME");
	if (home == NULL || home[0] == '\0') {
		if ((pw = getpwuid(getuid())) == NULL || pw->pw_dir == NULL)
			return NULL;
		home = pw->pw_dir;
	}
	return xprintf("%s/.local/state/mxanchor/state.db", home);
}

void
state_set_busy_timeout(int ms)
{
	state_busy_ms = ms;
}

static int
state_busy_timeout(void)
{
	const char	*env;
	char		*end;
	long		 ms;

	if (state_busy_ms >= 0)
		return state_busy_ms;
	if ((env = getenv("MXANCHOR_STATE_BUSY_MS")) != NULL) {
		errno = 0;
		ms = strtol(env, &end, 10);
		if (errno == 0 && *env != '\0' && *end == '\0' && ms >= 0 &&
		    ms <= INT32_MAX)
			return (int)ms;
	}
	return STATE_BUSY_DEFAULT;
}

/* Creates the directories above path (mode 0700) that do not exist. */
static int
state_make_dirs(const char *path, char **cause)
{
	char	*copy, *p;
	int	 ret = -1;

	copy = xstrdup(path);
	for (p = copy + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(copy, 0700) == 0)
			log_debug("%s: created directory", copy);
		else if (errno != EEXIST) {
			state_cause(cause, "cannot create directory %s for "
			    "state file %s: %s", copy, path, strerror(errno));
			goto out;
		}
		*p = '/';
	}
	ret = 0;

out:
	free(copy);
	return ret;
}

/*
 * Reads what the file is without writing to it: *version is the schema
 * version of an mxanchor file, 0 for an empty file.  Refuses anything else.
 */
static int
state_identify(struct state *s, int *version, char **cause)
{
	sqlite3_int64	 app, uv, objects, marker;

	if (state_int(s, "PRAGMA application_id", &app, cause) != 0 ||
	    state_int(s, "PRAGMA user_version", &uv, cause) != 0 ||
	    state_int(s, "SELECT count(*) FROM sqlite_master", &objects,
	    cause) != 0)
		return -1;
	log_debug("%s: application_id %lld, user_version %lld, %lld objects",
	    s->path, (long long)app, (long long)uv, (long long)objects);

	/* An empty SQLite file is ours to fill. */
	if (app == 0 && uv == 0 && objects == 0) {
		*version = 0;
		return 0;
	}
	if (app != STATE_APPLICATION_ID || uv <= 0)
		goto foreign;
	if (uv > STATE_SCHEMA_VERSION) {
		state_cause(cause, "state file %s was written by a newer "
		    "mxanchor (schema %lld)", s->path, (long long)uv);
		return -1;
	}

	/* Every version so far has the meta marker; a later one must too. */
	if (state_int(s, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'table' AND name = 'meta'", &objects, cause) != 0)
		return -1;
	if (objects != 1)
		goto foreign;
	if (state_int(s, "SELECT count(*) FROM meta WHERE "
	    "key = 'application' AND value = 'mxanchor'", &marker, cause) != 0)
		return -1;
	if (marker != 1)
		goto foreign;
	*version = (int)uv;
	return 0;

foreign:
	state_cause(cause, "%s is not an mxanchor state file (it holds other "
	    "data); choose another file", s->path);
	return -1;
}

/* PRAGMA quick_check: the file's structure is sound. */
static int
state_quick_check(struct state *s, char **cause)
{
	sqlite3_stmt	*stmt;
	char		*first = NULL;
	int		 rc, ret = -1;

	if ((stmt = state_stmt(s, cause, "PRAGMA quick_check", "")) == NULL)
		return -1;
	while ((rc = state_step(s, stmt, cause)) == 1) {
		if (first == NULL)
			first = state_column(stmt, 0);
	}
	if (rc != 0)
		goto out;
	if (first == NULL || strcmp(first, "ok") != 0) {
		state_cause(cause, "state file %s is damaged (%s)", s->path,
		    first != NULL ? first : "no answer from quick_check");
		goto out;
	}
	ret = 0;

out:
	free(first);
	sqlite3_finalize(stmt);
	return ret;
}

/* Brings the schema to STATE_SCHEMA_VERSION in one transaction. */
static int
state_migrate(struct state *s, char **cause)
{
	char	*error = NULL;
	int	 version;

	if (state_begin_write(s, cause) != 0)
		return -1;

	/* Another mxanchor may have got here first. */
	if (state_identify(s, &version, cause) != 0)
		goto fail;
	for (; version < STATE_SCHEMA_VERSION; version++) {
		log_debug("%s: schema %d -> %d", s->path, version,
		    version + 1);
		if (sqlite3_exec(s->db, state_migrations[version], NULL, NULL,
		    &error) != SQLITE_OK) {
			state_fail(s, cause, error != NULL ? error : "migrate");
			sqlite3_free(error);
			goto fail;
		}
	}
	return state_commit(s, cause);

fail:
	state_rollback(s);
	return -1;
}

/* Sets the connection up; nothing here writes to the file. */
static int
state_configure(struct state *s, char **cause)
{
	int	on;

	if (sqlite3_extended_result_codes(s->db, 1) != SQLITE_OK ||
	    sqlite3_busy_timeout(s->db, state_busy_timeout()) != SQLITE_OK ||
	    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1,
	    &on) != SQLITE_OK) {
		state_fail(s, cause, "configure");
		return -1;
	}
	return state_run(s, cause, "PRAGMA foreign_keys = ON", "");
}

/*
 * Puts the file in WAL mode: only once it is known to be ours.  Leaving
 * rollback mode needs the file to itself and SQLite does not call the busy
 * handler for it, so wait here, as long as for any other lock.
 */
static int
state_set_wal(struct state *s, char **cause)
{
	sqlite3_stmt	*stmt = NULL;
	char		*mode = NULL;
	int		 rc, waited = 0, ret = -1;

	for (;;) {
		stmt = state_stmt(s, cause, "PRAGMA journal_mode = WAL", "");
		if (stmt == NULL)
			return -1;
		rc = sqlite3_step(stmt);
		if ((rc & 0xff) != SQLITE_BUSY ||
		    waited >= state_busy_timeout())
			break;
		sqlite3_finalize(stmt);
		sqlite3_sleep(10);
		waited += 10;
	}
	if (rc != SQLITE_ROW) {
		state_fail(s, cause, "PRAGMA journal_mode = WAL");
		goto out;
	}
	mode = state_column(stmt, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		state_cause(cause, "state file %s: cannot use WAL mode (%s)",
		    s->path, mode != NULL ? mode : "no answer");
		goto out;
	}
	ret = 0;

out:
	free(mode);
	sqlite3_finalize(stmt);
	return ret;
}

/* Opens the connection to file and sets it up; writes nothing. */
static int
state_connect(struct state *s, const char *file, int oflags, char **cause)
{
	if (sqlite3_open_v2(file, &s->db, oflags, NULL) != SQLITE_OK) {
		if (s->db == NULL) {
			state_cause(cause, "cannot open state file %s: out "
			    "of memory", s->path);
		} else
			state_fail(s, cause, "open");
		return -1;
	}
	return state_configure(s, cause);
}

/* Removes a temporary database and whatever SQLite left next to it. */
static void
state_remove_temp(const char *name)
{
	static const char	*suffixes[] = {
		"", "-journal", "-wal", "-shm"
	};
	char			*file;
	size_t			 i;

	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		file = xprintf("%s%s", name, suffixes[i]);
		if (unlink(file) != 0 && errno != ENOENT)
			log_debug("%s: unlink: %s", file, strerror(errno));
		free(file);
	}
}

/* fsync(2) a file or directory by name. */
static int
state_sync(const char *name, int dir)
{
	int	fd, ret;

	fd = open(name, (dir ? O_RDONLY|O_DIRECTORY : O_RDWR)|O_CLOEXEC);
	if (fd == -1)
		return -1;
	ret = fsync(fd);
	close(fd);
	return ret;
}

/*
 * Removes temporary files that an mxanchor killed while creating path left
 * behind.  Only those over a minute old: a younger one may belong to an
 * mxanchor creating the file right now.  Real time, not clock_now(): this
 * is about the file system, not a verdict.
 */
static void
state_remove_stale(const char *path)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		*dir, *base, *slash, *name;
	size_t		 len;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		base = slash + 1;
	} else
		base = dir;
	len = strlen(base);
	if ((d = opendir(slash == NULL ? "." : slash == dir ? "/" : dir)) ==
	    NULL)
		goto out;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, base, len) != 0 ||
		    strncmp(de->d_name + len, ".new-", 5) != 0 ||
		    strlen(de->d_name + len + 5) != 6)
			continue;
		name = slash == NULL ? xstrdup(de->d_name) :
		    xprintf("%.*s/%s", (int)(slash - dir), dir, de->d_name);
		if (lstat(name, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    sb.st_mtime < time(NULL) - 60) {
			log_debug("%s: removing stale temporary file", name);
			state_remove_temp(name);
		}
		free(name);
	}
	closedir(d);

out:
	free(dir);
}

/*
 * Creates a new state file atomically: the schema is built in a temporary
 * file (mode 0600) next to it, which is then linked into place.  The path
 * therefore either does not exist or holds a whole, empty mxanchor state
 * in WAL mode, whenever the process dies.  When two mxanchors create the
 * same file at once, one link(2) wins and both use that file.  The
 * temporary file needs no journal on disk: after a crash it is removed.
 */
static int
state_create(const char *path, char **cause)
{
	struct state	 tmp;
	char		*name, *dir, *slash;
	int		 fd, ret = -1;

	state_remove_stale(path);
	memset(&tmp, 0, sizeof tmp);
	tmp.path = xstrdup(path);
	name = xprintf("%s.new-XXXXXX", path);
	if ((fd = mkstemp(name)) == -1) {
		state_cause(cause, "cannot create state file %s: %s", path,
		    strerror(errno));
		free(name);
		free(tmp.path);
		return -1;
	}
	close(fd);

	/* The schema with the journal in memory, then WAL: nothing in a WAL. */
	if (state_connect(&tmp, name, SQLITE_OPEN_READWRITE, cause) != 0 ||
	    state_run(&tmp, cause, "PRAGMA journal_mode = MEMORY", "") != 0 ||
	    state_migrate(&tmp, cause) != 0 ||
	    state_set_wal(&tmp, cause) != 0)
		goto out;
	if (sqlite3_close(tmp.db) != SQLITE_OK) {
		state_fail(&tmp, cause, "close");
		goto out;
	}
	tmp.db = NULL;
	if (state_sync(name, 0) != 0) {
		state_cause(cause, "cannot create state file %s: %s", path,
		    strerror(errno));
		goto out;
	}

	/* Into place, unless another mxanchor got there first. */
	if (link(name, path) != 0 && errno != EEXIST) {
		/* No hard links here (vfat, some network file systems). */
		log_debug("%s: link: %s", path, strerror(errno));
		if (access(path, F_OK) != 0 && rename(name, path) != 0) {
			state_cause(cause, "cannot create state file %s: %s",
			    path, strerror(errno));
			goto out;
		}
	}
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	if (state_sync(slash != NULL ? dir : ".", 1) != 0)
		log_debug("%s: fsync: %s", dir, strerror(errno));
	free(dir);
	log_debug("%s: created state file", path);
	ret = 0;

out:
	if (tmp.db != NULL)
		sqlite3_close(tmp.db);
	state_remove_temp(name);
	free(name);
	free(tmp.path);
	return ret;
}

/* Closes a refused file without the checkpoint that would write to it. */
static void
state_refuse(struct state *s)
{
	int	on;

	if (s->db != NULL) {
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
		    &on);
	}
	state_close(s);
}

struct state *
state_open(const char *path, int flags, char **cause)
{
	struct state	*s;
	struct stat	 sb;
	int		 version, oflags;

	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->read_only = (flags & STATE_READ_ONLY) != 0;

	/* Find or create the file. */
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT || s->read_only) {
			state_cause(cause, "cannot open state file %s: %s",
			    path, strerror(errno));
			goto fail;
		}
		if (state_make_dirs(path, cause) != 0 ||
		    state_create(path, cause) != 0)
			goto fail;
	}
	oflags = s->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (state_connect(s, path, oflags, cause) != 0)
		goto fail;

	/* Look before writing anything, in one snapshot. */
	if (state_run(s, cause, "BEGIN", "") != 0)
		goto fail;
	if (state_identify(s, &version, cause) != 0 ||
	    (version > 0 && state_quick_check(s, cause) != 0)) {
		state_rollback(s);
		goto fail;
	}
	if (state_commit(s, cause) != 0)
		goto fail;
	if (s->read_only) {
		if (version == 0) {
			state_cause(cause, "state file %s is empty", path);
			goto fail;
		}
	} else {
		if (state_set_wal(s, cause) != 0 ||
		    state_run(s, cause, "PRAGMA synchronous = FULL", "") != 0)
			goto fail;
		if (version < STATE_SCHEMA_VERSION &&
		    state_migrate(s, cause) != 0)
			goto fail;
	}
	log_debug("%s: open%s, schema %d", path,
	    s->read_only ? " read-only" : "", STATE_SCHEMA_VERSION);
	return s;

fail:
	state_refuse(s);
	return NULL;
}

sqlite3 *
state_db(struct state *s)
{
	return s->db;
}

void
state_close(struct state *s)
{
	if (s == NULL)
		return;
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		log_debug("%s: close: %s", s->path, sqlite3_errmsg(s->db));
	free(s->path);
	free(s);
}

int
state_domain_add(struct state *s, const char *domain, char **cause)
{
	sqlite3_int64	 id;
	char		*name;
	int		 ret = -1;

	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	if (state_begin_write(s, cause) != 0)
		goto out;
	if (state_domain_ensure(s, name, clock_now(), &id, cause) != 0) {
		state_rollback(s);
		goto out;
	}
	ret = state_commit(s, cause);

out:
	free(name);
	return ret;
}

/* Fills d->steps from the step rows, in the order they were added. */
static int
state_load_steps(struct state *s, sqlite3_int64 id, struct state_domain *d,
    char **cause)
{
	sqlite3_stmt		*stmt;
	struct state_step	*st;
	int			 rc;

	stmt = state_stmt(s, cause, "SELECT step, status, changed, checked, "
	    "result FROM steps WHERE domain_id = ? ORDER BY rowid", "i", id);
	if (stmt == NULL)
		return -1;
	while ((rc = state_step(s, stmt, cause)) == 1) {
		d->steps = xreallocarray(d->steps, d->nsteps + 1,
		    sizeof *d->steps);
		st = &d->steps[d->nsteps++];
		st->id = state_column(stmt, 0);
		st->status = state_column(stmt, 1);
		st->changed = (time_t)sqlite3_column_int64(stmt, 2);
		st->checked = (time_t)sqlite3_column_int64(stmt, 3);
		st->result = state_column(stmt, 4);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Fills d from a row of SELECT id, name, cursor, added, checked. */
static int
state_load_domain(struct state *s, sqlite3_stmt *stmt,
    struct state_domain *d, char **cause)
{
	memset(d, 0, sizeof *d);
	d->name = state_column(stmt, 1);
	d->cursor = state_column(stmt, 2);
	d->added = (time_t)sqlite3_column_int64(stmt, 3);
	d->checked = (time_t)sqlite3_column_int64(stmt, 4);
	return state_load_steps(s, sqlite3_column_int64(stmt, 0), d, cause);
}

int
state_domain_get(struct state *s, const char *domain,
    struct state_domain *out, char **cause)
{
	sqlite3_stmt	*stmt = NULL;
	char		*name;
	int		 rc, ret = -1;

	memset(out, 0, sizeof *out);
	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	if (state_run(s, cause, "BEGIN", "") != 0)
		goto out;

	stmt = state_stmt(s, cause, "SELECT id, name, cursor, added, checked "
	    "FROM domains WHERE name = ?", "t", name);
	if (stmt == NULL)
		goto out;
	if ((rc = state_step(s, stmt, cause)) == 1) {
		if (state_load_domain(s, stmt, out, cause) != 0)
			goto out;
	} else if (rc != 0)
		goto out;
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (state_commit(s, cause) != 0)
		goto out;
	ret = rc;

out:
	if (ret == -1) {
		state_domain_free(out);
		state_rollback(s);
	}
	sqlite3_finalize(stmt);
	free(name);
	return ret;
}

int
state_domain_list(struct state *s, struct state_domain **out, size_t *n,
    char **cause)
{
	sqlite3_stmt		*stmt = NULL;
	struct state_domain	*list = NULL;
	size_t			 count = 0;
	int			 rc, ret = -1;

	*out = NULL;
	*n = 0;
	if (state_run(s, cause, "BEGIN", "") != 0)
		return -1;

	stmt = state_stmt(s, cause, "SELECT id, name, cursor, added, checked "
	    "FROM domains ORDER BY name", "");
	if (stmt == NULL)
		goto out;
	while ((rc = state_step(s, stmt, cause)) == 1) {
		list = xreallocarray(list, count + 1, sizeof *list);
		if (state_load_domain(s, stmt, &list[count++], cause) != 0)
			goto out;
	}
	if (rc != 0)
		goto out;
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (state_commit(s, cause) != 0)
		goto out;

	*out = list;
	*n = count;
	list = NULL;
	ret = 0;

out:
	if (ret == -1)
		state_rollback(s);
	sqlite3_finalize(stmt);
	state_domain_list_free(list, count);
	return ret;
}

void
state_domain_free(struct state_domain *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nsteps; i++) {
		free(d->steps[i].id);
		free(d->steps[i].status);
		free(d->steps[i].result);
	}
	free(d->steps);
	free(d->name);
	free(d->cursor);
	memset(d, 0, sizeof *d);
}

void
state_domain_list_free(struct state_domain *list, size_t n)
{
	size_t	i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		state_domain_free(&list[i]);
	free(list);
}

/*
 * One statement in its own transaction that must touch exactly the row of
 * domain: sql ends in "name = ?"; with types "tt", value (which may be
 * NULL) binds to a "?" before it.
 */
static int
state_domain_write(struct state *s, const char *domain, const char *sql,
    const char *types, const char *value, char **cause)
{
	char	*name;
	int	 ret = -1, rc;

	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	if (state_begin_write(s, cause) != 0)
		goto out;

	if (strcmp(types, "tt") == 0)
		rc = state_run(s, cause, sql, types, value, name);
	else
		rc = state_run(s, cause, sql, types, name);
	if (rc != 0) {
		state_rollback(s);
		goto out;
	}
	if (sqlite3_changes(s->db) != 1) {
		state_cause(cause, "domain %s is not in state file %s", name,
		    s->path);
		state_rollback(s);
		goto out;
	}
	ret = state_commit(s, cause);

out:
	free(name);
	return ret;
}

int
state_domain_remove(struct state *s, const char *domain, char **cause)
{
	/* Steps, observation and events go with it (ON DELETE CASCADE). */
	return state_domain_write(s, domain, "DELETE FROM domains "
	    "WHERE name = ?", "t", NULL, cause);
}

int
state_set_cursor(struct state *s, const char *domain, const char *step_id,
    char **cause)
{
	return state_domain_write(s, domain, "UPDATE domains SET cursor = ? "
	    "WHERE name = ?", "tt", step_id, cause);
}

/* Inside a write transaction: adds one event for domain id. */
int
state_event_insert(struct state *s, sqlite3_int64 id, time_t when,
    const char *kind, const char *message, char **cause)
{
	return state_run(s, cause, "INSERT INTO events (domain_id, at, kind, "
	    "message) VALUES (?, ?, ?, ?)", "iitt", id, (sqlite3_int64)when,
	    kind, message);
}

/* Inside a write transaction: stores one step, logging a status change. */
static int
state_record_step(struct state *s, sqlite3_int64 id, time_t when,
    const struct state_step *st, char **cause)
{
	sqlite3_stmt	*stmt;
	char		*old = NULL, *message = NULL;
	int		 rc, ret = -1;

	stmt = state_stmt(s, cause, "SELECT status FROM steps "
	    "WHERE domain_id = ? AND step = ?", "it", id, st->id);
	if (stmt == NULL)
		return -1;
	if ((rc = state_step(s, stmt, cause)) == 1)
		old = state_column(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc == -1)
		return -1;

	if (old == NULL) {
		rc = state_run(s, cause, "INSERT INTO steps (domain_id, step, "
		    "status, changed, checked, result) "
		    "VALUES (?, ?, ?, ?, ?, ?)", "ittiit", id, st->id,
		    st->status, (sqlite3_int64)when, (sqlite3_int64)when,
		    st->result);
		message = xprintf("%s: %s", st->id, st->status);
	} else if (strcmp(old, st->status) != 0) {
		rc = state_run(s, cause, "UPDATE steps SET status = ?, "
		    "changed = ?, checked = ?, result = ? "
		    "WHERE domain_id = ? AND step = ?", "tiitit", st->status,
		    (sqlite3_int64)when, (sqlite3_int64)when, st->result, id,
		    st->id);
		message = xprintf("%s: %s -> %s", st->id, old, st->status);
	} else {
		rc = state_run(s, cause, "UPDATE steps SET checked = ?, "
		    "result = ? WHERE domain_id = ? AND step = ?", "itit",
		    (sqlite3_int64)when, st->result, id, st->id);
	}
	if (rc != 0)
		goto out;
	if (message != NULL &&
	    state_event_insert(s, id, when, "status", message, cause) != 0)
		goto out;
	ret = 0;

out:
	free(message);
	free(old);
	return ret;
}

int
state_record_check(struct state *s, const char *domain, time_t when,
    const struct state_step *steps, size_t nsteps, const char *observation,
    char **cause)
{
	sqlite3_int64	 id;
	char		*name;
	size_t		 i;
	int		 ret = -1;

	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	for (i = 0; i < nsteps; i++) {
		if (steps[i].id == NULL || steps[i].id[0] == '\0' ||
		    steps[i].status == NULL || steps[i].status[0] == '\0') {
			state_cause(cause, "check of %s: step %zu has no id "
			    "or status", name, i);
			goto out;
		}
	}
	if (state_begin_write(s, cause) != 0)
		goto out;

	if (state_domain_ensure(s, name, when, &id, cause) != 0)
		goto fail;
	for (i = 0; i < nsteps; i++) {
		if (state_record_step(s, id, when, &steps[i], cause) != 0)
			goto fail;
	}
	if (observation != NULL) {
		if (state_run(s, cause, "INSERT INTO observations (domain_id, "
		    "taken, json) VALUES (?, ?, ?) ON CONFLICT (domain_id) "
		    "DO UPDATE SET taken = excluded.taken, "
		    "json = excluded.json", "iit", id, (sqlite3_int64)when,
		    observation) != 0)
			goto fail;
	} else if (state_run(s, cause, "DELETE FROM observations "
	    "WHERE domain_id = ?", "i", id) != 0)
		goto fail;
	if (state_run(s, cause, "UPDATE domains SET checked = ? WHERE id = ?",
	    "ii", (sqlite3_int64)when, id) != 0)
		goto fail;
	ret = state_commit(s, cause);
	goto out;

fail:
	state_rollback(s);
out:
	free(name);
	return ret;
}

int
state_observation_get(struct state *s, const char *domain, char **json,
    time_t *taken, char **cause)
{
	sqlite3_stmt	*stmt;
	char		*name;
	int		 rc;

	*json = NULL;
	if (taken != NULL)
		*taken = 0;
	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;

	stmt = state_stmt(s, cause, "SELECT o.json, o.taken FROM observations "
	    "o JOIN domains d ON d.id = o.domain_id WHERE d.name = ?", "t",
	    name);
	free(name);
	if (stmt == NULL)
		return -1;
	if ((rc = state_step(s, stmt, cause)) == 1) {
		*json = state_column(stmt, 0);
		if (taken != NULL)
			*taken = (time_t)sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	return rc;
}

int
state_event_add(struct state *s, const char *domain, time_t when,
    const char *kind, const char *message, char **cause)
{
	sqlite3_int64	 id;
	char		*name;
	int		 rc, ret = -1;

	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;
	if (kind == NULL || message == NULL) {
		state_cause(cause, "event for %s has no kind or message", name);
		goto out;
	}
	if (state_begin_write(s, cause) != 0)
		goto out;
	if ((rc = state_domain_id(s, name, &id, cause)) == 0) {
		state_cause(cause, "domain %s is not in state file %s", name,
		    s->path);
	}
	if (rc != 1 || state_event_insert(s, id, when, kind, message,
	    cause) != 0) {
		state_rollback(s);
		goto out;
	}
	ret = state_commit(s, cause);

out:
	free(name);
	return ret;
}

int
state_event_list(struct state *s, const char *domain, size_t limit,
    struct state_event **out, size_t *n, char **cause)
{
	sqlite3_stmt		*stmt;
	struct state_event	*list = NULL, *ev;
	sqlite3_int64		 max;
	size_t			 count = 0;
	char			*name;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((name = state_domain_name(domain, cause)) == NULL)
		return -1;

	/* LIMIT -1 is no limit. */
	max = -1;
	if (limit != 0 && (uint64_t)limit <= INT64_MAX)
		max = (sqlite3_int64)limit;
	stmt = state_stmt(s, cause, "SELECT e.at, e.kind, e.message "
	    "FROM events e JOIN domains d ON d.id = e.domain_id "
	    "WHERE d.name = ? ORDER BY e.at DESC, e.id DESC LIMIT ?", "ti",
	    name, max);
	free(name);
	if (stmt == NULL)
		return -1;
	while ((rc = state_step(s, stmt, cause)) == 1) {
		list = xreallocarray(list, count + 1, sizeof *list);
		ev = &list[count++];
		ev->at = (time_t)sqlite3_column_int64(stmt, 0);
		ev->kind = state_column(stmt, 1);
		ev->message = state_column(stmt, 2);
	}
	sqlite3_finalize(stmt);
	if (rc != 0) {
		state_event_list_free(list, count);
		return -1;
	}
	*out = list;
	*n = count;
	return 0;
}

void
state_event_list_free(struct state_event *list, size_t n)
{
	size_t	i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(list[i].kind);
		free(list[i].message);
	}
	free(list);
}

/* A file opened read-only keeps its old schema: the table may be absent. */
static int
state_has_table(struct state *s, const char *table, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	stmt = state_stmt(s, cause, "SELECT 1 FROM sqlite_master WHERE "
	    "type = 'table' AND name = ?", "t", table);
	if (stmt == NULL)
		return -1;
	rc = state_step(s, stmt, cause);
	sqlite3_finalize(stmt);
	return rc;
}

int
state_hostkey_get(struct state *s, const char *host, int port,
    char **fingerprint, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	*fingerprint = NULL;
	if ((rc = state_has_table(s, "ssh_hostkeys", cause)) <= 0)
		return rc;
	stmt = state_stmt(s, cause, "SELECT fingerprint FROM ssh_hostkeys "
	    "WHERE host = ? AND port = ?", "ti", host, (sqlite3_int64)port);
	if (stmt == NULL)
		return -1;
	if ((rc = state_step(s, stmt, cause)) == 1)
		*fingerprint = state_column(stmt, 0);
	sqlite3_finalize(stmt);
	return rc;
}

int
state_hostkey_set(struct state *s, const char *host, int port,
    const char *key_type, const char *fingerprint, time_t when, char **cause)
{
	if (host == NULL || *host == '\0' || key_type == NULL ||
	    fingerprint == NULL) {
		state_cause(cause, "host key without host, type or "
		    "fingerprint");
		return -1;
	}
	if (state_begin_write(s, cause) != 0)
		return -1;
	if (state_run(s, cause, "INSERT OR REPLACE INTO ssh_hostkeys (host, "
	    "port, key_type, fingerprint, confirmed) VALUES (?, ?, ?, ?, ?)",
	    "titti", host, (sqlite3_int64)port, key_type, fingerprint,
	    (sqlite3_int64)when) != 0) {
		state_rollback(s);
		return -1;
	}
	return state_commit(s, cause);
}
