#!/usr/bin/env bats
# csm-ingest as users run it: each test checks stdout, stderr and status.

load helper

T1='{"type":"ticket","source":"wechat","source_id":"wx-1","subject":"订单支付失败","created_at":"2026-11-20T09:30:00+08:00","priority":"high","phone":"+86 138 1234 5678","wechat":"wx_alice","name":"王丽","tier":"vip","tags":["支付","vip"]}'
T2='{"type":"ticket","source":"email","source_id":"<a@mail>","subject":"Refund status","created_at":"2026-11-20T10:00:00Z","email":"Alice@Example.COM","phone":"138-1234-5678"}'
T3='{"type":"ticket","source":"phone","source_id":"call-9","subject":"Device offline","created_at":"2026-11-20 11:00:00","phone":"0086 139 0000 1111"}'

tickets() {
	printf '%s\n%s\n%s\n' "$T1" "$T2" "$T3" >"$TMP/t.jsonl"
}

@test "--help prints the usage on stdout and exits 0" {
	run2 csm-ingest --help
	[ "$status" -eq 0 ]
	[ "${out%%$'\n'*}" = "usage: csm-ingest [-nqsv] [--db FILE] [-c FILE] [-f FORMAT] [-t TYPE]" ]
	[ -z "$err" ]
}

@test "--version prints the version" {
	run2 csm-ingest --version
	[ "$status" -eq 0 ]
	[[ "$out" =~ ^csm-ingest\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "an unknown option is a usage error (64)" {
	run2 csm-ingest --frobnicate
	[ "$status" -eq 64 ]
	[ -z "$out" ]
	[[ "$err" == *"unrecognized option"* ]]
	[[ "$err" == *"Try 'csm-ingest --help'."* ]]
}

@test "bad option values are usage errors naming the option" {
	run2 ingest -o xml /dev/null
	[ "$status" -eq 64 ]
	[[ "$err" == *"unknown output format 'xml'"* ]]
	run2 ingest --batch 0 /dev/null
	[ "$status" -eq 64 ]
	[[ "$err" == *"--batch: expected a positive number, got '0'"* ]]
	run2 ingest -t widget /dev/null
	[ "$status" -eq 64 ]
	[[ "$err" == *"unknown record type 'widget'"* ]]
	run2 ingest --where 'priority = ' /dev/null
	[ "$status" -eq 64 ]
	[[ "$err" == *"--where: column"* ]]
	run2 ingest -e klingon /dev/null
	[ "$status" -eq 64 ]
	[[ "$err" == *"unknown encoding 'klingon'"* ]]
}

@test "a missing input file is reported and exits 66; other files go in" {
	tickets
	run2 ingest "$TMP/nope.jsonl" "$TMP/t.jsonl"
	[ "$status" -eq 66 ]
	[[ "$err" == *"cannot open $TMP/nope.jsonl: No such file or directory"* ]]
	[ "$(q 'SELECT count(*) FROM tickets')" -eq 3 ]
}

@test "'-' twice is a usage error" {
	run2 ingest - -
	[ "$status" -eq 64 ]
	[[ "$err" == *"stdin ('-') given more than once"* ]]
}

@test "empty input stores nothing and exits 0" {
	run2 ingest </dev/null
	[ "$status" -eq 0 ]
	[ -z "$out" ]
	[ -z "$err" ]
	[ "$(q 'SELECT count(*) FROM tickets')" -eq 0 ]
}

@test "tickets are created with ids, customers and normalized identities" {
	tickets
	run2 ingest "$TMP/t.jsonl"
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	# Three tickets, two customers: the phone ties the email ticket to
	# the WeChat one.
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type=="ticket") | .id + " " + .customer' | tr '\n' ,)" = "T-000001 C-000001,T-000002 C-000001,T-000003 C-000002," ]
	[ "$(printf '%s\n' "$out" | jq -r 'select(.id=="T-000001") | .created_at')" = "2026-11-20T09:30:00+08:00" ]
	[ "$(printf '%s\n' "$out" | jq -r 'select(.id=="T-000003") | .created_at')" = "2026-11-20T11:00:00+08:00" ]
	[ "$(printf '%s\n' "$out" | jq -c 'select(.id=="T-000001") | .tags')" = '["支付","vip"]' ]
	[ "$(q "SELECT group_concat(kind || '=' || value, ' ') FROM (SELECT * FROM identities WHERE customer = 1 ORDER BY kind)")" = "email=alice@example.com phone=13812345678 wechat=wx_alice" ]
	[ "$(q 'SELECT phone FROM tickets WHERE id = 3')" = 13900001111 ]
	# Creation is no event (created_at records it); the one change is
	# the email the second ticket added to the first customer.
	[ "$(q "SELECT group_concat(action || ':' || field || '=' || new) FROM events")" = "identity:email=alice@example.com" ]
}

@test "the same input twice creates nothing the second time" {
	tickets
	ingest "$TMP/t.jsonl" >/dev/null
	before=$(q 'SELECT count(*) FROM events')
	run2 ingest "$TMP/t.jsonl"
	[ "$status" -eq 0 ]
	[ -z "$out" ]
	[ "$(q 'SELECT count(*) FROM tickets')" -eq 3 ]
	[ "$(q 'SELECT count(*) FROM customers')" -eq 2 ]
	[ "$(q 'SELECT count(*) FROM events')" -eq "$before" ]
	run2 ingest -v "$TMP/t.jsonl"
	[ "$(printf '%s\n' "$out" | jq -r .op | sort | uniq -c | tr -s ' ')" = " 3 unchanged" ]
}

@test "a newer record updates a known ticket and logs each change" {
	tickets
	ingest "$TMP/t.jsonl" >/dev/null
	echo '{"type":"ticket","source":"wechat","source_id":"wx-1","priority":"urgent","assignee":"alice","updated_at":"2026-11-21T09:00:00+08:00"}' >"$TMP/u.jsonl"
	run2 ingest "$TMP/u.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -r '.op + " " + .id + " " + .priority + " " + .assignee + " " + .updated_at')" = "updated T-000001 urgent alice 2026-11-21T09:00:00+08:00" ]
	[ "$(q "SELECT action || ':' || field || ':' || coalesce(old,'') || '>' || new FROM events WHERE ticket = 1 AND action != 'create' ORDER BY id" | tr '\n' ' ')" = "priority:priority:high>urgent assign:assignee:>alice " ]
	# Older or equally old records change nothing.
	echo '{"type":"ticket","source":"wechat","source_id":"wx-1","priority":"low","updated_at":"2026-11-20T12:00:00+08:00"}' >"$TMP/old.jsonl"
	run2 ingest "$TMP/old.jsonl"
	[ "$status" -eq 0 ]
	[ -z "$out" ]
	[ "$(q 'SELECT priority FROM tickets WHERE id = 1')" = urgent ]
}

@test "a record that ties two customers merges them and can be undone" {
	printf '%s\n' \
	    '{"type":"ticket","source":"email","source_id":"e1","subject":"a","email":"bob@x.com","created_at":"2026-11-01T10:00:00+08:00"}' \
	    '{"type":"ticket","source":"wechat","source_id":"w1","subject":"b","wechat":"bob_wx","created_at":"2026-11-02T10:00:00+08:00"}' \
	    '{"type":"ticket","source":"app","source_id":"a1","subject":"c","email":"BOB@x.com","wechat":"bob_wx","created_at":"2026-11-03T10:00:00+08:00"}' \
	    >"$TMP/m.jsonl"
	run2 ingest "$TMP/m.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -c 'select(.op=="merged") | [.id, .merged]')" = '["C-000001",["C-000002"]]' ]
	[ "$(q 'SELECT group_concat(DISTINCT customer) FROM tickets')" = 1 ]
	[ "$(q 'SELECT merged_into FROM customers WHERE id = 2')" = 1 ]
	data=$(q "SELECT data FROM events WHERE action = 'merge'")
	[ "$(printf '%s' "$data" | jq -c '[.from, .into, .identities, .tickets]')" = '["C-000002","C-000001",[["wechat","bob_wx"]],["T-000002"]]' ]
}

@test "messages attach by thread; an agent reply is the first response" {
	echo '{"type":"ticket","source":"chat","source_id":"c1","thread_id":"th1","subject":"help","phone":"13812345678","created_at":"2026-11-20T09:00:00+08:00"}' >"$TMP/t.jsonl"
	printf '%s\n' \
	    '{"type":"message","source":"chat","thread_id":"th1","source_id":"m1","direction":"out","author":"bot","body":"auto hi","auto":true,"at":"2026-11-20T09:00:05+08:00"}' \
	    '{"type":"message","source":"chat","thread_id":"th1","source_id":"m2","direction":"out","author":"alice","body":"note","public":false,"at":"2026-11-20T09:01:00+08:00"}' \
	    '{"type":"message","source":"chat","thread_id":"th1","source_id":"m3","direction":"out","author":"alice","body":"Hello!","at":"2026-11-20T09:05:00+08:00"}' \
	    >"$TMP/m.jsonl"
	ingest "$TMP/t.jsonl" >/dev/null
	run2 ingest "$TMP/m.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type=="message") | .id + "@" + .ticket' | tr '\n' ' ')" = "M-000001@T-000001 M-000002@T-000001 M-000003@T-000001 " ]
	# Automatic replies and internal notes are no response.
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type=="ticket") | .status + " " + .first_response_at')" = "open 2026-11-20T09:05:00+08:00" ]
	run2 ingest "$TMP/m.jsonl"
	[ -z "$out" ]
	[ "$(q 'SELECT count(*) FROM messages')" -eq 3 ]
}

@test "a customer message on a resolved ticket reopens it" {
	printf '%s\n' \
	    '{"type":"ticket","source":"chat","source_id":"c1","thread_id":"th1","subject":"help","created_at":"2026-11-20T09:00:00+08:00"}' \
	    '{"type":"event","source":"chat","thread_id":"th1","action":"status","status":"resolved","at":"2026-11-20T10:00:00+08:00","by":"alice"}' \
	    '{"type":"message","source":"chat","thread_id":"th1","source_id":"m9","direction":"in","body":"still broken","at":"2026-11-21T08:00:00+08:00"}' \
	    >"$TMP/r.jsonl"
	run2 ingest "$TMP/r.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type=="ticket") | .status' | tr '\n' ' ')" = "new resolved open " ]
	[ "$(q 'SELECT status, reopens, resolved_at IS NULL FROM tickets')" = "open|1|1" ]
	[ "$(q "SELECT old || '>' || new FROM events WHERE action = 'reopen'")" = "resolved>open" ]
}

@test "an illegal status change is refused with the reason (65)" {
	printf '%s\n' \
	    '{"type":"ticket","source":"chat","source_id":"c1","thread_id":"th1","subject":"x","created_at":"2026-11-20T09:00:00+08:00"}' \
	    '{"type":"event","source":"chat","thread_id":"th1","action":"status","status":"closed","at":"2026-11-20T10:00:00+08:00"}' \
	    '{"type":"event","source":"chat","thread_id":"th1","action":"status","status":"bogus","at":"2026-11-20T10:00:00+08:00"}' \
	    '{"type":"event","source":"chat","thread_id":"th1","action":"teleport","at":"2026-11-20T10:00:00+08:00"}' \
	    >"$TMP/e.jsonl"
	run2 ingest "$TMP/e.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"e.jsonl:2: status: cannot go from 'new' to 'closed'"* ]]
	[[ "$err" == *"e.jsonl:3: status: unknown status 'bogus'"* ]]
	[[ "$err" == *"e.jsonl:4: action: unknown action \"teleport\""* ]]
	[ "$(q 'SELECT status FROM tickets')" = new ]
}

@test "surveys are stored once per ticket and kind, and checked" {
	echo '{"type":"ticket","source":"web","source_id":"w1","thread_id":"t1","subject":"x","created_at":"2026-11-20T09:00:00+08:00"}' >"$TMP/t.jsonl"
	echo '{"type":"survey","source":"web","thread_id":"t1","kind":"csat","score":4,"comment":"ok","at":"2026-11-21T09:00:00+08:00"}' >"$TMP/s.jsonl"
	ingest "$TMP/t.jsonl" >/dev/null
	run2 ingest "$TMP/s.jsonl"
	[ "$(printf '%s\n' "$out" | jq -r '.op + " " + .kind + " " + (.score|tostring)')" = "created csat 4" ]
	run2 ingest "$TMP/s.jsonl"
	[ -z "$out" ]
	echo '{"type":"survey","ticket":"T-000001","kind":"csat","score":"5","at":"2026-11-22T09:00:00+08:00"}' >"$TMP/s2.jsonl"
	run2 ingest "$TMP/s2.jsonl"
	[ "$(field op) $(field score)" = "updated 5" ]
	echo '{"type":"survey","ticket":"T-000001","kind":"nps","score":11}' >"$TMP/bad.jsonl"
	run2 ingest "$TMP/bad.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"bad.jsonl:1: score: expected 0 to 10 for nps, got 11"* ]]
	[ "$(q 'SELECT count(*) FROM surveys')" -eq 1 ]
}

@test "CRM customers and ERP orders from CSV join the 360-degree view" {
	printf 'type,crm_id,name,phone,email,tier,city\ncustomer,CRM-1,Alice Wang,+86 138 1234 5678,alice@example.com,vip,上海\n' >"$TMP/c.csv"
	printf 'type,order_no,crm_id,product,purchased_at,warranty_until\norder,SO-1,CRM-1,空调 KF-35,2025-06-01,2028-06-01\n' >"$TMP/o.csv"
	tickets
	run2 ingest "$TMP/t.jsonl" "$TMP/c.csv" "$TMP/o.csv"
	[ "$status" -eq 0 ]
	[ "$(q 'SELECT count(*) FROM customers WHERE merged_into IS NULL')" -eq 2 ]
	# The CRM record is authoritative for the profile.
	[ "$(q 'SELECT name, tier, attrs FROM customers WHERE id = 1')" = 'Alice Wang|vip|{"city":"上海"}' ]
	[ "$(q 'SELECT customer, product, date(warranty_until, "unixepoch") FROM orders')" = "1|空调 KF-35|2028-05-31" ]
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type=="order") | .customer + " " + .warranty_until')" = "C-000001 2028-06-01T00:00:00+08:00" ]
}

@test "bad records are reported with file, line and field; good ones go in" {
	printf '%s\n' "$T1" '{"type":"ticket","source":"web","subject":"x","created_at":"2026-13-01"}' 'not json' '{"type":"ticket","source":"web","source_id":"w2","priority":"soon"}' '{"type":"ticket","source":"web","source_id":"w3","email":"nobody"}' "$T3" >"$TMP/b.jsonl"
	run2 ingest -r "$TMP/rej.jsonl" "$TMP/b.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *'b.jsonl:2: created_at: not a time: "2026-13-01" (month 13)'* ]]
	[[ "$err" == *"b.jsonl:3: invalid JSON at column "* ]]
	[[ "$err" == *'b.jsonl:4: priority: expected low, normal, high or urgent, got "soon"'* ]]
	[[ "$err" == *'b.jsonl:5: email: not an email address: "nobody"'* ]]
	[ "$(q 'SELECT group_concat(source_id) FROM (SELECT source_id FROM tickets ORDER BY id)')" = "wx-1,call-9" ]
	# The rejects file holds the bad lines verbatim, and is private.
	[ "$(sed -n 2p "$TMP/rej.jsonl")" = "not json" ]
	[ "$(wc -l <"$TMP/rej.jsonl")" -eq 4 ]
	[ "$(stat -c %a "$TMP/rej.jsonl")" = 600 ]
	# Fixed up, the rejects go in.
	sed -i 's/2026-13-01/2026-11-01/; s/not json/{}/; s/soon/high/; s/nobody/nobody@x.com/' "$TMP/rej.jsonl"
	run2 ingest -t ticket --source web "$TMP/rej.jsonl"
	[ "$status" -eq 0 ]
	[ "$(q 'SELECT count(*) FROM tickets')" -eq 6 ]
}

@test "CSV rejects keep the header so the file can be fixed and re-read" {
	printf 'type,source,source_id,subject,created_at\nticket,web,1,ok,2026-11-01\nticket,web,2,bad,yesterday\n' >"$TMP/t.csv"
	run2 ingest -r "$TMP/rej.csv" "$TMP/t.csv"
	[ "$status" -eq 65 ]
	[[ "$err" == *'t.csv:3: created_at: not a time: "yesterday"'* ]]
	[ "$(cat "$TMP/rej.csv")" = "$(printf 'type,source,source_id,subject,created_at\nticket,web,2,bad,yesterday')" ]
}

@test "--strict rolls the whole input back at the first bad record" {
	printf '%s\n' "$T1" '{"type":"ticket","source":"web"' "$T3" >"$TMP/b.jsonl"
	run2 ingest --strict "$TMP/b.jsonl"
	[ "$status" -eq 65 ]
	[ -z "$out" ]
	[[ "$err" == *"b.jsonl:2: invalid JSON"* ]]
	[[ "$err" == *"--strict: nothing was stored"* ]]
	[ "$(q 'SELECT count(*) FROM tickets')" -eq 0 ]
	[ "$(q 'SELECT count(*) FROM customers')" -eq 0 ]
}

@test "--dry-run prints what would change and writes nothing" {
	tickets
	run2 ingest -n "$TMP/t.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type=="ticket") | .op' | tr '\n' ' ')" = "created created created " ]
	[ ! -e "$DB" ]
	ingest "$T/t.jsonl" </dev/null >/dev/null 2>&1 || true
	ingest "$TMP/t.jsonl" >/dev/null
	sum=$(sqlite3 "$DB" .dump | md5sum)
	echo '{"type":"ticket","source":"wechat","source_id":"wx-1","priority":"low","updated_at":"2026-11-22T00:00:00Z"}' >"$TMP/u.jsonl"
	run2 ingest --dry-run "$TMP/u.jsonl"
	[ "$(field op) $(field priority)" = "updated low" ]
	[ "$(sqlite3 "$DB" .dump | md5sum)" = "$sum" ]
}

@test "--where ingests only matching records" {
	tickets
	run2 ingest --where 'source in ("email", "phone") and not subject ~ "^Device"' "$TMP/t.jsonl"
	[ "$status" -eq 0 ]
	[ "$(q 'SELECT group_concat(source_id) FROM (SELECT source_id FROM tickets ORDER BY id)')" = "<a@mail>" ]
}

@test "records need a type, or --type; a conflicting type is refused" {
	echo '{"source":"web","source_id":"1","subject":"x"}' >"$TMP/n.jsonl"
	run2 ingest "$TMP/n.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"n.jsonl:1: type: missing (a record says what it is, or use --type ticket)"* ]]
	run2 ingest -t ticket "$TMP/n.jsonl"
	[ "$status" -eq 0 ]
	run2 ingest -t message - <<<"$T1"
	[ "$status" -eq 65 ]
	[[ "$err" == *'stdin:1: type: "ticket" but --type message'* ]]
}

@test "CSV edge cases: quotes, commas and newlines inside fields, CRLF, BOM" {
	printf '\xef\xbb\xbftype,source,source_id,subject,body\r\nticket,web,1,"a, b","line1\r\nline2 ""quoted"""\r\nticket,web,2,plain,x\r\n' >"$TMP/t.csv"
	run2 ingest "$TMP/t.csv"
	[ "$status" -eq 0 ]
	[ "$(q "SELECT subject FROM tickets WHERE source_id = '1'")" = "a, b" ]
	[ "$(q "SELECT hex(body) FROM tickets WHERE source_id = '1'")" = "$(printf 'line1\r\nline2 "quoted"' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)" ]
	[ "$(q 'SELECT count(*) FROM tickets')" -eq 2 ]
}

@test "the csv-spectrum corpus goes in field for field" {
	for f in "$CORPORA"/csv-spectrum/csvs/*.csv; do
		name=$(basename "$f" .csv)
		[ "$name" = location_coordinates ] && continue
		rm -f "$DB"
		run2 csm-ingest --db "$DB" -t ticket --source x "$f"
		[ "$status" -eq 0 ]
		# Every column is a custom field of its ticket; an empty
		# field is an absent one.
		got=$(q "SELECT coalesce(attrs, '{}') FROM tickets ORDER BY id" | jq -sc .)
		want=$(jq -c 'map(with_entries(select(.value != "")))' "$CORPORA/csv-spectrum/json/$name.json")
		[ "$got" = "$want" ]
	done
	# A bare quote inside an unquoted field is not RFC 4180: refused
	# with its line, never misread.
	run2 csm-ingest --db "$DB" -t ticket --source x "$CORPORA/csv-spectrum/csvs/location_coordinates.csv"
	[ "$status" -eq 65 ]
	[[ "$err" == *"location_coordinates.csv:2: malformed quoting"* ]]
}

@test "a malformed CSV row is refused and the rows after it still go in" {
	printf 'type,source,source_id,subject\nticket,web,1,ok\nticket,web,2,a "bad" quote\nticket,web,3,"unbalanced,x\nticket,web,4,fine\n' >"$TMP/t.csv"
	run2 ingest "$TMP/t.csv"
	[ "$status" -eq 65 ]
	[[ "$err" == *"t.csv:3: malformed quoting"* ]]
	[ "$(q 'SELECT group_concat(source_id) FROM (SELECT source_id FROM tickets ORDER BY id)')" = 1 ]
	printf 'type,source,source_id,subject\nticket,web,1,ok\nticket,web,2\nticket,web,3,x,y\nticket,web,4,fine\n' >"$TMP/n.csv"
	run2 ingest "$TMP/n.csv"
	[ "$status" -eq 65 ]
	[[ "$err" == *"n.csv:3: expected 4 fields, got 3"* ]]
	[[ "$err" == *"n.csv:4: expected 4 fields, got 5"* ]]
	[ "$(q 'SELECT count(*) FROM tickets')" -eq 2 ]
}

@test "a header-only CSV is no records" {
	printf 'type,source,source_id,subject\n' >"$TMP/h.csv"
	run2 ingest "$TMP/h.csv"
	[ "$status" -eq 0 ]
	[ -z "$out$err" ]
}

@test "GBK and GB18030 input from Excel is read with --encoding" {
	printf 'type,source,source_id,subject,name\nticket,phone,g1,空调不制冷,张伟\n' | iconv -f UTF-8 -t GBK >"$TMP/g.csv"
	run2 ingest -e gbk "$TMP/g.csv"
	[ "$status" -eq 0 ]
	[ "$(q 'SELECT subject, name FROM tickets')" = "空调不制冷|张伟" ]
	# Without --encoding the bytes are not UTF-8: refused, not garbled.
	rm -f "$DB"
	run2 ingest "$TMP/g.csv"
	[ "$status" -eq 65 ]
	[[ "$err" == *"g.csv:2: subject: invalid UTF-8 at byte 1"* ]]
	printf 'type,source,source_id,subject\nticket,phone,g2,\x81\x30\x81\x30\n' >"$TMP/g18.csv"
	run2 ingest -e gb18030 "$TMP/g18.csv"
	[ "$status" -eq 0 ]
	[ "$(q "SELECT hex(subject) FROM tickets WHERE source_id = 'g2'")" = C280 ]
}

@test "invalid UTF-8, NUL bytes and deep nesting are refused by line" {
	printf '{"type":"ticket","source":"web","source_id":"1","subject":"\xff"}\n{"type":"ticket","source":"web","source_id":"2","subject":"a\\u0000b"}\n' >"$TMP/u.jsonl"
	printf '{"type":"ticket","source":"web","source_id":"3","subject":"a\000b"}\n' >>"$TMP/u.jsonl"
	{ repeat '[' 100000; repeat ']' 100000; echo; } >>"$TMP/u.jsonl"
	echo '{"type":"ticket","source":"web","source_id":"4","subject":"fine"}' >>"$TMP/u.jsonl"
	run2 ingest "$TMP/u.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"u.jsonl:1: invalid JSON"* ]]
	[[ "$err" == *"u.jsonl:2: invalid JSON"* ]]
	[[ "$err" == *"u.jsonl:3: invalid JSON"* ]]
	[[ "$err" == *"u.jsonl:4: invalid JSON"* ]]
	[ "$(q 'SELECT group_concat(source_id) FROM (SELECT source_id FROM tickets ORDER BY id)')" = 4 ]
	printf 'type,source,source_id,subject\nticket,web,5,a\000b\n' >"$TMP/n.csv"
	run2 ingest "$TMP/n.csv"
	[ "$status" -eq 65 ]
	[[ "$err" == *"n.csv:2: subject: NUL byte at byte 2"* ]]
}

@test "a 10 MB field is stored whole; a 17 MB line is refused by line" {
	{ printf '{"type":"ticket","source":"web","source_id":"big","subject":"big","body":"'; repeat 字 3500000; printf '"}\n'; } >"$TMP/big.jsonl"
	{ printf '{"type":"ticket","body":"'; repeat x 17000000; printf '"}\n'; } >>"$TMP/big.jsonl"
	echo '{"type":"ticket","source":"web","source_id":"after","subject":"after"}' >>"$TMP/big.jsonl"
	run2 ingest "$TMP/big.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"big.jsonl:2: line longer than 16 MiB"* ]]
	[ "$(q "SELECT length(body) FROM tickets WHERE source_id = 'big'")" -eq 3500000 ]
	[ "$(q "SELECT count(*) FROM tickets WHERE source_id = 'after'")" -eq 1 ]
}

@test "hostile strings are stored verbatim and escaped in messages" {
	printf '%s\n' '{"type":"ticket","source":"web","source_id":"x'"'"'; DROP TABLE tickets; --","subject":"%s%n%x %1$s","body":"\u001b[31mred"}' \
	    '{"type":"ticket","source":"web","source_id":"y","email":"\u001b]0;pwned\u0007@x"}' >"$TMP/h.jsonl"
	run2 ingest "$TMP/h.jsonl"
	[ "$status" -eq 65 ]
	[ "$(q 'SELECT source_id || "|" || subject FROM tickets')" = "x'; DROP TABLE tickets; --|%s%n%x %1\$s" ]
	[ "$(q 'SELECT hex(substr(body, 1, 1)) FROM tickets')" = 1B ]
	[[ "$err" == *'email: not an email address: "\u001b]0;pwned\u0007@x"'* ]]
	[[ "$err" != *$'\033'* ]]
}

@test "CRLF JSONL and a last line without a newline are read" {
	printf '{"type":"ticket","source":"web","source_id":"1"}\r\n{"type":"ticket","source":"web","source_id":"2"}' >"$TMP/c.jsonl"
	run2 ingest "$TMP/c.jsonl"
	[ "$status" -eq 0 ]
	[ "$(q 'SELECT count(*) FROM tickets')" -eq 2 ]
}

@test "writing to a full disk fails with 74" {
	tickets
	status=0
	ingest -o jsonl "$TMP/t.jsonl" >/dev/full 2>"$TMP/err" || status=$?
	[ "$status" -eq 74 ]
	[ "$(cat "$TMP/err")" = "csm-ingest: write error: No space left on device" ]
}

@test "a closed pipe is a normal end (0)" {
	"$CSM_BIN/csm-gen" -n 3000 >"$TMP/g.jsonl"
	set -o pipefail
	run bash -c "csm-ingest --db '$DB' -o jsonl '$TMP/g.jsonl' | head -n 1 >/dev/null"
	[ "$status" -eq 0 ]
}

@test "tables on a terminal align Chinese text by display width" {
	tickets
	run script -qec "csm-ingest --db '$DB' -c '$CONF' --color never '$TMP/t.jsonl'" /dev/null
	[ "$status" -eq 0 ]
	header=$(printf '%s\n' "$output" | grep '^op ' | tr -d '\r')
	row=$(printf '%s\n' "$output" | grep 'T-000001' | tr -d '\r')
	# "subject" starts at the same display column in both lines.
	hpos=$(printf '%s' "${header%%subject*}" | wc -m)
	rpre="${row%%订单支付失败*}"
	[ "$(printf '%s' "$rpre" | wc -m)" -eq "$hpos" ]
}

@test "CSV output for Excel: BOM, CRLF, formulas defused" {
	echo '{"type":"ticket","source":"web","source_id":"1","subject":"=HYPERLINK(\"x\")"}' >"$TMP/f.jsonl"
	run2 ingest -o csv --bom --crlf --excel-safe "$TMP/f.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s' "$out" | head -c 3 | od -An -tx1 | tr -d ' ')" = efbbbf ]
	[[ "$out" == *$'\r'* ]]
	[[ "$out" == *"\"'=HYPERLINK(\"\"x\"\")\""* ]]
}

@test "the store is created 0600 in the XDG data directory by default" {
	tickets
	run2 csm-ingest -c "$CONF" "$TMP/t.jsonl"
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$XDG_DATA_HOME/csm/csm.db")" = 600 ]
	[ "$(stat -c %a "$XDG_DATA_HOME/csm")" = 700 ]
	CSM_DB="$TMP/env.db" run2 csm-ingest -c "$CONF" "$TMP/t.jsonl"
	[ "$(sqlite3 "$TMP/env.db" 'SELECT count(*) FROM tickets')" -eq 3 ]
}

@test "a busy store exits 75 after the timeout; retrying succeeds" {
	tickets
	ingest "$TMP/t.jsonl" >/dev/null
	echo '{"type":"ticket","source":"web","source_id":"late"}' >"$TMP/l.jsonl"
	(printf 'BEGIN IMMEDIATE;\n'; sleep 3; printf 'COMMIT;\n') | sqlite3 "$DB" &
	sleep 0.5
	CSM_BUSY_TIMEOUT=200 run2 ingest "$TMP/l.jsonl"
	[ "$status" -eq 75 ]
	[[ "$err" == *"store is busy"* ]]
	wait
	run2 ingest "$TMP/l.jsonl"
	[ "$status" -eq 0 ]
	[ "$(q "SELECT count(*) FROM tickets WHERE source_id = 'late'")" -eq 1 ]
}

@test "a store killed with SIGKILL mid-ingest is whole, and a rerun completes it" {
	"$CSM_BIN/csm-gen" -n 60000 >"$TMP/g.jsonl"
	want=$(wc -l <"$TMP/g.jsonl")
	for delay in 0.3 0.8; do
		csm-ingest --db "$DB" --batch 500 "$TMP/g.jsonl" >/dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		[ "$(q 'PRAGMA integrity_check')" = ok ]
	done
	run2 csm-ingest --db "$DB" "$TMP/g.jsonl"
	[ "$status" -eq 0 ]
	[ "$(q 'SELECT count(*) FROM tickets')" -eq "$want" ]
	[ "$(q 'SELECT count(*) FROM (SELECT source, source_id FROM tickets GROUP BY 1, 2 HAVING count(*) > 1)')" -eq 0 ]
	[ -z "$(q 'PRAGMA foreign_key_check')" ]
	# Every identity of the input resolves to exactly one live customer.
	[ "$(q 'SELECT count(*) FROM identities i JOIN customers c ON c.id = i.customer WHERE c.merged_into IS NOT NULL')" -eq 0 ]
	run2 csm-ingest --db "$DB" -v "$TMP/g.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type == "ticket") | .op' | sort | uniq -c | tr -s ' ')" = " $want unchanged" ]
}

@test "config errors name file, line and column and exit 78" {
	printf '[core]\n\ttimezone = Mars/Olympus\n' >"$TMP/bad.conf"
	run2 csm-ingest --db "$DB" -c "$TMP/bad.conf" --check
	[ "$status" -eq 78 ]
	[[ "$err" == *"bad.conf:2:13: unknown time zone 'Mars/Olympus'"* ]]
	printf '[field "serial_no"\n' >"$TMP/bad2.conf"
	run2 csm-ingest -c "$TMP/bad2.conf" --check
	[ "$status" -eq 78 ]
	[[ "$err" == *"bad2.conf:1:19: expected ']' to close the section header"* ]]
	run2 csm-ingest -c "$TMP/none.conf" --check
	[ "$status" -eq 66 ]
	run2 csm-ingest -c "$CONF" --check
	[ "$status" -eq 0 ]
	[ -z "$out$err" ]
	[ ! -e "$DB" ]
}

@test "custom fields are validated as declared; others are kept" {
	cat >"$TMP/f.conf" <<-'EOF'
	[field "serial_no"]
		type = string
		required = true
		pattern = ^SN-[0-9]{4}$
		types = repair
	[field "visit"]
		type = enum
		values = 上门, 寄修
	[field "qty"]
		type = int
	EOF
	printf '%s\n' \
	    '{"type":"ticket","source":"web","source_id":"1","ticket_type":"repair","serial_no":"SN-0001","visit":"上门","qty":"3","color":"red"}' \
	    '{"type":"ticket","source":"web","source_id":"2","ticket_type":"repair"}' \
	    '{"type":"ticket","source":"web","source_id":"3","ticket_type":"repair","serial_no":"X"}' \
	    '{"type":"ticket","source":"web","source_id":"4","visit":"远程"}' \
	    '{"type":"ticket","source":"web","source_id":"5","qty":"many"}' \
	    '{"type":"ticket","source":"web","source_id":"6","ticket_type":"install"}' \
	    >"$TMP/f.jsonl"
	run2 csm-ingest --db "$DB" -c "$TMP/f.conf" "$TMP/f.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"f.jsonl:2: serial_no: required for ticket type 'repair'"* ]]
	[[ "$err" == *'f.jsonl:3: serial_no: "X" does not match ^SN-[0-9]{4}$'* ]]
	[[ "$err" == *'f.jsonl:4: visit: expected one of the declared values, got "远程"'* ]]
	[[ "$err" == *'f.jsonl:5: qty: expected an integer, got "many"'* ]]
	[ "$(q 'SELECT source_id || " " || coalesce(attrs, "") FROM tickets ORDER BY id' | tr '\n' '|')" = '1 {"serial_no":"SN-0001","visit":"上门","qty":3,"color":"red"}|6 |' ]
	[ "$(printf '%s\n' "$out" | jq -c 'select(.source_id=="1") | [.qty, .color]')" = '[3,"red"]' ]
}

@test "a workflow's own stages map to the default statuses" {
	cat >"$TMP/w.conf" <<-'EOF'
	[workflow "repair"]
		status = 受理 new
		status = 派工 open
		status = 上门 open
		status = 维修 on_hold
		status = 回访 resolved
		status = 完成 closed
		transition = 受理 -> 派工 -> 上门 -> 维修 -> 回访 -> 完成
		transition = 回访 -> 维修
	EOF
	printf '%s\n' \
	    '{"type":"ticket","source":"phone","source_id":"r1","thread_id":"r1","ticket_type":"repair","subject":"空调不制冷","created_at":"2026-11-20T09:00:00+08:00"}' \
	    '{"type":"event","source":"phone","thread_id":"r1","action":"status","status":"派工","at":"2026-11-20T10:00:00+08:00"}' \
	    '{"type":"event","source":"phone","thread_id":"r1","action":"status","status":"维修","at":"2026-11-20T11:00:00+08:00"}' \
	    '{"type":"event","source":"phone","thread_id":"r1","action":"status","status":"上门","at":"2026-11-20T12:00:00+08:00"}' \
	    '{"type":"event","source":"phone","thread_id":"r1","action":"status","status":"resolved","at":"2026-11-20T13:00:00+08:00"}' \
	    >"$TMP/w.jsonl"
	run2 csm-ingest --db "$DB" -c "$TMP/w.conf" "$TMP/w.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"w.jsonl:3: status: cannot go from stage '派工' to '维修' in workflow 'repair'"* ]]
	[[ "$err" == *"w.jsonl:5: status: cannot go from stage '上门' to 'resolved' in workflow 'repair'"* ]]
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type=="ticket") | .stage + "/" + .status' | tr '\n' ' ')" = "受理/new 派工/open 上门/open " ]
}

@test "the csm front door runs csm-ingest" {
	run2 csm ingest --version
	[ "$status" -eq 0 ]
	[[ "$out" == "csm-ingest "* ]]
	run2 csm frobnicate
	[ "$status" -eq 64 ]
	[[ "$err" == *"'frobnicate' is not a csm command"* ]]
}

@test "--stats summarizes what was done on stderr" {
	tickets
	run2 ingest -o jsonl --stats "$TMP/t.jsonl"
	[ "$status" -eq 0 ]
	[[ "$err" == *"ticket    3        0        0       0"* ]]
	[[ "$err" == *"3 records read, 0 rejected, 0 skipped"* ]]
}

@test "a reply long after closing starts a linked follow-up in the first stage" {
	cat >"$TMP/w.conf" <<-'EOF2'
	[core]
		reopen_window = 1d
	[workflow "repair"]
		status = 受理 new
		status = 维修 open
		status = 修好 resolved
		status = 关闭 closed
		transition = 受理 -> 维修 -> 修好 -> 关闭
	EOF2
	printf '%s\n' \
	    '{"type":"ticket","source":"chat","source_id":"c1","thread_id":"th","ticket_type":"repair","subject":"坏了","created_at":"2026-11-01T09:00:00Z"}' \
	    '{"type":"event","source":"chat","thread_id":"th","action":"status","stage":"维修","at":"2026-11-01T10:00:00Z"}' \
	    '{"type":"event","source":"chat","thread_id":"th","action":"status","status":"修好","at":"2026-11-01T11:00:00Z"}' \
	    '{"type":"event","source":"chat","thread_id":"th","action":"status","status":"关闭","at":"2026-11-01T12:00:00Z"}' \
	    '{"type":"message","source":"chat","thread_id":"th","source_id":"m1","direction":"in","body":"又坏了","at":"2026-11-10T09:00:00Z"}' \
	    '{"type":"message","source":"chat","thread_id":"th","source_id":"m2","direction":"in","body":"还在吗","at":"2026-11-10T09:05:00Z"}' \
	    >"$TMP/f.jsonl"
	run2 csm-ingest --db "$DB" -c "$TMP/w.conf" "$TMP/f.jsonl"
	[ "$status" -eq 0 ]
	[ "$(q 'SELECT id, source, source_id, stage, status, subject FROM tickets ORDER BY id' | tr '\n' ' ')" = "1|chat|c1|关闭|closed|坏了 2|chat|followup:chat:m1|受理|new|Re: 坏了 " ]
	# Both messages went to the follow-up; the second by its thread.
	[ "$(q 'SELECT group_concat(ticket) FROM messages')" = "2,2" ]
	[ "$(q "SELECT ticket || ':' || field || '=' || new FROM events WHERE action = 'link' ORDER BY id" | tr '\n' ' ')" = "1:follow_up=T-000002 2:follow_up_of=T-000001 " ]
	[ "$(q "SELECT ticket || ':' || kind || '=' || other FROM links ORDER BY ticket" | tr '\n' ' ')" = "1:follow_up=2 2:follow_up_of=1 " ]
}

@test "an order first without a customer is linked when one appears" {
	printf 'type,order_no,product\norder,SO-9,空调\n' >"$TMP/o1.csv"
	printf 'type,order_no,phone\norder,SO-9,13800000001\n' >"$TMP/o2.csv"
	ingest "$TMP/o1.csv" >/dev/null
	[ "$(q 'SELECT customer IS NULL FROM orders')" = 1 ]
	run2 ingest "$TMP/o2.csv"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type == "order") | .op + " " + .customer')" = "updated C-000001" ]
	[ "$(q 'SELECT customer, product FROM orders')" = "1|空调" ]
}

@test "a broken CSV header stops that file only, with its line" {
	printf 'type,source,,subject\nticket,web,1,x\n' >"$TMP/h.csv"
	printf 'type,source,source_id,subject\nticket,web,2,y\n' >"$TMP/g.csv"
	run2 ingest "$TMP/h.csv" "$TMP/g.csv"
	[ "$status" -eq 65 ]
	[[ "$err" == *"h.csv:1: header column 3: empty name"* ]]
	[ "$(q 'SELECT group_concat(source_id) FROM tickets')" = 2 ]
	run2 ingest --strict "$TMP/g.csv" "$TMP/h.csv"
	[ "$status" -eq 65 ]
	[ "$(q 'SELECT count(*) FROM tickets')" -eq 1 ]
}

@test "merging a ticket closes it, logged, and links it to the other" {
	printf '%s\n' \
	    '{"type":"ticket","source":"web","source_id":"a","thread_id":"a","created_at":"2026-11-01T09:00:00Z"}' \
	    '{"type":"ticket","source":"web","source_id":"b","thread_id":"b","created_at":"2026-11-01T09:30:00Z"}' \
	    '{"type":"event","source":"web","thread_id":"b","action":"merge","into":"T-000001","at":"2026-11-01T10:00:00Z","by":"alice","note":"duplicate"}' \
	    >"$TMP/m.jsonl"
	run2 ingest "$TMP/m.jsonl"
	[ "$status" -eq 0 ]
	[ "$(q 'SELECT status, merged_into FROM tickets WHERE id = 2')" = "closed|1" ]
	[ "$(q "SELECT action || ':' || field || ':' || coalesce(old, '') || '>' || new FROM events WHERE ticket = 2 ORDER BY id" | tr '\n' ' ')" = "status:status:new>closed merge:merged_into:>T-000001 " ]
	# The event's own fields are kept with its history entry, and the
	# printed id is that entry's.
	id=$(printf '%s\n' "$out" | jq -r 'select(.type == "event") | .id')
	[ "$(q "SELECT data FROM events WHERE printf('E-%06d', id) = '$id'")" = '{"note":"duplicate"}' ]
}

@test "customer records keep their creation time; new identities touch updated_at" {
	echo '{"type":"customer","crm_id":"K1","name":"甲","created_at":"2025-01-01T00:00:00Z","updated_at":"2026-06-01T00:00:00Z"}' >"$TMP/c.jsonl"
	echo '{"type":"ticket","source":"web","source_id":"x","crm_id":"K1","email":"k@x.com","created_at":"2026-11-01T00:00:00Z"}' >"$TMP/t.jsonl"
	ingest "$TMP/c.jsonl" >/dev/null
	[ "$(q "SELECT datetime(created_at, 'unixepoch'), datetime(updated_at, 'unixepoch') FROM customers")" = "2025-01-01 00:00:00|2026-06-01 00:00:00" ]
	ingest "$TMP/t.jsonl" >/dev/null
	[ "$(q "SELECT datetime(updated_at, 'unixepoch') FROM customers")" = "2026-11-01 00:00:00" ]
}

@test "a file that is not a store is refused with 73" {
	echo "not a database, just text" >"$TMP/text.db"
	tickets
	run2 csm-ingest --db "$TMP/text.db" -c "$CONF" "$TMP/t.jsonl"
	[ "$status" -eq 73 ]
	[[ "$err" == *"not a csm store"* ]]
	[ "$(cat "$TMP/text.db")" = "not a database, just text" ]
}

@test "+86 landlines and mobiles normalize like their national forms" {
	printf '%s\n' \
	    '{"type":"customer","crm_id":"L1","phone":"+86 10 8888 6666"}' \
	    '{"type":"customer","crm_id":"L2","phone":"010-8888-6666"}' >"$TMP/p.jsonl"
	ingest "$TMP/p.jsonl" >/dev/null
	[ "$(q "SELECT value FROM identities WHERE kind = 'phone'")" = 01088886666 ]
	[ "$(q 'SELECT count(*) FROM customers WHERE merged_into IS NULL')" -eq 1 ]
}

@test "progress shows on a terminal for long inputs, never in a pipe" {
	"$CSM_BIN/csm-gen" -n 120000 >"$TMP/g.jsonl"
	run script -qec "csm-ingest --db '$DB' -c '$CONF' -o jsonl '$TMP/g.jsonl' >/dev/null" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"csm-ingest: "*"% "*" records"* ]]
	# The line is erased at the end.
	[[ "$output" == *$'\r\033[K' ]]
	rm -f "$DB"
	run2 csm-ingest --db "$DB" -c "$CONF" "$TMP/g.jsonl"
	[ "$status" -eq 0 ]
	[ -z "$err" ]
}

@test "required fields bind records that create, not updates of known tickets" {
	printf '[field "serial_no"]\n\trequired = true\n\ttypes = repair\n[field "amount"]\n\ttype = number\n\tpattern = ^[1-9]\n' >"$TMP/r.conf"
	printf '%s\n' \
	    '{"type":"ticket","source":"web","source_id":"r1","ticket_type":"repair","serial_no":"SN-1","created_at":"2026-11-01T00:00:00Z"}' \
	    '{"type":"ticket","source":"web","source_id":"r1","ticket_type":"repair","priority":"high","updated_at":"2026-11-02T00:00:00Z"}' \
	    '{"type":"ticket","source":"web","source_id":"r2","ticket_type":"repair"}' \
	    '{"type":"ticket","source":"web","source_id":"r3","amount":"5.5"}' \
	    '{"type":"ticket","source":"web","source_id":"r4","amount":"0.5"}' \
	    >"$TMP/r.jsonl"
	run2 csm-ingest --db "$DB" -c "$TMP/r.conf" "$TMP/r.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"r.jsonl:3: serial_no: required for ticket type 'repair'"* ]]
	[[ "$err" == *'r.jsonl:5: amount: "0.5" does not match ^[1-9]'* ]]
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 2 ]
	[ "$(q "SELECT source_id || ':' || priority FROM tickets ORDER BY id" | tr '\n' ' ')" = "r1:high r3:normal " ]
}

@test "reopen needs a resolved or closed ticket; an event that changes nothing writes nothing" {
	printf '%s\n' \
	    '{"type":"ticket","source":"web","source_id":"a","thread_id":"a","assignee":"al","created_at":"2026-11-01T00:00:00Z"}' \
	    '{"type":"event","source":"web","thread_id":"a","action":"reopen","at":"2026-11-01T01:00:00Z"}' \
	    '{"type":"event","source":"web","thread_id":"a","action":"assign","assignee":"al","at":"2026-11-01T02:00:00Z"}' \
	    >"$TMP/e.jsonl"
	run2 ingest "$TMP/e.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"e.jsonl:2: action: only a resolved or closed ticket can be reopened, not one in 'new'"* ]]
	# The assign to whom it already had changes nothing and writes
	# nothing: no event line, no ticket line, no event row.
	[ "$(printf '%s\n' "$out" | jq -r '.op + " " + .type' | tr '\n' ,)" = "created ticket," ]
	[ "$(q "SELECT datetime(updated_at, 'unixepoch') FROM tickets")" = "2026-11-01 00:00:00" ]
	[ "$(q "SELECT count(*) FROM events")" -eq 0 ]
	# Read again later, when it would be stale, it still changes nothing.
	printf '%s\n' '{"type":"ticket","source":"web","source_id":"a","subject":"later","updated_at":"2026-11-05T00:00:00Z"}' >"$TMP/l.jsonl"
	sed -n 3p "$TMP/e.jsonl" >"$TMP/a.jsonl"
	run2 ingest "$TMP/l.jsonl" "$TMP/a.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -r '.op + " " + .type' | tr '\n' ,)" = "updated ticket," ]
	[ "$(q "SELECT count(*) FROM events WHERE action = 'assign'")" -eq 0 ]
}

@test "--strict names a broken header before rolling back" {
	printf 'type,source,,subject\nticket,web,1,x\n' >"$TMP/h.csv"
	run2 ingest --strict "$TMP/h.csv"
	[ "$status" -eq 65 ]
	[[ "$err" == *"h.csv:1: header column 3: empty name"* ]]
	[[ "$err" == *"--strict: nothing was stored"* ]]
}
