/*
 * test_concurrent.c - what another process does to a store between two of
 * our statements, made to happen at a chosen moment with a second
 * connection (SQLite's own tests do the same with two handles).  Each
 * test is a race that tests/concurrency/run found by chance.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model.h"
#include "csm_test.h"

static char dir[] = "/tmp/csm-test-concurrent.XXXXXX";

/* dir/name, in one of 4 static buffers used in turn. */
static const char *
at(const char *name)
{
	static char paths[4][600];
	static int k;
	char *p = paths[k++ % 4];

	snprintf(p, 600, "%s/%s", dir, name);
	return p;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Ends other's transaction after 300 ms. */
static void *
release_later(void *arg)
{
	sqlite3 *other = arg;
	struct timespec ts = {0, 300000000};

	nanosleep(&ts, NULL);
	sqlite3_exec(other, "COMMIT", NULL, NULL, NULL);
	return NULL;
}

/*
 * A new store, still an empty file, that another program is about to
 * write (it is turning it to WAL too): turning it to WAL takes the write
 * lock with a read lock held, where SQLite says "busy" at once instead
 * of calling the busy handler.  Open must wait as the busy timeout says,
 * not fail at once with 75.
 */
static void
test_new_store_waits(void)
{
	struct csm_store *st;
	struct csm_err err;
	sqlite3 *other;
	pthread_t tid;
	const char *path = at("new.db");
	double t0;
	FILE *fp;

	fp = fopen(path, "w");
	CHECK(fp != NULL);
	if (fp != NULL)
		fclose(fp);
	CHECK_INT(sqlite3_open(path, &other), SQLITE_OK);
	CHECK_INT(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	CHECK_INT(pthread_create(&tid, NULL, release_later, other), 0);
	t0 = now_ms();
	st = csm_store_open(path, 0, 5000, &err);
	CHECK(st != NULL);
	if (st == NULL)
		fprintf(stderr, "  %s\n", err.msg);
	CHECK(now_ms() - t0 >= 250);
	pthread_join(tid, NULL);
	csm_store_close(st, NULL);

	/* With a busy timeout shorter than the other's wait, 75. */
	sqlite3_close(other);
	path = at("new2.db");
	fp = fopen(path, "w");
	if (fp != NULL)
		fclose(fp);
	CHECK_INT(sqlite3_open(path, &other), SQLITE_OK);
	CHECK_INT(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	CHECK_INT(pthread_create(&tid, NULL, release_later, other), 0);
	t0 = now_ms();
	st = csm_store_open(path, 0, 100, &err);
	CHECK(st == NULL);
	if (st == NULL)
		CHECK_INT(err.code, CSM_EBUSY);
	CHECK(now_ms() - t0 >= 90);
	pthread_join(tid, NULL);
	csm_store_close(st, NULL);
	sqlite3_close(other);
}

struct sneak {
	sqlite3	*other;
	int	 done;
};

/* After our first commit, another writer adds a customer whose phone the
 * next record carries. */
static int
sneak_in(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct sneak *s = arg;

	(void)db;
	(void)name;
	(void)frames;
	if (s->done++ == 0)
		sqlite3_exec(s->other, "INSERT INTO customers (id, name, "
		    "created_at, updated_at) VALUES (1000, 'other', 0, 0);"
		    "INSERT INTO identities VALUES ('phone', '13800000002', "
		    "1000)", NULL, NULL, NULL);
	return SQLITE_OK;
}

/*
 * Another writer commits between our COMMIT and our look at
 * data_version: the identities we cached are stale all the same, and the
 * next batch must not act on them (it used to insert the identity again:
 * "UNIQUE constraint failed", exit 70).
 */
static void
test_commit_between_batches(void)
{
	static const char text[] =
	    "{\"type\":\"ticket\",\"source\":\"web\",\"source_id\":\"a\","
	    "\"subject\":\"one\",\"phone\":\"13800000001\"}\n"
	    "{\"type\":\"ticket\",\"source\":\"web\",\"source_id\":\"b\","
	    "\"subject\":\"two\",\"phone\":\"138 0000 0002\"}\n";
	struct csm_ingest_opts o;
	struct csm_model *model;
	struct csm_store *st;
	struct csm_writer *w;
	struct csm_reader *rd;
	struct csm_ingest *ing;
	struct csm_err err;
	struct sneak s = {NULL, 0};
	sqlite3_stmt *q;
	const char *path = at("stale.db");
	FILE *fp, *out;
	int rc;

	fp = fopen(at("two.jsonl"), "w");
	CHECK(fp != NULL);
	if (fp == NULL)
		return;
	fputs(text, fp);
	fclose(fp);
	model = csm_model_new(NULL, &err);
	st = csm_store_open(path, 0, 5000, &err);
	CHECK(model != NULL && st != NULL);
	if (model == NULL || st == NULL)
		return;
	CHECK_INT(sqlite3_open(path, &s.other), SQLITE_OK);
	sqlite3_busy_timeout(s.other, 5000);
	/* Our hook in place of the checkpointer's, which ingest keeps. */
	CHECK_INT(csm_store_bulk_begin(st, &err), 0);
	sqlite3_wal_hook(csm_store_db(st), sneak_in, &s);

	memset(&o, 0, sizeof(o));
	o.batch = 1;
	o.now = 1790000000;
	out = fopen("/dev/null", "w");
	w = csm_writer_new(out, CSM_FMT_JSONL, NULL, 0);
	ing = csm_ingest_new(st, model, w, &o, NULL, &err);
	rd = csm_reader_open(at("two.jsonl"), CSM_FMT_AUTO, NULL, &err);
	CHECK(w != NULL && ing != NULL && rd != NULL);
	rc = csm_ingest_read(ing, rd, &err);
	if (rc == 0)
		rc = csm_ingest_end(ing, &err);
	CHECK_INT(rc, 0);
	if (rc != 0)
		fprintf(stderr, "  %s\n", err.msg);
	CHECK(s.done >= 1);
	csm_reader_close(rd);
	csm_ingest_free(ing);
	csm_writer_free(w);
	if (out != NULL)
		fclose(out);

	/* Ticket b went to the other writer's customer. */
	CHECK_INT(sqlite3_prepare_v2(csm_store_db(st), "SELECT customer FROM "
	    "tickets WHERE source_id = 'b'", -1, &q, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(q), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int64(q, 0), 1000);
	sqlite3_finalize(q);
	sqlite3_close(s.other);
	csm_store_close(st, NULL);
	csm_model_free(model);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_new_store_waits();
	test_commit_between_batches();
	CHECK_INT(csm_t_rmtree(dir), 0);
	return TEST_REPORT();
}
