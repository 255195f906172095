"""The developer flow with the real binary and real kubectl, under an isolated HOME:

kplane up -> kplane cc demo -> kubectl get ns (TLS verified) -> kplane get clusters ->
kplane config use-context back and forth -> kplane delete cluster demo -> kplane down,
and `kplane up` run twice (the second one reuses the running plane).

kubectl reads the kubeconfig kplane wrote through $KUBECONFIG, exactly as a user's shell would.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import KUBECTL_TIMEOUT, KUBECTLS, kplane_bin

CLI_TIMEOUT = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Shell:
    """A user's shell: its own HOME, XDG dirs and KUBECONFIG, the real kplane and kubectl."""

    def __init__(self, home: Path, kubectl: Path):
        self.home = home
        self.kubectl_binary = kubectl
        self.kubeconfig = home / ".kube" / "config"
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "KUBECONFIG": str(self.kubeconfig),
        }

    def kplane(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(kplane_bin()), *args], env=self.env, capture_output=True, text=True,
                              timeout=CLI_TIMEOUT, stdin=subprocess.DEVNULL)

    def kplane_ok(self, *args: str) -> subprocess.CompletedProcess:
        result = self.kplane(*args)
        assert result.returncode == 0, f"kplane {' '.join(args)}: {result.returncode}\n{result.stdout}\n{result.stderr}"
        assert "\x1b" not in result.stdout + result.stderr, "no ANSI codes when not on a terminal"
        return result

    def kubectl(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(self.kubectl_binary), f"--cache-dir={self.home / 'kube-cache'}", *args]
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=KUBECTL_TIMEOUT,
                              stdin=subprocess.DEVNULL)

    def current_context(self) -> str:
        return yaml.safe_load(self.kubeconfig.read_text())["current-context"]


@pytest.fixture(params=sorted(KUBECTLS))
def shell(request, tmp_path) -> Shell:
    kubectl = KUBECTLS[request.param]()
    if not kubectl.is_file():
        pytest.fail(f"{request.param} not found at {kubectl} (run scripts/install-test-deps.sh)")
    shell = Shell(tmp_path, kubectl)
    yield shell
    shell.kplane("down")  # never leave a background server behind, whatever failed


def test_up_cc_kubectl_get_clusters_use_context_delete_down(shell):
    port = str(free_port())
    first = shell.kplane_ok("up", "--port", port)
    assert first.stdout == "", "up prints no data to stdout"
    assert "ready: management plane kplane-management" in first.stderr
    second = shell.kplane_ok("up", "--port", port)
    assert "nothing changed" in second.stderr
    assert shell.current_context() == "kplane@kplane-management"

    shell.kplane_ok("cc", "demo")
    assert shell.current_context() == "kplane-demo"
    config = yaml.safe_load(shell.kubeconfig.read_text())
    demo = next(c for c in config["clusters"] if c["name"] == "kplane-demo")["cluster"]
    assert demo["server"] == f"https://127.0.0.1:{port}/clusters/demo/control-plane"
    assert "certificate-authority-data" in demo and "insecure-skip-tls-verify" not in demo

    # kubectl verifies the server certificate against the CA kplane wrote.
    namespaces = shell.kubectl("get", "ns", "-o", "name")
    assert namespaces.returncode == 0, namespaces.stderr
    assert "namespace/kube-system" in namespaces.stdout.split()
    created = shell.kubectl("create", "configmap", "hello", "--from-literal=k=v")
    assert created.returncode == 0, created.stderr
    # The plane's own token reaches only its plane: the management API is not there.
    assert shell.kubectl("get", "controlplanes").returncode != 0
    mgmt = shell.kubectl("--context", "kplane@kplane-management", "get", "controlplanes", "-o", "json")
    assert mgmt.returncode == 0, mgmt.stderr
    assert [cp["metadata"]["name"] for cp in json.loads(mgmt.stdout)["items"]] == ["demo"]

    table = shell.kplane_ok("get", "clusters").stdout.splitlines()
    assert table[0].split() == ["CURRENT", "NAME", "TYPE", "READY", "ENDPOINT", "AGE"]
    demo_row = next(line for line in table if " demo " in line)
    assert demo_row.startswith("*") and "True" in demo_row
    wide = shell.kplane_ok("get", "clusters", "-o", "wide").stdout
    assert "kplane-demo" in wide and "starter" in wide
    listed = json.loads(shell.kplane_ok("get", "clusters", "-o", "json").stdout)
    assert [(i["name"], i["type"], i["ready"]) for i in listed["items"]] == [
        ("kplane-management", "management", True), ("demo", "virtual", True)]

    shell.kplane_ok("config", "use-context", "kplane@kplane-management")
    assert shell.current_context() == "kplane@kplane-management"
    shell.kplane_ok("config", "use-context", "demo")
    assert shell.current_context() == "kplane-demo"
    data = shell.kubectl("get", "configmap", "hello", "-o", "jsonpath={.data.k}")
    assert data.stdout == "v", data.stderr

    shell.kplane_ok("delete", "cluster", "demo")
    assert "kplane-demo" not in [c["name"] for c in yaml.safe_load(shell.kubeconfig.read_text())["contexts"]]
    assert shell.kplane_ok("get", "clusters", "-o", "name").stdout == "kplane-management\n"
    # A new plane of the same name starts empty: delete removed the data.
    shell.kplane_ok("cc", "demo")
    gone = shell.kubectl("get", "configmap", "hello")
    assert gone.returncode != 0 and "NotFound" in gone.stderr

    shell.kplane_ok("down")
    contexts = yaml.safe_load(shell.kubeconfig.read_text())["contexts"] or []
    assert contexts == [], "down removes every context kplane wrote"
