/*
 * test_time.c - unit tests of lib/time.c: civil dates, zones read from
 * TZif files and POSIX TZ strings, RFC 3339 parsing and formatting, and
 * durations.  Conversions are cross-checked against glibc's localtime_r,
 * which only the test may use (it sets $TZ).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "csm.h"
#include "csm_test.h"

#define DAY	86400
#define ZONEINFO "/usr/share/zoneinfo"

static char tmpdir[64];

/* The zone directory that both csm and glibc read. */
static const char *
zonedir(void)
{
	const char *d = getenv("TZDIR");

	return d != NULL && *d != '\0' ? d : ZONEINFO;
}

/* Parses a NUL-terminated time; returns the instant or INT64_MIN. */
static int64_t
tp(const char *s, const struct csm_tz *tz)
{
	struct csm_err err;
	int64_t t;

	csm_err_clear(&err);
	if (csm_time_parse(s, strlen(s), tz, &t, &err) == -1)
		return INT64_MIN;
	return t;
}

/* Formats t in tz into a buffer owned by the caller. */
static const char *
tf(int64_t t, const struct csm_tz *tz, char *buf)
{
	size_t n = csm_time_format(t, tz, buf);

	return n == strlen(buf) ? buf : "length mismatch";
}

/* Parses a duration; returns it or -1 on error. */
static int64_t
dp(const char *s)
{
	struct csm_err err;
	int64_t v;

	csm_err_clear(&err);
	if (csm_dur_parse(s, strlen(s), &v, &err) == -1)
		return -1;
	return v;
}

static const char *
df(int64_t v, char *buf)
{
	size_t n = csm_dur_format(v, buf);

	return n == strlen(buf) ? buf : "length mismatch";
}

static int
has_zone(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", zonedir(), name);
	return access(path, R_OK) == 0;
}

static void
test_civil(void)
{
	int64_t d, bad = 0;
	int y, m, dd, ny, nm, nd;

	CHECK_INT(csm_days_from_civil(1970, 1, 1), 0);
	CHECK_INT(csm_days_from_civil(2000, 3, 1), 11017);
	CHECK_INT(csm_days_from_civil(1969, 12, 31), -1);
	CHECK_INT(csm_days_from_civil(0, 1, 1), -719528);
	CHECK_INT(csm_days_from_civil(9999, 12, 31), 2932896);
	CHECK_INT(csm_days_from_civil(2026, 13, 1),
	    csm_days_from_civil(2027, 1, 1));
	CHECK_INT(csm_days_from_civil(2026, 0, 1),
	    csm_days_from_civil(2025, 12, 1));
	CHECK_INT(csm_days_from_civil(2026, 3, 0),
	    csm_days_from_civil(2026, 2, 28));
	CHECK_INT(csm_days_from_civil(2024, 2, 30),
	    csm_days_from_civil(2024, 3, 1));
	csm_civil_from_days(0, &y, &m, &dd);
	CHECK(y == 1970 && m == 1 && dd == 1);
	csm_civil_from_days(-719528, &y, &m, &dd);
	CHECK(y == 0 && m == 1 && dd == 1);
	csm_civil_from_days(-719528 + 59, &y, &m, &dd);
	CHECK(y == 0 && m == 2 && dd == 29);
	csm_civil_from_days(2932896, &y, &m, &dd);
	CHECK(y == 9999 && m == 12 && dd == 31);
	csm_civil_from_days(INT64_MAX, &y, &m, &dd);
	CHECK(y > 1000000 && m >= 1 && m <= 12 && dd >= 1 && dd <= 31);
	csm_civil_from_days(INT64_MIN, &y, &m, &dd);
	CHECK(y < -1000000 && m >= 1 && m <= 12 && dd >= 1 && dd <= 31);

	/* Every day from -0001 to 10000 follows the one before. */
	csm_civil_from_days(csm_days_from_civil(-1, 1, 1), &y, &m, &dd);
	CHECK(y == -1 && m == 1 && dd == 1);
	for (d = csm_days_from_civil(-1, 1, 1);
	    d < csm_days_from_civil(10001, 1, 1); d++) {
		csm_civil_from_days(d + 1, &ny, &nm, &nd);
		if (nd == dd + 1 && nm == m && ny == y)
			;
		else if (nd == 1 && nm == m + 1 && ny == y)
			;
		else if (nd == 1 && nm == 1 && m == 12 && dd == 31 &&
		    ny == y + 1)
			;
		else
			bad++;
		if (csm_days_from_civil(ny, nm, nd) != d + 1)
			bad++;
		y = ny;
		m = nm;
		dd = nd;
	}
	CHECK_INT(bad, 0);
}

static void
test_utc_fixed(void)
{
	static const char *bad[] = {
		"+24:00", "+8:5", "+123", "+", "-", "-05:60", "+08:00:00",
		"+08:", "+12345", "+8x", "+ 8", "--8"
	};
	struct csm_err err;
	struct csm_tz *tz;
	struct csm_tm tm;
	char buf[32];
	size_t i;

	tz = csm_tz_load("UTC", &err);
	CHECK(tz != NULL);
	CHECK_STR(csm_tz_name(tz), "UTC");
	CHECK_INT(csm_tz_offset(tz, 1795138200), 0);
	CHECK_STR(tf(0, tz, buf), "1970-01-01T00:00:00+00:00");
	csm_tz_free(tz);
	tz = csm_tz_load("Z", &err);
	CHECK(tz != NULL && strcmp(csm_tz_name(tz), "Z") == 0);
	csm_tz_free(tz);
	tz = csm_tz_load("GMT", &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 0) == 0);
	csm_tz_free(tz);
	tz = csm_tz_load("utc", &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 0) == 0);
	csm_tz_free(tz);
	csm_tz_free(NULL);

	/* NULL is UTC everywhere. */
	CHECK_STR(csm_tz_name(NULL), "UTC");
	CHECK_INT(csm_tz_offset(NULL, 12345), 0);
	CHECK_STR(tf(1795138200, NULL, buf), "2026-11-20T01:30:00+00:00");
	csm_tz_local(NULL, 1795138200, &tm);
	CHECK(tm.year == 2026 && tm.mon == 11 && tm.day == 20 &&
	    tm.hour == 1 && tm.min == 30 && tm.sec == 0 && tm.wday == 5 &&
	    tm.yday == 323 && tm.off == 0);
	CHECK_INT(csm_tz_utc(NULL, &tm), 1795138200);

	tz = csm_tz_load("+08:00", &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 0) == 28800);
	CHECK_STR(csm_tz_name(tz), "+08:00");
	CHECK_STR(tf(1795138200, tz, buf), "2026-11-20T09:30:00+08:00");
	CHECK_INT(tp("2026-11-20T09:30", tz), 1795138200);
	CHECK_INT(tp("2026-11-20", tz), 1795138200 - 9 * 3600 - 1800);
	csm_tz_free(tz);
	tz = csm_tz_load("-0530", &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 0) == -19800);
	CHECK_STR(tf(1795138200, tz, buf), "2026-11-19T20:00:00-05:30");
	csm_tz_free(tz);
	tz = csm_tz_load("+8", &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 0) == 28800);
	csm_tz_free(tz);
	tz = csm_tz_load("-08", &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 0) == -28800);
	csm_tz_free(tz);
	tz = csm_tz_load("+00:00", &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 0) == 0);
	CHECK_STR(tf(0, tz, buf), "1970-01-01T00:00:00+00:00");
	csm_tz_free(tz);
	tz = csm_tz_load("-23:59", &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 0) == -86340);
	csm_tz_free(tz);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		csm_err_clear(&err);
		tz = csm_tz_load(bad[i], &err);
		CHECK(tz == NULL);
		CHECK_INT(err.code, CSM_ECONFIG);
		csm_tz_free(tz);
	}
	csm_err_clear(&err);
	CHECK(csm_tz_load("+24:00", &err) == NULL);
	CHECK_STR(err.msg, "unknown time zone '+24:00'");
}

static void
test_shanghai(void)
{
	struct csm_err err;
	struct csm_tz *tz;
	struct csm_tm tm;
	char buf[32];
	int y, bad = 0;

	tz = csm_tz_load("Asia/Shanghai", &err);
	CHECK(tz != NULL);
	if (tz == NULL)
		return;
	CHECK_STR(csm_tz_name(tz), "Asia/Shanghai");
	CHECK_STR(tf(1795138200, tz, buf), "2026-11-20T09:30:00+08:00");
	CHECK_INT(tp("2026-11-20T09:30:00", tz), 1795138200);
	CHECK_INT(tp("2026-11-20 09:30", tz), 1795138200);
	CHECK_INT(tp("2026-11-20T09:30:00+08:00", NULL), 1795138200);
	/* DST in 1988, none since 1991. */
	CHECK_INT(csm_tz_offset(tz, tp("1988-07-01T00:00:00Z", NULL)), 32400);
	for (y = 1992; y <= 2500; y++) {
		if (csm_tz_offset(tz, csm_days_from_civil(y, 7, 1) * DAY) !=
		    28800 ||
		    csm_tz_offset(tz, csm_days_from_civil(y, 1, 1) * DAY) !=
		    28800)
			bad++;
	}
	CHECK_INT(bad, 0);
	/* Local mean time +08:05:43 is cut to +08:05 but names the instant. */
	CHECK_INT(csm_tz_offset(tz, tp("1900-01-01T00:00:00Z", NULL)), 29143);
	CHECK_STR(tf(tp("1900-01-01T00:00:00Z", NULL), tz, buf),
	    "1900-01-01T08:05:00+08:05");
	CHECK_INT(tp(buf, NULL), tp("1900-01-01T00:00:00Z", NULL));
	csm_tz_local(tz, tp("1900-01-01T00:00:00Z", NULL), &tm);
	CHECK(tm.hour == 8 && tm.min == 5 && tm.sec == 43 && tm.off == 29143);
	/* The first and last days, in a zone. */
	CHECK_INT(tp("0000-01-01", tz), -62167219200LL - 29143);
	CHECK(strncmp(tf(tp("0000-01-01", tz), tz, buf), "0000-01-01T00:00:",
	    17) == 0);
	CHECK_INT(tp("9999-12-31T23:59:59", tz), 253402300799LL - 28800);
	CHECK_STR(tf(253402300799LL - 28800, tz, buf),
	    "9999-12-31T23:59:59+08:00");
	csm_tz_free(tz);
}

static void
test_new_york(void)
{
	struct csm_err err;
	struct csm_tz *tz;
	struct csm_tm tm;
	char buf[32];

	tz = csm_tz_load("America/New_York", &err);
	CHECK(tz != NULL);
	if (tz == NULL)
		return;
	/* Spring forward: 2026-03-08 02:00 EST becomes 03:00 EDT. */
	CHECK_INT(csm_tz_offset(tz, 1772953199), -18000);
	CHECK_INT(csm_tz_offset(tz, 1772953200), -14400);
	CHECK_INT(tp("2026-03-08T01:59:59", tz), 1772953199);
	CHECK_INT(tp("2026-03-08T03:00", tz), 1772953200);
	CHECK_INT(tp("2026-03-08T02:00", tz), 1772953200);
	CHECK_INT(tp("2026-03-08T02:30", tz), 1772953200 + 1800);
	CHECK_STR(tf(tp("2026-03-08T02:30", tz), tz, buf),
	    "2026-03-08T03:30:00-04:00");
	CHECK_STR(tf(1772953199, tz, buf), "2026-03-08T01:59:59-05:00");
	CHECK_STR(tf(1772953200, tz, buf), "2026-03-08T03:00:00-04:00");
	/* Fall back: 02:00 EDT becomes 01:00 EST; 01:30 happens twice. */
	CHECK_INT(csm_tz_offset(tz, 1793512799), -14400);
	CHECK_INT(csm_tz_offset(tz, 1793512800), -18000);
	CHECK_INT(tp("2026-11-01T01:30", tz), 1793512800 - 1800);
	CHECK_INT(tp("2026-11-01T00:59:59", tz), 1793512800 - 3601);
	CHECK_INT(tp("2026-11-01T01:00", tz), 1793512800 - 3600);
	CHECK_INT(tp("2026-11-01T02:00", tz), 1793512800 + 3600);
	CHECK_STR(tf(1793512800 - 1800, tz, buf), "2026-11-01T01:30:00-04:00");
	CHECK_STR(tf(1793512800 + 1800, tz, buf), "2026-11-01T01:30:00-05:00");
	CHECK_INT(tp("2026-11-01T01:30:00-05:00", tz), 1793512800 + 1800);
	csm_tz_local(tz, 1793512800 + 1800, &tm);
	CHECK(tm.year == 2026 && tm.mon == 11 && tm.day == 1 &&
	    tm.hour == 1 && tm.min == 30 && tm.wday == 0 &&
	    tm.yday == 304 && tm.off == -18000);
	CHECK_INT(csm_tz_utc(tz, &tm), 1793512800 - 1800);
	/* A date alone is local midnight. */
	CHECK_STR(tf(tp("2026-07-04", tz), tz, buf),
	    "2026-07-04T00:00:00-04:00");
	CHECK_STR(tf(tp("2026-01-04", tz), tz, buf),
	    "2026-01-04T00:00:00-05:00");
	/* The footer rule, far in the future. */
	CHECK_STR(tf(tp("2400-07-01T12:00", tz), tz, buf),
	    "2400-07-01T12:00:00-04:00");
	CHECK_INT(tp("2400-07-01T12:00", tz), tp("2400-07-01T16:00:00Z", NULL));
	CHECK_STR(tf(tp("2400-01-15T12:00", tz), tz, buf),
	    "2400-01-15T12:00:00-05:00");
	CHECK_STR(tf(tp("9999-07-01T12:00", tz), tz, buf),
	    "9999-07-01T12:00:00-04:00");
	/* 2400-03-12 is the second Sunday of March. */
	CHECK_INT(tp("2400-03-12T02:30", tz), tp("2400-03-12T07:30:00Z", NULL));
	CHECK_INT(tp("2400-11-05T01:30", tz), tp("2400-11-05T05:30:00Z", NULL));
	CHECK_INT(tp("2100-03-14T02:30", tz), tp("2100-03-14T07:30:00Z", NULL));
	/* Instants outside 0000..9999 saturate instead of overflowing. */
	CHECK(strncmp(tf(INT64_MAX, tz, buf), "9999-12-31T23:59:59-0", 21) ==
	    0);
	CHECK_STR(tf(INT64_MIN, tz, buf), "0000-01-01T00:00:00-04:56");
	csm_tz_local(tz, INT64_MAX, &tm);
	CHECK(tm.year == 9999);
	csm_tz_local(tz, INT64_MIN, &tm);
	CHECK(tm.year == 0);
	tm.year = INT_MAX;
	tm.mon = tm.day = tm.hour = tm.min = tm.sec = INT_MAX;
	CHECK(csm_tz_utc(tz, &tm) > 0);
	tm.year = INT_MIN;
	tm.mon = tm.day = tm.hour = tm.min = tm.sec = INT_MIN;
	CHECK(csm_tz_utc(tz, &tm) < 0);
	csm_tz_free(tz);
}

static void
test_london_lord_howe(void)
{
	struct csm_err err;
	struct csm_tz *tz;
	char buf[32];

	tz = csm_tz_load("Europe/London", &err);
	CHECK(tz != NULL);
	if (tz != NULL) {
		CHECK_INT(csm_tz_offset(tz, 1774745999), 0);
		CHECK_INT(csm_tz_offset(tz, 1774746000), 3600);
		CHECK_INT(csm_tz_offset(tz, 1792889999), 3600);
		CHECK_INT(csm_tz_offset(tz, 1792890000), 0);
		CHECK_INT(tp("2026-03-29T01:30", tz), 1774746000 + 1800);
		CHECK_STR(tf(tp("2026-03-29T01:30", tz), tz, buf),
		    "2026-03-29T02:30:00+01:00");
		CHECK_INT(tp("2026-10-25T01:30", tz), 1792890000 - 1800);
		CHECK_STR(tf(1792890000, tz, buf), "2026-10-25T01:00:00+00:00");
		CHECK_STR(tf(tp("2026-06-01T12:00", tz), tz, buf),
		    "2026-06-01T12:00:00+01:00");
		csm_tz_free(tz);
	}
	if (!has_zone("Australia/Lord_Howe"))
		return;
	tz = csm_tz_load("Australia/Lord_Howe", &err);
	CHECK(tz != NULL);
	if (tz == NULL)
		return;
	/* Half-hour DST: +11:00 until 2026-04-05 02:00, then +10:30. */
	CHECK_INT(csm_tz_offset(tz, 1775314799), 39600);
	CHECK_INT(csm_tz_offset(tz, 1775314800), 37800);
	CHECK_INT(tp("2026-04-05T01:45", tz), 1775314800 - 900);
	CHECK_STR(tf(1775314800 + 900, tz, buf), "2026-04-05T01:45:00+10:30");
	CHECK_INT(csm_tz_offset(tz, 1791041399), 37800);
	CHECK_INT(csm_tz_offset(tz, 1791041400), 39600);
	CHECK_INT(tp("2026-10-04T02:15", tz), 1791041400 + 900);
	CHECK_STR(tf(tp("2026-10-04T02:15", tz), tz, buf),
	    "2026-10-04T02:45:00+11:00");
	CHECK_STR(tf(tp("2026-07-01", tz), tz, buf),
	    "2026-07-01T00:00:00+10:30");
	CHECK_STR(tf(tp("2300-01-01", tz), tz, buf),
	    "2300-01-01T00:00:00+11:00");
	csm_tz_free(tz);
}

static void
test_parse_good(void)
{
	char buf[32];
	int64_t t;
	struct csm_err err;

	CHECK_INT(tp("2026-11-20T09:30:00+08:00", NULL), 1795138200);
	CHECK_INT(tp("2026-11-20t01:30:00z", NULL), 1795138200);
	CHECK_INT(tp("2026-11-20T01:30:00Z", NULL), 1795138200);
	CHECK_INT(tp("2026-11-20 01:30", NULL), 1795138200);
	CHECK_INT(tp("2026-11-20T01:30Z", NULL), 1795138200);
	CHECK_INT(tp("2026-11-20T09:30+0800", NULL), 1795138200);
	CHECK_INT(tp("2026-11-20T09:30+08", NULL), 1795138200);
	CHECK_INT(tp("2026-11-19T20:00-05:30", NULL), 1795138200);
	CHECK_INT(tp("2026-11-20T01:30-00:00", NULL), 1795138200);
	CHECK_INT(tp("2026-11-20T01:30:00.999999999Z", NULL), 1795138200);
	CHECK_INT(tp("2026-11-20T01:30:00.5+00:00", NULL), 1795138200);
	CHECK_INT(tp("2026-11-20T01:30:05.123", NULL), 1795138205);
	CHECK_INT(tp("2026-11-20T01:29:60Z", NULL), 1795138199);
	CHECK_INT(tp("2016-12-31T23:59:60Z", NULL),
	    tp("2016-12-31T23:59:59Z", NULL));
	CHECK_INT(tp("2026-11-20T23:30-23:59", NULL),
	    tp("2026-11-21T23:29Z", NULL));
	CHECK_INT(tp("2026-11-20", NULL), 1795138200 - 5400);
	CHECK_INT(tp("1970-01-01", NULL), 0);
	CHECK_INT(tp("1969-12-31T23:59:59Z", NULL), -1);
	/* Leap years. */
	CHECK(tp("2024-02-29", NULL) != INT64_MIN);
	CHECK(tp("2000-02-29T12:00Z", NULL) != INT64_MIN);
	CHECK(tp("0000-02-29", NULL) != INT64_MIN);
	CHECK(tp("2026-02-28", NULL) != INT64_MIN);
	CHECK_INT(tp("2024-03-01", NULL) - tp("2024-02-28", NULL), 2 * DAY);
	/* The first and last years. */
	CHECK_INT(tp("0000-01-01T00:00:00Z", NULL), -62167219200LL);
	CHECK_INT(tp("0000-01-01", NULL), -62167219200LL);
	CHECK_INT(tp("9999-12-31T23:59:59Z", NULL), 253402300799LL);
	CHECK_STR(tf(-62167219200LL, NULL, buf), "0000-01-01T00:00:00+00:00");
	CHECK_STR(tf(253402300799LL, NULL, buf), "9999-12-31T23:59:59+00:00");
	CHECK_STR(tf(INT64_MAX, NULL, buf), "9999-12-31T23:59:59+00:00");
	CHECK_STR(tf(INT64_MIN, NULL, buf), "0000-01-01T00:00:00+00:00");
	/* len is honoured: the text need not end with a NUL. */
	t = 0;
	csm_err_clear(&err);
	CHECK_INT(csm_time_parse("2026-11-20T01:30:00Zjunk", 20, NULL, &t,
	    &err), 0);
	CHECK_INT(t, 1795138200);
	CHECK_INT(csm_time_parse("2026-11-20T01:30:00Z", 10, NULL, &t, &err),
	    0);
	CHECK_INT(t, 1795132800);
}

/* Expects s[0..len) to be rejected with message msg (NULL: any). */
static void
bad_time(const char *s, size_t len, const char *msg, int line)
{
	struct csm_err err;
	int64_t t = 42;
	int r;

	csm_err_clear(&err);
	r = csm_time_parse(s, len, NULL, &t, &err);
	if (r == -1 && t == 42 && err.code == CSM_EDATA &&
	    strncmp(err.msg, "not a time: \"", 13) == 0 &&
	    (msg == NULL || strcmp(err.msg, msg) == 0)) {
		csm_t_pass++;
		return;
	}
	csm_t_fail++;
	fprintf(stderr, "%s:%d: FAIL: time \"%.*s\" r=%d code=%d msg=%s\n",
	    __FILE__, line, (int)len, s, r, err.code, err.msg);
}

#define BAD_TIME(s, msg) bad_time((s), strlen(s), (msg), __LINE__)
#define BAD_TIME_N(s, msg) bad_time((s), sizeof(s) - 1, (msg), __LINE__)

static void
test_parse_bad(void)
{
	static const char *forms[] = {
		"2026-1-01", "2026-01-1", "26-01-01", "20261120",
		"2026/11/20", "+2026-11-20", "-2026-11-20", "02026-11-20",
		"2026-11-20 ", " 2026-11-20", "2026-11-20T", "2026-11-20T10",
		"2026-11-20T10:0", "2026-11-20T1:00", "2026-11-20T10:00:0",
		"2026-11-20T10:00:00.", "2026-11-20T10:00.5",
		"2026-11-20T10:00:00,5", "2026-11-20X10:00",
		"2026-11-20T10:00 +08:00", "2026-11-20T10:00:00Z ",
		"2026-11-20T10:00Zjunk", "2026-11-20T10:00ZZ",
		"2026-11-20T10:00+8", "2026-11-20T10:00+08:0",
		"2026-11-20T10:00+080", "2026-11-20T10:00+08:00:00",
		"2026-11-20T10:00+", "2026-11-20T10:00UTC",
		"2026-11-20T10:00:00-", "2026-11-20Z", "2026-11-20T10:00:00 Z",
		"2026-11-20T10:00:00.5.5Z", "x", "2026", "2026-11",
		"2026-11-20TT10:00",
		"\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92-01-01",
		"2026-11-20\t10:00", "2026-11-20T10:00:00+08:00\n"
	};
	char buf[300], want[300];
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		BAD_TIME(forms[i], NULL);
	BAD_TIME("", "not a time: \"\" (empty)");
	bad_time(NULL, 0, "not a time: \"\" (empty)", __LINE__);
	BAD_TIME("2026-13-01", "not a time: \"2026-13-01\" (month 13)");
	BAD_TIME("2026-00-01", "not a time: \"2026-00-01\" (month 0)");
	BAD_TIME("2026-02-29", "not a time: \"2026-02-29\" "
	    "(no day 29 in 2026-02)");
	BAD_TIME("1900-02-29", "not a time: \"1900-02-29\" "
	    "(no day 29 in 1900-02)");
	BAD_TIME("2026-04-31", NULL);
	BAD_TIME("2026-01-00", NULL);
	BAD_TIME("2026-01-32", NULL);
	BAD_TIME("2026-11-20T25:00", "not a time: \"2026-11-20T25:00\" "
	    "(hour 25)");
	BAD_TIME("2026-11-20T24:00", "not a time: \"2026-11-20T24:00\" "
	    "(hour 24)");
	BAD_TIME("2026-11-20T10:60", "not a time: \"2026-11-20T10:60\" "
	    "(minute 60)");
	BAD_TIME("2026-11-20T10:59:61", NULL);
	BAD_TIME("2026-11-20T10:00+24:00", "not a time: "
	    "\"2026-11-20T10:00+24:00\" (offset out of range)");
	BAD_TIME("2026-11-20T10:00-99:99", NULL);
	BAD_TIME("2026-11-20T10:00+08:60", NULL);
	BAD_TIME("2026-11-20T10:00+9999", NULL);
	BAD_TIME("2026-11-20T10:00+99", NULL);
	BAD_TIME("2026-11-20T10:00:00Zjunk", "not a time: "
	    "\"2026-11-20T10:00:00Zjunk\" (unexpected text at the end)");
	BAD_TIME("2026-1-01", "not a time: \"2026-1-01\" "
	    "(expected YYYY-MM-DD)");
	/* A NUL within len is data, and is escaped in the message. */
	BAD_TIME_N("2026-11-20\0T10:00", "not a time: "
	    "\"2026-11-20\\u0000T10:00\" (unexpected text after the date)");
	BAD_TIME_N("2026-11-20T10:00\0", NULL);
	BAD_TIME_N("\0""2026-11-20", NULL);
	/* Messages escape control characters, quotes and bad UTF-8. */
	BAD_TIME("\x1b[31m2026", "not a time: \"\\u001b[31m2026\" "
	    "(expected YYYY-MM-DD)");
	BAD_TIME("\xff\xfe", "not a time: \"\\xff\\xfe\" "
	    "(expected YYYY-MM-DD)");
	BAD_TIME("\"a\\b\"\n\t\r\x7f", "not a time: "
	    "\"\\\"a\\\\b\\\"\\n\\t\\r\\u007f\" (expected YYYY-MM-DD)");
	BAD_TIME("caf\xc3\xa9 \xc2\x9b", "not a time: "
	    "\"caf\xc3\xa9 \\u009b\" (expected YYYY-MM-DD)");
	BAD_TIME("\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82", "not a time: "
	    "\"\\xc0\\xaf\\xed\\xa0\\x80\\xf4\\x90\\x80\\x80\\xe2\\x82\" "
	    "(expected YYYY-MM-DD)");
	/* Long text is cut, without splitting a character. */
	memset(buf, 'x', 200);
	buf[200] = '\0';
	snprintf(want, sizeof(want), "not a time: \"%.60s...\" "
	    "(expected YYYY-MM-DD)", buf);
	BAD_TIME(buf, want);
	for (i = 0; i < 200; i += 2)
		memcpy(buf + i, "\xc3\xa9", 2);
	snprintf(want, sizeof(want), "not a time: \"%.60s...\" "
	    "(expected YYYY-MM-DD)", buf);
	BAD_TIME(buf, want);
	memcpy(buf, "x", 1);
	for (i = 1; i < 200; i += 2)
		memcpy(buf + i, "\xc3\xa9", 2);
	buf[199] = 'x';
	snprintf(want, sizeof(want), "not a time: \"%.59s...\" "
	    "(expected YYYY-MM-DD)", buf);
	BAD_TIME(buf, want);
	memset(buf, '\x01', 200);
	snprintf(want, sizeof(want), "not a time: \"%s...\" "
	    "(expected YYYY-MM-DD)",
	    "\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001"
	    "\\u0001\\u0001");
	BAD_TIME(buf, want);
}

/* The range of instants a record may carry, and what it says outside. */
static void
test_range(void)
{
	struct csm_err err;
	char buf[32];
	int64_t t;

	CHECK_INT(csm_time_check(CSM_TIME_MIN, NULL), 1);
	CHECK_INT(csm_time_check(CSM_TIME_MAX, NULL), 1);
	CHECK_INT(csm_time_check(1790000000, NULL), 1);
	CHECK_INT(csm_time_check(0, &err), 0);
	CHECK_INT(err.code, CSM_EDATA);
	CHECK_STR(err.msg, "1970-01-01T00:00:00+00:00 is out of range "
	    "(1970-01-01T00:00:01Z to 9999-12-30T00:00:00Z)");
	CHECK_INT(csm_time_check(CSM_TIME_MAX + 1, &err), 0);
	CHECK_STR(err.msg, "9999-12-30T00:00:01+00:00 is out of range "
	    "(1970-01-01T00:00:01Z to 9999-12-30T00:00:00Z)");
	CHECK_INT(csm_time_check(INT64_MIN, &err), 0);
	CHECK_STR(err.msg, "-9223372036854775808 is out of range "
	    "(1970-01-01T00:00:01Z to 9999-12-30T00:00:00Z)");
	CHECK_INT(csm_time_check(INT64_MAX, &err), 0);
	CHECK_STR(err.msg, "9223372036854775807 is out of range "
	    "(1970-01-01T00:00:01Z to 9999-12-30T00:00:00Z)");
	/* The edges parse, and the largest is written with four digits
	 * in the zone farthest east. */
	CHECK_INT(csm_time_parse("9999-12-30T00:00:00Z", 20, NULL, &t, &err),
	    0);
	CHECK(t == CSM_TIME_MAX);
	CHECK_INT(csm_time_parse("1970-01-01T00:00:01Z", 20, NULL, &t, &err),
	    0);
	CHECK(t == CSM_TIME_MIN);
	CHECK_INT(csm_time_parse("9999-12-30T14:00:00+14:00", 25, NULL, &t,
	    &err), 0);
	CHECK(t == CSM_TIME_MAX);
	/* Year 0 parses (ISO 8601 has it) but is out of range. */
	CHECK_INT(csm_time_parse("0000-01-01", 10, NULL, &t, &err), 0);
	CHECK_INT(csm_time_check(t, &err), 0);
	CHECK_STR(err.msg, "0000-01-01T00:00:00+00:00 is out of range "
	    "(1970-01-01T00:00:01Z to 9999-12-30T00:00:00Z)");
	csm_time_format(CSM_TIME_MAX, NULL, buf);
	CHECK_STR(buf, "9999-12-30T00:00:00+00:00");
	/* Found by tests/fuzz (fuzz_time): a TZ string may put a zone a
	 * day or more from UTC, which RFC 3339 cannot write; such a time
	 * is written in UTC, so that it reads back. */
	{
		struct csm_tz *far = csm_tz_load("XXX-24:30", &err);

		CHECK(far != NULL);
		CHECK_INT(csm_tz_offset(far, 0), 24 * 3600 + 1800);
		CHECK_STR(tf(0, far, buf), "1970-01-01T00:00:00+00:00");
		CHECK_INT(tp(buf, far), 0);
		csm_tz_free(far);
	}
}

static void
test_durations(void)
{
	static const char *bad[] = {
		"-5m", "-0", "-1", "+5m", "5x", "h", "1h30", "1.5", "1 h",
		" 1h", "1h ", "30m1h", "1h1h", "1h 1h", "1.h", ".5h", "1h-30m",
		"1h,30m", "1hh", "1e3s", "9223372036854775808",
		"9223372036854775807m", "15250284452472w",
		"9223372036854775807s 1s", "106751991167301d",
		"106751991167300d 15h 30m 8s", "1m 1h", "1s1ms", "1mo", "1 ",
		"\t1h",
		"1h\n30m", "0x10s", "1..5h", "1.5.5h", "\xff"
	};
	struct csm_err err;
	char buf[32];
	int64_t v, samples[] = {
		0, 1, 59, 60, 61, 3599, 3600, 5400, 86399, 86400, 90000,
		604800, 1209600, INT64_MAX, INT64_MAX - 59
	};
	size_t i;

	CHECK_INT(dp("90s"), 90);
	CHECK_INT(dp("45m"), 2700);
	CHECK_INT(dp("2h"), 7200);
	CHECK_INT(dp("3d"), 259200);
	CHECK_INT(dp("1w"), 604800);
	CHECK_INT(dp("1h30m"), 5400);
	CHECK_INT(dp("1d 2h"), 93600);
	CHECK_INT(dp("1d  2h\t3m 4s"), 93784);
	CHECK_INT(dp("1w2d3h4m5s"), 604800 + 172800 + 10800 + 245);
	CHECK_INT(dp("1.5h"), 5400);
	CHECK_INT(dp("1.25m"), 75);
	CHECK_INT(dp("0.5s"), 0);
	CHECK_INT(dp("1.9999s"), 1);
	CHECK_INT(dp("0.1w"), 60480);
	CHECK_INT(dp("1.5h30m"), 7200);
	CHECK_INT(dp("300"), 300);
	CHECK_INT(dp("0"), 0);
	CHECK_INT(dp("0s"), 0);
	CHECK_INT(dp("007m"), 420);
	CHECK_INT(dp("2H"), 7200);
	CHECK_INT(dp("1D12H"), 129600);
	CHECK_INT(dp("1W"), 604800);
	CHECK_INT(dp("90S"), 90);
	CHECK_INT(dp("9223372036854775807"), INT64_MAX);
	CHECK_INT(dp("9223372036854775807s"), INT64_MAX);
	CHECK_INT(dp("15250284452471w"), 15250284452471LL * 604800);
	CHECK_INT(dp("106751991167300d 15h 30m 7s"), INT64_MAX);
	CHECK_INT(dp("1.000000000000000000000000000001h"), 3600);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		csm_err_clear(&err);
		v = 42;
		if (csm_dur_parse(bad[i], strlen(bad[i]), &v, &err) == -1 &&
		    v == 42 && err.code == CSM_EDATA &&
		    strncmp(err.msg, "not a duration: \"", 17) == 0) {
			csm_t_pass++;
		} else {
			csm_t_fail++;
			fprintf(stderr, "%s:%d: FAIL: duration \"%s\" "
			    "accepted or wrong error: %s\n", __FILE__,
			    __LINE__, bad[i], err.msg);
		}
	}
	csm_err_clear(&err);
	CHECK_INT(csm_dur_parse("", 0, &v, &err), -1);
	CHECK_STR(err.msg, "not a duration: \"\" (empty)");
	CHECK_INT(csm_dur_parse("5x", 2, &v, &err), -1);
	CHECK_STR(err.msg, "not a duration: \"5x\" (unknown unit 'x')");
	CHECK_INT(csm_dur_parse("-2h", 3, &v, &err), -1);
	CHECK_STR(err.msg, "not a duration: \"-2h\" (negative)");
	CHECK_INT(csm_dur_parse("99999999999999w", 15, &v, &err), -1);
	CHECK_STR(err.msg, "not a duration: \"99999999999999w\" (too large)");
	CHECK_INT(csm_dur_parse("1h\0" "30m", 6, &v, &err), -1);
	CHECK_STR(err.msg, "not a duration: \"1h\\u000030m\" "
	    "(expected a number)");
	CHECK_INT(csm_dur_parse("2h30m", 2, &v, &err), 0);
	CHECK_INT(v, 7200);

	CHECK_STR(df(172800, buf), "2d");
	CHECK_STR(df(7200, buf), "2h");
	CHECK_STR(df(5400, buf), "90m");
	CHECK_STR(df(90, buf), "90s");
	CHECK_STR(df(0, buf), "0s");
	CHECK_STR(df(-7200, buf), "-2h");
	CHECK_STR(df(-1, buf), "-1s");
	CHECK_STR(df(604800, buf), "7d");
	CHECK_STR(df(90000, buf), "25h");
	CHECK_STR(df(INT64_MAX, buf), "9223372036854775807s");
	CHECK_STR(df(INT64_MIN, buf), "-9223372036854775808s");
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		df(samples[i], buf);
		CHECK_INT(dp(buf), samples[i]);
	}
}

static void
test_names(void)
{
	static const char *unknown[] = {
		"Mars/Phobos", "../etc/passwd", "Asia/../Asia/Shanghai",
		"/etc/localtime", "/usr/share/zoneinfo/UTC", "..", "America",
		"America/", "Foo", "XYZ", "EST5EDT,M3.2.0", "Asia/Shanghai/x"
	};
	struct csm_err err;
	struct csm_tz *tz;
	char want[300];
	size_t i;

	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		csm_err_clear(&err);
		tz = csm_tz_load(unknown[i], &err);
		CHECK(tz == NULL);
		CHECK_INT(err.code, CSM_ECONFIG);
		snprintf(want, sizeof(want), "unknown time zone '%s'",
		    unknown[i]);
		CHECK_STR(err.msg, want);
		csm_tz_free(tz);
	}
	/* A file in the zone directory that is no zone at all. */
	if (has_zone("zone.tab")) {
		csm_err_clear(&err);
		CHECK(csm_tz_load("zone.tab", &err) == NULL);
		CHECK_INT(err.code, CSM_ECONFIG);
		CHECK(strstr(err.msg, "bad TZif file") != NULL);
	}
	/* POSIX TZ strings are zones too. */
	tz = csm_tz_load("CST-8", &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 0) == 28800);
	CHECK_STR(csm_tz_name(tz), "CST-8");
	csm_tz_free(tz);
	tz = csm_tz_load("<+0330>-3:30", &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 0) == 12600);
	csm_tz_free(tz);
	tz = csm_tz_load("EST5EDT,M3.2.0,M11.1.0", &err);
	CHECK(tz != NULL);
	CHECK_INT(tp("2026-03-08T02:30", tz), 1772953200 + 1800);
	CHECK_INT(tp("2026-11-01T01:30", tz), 1793512800 - 1800);
	csm_tz_free(tz);
	tz = csm_tz_load("AAA5BBB", &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 1772953200) == -14400);
	csm_tz_free(tz);
	/* DST all year (RFC 8536 3.3.1), where glibc has an hour of EST. */
	for (i = 0; i < 2; i++) {
		int64_t t, bad = 0;

		tz = csm_tz_load(i == 0 ? "EST5EDT4,0/0,J365/25" :
		    "<-05>5<-04>4,J1/0,J365/25", &err);
		CHECK(tz != NULL);
		if (tz == NULL)
			continue;
		for (t = tp("1899-12-25T00:00Z", NULL);
		    t < tp("2501-01-07T00:00Z", NULL); t += 7 * DAY + 599)
			if (csm_tz_offset(tz, t) != -14400)
				bad++;
		for (t = tp("2019-12-31T20:00Z", NULL);
		    t < tp("2020-01-01T12:00Z", NULL); t += 60)
			if (csm_tz_offset(tz, t) != -14400)
				bad++;
		CHECK_INT(bad, 0);
		CHECK_INT(tp("2020-01-01T00:30", tz),
		    tp("2020-01-01T04:30Z", NULL));
		csm_tz_free(tz);
	}
	tz = csm_tz_load("AAA-14BBB-13:30:15,J1/0,J365/23:59:59", &err);
	CHECK(tz != NULL);
	CHECK_INT(csm_tz_offset(tz, tp("2020-12-31T10:29:44Z", NULL)), 48615);
	CHECK_INT(csm_tz_offset(tz, tp("2020-12-31T10:00:00Z", NULL)), 48615);
	CHECK_INT(csm_tz_offset(tz, tp("2021-06-30T00:00:00Z", NULL)), 48615);
	csm_tz_free(tz);
	/* A start on Jan 1 is in the previous UTC year (glibc disagrees). */
	tz = csm_tz_load("AAA-14BBB-13,M1.1.0/0,M12.1.0", &err);
	CHECK(tz != NULL);
	CHECK_INT(csm_tz_offset(tz, tp("2022-12-31T09:59:59Z", NULL)), 50400);
	CHECK_INT(csm_tz_offset(tz, tp("2022-12-31T10:00:00Z", NULL)), 46800);
	CHECK_INT(tp("2023-01-01T00:00", tz), tp("2022-12-31T11:00Z", NULL));
	csm_tz_free(tz);
}

/* Sets (or with NULL unsets) an environment variable. */
static void
env(const char *name, const char *value)
{
	if (value == NULL)
		unsetenv(name);
	else
		setenv(name, value, 1);
}

static void
test_system_zone(void)
{
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL, path[256];
	struct csm_err err;
	struct csm_tz *tz;

	env("TZ", "Asia/Shanghai");
	tz = csm_tz_load(NULL, &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 0) == 28800);
	CHECK_STR(csm_tz_name(tz), "Asia/Shanghai");
	csm_tz_free(tz);
	env("TZ", ":Asia/Tokyo");
	tz = csm_tz_load("", &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 0) == 32400);
	CHECK_STR(csm_tz_name(tz), "Asia/Tokyo");
	csm_tz_free(tz);
	snprintf(path, sizeof(path), "%s/Asia/Kolkata", zonedir());
	env("TZ", path);
	tz = csm_tz_load(NULL, &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 1795138200) == 19800);
	csm_tz_free(tz);
	snprintf(path, sizeof(path), ":%s/Asia/../Asia/Kolkata", zonedir());
	env("TZ", path);
	tz = csm_tz_load(NULL, &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 1795138200) == 19800);
	csm_tz_free(tz);
	env("TZ", "CST-8");
	tz = csm_tz_load(NULL, &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 0) == 28800);
	csm_tz_free(tz);
	env("TZ", "+05:45");
	tz = csm_tz_load(NULL, &err);
	CHECK(tz != NULL && csm_tz_offset(tz, 0) == 20700);
	csm_tz_free(tz);
	env("TZ", "Nowhere/Land");
	csm_err_clear(&err);
	CHECK(csm_tz_load(NULL, &err) == NULL);
	CHECK_INT(err.code, CSM_ECONFIG);
	CHECK_STR(err.msg, "unknown time zone 'Nowhere/Land'");
	/* Unset or empty: /etc/localtime, else UTC; never NULL here. */
	env("TZ", "");
	tz = csm_tz_load(NULL, &err);
	CHECK(tz != NULL && csm_tz_name(tz)[0] != '\0');
	csm_tz_free(tz);
	env("TZ", NULL);
	tz = csm_tz_load(NULL, &err);
	CHECK(tz != NULL);
	csm_tz_free(tz);
	env("TZ", saved);
	free(saved);
}

/* A TZif file under construction. */
struct tzb {
	unsigned char	b[4096];
	size_t		n;
};

static void
put(struct tzb *z, const void *p, size_t n)
{
	if (n == 0)
		return;
	memcpy(z->b + z->n, p, n);
	z->n += n;
}

static void
put32(struct tzb *z, uint32_t v)
{
	unsigned char b[4] = {
		(unsigned char)(v >> 24), (unsigned char)(v >> 16),
		(unsigned char)(v >> 8), (unsigned char)v
	};

	put(z, b, 4);
}

static void
put64(struct tzb *z, int64_t v)
{
	put32(z, (uint32_t)((uint64_t)v >> 32));
	put32(z, (uint32_t)v);
}

/*
 * Builds a TZif file of version ver (0 or '2'..'4') with nt transitions
 * and ntypes local time types (abbreviation "XXX"), and footer foot for
 * version 2 and later (NULL: none at all).
 */
static void
mk_tzif(struct tzb *z, int ver, const int64_t *when, const unsigned char *ix,
    uint32_t nt, const int32_t *offs, uint32_t ntypes, const char *foot)
{
	static const unsigned char zero[15];
	uint32_t i;
	int pass;

	z->n = 0;
	for (pass = 0; pass < (ver ? 2 : 1); pass++) {
		put(z, "TZif", 4);
		put(z, &(unsigned char){(unsigned char)ver}, 1);
		put(z, zero, 15);
		put32(z, 0);
		put32(z, 0);
		put32(z, 0);
		put32(z, nt);
		put32(z, ntypes);
		put32(z, 4);
		for (i = 0; i < nt; i++) {
			if (pass)
				put64(z, when[i]);
			else
				put32(z, (uint32_t)when[i]);
		}
		put(z, ix, nt);
		for (i = 0; i < ntypes; i++) {
			put32(z, (uint32_t)offs[i]);
			put(z, &(unsigned char){offs[i] > offs[0]}, 1);
			put(z, zero, 1);
		}
		put(z, "XXX", 4);
	}
	if (ver && foot) {
		put(z, "\n", 1);
		put(z, foot, strlen(foot));
		put(z, "\n", 1);
	}
}

static void
write_file(const char *name, const void *p, size_t n)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(p, 1, n, f) != n) {
		perror(path);
		exit(70);
	}
	fclose(f);
}

static unsigned char *
read_file(const char *path, size_t *n)
{
	unsigned char *buf = malloc(1 << 20);
	FILE *f = fopen(path, "rb");

	if (buf == NULL || f == NULL) {
		perror(path);
		exit(70);
	}
	*n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

/* Loads zone "t" of tmpdir; returns it or NULL with err. */
static struct csm_tz *
load_tmp(struct csm_tz **tz, struct csm_err *err)
{
	csm_err_clear(err);
	*tz = csm_tz_load("t", err);
	return *tz;
}

/* Exercises a zone that loaded, so the sanitizers see every path. */
static void
exercise(const struct csm_tz *tz)
{
	struct csm_tm tm;
	char buf[32];
	int64_t t;

	for (t = -(INT64_C(1) << 40); t < (INT64_C(1) << 40);
	    t += (INT64_C(1) << 36) + 12345) {
		csm_tz_local(tz, t, &tm);
		(void)csm_tz_utc(tz, &tm);
		csm_time_format(t, tz, buf);
	}
	csm_tz_local(tz, INT64_MAX, &tm);
	csm_tz_local(tz, INT64_MIN, &tm);
	(void)csm_tz_utc(tz, &tm);
}

static void
test_tzif_files(void)
{
	static const int64_t w2[] = {1000000, 2000000};
	static const unsigned char i2[] = {1, 0}, ibad[] = {1, 2};
	static const int32_t o2[] = {-18000, -14400}, o1[] = {12600};
	static const int64_t wdesc[] = {2000000, 1000000};
	struct csm_err err;
	struct csm_tz *tz;
	struct tzb z;
	unsigned char *ny, *sh, *buf;
	size_t nyn, shn, i, bad = 0, crashfree = 0;
	int j;

	const char *old = getenv("TZDIR");
	char *saved = old ? strdup(old) : NULL, path[256];

	snprintf(path, sizeof(path), "%s/America/New_York", zonedir());
	ny = read_file(path, &nyn);
	snprintf(path, sizeof(path), "%s/Asia/Shanghai", zonedir());
	sh = read_file(path, &shn);
	CHECK(mkdtemp(tmpdir) != NULL);
	env("TZDIR", tmpdir);

	/* Version 1 file: type 0 before, the last type after. */
	mk_tzif(&z, 0, w2, i2, 2, o2, 2, NULL);
	write_file("t", z.b, z.n);
	CHECK(load_tmp(&tz, &err) != NULL);
	CHECK_INT(csm_tz_offset(tz, 999999), -18000);
	CHECK_INT(csm_tz_offset(tz, 1000000), -14400);
	CHECK_INT(csm_tz_offset(tz, 1999999), -14400);
	CHECK_INT(csm_tz_offset(tz, 2000000), -18000);
	CHECK_INT(csm_tz_offset(tz, INT64_MAX), -18000);
	csm_tz_free(tz);
	/* Version 2 to 4 with footers. */
	mk_tzif(&z, '2', NULL, NULL, 0, o1, 1, "<+0330>-3:30");
	write_file("t", z.b, z.n);
	CHECK(load_tmp(&tz, &err) != NULL);
	CHECK_INT(csm_tz_offset(tz, 0), 12600);
	CHECK_INT(csm_tz_offset(tz, INT64_MIN), 12600);
	csm_tz_free(tz);
	mk_tzif(&z, '3', w2, i2, 2, o2, 2, "");
	write_file("t", z.b, z.n);
	CHECK(load_tmp(&tz, &err) != NULL);
	CHECK_INT(csm_tz_offset(tz, 1500000), -14400);
	CHECK_INT(csm_tz_offset(tz, 1795138200), -18000);
	csm_tz_free(tz);
	mk_tzif(&z, '4', NULL, NULL, 0, o2, 1, "EST5EDT,M3.2.0,M11.1.0");
	write_file("t", z.b, z.n);
	CHECK(load_tmp(&tz, &err) != NULL);
	CHECK_INT(csm_tz_offset(tz, 1772953199), -18000);
	CHECK_INT(csm_tz_offset(tz, 1772953200), -14400);
	CHECK_INT(tp("1900-07-01T12:00", tz), tp("1900-07-01T16:00Z", NULL));
	CHECK_INT(tp("2026-03-08T02:30", tz), 1772953200 + 1800);
	csm_tz_free(tz);
	mk_tzif(&z, '3', w2, i2, 2, o2, 2,
	    "<-04>4<-03>,M1.1.0/-167,M12.5.6/167:59:59");
	write_file("t", z.b, z.n);
	CHECK(load_tmp(&tz, &err) != NULL);
	exercise(tz);
	csm_tz_free(tz);

	/* Malformed files are errors, not crashes. */
	mk_tzif(&z, '1', w2, i2, 2, o2, 2, NULL);
	write_file("t", z.b, z.n);
	CHECK(load_tmp(&tz, &err) == NULL && err.code == CSM_ECONFIG);
	CHECK(strstr(err.msg, "bad TZif file (unknown version)") != NULL);
	mk_tzif(&z, '2', w2, i2, 2, o2, 0, "EST5");
	write_file("t", z.b, z.n);
	CHECK(load_tmp(&tz, &err) == NULL && err.code == CSM_ECONFIG);
	mk_tzif(&z, '2', w2, ibad, 2, o2, 2, "EST5");
	write_file("t", z.b, z.n);
	CHECK(load_tmp(&tz, &err) == NULL && err.code == CSM_ECONFIG);
	CHECK(strstr(err.msg, "bad type index") != NULL);
	mk_tzif(&z, '2', wdesc, i2, 2, o2, 2, "EST5");
	write_file("t", z.b, z.n);
	CHECK(load_tmp(&tz, &err) == NULL && err.code == CSM_ECONFIG);
	mk_tzif(&z, '2', w2, i2, 2, (const int32_t[]){0, 93600}, 2, "EST5");
	write_file("t", z.b, z.n);
	CHECK(load_tmp(&tz, &err) == NULL && err.code == CSM_ECONFIG);
	mk_tzif(&z, '2', w2, i2, 2, o2, 2, "EST5EDT,M3.2.0");
	write_file("t", z.b, z.n);
	CHECK(load_tmp(&tz, &err) == NULL && err.code == CSM_ECONFIG);
	CHECK(strstr(err.msg, "bad footer") != NULL);
	mk_tzif(&z, '2', w2, i2, 2, o2, 2, NULL);
	write_file("t", z.b, z.n);
	CHECK(load_tmp(&tz, &err) == NULL && err.code == CSM_ECONFIG);
	mk_tzif(&z, '2', w2, i2, 2, o2, 2, "EST5");
	z.b[z.n - 1] = 'x';
	write_file("t", z.b, z.n);
	CHECK(load_tmp(&tz, &err) == NULL && err.code == CSM_ECONFIG);
	/* Huge counts in the second header. */
	mk_tzif(&z, '2', w2, i2, 2, o2, 2, "EST5");
	for (j = 0; j < 6; j++) {
		unsigned char save[4];
		size_t at = 44 + 2 * 5 + 2 * 6 + 4 + 20 + 4 * (size_t)j;

		memcpy(save, z.b + at, 4);
		memset(z.b + at, 0xff, 4);
		write_file("t", z.b, z.n);
		CHECK(load_tmp(&tz, &err) == NULL &&
		    err.code == CSM_ECONFIG);
		memcpy(z.b + at, save, 4);
	}
	write_file("t", "", 0);
	CHECK(load_tmp(&tz, &err) == NULL && err.code == CSM_ECONFIG);
	write_file("t", "TZif", 4);
	CHECK(load_tmp(&tz, &err) == NULL && err.code == CSM_ECONFIG);
	CHECK(strstr(err.msg, "bad TZif file (truncated)") != NULL);
	CHECK(strstr(err.msg, "time zone 't': ") == err.msg);
	buf = malloc(3000);
	for (i = 0; i < 3000; i++)
		buf[i] = (unsigned char)(i * 7919 + 13);
	write_file("t", buf, 3000);
	CHECK(load_tmp(&tz, &err) == NULL && err.code == CSM_ECONFIG);
	CHECK(strstr(err.msg, "not a TZif file") != NULL);
	memcpy(buf, "TZif2", 5);
	write_file("t", buf, 3000);
	CHECK(load_tmp(&tz, &err) == NULL && err.code == CSM_ECONFIG);
	free(buf);

	/* Every proper prefix of a real file is rejected. */
	for (i = 0; i < nyn; i++) {
		write_file("t", ny, i);
		if (load_tmp(&tz, &err) != NULL || err.code != CSM_ECONFIG)
			bad++;
		csm_tz_free(tz);
	}
	CHECK_INT(bad, 0);
	write_file("t", ny, nyn);
	CHECK(load_tmp(&tz, &err) != NULL);
	CHECK_INT(tp("2026-03-08T02:30", tz), 1772953200 + 1800);
	csm_tz_free(tz);
	free(ny);

	/* Every byte of a real file damaged: never a crash. */
	for (i = 0; i < shn; i++) {
		for (j = 0; j < 3; j++) {
			unsigned char save = sh[i];

			sh[i] = j == 0 ? 0xff : j == 1 ? 0 : save ^ 0x80;
			write_file("t", sh, shn);
			if (load_tmp(&tz, &err) != NULL) {
				exercise(tz);
				csm_tz_free(tz);
			}
			crashfree++;
			sh[i] = save;
		}
	}
	CHECK_INT(crashfree, shn * 3);
	free(sh);

	env("TZDIR", saved);
	free(saved);
	snprintf(path, sizeof(path), "%s/t", tmpdir);
	CHECK_INT(unlink(path), 0);
	CHECK_INT(rmdir(tmpdir), 0);
}

/* Local seconds of a struct tm from glibc. */
static int64_t
tm_secs(const struct tm *g)
{
	return csm_days_from_civil(g->tm_year + 1900, g->tm_mon + 1,
	    g->tm_mday) * DAY + g->tm_hour * 3600 + g->tm_min * 60 +
	    g->tm_sec;
}

/*
 * Compares csm_tz_local with glibc's localtime_r for zone over
 * [from, to) in steps, and checks that csm_tz_utc inverts it (the earlier
 * instant when ambiguous).  Returns the number of disagreements.
 */
static long
versus_glibc(const char *zone, int64_t from, int64_t to, int64_t step)
{
	struct csm_err err;
	struct csm_tz *tz;
	struct csm_tm m, m2;
	struct tm g;
	time_t tt;
	int64_t t, u;
	long bad = 0;

	setenv("TZ", zone, 1);
	tzset();
	if ((tz = csm_tz_load(zone, &err)) == NULL) {
		fprintf(stderr, "%s: %s\n", zone, err.msg);
		return 1;
	}
	for (t = from; t < to; t += step) {
		tt = (time_t)t;
		if (localtime_r(&tt, &g) == NULL)
			return 1;
		csm_tz_local(tz, t, &m);
		u = csm_tz_utc(tz, &m);
		csm_tz_local(tz, u, &m2);
		if (m.year != g.tm_year + 1900 || m.mon != g.tm_mon + 1 ||
		    m.day != g.tm_mday || m.hour != g.tm_hour ||
		    m.min != g.tm_min || m.sec != g.tm_sec ||
		    m.wday != g.tm_wday || m.yday != g.tm_yday ||
		    m.off != tm_secs(&g) - t ||
		    m.off != csm_tz_offset(tz, t) || u > t ||
		    m2.year != m.year || m2.mon != m.mon || m2.day != m.day ||
		    m2.hour != m.hour || m2.min != m.min || m2.sec != m.sec) {
			if (bad++ < 5)
				fprintf(stderr, "%s: %lld: csm %04d-%02d-%02d "
				    "%02d:%02d:%02d %+d, glibc %04d-%02d-%02d "
				    "%02d:%02d:%02d %+lld, utc %lld\n", zone,
				    (long long)t, m.year, m.mon, m.day, m.hour,
				    m.min, m.sec, m.off, g.tm_year + 1900,
				    g.tm_mon + 1, g.tm_mday, g.tm_hour,
				    g.tm_min, g.tm_sec,
				    (long long)(tm_secs(&g) - t),
				    (long long)u);
		}
	}
	csm_tz_free(tz);
	return bad;
}

static void
test_versus_glibc(void)
{
	static const char *zones[] = {
		"America/New_York", "Asia/Shanghai", "Europe/London",
		"Australia/Lord_Howe", "Europe/Dublin", "America/Nuuk",
		"Asia/Jerusalem", "America/Sao_Paulo", "Pacific/Apia",
		"Africa/Casablanca", "America/Santiago", "Antarctica/Troll"
	};
	static const char *posix[] = {
		"EST5EDT,M3.2.0,M11.1.0", "CST-8", "<+0330>-3:30",
		"AEST-10AEDT,M10.1.0,M4.1.0/3", "XXX3YYY,J60/2,300/4",
		"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", "IST-2IDT,M3.4.4/26,M10.5.0",
		"IST-1GMT0,M10.5.0,M3.5.0/1",
		"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
		"AAA-14BBB-13:30:15,M3.1.0/0,M11.1.0/23:59:59"
	};
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	int64_t y1900 = csm_days_from_civil(1900, 1, 1) * DAY;
	int64_t y1970 = 0, y2040 = csm_days_from_civil(2040, 1, 1) * DAY;
	int64_t y2020 = csm_days_from_civil(2020, 1, 1) * DAY;
	int64_t y2030 = csm_days_from_civil(2030, 1, 1) * DAY;
	int64_t y2090 = csm_days_from_civil(2090, 1, 1) * DAY;
	int64_t y2110 = csm_days_from_civil(2110, 1, 1) * DAY;
	size_t i;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		if (!has_zone(zones[i]))
			continue;
		CHECK_INT(versus_glibc(zones[i], y1970, y2040, 6 * 3600), 0);
		CHECK_INT(versus_glibc(zones[i], y1900, y1970, 6 * 3600 + 7),
		    0);
		CHECK_INT(versus_glibc(zones[i], y2020, y2030, 3607), 0);
		CHECK_INT(versus_glibc(zones[i], y2090, y2110, 3607), 0);
	}
	/* glibc applies TZ string rules from 1970 only. */
	for (i = 0; i < sizeof(posix) / sizeof(posix[0]); i++) {
		CHECK_INT(versus_glibc(posix[i], y2020, y2030, 1801), 0);
		CHECK_INT(versus_glibc(posix[i], y1970, y2110, 86400 + 3607),
		    0);
	}
	env("TZ", saved);
	tzset();
	free(saved);
}

int
main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/csm_test_time.XXXXXX");
	test_civil();
	test_utc_fixed();
	test_shanghai();
	test_new_york();
	test_london_lord_howe();
	test_parse_good();
	test_parse_bad();
	test_range();
	test_durations();
	test_names();
	test_system_zone();
	test_tzif_files();
	test_versus_glibc();
	return TEST_REPORT();
}
