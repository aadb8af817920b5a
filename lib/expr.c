/*
 * expr.c - the filter language of `when =` and `--where` (csm(7)).
 *
 * A recursive-descent parser turns the text into a tree once; the
 * evaluator walks the tree for each record without changing it, so one
 * parsed expression may be evaluated from several threads at once.
 *
 *	or-expr   := and-expr ("or" and-expr)*
 *	and-expr  := not-expr ("and" not-expr)*
 *	not-expr  := "not" not-expr | predicate
 *	predicate := "(" or-expr ")" | "exists" field | "exists" "(" field ")"
 *		   | sum [ cmpop sum | ["not"] "in" "(" list ")"
 *			 | ["not"] "contains" sum
 *			 | ("~" | "~*" | "!~") string | "exists" ]
 *	sum       := operand (("+" | "-") operand)*
 *	list      := sum ("," sum)*
 *	cmpop     := "=" | "==" | "!=" | "<>" | "<" | ">" | "<=" | ">="
 *
 * Keywords (and or not in contains exists true false null now) are
 * case-insensitive.  Chains of "and", "or" and "+"/"-" become one node
 * with many children and runs of "not" collapse, so only parentheses
 * nest the tree, and they are limited to MAXDEPTH levels: the parser and
 * the evaluator never recurse deeper than a few times that.
 *
 * Operands: field names (UTF-8 allowed; "a.b" is the key "a.b" if the
 * record has it, else b inside object a); strings in '...' or "..." with
 * the escapes \" \' \\ \/ \b \f \n \r \t \uXXXX (no \u0000, valid UTF-8
 * only); numbers; durations (90s 45m 2h 3d 1w 1h30m 1.5h, any case);
 * times (2026-11-20, 2026-11-20T09:30[:00][.f][Z|+08:00|+0800|+08]);
 * true, false, null, now.  "-" before a number or duration is its sign.
 *
 * Values while evaluating: the JSON values of the record (a missing field
 * is null), strings, numbers, durations (seconds) and times (instants).
 * "age", unless the record has it, is now - created_at.  Evaluation never
 * fails on data: what cannot be compared compares false.
 *
 *  - A time on either side makes the other a time: strings are parsed in
 *    ctx->tz, numbers are epoch seconds.  Else a duration makes the other
 *    a duration: numbers are seconds, strings are parsed ("2h", "7200").
 *  - Two strings that both start "YYYY-" and both parse as times compare
 *    as instants; other strings compare by bytes.
 *  - A string and a number compare as numbers if the whole string is one,
 *    else they are neither equal nor ordered.
 *  - null equals only null (a missing field is null) and orders with
 *    nothing; "!=" is always the negation of "=".  Booleans, arrays and
 *    objects only compare for equality.
 *  - An array on either side of a comparison (not one inside an array)
 *    is true if any element is; "contains" looks for an element equal to
 *    the operand, or a substring of a string; "in" is "=" with any item.
 *  - "~", "~*" (ignoring case) and "!~" (not "~") match POSIX extended
 *    regular expressions against strings, numbers written in decimal and
 *    the elements of arrays; anything else does not match.
 *  - A bare operand is true if it is true, a non-zero number or
 *    duration, a non-empty string, array or object, or a time.
 *  - "+" and "-": time +- duration is a time, time - time and duration
 *    +- duration a duration, number +- number a number (strings become
 *    times, numbers or durations as they parse); anything else is null.
 */
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAXDEPTH	256	/* parentheses nested deeper are an error */
#define RE_MAXLEN	4096	/* bytes in a pattern */
#define RE_MAXDEPTH	32	/* nested groups */
#define RE_MAXDUP	255	/* a{n}: POSIX's least RE_DUP_MAX */
#define RE_MAXCOPY	2000	/* atoms that bounds and a+ add */

/* Tokens. */
enum {
	T_EOF, T_LPAREN, T_RPAREN, T_COMMA,
	T_EQ, T_NE, T_LT, T_GT, T_LE, T_GE,
	T_MATCH, T_IMATCH, T_NMATCH, T_PLUS, T_MINUS,
	T_AND, T_OR, T_NOT, T_IN, T_CONTAINS, T_EXISTS,
	T_TRUE, T_FALSE, T_NULL, T_NOW,
	T_IDENT, T_STR, T_NUM, T_DUR, T_TIME
};

/* Comparison operators; "!=" is evaluated as the negation of "=". */
enum { OP_EQ, OP_NE, OP_LT, OP_GT, OP_LE, OP_GE };

/* Nodes of the tree. */
enum {
	N_OR, N_AND, N_NOT, N_TRUTHY, N_CMP, N_IN, N_CONTAINS, N_MATCH,
	N_EXISTS, N_SUM,
	N_FIELD, N_STR, N_NUM, N_DUR, N_TIME, N_BOOL, N_NULL, N_NOW
};

struct node {
	int		 kind;
	int		 op;		/* N_CMP: OP_* */
	int		 neg;		/* not in, not contains, !~ */
	struct node	**kid;		/* N_IN: kid[0] is the value */
	char		*ops;		/* N_SUM: '+' or '-' before kid[i] */
	size_t		 nkid, cap;
	char		*s;		/* N_STR text, N_FIELD name, N_TIME */
	size_t		 len;
	const char	*path;		/* N_FIELD: into s, '.' made '\0' */
	size_t		 nseg;		/* N_FIELD: parts of path */
	int		 age;		/* N_FIELD: the name is "age" */
	int		 isint;		/* N_NUM: i holds it, else d */
	int		 fixed;		/* N_TIME: had an offset, i holds it */
	int64_t		 i;		/* N_NUM, N_DUR, N_TIME, N_BOOL */
	double		 d;
	regex_t		*re;		/* N_MATCH */
};

struct csm_expr {
	struct node	*root;
};

struct tok {
	int		 type;
	size_t		 pos, len;	/* bytes of src */
	char		*s;		/* T_STR, T_TIME: new until taken */
	size_t		 slen;
	int		 isint, fixed;
	int64_t		 i;
	double		 d;
};

struct parser {
	const char	*src;
	size_t		 pos;		/* next byte to read */
	struct tok	 tok;		/* the current token */
	int		 hasprev;	/* the token before it, for messages */
	int		 ptype;
	size_t		 ppos, plen;
	int		 depth;
	struct csm_err	*err;
};

/* Values while evaluating. */
enum { V_NULL, V_BOOL, V_NUM, V_STR, V_TIME, V_DUR, V_ARR, V_OBJ };

struct val {
	int		 t;
	int		 isint;		/* V_NUM: i holds it, else d */
	int64_t		 i;		/* V_NUM, V_TIME, V_DUR, V_BOOL */
	double		 d;
	const char	*s;		/* V_STR: NUL after len bytes */
	size_t		 len;
	const json_t	*j;		/* V_ARR, V_OBJ */
	json_t		*own;		/* a reference to drop when done */
};

struct ev {
	const json_t		*rec;
	const struct csm_tz	*tz;
	int64_t			 now;
	json_t			*(*lookup)(void *, const char *);
	void			*arg;
	struct csm_err		*err;
};

static struct node *parse_or(struct parser *);
static int fail(struct parser *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Lexer.
 */

static int
isdigit_(int c)
{
	return c >= '0' && c <= '9';
}

static int
isident0(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c >= 0x80;
}

static int
isident(int c)
{
	return isident0(c) || isdigit_(c) || c == '.';
}

static int
isspace_(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8len(const unsigned char *s, size_t n)
{
	size_t len, k;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : s[0] < 0xf5 ? 4 : 0;
	if (len == 0 || len > n)
		return 0;
	for (k = 1; k < len; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return len;
}

/* Quotes up to 32 bytes of s for a message, control characters escaped. */
static const char *
excerpt(const char *s, size_t len, char *buf, size_t n)
{
	size_t i, o = 0, cut = len > 32 ? 32 : len;

	while (cut < len && cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	buf[o++] = '\'';
	for (i = 0; i < cut && o + 8 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	if (cut < len)
		o += (size_t)snprintf(buf + o, n - o, "...");
	snprintf(buf + o, n - o, "'");
	return buf;
}

/* A token as messages name it: 'text', string or end of input. */
static const char *
describe(const struct parser *p, int type, size_t pos, size_t len, char *buf,
    size_t n)
{
	if (type == T_EOF)
		return "end of input";
	if (type == T_STR)
		return "string";
	return excerpt(p->src + pos, len, buf, n);
}

/* Sets a data error at byte offset pos of the source; returns -1. */
static int
fail(struct parser *p, size_t pos, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	csm_err_set(p->err, CSM_EDATA, "%s", buf);
	if (p->err != NULL) {
		p->err->line = 0;
		p->err->col = (long)pos + 1;
	}
	return -1;
}

static int
nomem(struct csm_err *err)
{
	csm_err_set(err, CSM_EINTERNAL, "out of memory");
	if (err != NULL) {
		err->line = 0;
		err->col = 0;
	}
	return -1;
}

/* "expected X after <previous token>", at the current token. */
static int
expected(struct parser *p, const char *what)
{
	char b1[160];

	if (!p->hasprev)
		return fail(p, p->tok.pos, "unexpected %s", describe(p,
		    p->tok.type, p->tok.pos, p->tok.len, b1, sizeof(b1)));
	return fail(p, p->tok.pos, "expected %s after %s", what, describe(p,
	    p->ptype, p->ppos, p->plen, b1, sizeof(b1)));
}

static int
unexpected(struct parser *p)
{
	char b1[160];

	return fail(p, p->tok.pos, "unexpected %s", describe(p, p->tok.type,
	    p->tok.pos, p->tok.len, b1, sizeof(b1)));
}

/* The end of a run of name-like bytes from i, for messages. */
static size_t
runend(const char *s, size_t i)
{
	while (s[i] != '\0' && (isident((unsigned char)s[i]) || s[i] == ':' ||
	    s[i] == '+' || s[i] == '-'))
		i++;
	return i;
}

static int
digits(const char *s, size_t i, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (!isdigit_((unsigned char)s[i + k]))
			return 0;
	return 1;
}

/*
 * An unquoted time: YYYY-MM-DD, optionally followed by T, hh:mm, :ss,
 * a fraction and Z or an offset (+hh:mm, +hhmm, +hh).  With an offset it
 * is parsed now; without one the text is checked (in UTC) and kept, to be
 * read in the caller's zone at evaluation.
 */
static int
lex_time(struct parser *p, size_t start)
{
	const char *s = p->src;
	struct tok *t = &p->tok;
	struct csm_err scratch;
	size_t i = start + 10, k;
	char b1[160];

	if ((s[i] == 'T' || s[i] == 't') && isdigit_((unsigned char)s[i + 1])) {
		if (!digits(s, i + 1, 2) || s[i + 3] != ':' ||
		    !digits(s, i + 4, 2))
			goto bad;
		i += 6;
		if (s[i] == ':' && digits(s, i + 1, 2)) {
			i += 3;
			if (s[i] == '.' && isdigit_((unsigned char)s[i + 1]))
				for (i++; isdigit_((unsigned char)s[i]); i++)
					;
		}
		if (s[i] == 'Z' || s[i] == 'z') {
			t->fixed = 1;
			i++;
		} else if ((s[i] == '+' || s[i] == '-') &&
		    digits(s, i + 1, 2)) {
			k = i + 3;
			if (s[k] == ':' && digits(s, k + 1, 2))
				k += 3;
			else if (digits(s, k, 2))
				k += 2;
			t->fixed = 1;
			i = k;
			if (isdigit_((unsigned char)s[i]))
				goto bad;
		}
	}
	if (isident((unsigned char)s[i]) || s[i] == ':')
		goto bad;
	if (csm_time_parse(s + start, i - start, NULL, &t->i, &scratch) == -1)
		goto bad;
	t->type = T_TIME;
	t->len = i - t->pos;
	p->pos = i;
	if (t->fixed)
		return 0;
	if ((t->s = malloc(i - start + 1)) == NULL)
		return nomem(p->err);
	memcpy(t->s, s + start, i - start);
	t->s[i - start] = '\0';
	t->slen = i - start;
	return 0;
bad:
	i = runend(s, i);
	return fail(p, start, "invalid time %s",
	    excerpt(s + start, i - start, b1, sizeof(b1)));
}

/* Seconds in a duration unit (either case), or 0. */
static int64_t
unit(int c)
{
	switch (c | 0x20) {
	case 's':
		return 1;
	case 'm':
		return 60;
	case 'h':
		return 3600;
	case 'd':
		return 86400;
	case 'w':
		return 604800;
	}
	return 0;
}

/*
 * A duration: number-unit pairs ("90s", "1h30m", "1.5h"), read by
 * csm_dur_parse so that literals and data agree (units in decreasing
 * order, fractions cut to whole seconds).
 */
static int
lex_dur(struct parser *p, size_t start, int neg)
{
	const char *s = p->src;
	struct tok *t = &p->tok;
	struct csm_err scratch;
	size_t i = start;
	char b1[160];

	for (;;) {
		while (isdigit_((unsigned char)s[i]))
			i++;
		if (s[i] == '.' && isdigit_((unsigned char)s[i + 1]))
			for (i++; isdigit_((unsigned char)s[i]); i++)
				;
		if (unit((unsigned char)s[i]) == 0)
			goto bad;
		i++;
		if (!isdigit_((unsigned char)s[i]))
			break;
	}
	if (isident((unsigned char)s[i]) ||
	    csm_dur_parse(s + start, i - start, &t->i, &scratch) == -1)
		goto bad;
	t->type = T_DUR;
	if (neg)
		t->i = -t->i;
	t->len = i - t->pos;
	p->pos = i;
	return 0;
bad:
	i = runend(s, i);
	return fail(p, t->pos, "invalid duration %s",
	    excerpt(s + t->pos, i - t->pos, b1, sizeof(b1)));
}

/*
 * A number, duration or time starting with the digit at start; neg when
 * a '-' just before it belongs to it.
 */
static int
lex_num(struct parser *p, size_t start, int neg)
{
	const char *s = p->src;
	struct tok *t = &p->tok;
	size_t i = start;
	char b1[160];

	t->pos = neg ? start - 1 : start;
	if (digits(s, start, 4) && s[start + 4] == '-' &&
	    digits(s, start + 5, 2) && s[start + 7] == '-' &&
	    digits(s, start + 8, 2)) {
		if (neg)
			return fail(p, start, "expected a number after '-'");
		return lex_time(p, start);
	}
	while (isdigit_((unsigned char)s[i]))
		i++;
	t->isint = 1;
	if (s[i] == '.' && isdigit_((unsigned char)s[i + 1])) {
		t->isint = 0;
		for (i++; isdigit_((unsigned char)s[i]); i++)
			;
	}
	if (unit((unsigned char)s[i]) != 0)
		return lex_dur(p, start, neg);
	if (isident((unsigned char)s[i])) {
		i = runend(s, i);
		return fail(p, t->pos, "invalid number %s",
		    excerpt(s + t->pos, i - t->pos, b1, sizeof(b1)));
	}
	errno = 0;
	if (t->isint) {
		t->i = strtoll(s + start, NULL, 10);
		if (errno == ERANGE)
			t->isint = 0;
		else if (neg)
			t->i = -t->i;
	}
	if (!t->isint) {
		t->d = strtod(s + start, NULL);
		if (neg)
			t->d = -t->d;
	}
	t->type = T_NUM;
	t->len = i - t->pos;
	p->pos = i;
	return 0;
}

static int
hex4(const char *s, uint32_t *v)
{
	int k, c;

	*v = 0;
	for (k = 0; k < 4; k++) {
		c = (unsigned char)s[k];
		if (isdigit_(c))
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			return -1;
		*v = *v << 4 | (uint32_t)c;
	}
	return 0;
}

static size_t
utf8put(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decodes one escape at s + *i (the backslash) into o; returns the bytes
 * written, or -1 with the error set. */
static int
unescape(struct parser *p, size_t *i, char *o)
{
	const char *s = p->src;
	size_t at = *i;
	uint32_t cp, lo;

	switch (s[at + 1]) {
	case '"':
	case '\'':
	case '\\':
	case '/':
		*o = s[at + 1];
		break;
	case 'n':
		*o = '\n';
		break;
	case 't':
		*o = '\t';
		break;
	case 'r':
		*o = '\r';
		break;
	case 'b':
		*o = '\b';
		break;
	case 'f':
		*o = '\f';
		break;
	case 'u':
		if (hex4(s + at + 2, &cp) == -1)
			return fail(p, at, "invalid \\u escape");
		*i += 6;
		if (cp == 0)
			return fail(p, at,
			    "\\u0000 is not allowed in a string");
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return fail(p, at, "unpaired surrogate in \\u escape");
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (s[at + 6] != '\\' || s[at + 7] != 'u' ||
			    hex4(s + at + 8, &lo) == -1 || lo < 0xdc00 ||
			    lo > 0xdfff)
				return fail(p, at,
				    "unpaired surrogate in \\u escape");
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			*i += 6;
		}
		return (int)utf8put(o, cp);
	default:
		if (s[at + 1] > 0x20 && s[at + 1] < 0x7f)
			return fail(p, at, "unknown escape '\\%c'", s[at + 1]);
		return fail(p, at, "unknown escape in string");
	}
	*i += 2;
	return 1;
}

/* A string in double or single quotes. */
static int
lex_str(struct parser *p)
{
	const char *s = p->src;
	struct tok *t = &p->tok;
	size_t start = p->pos, i, end, o = 0, k;
	char q = s[start], *buf;
	int n;

	for (end = start + 1; s[end] != '\0' && s[end] != q; end++)
		if (s[end] == '\\' && s[end + 1] != '\0')
			end++;
	if (s[end] == '\0')
		return fail(p, start, "unterminated string");
	/* Escapes never grow: \uXXXX (6) is at most 3 bytes, a pair 4. */
	if ((buf = malloc(end - start)) == NULL)
		return nomem(p->err);
	for (i = start + 1; i < end;) {
		if (s[i] == '\\') {
			if ((n = unescape(p, &i, buf + o)) == -1) {
				free(buf);
				return -1;
			}
			o += (size_t)n;
		} else if ((unsigned char)s[i] >= 0x80) {
			k = utf8len((const unsigned char *)s + i, end - i);
			if (k == 0) {
				free(buf);
				return fail(p, i, "invalid UTF-8 in string");
			}
			memcpy(buf + o, s + i, k);
			o += k;
			i += k;
		} else
			buf[o++] = s[i++];
	}
	buf[o] = '\0';
	t->type = T_STR;
	t->s = buf;
	t->slen = o;
	t->len = end + 1 - start;
	p->pos = end + 1;
	return 0;
}

static int
keyword(const char *s, size_t len)
{
	static const struct {
		const char	*name;
		int		 type;
	} kw[] = {
		{ "and", T_AND }, { "or", T_OR }, { "not", T_NOT },
		{ "in", T_IN }, { "contains", T_CONTAINS },
		{ "exists", T_EXISTS }, { "true", T_TRUE },
		{ "false", T_FALSE }, { "null", T_NULL }, { "now", T_NOW }
	};
	size_t k, j;

	for (k = 0; k < sizeof(kw) / sizeof(kw[0]); k++) {
		if (strlen(kw[k].name) != len)
			continue;
		for (j = 0; j < len; j++)
			if ((s[j] | 0x20) != kw[k].name[j])
				break;
		if (j == len)
			return kw[k].type;
	}
	return T_IDENT;
}

/* A field name or a keyword. */
static int
lex_ident(struct parser *p)
{
	const char *s = p->src;
	struct tok *t = &p->tok;
	size_t start = p->pos, i = start, k;
	char b1[160];

	while (isident((unsigned char)s[i]))
		i++;
	for (k = start; k < i;) {
		size_t n = utf8len((const unsigned char *)s + k, i - k);

		if (n == 0)
			return fail(p, k, "invalid UTF-8 in field name");
		k += n;
	}
	t->len = i - start;
	p->pos = i;
	if ((t->type = keyword(s + start, t->len)) != T_IDENT)
		return 0;
	if (s[i - 1] == '.')
		return fail(p, start, "invalid field name %s",
		    excerpt(s + start, t->len, b1, sizeof(b1)));
	for (k = start; k + 1 < i; k++)
		if (s[k] == '.' && s[k + 1] == '.')
			return fail(p, start, "invalid field name %s",
			    excerpt(s + start, t->len, b1, sizeof(b1)));
	return 0;
}

static int
isopchar(int c)
{
	return c != '\0' && strchr("=<>!~*&|", c) != NULL;
}

/* An operator; the longest known one, unless more operator characters
 * follow it ("=>", "=~", "==="). */
static int
lex_op(struct parser *p)
{
	static const struct {
		const char	*s;
		int		 type;
	} ops[] = {
		{ "==", T_EQ }, { "!=", T_NE }, { "<>", T_NE }, { "<=", T_LE },
		{ ">=", T_GE }, { "!~", T_NMATCH }, { "~*", T_IMATCH },
		{ "=", T_EQ }, { "<", T_LT }, { ">", T_GT }, { "~", T_MATCH },
		{ "+", T_PLUS }, { "-", T_MINUS }
	};
	const char *s = p->src + p->pos;
	struct tok *t = &p->tok;
	size_t k, n, run;
	const char *hint = "";
	char b1[160];

	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		n = strlen(ops[k].s);
		if (strncmp(s, ops[k].s, n) == 0)
			break;
	}
	if (k < sizeof(ops) / sizeof(ops[0]) &&
	    !isopchar((unsigned char)s[n])) {
		t->type = ops[k].type;
		t->len = n;
		p->pos += n;
		return 0;
	}
	for (run = 1; isopchar((unsigned char)s[run]); run++)
		;
	if (run == 2 && strncmp(s, "&&", 2) == 0)
		hint = " (use 'and')";
	else if (run == 2 && strncmp(s, "||", 2) == 0)
		hint = " (use 'or')";
	else if (run == 1 && s[0] == '!')
		hint = " (use 'not')";
	return fail(p, p->pos, "unknown operator %s%s",
	    excerpt(s, run, b1, sizeof(b1)), hint);
}

/* Reads the next token into p->tok. */
static int
lex(struct parser *p)
{
	const char *s = p->src;
	struct tok *t = &p->tok;
	int c;
	char b1[160];

	free(t->s);
	memset(t, 0, sizeof(*t));
	while (isspace_((unsigned char)s[p->pos]))
		p->pos++;
	t->pos = p->pos;
	c = (unsigned char)s[p->pos];
	switch (c) {
	case '\0':
		t->type = T_EOF;
		return 0;
	case '(':
	case ')':
	case ',':
		t->type = c == '(' ? T_LPAREN : c == ')' ? T_RPAREN : T_COMMA;
		t->len = 1;
		p->pos++;
		return 0;
	case '"':
	case '\'':
		return lex_str(p);
	}
	if (isdigit_(c))
		return lex_num(p, p->pos, 0);
	if (isident0(c))
		return lex_ident(p);
	if (isopchar(c) || c == '+' || c == '-')
		return lex_op(p);
	return fail(p, p->pos, "unexpected character %s",
	    excerpt(s + p->pos, 1, b1, sizeof(b1)));
}

static int
next(struct parser *p)
{
	p->hasprev = 1;
	p->ptype = p->tok.type;
	p->ppos = p->tok.pos;
	p->plen = p->tok.len;
	return lex(p);
}

/*
 * Tree.
 */

static void
node_free(struct node *n)
{
	size_t k;

	if (n == NULL)
		return;
	for (k = 0; k < n->nkid; k++)
		node_free(n->kid[k]);
	free(n->kid);
	free(n->ops);
	free(n->s);
	if (n->re != NULL) {
		regfree(n->re);
		free(n->re);
	}
	free(n);
}

static struct node *
mknode(struct parser *p, int kind)
{
	struct node *n;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		nomem(p->err);
		return NULL;
	}
	n->kind = kind;
	return n;
}

/* Appends k to n's children; on failure k is not taken. */
static int
addkid(struct parser *p, struct node *n, struct node *k, char op)
{
	struct node **kid;
	char *ops;
	size_t cap;

	if (n->nkid == n->cap) {
		cap = n->cap ? n->cap * 2 : 2;
		/* NOLINTNEXTLINE(bugprone-sizeof-expression): pointers */
		if ((kid = realloc(n->kid, cap * sizeof(*kid))) == NULL)
			return nomem(p->err);
		n->kid = kid;
		if (n->kind == N_SUM) {
			if ((ops = realloc(n->ops, cap)) == NULL)
				return nomem(p->err);
			n->ops = ops;
		}
		n->cap = cap;
	}
	if (n->kind == N_SUM)
		n->ops[n->nkid] = op;
	n->kid[n->nkid++] = k;
	return 0;
}

/* A node of kind over a and b (b may be NULL); frees them on failure. */
static struct node *
mk2(struct parser *p, int kind, struct node *a, struct node *b)
{
	struct node *n;

	if ((n = mknode(p, kind)) == NULL || addkid(p, n, a, 0) == -1) {
		node_free(n);
		node_free(a);
		node_free(b);
		return NULL;
	}
	if (b != NULL && addkid(p, n, b, 0) == -1) {
		node_free(n);
		node_free(b);
		return NULL;
	}
	return n;
}

/*
 * Parser.
 */

/* The field named by the current token (T_IDENT). */
static struct node *
field(struct parser *p)
{
	struct node *n;
	size_t len = p->tok.len, k;
	char *path;

	if ((n = mknode(p, N_FIELD)) == NULL)
		return NULL;
	if ((n->s = malloc(2 * len + 2)) == NULL) {
		nomem(p->err);
		free(n);
		return NULL;
	}
	memcpy(n->s, p->src + p->tok.pos, len);
	n->s[len] = '\0';
	n->len = len;
	path = n->s + len + 1;
	memcpy(path, n->s, len + 1);
	n->nseg = 1;
	for (k = 0; k < len; k++)
		if (path[k] == '.') {
			path[k] = '\0';
			n->nseg++;
		}
	n->path = path;
	n->age = len == 3 && memcmp(n->s, "age", 3) == 0;
	if (next(p) == -1) {
		node_free(n);
		return NULL;
	}
	return n;
}

static struct node *
parse_operand(struct parser *p)
{
	struct tok *t = &p->tok;
	struct node *n;
	int kind;

	if (t->type == T_MINUS) {
		if (!isdigit_((unsigned char)p->src[t->pos + 1])) {
			fail(p, t->pos + 1, "expected a number after '-'");
			return NULL;
		}
		if (lex_num(p, t->pos + 1, 1) == -1)
			return NULL;
	}
	switch (t->type) {
	case T_IDENT:
		return field(p);
	case T_STR:
		kind = N_STR;
		break;
	case T_NUM:
		kind = N_NUM;
		break;
	case T_DUR:
		kind = N_DUR;
		break;
	case T_TIME:
		kind = N_TIME;
		break;
	case T_TRUE:
	case T_FALSE:
		kind = N_BOOL;
		break;
	case T_NULL:
		kind = N_NULL;
		break;
	case T_NOW:
		kind = N_NOW;
		break;
	default:
		expected(p, "a value");
		return NULL;
	}
	if ((n = mknode(p, kind)) == NULL)
		return NULL;
	n->s = t->s;
	n->len = t->slen;
	t->s = NULL;
	n->isint = t->isint;
	n->fixed = t->fixed;
	n->i = t->type == T_TRUE ? 1 : t->i;
	n->d = t->d;
	if (next(p) == -1) {
		node_free(n);
		return NULL;
	}
	return n;
}

static struct node *
parse_sum(struct parser *p)
{
	struct node *n, *k;
	char op;

	if ((k = parse_operand(p)) == NULL)
		return NULL;
	if (p->tok.type != T_PLUS && p->tok.type != T_MINUS)
		return k;
	if ((n = mknode(p, N_SUM)) == NULL || addkid(p, n, k, '+') == -1) {
		node_free(n);
		node_free(k);
		return NULL;
	}
	while (p->tok.type == T_PLUS || p->tok.type == T_MINUS) {
		op = p->tok.type == T_PLUS ? '+' : '-';
		if (next(p) == -1 || (k = parse_operand(p)) == NULL) {
			node_free(n);
			return NULL;
		}
		if (addkid(p, n, k, op) == -1) {
			node_free(k);
			node_free(n);
			return NULL;
		}
	}
	return n;
}

/* Expects ')' closing the '(' at byte open, and reads past it. */
static int
close_paren(struct parser *p, size_t open)
{
	if (p->tok.type != T_RPAREN)
		return fail(p, p->tok.pos, "expected ')' to close '(' at "
		    "column %zu", open + 1);
	return next(p);
}

/* "in (list)" after the value l (taken). */
static struct node *
parse_in(struct parser *p, struct node *l, int neg)
{
	struct node *n, *k;
	size_t open;

	if ((n = mk2(p, N_IN, l, NULL)) == NULL)
		return NULL;
	n->neg = neg;
	if (next(p) == -1)
		goto fail;
	if (p->tok.type != T_LPAREN) {
		expected(p, "'('");
		goto fail;
	}
	open = p->tok.pos;
	if (next(p) == -1)
		goto fail;
	for (;;) {
		if ((k = parse_sum(p)) == NULL)
			goto fail;
		if (addkid(p, n, k, 0) == -1) {
			node_free(k);
			goto fail;
		}
		if (p->tok.type != T_COMMA)
			break;
		if (next(p) == -1)
			goto fail;
	}
	if (close_paren(p, open) == -1)
		goto fail;
	return n;
fail:
	node_free(n);
	return NULL;
}

/* The copies a bound ("{m}", "{m,}", "{m,n}", "{,n}") at s[*i] makes,
 * with *i moved to its '}'; -1 if a count is above RE_MAXDUP, -2 if the
 * '{' starts no bound. */
static long
re_bound(const char *s, size_t len, size_t *i)
{
	size_t k = *i + 1;
	long m = 0, n = 0;
	int comma = 0, dm = 0, dn = 0;

	for (; k < len && isdigit_((unsigned char)s[k]); k++, dm++)
		if ((m = m * 10 + (s[k] - '0')) > RE_MAXDUP)
			return -1;
	if (k < len && s[k] == ',') {
		comma = 1;
		for (k++; k < len && isdigit_((unsigned char)s[k]); k++, dn++)
			if ((n = n * 10 + (s[k] - '0')) > RE_MAXDUP)
				return -1;
	}
	if (k >= len || s[k] != '}' || (dm == 0 && dn == 0))
		return -2;
	*i = k;
	if (!comma)
		return m;
	if (dn == 0)
		return m + 1;
	return n > m ? n : m;
}

/* The index of the ']' closing the bracket expression at s[i] ('['). */
static size_t
re_bracket(const char *s, size_t len, size_t i)
{
	char d;

	i++;
	if (i < len && s[i] == '^')
		i++;
	if (i < len && s[i] == ']')
		i++;
	while (i < len && s[i] != ']') {
		if (s[i] == '[' && i + 1 < len && (s[i + 1] == ':' ||
		    s[i + 1] == '.' || s[i + 1] == '=')) {
			d = s[i + 1];
			for (i += 2; i + 1 < len && (s[i] != d ||
			    s[i + 1] != ']'); i++)
				;
			i += 2;
		} else
			i++;
	}
	return i;
}

/*
 * Refuses patterns that regcomp(3) would take very long over or overflow
 * the stack on (glibc recurses over its tree): too long, too deeply
 * nested, with bounds that copy too much, or with adjacent repetitions
 * ("a**", "a+?", which ERE leaves undefined); and back-references, which
 * ERE does not define either and which make matching exponential.
 * Returns a message, or NULL if the pattern may be compiled.  Also used
 * for the patterns of [field] declarations (form.c).
 */
const char *
csm_re_check(const char *s, size_t len)
{
	long size[RE_MAXDEPTH + 1], last = 1, c = 0, copies = 0;
	size_t i, depth = 0;
	int rep = 0;

	if (len > RE_MAXLEN)
		return "regular expression longer than 4096 bytes";
	size[0] = 0;
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '\\':
			if (i + 1 < len && s[i + 1] >= '1' && s[i + 1] <= '9')
				return "back-references are not supported";
			i++;
			break;
		case '[':
			i = re_bracket(s, len, i);
			break;
		case '(':
			if (++depth > RE_MAXDEPTH)
				return "regular expression nested too deeply";
			size[depth] = 0;
			rep = 0;
			continue;
		case ')':
			if (depth > 0) {
				size[depth - 1] += size[depth];
				last = size[depth--];
				rep = 0;
				continue;
			}
			break;
		case '{':
			if ((c = re_bound(s, len, &i)) == -1)
				return "repetition count above 255";
			if (c == -2) {
				c = 1;
				break;
			}
			/* FALLTHROUGH */
		case '*':
		case '+':
		case '?':
			if (rep)
				return "repetition of a repetition";
			rep = 1;
			/*
			 * glibc copies what a{n} repeats n times and what a+
			 * repeats twice (aa*); a loop adds a node.  What is
			 * repeated was counted once already.
			 */
			if (s[i] == '+')
				c = 2;
			if (s[i] == '*' || s[i] == '?') {
				size[depth] += 1;
				last += 1;
			} else if (c > 1) {
				copies += last * (c - 1);
				if (copies > RE_MAXCOPY)
					return "regular expression too large";
				size[depth] += last * (c - 1);
				last *= c;
			}
			continue;
		}
		rep = 0;
		last = 1;
		size[depth] += 1;
	}
	return NULL;
}

/* "~ string" after the value l (taken). */
static struct node *
parse_match(struct parser *p, struct node *l)
{
	struct node *n;
	const char *msg;
	char buf[128];
	int rc, flags = REG_EXTENDED | REG_NOSUB;

	if ((n = mk2(p, N_MATCH, l, NULL)) == NULL)
		return NULL;
	n->neg = p->tok.type == T_NMATCH;
	if (p->tok.type == T_IMATCH)
		flags |= REG_ICASE;
	if (next(p) == -1)
		goto fail;
	if (p->tok.type != T_STR) {
		expected(p, "a string");
		goto fail;
	}
	if ((msg = csm_re_check(p->tok.s, p->tok.slen)) != NULL) {
		fail(p, p->tok.pos, "%s", msg);
		goto fail;
	}
	if ((n->re = malloc(sizeof(*n->re))) == NULL) {
		nomem(p->err);
		goto fail;
	}
	if ((rc = regcomp(n->re, p->tok.s, flags)) != 0) {
		regerror(rc, n->re, buf, sizeof(buf));
		free(n->re);
		n->re = NULL;
		fail(p, p->tok.pos, "invalid regular expression: %s", buf);
		goto fail;
	}
	if (next(p) == -1)
		goto fail;
	return n;
fail:
	node_free(n);
	return NULL;
}

/* "exists field" or "exists (field)". */
static struct node *
parse_exists(struct parser *p)
{
	struct node *f;
	size_t open = 0;
	int paren;

	if (next(p) == -1)
		return NULL;
	if ((paren = p->tok.type == T_LPAREN) && next(p) == -1)
		return NULL;
	open = p->ppos;
	if (p->tok.type != T_IDENT) {
		expected(p, "a field name");
		return NULL;
	}
	if ((f = field(p)) == NULL)
		return NULL;
	if (paren && close_paren(p, open) == -1) {
		node_free(f);
		return NULL;
	}
	return mk2(p, N_EXISTS, f, NULL);
}

static struct node *
parse_pred(struct parser *p)
{
	struct node *l, *r;
	size_t open;
	int op;

	if (p->tok.type == T_LPAREN) {
		open = p->tok.pos;
		if (++p->depth > MAXDEPTH) {
			fail(p, open, "expression nested too deeply");
			return NULL;
		}
		if (next(p) == -1 || (l = parse_or(p)) == NULL)
			return NULL;
		if (close_paren(p, open) == -1) {
			node_free(l);
			return NULL;
		}
		p->depth--;
		return l;
	}
	if (p->tok.type == T_EXISTS)
		return parse_exists(p);
	if ((l = parse_sum(p)) == NULL)
		return NULL;
	switch (p->tok.type) {
	case T_EQ:
	case T_NE:
	case T_LT:
	case T_GT:
	case T_LE:
	case T_GE:
		op = p->tok.type - T_EQ + OP_EQ;
		if (next(p) == -1 || (r = parse_sum(p)) == NULL) {
			node_free(l);
			return NULL;
		}
		if ((l = mk2(p, N_CMP, l, r)) != NULL)
			l->op = op;
		return l;
	case T_IN:
		return parse_in(p, l, 0);
	case T_CONTAINS:
	case T_NOT:
		op = p->tok.type == T_NOT;
		if (op && next(p) == -1) {
			node_free(l);
			return NULL;
		}
		if (op && p->tok.type == T_IN)
			return parse_in(p, l, 1);
		if (p->tok.type != T_CONTAINS) {
			expected(p, "'in' or 'contains'");
			node_free(l);
			return NULL;
		}
		if (next(p) == -1 || (r = parse_sum(p)) == NULL) {
			node_free(l);
			return NULL;
		}
		if ((l = mk2(p, N_CONTAINS, l, r)) != NULL)
			l->neg = op;
		return l;
	case T_MATCH:
	case T_IMATCH:
	case T_NMATCH:
		return parse_match(p, l);
	case T_EXISTS:
		if (next(p) == -1) {
			node_free(l);
			return NULL;
		}
		return mk2(p, N_EXISTS, l, NULL);
	}
	return mk2(p, N_TRUTHY, l, NULL);
}

static struct node *
parse_not(struct parser *p)
{
	struct node *n;
	int nots = 0;

	while (p->tok.type == T_NOT) {
		nots ^= 1;
		if (next(p) == -1)
			return NULL;
	}
	if ((n = parse_pred(p)) == NULL || !nots)
		return n;
	return mk2(p, N_NOT, n, NULL);
}

/* sub ("sep" sub)*, as one node of kind when there are several. */
static struct node *
parse_chain(struct parser *p, int kind, int sep,
    struct node *(*sub)(struct parser *))
{
	struct node *n, *k;

	if ((k = sub(p)) == NULL || p->tok.type != sep)
		return k;
	if ((n = mk2(p, kind, k, NULL)) == NULL)
		return NULL;
	while (p->tok.type == sep) {
		if (next(p) == -1 || (k = sub(p)) == NULL) {
			node_free(n);
			return NULL;
		}
		if (addkid(p, n, k, 0) == -1) {
			node_free(k);
			node_free(n);
			return NULL;
		}
	}
	return n;
}

static struct node *
parse_and(struct parser *p)
{
	return parse_chain(p, N_AND, T_AND, parse_not);
}

static struct node *
parse_or(struct parser *p)
{
	return parse_chain(p, N_OR, T_OR, parse_and);
}

/*
 * Parses src (a NUL-terminated expression).  Returns a new expression for
 * csm_expr_free, or NULL with err: CSM_EDATA and err->col the 1-based byte
 * column of the problem for bad text, CSM_EINTERNAL when out of memory.
 * src is not kept.
 */
struct csm_expr *
csm_expr_parse(const char *src, struct csm_err *err)
{
	struct parser p;
	struct csm_expr *e;
	struct node *root = NULL;

	memset(&p, 0, sizeof(p));
	p.src = src != NULL ? src : "";
	p.err = err;
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		nomem(err);
		return NULL;
	}
	if (lex(&p) == -1)
		goto fail;
	if (p.tok.type == T_EOF) {
		fail(&p, 0, "empty expression");
		goto fail;
	}
	if ((root = parse_or(&p)) == NULL)
		goto fail;
	if (p.tok.type != T_EOF) {
		unexpected(&p);
		goto fail;
	}
	e->root = root;
	return e;
fail:
	free(p.tok.s);
	node_free(root);
	free(e);
	return NULL;
}

/* Frees e and everything it holds; NULL is a no-op. */
void
csm_expr_free(struct csm_expr *e)
{
	if (e == NULL)
		return;
	node_free(e->root);
	free(e);
}

/*
 * Evaluation.
 */

static void
release(struct val *v)
{
	json_decref(v->own);
	v->own = NULL;
}

/* v from a JSON value (borrowed: v holds no reference). */
static void
setjson(struct val *v, const json_t *j)
{
	memset(v, 0, sizeof(*v));
	switch (json_typeof(j)) {
	case JSON_STRING:
		v->t = V_STR;
		v->s = json_string_value(j);
		v->len = json_string_length(j);
		break;
	case JSON_INTEGER:
		v->t = V_NUM;
		v->isint = 1;
		v->i = json_integer_value(j);
		break;
	case JSON_REAL:
		v->t = V_NUM;
		v->d = json_real_value(j);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		v->t = V_BOOL;
		v->i = json_is_true(j);
		break;
	case JSON_ARRAY:
		v->t = V_ARR;
		v->j = j;
		break;
	case JSON_OBJECT:
		v->t = V_OBJ;
		v->j = j;
		break;
	default:
		v->t = V_NULL;
		break;
	}
}

/* The record's value at a (dotted) name: the key itself first, then the
 * path through nested objects.  NULL if missing. */
static const json_t *
find(const json_t *rec, const char *name, const char *path, size_t nseg)
{
	const json_t *j;
	size_t k;

	if (rec == NULL || !json_is_object(rec))
		return NULL;
	if ((j = json_object_get(rec, name)) != NULL || nseg < 2)
		return j;
	for (j = rec, k = 0; k < nseg; k++) {
		if (!json_is_object(j) ||
		    (j = json_object_get(j, path)) == NULL)
			return NULL;
		path += strlen(path) + 1;
	}
	return j;
}

static int
timeof(const struct ev *ev, const char *s, size_t len, int64_t *t)
{
	struct csm_err scratch;

	return csm_time_parse(s, len, ev->tz, t, &scratch) == 0;
}

/* Starts with four digits and '-', as a date does. */
static int
datelike(const struct val *v)
{
	return v->t == V_STR && v->len >= 10 && digits(v->s, 0, 4) &&
	    v->s[4] == '-';
}

static int
sub64(int64_t a, int64_t b, int64_t *r)
{
	if ((b < 0 && a > INT64_MAX + b) || (b > 0 && a < INT64_MIN + b))
		return 0;
	*r = a - b;
	return 1;
}

static int
add64(int64_t a, int64_t b, int64_t *r)
{
	if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
		return 0;
	*r = a + b;
	return 1;
}

/*
 * The value of a name: the lookup callback's (copied, since it is only
 * borrowed until the callback's next call), else the record's, else for
 * "age" the time since created_at, else null.
 */
static int
getfield(const struct ev *ev, const char *name, const char *path,
    size_t nseg, int age, struct val *v)
{
	const json_t *j;
	json_t *r, *c;
	struct val cr;
	int64_t t = 0;
	int ok;

	memset(v, 0, sizeof(*v));
	if (ev->lookup != NULL && (r = ev->lookup(ev->arg, name)) != NULL) {
		if ((c = json_deep_copy(r)) == NULL)
			return nomem(ev->err);
		setjson(v, c);
		v->own = c;
		return 0;
	}
	if ((j = find(ev->rec, name, path, nseg)) != NULL) {
		setjson(v, j);
		return 0;
	}
	if (!age)
		return 0;
	if (getfield(ev, "created_at", "created_at", 1, 0, &cr) == -1)
		return -1;
	ok = 0;
	if (cr.t == V_STR)
		ok = timeof(ev, cr.s, cr.len, &t);
	else if (cr.t == V_NUM && cr.isint) {
		t = cr.i;
		ok = 1;
	}
	if (ok && sub64(ev->now, t, &v->i))
		v->t = V_DUR;
	release(&cr);
	return 0;
}

/* A whole string as a number ("12", "-3.5", "1e3"); 1 if it is one. */
static int
strnum(const char *s, size_t len, struct val *v)
{
	char buf[128];
	size_t i = 0, d;

	memset(v, 0, sizeof(*v));
	v->isint = 1;
	if (i < len && s[i] == '-')
		i++;
	for (d = i; i < len && isdigit_((unsigned char)s[i]); i++)
		;
	if (i == d)
		return 0;
	if (i < len && s[i] == '.') {
		v->isint = 0;
		for (d = ++i; i < len && isdigit_((unsigned char)s[i]); i++)
			;
		if (i == d)
			return 0;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		v->isint = 0;
		if (++i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < len && isdigit_((unsigned char)s[i]); i++)
			;
		if (i == d)
			return 0;
	}
	if (i != len || len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	v->t = V_NUM;
	errno = 0;
	if (v->isint) {
		v->i = strtoll(buf, NULL, 10);
		if (errno == ERANGE)
			v->isint = 0;
	}
	if (!v->isint)
		v->d = strtod(buf, NULL);
	return 1;
}

/* A number as text: integers exactly, reals in the fewest digits that
 * read back as the same value. */
static const char *
numtext(const struct val *v, char *buf, size_t n)
{
	int prec;

	if (v->isint) {
		snprintf(buf, n, "%" PRId64, v->i);
		return buf;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v->d);
		if (strtod(buf, NULL) == v->d)
			return buf;
	}
	snprintf(buf, n, "%.17g", v->d);
	return buf;
}

static double
dbl(const struct val *v)
{
	return v->isint ? (double)v->i : v->d;
}

static int
numcmp(const struct val *a, const struct val *b)
{
	double x, y;

	if (a->isint && b->isint)
		return (a->i > b->i) - (a->i < b->i);
	x = dbl(a);
	y = dbl(b);
	return (x > y) - (x < y);
}

/* v as a number for comparing with a time: an instant in seconds. */
static int
astime(const struct ev *ev, const struct val *v, struct val *o)
{
	memset(o, 0, sizeof(*o));
	o->t = V_NUM;
	o->isint = 1;
	switch (v->t) {
	case V_TIME:
		o->i = v->i;
		return 1;
	case V_NUM:
		*o = *v;
		o->own = NULL;
		return 1;
	case V_STR:
		return timeof(ev, v->s, v->len, &o->i);
	}
	return 0;
}

/* v as a number for comparing with a duration: seconds. */
static int
asdur(const struct val *v, struct val *o)
{
	struct csm_err scratch;

	memset(o, 0, sizeof(*o));
	o->t = V_NUM;
	o->isint = 1;
	switch (v->t) {
	case V_DUR:
		o->i = v->i;
		return 1;
	case V_NUM:
		*o = *v;
		o->own = NULL;
		return 1;
	case V_STR:
		return csm_dur_parse(v->s, v->len, &o->i, &scratch) == 0;
	}
	return 0;
}

/*
 * Orders two values that are not null and not arrays to be searched:
 * sets *ord (<0, 0, >0) and returns 1, or returns 0 if they are not
 * comparable with op (only OP_EQ compares booleans and containers).
 */
static int
order(const struct ev *ev, int op, const struct val *a, const struct val *b,
    int *ord)
{
	struct val x, y;
	int64_t ta, tb;
	size_t n;
	int c;

	if (a->t == V_TIME || b->t == V_TIME) {
		if (!astime(ev, a, &x) || !astime(ev, b, &y))
			return 0;
		*ord = numcmp(&x, &y);
		return 1;
	}
	if (a->t == V_DUR || b->t == V_DUR) {
		if (!asdur(a, &x) || !asdur(b, &y))
			return 0;
		*ord = numcmp(&x, &y);
		return 1;
	}
	if (a->t == V_STR && b->t == V_STR) {
		if (a->len == b->len && memcmp(a->s, b->s, a->len) == 0) {
			*ord = 0;
			return 1;
		}
		if (datelike(a) && datelike(b) && timeof(ev, a->s, a->len,
		    &ta) && timeof(ev, b->s, b->len, &tb)) {
			*ord = (ta > tb) - (ta < tb);
			return 1;
		}
		n = a->len < b->len ? a->len : b->len;
		if ((c = memcmp(a->s, b->s, n)) == 0)
			c = (a->len > b->len) - (a->len < b->len);
		*ord = c;
		return 1;
	}
	if (a->t == V_NUM && b->t == V_NUM) {
		*ord = numcmp(a, b);
		return 1;
	}
	if (a->t == V_STR && b->t == V_NUM) {
		if (!strnum(a->s, a->len, &x))
			return 0;
		*ord = numcmp(&x, b);
		return 1;
	}
	if (a->t == V_NUM && b->t == V_STR) {
		if (!strnum(b->s, b->len, &y))
			return 0;
		*ord = numcmp(a, &y);
		return 1;
	}
	if (op != OP_EQ)
		return 0;
	if (a->t == V_BOOL && b->t == V_BOOL) {
		*ord = a->i != b->i;
		return 1;
	}
	if ((a->t == V_ARR || a->t == V_OBJ) && (b->t == V_ARR ||
	    b->t == V_OBJ)) {
		*ord = !json_equal(a->j, b->j);
		return 1;
	}
	return 0;
}

/*
 * a op b for op other than OP_NE.  null equals only null and orders with
 * nothing; an array (at the top, not inside another) is true if any of
 * its elements is.  flags: 1 and 2 when a and b are already elements.
 */
static int
test(const struct ev *ev, int op, const struct val *a, const struct val *b,
    int flags)
{
	struct val x;
	size_t k;
	int ord;

	if (a->t == V_NULL || b->t == V_NULL)
		return op == OP_EQ && a->t == b->t;
	if (a->t == V_ARR && !(flags & 1)) {
		for (k = 0; k < json_array_size(a->j); k++) {
			setjson(&x, json_array_get(a->j, k));
			if (test(ev, op, &x, b, flags | 1))
				return 1;
		}
		return 0;
	}
	if (b->t == V_ARR && !(flags & 2)) {
		for (k = 0; k < json_array_size(b->j); k++) {
			setjson(&x, json_array_get(b->j, k));
			if (test(ev, op, a, &x, flags | 2))
				return 1;
		}
		return 0;
	}
	if (!order(ev, op, a, b, &ord))
		return 0;
	switch (op) {
	case OP_EQ:
		return ord == 0;
	case OP_LT:
		return ord < 0;
	case OP_GT:
		return ord > 0;
	case OP_LE:
		return ord <= 0;
	case OP_GE:
		return ord >= 0;
	}
	return 0;
}

/* An operand of + or -: strings become times, numbers or durations. */
static void
arith_arg(const struct ev *ev, const struct val *v, struct val *o)
{
	struct csm_err scratch;

	*o = *v;
	o->own = NULL;
	if (v->t != V_STR)
		return;
	memset(o, 0, sizeof(*o));
	if (datelike(v) && timeof(ev, v->s, v->len, &o->i))
		o->t = V_TIME;
	else if (strnum(v->s, v->len, o))
		o->t = V_NUM;
	else if (csm_dur_parse(v->s, v->len, &o->i, &scratch) == 0)
		o->t = V_DUR;
	else
		o->t = V_NULL;
}

/*
 * a op b into r (op '+' or '-'): time ± duration is a time, time - time
 * a duration, duration ± duration a duration, number ± number a number;
 * anything else, or an overflow, is null.
 */
static void
arith(const struct ev *ev, char op, const struct val *a, const struct val *b,
    struct val *r)
{
	struct val x, y;
	int64_t i;
	int ok;

	arith_arg(ev, a, &x);
	arith_arg(ev, b, &y);
	memset(r, 0, sizeof(*r));
	if (x.t == V_NUM && y.t == V_NUM) {
		r->t = V_NUM;
		r->isint = x.isint && y.isint && (op == '+' ?
		    add64(x.i, y.i, &r->i) : sub64(x.i, y.i, &r->i));
		if (!r->isint)
			r->d = op == '+' ? dbl(&x) + dbl(&y) :
			    dbl(&x) - dbl(&y);
		return;
	}
	if ((x.t == V_TIME && y.t == V_DUR) || (x.t == V_DUR &&
	    y.t == V_DUR)) {
		r->t = x.t;
	} else if (x.t == V_DUR && y.t == V_TIME && op == '+') {
		r->t = V_TIME;
	} else if (x.t == V_TIME && y.t == V_TIME && op == '-') {
		r->t = V_DUR;
	} else
		return;
	ok = op == '+' ? add64(x.i, y.i, &i) : sub64(x.i, y.i, &i);
	if (ok)
		r->i = i;
	else
		r->t = V_NULL;
}

/* The value of an operand node into v; -1 only when out of memory. */
static int
value(const struct ev *ev, const struct node *n, struct val *v)
{
	struct val b, r;
	size_t k;

	memset(v, 0, sizeof(*v));
	switch (n->kind) {
	case N_FIELD:
		return getfield(ev, n->s, n->path, n->nseg, n->age, v);
	case N_STR:
		v->t = V_STR;
		v->s = n->s;
		v->len = n->len;
		break;
	case N_NUM:
		v->t = V_NUM;
		v->isint = n->isint;
		v->i = n->i;
		v->d = n->d;
		break;
	case N_DUR:
		v->t = V_DUR;
		v->i = n->i;
		break;
	case N_TIME:
		v->t = V_TIME;
		v->i = n->i;
		if (!n->fixed && !timeof(ev, n->s, n->len, &v->i))
			v->t = V_NULL;
		break;
	case N_BOOL:
		v->t = V_BOOL;
		v->i = n->i;
		break;
	case N_NOW:
		v->t = V_TIME;
		v->i = ev->now;
		break;
	case N_SUM:
		if (value(ev, n->kid[0], v) == -1)
			return -1;
		for (k = 1; k < n->nkid; k++) {
			if (value(ev, n->kid[k], &b) == -1) {
				release(v);
				return -1;
			}
			arith(ev, n->ops[k], v, &b, &r);
			release(v);
			release(&b);
			*v = r;
		}
		break;
	default:
		break;
	}
	return 0;
}

/* Truthiness of a bare operand: true, a non-zero number or duration, a
 * non-empty string, array or object, any time. */
static int
truthy(const struct val *v)
{
	switch (v->t) {
	case V_BOOL:
	case V_DUR:
		return v->i != 0;
	case V_NUM:
		return v->isint ? v->i != 0 : v->d != 0;
	case V_STR:
		return v->len > 0;
	case V_ARR:
		return json_array_size(v->j) > 0;
	case V_OBJ:
		return json_object_size(v->j) > 0;
	case V_TIME:
		return 1;
	}
	return 0;
}

/* Does h (hl bytes) hold n (nl bytes)? */
static int
memfind(const char *h, size_t hl, const char *n, size_t nl)
{
	const char *p, *last;

	if (nl == 0)
		return 1;
	if (nl > hl)
		return 0;
	last = h + (hl - nl);
	for (p = h; p <= last; p++) {
		if ((p = memchr(p, n[0], (size_t)(last - p) + 1)) == NULL)
			return 0;
		if (memcmp(p, n, nl) == 0)
			return 1;
	}
	return 0;
}

/* a contains b: an element of array a equals b, or string b (or number b
 * as text) is a substring of string a. */
static int
contains(const struct ev *ev, const struct val *a, const struct val *b)
{
	struct val x;
	char buf[40];
	const char *s;
	size_t k;

	if (a->t == V_ARR) {
		for (k = 0; k < json_array_size(a->j); k++) {
			setjson(&x, json_array_get(a->j, k));
			if (test(ev, OP_EQ, &x, b, 1))
				return 1;
		}
		return 0;
	}
	if (a->t != V_STR)
		return 0;
	if (b->t == V_STR)
		return memfind(a->s, a->len, b->s, b->len);
	if (b->t == V_NUM) {
		s = numtext(b, buf, sizeof(buf));
		return memfind(a->s, a->len, s, strlen(s));
	}
	return 0;
}

/* Does v match re: a string, a number as its text, or any element of an
 * array (top only)?  Matching stops at a NUL inside a string. */
static int
match(const regex_t *re, const struct val *v, int top)
{
	struct val x;
	char buf[40];
	size_t k;

	switch (v->t) {
	case V_STR:
		return regexec(re, v->s, 0, NULL, 0) == 0;
	case V_NUM:
		return regexec(re, numtext(v, buf, sizeof(buf)), 0, NULL,
		    0) == 0;
	case V_ARR:
		if (!top)
			return 0;
		for (k = 0; k < json_array_size(v->j); k++) {
			setjson(&x, json_array_get(v->j, k));
			if (match(re, &x, 0))
				return 1;
		}
		return 0;
	}
	return 0;
}

/* A predicate: 1, 0, or -1 when out of memory. */
static int
eval(const struct ev *ev, const struct node *n)
{
	struct val a, b;
	size_t k;
	int r = 0;

	switch (n->kind) {
	case N_OR:
		for (k = 0; k < n->nkid; k++)
			if ((r = eval(ev, n->kid[k])) != 0)
				return r;
		return 0;
	case N_AND:
		for (k = 0; k < n->nkid; k++)
			if ((r = eval(ev, n->kid[k])) != 1)
				return r;
		return 1;
	case N_NOT:
		r = eval(ev, n->kid[0]);
		return r == -1 ? -1 : !r;
	}
	if (value(ev, n->kid[0], &a) == -1)
		return -1;
	switch (n->kind) {
	case N_TRUTHY:
		r = truthy(&a);
		break;
	case N_EXISTS:
		r = a.t != V_NULL;
		break;
	case N_MATCH:
		r = match(n->re, &a, 1) ^ n->neg;
		break;
	case N_CMP:
	case N_CONTAINS:
		if (value(ev, n->kid[1], &b) == -1) {
			release(&a);
			return -1;
		}
		if (n->kind == N_CONTAINS)
			r = contains(ev, &a, &b) ^ n->neg;
		else if (n->op == OP_NE)
			r = !test(ev, OP_EQ, &a, &b, 0);
		else
			r = test(ev, n->op, &a, &b, 0);
		release(&b);
		break;
	case N_IN:
		for (k = 1; k < n->nkid && !r; k++) {
			if (value(ev, n->kid[k], &b) == -1) {
				release(&a);
				return -1;
			}
			r = test(ev, OP_EQ, &a, &b, 0);
			release(&b);
		}
		r ^= n->neg;
		break;
	}
	release(&a);
	return r;
}

/*
 * Evaluates e against rec (a JSON object, borrowed; NULL acts as an empty
 * one).  ctx may be NULL: times without an offset are then read in UTC
 * and now is the epoch.  Returns 1 or 0, or -1 with err (CSM_EINTERNAL)
 * when out of memory; bad data only makes comparisons false.  Changes
 * nothing in e, so threads may share it.
 */
int
csm_expr_eval(const struct csm_expr *e, const json_t *rec,
    const struct csm_expr_ctx *ctx, struct csm_err *err)
{
	struct ev ev;

	if (e == NULL || e->root == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "no expression");
	memset(&ev, 0, sizeof(ev));
	ev.rec = rec;
	ev.err = err;
	if (ctx != NULL) {
		ev.tz = ctx->tz;
		ev.now = ctx->now;
		ev.lookup = ctx->lookup;
		ev.arg = ctx->arg;
	}
	return eval(&ev, e->root);
}
