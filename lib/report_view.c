/*
 * report_view.c - the views of csm-report(1): a customer's 360-degree
 * view (profile, identities, merges, orders and warranty, tickets with
 * their SLA state, survey answers, totals) and a ticket's timeline (its
 * messages, events with the rules that made them, SLA levels).  Each is
 * a list of named tables (report_tab.c); read-only queries on the store.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "desk.h"
#include "report.h"
#include "report_tab.h"

static int
oom(struct csm_err *err)
{
	return csm_err_set(err, CSM_EINTERNAL, "out of memory");
}

/* Steps s to its end, adding a row of row() per result row to t. */
static int
rows(struct csm_desk *d, sqlite3_stmt *s, json_t *t,
    json_t *(*row)(sqlite3_stmt *, const struct csm_tz *),
    struct csm_err *err)
{
	const struct csm_tz *tz = csm_model_tz(d->model);
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (tab_add(t, row(s, tz)) < 0) {
			sqlite3_reset(s);
			return oom(err);
		}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return csm_store_sqlerr(d->st, rc, err);
	return 0;
}

/* The customer the key names, merges followed: 1 and *id, or 0. */
static int
find_customer(struct csm_desk *d, const char *key, int64_t *id,
    struct csm_err *err)
{
	sqlite3_stmt *s;
	char norm[512];
	int kind, n, rc, hops;

	/* A bare number is a phone, not an id. */
	*id = (key[0] == 'C' || key[0] == 'c') && key[1] == '-' ?
	    csm_ref_parse('C', key, strlen(key)) : 0;
	for (kind = 0; *id <= 0 && kind < CSM_NIDKINDS; kind++) {
		if ((n = csm_id_norm(kind, key, strlen(key), norm,
		    sizeof(norm), NULL)) < 0)
			continue;
		if ((s = csm_store_stmt(d->st, "SELECT customer FROM "
		    "identities WHERE kind = ?1 AND value = ?2", err)) == NULL)
			return -1;
		csm_bind_text(s, 1, csm_id_name(kind));
		sqlite3_bind_text(s, 2, norm, n, SQLITE_STATIC);
		if ((rc = sqlite3_step(s)) == SQLITE_ROW)
			*id = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return csm_store_sqlerr(d->st, rc, err);
	}
	for (hops = 0; *id > 0 && hops < 64; hops++) {
		if ((s = csm_store_stmt(d->st, "SELECT merged_into FROM "
		    "customers WHERE id = ?1", err)) == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, *id);
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) ==
		    SQLITE_NULL) {
			sqlite3_reset(s);
			return 1;
		}
		*id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return csm_store_sqlerr(d->st, rc, err);
	}
	return 0;
}

static json_t *
profile_row(sqlite3_stmt *s, const struct csm_tz *tz)
{
	return json_pack("[o, o, o, o, o, o, o]", tab_ref(s, 0, 'C'),
	    tab_text(s, 1), tab_text(s, 2), tab_text(s, 3), tab_time(s, 4, tz),
	    tab_time(s, 5, tz), tab_text(s, 6));
}

static json_t *
identity_row(sqlite3_stmt *s, const struct csm_tz *tz)
{
	(void)tz;
	return json_pack("[o, o]", tab_text(s, 0), tab_text(s, 1));
}

static json_t *
merge_row(sqlite3_stmt *s, const struct csm_tz *tz)
{
	return json_pack("[o, o, o, o, o]", tab_time(s, 0, tz),
	    tab_text(s, 1), tab_text(s, 2), tab_text(s, 3), tab_text(s, 4));
}

static json_t *
order_row(sqlite3_stmt *s, const struct csm_tz *tz)
{
	return json_pack("[o, o, o, o, o]", tab_text(s, 0), tab_text(s, 1),
	    tab_time(s, 2, tz), tab_time(s, 3, tz), sqlite3_column_type(s,
	    3) == SQLITE_NULL ? json_null() : json_boolean(
	    sqlite3_column_int(s, 4)));
}

static json_t *
ticket_row(sqlite3_stmt *s, const struct csm_tz *tz)
{
	return json_pack("[o, o, o, o, o, o, o, o]", tab_ref(s, 0, 'T'),
	    tab_time(s, 1, tz), tab_text(s, 2), tab_text(s, 3),
	    tab_text(s, 4), tab_text(s, 5), tab_text(s, 6), tab_text(s, 7));
}

static json_t *
survey_row(sqlite3_stmt *s, const struct csm_tz *tz)
{
	return json_pack("[o, o, o, o, o]", tab_ref(s, 0, 'T'),
	    tab_text(s, 1), tab_int(s, 2), tab_text(s, 3), tab_time(s, 4, tz));
}

static json_t *
totals_row(sqlite3_stmt *s, const struct csm_tz *tz)
{
	json_t *mean = sqlite3_column_type(s, 5) == SQLITE_NULL ?
	    json_null() : json_real(sqlite3_column_double(s, 5));

	(void)tz;
	return json_pack("[o, o, o, o, o, o, o]", tab_int(s, 0),
	    tab_int(s, 1), tab_int(s, 2), tab_int(s, 3), tab_int(s, 4), mean,
	    tab_int(s, 6));
}

/* One section of the customer view: a table and its query on ?1 (the
 * customer) and ?2 (now). */
static const struct {
	const char *name, *cols, *sql;
	json_t *(*row)(sqlite3_stmt *, const struct csm_tz *);
} customer_parts[] = {
	{"profile", "id:string,name:string,tier:string,org:string,"
	    "created_at:time,updated_at:time,attrs:string",
	    "SELECT id, name, tier, org, created_at, updated_at, attrs FROM "
	    "customers WHERE id = ?1 AND ?2 = ?2", profile_row},
	{"identities", "kind:string,value:string",
	    "SELECT kind, value FROM identities WHERE customer = ?1 AND "
	    "?2 = ?2 ORDER BY kind, value", identity_row},
	{"merges", "at:time,by:string,merged:string,into:string,data:string",
	    "SELECT at, by, old, new, data FROM events WHERE customer = ?1 "
	    "AND action = 'merge' AND ?2 = ?2 ORDER BY at, id", merge_row},
	{"orders", "order_no:string,product:string,purchased_at:time,"
	    "warranty_until:time,under_warranty:bool",
	    "SELECT order_no, product, purchased_at, warranty_until, "
	    "warranty_until > ?2 FROM orders WHERE customer = ?1 ORDER BY "
	    "purchased_at, order_no", order_row},
	{"tickets", "id:string,created_at:time,status:string,"
	    "priority:string,category:string,sla:string,assignee:string,"
	    "subject:string",
	    "SELECT t.id, t.created_at, coalesce(t.stage, t.status), "
	    "t.priority, t.category, (SELECT CASE WHEN sum(state = "
	    "'breached') > 0 THEN 'breached' WHEN sum(state = 'running') > 0 "
	    "THEN 'running' WHEN sum(state = 'paused') > 0 THEN 'paused' WHEN "
	    "count(*) > 0 THEN 'met' END FROM sla WHERE sla.ticket = t.id), "
	    "t.assignee, t.subject FROM tickets t WHERE t.customer = ?1 AND "
	    "?2 = ?2 ORDER BY t.created_at, t.id", ticket_row},
	{"surveys", "ticket:string,kind:string,score:int,comment:string,"
	    "at:time",
	    "SELECT s.ticket, s.kind, s.score, s.comment, s.at FROM surveys s "
	    "JOIN tickets t ON t.id = s.ticket WHERE t.customer = ?1 AND "
	    "?2 = ?2 ORDER BY s.at, s.id", survey_row},
	{"totals", "tickets:int,open:int,orders:int,under_warranty:int,"
	    "surveys:int,csat_mean:number,sla_breaches:int",
	    "SELECT (SELECT count(*) FROM tickets WHERE customer = ?1), "
	    "(SELECT count(*) FROM tickets WHERE customer = ?1 AND status "
	    "NOT IN ('resolved', 'closed') AND merged_into IS NULL), "
	    "(SELECT count(*) FROM orders WHERE customer = ?1), "
	    "(SELECT count(*) FROM orders WHERE customer = ?1 AND "
	    "warranty_until > ?2), "
	    "(SELECT count(*) FROM surveys s JOIN tickets t ON t.id = "
	    "s.ticket WHERE t.customer = ?1), "
	    "(SELECT round(avg(s.score), 2) FROM surveys s JOIN tickets t ON "
	    "t.id = s.ticket WHERE t.customer = ?1 AND s.kind = 'csat'), "
	    "(SELECT count(*) FROM sla JOIN tickets t ON t.id = sla.ticket "
	    "WHERE t.customer = ?1 AND sla.state = 'breached')", totals_row},
};

/* The sections of customer id's view, appended to out. */
static int
customer_view(struct csm_desk *d, int64_t id, json_t *out,
    struct csm_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(customer_parts) / sizeof(customer_parts[0]);
	    i++) {
		json_t *t = tab_new(customer_parts[i].name,
		    customer_parts[i].cols);
		sqlite3_stmt *s;

		if (tab_push(out, t) < 0)
			return oom(err);
		if ((s = csm_store_stmt(d->st, customer_parts[i].sql, err)) ==
		    NULL)
			return -1;
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, d->now);
		if (rows(d, s, t, customer_parts[i].row, err) < 0)
			return -1;
	}
	return 0;
}

/* The view of the customer key names into out: 0, or -1 with err. */
static int
customer_of(struct csm_desk *d, const char *key, json_t *out,
    struct csm_err *err)
{
	char esc[160];
	int64_t id;
	int rc = find_customer(d, key, &id, err);

	if (rc == 0)
		return csm_err_set(err, CSM_EDATA, "no customer '%s' (give a "
		    "C-id, a phone, an e-mail address or a WeChat id)",
		    csm_escape(key, strlen(key), esc, sizeof(esc)));
	return rc < 0 ? -1 : customer_view(d, id, out, err);
}

/* A view (fn) in one read transaction: new tables, or NULL with err. */
static json_t *
view(struct csm_desk *d, const char *key,
    int (*fn)(struct csm_desk *, const char *, json_t *, struct csm_err *),
    struct csm_err *err)
{
	json_t *out = json_array();
	int began, rc;

	if (out == NULL) {
		oom(err);
		return NULL;
	}
	if ((began = report_snapshot(d->st, err)) < 0) {
		json_decref(out);
		return NULL;
	}
	rc = fn(d, key, out, err);
	report_snapshot_end(d->st, began);
	if (rc < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *
csm_report_customer(struct csm_desk *d, const char *key,
    struct csm_err *err)
{
	return view(d, key, customer_of, err);
}

/* The ticket's fields as rows of field and value. */
static int
ticket_fields(const json_t *rec, json_t *t)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)(uintptr_t)rec, k, v) {
		json_t *val;

		if (json_is_string(v))
			val = json_incref(v);
		else {
			char *text = csm_json_text(v);

			val = text != NULL ? json_string(text) : NULL;
			free(text);
		}
		if (val == NULL || tab_add(t, json_pack("[s, o]", k, val)) < 0)
			return -1;
	}
	return 0;
}

static json_t *
sla_row(sqlite3_stmt *s, const struct csm_tz *tz)
{
	return json_pack("[o, o, o, o, o, o, o]", tab_text(s, 0),
	    tab_int(s, 1), tab_text(s, 2), tab_text(s, 3), tab_time(s, 4, tz),
	    tab_time(s, 5, tz), tab_time(s, 6, tz));
}

static json_t *
timeline_row(sqlite3_stmt *s, const struct csm_tz *tz)
{
	return json_pack("[o, o, o, o, o]", tab_time(s, 0, tz),
	    tab_text(s, 1), tab_text(s, 2), tab_text(s, 3), tab_text(s, 4));
}

/* Messages and events in one time line: at, what, by, detail, why. */
static const char sql_timeline[] =
    "SELECT at, what, by, detail, why FROM ("
    "SELECT created_at AS at, 0 AS k, 0 AS id, 'created' AS what, NULL AS "
    "by, source || ' ' || source_id AS detail, NULL AS why FROM tickets "
    "WHERE id = ?1 "
    "UNION ALL SELECT at, 1, id, CASE WHEN auto THEN 'auto ' ELSE '' END "
    "|| CASE WHEN direction = 'in' THEN 'message in' WHEN public THEN "
    "'reply' ELSE 'note' END, author, body, NULL FROM messages WHERE "
    "ticket = ?1 "
    "UNION ALL SELECT at, 2, id, action, by, CASE WHEN field IS NULL THEN "
    "coalesce(new, data) ELSE field || ': ' || coalesce(old, '-') || "
    "' -> ' || coalesce(new, '-') END, why FROM events WHERE ticket = ?1"
    ") ORDER BY at, k, id";

static int
ticket_view(struct csm_desk *d, struct csm_ticket *tk, json_t *out,
    struct csm_err *err)
{
	const json_t *rec = csm_ticket_record(d, tk, err);
	json_t *t;
	sqlite3_stmt *s;

	if (rec == NULL)
		return -1;
	if (tab_push(out, t = tab_new("ticket", "field:string,value:string"))
	    < 0 || ticket_fields(rec, t) < 0)
		return oom(err);
	if (tab_push(out, t = tab_new("sla", "target:string,cycle:int,"
	    "policy:string,state:string,due:time,stopped_at:time,"
	    "breached_at:time")) < 0)
		return oom(err);
	if ((s = csm_store_stmt(d->st, "SELECT target, cycle, policy, state, "
	    "due, stopped_at, breached_at FROM sla WHERE ticket = ?1 ORDER BY "
	    "target, cycle", err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, csm_ticket_id(tk));
	if (rows(d, s, t, sla_row, err) < 0)
		return -1;
	if (tab_push(out, t = tab_new("timeline", "at:time,what:string,"
	    "by:string,detail:string,why:string")) < 0)
		return oom(err);
	if ((s = csm_store_stmt(d->st, sql_timeline, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, csm_ticket_id(tk));
	return rows(d, s, t, timeline_row, err);
}

/* The view of the ticket ref names into out: 0, or -1 with err. */
static int
ticket_of(struct csm_desk *d, const char *ref, json_t *out,
    struct csm_err *err)
{
	struct csm_ticket *tk = NULL;
	int64_t id = csm_ref_parse('T', ref, strlen(ref));
	char esc[160];
	int rc = id > 0 ? csm_ticket_load(d, id, 1, &tk, err) : 0;

	if (rc == 0)
		return csm_err_set(err, CSM_EDATA, "no ticket '%s'",
		    csm_escape(ref, strlen(ref), esc, sizeof(esc)));
	if (rc > 0)
		rc = ticket_view(d, tk, out, err);
	csm_ticket_free(tk);
	return rc < 0 ? -1 : 0;
}

json_t *
csm_report_ticket(struct csm_desk *d, const char *ref, struct csm_err *err)
{
	return view(d, ref, ticket_of, err);
}
