"""scripts/install.sh from a checkout: binary, completions, and the kp alias added once."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_install(home: Path, shell: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "SHELL": shell,
        "KPLANE_INSTALL_BIN": os.environ.get("KPLANE_BIN", str(REPO / "target/debug/kplane")),
    }
    return subprocess.run(["bash", str(REPO / "scripts/install.sh")], env=env, capture_output=True, text=True, timeout=120)


def test_install_puts_binary_and_completions_in_place_and_adds_the_alias_once(tmp_path):
    for _ in range(2):
        result = run_install(tmp_path, "/bin/bash")
        assert result.returncode == 0, result.stderr
    installed = tmp_path / ".local/bin/kplane"
    version = subprocess.run([str(installed), "version", "--client"], capture_output=True, text=True, timeout=30)
    assert version.stdout.startswith("Client Version: kplane ")
    assert (tmp_path / ".local/share/bash-completion/completions/kplane").is_file()
    assert (tmp_path / ".local/share/zsh/site-functions/_kplane").is_file()
    assert (tmp_path / ".config/fish/completions/kplane.fish").is_file()
    assert (tmp_path / ".bashrc").read_text().count('alias kp="kplane"') == 1


def test_install_uses_zshrc_for_zsh_users(tmp_path):
    assert run_install(tmp_path, "/usr/bin/zsh").returncode == 0
    assert 'alias kp="kplane"' in (tmp_path / ".zshrc").read_text()
    assert not (tmp_path / ".bashrc").exists()


def test_homebrew_formula_installs_the_committed_completions_and_is_valid_ruby():
    formula = (REPO / "Formula/kplane.rb").read_text()
    for source in ("completions/kplane.bash", "completions/_kplane", "completions/kplane.fish"):
        assert f'"{source}"' in formula
        assert (REPO / source).is_file(), f"{source} named by the formula is missing"
    assert 'system "cargo", "install", *std_cargo_args' in formula
    ruby = subprocess.run(["ruby", "-c", str(REPO / "Formula/kplane.rb")], capture_output=True, text=True, timeout=60)
    assert ruby.returncode == 0 and "Syntax OK" in ruby.stdout, ruby.stderr
