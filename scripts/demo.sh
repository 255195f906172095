#!/usr/bin/env bash
# Builds kplane, starts the embedded API server (the management plane, `root`) in the
# background, creates a demo virtual control plane and lists its namespaces with kubectl.
#
#   scripts/demo.sh            # data in ./.kplane, port 8443
#   KPLANE_PORT=0 scripts/demo.sh
#
# Stop the server with: kill "$(cat .kplane/kplane.pid)"
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir="${KPLANE_DATA_DIR:-$PWD/.kplane}"
port="${KPLANE_PORT:-8443}"
cargo build --release --quiet
mkdir -p "$data_dir"
if [[ -f "$data_dir/kplane.pid" ]] && kill -0 "$(cat "$data_dir/kplane.pid")" 2>/dev/null; then
  echo "kplane is already running (pid $(cat "$data_dir/kplane.pid"))" >&2
else
  rm -f "$data_dir/admin.kubeconfig"
  ./target/release/kplane serve --data-dir "$data_dir" --port "$port" >"$data_dir/kplane.log" 2>&1 &
  echo $! >"$data_dir/kplane.pid"
fi

# Ready when the server has written its kubeconfig and /readyz answers.
for _ in $(seq 1 200); do
  if [[ -f "$data_dir/admin.kubeconfig" ]]; then
    server=$(sed -n 's/^ *server: //p' "$data_dir/admin.kubeconfig" | head -n1)
    if curl -fsS --cacert "$data_dir/pki/ca.crt" "$server/readyz" >/dev/null 2>&1; then
      break
    fi
  fi
  sleep 0.05
done
server=$(sed -n 's/^ *server: //p' "$data_dir/admin.kubeconfig" | head -n1)
echo "management plane: $server   (kubeconfig: $data_dir/admin.kubeconfig)" >&2
echo "demo plane:       $server/clusters/demo/control-plane" >&2
kubectl --kubeconfig "$data_dir/admin.kubeconfig" --cache-dir "$data_dir/kube-cache" \
  --server "$server/clusters/demo/control-plane" get namespaces
