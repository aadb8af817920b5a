#!/usr/bin/env bats
# Where features meet: the defects found when the foundation was tried as
# a new user would (issue 7), each a test that failed before its fix.

load helper

# repair_conf: a config with a repair workflow that needs a serial number.
repair_conf() {
	cat >"$CONF" <<-'EOF'
	[core]
		timezone = Asia/Shanghai
		reopen_window = 7d
	[field "serial_no"]
		required = true
		types = repair
	[workflow "repair"]
		status = 受理 new
		status = 维修 open
		status = 修好 resolved
		status = 关闭 closed
		transition = 受理 -> 维修 -> 修好 -> 关闭
		transition = 关闭 -> 维修
	EOF
}

@test "-r naming one of the inputs, by any name, is refused before it is emptied" {
	printf '%s\n' '{"type":"ticket","source":"web","source_id":"1"}' \
	    '{"type":"ticket"}' >"$TMP/in.jsonl"
	cp "$TMP/in.jsonl" "$TMP/orig"
	ln -s in.jsonl "$TMP/sym.jsonl"
	ln "$TMP/in.jsonl" "$TMP/hard.jsonl"
	for r in "$TMP/in.jsonl" "$TMP/sym.jsonl" "$TMP/hard.jsonl"; do
		run2 ingest -r "$r" "$TMP/in.jsonl"
		[ "$status" -eq 64 ]
		[[ "$err" == *"--rejects '$r' is one of the inputs"* ]]
		cmp "$TMP/in.jsonl" "$TMP/orig"
	done
	run2 ingest -r "$TMP/in.jsonl" <"$TMP/in.jsonl"
	[ "$status" -eq 64 ]
	[[ "$err" == *"is the input (stdin)"* ]]
	cmp "$TMP/in.jsonl" "$TMP/orig"
	[ ! -e "$DB" ]
	# Another file is fine.
	run2 ingest -r "$TMP/rej.jsonl" "$TMP/in.jsonl"
	[ "$status" -eq 65 ]
	[ "$(cat "$TMP/rej.jsonl")" = '{"type":"ticket"}' ]
}

@test "a follow-up key some ticket holds refuses that reply alone; reruns are not stuck" {
	printf '%s\n' \
	    '{"type":"ticket","source":"chat","source_id":"c1","thread_id":"th","status":"closed","created_at":"2026-10-01T00:00:00Z"}' \
	    '{"type":"ticket","source":"chat","source_id":"followup:chat:m1","subject":"crafted","created_at":"2026-10-02T00:00:00Z"}' \
	    >"$TMP/t.jsonl"
	printf '%s\n' \
	    '{"type":"message","source":"chat","thread_id":"th","source_id":"m1","direction":"in","body":"again","at":"2026-11-10T00:00:00Z"}' \
	    '{"type":"ticket","source":"chat","source_id":"c3","subject":"after","created_at":"2026-11-11T00:00:00Z"}' \
	    >"$TMP/m.jsonl"
	ingest "$TMP/t.jsonl" >/dev/null
	for run in 1 2; do
		run2 ingest "$TMP/m.jsonl"
		[ "$status" -eq 65 ]
		[[ "$err" == *'m.jsonl:1: source_id: the follow-up key "followup:chat:m1" is taken by ticket T-000002'* ]]
		[ "$(q "SELECT count(*) FROM tickets WHERE source_id = 'c3'")" -eq 1 ]
		[ "$(q 'SELECT count(*) FROM messages')" -eq 0 ]
	done
	# Messages of two sources with one source_id make two follow-ups.
	printf '%s\n' \
	    '{"type":"ticket","source":"web","source_id":"w","thread_id":"tw","status":"closed","created_at":"2026-10-01T00:00:00Z"}' \
	    '{"type":"message","source":"web","thread_id":"tw","source_id":"x","direction":"in","at":"2026-11-10T00:00:00Z"}' \
	    '{"type":"ticket","source":"web","source_id":"v","thread_id":"tv","status":"closed","created_at":"2026-10-01T00:00:00Z"}' \
	    '{"type":"message","source":"web","thread_id":"tv","source_id":"x","direction":"in","at":"2026-11-10T00:00:00Z"}' \
	    >"$TMP/w.jsonl"
	run2 ingest "$TMP/w.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"w.jsonl:4: source_id: the key is taken by message M-"* ]]
}

@test "merges never form cycles; a merged ticket is not merged again; replies reach the survivor" {
	printf '%s\n' \
	    '{"type":"ticket","source":"web","source_id":"a","thread_id":"ta","created_at":"2026-11-01T00:00:00Z"}' \
	    '{"type":"ticket","source":"web","source_id":"b","thread_id":"tb","status":"resolved","created_at":"2026-11-01T00:00:00Z"}' \
	    '{"type":"ticket","source":"web","source_id":"c","created_at":"2026-11-01T00:00:00Z"}' \
	    '{"type":"event","ticket":"T-1","action":"merge","into":"T-2","at":"2026-11-01T01:00:00Z"}' \
	    '{"type":"event","ticket":"T-2","action":"merge","into":"T-1","at":"2026-11-01T02:00:00Z"}' \
	    '{"type":"event","ticket":"T-1","action":"merge","into":"T-3","at":"2026-11-01T03:00:00Z"}' \
	    '{"type":"message","source":"web","thread_id":"ta","source_id":"m","direction":"in","body":"hi","at":"2026-11-01T04:00:00Z"}' \
	    >"$TMP/m.jsonl"
	run2 ingest "$TMP/m.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"m.jsonl:5: into: merging T-000002 into T-000002 would make a cycle"* ]]
	[[ "$err" == *"m.jsonl:6: into: T-000001 is merged into T-000002 already"* ]]
	[ "$(q 'SELECT id || ":" || coalesce(merged_into, "-") FROM tickets ORDER BY id' | tr '\n' ' ')" = "1:2 2:- 3:- " ]
	# The customer's reply on the merged ticket reached the survivor and
	# reopened it; the merged one stays closed.
	[ "$(q 'SELECT ticket FROM messages')" -eq 2 ]
	[ "$(q 'SELECT status FROM tickets WHERE id = 2')" = open ]
	[ "$(q 'SELECT status FROM tickets WHERE id = 1')" = closed ]
	[ "$(q "SELECT count(*) FROM events WHERE action = 'merge' AND old IS NULL AND new = 'T-000002'")" -eq 1 ]
}

@test "names csm prints are never shadowed by input fields" {
	printf '%s\n' '{"type":"ticket","source":"web","source_id":"1","op":"zzz","reopens":9,"merged_into":"T-9","links":[1],"stale":true,"identities":{"phone":["13812345678"]},"attrs":"{\"colour\":\"red\"}","merged":["C-9"]}' >"$TMP/t.jsonl"
	run2 ingest "$TMP/t.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -c 'select(.op == "created" and .type == "ticket") | [.id, .reopens, .merged_into, .colour]')" = '["T-000001",null,null,"red"]' ]
	[ "$(q 'SELECT attrs FROM tickets')" = '{"colour":"red"}' ]
	[ "$(q "SELECT value FROM identities WHERE kind = 'phone'")" = 13812345678 ]
	# A custom field may not be declared with such a name.
	printf '[field "reopens"]\n\ttype = int\n' >"$TMP/bad.conf"
	run2 csm-ingest --db "$DB" -c "$TMP/bad.conf" --check
	[ "$status" -eq 78 ]
	[[ "$err" == *"'reopens' is a built-in field of ticket records"* ]]
}

@test "a message or event key used on another ticket is refused, with content unchanged" {
	printf '%s\n' \
	    '{"type":"ticket","source":"web","source_id":"a","created_at":"2026-11-01T00:00:00Z"}' \
	    '{"type":"ticket","source":"web","source_id":"b","created_at":"2026-11-01T00:00:00Z"}' \
	    '{"type":"message","ticket":"T-1","source_id":"m","direction":"in","body":"x","at":"2026-11-01T01:00:00Z"}' \
	    '{"type":"message","ticket":"T-2","source_id":"m","direction":"in","body":"x","at":"2026-11-01T01:00:00Z"}' \
	    '{"type":"message","ticket":"T-1","source_id":"m","direction":"in","body":"y","at":"2026-11-01T01:00:00Z"}' \
	    '{"type":"event","ticket":"T-1","source_id":"e","action":"assign","assignee":"al","at":"2026-11-01T02:00:00Z"}' \
	    '{"type":"event","ticket":"T-2","source_id":"e","action":"assign","assignee":"al","at":"2026-11-01T02:00:00Z"}' \
	    '{"type":"message","ticket":"T-1","source_id":"m","direction":"in","body":"x","at":"2026-11-01T01:00:00Z"}' \
	    >"$TMP/k.jsonl"
	run2 ingest -v "$TMP/k.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"k.jsonl:4: source_id: the key is taken by message M-000001 on ticket T-000001"* ]]
	[[ "$err" == *"k.jsonl:5: source_id: message M-000001 on ticket T-000001 has this key and other content"* ]]
	[[ "$err" == *"k.jsonl:7: key: event E-000001 (assign on ticket T-000001) has this key"* ]]
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 3 ]
	# The same message again is unchanged, not refused.
	[ "$(printf '%s\n' "$out" | tail -n 1)" = '{"op":"unchanged","type":"message","id":"M-000001"}' ]
	[ "$(q 'SELECT count(*) FROM messages')" -eq 1 ]
}

@test "replies to a ticket closed long ago go to its one follow-up, which has the required fields" {
	repair_conf
	printf '%s\n' \
	    '{"type":"ticket","source":"chat","source_id":"c","thread_id":"th","ticket_type":"repair","serial_no":"SN-7","subject":"坏了","status":"关闭","created_at":"2026-10-01T00:00:00Z"}' \
	    '{"type":"message","source":"chat","thread_id":"th","source_id":"m1","direction":"in","body":"又坏了","at":"2026-11-10T00:00:00Z"}' \
	    '{"type":"message","source":"chat","ticket":"T-1","source_id":"m2","direction":"in","body":"在吗","at":"2026-11-10T01:00:00Z"}' \
	    '{"type":"message","source":"chat","ticket":"T-1","source_id":"m3","direction":"in","body":"喂","at":"2026-11-11T01:00:00Z"}' \
	    >"$TMP/f.jsonl"
	run2 ingest "$TMP/f.jsonl"
	[ "$status" -eq 0 ]
	[ "$(q 'SELECT count(*) FROM tickets')" -eq 2 ]
	[ "$(q "SELECT group_concat(ticket) FROM messages")" = "2,2,2" ]
	[ "$(q "SELECT stage || ' ' || json_extract(attrs, '$.serial_no') FROM tickets WHERE id = 2")" = "受理 SN-7" ]
}

@test "a reply dated before its ticket gives a response time of zero, and the log keeps the old value" {
	printf '%s\n' \
	    '{"type":"ticket","source":"web","source_id":"a","created_at":"2026-11-01T10:00:00Z"}' \
	    '{"type":"message","ticket":"T-1","source_id":"o2","direction":"out","body":"later","at":"2026-11-01T11:00:00Z"}' \
	    '{"type":"message","ticket":"T-1","source_id":"o1","direction":"out","body":"skewed clock","at":"2026-11-01T09:59:00Z"}' \
	    >"$TMP/r.jsonl"
	run2 ingest "$TMP/r.jsonl"
	[ "$status" -eq 0 ]
	[ "$(q 'SELECT first_response_at - created_at FROM tickets')" -eq 0 ]
	[ "$(q "SELECT coalesce(old, '-') || ' > ' || new FROM events WHERE action = 'first_response' ORDER BY id" | tr '\n' '|')" = "- > 2026-11-01T19:00:00+08:00|2026-11-01T19:00:00+08:00 > 2026-11-01T18:00:00+08:00|" ]
}

@test "a ticket's name, tier and org are its customer's, after a CRM update and after a merge" {
	printf '%s\n' \
	    '{"type":"ticket","source":"web","source_id":"a","phone":"13812345678","name":"王","tier":"normal","created_at":"2026-11-01T00:00:00Z"}' \
	    '{"type":"ticket","source":"web","source_id":"b","email":"w@x.cn","name":"Wang","org":"ACME","created_at":"2026-11-01T00:00:00Z"}' \
	    '{"type":"customer","phone":"13812345678","tier":"vip","name":"王丽","updated_at":"2026-11-02T00:00:00Z"}' \
	    '{"type":"customer","phone":"13812345678","email":"w@x.cn","updated_at":"2026-11-03T00:00:00Z"}' \
	    >"$TMP/c.jsonl"
	run2 ingest "$TMP/c.jsonl"
	[ "$status" -eq 0 ]
	printf '%s\n' '{"type":"ticket","source":"web","source_id":"a"}' '{"type":"ticket","source":"web","source_id":"b"}' >"$TMP/again.jsonl"
	run2 ingest -v "$TMP/again.jsonl"
	[ "$(printf '%s\n' "$out" | jq -r '[.id, .customer, .name, .tier, .org] | @tsv')" = "$(printf 'T-000001\tC-000001\t王丽\tvip\tACME\nT-000002\tC-000001\t王丽\tvip\tACME')" ]
	# A ticket record's profile fields fill what the customer lacks and
	# never overwrite it.
	[ "$(q 'SELECT name FROM customers WHERE id = 1')" = 王丽 ]
}

@test "--dry-run never upgrades the store's schema" {
	cp "$BATS_TEST_DIRNAME/../data/upgrade/store-v1.db" "$DB"
	printf '%s\n' '{"type":"ticket","source":"web","source_id":"new-one"}' >"$TMP/t.jsonl"
	run2 ingest -n "$TMP/t.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -r .op)" = created ]
	[ "$(q 'PRAGMA user_version')" -eq 1 ]
	[ "$(q 'SELECT count(*) FROM tickets')" -eq 300 ]
	[ "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'links'")" -eq 0 ]
}

# wait_for SQL WANT: polls the store for up to 10 s until SQL gives WANT.
wait_for() {
	local i
	for i in $(seq 1 100); do
		[ "$(q "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

@test "a quiet pipe's records are committed; SIGTERM commits what is whole and ends" {
	mkfifo "$TMP/in"
	# fd 3 is bats's own: the test writes to the pipe on fd 7.
	csm-ingest --db "$DB" -c "$CONF" <"$TMP/in" >"$TMP/out" 2>"$TMP/err" 3>&- &
	pid=$!
	exec 7>"$TMP/in"
	printf '%s\n' '{"type":"ticket","source":"web","source_id":"1"}' >&7
	# Stored while the pipe stays open and quiet, and printed.
	wait_for 'SELECT count(*) FROM tickets' 1
	[ "$(wc -l <"$TMP/out")" -eq 1 ]
	printf '%s\n' '{"type":"ticket","source":"web","source_id":"2"}' >&7
	wait_for 'SELECT count(*) FROM tickets' 2
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	exec 7>&-
	[ "$status" -eq 143 ]
	[ "$(q 'SELECT count(*) FROM tickets')" -eq 2 ]
	[ "$(wc -l <"$TMP/out")" -eq 2 ]
	[ ! -s "$TMP/err" ]
	[ "$(q 'PRAGMA integrity_check')" = ok ]
}

@test "a small run looks identities up one by one; a long one loads them" {
	csm-gen -n 12000 -s 3 >"$TMP/big.jsonl"
	run2 ingest --stats "$TMP/big.jsonl"
	[ "$status" -eq 0 ]
	[[ "$err" == *"identities: the table was loaded whole after 4096 lookups"* ]]
	printf '%s\n' '{"type":"ticket","source":"web","source_id":"x","phone":"13900000001","email":"new@x.cn"}' >"$TMP/one.jsonl"
	run2 ingest --stats "$TMP/one.jsonl"
	[ "$status" -eq 0 ]
	[[ "$err" == *"identities: 2 looked up one by one"* ]]
}

@test "--source must be a channel name; rejects of several CSVs share one header" {
	run2 ingest --source '' /dev/null
	[ "$status" -eq 64 ]
	[[ "$err" == *"--source: expected a channel name"* ]]
	run2 ingest --source Web /dev/null
	[ "$status" -eq 64 ]
	printf 'type,source,source_id,priority\nticket,web,1,high\nticket,web,2,sky\n' >"$TMP/a.csv"
	printf 'type,source,source_id,priority\nticket,web,3,urgent\nticket,web,4,mid\n' >"$TMP/b.csv"
	printf 'type,source,priority,source_id\nticket,web,zz,5\n' >"$TMP/c.csv"
	run2 ingest -r "$TMP/rej.csv" "$TMP/a.csv" "$TMP/b.csv" "$TMP/c.csv"
	[ "$status" -eq 65 ]
	[ "$(cat "$TMP/rej.csv")" = "$(printf 'type,source,source_id,priority\nticket,web,2,sky\nticket,web,4,mid\ntype,source,priority,source_id\nticket,web,zz,5')" ]
	[[ "$err" == *"warning: $TMP/c.csv has another header than the rejects before it"* ]]
}

@test "numbers out of any integer's range are refused, not undefined" {
	printf '%s\n' '{"type":"ticket","source":"web","source_id":"1"}' \
	    '{"type":"survey","ticket":"T-1","kind":"nps","score":1e300}' \
	    '{"type":"survey","ticket":"T-1","kind":"nps","score":-1e19}' \
	    '{"type":"survey","ticket":"T-1","kind":"nps","score":9.5}' >"$TMP/s.jsonl"
	run2 ingest "$TMP/s.jsonl"
	[ "$status" -eq 65 ]
	[ "$(printf '%s\n' "$err" | grep -c 'score: expected an integer')" -eq 3 ]
}

@test "a status event that changes nothing on a workflow ticket writes nothing (issue 8)" {
	repair_conf
	printf '%s\n' \
	    '{"type":"ticket","source":"web","source_id":"r","thread_id":"r","ticket_type":"repair","serial_no":"SN-1","created_at":"2026-11-01T00:00:00Z"}' \
	    '{"type":"event","source":"web","thread_id":"r","action":"status","status":"维修","at":"2026-11-01T01:00:00Z"}' \
	    '{"type":"event","source":"web","thread_id":"r","action":"status","status":"open","at":"2026-11-01T02:00:00Z"}' \
	    '{"type":"event","source":"web","thread_id":"r","action":"status","stage":"维修","at":"2026-11-01T03:00:00Z"}' \
	    >"$TMP/w.jsonl"
	run2 ingest "$TMP/w.jsonl"
	[ "$status" -eq 0 ]
	[ "$(q "SELECT old || ' > ' || new FROM events WHERE action = 'status'")" = "受理 > 维修" ]
	[ "$(q "SELECT datetime(updated_at, 'unixepoch') FROM tickets")" = "2026-11-01 01:00:00" ]
}
