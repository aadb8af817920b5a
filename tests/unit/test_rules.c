/*
 * test_rules.c - the rules engine through the library (lib/rules.c,
 * action.c, assign.c) against a real store: literals, explanations,
 * compiling and refusing rules, running them with their hooks, firing
 * once, assignment strategies.
 */
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "csm_test.h"

#define T0 1793491200LL		/* 2026-11-01T00:00:00Z */

static struct csm_store *st;
static struct csm_model *model;

static struct csm_conf *
conf_of(const char *text)
{
	struct csm_err err;
	struct csm_conf *c = csm_conf_parse(text, strlen(text), "r.conf",
	    &err);

	if (c == NULL)
		fprintf(stderr, "conf: %s\n", err.msg);
	return c;
}

/* A literal's JSON text, or the error. */
static void
literal(const char *src, const char *want)
{
	struct csm_err err;
	json_t *v = csm_value_parse(src, csm_model_tz(model), &err);
	char *text = v ? csm_json_text(v) : NULL;

	CHECK_STR(text ? text : err.msg, want);
	free(text);
	json_decref(v);
}

static void
test_literals(void)
{
	literal("urgent", "\"urgent\"");
	literal("\"资深客服组\"", "\"资深客服组\"");
	literal("资深客服组", "\"资深客服组\"");
	literal("42", "42");
	literal("-1.5", "-1.5");
	literal("2h", "\"2h\"");
	literal("90m", "\"90m\"");
	literal("2026-12-01", "\"2026-12-01T00:00:00+08:00\"");
	literal("2026-12-01T09:00Z", "\"2026-12-01T17:00:00+08:00\"");
	literal("true", "true");
	literal("null", "null");
	literal("a = b", "expected a value (a quoted string, a number, a "
	    "duration, a time or a word), not an expression");
	literal("\"open", "unterminated string");
}

static void
explain(const char *expr, const char *rec, int want, const char *why)
{
	struct csm_expr_ctx ctx = {csm_model_tz(model), T0, NULL, NULL, NULL,
		NULL};
	struct csm_expr *e;
	struct csm_err err;
	json_t *r = json_loads(rec, 0, NULL);
	char buf[256];

	e = csm_expr_parse(expr, &err);
	CHECK(e != NULL);
	if (e != NULL) {
		CHECK_INT(csm_expr_explain(e, r, &ctx, buf, sizeof(buf), &err),
		    want);
		CHECK_STR(buf, why);
	}
	csm_expr_free(e);
	json_decref(r);
}

static void
test_explain(void)
{
	explain("priority = \"urgent\"", "{\"priority\":\"normal\"}", 0,
	    "priority = \"urgent\": priority is \"normal\"");
	explain("priority = \"urgent\"", "{\"priority\":\"urgent\"}", 1, "");
	explain("a = 1 and (b ~ \"x\" or c > 2)", "{\"a\":1,\"b\":\"y\","
	    "\"c\":1}", 0, "none of: b ~ \"x\": b is \"y\"; c > 2: c is 1");
	explain("not exists group", "{\"group\":\"g\"}", 0,
	    "not exists group: group is \"g\"");
	explain("age > 1d", "{\"created_at\":\"2026-10-31T12:00:00Z\"}", 0,
	    "age > 1d: age is 12h");
	explain("closed_at = created_at + 1h", "{}", 0,
	    "closed_at = created_at + 1h: closed_at is missing, the sum is "
	    "not computable");
}

static void
refused(const char *text, const char *want)
{
	struct csm_conf *c = conf_of(text);
	struct csm_err err;
	struct csm_rules *r = c ? csm_rules_new(c, model, &err) : NULL;

	CHECK(r == NULL);
	if (r == NULL && strstr(err.msg, want) == NULL) {
		csm_t_fail++;
		fprintf(stderr, "  got:      %s\n  expected: ...%s...\n",
		    err.msg, want);
	}
	CHECK_INT(err.code, CSM_ECONFIG);
	csm_rules_free(r);
	csm_conf_free(c);
}

static void
test_compile(void)
{
	struct csm_conf *c;
	struct csm_rules *r;
	struct csm_err err;

	refused("[rule \"x\"]\n\twhen = a ~ \"(\"\n\tthen = note \"n\"\n",
	    "r.conf:2:13: when: invalid regular expression");
	refused("[rule \"x\"]\n\tthen = group = \"a, b\" c\n",
	    "r.conf:2:9: then: 'group = \"a, b\" c'");
	refused("[rule \"x\"]\n\tthen = note \"a\" extra\n",
	    "unexpected 'extra'");
	refused("[rule \"x\"]\n\tthen = tags += 5\n", "expected a tag");
	refused("[rule \"x\"]\n\tthen = priority += 1\n",
	    "'+=' only adds to and takes from tags");
	refused("[rule \"x\"]\n\tthen = id = 5\n", "'id' cannot be set");
	refused("[rule \"x\"]\n\tthen = note \"a\"\n\tstop = maybe\n",
	    "stop: expected true or false");
	refused("[rule \"x\"]\n\tthen = note \"a\"\n\tthen = note \"b\"\n",
	    "r.conf:3:9: 'then' in [rule \"x\"] is set twice (first at r.conf:2)");
	refused("[rule \"x\"]\n\tthen = note \"a\"\n\twhenn = a\n",
	    "unknown key 'whenn' in [rule] (did you mean 'when'?)");
	refused("[rule \"\"]\n\tthen = note \"a\"\n", "[rule] needs a name");
	refused("[rule \"x\"]\n\tthen = task 质检 \"t\"\n[agent \"a\"]\n"
	    "\tgroups = 售后\n", "no group '质检'");
	refused("[rule \"x\"]\n\tthen = assignee = zed\n[agent \"a\"]\n"
	    "\tgroups = g\n", "no agent 'zed'");
	refused("[group \"g\"]\n\tfallback = h\n\tstrategy = skills\n",
	    "r.conf:2:13: fallback: 'h' is no group");
	/* Counting by kind; a disabled rule does not count. */
	c = conf_of("[rule \"a\"]\n\tthen = note \"a\"\n[rule \"b\"]\n\ton = "
	    "time, survey\n\tthen = note \"b\"\n[rule \"c\"]\n\tenabled = "
	    "false\n\tthen = note \"c\"\n");
	r = c ? csm_rules_new(c, model, &err) : NULL;
	CHECK(r != NULL);
	if (r != NULL) {
		CHECK_INT(csm_rules_count(r, CSM_ON_CREATED), 1);
		CHECK_INT(csm_rules_count(r, CSM_ON_TIME | CSM_ON_SURVEY), 1);
		CHECK_INT(csm_rules_count(r, CSM_ON_MESSAGE), 0);
		CHECK(csm_rules_warning(r, 0) == NULL);
	}
	csm_rules_free(r);
	csm_conf_free(c);
}

struct seen {
	char	explained[2048];
	char	records[2048];
	char	queued[256];
};

static void
on_explain(void *arg, int64_t ticket, const char *rule, int fired,
    const char *why)
{
	struct seen *s = arg;
	size_t n = strlen(s->explained);

	snprintf(s->explained + n, sizeof(s->explained) - n, "%lld %s %s: "
	    "%s\n", (long long)ticket, rule, fired ? "yes" : "no", why);
}

static void
on_record(void *arg, const json_t *rec)
{
	struct seen *s = arg;
	size_t n = strlen(s->records);
	const char *type = json_string_value(json_object_get(rec, "type"));

	snprintf(s->records + n, sizeof(s->records) - n, "%s;", type ? type :
	    "?");
}

static void
on_queued(void *arg, int64_t ticket, const char *group, const char *why)
{
	struct seen *s = arg;

	snprintf(s->queued, sizeof(s->queued), "%lld %s %s", (long long)ticket,
	    group, why);
}

static const char desk_conf[] =
    "[rule \"vip\"]\n"
    "\twhen = customer.tier = \"vip\" and category = \"支付失败\"\n"
    "\tthen = priority = urgent, group = 资深, tags += vip\n"
    "\tstop = true\n"
    "[rule \"later\"]\n"
    "\twhen = priority = \"urgent\"\n"
    "\tthen = tags += seen-urgent\n"
    "[rule \"default\"]\n"
    "\twhen = not exists group\n"
    "\tthen = group = 一线, note \"分到一线：{subject}\", notify ops "
    "\"new {id}\"\n"
    "[agent \"a\"]\n\tgroups = 资深, 一线\n\tcapacity = 1\n"
    "[agent \"b\"]\n\tgroups = 一线\n\tskills = zh\n"
    "[group \"资深\"]\n\tstrategy = round-robin\n"
    "[group \"一线\"]\n\tstrategy = least-loaded\n";

/* Creates a ticket and runs the created rules on it; *t is new. */
static void
route_one(struct csm_rules *r, struct csm_desk *d, const char *rec,
    struct csm_ticket **t, struct seen *s, int *changed)
{
	struct csm_rules_hooks h = {on_explain, on_record, on_queued, s};
	struct csm_rules_run run = {CSM_ON_CREATED, NULL, NULL};
	struct csm_err err;
	json_t *o = json_loads(rec, 0, NULL);

	*t = NULL;
	CHECK_INT(csm_ticket_create(d, o, NULL, t, &err), 1);
	json_decref(o);
	if (*t == NULL)
		return;
	CHECK_INT(csm_rules_apply(r, d, *t, &run, &h, changed, &err), 0);
}

static const char *
field(struct csm_desk *d, struct csm_ticket *t, const char *k)
{
	struct csm_err err;
	const json_t *rec = csm_ticket_record(d, t, &err);

	return rec ? json_string_value(json_object_get(rec, k)) : NULL;
}

static void
test_run(void)
{
	struct csm_conf *c = conf_of(desk_conf);
	struct csm_rules *r = NULL;
	struct csm_desk *d = NULL;
	struct csm_ticket *t = NULL, *u = NULL;
	struct csm_rules_run run = {CSM_ON_CREATED, NULL, NULL};
	struct csm_err err;
	struct seen s;
	int changed = 0;

	memset(&s, 0, sizeof(s));
	if (c != NULL && (r = csm_rules_new(c, model, &err)) == NULL)
		fprintf(stderr, "  rules: %s\n", err.msg);
	CHECK(r != NULL);
	d = csm_desk_new(st, model, "csm-route", T0, &err);
	if (r == NULL || d == NULL)
		goto out;
	CHECK_INT(csm_store_begin(st, &err), 0);
	/* The vip rule fires and stops: "later" never sees the ticket. */
	route_one(r, d, "{\"source\":\"web\",\"source_id\":\"1\",\"category\":"
	    "\"支付失败\",\"phone\":\"13800000001\",\"tier\":\"vip\"}", &t, &s,
	    &changed);
	CHECK_INT(changed, 1);
	CHECK_STR(field(d, t, "priority"), "urgent");
	CHECK_STR(field(d, t, "group"), "资深");
	CHECK_STR(field(d, t, "assignee"), "a");
	CHECK(strstr(s.explained, "1 vip yes: did: priority = urgent, group = "
	    "资深, tags += vip\n") != NULL);
	CHECK(strstr(s.explained, "later") == NULL);
	/* Again: fired before, nothing changes. */
	memset(&s, 0, sizeof(s));
	CHECK_INT(csm_rules_apply(r, d, t, &run, NULL, &changed, &err), 0);
	CHECK_INT(changed, 0);
	/* A plain ticket: default group, a note, a notify record; the
	 * least-loaded member of 一线 is b (a has one open). */
	route_one(r, d, "{\"source\":\"web\",\"source_id\":\"2\",\"subject\":"
	    "\"hi\"}", &u, &s, &changed);
	CHECK_STR(field(d, u, "group"), "一线");
	CHECK_STR(field(d, u, "assignee"), "b");
	CHECK_STR(s.records, "message;notify;");
	CHECK(strstr(s.explained, "2 vip no: customer.tier = \"vip\": "
	    "customer.tier is missing") != NULL);
	csm_ticket_free(u);
	u = NULL;
	/* The events name the rule; the firing is one keyed event. */
	{
		json_t *ev = NULL;
		size_t i, rules = 0, why = 0;

		CHECK_INT(csm_ticket_events(d, csm_ticket_id(t), &ev, &err), 0);
		for (i = 0; i < json_array_size(ev); i++) {
			json_t *e = json_array_get(ev, i);
			const char *a = json_string_value(json_object_get(e,
			    "action"));

			rules += strcmp(a, "rule") == 0;
			why += json_object_get(e, "why") != NULL;
		}
		CHECK_INT(rules, 1);
		CHECK_INT(why, json_array_size(ev));
		json_decref(ev);
	}
	/* 资深's only member is full: the next ticket waits in its queue. */
	memset(&s, 0, sizeof(s));
	route_one(r, d, "{\"source\":\"web\",\"source_id\":\"3\",\"category\":"
	    "\"支付失败\",\"phone\":\"13800000001\"}", &u, &s, &changed);
	CHECK(field(d, u, "assignee") == NULL);
	CHECK_STR(s.queued, "3 资深 every member is away, off shift or at capacity");
	CHECK_INT(csm_store_commit(st, &err), 0);
out:
	csm_ticket_free(t);
	csm_ticket_free(u);
	csm_desk_free(d);
	csm_rules_free(r);
	csm_conf_free(c);
}

static void
test_round_robin(void)
{
	struct csm_conf *c = conf_of("[agent \"p\"]\n\tgroups = g\n[agent "
	    "\"q\"]\n\tgroups = g\n[agent \"r\"]\n\tgroups = g\n\taway = true\n"
	    "[group \"g\"]\n\tmembers = r, q, p\n\tstrategy = round-robin\n");
	struct csm_rules *r = c ? csm_rules_new(c, model, NULL) : NULL;
	struct csm_desk *d = csm_desk_new(st, model, "csm-route", T0, NULL);
	struct csm_ticket *t;
	struct csm_err err;
	char got[64] = "", rec[128];
	int i, changed;

	CHECK(r != NULL && d != NULL);
	if (r == NULL || d == NULL)
		goto out;
	/* Members in their order, r away: q, p, q, p ... */
	for (i = 0; i < 4; i++) {
		struct seen s;

		memset(&s, 0, sizeof(s));
		CHECK_INT(csm_store_begin(st, &err), 0);
		snprintf(rec, sizeof(rec), "{\"source\":\"rr\",\"source_id\":"
		    "\"%d\",\"group\":\"g\"}", i);
		route_one(r, d, rec, &t, &s, &changed);
		if (t != NULL) {
			strncat(got, field(d, t, "assignee"), 8);
			csm_ticket_free(t);
		}
		/* Each ticket its own transaction: the rotation is in the
		 * store, not in the process. */
		CHECK_INT(csm_store_commit(st, &err), 0);
	}
	CHECK_STR(got, "qpqp");
out:
	csm_desk_free(d);
	csm_rules_free(r);
	csm_conf_free(c);
}

/*
 * Loads are counted once and kept while nothing they depend on changes:
 * an assignment of the run counts one more, a ticket resolved, assigned
 * by hand or made with an assignee counts again, and so does whatever
 * another program committed.
 */
static void
test_loads(void)
{
	struct csm_conf *c = conf_of("[agent \"x\"]\n\tgroups = L\n[agent "
	    "\"y\"]\n\tgroups = L\n[group \"L\"]\n\tmembers = y, x\n\t"
	    "strategy = least-loaded\n");
	struct csm_rules *r = c ? csm_rules_new(c, model, NULL) : NULL;
	struct csm_desk *d = csm_desk_new(st, model, "csm-route", T0, NULL);
	struct csm_actor who = {"tester", T0, NULL};
	struct csm_ticket *t, *xs[3] = {NULL, NULL, NULL};
	struct csm_err err;
	struct seen s;
	char got[64] = "", rec[160];
	json_t *o;
	int i, changed;

	CHECK(r != NULL && d != NULL);
	if (r == NULL || d == NULL)
		goto out;
	CHECK_INT(csm_store_begin(st, &err), 0);
	/* x has three open tickets, made with their assignee; y two. */
	for (i = 0; i < 5; i++) {
		snprintf(rec, sizeof(rec), "{\"source\":\"ld\",\"source_id\":"
		    "\"%d\",\"group\":\"L\",\"assignee\":\"%s\"}", i,
		    i < 3 ? "x" : "y");
		o = json_loads(rec, 0, NULL);
		t = NULL;
		CHECK_INT(csm_ticket_create(d, o, &who, &t, &err), 1);
		json_decref(o);
		if (i < 3)
			xs[i] = t;
		else
			csm_ticket_free(t);
	}
	/* y has fewer: y (3 each now). */
	memset(&s, 0, sizeof(s));
	route_one(r, d, "{\"source\":\"ld\",\"source_id\":\"a\","
	    "\"group\":\"L\"}", &t, &s, &changed);
	if (t != NULL) {
		strncat(got, field(d, t, "assignee"), 8);
		csm_ticket_free(t);
	}
	/* Two of x's resolved: x has one; a count kept from before would
	 * see a tie and give y. */
	for (i = 0; i < 2; i++) {
		o = json_pack("{ss}", "status", "resolved");
		CHECK_INT(csm_ticket_change(d, xs[i], o, &who, &err), 1);
		json_decref(o);
	}
	route_one(r, d, "{\"source\":\"ld\",\"source_id\":\"b\","
	    "\"group\":\"L\"}", &t, &s, &changed);
	if (t != NULL) {
		strncat(got, field(d, t, "assignee"), 8);
		csm_ticket_free(t);
	}
	/* x 2, y 3: x again; then x 3, y 3: y first in member order. */
	for (i = 0; i < 2; i++) {
		snprintf(rec, sizeof(rec), "{\"source\":\"ld\",\"source_id\":"
		    "\"c%d\",\"group\":\"L\"}", i);
		route_one(r, d, rec, &t, &s, &changed);
		if (t != NULL) {
			strncat(got, field(d, t, "assignee"), 8);
			csm_ticket_free(t);
		}
	}
	CHECK_STR(got, "yxxy");
	CHECK_INT(csm_store_commit(st, &err), 0);
out:
	for (i = 0; i < 3; i++)
		csm_ticket_free(xs[i]);
	csm_desk_free(d);
	csm_rules_free(r);
	csm_conf_free(c);
}

int
main(void)
{
	char dir[] = "/tmp/csm-test-rules.XXXXXX", path[256];
	struct csm_conf *conf;
	struct csm_err err;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/r.db", dir);
	conf = conf_of("[core]\n\ttimezone = Asia/Shanghai\n");
	model = conf ? csm_model_new(conf, &err) : NULL;
	st = csm_store_open(path, 0, 1000, &err);
	CHECK(model != NULL && st != NULL);
	if (model != NULL && st != NULL) {
		test_literals();
		test_explain();
		test_compile();
		test_run();
		test_round_robin();
		test_loads();
	}
	csm_store_close(st, NULL);
	csm_model_free(model);
	csm_conf_free(conf);
	csm_t_rmtree(dir);
	return TEST_REPORT();
}
