# fish completion for the csm front door: "csm ingest ...".

complete -c csm -f
complete -c csm -n __fish_use_subcommand -a ingest -d 'take records into the store'
complete -c csm -n __fish_use_subcommand -l help -d 'show the help'
complete -c csm -n __fish_use_subcommand -l version -d 'show the version'
if not functions -q __csm_ingest_options
    source (status dirname)/csm-ingest.fish 2>/dev/null
end
if functions -q __csm_ingest_options
    __csm_ingest_options csm '__fish_seen_subcommand_from ingest'
    complete -c csm -n '__fish_seen_subcommand_from ingest' -F
end
