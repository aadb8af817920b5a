/*
 * calendar.h - the business calendar shared by calendar.c (arithmetic)
 * and calendar_conf.c (the [calendar] section and iCalendar files).
 */
#ifndef CSM_CALENDAR_H
#define CSM_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "csm.h"

#define CAL_DAY		86400

/*
 * A range of local wall time on a day, in seconds from its midnight:
 * 0 <= s < CAL_DAY and s < e <= s + CAL_DAY, so an overnight range ends
 * on the next day (e > CAL_DAY).  The ranges of a day are kept sorted and
 * merged: disjoint, not touching, ascending in s and so in e.
 */
struct cal_range {
	int32_t	s, e;
};

/* A worked day (调休): its day number and every range it opens, its
 * weekday's hours included, sorted and merged. */
struct cal_work {
	int64_t			 day;	/* days since 1970-01-01 */
	struct cal_range	*r;	/* merged */
	size_t			 n;
	struct cal_range	*raw;	/* as written: see csm_cal.raw */
	size_t			 nraw;
};

/* Dated holidays from .. to (inclusive days since 1970-01-01). */
struct cal_hol {
	int64_t	from, to;
};

struct csm_cal {
	char			*name;
	struct csm_tz		*owntz;	/* NULL when tz is borrowed */
	const struct csm_tz	*tz;
	int			 always;
	struct cal_range	*week[7];	/* 0 = Sunday; merged */
	size_t			 nweek[7];
	/* The ranges as written, unmerged: on a day with a DST change a
	 * range is made an interval of instants on its own, then the
	 * intervals are merged (two ranges that overlap in wall time may
	 * not once a gap moves one's start). */
	struct cal_range	*raw[7];
	size_t			 nraw[7];
	struct cal_hol		*hol;	/* sorted, merged */
	size_t			 nhol;
	struct cal_work		*work;	/* sorted by day, one per day */
	size_t			 nwork;
	uint8_t			 annual[46];	/* MM-DD bits, leap-year days */
	int			 hasannual;
	int64_t			 weeksecs;	/* open seconds of a plain
						 * week at a fixed offset */
	int			 fullweek;	/* each weekday has one range,
						 * ending where the next
						 * day's starts (00:00-24:00,
						 * 18:00-18:00): the days
						 * tile time at any offset */
};

/* The calendar entry e names ("calendar = x", "shift = x"): new, or
 * NULL with err, naming e's place when conf has no such calendar. */
struct csm_cal *cal_named_by(const struct csm_conf *conf,
    const struct csm_conf_entry *e, struct csm_err *err);

/* The bit of month m, day d in csm_cal.annual (0 .. 365, Feb 29 = 59). */
int csm_cal_yday(int m, int d);
/* Sorts and merges ranges in place; returns the new count. */
size_t csm_cal_merge(struct cal_range *r, size_t n);
/* Computes c->weeksecs and c->fullweek from c->week: 0, or -1 when out
 * of memory. */
int csm_cal_weeksecs(struct csm_cal *c);

#endif /* CSM_CALENDAR_H */
