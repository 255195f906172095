"""`/openapi/kplane.{yaml,json}` against the live server: no drift either way.

- served without authentication, the YAML and JSON forms are one document;
- every documented GET path answers (200) on a server holding a Fleet and ControlPlanes;
- live responses validate against the document's schemas (which forbid undocumented fields);
- every property the document declares for kplane's own objects shows up in a live response.
"""

from __future__ import annotations

import json
import re

import httpx
import pytest
import yaml
from openapi_schema_validator import OAS30Validator

from conftest import new_plane_name, wait_until

# Schemas whose every declared property must be produced by the live server.
FULLY_PRODUCED = ["Snapshot", "SnapshotResource", "FleetSpec", "FleetStatus", "FleetMember",
                  "ControlPlaneSpec", "ControlPlaneStatus"]


@pytest.fixture(scope="module")
def document(server) -> dict:
    status, body = server.get("/openapi/kplane.json")
    assert status == 200, body
    return json.loads(body)


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.url, verify=server.ssl_context(), timeout=30,
                      headers={"Authorization": f"Bearer {server.token}"}) as client:
        yield client


@pytest.fixture(scope="module")
def world(server, http) -> dict:
    """A Fleet (seeded, one member failing) and a ControlPlane using every spec field."""
    fleet = new_plane_name("oas")
    names = [f"{fleet}-a", f"{fleet}-b"]
    body = {
        "apiVersion": "kplane.dev/v1", "kind": "Fleet", "metadata": {"name": fleet},
        "spec": {"replicas": 2, "names": names, "namePrefix": "unused-", "ttlSeconds": 3600,
                 "deletionPolicy": "Delete",
                 "template": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "seed"},
                               "data": {"k": "v"}}]},
    }
    created = http.post("/apis/kplane.dev/v1/fleets", json=body)
    assert created.status_code == 201, created.text
    failing = new_plane_name("oasfail")
    bad_template = {"apiVersion": "kplane.dev/v1", "kind": "Fleet", "metadata": {"name": failing},
                    "spec": {"replicas": 1, "template": [{"apiVersion": "example.com/v1", "kind": "Nope",
                                                          "metadata": {"name": "x"}}]}}
    assert http.post("/apis/kplane.dev/v1/fleets", json=bad_template).status_code == 201
    endpoint = new_plane_name("oasep")
    assert http.post("/apis/controlplane.kplane.dev/v1alpha1/controlplaneendpoints", json={
        "apiVersion": "controlplane.kplane.dev/v1alpha1", "kind": "ControlPlaneEndpoint",
        "metadata": {"name": endpoint}, "spec": {"externalEndpoint": server.url}}).status_code == 201
    plane = new_plane_name("oascp")
    assert http.post("/apis/controlplane.kplane.dev/v1alpha1/controlplanes", json={
        "apiVersion": "controlplane.kplane.dev/v1alpha1", "kind": "ControlPlane", "metadata": {"name": plane},
        "spec": {"classRef": {"name": "starter"}, "mode": "Virtual", "endpointRef": {"name": endpoint},
                 "deletionPolicy": "Destroy", "virtual": {"clusterPath": plane}}}).status_code == 201

    def ready(name):
        fleet_object = http.get(f"/apis/kplane.dev/v1/fleets/{name}").json()
        return fleet_object if fleet_object.get("status", {}).get("readyReplicas") == 2 else None

    wait_until(f"Fleet {fleet} ready", lambda: ready(fleet), timeout=60)
    wait_until(f"Fleet {failing} reports its failed member", lambda: any(
        m.get("phase") == "Failed" for m in http.get(f"/apis/kplane.dev/v1/fleets/{failing}").json()
        .get("status", {}).get("members", [])), timeout=60)
    wait_until(f"ControlPlane {plane} ready", lambda: any(
        c["type"] == "Ready" and c["status"] == "True"
        for c in http.get(f"/apis/controlplane.kplane.dev/v1alpha1/controlplanes/{plane}").json()
        .get("status", {}).get("conditions", [])), timeout=60)
    yield {"fleet": fleet, "failing": failing, "member": names[0], "controlplane": plane}
    for name in (fleet, failing):
        http.delete(f"/apis/kplane.dev/v1/fleets/{name}")
    http.delete(f"/apis/controlplane.kplane.dev/v1alpha1/controlplanes/{plane}")


def validator(document: dict, schema_name: str) -> OAS30Validator:
    root = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    return OAS30Validator(root)


def response_schema(document: dict, path: str, method: str = "get") -> str | None:
    """The component schema name of an operation's 200/201 JSON response."""
    responses = document["paths"][path][method]["responses"]
    response = responses.get("200") or responses.get("201")
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return schema.get("$ref", "").rsplit("/", 1)[1] if "$ref" in schema else None


def concrete(path: str, world: dict) -> str:
    values = {"cluster": world["member"], "name": world["fleet"]}
    if "controlplanes" in path:
        values["name"] = world["controlplane"]
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def test_the_document_is_served_without_auth_in_both_forms(server, document):
    status, body = server.get("/openapi/kplane.yaml")
    assert status == 200
    assert yaml.safe_load(body) == document
    assert document["openapi"].startswith("3.0")


def test_every_documented_get_answers_and_validates(document, http, world):
    checked = 0
    for path, operations in document["paths"].items():
        if "get" not in operations:
            continue
        response = http.get(concrete(path, world))
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text[:300]}"
        schema = response_schema(document, path)
        if schema:
            validator(document, schema).validate(response.json())
            checked += 1
    assert checked >= 6


def test_snapshot_headers_and_seeded_member(document, http, world):
    response = http.get(f"/clusters/{world['member']}/control-plane/snapshot", params={"resource": "configmaps"})
    assert response.headers["X-Snapshot-Cluster"] == world["member"]
    assert response.headers["X-Snapshot-Time"]
    snapshot = response.json()
    validator(document, "Snapshot").validate(snapshot)
    configmaps = next(r for r in snapshot["resources"] if r["resource"] == "configmaps")
    seeded = [item for item in configmaps["items"] if item["metadata"]["name"] == "seed"]
    assert seeded and seeded[0]["data"] == {"k": "v"} and seeded[0]["apiVersion"] == "v1"


def test_failures_are_documented_statuses(document, http):
    missing = http.get("/apis/kplane.dev/v1/fleets/does-not-exist")
    assert missing.status_code == 404
    validator(document, "Status").validate(missing.json())
    invalid = http.post("/apis/kplane.dev/v1/fleets", json={
        "apiVersion": "kplane.dev/v1", "kind": "Fleet", "metadata": {"name": new_plane_name("bad")},
        "spec": {"replicas": 2, "names": ["only-one"]}})
    assert invalid.status_code == 422
    validator(document, "Status").validate(invalid.json())


def test_every_declared_property_is_produced(document, http, world):
    seen: dict[str, set[str]] = {name: set() for name in FULLY_PRODUCED}
    fleets = [http.get(f"/apis/kplane.dev/v1/fleets/{name}").json() for name in (world["fleet"], world["failing"])]
    for fleet in fleets:
        seen["FleetSpec"] |= fleet["spec"].keys()
        seen["FleetStatus"] |= fleet["status"].keys()
        for member in fleet["status"]["members"]:
            seen["FleetMember"] |= member.keys()
    cp = http.get(f"/apis/controlplane.kplane.dev/v1alpha1/controlplanes/{world['controlplane']}").json()
    seen["ControlPlaneSpec"] |= cp["spec"].keys()
    seen["ControlPlaneStatus"] |= cp["status"].keys()
    snapshot = http.get(f"/clusters/{world['member']}/control-plane/snapshot").json()
    seen["Snapshot"] |= snapshot.keys()
    for resource in snapshot["resources"]:
        seen["SnapshotResource"] |= resource.keys()
    for name, keys in seen.items():
        declared = set(document["components"]["schemas"][name]["properties"])
        assert declared <= keys, f"{name} declares {sorted(declared - keys)} which no live response carries"
