/*
 * calendar_conf.c - business calendars from csm.conf(5): the
 * [calendar "name"] section and the iCalendar files (RFC 5545) that its
 * "holidays =" imports.
 *
 *	[calendar "cn-office"]
 *		timezone = Asia/Shanghai
 *		hours = mon-fri 09:00-12:00 13:00-18:00
 *		holiday = 2026-10-01..2026-10-07
 *		holiday = 01-01
 *		workday = 2026-10-10
 *		holidays = cn-2026.ics
 *
 * hours, holiday, workday and holidays add up over their lines.  A range
 * whose end is at or before its start runs past midnight and belongs to
 * the day it starts on (22:00-06:00; 09:00-09:00 is 24 hours).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"
#include "internal.h"

#define ICS_MAX		(16 * 1024 * 1024)
#define ESC		96	/* bytes of a value quoted in a message */

static const char *const keys[] = {
	"timezone", "hours", "holiday", "workday", "holidays", "description",
	NULL
};

static const char *const days[] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat",
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday", "daily", "all", NULL
};

/* A worked day as written: its ranges, or none for Monday's hours. */
struct pend {
	int64_t			 day;
	struct cal_range	*r;
	size_t			 n;
};

struct build {
	struct csm_cal	*c;
	size_t		 capweek[7];
	size_t		 caphol;
	struct pend	*pend;
	size_t		 npend, cappend;
};

/* Makes room for one more of n items of size sz in *p; 0, or -1. */
static int
grow(void *pp, size_t *cap, size_t n, size_t sz)
{
	void **p = pp, *q;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 8;
	q = realloc(*p, c * sz);
	if (q == NULL)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

static int
nomem(struct csm_err *err)
{
	return csm_err_set(err, CSM_EINTERNAL, "out of memory");
}

static const char *
esc(const char *s, char *buf)
{
	return csm_escape(s, strlen(s), buf, ESC);
}

static int
isblank_(int ch)
{
	return ch == ' ' || ch == '\t';
}

static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
num(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int
mdays(int y, int m)
{
	static const int md[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31};

	if (m == 2 && y >= 0 && !((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0))
		return 28;
	return md[m - 1];
}

/*
 * A date: "YYYY-MM-DD" (1: *day gets its day number), or with annual
 * set, also "MM-DD" (2: *m and *d, Feb 29 allowed).  0 if neither.
 */
static int
parse_date(const char *s, size_t n, int annual, int64_t *day, int *m,
    int *d)
{
	int y;

	if (n == 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) &&
	    s[7] == '-' && digits(s + 8, 2)) {
		y = num(s, 4);
		*m = num(s + 5, 2);
		*d = num(s + 8, 2);
		if (*m < 1 || *m > 12 || *d < 1 || *d > mdays(y, *m))
			return 0;
		*day = csm_days_from_civil(y, *m, *d);
		return 1;
	}
	if (annual && n == 5 && digits(s, 2) && s[2] == '-' &&
	    digits(s + 3, 2)) {
		*m = num(s, 2);
		*d = num(s + 3, 2);
		if (*m < 1 || *m > 12 || *d < 1 || *d > mdays(-1, *m))
			return 0;
		return 2;
	}
	return 0;
}

/* "H:MM" or "HH:MM", 00:00 to 24:00, as seconds; -1 if not one. */
static int32_t
parse_clock(const char *s, size_t n)
{
	int h, m;

	if (n == 4 && digits(s, 1) && s[1] == ':' && digits(s + 2, 2)) {
		h = num(s, 1);
		m = num(s + 2, 2);
	} else if (n == 5 && digits(s, 2) && s[2] == ':' &&
	    digits(s + 3, 2)) {
		h = num(s, 2);
		m = num(s + 3, 2);
	} else
		return -1;
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 3600 + m * 60;
}

/*
 * A range "HH:MM-HH:MM" into *r: 0, or -1 with *why.  An end at or
 * before the start is on the next day.
 */
static int
parse_range(const char *s, size_t n, struct cal_range *r, const char **why)
{
	const char *dash = memchr(s, '-', n);
	int32_t a, b;

	*why = "expected HH:MM-HH:MM";
	if (dash == NULL)
		return -1;
	a = parse_clock(s, (size_t)(dash - s));
	b = parse_clock(dash + 1, n - (size_t)(dash - s) - 1);
	if (a < 0 || b < 0)
		return -1;
	if (a == CAL_DAY) {
		*why = "24:00 can only end a range";
		return -1;
	}
	if (b <= a)
		b += CAL_DAY;
	r->s = a;
	r->e = b;
	return 0;
}

/* A day name: 0 = Sunday .. 6, 7 for every day, -1 if none. */
static int
day_name(const char *s, size_t n)
{
	int i;

	for (i = 0; days[i] != NULL; i++)
		if (strlen(days[i]) == n && strncasecmp(days[i], s, n) == 0)
			return i < 14 ? i % 7 : 7;
	return -1;
}

/*
 * Days "mon", "mon-fri", "fri-mon" (wrapping), "mon,wed,fri", "daily":
 * a mask of bits 0 = Sunday .. 6.  0, or -1 with the bad name in
 * bad[0..*badn).
 */
static int
parse_days(const char *s, size_t n, unsigned *mask, const char **bad,
    size_t *badn)
{
	const char *p = s, *end = s + n, *item, *dash;
	size_t len;
	int a, b;

	*mask = 0;
	while (p <= end) {
		item = p;
		while (p < end && *p != ',')
			p++;
		len = (size_t)(p - item);
		dash = memchr(item, '-', len);
		*bad = item;
		*badn = dash ? (size_t)(dash - item) : len;
		a = day_name(item, *badn);
		if (a < 0)
			return -1;
		b = a;
		if (dash != NULL) {
			*bad = dash + 1;
			*badn = len - (size_t)(dash - item) - 1;
			b = day_name(dash + 1, *badn);
			if (b < 0 || b == 7 || a == 7)
				return -1;
		}
		if (a == 7)
			*mask |= 0x7f;
		else
			for (;; a = (a + 1) % 7) {
				*mask |= 1u << a;
				if (a == b)
					break;
			}
		p++;
	}
	return 0;
}

/* The next word of s from *p (blanks between), or 0 at the end. */
static size_t
word(const char *s, size_t *p, const char **w)
{
	size_t i = *p, start;

	while (isblank_(s[i]))
		i++;
	start = i;
	while (s[i] != '\0' && !isblank_(s[i]))
		i++;
	*w = s + start;
	*p = i;
	return i - start;
}

static int
add_range(struct build *b, int wd, struct cal_range r)
{
	struct csm_cal *c = b->c;

	if (grow(&c->week[wd], &b->capweek[wd], c->nweek[wd],
	    sizeof(r)) < 0)
		return -1;
	c->week[wd][c->nweek[wd]++] = r;
	return 0;
}

/* hours = DAYS RANGE... */
static int
hours(struct build *b, const struct csm_conf_entry *e, struct csm_err *err)
{
	const char *v = e->value, *w, *why, *bad, *hint;
	char buf[ESC], buf2[ESC], tmp[ESC];
	struct cal_range r;
	size_t p = 0, n, badn, count = 0;
	unsigned mask;
	int wd;

	n = word(v, &p, &w);
	if (n == 0)
		return csm_conf_error(e, err, "bad hours '': expected days "
		    "and ranges, as in 'hours = mon-fri 09:00-18:00'");
	if (parse_days(w, n, &mask, &bad, &badn) < 0) {
		memcpy(tmp, bad, badn < ESC ? badn : ESC - 1);
		tmp[badn < ESC ? badn : ESC - 1] = '\0';
		hint = csm_conf_suggest(tmp, days);
		return csm_conf_error(e, err, "bad hours '%s': unknown day "
		    "'%s' (%s%s%s)", esc(v, buf), esc(tmp, buf2),
		    hint ? "did you mean '" : "expected mon, tue, wed, thu, "
		    "fri, sat, sun, daily, a range mon-fri or a list mon,wed",
		    hint ? hint : "", hint ? "'?" : "");
	}
	while ((n = word(v, &p, &w)) > 0) {
		if (parse_range(w, n, &r, &why) < 0) {
			return csm_conf_error(e, err, "bad hours '%s': %s, not "
			    "'%s'", esc(v, buf), why, csm_escape(w, n, buf2,
			    sizeof(buf2)));
		}
		for (wd = 0; wd < 7; wd++)
			if (mask & (1u << wd) && add_range(b, wd, r) < 0)
				return nomem(err);
		count++;
	}
	if (count == 0)
		return csm_conf_error(e, err, "bad hours '%s': expected "
		    "HH:MM-HH:MM ranges after the days", esc(v, buf));
	return 0;
}

static int
add_holiday(struct build *b, int64_t from, int64_t to)
{
	struct csm_cal *c = b->c;

	if (grow(&c->hol, &b->caphol, c->nhol, sizeof(*c->hol)) < 0)
		return -1;
	c->hol[c->nhol].from = from;
	c->hol[c->nhol++].to = to;
	return 0;
}

static void
set_annual(struct csm_cal *c, int i)
{
	c->annual[i / 8] |= (uint8_t)(1u << (i % 8));
	c->hasannual = 1;
}

/* holiday = DATE | DATE..DATE | MM-DD | MM-DD..MM-DD */
static int
holiday(struct build *b, const struct csm_conf_entry *e, struct csm_err *err)
{
	const char *v = e->value, *dots = strstr(v, "..");
	size_t n1 = dots ? (size_t)(dots - v) : strlen(v);
	int64_t d1 = 0, d2 = 0;
	int k1, k2, m1 = 0, m2 = 0, dd1 = 0, dd2 = 0, i;
	char buf[ESC];

	k1 = parse_date(v, n1, 1, &d1, &m1, &dd1);
	k2 = dots ? parse_date(dots + 2, strlen(dots + 2), 1, &d2, &m2,
	    &dd2) : k1;
	if (!dots) {
		d2 = d1;
		m2 = m1;
		dd2 = dd1;
	}
	if (k1 == 0 || k2 == 0 || k1 != k2)
		return csm_conf_error(e, err, "bad holiday '%s': expected "
		    "YYYY-MM-DD or MM-DD, or a range of them as in "
		    "2026-10-01..2026-10-07", esc(v, buf));
	if (k1 == 1) {
		if (d2 < d1)
			return csm_conf_error(e, err, "bad holiday '%s': the "
			    "range ends before it starts", esc(v, buf));
		return add_holiday(b, d1, d2) < 0 ? nomem(err) : 0;
	}
	if (csm_cal_yday(m2, dd2) < csm_cal_yday(m1, dd1))
		return csm_conf_error(e, err, "bad holiday '%s': the range "
		    "ends before it starts (one spanning New Year is two: "
		    "12-31 and 01-01)", esc(v, buf));
	for (i = csm_cal_yday(m1, dd1); i <= csm_cal_yday(m2, dd2); i++)
		set_annual(b->c, i);
	return 0;
}

/* workday = DATE [RANGE...] */
static int
workday(struct build *b, const struct csm_conf_entry *e, struct csm_err *err)
{
	const char *v = e->value, *w, *why;
	char buf[ESC], buf2[ESC];
	struct pend *pd;
	struct cal_range r;
	size_t p = 0, n, cap = 0;
	int64_t day;
	int m, d;

	n = word(v, &p, &w);
	if (parse_date(w, n, 0, &day, &m, &d) != 1)
		return csm_conf_error(e, err, "bad workday '%s': expected "
		    "YYYY-MM-DD and optional HH:MM-HH:MM ranges",
		    esc(v, buf));
	if (grow(&b->pend, &b->cappend, b->npend, sizeof(*b->pend)) < 0)
		return nomem(err);
	pd = &b->pend[b->npend++];
	pd->day = day;
	pd->r = NULL;
	pd->n = 0;
	while ((n = word(v, &p, &w)) > 0) {
		if (parse_range(w, n, &r, &why) < 0) {
			return csm_conf_error(e, err, "bad workday '%s': %s, "
			    "not '%s'", esc(v, buf), why, csm_escape(w, n, buf2,
			    sizeof(buf2)));
		}
		if (grow(&pd->r, &cap, pd->n, sizeof(r)) < 0)
			return nomem(err);
		pd->r[pd->n++] = r;
	}
	return 0;
}

/*
 * iCalendar: the all-day VEVENTs of a file.
 */

struct ics {
	struct build			*b;
	const struct csm_conf_entry	*e;
	const char			*path;
	int				 ev, sub, timed, cancelled;
	int64_t				 start, end, dur;
	int				 hasstart, hasend;
};

/* "YYYYMMDD" as a day: 0, or -1. */
static int
ics_date(const char *s, size_t n, int64_t *day)
{
	int y, m, d;

	if (n != 8 || !digits(s, 8))
		return -1;
	y = num(s, 4);
	m = num(s + 4, 2);
	d = num(s + 6, 2);
	if (m < 1 || m > 12 || d < 1 || d > mdays(y, m))
		return -1;
	*day = csm_days_from_civil(y, m, d);
	return 0;
}

static int
ics_bad(struct ics *x, long line, const char *what, const char *val,
    size_t n, struct csm_err *err)
{
	char buf[ESC], buf2[ESC];

	return csm_conf_error(x->e, err, "%s:%ld: bad %s '%s'",
	    esc(x->path, buf), line, what,
	    csm_escape(val, n, buf2, sizeof(buf2)));
}

/* Ends a VEVENT: an all-day one becomes holidays. */
static int
ics_event(struct ics *x)
{
	int64_t end;

	if (!x->hasstart || x->timed || x->cancelled)
		return 0;
	end = x->hasend ? x->end : x->start + (x->dur > 0 ? x->dur : 1);
	if (end <= x->start)
		end = x->start + 1;
	return add_holiday(x->b, x->start, end - 1);
}

/* One unfolded content line "NAME;PARAMS:VALUE". */
static int
ics_line(struct ics *x, const char *s, size_t n, long line,
    struct csm_err *err)
{
	const char *colon = NULL, *semi, *v;
	size_t nn, vn, i;
	int quoted = 0, date, isstart;
	int64_t day;

	for (i = 0; i < n && colon == NULL; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (s[i] == ':' && !quoted)
			colon = s + i;
	}
	if (colon == NULL)
		return 0;
	semi = memchr(s, ';', (size_t)(colon - s));
	nn = (size_t)((semi ? semi : colon) - s);
	v = colon + 1;
	vn = n - (size_t)(v - s);
#define IS(name) (nn == strlen(name) && strncasecmp(s, name, nn) == 0)
#define VAL(val) (vn == strlen(val) && strncasecmp(v, val, vn) == 0)
	if (IS("BEGIN")) {
		if (x->ev)
			x->sub++;
		else if (VAL("VEVENT")) {
			x->ev = 1;
			x->sub = x->timed = x->cancelled = 0;
			x->hasstart = x->hasend = 0;
			x->dur = 0;
		}
		return 0;
	}
	if (IS("END")) {
		if (x->ev && x->sub > 0)
			x->sub--;
		else if (x->ev && VAL("VEVENT")) {
			x->ev = 0;
			if (ics_event(x) < 0)
				return nomem(err);
		}
		return 0;
	}
	if (!x->ev || x->sub > 0)
		return 0;
	if (IS("STATUS")) {
		x->cancelled = VAL("CANCELLED");
		return 0;
	}
	if (IS("DURATION")) {
		/* All-day events give whole days or weeks: P3D, P1W. */
		if (vn >= 3 && (v[0] == 'P' || v[0] == 'p') &&
		    digits(v + 1, vn - 2) && vn - 2 <= 5 &&
		    (v[vn - 1] == 'D' || v[vn - 1] == 'W' ||
		    v[vn - 1] == 'd' || v[vn - 1] == 'w')) {
			x->dur = num(v + 1, vn - 2);
			if (v[vn - 1] == 'W' || v[vn - 1] == 'w')
				x->dur *= 7;
		} else
			x->timed = 1;	/* hours: not an all-day event */
		return 0;
	}
	isstart = IS("DTSTART");
	if (!isstart && !IS("DTEND"))
		return 0;
#undef IS
#undef VAL
	/* VALUE=DATE, or a bare date: a time ("T") is a timed event. */
	date = memchr(v, 'T', vn) == NULL && memchr(v, 't', vn) == NULL;
	if (!date) {
		x->timed = 1;
		return 0;
	}
	if (ics_date(v, vn, &day) < 0)
		return ics_bad(x, line, isstart ? "DTSTART date" :
		    "DTEND date", v, vn, err);
	if (isstart) {
		x->start = day;
		x->hasstart = 1;
	} else {
		x->end = day;
		x->hasend = 1;
	}
	return 0;
}

/* Reads the whole file at path: new text and *len, or NULL with errno. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *q;
	size_t cap = 0, n = 0, r;
	int eno;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			if (cap >= ICS_MAX) {
				errno = EFBIG;
				break;
			}
			cap = cap ? cap * 2 : 4096;
			if ((q = realloc(buf, cap + 1)) == NULL)
				break;
			buf = q;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0) {
			if (ferror(f))
				break;
			fclose(f);
			buf[n] = '\0';
			*len = n;
			return buf;
		}
	}
	eno = errno;
	fclose(f);
	free(buf);
	errno = eno;
	return NULL;
}

/* holidays = FILE: the all-day events of an iCalendar file. */
static int
holidays(struct build *b, const struct csm_conf_entry *e,
    struct csm_err *err)
{
	struct ics x;
	char *path, *text, *out, buf[ESC];
	size_t len, pos = 0, o, l;
	long line = 1, first;
	int rc = 0;

	if (e->value[0] == '\0')
		return csm_conf_error(e, err, "holidays: expected the path "
		    "of an iCalendar file");
	path = csm_conf_relative(e->file, e->value);
	if (path == NULL)
		return nomem(err);
	errno = 0;
	text = slurp(path, &len);
	if (text == NULL) {
		rc = errno == ENOMEM || errno == 0 ? nomem(err) :
		    csm_conf_error(e, err, "holidays: cannot read '%s': %s",
		    esc(path, buf), strerror(errno));
		free(path);
		return rc;
	}
	out = malloc(len + 1);
	if (out == NULL) {
		free(text);
		free(path);
		return nomem(err);
	}
	memset(&x, 0, sizeof(x));
	x.b = b;
	x.e = e;
	x.path = path;
	/* Unfold: a line that starts with a blank continues the last. */
	while (pos < len && rc == 0) {
		first = line;
		o = 0;
		for (;;) {
			l = pos;
			while (l < len && text[l] != '\n')
				l++;
			memcpy(out + o, text + pos, l - pos);
			o += l - pos;
			if (l > pos && text[l - 1] == '\r')
				o--;
			pos = l < len ? l + 1 : l;
			line += l < len;
			if (pos < len && isblank_(text[pos]))
				pos++;
			else
				break;
		}
		rc = ics_line(&x, out, o, first, err);
	}
	free(out);
	free(text);
	free(path);
	return rc;
}

/* Sorts the dated holidays and merges those that overlap or touch. */
static int
hol_cmp(const void *a, const void *b)
{
	const struct cal_hol *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

static int
pend_cmp(const void *a, const void *b)
{
	const struct pend *x = a, *y = b;

	return x->day < y->day ? -1 : x->day > y->day;
}

static int
wd_of(int64_t d)
{
	int64_t r = d % 7;

	if (r < 0)
		r += 7;
	return (int)((r + 4) % 7);
}

/* Appends n ranges to *r (count *rn, room *cap); 0, or -1. */
static int
append(struct cal_range **r, size_t *rn, size_t *cap,
    const struct cal_range *add, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (grow(r, cap, *rn, sizeof(**r)) < 0)
			return -1;
		(*r)[(*rn)++] = add[i];
	}
	return 0;
}

/*
 * Makes the calendar's tables: each weekday's ranges merged, the worked
 * days (one per date, with their weekday's hours) and the holidays
 * sorted.  0, or -1 when out of memory.
 */
static int
finish(struct build *b)
{
	struct csm_cal *c = b->c;
	struct cal_work *w;
	size_t i, j, k, cap;

	for (i = 0; i < 7; i++) {
		cap = 0;
		if (append(&c->raw[i], &c->nraw[i], &cap, c->week[i],
		    c->nweek[i]) < 0)
			return -1;
		c->nweek[i] = csm_cal_merge(c->week[i], c->nweek[i]);
	}
	if (c->nhol > 0) {
		qsort(c->hol, c->nhol, sizeof(*c->hol), hol_cmp);
		for (i = 1, j = 0; i < c->nhol; i++) {
			if (c->hol[i].from <= c->hol[j].to + 1) {
				if (c->hol[i].to > c->hol[j].to)
					c->hol[j].to = c->hol[i].to;
			} else
				c->hol[++j] = c->hol[i];
		}
		c->nhol = j + 1;
	}
	if (b->npend > 0)
		qsort(b->pend, b->npend, sizeof(*b->pend), pend_cmp);
	if (b->npend > 0 && (c->work = calloc(b->npend,
	    sizeof(*c->work))) == NULL)
		return -1;
	for (i = 0; i < b->npend; i = j) {
		w = &c->work[c->nwork++];
		w->day = b->pend[i].day;
		cap = 0;
		k = (size_t)wd_of(w->day);
		if (append(&w->raw, &w->nraw, &cap, c->raw[k], c->nraw[k]) < 0)
			return -1;
		for (j = i; j < b->npend && b->pend[j].day == w->day; j++)
			if (b->pend[j].n > 0 ? append(&w->raw, &w->nraw, &cap,
			    b->pend[j].r, b->pend[j].n) : append(&w->raw,
			    &w->nraw, &cap, c->raw[1], c->nraw[1]))
				return -1;
		cap = 0;
		if (append(&w->r, &w->n, &cap, w->raw, w->nraw) < 0)
			return -1;
		w->n = csm_cal_merge(w->r, w->n);
	}
	return csm_cal_weeksecs(c);
}

/* The zone: the calendar's timezone, else [core] timezone, else the
 * system's. */
static int
zone(struct csm_cal *c, const struct csm_conf *conf,
    const struct csm_conf_entry *tz, struct csm_err *err)
{
	char buf[ESC];

	if (tz == NULL)
		tz = csm_conf_get(conf, "core", NULL, "timezone");
	if (tz != NULL && tz->value[0] == '\0')
		return csm_conf_error(tz, err, "timezone: expected a time "
		    "zone, as in 'timezone = Asia/Shanghai'");
	c->owntz = csm_tz_load(tz ? tz->value : NULL, err);
	if (c->owntz == NULL) {
		if (tz != NULL)
			return csm_conf_error(tz, err, "unknown time zone "
			    "'%s'", esc(tz->value, buf));
		return -1;
	}
	c->tz = c->owntz;
	return 0;
}

/* Whether conf has a [calendar "name"] header or entry. */
static int
exists(const struct csm_conf *conf, const char *name)
{
	const struct csm_conf_section *s;
	size_t n, i;

	s = csm_conf_sections(conf, &n);
	for (i = 0; i < n; i++)
		if (strcmp(s[i].section, "calendar") == 0 &&
		    s[i].name != NULL && strcmp(s[i].name, name) == 0)
			return 1;
	return 0;
}

static int
entry(struct build *b, const struct csm_conf_entry *e,
    const struct csm_conf_entry **tz, struct csm_err *err)
{
	const char *k = e->key;
	char buf[ESC];

	if (strcmp(k, "hours") == 0)
		return hours(b, e, err);
	if (strcmp(k, "holiday") == 0)
		return holiday(b, e, err);
	if (strcmp(k, "workday") == 0)
		return workday(b, e, err);
	if (strcmp(k, "holidays") == 0)
		return holidays(b, e, err);
	if (strcmp(k, "description") == 0)
		return 0;
	if (strcmp(k, "timezone") == 0) {
		if (*tz != NULL)
			return csm_conf_error(e, err, "'timezone' in "
			    "[calendar \"%s\"] is set twice (first at %s:%ld)",
			    esc(e->name, buf), (*tz)->file, (*tz)->line);
		*tz = e;
		return 0;
	}
	return csm_conf_unknown_key(e, keys, err);
}

/*
 * Builds [calendar "name"] of conf (borrowed during the call).  Returns
 * new, or NULL with err: CSM_ECONFIG for a bad entry (file:line:col) or
 * an unknown name, CSM_EINTERNAL when out of memory.
 */
struct csm_cal *
csm_cal_new(const struct csm_conf *conf, const char *name,
    struct csm_err *err)
{
	const struct csm_conf_entry *v, *tz = NULL;
	struct build b;
	size_t n = 0, i;
	char buf[ESC];
	int rc = 0;

	if (conf == NULL || name == NULL || !exists(conf, name)) {
		csm_err_set(err, CSM_ECONFIG, "no [calendar \"%s\"] in the "
		    "configuration", name ? esc(name, buf) : "");
		return NULL;
	}
	memset(&b, 0, sizeof(b));
	b.c = calloc(1, sizeof(*b.c));
	if (b.c == NULL || (b.c->name = strdup(name)) == NULL) {
		free(b.c);
		nomem(err);
		return NULL;
	}
	v = csm_conf_entries(conf, &n);
	for (i = 0; i < n && rc == 0; i++)
		if (strcmp(v[i].section, "calendar") == 0 &&
		    v[i].name != NULL && strcmp(v[i].name, name) == 0)
			rc = entry(&b, &v[i], &tz, err);
	if (rc == 0)
		rc = zone(b.c, conf, tz, err);
	if (rc == 0 && finish(&b) < 0)
		rc = nomem(err);
	for (i = 0; i < b.npend; i++)
		free(b.pend[i].r);
	free(b.pend);
	if (rc != 0) {
		csm_cal_free(b.c);
		return NULL;
	}
	return b.c;
}

/* The calendar an entry names (calendar.h). */
struct csm_cal *
cal_named_by(const struct csm_conf *conf, const struct csm_conf_entry *e,
    struct csm_err *err)
{
	struct csm_cal *c;
	struct csm_err cerr;

	if ((c = csm_cal_new(conf, e->value, &cerr)) != NULL)
		return c;
	if (cerr.code == CSM_ECONFIG && strncmp(cerr.msg, "no [calendar",
	    12) == 0)
		csm_conf_error(e, err, "%s: %s", e->key, cerr.msg);
	else
		csm_err_set(err, cerr.code, "%s", cerr.msg);
	return NULL;
}
