#!/usr/bin/env bats
# Output the next tool can trust: every record csm-ingest prints is a valid
# input record that changes nothing when read back, in JSONL and in CSV,
# over the whole bundled sample; custom fields never fill a built-in
# column.

load helper

SAMPLE_FILES="tickets.jsonl tickets.csv customers.csv orders.csv messages.jsonl events.jsonl surveys.jsonl"

# roundtrip FORMAT: ingests the sample printing FORMAT, then reads that
# output back into the same store: nothing may change, nothing printed.
roundtrip() {
	cd "$BATS_TEST_DIRNAME/../../sample"
	# shellcheck disable=SC2086
	csm-ingest --db "$DB" -c csm.conf -o "$1" $SAMPLE_FILES >"$TMP/out.$1"
	[ "$(wc -l <"$TMP/out.$1")" -gt 4000 ]
	sqlite3 "$DB" .dump >"$TMP/before"
	run2 csm-ingest --db "$DB" -c csm.conf -f "$1" "$TMP/out.$1"
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	[ -z "$out" ]
	sqlite3 "$DB" .dump >"$TMP/after"
	cmp "$TMP/before" "$TMP/after"
}

@test "the sample's JSONL output read back changes nothing" {
	roundtrip jsonl
	# Every kind was in it, events with what they changed and their key.
	for k in ticket message event customer order survey; do
		[ "$(jq -c --arg k "$k" 'select(.type == $k)' "$TMP/out.jsonl" | wc -l)" -gt 0 ]
	done
	[ "$(jq -c 'select(.type == "event" and (.key == null or .id == null))' "$TMP/out.jsonl" | wc -l)" -eq 0 ]
}

@test "the sample's CSV output read back changes nothing" {
	roundtrip csv
	head -n 1 "$TMP/out.csv" | grep -q ',identities,'
	head -n 1 "$TMP/out.csv" | grep -q ',comment,'
	head -n 1 "$TMP/out.csv" | grep -q ',attrs$'
}

@test "an event line says what changed, who, when, why and its key" {
	printf '%s\n' \
	    '{"type":"ticket","source":"web","source_id":"1","subject":"s","created_at":"2026-11-01T00:00:00Z"}' \
	    '{"type":"event","source":"web","source_id":"e1","ticket":"T-1","action":"assign","assignee":"alice","by":"bob","why":"vip-rule","at":"2026-11-01T01:00:00Z"}' \
	    >"$TMP/e.jsonl"
	run2 ingest "$TMP/e.jsonl"
	[ "$status" -eq 0 ]
	line=$(printf '%s\n' "$out" | jq -c 'select(.type == "event")')
	[ "$line" = '{"op":"created","type":"event","id":"E-000001","ticket":"T-000001","action":"assign","field":"assignee","new":"alice","by":"bob","at":"2026-11-01T09:00:00+08:00","key":"web:e1","why":"vip-rule"}' ]
	# Read back, by its id or by its key: unchanged.
	printf '%s\n' "$line" >"$TMP/back.jsonl"
	run2 ingest -v "$TMP/back.jsonl"
	[ "$status" -eq 0 ]
	[ "$out" = '{"op":"unchanged","type":"event","id":"E-000001"}' ]
	# An id that names another event, or none, is refused.
	printf '%s\n' '{"type":"event","id":"E-000001","ticket":"T-1","action":"transfer","group":"g"}' \
	    '{"type":"event","id":"E-000099","ticket":"T-1","action":"assign","assignee":"x"}' >"$TMP/bad.jsonl"
	run2 ingest "$TMP/bad.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"bad.jsonl:1: id: event E-000001 (transfer on ticket T-000001) has this key"* ]]
	[[ "$err" == *"bad.jsonl:2: id: no event E-000099"* ]]
}

@test "custom fields never fill a built-in column of CSV or a table" {
	printf '%s\n' \
	    '{"type":"ticket","source":"web","source_id":"1","subject":"s","created_at":"2026-11-01T00:00:00Z"}' \
	    '{"type":"message","ticket":"T-1","source_id":"m","direction":"in","body":"b","status":"x","score":7,"at":"2026-11-01T01:00:00Z"}' \
	    '{"type":"survey","ticket":"T-1","kind":"csat","score":5,"comment":"很好, thanks","op":"created","at":"2026-11-02T01:00:00Z"}' \
	    >"$TMP/c.jsonl"
	run2 ingest -o csv "$TMP/c.jsonl"
	[ "$status" -eq 0 ]
	printf '%s\n' "$out" >"$TMP/c.csv"
	# The message's custom status and score are in attrs, not in the
	# status and score columns; the survey's comment is kept; its "op"
	# (printed by csm, not a custom field) is not stored.
	msg=$(printf '%s\n' "$out" | grep ',message,')
	[[ "$msg" == *',"{""status"":""x"",""score"":7}"' ]]
	[ "$(printf '%s\n' "$out" | head -n 1 | tr ',' '\n' | grep -n '^status$' | cut -d: -f1)" -gt 0 ]
	[[ "$(printf '%s\n' "$out" | grep ',survey,')" == *'"很好, thanks"'* ]]
	[ "$(q "SELECT attrs FROM surveys")" = "" ]
	[ "$(q "SELECT attrs FROM messages")" = '{"status":"x","score":7}' ]
	# A table shows the built-in status only.
	run2 ingest -v -o table "$TMP/c.jsonl"
	[ "$status" -eq 0 ]
	[[ "$out" != *" x "* ]]
}

@test "a tag containing ';' is refused: CSV could not read it back whole" {
	printf '%s\n' '{"type":"ticket","source":"web","source_id":"1","tags":["a;b","c"]}' >"$TMP/t.jsonl"
	run2 ingest "$TMP/t.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"t.jsonl:1: tags: a tag cannot contain ';', got \"a;b\""* ]]
	[ "$(q 'SELECT count(*) FROM tickets')" -eq 0 ]
}

@test "customer lines carry their identities in CSV and find their customer again" {
	printf '%s\n' \
	    '{"type":"customer","phone":"13812345678","email":"A@x.cn","wechat":"wx1","name":"王丽","tier":"vip","updated_at":"2026-11-01T00:00:00Z"}' \
	    >"$TMP/c.jsonl"
	run2 ingest -o csv "$TMP/c.jsonl"
	[ "$status" -eq 0 ]
	printf '%s\n' "$out" >"$TMP/c.csv"
	[[ "$(sed -n 2p "$TMP/c.csv")" == *'"{""email"":[""a@x.cn""],""phone"":[""13812345678""],""wechat"":[""wx1""]}"'* ]]
	# Into a new store, the line alone makes the same customer.
	rm -f "$DB"
	run2 ingest -f csv "$TMP/c.csv"
	[ "$status" -eq 65 ]
	[[ "$err" == *"c.csv:2: id: no customer C-000001"* ]]
	sed 's/^created,customer,C-000001,/created,customer,,/' "$TMP/c.csv" >"$TMP/d.csv"
	run2 ingest -f csv "$TMP/d.csv"
	[ "$status" -eq 0 ]
	[ "$(q "SELECT group_concat(kind || '=' || value, ' ') FROM (SELECT * FROM identities ORDER BY kind)")" = "email=a@x.cn phone=13812345678 wechat=wx1" ]
	[ "$(q 'SELECT name, tier FROM customers')" = "王丽|vip" ]
}

@test "a customer, survey or order line read back after a later change does not undo it" {
	printf '%s\n' \
	    '{"type":"ticket","source":"web","source_id":"1","phone":"13812345678","created_at":"2026-11-01T00:00:00Z"}' \
	    '{"type":"customer","phone":"13812345678","tier":"normal","updated_at":"2026-11-02T00:00:00Z"}' \
	    '{"type":"survey","ticket":"T-1","kind":"csat","score":2,"at":"2026-11-03T00:00:00Z"}' \
	    '{"type":"order","order_no":"SO1","phone":"13812345678","product":"A","updated_at":"2026-11-03T00:00:00Z"}' \
	    >"$TMP/a.jsonl"
	ingest "$TMP/a.jsonl" >"$TMP/first.jsonl"
	printf '%s\n' \
	    '{"type":"customer","phone":"13812345678","tier":"vip","updated_at":"2026-11-05T00:00:00Z"}' \
	    '{"type":"survey","ticket":"T-1","kind":"csat","score":5,"at":"2026-11-05T00:00:00Z"}' \
	    '{"type":"order","order_no":"SO1","product":"B","updated_at":"2026-11-05T00:00:00Z"}' \
	    >"$TMP/b.jsonl"
	ingest "$TMP/b.jsonl" >/dev/null
	sqlite3 "$DB" .dump >"$TMP/before"
	# The first run's lines, older than what the store holds now.
	run2 ingest "$TMP/first.jsonl"
	[ "$status" -eq 0 ]
	[ -z "$out" ]
	sqlite3 "$DB" .dump | cmp - "$TMP/before"
	[ "$(q 'SELECT tier FROM customers')" = vip ]
	[ "$(q 'SELECT score FROM surveys')" = 5 ]
	[ "$(q 'SELECT product FROM orders')" = B ]
}
