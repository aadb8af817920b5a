# shellcheck shell=bash
# actors/sla.sh - csm-sla's cron sweep as a writer, while the ingest
# writers and the routers write.
#
# Each of CONC_SLAS instances (default 1) runs csm-sla sweep --now
# CONC_NOW over the whole store, again and again: in turn with --batch 3
# (commits inside everything), 50 and 1000; every third run two sweeps at
# once (a cron run that overlaps the one before it).  The last instance
# (if there are two or more) has the short busy timeout.  Its policies
# (a calendar with a lunch break and 2026's holidays and 调休 workdays;
# first response and resolution, warnings at 50% and 80%, escalations)
# have no on_breach action that changes a ticket, only a notify record:
# the tickets, their events but the levels, and everything canon.sql
# compares stay those of the ingest writers and the routers.  A level's
# event does not change its ticket.
#
# canon.sql leaves the sla_* events out, because which levels a sweep
# reaches, and what their records say (the ticket's priority, status and
# group then), depend on what was ingested before it: a sweep that ran
# before a back-dated reply arrived has recorded the breach that one
# sweep after all the ingest does not see.  sla_check says instead what
# must hold whatever the order:
#  - no level recorded twice: no sla_* key twice;
#  - every level reached by CONC_NOW in the final store is recorded:
#    after one more sweep (sla_reference: the next cron run, after the
#    writers stopped), a sweep on a copy of the store records nothing,
#    and neither does a sweep --all (a full recompute) on another copy;
#  - none lost against the sequential equivalent: every level that one
#    sweep of the reference store (everything ingested and routed
#    sequentially) records is in the store, by ticket (source/source_id),
#    target, kind and number; the store may have more, levels that an
#    earlier history reached (their number is printed).

: "${CONC_SLAS:=1}"
case $CONC_SLAS in
'' | *[!0-9]*) bail "CONC_SLAS: expected a whole number, got '$CONC_SLAS'" ;;
esac

conc_actor writer sla "$CONC_SLAS"

# sla_sql DB SQL: one query, read-only.
sla_sql() {
	sqlite3 -readonly -batch -bail -cmd '.timeout 30000' "$1" "$2"
}

sla_setup() {
	local d=$CONC_DIR/sla

	[ "$CONC_SLAS" -gt 0 ] || return 0
	{
		awk '/^\[/ { desk = $0 ~ /^\[(rule|agent|group|sla|calendar)[] ]/ } !desk' \
		    "$CSM_CONFIG" && cat <<-'EOF'

		# The sweeps of tests/concurrency/actors/sla.sh.
		[calendar "office"]
			timezone = Asia/Shanghai
			hours = mon-fri 09:00-12:00 13:00-18:00
			holiday = 2026-01-01..2026-01-03
			workday = 2026-01-04
			workday = 2026-02-14
			holiday = 2026-02-15..2026-02-23
			workday = 2026-02-28
			holiday = 2026-04-04..2026-04-06
			holiday = 2026-05-01..2026-05-05
			workday = 2026-05-09
			holiday = 2026-06-19..2026-06-21
			workday = 2026-09-20
			holiday = 2026-09-25..2026-09-27
			holiday = 2026-10-01..2026-10-07
			workday = 2026-10-10
		[sla "urgent"]
			when = priority in ("urgent", "high")
			calendar = office
			first_response = urgent 1h, high 2h
			resolution = urgent 8h, high 16h
			warn = 50%
			escalate = 4h
			on_breach = notify ops "SLA {id}"
		[sla "standard"]
			calendar = office
			first_response = 8h
			resolution = 40h
			warn = 50%, 80%
			escalate = 8h, 24h
		EOF
	} >"$d/csm.conf" || return
	"$CONC_BIN/csm-sla" -c "$d/csm.conf" --check
}

# sla_sweep DB OUT [OPTION...]: one sweep of DB, its records to OUT.
sla_sweep() {
	local db=$1 out=$2
	shift 2
	"$CONC_BIN/csm-sla" --db "$db" -c "$CONC_DIR/sla/csm.conf" -q sweep \
	    --now "$CONC_NOW" "$@" >"$out"
}

sla_step() {
	local w=$1 i=$2 d=$CONC_DIR/sla tmo rc st batch
	local batches=(3 50 1000)
	local -a pids=()

	tmo=$CSM_BUSY_TIMEOUT
	[ "$CONC_SLAS" -ge 2 ] && [ "$w" -eq $((CONC_SLAS - 1)) ] &&
		tmo=$CONC_SHORT_BUSY
	echo "timeout_ms $tmo"
	batch=${batches[$((i % 3))]}
	CSM_BUSY_TIMEOUT=$tmo sla_sweep "$CONC_DB" "$d/out.$w.0" \
	    --batch "$batch" 2>>"$CONC_STEP_ERR" &
	pids+=($!)
	if [ $((i % 3)) -eq 2 ]; then
		CSM_BUSY_TIMEOUT=$tmo sla_sweep "$CONC_DB" "$d/out.$w.1" \
		    --batch 7 2>>"$CONC_STEP_ERR" &
		pids+=($!)
	else
		: >"$d/out.$w.1"
	fi
	# A failure other than 75 beats a 75, which is retried.
	rc=0
	for st in "${pids[@]}"; do
		wait "$st"
		st=$?
		if [ "$st" -ne 0 ] && [ "$st" -ne 75 ]; then
			rc=$st
		elif [ "$st" -eq 75 ] && [ "$rc" -eq 0 ]; then
			rc=75
		fi
	done
	echo "records $(cat "$d/out.$w.0" "$d/out.$w.1" |
	    grep -c '^{"type":"sla"')"
	return "$rc"
}

# The next cron run on the store, after the writers stopped; then the
# sequential equivalent on the reference store REF (everything ingested
# and routed, one process at a time): one sweep.
sla_reference() {
	[ "$CONC_SLAS" -gt 0 ] || return 0
	sla_sweep "$CONC_DB" "$CONC_DIR/sla/out.last" &&
	    sla_sweep "$1" "$CONC_DIR/sla/out.ref"
}

# The levels of a store: "source/source_id target:cycle:kind:n", the
# ticket by its natural key.
sla_levels() {
	sla_sql "$1" "SELECT t.source || '/' || t.source_id || ' ' ||
	    substr(e.ext, 5 + instr(substr(e.ext, 5), ':')) FROM events e JOIN tickets t ON t.id = e.ticket
	    WHERE e.action LIKE 'sla_%'" | LC_ALL=C sort
}

sla_check() {
	local d=$CONC_DIR/sla v n extra all

	[ "$CONC_SLAS" -gt 0 ] || return 0
	v=$(sla_sql "$CONC_DB" "
	SELECT 'level ' || ext || ' recorded ' || count(*) || ' times'
	FROM events WHERE action LIKE 'sla_%' GROUP BY ext HAVING count(*) > 1
	LIMIT 5;
	SELECT 'level E-' || id || ' on T-' || ticket || ' has key ' ||
	    coalesce(ext, 'none')
	FROM events WHERE action LIKE 'sla_%' AND (ext IS NULL OR
	    ext NOT LIKE printf('sla:T-%06d:%%', ticket))
	LIMIT 5;" 2>&1)
	n=$(sla_sql "$CONC_DB" "SELECT count(*) FROM events
	    WHERE action LIKE 'sla_%'")
	if [ -z "$v" ] && [ "${n:-0}" -gt 0 ]; then
		echo "ok - sla: no level recorded twice ($n levels by the sweeps)"
	else
		echo "not ok - sla: no level recorded twice ($n levels by the sweeps)"
		printf '%s\n' "$v" | head -n 10 | sed 's/^/#   /'
	fi

	# Every level reached by the final now recorded: sweeps of copies
	# record nothing more, incremental or --all.
	rm -f "$d/copy.db" "$d/all.db"
	if ! sqlite3 -cmd '.timeout 30000' "$CONC_DB" ".backup '$d/copy.db'" ||
	    ! cp "$d/copy.db" "$d/all.db"; then
		echo "not ok - sla: cannot copy the store"
		return
	fi
	v=""
	sla_sweep "$d/copy.db" "$d/out.copy" 2>&1 || v="sweep: exit $?"
	sla_sweep "$d/all.db" "$d/out.all" --all 2>&1 || v="$v sweep --all: exit $?"
	n=$(grep -c '^{"type":"sla"' "$d/out.copy")
	all=$(grep -c '^{"type":"sla"' "$d/out.all")
	if [ -z "$v" ] && [ "$n" -eq 0 ] && [ "$all" -eq 0 ]; then
		echo "ok - sla: every level reached by the final now recorded: a sweep and a sweep --all of copies record nothing"
	else
		echo "not ok - sla: every level reached by the final now recorded: a sweep and a sweep --all of copies record nothing"
		echo "#   $v; the sweep recorded $n, the sweep --all $all:"
		cat "$d/out.copy" "$d/out.all" | grep '^{"type":"sla"' |
		    head -n 5 | cut -c 1-200 | sed 's/^/#   /'
	fi

	# None lost against the sequential equivalent.
	[ -s "$REF" ] || return 0
	sla_levels "$CONC_DB" >"$d/levels.store"
	sla_levels "$REF" >"$d/levels.ref"
	v=$(LC_ALL=C comm -23 "$d/levels.ref" "$d/levels.store")
	extra=$(LC_ALL=C comm -13 "$d/levels.ref" "$d/levels.store" | wc -l)
	n=$(wc -l <"$d/levels.ref")
	if [ -z "$v" ] && [ "$n" -gt 0 ]; then
		echo "ok - sla: every level of one sweep of the reference is in the store ($n; $extra more, reached by an earlier history)"
	else
		echo "not ok - sla: every level of one sweep of the reference is in the store ($n; $extra more)"
		printf '%s\n' "$v" | head -n 10 | sed 's/^/#   missing: /'
	fi
}
