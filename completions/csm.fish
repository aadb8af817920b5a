# fish completion for the csm front door.  "csm TOOL ARGS" completes as
# "csm-TOOL ARGS" would, from csm-TOOL.fish, which fish loads on demand.
# To add a tool: one more line like the ingest one.

complete -c csm -f
complete -c csm -n __fish_use_subcommand -a ingest -d 'Take tickets, messages, events, customers, orders and survey answers into the store'
complete -c csm -n __fish_use_subcommand -a route -d 'Run the rules on tickets and assign them to agents'
complete -c csm -n __fish_use_subcommand -a sla -d 'Keep SLA promises: due times, warnings, breaches'
complete -c csm -n __fish_use_subcommand -a report -d 'Metrics, customer and ticket views, exports, the dashboard'
complete -c csm -n __fish_use_subcommand -a backup -d 'Copy the store, online, into a new file'
complete -c csm -n __fish_use_subcommand -s h -l help -d 'Show the help'
complete -c csm -n __fish_use_subcommand -s V -l version -d 'Print the version'

function __csm_complete_tool -d 'Complete "csm TOOL ..." as "csm-TOOL ..."'
    set -l tokens (commandline -opc)
    set -l line csm-$tokens[2] $tokens[3..-1]
    complete -C (string join -- ' ' (string escape -- $line) (commandline -ct))
end
complete -c csm -n 'not __fish_use_subcommand; and not __fish_seen_subcommand_from backup' -a '(__csm_complete_tool)'

# csm backup is built into csm.
complete -c csm -n '__fish_seen_subcommand_from backup' -F
complete -c csm -n '__fish_seen_subcommand_from backup' -l db -r -F -d 'The store'
complete -c csm -n '__fish_seen_subcommand_from backup' -s h -l help -d 'Show the help'
