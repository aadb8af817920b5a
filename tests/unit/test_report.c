/*
 * test_report.c - csm-report's engine below the store: what -m and --by
 * parse to (lib/report_spec.c), and the groups' figures (lib/report_group.c):
 * nearest-rank percentiles at their edges, SQLite's rounding, the rates,
 * the backlog's age buckets, FCR's definitions and the column contract.
 */
#include <stdint.h>
#include <string.h>

#include "csm_test.h"
#include "report.h"

static json_t *
cell(json_t *t, size_t i, const char *name)
{
	return rtable_cell(t, i, name);
}

static json_int_t
ival(json_t *t, size_t i, const char *name)
{
	return json_integer_value(cell(t, i, name));
}

static void
test_spec(void)
{
	struct csm_report_query q = {0};
	struct csm_err err;
	struct rspec sp;

	q.metrics = "frt, resolution,frt";
	q.by = "category,customer.tier,month,custom_x";
	CHECK(rspec_parse(&sp, &q, &err) == 0);
	CHECK(sp.nmetric == 2 && sp.metric[0] == RM_FRT);
	CHECK(sp.nkey == 4 && sp.key[1].kind == RK_CUSTOMER &&
	    sp.key[2].kind == RK_CREATED && sp.key[2].unit == RU_MONTH &&
	    sp.key[3].kind == RK_CUSTOM &&
	    strcmp(sp.key[3].path, "$.\"custom_x\"") == 0);
	rspec_free(&sp);
	q.metrics = "frtt";
	q.by = NULL;
	CHECK(rspec_parse(&sp, &q, &err) == -1 && err.code == CSM_EUSAGE &&
	    strstr(err.msg, "did you mean 'frt'") != NULL);
	rspec_free(&sp);
	q.metrics = "frt,";
	CHECK(rspec_parse(&sp, &q, &err) == -1);
	rspec_free(&sp);
	q.metrics = NULL;
	q.by = "tags";
	CHECK(rspec_parse(&sp, &q, &err) == -1 &&
	    strstr(err.msg, "'tags'") != NULL);
	rspec_free(&sp);
	q.by = "group,group";
	CHECK(rspec_parse(&sp, &q, &err) == -1 &&
	    strstr(err.msg, "twice") != NULL);
	rspec_free(&sp);
	q.by = NULL;
	q.fcr = "two-touch";
	CHECK(rspec_parse(&sp, &q, &err) == -1);
	rspec_free(&sp);
	/* Workload alone groups by assignee. */
	q.fcr = NULL;
	q.metrics = "workload";
	CHECK(rspec_parse(&sp, &q, &err) == 0 && sp.nkey == 1 &&
	    strcmp(sp.key[0].name, "assignee") == 0);
	rspec_free(&sp);
}

static struct rfacts
ticket(int64_t created, int64_t frt, int64_t res)
{
	struct rfacts f;

	memset(&f, 0, sizeof(f));
	f.created = created;
	f.first_response = frt ? created + frt : 0;
	f.resolved = res ? created + res : 0;
	f.done = res != 0;
	f.csat = f.nps = -1;
	f.in_cohort = 1;
	f.open_at_until = !f.done;
	return f;
}

/* Percentiles by nearest rank: with 1, 2 and 10 samples. */
static void
test_ranks(void)
{
	struct csm_report_query q = {0};
	struct csm_err err;
	struct rspec sp;
	struct rgroups *g;
	const char *one[1] = {"a"}, *two[1] = {"b"}, *ten[1] = {"c"};
	json_t *t;
	int i;

	q.metrics = "frt";
	q.by = "category";
	CHECK(rspec_parse(&sp, &q, &err) == 0);
	g = rgroups_new(&sp, 1000000, NULL);
	for (i = 0; i < 1; i++) {
		struct rfacts f = ticket(100, 7, 0);

		CHECK(rgroups_add(g, one, &f) == 0);
	}
	for (i = 1; i <= 2; i++) {
		struct rfacts f = ticket(100, i * 10, 0);

		CHECK(rgroups_add(g, two, &f) == 0);
	}
	/* 10 .. 100 in a shuffled order; mean 55. */
	for (i = 0; i < 10; i++) {
		struct rfacts f = ticket(100, ((i * 7) % 10 + 1) * 10, 0);

		CHECK(rgroups_add(g, ten, &f) == 0);
	}
	t = rgroups_table(g, 0);
	CHECK(t != NULL && json_array_size(json_object_get(t, "rows")) == 3);
	CHECK(ival(t, 0, "frt_p50") == 7 && ival(t, 0, "frt_p90") == 7);
	/* n = 2: ceil(0.5 * 2) = 1, ceil(0.9 * 2) = 2; mean 15. */
	CHECK(ival(t, 1, "frt_p50") == 10 && ival(t, 1, "frt_p90") == 20 &&
	    ival(t, 1, "frt_mean") == 15 && ival(t, 1, "frt_max") == 20);
	/* n = 10: ranks 5 and 9. */
	CHECK(ival(t, 2, "frt_p50") == 50 && ival(t, 2, "frt_p90") == 90 &&
	    ival(t, 2, "frt_mean") == 55 && ival(t, 2, "frt_count") == 10);
	json_decref(t);
	rgroups_free(g);
	rspec_free(&sp);
}

/* Rates, rounding, FCR, backlog buckets, and an empty report's row. */
static void
test_rates(void)
{
	struct csm_report_query q = {0};
	struct csm_err err;
	struct rspec sp;
	struct rgroups *g;
	json_t *t;
	int i;

	q.metrics = "fcr,csat,nps,backlog,created";
	CHECK(rspec_parse(&sp, &q, &err) == 0);
	g = rgroups_new(&sp, 100 * 86400, NULL);
	t = rgroups_table(g, 0);
	/* No ticket: one row, rates null, counts 0. */
	CHECK(json_array_size(json_object_get(t, "rows")) == 1 &&
	    json_is_null(cell(t, 0, "fcr")) && ival(t, 0, "created") == 0);
	json_decref(t);
	/* Three resolved: replies 1, 1 (reopened), 2: one-touch 1 of 3. */
	for (i = 0; i < 3; i++) {
		struct rfacts f = ticket(0, 60, 600);

		f.replies = i == 2 ? 2 : 1;
		f.reopens = i == 1;
		f.csat = i + 3;		/* 3, 4, 5: 2 of 3 */
		f.nps = i == 0 ? 10 : i == 1 ? 5 : 8;	/* 1 P, 1 D */
		CHECK(rgroups_add(g, NULL, &f) == 0);
	}
	/* Open, 2 days old at until, and 40 days old. */
	for (i = 0; i < 2; i++) {
		struct rfacts f = ticket(i ? 60 * 86400 : 98 * 86400, 0, 0);

		CHECK(rgroups_add(g, NULL, &f) == 0);
	}
	t = rgroups_table(g, 0);
	CHECK(json_real_value(cell(t, 0, "fcr")) == 33.3 &&
	    ival(t, 0, "fcr_count") == 3);
	CHECK(json_real_value(cell(t, 0, "csat")) == 66.7 &&
	    json_real_value(cell(t, 0, "csat_mean")) == 4.0);
	CHECK(json_real_value(cell(t, 0, "nps")) == 0.0 &&
	    ival(t, 0, "nps_count") == 3);
	CHECK(ival(t, 0, "backlog") == 2 && ival(t, 0, "backlog_1_3d") == 1 &&
	    ival(t, 0, "backlog_30d_plus") == 1 &&
	    ival(t, 0, "backlog_lt_1d") == 0);
	CHECK(ival(t, 0, "created") == 5);
	/* The contract: names in order. */
	CHECK(strcmp(json_string_value(json_object_get(json_array_get(
	    json_object_get(t, "columns"), 0), "name")), "fcr") == 0 &&
	    strcmp(json_string_value(json_object_get(json_array_get(
	    json_object_get(t, "columns"), 2), "name")), "csat") == 0);
	json_decref(t);
	rgroups_free(g);
	rspec_free(&sp);
}

/* --top: the biggest groups first. */
static void
test_top(void)
{
	struct csm_report_query q = {0};
	struct csm_err err;
	struct rspec sp;
	struct rgroups *g;
	const char *k[3][1] = {{"a"}, {"b"}, {NULL}};
	json_t *t;
	int i;

	q.metrics = "created";
	q.by = "category";
	CHECK(rspec_parse(&sp, &q, &err) == 0);
	g = rgroups_new(&sp, 1000, NULL);
	for (i = 0; i < 6; i++) {
		struct rfacts f = ticket(1, 0, 0);

		CHECK(rgroups_add(g, k[i < 1 ? 0 : i < 4 ? 1 : 2], &f) == 0);
	}
	t = rgroups_table(g, 2);
	CHECK(json_array_size(json_object_get(t, "rows")) == 2 &&
	    strcmp(json_string_value(cell(t, 0, "category")), "b") == 0 &&
	    json_is_null(cell(t, 1, "category")));
	json_decref(t);
	t = rgroups_table(g, 0);
	/* Sorted by the values, none first. */
	CHECK(json_is_null(cell(t, 0, "category")) &&
	    strcmp(json_string_value(cell(t, 1, "category")), "a") == 0);
	json_decref(t);
	rgroups_free(g);
	rspec_free(&sp);
}

int
main(void)
{
	test_spec();
	test_ranks();
	test_rates();
	test_top();
	return TEST_REPORT();
}
