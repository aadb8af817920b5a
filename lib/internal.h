/*
 * internal.h - interfaces shared by libcsm's own modules and not by the
 * tools.  SQL lives behind these: a tool never sees sqlite3.
 */
#ifndef CSM_INTERNAL_H
#define CSM_INTERNAL_H

#include <stddef.h>

#include <sqlite3.h>

#include "csm.h"

/* The connection (borrowed, valid while st lives). */
sqlite3 *csm_store_db(struct csm_store *st);
/*
 * A prepared statement for sql, which must be a string literal: statements
 * are cached by address and live as long as the store.  The statement is
 * reset and its bindings cleared.  Returns borrowed, or NULL with err.
 */
sqlite3_stmt *csm_store_stmt(struct csm_store *st, const char *sql,
    struct csm_err *err);
/* Fills err from an SQLite result code (SQLITE_BUSY → CSM_EBUSY); -1. */
int csm_store_sqlerr(struct csm_store *st, int rc, struct csm_err *err);
/* Runs a statement with no result rows (SQLITE_DONE); 0 or -1 with err. */
int csm_store_done(struct csm_store *st, sqlite3_stmt *stmt,
    struct csm_err *err);

/*
 * Arenas: many small allocations released together (arena.c).  A zeroed
 * struct is an empty arena.
 */
struct arena_block;
struct csm_arena {
	struct arena_block	*head;
	struct arena_block	*spare;
};

void *csm_arena_alloc(struct csm_arena *a, size_t size);
char *csm_arena_strndup(struct csm_arena *a, const char *s, size_t len);
void csm_arena_reset(struct csm_arena *a);
void csm_arena_free(struct csm_arena *a);

/*
 * Reads a JSON object of the common simple kind (json.c): new, or NULL
 * when the caller must use jansson.  tmp is scratch space.
 */
json_t *csm_json_fast(const char *text, size_t len, struct csm_buf *tmp);

/* A savepoint around one record, and its end (keep: release, else roll
 * back to it).  0, or -1 with err. */
int csm_store_savepoint(struct csm_store *st, struct csm_err *err);
int csm_store_savepoint_end(struct csm_store *st, int keep,
    struct csm_err *err);

/* Whether e can only be true when a field of the record equals a string
 * (expr.c): 1 and the field and string (borrowed from e), or 0. */
int csm_expr_needs_equal(const struct csm_expr *e, const char **field,
    const char **value);
/* Calls fn with each field name e reads, as written ("customer.tier";
 * not age or now), in order, until fn returns non-zero, which it then
 * returns; else 0. */
int csm_expr_names(const struct csm_expr *e,
    int (*fn)(void *arg, const char *name), void *arg);

/* PRAGMA data_version: it moves when another connection commits. */
int csm_store_data_version(struct csm_store *st);

/* a / b rounded toward minus infinity (b > 0): days of an instant. */
int64_t csm_fdiv(int64_t a, int64_t b);

/* Binds s (NULL binds NULL). */
int csm_bind_text(sqlite3_stmt *stmt, int i, const char *s);

/*
 * Numbers written as text (num.c): the one reading for expressions,
 * custom fields and built-in integer fields, strict decimal
 * ("[+-]digits[.digits][e[+-]digits]", no spaces, hex, inf or nan).
 * The functions return 0, or -1 with *why (may be NULL) a static reason:
 * "not a number", "not an integer", "too large", "too small".
 */
struct csm_num {
	int	isint;		/* integral and within int64_t: i holds it */
	int64_t	i;
	double	d;		/* the value, rounded if need be */
};

/* Bytes csm_num_text may write, NUL included. */
#define CSM_NUM_TEXT	352

/* s[0..len) as a number; 1e999 is too large, 1e-400 too small. */
int csm_num_read(const char *s, size_t len, struct csm_num *n,
    const char **why);
/* s[0..len) as an integer: a number with an integral value within
 * int64_t, so "42.0" and "4.2e1" are 42 and "42.5" is not an integer. */
int csm_int_read(const char *s, size_t len, int64_t *v, const char **why);
/* A JSON value (borrowed) as a number: a JSON number, or a string as
 * csm_num_read reads it. */
int csm_num_json(const json_t *v, struct csm_num *n, const char **why);
/* A JSON value (borrowed) as an integer: a JSON integer, a JSON real
 * with an integral value, or a string as csm_int_read reads it. */
int csm_int_json(const json_t *v, int64_t *i, const char **why);
/* n in plain decimal, never with an exponent, into buf (CSM_NUM_TEXT
 * bytes); returns buf. */
char *csm_num_text(const struct csm_num *n, char *buf);

/*
 * The directory part of path joined with rel, for a file that a
 * configuration file names (config.c): rel itself when it is absolute or
 * path has no directory.  Returns new, or NULL when out of memory.
 */
char *csm_conf_relative(const char *path, const char *rel);

/*
 * The first transition of zone tz (NULL is UTC) after instant t (time.c):
 * 1 and *when, or 0 when there is none.  The offset is constant from t
 * up to it; a transition may also keep the offset.
 */
int csm_tz_next(const struct csm_tz *tz, int64_t t, int64_t *when);

#endif /* CSM_INTERNAL_H */
