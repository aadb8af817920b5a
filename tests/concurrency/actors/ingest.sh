# shellcheck shell=bash
# actors/ingest.sh - csm-ingest as CONC_WRITERS writers, sourced by
# tests/concurrency/run.
#
# The data set is csm-gen's (CONC_TICKETS tickets, seed CONC_SEED), every
# kind in JSON Lines and in CSV (events in JSON Lines only: an event
# without a source_id is keyed by a hash of its line, so its CSV form is
# another event by design; orders in CSV only: their custom field
# "amount" is a number in one and a string in the other).  It is cut
# into CONC_ROUNDS * CONC_WRITERS slices by ticket: slice r*W+w is
# writer w's own in round r.  In its run i, writer w takes round
# r = i mod CONC_ROUNDS:
#
#   tickets    own slice in one format, the next writer's in the other
#   customers  own, the next writer's (same customers, other identities
#              than the tickets': a CRM id, another phone format)
#   messages   own, the next writer's (for tickets that one creates)
#   events     own, the next writer's
#   surveys    own
#   orders     own, the next writer's
#
# so each slice is written by two writers at once, in two formats, with
# --batch 20000, 1, 50 or 1000 in turn; after the last round they start
# again from the first, where everything is already there.  Every record
# of a ticket that a writer takes comes after the records of that ticket
# that precede it in the data set (ticket, messages, events, survey), in
# every writer: so whatever the interleaving, each ticket's records are
# first applied in the order a sequential ingest applies them, and the
# result must be the same.  Writer W-1 (if there are two or more) runs
# with a busy timeout of CONC_SHORT_BUSY ms, so that it meets exit 75
# and its retry.

conc_actor writer ingest "$CONC_WRITERS"

# ingest_slice FORMAT BY PER PREFIX < FILE: cuts FILE into PREFIX.S.FORMAT;
# BY "index": the Nth record goes to slice (N-1)/PER; "thread": records
# go with the ticket their thread_id names; "rr": round robin over PER
# slices.  CSV records may span lines: one ends where the count of
# quotes so far is even (RFC 4180).
ingest_slice() {
	awk -v fmt="$1" -v by="$2" -v per="$3" -v out="$4" '
	function emit(rec,   key, s, f, t) {
		nrec++
		if (by == "thread" && match(rec, /th-[a-z]+-[0-9]+/)) {
			t = substr(rec, RSTART, RLENGTH)
			sub(/.*-/, "", t)
			key = t + 0
		} else
			key = nrec
		if (by == "rr")
			s = (nrec - 1) % per
		else
			s = int((key - 1) / per)
		f = out "." s "." fmt
		if (!(f in seen)) {
			seen[f] = 1
			if (fmt == "csv")
				print hdr > f
		}
		print rec > f
	}
	fmt == "jsonl" { emit($0); next }
	NR == 1 { hdr = $0; next }
	{
		buf = open ? buf "\n" $0 : $0
		line = $0
		quotes += gsub(/"/, "", line)
		open = quotes % 2
		if (!open) {
			emit(buf)
			quotes = 0
		}
	}'
}

ingest_setup() {
	local d=$CONC_DIR/ingest k f by per
	local slices=$((CONC_ROUNDS * CONC_WRITERS))
	local tper=$(((CONC_TICKETS + slices - 1) / slices))

	for k in ticket message event survey customer order; do
		for f in jsonl csv; do
			[ "$k/$f" = event/csv ] && continue
			[ "$k/$f" = order/jsonl ] && continue
			case $k in
			ticket) by=index per=$tper ;;
			customer | order) by=rr per=$slices ;;
			*) by=thread per=$tper ;;
			esac
			"$CONC_BIN/csm-gen" -n "$CONC_TICKETS" -s "$CONC_SEED" \
			    --kind "$k" -f "$f" >"$d/all.$k.$f" || return
			ingest_slice "$f" "$by" "$per" "$d/$k" \
			    <"$d/all.$k.$f" || return
		done
	done
	# Every slice of tickets must be there, in both formats.
	for ((k = 0; k < slices; k++)); do
		if [ ! -s "$d/ticket.$k.jsonl" ] || [ ! -s "$d/ticket.$k.csv" ]
		then
			echo "no ticket slice $k"
			return 1
		fi
	done
}

# A first ticket into the new store DB, by writer ID, with the others.
ingest_fresh() {
	printf '{"type":"ticket","source":"web","source_id":"fresh-%s",%s}\n' \
	    "$2" '"subject":"first","phone":"13800000000"' |
	    "$CONC_BIN/csm-ingest" --db "$1" --now "$CONC_NOW" --no-progress \
	    >/dev/null
}

# The files of writer W's run I, in the order they are read.
ingest_files() {
	local w=$1 i=$2 d=$CONC_DIR/ingest r own nxt fa fb f
	r=$((i % CONC_ROUNDS))
	own=$((r * CONC_WRITERS + w))
	nxt=$((r * CONC_WRITERS + (w + 1) % CONC_WRITERS))
	if [ $((w % 2)) -eq 0 ]; then
		fa=jsonl fb=csv
	else
		fa=csv fb=jsonl
	fi
	for f in "ticket.$own.$fa" "ticket.$nxt.$fb" \
	    "customer.$own.$fa" "customer.$nxt.$fb" \
	    "message.$own.$fa" "message.$nxt.$fb" \
	    "event.$own.jsonl" "event.$nxt.jsonl" \
	    "survey.$own.$fa" "order.$own.csv" "order.$nxt.csv"; do
		[ -f "$d/$f" ] && echo "$d/$f"
	done
}

ingest_step() {
	local w=$1 i=$2 rc tmo batch out=$CONC_DIR/ingest/out.$1 files
	local batches=(20000 1 50 1000)
	mapfile -t files < <(ingest_files "$w" "$i")
	batch=${batches[$(((w + i) % 4))]}
	tmo=$CSM_BUSY_TIMEOUT
	[ "$CONC_WRITERS" -ge 2 ] && [ "$w" -eq $((CONC_WRITERS - 1)) ] &&
		tmo=$CONC_SHORT_BUSY
	echo "timeout_ms $tmo"
	CSM_BUSY_TIMEOUT=$tmo "$CONC_BIN/csm-ingest" --db "$CONC_DB" \
	    --now "$CONC_NOW" --batch "$batch" --stats --no-progress \
	    "${files[@]}" >"$out" 2>>"$CONC_STEP_ERR"
	rc=$?
	sed -n 's/^csm-ingest: \([0-9]*\) records read.*/records \1/p' \
	    "$CONC_STEP_ERR"
	# What it says it created, committed batches only, 75 or not.
	ingest_created <"$out"
	[ "$rc" -eq 0 ] && printf '%s\n' "${files[@]}" \
	    >>"$CONC_DIR/ingest/manifest.$w"
	return "$rc"
}

# "created_KIND N" for each kind of record an ingest's output created.
ingest_created() {
	sed -n 's/^{"op":"created","type":"\([a-z]*\)".*/\1/p' |
	    sort | uniq -c | awk '{ print "created_" $2, $1 }'
}

# Every input a writer took in full, once, tickets first, then
# customers, messages, events, surveys, orders: the order of the data set.
ingest_union() {
	local k
	for k in ticket customer message event survey order; do
		cat "$CONC_DIR"/ingest/manifest.* 2>/dev/null |
		    grep "/$k\.[0-9]*\.[a-z]*\$" | sort -u
	done
}

ingest_reference() {
	local files
	mapfile -t files < <(ingest_union)
	[ ${#files[@]} -gt 0 ] || { echo "no writer run succeeded"; return 1; }
	"$CONC_BIN/csm-ingest" --db "$1" --now "$CONC_NOW" --no-progress \
	    "${files[@]}" >"$CONC_DIR/ingest/out.ref"
}

ingest_check() {
	local d=$CONC_DIR/ingest k want got v s
	# Every distinct ticket of the inputs, exactly once; nothing else
	# but follow-ups that customers' replies started.
	ingest_union | sed -n 's/.*\/ticket\.\([0-9]*\)\.[a-z]*$/\1/p' |
	    sort -u | while read -r s; do
		sed 's/^{"type":"ticket","source":"\([^"]*\)","source_id":"\([^"]*\)".*/\1|\2/' \
		    "$d/ticket.$s.jsonl"
	done | LC_ALL=C sort >"$d/keys.want"
	# Other writers' tickets are named "NAME-..." (README.md), and
	# csm-route's tasks are its own: their actors count them.  The
	# writers are in run's registry.
	v=""
	# shellcheck disable=SC2154 # conc_names, conc_kind: run's registry
	for k in "${conc_names[@]}"; do
		[ "$k" = ingest ] || [ "${conc_kind[$k]}" != writer ] ||
		    v="$v AND source_id NOT LIKE '$k-%'"
	done
	sqlite3 -readonly -cmd '.timeout 30000' "$CONC_DB" \
	    "SELECT source || '|' || source_id FROM tickets
	     WHERE source_id NOT LIKE 'followup:%'
	     AND source != 'csm-route'$v" |
	    LC_ALL=C sort >"$d/keys.got"
	want=$(wc -l <"$d/keys.want")
	got=$(wc -l <"$d/keys.got")
	if [ "$want" -gt 0 ] && cmp -s "$d/keys.want" "$d/keys.got"; then
		echo "ok - every distinct ticket of the inputs is in the store exactly once ($got)"
	else
		echo "not ok - every distinct ticket of the inputs is in the store exactly once ($got of $want)"
		diff "$d/keys.want" "$d/keys.got" | grep '^[<>]' | head -n 10 |
		    sed 's/^/#   /'
	fi
	# What the writers (every writer actor, log/NAME.ID) said they
	# created, each record once in all: the output of a batch is
	# printed only after its commit.
	for k in ticket message survey order customer; do
		case $k in
		customer) v="SELECT count(*) FROM customers" ;;
		*) v="SELECT count(*) FROM ${k}s" ;;
		esac
		want=$(sqlite3 -readonly -cmd '.timeout 30000' "$CONC_DB" "$v")
		got=$(cat "$CONC_DIR"/log/* |
		    awk -v k="created_$k" '$1 == "m" && $2 == k { s += $3 }
		    END { print s + 0 }')
		if [ "$got" = "$want" ]; then
			echo "ok - writers printed 'created' once for each $k stored ($got)"
		else
			echo "not ok - writers printed 'created' once for each $k stored ($got lines, $want stored)"
		fi
	done
}
