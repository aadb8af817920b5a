#!/usr/bin/env python3
"""refcal.py - a reference implementation of csm's business calendars.

Written from the specification of [calendar "name"] (csm.conf) and of
csm-sla's two filters, independently of lib/calendar.c, so that
tests/sla/diffcal.py can run the C tool and this side by side.  It is
meant to be obviously correct, not fast: the business intervals of each
local date are built directly from the configuration, unioned, and then
summed (elapsed) or walked (due).

    refcal.py due     --calendar NAME -c CONF [FILE...]
    refcal.py elapsed --calendar NAME -c CONF [FILE...]
    refcal.py --selftest

The filters behave as csm-sla's: JSONL in, the record out with "due"
(RFC 3339 in the calendar's zone) or "seconds" added at the end.

Stdlib only.  The specification, as implemented here:

  timezone = ZONE            IANA zone of the calendar
  hours = DAYS RANGE...      DAYS is mon, mon-fri or mon,wed,fri; RANGE is
                             HH:MM-HH:MM; 00:00-24:00 is a whole day; an end
                             at or before the start runs into the next day
  holiday = DATE | DATE..DATE | MM-DD
  workday = DATE [RANGE...]  worked: with no ranges, Monday's hours on top
                             of the date's own weekday's; with ranges, those
                             on top of the weekday's.  Workday beats holiday.

  A range belongs to the local day it starts on and is the instant interval
  [utc(D start), utc(D' end)), D' = D or D+1.  Ranges are unioned.  A
  holiday (not also a workday) has no ranges of its own and clips the
  previous day's ranges at its local midnight.
"""

import datetime as dt
import json
import re
import sys
from zoneinfo import ZoneInfo

DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]  # date.weekday()
ONE_DAY = dt.timedelta(days=1)
UNITS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}


class CalError(Exception):
    """A bad calendar entry, time or duration."""


# ---------------------------------------------------------------------------
# Local wall time <-> instant.
#
# The rule: a wall time in a DST gap moves forward by the gap (New York
# 2026-03-08 02:30 -> 03:30 EDT); an ambiguous one (fall back) is its first
# occurrence.  PEP 495 gives exactly this with fold=0: for an ambiguous time
# fold=0 selects the offset in force before the transition (the first
# occurrence), and for a time in a gap fold=0 also uses the offset before
# the transition (EST for New York's spring gap), so 02:30 "EST" is 07:30Z,
# which is 03:30 EDT: the time moved forward by the gap.  selftest() checks
# both on New York and on Lord Howe's 30-minute shift.
# ---------------------------------------------------------------------------

def wall_to_utc(tz, date, minutes, seconds=0):
    """The instant (int seconds) of local date + minutes (may be >= 1440,
    meaning a later day; 1440 is 24:00, the next day's midnight)."""
    day = date + dt.timedelta(days=minutes // 1440)
    m = minutes % 1440
    local = dt.datetime(day.year, day.month, day.day, m // 60, m % 60,
                        seconds, tzinfo=tz, fold=0)
    return int(local.timestamp())


def local_date(tz, t):
    return dt.datetime.fromtimestamp(t, tz).date()


def format_time(t, tz):
    """RFC 3339 in zone tz, seconds always, offset +HH:MM (never Z)."""
    s = dt.datetime.fromtimestamp(t, tz).isoformat()
    # isoformat writes +00:00 for UTC; an offset with seconds would be
    # +05:53:28, which no zone used here has in 2026.
    return s


TIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"(Z|z|[+-]\d{2}:\d{2})?$")


def parse_time(s, tz):
    """RFC 3339 / ISO 8601 time to an instant; without an offset the wall
    time is local to tz (gap and fold rule above)."""
    m = TIME_RE.match(s)
    if not m:
        raise CalError("bad time: %r" % s)
    y, mo, d, hh, mi, ss, off = m.groups()
    date = dt.date(int(y), int(mo), int(d))
    hh = int(hh or 0)
    mi = int(mi or 0)
    ss = int(ss or 0)
    if hh > 23 or mi > 59 or ss > 60:
        raise CalError("bad time: %r" % s)
    if off is None:
        return wall_to_utc(tz, date, hh * 60 + mi, ss)
    if off in ("Z", "z"):
        secs_east = 0
    else:
        sign = -1 if off[0] == "-" else 1
        secs_east = sign * (int(off[1:3]) * 3600 + int(off[4:6]) * 60)
    naive = dt.datetime(date.year, date.month, date.day, hh, mi, ss)
    epoch = dt.datetime(1970, 1, 1)
    return int((naive - epoch).total_seconds()) - secs_east


DUR_RE = re.compile(r"^(?:\d+[wdhms])+$")


def parse_duration(s):
    """ "90s", "45m", "2h", "3d", "1w", "1h30m", or plain seconds."""
    if re.fullmatch(r"\d+", s):
        return int(s)
    if not DUR_RE.match(s):
        raise CalError("bad duration: %r" % s)
    return sum(int(n) * UNITS[u] for n, u in re.findall(r"(\d+)([wdhms])", s))


# ---------------------------------------------------------------------------
# Configuration.
# ---------------------------------------------------------------------------

def parse_hhmm(s, allow_24):
    m = re.fullmatch(r"(\d{2}):(\d{2})", s)
    if not m:
        raise CalError("bad time of day: %r" % s)
    h, mi = int(m.group(1)), int(m.group(2))
    if mi > 59 or h > 24 or (h == 24 and (mi != 0 or not allow_24)):
        raise CalError("bad time of day: %r" % s)
    return h * 60 + mi


def parse_range(s):
    """ "HH:MM-HH:MM" -> (start, end) in minutes from the start day's local
    midnight, end > start: an end at or before the start is on the next day
    (end + 1440), so 22:00-06:00 is (1320, 1800), 00:00-24:00 is (0, 1440),
    09:00-09:00 is (540, 1980)."""
    parts = s.split("-")
    if len(parts) != 2:
        raise CalError("bad range: %r" % s)
    a = parse_hhmm(parts[0], False)
    b = parse_hhmm(parts[1], True)
    if b <= a:
        b += 1440
    return (a, b)


def parse_days(s):
    if "," in s:
        names = s.split(",")
        days = set()
        for n in names:
            if n not in DAY_NAMES:
                raise CalError("bad day: %r" % n)
            days.add(DAY_NAMES.index(n))
        return days
    if "-" in s:
        a, b = s.split("-", 1)
        if a not in DAY_NAMES or b not in DAY_NAMES:
            raise CalError("bad days: %r" % s)
        i, j = DAY_NAMES.index(a), DAY_NAMES.index(b)
        if j < i:
            # Not in the specification (which gives only mon-fri); refused
            # here rather than guessed.
            raise CalError("days run backwards: %r" % s)
        return set(range(i, j + 1))
    if s not in DAY_NAMES:
        raise CalError("bad day: %r" % s)
    return {DAY_NAMES.index(s)}


def parse_date(s):
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s)
    if not m:
        raise CalError("bad date: %r" % s)
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise CalError("bad date: %r" % s)


class Calendar:
    def __init__(self, name):
        self.name = name
        self.tz = None
        self.hours = [[] for _ in range(7)]    # weekday -> [(start, end)]
        self.holiday_dates = set()
        self.holiday_md = set()                # (month, day), every year
        self.workdays = {}                     # date -> [mon?, [ranges]]
        self._day_cache = {}

    def add(self, key, value):
        words = value.split()
        if key == "timezone":
            try:
                self.tz = ZoneInfo(value)
            except Exception:
                raise CalError("unknown zone %r" % value)
        elif key == "hours":
            if len(words) < 2:
                raise CalError("hours needs days and ranges: %r" % value)
            days = parse_days(words[0])
            ranges = [parse_range(w) for w in words[1:]]
            for d in days:
                self.hours[d].extend(ranges)
        elif key == "holiday":
            if len(words) != 1:
                raise CalError("bad holiday: %r" % value)
            v = words[0]
            if ".." in v:
                a, b = v.split("..", 1)
                a, b = parse_date(a), parse_date(b)
                if b < a:
                    raise CalError("holiday range backwards: %r" % v)
                d = a
                while d <= b:
                    self.holiday_dates.add(d)
                    d += ONE_DAY
            elif re.fullmatch(r"\d{2}-\d{2}", v):
                mo, da = int(v[:2]), int(v[3:])
                try:
                    dt.date(2000, mo, da)      # a leap year: 02-29 is valid
                except ValueError:
                    raise CalError("bad holiday: %r" % v)
                self.holiday_md.add((mo, da))
            else:
                self.holiday_dates.add(parse_date(v))
        elif key == "workday":
            if not words:
                raise CalError("workday needs a date")
            d = parse_date(words[0])
            w = self.workdays.setdefault(d, [False, []])
            if len(words) == 1:
                w[0] = True
            else:
                w[1].extend(parse_range(x) for x in words[1:])
        elif key == "holidays":
            raise CalError("holidays = FILE is not supported by refcal.py")
        else:
            raise CalError("unknown key %r" % key)

    # -- the specification, day by day -----------------------------------

    def is_holiday(self, d):
        return d in self.holiday_dates or (d.month, d.day) in self.holiday_md

    def is_off(self, d):
        """A holiday that is not also a workday: no business at all."""
        return self.is_holiday(d) and d not in self.workdays

    def day_ranges(self, d):
        """The (start, end) minute ranges that start on local date d."""
        if self.is_off(d):
            return []
        ranges = list(self.hours[d.weekday()])
        w = self.workdays.get(d)
        if w is not None:
            if w[0]:
                ranges.extend(self.hours[0])   # Monday's hours
            ranges.extend(w[1])
        return ranges

    def day_intervals(self, d):
        """Instant intervals [a, b) of the ranges starting on d, clipped at
        the next day's local midnight when the next day is off.  An interval
        whose end maps before or at its start (possible only through a DST
        gap, e.g. 02:30-03:00 on a spring-forward day) is empty."""
        if d in self._day_cache:
            return self._day_cache[d]
        out = []
        clip = None
        if self.is_off(d + ONE_DAY):
            clip = wall_to_utc(self.tz, d + ONE_DAY, 0)
        for s, e in self.day_ranges(d):
            a = wall_to_utc(self.tz, d, s)
            b = wall_to_utc(self.tz, d, e)
            if clip is not None:
                b = min(b, clip)
            if b > a:
                out.append((a, b))
        self._day_cache[d] = out
        return out

    def intervals(self, first, last):
        """The union, sorted and merged (touching intervals joined), of the
        intervals of the ranges starting on local dates first..last."""
        raw = []
        d = first
        while d <= last:
            raw.extend(self.day_intervals(d))
            d += ONE_DAY
        raw.sort()
        merged = []
        for a, b in raw:
            if merged and a <= merged[-1][1]:
                if b > merged[-1][1]:
                    merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        return merged

    # -- the two questions ---------------------------------------------

    def elapsed(self, a, b):
        """Business seconds in [a, b); 0 when b <= a."""
        if b <= a:
            return 0
        # A range starting on local date D ends before D+2's midnight, so
        # nothing from before local_date(a) - 1 reaches a; one more day of
        # margin costs nothing.  Nothing starting after local_date(b) is
        # before b.
        first = local_date(self.tz, a) - 2 * ONE_DAY
        last = local_date(self.tz, b) + ONE_DAY
        total = 0
        for s, e in self.intervals(first, last):
            lo, hi = max(s, a), min(e, b)
            if hi > lo:
                total += hi - lo
        return total

    def due(self, start, secs, max_days=366 * 200):
        """The earliest t >= start with elapsed(start, t) >= secs; None if
        the calendar does not open enough within max_days."""
        if secs <= 0:
            return start
        first = local_date(self.tz, start) - 2 * ONE_DAY
        span = 16
        while span <= max_days:
            last = local_date(self.tz, start) + span * ONE_DAY
            # Every interval that starts before horizon comes from a range
            # starting on a date <= last, so below horizon the list is
            # complete (day_intervals already clipped at holidays after it).
            horizon = wall_to_utc(self.tz, last + ONE_DAY, 0)
            rem = secs
            for s, e in self.intervals(first, last):
                if e <= start:
                    continue
                s = max(s, start)
                if s >= horizon:
                    break
                if e - s >= rem:
                    t = s + rem
                    if t <= horizon:
                        # Sanity: the walk agrees with the definition.
                        assert self.elapsed(start, t) == secs
                        assert t == start or self.elapsed(start, t - 1) < secs
                        return t
                    break
                rem -= e - s
            span *= 2
        return None


def parse_config(text):
    """The [calendar "NAME"] sections of a git-config style text: a dict
    name -> Calendar.  Other sections are ignored."""
    cals = {}
    cur = None
    for lineno, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s[0] in "#;":
            continue
        m = re.fullmatch(r'\[\s*([A-Za-z0-9.-]+)(?:\s+"([^"]*)")?\s*\]', s)
        if m:
            if m.group(1).lower() == "calendar":
                if m.group(2) is None:
                    raise CalError("line %d: [calendar] needs a name" % lineno)
                cur = cals.setdefault(m.group(2), Calendar(m.group(2)))
            else:
                cur = None
            continue
        if cur is None:
            continue
        m = re.fullmatch(r"([A-Za-z][A-Za-z0-9-]*)\s*=\s*(.*)", s)
        if not m:
            raise CalError("line %d: bad line %r" % (lineno, s))
        value = re.split(r"\s[#;]", m.group(2), 1)[0].strip()
        try:
            cur.add(m.group(1).lower(), value)
        except CalError as e:
            raise CalError("line %d: %s" % (lineno, e))
    for c in cals.values():
        if c.tz is None:
            raise CalError('[calendar "%s"] has no timezone' % c.name)
    return cals


def load_calendar(conf_path, name):
    with open(conf_path, encoding="utf-8") as f:
        cals = parse_config(f.read())
    if name not in cals:
        raise CalError('no [calendar "%s"] in %s' % (name, conf_path))
    return cals[name]


# ---------------------------------------------------------------------------
# The two filters, record by record.
# ---------------------------------------------------------------------------

def due_record(cal, rec):
    """rec (dict, key order kept) with "due" added; the expected text."""
    start = parse_time(rec["start"], cal.tz)
    if "seconds" in rec:
        secs = rec["seconds"]
        if not isinstance(secs, int) or isinstance(secs, bool):
            raise CalError("seconds is not an integer")
    else:
        secs = parse_duration(rec["duration"])
    t = cal.due(start, secs)
    if t is None:
        raise CalError("never due")
    out = dict(rec)
    out["due"] = format_time(t, cal.tz)
    return out


def elapsed_record(cal, rec):
    a = parse_time(rec["start"], cal.tz)
    b = parse_time(rec["end"], cal.tz)
    out = dict(rec)
    out["seconds"] = cal.elapsed(a, b)
    return out


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------------
# Self-test: the fold rule and hand-checked cases.
# ---------------------------------------------------------------------------

GOLDEN_WEEK = """\
[calendar "r"]
	timezone = Asia/Shanghai
	hours = mon-fri 09:00-12:00 13:00-18:00
	hours = sat 09:00-12:00
	holiday = 2026-10-01..2026-10-07
	holiday = 01-01
	workday = 2026-09-20
	workday = 2026-10-10 09:00-18:00
"""


def selftest():
    fails = 0

    def check(what, got, want):
        nonlocal fails
        if got != want:
            fails += 1
            print("FAIL %s: got %r, want %r" % (what, got, want))

    ny = ZoneInfo("America/New_York")
    lh = ZoneInfo("Australia/Lord_Howe")
    d = dt.date
    # Gap: 02:30 does not exist on 2026-03-08 in New York -> 03:30 EDT.
    check("NY gap", format_time(wall_to_utc(ny, d(2026, 3, 8), 150), ny),
          "2026-03-08T03:30:00-04:00")
    # Ambiguous: 01:30 on 2026-11-01 happens twice -> the first, EDT.
    check("NY fold", format_time(wall_to_utc(ny, d(2026, 11, 1), 90), ny),
          "2026-11-01T01:30:00-04:00")
    # Lord Howe moves 30 minutes: 02:15 on 2026-10-04 -> 02:45 +11:00;
    # 01:45 on 2026-04-05 happens twice -> the first, +11:00.
    check("LH gap", format_time(wall_to_utc(lh, d(2026, 10, 4), 135), lh),
          "2026-10-04T02:45:00+11:00")
    check("LH fold", format_time(wall_to_utc(lh, d(2026, 4, 5), 105), lh),
          "2026-04-05T01:45:00+11:00")

    cal = parse_config(GOLDEN_WEEK)["r"]
    tz = cal.tz

    def due(start, dur):
        return format_time(cal.due(parse_time(start, tz),
                                   parse_duration(dur)), tz)

    def el(a, b):
        return cal.elapsed(parse_time(a, tz), parse_time(b, tz))

    # 1h on 09-30 until 18:00, Oct 1-7 off, 10-08 09:00 + 1h.
    check("GW 2h", due("2026-09-30T17:00:00+08:00", "2h"),
          "2026-10-08T10:00:00+08:00")
    check("GW land on close", due("2026-09-30T17:00:00+08:00", "3600"),
          "2026-09-30T18:00:00+08:00")
    check("GW zero", due("2026-10-03T10:00:00+08:00", "0"),
          "2026-10-03T10:00:00+08:00")
    check("GW from holiday", due("2026-10-03T10:00:00", "30m"),
          "2026-10-08T09:30:00+08:00")
    # Sunday 09-20 is worked with Monday's hours.
    check("GW workday mon hours", due("2026-09-19T12:00:00+08:00", "4h"),
          "2026-09-20T14:00:00+08:00")
    # Saturday 10-10: sat 09:00-12:00 and 09:00-18:00 are one 9h day.
    check("GW workday ranges", due("2026-10-09T17:30:00+08:00", "2h"),
          "2026-10-10T10:30:00+08:00")
    check("GW workday union", el("2026-10-10T00:00:00+08:00",
                                 "2026-10-11T00:00:00+08:00"), 9 * 3600)
    check("GW elapsed", el("2026-09-30T00:00:00+08:00",
                           "2026-10-09T00:00:00+08:00"), 16 * 3600)
    check("GW backwards", el("2026-10-09T00:00:00+08:00",
                             "2026-09-30T00:00:00+08:00"), 0)
    # 01-01 every year: 2026-12-31 17-18, 2027-01-01 off, Sat 01-02 09-10.
    check("GW new year", due("2026-12-31T17:00:00+08:00", "2h"),
          "2027-01-02T10:00:00+08:00")

    night = parse_config("""\
[calendar "n"]
	timezone = America/New_York
	hours = mon-sun 22:00-06:00
	hours = sun 01:30-03:30
	holiday = 2026-03-10
""")["n"]
    tz = night.tz

    def nel(a, b):
        return night.elapsed(parse_time(a, tz), parse_time(b, tz))
    # 03-09 22:00 -> clipped at 03-10 00:00: 2h; nothing starts on 03-10;
    # 03-11 22:00 -> 03-12 06:00: 8h.
    check("night clip", nel("2026-03-09T12:00:00", "2026-03-12T12:00:00"),
          2 * 3600 + 8 * 3600)
    # Sunday 03-08: the overnight range from Saturday 22:00 EST to 06:00
    # EDT is 7h of real time; the 01:30-03:30 range (1h real) is inside it.
    check("night spring", nel("2026-03-07T12:00:00", "2026-03-08T12:00:00"),
          7 * 3600)
    # Sunday 11-01: Saturday 22:00 EDT to 06:00 EST is 9h.
    check("night fall", nel("2026-10-31T12:00:00", "2026-11-01T12:00:00"),
          9 * 3600)

    dst = parse_config("""\
[calendar "d"]
	timezone = America/New_York
	hours = sun 01:30-03:30 02:30-03:00
""")["d"]
    tz = dst.tz
    check("dst spring", dst.elapsed(parse_time("2026-03-08", tz),
                                    parse_time("2026-03-09", tz)), 3600)
    check("dst fall", dst.elapsed(parse_time("2026-11-01", tz),
                                  parse_time("2026-11-02", tz)), 3 * 3600)
    check("dst due", format_time(dst.due(parse_time(
        "2026-03-08T01:00:00-05:00", tz), 3600), tz),
        "2026-03-08T03:30:00-04:00")

    lhc = parse_config("""\
[calendar "l"]
	timezone = Australia/Lord_Howe
	hours = mon-sun 00:00-24:00
""")["l"]
    tz = lhc.tz
    check("LH short day", lhc.elapsed(parse_time("2026-10-04", tz),
                                      parse_time("2026-10-05", tz)), 84600)
    check("LH long day", lhc.elapsed(parse_time("2026-04-05", tz),
                                     parse_time("2026-04-06", tz)), 88200)
    check("LH 1d", format_time(lhc.due(parse_time(
        "2026-10-04T00:00:00+10:30", tz), parse_duration("1d")), tz),
        "2026-10-05T00:30:00+11:00")

    check("duration", [parse_duration(x) for x in
                       ("90s", "45m", "2h", "3d", "1w", "1h30m", "3600")],
          [90, 2700, 7200, 259200, 604800, 5400, 3600])
    print("selftest: %d failed" % fails)
    return 1 if fails else 0


def main(argv):
    import argparse
    if argv[1:] == ["--selftest"]:
        return selftest()
    p = argparse.ArgumentParser(prog="refcal.py")
    p.add_argument("filter", choices=["due", "elapsed"])
    p.add_argument("--calendar", required=True)
    p.add_argument("-c", dest="conf", required=True)
    p.add_argument("files", nargs="*")
    a = p.parse_intermixed_args(argv[1:])
    cal = load_calendar(a.conf, a.calendar)
    fn = due_record if a.filter == "due" else elapsed_record
    streams = [open(f, encoding="utf-8") for f in a.files] or [sys.stdin]
    for f in streams:
        for line in f:
            if line.strip():
                print(dumps(fn(cal, json.loads(line))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
