# shellcheck shell=bash
# tests/crash/cases/ingest.sh - the crash case of csm-ingest, loaded by
# tests/crash/run (see tests/crash/README.md for the interface).
#
# The input is what a desk would load into a new store: a csm-gen data set
# (tickets from two files, the CRM's customers, the ERP's orders, the
# channels' messages, lifecycle events and survey answers, customers
# merged across channels), then late.jsonl, a later export that takes the
# paths the generated data does not: customer replies that reopen resolved
# tickets or start follow-ups of tickets closed long ago, reopen, link,
# merge, escalate, priority, transfer and unassign events, stale events,
# ticket updates that tie two customers together, replaced survey answers
# and updated orders.  About 55,000 records, about 1 s of work.

# Variants: the default batches, a small --batch (many commits, so that
# kills land between them and inside them) and --strict (one transaction
# for everything).  The expected store is the same for all three.
# shellcheck disable=SC2034 # read by tests/crash/run
case_variants="default batch500 strict"

# The number of generated tickets: 8,000 make a run of about 1 s.
ingest_tickets=${CRASH_INGEST_TICKETS:-8000}

# The clock of every run.  Records without a time of their own (the CRM's
# customers and the profile, identity and merge events they cause) take
# the current time; two clean runs without --now differ in exactly these
# columns (and in schema_history.applied_at, see case_dump):
# customers.created_at, customers.updated_at and events.at of those
# customer events.  Pinning the clock, rather than leaving them out of
# the dump, keeps them under comparison.
ingest_now=2026-11-25T00:00:00+08:00

ingest_files="tickets.jsonl tickets.csv customers.csv orders.csv
messages.jsonl events.jsonl surveys.jsonl late.jsonl"

# ingest_q DB SQL: one query, plain text, no header.
ingest_q() {
	sqlite3 -batch -bail -noheader -list "$1" "$2"
}

# case_setup DIR: writes the input into DIR (the current directory).
case_setup() {
	local dir=$1 f

	"$CRASH_BIN/csm-gen" -o "$dir" -n "$ingest_tickets" -s 7 || return
	# The sample configuration: Asia/Shanghai, a 14-day reopen window,
	# the repair workflow and the serial_no field the generated repair
	# tickets need.
	cp "$CRASH_TOP/sample/csm.conf" "$dir/csm.conf" || return
	# late.jsonl is made from the store that the generated files give,
	# so that each of its records is legal when it comes.
	: >"$dir/late.jsonl"
	(
		cd "$dir" || exit
		# shellcheck disable=SC2086
		exec "$CRASH_BIN/csm-ingest" --db "$dir/scratch.db" -c csm.conf \
		    -q --now "$ingest_now" $ingest_files >/dev/null
	) || return
	ingest_late "$dir/scratch.db" >"$dir/late.jsonl" || return
	for f in scratch.db scratch.db-wal scratch.db-shm; do
		rm -f "${dir:?}/$f"
	done
	[ -s "$dir/late.jsonl" ]
}

# ingest_late DB: the late export, as JSON Lines, from the store DB.  Its
# times are 2026-11-22 and later, after everything generated; the
# residues pick disjoint sets of tickets for the different actions.
ingest_late() {
	ingest_q "$1" "
	WITH t0(b) AS (SELECT CAST(strftime('%s', '2026-11-22 01:00:00')
	    AS INTEGER)),
	late(at, line) AS (
	-- A customer writes again: an open ticket gets a message, a resolved
	-- one is reopened, one closed more than 14 days ago starts a
	-- follow-up ticket linked to it.
	SELECT b + id, json_object('type', 'message',
	    'ticket', printf('T-%06d', id), 'source_id', 'late-m-' || id,
	    'direction', 'in', 'author', 'customer',
	    'body', '问题又出现了，麻烦再看一下。',
	    'at', strftime('%Y-%m-%dT%H:%M:%SZ', b + id, 'unixepoch'))
	FROM tickets, t0 WHERE id % 6 = 0
	-- Reopen events on resolved tickets (keyed by their content).
	UNION ALL
	SELECT b + 20000 + id, json_object('type', 'event',
	    'ticket', printf('T-%06d', id), 'action', 'reopen',
	    'by', 'lead.chen',
	    'at', strftime('%Y-%m-%dT%H:%M:%SZ', b + 20000 + id, 'unixepoch'))
	FROM tickets, t0 WHERE id % 6 = 1 AND status = 'resolved'
	-- Links, merges, escalations, priorities, transfers, unassigns.
	UNION ALL
	SELECT b + 40000 + id, json_patch(json_object('type', 'event',
	    'ticket', printf('T-%06d', id), 'source_id', 'late-e-' || id,
	    'by', 'lead.chen',
	    'at', strftime('%Y-%m-%dT%H:%M:%SZ', b + 40000 + id, 'unixepoch')),
	    CASE id % 30
	    WHEN 2 THEN json_object('action', 'link',
		'into', printf('T-%06d', id + 1))
	    WHEN 8 THEN json_object('action', 'merge',
		'into', printf('T-%06d', id - 1))
	    WHEN 14 THEN json_object('action', 'escalate',
		'group', '二线支持', 'priority', 'urgent')
	    WHEN 20 THEN json_object('action', 'priority', 'priority', 'low')
	    WHEN 26 THEN json_object('action', 'transfer', 'group', '售后')
	    ELSE json_object('action', 'assign') END)
	FROM tickets, t0
	WHERE id % 30 IN (2, 8, 14, 20, 26, 29) AND id < (SELECT max(id)
	    FROM tickets)
	-- An event from an old export: kept as history, marked stale.
	UNION ALL
	SELECT b + 50000 + id, json_object('type', 'event',
	    'ticket', printf('T-%06d', id), 'action', 'priority',
	    'priority', 'urgent', 'by', 'old.export',
	    'at', '2026-01-01T00:00:00+08:00')
	FROM tickets, t0 WHERE id % 30 = 17
	-- A ticket update that carries the phone of another ticket's
	-- customer: the two customers are merged.
	UNION ALL
	SELECT b + 60000 + t.id, json_object('type', 'ticket',
	    'source', t.source, 'source_id', t.source_id,
	    'updated_at', strftime('%Y-%m-%dT%H:%M:%SZ', b + 60000 + t.id,
	    'unixepoch'),
	    'tags', json_array('late', 'vip-followup'),
	    'phone', (SELECT value FROM identities
		WHERE kind = 'phone' AND customer = o.customer
		ORDER BY value LIMIT 1))
	FROM tickets t JOIN tickets o ON o.id = t.id + 1, t0
	WHERE t.id % 30 = 11 AND o.customer != t.customer
	    AND EXISTS (SELECT 1 FROM identities
		WHERE kind = 'phone' AND customer = o.customer)
	-- New answers to surveys already given: they replace the old ones.
	UNION ALL
	SELECT b + 80000 + s.id, json_object('type', 'survey',
	    'ticket', printf('T-%06d', s.ticket), 'kind', s.kind,
	    'score', CASE s.kind WHEN 'csat' THEN 5 ELSE 10 END,
	    'comment', '后来解决了',
	    'at', strftime('%Y-%m-%dT%H:%M:%SZ', b + 80000 + s.id,
	    'unixepoch'))
	FROM surveys s, t0 WHERE s.id % 5 = 0
	-- Orders from the ERP again, with a longer warranty.
	UNION ALL
	SELECT b + 90000 + o.id, json_object('type', 'order',
	    'order_no', o.order_no, 'product', o.product,
	    'warranty_until', '2029-12-31')
	FROM orders o, t0 WHERE o.id % 4 = 0)
	SELECT line FROM late ORDER BY at"
}

# case_run DIR DB VARIANT: the whole load, in the order a user would run
# it, into the store DB.
case_run() {
	local dir=$1 db=$2
	local -a opt=()

	case $3 in
	batch500) opt=(--batch 500) ;;
	strict) opt=(--strict) ;;
	esac
	cd "$dir" || return
	# shellcheck disable=SC2086
	exec "$CRASH_BIN/csm-ingest" --db "$db" -c csm.conf -q \
	    --now "$ingest_now" "${opt[@]}" $ingest_files
}

# case_dump DB: the store as sorted text: its schema version, its schema,
# then every row of every table as a JSON array a line after the table's
# name.  Ids are included: a rerun gives the rows it adds the ids the
# clean run gave them, since they are allocated in input order and the
# ids of a rolled-back transaction are used again.  Every column is
# compared but one:
#   schema_history.applied_at  the wall-clock time the store was made
#                              (or upgraded), not the --now of the run.
case_dump() {
	local db=$1 sql

	echo "user_version $(ingest_q "$db" 'PRAGMA user_version')" &&
	ingest_q "$db" "SELECT json_array(type, name, tbl_name, sql)
	    FROM sqlite_master ORDER BY type, name" || return
	# One SELECT a table, made from the schema, so that a column added
	# by a later migration is compared without a change here.
	sql=$(ingest_q "$db" "SELECT 'SELECT ' || quote(m.name) ||
	    ', json_array(' || (SELECT group_concat('\"' || p.name || '\"',
	    ', ') FROM pragma_table_info(m.name) p
	    WHERE NOT (m.name = 'schema_history' AND p.name = 'applied_at'))
	    || ') AS r FROM \"' ||
	    m.name || '\" ORDER BY r;'
	    FROM sqlite_master m
	    WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%'
	    ORDER BY m.name") || return
	ingest_q "$db" "$sql"
}
