/*
 * gen-cal.c - csm-gen's calendar: when tickets arrive (fewer at night, at
 * weekends and on holidays, more after the 618 and 11.11 sales) and when
 * someone answers them (the hours of each team).
 *
 * The public holidays and the weekend days worked in exchange (调休) of
 * 2026 are those of the State Council's notice, as github.com/NateScarlet/
 * holiday-cn (MIT) has them in 2026.json at commit d4e53bf.
 */
#include "gen.h"

#define NCAL_DAYS 800 /* 2026 and 2027: answers may come after 11-20 */

static unsigned char dflags[NCAL_DAYS];
#define D_WORK 1
#define D_HOLIDAY 2
#define D_SPRING 4 /* the Spring Festival: the quietest days */
#define D_RUSH 8   /* a sales rush: 618, 11.11 */
#define D_PEAK 16  /* the days after the big sales day */
#define D_SUMMER 32

static uint64_t cum[NDAYS + 1]; /* cumulative volume before day d */

/* Day of year (0-based) of a 2026 date. */
static int
doy(int m, int d)
{
	static const int before[] = {0,   31,  59,  90,  120, 151,
	                             181, 212, 243, 273, 304, 334};

	return before[m - 1] + d - 1;
}

/* Days off and days worked of 2026 (holiday-cn 2026.json). */
static const struct {
	unsigned char m, d, n, off;
} cn2026[] = {
    {1, 1, 3, 1},  {1, 4, 1, 0},   {2, 14, 1, 0}, {2, 15, 9, 1},
    {2, 28, 1, 0}, {4, 4, 3, 1},   {5, 1, 5, 1},  {5, 9, 1, 0},
    {6, 19, 3, 1}, {9, 20, 1, 0},  {9, 25, 3, 1}, {10, 1, 7, 1},
    {10, 10, 1, 0},
};

/* Per mille of a day's tickets in each hour, by kind of channel. */
static const unsigned char hours_consumer[24] = {
    10, 5, 3, 2, 2, 3, 8, 20, 40, 60, 70, 65,
    50, 55, 65, 65, 60, 55, 50, 55, 60, 50, 30, 18,
};
static const unsigned char hours_hotline[24] = {
    0,  0,  0,  0,  0,  0,  0,  0,  40, 70, 80, 70,
    50, 55, 70, 70, 65, 55, 45, 45, 45, 35, 0,  0,
};
static const unsigned char hours_mail[24] = {
    8, 4, 2, 2, 2, 3, 6, 15, 45, 70, 70, 60,
    40, 50, 65, 65, 60, 50, 35, 30, 30, 25, 18, 12,
};
static const unsigned char hours_office[24] = {
    1, 1, 1, 1, 1, 1, 2, 6,  40, 80, 85, 70,
    30, 50, 80, 80, 75, 55, 20, 10, 6,  4,  2,  1,
};
static const unsigned char hours_flat[24] = {
    10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
    10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
};

void
cal_setup(void)
{
	unsigned k, j;
	int d;
	uint64_t w;

	if (dflags[0] || dflags[1])
		return;
	for (d = 0; d < NCAL_DAYS; d++) {
		int wd = (d + 3) % 7; /* 2026-01-01 is a Thursday; 0: Monday */

		dflags[d] = wd < 5 ? D_WORK : 0;
	}
	for (k = 0; k < NELEM(cn2026); k++)
		for (j = 0; j < cn2026[k].n; j++) {
			d = doy(cn2026[k].m, cn2026[k].d) + (int)j;
			dflags[d] = cn2026[k].off ? D_HOLIDAY : D_WORK;
		}
	for (d = doy(2, 15); d <= doy(2, 23); d++)
		dflags[d] |= D_SPRING;
	for (d = doy(6, 1); d <= doy(6, 25); d++)
		dflags[d] |= D_RUSH;
	for (d = doy(6, 18); d <= doy(6, 24); d++)
		dflags[d] |= D_PEAK;
	for (d = doy(10, 20); d < NDAYS; d++)
		dflags[d] |= D_RUSH;
	for (d = doy(11, 11); d <= doy(11, 18); d++)
		dflags[d] |= D_PEAK;
	for (d = doy(6, 15); d <= doy(8, 31); d++)
		dflags[d] |= D_SUMMER;

	/* The volume of a day, in hundredths of an average weekday: a
	 * Monday is busier than a Friday, a weekend quieter, holidays
	 * quieter still; the sales rushes bring more, and the desk grows
	 * by a third over the year. */
	cum[0] = 0;
	for (d = 0; d < NDAYS; d++) {
		static const unsigned wdw[7] = {115, 108, 104, 100, 95, 80, 75};
		int wd = (d + 3) % 7;

		w = (dflags[d] & D_WORK) ? (wd < 5 ? wdw[wd] : 100) : wdw[wd];
		if (dflags[d] & D_HOLIDAY)
			w = (dflags[d] & D_SPRING) ? 35 : 60;
		if (dflags[d] & D_PEAK)
			w = w * 190 / 100;
		else if (dflags[d] & D_RUSH)
			w = w * 125 / 100;
		if (dflags[d] & D_SUMMER)
			w = w * 110 / 100;
		w = w * (300 + (uint64_t)d * 100 / NDAYS) / 300;
		cum[d + 1] = cum[d] + w;
	}
}

int
day_of(long t)
{
	long d = (t >= 0 ? t : t - DAY + 1) / DAY;

	return (int)d;
}

static unsigned
flags_of(int day)
{
	if (day < 0 || day >= NCAL_DAYS)
		return (unsigned)((day % 7 + 7 + 3) % 7 < 5 ? D_WORK : 0);
	return dflags[day];
}

int
workday(int day)
{
	return (flags_of(day) & D_WORK) != 0;
}

int
holiday(int day)
{
	return (flags_of(day) & D_HOLIDAY) != 0;
}

int
festival(int day)
{
	return (flags_of(day) & D_RUSH) != 0;
}

/* The open hours of calendar cal on a day: up to two [start, end) pairs
 * in seconds of the day; returns how many. */
static int
opening(int cal, int day, long iv[2][2])
{
	switch (cal) {
	case CAL_ALL:
		iv[0][0] = 0;
		iv[0][1] = DAY;
		return 1;
	case CAL_HOT:
		iv[0][0] = 8 * HOUR;
		iv[0][1] = 22 * HOUR;
		return 1;
	case CAL_WEB:
		iv[0][0] = 9 * HOUR;
		iv[0][1] = 21 * HOUR;
		return 1;
	case CAL_OFFICE:
		if (!workday(day))
			return 0;
		iv[0][0] = 9 * HOUR;
		iv[0][1] = 12 * HOUR;
		iv[1][0] = 13 * HOUR + 30 * MIN;
		iv[1][1] = 18 * HOUR;
		return 2;
	default: /* CAL_FIELD */
		if (holiday(day))
			return 0;
		iv[0][0] = 9 * HOUR;
		iv[0][1] = 19 * HOUR;
		return 1;
	}
}

long
cal_next(int cal, long t)
{
	long iv[2][2], base;
	int day = day_of(t), n, k, tries;

	for (tries = 0; tries < 60; tries++, day++) {
		base = (long)day * DAY;
		n = opening(cal, day, iv);
		for (k = 0; k < n; k++)
			if (t < base + iv[k][1])
				return t > base + iv[k][0] ? t : base + iv[k][0];
	}
	return t;
}

long
cal_add(int cal, long t, long d)
{
	long iv[2][2], base, end;
	int day, n, k, tries;

	t = cal_next(cal, t);
	for (tries = 0; d > 0 && tries < 400; tries++) {
		day = day_of(t);
		base = (long)day * DAY;
		n = opening(cal, day, iv);
		end = base + DAY;
		for (k = 0; k < n; k++)
			if (t >= base + iv[k][0] && t < base + iv[k][1]) {
				end = base + iv[k][1];
				break;
			}
		if (t + d <= end)
			return t + d;
		d -= end - t;
		t = cal_next(cal, end);
	}
	return t + d;
}

int
ticket_day(uint64_t i, uint64_t n)
{
	uint64_t x = n ? (2 * i + 1) * cum[NDAYS] / (2 * n) : 0;
	int lo = 0, hi = NDAYS - 1;

	/* The last day d with cum[d] <= x. */
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;

		if (cum[mid] <= x)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

int
ticket_hour(struct rng *r, int src, int day)
{
	const unsigned char *w;

	switch (src) {
	case S_PHONE:
	case S_CHAT:
		w = hours_hotline;
		break;
	case S_EMAIL:
		w = hours_mail;
		break;
	case S_WECOM:
	case S_DINGTALK:
	case S_API:
		w = workday(day) ? hours_office : hours_consumer;
		break;
	case S_IOT:
		w = hours_flat;
		break;
	default:
		w = hours_consumer;
		break;
	}
	return pickw(r, w, 24);
}
