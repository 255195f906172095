#!/usr/bin/env bash
# Builds kplane, brings up the embedded management plane (`kplane up`) and lists the
# namespaces of a demo virtual control plane with kubectl. Stop it all with `kplane down`.
#
#   scripts/demo.sh                 # port 8443
#   KPLANE_PORT=9443 scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
./target/release/kplane up --port "${KPLANE_PORT:-8443}"
context=kplane@kplane-management
server=$(kubectl config view --minify --context "$context" -o jsonpath='{.clusters[0].cluster.server}')
echo "demo plane: $server/clusters/demo/control-plane" >&2
# The first authorised request to a plane creates it.
kubectl --context "$context" --server "$server/clusters/demo/control-plane" get namespaces
