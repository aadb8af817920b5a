/*
 * fuzz_calendar.c - business calendars (lib/calendar.c, calendar_conf.c):
 * the [calendar] section, the iCalendar reader and the arithmetic.
 *
 * The input is up to three parts separated by a line "%%":
 *
 *	the body of [calendar "f"] (more sections may follow)
 *	%%
 *	bytes read as numbers: starts, targets and ends, 4 bytes each
 *	%%
 *	an iCalendar file
 *
 * The body is parsed as "fuzz.conf" in a directory that does not exist,
 * so "holidays = x" and [include] fail to open anything, and an input
 * that names them with a '/' or '\' (an absolute path, or one out of
 * that directory) is skipped.  The third part, when there is one, is
 * written to a scratch file that the harness (never the input) names in
 * one more "holidays =" line.
 *
 * Invariants:
 *  - a calendar that does not build has CSM_ECONFIG (or CSM_EINTERNAL)
 *    and a message;
 *  - elapsed(a, b) is within 0 .. b - a;
 *  - due(a, s) is NEVER or at least a, elapsed(a, due(a, s)) == s, and
 *    one second earlier falls short: it is the earliest;
 *  - due(a, elapsed(a, t)) <= t;
 *  - due is monotonic in the start and in the target;
 *  - interval(a) holds a or is the first after it, is wholly open, and
 *    is closed just before and just after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "fuzz.h"

#define DAY	86400LL
#define BASE	1577836800LL	/* 2020-01-01T00:00:00Z */
#define SPAN	(20 * 365 * DAY)
#define MAXT	(60 * DAY)
#define CONFMAX	8192
#define SEP	"\n%%\n"

/* The next 4 bytes of the numbers part as an unsigned number. */
static uint32_t
take(const uint8_t **p, const uint8_t *end)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v = v << 8 | (*p < end ? *(*p)++ : 0x5a);
	return v;
}

static const uint8_t *
find(const uint8_t *s, size_t n, const char *what)
{
	size_t w = strlen(what), i;

	for (i = 0; i + w <= n; i++)
		if (memcmp(s + i, what, w) == 0)
			return s + i;
	return NULL;
}

static void
check(const struct csm_cal *c, int64_t a, int64_t s, int64_t t)
{
	int64_t d, d2, e, o, cl;

	e = csm_cal_elapsed(c, a, t);
	FUZZ_ASSERT(e >= 0 && e <= (t > a ? t - a : 0));
	FUZZ_ASSERT(csm_cal_due(c, a, e) <= (t > a ? t : a));

	d = csm_cal_due(c, a, s);
	FUZZ_ASSERT(d >= a);
	if (d != CSM_CAL_NEVER) {
		FUZZ_ASSERT(csm_cal_elapsed(c, a, d) == s);
		FUZZ_ASSERT(s == 0 || csm_cal_elapsed(c, a, d - 1) == s - 1);
	}
	d2 = csm_cal_due(c, a, s + DAY / 3);
	FUZZ_ASSERT(d2 >= d);
	d2 = csm_cal_due(c, a + DAY / 5, s);
	FUZZ_ASSERT(d2 >= d);

	if (csm_cal_interval(c, a, &o, &cl)) {
		FUZZ_ASSERT(o < cl && cl > a);
		if (cl - o <= 2 * MAXT)
			FUZZ_ASSERT(csm_cal_elapsed(c, o, cl) == cl - o);
		FUZZ_ASSERT(o <= a || csm_cal_elapsed(c, a, o) == 0);
		FUZZ_ASSERT(o == 0 || csm_cal_elapsed(c, o - 1, o) == 0);
		FUZZ_ASSERT(cl == CSM_TIME_MAX ||
		    csm_cal_elapsed(c, cl, cl + 1) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *end = data + size, *sep, *nums, *nend, *ics = NULL;
	const char *path = NULL;
	struct csm_conf *conf;
	struct csm_cal *c;
	struct csm_err err;
	char *text;
	size_t body, at, i;
	int64_t a, s, t;

	sep = find(data, size, SEP);
	body = sep ? (size_t)(sep - data) : size;
	if (body > CONFMAX)
		return 0;
	if ((fuzz_contains_ci(data, body, "holidays") ||
	    fuzz_contains_ci(data, body, "include")) &&
	    (memchr(data, '/', body) || memchr(data, '\\', body)))
		return 0;
	nums = sep ? sep + strlen(SEP) : end;
	nend = end;
	if (sep != NULL && (ics = find(nums, (size_t)(end - nums), SEP))) {
		nend = ics;
		ics += strlen(SEP);
		path = fuzz_file(0, ics, (size_t)(end - ics));
	}

	text = malloc(body + 4200);
	FUZZ_ASSERT(text != NULL);
	at = (size_t)sprintf(text, "[calendar \"f\"]\n");
	if (path != NULL)
		at += (size_t)snprintf(text + at, 4100, "\tholidays = %s\n",
		    path);
	memcpy(text + at, data, body);
	at += body;

	csm_err_clear(&err);
	conf = csm_conf_parse(text, at, "/nonexistent-csm-fuzz/fuzz.conf",
	    &err);
	free(text);
	if (conf == NULL)
		return 0;
	c = csm_cal_new(conf, "f", &err);
	csm_conf_free(conf);
	if (c == NULL) {
		FUZZ_ASSERT(err.code == CSM_ECONFIG ||
		    err.code == CSM_EINTERNAL);
		FUZZ_ASSERT(err.msg[0] != '\0');
		return 0;
	}
	FUZZ_ASSERT(strcmp(csm_cal_name(c), "f") == 0);
	FUZZ_ASSERT(csm_cal_tz(c) != NULL);

	for (i = 0; i < 6; i++) {
		a = BASE + (int64_t)(take(&nums, nend) % (uint32_t)(SPAN /
		    60)) * 60 + (int64_t)(take(&nums, nend) % 60);
		s = (int64_t)(take(&nums, nend) % (uint32_t)MAXT);
		t = a + (int64_t)(take(&nums, nend) % (uint32_t)MAXT);
		check(c, a, s, t);
		if (nums >= nend && i > 0)
			break;
	}
	/* The edges of time. */
	check(c, CSM_TIME_MAX - 3 * DAY, DAY, CSM_TIME_MAX);
	check(c, -DAY, DAY / 2, 2 * DAY);
	FUZZ_ASSERT(csm_cal_elapsed(c, CSM_TIME_MAX, INT64_MAX) == 0);
	FUZZ_ASSERT(csm_cal_due(c, CSM_TIME_MAX, 1) == CSM_CAL_NEVER);
	csm_cal_free(c);
	return 0;
}
