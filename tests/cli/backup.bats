#!/usr/bin/env bats
# csm backup: online copies of the store, restored and compared.

load helper

# dump DB: every table in a fixed order, as text.
dump() {
	sqlite3 -batch "$1" <"$BATS_TEST_DIRNAME/../data/upgrade/dump.sql"
}

@test "a backup of a quiet store holds exactly what the store holds, 0600" {
	S="$BATS_TEST_DIRNAME/../../sample"
	ingest -q "$S/tickets.jsonl" "$S/tickets.csv" "$S/messages.jsonl" >/dev/null
	run2 csm backup --db "$DB" "$TMP/copy.db"
	[ "$status" -eq 0 ]
	[ -z "$out" ]
	[ -z "$err" ]
	[ "$(stat -c %a "$TMP/copy.db")" = 600 ]
	[ "$(sqlite3 "$TMP/copy.db" 'PRAGMA integrity_check')" = ok ]
	[ "$(sqlite3 "$TMP/copy.db" 'SELECT count(*) FROM tickets')" = 2000 ]
	dump "$DB" >"$TMP/a"
	dump "$TMP/copy.db" >"$TMP/b"
	cmp "$TMP/a" "$TMP/b"
	[ "$(sqlite3 "$TMP/copy.db" 'PRAGMA user_version')" = "$(q 'PRAGMA user_version')" ]
	# CSM_DB names the store as for every tool.
	CSM_DB="$DB" run2 csm backup "$TMP/copy2.db"
	[ "$status" -eq 0 ]
	dump "$TMP/copy2.db" | cmp - "$TMP/a"
}

@test "a backup taken during an ingest is consistent; restored and re-ingested it equals the store" {
	"$CSM_BIN/csm-gen" -n 40000 -s 3 >"$TMP/big.jsonl"
	ingest -q --batch 2000 "$TMP/big.jsonl" >/dev/null &
	pid=$!
	# Wait until the first batches are committed, then copy.
	for _ in $(seq 200); do
		n=$(q 'SELECT count(*) FROM tickets' 2>/dev/null || echo 0)
		[ "${n:-0}" -gt 0 ] && break
		sleep 0.05
	done
	run2 csm backup --db "$DB" "$TMP/mid.db"
	wait "$pid"
	[ "$status" -eq 0 ]
	[ "$(sqlite3 "$TMP/mid.db" 'PRAGMA integrity_check')" = ok ]
	[ -z "$(sqlite3 "$TMP/mid.db" 'PRAGMA foreign_key_check')" ]
	n=$(sqlite3 "$TMP/mid.db" 'SELECT count(*) FROM tickets')
	# A snapshot between two commits: the first n tickets of the input,
	# whole.  (Not a multiple of --batch: a transaction is also committed
	# after holding the lock a second, which a slow machine reaches.)
	[ "$n" -gt 0 ]
	[ "$(sqlite3 "$TMP/mid.db" 'SELECT max(id) FROM tickets')" -eq "$n" ]
	[ "$(sqlite3 "$TMP/mid.db" 'SELECT source_id FROM tickets WHERE id = (SELECT max(id) FROM tickets)')" = \
	    "$(sed -n "${n}p" "$TMP/big.jsonl" | jq -r .source_id)" ]
	[ "$(sqlite3 "$TMP/mid.db" 'SELECT count(*) FROM tickets WHERE customer IS NOT NULL AND customer NOT IN (SELECT id FROM customers)')" -eq 0 ]
	echo "# backup taken with $n of 40000 tickets in" >&3
	# Restore it as the procedure in csm(7) says, and ingest the same
	# input again: the result is the store the uninterrupted run made.
	cp -p "$TMP/mid.db" "$TMP/restored.db"
	csm-ingest --db "$TMP/restored.db" -c "$CONF" \
	    --now 2026-11-23T12:00:00+08:00 -q "$TMP/big.jsonl" >/dev/null
	dump "$DB" >"$TMP/a"
	dump "$TMP/restored.db" >"$TMP/b"
	cmp "$TMP/a" "$TMP/b"
}

@test "an old store is copied at its own version" {
	cp "$DATA/upgrade/store-v1.db" "$TMP/v1.db"
	run2 csm backup --db "$TMP/v1.db" "$TMP/copy.db"
	[ "$status" -eq 0 ]
	[ "$(sqlite3 "$TMP/copy.db" 'PRAGMA user_version')" = 1 ]
	dump "$TMP/v1.db" | cmp - <(dump "$TMP/copy.db")
}

@test "backup refuses to overwrite, a missing store, and bad usage" {
	ingest -q /dev/null
	: >"$TMP/exists.db"
	run2 csm backup --db "$DB" "$TMP/exists.db"
	[ "$status" -eq 73 ]
	[[ "$err" == *"csm backup: $DB -> $TMP/exists.db: the copy exists: a backup never overwrites a file"* ]]
	[ ! -s "$TMP/exists.db" ]
	run2 csm backup --db "$TMP/none.db" "$TMP/c.db"
	[ "$status" -eq 66 ]
	[[ "$err" == *"none.db -> $TMP/c.db: no store there"* ]]
	[ ! -e "$TMP/c.db" ]
	run2 csm backup --db "$DB" "$TMP/no/such/dir/c.db"
	[ "$status" -eq 73 ]
	[[ "$err" == *"cannot create the copy: No such file or directory"* ]]
	printf 'not a database, just text\n' >"$TMP/text"
	run2 csm backup --db "$TMP/text" "$TMP/c.db"
	[ "$status" -ne 0 ]
	[ ! -e "$TMP/c.db" ]
	run2 csm backup
	[ "$status" -eq 64 ]
	[[ "$err" == *"csm backup: a file to copy into is needed"* ]]
	run2 csm backup a b
	[ "$status" -eq 64 ]
	run2 csm backup --frob x
	[ "$status" -eq 64 ]
	run2 csm backup --help
	[ "$status" -eq 0 ]
	[ "${out%%$'\n'*}" = "usage: csm backup [--db FILE] FILE" ]
	run2 csm backup --db "$DB" /dev/full/x
	[ "$status" -eq 73 ]
}
