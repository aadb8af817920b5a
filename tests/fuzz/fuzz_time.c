/*
 * fuzz_time.c - ISO 8601 / RFC 3339 times, durations and time zones
 * (lib/time.c).  The input is read as a time in several zones, as a
 * duration, and (when short) as a zone name or POSIX TZ string.
 *
 * Invariants:
 *  - a time that parses, formatted in the zone and parsed again, is the
 *    same instant, and formats to the same text (unless the local time
 *    is outside years 0 to 9999, where formatting saturates);
 *  - a duration that parses, formatted and parsed again, is the same;
 *  - every refusal has code CSM_EDATA and a message;
 *  - in a zone loaded from the input, local time and back gives the same
 *    wall time, and offsets stay within +-26 hours.
 */
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "fuzz.h"

#define LOCAL_MIN	(-62167219200LL)	/* 0000-01-01T00:00:00 */
#define LOCAL_MAX	253402300799LL		/* 9999-12-31T23:59:59 */

static const char *const zones[] = {
	"UTC", "+14:00", "-12:00", "+05:45", "Asia/Shanghai",
	"America/New_York", "Europe/London", "Australia/Lord_Howe",
	"EST5EDT,M3.2.0,M11.1.0", "<+0330>-3:30<+0430>,J79/24,J263/24"
};
#define NZONES (sizeof(zones) / sizeof(zones[0]))

static struct csm_tz *tzs[NZONES];
static int loaded;

static void
init(void)
{
	struct csm_err err;
	size_t i;

	if (loaded)
		return;
	loaded = 1;
	/* A zone the system lacks is left out (NULL would be UTC). */
	for (i = 0; i < NZONES; i++)
		tzs[i] = csm_tz_load(zones[i], &err);
}

static void
check_time(const struct csm_tz *tz, int64_t t)
{
	char buf[64], buf2[64];
	struct csm_err err;
	int64_t t2, local;
	size_t n;
	int off;

	off = csm_tz_offset(tz, t);
	FUZZ_ASSERT(off > -26 * 3600 && off < 26 * 3600);
	/* Formatting cuts the offset to minutes, and writes UTC for an
	 * offset RFC 3339 cannot say (a day or more). */
	off = off / 60 * 60;
	if (off <= -86400 || off >= 86400)
		off = 0;
	local = t + off;
	if (local < LOCAL_MIN || local > LOCAL_MAX)
		return;
	n = csm_time_format(t, tz, buf);
	FUZZ_ASSERT(n == strlen(buf) && n == 25);
	FUZZ_ASSERT(csm_time_parse(buf, n, tz, &t2, &err) == 0);
	FUZZ_ASSERT(t2 == t);
	n = csm_time_format(t2, tz, buf2);
	FUZZ_ASSERT(strcmp(buf, buf2) == 0);
}

static void
check_zone(const struct csm_tz *tz)
{
	static const int64_t ts[] = {
		LOCAL_MIN, -2208988800LL, -1, 0, 1, 1710054000, 1730613600,
		1772330400, 4102444800LL, 32503680000LL, LOCAL_MAX - 86400
	};
	struct csm_tm tm, tm2;
	size_t i;
	int64_t t;

	for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		/* Local times saturate at years 0 and 9999. */
		t = ts[i] + csm_tz_offset(tz, ts[i]);
		if (t < LOCAL_MIN || t > LOCAL_MAX)
			continue;
		csm_tz_local(tz, ts[i], &tm);
		FUZZ_ASSERT(tm.mon >= 1 && tm.mon <= 12);
		FUZZ_ASSERT(tm.day >= 1 && tm.day <= 31);
		FUZZ_ASSERT(tm.hour >= 0 && tm.hour <= 23);
		FUZZ_ASSERT(tm.min >= 0 && tm.min <= 59);
		FUZZ_ASSERT(tm.sec >= 0 && tm.sec <= 59);
		t = csm_tz_utc(tz, &tm);
		csm_tz_local(tz, t, &tm2);
		FUZZ_ASSERT(tm2.year == tm.year && tm2.mon == tm.mon &&
		    tm2.day == tm.day && tm2.hour == tm.hour &&
		    tm2.min == tm.min && tm2.sec == tm.sec);
		check_time(tz, ts[i]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct csm_err err;
	struct csm_tz *tz;
	char buf[64], *name;
	int64_t t, d, d2;
	size_t i, n;

	init();
	for (i = 0; i < NZONES + 1; i++) {
		if (i < NZONES && tzs[i] == NULL)
			continue;
		tz = i < NZONES ? tzs[i] : NULL;
		csm_err_clear(&err);
		if (csm_time_parse(s, size, tz, &t, &err) == 0)
			check_time(tz, t);
		else
			FUZZ_ASSERT(err.code == CSM_EDATA &&
			    err.msg[0] != '\0');
	}

	csm_err_clear(&err);
	if (csm_dur_parse(s, size, &d, &err) == 0) {
		FUZZ_ASSERT(d >= 0);
		n = csm_dur_format(d, buf);
		FUZZ_ASSERT(n == strlen(buf) && n < 24);
		FUZZ_ASSERT(csm_dur_parse(buf, n, &d2, &err) == 0);
		FUZZ_ASSERT(d2 == d);
	} else
		FUZZ_ASSERT(err.code == CSM_EDATA && err.msg[0] != '\0');

	/* A zone named by the input: IANA names are read from the system,
	 * never outside its zone directory; POSIX strings are parsed. */
	if (size > 0 && size < 80 && memchr(data, '\0', size) == NULL) {
		name = fuzz_strndup(data, size);
		tz = csm_tz_load(name, &err);
		if (tz != NULL) {
			FUZZ_ASSERT(strcmp(csm_tz_name(tz), name) == 0);
			check_zone(tz);
			csm_tz_free(tz);
		} else
			FUZZ_ASSERT(err.msg[0] != '\0');
		free(name);
	}
	return 0;
}
