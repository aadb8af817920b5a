/*
 * report.c - csm_report_metrics: one read of the store for the grouped
 * metrics of csm-report(1).  The tickets are read in id order by one
 * SELECT (report_spec.c builds it for the metrics and keys asked); the
 * SLA results are merged in from the sla table read in the same order,
 * the first resolution is looked up per resolved ticket when asked, and
 * --where is decided first through the ticket API (csm_ticket_iter), so
 * that it sees a ticket exactly as csm-route and csm-sla do.  All of it
 * in one read transaction: one snapshot, whatever writers do meanwhile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desk.h"
#include "report.h"

/* The tickets --where keeps, as a bitmap of ids; every ticket when the
 * set is not on. */
struct idset {
	unsigned char	*bits;
	int64_t		 max;
	int		 on;
};

static int
idset_has(const struct idset *s, int64_t id)
{
	if (!s->on)
		return 1;
	return s->bits != NULL && id >= 0 && id <= s->max &&
	    (s->bits[id >> 3] & (1u << (id & 7))) != 0;
}

static int
idset_add(struct idset *s, int64_t id)
{
	if (s->bits == NULL || id > s->max) {
		int64_t max = s->max ? s->max : 1023;
		unsigned char *p;

		while (max < id)
			max = max * 2 + 1;
		if ((p = realloc(s->bits, (size_t)(max >> 3) + 1)) == NULL)
			return -1;
		memset(p + (s->bits ? (s->max >> 3) + 1 : 0), 0, (size_t)
		    ((max >> 3) - (s->bits ? s->max >> 3 : -1)));
		s->bits = p;
		s->max = max;
	}
	s->bits[id >> 3] |= (unsigned char)(1u << (id & 7));
	return 0;
}

/* The tickets matching where, through the ticket API. */
static int
matching(struct csm_desk *d, const struct csm_expr *where, struct idset *s,
    struct csm_err *err)
{
	struct csm_ticket_query q = {0};
	struct csm_ticket_iter *it;
	struct csm_ticket *t;
	int rc;

	q.where = where;
	if ((it = csm_ticket_iter_new(d, &q, err)) == NULL)
		return -1;
	s->on = 1;
	while ((rc = csm_ticket_iter_next(it, &t, err)) == 1)
		if (idset_add(s, csm_ticket_id(t)) < 0) {
			rc = csm_err_set(err, CSM_EINTERNAL, "out of memory");
			break;
		}
	csm_ticket_iter_free(it);
	return rc;
}

/* The SLA results, read alongside the tickets. */
struct slacur {
	sqlite3_stmt	*s;
	int		 rc;	/* SQLITE_ROW while a row is held */
};

static const char sql_sla[] =
    "SELECT ticket, target, state = 'met' FROM sla WHERE state IN "
    "('met', 'breached') ORDER BY ticket";

static int
target_of(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < NRSLA; i++)
		if (strcmp(name, rspec_sla_targets[i]) == 0)
			return i;
	return -1;
}

/* Adds the SLA results of ticket id to f, moving the cursor past them. */
static int
sla_facts(struct slacur *c, int64_t id, struct rfacts *f)
{
	while (c->rc == SQLITE_ROW && sqlite3_column_int64(c->s, 0) <= id) {
		if (sqlite3_column_int64(c->s, 0) == id) {
			int t = target_of((const char *)
			    sqlite3_column_text(c->s, 1));

			if (t >= 0)
				f->sla[t][sqlite3_column_int(c->s, 2) ? 0 :
				    1]++;
		}
		c->rc = sqlite3_step(c->s);
	}
	return c->rc == SQLITE_ROW || c->rc == SQLITE_DONE ? 0 : -1;
}

/* The first time ticket id became resolved or closed (its status
 * events, stages read through the model), or 0. */
static int
first_done(struct csm_desk *d, int64_t id, const char *type, int64_t *at,
    struct csm_err *err)
{
	sqlite3_stmt *s = csm_store_stmt(d->st, "SELECT at, new FROM events "
	    "INDEXED BY events_status WHERE ticket = ?1 AND "
	    "field = 'status' AND ticket IS NOT NULL ORDER BY at, id", err);
	int rc, st;

	*at = 0;
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		st = csm_model_status_of(d->model, type,
		    (const char *)sqlite3_column_text(s, 1));
		if (st == CSM_ST_RESOLVED || st == CSM_ST_CLOSED) {
			*at = sqlite3_column_int64(s, 0);
			break;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return csm_store_sqlerr(d->st, rc, err);
	return 0;
}

/* Day, ISO week or month of t in tz, into buf. */
static void
period(const struct csm_tz *tz, int64_t t, int unit, char *buf, size_t n)
{
	struct csm_tm tm;
	int64_t days, thu;
	int y, m, dd;

	csm_tz_local(tz, t, &tm);
	if (unit == RU_DAY) {
		snprintf(buf, n, "%04d-%02d-%02d", tm.year, tm.mon, tm.day);
		return;
	}
	if (unit == RU_MONTH) {
		snprintf(buf, n, "%04d-%02d", tm.year, tm.mon);
		return;
	}
	/* ISO 8601: the week's Thursday names its year. */
	days = csm_days_from_civil(tm.year, tm.mon, tm.day);
	thu = days - (tm.wday + 6) % 7 + 3;
	csm_civil_from_days(thu, &y, &m, &dd);
	snprintf(buf, n, "%04d-W%02d", y, (int)((thu -
	    csm_days_from_civil(y, 1, 1)) / 7 + 1));
}

struct scan {
	struct csm_desk		*d;
	const struct csm_report_query *q;
	const struct rspec	*sp;
	struct rgroups		*g;
	struct idset		 ids;
	struct slacur		 sla;
	char			 when[RMAX_KEYS][16];
};

static int64_t
col_time(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? 0 :
	    sqlite3_column_int64(s, i);
}

static int
col_score(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(s, i);
}

/* The facts of the ticket on row s. */
static int
facts(struct scan *sc, sqlite3_stmt *s, struct rfacts *f,
    struct csm_err *err)
{
	memset(f, 0, sizeof(*f));
	f->id = sqlite3_column_int64(s, 0);
	f->created = sqlite3_column_int64(s, 1);
	f->first_response = col_time(s, 2);
	f->resolved = col_time(s, 3);
	f->done = sqlite3_column_int(s, 4);
	f->reopens = sqlite3_column_int(s, 5);
	f->has_assignee = sqlite3_column_int(s, 6);
	f->replies = sqlite3_column_int(s, 7);
	f->followups = sqlite3_column_int(s, 8);
	f->csat = col_score(s, 9);
	f->nps = col_score(s, 10);
	f->in_cohort = f->created >= sc->q->since;
	f->open_at_until = f->resolved == 0 || f->resolved > sc->q->until;
	if (sc->sla.s != NULL && sla_facts(&sc->sla, f->id, f) < 0)
		return csm_store_sqlerr(sc->d->st, sc->sla.rc, err);
	if ((sc->sp->want & (1u << RM_FIRST_RESOLUTION)) && f->in_cohort &&
	    f->done && first_done(sc->d, f->id, (const char *)
	    sqlite3_column_text(s, 11), &f->first_done, err) < 0)
		return -1;
	/* A ticket taken in resolved has no event of it: its resolved time
	 * is the first when it comes before any. */
	if (f->first_done == 0 || (f->resolved != 0 && f->resolved <
	    f->first_done))
		f->first_done = f->resolved;
	return 0;
}

/* The key values of the ticket on row s (borrowed until the next row). */
static void
keys(struct scan *sc, sqlite3_stmt *s, const struct rfacts *f,
    const char **vals)
{
	const struct csm_tz *tz = csm_model_tz(sc->d->model);
	int i;

	for (i = 0; i < sc->sp->nkey; i++) {
		const struct rkey *k = &sc->sp->key[i];

		if (k->kind == RK_CREATED || (k->kind == RK_RESOLVED &&
		    f->done && f->resolved != 0)) {
			period(tz, k->kind == RK_CREATED ? f->created :
			    f->resolved, k->unit, sc->when[i],
			    sizeof(sc->when[i]));
			vals[i] = sc->when[i];
		} else
			vals[i] = (const char *)sqlite3_column_text(s, 12 + i);
	}
}

static int
scan_rows(struct scan *sc, sqlite3_stmt *s, struct csm_err *err)
{
	const char *vals[RMAX_KEYS];
	struct rfacts f;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!idset_has(&sc->ids, sqlite3_column_int64(s, 0)))
			continue;
		if (facts(sc, s, &f, err) < 0)
			return -1;
		keys(sc, s, &f, vals);
		if (rgroups_add(sc->g, vals, &f) < 0)
			return csm_err_set(err, CSM_EINTERNAL,
			    "out of memory");
	}
	if (rc != SQLITE_DONE)
		return csm_store_sqlerr(sc->d->st, rc, err);
	return 0;
}

/* Prepares the scan's statements and reads every ticket. */
static int
scan(struct scan *sc, struct csm_err *err)
{
	sqlite3 *db = csm_store_db(sc->d->st);
	sqlite3_stmt *s = NULL;
	char *sql = rspec_sql(sc->sp);
	int rc, i, bound = 2;

	if (sql == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return csm_store_sqlerr(sc->d->st, rc, err);
	sqlite3_bind_int64(s, 1, sc->q->until);
	for (i = 0; i < sc->sp->nkey; i++)
		if (sc->sp->key[i].path != NULL)
			sqlite3_bind_text(s, bound++, sc->sp->key[i].path, -1,
			    SQLITE_STATIC);
	if (sc->sp->want & (1u << RM_SLA)) {
		if ((sc->sla.s = csm_store_stmt(sc->d->st, sql_sla, err)) ==
		    NULL) {
			sqlite3_finalize(s);
			return -1;
		}
		sc->sla.rc = sqlite3_step(sc->sla.s);
	}
	rc = scan_rows(sc, s, err);
	sqlite3_finalize(s);
	if (sc->sla.s != NULL)
		sqlite3_reset(sc->sla.s);
	return rc;
}

/* Starts a read transaction unless one is open: 1 if it did, 0, -1. */
int
report_snapshot(struct csm_store *st, struct csm_err *err)
{
	sqlite3 *db = csm_store_db(st);
	int rc;

	if (!sqlite3_get_autocommit(db))
		return 0;
	if ((rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK)
		return csm_store_sqlerr(st, rc, err);
	return 1;
}

void
report_snapshot_end(struct csm_store *st, int began)
{
	if (began == 1)
		sqlite3_exec(csm_store_db(st), "COMMIT", NULL, NULL, NULL);
}

json_t *
csm_report_metrics(struct csm_desk *d, const struct csm_report_query *q,
    struct csm_err *err)
{
	struct scan sc = {0};
	struct rspec sp;
	json_t *t = NULL;
	int began = 0;

	sc.d = d;
	sc.q = q;
	sc.sp = &sp;
	if (rspec_parse(&sp, q, err) < 0) {
		rspec_free(&sp);
		return NULL;
	}
	if ((sc.g = rgroups_new(&sp, q->until, q->cal)) == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		goto out;
	}
	if ((began = report_snapshot(d->st, err)) < 0)
		goto out;
	if (q->where != NULL && matching(d, q->where, &sc.ids, err) < 0)
		goto out;
	if (scan(&sc, err) < 0)
		goto out;
	if ((t = rgroups_table(sc.g, q->top)) == NULL)
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
out:
	report_snapshot_end(d->st, began);
	rgroups_free(sc.g);
	free(sc.ids.bits);
	rspec_free(&sp);
	return t;
}
