#!/usr/bin/env bats
# sla-calendar.bats - csm-sla's business-hours arithmetic: hand-checked
# cases (China's Golden Week, New York and Lord Howe across DST, an
# overnight shift before a holiday), then the randomized differential test
# against the independent reference tests/sla/refcal.py (tests/sla/README.md).
# These fail, not skip, when csm-sla is missing.

load helper

SLA_DIR=$BATS_TEST_DIRNAME/../sla

# cal_conf: the calendars of the hand-checked cases.
cal_conf() {
	cat >"$CONF" <<-'EOF'
	[core]
		timezone = Europe/London
	[calendar "r"]
		timezone = Asia/Shanghai
		hours = mon-fri 09:00-12:00 13:00-18:00
		hours = sat 09:00-12:00
		holiday = 2026-10-01..2026-10-07
		holiday = 01-01
		workday = 2026-09-20
		workday = 2026-10-10 09:00-18:00
	[calendar "dst"]
		timezone = America/New_York
		hours = sun 01:30-03:30
	[calendar "night"]
		timezone = America/New_York
		hours = mon-sun 22:00-06:00
		holiday = 2026-03-10
	[calendar "lh"]
		timezone = Australia/Lord_Howe
		hours = mon-sun 00:00-24:00
	EOF
}

# sla FILTER CALENDAR: csm-sla FILTER on the cases in $TMP/in.jsonl;
# sets out, and fails (showing why) when csm-sla does.
sla() {
	run2 csm-sla "$1" --calendar "$2" -c "$CONF" "$TMP/in.jsonl"
	if [ "$status" -ne 0 ]; then
		printf 'csm-sla %s --calendar %s: exit %s: %s\n' \
		    "$1" "$2" "$status" "$err" >&2
		return 1
	fi
	# Shown by bats when a comparison below fails.
	printf 'csm-sla %s --calendar %s:\n%s\n' "$1" "$2" "$out"
}

# column NAME: the NAME of every line of $out, one a line.
column() {
	printf '%s\n' "$out" | jq -r ".$1"
}

@test "csm-sla is installed" {
	command -v csm-sla
}

@test "sla due: Golden Week, 调休 workdays, 01-01 every year" {
	cal_conf
	cat >"$TMP/in.jsonl" <<-'EOF'
	{"start":"2026-09-30T17:00:00+08:00","duration":"2h"}
	{"start":"2026-09-30T09:00:00Z","seconds":7200}
	{"start":"2026-09-30T17:00:00+08:00","seconds":3600}
	{"start":"2026-10-03T10:00:00","duration":"30m"}
	{"start":"2026-10-03T10:00:00+08:00","seconds":0}
	{"start":"2026-09-19T12:00:00+08:00","duration":"4h"}
	{"start":"2026-10-09T17:30:00+08:00","duration":"2h"}
	{"start":"2026-12-31T17:00:00+08:00","duration":"1h30m"}
	EOF
	sla due r
	# 1h on 09-30 until 18:00; 10-01..07 off; 10-08 09:00 + 1h.
	# 09:00Z is 17:00 in Shanghai: the same.
	# Landing on 18:00, the closing time, gives 18:00.
	# From inside the holiday (no offset: Shanghai time): 10-08 09:30.
	# Zero seconds: the start itself, though the desk is closed.
	# Sunday 09-20 is worked with Monday's hours: 09-12, then 13-14.
	# Saturday 10-10 is 09:00-18:00 (with sat 09-12, one day without a
	# lunch break): 30m on 10-09, then 09:00 + 1h30m.
	# 2027-01-01 is off (01-01); Saturday 01-02 09:00 + 30m.
	[ "$(column due)" = "2026-10-08T10:00:00+08:00
2026-10-08T10:00:00+08:00
2026-09-30T18:00:00+08:00
2026-10-08T09:30:00+08:00
2026-10-03T10:00:00+08:00
2026-09-20T14:00:00+08:00
2026-10-10T10:30:00+08:00
2027-01-02T09:30:00+08:00" ]
}

@test "sla due and elapsed add their field last and keep the record" {
	cal_conf
	printf '%s\n' '{"id":"t1","start":"2026-09-30T17:00:00+08:00","duration":"2h","x":[1,{"y":"退款"}]}' \
	    >"$TMP/in.jsonl"
	sla due r
	[ "$(printf '%s\n' "$out" | jq -c 'keys_unsorted')" = \
	    '["id","start","duration","x","due"]' ]
	[ "$(printf '%s\n' "$out" | jq -c '.x')" = '[1,{"y":"退款"}]' ]
	printf '%s\n' '{"end":"2026-10-09T00:00:00+08:00","id":"t2","start":"2026-09-30T00:00:00+08:00"}' \
	    >"$TMP/in.jsonl"
	sla elapsed r
	[ "$(printf '%s\n' "$out" | jq -c 'keys_unsorted')" = \
	    '["end","id","start","seconds"]' ]
}

@test "sla elapsed: Golden Week, a worked Saturday, backwards" {
	cal_conf
	cat >"$TMP/in.jsonl" <<-'EOF'
	{"start":"2026-09-30T00:00:00+08:00","end":"2026-10-09T00:00:00+08:00"}
	{"start":"2026-10-10T00:00:00+08:00","end":"2026-10-11T00:00:00+08:00"}
	{"start":"2026-09-30T11:00:00+08:00","end":"2026-09-30T14:00:00+08:00"}
	{"start":"2026-09-30T12:00:00+08:00","end":"2026-09-30T12:00:00+08:00"}
	{"start":"2026-10-09T00:00:00+08:00","end":"2026-09-30T00:00:00+08:00"}
	EOF
	sla elapsed r
	# 8h on 09-30 and 8h on 10-08; 9h (not 12h) on 10-10; 11-12 and
	# 13-14; empty; backwards.
	[ "$(column seconds)" = "57600
32400
7200
0
0" ]
}

@test "sla across DST: a gap moves forward, a repeated hour counts once" {
	cal_conf
	cat >"$TMP/in.jsonl" <<-'EOF'
	{"start":"2026-03-08T00:00:00","end":"2026-03-09T00:00:00"}
	{"start":"2026-11-01T00:00:00","end":"2026-11-02T00:00:00"}
	EOF
	# 01:30 EST to 03:30 EDT is 1h; 01:30 EDT (the first) to 03:30 EST 3h.
	sla elapsed dst
	[ "$(column seconds)" = "3600
10800" ]
	cat >"$TMP/in.jsonl" <<-'EOF'
	{"start":"2026-03-08T01:00:00-05:00","seconds":3600}
	{"start":"2026-11-01T00:00:00","seconds":7200}
	EOF
	sla due dst
	[ "$(column due)" = "2026-03-08T03:30:00-04:00
2026-11-01T02:30:00-05:00" ]
	# Lord Howe moves by 30 minutes: a 23.5h and a 24.5h day.
	cat >"$TMP/in.jsonl" <<-'EOF'
	{"start":"2026-10-04T00:00:00","end":"2026-10-05T00:00:00"}
	{"start":"2026-04-05T00:00:00","end":"2026-04-06T00:00:00"}
	EOF
	sla elapsed lh
	[ "$(column seconds)" = "84600
88200" ]
	printf '%s\n' '{"start":"2026-10-04T00:00:00+10:30","duration":"1d"}' \
	    >"$TMP/in.jsonl"
	sla due lh
	[ "$(column due)" = "2026-10-05T00:30:00+11:00" ]
}

@test "sla: a holiday cuts the night before it at midnight" {
	cal_conf
	cat >"$TMP/in.jsonl" <<-'EOF'
	{"start":"2026-03-09T12:00:00","end":"2026-03-12T12:00:00"}
	EOF
	# 03-09 22:00-24:00, nothing on 03-10, 03-11 22:00 - 03-12 06:00.
	sla elapsed night
	[ "$(column seconds)" = 36000 ]
	printf '%s\n' '{"start":"2026-03-09T23:00:00-04:00","seconds":7200}' \
	    >"$TMP/in.jsonl"
	sla due night
	[ "$(column due)" = "2026-03-11T23:00:00-04:00" ]
}

@test "sla: randomized differential test against tests/sla/refcal.py" {
	local bin=()
	command -v csm-sla
	if [ -n "${CSM_BIN:-}" ]; then
		bin=(--bin "$CSM_BIN")
	fi
	run2 python3 "$SLA_DIR/diffcal.py" --seed 20261001 --calendars 120 \
	    --cases 100 "${bin[@]}"
	if [ "$status" -ne 0 ]; then
		printf '%s\n%s\n' "$out" "$err" | head -n 200 >&2
	fi
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | tail -n 1)" = "24000 passed, 0 failed" ]
}
