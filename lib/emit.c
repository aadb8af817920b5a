/*
 * emit.c - the line each record kind prints when it is created or
 * changed, in the documented key order (csm-records(5)).  Every line is a
 * valid input record that changes nothing when read back: it carries its
 * id (or key) and what the store computed is marked as such (fields.h,
 * "derived").
 */
#include <stdlib.h>
#include <string.h>

#include "desk.h"

const char *const csm_ops[4] = {"created", "updated", "merged", "unchanged"};

static void
w_text(struct csm_writer *w, const char *key, const char *s)
{
	if (s != NULL)
		csm_writer_str(w, key, s, strlen(s));
}

static void
w_col(struct csm_writer *w, const char *key, sqlite3_stmt *s, int i)
{
	const char *t = (const char *)sqlite3_column_text(s, i);

	if (t != NULL)
		csm_writer_str(w, key, t, (size_t)sqlite3_column_bytes(s, i));
}

static void
w_ref(struct csm_writer *w, const char *key, char prefix, int64_t id)
{
	char ref[24];

	if (id <= 0)
		return;
	csm_ref_format(prefix, id, ref);
	csm_writer_str(w, key, ref, strlen(ref));
}

static void
w_time(struct csm_writer *w, const struct csm_tz *tz, const char *key,
    int64_t t)
{
	char buf[40];
	size_t n = csm_time_format(t, tz, buf);

	csm_writer_str(w, key, buf, n);
}

/* Custom fields (a JSON object's text): top-level fields in JSONL, the
 * "attrs" column elsewhere. */
static void
w_attrs(struct csm_writer *w, const char *text)
{
	if (text != NULL)
		csm_writer_custom(w, text, strlen(text));
}

static void
begin(struct csm_desk *d, int op, const char *type)
{
	csm_writer_begin(d->out);
	csm_writer_str(d->out, "op", csm_ops[op], strlen(csm_ops[op]));
	csm_writer_str(d->out, "type", type, strlen(type));
}

/* Whether a line for op is wanted (counted either way). */
static int
wanted(struct csm_desk *d, int kind, int op)
{
	desk_count(d, kind, op);
	return d->out != NULL && (op != OP_UNCHANGED || d->verbose);
}

/*
 * A ticket's columns [from, to) (TC_NAME, NTCOLS: all but id and
 * customer), in the documented order; custom fields last when to is
 * NTCOLS.
 */
void
emit_ticket_fields(struct csm_writer *w, const struct csm_tz *tz,
    const struct trow *t, int from, int to)
{
	int tc;

	for (tc = from; tc < to && tc < NTCOLS; tc++) {
		const char *name = tc_name(tc);

		if (tc == TC_CUSTOMER || tc == TC_ATTRS)
			continue;
		if (tc == TC_TAGS) {
			if (t->s[tc] != NULL)
				csm_writer_raw(w, name, t->s[tc],
				    strlen(t->s[tc]));
		} else if (tc == TC_REOPENS) {
			if (t->i[tc] > 0)
				csm_writer_int(w, name, t->i[tc]);
		} else if (tc == TC_MERGED_INTO) {
			w_ref(w, name, 'T', t->i[tc]);
		} else if (TC_IS_TIME(tc)) {
			if (t->i[tc] != 0)
				w_time(w, tz, name, t->i[tc]);
		} else
			w_text(w, name, t->s[tc]);
	}
	if (to == NTCOLS)
		w_attrs(w, t->s[TC_ATTRS]);
}

/*
 * One ticket line: op, type, id, customer, the customer's name, tier and
 * org, then the ticket's fields, or pre: those formatted already (by
 * csm_apply_prefmt).
 */
void
emit_ticket(struct csm_desk *d, int op, const struct trow *t,
    const char *pre)
{
	const struct csm_tz *tz = csm_model_tz(d->model);

	if (!wanted(d, CSM_KIND_TICKET, op))
		return;
	begin(d, op, "ticket");
	w_ref(d->out, "id", 'T', t->id);
	w_ref(d->out, "customer", 'C', t->i[TC_CUSTOMER]);
	if (pre == NULL) {
		emit_ticket_fields(d->out, tz, t, TC_NAME, NTCOLS);
	} else {
		emit_ticket_fields(d->out, tz, t, TC_NAME, TC_SOURCE);
		csm_writer_raw_fields(d->out, pre, strlen(pre));
	}
	csm_writer_end(d->out);
}

/* Reloads a ticket and emits it.  0 or -2. */
int
emit_ticket_id(struct csm_desk *d, int op, int64_t id, struct csm_err *err)
{
	struct trow t;
	int rc;

	if (d->out == NULL || (op == OP_UNCHANGED && !d->verbose)) {
		desk_count(d, CSM_KIND_TICKET, op);
		return 0;
	}
	rc = ticket_by_id(d, id, &t, err);
	if (rc < 0)
		return rc;
	emit_ticket(d, op, &t, NULL);
	trow_clear(&t);
	return 0;
}

/* One customer line, from the store.  0 or -2. */
int
emit_customer(struct csm_desk *d, int op, int64_t cust, const int64_t *from,
    size_t nfrom, struct csm_err *err)
{
	sqlite3_stmt *s;
	size_t i;
	int rc;

	if (!wanted(d, CSM_KIND_CUSTOMER, op))
		return 0;
	begin(d, op, "customer");
	w_ref(d->out, "id", 'C', cust);
	if (nfrom > 0) {
		json_t *m = json_array();

		for (i = 0; i < nfrom; i++) {
			char ref[24];

			csm_ref_format('C', from[i], ref);
			json_array_append_new(m, json_string(ref));
		}
		csm_writer_json(d->out, "merged", m);
		json_decref(m);
	}
	STMT(s, "SELECT name, tier, org, attrs, created_at, updated_at, "
	    "(SELECT json_group_object(kind, json(v)) FROM (SELECT kind, "
	    "json_group_array(value) AS v FROM (SELECT kind, value FROM "
	    "identities WHERE customer = ?1 ORDER BY kind, value) GROUP BY "
	    "kind)) FROM customers WHERE id = ?1");
	sqlite3_bind_int64(s, 1, cust);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *ids = (const char *)sqlite3_column_text(s, 6);
		const struct csm_tz *tz = csm_model_tz(d->model);

		w_col(d->out, "name", s, 0);
		w_col(d->out, "tier", s, 1);
		w_col(d->out, "org", s, 2);
		csm_writer_raw(d->out, "identities", ids ? ids : "{}",
		    ids ? strlen(ids) : 2);
		w_time(d->out, tz, "created_at", sqlite3_column_int64(s, 4));
		w_time(d->out, tz, "updated_at", sqlite3_column_int64(s, 5));
		w_attrs(d->out, (const char *)sqlite3_column_text(s, 3));
		rc = SQLITE_DONE;
	}
	sqlite3_reset(s);
	csm_writer_end(d->out);
	return rc == SQLITE_DONE ? 0 : desk_fatal(d, rc, err);
}

/* The identity kinds in the order the store sorts their names. */
static const int sorted[CSM_NIDKINDS] = {
	CSM_ID_CRM, CSM_ID_DINGTALK, CSM_ID_EMAIL, CSM_ID_PHONE, CSM_ID_WECHAT,
	CSM_ID_WECOM, CSM_ID_WEIBO
};

/* A customer just created from a record: emitted from the record, the
 * same fields emit_customer reads back from the store. */
void
emit_new_customer(struct csm_desk *d, struct csm_item *it, int64_t cust,
    int64_t at)
{
	static const int prof[3] = {F_NAME, F_TIER, F_ORG};
	const struct csm_tz *tz;
	json_t *ids;
	int i, k;

	if (!wanted(d, CSM_KIND_CUSTOMER, OP_CREATED))
		return;
	tz = csm_model_tz(d->model);
	begin(d, OP_CREATED, "customer");
	w_ref(d->out, "id", 'C', cust);
	for (i = 0; i < 3; i++) {
		const struct csm_val *v = &it->v[prof[i]];

		if (v->set)
			csm_writer_str(d->out, csm_field_name(prof[i]), v->s,
			    v->len);
	}
	/* Identities by kind name, in the order the store sorts them (the
	 * values too, as emit_customer's query does). */
	ids = json_object();
	for (k = 0; k < CSM_NIDKINDS; k++) {
		json_t *arr = NULL;
		int done[CSM_MAXIDS] = {0}, n;

		for (n = 0; n < it->nids; n++) {
			int best = -1;

			for (i = 0; i < it->nids; i++)
				if (it->ids[i].kind == sorted[k] && !done[i] &&
				    (best < 0 || strcmp(it->ids[i].value,
				    it->ids[best].value) < 0))
					best = i;
			if (best < 0)
				break;
			done[best] = 1;
			if (arr == NULL) {
				arr = json_array();
				json_object_set_new(ids,
				    csm_id_name(sorted[k]), arr);
			}
			json_array_append_new(arr, json_stringn_nocheck(
			    it->ids[best].value, it->ids[best].len));
		}
	}
	csm_writer_json(d->out, "identities", ids);
	json_decref(ids);
	w_time(d->out, tz, "created_at", it->kind == CSM_KIND_CUSTOMER &&
	    it->v[F_CREATED_AT].set && it->v[F_CREATED_AT].i < at ?
	    it->v[F_CREATED_AT].i : at);
	w_time(d->out, tz, "updated_at", at);
	if (it->kind == CSM_KIND_CUSTOMER)
		w_attrs(d->out, it->attrs);
	csm_writer_end(d->out);
}

/*
 * A message record from a row of "SELECT id, ticket, source, source_id,
 * direction, author, body, at, public, auto, attrs" into w.
 */
int
record_message(struct csm_desk *d, sqlite3_stmt *s, struct csm_writer *w,
    int op)
{
	csm_writer_begin(w);
	if (op >= 0)
		csm_writer_str(w, "op", csm_ops[op], strlen(csm_ops[op]));
	csm_writer_str(w, "type", "message", 7);
	w_ref(w, "id", 'M', sqlite3_column_int64(s, 0));
	w_ref(w, "ticket", 'T', sqlite3_column_int64(s, 1));
	w_col(w, "source", s, 2);
	w_col(w, "source_id", s, 3);
	w_col(w, "direction", s, 4);
	w_col(w, "author", s, 5);
	w_col(w, "body", s, 6);
	w_time(w, csm_model_tz(d->model), "at", sqlite3_column_int64(s, 7));
	csm_writer_bool(w, "public", sqlite3_column_int(s, 8));
	csm_writer_bool(w, "auto", sqlite3_column_int(s, 9));
	w_attrs(w, (const char *)sqlite3_column_text(s, 10));
	csm_writer_end(w);
	return 0;
}

/* One line of a kind from a row of sql (?1 = id), made by fn.  0, -2. */
static int
emit_row(struct csm_desk *d, int kind, int op, const char *sql, int64_t id,
    int (*fn)(struct csm_desk *, sqlite3_stmt *, struct csm_writer *, int),
    struct csm_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if (!wanted(d, kind, op))
		return 0;
	STMT(s, sql);
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		fn(d, s, d->out, op);
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : desk_fatal(d, rc,
	    err);
}

/* One message line, from the store.  0 or -2. */
int
emit_message(struct csm_desk *d, int op, int64_t mid, struct csm_err *err)
{
	return emit_row(d, CSM_KIND_MESSAGE, op, "SELECT id, ticket, source, "
	    "source_id, direction, author, body, at, public, auto, attrs FROM "
	    "messages WHERE id = ?1", mid, record_message, err);
}

/*
 * An event record from a row of "SELECT id, ticket, customer, action,
 * field, old, new, by, at, ext, why, data" into w: what it changed, who,
 * when, why and its key.
 */
int
record_event(struct csm_desk *d, sqlite3_stmt *s, struct csm_writer *w,
    int op)
{
	const char *data = (const char *)sqlite3_column_text(s, 11);

	csm_writer_begin(w);
	if (op >= 0)
		csm_writer_str(w, "op", csm_ops[op], strlen(csm_ops[op]));
	csm_writer_str(w, "type", "event", 5);
	w_ref(w, "id", 'E', sqlite3_column_int64(s, 0));
	w_ref(w, "ticket", 'T', sqlite3_column_int64(s, 1));
	w_ref(w, "customer", 'C', sqlite3_column_int64(s, 2));
	w_col(w, "action", s, 3);
	w_col(w, "field", s, 4);
	w_col(w, "old", s, 5);
	w_col(w, "new", s, 6);
	w_col(w, "by", s, 7);
	w_time(w, csm_model_tz(d->model), "at", sqlite3_column_int64(s, 8));
	w_col(w, "key", s, 9);
	w_col(w, "why", s, 10);
	if (data != NULL && data[0] == '{') {
		json_t *o = json_loads(data, 0, NULL);

		if (json_is_true(json_object_get(o, "stale")))
			csm_writer_bool(w, "stale", 1);
		json_decref(o);
		csm_writer_raw(w, "data", data, strlen(data));
	}
	csm_writer_end(w);
	return 0;
}

/* One event line, from the store.  0 or -2. */
int
emit_event(struct csm_desk *d, int op, int64_t eid, struct csm_err *err)
{
	return emit_row(d, CSM_KIND_EVENT, op, "SELECT id, ticket, customer, "
	    "action, field, old, new, by, at, ext, why, data FROM events WHERE "
	    "id = ?1", eid, record_event, err);
}

/* One survey line, from the store.  0 or -2. */
int
emit_survey(struct csm_desk *d, int op, int64_t sid, struct csm_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if (!wanted(d, CSM_KIND_SURVEY, op))
		return 0;
	STMT(s, "SELECT s.id, s.ticket, t.customer, s.kind, s.score, "
	    "s.comment, s.at, s.attrs FROM surveys s JOIN tickets t ON t.id = "
	    "s.ticket WHERE s.id = ?1");
	sqlite3_bind_int64(s, 1, sid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		begin(d, op, "survey");
		w_ref(d->out, "id", 'S', sqlite3_column_int64(s, 0));
		w_ref(d->out, "ticket", 'T', sqlite3_column_int64(s, 1));
		w_ref(d->out, "customer", 'C', sqlite3_column_int64(s, 2));
		w_col(d->out, "kind", s, 3);
		csm_writer_int(d->out, "score", sqlite3_column_int64(s, 4));
		w_col(d->out, "comment", s, 5);
		w_time(d->out, csm_model_tz(d->model), "at",
		    sqlite3_column_int64(s, 6));
		w_attrs(d->out, (const char *)sqlite3_column_text(s, 7));
		csm_writer_end(d->out);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : desk_fatal(d, rc,
	    err);
}

/* One order line, from the store.  0 or -2. */
int
emit_order(struct csm_desk *d, int op, const char *order_no,
    struct csm_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if (!wanted(d, CSM_KIND_ORDER, op))
		return 0;
	STMT(s, "SELECT order_no, customer, product, purchased_at, "
	    "warranty_until, attrs, id, created_at, updated_at FROM orders "
	    "WHERE order_no = ?1");
	csm_bind_text(s, 1, order_no);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const struct csm_tz *tz = csm_model_tz(d->model);

		begin(d, op, "order");
		w_ref(d->out, "id", 'O', sqlite3_column_int64(s, 6));
		w_col(d->out, "order_no", s, 0);
		w_ref(d->out, "customer", 'C', sqlite3_column_int64(s, 1));
		w_col(d->out, "product", s, 2);
		if (sqlite3_column_type(s, 3) != SQLITE_NULL)
			w_time(d->out, tz, "purchased_at",
			    sqlite3_column_int64(s, 3));
		if (sqlite3_column_type(s, 4) != SQLITE_NULL)
			w_time(d->out, tz, "warranty_until",
			    sqlite3_column_int64(s, 4));
		w_time(d->out, tz, "created_at", sqlite3_column_int64(s, 7));
		w_time(d->out, tz, "updated_at", sqlite3_column_int64(s, 8));
		w_attrs(d->out, (const char *)sqlite3_column_text(s, 5));
		csm_writer_end(d->out);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : desk_fatal(d, rc,
	    err);
}

/* The line of a record that changed nothing and has no row to show
 * (verbose): its kind and, when known, its id. */
void
emit_unchanged(struct csm_desk *d, int kind, const char *idkey,
    const char *ref)
{
	const char *name = csm_kind_name(kind);

	if (!wanted(d, kind, OP_UNCHANGED))
		return;
	begin(d, OP_UNCHANGED, name);
	if (idkey != NULL && ref != NULL)
		csm_writer_str(d->out, idkey, ref, strlen(ref));
	csm_writer_end(d->out);
}
