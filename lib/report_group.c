/*
 * report_group.c - the groups of a csm-report query and their figures:
 * each ticket the scan reads is added to the group of its key values,
 * and the groups become the result table, one row each, with the column
 * names csm-report(1) documents (a contract: scripts read them).
 *
 * Time metrics keep every sample (exact percentiles, nearest rank);
 * rates keep their counts.  Rounding is SQLite's round(): a mean to the
 * second, a percentage to one decimal, half away from zero.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

struct samples {
	int64_t		*v;
	size_t		 n, cap;
};

struct rgroup {
	struct rgroup	*next;		/* in its hash chain */
	char		*key;		/* the values, encoded (see encode) */
	size_t		 keylen;
	int64_t		 created, resolved, reopened;
	struct samples	 t[NRTIMES];
	int64_t		 fcr_k, fcr_n;
	int64_t		 csat_n, csat_good, csat_sum;
	int64_t		 nps_n, nps_p, nps_d;
	int64_t		 sla[NRSLA][2];
	int64_t		 backlog[5];
	int64_t		 assigned, replies;
};

struct rgroups {
	const struct rspec	*sp;
	int64_t			 until;
	const struct csm_cal	*cal;
	struct rgroup		**bucket;
	size_t			 nbucket, n;
	struct csm_buf		 scratch;
};

/* The age buckets of the backlog: their upper ends, in seconds. */
static const int64_t backlog_ends[4] = {86400, 3 * 86400, 7 * 86400,
	30 * 86400};
static const char *const backlog_cols[5] = {
	"backlog_lt_1d", "backlog_1_3d", "backlog_3_7d", "backlog_7_30d",
	"backlog_30d_plus"
};

struct rgroups *
rgroups_new(const struct rspec *sp, int64_t until, const struct csm_cal *cal)
{
	struct rgroups *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	g->sp = sp;
	g->until = until;
	g->cal = cal;
	g->nbucket = 256;
	if ((g->bucket = calloc(g->nbucket,
	    sizeof(struct rgroup *))) == NULL) {
		free(g);
		return NULL;
	}
	return g;
}

static void
group_free(struct rgroup *r)
{
	int i;

	for (i = 0; i < NRTIMES; i++)
		free(r->t[i].v);
	free(r->key);
	free(r);
}

void
rgroups_free(struct rgroups *g)
{
	struct rgroup *r, *next;
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->nbucket; i++)
		for (r = g->bucket[i]; r != NULL; r = next) {
			next = r->next;
			group_free(r);
		}
	free(g->bucket);
	csm_buf_free(&g->scratch);
	free(g);
}

/* The key values as one byte string: per value 0 (none) or 1, the text
 * and a 0.  -1 when out of memory. */
static int
encode(struct csm_buf *b, const char *const *vals, int n)
{
	int i;

	b->len = 0;
	for (i = 0; i < n; i++) {
		if (vals[i] == NULL) {
			if (csm_buf_addc(b, 0) < 0)
				return -1;
			continue;
		}
		if (csm_buf_addc(b, 1) < 0 ||
		    csm_buf_add(b, vals[i], strlen(vals[i])) < 0 ||
		    csm_buf_addc(b, 0) < 0)
			return -1;
	}
	return 0;
}

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static int
grow(struct rgroups *g)
{
	size_t n = g->nbucket > 0 ? g->nbucket * 2 : 256, i;
	struct rgroup **b = calloc(n, sizeof(struct rgroup *)), *r, *next;

	if (b == NULL)
		return -1;
	for (i = 0; i < g->nbucket; i++)
		for (r = g->bucket[i]; r != NULL; r = next) {
			size_t j = hash(r->key, r->keylen) & (n - 1);

			next = r->next;
			r->next = b[j];
			b[j] = r;
		}
	free(g->bucket);
	g->bucket = b;
	g->nbucket = n;
	return 0;
}

/* The group of the encoded key in g->scratch, made if new; NULL when out
 * of memory. */
static struct rgroup *
group_of(struct rgroups *g)
{
	const char *k = g->scratch.len > 0 ? g->scratch.p : "";
	size_t len = g->scratch.len, j = hash(k, len) & (g->nbucket - 1);
	struct rgroup *r;

	for (r = g->bucket[j]; r != NULL; r = r->next)
		if (r->keylen == len && memcmp(r->key, k, len) == 0)
			return r;
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->key = malloc(len + 1)) == NULL) {
		free(r);
		return NULL;
	}
	memcpy(r->key, k, len);
	r->keylen = len;
	r->next = g->bucket[j];
	g->bucket[j] = r;
	if (++g->n > g->nbucket && grow(g) < 0)
		return NULL;
	return r;
}

static int
sample(struct samples *s, int64_t v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		int64_t *p = realloc(s->v, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		s->v = p;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	return 0;
}

/* From a to b in calendar seconds, or in the calendar's business time. */
static int64_t
span(const struct rgroups *g, int64_t a, int64_t b)
{
	if (g->cal == NULL || b <= a)
		return b - a;
	return csm_cal_elapsed(g->cal, a, b);
}

static int
fcr_one(int def, const struct rfacts *f)
{
	switch (def) {
	case FCR_AT_MOST_ONE:
		return f->replies <= 1 && f->reopens == 0;
	case FCR_NO_REOPEN:
		return f->reopens == 0;
	case FCR_NO_FOLLOW_UP:
		return f->followups == 0 && f->reopens == 0;
	default:
		return f->replies == 1 && f->reopens == 0;
	}
}

/* The cohort's part: what the tickets created in the window add. */
static int
add_cohort(struct rgroups *g, struct rgroup *r, const struct rfacts *f)
{
	int i, ok = 1;

	r->created++;
	r->resolved += f->done;
	r->reopened += f->reopens > 0;
	if (f->first_response != 0)
		ok = sample(&r->t[RT_FRT], span(g, f->created,
		    f->first_response)) == 0;
	if (ok && f->done && f->resolved != 0)
		ok = sample(&r->t[RT_RESOLUTION], span(g, f->created,
		    f->resolved)) == 0 && sample(&r->t[RT_FIRST_RESOLUTION],
		    span(g, f->created, f->first_done != 0 ? f->first_done :
		    f->resolved)) == 0;
	if (f->done) {
		r->fcr_n++;
		r->fcr_k += fcr_one(g->sp->fcr, f);
	}
	if (f->csat >= 0) {
		r->csat_n++;
		r->csat_good += f->csat >= 4;
		r->csat_sum += f->csat;
	}
	if (f->nps >= 0) {
		r->nps_n++;
		r->nps_p += f->nps >= 9;
		r->nps_d += f->nps <= 6;
	}
	for (i = 0; i < NRSLA; i++) {
		r->sla[i][0] += f->sla[i][0];
		r->sla[i][1] += f->sla[i][1];
	}
	r->assigned += f->has_assignee;
	r->replies += f->replies;
	return ok ? 0 : -1;
}

/*
 * Adds the ticket of facts f to the group of vals (g->sp->nkey values,
 * NULL for none).  0, or -1 when out of memory.
 */
int
rgroups_add(struct rgroups *g, const char *const *vals,
    const struct rfacts *f)
{
	struct rgroup *r;
	int i, open = f->open_at_until && (g->sp->want & ((1u << RM_BACKLOG) |
	    (1u << RM_WORKLOAD)));

	/* A ticket that counts for nothing asked makes no group. */
	if (!f->in_cohort && !open)
		return 0;
	if (encode(&g->scratch, vals, g->sp->nkey) < 0 ||
	    (r = group_of(g)) == NULL)
		return -1;
	if (open) {
		int64_t age = g->until - f->created;

		for (i = 0; i < 4 && age >= backlog_ends[i]; i++)
			;
		r->backlog[i]++;
	}
	return f->in_cohort ? add_cohort(g, r, f) : 0;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The value at the 1-based rank ceil(pct/100 * n) of sorted v. */
static int64_t
rank(const struct samples *s, int pct)
{
	size_t r = (s->n * (size_t)pct + 99) / 100;

	return s->v[r > 0 ? r - 1 : 0];
}

static json_t *
pct_of(int64_t k, int64_t n)
{
	if (n == 0)
		return json_null();
	return json_real(round(100.0 * (double)k / (double)n * 10.0) / 10.0);
}

/* The output: columns and a way to append to a row. */
struct out {
	json_t	*cols, *row;
	int	 ok;
};

static void
col(struct out *o, const char *name, const char *type)
{
	size_t i;

	for (i = 0; i < json_array_size(o->cols); i++)
		if (strcmp(json_string_value(json_object_get(
		    json_array_get(o->cols, i), "name")), name) == 0)
			return;
	if (json_array_append_new(o->cols, json_pack("{s:s, s:s}", "name",
	    name, "type", type)) < 0)
		o->ok = 0;
}

static void
put(struct out *o, json_t *v)
{
	if (v == NULL || json_array_append_new(o->row, v) < 0)
		o->ok = 0;
}

static json_t *
int_or_null(int64_t v, int have)
{
	return have ? json_integer(v) : json_null();
}

static void
time_cols(struct out *o, const char *m)
{
	static const char *const part[] = {"count", "mean", "p50", "p90",
		"max"};
	char name[64];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "%s_%s", m, part[i]);
		col(o, name, i == 0 ? "int" : "seconds");
	}
}

static void
time_vals(struct out *o, struct samples *s)
{
	double sum = 0;
	size_t i;

	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp64);
	for (i = 0; i < s->n; i++)
		sum += (double)s->v[i];
	put(o, json_integer((json_int_t)s->n));
	put(o, int_or_null((int64_t)round(sum / (double)(s->n ? s->n : 1)),
	    s->n > 0));
	put(o, int_or_null(s->n ? rank(s, 50) : 0, s->n > 0));
	put(o, int_or_null(s->n ? rank(s, 90) : 0, s->n > 0));
	put(o, int_or_null(s->n ? s->v[s->n - 1] : 0, s->n > 0));
}

static void
sla_part(struct out *o, const struct rgroup *r, int row)
{
	int64_t met = 0, all = 0;
	char name[64];
	int i;

	if (!row) {
		col(o, "sla", "percent");
		col(o, "sla_count", "int");
		for (i = 0; i < NRSLA; i++) {
			snprintf(name, sizeof(name), "sla_%s",
			    rspec_sla_targets[i]);
			col(o, name, "percent");
			snprintf(name, sizeof(name), "sla_%s_count",
			    rspec_sla_targets[i]);
			col(o, name, "int");
		}
		return;
	}
	for (i = 0; i < NRSLA; i++) {
		met += r->sla[i][0];
		all += r->sla[i][0] + r->sla[i][1];
	}
	put(o, pct_of(met, all));
	put(o, json_integer(all));
	for (i = 0; i < NRSLA; i++) {
		put(o, pct_of(r->sla[i][0], r->sla[i][0] + r->sla[i][1]));
		put(o, json_integer(r->sla[i][0] + r->sla[i][1]));
	}
}

static void
backlog_part(struct out *o, const struct rgroup *r, int row)
{
	int64_t all = 0;
	int i;

	if (!row) {
		col(o, "backlog", "int");
		for (i = 0; i < 5; i++)
			col(o, backlog_cols[i], "int");
		return;
	}
	for (i = 0; i < 5; i++)
		all += r->backlog[i];
	put(o, json_integer(all));
	for (i = 0; i < 5; i++)
		put(o, json_integer(r->backlog[i]));
}

/* A column that an earlier metric wrote already (workload's resolved
 * after -m resolved) is not written twice. */
static int
seen(const struct rspec *sp, int upto, int m)
{
	int i;

	for (i = 0; i < upto; i++)
		if (sp->metric[i] == m)
			return 1;
	return 0;
}

static void
workload_part(struct out *o, const struct rgroup *r, int row, int dup)
{
	int64_t open = 0;
	int i;

	if (!row) {
		col(o, "assigned", "int");
		if (!dup)
			col(o, "resolved", "int");
		col(o, "replies", "int");
		col(o, "open", "int");
		return;
	}
	for (i = 0; i < 5; i++)
		open += r->backlog[i];
	put(o, json_integer(r->assigned));
	if (!dup)
		put(o, json_integer(r->resolved));
	put(o, json_integer(r->replies));
	put(o, json_integer(open));
}

/* The columns of metric m (row 0) or its values for group r. */
static void
metric_part(struct out *o, const struct rspec *sp, int i, struct rgroup *r,
    int row)
{
	int m = sp->metric[i];

	switch (m) {
	case RM_CREATED:
	case RM_RESOLVED:
	case RM_REOPENED:
		/* Workload wrote resolved already. */
		if (m == RM_RESOLVED && seen(sp, i, RM_WORKLOAD))
			break;
		if (!row)
			col(o, csm_report_metric_names()[m], "int");
		else
			put(o, json_integer(m == RM_CREATED ? r->created :
			    m == RM_RESOLVED ? r->resolved : r->reopened));
		break;
	case RM_FRT:
	case RM_RESOLUTION:
	case RM_FIRST_RESOLUTION:
		if (!row)
			time_cols(o, csm_report_metric_names()[m]);
		else
			time_vals(o, &r->t[m - RM_FRT]);
		break;
	case RM_FCR:
		if (!row) {
			col(o, "fcr", "percent");
			col(o, "fcr_count", "int");
		} else {
			put(o, pct_of(r->fcr_k, r->fcr_n));
			put(o, json_integer(r->fcr_n));
		}
		break;
	case RM_CSAT:
		if (!row) {
			col(o, "csat", "percent");
			col(o, "csat_mean", "number");
			col(o, "csat_count", "int");
		} else {
			put(o, pct_of(r->csat_good, r->csat_n));
			put(o, r->csat_n == 0 ? json_null() : json_real(round(
			    (double)r->csat_sum / (double)r->csat_n * 100.0) /
			    100.0));
			put(o, json_integer(r->csat_n));
		}
		break;
	case RM_NPS:
		if (!row) {
			col(o, "nps", "number");
			col(o, "nps_count", "int");
		} else {
			put(o, pct_of(r->nps_p - r->nps_d, r->nps_n));
			put(o, json_integer(r->nps_n));
		}
		break;
	case RM_SLA:
		sla_part(o, r, row);
		break;
	case RM_BACKLOG:
		backlog_part(o, r, row);
		break;
	default:
		workload_part(o, r, row, seen(sp, i, RM_RESOLVED));
	}
}

/* The key values of r, decoded, appended to o's row. */
static void
key_vals(struct out *o, const struct rgroup *r, int n)
{
	const char *p = r->key;
	int i;

	for (i = 0; i < n; i++) {
		if (*p++ == 0) {
			put(o, json_null());
			continue;
		}
		put(o, json_string(p));
		p += strlen(p) + 1;
	}
}

/* Byte order of the encoded keys is the order of the values, none
 * first. */
static int
by_key(const void *a, const void *b)
{
	const struct rgroup *x = *(struct rgroup *const *)a;
	const struct rgroup *y = *(struct rgroup *const *)b;
	size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
	int c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	return (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

static int
by_size(const void *a, const void *b)
{
	const struct rgroup *x = *(struct rgroup *const *)a;
	const struct rgroup *y = *(struct rgroup *const *)b;

	if (x->created != y->created)
		return x->created < y->created ? 1 : -1;
	return by_key(a, b);
}

/* Every group, in output order (new), NULL when out of memory. */
static struct rgroup **
ordered(struct rgroups *g, long top, size_t *n)
{
	struct rgroup **v = malloc((g->n ? g->n : 1) *
	    sizeof(struct rgroup *)), *r;
	size_t i, k = 0;

	if (v == NULL)
		return NULL;
	for (i = 0; i < g->nbucket; i++)
		for (r = g->bucket[i]; r != NULL; r = r->next)
			v[k++] = r;
	qsort(v, k, sizeof(struct rgroup *), top > 0 ? by_size : by_key);
	if (top > 0 && (size_t)top < k)
		k = (size_t)top;
	*n = k;
	return v;
}

/*
 * The table of g (new): the key columns, then each metric's.  A report
 * without keys has one row even when no ticket counted.  NULL when out of
 * memory.
 */
json_t *
rgroups_table(struct rgroups *g, long top)
{
	const struct rspec *sp = g->sp;
	struct out o = {json_array(), NULL, 1};
	json_t *rows = json_array(), *t;
	struct rgroup **v;
	size_t n = 0, i;
	int k;

	/* No keys and no ticket: the one row, of zeros and nulls. */
	if (sp->nkey == 0 && g->n == 0 && (encode(&g->scratch, NULL, 0) < 0
	    || group_of(g) == NULL))
		o.ok = 0;
	if (!o.ok || (v = ordered(g, top, &n)) == NULL) {
		json_decref(o.cols);
		json_decref(rows);
		return NULL;
	}
	for (k = 0; k < sp->nkey; k++)
		col(&o, sp->key[k].name, "string");
	for (k = 0; k < sp->nmetric; k++)
		metric_part(&o, sp, k, NULL, 0);
	for (i = 0; i < n && o.ok; i++) {
		if ((o.row = json_array()) == NULL ||
		    json_array_append_new(rows, o.row) < 0) {
			o.ok = 0;
			break;
		}
		key_vals(&o, v[i], sp->nkey);
		for (k = 0; k < sp->nmetric; k++)
			metric_part(&o, sp, k, v[i], 1);
	}
	free(v);
	t = json_pack("{s:o, s:o}", "columns", o.cols, "rows", rows);
	if (t == NULL || !o.ok) {
		json_decref(t);
		return NULL;
	}
	return t;
}

/* The value of column name in row i of table t (borrowed), or NULL. */
json_t *
rtable_cell(const json_t *t, size_t i, const char *name)
{
	const json_t *cols = json_object_get(t, "columns"), *c;
	size_t j;

	json_array_foreach(cols, j, c)
		if (strcmp(json_string_value(json_object_get(c, "name")),
		    name) == 0)
			return json_array_get(json_array_get(json_object_get(t,
			    "rows"), i), j);
	return NULL;
}
