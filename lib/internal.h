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

/* Binds s (NULL binds NULL). */
int csm_bind_text(sqlite3_stmt *stmt, int i, const char *s);

/*
 * Whether regcomp(3) may be given the extended regular expression
 * s[0..len) (expr.c): NULL, or why not (a static message).  Patterns that
 * glibc would take very long over, or exhaust memory or the stack on,
 * are refused.
 */
const char *csm_re_check(const char *s, size_t len);

#endif /* CSM_INTERNAL_H */
