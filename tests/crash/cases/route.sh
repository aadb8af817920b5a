# shellcheck shell=bash
# tests/crash/cases/route.sh - the crash case of csm-route, loaded by
# tests/crash/run (see tests/crash/README.md for the interface).
#
# The desk of this case gets its tickets from the channels without an
# assignee: a csm-gen data set with the assignees and the assign, status
# and reopen events taken out (most tickets stay new or open, to be
# assigned), ingested once (case_setup) into a template store.  A run
# copies the template into a fresh store, then does what the desk's
# pipeline and its cron job do:
#
#   1. csm-route on what csm-ingest printed (the filter: rules on
#      created, updated, message and survey records, then each ticket
#      assigned by its group's strategy: round robin, least loaded,
#      capacity, skills, a group whose only member is away);
#   2. csm-route --all, the cron sweep of the time rules, a day later;
#   3. csm-route --where 'status != "closed"', a week later.
#
# The rules (route_conf) are written so that each of their actions
# changes something whenever the rule fires: a firing without all of its
# changes is then visible in the store (case_check).  About 0.4 s a run.

# Variants: the default batches, and --batch 7 (many commits, so that
# kills land between them and inside them).  The expected store is the
# same for both.
# shellcheck disable=SC2034 # read by tests/crash/run
case_variants="default batch7"

# The number of generated tickets: 600 make a run of about 0.4 s (about
# 450 tickets assigned, 13 to 25 to each member of a round-robin group).
route_tickets=${CRASH_ROUTE_TICKETS:-600}

# The clocks.  Every change csm-route makes carries its --now (events.at,
# tickets.updated_at, rotations.at), so that two clean runs are equal in
# every column.
route_now=2026-11-25T00:00:00+08:00
route_sweep1=2026-11-26T09:00:00+08:00
route_sweep2=2026-12-03T09:00:00+08:00

# route_q DB SQL: one query, plain text, no header.
route_q() {
	sqlite3 -batch -bail -noheader -list "$1" "$2"
}

# route_conf: the configuration: sample/csm.conf without its own desk
# (the repair workflow, the serial_no field the repair tickets need; not
# its rules, agents and groups), then rules, groups and agents.  Every
# agent is in one group, so that assignments counted by agent are
# assignments counted by group.
route_conf() {
	local g a

	awk '/^\[/ { desk = $0 ~ /^\[(rule|agent|group)[] ]/ } !desk' \
	    "$CRASH_TOP/sample/csm.conf" && cat <<-'EOF'

	# The crash case of csm-route (tests/crash/cases/route.sh).
	[rule "vip-payment"]
		when = customer.tier = "vip" and category = "支付失败"
		then = priority = urgent, group = 资深客服组, tags += vip, note "VIP 支付问题，已转资深客服组"
		stop = true
	[rule "safety"]
		when = subject ~ "破损|没按时|不符" and priority != "urgent"
		then = task 质检组 "复核：{subject}", escalate
	[rule "refund"]
		when = category = "退款" and group != "售后"
		then = group = 售后, note "自动分派：退款 ({customer.name})"
	[rule "default"]
		when = not exists group
		then = group = 一线客服组
	[rule "ack"]
		when = source = "email"
		then = reply "We got your mail about {subject}."
	[rule "complaint"]
		on = message
		when = message.direction = "in" and message.body ~ "还是|没解决|投诉|差评|again|still" and priority != "urgent" and not (tags contains "complaint")
		then = tags += complaint, escalate
	[rule "bad-csat"]
		on = survey
		when = survey.kind = "csat" and survey.score <= 2
		then = task 质检组 "回访：CSAT {survey.score}"
	[rule "reopened"]
		on = updated
		when = reopens > 0 and priority = "low"
		then = priority = normal
	[rule "auto-close"]
		on = time
		when = status = "resolved" and updated_at + 7d < now
		then = status = closed
	[rule "stale"]
		on = time
		when = status in ("new", "open") and updated_at + 1d < now and priority != "urgent" and not (tags contains "stale")
		then = escalate, tags += stale

	[group "一线客服组"]
		strategy = round-robin
	[group "售后"]
		strategy = round-robin
	[group "财务组"]
		strategy = round-robin
	[group "质检组"]
		strategy = round-robin
	[group "技术支持"]
		strategy = least-loaded
	[group "English Desk"]
		strategy = capacity
	[group "资深客服组"]
		strategy = skills
	[group "VIP专席"]
		strategy = round-robin
		fallback = 资深客服组
	EOF
	while read -r g a; do
		printf '[agent "%s"]\n\tgroups = %s\n' "$a" "${g//_/ }"
		case $a in
		emma) printf '\tcapacity = 400\n' ;;
		david) printf '\tcapacity = 300\n' ;;
		sophia) printf '\tcapacity = 200\n' ;;
		alice) printf '\tskills = 支付失败, 投诉\n' ;;
		zhaolei) printf '\tskills = 退款\n' ;;
		sunli) printf '\tskills = 账号, 发票\n' ;;
		lijuan) printf '\taway = true\n' ;;
		esac
	done <<-'EOF'
	一线客服组 zhangwei
	一线客服组 lina
	一线客服组 wangfang
	一线客服组 liuyang
	一线客服组 chenjing
	一线客服组 zhaomin
	一线客服组 sunyue
	一线客服组 houjie
	售后 zhoujie
	售后 wuhao
	售后 maxin
	售后 tanglei
	财务组 huangmin
	财务组 xulin
	财务组 guoyan
	质检组 qc.li
	质检组 qc.wang
	技术支持 bob
	技术支持 gaofeng
	技术支持 heqiang
	技术支持 luoyi
	English_Desk emma
	English_Desk david
	English_Desk sophia
	资深客服组 alice
	资深客服组 zhaolei
	资深客服组 sunli
	VIP专席 lijuan
	EOF
}

# What each rule's firing must have done, in the events between the
# firing event (action 'rule') and the one before it that is another
# firing or has another why: "action:field" of each change, sorted, all
# of them (exact 1), or some of them, each at most once (exact 0: the
# stop rule, which may find the ticket urgent or in its group already);
# what it made (a message: a note or a reply; a task ticket); and
# whether it fires at most once on a ticket (once 1: rules on created,
# and rules whose own change makes their condition false).  The other
# rules' conditions make each of their actions a real change.
#
# Three kinds of rule are left out on purpose: with each, csm-route's
# rerun of the same input is not a no-op today (reported), so that the
# rerun after a kill, and "the same input again", would not be exact:
#  - a stop rule made false by its own change (vip-payment with
#    priority != "urgent"): the rerun does not see that it fired and
#    stopped the rules after it (csm_rules_apply reads the firing key
#    only of a rule that matches), and runs them;
#  - a rule on updated that its change leaves true (reopened without
#    priority = "low"): its key is the ticket's updated_at as it is
#    (csm-route passes no key for an update), which the firing moved;
#  - a rule that reads the assignee: rules run before the assignment,
#    so it fires on the next run only.
route_expect="
SELECT 'vip-payment', 'priority:priority,transfer:group,update:tags', 0, 1, 0, 1
UNION ALL SELECT 'safety', 'assign:assignee,link:task,link:task_of,priority:priority', 1, 0, 1, 1
UNION ALL SELECT 'refund', 'transfer:group', 1, 1, 0, 1
UNION ALL SELECT 'default', 'transfer:group', 1, 0, 0, 1
UNION ALL SELECT 'ack', '', 1, 1, 0, 1
UNION ALL SELECT 'complaint', 'priority:priority,update:tags', 1, 0, 0, 1
UNION ALL SELECT 'bad-csat', 'assign:assignee,link:task,link:task_of', 1, 0, 1, 0
UNION ALL SELECT 'reopened', 'priority:priority', 1, 0, 0, 0
UNION ALL SELECT 'auto-close', 'status:status', 1, 0, 0, 1
UNION ALL SELECT 'stale', 'priority:priority,update:tags', 1, 0, 0, 1"

# The members of the round-robin groups (VIP专席's only member is away).
route_rr="
SELECT '一线客服组', 'zhangwei' UNION ALL SELECT '一线客服组', 'lina'
UNION ALL SELECT '一线客服组', 'wangfang' UNION ALL SELECT '一线客服组', 'liuyang'
UNION ALL SELECT '一线客服组', 'chenjing' UNION ALL SELECT '一线客服组', 'zhaomin'
UNION ALL SELECT '一线客服组', 'sunyue' UNION ALL SELECT '一线客服组', 'houjie'
UNION ALL SELECT '售后', 'zhoujie' UNION ALL SELECT '售后', 'wuhao'
UNION ALL SELECT '售后', 'maxin' UNION ALL SELECT '售后', 'tanglei'
UNION ALL SELECT '财务组', 'huangmin' UNION ALL SELECT '财务组', 'xulin'
UNION ALL SELECT '财务组', 'guoyan'
UNION ALL SELECT '质检组', 'qc.li' UNION ALL SELECT '质检组', 'qc.wang'"

# case_setup DIR: the input in DIR (the current directory): the
# configuration, the template store and what csm-ingest printed.
case_setup() {
	local dir=$1 f

	route_conf >"$dir/csm.conf" || return
	"$CRASH_BIN/csm-route" -c "$dir/csm.conf" --check || return
	"$CRASH_BIN/csm-gen" -o "$dir" -n "$route_tickets" -s 11 || return
	# Every ticket in JSON Lines (csm-gen -o puts a fifth in CSV), none
	# with an assignee: csm-route assigns them.  Without the status and
	# reopen events the tickets keep the status they were created with,
	# so that three in four are still to be worked on (new or open) and
	# are assigned, not the few the generated history leaves open; the
	# resolved ones are for auto-close.
	"$CRASH_BIN/csm-gen" -n "$route_tickets" -s 11 --kind ticket |
	    jq -c 'del(.assignee)' >"$dir/new-tickets.jsonl" || return
	jq -c 'select(.action | IN("assign", "status", "reopen") | not) |
	    del(.assignee)' "$dir/events.jsonl" >"$dir/new-events.jsonl" ||
	    return
	(
		cd "$dir" || exit
		exec "$CRASH_BIN/csm-ingest" --db "$dir/template.db" \
		    -c csm.conf -q --now "$route_now" new-tickets.jsonl \
		    customers.csv orders.csv messages.jsonl new-events.jsonl \
		    surveys.jsonl >"$dir/ingested.jsonl"
	) || return
	for f in tickets.jsonl tickets.csv events.jsonl; do
		rm -f "${dir:?}/$f"
	done
	[ -s "$dir/ingested.jsonl" ] && [ ! -e "$dir/template.db-wal" ]
}

# case_run DIR DB VARIANT: a fresh store (a copy of the template, moved
# into place whole), the filter, then the two sweeps.
case_run() {
	local dir=$1 db=$2
	local -a opt=()

	[ "$3" = batch7 ] && opt=(--batch 7)
	cd "$dir" || return
	if [ ! -e "$db" ]; then
		# A copy a kill cut short is left here, not next to the store.
		rm -f "$dir"/fresh.*
		cp "$dir/template.db" "$dir/fresh.$BASHPID" &&
		    mv "$dir/fresh.$BASHPID" "$db" || return
	fi
	"$CRASH_BIN/csm-route" --db "$db" -c csm.conf -q --now "$route_now" \
	    "${opt[@]}" ingested.jsonl >/dev/null || return
	"$CRASH_BIN/csm-route" --db "$db" -c csm.conf -q --now "$route_sweep1" \
	    "${opt[@]}" --all >/dev/null || return
	exec "$CRASH_BIN/csm-route" --db "$db" -c csm.conf -q \
	    --now "$route_sweep2" "${opt[@]}" --where 'status != "closed"'
}

# case_dump DB: the store as sorted text, as the ingest case dumps it:
# its schema version, its schema, then every row of every table as a
# JSON array after the table's name.  Every column is compared: the
# store starts as a copy of the template, and csm-route's changes carry
# its --now.
case_dump() {
	local db=$1 sql

	echo "user_version $(route_q "$db" 'PRAGMA user_version')" &&
	route_q "$db" "SELECT json_array(type, name, tbl_name, sql)
	    FROM sqlite_master ORDER BY type, name" || return
	sql=$(route_q "$db" "SELECT 'SELECT ' || quote(m.name) ||
	    ', json_array(' || (SELECT group_concat('\"' || p.name || '\"',
	    ', ') FROM pragma_table_info(m.name) p) || ') AS r FROM \"' ||
	    m.name || '\" ORDER BY r;'
	    FROM sqlite_master m
	    WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%'
	    ORDER BY m.name") || return
	route_q "$db" "$sql"
}

# case_check DB: what must hold in every store csm-route leaves, killed
# or not.  Prints each problem (at most a few of each kind); fails if
# there is any.
#  - No rule is half applied: each firing event has exactly the changes
#    its rule makes (route_expect), and what it made (a message, a task
#    ticket, keyed by the firing); no change with a rule's name as its
#    why, and nothing a rule made, is without its firing event.
#  - No firing is recorded twice: no key twice, and no rule that fires
#    once on a ticket fired on it again under another key.
#  - No ticket is assigned twice by csm-route.
#  - Round robin is fair: the members of each round-robin group have
#    been given numbers of tickets that differ by at most one, and the
#    rotation's last member is the one given the last ticket.
case_check() {
	local db=$1 out

	out=$(route_q "$db" "
	CREATE TEMP TABLE expect(rule, kinds, exact, msgs, tasks, once);
	INSERT INTO expect $route_expect;
	CREATE TEMP TABLE rr(grp, member);
	INSERT INTO rr $route_rr;
	CREATE TEMP TABLE firing AS
	    SELECT f.id, f.ticket, f.why AS rule, f.ext,
	    (SELECT e.id FROM events e WHERE e.id < f.id AND
		(e.action = 'rule' OR e.why IS NOT f.why)
		ORDER BY e.id DESC LIMIT 1) AS start
	    FROM events f WHERE f.action = 'rule';
	-- What rules made: messages and task tickets keyed
	-- 'rule:NAME:T-ID:WHAT:INDEX', WHAT '-' for a creation, whose
	-- firing is keyed 'rule:NAME:T-ID:created'.
	CREATE TEMP TABLE made AS
	    SELECT kind, key, CASE WHEN k LIKE '%:-'
		THEN substr(k, 1, length(k) - 1) || 'created' ELSE k END AS ext
	    FROM (SELECT 'message' AS kind, source_id AS key,
		    rtrim(rtrim(source_id, '0123456789'), ':') AS k
		FROM messages WHERE source_id LIKE 'rule:%'
		UNION ALL SELECT 'task', source_id,
		    rtrim(rtrim(source_id, '0123456789'), ':')
		FROM tickets WHERE source = 'csm-route');
	CREATE INDEX temp.made_ext ON made(ext, kind);
	CREATE TEMP TABLE block AS
	    SELECT f.id, f.rule, f.ext, (SELECT json_group_array(k) FROM
		(SELECT e.action || ':' || coalesce(e.field, '') AS k
		FROM events e WHERE e.id > f.start AND e.id < f.id
		ORDER BY 1)) AS list
	    FROM firing f;
	SELECT 'rule firing E-' || b.id || ' (' || b.ext || ') is not whole: '
	    || 'changes ' || b.list || ', expected ' ||
	    CASE x.exact WHEN 0 THEN 'some of ' ELSE '' END ||
	    '[' || coalesce(x.kinds, '?') || ']'
	FROM block b LEFT JOIN expect x ON x.rule = b.rule
	WHERE x.rule IS NULL
	    OR (x.exact AND (SELECT coalesce(group_concat(value, ','), '')
		FROM json_each(b.list)) != x.kinds)
	    OR (NOT x.exact AND (EXISTS (SELECT 1 FROM json_each(b.list) k
		WHERE instr(',' || x.kinds || ',', ',' || k.value || ',') = 0)
		OR (SELECT count(*) - count(DISTINCT value)
		FROM json_each(b.list)) > 0))
	LIMIT 5;
	-- The stop rule's changes stand: nothing after it undoes them.
	SELECT 'T-' || t.id || ': vip-payment fired, but the ticket is ' ||
	    t.priority || ' in ' || coalesce(t.grp, 'no group') || ' with tags '
	    || coalesce(t.tags, 'none')
	FROM firing f JOIN tickets t ON t.id = f.ticket
	WHERE f.rule = 'vip-payment' AND NOT (t.priority = 'urgent' AND
	    t.grp = '资深客服组' AND EXISTS (SELECT 1 FROM json_each(t.tags)
	    WHERE value = 'vip'))
	LIMIT 5;
	SELECT 'rule firing E-' || f.id || ' (' || f.ext || ') made ' ||
	    (SELECT count(*) FROM made m WHERE m.ext = f.ext AND
		m.kind = 'message') || ' messages and ' ||
	    (SELECT count(*) FROM made m WHERE m.ext = f.ext AND
		m.kind = 'task') || ' tasks, not ' || x.msgs || ' and ' ||
	    x.tasks
	FROM firing f JOIN expect x ON x.rule = f.rule
	WHERE (SELECT count(*) FROM made m WHERE m.ext = f.ext AND
		m.kind = 'message') != x.msgs
	    OR (SELECT count(*) FROM made m WHERE m.ext = f.ext AND
		m.kind = 'task') != x.tasks
	LIMIT 5;
	SELECT 'a change by rule ' || e.why || ' without its firing: E-' ||
	    e.id || ' ' || e.action || ' ' || coalesce(e.field, '') ||
	    ' on T-' || e.ticket
	FROM events e
	WHERE e.action != 'rule' AND e.why IN (SELECT rule FROM expect)
	    AND NOT EXISTS (SELECT 1 FROM events n WHERE n.id = (SELECT
		min(x.id) FROM events x WHERE x.id > e.id AND
		(x.action = 'rule' OR x.why IS NOT e.why))
		AND n.action = 'rule' AND n.why = e.why)
	LIMIT 5;
	SELECT m.kind || ' ' || m.key || ' made by a rule without its firing'
	FROM made m WHERE NOT EXISTS (SELECT 1 FROM firing f
	    WHERE f.ext = m.ext)
	LIMIT 5;
	-- No firing recorded twice: its key is unique (the store's
	-- index says so too), and a rule that fires once on a ticket
	-- fired once, whatever the key.
	SELECT 'firing ' || ext || ' recorded ' || count(*) || ' times'
	FROM events WHERE ext LIKE 'rule:%' GROUP BY ext HAVING count(*) > 1
	LIMIT 5;
	SELECT 'rule ' || f.rule || ' fired ' || count(*) || ' times on T-' ||
	    f.ticket
	FROM firing f JOIN expect x ON x.rule = f.rule AND x.once
	GROUP BY f.rule, f.ticket HAVING count(*) > 1
	LIMIT 5;
	SELECT 'T-' || ticket || ' assigned ' || count(*) || ' times'
	FROM events WHERE by = 'csm-route' AND field = 'assignee'
	GROUP BY ticket HAVING count(*) > 1
	LIMIT 5;
	SELECT 'T-' || ticket || ' assigned over ' || old
	FROM events WHERE by = 'csm-route' AND field = 'assignee'
	    AND old IS NOT NULL
	LIMIT 5;
	CREATE TEMP TABLE given AS SELECT rr.grp, rr.member,
	    (SELECT count(*) FROM events e WHERE e.by = 'csm-route' AND
		e.field = 'assignee' AND e.new = rr.member) AS n,
	    (SELECT max(e.id) FROM events e WHERE e.by = 'csm-route' AND
		e.field = 'assignee' AND e.new = rr.member) AS last
	    FROM rr;
	SELECT 'round robin of ' || grp || ' is unfair: ' ||
	    group_concat(member || ' ' || n, ', ')
	FROM given GROUP BY grp HAVING max(n) - min(n) > 1;
	SELECT 'rotation of ' || g.grp || ' says ' ||
	    coalesce(r.last, 'nobody') || ', the last ticket went to ' ||
	    coalesce(g.member, 'nobody')
	FROM (SELECT grp, member, max(last) FROM given
	    WHERE last IS NOT NULL GROUP BY grp) g
	LEFT JOIN rotations r ON r.grp = g.grp
	WHERE r.last IS NOT g.member;
	SELECT 'rotation of ' || r.grp || ' with nobody given a ticket'
	FROM rotations r WHERE NOT EXISTS (SELECT 1 FROM given g
	    WHERE g.grp = r.grp AND g.n > 0);" 2>&1) || {
		echo "case_check: sqlite3: $out"
		return 1
	}
	[ -z "$out" ] && return 0
	printf '%s\n' "$out"
	return 1
}
