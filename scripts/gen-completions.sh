#!/usr/bin/env bash
# Regenerates completions/ from the clap definitions.
#   scripts/gen-completions.sh          write them
#   scripts/gen-completions.sh --check  fail if the committed ones are out of date (CI)
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${KPLANE_BIN:-target/debug/kplane}"
[[ -x "$bin" ]] || cargo build --quiet --bin kplane
out=completions
[[ "${1:-}" == "--check" ]] && out="$(mktemp -d)"
mkdir -p "$out"
"$bin" completion bash >"$out/kplane.bash"
"$bin" completion zsh >"$out/_kplane"
"$bin" completion fish >"$out/kplane.fish"
"$bin" completion powershell >"$out/_kplane.ps1"
if [[ "${1:-}" == "--check" ]]; then
  if ! diff -r "$out" completions; then
    echo "completions/ is out of date: run scripts/gen-completions.sh" >&2
    exit 1
  fi
fi
