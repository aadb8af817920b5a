/*
 * store.c - the SQLite store: location, creation with mode 0600, WAL,
 * foreign keys, busy timeout, BEGIN IMMEDIATE, forward-only schema
 * migrations in one transaction, and a cache of prepared statements.
 *
 * This file and the statement text in the modules are the seam for a
 * second engine: the tools only see struct csm_store and its verbs.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define NSTMT 64	/* first statement cache slots (power of two) */
#define WAL_LIMIT 65536	/* frames (256 MB) before the writer waits */
#define WAL_STEP 4096	/* frames (16 MB) between background checkpoints */

struct stmt_slot {
	const char	*sql;
	sqlite3_stmt	*stmt;
};

/* The background checkpointer of a bulk write. */
struct ckpt {
	pthread_t	 tid;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	sqlite3		*db;		/* its own connection */
	int		 stop;
	long		 frames;	/* WAL frames after the last commit */
	long		 last;		/* frames at the last checkpoint */
	long		 seq;		/* commits seen */
	long		 done_seq;	/* commits checkpointed */
	int		 urgent;	/* the writer waits for a checkpoint */
	int		 failed;	/* last checkpoint could not finish */
};

struct csm_store {
	sqlite3		*db;
	char		*path;
	struct ckpt	*ck;
	int		 readonly;
	int		 dryrun;	/* one transaction, never committed */
	int		 dryrun_upgraded; /* ... holding a schema upgrade */
	int		 version;	/* schema version found at open */
	int		 data_version;
	struct stmt_slot *slots;	/* open addressing by the SQL's address */
	size_t		 nslots, nused;
};

/*
 * Schema migrations: migrations[i] takes a store from version i to i + 1.
 * Append only; never edit a migration that has shipped.  Times are integer
 * seconds since the epoch (UTC); JSON columns hold objects or arrays.
 */
static const char *const migrations[] = {
	/* 0 -> 1: the first schema. */
	"CREATE TABLE customers ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT, tier TEXT, org TEXT,"
	"  attrs TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  merged_into INTEGER REFERENCES customers(id));"
	"CREATE TABLE identities ("
	"  kind TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  customer INTEGER NOT NULL REFERENCES customers(id),"
	"  PRIMARY KEY (kind, value)) WITHOUT ROWID;"
	"CREATE INDEX identities_customer ON identities(customer);"
	"CREATE TABLE tickets ("
	"  id INTEGER PRIMARY KEY,"
	"  source TEXT NOT NULL,"
	"  source_id TEXT NOT NULL,"
	"  thread_id TEXT,"
	"  customer INTEGER REFERENCES customers(id),"
	"  ticket_type TEXT,"
	"  subject TEXT, body TEXT,"
	"  status TEXT NOT NULL, stage TEXT,"
	"  priority TEXT NOT NULL,"
	"  category TEXT, product TEXT, region TEXT, tags TEXT,"
	"  grp TEXT, assignee TEXT,"
	"  phone TEXT, email TEXT, wechat TEXT,"
	"  name TEXT, tier TEXT, org TEXT,"
	"  attrs TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  first_response_at INTEGER,"
	"  resolved_at INTEGER,"
	"  closed_at INTEGER,"
	"  reopens INTEGER NOT NULL DEFAULT 0,"
	"  merged_into INTEGER REFERENCES tickets(id));"
	"CREATE UNIQUE INDEX tickets_source ON tickets(source, source_id);"
	"CREATE INDEX tickets_customer ON tickets(customer);"
	"CREATE INDEX tickets_thread ON tickets(source, thread_id)"
	"  WHERE thread_id IS NOT NULL;"
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket INTEGER NOT NULL REFERENCES tickets(id),"
	"  source TEXT NOT NULL,"
	"  source_id TEXT NOT NULL,"
	"  direction TEXT NOT NULL,"
	"  author TEXT, body TEXT,"
	"  at INTEGER NOT NULL,"
	"  public INTEGER NOT NULL DEFAULT 1,"
	"  auto INTEGER NOT NULL DEFAULT 0,"
	"  attrs TEXT);"
	"CREATE UNIQUE INDEX messages_source ON messages(source, source_id);"
	"CREATE INDEX messages_ticket ON messages(ticket, at);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket INTEGER REFERENCES tickets(id),"
	"  customer INTEGER REFERENCES customers(id),"
	"  at INTEGER NOT NULL,"
	"  by TEXT,"
	"  action TEXT NOT NULL,"
	"  field TEXT, old TEXT, new TEXT,"
	"  data TEXT,"
	"  ext TEXT);"
	"CREATE INDEX events_ticket ON events(ticket, at)"
	"  WHERE ticket IS NOT NULL;"
	"CREATE INDEX events_customer ON events(customer)"
	"  WHERE customer IS NOT NULL;"
	"CREATE UNIQUE INDEX events_ext ON events(ext) WHERE ext IS NOT NULL;"
	"CREATE TABLE surveys ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket INTEGER NOT NULL REFERENCES tickets(id),"
	"  kind TEXT NOT NULL,"
	"  score INTEGER NOT NULL,"
	"  comment TEXT,"
	"  at INTEGER NOT NULL,"
	"  attrs TEXT,"
	"  UNIQUE (ticket, kind));"
	"CREATE TABLE orders ("
	"  id INTEGER PRIMARY KEY,"
	"  order_no TEXT NOT NULL UNIQUE,"
	"  customer INTEGER REFERENCES customers(id),"
	"  product TEXT,"
	"  purchased_at INTEGER,"
	"  warranty_until INTEGER,"
	"  attrs TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE INDEX orders_customer ON orders(customer);",
	/* 1 -> 2: when each schema version was applied, and by what. */
	"CREATE TABLE schema_history ("
	"  version INTEGER PRIMARY KEY,"
	"  applied_at INTEGER NOT NULL,"
	"  by TEXT NOT NULL);",
	/* 2 -> 3: the content keys of the surveys, orders and customers
	 * taken, so that one read again changes nothing (apply.c). */
	"CREATE TABLE taken ("
	"  kind TEXT NOT NULL,"
	"  key TEXT NOT NULL,"
	"  PRIMARY KEY (kind, key)) WITHOUT ROWID;",
	/* 3 -> 4: the ticket API.  Why a change was made (a rule's name);
	 * links between tickets both ways, kept from the link events so
	 * far ("link", "follow_up" and "follow_up_of"). */
	"ALTER TABLE events ADD COLUMN why TEXT;"
	"CREATE TABLE links ("
	"  ticket INTEGER NOT NULL REFERENCES tickets(id),"
	"  other INTEGER NOT NULL REFERENCES tickets(id),"
	"  kind TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  PRIMARY KEY (ticket, other, kind)) WITHOUT ROWID;"
	"CREATE INDEX links_other ON links(other);"
	"INSERT OR IGNORE INTO links (ticket, other, kind, at)"
	"  SELECT e.ticket, CAST(substr(e.new, 3) AS INTEGER), e.field, e.at"
	"  FROM events e WHERE e.action = 'link' AND e.ticket IS NOT NULL"
	"  AND e.new LIKE 'T-%' AND CAST(substr(e.new, 3) AS INTEGER) IN"
	"  (SELECT id FROM tickets);"
	"INSERT OR IGNORE INTO links (ticket, other, kind, at)"
	"  SELECT id, merged_into, 'merged_into', updated_at FROM tickets"
	"  WHERE merged_into IS NOT NULL;"
	"INSERT OR IGNORE INTO links (ticket, other, kind, at)"
	"  SELECT merged_into, id, 'merged_from', updated_at FROM tickets"
	"  WHERE merged_into IS NOT NULL;",
	/* 4 -> 5: assignment (csm-route).  The round robin of each group
	 * (the last member given a ticket), and the open tickets of each
	 * assignee, which the least-loaded and capacity strategies count. */
	"CREATE TABLE rotations ("
	"  grp TEXT PRIMARY KEY,"
	"  last TEXT NOT NULL,"
	"  at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX tickets_open_assignee ON tickets(assignee)"
	"  WHERE assignee IS NOT NULL AND status NOT IN ('resolved', 'closed')"
	"  AND merged_into IS NULL;",
	/* 5 -> 6: SLA results (csm-sla): each clock of each ticket as the
	 * last sweep computed it, with its business time counted as of its
	 * last change ("since"); per ticket, a digest of its clocks (so that
	 * an unchanged ticket is not written again), the digest its levels
	 * were last recorded at, and the next instant one of them is reached
	 * (what a sweep looks up); indexes that hold a ticket's history as
	 * its clocks read it; and the marks of what the sweeps have
	 * seen (the last ticket, event and message; the policies). */
	"CREATE TABLE sla ("
	"  ticket INTEGER NOT NULL,"
	"  target TEXT NOT NULL,"
	"  cycle INTEGER NOT NULL,"
	"  policy TEXT NOT NULL,"
	"  calendar TEXT NOT NULL,"
	"  start INTEGER NOT NULL,"
	"  target_secs INTEGER NOT NULL,"
	"  due INTEGER,"
	"  state TEXT NOT NULL,"
	"  stopped_at INTEGER,"
	"  breached_at INTEGER,"
	"  since INTEGER NOT NULL,"
	"  elapsed INTEGER NOT NULL,"
	"  paused INTEGER NOT NULL,"
	"  PRIMARY KEY (ticket, target, cycle)) WITHOUT ROWID;"
	"CREATE TABLE sla_tickets ("
	"  ticket INTEGER PRIMARY KEY,"
	"  digest INTEGER NOT NULL,"
	"  fired INTEGER,"
	"  next_at INTEGER);"
	"CREATE INDEX sla_tickets_next ON sla_tickets(next_at)"
	"  WHERE next_at IS NOT NULL;"
	/* A ticket's history as its clocks read it, from the indexes
	 * alone: status changes, and the messages that count. */
	"CREATE INDEX events_status ON events(ticket, at, id, field, old,"
	"  new) WHERE field = 'status' AND ticket IS NOT NULL;"
	"CREATE INDEX messages_clock ON messages(ticket, at, id, direction,"
	"  public, auto) WHERE auto = 0 AND (direction = 'in' OR public = 1);"
	"CREATE TABLE sla_marks ("
	"  name TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL) WITHOUT ROWID;",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* The schema version this library creates and upgrades to. */
int
csm_store_schema_latest(void)
{
	return NMIGRATIONS;
}

/* The schema version the store had when it was opened. */
int
csm_store_schema_version(struct csm_store *st)
{
	return st->version;
}

/* The connection, for the library's own modules (borrowed). */
sqlite3 *
csm_store_db(struct csm_store *st)
{
	return st->db;
}

/* Fills err from an SQLite result; returns -1. */
int
csm_store_sqlerr(struct csm_store *st, int rc, struct csm_err *err)
{
	int prim = rc & 0xff;

	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		return csm_err_set(err, CSM_EBUSY, "store is busy (locked by "
		    "another process); try again later");
	if (prim == SQLITE_FULL || prim == SQLITE_IOERR)
		return csm_err_set(err, CSM_EIO, "store: %s",
		    st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
	if (prim == SQLITE_CONSTRAINT)
		return csm_err_set(err, CSM_EDATA, "the store refused it: %s",
		    st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
	if (prim == SQLITE_NOTADB || prim == SQLITE_CORRUPT)
		return csm_err_set(err, CSM_ECANTCREAT, "not a csm store: %s",
		    st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
	if (prim == SQLITE_READONLY || prim == SQLITE_CANTOPEN ||
	    prim == SQLITE_PERM)
		return csm_err_set(err, CSM_ECANTCREAT, "store: %s",
		    st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
	return csm_err_set(err, CSM_EINTERNAL, "store: %s",
	    st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
}

/*
 * Resolves the store path (--db, $CSM_DB, XDG data dir).  Returns new, or
 * NULL with err.
 */
char *
csm_store_path(const char *opt, struct csm_err *err)
{
	const char *env, *home;
	char *p;
	size_t n;

	if (opt != NULL && opt[0] != '\0')
		return strdup(opt);
	env = getenv("CSM_DB");
	if (env != NULL && env[0] != '\0')
		return strdup(env);
	env = getenv("XDG_DATA_HOME");
	if (env != NULL && env[0] == '/') {
		n = strlen(env) + sizeof("/csm/csm.db");
		p = malloc(n);
		if (p != NULL)
			snprintf(p, n, "%s/csm/csm.db", env);
		return p;
	}
	home = getenv("HOME");
	if (home == NULL || home[0] != '/') {
		csm_err_set(err, CSM_ECONFIG, "no store: use --db FILE or set "
		    "CSM_DB (HOME is not set)");
		return NULL;
	}
	n = strlen(home) + sizeof("/.local/share/csm/csm.db");
	p = malloc(n);
	if (p != NULL)
		snprintf(p, n, "%s/.local/share/csm/csm.db", home);
	return p;
}

/* mkdir -p of path's directory, new directories 0700. */
static int
make_parent(const char *path, struct csm_err *err)
{
	char *dir = strdup(path), *s;

	if (dir == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	s = strrchr(dir, '/');
	if (s == NULL || s == dir) {
		free(dir);
		return 0;
	}
	*s = '\0';
	for (s = dir + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			csm_err_set(err, CSM_ECANTCREAT, "cannot create '%s': "
			    "%s", dir, strerror(errno));
			free(dir);
			return -1;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(dir);
	return 0;
}

static int
exec(struct csm_store *st, const char *sql, struct csm_err *err)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : csm_store_sqlerr(st, rc, err);
}

static int
pragma_int(struct csm_store *st, const char *sql, int *out,
    struct csm_err *err)
{
	sqlite3_stmt *s;
	int rc;

	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return csm_store_sqlerr(st, rc, err);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return csm_store_sqlerr(st, rc, err);
	return 0;
}

/*
 * Refuses a database that is some other program's: no csm schema version
 * but tables of its own.  0, or -1 with err (CSM_ECANTCREAT).
 */
static int
foreign(struct csm_store *st, struct csm_err *err)
{
	int tables = 0;

	/* One statement, one snapshot: read apart, the version could be
	 * that of a new store and the tables those of another program's
	 * first migration, committed in between. */
	if (pragma_int(st, "SELECT count(*) FROM sqlite_master WHERE "
	    "(SELECT user_version FROM pragma_user_version) = 0", &tables,
	    err) < 0)
		return -1;
	if (tables > 0)
		return csm_err_set(err, CSM_ECANTCREAT, "not a csm store: it "
		    "has tables but no csm schema version");
	return 0;
}

/* Records in schema_history the versions from + 1 to the latest. */
static int
history(struct csm_store *st, int from, struct csm_err *err)
{
	sqlite3_stmt *s;
	int rc, i;

	rc = sqlite3_prepare_v2(st->db, "INSERT INTO schema_history "
	    "(version, applied_at, by) VALUES (?, ?, ?)", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return csm_store_sqlerr(st, rc, err);
	rc = SQLITE_DONE;
	for (i = from + 1; i <= NMIGRATIONS && rc == SQLITE_DONE; i++) {
		sqlite3_bind_int(s, 1, i);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)time(NULL));
		sqlite3_bind_text(s, 3, "csm " CSM_VERSION, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : csm_store_sqlerr(st, rc, err);
}

/*
 * PRAGMA journal_mode = WAL.  Turning a new store to WAL takes the write
 * lock while holding a read lock, and there SQLite answers SQLITE_BUSY
 * at once rather than call the busy handler: when programs open a new
 * store together, wait for each other here, up to the busy timeout.
 */
static int
set_wal(struct csm_store *st, int busy_ms, struct csm_err *err)
{
	int rc, waited = 0, ms = 1;

	for (;;) {
		rc = sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL,
		    NULL, NULL);
		if ((rc & 0xff) != SQLITE_BUSY || waited >= busy_ms)
			break;
		sqlite3_sleep(ms);
		waited += ms;
		if (ms < 64)
			ms *= 2;
	}
	return rc == SQLITE_OK ? 0 : csm_store_sqlerr(st, rc, err);
}

/* Runs the migrations from version v on, in the open transaction. */
static int
upgrade(struct csm_store *st, int v, struct csm_err *err)
{
	char sql[64];
	int i;

	for (i = v; i < NMIGRATIONS; i++)
		if (exec(st, migrations[i], err) < 0) {
			if (err != NULL && err->code != CSM_EBUSY) {
				char why[sizeof(err->msg)];

				snprintf(why, sizeof(why), "%s", err->msg);
				csm_err_set(err, CSM_ECANTCREAT, "cannot "
				    "upgrade the store from schema version %d "
				    "to %d, left at %d: %s", i, i + 1, v, why);
			}
			return -1;
		}
	if (v == NMIGRATIONS)
		return 0;
	if (history(st, v, err) < 0)
		return -1;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", NMIGRATIONS);
	return exec(st, sql, err);
}

/*
 * Brings the schema up to date in one transaction: all of it or nothing.
 * A dry run upgrades inside the transaction it holds to the end, so that
 * the upgrade is rolled back with everything else.
 */
static int
migrate(struct csm_store *st, struct csm_err *err)
{
	int v = 0;

	if (pragma_int(st, "PRAGMA user_version", &st->version, err) < 0)
		return -1;
	if (st->version > NMIGRATIONS)
		return csm_err_set(err, CSM_ECANTCREAT, "store has schema "
		    "version %d, newer than this csm (%d): upgrade csm",
		    st->version, NMIGRATIONS);
	if (st->version == NMIGRATIONS && !st->dryrun)
		return 0;
	if (st->readonly)
		return csm_err_set(err, CSM_ECANTCREAT, "store has schema "
		    "version %d and needs an upgrade to %d: run a writing "
		    "tool such as csm-ingest once", st->version, NMIGRATIONS);
	if (exec(st, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	/* Another process may have upgraded it while we waited. */
	if (pragma_int(st, "PRAGMA user_version", &v, err) < 0 ||
	    upgrade(st, v, err) < 0)
		goto fail;
	if (st->dryrun) {
		/* The transaction is the dry run's; a savepoint marks where
		 * the store was opened only when an upgrade must outlive a
		 * rollback (a savepoint held open makes every later one cost
		 * more, the longer the run). */
		st->dryrun_upgraded = st->version < NMIGRATIONS;
		return st->dryrun_upgraded ? exec(st, "SAVEPOINT csm_dryrun",
		    err) : 0;
	}
	return csm_store_commit(st, err);
fail:
	csm_store_rollback(st);
	return -1;
}

/*
 * Opens the store at path (or in memory), creating it with mode 0600, and
 * upgrades its schema.  Returns new, or NULL with err.
 */
struct csm_store *
csm_store_open(const char *path, unsigned flags, int busy_ms,
    struct csm_err *err)
{
	struct csm_store *st;
	int rc, oflags, fd;

	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	st->readonly = (flags & CSM_STORE_READONLY) != 0;
	st->dryrun = (flags & CSM_STORE_DRYRUN) != 0 && !st->readonly;
	if (!(flags & CSM_STORE_MEMORY) && (st->path = strdup(path)) == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		goto fail;
	}
	if (flags & CSM_STORE_MEMORY) {
		path = ":memory:";
		oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	} else if (st->readonly) {
		if (access(path, F_OK) < 0) {
			csm_err_set(err, CSM_ENOINPUT, "no store at '%s'",
			    path);
			goto fail;
		}
		oflags = SQLITE_OPEN_READONLY;
	} else {
		if (make_parent(path, err) < 0)
			goto fail;
		/* Create it ourselves so that it is 0600; SQLite gives
		 * its -wal and -shm files the same mode. */
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0) {
			csm_err_set(err, CSM_ECANTCREAT, "cannot create store "
			    "'%s': %s", path, strerror(errno));
			goto fail;
		}
		close(fd);
		oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	}
	rc = sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		csm_err_set(err, CSM_ECANTCREAT, "cannot open store '%s': %s",
		    path, sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, busy_ms);
	/* Is it a database, and ours?  Before anything is changed in it. */
	if (pragma_int(st, "PRAGMA schema_version", &rc, err) < 0) {
		if (err != NULL && err->code == CSM_EINTERNAL)
			csm_err_set(err, CSM_ECANTCREAT, "'%s' is not a csm "
			    "store: %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	if (foreign(st, err) < 0)
		goto fail;
	if (exec(st, "PRAGMA foreign_keys = ON", err) < 0)
		goto fail;
	if (!st->readonly && !(flags & CSM_STORE_MEMORY)) {
		if (set_wal(st, busy_ms, err) < 0)
			goto fail;
	}
	if (exec(st, "PRAGMA synchronous = NORMAL;"
	    "PRAGMA cache_size = -32768;"
	    "PRAGMA journal_size_limit = 67108864;"
	    "PRAGMA temp_store = MEMORY", err) < 0)
		goto fail;
	if (migrate(st, err) < 0)
		goto fail;
	csm_store_changed(st);
	return st;
fail:
	csm_store_close(st, NULL);
	return NULL;
}

/* Finalizes statements and closes the connection. */
int
csm_store_close(struct csm_store *st, struct csm_err *err)
{
	int i, rc;

	if (st == NULL)
		return 0;
	csm_store_bulk_end(st);
	free(st->path);
	if (st->dryrun && st->db != NULL && !sqlite3_get_autocommit(st->db)) {
		for (i = 0; i < (int)st->nslots; i++)
			if (st->slots[i].stmt != NULL)
				sqlite3_reset(st->slots[i].stmt);
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	}
	for (i = 0; i < (int)st->nslots; i++)
		sqlite3_finalize(st->slots[i].stmt);
	free(st->slots);
	rc = sqlite3_close(st->db);
	free(st);
	if (rc != SQLITE_OK)
		return csm_err_set(err, CSM_EIO, "closing store: %s",
		    sqlite3_errstr(rc));
	return 0;
}

/* The checkpointer: copies committed frames as they come. */
static void *
checkpointer(void *arg)
{
	struct ckpt *ck = arg;
	long seq;
	int rc, log, done;

	pthread_mutex_lock(&ck->mu);
	for (;;) {
		/* Copy a page once, not after every commit that touched it:
		 * wait until the WAL has grown by WAL_STEP frames. */
		while (!ck->stop && (ck->done_seq == ck->seq ||
		    (!ck->urgent && ck->frames >= ck->last &&
		    ck->frames - ck->last < WAL_STEP)))
			pthread_cond_wait(&ck->cv, &ck->mu);
		if (ck->stop)
			break;
		seq = ck->seq;
		ck->last = ck->frames;
		pthread_mutex_unlock(&ck->mu);
		rc = sqlite3_wal_checkpoint_v2(ck->db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, &log, &done);
		pthread_mutex_lock(&ck->mu);
		ck->failed = rc != SQLITE_OK || done < log;
		ck->done_seq = seq;
		pthread_cond_broadcast(&ck->cv);
	}
	pthread_mutex_unlock(&ck->mu);
	return NULL;
}

/* The writer's WAL hook: after each commit, wake the checkpointer. */
static int
wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct ckpt *ck = arg;

	(void)db;
	(void)name;
	pthread_mutex_lock(&ck->mu);
	ck->frames = frames;
	ck->seq++;
	pthread_cond_broadcast(&ck->cv);
	pthread_mutex_unlock(&ck->mu);
	return SQLITE_OK;
}

/* Starts the background checkpointer (see csm.h). */
int
csm_store_bulk_begin(struct csm_store *st, struct csm_err *err)
{
	struct ckpt *ck;
	sqlite3_stmt *s;
	int wal = 0, rc;

	if (st->ck != NULL || st->readonly || st->path == NULL)
		return 0;
	rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode", -1, &s, NULL);
	if (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		wal = strcmp((const char *)sqlite3_column_text(s, 0), "wal")
		    == 0;
	sqlite3_finalize(s);
	if (!wal)
		return 0;
	ck = calloc(1, sizeof(*ck));
	if (ck == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	rc = sqlite3_open_v2(st->path, &ck->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL);
	/* A connection learns that the store is in WAL mode when it first
	 * reads it; until then its checkpoints do nothing. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(ck->db, "SELECT count(*) FROM sqlite_master",
		    NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_close(ck->db);
		free(ck);
		return csm_store_sqlerr(st, rc, err);
	}
	pthread_mutex_init(&ck->mu, NULL);
	pthread_cond_init(&ck->cv, NULL);
	if (pthread_create(&ck->tid, NULL, checkpointer, ck) != 0) {
		pthread_mutex_destroy(&ck->mu);
		pthread_cond_destroy(&ck->cv);
		sqlite3_close(ck->db);
		free(ck);
		return csm_err_set(err, CSM_EINTERNAL, "cannot start a "
		    "thread");
	}
	st->ck = ck;
	sqlite3_wal_hook(st->db, wal_hook, ck);
	/* Cutting the WAL back after each restart would make every cycle
	 * allocate and zero its blocks again: keep it whole until the end. */
	sqlite3_exec(st->db, "PRAGMA journal_size_limit = -1", NULL, NULL,
	    NULL);
	return 0;
}

/* Stops the background checkpointer; autocheckpoints resume. */
void
csm_store_bulk_end(struct csm_store *st)
{
	struct ckpt *ck = st->ck;

	if (ck == NULL)
		return;
	pthread_mutex_lock(&ck->mu);
	ck->stop = 1;
	pthread_cond_broadcast(&ck->cv);
	pthread_mutex_unlock(&ck->mu);
	pthread_join(ck->tid, NULL);
	sqlite3_close(ck->db);
	pthread_mutex_destroy(&ck->mu);
	pthread_cond_destroy(&ck->cv);
	free(ck);
	st->ck = NULL;
	sqlite3_wal_autocheckpoint(st->db, 1000);
	sqlite3_exec(st->db, "PRAGMA journal_size_limit = 67108864", NULL,
	    NULL, NULL);
}

/*
 * After a commit that left the WAL over WAL_LIMIT frames: wait (at most
 * ten seconds) for the checkpointer to copy it all, so that the next write
 * transaction can start the WAL over instead of growing it.
 */
static void
bulk_throttle(struct csm_store *st)
{
	struct ckpt *ck = st->ck;
	struct timespec until;
	long seq;

	if (ck == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&ck->mu);
	if (ck->frames > WAL_LIMIT) {
		seq = ck->seq;
		ck->urgent = 1;
		pthread_cond_broadcast(&ck->cv);
		while (ck->done_seq < seq && !ck->stop)
			if (pthread_cond_timedwait(&ck->cv, &ck->mu, &until) ==
			    ETIMEDOUT)
				break;
		ck->urgent = 0;
	}
	pthread_mutex_unlock(&ck->mu);
}

/* BEGIN IMMEDIATE: the write lock now, waiting up to the busy timeout. */
int
csm_store_begin(struct csm_store *st, struct csm_err *err)
{
	/* A dry run holds its transaction: again only after a rollback. */
	if (st->dryrun && !sqlite3_get_autocommit(st->db))
		return 0;
	return exec(st, "BEGIN IMMEDIATE", err);
}

/* Resets every cached statement, so that none holds a read transaction
 * open past COMMIT: that would keep WAL checkpoints from ever running. */
static void
reset_all(struct csm_store *st)
{
	int i;

	for (i = 0; i < (int)st->nslots; i++)
		if (st->slots[i].stmt != NULL)
			sqlite3_reset(st->slots[i].stmt);
}

/* COMMIT.  On failure the transaction is rolled back. */
int
csm_store_commit(struct csm_store *st, struct csm_err *err)
{
	reset_all(st);
	if (st->dryrun)
		return 0;
	if (exec(st, "COMMIT", err) < 0) {
		csm_store_rollback(st);
		return -1;
	}
	bulk_throttle(st);
	return 0;
}

/*
 * A savepoint around one record's writes, and its end: release (keep the
 * writes) or roll back to it.  0, or -1 with err.
 */
int
csm_store_savepoint(struct csm_store *st, struct csm_err *err)
{
	sqlite3_stmt *s = csm_store_stmt(st, "SAVEPOINT csm_record", err);

	return s == NULL ? -1 : csm_store_done(st, s, err);
}

int
csm_store_savepoint_end(struct csm_store *st, int keep,
    struct csm_err *err)
{
	sqlite3_stmt *s;

	if (keep) {
		s = csm_store_stmt(st, "RELEASE csm_record", err);
		return s == NULL ? -1 : csm_store_done(st, s, err);
	}
	s = csm_store_stmt(st, "ROLLBACK TO csm_record", err);
	if (s == NULL || csm_store_done(st, s, err) < 0)
		return -1;
	s = csm_store_stmt(st, "RELEASE csm_record", err);
	return s == NULL ? -1 : csm_store_done(st, s, err);
}

/* ROLLBACK, if a transaction is open. */
int
csm_store_rollback(struct csm_store *st)
{
	reset_all(st);
	if (sqlite3_get_autocommit(st->db))
		return 0;
	if (st->dryrun && st->dryrun_upgraded)
		return sqlite3_exec(st->db, "ROLLBACK TO csm_dryrun", NULL,
		    NULL, NULL) == SQLITE_OK ? 0 : -1;
	return sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL) ==
	    SQLITE_OK ? 0 : -1;
}

/*
 * A dry run lets go of the write lock, forgetting what it would have
 * written so far; the next csm_store_begin takes the lock again.  For a
 * filter whose input has paused: the writer before it in the pipe needs
 * the lock to go on.  A dry run holding a schema upgrade keeps it (and
 * the lock), as does a store that is not a dry run.
 */
void
csm_store_dryrun_forget(struct csm_store *st)
{
	if (!st->dryrun || st->dryrun_upgraded ||
	    sqlite3_get_autocommit(st->db))
		return;
	reset_all(st);
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* The store's data version: it moves when another connection commits
 * (PRAGMA data_version); -1 if it cannot be read. */
int
csm_store_data_version(struct csm_store *st)
{
	int v = -1;

	if (pragma_int(st, "PRAGMA data_version", &v, NULL) < 0)
		return -1;
	return v;
}

/* 1 if another connection committed since the last call, else 0. */
int
csm_store_changed(struct csm_store *st)
{
	int v = 0;

	if (pragma_int(st, "PRAGMA data_version", &v, NULL) < 0)
		return 1;
	if (v == st->data_version)
		return 0;
	st->data_version = v;
	return 1;
}

static size_t
slot_hash(const char *sql)
{
	uintptr_t h = (uintptr_t)sql;

	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ULL & UINTPTR_MAX;
	return (size_t)(h >> 7);
}

/* The slot of sql in a table of n slots: its own, or the free one. */
static struct stmt_slot *
slot_find(struct stmt_slot *slots, size_t n, const char *sql)
{
	size_t i = slot_hash(sql) & (n - 1);

	while (slots[i].sql != NULL && slots[i].sql != sql)
		i = (i + 1) & (n - 1);
	return &slots[i];
}

/* Doubles the cache (it never fills: at most half its slots are used). */
static int
slots_grow(struct csm_store *st)
{
	size_t n = st->nslots ? st->nslots * 2 : NSTMT, i;
	struct stmt_slot *slots = calloc(n, sizeof(*slots));

	if (slots == NULL)
		return -1;
	for (i = 0; i < st->nslots; i++)
		if (st->slots[i].sql != NULL)
			*slot_find(slots, n, st->slots[i].sql) = st->slots[i];
	free(st->slots);
	st->slots = slots;
	st->nslots = n;
	return 0;
}

/* A cached statement for the literal sql (reset, bindings cleared). */
sqlite3_stmt *
csm_store_stmt(struct csm_store *st, const char *sql, struct csm_err *err)
{
	struct stmt_slot *sl;
	int rc;

	if (st->nslots > 0) {
		sl = slot_find(st->slots, st->nslots, sql);
		if (sl->sql == sql) {
			sqlite3_reset(sl->stmt);
			sqlite3_clear_bindings(sl->stmt);
			return sl->stmt;
		}
	}
	if ((st->nused + 1) * 2 > st->nslots && slots_grow(st) < 0) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	sl = slot_find(st->slots, st->nslots, sql);
	rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &sl->stmt, NULL);
	if (rc != SQLITE_OK) {
		sl->stmt = NULL;
		csm_store_sqlerr(st, rc, err);
		return NULL;
	}
	sl->sql = sql;
	st->nused++;
	return sl->stmt;
}

/* Steps a statement that returns no rows.  0, or -1 with err. */
int
csm_store_done(struct csm_store *st, sqlite3_stmt *stmt, struct csm_err *err)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
		sqlite3_reset(stmt);
		return 0;
	}
	sqlite3_reset(stmt);
	return csm_store_sqlerr(st, rc, err);
}

/* Binds a C string, or NULL. */
int
csm_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(stmt, i);
	return sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
}

/* Runs PRAGMA integrity_check; returns new "ok" or the first problem. */
char *
csm_store_check(struct csm_store *st, struct csm_err *err)
{
	sqlite3_stmt *s;
	char *out = NULL;
	int rc;

	rc = sqlite3_prepare_v2(st->db, "PRAGMA integrity_check", -1, &s,
	    NULL);
	if (rc != SQLITE_OK) {
		csm_store_sqlerr(st, rc, err);
		return NULL;
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		out = strdup((const char *)sqlite3_column_text(s, 0));
	else
		csm_store_sqlerr(st, rc, err);
	sqlite3_finalize(s);
	return out;
}
