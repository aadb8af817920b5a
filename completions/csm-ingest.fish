# fish completion for csm-ingest (and "csm ingest", see csm.fish).

function __csm_ingest_options
    set -l cmd $argv[1]
    set -l cond $argv[2]
    complete -c $cmd -n $cond -l db -r -F -d 'the store'
    complete -c $cmd -n $cond -s c -l config -r -F -d 'configuration file'
    complete -c $cmd -n $cond -s f -l format -x -a 'jsonl csv tsv' -d 'input format'
    complete -c $cmd -n $cond -s t -l type -x -a 'ticket message event customer order survey' -d 'record type'
    complete -c $cmd -n $cond -l source -x -a 'email phone chat wechat wecom dingtalk weibo app miniprogram web iot api' -d 'default channel'
    complete -c $cmd -n $cond -s e -l encoding -x -a 'utf-8 gbk gb18030' -d 'input encoding'
    complete -c $cmd -n $cond -s r -l rejects -r -F -d 'write refused records here'
    complete -c $cmd -n $cond -s w -l where -x -d 'ingest only matching records'
    complete -c $cmd -n $cond -s n -l dry-run -d 'check, write nothing'
    complete -c $cmd -n $cond -s s -l strict -d 'refuse all at the first bad record'
    complete -c $cmd -n $cond -s v -l verbose -d 'print unchanged records too'
    complete -c $cmd -n $cond -s q -l quiet -d 'no progress, no summary'
    complete -c $cmd -n $cond -s o -l output -x -a 'jsonl csv tsv table' -d 'output format'
    complete -c $cmd -n $cond -l bom -d 'CSV output: byte order mark'
    complete -c $cmd -n $cond -l crlf -d 'CSV output: CR LF'
    complete -c $cmd -n $cond -l excel-safe -d 'CSV output: defuse formulas'
    complete -c $cmd -n $cond -l batch -x -d 'records per transaction'
    complete -c $cmd -n $cond -l now -x -d 'time of records without one'
    complete -c $cmd -n $cond -l stats -d 'summary on stderr'
    complete -c $cmd -n $cond -l progress -d 'show progress'
    complete -c $cmd -n $cond -l no-progress -d 'hide progress'
    complete -c $cmd -n $cond -l color -x -a 'auto always never' -d 'colour'
    complete -c $cmd -n $cond -l check -d 'check the configuration'
    complete -c $cmd -n $cond -s h -l help -d 'show the help'
    complete -c $cmd -n $cond -s V -l version -d 'show the version'
end

__csm_ingest_options csm-ingest true
