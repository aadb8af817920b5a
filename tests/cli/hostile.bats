#!/usr/bin/env bats
# Hostile input, per tool: each case ends in a clear error or correct
# handling, never a crash and never a hang.  Every command runs under
# timeout(1) so that a hang fails the test instead of stalling the suite
# (a guard, not a timing assertion: the limits are minutes).  More cases
# for csm-ingest (10 MB fields, NUL bytes, 100,000-deep arrays, SQL and
# format strings in values, GBK) are in ingest.bats.

load helper

# hingest ARGS...: ingest under a generous time limit.
hingest() {
	timeout 300 csm-ingest --db "$DB" -c "$CONF" \
	    --now 2026-11-23T12:00:00+08:00 "$@"
}

ticket() {	# ticket ID [MORE-JSON]
	printf '{"type":"ticket","source":"web","source_id":"%s"%s}\n' "$1" "${2:-}"
}

@test "csm-ingest: overlong UTF-8 and surrogates are refused by line; the rest goes in" {
	{
		ticket 1 ',"subject":"'$'\xc0\xaf''"'
		ticket 2 ',"subject":"'$'\xe0\x80\xaf''"'
		ticket 3 ',"subject":"'$'\xed\xa0\x80''"'
		ticket 4 ',"subject":"'$'\xf4\x90\x80\x80''"'
		ticket 5 ',"subject":"ok 好"'
	} >"$TMP/o.jsonl"
	run2 hingest "$TMP/o.jsonl"
	[ "$status" -eq 65 ]
	for n in 1 2 3 4; do
		[[ "$err" == *"o.jsonl:$n: "* ]]
	done
	[ "$(q 'SELECT group_concat(source_id) FROM tickets')" = 5 ]
	printf 'type,source,source_id,subject\nticket,web,6,\xc0\xaf\nticket,web,7,\xed\xbf\xbf\nticket,web,8,fine\n' >"$TMP/o.csv"
	run2 hingest "$TMP/o.csv"
	[ "$status" -eq 65 ]
	[[ "$err" == *"o.csv:2: subject: invalid UTF-8 at byte 1"* ]]
	[[ "$err" == *"o.csv:3: subject: invalid UTF-8 at byte 1"* ]]
	[ "$(q "SELECT count(*) FROM tickets WHERE source_id = '8'")" = 1 ]
}

@test "csm-ingest: a CSV of 100,000 columns goes in; a row of the wrong width is refused" {
	{
		printf 'type,source,source_id'
		seq 1 100000 | sed 's/^/,c/' | tr -d '\n'
		printf '\nticket,web,wide'
		yes ,v | head -n 100000 | tr -d '\n'
		printf '\nticket,web,short\n'
	} >"$TMP/wide.csv"
	run2 hingest "$TMP/wide.csv"
	[ "$status" -eq 65 ]
	[[ "$err" == *"wide.csv:3: expected 100003 fields, got 3"* ]]
	[ "$(q "SELECT json_extract(attrs, '\$.c99999') FROM tickets WHERE source_id = 'wide'")" = v ]
	# A duplicate name far along the header is found and named.
	{
		printf 'type,source,source_id'
		seq 1 100000 | sed 's/^/,c/' | tr -d '\n'
		printf ',c5\nticket,web,x\n'
	} >"$TMP/dup.csv"
	run2 hingest "$TMP/dup.csv"
	[ "$status" -eq 65 ]
	[[ "$err" == *"dup.csv:1: header column 100004: duplicate name 'c5'"* ]]
}

@test "csm-ingest: a JSON record of 100,000 keys and a 100,000-deep value" {
	{
		printf '{"type":"ticket","source":"web","source_id":"keys"'
		seq 1 100000 | sed 's/.*/,"k&":"v"/' | tr -d '\n'
		printf '}\n'
		printf '{"type":"ticket","source":"web","source_id":"deep","attrs":'
		repeat '[' 100000
		repeat ']' 100000
		printf '}\n'
		ticket after
	} >"$TMP/k.jsonl"
	run2 hingest "$TMP/k.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *"k.jsonl:2: invalid JSON"* ]]
	[ "$(q "SELECT json_extract(attrs, '\$.k100000') FROM tickets WHERE source_id = 'keys'")" = v ]
	[ "$(q 'SELECT group_concat(source_id) FROM (SELECT source_id FROM tickets ORDER BY id)')" = keys,after ]
}

@test "csm-ingest: CSV without a final newline, and an unterminated quote at the end" {
	printf 'type,source,source_id,subject\nticket,web,1,last' >"$TMP/n.csv"
	run2 hingest "$TMP/n.csv"
	[ "$status" -eq 0 ]
	[ "$(q 'SELECT subject FROM tickets')" = last ]
	printf 'type,source,source_id,subject\nticket,web,2,ok\nticket,web,3,"never closed\nstill going' >"$TMP/u.csv"
	run2 hingest "$TMP/u.csv"
	[ "$status" -eq 65 ]
	[[ "$err" == *"u.csv:3: "*"quote"* ]]
	[ "$(q "SELECT count(*) FROM tickets WHERE source_id IN ('2', '3')")" = 1 ]
}

@test "csm-ingest: header names that look like SQL, format directives or shell are kept verbatim" {
	printf '%s\n' 'type,source,source_id,"x""; DROP TABLE tickets; --",%s%n%x,$(touch pwned),`id`' \
	    'ticket,web,1,a,b,c,d' >"$TMP/h.csv"
	cd "$TMP"
	run2 hingest "$TMP/h.csv"
	[ "$status" -eq 0 ]
	[ ! -e "$TMP/pwned" ]
	[ "$(q 'SELECT count(*) FROM tickets')" = 1 ]
	[ "$(q "SELECT group_concat(key, '|') FROM (SELECT key FROM tickets, json_each(tickets.attrs) ORDER BY key)")" = '$(touch pwned)|%s%n%x|`id`|x"; DROP TABLE tickets; --' ]
	# And in a file name, in messages.
	ticket 2 ',"source":"%s%n"' >"$TMP/%s%n%x.jsonl"
	printf '{"type":"ticket"}\n' >>"$TMP/%s%n%x.jsonl"
	run2 hingest "$TMP/%s%n%x.jsonl"
	[ "$status" -eq 65 ]
	[[ "$err" == *'%s%n%x.jsonl:2: source: missing'* ]]
}

@test "csm-ingest: absurd times are refused with the range; leap seconds read as :59" {
	{
		ticket y0 ',"created_at":"0000-01-01T00:00:00Z"'
		ticket y9999 ',"created_at":"9999-12-31T23:59:59Z"'
		ticket epoch ',"created_at":"1970-01-01T00:00:00Z"'
		ticket int0 ',"created_at":0'
		ticket intmax ',"created_at":9223372036854775807'
		ticket neg ',"created_at":-62135596800'
		ticket feb29 ',"created_at":"2026-02-29T10:00:00+08:00"'
		ticket h24 ',"created_at":"2026-11-20T24:00:00+08:00"'
		ticket y5 ',"created_at":"10000-01-01T00:00:00Z"'
		ticket leap ',"created_at":"2016-12-31T23:59:60Z"'
		ticket last ',"created_at":"9999-12-30T00:00:00Z"'
		ticket first ',"created_at":1'
	} >"$TMP/d.jsonl"
	run2 hingest "$TMP/d.jsonl"
	[ "$status" -eq 65 ]
	range='is out of range (1970-01-01T00:00:01Z to 9999-12-30T00:00:00Z)'
	[[ "$err" == *"d.jsonl:1: created_at: 0000-01-01T00:00:00+00:00 $range"* ]]
	[[ "$err" == *"d.jsonl:2: created_at: 9999-12-31T23:59:59+00:00 $range"* ]]
	[[ "$err" == *"d.jsonl:3: created_at: 1970-01-01T00:00:00+00:00 $range"* ]]
	[[ "$err" == *"d.jsonl:4: created_at: 1970-01-01T00:00:00+00:00 $range"* ]]
	[[ "$err" == *"d.jsonl:5: created_at: 9223372036854775807 $range"* ]]
	[[ "$err" == *"d.jsonl:6: created_at: 0001-01-01T00:00:00+00:00 $range"* ]]
	[[ "$err" == *'d.jsonl:7: created_at: not a time: "2026-02-29T10:00:00+08:00" (no day 29 in 2026-02)'* ]]
	[[ "$err" == *'d.jsonl:8: created_at: not a time: "2026-11-20T24:00:00+08:00" (hour 24)'* ]]
	[[ "$err" == *'d.jsonl:9: created_at: not a time: "10000-01-01T00:00:00Z"'* ]]
	[ "$(printf '%s\n' "$err" | grep -c 'd.jsonl:')" -eq 9 ]
	[ "$(q "SELECT group_concat(source_id || '=' || created_at) FROM (SELECT * FROM tickets ORDER BY id)")" = leap=1483228799,last=253402128000,first=1 ]
	# Year 1 in Shanghai is still year 0 in UTC (local mean time,
	# +08:05:43).
	run2 hingest --now 0001-01-01 /dev/null
	[ "$status" -eq 64 ]
	[[ "$err" == *"--now: 0000-12-31T15:54:17+00:00 $range"* ]]
}

@test "csm-ingest: a --where nested 50,000 deep is refused, not a stack overflow" {
	w=$(repeat '(' 50000)1$(repeat ')' 50000)
	run2 hingest --where "$w" /dev/null
	[ "$status" -eq 64 ]
	[[ "$err" == *"--where: column 257: expression nested too deeply"* ]]
	# Runs of "not" collapse instead of nesting: 30,000 of them are
	# true, 30,001 false.
	ticket 1 >"$TMP/t.jsonl"
	run2 hingest --where "$(repeat 'not ' 30001)true" "$TMP/t.jsonl"
	[ "$status" -eq 0 ]
	[ "$(q 'SELECT count(*) FROM tickets')" = 0 ]
	run2 hingest --where "$(repeat 'not ' 30000)true" "$TMP/t.jsonl"
	[ "$status" -eq 0 ]
	[ "$(q 'SELECT count(*) FROM tickets')" = 1 ]
}

@test "csm-ingest: a config that includes itself, or holds NUL, is refused (78)" {
	printf '[include]\n\tpath = %s\n' "$TMP/self.conf" >"$TMP/self.conf"
	run2 timeout 60 csm-ingest --db "$DB" -c "$TMP/self.conf" --check
	[ "$status" -eq 78 ]
	[[ "$err" == *"self.conf:2:9: includes nested deeper than 10 (a loop?)"* ]]
	printf '[core]\n\ttimezone = Asia/Shanghai\000\n' >"$TMP/nul.conf"
	run2 timeout 60 csm-ingest --db "$DB" -c "$TMP/nul.conf" --check
	[ "$status" -eq 78 ]
	[[ "$err" == *"nul.conf:2:26: NUL byte"* ]]
	printf '[core]\n\ttimezone = ../../../../etc/passwd\n' >"$TMP/tz.conf"
	run2 timeout 60 csm-ingest --db "$DB" -c "$TMP/tz.conf" --check
	[ "$status" -eq 78 ]
	[[ "$err" == *"unknown time zone '../../../../etc/passwd'"* ]]
}

@test "csm-ingest: the store and the rejects file are 0600 even under umask 000" {
	ticket 1 >"$TMP/ok.jsonl"
	printf 'not json\n' >>"$TMP/ok.jsonl"
	run2 sh -c 'umask 000 && exec "$@"' sh timeout 60 csm-ingest \
	    --db "$TMP/new/dir/csm.db" --rejects "$TMP/rej" "$TMP/ok.jsonl"
	[ "$status" -eq 65 ]
	[ "$(stat -c %a "$TMP/new/dir/csm.db")" = 600 ]
	[ "$(stat -c %a "$TMP/rej")" = 600 ]
	for f in "$TMP/new/dir/csm.db"-*; do
		[ ! -e "$f" ] || [ "$(stat -c %a "$f")" = 600 ]
	done
	[ "$(cat "$TMP/rej")" = "not json" ]
}
