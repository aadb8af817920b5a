#!/usr/bin/env bats
# The expression language as csm-ingest --where shows it (csm(7)
# EXPRESSIONS): the same answers under any locale, failed computations,
# numbers, columns and durations.

load helper

W1='{"type":"ticket","source":"web","source_id":"w1","subject":"退款","created_at":"2026-11-20T09:30:00+08:00","城市":"上海","n":1e21}'
W2='{"type":"ticket","source":"web","source_id":"w2","subject":"退款申请","created_at":"2026-11-20T09:30:00+08:00","closed_at":"2026-11-20T10:30:00+08:00"}'
W3='{"type":"ticket","source":"web","source_id":"w3","subject":"Refund","created_at":1795138200,"n":"0x1A"}'

wtickets() {
	printf '%s\n%s\n%s\n' "$W1" "$W2" "$W3" >"$TMP/w.jsonl"
}

# ids EXPR [ENV...]: the source_ids --where EXPR ingests, comma-separated.
ids() {
	local expr=$1
	shift
	rm -f "$DB"
	env "$@" csm-ingest --db "$DB" -c "$CONF" \
	    --now 2026-11-20T12:00:00+08:00 --where "$expr" "$TMP/w.jsonl" \
	    >/dev/null || return
	q 'SELECT group_concat(source_id) FROM (SELECT source_id FROM tickets ORDER BY id)'
}

@test "--where: a regular expression means the same in every locale" {
	wtickets
	for loc in C C.UTF-8 POSIX ''; do
		[ "$(ids 'subject ~ "^退.$"' LC_ALL="$loc")" = w1 ]
		[ "$(ids 'subject ~ "^[一-龥]+$"' LC_ALL="$loc")" = w1,w2 ]
		[ "$(ids 'subject ~* "^REFUND$"' LC_ALL="$loc")" = w3 ]
	done
	[ "$(ids 'subject ~ "^退.$"' -u LC_ALL -u LANG -u LC_CTYPE)" = w1 ]
}

@test "--where: a bad regular expression names its column and character" {
	run2 ingest --where 'subject ~ "退("' /dev/null
	[ "$status" -eq 64 ]
	[[ "$err" == *"--where: column 11: invalid regular expression: missing closing parenthesis at character 3"* ]]
}

@test "--where: a failed computation matches nothing, a missing field only null" {
	wtickets
	[ -z "$(ids 'closed_at = created_at + 3600')" ]
	# w3's created_at is epoch seconds: a number, to which 3600 adds.
	[ "$(ids 'closed_at != created_at + 3600')" = w3 ]
	[ "$(ids 'closed_at = created_at + 1h')" = w2 ]
	[ "$(ids 'closed_at = null')" = w1,w3 ]
	[ "$(ids 'created_at + 1h < 2026-11-20T11:00:00+08:00')" = w1,w2,w3 ]
	run2 ingest --where 'closed_at = 2026-11-20T09:30+8' /dev/null
	[ "$status" -eq 64 ]
	[[ "$err" == *"--where: column 13: invalid time '2026-11-20T09:30+8'"* ]]
}

@test "--where: numbers are decimal, and matched in plain decimal" {
	wtickets
	[ -z "$(ids 'n ~ "e"')" ]
	[ "$(ids 'n ~ "^1000000000000000000000$"')" = w1 ]
	[ -z "$(ids 'n = 26')" ]
}

@test "--where: columns count characters; durations may have spaces" {
	run2 ingest --where '城市 = ' /dev/null
	[ "$status" -eq 64 ]
	[[ "$err" == *"--where: column 6: expected a value after '='"* ]]
	wtickets
	[ "$(ids 'age < 1d 2h and age > 2h 29m')" = w1,w2,w3 ]
	[ -z "$(ids 'age > 1d 2h')" ]
}

@test "--where: a regular expression stopped at its limit matches nothing, with one warning" {
	printf '{"type":"ticket","source":"web","source_id":"r%d","subject":"%s"}\n' \
	    1 "$(repeat a 40)c" 2 "$(repeat a 41)c" 3 "ok" >"$TMP/r.jsonl"
	run2 ingest --where 'subject ~ "(a+)+$" or subject = "ok"' "$TMP/r.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -r 'select(.type == "ticket") | .source_id')" = r3 ]
	[ "$err" = "csm-ingest: warning: regular expression '(a+)+\$' stopped at its limit; the value counts as not matching" ]
}

@test "built-in integers read numbers as custom ones do: 42.0 yes, ' 42' and 0x1A no" {
	printf '%s\n' '{"type":"ticket","source":"web","source_id":"1"}' \
	    '{"type":"survey","ticket":"T-1","kind":"nps","score":"9.0"}' \
	    '{"type":"survey","ticket":"T-1","kind":"csat","score":" 4"}' \
	    '{"type":"survey","ticket":"T-1","kind":"csat","score":"0x4"}' >"$TMP/s.jsonl"
	run2 ingest "$TMP/s.jsonl"
	[ "$status" -eq 65 ]
	[ "$(q 'SELECT kind || score FROM surveys')" = nps9 ]
	[[ "$err" == *'s.jsonl:3: score: expected an integer, got " 4"'* ]]
	[[ "$err" == *'s.jsonl:4: score: expected an integer, got "0x4"'* ]]
}
