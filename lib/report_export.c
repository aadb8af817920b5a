/*
 * report_export.c - csm-report export: raw rows for BI tools, as records
 * (csm-records(5)): tickets and their messages and events through the
 * ticket API, customers with their identities.  --where filters the rows
 * of the table exported; --redact passes each through lib/redact.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "desk.h"
#include "report.h"

enum { X_TICKETS, X_MESSAGES, X_EVENTS, X_CUSTOMERS, NX };

static const char *const export_names[NX] = {
	"tickets", "messages", "events", "customers"
};

int
csm_report_export_kind(const char *name)
{
	int i;

	for (i = 0; i < NX; i++)
		if (strcmp(name, export_names[i]) == 0)
			return i;
	return -1;
}

struct xport {
	struct csm_desk			*d;
	const struct csm_expr		*where;
	const struct csm_redactor	*red;
	struct csm_writer		*w;
	struct csm_expr_ctx		 ctx;
	int				*eno;
};

/* Writes rec (borrowed), its "type" first unless NULL, if where matches
 * it (unless matched already), redacted on a copy. */
static int
put(struct xport *x, const json_t *rec, const char *type, int matched,
    struct csm_err *err)
{
	json_t *copy = NULL, *v;
	const char *k;
	int rc;

	if (x->where != NULL && !matched) {
		if ((rc = csm_expr_eval(x->where, rec, &x->ctx, err)) < 0)
			return -1;
		if (rc == 0)
			return 0;
	}
	if (x->red != NULL) {
		if ((copy = json_deep_copy(rec)) == NULL)
			return csm_err_set(err, CSM_EINTERNAL, "out of memory");
		if (csm_redact(x->red, copy, err) < 0) {
			json_decref(copy);
			return -1;
		}
		rec = copy;
	}
	csm_writer_begin(x->w);
	if (type != NULL)
		csm_writer_str(x->w, "type", type, strlen(type));
	json_object_foreach((json_t *)(uintptr_t)rec, k, v)
		csm_writer_json(x->w, k, v);
	csm_writer_end(x->w);
	json_decref(copy);
	if (csm_writer_pending(x->w) > 65536)
		return csm_writer_flush(x->w, x->eno, err);
	return 0;
}

/* Each record of the array (taken). */
static int
put_all(struct xport *x, json_t *arr, struct csm_err *err)
{
	json_t *rec;
	size_t i;
	int rc = 0;

	json_array_foreach(arr, i, rec)
		if ((rc = put(x, rec, NULL, 0, err)) < 0)
			break;
	json_decref(arr);
	return rc;
}

static int
tickets(struct xport *x, int kind, struct csm_err *err)
{
	struct csm_ticket_query q = {0};
	struct csm_ticket_iter *it;
	struct csm_ticket *t;
	const json_t *rec;
	json_t *arr;
	int rc;

	if (kind == X_TICKETS)
		q.where = x->where;
	if ((it = csm_ticket_iter_new(x->d, &q, err)) == NULL)
		return -1;
	while ((rc = csm_ticket_iter_next(it, &t, err)) == 1) {
		if (kind == X_TICKETS)
			/* The iteration matched it already. */
			rc = (rec = csm_ticket_record(x->d, t, err)) == NULL ?
			    -1 : put(x, rec, "ticket", 1, err);
		else if (kind == X_MESSAGES)
			rc = csm_ticket_messages(x->d, csm_ticket_id(t), &arr,
			    err) < 0 ? -1 : put_all(x, arr, err);
		else
			rc = csm_ticket_events(x->d, csm_ticket_id(t), &arr,
			    err) < 0 ? -1 : put_all(x, arr, err);
		if (rc < 0)
			break;
	}
	csm_ticket_iter_free(it);
	return rc;
}

/* A customer record: id, profile, identities by kind, custom fields. */
static json_t *
customer_rec(struct xport *x, sqlite3_stmt *s, struct csm_err *err)
{
	const struct csm_tz *tz = csm_model_tz(x->d->model);
	const char *text;
	json_t *rec = json_object(), *v;
	char buf[40];
	int i;
	static const char *const names[3] = {"name", "tier", "org"};

	if (rec == NULL)
		return NULL;
	csm_ref_format('C', sqlite3_column_int64(s, 0), buf);
	json_object_set_new(rec, "type", json_string("customer"));
	json_object_set_new(rec, "id", json_string(buf));
	for (i = 0; i < 3; i++)
		if ((text = (const char *)sqlite3_column_text(s, i + 1)) !=
		    NULL)
			json_object_set_new(rec, names[i], json_string(text));
	if ((text = (const char *)sqlite3_column_text(s, 4)) != NULL &&
	    (v = json_loads(text, 0, NULL)) != NULL)
		json_object_set_new(rec, "identities", v);
	csm_time_format(sqlite3_column_int64(s, 5), tz, buf);
	json_object_set_new(rec, "created_at", json_string(buf));
	csm_time_format(sqlite3_column_int64(s, 6), tz, buf);
	json_object_set_new(rec, "updated_at", json_string(buf));
	if ((text = (const char *)sqlite3_column_text(s, 7)) != NULL &&
	    (v = json_loads(text, 0, NULL)) != NULL) {
		json_object_update_missing(rec, v);
		json_decref(v);
	}
	(void)err;
	return rec;
}

static int
customers(struct xport *x, struct csm_err *err)
{
	sqlite3_stmt *s = csm_store_stmt(x->d->st, "SELECT c.id, c.name, "
	    "c.tier, c.org, (SELECT json_group_object(kind, json(v)) FROM "
	    "(SELECT kind, json_group_array(value) AS v FROM (SELECT kind, "
	    "value FROM identities WHERE customer = c.id ORDER BY kind, "
	    "value) GROUP BY kind)), c.created_at, c.updated_at, c.attrs "
	    "FROM customers c WHERE c.merged_into IS NULL ORDER BY c.id",
	    err);
	json_t *rec;
	int rc, ok = 0;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((rec = customer_rec(x, s, err)) == NULL) {
			ok = csm_err_set(err, CSM_EINTERNAL, "out of memory");
			break;
		}
		ok = put(x, rec, NULL, 0, err);
		json_decref(rec);
		if (ok < 0)
			break;
	}
	sqlite3_reset(s);
	if (ok < 0)
		return -1;
	if (rc != SQLITE_DONE)
		return csm_store_sqlerr(x->d->st, rc, err);
	return 0;
}

int
csm_report_export(struct csm_desk *d, int kind, const struct csm_expr *where,
    const struct csm_redactor *r, struct csm_writer *w, int *eno,
    struct csm_err *err)
{
	struct xport x = {0};
	int began, rc;

	x.d = d;
	x.where = where;
	x.red = r;
	x.w = w;
	x.eno = eno;
	x.ctx.tz = csm_model_tz(d->model);
	x.ctx.now = d->now;
	if ((began = report_snapshot(d->st, err)) < 0)
		return -1;
	rc = kind == X_CUSTOMERS ? customers(&x, err) : tickets(&x, kind,
	    err);
	report_snapshot_end(d->st, began);
	return rc;
}
