"""`kubectl delete` of an owner and its dependents (garbage collection by ownerReferences), with
each kubectl, in a plane of the test's own."""

from __future__ import annotations

import json

from conftest import Kubectl, wait_until


def dependent(kubectl: Kubectl, name: str, owner: str) -> None:
    uid = kubectl.ok("get", "configmap", owner, "-o", "jsonpath={.metadata.uid}")
    manifest = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "ownerReferences": [
        {"apiVersion": "v1", "kind": "ConfigMap", "name": owner, "uid": uid, "blockOwnerDeletion": True}]}}
    kubectl.ok("apply", "-f", "-", input=json.dumps(manifest))


def names(kubectl: Kubectl) -> set[str]:
    return set(kubectl.ok("get", "configmaps", "-o", "name").split())


def test_deleting_an_owner_removes_its_dependents(kubectl):
    kubectl.ok("create", "configmap", "owner")
    dependent(kubectl, "child", "owner")
    dependent(kubectl, "grandchild", "child")
    kubectl.ok("delete", "configmap", "owner")
    wait_until("the dependents to be collected", lambda: not ({"configmap/child", "configmap/grandchild"} & names(kubectl)))


def test_foreground_deletion_returns_after_the_dependents(kubectl):
    kubectl.ok("create", "configmap", "owner")
    dependent(kubectl, "child", "owner")
    # --wait (the default) returns once the owner is gone, which foreground makes it after its dependents.
    kubectl.ok("delete", "configmap", "owner", "--cascade=foreground", "--timeout=60s")
    assert "configmap/child" not in names(kubectl)


def test_orphan_deletion_keeps_the_dependents(kubectl):
    kubectl.ok("create", "configmap", "owner")
    dependent(kubectl, "child", "owner")
    kubectl.ok("delete", "configmap", "owner", "--cascade=orphan")
    wait_until("the owner to go", lambda: "configmap/owner" not in names(kubectl))
    child = kubectl.json("get", "configmap", "child")
    assert "ownerReferences" not in child["metadata"]
