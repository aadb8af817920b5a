# shellcheck shell=bash
# tests/crash/cases/sla.sh - the crash case of csm-sla's sweep, loaded by
# tests/crash/run (see tests/crash/README.md for the interface).
#
# A desk's year: csm-gen's tickets (without their assignees, and without
# the lifecycle events, so that most stay new or open and their clocks
# run on) and the channels' messages (the first responses and the
# customers' follow-ups), cut by time into four slices, one for each
# sweep of the cron job: what arrived up to its --now.  The first slice
# is ingested once (case_setup) into a template store.  A run copies the
# template into a fresh store, sweeps (csm-sla sweep --now), then ingests
# the next slice and sweeps again, and so on: csm-ingest then csm-sla, as
# the desk's cron job runs them, with --now stepping through the data's
# months.  Levels fall due between the sweeps, so that each records some
# (about 2,000 warnings, breaches and escalations in all), and the policy
# "urgent" moves each ticket it breaches to 值班主管 (on_breach) in the
# transaction of its sla_breach event.  About 1 s a run.
#
# The slices are not only realism: they found that csm-sla's sweep lost
# the levels of a ticket created after its --now (fixed since: what lies
# after a sweep's now is when the ticket is looked at again); before the
# fix, it skips the ticket (no
# clock yet), and moves its marks past it all the same, so that no later
# sweep visits it again until something else changes it; only --all
# finds its levels.  One template of the whole year swept four times
# would leave two tickets in three without clocks, and a rerun after a
# kill that swept again at an earlier --now lost levels every time (650
# tickets without clocks, 2,290 of 7,006 levels missing, all found by a
# sweep --all).  See case_run for how its rerun stays clear of this.
#
# What must hold after every kill (case_check) and after the rerun (the
# dump): each level recorded once (its key, sla:T-ID:TARGET:CYCLE:KIND[:WHICH],
# unique and well formed), none lost (the rerun's events are those of a
# clean run, row for row), and no group change without its breach, nor a
# breach of "urgent" without its group change.

# Variants: the default batches (1000 tickets a transaction) and --batch 7
# (many commits, so that kills land between them and inside them).  The
# expected store is the same for both.
# shellcheck disable=SC2034 # read by tests/crash/run
case_variants="default batch7"

# The number of generated tickets: 2,000 make a run of about 1 s.
sla_tickets=${CRASH_SLA_TICKETS:-2000}

# The clocks: the four sweeps of a run; each slice is ingested with the
# --now of the sweep after it.  A level is recorded by the first sweep
# whose --now is past its instant; the changes of on_breach carry the
# sweep's --now.
sla_sweeps="2026-03-02T09:30:00+08:00 2026-06-01T10:00:00+08:00
2026-09-01T10:00:00+08:00 2026-11-25T00:00:00+08:00"

# sla_q DB SQL: one query, plain text, no header.
sla_q() {
	sqlite3 -batch -bail -noheader -list "$1" "$2"
}

# sla_conf: the configuration: an office calendar with a lunch break and
# 2026's public holidays and 调休 workdays (tools/gen-cal.c has the same),
# a policy for urgent and high tickets with a warning, an escalation and
# an on_breach action, and one for the rest with two warnings and two
# escalations.
sla_conf() {
	cat <<-'EOF'
	# The crash case of csm-sla (tests/crash/cases/sla.sh).
	[core]
		timezone = Asia/Shanghai
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
		on_breach = group = "值班主管"
	[sla "standard"]
		calendar = office
		first_response = 8h
		resolution = 40h
		warn = 50%, 80%
		escalate = 8h, 24h
	EOF
}

# sla_slice FILE FIELD: FILE's records cut by the time in FIELD into
# FILE.K (K = 0 ... 3, the first sweep whose --now is at or after it;
# later ones are dropped).  csm-gen writes times with +08:00, with Z
# (and a space for the T), or with no
# offset (the configured zone, +08:00).
sla_slice() {
	local nows

	# shellcheck disable=SC2086 # one argument per sweep
	nows=$(printf '%s\n' $sla_sweeps | jq -R . | jq -sc .) || return
	jq -c --argjson nows "$nows" --arg f "$2" '
	    def ep: sub(" "; "T") | if endswith("Z") then fromdateiso8601
		elif test("[+-][0-9][0-9]:[0-9][0-9]$") then
		    (.[0:19] + "Z" | fromdateiso8601) -
		    (.[19:20] + "1" | tonumber) * ((.[20:22] | tonumber) *
		    3600 + (.[23:25] | tonumber) * 60)
		else (.[0:19] + "Z" | fromdateiso8601) - 28800 end;
	    (.[$f] | ep) as $t |
	    [$nows[] | ep] | map(select(. >= $t)) | length as $n |
	    select($n > 0) | [($nows | length) - $n, $t]' "$1" >"$1.k" ||
	    return
	paste -d ' ' "$1.k" "$1" | awk -v out="$1" '{
	    k = substr($1, 2, index($1, ",") - 2); sub(/^[^ ]* /, "")
	    print > (out "." k) }' || return
	rm -f "$1.k"
}

# case_setup DIR: the input in DIR (the current directory): the
# configuration, the template store (the first slice) and the others.
case_setup() {
	local dir=$1 k

	sla_conf >"$dir/csm.conf" || return
	"$CRASH_BIN/csm-sla" -c "$dir/csm.conf" --check || return
	"$CRASH_BIN/csm-gen" -n "$sla_tickets" -s 13 --kind ticket |
	    jq -c 'del(.assignee)' >"$dir/tickets" || return
	"$CRASH_BIN/csm-gen" -n "$sla_tickets" -s 13 --kind message \
	    >"$dir/messages" || return
	sla_slice "$dir/tickets" created_at && sla_slice "$dir/messages" at ||
	    return
	for k in 0 1 2 3; do
		if [ ! -s "$dir/tickets.$k" ] || [ ! -s "$dir/messages.$k" ]; then
			echo "slice $k is empty"
			return 1
		fi
	done
	"$CRASH_BIN/csm-ingest" --db "$dir/template.db" -c "$dir/csm.conf" \
	    -q --now "${sla_sweeps%% *}" "$dir/tickets.0" "$dir/messages.0" \
	    >/dev/null || return
	rm -f "$dir/tickets" "$dir/messages"
	[ -s "$dir/template.db" ] && [ ! -e "$dir/template.db-wal" ]
}

# case_run DIR DB VARIANT: a fresh store (a copy of the template, moved
# into place whole), then the sweeps, each after the ingest of its slice
# (the first slice is in the template), the last one exec'ed.  A run on
# the store a killed run left goes on from the step the kill interrupted,
# as the next cron job would: the ingests again (each a no-op on what is
# stored), but not a sweep that had completed, that is one whose next
# slice has tickets in the store.  Such a sweep again would run with a
# --now before those tickets' creation, and csm-sla's sweep loses the
# levels of a ticket created after its --now (reported; see the top of
# this file): this case would then fail on that, every time.
case_run() {
	local dir=$1 db=$2 k newest
	local -a opt=() nows

	[ "$3" = batch7 ] && opt=(--batch 7)
	cd "$dir" || return
	if [ ! -e "$db" ]; then
		# A copy a kill cut short is left here, not next to the store.
		rm -f "$dir"/fresh.*
		cp "$dir/template.db" "$dir/fresh.$BASHPID" &&
		    mv "$dir/fresh.$BASHPID" "$db" || return
	fi
	read -r -d '' -a nows <<<"$sla_sweeps"
	for ((k = 0; k < ${#nows[@]}; k++)); do
		if [ "$k" -gt 0 ]; then
			"$CRASH_BIN/csm-ingest" --db "$db" -c csm.conf -q \
			    --now "${nows[k]}" "tickets.$k" "messages.$k" \
			    >/dev/null || return
		fi
		[ "$k" -eq $((${#nows[@]} - 1)) ] && break
		newest=$(sla_q "$db" "SELECT coalesce(max(created_at), 0)
		    FROM tickets") || return
		[ "$newest" -gt "$(date -d "${nows[k]}" +%s)" ] && continue
		"$CRASH_BIN/csm-sla" --db "$db" -c csm.conf -q sweep \
		    --now "${nows[k]}" "${opt[@]}" >/dev/null || return
	done
	exec "$CRASH_BIN/csm-sla" --db "$db" -c csm.conf -q sweep \
	    --now "${nows[k]}" "${opt[@]}"
}

# case_dump DB: the store as sorted text: its schema version, its
# schema, then every row of every table as a JSON array after the
# table's name, as the route case dumps it, but for two tables of the
# sweep's own bookkeeping:
#  - sla_marks: the ids the next sweep starts from.  A sweep of one
#    transaction counts its own events as seen, one of several batches
#    does not (its events may lie between another program's), so that
#    the two variants differ there, and so does a rerun;
#  - sla: the clocks as of the last sweep that computed each ticket.
#    Which sweep that was depends on the batches for the same reason
#    (the next sweep computes again the tickets whose events it has not
#    seen), and after a kill on which sweep the rerun found a ticket
#    changed; a running clock's state, elapsed and paused time, next
#    level, due, and computed_at are those of that sweep.  What does
#    not depend on it is kept: the clock's ticket, target, cycle,
#    policy, calendar, start and target.
# Every other column is compared: the store starts as a copy of the
# template, the levels' events carry their instants and on_breach's
# changes the sweep's --now.
case_dump() {
	local db=$1 sql

	echo "user_version $(sla_q "$db" 'PRAGMA user_version')" &&
	sla_q "$db" "SELECT json_array(type, name, tbl_name, sql)
	    FROM sqlite_master ORDER BY type, name" || return
	sql=$(sla_q "$db" "SELECT 'SELECT ' || quote(m.name) ||
	    ', json_array(' || (SELECT group_concat('\"' || p.name || '\"',
	    ', ') FROM pragma_table_info(m.name) p) || ') AS r FROM \"' ||
	    m.name || '\" ORDER BY r;'
	    FROM sqlite_master m
	    WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%'
		AND m.name NOT IN ('sla', 'sla_marks')
	    ORDER BY m.name") || return
	sla_q "$db" "$sql" &&
	sla_q "$db" "SELECT 'sla', json_array(ticket, target, cycle, policy,
	    calendar, start, target_secs) AS r FROM sla ORDER BY r"
}

# case_check DB: what must hold in every store csm-sla leaves, killed or
# not.  Prints each problem (at most a few of each kind); fails if there
# is any.
#  - Each level is recorded once: no sla_* key twice; each key names
#    its event's ticket and kind (sla:T-ID:TARGET:CYCLE:KIND[:WHICH]),
#    and its why names a policy of the configuration (sla:POLICY).
#  - No group change without its breach: each change by csm-sla is the
#    transfer to 值班主管 of the policy "urgent", right after (the next
#    event, the same transaction) a breach of that policy on the same
#    ticket; the ticket's first breach has one, no other has.
#  - A ticket in 值班主管 got there by that change.
case_check() {
	local db=$1 out

	out=$(sla_q "$db" "
	CREATE TEMP TABLE lv AS SELECT id, ticket, action, ext, why
	    FROM events WHERE action LIKE 'sla_%';
	SELECT 'level ' || ext || ' recorded ' || count(*) || ' times'
	FROM lv GROUP BY ext HAVING count(*) > 1
	LIMIT 5;
	SELECT 'level E-' || id || ' (' || action || ' on T-' || ticket ||
	    ', why ' || coalesce(why, 'none') || ') has key ' ||
	    coalesce(ext, 'none')
	FROM lv
	WHERE ext IS NULL OR why NOT IN ('sla:urgent', 'sla:standard')
	    OR ext NOT LIKE printf('sla:T-%06d:%%', ticket)
	    OR (ext NOT GLOB '*:' || substr(action, 5)
		AND ext NOT GLOB '*:' || substr(action, 5) || ':?*')
	    OR (ext NOT GLOB '*:first_response:*'
		AND ext NOT GLOB '*:resolution:*')
	LIMIT 5;
	SELECT 'a change by csm-sla that is not the transfer of on_breach: E-'
	    || id || ' ' || action || ' ' || coalesce(field, '') || ' to ' ||
	    coalesce(new, 'nothing') || ' (' || coalesce(why, 'no why') || ')'
	FROM events
	WHERE by = 'csm-sla' AND action NOT LIKE 'sla_%'
	    AND NOT (action = 'transfer' AND field = 'group'
		AND new = '值班主管' AND why = 'sla:urgent')
	LIMIT 5;
	SELECT 'transfer E-' || t.id || ' on T-' || t.ticket ||
	    ' does not come right after a breach of urgent: ' ||
	    coalesce(b.action || ' on T-' || b.ticket || ' by ' ||
		coalesce(b.why, '?'), 'nothing')
	FROM events t LEFT JOIN events b ON b.id = t.id - 1
	WHERE t.by = 'csm-sla' AND t.action = 'transfer'
	    AND NOT (b.action IS 'sla_breach' AND b.ticket IS t.ticket
		AND b.why IS 'sla:urgent')
	LIMIT 5;
	SELECT 'T-' || f.ticket || ': its first breach of urgent E-' || f.id
	    || ' without its transfer'
	FROM (SELECT ticket, min(id) AS id FROM lv
	    WHERE action = 'sla_breach' AND why = 'sla:urgent' GROUP BY ticket) f
	WHERE NOT EXISTS (SELECT 1 FROM events t WHERE t.id = f.id + 1
	    AND t.action = 'transfer' AND t.by = 'csm-sla')
	LIMIT 5;
	SELECT 'T-' || ticket || ' moved to 值班主管 ' || count(*) || ' times'
	FROM events WHERE by = 'csm-sla' AND action = 'transfer'
	GROUP BY ticket HAVING count(*) > 1
	LIMIT 5;
	SELECT 'T-' || id || ' is in 值班主管 without the transfer of a breach'
	FROM tickets t WHERE grp = '值班主管' AND NOT EXISTS (SELECT 1
	    FROM events e WHERE e.ticket = t.id AND e.by = 'csm-sla'
	    AND e.action = 'transfer')
	LIMIT 5;" 2>&1) || {
		echo "case_check: sqlite3: $out"
		return 1
	}
	[ -z "$out" ] && return 0
	printf '%s\n' "$out"
	return 1
}
