# shellcheck shell=bash
# actors/route.sh - csm-route as CONC_ROUTERS writers, routing while the
# ingest writers ingest; sourced by tests/concurrency/run.
#
# The routers' tickets are the first CONC_ROUTE_TICKETS of the data set
# renamed (source_id and thread_id "route-..."), without assignee, group,
# order or any identity: they are the routers' own, no other actor's
# record touches them, and they have no customer (so that nothing of the
# ingest writers' store depends on them).  They are cut into
# CONC_ROUNDS * CONC_ROUTERS slices by index: slice r*R+w is router w's
# own in round r.  Of every three runs of a router, the first two take
# the next round each, the third none:
#
#   0  the desk's pipeline: csm-ingest of its own slice and the next
#      router's, then csm-route on what csm-ingest printed (rules on
#      created, then assignment), --batch 20;
#   1  csm-ingest only, of the same two slices of its round: tickets
#      left for the cron job to route;
#   2  the cron job, twice at once (a run that overlaps the one
#      before it): csm-route --on created --where 'source_id ~
#      "^route-" and not exists assignee', one with --batch 3, the
#      other with 7, 50 or 1000 in turn (commits inside the pages of
#      256 tickets a sweep reads).  The run exits 75 if either did.
#
# So each ticket is created by one of two routers' csm-ingest, and
# routed by that router's filter, or by either router's sweep, or by
# both at once: the races of two csm-route on one ticket, and of
# csm-route with csm-ingest for the store.  A run that exits 75 is run
# again whole, except that csm-route reads the output a csm-ingest of
# the same run already gave (csm-ingest's records are committed; a
# cron job would keep the file).  Router CONC_ROUTERS-1 (if there are
# two or more) has the short busy timeout CONC_SHORT_BUSY.
#
# The rules set the group and the priority, add a tag, make a note, an
# automatic reply and a task ticket for 质检组; every group assigns by
# round robin.  What a ticket ends with depends only on the ticket, but
# who gets it depends on the order in which tickets reach the rotation:
# canon.sql leaves the assignee of csm-route's assignments out, and
# route_canon puts back what does not depend on the order: how many
# tickets each agent was given and the rotations' last member (the
# rotation is one sequence, whoever walks it).
#
# After the runs, route_reference sweeps the store once more, as the
# next cron run would (tickets the ingest-only runs left), then does the
# sequential equivalent into the reference store: csm-ingest of every
# slice a router took, then one sweep.  route_check then asks that every
# routers' ticket still to be worked on, and every task, was assigned
# exactly once, from nobody, to a member of its group; that round robin
# was fair and each rotation names the last given; that each rule fired
# once a ticket at most, and whole.  CONC_ROUTERS=0 leaves routing out.

: "${CONC_ROUTERS:=2}" "${CONC_ROUTE_TICKETS:=3000}"
for v in CONC_ROUTERS CONC_ROUTE_TICKETS; do
	case ${!v} in
	'' | *[!0-9]*) bail "$v: expected a whole number, got '${!v}'" ;;
	esac
done

conc_actor writer route "$CONC_ROUTERS"

route_where='source_id ~ "^route-" and not exists assignee'

# The agents, GROUP:NAME, each in one group.
route_agents="一线客服组:zhangwei 一线客服组:lina 一线客服组:wangfang
售后:zhoujie 售后:wuhao 售后:maxin 质检组:qc.li 质检组:qc.wang"

# route_sql SQL: one query on the store, read-only.
route_sql() {
	sqlite3 -readonly -batch -bail -cmd '.timeout 30000' "$CONC_DB" "$1"
}

route_setup() {
	local d=$CONC_DIR/route slices per k

	[ "$CONC_ROUTERS" -gt 0 ] || return 0
	slices=$((CONC_ROUNDS * CONC_ROUTERS))
	[ "$CONC_ROUTE_TICKETS" -ge "$slices" ] || {
		echo "CONC_ROUTE_TICKETS: at least CONC_ROUNDS * CONC_ROUTERS"
		return 1
	}
	per=$(((CONC_ROUTE_TICKETS + slices - 1) / slices))
	{
		# The sample's configuration without its own desk (rules,
		# agents, groups): this actor brings its own.
		awk '/^\[/ { desk = $0 ~ /^\[(rule|agent|group)[] ]/ } !desk' \
		    "$CSM_CONFIG" && cat <<-'EOF'

		# The routers of tests/concurrency/actors/route.sh.
		[rule "route-refund"]
			when = category = "退款"
			then = group = 售后, tags += 退款审核, note "自动分派：退款 {subject}"
		[rule "route-complaint"]
			when = category = "投诉"
			then = priority = high, task 质检组 "复核：{subject}"
		[rule "route-default"]
			when = not exists group
			then = group = 一线客服组
		[rule "route-ack"]
			when = source = "email"
			then = reply "We got your mail about {subject}."
		[group "一线客服组"]
			strategy = round-robin
		[group "售后"]
			strategy = round-robin
		[group "质检组"]
			strategy = round-robin
		EOF
		for k in $route_agents; do
			printf '[agent "%s"]\n\tgroups = %s\n' "${k#*:}" "${k%%:*}"
		done
	} >"$d/csm.conf" || return
	"$CONC_BIN/csm-route" -c "$d/csm.conf" --check || return
	"$CONC_BIN/csm-gen" -n "$CONC_TICKETS" -s "$CONC_SEED" --kind ticket |
	    head -n "$CONC_ROUTE_TICKETS" | jq -c 'del(.assignee, .group,
	    .order_no, .phone, .email, .wechat, .dingtalk, .wecom, .weibo,
	    .crm_id, .name, .org, .tier) |
	    .source_id = "route-" + .source_id |
	    .thread_id = "route-" + .thread_id' >"$d/all.jsonl" || return
	awk -v per="$per" -v out="$d/ticket" \
	    '{ print > (out "." int((NR - 1) / per) ".jsonl") }' \
	    "$d/all.jsonl" || return
	for ((k = 0; k < slices; k++)); do
		[ -s "$d/ticket.$k.jsonl" ] || {
			echo "no route slice $k"
			return 1
		}
	done
}

# A new store DB opened by router ID with the other writers.
route_fresh() {
	"$CONC_BIN/csm-route" --db "$1" -c "$CONC_DIR/route/csm.conf" \
	    --now "$CONC_NOW" -q --all >/dev/null
}

# route_count < OUTPUT: "created_KIND N" for what a csm-ingest output
# says it created.
route_count() {
	sed -n 's/^{"op":"created","type":"\([a-z]*\)".*/\1/p' |
	    sort | uniq -c | awk '{ print "created_" $2, $1 }'
}

# route_created < OUTPUT: "created_KIND N" for what a csm-route output
# says its rules made (notes, replies, tasks: keyed "rule:..."); the
# tickets of its input it prints with their own op.
route_created() {
	sed -n 's/^{"op":"created","type":"\([a-z]*\)".*"source_id":"rule:.*/\1/p' |
	    sort | uniq -c | awk '{ print "created_" $2, $1 }'
}

# The slices of router W's run I (by I mod 3: 0 and 1 take a round each,
# 2 is a sweep and takes none).
route_files() {
	local w=$1 i=$2 d=$CONC_DIR/route r own nxt
	r=$((i / 3))
	r=$(((r * 2 + i % 3) % CONC_ROUNDS))
	own=$((r * CONC_ROUTERS + w))
	nxt=$((r * CONC_ROUTERS + (w + 1) % CONC_ROUTERS))
	echo "$d/ticket.$own.jsonl"
	[ "$nxt" -eq "$own" ] || echo "$d/ticket.$nxt.jsonl"
}

route_step() {
	local w=$1 i=$2 d=$CONC_DIR/route rc tmo batch files
	local in=$d/in.$1.$2.jsonl out=$d/out.$1
	local batches=(7 50 1000) st pids

	tmo=$CSM_BUSY_TIMEOUT
	[ "$CONC_ROUTERS" -ge 2 ] && [ "$w" -eq $((CONC_ROUTERS - 1)) ] &&
		tmo=$CONC_SHORT_BUSY
	echo "timeout_ms $tmo"
	if [ $((i % 3)) -eq 2 ]; then
		pids=()
		for batch in 3 "${batches[$((i / 3 % 3))]}"; do
			CSM_BUSY_TIMEOUT=$tmo "$CONC_BIN/csm-route" \
			    --db "$CONC_DB" -c "$d/csm.conf" --now "$CONC_NOW" \
			    -q --batch "$batch" --on created \
			    --where "$route_where" >"$out.${#pids[@]}" \
			    2>>"$CONC_STEP_ERR" &
			pids+=($!)
		done
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
		cat "$out.0" "$out.1" >"$out"
		echo "records $(grep -c '"source_id":"route-' "$out")"
		route_created <"$out"
		return "$rc"
	fi
	# csm-ingest, unless a try of this run that exited 75 did it.
	if [ ! -e "$in" ]; then
		mapfile -t files < <(route_files "$w" "$i")
		CSM_BUSY_TIMEOUT=$tmo "$CONC_BIN/csm-ingest" --db "$CONC_DB" \
		    -c "$d/csm.conf" --now "$CONC_NOW" --no-progress \
		    "${files[@]}" >"$in.part" 2>>"$CONC_STEP_ERR"
		rc=$?
		route_count <"$in.part"
		[ "$rc" -eq 0 ] || return "$rc"
		echo "records $(wc -l <"$in.part")"
		mv "$in.part" "$in" &&
		    printf '%s\n' "${files[@]}" >>"$d/manifest.$w" || return 70
	fi
	[ $((i % 3)) -eq 0 ] || return 0
	CSM_BUSY_TIMEOUT=$tmo "$CONC_BIN/csm-route" --db "$CONC_DB" \
	    -c "$d/csm.conf" --now "$CONC_NOW" -q --batch 20 "$in" >"$out" \
	    2>>"$CONC_STEP_ERR"
	rc=$?
	route_created <"$out"
	return "$rc"
}

# route_sweep DB: the cron job once, on the store DB.
route_sweep() {
	"$CONC_BIN/csm-route" --db "$1" -c "$CONC_DIR/route/csm.conf" \
	    --now "$CONC_NOW" -q --on created --where "$route_where" \
	    >"$CONC_DIR/route/out.sweep"
}

# The next cron run on the store, then the same, sequentially, into the
# reference store REF: every slice a router took, in order, then a
# sweep.
route_reference() {
	local files

	[ "$CONC_ROUTERS" -gt 0 ] || return 0
	route_sweep "$CONC_DB" || {
		echo "the last sweep of the store failed"
		return 1
	}
	route_created <"$CONC_DIR/route/out.sweep" | sed 's/^/m /' \
	    >"$CONC_DIR/log/route.sweep"
	mapfile -t files < <(cat "$CONC_DIR"/route/manifest.* 2>/dev/null |
	    sort -u)
	[ ${#files[@]} -gt 0 ] || { echo "no router run succeeded"; return 1; }
	"$CONC_BIN/csm-ingest" --db "$1" -c "$CONC_DIR/route/csm.conf" \
	    --now "$CONC_NOW" --no-progress "${files[@]}" >/dev/null &&
	    route_sweep "$1"
}

# What does not depend on the order tickets reached the rotations: how
# many tickets csm-route gave each agent, and each rotation's last.
route_canon() {
	cat <<-'EOF'
	SELECT 'route-assigned', json_array(new, count(*)) FROM events
	    WHERE by = 'csm-route' AND field = 'assignee' GROUP BY new;
	SELECT 'route-rotations', json_array(grp, last, at) FROM rotations;
	EOF
}

route_check() {
	local d=$CONC_DIR/route v want got

	[ "$CONC_ROUTERS" -gt 0 ] || return 0
	# Every ticket of the slices taken, once, and nothing else of the
	# routers' but the tasks their rules made.
	cat "$d"/manifest.* 2>/dev/null | sort -u | xargs -r -d '\n' cat |
	    jq -r '.source + "|" + .source_id' | LC_ALL=C sort >"$d/keys.want"
	route_sql "SELECT source || '|' || source_id FROM tickets
	    WHERE source_id LIKE 'route-%'" | LC_ALL=C sort >"$d/keys.got"
	want=$(wc -l <"$d/keys.want")
	got=$(wc -l <"$d/keys.got")
	if [ "$want" -gt 0 ] && cmp -s "$d/keys.want" "$d/keys.got"; then
		echo "ok - route: every ticket the routers took is in the store exactly once ($got)"
	else
		echo "not ok - route: every ticket the routers took is in the store exactly once ($got of $want)"
		diff "$d/keys.want" "$d/keys.got" | grep '^[<>]' | head -n 10 |
		    sed 's/^/#   /'
	fi

	# Assigned once: every routers' ticket still to be worked on, and
	# every task, has exactly one assignment, csm-route's, from nobody,
	# and holds its assignee; nothing else has any by csm-route.
	v=$(route_sql "
	SELECT 'T-' || t.id || ' (' || t.source_id || ', ' || t.status ||
	    '): ' || (SELECT count(*) FROM events e WHERE e.ticket = t.id AND
		e.field = 'assignee') || ' assignments, holds ' ||
	    coalesce(t.assignee, 'nobody')
	FROM tickets t
	WHERE (t.source_id LIKE 'route-%' OR t.source = 'csm-route')
	    AND t.status NOT IN ('resolved', 'closed') AND NOT (t.assignee IS NOT NULL AND
	    (SELECT count(*) FROM events e WHERE e.ticket = t.id AND
		e.field = 'assignee') = 1 AND EXISTS (SELECT 1 FROM events e
		WHERE e.ticket = t.id AND e.field = 'assignee' AND
		e.by = 'csm-route' AND e.old IS NULL AND e.new = t.assignee))
	LIMIT 10;
	SELECT 'T-' || e.ticket || ' of another actor assigned by csm-route'
	FROM events e JOIN tickets t ON t.id = e.ticket
	WHERE e.by = 'csm-route' AND e.field = 'assignee'
	    AND t.source_id NOT LIKE 'route-%' AND t.source != 'csm-route'
	LIMIT 10;" 2>&1)
	if [ -z "$v" ]; then
		echo "ok - route: every routers' ticket and task to be worked on assigned exactly once, from nobody"
	else
		echo "not ok - route: every routers' ticket and task to be worked on assigned exactly once, from nobody"
		printf '%s\n' "$v" | head -n 10 | sed 's/^/#   /'
	fi

	# The rotations: the members of each group were given numbers of
	# tickets that differ by at most one, and the rotation names the
	# member given the last.
	v=""
	for k in $route_agents; do
		v="$v${v:+ UNION ALL }SELECT '${k%%:*}', '${k#*:}'"
	done
	v=$(route_sql "
	CREATE TEMP TABLE agent(grp, member);
	INSERT INTO agent $v;
	CREATE TEMP TABLE given AS SELECT a.grp, a.member,
	    (SELECT count(*) FROM events e WHERE e.by = 'csm-route' AND
		e.field = 'assignee' AND e.new = a.member) AS n,
	    (SELECT max(e.id) FROM events e WHERE e.by = 'csm-route' AND
		e.field = 'assignee' AND e.new = a.member) AS last
	    FROM agent a;
	SELECT 'round robin of ' || grp || ' is unfair: ' ||
	    group_concat(member || ' ' || n, ', ')
	FROM given GROUP BY grp HAVING max(n) - min(n) > 1;
	SELECT 'rotation of ' || g.grp || ' says ' || coalesce(r.last,
	    'nobody') || ', the last ticket went to ' || g.member
	FROM given g LEFT JOIN rotations r ON r.grp = g.grp
	WHERE g.last = (SELECT max(last) FROM given x WHERE x.grp = g.grp)
	    AND r.last IS NOT g.member;
	SELECT 'T-' || e.ticket || ' assigned to ' || e.new || ', not a member'
	    || ' of its group ' || coalesce(t.grp, 'none')
	FROM events e JOIN tickets t ON t.id = e.ticket
	WHERE e.by = 'csm-route' AND e.field = 'assignee' AND NOT EXISTS
	    (SELECT 1 FROM agent a WHERE a.member = e.new AND a.grp = t.grp)
	LIMIT 5;" 2>&1)
	if [ -z "$v" ]; then
		echo "ok - route: each ticket given to a member of its group, round robin fair, each rotation names the last given"
	else
		echo "not ok - route: each ticket given to a member of its group, round robin fair, each rotation names the last given"
		printf '%s\n' "$v" | head -n 10 | sed 's/^/#   /'
	fi

	# Each rule fired at most once on a ticket, and whole: as many of
	# each of its changes and records as firings (each action of these
	# rules is a change on the routers' tickets, but route-complaint's
	# priority, which may be high already).
	v=$(route_sql "
	SELECT 'rule ' || why || ' fired ' || count(*) || ' times on T-' ||
	    ticket
	FROM events WHERE action = 'rule' AND why LIKE 'route-%'
	GROUP BY why, ticket HAVING count(*) > 1
	LIMIT 5;
	WITH f(rule, n) AS (SELECT why, count(*) FROM events
	    WHERE action = 'rule' GROUP BY why),
	c(rule, what, n) AS (
	    SELECT why, action || ':' || coalesce(field, ''), count(*)
	    FROM events WHERE why LIKE 'route-%' AND action != 'rule'
		AND NOT (why = 'route-complaint' AND field = 'priority')
	    GROUP BY 1, 2
	    UNION ALL SELECT substr(source_id, 6, instr(substr(source_id, 6),
		':') - 1), 'made:' || 'message', count(*)
	    FROM messages WHERE source_id LIKE 'rule:%' GROUP BY 1
	    UNION ALL SELECT substr(source_id, 6, instr(substr(source_id, 6),
		':') - 1), 'made:' || 'task', count(*)
	    FROM tickets WHERE source = 'csm-route' GROUP BY 1)
	SELECT 'rule ' || c.rule || ': ' || c.n || ' ' || c.what || ' for ' ||
	    coalesce(f.n, 0) || ' firings'
	FROM c LEFT JOIN f ON f.rule = c.rule
	WHERE c.n != coalesce(f.n, 0)
	LIMIT 10;" 2>&1)
	if [ -z "$v" ]; then
		echo "ok - route: each rule fired once a ticket at most, each firing whole"
	else
		echo "not ok - route: each rule fired once a ticket at most, each firing whole"
		printf '%s\n' "$v" | head -n 10 | sed 's/^/#   /'
	fi
}
