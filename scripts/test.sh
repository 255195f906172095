#!/usr/bin/env bash
# The whole test suite: unit + integration tests (cargo), then the end-to-end
# tests with real clients (scripts/e2e.sh). Installs what the tests need first.
# Runs every stage even if an earlier one failed; exits non-zero if any failed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

declare -a names=() results=()
failed=0

stage() {
  local name="$1"; shift
  local started=$SECONDS rc=0
  printf '\n==== %s: %s\n' "$name" "$*"
  "$@" || rc=$?
  names+=("$name")
  if ((rc == 0)); then
    results+=("ok ($((SECONDS - started))s)")
  else
    results+=("FAILED, exit code $rc ($((SECONDS - started))s)")
    failed=1
  fi
  return 0
}

stage "test dependencies" bash scripts/install-test-deps.sh
stage "formatting" cargo fmt --check
stage "layering" bash scripts/check-layering.sh
stage "cargo test" cargo test --locked --all-targets
# After the build, so the crates the generator reads are in the cargo registry.
stage "generated schema table" python3 scripts/gen-k8s-schema.py --check
stage "completions" bash scripts/gen-completions.sh --check
# `cargo test` built the binary already; reusing it saves a rebuild with other feature flags.
target_dir="${CARGO_TARGET_DIR:-target}"
if [[ -x "$target_dir/debug/kplane" ]]; then
  export KPLANE_BIN="$PWD/$target_dir/debug/kplane"
  [[ "$target_dir" = /* ]] && KPLANE_BIN="$target_dir/debug/kplane"
fi
stage "end-to-end" bash scripts/e2e.sh

printf '\n==== summary\n'
for i in "${!names[@]}"; do
  printf '  %-24s %s\n' "${names[$i]}" "${results[$i]}"
done
if ((failed)); then
  echo "test.sh: FAILED"
  exit 1
fi
echo "test.sh: all stages passed"
