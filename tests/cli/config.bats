#!/usr/bin/env bats
# csm.conf(5) as csm-ingest --check sees it (issue 8, items 5-6): each test
# checks stdout, stderr and status, and that --check never made a store.

load helper

# conf LINE...: writes $TMP/c.conf, one argument a line.
conf() {
	printf '%s\n' "$@" >"$TMP/c.conf"
}

# check: csm-ingest --check on $TMP/c.conf.
check() {
	run2 csm-ingest --db "$DB" -c "$TMP/c.conf" --check
}

# refused MESSAGE: --check exits 78 with the one line
# "csm-ingest: c.conf:LINE:COL: MESSAGE" on stderr, nothing on stdout.
refused() {
	check
	[ "$status" -eq 78 ]
	[ -z "$out" ]
	[ "$err" = "csm-ingest: $TMP/c.conf:$1" ]
	[ ! -e "$DB" ]
}

@test "config: a list item may hold commas inside quotes" {
	conf '[field "visit"]' \
	    '	values = "上门, 寄修", 远程, "say \"hi\""' \
	    '	types = "repair, install", web'
	check
	[ "$status" -eq 0 ]
	[ -z "$out$err" ]
	[ ! -e "$DB" ]
	printf '%s\n' \
	    '{"type":"ticket","source":"web","source_id":"1","ticket_type":"web","visit":"上门, 寄修"}' \
	    '{"type":"ticket","source":"web","source_id":"2","ticket_type":"web","visit":"say \"hi\""}' \
	    '{"type":"ticket","source":"web","source_id":"3","ticket_type":"web","visit":"上门"}' \
	    >"$TMP/t.jsonl"
	run2 csm-ingest --db "$DB" -c "$TMP/c.conf" -q "$TMP/t.jsonl"
	[ "$status" -eq 65 ]
	[ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ]
	[ "$err" = "csm-ingest: $TMP/t.jsonl:3: visit: expected one of the declared values, got \"上门\"" ]
	[ "$(q "SELECT group_concat(json_extract(attrs, '\$.visit'), '|') FROM tickets")" = '上门, 寄修|say "hi"' ]
}

@test "config: empty list items are refused" {
	conf '[field "visit"]' '	values = 上门, , 远程'
	refused '2:11: values: item 2 of the list is empty'
	conf '[field "visit"]' '	types = repair,'
	refused '2:10: types: item 2 of the list is empty'
	conf '[field "visit"]' '	types ='
	refused "2:9: types: expected a list, as in 'types = a, b'"
}

@test "config: values on a field that is not a string is refused (78)" {
	conf '[field "qty"]' '	type = int' '	values = 1, 2'
	refused "3:11: 'values' is for enum fields; field 'qty' is of type int"
}

@test "config: types on a field of another record kind is refused (78)" {
	conf '[field "city"]' '	record = customer' '	types = repair'
	refused "3:10: 'types' is for ticket fields; field 'city' is of customer records"
}

@test "config: [field \"\"] is refused, even with no entries" {
	conf '[field ""]'
	refused '1:2: [field] needs a name: [field "serial_no"]'
}

@test "config: a workflow with no stage to reopen to is refused (78)" {
	conf '[workflow "repair"]' '	status = 受理 new' '	status = 修好 resolved' \
	    '	transition = 受理 -> 修好'
	refused "1:2: workflow 'repair' has no stage to reopen to, so a customer's reply would leave a resolved ticket resolved: declare a stage that counts as open, or set 'reopen = STAGE'"
}

@test "config: a reopen stage that counts as closed is refused (78)" {
	conf '[workflow "repair"]' '	status = 受理 new' '	status = 维修 open' \
	    '	status = 关闭 closed' '	reopen = 关闭'
	refused "5:11: reopen stage '关闭' counts as closed, so a reopened ticket would stay closed: choose a stage that counts as new, open, pending or on_hold"
}

@test "config: stage names with '->' or a status's name are refused (78)" {
	conf '[workflow "repair"]' '	status = 受理->派工 new'
	refused "2:11: stage '受理->派工': a stage name cannot hold '->'"
	conf '[workflow "repair"]' '	status = 维修 open' '	status = open resolved'
	refused "3:11: a stage cannot be named 'open', a name of a default status (events would move to it instead)"
}

@test "config: unknown keys in [core], [field], [workflow] are refused with a hint" {
	conf '[core]' '	reopen-window = 3d'
	refused "2:18: unknown key 'reopen-window' in [core] (did you mean 'reopen_window'?)"
	conf '[field "x"]' '	tpye = int'
	refused "2:9: unknown key 'tpye' in [field] (did you mean 'type'?)"
	conf '[workflow "repair"]' '	status = 维修 open' '	colour = red'
	refused "3:11: unknown key 'colour' in [workflow] (expected status, transition, reopen)"
	conf '[include]' '	file = other.conf'
	refused "2:9: unknown key 'file' in [include] (expected path)"
}

@test "config: an empty timezone is refused (78)" {
	conf '[core]' '	timezone ='
	refused "2:12: timezone: expected a time zone, as in 'timezone = Asia/Shanghai' (for the system's zone, leave the key out)"
}

@test "config: a key set twice is refused, naming the first (78)" {
	conf '[core]' '	timezone = UTC' '[field "x"]' '	type = int' \
	    '[core]' '	timezone = Asia/Shanghai'
	refused "6:13: 'timezone' in [core] is set twice (first at $TMP/c.conf:2)"
}

@test "config: [core \"x\"] and [include \"x\"] are refused (78)" {
	conf '[core "x"]' '	timezone = UTC'
	refused '1:2: [core] takes no name'
	conf '[include "other.conf"]'
	refused "1:2: [include] takes no name: write 'path = FILE' under it"
}

@test "config: sections of tools to come are accepted without a word" {
	conf '[core]' '	timezone = Asia/Shanghai' \
	    '[calendar "cn-office"]' '	hours = mon-fri 09:00-18:00' \
	    '[sla "vip"]' '	first_response = urgent 30m, high 1h' \
	    '[rule "vip"]' '	then = priority = urgent, group = "资深客服组"' \
	    '[agent "alice"]' '	groups = 资深客服组, 售后' \
	    '[group "售后"]' '[route]' '[report]' '[kb]' '[notify]'
	check
	[ "$status" -eq 0 ]
	[ -z "$out$err" ]
	[ ! -e "$DB" ]
}

@test "config: an unknown section is a warning, on --check and on every run" {
	conf '[core]' '	timezone = Asia/Shanghai' '[feild "serial_no"]' \
	    '	type = int' '[frobnicate]' '	k = v'
	check
	[ "$status" -eq 0 ]
	[ -z "$out" ]
	[ "$err" = "csm-ingest: warning: $TMP/c.conf:3:2: unknown section [feild] is ignored (did you mean [field]?)
csm-ingest: warning: $TMP/c.conf:5:2: unknown section [frobnicate] is ignored" ]
	[ ! -e "$DB" ]
	printf '%s\n' '{"type":"ticket","source":"web","source_id":"1","serial_no":"x"}' >"$TMP/t.jsonl"
	run2 csm-ingest --db "$DB" -c "$TMP/c.conf" -q "$TMP/t.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$err" | grep -c '^csm-ingest: warning: ')" -eq 2 ]
	[ "$(q 'SELECT count(*) FROM tickets')" -eq 1 ]
}

@test "config: the sample configuration passes --check untouched" {
	run2 csm-ingest --db "$DB" -c "$BATS_TEST_DIRNAME/../../sample/csm.conf" --check
	[ "$status" -eq 0 ]
	[ -z "$out$err" ]
	[ ! -e "$DB" ]
}
