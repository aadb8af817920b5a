# helper.bash - shared set-up of the CLI tests: a private HOME, XDG dirs
# and store; C locale; no colour; a config in Asia/Shanghai.

setup() {
	TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/csm.XXXXXX")
	export HOME="$TMP/home" XDG_DATA_HOME="$TMP/data" \
	    XDG_CONFIG_HOME="$TMP/config"
	mkdir -p "$HOME"
	unset CSM_DB CSM_CONFIG CSM_BUSY_TIMEOUT NO_COLOR
	export LC_ALL=C TZ=UTC
	DB="$TMP/csm.db"
	CONF="$TMP/csm.conf"
	printf '[core]\n\ttimezone = Asia/Shanghai\n' >"$CONF"
	DATA="$BATS_TEST_DIRNAME/../data"
	# Real-world material written outside this project, bundled in
	# tests/corpora (see its README for where each piece comes from).
	CORPORA="$BATS_TEST_DIRNAME/../corpora"
}

teardown() {
	rm -rf "$TMP"
}

# ingest ARGS...: csm-ingest on the test store and config.
ingest() {
	csm-ingest --db "$DB" -c "$CONF" --now 2026-11-23T12:00:00+08:00 "$@"
}

# q SQL: one query against the test store.
q() {
	sqlite3 -batch -noheader "$DB" "$1"
}

# field NAME: the NAME of the first JSON line of $output.
field() {
	printf "%s\n" "$out" | head -n 1 | jq -r ".$1"
}

# Run a command with stdout and stderr kept apart (bats 1.8 run merges
# them): sets status, out and err.
run2() {
	local o e
	o="$TMP/.out"
	e="$TMP/.err"
	status=0
	"$@" >"$o" 2>"$e" || status=$?
	out=$(cat "$o")
	err=$(cat "$e")
}

# repeat STRING N: STRING written N times, no newline.
repeat() {
	yes "$1" | head -n "$2" | tr -d '\n'
}
