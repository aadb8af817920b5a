# fish completion for csm-report; "csm report ..." comes here through csm.fish.
# Installed in fish's vendor_completions.d, loaded when csm-report is typed.

# Its words are commands and tables, never files.
complete -c csm-report -f

set -l __csm_report_cmds customer ticket export dashboard
complete -c csm-report -n "not __fish_seen_subcommand_from $__csm_report_cmds" -a customer -d 'Show the 360-degree view of one customer'
complete -c csm-report -n "not __fish_seen_subcommand_from $__csm_report_cmds" -a ticket -d 'Show one ticket, its SLA clocks and its timeline'
complete -c csm-report -n "not __fish_seen_subcommand_from $__csm_report_cmds" -a export -d 'Write every row of a table, for BI tools'
complete -c csm-report -n "not __fish_seen_subcommand_from $__csm_report_cmds" -a dashboard -d 'Write the dashboard as one HTML page'

set -l __csm_report_tables tickets messages events customers
complete -c csm-report -n "__fish_seen_subcommand_from export; and not __fish_seen_subcommand_from $__csm_report_tables" -a tickets -d 'Every ticket'
complete -c csm-report -n "__fish_seen_subcommand_from export; and not __fish_seen_subcommand_from $__csm_report_tables" -a messages -d 'The messages of every ticket'
complete -c csm-report -n "__fish_seen_subcommand_from export; and not __fish_seen_subcommand_from $__csm_report_tables" -a events -d 'The events of every ticket'
complete -c csm-report -n "__fish_seen_subcommand_from export; and not __fish_seen_subcommand_from $__csm_report_tables" -a customers -d 'Every customer, with its identities'

function __csm_report_metrics -d 'The metrics of csm-report -m'
    printf '%s\n' created resolved reopened frt resolution first_resolution fcr csat nps sla backlog workload
end

complete -c csm-report -l db -r -F -d 'The store'
complete -c csm-report -s c -l config -r -F -d 'Configuration file, with the time zone and calendars'
complete -c csm-report -s m -l metrics -x -a '(__fish_complete_list , __csm_report_metrics)' -d 'The metrics to compute'
complete -c csm-report -s b -l by -x -d 'Group by these fields (category,month)'
complete -c csm-report -s w -l where -x -d 'Only the tickets (export: rows) EXPR matches'
complete -c csm-report -l since -x -d 'Tickets created at or after TIME'
complete -c csm-report -l until -x -d 'Tickets created before TIME; the backlog at TIME'
complete -c csm-report -l top -x -d 'Only the N groups with the most tickets'
complete -c csm-report -l calendar -x -d 'Time metrics in business seconds of this calendar'
complete -c csm-report -l fcr-definition -x -a 'one-touch at-most-one-reply no-reopen no-follow-up' -d 'What counts as first contact resolution'
complete -c csm-report -l redact -d 'export: take the personal data out'
complete -c csm-report -l now -x -d 'The time taken as now'
complete -c csm-report -s o -l output -x -a 'table jsonl csv tsv xlsx html' -d 'Output format'
complete -c csm-report -l bom -d 'CSV output: start with a UTF-8 byte order mark'
complete -c csm-report -l crlf -d 'CSV output: end lines with CR LF'
complete -c csm-report -l excel-safe -d 'CSV output: defuse what a spreadsheet would run'
complete -c csm-report -l color -x -a 'auto always never' -d 'Colour the table'
complete -c csm-report -s h -l help -d 'Show the help'
complete -c csm-report -s V -l version -d 'Print the version'
