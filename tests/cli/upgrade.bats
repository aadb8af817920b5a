#!/usr/bin/env bats
# Upgrades: a store made by the first schema version (tests/data/upgrade,
# committed, never regenerated) opened with the current tools.

load helper

V1="$BATS_TEST_DIRNAME/../data/upgrade"

# v1dump DB: every table of schema version 1, in a fixed order.
v1dump() {
	sqlite3 -batch "$1" <"$V1/dump.sql"
}

setup_v1() {
	cp "$V1/store-v1.db" "$DB"
	chmod 600 "$DB"
	# What version 1 stored, read by sqlite3 alone from a pristine copy.
	cp "$V1/store-v1.db" "$TMP/pristine.db"
	v1dump "$TMP/pristine.db" >"$TMP/before"
	[ "$(sqlite3 "$TMP/pristine.db" 'PRAGMA user_version')" = 1 ]
	[ "$(sqlite3 "$TMP/pristine.db" 'SELECT count(*) FROM tickets')" = 300 ]
}

@test "a version 1 store is upgraded in place and keeps every row" {
	setup_v1
	run2 ingest --stats /dev/null
	[ "$status" -eq 0 ]
	[ -z "$out" ]
	latest=$(q 'PRAGMA user_version')
	[ "$latest" -ge 2 ]
	v1dump "$DB" >"$TMP/after"
	diff "$TMP/before" "$TMP/after"
	# The upgrade is recorded, from version 2 on.
	[ "$(q 'SELECT min(version), max(version), count(*) FROM schema_history')" = "2|$latest|$((latest - 1))" ]
	[ "$(q "SELECT count(*) FROM schema_history WHERE by LIKE 'csm %' AND applied_at > 1700000000")" = $((latest - 1)) ]
	[ "$(q 'PRAGMA integrity_check')" = ok ]
	[ -z "$(q 'PRAGMA foreign_key_check')" ]
	[ "$(stat -c %a "$DB")" = 600 ]
}

@test "after the upgrade the same input changes nothing and new input goes in" {
	setup_v1
	run2 ingest -v "$V1/tickets.csv"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | jq -r .op | sort | uniq -c | awk '{print $1, $2}')" = "60 unchanged" ]
	[ "$(q 'SELECT count(*) FROM tickets')" = 300 ]
	# A known customer's phone links a new ticket to them.
	phone=$(q "SELECT value FROM identities WHERE kind = 'phone' LIMIT 1")
	cust=$(q "SELECT customer FROM identities WHERE kind = 'phone' AND value = '$phone'")
	printf '{"type":"ticket","source":"web","source_id":"after-upgrade","subject":"hello","phone":"%s","created_at":"2026-11-23T10:00:00+08:00"}\n' "$phone" >"$TMP/new.jsonl"
	run2 ingest "$TMP/new.jsonl"
	[ "$status" -eq 0 ]
	[ "$(field op)" = created ]
	[ "$(field customer)" = "$(printf 'C-%06d' "$cust")" ]
	[ "$(q 'SELECT count(*) FROM tickets')" = 301 ]
}

@test "a failed upgrade leaves the store at version 1, untouched" {
	setup_v1
	# A table of the same name as one that version 2 creates makes the
	# migration fail half-way.
	sqlite3 "$DB" 'CREATE TABLE schema_history (x); INSERT INTO schema_history VALUES (42)'
	run2 ingest /dev/null
	[ "$status" -eq 73 ]
	[[ "$err" == *"cannot upgrade the store from schema version 1 to 2, left at 1: "*"schema_history already exists"* ]]
	[ "$(q 'PRAGMA user_version')" = 1 ]
	[ "$(q 'SELECT x FROM schema_history')" = 42 ]
	v1dump "$DB" >"$TMP/after"
	diff "$TMP/before" "$TMP/after"
	[ "$(q 'PRAGMA integrity_check')" = ok ]
}

@test "a store from a newer csm is refused" {
	setup_v1
	sqlite3 "$DB" 'PRAGMA user_version = 999'
	run2 ingest /dev/null
	[ "$status" -eq 73 ]
	[[ "$err" == *"schema version 999, newer than this csm"* ]]
	[ "$(q 'PRAGMA user_version')" = 999 ]
}
