"""Server-side apply with real kubectl (`apply --server-side`), each kubectl version in a plane
of the test's own: create on apply, field ownership in managedFields, conflicts with another
manager and `--force-conflicts`, fields removed when an applier stops applying them, the move
from client-side apply, keyed lists of custom resources, and apply on /status."""

from __future__ import annotations

import copy
import json
import textwrap

import yaml

DEPLOYMENT = yaml.safe_load(textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, namespace: default, labels: {app: web}}
    spec:
      replicas: 2
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
          - {name: web, image: "nginx:1.25"}
          - {name: sidecar, image: "busybox:1.36"}
    """))


def deployment_yaml(containers: list[dict] | None = None) -> str:
    """The Deployment above, with other containers if given."""
    obj = copy.deepcopy(DEPLOYMENT)
    if containers is not None:
        obj["spec"]["template"]["spec"]["containers"] = containers
    return yaml.safe_dump(obj)


def configmap_yaml(name: str, data: dict[str, str]) -> str:
    return yaml.safe_dump({"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": {"name": name, "namespace": "default"}, "data": data})


def managers(obj: dict) -> dict[tuple[str, str], dict]:
    """managedFields as {(manager, operation): fieldsV1}."""
    return {(e["manager"], e["operation"]): e.get("fieldsV1", {}) for e in obj["metadata"].get("managedFields", [])}


def get_with_managers(kubectl, *what: str) -> dict:
    return json.loads(kubectl.ok("get", *what, "-o", "json", "--show-managed-fields"))


def test_apply_creates_then_reports_unchanged_and_records_the_applier(kubectl):
    manifest = configmap_yaml("ssa", {"k": "v"})
    assert "configmap/ssa serverside-applied" in kubectl.ok("apply", "--server-side", "-f", "-", input=manifest)
    cm = get_with_managers(kubectl, "configmap", "ssa")
    assert cm["data"] == {"k": "v"}
    assert managers(cm)[("kubectl", "Apply")] == {"f:data": {"f:k": {}}}
    rv = cm["metadata"]["resourceVersion"]
    kubectl.ok("apply", "--server-side", "-f", "-", input=manifest)
    assert kubectl.json("get", "configmap", "ssa")["metadata"]["resourceVersion"] == rv, "a no-op apply writes nothing"


def test_a_conflict_names_the_other_manager_and_force_takes_the_field(kubectl):
    kubectl.ok("create", "deployment", "web", "--image=nginx:1.25", "--replicas=1")
    scaled = deployment_yaml([{"name": "nginx", "image": "nginx:1.25"}])
    failed = kubectl.fails("apply", "--server-side", "-f", "-", input=scaled)
    assert "conflict" in failed.stderr and '"kubectl-create"' in failed.stderr and ".spec.replicas" in failed.stderr
    assert kubectl.json("get", "deployment", "web")["spec"]["replicas"] == 1, "nothing written"

    kubectl.ok("apply", "--server-side", "--force-conflicts", "-f", "-", input=scaled)
    deploy = get_with_managers(kubectl, "deployment", "web")
    assert deploy["spec"]["replicas"] == 2
    owned = managers(deploy)
    assert "f:replicas" in owned[("kubectl", "Apply")]["f:spec"]
    assert "f:replicas" not in owned[("kubectl-create", "Update")].get("f:spec", {})


def test_fields_no_longer_applied_are_removed_but_others_fields_stay(kubectl):
    kubectl.ok("apply", "--server-side", "-f", "-", input=deployment_yaml())
    kubectl.ok("annotate", "deployment", "web", "team=edge")
    without_sidecar = deployment_yaml([{"name": "web", "image": "nginx:1.25"}])
    kubectl.ok("apply", "--server-side", "-f", "-", input=without_sidecar)
    deploy = kubectl.json("get", "deployment", "web")
    assert [c["name"] for c in deploy["spec"]["template"]["spec"]["containers"]] == ["web"]
    assert deploy["metadata"]["annotations"]["team"] == "edge"


def test_two_appliers_share_a_list_by_key(kubectl):
    kubectl.ok("apply", "--server-side", "-f", "-", input=deployment_yaml())
    other = textwrap.dedent("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: default}
        spec:
          template:
            spec:
              containers:
              - {name: logger, image: "fluentbit:3"}
        """)
    kubectl.ok("apply", "--server-side", "--field-manager=logging", "-f", "-", input=other)
    names = [c["name"] for c in kubectl.json("get", "deployment", "web")["spec"]["template"]["spec"]["containers"]]
    assert sorted(names) == ["logger", "sidecar", "web"]
    # The first applier changing its own container does not touch the other's.
    kubectl.ok("apply", "--server-side", "-f", "-", input=deployment_yaml(
        [{"name": "web", "image": "nginx:1.27"}, {"name": "sidecar", "image": "busybox:1.36"}]))
    containers = {c["name"]: c["image"] for c in kubectl.json("get", "deployment", "web")["spec"]["template"]["spec"]["containers"]}
    assert containers == {"web": "nginx:1.27", "sidecar": "busybox:1.36", "logger": "fluentbit:3"}


def test_moving_from_client_side_to_server_side_apply(kubectl):
    kubectl.ok("apply", "-f", "-", input=configmap_yaml("moved", {"a": "1", "b": "2"}))
    # No conflict with the client-side manager over fields its last configuration still holds.
    # kubectl then hands that manager's fields to its server-side one (a JSON patch of
    # managedFields) and applies again, so b, no longer in the configuration, goes.
    kubectl.ok("apply", "--server-side", "-f", "-", input=configmap_yaml("moved", {"a": "3"}))
    cm = get_with_managers(kubectl, "configmap", "moved")
    assert cm["data"] == {"a": "3"}
    owners = {manager for manager, _ in managers(cm)}
    assert "kubectl" in owners and "kubectl-client-side-apply" not in owners, owners


def test_server_side_dry_run_and_diff_write_nothing(kubectl):
    manifest = configmap_yaml("dry", {"k": "v"})
    kubectl.ok("apply", "--server-side", "--dry-run=server", "-f", "-", input=manifest)
    assert kubectl.fails("get", "configmap", "dry").returncode != 0
    kubectl.ok("apply", "--server-side", "-f", "-", input=manifest)
    diff = kubectl.run("diff", "--server-side", "-f", "-", input=configmap_yaml("dry", {"k": "changed"}))
    assert diff.returncode == 1, diff.stderr  # 1: differences found
    assert "changed" in diff.stdout
    assert kubectl.json("get", "configmap", "dry")["data"] == {"k": "v"}


CRD = textwrap.dedent("""\
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata: {name: gateways.net.example.com}
    spec:
      group: net.example.com
      scope: Namespaced
      names: {plural: gateways, singular: gateway, kind: Gateway}
      versions:
      - name: v1
        served: true
        storage: true
        subresources: {status: {}}
        schema:
          openAPIV3Schema:
            type: object
            properties:
              spec:
                type: object
                properties:
                  listeners:
                    type: array
                    x-kubernetes-list-type: map
                    x-kubernetes-list-map-keys: [name]
                    items:
                      type: object
                      required: [name]
                      properties: {name: {type: string}, port: {type: integer}}
              status:
                type: object
                properties: {ready: {type: boolean}}
    """)


def gateway(listeners: list[dict], status: dict | None = None) -> str:
    obj = {"apiVersion": "net.example.com/v1", "kind": "Gateway",
           "metadata": {"name": "edge", "namespace": "default"}, "spec": {"listeners": listeners}}
    if status is not None:
        obj["status"] = status
    return yaml.safe_dump(obj)


def test_custom_resource_lists_merge_by_their_schema_keys_and_status_applies_apart(kubectl):
    kubectl.ok("apply", "--server-side", "-f", "-", input=CRD)
    kubectl.ok("wait", "--for=condition=Established", "crd/gateways.net.example.com", "--timeout=60s")
    kubectl.ok("apply", "--server-side", "-f", "-", input=gateway([{"name": "http", "port": 80}]))
    kubectl.ok("apply", "--server-side", "--field-manager=tls", "-f", "-",
               input=gateway([{"name": "https", "port": 443}]))
    listeners = kubectl.json("get", "gateway", "edge")["spec"]["listeners"]
    assert sorted(listener["name"] for listener in listeners) == ["http", "https"]

    failed = kubectl.fails("apply", "--server-side", "--field-manager=tls", "-f", "-",
                           input=gateway([{"name": "http", "port": 8080}]))
    assert 'conflict with "kubectl"' in failed.stderr and '.spec.listeners[name="http"].port' in failed.stderr

    kubectl.ok("apply", "--server-side", "--subresource=status", "--field-manager=controller", "-f", "-",
               input=gateway([], status={"ready": True}))
    gw = get_with_managers(kubectl, "gateway", "edge")
    assert gw["status"] == {"ready": True}
    assert len(gw["spec"]["listeners"]) == 2, "a /status apply leaves spec alone"
    status_entry = next(e for e in gw["metadata"]["managedFields"] if e["manager"] == "controller")
    assert status_entry["subresource"] == "status" and status_entry["fieldsV1"] == {"f:status": {"f:ready": {}}}
