#!/usr/bin/env bats
# The bundled sample: reproducible, it goes in whole, and it is a desk a
# manager recognises (sample/README.md): every channel and identity,
# answers as fast as each channel answers, customers who come back, a
# backlog only where intended, varied text, believable surveys.

load helper

FILES="tickets.jsonl tickets.csv customers.csv orders.csv messages.jsonl events.jsonl surveys.jsonl"

# The sample, ingested once for the tests that only read it.
setup_file() {
	export LC_ALL=C TZ=UTC
	SAMPLE_DB="$BATS_FILE_TMPDIR/sample.db"
	export SAMPLE_DB
	cd "$BATS_TEST_DIRNAME/../../sample" || return 1
	# shellcheck disable=SC2086
	csm-ingest --db "$SAMPLE_DB" -c csm.conf $FILES >/dev/null
}

# s SQL: one query against the ingested sample.
s() {
	sqlite3 -batch -noheader "$SAMPLE_DB" "$1"
}

# The end of the sample, 2026-11-21 00:00 in Beijing, and a day.
END=1795190400
DAY=86400

@test "the generator reproduces the bundled sample byte for byte" {
	run2 "$CSM_BIN/csm-gen" -n 2000 -s 1 -o "$TMP/sample"
	[ "$status" -eq 0 ]
	for f in $FILES; do
		cmp "$TMP/sample/$f" "$BATS_TEST_DIRNAME/../../sample/$f"
	done
}

@test "the whole sample goes in without a rejected record, twice" {
	cd "$BATS_TEST_DIRNAME/../../sample"
	# shellcheck disable=SC2086
	run2 csm-ingest --db "$DB" -c csm.conf $FILES
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	[ "$(q "SELECT count(*) FROM tickets WHERE source_id NOT LIKE 'followup:%'")" -eq 2000 ]
	[ "$(q "SELECT count(*) FROM tickets WHERE ticket_type = 'repair' AND stage IS NULL")" -eq 0 ]
	[ "$(q 'SELECT count(*) FROM messages')" -eq "$(wc -l <messages.jsonl)" ]
	[ "$(q 'SELECT count(*) FROM surveys')" -eq "$(wc -l <surveys.jsonl)" ]
	# Every event is kept by its key: with the change it made, or (one
	# that changed nothing, which writes nothing) in the taken table.
	[ "$(q "SELECT (SELECT count(*) FROM events WHERE ext IS NOT NULL) + (SELECT count(*) FROM taken WHERE kind = 'event')")" -eq "$(wc -l <events.jsonl)" ]
	[ "$(q "SELECT count(*) FROM orders")" -eq "$(($(wc -l <orders.csv) - 1))" ]
	# No event is older than its ticket's last message: none is stale.
	[ "$(q "SELECT count(*) FROM events WHERE data LIKE '%\"stale\":true%'")" -eq 0 ]
	before=$(sqlite3 "$DB" .dump | md5sum)
	# shellcheck disable=SC2086
	run2 csm-ingest --db "$DB" -c csm.conf $FILES
	[ "$status" -eq 0 ]
	[ -z "$out" ]
	[ "$(sqlite3 "$DB" .dump | md5sum)" = "$before" ]
}

@test "make demo runs to its end" {
	run2 "$BATS_TEST_DIRNAME/../../scripts/demo" "${CSM_BIN%/bin}"
	[ "$status" -eq 0 ]
	[[ "$out" == *"lines printed: 0"* ]]
	[[ "$out" == *"mail in hours"* ]]
	[[ "$out" == *"follow_ups"* ]]
	[[ "$out" == *"exit status 65; rejects.jsonl holds 2 lines"* ]]
}

@test "what is printed for a new ticket is what the store then holds" {
	cd "$BATS_TEST_DIRNAME/../../sample"
	run2 csm-ingest --db "$DB" -c csm.conf tickets.jsonl tickets.csv
	[ "$status" -eq 0 ]
	printf '%s\n' "$out" | jq -c 'select(.type == "ticket") | del(.op, .customer, .name, .tier, .org)' |
	    sort >"$TMP/created"
	[ "$(wc -l <"$TMP/created")" -eq 2000 ]
	# A rerun with -v prints every ticket read back from the store
	# (customers may differ: some were merged after their first ticket;
	# so may their name, tier and org, which are the customer's).
	run2 csm-ingest --db "$DB" -c csm.conf -v tickets.jsonl tickets.csv
	[ "$status" -eq 0 ]
	printf '%s\n' "$out" | jq -c 'select(.type == "ticket") | del(.op, .customer, .name, .tier, .org)' |
	    sort >"$TMP/stored"
	cmp "$TMP/created" "$TMP/stored"
	# A ticket's name, tier and org are its customer's, now.
	printf '%s\n' "$out" | jq -r 'select(.type == "ticket" and .customer) | [.id, .name // "", .tier // "", .org // ""] | @tsv' |
	    sort >"$TMP/profiles"
	q "SELECT printf('T-%06d', t.id), coalesce(c.name, ''), coalesce(c.tier, ''), coalesce(c.org, '') FROM tickets t JOIN customers c ON c.id = t.customer ORDER BY 1" |
	    tr '|' '\t' >"$TMP/customers"
	cmp "$TMP/profiles" "$TMP/customers"
}

@test "every channel, Chinese and English, customers who write again" {
	[ "$(s 'SELECT count(DISTINCT source) FROM tickets')" -eq 12 ]
	# English subjects are plain ASCII; Chinese ones are not.
	[ "$(s "SELECT count(*) FROM tickets WHERE subject NOT GLOB '*[^ -~]*'")" -gt 300 ]
	[ "$(s "SELECT count(*) FROM tickets WHERE subject GLOB '*[^ -~]*'")" -gt 1000 ]
	[ "$(s 'SELECT count(*) FROM (SELECT customer FROM tickets
	    WHERE customer IS NOT NULL GROUP BY customer
	    HAVING count(*) >= 3)')" -gt 100 ]
	[ "$(s 'SELECT count(*) FROM (SELECT customer FROM tickets
	    WHERE customer IS NOT NULL GROUP BY customer
	    HAVING count(DISTINCT source) >= 3)')" -gt 30 ]
	[ "$(s "SELECT count(*) FROM events WHERE action = 'merge'")" -gt 0 ]
	[ "$(s 'SELECT count(*) FROM tickets WHERE customer IS NULL')" -gt 0 ]
}

@test "WeCom, DingTalk and Weibo identities are there with the others" {
	[ "$(s 'SELECT group_concat(kind) FROM (SELECT DISTINCT kind
	    FROM identities ORDER BY kind)')" = \
	    "crm,dingtalk,email,phone,wechat,wecom,weibo" ]
	for k in wecom dingtalk weibo; do
		[ "$(s "SELECT count(*) FROM identities WHERE kind = '$k'")" -gt 10 ]
		[ "$(s "SELECT count(*) FROM tickets WHERE source = '$k'")" -gt 10 ]
	done
	[ "$(head -n 1 "$BATS_TEST_DIRNAME/../../sample/customers.csv")" = \
	    "type,crm_id,name,phone,email,wechat,wecom,dingtalk,weibo,tier,org,city,created_at,updated_at" ]
	# The CRM's records carry their own time: no customer was changed
	# "now", at ingest, after the sample's end.
	[ "$(s "SELECT count(*) FROM customers WHERE updated_at >= $END")" -eq 0 ]
}

@test "mobiles have allocated prefixes, office lines lose their extensions" {
	# 13x, 15x, 17x, 18x, 19x as the MIIT allocated them.
	allowed="'130','131','132','133','135','136','137','138','139',
	    '150','151','152','153','155','156','157','158','159',
	    '170','171','172','173','175','176','177','178',
	    '180','181','182','183','184','185','186','187','188','189',
	    '190','191','192','193','195','196','197','198','199'"
	[ "$(s "SELECT count(*) FROM identities WHERE kind = 'phone'
	    AND value GLOB '1??????????' AND substr(value, 1, 3) IN ($allowed)")" -gt 200 ]
	[ "$(s "SELECT count(*) FROM identities WHERE kind = 'phone'
	    AND value GLOB '1*' AND NOT (value GLOB '1??????????'
	    AND substr(value, 1, 3) IN ($allowed))")" -eq 0 ]
	# Landlines with extensions in the data, none glued on in the store.
	grep -q '"phone":"[^"]*\(转\|分机\|ext\. \)[0-9]' "$BATS_TEST_DIRNAME/../../sample/tickets.jsonl"
	[ "$(s "SELECT count(*) FROM identities WHERE kind = 'phone'
	    AND value GLOB '0*'")" -gt 5 ]
	[ "$(s "SELECT count(*) FROM identities WHERE kind = 'phone'
	    AND value GLOB '0*' AND length(value) > 12")" -eq 0 ]
	# The ERP's spreadsheet numbers are the same customers' phones.
	grep -q 'E+10' "$BATS_TEST_DIRNAME/../../sample/orders.csv"
	grep -q '[0-9]\.0,' "$BATS_TEST_DIRNAME/../../sample/orders.csv"
	[ "$(s "SELECT count(*) FROM orders WHERE customer IS NULL")" -eq 0 ]
}

@test "calls and chats are answered in minutes, mail in hours" {
	frt() {
		s "SELECT CAST(avg(first_response_at - created_at) AS INTEGER)
		    FROM tickets WHERE source = '$1'
		    AND first_response_at IS NOT NULL"
	}
	phone=$(frt phone) chat=$(frt chat) email=$(frt email)
	[ "$phone" -lt 600 ]
	[ "$chat" -lt 600 ]
	[ "$email" -gt 3600 ]
	[ "$phone" -lt "$email" ]
	[ "$chat" -lt "$email" ]
	# Most calls are picked up within five minutes.
	[ "$(s "SELECT 100 * sum(first_response_at - created_at < 300) / count(*)
	    FROM tickets WHERE source = 'phone'")" -ge 90 ]
	# Mail is answered in working hours.
	[ "$(s "SELECT 100 * sum(CAST(strftime('%H', first_response_at,
	    'unixepoch', '+8 hours') AS INTEGER) BETWEEN 9 AND 20) / count(*)
	    FROM tickets WHERE source = 'email'
	    AND first_response_at IS NOT NULL")" -ge 95 ]
	# Fewer tickets at night, at weekends and in the Spring Festival.
	[ "$(s "SELECT count(*) FROM tickets WHERE CAST(strftime('%H',
	    created_at, 'unixepoch', '+8 hours') AS INTEGER) < 6")" -lt \
	    "$(s "SELECT count(*) FROM tickets WHERE strftime('%H',
	    created_at, 'unixepoch', '+8 hours') = '10'")" ]
	[ "$(s "SELECT count(*) FROM tickets WHERE strftime('%w', created_at,
	    'unixepoch', '+8 hours') = '0'")" -lt \
	    "$(s "SELECT count(*) FROM tickets WHERE strftime('%w', created_at,
	    'unixepoch', '+8 hours') = '1'")" ]
	[ "$(s "SELECT count(*) FROM tickets WHERE date(created_at,
	    'unixepoch', '+8 hours') BETWEEN '2026-02-15' AND '2026-02-23'")" -lt \
	    "$(s "SELECT count(*) FROM tickets WHERE date(created_at,
	    'unixepoch', '+8 hours') BETWEEN '2026-03-15' AND '2026-03-23'")" ]
}

@test "customers reopen solved tickets and start follow-ups" {
	[ "$(s 'SELECT sum(reopens) FROM tickets')" -gt 20 ]
	# Reopened by a customer's message and by a lead's event.
	[ "$(s "SELECT count(*) FROM events WHERE action = 'reopen'
	    AND by NOT LIKE 'lead.%'")" -gt 20 ]
	[ "$(s "SELECT count(*) FROM events WHERE action = 'reopen'
	    AND by LIKE 'lead.%'")" -gt 0 ]
	# Follow-ups of tickets closed more than 14 days before, linked.
	n=$(s "SELECT count(*) FROM tickets WHERE source_id LIKE 'followup:%'")
	[ "$n" -gt 3 ]
	[ "$(s "SELECT count(*) FROM events WHERE action = 'link'
	    AND field = 'follow_up_of'")" -eq "$n" ]
	[ "$(s "SELECT count(*) FROM tickets f JOIN events e ON e.ticket = f.id
	    AND e.field = 'follow_up_of' JOIN tickets o
	    ON printf('T-%06d', o.id) = e.new
	    WHERE f.created_at - o.closed_at > 14 * $DAY")" -eq "$n" ]
	# Most of them were dealt with in turn.
	[ "$(s "SELECT count(*) FROM tickets WHERE source_id LIKE 'followup:%'
	    AND status IN ('resolved', 'closed')")" -gt 0 ]
}

@test "old tickets are done; the only backlog is Weibo's, as intended" {
	old="created_at < $END - 30 * $DAY"
	[ "$(s "SELECT 1000 * sum(status IN ('resolved', 'closed')) / count(*)
	    FROM tickets WHERE $old")" -ge 990 ]
	# New for more than a week: Weibo mentions since 2026-10-08 only.
	[ "$(s "SELECT group_concat(DISTINCT source) FROM tickets
	    WHERE status = 'new' AND created_at < $END - 7 * $DAY")" = weibo ]
	n=$(s "SELECT count(*) FROM tickets WHERE status = 'new'
	    AND created_at < $END - 7 * $DAY")
	[ "$n" -ge 2 ]
	[ "$n" -le 30 ]
	# (2026-10-08 00:00 in Beijing is 1791388800.)
	[ "$(s "SELECT count(*) FROM tickets WHERE status = 'new'
	    AND created_at < 1791388800")" -eq 0 ]
	# The last days are still in progress.
	[ "$(s "SELECT count(*) FROM tickets WHERE status NOT IN
	    ('resolved', 'closed') AND created_at >= $END - 7 * $DAY")" -gt 5 ]
}

@test "the text varies: no body, sentence or reply comes back often" {
	[ "$(s 'SELECT max(n) FROM (SELECT count(*) AS n FROM tickets
	    WHERE body IS NOT NULL GROUP BY body)')" -le 3 ]
	[ "$(s 'SELECT count(DISTINCT subject) FROM tickets')" -gt 400 ]
	# No sentence of 8 characters or more is in more than 5% of the
	# tickets (20 filler sentences used to be in a sixth of them each).
	top=$(s "SELECT replace(replace(body, char(10), ' '), char(13), '')
	    FROM tickets WHERE body IS NOT NULL" |
	    sed -e 's/。/。\n/g; s/！/！\n/g; s/？/？\n/g; s/\([.!?]\) /\1\n/g' |
	    sed -e 's/^ *//' | awk 'length($0) >= 24' | sort | uniq -c |
	    sort -rn | awk 'NR == 1 { print $1 }')
	[ "$top" -le 100 ]
	# Replies and customers' messages vary too.
	[ "$(s 'SELECT max(n) FROM (SELECT count(*) AS n FROM messages
	    WHERE auto = 0 AND length(CAST(body AS BLOB)) >= 30
	    GROUP BY body)')" -le 40 ]
	[ "$(s 'SELECT 100 * count(DISTINCT body) / count(*) FROM messages
	    WHERE auto = 0')" -ge 60 ]
	# Real concierge conversations (CrossWOZ) on chat and WeChat.
	[ "$(s "SELECT count(*) FROM messages m JOIN tickets t ON t.id = m.ticket
	    WHERE t.category = '出行服务' OR t.tags LIKE '%酒店%'")" -gt 200 ]
}

@test "categories and products agree with the text" {
	# Keywords a routing rule would use: nearly every ticket of a
	# category says one of its words.
	while IFS='|' read -r cat words; do
		cond=$(printf '%s\n' "$words" | tr '|' '\n' |
		    sed "s/.*/x GLOB '&'/" | paste -sd '|' | sed 's/|/ OR /g')
		n=$(s "SELECT 100 * sum($cond) / count(*) FROM (SELECT
		    lower(subject || ' ' || coalesce(body, '')) AS x
		    FROM tickets WHERE category = '$cat')")
		[ "$n" -ge 95 ] || { echo "$cat: $n%"; false; }
	done <<'EOF'
支付失败|*付*|*扣*|*pay*|*charge*|*card*
退款|*退*|*refund*
发票|*票*|*invoice*
物流|*快递*|*物流*|*包裹*|*发货*|*签收*|*deliver*|*ship*|*track*|*courier*|*parcel*|*package*
退换货|*退*|*换*|*return*|*exchange*
设备故障|*故障*|*坏*|*离线*|*报*|*告警*|*不*|*error*|*offline*|*alert*|*fault*|*turn on*|*not work*|*broke*|*wrong*|*problem*|*reset*
售后维修|*修*|*师傅*|*repair*|*technician*|*warranty*
安装预约|*装*|*install*
账号|*账号*|*密码*|*验证码*|*登*|*log*|*password*|*account*|*code*
投诉|*投诉*|*态度*|*主管*|*经理*|*不满意*|*反映*|*complain*|*supervisor*|*rude*|*unhappy*
咨询|*咨询*|*请问*|*？*|*?*
出行服务|*酒店*|*餐*|*景*|*地铁*|*车*|*吃*|*玩*|*出行*|*礼宾*|*住*
EOF
	# Products that fit: installations of what is installed, alarms
	# from what sends them, no product on a concierge ticket.
	[ "$(s "SELECT count(*) FROM tickets WHERE category = '安装预约'
	    AND product IN ('R7', 'AX3000', 'BudsPro', 'WatchS2', 'BCD-520')")" -eq 0 ]
	[ "$(s "SELECT count(*) FROM tickets WHERE source = 'iot'
	    AND product IN ('XQG100', '65E8', 'BudsPro', 'WatchS2',
	    'AX3000')")" -eq 0 ]
	[ "$(s "SELECT count(*) FROM tickets WHERE category = '出行服务'
	    AND product IS NOT NULL")" -eq 0 ]
}

@test "the repair workflow: stages, serial numbers, order numbers" {
	# (A follow-up, made by csm-ingest, has no custom fields.)
	[ "$(s "SELECT count(*) FROM tickets WHERE ticket_type = 'repair'
	    AND source_id NOT LIKE 'followup:%'
	    AND json_extract(attrs, '$.serial_no') IS NULL")" -eq 0 ]
	for st in 维修中 等配件 已修复 已回访; do
		[ "$(s "SELECT count(*) FROM events WHERE field = 'status'
		    AND new = '$st'")" -gt 0 ]
	done
	[ "$(s "SELECT count(*) FROM tickets WHERE json_extract(attrs,
	    '$.order_no') GLOB 'SO*'")" -gt 0 ]
	[ "$(s "SELECT count(*) FROM tickets WHERE json_extract(attrs,
	    '$.order_no') GLOB 'WO*'")" -gt 0 ]
}

@test "surveys: CSAT and NPS that a desk would believe, with comments" {
	csat=$(s "SELECT CAST(100 * avg(score) AS INTEGER) FROM surveys
	    WHERE kind = 'csat'")
	[ "$csat" -ge 390 ]
	[ "$csat" -le 450 ]
	[ "$(s "SELECT count(DISTINCT score) FROM surveys WHERE kind = 'csat'")" -eq 5 ]
	nps=$(s "SELECT 100 * (sum(score >= 9) - sum(score <= 6)) / count(*)
	    FROM surveys WHERE kind = 'nps'")
	[ "$nps" -ge 10 ]
	[ "$nps" -le 55 ]
	[ "$(s "SELECT 100 * count(comment) / count(*) FROM surveys")" -ge 40 ]
	# Worse after a reopen than after a ticket solved at once.
	[ "$(s "SELECT avg(score) < (SELECT avg(score) FROM surveys s2
	    JOIN tickets t2 ON t2.id = s2.ticket WHERE s2.kind = 'csat'
	    AND t2.reopens = 0) FROM surveys s JOIN tickets t ON t.id = s.ticket
	    WHERE s.kind = 'csat' AND t.reopens > 0")" -eq 1 ]
}
