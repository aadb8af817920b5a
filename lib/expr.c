/*
 * expr.c - the filter language of `when =` and `--where` (csm(7)): its
 * grammar, the parser and the tree.  expr.h lists the other files.
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
 * nest the tree, and they are limited to EXPR_MAXDEPTH levels: the parser
 * and the evaluator never recurse deeper than a few times that.  Error
 * columns count characters, not bytes.
 *
 * Operands: field names (UTF-8 allowed; "a.b" is the key "a.b" if the
 * record has it, else b inside object a); strings in '...' or "..." with
 * the escapes \" \' \\ \/ \b \f \n \r \t \uXXXX (no \u0000, valid UTF-8
 * only); numbers (decimal, read by csm_num_read); durations (90s 45m 2h 3d
 * 1w 1h30m 1.5h "1d 2h", any case); times (2026-11-20,
 * 2026-11-20T09:30[:00][.f][Z|+08:00|+0800|+08]; a sign and a digit
 * right after a time are a bad offset, "2026-11-20T09:30+8" an error);
 * true, false, null, now.  "-" before a number or duration is its sign.
 *
 * Values while evaluating: the JSON values of the record (a missing field
 * is null), strings, numbers, durations (seconds), times (instants), and
 * failed computations.  "age", unless the record has it, is now -
 * created_at, never below 0.  Evaluation never fails on data: what cannot
 * be compared compares false.
 *
 *  - A failed computation ("+" or "-" that has no meaning or overflows,
 *    an age whose created_at is not a time) compares false with
 *    everything, under every operator: =, !=, in, not in, contains, not
 *    contains, ~, !~, exists, and as a bare operand.
 *  - A time on either side makes the other a time: strings are parsed in
 *    ctx->tz, numbers are epoch seconds.  Else a duration makes the other
 *    a duration: numbers are seconds, strings are parsed ("2h", "7200").
 *  - Two strings that both start "YYYY-" and both parse as times compare
 *    as instants; other strings compare by bytes.
 *  - A string and a number compare as numbers if the whole string is one
 *    (csm_num_read: decimal, no spaces), else they are neither equal nor
 *    ordered.
 *  - null (a missing field, JSON null) equals the literal null and
 *    nothing else, so two missing fields are not equal; it orders with
 *    nothing.  "!=" is the negation of "=" but for failed computations.
 *    Booleans, arrays and objects only compare for equality.
 *  - An array on either side of a comparison (not one inside an array)
 *    is true if any element is; "contains" looks for an element equal to
 *    the operand, or a substring of a string; "in" is "=" with any item.
 *  - "~", "~*" (ignoring case) and "!~" (not "~") match PCRE2 patterns in
 *    UTF mode (re.c) against strings, numbers written in plain decimal
 *    and the elements of arrays; anything else does not match.  A match
 *    stopped at its limit makes "~" and "!~" alike false and calls
 *    ctx->warn.
 *  - A bare operand is true if it is true, a non-zero number or
 *    duration, a non-empty string, array or object, or a time.
 *  - "+" and "-": time +- duration is a time, time - time and duration
 *    +- duration a duration, number +- number a number; a number next to
 *    a time is an epoch time (time - number and number - time are
 *    durations), a number +- a duration is a number of seconds (an epoch
 *    time or a duration, as what it is compared with says); strings
 *    become times, numbers or durations as they parse.  Anything else,
 *    time + number included, fails.
 */
#include <stdlib.h>
#include <string.h>

#include "expr.h"

static struct node *parse_or(struct parser *);

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
	csm_re_free(n->re);
	free(n);
}

static struct node *
mknode(struct parser *p, int kind)
{
	struct node *n;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		expr_nomem(p->err);
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
			return expr_nomem(p->err);
		n->kid = kid;
		if (n->kind == N_SUM) {
			if ((ops = realloc(n->ops, cap)) == NULL)
				return expr_nomem(p->err);
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
		expr_nomem(p->err);
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
	if (expr_next(p) == -1) {
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
		if (!expr_isdigit((unsigned char)p->src[t->pos + 1])) {
			expr_fail(p, t->pos + 1, "expected a number after '-'");
			return NULL;
		}
		if (expr_lex_num(p, t->pos + 1, 1) == -1)
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
		expr_expected(p, "a value");
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
	if (expr_next(p) == -1) {
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
		if (expr_next(p) == -1 || (k = parse_operand(p)) == NULL) {
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
		return expr_fail(p, p->tok.pos, "expected ')' to close '(' at "
		    "column %zu", expr_col(p, open));
	return expr_next(p);
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
	if (expr_next(p) == -1)
		goto fail;
	if (p->tok.type != T_LPAREN) {
		expr_expected(p, "'('");
		goto fail;
	}
	open = p->tok.pos;
	if (expr_next(p) == -1)
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
		if (expr_next(p) == -1)
			goto fail;
	}
	if (close_paren(p, open) == -1)
		goto fail;
	return n;
fail:
	node_free(n);
	return NULL;
}

/* "~ string" after the value l (taken): the pattern is compiled now. */
static struct node *
parse_match(struct parser *p, struct node *l)
{
	struct node *n;

	if ((n = mk2(p, N_MATCH, l, NULL)) == NULL)
		return NULL;
	n->neg = p->tok.type == T_NMATCH;
	if (expr_next(p) == -1)
		goto fail;
	if (p->tok.type != T_STR) {
		expr_expected(p, "a string");
		goto fail;
	}
	n->re = csm_re_new(p->tok.s, p->tok.slen, p->ptype == T_IMATCH ?
	    CSM_RE_ICASE : 0, p->err);
	if (n->re == NULL) {
		if (p->err == NULL || p->err->code == CSM_EDATA)
			expr_fail(p, p->tok.pos, "invalid regular "
			    "expression%s%s", p->err != NULL ? ": " : "",
			    p->err != NULL ? p->err->msg : "");
		else
			expr_nomem(p->err);
		goto fail;
	}
	if (expr_next(p) == -1)
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

	if (expr_next(p) == -1)
		return NULL;
	if ((paren = p->tok.type == T_LPAREN) && expr_next(p) == -1)
		return NULL;
	open = p->ppos;
	if (p->tok.type != T_IDENT) {
		expr_expected(p, "a field name");
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

static struct node *parse_pred1(struct parser *p);

/* A predicate, which remembers its text for csm_expr_explain. */
static struct node *
parse_pred(struct parser *p)
{
	size_t start = p->tok.pos;
	int paren = p->tok.type == T_LPAREN;
	struct node *n = parse_pred1(p);

	if (n != NULL && !paren && p->ppos + p->plen >= start) {
		n->src = start;
		n->srclen = p->ppos + p->plen - start;
	}
	return n;
}

static struct node *
parse_pred1(struct parser *p)
{
	struct node *l, *r;
	size_t open;
	int op;

	if (p->tok.type == T_LPAREN) {
		open = p->tok.pos;
		if (++p->depth > EXPR_MAXDEPTH) {
			expr_fail(p, open, "expression nested too deeply");
			return NULL;
		}
		if (expr_next(p) == -1 || (l = parse_or(p)) == NULL)
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
		if (expr_next(p) == -1 || (r = parse_sum(p)) == NULL) {
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
		if (op && expr_next(p) == -1) {
			node_free(l);
			return NULL;
		}
		if (op && p->tok.type == T_IN)
			return parse_in(p, l, 1);
		if (p->tok.type != T_CONTAINS) {
			expr_expected(p, "'in' or 'contains'");
			node_free(l);
			return NULL;
		}
		if (expr_next(p) == -1 || (r = parse_sum(p)) == NULL) {
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
		if (expr_next(p) == -1) {
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
		if (expr_next(p) == -1)
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
	/*
	 * clang-analyzer (14) loses the children of n in the array addkid
	 * reallocates, and reports them leaked when n is freed or returned.
	 */
	while (p->tok.type == sep) {
		if (expr_next(p) == -1 || (k = sub(p)) == NULL) {
			/* NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
			node_free(n);
			return NULL;
		}
		if (addkid(p, n, k, 0) == -1) {
			node_free(k);
			node_free(n);
			return NULL;
		}
	}
	/* NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
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
 * A copy of src is kept, to explain what was false (csm_expr_explain).
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
		expr_nomem(err);
		return NULL;
	}
	if (expr_lex(&p) == -1)
		goto fail;
	if (p.tok.type == T_EOF) {
		expr_fail(&p, 0, "empty expression");
		goto fail;
	}
	if ((root = parse_or(&p)) == NULL)
		goto fail;
	if (p.tok.type != T_EOF) {
		expr_unexpected(&p);
		goto fail;
	}
	e->root = root;
	if ((e->src = strdup(p.src)) == NULL) {
		expr_nomem(err);
		goto fail;
	}
	return e;
fail:
	free(p.tok.s);
	node_free(root);
	e->root = NULL;
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
	free(e->src);
	free(e);
}

/*
 * A literal of the language as a JSON value (see csm.h): the value of an
 * action's "FIELD = VALUE".  New, or NULL with err.
 */
json_t *
csm_value_parse(const char *src, const struct csm_tz *tz,
    struct csm_err *err)
{
	struct csm_expr *e = csm_expr_parse(src, err);
	const struct node *n;
	json_t *v = NULL;
	char buf[40];
	int64_t t;

	n = e != NULL ? e->root : NULL;
	/* A lone operand is parsed as "is it true?". */
	if (n != NULL && n->kind == N_TRUTHY && n->nkid == 1)
		n = n->kid[0];
	/* A word without spaces or quotes that is no literal ("seen-once",
	 * "一线-二组") is a string as written. */
	if (src[0] != '\0' && strpbrk(src, " \t\"'") == NULL &&
	    (n == NULL || n->kind < N_FIELD)) {
		csm_expr_free(e);
		csm_err_clear(err);
		return json_string(src);
	}
	if (e == NULL)
		return NULL;
	switch (n->kind) {
	case N_FIELD:
		/* A bare word is a string: priority = urgent. */
		v = json_stringn(n->s, n->len);
		break;
	case N_STR:
		v = json_stringn(n->s, n->len);
		break;
	case N_NUM:
		v = n->isint ? json_integer(n->i) : json_real(n->d);
		break;
	case N_DUR:
		v = json_stringn(buf, csm_dur_format(n->i, buf));
		break;
	case N_TIME:
		t = n->i;
		if (!n->fixed && csm_time_parse(n->s, n->len, tz, &t,
		    err) < 0)
			break;
		v = json_stringn(buf, csm_time_format(t, tz, buf));
		break;
	case N_BOOL:
		v = json_boolean(n->i);
		break;
	case N_NULL:
		v = json_null();
		break;
	default:
		csm_err_set(err, CSM_EDATA, "expected a value (a quoted "
		    "string, a number, a duration, a time or a word), not an "
		    "expression");
		if (err != NULL)
			err->col = 1;
		csm_expr_free(e);
		return NULL;
	}
	csm_expr_free(e);
	if (v == NULL && (err == NULL || err->code == CSM_OK))
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
	return v;
}

/*
 * Whether e can only be true when field equals a string: e is, or is an
 * "and" with a part that is, FIELD = "text" (or "text" = FIELD) on a field
 * of the record itself (not customer., message. or survey.).  1 and
 * *field, *value (borrowed from e), or 0.
 */
int
csm_expr_needs_equal(const struct csm_expr *e, const char **field,
    const char **value)
{
	const struct node *n = e->root, *c, *f, *v;
	size_t k, nk = n->kind == N_AND ? n->nkid : 1;
	struct csm_num num;

	for (k = 0; k < nk; k++) {
		c = n->kind == N_AND ? n->kid[k] : n;
		if (c->kind != N_CMP || c->op != OP_EQ || c->nkid != 2)
			continue;
		f = c->kid[0];
		v = c->kid[1];
		if (f->kind == N_STR && v->kind == N_FIELD) {
			f = c->kid[1];
			v = c->kid[0];
		}
		/* Not a time ("YYYY-..." strings compare as instants) nor
		 * a number (a string that is one equals the number). */
		if (f->kind != N_FIELD || v->kind != N_STR ||
		    strchr(f->s, '.') != NULL || f->age ||
		    memchr(v->s, '\0', v->len) != NULL || v->len == 0 ||
		    (v->len >= 5 && expr_isdigit((unsigned char)v->s[0]) &&
		    v->s[4] == '-') || csm_num_read(v->s, v->len, &num,
		    NULL) == 0)
			continue;
		*field = f->s;
		*value = v->s;
		return 1;
	}
	return 0;
}

static int
names_of(const struct node *n, int (*fn)(void *, const char *), void *arg)
{
	size_t k;
	int rc;

	if (n->kind == N_FIELD && !n->age)
		return fn(arg, n->s);
	for (k = 0; k < n->nkid; k++)
		if ((rc = names_of(n->kid[k], fn, arg)) != 0)
			return rc;
	return 0;
}

/* The field names e reads (internal.h). */
int
csm_expr_names(const struct csm_expr *e,
    int (*fn)(void *arg, const char *name), void *arg)
{
	return names_of(e->root, fn, arg);
}
