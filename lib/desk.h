/*
 * desk.h - the write path's insides, shared by the files that make it up;
 * internal to libcsm.
 *
 *	desk.c		the desk: store, model, identity cache, events
 *	customer.c	resolving a record's customer; customer merges
 *	ticket.c	loading, creating and changing tickets
 *	emit.c		the output line of each record kind
 *	apply.c		applying a prepared record of each kind (ingest)
 *	api.c		the public ticket API of csm.h over the above
 *
 * Functions here return 0 (or 1 where they say so) on success, -1 when
 * the record or call is refused (err, CSM_EDATA: nothing of it was
 * written) and -2 on a store error (err; the caller's transaction must be
 * rolled back).
 */
#ifndef CSM_DESK_H
#define CSM_DESK_H

#include "model.h"

struct csm_desk {
	struct csm_store	*st;
	const struct csm_model	*model;
	struct csm_idcache	*ids;
	struct csm_writer	*out;		/* lines of what changed, or
						 * NULL (borrowed) */
	const char		*by;		/* default actor */
	int			 verbose;	/* emit unchanged records */
	int64_t			 now;
	uint64_t		 counts[CSM_NKINDS][4];	/* by kind, op */
	/* api.c: the items of API calls and their records. */
	struct csm_arena	 scratch;
	struct csm_writer	*fmt;		/* JSONL scratch writer */
	unsigned long		 lookups;	/* identities looked up in the store */
	int			 id_loaded;	/* ... and then loaded whole */
	/* What an agent's open tickets depend on changed: a ticket's
	 * assignee, status or merge, or a new ticket (ticket.c); and the
	 * commits of the desk's connection, after which other programs may
	 * have changed anything (the commit hook).  Caches compare them. */
	uint64_t		 load_epoch;
	uint64_t		 commits;
	struct csm_ticket_iter	*iter;		/* the iteration going on */
};

/* A ticket row as loaded (see fields.h for the columns). */
struct trow {
	int64_t	 id;
	int64_t	 i[NTCOLS];		/* integer and time columns; 0 = NULL */
	char	*s[NTCOLS];		/* text columns: new, or NULL */
	int	 view;			/* s[] are borrowed: never freed */
};

/* A ticket of the API (csm.h): its row, and what is made of it on
 * demand, until it changes. */
struct csm_ticket {
	struct csm_desk	*d;
	struct trow	 row;
	json_t		*rec;		/* the record */
	json_t		*cust;		/* the customer record, in parts: */
	unsigned	 cust_have;	/* CUST_* made so far */
};

/* api.c: the desk's JSONL scratch writer, empty (NULL when out of
 * memory), and the record or (many) array of records written to it,
 * new, the writer emptied. */
struct csm_writer *scratch_writer(struct csm_desk *d);
json_t *scratch_json(struct csm_desk *d, int many);

/* Who makes a change: the by, at and why of its events. */
#define WHO(d, at_) ((struct csm_actor){(d)->by, (at_), NULL})

/* api.c: the iteration is told of each commit of the connection. */
void desk_iter_committed(struct csm_ticket_iter *it);

/* desk.c */
int desk_fatal(struct csm_desk *d, int rc, struct csm_err *err);
int desk_done(struct csm_desk *d, sqlite3_stmt *s, struct csm_err *err);
void desk_count(struct csm_desk *d, int kind, int op);
struct desk_event {
	int64_t		 ticket, customer;
	const char	*action, *field, *old, *new, *data, *ext;
};
int desk_event(struct csm_desk *d, const struct csm_actor *who,
    const struct desk_event *e, struct csm_err *err);
int desk_int64(struct csm_desk *d, const char *sql, int64_t arg,
    int64_t *out, struct csm_err *err);
void bind_val(sqlite3_stmt *s, int i, const struct csm_val *v);
void bind_time(sqlite3_stmt *s, int i, int64_t t);
char *col_dup(sqlite3_stmt *s, int i);
int same(const char *stored, const struct csm_val *v);
char *merged_attrs(const char *stored, const char *in_text, int *err);
int refuse(struct csm_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int nomem(struct csm_err *err);

#define STMT(s, sql) do { \
	if (((s) = csm_store_stmt(d->st, (sql), err)) == NULL) \
		return -2; \
	} while (0)

/* customer.c */
/* ... why: the rule behind the change, for its events, or NULL. */
int desk_resolve(struct csm_desk *d, struct csm_item *it, int64_t hint,
    int authoritative, int64_t at, const char *why, int64_t *cust, int *op,
    struct csm_err *err);
int desk_customer_exists(struct csm_desk *d, int64_t cust,
    struct csm_err *err);

/* ticket.c */
const char *tc_name(int tc);
void trow_clear(struct trow *t);
int trow_read(sqlite3_stmt *s, struct trow *t, struct csm_err *err);
/* Tickets after ?1, open only if ?2, updated since ?3, at most ?4. */
extern const char csm_sql_ticket_page[];
int ticket_by_id(struct csm_desk *d, int64_t id, struct trow *t,
    struct csm_err *err);
int ticket_by_key(struct csm_desk *d, const char *source, size_t slen,
    const char *sid, size_t sidlen, struct trow *t, struct csm_err *err);
int ticket_id_by_key(struct csm_desk *d, const char *source, size_t slen,
    const char *sid, size_t sidlen, int64_t *id, struct csm_err *err);
int ticket_ref(struct csm_desk *d, const struct csm_item *it,
    struct trow *t, struct csm_err *err);
int ticket_follow(struct csm_desk *d, struct trow *t, struct csm_err *err);
int ticket_same_thread(struct csm_desk *d, int64_t a, int64_t b,
    struct csm_err *err);
int is_done(const char *status);
int ticket_create(struct csm_desk *d, struct csm_item *it,
    const struct csm_actor *who, struct trow *out, struct csm_err *err);
int ticket_update(struct csm_desk *d, struct csm_item *it, struct trow *t,
    const struct csm_actor *who, int stale_rule, struct csm_err *err);
int ticket_set_status(struct csm_desk *d, struct trow *t, const char *status,
    const char *stage, const struct csm_actor *who, const char *ext,
    struct csm_err *err);
int ticket_set_col(struct csm_desk *d, struct trow *t, int tc,
    const char *value, const struct csm_actor *who, const char *action,
    const char *ext, struct csm_err *err);
int ticket_touch(struct csm_desk *d, struct trow *t, int64_t at,
    struct csm_err *err);
int ticket_first_response(struct csm_desk *d, struct trow *t,
    const struct csm_actor *who, struct csm_err *err);
int ticket_follow_up(struct csm_desk *d, struct trow *t, const char *key,
    const struct csm_actor *who, struct csm_err *err);
int ticket_link(struct csm_desk *d, struct trow *t, int64_t other,
    const char *kind, const char *back, const struct csm_actor *who,
    const char *ext, struct csm_err *err);
int ticket_merge(struct csm_desk *d, struct trow *t, struct trow *into,
    const struct csm_actor *who, const char *ext, struct csm_err *err);
int ticket_message(struct csm_desk *d, struct csm_item *it, struct trow *t,
    const struct csm_actor *who, int64_t *mid, int *op, struct csm_err *err);
int ticket_state(struct csm_desk *d, const struct trow *t, const char *to,
    int64_t at, const char **status, const char **stage,
    struct csm_err *err);

/* api.c */
const struct trow *desk_ticket_row(const struct csm_ticket *t);
/* The column of a built-in text field of the ticket record (its value
 * is then row->s[col]), or -1: looked up once, read for every ticket. */
int desk_text_col(const char *name);
int desk_message_record(struct csm_desk *d, int64_t mid, json_t **rec,
    struct csm_err *err);

/* emit.c */
extern const char *const csm_ops[4];
void emit_ticket(struct csm_desk *d, int op, const struct trow *t,
    const char *pre);
int emit_ticket_id(struct csm_desk *d, int op, int64_t id,
    struct csm_err *err);
void emit_ticket_fields(struct csm_writer *w, const struct csm_tz *tz,
    const struct trow *t, int from, int to);
int emit_customer(struct csm_desk *d, int op, int64_t cust,
    const int64_t *from, size_t nfrom, struct csm_err *err);
void emit_new_customer(struct csm_desk *d, struct csm_item *it,
    int64_t cust, int64_t at);
int emit_message(struct csm_desk *d, int op, int64_t mid,
    struct csm_err *err);
int emit_event(struct csm_desk *d, int op, int64_t eid, struct csm_err *err);
int emit_survey(struct csm_desk *d, int op, int64_t sid,
    struct csm_err *err);
int emit_order(struct csm_desk *d, int op, const char *order_no,
    struct csm_err *err);
void emit_unchanged(struct csm_desk *d, int kind, const char *idkey,
    const char *ref);
int record_event(struct csm_desk *d, sqlite3_stmt *s, struct csm_writer *w,
    int op);
int record_message(struct csm_desk *d, sqlite3_stmt *s,
    struct csm_writer *w, int op);

#endif /* CSM_DESK_H */
