/*
 * expr_val.c - values of the expression language (expr.c has the rules):
 * operands, fields of the record, conversions between strings, numbers,
 * times and durations, comparing, and "+" and "-".
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

/* Drops the reference v holds, if any. */
void
expr_release(struct val *v)
{
	json_decref(v->own);
	v->own = NULL;
}

/* v from a JSON value (borrowed: v holds no reference).  A real with an
 * integral value is an integer, as csm_num_json reads it. */
void
expr_setjson(struct val *v, const json_t *j)
{
	struct csm_num n;

	memset(v, 0, sizeof(*v));
	switch (json_typeof(j)) {
	case JSON_STRING:
		v->t = V_STR;
		v->s = json_string_value(j);
		v->len = json_string_length(j);
		break;
	case JSON_INTEGER:
	case JSON_REAL:
		v->t = V_NUM;
		csm_num_json(j, &n, NULL);
		v->isint = n.isint;
		v->i = n.i;
		v->d = n.d;
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
	size_t k;

	if (v->t != V_STR || v->len < 10 || v->s[4] != '-')
		return 0;
	for (k = 0; k < 4; k++)
		if (!expr_isdigit((unsigned char)v->s[k]))
			return 0;
	return 1;
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
 * "age" when the record has none: the duration from created_at (a time
 * string or epoch seconds) to now, 0 if created_at is ahead of now; null
 * without created_at, a failure when it is not a time.
 */
static int
age(const struct ev *ev, const struct val *cr, struct val *v)
{
	int64_t t;

	if (cr->t == V_NULL)
		return 0;
	v->t = V_FAIL;
	if (cr->t == V_STR) {
		if (!timeof(ev, cr->s, cr->len, &t))
			return 0;
	} else if (cr->t == V_NUM && cr->isint)
		t = cr->i;
	else
		return 0;
	if (!sub64(ev->now, t, &v->i))
		return 0;
	if (v->i < 0)
		v->i = 0;
	v->t = V_DUR;
	return 0;
}

/*
 * The value of a name: the lookup callback's (copied, since it is only
 * borrowed until the callback's next call), else the record's, else for
 * "age" the time since created_at, else null.
 */
static int
getfield(const struct ev *ev, const char *name, const char *path,
    size_t nseg, int isage, struct val *v)
{
	const json_t *j;
	json_t *r, *c;
	struct val cr;
	int rc;

	memset(v, 0, sizeof(*v));
	if (ev->lookup != NULL && (r = ev->lookup(ev->arg, name)) != NULL) {
		if ((c = json_deep_copy(r)) == NULL)
			return expr_nomem(ev->err);
		expr_setjson(v, c);
		v->own = c;
		return 0;
	}
	if ((j = find(ev->rec, name, path, nseg)) != NULL) {
		expr_setjson(v, j);
		return 0;
	}
	if (!isage)
		return 0;
	if (getfield(ev, "created_at", "created_at", 1, 0, &cr) == -1)
		return -1;
	rc = age(ev, &cr, v);
	expr_release(&cr);
	return rc;
}

/* A whole string as a number, read by csm_num_read; 1 if it is one. */
static int
strnum(const char *s, size_t len, struct val *v)
{
	struct csm_num n;

	memset(v, 0, sizeof(*v));
	if (csm_num_read(s, len, &n, NULL) == -1)
		return 0;
	v->t = V_NUM;
	v->isint = n.isint;
	v->i = n.i;
	v->d = n.d;
	return 1;
}

/* A number in plain decimal (csm_num_text) into buf, CSM_NUM_TEXT bytes;
 * returns buf. */
const char *
expr_numtext(const struct val *v, char *buf)
{
	struct csm_num n;

	n.isint = v->isint;
	n.i = v->i;
	n.d = v->d;
	return csm_num_text(&n, buf);
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

/* Orders two strings: as instants if both are times, else by bytes. */
static int
strorder(const struct ev *ev, const struct val *a, const struct val *b)
{
	int64_t ta, tb;
	size_t n;
	int c;

	if (a->len == b->len && memcmp(a->s, b->s, a->len) == 0)
		return 0;
	if (datelike(a) && datelike(b) && timeof(ev, a->s, a->len, &ta) &&
	    timeof(ev, b->s, b->len, &tb))
		return (ta > tb) - (ta < tb);
	n = a->len < b->len ? a->len : b->len;
	if ((c = memcmp(a->s, b->s, n)) == 0)
		c = (a->len > b->len) - (a->len < b->len);
	return c;
}

/*
 * Orders two values that are neither null nor failed nor arrays to be
 * searched: sets *ord (<0, 0, >0) and returns 1, or returns 0 if they
 * are not comparable with op (only OP_EQ compares booleans and
 * containers).
 */
static int
order(const struct ev *ev, int op, const struct val *a, const struct val *b,
    int *ord)
{
	struct val x, y;

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
		*ord = strorder(ev, a, b);
		return 1;
	}
	if ((a->t == V_NUM || a->t == V_STR) && (b->t == V_NUM ||
	    b->t == V_STR)) {
		if ((a->t == V_STR && !strnum(a->s, a->len, &x)) ||
		    (b->t == V_STR && !strnum(b->s, b->len, &y)))
			return 0;
		*ord = numcmp(a->t == V_STR ? &x : a, b->t == V_STR ? &y : b);
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
 * a op b for op other than OP_NE.  A failed computation compares false;
 * null equals the literal null only (two missing fields are not equal)
 * and orders with nothing; an array (at the top, not inside another) is
 * true if any of its elements is.  flags: 1 and 2 when a and b are
 * already elements.
 */
int
expr_test(const struct ev *ev, int op, const struct val *a,
    const struct val *b, int flags)
{
	struct val x;
	size_t k;
	int ord;

	if (a->t == V_FAIL || b->t == V_FAIL)
		return 0;
	if (a->t == V_NULL || b->t == V_NULL)
		return op == OP_EQ && a->t == b->t && (a->lit || b->lit);
	if (a->t == V_ARR && !(flags & 1)) {
		for (k = 0; k < json_array_size(a->j); k++) {
			expr_setjson(&x, json_array_get(a->j, k));
			if (expr_test(ev, op, &x, b, flags | 1))
				return 1;
		}
		return 0;
	}
	if (b->t == V_ARR && !(flags & 2)) {
		for (k = 0; k < json_array_size(b->j); k++) {
			expr_setjson(&x, json_array_get(b->j, k));
			if (expr_test(ev, op, a, &x, flags | 2))
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

/* An operand of + or -: strings become times, numbers or durations;
 * null, booleans, arrays and objects fail. */
static void
arith_arg(const struct ev *ev, const struct val *v, struct val *o)
{
	struct csm_err scratch;

	*o = *v;
	o->own = NULL;
	switch (v->t) {
	case V_NUM:
	case V_TIME:
	case V_DUR:
		return;
	case V_STR:
		break;
	default:
		o->t = V_FAIL;
		return;
	}
	memset(o, 0, sizeof(*o));
	if (datelike(v) && timeof(ev, v->s, v->len, &o->i))
		o->t = V_TIME;
	else if (strnum(v->s, v->len, o))
		o->t = V_NUM;
	else if (csm_dur_parse(v->s, v->len, &o->i, &scratch) == 0)
		o->t = V_DUR;
	else
		o->t = V_FAIL;
}

/* number op number into r: exact for integers, else in doubles; beyond
 * the range of a double it fails. */
static void
numarith(char op, const struct val *x, const struct val *y, struct val *r)
{
	r->t = V_NUM;
	r->isint = x->isint && y->isint && (op == '+' ?
	    add64(x->i, y->i, &r->i) : sub64(x->i, y->i, &r->i));
	if (r->isint)
		return;
	r->d = op == '+' ? dbl(x) + dbl(y) : dbl(x) - dbl(y);
	if (!isfinite(r->d))
		r->t = V_FAIL;
}

/*
 * The type of x op y for times, durations and numbers, where a number is
 * epoch seconds next to a time, and a number next to a duration gives a
 * number of seconds (which then compares as a time with a time and as a
 * duration with a duration).  V_FAIL when it means nothing: time + time,
 * time + number.
 */
static int
arith_type(char op, int x, int y)
{
	if (x == V_NUM && y == V_TIME)
		x = V_TIME;
	else if (x == V_TIME && y == V_NUM)
		y = V_TIME;
	if (x == V_TIME && y == V_TIME)
		return op == '-' ? V_DUR : V_FAIL;
	if (x == V_TIME || y == V_TIME)
		return x == V_DUR && op == '-' ? V_FAIL : V_TIME;
	if (x == V_DUR && y == V_DUR)
		return V_DUR;
	return V_NUM;
}

/*
 * a op b into r (op '+' or '-'), as expr.c says: a failed computation
 * when it means nothing, overflows, or has a failed operand.
 */
static void
arith(const struct ev *ev, char op, const struct val *a, const struct val *b,
    struct val *r)
{
	struct val x, y;
	int t;

	arith_arg(ev, a, &x);
	arith_arg(ev, b, &y);
	memset(r, 0, sizeof(*r));
	r->t = V_FAIL;
	if (x.t == V_FAIL || y.t == V_FAIL)
		return;
	if (x.t == V_NUM && y.t == V_NUM) {
		numarith(op, &x, &y, r);
		return;
	}
	/* A number next to a time or a duration must be whole seconds. */
	if ((x.t == V_NUM && !x.isint) || (y.t == V_NUM && !y.isint))
		return;
	if ((t = arith_type(op, x.t, y.t)) == V_FAIL)
		return;
	if (op == '+' ? add64(x.i, y.i, &r->i) : sub64(x.i, y.i, &r->i))
		r->t = t;
	if (t == V_NUM)
		r->isint = 1;
}

/* The sum of n's children into v. */
static int
sum(const struct ev *ev, const struct node *n, struct val *v)
{
	struct val b, r;
	size_t k;

	if (expr_value(ev, n->kid[0], v) == -1)
		return -1;
	for (k = 1; k < n->nkid; k++) {
		if (expr_value(ev, n->kid[k], &b) == -1) {
			expr_release(v);
			return -1;
		}
		arith(ev, n->ops[k], v, &b, &r);
		expr_release(v);
		expr_release(&b);
		*v = r;
	}
	return 0;
}

/* The value of an operand node into v; -1 only when out of memory. */
int
expr_value(const struct ev *ev, const struct node *n, struct val *v)
{
	memset(v, 0, sizeof(*v));
	switch (n->kind) {
	case N_FIELD:
		return getfield(ev, n->s, n->path, n->nseg, n->age, v);
	case N_SUM:
		return sum(ev, n, v);
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
			v->t = V_FAIL;
		break;
	case N_BOOL:
		v->t = V_BOOL;
		v->i = n->i;
		break;
	case N_NOW:
		v->t = V_TIME;
		v->i = ev->now;
		break;
	case N_NULL:
		v->t = V_NULL;
		v->lit = 1;
		break;
	}
	return 0;
}
