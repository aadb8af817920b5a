/*
 * apply.c - applying a prepared record of each kind to the store: the
 * store side of ingest, and the first caller of the ticket write path
 * (ticket.c, customer.c).  Every record but a new ticket is applied
 * inside a savepoint, so that one the store refuses (a key some other
 * record holds) is refused alone and never stops a run for good.
 */
#include <stdlib.h>
#include <string.h>

#include "desk.h"

static struct csm_actor
actor(struct csm_desk *d, const struct csm_item *it, int64_t at)
{
	struct csm_actor who = WHO(d, at);

	if (it->v[F_BY].set)
		who.by = it->v[F_BY].s;
	if (it->v[F_WHY].set)
		who.why = it->v[F_WHY].s;
	return who;
}

static int guarded(struct csm_desk *d, struct csm_item *it,
    int (*fn)(struct csm_desk *, struct csm_item *, struct trow *,
    struct csm_err *), struct trow *t, struct csm_err *err);

static int
update_ticket(struct csm_desk *d, struct csm_item *it, struct trow *t,
    struct csm_err *err)
{
	struct csm_actor who = actor(d, it, 0);

	return ticket_update(d, it, t, &who, 1, err);
}

/*
 * Tickets: created, or the stored one updated (by id or channel key).  A
 * new ticket is written outside a savepoint: the bulk of every run, its
 * every constraint is checked before it is written.
 */
static int
apply_ticket(struct csm_desk *d, struct csm_item *it, struct csm_err *err)
{
	struct csm_actor who = actor(d, it, 0);
	struct trow t;
	int64_t id = it->v[F_ID].i;
	char ref[24];
	int rc;

	if (!it->v[F_ID].set) {
		if (ticket_id_by_key(d, it->v[F_SOURCE].s, it->v[F_SOURCE].len,
		    it->v[F_SOURCE_ID].set ? it->v[F_SOURCE_ID].s : it->key,
		    it->v[F_SOURCE_ID].set ? it->v[F_SOURCE_ID].len :
		    strlen(it->key), &id, err) < 0)
			return -2;
		if (id == 0)
			return ticket_create(d, it, &who, NULL, err);
	}
	rc = ticket_by_id(d, id, &t, err);
	if (rc == 0) {
		csm_ref_format('T', id, ref);
		return refuse(err, "id: no ticket %s", ref);
	}
	if (rc < 0)
		return rc;
	rc = guarded(d, it, update_ticket, &t, err);
	trow_clear(&t);
	return rc;
}

/* A record's own id of another kind (M-, S-) must name one that exists. */
static int
check_self(struct csm_desk *d, const struct csm_item *it, const char *sql,
    char prefix, struct csm_err *err)
{
	sqlite3_stmt *s;
	char ref[24];
	int rc;

	if (!it->v[F_ID].set)
		return 0;
	STMT(s, sql);
	sqlite3_bind_int64(s, 1, it->v[F_ID].i);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return desk_fatal(d, rc, err);
	csm_ref_format(prefix, it->v[F_ID].i, ref);
	return refuse(err, "id: no %s %s", csm_kind_name(it->kind), ref);
}

/*
 * A survey, order or customer record that names its own id is csm's own
 * line read back: like a ticket record, it changes nothing unless it is
 * newer than what the store holds (sql gives the stored time of id).  1
 * stale (an unchanged line is emitted), 0 not, -1 no such id, -2.
 */
static int
stale_by_id(struct csm_desk *d, const struct csm_item *it, const char *sql,
    int64_t at, struct csm_err *err)
{
	static const char prefix[CSM_NKINDS] = {0, 'T', 'M', 'E', 'C', 'O',
		'S'};
	sqlite3_stmt *s;
	int64_t stored;
	char ref[24];
	int rc;

	if (!it->v[F_ID].set)
		return 0;
	STMT(s, sql);
	sqlite3_bind_int64(s, 1, it->v[F_ID].i);
	rc = sqlite3_step(s);
	stored = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	csm_ref_format(prefix[it->kind], it->v[F_ID].i, ref);
	if (rc == SQLITE_DONE)
		return refuse(err, "id: no %s %s", csm_kind_name(it->kind),
		    ref);
	if (rc != SQLITE_ROW)
		return desk_fatal(d, rc, err);
	if (at == 0 || at > stored)
		return 0;
	emit_unchanged(d, it->kind, "id", ref);
	return 1;
}

/* Messages. */
static int
apply_message(struct csm_desk *d, struct csm_item *it, struct csm_err *err)
{
	struct csm_actor who = actor(d, it, it->v[F_AT].set ? it->v[F_AT].i :
	    d->now);
	struct trow t;
	int64_t mid = 0;
	int rc, op;
	char ref[24];

	if ((rc = check_self(d, it, "SELECT 1 FROM messages WHERE id = ?1",
	    'M', err)) < 0)
		return rc;
	rc = ticket_ref(d, it, &t, err);
	if (rc <= 0)
		return rc == 0 ? -1 : rc;
	rc = ticket_message(d, it, &t, &who, &mid, &op, err);
	if (rc == 0 && op == OP_UNCHANGED) {
		csm_ref_format('M', mid, ref);
		emit_unchanged(d, CSM_KIND_MESSAGE, "id", ref);
	}
	trow_clear(&t);
	return rc;
}

/* Events. */

/* The key an input event is kept under: "key", else source:source_id,
 * else its content.  New text in *ext, or -2. */
static int
event_key(const struct csm_item *it, const struct trow *t, char **ext,
    struct csm_err *err)
{
	const struct csm_val *v = it->v;
	struct csm_buf b = {0};
	const char *src;
	int bad = 0;

	if (v[F_KEY].set)
		bad = csm_buf_add(&b, v[F_KEY].s, v[F_KEY].len) < 0;
	else if (v[F_SOURCE_ID].set) {
		src = v[F_SOURCE].set ? v[F_SOURCE].s : t->s[TC_SOURCE];
		bad = csm_buf_add(&b, src, strlen(src)) < 0 ||
		    csm_buf_addc(&b, ':') < 0 ||
		    csm_buf_add(&b, v[F_SOURCE_ID].s, v[F_SOURCE_ID].len) < 0;
	} else
		bad = csm_buf_add(&b, it->key, strlen(it->key)) < 0;
	if (bad || csm_buf_addc(&b, '\0') < 0) {
		csm_buf_free(&b);
		return nomem(err);
	}
	*ext = b.p;
	return 0;
}

/* An event that changed nothing writes nothing, but its key is kept, so
 * that reading it again later (when it would be stale) changes nothing
 * either.  noop_taken: 1 (unchanged) if the key is kept, 0 if not, -2. */
static int
noop_taken(struct csm_desk *d, const char *ext, struct csm_err *err)
{
	sqlite3_stmt *s;
	int rc;

	STMT(s, "SELECT 1 FROM taken WHERE kind = 'event' AND key = ?1");
	csm_bind_text(s, 1, ext);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return desk_fatal(d, rc, err);
	emit_unchanged(d, CSM_KIND_EVENT, NULL, NULL);
	return 1;
}

static int
noop_keep(struct csm_desk *d, const char *ext, struct csm_err *err)
{
	sqlite3_stmt *s;

	STMT(s, "INSERT OR IGNORE INTO taken (kind, key) VALUES ('event', ?1)");
	csm_bind_text(s, 1, ext);
	return desk_done(d, s, err);
}

/*
 * An event whose key (or id) is there already: the same event (its
 * ticket, after merges, and action) changes nothing; another one is
 * refused.  1 there (unchanged), 0 not there, -1, -2.
 */
static int
event_there(struct csm_desk *d, const struct csm_item *it,
    const struct trow *t, const char *ext, struct csm_err *err)
{
	sqlite3_stmt *s;
	int64_t eid, on;
	char ref[2][24], esc[64];
	int rc, same_action;

	if (it->v[F_ID].set) {
		STMT(s, "SELECT id, ticket, action FROM events WHERE id = ?1");
		sqlite3_bind_int64(s, 1, it->v[F_ID].i);
	} else {
		STMT(s, "SELECT id, ticket, action FROM events WHERE ext = ?1");
		csm_bind_text(s, 1, ext);
	}
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return desk_fatal(d, rc, err);
		if (!it->v[F_ID].set)
			return noop_taken(d, ext, err);
		csm_ref_format('E', it->v[F_ID].i, ref[0]);
		return refuse(err, "id: no event %s", ref[0]);
	}
	eid = sqlite3_column_int64(s, 0);
	on = sqlite3_column_int64(s, 1);
	same_action = strcmp((const char *)sqlite3_column_text(s, 2),
	    it->v[F_ACTION].s) == 0;
	sqlite3_reset(s);
	csm_ref_format('E', eid, ref[0]);
	csm_ref_format('T', on, ref[1]);
	/* The same ticket, or one merged since into the same one, or its
	 * follow-up that the thread leads to now. */
	if (on != t->id && on > 0) {
		if ((rc = ticket_same_thread(d, on, t->id, err)) < 0)
			return -2;
		if (rc > 0)
			on = t->id;
	}
	if (on != t->id || !same_action)
		return refuse(err, "%s: event %s (%s on ticket %s) has this "
		    "key", it->v[F_ID].set ? "id" : "key", ref[0], csm_escape(
		    it->v[F_ACTION].s, it->v[F_ACTION].len, esc, sizeof(esc)),
		    ref[1]);
	emit_unchanged(d, CSM_KIND_EVENT, "id", ref[0]);
	return 1;
}

/* The actions an event record may take. */
static int
known_action(const char *a)
{
	static const char *const actions[] = {
		"status", "reopen", "assign", "transfer", "escalate",
		"priority", "link", "merge"
	};
	size_t i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(a, actions[i]) == 0)
			return 1;
	return 0;
}

/* An event older than the ticket's last change: kept as history, with the
 * record's custom fields, and applied to nothing.  0 or -2. */
static int
stale_event(struct csm_desk *d, const struct csm_item *it,
    const struct trow *t, const struct csm_actor *who, const char *ext,
    struct csm_err *err)
{
	struct desk_event e = {0};
	struct csm_buf data = {0};
	int rc;

	if (csm_buf_add(&data, "{\"stale\":true", 13) < 0 ||
	    (it->attrs != NULL ? csm_buf_addc(&data, ',') < 0 ||
	    csm_buf_add(&data, it->attrs + 1, strlen(it->attrs + 1)) < 0 :
	    csm_buf_addc(&data, '}') < 0) || csm_buf_addc(&data, '\0') < 0) {
		csm_buf_free(&data);
		return nomem(err);
	}
	e.ticket = t->id;
	e.action = it->v[F_ACTION].s;
	e.data = data.p;
	e.ext = ext;
	rc = desk_event(d, who, &e, err);
	csm_buf_free(&data);
	return rc;
}

/* assign, transfer, escalate, priority: field changes, the first of which
 * carries the input's key.  1 changed, 0 not, -2. */
static int
field_event(struct csm_desk *d, const struct csm_item *it, struct trow *t,
    const struct csm_actor *who, const char *ext, struct csm_err *err)
{
	static const struct {
		int field, tc;
	} fc[] = {
		{F_GROUP, TC_GRP}, {F_ASSIGNEE, TC_ASSIGNEE},
		{F_PRIORITY, TC_PRIORITY}
	};
	const struct csm_val *v = it->v;
	const char *action = v[F_ACTION].s, *nv;
	int changed = 0;
	size_t i;

	for (i = 0; i < sizeof(fc) / sizeof(fc[0]); i++) {
		if (!v[fc[i].field].set) {
			/* "assign" without an assignee unassigns. */
			if (!(fc[i].field == F_ASSIGNEE &&
			    strcmp(action, "assign") == 0 &&
			    t->s[TC_ASSIGNEE] != NULL))
				continue;
			nv = NULL;
		} else if (same(t->s[fc[i].tc], &v[fc[i].field]))
			continue;
		else
			nv = v[fc[i].field].s;
		if (ticket_set_col(d, t, fc[i].tc, nv, who, action,
		    changed ? NULL : ext, err) < 0)
			return -2;
		changed = 1;
	}
	return changed;
}

/* Checks an event against the ticket before anything is written.  For
 * link and merge, loads the other ticket into into.  0, -1, -2. */
static int
check_event(struct csm_desk *d, const struct csm_item *it,
    const struct trow *t, struct trow *into, struct csm_err *err)
{
	const struct csm_val *v = it->v;
	const char *action = v[F_ACTION].s;
	char ref[24], esc[64];
	int rc;

	if (!known_action(action))
		return refuse(err, "action: unknown action \"%s\" (expected "
		    "status, assign, transfer, escalate, priority, reopen, "
		    "link or merge)", csm_escape(action, v[F_ACTION].len, esc,
		    sizeof(esc)));
	if (strcmp(action, "status") == 0 && !v[F_STATUS].set)
		return refuse(err, "status: missing for a status event");
	if (strcmp(action, "transfer") == 0 && !v[F_GROUP].set)
		return refuse(err, "group: missing for a transfer");
	if (strcmp(action, "link") != 0 && strcmp(action, "merge") != 0)
		return 0;
	if (!v[F_INTO].set)
		return refuse(err, "into: missing (the ticket to %s with)",
		    action);
	rc = ticket_by_id(d, v[F_INTO].i, into, err);
	if (rc <= 0) {
		csm_ref_format('T', v[F_INTO].i, ref);
		return rc < 0 ? rc : refuse(err, "into: no ticket %s", ref);
	}
	if (into->id == t->id)
		return refuse(err, "into: a ticket cannot %s with itself",
		    action);
	return 0;
}

/*
 * Applies an event record to its ticket: the input event is the history
 * entry of the change it makes, and carries its key.  0, -1, -2.
 */
static int
event_change(struct csm_desk *d, struct csm_item *it, struct trow *t,
    struct trow *into, const struct csm_actor *who, const char *ext,
    struct csm_err *err)
{
	const char *action = it->v[F_ACTION].s, *status, *stage;
	int rc;

	if (strcmp(action, "status") == 0 || strcmp(action, "reopen") == 0) {
		struct csm_ticket_state cur = {t->s[TC_TICKET_TYPE],
			t->s[TC_STATUS], t->s[TC_STAGE], t->i[TC_CLOSED_AT]};
		char msg[sizeof(err->msg)];

		rc = action[0] == 's' ? csm_model_move(d->model, &cur,
		    cur.type, it->v[F_STATUS].s, who->at, &status, &stage, err) :
		    csm_model_reopen(d->model, &cur, who->at, &status, &stage,
		    err);
		if (rc < 0) {
			memcpy(msg, err->msg, sizeof(msg));
			return refuse(err, "%s: %s", action[0] == 's' ?
			    "status" : "action", msg);
		}
		/* A move to where it is changes nothing and writes
		 * nothing. */
		if (rc == 0)
			return 0;
		return ticket_set_status(d, t, status, stage, who, ext, err) <
		    0 ? -2 : 1;
	}
	if (strcmp(action, "link") == 0)
		return ticket_link(d, t, into->id, "link", "link", who, ext,
		    err);
	if (strcmp(action, "merge") == 0)
		return ticket_merge(d, t, into, who, ext, err);
	return field_event(d, it, t, who, ext, err);
}

static int
apply_event(struct csm_desk *d, struct csm_item *it, struct csm_err *err)
{
	const struct csm_val *v = it->v;
	struct csm_actor who = actor(d, it, v[F_AT].set ? v[F_AT].i : d->now);
	struct trow t, into;
	sqlite3_stmt *s;
	char *ext = NULL;
	int64_t eid;
	int rc, changed = 0;

	memset(&into, 0, sizeof(into));
	/* A merge names the ticket merged, not the one it may live in. */
	if (strcmp(v[F_ACTION].s, "merge") == 0 && v[F_TICKET].set) {
		rc = ticket_by_id(d, v[F_TICKET].i, &t, err);
		if (rc == 0) {
			char ref[24];

			csm_ref_format('T', v[F_TICKET].i, ref);
			refuse(err, "ticket: no ticket %s", ref);
		}
	} else
		rc = ticket_ref(d, it, &t, err);
	if (rc <= 0)
		return rc == 0 ? -1 : rc;
	if ((rc = event_key(it, &t, &ext, err)) < 0)
		goto out;
	if ((rc = event_there(d, it, &t, ext, err)) != 0) {
		rc = rc > 0 ? 0 : rc;
		goto out;
	}
	if ((rc = check_event(d, it, &t, &into, err)) < 0)
		goto out;
	if (who.at < t.i[TC_UPDATED_AT]) {
		if ((rc = stale_event(d, it, &t, &who, ext, err)) < 0)
			goto out;
	} else {
		if ((rc = event_change(d, it, &t, &into, &who, ext, err)) < 0)
			goto out;
		changed = rc > 0;
		/* A change made only of history carries its key on a bare
		 * entry; one that changed nothing writes nothing. */
		if (!changed) {
			rc = noop_keep(d, ext, err);
			if (rc == 0)
				emit_unchanged(d, CSM_KIND_EVENT, NULL, NULL);
			goto out;
		}
		if (it->attrs != NULL) {
			if ((s = csm_store_stmt(d->st, "UPDATE events SET data = "
			    "?2 WHERE ext = ?1 AND data IS NULL", err)) == NULL) {
				rc = -2;
				goto out;
			}
			csm_bind_text(s, 1, ext);
			sqlite3_bind_text(s, 2, it->attrs, -1, SQLITE_STATIC);
			if ((rc = desk_done(d, s, err)) < 0)
				goto out;
		}
	}
	/* The history entry that carries the input's key. */
	if ((s = csm_store_stmt(d->st, "SELECT id FROM events WHERE ext = ?1",
	    err)) == NULL) {
		rc = -2;
		goto out;
	}
	csm_bind_text(s, 1, ext);
	rc = sqlite3_step(s);
	eid = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = desk_fatal(d, rc, err);
		goto out;
	}
	if ((changed && ticket_touch(d, &t, who.at, err) < 0) ||
	    emit_event(d, OP_CREATED, eid, err) < 0 ||
	    (changed && emit_ticket_id(d, OP_UPDATED, t.id, err) < 0)) {
		rc = -2;
		goto out;
	}
	rc = 0;
out:
	free(ext);
	trow_clear(&t);
	trow_clear(&into);
	return rc;
}

/* Surveys: one answer of each kind a ticket. */
static int
apply_survey(struct csm_desk *d, struct csm_item *it, struct csm_err *err)
{
	struct csm_val *v = it->v;
	struct desk_event e = {0};
	struct csm_actor who = actor(d, it, v[F_AT].set ? v[F_AT].i : d->now);
	struct trow t;
	sqlite3_stmt *s;
	int64_t sid = 0;
	int rc, op = OP_CREATED;
	char score[24];

	if ((rc = stale_by_id(d, it, "SELECT at FROM surveys WHERE id = ?1",
	    v[F_AT].set ? v[F_AT].i : 0, err)) != 0)
		return rc > 0 ? 0 : rc;
	rc = ticket_ref(d, it, &t, err);
	if (rc <= 0)
		return rc == 0 ? -1 : rc;
	if ((s = csm_store_stmt(d->st, "SELECT id, score, comment FROM "
	    "surveys WHERE ticket = ?1 AND kind = ?2", err)) == NULL) {
		rc = -2;
		goto out;
	}
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
		rc = desk_fatal(d, rc, err);
		goto out;
	}
	rc = -2;
	if (op != OP_UNCHANGED) {
		if ((s = csm_store_stmt(d->st, "INSERT INTO surveys (ticket, "
		    "kind, score, comment, at, attrs) VALUES (?1, ?2, ?3, ?4, "
		    "?5, ?6) ON CONFLICT (ticket, kind) DO UPDATE SET score = "
		    "excluded.score, comment = excluded.comment, at = "
		    "excluded.at, attrs = excluded.attrs", err)) == NULL)
			goto out;
		sqlite3_bind_int64(s, 1, t.id);
		bind_val(s, 2, &v[F_KIND]);
		sqlite3_bind_int64(s, 3, v[F_SCORE].i);
		bind_val(s, 4, &v[F_COMMENT]);
		sqlite3_bind_int64(s, 5, who.at);
		if (it->attrs != NULL)
			sqlite3_bind_text(s, 6, it->attrs, -1, SQLITE_STATIC);
		if (desk_done(d, s, err) < 0)
			goto out;
		if (sid == 0)
			sid = sqlite3_last_insert_rowid(csm_store_db(d->st));
		snprintf(score, sizeof(score), "%lld", (long long)v[F_SCORE].i);
		e.ticket = t.id;
		e.action = "survey";
		e.field = v[F_KIND].s;
		e.new = score;
		if (desk_event(d, &who, &e, err) < 0)
			goto out;
	}
	rc = emit_survey(d, op, sid, err);
out:
	trow_clear(&t);
	return rc;
}

/* Orders (ERP exports): created, or the stored one updated. */
static int
apply_order(struct csm_desk *d, struct csm_item *it, struct csm_err *err)
{
	struct csm_val *v = it->v;
	struct desk_event e = {0};
	struct csm_actor who;
	sqlite3_stmt *s;
	int64_t cust = 0, at, before;
	int rc, op = OP_CREATED, cop, oom = 0;
	char *attrs = NULL;

	at = v[F_UPDATED_AT].set ? v[F_UPDATED_AT].i : v[F_CREATED_AT].set ?
	    v[F_CREATED_AT].i : v[F_PURCHASED_AT].set ? v[F_PURCHASED_AT].i :
	    d->now;
	who = actor(d, it, at);
	if ((rc = stale_by_id(d, it, "SELECT updated_at FROM orders WHERE id = "
	    "?1", v[F_UPDATED_AT].set ? v[F_UPDATED_AT].i : 0, err)) != 0)
		return rc > 0 ? 0 : rc;
	STMT(s, "SELECT id, customer, product, purchased_at, warranty_until, "
	    "attrs FROM orders WHERE order_no = ?1");
	bind_val(s, 1, &v[F_ORDER_NO]);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(s, 2);

		if (v[F_ID].set && sqlite3_column_int64(s, 0) != v[F_ID].i) {
			char ref[24];

			sqlite3_reset(s);
			csm_ref_format('O', v[F_ID].i, ref);
			return refuse(err, "id: %s is not order %s", ref,
			    v[F_ORDER_NO].s);
		}
		cust = sqlite3_column_int64(s, 1);
		op = OP_UNCHANGED;
		if ((v[F_PRODUCT].set && (p == NULL ||
		    !same(p, &v[F_PRODUCT]))) ||
		    (v[F_PURCHASED_AT].set && sqlite3_column_int64(s, 3) !=
		    v[F_PURCHASED_AT].i) ||
		    (v[F_WARRANTY_UNTIL].set && sqlite3_column_int64(s, 4) !=
		    v[F_WARRANTY_UNTIL].i))
			op = OP_UPDATED;
		attrs = merged_attrs((const char *)sqlite3_column_text(s, 5),
		    it->attrs, &oom);
		if (attrs != NULL)
			op = OP_UPDATED;
	}
	sqlite3_reset(s);
	if (oom)
		return nomem(err);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		free(attrs);
		return desk_fatal(d, rc, err);
	}
	if (op == OP_CREATED && it->missing != NULL) {
		free(attrs);
		return refuse(err, "%s", it->missing);
	}
	if (op == OP_CREATED && v[F_ID].set) {
		char ref[24];

		csm_ref_format('O', v[F_ID].i, ref);
		return refuse(err, "id: %s is not order %s", ref,
		    v[F_ORDER_NO].s);
	}
	before = cust;
	rc = desk_resolve(d, it, cust, 0, at, NULL, &cust, &cop, err);
	if (rc != 0) {
		free(attrs);
		return rc;
	}
	/* An order first known without a customer gets one now. */
	if (op == OP_UNCHANGED && cust != before)
		op = OP_UPDATED;
	if (op == OP_UNCHANGED)
		return emit_order(d, op, v[F_ORDER_NO].s, err);
	if (op == OP_CREATED) {
		s = csm_store_stmt(d->st, "INSERT INTO orders (order_no, "
		    "customer, product, purchased_at, warranty_until, attrs, "
		    "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
		    "?7, ?7)", err);
		if (it->attrs != NULL && (attrs = strdup(it->attrs)) == NULL)
			return nomem(err);
	} else
		s = csm_store_stmt(d->st, "UPDATE orders SET customer = ?2, "
		    "product = coalesce(?3, product), purchased_at = "
		    "coalesce(?4, purchased_at), warranty_until = coalesce(?5, "
		    "warranty_until), attrs = coalesce(?6, attrs), updated_at = "
		    "max(updated_at, ?7) WHERE order_no = ?1", err);
	if (s == NULL) {
		free(attrs);
		return -2;
	}
	bind_val(s, 1, &v[F_ORDER_NO]);
	if (cust > 0)
		sqlite3_bind_int64(s, 2, cust);
	bind_val(s, 3, &v[F_PRODUCT]);
	bind_time(s, 4, v[F_PURCHASED_AT].set ? v[F_PURCHASED_AT].i : 0);
	bind_time(s, 5, v[F_WARRANTY_UNTIL].set ? v[F_WARRANTY_UNTIL].i : 0);
	if (attrs != NULL)
		sqlite3_bind_text(s, 6, attrs, -1, free);
	sqlite3_bind_int64(s, 7, at);
	if (desk_done(d, s, err) < 0)
		return -2;
	e.customer = cust;
	e.action = op == OP_CREATED ? "order" : "order_update";
	e.field = "order_no";
	e.new = v[F_ORDER_NO].s;
	if (desk_event(d, &who, &e, err) < 0)
		return -2;
	return emit_order(d, op, v[F_ORDER_NO].s, err);
}

/* Customers (CRM exports): the record's profile is authoritative. */
static int
apply_customer(struct csm_desk *d, struct csm_item *it, struct csm_err *err)
{
	int64_t cust, at;
	int op, rc;

	at = it->v[F_UPDATED_AT].set ? it->v[F_UPDATED_AT].i :
	    it->v[F_CREATED_AT].set ? it->v[F_CREATED_AT].i : d->now;
	if ((rc = stale_by_id(d, it, "SELECT updated_at FROM customers WHERE "
	    "id = ?1", it->v[F_UPDATED_AT].set ? it->v[F_UPDATED_AT].i : 0,
	    err)) != 0)
		return rc > 0 ? 0 : rc;
	if (it->v[F_ID].set)
		it->v[F_CUSTOMER] = it->v[F_ID];
	return desk_resolve(d, it, 0, 1, at, NULL, &cust, &op, err);
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
apply_once(struct csm_desk *d, struct csm_item *it, struct csm_err *err)
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
			emit_unchanged(d, it->kind, NULL, NULL);
			return 0;
		}
		if (rc != SQLITE_DONE)
			return desk_fatal(d, rc, err);
	}
	rc = it->kind == CSM_KIND_SURVEY ? apply_survey(d, it, err) :
	    it->kind == CSM_KIND_ORDER ? apply_order(d, it, err) :
	    apply_customer(d, it, err);
	if (rc != 0 || it->key[0] == '\0')
		return rc;
	STMT(s, "INSERT INTO taken (kind, key) VALUES (?1, ?2)");
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, it->key, -1, SQLITE_STATIC);
	return desk_done(d, s, err);
}

static int
apply_other(struct csm_desk *d, struct csm_item *it, struct trow *t,
    struct csm_err *err)
{
	(void)t;
	switch (it->kind) {
	case CSM_KIND_MESSAGE:
		return apply_message(d, it, err);
	case CSM_KIND_EVENT:
		return apply_event(d, it, err);
	case CSM_KIND_SURVEY:
	case CSM_KIND_ORDER:
	case CSM_KIND_CUSTOMER:
		return apply_once(d, it, err);
	}
	return csm_err_set(err, CSM_EINTERNAL, "unknown record kind"), -2;
}

/*
 * Runs fn inside a savepoint.  A record the store refuses (a constraint:
 * a key another record holds, which the checks did not foresee) is
 * rolled back alone, its lines unwritten, and refused like any bad
 * record: one record never stops a run, nor every rerun, for good.
 */
static int
guarded(struct csm_desk *d, struct csm_item *it,
    int (*fn)(struct csm_desk *, struct csm_item *, struct trow *,
    struct csm_err *), struct trow *t, struct csm_err *err)
{
	uint64_t counts[CSM_NKINDS][4];
	size_t mark = d->out ? csm_writer_mark(d->out) : 0;
	int rc;

	if (csm_store_savepoint(d->st, err) < 0)
		return -2;
	memcpy(counts, d->counts, sizeof(counts));
	rc = fn(d, it, t, err);
	if (rc == -2 && err->code != CSM_EDATA)
		return rc;	/* the caller rolls the transaction back */
	if (rc == 0)
		return csm_store_savepoint_end(d->st, 1, err) < 0 ? -2 : 0;
	if (csm_store_savepoint_end(d->st, 0, NULL) < 0)
		return csm_err_set(err, CSM_EINTERNAL, "cannot roll back a "
		    "refused record"), -2;
	memcpy(d->counts, counts, sizeof(counts));
	if (d->out != NULL)
		csm_writer_rewind(d->out, mark);
	/* What the cache learnt from writes may have been undone. */
	if (rc == -2)
		csm_idcache_clear(d->ids);
	return -1;
}

/* Applies one prepared item (see model.h). */
int
csm_apply(struct csm_desk *d, struct csm_item *it, struct csm_err *err)
{
	if (it->kind == CSM_KIND_TICKET)
		return apply_ticket(d, it, err);
	return guarded(d, it, apply_other, NULL, err);
}
