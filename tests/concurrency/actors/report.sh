# shellcheck shell=bash
# actors/report.sh - csm-report as CONC_REPORTS readers (default 1),
# sourced by tests/concurrency/run.
#
# Each step runs one grouped report over the whole store while the
# writers write: `csm-report -m created,resolved,backlog,fcr --by source
# -o csv`, with the window open to the far future.  A report is one read
# transaction, so within it every ticket counted is either resolved (its
# status is resolved or closed) or in the backlog (no resolved time):
# per channel and in all, created = resolved + backlog, whatever commits
# meanwhile.  A report read across two snapshots (a ticket resolved
# between its reads) breaks that sum.  Every fourth step takes the
# dashboard's data instead (several queries in one snapshot), whose
# headline created must equal its resolved plus its open tickets too.

: "${CONC_REPORTS:=1}"
case $CONC_REPORTS in
'' | *[!0-9]*) bail "CONC_REPORTS: expected a whole number, got '$CONC_REPORTS'" ;;
esac

conc_actor reader report "$CONC_REPORTS"

report_step() {
	local i=$2 out=$CONC_DIR/report.out.$1
	if [ $((i % 4)) -eq 3 ]; then
		"$CONC_BIN/csm-report" --db "$CONC_DB" --now "$CONC_NOW" \
		    --until 2100-01-01T00:00:00Z dashboard -o jsonl \
		    >"$out" 2>>"$CONC_STEP_ERR" || return
		jq -e '[.kpis[] | {(.name): .value}] | add |
		    .created == .resolved + .backlog' "$out" >/dev/null || {
			echo "dashboard: created != resolved + open" >&2
			cat "$out" >&2
			return 1
		}
		echo "dashboard ok"
		return 0
	fi
	"$CONC_BIN/csm-report" --db "$CONC_DB" --now "$CONC_NOW" \
	    --until 2100-01-01T00:00:00Z -m created,resolved,backlog,fcr \
	    --by source -o csv >"$out" 2>>"$CONC_STEP_ERR" || return
	# Columns: source, created, resolved, backlog, then the buckets.
	awk -F, 'NR == 1 { next }
	    $2 != $3 + $4 { print "report: " $0 ": created != resolved + " \
	    "backlog"; bad = 1 } END { exit bad }' "$out" >&2 || return 1
	echo "report rows $(($(wc -l <"$out") - 1))"
	return 0
}
