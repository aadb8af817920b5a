#!/usr/bin/env python3
"""diffcal.py - randomized differential test of csm-sla against refcal.py.

For each of N random business calendars (seeded), writes a csm.conf with a
[calendar "r"] section, generates M cases per filter around DST
transitions, Chinese holidays and the calendar's own openings and
closings, pipes them through

    csm-sla due     --calendar r -c CONF
    csm-sla elapsed --calendar r -c CONF FILE

and compares every output record with tests/sla/refcal.py.  Each mismatch
is printed with the calendar, the input line, what was expected and what
came out.  The last line is "N passed, N failed" (cases); the exit status
is 0 when all passed, 1 on a mismatch, 2 when csm-sla cannot be run.

    diffcal.py [--seed S] [--calendars N] [--cases M] [--bin DIR]
               [--tool PROGRAM] [--keep DIR] [--show K]

--bin DIR runs DIR/csm-sla (default: csm-sla on PATH); --tool runs any
program with csm-sla's interface instead (refcal.py itself, to check the
driver); --keep writes each calendar's csm.conf and cases to DIR.
"""

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refcal  # noqa: E402
from refcal import ONE_DAY, format_time, local_date, wall_to_utc  # noqa: E402

D = dt.date

# Zones and the dates of their 2026 transitions (all Sundays).
ZONES = {
    "America/New_York": [D(2026, 3, 8), D(2026, 11, 1)],
    "Europe/Berlin": [D(2026, 3, 29), D(2026, 10, 25)],
    "Australia/Lord_Howe": [D(2026, 4, 5), D(2026, 10, 4)],  # 30 minutes
    "Asia/Shanghai": [],
    "UTC": [],
    "Asia/Kolkata": [],
}
ZONE_WEIGHTS = {"America/New_York": 3, "Europe/Berlin": 3,
                "Australia/Lord_Howe": 3, "Asia/Shanghai": 3, "UTC": 1,
                "Asia/Kolkata": 1}

# Chinese public holidays of 2026 and their make-up workdays (调休).
CN_HOLIDAYS = ["2026-01-01..2026-01-03", "2026-02-15..2026-02-23",
               "2026-04-04..2026-04-06", "2026-05-01..2026-05-05",
               "2026-06-19..2026-06-21", "2026-09-25..2026-09-27",
               "2026-10-01..2026-10-07"]
CN_WORKDAYS = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
               "2026-09-20", "2026-10-10"]
CN_FOCUS = [D(2026, 1, 1), D(2026, 2, 16), D(2026, 4, 4), D(2026, 5, 1),
            D(2026, 9, 25), D(2026, 10, 1), D(2026, 10, 8)]

DAYS = refcal.DAY_NAMES

RANGE_TEMPLATES = [
    "09:00-12:00", "13:00-18:00", "09:00-18:00", "08:30-17:30",
    "22:00-06:00", "20:00-02:00", "00:00-24:00", "18:00-24:00",
    "23:00-24:00", "00:00-01:00", "22:00-00:00", "23:30-02:30",
    # Inside the DST transition hours (02:00-03:00 local in all three).
    "01:30-03:30", "02:00-03:00", "02:30-03:15", "01:00-02:30",
    "01:45-02:15", "02:15-02:45",
    # End equal to start: 24 hours, by "at or before its start".
    "12:00-12:00",
]


def hhmm(minutes):
    return "%02d:%02d" % (minutes // 60, minutes % 60)


def gen_range(rng):
    if rng.random() < 0.55:
        return rng.choice(RANGE_TEMPLATES)
    step = rng.choice([15, 30, 60, 1])
    start = rng.randrange(1440 // step) * step
    length = rng.choice([15, 30, 60, 90, 120, 180, 240, 480, 600,
                         rng.randrange(1, 1440 // step) * step])
    end = (start + length) % 1440
    if end == 0:
        end_s = rng.choice(["24:00", "00:00"])
    else:
        end_s = hhmm(end)
    return hhmm(start) + "-" + end_s


def gen_days(rng):
    k = rng.random()
    if k < 0.4:
        return rng.choice(DAYS)
    if k < 0.75:
        i = rng.randrange(6)
        j = rng.randrange(i + 1, 7)
        return DAYS[i] + "-" + DAYS[j]
    idx = sorted(rng.sample(range(7), rng.randrange(2, 5)))
    return ",".join(DAYS[i] for i in idx)


def gen_hours(rng):
    """A list of "DAYS RANGE..." values."""
    style = rng.choice(["office", "office", "24x7", "night", "dst",
                        "random", "random"])
    lines = []
    if style == "office":
        lines.append("mon-fri 09:00-12:00 13:00-18:00")
        if rng.random() < 0.5:
            lines.append("sat 09:00-12:00")
        if rng.random() < 0.3:
            lines.append("wed 18:00-20:00")          # touches nothing
        if rng.random() < 0.3:
            lines.append("mon,thu 11:00-14:00")      # overlaps the lunch
    elif style == "24x7":
        if rng.random() < 0.5:
            lines.append("mon-sun 00:00-24:00")
        else:
            lines.append("mon-fri 00:00-24:00")
            lines.append("sat,sun 00:00-12:00")
    elif style == "night":
        lines.append(rng.choice(["mon-fri 22:00-06:00",
                                 "mon,wed,fri 20:00-02:00",
                                 "mon-sun 22:00-06:00"]))
        if rng.random() < 0.5:
            lines.append("sat 00:00-24:00")
        if rng.random() < 0.4:
            lines.append("mon-fri 06:00-10:00")      # touches 22:00-06:00
    elif style == "dst":
        lines.append("mon-fri 09:00-17:00")
        lines.append("sun " + " ".join(
            rng.sample(RANGE_TEMPLATES[12:18], rng.randrange(1, 3))))
        if rng.random() < 0.5:
            lines.append("sat " + rng.choice(["22:00-06:00", "23:00-03:00",
                                              "20:00-02:00", "12:00-12:00"]))
    for _ in range(rng.randrange(0, 3) if style != "random"
                   else rng.randrange(2, 6)):
        lines.append(gen_days(rng) + " " +
                     " ".join(gen_range(rng) for _ in
                              range(rng.choice([1, 1, 2, 3]))))
    return lines


def gen_calendar(rng):
    """(csm.conf text, zone, focus dates, calendar lines)."""
    zone = rng.choices(list(ZONES), [ZONE_WEIGHTS[z] for z in ZONES])[0]
    focus = list(ZONES[zone])
    focus += rng.sample(CN_FOCUS, rng.randrange(1, 3))
    focus.append(D(2026, 1, 1) + ONE_DAY * rng.randrange(365))
    hours = gen_hours(rng)
    entries = [("timezone", zone)] + [("hours", h) for h in hours]

    holidays = []
    if zone == "Asia/Shanghai" or rng.random() < 0.2:
        for h in rng.sample(CN_HOLIDAYS, rng.randrange(1, 4)):
            holidays.append(h)
        for w in rng.sample(CN_WORKDAYS, rng.randrange(0, 3)):
            entries.append(("workday", w))
    for _ in range(rng.randrange(0, 5)):
        f = rng.choice(focus)
        k = rng.random()
        if k < 0.35:
            # Dated: the focus itself (a DST day) or next to it.
            d = f + ONE_DAY * rng.choice([0, 0, -1, 1, 2, -2, 3])
            holidays.append(d.isoformat())
        elif k < 0.65:
            a = f + ONE_DAY * rng.randrange(-5, 5)
            b = a + ONE_DAY * rng.randrange(0, 7)
            holidays.append(a.isoformat() + ".." + b.isoformat())
        else:
            d = f + ONE_DAY * rng.randrange(-3, 4)
            holidays.append(d.strftime("%m-%d"))
    entries += [("holiday", h) for h in holidays]

    for _ in range(rng.randrange(0, 4)):
        f = rng.choice(focus)
        k = rng.random()
        if k < 0.4 and holidays:
            # A workday on a holiday: the workday wins.
            h = rng.choice(holidays)
            if re.fullmatch(r"\d{2}-\d{2}", h):
                d = D(f.year, int(h[:2]), int(h[3:]))
            else:
                d = refcal.parse_date(h.split("..")[0])
        else:
            d = f + ONE_DAY * rng.randrange(-4, 5)
        v = d.isoformat()
        if rng.random() < 0.5:
            v += " " + " ".join(gen_range(rng)
                                for _ in range(rng.randrange(1, 3)))
        entries.append(("workday", v))

    rng.shuffle(entries)
    text = ("# diffcal.py calendar\n[core]\n\ttimezone = Europe/London\n"
            '[calendar "r"]\n' +
            "".join("\t%s = %s\n" % kv for kv in entries))
    return text, zone, focus


# ---------------------------------------------------------------------------
# Cases.
# ---------------------------------------------------------------------------

OTHER_OFFSETS = ["+00:00", "-03:30", "+05:45", "+09:00", "-10:00", "+14:00"]


def time_text(rng, t, tz):
    """t written as csm-sla reads it: in the zone's offset, in UTC with Z,
    in another offset, or as a local wall time without an offset."""
    k = rng.random()
    if k < 0.5:
        return format_time(t, tz)
    if k < 0.6:
        return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
    if k < 0.75:
        off = rng.choice(OTHER_OFFSETS)
        secs = (1 if off[0] == "+" else -1) * (int(off[1:3]) * 3600 +
                                               int(off[4:6]) * 60)
        return dt.datetime.fromtimestamp(
            t, dt.timezone(dt.timedelta(seconds=secs))).isoformat()
    return dt.datetime.fromtimestamp(t, tz).strftime("%Y-%m-%dT%H:%M:%S")


def boundaries(cal, f):
    """Openings and closings, per range and merged, of the days near f."""
    out = []
    for k in range(-3, 5):
        for a, b in cal.day_intervals(f + ONE_DAY * k):
            out += [a, b]
    for a, b in cal.intervals(f - ONE_DAY * 3, f + ONE_DAY * 4):
        out += [a, b]
    return out


def gen_start(rng, cal, focus):
    """An instant's text near a focus date."""
    tz = cal.tz
    f = rng.choice(focus)
    k = rng.random()
    if k < 0.15:
        # A wall time without an offset in the small hours of the focus
        # day: on transition days some do not exist and some happen twice.
        m = rng.randrange(0, 5 * 60)
        return "%sT%s:%02d" % (f.isoformat(), hhmm(m),
                               rng.choice([0, 0, 0, 30, 59]))
    if k < 0.5:
        b = boundaries(cal, f)
        if b:
            t = rng.choice(b) + rng.choice([0, 0, 0, 0, -1, 1])
            return time_text(rng, t, tz)
    base = wall_to_utc(tz, f, 0)
    t = base + rng.randint(-14 * 86400, 14 * 86400)
    t -= t % rng.choice([1, 60, 900, 3600])
    return time_text(rng, t, tz)


def around(cal, t):
    """The merged interval holding t or the first after it, and the next:
    [(o, c), (o2, c2)] (fewer if none within ~6 weeks)."""
    ld = local_date(cal.tz, t)
    out = []
    for a, b in cal.intervals(ld - ONE_DAY * 2, ld + ONE_DAY * 42):
        if b > t:
            out.append((a, b))
            if len(out) == 2:
                break
    return out


def fmt_duration(rng, secs):
    if secs == 0 or rng.random() < 0.15:
        return str(secs)
    units = [("w", 604800), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1)]
    if rng.random() < 0.5:
        units = [u for u in units if u[0] not in rng.choice(["w", "wd",
                                                             "wdh"])]
    parts = []
    rem = secs
    for u, n in units:
        if rem >= n:
            parts.append("%d%s" % (rem // n, u))
            rem %= n
    return "".join(parts)


def weekly_seconds(cal):
    """Business seconds in a plain week (no focus date is near it)."""
    tz = cal.tz
    a = wall_to_utc(tz, D(2026, 7, 6), 0)
    b = wall_to_utc(tz, D(2026, 7, 13), 0)
    return cal.elapsed(a, b)


def gen_due(rng, cal, focus, cap):
    start = gen_start(rng, cal, focus)
    t = refcal.parse_time(start, cal.tz)
    near = around(cal, t)
    opts = [0, 1, rng.randint(1, 8 * 3600), rng.randint(1, cap),
            3600 * rng.randint(1, 48)]
    if near:
        o, c = near[0]
        rem = c - max(o, t)
        opts += [rem, rem, rem - 1, rem + 1, c - o]
        if len(near) > 1:
            o2, c2 = near[1]
            opts += [rem + c2 - o2, c2 - o2, rem + 1 + rng.randint(0, 60)]
    if rng.random() < 0.1:
        opts.append(rng.choice([86400, 3 * 86400, 604800, 30 * 86400]))
    secs = max(0, min(rng.choice(opts), cap))
    rec = [("id", "c%d" % rng.randrange(10000)), ("start", start)]
    if rng.random() < 0.5:
        rec.append(("seconds", secs))
    else:
        rec.append(("duration", fmt_duration(rng, secs)))
    if rng.random() < 0.2:
        rec.append(("subject", "退款 “refund”"))
    if rng.random() < 0.3:
        rng.shuffle(rec)
    return rec


def gen_elapsed(rng, cal, focus):
    start = gen_start(rng, cal, focus)
    t = refcal.parse_time(start, cal.tz)
    near = around(cal, t)
    opts = [t, t - rng.randint(1, 86400 * 3), t + rng.randint(1, 3600),
            t + rng.randint(1, 86400 * 3), t + rng.randint(1, 30 * 86400)]
    for o, c in near:
        opts += [o, c, o - 1, c + 1, c - 1, o + 1]
    end = rng.choice(opts)
    rec = [("id", "e%d" % rng.randrange(10000)), ("start", start),
           ("end", time_text(rng, end, cal.tz))]
    if rng.random() < 0.3:
        rng.shuffle(rec)
    return rec


# ---------------------------------------------------------------------------
# Running and comparing.
# ---------------------------------------------------------------------------

RFC3339_OUT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def dumps_pairs(pairs):
    return json.dumps(dict(pairs), ensure_ascii=False, separators=(",", ":"))


def check_line(cal, key, rec, want, got_line):
    """None if got_line is right, else the reason."""
    try:
        got = json.loads(got_line, object_pairs_hook=lambda p: p)
    except ValueError as e:
        return "not JSON: %s" % e
    if not isinstance(got, list) or not got:
        return "not a JSON object"
    if got[:-1] != rec:
        return "the input fields are not kept as they were, in order"
    k, v = got[-1]
    if k != key:
        return "last key is %r, not %r" % (k, key)
    if key == "seconds":
        if v != want or isinstance(v, bool):
            return "seconds %r, want %r (off by %s)" % (
                v, want, v - want if isinstance(v, int) else "?")
        return None
    if not isinstance(v, str) or not RFC3339_OUT.match(v):
        return "due %r is not YYYY-MM-DDTHH:MM:SS+HH:MM" % (v,)
    t_got = refcal.parse_time(v, cal.tz)
    t_want = refcal.parse_time(want, cal.tz)
    if t_got != t_want:
        return "due instant off by %+d s" % (t_got - t_want)
    right_off = format_time(t_got, cal.tz)[-6:]
    if v[-6:] != right_off:
        return "due offset %s, the zone's is %s" % (v[-6:], right_off)
    if v != want:
        return "due text %r, want %r" % (v, want)
    return None


class Report:
    def __init__(self, show):
        self.passed = 0
        self.failed = 0
        self.show = show
        self.shown = 0
        self.cal_shown = set()

    def fail(self, ci, text, what, line, want, got):
        self.failed += 1
        if self.shown >= self.show:
            return
        self.shown += 1
        if ci not in self.cal_shown:
            self.cal_shown.add(ci)
            print("=== calendar %d:\n%s" % (ci, text.rstrip()))
        print("--- MISMATCH (%s) calendar %d" % (what, ci))
        print("  input:    %s" % line)
        print("  expected: %s" % want)
        print("  got:      %s" % got)


def run_filter(tool, filt, conf, cases_path, use_stdin):
    cmd = [tool, filt, "--calendar", "r", "-c", conf]
    if use_stdin:
        with open(cases_path, "rb") as f:
            p = subprocess.run(cmd, stdin=f, capture_output=True,
                               timeout=120)
    else:
        p = subprocess.run(cmd + [cases_path], stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int)
    ap.add_argument("--calendars", type=int, default=30)
    ap.add_argument("--cases", type=int, default=100,
                    help="cases per filter per calendar")
    ap.add_argument("--bin", help="directory holding csm-sla")
    ap.add_argument("--tool", help="program to run instead of csm-sla")
    ap.add_argument("--keep", help="write each calendar's files here")
    ap.add_argument("--show", type=int, default=30,
                    help="mismatches printed at most")
    a = ap.parse_args()

    seed = a.seed if a.seed is not None else \
        int.from_bytes(os.urandom(4), "big")
    print("diffcal: seed %d (--seed %d --calendars %d --cases %d)" %
          (seed, seed, a.calendars, a.cases))
    sys.stdout.flush()

    if a.tool:
        tool = a.tool
    elif a.bin:
        tool = os.path.join(a.bin, "csm-sla")
    else:
        tool = shutil.which("csm-sla") or "csm-sla"
    if not (os.path.isfile(tool) and os.access(tool, os.X_OK)):
        print("diffcal: %s: not found or not executable" % tool,
              file=sys.stderr)
        print("0 passed, 1 failed")
        return 2

    rng = random.Random(seed)
    rep = Report(a.show)
    work = a.keep or tempfile.mkdtemp(prefix="diffcal.")
    os.makedirs(work, exist_ok=True)
    try:
        for ci in range(a.calendars):
            crng = random.Random(rng.getrandbits(64))
            text, zone, focus = gen_calendar(crng)
            cal = refcal.parse_config(text)["r"]
            week = weekly_seconds(cal)
            if week == 0:
                # Closed on an ordinary week (all its ranges empty): due
                # could be never; elapsed cases only.
                cap = 0
            else:
                # Due within about half a year of business at most.
                cap = min(30 * 86400, 26 * week)
            conf = os.path.join(work, "csm-%d.conf" % ci)
            with open(conf, "w", encoding="utf-8") as f:
                f.write(text)
            for filt in ("due", "elapsed"):
                key = "due" if filt == "due" else "seconds"
                recs, wants = [], []
                for _ in range(a.cases):
                    if filt == "due":
                        if cap == 0:
                            break
                        rec = gen_due(crng, cal, focus, cap)
                        out = refcal.due_record(cal, dict(rec))
                    else:
                        rec = gen_elapsed(crng, cal, focus)
                        out = refcal.elapsed_record(cal, dict(rec))
                    recs.append(rec)
                    wants.append(out[key])
                if not recs:
                    continue
                lines = [dumps_pairs(r) for r in recs]
                path = os.path.join(work, "%s-%d.jsonl" % (filt, ci))
                with open(path, "w", encoding="utf-8") as f:
                    f.write("".join(x + "\n" for x in lines))
                rc, out, err = run_filter(tool, filt, conf, path,
                                          use_stdin=(filt == "due"))
                got = [x for x in out.split("\n") if x.strip()]
                if rc != 0:
                    for line, want in zip(lines, wants):
                        rep.fail(ci, text, "exit %d: %s" % (rc, err.strip()),
                                 line, want, "")
                    continue
                for i, (rec, line, want) in enumerate(zip(recs, lines,
                                                          wants)):
                    if i >= len(got):
                        rep.fail(ci, text, "no output line", line, want, "")
                        continue
                    why = check_line(cal, key, rec, want, got[i])
                    if why:
                        rep.fail(ci, text, why, line, want, got[i])
                    else:
                        rep.passed += 1
                if len(got) > len(lines):
                    rep.fail(ci, text, "extra output lines", "", "",
                             got[len(lines)])
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    if rep.failed:
        print("diffcal: reproduce with --seed %d --calendars %d --cases %d"
              % (seed, a.calendars, a.cases))
    print("%d passed, %d failed" % (rep.passed, rep.failed))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())
