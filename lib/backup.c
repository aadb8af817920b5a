/*
 * backup.c - online copies of a store with SQLite's backup API.
 *
 * The copy is made in one step inside one read transaction, so it is one
 * consistent snapshot; in WAL mode writers go on meanwhile (they are not
 * blocked by a reader), and a copy is never restarted by their commits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "csm.h"

/* Messages name "the store" or "the copy", not paths: the caller says
 * which files those are, escaped for a terminal. */
static int
sqlerr(sqlite3 *db, const char *what, int rc, struct csm_err *err)
{
	int prim = rc & 0xff;

	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		return csm_err_set(err, CSM_EBUSY, "%s: the store is busy "
		    "(locked by another process): try again", what);
	if (prim == SQLITE_FULL || prim == SQLITE_IOERR)
		return csm_err_set(err, CSM_EIO, "%s: %s", what,
		    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	return csm_err_set(err, CSM_ECANTCREAT, "%s: %s", what,
	    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

/* The first row's first column of sql as an int, or -1. */
static int
query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	int v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/*
 * Copies the store at src into a new file dest (mode 0600; an existing
 * dest is refused, never overwritten), online, then checks the copy with
 * PRAGMA integrity_check.  Waits up to busy_ms for locks.  The copy has the
 * schema version of src, whatever it is.  Returns 0, or -1 with err
 * (CSM_ENOINPUT no store, CSM_ECANTCREAT dest exists or cannot be made,
 * CSM_EBUSY, CSM_EIO); on failure dest is removed.
 */
int
csm_store_backup(const char *src, const char *dest, int busy_ms,
    struct csm_err *err)
{
	sqlite3 *from = NULL, *to = NULL;
	sqlite3_backup *b;
	sqlite3_stmt *s = NULL;
	int fd, rc, made = 0;

	if (access(src, F_OK) < 0)
		return csm_err_set(err, CSM_ENOINPUT, "no store there");
	rc = sqlite3_open_v2(src, &from, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		sqlerr(from, "cannot open the store", rc, err);
		goto fail;
	}
	sqlite3_busy_timeout(from, busy_ms);
	rc = query_int(from, "PRAGMA user_version");
	if (rc <= 0) {
		csm_err_set(err, CSM_ENOINPUT, "not a csm store");
		goto fail;
	}
	/* Create it ourselves: 0600, and never over an existing file. */
	fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			csm_err_set(err, CSM_ECANTCREAT, "the copy exists: a "
			    "backup never overwrites a file");
		else
			csm_err_set(err, CSM_ECANTCREAT, "cannot create the "
			    "copy: %s", strerror(errno));
		goto fail;
	}
	close(fd);
	made = 1;
	rc = sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		sqlerr(to, "cannot open the copy", rc, err);
		goto fail;
	}
	b = sqlite3_backup_init(to, "main", from, "main");
	if (b == NULL) {
		sqlerr(to, "cannot start the copy", sqlite3_errcode(to), err);
		goto fail;
	}
	/* All pages in one step: one snapshot, never restarted.  A lock is
	 * waited for, as the busy timeout says, by SQLite itself. */
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		sqlerr(NULL, "cannot copy the store", rc, err);
		goto fail;
	}
	rc = sqlite3_errcode(to);
	if (rc != SQLITE_OK) {
		sqlerr(to, "cannot write the copy", rc, err);
		goto fail;
	}
	rc = sqlite3_prepare_v2(to, "PRAGMA integrity_check", -1, &s, NULL);
	if (rc != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(s, 0), "ok") != 0) {
		csm_err_set(err, CSM_EIO, "the copy fails its integrity "
		    "check: %s", s != NULL && sqlite3_column_text(s, 0) ?
		    (const char *)sqlite3_column_text(s, 0) :
		    sqlite3_errmsg(to));
		goto fail;
	}
	sqlite3_finalize(s);
	s = NULL;
	/* The copy's pages are in its file; no -wal is left behind. */
	rc = sqlite3_close(to);
	to = NULL;
	if (rc != SQLITE_OK) {
		csm_err_set(err, CSM_EIO, "cannot close the copy: %s",
		    sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_close(from);
	return 0;
fail:
	sqlite3_finalize(s);
	if (to != NULL)
		sqlite3_close(to);
	if (from != NULL)
		sqlite3_close(from);
	if (made) {
		char side[4096];

		unlink(dest);
		snprintf(side, sizeof(side), "%s-wal", dest);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", dest);
		unlink(side);
	}
	return -1;
}
