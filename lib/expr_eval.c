/*
 * expr_eval.c - evaluating a parsed expression against a record: the
 * predicates (and, or, not, comparisons, in, contains, ~, exists) over
 * the values of expr_val.c, and csm_expr_eval.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

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
 * in plain decimal) is a substring of string a. */
static int
contains(const struct ev *ev, const struct val *a, const struct val *b)
{
	struct val x;
	char buf[CSM_NUM_TEXT];
	const char *s;
	size_t k;

	if (a->t == V_ARR) {
		for (k = 0; k < json_array_size(a->j); k++) {
			expr_setjson(&x, json_array_get(a->j, k));
			if (expr_test(ev, OP_EQ, &x, b, 1))
				return 1;
		}
		return 0;
	}
	if (a->t != V_STR)
		return 0;
	if (b->t == V_STR)
		return memfind(a->s, a->len, b->s, b->len);
	if (b->t == V_NUM) {
		s = expr_numtext(b, buf);
		return memfind(a->s, a->len, s, strlen(s));
	}
	return 0;
}

/* Tells ctx->warn that a match of re was stopped at its limit. */
static void
limited(const struct ev *ev, const struct csm_re *re)
{
	char esc[96], msg[192];
	const char *pat = csm_re_pattern(re);

	if (ev->warn == NULL)
		return;
	csm_escape(pat, strlen(pat), esc, sizeof(esc));
	snprintf(msg, sizeof(msg), "regular expression '%s' stopped at its "
	    "limit; the value counts as not matching", esc);
	ev->warn(ev->warnarg, msg);
}

/*
 * Does v match re: a string, a number as its plain decimal text, or any
 * element of an array (top only)?  1, 0, CSM_RE_LIMIT when a match was
 * stopped (and none matched), -2 when out of memory.
 */
static int
match(struct ev *ev, const struct csm_re *re, const struct val *v, int top)
{
	struct val x;
	char buf[CSM_NUM_TEXT];
	size_t k;
	int r, any = 0;

	if (v->t != V_STR && v->t != V_NUM && (v->t != V_ARR || !top))
		return 0;
	if (ev->md == NULL && (ev->md = csm_re_md_new()) == NULL)
		return -2;
	switch (v->t) {
	case V_STR:
		return csm_re_match(re, ev->md, v->s, v->len, 0);
	case V_NUM:
		expr_numtext(v, buf);
		return csm_re_match(re, ev->md, buf, strlen(buf),
		    CSM_RE_ASCII);
	}
	for (k = 0; k < json_array_size(v->j); k++) {
		expr_setjson(&x, json_array_get(v->j, k));
		if ((r = match(ev, re, &x, 0)) == 1 || r == -2)
			return r;
		any |= r == CSM_RE_LIMIT;
	}
	return any ? CSM_RE_LIMIT : 0;
}

/* "~", "~*", "!~": a stopped match is false either way, and told. */
static int
eval_match(struct ev *ev, const struct node *n, const struct val *a)
{
	int r;

	if (a->t == V_FAIL)
		return 0;
	if ((r = match(ev, n->re, a, 1)) == -2)
		return expr_nomem(ev->err);
	if (r == CSM_RE_LIMIT) {
		limited(ev, n->re);
		return 0;
	}
	return r ^ n->neg;
}

/* "in" and "not in": "in" is "=" with any item; "not in" is false when
 * the value or an item failed, as "!=" is. */
static int
eval_in(struct ev *ev, const struct node *n, const struct val *a)
{
	struct val b;
	size_t k;
	int r = 0, failed = a->t == V_FAIL;

	for (k = 1; k < n->nkid && !r; k++) {
		if (expr_value(ev, n->kid[k], &b) == -1)
			return -1;
		failed |= b.t == V_FAIL;
		r = expr_test(ev, OP_EQ, a, &b, 0);
		expr_release(&b);
	}
	if (n->neg)
		return !r && !failed;
	return r;
}

/* A comparison or "contains" of a with the second child. */
static int
eval_cmp(struct ev *ev, const struct node *n, const struct val *a)
{
	struct val b;
	int r;

	if (expr_value(ev, n->kid[1], &b) == -1)
		return -1;
	if (a->t == V_FAIL || b.t == V_FAIL)
		r = 0;
	else if (n->kind == N_CONTAINS)
		r = contains(ev, a, &b) ^ n->neg;
	else if (n->op == OP_NE)
		r = !expr_test(ev, OP_EQ, a, &b, 0);
	else
		r = expr_test(ev, n->op, a, &b, 0);
	expr_release(&b);
	return r;
}

/* A predicate: 1, 0, or -1 when out of memory. */
static int
eval(struct ev *ev, const struct node *n)
{
	struct val a;
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
	if (expr_value(ev, n->kid[0], &a) == -1)
		return -1;
	switch (n->kind) {
	case N_TRUTHY:
		r = truthy(&a);
		break;
	case N_EXISTS:
		r = a.t != V_NULL && a.t != V_FAIL;
		break;
	case N_MATCH:
		r = eval_match(ev, n, &a);
		break;
	case N_CMP:
	case N_CONTAINS:
		r = eval_cmp(ev, n, &a);
		break;
	case N_IN:
		r = eval_in(ev, n, &a);
		break;
	}
	expr_release(&a);
	return r;
}

/*
 * Evaluates e against rec (a JSON object, borrowed; NULL acts as an empty
 * one).  ctx may be NULL: times without an offset are then read in UTC
 * and now is the epoch.  Returns 1 or 0, or -1 with err (CSM_EINTERNAL)
 * when out of memory; bad data only makes comparisons false.  Changes
 * nothing in e, so threads may share it: the scratch space of regular
 * expressions belongs to this call.
 */
int
csm_expr_eval(const struct csm_expr *e, const json_t *rec,
    const struct csm_expr_ctx *ctx, struct csm_err *err)
{
	struct ev ev;
	int r;

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
		ev.warn = ctx->warn;
		ev.warnarg = ctx->warnarg;
	}
	r = eval(&ev, e->root);
	csm_re_md_free(ev.md);
	return r;
}

/* Appends text to a bounded buffer. */
struct xbuf {
	char	*p;
	size_t	 n, len;
};

static void
xadd(struct xbuf *b, const char *s, size_t len)
{
	size_t room = b->len + 1 < b->n ? b->n - b->len - 1 : 0;

	if (len > room)
		len = room;
	memcpy(b->p + b->len, s, len);
	b->len += len;
	if (b->n > 0)
		b->p[b->len] = '\0';
}

static void
xstr(struct xbuf *b, const char *s)
{
	xadd(b, s, strlen(s));
}

/* A value as an explanation shows it. */
static void
xval(struct xbuf *b, const struct ev *ev, const struct val *v)
{
	char buf[256], num[CSM_NUM_TEXT];
	char *text;

	switch (v->t) {
	case V_NULL:
		xstr(b, "missing");
		return;
	case V_FAIL:
		xstr(b, "not computable");
		return;
	case V_BOOL:
		xstr(b, v->i ? "true" : "false");
		return;
	case V_NUM:
		xstr(b, expr_numtext(v, num));
		return;
	case V_STR:
		xstr(b, "\"");
		xstr(b, csm_escape(v->s, v->len, buf, sizeof(buf)));
		xstr(b, "\"");
		return;
	case V_TIME:
		csm_time_format(v->i, ev->tz, buf);
		xstr(b, buf);
		return;
	case V_DUR:
		csm_dur_format(v->i, buf);
		xstr(b, buf);
		return;
	}
	text = csm_json_text(v->j);
	xstr(b, text ? csm_escape_controls(text, strlen(text), buf,
	    sizeof(buf)) : "?");
	free(text);
}

/* The text of a predicate, from the expression's source. */
static void
xsrc(struct xbuf *b, const char *src, const struct node *n)
{
	if (n->srclen > 0)
		xadd(b, src + n->src, n->srclen);
	else
		xstr(b, "(...)");
}

/* "name is VALUE" for each field operand of a predicate. */
static int
xoperands(struct xbuf *b, struct ev *ev, const struct node *n)
{
	struct val v;
	size_t k;
	int any = 0;

	for (k = 0; k < n->nkid && k < 2; k++) {
		const struct node *o = n->kid[k];

		if (o == NULL || (o->kind != N_FIELD && o->kind != N_SUM))
			continue;
		if (expr_value(ev, o, &v) == -1)
			return -1;
		xstr(b, any ? ", " : ": ");
		if (o->kind == N_FIELD)
			xstr(b, o->s);
		else
			xstr(b, "the sum");
		xstr(b, " is ");
		xval(b, ev, &v);
		expr_release(&v);
		any = 1;
	}
	return 0;
}

/* Writes why n, which evaluated false, is false.  0, or -1 (err). */
static int
explain(struct xbuf *b, struct ev *ev, const char *src, const struct node *n)
{
	size_t k;
	int r;

	switch (n->kind) {
	case N_AND:
		for (k = 0; k < n->nkid; k++) {
			if ((r = eval(ev, n->kid[k])) == -1)
				return -1;
			if (r == 0)
				return explain(b, ev, src, n->kid[k]);
		}
		return 0;
	case N_OR:
		xstr(b, "none of: ");
		for (k = 0; k < n->nkid; k++) {
			if (k > 0)
				xstr(b, "; ");
			if (explain(b, ev, src, n->kid[k]) == -1)
				return -1;
		}
		return 0;
	case N_NOT:
		/* "not exists group: group is ..." */
		xstr(b, "not ");
		xsrc(b, src, n->kid[0]);
		return n->kid[0]->kind >= N_TRUTHY ? xoperands(b, ev,
		    n->kid[0]) : 0;
	}
	xsrc(b, src, n);
	return xoperands(b, ev, n);
}

/*
 * Evaluates e as csm_expr_eval does and, when it is false, writes into
 * buf (size n) why: the innermost part of e that was false, as written,
 * with the values of the fields it compared ("priority = \"urgent\":
 * priority is \"normal\""; "none of: A; B" for an "or").  buf is "" when
 * e is true.  Returns 1, 0, or -1 with err.
 */
int
csm_expr_explain(const struct csm_expr *e, const json_t *rec,
    const struct csm_expr_ctx *ctx, char *buf, size_t n, struct csm_err *err)
{
	struct xbuf b = {buf, n, 0};
	struct ev ev;
	int r;

	if (n > 0)
		buf[0] = '\0';
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
		ev.warn = ctx->warn;
		ev.warnarg = ctx->warnarg;
	}
	r = eval(&ev, e->root);
	if (r == 0 && explain(&b, &ev, e->src, e->root) == -1)
		r = -1;
	csm_re_md_free(ev.md);
	return r;
}
