/*
 * time.c - instants, time zones and durations.
 *
 * Zones are read from TZif files (RFC 8536, versions 1 to 4) and their POSIX
 * TZ footers, never through tzset(3) or localtime(3): a loaded zone is
 * read-only and may be shared by threads.  Footer transitions are tabulated
 * at load time up to EXT_YEAR, so that the common case is a binary search;
 * later instants are computed from the footer rule on each call.
 *
 * Instants are int64_t seconds since the epoch without leap seconds.  Local
 * times saturate at 0000-01-01T00:00:00 and 9999-12-31T23:59:59.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csm.h"
#include "internal.h"

#define DAY		86400
#define TZDIR_DEFAULT	"/usr/share/zoneinfo"
#define LOCALTIME	"/etc/localtime"
#define TZIF_MAX	(1024 * 1024)	/* no real zone file is this big */
#define OFF_MIN		(-89999)	/* RFC 8536: -25:59:59 */
#define OFF_MAX		93599		/* RFC 8536: +25:59:59 */
#define EXT_FROM	1800		/* footer tabulated from this year */
#define EXT_YEAR	2100		/* up to this one */
#define TCLAMP		((int64_t)1 << 50)	/* about 35 million years */
#define LOCAL_MIN	(-62167219200LL)	/* 0000-01-01T00:00:00 */
#define LOCAL_MAX	253402300799LL		/* 9999-12-31T23:59:59 */
#define DAYS_CLAMP	((int64_t)1 << 39)	/* keeps years within int */
#define QUOTE_MAX	60		/* bytes of input text in a message */

/* A rule date of a POSIX TZ string: Jn, n or Mm.w.d, and a time. */
struct rule {
	char	kind;		/* 'J' (1..365, no Feb 29), 'D' (0..365), 'M' */
	int	day;		/* for 'J' and 'D' */
	int	mon, week, wday;	/* for 'M' */
	int32_t	time;		/* seconds from local midnight, -167h..167h */
};

/* A POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0"). */
struct posix {
	int32_t		std, dst;	/* seconds east of UTC */
	int		hasdst;
	struct rule	start, end;	/* start in standard, end in DST time */
};

/* One footer transition. */
struct ev {
	int64_t	t;
	int32_t	off;
};

struct csm_tz {
	char		*name;		/* as given */
	int64_t		*when;		/* transitions, strictly ascending */
	int32_t		*off;		/* offset from when[i] on */
	size_t		 n, cap;
	int32_t		 first;		/* offset before when[0] */
	int		 hasfoot;	/* foot governs from tabend on */
	int64_t		 tabend;
	struct posix	 foot;
};

/* a / b rounded toward minus infinity (internal.h). */
int64_t
csm_fdiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if (a % b != 0 && (a < 0) != (b < 0))
		q--;
	return q;
}

#define fdiv csm_fdiv

static int64_t
fmod64(int64_t a, int64_t b)
{
	return a - fdiv(a, b) * b;
}

static int64_t
clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int
isleap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
mdays(int64_t y, int m)
{
	static const unsigned char n[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && isleap(y) ? 29 : n[m - 1];
}

/*
 * Days since 1970-01-01 of a proleptic Gregorian date.  Months outside
 * 1..12 and days outside the month carry over into the year and month, as
 * in mktime(3).  Never fails.
 */
int64_t
csm_days_from_civil(int y, int m, int d)
{
	int64_t yy, mm, era, yoe, doy, doe;

	/* Count years from March, so that Feb 29 ends a year. */
	yy = (int64_t)y + fdiv((int64_t)m - 1, 12);
	mm = fmod64((int64_t)m - 1, 12) + 1;
	if (mm <= 2)
		yy--;
	era = fdiv(yy, 400);
	yoe = yy - era * 400;
	doy = (153 * (mm > 2 ? mm - 3 : mm + 9) + 2) / 5 + (int64_t)d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * The proleptic Gregorian date of a day counted from 1970-01-01.  Days
 * beyond about four billion years saturate, so that the year fits an int.
 */
void
csm_civil_from_days(int64_t days, int *y, int *m, int *d)
{
	int64_t z, era, doe, yoe, doy, mp, mm;

	z = clamp(days, -DAYS_CLAMP, DAYS_CLAMP) + 719468;
	era = fdiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	mm = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = (int)mm;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
}

/* Fills tm from local seconds ls (already within LOCAL_MIN..LOCAL_MAX). */
static void
breakdown(int64_t ls, int32_t off, struct csm_tm *tm)
{
	int64_t days = fdiv(ls, DAY), sod = ls - days * DAY;

	csm_civil_from_days(days, &tm->year, &tm->mon, &tm->day);
	tm->hour = (int)(sod / 3600);
	tm->min = (int)(sod / 60 % 60);
	tm->sec = (int)(sod % 60);
	tm->wday = (int)fmod64(days + 4, 7);
	tm->yday = (int)(days - csm_days_from_civil(tm->year, 1, 1));
	tm->off = off;
}

/*
 * POSIX TZ strings, with the extensions of RFC 8536 section 3.3.1: rule
 * times from -167 to 167 hours.
 */

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

static int
isalph(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Up to maxdig decimal digits at *pp; 0 or -1 if there is none. */
static int
pnum(const char **pp, const char *e, int maxdig, int *v)
{
	const char *p = *pp;
	int n = 0, d = 0;

	while (p < e && d < maxdig && isdig(*p)) {
		n = n * 10 + (*p++ - '0');
		d++;
	}
	if (d == 0)
		return -1;
	*pp = p;
	*v = n;
	return 0;
}

/* [+-]hh[:mm[:ss]] with hh <= maxh, as seconds. */
static int
phms(const char **pp, const char *e, int maxh, int32_t *secs)
{
	const char *p = *pp;
	int sign = 1, h, m = 0, s = 0;

	if (p < e && (*p == '+' || *p == '-'))
		sign = *p++ == '-' ? -1 : 1;
	if (pnum(&p, e, 3, &h) == -1 || h > maxh)
		return -1;
	if (p < e && *p == ':') {
		p++;
		if (pnum(&p, e, 2, &m) == -1 || m > 59)
			return -1;
		if (p < e && *p == ':') {
			p++;
			if (pnum(&p, e, 2, &s) == -1 || s > 59)
				return -1;
		}
	}
	*pp = p;
	*secs = sign * (h * 3600 + m * 60 + s);
	return 0;
}

/* A zone abbreviation: three or more letters, or <...> quoted. */
static int
pname(const char **pp, const char *e)
{
	const char *p = *pp, *q;

	if (p < e && *p == '<') {
		q = ++p;
		while (p < e && (isalph(*p) || isdig(*p) || *p == '+' ||
		    *p == '-'))
			p++;
		if (p == e || *p != '>' || p - q < 3)
			return -1;
		p++;
	} else {
		q = p;
		while (p < e && isalph(*p))
			p++;
		if (p - q < 3)
			return -1;
	}
	*pp = p;
	return 0;
}

static int
prule(const char **pp, const char *e, struct rule *r)
{
	const char *p = *pp;

	if (p == e)
		return -1;
	if (*p == 'J') {
		p++;
		r->kind = 'J';
		if (pnum(&p, e, 3, &r->day) == -1 || r->day < 1 ||
		    r->day > 365)
			return -1;
	} else if (*p == 'M') {
		p++;
		r->kind = 'M';
		if (pnum(&p, e, 2, &r->mon) == -1 || r->mon < 1 ||
		    r->mon > 12 || p == e || *p++ != '.' ||
		    pnum(&p, e, 1, &r->week) == -1 || r->week < 1 ||
		    r->week > 5 || p == e || *p++ != '.' ||
		    pnum(&p, e, 1, &r->wday) == -1 || r->wday > 6)
			return -1;
	} else {
		r->kind = 'D';
		if (pnum(&p, e, 3, &r->day) == -1 || r->day > 365)
			return -1;
	}
	r->time = 7200;
	if (p < e && *p == '/') {
		p++;
		if (phms(&p, e, 167, &r->time) == -1)
			return -1;
	}
	*pp = p;
	return 0;
}

/* Parses all of s[0..len) into *tz; 0, or -1 if it is not a TZ string. */
static int
tzstr_parse(const char *s, size_t len, struct posix *tz)
{
	const char *p = s, *e = s + len;
	int32_t v;

	memset(tz, 0, sizeof(*tz));
	if (pname(&p, e) == -1 || phms(&p, e, 24, &v) == -1)
		return -1;
	tz->std = -v;
	if (p == e)
		return 0;
	if (pname(&p, e) == -1)
		return -1;
	tz->dst = tz->std + 3600;
	if (p < e && *p != ',') {
		if (phms(&p, e, 24, &v) == -1)
			return -1;
		tz->dst = -v;
	}
	if (p == e) {
		/* No rules: the US ones, as glibc does without posixrules. */
		tz->start = (struct rule){'M', 0, 3, 2, 0, 7200};
		tz->end = (struct rule){'M', 0, 11, 1, 0, 7200};
	} else if (*p++ != ',' || prule(&p, e, &tz->start) == -1 ||
	    p == e || *p++ != ',' || prule(&p, e, &tz->end) == -1 || p != e) {
		return -1;
	}
	tz->hasdst = 1;
	return 0;
}

/* The day (since the epoch) on which rule r falls in year y. */
static int64_t
rule_day(const struct rule *r, int64_t y)
{
	int64_t d, jan1 = csm_days_from_civil((int)y, 1, 1);
	int md;

	switch (r->kind) {
	case 'J':
		return jan1 + r->day - 1 + (r->day >= 60 && isleap(y));
	case 'D':
		return jan1 + r->day;
	default:
		d = csm_days_from_civil((int)y, r->mon, 1);
		md = 1 + (int)fmod64(r->wday - (d + 4), 7) + 7 * (r->week - 1);
		while (md > mdays(y, r->mon))
			md -= 7;
		return d + md - 1;
	}
}

/*
 * The transitions of the rule in the five years around t, sorted; returns
 * their number.  As in tzcode, a year whose DST period lasts the whole
 * year or longer has none: DST is in effect all year (RFC 8536, 3.3.1).
 */
static int
foot_events(const struct posix *tz, int64_t t, struct ev ev[10])
{
	struct ev x;
	int64_t y, s, e;
	int i, j, n = 0, yy, mm, dd;

	csm_civil_from_days(fdiv(t + tz->std, DAY), &yy, &mm, &dd);
	for (y = (int64_t)yy - 2; y <= (int64_t)yy + 2; y++) {
		s = rule_day(&tz->start, y) * DAY + tz->start.time - tz->std;
		e = rule_day(&tz->end, y) * DAY + tz->end.time - tz->dst;
		if (s <= e && e - s >= (365 + isleap(y)) * DAY)
			continue;
		ev[n].t = s;
		ev[n++].off = tz->dst;
		ev[n].t = e;
		ev[n++].off = tz->std;
	}
	/* Stable: of two at one instant, the later year's comes last. */
	for (i = 1; i < n; i++) {
		x = ev[i];
		for (j = i; j > 0 && ev[j - 1].t > x.t; j--)
			ev[j] = ev[j - 1];
		ev[j] = x;
	}
	return n;
}

/* The offset in effect at t after the n events ev, sorted; its index in
 * *at (-1 if none is at or before t). */
static int32_t
foot_state(const struct posix *tz, const struct ev *ev, int n, int64_t t,
    int *at)
{
	int i = -1;

	while (i + 1 < n && ev[i + 1].t <= t)
		i++;
	*at = i;
	if (i >= 0)
		return ev[i].off;
	return n == 0 ? tz->dst : tz->std;
}

static int32_t
foot_offset(const struct posix *tz, int64_t t)
{
	struct ev ev[10];
	int n, i;

	if (!tz->hasdst)
		return tz->std;
	t = clamp(t, -TCLAMP, TCLAMP);
	n = foot_events(tz, t, ev);
	return foot_state(tz, ev, n, t, &i);
}

/* The first change of offset after t: 1 and *when, *off, or 0 if none. */
static int
foot_next(const struct posix *tz, int64_t t, int64_t *when, int32_t *off)
{
	struct ev ev[10];
	int32_t cur;
	int n, i;

	if (!tz->hasdst || t >= TCLAMP)
		return 0;
	t = clamp(t, -TCLAMP, TCLAMP);
	n = foot_events(tz, t, ev);
	cur = foot_state(tz, ev, n, t, &i);
	for (i++; i < n; i++) {
		/* Of events at one instant, the last one counts. */
		if (i + 1 < n && ev[i + 1].t == ev[i].t)
			continue;
		if (ev[i].off != cur) {
			*when = ev[i].t;
			*off = ev[i].off;
			return 1;
		}
	}
	return 0;
}

/*
 * Zones.
 */

static int32_t
offset_at(const struct csm_tz *tz, int64_t t)
{
	size_t lo, hi, mid;

	if (tz->hasfoot && t >= tz->tabend)
		return foot_offset(&tz->foot, t);
	if (tz->n == 0 || t < tz->when[0])
		return tz->first;
	lo = 0;
	hi = tz->n;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (tz->when[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->off[lo];
}

/* The first transition after t: 1 and *when, *off, or 0 if none. */
static int
next_after(const struct csm_tz *tz, int64_t t, int64_t *when, int32_t *off)
{
	size_t lo = 0, hi = tz->n, mid;

	if (!tz->hasfoot || t < tz->tabend) {
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (tz->when[mid] <= t)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < tz->n) {
			*when = tz->when[lo];
			*off = tz->off[lo];
			return 1;
		}
	}
	return tz->hasfoot && foot_next(&tz->foot, t, when, off);
}

static int
push(struct csm_tz *tz, int64_t t, int32_t off)
{
	size_t cap;
	int64_t *w;
	int32_t *o;

	if (tz->n == tz->cap) {
		cap = tz->cap ? tz->cap * 2 : 64;
		if ((w = realloc(tz->when, cap * sizeof(*w))) == NULL)
			return -1;
		tz->when = w;
		if ((o = realloc(tz->off, cap * sizeof(*o))) == NULL)
			return -1;
		tz->off = o;
		tz->cap = cap;
	}
	tz->when[tz->n] = t;
	tz->off[tz->n++] = off;
	return 0;
}

/*
 * Tabulates the footer's transitions after the last one of the file up to
 * EXT_YEAR, unless that is before EXT_FROM (then the footer is computed on
 * demand: a damaged file must not cost millions of entries).  Returns 0,
 * or -1 if out of memory.
 */
static int
extend(struct csm_tz *tz)
{
	int64_t t, next, limit = csm_days_from_civil(EXT_YEAR, 1, 1) * DAY;
	int32_t off;

	if (!tz->hasfoot)
		return 0;
	if (tz->n == 0) {
		tz->tabend = INT64_MIN;
		return 0;
	}
	t = tz->tabend = tz->when[tz->n - 1];
	if (t < csm_days_from_civil(EXT_FROM, 1, 1) * DAY || t >= limit)
		return 0;
	tz->tabend = limit;
	while (foot_next(&tz->foot, t, &next, &off) && next < limit) {
		if (push(tz, next, off) == -1)
			return -1;
		t = next;
	}
	return 0;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	uint64_t u = (uint64_t)be32(p) << 32 | be32(p + 4);

	return u > INT64_MAX ? -(int64_t)(~u) - 1 : (int64_t)u;
}

static int64_t
sbe32(const unsigned char *p)
{
	uint32_t u = be32(p);

	return u > INT32_MAX ? -(int64_t)(~u) - 1 : (int64_t)u;
}

/* TZif header counts, in file order. */
enum { ISUT, ISSTD, LEAP, TIME, TYPE, CHAR };

static uint64_t
block_size(const uint64_t c[6], uint64_t tsz)
{
	return c[TIME] * (tsz + 1) + c[TYPE] * 6 + c[CHAR] +
	    c[LEAP] * (tsz + 4) + c[ISSTD] + c[ISUT];
}

/*
 * Parses the TZif data b[0..len) into tz.  Returns NULL, or why the data
 * is not a good TZif file ("oom" when out of memory).
 */
static const char *
tzif_parse(struct csm_tz *tz, const unsigned char *b, size_t len)
{
	uint64_t c[6], tsz = 4, i;
	const unsigned char *tt, *ix, *ty, *ind, *nl;
	size_t pos = 0;
	int64_t t, prevt = 0;
	int32_t off, prev;
	int ver, k;

	if (len < 44)
		return "truncated";
	if (memcmp(b, "TZif", 4) != 0)
		return "not a TZif file";
	ver = b[4];
	if (ver != 0 && (ver < '2' || ver > '9'))
		return "unknown version";
	for (k = 0; k < 6; k++)
		c[k] = be32(b + 20 + 4 * k);
	pos = 44;
	if (ver != 0) {
		/* Skip the 32-bit block for the 64-bit one. */
		if (block_size(c, 4) > len - pos)
			return "truncated";
		pos += (size_t)block_size(c, 4);
		if (len - pos < 44)
			return "truncated";
		if (memcmp(b + pos, "TZif", 4) != 0)
			return "bad second header";
		for (k = 0; k < 6; k++)
			c[k] = be32(b + pos + 20 + 4 * k);
		pos += 44;
		tsz = 8;
	}
	if (c[TYPE] == 0 || c[TYPE] > 256)
		return "bad type count";
	if (c[CHAR] == 0)
		return "no abbreviations";
	if ((c[ISUT] != 0 && c[ISUT] != c[TYPE]) ||
	    (c[ISSTD] != 0 && c[ISSTD] != c[TYPE]))
		return "bad indicator count";
	if (block_size(c, tsz) > len - pos)
		return "truncated";
	tt = b + pos;
	ix = tt + c[TIME] * tsz;
	ty = ix + c[TIME];
	ind = ty + c[TYPE] * 6 + c[CHAR] + c[LEAP] * (tsz + 4);
	for (i = 0; i < c[TYPE]; i++) {
		t = sbe32(ty + 6 * i);
		if (t < OFF_MIN || t > OFF_MAX)
			return "bad UT offset";
		if (ty[6 * i + 4] > 1 || ty[6 * i + 5] >= c[CHAR])
			return "bad local time type";
	}
	for (i = 0; i < c[ISSTD] + c[ISUT]; i++)
		if (ind[i] > 1)
			return "bad indicator";
	prev = tz->first = (int32_t)sbe32(ty);
	for (i = 0; i < c[TIME]; i++) {
		t = tsz == 8 ? be64(tt + 8 * i) : sbe32(tt + 4 * i);
		if (i > 0 && t <= prevt)
			return "transitions out of order";
		if (ix[i] >= c[TYPE])
			return "bad type index";
		prevt = t;
		off = (int32_t)sbe32(ty + 6 * ix[i]);
		if (off != prev && push(tz, t, off) == -1)
			return "oom";
		prev = off;
	}
	pos += (size_t)block_size(c, tsz);
	if (ver == 0)
		return NULL;
	if (pos == len || b[pos] != '\n')
		return "no footer";
	pos++;
	if ((nl = memchr(b + pos, '\n', len - pos)) == NULL)
		return "truncated footer";
	if (nl > b + pos) {
		if (tzstr_parse((const char *)b + pos, (size_t)(nl - b - pos),
		    &tz->foot) == -1)
			return "bad footer";
		tz->hasfoot = 1;
	}
	return NULL;
}

/*
 * Reads the TZif file at path into tz.  Returns 0, 1 if there is no such
 * zone file, or -1 with err.
 */
static int
tzif_load(struct csm_tz *tz, const char *path, struct csm_err *err)
{
	struct stat st;
	unsigned char *buf;
	const char *why;
	size_t len = 0;
	ssize_t r;
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		e = errno;
		if (e == ENOENT || e == ENOTDIR || e == ENAMETOOLONG ||
		    e == ELOOP)
			return 1;
		return csm_err_set(err, CSM_ECONFIG, "time zone '%s': %s: %s",
		    tz->name, path, strerror(e));
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 1;
	}
	if (st.st_size > TZIF_MAX) {
		close(fd);
		return csm_err_set(err, CSM_ECONFIG,
		    "time zone '%s': %s: bad TZif file (too large)", tz->name,
		    path);
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	}
	while (len < (size_t)st.st_size) {
		r = read(fd, buf + len, (size_t)st.st_size - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			e = errno;
			free(buf);
			close(fd);
			return csm_err_set(err, CSM_ECONFIG,
			    "time zone '%s': %s: %s", tz->name, path,
			    strerror(e));
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	why = tzif_parse(tz, buf, len);
	free(buf);
	if (why == NULL && extend(tz) == -1)
		why = "oom";
	if (why != NULL && strcmp(why, "oom") == 0)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	if (why != NULL)
		return csm_err_set(err, CSM_ECONFIG,
		    "time zone '%s': %s: bad TZif file (%s)", tz->name, path,
		    why);
	return 0;
}

static struct csm_tz *
tz_new(const char *name, struct csm_err *err)
{
	struct csm_tz *tz;

	if ((tz = calloc(1, sizeof(*tz))) == NULL ||
	    (tz->name = strdup(name)) == NULL) {
		free(tz);
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	return tz;
}

static int
eqi(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		int x = *a >= 'a' && *a <= 'z' ? *a - 'a' + 'A' : *a;

		if (x != *b)
			return 0;
	}
	return *a == *b;
}

/* "+08:00", "-0530", "+8", "+08": seconds east into *off, or -1. */
static int
fixed_offset(const char *s, int32_t *off)
{
	const char *p = s + 1;
	int n = 0, h, m = 0;

	while (isdig(p[n]))
		n++;
	if (n == 4 && p[4] == '\0') {
		h = (p[0] - '0') * 10 + (p[1] - '0');
		m = (p[2] - '0') * 10 + (p[3] - '0');
	} else if (n == 1 || n == 2) {
		h = n == 1 ? p[0] - '0' : (p[0] - '0') * 10 + (p[1] - '0');
		p += n;
		if (*p == ':') {
			if (!isdig(p[1]) || !isdig(p[2]) || p[3] != '\0')
				return -1;
			m = (p[1] - '0') * 10 + (p[2] - '0');
		} else if (*p != '\0') {
			return -1;
		}
	} else {
		return -1;
	}
	if (h > 23 || m > 59)
		return -1;
	*off = (*s == '-' ? -1 : 1) * (h * 3600 + m * 60);
	return 0;
}

/* Whether a name has a ".." component. */
static int
dotdot(const char *s)
{
	const char *p;

	for (p = s; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == s || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return 1;
	return 0;
}

static struct csm_tz *
unknown(const char *name, struct csm_err *err)
{
	csm_err_set(err, CSM_ECONFIG, "unknown time zone '%s'", name);
	return NULL;
}

/* Loads a named zone; fromenv allows absolute paths and "..". */
static struct csm_tz *
load(const char *name, int fromenv, struct csm_err *err)
{
	struct csm_tz *tz;
	const char *dir;
	char path[4096];
	int n, r;

	if (eqi(name, "UTC") || eqi(name, "GMT") || eqi(name, "Z"))
		return tz_new(name, err);
	if (name[0] == '+' || name[0] == '-') {
		if ((tz = tz_new(name, err)) == NULL)
			return NULL;
		if (fixed_offset(name, &tz->first) == 0)
			return tz;
		csm_tz_free(tz);
		return unknown(name, err);
	}
	if (!fromenv && (name[0] == '/' || dotdot(name)))
		return unknown(name, err);
	if (name[0] == '/') {
		n = snprintf(path, sizeof(path), "%s", name);
	} else {
		if ((dir = getenv("TZDIR")) == NULL || *dir == '\0')
			dir = TZDIR_DEFAULT;
		n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	}
	if (n < 0 || (size_t)n >= sizeof(path))
		return unknown(name, err);
	if ((tz = tz_new(name, err)) == NULL)
		return NULL;
	if ((r = tzif_load(tz, path, err)) == 0)
		return tz;
	if (r == 1 && tzstr_parse(name, strlen(name), &tz->foot) == 0) {
		tz->first = tz->foot.std;
		tz->hasfoot = 1;
		tz->tabend = INT64_MIN;
		return tz;
	}
	csm_tz_free(tz);
	return r == 1 ? unknown(name, err) : NULL;
}

/* The zone of /etc/localtime, named after its link target if it has one. */
static struct csm_tz *
load_system(struct csm_err *err)
{
	struct csm_tz *tz;
	char link[1024];
	const char *name = "localtime", *p;
	ssize_t n;
	int r;

	n = readlink(LOCALTIME, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		if ((p = strstr(link, "zoneinfo/")) != NULL && p[9] != '\0')
			name = p + 9;
	}
	if ((tz = tz_new(name, err)) == NULL)
		return NULL;
	if ((r = tzif_load(tz, LOCALTIME, err)) == 0)
		return tz;
	csm_tz_free(tz);
	return r == 1 ? tz_new("UTC", err) : NULL;
}

/*
 * Loads a zone: "UTC", "GMT" or "Z"; a fixed offset ("+08:00", "-0530",
 * "+8"); an IANA name read from $TZDIR or /usr/share/zoneinfo; or a POSIX
 * TZ string ("CST-8").  NULL or "" is $TZ (a leading ':' stripped; it may
 * be an absolute path), else /etc/localtime, else UTC.  Returns new, or
 * NULL with err: CSM_ECONFIG for an unknown zone or a bad zone file,
 * CSM_EINTERNAL when out of memory.
 */
struct csm_tz *
csm_tz_load(const char *name, struct csm_err *err)
{
	const char *env;

	if (name != NULL && *name != '\0')
		return load(name, 0, err);
	if ((env = getenv("TZ")) == NULL || *env == '\0')
		return load_system(err);
	if (*env == ':')
		env++;
	return *env == '\0' ? load_system(err) : load(env, 1, err);
}

/* Frees a zone; NULL is a no-op. */
void
csm_tz_free(struct csm_tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->name);
	free(tz->when);
	free(tz->off);
	free(tz);
}

/*
 * The zone's name as given, or for the system zone $TZ or the zone that
 * /etc/localtime links to ("localtime" if none).  Borrowed, valid while tz
 * lives; "UTC" for NULL.
 */
const char *
csm_tz_name(const struct csm_tz *tz)
{
	return tz == NULL ? "UTC" : tz->name;
}

/*
 * The first transition of zone tz (NULL is UTC) after instant t: 1 and
 * *when, or 0 when there is none.  A transition may keep the offset (a
 * change of abbreviation only); the offset is constant from t up to it.
 */
int
csm_tz_next(const struct csm_tz *tz, int64_t t, int64_t *when)
{
	int32_t off;

	return tz != NULL && next_after(tz, t, when, &off);
}

/* Seconds east of UTC in zone tz (NULL is UTC) at instant t. */
int
csm_tz_offset(const struct csm_tz *tz, int64_t t)
{
	return tz == NULL ? 0 : offset_at(tz, t);
}

/* Breaks instant t down into local time in zone tz (NULL is UTC). */
void
csm_tz_local(const struct csm_tz *tz, int64_t t, struct csm_tm *tm)
{
	int32_t off = csm_tz_offset(tz, t);

	t = clamp(t, -TCLAMP, TCLAMP);
	breakdown(clamp(t + off, LOCAL_MIN, LOCAL_MAX), off, tm);
}

/*
 * The instant of a local wall time in zone tz (NULL is UTC).  Walks the
 * periods between transitions from two days before: the first whose
 * offset maps the wall time into it wins, so an ambiguous time takes the
 * earlier instant; a time that falls between two periods (a gap) is read
 * with the offset before the gap, which moves it forward by the gap.
 */
int64_t
csm_tz_utc(const struct csm_tz *tz, const struct csm_tm *tm)
{
	int64_t wall, start, end, c;
	int32_t off, prev, next;
	int first = 1;

	wall = csm_days_from_civil(tm->year, tm->mon, tm->day) * DAY +
	    (int64_t)tm->hour * 3600 + (int64_t)tm->min * 60 + tm->sec;
	if (tz == NULL)
		return wall;
	start = wall - 2 * DAY;
	prev = off = offset_at(tz, start);
	for (;;) {
		c = wall - off;
		if (!first && c < start)
			return wall - prev;
		if (!next_after(tz, start, &end, &next) || c < end)
			return c;
		prev = off;
		off = next;
		start = end;
		first = 0;
	}
}

/* Writes n >= 1 decimal digits of v, zero-padded, at p; returns p + n. */
static char *
dec(char *p, int v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/*
 * Writes t as RFC 3339 in zone tz (NULL is UTC) into buf, which has room
 * for 32 bytes, and returns the length (25).  An offset with seconds (local
 * mean time before 1900) is cut to whole minutes and the wall time shown
 * with it, so that the text still names the instant t.  An offset of a
 * day or more, which a TZ string or TZif file may give but RFC 3339
 * cannot write, is written as UTC.
 */
size_t
csm_time_format(int64_t t, const struct csm_tz *tz, char *buf)
{
	struct csm_tm tm;
	int32_t off = csm_tz_offset(tz, t) / 60 * 60, a;
	char *p = buf;

	if (off <= -DAY || off >= DAY)
		off = 0;
	a = off < 0 ? -off : off;

	t = clamp(t, -TCLAMP, TCLAMP);
	breakdown(clamp(t + off, LOCAL_MIN, LOCAL_MAX), off, &tm);
	p = dec(p, tm.year, 4);
	*p++ = '-';
	p = dec(p, tm.mon, 2);
	*p++ = '-';
	p = dec(p, tm.day, 2);
	*p++ = 'T';
	p = dec(p, tm.hour, 2);
	*p++ = ':';
	p = dec(p, tm.min, 2);
	*p++ = ':';
	p = dec(p, tm.sec, 2);
	*p++ = off < 0 ? '-' : '+';
	p = dec(p, a / 3600, 2);
	*p++ = ':';
	p = dec(p, a / 60 % 60, 2);
	*p = '\0';
	return (size_t)(p - buf);
}

/*
 * Messages.
 */

/* Length of the valid UTF-8 sequence at p (n > 0 bytes), or 0. */
static size_t
utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	uint32_t v, min;
	size_t need, j;

	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 0;
	if (p[0] < 0xe0) {
		need = 1;
		v = p[0] & 0x1f;
		min = 0x80;
	} else if (p[0] < 0xf0) {
		need = 2;
		v = p[0] & 0x0f;
		min = 0x800;
	} else {
		need = 3;
		v = p[0] & 0x07;
		min = 0x10000;
	}
	if (n <= need)
		return 0;
	for (j = 1; j <= need; j++) {
		if ((p[j] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[j] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return need + 1;
}

/*
 * Writes s[0..len) into out (QUOTE_MAX + 4 bytes at least) for a message:
 * quotes and backslashes escaped, control characters as \n, \t, \r or
 * \u001b, bytes that are not UTF-8 as \xff, cut with "..." when long.
 */
static void
quote(const char *s, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, k, tl;
	uint32_t cp;
	char tmp[8];

	while (i < len) {
		k = 1;
		tl = 2;
		tmp[0] = '\\';
		cp = p[i];
		if (cp == '"' || cp == '\\') {
			tmp[1] = (char)cp;
		} else if (cp == '\n' || cp == '\t' || cp == '\r') {
			tmp[1] = cp == '\n' ? 'n' : cp == '\t' ? 't' : 'r';
		} else if (cp >= 0x80 && (k = utf8_seq(p + i, len - i, &cp)) ==
		    0) {
			k = 1;
			tl = 4;
			tmp[1] = 'x';
			tmp[2] = hex[p[i] >> 4];
			tmp[3] = hex[p[i] & 15];
		} else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			tl = 6;
			memcpy(tmp + 1, "u00", 3);
			tmp[4] = hex[cp >> 4];
			tmp[5] = hex[cp & 15];
		} else {
			tl = k;
			memcpy(tmp, p + i, k);
		}
		if (o + tl > QUOTE_MAX)
			break;
		memcpy(out + o, tmp, tl);
		o += tl;
		i += k;
	}
	if (i < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* Fills err with `what: "s" (why)` and code CSM_EDATA; returns -1. */
static int
bad(const char *what, const char *s, size_t len, const char *why,
    struct csm_err *err)
{
	char q[QUOTE_MAX + 4];

	quote(s, len, q);
	return csm_err_set(err, CSM_EDATA, "%s: \"%s\"%s%s%s", what, q,
	    why ? " (" : "", why ? why : "", why ? ")" : "");
}

/*
 * Times.
 */

/* Reads exactly n digits at p into *v; 0 if they are not all digits. */
static int
digits(const unsigned char *p, int n, int *v)
{
	int i, x = 0;

	for (i = 0; i < n; i++) {
		if (!isdig(p[i]))
			return 0;
		x = x * 10 + (p[i] - '0');
	}
	*v = x;
	return 1;
}

/* Reads "[+-]HH[[:]MM]" at p[0..n) (sign included); returns the bytes used,
 * or 0. */
static size_t
zone_offset(const unsigned char *p, size_t n, int *hh, int *mm)
{
	*mm = 0;
	if (n < 3 || !digits(p + 1, 2, hh))
		return 0;
	if (n >= 4 && p[3] == ':')
		return n >= 6 && digits(p + 4, 2, mm) ? 6 : 0;
	if (n >= 5 && digits(p + 3, 2, mm))
		return 5;
	return 3;
}

/*
 * Parses an RFC 3339 / ISO 8601 time from s[0..len) (not NUL-terminated)
 * into *t: "YYYY-MM-DD" (local midnight), then optionally "T", "t" or a
 * space, "HH:MM", ":SS", ".fraction" (dropped) and "Z" or an offset
 * ("+08:00", "+0800", "+08").  Without an offset the time is local to tz
 * (NULL is UTC).  A leap second ":60" is read as ":59".  Returns 0, or -1
 * with err (CSM_EDATA) and *t unchanged.
 */
int
csm_time_parse(const char *s, size_t len, const struct csm_tz *tz,
    int64_t *t, struct csm_err *err)
{
	static const char what[] = "not a time";
	const unsigned char *p = (const unsigned char *)s;
	struct csm_tm tm;
	char why[64];
	size_t i = 10, n;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh, om, off = 0, hasoff = 0;

	if (len == 0)
		return bad(what, s, len, "empty", err);
	if (len < 10 || !digits(p, 4, &y) || p[4] != '-' ||
	    !digits(p + 5, 2, &mo) || p[7] != '-' || !digits(p + 8, 2, &d))
		return bad(what, s, len, "expected YYYY-MM-DD", err);
	if (mo < 1 || mo > 12) {
		snprintf(why, sizeof(why), "month %d", mo);
		return bad(what, s, len, why, err);
	}
	if (d < 1 || d > mdays(y, mo)) {
		snprintf(why, sizeof(why), "no day %d in %04d-%02d", d, y, mo);
		return bad(what, s, len, why, err);
	}
	if (i < len) {
		if (p[i] != 'T' && p[i] != 't' && p[i] != ' ')
			return bad(what, s, len,
			    "unexpected text after the date", err);
		i++;
		if (len - i < 5 || !digits(p + i, 2, &h) || p[i + 2] != ':' ||
		    !digits(p + i + 3, 2, &mi))
			return bad(what, s, len, "expected HH:MM", err);
		i += 5;
		if (i < len && p[i] == ':') {
			if (len - i < 3 || !digits(p + i + 1, 2, &sec))
				return bad(what, s, len, "expected seconds",
				    err);
			i += 3;
			if (i < len && p[i] == '.') {
				if (++i == len || !isdig(p[i]))
					return bad(what, s, len,
					    "expected a fraction", err);
				while (i < len && isdig(p[i]))
					i++;
			}
		}
		if (h > 23 || mi > 59 || sec > 60) {
			snprintf(why, sizeof(why), "%s %d",
			    h > 23 ? "hour" : mi > 59 ? "minute" : "second",
			    h > 23 ? h : mi > 59 ? mi : sec);
			return bad(what, s, len, why, err);
		}
		if (sec == 60)
			sec = 59;
		if (i < len && (p[i] == 'Z' || p[i] == 'z')) {
			i++;
			hasoff = 1;
		} else if (i < len && (p[i] == '+' || p[i] == '-')) {
			if ((n = zone_offset(p + i, len - i, &oh, &om)) == 0)
				return bad(what, s, len, "bad offset", err);
			if (oh > 23 || om > 59)
				return bad(what, s, len, "offset out of range",
				    err);
			off = (p[i] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
			i += n;
			hasoff = 1;
		}
		if (i < len)
			return bad(what, s, len, "unexpected text at the end",
			    err);
	}
	if (hasoff) {
		*t = csm_days_from_civil(y, mo, d) * DAY + h * 3600 + mi * 60 +
		    sec - off;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	tm.year = y;
	tm.mon = mo;
	tm.day = d;
	tm.hour = h;
	tm.min = mi;
	tm.sec = sec;
	*t = csm_tz_utc(tz, &tm);
	return 0;
}

/* Whether t is an instant a record may carry (see csm.h). */
int
csm_time_check(int64_t t, struct csm_err *err)
{
	char buf[32];

	if (t >= CSM_TIME_MIN && t <= CSM_TIME_MAX)
		return 1;
	if (t >= -62167219200LL && t <= LOCAL_MAX) {	/* years 0 to 9999 */
		csm_time_format(t, NULL, buf);
		csm_err_set(err, CSM_EDATA, "%s is out of range (1970-01-01"
		    "T00:00:01Z to 9999-12-30T00:00:00Z)", buf);
	} else {
		csm_err_set(err, CSM_EDATA, "%" PRId64 " is out of range "
		    "(1970-01-01T00:00:01Z to 9999-12-30T00:00:00Z)", t);
	}
	return 0;
}

/*
 * Durations.
 */

/*
 * Parses a duration from s[0..len) (not NUL-terminated) into *secs: parts
 * such as "90s", "45m", "2h", "3d", "1w" with units in decreasing order,
 * optionally separated by spaces ("1h30m", "1d 2h"); a part may have a
 * fraction ("1.5h"; the result is cut to whole seconds); or a plain number
 * of seconds ("300").  Units are case-insensitive.  Returns 0, or -1 with
 * err (CSM_EDATA) for a negative, too large or malformed duration.
 */
int
csm_dur_parse(const char *s, size_t len, int64_t *secs,
    struct csm_err *err)
{
	static const char what[] = "not a duration", units[] = "wdhms";
	static const int64_t mult[] = {604800, 86400, 3600, 60, 1};
	const char *p = s, *e = s + len, *u;
	int64_t total = 0, ip, fr, scale, v;
	int last = -1, nd;
	char why[32];

	if (len == 0)
		return bad(what, s, len, "empty", err);
	if (*p == '-')
		return bad(what, s, len, "negative", err);
	while (p < e) {
		if (p > s)
			while (p < e && (*p == ' ' || *p == '\t'))
				p++;
		if (p == e || !isdig(*p))
			return bad(what, s, len, "expected a number", err);
		for (ip = 0; p < e && isdig(*p); p++) {
			if (ip > (INT64_MAX - (*p - '0')) / 10)
				return bad(what, s, len, "too large", err);
			ip = ip * 10 + (*p - '0');
		}
		fr = 0;
		scale = 1;
		if (p < e && *p == '.') {
			if (++p == e || !isdig(*p))
				return bad(what, s, len, "expected a fraction",
				    err);
			/* Twelve digits are finer than a second of a week. */
			for (nd = 0; p < e && isdig(*p); p++, nd++) {
				if (nd < 12) {
					fr = fr * 10 + (*p - '0');
					scale *= 10;
				}
			}
		}
		if (p == e && last == -1 && scale == 1) {
			total = ip;
			break;
		}
		if (p == e)
			return bad(what, s, len, "missing unit", err);
		if ((u = memchr(units, *p | 0x20, 5)) == NULL) {
			if (*p < 0x20 || *p > 0x7e)
				return bad(what, s, len, "unknown unit", err);
			snprintf(why, sizeof(why), "unknown unit '%c'", *p);
			return bad(what, s, len, why, err);
		}
		if (u - units <= last)
			return bad(what, s, len, "units out of order", err);
		last = (int)(u - units);
		p++;
		if (ip > INT64_MAX / mult[last])
			return bad(what, s, len, "too large", err);
		v = ip * mult[last];
		if (v > INT64_MAX - fr * mult[last] / scale ||
		    total > INT64_MAX - (v + fr * mult[last] / scale))
			return bad(what, s, len, "too large", err);
		total += v + fr * mult[last] / scale;
	}
	*secs = total;
	return 0;
}

/*
 * Writes secs in its largest exact unit of d, h, m and s ("2d", "90m",
 * "-2h", "0s") into buf (24 bytes at least); returns the length.
 */
size_t
csm_dur_format(int64_t secs, char *buf)
{
	uint64_t v = secs < 0 ? 0 - (uint64_t)secs : (uint64_t)secs;
	char tmp[24], unit = 's', *p = buf;
	int n = 0;

	if (v != 0 && v % 86400 == 0) {
		v /= 86400;
		unit = 'd';
	} else if (v != 0 && v % 3600 == 0) {
		v /= 3600;
		unit = 'h';
	} else if (v != 0 && v % 60 == 0) {
		v /= 60;
		unit = 'm';
	}
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (secs < 0)
		*p++ = '-';
	while (n > 0)
		*p++ = tmp[--n];
	*p++ = unit;
	*p = '\0';
	return (size_t)(p - buf);
}
