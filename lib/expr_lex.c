/*
 * expr_lex.c - the lexer of the expression language (expr.c has the
 * grammar): tokens, the literals they carry, and error messages with
 * their columns, counted in characters.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

/*
 * Lexer.
 */

/* An ASCII digit, in every locale. */
int
expr_isdigit(int c)
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
	return isident0(c) || expr_isdigit(c) || c == '.';
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

/*
 * The 1-based column of byte offset pos of the source, in characters:
 * bytes that do not continue a UTF-8 sequence ("城市 = " ends at column
 * 6, not 10).
 */
size_t
expr_col(const struct parser *p, size_t pos)
{
	size_t i, col = 1;

	for (i = 0; i < pos && p->src[i] != '\0'; i++)
		if (((unsigned char)p->src[i] & 0xc0) != 0x80)
			col++;
	return col;
}

/* Sets a data error at byte offset pos of the source; returns -1. */
int
expr_fail(struct parser *p, size_t pos, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	csm_err_set(p->err, CSM_EDATA, "%s", buf);
	if (p->err != NULL) {
		p->err->line = 0;
		p->err->col = (long)expr_col(p, pos);
	}
	return -1;
}

/* Sets an out-of-memory error; returns -1. */
int
expr_nomem(struct csm_err *err)
{
	csm_err_set(err, CSM_EINTERNAL, "out of memory");
	if (err != NULL) {
		err->line = 0;
		err->col = 0;
	}
	return -1;
}

/* "expected X after <previous token>", at the current token. */
int
expr_expected(struct parser *p, const char *what)
{
	char b1[160];

	if (!p->hasprev)
		return expr_fail(p, p->tok.pos, "unexpected %s", describe(p,
		    p->tok.type, p->tok.pos, p->tok.len, b1, sizeof(b1)));
	return expr_fail(p, p->tok.pos, "expected %s after %s", what,
	    describe(p, p->ptype, p->ppos, p->plen, b1, sizeof(b1)));
}

/* "unexpected <current token>". */
int
expr_unexpected(struct parser *p)
{
	char b1[160];

	return expr_fail(p, p->tok.pos, "unexpected %s", describe(p,
	    p->tok.type, p->tok.pos, p->tok.len, b1, sizeof(b1)));
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
		if (!expr_isdigit((unsigned char)s[i + k]))
			return 0;
	return 1;
}

/*
 * An unquoted time: YYYY-MM-DD, optionally followed by T, hh:mm, :ss,
 * a fraction and Z or an offset (+hh:mm, +hhmm, +hh).  With an offset it
 * is parsed now; without one the text is checked (in UTC) and kept, to be
 * read in the caller's zone at evaluation.
 *
 * A sign and a digit right after a time are a bad offset, not "+" or
 * "-": "2026-11-20T09:30+8" is a typo for +08, and read as the time plus
 * the number 8 it would be a failed computation that matches nothing.
 */
static int
lex_time(struct parser *p, size_t start)
{
	const char *s = p->src;
	struct tok *t = &p->tok;
	struct csm_err scratch;
	size_t i = start + 10, k;
	char b1[160];

	if ((s[i] == 'T' || s[i] == 't') &&
	    expr_isdigit((unsigned char)s[i + 1])) {
		if (!digits(s, i + 1, 2) || s[i + 3] != ':' ||
		    !digits(s, i + 4, 2))
			goto bad;
		i += 6;
		if (s[i] == ':' && digits(s, i + 1, 2)) {
			i += 3;
			if (s[i] == '.' &&
			    expr_isdigit((unsigned char)s[i + 1]))
				for (i++; expr_isdigit((unsigned char)s[i]);
				    i++)
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
			if (expr_isdigit((unsigned char)s[i]))
				goto bad;
		}
	}
	if ((s[i] == '+' || s[i] == '-') &&
	    expr_isdigit((unsigned char)s[i + 1]))
		goto offset;
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
		return expr_nomem(p->err);
	memcpy(t->s, s + start, i - start);
	t->s[i - start] = '\0';
	t->slen = i - start;
	return 0;
offset:
	k = runend(s, i);
	return expr_fail(p, start, "invalid time %s (an offset is +08, +0800 "
	    "or +08:00; put spaces around '%c' to %s)",
	    excerpt(s + start, k - start, b1, sizeof(b1)), s[i],
	    s[i] == '+' ? "add" : "subtract");
bad:
	i = runend(s, i);
	return expr_fail(p, start, "invalid time %s",
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

/* The end of a number at s[i] ("12", "1.5"), or i if there is none. */
static size_t
numend(const char *s, size_t i)
{
	size_t k = i;

	while (expr_isdigit((unsigned char)s[k]))
		k++;
	if (k > i && s[k] == '.' && expr_isdigit((unsigned char)s[k + 1]))
		for (k++; expr_isdigit((unsigned char)s[k]); k++)
			;
	return k;
}

/*
 * A duration: number-unit pairs ("90s", "1h30m", "1.5h"), written
 * together or apart ("1d 2h", as csm(7) writes it: two operands side by
 * side mean nothing else), read by csm_dur_parse so that literals and data
 * agree (units in decreasing order, fractions cut to whole seconds).
 */
static int
lex_dur(struct parser *p, size_t start, int neg)
{
	const char *s = p->src;
	struct tok *t = &p->tok;
	struct csm_err scratch;
	size_t i = start, k, e;
	char b1[160];

	for (;;) {
		i = numend(s, i);
		if (unit((unsigned char)s[i]) == 0)
			goto bad;
		i++;
		if (expr_isdigit((unsigned char)s[i]))
			continue;
		/* Spaces, then another number and unit: the same duration. */
		for (k = i; s[k] == ' ' || s[k] == '\t'; k++)
			;
		e = numend(s, k);
		if (k == i || e == k || unit((unsigned char)s[e]) == 0)
			break;
		i = k;
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
	return expr_fail(p, t->pos, "invalid duration %s",
	    excerpt(s + t->pos, i - t->pos, b1, sizeof(b1)));
}

/*
 * A number, duration or time starting with the digit at start; neg when
 * a '-' just before it belongs to it.  Numbers are read by csm_num_read,
 * as strings in the data are.
 */
int
expr_lex_num(struct parser *p, size_t start, int neg)
{
	const char *s = p->src;
	struct tok *t = &p->tok;
	struct csm_num n;
	const char *why;
	size_t i;
	char b1[160];

	t->pos = neg ? start - 1 : start;
	if (digits(s, start, 4) && s[start + 4] == '-' &&
	    digits(s, start + 5, 2) && s[start + 7] == '-' &&
	    digits(s, start + 8, 2)) {
		if (neg)
			return expr_fail(p, start,
			    "expected a number after '-'");
		return lex_time(p, start);
	}
	i = numend(s, start);
	if (unit((unsigned char)s[i]) != 0)
		return lex_dur(p, start, neg);
	if (isident((unsigned char)s[i])) {
		i = runend(s, i);
		return expr_fail(p, t->pos, "invalid number %s",
		    excerpt(s + t->pos, i - t->pos, b1, sizeof(b1)));
	}
	if (csm_num_read(s + t->pos, i - t->pos, &n, &why) == -1) {
		if (strcmp(why, "out of memory") == 0)
			return expr_nomem(p->err);
		return expr_fail(p, t->pos, "invalid number %s: %s",
		    excerpt(s + t->pos, i - t->pos, b1, sizeof(b1)), why);
	}
	t->isint = n.isint;
	t->i = n.i;
	t->d = n.d;
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
		if (expr_isdigit(c))
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
			return expr_fail(p, at, "invalid \\u escape");
		*i += 6;
		if (cp == 0)
			return expr_fail(p, at,
			    "\\u0000 is not allowed in a string");
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return expr_fail(p, at,
			    "unpaired surrogate in \\u escape");
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (s[at + 6] != '\\' || s[at + 7] != 'u' ||
			    hex4(s + at + 8, &lo) == -1 || lo < 0xdc00 ||
			    lo > 0xdfff)
				return expr_fail(p, at,
				    "unpaired surrogate in \\u escape");
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			*i += 6;
		}
		return (int)utf8put(o, cp);
	default:
		if (s[at + 1] > 0x20 && s[at + 1] < 0x7f)
			return expr_fail(p, at, "unknown escape '\\%c'",
			    s[at + 1]);
		return expr_fail(p, at, "unknown escape in string");
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
		return expr_fail(p, start, "unterminated string");
	/* Escapes never grow: \uXXXX (6) is at most 3 bytes, a pair 4. */
	if ((buf = malloc(end - start)) == NULL)
		return expr_nomem(p->err);
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
				return expr_fail(p, i,
				    "invalid UTF-8 in string");
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
			return expr_fail(p, k, "invalid UTF-8 in field name");
		k += n;
	}
	t->len = i - start;
	p->pos = i;
	if ((t->type = keyword(s + start, t->len)) != T_IDENT)
		return 0;
	if (s[i - 1] == '.')
		return expr_fail(p, start, "invalid field name %s",
		    excerpt(s + start, t->len, b1, sizeof(b1)));
	for (k = start; k + 1 < i; k++)
		if (s[k] == '.' && s[k + 1] == '.')
			return expr_fail(p, start, "invalid field name %s",
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
	return expr_fail(p, p->pos, "unknown operator %s%s",
	    excerpt(s, run, b1, sizeof(b1)), hint);
}

/* Reads the next token into p->tok; 0, or -1 with the error set. */
int
expr_lex(struct parser *p)
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
	if (expr_isdigit(c))
		return expr_lex_num(p, p->pos, 0);
	if (isident0(c))
		return lex_ident(p);
	if (isopchar(c) || c == '+' || c == '-')
		return lex_op(p);
	return expr_fail(p, p->pos, "unexpected character %s",
	    excerpt(s + p->pos, 1, b1, sizeof(b1)));
}

/* Moves to the next token, remembering the current one for messages. */
int
expr_next(struct parser *p)
{
	p->hasprev = 1;
	p->ptype = p->tok.type;
	p->ppos = p->tok.pos;
	p->plen = p->tok.len;
	return expr_lex(p);
}
