#!/usr/bin/env bash
# Dependencies point one way (see the Layout section of src/lib.rs):
#   cli -> server -> controller -> registry -> storage -> types
# This fails when a module reaches to its left, or when HTTP types leak below `server`.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
forbid() { # forbid DIR PATTERN WHY
  if grep -rnE "$2" "$1" --include='*.rs'; then
    echo "layering: $1 must not use $3" >&2
    status=1
  fi
}
forbid src/server      'crate::cli'                                   'cli'
forbid src/controller  'crate::(cli|server)'                          'cli or server'
forbid src/registry    'crate::(cli|server|controller)'               'cli, server or controller'
forbid src/storage     'crate::(cli|server|controller|registry)'      'anything above storage'
forbid src/provider    'crate::(cli|server|controller|registry|storage)' 'cli, server, controller, registry or storage (it talks HTTPS)'
forbid src/server      'crate::kubeconfig'                            'kubeconfig (a CLI concern)'
forbid src/types       'crate::(cli|server|controller|registry|storage)' 'anything'
forbid src/registry    '(axum|hyper)::'                               'HTTP types (they belong in server)'
forbid src/storage     '(axum|hyper|k8s_openapi|serde_json)::'        'HTTP or Kubernetes types'
exit $status
