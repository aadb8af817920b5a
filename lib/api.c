/*
 * api.c - the ticket API of csm.h: loading tickets as records, iterating
 * and reading their history, and changing them through the same write
 * path csm-ingest uses (ticket.c, customer.c).  A change given as JSON is
 * prepared as a record (prep.c), so that a tool's change is checked
 * exactly as an ingested one is.
 */
#include <stdlib.h>
#include <string.h>

#include "desk.h"

#define ITER_PAGE 256	/* ids an iteration reads at a time */


struct csm_ticket_iter {
	struct csm_desk			*d;
	struct csm_ticket_query		 q;
	struct trow			*rows;	/* a page, read at once */
	size_t				 n, next;
	int64_t				 last;
	int				 end;
	/* Tickets this desk's connection changed since the page was read
	 * (the update hook): those are read again. */
	int64_t				*touched;
	size_t				 ntouched, cap;
	int				 overflow;	/* too many: read all
							 * of the page again */
	/* Another connection may commit while ours is between two
	 * transactions: after each commit of ours, the store's data
	 * version says whether one did (then all of the page is read
	 * again). */
	int				 committed, dv;
	struct csm_ticket		*cur;
};

/* The actor of a call: the desk's by and now where who says nothing. */
static struct csm_actor
who_of(const struct csm_desk *d, const struct csm_actor *who)
{
	struct csm_actor w = {d->by, d->now, NULL};

	if (who != NULL) {
		if (who->by != NULL)
			w.by = who->by;
		if (who->at > 0)
			w.at = who->at;
		w.why = who->why;
	}
	return w;
}

/* -2 (a store error) and -1 (refused) are both -1 in the API. */
static int
api_rc(int rc)
{
	return rc < 0 ? -1 : rc;
}

static struct csm_ticket *
ticket_new(struct csm_desk *d, struct csm_err *err)
{
	struct csm_ticket *t = calloc(1, sizeof(*t));

	if (t == NULL)
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
	else
		t->d = d;
	return t;
}

static void
forget(struct csm_ticket *t)
{
	json_decref(t->rec);
	json_decref(t->cust);
	t->rec = t->cust = NULL;
	t->cust_have = 0;
}

/* Loads t's row again after a change.  0 or -1. */
static int
reload(struct csm_ticket *t, struct csm_err *err)
{
	int64_t id = t->row.id;
	int rc;

	forget(t);
	trow_clear(&t->row);
	rc = ticket_by_id(t->d, id, &t->row, err);
	if (rc == 0)
		csm_err_set(err, CSM_EINTERNAL, "ticket vanished");
	return rc > 0 ? 0 : -1;
}

/* Loads a ticket (see csm.h).  1, 0 or -1. */
int
csm_ticket_load(struct csm_desk *d, int64_t id, int exact,
    struct csm_ticket **tp, struct csm_err *err)
{
	struct csm_ticket *t;
	int rc;

	*tp = NULL;
	if ((t = ticket_new(d, err)) == NULL)
		return -1;
	rc = ticket_by_id(d, id, &t->row, err);
	if (rc > 0 && !exact && ticket_follow(d, &t->row, err) < 0)
		rc = -2;
	if (rc <= 0) {
		csm_ticket_free(t);
		return api_rc(rc);
	}
	*tp = t;
	return 1;
}

/* Loads the ticket of a channel key (see csm.h).  1, 0 or -1. */
int
csm_ticket_find(struct csm_desk *d, const char *source, const char *sid,
    struct csm_ticket **tp, struct csm_err *err)
{
	struct csm_ticket *t;
	int rc;

	*tp = NULL;
	if ((t = ticket_new(d, err)) == NULL)
		return -1;
	rc = ticket_by_key(d, source, strlen(source), sid, strlen(sid),
	    &t->row, err);
	if (rc > 0 && ticket_follow(d, &t->row, err) < 0)
		rc = -2;
	if (rc <= 0) {
		csm_ticket_free(t);
		return api_rc(rc);
	}
	*tp = t;
	return 1;
}

void
csm_ticket_free(struct csm_ticket *t)
{
	if (t == NULL)
		return;
	forget(t);
	trow_clear(&t->row);
	free(t);
}

int64_t
csm_ticket_id(const struct csm_ticket *t)
{
	return t->row.id;
}

int64_t
csm_ticket_customer(const struct csm_ticket *t)
{
	return t->row.i[TC_CUSTOMER];
}

/* The column of a built-in text field of the ticket record, or -1. */
int
desk_text_col(const char *name)
{
	int tc;

	for (tc = 0; tc < NTCOLS; tc++)
		if (!TC_IS_INT(tc) && tc != TC_TAGS && tc != TC_ATTRS &&
		    strcmp(tc_name(tc), name) == 0)
			return tc;
	return -1;
}

/* The ticket's row (borrowed while t lives and is not changed). */
const struct trow *
desk_ticket_row(const struct csm_ticket *t)
{
	return &t->row;
}

/* The desk's JSONL scratch writer, empty.  NULL when out of memory. */
struct csm_writer *
scratch_writer(struct csm_desk *d)
{
	if (d->fmt == NULL)
		d->fmt = csm_writer_new(NULL, CSM_FMT_JSONL, NULL, 0);
	if (d->fmt != NULL)
		csm_writer_discard(d->fmt);
	return d->fmt;
}

/* What the scratch writer holds, as JSON: one object, or an array of
 * the objects of its lines (many).  New, or NULL. */
json_t *
scratch_json(struct csm_desk *d, int many)
{
	json_t *arr, *o;
	const char *text;
	size_t len, i = 0;
	json_error_t je;

	text = csm_writer_buffer(d->fmt, &len);
	if (!many) {
		o = json_loadb(text, len, 0, &je);
		csm_writer_discard(d->fmt);
		return o;
	}
	if ((arr = json_array()) == NULL)
		return NULL;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;

		o = json_loadb(text + i, n, 0, &je);
		if (o == NULL || json_array_append_new(arr, o) < 0) {
			json_decref(arr);
			csm_writer_discard(d->fmt);
			return NULL;
		}
		i += n + 1;
	}
	csm_writer_discard(d->fmt);
	return arr;
}

/* Sets key to a "T-000042" style reference; 0, or -1 out of memory. */
static int
set_ref(json_t *o, const char *key, char prefix, int64_t id)
{
	char ref[24];

	csm_ref_format(prefix, id, ref);
	return json_object_set_new(o, key, json_string(ref));
}

/*
 * The ticket as a record (see csm.h), built as the JSON it is (a record a
 * rule looks at is never text): the fields emit_ticket_fields prints, in
 * its order.  Borrowed, or NULL with err.
 */
const json_t *
csm_ticket_record(struct csm_desk *d, struct csm_ticket *t,
    struct csm_err *err)
{
	const struct csm_tz *tz = csm_model_tz(d->model);
	const struct trow *r = &t->row;
	json_t *o, *v;
	char buf[40];
	int tc, bad = 0;

	if (t->rec != NULL)
		return t->rec;
	if ((o = json_object()) == NULL)
		goto nomem;
	bad |= set_ref(o, "id", 'T', r->id);
	if (r->i[TC_CUSTOMER] > 0)
		bad |= set_ref(o, "customer", 'C', r->i[TC_CUSTOMER]);
	for (tc = TC_NAME; tc < NTCOLS; tc++) {
		const char *name = tc_name(tc);

		v = NULL;
		if (tc == TC_CUSTOMER || tc == TC_ATTRS)
			continue;
		if (tc == TC_TAGS) {
			if (r->s[tc] != NULL && (v = json_loads(r->s[tc], 0,
			    NULL)) == NULL)
				bad = -1;
		} else if (tc == TC_REOPENS) {
			if (r->i[tc] > 0)
				v = json_integer(r->i[tc]);
		} else if (tc == TC_MERGED_INTO) {
			if (r->i[tc] > 0)
				bad |= set_ref(o, name, 'T', r->i[tc]);
		} else if (TC_IS_INT(tc)) {
			if (TC_IS_TIME(tc) && r->i[tc] != 0)
				v = json_stringn(buf, csm_time_format(r->i[tc],
				    tz, buf));
		} else if (r->s[tc] != NULL)
			v = json_string(r->s[tc]);
		if (v != NULL)
			bad |= json_object_set_new(o, name, v);
	}
	if (r->s[TC_ATTRS] != NULL) {
		json_t *a = json_loads(r->s[TC_ATTRS], 0, NULL);

		bad |= a == NULL ? -1 : json_object_update_missing(o, a);
		json_decref(a);
	}
	if (bad) {
		json_decref(o);
		goto nomem;
	}
	return t->rec = o;
nomem:
	csm_err_set(err, CSM_EINTERNAL, "out of memory");
	return NULL;
}

/* Evaluates e against the ticket (see csm.h).  1, 0 or -1. */
int
csm_ticket_match(struct csm_desk *d, struct csm_ticket *t,
    const struct csm_expr *e, struct csm_err *err)
{
	struct csm_expr_ctx ctx;
	const json_t *rec = csm_ticket_record(d, t, err);

	if (rec == NULL)
		return -1;
	memset(&ctx, 0, sizeof(ctx));
	ctx.tz = csm_model_tz(d->model);
	ctx.now = d->now;
	ctx.lookup = csm_ticket_lookup;
	ctx.arg = t;
	return csm_expr_eval(e, rec, &ctx, err);
}

static void on_update(void *arg, int op, const char *db, const char *table,
    sqlite3_int64 rowid);

/* Starts an iteration (see csm.h). */
struct csm_ticket_iter *
csm_ticket_iter_new(struct csm_desk *d, const struct csm_ticket_query *q,
    struct csm_err *err)
{
	struct csm_ticket_iter *it = calloc(1, sizeof(*it));

	if (it == NULL || (it->rows = calloc(ITER_PAGE,
	    sizeof(*it->rows))) == NULL) {
		free(it);
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	it->d = d;
	if (q != NULL)
		it->q = *q;
	it->last = it->q.after;
	sqlite3_update_hook(csm_store_db(d->st), on_update, it);
	d->iter = it;
	return it;
}

/* The desk's connection commits (desk.h). */
void
desk_iter_committed(struct csm_ticket_iter *it)
{
	it->committed = 1;
}

/* SQLite's update hook: a ticket row changed on the desk's connection. */
static void
on_update(void *arg, int op, const char *db, const char *table,
    sqlite3_int64 rowid)
{
	struct csm_ticket_iter *it = arg;
	int64_t *p;

	(void)op;
	(void)db;
	if (strcmp(table, "tickets") != 0 || it->overflow)
		return;
	if (it->ntouched == it->cap) {
		size_t cap = it->cap ? it->cap * 2 : 64;

		if (cap > 4 * ITER_PAGE || (p = realloc(it->touched, cap *
		    sizeof(*p))) == NULL) {
			it->overflow = 1;
			return;
		}
		it->touched = p;
		it->cap = cap;
	}
	it->touched[it->ntouched++] = rowid;
}

/* Whether ticket id changed since its page was read. */
static int
touched(const struct csm_ticket_iter *it, int64_t id)
{
	size_t i;

	if (it->overflow)
		return 1;
	for (i = 0; i < it->ntouched; i++)
		if (it->touched[i] == id)
			return 1;
	return 0;
}

static void
page_clear(struct csm_ticket_iter *it)
{
	size_t i;

	for (i = it->next; i < it->n; i++)
		trow_clear(&it->rows[i]);
	it->n = it->next = 0;
}

/* Reads the next page of tickets, whole.  0, or -1 with err. */
static int
iter_page(struct csm_ticket_iter *it, struct csm_err *err)
{
	sqlite3_stmt *s;
	int rc = SQLITE_DONE;

	page_clear(it);
	s = csm_store_stmt(it->d->st, csm_sql_ticket_page, err);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, it->last);
	sqlite3_bind_int(s, 2, it->q.open != 0);
	sqlite3_bind_int64(s, 3, it->q.updated_since);
	sqlite3_bind_int(s, 4, ITER_PAGE);
	while (it->n < ITER_PAGE && (rc = sqlite3_step(s)) == SQLITE_ROW)
		if (trow_read(s, &it->rows[it->n++], err) < 0) {
			it->n--;
			sqlite3_reset(s);
			page_clear(it);
			return -1;
		}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		page_clear(it);
		return csm_store_sqlerr(it->d->st, rc, err);
	}
	if (it->n < ITER_PAGE)
		it->end = 1;
	if (it->n > 0)
		it->last = it->rows[it->n - 1].id;
	it->ntouched = 0;
	it->overflow = 0;
	it->committed = 0;
	it->dv = csm_store_data_version(it->d->st);
	return 0;
}

/* After a commit of ours: has another connection committed since the
 * page was read?  Then none of the page is as read. */
static void
others_committed(struct csm_ticket_iter *it)
{
	int dv;

	it->committed = 0;
	dv = csm_store_data_version(it->d->st);
	if (dv != it->dv || dv < 0)
		it->overflow = 1;
	it->dv = dv;
}

/*
 * The next ticket of an iteration (see csm.h).  1, 0 or -1.  Tickets are
 * read a page at a time; one that this desk's connection changed since
 * (SQLite's update hook says which) is read again.
 */
int
csm_ticket_iter_next(struct csm_ticket_iter *it, struct csm_ticket **tp,
    struct csm_err *err)
{
	int64_t id;
	int rc;

	*tp = NULL;
	for (;;) {
		csm_ticket_free(it->cur);
		it->cur = NULL;
		if (it->next == it->n) {
			if (it->end)
				return 0;
			if (iter_page(it, err) < 0)
				return -1;
			if (it->n == 0)
				return 0;
		}
		id = it->rows[it->next].id;
		if (it->committed)
			others_committed(it);
		if (touched(it, id)) {
			trow_clear(&it->rows[it->next++]);
			if ((rc = csm_ticket_load(it->d, id, 1, &it->cur,
			    err)) < 0)
				return -1;
			if (rc == 0)
				continue;	/* gone since the page */
		} else {
			if ((it->cur = ticket_new(it->d, err)) == NULL)
				return -1;
			it->cur->row = it->rows[it->next];
			memset(&it->rows[it->next++], 0, sizeof(struct trow));
		}
		if (it->q.where != NULL) {
			rc = csm_ticket_match(it->d, it->cur, it->q.where, err);
			if (rc < 0)
				return -1;
			if (rc == 0)
				continue;
		}
		*tp = it->cur;
		return 1;
	}
}

void
csm_ticket_iter_free(struct csm_ticket_iter *it)
{
	if (it == NULL)
		return;
	sqlite3_update_hook(csm_store_db(it->d->st), NULL, NULL);
	if (it->d->iter == it)
		it->d->iter = NULL;
	csm_ticket_free(it->cur);
	page_clear(it);
	free(it->rows);
	free(it->touched);
	free(it);
}

/* The rows of a per-ticket query as an array of records.  0 or -1. */
static int
history(struct csm_desk *d, const char *sql, int64_t id,
    int (*row)(struct csm_desk *, sqlite3_stmt *, struct csm_writer *, int),
    json_t **out, struct csm_err *err)
{
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	if (scratch_writer(d) == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	if ((s = csm_store_stmt(d->st, sql, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		row(d, s, d->fmt, -1);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		csm_writer_discard(d->fmt);
		return csm_store_sqlerr(d->st, rc, err);
	}
	if ((*out = scratch_json(d, 1)) == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	return 0;
}

/* A ticket's events, oldest first (see csm.h). */
int
csm_ticket_events(struct csm_desk *d, int64_t id, json_t **events,
    struct csm_err *err)
{
	return history(d, "SELECT id, ticket, customer, action, field, old, "
	    "new, by, at, ext, why, data FROM events WHERE ticket = ?1 ORDER "
	    "BY at, id", id, record_event, events, err);
}

/* One message as a record: 0 and *rec (new), or -1 with err. */
int
desk_message_record(struct csm_desk *d, int64_t mid, json_t **rec,
    struct csm_err *err)
{
	json_t *arr = NULL;
	int rc;

	*rec = NULL;
	rc = history(d, "SELECT id, ticket, source, source_id, direction, "
	    "author, body, at, public, auto, attrs FROM messages WHERE id = "
	    "?1", mid, record_message, &arr, err);
	if (rc == 0 && json_array_size(arr) == 1) {
		*rec = json_incref(json_array_get(arr, 0));
		json_object_set_new(*rec, "op", json_string("created"));
	}
	json_decref(arr);
	return *rec != NULL ? 0 : -1;
}

/* A ticket's messages, oldest first (see csm.h). */
int
csm_ticket_messages(struct csm_desk *d, int64_t id, json_t **messages,
    struct csm_err *err)
{
	return history(d, "SELECT id, ticket, source, source_id, direction, "
	    "author, body, at, public, auto, attrs FROM messages WHERE ticket "
	    "= ?1 ORDER BY at, id", id, record_message, messages, err);
}

/*
 * Prepares rec (a copy is changed: "type" set to kind, and for a change
 * "id" to the ticket) as an item in the desk's scratch arena.  Names
 * given as null are cleared: built-in fields get set == 2, custom fields
 * a null in the item's attrs.  0, or -1 with err.
 */
static int
prepare(struct csm_desk *d, const json_t *rec, int kind, int64_t ticket,
    const char *field_of, struct csm_item *it, struct csm_err *err)
{
	struct csm_prep_opts o = {d->model, kind, NULL, d->now};
	json_t *obj, *nulls, *v;
	const char *k;
	char ref[24];
	int rc, f;

	csm_arena_reset(&d->scratch);
	if (!json_is_object(rec))
		return csm_err_set(err, CSM_EDATA, "expected an object");
	if ((obj = json_copy((json_t *)(uintptr_t)rec)) == NULL ||
	    (nulls = json_object()) == NULL) {
		json_decref(obj);
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	}
	json_object_foreach((json_t *)(uintptr_t)rec, k, v)
		if (json_is_null(v))
			json_object_set_new(nulls, k, json_null());
	json_object_set_new(obj, "type", json_string(csm_kind_name(kind)));
	if (ticket > 0) {
		csm_ref_format('T', ticket, ref);
		json_object_set_new(obj, field_of, json_string(ref));
	}
	rc = csm_prep(&o, obj, &d->scratch, it, err);
	json_decref(obj);
	if (rc != 0) {
		json_decref(nulls);
		return -1;
	}
	json_object_foreach(nulls, k, v) {
		f = csm_field_slot(k);
		if (f >= 0)
			it->v[f].set = 2;
		else if (!csm_field_reserved(k)) {
			json_t *a = it->attrs ? json_loads(it->attrs, 0, NULL) :
			    json_object();
			char *text;

			if (a == NULL)
				break;
			json_object_set_new(a, k, json_null());
			text = csm_json_text(a);
			json_decref(a);
			it->attrs = text ? csm_arena_strndup(&d->scratch, text,
			    strlen(text)) : NULL;
			free(text);
			if (it->attrs == NULL) {
				json_decref(nulls);
				return csm_err_set(err, CSM_EINTERNAL,
				    "out of memory");
			}
		}
	}
	json_decref(nulls);
	return 0;
}

/* Fields a change may not name: the ticket's identity and what the store
 * keeps by itself. */
static int
fixed_field(const char *k)
{
	static const char *const fixed[] = {
		"id", "customer", "source", "source_id", "created_at",
		"updated_at", "first_response_at", "resolved_at", "closed_at",
		"type", "op", "reopens", "merged_into"
	};
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcmp(k, fixed[i]) == 0)
			return 1;
	return 0;
}

/* Changes fields of t (see csm.h).  1, 0 or -1. */
int
csm_ticket_change(struct csm_desk *d, struct csm_ticket *t,
    const json_t *fields, const struct csm_actor *who, struct csm_err *err)
{
	struct csm_actor w = who_of(d, who);
	struct csm_item it;
	uint64_t before = d->counts[CSM_KIND_TICKET][OP_UPDATED];
	const char *k;
	json_t *v;
	int rc;

	json_object_foreach((json_t *)(uintptr_t)fields, k, v)
		if (fixed_field(k))
			return csm_err_set(err, CSM_EDATA, "%s: cannot be "
			    "changed", k);
	if (prepare(d, fields, CSM_KIND_TICKET, t->row.id, "id", &it,
	    err) < 0)
		return -1;
	rc = ticket_update(d, &it, &t->row, &w, 0, err);
	if (rc < 0)
		return -1;
	if (reload(t, err) < 0)
		return -1;
	return d->counts[CSM_KIND_TICKET][OP_UPDATED] != before;
}

/* One field of t (see csm.h). */
int
csm_ticket_set(struct csm_desk *d, struct csm_ticket *t, const char *field,
    const json_t *value, const struct csm_actor *who, struct csm_err *err)
{
	json_t *o = json_object();
	int rc;

	if (o == NULL || json_object_set(o, field, (json_t *)(uintptr_t)
	    value) < 0) {
		json_decref(o);
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	}
	rc = csm_ticket_change(d, t, o, who, err);
	json_decref(o);
	return rc;
}

/* Adds or removes one tag (see csm.h). */
int
csm_ticket_tag(struct csm_desk *d, struct csm_ticket *t, const char *tag,
    int add, const struct csm_actor *who, struct csm_err *err)
{
	json_t *tags = NULL, *o, *e;
	size_t i;
	int rc, found = -1;

	if (t->row.s[TC_TAGS] != NULL)
		tags = json_loads(t->row.s[TC_TAGS], 0, NULL);
	if (tags == NULL)
		tags = json_array();
	json_array_foreach(tags, i, e)
		if (strcmp(json_string_value(e), tag) == 0)
			found = (int)i;
	if ((add && found >= 0) || (!add && found < 0)) {
		json_decref(tags);
		return 0;
	}
	if (add)
		json_array_append_new(tags, json_string(tag));
	else
		json_array_remove(tags, (size_t)found);
	o = json_pack("{so}", "tags", tags);
	if (o == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	rc = csm_ticket_change(d, t, o, who, err);
	json_decref(o);
	return rc;
}

/* Creates a ticket (see csm.h).  1, 0 or -1. */
int
csm_ticket_create(struct csm_desk *d, const json_t *rec,
    const struct csm_actor *who, struct csm_ticket **tp,
    struct csm_err *err)
{
	struct csm_actor w = who_of(d, who);
	struct csm_item it;
	struct trow row;
	int64_t now = d->now;
	int rc;

	*tp = NULL;
	if (prepare(d, rec, CSM_KIND_TICKET, 0, NULL, &it, err) < 0)
		return -1;
	if (it.v[F_ID].set)
		return csm_err_set(err, CSM_EDATA, "id: a new ticket has none");
	rc = ticket_by_key(d, it.v[F_SOURCE].s, it.v[F_SOURCE].len,
	    it.v[F_SOURCE_ID].set ? it.v[F_SOURCE_ID].s : it.key,
	    it.v[F_SOURCE_ID].set ? it.v[F_SOURCE_ID].len : strlen(it.key),
	    &row, err);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		int64_t id = row.id;

		trow_clear(&row);
		return csm_ticket_load(d, id, 0, tp, err) < 0 ? -1 : 0;
	}
	d->now = w.at;
	memset(&row, 0, sizeof(row));
	rc = ticket_create(d, &it, &w, &row, err);
	d->now = now;
	if (rc < 0)
		return -1;
	return csm_ticket_load(d, row.id, 1, tp, err) > 0 ? 1 : -1;
}

/* Adds a message (see csm.h).  1, 0 or -1. */
int
csm_ticket_add_message(struct csm_desk *d, struct csm_ticket *t,
    const json_t *msg, const struct csm_actor *who, int64_t *mid,
    struct csm_err *err)
{
	struct csm_actor w = who_of(d, who);
	struct csm_item it;
	struct trow row;
	int64_t id = 0;
	int rc, op;

	if (prepare(d, msg, CSM_KIND_MESSAGE, t->row.id, "ticket", &it,
	    err) < 0)
		return -1;
	/* The write path may move on to a follow-up: give it a copy. */
	if ((rc = ticket_by_id(d, t->row.id, &row, err)) <= 0)
		return rc < 0 ? -1 : csm_err_set(err, CSM_EINTERNAL,
		    "ticket vanished");
	rc = ticket_message(d, &it, &row, &w, &id, &op, err);
	trow_clear(&row);
	if (rc < 0)
		return -1;
	if (mid != NULL)
		*mid = id;
	if (reload(t, err) < 0)
		return -1;
	return op == OP_CREATED;
}

/* Links two tickets (see csm.h).  1, 0 or -1. */
int
csm_ticket_link(struct csm_desk *d, struct csm_ticket *t, int64_t other,
    const char *kind, const char *back, const struct csm_actor *who,
    struct csm_err *err)
{
	struct csm_actor w = who_of(d, who);
	struct trow o;
	char ref[24];
	int rc;

	if ((rc = ticket_by_id(d, other, &o, err)) <= 0) {
		csm_ref_format('T', other, ref);
		return rc < 0 ? -1 : csm_err_set(err, CSM_EDATA, "no ticket %s",
		    ref);
	}
	trow_clear(&o);
	if (other == t->row.id)
		return csm_err_set(err, CSM_EDATA, "a ticket cannot be linked "
		    "to itself");
	rc = ticket_link(d, &t->row, other, kind, back, &w, NULL, err);
	if (rc < 0 || reload(t, err) < 0)
		return -1;
	return rc;
}

/* Merges t into ticket into (see csm.h).  1, 0 or -1. */
int
csm_ticket_merge(struct csm_desk *d, struct csm_ticket *t, int64_t into,
    const struct csm_actor *who, struct csm_err *err)
{
	struct csm_actor w = who_of(d, who);
	struct trow o;
	char ref[24];
	int rc;

	if ((rc = ticket_by_id(d, into, &o, err)) <= 0) {
		csm_ref_format('T', into, ref);
		return rc < 0 ? -1 : csm_err_set(err, CSM_EDATA, "no ticket %s",
		    ref);
	}
	rc = ticket_merge(d, &t->row, &o, &w, NULL, err);
	trow_clear(&o);
	if (rc < 0 || reload(t, err) < 0)
		return -1;
	return rc;
}

/* Appends a keyed history event (see csm.h).  1, 0 or -1. */
int
csm_ticket_event(struct csm_desk *d, struct csm_ticket *t,
    const char *action, const char *key, const json_t *data,
    const struct csm_actor *who, int64_t *eid, struct csm_err *err)
{
	struct csm_actor w = who_of(d, who);
	struct desk_event e = {0};
	sqlite3_stmt *s;
	char *text = NULL, ref[2][24];
	int64_t on;
	int rc;

	if (key != NULL) {
		if ((s = csm_store_stmt(d->st, "SELECT id, ticket FROM events "
		    "WHERE ext = ?1", err)) == NULL)
			return -1;
		csm_bind_text(s, 1, key);
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			if (eid != NULL)
				*eid = sqlite3_column_int64(s, 0);
			on = sqlite3_column_int64(s, 1);
			csm_ref_format('E', sqlite3_column_int64(s, 0), ref[0]);
			sqlite3_reset(s);
			if (on == t->row.id)
				return 0;
			csm_ref_format('T', on, ref[1]);
			return csm_err_set(err, CSM_EDATA, "key: event %s on "
			    "ticket %s has it", ref[0], ref[1]);
		}
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return csm_store_sqlerr(d->st, rc, err);
	}
	if (data != NULL && (!json_is_object(data) ||
	    (text = csm_json_text(data)) == NULL))
		return csm_err_set(err, json_is_object(data) ? CSM_EINTERNAL :
		    CSM_EDATA, json_is_object(data) ? "out of memory" :
		    "data: expected an object");
	e.ticket = t->row.id;
	e.action = action;
	e.data = text;
	e.ext = key;
	rc = desk_event(d, &w, &e, err);
	free(text);
	if (rc < 0)
		return -1;
	if (eid != NULL)
		*eid = sqlite3_last_insert_rowid(csm_store_db(d->st));
	return 1;
}
