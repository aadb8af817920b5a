/*
 * expr_eval.c - evaluating a parsed expression against a record: the
 * predicates (and, or, not, comparisons, in, contains, ~, exists) over
 * the values of expr_val.c, and csm_expr_eval.
 */
#include <stdio.h>
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
