/*
 * apply.c - the store side of ingest: resolving the customer, comparing a
 * prepared record with what the store holds, writing the difference,
 * appending every change to the events table and emitting one output
 * line per record created or changed.
 *
 * Each apply function checks everything that can refuse the record before
 * its first write, so a refused record leaves nothing behind; a store
 * error after that point fails the whole batch, which the caller rolls
 * back.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* The ticket columns as loaded, in this order. */
#define TCOLS "id, source, source_id, thread_id, customer, ticket_type, " \
	"subject, body, status, stage, priority, category, product, region, " \
	"tags, grp, assignee, phone, email, wechat, name, tier, org, attrs, " \
	"created_at, updated_at, first_response_at, resolved_at, closed_at, " \
	"reopens, merged_into"

enum {
	C_SOURCE, C_SOURCE_ID, C_THREAD_ID, C_TICKET_TYPE, C_SUBJECT, C_BODY,
	C_STATUS, C_STAGE, C_PRIORITY, C_CATEGORY, C_PRODUCT, C_REGION,
	C_TAGS, C_GRP, C_ASSIGNEE, C_PHONE, C_EMAIL, C_WECHAT, C_NAME, C_TIER,
	C_ORG, C_ATTRS, NTEXT
};

enum {
	TM_CREATED, TM_UPDATED, TM_FIRST_RESPONSE, TM_RESOLVED, TM_CLOSED,
	NTIMES
};

struct trow {
	int64_t	 id, customer, reopens, merged_into;
	int64_t	 t[NTIMES];		/* 0 = NULL */
	char	*text[NTEXT];		/* new, or NULL */
};

static const char sql_ticket_by_id[] =
    "SELECT " TCOLS " FROM tickets WHERE id = ?1";
static const char sql_ticket_by_key[] =
    "SELECT " TCOLS " FROM tickets WHERE source = ?1 AND source_id = ?2";
static const char sql_ticket_by_thread[] =
    "SELECT " TCOLS " FROM tickets WHERE source = ?1 AND thread_id = ?2 "
    "ORDER BY id DESC LIMIT 1";

/*
 * Fields a ticket record may change, with their column, the event action
 * a change logs, and the UPDATE that makes it.
 */
static const struct tfield {
	int		 field;		/* enum csm_field */
	int		 col;
	const char	*action;
	const char	*sql;
} tfields[] = {
	{F_THREAD_ID, C_THREAD_ID, "update",
	    "UPDATE tickets SET thread_id = ?2 WHERE id = ?1"},
	{F_SUBJECT, C_SUBJECT, "update",
	    "UPDATE tickets SET subject = ?2 WHERE id = ?1"},
	{F_BODY, C_BODY, "update",
	    "UPDATE tickets SET body = ?2 WHERE id = ?1"},
	{F_PRIORITY, C_PRIORITY, "priority",
	    "UPDATE tickets SET priority = ?2 WHERE id = ?1"},
	{F_CATEGORY, C_CATEGORY, "update",
	    "UPDATE tickets SET category = ?2 WHERE id = ?1"},
	{F_PRODUCT, C_PRODUCT, "update",
	    "UPDATE tickets SET product = ?2 WHERE id = ?1"},
	{F_REGION, C_REGION, "update",
	    "UPDATE tickets SET region = ?2 WHERE id = ?1"},
	{F_TAGS, C_TAGS, "update",
	    "UPDATE tickets SET tags = ?2 WHERE id = ?1"},
	{F_GROUP, C_GRP, "transfer",
	    "UPDATE tickets SET grp = ?2 WHERE id = ?1"},
	{F_ASSIGNEE, C_ASSIGNEE, "assign",
	    "UPDATE tickets SET assignee = ?2 WHERE id = ?1"},
	{F_PHONE, C_PHONE, "update",
	    "UPDATE tickets SET phone = ?2 WHERE id = ?1"},
	{F_EMAIL, C_EMAIL, "update",
	    "UPDATE tickets SET email = ?2 WHERE id = ?1"},
	{F_WECHAT, C_WECHAT, "update",
	    "UPDATE tickets SET wechat = ?2 WHERE id = ?1"},
	{F_NAME, C_NAME, "update",
	    "UPDATE tickets SET name = ?2 WHERE id = ?1"},
	{F_TIER, C_TIER, "update",
	    "UPDATE tickets SET tier = ?2 WHERE id = ?1"},
	{F_ORG, C_ORG, "update",
	    "UPDATE tickets SET org = ?2 WHERE id = ?1"},
	{F_TICKET_TYPE, C_TICKET_TYPE, "update",
	    "UPDATE tickets SET ticket_type = ?2 WHERE id = ?1"},
	{-1, C_ATTRS, "update",
	    "UPDATE tickets SET attrs = ?2 WHERE id = ?1"},
};

static const struct tfield *
tfield_of_col(int col)
{
	size_t i;

	for (i = 0; i < sizeof(tfields) / sizeof(tfields[0]); i++)
		if (tfields[i].col == col)
			return &tfields[i];
	return NULL;
}

/* The output field name of a ticket column ("group" for grp). */
static const char *const tcol_names[NTEXT] = {
	"source", "source_id", "thread_id", "ticket_type", "subject", "body",
	"status", "stage", "priority", "category", "product", "region", "tags",
	"group", "assignee", "phone", "email", "wechat", "name", "tier", "org",
	"attrs"
};

static const char *const time_names[NTIMES] = {
	"created_at", "updated_at", "first_response_at", "resolved_at",
	"closed_at"
};

static const char *const ops[] = {"created", "updated", "merged",
	"unchanged"};

/* Helpers. */

static int
fatal(struct csm_apply *a, int rc, struct csm_err *err)
{
	csm_store_sqlerr(a->st, rc, err);
	return -2;
}

#define STMT(s, sql) do { \
	if (((s) = csm_store_stmt(a->st, (sql), err)) == NULL) \
		return -2; \
	} while (0)
/* The same where there is something to free at the label out. */
#define STMT_OUT(s, sql) do { \
	if (((s) = csm_store_stmt(a->st, (sql), err)) == NULL) { \
		rc = -2; \
		goto out; \
	} \
	} while (0)

static int
step_done(struct csm_apply *a, sqlite3_stmt *s, struct csm_err *err)
{
	return csm_store_done(a->st, s, err) < 0 ? -2 : 0;
}

static void
bind_val(sqlite3_stmt *s, int i, const struct csm_val *v)
{
	if (v->set)
		sqlite3_bind_text(s, i, v->s, (int)v->len, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static void
bind_time(sqlite3_stmt *s, int i, int64_t t, int set)
{
	if (set)
		sqlite3_bind_int64(s, i, t);
	else
		sqlite3_bind_null(s, i);
}

static char *
col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? strdup((const char *)t) : NULL;
}

static void
trow_clear(struct trow *t)
{
	int i;

	for (i = 0; i < NTEXT; i++)
		free(t->text[i]);
	memset(t, 0, sizeof(*t));
}

/*
 * Loads a ticket with a prepared SELECT of TCOLS (already bound).  Returns
 * 1 found, 0 not, -2 with err.
 */
static int
trow_load(struct csm_apply *a, sqlite3_stmt *s, struct trow *t,
    struct csm_err *err)
{
	int rc = sqlite3_step(s), i;

	memset(t, 0, sizeof(*t));
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return fatal(a, rc, err);
	}
	t->id = sqlite3_column_int64(s, 0);
	t->text[C_SOURCE] = col_dup(s, 1);
	t->text[C_SOURCE_ID] = col_dup(s, 2);
	t->text[C_THREAD_ID] = col_dup(s, 3);
	t->customer = sqlite3_column_int64(s, 4);
	for (i = C_TICKET_TYPE; i < NTEXT; i++)
		t->text[i] = col_dup(s, 5 + (i - C_TICKET_TYPE));
	for (i = 0; i < NTIMES; i++)
		t->t[i] = sqlite3_column_int64(s, 24 + i);
	t->reopens = sqlite3_column_int64(s, 29);
	t->merged_into = sqlite3_column_int64(s, 30);
	sqlite3_reset(s);
	return 1;
}

static int
ticket_by_id(struct csm_apply *a, int64_t id, struct trow *t,
    struct csm_err *err)
{
	sqlite3_stmt *s;

	STMT(s, sql_ticket_by_id);
	sqlite3_bind_int64(s, 1, id);
	return trow_load(a, s, t, err);
}

/* The ticket a message, event or survey refers to.  1, 0 (err set), -2. */
static int
ticket_ref(struct csm_apply *a, struct csm_item *it, struct trow *t,
    struct csm_err *err)
{
	sqlite3_stmt *s;
	char ref[24], esc[2][80];
	int rc;

	if (it->v[F_TICKET].set) {
		rc = ticket_by_id(a, it->v[F_TICKET].i, t, err);
		if (rc == 0) {
			csm_ref_format('T', it->v[F_TICKET].i, ref);
			csm_err_set(err, CSM_EDATA, "ticket: no ticket "
			    "%s", ref);
		}
		return rc;
	}
	STMT(s, sql_ticket_by_thread);
	bind_val(s, 1, &it->v[F_SOURCE]);
	bind_val(s, 2, &it->v[F_THREAD_ID]);
	rc = trow_load(a, s, t, err);
	if (rc == 0)
		csm_err_set(err, CSM_EDATA, "thread_id: no ticket with "
		    "source \"%s\" and thread_id \"%s\" (ingest the ticket "
		    "first)", csm_escape(it->v[F_SOURCE].s, it->v[F_SOURCE].len,
		    esc[0], sizeof(esc[0])), csm_escape(it->v[F_THREAD_ID].s,
		    it->v[F_THREAD_ID].len, esc[1], sizeof(esc[1])));
	return rc;
}

static void
fmt_time(struct csm_apply *a, int64_t t, char *buf)
{
	csm_time_format(t, csm_model_tz(a->model), buf);
}

/* Appends an event.  0 or -2. */
static int
add_event(struct csm_apply *a, int64_t ticket, int64_t cust, int64_t at,
    const char *by, const char *action, const char *field, const char *old,
    const char *new, const char *data, const char *ext, struct csm_err *err)
{
	sqlite3_stmt *s;

	STMT(s, "INSERT INTO events (ticket, customer, at, by, action, field, "
	    "old, new, data, ext) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10)");
	if (ticket > 0)
		sqlite3_bind_int64(s, 1, ticket);
	if (cust > 0)
		sqlite3_bind_int64(s, 2, cust);
	sqlite3_bind_int64(s, 3, at);
	csm_bind_text(s, 4, by);
	csm_bind_text(s, 5, action);
	csm_bind_text(s, 6, field);
	csm_bind_text(s, 7, old);
	csm_bind_text(s, 8, new);
	csm_bind_text(s, 9, data);
	csm_bind_text(s, 10, ext);
	return step_done(a, s, err);
}

static void
count(struct csm_apply *a, int kind, int op)
{
	a->counts[kind][op]++;
}

/* Output. */

static void
w_text(struct csm_writer *w, const char *key, const char *s)
{
	if (s != NULL)
		csm_writer_str(w, key, s, strlen(s));
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

/* Custom fields (a JSON object's text) as top-level fields. */
static void
w_attrs(struct csm_writer *w, const char *text)
{
	if (text != NULL)
		csm_writer_raw_fields(w, text, strlen(text));
}

static void
out_text(struct csm_apply *a, const char *key, const char *s)
{
	w_text(a->out, key, s);
}

static void
out_ref(struct csm_apply *a, const char *key, char prefix, int64_t id)
{
	w_ref(a->out, key, prefix, id);
}

static void
out_time(struct csm_apply *a, const char *key, int64_t t)
{
	w_time(a->out, csm_model_tz(a->model), key, t);
}

static void
out_attrs(struct csm_apply *a, const char *text)
{
	w_attrs(a->out, text);
}

/* A ticket's fields after its id and customer, in the documented order. */
static void
ticket_fields(struct csm_writer *w, const struct csm_tz *tz,
    const struct trow *t)
{
	int i;

	for (i = 0; i < C_ATTRS; i++) {
		if (i == C_TAGS) {
			if (t->text[C_TAGS] != NULL)
				csm_writer_raw(w, "tags", t->text[C_TAGS],
				    strlen(t->text[C_TAGS]));
			continue;
		}
		w_text(w, tcol_names[i], t->text[i]);
	}
	for (i = 0; i < NTIMES; i++)
		if (t->t[i] != 0 || i == TM_CREATED)
			w_time(w, tz, time_names[i], t->t[i]);
	if (t->reopens > 0)
		csm_writer_int(w, "reopens", t->reopens);
	w_ref(w, "merged_into", 'T', t->merged_into);
	w_attrs(w, t->text[C_ATTRS]);
}

/*
 * One ticket line: op, type, id, customer, then the ticket's fields, or
 * pre: those fields formatted already (by csm_apply_prefmt).
 */
static void
emit_ticket_pre(struct csm_apply *a, int op, const struct trow *t,
    const char *pre)
{
	count(a, CSM_KIND_TICKET, op);
	if (op == OP_UNCHANGED && !a->verbose)
		return;
	csm_writer_begin(a->out);
	csm_writer_str(a->out, "op", ops[op], strlen(ops[op]));
	csm_writer_str(a->out, "type", "ticket", 6);
	out_ref(a, "id", 'T', t->id);
	out_ref(a, "customer", 'C', t->customer);
	if (pre != NULL)
		csm_writer_raw_fields(a->out, pre, strlen(pre));
	else
		ticket_fields(a->out, csm_model_tz(a->model), t);
	csm_writer_end(a->out);
}

static void
emit_ticket(struct csm_apply *a, int op, const struct trow *t)
{
	emit_ticket_pre(a, op, t, NULL);
}

/* Reloads a ticket and emits it. 0 or -2. */
static int
emit_ticket_id(struct csm_apply *a, int op, int64_t id, struct csm_err *err)
{
	struct trow t;
	int rc = ticket_by_id(a, id, &t, err);

	if (rc < 0)
		return rc;
	emit_ticket(a, op, &t);
	trow_clear(&t);
	return 0;
}

/* One customer line, from the store. 0 or -2. */
static int
emit_customer(struct csm_apply *a, int op, int64_t cust, const int64_t *from,
    size_t nfrom, struct csm_err *err)
{
	sqlite3_stmt *s;
	size_t i;
	int rc;

	count(a, CSM_KIND_CUSTOMER, op);
	if (op == OP_UNCHANGED && !a->verbose)
		return 0;
	csm_writer_begin(a->out);
	csm_writer_str(a->out, "op", ops[op], strlen(ops[op]));
	csm_writer_str(a->out, "type", "customer", 8);
	out_ref(a, "id", 'C', cust);
	if (nfrom > 0) {
		json_t *m = json_array();

		for (i = 0; i < nfrom; i++) {
			char ref[24];

			csm_ref_format('C', from[i], ref);
			json_array_append_new(m, json_string(ref));
		}
		csm_writer_json(a->out, "merged", m);
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

		out_text(a, "name", (const char *)sqlite3_column_text(s, 0));
		out_text(a, "tier", (const char *)sqlite3_column_text(s, 1));
		out_text(a, "org", (const char *)sqlite3_column_text(s, 2));
		csm_writer_raw(a->out, "identities", ids ? ids : "{}",
		    ids ? strlen(ids) : 2);
		out_time(a, "created_at", sqlite3_column_int64(s, 4));
		out_time(a, "updated_at", sqlite3_column_int64(s, 5));
		out_attrs(a, (const char *)sqlite3_column_text(s, 3));
		rc = SQLITE_DONE;
	}
	sqlite3_reset(s);
	csm_writer_end(a->out);
	return rc == SQLITE_DONE ? 0 : fatal(a, rc, err);
}

static const int prof_fields[3] = {F_NAME, F_TIER, F_ORG};
static const int sorted[CSM_NIDKINDS] = {
	CSM_ID_CRM, CSM_ID_DINGTALK, CSM_ID_EMAIL, CSM_ID_PHONE, CSM_ID_WECHAT,
	CSM_ID_WECOM, CSM_ID_WEIBO
};
static const unsigned prof_flags[3] = {CSM_PROF_NAME, CSM_PROF_TIER,
	CSM_PROF_ORG};

/* A customer just created from a record: emitted from the record, the
 * same fields emit_customer reads back from the store. */
static void
emit_new_customer(struct csm_apply *a, struct csm_item *it, int64_t cust,
    int64_t at)
{
	json_t *ids;
	int i, k;

	count(a, CSM_KIND_CUSTOMER, OP_CREATED);
	csm_writer_begin(a->out);
	csm_writer_str(a->out, "op", "created", 7);
	csm_writer_str(a->out, "type", "customer", 8);
	out_ref(a, "id", 'C', cust);
	for (i = 0; i < 3; i++) {
		const struct csm_val *v = &it->v[prof_fields[i]];

		if (v->set)
			csm_writer_str(a->out, csm_field_name(prof_fields[i]),
			    v->s, v->len);
	}
	/* Identities by kind name, in the order the store sorts them. */
	ids = json_object();
	for (k = 0; k < CSM_NIDKINDS; k++)
		for (i = 0; i < it->nids; i++) {
			const char *name = csm_id_name(it->ids[i].kind);
			json_t *arr;

			if (it->ids[i].kind != sorted[k])
				continue;
			arr = json_object_get(ids, name);
			if (arr == NULL) {
				arr = json_array();
				json_object_set_new(ids, name, arr);
			}
			json_array_append_new(arr, json_stringn_nocheck(
			    it->ids[i].value, it->ids[i].len));
		}
	csm_writer_json(a->out, "identities", ids);
	json_decref(ids);
	out_time(a, "created_at", at);
	out_time(a, "updated_at", at);
	if (it->kind == CSM_KIND_CUSTOMER)
		out_attrs(a, it->attrs);
	csm_writer_end(a->out);
}

/* Customers. */

/* The kept customer gains the custom fields it lacks.  0 or -2. */
static int
merge_attrs(struct csm_apply *a, int64_t keep, int64_t from,
    struct csm_err *err)
{
	sqlite3_stmt *s;
	json_t *k = NULL, *f = NULL;
	const char *text;
	char *out = NULL;
	int rc = 0;

	STMT(s, "SELECT id, attrs FROM customers WHERE id IN (?1, ?2) AND "
	    "attrs IS NOT NULL");
	sqlite3_bind_int64(s, 1, keep);
	sqlite3_bind_int64(s, 2, from);
	while (sqlite3_step(s) == SQLITE_ROW) {
		text = (const char *)sqlite3_column_text(s, 1);
		if (sqlite3_column_int64(s, 0) == keep)
			k = json_loads(text, 0, NULL);
		else
			f = json_loads(text, 0, NULL);
	}
	sqlite3_reset(s);
	if (f != NULL && json_is_object(f)) {
		if (k == NULL || !json_is_object(k)) {
			json_decref(k);
			k = json_object();
		}
		json_object_update_missing(k, f);
		out = csm_json_text(k);
		STMT(s, "UPDATE customers SET attrs = ?2 WHERE id = ?1");
		sqlite3_bind_int64(s, 1, keep);
		sqlite3_bind_text(s, 2, out, -1, free);
		rc = step_done(a, s, err);
	}
	json_decref(k);
	json_decref(f);
	return rc;
}

/*
 * Moves everything of customer from into keep and records how to undo
 * it in the merge event.  0 or -2.
 */
static int
merge(struct csm_apply *a, int64_t keep, int64_t from, int64_t at,
    struct csm_err *err)
{
	sqlite3_stmt *s;
	json_t *data, *arr;
	char *text, ref[2][24];
	int rc;

	data = json_object();
	csm_ref_format('C', from, ref[0]);
	csm_ref_format('C', keep, ref[1]);
	json_object_set_new(data, "from", json_string(ref[0]));
	json_object_set_new(data, "into", json_string(ref[1]));
	arr = json_array();
	STMT(s, "SELECT kind, value FROM identities WHERE customer = ?1");
	sqlite3_bind_int64(s, 1, from);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("[ss]",
		    (const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1)));
	sqlite3_reset(s);
	json_object_set_new(data, "identities", arr);
	if (rc != SQLITE_DONE)
		goto undo_fail;
	arr = json_array();
	STMT(s, "SELECT id FROM tickets WHERE customer = ?1");
	sqlite3_bind_int64(s, 1, from);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char t[24];

		csm_ref_format('T', sqlite3_column_int64(s, 0), t);
		json_array_append_new(arr, json_string(t));
	}
	sqlite3_reset(s);
	json_object_set_new(data, "tickets", arr);
	if (rc != SQLITE_DONE)
		goto undo_fail;
	arr = json_array();
	STMT(s, "SELECT order_no FROM orders WHERE customer = ?1");
	sqlite3_bind_int64(s, 1, from);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(arr, json_string((const char *)
		    sqlite3_column_text(s, 0)));
	sqlite3_reset(s);
	json_object_set_new(data, "orders", arr);
	if (rc != SQLITE_DONE) {
undo_fail:
		/* The undo data would be incomplete: no merge. */
		json_decref(data);
		return csm_store_sqlerr(a->st, rc, err), -2;
	}
	text = csm_json_text(data);
	json_decref(data);
	if (text == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory"), -2;

	STMT(s, "UPDATE identities SET customer = ?1 WHERE customer = ?2");
	sqlite3_bind_int64(s, 1, keep);
	sqlite3_bind_int64(s, 2, from);
	if (step_done(a, s, err) < 0)
		goto fail;
	STMT(s, "UPDATE tickets SET customer = ?1 WHERE customer = ?2");
	sqlite3_bind_int64(s, 1, keep);
	sqlite3_bind_int64(s, 2, from);
	if (step_done(a, s, err) < 0)
		goto fail;
	STMT(s, "UPDATE orders SET customer = ?1 WHERE customer = ?2");
	sqlite3_bind_int64(s, 1, keep);
	sqlite3_bind_int64(s, 2, from);
	if (step_done(a, s, err) < 0)
		goto fail;
	/* The kept customer inherits what it lacks of the profile. */
	STMT(s, "UPDATE customers SET "
	    "name = coalesce(name, (SELECT name FROM customers WHERE id = ?2)),"
	    "tier = coalesce(tier, (SELECT tier FROM customers WHERE id = ?2)),"
	    "org = coalesce(org, (SELECT org FROM customers WHERE id = ?2)),"
	    "updated_at = max(updated_at, ?3) WHERE id = ?1");
	sqlite3_bind_int64(s, 1, keep);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, at);
	if (step_done(a, s, err) < 0)
		goto fail;
	if (merge_attrs(a, keep, from, err) < 0)
		goto fail;
	STMT(s, "UPDATE customers SET merged_into = ?1, updated_at = "
	    "max(updated_at, ?3) WHERE id = ?2");
	sqlite3_bind_int64(s, 1, keep);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, at);
	if (step_done(a, s, err) < 0)
		goto fail;
	if (add_event(a, 0, keep, at, a->by, "merge", "customer", ref[0],
	    ref[1], text, NULL, err) < 0)
		goto fail;
	free(text);
	if (csm_idcache_merge(a->ids, (uint32_t)from, (uint32_t)keep) < 0)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory"), -2;
	return 0;
fail:
	free(text);
	return -2;
}


/* A new customer with the record's profile and identities.  0 or -2. */
static int
create_customer(struct csm_apply *a, struct csm_item *it, int64_t at,
    int with_attrs, int64_t *cust, struct csm_err *err)
{
	sqlite3_stmt *s;
	unsigned flags = CSM_PROF_EXISTS;
	int i;

	STMT(s, "INSERT INTO customers (name, tier, org, attrs, created_at, "
	    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	for (i = 0; i < 3; i++) {
		bind_val(s, i + 1, &it->v[prof_fields[i]]);
		if (it->v[prof_fields[i]].set)
			flags |= prof_flags[i];
	}
	if (with_attrs && it->attrs != NULL)
		sqlite3_bind_text(s, 4, it->attrs, -1, SQLITE_STATIC);
	/* A CRM record may say when the customer was created. */
	sqlite3_bind_int64(s, 5, it->kind == CSM_KIND_CUSTOMER &&
	    it->v[F_CREATED_AT].set && it->v[F_CREATED_AT].i < at ?
	    it->v[F_CREATED_AT].i : at);
	sqlite3_bind_int64(s, 6, at);
	if (step_done(a, s, err) < 0)
		return -2;
	*cust = sqlite3_last_insert_rowid(csm_store_db(a->st));
	if (*cust > UINT32_MAX)
		return csm_err_set(err, CSM_EINTERNAL, "too many customers"),
		    -2;
	csm_idcache_set_flags(a->ids, (uint32_t)*cust, flags);
	/* Creation is no event: the row's created_at records it. */
	return 0;
}

/* Gives cust the identities of the record it does not have yet. */
static int
add_identities(struct csm_apply *a, struct csm_item *it, int64_t cust,
    int64_t at, int log, int *changed, struct csm_err *err)
{
	sqlite3_stmt *s;
	int i, added = 0;

	for (i = 0; i < it->nids; i++) {
		const struct csm_ident *id = &it->ids[i];

		if (csm_idcache_get(a->ids, id->kind, id->value, id->len) != 0)
			continue;
		STMT(s, "INSERT INTO identities (kind, value, customer) "
		    "VALUES (?1, ?2, ?3)");
		sqlite3_bind_text(s, 1, csm_id_name(id->kind), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(s, 2, id->value, (int)id->len,
		    SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, cust);
		if (step_done(a, s, err) < 0)
			return -2;
		if (csm_idcache_put(a->ids, id->kind, id->value, id->len,
		    (uint32_t)cust) < 0)
			return csm_err_set(err, CSM_EINTERNAL,
			    "out of memory"), -2;
		if (log && add_event(a, 0, cust, at, a->by, "identity",
		    csm_id_name(id->kind), NULL, id->value, NULL, NULL,
		    err) < 0)
			return -2;
		added = log;
	}
	if (added) {
		STMT(s, "UPDATE customers SET updated_at = max(updated_at, ?2) "
		    "WHERE id = ?1");
		sqlite3_bind_int64(s, 1, cust);
		sqlite3_bind_int64(s, 2, at);
		if (step_done(a, s, err) < 0)
			return -2;
		*changed = 1;
	}
	return 0;
}

/* Merges the record's custom fields (JSON text) into the stored ones;
 * new text, or NULL when nothing differs. */
static char *
merged_attrs(const char *stored, const char *in_text)
{
	json_t *cur = NULL, *in, *v;
	const char *k;
	char *out = NULL;
	int diff = 0;

	if (in_text == NULL || (in = json_loads(in_text, 0, NULL)) == NULL)
		return NULL;
	if (stored != NULL)
		cur = json_loads(stored, 0, NULL);
	if (cur == NULL)
		cur = json_object();
	json_object_foreach(in, k, v)
		if (!json_equal(json_object_get(cur, k), v)) {
			json_object_set(cur, k, v);
			diff = 1;
		}
	if (diff)
		out = csm_json_text(cur);
	json_decref(cur);
	json_decref(in);
	return out;
}

/* Updates the profile: every given field (authoritative) or only the
 * empty ones (records that merely mention the customer). */
static int
update_profile(struct csm_apply *a, struct csm_item *it, int64_t cust,
    int64_t at, int authoritative, int *changed, struct csm_err *err)
{
	static const char *const fill_sql[3] = {
		"UPDATE customers SET name = ?2, updated_at = max(updated_at, "
		"?3) WHERE id = ?1 AND name IS NULL",
		"UPDATE customers SET tier = ?2, updated_at = max(updated_at, "
		"?3) WHERE id = ?1 AND tier IS NULL",
		"UPDATE customers SET org = ?2, updated_at = max(updated_at, "
		"?3) WHERE id = ?1 AND org IS NULL",
	};
	static const char *const set_sql[3] = {
		"UPDATE customers SET name = ?2, updated_at = max(updated_at, "
		"?3) WHERE id = ?1 AND name IS NOT ?2 RETURNING 0",
		"UPDATE customers SET tier = ?2, updated_at = max(updated_at, "
		"?3) WHERE id = ?1 AND tier IS NOT ?2 RETURNING 0",
		"UPDATE customers SET org = ?2, updated_at = max(updated_at, "
		"?3) WHERE id = ?1 AND org IS NOT ?2 RETURNING 0",
	};
	static const char *const old_sql[3] = {
		"SELECT name FROM customers WHERE id = ?1",
		"SELECT tier FROM customers WHERE id = ?1",
		"SELECT org FROM customers WHERE id = ?1",
	};
	unsigned flags = csm_idcache_flags(a->ids, (uint32_t)cust);
	sqlite3_stmt *s;
	char *old;
	int i;

	for (i = 0; i < 3; i++) {
		const struct csm_val *v = &it->v[prof_fields[i]];

		if (!v->set || (!authoritative && (flags & prof_flags[i])))
			continue;
		STMT(s, old_sql[i]);
		sqlite3_bind_int64(s, 1, cust);
		old = sqlite3_step(s) == SQLITE_ROW ? col_dup(s, 0) : NULL;
		sqlite3_reset(s);
		if (old != NULL && (!authoritative ||
		    (strlen(old) == v->len && memcmp(old, v->s, v->len) == 0))) {
			free(old);
			flags |= prof_flags[i];
			continue;
		}
		STMT(s, authoritative ? set_sql[i] : fill_sql[i]);
		sqlite3_bind_int64(s, 1, cust);
		bind_val(s, 2, v);
		sqlite3_bind_int64(s, 3, at);
		if (step_done(a, s, err) < 0 || add_event(a, 0, cust, at,
		    a->by, "profile", csm_field_name(prof_fields[i]), old,
		    v->s, NULL, NULL, err) < 0) {
			free(old);
			return -2;
		}
		free(old);
		flags |= prof_flags[i];
		*changed = 1;
	}
	csm_idcache_set_flags(a->ids, (uint32_t)cust, flags);
	if (authoritative && it->attrs != NULL) {
		const char *text;
		char *new;

		STMT(s, "SELECT attrs FROM customers WHERE id = ?1");
		sqlite3_bind_int64(s, 1, cust);
		text = NULL;
		if (sqlite3_step(s) == SQLITE_ROW)
			text = (const char *)sqlite3_column_text(s, 0);
		new = merged_attrs(text, it->attrs);
		sqlite3_reset(s);
		if (new != NULL) {
			STMT(s, "UPDATE customers SET attrs = ?2, updated_at = "
			    "max(updated_at, ?3) WHERE id = ?1");
			sqlite3_bind_int64(s, 1, cust);
			sqlite3_bind_text(s, 2, new, -1, free);
			sqlite3_bind_int64(s, 3, at);
			if (step_done(a, s, err) < 0 || add_event(a, 0, cust,
			    at, a->by, "profile", "attrs", NULL, NULL, NULL,
			    NULL, err) < 0)
				return -2;
			*changed = 1;
		}
	}
	return 0;
}

/*
 * Resolves the record's customer: by its identities, its "customer" field
 * and hint (the customer a known ticket already has).  Creates, merges and
 * updates as needed and emits a customer line when anything changed.
 * *cust gets the customer (0: the record names none).  Returns 0, -1 with
 * err (refused), -2.
 */
static int
resolve(struct csm_apply *a, struct csm_item *it, int64_t hint,
    int authoritative, int64_t at, int64_t *cust, int *op,
    struct csm_err *err)
{
	int64_t roots[CSM_NIDKINDS + 2], keep = 0;
	size_t nroots = 0, i, j;
	int changed = 0, created = 0;

	*op = OP_UNCHANGED;
	if (!csm_idcache_loaded(a->ids) &&
	    csm_idcache_load(a->ids, a->st, err) < 0)
		return -2;
	if (it->v[F_CUSTOMER].set) {
		unsigned f = csm_idcache_flags(a->ids,
		    (uint32_t)it->v[F_CUSTOMER].i);
		char ref[24];

		if (!(f & CSM_PROF_EXISTS) || it->v[F_CUSTOMER].i > UINT32_MAX) {
			csm_ref_format('C', it->v[F_CUSTOMER].i, ref);
			return csm_err_set(err, CSM_EDATA, "customer: "
			    "no customer %s", ref);
		}
		roots[nroots++] = csm_idcache_root(a->ids,
		    (uint32_t)it->v[F_CUSTOMER].i);
	}
	if (hint > 0)
		roots[nroots++] = csm_idcache_root(a->ids, (uint32_t)hint);
	for (i = 0; i < (size_t)it->nids; i++) {
		uint32_t r = csm_idcache_get(a->ids, it->ids[i].kind,
		    it->ids[i].value, it->ids[i].len);

		if (r != 0)
			roots[nroots++] = r;
	}
	/* Deduplicate; the oldest customer is kept. */
	for (i = 0; i < nroots; i++)
		if (keep == 0 || roots[i] < keep)
			keep = roots[i];
	if (keep == 0) {
		if (it->nids == 0) {
			*cust = 0;
			return 0;
		}
		if (it->kind == CSM_KIND_CUSTOMER && it->missing != NULL)
			return csm_err_set(err, CSM_EDATA, "%s", it->missing);
		if (create_customer(a, it, at,
		    it->kind == CSM_KIND_CUSTOMER, &keep, err) < 0)
			return -2;
		created = 1;
	}
	{
		int64_t merged[CSM_NIDKINDS + 2];
		size_t nmerged = 0;

		for (i = 0; i < nroots; i++) {
			if (roots[i] == keep)
				continue;
			for (j = 0; j < nmerged; j++)
				if (merged[j] == roots[i])
					break;
			if (j < nmerged)
				continue;
			if (merge(a, keep, roots[i], at, err) < 0)
				return -2;
			merged[nmerged++] = roots[i];
		}
		if (add_identities(a, it, keep, at, !created, &changed, err) < 0)
			return -2;
		if (!created && update_profile(a, it, keep, at, authoritative,
		    &changed, err) < 0)
			return -2;
		*cust = keep;
		*op = created ? OP_CREATED : nmerged ? OP_MERGED :
		    changed ? OP_UPDATED : OP_UNCHANGED;
		if (*op == OP_CREATED) {
			emit_new_customer(a, it, keep, at);
			return 0;
		}
		if (*op != OP_UNCHANGED || it->kind == CSM_KIND_CUSTOMER)
			return emit_customer(a, *op, keep, merged, nmerged,
			    err);
	}
	return 0;
}

/* Tickets. */

static int
is_done(const char *status)
{
	return status != NULL && (strcmp(status, "resolved") == 0 ||
	    strcmp(status, "closed") == 0);
}

/*
 * Moves a ticket to status/stage at time at, keeping resolved_at,
 * closed_at and reopens right, and logs it (with ext for input events).
 */
static int
set_status(struct csm_apply *a, struct trow *t, const char *status,
    const char *stage, int64_t at, const char *by, const char *ext,
    struct csm_err *err)
{
	sqlite3_stmt *s;
	int reopen = is_done(t->text[C_STATUS]) && !is_done(status);
	const char *old = t->text[C_STAGE] ? t->text[C_STAGE] :
	    t->text[C_STATUS];

	if (strcmp(status, "resolved") == 0 && t->t[TM_RESOLVED] == 0)
		t->t[TM_RESOLVED] = at;
	if (strcmp(status, "closed") == 0) {
		t->t[TM_CLOSED] = at;
		if (t->t[TM_RESOLVED] == 0)
			t->t[TM_RESOLVED] = at;
	}
	if (reopen) {
		t->t[TM_RESOLVED] = t->t[TM_CLOSED] = 0;
		t->reopens++;
	}
	STMT(s, "UPDATE tickets SET status = ?2, stage = ?3, resolved_at = "
	    "?4, closed_at = ?5, reopens = ?6 WHERE id = ?1");
	sqlite3_bind_int64(s, 1, t->id);
	csm_bind_text(s, 2, status);
	csm_bind_text(s, 3, stage);
	bind_time(s, 4, t->t[TM_RESOLVED], t->t[TM_RESOLVED] != 0);
	bind_time(s, 5, t->t[TM_CLOSED], t->t[TM_CLOSED] != 0);
	sqlite3_bind_int64(s, 6, t->reopens);
	if (step_done(a, s, err) < 0 || add_event(a, t->id, 0, at, by,
	    reopen ? "reopen" : "status", "status", old,
	    stage ? stage : status, NULL, ext, err) < 0)
		return -2;
	free(t->text[C_STATUS]);
	free(t->text[C_STAGE]);
	t->text[C_STATUS] = strdup(status);
	t->text[C_STAGE] = stage ? strdup(stage) : NULL;
	return 0;
}

/* Sets one text column and logs it. */
static int
set_col(struct csm_apply *a, struct trow *t, int col, const char *value,
    int64_t at, const char *by, const char *action, const char *ext,
    struct csm_err *err)
{
	const struct tfield *tf = tfield_of_col(col);
	sqlite3_stmt *s;

	STMT(s, tf->sql);
	sqlite3_bind_int64(s, 1, t->id);
	csm_bind_text(s, 2, value);
	if (step_done(a, s, err) < 0 || add_event(a, t->id, 0, at, by,
	    action ? action : tf->action, tcol_names[col], t->text[col], value,
	    NULL, ext, err) < 0)
		return -2;
	free(t->text[col]);
	t->text[col] = value ? strdup(value) : NULL;
	return 0;
}

static int
touch(struct csm_apply *a, struct trow *t, int64_t at, struct csm_err *err)
{
	sqlite3_stmt *s;

	if (at <= t->t[TM_UPDATED])
		return 0;
	STMT(s, "UPDATE tickets SET updated_at = ?2 WHERE id = ?1");
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_int64(s, 2, at);
	t->t[TM_UPDATED] = at;
	return step_done(a, s, err);
}

static int
same(const char *stored, const struct csm_val *v)
{
	return stored != NULL && strlen(stored) == v->len &&
	    memcmp(stored, v->s, v->len) == 0;
}

/*
 * The row a record makes as a new ticket: its status and stage (borrowed
 * from the model), its times, and its text fields borrowed from the item.
 * A view, never to be given to trow_clear.  0, or -1 with err.
 */
static int
new_ticket(const struct csm_model *m, int64_t now, const struct csm_item *it,
    struct trow *t, struct csm_err *err)
{
	static const int map[NTEXT] = {
		[C_SOURCE] = F_SOURCE, [C_SOURCE_ID] = F_SOURCE_ID,
		[C_THREAD_ID] = F_THREAD_ID, [C_TICKET_TYPE] = F_TICKET_TYPE,
		[C_SUBJECT] = F_SUBJECT, [C_BODY] = F_BODY, [C_STATUS] = -1,
		[C_STAGE] = -1, [C_PRIORITY] = F_PRIORITY,
		[C_CATEGORY] = F_CATEGORY, [C_PRODUCT] = F_PRODUCT,
		[C_REGION] = F_REGION, [C_TAGS] = -1, [C_GRP] = F_GROUP,
		[C_ASSIGNEE] = F_ASSIGNEE, [C_PHONE] = F_PHONE,
		[C_EMAIL] = F_EMAIL, [C_WECHAT] = F_WECHAT, [C_NAME] = F_NAME,
		[C_TIER] = F_TIER, [C_ORG] = F_ORG, [C_ATTRS] = -1,
	};
	const struct csm_val *v = it->v;
	const char *status, *stage;
	int i;

	memset(t, 0, sizeof(*t));
	if (csm_model_move(m, NULL, v[F_TICKET_TYPE].set ?
	    v[F_TICKET_TYPE].s : NULL, v[F_STATUS].set ? v[F_STATUS].s : NULL,
	    now, &status, &stage, err) < 0) {
		char msg[sizeof(err->msg)];

		/* csm_apply_prefmt asks for no reason. */
		if (err == NULL)
			return -1;
		memcpy(msg, err->msg, sizeof(msg));
		return csm_err_set(err, CSM_EDATA, "status: %s", msg);
	}
	t->t[TM_CREATED] = v[F_CREATED_AT].set ? v[F_CREATED_AT].i : now;
	t->t[TM_UPDATED] = v[F_UPDATED_AT].set &&
	    v[F_UPDATED_AT].i > t->t[TM_CREATED] ? v[F_UPDATED_AT].i :
	    t->t[TM_CREATED];
	t->t[TM_FIRST_RESPONSE] = v[F_FIRST_RESPONSE_AT].set ?
	    v[F_FIRST_RESPONSE_AT].i : 0;
	t->t[TM_RESOLVED] = v[F_RESOLVED_AT].set ? v[F_RESOLVED_AT].i : 0;
	t->t[TM_CLOSED] = v[F_CLOSED_AT].set ? v[F_CLOSED_AT].i : 0;
	if (is_done(status) && t->t[TM_RESOLVED] == 0)
		t->t[TM_RESOLVED] = t->t[TM_UPDATED];
	if (strcmp(status, "closed") == 0 && t->t[TM_CLOSED] == 0)
		t->t[TM_CLOSED] = t->t[TM_UPDATED];
	for (i = 0; i < NTEXT; i++)
		t->text[i] = map[i] >= 0 && v[map[i]].set ?
		    (char *)(uintptr_t)v[map[i]].s : NULL;
	if (!v[F_SOURCE_ID].set)
		t->text[C_SOURCE_ID] = (char *)(uintptr_t)it->key;
	if (!v[F_PRIORITY].set)
		t->text[C_PRIORITY] = (char *)(uintptr_t)"normal";
	t->text[C_STATUS] = (char *)(uintptr_t)status;
	t->text[C_STAGE] = (char *)(uintptr_t)stage;
	t->text[C_TAGS] = (char *)(uintptr_t)it->tags;
	t->text[C_ATTRS] = (char *)(uintptr_t)it->attrs;
	return 0;
}

/*
 * Formats, on the parser thread, the fields of the line a ticket record
 * prints if it creates a ticket, so that the store thread only adds the id
 * and customer.  Leaves it->pre NULL when the record may not create one
 * or cannot be formatted ahead.  w is a JSONL writer of the caller's.
 */
void
csm_apply_prefmt(const struct csm_model *m, int64_t now, struct csm_item *it,
    struct csm_writer *w, struct csm_arena *ar)
{
	struct trow t;
	const char *text;
	size_t len;

	it->pre = NULL;
	if (it->kind != CSM_KIND_TICKET || it->v[F_ID].set ||
	    new_ticket(m, now, it, &t, NULL) < 0)
		return;
	csm_writer_discard(w);
	csm_writer_begin(w);
	ticket_fields(w, csm_model_tz(m), &t);
	csm_writer_end(w);
	text = csm_writer_buffer(w, &len);
	/* "{...}\n": keep the object. */
	if (len >= 3)
		it->pre = csm_arena_strndup(ar, text, len - 1);
	csm_writer_discard(w);
}

static int
create_ticket(struct csm_apply *a, struct csm_item *it, struct csm_err *err)
{
	struct csm_val *v = it->v;
	struct trow t;
	sqlite3_stmt *s;
	int64_t cust = 0;
	int op, i;

	if (new_ticket(a->model, a->now, it, &t, err) < 0)
		return -1;
	if (it->missing != NULL)
		return csm_err_set(err, CSM_EDATA, "%s", it->missing);
	if (resolve(a, it, 0, 0, t.t[TM_CREATED], &cust, &op, err) != 0)
		return err->code == CSM_EDATA ? -1 : -2;
	STMT(s, "INSERT INTO tickets (source, source_id, thread_id, customer, "
	    "ticket_type, subject, body, status, stage, priority, category, "
	    "product, region, tags, grp, assignee, phone, email, wechat, name, "
	    "tier, org, attrs, created_at, updated_at, first_response_at, "
	    "resolved_at, closed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
	    "?22, ?23, ?24, ?25, ?26, ?27, ?28)");
	bind_val(s, 1, &v[F_SOURCE]);
	csm_bind_text(s, 2, t.text[C_SOURCE_ID]);
	bind_val(s, 3, &v[F_THREAD_ID]);
	if (cust > 0)
		sqlite3_bind_int64(s, 4, cust);
	bind_val(s, 5, &v[F_TICKET_TYPE]);
	bind_val(s, 6, &v[F_SUBJECT]);
	bind_val(s, 7, &v[F_BODY]);
	sqlite3_bind_text(s, 8, t.text[C_STATUS], -1, SQLITE_STATIC);
	csm_bind_text(s, 9, t.text[C_STAGE]);
	sqlite3_bind_text(s, 10, t.text[C_PRIORITY], -1, SQLITE_STATIC);
	bind_val(s, 11, &v[F_CATEGORY]);
	bind_val(s, 12, &v[F_PRODUCT]);
	bind_val(s, 13, &v[F_REGION]);
	if (it->tags != NULL)
		sqlite3_bind_text(s, 14, it->tags, -1, SQLITE_STATIC);
	bind_val(s, 15, &v[F_GROUP]);
	bind_val(s, 16, &v[F_ASSIGNEE]);
	bind_val(s, 17, &v[F_PHONE]);
	bind_val(s, 18, &v[F_EMAIL]);
	bind_val(s, 19, &v[F_WECHAT]);
	bind_val(s, 20, &v[F_NAME]);
	bind_val(s, 21, &v[F_TIER]);
	bind_val(s, 22, &v[F_ORG]);
	if (it->attrs != NULL)
		sqlite3_bind_text(s, 23, it->attrs, -1, SQLITE_STATIC);
	for (i = 0; i < NTIMES; i++)
		bind_time(s, 24 + i, t.t[i], t.t[i] != 0);
	if (step_done(a, s, err) < 0)
		return -2;
	t.id = sqlite3_last_insert_rowid(csm_store_db(a->st));
	t.customer = cust;
	/* Creation is no event: created_at, source and status record it;
	 * the events are the changes after it.  The line is printed from
	 * the record: no need to read the row back. */
	emit_ticket_pre(a, OP_CREATED, &t, it->pre);
	return 0;
}

static int
update_ticket(struct csm_apply *a, struct csm_item *it, struct trow *t,
    struct csm_err *err)
{
	struct csm_val *v = it->v;
	const char *status = NULL, *stage = NULL, *ttype;
	int64_t at, cust;
	int moved = 0, changed = 0, op, rc;
	size_t i;
	char *attrs;

	at = v[F_UPDATED_AT].set ? v[F_UPDATED_AT].i : v[F_CREATED_AT].set ?
	    v[F_CREATED_AT].i : 0;
	if (at != 0 && at <= t->t[TM_UPDATED]) {
		/* Not newer than what the store knows: nothing to change. */
		emit_ticket(a, OP_UNCHANGED, t);
		return 0;
	}
	if (at == 0)
		at = a->now > t->t[TM_UPDATED] ? a->now : t->t[TM_UPDATED];
	if (v[F_TICKET_TYPE].set && t->text[C_TICKET_TYPE] != NULL &&
	    !same(t->text[C_TICKET_TYPE], &v[F_TICKET_TYPE])) {
		char esc[80];

		return csm_err_set(err, CSM_EDATA, "ticket_type: "
		    "ticket is already of type \"%s\"", csm_escape(
		    t->text[C_TICKET_TYPE], strlen(t->text[C_TICKET_TYPE]), esc,
		    sizeof(esc)));
	}
	ttype = v[F_TICKET_TYPE].set ? v[F_TICKET_TYPE].s :
	    t->text[C_TICKET_TYPE];
	if (v[F_STATUS].set) {
		struct csm_ticket_state cur = {ttype, t->text[C_STATUS],
			t->text[C_STAGE], t->t[TM_CLOSED]};
		char msg[sizeof(err->msg)];

		moved = csm_model_move(a->model, &cur, ttype, v[F_STATUS].s,
		    at, &status, &stage, err);
		if (moved < 0) {
			memcpy(msg, err->msg, sizeof(msg));
			return csm_err_set(err, CSM_EDATA, "status: %s",
			    msg);
		}
	}
	/* Everything is checked: from here on, write. */
	rc = resolve(a, it, t->customer, 0, at, &cust, &op, err);
	if (rc != 0)
		return rc == -1 ? -1 : -2;
	if (cust != t->customer && cust > 0) {
		sqlite3_stmt *s;
		char ref[2][24];

		STMT(s, "UPDATE tickets SET customer = ?2 WHERE id = ?1");
		sqlite3_bind_int64(s, 1, t->id);
		sqlite3_bind_int64(s, 2, cust);
		csm_ref_format('C', t->customer, ref[0]);
		csm_ref_format('C', cust, ref[1]);
		if (step_done(a, s, err) < 0 || add_event(a, t->id, 0, at,
		    a->by, "update", "customer", t->customer ? ref[0] : NULL,
		    ref[1], NULL, NULL, err) < 0)
			return -2;
		t->customer = cust;
		changed = 1;
	}
	for (i = 0; i < sizeof(tfields) / sizeof(tfields[0]); i++) {
		const struct tfield *tf = &tfields[i];
		const char *nv;

		if (tf->field < 0)
			continue;
		if (tf->field == F_TAGS) {
			if (it->tags == NULL || (t->text[C_TAGS] != NULL &&
			    strcmp(t->text[C_TAGS], it->tags) == 0))
				continue;
			nv = it->tags;
		} else {
			if (!v[tf->field].set || same(t->text[tf->col],
			    &v[tf->field]))
				continue;
			nv = v[tf->field].s;
		}
		if (set_col(a, t, tf->col, nv, at, a->by, NULL, NULL, err) < 0)
			return -2;
		changed = 1;
	}
	attrs = merged_attrs(t->text[C_ATTRS], it->attrs);
	if (attrs != NULL) {
		rc = set_col(a, t, C_ATTRS, attrs, at, a->by, NULL, NULL, err);
		free(attrs);
		if (rc < 0)
			return -2;
		changed = 1;
	}
	if (moved > 0) {
		if (set_status(a, t, status, stage, at, a->by, NULL, err) < 0)
			return -2;
		changed = 1;
	}
	if (changed && touch(a, t, at, err) < 0)
		return -2;
	if (changed)
		return emit_ticket_id(a, OP_UPDATED, t->id, err);
	emit_ticket(a, OP_UNCHANGED, t);
	return 0;
}

static int
apply_ticket(struct csm_apply *a, struct csm_item *it, struct csm_err *err)
{
	struct trow t;
	sqlite3_stmt *s;
	int rc;

	if (it->v[F_ID].set) {
		rc = ticket_by_id(a, it->v[F_ID].i, &t, err);
		if (rc == 0) {
			char ref[24];

			csm_ref_format('T', it->v[F_ID].i, ref);
			return csm_err_set(err, CSM_EDATA, "id: no "
			    "ticket %s", ref);
		}
	} else {
		STMT(s, sql_ticket_by_key);
		bind_val(s, 1, &it->v[F_SOURCE]);
		if (it->v[F_SOURCE_ID].set)
			bind_val(s, 2, &it->v[F_SOURCE_ID]);
		else
			sqlite3_bind_text(s, 2, it->key, -1, SQLITE_STATIC);
		rc = trow_load(a, s, &t, err);
		if (rc == 0)
			return create_ticket(a, it, err);
	}
	if (rc < 0)
		return rc;
	rc = update_ticket(a, it, &t, err);
	trow_clear(&t);
	return rc;
}

/* Messages. */

/* A follow-up ticket for a reply to a ticket closed too long ago. */
static int
follow_up(struct csm_apply *a, struct trow *t, const char *key, int64_t at,
    struct csm_err *err)
{
	sqlite3_stmt *s;
	char ref[2][24];
	struct csm_buf sid = {0}, subj = {0};
	const char *status, *stage;
	int64_t id;
	int rc;

	/* It starts where a new ticket of its type starts. */
	if (csm_model_move(a->model, NULL, t->text[C_TICKET_TYPE], NULL, at,
	    &status, &stage, err) < 0)
		return -2;
	csm_buf_add(&sid, "followup:", 9);
	csm_buf_add(&sid, key, strlen(key));
	csm_buf_add(&subj, "Re: ", 4);
	if (t->text[C_SUBJECT] != NULL)
		csm_buf_add(&subj, t->text[C_SUBJECT],
		    strlen(t->text[C_SUBJECT]));
	STMT(s, "INSERT INTO tickets (source, source_id, thread_id, customer, "
	    "ticket_type, subject, status, stage, priority, category, "
	    "product, region, grp, phone, email, wechat, name, tier, org, "
	    "created_at, updated_at) SELECT source, ?2, thread_id, customer, "
	    "ticket_type, ?3, ?5, ?6, priority, category, product, region, "
	    "grp, phone, email, wechat, name, tier, org, ?4, ?4 FROM tickets "
	    "WHERE id = ?1");
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_text(s, 2, sid.p, (int)sid.len, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, subj.p ? subj.p : "", (int)subj.len,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, at);
	csm_bind_text(s, 5, status);
	csm_bind_text(s, 6, stage);
	rc = step_done(a, s, err);
	csm_buf_free(&sid);
	csm_buf_free(&subj);
	if (rc < 0)
		return -2;
	id = sqlite3_last_insert_rowid(csm_store_db(a->st));
	csm_ref_format('T', t->id, ref[0]);
	csm_ref_format('T', id, ref[1]);
	if (add_event(a, id, 0, at, a->by, "link",
	    "follow_up_of", NULL, ref[0], NULL, NULL, err) < 0 ||
	    add_event(a, t->id, 0, at, a->by, "link", "follow_up", NULL,
	    ref[1], NULL, NULL, err) < 0)
		return -2;
	trow_clear(t);
	rc = ticket_by_id(a, id, t, err);
	if (rc <= 0)
		return -2;
	emit_ticket(a, OP_CREATED, t);
	return 0;
}

static int
apply_message(struct csm_apply *a, struct csm_item *it, struct csm_err *err)
{
	struct csm_val *v = it->v;
	struct trow t;
	sqlite3_stmt *s;
	const char *source = NULL, *key, *status, *stage;
	int64_t at = v[F_AT].set ? v[F_AT].i : a->now, mid;
	int rc, in, pub, aut, changed = 0;
	char ref[24], srcbuf[128];

	rc = ticket_ref(a, it, &t, err);
	if (rc <= 0)
		return rc == 0 ? -1 : rc;
	/* A copy: a follow-up ticket below replaces t. */
	if (!v[F_SOURCE].set) {
		snprintf(srcbuf, sizeof(srcbuf), "%s", t.text[C_SOURCE]);
		source = srcbuf;
	}
	key = v[F_SOURCE_ID].set ? NULL : it->key;
	STMT(s, "SELECT id FROM messages WHERE source = ?1 AND source_id = ?2");
	if (source != NULL)
		csm_bind_text(s, 1, source);
	else
		bind_val(s, 1, &v[F_SOURCE]);
	if (key != NULL)
		csm_bind_text(s, 2, key);
	else
		bind_val(s, 2, &v[F_SOURCE_ID]);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW) {
		count(a, CSM_KIND_MESSAGE, OP_UNCHANGED);
		if (a->verbose) {
			csm_writer_begin(a->out);
			csm_writer_str(a->out, "op", "unchanged", 9);
			csm_writer_str(a->out, "type", "message", 7);
			out_ref(a, "ticket", 'T', t.id);
			csm_writer_end(a->out);
		}
		trow_clear(&t);
		return 0;
	}
	if (rc != SQLITE_DONE) {
		trow_clear(&t);
		return fatal(a, rc, err);
	}
	in = v[F_DIRECTION].s[0] == 'i';
	pub = v[F_PUBLIC].set ? (int)v[F_PUBLIC].i : 1;
	aut = v[F_AUTO].set ? (int)v[F_AUTO].i : 0;
	/* A customer writing on a ticket closed too long ago starts a
	 * follow-up ticket instead of reopening it. */
	if (in && !aut && t.text[C_STATUS] != NULL &&
	    strcmp(t.text[C_STATUS], "closed") == 0 && at > t.t[TM_CLOSED]) {
		struct csm_ticket_state cur = {t.text[C_TICKET_TYPE],
			t.text[C_STATUS], t.text[C_STAGE], t.t[TM_CLOSED]};

		if (csm_model_reopen(a->model, &cur, at, &status, &stage,
		    NULL) < 0 && (rc = follow_up(a, &t, key ? key :
		    v[F_SOURCE_ID].s, at, err)) < 0) {
			trow_clear(&t);
			return rc;
		}
	}
	STMT(s, "INSERT INTO messages (ticket, source, source_id, direction, "
	    "author, body, at, public, auto, attrs) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6, ?7, ?8, ?9, ?10)");
	sqlite3_bind_int64(s, 1, t.id);
	if (source != NULL)
		csm_bind_text(s, 2, source);
	else
		bind_val(s, 2, &v[F_SOURCE]);
	if (key != NULL)
		csm_bind_text(s, 3, key);
	else
		bind_val(s, 3, &v[F_SOURCE_ID]);
	bind_val(s, 4, &v[F_DIRECTION]);
	bind_val(s, 5, &v[F_AUTHOR]);
	bind_val(s, 6, &v[F_BODY]);
	sqlite3_bind_int64(s, 7, at);
	sqlite3_bind_int(s, 8, pub);
	sqlite3_bind_int(s, 9, aut);
	if (it->attrs != NULL)
		sqlite3_bind_text(s, 10, it->attrs, -1, SQLITE_STATIC);
	if (step_done(a, s, err) < 0) {
		trow_clear(&t);
		return -2;
	}
	mid = sqlite3_last_insert_rowid(csm_store_db(a->st));
	count(a, CSM_KIND_MESSAGE, OP_CREATED);
	csm_writer_begin(a->out);
	csm_writer_str(a->out, "op", "created", 7);
	csm_writer_str(a->out, "type", "message", 7);
	csm_ref_format('M', mid, ref);
	csm_writer_str(a->out, "id", ref, strlen(ref));
	out_ref(a, "ticket", 'T', t.id);
	out_text(a, "source", source ? source : v[F_SOURCE].s);
	out_text(a, "source_id", key ? key : v[F_SOURCE_ID].s);
	out_text(a, "direction", v[F_DIRECTION].s);
	if (v[F_AUTHOR].set)
		csm_writer_str(a->out, "author", v[F_AUTHOR].s, v[F_AUTHOR].len);
	if (v[F_BODY].set)
		csm_writer_str(a->out, "body", v[F_BODY].s, v[F_BODY].len);
	out_time(a, "at", at);
	csm_writer_bool(a->out, "public", pub);
	csm_writer_bool(a->out, "auto", aut);
	out_attrs(a, it->attrs);
	csm_writer_end(a->out);

	if (!in && pub && !aut) {
		if (t.t[TM_FIRST_RESPONSE] == 0 ||
		    at < t.t[TM_FIRST_RESPONSE]) {
			char when[40];

			STMT(s, "UPDATE tickets SET first_response_at = ?2 "
			    "WHERE id = ?1");
			sqlite3_bind_int64(s, 1, t.id);
			sqlite3_bind_int64(s, 2, at);
			fmt_time(a, at, when);
			if (step_done(a, s, err) < 0 || add_event(a, t.id, 0,
			    at, v[F_AUTHOR].set ? v[F_AUTHOR].s : a->by,
			    "first_response", "first_response_at", NULL, when,
			    NULL, NULL, err) < 0)
				goto fail;
			t.t[TM_FIRST_RESPONSE] = at;
			changed = 1;
		}
		if (strcmp(t.text[C_STATUS], "new") == 0 &&
		    at >= t.t[TM_UPDATED]) {
			struct csm_ticket_state cur = {t.text[C_TICKET_TYPE],
				t.text[C_STATUS], t.text[C_STAGE],
				t.t[TM_CLOSED]};

			if (csm_model_move(a->model, &cur,
			    t.text[C_TICKET_TYPE], "open", at, &status, &stage,
			    NULL) > 0) {
				if (set_status(a, &t, status, stage, at,
				    v[F_AUTHOR].set ? v[F_AUTHOR].s : a->by,
				    NULL, err) < 0)
					goto fail;
				changed = 1;
			}
		}
	} else if (in && !aut && is_done(t.text[C_STATUS]) &&
	    at > (t.t[TM_RESOLVED] ? t.t[TM_RESOLVED] : t.t[TM_UPDATED])) {
		struct csm_ticket_state cur = {t.text[C_TICKET_TYPE],
			t.text[C_STATUS], t.text[C_STAGE], t.t[TM_CLOSED]};

		if (csm_model_reopen(a->model, &cur, at, &status, &stage,
		    NULL) > 0) {
			if (set_status(a, &t, status, stage, at, v[F_AUTHOR].set ?
			    v[F_AUTHOR].s : "customer", NULL, err) < 0)
				goto fail;
			changed = 1;
		}
	}
	if (touch(a, &t, at, err) < 0)
		goto fail;
	if (changed && emit_ticket_id(a, OP_UPDATED, t.id, err) < 0)
		goto fail;
	trow_clear(&t);
	return 0;
fail:
	trow_clear(&t);
	return -2;
}

/* Events. */

static int
apply_event(struct csm_apply *a, struct csm_item *it, struct csm_err *err)
{
	struct csm_val *v = it->v;
	struct trow t, into;
	sqlite3_stmt *s;
	struct csm_buf ext = {0};
	const char *action = v[F_ACTION].s, *by, *status = NULL, *stage = NULL;
	int64_t at = v[F_AT].set ? v[F_AT].i : a->now, eid;
	int rc, stale, moved = 0, changed = 0;
	char ref[24];

	rc = ticket_ref(a, it, &t, err);
	if (rc <= 0)
		return rc == 0 ? -1 : rc;
	memset(&into, 0, sizeof(into));
	by = v[F_BY].set ? v[F_BY].s : a->by;
	if (v[F_SOURCE_ID].set) {
		const char *src = v[F_SOURCE].set ? v[F_SOURCE].s :
		    t.text[C_SOURCE];

		csm_buf_add(&ext, src, strlen(src));
		csm_buf_addc(&ext, ':');
		csm_buf_add(&ext, v[F_SOURCE_ID].s, v[F_SOURCE_ID].len);
	} else
		csm_buf_add(&ext, it->key, strlen(it->key));
	STMT_OUT(s, "SELECT 1 FROM events WHERE ext = ?1");
	sqlite3_bind_text(s, 1, ext.p, (int)ext.len, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = fatal(a, rc, err);
		goto out;
	}
	if (rc == SQLITE_ROW) {
		count(a, CSM_KIND_EVENT, OP_UNCHANGED);
		if (a->verbose) {
			csm_writer_begin(a->out);
			csm_writer_str(a->out, "op", "unchanged", 9);
			csm_writer_str(a->out, "type", "event", 5);
			out_ref(a, "ticket", 'T', t.id);
			out_text(a, "action", action);
			csm_writer_end(a->out);
		}
		rc = 0;
		goto out;
	}
	stale = at < t.t[TM_UPDATED];
	/* Check before writing. */
	rc = -1;
	if (strcmp(action, "status") == 0 || strcmp(action, "reopen") == 0) {
		struct csm_ticket_state cur = {t.text[C_TICKET_TYPE],
			t.text[C_STATUS], t.text[C_STAGE], t.t[TM_CLOSED]};

		if (action[0] == 's' && !v[F_STATUS].set) {
			csm_err_set(err, CSM_EDATA, "status: missing "
			    "for a status event");
			goto out;
		}
		if (!stale) {
			moved = action[0] == 's' ? csm_model_move(a->model,
			    &cur, t.text[C_TICKET_TYPE], v[F_STATUS].s, at,
			    &status, &stage, err) : csm_model_reopen(a->model,
			    &cur, at, &status, &stage, err);
			if (moved < 0) {
				char msg[sizeof(err->msg)];

				memcpy(msg, err->msg, sizeof(msg));
				csm_err_set(err, CSM_EDATA, "%s: %s",
				    action[0] == 's' ? "status" : "action",
				    msg);
				goto out;
			}
		}
	} else if (strcmp(action, "transfer") == 0) {
		if (!v[F_GROUP].set) {
			csm_err_set(err, CSM_EDATA, "group: missing "
			    "for a transfer");
			goto out;
		}
	} else if (strcmp(action, "link") == 0 ||
	    strcmp(action, "merge") == 0) {
		if (!v[F_INTO].set) {
			csm_err_set(err, CSM_EDATA, "into: missing "
			    "(the ticket to %s with)", action);
			goto out;
		}
		if ((rc = ticket_by_id(a, v[F_INTO].i, &into, err)) <= 0) {
			csm_ref_format('T', v[F_INTO].i, ref);
			if (rc == 0)
				csm_err_set(err, CSM_EDATA, "into: no "
				    "ticket %s", ref);
			rc = rc == 0 ? -1 : rc;
			goto out;
		}
		rc = -1;
		if (into.id == t.id) {
			csm_err_set(err, CSM_EDATA, "into: a ticket "
			    "cannot %s with itself", action);
			goto out;
		}
	} else if (strcmp(action, "assign") != 0 &&
	    strcmp(action, "escalate") != 0 &&
	    strcmp(action, "priority") != 0) {
		char esc[64];

		csm_err_set(err, CSM_EDATA, "action: unknown action "
		    "\"%s\" (expected status, assign, transfer, escalate, "
		    "priority, reopen, link or merge)", csm_escape(action,
		    v[F_ACTION].len, esc, sizeof(esc)));
		goto out;
	}
	/* Write: the input event is the history entry of its change. */
	rc = -2;
	if (stale) {
		struct csm_buf data = {0};
		int erc;

		/* Kept as history, with the record's custom fields. */
		csm_buf_add(&data, "{\"stale\":true", 13);
		if (it->attrs != NULL) {
			csm_buf_addc(&data, ',');
			csm_buf_add(&data, it->attrs + 1, strlen(it->attrs + 1));
		} else
			csm_buf_addc(&data, '}');
		erc = add_event(a, t.id, 0, at, by, action, NULL, NULL, NULL,
		    data.p, ext.p, err);
		csm_buf_free(&data);
		if (erc < 0)
			goto out;
	} else if (moved > 0) {
		if (set_status(a, &t, status, stage, at, by, ext.p, err) < 0)
			goto out;
		changed = 1;
	} else if (action[0] == 's' || strcmp(action, "reopen") == 0) {
		if (add_event(a, t.id, 0, at, by, action, "status",
		    t.text[C_STATUS], t.text[C_STATUS], NULL, ext.p, err) < 0)
			goto out;
	} else if (strcmp(action, "link") == 0 ||
	    strcmp(action, "merge") == 0) {
		csm_ref_format('T', into.id, ref);
		if (action[0] == 'm') {
			/* A merged ticket is closed, in the stage its
			 * workflow closes with; the change is logged. */
			changed = 1;
			const char *cst = "closed", *cstage = NULL;

			if (csm_model_move(a->model, NULL,
			    t.text[C_TICKET_TYPE], "closed", at, &cst, &cstage,
			    NULL) < 0)
				cstage = t.text[C_STAGE];
			STMT_OUT(s, "UPDATE tickets SET merged_into = ?2, status = "
			    "'closed', stage = ?4, closed_at = ?3, resolved_at "
			    "= coalesce(resolved_at, ?3) WHERE id = ?1");
			sqlite3_bind_int64(s, 1, t.id);
			sqlite3_bind_int64(s, 2, into.id);
			sqlite3_bind_int64(s, 3, at);
			csm_bind_text(s, 4, cstage);
			if (step_done(a, s, err) < 0)
				goto out;
			if (strcmp(t.text[C_STATUS], "closed") != 0 &&
			    add_event(a, t.id, 0, at, by, "status", "status",
			    t.text[C_STAGE] ? t.text[C_STAGE] : t.text[C_STATUS],
			    cstage ? cstage : "closed", NULL, NULL, err) < 0)
				goto out;
		}
		if (add_event(a, t.id, 0, at, by, action, action[0] == 'm' ?
		    "merged_into" : "link", NULL, ref, NULL, ext.p, err) < 0)
			goto out;
		if (action[0] == 'l') {
			csm_ref_format('T', t.id, ref);
			if (add_event(a, into.id, 0, at, by, "link", "link",
			    NULL, ref, NULL, NULL, err) < 0)
				goto out;
		}
	} else {
		/* assign, transfer, escalate, priority: field changes; the
		 * first carries the input's key. */
		static const struct {
			int field, col;
		} fc[] = {
			{F_GROUP, C_GRP}, {F_ASSIGNEE, C_ASSIGNEE},
			{F_PRIORITY, C_PRIORITY}
		};
		const char *key = ext.p;
		size_t i;

		for (i = 0; i < sizeof(fc) / sizeof(fc[0]); i++) {
			const char *nv;

			if (!v[fc[i].field].set) {
				/* "assign" without an assignee unassigns. */
				if (!(fc[i].field == F_ASSIGNEE &&
				    strcmp(action, "assign") == 0 &&
				    t.text[C_ASSIGNEE] != NULL))
					continue;
				nv = NULL;
			} else if (same(t.text[fc[i].col], &v[fc[i].field]))
				continue;
			else
				nv = v[fc[i].field].s;
			if (set_col(a, &t, fc[i].col, nv, at, by, action, key,
			    err) < 0)
				goto out;
			changed = 1;
			key = NULL;
		}
		if (key != NULL && add_event(a, t.id, 0, at, by, action, NULL,
		    NULL, NULL, NULL, key, err) < 0)
			goto out;
	}
	if (!stale && it->attrs != NULL) {
		STMT_OUT(s, "UPDATE events SET data = ?2 WHERE ext = ?1 AND data "
		    "IS NULL");
		sqlite3_bind_text(s, 1, ext.p, (int)ext.len, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, it->attrs, -1, SQLITE_STATIC);
		if (step_done(a, s, err) < 0)
			goto out;
	}
	/* The id of the history entry that carries the input's key. */
	STMT_OUT(s, "SELECT id FROM events WHERE ext = ?1");
	sqlite3_bind_text(s, 1, ext.p, (int)ext.len, SQLITE_STATIC);
	eid = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	/* An event that changes nothing is history only: the ticket, its
	 * updated_at included, stays as it was. */
	if (changed && touch(a, &t, at, err) < 0)
		goto out;
	count(a, CSM_KIND_EVENT, OP_CREATED);
	csm_writer_begin(a->out);
	csm_writer_str(a->out, "op", "created", 7);
	csm_writer_str(a->out, "type", "event", 5);
	csm_ref_format('E', eid, ref);
	csm_writer_str(a->out, "id", ref, strlen(ref));
	out_ref(a, "ticket", 'T', t.id);
	out_text(a, "action", action);
	out_text(a, "by", by);
	out_time(a, "at", at);
	if (stale)
		csm_writer_bool(a->out, "stale", 1);
	csm_writer_end(a->out);
	rc = 0;
	if (!stale)
		rc = changed ? emit_ticket_id(a, OP_UPDATED, t.id, err) : 0;
out:
	csm_buf_free(&ext);
	trow_clear(&t);
	trow_clear(&into);
	return rc;
}

/* Surveys. */

static int
apply_survey(struct csm_apply *a, struct csm_item *it, struct csm_err *err)
{
	struct csm_val *v = it->v;
	struct trow t;
	sqlite3_stmt *s;
	int64_t at = v[F_AT].set ? v[F_AT].i : a->now, sid = 0;
	int rc, op = OP_CREATED;
	char score[24], ref[24];

	rc = ticket_ref(a, it, &t, err);
	if (rc <= 0)
		return rc == 0 ? -1 : rc;
	STMT(s, "SELECT id, score, comment FROM surveys WHERE ticket = ?1 AND "
	    "kind = ?2");
	sqlite3_bind_int64(s, 1, t.id);
	bind_val(s, 2, &v[F_KIND]);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(s, 2);

		sid = sqlite3_column_int64(s, 0);
		op = sqlite3_column_int64(s, 1) == v[F_SCORE].i &&
		    ((c == NULL && !v[F_COMMENT].set) ||
		    (c != NULL && same(c, &v[F_COMMENT]))) ? OP_UNCHANGED :
		    OP_UPDATED;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		trow_clear(&t);
		return fatal(a, rc, err);
	}
	if (op != OP_UNCHANGED) {
		STMT(s, "INSERT INTO surveys (ticket, kind, score, comment, at, "
		    "attrs) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT "
		    "(ticket, kind) DO UPDATE SET score = excluded.score, "
		    "comment = excluded.comment, at = excluded.at, attrs = "
		    "excluded.attrs");
		sqlite3_bind_int64(s, 1, t.id);
		bind_val(s, 2, &v[F_KIND]);
		sqlite3_bind_int64(s, 3, v[F_SCORE].i);
		bind_val(s, 4, &v[F_COMMENT]);
		sqlite3_bind_int64(s, 5, at);
		if (it->attrs != NULL)
			sqlite3_bind_text(s, 6, it->attrs, -1, SQLITE_STATIC);
		snprintf(score, sizeof(score), "%lld", (long long)v[F_SCORE].i);
		if (step_done(a, s, err) < 0) {
			trow_clear(&t);
			return -2;
		}
		if (sid == 0)
			sid = sqlite3_last_insert_rowid(csm_store_db(a->st));
		if (add_event(a, t.id, 0, at, a->by, "survey", v[F_KIND].s,
		    NULL, score, NULL, NULL, err) < 0) {
			trow_clear(&t);
			return -2;
		}
	}
	count(a, CSM_KIND_SURVEY, op);
	if (op != OP_UNCHANGED || a->verbose) {
		csm_writer_begin(a->out);
		csm_writer_str(a->out, "op", ops[op], strlen(ops[op]));
		csm_writer_str(a->out, "type", "survey", 6);
		csm_ref_format('S', sid, ref);
		csm_writer_str(a->out, "id", ref, strlen(ref));
		out_ref(a, "ticket", 'T', t.id);
		out_ref(a, "customer", 'C', t.customer);
		csm_writer_str(a->out, "kind", v[F_KIND].s, v[F_KIND].len);
		csm_writer_int(a->out, "score", v[F_SCORE].i);
		if (v[F_COMMENT].set)
			csm_writer_str(a->out, "comment", v[F_COMMENT].s,
			    v[F_COMMENT].len);
		out_time(a, "at", at);
		out_attrs(a, it->attrs);
		csm_writer_end(a->out);
	}
	trow_clear(&t);
	return 0;
}

/* Orders. */

static int
apply_order(struct csm_apply *a, struct csm_item *it, struct csm_err *err)
{
	struct csm_val *v = it->v;
	sqlite3_stmt *s;
	int64_t cust = 0, at, before;
	int rc, op = OP_CREATED, cop;
	char *attrs = NULL;

	at = v[F_UPDATED_AT].set ? v[F_UPDATED_AT].i : v[F_CREATED_AT].set ?
	    v[F_CREATED_AT].i : v[F_PURCHASED_AT].set ? v[F_PURCHASED_AT].i :
	    a->now;
	STMT(s, "SELECT id, customer, product, purchased_at, warranty_until, "
	    "attrs FROM orders WHERE order_no = ?1");
	bind_val(s, 1, &v[F_ORDER_NO]);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(s, 2);
		const char *at_text = (const char *)sqlite3_column_text(s, 5);

		cust = sqlite3_column_int64(s, 1);
		op = OP_UNCHANGED;
		if ((v[F_PRODUCT].set && (p == NULL ||
		    !same(p, &v[F_PRODUCT]))) ||
		    (v[F_PURCHASED_AT].set && sqlite3_column_int64(s, 3) !=
		    v[F_PURCHASED_AT].i) ||
		    (v[F_WARRANTY_UNTIL].set && sqlite3_column_int64(s, 4) !=
		    v[F_WARRANTY_UNTIL].i))
			op = OP_UPDATED;
		attrs = merged_attrs(at_text, it->attrs);
		if (attrs != NULL)
			op = OP_UPDATED;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fatal(a, rc, err);
	if (op == OP_CREATED && it->missing != NULL) {
		free(attrs);
		return csm_err_set(err, CSM_EDATA, "%s", it->missing);
	}
	before = cust;
	rc = resolve(a, it, cust, 0, at, &cust, &cop, err);
	if (rc != 0) {
		free(attrs);
		return rc;
	}
	/* An order first known without a customer gets one now. */
	if (op == OP_UNCHANGED && cust != before)
		op = OP_UPDATED;
	if (op == OP_CREATED) {
		STMT(s, "INSERT INTO orders (order_no, customer, product, "
		    "purchased_at, warranty_until, attrs, created_at, "
		    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
		if (it->attrs != NULL)
			attrs = strdup(it->attrs);
	} else
		STMT(s, "UPDATE orders SET customer = ?2, product = "
		    "coalesce(?3, product), purchased_at = coalesce(?4, "
		    "purchased_at), warranty_until = coalesce(?5, "
		    "warranty_until), attrs = coalesce(?6, attrs), updated_at = "
		    "max(updated_at, ?7) WHERE order_no = ?1");
	bind_val(s, 1, &v[F_ORDER_NO]);
	if (cust > 0)
		sqlite3_bind_int64(s, 2, cust);
	bind_val(s, 3, &v[F_PRODUCT]);
	bind_time(s, 4, v[F_PURCHASED_AT].i, v[F_PURCHASED_AT].set);
	bind_time(s, 5, v[F_WARRANTY_UNTIL].i, v[F_WARRANTY_UNTIL].set);
	if (attrs != NULL)
		sqlite3_bind_text(s, 6, attrs, -1, free);
	sqlite3_bind_int64(s, 7, at);
	if (op != OP_UNCHANGED) {
		if (step_done(a, s, err) < 0)
			return -2;
		if (add_event(a, 0, cust, at, a->by, op == OP_CREATED ?
		    "order" : "order_update", "order_no", NULL,
		    v[F_ORDER_NO].s,
		    NULL, NULL, err) < 0)
			return -2;
	} else
		sqlite3_reset(s);
	count(a, CSM_KIND_ORDER, op);
	if (op == OP_UNCHANGED && !a->verbose)
		return 0;
	csm_writer_begin(a->out);
	csm_writer_str(a->out, "op", ops[op], strlen(ops[op]));
	csm_writer_str(a->out, "type", "order", 5);
	csm_writer_str(a->out, "order_no", v[F_ORDER_NO].s, v[F_ORDER_NO].len);
	out_ref(a, "customer", 'C', cust);
	if (v[F_PRODUCT].set)
		csm_writer_str(a->out, "product", v[F_PRODUCT].s,
		    v[F_PRODUCT].len);
	if (v[F_PURCHASED_AT].set)
		out_time(a, "purchased_at", v[F_PURCHASED_AT].i);
	if (v[F_WARRANTY_UNTIL].set)
		out_time(a, "warranty_until", v[F_WARRANTY_UNTIL].i);
	out_attrs(a, it->attrs);
	csm_writer_end(a->out);
	return 0;
}

/* Customers (CRM exports): the record's profile is authoritative. */
static int
apply_customer(struct csm_apply *a, struct csm_item *it, struct csm_err *err)
{
	int64_t cust, at;
	int op;

	at = it->v[F_UPDATED_AT].set ? it->v[F_UPDATED_AT].i :
	    it->v[F_CREATED_AT].set ? it->v[F_CREATED_AT].i : a->now;
	if (it->v[F_ID].set) {
		it->v[F_CUSTOMER] = it->v[F_ID];
	}
	return resolve(a, it, 0, 1, at, &cust, &op, err);
}

/*
 * Surveys, orders and customers replace what is stored with what they
 * say.  Read again after a later record changed the same survey, order or
 * profile (the same input run again after a crash, an old export loaded
 * again), they would undo that change and log it twice.  So the content
 * key of each one taken is kept, and a record the same as one taken
 * before changes nothing.  Records with an id or a source_id have no
 * content key and are applied as they are.  0, -1 or -2 as csm_apply().
 */
static int
apply_once(struct csm_apply *a, struct csm_item *it, struct csm_err *err)
{
	const char *kind = csm_kind_name(it->kind);
	sqlite3_stmt *s;
	int rc;

	if (it->key[0] != '\0') {
		STMT(s, "SELECT 1 FROM taken WHERE kind = ?1 AND key = ?2");
		sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, it->key, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc == SQLITE_ROW) {
			count(a, it->kind, OP_UNCHANGED);
			if (a->verbose) {
				csm_writer_begin(a->out);
				csm_writer_str(a->out, "op", "unchanged", 9);
				csm_writer_str(a->out, "type", kind,
				    strlen(kind));
				csm_writer_end(a->out);
			}
			return 0;
		}
		if (rc != SQLITE_DONE)
			return fatal(a, rc, err);
	}
	rc = it->kind == CSM_KIND_SURVEY ? apply_survey(a, it, err) :
	    it->kind == CSM_KIND_ORDER ? apply_order(a, it, err) :
	    apply_customer(a, it, err);
	if (rc != 0 || it->key[0] == '\0')
		return rc;
	STMT(s, "INSERT INTO taken (kind, key) VALUES (?1, ?2)");
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, it->key, -1, SQLITE_STATIC);
	return step_done(a, s, err);
}

/* Applies one prepared item (see model.h). */
int
csm_apply(struct csm_apply *a, struct csm_item *it, struct csm_err *err)
{
	switch (it->kind) {
	case CSM_KIND_TICKET:
		return apply_ticket(a, it, err);
	case CSM_KIND_MESSAGE:
		return apply_message(a, it, err);
	case CSM_KIND_EVENT:
		return apply_event(a, it, err);
	case CSM_KIND_SURVEY:
	case CSM_KIND_ORDER:
	case CSM_KIND_CUSTOMER:
		return apply_once(a, it, err);
	}
	return csm_err_set(err, CSM_EINTERNAL, "unknown record kind"), -2;
}
