/*
 * test_calendar.c - unit tests of lib/calendar.c and lib/calendar_conf.c:
 * business calendars from [calendar] sections, hand-computed cases
 * (lunch breaks, overnight shifts, DST, Golden Week with its 调休 days,
 * MM-DD holidays, .ics files), every configuration error, and random
 * calendars cross-checked against a naive minute-by-minute count.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "csm_test.h"

#define H	3600LL
#define DAY	86400LL
#define DATA	"tests/data/unit/calendar/"

/* Builds [calendar "t"] from text (a whole csm.conf); NULL on error,
 * with the message printed. */
static struct csm_cal *
cal_from(const char *text, const char *file)
{
	struct csm_conf *conf;
	struct csm_cal *c;
	struct csm_err err;

	csm_err_clear(&err);
	conf = csm_conf_parse(text, strlen(text), file, &err);
	if (conf == NULL) {
		fprintf(stderr, "conf: %s\n", err.msg);
		return NULL;
	}
	c = csm_cal_new(conf, "t", &err);
	if (c == NULL)
		fprintf(stderr, "cal: %s\n", err.msg);
	csm_conf_free(conf);
	return c;
}

static struct csm_cal *
cal(const char *text)
{
	return cal_from(text, "t.conf");
}

/* The error of building [calendar "t"] from text, into a static buffer:
 * "" if it builds. */
static const char *
cal_err(const char *text)
{
	static char msg[256];
	struct csm_conf *conf;
	struct csm_cal *c;
	struct csm_err err;

	csm_err_clear(&err);
	conf = csm_conf_parse(text, strlen(text), "t.conf", &err);
	if (conf == NULL)
		return "conf does not parse";
	c = csm_cal_new(conf, "t", &err);
	csm_conf_free(conf);
	if (c != NULL) {
		csm_cal_free(c);
		return "";
	}
	if (err.code != CSM_ECONFIG)
		return "not CSM_ECONFIG";
	snprintf(msg, sizeof(msg), "%s", err.msg);
	return msg;
}

/* An RFC 3339 time with its offset. */
static int64_t
tp(const char *s)
{
	struct csm_err err;
	int64_t t;

	if (csm_time_parse(s, strlen(s), NULL, &t, &err) < 0) {
		fprintf(stderr, "bad test time %s\n", s);
		return INT64_MIN;
	}
	return t;
}

/* t in the calendar's zone, into a static buffer. */
static const char *
tf(const struct csm_cal *c, int64_t t)
{
	static char buf[8][64];
	static int i;

	i = (i + 1) % 8;
	if (t == CSM_CAL_NEVER)
		return "never";
	csm_time_format(t, csm_cal_tz(c), buf[i]);
	return buf[i];
}

static const char *
due(const struct csm_cal *c, const char *start, int64_t secs)
{
	return tf(c, csm_cal_due(c, tp(start), secs));
}

static int64_t
el(const struct csm_cal *c, const char *a, const char *b)
{
	return csm_cal_elapsed(c, tp(a), tp(b));
}

/* "open/close" of the interval at t, or "none". */
static const char *
iv(const struct csm_cal *c, const char *t)
{
	static char buf[4][160];
	static int i;
	int64_t o, cl;

	i = (i + 1) % 4;
	if (!csm_cal_interval(c, tp(t), &o, &cl))
		return "none";
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tf(c, o), tf(c, cl));
	return buf[i];
}

/* 2026-03-02 is a Monday. */
static void
test_lunch(void)
{
	struct csm_cal *c = cal("[calendar \"t\"]\n"
	    "\ttimezone = UTC\n"
	    "\thours = mon-fri 09:00-12:00 13:00-18:00\n"
	    "\tdescription = office, lunch at noon\n");

	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_STR(csm_cal_name(c), "t");
	CHECK_STR(csm_tz_name(csm_cal_tz(c)), "UTC");
	CHECK_INT(el(c, "2026-03-02T08:00:00Z", "2026-03-02T20:00:00Z"),
	    8 * H);
	CHECK_INT(el(c, "2026-03-02T11:30:00Z", "2026-03-02T13:30:00Z"),
	    H);
	CHECK_INT(el(c, "2026-03-02T20:00:00Z", "2026-03-02T08:00:00Z"), 0);
	/* A week is 40 hours; two weeks from any instant are 80. */
	CHECK_INT(el(c, "2026-03-04T10:17:00Z", "2026-03-18T10:17:00Z"),
	    80 * H);
	/* 1h before lunch, 1h after. */
	CHECK_STR(due(c, "2026-03-02T11:00:00Z", 2 * H),
	    "2026-03-02T14:00:00+00:00");
	/* Landing on a closing time gives the closing time. */
	CHECK_STR(due(c, "2026-03-02T10:00:00Z", 2 * H),
	    "2026-03-02T12:00:00+00:00");
	CHECK_STR(due(c, "2026-03-02T09:00:00Z", 8 * H),
	    "2026-03-02T18:00:00+00:00");
	/* Outside hours: counted from the next opening. */
	CHECK_STR(due(c, "2026-03-02T12:30:00Z", H),
	    "2026-03-02T14:00:00+00:00");
	CHECK_STR(due(c, "2026-03-02T06:00:00Z", 30 * 60),
	    "2026-03-02T09:30:00+00:00");
	/* Friday 17:00 + 2h: 1h Friday, 1h Monday. */
	CHECK_STR(due(c, "2026-03-06T17:00:00Z", 2 * H),
	    "2026-03-09T10:00:00+00:00");
	/* Saturday + 41h: the whole next week and 1h. */
	CHECK_STR(due(c, "2026-03-07T12:00:00Z", 41 * H),
	    "2026-03-16T10:00:00+00:00");
	/* secs 0 (or less): the start itself, open or not. */
	CHECK_STR(due(c, "2026-03-07T12:00:00Z", 0),
	    "2026-03-07T12:00:00+00:00");
	CHECK_STR(due(c, "2026-03-02T10:00:00Z", -5),
	    "2026-03-02T10:00:00+00:00");
	CHECK_STR(iv(c, "2026-03-02T10:00:00Z"),
	    "2026-03-02T09:00:00+00:00/2026-03-02T12:00:00+00:00");
	CHECK_STR(iv(c, "2026-03-02T12:00:00Z"),
	    "2026-03-02T13:00:00+00:00/2026-03-02T18:00:00+00:00");
	CHECK_STR(iv(c, "2026-03-02T09:00:00Z"),
	    "2026-03-02T09:00:00+00:00/2026-03-02T12:00:00+00:00");
	CHECK_STR(iv(c, "2026-03-06T18:00:00Z"),
	    "2026-03-09T09:00:00+00:00/2026-03-09T12:00:00+00:00");
	csm_cal_free(c);
}

/* hours lines add up; a day's overlapping ranges are one. */
static void
test_hours_add_up(void)
{
	struct csm_cal *c = cal("[calendar \"t\"]\n"
	    "\ttimezone = +08:00\n"
	    "\thours = mon 09:00-12:00\n"
	    "\thours = Monday 11:00-14:00\n"
	    "\thours = mon,wed 15:00-16:00 15:30-16:30\n"
	    "\thours = sat-sun 10:00-11:00\n");

	CHECK(c != NULL);
	if (c == NULL)
		return;
	/* Monday: 09-14 and 15-16:30; Wednesday 15-16:30. */
	CHECK_INT(el(c, "2026-03-02T00:00:00+08:00",
	    "2026-03-03T00:00:00+08:00"), 6 * H + 30 * 60);
	CHECK_INT(el(c, "2026-03-04T00:00:00+08:00",
	    "2026-03-05T00:00:00+08:00"), 90 * 60);
	/* Tuesday: nothing; Saturday and Sunday (wrapping sat-sun) 1h. */
	CHECK_INT(el(c, "2026-03-03T00:00:00+08:00",
	    "2026-03-04T00:00:00+08:00"), 0);
	CHECK_INT(el(c, "2026-03-07T00:00:00+08:00",
	    "2026-03-09T00:00:00+08:00"), 2 * H);
	CHECK_STR(iv(c, "2026-03-02T10:00:00+08:00"),
	    "2026-03-02T09:00:00+08:00/2026-03-02T14:00:00+08:00");
	CHECK_STR(iv(c, "2026-03-02T16:00:00+08:00"),
	    "2026-03-02T15:00:00+08:00/2026-03-02T16:30:00+08:00");
	csm_cal_free(c);

	/* fri-mon wraps over the weekend; daily is every day. */
	c = cal("[calendar \"t\"]\n\ttimezone = UTC\n"
	    "\thours = fri-mon 10:00-11:00\n");
	CHECK(c != NULL);
	if (c != NULL) {
		CHECK_INT(el(c, "2026-03-02T00:00:00Z",
		    "2026-03-09T00:00:00Z"), 4 * H);
		csm_cal_free(c);
	}
	c = cal("[calendar \"t\"]\n\ttimezone = UTC\n"
	    "\thours = daily 10:00-11:00\n\thours = all 10:30-11:30\n");
	CHECK(c != NULL);
	if (c != NULL) {
		CHECK_INT(el(c, "2026-03-02T00:00:00Z",
		    "2026-03-09T00:00:00Z"), 7 * 90 * 60);
		csm_cal_free(c);
	}
}

/* Night shifts: a range past midnight belongs to the day it starts on. */
static void
test_overnight(void)
{
	struct csm_cal *c = cal("[calendar \"t\"]\n"
	    "\ttimezone = UTC\n"
	    "\thours = daily 22:00-06:00\n");

	CHECK(c != NULL);
	if (c == NULL)
		return;
	/* Monday 00:00-24:00: Sunday's shift till 06:00, 2h of Monday's. */
	CHECK_INT(el(c, "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z"),
	    8 * H);
	CHECK_STR(iv(c, "2026-03-02T23:00:00Z"),
	    "2026-03-02T22:00:00+00:00/2026-03-03T06:00:00+00:00");
	CHECK_STR(iv(c, "2026-03-03T03:00:00Z"),
	    "2026-03-02T22:00:00+00:00/2026-03-03T06:00:00+00:00");
	CHECK_STR(due(c, "2026-03-02T05:00:00Z", 2 * H),
	    "2026-03-02T23:00:00+00:00");
	csm_cal_free(c);

	/* A holiday on Tuesday: Monday's shift stops at Tuesday 00:00,
	 * Tuesday's own shift is gone, Wednesday's is there. */
	c = cal("[calendar \"t\"]\n\ttimezone = UTC\n"
	    "\thours = daily 22:00-06:00\n\tholiday = 2026-03-03\n");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_STR(iv(c, "2026-03-02T23:00:00Z"),
	    "2026-03-02T22:00:00+00:00/2026-03-03T00:00:00+00:00");
	CHECK_STR(iv(c, "2026-03-03T01:00:00Z"),
	    "2026-03-04T22:00:00+00:00/2026-03-05T06:00:00+00:00");
	CHECK_STR(due(c, "2026-03-02T23:00:00Z", 2 * H),
	    "2026-03-04T23:00:00+00:00");
	/* Wednesday's morning is Tuesday's shift: gone. */
	CHECK_INT(el(c, "2026-03-02T00:00:00Z", "2026-03-05T00:00:00Z"),
	    6 * H + 2 * H + 0 + 2 * H);
	csm_cal_free(c);

	/* Night into an early shift of the next day: one interval, the
	 * overlap counted once. */
	c = cal("[calendar \"t\"]\n\ttimezone = UTC\n"
	    "\thours = mon 22:00-06:00\n\thours = tue 00:00-08:00\n");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_STR(iv(c, "2026-03-02T23:00:00Z"),
	    "2026-03-02T22:00:00+00:00/2026-03-03T08:00:00+00:00");
	CHECK_INT(el(c, "2026-03-02T00:00:00Z", "2026-03-04T00:00:00Z"),
	    10 * H);
	CHECK_STR(due(c, "2026-03-02T00:00:00Z", 10 * H),
	    "2026-03-03T08:00:00+00:00");
	CHECK_STR(due(c, "2026-03-03T07:00:00Z", 2 * H),
	    "2026-03-09T23:00:00+00:00");
	csm_cal_free(c);

	/* 09:00-09:00 is 24 hours from 09:00. */
	c = cal("[calendar \"t\"]\n\ttimezone = UTC\n"
	    "\thours = wed 09:00-09:00\n");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_STR(iv(c, "2026-03-02T00:00:00Z"),
	    "2026-03-04T09:00:00+00:00/2026-03-05T09:00:00+00:00");
	csm_cal_free(c);
}

/* 00:00-24:00, and the full week as one interval. */
static void
test_whole_days(void)
{
	struct csm_cal *c = cal("[calendar \"t\"]\n"
	    "\ttimezone = America/New_York\n"
	    "\thours = mon-fri 00:00-24:00\n");

	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_STR(iv(c, "2026-03-04T12:00:00-05:00"),
	    "2026-03-02T00:00:00-05:00/2026-03-07T00:00:00-05:00");
	CHECK_INT(el(c, "2026-03-07T00:00:00-05:00",
	    "2026-03-09T00:00:00-04:00"), 0);
	csm_cal_free(c);

	c = cal("[calendar \"t\"]\n\ttimezone = America/New_York\n"
	    "\thours = daily 00:00-24:00\n");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	/* Spring forward: 23 hours; fall back: 25. */
	CHECK_INT(el(c, "2026-03-08T00:00:00-05:00",
	    "2026-03-09T00:00:00-04:00"), 23 * H);
	CHECK_INT(el(c, "2026-11-01T00:00:00-04:00",
	    "2026-11-02T00:00:00-05:00"), 25 * H);
	CHECK_INT(el(c, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
	    365 * DAY);
	/*
	 * Found by tests/fuzz (fuzz_calendar): 18:00-18:00 every day in a
	 * zone with DST is open all the time too, and its interval was
	 * walked from 1970 to 9999 a few days at a time around each
	 * transition (a timeout).  Days that tile time are skipped by
	 * weeks whatever the offsets.
	 */
	{
		struct csm_cal *c2 = cal("[calendar \"t\"]\n"
		    "\ttimezone = EST5EDT,M3.2.0,M11.1.0\n"
		    "\thours = sat-fri 18:00-18:00\n");
		int64_t o, cl;

		CHECK(c2 != NULL);
		if (c2 != NULL) {
			CHECK(csm_cal_interval(c2, tp("2026-03-08T12:00:00Z"),
			    &o, &cl) == 1);
			CHECK_INT(o, 0);
			CHECK_INT(cl, CSM_TIME_MAX);
			CHECK_INT(el(c2, "2026-03-01T00:00:00Z",
			    "2026-04-01T00:00:00Z"), 31 * DAY);
			csm_cal_free(c2);
		}
	}
	/* Always open: the interval runs from 1970 to the end of time. */
	{
		int64_t o, cl;

		CHECK(csm_cal_interval(c, tp("2026-03-08T12:00:00Z"), &o,
		    &cl) == 1);
		CHECK_INT(o, 0);
		CHECK_INT(cl, CSM_TIME_MAX);
	}
	CHECK_STR(due(c, "2026-03-07T12:00:00-05:00", 2 * DAY),
	    "2026-03-09T13:00:00-04:00");
	csm_cal_free(c);
}

/* Ranges across DST transitions follow the wall clock. */
static void
test_dst(void)
{
	struct csm_cal *c = cal("[calendar \"t\"]\n"
	    "\ttimezone = America/New_York\n"
	    "\thours = daily 09:00-17:00\n");

	CHECK(c != NULL);
	if (c == NULL)
		return;
	/* Sat 12:00 EST to Mon 12:00 EDT: 5h + 8h + 3h in 47 hours. */
	CHECK_INT(el(c, "2026-03-07T12:00:00-05:00",
	    "2026-03-09T12:00:00-04:00"), 16 * H);
	CHECK_STR(due(c, "2026-03-07T16:00:00-05:00", 2 * H),
	    "2026-03-08T10:00:00-04:00");
	CHECK_STR(due(c, "2026-10-31T16:00:00-04:00", 2 * H),
	    "2026-11-01T10:00:00-05:00");
	/* Weeks on either side of a transition. */
	CHECK_INT(el(c, "2026-03-01T00:00:00-05:00",
	    "2026-03-29T00:00:00-04:00"), 28 * 8 * H);
	CHECK_INT(el(c, "2026-10-20T00:00:00-04:00",
	    "2026-11-20T00:00:00-05:00"), 31 * 8 * H);
	csm_cal_free(c);

	/* A night shift over the transitions: 7 hours, then 9. */
	c = cal("[calendar \"t\"]\n\ttimezone = America/New_York\n"
	    "\thours = sat 22:00-06:00\n");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_STR(iv(c, "2026-03-08T01:00:00-05:00"),
	    "2026-03-07T22:00:00-05:00/2026-03-08T06:00:00-04:00");
	CHECK_INT(el(c, "2026-03-07T00:00:00Z", "2026-03-09T00:00:00Z"),
	    7 * H);
	CHECK_INT(el(c, "2026-10-31T00:00:00Z", "2026-11-02T00:00:00Z"),
	    9 * H);
	CHECK_STR(due(c, "2026-10-31T12:00:00-04:00", 9 * H),
	    "2026-11-01T06:00:00-05:00");
	csm_cal_free(c);

	/* Europe/Berlin: Sunday 2026-03-29 is 23 hours, 2026-10-25 25. */
	c = cal("[calendar \"t\"]\n\ttimezone = Europe/Berlin\n"
	    "\thours = sun 00:00-24:00\n");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_STR(iv(c, "2026-03-29T12:00:00+02:00"),
	    "2026-03-29T00:00:00+01:00/2026-03-30T00:00:00+02:00");
	CHECK_INT(el(c, "2026-03-28T00:00:00Z", "2026-03-31T00:00:00Z"),
	    23 * H);
	CHECK_INT(el(c, "2026-10-24T00:00:00Z", "2026-10-27T00:00:00Z"),
	    25 * H);
	csm_cal_free(c);

	/* A range starting in the gap moves forward with it: 02:00 CET
	 * is 03:00 CEST, so 02:00-04:00 on 03-29 is one hour.  In the
	 * fold 02:00 is the first (CEST) one: 02:00-03:00 is two. */
	c = cal("[calendar \"t\"]\n\ttimezone = Europe/Berlin\n"
	    "\thours = sun 02:00-04:00\n");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_INT(el(c, "2026-03-29T00:00:00Z", "2026-03-30T00:00:00Z"),
	    H);
	CHECK_STR(iv(c, "2026-03-29T00:00:00Z"),
	    "2026-03-29T03:00:00+02:00/2026-03-29T04:00:00+02:00");
	csm_cal_free(c);
	c = cal("[calendar \"t\"]\n\ttimezone = Europe/Berlin\n"
	    "\thours = sun 02:00-03:00\n");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_INT(el(c, "2026-10-25T00:00:00Z", "2026-10-26T00:00:00Z"),
	    2 * H);
	csm_cal_free(c);
}

/*
 * Golden Week 2026: October 1 to 7 off (Thursday to Wednesday), Sunday
 * September 20 and Saturday October 10 worked with Monday's hours.
 */
static const char golden[] = "[calendar \"t\"]\n"
    "\ttimezone = Asia/Shanghai\n"
    "\thours = mon-fri 09:00-12:00 13:00-18:00\n"
    "\tholiday = 2026-10-01..2026-10-07\n"
    "\tholiday = 01-01\n"
    "\tworkday = 2026-09-20\n"
    "\tworkday = 2026-10-10\n";

static void
test_golden_week(void)
{
	struct csm_cal *c = cal(golden);

	CHECK(c != NULL);
	if (c == NULL)
		return;
	/* Wed 09-30 17:00 + 2h: 1h on the 30th, nothing till Thursday
	 * 10-08, then 09:00-10:00. */
	CHECK_STR(due(c, "2026-09-30T17:00:00+08:00", 2 * H),
	    "2026-10-08T10:00:00+08:00");
	/* Fri 10-09 17:00 + 2h: 1h, then Saturday 10-10 (worked) 09-10. */
	CHECK_STR(due(c, "2026-10-09T17:00:00+08:00", 2 * H),
	    "2026-10-10T10:00:00+08:00");
	/* Fri 09-18 17:30 + 8h: 0.5h, Saturday off, Sunday 09-20 worked:
	 * 3h before lunch, 4.5h after: 17:30. */
	CHECK_STR(due(c, "2026-09-18T17:30:00+08:00", 8 * H),
	    "2026-09-20T17:30:00+08:00");
	/* 09-28 .. 10-12: Mon-Wed 24h, Thu 10-08 to Sat 10-10 24h. */
	CHECK_INT(el(c, "2026-09-28T00:00:00+08:00",
	    "2026-10-12T00:00:00+08:00"), 48 * H);
	CHECK_INT(el(c, "2026-10-01T00:00:00+08:00",
	    "2026-10-08T00:00:00+08:00"), 0);
	CHECK_STR(iv(c, "2026-09-30T18:00:00+08:00"),
	    "2026-10-08T09:00:00+08:00/2026-10-08T12:00:00+08:00");
	/* 2027-01-01 is a Friday off by MM-DD. */
	CHECK_STR(due(c, "2026-12-31T17:00:00+08:00", 2 * H),
	    "2027-01-04T10:00:00+08:00");
	/* 30 days of business time from 09-01: September has 22 weekdays
	 * and the worked Sunday (23 days, 184h), then 10-08, 10-09, 10-10
	 * (26) and 10-12 .. 10-15 reach 30 days (240h) at 18:00 of 10-15. */
	CHECK_STR(due(c, "2026-09-01T00:00:00+08:00", 240 * H),
	    "2026-10-15T18:00:00+08:00");
	csm_cal_free(c);

	/* A date both holiday and workday is worked. */
	c = cal("[calendar \"t\"]\n\ttimezone = Asia/Shanghai\n"
	    "\thours = mon-fri 09:00-12:00 13:00-18:00\n"
	    "\tworkday = 2026-10-08\n"
	    "\tholiday = 2026-10-01..2026-10-08\n");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_INT(el(c, "2026-10-08T00:00:00+08:00",
	    "2026-10-09T00:00:00+08:00"), 8 * H);
	CHECK_INT(el(c, "2026-10-07T00:00:00+08:00",
	    "2026-10-08T00:00:00+08:00"), 0);
	csm_cal_free(c);

	/* A workday with ranges opens them on top of its weekday's. */
	c = cal("[calendar \"t\"]\n\ttimezone = Asia/Shanghai\n"
	    "\thours = mon-fri 09:00-12:00 13:00-18:00\n"
	    "\tworkday = 2026-10-10 09:00-12:00\n"
	    "\tworkday = 2026-10-09 19:00-21:00\n"
	    "\tworkday = 2026-10-08 10:00-14:00\n");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_INT(el(c, "2026-10-10T00:00:00+08:00",
	    "2026-10-11T00:00:00+08:00"), 3 * H);
	CHECK_INT(el(c, "2026-10-09T00:00:00+08:00",
	    "2026-10-10T00:00:00+08:00"), 10 * H);
	CHECK_INT(el(c, "2026-10-08T00:00:00+08:00",
	    "2026-10-09T00:00:00+08:00"), 9 * H);
	CHECK_STR(iv(c, "2026-10-08T11:00:00+08:00"),
	    "2026-10-08T09:00:00+08:00/2026-10-08T18:00:00+08:00");
	csm_cal_free(c);
}

static void
test_annual(void)
{
	struct csm_cal *c = cal("[calendar \"t\"]\n"
	    "\ttimezone = UTC\n"
	    "\thours = mon-fri 09:00-17:00\n"
	    "\tholiday = 01-01\n"
	    "\tholiday = 12-24..12-26\n"
	    "\tholiday = 02-29\n");

	CHECK(c != NULL);
	if (c == NULL)
		return;
	/* 2026-01-01 Thursday, 2027-01-01 Friday, 2032-01-01 Thursday. */
	CHECK_INT(el(c, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"), 0);
	CHECK_INT(el(c, "2027-01-01T00:00:00Z", "2027-01-02T00:00:00Z"), 0);
	CHECK_INT(el(c, "2032-01-01T00:00:00Z", "2032-01-03T00:00:00Z"),
	    8 * H);
	/* Thu 2026-12-24 .. Sat 12-26 off, Mon 12-28 open. */
	CHECK_INT(el(c, "2026-12-24T00:00:00Z", "2026-12-29T00:00:00Z"),
	    8 * H);
	/* Tue 2028-02-29 off; 2027 has no Feb 29. */
	CHECK_INT(el(c, "2028-02-28T00:00:00Z", "2028-03-02T00:00:00Z"),
	    16 * H);
	CHECK_INT(el(c, "2027-02-26T00:00:00Z", "2027-03-02T00:00:00Z"),
	    16 * H);
	CHECK_STR(due(c, "2026-12-23T16:00:00Z", 2 * H),
	    "2026-12-28T10:00:00+00:00");
	/* A year: 261 weekdays in 2026, less Jan 1, Dec 24, Dec 25. */
	CHECK_INT(el(c, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
	    258 * 8 * H);
	csm_cal_free(c);
}

static void
test_ics(void)
{
	struct csm_cal *c = cal_from("[calendar \"t\"]\n"
	    "\ttimezone = Asia/Shanghai\n"
	    "\thours = mon-fri 09:00-17:00\n"
	    "\tholidays = cn-2026.ics\n", DATA "t.conf");
	const char *msg;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	/* Thu 01-01 (no DTEND: one day). */
	CHECK_INT(el(c, "2026-01-01T00:00:00+08:00",
	    "2026-01-02T00:00:00+08:00"), 0);
	CHECK_INT(el(c, "2026-01-02T00:00:00+08:00",
	    "2026-01-03T00:00:00+08:00"), 8 * H);
	/* Folded DTSTART and DTEND: Fri 05-01 .. Tue 05-05 (DTEND 05-06
	 * exclusive), Wed 05-06 open. */
	CHECK_INT(el(c, "2026-05-01T00:00:00+08:00",
	    "2026-05-06T00:00:00+08:00"), 0);
	CHECK_INT(el(c, "2026-05-06T00:00:00+08:00",
	    "2026-05-07T00:00:00+08:00"), 8 * H);
	/* The timed event (Wed 06-10) and the cancelled one (Mon 06-15)
	 * are not holidays. */
	CHECK_INT(el(c, "2026-06-10T00:00:00+08:00",
	    "2026-06-11T00:00:00+08:00"), 8 * H);
	CHECK_INT(el(c, "2026-06-15T00:00:00+08:00",
	    "2026-06-16T00:00:00+08:00"), 8 * H);
	/* 10-01 .. 10-07 off; the VALARM's DTSTART is not the event's. */
	CHECK_INT(el(c, "2026-09-30T00:00:00+08:00",
	    "2026-10-09T00:00:00+08:00"), 16 * H);
	/* DURATION:P3D from Tue 02-17: Tue, Wed, Thu. */
	CHECK_INT(el(c, "2026-02-16T00:00:00+08:00",
	    "2026-02-21T00:00:00+08:00"), 16 * H);
	csm_cal_free(c);

	msg = "";
	{
		struct csm_conf *conf;
		struct csm_err err;
		const char *text = "[calendar \"t\"]\n"
		    "\thours = mon 09:00-17:00\n"
		    "\tholidays = bad-date.ics\n";

		conf = csm_conf_parse(text, strlen(text), DATA "t.conf",
		    &err);
		CHECK(conf != NULL);
		c = conf ? csm_cal_new(conf, "t", &err) : NULL;
		CHECK(c == NULL);
		if (c == NULL && conf != NULL) {
			CHECK_INT(err.code, CSM_ECONFIG);
			msg = err.msg;
			CHECK_STR(msg, DATA "t.conf:3:13: " DATA
			    "bad-date.ics:6: bad DTSTART date '2026100'");
		}
		csm_cal_free(c);
		csm_conf_free(conf);
	}
}

/* Every configuration error, with its file:line:col. */
static void
test_errors(void)
{
	const char *hdr = "[calendar \"t\"]\n\ttimezone = UTC\n";
	char text[512];

#define ERR(body) (snprintf(text, sizeof(text), "%s%s", hdr, body), \
	cal_err(text))
	CHECK_STR(ERR("\thours = mnday 09:00-18:00\n"),
	    "t.conf:3:10: bad hours 'mnday 09:00-18:00': unknown day "
	    "'mnday' (did you mean 'monday'?)");
	CHECK_STR(ERR("\thours = mon-fry 09:00-18:00\n"),
	    "t.conf:3:10: bad hours 'mon-fry 09:00-18:00': unknown day "
	    "'fry' (did you mean 'fri'?)");
	CHECK_STR(ERR("\thours = xyzzy 09:00-18:00\n"),
	    "t.conf:3:10: bad hours 'xyzzy 09:00-18:00': unknown day "
	    "'xyzzy' (expected mon, tue, wed, thu, fri, sat, sun, daily, "
	    "a range mon-fri or a list mon,wed)");
	CHECK_STR(ERR("\thours = mon-fri 9-18\n"),
	    "t.conf:3:10: bad hours 'mon-fri 9-18': expected HH:MM-HH:MM, "
	    "not '9-18'");
	CHECK_STR(ERR("\thours = mon 09:00-18:60\n"),
	    "t.conf:3:10: bad hours 'mon 09:00-18:60': expected "
	    "HH:MM-HH:MM, not '09:00-18:60'");
	CHECK_STR(ERR("\thours = mon 24:00-06:00\n"),
	    "t.conf:3:10: bad hours 'mon 24:00-06:00': 24:00 can only end "
	    "a range, not '24:00-06:00'");
	CHECK_STR(ERR("\thours = mon\n"),
	    "t.conf:3:10: bad hours 'mon': expected HH:MM-HH:MM ranges "
	    "after the days");
	CHECK_STR(ERR("\thours = mon fri 09:00-10:00\n"),
	    "t.conf:3:10: bad hours 'mon fri 09:00-10:00': expected "
	    "HH:MM-HH:MM, not 'fri'");
	CHECK_STR(ERR("\tholiday = 2026-10-07..2026-10-01\n"),
	    "t.conf:3:12: bad holiday '2026-10-07..2026-10-01': the range "
	    "ends before it starts");
	CHECK_STR(ERR("\tholiday = 12-31..01-01\n"),
	    "t.conf:3:12: bad holiday '12-31..01-01': the range ends "
	    "before it starts (one spanning New Year is two: 12-31 and "
	    "01-01)");
	CHECK_STR(ERR("\tholiday = 2026-02-29\n"),
	    "t.conf:3:12: bad holiday '2026-02-29': expected YYYY-MM-DD or "
	    "MM-DD, or a range of them as in 2026-10-01..2026-10-07");
	CHECK_STR(ERR("\tholiday = 2026-10-01..10-07\n"),
	    "t.conf:3:12: bad holiday '2026-10-01..10-07': expected "
	    "YYYY-MM-DD or MM-DD, or a range of them as in "
	    "2026-10-01..2026-10-07");
	CHECK_STR(ERR("\tworkday = 10-10\n"),
	    "t.conf:3:12: bad workday '10-10': expected YYYY-MM-DD and "
	    "optional HH:MM-HH:MM ranges");
	CHECK_STR(ERR("\tworkday = 2026-10-10 9am-5pm\n"),
	    "t.conf:3:12: bad workday '2026-10-10 9am-5pm': expected "
	    "HH:MM-HH:MM, not '9am-5pm'");
	CHECK_STR(ERR("\thour = mon 09:00-10:00\n"),
	    "t.conf:3:9: unknown key 'hour' in [calendar] (did you mean "
	    "'hours'?)");
	CHECK_STR(ERR("\tholidays = nope.ics\n"),
	    "t.conf:3:13: holidays: cannot read 'nope.ics': No such file "
	    "or directory");
	CHECK_STR(ERR("\ttimezone = Mars/Olympus\n"),
	    "t.conf:3:13: 'timezone' in [calendar \"t\"] is set twice "
	    "(first at t.conf:2)");
	CHECK_STR(cal_err("[calendar \"t\"]\n\ttimezone = Mars/Olympus\n"),
	    "t.conf:2:13: unknown time zone 'Mars/Olympus'");
	CHECK_STR(cal_err("[core]\n\ttimezone = Mars/Olympus\n"
	    "[calendar \"t\"]\n"), "t.conf:2:13: unknown time zone "
	    "'Mars/Olympus'");
	/* A control character in a value is escaped. */
	CHECK_STR(ERR("\thours = mon\033 09:00-10:00\n"),
	    "t.conf:3:10: bad hours 'mon\\u001b 09:00-10:00': unknown day "
	    "'mon\\u001b' (did you mean 'mon'?)");
#undef ERR
	CHECK_STR(cal_err("[calendar \"other\"]\n\thours = mon "
	    "09:00-10:00\n"), "no [calendar \"t\"] in the configuration");
	/* An empty section is a calendar that never opens. */
	CHECK_STR(cal_err("[calendar \"t\"]\n"), "");
	CHECK_STR(cal_err("[calendar \"t\"]\n\thours = mon 09:00-24:00 "
	    "00:00-24:00 9:30-10:00\n"), "");
}

/* The zone: the calendar's, else [core]'s, else the system's. */
static void
test_zone_default(void)
{
	struct csm_cal *c = cal("[core]\n\ttimezone = Asia/Tokyo\n"
	    "[calendar \"t\"]\n\thours = mon 09:00-10:00\n");

	CHECK(c != NULL);
	if (c != NULL)
		CHECK_STR(csm_tz_name(csm_cal_tz(c)), "Asia/Tokyo");
	csm_cal_free(c);
	c = cal("[calendar \"t\"]\n\thours = mon 09:00-10:00\n");
	CHECK(c != NULL);
	csm_cal_free(c);
}

static void
test_never(void)
{
	struct csm_cal *c = cal("[calendar \"t\"]\n\ttimezone = UTC\n"
	    "\tholiday = 2026-01-01\n");
	int64_t o, cl, t = tp("2026-03-02T00:00:00Z");

	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_INT(csm_cal_due(c, t, 1), CSM_CAL_NEVER);
	CHECK_INT(csm_cal_due(c, t, 0), t);
	CHECK_INT(csm_cal_elapsed(c, 0, CSM_TIME_MAX), 0);
	/* These answer at once (no hours: no walk to 9999). */
	CHECK_INT(csm_cal_interval(c, t, &o, &cl), 0);
	csm_cal_free(c);

	/* Only a worked day opens. */
	c = cal("[calendar \"t\"]\n\ttimezone = UTC\n"
	    "\tworkday = 2026-10-10\n\tworkday = 2030-01-05 10:00-11:00\n");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_INT(csm_cal_elapsed(c, 0, CSM_TIME_MAX), H);
	CHECK_STR(due(c, "2026-01-01T00:00:00Z", H),
	    "2030-01-05T11:00:00+00:00");
	CHECK_STR(due(c, "2030-01-05T10:30:00Z", H), "never");
	CHECK_STR(iv(c, "2026-01-01T00:00:00Z"),
	    "2030-01-05T10:00:00+00:00/2030-01-05T11:00:00+00:00");
	CHECK_STR(iv(c, "2030-01-05T11:00:00Z"), "none");
	csm_cal_free(c);

	/* Near the end of time. */
	c = cal("[calendar \"t\"]\n\ttimezone = UTC\n"
	    "\thours = mon-fri 09:00-17:00\n");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	/* 9999-12-29 is a Wednesday, the last day before CSM_TIME_MAX. */
	CHECK_STR(due(c, "9999-12-29T00:00:00Z", 8 * H),
	    "9999-12-29T17:00:00+00:00");
	CHECK_INT(csm_cal_due(c, CSM_TIME_MAX - 3 * H, 8 * H),
	    CSM_CAL_NEVER);
	CHECK_INT(csm_cal_due(c, 0, INT64_MAX), CSM_CAL_NEVER);
	CHECK(csm_cal_due(c, 0, 1000LL * 365 * 8 * H) != CSM_CAL_NEVER);
	CHECK(csm_cal_elapsed(c, INT64_MIN, INT64_MAX) > 0);
	csm_cal_free(c);
}

/*
 * Found by tests/fuzz (fuzz_calendar): a holiday range of centuries was
 * walked a day at a time (a timeout).  Runs of holidays, dated or MM-DD,
 * are crossed at once.
 */
static void
test_long_holidays(void)
{
	struct csm_cal *c = cal("[calendar \"t\"]\n\ttimezone = UTC\n"
	    "\thours = mon-fri 09:00-17:00\n"
	    "\tholiday = 2026-10-02..4052-10-07\n");

	CHECK(c != NULL);
	if (c == NULL)
		return;
	/* 4052-10-08 is a Tuesday. */
	CHECK_STR(due(c, "2027-01-01T00:00:00Z", H),
	    "4052-10-08T10:00:00+00:00");
	CHECK_INT(el(c, "2027-01-01T00:00:00Z", "4052-10-08T00:00:00Z"), 0);
	csm_cal_free(c);

	/* Every day but Feb 29 off by MM-DD: open on leap days only. */
	c = cal("[calendar \"t\"]\n\ttimezone = UTC\n"
	    "\thours = daily 09:00-17:00\n"
	    "\tholiday = 01-01..02-28\n\tholiday = 03-01..12-31\n");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_STR(due(c, "2026-03-01T00:00:00Z", 9 * H),
	    "2032-02-29T10:00:00+00:00");
	CHECK_STR(due(c, "2096-03-01T00:00:00Z", H),
	    "2104-02-29T10:00:00+00:00");
	csm_cal_free(c);

	/* Only Feb 29 off: after 2096-02-29 the next is 2104-02-29, eight
	 * years on, which a skip of plain weeks must not jump over. */
	c = cal("[calendar \"t\"]\n\ttimezone = UTC\n"
	    "\thours = daily 09:00-17:00\n\tholiday = 02-29\n");
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_INT(el(c, "2095-03-01T00:00:00Z", "2105-03-01T00:00:00Z"),
	    (3652 - 2) * 8 * H);
	CHECK_INT(el(c, "2096-02-29T00:00:00Z", "2096-03-01T00:00:00Z"), 0);
	CHECK_INT(el(c, "2104-02-29T00:00:00Z", "2104-03-01T00:00:00Z"), 0);
	csm_cal_free(c);
}

static void
test_always(void)
{
	struct csm_tz *tz = csm_tz_load("Asia/Shanghai", NULL);
	struct csm_cal *c = tz ? csm_cal_always(tz) : NULL;
	int64_t t = tp("2026-03-02T10:00:00Z"), o, cl;

	CHECK(c != NULL);
	if (c == NULL) {
		csm_tz_free(tz);
		return;
	}
	CHECK_STR(csm_cal_name(c), "always");
	CHECK(csm_cal_tz(c) == tz);
	CHECK_INT(csm_cal_elapsed(c, t, t + 5 * DAY), 5 * DAY);
	CHECK_INT(csm_cal_due(c, t, 90), t + 90);
	CHECK_INT(csm_cal_due(c, t, 0), t);
	CHECK_INT(csm_cal_due(c, CSM_TIME_MAX - 10, 11), CSM_CAL_NEVER);
	CHECK(csm_cal_interval(c, t, &o, &cl) == 1 && o <= t && cl > t);
	csm_cal_free(c);
	csm_tz_free(tz);
	csm_cal_free(NULL);
}

/* A small deterministic generator (xorshift64*). */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static int64_t
rndr(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

/* Counts a broken law once, and reports it with CHECK. */
#define LAW(c) do { if (!(c)) { bad++; CHECK(c); } } while (0)

/* Invariants that hold for any calendar. */
static void
check_laws(const struct csm_cal *c, int64_t base, int64_t span, int rounds)
{
	int64_t a, b, s, s2, d, d2, e, o, cl;
	int i, bad = 0;

	for (i = 0; i < rounds && bad < 5; i++) {
		a = base + rndr(0, span);
		b = a + rndr(0, 40 * DAY);
		s = rndr(0, 30 * DAY);
		e = csm_cal_elapsed(c, a, b);
		LAW(e >= 0 && e <= b - a);
		LAW(csm_cal_due(c, a, e) <= b);
		d = csm_cal_due(c, a, s);
		LAW(d == CSM_CAL_NEVER || csm_cal_elapsed(c, a, d) == s);
		/* The earliest such instant: one second less falls short. */
		LAW(d == CSM_CAL_NEVER || s == 0 ||
		    csm_cal_elapsed(c, a, d - 1) == s - 1);
		/* Monotonic in secs and in start. */
		s2 = s + rndr(0, 3 * DAY);
		d2 = csm_cal_due(c, a, s2);
		LAW(d2 >= d);
		d2 = csm_cal_due(c, a + rndr(0, 3 * DAY), s);
		LAW(d2 >= d);
		/* Additive. */
		LAW(csm_cal_elapsed(c, a, b) + csm_cal_elapsed(c, b, b + DAY) ==
		    csm_cal_elapsed(c, a, b + DAY));
		/* The interval at a holds a, or is the first after it, and
		 * is a maximal open stretch. */
		if (csm_cal_interval(c, a, &o, &cl)) {
			LAW(o < cl && cl > a);
			LAW(csm_cal_elapsed(c, o, cl) == cl - o);
			LAW(o <= a || csm_cal_elapsed(c, a, o) == 0);
			LAW(o == 0 || csm_cal_elapsed(c, o - 1, o) == 0);
			LAW(cl == CSM_TIME_MAX ||
			    csm_cal_elapsed(c, cl, cl + 1) == 0);
		} else
			LAW(csm_cal_elapsed(c, a, CSM_TIME_MAX) == 0);
	}
	if (bad == 0)
		CHECK(1);
}
#undef LAW

static void
test_laws(void)
{
	static const char *const cals[] = {
		golden,
		"[calendar \"t\"]\n\ttimezone = America/New_York\n"
		"\thours = mon-fri 09:00-12:00 13:00-17:30\n"
		"\thours = sat 22:00-06:00\n\tholiday = 07-04\n"
		"\tholiday = 2026-11-26..2026-11-27\n"
		"\tworkday = 2026-11-28 10:00-14:00\n",
		"[calendar \"t\"]\n\ttimezone = Europe/Berlin\n"
		"\thours = daily 22:00-06:00 00:00-02:30 05:00-07:00\n"
		"\tholiday = 12-24..12-26\n\tholiday = 2026-10-25\n",
		"[calendar \"t\"]\n\ttimezone = Europe/Berlin\n"
		"\thours = daily 00:00-24:00\n\tholiday = 2026-12-25\n",
		"[calendar \"t\"]\n\ttimezone = Australia/Lord_Howe\n"
		"\thours = mon-sat 01:30-02:15 08:00-20:00\n",
		"[calendar \"t\"]\n\ttimezone = UTC\n"
		"\tworkday = 2026-05-05 23:00-01:00\n"
		"\tholiday = 2026-05-06\n",
	};
	struct csm_cal *c;
	size_t i;

	for (i = 0; i < sizeof(cals) / sizeof(cals[0]); i++) {
		c = cal(cals[i]);
		CHECK(c != NULL);
		if (c == NULL)
			continue;
		check_laws(c, tp("2025-06-01T00:00:00Z"), 800 * DAY, 2000);
		csm_cal_free(c);
	}
}

/*
 * The naive model: for a zone at a fixed offset, each local day's
 * minutes are marked open or not straight from the ranges, holidays and
 * worked days, then counted one minute at a time.
 */
#define NDAYS	80
#define NMIN	(NDAYS * 1440)

struct model {
	int	ranges[7][4][2];	/* minutes */
	int	nr[7];
	int64_t	hol[6];		/* days */
	int	nhol;
	int	annual[3][2];	/* month, day */
	int	nannual;
	int64_t	work[4];
	int	wr[4][2];	/* a range, or -1 for Monday's hours */
	int	nwork;
	int	off;		/* minutes east of UTC */
};

static int
m_holiday(const struct model *m, int64_t d)
{
	int i, y, mo, dd;

	for (i = 0; i < m->nwork; i++)
		if (m->work[i] == d)
			return 0;
	for (i = 0; i < m->nhol; i++)
		if (m->hol[i] == d)
			return 1;
	csm_civil_from_days(d, &y, &mo, &dd);
	for (i = 0; i < m->nannual; i++)
		if (m->annual[i][0] == mo && m->annual[i][1] == dd)
			return 1;
	return 0;
}

static void
m_mark(unsigned char *open, int64_t d0, int64_t d, int s, int e,
    int64_t clip)
{
	int64_t a = (d - d0) * 1440 + s, b = (d - d0) * 1440 + e, k;

	if (b > clip)
		b = clip;
	for (k = a < 0 ? 0 : a; k < b && k < NMIN; k++)
		open[k] = 1;
}

/* Marks the open minutes of local days d0 .. d0 + NDAYS. */
static void
m_fill(const struct model *m, int64_t d0, unsigned char *open)
{
	int64_t d, clip;
	int wd, i, j, w;

	memset(open, 0, NMIN);
	for (d = d0 - 1; d < d0 + NDAYS; d++) {
		if (m_holiday(m, d))
			continue;
		clip = m_holiday(m, d + 1) ? (d + 1 - d0) * 1440 : INT64_MAX;
		wd = (int)(((d % 7) + 7 + 4) % 7);
		for (i = 0; i < m->nr[wd]; i++)
			m_mark(open, d0, d, m->ranges[wd][i][0],
			    m->ranges[wd][i][1], clip);
		for (w = 0; w < m->nwork; w++) {
			if (m->work[w] != d)
				continue;
			if (m->wr[w][0] >= 0)
				m_mark(open, d0, d, m->wr[w][0], m->wr[w][1],
				    clip);
			else
				for (j = 0; j < m->nr[1]; j++)
					m_mark(open, d0, d, m->ranges[1][j][0],
					    m->ranges[1][j][1], clip);
		}
	}
}

static void
hm(char *buf, int min)
{
	sprintf(buf, "%02d:%02d", min / 60 % 24 + (min == 1440 ? 24 : 0),
	    min % 60);
}

/* The config text of a model. */
static void
m_text(const struct model *m, char *t, size_t n)
{
	static const char *const dn[7] = {"sun", "mon", "tue", "wed", "thu",
	    "fri", "sat"};
	char a[8], b[8];
	int i, j, y, mo, d;
	size_t at;

	at = (size_t)snprintf(t, n, "[calendar \"t\"]\n\ttimezone = %c%02d:"
	    "%02d\n", m->off < 0 ? '-' : '+', abs(m->off) / 60,
	    abs(m->off) % 60);
	for (i = 0; i < 7; i++)
		for (j = 0; j < m->nr[i]; j++) {
			hm(a, m->ranges[i][j][0]);
			hm(b, m->ranges[i][j][1] % 1440 +
			    (m->ranges[i][j][1] == 1440 ? 1440 : 0));
			at += (size_t)snprintf(t + at, n - at, "\thours = %s "
			    "%s-%s\n", dn[i], a, b);
		}
	for (i = 0; i < m->nhol; i++) {
		csm_civil_from_days(m->hol[i], &y, &mo, &d);
		at += (size_t)snprintf(t + at, n - at, "\tholiday = "
		    "%04d-%02d-%02d\n", y, mo, d);
	}
	for (i = 0; i < m->nannual; i++)
		at += (size_t)snprintf(t + at, n - at, "\tholiday = "
		    "%02d-%02d\n", m->annual[i][0], m->annual[i][1]);
	for (i = 0; i < m->nwork; i++) {
		csm_civil_from_days(m->work[i], &y, &mo, &d);
		at += (size_t)snprintf(t + at, n - at, "\tworkday = "
		    "%04d-%02d-%02d", y, mo, d);
		if (m->wr[i][0] >= 0) {
			hm(a, m->wr[i][0]);
			hm(b, m->wr[i][1] % 1440 +
			    (m->wr[i][1] == 1440 ? 1440 : 0));
			at += (size_t)snprintf(t + at, n - at, " %s-%s", a,
			    b);
		}
		at += (size_t)snprintf(t + at, n - at, "\n");
	}
}

/* A random range in minutes: 30-minute steps, possibly overnight. */
static void
m_range(int *r)
{
	int s = (int)rndr(0, 47) * 30, len = (int)rndr(1, 48) * 30;

	if (rnd() % 4 == 0)
		len = (int)rndr(1, 12) * 30;
	r[0] = s;
	r[1] = s + len;
}

static void
test_naive(void)
{
	static unsigned char open[NMIN];
	static const int offs[] = {0, 480, -210, 345, -720, 840};
	struct model m;
	struct csm_cal *c;
	char text[4096];
	int64_t d0, base, a, b, s, naive, k, t, lo, hi, got;
	int round, i, wd, bad = 0, q, y, mo, dd;

	for (round = 0; round < 150 && bad < 3; round++) {
		memset(&m, 0, sizeof(m));
		m.off = offs[round % 6];
		d0 = csm_days_from_civil(2026, 1, 1) + rndr(0, 400);
		for (wd = 0; wd < 7; wd++) {
			m.nr[wd] = (int)rndr(0, 3);
			if (round % 10 == 9)
				m.nr[wd] = 0;	/* workdays only */
			for (i = 0; i < m.nr[wd]; i++)
				m_range(m.ranges[wd][i]);
		}
		m.nhol = (int)rndr(0, 6);
		for (i = 0; i < m.nhol; i++)
			m.hol[i] = d0 + rndr(0, NDAYS);
		m.nannual = (int)rndr(0, 2);
		for (i = 0; i < m.nannual; i++) {
			csm_civil_from_days(d0 + rndr(0, NDAYS), &y, &mo,
			    &dd);
			m.annual[i][0] = mo;
			m.annual[i][1] = dd;
		}
		m.nwork = (int)rndr(0, 4);
		for (i = 0; i < m.nwork; i++) {
			m.work[i] = d0 + rndr(0, NDAYS);
			/* One day named twice would be two of our lines but
			 * the model's one: keep them apart. */
			for (q = 0; q < i; q++)
				if (m.work[q] == m.work[i])
					m.work[i] = d0 + NDAYS + 5 + i;
			if (rnd() % 2)
				m_range(m.wr[i]);
			else
				m.wr[i][0] = m.wr[i][1] = -1;
		}
		m_text(&m, text, sizeof(text));
		c = cal(text);
		CHECK(c != NULL);
		if (c == NULL) {
			fprintf(stderr, "%s", text);
			bad++;
			continue;
		}
		m_fill(&m, d0, open);
		/* Local midnight of d0 as an instant. */
		base = d0 * DAY - m.off * 60;
		for (q = 0; q < 60; q++) {
			/* Within the middle days, where the window holds every
			 * range that counts. */
			a = base + 2 * DAY + rndr(0, 40 * DAY);
			b = a + rndr(0, 30 * DAY);
			naive = 0;
			for (k = (a - base) / 60; k * 60 + base < b; k++) {
				if (!open[k])
					continue;
				lo = base + k * 60 > a ? base + k * 60 : a;
				hi = base + k * 60 + 60 < b ? base + k * 60 +
				    60 : b;
				naive += hi - lo;
			}
			got = csm_cal_elapsed(c, a, b);
			if (got != naive) {
				bad++;
				CHECK_INT(got, naive);
				fprintf(stderr, "%s a=%s b=%s\n", text,
				    tf(c, a), tf(c, b));
				break;
			}
			/* due: the naive walk to s seconds. */
			s = rndr(1, 10 * DAY);
			naive = 0;
			t = CSM_CAL_NEVER;
			for (k = (a - base) / 60; k < NMIN - 2 * 1440; k++) {
				if (!open[k])
					continue;
				lo = base + k * 60 > a ? base + k * 60 : a;
				hi = base + k * 60 + 60;
				if (naive + (hi - lo) >= s) {
					t = lo + (s - naive);
					break;
				}
				naive += hi - lo;
			}
			if (t == CSM_CAL_NEVER)
				continue;	/* beyond the window */
			got = csm_cal_due(c, a, s);
			if (got != t) {
				bad++;
				CHECK_INT(got, t);
				fprintf(stderr, "%s a=%s s=%lld\n", text,
				    tf(c, a), (long long)s);
				break;
			}
		}
		if (q == 60)
			CHECK(1);
		csm_cal_free(c);
	}
}

int
main(void)
{
	test_lunch();
	test_hours_add_up();
	test_overnight();
	test_whole_days();
	test_dst();
	test_golden_week();
	test_annual();
	test_ics();
	test_errors();
	test_zone_default();
	test_never();
	test_long_holidays();
	test_always();
	test_laws();
	test_naive();
	return TEST_REPORT();
}
