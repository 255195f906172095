"""Real kubectl and the Python client against kplane's Fleets (`kplane.dev/v1`, root plane).

A Fleet keeps `replicas` member ControlPlanes (labelled `kplane.dev/fleet=<fleet>`, named
`<fleet>-0000`...), reports `readyReplicas` and a `Ready` condition, seeds its `template` into
every member, and with `deletionPolicy: Delete` takes its members along when it is deleted.

The kubectl tests run once with each kubectl; every test uses Fleet names of its own (the
session's server is shared).
"""

from __future__ import annotations

import textwrap

import pytest

from conftest import Kubectl, make_plane_client, new_plane_name, wait_until

GROUP = "kplane.dev"
VERSION = "v1"
API_VERSION = f"{GROUP}/{VERSION}"
FLEET_LABEL = "kplane.dev/fleet"
# A fresh server's members are Ready within a reconcile or two; generous for CI.
READY_TIMEOUT = 60

MANIFEST = textwrap.dedent("""\
    apiVersion: kplane.dev/v1
    kind: Fleet
    metadata:
      name: {name}
    spec:
      replicas: {replicas}
      deletionPolicy: Delete
    """)


def manifest(name: str, replicas: int) -> str:
    return MANIFEST.format(name=name, replicas=replicas)


def fleet_row(root_kubectl: Kubectl, resource: str, name: str) -> tuple[list[str], list[str]]:
    """The header and the row `kubectl get <resource> <name>` prints."""
    lines = root_kubectl.ok("get", resource, name).splitlines()
    assert len(lines) == 2, lines
    return lines[0].split(), lines[1].split()


def members(root_kubectl: Kubectl, fleet: str) -> list[str]:
    """The member ControlPlanes' names, by the Fleet's label."""
    out = root_kubectl.ok("get", "cp", "-l", f"{FLEET_LABEL}={fleet}", "-o", "name")
    return sorted(line.removeprefix("controlplane.controlplane.kplane.dev/") for line in out.split())


def wait_ready_replicas(root_kubectl: Kubectl, name: str, replicas: int) -> None:
    def ready() -> bool:
        _, row = fleet_row(root_kubectl, "fleets", name)
        return row[2] == str(replicas)

    wait_until(f"Fleet {name} to have {replicas} ready members", ready, timeout=READY_TIMEOUT)


def delete_fleet(root_kubectl: Kubectl, name: str) -> None:
    root_kubectl.ok("delete", "fleet", name, "--ignore-not-found")


# --- discovery -------------------------------------------------------------------------


def test_api_resources_lists_fleets_with_short_name_and_category(root_kubectl):
    rows = [line.split() for line in root_kubectl.ok("api-resources", f"--api-group={GROUP}").splitlines()[1:]]
    by_name = {row[0]: row for row in rows}
    # NAME SHORTNAMES APIVERSION NAMESPACED KIND
    assert by_name["fleets"] == ["fleets", "flt", API_VERSION, "false", "Fleet"]
    out = root_kubectl.ok("api-resources", "--categories=kplane", "-o", "name")
    assert f"fleets.{GROUP}" in out.split(), out


# --- apply, get, wait, delete ----------------------------------------------------------


def test_apply_then_get_fleets_shows_desired_and_ready(root_kubectl, tmp_path):
    name = new_plane_name("flt")
    path = tmp_path / "fleet.yaml"
    path.write_text(manifest(name, 3))
    try:
        assert f"fleet.{GROUP}/{name} created" in root_kubectl.ok("apply", "-f", str(path))

        header, row = fleet_row(root_kubectl, "fleets", name)
        assert header == ["NAME", "DESIRED", "READY", "AGE"]
        assert row[:2] == [name, "3"]
        wait_ready_replicas(root_kubectl, name, 3)

        # The short name, and the listing of all Fleets.
        header, row = fleet_row(root_kubectl, "flt", name)
        assert header == ["NAME", "DESIRED", "READY", "AGE"]
        assert row[:3] == [name, "3", "3"]
        listed = {line.split()[0] for line in root_kubectl.ok("get", "fleets").splitlines()[1:]}
        assert name in listed
        assert f"fleet.{GROUP}/{name}" in root_kubectl.ok("get", "kplane", "-o", "name").split()

        # The members: labelled ControlPlanes named after the Fleet, and the status says so.
        expected = [f"{name}-{i:04d}" for i in range(3)]
        assert members(root_kubectl, name) == expected
        status = root_kubectl.json("get", "fleet", name)["status"]
        assert status["readyReplicas"] == 3
        assert [m["clusterID"] for m in status["members"]] == expected
        assert {m["phase"] for m in status["members"]} == {"Ready"}

        assert f"fleet.{GROUP}/{name} unchanged" in root_kubectl.ok("apply", "-f", str(path))

        # Scaling through apply.
        path.write_text(manifest(name, 1))
        assert f"fleet.{GROUP}/{name} configured" in root_kubectl.ok("apply", "-f", str(path))
        wait_until("the surplus members to go", lambda: members(root_kubectl, name) == expected[:1],
                   timeout=READY_TIMEOUT)
        _, row = fleet_row(root_kubectl, "flt", name)
        assert row[:3] == [name, "1", "1"]
    finally:
        delete_fleet(root_kubectl, name)


def test_kubectl_wait_for_ready_then_delete_takes_the_members_along(root_kubectl):
    name = new_plane_name("flt")
    root_kubectl.ok("create", "-f", "-", input=manifest(name, 2))
    out = root_kubectl.ok("wait", "--for=condition=Ready", f"fleet/{name}", f"--timeout={READY_TIMEOUT}s",
                          timeout=READY_TIMEOUT + 30)
    assert f"fleet.{GROUP}/{name} condition met" in out
    assert members(root_kubectl, name) == [f"{name}-0000", f"{name}-0001"]
    ready = root_kubectl.ok("get", "cp", "-l", f"{FLEET_LABEL}={name}",
                            "-o", 'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}')
    assert ready.split() == ["True", "True"]

    # kubectl delete waits until the Fleet is gone (the controller releases its finalizer).
    assert f'fleet.{GROUP} "{name}" deleted' in root_kubectl.ok("delete", "fleet", name)
    assert "not found" in root_kubectl.fails("get", "fleet", name).stderr
    wait_until("the member ControlPlanes to be gone", lambda: members(root_kubectl, name) == [],
               timeout=READY_TIMEOUT)
    for member in (f"{name}-0000", f"{name}-0001"):
        assert "not found" in root_kubectl.fails("get", "cp", member).stderr


def test_a_bad_fleet_is_refused_naming_the_field(root_kubectl):
    name = new_plane_name("flt")
    bad = manifest(name, 2) + "  names: [only-one]\n"
    result = root_kubectl.fails("apply", "-f", "-", input=bad)
    assert "spec.names" in result.stderr, result.stderr
    assert "Invalid" in result.stderr or "invalid" in result.stderr, result.stderr
    assert "not found" in root_kubectl.fails("get", "fleet", name).stderr


# --- the Python client -----------------------------------------------------------------


@pytest.fixture
def root_client(server, tmp_path):
    from kubernetes import client, config

    api_client = config.new_client_from_config(config_file=str(server.kubeconfig(None, tmp_path / "root.kubeconfig")))
    yield client.CustomObjectsApi(api_client)
    api_client.close()


def test_python_client_creates_a_seeded_fleet_and_reads_a_member_plane(server, root_client, tmp_path):
    from kubernetes.client.rest import ApiException

    name = new_plane_name("flt")
    body = {
        "apiVersion": API_VERSION,
        "kind": "Fleet",
        "metadata": {"name": name},
        "spec": {
            "replicas": 2,
            "deletionPolicy": "Delete",
            "template": [
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "scenario", "namespace": "level"},
                 "data": {"difficulty": "hard"}},
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "level"}},
            ],
        },
    }
    created = root_client.create_cluster_custom_object(GROUP, VERSION, "fleets", body)
    assert created["metadata"]["uid"]
    try:
        def ready() -> dict | None:
            fleet = root_client.get_cluster_custom_object(GROUP, VERSION, "fleets", name)
            status = fleet.get("status") or {}
            return fleet if status.get("readyReplicas") == 2 else None

        fleet = wait_until(f"Fleet {name} to be Ready", ready, timeout=READY_TIMEOUT)
        member_ids = [m["clusterID"] for m in fleet["status"]["members"]]
        assert member_ids == [f"{name}-0000", f"{name}-0001"]
        conditions = {c["type"]: c for c in fleet["status"]["conditions"]}
        assert conditions["Ready"]["status"] == "True"
        assert conditions["Ready"]["reason"] == "MembersReady"

        # Each member plane holds the seeded objects, read through its own URL.
        for member in member_ids:
            plane = make_plane_client(server, member, tmp_path / f"{member}.kubeconfig")
            try:
                assert plane.api_client.configuration.host == server.plane_url(member)
                cm = plane.core.read_namespaced_config_map("scenario", "level")
                assert cm.data == {"difficulty": "hard"}
            finally:
                plane.api_client.close()

        # The list shows it; a bad update is refused with 422.
        listed = root_client.list_cluster_custom_object(GROUP, VERSION, "fleets")
        assert name in {item["metadata"]["name"] for item in listed["items"]}
        with pytest.raises(ApiException) as info:
            root_client.patch_cluster_custom_object(GROUP, VERSION, "fleets", name, {"spec": {"replicas": -1}})
        assert info.value.status == 422
        assert "spec.replicas" in info.value.body
    finally:
        root_client.delete_cluster_custom_object(GROUP, VERSION, "fleets", name)

    def members_gone() -> bool:
        cps = root_client.list_cluster_custom_object("controlplane.kplane.dev", "v1alpha1", "controlplanes",
                                                     label_selector=f"{FLEET_LABEL}={name}")
        return not cps["items"]

    wait_until("the members to go with the Fleet", members_gone, timeout=READY_TIMEOUT)
