/*
 * re.c - regular expressions: a small wrapper around PCRE2 (re.h).
 *
 * Why PCRE2: it is well kept and everywhere (Debian's libpcre2-8), its UTF
 * mode reads patterns and values as UTF-8 in every locale (POSIX regcomp
 * follows LC_CTYPE and LC_COLLATE: "^退.$" matched 退款 under a UTF-8
 * locale and not under cron's empty one, and "[一-龥]" was refused under
 * C.UTF-8), and its matching can be bounded.
 *
 * Patterns are compiled with
 *	PCRE2_UTF | PCRE2_UCP	characters, not bytes; \w, \d, \b and the
 *				POSIX classes by Unicode properties
 *	PCRE2_DOTALL		"." matches a newline too, as in POSIX
 *	PCRE2_DOLLAR_ENDONLY	"$" is the end of the value, as in POSIX
 *	PCRE2_NEVER_BACKSLASH_C	no \C, which could split a character
 *	PCRE2_AUTO_CALLOUT	a callout before each item: the step count
 *	PCRE2_CASELESS		for ~*, with Unicode case folding
 * and PCRE2's own character tables, never the locale's.
 *
 * The bound.  PCRE2's match limit counts the backtracking of one start
 * position and starts again at the next one, so a pattern that stays just
 * under it at each position of a long value still takes minutes
 * ("(?:a|a){18}bq" on 10,000 bytes: 70 s).  So each match also counts
 * steps across all start positions in a callout: one per pattern item
 * reached plus the bytes the match moved over since the last one (which
 * counts the scans inside "[a-z]+" that make some searches quadratic),
 * and stops at MAXSTEPS plus STEPS_PER_BYTE for each byte of the value:
 * a linear search never comes near that, a runaway one is stopped within
 * some tens of milliseconds per kilobyte.  The depth and heap limits of
 * the match context bound the memory.
 *
 * Counting every step costs: a callout before each item disables PCRE2's
 * start-of-match optimizations and its JIT.  So each pattern is also
 * compiled plainly (and JIT-compiled where PCRE2 can), and a value is
 * first matched with that and a match limit of FAST_STEPS divided by the
 * value's length for each start position, which bounds its backtracking
 * by about FAST_STEPS in all; only a match that hits that limit is run
 * again the counted way.  Scans inside one step ("[a-z]+") are not
 * counted by PCRE2's limit, so the plain way is only for values of at
 * most FAST_MAXLEN bytes, where even a search that scans to the end from
 * every start stays within some tens of milliseconds.  A rule's
 * "subject ~ ..." on every ticket is thus cheap.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "re.h"

#define MAXSTEPS	1000000		/* steps of a match, plus: */
#define STEPS_PER_BYTE	64		/* steps per byte of the value */
#define MAXDEPTH	100000		/* backtracking depth */
#define MAXHEAP		32768		/* KiB of backtracking memory */
#define MAXNEST		32		/* nested parentheses */
#define FAST_STEPS	4000000		/* the plain match, in all */
#define FAST_MIN	256		/* ... at least this a position */
#define FAST_MAXLEN	8192		/* bytes of a value matched so */

struct csm_re {
	pcre2_code	*code;		/* with a callout before each item */
	pcre2_code	*fast;		/* plain, JIT-compiled if it could */
	char		*text;		/* the pattern, NUL-terminated */
};

struct csm_re_md {
	pcre2_match_data	*md;
	pcre2_match_context	*mc;
	pcre2_match_context	*fast;	/* no callout */
	uint64_t		 steps, budget;
	PCRE2_SIZE		 last;	/* position at the last callout */
};

/* The 1-based character at byte offset off of s. */
static size_t
charpos(const char *s, size_t off)
{
	size_t i, n = 1;

	for (i = 0; i < off; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * Compiles s[0..len) (see re.h).  The pattern need not be NUL-terminated
 * and may hold any UTF-8; invalid UTF-8 is an error.
 */
struct csm_re *
csm_re_new(const char *s, size_t len, int flags, struct csm_err *err)
{
	pcre2_compile_context *cc;
	struct csm_re *re;
	PCRE2_SIZE off;
	PCRE2_UCHAR msg[128];
	uint32_t opts;
	int code;

	if (len > CSM_RE_MAXLEN) {
		csm_err_set(err, CSM_EDATA, "longer than %d bytes",
		    CSM_RE_MAXLEN);
		return NULL;
	}
	if ((re = calloc(1, sizeof(*re))) == NULL ||
	    (re->text = malloc(len + 1)) == NULL ||
	    (cc = pcre2_compile_context_create(NULL)) == NULL) {
		csm_re_free(re);
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	memcpy(re->text, s, len);
	re->text[len] = '\0';
	pcre2_set_parens_nest_limit(cc, MAXNEST);
	opts = PCRE2_UTF | PCRE2_UCP | PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY |
	    PCRE2_NEVER_BACKSLASH_C | PCRE2_AUTO_CALLOUT;
	if (flags & CSM_RE_ICASE)
		opts |= PCRE2_CASELESS;
	re->code = pcre2_compile((PCRE2_SPTR)s, len, opts, &code, &off, cc);
	if (re->code != NULL) {
		re->fast = pcre2_compile((PCRE2_SPTR)s, len, opts &
		    ~PCRE2_AUTO_CALLOUT, &code, &off, cc);
		/* Without JIT (not built for this machine) it is still the
		 * interpreter without callouts. */
		if (re->fast != NULL)
			(void)pcre2_jit_compile(re->fast, PCRE2_JIT_COMPLETE);
	}
	pcre2_compile_context_free(cc);
	if (re->code == NULL) {
		if (code == PCRE2_ERROR_NOMEMORY) {
			csm_err_set(err, CSM_EINTERNAL, "out of memory");
		} else {
			if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
				snprintf((char *)msg, sizeof(msg), "error %d",
				    code);
			csm_err_set(err, CSM_EDATA, "%s at character %zu",
			    (char *)msg, charpos(s, off <= len ? off : len));
		}
		csm_re_free(re);
		return NULL;
	}
	return re;
}

/* Frees re; NULL is a no-op. */
void
csm_re_free(struct csm_re *re)
{
	if (re == NULL)
		return;
	pcre2_code_free(re->code);
	pcre2_code_free(re->fast);
	free(re->text);
	free(re);
}

/* The pattern as written (borrowed while re lives). */
const char *
csm_re_pattern(const struct csm_re *re)
{
	return re->text;
}

/* A step: an item reached, plus the bytes moved over since the last. */
static int
step(pcre2_callout_block *cb, void *arg)
{
	struct csm_re_md *md = arg;
	PCRE2_SIZE pos = cb->current_position;

	md->steps += 1 + (pos > md->last ? pos - md->last : md->last - pos);
	md->last = pos;
	return md->steps > md->budget ? PCRE2_ERROR_CALLOUT : 0;
}

/* Scratch space for matching (see re.h): new, or NULL. */
struct csm_re_md *
csm_re_md_new(void)
{
	struct csm_re_md *md;

	if ((md = calloc(1, sizeof(*md))) == NULL)
		return NULL;
	md->md = pcre2_match_data_create(1, NULL);
	md->mc = pcre2_match_context_create(NULL);
	md->fast = pcre2_match_context_create(NULL);
	if (md->md == NULL || md->mc == NULL || md->fast == NULL) {
		csm_re_md_free(md);
		return NULL;
	}
	pcre2_set_depth_limit(md->mc, MAXDEPTH);
	pcre2_set_heap_limit(md->mc, MAXHEAP);
	pcre2_set_callout(md->mc, step, md);
	pcre2_set_depth_limit(md->fast, MAXDEPTH);
	pcre2_set_heap_limit(md->fast, MAXHEAP);
	return md;
}

/* Frees md; NULL is a no-op. */
void
csm_re_md_free(struct csm_re_md *md)
{
	if (md == NULL)
		return;
	pcre2_match_data_free(md->md);
	pcre2_match_context_free(md->mc);
	pcre2_match_context_free(md->fast);
	free(md);
}

/* Matches re in s[0..len) (see re.h). */
int
csm_re_match(const struct csm_re *re, struct csm_re_md *md, const char *s,
    size_t len, int flags)
{
	uint64_t budget;
	uint32_t opts = flags & CSM_RE_ASCII ? PCRE2_NO_UTF_CHECK : 0;
	int rc;

	/* The plain way first, bounded in all by FAST_STEPS. */
	if (re->fast != NULL && len <= FAST_MAXLEN) {
		budget = FAST_STEPS / ((uint64_t)len + 1);
		pcre2_set_match_limit(md->fast, budget < FAST_MIN ? FAST_MIN :
		    (uint32_t)budget);
		rc = pcre2_match(re->fast, (PCRE2_SPTR)s, len, 0, opts, md->md,
		    md->fast);
		if (rc >= 0)
			return 1;
		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
		if (rc == PCRE2_ERROR_NOMEMORY)
			return -2;
		/* A limit, or anything else: the counted way decides. */
	}
	budget = MAXSTEPS + (uint64_t)len * STEPS_PER_BYTE;
	md->steps = 0;
	md->last = 0;
	md->budget = budget;
	pcre2_set_match_limit(md->mc, budget > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)budget);
	rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, opts, md->md,
	    md->mc);
	if (rc >= 0)
		return 1;
	switch (rc) {
	case PCRE2_ERROR_CALLOUT:
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
		return CSM_RE_LIMIT;
	case PCRE2_ERROR_NOMEMORY:
		return -2;
	}
	return 0;	/* no match, or invalid UTF-8 in s */
}
