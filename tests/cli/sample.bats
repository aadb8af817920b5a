#!/usr/bin/env bats
# The bundled sample: reproducible, and it goes in whole.

load helper

@test "the generator reproduces the bundled sample byte for byte" {
	run2 "$CSM_BIN/csm-gen" -n 2000 -s 1 -o "$TMP/sample"
	[ "$status" -eq 0 ]
	for f in tickets.jsonl tickets.csv customers.csv orders.csv \
	    messages.jsonl events.jsonl surveys.jsonl; do
		cmp "$TMP/sample/$f" "$BATS_TEST_DIRNAME/../../sample/$f"
	done
}

@test "the whole sample goes in without a rejected record, twice" {
	cd "$BATS_TEST_DIRNAME/../../sample"
	files="tickets.jsonl tickets.csv customers.csv orders.csv messages.jsonl events.jsonl surveys.jsonl"
	# shellcheck disable=SC2086
	run2 csm-ingest --db "$DB" -c csm.conf $files
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	[ "$(q "SELECT count(*) FROM tickets WHERE source_id NOT LIKE 'followup:%'")" -eq 2000 ]
	[ "$(q "SELECT count(*) FROM tickets WHERE ticket_type = 'repair' AND stage IS NULL")" -eq 0 ]
	[ "$(q 'SELECT count(*) FROM messages')" -eq "$(wc -l <messages.jsonl)" ]
	[ "$(q 'SELECT count(*) FROM surveys')" -eq "$(wc -l <surveys.jsonl)" ]
	before=$(sqlite3 "$DB" .dump | md5sum)
	# shellcheck disable=SC2086
	run2 csm-ingest --db "$DB" -c csm.conf $files
	[ "$status" -eq 0 ]
	[ -z "$out" ]
	[ "$(sqlite3 "$DB" .dump | md5sum)" = "$before" ]
}

@test "make demo runs to its end" {
	run2 "$BATS_TEST_DIRNAME/../../scripts/demo" "${CSM_BIN%/bin}"
	[ "$status" -eq 0 ]
	[[ "$out" == *"lines printed: 0"* ]]
	[[ "$out" == *"exit status 65; rejects.jsonl holds 2 lines"* ]]
}

@test "what is printed for a new ticket is what the store then holds" {
	cd "$BATS_TEST_DIRNAME/../../sample"
	run2 csm-ingest --db "$DB" -c csm.conf tickets.jsonl tickets.csv
	[ "$status" -eq 0 ]
	printf '%s\n' "$out" | jq -c 'select(.type == "ticket") | del(.op, .customer)' |
	    sort >"$TMP/created"
	[ "$(wc -l <"$TMP/created")" -eq 2000 ]
	# A rerun with -v prints every ticket read back from the store
	# (customers may differ: some were merged after their first ticket).
	run2 csm-ingest --db "$DB" -c csm.conf -v tickets.jsonl tickets.csv
	[ "$status" -eq 0 ]
	printf '%s\n' "$out" | jq -c 'select(.type == "ticket") | del(.op, .customer)' |
	    sort >"$TMP/stored"
	cmp "$TMP/created" "$TMP/stored"
}
