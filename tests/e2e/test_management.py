"""Real kubectl against kplane's management API (`controlplane.kplane.dev/v1alpha1`).

The root plane serves ControlPlane, ControlPlaneEndpoint and ControlPlaneClass; the
in-process controller makes each ControlPlane a served plane, reports it Ready and writes a
kubeconfig Secret `kplane-system/controlplane-<name>-kubeconfig` for that plane alone.

Every test runs once with each kubectl, with a ControlPlane of its own (a fresh name per test,
the session's server being shared) and a discovery cache dir of its own.
"""

from __future__ import annotations

import base64
import textwrap

import yaml

from conftest import Kubectl, wait_until

GROUP = "controlplane.kplane.dev"
API_VERSION = f"{GROUP}/v1alpha1"
SYSTEM_NAMESPACE = "kplane-system"
READY_JSONPATH = 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'
# A fresh server's ControlPlane is Ready within a reconcile or two; generous for CI.
READY_TIMEOUT = 60

MANIFEST = textwrap.dedent("""\
    apiVersion: controlplane.kplane.dev/v1alpha1
    kind: ControlPlaneEndpoint
    metadata:
      name: {name}-endpoint
    spec:
      externalEndpoint: {url}
    ---
    apiVersion: controlplane.kplane.dev/v1alpha1
    kind: ControlPlane
    metadata:
      name: {name}
      labels:
        team: {team}
    spec:
      classRef:
        name: starter
      endpointRef:
        name: {name}-endpoint
      mode: Virtual
    """)


def control_plane(name: str) -> dict:
    return {"apiVersion": API_VERSION, "kind": "ControlPlane", "metadata": {"name": name}, "spec": {}}


def ready_status(root_kubectl: Kubectl, name: str) -> str:
    return root_kubectl.ok("get", "cp", name, "-o", READY_JSONPATH)


def wait_ready(root_kubectl: Kubectl, name: str) -> None:
    wait_until(f"ControlPlane {name} to be Ready", lambda: ready_status(root_kubectl, name) == "True",
               timeout=READY_TIMEOUT)


def secret_kubeconfig(root_kubectl: Kubectl, name: str) -> str:
    """The kubeconfig the controller wrote for plane `name`, read the way a user would."""
    encoded = root_kubectl.ok("get", "secret", "-n", SYSTEM_NAMESPACE, f"controlplane-{name}-kubeconfig",
                              "-o", "jsonpath={.data.kubeconfig}")
    return base64.b64decode(encoded).decode()


def plane_kubectl(root_kubectl: Kubectl, name: str, tmp_path) -> Kubectl:
    """kubectl with nothing but the plane's kubeconfig from its Secret."""
    path = tmp_path / f"{name}.kubeconfig"
    path.write_text(secret_kubeconfig(root_kubectl, name))
    path.chmod(0o600)
    return Kubectl(name=root_kubectl.name, binary=root_kubectl.binary, kubeconfig=path,
                   cache_dir=tmp_path / "kube-cache-plane", server=root_kubectl.server, plane=name)


# --- discovery -------------------------------------------------------------------------


def test_api_resources_on_the_root_plane_lists_the_management_api(root_kubectl):
    rows = [line.split() for line in root_kubectl.ok("api-resources", f"--api-group={GROUP}").splitlines()[1:]]
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {"controlplanes", "controlplaneendpoints", "controlplaneclasses"}
    # NAME SHORTNAMES APIVERSION NAMESPACED KIND
    assert by_name["controlplanes"] == ["controlplanes", "cp", API_VERSION, "false", "ControlPlane"]


def test_api_resources_on_a_plane_omits_the_management_api(kubectl):
    names = set(kubectl.ok("api-resources", "-o", "name").split())
    assert "configmaps" in names
    assert not any(GROUP in name for name in names), sorted(names)
    result = kubectl.fails("get", "controlplanes")
    assert 'the server doesn\'t have a resource type "controlplanes"' in result.stderr


def test_the_starter_class_exists(root_kubectl):
    lines = root_kubectl.ok("get", "controlplaneclasses", "starter").splitlines()
    assert lines[0].split() == ["NAME", "DELETION", "POLICY", "AGE"]
    assert lines[1].split()[:2] == ["starter", "Destroy"]


# --- tables ----------------------------------------------------------------------------


def test_get_controlplanes_prints_ready_and_endpoint_and_wide_adds_mode_class_reason(root_kubectl, plane):
    root_kubectl.seed(control_plane(plane))
    wait_ready(root_kubectl, plane)
    endpoint = root_kubectl.server.plane_url(plane)

    lines = root_kubectl.ok("get", "controlplanes", plane).splitlines()
    assert lines[0].split() == ["NAME", "READY", "ENDPOINT", "AGE"]
    assert lines[1].split()[:3] == [plane, "True", endpoint]

    lines = root_kubectl.ok("get", "cp", plane, "-o", "wide").splitlines()
    assert lines[0].split() == ["NAME", "READY", "ENDPOINT", "AGE", "MODE", "CLASS", "REASON"]
    row = lines[1].split()
    assert row[:3] == [plane, "True", endpoint]
    assert row[4:] == ["Virtual", "starter", "Reconciled"]

    # The listing shows it among the others.
    names = {line.split()[0] for line in root_kubectl.ok("get", "controlplanes").splitlines()[1:]}
    assert plane in names


# --- apply -----------------------------------------------------------------------------


def test_apply_creates_a_controlplane_and_reapplying_a_change_configures_it(root_kubectl, plane, tmp_path):
    server = root_kubectl.server
    path = tmp_path / "controlplane.yaml"
    path.write_text(MANIFEST.format(name=plane, url=server.url, team="one"))
    out = root_kubectl.ok("apply", "-f", str(path))
    assert f"controlplaneendpoint.{GROUP}/{plane}-endpoint created" in out
    assert f"controlplane.{GROUP}/{plane} created" in out

    wait_ready(root_kubectl, plane)
    status = root_kubectl.json("get", "cp", plane)["status"]
    assert status["endpoint"] == server.plane_url(plane), "the endpoint's URL pointed at the plane"
    assert status["kubeconfigSecretRef"] == {"name": f"controlplane-{plane}-kubeconfig",
                                             "namespace": SYSTEM_NAMESPACE}

    # The same file again: nothing to do.
    out = root_kubectl.ok("apply", "-f", str(path))
    assert f"controlplane.{GROUP}/{plane} unchanged" in out

    # A changed field: client-side apply computes a patch against the last-applied annotation.
    path.write_text(MANIFEST.format(name=plane, url=server.url, team="two"))
    out = root_kubectl.ok("apply", "-f", str(path))
    assert f"controlplane.{GROUP}/{plane} configured" in out
    assert f"controlplaneendpoint.{GROUP}/{plane}-endpoint unchanged" in out
    applied = root_kubectl.json("get", "cp", plane)
    assert applied["metadata"]["labels"] == {"team": "two"}
    last_applied = applied["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
    assert '"team":"two"' in last_applied
    assert applied["spec"]["endpointRef"] == {"name": f"{plane}-endpoint"}
    assert ready_status(root_kubectl, plane) == "True"


def test_kubectl_wait_sees_the_ready_condition_and_delete_waits_for_the_finalizer(root_kubectl, plane):
    root_kubectl.seed(control_plane(plane))
    out = root_kubectl.ok("wait", "--for=condition=Ready", f"controlplane/{plane}", f"--timeout={READY_TIMEOUT}s",
                          timeout=READY_TIMEOUT + 30)
    assert f"controlplane.{GROUP}/{plane} condition met" in out

    # kubectl delete waits until the object is gone: the controller releases its finalizer.
    assert f'controlplane.{GROUP} "{plane}" deleted' in root_kubectl.ok("delete", "cp", plane)
    assert "not found" in root_kubectl.fails("get", "cp", plane).stderr
    result = root_kubectl.fails("get", "secret", "-n", SYSTEM_NAMESPACE, f"controlplane-{plane}-kubeconfig")
    assert "not found" in result.stderr


# --- the plane's kubeconfig ------------------------------------------------------------


def test_the_kubeconfig_secret_works_with_kubectl_and_verifies_tls(root_kubectl, plane, tmp_path):
    server = root_kubectl.server
    root_kubectl.seed(control_plane(plane))
    wait_ready(root_kubectl, plane)

    config = yaml.safe_load(secret_kubeconfig(root_kubectl, plane))
    cluster = config["clusters"][0]["cluster"]
    assert cluster["server"] == server.plane_url(plane)
    assert "insecure-skip-tls-verify" not in cluster
    assert base64.b64decode(cluster["certificate-authority-data"]).decode() == server.ca_path.read_text()
    token = config["users"][0]["user"]["token"]
    assert token.startswith(f"kplane.{plane}.") and token != server.token

    own = plane_kubectl(root_kubectl, plane, tmp_path)
    names = {line.split()[0] for line in own.ok("get", "ns").splitlines()[1:]}
    assert {"default", "kube-system"} <= names
    assert "configmap/from-plane-admin created" in own.ok("create", "configmap", "from-plane-admin",
                                                         "--from-literal=k=v")

    # TLS is verified: the same kubeconfig, expecting another server name, is refused.
    result = own.fails("--tls-server-name=not-this-server.example", "get", "ns")
    assert "x509" in result.stderr or "certificate" in result.stderr, result.stderr

    # The plane's credentials reach nothing else: the management plane answers Forbidden.
    result = own.fails(f"--server={server.url}", "get", "ns")
    assert "Forbidden" in result.stderr, result.stderr
