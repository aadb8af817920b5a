#!/usr/bin/env bats
# man-examples.bats - the EXAMPLES of every man page run as the page
# shows them (man-examples.bash says how a page marks what is run), and
# the runner itself catches a page that is wrong.

load helper
load man-examples

# Every page in man/ has its test below: a new page needs one.
@test "every man page has its examples run by this file" {
	pages=$(cd "$BATS_TEST_DIRNAME/../.." && ls man/*.[1-9])
	for p in $pages; do
		grep -q "^@test \"$p: " "$BATS_TEST_FILENAME" ||
		    { echo "no test for $p"; return 1; }
	done
}

@test "man/csm.7: the examples run as shown" {
	man_examples man/csm.7
}

@test "man/csm-ingest.1: the examples run as shown" {
	man_examples man/csm-ingest.1
}

@test "man/csm-route.1: the examples run as shown" {
	man_examples man/csm-route.1
}

@test "man/csm-sla.1: the examples run as shown" {
	man_examples man/csm-sla.1
}

@test "man/csm-report.1: the examples run as shown" {
	man_examples man/csm-report.1
}

@test "man/csm-records.5: the examples run as shown" {
	man_examples man/csm-records.5
}

@test "man/csm.conf.5: the examples run as shown" {
	man_examples man/csm.conf.5
}

# The runner, on pages made for it in tests/data/man-examples.

@test "the runner: sessions, files, hidden steps, outputs with ..." {
	run man_examples tests/data/man-examples/good.7
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# It ran them: the session's file is there.
	[ "$(cat "$TMP/work.good.7/made.txt")" = made ]
}

@test "the runner: output other than the page's fails, naming the line" {
	run man_examples tests/data/man-examples/bad-output.7
	[ "$status" -eq 1 ]
	[[ "$output" == *"bad-output.7:9: the output is not the page's:"* ]]
	[[ "$output" == *"-two"* && "$output" == *"+three"* ]]
	# A display after "output" that differs, and a JSON line unfolded.
	[[ "$output" == *"bad-output.7:16: the output is not the page's:"* ]]
	[[ "$output" == *"bad-output.7:20: the output is not the page's:"* ]]
	[ "$(grep -c "the output is not" <<<"$output")" -eq 3 ]
}

@test "the runner: a failing command fails, unless echo \$? shows it" {
	run man_examples tests/data/man-examples/bad-status.7
	[ "$status" -eq 1 ]
	[[ "$output" == *"bad-status.7:9: exit status 3, expected 0:"* ]]
	[[ "$output" == *"bad-status.7:14: exit status 1, expected 0:"* ]]
	[ "$(grep -c "exit status" <<<"$output")" -eq 2 ]
}

@test "the runner: unknown escapes, markers and requests are page errors" {
	run man_examples tests/data/man-examples/bad-escape.7
	[ "$status" -eq 1 ]
	[[ "$output" == *"bad-escape.7:9: unknown escape \\(em in a display"* ]]
	run man_examples tests/data/man-examples/bad-marker.7
	[ "$status" -eq 1 ]
	[[ "$output" == *"bad-marker.7:8: unknown marker \"example: frob\""* ]]
}
