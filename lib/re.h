/*
 * re.h - regular expressions for `~` in expressions (expr_eval.c) and
 * for `pattern =` of [field] declarations (form.c): PCRE2 in UTF mode,
 * the same in every locale, with a bounded cost per match (re.c,
 * csm(7) EXPRESSIONS).  Internal to libcsm; pcre2.h stays behind it.
 */
#ifndef CSM_RE_H
#define CSM_RE_H

#include <stddef.h>

#include "csm.h"

#define CSM_RE_MAXLEN	4096	/* bytes in a pattern */

#define CSM_RE_ICASE	0x01	/* csm_re_new: ignore case (~*) */
#define CSM_RE_ASCII	0x02	/* csm_re_match: s is ASCII (no UTF check) */

/* csm_re_match: the match was stopped at a limit; it did not match. */
#define CSM_RE_LIMIT	(-1)

struct csm_re;		/* a compiled pattern, read-only once made */
struct csm_re_md;	/* the scratch space of matches in one thread */

/*
 * Compiles the pattern s[0..len) (flags: CSM_RE_ICASE).  Returns new, or
 * NULL with err: CSM_EDATA and a message to put after "invalid regular
 * expression: " (PCRE2's, naming the character of the pattern where it
 * found the problem: "missing closing parenthesis at character 2"), or
 * CSM_EINTERNAL.
 */
struct csm_re *csm_re_new(const char *s, size_t len, int flags,
    struct csm_err *err);
void csm_re_free(struct csm_re *re);
/* The pattern as written (borrowed while re lives). */
const char *csm_re_pattern(const struct csm_re *re);

/* Scratch space for matching: new, or NULL when out of memory.  One
 * thread at a time may use it; any pattern may. */
struct csm_re_md *csm_re_md_new(void);
void csm_re_md_free(struct csm_re_md *md);

/*
 * Does re match somewhere in s[0..len) (NUL bytes included)?  Returns 1
 * or 0; CSM_RE_LIMIT when the match took more steps or memory than its
 * limits allow (it then counts as no match); -2 when out of memory.
 * Invalid UTF-8 in s does not match.  Neither re nor s is changed, so
 * threads may share re, each with its own md.
 */
int csm_re_match(const struct csm_re *re, struct csm_re_md *md,
    const char *s, size_t len, int flags);

#endif /* CSM_RE_H */
