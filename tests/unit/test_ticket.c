/*
 * test_ticket.c - the ticket API of csm.h (lib/api.c over ticket.c and
 * customer.c) against a real store: loading tickets as records with their
 * customers, iterating, reading history, and every write through the one
 * write path with who, when and why.
 */
#include <stdlib.h>
#include <string.h>

#include "desk.h"
#include "csm_test.h"

static struct csm_store *st;
static struct csm_model *model;
static struct csm_desk *d;

/* 2026-11-01T00:00:00Z and hours after it. */
#define T0 1793491200LL
#define H(n) (T0 + (n) * 3600LL)

static const char conf_text[] =
    "[core]\n"
    "\ttimezone = Asia/Shanghai\n"
    "\treopen_window = 7d\n"
    "[field \"serial_no\"]\n"
    "\ttype = string\n"
    "\trequired = true\n"
    "\ttypes = repair\n"
    "[field \"floor\"]\n"
    "\ttype = int\n"
    "\ttypes = repair\n"
    "[workflow \"repair\"]\n"
    "\tstatus = 受理 new\n"
    "\tstatus = 维修 open\n"
    "\tstatus = 修好 resolved\n"
    "\tstatus = 关闭 closed\n"
    "\ttransition = 受理 -> 维修 -> 修好 -> 关闭\n"
    "\ttransition = 关闭 -> 维修\n";

static long
count(const char *sql)
{
	sqlite3_stmt *s;
	long n = -1;

	if (sqlite3_prepare_v2(csm_store_db(st), sql, -1, &s, NULL) !=
	    SQLITE_OK)
		return -2;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* A record from JSON text (new). */
static json_t *
J(const char *text)
{
	json_t *o = json_loads(text, 0, NULL);

	if (o == NULL)
		fprintf(stderr, "bad test JSON: %s\n", text);
	return o;
}

/* Creates a ticket from JSON text; returns it (new) or NULL. */
static struct csm_ticket *
create(const char *text, int want)
{
	struct csm_actor who = {"tester", 0, NULL};
	struct csm_ticket *t = NULL;
	struct csm_err err;
	json_t *o = J(text);
	int rc = csm_ticket_create(d, o, &who, &t, &err);

	json_decref(o);
	CHECK_INT(rc, want);
	if (rc < 0)
		fprintf(stderr, "  create: %s\n", err.msg);
	return t;
}

static int
change(struct csm_ticket *t, const char *text, const char *by, int64_t at,
    const char *why, struct csm_err *err)
{
	struct csm_actor who = {by, at, why};
	json_t *o = J(text);
	int rc = csm_ticket_change(d, t, o, &who, err);

	json_decref(o);
	return rc;
}

static void
test_create_and_record(void)
{
	struct csm_ticket *t, *u;
	struct csm_err err;
	const json_t *rec, *c;

	t = create("{\"source\":\"wechat\",\"source_id\":\"w1\",\"subject\":"
	    "\"订单支付失败\",\"phone\":\"138 1234 5678\",\"name\":\"王丽\","
	    "\"tier\":\"vip\",\"category\":\"支付失败\",\"created_at\":"
	    "\"2026-11-01T09:00:00+08:00\"}", 1);
	if (t == NULL)
		return;
	CHECK_INT(csm_ticket_id(t), 1);
	CHECK_INT(csm_ticket_customer(t), 1);
	rec = csm_ticket_record(d, t, &err);
	CHECK(rec != NULL);
	CHECK_STR(str(rec, "id"), "T-000001");
	CHECK_STR(str(rec, "customer"), "C-000001");
	CHECK_STR(str(rec, "status"), "new");
	CHECK_STR(str(rec, "priority"), "normal");
	CHECK_STR(str(rec, "tier"), "vip");
	CHECK_STR(str(rec, "created_at"), "2026-11-01T09:00:00+08:00");
	CHECK(json_object_get(rec, "op") == NULL);
	CHECK(json_object_get(rec, "type") == NULL);
	/* The customer, with the figures rules use. */
	c = csm_ticket_customer_record(d, t, &err);
	CHECK(c != NULL);
	CHECK_STR(str(c, "id"), "C-000001");
	CHECK_STR(str(c, "name"), "王丽");
	CHECK_INT(json_integer_value(json_object_get(c, "open_tickets")), 1);
	CHECK_INT(json_integer_value(json_object_get(c, "tickets_30d")), 1);
	CHECK(json_is_false(json_object_get(c, "under_warranty")));
	CHECK_STR(json_string_value(json_array_get(json_object_get(
	    json_object_get(c, "identities"), "phone"), 0)), "13812345678");
	/* The same key creates nothing: 0 and that ticket. */
	u = create("{\"source\":\"wechat\",\"source_id\":\"w1\",\"subject\":"
	    "\"again\"}", 0);
	CHECK(u != NULL && csm_ticket_id(u) == 1);
	csm_ticket_free(u);
	/* Creation is no event. */
	CHECK_INT(count("SELECT count(*) FROM events WHERE ticket = 1"), 0);
	/* A record that cannot be a ticket is refused, nothing written. */
	u = create("{\"source\":\"Web\",\"subject\":\"x\"}", -1);
	CHECK(u == NULL);
	u = create("{\"source\":\"web\",\"priority\":\"sky-high\"}", -1);
	CHECK(u == NULL);
	CHECK_INT(count("SELECT count(*) FROM tickets"), 1);
	csm_ticket_free(t);
}

static void
test_lookup_and_match(void)
{
	struct csm_ticket *t = NULL;
	struct csm_expr *e;
	struct csm_err err;

	CHECK_INT(csm_ticket_load(d, 1, 0, &t, &err), 1);
	if (t == NULL)
		return;
	e = csm_expr_parse("customer.tier = \"vip\" and category = \"支付失败\" "
	    "and customer.open_tickets >= 1", &err);
	CHECK(e != NULL);
	CHECK_INT(csm_ticket_match(d, t, e, &err), 1);
	csm_expr_free(e);
	e = csm_expr_parse("customer.under_warranty or customer.tier = "
	    "\"normal\"", &err);
	CHECK_INT(csm_ticket_match(d, t, e, &err), 0);
	csm_expr_free(e);
	/* "customer" alone is still the id. */
	e = csm_expr_parse("customer = \"C-000001\"", &err);
	CHECK_INT(csm_ticket_match(d, t, e, &err), 1);
	csm_expr_free(e);
	csm_ticket_free(t);
	/* No such ticket. */
	CHECK_INT(csm_ticket_load(d, 99, 0, &t, &err), 0);
	CHECK(t == NULL);
}

static void
test_change(void)
{
	struct csm_ticket *t = NULL;
	struct csm_err err;
	json_t *ev = NULL, *v;

	CHECK_INT(csm_ticket_load(d, 1, 0, &t, &err), 1);
	if (t == NULL)
		return;
	/* Fields and status at once, with who, when and why. */
	CHECK_INT(change(t, "{\"priority\":\"urgent\",\"group\":\"资深客服组\","
	    "\"status\":\"open\"}", "csm-route", H(1), "vip-payment", &err), 1);
	CHECK_STR(str(csm_ticket_record(d, t, &err), "priority"), "urgent");
	CHECK_STR(str(csm_ticket_record(d, t, &err), "group"), "资深客服组");
	CHECK_STR(str(csm_ticket_record(d, t, &err), "status"), "open");
	CHECK_INT(count("SELECT count(*) FROM events WHERE ticket = 1 AND "
	    "by = 'csm-route' AND why = 'vip-payment'"), 3);
	/* Nothing to change: 0, nothing written. */
	CHECK_INT(change(t, "{\"priority\":\"urgent\"}", NULL, H(2), NULL,
	    &err), 0);
	CHECK_INT(count("SELECT count(*) FROM events WHERE ticket = 1"), 3);
	/* An illegal move is refused, and nothing of the change is written. */
	CHECK_INT(change(t, "{\"priority\":\"low\",\"status\":\"new\"}", NULL,
	    H(2), NULL, &err), -1);
	CHECK_INT(err.code, CSM_EDATA);
	CHECK(strstr(err.msg, "status: cannot go from 'open' to 'new'") !=
	    NULL);
	CHECK_STR(str(csm_ticket_record(d, t, &err), "priority"), "urgent");
	/* What a change may not touch. */
	CHECK_INT(change(t, "{\"source\":\"x\"}", NULL, 0, NULL, &err), -1);
	CHECK(strstr(err.msg, "source: cannot be changed") != NULL);
	CHECK_INT(change(t, "{\"created_at\":\"2026-01-01\"}", NULL, 0, NULL,
	    &err), -1);
	/* null clears a field; one field at a time; tags one by one. */
	v = json_null();
	CHECK_INT(csm_ticket_set(d, t, "group", v, NULL, &err), 1);
	json_decref(v);
	CHECK(json_object_get(csm_ticket_record(d, t, &err), "group") == NULL);
	v = json_string("alice");
	CHECK_INT(csm_ticket_set(d, t, "assignee", v, NULL, &err), 1);
	json_decref(v);
	CHECK_INT(csm_ticket_tag(d, t, "退款", 1, NULL, &err), 1);
	CHECK_INT(csm_ticket_tag(d, t, "vip", 1, NULL, &err), 1);
	CHECK_INT(csm_ticket_tag(d, t, "vip", 1, NULL, &err), 0);
	CHECK_INT(csm_ticket_tag(d, t, "退款", 0, NULL, &err), 1);
	CHECK_INT(csm_ticket_tag(d, t, "nope", 0, NULL, &err), 0);
	v = json_object_get(csm_ticket_record(d, t, &err), "tags");
	CHECK_INT(json_array_size(v), 1);
	CHECK_STR(json_string_value(json_array_get(v, 0)), "vip");
	/* Custom fields: kept, and cleared by null. */
	CHECK_INT(change(t, "{\"colour\":\"red\",\"size\":3}", NULL, 0, NULL,
	    &err), 1);
	CHECK_INT(json_integer_value(json_object_get(csm_ticket_record(d, t,
	    &err), "size")), 3);
	CHECK_INT(change(t, "{\"colour\":null}", NULL, 0, NULL, &err), 1);
	CHECK(json_object_get(csm_ticket_record(d, t, &err), "colour") ==
	    NULL);
	/* The history, oldest first, each change with its old and new. */
	CHECK_INT(csm_ticket_events(d, 1, &ev, &err), 0);
	CHECK(json_array_size(ev) >= 8);
	v = json_array_get(ev, 0);
	CHECK_STR(str(v, "type"), "event");
	CHECK_STR(str(v, "ticket"), "T-000001");
	CHECK_STR(str(v, "by"), "csm-route");
	CHECK_STR(str(v, "why"), "vip-payment");
	CHECK_STR(str(v, "at"), "2026-11-01T09:00:00+08:00");
	json_decref(ev);
	csm_ticket_free(t);
}

static void
test_workflow_and_stored_type(void)
{
	struct csm_ticket *t;
	struct csm_err err;

	/* A repair needs its serial number to be created. */
	t = create("{\"source\":\"web\",\"source_id\":\"r0\",\"ticket_type\":"
	    "\"repair\"}", -1);
	CHECK(t == NULL);
	t = create("{\"source\":\"web\",\"source_id\":\"r1\",\"ticket_type\":"
	    "\"repair\",\"serial_no\":\"SN-1\",\"created_at\":"
	    "\"2026-11-01T00:00:00Z\"}", 1);
	if (t == NULL)
		return;
	CHECK_STR(str(csm_ticket_record(d, t, &err), "stage"), "受理");
	/* Stages by name, default statuses by their one stage. */
	CHECK_INT(change(t, "{\"stage\":\"维修\"}", NULL, H(1), NULL, &err),
	    1);
	CHECK_STR(str(csm_ticket_record(d, t, &err), "status"), "open");
	CHECK_INT(change(t, "{\"status\":\"关闭\"}", NULL, H(2), NULL, &err),
	    -1);
	CHECK(strstr(err.msg, "cannot go from stage '维修' to '关闭'") != NULL);
	CHECK_INT(change(t, "{\"status\":\"resolved\"}", NULL, H(2), NULL,
	    &err), 1);
	CHECK_STR(str(csm_ticket_record(d, t, &err), "stage"), "修好");
	CHECK(json_object_get(csm_ticket_record(d, t, &err), "resolved_at") !=
	    NULL);
	/* A custom field of the stored type is checked though the change
	 * does not name the type. */
	CHECK_INT(change(t, "{\"floor\":\"high\"}", NULL, H(3), NULL, &err),
	    -1);
	CHECK(strstr(err.msg, "floor: expected an integer") != NULL);
	CHECK_INT(change(t, "{\"floor\":\"12\"}", NULL, H(3), NULL, &err), 1);
	CHECK_INT(json_integer_value(json_object_get(csm_ticket_record(d, t,
	    &err), "floor")), 12);
	/* The type itself is fixed once set. */
	CHECK_INT(change(t, "{\"ticket_type\":\"install\"}", NULL, 0, NULL,
	    &err), -1);
	csm_ticket_free(t);
}

static void
test_messages(void)
{
	struct csm_actor agent = {"alice", H(30), NULL};
	struct csm_ticket *t, *f;
	struct csm_err err;
	json_t *m, *msgs = NULL;
	int64_t mid = 0;

	t = create("{\"source\":\"email\",\"source_id\":\"e1\",\"subject\":"
	    "\"help\",\"email\":\"b@x.cn\",\"created_at\":"
	    "\"2026-11-02T00:00:00Z\"}", 1);
	if (t == NULL)
		return;
	/* An automatic reply is no response. */
	m = J("{\"direction\":\"out\",\"body\":\"收到\",\"auto\":true,"
	    "\"source_id\":\"a1\",\"at\":\"2026-11-02T00:01:00Z\"}");
	CHECK_INT(csm_ticket_add_message(d, t, m, NULL, &mid, &err), 1);
	json_decref(m);
	CHECK(json_object_get(csm_ticket_record(d, t, &err),
	    "first_response_at") == NULL);
	/* A reply dated before the ticket counts at its creation. */
	m = J("{\"direction\":\"out\",\"body\":\"hi\",\"source_id\":\"o1\","
	    "\"at\":\"2026-11-01T23:00:00Z\"}");
	CHECK_INT(csm_ticket_add_message(d, t, m, &agent, &mid, &err), 1);
	json_decref(m);
	CHECK_STR(str(csm_ticket_record(d, t, &err), "first_response_at"),
	    "2026-11-02T08:00:00+08:00");
	CHECK_STR(str(csm_ticket_record(d, t, &err), "status"), "open");
	/* The same message again: 0; another with its key: refused. */
	m = J("{\"direction\":\"out\",\"body\":\"hi\",\"source_id\":\"o1\","
	    "\"at\":\"2026-11-01T23:00:00Z\"}");
	CHECK_INT(csm_ticket_add_message(d, t, m, &agent, NULL, &err), 0);
	json_decref(m);
	m = J("{\"direction\":\"out\",\"body\":\"other\",\"source_id\":\"o1\"}");
	CHECK_INT(csm_ticket_add_message(d, t, m, &agent, NULL, &err), -1);
	CHECK(strstr(err.msg, "has this key and other content") != NULL);
	json_decref(m);
	/* Resolved, then the customer writes: reopened. */
	CHECK_INT(change(t, "{\"status\":\"resolved\"}", "alice", H(40), NULL,
	    &err), 1);
	m = J("{\"direction\":\"in\",\"body\":\"still broken\",\"source_id\":"
	    "\"i1\",\"at\":\"2026-11-03T00:00:00Z\"}");
	CHECK_INT(csm_ticket_add_message(d, t, m, NULL, NULL, &err), 1);
	json_decref(m);
	CHECK_STR(str(csm_ticket_record(d, t, &err), "status"), "open");
	CHECK_INT(json_integer_value(json_object_get(csm_ticket_record(d, t,
	    &err), "reopens")), 1);
	/* Closed, and a reply weeks later starts one follow-up, which takes
	 * the next reply too. */
	CHECK_INT(change(t, "{\"status\":\"resolved\"}", NULL, H(60), NULL,
	    &err), 1);
	CHECK_INT(change(t, "{\"status\":\"closed\"}", NULL, H(61), NULL,
	    &err), 1);
	m = J("{\"direction\":\"in\",\"body\":\"again\",\"source_id\":\"i2\","
	    "\"at\":\"2026-12-01T00:00:00Z\"}");
	CHECK_INT(csm_ticket_add_message(d, t, m, NULL, &mid, &err), 1);
	json_decref(m);
	m = J("{\"direction\":\"in\",\"body\":\"hello?\",\"source_id\":\"i3\","
	    "\"at\":\"2026-12-01T01:00:00Z\"}");
	CHECK_INT(csm_ticket_add_message(d, t, m, NULL, NULL, &err), 1);
	json_decref(m);
	CHECK_INT(count("SELECT count(*) FROM tickets WHERE source_id LIKE "
	    "'followup:%'"), 1);
	CHECK_INT(count("SELECT count(DISTINCT ticket) FROM messages WHERE "
	    "source_id IN ('i2', 'i3')"), 1);
	CHECK_INT(count("SELECT count(*) FROM links WHERE kind = 'follow_up' "
	    "AND ticket = 3 AND other = 4"), 1);
	CHECK_STR(str(csm_ticket_record(d, t, &err), "status"), "closed");
	f = NULL;
	CHECK_INT(csm_ticket_find(d, "email", "followup:email:i2", &f, &err),
	    1);
	if (f != NULL) {
		CHECK_INT(csm_ticket_id(f), 4);
		CHECK_STR(str(csm_ticket_record(d, f, &err), "subject"),
		    "Re: help");
		CHECK_INT(csm_ticket_customer(f), csm_ticket_customer(t));
		csm_ticket_free(f);
	}
	CHECK_INT(csm_ticket_id(t), 3);
	CHECK_INT(csm_ticket_messages(d, 3, &msgs, &err), 0);
	CHECK_INT(json_array_size(msgs), 3);
	CHECK_STR(str(json_array_get(msgs, 0), "type"), "message");
	CHECK_STR(str(json_array_get(msgs, 0), "source_id"), "o1");
	json_decref(msgs);
	csm_ticket_free(t);
}

static void
test_links_and_merges(void)
{
	struct csm_ticket *a, *b, *c;
	struct csm_err err;
	int64_t ia, ib, ic;

	a = create("{\"source\":\"web\",\"source_id\":\"L1\"}", 1);
	b = create("{\"source\":\"web\",\"source_id\":\"L2\"}", 1);
	c = create("{\"source\":\"web\",\"source_id\":\"L3\"}", 1);
	if (a == NULL || b == NULL || c == NULL)
		goto out;
	ia = csm_ticket_id(a);
	ib = csm_ticket_id(b);
	ic = csm_ticket_id(c);
	/* A task for another team, linked both ways, once. */
	CHECK_INT(csm_ticket_link(d, a, ib, "task", "task_of", NULL, &err), 1);
	CHECK_INT(csm_ticket_link(d, a, ib, "task", "task_of", NULL, &err), 0);
	CHECK_INT(count("SELECT count(*) FROM links WHERE kind IN ('task', "
	    "'task_of')"), 2);
	CHECK_INT(csm_ticket_link(d, a, ia, "link", "link", NULL, &err), -1);
	CHECK_INT(csm_ticket_link(d, a, 999, "link", "link", NULL, &err), -1);
	/* a into b; again is 0; b into a would be a cycle; a merged may not
	 * be merged elsewhere. */
	CHECK_INT(csm_ticket_merge(d, a, ib, NULL, &err), 1);
	CHECK_STR(str(csm_ticket_record(d, a, &err), "status"), "closed");
	CHECK_INT(csm_ticket_merge(d, a, ib, NULL, &err), 0);
	CHECK_INT(csm_ticket_merge(d, b, ia, NULL, &err), -1);
	CHECK(strstr(err.msg, "cycle") != NULL);
	CHECK_INT(csm_ticket_merge(d, a, ic, NULL, &err), -1);
	CHECK(strstr(err.msg, "merged into T-") != NULL);
	/* Loading a merged ticket finds the one it lives in, unless exact. */
	csm_ticket_free(c);
	c = NULL;
	CHECK_INT(csm_ticket_load(d, ia, 0, &c, &err), 1);
	CHECK(c != NULL && csm_ticket_id(c) == ib);
	csm_ticket_free(c);
	c = NULL;
	CHECK_INT(csm_ticket_load(d, ia, 1, &c, &err), 1);
	CHECK(c != NULL && csm_ticket_id(c) == ia);
out:
	csm_ticket_free(a);
	csm_ticket_free(b);
	csm_ticket_free(c);
}

static void
test_keyed_events(void)
{
	struct csm_actor sweep = {"csm-sla", H(50), "vip"};
	struct csm_ticket *t = NULL, *u = NULL;
	struct csm_err err;
	json_t *data = J("{\"target\":\"first_response\",\"level\":1}");
	int64_t e1 = 0, e2 = 0;

	CHECK_INT(csm_ticket_load(d, 1, 0, &t, &err), 1);
	CHECK_INT(csm_ticket_load(d, 2, 0, &u, &err), 1);
	if (t == NULL || u == NULL)
		goto out;
	/* Exactly once: the second sweep finds the key. */
	CHECK_INT(csm_ticket_event(d, t, "sla_breach", "sla:T-1:frt", data,
	    &sweep, &e1, &err), 1);
	CHECK_INT(csm_ticket_event(d, t, "sla_breach", "sla:T-1:frt", data,
	    &sweep, &e2, &err), 0);
	CHECK_INT(e1, e2);
	CHECK_INT(count("SELECT count(*) FROM events WHERE action = "
	    "'sla_breach' AND why = 'vip' AND by = 'csm-sla' AND json_extract("
	    "data, '$.level') = 1"), 1);
	/* The key on another ticket is a clash. */
	CHECK_INT(csm_ticket_event(d, u, "sla_breach", "sla:T-1:frt", NULL,
	    &sweep, NULL, &err), -1);
	CHECK_INT(err.code, CSM_EDATA);
	/* No key: every call appends. */
	CHECK_INT(csm_ticket_event(d, t, "note", NULL, NULL, NULL, NULL, &err),
	    1);
	CHECK_INT(csm_ticket_event(d, t, "note", NULL, NULL, NULL, NULL, &err),
	    1);
	CHECK_INT(count("SELECT count(*) FROM events WHERE action = 'note'"),
	    2);
out:
	json_decref(data);
	csm_ticket_free(t);
	csm_ticket_free(u);
}

static void
test_iteration(void)
{
	struct csm_ticket_query q = {0};
	struct csm_ticket_iter *it;
	struct csm_ticket *t;
	struct csm_expr *e;
	struct csm_err err;
	int n = 0, open = 0, vip = 0, rc;

	it = csm_ticket_iter_new(d, &q, &err);
	while ((rc = csm_ticket_iter_next(it, &t, &err)) > 0)
		n++;
	CHECK_INT(rc, 0);
	csm_ticket_iter_free(it);
	CHECK_INT(n, count("SELECT count(*) FROM tickets"));
	q.open = 1;
	it = csm_ticket_iter_new(d, &q, &err);
	while ((rc = csm_ticket_iter_next(it, &t, &err)) > 0) {
		open++;
		/* Changing the ticket under the iteration is allowed. */
		CHECK_INT(csm_ticket_tag(d, t, "swept", 1, NULL, &err), 1);
	}
	csm_ticket_iter_free(it);
	CHECK_INT(open, count("SELECT count(*) FROM tickets WHERE status NOT "
	    "IN ('resolved', 'closed') AND merged_into IS NULL"));
	CHECK_INT(count("SELECT count(*) FROM tickets WHERE tags LIKE "
	    "'%swept%'"), open);
	e = csm_expr_parse("customer.tier = \"vip\"", &err);
	q.open = 0;
	q.where = e;
	it = csm_ticket_iter_new(d, &q, &err);
	while ((rc = csm_ticket_iter_next(it, &t, &err)) > 0)
		vip++;
	csm_ticket_iter_free(it);
	csm_expr_free(e);
	CHECK_INT(vip, 1);
}

/*
 * A sweep that commits between tickets: another program's change made
 * after the page was read, between two of our transactions, is seen (the
 * rest of the page is read again), so a rule never acts on a ticket as
 * it was.
 */
static void
test_iteration_others(const char *path)
{
	struct csm_ticket_query q = {0};
	struct csm_ticket_iter *it;
	struct csm_ticket *t;
	struct csm_store *other;
	struct csm_err err;
	const json_t *rec;
	int64_t second = 0;
	int rc, n = 0, seen = 0;

	CHECK_INT(csm_store_begin(st, &err), 0);
	it = csm_ticket_iter_new(d, &q, &err);
	CHECK(it != NULL);
	other = csm_store_open(path, 0, 1000, &err);
	CHECK(other != NULL);
	if (it == NULL || other == NULL)
		return;
	while ((rc = csm_ticket_iter_next(it, &t, &err)) > 0) {
		rec = csm_ticket_record(d, t, &err);
		if (n == 1) {
			CHECK_INT(csm_ticket_id(t), second);
			seen = str(rec, "group") != NULL &&
			    strcmp(str(rec, "group"), "其他组") == 0;
		}
		if (n++ == 0) {
			/* Ours commits; the other program changes the next
			 * ticket; ours begins again and reads on. */
			CHECK_INT(csm_store_commit(st, &err), 0);
			second = csm_ticket_id(t) + 1;
			CHECK_INT(csm_store_begin(other, &err), 0);
			CHECK_INT(sqlite3_exec(csm_store_db(other), "UPDATE "
			    "tickets SET grp = '其他组' WHERE id = (SELECT "
			    "min(id) FROM tickets) + 1", NULL, NULL, NULL),
			    SQLITE_OK);
			CHECK_INT(csm_store_commit(other, &err), 0);
			CHECK_INT(csm_store_begin(st, &err), 0);
		}
	}
	CHECK_INT(rc, 0);
	CHECK(seen);
	csm_ticket_iter_free(it);
	CHECK_INT(csm_store_commit(st, &err), 0);
	csm_store_close(other, NULL);
}

int
main(void)
{
	char dir[] = "/tmp/csm-test-ticket.XXXXXX", path[256];
	struct csm_conf *conf;
	struct csm_err err;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/t.db", dir);
	conf = csm_conf_parse(conf_text, sizeof(conf_text) - 1, "t.conf",
	    &err);
	model = conf ? csm_model_new(conf, &err) : NULL;
	st = csm_store_open(path, 0, 1000, &err);
	d = model && st ? csm_desk_new(st, model, "csm-test", H(100), &err) :
	    NULL;
	CHECK(d != NULL);
	if (d == NULL) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return TEST_REPORT();
	}
	CHECK_INT(csm_store_begin(st, &err), 0);
	test_create_and_record();
	test_lookup_and_match();
	test_change();
	test_workflow_and_stored_type();
	test_messages();
	test_links_and_merges();
	test_keyed_events();
	test_iteration();
	CHECK_INT(csm_store_commit(st, &err), 0);
	test_iteration_others(path);
	csm_desk_free(d);
	csm_store_close(st, NULL);
	csm_model_free(model);
	csm_conf_free(conf);
	csm_t_rmtree(dir);
	return TEST_REPORT();
}
