/*
 * fuzz_rules.c - the rules engine (lib/rules.c, action.c, assign.c):
 * [rule], [agent] and [group] sections compiled by csm_rules_new, then
 * run on a few tickets of an in-memory store in a transaction that is
 * rolled back (a dry run, as csm-route -n).
 *
 * The input is a csm.conf(5) file; its [core], [field] and [workflow]
 * sections make the model, as in csm-route.  An input that mentions
 * "include" is skipped, so that no input reads a file (fuzz_config
 * covers [include]).  If the rules compile, three tickets are created
 * (a VIP payment complaint in group "g", a pending mail, a resolved chat
 * assigned to "a"), and on each the rules of every kind are run twice:
 * created, updated (keyed by the update's time), message and survey
 * (with a customer's message and a CSAT answer of 1) and time.
 *
 * Invariants:
 *  - a refused configuration has a message and CSM_ECONFIG (or
 *    CSM_EINTERNAL); the warnings of one that compiles have a message;
 *  - csm_rules_apply returns 0, or -1 with CSM_EDATA and a message (a
 *    refused rule; anything else is a store failure, which an in-memory
 *    store in a transaction must not have);
 *  - explanations name their rule and give a reason in valid UTF-8;
 *    records the rules make are objects with a type; a ticket left in a
 *    queue names its group and why;
 *  - the same run again changes the ticket only by firing a rule that
 *    had not fired (rules run before the assignment, so a rule that
 *    reads the assignee may fire only on the next run): a rule fires at
 *    most once for each thing that happened, and a ticket assigned, or
 *    left in a queue, stays so;
 *  - groups whose fallbacks make a cycle never compile (a ticket no one
 *    in the cycle could take would go round it on every run);
 *  - the ticket can be read as a record, with a default status;
 *  - the store stays whole: integrity_check ok, no foreign key broken,
 *    statuses, priorities and tags valid, every firing keyed
 *    "rule:NAME:T-...", nothing left after the rollback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz.h"

#define NOW	1772330400	/* 2026-03-01T10:00:00+08:00 */

static const char *const tickets[] = {
	"{\"source\":\"web\",\"source_id\":\"f1\",\"subject\":\"支付失败："
	"扣款两次 refund {id}\",\"body\":\"还是没解决，我要投诉\",\"category\":"
	"\"支付失败\",\"priority\":\"normal\",\"phone\":\"13800000001\","
	"\"tier\":\"vip\",\"name\":\"王五\",\"tags\":[\"a\",\"vip\"],"
	"\"group\":\"g\",\"created_at\":\"2026-02-20T09:00:00+08:00\"}",
	"{\"source\":\"email\",\"source_id\":\"f2\",\"subject\":\"hello\","
	"\"email\":\"a@x.cn\",\"status\":\"pending\",\"created_at\":"
	"\"2026-02-01T00:00:00+08:00\",\"updated_at\":"
	"\"2026-02-02T00:00:00+08:00\"}",
	"{\"source\":\"chat\",\"source_id\":\"f3\",\"subject\":\"x\","
	"\"status\":\"resolved\",\"priority\":\"low\",\"group\":\"h\","
	"\"assignee\":\"a\",\"created_at\":\"2026-01-01T00:00:00+08:00\"}",
};
#define NTICKETS (sizeof(tickets) / sizeof(tickets[0]))

static const char message[] =
    "{\"id\":\"M-000001\",\"direction\":\"in\",\"author\":\"customer\","
    "\"body\":\"还是没解决 again \\u001b[31m\",\"at\":"
    "\"2026-03-01T09:00:00+08:00\"}";
static const char survey[] =
    "{\"id\":\"S-000001\",\"kind\":\"csat\",\"score\":1,\"comment\":"
    "\"差评\",\"at\":\"2026-03-01T09:30:00+08:00\"}";

static struct csm_store *st;

static void
init(void)
{
	struct csm_err err;

	if (st != NULL)
		return;
	st = csm_store_open(":memory:", CSM_STORE_MEMORY, 1000, &err);
	FUZZ_ASSERT(st != NULL);
}

/* Whether the fallbacks of conf's [group]s make a cycle. */
static int
fallback_cycle(const struct csm_conf *conf)
{
	const struct csm_conf_entry *v, *e;
	const char *g;
	size_t n, i, hops;

	v = csm_conf_entries(conf, &n);
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].section, "group") != 0 || v[i].name == NULL ||
		    strcmp(v[i].key, "fallback") != 0)
			continue;
		g = v[i].value;
		for (hops = 0; hops <= n; hops++) {
			if (strcmp(g, v[i].name) == 0)
				return 1;
			if ((e = csm_conf_get(conf, "group", g,
			    "fallback")) == NULL)
				break;
			g = e->value;
		}
	}
	return 0;
}

static void
on_explain(void *arg, int64_t ticket, const char *rule, int fired,
    const char *why)
{
	(void)arg;
	FUZZ_ASSERT(ticket > 0);
	FUZZ_ASSERT(rule != NULL && rule[0] != '\0');
	FUZZ_ASSERT(fired == 0 || fired == 1);
	FUZZ_ASSERT(why != NULL && csm_utf8_valid(why, strlen(why), NULL));
}

static void
on_record(void *arg, const json_t *rec)
{
	(void)arg;
	FUZZ_ASSERT(json_is_object(rec));
	FUZZ_ASSERT(json_is_string(json_object_get(rec, "type")));
}

static void
on_queued(void *arg, int64_t ticket, const char *group, const char *why)
{
	(void)arg;
	FUZZ_ASSERT(ticket > 0);
	FUZZ_ASSERT(group != NULL);
	FUZZ_ASSERT(why != NULL && why[0] != '\0');
}

/* A count on the input's store. */
static long
count(const char *sql)
{
	return fuzz_count(st, sql);
}

#define NONE(sql) do { long n_ = count(sql); if (n_ != 0) { \
	fprintf(stderr, "%ld rows: %s\n", n_, sql); FUZZ_ASSERT(n_ == 0); } \
	} while (0)

static void
check_store(void)
{
	struct csm_err err;
	char *ok;

	ok = csm_store_check(st, &err);
	FUZZ_ASSERT(ok != NULL);
	if (strcmp(ok, "ok") != 0)
		fprintf(stderr, "integrity_check: %s\n", ok);
	FUZZ_ASSERT(strcmp(ok, "ok") == 0);
	free(ok);
	NONE("SELECT count(*) FROM pragma_foreign_key_check");
	NONE("SELECT count(*) FROM tickets WHERE status NOT IN ('new', "
	    "'open', 'pending', 'on_hold', 'resolved', 'closed')");
	NONE("SELECT count(*) FROM tickets WHERE priority NOT IN ('low', "
	    "'normal', 'high', 'urgent')");
	NONE("SELECT count(*) FROM tickets WHERE tags IS NOT NULL AND "
	    "(json_valid(tags) = 0 OR json_type(tags) != 'array')");
	NONE("SELECT count(*) FROM events WHERE action = 'rule' AND "
	    "(ext IS NULL OR ext NOT LIKE 'rule:%:T-%')");
	NONE("SELECT count(*) FROM events WHERE action != 'rule' AND "
	    "why IS NOT NULL AND by IS NOT 'fuzz'");
}

/* The rules of every kind, twice each, on the ticket of record text. */
static void
run_ticket(struct csm_rules *r, struct csm_desk *d, const char *text)
{
	struct csm_rules_hooks h = {on_explain, on_record, on_queued, NULL};
	struct csm_rules_hooks quiet = {NULL, on_record, on_queued, NULL};
	static const unsigned kinds[] = {
		CSM_ON_CREATED, CSM_ON_UPDATED, CSM_ON_MESSAGE, CSM_ON_SURVEY,
		CSM_ON_TIME
	};
	struct csm_ticket *t = NULL;
	struct csm_rules_run run;
	struct csm_err err;
	const json_t *rec;
	json_t *o, *msg, *ans;
	size_t k, pass;
	long fired;
	int rc, first = 0, changed;

	o = json_loads(text, 0, NULL);
	msg = json_loads(message, 0, NULL);
	ans = json_loads(survey, 0, NULL);
	FUZZ_ASSERT(o != NULL && msg != NULL && ans != NULL);
	csm_err_clear(&err);
	rc = csm_ticket_create(d, o, NULL, &t, &err);
	json_decref(o);
	if (rc < 0) {
		/* The input's model may refuse it (a required field). */
		FUZZ_ASSERT(err.msg[0] != '\0' && t == NULL);
		json_decref(msg);
		json_decref(ans);
		return;
	}
	FUZZ_ASSERT(rc == 1 && t != NULL);
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		memset(&run, 0, sizeof(run));
		run.on = kinds[k];
		if (run.on == CSM_ON_UPDATED)
			run.key = "2026-03-01T09:00:00+08:00";
		else if (run.on == CSM_ON_MESSAGE) {
			run.extra = msg;
			run.key = "M-000001";
		} else if (run.on == CSM_ON_SURVEY) {
			run.extra = ans;
			run.key = "S-000001:2026-03-01T09:30:00+08:00";
		}
		for (pass = 0; pass < 2; pass++) {
			fired = count("SELECT count(*) FROM events WHERE "
			    "action = 'rule'");
			changed = 0;
			csm_err_clear(&err);
			/* Explained once, in the store's way the other. */
			rc = csm_rules_apply(r, d, t, &run, pass == 0 ? &h :
			    &quiet, &changed, &err);
			if (rc < 0) {
				if (err.code != CSM_EDATA)
					fprintf(stderr, "apply: %d: %s\n",
					    err.code, err.msg);
				FUZZ_ASSERT(err.code == CSM_EDATA);
				FUZZ_ASSERT(err.msg[0] != '\0');
			}
			FUZZ_ASSERT(rc == 0 || rc == -1);
			FUZZ_ASSERT(changed == 0 || changed == 1);
			if (pass == 0)
				first = rc;
			else if (first == 0 && rc == 0 &&
			    count("SELECT count(*) FROM events WHERE action = "
			    "'rule'") == fired) {
				if (changed)
					fprintf(stderr, "the same run (on "
					    "%#x) again changed the ticket, "
					    "firing no rule\n", run.on);
				FUZZ_ASSERT(!changed);
			}
			rec = csm_ticket_record(d, t, &err);
			FUZZ_ASSERT(rec != NULL);
			FUZZ_ASSERT(csm_status_parse(json_string_value(
			    json_object_get(rec, "status"))) >= 0);
		}
	}
	csm_ticket_free(t);
	json_decref(msg);
	json_decref(ans);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csm_conf *conf;
	struct csm_model *m;
	struct csm_rules *r;
	struct csm_desk *d;
	struct csm_err err;
	size_t i;

	init();
	if (fuzz_contains_ci(data, size, "include"))
		return 0;
	conf = csm_conf_parse((const char *)data, size, "fuzz.conf", &err);
	if (conf == NULL) {
		FUZZ_ASSERT(err.msg[0] != '\0');
		return 0;
	}
	m = csm_model_new(conf, &err);
	if (m == NULL) {
		FUZZ_ASSERT(err.msg[0] != '\0');
		csm_conf_free(conf);
		return 0;
	}
	r = csm_rules_new(conf, m, &err);
	if (r == NULL) {
		FUZZ_ASSERT(err.msg[0] != '\0');
		FUZZ_ASSERT(err.code == CSM_ECONFIG ||
		    err.code == CSM_EINTERNAL);
		csm_model_free(m);
		csm_conf_free(conf);
		return 0;
	}
	for (i = 0; csm_rules_warning(r, i) != NULL; i++)
		FUZZ_ASSERT(csm_rules_warning(r, i)[0] != '\0');
	(void)csm_rules_count(r, CSM_ON_CREATED | CSM_ON_UPDATED |
	    CSM_ON_MESSAGE | CSM_ON_SURVEY | CSM_ON_TIME);

	FUZZ_ASSERT(!fallback_cycle(conf));
	FUZZ_ASSERT(csm_store_begin(st, &err) == 0);
	d = csm_desk_new(st, m, "fuzz", NOW, &err);
	FUZZ_ASSERT(d != NULL);
	for (i = 0; i < NTICKETS; i++)
		run_ticket(r, d, tickets[i]);
	check_store();
	csm_desk_free(d);
	FUZZ_ASSERT(csm_store_rollback(st) == 0);
	/* A dry run leaves nothing: the next input starts from scratch. */
	NONE("SELECT (SELECT count(*) FROM tickets) + (SELECT count(*) FROM "
	    "events) + (SELECT count(*) FROM rotations) + (SELECT count(*) "
	    "FROM messages) + (SELECT count(*) FROM customers)");
	csm_rules_free(r);
	csm_model_free(m);
	csm_conf_free(conf);
	return 0;
}
