/*
 * calendar.c - business calendars: the arithmetic of open time.
 *
 * A calendar opens, on each local day D, the ranges of D's weekday, or
 * those of a worked day, or none on a holiday.  A range [s, e) of D is the
 * interval [csm_tz_utc(D s), csm_tz_utc(D e)) (e past 24:00 is on D + 1),
 * cut at the local midnight of D + 1 when D + 1 is a holiday.  Business
 * time is the union of these intervals within [0, CSM_TIME_MAX): nothing
 * is open before 1970.
 *
 * The walks go a day at a time and never by minutes or seconds: a day's
 * intervals come from its few ranges.  Runs of plain weeks are skipped
 * whole: when the days around a week hold no holiday or worked day and
 * the zone keeps one offset, the week is open for weeksecs, precomputed.
 * Within such a run a local time is its wall time less the offset, which
 * is what csm_tz_utc gives there; elsewhere csm_tz_utc is called.
 *
 * Days are numbered from 1970-01-01 (day 0, a Thursday), in local time.
 */
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "internal.h"

#define DAY		CAL_DAY
#define WEEK		(7 * CAL_DAY)
#define LO		0		/* nothing opens before this */
#define HI		CSM_TIME_MAX	/* nor from this on */
#define NOTIME		INT64_MAX
/* Ranges are whole minutes, sorted and merged (not touching), so a day
 * has at most 720 of them. */
#define MAXIV		720

struct iv {
	int64_t	s, e;
};

/* A walk's zone cache and the intervals of the day at hand. */
struct walk {
	const struct csm_cal	*c;
	int32_t			 off;	/* the offset on [from, until) */
	int32_t			 off2;	/* and on [until, until2) */
	int64_t			 from, until, until2;
	size_t			 n;
	struct iv		 iv[MAXIV];
};

#define fdiv csm_fdiv

/* 0 = Sunday. */
static int
weekday(int64_t d)
{
	int64_t r = d % 7;

	if (r < 0)
		r += 7;
	return (int)((r + 4) % 7);
}

static int
isleap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static const int mstart[13] = {
	0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366
};

/* The bit of month m, day d in the annual set (Feb 29 = 59). */
int
csm_cal_yday(int m, int d)
{
	return mstart[m - 1] + d - 1;
}

static int
annual_bit(const struct csm_cal *c, int i)
{
	return (c->annual[i / 8] >> (i % 8)) & 1;
}

/* The local day of instant t. */
static int64_t
lday(const struct csm_cal *c, int64_t t)
{
	return fdiv(t + csm_tz_offset(c->tz, t), DAY);
}

static const struct cal_work *
workday(const struct csm_cal *c, int64_t d)
{
	size_t lo = 0, hi = c->nwork, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->work[mid].day < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nwork && c->work[lo].day == d ? &c->work[lo] : NULL;
}

/* The first dated holiday range that ends on or after day d, as an
 * index (nhol if none). */
static size_t
hol_from(const struct csm_cal *c, int64_t d)
{
	size_t lo = 0, hi = c->nhol, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->hol[mid].to < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether day d is a holiday by date or by MM-DD, worked or not. */
static int
off_day(const struct csm_cal *c, int64_t d)
{
	size_t i = hol_from(c, d);
	int y, m, dd;

	if (i < c->nhol && c->hol[i].from <= d)
		return 1;
	if (!c->hasannual)
		return 0;
	csm_civil_from_days(d, &y, &m, &dd);
	return annual_bit(c, csm_cal_yday(m, dd));
}

/* Whether day d is a holiday: a worked day on a holiday is worked. */
static int
holiday(const struct csm_cal *c, int64_t d)
{
	return off_day(c, d) && workday(c, d) == NULL;
}

/*
 * The ranges that open on day d (borrowed from c), *n their count:
 * merged, or with raw as written (see csm_cal.raw).
 */
static const struct cal_range *
own(const struct csm_cal *c, int64_t d, int raw, size_t *n)
{
	const struct cal_work *w = workday(c, d);
	int wd;

	if (w != NULL) {
		*n = raw ? w->nraw : w->n;
		return raw ? w->raw : w->r;
	}
	if (off_day(c, d)) {
		*n = 0;
		return NULL;
	}
	wd = weekday(d);
	*n = raw ? c->nraw[wd] : c->nweek[wd];
	return raw ? c->raw[wd] : c->week[wd];
}

/* The day of bit i of csm_cal.annual in year y (days since 1970). */
static int64_t
yday_date(int y, int i)
{
	int m;

	for (m = 1; mstart[m] <= i; m++)
		continue;
	return csm_days_from_civil(y, m, i - mstart[m - 1] + 1);
}

/* The first MM-DD holiday on or after day d, or NOTIME.  Nine years
 * hold a Feb 29 (2096, then 2104). */
static int64_t
next_annual(const struct csm_cal *c, int64_t d)
{
	int y, m, dd, i, tries;

	if (!c->hasannual)
		return NOTIME;
	csm_civil_from_days(d, &y, &m, &dd);
	i = csm_cal_yday(m, dd);
	for (tries = 0; tries < 9; tries++, y++, i = 0) {
		for (; i < 366; i++) {
			if (c->annual[i / 8] == 0 && i % 8 == 0) {
				i += 7;
				continue;
			}
			if (!annual_bit(c, i) || (i == 59 && !isleap(y)))
				continue;
			return yday_date(y, i);
		}
	}
	return NOTIME;
}

/* The first day on or after d not in the MM-DD set, or NOTIME. */
static int64_t
next_unannual(const struct csm_cal *c, int64_t d)
{
	int y, m, dd, i, tries;

	csm_civil_from_days(d, &y, &m, &dd);
	i = csm_cal_yday(m, dd);
	for (tries = 0; tries < 9; tries++, y++, i = 0)
		for (; i < 366; i++) {
			if (annual_bit(c, i) || (i == 59 && !isleap(y)))
				continue;
			return yday_date(y, i);
		}
	return NOTIME;
}

/*
 * The first day on or after d that is not a holiday, or a day past last:
 * a run of holidays (a long dated range, MM-DD days back to back) is
 * crossed at once rather than a day at a time.
 */
static int64_t
open_from(const struct csm_cal *c, int64_t d, int64_t last)
{
	size_t lo, hi, mid, i;
	int64_t nd, a, wk;
	int dated, y, m, dd;

	while (d <= last) {
		lo = 0;
		hi = c->nwork;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (c->work[mid].day < d)
				lo = mid + 1;
			else
				hi = mid;
		}
		wk = lo < c->nwork ? c->work[lo].day : NOTIME;
		if (wk == d)
			return d;
		i = hol_from(c, d);
		dated = i < c->nhol && c->hol[i].from <= d;
		nd = dated ? c->hol[i].to + 1 : d;
		if (c->hasannual) {
			csm_civil_from_days(d, &y, &m, &dd);
			if (annual_bit(c, csm_cal_yday(m, dd))) {
				a = next_unannual(c, d);
				if (a > nd)
					nd = a;
			}
		}
		if (nd == d)
			return d;	/* not a holiday */
		if (wk < nd)
			return wk;
		if (nd == NOTIME)
			break;
		d = nd;
	}
	return last + 1;
}

/*
 * The first day on or after d that is not plain: a holiday or a worked
 * day (for a calendar whose weeks are closed, only a worked day matters).
 */
static int64_t
next_exception(const struct csm_cal *c, int64_t d)
{
	size_t lo = 0, hi = c->nwork, mid, i;
	int64_t x = NOTIME, a;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->work[mid].day < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->nwork)
		x = c->work[lo].day;
	if (c->weeksecs == 0)
		return x;
	i = hol_from(c, d);
	if (i < c->nhol) {
		a = c->hol[i].from > d ? c->hol[i].from : d;
		if (a < x)
			x = a;
	}
	a = next_annual(c, d);
	return a < x ? a : x;
}

/* Reads the zone's offsets around day d into the walk's cache. */
static void
probe(struct walk *w, int64_t d)
{
	w->from = d * DAY - 4 * DAY;
	w->off = w->off2 = csm_tz_offset(w->c->tz, w->from);
	w->until2 = NOTIME;
	if (!csm_tz_next(w->c->tz, w->from, &w->until)) {
		w->until = NOTIME;
		return;
	}
	w->off2 = csm_tz_offset(w->c->tz, w->until);
	if (!csm_tz_next(w->c->tz, w->until, &w->until2))
		w->until2 = NOTIME;
}

/*
 * How the cache reads the wall times of day d and d + 1 (csm_tz_utc
 * walks the zone's periods from two days before a wall time, and offsets
 * are under 26 hours): 1 when one offset holds from 4 days before d to 5
 * days after, 2 when one transition (until) falls in that stretch, else 0
 * (ask csm_tz_utc).
 */
static int
steady(const struct walk *w, int64_t d)
{
	if (d * DAY - 4 * DAY < w->from)
		return 0;
	if (d * DAY + 5 * DAY <= w->until)
		return 1;
	return d * DAY + 5 * DAY <= w->until2 ? 2 : 0;
}

/* The first day on or after d that the cache, probed at d, cannot read. */
static int64_t
steady_end(struct walk *w, int64_t d)
{
	probe(w, d);
	if (w->until == NOTIME)
		return NOTIME;
	return fdiv(w->until - 5 * DAY, DAY) + 1;
}

/*
 * The instant of x seconds after the local midnight of day d, read as
 * steady() says.  With one transition between two offsets, a wall time
 * is read with the first offset if that or the second puts it before the
 * transition (before it, or in a gap, moved forward; an ambiguous time
 * takes the earlier instant), else with the second: what csm_tz_utc does.
 */
static int64_t
local(const struct walk *w, int64_t d, int32_t x, int fast)
{
	struct csm_tm tm;
	int64_t c0, c1;

	if (fast) {
		c0 = d * DAY + x - w->off;
		if (fast == 1)
			return c0;
		c1 = d * DAY + x - w->off2;
		return c0 < w->until || c1 < w->until ? c0 : c1;
	}
	memset(&tm, 0, sizeof(tm));
	csm_civil_from_days(d + x / DAY, &tm.year, &tm.mon, &tm.day);
	x %= DAY;
	tm.hour = x / 3600;
	tm.min = x / 60 % 60;
	tm.sec = x % 60;
	return csm_tz_utc(w->c->tz, &tm);
}

/*
 * The intervals of day d into w->iv, sorted, disjoint, within [LO, HI);
 * returns their count.
 */
static size_t
day_iv(struct walk *w, int64_t d)
{
	const struct cal_range *r;
	int64_t s, e, clip = NOTIME;
	size_t n, i, j;
	struct iv t;
	int fast;

	w->n = 0;
	r = own(w->c, d, 0, &n);
	if (n == 0)
		return 0;
	if (n > MAXIV)
		n = MAXIV;	/* ranges are whole minutes: never */
	if (steady(w, d) == 0)
		probe(w, d);
	fast = steady(w, d);
	/* Across a DST change each range as written is an interval of
	 * its own, merged below. */
	if (fast != 1)
		r = own(w->c, d, 1, &n);
	if (n > MAXIV)
		n = MAXIV;
	for (i = 0; i < n; i++)
		if (r[i].e > DAY && holiday(w->c, d + 1))
			clip = local(w, d, DAY, fast);
	for (i = 0; i < n; i++) {
		s = local(w, d, r[i].s, fast);
		e = local(w, d, r[i].e, fast);
		if (e > clip)
			e = clip;
		if (s < LO)
			s = LO;
		if (e > HI)
			e = HI;
		if (e > s) {
			w->iv[w->n].s = s;
			w->iv[w->n++].e = e;
		}
	}
	if (fast == 1)
		return w->n;
	/* Near a transition a range in a DST gap can land after the next
	 * one: sort (they are nearly sorted) and merge. */
	for (i = 1; i < w->n; i++) {
		t = w->iv[i];
		for (j = i; j > 0 && w->iv[j - 1].s > t.s; j--)
			w->iv[j] = w->iv[j - 1];
		w->iv[j] = t;
	}
	for (i = j = 0; i < w->n; i++) {
		if (j > 0 && w->iv[i].s <= w->iv[j - 1].e) {
			if (w->iv[i].e > w->iv[j - 1].e)
				w->iv[j - 1].e = w->iv[i].e;
		} else
			w->iv[j++] = w->iv[i];
	}
	return w->n = j;
}

/*
 * The first day on or after d that is not part of a run of plain days:
 * an exception, or one whose offset may differ.
 */
static int64_t
irregular(struct walk *w, int64_t d)
{
	int64_t x = next_exception(w->c, d), z;

	if (w->c->weeksecs == 0)
		return x;	/* nothing opens but worked days */
	z = steady_end(w, d);
	return z < x ? z : x;
}

/*
 * How many whole weeks from instant f on are plain (at most maxk), each
 * open for weeksecs: the days from the one before f's to the one a week
 * after the last are plain.  With full, the calendar's plain days tile
 * time whatever the offsets (fullweek): only the exceptions count, and
 * 4 days more, as the offsets may have moved (by less than 52 hours).
 * *retry gets the day from which trying again may skip more.
 */
static int64_t
skip(struct walk *w, int64_t f, int64_t maxk, int full, int64_t *retry)
{
	int64_t l = lday(w->c, f), x, k, kd;

	x = full ? next_exception(w->c, l - 1) : irregular(w, l - 1);
	k = x == NOTIME ? maxk : (x - 1 - 4 * full - l) / 7;
	kd = (HI - 3 * DAY - f) / WEEK;	/* clipped at HI: not plain */
	if (k > kd)
		k = kd;
	if (k < 0)
		k = 0;
	if (k >= maxk) {
		*retry = NOTIME;
		return maxk;
	}
	/* Past x by enough that the day before f's is too (see run()). */
	*retry = x == NOTIME ? NOTIME : x + 4;
	return k;
}

/*
 * Counts the business seconds from instant f up to end (exclusive),
 * stopping once need (> 0) are counted: returns the instant at which they
 * are, or NOTIME when end comes first.  *got gets the count.
 */
static int64_t
run(const struct csm_cal *c, int64_t f, int64_t end, int64_t need,
    int64_t *got)
{
	struct walk w;
	int64_t d, dend, retry, maxk, k, s, e, n = 0;
	size_t i;

	*got = 0;
	w.c = c;
	w.from = w.until = w.until2 = 0;
	if (f < LO)
		f = LO;
	if (end > HI)
		end = HI;
	if (f >= end)
		return NOTIME;
	d = retry = lday(c, f) - 1;
	dend = lday(c, end);
	while (d <= dend) {
		if (d >= retry) {
			/*
			 * Days before d are counted up to f, and no day from
			 * d on opens before its midnight, which is later than
			 * this (offsets are under 26 hours): nothing opens in
			 * between, so the walk may go on from there.  Else
			 * a long closed stretch would keep f, and so the
			 * skip, at its start.
			 */
			if (d * DAY - 26 * 3600 > f)
				f = d * DAY - 26 * 3600;
			maxk = (end - f) / WEEK;
			if (c->weeksecs > 0 && (need - n - 1) / c->weeksecs <
			    maxk)
				maxk = (need - n - 1) / c->weeksecs;
			k = maxk > 0 ? skip(&w, f, maxk, c->fullweek, &retry) :
			    0;
			if (maxk <= 0)
				retry = NOTIME;
			if (k > 0) {
				f += k * WEEK;
				n += k * c->weeksecs;
				d = lday(c, f) - 1;
				continue;
			}
		}
		if (day_iv(&w, d) == 0 && holiday(c, d)) {
			d = open_from(c, d + 1, dend);
			continue;
		}
		for (i = 0; i < w.n; i++) {
			s = w.iv[i].s > f ? w.iv[i].s : f;
			e = w.iv[i].e < end ? w.iv[i].e : end;
			if (e <= s)
				continue;
			if (e - s >= need - n) {
				*got = need;
				return s + (need - n);
			}
			n += e - s;
			f = e;
		}
		d++;
	}
	*got = n;
	return NOTIME;
}

/* Moves o, an open instant, back to the start of its business interval. */
static int64_t
back(const struct csm_cal *c, int64_t o)
{
	struct walk w;
	int64_t l, d, k, kk;
	size_t i;
	int moved;

	w.c = c;
	w.from = w.until = w.until2 = 0;
	do {
		l = lday(c, o);
		if (c->weeksecs == WEEK) {	/* open all week: skip */
			k = 0;
			for (kk = 1; kk < ((int64_t)1 << 40); kk *= 2) {
				if (o - kk * WEEK < LO + 3 * DAY ||
				    (c->fullweek ? next_exception(c, l - 5 -
				    7 * kk) : irregular(&w, l - 1 - 7 * kk)) <=
				    l + 1)
					break;
				k = kk;
			}
			o -= k * WEEK;
			l = lday(c, o);
		}
		moved = 0;
		for (d = l - 1; d <= l; d++) {
			day_iv(&w, d);
			for (i = 0; i < w.n; i++)
				if (w.iv[i].s < o && w.iv[i].e >= o) {
					o = w.iv[i].s;
					moved = 1;
				}
		}
	} while (moved);
	return o;
}

/* The end of the business interval that holds the open instant o. */
static int64_t
ahead(const struct csm_cal *c, int64_t o)
{
	struct walk w;
	int64_t f = o, d, k, retry;
	size_t i;

	w.c = c;
	w.from = w.until = w.until2 = 0;
	d = retry = lday(c, f) - 1;
	for (;;) {
		if (c->weeksecs == WEEK && d >= retry) {
			k = skip(&w, f, (HI - f) / WEEK, c->fullweek, &retry);
			if (k > 0) {
				f += k * WEEK;
				d = lday(c, f) - 1;
				continue;
			}
		}
		day_iv(&w, d);
		for (i = 0; i < w.n; i++) {
			if (w.iv[i].s > f)
				return f;
			if (w.iv[i].e > f)
				f = w.iv[i].e;
		}
		if (f >= HI)
			return HI;
		if (d >= lday(c, f))
			return f;
		d++;
	}
}

/* Business seconds in [a, b); 0 when b <= a. */
int64_t
csm_cal_elapsed(const struct csm_cal *c, int64_t a, int64_t b)
{
	int64_t n;

	if (a < LO)
		a = LO;
	if (b > HI)
		b = HI;
	if (b <= a)
		return 0;
	if (c->always)
		return b - a;
	run(c, a, b, NOTIME, &n);
	return n;
}

/*
 * The earliest instant t >= start with csm_cal_elapsed(c, start, t) ==
 * secs; start itself when secs <= 0, else CSM_CAL_NEVER when there is no
 * such instant before CSM_TIME_MAX.
 */
int64_t
csm_cal_due(const struct csm_cal *c, int64_t start, int64_t secs)
{
	int64_t t, n;

	if (secs <= 0)
		return start;
	if (start < LO)
		start = LO;
	if (start >= HI || secs > HI - start)
		return CSM_CAL_NEVER;
	if (c->always)
		return start + secs;
	t = run(c, start, HI, secs, &n);
	return t == NOTIME ? CSM_CAL_NEVER : t;
}

/*
 * The business interval that holds t, or else the first after it: 1 and
 * [*open, *close), or 0 when there is none before CSM_TIME_MAX.
 */
int
csm_cal_interval(const struct csm_cal *c, int64_t t, int64_t *open,
    int64_t *close)
{
	int64_t t1, n, o;

	if (t < LO)
		t = LO;
	if (t >= HI)
		return 0;
	if (c->always) {
		*open = LO;
		*close = HI;
		return 1;
	}
	t1 = run(c, t, HI, 1, &n);
	if (t1 == NOTIME)
		return 0;
	o = t1 - 1;
	*close = ahead(c, o);
	*open = o == t && o > LO ? back(c, o) : o;
	return 1;
}

/*
 * A calendar open at every instant (from 1970 to CSM_TIME_MAX) in zone tz
 * (borrowed for the calendar's life).  Returns new, or NULL when out of
 * memory.
 */
struct csm_cal *
csm_cal_always(const struct csm_tz *tz)
{
	struct csm_cal *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->name = strdup("always");
	if (c->name == NULL) {
		free(c);
		return NULL;
	}
	c->tz = tz;
	c->always = 1;
	c->weeksecs = WEEK;
	return c;
}

/* Frees c and everything it owns; NULL is a no-op. */
void
csm_cal_free(struct csm_cal *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < 7; i++) {
		free(c->week[i]);
		free(c->raw[i]);
	}
	for (i = 0; i < c->nwork; i++) {
		free(c->work[i].r);
		free(c->work[i].raw);
	}
	free(c->work);
	free(c->hol);
	csm_tz_free(c->owntz);
	free(c->name);
	free(c);
}

/* The calendar's name (borrowed, valid while c lives). */
const char *
csm_cal_name(const struct csm_cal *c)
{
	return c->name;
}

/* The calendar's zone (borrowed, valid while c lives). */
const struct csm_tz *
csm_cal_tz(const struct csm_cal *c)
{
	return c->tz;
}

static int
range_cmp(const void *a, const void *b)
{
	const struct cal_range *x = a, *y = b;

	return x->s < y->s ? -1 : x->s > y->s ? 1 : x->e < y->e ? -1 :
	    x->e > y->e;
}

/* Sorts ranges by start and merges those that overlap or touch; returns
 * the new count. */
size_t
csm_cal_merge(struct cal_range *r, size_t n)
{
	size_t i, j;

	if (n == 0)
		return 0;
	qsort(r, n, sizeof(*r), range_cmp);
	for (i = 1, j = 0; i < n; i++) {
		if (r[i].s <= r[j].e) {
			if (r[i].e > r[j].e)
				r[j].e = r[i].e;
		} else
			r[++j] = r[i];
	}
	return j + 1;
}

static int
iv_cmp(const void *a, const void *b)
{
	const struct iv *x = a, *y = b;

	return x->s < y->s ? -1 : x->s > y->s;
}

/*
 * The open seconds of a week of c->week at a fixed offset: the ranges of
 * the seven days laid on a circle of a week (Saturday's overnight ranges
 * end on Sunday) and merged.  0, or -1 when out of memory.
 */
int
csm_cal_weeksecs(struct csm_cal *c)
{
	struct iv *v;
	size_t n = 0, i, j;
	int64_t s, e, sum = 0, cs = 0, ce = -1;

	c->fullweek = 1;
	for (i = 0; i < 7; i++) {
		n += c->nweek[i];
		j = (i + 1) % 7;
		if (c->nweek[i] != 1 || c->nweek[j] != 1 ||
		    c->week[i][0].e != c->week[j][0].s + DAY)
			c->fullweek = 0;
	}
	c->weeksecs = 0;
	if (n == 0)
		return 0;
	v = malloc(2 * n * sizeof(*v));
	if (v == NULL)
		return -1;
	n = 0;
	for (i = 0; i < 7; i++)
		for (j = 0; j < c->nweek[i]; j++) {
			s = (int64_t)i * DAY + c->week[i][j].s;
			e = (int64_t)i * DAY + c->week[i][j].e;
			if (e > WEEK) {
				v[n].s = 0;
				v[n++].e = e - WEEK;
				e = WEEK;
			}
			v[n].s = s;
			v[n++].e = e;
		}
	qsort(v, n, sizeof(*v), iv_cmp);
	for (i = 0; i < n; i++) {
		if (v[i].s > ce) {
			sum += ce > cs ? ce - cs : 0;
			cs = v[i].s;
			ce = v[i].e;
		} else if (v[i].e > ce)
			ce = v[i].e;
	}
	sum += ce > cs ? ce - cs : 0;
	free(v);
	c->weeksecs = sum;
	return 0;
}
