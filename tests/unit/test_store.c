/*
 * test_store.c - the SQLite store (lib/store.c): creation and modes,
 * pragmas, schema versions, refusal of what is not a store, the path
 * search, busy timeouts, change detection, integrity check and bulk
 * writes with the background checkpointer.
 *
 * Stores live in a mkdtemp directory under /tmp, removed at the end.  The
 * umask is 0 while the tests run, so that a file created with a wider mode
 * than 0600 would show it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "csm_test.h"

static char dir[] = "/tmp/csm-test-store.XXXXXX";

/* dir/name, in one of 16 static buffers used in turn. */
static const char *
at(const char *name)
{
	static char paths[16][600];
	static int k;
	char *p = paths[k++ % 16];

	snprintf(p, 600, "%s/%s", dir, name);
	return p;
}

static int
mode_of(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) < 0)
		return -1;
	return (int)(sb.st_mode & 07777);
}

/* The text of the first column of the first row of sql on db (static). */
static const char *
query(sqlite3 *db, const char *sql)
{
	static char out[256];
	sqlite3_stmt *s;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return "(error)";
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		snprintf(out, sizeof(out), "%s", sqlite3_column_text(s, 0));
	else
		snprintf(out, sizeof(out), "(none)");
	sqlite3_finalize(s);
	return out;
}

static long
count(sqlite3 *db, const char *table)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return atol(query(db, sql));
}

static void
test_create(void)
{
	struct csm_err err;
	struct csm_store *st;
	const char *path = at("a/b/csm.db");
	char latest[16], objects[32], *check;
	sqlite3 *db;

	memset(&err, 0, sizeof(err));
	st = csm_store_open(path, 0, 1000, &err);
	CHECK(st != NULL);
	if (st == NULL) {
		fprintf(stderr, "open: %s\n", err.msg);
		return;
	}
	/* Modes: the file 0600, new directories 0700. */
	CHECK_INT(mode_of(path), 0600);
	CHECK_INT(mode_of(at("a")), 0700);
	CHECK_INT(mode_of(at("a/b")), 0700);
	db = csm_store_db(st);
	CHECK_STR(query(db, "PRAGMA journal_mode"), "wal");
	CHECK_STR(query(db, "PRAGMA foreign_keys"), "1");
	CHECK_STR(query(db, "PRAGMA synchronous"), "1");	/* NORMAL */
	CHECK_STR(query(db, "PRAGMA busy_timeout"), "1000");
	snprintf(latest, sizeof(latest), "%d", csm_store_schema_latest());
	CHECK(csm_store_schema_latest() >= 1);
	CHECK_STR(query(db, "PRAGMA user_version"), latest);
	/* The version the store had when opened: none yet. */
	CHECK_INT(csm_store_schema_version(st), 0);
	/* The tables of the schema. */
	CHECK_STR(query(db, "SELECT group_concat(name, ',') FROM (SELECT name "
	    "FROM sqlite_master WHERE type = 'table' ORDER BY name)"),
	    "customers,events,identities,links,messages,orders,rotations,"
	    "schema_history,sla,sla_marks,sla_tickets,surveys,taken,tickets");
	/* A new store records every version it went through, by whom. */
	{
		char want[96];

		snprintf(want, sizeof(want), "1|%s|%s|csm %s", latest, latest,
		    CSM_VERSION);
		CHECK_STR(query(db, "SELECT min(version) || '|' || "
		    "max(version) || '|' || count(*) || '|' || max(by) FROM "
		    "schema_history WHERE applied_at > 1700000000"), want);
	}
	/* After a write, the -wal and -shm files are 0600 too. */
	CHECK_INT(sqlite3_exec(db, "INSERT INTO customers (id, name, "
	    "created_at, updated_at) VALUES (1, 'Alice', 0, 0)", NULL, NULL,
	    NULL), SQLITE_OK);
	CHECK_INT(mode_of(at("a/b/csm.db-wal")), 0600);
	CHECK_INT(mode_of(at("a/b/csm.db-shm")), 0600);
	/* Foreign keys are enforced. */
	CHECK_INT(sqlite3_exec(db, "INSERT INTO identities VALUES ('phone', "
	    "'1', 999)", NULL, NULL, NULL) & 0xff, SQLITE_CONSTRAINT);
	CHECK_INT(count(db, "identities"), 0);
	snprintf(objects, sizeof(objects), "%s", query(db, "SELECT count(*) "
	    "FROM sqlite_master"));
	CHECK(atoi(objects) > 7);
	check = csm_store_check(st, &err);
	CHECK_STR(check, "ok");
	free(check);
	CHECK_INT(csm_store_close(st, &err), 0);
	CHECK_INT(csm_store_close(NULL, &err), 0);

	/* Reopening is idempotent: same schema, same data. */
	st = csm_store_open(path, 0, 1000, &err);
	CHECK(st != NULL);
	if (st == NULL)
		return;
	CHECK_INT(csm_store_schema_version(st), csm_store_schema_latest());
	db = csm_store_db(st);
	CHECK_STR(query(db, "PRAGMA user_version"), latest);
	CHECK_STR(query(db, "SELECT count(*) FROM sqlite_master"), objects);
	CHECK_STR(query(db, "SELECT name FROM customers WHERE id = 1"),
	    "Alice");
	CHECK_INT(mode_of(path), 0600);
	CHECK_INT(csm_store_close(st, &err), 0);
	st = csm_store_open(path, 0, 1000, &err);
	CHECK_STR(st ? query(csm_store_db(st), "SELECT count(*) FROM "
	    "sqlite_master") : NULL, objects);
	csm_store_close(st, NULL);

	/* Read-only: opens, reads, refuses to write. */
	memset(&err, 0, sizeof(err));
	st = csm_store_open(path, CSM_STORE_READONLY, 1000, &err);
	CHECK(st != NULL);
	if (st != NULL) {
		sqlite3_stmt *s;

		db = csm_store_db(st);
		CHECK_STR(query(db, "PRAGMA foreign_keys"), "1");
		CHECK_STR(query(db, "SELECT name FROM customers"), "Alice");
		s = csm_store_stmt(st, "INSERT INTO customers (created_at, "
		    "updated_at) VALUES (0, 0)", &err);
		CHECK(s != NULL);
		if (s != NULL) {
			CHECK_INT(csm_store_done(st, s, &err), -1);
			CHECK_INT(err.code, CSM_ECANTCREAT);
		}
		/* A no-op for a read-only store. */
		CHECK_INT(csm_store_bulk_begin(st, &err), 0);
		csm_store_bulk_end(st);
		CHECK_INT(csm_store_close(st, &err), 0);
	}
}

static void
test_refuse(void)
{
	struct csm_err err;
	struct csm_store *st;
	const char *path;
	const char junk[] = "this is not a database, only some text that is "
	    "long enough to fill a header of one hundred bytes or so\n";
	char buf[256];
	FILE *fp;
	sqlite3 *db;

	/* Read-only, missing. */
	path = at("missing.db");
	memset(&err, 0, sizeof(err));
	CHECK(csm_store_open(path, CSM_STORE_READONLY, 100, &err) == NULL);
	CHECK_INT(err.code, CSM_ENOINPUT);
	snprintf(buf, sizeof(buf), "no store at '%s'", path);
	CHECK_STR(err.msg, buf);
	CHECK(access(path, F_OK) < 0);	/* and not created */

	/* Not a database: an error, not a crash, and the file untouched. */
	path = at("junk.db");
	fp = fopen(path, "w");
	fputs(junk, fp);
	fclose(fp);
	memset(&err, 0, sizeof(err));
	CHECK(csm_store_open(path, 0, 100, &err) == NULL);
	CHECK_INT(err.code, CSM_ECANTCREAT);
	CHECK(strstr(err.msg, "not a csm store") != NULL);
	memset(&err, 0, sizeof(err));
	CHECK(csm_store_open(path, CSM_STORE_READONLY, 100, &err) == NULL);
	CHECK_INT(err.code, CSM_ECANTCREAT);
	CHECK(strstr(err.msg, "not a csm store") != NULL);
	fp = fopen(path, "r");
	memset(buf, 0, sizeof(buf));
	CHECK_INT(fread(buf, 1, sizeof(buf), fp), sizeof(junk) - 1);
	fclose(fp);
	CHECK_STR(buf, junk);

	/*
	 * Another program's SQLite database (--db pointing at the wrong
	 * file): refused, and left as it was, in its journal mode, without
	 * csm's tables.  (An empty file is a new store; see old.db below.)
	 */
	path = at("foreign.db");
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "CREATE TABLE notes (x TEXT);"
	    "INSERT INTO notes VALUES ('mine')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	memset(&err, 0, sizeof(err));
	st = csm_store_open(path, 0, 100, &err);
	CHECK(st == NULL);
	csm_store_close(st, NULL);
	CHECK_INT(err.code, CSM_ECANTCREAT);
	CHECK(strstr(err.msg, "not a csm store") != NULL);
	memset(&err, 0, sizeof(err));
	st = csm_store_open(path, CSM_STORE_READONLY, 100, &err);
	CHECK(st == NULL);
	csm_store_close(st, NULL);
	CHECK_INT(err.code, CSM_ECANTCREAT);
	CHECK(strstr(err.msg, "not a csm store") != NULL);
	CHECK_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	CHECK_STR(query(db, "PRAGMA journal_mode"), "delete");
	CHECK_STR(query(db, "SELECT group_concat(name, ',') FROM "
	    "sqlite_master"), "notes");
	CHECK_STR(query(db, "SELECT x FROM notes"), "mine");
	sqlite3_close(db);

	/* A store from a newer csm. */
	path = at("newer.db");
	st = csm_store_open(path, 0, 100, &err);
	CHECK(st != NULL);
	if (st == NULL)
		return;
	snprintf(buf, sizeof(buf), "PRAGMA user_version = %d",
	    csm_store_schema_latest() + 1);
	CHECK_INT(sqlite3_exec(csm_store_db(st), buf, NULL, NULL, NULL),
	    SQLITE_OK);
	csm_store_close(st, NULL);
	snprintf(buf, sizeof(buf), "store has schema version %d, newer than "
	    "this csm (%d): upgrade csm", csm_store_schema_latest() + 1,
	    csm_store_schema_latest());
	memset(&err, 0, sizeof(err));
	CHECK(csm_store_open(path, 0, 100, &err) == NULL);
	CHECK_INT(err.code, CSM_ECANTCREAT);
	CHECK_STR(err.msg, buf);
	memset(&err, 0, sizeof(err));
	CHECK(csm_store_open(path, CSM_STORE_READONLY, 100, &err) == NULL);
	CHECK_INT(err.code, CSM_ECANTCREAT);
	CHECK_STR(err.msg, buf);

	/* An older (here: empty) store is upgraded, but not read-only. */
	path = at("old.db");
	fp = fopen(path, "w");
	fclose(fp);
	memset(&err, 0, sizeof(err));
	CHECK(csm_store_open(path, CSM_STORE_READONLY, 100, &err) == NULL);
	CHECK_INT(err.code, CSM_ECANTCREAT);
	snprintf(buf, sizeof(buf), "store has schema version 0 and needs an "
	    "upgrade to %d: run a writing tool such as csm-ingest once",
	    csm_store_schema_latest());
	CHECK_STR(err.msg, buf);
	st = csm_store_open(path, 0, 100, &err);
	CHECK(st != NULL);
	CHECK_INT(st ? csm_store_schema_version(st) : -1, 0);
	csm_store_close(st, NULL);

	/* A directory that cannot be made. */
	fp = fopen(at("plainfile"), "w");
	fclose(fp);
	path = at("plainfile/sub/csm.db");
	memset(&err, 0, sizeof(err));
	CHECK(csm_store_open(path, 0, 100, &err) == NULL);
	CHECK_INT(err.code, CSM_ECANTCREAT);
	snprintf(buf, sizeof(buf), "cannot create '%s': Not a directory",
	    at("plainfile/sub"));
	CHECK_STR(err.msg, buf);

	/* A directory where the file should be. */
	CHECK_INT(mkdir(at("isdir.db"), 0700), 0);
	memset(&err, 0, sizeof(err));
	CHECK(csm_store_open(at("isdir.db"), 0, 100, &err) == NULL);
	CHECK_INT(err.code, CSM_ECANTCREAT);
	snprintf(buf, sizeof(buf), "cannot create store '%s': Is a directory",
	    at("isdir.db"));
	CHECK_STR(err.msg, buf);

	/* In memory: no WAL, the same schema. */
	memset(&err, 0, sizeof(err));
	st = csm_store_open(":memory:", CSM_STORE_MEMORY, 100, &err);
	CHECK(st != NULL);
	if (st != NULL) {
		char latest[16];

		db = csm_store_db(st);
		snprintf(latest, sizeof(latest), "%d",
		    csm_store_schema_latest());
		CHECK_STR(query(db, "PRAGMA journal_mode"), "memory");
		CHECK_STR(query(db, "PRAGMA foreign_keys"), "1");
		CHECK_STR(query(db, "PRAGMA user_version"), latest);
		CHECK_INT(csm_store_bulk_begin(st, &err), 0);
		csm_store_bulk_end(st);
		csm_store_close(st, NULL);
	}
	CHECK(access(at(":memory:"), F_OK) < 0);
}

/* Sets or unsets (NULL) an environment variable. */
static void
env(const char *name, const char *value)
{
	if (value == NULL)
		unsetenv(name);
	else
		setenv(name, value, 1);
}

static void
check_path(const char *opt, const char *want, int line)
{
	struct csm_err err;
	char *p;

	memset(&err, 0, sizeof(err));
	p = csm_store_path(opt, &err);
	if ((p == NULL && want == NULL) ||
	    (p != NULL && want != NULL && strcmp(p, want) == 0))
		csm_t_pass++;
	else {
		csm_t_fail++;
		fprintf(stderr, "%s:%d: FAIL: csm_store_path\n  got:      %s\n"
		    "  expected: %s\n", __FILE__, line, p ? p : err.msg,
		    want ? want : "(NULL)");
	}
	if (p == NULL && (err.code != CSM_ECONFIG || strcmp(err.msg, "no "
	    "store: use --db FILE or set CSM_DB (HOME is not set)") != 0)) {
		csm_t_fail++;
		fprintf(stderr, "%s:%d: FAIL: error %d: %s\n", __FILE__, line,
		    err.code, err.msg);
	}
	free(p);
}

#define PATH(opt, want) check_path(opt, want, __LINE__)

static void
test_path(void)
{
	char *saved[4];
	static const char *const names[] = {"CSM_DB", "XDG_DATA_HOME", "HOME",
		NULL};
	int i;

	for (i = 0; names[i] != NULL; i++) {
		const char *v = getenv(names[i]);

		saved[i] = v ? strdup(v) : NULL;
	}
	env("CSM_DB", "/env/csm.db");
	env("XDG_DATA_HOME", "/xdg");
	env("HOME", "/home/u");
	PATH("/opt/x.db", "/opt/x.db");
	PATH("rel.db", "rel.db");
	PATH(NULL, "/env/csm.db");
	PATH("", "/env/csm.db");
	env("CSM_DB", "");
	PATH(NULL, "/xdg/csm/csm.db");
	env("CSM_DB", NULL);
	PATH(NULL, "/xdg/csm/csm.db");
	PATH("/opt/x.db", "/opt/x.db");
	env("XDG_DATA_HOME", "relative/data");
	PATH(NULL, "/home/u/.local/share/csm/csm.db");
	env("XDG_DATA_HOME", "");
	PATH(NULL, "/home/u/.local/share/csm/csm.db");
	env("XDG_DATA_HOME", NULL);
	PATH(NULL, "/home/u/.local/share/csm/csm.db");
	env("HOME", NULL);
	PATH(NULL, NULL);
	env("HOME", "relative-home");
	PATH(NULL, NULL);
	PATH("/opt/x.db", "/opt/x.db");
	env("XDG_DATA_HOME", "/xdg2");
	PATH(NULL, "/xdg2/csm/csm.db");
	for (i = 0; names[i] != NULL; i++) {
		env(names[i], saved[i]);
		free(saved[i]);
	}
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6;
}

/* Holds the write lock of db for 200 ms, then rolls back. */
static void *
release_later(void *arg)
{
	struct timespec ts = {0, 200 * 1000 * 1000};

	nanosleep(&ts, NULL);
	sqlite3_exec(arg, "ROLLBACK", NULL, NULL, NULL);
	return NULL;
}

static void
test_busy(void)
{
	struct csm_err err;
	struct csm_store *st, *ro, *st2;
	const char *path = at("busy.db");
	sqlite3 *other;
	double t0, ms;

	st = csm_store_open(path, 0, 50, &err);
	CHECK(st != NULL);
	if (st == NULL)
		return;
	CHECK_INT(sqlite3_open_v2(path, &other, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);

	/* Nothing changed yet; our own commits are not "changes". */
	CHECK_INT(csm_store_changed(st), 0);
	CHECK_INT(csm_store_begin(st, &err), 0);
	CHECK_INT(sqlite3_exec(csm_store_db(st), "INSERT INTO customers (id, "
	    "created_at, updated_at) VALUES (1, 0, 0)", NULL, NULL, NULL),
	    SQLITE_OK);
	CHECK_INT(csm_store_commit(st, &err), 0);
	CHECK_INT(csm_store_changed(st), 0);
	/* Another connection's commit is seen, once. */
	CHECK_INT(sqlite3_exec(other, "INSERT INTO customers (id, created_at, "
	    "updated_at) VALUES (2, 0, 0)", NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(csm_store_changed(st), 1);
	CHECK_INT(csm_store_changed(st), 0);
	CHECK_INT(count(csm_store_db(st), "customers"), 2);

	/* Another writer holds the lock: begin waits busy_ms, then
	 * CSM_EBUSY. */
	CHECK_INT(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	memset(&err, 0, sizeof(err));
	t0 = now_ms();
	CHECK_INT(csm_store_begin(st, &err), -1);
	ms = now_ms() - t0;
	CHECK_INT(err.code, CSM_EBUSY);
	CHECK_STR(err.msg, "store is busy (locked by another process); try "
	    "again later");
	CHECK(ms >= 40);
	CHECK(ms < 3000);
	CHECK_INT(csm_err_exit(err.code), 75);
	/* Readers and other openers are not held up by the writer. */
	memset(&err, 0, sizeof(err));
	ro = csm_store_open(path, CSM_STORE_READONLY, 50, &err);
	CHECK(ro != NULL);
	CHECK_INT(ro ? count(csm_store_db(ro), "customers") : -1, 2);
	csm_store_close(ro, NULL);
	st2 = csm_store_open(path, 0, 50, &err);
	CHECK(st2 != NULL);
	csm_store_close(st2, NULL);
	/* Rolled back: the lock is free again. */
	CHECK_INT(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	CHECK_INT(csm_store_begin(st, &err), 0);
	CHECK_INT(csm_store_rollback(st), 0);
	CHECK_INT(csm_store_rollback(st), 0);	/* none open: fine */
	/* A lock released within the timeout is waited for. */
	csm_store_close(st, NULL);
	st = csm_store_open(path, 0, 5000, &err);
	CHECK(st != NULL);
	if (st != NULL) {
		pthread_t tid;

		CHECK_INT(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL,
		    NULL), SQLITE_OK);
		CHECK_INT(pthread_create(&tid, NULL, release_later, other), 0);
		t0 = now_ms();
		CHECK_INT(csm_store_begin(st, &err), 0);
		ms = now_ms() - t0;
		CHECK(ms >= 100);
		CHECK(ms < 4000);
		CHECK_INT(csm_store_commit(st, &err), 0);
		pthread_join(tid, NULL);
		csm_store_close(st, NULL);
	}
	sqlite3_close(other);
}

static void
test_internal(void)
{
	struct csm_err err;
	struct csm_store *st;
	sqlite3_stmt *s1, *s2;
	static const char sql[] = "INSERT INTO customers (name, created_at, "
	    "updated_at) VALUES (?1, 0, 0)";

	st = csm_store_open(":memory:", CSM_STORE_MEMORY, 100, &err);
	CHECK(st != NULL);
	if (st == NULL)
		return;
	/* Statements are cached by the address of their text. */
	s1 = csm_store_stmt(st, sql, &err);
	CHECK(s1 != NULL);
	CHECK_INT(csm_bind_text(s1, 1, "x"), SQLITE_OK);
	s2 = csm_store_stmt(st, sql, &err);
	CHECK(s1 == s2);
	/* ... and come back with their bindings cleared. */
	CHECK_INT(csm_store_done(st, s2, &err), 0);
	CHECK_STR(query(csm_store_db(st), "SELECT coalesce(name, 'NULL') FROM "
	    "customers"), "NULL");
	s1 = csm_store_stmt(st, "SELECT x FROM nowhere", &err);
	CHECK(s1 == NULL);
	CHECK_INT(err.code, CSM_EINTERNAL);
	CHECK_STR(err.msg, "store: no such table: nowhere");
	/* SQLite results to error codes. */
	CHECK_INT(csm_store_sqlerr(st, SQLITE_BUSY, &err), -1);
	CHECK_INT(err.code, CSM_EBUSY);
	CHECK_INT(csm_store_sqlerr(st, SQLITE_BUSY_SNAPSHOT, &err), -1);
	CHECK_INT(err.code, CSM_EBUSY);
	CHECK_INT(csm_store_sqlerr(st, SQLITE_LOCKED, &err), -1);
	CHECK_INT(err.code, CSM_EBUSY);
	CHECK_INT(csm_store_sqlerr(st, SQLITE_FULL, &err), -1);
	CHECK_INT(err.code, CSM_EIO);
	CHECK_INT(csm_store_sqlerr(st, SQLITE_IOERR_WRITE, &err), -1);
	CHECK_INT(err.code, CSM_EIO);
	CHECK_INT(csm_store_sqlerr(st, SQLITE_READONLY, &err), -1);
	CHECK_INT(err.code, CSM_ECANTCREAT);
	CHECK_INT(csm_store_sqlerr(st, SQLITE_NOTADB, &err), -1);
	CHECK_INT(err.code, CSM_ECANTCREAT);
	/* A constraint is the store refusing a record: bad data. */
	CHECK_INT(csm_store_sqlerr(st, SQLITE_CONSTRAINT, &err), -1);
	CHECK_INT(err.code, CSM_EDATA);
	CHECK_INT(csm_store_sqlerr(NULL, SQLITE_FULL, &err), -1);
	CHECK_STR(err.msg, "store: database or disk is full");
	/* A commit without a transaction is an error, not a crash. */
	CHECK_INT(csm_store_commit(st, &err), -1);
	csm_store_close(st, NULL);
}

static void
test_bulk(void)
{
	struct csm_err err;
	struct csm_store *st;
	const char *path = at("bulk.db");
	sqlite3 *other;
	char name[2048];
	int t, i;
	long bad = 0;

	st = csm_store_open(path, 0, 5000, &err);
	CHECK(st != NULL);
	if (st == NULL)
		return;
	CHECK_INT(csm_store_bulk_begin(st, &err), 0);
	CHECK_INT(csm_store_bulk_begin(st, &err), 0);	/* already on */
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	/* About 40 MB in 40 commits: the checkpointer gets work. */
	for (t = 0; t < 40; t++) {
		sqlite3_stmt *s;

		if (csm_store_begin(st, &err) < 0) {
			bad++;
			break;
		}
		s = csm_store_stmt(st, "INSERT INTO customers (name, "
		    "created_at, updated_at) VALUES (?1, ?2, ?2)", &err);
		for (i = 0; i < 500; i++) {
			sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
			sqlite3_bind_int64(s, 2, t * 1000 + i);
			if (csm_store_done(st, s, &err) < 0)
				bad++;
		}
		if (csm_store_commit(st, &err) < 0)
			bad++;
	}
	CHECK_INT(bad, 0);
	/* Another connection sees every commit while the run goes on. */
	CHECK_INT(sqlite3_open_v2(path, &other, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	CHECK_INT(count(other, "customers"), 20000);
	sqlite3_close(other);
	/* The checkpointer copies pages into the database while the run
	 * goes on (the writer's own autocheckpoint is off meanwhile). */
	{
		struct stat sb;
		int waited;

		for (waited = 0; waited < 100; waited++) {
			struct timespec ts = {0, 100 * 1000 * 1000};

			if (stat(path, &sb) == 0 && sb.st_size >= (16 << 20))
				break;
			nanosleep(&ts, NULL);
		}
		CHECK(stat(path, &sb) == 0 && sb.st_size >= (16 << 20));
	}
	csm_store_bulk_end(st);
	csm_store_bulk_end(st);		/* twice: a no-op */
	/* Writes after the run, and one more bulk run left to close. */
	CHECK_INT(sqlite3_exec(csm_store_db(st), "INSERT INTO customers "
	    "(name, created_at, updated_at) VALUES ('after', 1, 1)", NULL,
	    NULL, NULL), SQLITE_OK);
	CHECK_INT(csm_store_bulk_begin(st, &err), 0);
	CHECK_INT(csm_store_begin(st, &err), 0);
	CHECK_INT(sqlite3_exec(csm_store_db(st), "INSERT INTO customers "
	    "(name, created_at, updated_at) VALUES ('last', 2, 2)", NULL,
	    NULL, NULL), SQLITE_OK);
	CHECK_INT(csm_store_commit(st, &err), 0);
	CHECK_INT(csm_store_close(st, &err), 0);
	/* The last close checkpointed the WAL and removed it. */
	CHECK(access(at("bulk.db-wal"), F_OK) < 0);

	/* Everything is there after the close. */
	memset(&err, 0, sizeof(err));
	st = csm_store_open(path, CSM_STORE_READONLY, 1000, &err);
	CHECK(st != NULL);
	if (st == NULL)
		return;
	CHECK_INT(count(csm_store_db(st), "customers"), 20002);
	CHECK_STR(query(csm_store_db(st), "SELECT count(*) FROM customers "
	    "WHERE length(name) = 2047"), "20000");
	CHECK_STR(query(csm_store_db(st), "SELECT group_concat(name) FROM "
	    "customers WHERE created_at < 3 AND length(name) < 10"),
	    "after,last");
	{
		char *check = csm_store_check(st, &err);

		CHECK_STR(check, "ok");
		free(check);
	}
	csm_store_close(st, NULL);
	/* (A read-only connection may leave an empty -wal and the -shm
	 * behind; they keep the store's mode.) */
	CHECK(access(at("bulk.db-wal"), F_OK) < 0 ||
	    mode_of(at("bulk.db-wal")) == 0600);
	CHECK(access(at("bulk.db-shm"), F_OK) < 0 ||
	    mode_of(at("bulk.db-shm")) == 0600);
}

/*
 * A dry run holds its transaction from open to close, unless it lets go
 * (csm_store_dryrun_forget): then another writer gets the lock, the dry
 * run's writes are gone, and its next begin takes the lock again.  One
 * holding a schema upgrade keeps it.
 */
static void
test_dryrun_forget(void)
{
	struct csm_store *st, *dry, *other;
	struct csm_err err;

	st = csm_store_open(at("dry.db"), 0, 1000, &err);
	CHECK(st != NULL);
	csm_store_close(st, &err);
	dry = csm_store_open(at("dry.db"), CSM_STORE_DRYRUN, 100, &err);
	other = csm_store_open(at("dry.db"), 0, 100, &err);
	CHECK(dry != NULL && other != NULL);
	if (dry == NULL || other == NULL)
		return;
	CHECK_INT(csm_store_begin(dry, &err), 0);
	CHECK_INT(sqlite3_exec(csm_store_db(dry), "INSERT INTO customers "
	    "(name, created_at, updated_at) VALUES ('dry', 0, 0)", NULL, NULL,
	    NULL), SQLITE_OK);
	/* Held: the other writer waits, then gives up. */
	CHECK_INT(csm_store_begin(other, &err), -1);
	CHECK_INT(err.code, CSM_EBUSY);
	csm_store_dryrun_forget(dry);
	CHECK_INT(csm_store_begin(other, &err), 0);
	CHECK_STR(query(csm_store_db(other), "SELECT count(*) FROM "
	    "customers"), "0");
	CHECK_INT(csm_store_commit(other, &err), 0);
	/* Begun again, and held again; forgetting twice is harmless. */
	CHECK_INT(csm_store_begin(dry, &err), 0);
	CHECK_INT(csm_store_begin(other, &err), -1);
	csm_store_dryrun_forget(dry);
	csm_store_dryrun_forget(dry);
	CHECK_INT(csm_store_begin(other, &err), 0);
	CHECK_INT(csm_store_commit(other, &err), 0);
	CHECK_INT(csm_store_close(dry, &err), 0);
	/* A store that is not a dry run keeps its transaction. */
	CHECK_INT(csm_store_begin(other, &err), 0);
	csm_store_dryrun_forget(other);
	CHECK_INT(sqlite3_get_autocommit(csm_store_db(other)), 0);
	CHECK_INT(csm_store_commit(other, &err), 0);
	CHECK_INT(csm_store_close(other, &err), 0);
	/* A dry run that upgraded a new store keeps the upgrade, and the
	 * lock, to its end. */
	dry = csm_store_open(at("dry-new.db"), CSM_STORE_DRYRUN, 100, &err);
	CHECK(dry != NULL);
	if (dry == NULL)
		return;
	csm_store_dryrun_forget(dry);
	CHECK_INT(sqlite3_get_autocommit(csm_store_db(dry)), 0);
	CHECK_STR(query(csm_store_db(dry), "SELECT count(*) FROM tickets"),
	    "0");
	CHECK_INT(csm_store_close(dry, &err), 0);
}

int
main(void)
{
	mode_t old = umask(0);

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_create();
	test_refuse();
	test_path();
	test_busy();
	test_internal();
	test_bulk();
	test_dryrun_forget();
	umask(old);
	CHECK_INT(csm_t_rmtree(dir), 0);
	CHECK(access(dir, F_OK) < 0);
	return TEST_REPORT();
}
