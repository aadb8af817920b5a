#!/usr/bin/env bats
# docs.bats - what users read besides records: messages that name the
# tool, --help and the completions, CSV flags that only CSV takes,
# tables without trailing spaces, the summary line of make check.

load helper

top=$BATS_TEST_DIRNAME/../..

# needs_lead FUNCTION: skips unless cmd/csm-ingest.c calls FUNCTION (the
# lead adds those calls there, in another branch).
needs_lead() {
	grep -q "$1(" "$top/cmd/csm-ingest.c" ||
	    skip "cmd/csm-ingest.c does not call $1 yet"
}

# no_trailing_space TEXT: no line of TEXT ends in a space.
no_trailing_space() {
	! printf '%s\n' "$1" | grep -n ' $'
}

@test "getopt's messages start with the tool's name, not its path" {
	run2 csm ingest --frobnicate
	[ "$status" -eq 64 ]
	[[ "$err" == "csm-ingest: unrecognized option '--frobnicate'"* ]]
	run2 csm backup --frobnicate
	[ "$status" -eq 64 ]
	[[ "$err" == "csm backup: unrecognized option '--frobnicate'"* ]]
	[[ "$err" == *"Try 'csm backup --help'." ]]
	run2 "$CSM_BIN/csm" backup -x
	[ "$status" -eq 64 ]
	[[ "$err" == "csm backup: invalid option -- 'x'"* ]]
}

@test "getopt's messages of csm-ingest run by its path name csm-ingest" {
	needs_lead cmd_argv0
	run2 "$CSM_BIN/csm-ingest" --frobnicate
	[ "$status" -eq 64 ]
	[[ "$err" == "csm-ingest: unrecognized option '--frobnicate'"* ]]
	run2 "$CSM_BIN/csm-ingest" -o
	[ "$status" -eq 64 ]
	[[ "$err" == "csm-ingest: option requires an argument -- 'o'"* ]]
}

@test "--bom, --crlf and --excel-safe are refused with any output but CSV" {
	needs_lead cmd_check_csv_flags
	echo '{"type":"ticket","source":"web","source_id":"1"}' >"$TMP/t.jsonl"
	for o in jsonl tsv table; do
		for f in --bom --crlf --excel-safe; do
			run2 ingest -o "$o" "$f" "$TMP/t.jsonl"
			[ "$status" -eq 64 ]
			[ -z "$out" ]
			[ "$err" = "csm-ingest: $f: only with -o csv
Try 'csm-ingest --help'." ]
		done
	done
	# Without -o, piped: JSON Lines, so refused too, before the store.
	run2 ingest --bom "$TMP/t.jsonl"
	[ "$status" -eq 64 ]
	[[ "$err" == "csm-ingest: --bom: only with -o csv"* ]]
	[ ! -e "$DB" ]
	run2 ingest -o csv --bom --crlf --excel-safe "$TMP/t.jsonl"
	[ "$status" -eq 0 ]
}

@test "--excel-safe: numbers stay numbers, tab and CR are defused" {
	cat >"$TMP/t.jsonl" <<'EOF'
{"type":"ticket","source":"web","source_id":"1","subject":"-2"}
{"type":"ticket","source":"web","source_id":"2","subject":"\t=1+1"}
{"type":"ticket","source":"web","source_id":"3","subject":"\r=1+1"}
{"type":"ticket","source":"web","source_id":"4","subject":"-2+3"}
EOF
	run2 ingest -o csv --excel-safe "$TMP/t.jsonl"
	[ "$status" -eq 0 ]
	col=$(printf '%s\n' "$out" | head -n 1 | tr ',' '\n' |
	    grep -n '^subject$' | cut -d: -f1)
	subjects=$(printf '%s\n' "$out" | grep -a '^created,ticket,' |
	    cut -d, -f"$col")
	[ "$subjects" = "$(printf '%s\n' -2 "'	=1+1" "\"'"$'\r'"=1+1\"" "'-2+3")" ]
}

@test "table rows end without spaces, CJK and empty cells included" {
	cat >"$TMP/t.jsonl" <<'EOF'
{"type":"ticket","source":"web","source_id":"1","subject":"订单支付失败","phone":"13812345678"}
{"type":"ticket","source":"web","source_id":"2"}
{"type":"ticket","source":"web","source_id":"3","subject":"ends in spaces   "}
EOF
	run2 ingest -o table "$TMP/t.jsonl"
	[ "$status" -eq 0 ]
	no_trailing_space "$out"
	[ "$(printf '%s\n' "$out" | sed -n 2p)" = "created  customer  C-000001" ]
	[ "$(printf '%s\n' "$out" | sed -n 3p)" = \
	    "created  ticket    T-000001          C-000001  new     normal    订单支付失败" ]
	[ "$(printf '%s\n' "$out" | sed -n 4p)" = \
	    "created  ticket    T-000002                    new     normal" ]
	# The --stats table on stderr too.
	run2 ingest -v -o table --stats "$TMP/t.jsonl"
	[ "$status" -eq 0 ]
	no_trailing_space "$out"
	no_trailing_space "$err"
}

@test "csm --help names every record kind of csm-records(5)" {
	kinds=$(sed -n '/^\.Sh RECORD KINDS/,/^\.Sh /s/^\.Ss //p' \
	    "$top/man/csm-records.5")
	[ "$(echo $kinds)" = "ticket message event customer order survey" ]
	run2 csm --help
	[ "$status" -eq 0 ]
	for k in $kinds; do
		[[ "$out" == *"${k}s"* || "$out" == *"$k answers"* ]] ||
		    { echo "csm --help lacks $k"; return 1; }
	done
}

@test "the bash completion registers csm and the tools that exist only" {
	run2 bash -c 'source "$1"; complete -p' _ "$top/completions/csm.bash"
	[ "$status" -eq 0 ]
	names=$(printf '%s\n' "$out" | awk '{ print $NF }' | sort)
	[ "$names" = "$(printf '%s\n' csm csm-ingest csm-report csm-route csm-sla)" ]
	for n in $names; do
		[ -x "$CSM_BIN/$n" ]
	done
	# "csm backup" still completes, as a command of csm.
	run2 bash -c 'source "$1"; COMP_WORDS=(csm b); COMP_CWORD=1
	    _csm; printf "%s\n" "${COMPREPLY[@]}"' _ \
	    "$top/completions/csm.bash"
	[ "$out" = backup ]
	run2 bash -c 'source "$1"; COMP_WORDS=(csm backup --); COMP_CWORD=2
	    _csm; printf "%s\n" "${COMPREPLY[@]}"' _ \
	    "$top/completions/csm.bash"
	[[ "$out" == *"--db="* ]]
}

@test "make check prints the sum of its two passes last" {
	stub='sh -c "echo 7 passed, 0 failed" --'
	run2 make -C "$top" -s check B="$TMP/b" MAKE="$stub"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$out" | tail -n 1)" = "14 passed, 0 failed" ]
	# A failing pass: its count goes into the sum, which still comes
	# last on stdout, and make fails.
	stub='sh -c "echo 7 passed, 2 failed; exit 1" --'
	run2 make -C "$top" -s check B="$TMP/b" MAKE="$stub"
	[ "$status" -ne 0 ]
	[ "$(printf '%s\n' "$out" | tail -n 1)" = "14 passed, 4 failed" ]
	# A pass that ends without a count (it did not build) is a failure.
	stub='sh -c "echo cc: error; exit 2" --'
	run2 make -C "$top" -s check B="$TMP/b" MAKE="$stub"
	[ "$status" -ne 0 ]
	[ "$(printf '%s\n' "$out" | tail -n 1)" = "0 passed, 2 failed" ]
}
