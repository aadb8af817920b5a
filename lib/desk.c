/*
 * desk.c - the desk: what every change to the store needs (the store,
 * the model, the identity cache, the output of changes) and the events
 * table that records each change with who, when and why.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "desk.h"

/* SQLite's commit hook: the desk's connection commits (and goes on). */
static int
on_commit(void *arg)
{
	struct csm_desk *d = arg;

	d->commits++;
	if (d->iter != NULL)
		desk_iter_committed(d->iter);
	return 0;
}

/* A desk (see csm.h).  Returns new, or NULL with err. */
struct csm_desk *
csm_desk_new(struct csm_store *st, const struct csm_model *m, const char *by,
    int64_t now, struct csm_err *err)
{
	struct csm_desk *d = calloc(1, sizeof(*d));

	if (d == NULL || (d->ids = csm_idcache_new()) == NULL) {
		free(d);
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	d->st = st;
	d->model = m;
	d->by = by != NULL ? by : "csm";
	d->now = now;
	sqlite3_commit_hook(csm_store_db(st), on_commit, d);
	return d;
}

/* Frees the desk; NULL is a no-op. */
void
csm_desk_free(struct csm_desk *d)
{
	if (d == NULL)
		return;
	sqlite3_commit_hook(csm_store_db(d->st), NULL, NULL);
	csm_idcache_free(d->ids);
	csm_arena_free(&d->scratch);
	csm_writer_free(d->fmt);
	free(d);
}

/* Sets the writer of changes (see csm.h). */
void
csm_desk_output(struct csm_desk *d, struct csm_writer *w, int verbose)
{
	d->out = w;
	d->verbose = verbose;
}

/* Fills err from an SQLite result; returns -2. */
int
desk_fatal(struct csm_desk *d, int rc, struct csm_err *err)
{
	csm_store_sqlerr(d->st, rc, err);
	return -2;
}

/* Steps a statement that returns no rows: 0, or -2 with err. */
int
desk_done(struct csm_desk *d, sqlite3_stmt *s, struct csm_err *err)
{
	return csm_store_done(d->st, s, err) < 0 ? -2 : 0;
}

void
desk_count(struct csm_desk *d, int kind, int op)
{
	d->counts[kind][op]++;
}

/* A refused record: CSM_EDATA and -1. */
int
refuse(struct csm_err *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->code = CSM_EDATA;
	return -1;
}

/* Out of memory: CSM_EINTERNAL and -2. */
int
nomem(struct csm_err *err)
{
	csm_err_set(err, CSM_EINTERNAL, "out of memory");
	return -2;
}

/*
 * Appends an event: who and when from who (the desk's when they are not
 * set), what from e.  0, or -2 with err (a key that is taken already is a
 * store error here: callers look first).
 */
int
desk_event(struct csm_desk *d, const struct csm_actor *who,
    const struct desk_event *e, struct csm_err *err)
{
	sqlite3_stmt *s;

	STMT(s, "INSERT INTO events (ticket, customer, at, by, action, field, "
	    "old, new, data, ext, why) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9, ?10, ?11)");
	if (e->ticket > 0)
		sqlite3_bind_int64(s, 1, e->ticket);
	if (e->customer > 0)
		sqlite3_bind_int64(s, 2, e->customer);
	sqlite3_bind_int64(s, 3, who->at > 0 ? who->at : d->now);
	csm_bind_text(s, 4, who->by != NULL ? who->by : d->by);
	csm_bind_text(s, 5, e->action);
	csm_bind_text(s, 6, e->field);
	csm_bind_text(s, 7, e->old);
	csm_bind_text(s, 8, e->new);
	csm_bind_text(s, 9, e->data);
	csm_bind_text(s, 10, e->ext);
	csm_bind_text(s, 11, who->why);
	return desk_done(d, s, err);
}

/*
 * Runs sql, a query of one integer about ?1 = arg: *out gets it, or 0
 * when there is no row.  0, or -2 with err.
 */
int
desk_int64(struct csm_desk *d, const char *sql, int64_t arg, int64_t *out,
    struct csm_err *err)
{
	sqlite3_stmt *s;
	int rc;

	STMT(s, sql);
	sqlite3_bind_int64(s, 1, arg);
	rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : desk_fatal(d, rc,
	    err);
}

void
bind_val(sqlite3_stmt *s, int i, const struct csm_val *v)
{
	if (v->set)
		sqlite3_bind_text(s, i, v->s, (int)v->len, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* Binds a time; 0 (no time) binds NULL. */
void
bind_time(sqlite3_stmt *s, int i, int64_t t)
{
	if (t != 0)
		sqlite3_bind_int64(s, i, t);
	else
		sqlite3_bind_null(s, i);
}

/* A text column, new (NULL for NULL or out of memory). */
char *
col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? strdup((const char *)t) : NULL;
}

/* Whether a stored text equals a value. */
int
same(const char *stored, const struct csm_val *v)
{
	return stored != NULL && strlen(stored) == v->len &&
	    memcmp(stored, v->s, v->len) == 0;
}

/*
 * Merges custom fields (a JSON object's text) into the stored ones: new
 * text, or NULL when nothing differs (or, with *err set to 1, when out of
 * memory).
 */
char *
merged_attrs(const char *stored, const char *in_text, int *err)
{
	json_t *cur = NULL, *in, *v;
	const char *k;
	char *out = NULL;
	int diff = 0;

	*err = 0;
	if (in_text == NULL || (in = json_loads(in_text, 0, NULL)) == NULL)
		return NULL;
	if (stored != NULL)
		cur = json_loads(stored, 0, NULL);
	if (cur == NULL)
		cur = json_object();
	json_object_foreach(in, k, v)
		if (json_is_null(v)) {
			/* null clears a custom field (the ticket API). */
			if (json_object_get(cur, k) != NULL) {
				json_object_del(cur, k);
				diff = 1;
			}
		} else if (!json_equal(json_object_get(cur, k), v)) {
			json_object_set(cur, k, v);
			diff = 1;
		}
	if (diff && json_object_size(cur) == 0)
		out = strdup("{}");
	else if (diff)
		out = csm_json_text(cur);
	if (diff && out == NULL)
		*err = 1;
	json_decref(cur);
	json_decref(in);
	return out;
}
