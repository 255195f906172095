#!/usr/bin/env bash
# End-to-end tests: a real `kplane serve` driven by real clients (kubectl 1.33 and
# 1.37, the Python kubernetes client). See tests/e2e/conftest.py.
#
#   scripts/e2e.sh                    build (debug) if needed, install deps, run all
#   scripts/e2e.sh -k watch -x        extra arguments go to pytest
#
# Environment:
#   KPLANE_BIN   use this binary instead of building target/debug/kplane
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

if [[ -n "${KPLANE_BIN:-}" ]]; then
  [[ -x "$KPLANE_BIN" ]] || { echo "e2e: KPLANE_BIN=$KPLANE_BIN is not an executable" >&2; exit 1; }
else
  target_dir="${CARGO_TARGET_DIR:-target}"
  [[ "$target_dir" = /* ]] || target_dir="$repo_root/$target_dir"
  echo "e2e: cargo build --locked --bin kplane" >&2
  cargo build --locked --bin kplane
  export KPLANE_BIN="$target_dir/debug/kplane"
fi

bash "$repo_root/scripts/install-test-deps.sh"

echo "e2e: pytest tests/e2e (KPLANE_BIN=$KPLANE_BIN)" >&2
# pytest exits 5 when it collected no test: that, like any non-zero code, fails this script.
exec "$repo_root/.venv/bin/python" -m pytest "$repo_root/tests/e2e" -q "$@"
