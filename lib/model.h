/*
 * model.h - prepared records, the identity cache and the store verbs of
 * the model; internal to libcsm.
 *
 * Ingest works in two steps.  prepare (prep.c) turns a record read from
 * the input into a struct csm_item: fields checked and normalized, times
 * parsed, identities normalized, custom fields validated.  It needs no
 * store and runs on the parser thread.  apply (apply.c) resolves the
 * customer, compares with what the store holds, and writes; it runs on the
 * store thread, in input order.
 */
#ifndef CSM_MODEL_H
#define CSM_MODEL_H

#include "internal.h"

/* Profile flags kept per customer in the identity cache. */
#define CSM_PROF_EXISTS	0x01
#define CSM_PROF_NAME	0x02
#define CSM_PROF_TIER	0x04
#define CSM_PROF_ORG	0x08
#define CSM_PROF_ABSENT	0x10	/* looked up: no such customer */

/*
 * The identity cache.  Loaded whole (csm_idcache_load) it knows every
 * identity and customer of the store; else it knows what was looked up
 * and put, including identities nobody holds (put with cust 0) and
 * customers by csm_idcache_customer.
 */
struct csm_idcache;

struct csm_idcache *csm_idcache_new(void);
void csm_idcache_free(struct csm_idcache *c);
void csm_idcache_clear(struct csm_idcache *c);
int csm_idcache_loaded(const struct csm_idcache *c);
int csm_idcache_load(struct csm_idcache *c, struct csm_store *st,
    struct csm_err *err);
uint32_t csm_idcache_get(struct csm_idcache *c, int kind, const char *s,
    size_t len);
int csm_idcache_put(struct csm_idcache *c, int kind, const char *s,
    size_t len, uint32_t cust);
int csm_idcache_find(struct csm_idcache *c, int kind, const char *s,
    size_t len, uint32_t *cust);
int csm_idcache_customer(struct csm_idcache *c, uint32_t cust,
    uint32_t parent, unsigned flags);
int csm_idcache_merge(struct csm_idcache *c, uint32_t from, uint32_t into);
uint32_t csm_idcache_root(struct csm_idcache *c, uint32_t cust);
unsigned csm_idcache_flags(struct csm_idcache *c, uint32_t cust);
void csm_idcache_set_flags(struct csm_idcache *c, uint32_t cust,
    unsigned f);
int csm_id_kind(const char *name);

#include "fields.h"

/* A field's definition (fields.h), indexed by slot. */
struct csm_fdef {
	const char	*name;
	enum csm_ftype	 type;
	unsigned	 kinds;		/* kinds that read it (1 << kind) */
	unsigned	 derived;	/* kinds whose records print it, computed */
	int		 idkind;	/* FV_IDENT: enum csm_idkind */
};
extern const struct csm_fdef csm_fdefs[NFIELDS];

/* The record field name of a slot ("group" for F_GROUP). */
const char *csm_field_name(int f);
/* Whether name is a built-in field of records of kind (type, stage and the
 * fields prep.c knows for that kind). */
int csm_field_builtin(int kind, const char *name);
/* The slot of a field name, or -1. */
int csm_field_slot(const char *name);

/* Identities a record may carry (several of a kind in "identities"). */
#define CSM_MAXIDS 16

struct csm_val {
	const char	*s;	/* text, NUL-terminated, in the item's arena */
	int64_t		 i;	/* times, numbers, booleans, ids */
	uint32_t	 len;
	unsigned char	 set;
};

struct csm_ident {
	int		 kind;	/* enum csm_idkind */
	const char	*value;	/* normalized, in the item's arena */
	size_t		 len;
};

/*
 * A prepared record.  It holds no JSON: its strings live in the arena it
 * was prepared in (NUL-terminated), so records waiting between the threads
 * are small and are released all at once.
 */
struct csm_item {
	int		 kind;		/* enum csm_kind */
	long		 line;
	struct csm_val	 v[NFIELDS];
	struct csm_ident ids[CSM_MAXIDS];
	int		 nids;
	const char	*attrs;		/* custom fields: a JSON object's text,
					 * or NULL when there are none */
	const char	*tags;		/* JSON text of the tags, or NULL */
	const char	*pre;		/* the fields of its output line if it
					 * creates a ticket, or NULL */
	const char	*missing;	/* why it may not create anything (a
					 * required field), or NULL */
	char		 key[40];	/* derived source_id, if none given */
};

struct csm_prep_opts {
	const struct csm_model	*model;
	int			 kind;		/* --type, or 0 */
	const char		*source;	/* --source, or NULL */
	int64_t			 now;
};

/*
 * Prepares the record obj (borrowed; it may be changed) as an item whose
 * strings are allocated in ar.  Returns 0; 1 for a record that is for no
 * store ("type": "notify", which csm-route prints for a notifier), to be
 * passed over; or -1 with err naming the field.
 */
int csm_prep(const struct csm_prep_opts *o, json_t *obj, struct csm_arena *ar,
    struct csm_item *it, struct csm_err *err);


/* What a record did, as counted and printed ("op"). */
enum { OP_CREATED, OP_UPDATED, OP_MERGED, OP_UNCHANGED };

struct csm_desk;

/*
 * Applies a prepared item to the store inside the caller's transaction and
 * writes what changed to the desk's output.  Returns 0; -1 when the
 * record is refused (err, CSM_EDATA: nothing of it was written); -2 on a
 * store error (err; the transaction must be rolled back).
 */
int csm_apply(struct csm_desk *d, struct csm_item *it, struct csm_err *err);
/*
 * On the parser thread: formats it->pre, the fields of the JSONL line the
 * record prints if it creates a ticket, with w (a JSONL writer of the
 * caller's, used as scratch) into ar.  now is the ingest's time.
 */
void csm_apply_prefmt(const struct csm_model *m, int64_t now,
    struct csm_item *it, struct csm_writer *w, struct csm_arena *ar);

#endif /* CSM_MODEL_H */
