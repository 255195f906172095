"""A kopf operator (tests/e2e/operators/widget_operator.py) runs unmodified against a plane: its
CRD, create handler (an owned child ConfigMap, a status patch, an event), a timer, its finalizer
and the garbage collection of the child — while another plane stays untouched."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from conftest import KUBECTLS, Kubectl, new_plane_name, wait_until

HERE = Path(__file__).resolve().parent
CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {"group": "example.com", "scope": "Namespaced",
             "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
             "versions": [{"name": "v1", "served": True, "storage": True, "subresources": {"status": {}},
                           "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                               "spec": {"type": "object", "properties": {"size": {"type": "integer"}}},
                               "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}}}]},
}


def test_a_kopf_operator_runs_unmodified(server, tmp_path):
    plane, other = new_plane_name("kopf"), new_plane_name("kopf-other")
    kubeconfig = server.kubeconfig(plane, tmp_path / "kubeconfig")
    binary = KUBECTLS["kubectl-1.33"]()
    kubectl = Kubectl("kubectl-1.33", binary, kubeconfig, tmp_path / "cache", server, plane)
    bystander = Kubectl("kubectl-1.33", binary, server.kubeconfig(other, tmp_path / "other"), tmp_path / "cache2",
                        server, other)
    bystander.ok("create", "configmap", "untouched")
    kubectl.ok("apply", "-f", "-", input=json.dumps(CRD))
    kubectl.ok("wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=60s")

    log = (tmp_path / "kopf.log").open("w")
    kopf = subprocess.Popen(
        [str(Path(sys.executable).parent / "kopf"), "run", "--standalone", "--namespace=default",
         str(HERE / "operators" / "widget_operator.py")],
        env=dict(os.environ, KUBECONFIG=str(kubeconfig)), stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL)
    try:
        kubectl.ok("apply", "-f", "-", input=json.dumps({
            "apiVersion": "example.com/v1", "kind": "Widget",
            "metadata": {"name": "w1", "namespace": "default"}, "spec": {"size": 3}}))
        child = wait_until("the operator's child ConfigMap", lambda: kubectl.run(
            "get", "configmap", "w1-child", "-o", "json").stdout, timeout=120)
        child = json.loads(child)
        assert child["data"] == {"size": "3"}
        assert child["metadata"]["ownerReferences"][0]["name"] == "w1"
        status = wait_until("status from the handler and the timer", lambda: (lambda s: s if s.get("ticked")
                            and s.get("create") else None)(kubectl.json("get", "widget", "w1").get("status", {})),
                            timeout=120)
        assert status["create"] == {"child": "w1-child"}
        assert "kopf.zalando.org/KopfFinalizerMarker" in kubectl.json("get", "widget", "w1")["metadata"]["finalizers"]
        wait_until("the operator's event", lambda: "ChildCreated" in kubectl.ok(
            "get", "events", "--field-selector", "involvedObject.name=w1", "-o", "jsonpath={.items[*].reason}"),
            timeout=60)

        kubectl.ok("delete", "widget", "w1", "--timeout=120s")
        wait_until("the child to be garbage-collected",
                   lambda: kubectl.run("get", "configmap", "w1-child").returncode != 0, timeout=60)
    finally:
        kopf.send_signal(signal.SIGINT)
        try:
            kopf.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kopf.kill()
        log.close()
    assert bystander.ok("get", "configmaps", "-o", "name").split() == ["configmap/untouched"]
    assert bystander.run("get", "widgets").returncode != 0, "the CRD exists in its own plane only"
