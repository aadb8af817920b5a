/*
 * report_dash.c - the dashboard's data (csm-report dashboard): the
 * headline figures, the trends by day, week or month, SLA attainment,
 * backlog by age, CSAT and NPS, the breakdowns by category and channel,
 * and the agents; each part one csm_report_metrics query, so that every
 * figure is the one the grouped report gives.  csm_report_html draws it.
 */
#include <stdint.h>
#include <string.h>

#include "desk.h"
#include "report.h"

/* The value of column name in row i of table t (borrowed), or NULL. */
static json_t *
cell(const json_t *t, size_t i, const char *name)
{
	return rtable_cell(t, i, name);
}

static size_t
nrows(const json_t *t)
{
	return json_array_size(json_object_get(t, "rows"));
}

static json_t *
copy(const json_t *v)
{
	return v != NULL ? json_incref((json_t *)(uintptr_t)v) : json_null();
}

/* One query of the dashboard: q with these metrics, keys and top. */
static json_t *
query(struct csm_desk *d, const struct csm_report_query *q,
    const char *metrics, const char *by, long top, struct csm_err *err)
{
	struct csm_report_query q2 = *q;

	q2.metrics = metrics;
	q2.by = by;
	q2.top = top;
	q2.fcr = NULL;
	return csm_report_metrics(d, &q2, err);
}

static int
kpi(json_t *kpis, const json_t *t, const char *col, const char *label,
    const char *unit)
{
	return json_array_append_new(kpis, json_pack("{s:s, s:s, s:o, s:s}",
	    "name", col, "label", label, "value", copy(cell(t, 0, col)),
	    "unit", unit));
}

static json_t *
kpis_of(const json_t *t)
{
	static const struct {
		const char *col, *label, *unit;
	} k[] = {
		{"created", "Tickets created", "count"},
		{"resolved", "Resolved", "count"},
		{"backlog", "Open now", "count"},
		{"frt_p50", "First response p50", "seconds"},
		{"resolution_p50", "Resolution p50", "seconds"},
		{"fcr", "First contact resolution", "percent"},
		{"csat", "CSAT", "percent"},
		{"nps", "NPS", "score"},
		{"sla", "SLA attained", "percent"},
	};
	json_t *kpis = json_array();
	size_t i;

	for (i = 0; kpis != NULL && i < sizeof(k) / sizeof(k[0]); i++)
		if (kpi(kpis, t, k[i].col, k[i].label, k[i].unit) < 0) {
			json_decref(kpis);
			return NULL;
		}
	return kpis;
}

/* Met and breached clocks per target, counted (the report gives the
 * percentage; a count rebuilt from a rounded one would be off). */
static json_t *
sla_of(struct csm_desk *d, const struct csm_report_query *q,
    const json_t *t, struct csm_err *err)
{
	sqlite3_stmt *s = csm_store_stmt(d->st, "SELECT sla.target, "
	    "sum(sla.state = 'met'), sum(sla.state = 'breached') FROM sla "
	    "JOIN tickets t ON t.id = sla.ticket WHERE t.merged_into IS NULL "
	    "AND t.created_at >= ?1 AND t.created_at < ?2 AND sla.state IN "
	    "('met', 'breached') GROUP BY sla.target", err);
	json_int_t n[NRSLA][2] = {{0}};
	json_t *a;
	char name[64];
	int i, rc;

	if (s == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, q->since);
	sqlite3_bind_int64(s, 2, q->until);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		for (i = 0; i < NRSLA; i++)
			if (strcmp((const char *)sqlite3_column_text(s, 0),
			    rspec_sla_targets[i]) == 0) {
				n[i][0] = sqlite3_column_int64(s, 1);
				n[i][1] = sqlite3_column_int64(s, 2);
			}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		csm_store_sqlerr(d->st, rc, err);
		return NULL;
	}
	if ((a = json_array()) == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	for (i = 0; i < NRSLA; i++) {
		if (n[i][0] + n[i][1] == 0)
			continue;
		snprintf(name, sizeof(name), "sla_%s", rspec_sla_targets[i]);
		json_array_append_new(a, json_pack("{s:s, s:I, s:I, s:o}",
		    "target", rspec_sla_targets[i], "met", n[i][0], "breached",
		    n[i][1], "pct", copy(cell(t, 0, name))));
	}
	return a;
}

static json_t *
backlog_of(const json_t *t)
{
	static const char *const cols[5] = {"backlog_lt_1d", "backlog_1_3d",
		"backlog_3_7d", "backlog_7_30d", "backlog_30d_plus"};
	static const char *const labels[5] = {"< 1d", "1-3d", "3-7d",
		"7-30d", "30d+"};
	json_t *a = json_array();
	int i;

	for (i = 0; a != NULL && i < 5; i++)
		json_array_append_new(a, json_pack("{s:s, s:o}", "bucket",
		    labels[i], "count", copy(cell(t, 0, cols[i]))));
	return a;
}

/* name and count of each group of t (keyed by its first column). */
static json_t *
breakdown(const json_t *t, const char *key)
{
	json_t *a = json_array(), *name;
	size_t i;

	for (i = 0; a != NULL && i < nrows(t); i++) {
		name = cell(t, i, key);
		json_array_append_new(a, json_pack("{s:o, s:o}", "name",
		    json_is_null(name) ? json_string("(none)") : copy(name),
		    "count", copy(cell(t, i, "created"))));
	}
	return a;
}

/* The trend tables: volume, frt and resolution per period. */
static int
trends(json_t *dash, const json_t *byc, const json_t *byr, const char *unit)
{
	json_t *vol = json_array(), *frt = json_array(), *res = json_array();
	char rkey[32];
	size_t i, j;

	snprintf(rkey, sizeof(rkey), "resolved_%s", unit);
	for (i = 0; i < nrows(byc); i++) {
		const json_t *p = cell(byc, i, unit);
		json_int_t resolved = 0;

		for (j = 0; j < nrows(byr); j++)
			if (json_equal(cell(byr, j, rkey), (json_t *)
			    (uintptr_t)p))
				resolved = json_integer_value(cell(byr, j,
				    "resolved"));
		json_array_append_new(vol, json_pack("{s:o, s:o, s:I}",
		    "period", copy(p), "created", copy(cell(byc, i,
		    "created")), "resolved", resolved));
		json_array_append_new(frt, json_pack("{s:o, s:o, s:o}",
		    "period", copy(p), "p50", copy(cell(byc, i, "frt_p50")),
		    "p90", copy(cell(byc, i, "frt_p90"))));
		json_array_append_new(res, json_pack("{s:o, s:o, s:o}",
		    "period", copy(p), "p50", copy(cell(byc, i,
		    "resolution_p50")), "p90", copy(cell(byc, i,
		    "resolution_p90"))));
	}
	json_object_set_new(dash, "volume", vol);
	json_object_set_new(dash, "frt", frt);
	json_object_set_new(dash, "resolution", res);
	return 0;
}

static json_t *
agents_of(const json_t *t)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < nrows(t); i++) {
		if (json_is_null(cell(t, i, "assignee")))
			continue;
		json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:o, "
		    "s:o, s:o, s:o}", "assignee", copy(cell(t, i, "assignee")),
		    "assigned", copy(cell(t, i, "assigned")), "resolved",
		    copy(cell(t, i, "resolved")), "replies", copy(cell(t, i,
		    "replies")), "open", copy(cell(t, i, "open")), "frt_p50",
		    copy(cell(t, i, "frt_p50")), "csat", copy(cell(t, i,
		    "csat"))));
	}
	return a;
}

/* The score distributions of CSAT (1-5) and NPS (0-10) in the window. */
static int
surveys(struct csm_desk *d, const struct csm_report_query *q,
    const json_t *tot, json_t *dash, struct csm_err *err)
{
	sqlite3_stmt *s = csm_store_stmt(d->st, "SELECT s.kind, s.score, "
	    "count(*) FROM surveys s JOIN tickets t ON t.id = s.ticket WHERE "
	    "t.merged_into IS NULL AND t.created_at >= ?1 AND t.created_at < "
	    "?2 GROUP BY s.kind, s.score", err);
	json_int_t csat[5] = {0}, p = 0, pas = 0, det = 0;
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, q->since);
	sqlite3_bind_int64(s, 2, q->until);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(s, 0);
		int score = sqlite3_column_int(s, 1);
		json_int_t n = sqlite3_column_int64(s, 2);

		if (strcmp(kind, "csat") == 0 && score >= 1 && score <= 5)
			csat[score - 1] += n;
		else if (strcmp(kind, "nps") == 0)
			*(score >= 9 ? &p : score >= 7 ? &pas : &det) += n;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return csm_store_sqlerr(d->st, rc, err);
	json_object_set_new(dash, "csat", json_pack("{s:o, s:o, s:o, "
	    "s:[I,I,I,I,I]}", "pct", copy(cell(tot, 0, "csat")), "mean",
	    copy(cell(tot, 0, "csat_mean")), "count", copy(cell(tot, 0,
	    "csat_count")), "scores", csat[0], csat[1], csat[2], csat[3],
	    csat[4]));
	json_object_set_new(dash, "nps", json_pack("{s:o, s:o, s:I, s:I, "
	    "s:I}", "nps", copy(cell(tot, 0, "nps")), "count", copy(cell(tot,
	    0, "nps_count")), "promoters", p, "passives", pas, "detractors",
	    det));
	return 0;
}

/* The period the trends use: days for up to about three months of
 * data, weeks up to two years, else months. */
static const char *
unit_of(struct csm_desk *d, const struct csm_report_query *q,
    struct csm_err *err)
{
	sqlite3_stmt *s = csm_store_stmt(d->st, "SELECT min(created_at), "
	    "max(created_at) FROM tickets WHERE created_at >= ?1 AND "
	    "created_at < ?2 AND merged_into IS NULL", err);
	int64_t span = 0;

	if (s == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, q->since);
	sqlite3_bind_int64(s, 2, q->until);
	if (sqlite3_step(s) == SQLITE_ROW)
		span = sqlite3_column_int64(s, 1) - sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return span <= 92 * 86400 ? "day" : span <= 730 * 86400 ? "week" :
	    "month";
}

static void
header(struct csm_desk *d, const struct csm_report_query *q, json_t *dash)
{
	const struct csm_tz *tz = csm_model_tz(d->model);
	char buf[40];

	json_object_set_new(dash, "title", json_string("csm dashboard"));
	csm_time_format(d->now, tz, buf);
	json_object_set_new(dash, "generated_at", json_string(buf));
	if (q->since != INT64_MIN) {
		csm_time_format(q->since, tz, buf);
		json_object_set_new(dash, "since", json_string(buf));
	} else
		json_object_set_new(dash, "since", json_null());
	csm_time_format(q->until, tz, buf);
	json_object_set_new(dash, "until", json_string(buf));
	json_object_set_new(dash, "timezone", json_string(csm_tz_name(tz)));
	json_object_set_new(dash, "calendar", q->cal != NULL ?
	    json_string(csm_cal_name(q->cal)) : json_null());
}

/* The parts, each from its query; t[] are freed by the caller. */
static int
parts(struct csm_desk *d, const struct csm_report_query *q, json_t *dash,
    json_t *t[7], struct csm_err *err)
{
	const char *unit = unit_of(d, q, err);
	json_t *sla;
	char rby[32];

	if (unit == NULL)
		return -1;
	snprintf(rby, sizeof(rby), "resolved_%s", unit);
	if ((t[0] = query(d, q, "created,resolved,frt,resolution,fcr,csat,"
	    "nps,sla,backlog", NULL, 0, err)) == NULL ||
	    (t[1] = query(d, q, "created,frt,resolution", unit, 0, err)) ==
	    NULL || (t[2] = query(d, q, "resolved", rby, 0, err)) == NULL ||
	    (t[3] = query(d, q, "created", "category", 10, err)) == NULL ||
	    (t[4] = query(d, q, "created", "source", 10, err)) == NULL ||
	    (t[5] = query(d, q, "workload,frt,csat", "assignee", 0, err)) ==
	    NULL)
		return -1;
	json_object_set_new(dash, "kpis", kpis_of(t[0]));
	trends(dash, t[1], t[2], unit);
	if ((sla = sla_of(d, q, t[0], err)) == NULL)
		return -1;
	json_object_set_new(dash, "sla", sla);
	json_object_set_new(dash, "backlog", backlog_of(t[0]));
	if (surveys(d, q, t[0], dash, err) < 0)
		return -1;
	json_object_set_new(dash, "categories", breakdown(t[3], "category"));
	json_object_set_new(dash, "channels", breakdown(t[4], "source"));
	json_object_set_new(dash, "agents", agents_of(t[5]));
	return 0;
}

json_t *
csm_report_dashboard(struct csm_desk *d, const struct csm_report_query *q,
    struct csm_err *err)
{
	json_t *dash = json_object(), *t[7] = {0};
	int began, rc, i;

	if (dash == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	if ((began = report_snapshot(d->st, err)) < 0) {
		json_decref(dash);
		return NULL;
	}
	header(d, q, dash);
	rc = parts(d, q, dash, t, err);
	report_snapshot_end(d->st, began);
	for (i = 0; i < 7; i++)
		json_decref(t[i]);
	if (rc < 0) {
		json_decref(dash);
		return NULL;
	}
	return dash;
}
