/*
 * ingest.c - the ingest pipeline.  A parser thread reads records, filters
 * them with --where and prepares them (prep.c) in chunks; the calling
 * thread applies them in input order (apply.c) inside batched
 * transactions.  Parsing JSON costs about as much as writing SQLite, so on
 * two cores the two overlap.  At most NCHUNKS chunks are in flight, so
 * memory does not grow with the input.
 *
 * Output for a batch is written only after its COMMIT, so a consumer never
 * sees a record the store does not hold; a run killed at any point leaves
 * a store that a rerun of the same input completes.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "desk.h"

#define CHUNK		256		/* records a chunk */
#define NCHUNKS		16		/* chunks in flight (about 10 MB) */
#define DEFAULT_BATCH	20000		/* records a transaction */
#define MAX_PENDING	(7u << 20)	/* output bytes a transaction (the
					 * buffer stays within 8 MB) */
#define MAX_TXN_NS	1000000000LL	/* hold the write lock at most 1 s */

enum { ST_OK, ST_BAD, ST_SKIP };

struct chunk {
	struct csm_item	 items[CHUNK];
	unsigned char	 state[CHUNK];
	long		 line[CHUNK];
	size_t		 rawoff[CHUNK], rawlen[CHUNK];
	char		*msg[CHUNK];	/* ST_BAD: new */
	struct csm_arena arena;		/* the items' strings */
	struct csm_buf	 raw;
	size_t		 n;
	int		 end;		/* the input ends after this chunk */
	int		 fatal;
	struct csm_err	 ferr;
	uint64_t	 done, total;	/* bytes, for progress */
};

struct queue {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct chunk	*full[NCHUNKS];	/* ring of filled chunks */
	size_t		 head, count;
	struct chunk	*free[NCHUNKS];
	size_t		 nfree;
	int		 stop;		/* the consumer gave up */
};

struct csm_ingest {
	struct csm_desk		*d;
	struct csm_ingest_opts	 o;
	struct csm_ingest_hooks	 h;
	struct csm_prep_opts	 prep;
	struct csm_expr_ctx	 ctx;
	struct csm_ingest_stats	 stats;
	int			 in_txn;
	long			 in_batch;
	int64_t			 txn_start;
	int64_t			 last_progress;
	struct chunk		*chunks;

	/* The parser thread's input. */
	struct csm_reader	*r;
	struct queue		 q;
	/* Set to end the input now: a signal (o.stop), or a failure of the
	 * store thread while the parser waits on a quiet pipe. */
	volatile sig_atomic_t	 halt;
};

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* An ingest (see csm.h).  Returns new, or NULL with err. */
struct csm_ingest *
csm_ingest_new(struct csm_store *st, const struct csm_model *m,
    struct csm_writer *out, const struct csm_ingest_opts *o,
    const struct csm_ingest_hooks *h, struct csm_err *err)
{
	struct csm_ingest *ing;

	ing = calloc(1, sizeof(*ing));
	if (ing == NULL)
		goto nomem;
	ing->chunks = calloc(NCHUNKS, sizeof(struct chunk));
	ing->d = csm_desk_new(st, m, o->by ? o->by : "csm-ingest", o->now,
	    err);
	if (ing->chunks == NULL || ing->d == NULL)
		goto nomem;
	ing->o = *o;
	if (ing->o.batch <= 0)
		ing->o.batch = DEFAULT_BATCH;
	if (ing->o.idle_ms <= 0)
		ing->o.idle_ms = 1000;
	if (h != NULL)
		ing->h = *h;
	csm_desk_output(ing->d, out, o->verbose);
	ing->prep.model = m;
	ing->prep.kind = o->kind;
	ing->prep.source = o->source;
	ing->prep.now = o->now;
	ing->ctx.tz = csm_model_tz(m);
	ing->ctx.now = o->now;
	ing->ctx.warn = ing->h.warn;
	ing->ctx.warnarg = ing->h.warnarg;
	return ing;
nomem:
	if (ing != NULL) {
		free(ing->chunks);
		csm_desk_free(ing->d);
		free(ing);
	}
	csm_err_set(err, CSM_EINTERNAL, "out of memory");
	return NULL;
}

static void chunk_reset(struct chunk *c);

/* Frees the ingest, rolling back an open transaction. */
void
csm_ingest_free(struct csm_ingest *ing)
{
	size_t i;

	if (ing == NULL)
		return;
	if (ing->in_txn)
		csm_store_rollback(ing->d->st);
	for (i = 0; i < NCHUNKS; i++) {
		chunk_reset(&ing->chunks[i]);
		csm_arena_free(&ing->chunks[i].arena);
		csm_buf_free(&ing->chunks[i].raw);
	}
	free(ing->chunks);
	csm_desk_free(ing->d);
	free(ing);
}

/* Counts so far. */
void
csm_ingest_stats(const struct csm_ingest *ing, struct csm_ingest_stats *s)
{
	int k, op;

	*s = ing->stats;
	for (k = 0; k < CSM_NKINDS; k++)
		for (op = 0; op < 4; op++)
			s->ops[k][op] = ing->d->counts[k][op];
	s->id_lookups = ing->d->lookups;
	s->id_loaded = ing->d->id_loaded;
}

/* The parser thread. */

static void
chunk_reset(struct chunk *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->msg[i]);
		c->msg[i] = NULL;
	}
	csm_arena_reset(&c->arena);
	c->n = 0;
	c->raw.len = 0;
	c->end = c->fatal = 0;
}

static struct chunk *
take_free(struct queue *q)
{
	struct chunk *c = NULL;

	pthread_mutex_lock(&q->mu);
	while (q->nfree == 0 && !q->stop)
		pthread_cond_wait(&q->cv, &q->mu);
	if (!q->stop)
		c = q->free[--q->nfree];
	pthread_mutex_unlock(&q->mu);
	return c;
}

static void
put_full(struct queue *q, struct chunk *c)
{
	pthread_mutex_lock(&q->mu);
	q->full[(q->head + q->count) % NCHUNKS] = c;
	q->count++;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

/*
 * The next filled chunk; with wait_ms > 0, NULL when none comes in that
 * time (the input went quiet).
 */
static struct chunk *
take_full(struct queue *q, int wait_ms)
{
	struct chunk *c;
	struct timespec until;

	pthread_mutex_lock(&q->mu);
	if (wait_ms > 0) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += wait_ms / 1000;
		until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (q->count == 0)
			if (pthread_cond_timedwait(&q->cv, &q->mu, &until) ==
			    ETIMEDOUT && q->count == 0) {
				pthread_mutex_unlock(&q->mu);
				return NULL;
			}
	}
	while (q->count == 0)
		pthread_cond_wait(&q->cv, &q->mu);
	c = q->full[q->head];
	q->head = (q->head + 1) % NCHUNKS;
	q->count--;
	pthread_mutex_unlock(&q->mu);
	return c;
}

static void
put_free(struct queue *q, struct chunk *c)
{
	pthread_mutex_lock(&q->mu);
	q->free[q->nfree++] = c;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

static void
bad(struct chunk *c, size_t i, const struct csm_err *err)
{
	c->state[i] = ST_BAD;
	c->msg[i] = strdup(err->msg[0] ? err->msg : "bad record");
}

/*
 * Reads one record into slot i; pw, if not NULL, formats the output of
 * new tickets ahead.  Returns 1, 0 at the end, -2 fatal.
 */
static int
read_one(struct csm_ingest *ing, struct chunk *c, size_t i,
    struct csm_writer *pw)
{
	struct csm_rec rec;
	struct csm_err err;
	int rc;

	rc = csm_reader_next(ing->r, &rec, &err);
	if (rc == 0)
		return 0;
	if (rc == -2) {
		c->fatal = 1;
		c->ferr = err;
		return -2;
	}
	c->line[i] = rec.line;
	c->rawoff[i] = c->raw.len;
	c->rawlen[i] = ing->o.keep_raw ? rec.rawlen : 0;
	if (ing->o.keep_raw)
		csm_buf_add(&c->raw, rec.raw, rec.rawlen);
	if (rc == -1) {
		bad(c, i, &err);
		return 1;
	}
	if (ing->o.where != NULL) {
		rc = csm_expr_eval(ing->o.where, rec.obj, &ing->ctx, &err);
		if (rc <= 0) {
			json_decref(rec.obj);
			if (rc < 0)
				bad(c, i, &err);
			else
				c->state[i] = ST_SKIP;
			return 1;
		}
	}
	/* The record leaves the thread as a compact item; its JSON is
	 * freed here, while it is still in this core's cache. */
	rc = csm_prep(&ing->prep, rec.obj, &c->arena, &c->items[i], &err);
	json_decref(rec.obj);
	if (rc < 0) {
		bad(c, i, &err);
		return 1;
	}
	if (rc > 0) {
		c->state[i] = ST_SKIP;
		return 1;
	}
	if (pw != NULL)
		csm_apply_prefmt(ing->d->model, ing->d->now, &c->items[i], pw,
		    &c->arena);
	c->state[i] = ST_OK;
	return 1;
}

static void *
parser(void *arg)
{
	struct csm_ingest *ing = arg;
	struct csm_writer *pw = NULL;
	struct chunk *c;
	int rc = 1;

	/* The store thread is the slower one: give it JSONL lines of new
	 * tickets ready but for their ids. */
	if (csm_writer_format(ing->d->out) == CSM_FMT_JSONL)
		pw = csm_writer_new(NULL, CSM_FMT_JSONL, NULL, 0);

	while (rc > 0) {
		c = take_free(&ing->q);
		if (c == NULL)
			break;
		chunk_reset(c);
		while (c->n < CHUNK) {
			/* A pipe gone quiet: hand over what is read, so that
			 * it is stored while the input waits. */
			if (c->n > 0 && !csm_reader_ready(ing->r))
				break;
			rc = read_one(ing, c, c->n, pw);
			if (rc <= 0)
				break;
			c->n++;
		}
		c->end = rc <= 0;
		if (c->n == 0 && !c->end && !c->fatal) {
			put_free(&ing->q, c);
			continue;
		}
		csm_reader_progress(ing->r, &c->done, &c->total);
		put_full(&ing->q, c);
	}
	csm_writer_free(pw);
	return NULL;
}

/* The store side. */

static int
begin(struct csm_ingest *ing, struct csm_err *err)
{
	if (ing->in_txn)
		return 0;
	if (csm_store_begin(ing->d->st, err) < 0)
		return -1;
	ing->in_txn = 1;
	ing->in_batch = 0;
	ing->txn_start = now_ns();
	/* Another writer committed since our last look: the identities we
	 * cached may be stale. */
	if (csm_store_changed(ing->d->st))
		csm_idcache_clear(ing->d->ids);
	return 0;
}

static int
flush(struct csm_ingest *ing, struct csm_err *err)
{
	int eno = 0;

	if (csm_writer_flush(ing->d->out, &eno, err) == 0)
		return 0;
	if (eno == EPIPE)
		ing->stats.epipe = 1;
	return -1;
}

static int
commit(struct csm_ingest *ing, struct csm_err *err)
{
	if (!ing->in_txn)
		return 0;
	ing->in_txn = 0;
	if (csm_store_commit(ing->d->st, err) < 0) {
		csm_idcache_clear(ing->d->ids);
		return -1;
	}
	/* Another writer may have committed since our COMMIT: this look
	 * takes the news from begin(), so act on it here. */
	if (csm_store_changed(ing->d->st))
		csm_idcache_clear(ing->d->ids);
	return flush(ing, err);
}

static void
rollback(struct csm_ingest *ing)
{
	if (ing->in_txn)
		csm_store_rollback(ing->d->st);
	ing->in_txn = 0;
	csm_idcache_clear(ing->d->ids);
}

static void
report(struct csm_ingest *ing, struct chunk *c, size_t i, const char *msg)
{
	ing->stats.rejected++;
	if (ing->h.reject != NULL)
		ing->h.reject(ing->h.arg, csm_reader_name(ing->r), c->line[i],
		    msg, c->raw.p ? c->raw.p + c->rawoff[i] : "", c->rawlen[i]);
}

/* Applies a chunk.  0, or -1 with err (the run must stop). */
static int
apply_chunk(struct csm_ingest *ing, struct chunk *c, struct csm_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < c->n; i++) {
		ing->stats.read++;
		if (c->state[i] == ST_SKIP) {
			ing->stats.skipped++;
			continue;
		}
		if (c->state[i] == ST_BAD) {
			report(ing, c, i, c->msg[i]);
			if (ing->o.strict) {
				err->line = c->line[i];
				return csm_err_set(err, CSM_EDATA, "%s",
				    c->msg[i]);
			}
			continue;
		}
		if (begin(ing, err) < 0)
			return -1;
		csm_err_clear(err);
		rc = csm_apply(ing->d, &c->items[i], err);
		if (rc == -2)
			return -1;
		if (rc == -1) {
			report(ing, c, i, err->msg);
			if (ing->o.strict) {
				err->line = c->line[i];
				return -1;
			}
			continue;
		}
		ing->in_batch++;
		if (!ing->o.strict && !ing->o.dry_run &&
		    (ing->in_batch >= ing->o.batch ||
		    csm_writer_pending(ing->d->out) >= MAX_PENDING ||
		    now_ns() - ing->txn_start > MAX_TXN_NS) &&
		    commit(ing, err) < 0)
			return -1;
	}
	if ((ing->o.strict || ing->o.dry_run) &&
	    csm_writer_pending(ing->d->out) >= MAX_PENDING &&
	    flush(ing, err) < 0)
		return -1;
	return 0;
}

/* Ingests every record of r (see csm.h). */
int
csm_ingest_read(struct csm_ingest *ing, struct csm_reader *r,
    struct csm_err *err)
{
	pthread_t tid;
	struct chunk *c;
	int64_t quiet;
	int rc = 0, done = 0, unreadable = 0;
	size_t i;

	csm_err_clear(err);
	ing->r = r;
	ing->halt = ing->o.stop != NULL && *ing->o.stop;
	csm_reader_interrupt(r, &ing->halt);
	memset(&ing->q, 0, sizeof(ing->q));
	pthread_mutex_init(&ing->q.mu, NULL);
	pthread_cond_init(&ing->q.cv, NULL);
	for (i = 0; i < NCHUNKS; i++)
		ing->q.free[ing->q.nfree++] = &ing->chunks[i];
	if (!ing->o.dry_run && csm_store_bulk_begin(ing->d->st, err) < 0)
		return -1;
	if (pthread_create(&tid, NULL, parser, ing) != 0) {
		pthread_mutex_destroy(&ing->q.mu);
		pthread_cond_destroy(&ing->q.cv);
		return csm_err_set(err, CSM_EINTERNAL, "cannot start a "
		    "thread");
	}
	quiet = now_ns();
	while (!done) {
		/* Wake every 0.1 s: to pass a signal on to the parser, and
		 * to commit when the input has been quiet for idle_ms, so
		 * that a quiet pipe's records are stored. */
		c = take_full(&ing->q, 100);
		if (c == NULL) {
			if (ing->o.stop != NULL && *ing->o.stop)
				ing->halt = 1;
			if (ing->in_txn && !ing->o.strict && !ing->o.dry_run &&
			    now_ns() - quiet >= ing->o.idle_ms * 1000000LL &&
			    (rc = commit(ing, err)) < 0) {
				ing->halt = 1;
				break;
			}
			continue;
		}
		quiet = now_ns();
		done = c->end;
		rc = apply_chunk(ing, c, err);
		if (rc == 0 && c->fatal) {
			/* The input cannot be read on; what came before it
			 * stays, and the next input may follow. */
			*err = c->ferr;
			rc = -1;
			unreadable = 1;
		}
		if (rc == 0 && ing->h.progress != NULL &&
		    (done || now_ns() - ing->last_progress > 100000000LL)) {
			ing->last_progress = now_ns();
			ing->h.progress(ing->h.arg, c->done, c->total,
			    ing->stats.read);
		}
		put_free(&ing->q, c);
		if (rc < 0) {
			/* Stop the parser; what it made is dropped below. */
			ing->halt = 1;
			pthread_mutex_lock(&ing->q.mu);
			ing->q.stop = 1;
			pthread_cond_broadcast(&ing->q.cv);
			pthread_mutex_unlock(&ing->q.mu);
			break;
		}
	}
	if (rc < 0 && !ing->q.stop) {
		pthread_mutex_lock(&ing->q.mu);
		ing->q.stop = 1;
		pthread_cond_broadcast(&ing->q.cv);
		pthread_mutex_unlock(&ing->q.mu);
	}
	pthread_join(tid, NULL);
	/* Chunks the parser filled after we stopped. */
	while (ing->q.count > 0) {
		c = ing->q.full[ing->q.head];
		ing->q.head = (ing->q.head + 1) % NCHUNKS;
		ing->q.count--;
		chunk_reset(c);
	}
	pthread_mutex_destroy(&ing->q.mu);
	pthread_cond_destroy(&ing->q.cv);
	ing->r = NULL;
	if (unreadable && !ing->o.strict)
		return -2;
	if (rc < 0)
		rollback(ing);
	return rc;
}

/* Commits (or, for a dry run, rolls back) and flushes the output. */
int
csm_ingest_end(struct csm_ingest *ing, struct csm_err *err)
{
	if (ing->o.dry_run) {
		rollback(ing);
		return flush(ing, err);
	}
	if (commit(ing, err) < 0)
		return -1;
	return flush(ing, err);
}
