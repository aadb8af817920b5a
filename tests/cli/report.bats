#!/usr/bin/env bats
# csm-report as users run it: every figure of a small desk worked out by
# hand (tests/data/report/hand*.jsonl), the bundled sample recomputed in
# plain SQL, the output formats, the customer and ticket views, exports
# with and without --redact, the dashboard, usage and I/O errors, and
# hostile strings.  The stores are built once, in setup_file; the tests
# only read them (a test that writes works on a copy in $TMP).

load helper

# The sample's end and the window of the hand set (all Beijing time).
SAMPLE_NOW=2026-12-01T00:00:00+08:00
SAMPLE_UNTIL=1796054400		# 2026-11-30T16:00:00Z
HAND_UNTIL=2026-11-10T00:00:00+08:00

setup_file() {
	export LC_ALL=C TZ=UTC
	unset CSM_DB CSM_CONFIG CSM_BUSY_TIMEOUT NO_COLOR
	export HOME="$BATS_FILE_TMPDIR/home" XDG_DATA_HOME="$BATS_FILE_TMPDIR/data" \
	    XDG_CONFIG_HOME="$BATS_FILE_TMPDIR/config"
	SAMPLE_DB="$BATS_FILE_TMPDIR/sample.db"
	SAMPLE_CONF="$BATS_TEST_DIRNAME/../../sample/csm.conf"
	HAND_DB="$BATS_FILE_TMPDIR/hand.db"
	HAND_CONF="$BATS_FILE_TMPDIR/hand.conf"
	export SAMPLE_DB SAMPLE_CONF HAND_DB HAND_CONF
	# The hand set: Beijing time, every second counts for the SLA.
	cat >"$HAND_CONF" <<-'EOF'
	[core]
		timezone = Asia/Shanghai
	[sla "std"]
		first_response = 1h
		resolution = 8h
	EOF
	csm-ingest --db "$HAND_DB" -c "$HAND_CONF" --now 2026-11-23T12:00:00+08:00 \
	    "$BATS_TEST_DIRNAME/../data/report/hand.jsonl" \
	    "$BATS_TEST_DIRNAME/../data/report/hand-surveys.jsonl" \
	    >"$BATS_FILE_TMPDIR/hand.out" 2>"$BATS_FILE_TMPDIR/hand.err" || return 1
	(cd "$BATS_TEST_DIRNAME/../../sample" &&
	    csm-ingest --db "$SAMPLE_DB" -c csm.conf tickets.jsonl tickets.csv \
	    customers.csv orders.csv messages.jsonl events.jsonl surveys.jsonl \
	    >/dev/null &&
	    csm-sla --db "$SAMPLE_DB" -c csm.conf sweep --now "$SAMPLE_NOW" -q \
	    >/dev/null) || return 1
}

# hand ARGS...: csm-report on the hand set, its window ending at
# HAND_UNTIL (now is later: --until, not the clock, ends the window).
hand() {
	csm-report --db "$HAND_DB" -c "$HAND_CONF" \
	    --now 2026-11-23T12:00:00+08:00 --until "$HAND_UNTIL" "$@"
}

# rep ARGS...: csm-report on the sample.
rep() {
	csm-report --db "$SAMPLE_DB" -c "$SAMPLE_CONF" --now "$SAMPLE_NOW" "$@"
}

# s SQL: one query against the sample.
s() {
	sqlite3 -batch -noheader "$SAMPLE_DB" "$1"
}

# not COMMAND...: succeeds when COMMAND fails (a bare '!' would not fail
# a bats test: errexit ignores it).
not() {
	! "$@"
}

# lines TEXT...: the arguments, one a line (an expected CSV).
lines() {
	printf '%s\n' "$@"
}

# The hand set (tests/data/report/hand.jsonl), created_at in Beijing time;
# "reply" is a public, non-automatic agent message.  The window ends
# 2026-11-10 00:00.
#
#  id  category assignee created      replies (frt)            resolved (status events)         csat nps
#  T1  退款     alice    11-02 09:00  in 09:00:10, auto 09:00:30,  10:00 (3600)                      5   10
#                                     reply 09:10 (600)
#  T2  退款     alice    11-02 10:00  note 10:05, reply 10:30      12:00 (7200)                      3    6
#                                     (1800), in 10:40, reply 11:00
#  T3  退款     bob      11-02 11:00  reply 11:20 (1200)           12:00 (3600); reopen 11-03 09:00; 2    8
#                                                                  resolved 11-03 12:00 (90000)
#  T4  退款     -        11-05 09:00  -                            open
#  T5  物流     bob      11-03 09:00  reply 09:05:01 (301),        09:30 (1800)                      4    9
#                                     in 09:10
#  T6  物流     carol    11-02 10:00  reply 12:00 (7200)           open                              -    3
#  T7  物流     -        11-09 20:00  -                            open
#  T8  物流     carol    10-01 09:00  -                            11-12 10:00:01 (3632401: 42d 1h 1s,
#                                                                  after the window: open at its end)
#  T9  退款     alice    11-10 08:00  (created after the window: in no figure)                     1    0
#  T10 物流     -        11-08 12:00  -                            open
#  T11 物流     -        11-03 09:30  merged into T5 at 09:40: in no figure

@test "hand set: created, resolved, reopened, first response and resolution by category" {
	[ ! -s "$BATS_FILE_TMPDIR/hand.err" ]
	[ "$(wc -l <"$BATS_FILE_TMPDIR/hand.out")" -gt 0 ]
	run2 hand -m created,resolved,reopened,frt,resolution --by category -o csv
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	# 物流 (T5 T6 T7 T8 T10): 5 created, 2 resolved (T5, T8), no reopen.
	#   frt 301, 7200: mean 7501/2 = 3750.5 -> 3751 (half away from
	#   zero); p50 rank ceil(0.5*2) = 1 -> 301; p90 rank ceil(1.8) = 2
	#   -> 7200; max 7200.
	#   resolution 1800, 3632401: mean 3634201/2 = 1817100.5 -> 1817101;
	#   p50 1800; p90 3632401.
	# 退款 (T1-T4): 4 created, 3 resolved, 1 reopened (T3).
	#   frt 600, 1200, 1800: mean 1200; p50 rank 2 -> 1200; p90 rank
	#   ceil(2.7) = 3 -> 1800.  T4 never answered: not counted.
	#   resolution 3600, 7200, 90000 (T3's last resolve): mean
	#   100800/3 = 33600; p50 7200; p90 90000.
	# 物流 sorts first: UTF-8 e7 89 a9 < e9 80 80.
	[ "$out" = "$(lines \
	    category,created,resolved,reopened,frt_count,frt_mean,frt_p50,frt_p90,frt_max,resolution_count,resolution_mean,resolution_p50,resolution_p90,resolution_max \
	    物流,5,2,0,2,3751,301,7200,7200,2,1817101,1800,3632401,3632401 \
	    退款,4,3,1,3,1200,1200,1800,1800,3,33600,7200,90000,90000)" ]
}

@test "hand set: first resolution stops at T3's first resolve; resolution at its last" {
	run2 hand -m resolution,first_resolution --by category -o csv
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	# 退款: first_resolution 3600, 7200, 3600 (T3 11:00 -> 12:00):
	#   sorted 3600 3600 7200, mean 14400/3 = 4800, p50 3600, p90 7200.
	# 物流: no reopen, the same as resolution.
	[ "$out" = "$(lines \
	    category,resolution_count,resolution_mean,resolution_p50,resolution_p90,resolution_max,first_resolution_count,first_resolution_mean,first_resolution_p50,first_resolution_p90,first_resolution_max \
	    物流,2,1817101,1800,3632401,3632401,2,1817101,1800,3632401,3632401 \
	    退款,3,33600,7200,90000,90000,3,4800,3600,7200,7200)" ]
}

@test "hand set: the four FCR definitions, by category and for the whole desk" {
	# Resolved: T1 T2 T3 (退款), T5 T8 (物流).
	#        replies reopens customer messages (non-auto, in)
	#   T1   1       0       1 (09:00:10; the auto reply is no reply)
	#   T2   2       0       1 (the internal note is no reply)
	#   T3   1       1       0
	#   T5   1       0       1
	#   T8   0       0       0
	# one-touch (replies = 1, no reopen): T1, T5 -> 1/3 = 33.3, 1/2 =
	#   50.0, 2/5 = 40.0
	# at-most-one-reply (<= 1, no reopen): T1, T5, T8 -> 33.3, 100.0, 60.0
	# no-reopen: T1, T2, T5, T8 -> 2/3 = 66.7, 100.0, 80.0
	# no-follow-up (no customer message, no reopen): T8 -> 0.0, 50.0, 20.0
	fcr() {
		run2 hand -m fcr --by category -o csv --fcr-definition "$1"
		[ "$status" -eq 0 ] && [ -z "$err" ] || return 1
		[ "$out" = "$(lines category,fcr,fcr_count "物流,$3,2" "退款,$2,3")" ] ||
		    { echo "$1 by category: $out"; return 1; }
		run2 hand -m fcr -o csv --fcr-definition "$1"
		[ "$status" -eq 0 ] && [ -z "$err" ] || return 1
		[ "$out" = "$(lines fcr,fcr_count "$4,5")" ] ||
		    { echo "$1: $out"; return 1; }
	}
	fcr one-touch 33.3 50.0 40.0
	fcr at-most-one-reply 33.3 100.0 60.0
	fcr no-reopen 66.7 100.0 80.0
	fcr no-follow-up 0.0 50.0 20.0
	# The default is one-touch.
	run2 hand -m fcr -o csv
	[ "$out" = "$(lines fcr,fcr_count 40.0,5)" ]
}

@test "hand set: CSAT and NPS; surveys of tickets outside the window do not count" {
	run2 hand -m csat,nps --by category -o csv
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	# 物流 csat 4 (T5), 5 (T8): 2/2 >= 4 = 100.0, mean 4.5.
	#   nps 9 (T5), 3 (T6), 10 (T8): (2 promoters - 1 detractor)/3 = 33.3.
	# 退款 csat 5, 3, 2: 1/3 = 33.3, mean 10/3 = 3.33.
	#   nps 10, 6, 8: (1 - 1)/3 = 0.0.  T9's 1 and 0 are after the window.
	[ "$out" = "$(lines category,csat,csat_mean,csat_count,nps,nps_count \
	    物流,100.0,4.5,2,33.3,3 退款,33.3,3.33,3,0.0,3)" ]
	run2 hand -m csat,nps -o csv
	[ "$status" -eq 0 ]
	# csat 5 3 2 4 5: 3/5 = 60.0, mean 19/5 = 3.8; nps 10 6 8 9 3 10:
	# (3 - 2)/6 = 16.7.
	[ "$out" = "$(lines csat,csat_mean,csat_count,nps,nps_count 60.0,3.8,5,16.7,6)" ]
}

@test "hand set: the backlog at --until, by age; a later --until" {
	run2 hand -m backlog --by category -o csv
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	# Open at 11-10 00:00, age = until - created:
	#   T4  11-05 09:00  4d15h  3-7d    (退款)
	#   T6  11-02 10:00  7d14h  7-30d   (物流)
	#   T7  11-09 20:00  4h     < 1d    (物流)
	#   T8  10-01 09:00  39d15h 30d+    (物流: resolved only on 11-12)
	#   T10 11-08 12:00  1d12h  1-3d    (物流)
	# T3 was resolved again on 11-03: not in it.
	[ "$out" = "$(lines category,backlog,backlog_lt_1d,backlog_1_3d,backlog_3_7d,backlog_7_30d,backlog_30d_plus \
	    物流,4,1,1,0,1,1 退款,1,0,0,1,0,0)" ]
	run2 hand -m backlog -o csv
	[ "$out" = "$(lines backlog,backlog_lt_1d,backlog_1_3d,backlog_3_7d,backlog_7_30d,backlog_30d_plus 5,1,1,1,1,1)" ]
	# At 11-13 00:00 T8 is resolved; T9 (11-10 08:00) was resolved at
	# 09:00; T7 3d4h and T10 4d12h are 3-7d, T4 7d15h and T6 10d14h 7-30d.
	run2 csm-report --db "$HAND_DB" -c "$HAND_CONF" --now 2026-11-23T12:00:00+08:00 \
	    --until 2026-11-13T00:00:00+08:00 -m backlog -o csv
	[ "$status" -eq 0 ]
	[ "$out" = "$(lines backlog,backlog_lt_1d,backlog_1_3d,backlog_3_7d,backlog_7_30d,backlog_30d_plus 4,0,0,2,2,0)" ]
}

@test "hand set: the whole desk without --by, every metric on one row" {
	run2 hand -m created,resolved,reopened,frt,resolution,first_resolution,fcr,csat,nps,backlog -o csv
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	# 9 created (T1-T8, T10), 5 resolved, 1 reopened.
	# frt 301 600 1200 1800 7200: mean 11101/5 = 2220.2 -> 2220, p50
	#   rank 3 -> 1200, p90 rank ceil(4.5) = 5 -> 7200.
	# resolution 1800 3600 7200 90000 3632401: mean 3735001/5 = 747000.2
	#   -> 747000, p50 7200, p90 3632401.
	# first_resolution 1800 3600 3600 7200 3632401: mean 3648601/5 =
	#   729720.2 -> 729720, p50 3600, p90 3632401.
	[ "$out" = "$(lines \
	    created,resolved,reopened,frt_count,frt_mean,frt_p50,frt_p90,frt_max,resolution_count,resolution_mean,resolution_p50,resolution_p90,resolution_max,first_resolution_count,first_resolution_mean,first_resolution_p50,first_resolution_p90,first_resolution_max,fcr,fcr_count,csat,csat_mean,csat_count,nps,nps_count,backlog,backlog_lt_1d,backlog_1_3d,backlog_3_7d,backlog_7_30d,backlog_30d_plus \
	    9,5,1,5,2220,1200,7200,7200,5,747000,7200,3632401,3632401,5,729720,3600,3632401,3632401,40.0,5,60.0,3.8,5,16.7,6,5,1,1,1,1,1)" ]
}

@test "hand set: workload by assignee without --by, and by category" {
	run2 hand -m workload -o csv
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	# assigned / resolved / replies / open (in the backlog):
	#   (none) T4 T7 T10: 0 0 0 3
	#   alice  T1 T2:     2 2 3 (1 + 2) 0   (T9 is after the window)
	#   bob    T3 T5:     2 2 2 0
	#   carol  T6 T8:     2 1 1 2
	[ "$out" = "$(lines assignee,assigned,resolved,replies,open \
	    ,0,0,0,3 alice,2,2,3,0 bob,2,2,2,0 carol,2,1,1,2)" ]
	run2 hand -m workload --by category -o csv
	[ "$out" = "$(lines category,assigned,resolved,replies,open \
	    物流,3,2,2,4 退款,3,3,4,1)" ]
}

@test "hand set: --where keeps the tickets it matches, the same figures as their group" {
	run2 hand -m created,frt,backlog -o csv -w 'category = "退款"'
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	[ "$out" = "$(lines created,frt_count,frt_mean,frt_p50,frt_p90,frt_max,backlog,backlog_lt_1d,backlog_1_3d,backlog_3_7d,backlog_7_30d,backlog_30d_plus \
	    4,3,1200,1200,1800,1800,1,0,0,1,0,0)" ]
	# Nothing matches: the one row of a report without --by, all zero.
	run2 hand -m created,frt -o csv -w 'category = "none"'
	[ "$status" -eq 0 ]
	[ "$out" = "$(lines created,frt_count,frt_mean,frt_p50,frt_p90,frt_max 0,0,,,,)" ]
}

@test "hand set: SLA after csm-sla sweep, overall and per target" {
	cp "$HAND_DB" "$TMP/sla.db"
	run2 csm-sla --db "$TMP/sla.db" -c "$HAND_CONF" sweep --now "$HAND_UNTIL" -q
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	# Policy std, every second counts: first response 1h, resolution 8h.
	# At 11-10 00:00:
	#        first_response        resolution
	#   T1   met (600)             met (3600)
	#   T2   met (1800)            met (7200)
	#   T3   met (1200)            met (1h + 3h after the reopen = 4h)
	#   T4   breached              breached (11-05 17:00)
	#   T5   met (301)             met (1800)
	#   T6   breached (7200)       breached
	#   T7   breached (due 21:00)  running (due 11-10 04:00): not counted
	#   T8   breached              breached
	#   T10  breached              breached
	# 物流: fr 1/5 = 20.0, res 1/4 = 25.0, all 2/9 = 22.2
	# 退款: fr 3/4 = 75.0, res 3/4 = 75.0, all 6/8 = 75.0
	# whole desk: fr 4/9 = 44.4, res 4/8 = 50.0, all 8/17 = 47.1
	# No next_response target: null, 0.
	run2 csm-report --db "$TMP/sla.db" -c "$HAND_CONF" --now "$HAND_UNTIL" \
	    --until "$HAND_UNTIL" -m sla --by category -o csv
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	[ "$out" = "$(lines sla,sla_count,sla_first_response,sla_first_response_count,sla_next_response,sla_next_response_count,sla_resolution,sla_resolution_count |
	    sed 's/^/category,/'; lines 物流,22.2,9,20.0,5,,0,25.0,4 退款,75.0,8,75.0,4,,0,75.0,4)" ]
	run2 csm-report --db "$TMP/sla.db" -c "$HAND_CONF" --now "$HAND_UNTIL" -m sla -o csv
	[ "$out" = "$(lines sla,sla_count,sla_first_response,sla_first_response_count,sla_next_response,sla_next_response_count,sla_resolution,sla_resolution_count \
	    47.1,17,44.4,9,,0,50.0,8)" ]
}

# sql_report GROUP-EXPR: the SQL of the metrics created, resolved,
# reopened, frt, resolution, fcr, csat, nps, sla and backlog by
# GROUP-EXPR up to SAMPLE_UNTIL, written from the definitions of
# csm-report(1), not from its code: nearest-rank percentiles by
# row_number(), means and shares by SQLite's round().
sql_report() {
	local g=$1 u=$SAMPLE_UNTIL
	cat <<-SQL
	WITH t AS (SELECT *, $g AS g FROM tickets
	    WHERE merged_into IS NULL AND created_at < $u),
	groups AS (SELECT DISTINCT g FROM t),
	frt AS (SELECT g, v, row_number() OVER w AS rn,
	    count(*) OVER (PARTITION BY g) AS n
	    FROM (SELECT g, first_response_at - created_at AS v FROM t
	    WHERE first_response_at IS NOT NULL)
	    WINDOW w AS (PARTITION BY g ORDER BY v)),
	frts AS (SELECT g, count(*) AS c, CAST(round(avg(v)) AS INTEGER) AS mean,
	    max(CASE WHEN rn = (n * 50 + 99) / 100 THEN v END) AS p50,
	    max(CASE WHEN rn = (n * 90 + 99) / 100 THEN v END) AS p90,
	    max(v) AS mx FROM frt GROUP BY g),
	res AS (SELECT g, v, row_number() OVER w AS rn,
	    count(*) OVER (PARTITION BY g) AS n
	    FROM (SELECT g, resolved_at - created_at AS v FROM t
	    WHERE status IN ('resolved', 'closed') AND resolved_at IS NOT NULL)
	    WINDOW w AS (PARTITION BY g ORDER BY v)),
	ress AS (SELECT g, count(*) AS c, CAST(round(avg(v)) AS INTEGER) AS mean,
	    max(CASE WHEN rn = (n * 50 + 99) / 100 THEN v END) AS p50,
	    max(CASE WHEN rn = (n * 90 + 99) / 100 THEN v END) AS p90,
	    max(v) AS mx FROM res GROUP BY g),
	base AS (SELECT g, count(*) AS created,
	    sum(status IN ('resolved', 'closed')) AS resolved,
	    sum(reopens > 0) AS reopened,
	    sum(status IN ('resolved', 'closed') AND reopens = 0 AND
	        (SELECT count(*) FROM messages m WHERE m.ticket = t.id AND
	        m.direction = 'out' AND m.public = 1 AND m.auto = 0) = 1) AS fcr_k
	    FROM t GROUP BY g),
	cs AS (SELECT g, count(*) AS n, sum(score >= 4) AS good, avg(score) AS mean
	    FROM t JOIN surveys s ON s.ticket = t.id AND s.kind = 'csat' GROUP BY g),
	np AS (SELECT g, count(*) AS n, sum(score >= 9) - sum(score <= 6) AS net
	    FROM t JOIN surveys s ON s.ticket = t.id AND s.kind = 'nps' GROUP BY g),
	sl AS (SELECT g, count(*) AS n, sum(state = 'met') AS met,
	    sum(target = 'first_response') AS fn,
	    sum(target = 'first_response' AND state = 'met') AS fm,
	    sum(target = 'next_response') AS nn,
	    sum(target = 'next_response' AND state = 'met') AS nm,
	    sum(target = 'resolution') AS rn,
	    sum(target = 'resolution' AND state = 'met') AS rm
	    FROM t JOIN sla ON sla.ticket = t.id AND sla.state IN ('met', 'breached')
	    GROUP BY g),
	bl AS (SELECT g, count(*) AS n,
	    sum($u - created_at < 86400) AS b1,
	    sum($u - created_at >= 86400 AND $u - created_at < 3 * 86400) AS b2,
	    sum($u - created_at >= 3 * 86400 AND $u - created_at < 7 * 86400) AS b3,
	    sum($u - created_at >= 7 * 86400 AND $u - created_at < 30 * 86400) AS b4,
	    sum($u - created_at >= 30 * 86400) AS b5
	    FROM t WHERE resolved_at IS NULL OR resolved_at > $u GROUP BY g)
	SELECT groups.g, b.created, b.resolved, b.reopened,
	    coalesce(f.c, 0), f.mean, f.p50, f.p90, f.mx,
	    coalesce(r.c, 0), r.mean, r.p50, r.p90, r.mx,
	    round(100.0 * b.fcr_k / nullif(b.resolved, 0), 1), b.resolved,
	    round(100.0 * cs.good / cs.n, 1), round(cs.mean, 2), coalesce(cs.n, 0),
	    round(100.0 * np.net / np.n, 1), coalesce(np.n, 0),
	    round(100.0 * sl.met / sl.n, 1), coalesce(sl.n, 0),
	    round(100.0 * sl.fm / nullif(sl.fn, 0), 1), coalesce(sl.fn, 0),
	    round(100.0 * sl.nm / nullif(sl.nn, 0), 1), coalesce(sl.nn, 0),
	    round(100.0 * sl.rm / nullif(sl.rn, 0), 1), coalesce(sl.rn, 0),
	    coalesce(bl.n, 0), coalesce(bl.b1, 0), coalesce(bl.b2, 0),
	    coalesce(bl.b3, 0), coalesce(bl.b4, 0), coalesce(bl.b5, 0)
	FROM groups JOIN base b ON b.g IS groups.g
	LEFT JOIN frts f ON f.g IS groups.g LEFT JOIN ress r ON r.g IS groups.g
	LEFT JOIN cs ON cs.g IS groups.g LEFT JOIN np ON np.g IS groups.g
	LEFT JOIN sl ON sl.g IS groups.g LEFT JOIN bl ON bl.g IS groups.g;
	SQL
}

# sql_vs_report BY GROUP-EXPR: the report by BY and the SQL by GROUP-EXPR
# (sorted, as CSV: a null an empty field) must be the same.  The sample's
# categories hold no comma or quote, so list mode is CSV here.
sql_vs_report() {
	sql_report "$2" | sqlite3 -batch -list -separator , -noheader \
	    "$SAMPLE_DB" | sort >"$TMP/sql.csv"
	[ -s "$TMP/sql.csv" ] || return 1
	run2 rep -m created,resolved,reopened,frt,resolution,fcr,csat,nps,sla,backlog \
	    --by "$1" -o csv --until "$SAMPLE_NOW"
	[ "$status" -eq 0 ] && [ -z "$err" ] || return 1
	[ "$(printf '%s\n' "$out" | head -n 1)" = "$1,created,resolved,reopened,frt_count,frt_mean,frt_p50,frt_p90,frt_max,resolution_count,resolution_mean,resolution_p50,resolution_p90,resolution_max,fcr,fcr_count,csat,csat_mean,csat_count,nps,nps_count,sla,sla_count,sla_first_response,sla_first_response_count,sla_next_response,sla_next_response_count,sla_resolution,sla_resolution_count,backlog,backlog_lt_1d,backlog_1_3d,backlog_3_7d,backlog_7_30d,backlog_30d_plus" ] || return 1
	printf '%s\n' "$out" | sed 1d | sort >"$TMP/report.csv"
	diff "$TMP/sql.csv" "$TMP/report.csv"
}

@test "sample: every column by category recomputed in plain SQL" {
	[ "$(date -u -d @"$SAMPLE_UNTIL" +%FT%T)" = 2026-11-30T16:00:00 ]
	sql_vs_report category category
	# The null category is a group of its own, sorted first.
	[ "$(printf '%s\n' "$out" | sed -n 2p | cut -d, -f1,2)" = ",$(s "SELECT count(*) FROM tickets WHERE category IS NULL AND merged_into IS NULL")" ]
	[ "$(printf '%s\n' "$out" | sed 1d | wc -l)" -eq "$(s "SELECT count(DISTINCT coalesce(category, '')) FROM tickets")" ]
}

@test "sample: every column by month recomputed in plain SQL (Beijing months)" {
	grep -q 'timezone = Asia/Shanghai' "$SAMPLE_CONF"
	sql_vs_report month "strftime('%Y-%m', created_at, 'unixepoch', '+08:00')"
	[ "$(printf '%s\n' "$out" | sed -n 2p | cut -d, -f1)" = 2026-01 ]
}

# as_rows FORMAT: the rows of a report in FORMAT on stdin as JSON arrays
# (numbers as numbers, an empty field as null), header dropped.
as_rows() {
	case $1 in
	jsonl) jq -c '[.[]]' ;;
	csv) sed 1d | jq -cR 'split(",") | map(if . == "" then null else (tonumber? // .) end)' ;;
	tsv) sed 1d | jq -cR 'split("\t") | map(if . == "" then null else (tonumber? // .) end)' ;;
	esac
}

@test "jsonl, csv and tsv carry the same columns and the same numbers" {
	args="-m created,frt,resolution,fcr,csat,nps,sla,backlog --by category --until $SAMPLE_NOW"
	for f in jsonl csv tsv; do
		# shellcheck disable=SC2086
		run2 rep $args -o "$f"
		[ "$status" -eq 0 ]
		[ -z "$err" ]
		printf '%s\n' "$out" >"$TMP/r.$f"
	done
	[ "$(head -n 1 "$TMP/r.jsonl" | jq -r 'keys_unsorted | join(",")')" = "$(head -n 1 "$TMP/r.csv")" ]
	[ "$(head -n 1 "$TMP/r.csv" | tr , '\t')" = "$(head -n 1 "$TMP/r.tsv")" ]
	as_rows jsonl <"$TMP/r.jsonl" >"$TMP/a"
	as_rows csv <"$TMP/r.csv" >"$TMP/b"
	as_rows tsv <"$TMP/r.tsv" >"$TMP/c"
	[ "$(wc -l <"$TMP/a")" -eq "$(s "SELECT count(DISTINCT coalesce(category, '')) FROM tickets")" ]
	cmp "$TMP/a" "$TMP/b"
	cmp "$TMP/a" "$TMP/c"
	# JSON: a null where the CSV is empty (no NPS answer for 发票).
	[ "$(jq -c 'select(.category == "发票") | [.nps, .nps_count]' "$TMP/r.jsonl")" = '[null,0]' ]
}

# numeric: TSV on stdin with each number as awk reads it (81.0 as 81),
# for comparing a workbook's cells with csm's text.
numeric() {
	awk -F '\t' -v OFS='\t' '{ for (i = 1; i <= NF; i++) if ($i ~ /^-?[0-9]+(\.[0-9]+)?$/) $i = $i + 0; print }'
}

@test "xlsx: the same header and first rows as the TSV; --bom starts with EF BB BF" {
	run2 sh -c "csm-report --db '$SAMPLE_DB' -c '$SAMPLE_CONF' --now $SAMPLE_NOW -m created,frt,csat,sla --by category -o xlsx >'$TMP/r.xlsx'"
	[ "$status" -eq 0 ]
	[ -z "$out$err" ]
	[ "$(head -c 2 "$TMP/r.xlsx")" = PK ]
	run2 "$BATS_TEST_DIRNAME/../report/xlsx-check" -n 6 "$TMP/r.xlsx" report
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	printf '%s\n' "$out" | numeric >"$TMP/x"
	rep -m created,frt,csat,sla --by category -o tsv | head -n 6 | numeric >"$TMP/t"
	[ "$(wc -l <"$TMP/x")" -eq 6 ]
	cmp "$TMP/x" "$TMP/t"
	run2 sh -c "csm-report --db '$SAMPLE_DB' -c '$SAMPLE_CONF' --now $SAMPLE_NOW -m created --by category -o csv --bom | head -c 11 | od -An -tx1"
	[ "$status" -eq 0 ]
	[ "$(echo $out)" = "ef bb bf 63 61 74 65 67 6f 72 79" ]
	# The BOM only once, then the same CSV.
	[ "$(rep -m created --by category -o csv --bom | tail -c +4)" = "$(rep -m created --by category -o csv)" ]
}

# aligned FILE COLUMN: every line of the table in FILE starts its second
# column at the display width (CJK and emoji two wide) at which COLUMN
# starts in the header.
aligned() {
	python3 -c '
import re, sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if l]
col = width(lines[0][:lines[0].index(sys.argv[2])])
bad = [l for l in lines[1:] if width(l[:re.search("  +", l).end()]) != col]
print("\n".join(bad) if bad else "aligned")
' "$1" "$2"
}

@test "a table on a terminal: CJK categories aligned, durations and percentages for people" {
	run2 script -qec "csm-report --db '$SAMPLE_DB' -c '$SAMPLE_CONF' --now $SAMPLE_NOW -m created,frt,csat --by category --color never" /dev/null
	[ "$status" -eq 0 ]
	printf '%s\n' "$out" | tr -d '\r' >"$TMP/table"
	[ "$(head -n 1 "$TMP/table" | tr -s ' ')" = "category created frt_count frt_mean frt_p50 frt_p90 frt_max csat csat_mean csat_count" ]
	# The null category shows as '-'; 10379 s is 2h52m; 78.7%.
	[ "$(sed -n 2p "$TMP/table" | tr -s ' ')" = "- 626 616 2h52m 26m46s 12h01m 20h46m 78.7% 4.22 127" ]
	grep -q '^设备故障 ' "$TMP/table"
	[ "$(aligned "$TMP/table" created)" = aligned ]
	# In a pipe, JSON Lines.
	run2 rep -m created
	[ "$out" = '{"created":2006}' ]
}

@test "customer view: by C-id, by phone in the sample's formats, by e-mail; a merged customer's key; unknown" {
	# Liam Taylor: '+44 (0)7670 311079' in customers.csv, '0044 7670
	# 311079' in orders.csv.
	grep -q '+44 (0)7670 311079,taylor_liam8384@example.net' "$BATS_TEST_DIRNAME/../../sample/customers.csv"
	grep -q '0044 7670 311079' "$BATS_TEST_DIRNAME/../../sample/orders.csv"
	id=$(s "SELECT printf('C-%06d', customer) FROM identities WHERE kind = 'email' AND value = 'taylor_liam8384@example.net'")
	[ -n "$id" ]
	for key in "$id" '+44 (0)7670 311079' '0044 7670 311079' taylor_liam8384@example.net; do
		run2 rep customer "$key" -o jsonl
		[ "$status" -eq 0 ]
		[ -z "$err" ]
		[ "$(printf '%s\n' "$out" | head -n 1 | jq -c '[.type, .id, .name]')" = "[\"profile\",\"$id\",\"Liam Taylor\"]" ]
	done
	# Every line names its section; the tickets are the customer's.
	[ "$(printf '%s\n' "$out" | jq -r .type | uniq | tr '\n' ' ')" = "profile identities orders tickets totals " ]
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type == "tickets") | .id' | wc -l)" -eq \
	    "$(s "SELECT count(*) FROM tickets WHERE customer = ${id#C-} AND merged_into IS NULL")" ]
	# A merged customer's id is the customer it was merged into.
	read -r merged kept <<<"$(s "SELECT printf('C-%06d', id), printf('C-%06d', merged_into) FROM customers WHERE merged_into IS NOT NULL ORDER BY id LIMIT 1" | tr '|' ' ')"
	[ -n "$kept" ]
	run2 rep customer "$merged" -o jsonl
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | head -n 1 | jq -r .id)" = "$kept" ]
	run2 rep customer C-999999
	[ "$status" -eq 65 ]
	[ -z "$out" ]
	[[ "$err" == "csm-report: no customer 'C-999999'"* ]]
	run2 rep customer nobody@example.com
	[ "$status" -eq 65 ]
	[[ "$err" == *"no customer 'nobody@example.com'"* ]]
}

@test "ticket view: the fields, the SLA clocks and a timeline in time order; an unknown ticket" {
	run2 rep ticket T-1 -o jsonl
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	printf '%s\n' "$out" >"$TMP/v"
	[ "$(jq -r .type "$TMP/v" | uniq | tr '\n' ' ')" = "ticket sla timeline " ]
	[ "$(jq -r 'select(.field == "id") | .value' "$TMP/v")" = T-000001 ]
	# Created first, then each message and event of the ticket.
	[ "$(jq -c 'select(.type == "timeline") | [.at, .what, .detail]' "$TMP/v" | head -n 1)" = '["2026-01-01T06:44:20+08:00","created","miniprogram mp-00000001"]' ]
	[ "$(jq -r 'select(.type == "timeline") | .at' "$TMP/v" | wc -l)" -eq \
	    "$((1 + $(s "SELECT count(*) FROM messages WHERE ticket = 1") + $(s "SELECT count(*) FROM events WHERE ticket = 1")))" ]
	jq -r 'select(.type == "timeline") | .at' "$TMP/v" >"$TMP/at"
	sort -c "$TMP/at"
	[ "$(jq -r 'select(.type == "timeline") | .what' "$TMP/v" | sort | uniq -c | tr -s ' ' | tr '\n' ';')" = " 1 auto reply; 1 created; 4 message in; 5 reply; 1 status;" ]
	run2 rep ticket T-999999
	[ "$status" -eq 65 ]
	[ -z "$out" ]
	[ "$err" = "csm-report: no ticket 'T-999999'" ]
}

@test "export: as many tickets and customer messages as the store holds; records as csm-ingest prints them" {
	run2 sh -c "csm-report --db '$SAMPLE_DB' -c '$SAMPLE_CONF' export tickets -o jsonl | wc -l"
	[ "$status" -eq 0 ]
	[ "$out" -eq "$(s "SELECT count(*) FROM tickets")" ]
	run2 rep export messages --where 'direction = "in"'
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	[ "$(printf '%s\n' "$out" | wc -l)" -eq "$(s "SELECT count(*) FROM messages WHERE direction = 'in'")" ]
	[ "$(printf '%s\n' "$out" | jq -r .direction | sort -u)" = in ]
	run2 rep export tickets -w 'category = "发票"'
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | wc -l)" -eq "$(s "SELECT count(*) FROM tickets WHERE category = '发票'")" ]
	# Records as csm-ingest prints them (csm-report(1): a ticket without
	# its op and type; the others with their type).
	[ "$(rep export tickets | head -n 1 | jq -c '[.id, has("type"), has("op")]')" = '["T-000001",true,false]' ]
	for k in message event customer; do
		[ "$(rep export "${k}s" | head -n 1 | jq -r .type)" = "$k" ] ||
		    { echo "export ${k}s: no \"type\":\"$k\""; return 1; }
	done
}

@test "export --redact: no phone or e-mail of the sample; one pseudonym per identity within a run; ids join" {
	s "SELECT value FROM identities WHERE kind IN ('phone', 'email')" >"$TMP/ids"
	[ "$(wc -l <"$TMP/ids")" -gt 500 ]
	run2 rep export customers --redact
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	printf '%s\n' "$out" >"$TMP/c.jsonl"
	# The customers merged into others are not exported of themselves.
	[ "$(wc -l <"$TMP/c.jsonl")" -eq "$(s "SELECT count(*) FROM customers WHERE merged_into IS NULL")" ]
	not grep -q -F -e '+447670311079' -e taylor_liam8384@example.net "$TMP/c.jsonl"
	not grep -q -F -f "$TMP/ids" "$TMP/c.jsonl"
	run2 rep export tickets --redact
	[ "$status" -eq 0 ]
	printf '%s\n' "$out" >"$TMP/t.jsonl"
	not grep -q -F -f "$TMP/ids" "$TMP/t.jsonl"
	# Customer ids are kept: the two exports join on them.
	jq -r '.customer // empty' "$TMP/t.jsonl" | sort -u >"$TMP/tc"
	jq -r '.id' "$TMP/c.jsonl" | sort -u >"$TMP/cc"
	[ -z "$(comm -23 "$TMP/tc" "$TMP/cc")" ]
	# Within one run the same phone has the same pseudonym, and two
	# phones never share one (a redactor's key is its own: another run
	# gives other pseudonyms, lib/redact.c).
	rep export tickets | jq -r '[.id, .phone // ""] | @tsv' >"$TMP/raw"
	jq -r '[.id, .phone // ""] | @tsv' "$TMP/t.jsonl" >"$TMP/red"
	join -t "$(printf '\t')" "$TMP/raw" "$TMP/red" | awk -F '\t' '$2 != ""' | cut -f2,3 | sort -u >"$TMP/map"
	[ "$(wc -l <"$TMP/map")" -gt 100 ]
	[ -z "$(cut -f1 "$TMP/map" | uniq -d)" ]
	[ -z "$(cut -f2 "$TMP/map" | sort | uniq -d)" ]
	[ -z "$(cut -f2 "$TMP/map" | grep -v '^phone:[0-9a-f]\{12\}$')" ]
	p1=$(jq -r 'select(.id == "T-000003") | .wechat' "$TMP/t.jsonl")
	p2=$(rep export tickets --redact -w 'id = "T-000003"' | jq -r .wechat)
	[[ "$p1" == wechat:* ]]
	[ "$p1" != "$p2" ]
	# --redact is for export only.
	run2 rep --redact
	[ "$status" -eq 64 ]
	[ -z "$out" ]
	[[ "$err" == *"--redact: only with export"* ]]
	# csm-report(1): "The identities of customers become '***'", and a
	# CRM id is one (lib/redact.c too).
	not grep -q -F "$(s "SELECT value FROM identities WHERE kind = 'crm' LIMIT 1")" "$TMP/c.jsonl"
}

@test "dashboard -o jsonl: every section, and the same figures as the report" {
	run2 rep dashboard -o jsonl
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ]
	printf '%s\n' "$out" >"$TMP/d.json"
	for k in kpis volume sla backlog csat nps categories channels agents; do
		jq -e --arg k "$k" 'has($k)' "$TMP/d.json" >/dev/null ||
		    { echo "no $k"; return 1; }
	done
	[ "$(jq -r '.until, .timezone' "$TMP/d.json" | tr '\n' ' ')" = "$SAMPLE_NOW Asia/Shanghai " ]
	[ "$(jq '.kpis[] | select(.name == "created") | .value' "$TMP/d.json")" -eq "$(s "SELECT count(*) FROM tickets WHERE merged_into IS NULL")" ]
	[ "$(jq -c '[.sla[] | [.target, .met + .breached, .pct]]' "$TMP/d.json")" = \
	    "$(rep -m sla | jq -c '[["first_response", .sla_first_response_count, .sla_first_response], ["next_response", .sla_next_response_count, .sla_next_response], ["resolution", .sla_resolution_count, .sla_resolution]]')" ]
	[ "$(jq -c '[.csat.pct, .csat.mean, .csat.count, .nps.nps, .nps.count]' "$TMP/d.json")" = \
	    "$(rep -m csat,nps | jq -c '[.csat, .csat_mean, .csat_count, .nps, .nps_count]')" ]
	[ "$(jq -c '[.backlog[].count]' "$TMP/d.json")" = \
	    "$(rep -m backlog | jq -c '[.backlog_lt_1d, .backlog_1_3d, .backlog_3_7d, .backlog_7_30d, .backlog_30d_plus]')" ]
	# Categories biggest first.
	[ "$(jq -c '[.categories[].count] | . == (sort | reverse)' "$TMP/d.json")" = true ]
}

@test "dashboard -o html: one self-contained page, no script, no URL, its charts as SVG" {
	run2 sh -c "csm-report --db '$SAMPLE_DB' -c '$SAMPLE_CONF' --now $SAMPLE_NOW dashboard -o html >'$TMP/d.html'"
	[ "$status" -eq 0 ]
	[ -z "$out$err" ]
	head -c 200 "$TMP/d.html" | grep -qi '<!doctype html>'
	[ "$(tail -c 8 "$TMP/d.html" | tr -d '\n')" = "</html>" ]
	not grep -qi '<script' "$TMP/d.html"
	not grep -qi -e 'http://' -e 'https://' "$TMP/d.html"
	[ "$(grep -o '<svg' "$TMP/d.html" | wc -l)" -ge 6 ]
	# The default output of dashboard is the page.
	[ "$(rep dashboard | md5sum)" = "$(md5sum <"$TMP/d.html")" ]
}

@test "dashboard -o html: chromium renders it (tests/report/chromium-check)" {
	command -v chromium >/dev/null || command -v chromium-browser >/dev/null ||
	    skip "chromium is not installed"
	check="$BATS_TEST_DIRNAME/../report/chromium-check"
	[ -e "$check" ] || skip "tests/report/chromium-check is not there yet"
	rep dashboard -o html >"$TMP/d.html"
	run2 "$check" "$TMP/d.html"
	[ "$status" -eq 0 ] || { echo "$out$err"; false; }
	[[ "$out" == "charts-ok "* ]]
	[ "${out#charts-ok }" -ge 6 ]
}

@test "usage errors: each named, exit 64, nothing on stdout" {
	usage() {	# usage MESSAGE ARGS...
		local msg=$1
		shift
		run2 rep "$@"
		[ "$status" -eq 64 ] && [ -z "$out" ] && [[ "$err" == *"$msg"* ]] ||
		    { echo "$*: status $status, err: $err"; return 1; }
	}
	usage "-m: unknown metric 'frtt' (did you mean 'frt'?)" -m frtt
	usage "-m: unknown metric 'bogus' (expected created, resolved" -m bogus
	usage "-o: unknown format 'xml' (expected table, jsonl, csv, tsv, xlsx or html)" -o xml
	usage "--by: 'tags' has no value to group by" --by tags
	usage "--by: 'category' is given twice" --by category,category
	usage "--since: the window is empty (--since must come before --until)" \
	    --since 2026-12-01 --until 2026-11-01
	usage "--where: column 12: expected a value after '='" -w 'category = '
	usage "-o html: only with dashboard (try 'csm-report dashboard -o html')" -o html
	usage "--fcr-definition: unknown definition 'x'" --fcr-definition x
	usage "--top: expected a positive number, got '0'" --top 0
	usage "export: -o jsonl, csv or tsv" export tickets -o xlsx
	usage "dashboard: -o html or jsonl" dashboard -o csv
	usage "unrecognized option '--bogus'" --bogus
	[[ "$err" == *"Try 'csm-report --help'."* ]]
	usage "unknown command 'bogus' (expected customer, ticket, export or dashboard)" bogus
	# --by given twice: one grouping must not silently replace the other.
	usage "--by: given twice (list the fields with commas" --by category --by source
	usage "-m: given twice" -m frt -m csat
	usage "--by: unknown field 'categroy' (did you mean 'category'?)" --by categroy
	usage "--by: '\\xff' is not valid UTF-8" --by "$(printf '\377')"
	usage "-m: an empty or too long metric name" -m frt,
}

@test "--help; a missing store; xlsx refused on a terminal; a closed pipe; a full disk" {
	run2 csm-report --help
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	[[ "$out" == "usage: csm-report "* ]]
	run2 csm-report --db "$TMP/none.db" -c "$SAMPLE_CONF"
	[ "$status" -eq 66 ]
	[ -z "$out" ]
	[ "$err" = "csm-report: no store at '$TMP/none.db'" ]
	run2 script -qec "csm-report --db '$SAMPLE_DB' -c '$SAMPLE_CONF' -m created -o xlsx" /dev/null
	[ "$status" -eq 64 ]
	[[ "$out" == *"-o xlsx: will not write a workbook to a terminal (redirect it to a file)"* ]]
	for a in "-m created --by day" "export messages" "ticket T-1 -o csv"; do
		run2 sh -c "csm-report --db '$SAMPLE_DB' -c '$SAMPLE_CONF' --now $SAMPLE_NOW $a | head -n 1"
		[ "$status" -eq 0 ] && [ -z "$err" ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] ||
		    { echo "$a | head -1: $status $err"; return 1; }
	done
	for a in "export messages" "dashboard -o html" "dashboard -o jsonl" "-m created -o xlsx" \
	    "-m created --by day -o csv" "-m created" "customer C-3 -o jsonl" "ticket T-1 -o csv"; do
		run2 sh -c "csm-report --db '$SAMPLE_DB' -c '$SAMPLE_CONF' --now $SAMPLE_NOW $a >/dev/full"
		[ "$status" -eq 74 ] && [ -n "$err" ] ||
		    { echo "$a >/dev/full: status $status, err: $err"; return 1; }
	done
}

@test "hostile strings: a <script> category, a control character and emoji, a comma, quotes and a newline" {
	ingest "$DATA/report/hostile.jsonl" >/dev/null
	r() {
		csm-report --db "$DB" -c "$CONF" --now 2026-11-10T00:00:00+08:00 "$@"
	}
	run2 r -m created --by category -o csv
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	# CSV: quoted only where RFC 4180 needs it, inner quotes doubled.
	[ "$out" = "$(printf 'category,created\n<script>alert(1)</script>,1\n"a,""b""\nc",1\n普通,1\n警告\033[31m😀,1')" ]
	run2 script -qec "csm-report --db '$DB' -c '$CONF' --now 2026-11-10T00:00:00+08:00 -m created --by category --color never" /dev/null
	[ "$status" -eq 0 ]
	[[ "$out" != *$'\e'* ]]
	printf '%s\n' "$out" | tr -d '\r' >"$TMP/table"
	grep -qF '警告\u001b[31m😀 ' "$TMP/table"
	grep -qF 'a,"b"\nc ' "$TMP/table"
	[ "$(aligned "$TMP/table" created)" = aligned ]
	run2 sh -c "csm-report --db '$DB' -c '$CONF' --now 2026-11-10T00:00:00+08:00 dashboard -o html >'$TMP/h.html'"
	[ "$status" -eq 0 ]
	[ -z "$out$err" ]
	grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$TMP/h.html"
	not grep -qi '<script' "$TMP/h.html"
	not grep -q $'\e' "$TMP/h.html"
	grep -qF 'a,&quot;b&quot;' "$TMP/h.html"
	run2 r dashboard -o jsonl
	[ "$(printf '%s\n' "$out" | jq -r '.categories[].name' | sort | head -n 1)" = '<script>alert(1)</script>' ]
}

# Grouping and business time on a store of five tickets of its own: ISO
# weeks at the turn of the year (2025-12-29 is a Monday of 2026-W01;
# 2027-01-01, a Friday, is in 2026-W53), a customer's tier and a custom
# field as keys, --top, and the first response in business seconds of a
# 09:00-18:00 weekday calendar: T1 created Friday 2026-11-20 17:00 and
# answered Monday 10:00 is 2 days 17 h of calendar time but 2 h (1 h on
# Friday, 1 h on Monday) of business time.
@test "--by week (ISO, at the turn of the year), customer.tier and a custom field; --top; --calendar" {
	db=$BATS_TEST_TMPDIR/w.db conf=$BATS_TEST_TMPDIR/w.conf
	cat >"$conf" <<-'EOF'
	[core]
		timezone = Asia/Shanghai
	[calendar "office"]
		timezone = Asia/Shanghai
		hours = mon-fri 09:00-18:00
	EOF
	cat >"$BATS_TEST_TMPDIR/w.jsonl" <<-'EOF'
	{"type":"customer","phone":"13800000001","tier":"vip"}
	{"type":"ticket","source":"web","source_id":"1","phone":"13800000001","shop":"north","created_at":"2026-11-20T17:00:00+08:00"}
	{"type":"message","source":"web","thread_id":"1","direction":"out","author":"a","body":"hi","at":"2026-11-23T10:00:00+08:00"}
	{"type":"ticket","source":"web","source_id":"2","phone":"13800000002","shop":"north","created_at":"2025-12-29T10:00:00+08:00"}
	{"type":"ticket","source":"web","source_id":"3","phone":"13800000001","shop":"south","created_at":"2027-01-01T10:00:00+08:00"}
	{"type":"ticket","source":"web","source_id":"4","created_at":"2026-01-01T10:00:00+08:00"}
	{"type":"ticket","source":"web","source_id":"5","phone":"13800000002","shop":"north","created_at":"2026-01-04T23:00:00+08:00"}
	EOF
	sed -i 's/"thread_id":"1"/"thread_id":"t1"/; s/"source_id":"1",/"source_id":"1","thread_id":"t1",/' "$BATS_TEST_TMPDIR/w.jsonl"
	run csm-ingest --db "$db" -c "$conf" "$BATS_TEST_TMPDIR/w.jsonl"
	[ "$status" -eq 0 ]
	r() {
		csm-report --db "$db" -c "$conf" --until 2028-01-01 -o csv "$@"
	}
	run r -m created --by week
	[ "$status" -eq 0 ]
	[ "$output" = "$(lines week,created 2026-W01,3 2026-W47,1 2026-W53,1)" ]
	run r -m created --by customer.tier,shop
	[ "$status" -eq 0 ]
	[ "$output" = "$(lines customer.tier,shop,created ,,1 ,north,2 vip,north,1 vip,south,1)" ]
	run r -m created --by shop --top 1
	[ "$status" -eq 0 ]
	[ "$output" = "$(lines shop,created north,3)" ]
	run r -m frt --by day -w 'source_id = "1"'
	[ "$status" -eq 0 ]
	[ "$output" = "$(lines day,frt_count,frt_mean,frt_p50,frt_p90,frt_max 2026-11-20,1,234000,234000,234000,234000)" ]
	run r -m frt --by day -w 'source_id = "1"' --calendar office
	[ "$status" -eq 0 ]
	[ "$output" = "$(lines day,frt_count,frt_mean,frt_p50,frt_p90,frt_max 2026-11-20,1,7200,7200,7200,7200)" ]
	run r -m frt --calendar nowhere
	[ "$status" -eq 78 ]
	[ -z "$output" ] || [[ "$output" = *nowhere* ]]
}

# History imported with its final status: a ticket taken in resolved at
# 10:00 (no event says when) and closed the next day by an event.  Its
# first resolution is its resolved time, as its resolution is, not the
# close: 1 h both.
@test "a ticket taken in resolved, closed later: first_resolution is its resolved time" {
	db=$BATS_TEST_TMPDIR/i.db
	printf '%s\n' '{"type":"ticket","source":"web","source_id":"i1","thread_id":"i1","status":"resolved","created_at":"2026-11-02T09:00:00+08:00","resolved_at":"2026-11-02T10:00:00+08:00"}' \
	    '{"type":"event","source":"web","thread_id":"i1","action":"status","status":"closed","at":"2026-11-03T10:00:00+08:00"}' \
	    >"$BATS_TEST_TMPDIR/i.jsonl"
	run csm-ingest --db "$db" -c "$HAND_CONF" "$BATS_TEST_TMPDIR/i.jsonl"
	[ "$status" -eq 0 ]
	run csm-report --db "$db" -c "$HAND_CONF" --until 2027-01-01 -o csv \
	    -m resolution,first_resolution
	[ "$status" -eq 0 ]
	[ "$output" = "$(lines resolution_count,resolution_mean,resolution_p50,resolution_p90,resolution_max,first_resolution_count,first_resolution_mean,first_resolution_p50,first_resolution_p90,first_resolution_max \
	    1,3600,3600,3600,3600,1,3600,3600,3600,3600)" ]
}
