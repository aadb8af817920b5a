# man-examples.bash - runs the EXAMPLES of a man page, so that they
# cannot drift from what the tools do (jq runs the examples of its manual
# the same way).  Loaded by man-examples.bats; shellcheck-ed by tests/lint.
#
# What is run.  Only the EXAMPLES section (.Sh EXAMPLES to the next .Sh)
# of a page, in order, in one bash shell, in a fresh directory holding a
# copy of sample/ (tickets.jsonl, csm.conf, ...), with HOME in that
# directory, no XDG_* or CSM_* variables, TZ=UTC and LC_ALL=C: what a
# newcomer who copies the sample and follows the page would have.
#
#  - A literal display (.Bd -literal ... .Ed) whose first line starts
#    with "$ " is a shell session.  Each "$ " line starts a command; the
#    lines after it continue the command while it is unfinished (it ends
#    with \, |, && or ||, or a quote is open); the lines after that, up to
#    the next "$ ", are the output the page shows for it.  A command must
#    exit 0, unless the next command is "echo $?", which shows its status.
#    When the page shows output, the command's standard output and
#    standard error together must be exactly that, line for line; "..."
#    in a shown line stands for any text.  A command shown without output
#    may print anything.
#  - Other displays are not run, unless a marker, a roff comment line in
#    the EXAMPLES section, says what they are:
#      .\" example: file NAME      the next display is the text of the
#                                  file NAME, which is written then
#      .\" example: output CMD     the next display is what CMD prints
#                                  (CMD itself is not shown on the page)
#      .\" example: run CMD        run CMD here, unseen; it must exit 0
#      .\" example: skip REASON    the next display is not run, even if
#                                  it is a session
#    In the displays of "file" and "output", a line that starts with a
#    space continues the line before it: pages fold long JSON lines so.
#  - In displays, the roff escapes \e \(aq \(dq \(ga \(ti \(ha \& and \-
#    are read as the characters they print; any other escape, or a roff
#    request inside a display, is an error of the page.

# man_examples_extract PAGE DIR: writes the steps of PAGE's EXAMPLES into
# DIR: a list DIR/steps, one "N<tab>LINE<tab>KIND<tab>ARG" a line (KIND
# is cmd, cmd-any for a command whose status the page shows, or file),
# and for step N the command or file text in DIR/N.text and the output
# the page shows in DIR/N.want.  Fails on an error of the page.
man_examples_extract() {
	awk -v dir="$2" -v page="$1" '
	function die(msg) {
		printf "%s:%d: %s\n", page, NR, msg >"/dev/stderr"
		failed = 1
		exit 1
	}
	# The text a line of a display prints.
	function unroff(s,    out, i, c, e) {
		out = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c != "\\") {
				out = out c
				continue
			}
			e = substr(s, i + 1, 1)
			if (e == "e") { out = out "\\"; i++ }
			else if (e == "&") { i++ }
			else if (e == "-") { out = out "-"; i++ }
			else if (e == "(") {
				e = substr(s, i + 2, 2)
				if (e == "aq") out = out "\047"
				else if (e == "dq") out = out "\""
				else if (e == "ga") out = out "`"
				else if (e == "ti") out = out "~"
				else if (e == "ha") out = out "^"
				else die("unknown escape \\(" e " in a display")
				i += 3
			} else
				die("unknown escape \\" e " in a display")
		}
		return out
	}
	# Whether the command text s is unfinished.
	function unfinished(s,    i, c, q, prev) {
		sub(/[ \t]+$/, "", s)
		if (s ~ /(\\|\||&&)$/)
			return 1
		q = ""
		prev = " "
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (q == "\047") {
				if (c == "\047") q = ""
			} else if (c == "\\" && q != "\047") {
				i++
			} else if (q == "\"") {
				if (c == "\"") q = ""
			} else if (c == "\047" || c == "\"") {
				q = c
			} else if (c == "#" && prev ~ /[ \t\n;|&(]/) {
				while (i <= length(s) && substr(s, i, 1) != "\n")
					i++
			}
			prev = c
		}
		return q != ""
	}
	function step(line, kind, arg, text, want) {
		n++
		printf "%d\t%d\t%s\t%s\n", n, line, kind, arg >(dir "/steps")
		printf "%s\n", text >(dir "/" n ".text")
		close(dir "/" n ".text")
		if (want != "") {
			printf "%s", want >(dir "/" n ".want")
			close(dir "/" n ".want")
		}
	}
	# The lines of a display, folded lines joined.
	function unfold(    i, s) {
		s = ""
		for (i = 1; i <= nb; i++) {
			if (i > 1 && substr(b[i], 1, 1) == " ")
				s = s substr(b[i], 2)
			else
				s = s (i > 1 ? "\n" : "") b[i]
		}
		return s
	}
	function session(    i, k, nc, cline, ctext, cwant, kind) {
		nc = 0
		for (i = 1; i <= nb; i++) {
			if (substr(b[i], 1, 2) == "$ ") {
				nc++
				cline[nc] = bl[i]
				ctext[nc] = substr(b[i], 3)
				cwant[nc] = ""
			} else if (nc > 0 && cwant[nc] == "" &&
			    unfinished(ctext[nc]))
				ctext[nc] = ctext[nc] "\n" b[i]
			else
				cwant[nc] = cwant[nc] b[i] "\n"
		}
		for (k = 1; k <= nc; k++) {
			kind = "cmd"
			if (k < nc && ctext[k + 1] == "echo $?")
				kind = "cmd-any"
			if (unfinished(ctext[k]))
				die("the command of line " cline[k] \
				    " is unfinished")
			step(cline[k], kind, "", ctext[k], cwant[k])
		}
	}
	function display(    what) {
		what = mark
		mark = ""
		if (what == "skip")
			return
		if (what == "file")
			step(start, "file", markarg, unfold(), "")
		else if (what == "output")
			step(start, "cmd", "", markarg, unfold() "\n")
		else if (nb > 0 && substr(b[1], 1, 2) == "$ ")
			session()
	}
	/^\.Sh / {
		if (inbd)
			die(".Sh inside a display")
		if (mark != "")
			die("marker \"" mark "\" without a display after it")
		ex = $0 == ".Sh EXAMPLES"
		next
	}
	!ex { next }
	inbd && /^\.Ed/ { inbd = 0; display(); next }
	inbd && /^\.\\"/ { next }
	inbd && /^[.\047]/ { die("roff request in a display: " $0) }
	inbd { nb++; b[nb] = unroff($0); bl[nb] = NR; next }
	/^\.Bd -literal/ { inbd = 1; nb = 0; start = NR; next }
	/^\.\\" example: / {
		s = $0
		sub(/^\.\\" example: /, "", s)
		kind = s
		sub(/ .*/, "", kind)
		arg = substr(s, length(kind) + 2)
		if (kind == "run") {
			if (arg == "")
				die("example: run without a command")
			step(NR, "cmd", "", arg, "")
		} else if (kind == "file" || kind == "output" ||
		    kind == "skip") {
			if (arg == "" && kind != "skip")
				die("example: " kind " without an argument")
			if (mark != "")
				die("two markers for one display")
			mark = kind
			markarg = arg
		} else
			die("unknown marker \"example: " kind "\"")
		next
	}
	END {
		if (failed)
			exit 1
		if (inbd)
			die("display not closed")
		if (mark != "")
			die("marker \"" mark "\" without a display after it")
		printf "" >>(dir "/steps")
	}
	' "$1"
}

# man_examples_match GOT WANT: whether the text GOT is WANT line for line,
# "..." in WANT matching any text.
man_examples_match() {
	local -a got want
	local i p
	mapfile -t got <"$1"
	mapfile -t want <"$2"
	[ "${#got[@]}" -eq "${#want[@]}" ] || return 1
	for ((i = 0; i < ${#want[@]}; i++)); do
		p=${want[i]//\\/\\\\}
		p=${p//\*/\\*}
		p=${p//\?/\\?}
		p=${p//\[/\\[}
		p=${p//.../*}
		# shellcheck disable=SC2053 # p is a pattern
		[[ ${got[i]} == $p ]] || return 1
	done
}

# man_examples PAGE: runs the EXAMPLES of PAGE (a path from the top of
# the source tree) as described above; prints what went wrong and fails
# if anything did.  Needs TMP (helper.bash) and the tools on PATH.
man_examples() {
	local top page steps work
	top=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	page=$1
	steps="$TMP/steps.${page##*/}"
	work="$TMP/work.${page##*/}"
	rm -rf "$steps" "$work"
	mkdir -p "$steps" "$work/home"
	man_examples_extract "$top/$page" "$steps" || return 1
	cp "$top"/sample/* "$work"/
	(
		# As in a user's shell: bats runs tests with set -e.
		set +eu +o pipefail
		cd "$work" || exit 70
		unset XDG_DATA_HOME XDG_CONFIG_HOME XDG_STATE_HOME XDG_CACHE_HOME
		unset CSM_DB CSM_CONFIG CSM_BUSY_TIMEOUT NO_COLOR
		export HOME="$work/home" TZ=UTC LC_ALL=C
		man_examples_run "$page" "$steps"
	)
}

# man_examples_run PAGE STEPS: the steps in the current shell, so that
# cd and export carry from one to the next as on the page.
man_examples_run() {
	local ex_page=$1 ex_steps=$2 ex_n ex_line ex_kind ex_arg ex_last=0
	local ex_fail=0 ex_text ex_out="$2/.out"
	while IFS=$'\t' read -r -u 9 ex_n ex_line ex_kind ex_arg; do
		if [ "$ex_kind" = file ]; then
			cp "$ex_steps/$ex_n.text" "$ex_arg" || ex_fail=1
			continue
		fi
		ex_text=$(cat "$ex_steps/$ex_n.text")
		(exit "$ex_last")
		eval "$ex_text" </dev/null >"$ex_out" 2>&1 9<&-
		ex_last=$?
		if [ "$ex_kind" = cmd ] && [ "$ex_last" -ne 0 ]; then
			echo "$ex_page:$ex_line: exit status $ex_last, expected 0:"
			printf '  $ %s\n' "$ex_text"
			head -n 20 "$ex_out" | sed 's/^/  | /'
			ex_fail=1
		elif [ -f "$ex_steps/$ex_n.want" ] &&
		    ! man_examples_match "$ex_out" "$ex_steps/$ex_n.want"; then
			echo "$ex_page:$ex_line: the output is not the page's:"
			printf '  $ %s\n' "$ex_text"
			diff -u "$ex_steps/$ex_n.want" "$ex_out" | tail -n +3 |
			    head -n 40 | sed 's/^/  /'
			ex_fail=1
		fi
	done 9<"$ex_steps/steps"
	return "$ex_fail"
}
