
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kplane' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kplane'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kplane' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Create or reuse the management plane and write its kubeconfig context')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop the management plane, remove its data and the contexts kplane wrote')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a virtual control plane')
            [CompletionResult]::new('cc', 'cc', [CompletionResultType]::ParameterValue, 'Create a virtual control plane (short for `create cluster`)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a virtual control plane')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'List the management plane and the virtual control planes')
            [CompletionResult]::new('fleet', 'fleet', [CompletionResultType]::ParameterValue, 'Create, inspect, wait for and delete Fleets of virtual control planes')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'View settings, save the provider, or switch kubeconfig contexts')
            [CompletionResult]::new('get-credentials', 'get-credentials', [CompletionResultType]::ParameterValue, 'Write the kubeconfig context of a virtual control plane or of the management plane')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Print every object of a control plane, read at one revision')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check what the active provider needs and say how to fix each problem')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the shared Kubernetes API server that hosts every control plane, in the foreground')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the client version, and the server''s when one is reachable')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kplane;up' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the management plane runs: embedded (default), kind or k3s')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'The management plane''s name')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'The HTTPS port on 127.0.0.1')
            [CompletionResult]::new('--set-current', '--set-current', [CompletionResultType]::ParameterName, 'Make the management context the current one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;down' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the management plane runs: embedded (default), kind or k3s')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'The management plane''s name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--keep-data', '--keep-data', [CompletionResultType]::ParameterName, 'Stop the server but keep its data, certificates and token for the next `up`')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;create' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Create a virtual control plane, wait until it is ready and write its context')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kplane;create;cluster' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the management plane runs: embedded (default), kind or k3s')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'The management plane''s name')
            [CompletionResult]::new('--class', '--class', [CompletionResultType]::ParameterName, 'The ControlPlaneClass')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'The URL users reach the plane at (default: the management plane''s own address)')
            [CompletionResult]::new('--get-credentials', '--get-credentials', [CompletionResultType]::ParameterName, 'Wait until it is ready and write its kubeconfig context')
            [CompletionResult]::new('--set-current', '--set-current', [CompletionResultType]::ParameterName, 'Make its context the current one')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for it to become ready (e.g. 90s, 5m)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;create;help' {
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Create a virtual control plane, wait until it is ready and write its context')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kplane;create;help;cluster' {
            break
        }
        'kplane;create;help;help' {
            break
        }
        'kplane;cc' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the management plane runs: embedded (default), kind or k3s')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'The management plane''s name')
            [CompletionResult]::new('--class', '--class', [CompletionResultType]::ParameterName, 'The ControlPlaneClass')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'The URL users reach the plane at (default: the management plane''s own address)')
            [CompletionResult]::new('--get-credentials', '--get-credentials', [CompletionResultType]::ParameterName, 'Wait until it is ready and write its kubeconfig context')
            [CompletionResult]::new('--set-current', '--set-current', [CompletionResultType]::ParameterName, 'Make its context the current one')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for it to become ready (e.g. 90s, 5m)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;delete' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Delete a virtual control plane and all its data, and remove its context')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kplane;delete;cluster' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the management plane runs: embedded (default), kind or k3s')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'The management plane''s name')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait until it is gone')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;delete;help' {
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Delete a virtual control plane and all its data, and remove its context')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kplane;delete;help;cluster' {
            break
        }
        'kplane;delete;help;help' {
            break
        }
        'kplane;get' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('clusters', 'clusters', [CompletionResultType]::ParameterValue, 'List the management plane and every virtual control plane')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'List the management plane and every virtual control plane')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kplane;get;clusters' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: wide, json, yaml or name (default: a table)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: wide, json, yaml or name (default: a table)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the management plane runs: embedded (default), kind or k3s')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'The management plane''s name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;get;cluster' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: wide, json, yaml or name (default: a table)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: wide, json, yaml or name (default: a table)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the management plane runs: embedded (default), kind or k3s')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'The management plane''s name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;get;help' {
            [CompletionResult]::new('clusters', 'clusters', [CompletionResultType]::ParameterValue, 'List the management plane and every virtual control plane')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kplane;get;help;clusters' {
            break
        }
        'kplane;get;help;help' {
            break
        }
        'kplane;fleet' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a Fleet of N virtual control planes (members `<prefix>0000`, `<prefix>0001` …)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show a Fleet''s members and their phase')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the Fleets')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the Fleets')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until every member of a Fleet is ready')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a Fleet (its members too when its deletion policy is Delete)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kplane;fleet;create' {
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'How many member planes')
            [CompletionResult]::new('--name-prefix', '--name-prefix', [CompletionResultType]::ParameterName, 'Prefix of member names (default: `<NAME>-`)')
            [CompletionResult]::new('--names', '--names', [CompletionResultType]::ParameterName, 'Explicit member names, comma-separated (as many as --replicas)')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'A YAML or JSON file of objects to create in every member (scenario seeding)')
            [CompletionResult]::new('--deletion-policy', '--deletion-policy', [CompletionResultType]::ParameterName, 'Retain (keep members when the Fleet goes or shrinks) or Delete (delete them)')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Delete the Fleet this long after its creation (e.g. 30m, 2h)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the management plane runs: embedded (default), kind or k3s')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'The management plane''s name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until every member is ready (a progress bar on a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;fleet;get' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json or yaml (the Fleet), name (its members), default a table of members')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json or yaml (the Fleet), name (its members), default a table of members')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the management plane runs: embedded (default), kind or k3s')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'The management plane''s name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;fleet;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or name (default: a table)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or name (default: a table)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the management plane runs: embedded (default), kind or k3s')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'The management plane''s name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;fleet;ls' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json, yaml or name (default: a table)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json, yaml or name (default: a table)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the management plane runs: embedded (default), kind or k3s')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'The management plane''s name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;fleet;wait' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'timeout')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the management plane runs: embedded (default), kind or k3s')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'The management plane''s name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;fleet;delete' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait until it is gone')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the management plane runs: embedded (default), kind or k3s')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'The management plane''s name')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;fleet;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a Fleet of N virtual control planes (members `<prefix>0000`, `<prefix>0001` …)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show a Fleet''s members and their phase')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the Fleets')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until every member of a Fleet is ready')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a Fleet (its members too when its deletion policy is Delete)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kplane;fleet;help;create' {
            break
        }
        'kplane;fleet;help;get' {
            break
        }
        'kplane;fleet;help;list' {
            break
        }
        'kplane;fleet;help;wait' {
            break
        }
        'kplane;fleet;help;delete' {
            break
        }
        'kplane;fleet;help;help' {
            break
        }
        'kplane;config' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('view', 'view', [CompletionResultType]::ParameterValue, 'Print the resolved settings and where each value came from')
            [CompletionResult]::new('set-provider', 'set-provider', [CompletionResultType]::ParameterValue, 'Save the provider (embedded, kind, k3s) in the active profile')
            [CompletionResult]::new('use-context', 'use-context', [CompletionResultType]::ParameterValue, 'Switch the kubeconfig''s current context; the `kplane-` prefix may be left out')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kplane;config;view' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;config;set-provider' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;config;use-context' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;config;help' {
            [CompletionResult]::new('view', 'view', [CompletionResultType]::ParameterValue, 'Print the resolved settings and where each value came from')
            [CompletionResult]::new('set-provider', 'set-provider', [CompletionResultType]::ParameterValue, 'Save the provider (embedded, kind, k3s) in the active profile')
            [CompletionResult]::new('use-context', 'use-context', [CompletionResultType]::ParameterValue, 'Switch the kubeconfig''s current context; the `kplane-` prefix may be left out')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kplane;config;help;view' {
            break
        }
        'kplane;config;help;set-provider' {
            break
        }
        'kplane;config;help;use-context' {
            break
        }
        'kplane;config;help;help' {
            break
        }
        'kplane;get-credentials' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the management plane runs: embedded (default), kind or k3s')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'The management plane''s name')
            [CompletionResult]::new('--set-current', '--set-current', [CompletionResultType]::ParameterName, 'Make the context the current one')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for a virtual control plane to become ready')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;snapshot' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the management plane runs: embedded (default), kind or k3s')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'The management plane''s name')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: json or yaml, the whole document (default: a table of resource types)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: json or yaml, the whole document (default: a table of resource types)')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Only these resource types, as plural or plural.group (repeatable, or comma-separated)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--include-empty', '--include-empty', [CompletionResultType]::ParameterName, 'Also list resource types that hold no objects')
            [CompletionResult]::new('--warm', '--warm', [CompletionResultType]::ParameterName, 'Ask for warm caches first (accepted for compatibility: kplane''s are always warm)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;doctor' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Check this provider instead of the configured one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;serve' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory for storage, certificates, the admin token and admin.kubeconfig')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to serve HTTPS on; 0 picks a free one (the log and the kubeconfig say which)')
            [CompletionResult]::new('--bind-address', '--bind-address', [CompletionResultType]::ParameterName, 'Address to listen on')
            [CompletionResult]::new('--tls-san', '--tls-san', [CompletionResultType]::ParameterName, 'Extra DNS names or IPs for the serving certificate (repeatable; used when it is first generated)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--no-auto-create-planes', '--no-auto-create-planes', [CompletionResultType]::ParameterName, 'Do not create a control plane on its first authorised request (the root plane always exists)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;version' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--client', '--client', [CompletionResultType]::ParameterName, 'Only the client version; do not contact a server')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;completion' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only requested data and errors')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never use colours (NO_COLOR in the environment does the same)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more (-v: debug, -vv: trace); logs go to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kplane;help' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Create or reuse the management plane and write its kubeconfig context')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop the management plane, remove its data and the contexts kplane wrote')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a virtual control plane')
            [CompletionResult]::new('cc', 'cc', [CompletionResultType]::ParameterValue, 'Create a virtual control plane (short for `create cluster`)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a virtual control plane')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'List the management plane and the virtual control planes')
            [CompletionResult]::new('fleet', 'fleet', [CompletionResultType]::ParameterValue, 'Create, inspect, wait for and delete Fleets of virtual control planes')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'View settings, save the provider, or switch kubeconfig contexts')
            [CompletionResult]::new('get-credentials', 'get-credentials', [CompletionResultType]::ParameterValue, 'Write the kubeconfig context of a virtual control plane or of the management plane')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Print every object of a control plane, read at one revision')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check what the active provider needs and say how to fix each problem')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the shared Kubernetes API server that hosts every control plane, in the foreground')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the client version, and the server''s when one is reachable')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kplane;help;up' {
            break
        }
        'kplane;help;down' {
            break
        }
        'kplane;help;create' {
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Create a virtual control plane, wait until it is ready and write its context')
            break
        }
        'kplane;help;create;cluster' {
            break
        }
        'kplane;help;cc' {
            break
        }
        'kplane;help;delete' {
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Delete a virtual control plane and all its data, and remove its context')
            break
        }
        'kplane;help;delete;cluster' {
            break
        }
        'kplane;help;get' {
            [CompletionResult]::new('clusters', 'clusters', [CompletionResultType]::ParameterValue, 'List the management plane and every virtual control plane')
            break
        }
        'kplane;help;get;clusters' {
            break
        }
        'kplane;help;fleet' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a Fleet of N virtual control planes (members `<prefix>0000`, `<prefix>0001` …)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show a Fleet''s members and their phase')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the Fleets')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until every member of a Fleet is ready')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a Fleet (its members too when its deletion policy is Delete)')
            break
        }
        'kplane;help;fleet;create' {
            break
        }
        'kplane;help;fleet;get' {
            break
        }
        'kplane;help;fleet;list' {
            break
        }
        'kplane;help;fleet;wait' {
            break
        }
        'kplane;help;fleet;delete' {
            break
        }
        'kplane;help;config' {
            [CompletionResult]::new('view', 'view', [CompletionResultType]::ParameterValue, 'Print the resolved settings and where each value came from')
            [CompletionResult]::new('set-provider', 'set-provider', [CompletionResultType]::ParameterValue, 'Save the provider (embedded, kind, k3s) in the active profile')
            [CompletionResult]::new('use-context', 'use-context', [CompletionResultType]::ParameterValue, 'Switch the kubeconfig''s current context; the `kplane-` prefix may be left out')
            break
        }
        'kplane;help;config;view' {
            break
        }
        'kplane;help;config;set-provider' {
            break
        }
        'kplane;help;config;use-context' {
            break
        }
        'kplane;help;get-credentials' {
            break
        }
        'kplane;help;snapshot' {
            break
        }
        'kplane;help;doctor' {
            break
        }
        'kplane;help;serve' {
            break
        }
        'kplane;help;version' {
            break
        }
        'kplane;help;completion' {
            break
        }
        'kplane;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
