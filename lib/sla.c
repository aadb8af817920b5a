/*
 * sla.c - SLA policies on the tickets of a store (csm-sla(1)): a ticket's
 * history read from its events and messages, its clocks computed
 * (sla_clock.c), the results kept in the sla table for csm-report, and
 * each level reached (warning, breach, escalation) recorded once as a
 * keyed event, with its actions, in the caller's transaction.  The sweep
 * visits only the tickets that changed since the last one and those
 * whose next level falls due.
 */
#include <stdlib.h>
#include <string.h>

#include "desk.h"
#include "internal.h"
#include "sla.h"

/* Most clocks of one ticket (next_response cycles beyond are not kept). */
#define MAXCLOCKS 64

struct csm_sla *
csm_sla_new(const struct csm_conf *conf, const struct csm_model *m,
    struct csm_rules *rules, struct csm_err *err)
{
	struct csm_sla *s = calloc(1, sizeof(*s));
	size_t i;

	csm_err_clear(err);
	if (s == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	s->model = m;
	s->rules = rules;
	if ((s->clk = calloc(MAXCLOCKS, sizeof(*s->clk))) == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		free(s);
		return NULL;
	}
	if ((s->always = csm_cal_always(csm_model_tz(m))) == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		free(s->clk);
		free(s);
		return NULL;
	}
	if (conf != NULL && sla_conf(s, conf, err) < 0) {
		csm_sla_free(s);
		return NULL;
	}
	for (i = 0; i < s->npol; i++)
		if (s->pol[i].cal == NULL)
			s->pol[i].cal = s->always;
	return s;
}

void
csm_sla_free(struct csm_sla *s)
{
	size_t i, j, k;

	if (s == NULL)
		return;
	for (i = 0; i < s->npol; i++) {
		struct sla_policy *p = &s->pol[i];

		/* Calendars are shared: freed by the first policy that has
		 * each. */
		for (j = 0; j < i && p->cal != NULL; j++)
			if (s->pol[j].cal == p->cal)
				break;
		if (j == i && p->cal != s->always)
			csm_cal_free(p->cal);
		free(p->name);
		csm_expr_free(p->when);
		free(p->warns);
		free(p->escalate);
		free(p->esctext);
		for (k = 0; k < 3; k++) {
			for (j = 0; j < p->on[k].n; j++)
				action_free(&p->on[k].acts[j]);
			free(p->on[k].acts);
		}
	}
	free(s->pol);
	free(s->clk);
	for (i = 0; i < s->nwarnings; i++)
		free(s->warnings[i]);
	free(s->warnings);
	csm_cal_free(s->always);
	free(s);
}

size_t
csm_sla_count(const struct csm_sla *s)
{
	return s->npol;
}

/* The i-th warning of --check, or NULL past the last (borrowed). */
const char *
csm_sla_warning(const struct csm_sla *s, size_t i)
{
	return i < s->nwarnings ? s->warnings[i] : NULL;
}

/* The policy of t: the first whose when matches.  1 and *p, 0 none, -1. */
static int
policy_of(struct csm_sla *s, struct csm_desk *d, struct csm_ticket *t,
    const struct sla_policy **p, struct csm_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < s->npol; i++) {
		if (s->pol[i].when == NULL) {
			*p = &s->pol[i];
			return 1;
		}
		/* An equality it needs, read from the row, settles most
		 * tickets without making their record. */
		if (s->pol[i].keycol >= 0) {
			const char *v = desk_ticket_row(t)->s[s->pol[i].keycol];

			if (v == NULL || strcmp(v, s->pol[i].keyvalue) != 0)
				continue;
		}
		if ((rc = csm_ticket_match(d, t, s->pol[i].when, err)) < 0)
			return -1;
		if (rc == 1) {
			*p = &s->pol[i];
			return 1;
		}
	}
	return 0;
}

/*
 * The status a ticket was created in, st, into h.  A ticket that came in
 * resolved or closed with a resolved time after its creation (history
 * imported with its final status: no event tells when it was resolved)
 * was open until that time, when it is before the first status event
 * (then) known.  0, or -1 when out of memory.
 */
static int
initial(struct sla_hist *h, const struct trow *row, int st, int64_t then)
{
	int64_t r = row->i[TC_RESOLVED_AT];

	if (st < 0)
		st = CSM_ST_OPEN;
	if ((st == CSM_ST_RESOLVED || st == CSM_ST_CLOSED) && r > h->created &&
	    (then == 0 || r <= then))
		return sla_hist_step(h, h->created, CSM_ST_OPEN) < 0 ? -1 :
		    sla_hist_step(h, r, st);
	return sla_hist_step(h, h->created, st);
}

/*
 * Reads t's history up to now into h: its status from creation on (stages
 * count as the status they stand for), the customers' messages and the
 * agents' public replies.  0, or -1 with err.
 */
static int
history(struct csm_sla *s, struct csm_desk *d, struct csm_ticket *t,
    int64_t now, struct sla_hist *h, struct csm_err *err)
{
	const struct trow *row = desk_ticket_row(t);
	const char *type = row->s[TC_TICKET_TYPE];
	sqlite3_stmt *q;
	int rc, first = 1, st;

	sla_hist_clear(h);
	h->id = row->id;
	h->created = row->i[TC_CREATED_AT];
	h->first_response = row->i[TC_FIRST_RESPONSE_AT];
	q = csm_store_stmt(d->st, "SELECT at, old, new FROM events INDEXED "
	    "BY events_status WHERE ticket = ?1 AND field = 'status' AND "
	    "ticket IS NOT NULL ORDER BY at, id", err);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, row->id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t at = sqlite3_column_int64(q, 0);

		if (first) {
			st = csm_model_status_of(s->model, type,
			    (const char *)sqlite3_column_text(q, 1));
			if (initial(h, row, st, at) < 0)
				goto nomem;
			first = 0;
		}
		if (at > now) {
			h->future = at;
			break;
		}
		st = csm_model_status_of(s->model, type,
		    (const char *)sqlite3_column_text(q, 2));
		if (sla_hist_step(h, at, st < 0 ? CSM_ST_OPEN : st) < 0)
			goto nomem;
	}
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return csm_store_sqlerr(d->st, rc, err);
	if (first) {
		st = csm_model_status_of(s->model, type, row->s[TC_STAGE] ?
		    row->s[TC_STAGE] : row->s[TC_STATUS]);
		if (initial(h, row, st, 0) < 0)
			goto nomem;
	}
	/* Automatic messages never count, either way; nor do internal
	 * notes. */
	q = csm_store_stmt(d->st, "SELECT id, at, direction = 'in' FROM "
	    "messages INDEXED BY messages_clock WHERE ticket = ?1 AND auto = "
	    "0 AND (direction = 'in' OR public = 1) ORDER BY at, id", err);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, row->id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t at = sqlite3_column_int64(q, 1);

		if (at > now) {
			if (h->future == 0 || at < h->future)
				h->future = at;
			break;
		}
		if (sla_hist_msg(h, at, sqlite3_column_int64(q, 0),
		    sqlite3_column_int(q, 2) ? MSG_IN : MSG_REPLY) < 0)
			goto nomem;
	}
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return csm_store_sqlerr(d->st, rc, err);
	if (h->first_response > now && (h->future == 0 ||
	    h->first_response < h->future))
		h->future = h->first_response;
	sla_hist_sort(h);
	return 0;
nomem:
	sqlite3_reset(q);
	return csm_err_set(err, CSM_EINTERNAL, "out of memory");
}

/* A time for a record, or null. */
static json_t *
jtime(const struct csm_cal *cal, int64_t t)
{
	char buf[40];

	if (t == 0 || t == CSM_CAL_NEVER)
		return json_null();
	csm_time_format(t, csm_cal_tz(cal), buf);
	return json_string(buf);
}

/* The record of a clock, as status and the filter print it. */
static json_t *
clock_json(const struct sla_policy *p, const struct sla_clock *c)
{
	json_t *o = json_object();
	char ref[24];
	int64_t left = c->secs - c->elapsed;

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "target", json_string(sla_target_names[
	    c->target]));
	if (c->cycle != 0) {
		csm_ref_format('M', c->cycle, ref);
		json_object_set_new(o, "cycle", json_string(ref));
	}
	json_object_set_new(o, "policy", json_string(p->name));
	json_object_set_new(o, "calendar", json_string(csm_cal_name(p->cal)));
	json_object_set_new(o, "state", json_string(sla_state_names[
	    c->state]));
	json_object_set_new(o, "start", jtime(p->cal, c->start));
	json_object_set_new(o, "target_seconds", json_integer(c->secs));
	json_object_set_new(o, "due", jtime(p->cal, c->due));
	json_object_set_new(o, "elapsed", json_integer(c->elapsed));
	json_object_set_new(o, "left", json_integer(left));
	json_object_set_new(o, "paused", json_integer(c->paused));
	if (c->stop)
		json_object_set_new(o, c->stop_resolved ? "ended_at" :
		    "met_at", jtime(p->cal, c->stop));
	if (c->breached)
		json_object_set_new(o, "breached_at", jtime(p->cal,
		    c->breached));
	return o;
}

/* A 64-bit mix of an integer, and FNV-1a of a string. */
static uint64_t
mix(uint64_t h, int64_t v)
{
	h = (h ^ (uint64_t)v) * 0x9e3779b97f4a7c15ULL;
	return h ^ h >> 29;
}

static uint64_t
mixs(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return mix(h, 0);
}

/*
 * A digest of what is kept of a ticket's clocks: the same while nothing
 * happens to it (business time counted as of each clock's last change),
 * so that a sweep writes only the tickets whose clocks moved.
 */
static int64_t
digest(const struct sla_policy *p, const struct sla_clock *c, int n,
    int64_t future)
{
	uint64_t h = 1469598103934665603ULL;
	size_t k;
	int i;

	if (n == 0)
		return future;
	h = mix(h, future);
	h = mixs(mixs(h, p->name), csm_cal_name(p->cal));
	for (i = 0; i < n; i++) {
		h = mix(mix(mix(mix(h, c[i].target), c[i].cycle), c[i].start),
		    c[i].secs);
		h = mix(mix(mix(mix(h, c[i].stop), c[i].due), c[i].breached),
		    c[i].state);
		h = mix(mix(mix(h, c[i].since), c[i].since_elapsed),
		    c[i].since_paused);
		for (k = 0; k < c[i].nlv; k++)
			h = mix(h, c[i].lv[k].at);
	}
	return (int64_t)(h >> 1);
}

/* What is kept for ticket id: 1 and its digests, 0 none, -1. */
static int
kept(struct csm_desk *d, int64_t id, int64_t *dig, int64_t *fired,
    struct csm_err *err)
{
	sqlite3_stmt *q = csm_store_stmt(d->st, "SELECT digest, "
	    "coalesce(fired, -1) FROM sla_tickets WHERE ticket = ?1", err);
	int rc;

	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		*dig = sqlite3_column_int64(q, 0);
		*fired = sqlite3_column_int64(q, 1);
	}
	sqlite3_reset(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : csm_store_sqlerr(d->st, rc, err);
}

/*
 * Keeps the clocks of ticket id (none: forgets them; had: it has some
 * kept already, to be replaced), their digest, the
 * digest last fired (-1: never) and when the ticket is to be looked at
 * again: its next level, or future, when the first of its history after
 * now (its creation, a status change, a message) comes.
 */
static int
keep(struct csm_desk *d, int64_t id, int had, const struct sla_policy *p,
    const struct sla_clock *c, int n, int64_t future, int64_t dig,
    int64_t fired, struct csm_err *err)
{
	sqlite3_stmt *q;
	int64_t next = future;
	int i;

	/* A ticket with nothing kept yet has no rows to replace. */
	if (had) {
		q = csm_store_stmt(d->st, "DELETE FROM sla WHERE ticket = ?1",
		    err);
		if (q == NULL)
			return -1;
		sqlite3_bind_int64(q, 1, id);
		if (csm_store_done(d->st, q, err) < 0)
			return -1;
	}
	for (i = 0; i < n; i++) {
		q = csm_store_stmt(d->st, "INSERT INTO sla (ticket, target, "
		    "cycle, policy, calendar, start, target_secs, due, state, "
		    "stopped_at, breached_at, since, elapsed, paused) VALUES "
		    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
		    "?14)", err);
		if (q == NULL)
			return -1;
		sqlite3_bind_int64(q, 1, id);
		csm_bind_text(q, 2, sla_target_names[c[i].target]);
		sqlite3_bind_int64(q, 3, c[i].cycle);
		csm_bind_text(q, 4, p->name);
		csm_bind_text(q, 5, csm_cal_name(p->cal));
		sqlite3_bind_int64(q, 6, c[i].start);
		sqlite3_bind_int64(q, 7, c[i].secs);
		if (c[i].due != 0 && c[i].due != CSM_CAL_NEVER)
			sqlite3_bind_int64(q, 8, c[i].due);
		csm_bind_text(q, 9, sla_state_names[c[i].state]);
		if (c[i].stop)
			sqlite3_bind_int64(q, 10, c[i].stop);
		if (c[i].breached)
			sqlite3_bind_int64(q, 11, c[i].breached);
		sqlite3_bind_int64(q, 12, c[i].since);
		sqlite3_bind_int64(q, 13, c[i].since_elapsed);
		sqlite3_bind_int64(q, 14, c[i].since_paused);
		if (csm_store_done(d->st, q, err) < 0)
			return -1;
		if (c[i].next != 0 && (next == 0 || c[i].next < next))
			next = c[i].next;
	}
	if (n == 0 && future == 0) {
		q = csm_store_stmt(d->st, "DELETE FROM sla_tickets WHERE "
		    "ticket = ?1", err);
		if (q == NULL)
			return -1;
		sqlite3_bind_int64(q, 1, id);
		return csm_store_done(d->st, q, err);
	}
	q = csm_store_stmt(d->st, "INSERT OR REPLACE INTO sla_tickets "
	    "(ticket, digest, fired, next_at) VALUES (?1, ?2, ?3, ?4)", err);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, dig);
	if (fired >= 0)
		sqlite3_bind_int64(q, 3, fired);
	if (next != 0)
		sqlite3_bind_int64(q, 4, next);
	return csm_store_done(d->st, q, err);
}

/* The record of a level reached, for the fired hook. */
static json_t *
level_json(struct csm_desk *d, struct csm_ticket *t,
    const struct sla_policy *p, const struct sla_clock *c,
    const struct sla_level *lv)
{
	const json_t *rec = csm_ticket_record(d, t, NULL);
	json_t *o = json_object();
	char ref[24];
	static const char *const copy[] = {"customer", "priority", "status",
		"group", "assignee", "subject", NULL};
	size_t i;
	json_t *v;

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "type", json_string("sla"));
	json_object_set_new(o, "event", json_string(sla_level_names[
	    lv->kind]));
	json_object_set_new(o, "level", json_integer(lv->n));
	csm_ref_format('T', csm_ticket_id(t), ref);
	json_object_set_new(o, "ticket", json_string(ref));
	json_object_set_new(o, "target", json_string(sla_target_names[
	    c->target]));
	if (c->cycle != 0) {
		csm_ref_format('M', c->cycle, ref);
		json_object_set_new(o, "cycle", json_string(ref));
	}
	json_object_set_new(o, "policy", json_string(p->name));
	json_object_set_new(o, "at", jtime(p->cal, lv->at));
	json_object_set_new(o, "due", jtime(p->cal, c->due));
	if (lv->text != NULL)
		json_object_set_new(o, lv->kind == LV_WARN ? "warn" :
		    "after", json_string(lv->text));
	for (i = 0; copy[i] != NULL && rec != NULL; i++)
		if ((v = json_object_get(rec, copy[i])) != NULL)
			json_object_set(o, copy[i], v);
	return o;
}

/* Runs the actions of a level on t, as a rule named "sla:POLICY" would,
 * in a savepoint: 1 done, 0 refused and undone (err), -1 store error. */
static int
act(struct csm_sla *s, struct csm_desk *d, struct csm_ticket *t,
    const struct sla_policy *p, const struct sla_acts *a, const char *key,
    const struct csm_sla_hooks *h, struct csm_err *err)
{
	char name[300];
	struct rule ru;
	struct csm_rules_hooks rh;
	struct csm_rules_run run = {CSM_ON_TIME, NULL, key};
	struct rules_ctx c;
	size_t i;
	int rc = 0;

	snprintf(name, sizeof(name), "sla:%s", p->name);
	memset(&ru, 0, sizeof(ru));
	ru.name = name;
	ru.acts = a->acts;
	ru.nacts = a->n;
	memset(&rh, 0, sizeof(rh));
	if (h != NULL) {
		rh.record = h->record;
		rh.arg = h->arg;
	}
	memset(&c, 0, sizeof(c));
	c.r = s->rules;
	c.d = d;
	c.h = &rh;
	c.run = &run;
	c.rule = &ru;
	c.who = (struct csm_actor){NULL, 0, name};
	c.firing = key;
	if (csm_store_savepoint(d->st, err) < 0)
		return -1;
	for (i = 0; i < a->n && rc >= 0; i++)
		rc = action_do(&c, t, &a->acts[i], err);
	if (rc >= 0)
		return csm_store_savepoint_end(d->st, 1, err) < 0 ? -1 : 1;
	if (err->code != CSM_EDATA)
		return -1;
	if (csm_store_savepoint_end(d->st, 0, NULL) < 0)
		return csm_err_set(err, CSM_EINTERNAL, "cannot undo the "
		    "actions of [sla \"%s\"]", p->name);
	return 0;
}

/* Whether t is open now: not resolved, closed or merged. */
static int
open_now(const struct csm_ticket *t)
{
	const struct trow *row = desk_ticket_row(t);

	return row->i[TC_MERGED_INTO] == 0 && !is_done(row->s[TC_STATUS]);
}

/* Records each level reached once; *acted says whether actions ran. */
static int
fire(struct csm_sla *s, struct csm_desk *d, struct csm_ticket *t,
    const struct sla_policy *p, const struct sla_clock *c, int n,
    const struct csm_sla_hooks *h, struct csm_sla_stats *stats,
    int *acted, struct csm_err *err)
{
	char key[256], ref[24], why[300];
	const struct sla_level *lv;
	json_t *rec, *data;
	struct csm_actor who;
	struct csm_err aerr;
	int i, rc;
	size_t k;

	csm_ref_format('T', csm_ticket_id(t), ref);
	snprintf(why, sizeof(why), "sla:%s", p->name);
	for (i = 0; i < n; i++)
		for (k = 0; k < c[i].nlv; k++) {
			lv = &c[i].lv[k];
			if (lv->at == 0)
				continue;
			/* Keyed by what the level is, not by its place:
			 * a warning added to the policy is a new level,
			 * and the others keep their keys. */
			snprintf(key, sizeof(key), "sla:%s:%s:%lld:%s%s%s",
			    ref, sla_target_names[c[i].target],
			    (long long)c[i].cycle, sla_level_names[lv->kind],
			    lv->text ? ":" : "", lv->text ? lv->text : "");
			if ((rec = level_json(d, t, p, &c[i], lv)) == NULL)
				return csm_err_set(err, CSM_EINTERNAL,
				    "out of memory");
			data = json_deep_copy(rec);
			json_object_del(data, "type");
			who = (struct csm_actor){NULL, lv->at, why};
			rc = csm_ticket_event(d, t, lv->kind == LV_WARN ?
			    "sla_warn" : lv->kind == LV_BREACH ? "sla_breach" :
			    "sla_escalate", key, data, &who, NULL, err);
			json_decref(data);
			if (rc <= 0) {
				json_decref(rec);
				if (rc < 0)
					return -1;
				continue;
			}
			if (stats != NULL)
				stats->fired++;
			if (h != NULL && h->fired != NULL)
				h->fired(h->arg, rec);
			json_decref(rec);
			/* Actions only on a ticket still open: a history's
			 * closed tickets get their levels, nothing else. */
			if (p->on[lv->kind].n == 0 || !open_now(t))
				continue;
			csm_err_clear(&aerr);
			rc = act(s, d, t, p, &p->on[lv->kind], key, h, &aerr);
			if (rc < 0) {
				*err = aerr;
				return -1;
			}
			if (rc == 0) {
				if (stats != NULL)
					stats->refused++;
				if (h != NULL && h->refused != NULL)
					h->refused(h->arg, csm_ticket_id(t),
					    aerr.msg);
			} else
				*acted = 1;
		}
	return 0;
}

/* Business time for explain: whole hours as hours ("24h", not "1d",
 * which reads as a working day), else as csm_dur_format writes it. */
static void
business(int64_t secs, char buf[24])
{
	if (secs >= 86400 && secs % 3600 == 0)
		snprintf(buf, 24, "%lldh", (long long)(secs / 3600));
	else
		csm_dur_format(secs, buf);
}

/* The span hook of explain: a line a span, kept by clock. */
struct explain_arg {
	const struct sla_policy	*p;
	const struct sla_clock	*base;
	json_t			*lines[MAXCLOCKS];
};

static void
span_line(void *arg, const struct sla_clock *c, int64_t a, int64_t b, int st,
    int counted, int64_t secs, int64_t total)
{
	struct explain_arg *x = arg;
	const struct csm_tz *tz = csm_cal_tz(x->p->cal);
	char ta[40], tb[40], d1[24], d2[24], line[256];
	size_t i = (size_t)(c - x->base);

	if (i >= MAXCLOCKS)
		return;
	if (x->lines[i] == NULL)
		x->lines[i] = json_array();
	csm_time_format(a, tz, ta);
	csm_time_format(b, tz, tb);
	business(secs, d1);
	business(total, d2);
	snprintf(line, sizeof(line), "  %s .. %s  %-9s %-7s %6s  total %s",
	    ta, tb, csm_status_name(st), counted ? "counted" : st ==
	    CSM_ST_RESOLVED || st == CSM_ST_CLOSED ? "stopped" : "paused",
	    counted ? d1 : "-", d2);
	json_array_append_new(x->lines[i], json_string(line));
}

/* Tells the explain hook the arithmetic of each clock. */
static void
explain(const struct csm_sla_hooks *h, struct explain_arg *x,
    const struct sla_clock *c, int n)
{
	const struct csm_tz *tz = csm_cal_tz(x->p->cal);
	char line[512], t1[40], t2[40], d1[24], d2[24], ref[24];
	size_t k, j;
	int i;

	for (i = 0; i < n; i++) {
		business(c[i].secs, d1);
		ref[0] = '\0';
		if (c[i].cycle)
			csm_ref_format('M', c[i].cycle, ref);
		snprintf(line, sizeof(line), "%s%s%s: policy %s, calendar %s, "
		    "target %s", sla_target_names[c[i].target], ref[0] ? " " :
		    "", ref, x->p->name, csm_cal_name(x->p->cal), d1);
		h->explain(h->arg, line);
		csm_time_format(c[i].start, tz, t1);
		snprintf(line, sizeof(line), "  starts %s", t1);
		h->explain(h->arg, line);
		for (j = 0; i < MAXCLOCKS && x->lines[i] != NULL &&
		    j < json_array_size(x->lines[i]); j++)
			h->explain(h->arg, json_string_value(json_array_get(
			    x->lines[i], j)));
		for (k = 0; k < c[i].nlv; k++) {
			const struct sla_level *lv = &c[i].lv[k];

			business(lv->tau, d2);
			if (lv->at != 0)
				csm_time_format(lv->at, tz, t2);
			snprintf(line, sizeof(line), "  %s %d at %s of business "
			    "time: %s%s", sla_level_names[lv->kind], lv->n, d2,
			    lv->at ? "reached " : "not reached", lv->at ? t2 :
			    "");
			h->explain(h->arg, line);
		}
		business(c[i].elapsed, d1);
		t1[0] = t2[0] = '\0';
		if (c[i].stop)
			csm_time_format(c[i].stop, tz, t1);
		if (c[i].due && c[i].due != CSM_CAL_NEVER)
			csm_time_format(c[i].due, tz, t2);
		snprintf(line, sizeof(line), "  %s: %s counted%s%s%s%s",
		    sla_state_names[c[i].state], d1, c[i].stop ?
		    (c[i].stop_resolved ? ", ended by the resolution at " :
		    ", met at ") : "", t1, t2[0] ? ", due " : "", t2);
		h->explain(h->arg, line);
	}
	for (i = 0; i < MAXCLOCKS; i++)
		json_decref(x->lines[i]);
}

/*
 * Computes t's clocks as of now (see csm.h): with CSM_SLA_KEEP keeps
 * them, with CSM_SLA_FIRE records the levels reached and does their
 * actions, and, when actions changed the ticket, computes again.
 */
int
csm_sla_ticket(struct csm_sla *s, struct csm_desk *d, struct csm_ticket *t,
    int64_t now, unsigned flags, const struct csm_sla_hooks *h,
    json_t **clocks, struct csm_sla_stats *stats, struct csm_err *err)
{
	struct sla_clock *c = s->clk;
	struct sla_hist hist;
	const struct sla_policy *p = NULL;
	struct explain_arg x;
	int64_t dig = 0, old = -1, fired = -1, future = 0;
	int n = 0, rc, pass, acted, i, prio, have = 0, moved = 0;

	if (clocks != NULL)
		*clocks = NULL;
	memset(&hist, 0, sizeof(hist));
	for (pass = 0; pass < 3; pass++) {
		acted = 0;
		if ((rc = policy_of(s, d, t, &p, err)) < 0)
			goto fail;
		n = 0;
		future = 0;
		if (rc == 1 && desk_ticket_row(t)->i[TC_CREATED_AT] > now)
			future = desk_ticket_row(t)->i[TC_CREATED_AT];
		else if (rc == 1) {
			if (history(s, d, t, now, &hist, err) < 0)
				goto fail;
			future = hist.future;
			prio = desk_ticket_row(t)->s[TC_PRIORITY] ? sla_prio(
			    desk_ticket_row(t)->s[TC_PRIORITY]) : -1;
			memset(&x, 0, sizeof(x));
			x.p = p;
			x.base = c;
			n = sla_clocks(p, prio, &hist, now, c, MAXCLOCKS,
			    h != NULL && h->explain != NULL && pass == 0 ?
			    span_line : NULL, &x);
			if (n < 0)
				n = MAXCLOCKS;
			if (h != NULL && h->explain != NULL && pass == 0)
				explain(h, &x, c, n);
		}
		dig = digest(p, c, n, future);
		if (pass == 0 && (flags & (CSM_SLA_KEEP | CSM_SLA_FIRE)) &&
		    (have = kept(d, csm_ticket_id(t), &old, &fired, err)) < 0)
			goto fail;
		/* Levels are recorded once the clocks are known to have
		 * moved since they last were. */
		if ((flags & CSM_SLA_FIRE) && n > 0 && (!have || fired !=
		    dig)) {
			if (fire(s, d, t, p, c, n, h, stats, &acted, err) < 0)
				goto fail;
			fired = dig;
			moved = 1;
		}
		if (!acted)
			break;
		have = 1;
		old = -1;	/* the actions changed it: keep anew */
	}
	if ((flags & CSM_SLA_KEEP) && (moved || !have || old != dig) &&
	    (n > 0 || have || future) && keep(d, csm_ticket_id(t), have ||
	    !(flags & (CSM_SLA_KEEP | CSM_SLA_FIRE)), p, c, n, future, dig,
	    fired, err) < 0)
		goto fail;
	if (clocks != NULL) {
		if ((*clocks = json_array()) == NULL)
			goto nomem;
		for (i = 0; i < n; i++)
			if (json_array_append_new(*clocks,
			    clock_json(p, &c[i])) < 0)
				goto nomem;
	}
	free(hist.steps);
	free(hist.msgs);
	return n > 0;
nomem:
	csm_err_set(err, CSM_EINTERNAL, "out of memory");
fail:
	free(hist.steps);
	free(hist.msgs);
	if (clocks != NULL) {
		json_decref(*clocks);
		*clocks = NULL;
	}
	return -1;
}

/* A mark of the sweeps: 1 and *v, 0 when none yet, -1. */
static int
mark_get(struct csm_desk *d, const char *name, int64_t *v,
    struct csm_err *err)
{
	sqlite3_stmt *q = csm_store_stmt(d->st, "SELECT value FROM sla_marks "
	    "WHERE name = ?1", err);
	int rc;

	if (q == NULL)
		return -1;
	csm_bind_text(q, 1, name);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : csm_store_sqlerr(d->st, rc, err);
}

static int
mark_set(struct csm_desk *d, const char *name, int64_t v,
    struct csm_err *err)
{
	sqlite3_stmt *q = csm_store_stmt(d->st, "INSERT OR REPLACE INTO "
	    "sla_marks (name, value) VALUES (?1, ?2)", err);

	if (q == NULL)
		return -1;
	csm_bind_text(q, 1, name);
	sqlite3_bind_int64(q, 2, v);
	return csm_store_done(d->st, q, err);
}

struct ids {
	int64_t	*v;
	size_t	 n, cap;
};

/* Appends the ids a statement returns in its first column. */
static int
collect(struct csm_desk *d, sqlite3_stmt *q, struct ids *ids,
    struct csm_err *err)
{
	int rc;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (ids->n == ids->cap) {
			size_t cap = ids->cap ? ids->cap * 2 : 1024;
			int64_t *p = realloc(ids->v, cap * sizeof(*p));

			if (p == NULL) {
				sqlite3_reset(q);
				return csm_err_set(err, CSM_EINTERNAL,
				    "out of memory");
			}
			ids->v = p;
			ids->cap = cap;
		}
		ids->v[ids->n++] = sqlite3_column_int64(q, 0);
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : csm_store_sqlerr(d->st, rc, err);
}

/* The newest id of a table's rows (0: none). */
static int
newest(struct csm_desk *d, const char *sql, int64_t *v, struct csm_err *err)
{
	return desk_int64(d, sql, 0, v, err) < 0 ? -1 : 0;
}

/*
 * The tickets a sweep visits when not all: those created, changed or
 * written to since the marks, and those with a level falling due by now.
 */
static int
id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int
candidates(struct csm_desk *d, int64_t now, const int64_t mk[3],
    struct ids *ids, struct csm_err *err)
{
	sqlite3_stmt *q;
	size_t i, j;

	/* UNION ALL, each part by its own index, sorted and made unique
	 * here: a UNION sorted by SQLite reads every row of each table. */
	q = csm_store_stmt(d->st, "SELECT id FROM tickets WHERE id > ?1 "
	    "UNION ALL SELECT ticket FROM events WHERE id > ?2 AND ticket IS "
	    "NOT NULL UNION ALL SELECT ticket FROM messages WHERE id > ?3 "
	    "UNION ALL SELECT ticket FROM sla_tickets WHERE next_at < ?4",
	    err);
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, mk[0]);
	sqlite3_bind_int64(q, 2, mk[1]);
	sqlite3_bind_int64(q, 3, mk[2]);
	sqlite3_bind_int64(q, 4, now);
	if (collect(d, q, ids, err) < 0)
		return -1;
	if (ids->n > 1)
		qsort(ids->v, ids->n, sizeof(*ids->v), id_cmp);
	for (i = j = 0; i < ids->n; i++)
		if (j == 0 || ids->v[i] != ids->v[j - 1])
			ids->v[j++] = ids->v[i];
	ids->n = j;
	return 0;
}

/* Every ticket, read a page at a time, batch tickets a transaction. */
static int
sweep_all(struct csm_sla *s, struct csm_desk *d, int64_t now, long batch,
    const struct csm_sla_hooks *h, struct csm_sla_stats *stats,
    size_t *commits, struct csm_err *err)
{
	struct csm_ticket_query q = {0, 0, 0, NULL};
	struct csm_ticket_iter *it;
	struct csm_ticket *t;
	int rc;

	if ((it = csm_ticket_iter_new(d, &q, err)) == NULL)
		return -1;
	while ((rc = csm_ticket_iter_next(it, &t, err)) > 0) {
		if (stats->tickets > 0 && stats->tickets % (uint64_t)batch ==
		    0) {
			if (csm_store_commit(d->st, err) < 0 ||
			    csm_store_begin(d->st, err) < 0) {
				rc = -1;
				break;
			}
			(*commits)++;
		}
		stats->tickets++;
		if ((rc = csm_sla_ticket(s, d, t, now, CSM_SLA_KEEP |
		    CSM_SLA_FIRE, h, NULL, stats, err)) < 0)
			break;
	}
	csm_ticket_iter_free(it);
	return rc < 0 ? -1 : 0;
}

static const char *const mark_names[3] = {"tickets", "events", "messages"};

/*
 * The sweep (see csm.h): in transactions of batch tickets, the last of
 * which moves the marks to what the first one saw.
 */
int
csm_sla_sweep(struct csm_sla *s, struct csm_desk *d, int64_t now, int all,
    long batch, const struct csm_sla_hooks *h, struct csm_sla_stats *stats,
    struct csm_err *err)
{
	struct ids ids = {NULL, 0, 0};
	int64_t mk[3] = {0, 0, 0}, top[3] = {0, 0, 0}, fp = 0;
	struct csm_ticket *t;
	size_t i, commits = 0;
	int rc, k, have;

	memset(stats, 0, sizeof(*stats));
	if (batch <= 0)
		batch = 1000;
	if (csm_store_begin(d->st, err) < 0)
		return -1;
	if ((have = mark_get(d, "policies", &fp, err)) < 0)
		goto fail;
	if (!have || fp != (int64_t)s->fingerprint)
		all = stats->full = 1;
	for (k = 0; k < 3; k++)
		if (mark_get(d, mark_names[k], &mk[k], err) < 0)
			goto fail;
	if (newest(d, "SELECT coalesce(max(id), 0) + ?1 FROM tickets",
	    &top[0], err) < 0 || newest(d, "SELECT coalesce(max(id), 0) + ?1 "
	    "FROM events", &top[1], err) < 0 || newest(d, "SELECT "
	    "coalesce(max(id), 0) + ?1 FROM messages", &top[2], err) < 0)
		goto fail;
	if (all) {
		/* Every ticket: checkpoints in the background, as a long
		 * ingest has them. */
		if (csm_store_bulk_begin(d->st, err) < 0)
			goto fail;
		rc = sweep_all(s, d, now, batch, h, stats, &commits, err);
		if (rc < 0)
			goto fail;
	} else if (candidates(d, now, mk, &ids, err) < 0)
		goto fail;
	for (i = 0; i < ids.n; i++) {
		if (i > 0 && i % (size_t)batch == 0) {
			if (csm_store_commit(d->st, err) < 0 ||
			    csm_store_begin(d->st, err) < 0)
				goto fail;
			commits++;
		}
		if ((rc = csm_ticket_load(d, ids.v[i], 1, &t, err)) < 0)
			goto fail;
		if (rc == 0)
			continue;
		stats->tickets++;
		rc = csm_sla_ticket(s, d, t, now, CSM_SLA_KEEP | CSM_SLA_FIRE,
		    h, NULL, stats, err);
		csm_ticket_free(t);
		if (rc < 0)
			goto fail;
	}
	/* What this sweep has seen; in one transaction, its own events
	 * too (else another program's may lie between them). */
	if (commits == 0 && newest(d, "SELECT coalesce(max(id), 0) + ?1 FROM events",
	    &top[1], err) < 0)
		goto fail;
	for (k = 0; k < 3; k++)
		if (mark_set(d, mark_names[k], top[k], err) < 0)
			goto fail;
	if (mark_set(d, "policies", (int64_t)s->fingerprint, err) < 0 ||
	    csm_store_commit(d->st, err) < 0)
		goto fail;
	csm_store_bulk_end(d->st);
	free(ids.v);
	return 0;
fail:
	csm_store_rollback(d->st);
	csm_store_bulk_end(d->st);
	free(ids.v);
	return -1;
}

/* The clocks kept for t by the last sweep (see csm.h). */
int
csm_sla_kept(struct csm_desk *d, struct csm_ticket *t, json_t **clocks,
    struct csm_err *err)
{
	const struct csm_tz *tz = csm_model_tz(d->model);
	sqlite3_stmt *q;
	json_t *o;
	char buf[40];
	int rc, k;
	static const char *const times[] = {"start", "due", "met_at",
		"breached_at", "since"};

	*clocks = NULL;
	q = csm_store_stmt(d->st, "SELECT target, cycle, policy, calendar, "
	    "state, start, target_secs, due, stopped_at, breached_at, since, "
	    "elapsed, paused FROM sla WHERE ticket = ?1 ORDER BY target = "
	    "'resolution', target, cycle", err);
	if (q == NULL)
		return -1;
	if ((*clocks = json_array()) == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	sqlite3_bind_int64(q, 1, csm_ticket_id(t));
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		o = json_pack("{ss sI ss ss ss sI}",
		    "target", (const char *)sqlite3_column_text(q, 0),
		    "cycle", (json_int_t)sqlite3_column_int64(q, 1),
		    "policy", (const char *)sqlite3_column_text(q, 2),
		    "calendar", (const char *)sqlite3_column_text(q, 3),
		    "state", (const char *)sqlite3_column_text(q, 4),
		    "target_seconds", (json_int_t)sqlite3_column_int64(q, 6));
		if (o == NULL || json_array_append_new(*clocks, o) < 0) {
			sqlite3_reset(q);
			json_decref(*clocks);
			*clocks = NULL;
			return csm_err_set(err, CSM_EINTERNAL, "out of memory");
		}
		for (k = 0; k < 5; k++) {
			int col = k == 0 ? 5 : k + 6;

			if (sqlite3_column_type(q, col) == SQLITE_NULL)
				continue;
			csm_time_format(sqlite3_column_int64(q, col), tz, buf);
			json_object_set_new(o, times[k], json_string(buf));
		}
		json_object_set_new(o, "elapsed", json_integer(
		    sqlite3_column_int64(q, 11)));
		json_object_set_new(o, "paused", json_integer(
		    sqlite3_column_int64(q, 12)));
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE) {
		json_decref(*clocks);
		*clocks = NULL;
		return csm_store_sqlerr(d->st, rc, err);
	}
	return 0;
}
