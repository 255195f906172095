"""client-go against a plane, unmodified: the dynamic client and controller-runtime's EnvTest
through PyPI `kubernetes-lite` (a Python binding of the Go libraries).

The scenario drives one plane — a CRD and its custom resources, ConfigMaps, list with a
selector, watch, merge and JSON patches, status updates, server-side apply with a conflict and
`force`, delete — while a second plane is checked untouched at the end. EnvTest runs with
`USE_EXISTING_CLUSTER=true` against a plane's kubeconfig in a process of its own (the Go
runtime reads its environment once, when the library loads).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import new_plane_name, wait_until

from kubernetes_lite.client import DynamicClient
from kubernetes_lite.errors import ConflictError, InvalidError, NotFoundError

MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"

CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "gadgets.go.example.com"},
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
                    "ports": {"type": "array", "x-kubernetes-list-type": "map",
                              "x-kubernetes-list-map-keys": ["name"],
                              "items": {"type": "object", "required": ["name"],
                                        "properties": {"name": {"type": "string"}, "port": {"type": "integer"}}}}}},
                "status": {"type": "object", "properties": {"phase": {"type": "string"}}}}}},
        }],
    },
}


def gadget(name: str, size: int, **spec) -> dict:
    return {"apiVersion": "go.example.com/v1", "kind": "Gadget",
            "metadata": {"name": name, "namespace": "default"}, "spec": {"size": size, **spec}}


def configmap(name: str, data: dict, labels: dict | None = None) -> dict:
    metadata = {"name": name, "namespace": "default", **({"labels": labels} if labels else {})}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data}


def client_for(server, plane: str, tmp_path) -> DynamicClient:
    return DynamicClient(server.kubeconfig(plane, tmp_path / f"{plane}.kubeconfig").read_bytes())


def names(items: dict) -> list[str]:
    return sorted(item["metadata"]["name"] for item in items["items"])


def test_dynamic_client_scenario_leaves_other_planes_alone(server, tmp_path):
    plane, other = new_plane_name("go"), new_plane_name("go-other")
    bystander = client_for(server, other, tmp_path)
    bystander.resource("v1", "ConfigMap").create(configmap("bystander", {"k": "v"}))
    before = names(bystander.resource("v1", "ConfigMap").list(namespace="default"))

    client = client_for(server, plane, tmp_path)
    crds = client.resource("apiextensions.k8s.io/v1", "CustomResourceDefinition")
    crds.create(CRD)
    wait_until("the CRD to be Established", lambda: any(
        c["type"] == "Established" and c["status"] == "True"
        for c in crds.get(CRD["metadata"]["name"]).get("status", {}).get("conditions", [])))
    # A fresh client discovers the new type (the first one cached discovery before the CRD).
    client = client_for(server, plane, tmp_path)
    configmaps = client.resource("v1", "ConfigMap")
    gadgets = client.resource("go.example.com/v1", "Gadget")

    # Create, get, list with a label selector.
    configmaps.create(configmap("a", {"k": "1"}, labels={"tier": "web"}))
    configmaps.create(configmap("b", {"k": "2"}, labels={"tier": "db"}))
    assert configmaps.get("a", namespace="default")["data"] == {"k": "1"}
    assert names(configmaps.list(namespace="default", label_selector="tier=web")) == ["a"]

    # Watch from the list's revision: a change made after the watch started arrives.
    listed = configmaps.list(namespace="default")
    watch = configmaps.watch(namespace="default", resource_version=listed["metadata"]["resourceVersion"], timeout=60)
    configmaps.create(configmap("c", {"k": "3"}))
    event = next(watch)  # client-go's watch.Event, JSON-encoded: {"Type": ..., "Object": ...}
    assert (event["Type"], event["Object"]["metadata"]["name"]) == ("ADDED", "c")
    watch.stop()

    # Merge patch and JSON patch.
    patched = configmaps.patch("a", MERGE, {"data": {"extra": "x"}}, namespace="default")
    assert patched["data"] == {"k": "1", "extra": "x"}
    patched = configmaps.patch("a", JSON_PATCH, [{"op": "replace", "path": "/data/k", "value": "9"}],
                               namespace="default")
    assert patched["data"]["k"] == "9"

    # A custom resource: invalid ones are refused naming the field; status writes leave spec alone.
    with pytest.raises(InvalidError, match="spec.size"):
        gadgets.create(gadget("bad", -1))
    created = gadgets.create(gadget("g", 1))
    with_status = dict(created, status={"phase": "Running"}, spec={"size": 99})
    updated = gadgets.update_status(with_status, namespace="default")
    assert updated["status"] == {"phase": "Running"}
    assert updated["spec"]["size"] == 1, "a /status write ignores spec"
    assert updated["metadata"]["generation"] == created["metadata"]["generation"]
    resized = gadgets.patch("g", MERGE, {"spec": {"size": 2}}, namespace="default")
    assert resized["metadata"]["generation"] == created["metadata"]["generation"] + 1

    # Server-side apply: a keyed list shared by two managers, a conflict, then force.
    gadgets.apply(gadget("g", 2, ports=[{"name": "http", "port": 80}]), field_manager="app")
    shared = gadgets.apply(gadget("g", 2, ports=[{"name": "metrics", "port": 9090}]), field_manager="monitoring")
    assert sorted(p["name"] for p in shared["spec"]["ports"]) == ["http", "metrics"]
    with pytest.raises(ConflictError, match=r"\.spec\.size"):
        gadgets.apply(gadget("g", 5), field_manager="monitoring")
    forced = gadgets.apply(gadget("g", 5), field_manager="monitoring", force=True)
    assert forced["spec"]["size"] == 5
    managers = {(e["manager"], e["operation"]) for e in forced["metadata"]["managedFields"]}
    assert {("app", "Apply"), ("monitoring", "Apply")} <= managers

    # Delete.
    configmaps.delete("b", namespace="default")
    gadgets.delete("g", namespace="default")
    with pytest.raises(NotFoundError):
        configmaps.get("b", namespace="default")
    wait_until("the gadget to be gone", lambda: not gadgets.list(namespace="default")["items"])

    # The other plane saw none of it.
    assert names(bystander.resource("v1", "ConfigMap").list(namespace="default")) == before
    with pytest.raises(NotFoundError):
        bystander.resource("apiextensions.k8s.io/v1", "CustomResourceDefinition").get(CRD["metadata"]["name"])


ENVTEST_SCRIPT = textwrap.dedent("""\
    import json
    from kubernetes_lite.envtest import EnvTest

    env = EnvTest()
    env.start(auto_setup=False)  # USE_EXISTING_CLUSTER: no binaries, the kubeconfig's cluster
    try:
        configmaps = env.client().resource("v1", "ConfigMap")
        configmaps.create({"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": {"name": "from-envtest", "namespace": "default"}, "data": {"by": "envtest"}})
        print(json.dumps(configmaps.get("from-envtest", namespace="default")["data"]))
    finally:
        env.stop()
    """)


def test_envtest_with_an_existing_cluster_uses_the_plane(server, tmp_path):
    plane = new_plane_name("envtest")
    kubeconfig = server.kubeconfig(plane, tmp_path / "kubeconfig")
    env = dict(os.environ, USE_EXISTING_CLUSTER="true", KUBECONFIG=str(kubeconfig))
    result = subprocess.run([sys.executable, "-c", ENVTEST_SCRIPT], env=env, capture_output=True, text=True,
                            timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-4000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"by": "envtest"}
    # It really was the plane: another client sees the object there.
    seen = client_for(server, plane, tmp_path).resource("v1", "ConfigMap").get("from-envtest", namespace="default")
    assert seen["data"] == {"by": "envtest"}
