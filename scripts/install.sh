#!/usr/bin/env bash
# Installs kplane from this checkout: builds the release binary, copies it to
# $PREFIX/bin (default ~/.local/bin), installs shell completions, and adds
#   alias kp="kplane"
# once to ~/.zshrc or ~/.bashrc (whichever matches $SHELL).
#
#   scripts/install.sh
#   PREFIX=/usr/local scripts/install.sh
#   KPLANE_INSTALL_BIN=target/debug/kplane scripts/install.sh   # install a binary already built
#
# Installing a downloaded release (darwin/linux × amd64/arm64, with checksum) is not available
# yet: there are no published releases.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${PREFIX:-$HOME/.local}"
bin="${KPLANE_INSTALL_BIN:-}"
if [[ -z "$bin" ]]; then
  cargo build --release --locked --quiet
  bin=target/release/kplane
fi
[[ -x "$bin" ]] || { echo "install: $bin is not an executable" >&2; exit 1; }

install -d "$prefix/bin"
install -m 0755 "$bin" "$prefix/bin/kplane"

# Completions, where each shell looks for user-installed ones.
data="${XDG_DATA_HOME:-$HOME/.local/share}"
install -d "$data/bash-completion/completions" "$data/zsh/site-functions" "${XDG_CONFIG_HOME:-$HOME/.config}/fish/completions"
install -m 0644 completions/kplane.bash "$data/bash-completion/completions/kplane"
install -m 0644 completions/_kplane "$data/zsh/site-functions/_kplane"
install -m 0644 completions/kplane.fish "${XDG_CONFIG_HOME:-$HOME/.config}/fish/completions/kplane.fish"

case "$(basename "${SHELL:-bash}")" in
  zsh) rc="$HOME/.zshrc" ;;
  *) rc="$HOME/.bashrc" ;;
esac
alias_line='alias kp="kplane"'
if ! grep -qxF "$alias_line" "$rc" 2>/dev/null; then
  printf '\n# added by kplane scripts/install.sh\n%s\n' "$alias_line" >>"$rc"
  echo "install: added the kp alias to $rc" >&2
fi

echo "install: kplane installed to $prefix/bin/kplane" >&2
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "install: add $prefix/bin to your PATH" >&2 ;;
esac
