"""client-go against a plane, unmodified: the dynamic client and controller-runtime's EnvTest
through PyPI `kubernetes-lite` (gopy bindings of the Go libraries, loaded into this process).

Each test drives a plane of its own, through a kubeconfig file written for it (never
~/.kube/config): ConfigMaps and a custom resource (its CRD created first and Established) are
created, read and listed with a label selector; a watch sees a change made after it started;
merge and JSON patches; an update through the custom resource's `status` subresource leaves
spec and generation alone; deletes; server-side apply (create on apply, field managers, a 409
on a field another manager owns, `force`); and EnvTest with `USE_EXISTING_CLUSTER=true`, in a
process of its own with `KUBECONFIG` naming the plane's kubeconfig. Every test ends by checking
that another plane, seeded before the test wrote anything, holds exactly what it held before.
"""

from __future__ import annotations

import dataclasses
import json
import os
import queue
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from conftest import AbortWait, KplaneServer, new_plane_name, wait_until

from kubernetes_lite.client import DynamicClient, DynamicResource
from kubernetes_lite.errors import AlreadyExistsError, ConflictError, InvalidError, NotFoundError

MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
NS = "default"
# Generous: CI has 2 shared cores and a debug build.
WAIT = 60

CRD_NAME = "gadgets.go.example.com"
CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": CRD_NAME},
    "spec": {
        "group": "go.example.com",
        "scope": "Namespaced",
        "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget"},
        "versions": [{
            "name": "v1", "served": True, "storage": True,
            "subresources": {"status": {}},
            "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                "spec": {"type": "object", "properties": {
                    "size": {"type": "integer", "minimum": 0},
                    "color": {"type": "string"},
                    "ports": {"type": "array", "x-kubernetes-list-type": "map",
                              "x-kubernetes-list-map-keys": ["name"],
                              "items": {"type": "object", "required": ["name"],
                                        "properties": {"name": {"type": "string"}, "port": {"type": "integer"}}}}}},
                "status": {"type": "object", "properties": {
                    "phase": {"type": "string"}, "observedSize": {"type": "integer"}}}}}},
        }],
    },
}


def gadget(name: str, labels: dict | None = None, **spec) -> dict:
    metadata = {"name": name, "namespace": NS, **({"labels": labels} if labels else {})}
    return {"apiVersion": "go.example.com/v1", "kind": "Gadget", "metadata": metadata, "spec": spec}


def configmap(name: str, data: dict, labels: dict | None = None) -> dict:
    metadata = {"name": name, "namespace": NS, **({"labels": labels} if labels else {})}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data}


def names(object_list: dict) -> list[str]:
    return sorted(item["metadata"]["name"] for item in object_list["items"])


def managers(obj: dict) -> dict[tuple[str, str], dict]:
    """managedFields by (manager, operation): the fieldsV1 each entry owns."""
    return {(e["manager"], e["operation"]): e.get("fieldsV1", {}) for e in obj["metadata"].get("managedFields", [])}


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------


@dataclasses.dataclass
class GoPlane:
    """client-go's dynamic client bound to one plane through a kubeconfig file."""

    name: str
    kubeconfig: Path
    client: DynamicClient

    @property
    def configmaps(self) -> DynamicResource:
        return self.client.resource("v1", "ConfigMap")

    @property
    def gadgets(self) -> DynamicResource:
        return self.client.resource("go.example.com/v1", "Gadget")

    def create_crd(self) -> dict:
        """Creates the Gadget CRD and waits (by polling the client) for it to be Established."""
        crds = self.client.resource("apiextensions.k8s.io/v1", "CustomResourceDefinition")
        crds.create(CRD)

        def established() -> dict | None:
            crd = crds.get(CRD_NAME)
            conditions = crd.get("status", {}).get("conditions", [])
            return crd if any(c["type"] == "Established" and c["status"] == "True" for c in conditions) else None

        return wait_until("the CRD to be Established", established, timeout=WAIT)


@pytest.fixture
def go(server, plane, tmp_path) -> GoPlane:
    """This test's own plane, its kubeconfig file, and a dynamic client made from that file."""
    kubeconfig = server.kubeconfig(plane, tmp_path / "kubeconfig")
    return GoPlane(name=plane, kubeconfig=kubeconfig, client=DynamicClient(kubeconfig.read_bytes()))


@pytest.fixture
def go_crd(go) -> GoPlane:
    """`go`, with the Gadget CRD Established."""
    go.create_crd()
    return go


@dataclasses.dataclass
class Bystander:
    """Another plane, seeded before the test writes anything; `assert_untouched` compares every
    object it holds (read with the admin token over plain HTTPS, not through the client under
    test) with what it held then."""

    server: KplaneServer
    name: str
    before: list

    def objects(self) -> list:
        status, body = self.server.get(f"/clusters/{self.name}/control-plane/snapshot", token=self.server.token)
        assert status == 200, body
        return json.loads(body)["resources"]

    def assert_untouched(self) -> None:
        assert self.objects() == self.before, f"plane {self.name} changed"
        for path in (f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{CRD_NAME}",
                     f"/apis/go.example.com/v1/namespaces/{NS}/gadgets"):
            status, _ = self.server.get(f"/clusters/{self.name}/control-plane{path}", token=self.server.token)
            assert status == 404, f"{path} in plane {self.name}: {status}"


@pytest.fixture
def bystander(server) -> Bystander:
    name = new_plane_name("go-other")
    server.create(name, configmap("bystander", {"k": "v"}, labels={"tier": "web"}))
    bystander = Bystander(server=server, name=name, before=[])
    bystander.before = bystander.objects()
    assert any(r["resource"] == "configmaps" and "bystander" in [i["metadata"]["name"] for i in r["items"]]
               for r in bystander.before), bystander.before
    return bystander


# --------------------------------------------------------------------------------------
# The scenario
# --------------------------------------------------------------------------------------


def test_create_get_and_list_with_a_label_selector(bystander, go_crd):
    configmaps, gadgets = go_crd.configmaps, go_crd.gadgets

    created = configmaps.create(configmap("web", {"k": "1"}, labels={"tier": "web"}))
    configmaps.create(configmap("db", {"k": "2"}, labels={"tier": "db"}))
    assert created["metadata"]["uid"] and created["metadata"]["resourceVersion"]
    with pytest.raises(AlreadyExistsError):
        configmaps.create(configmap("web", {"k": "again"}))
    got = configmaps.get("web", namespace=NS)
    assert got["data"] == {"k": "1"}
    assert got["metadata"]["uid"] == created["metadata"]["uid"]
    assert names(configmaps.list(namespace=NS, label_selector="tier=web")) == ["web"]
    assert names(configmaps.list(namespace=NS, label_selector="tier in (web,db)")) == ["db", "web"]

    g = gadgets.create(gadget("g1", labels={"tier": "web"}, size=1, color="red"))
    gadgets.create(gadget("g2", labels={"tier": "db"}, size=2))
    assert (g["apiVersion"], g["kind"], g["metadata"]["generation"]) == ("go.example.com/v1", "Gadget", 1)
    assert gadgets.get("g1", namespace=NS)["spec"] == {"size": 1, "color": "red"}
    assert names(gadgets.list(namespace=NS, label_selector="tier=web")) == ["g1"]
    assert names(gadgets.list(namespace=NS, label_selector="tier!=web")) == ["g2"]
    assert names(gadgets.list()) == ["g1", "g2"], "all namespaces"
    with pytest.raises(InvalidError, match="spec.size"):
        gadgets.create(gadget("bad", size=-1))

    bystander.assert_untouched()


def test_a_watch_sees_changes_made_after_it_started(bystander, go_crd):
    configmaps, gadgets = go_crd.configmaps, go_crd.gadgets
    configmaps.create(configmap("watched", {"k": "1"}, labels={"watch": "yes"}))
    configmaps.create(configmap("ignored", {"k": "1"}))
    gadgets.create(gadget("g", size=1))
    listed = configmaps.list(namespace=NS, label_selector="watch=yes")
    assert names(listed) == ["watched"]

    # Events are pumped into a queue by a thread (the client's iterator blocks in Go with the GIL
    # released), so the test only ever waits with a deadline.
    events: queue.Queue = queue.Queue()
    watches = [
        configmaps.watch(namespace=NS, label_selector="watch=yes",
                         resource_version=listed["metadata"]["resourceVersion"], timeout=WAIT * 2),
        gadgets.watch(namespace=NS, resource_version=gadgets.list(namespace=NS)["metadata"]["resourceVersion"],
                      timeout=WAIT * 2),
    ]

    def pump(watch) -> None:
        try:
            for event in watch:  # client-go's watch.Event, JSON-encoded: {"Type": ..., "Object": ...}
                events.put(event)
        except BaseException as err:  # noqa: BLE001 - reported by the waiting test
            events.put(err)

    threads = [threading.Thread(target=pump, args=(w,), daemon=True) for w in watches]
    for thread in threads:
        thread.start()
    seen: list[tuple[str, str, str, object]] = []

    def arrived(*wanted: tuple) -> bool:
        while True:
            try:
                event = events.get_nowait()
            except queue.Empty:
                break
            if isinstance(event, BaseException):
                raise AbortWait(f"the watch failed: {event!r}; seen before: {seen}")
            obj = event["Object"]
            seen.append((event["Type"], obj["kind"], obj["metadata"]["name"],
                         obj.get("data") if obj["kind"] == "ConfigMap" else obj.get("spec")))
        return all(w in seen for w in wanted)

    try:
        configmaps.patch("watched", MERGE, {"data": {"k": "2"}}, namespace=NS)
        configmaps.patch("ignored", MERGE, {"data": {"k": "2"}}, namespace=NS)
        configmaps.create(configmap("added", {"k": "new"}, labels={"watch": "yes"}))
        gadgets.patch("g", MERGE, {"spec": {"size": 3}}, namespace=NS)
        configmaps.delete("watched", namespace=NS)
        wanted = [("MODIFIED", "ConfigMap", "watched", {"k": "2"}), ("ADDED", "ConfigMap", "added", {"k": "new"}),
                  ("DELETED", "ConfigMap", "watched", {"k": "2"}), ("MODIFIED", "Gadget", "g", {"size": 3})]
        try:
            wait_until("the watch events", lambda: arrived(*wanted), timeout=WAIT)
        except AssertionError as err:
            raise AssertionError(f"{err}; seen: {seen}") from None
        cm_events = [e[:3] for e in seen if e[1] == "ConfigMap"]
        assert cm_events == [e[:3] for e in wanted[:3]], "in order, and only what the selector matches"
    finally:
        for watch in watches:
            watch.stop()
        for thread in threads:
            thread.join(timeout=WAIT)
    assert not any(thread.is_alive() for thread in threads), "a stopped watch ends its iterator"

    bystander.assert_untouched()


def test_merge_and_json_patches(bystander, go_crd):
    configmaps, gadgets = go_crd.configmaps, go_crd.gadgets
    configmaps.create(configmap("p", {"k": "1", "drop": "x"}))

    patched = configmaps.patch("p", MERGE, {"data": {"extra": "e", "drop": None}}, namespace=NS)
    assert patched["data"] == {"k": "1", "extra": "e"}
    patched = configmaps.patch("p", JSON_PATCH, [
        {"op": "test", "path": "/data/k", "value": "1"},
        {"op": "replace", "path": "/data/k", "value": "9"},
        {"op": "add", "path": "/metadata/labels", "value": {"patched": "json"}},
    ], namespace=NS)
    assert patched["data"] == {"k": "9", "extra": "e"}
    assert patched["metadata"]["labels"] == {"patched": "json"}
    assert configmaps.get("p", namespace=NS) == patched

    created = gadgets.create(gadget("g", size=1, color="red"))
    patched = gadgets.patch("g", MERGE, {"spec": {"size": 2, "color": None}}, namespace=NS)
    assert patched["spec"] == {"size": 2}
    assert patched["metadata"]["generation"] == created["metadata"]["generation"] + 1
    patched = gadgets.patch("g", JSON_PATCH, [{"op": "add", "path": "/spec/ports",
                                              "value": [{"name": "http", "port": 80}]}], namespace=NS)
    assert patched["spec"] == {"size": 2, "ports": [{"name": "http", "port": 80}]}
    assert patched["metadata"]["generation"] == created["metadata"]["generation"] + 2
    with pytest.raises(InvalidError, match="spec.size"):
        gadgets.patch("g", MERGE, {"spec": {"size": -5}}, namespace=NS)
    assert gadgets.get("g", namespace=NS)["spec"]["size"] == 2

    bystander.assert_untouched()


def test_status_subresource_update_leaves_spec_and_generation(bystander, go_crd):
    gadgets = go_crd.gadgets
    created = gadgets.create(gadget("g", size=1))
    generation = created["metadata"]["generation"]

    # A /status write carrying another spec: the status is taken, the spec is not.
    updated = gadgets.update_status(dict(created, spec={"size": 99}, status={"phase": "Running", "observedSize": 1}),
                                    namespace=NS)
    assert updated["status"] == {"phase": "Running", "observedSize": 1}
    assert updated["spec"] == {"size": 1}, "a /status write ignores spec"
    assert updated["metadata"]["generation"] == generation, "status writes do not bump generation"
    assert updated["metadata"]["resourceVersion"] != created["metadata"]["resourceVersion"]
    got = gadgets.get("g", namespace=NS)
    assert (got["spec"], got["status"], got["metadata"]["generation"]) == (
        {"size": 1}, {"phase": "Running", "observedSize": 1}, generation)

    # And the main resource ignores status while its spec writes bump generation.
    replaced = gadgets.update(dict(got, spec={"size": 2}, status={"phase": "Hijacked"}), namespace=NS)
    assert replaced["spec"] == {"size": 2}
    assert replaced["status"] == {"phase": "Running", "observedSize": 1}
    assert replaced["metadata"]["generation"] == generation + 1

    # A stale resourceVersion on /status is a conflict, as on the main resource.
    with pytest.raises(ConflictError):
        gadgets.update_status(dict(updated, status={"phase": "Stale"}), namespace=NS)

    bystander.assert_untouched()


def test_delete_and_see_it_gone(bystander, go_crd):
    configmaps, gadgets = go_crd.configmaps, go_crd.gadgets
    configmaps.create(configmap("doomed", {"k": "v"}))
    configmaps.create(configmap("kept", {"k": "v"}))
    gadgets.create(gadget("doomed", size=1))

    configmaps.delete("doomed", namespace=NS)
    gadgets.delete("doomed", namespace=NS)
    with pytest.raises(NotFoundError):
        configmaps.get("doomed", namespace=NS)
    with pytest.raises(NotFoundError):
        gadgets.get("doomed", namespace=NS)
    assert "doomed" not in names(configmaps.list(namespace=NS))
    assert "kept" in names(configmaps.list(namespace=NS))
    assert names(gadgets.list(namespace=NS)) == []
    with pytest.raises(NotFoundError):
        configmaps.delete("doomed", namespace=NS)

    bystander.assert_untouched()


def test_server_side_apply(bystander, go_crd):
    gadgets = go_crd.gadgets

    # Apply creates a missing object and records its manager's fields.
    created = gadgets.apply(gadget("applied", size=1, ports=[{"name": "http", "port": 80}]), field_manager="app")
    assert created["spec"] == {"size": 1, "ports": [{"name": "http", "port": 80}]}
    assert created["metadata"]["uid"]
    owned = managers(created)
    assert set(owned) == {("app", "Apply")}
    assert {"f:size", "f:ports"} <= set(owned[("app", "Apply")]["f:spec"])
    assert gadgets.get("applied", namespace=NS)["metadata"]["uid"] == created["metadata"]["uid"]

    # An apply needs a field manager (422 on a real cluster).
    with pytest.raises(InvalidError, match="fieldManager"):
        gadgets.apply(gadget("applied", size=1))

    # A second manager: its entry of the keyed list is merged in; the same value is shared.
    shared = gadgets.apply(gadget("applied", size=1, ports=[{"name": "metrics", "port": 9090}]),
                           field_manager="monitoring")
    assert sorted(p["name"] for p in shared["spec"]["ports"]) == ["http", "metrics"]
    assert {("app", "Apply"), ("monitoring", "Apply")} <= set(managers(shared))

    # Another value for a field "app" owns: 409 naming the field and its manager, nothing written.
    with pytest.raises(ConflictError, match=r'(?s)conflict with "app".*\.spec\.size'):
        gadgets.apply(gadget("applied", size=5, ports=[{"name": "metrics", "port": 9090}]),
                      field_manager="monitoring")
    assert gadgets.get("applied", namespace=NS)["metadata"]["resourceVersion"] == shared["metadata"]["resourceVersion"]

    # force: the value is written and the field changes hands.
    forced = gadgets.apply(gadget("applied", size=5, ports=[{"name": "metrics", "port": 9090}]),
                           field_manager="monitoring", force=True)
    assert forced["spec"]["size"] == 5
    owned = managers(forced)
    assert "f:size" in owned[("monitoring", "Apply")]["f:spec"]
    assert "f:size" not in owned[("app", "Apply")].get("f:spec", {})

    # "app" stops applying its port: its entry goes, the one "monitoring" owns stays.
    dropped = gadgets.apply(gadget("applied"), field_manager="app")
    assert [p["name"] for p in dropped["spec"]["ports"]] == ["metrics"]
    assert dropped["spec"]["size"] == 5

    bystander.assert_untouched()


# --------------------------------------------------------------------------------------
# EnvTest
# --------------------------------------------------------------------------------------

# Run in a process of its own: USE_EXISTING_CLUSTER and KUBECONFIG are read by the Go runtime
# from the process environment (captured when the library loads), and this one must stay free
# of them.
ENVTEST_SCRIPT = textwrap.dedent("""\
    import json
    from kubernetes_lite.envtest import EnvTest

    env = EnvTest()
    env.start(auto_setup=False)  # no control-plane binaries: USE_EXISTING_CLUSTER uses the kubeconfig's
    try:
        configmaps = env.client().resource("v1", "ConfigMap")
        created = configmaps.create({"apiVersion": "v1", "kind": "ConfigMap",
                                     "metadata": {"name": "from-envtest", "namespace": "default"},
                                     "data": {"by": "envtest"}})
        got = configmaps.get("from-envtest", namespace="default")
        print(json.dumps({"uid": created["metadata"]["uid"], "data": got["data"]}))
    finally:
        env.stop()
    """)


def test_envtest_with_an_existing_cluster_uses_the_plane(bystander, go, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("KUBECONFIG", "USE_EXISTING_CLUSTER")}
    (tmp_path / "home").mkdir()
    env.update(USE_EXISTING_CLUSTER="true", KUBECONFIG=str(go.kubeconfig), HOME=str(tmp_path / "home"))
    result = subprocess.run([sys.executable, "-c", ENVTEST_SCRIPT], env=env, capture_output=True, text=True,
                            timeout=WAIT * 2, cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"stdout:\n{result.stdout[-2000:]}\nstderr:\n{result.stderr[-4000:]}"
    reported = json.loads(result.stdout.strip().splitlines()[-1])
    assert reported["data"] == {"by": "envtest"}
    assert "KUBECONFIG" not in os.environ and "USE_EXISTING_CLUSTER" not in os.environ

    # It really was this plane: the test's own client sees the same object there.
    seen = go.configmaps.get("from-envtest", namespace=NS)
    assert (seen["metadata"]["uid"], seen["data"]) == (reported["uid"], {"by": "envtest"})

    bystander.assert_untouched()
