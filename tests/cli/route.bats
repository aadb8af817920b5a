#!/usr/bin/env bats
# csm-route as users run it: rules on tickets, assignment, explanations,
# the pipe from csm-ingest and the cron sweep of time rules.

load helper

# rules_conf: a desk's configuration: rules, agents, groups.
rules_conf() {
	cat >"$CONF" <<-'EOF'
	[core]
		timezone = Asia/Shanghai
	[workflow "repair"]
		status = 受理 new
		status = 维修 open
		status = 修好 resolved
		status = 关闭 closed
		transition = 受理 -> 维修 -> 修好 -> 关闭
	[rule "vip-payment"]
		when = customer.tier = "vip" and category = "支付失败"
		then = priority = urgent, group = "资深客服组", tags += vip
		stop = true
	[rule "safety"]
		when = body ~ "起火|冒烟|漏电|safety"
		then = task 质检组 "安全复核：{subject}", escalate
	[rule "refund"]
		when = subject ~ "退款|refund" and not exists group
		then = group = 售后, note "自动分派：退款 ({customer.name})"
	[rule "default"]
		when = not exists group
		then = group = 一线客服组
	[rule "ack"]
		when = source = "email"
		then = reply "We got your mail about {subject}."
	[rule "bad-csat"]
		on = survey
		when = survey.kind = "csat" and survey.score <= 2
		then = task 客户经理 "回访：CSAT {survey.score}", notify ops "CSAT {survey.score} on {id}"
	[rule "angry-reply"]
		on = message
		when = message.direction = "in" and message.body ~ "投诉|complain"
		then = priority = high, tags += complaint
	[rule "remind"]
		on = time
		when = status = "pending" and updated_at + 3d < now
		then = note "三天未回复，已提醒客户", status = open
	[agent "alice"]
		groups = 资深客服组, 售后
		skills = payments, en
		capacity = 2
	[agent "bob"]
		groups = 资深客服组, 一线客服组
	[agent "carol"]
		groups = 一线客服组, 售后, 质检组
		skills = zh
	[agent "dave"]
		groups = 客户经理
		away = true
	[group "资深客服组"]
		strategy = round-robin
	[group "一线客服组"]
		members = carol, bob
		strategy = least-loaded
	[group "售后"]
		strategy = capacity
	[group "质检组"]
		strategy = round-robin
	[group "客户经理"]
		strategy = round-robin
		fallback = 售后
	EOF
}

# route ARGS...: csm-route on the test store and config.
route() {
	csm-route --db "$DB" -c "$CONF" --now 2026-11-23T12:00:00+08:00 "$@"
}

# t N FIELDS: a ticket record with source_id N and more fields.
t() {
	printf '{"type":"ticket","source":"web","source_id":"%s","created_at":"2026-11-20T09:00:00+08:00"%s}\n' "$1" "${2:+,$2}"
}

@test "--help, --version, an unknown option, --check" {
	rules_conf
	run2 csm-route --help
	[ "$status" -eq 0 ]
	[ "${out%%$'\n'*}" = "usage: csm-route [-nqv] [--db FILE] [-c FILE] [-f FORMAT] [-w EXPR | --all]" ]
	run2 csm-route --version
	[[ "$out" =~ ^csm-route\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	run2 csm-route --frobnicate
	[ "$status" -eq 64 ]
	[[ "$err" == "csm-route: unrecognized option '--frobnicate'"* ]]
	run2 route --check
	[ "$status" -eq 0 ]
	[ -z "$err$out" ]
	[ ! -e "$DB" ]
}

@test "--check names each problem with its file and line, exit 78" {
	check() {
		printf '%s\n' "$1" >"$TMP/bad.conf"
		run2 csm-route -c "$TMP/bad.conf" --check
		[ "$status" -eq 78 ]
		[[ "$err" == *"$2"* ]] || { echo "got: $err" >&3; return 1; }
	}
	check $'[rule "x"]\n\twhen = subject ~ "("' 'bad.conf:2:19: when: invalid regular expression: missing closing parenthesis'
	check $'[rule "x"]\n\twhen = a ='  'bad.conf:2:'
	check $'[rule "x"]\n\twhen = a = 1' "rule 'x' has no 'then ='"
	check $'[rule "x"]\n\tthen = frobnicate' "bad.conf:2:9: then: 'frobnicate': unknown action"
	check $'[rule "x"]\n\tthen = source = web' "'source' cannot be set by a rule"
	check $'[rule "x"]\n\tthen = priority = sky' "priority: expected low, normal, high or urgent"
	check $'[rule "x"]\n\tthen = tags = a' "tags change one at a time"
	check $'[rule "x"]\n\tthen = group = A\n[group "B"]\n\tstrategy = round-robin' "rule 'x': 'group = A': no group 'A'"
	check $'[rule "x"]\n\ton = never\n\tthen = note "a"' "on: unknown 'never'"
	check $'[rule "all"]\n\tthen = priority = high\n\tstop = true\n[rule "late"]\n\tthen = priority = low' "rule 'late' can never run: rule 'all' before it always fires and stops"
	check $'[group "g"]\n\tmembers = zed' "members: unknown agent 'zed'"
	check $'[group "g"]\n\tstrategy = random' "strategy: unknown 'random'"
	check $'[group "g"]\n\tstrategy = round-robin\n\tfallback = nowhere\n[agent "a"]\n\tgroups = g' "bad.conf:3:13: fallback: 'nowhere' is no group of the configuration"
	check $'[group "g"]\n\tfallback = h\n[group "h"]\n\tfallback = i\n[group "i"]\n\tfallback = g' "bad.conf:2:13: fallback: 'h' leads back to group 'g'"
	check $'[group "g"]\n\tfallback = g' "bad.conf:2:13: fallback: 'g' leads back to group 'g'"
	check $'[agent "a"]\n\tgroups = x\n\tcapacity = 2\n\tcapacity = 3' "bad.conf:4:13: 'capacity' in [agent \"a\"] is set twice (first at "
	check $'[group "g"]\n\tstrategy = round-robin\n[group "g"]\n\tstrategy = capacity' "'strategy' in [group \"g\"] is set twice"
	check $'[rule "x"]\n\ton = created\n\ton = time\n\tthen = note "a"' "'on' in [rule \"x\"] is set twice"
	check $'[agent "a"]\n\tcapacity = lots' "capacity: expected a number of open tickets"
	check $'[agent "a"]\n\tgroup = x' "unknown key 'group' in [agent] (did you mean 'groups'?)"
	# Warnings, exit 0: a group sharing among no one, an agent in no group.
	printf '[group "g"]\n\tstrategy = round-robin\n[agent "a"]\n\tskills = x\n' >"$TMP/w.conf"
	run2 csm-route -c "$TMP/w.conf" --check
	[ "$status" -eq 0 ]
	[ "$err" = "$(printf '%s\n' "csm-route: warning: group 'g' has no members: its tickets wait in its queue" "csm-route: warning: agent 'a' is in no group: no ticket will be assigned to them")" ]
	check $'[rule "x"]\n\tthen = note' "expected the text"
	# Names: a typo would match nothing, or change a field no one reads.
	check $'[rule "x"]\n\twhen = priorty = "high"\n\tthen = note "a"' "bad.conf:2: rule 'x': when: unknown field 'priorty' (did you mean 'priority'?)"
	check $'[rule "x"]\n\twhen = customer.teir = "vip"\n\tthen = note "a"' "bad.conf:2: rule 'x': when: unknown field 'customer.teir' (did you mean 'customer.tier'?)"
	check $'[rule "x"]\n\twhen = message.body ~ "a"\n\tthen = note "a"' "bad.conf:2: rule 'x': when: 'message.body' is there only in rules with on = message"
	check $'[rule "x"]\n\tthen = serial_no = "a"' "bad.conf:2: rule 'x': then: unknown field 'serial_no' (a ticket has no such field; declare a custom field with [field])"
	check $'[rule "x"]\n\tthen = note "{subjcet}"' "bad.conf:2: rule 'x': then: unknown field 'subjcet' (did you mean 'subject'?)"
	check $'[rule "x"]\n\ton = survey\n\tthen = note "{survey.scroe}"' "unknown field 'survey.scroe' (did you mean 'survey.score'?)"
	printf '[field "serial_no"]\n\ttype = string\n[rule "x"]\n\twhen = serial_no = "a" and identities.phone = "1" and customer.under_warranty and age > 1h\n\tthen = note "{customer.open_tickets} {customer.identities.email}", serial_no = b\n' >"$TMP/ok.conf"
	run2 csm-route -c "$TMP/ok.conf" --check
	[ "$status" -eq 0 ]
	[ -z "$err" ]
}

@test "in a pipe: every record passes, tickets in their new state; rules in order, stop ends them" {
	rules_conf
	{
		printf '{"type":"customer","phone":"13812345678","tier":"vip"}\n'
		t 1 '"phone":"13812345678","category":"支付失败","subject":"扣款两次"'
		t 2 '"subject":"申请退款","email":"a@x.cn","name":"王五"'
		t 3 '"subject":"hello"'
	} >"$TMP/in.jsonl"
	ingest "$TMP/in.jsonl" >"$TMP/ingested.jsonl"
	run2 route <"$TMP/ingested.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -r '[.op, .type, .id, .priority // "-", .group // "-", .assignee // "-", (.tags // [] | join(";"))] | @tsv' | grep -v message)" = "$(printf '%s\n' \
	    "created	customer	C-000001	-	-	-	" \
	    "created	ticket	T-000001	urgent	资深客服组	alice	vip" \
	    "created	customer	C-000002	-	-	-	" \
	    "created	ticket	T-000002	normal	售后	carol	" \
	    "created	ticket	T-000003	normal	一线客服组	bob	")" ]
	# vip-payment stopped: no default rule for T-1.  The refund note is
	# internal and no response.
	[ "$(q "SELECT why FROM events WHERE ticket = 1 AND field = 'group'")" = vip-payment ]
	[ "$(q "SELECT body || '|' || public || '|' || auto FROM messages WHERE ticket = 2")" = "自动分派：退款 (王五)|0|1" ]
	[ "$(q 'SELECT count(*) FROM tickets WHERE first_response_at IS NOT NULL')" -eq 0 ]
	# Every change is an event by csm-route that names its rule.
	[ "$(q "SELECT count(*) FROM events WHERE by = 'csm-route' AND why IS NULL AND action != 'rule'")" -eq 0 ]
	# --changed prints the changed tickets only, and a rerun changes
	# nothing: each rule fired once for the creation.
	run2 route --changed <"$TMP/ingested.jsonl"
	[ "$status" -eq 0 ]
	[ -z "$out" ]
	[ "$(q 'SELECT count(*) FROM messages')" -eq 1 ]
}

@test "a task for another team, linked both ways; escalate; an automatic reply is no response" {
	rules_conf
	{
		t 1 '"subject":"热水器冒烟","body":"用着用着冒烟了","priority":"high"'
		printf '{"type":"ticket","source":"email","source_id":"m1","subject":"Invoice","email":"b@x.cn","group":"售后"}\n'
	} >"$TMP/in.jsonl"
	ingest "$TMP/in.jsonl" | route >"$TMP/out.jsonl"
	# The task took the ticket's priority, which escalate then raised.
	[ "$(jq -c 'select(.source == "csm-route") | [.op, .subject, .group, .assignee, .priority, .customer]' "$TMP/out.jsonl")" = '["created","安全复核：热水器冒烟","质检组","carol","high",null]' ]
	[ "$(q "SELECT ticket || kind || other FROM links ORDER BY ticket" | tr '\n' ' ')" = "1task3 3task_of1 " ]
	[ "$(q 'SELECT priority FROM tickets WHERE id = 1')" = urgent ]
	# The reply went out, automatic: the ticket has no first response and
	# is still new.
	[ "$(jq -r 'select(.type == "message") | [.direction, .public, .auto, .body] | @tsv' "$TMP/out.jsonl")" = "out	true	true	We got your mail about Invoice." ]
	[ "$(q "SELECT status || ',' || coalesce(first_response_at, '-') FROM tickets WHERE source_id = 'm1'")" = "new,-" ]
}

@test "message and survey rules see message.* and survey.*; notify records pass csm-ingest by" {
	rules_conf
	t 1 '"subject":"s","phone":"13900000000","group":"一线客服组","assignee":"bob"' >"$TMP/t.jsonl"
	ingest "$TMP/t.jsonl" | route >/dev/null
	printf '%s\n' \
	    '{"type":"message","ticket":"T-1","source_id":"i1","direction":"in","body":"我要投诉","at":"2026-11-21T09:00:00+08:00"}' \
	    '{"type":"survey","ticket":"T-1","kind":"csat","score":1,"at":"2026-11-22T09:00:00+08:00"}' \
	    >"$TMP/m.jsonl"
	ingest "$TMP/m.jsonl" | route >"$TMP/out.jsonl"
	[ "$(q 'SELECT priority || tags FROM tickets WHERE id = 1')" = 'high["complaint"]' ]
	# The account manager is away: the callback went to the fallback
	# group, to the member with the most room (carol has no limit).
	[ "$(jq -c 'select(.source == "csm-route") | [.subject, .group, .assignee]' "$TMP/out.jsonl")" = '["回访：CSAT 1","售后","carol"]' ]
	[ "$(jq -c 'select(.type == "notify") | [.rule, .ticket, .channel, .text]' "$TMP/out.jsonl")" = '["bad-csat","T-000001","ops","CSAT 1 on T-000001"]' ]
	# Read back into csm-ingest, the whole output changes nothing.
	sqlite3 "$DB" .dump >"$TMP/before"
	run2 ingest "$TMP/out.jsonl"
	[ "$status" -eq 0 ]
	[ -z "$out" ]
	sqlite3 "$DB" .dump | cmp - "$TMP/before"
}

@test "a rule whose action is refused is undone whole; the others stand; exit 65" {
	cat >"$CONF" <<-'EOF'
	[core]
		timezone = Asia/Shanghai
	[rule "tag"]
		then = tags += seen
	[rule "bad"]
		then = priority = high, status = new
	[rule "after"]
		then = group = 一线
	EOF
	t 1 '"status":"open"' | ingest >"$TMP/i.jsonl"
	run2 route <"$TMP/i.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"csm-route: T-000001: status: cannot go from 'open' to 'new'"* ]]
	[ "$(q 'SELECT priority, tags, grp FROM tickets')" = 'normal|["seen"]|一线' ]
}

@test "time rules sweep the store from cron, once per change of the ticket" {
	rules_conf
	t 1 '"status":"pending","group":"一线客服组","assignee":"bob","updated_at":"2026-11-18T09:00:00+08:00"' >"$TMP/t.jsonl"
	t 2 '"status":"pending","group":"一线客服组","assignee":"bob","updated_at":"2026-11-22T09:00:00+08:00"' >>"$TMP/t.jsonl"
	ingest "$TMP/t.jsonl" >/dev/null
	run2 route --all
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type == "ticket") | .id + " " + .status')" = "T-000001 open" ]
	[ "$(q "SELECT count(*) FROM messages WHERE body LIKE '三天%'")" -eq 1 ]
	# The next hourly run changes nothing; nor does a dry run.
	run2 route --all
	[ -z "$out" ]
	run2 route --where 'status = "pending"' --now 2026-11-26T12:00:00+08:00 -n
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type == "ticket") | .id')" = T-000002 ]
	[ "$(q "SELECT status FROM tickets WHERE id = 2")" = pending ]
}

@test "round robin goes on across runs; capacity, away and fallback; the queue is said" {
	cat >"$CONF" <<-'EOF'
	[core]
		timezone = Asia/Shanghai
	[agent "a"]
		groups = g
	[agent "b"]
		groups = g
		capacity = 1
	[agent "c"]
		groups = g
		away = true
	[group "g"]
		strategy = round-robin
	[agent "x"]
		groups = h
		capacity = 1
	[group "h"]
		strategy = least-loaded
	EOF
	for i in 1 2 3; do t "$i" '"group":"g"'; done | ingest | route >/dev/null
	for i in 4 5; do t "$i" '"group":"g"'; done | ingest | route >/dev/null
	# a, b, a (b is full), a, a; c is away.
	[ "$(q 'SELECT group_concat(assignee) FROM tickets ORDER BY id')" = "a,b,a,a,a" ]
	for i in 6 7; do t "$i" '"group":"h"'; done | ingest >"$TMP/h.jsonl"
	run2 route <"$TMP/h.jsonl"
	[ "$status" -eq 0 ]
	[[ "$err" == "csm-route: warning: T-000007: left in the queue of 'h': every member is away, off shift or at capacity" ]]
	[ "$(q "SELECT coalesce(assignee, '-') FROM tickets WHERE id IN (6, 7)" | tr '\n' ,)" = "x,-," ]
}

@test "agents' shifts: a [calendar] of csm-sla; off shift is as away; the cron sweep assigns when the shift starts" {
	cat >"$CONF" <<-'EOF'
	[core]
		timezone = Asia/Shanghai
	[calendar "day"]
		hours = mon-fri 09:00-18:00
	[calendar "night"]
		hours = mon-sun 18:00-09:00
		holiday = 2026-11-24
	[agent "d"]
		groups = g
		shift = day
	[agent "n"]
		groups = g
		shift = night
	[group "g"]
		strategy = round-robin
	EOF
	# Monday 12:00: only d works; Monday 20:00 only n.
	t 1 '"group":"g"' | ingest | route >/dev/null
	t 2 '"group":"g"' | ingest | csm-route --db "$DB" -c "$CONF" --now 2026-11-23T20:00:00+08:00 >/dev/null
	[ "$(q 'SELECT group_concat(assignee) FROM tickets ORDER BY id')" = "d,n" ]
	# Tuesday 20:00 is n's holiday (the night that starts on the 24th):
	# nobody; Wednesday 09:00 the sweep gives it to d.
	t 3 '"group":"g"' | ingest >"$TMP/3.jsonl"
	run2 csm-route --db "$DB" -c "$CONF" --now 2026-11-24T20:00:00+08:00 "$TMP/3.jsonl"
	[[ "$err" == *"T-000003: left in the queue of 'g': every member is away, off shift or at capacity"* ]]
	csm-route --db "$DB" -c "$CONF" --all --now 2026-11-25T09:00:00+08:00 >/dev/null
	[ "$(q 'SELECT assignee FROM tickets WHERE id = 3')" = "d" ]
	# A shift that names no calendar is a configuration error.
	sed -i 's/shift = night/shift = nights/' "$CONF"
	run2 csm-route -c "$CONF" --check
	[ "$status" -eq 78 ]
	[[ "$err" == *"csm.conf:13:"*": shift: no [calendar \"nights\"]"* ]]
}

@test "--explain says why each rule fired or not, with the values compared" {
	rules_conf
	t 1 '"subject":"hello","category":"咨询","group":"一线客服组","assignee":"bob","phone":"13700000000","tier":"normal"' | ingest >"$TMP/i.jsonl"
	run2 route --explain -n <"$TMP/i.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$err" | sed -n 1p)" = "csm-route: T-000001: rule 'vip-payment': no: customer.tier = \"vip\": customer.tier is \"normal\"" ]
	[[ "$err" == *"rule 'refund': no: subject ~ \"退款|refund\": subject is \"hello\""* ]]
	[[ "$err" == *"rule 'default': no: not exists group: group is \"一线客服组\""* ]]
	# A dry run writes nothing.
	[ "$(q "SELECT count(*) FROM events WHERE by = 'csm-route'")" -eq 0 ]
}

@test "bad input: a broken line, an unknown ticket, a missing file; empty input; a closed pipe" {
	rules_conf
	printf '%s\n' '{"type":"ticket","op":"created","id":"T-9"}' '{"type":"ticket"' '{"type":"event","op":"created"}' >"$TMP/bad.jsonl"
	run2 route "$TMP/bad.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"bad.jsonl:1: ticket T-9 is not in the store"* ]]
	[[ "$err" == *"bad.jsonl:2: "* ]]
	[ "$out" = '{"type":"event","op":"created"}' ] || [ "$out" = '{"op":"created","type":"event"}' ]
	run2 route "$TMP/nope.jsonl"
	[ "$status" -eq 66 ]
	run2 route </dev/null
	[ "$status" -eq 0 ]
	[ -z "$out$err" ]
	for i in 1 2 3; do t "$i"; done | ingest >"$TMP/i.jsonl"
	run2 bash -c "csm-route --db '$DB' -c '$CONF' <'$TMP/i.jsonl' | head -n 1"
	[ "$status" -eq 0 ]
	run2 bash -c "csm-route --db '$DB' -c '$CONF' <'$TMP/i.jsonl' >/dev/full"
	[ "$status" -eq 74 ]
	[[ "$err" == "csm-route: "*"No space left on device"* ]] || { echo "err: $err" >&3; false; }
}

@test "the cron sweep assigns the queue when an agent has room; resolved tickets stay as they are" {
	cat >"$CONF" <<-'EOF2'
	[core]
		timezone = Asia/Shanghai
	[agent "a"]
		groups = g
		capacity = 1
	[group "g"]
		strategy = round-robin
	EOF2
	{ t 1 '"group":"g"'; t 2 '"group":"g"'; t 3 '"group":"g","status":"resolved"'; } | ingest | route 2>/dev/null >/dev/null
	[ "$(q "SELECT id || ':' || coalesce(assignee, '-') FROM tickets ORDER BY id" | tr '\n' ' ')" = "1:a 2:- 3:- " ]
	printf '%s\n' '{"type":"event","ticket":"T-1","action":"status","status":"resolved","at":"2026-11-23T13:00:00+08:00"}' | ingest >/dev/null
	run2 route --all --now 2026-11-23T14:00:00+08:00
	[ "$status" -eq 0 ]
	[ "$(q "SELECT id || ':' || coalesce(assignee, '-') FROM tickets ORDER BY id" | tr '\n' ' ')" = "1:a 2:a 3:- " ]
}

@test "--rejects keeps each refused record as it was read; fixed, the file is an input again" {
	rules_conf
	for i in 1 2; do t "$i" '"subject":"退款"'; done | ingest >"$TMP/i.jsonl"
	{
		printf '{"type":"ticket","op":"created","id":"T-000001","subject":"\377 bad"}\n'
		printf '{"type":"ticket","op":"created","id":"T-000002"\n'
		printf '{"type":"ticket","op":"created"}\n'
		printf '{"type":"ticket","op":"created","id":"T-000404"}\n'
		printf '[1,2]\n'
		sed -n 2p "$TMP/i.jsonl"
	} >"$TMP/bad.jsonl"
	run2 route -r "$TMP/rej.jsonl" "$TMP/bad.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"bad.jsonl:1: invalid JSON at column 59: unable to decode byte 0xff"* ]]
	[[ "$err" == *"bad.jsonl:2: "* ]]
	[[ "$err" == *"bad.jsonl:3: ticket: no ticket id"* ]]
	[[ "$err" == *"bad.jsonl:4: ticket T-000404 is not in the store"* ]]
	[[ "$err" == *"bad.jsonl:5: not a JSON object"* ]]
	# Five refused, byte for byte; the good record went through.
	cmp <(head -n 5 "$TMP/bad.jsonl") "$TMP/rej.jsonl"
	[ "$(printf "%s\n" "$out" | jq -r "select(.type == \"ticket\") | .id")" = T-000002 ]
	[ "$(q "SELECT group_concat(coalesce(grp, '-')) FROM tickets")" = "-,售后" ]
	# A refused action keeps its record too: a rerun, once the
	# configuration is fixed, finishes the job.
	q "UPDATE tickets SET status = 'open'"
	printf '[rule "bad"]\n\twhen = id = "T-000001"\n\tthen = tags += x, status = new\n' >>"$CONF"
	run2 route --on created -r "$TMP/rej2.jsonl" "$TMP/i.jsonl"
	[ "$status" -eq 65 ]
	[ "$(cat "$TMP/rej2.jsonl")" = "$(head -n 1 "$TMP/i.jsonl")" ]
	# The rejects file is never one of the inputs, and is for records.
	run2 route -r "$TMP/i.jsonl" "$TMP/i.jsonl"
	[ "$status" -eq 64 ]
	[[ "$err" == *"--rejects '"*"i.jsonl' is one of the inputs"* ]]
	[ -s "$TMP/i.jsonl" ]
	run2 route --all -r "$TMP/x.jsonl"
	[ "$status" -eq 64 ]
	[ ! -e "$TMP/x.jsonl" ]
}

@test "in a pipe, -n lets go of the store while its input waits: csm-ingest before it goes on" {
	rules_conf
	export CSM_BUSY_TIMEOUT=300 DB CONF
	export -f t
	run2 bash -c "{ t 1 '\"subject\":\"退款\"'; sleep 1.5; t 2 '\"subject\":\"退款\"'; } |
	    csm-ingest --db '$DB' -c '$CONF' | csm-route -n --db '$DB' -c '$CONF'"
	[ "$status" -eq 0 ]
	[ -z "$err" ] || { echo "err: $err" >&3; false; }
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type == "ticket") | .id + " " + .group')" = "$(printf 'T-000001 售后\nT-000002 售后')" ]
	# Nothing was written by the dry run; both tickets by csm-ingest.
	[ "$(q "SELECT count(*) || ',' || count(grp) FROM tickets")" = "2,0" ]
	# And a writing csm-route in the same pipe.
	run2 bash -c "{ t 3; sleep 1.5; t 4; } |
	    csm-ingest --db '$DB' -c '$CONF' | csm-route --db '$DB' -c '$CONF' >/dev/null"
	[ "$status" -eq 0 ]
	[ "$(q "SELECT group_concat(grp) FROM tickets WHERE id > 2")" = "一线客服组,一线客服组" ]
}

@test "where features meet: a merged ticket, a follow-up, a closed ticket, a file named twice, csm-ingest after csm-route" {
	cat >"$CONF" <<-'EOF2'
	[core]
		timezone = Asia/Shanghai
		reopen_window = 7d
	[rule "refund"]
		when = subject ~ "退款"
		then = tags += refund, note "seen {subject}"
	[rule "reply"]
		on = message
		when = message.direction = "in"
		then = priority = high
	[agent "a"]
		groups = g
	[agent "b"]
		groups = g
	[group "g"]
		strategy = round-robin
	EOF2
	{
		t 1 '"subject":"退款 one","group":"g","phone":"13800138000"'
		t 2 '"subject":"退款 two","group":"g","phone":"13800138000"'
		t 3 '"subject":"退款 closed","group":"g","status":"closed","closed_at":"2026-11-01T09:00:00+08:00"'
	} | ingest >"$TMP/in.jsonl"
	printf '{"type":"event","ticket":"T-000002","action":"merge","into":"T-000001"}\n' | ingest >/dev/null
	# The merged ticket passes as it is, untouched; its rules run where
	# it lives now.  The closed ticket gets its rules, not an assignee.
	# Named twice, the file changes nothing the second time.
	run2 route --explain "$TMP/in.jsonl" "$TMP/in.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type == "ticket") | [.id, .status, (.tags // [] | join(";")), .assignee // "-", .merged_into // "-"] | join(" ")')" = "$(printf '%s\n' \
	    "T-000001 new refund a -" "T-000002 closed  - T-000001" "T-000003 closed refund - -" \
	    "T-000001 new refund a -" "T-000002 closed  - T-000001" "T-000003 closed refund - -")" ]
	[[ "$err" == *"T-000002: rule 'refund': no: the ticket is merged into T-000001, where the rules run"* ]]
	[[ "$err" == *"T-000001: rule 'refund': no: it matches, but fired already (rule:refund:T-000001:created)"* ]]
	[ "$(q "SELECT group_concat(ticket) FROM messages WHERE body LIKE 'seen%'")" = "1,3" ]
	# A reply to the closed ticket, past the window, starts a follow-up:
	# a created ticket (created rules, round robin goes on) and a message
	# (message rules, on the follow-up).
	printf '{"type":"message","ticket":"T-000003","direction":"in","body":"还是不行","created_at":"2026-11-20T10:00:00+08:00"}\n' |
	    ingest >"$TMP/fu.jsonl"
	run2 route --changed "$TMP/fu.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type == "ticket") | [.id, .priority, (.tags | join(";")), .assignee] | join(" ")')" = "$(printf '%s\n' \
	    "T-000004 normal refund b" "T-000004 high refund b")" ]
	# A reply on the merged ticket is the survivor's: its rules run there.
	printf '{"type":"message","ticket":"T-000002","direction":"in","body":"在吗"}\n' | ingest | route --changed >"$TMP/m.jsonl"
	[ "$(jq -r 'select(.type == "ticket") | .id + " " + .priority' "$TMP/m.jsonl")" = "T-000001 high" ]
	# csm-ingest after csm-route: a CRM export older than the rules'
	# change is stale; a newer one changes the ticket.
	printf 'type,source,source_id,priority,updated_at\nticket,web,1,low,2026-11-23T11:00:00+08:00\n' >"$TMP/crm.csv"
	ingest "$TMP/crm.csv" | route >/dev/null
	[ "$(q "SELECT priority FROM tickets WHERE id = 1")" = high ]
	printf 'type,source,source_id,priority,updated_at\nticket,web,1,low,2026-11-23T13:00:00+08:00\n' >"$TMP/crm.csv"
	ingest "$TMP/crm.csv" | route >/dev/null
	[ "$(q "SELECT priority FROM tickets WHERE id = 1")" = low ]
	[ "$(q "SELECT count(*) FROM events WHERE ticket = 1 AND field = 'priority' AND by = 'csm-route'")" -eq 1 ]
}

@test "an updated rule fires once for each change: read again, nothing; a new change, a new note" {
	cat >"$CONF" <<-'EOF2'
	[core]
		timezone = Asia/Shanghai
	[rule "esc"]
		on = updated
		when = priority != "urgent"
		then = escalate, note "升级到 {priority}"
	EOF2
	t 1 | ingest >/dev/null
	t 1 '"subject":"again","updated_at":"2026-11-21T09:00:00+08:00"' | ingest >"$TMP/u1.jsonl"
	t 1 '"subject":"and again","updated_at":"2026-11-23T13:00:00+08:00"' >"$TMP/u2.in"
	run2 route "$TMP/u1.jsonl"
	[ "$status" -eq 0 ]
	[ "$(q 'SELECT priority FROM tickets')" = high ]
	# The same record again, alone or named twice: nothing more.
	run2 route --changed "$TMP/u1.jsonl" "$TMP/u1.jsonl"
	[ "$status" -eq 0 ]
	[ -z "$out" ]
	[ "$(q 'SELECT priority FROM tickets')" = high ]
	# The next change fires the rule again, with a note of its own.
	ingest "$TMP/u2.in" >"$TMP/u2.jsonl"
	run2 route "$TMP/u2.jsonl"
	[ "$status" -eq 0 ] || { echo "err: $err" >&3; false; }
	[ "$(q 'SELECT priority FROM tickets')" = urgent ]
	[ "$(q "SELECT group_concat(body, '|') FROM messages")" = "升级到 high|升级到 urgent" ]
	# A sweep of the store afterwards: the rule's own change is no news.
	run2 route --all --on updated --changed
	[ "$status" -eq 0 ]
	[ -z "$out" ]
}

@test "a rule that sets tier changes the customer's profile; its event names the rule" {
	printf '[rule "gold"]\n\twhen = customer.identities.phone contains "13800138000"\n\tthen = tier = gold\n' >>"$CONF"
	t 1 '"phone":"13800138000"' | ingest | route >/dev/null
	[ "$(q "SELECT action || '|' || field || '|' || new || '|' || by || '|' || why FROM events WHERE customer IS NOT NULL AND action = 'profile'")" = "profile|tier|gold|csm-route|gold" ]
	[ "$(q 'SELECT tier FROM customers')" = gold ]
	# --all reads no messages or answers; a dry run makes no store.
	run2 route --all --on message
	[ "$status" -eq 64 ]
	run2 csm-route -n --db "$TMP/none.db" -c "$CONF" --all
	[ "$status" -eq 66 ]
	[ ! -e "$TMP/none.db" ]
}

@test "a stop rule whose own change makes its when false still stops the rules after it when read again" {
	cat >"$CONF" <<-'EOF2'
	[core]
		timezone = Asia/Shanghai
	[rule "triage"]
		when = not exists group
		then = group = 一线
		stop = true
	[rule "later"]
		then = tags += later
	EOF2
	t 1 | ingest >"$TMP/i.jsonl"
	route "$TMP/i.jsonl" >/dev/null
	run2 route --changed --explain "$TMP/i.jsonl"
	[ "$status" -eq 0 ]
	[ -z "$out" ]
	[ "$(q 'SELECT grp || "|" || coalesce(tags, "-") FROM tickets')" = "一线|-" ]
	[[ "$err" != *"rule 'later'"* ]]
}

@test "hostile input: broken CSV, a 1 MB field, control characters in text and in names" {
	printf '[rule "r"]\n\twhen = subject ~ "退款"\n\tthen = note "seen {subject}", tags += r\n' >>"$CONF"
	big=$(repeat x 1000000)
	printf '{"type":"ticket","source":"web","source_id":"h1","subject":"退款\\u001b[31m\\u202e%s","created_at":"2026-11-01T09:00:00+08:00"}\n' "$big" >"$TMP/big.jsonl"
	ingest -o csv "$TMP/big.jsonl" >"$TMP/big.csv"
	# CSV in, as csm-ingest wrote it: the 1 MB subject, escapes and all,
	# reaches the rule and the note.
	run2 route --explain "$TMP/big.csv"
	[ "$status" -eq 0 ]
	[[ "$err" == "csm-route: T-000001: rule 'r': fired: did: note \"seen {subject}\", tags += r" ]]
	[ "$(q "SELECT length(body) FROM messages")" -eq $((5 + 1000008)) ]
	[ "$(q "SELECT tags FROM tickets")" = '["r"]' ]
	# What a terminal would act on is escaped in explanations.
	run2 route --explain -n --all --on created
	[[ "$err" != *$'\033'* ]]
	# A CSV record cut short is refused with its line; the rest goes on.
	printf 'op,type,id\ncreated,ticket,T-000001\ncreated,ticket,"T-0000\n' >"$TMP/broken.csv"
	run2 route -r "$TMP/rej.csv" "$TMP/broken.csv"
	[ "$status" -eq 65 ]
	[[ "$err" == *"broken.csv:3: unterminated quoted field"* ]]
	[ "$(printf '%s\n' "$out" | jq -r .id)" = T-000001 ]
	[ "$(head -n 1 "$TMP/rej.csv")" = "op,type,id" ]
	# Names are printed and stored: no control characters in them.
	printf '[rule "\033[31mx"]\n\tthen = note "a"\n' >"$TMP/h.conf"
	run2 csm-route -c "$TMP/h.conf" --check
	[ "$status" -eq 78 ]
	[[ "$err" == *"h.conf:1:2: [rule] name: control character 0x1b"* ]]
	[[ "$err" != *$'\033'* ]]
}

@test "a dry sweep prints as it goes and sees its own would-be changes: the same lines as the real run" {
	cat >"$CONF" <<-'EOF2'
	[core]
		timezone = Asia/Shanghai
	[rule "g"]
		then = group = g, note "seen"
	[agent "a"]
		groups = g
	[agent "b"]
		groups = g
	[group "g"]
		strategy = round-robin
	EOF2
	for i in 1 2 3 4 5; do t "$i"; done | ingest >/dev/null
	run2 route --all --on created -n --batch 2
	[ "$status" -eq 0 ]
	dry=$out
	[ "$(printf '%s\n' "$dry" | jq -r 'select(.type == "ticket") | .assignee' | tr -d '\n')" = ababa ]
	[ "$(q 'SELECT count(*) FROM events WHERE by = "csm-route"')" -eq 0 ]
	run2 route --all --on created --batch 2
	[ "$out" = "$dry" ]
}
