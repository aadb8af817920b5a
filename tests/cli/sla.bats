#!/usr/bin/env bats
# csm-sla as users run it: the cron sweep, exactly once; pauses, reopens,
# replies; the status, explain and replay views; the filter after
# csm-ingest and csm-route; the calendar filters; bad configurations and
# bad records.  2026-11-23 is a Monday; the office opens 09:00-12:00 and
# 13:00-18:00 Beijing time.

load helper

sla_conf() {
	cat >"$CONF" <<-'EOF'
	[core]
		timezone = Asia/Shanghai
	[calendar "office"]
		timezone = Asia/Shanghai
		hours = mon-fri 09:00-12:00 13:00-18:00
		holiday = 2026-10-01..2026-10-07
		workday = 2026-09-20
		workday = 2026-10-10
	[sla "vip"]
		when = tier = "vip"
		calendar = office
		first_response = urgent 30m, high 1h, normal 2h, low 4h
		resolution = urgent 4h, high 8h, normal 16h, low 40h
		warn = 50%
		escalate = 2h
		on_breach = group = "值班主管", notify ops "SLA {id} {group}"
	[sla "standard"]
		calendar = office
		first_response = 4h
		next_response = 2h
		resolution = 16h
	EOF
}

# sla ARGS...: csm-sla on the test store and config.
sla() {
	csm-sla --db "$DB" -c "$CONF" "$@"
}

# ticket SOURCE_ID CREATED [TIER]: a ticket from the phone line.
ticket() {
	local tier=${3:+,\"tier\":\"$3\"}
	printf '{"type":"ticket","source":"phone","source_id":"%s","subject":"s %s","phone":"1380000%04d","created_at":"%s"%s}\n' \
	    "$1" "$1" "${#1}" "$2" "$tier" | ingest >/dev/null
}

# status_event TICKET STATUS AT
status_event() {
	printf '{"type":"event","ticket":"%s","action":"status","status":"%s","at":"%s","by":"agent"}\n' \
	    "$1" "$2" "$3" | ingest >/dev/null
}

# message TICKET DIRECTION AT [PUBLIC [AUTO]]
message() {
	printf '{"type":"message","ticket":"%s","source":"phone","source_id":"m-%s-%s","direction":"%s","body":"b","at":"%s","public":%s,"auto":%s}\n' \
	    "$1" "$1" "$3" "$2" "$3" "${4:-true}" "${5:-false}" | ingest >/dev/null
}

@test "--help, --version, an unknown option, --check, commands in the wrong place" {
	run2 csm-sla --help
	[ "$status" -eq 0 ]
	[[ "$out" == "usage: csm-sla "* ]]
	run2 csm-sla --version
	[ "$status" -eq 0 ]
	[[ "$out" == "csm-sla "[0-9]* ]]
	run2 csm-sla --bogus
	[ "$status" -eq 64 ]
	[[ "$err" == *"Try 'csm-sla --help'."* ]]
	sla_conf
	run2 sla --check
	[ "$status" -eq 0 ]
	[ -z "$out$err" ]
	# No policy: said once, on stderr; -q silences it.
	run2 csm-sla --db "$DB" -c "$CONF" status -o jsonl
	[ "$status" -eq 66 ]
	printf '{"type":"ticket","source":"web","source_id":"1","created_at":"2026-11-23T09:00:00+08:00"}\n' | ingest >/dev/null
	run2 csm-sla --db "$DB" -c "$TMP/none.conf" sweep </dev/null
	[ "$status" -eq 66 ]
	: >"$TMP/empty.conf"
	run2 csm-sla --db "$DB" -c "$TMP/empty.conf" sweep
	[ "$status" -eq 0 ]
	[ -z "$out" ]
	[ "$err" = "csm-sla: warning: the configuration has no [sla] policy: no ticket has clocks (see csm.conf(5))" ]
	run2 csm-sla --db "$DB" -c "$TMP/empty.conf" sweep -q
	[ -z "$out$err" ]
	run2 sla due
	[ "$status" -eq 64 ]
	[[ "$err" == *"due: --calendar NAME is needed"* ]]
	run2 sla sweep file.jsonl
	[ "$status" -eq 64 ]
	[[ "$err" == *"sweep: reads the store, not files"* ]]
	run2 sla explain
	[ "$status" -eq 64 ]
	run2 sla --as-of 2026-11-23 status
	[ "$status" -eq 64 ]
	[[ "$err" == *"--as-of: only with explain"* ]]
}

@test "--check names each problem with its file, line and column; exit 78" {
	check_bad() {
		printf '[core]\n\ttimezone = Asia/Shanghai\n%s\n' "$1" >"$TMP/bad.conf"
		run2 csm-sla -c "$TMP/bad.conf" --check
		[ "$status" -eq 78 ]
		[[ "$err" == *"$2"* ]] || { echo "got: $err"; return 1; }
	}
	check_bad $'[sla "a"]\n\tfirst_respons = 1h' "bad.conf:4:18: unknown key 'first_respons' in [sla] (did you mean 'first_response'?)"
	check_bad $'[sla "a"]\n\tresolution = asap 1h' "bad.conf:4:15: resolution: unknown priority 'asap'"
	check_bad $'[sla "a"]\n\tresolution = 1h\n\tcalendar = nowhere' "bad.conf:5:13: calendar:"
	check_bad $'[sla "a"]\n\tresolution = 1h\n[sla "b"]\n\tresolution = 2h' "[sla \"b\"] can never apply: [sla \"a\"] before it has no 'when'"
	check_bad $'[sla "a"]\n\twhen = tier = "vip"' "sets no target"
	check_bad $'[sla "a"]\n\tresolution = 1h\n\twarn = 120%' "warn: '120%': expected a share from 1% to 99%"
	check_bad $'[sla "a"]\n\tresolution = 1h\n\tpause = resolved' "'resolved' cannot pause a clock"
	check_bad $'[sla "a"]\n\tresolution = 1h\n\ton_breach = prioritty = urgent' "bad.conf:5:"
	check_bad $'[sla "a"]\n\tresolution = 1h\n\tresolution = 2h' "'resolution' in [sla \"a\"] is set twice (first at"
	check_bad $'[sla "a"]\n\twhen = tier = \n\tresolution = 1h' "bad.conf:4:"
}

@test "the sweep records each warning, breach and escalation once, at the instant it was reached" {
	sla_conf
	ticket a 2026-11-23T10:00:00+08:00 vip
	# First response: 2h of business time from 10:00 is 12:00 (a
	# closing time is a due time); the warning at 50% is 11:00.
	run2 sla sweep --now 2026-11-23T11:30:00+08:00
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -c '[.event, .level, .ticket, .target, .policy, .at, .due]')" = '["warn",1,"T-000001","first_response","vip","2026-11-23T11:00:00+08:00","2026-11-23T12:00:00+08:00"]' ]
	run2 sla sweep --now 2026-11-23T11:30:00+08:00
	[ "$status" -eq 0 ]
	[ -z "$out" ]
	# At the due second itself a reply would still be in time.
	run2 sla sweep --now 2026-11-23T12:00:00+08:00
	[ -z "$out" ]
	run2 sla sweep --now 2026-11-23T12:00:01+08:00
	[ "$(printf '%s\n' "$out" | jq -c 'select(.type == "sla") | [.event, .at]')" = '["breach","2026-11-23T12:00:00+08:00"]' ]
	# on_breach: the group changes through the ticket API, with the
	# policy as why; notify is a record on stdout.
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type == "notify") | .text')" = "SLA T-000001 值班主管" ]
	[ "$(q "SELECT grp FROM tickets")" = "值班主管" ]
	[ "$(q "SELECT by || '|' || why FROM events WHERE action = 'transfer'")" = "csm-sla|sla:vip" ]
	# Escalation 2h of business time after the due: 12:00 is lunch, so
	# 15:00.
	run2 sla sweep --now 2026-11-23T16:00:00+08:00
	[ "$(printf '%s\n' "$out" | jq -c '[.event, .level, .at]')" = '["escalate",1,"2026-11-23T15:00:00+08:00"]' ]
	# The events: one each, keyed, at the instant reached.
	[ "$(q "SELECT group_concat(action || '@' || datetime(at, 'unixepoch'), ' ') FROM (SELECT * FROM events WHERE action LIKE 'sla_%' ORDER BY at)")" = "sla_warn@2026-11-23 03:00:00 sla_breach@2026-11-23 04:00:00 sla_escalate@2026-11-23 07:00:00" ]
	run2 sla sweep --now 2026-11-23T17:00:00+08:00
	[ -z "$out" ]
	# A reply now meets it late: breached, with when it was met.
	message T-000001 out 2026-11-23T16:30:00+08:00
	run2 sla status -o jsonl --now 2026-11-23T17:00:00+08:00
	[ "$(printf '%s\n' "$out" | jq -c 'select(.target == "first_response") | [.state, .met_at, .breached_at]')" = '["breached","2026-11-23T16:30:00+08:00","2026-11-23T12:00:00+08:00"]' ]
}

@test "pending pauses the resolution clock, open resumes it; a reopen goes on where it stopped" {
	sla_conf
	ticket p 2026-11-23T09:00:00+08:00
	# 16h: Monday 09:00-12:00 counts 3h, then pending until Wednesday.
	status_event T-000001 pending 2026-11-23T12:00:00+08:00
	run2 sla status -o jsonl --now 2026-11-24T10:00:00+08:00
	[ "$(printf '%s\n' "$out" | jq -c 'select(.target == "resolution") | [.state, .due, .elapsed, .left]')" = '["paused",null,10800,46800]' ]
	status_event T-000001 open 2026-11-25T09:00:00+08:00
	# 13h left from Wednesday 09:00: Wednesday's 8h, Thursday 09:00-15:00.
	run2 sla status -o jsonl --now 2026-11-25T10:00:00+08:00
	[ "$(printf '%s\n' "$out" | jq -c 'select(.target == "resolution") | [.state, .due, .paused]')" = '["running","2026-11-26T15:00:00+08:00",162000]' ]
	# Resolved Wednesday 11:00 (5h counted); a reopen Thursday 09:00
	# needs 11h more: Thursday's 8h and Friday 09:00-12:00.
	status_event T-000001 resolved 2026-11-25T11:00:00+08:00
	run2 sla status -o jsonl --all --now 2026-11-25T12:00:00+08:00
	[ "$(printf '%s\n' "$out" | jq -c 'select(.target == "resolution") | [.state, .met_at, .elapsed]')" = '["met","2026-11-25T11:00:00+08:00",18000]' ]
	status_event T-000001 open 2026-11-26T09:00:00+08:00
	run2 sla status -o jsonl --now 2026-11-26T09:30:00+08:00
	[ "$(printf '%s\n' "$out" | jq -c 'select(.target == "resolution") | [.state, .due]')" = '["running","2026-11-27T12:00:00+08:00"]' ]
}

@test "replies: internal notes and automatic replies never count; next response runs per customer message" {
	sla_conf
	ticket r 2026-11-23T09:00:00+08:00
	message T-000001 out 2026-11-23T09:10:00+08:00 false
	message T-000001 out 2026-11-23T09:20:00+08:00 true true
	run2 sla status -o jsonl --now 2026-11-23T10:00:00+08:00
	[ "$(printf '%s\n' "$out" | jq -c 'select(.target == "first_response") | .state')" = '"running"' ]
	message T-000001 out 2026-11-23T10:30:00+08:00
	message T-000001 in 2026-11-23T11:00:00+08:00
	message T-000001 in 2026-11-23T11:30:00+08:00
	# The oldest unanswered message starts the clock: 11:00 + 2h of
	# business time is 14:00.
	run2 sla status -o jsonl --now 2026-11-23T13:00:00+08:00
	[ "$(printf '%s\n' "$out" | jq -c 'select(.target == "first_response") | [.state, .met_at]')" = '["met","2026-11-23T10:30:00+08:00"]' ]
	[ "$(printf '%s\n' "$out" | jq -c 'select(.target == "next_response") | [.state, .due, .cycle]')" = '["running","2026-11-23T14:00:00+08:00","M-000004"]' ]
	message T-000001 out 2026-11-23T15:00:00+08:00
	message T-000001 in 2026-11-23T16:00:00+08:00
	run2 sla status -o jsonl --now 2026-11-23T16:30:00+08:00
	[ "$(printf '%s\n' "$out" | jq -c 'select(.target == "next_response") | [.state, .due]' | tr '\n' ' ')" = '["breached","2026-11-23T14:00:00+08:00"] ["running","2026-11-23T18:00:00+08:00"] ' ]
}

@test "explain shows the arithmetic span by span; --as-of replays the history up to then" {
	sla_conf
	ticket e 2026-11-23T09:00:00+08:00
	status_event T-000001 pending 2026-11-23T12:00:00+08:00
	status_event T-000001 open 2026-11-25T09:00:00+08:00
	run2 sla explain T-1 --as-of 2026-11-25T10:00:00+08:00
	[ "$status" -eq 0 ]
	[[ "$out" == *"T-000001 as of 2026-11-25T10:00:00+08:00"* ]]
	[[ "$out" == *"resolution: policy standard, calendar office, target 16h"* ]]
	[[ "$out" == *"2026-11-23T09:00:00+08:00 .. 2026-11-23T12:00:00+08:00  new       counted     3h  total 3h"* ]]
	[[ "$out" == *"2026-11-23T12:00:00+08:00 .. 2026-11-25T09:00:00+08:00  pending   paused       -  total 3h"* ]]
	[[ "$out" == *"running: 4h counted, due 2026-11-26T15:00:00+08:00"* ]]
	run2 sla explain T-1 --as-of 2026-11-24T10:00:00+08:00
	[[ "$out" == *"paused: 3h counted"* ]]
	[[ "$out" != *"2026-11-25"* ]]
	run2 sla explain T-9
	[ "$status" -eq 65 ]
	[[ "$err" == *"explain: no ticket T-9"* ]]
}

@test "two sweeps at once and a rerun after a kill never record a level twice" {
	sla_conf
	for i in 1 2 3 4 5 6 7 8; do
		ticket "c$i" 2026-11-23T09:0$i:00+08:00 vip
	done
	sla sweep --now 2026-11-24T18:00:00+08:00 >"$TMP/a" &
	sla sweep --now 2026-11-24T18:00:00+08:00 >"$TMP/b" &
	wait
	# Each ticket: first response warned, breached, escalated; the
	# resolution warned (16h, at 50%).
	[ "$(cat "$TMP/a" "$TMP/b" | jq -r 'select(.type == "sla") | .ticket + .event + .target' | sort | uniq -d)" = "" ]
	[ "$(cat "$TMP/a" "$TMP/b" | jq -r 'select(.type == "sla")' | jq -s length)" -eq 32 ]
	[ "$(q "SELECT count(*) FROM events WHERE action LIKE 'sla_%'")" -eq 32 ]
	[ "$(q "SELECT count(DISTINCT ext) FROM events WHERE action LIKE 'sla_%'")" -eq 32 ]
	run2 sla sweep --now 2026-11-24T18:00:00+08:00
	[ -z "$out" ]
}

@test "a back-dated import gives the same clocks as a live one; a policy change recomputes every ticket" {
	sla_conf
	ticket live 2026-11-23T10:00:00+08:00
	sla sweep --now 2026-11-23T10:00:00+08:00 >/dev/null
	message T-000001 out 2026-11-23T15:00:00+08:00
	sla sweep --now 2026-11-23T15:00:00+08:00 >/dev/null
	sla sweep --now 2026-11-30T09:00:00+08:00 >/dev/null
	# The same history, arriving all at once a week later.
	ticket late 2026-11-23T10:00:00+08:00
	message T-000002 out 2026-11-23T15:00:00+08:00
	sla sweep --now 2026-11-30T09:00:00+08:00 >/dev/null
	[ "$(q "SELECT count(DISTINCT target || state || due || coalesce(stopped_at, '') || elapsed) FROM sla WHERE target = 'first_response'")" -eq 1 ]
	[ "$(q "SELECT state || ' ' || datetime(due, 'unixepoch') FROM sla WHERE ticket = 2 AND target = 'first_response'")" = "met 2026-11-23 07:00:00" ]
	# 4h -> 2h: first responses after 12:00 (business time) breach.
	sed -i 's/first_response = 4h/first_response = 2h/' "$CONF"
	run2 sla sweep --now 2026-11-30T09:00:00+08:00
	[ "$(printf '%s\n' "$out" | jq -r 'select(.event == "breach") | .ticket' | sort | tr '\n' ' ')" = "T-000001 T-000002 " ]
	[ "$(q "SELECT count(*) FROM sla WHERE target = 'first_response' AND state = 'breached'")" -eq 2 ]
}

@test "what lies after the sweep's now is looked at again when it comes: a ticket, a reply, a status change" {
	sla_conf
	ticket early 2026-11-23T10:00:00+08:00 vip
	message T-000001 out 2026-11-23T10:30:00+08:00
	status_event T-000001 pending 2026-11-23T11:00:00+08:00
	# A sweep whose now is before all of it sees nothing yet.
	run2 sla sweep --now 2026-11-23T09:00:00+08:00
	[ -z "$out" ]
	# At 10:45 the first response is met (no breach), the ticket runs;
	# at 11:30 it is pending: paused, so no resolution warning at 18:00.
	sla sweep --now 2026-11-23T10:45:00+08:00 >/dev/null
	[ "$(q "SELECT state FROM sla WHERE target = 'first_response'")" = "met" ]
	[ "$(q "SELECT state FROM sla WHERE target = 'resolution'")" = "running" ]
	sla sweep --now 2026-11-23T11:30:00+08:00 >/dev/null
	[ "$(q "SELECT state FROM sla WHERE target = 'resolution'")" = "paused" ]
	run2 sla sweep --now 2026-11-30T09:00:00+08:00
	[ -z "$out" ]
	# A ticket created after the now of a sweep gets its levels later
	# from the incremental sweeps, without --all.
	ticket late 2026-11-24T10:00:00+08:00 vip
	run2 sla sweep --now 2026-11-24T09:00:00+08:00
	[ -z "$out" ]
	run2 sla sweep --now 2026-11-24T13:00:00+08:00
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type == "sla") | .event' | tr '\n' ' ')" = "warn breach " ]
}

@test "replay -c compares what the store keeps with another configuration; it writes nothing" {
	sla_conf
	for i in 1 2 3 4; do
		ticket "r$i" 2026-11-23T09:00:00+08:00
		message "T-00000$i" out "2026-11-23T1$i:00:00+08:00"
	done
	sla sweep --now 2026-11-30T09:00:00+08:00 >/dev/null
	sed 's/first_response = 4h/first_response = 2h30m/' "$CONF" >"$TMP/other.conf"
	before=$(q "SELECT count(*) FROM events")
	run2 csm-sla --db "$DB" -c "$TMP/other.conf" replay -o jsonl --now 2026-11-30T09:00:00+08:00
	[ "$status" -eq 0 ]
	# Replies at 11:00, 12:00, 13:00 and 14:00: all within 4h of
	# business time from 09:00 (14:00), one within 2h30m (11:30).
	[ "$(printf '%s\n' "$out" | jq -c 'select(.target == "first_response") | [.tickets, .before_met, .before_breached, .before, .after_met, .after_breached, .after, .changed]')" = '[4,4,0,"100.0%",1,3,"25.0%",3]' ]
	[ "$(q "SELECT count(*) FROM events")" -eq "$before" ]
}

@test "in a pipe after csm-ingest and csm-route, tickets come out with their SLA state; other records pass" {
	sla_conf
	printf '%s\n' '{"type":"ticket","source":"web","source_id":"w1","thread_id":"w1","subject":"hi","phone":"13800001111","tier":"vip","created_at":"2026-11-23T10:00:00+08:00"}' \
	    '{"type":"message","source":"web","source_id":"wm1","thread_id":"w1","direction":"in","body":"x","at":"2026-11-23T10:05:00+08:00"}' >"$TMP/in.jsonl"
	run2 sh -c "csm-ingest --db '$DB' -c '$CONF' '$TMP/in.jsonl' | csm-route --db '$DB' -c '$CONF' | csm-sla --db '$DB' -c '$CONF' --now 2026-11-23T11:00:00+08:00"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -c 'select(.type == "ticket") | [.id, .sla.first_response.state, .sla.first_response.due, .sla.resolution.policy]')" = '["T-000001","running","2026-11-23T12:00:00+08:00","vip"]' ]
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type != "ticket") | .type' | sort -u | tr '\n' ' ')" = "customer message " ]
	# Kept for csm-report; no level recorded by the filter.
	[ "$(q "SELECT count(*) FROM sla")" -eq 2 ]
	[ "$(q "SELECT count(*) FROM events WHERE action LIKE 'sla_%'")" -eq 0 ]
}

@test "status: a table on a terminal, CJK aligned; --where; csv" {
	sla_conf
	printf '{"type":"ticket","source":"phone","source_id":"z","subject":"退款没到账","phone":"13800002222","created_at":"2026-11-23T10:00:00+08:00","group":"售后"}\n' | ingest >/dev/null
	ticket y 2026-11-23T11:00:00+08:00
	run2 script -qec "csm-sla --db '$DB' -c '$CONF' status --now 2026-11-23T14:00:00+08:00 --color never" /dev/null
	[ "$status" -eq 0 ]
	[[ "$out" == *"ticket"*"target"*"policy"*"state"*"due"*"left"* ]]
	[[ "$out" == *"T-000001"*"first_response"*"standard"*"running"*"2026-11-23T15:00:00+08:00"*"1h00m"*"售后"*"退款没到账"* ]]
	run2 sla status -o csv -w 'group = "售后"' --now 2026-11-23T14:00:00+08:00
	[ "$(printf '%s\n' "$out" | head -n 1)" = "ticket,target,policy,state,due,left,priority,group,assignee,subject" ]
	[ "$(printf '%s\n' "$out" | sed 1d | cut -d, -f1 | sort -u)" = "T-000001" ]
}

@test "where features meet: a merged ticket, a closed one past the window, a follow-up, a file named twice" {
	sla_conf
	ticket m1 2026-11-23T09:00:00+08:00
	ticket m2 2026-11-23T09:30:00+08:00
	printf '{"type":"event","ticket":"T-000002","action":"merge","into":"T-000001","at":"2026-11-23T10:00:00+08:00","by":"lead"}\n' | ingest >/dev/null
	ticket old 2026-10-08T09:00:00+08:00
	status_event T-000003 resolved 2026-10-08T10:00:00+08:00
	status_event T-000003 closed 2026-10-09T10:00:00+08:00
	run2 sla sweep --now 2026-11-24T09:00:00+08:00
	[ "$status" -eq 0 ]
	# The merged ticket's clocks stop at the merge: met (ended), never
	# breached afterwards.
	[ "$(q "SELECT state FROM sla WHERE ticket = 2 AND target = 'resolution'")" = "met" ]
	[ "$(q "SELECT state FROM sla WHERE ticket = 3 AND target = 'resolution'")" = "met" ]
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type == "sla") | .ticket' | sort -u | tr '\n' ' ')" = "T-000001 " ]
	# A file named twice: each record read twice, the clocks once.
	printf '{"type":"ticket","id":"T-000001"}\n' >"$TMP/t.jsonl"
	run2 sla --now 2026-11-24T09:00:00+08:00 "$TMP/t.jsonl" "$TMP/t.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ]
	[ "$(q "SELECT count(*) FROM sla WHERE ticket = 1")" -eq 2 ]
	# A customer's reply after the reopen window: a follow-up with
	# clocks of its own, from its own creation.
	message T-000003 in 2026-11-24T10:00:00+08:00
	sla sweep --now 2026-11-24T11:00:00+08:00 >/dev/null
	[ "$(q "SELECT datetime(start, 'unixepoch') FROM sla WHERE ticket = 4 AND target = 'first_response'")" = "2026-11-24 02:00:00" ]
}

@test "due and elapsed: business time for analysts' pipelines; bad records named and kept, the rest go on" {
	sla_conf
	printf '%s\n' '{"start":"2026-09-30T17:00:00+08:00","duration":"2h"}' \
	    '{"start":"2026-09-30T17:00:00","seconds":3600}' \
	    '{"start":"2026-09-19T17:00:00+08:00","duration":"2h"}' \
	    '{"start":"2026-13-01T00:00:00+08:00","duration":"2h"}' \
	    '{"start":"2026-09-30T17:00:00+08:00","duration":"soon"}' \
	    '{"start":"2026-09-30T17:00:00+08:00"}' \
	    'not json' >"$TMP/due.jsonl"
	run2 sla due --calendar office -r "$TMP/rej" "$TMP/due.jsonl"
	[ "$status" -eq 65 ]
	# Golden Week: 1h on 30 September, then 8 October 09:00 + 1h; the
	# 调休 Sunday 20 September is worked with Monday's hours.
	[ "$(printf '%s\n' "$out" | jq -r .due | tr '\n' ' ')" = "2026-10-08T10:00:00+08:00 2026-09-30T18:00:00+08:00 2026-09-20T11:00:00+08:00 " ]
	[[ "$err" == *"due.jsonl: line 4: field 'start': "* ]]
	[[ "$err" == *"due.jsonl: line 5: field 'duration': not a duration: \"soon\""* ]]
	[[ "$err" == *"due.jsonl: line 6: field 'seconds' or 'duration': missing"* ]]
	[[ "$err" == *"due.jsonl: line 7: "* ]]
	[ "$(wc -l <"$TMP/rej")" -eq 4 ]
	[ "$(sed -n 4p "$TMP/rej")" = "not json" ]
	printf '{"start":"2026-09-30T09:00:00+08:00","end":"2026-10-08T10:00:00+08:00","n":1}\n' |
	    sla elapsed --calendar office >"$TMP/el"
	[ "$(cat "$TMP/el")" = '{"start":"2026-09-30T09:00:00+08:00","end":"2026-10-08T10:00:00+08:00","n":1,"seconds":32400}' ]
	run2 sla due --calendar nowhere </dev/null
	[ "$status" -eq 78 ]
	[[ "$err" == *"nowhere"* ]]
}

@test "due and elapsed read CSV too, and write CSV with -o csv" {
	sla_conf
	printf 'id,start,seconds\nA,2026-09-30T17:00:00+08:00,7200\nB,2026-11-23T09:00:00,60\nC,2026-11-23T09:00:00,-5\n' >"$TMP/d.csv"
	run2 sla due --calendar office -o csv "$TMP/d.csv"
	[ "$status" -eq 65 ]
	[ "$(printf '%s\n' "$out" | jq -R . | jq -rs 'join("|")')" = 'id,start,seconds,due|A,2026-09-30T17:00:00+08:00,7200,2026-10-08T10:00:00+08:00|B,2026-11-23T09:00:00,60,2026-11-23T09:01:00+08:00' ] || {
		echo "$out"; false; }
	[[ "$err" == *"d.csv: line 4: field 'seconds': not a number of seconds: \"-5\""* ]]
}

@test "a closed pipe, a full disk, an empty input, a missing file" {
	sla_conf
	for i in 1 2 3; do
		printf '{"start":"2026-11-23T09:00:00+08:00","seconds":%d}\n' "$i"
	done >"$TMP/d.jsonl"
	run2 sh -c "csm-sla -c '$CONF' due --calendar office '$TMP/d.jsonl' | head -n 1"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ]
	run2 sh -c "csm-sla -c '$CONF' due --calendar office '$TMP/d.jsonl' >/dev/full"
	[ "$status" -eq 74 ]
	run2 sla due --calendar office </dev/null
	[ "$status" -eq 0 ]
	[ -z "$out$err" ]
	run2 sla due --calendar office "$TMP/none.jsonl"
	[ "$status" -eq 66 ]
	[[ "$err" == *"none.jsonl"* ]]
	run2 csm-sla --db "$TMP/nothere.db" -c "$CONF" status
	[ "$status" -eq 66 ]
}

@test "CRLF input and '-' read stdin; emoji and CJK subjects in a status table keep their columns" {
	sla_conf
	printf '{"start":"2026-11-23T09:00:00+08:00","seconds":60}\r\n{"start":"2026-11-23T09:00:00+08:00","duration":"2h"}\r\n' >"$TMP/crlf.jsonl"
	run2 sh -c "csm-sla -c '$CONF' due --calendar office - <'$TMP/crlf.jsonl'"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -r .due | tr '\n' ' ')" = "2026-11-23T09:01:00+08:00 2026-11-23T11:00:00+08:00 " ]
	run2 sla due --calendar office - - <"$TMP/crlf.jsonl"
	[ "$status" -eq 64 ]
	printf '{"type":"ticket","source":"web","source_id":"e1","subject":"😀😀 退款","phone":"13800003333","created_at":"2026-11-23T09:00:00+08:00"}\n{"type":"ticket","source":"web","source_id":"e2","subject":"plain","phone":"13800004444","created_at":"2026-11-23T09:00:00+08:00"}\n' | ingest >/dev/null
	run2 script -qec "csm-sla --db '$DB' -c '$CONF' status --now 2026-11-23T10:00:00+08:00 --color never" /dev/null
	[ "$status" -eq 0 ]
	# The subject column starts at the same display column on every
	# line, emoji and CJK counted two wide.
	printf '%s\n' "$out" | tr -d '\r' >"$TMP/table"
	run2 python3 -c '
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if l]
col = width(lines[0][:lines[0].index("subject")])
for l in lines[1:]:
    for subj in ("plain", "\U0001F600"):
        if subj in l:
            print(width(l[:l.index(subj)]) == col)
' "$TMP/table"
	[ "$out" = "$(printf 'True\nTrue\nTrue\nTrue')" ]
}

@test "hostile input: control characters, a 1 MB field, invalid UTF-8 in a record and in a name" {
	sla_conf
	big=$(repeat x 1048576)
	printf '{"start":"2026-11-23T09:00:00+08:00","seconds":60,"note":"%s"}\n' "$big" >"$TMP/big.jsonl"
	printf '{"start":"\\u001b[31m","seconds":60}\n' >>"$TMP/big.jsonl"
	printf '{"start":"\xff","seconds":60}\n' >>"$TMP/big.jsonl"
	run2 sla due --calendar office "$TMP/big.jsonl"
	[ "$status" -eq 65 ]
	[ "$(printf '%s\n' "$out" | jq -r .due)" = "2026-11-23T09:01:00+08:00" ]
	[[ "$err" == *'\u001b[31m'* ]]
	[[ "$err" != *$'\e'* ]]
	[[ "$err" == *"big.jsonl: line 3: "* ]]
	run2 sla due --calendar $'\e[31mx'
	[ "$status" -eq 78 ]
	[[ "$err" != *$'\e'* ]]
}
