#!/usr/bin/env bash
# Builds kplane, brings up the embedded management plane (`kplane up`), creates a demo virtual
# control plane (`kplane cc demo`, which makes `kplane-demo` the current context) and lists its
# namespaces with kubectl. Re-running reuses both. Stop it all with `kplane down`.
#
#   scripts/demo.sh                 # port 8443
#   KPLANE_PORT=9443 scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
kplane=./target/release/kplane
"$kplane" up --port "${KPLANE_PORT:-8443}"
if "$kplane" get clusters -o name | grep -qx demo; then
  "$kplane" get-credentials demo
else
  "$kplane" cc demo
fi
kubectl get namespaces
