# bash completion for csm and its tools                      -*- shell-script -*-
#
# Installed as bash-completion/completions/csm with a symlink to it named
# after each tool (csm-ingest -> csm), so that bash-completion loads it for
# whichever is typed first; or source it from ~/.bashrc.  It handles
# "csm-ingest ...", "csm ingest ..." and "path/to/csm-ingest ...".  It uses
# bash-completion when that is loaded and works without it (bash 4.2 or
# later).
#
# The long options come from the tool itself, "csm-TOOL --list-options",
# asked once per shell (git's --git-completion-helper); the lists below are
# the fallback when the tool cannot be run.  Option arguments are always
# completed from here.
#
# To add a tool csm-foo: add "foo" to _csm_tools, then write
# _csm_long_foo, _csm_short_foo and _csm_arg_foo as for ingest below; a
# tool whose first word may be a command (csm-sla sweep) lists them in
# _csm_subcommands_foo; one whose words are not files (csm-report export
# tickets) completes them in _csm_operand_foo.

# The tools, each a program csm-TOOL, and the commands built into csm,
# which are no program of their own.
_csm_tools='ingest route sla report'
_csm_builtins='backup'
_csm_commands="$_csm_tools $_csm_builtins"

# csm backup, built into csm (there is no csm-backup to ask).
_csm_long_backup='--db= --help'
_csm_short_backup='h'
_csm_arg_backup()
{
	case $1 in
	--db)
		_csm_files
		;;
	*)
		return 1
		;;
	esac
}

# csm-ingest: long options as "csm-ingest --list-options" prints them (a
# trailing '=' means the option takes an argument) and short options as
# in its getopt string (a ':' after a letter means it takes one).
_csm_long_ingest='--db= --config= --format= --type= --source= --by= --encoding=
	--rejects= --where= --dry-run --strict --verbose --quiet --output=
	--bom --crlf --excel-safe --batch= --now= --stats --progress
	--no-progress --color= --check --help --version'
_csm_short_ingest='c:f:t:e:r:w:nsvqo:hV'

# _csm_arg_ingest OPTION: complete the argument of OPTION into COMPREPLY;
# return 1 if this function does not know OPTION.
_csm_arg_ingest()
{
	case $1 in
	--db | -c | --config | -r | --rejects)
		_csm_files
		;;
	-f | --format)
		_csm_words 'jsonl csv tsv'
		;;
	-o | --output)
		_csm_words 'jsonl csv tsv table'
		;;
	-t | --type)
		_csm_words 'ticket message event customer order asset survey'
		;;
	-e | --encoding)
		_csm_words 'utf-8 gbk gb18030'
		;;
	--color)
		_csm_words 'auto always never'
		;;
	--source)
		_csm_words 'email phone chat wechat wecom dingtalk weibo app
		    miniprogram web iot api'
		;;
	-w | --where | --batch | --now)
		COMPREPLY=() # free text: an expression, a number, a time
		;;
	*)
		return 1
		;;
	esac
}

# csm-route, as csm-ingest above.
_csm_long_route='--db= --config= --format= --where= --all --on= --changed
	--dry-run --explain --by= --rejects= --quiet --verbose --output= --batch=
	--now= --color= --check --help --version'
_csm_short_route='c:f:w:nqvr:o:hV'

_csm_arg_route()
{
	case $1 in
	--db | -c | --config | -r | --rejects)
		_csm_files
		;;
	-f | --format)
		_csm_words 'jsonl csv tsv'
		;;
	-o | --output)
		_csm_words 'jsonl csv tsv table'
		;;
	--on)
		_csm_list 'created updated message survey time'
		;;
	--color)
		_csm_words 'auto always never'
		;;
	-w | --where | --by | --batch | --now)
		COMPREPLY=() # free text: an expression, a name, a number, a time
		;;
	*)
		return 1
		;;
	esac
}

# csm-sla, as csm-ingest above; its first word may be a command.
_csm_long_sla='--db= --config= --format= --where= --all --dry-run --by=
	--calendar= --rejects= --as-of= --now= --batch= --output= --color= --quiet
	--check --help --version'
_csm_short_sla='c:f:w:nr:o:qhV'
_csm_subcommands_sla='sweep status explain replay due elapsed'

_csm_arg_sla()
{
	case $1 in
	--db | -c | --config | -r | --rejects)
		_csm_files
		;;
	-f | --format)
		_csm_words 'jsonl csv tsv'
		;;
	-o | --output)
		_csm_words 'jsonl csv tsv table'
		;;
	--color)
		_csm_words 'auto always never'
		;;
	-w | --where | --by | --calendar | --as-of | --now | --batch)
		COMPREPLY=() # free text: an expression, a name, a time, a number
		;;
	*)
		return 1
		;;
	esac
}

# csm-report, as csm-sla above; its words are commands and tables, not
# files.
_csm_long_report='--db= --config= --metrics= --by= --where= --since= --until=
	--top= --calendar= --fcr-definition= --redact --now= --output= --bom --crlf
	--excel-safe --color= --help --version'
_csm_short_report='c:m:b:w:o:hV'
_csm_subcommands_report='customer ticket export dashboard'

_csm_arg_report()
{
	case $1 in
	--db | -c | --config)
		_csm_files
		;;
	-m | --metrics)
		_csm_list 'created resolved reopened frt resolution
		    first_resolution fcr csat nps sla backlog workload'
		;;
	-o | --output)
		_csm_words 'table jsonl csv tsv xlsx html'
		;;
	--fcr-definition)
		_csm_words 'one-touch at-most-one-reply no-reopen no-follow-up'
		;;
	--color)
		_csm_words 'auto always never'
		;;
	-b | --by | -w | --where | --since | --until | --top | --calendar | --now)
		COMPREPLY=() # free text: fields, an expression, a time, a number
		;;
	*)
		return 1
		;;
	esac
}

# _csm_operand_report WORD...: complete the word after the words WORD...
# that are not options: a command first, then export's table.
_csm_operand_report()
{
	case $#:${1-} in
	0:)
		_csm_words "$_csm_subcommands_report"
		;;
	1:export)
		_csm_words 'tickets messages events customers'
		;;
	*)
		COMPREPLY=() # a customer, a ticket id, or nothing more
		;;
	esac
}

# Everything below is shared by all tools.

# _csm_words WORDS: the WORDS that start with $cur.
_csm_words()
{
	local IFS=$' \t\n'
	mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur")
}

# _csm_list WORDS: the WORDS that start with the last item of $cur, a
# comma-separated list ("created,up" -> "created,updated").
_csm_list()
{
	local IFS=$' \t\n' head=''
	[[ $cur == *,* ]] && head=${cur%,*},
	mapfile -t COMPREPLY < <(compgen -P "$head" -W "$1" -- "${cur##*,}")
}

# _csm_files: file names that start with $cur.
_csm_files()
{
	if declare -F _filedir >/dev/null; then
		_filedir
	else
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi
}

# _csm_cmd TOOL: the csm-TOOL that "${words[0]}" would run, as the front
# door looks for it: next to csm first, then on PATH.
_csm_cmd()
{
	local w=${words[0]} dir
	[[ $w == \~/* ]] && w=$HOME/${w#\~/}
	if [[ ${w##*/} == csm-"$1" ]]; then
		printf '%s\n' "$w"
		return
	fi
	dir=$(type -P -- "$w" 2>/dev/null)
	dir=${dir%/*}
	if [[ -n $dir && -x $dir/csm-$1 ]]; then
		printf '%s\n' "$dir/csm-$1"
	else
		printf '%s\n' "csm-$1"
	fi
}

# -g: bash-completion sources this file inside a function.
declare -gA _csm_cache

# _csm_long TOOL: set long to its long options, from "csm-TOOL
# --list-options" if that works (cached per command path), else from
# _csm_long_TOOL.
_csm_long()
{
	local cmd path out var=_csm_long_${1//-/_}
	long=${!var-}
	cmd=$(_csm_cmd "$1")
	path=$(type -P -- "$cmd" 2>/dev/null) || return 0
	if [[ -z ${_csm_cache[$path]-} ]]; then
		if out=$("$path" --list-options 2>/dev/null </dev/null) &&
		    [[ $out == --* ]]; then
			_csm_cache[$path]=$out
		else
			_csm_cache[$path]=$long
		fi
	fi
	long=${_csm_cache[$path]}
}

# _csm_tool TOOL: complete words[1..cword] as arguments of csm-TOOL.
_csm_tool()
{
	local tool=$1 shortvar=_csm_short_${1//-/_} argfn=_csm_arg_${1//-/_}
	local longvar=_csm_long_${1//-/_} short long all w i j pending=''
	local subvar=_csm_subcommands_${1//-/_} words_seen=0
	local opfn=_csm_operand_${1//-/_}
	local -a subs operands=()

	short=${!shortvar-}
	_csm_long "$tool"
	all=" ${long//[[:space:]]/ } ${!longvar//[[:space:]]/ } "
	# Which option, if any, is the current word the argument of?  Walk
	# the words, as getopt_long would, up to the cursor.
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		if [[ -n $pending ]]; then
			pending=''
			continue
		fi
		case $w in
		--)
			_csm_files
			return
			;;
		--*=*) ;;
		--?*)
			[[ $all == *" $w= "* ]] &&
			    pending=$w
			;;
		-?*)
			for ((j = 1; j < ${#w}; j++)); do
				[[ $short == *"${w:j:1}:"* ]] || continue
				((j == ${#w} - 1)) && pending=-${w:j:1}
				break
			done
			;;
		*)
			words_seen=1
			operands+=("$w")
			;;
		esac
	done
	if [[ -n $pending ]]; then
		"$argfn" "$pending" || COMPREPLY=()
		return
	fi
	if [[ $cur == --?*=* ]]; then
		w=${cur%%=*}
		cur=${cur#*=}
		"$argfn" "$w" || COMPREPLY=()
		return
	fi
	if [[ $cur == -* ]]; then
		w=${short//:/}
		short=''
		for ((i = 0; i < ${#w}; i++)); do
			short+=" -${w:i:1}"
		done
		_csm_words "$long $short"
		[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] &&
		    compopt -o nospace 2>/dev/null
		return
	fi
	# A tool whose words are not files completes them itself.
	if declare -F "$opfn" >/dev/null; then
		"$opfn" "${operands[@]}"
		return
	fi
	# The first word of a tool with commands: a command, or a file.
	if [[ -n ${!subvar-} && $words_seen -eq 0 ]]; then
		_csm_words "${!subvar}"
		subs=("${COMPREPLY[@]}")
		_csm_files
		COMPREPLY=("${subs[@]}" "${COMPREPLY[@]}")
		return
	fi
	_csm_files
}

# _csm: the completion function of csm and of every csm-TOOL.
_csm()
{
	local cur prev words cword split i n w tool
	if declare -F _init_completion >/dev/null; then
		# -s keeps "--db=FILE" one word.
		_init_completion -s || return
		[[ ${split-} == true ]] && cur=$prev=$cur
	else
		# Without bash-completion: glue "--db", "=", "FILE" back
		# together, as COMP_WORDBREAKS holds '='.
		words=()
		cword=0
		for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
			w=${COMP_WORDS[i]}
			n=${#words[@]}
			if ((n > 0)) && [[ ${words[n - 1]} == --* &&
			    ($w == = || ${COMP_WORDS[i - 1]} == =) ]]; then
				words[n - 1]+=$w
			else
				words+=("$w")
			fi
			((i == COMP_CWORD)) && cword=$((${#words[@]} - 1))
		done
		cur=${words[cword]}
	fi

	w=${words[0]##*/}
	if [[ $w == csm-?* ]]; then
		_csm_tool "${w#csm-}"
		return
	fi
	# "csm TOOL ...": complete as csm-TOOL from TOOL on.
	for ((i = 1; i < cword; i++)); do
		tool=${words[i]}
		case $tool in
		-*) continue ;;
		esac
		if [[ " ${_csm_commands//[[:space:]]/ } " == *" $tool "* ]]; then
			w=$(_csm_cmd "$tool")
			words=("$w" "${words[@]:i+1}")
			cword=$((cword - i))
			_csm_tool "$tool"
		else
			_csm_files
		fi
		return
	done
	_csm_words "$_csm_commands --help --version"
}

complete -F _csm csm
# Only the tools: there is no csm-backup.
for _csm_t in $_csm_tools; do
	complete -F _csm "csm-$_csm_t"
done
unset _csm_t
