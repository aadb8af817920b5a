# bash completion for csm and its tools.                    -*- shell-script -*-
# Installed as .../bash-completion/completions/csm, with a link to it for
# each tool, so that bash-completion finds it for csm-ingest too.

_csm_ingest()
{
	# shellcheck disable=SC2034  # _init_completion sets them all
	local cur prev words cword
	if declare -F _init_completion >/dev/null 2>&1; then
		_init_completion -s || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
	fi

	case $prev in
	--db | -c | --config | -r | --rejects)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	-f | --format)
		mapfile -t COMPREPLY < <(compgen -W 'jsonl csv tsv' -- "$cur")
		return
		;;
	-o | --output)
		mapfile -t COMPREPLY < <(compgen -W 'jsonl csv tsv table' -- "$cur")
		return
		;;
	-t | --type)
		mapfile -t COMPREPLY < <(compgen -W 'ticket message event customer order
		    survey' -- "$cur")
		return
		;;
	-e | --encoding)
		mapfile -t COMPREPLY < <(compgen -W 'utf-8 gbk gb18030' -- "$cur")
		return
		;;
	--color)
		mapfile -t COMPREPLY < <(compgen -W 'auto always never' -- "$cur")
		return
		;;
	--source)
		mapfile -t COMPREPLY < <(compgen -W 'email phone chat wechat wecom dingtalk
		    weibo app miniprogram web iot api' -- "$cur")
		return
		;;
	-w | --where | --batch | --now)
		return
		;;
	esac

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W '--db --config --format --type --source
		    --encoding --rejects --where --dry-run --strict --verbose
		    --quiet --output --bom --crlf --excel-safe --batch --now
		    --stats --progress --no-progress --color --check --help
		    --version -c -f -t -e -r -w -n -s -v -q -o -h -V' -- "$cur")
		return
	fi
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}

_csm()
{
	local cur=${COMP_WORDS[COMP_CWORD]} i
	# "csm ingest ...": complete as csm-ingest from there on.
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		ingest)
			COMP_WORDS=("csm-ingest" "${COMP_WORDS[@]:i+1}")
			COMP_CWORD=$((COMP_CWORD - i))
			_csm_ingest
			return
			;;
		esac
	done
	mapfile -t COMPREPLY < <(compgen -W 'ingest --help --version' -- "$cur")
}

complete -F _csm csm
complete -F _csm_ingest csm-ingest
