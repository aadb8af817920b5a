/*
 * ticket.c - tickets in the store: loading them, creating them from a
 * prepared record, changing their fields and status through the model,
 * their messages, follow-ups, links and merges.  Every change appends an
 * event in the same transaction.
 *
 * Each function checks everything that can refuse its change before its
 * first write, so that a refused change leaves nothing behind.
 */
#include <stdlib.h>
#include <string.h>

#include "desk.h"

#define MAX_CHAIN 64	/* merges and follow-ups followed at most */

/* Per column: its field slot, event action, name and UPDATE. */
#define X_SLOT(tc, column, select, slot, action) slot,
static const int tc_slot[NTCOLS] = { CSM_TICKET_COLUMNS(X_SLOT) };
#define X_ACTION(tc, column, select, slot, action) action,
static const char *const tc_action[NTCOLS] = {
	CSM_TICKET_COLUMNS(X_ACTION)
};
#define X_UPDATE(tc, column, select, slot, action) \
	"UPDATE tickets SET " column " = ?2 WHERE id = ?1",
static const char *const tc_update[NTCOLS] = {
	CSM_TICKET_COLUMNS(X_UPDATE)
};
#define X_COLUMN(tc, column, select, slot, action) column ", "
#define X_PARAM(tc, column, select, slot, action) "?, "
static const char sql_insert[] = "INSERT INTO tickets ("
    CSM_TICKET_COLUMNS(X_COLUMN) "id) VALUES ("
    CSM_TICKET_COLUMNS(X_PARAM) "NULL)";

static const char sql_by_id[] = CSM_TICKET_SELECT "WHERE t.id = ?1";
static const char sql_by_key[] = CSM_TICKET_SELECT
    "WHERE t.source = ?1 AND t.source_id = ?2";
const char csm_sql_ticket_page[] = CSM_TICKET_SELECT
    "WHERE t.id > ?1 AND (?2 = 0 OR (t.status NOT IN ('resolved', 'closed') "
    "AND t.merged_into IS NULL)) AND t.updated_at >= ?3 ORDER BY t.id "
    "LIMIT ?4";
static const char sql_by_thread[] = CSM_TICKET_SELECT
    "WHERE t.source = ?1 AND t.thread_id = ?2 ORDER BY t.id DESC LIMIT 1";

/* The name a column has in records ("group" for grp). */
const char *
tc_name(int tc)
{
	if (tc == TC_STAGE)
		return "stage";
	if (tc == TC_ATTRS)
		return "attrs";
	return csm_field_name(tc_slot[tc]);
}

void
trow_clear(struct trow *t)
{
	int i;

	if (!t->view)
		for (i = 0; i < NTCOLS; i++)
			free(t->s[i]);
	memset(t, 0, sizeof(*t));
}

/*
 * Loads a ticket with a prepared SELECT of CSM_TICKET_SELECT (already
 * bound).  Returns 1 found, 0 not, -2 with err.
 */
/*
 * Reads the current row of a statement of CSM_TICKET_SELECT into t.  0,
 * or -2 when out of memory (t cleared).
 */
int
trow_read(sqlite3_stmt *s, struct trow *t, struct csm_err *err)
{
	int tc;

	memset(t, 0, sizeof(*t));
	for (tc = 0; tc < NTCOLS; tc++) {
		if (TC_IS_INT(tc))
			t->i[tc] = sqlite3_column_int64(s, tc);
		else if (sqlite3_column_type(s, tc) != SQLITE_NULL &&
		    (t->s[tc] = col_dup(s, tc)) == NULL) {
			trow_clear(t);
			return nomem(err);
		}
	}
	t->id = sqlite3_column_int64(s, NTCOLS);
	return 0;
}

static int
trow_load(struct csm_desk *d, sqlite3_stmt *s, struct trow *t,
    struct csm_err *err)
{
	int rc = sqlite3_step(s);

	memset(t, 0, sizeof(*t));
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? 0 : desk_fatal(d, rc, err);
	}
	rc = trow_read(s, t, err);
	sqlite3_reset(s);
	return rc < 0 ? rc : 1;
}

/* Loads ticket id.  1, 0 (none), -2. */
int
ticket_by_id(struct csm_desk *d, int64_t id, struct trow *t,
    struct csm_err *err)
{
	sqlite3_stmt *s;

	memset(t, 0, sizeof(*t));
	STMT(s, sql_by_id);
	sqlite3_bind_int64(s, 1, id);
	return trow_load(d, s, t, err);
}

/* Loads the ticket of a channel key.  1, 0 (none), -2. */
int
ticket_by_key(struct csm_desk *d, const char *source, size_t slen,
    const char *sid, size_t sidlen, struct trow *t, struct csm_err *err)
{
	sqlite3_stmt *s;

	memset(t, 0, sizeof(*t));
	STMT(s, sql_by_key);
	sqlite3_bind_text(s, 1, source, (int)slen, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, sid, (int)sidlen, SQLITE_STATIC);
	return trow_load(d, s, t, err);
}

/* The id of the ticket of a channel key: *id (0: none).  0 or -2. */
int
ticket_id_by_key(struct csm_desk *d, const char *source, size_t slen,
    const char *sid, size_t sidlen, int64_t *id, struct csm_err *err)
{
	sqlite3_stmt *s;
	int rc;

	STMT(s, "SELECT id FROM tickets WHERE source = ?1 AND source_id = ?2");
	sqlite3_bind_text(s, 1, source, (int)slen, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, sid, (int)sidlen, SQLITE_STATIC);
	rc = sqlite3_step(s);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : desk_fatal(d, rc,
	    err);
}

/*
 * Replaces t with the ticket it was merged into, in the end: references
 * follow merged_into.  0, or -2 (t cleared).
 */
int
ticket_follow(struct csm_desk *d, struct trow *t, struct csm_err *err)
{
	int steps, rc;

	for (steps = 0; t->i[TC_MERGED_INTO] != 0 && steps < MAX_CHAIN;
	    steps++) {
		int64_t next = t->i[TC_MERGED_INTO];

		trow_clear(t);
		rc = ticket_by_id(d, next, t, err);
		if (rc <= 0)
			return rc < 0 ? rc : csm_err_set(err, CSM_EINTERNAL,
			    "ticket merged into a missing one"), -2;
	}
	return 0;
}

/*
 * The ticket a message, event or survey refers to, by "ticket" or by
 * source and thread_id, following merges.  1, 0 (err says why), -2.
 */
int
ticket_ref(struct csm_desk *d, const struct csm_item *it, struct trow *t,
    struct csm_err *err)
{
	sqlite3_stmt *s;
	char ref[24], esc[2][80];
	int rc;

	memset(t, 0, sizeof(*t));
	if (it->v[F_TICKET].set) {
		rc = ticket_by_id(d, it->v[F_TICKET].i, t, err);
		if (rc == 0) {
			csm_ref_format('T', it->v[F_TICKET].i, ref);
			refuse(err, "ticket: no ticket %s", ref);
		}
	} else {
		STMT(s, sql_by_thread);
		bind_val(s, 1, &it->v[F_SOURCE]);
		bind_val(s, 2, &it->v[F_THREAD_ID]);
		rc = trow_load(d, s, t, err);
		if (rc == 0)
			refuse(err, "thread_id: no ticket with source \"%s\" "
			    "and thread_id \"%s\" (ingest the ticket first)",
			    csm_escape(it->v[F_SOURCE].s, it->v[F_SOURCE].len,
			    esc[0], sizeof(esc[0])), csm_escape(
			    it->v[F_THREAD_ID].s, it->v[F_THREAD_ID].len,
			    esc[1], sizeof(esc[1])));
	}
	if (rc == 1 && ticket_follow(d, t, err) < 0)
		return -2;
	return rc;
}

int
is_done(const char *status)
{
	return status != NULL && (strcmp(status, "resolved") == 0 ||
	    strcmp(status, "closed") == 0);
}

static void
state_of(const struct trow *t, struct csm_ticket_state *cur)
{
	cur->type = t->s[TC_TICKET_TYPE];
	cur->status = t->s[TC_STATUS];
	cur->stage = t->s[TC_STAGE];
	cur->closed_at = t->i[TC_CLOSED_AT];
}

/*
 * The state a move of t to "to" (a status or stage) at time at leads to.
 * 1 it moves, 0 it stays, -1 refused (err names "status").
 */
int
ticket_state(struct csm_desk *d, const struct trow *t, const char *to,
    int64_t at, const char **status, const char **stage,
    struct csm_err *err)
{
	struct csm_ticket_state cur;
	char msg[sizeof(((struct csm_err *)0)->msg)];
	int rc;

	(void)d;
	state_of(t, &cur);
	rc = csm_model_move(d->model, &cur, cur.type, to, at, status, stage,
	    err);
	if (rc < 0 && err != NULL) {
		memcpy(msg, err->msg, sizeof(msg));
		return refuse(err, "status: %s", msg);
	}
	return rc < 0 ? -1 : rc;
}

static int
dup_into(char **dst, const char *s, struct csm_err *err)
{
	char *p = NULL;

	if (s != NULL && (p = strdup(s)) == NULL)
		return nomem(err);
	free(*dst);
	*dst = p;
	return 0;
}

/*
 * Moves t to status/stage, keeping resolved_at, closed_at and reopens
 * right, and logs it (ext: the key of the input event that made it).
 */
int
ticket_set_status(struct csm_desk *d, struct trow *t, const char *status,
    const char *stage, const struct csm_actor *who, const char *ext,
    struct csm_err *err)
{
	struct desk_event e = {0};
	sqlite3_stmt *s;
	int64_t at = who->at;
	int reopen = is_done(t->s[TC_STATUS]) && !is_done(status);

	if (strcmp(status, "resolved") == 0 && t->i[TC_RESOLVED_AT] == 0)
		t->i[TC_RESOLVED_AT] = at;
	if (strcmp(status, "closed") == 0) {
		t->i[TC_CLOSED_AT] = at;
		if (t->i[TC_RESOLVED_AT] == 0)
			t->i[TC_RESOLVED_AT] = at;
	}
	if (reopen) {
		t->i[TC_RESOLVED_AT] = t->i[TC_CLOSED_AT] = 0;
		t->i[TC_REOPENS]++;
	}
	STMT(s, "UPDATE tickets SET status = ?2, stage = ?3, resolved_at = "
	    "?4, closed_at = ?5, reopens = ?6 WHERE id = ?1");
	d->load_epoch++;
	sqlite3_bind_int64(s, 1, t->id);
	csm_bind_text(s, 2, status);
	csm_bind_text(s, 3, stage);
	bind_time(s, 4, t->i[TC_RESOLVED_AT]);
	bind_time(s, 5, t->i[TC_CLOSED_AT]);
	sqlite3_bind_int64(s, 6, t->i[TC_REOPENS]);
	e.ticket = t->id;
	e.action = reopen ? "reopen" : "status";
	e.field = "status";
	e.old = t->s[TC_STAGE] ? t->s[TC_STAGE] : t->s[TC_STATUS];
	e.new = stage ? stage : status;
	e.ext = ext;
	if (desk_done(d, s, err) < 0 || desk_event(d, who, &e, err) < 0)
		return -2;
	if (dup_into(&t->s[TC_STATUS], status, err) < 0 ||
	    dup_into(&t->s[TC_STAGE], stage, err) < 0)
		return -2;
	return 0;
}

/* Sets one text column and logs it with action (NULL: the column's). */
int
ticket_set_col(struct csm_desk *d, struct trow *t, int tc, const char *value,
    const struct csm_actor *who, const char *action, const char *ext,
    struct csm_err *err)
{
	struct desk_event e = {0};
	sqlite3_stmt *s;

	STMT(s, tc_update[tc]);
	sqlite3_bind_int64(s, 1, t->id);
	csm_bind_text(s, 2, value);
	if (tc == TC_ASSIGNEE)
		d->load_epoch++;
	e.ticket = t->id;
	e.action = action ? action : tc_action[tc];
	e.field = tc_name(tc);
	e.old = t->s[tc];
	e.new = value;
	e.ext = ext;
	if (desk_done(d, s, err) < 0 || desk_event(d, who, &e, err) < 0)
		return -2;
	return dup_into(&t->s[tc], value, err);
}

/* Moves updated_at forward to at. */
int
ticket_touch(struct csm_desk *d, struct trow *t, int64_t at,
    struct csm_err *err)
{
	sqlite3_stmt *s;

	if (at <= t->i[TC_UPDATED_AT])
		return 0;
	STMT(s, "UPDATE tickets SET updated_at = ?2 WHERE id = ?1");
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_int64(s, 2, at);
	t->i[TC_UPDATED_AT] = at;
	return desk_done(d, s, err);
}

/*
 * The row a record makes as a new ticket: its status and stage (borrowed
 * from the model), its times, and its text fields borrowed from the item.
 * A view.  0, or -1 with err (err NULL: no message wanted).
 */
static int
new_ticket(const struct csm_model *m, int64_t now, const struct csm_item *it,
    struct trow *t, struct csm_err *err)
{
	const struct csm_val *v = it->v;
	const char *status, *stage;
	int tc;

	memset(t, 0, sizeof(*t));
	t->view = 1;
	if (csm_model_move(m, NULL, v[F_TICKET_TYPE].set ?
	    v[F_TICKET_TYPE].s : NULL, v[F_STATUS].set ? v[F_STATUS].s : NULL,
	    now, &status, &stage, err) < 0) {
		char msg[sizeof(err->msg)];

		if (err == NULL)
			return -1;
		memcpy(msg, err->msg, sizeof(msg));
		return refuse(err, "status: %s", msg);
	}
	for (tc = 0; tc < NTCOLS; tc++)
		if (!TC_IS_INT(tc) && tc_slot[tc] >= 0 && v[tc_slot[tc]].set)
			t->s[tc] = (char *)(uintptr_t)v[tc_slot[tc]].s;
	t->i[TC_CREATED_AT] = v[F_CREATED_AT].set ? v[F_CREATED_AT].i : now;
	t->i[TC_UPDATED_AT] = v[F_UPDATED_AT].set &&
	    v[F_UPDATED_AT].i > t->i[TC_CREATED_AT] ? v[F_UPDATED_AT].i :
	    t->i[TC_CREATED_AT];
	t->i[TC_FIRST_RESPONSE_AT] = v[F_FIRST_RESPONSE_AT].set ?
	    v[F_FIRST_RESPONSE_AT].i : 0;
	t->i[TC_RESOLVED_AT] = v[F_RESOLVED_AT].set ? v[F_RESOLVED_AT].i : 0;
	t->i[TC_CLOSED_AT] = v[F_CLOSED_AT].set ? v[F_CLOSED_AT].i : 0;
	if (is_done(status) && t->i[TC_RESOLVED_AT] == 0)
		t->i[TC_RESOLVED_AT] = t->i[TC_UPDATED_AT];
	if (strcmp(status, "closed") == 0 && t->i[TC_CLOSED_AT] == 0)
		t->i[TC_CLOSED_AT] = t->i[TC_UPDATED_AT];
	if (!v[F_SOURCE_ID].set)
		t->s[TC_SOURCE_ID] = (char *)(uintptr_t)it->key;
	if (!v[F_PRIORITY].set)
		t->s[TC_PRIORITY] = (char *)(uintptr_t)"normal";
	t->s[TC_STATUS] = (char *)(uintptr_t)status;
	t->s[TC_STAGE] = (char *)(uintptr_t)stage;
	t->s[TC_TAGS] = (char *)(uintptr_t)it->tags;
	t->s[TC_ATTRS] = (char *)(uintptr_t)it->attrs;
	return 0;
}

/*
 * Formats, on the parser thread, the fields of the line a ticket record
 * prints if it creates a ticket (all but its id, customer and the
 * customer's name, tier and org, which the store thread adds).  Leaves
 * it->pre NULL when the record may not create one.  w is a JSONL writer
 * of the caller's, used as scratch.
 */
void
csm_apply_prefmt(const struct csm_model *m, int64_t now, struct csm_item *it,
    struct csm_writer *w, struct csm_arena *ar)
{
	struct trow t;
	const char *text;
	size_t len;

	it->pre = NULL;
	if (it->kind != CSM_KIND_TICKET || it->v[F_ID].set ||
	    new_ticket(m, now, it, &t, NULL) < 0)
		return;
	csm_writer_discard(w);
	csm_writer_begin(w);
	emit_ticket_fields(w, csm_model_tz(m), &t, TC_SOURCE, NTCOLS);
	csm_writer_end(w);
	text = csm_writer_buffer(w, &len);
	/* "{...}\n": keep the object. */
	if (len >= 3)
		it->pre = csm_arena_strndup(ar, text, len - 1);
	csm_writer_discard(w);
}

/* Inserts the row t (a view) and sets t->id.  0 or -2. */
static int
insert_ticket(struct csm_desk *d, struct trow *t, struct csm_err *err)
{
	sqlite3_stmt *s;
	int tc;

	STMT(s, sql_insert);
	if (t->s[TC_ASSIGNEE] != NULL)
		d->load_epoch++;
	for (tc = 0; tc < NTCOLS; tc++) {
		if (tc == TC_REOPENS)
			sqlite3_bind_int64(s, tc + 1, t->i[tc]);
		else if (TC_IS_INT(tc))
			bind_time(s, tc + 1, t->i[tc]);
		else if (t->s[tc] != NULL)
			sqlite3_bind_text(s, tc + 1, t->s[tc], -1,
			    SQLITE_STATIC);
	}
	if (desk_done(d, s, err) < 0)
		return -2;
	t->id = sqlite3_last_insert_rowid(csm_store_db(d->st));
	return 0;
}

/* The customer's name, tier and org over the record's in the view t (one
 * source of truth); they are new strings in prof[3], to free. */
static int
customer_profile(struct csm_desk *d, struct trow *t, char *prof[3],
    struct csm_err *err)
{
	sqlite3_stmt *s;
	int i, rc;

	STMT(s, "SELECT name, tier, org FROM customers WHERE id = ?1");
	sqlite3_bind_int64(s, 1, t->i[TC_CUSTOMER]);
	rc = sqlite3_step(s);
	for (i = 0; i < 3 && rc == SQLITE_ROW; i++) {
		prof[i] = col_dup(s, i);
		if (prof[i] != NULL)
			t->s[TC_NAME + i] = prof[i];
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : desk_fatal(d, rc,
	    err);
}

/*
 * Creates a ticket from a prepared record: resolves its customer, inserts
 * the row and emits its line (creation is no event: created_at, source
 * and status record it).  out (may be NULL) gets the new id in out->id.
 * 0, -1 (refused), -2.
 */
int
ticket_create(struct csm_desk *d, struct csm_item *it,
    const struct csm_actor *who, struct trow *out, struct csm_err *err)
{
	struct trow t;
	char *prof[3] = {NULL, NULL, NULL};
	int64_t cust = 0;
	int op, rc;

	if (new_ticket(d->model, d->now, it, &t, err) < 0)
		return -1;
	if (it->missing != NULL)
		return refuse(err, "%s", it->missing);
	rc = desk_resolve(d, it, 0, 0, t.i[TC_CREATED_AT], who->why, &cust,
	    &op, err);
	if (rc != 0)
		return rc;
	t.i[TC_CUSTOMER] = cust;
	if (insert_ticket(d, &t, err) < 0)
		return -2;
	/* A customer the store knew may have a profile of its own. */
	if (cust > 0 && op != OP_CREATED && d->out != NULL &&
	    customer_profile(d, &t, prof, err) < 0)
		return -2;
	emit_ticket(d, OP_CREATED, &t, it->pre);
	free(prof[0]);
	free(prof[1]);
	free(prof[2]);
	if (out != NULL)
		out->id = t.id;
	return 0;
}

/* Whether the stored text of column tc differs from a value (NULL:
 * cleared). */
static int
differs(const char *stored, const char *nv)
{
	if (stored == NULL || nv == NULL)
		return stored != nv;
	return strcmp(stored, nv) != 0;
}

/*
 * The custom fields of a change, checked against the ticket's stored type
 * (a type's fields bind its tickets whatever the record says): new text
 * in *out (NULL: none), 0, or -1 refused, -2.
 */
static int
check_attrs(struct csm_desk *d, const struct csm_item *it, const char *ttype,
    char **out, struct csm_err *err)
{
	json_t *attrs;

	*out = NULL;
	if (it->attrs == NULL)
		return 0;
	attrs = json_loads(it->attrs, 0, NULL);
	if (attrs == NULL)
		return nomem(err);
	if (csm_model_check_fields(d->model, CSM_KIND_TICKET, ttype, attrs,
	    err) < 0) {
		json_decref(attrs);
		return -1;
	}
	*out = csm_json_text(attrs);
	json_decref(attrs);
	return *out == NULL ? nomem(err) : 0;
}

/* The value a change sets column tc to: 1 and *nv (NULL: cleared), or 0
 * when the change leaves it. */
static int
change_of(const struct csm_item *it, const struct trow *t, int tc,
    const char **nv)
{
	const struct csm_val *v = &it->v[tc_slot[tc]];

	if (tc == TC_TAGS) {
		if (!v->set)
			return 0;
		*nv = v->set == 2 ? NULL : it->tags;
	} else if (!v->set)
		return 0;
	else
		*nv = v->set == 2 ? NULL : v->s;
	return differs(t->s[tc], *nv);
}

/*
 * Applies a ticket record to the stored ticket t: every field it carries
 * that differs is written and logged, status through the model, custom
 * fields merged.  With stale_rule (records from outside), a record not
 * newer than the ticket changes nothing.  Emits the ticket.  0 changed or
 * not (see d->counts), -1 refused, -2.
 */
int
ticket_update(struct csm_desk *d, struct csm_item *it, struct trow *t,
    const struct csm_actor *who_in, int stale_rule, struct csm_err *err)
{
	struct csm_val *v = it->v;
	struct csm_actor who = *who_in;
	const char *status = NULL, *stage = NULL, *ttype, *nv;
	int64_t at, cust;
	int moved = 0, changed = 0, op, rc, tc, oom;
	char *attrs = NULL, *merged = NULL, esc[80];

	at = v[F_UPDATED_AT].set ? v[F_UPDATED_AT].i : v[F_CREATED_AT].set ?
	    v[F_CREATED_AT].i : 0;
	if (!stale_rule)
		at = who.at;
	else if (at != 0 && at <= t->i[TC_UPDATED_AT]) {
		/* Not newer than what the store knows: nothing to change. */
		emit_ticket(d, OP_UNCHANGED, t, NULL);
		return 0;
	}
	if (at == 0)
		at = d->now > t->i[TC_UPDATED_AT] ? d->now :
		    t->i[TC_UPDATED_AT];
	who.at = at;
	if (v[F_TICKET_TYPE].set && t->s[TC_TICKET_TYPE] != NULL &&
	    (v[F_TICKET_TYPE].set == 2 || !same(t->s[TC_TICKET_TYPE],
	    &v[F_TICKET_TYPE])))
		return refuse(err, "ticket_type: ticket is already of type "
		    "\"%s\"", csm_escape(t->s[TC_TICKET_TYPE],
		    strlen(t->s[TC_TICKET_TYPE]), esc, sizeof(esc)));
	ttype = v[F_TICKET_TYPE].set == 1 ? v[F_TICKET_TYPE].s :
	    t->s[TC_TICKET_TYPE];
	if (v[F_STATUS].set == 2)
		return refuse(err, "status: cannot be cleared");
	if (v[F_STATUS].set && (moved = ticket_state(d, t, v[F_STATUS].s, at,
	    &status, &stage, err)) < 0)
		return -1;
	if ((rc = check_attrs(d, it, ttype, &attrs, err)) < 0)
		return rc;
	/* Everything is checked: from here on, write. */
	rc = desk_resolve(d, it, t->i[TC_CUSTOMER], 0, at, who.why, &cust,
	    &op, err);
	if (rc != 0)
		goto out;
	rc = -2;
	if (cust != t->i[TC_CUSTOMER] && cust > 0) {
		struct desk_event e = {0};
		sqlite3_stmt *s;
		char ref[2][24];

		if ((s = csm_store_stmt(d->st, "UPDATE tickets SET customer = "
		    "?2 WHERE id = ?1", err)) == NULL)
			goto out;
		sqlite3_bind_int64(s, 1, t->id);
		sqlite3_bind_int64(s, 2, cust);
		csm_ref_format('C', t->i[TC_CUSTOMER], ref[0]);
		csm_ref_format('C', cust, ref[1]);
		e.ticket = t->id;
		e.action = "update";
		e.field = "customer";
		e.old = t->i[TC_CUSTOMER] ? ref[0] : NULL;
		e.new = ref[1];
		if (desk_done(d, s, err) < 0 || desk_event(d, &who, &e,
		    err) < 0)
			goto out;
		t->i[TC_CUSTOMER] = cust;
		changed = 1;
	}
	for (tc = 0; tc < NTCOLS; tc++) {
		if (tc_action[tc] == NULL || tc_slot[tc] < 0)
			continue;
		/* A customer's profile is the customer's (resolve filled
		 * what it lacked); a ticket without one keeps its own. */
		if (tc <= TC_ORG && t->i[TC_CUSTOMER] != 0)
			continue;
		if (!change_of(it, t, tc, &nv))
			continue;
		if (ticket_set_col(d, t, tc, nv, &who, NULL, NULL, err) < 0)
			goto out;
		changed = 1;
	}
	merged = merged_attrs(t->s[TC_ATTRS], attrs, &oom);
	if (oom) {
		nomem(err);
		goto out;
	}
	if (merged != NULL) {
		if (ticket_set_col(d, t, TC_ATTRS, merged, &who, NULL, NULL,
		    err) < 0)
			goto out;
		changed = 1;
	}
	if (moved > 0) {
		if (ticket_set_status(d, t, status, stage, &who, NULL, err) < 0)
			goto out;
		changed = 1;
	}
	if (changed && ticket_touch(d, t, at, err) < 0)
		goto out;
	rc = 0;
	if (changed)
		rc = emit_ticket_id(d, OP_UPDATED, t->id, err);
	else
		emit_ticket(d, OP_UNCHANGED, t, NULL);
out:
	free(attrs);
	free(merged);
	return rc;
}

/*
 * Sets first_response_at for an agent's public reply at who->at, if it is
 * the first (or earlier than the one known).  A reply dated before the
 * ticket was created counts at its creation: a response time is never
 * negative.  1 changed, 0 not, -2.
 */
int
ticket_first_response(struct csm_desk *d, struct trow *t,
    const struct csm_actor *who, struct csm_err *err)
{
	struct desk_event e = {0};
	struct csm_actor w = *who;
	sqlite3_stmt *s;
	char when[40], old[40];
	int64_t at = who->at;

	if (at < t->i[TC_CREATED_AT])
		at = t->i[TC_CREATED_AT];
	if (t->i[TC_FIRST_RESPONSE_AT] != 0 &&
	    at >= t->i[TC_FIRST_RESPONSE_AT])
		return 0;
	STMT(s, "UPDATE tickets SET first_response_at = ?2 WHERE id = ?1");
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_int64(s, 2, at);
	csm_time_format(at, csm_model_tz(d->model), when);
	if (t->i[TC_FIRST_RESPONSE_AT] != 0)
		csm_time_format(t->i[TC_FIRST_RESPONSE_AT],
		    csm_model_tz(d->model), old);
	e.ticket = t->id;
	e.action = "first_response";
	e.field = "first_response_at";
	e.old = t->i[TC_FIRST_RESPONSE_AT] != 0 ? old : NULL;
	e.new = when;
	w.at = at;
	if (desk_done(d, s, err) < 0 || desk_event(d, &w, &e, err) < 0)
		return -2;
	t->i[TC_FIRST_RESPONSE_AT] = at;
	return 1;
}

/*
 * Links t and other both ways (kind seen from t, back from other) in the
 * links table, with an event on each ticket; ext is the key of the input
 * event that asked for it.  1 linked, 0 linked already, -2.
 */
int
ticket_link(struct csm_desk *d, struct trow *t, int64_t other,
    const char *kind, const char *back, const struct csm_actor *who,
    const char *ext, struct csm_err *err)
{
	struct desk_event e = {0};
	sqlite3_stmt *s;
	char ref[2][24];
	int rc;

	STMT(s, "INSERT OR IGNORE INTO links (ticket, other, kind, at) "
	    "VALUES (?1, ?2, ?3, ?4)");
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_int64(s, 2, other);
	csm_bind_text(s, 3, kind);
	sqlite3_bind_int64(s, 4, who->at);
	if (desk_done(d, s, err) < 0)
		return -2;
	if (sqlite3_changes(csm_store_db(d->st)) == 0)
		return 0;
	STMT(s, "INSERT OR IGNORE INTO links (ticket, other, kind, at) "
	    "VALUES (?2, ?1, ?3, ?4)");
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_int64(s, 2, other);
	csm_bind_text(s, 3, back);
	sqlite3_bind_int64(s, 4, who->at);
	if (desk_done(d, s, err) < 0)
		return -2;
	csm_ref_format('T', t->id, ref[0]);
	csm_ref_format('T', other, ref[1]);
	e.ticket = t->id;
	e.action = "link";
	e.field = kind;
	e.new = ref[1];
	e.ext = ext;
	if (desk_event(d, who, &e, err) < 0)
		return -2;
	e.ticket = other;
	e.field = back;
	e.new = ref[0];
	e.ext = NULL;
	rc = desk_event(d, who, &e, err);
	return rc < 0 ? -2 : 1;
}

/*
 * Merges t into into: t is closed (in the stage its workflow closes
 * with) and points at into from then on.  A ticket merged already, a
 * merge into itself or into a ticket that leads back to t are refused.
 * 1 merged, 0 merged there already, -1, -2.
 */
int
ticket_merge(struct csm_desk *d, struct trow *t, struct trow *into,
    const struct csm_actor *who, const char *ext, struct csm_err *err)
{
	struct desk_event e = {0};
	sqlite3_stmt *s;
	const char *cst = "closed", *cstage = NULL;
	char ref[2][24];
	int rc;

	csm_ref_format('T', t->id, ref[0]);
	csm_ref_format('T', into->id, ref[1]);
	if (t->i[TC_MERGED_INTO] == into->id)
		return 0;
	if (t->i[TC_MERGED_INTO] != 0) {
		char was[24];

		csm_ref_format('T', t->i[TC_MERGED_INTO], was);
		return refuse(err, "into: %s is merged into %s already", ref[0],
		    was);
	}
	/* References follow merges: merging into a merged ticket merges
	 * into the one it lives in. */
	if (ticket_follow(d, into, err) < 0)
		return -2;
	csm_ref_format('T', into->id, ref[1]);
	if (into->id == t->id)
		return refuse(err, "into: merging %s into %s would make a "
		    "cycle", ref[0], ref[1]);
	if (csm_model_move(d->model, NULL, t->s[TC_TICKET_TYPE], "closed",
	    who->at, &cst, &cstage, NULL) < 0)
		cstage = t->s[TC_STAGE];
	STMT(s, "UPDATE tickets SET merged_into = ?2, status = 'closed', "
	    "stage = ?4, closed_at = coalesce(closed_at, ?3), resolved_at = "
	    "coalesce(resolved_at, ?3) WHERE id = ?1");
	d->load_epoch++;
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_int64(s, 2, into->id);
	sqlite3_bind_int64(s, 3, who->at);
	csm_bind_text(s, 4, cstage);
	if (desk_done(d, s, err) < 0)
		return -2;
	e.ticket = t->id;
	if (strcmp(t->s[TC_STATUS], "closed") != 0) {
		e.action = "status";
		e.field = "status";
		e.old = t->s[TC_STAGE] ? t->s[TC_STAGE] : t->s[TC_STATUS];
		e.new = cstage ? cstage : "closed";
		if (desk_event(d, who, &e, err) < 0)
			return -2;
	}
	e.action = "merge";
	e.field = "merged_into";
	e.old = NULL;
	e.new = ref[1];
	e.ext = ext;
	if (desk_event(d, who, &e, err) < 0)
		return -2;
	STMT(s, "INSERT OR IGNORE INTO links (ticket, other, kind, at) "
	    "VALUES (?1, ?2, 'merged_into', ?3), (?2, ?1, 'merged_from', ?3)");
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_int64(s, 2, into->id);
	sqlite3_bind_int64(s, 3, who->at);
	if (desk_done(d, s, err) < 0)
		return -2;
	t->i[TC_MERGED_INTO] = into->id;
	rc = dup_into(&t->s[TC_STATUS], "closed", err);
	if (rc == 0)
		rc = dup_into(&t->s[TC_STAGE], cstage, err);
	return rc < 0 ? rc : 1;
}

/* The latest follow-up of ticket id, or 0.  0 or -2. */
static int
latest_follow_up(struct csm_desk *d, int64_t id, int64_t *fu,
    struct csm_err *err)
{
	return desk_int64(d, "SELECT other FROM links WHERE ticket = ?1 AND "
	    "kind = 'follow_up' ORDER BY at DESC, other DESC LIMIT 1", id, fu,
	    err);
}

/* The ticket id is a follow-up of, or 0.  0 or -2. */
static int
follow_up_of(struct csm_desk *d, int64_t id, int64_t *orig,
    struct csm_err *err)
{
	return desk_int64(d, "SELECT other FROM links WHERE ticket = ?1 AND "
	    "kind = 'follow_up_of' LIMIT 1", id, orig, err);
}

/* Whether ticket `from` leads to one of to[2] by follow_up_of links.
 * 1, 0, -2. */
static int
leads_to(struct csm_desk *d, int64_t from, const int64_t to[2],
    struct csm_err *err)
{
	int steps;

	for (steps = 0; steps < MAX_CHAIN && from != 0; steps++) {
		if (from == to[0] || from == to[1])
			return 1;
		if (follow_up_of(d, from, &from, err) < 0)
			return -2;
	}
	return 0;
}

/*
 * Whether tickets a and b are one conversation: the same ticket after
 * merges, or one a follow-up (of a follow-up ...) of the other, either
 * itself or the ticket it was merged into.  A record read again may find
 * either: its thread leads to the newest follow-up.  1, 0, -2.
 */
int
ticket_same_thread(struct csm_desk *d, int64_t a, int64_t b,
    struct csm_err *err)
{
	struct trow t;
	int64_t ids[2][2] = {{a, a}, {b, b}};
	int i, j, rc;

	if (a == b)
		return 1;
	for (i = 0; i < 2; i++) {
		rc = ticket_by_id(d, ids[i][0], &t, err);
		if (rc < 0 || (rc > 0 && ticket_follow(d, &t, err) < 0))
			return -2;
		if (rc > 0)
			ids[i][1] = t.id;
		trow_clear(&t);
	}
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++)
			if ((rc = leads_to(d, ids[i][j], ids[1 - i], err)) != 0)
				return rc;
	return 0;
}

/* Whether a customer's reply at `at` may no longer reopen t. */
static int
past_window(struct csm_desk *d, const struct trow *t, int64_t at)
{
	struct csm_ticket_state cur;
	const char *status, *stage;

	if (t->s[TC_STATUS] == NULL || strcmp(t->s[TC_STATUS], "closed") != 0 ||
	    at <= t->i[TC_CLOSED_AT])
		return 0;
	state_of(t, &cur);
	return csm_model_reopen(d->model, &cur, at, &status, &stage, NULL) < 0;
}

/*
 * A customer's reply to t, closed past the reopen window: the reply goes
 * to t's follow-up if it has one (and to that one's, if it is closed past
 * the window too), else to a new follow-up ticket, which takes t's
 * fields, custom fields and tags.  key is the message's (source, key)
 * text.  On return t is the ticket the reply goes to.  0, -1, -2.
 */
int
ticket_follow_up(struct csm_desk *d, struct trow *t, const char *key,
    const struct csm_actor *who, struct csm_err *err)
{
	struct csm_buf sid = {0}, subj = {0};
	struct trow fu, other;
	const char *status, *stage;
	char ref[24];
	int64_t next;
	int steps, rc;

	for (steps = 0; steps < MAX_CHAIN && past_window(d, t, who->at);
	    steps++) {
		if (latest_follow_up(d, t->id, &next, err) < 0)
			return -2;
		if (next == 0)
			break;
		if ((rc = ticket_by_id(d, next, &other, err)) <= 0)
			return rc < 0 ? rc : csm_err_set(err, CSM_EINTERNAL,
			    "a follow-up link leads nowhere"), -2;
		if (ticket_follow(d, &other, err) < 0)
			return -2;
		trow_clear(t);
		*t = other;
	}
	if (!past_window(d, t, who->at))
		return 0;
	/* It starts where a new ticket of its type starts. */
	if (csm_model_move(d->model, NULL, t->s[TC_TICKET_TYPE], NULL,
	    who->at, &status, &stage, err) < 0)
		return -2;
	if (csm_buf_add(&sid, "followup:", 9) < 0 ||
	    csm_buf_add(&sid, key, strlen(key)) < 0 ||
	    csm_buf_add(&subj, "Re: ", 4) < 0 || (t->s[TC_SUBJECT] != NULL &&
	    csm_buf_add(&subj, t->s[TC_SUBJECT], strlen(t->s[TC_SUBJECT])) <
	    0) || csm_buf_addc(&sid, '\0') < 0 || csm_buf_addc(&subj, '\0') <
	    0) {
		rc = nomem(err);
		goto out;
	}
	/* A key some ticket holds already (a crafted source_id) refuses
	 * the reply: a rerun must never fail on it for good. */
	rc = ticket_by_key(d, t->s[TC_SOURCE], strlen(t->s[TC_SOURCE]), sid.p,
	    sid.len - 1, &other, err);
	if (rc != 0) {
		if (rc > 0) {
			csm_ref_format('T', other.id, ref);
			trow_clear(&other);
			rc = refuse(err, "source_id: the follow-up key \"%s\" "
			    "is taken by ticket %s", sid.p, ref);
		}
		goto out;
	}
	fu = *t;
	fu.view = 1;
	fu.s[TC_SOURCE_ID] = sid.p;
	fu.s[TC_SUBJECT] = subj.p;
	fu.s[TC_BODY] = NULL;
	fu.s[TC_ASSIGNEE] = NULL;
	fu.s[TC_STATUS] = (char *)(uintptr_t)status;
	fu.s[TC_STAGE] = (char *)(uintptr_t)stage;
	fu.i[TC_CREATED_AT] = fu.i[TC_UPDATED_AT] = who->at;
	fu.i[TC_FIRST_RESPONSE_AT] = fu.i[TC_RESOLVED_AT] = 0;
	fu.i[TC_CLOSED_AT] = fu.i[TC_REOPENS] = fu.i[TC_MERGED_INTO] = 0;
	/* The customer's profile is the customer's: not copied. */
	if (fu.i[TC_CUSTOMER] != 0)
		fu.s[TC_NAME] = fu.s[TC_TIER] = fu.s[TC_ORG] = NULL;
	{
		json_t *attrs = fu.s[TC_ATTRS] ? json_loads(fu.s[TC_ATTRS], 0,
		    NULL) : NULL;

		rc = csm_model_check_required(d->model, CSM_KIND_TICKET,
		    fu.s[TC_TICKET_TYPE], attrs, err);
		json_decref(attrs);
		if (rc < 0) {
			char msg[sizeof(err->msg)];

			memcpy(msg, err->msg, sizeof(msg));
			csm_ref_format('T', t->id, ref);
			rc = refuse(err, "a follow-up of %s cannot be made: %s",
			    ref, msg);
			goto out;
		}
	}
	if ((rc = insert_ticket(d, &fu, err)) < 0)
		goto out;
	next = fu.id;
	if ((rc = ticket_link(d, t, next, "follow_up", "follow_up_of", who,
	    NULL, err)) < 0)
		goto out;
	trow_clear(t);
	rc = ticket_by_id(d, next, t, err);
	if (rc <= 0) {
		rc = rc < 0 ? rc : -2;
		goto out;
	}
	emit_ticket(d, OP_CREATED, t, NULL);
	rc = 0;
out:
	csm_buf_free(&sid);
	csm_buf_free(&subj);
	return rc;
}

/* Whether a stored message is the same as the record's. */
static int
same_message(sqlite3_stmt *s, const struct csm_item *it, int64_t at,
    int pub, int aut)
{
	const struct csm_val *v = it->v;
	const char *author = (const char *)sqlite3_column_text(s, 2);
	const char *body = (const char *)sqlite3_column_text(s, 3);

	if (sqlite3_column_int64(s, 4) != at ||
	    sqlite3_column_int(s, 5) != pub ||
	    sqlite3_column_int(s, 6) != aut ||
	    strcmp((const char *)sqlite3_column_text(s, 1),
	    v[F_DIRECTION].s) != 0)
		return 0;
	if ((author == NULL) != !v[F_AUTHOR].set ||
	    (author != NULL && !same(author, &v[F_AUTHOR])))
		return 0;
	return (body == NULL) == !v[F_BODY].set &&
	    (body == NULL || same(body, &v[F_BODY]));
}

/*
 * Adds the message record it to ticket t (which, for a customer's reply
 * past the reopen window, becomes the follow-up it goes to).  A message
 * whose key is taken: the same message on the same ticket is unchanged
 * (*op), anything else is refused.  Then the ticket: an agent's first
 * public reply, new → open, a customer's reply reopening it.  *mid gets
 * the message id.  0, -1, -2.
 */
int
ticket_message(struct csm_desk *d, struct csm_item *it, struct trow *t,
    const struct csm_actor *who_in, int64_t *mid, int *op,
    struct csm_err *err)
{
	struct csm_val *v = it->v;
	struct csm_actor who = *who_in;
	sqlite3_stmt *s;
	struct csm_buf fukey = {0};
	const char *source, *key, *status, *stage;
	int64_t at = v[F_AT].set ? v[F_AT].i : who.at;
	int rc, in, pub, aut, changed = 0;
	char ref[2][24], srcbuf[128];

	*op = OP_UNCHANGED;
	who.at = at;
	/* A copy: t may become another ticket below. */
	snprintf(srcbuf, sizeof(srcbuf), "%s", v[F_SOURCE].set ? v[F_SOURCE].s :
	    t->s[TC_SOURCE]);
	source = srcbuf;
	key = v[F_SOURCE_ID].set ? v[F_SOURCE_ID].s : it->key;
	in = v[F_DIRECTION].s[0] == 'i';
	pub = v[F_PUBLIC].set ? (int)v[F_PUBLIC].i : 1;
	aut = v[F_AUTO].set ? (int)v[F_AUTO].i : 0;
	STMT(s, "SELECT id, direction, author, body, at, public, auto, ticket "
	    "FROM messages WHERE source = ?1 AND source_id = ?2");
	csm_bind_text(s, 1, source);
	csm_bind_text(s, 2, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		int64_t on = sqlite3_column_int64(s, 7), id;
		int same_msg = same_message(s, it, at, pub, aut);

		id = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		csm_ref_format('M', id, ref[0]);
		csm_ref_format('T', on, ref[1]);
		if (!same_msg)
			return refuse(err, "source_id: message %s on ticket %s "
			    "has this key and other content", ref[0], ref[1]);
		if ((rc = ticket_same_thread(d, on, t->id, err)) < 0)
			return -2;
		if (rc == 0)
			return refuse(err, "source_id: the key is taken by "
			    "message %s on ticket %s", ref[0], ref[1]);
		*mid = id;
		return 0;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return desk_fatal(d, rc, err);
	/* A customer writing on a ticket closed too long ago goes on in a
	 * follow-up ticket instead of reopening it. */
	if (in && !aut) {
		if (csm_buf_add(&fukey, source, strlen(source)) < 0 ||
		    csm_buf_addc(&fukey, ':') < 0 ||
		    csm_buf_add(&fukey, key, strlen(key)) < 0 ||
		    csm_buf_addc(&fukey, '\0') < 0) {
			csm_buf_free(&fukey);
			return nomem(err);
		}
		rc = ticket_follow_up(d, t, fukey.p, &who, err);
		csm_buf_free(&fukey);
		if (rc < 0)
			return rc;
	}
	STMT(s, "INSERT INTO messages (ticket, source, source_id, direction, "
	    "author, body, at, public, auto, attrs) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6, ?7, ?8, ?9, ?10)");
	sqlite3_bind_int64(s, 1, t->id);
	csm_bind_text(s, 2, source);
	csm_bind_text(s, 3, key);
	bind_val(s, 4, &v[F_DIRECTION]);
	bind_val(s, 5, &v[F_AUTHOR]);
	bind_val(s, 6, &v[F_BODY]);
	sqlite3_bind_int64(s, 7, at);
	sqlite3_bind_int(s, 8, pub);
	sqlite3_bind_int(s, 9, aut);
	if (it->attrs != NULL)
		sqlite3_bind_text(s, 10, it->attrs, -1, SQLITE_STATIC);
	if (desk_done(d, s, err) < 0)
		return -2;
	*mid = sqlite3_last_insert_rowid(csm_store_db(d->st));
	*op = OP_CREATED;
	if (emit_message(d, OP_CREATED, *mid, err) < 0)
		return -2;
	if (v[F_AUTHOR].set)
		who.by = v[F_AUTHOR].s;
	if (!in && pub && !aut) {
		if ((rc = ticket_first_response(d, t, &who, err)) < 0)
			return -2;
		changed |= rc;
		/* A reply dated before the ticket counts at its creation. */
		if (who.at < t->i[TC_CREATED_AT])
			who.at = at = t->i[TC_CREATED_AT];
		/* Answered: no longer new, whenever the answer came. */
		if (strcmp(t->s[TC_STATUS], "new") == 0 &&
		    ticket_state(d, t, "open", at, &status, &stage, NULL) > 0) {
			if (ticket_set_status(d, t, status, stage, &who, NULL,
			    err) < 0)
				return -2;
			changed = 1;
		}
	} else if (in && !aut && is_done(t->s[TC_STATUS]) &&
	    at > (t->i[TC_RESOLVED_AT] ? t->i[TC_RESOLVED_AT] :
	    t->i[TC_UPDATED_AT])) {
		struct csm_ticket_state cur;

		state_of(t, &cur);
		if (!v[F_AUTHOR].set)
			who.by = "customer";
		if (csm_model_reopen(d->model, &cur, at, &status, &stage,
		    NULL) > 0) {
			if (ticket_set_status(d, t, status, stage, &who, NULL,
			    err) < 0)
				return -2;
			changed = 1;
		}
	}
	if (ticket_touch(d, t, at, err) < 0)
		return -2;
	if (changed && emit_ticket_id(d, OP_UPDATED, t->id, err) < 0)
		return -2;
	return 0;
}
