# shellcheck shell=bash
# actors/read.sh - CONC_READERS readers, sourced by tests/concurrency/run.
#
# Two steps in three: one read transaction of `sqlite3 -readonly` with
# counts and joins across tickets, customers, messages and events, which
# must see a consistent store (no ticket, order or identity of a merged
# customer, no message without its ticket, no ticket twice) whose counts
# never go down (nothing is ever deleted).  One step in three:
# `csm-ingest --dry-run` of a small file of new tickets (and replies to
# them) of customers the store knows, which takes the write lock, must
# exit 0 and must find every ticket new: a dry run leaves nothing behind.
# Its time is the "write-lock wait" of the report.

conc_actor reader read "$CONC_READERS"

read_setup() {
	local d=$CONC_DIR/read
	# The first tickets of the writers' data set, renamed: their
	# customers are in the store, the tickets are not.
	"$CONC_BIN/csm-gen" -n "$CONC_TICKETS" -s "$CONC_SEED" --kind ticket |
	    head -n 20 | sed 's/"source_id":"/"source_id":"probe-/;
	    s/"thread_id":"/"thread_id":"probe-/' >"$d/probe.jsonl" || return
	"$CONC_BIN/csm-gen" -n "$CONC_TICKETS" -s "$CONC_SEED" --kind message |
	    grep -E '"thread_id":"th-[a-z]+-0000000[1-5]"' |
	    sed 's/"thread_id":"/"thread_id":"probe-/;
	    s/"source_id":"/"source_id":"probe-/' >>"$d/probe.jsonl" || return
	cat >"$d/queries.sql" <<'EOF'
BEGIN;
SELECT 'tickets', count(*) FROM tickets;
SELECT 'messages', count(*) FROM messages m JOIN tickets t ON t.id = m.ticket;
SELECT 'events', count(*) FROM events e JOIN tickets t ON t.id = e.ticket
    JOIN customers c ON c.id = t.customer;
SELECT 'customers', count(*) FROM customers;
SELECT 'open', count(*) FROM (SELECT t.grp, c.tier, count(*) FROM tickets t
    JOIN customers c ON c.id = t.customer
    WHERE t.status NOT IN ('resolved', 'closed') GROUP BY 1, 2);
SELECT 'bad-ticket-customer', count(*) FROM tickets t
    JOIN customers c ON c.id = t.customer WHERE c.merged_into IS NOT NULL;
SELECT 'bad-identity', count(*) FROM identities i
    JOIN customers c ON c.id = i.customer WHERE c.merged_into IS NOT NULL;
SELECT 'bad-order', count(*) FROM orders o
    JOIN customers c ON c.id = o.customer WHERE c.merged_into IS NOT NULL;
SELECT 'bad-message', count(*) FROM messages m
    LEFT JOIN tickets t ON t.id = m.ticket WHERE t.id IS NULL;
SELECT 'bad-twice', count(*) FROM (SELECT 1 FROM tickets
    GROUP BY source, source_id HAVING count(*) > 1);
COMMIT;
EOF
}

read_step() {
	local i=$2 rc d=$CONC_DIR/read t0 t1 new want
	local last=$CONC_DIR/read/last.$1 out=$CONC_DIR/read/out.$1
	if [ $((i % 3)) -eq 2 ]; then
		t0=${EPOCHREALTIME/./}
		"$CONC_BIN/csm-ingest" -n --db "$CONC_DB" --now "$CONC_NOW" \
		    --no-progress "$d/probe.jsonl" >"$out" 2>>"$CONC_STEP_ERR"
		rc=$?
		t1=${EPOCHREALTIME/./}
		echo "lockwait $(((10#$t1 - 10#$t0) / 1000))"
		[ "$rc" -eq 0 ] || return "$rc"
		new=$(grep -c '^{"op":"created","type":"ticket"' "$out")
		want=$(grep -c '"type":"ticket"' "$d/probe.jsonl")
		if [ "$new" != "$want" ]; then
			echo "dry run created $new tickets of $want" >&2
			return 1
		fi
		return 0
	fi
	sqlite3 -readonly -batch -bail -cmd '.timeout 30000' "$CONC_DB" \
	    <"$d/queries.sql" >"$out" 2>>"$CONC_STEP_ERR" || return
	echo "queries $(wc -l <"$out")"
	# Consistent: no bad-* row is ever above zero.
	if grep -q '^bad-.*|[1-9]' "$out"; then
		grep '^bad-' "$out" >&2
		return 1
	fi
	# Monotonic: nothing is ever deleted.
	if [ -f "$last" ] && ! awk -F'|' 'NR == FNR { old[$1] = $2; next }
	    $1 ~ /^(tickets|messages|events|customers)$/ && ($1 in old) &&
	    $2 + 0 < old[$1] + 0 {
		print $1 " went down from " old[$1] " to " $2; bad = 1 }
	    END { exit bad }' "$last" "$out" >&2; then
		return 1
	fi
	cp "$out" "$last"
	return 0
}
