# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kplane_global_optspecs
    string join \n config= kubeconfig= q/quiet no-color v/verbose h/help V/version
end

function __fish_kplane_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kplane_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kplane_using_subcommand
    set -l cmd (__fish_kplane_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kplane -n "__fish_kplane_needs_command" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_needs_command" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_needs_command" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_needs_command" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_needs_command" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_needs_command" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_needs_command" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_needs_command" -f -a "up" -d 'Create or reuse the management plane and write its kubeconfig context'
complete -c kplane -n "__fish_kplane_needs_command" -f -a "down" -d 'Stop the management plane, remove its data and the contexts kplane wrote'
complete -c kplane -n "__fish_kplane_needs_command" -f -a "create" -d 'Create a virtual control plane'
complete -c kplane -n "__fish_kplane_needs_command" -f -a "cc" -d 'Create a virtual control plane (short for `create cluster`)'
complete -c kplane -n "__fish_kplane_needs_command" -f -a "delete" -d 'Delete a virtual control plane'
complete -c kplane -n "__fish_kplane_needs_command" -f -a "get" -d 'List the management plane and the virtual control planes'
complete -c kplane -n "__fish_kplane_needs_command" -f -a "fleet" -d 'Create, inspect, wait for and delete Fleets of virtual control planes'
complete -c kplane -n "__fish_kplane_needs_command" -f -a "config" -d 'View settings, save the provider, or switch kubeconfig contexts'
complete -c kplane -n "__fish_kplane_needs_command" -f -a "get-credentials" -d 'Write the kubeconfig context of a virtual control plane or of the management plane'
complete -c kplane -n "__fish_kplane_needs_command" -f -a "snapshot" -d 'Print every object of a control plane, read at one revision'
complete -c kplane -n "__fish_kplane_needs_command" -f -a "doctor" -d 'Check what the active provider needs and say how to fix each problem'
complete -c kplane -n "__fish_kplane_needs_command" -f -a "serve" -d 'Run the shared Kubernetes API server that hosts every control plane, in the foreground'
complete -c kplane -n "__fish_kplane_needs_command" -f -a "version" -d 'Print the client version, and the server\'s when one is reachable'
complete -c kplane -n "__fish_kplane_needs_command" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell)'
complete -c kplane -n "__fish_kplane_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kplane -n "__fish_kplane_using_subcommand up" -l provider -d 'Where the management plane runs: embedded (default), kind or k3s' -r
complete -c kplane -n "__fish_kplane_using_subcommand up" -l cluster-name -d 'The management plane\'s name' -r
complete -c kplane -n "__fish_kplane_using_subcommand up" -l port -d 'The HTTPS port on 127.0.0.1' -r
complete -c kplane -n "__fish_kplane_using_subcommand up" -l set-current -d 'Make the management context the current one' -r -f -a "true\t''
false\t''"
complete -c kplane -n "__fish_kplane_using_subcommand up" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand up" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand up" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand up" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand up" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand up" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand up" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand down" -l provider -d 'Where the management plane runs: embedded (default), kind or k3s' -r
complete -c kplane -n "__fish_kplane_using_subcommand down" -l cluster-name -d 'The management plane\'s name' -r
complete -c kplane -n "__fish_kplane_using_subcommand down" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand down" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand down" -l keep-data -d 'Stop the server but keep its data, certificates and token for the next `up`'
complete -c kplane -n "__fish_kplane_using_subcommand down" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand down" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand down" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand down" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand down" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand create; and not __fish_seen_subcommand_from cluster help" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand create; and not __fish_seen_subcommand_from cluster help" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand create; and not __fish_seen_subcommand_from cluster help" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand create; and not __fish_seen_subcommand_from cluster help" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand create; and not __fish_seen_subcommand_from cluster help" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand create; and not __fish_seen_subcommand_from cluster help" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand create; and not __fish_seen_subcommand_from cluster help" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand create; and not __fish_seen_subcommand_from cluster help" -f -a "cluster" -d 'Create a virtual control plane, wait until it is ready and write its context'
complete -c kplane -n "__fish_kplane_using_subcommand create; and not __fish_seen_subcommand_from cluster help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kplane -n "__fish_kplane_using_subcommand create; and __fish_seen_subcommand_from cluster" -l provider -d 'Where the management plane runs: embedded (default), kind or k3s' -r
complete -c kplane -n "__fish_kplane_using_subcommand create; and __fish_seen_subcommand_from cluster" -l cluster-name -d 'The management plane\'s name' -r
complete -c kplane -n "__fish_kplane_using_subcommand create; and __fish_seen_subcommand_from cluster" -l class -d 'The ControlPlaneClass' -r
complete -c kplane -n "__fish_kplane_using_subcommand create; and __fish_seen_subcommand_from cluster" -l endpoint -d 'The URL users reach the plane at (default: the management plane\'s own address)' -r
complete -c kplane -n "__fish_kplane_using_subcommand create; and __fish_seen_subcommand_from cluster" -l get-credentials -d 'Wait until it is ready and write its kubeconfig context' -r -f -a "true\t''
false\t''"
complete -c kplane -n "__fish_kplane_using_subcommand create; and __fish_seen_subcommand_from cluster" -l set-current -d 'Make its context the current one' -r -f -a "true\t''
false\t''"
complete -c kplane -n "__fish_kplane_using_subcommand create; and __fish_seen_subcommand_from cluster" -l timeout -d 'How long to wait for it to become ready (e.g. 90s, 5m)' -r
complete -c kplane -n "__fish_kplane_using_subcommand create; and __fish_seen_subcommand_from cluster" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand create; and __fish_seen_subcommand_from cluster" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand create; and __fish_seen_subcommand_from cluster" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand create; and __fish_seen_subcommand_from cluster" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand create; and __fish_seen_subcommand_from cluster" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand create; and __fish_seen_subcommand_from cluster" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand create; and __fish_seen_subcommand_from cluster" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand create; and __fish_seen_subcommand_from help" -f -a "cluster" -d 'Create a virtual control plane, wait until it is ready and write its context'
complete -c kplane -n "__fish_kplane_using_subcommand create; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kplane -n "__fish_kplane_using_subcommand cc" -l provider -d 'Where the management plane runs: embedded (default), kind or k3s' -r
complete -c kplane -n "__fish_kplane_using_subcommand cc" -l cluster-name -d 'The management plane\'s name' -r
complete -c kplane -n "__fish_kplane_using_subcommand cc" -l class -d 'The ControlPlaneClass' -r
complete -c kplane -n "__fish_kplane_using_subcommand cc" -l endpoint -d 'The URL users reach the plane at (default: the management plane\'s own address)' -r
complete -c kplane -n "__fish_kplane_using_subcommand cc" -l get-credentials -d 'Wait until it is ready and write its kubeconfig context' -r -f -a "true\t''
false\t''"
complete -c kplane -n "__fish_kplane_using_subcommand cc" -l set-current -d 'Make its context the current one' -r -f -a "true\t''
false\t''"
complete -c kplane -n "__fish_kplane_using_subcommand cc" -l timeout -d 'How long to wait for it to become ready (e.g. 90s, 5m)' -r
complete -c kplane -n "__fish_kplane_using_subcommand cc" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand cc" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand cc" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand cc" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand cc" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand cc" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand cc" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand delete; and not __fish_seen_subcommand_from cluster help" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand delete; and not __fish_seen_subcommand_from cluster help" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand delete; and not __fish_seen_subcommand_from cluster help" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand delete; and not __fish_seen_subcommand_from cluster help" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand delete; and not __fish_seen_subcommand_from cluster help" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand delete; and not __fish_seen_subcommand_from cluster help" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand delete; and not __fish_seen_subcommand_from cluster help" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand delete; and not __fish_seen_subcommand_from cluster help" -f -a "cluster" -d 'Delete a virtual control plane and all its data, and remove its context'
complete -c kplane -n "__fish_kplane_using_subcommand delete; and not __fish_seen_subcommand_from cluster help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kplane -n "__fish_kplane_using_subcommand delete; and __fish_seen_subcommand_from cluster" -l provider -d 'Where the management plane runs: embedded (default), kind or k3s' -r
complete -c kplane -n "__fish_kplane_using_subcommand delete; and __fish_seen_subcommand_from cluster" -l cluster-name -d 'The management plane\'s name' -r
complete -c kplane -n "__fish_kplane_using_subcommand delete; and __fish_seen_subcommand_from cluster" -l timeout -d 'How long to wait until it is gone' -r
complete -c kplane -n "__fish_kplane_using_subcommand delete; and __fish_seen_subcommand_from cluster" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand delete; and __fish_seen_subcommand_from cluster" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand delete; and __fish_seen_subcommand_from cluster" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand delete; and __fish_seen_subcommand_from cluster" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand delete; and __fish_seen_subcommand_from cluster" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand delete; and __fish_seen_subcommand_from cluster" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand delete; and __fish_seen_subcommand_from cluster" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand delete; and __fish_seen_subcommand_from help" -f -a "cluster" -d 'Delete a virtual control plane and all its data, and remove its context'
complete -c kplane -n "__fish_kplane_using_subcommand delete; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kplane -n "__fish_kplane_using_subcommand get; and not __fish_seen_subcommand_from clusters cluster help" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand get; and not __fish_seen_subcommand_from clusters cluster help" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand get; and not __fish_seen_subcommand_from clusters cluster help" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand get; and not __fish_seen_subcommand_from clusters cluster help" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand get; and not __fish_seen_subcommand_from clusters cluster help" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand get; and not __fish_seen_subcommand_from clusters cluster help" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand get; and not __fish_seen_subcommand_from clusters cluster help" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand get; and not __fish_seen_subcommand_from clusters cluster help" -f -a "clusters" -d 'List the management plane and every virtual control plane'
complete -c kplane -n "__fish_kplane_using_subcommand get; and not __fish_seen_subcommand_from clusters cluster help" -f -a "cluster" -d 'List the management plane and every virtual control plane'
complete -c kplane -n "__fish_kplane_using_subcommand get; and not __fish_seen_subcommand_from clusters cluster help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from clusters" -s o -l output -d 'Output format: wide, json, yaml or name (default: a table)' -r -f -a "wide\t''
json\t''
yaml\t''
name\t''"
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from clusters" -l provider -d 'Where the management plane runs: embedded (default), kind or k3s' -r
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from clusters" -l cluster-name -d 'The management plane\'s name' -r
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from clusters" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from clusters" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from clusters" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from clusters" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from clusters" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from clusters" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from clusters" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from cluster" -s o -l output -d 'Output format: wide, json, yaml or name (default: a table)' -r -f -a "wide\t''
json\t''
yaml\t''
name\t''"
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from cluster" -l provider -d 'Where the management plane runs: embedded (default), kind or k3s' -r
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from cluster" -l cluster-name -d 'The management plane\'s name' -r
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from cluster" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from cluster" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from cluster" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from cluster" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from cluster" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from cluster" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from cluster" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from help" -f -a "clusters" -d 'List the management plane and every virtual control plane'
complete -c kplane -n "__fish_kplane_using_subcommand get; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and not __fish_seen_subcommand_from create get list ls wait delete help" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and not __fish_seen_subcommand_from create get list ls wait delete help" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and not __fish_seen_subcommand_from create get list ls wait delete help" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and not __fish_seen_subcommand_from create get list ls wait delete help" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and not __fish_seen_subcommand_from create get list ls wait delete help" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and not __fish_seen_subcommand_from create get list ls wait delete help" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and not __fish_seen_subcommand_from create get list ls wait delete help" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and not __fish_seen_subcommand_from create get list ls wait delete help" -f -a "create" -d 'Create a Fleet of N virtual control planes (members `<prefix>0000`, `<prefix>0001` …)'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and not __fish_seen_subcommand_from create get list ls wait delete help" -f -a "get" -d 'Show a Fleet\'s members and their phase'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and not __fish_seen_subcommand_from create get list ls wait delete help" -f -a "list" -d 'List the Fleets'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and not __fish_seen_subcommand_from create get list ls wait delete help" -f -a "ls" -d 'List the Fleets'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and not __fish_seen_subcommand_from create get list ls wait delete help" -f -a "wait" -d 'Wait until every member of a Fleet is ready'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and not __fish_seen_subcommand_from create get list ls wait delete help" -f -a "delete" -d 'Delete a Fleet (its members too when its deletion policy is Delete)'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and not __fish_seen_subcommand_from create get list ls wait delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -l replicas -d 'How many member planes' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -l name-prefix -d 'Prefix of member names (default: `<NAME>-`)' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -l names -d 'Explicit member names, comma-separated (as many as --replicas)' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -l template -d 'A YAML or JSON file of objects to create in every member (scenario seeding)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -l deletion-policy -d 'Retain (keep members when the Fleet goes or shrinks) or Delete (delete them)' -r -f -a "Retain\t''
Delete\t''"
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -l ttl -d 'Delete the Fleet this long after its creation (e.g. 30m, 2h)' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -l timeout -d 'How long --wait waits' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -l provider -d 'Where the management plane runs: embedded (default), kind or k3s' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -l cluster-name -d 'The management plane\'s name' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -l wait -d 'Wait until every member is ready (a progress bar on a terminal)'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from get" -s o -l output -d 'Output format: json or yaml (the Fleet), name (its members), default a table of members' -r -f -a "json\t''
yaml\t''
name\t''"
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from get" -l provider -d 'Where the management plane runs: embedded (default), kind or k3s' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from get" -l cluster-name -d 'The management plane\'s name' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from get" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from get" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from get" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from get" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: json, yaml or name (default: a table)' -r -f -a "json\t''
yaml\t''
name\t''"
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from list" -l provider -d 'Where the management plane runs: embedded (default), kind or k3s' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from list" -l cluster-name -d 'The management plane\'s name' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from list" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from list" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from list" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format: json, yaml or name (default: a table)' -r -f -a "json\t''
yaml\t''
name\t''"
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from ls" -l provider -d 'Where the management plane runs: embedded (default), kind or k3s' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from ls" -l cluster-name -d 'The management plane\'s name' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from ls" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from ls" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from ls" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from wait" -l timeout -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from wait" -l provider -d 'Where the management plane runs: embedded (default), kind or k3s' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from wait" -l cluster-name -d 'The management plane\'s name' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from wait" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from wait" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from wait" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from wait" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from wait" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from wait" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from wait" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from delete" -l timeout -d 'How long to wait until it is gone' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from delete" -l provider -d 'Where the management plane runs: embedded (default), kind or k3s' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from delete" -l cluster-name -d 'The management plane\'s name' -r
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from delete" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from delete" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from delete" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a Fleet of N virtual control planes (members `<prefix>0000`, `<prefix>0001` …)'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from help" -f -a "get" -d 'Show a Fleet\'s members and their phase'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the Fleets'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from help" -f -a "wait" -d 'Wait until every member of a Fleet is ready'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a Fleet (its members too when its deletion policy is Delete)'
complete -c kplane -n "__fish_kplane_using_subcommand fleet; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kplane -n "__fish_kplane_using_subcommand config; and not __fish_seen_subcommand_from view set-provider use-context help" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand config; and not __fish_seen_subcommand_from view set-provider use-context help" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand config; and not __fish_seen_subcommand_from view set-provider use-context help" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand config; and not __fish_seen_subcommand_from view set-provider use-context help" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand config; and not __fish_seen_subcommand_from view set-provider use-context help" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand config; and not __fish_seen_subcommand_from view set-provider use-context help" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand config; and not __fish_seen_subcommand_from view set-provider use-context help" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand config; and not __fish_seen_subcommand_from view set-provider use-context help" -f -a "view" -d 'Print the resolved settings and where each value came from'
complete -c kplane -n "__fish_kplane_using_subcommand config; and not __fish_seen_subcommand_from view set-provider use-context help" -f -a "set-provider" -d 'Save the provider (embedded, kind, k3s) in the active profile'
complete -c kplane -n "__fish_kplane_using_subcommand config; and not __fish_seen_subcommand_from view set-provider use-context help" -f -a "use-context" -d 'Switch the kubeconfig\'s current context; the `kplane-` prefix may be left out'
complete -c kplane -n "__fish_kplane_using_subcommand config; and not __fish_seen_subcommand_from view set-provider use-context help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from view" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from view" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from view" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from view" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from view" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from view" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from view" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from set-provider" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from set-provider" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from set-provider" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from set-provider" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from set-provider" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from set-provider" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from set-provider" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from use-context" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from use-context" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from use-context" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from use-context" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from use-context" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from use-context" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from use-context" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "view" -d 'Print the resolved settings and where each value came from'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "set-provider" -d 'Save the provider (embedded, kind, k3s) in the active profile'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "use-context" -d 'Switch the kubeconfig\'s current context; the `kplane-` prefix may be left out'
complete -c kplane -n "__fish_kplane_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kplane -n "__fish_kplane_using_subcommand get-credentials" -l provider -d 'Where the management plane runs: embedded (default), kind or k3s' -r
complete -c kplane -n "__fish_kplane_using_subcommand get-credentials" -l cluster-name -d 'The management plane\'s name' -r
complete -c kplane -n "__fish_kplane_using_subcommand get-credentials" -l set-current -d 'Make the context the current one' -r -f -a "true\t''
false\t''"
complete -c kplane -n "__fish_kplane_using_subcommand get-credentials" -l timeout -d 'How long to wait for a virtual control plane to become ready' -r
complete -c kplane -n "__fish_kplane_using_subcommand get-credentials" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand get-credentials" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand get-credentials" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand get-credentials" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand get-credentials" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand get-credentials" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand get-credentials" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand snapshot" -l provider -d 'Where the management plane runs: embedded (default), kind or k3s' -r
complete -c kplane -n "__fish_kplane_using_subcommand snapshot" -l cluster-name -d 'The management plane\'s name' -r
complete -c kplane -n "__fish_kplane_using_subcommand snapshot" -s o -l output -d 'Output format: json or yaml, the whole document (default: a table of resource types)' -r -f -a "json\t''
yaml\t''"
complete -c kplane -n "__fish_kplane_using_subcommand snapshot" -l resource -d 'Only these resource types, as plural or plural.group (repeatable, or comma-separated)' -r
complete -c kplane -n "__fish_kplane_using_subcommand snapshot" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand snapshot" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand snapshot" -l include-empty -d 'Also list resource types that hold no objects'
complete -c kplane -n "__fish_kplane_using_subcommand snapshot" -l warm -d 'Ask for warm caches first (accepted for compatibility: kplane\'s are always warm)'
complete -c kplane -n "__fish_kplane_using_subcommand snapshot" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand snapshot" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand snapshot" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand snapshot" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand snapshot" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand doctor" -l provider -d 'Check this provider instead of the configured one' -r
complete -c kplane -n "__fish_kplane_using_subcommand doctor" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand doctor" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand doctor" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand doctor" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand doctor" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand serve" -l data-dir -d 'Directory for storage, certificates, the admin token and admin.kubeconfig' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand serve" -l port -d 'Port to serve HTTPS on; 0 picks a free one (the log and the kubeconfig say which)' -r
complete -c kplane -n "__fish_kplane_using_subcommand serve" -l bind-address -d 'Address to listen on' -r
complete -c kplane -n "__fish_kplane_using_subcommand serve" -l tls-san -d 'Extra DNS names or IPs for the serving certificate (repeatable; used when it is first generated)' -r
complete -c kplane -n "__fish_kplane_using_subcommand serve" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand serve" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand serve" -l no-auto-create-planes -d 'Do not create a control plane on its first authorised request (the root plane always exists)'
complete -c kplane -n "__fish_kplane_using_subcommand serve" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand serve" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand serve" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand serve" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand serve" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand version" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand version" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand version" -l client -d 'Only the client version; do not contact a server'
complete -c kplane -n "__fish_kplane_using_subcommand version" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand version" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand version" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand version" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand version" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand completion" -l config -d 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand completion" -l kubeconfig -d 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kplane -n "__fish_kplane_using_subcommand completion" -s q -l quiet -d 'Print only requested data and errors'
complete -c kplane -n "__fish_kplane_using_subcommand completion" -l no-color -d 'Never use colours (NO_COLOR in the environment does the same)'
complete -c kplane -n "__fish_kplane_using_subcommand completion" -s v -l verbose -d 'Log more (-v: debug, -vv: trace); logs go to stderr'
complete -c kplane -n "__fish_kplane_using_subcommand completion" -s h -l help -d 'Print help'
complete -c kplane -n "__fish_kplane_using_subcommand completion" -s V -l version -d 'Print version'
complete -c kplane -n "__fish_kplane_using_subcommand help; and not __fish_seen_subcommand_from up down create cc delete get fleet config get-credentials snapshot doctor serve version completion help" -f -a "up" -d 'Create or reuse the management plane and write its kubeconfig context'
complete -c kplane -n "__fish_kplane_using_subcommand help; and not __fish_seen_subcommand_from up down create cc delete get fleet config get-credentials snapshot doctor serve version completion help" -f -a "down" -d 'Stop the management plane, remove its data and the contexts kplane wrote'
complete -c kplane -n "__fish_kplane_using_subcommand help; and not __fish_seen_subcommand_from up down create cc delete get fleet config get-credentials snapshot doctor serve version completion help" -f -a "create" -d 'Create a virtual control plane'
complete -c kplane -n "__fish_kplane_using_subcommand help; and not __fish_seen_subcommand_from up down create cc delete get fleet config get-credentials snapshot doctor serve version completion help" -f -a "cc" -d 'Create a virtual control plane (short for `create cluster`)'
complete -c kplane -n "__fish_kplane_using_subcommand help; and not __fish_seen_subcommand_from up down create cc delete get fleet config get-credentials snapshot doctor serve version completion help" -f -a "delete" -d 'Delete a virtual control plane'
complete -c kplane -n "__fish_kplane_using_subcommand help; and not __fish_seen_subcommand_from up down create cc delete get fleet config get-credentials snapshot doctor serve version completion help" -f -a "get" -d 'List the management plane and the virtual control planes'
complete -c kplane -n "__fish_kplane_using_subcommand help; and not __fish_seen_subcommand_from up down create cc delete get fleet config get-credentials snapshot doctor serve version completion help" -f -a "fleet" -d 'Create, inspect, wait for and delete Fleets of virtual control planes'
complete -c kplane -n "__fish_kplane_using_subcommand help; and not __fish_seen_subcommand_from up down create cc delete get fleet config get-credentials snapshot doctor serve version completion help" -f -a "config" -d 'View settings, save the provider, or switch kubeconfig contexts'
complete -c kplane -n "__fish_kplane_using_subcommand help; and not __fish_seen_subcommand_from up down create cc delete get fleet config get-credentials snapshot doctor serve version completion help" -f -a "get-credentials" -d 'Write the kubeconfig context of a virtual control plane or of the management plane'
complete -c kplane -n "__fish_kplane_using_subcommand help; and not __fish_seen_subcommand_from up down create cc delete get fleet config get-credentials snapshot doctor serve version completion help" -f -a "snapshot" -d 'Print every object of a control plane, read at one revision'
complete -c kplane -n "__fish_kplane_using_subcommand help; and not __fish_seen_subcommand_from up down create cc delete get fleet config get-credentials snapshot doctor serve version completion help" -f -a "doctor" -d 'Check what the active provider needs and say how to fix each problem'
complete -c kplane -n "__fish_kplane_using_subcommand help; and not __fish_seen_subcommand_from up down create cc delete get fleet config get-credentials snapshot doctor serve version completion help" -f -a "serve" -d 'Run the shared Kubernetes API server that hosts every control plane, in the foreground'
complete -c kplane -n "__fish_kplane_using_subcommand help; and not __fish_seen_subcommand_from up down create cc delete get fleet config get-credentials snapshot doctor serve version completion help" -f -a "version" -d 'Print the client version, and the server\'s when one is reachable'
complete -c kplane -n "__fish_kplane_using_subcommand help; and not __fish_seen_subcommand_from up down create cc delete get fleet config get-credentials snapshot doctor serve version completion help" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell)'
complete -c kplane -n "__fish_kplane_using_subcommand help; and not __fish_seen_subcommand_from up down create cc delete get fleet config get-credentials snapshot doctor serve version completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kplane -n "__fish_kplane_using_subcommand help; and __fish_seen_subcommand_from create" -f -a "cluster" -d 'Create a virtual control plane, wait until it is ready and write its context'
complete -c kplane -n "__fish_kplane_using_subcommand help; and __fish_seen_subcommand_from delete" -f -a "cluster" -d 'Delete a virtual control plane and all its data, and remove its context'
complete -c kplane -n "__fish_kplane_using_subcommand help; and __fish_seen_subcommand_from get" -f -a "clusters" -d 'List the management plane and every virtual control plane'
complete -c kplane -n "__fish_kplane_using_subcommand help; and __fish_seen_subcommand_from fleet" -f -a "create" -d 'Create a Fleet of N virtual control planes (members `<prefix>0000`, `<prefix>0001` …)'
complete -c kplane -n "__fish_kplane_using_subcommand help; and __fish_seen_subcommand_from fleet" -f -a "get" -d 'Show a Fleet\'s members and their phase'
complete -c kplane -n "__fish_kplane_using_subcommand help; and __fish_seen_subcommand_from fleet" -f -a "list" -d 'List the Fleets'
complete -c kplane -n "__fish_kplane_using_subcommand help; and __fish_seen_subcommand_from fleet" -f -a "wait" -d 'Wait until every member of a Fleet is ready'
complete -c kplane -n "__fish_kplane_using_subcommand help; and __fish_seen_subcommand_from fleet" -f -a "delete" -d 'Delete a Fleet (its members too when its deletion policy is Delete)'
complete -c kplane -n "__fish_kplane_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "view" -d 'Print the resolved settings and where each value came from'
complete -c kplane -n "__fish_kplane_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "set-provider" -d 'Save the provider (embedded, kind, k3s) in the active profile'
complete -c kplane -n "__fish_kplane_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "use-context" -d 'Switch the kubeconfig\'s current context; the `kplane-` prefix may be left out'
