"""The official Python `kubernetes` client against two kplane control planes.

`plane_a` and `plane_b` are two fresh planes on the same server, each reached
through its own kubeconfig (the admin one with the server URL re-pointed).
"""

from __future__ import annotations

import threading
import time

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from conftest import wait_until

MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_PATCH = "application/strategic-merge-patch+json"
JSON_PATCH = "application/json-patch+json"
WATCH_SECONDS = 30


def configmap(name: str, data: dict[str, str] | None = None, labels: dict[str, str] | None = None,
              resource_version: str | None = None) -> client.V1ConfigMap:
    return client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name=name, labels=labels, resource_version=resource_version), data=data)


def namespace(name: str, labels: dict[str, str] | None = None) -> client.V1Namespace:
    return client.V1Namespace(metadata=client.V1ObjectMeta(name=name, labels=labels))


def http_status(call) -> int:
    """The HTTP status a client call ends with (200 for any success)."""
    try:
        call()
    except ApiException as err:
        return err.status
    return 200


def status_of(call) -> int:
    """The status of a client call that must fail."""
    with pytest.raises(ApiException) as info:
        call()
    return info.value.status


def names(object_list) -> list[str]:
    return sorted(item.metadata.name for item in object_list.items)


# --- ConfigMap CRUD --------------------------------------------------------------------


def test_configmap_create_then_read(plane_a):
    created = plane_a.core.create_namespaced_config_map("default", configmap("cfg", {"k": "v"}))
    assert created.metadata.uid and created.metadata.resource_version
    read = plane_a.core.read_namespaced_config_map("cfg", "default")
    assert read.data == {"k": "v"}
    assert read.metadata.uid == created.metadata.uid


def test_configmap_create_duplicate_is_conflict_409(plane_a):
    plane_a.core.create_namespaced_config_map("default", configmap("cfg", {"k": "v"}))
    assert status_of(lambda: plane_a.core.create_namespaced_config_map("default", configmap("cfg"))) == 409


def test_configmap_replace_updates_data_and_resource_version(plane_a):
    created = plane_a.core.create_namespaced_config_map("default", configmap("cfg", {"k": "v"}))
    created.data = {"k": "v2", "new": "yes"}
    replaced = plane_a.core.replace_namespaced_config_map("cfg", "default", created)
    assert replaced.data == {"k": "v2", "new": "yes"}
    assert replaced.metadata.resource_version != created.metadata.resource_version
    assert plane_a.core.read_namespaced_config_map("cfg", "default").data == {"k": "v2", "new": "yes"}


def test_configmap_replace_with_stale_resource_version_is_conflict_409(plane_a):
    created = plane_a.core.create_namespaced_config_map("default", configmap("cfg", {"k": "v"}))
    plane_a.core.replace_namespaced_config_map("cfg", "default", configmap(
        "cfg", {"k": "fresh"}, resource_version=created.metadata.resource_version))
    stale = configmap("cfg", {"k": "stale"}, resource_version=created.metadata.resource_version)
    assert status_of(lambda: plane_a.core.replace_namespaced_config_map("cfg", "default", stale)) == 409
    assert plane_a.core.read_namespaced_config_map("cfg", "default").data == {"k": "fresh"}


def test_configmap_merge_patch(plane_a):
    plane_a.core.create_namespaced_config_map("default", configmap("cfg", {"a": "1", "b": "2"}))
    patched = plane_a.core.patch_namespaced_config_map(
        "cfg", "default", {"data": {"b": None, "c": "3"}}, _content_type=MERGE_PATCH)
    assert patched.data == {"a": "1", "c": "3"}


def test_configmap_strategic_merge_patch(plane_a):
    plane_a.core.create_namespaced_config_map("default", configmap("cfg", {"a": "1"}))
    patched = plane_a.core.patch_namespaced_config_map(
        "cfg", "default", {"metadata": {"labels": {"x": "y"}}, "data": {"b": "2"}}, _content_type=STRATEGIC_PATCH)
    assert patched.data == {"a": "1", "b": "2"}
    assert patched.metadata.labels == {"x": "y"}


def test_configmap_json_patch(plane_a):
    plane_a.core.create_namespaced_config_map("default", configmap("cfg", {"a": "1"}))
    patched = plane_a.core.patch_namespaced_config_map(
        "cfg", "default", [{"op": "replace", "path": "/data/a", "value": "2"}], _content_type=JSON_PATCH)
    assert patched.data == {"a": "2"}


def test_configmap_delete_then_read_is_not_found_404(plane_a):
    plane_a.core.create_namespaced_config_map("default", configmap("cfg", {"k": "v"}))
    plane_a.core.delete_namespaced_config_map("cfg", "default")
    assert status_of(lambda: plane_a.core.read_namespaced_config_map("cfg", "default")) == 404


def test_configmap_in_missing_namespace_is_not_found_404(plane_a):
    assert status_of(lambda: plane_a.core.create_namespaced_config_map("no-such-ns", configmap("cfg"))) == 404


# --- Namespace CRUD --------------------------------------------------------------------


def test_namespace_create_then_read_is_active(plane_a):
    plane_a.core.create_namespace(namespace("team"))
    assert plane_a.core.read_namespace("team").status.phase == "Active"


def test_namespace_replace_sets_labels(plane_a):
    created = plane_a.core.create_namespace(namespace("team"))
    created.metadata.labels = dict(created.metadata.labels or {}, owner="alice")
    replaced = plane_a.core.replace_namespace("team", created)
    assert replaced.metadata.labels["owner"] == "alice"
    assert plane_a.core.read_namespace("team").metadata.labels["owner"] == "alice"


def test_namespace_merge_patch_sets_annotation(plane_a):
    plane_a.core.create_namespace(namespace("team"))
    patched = plane_a.core.patch_namespace(
        "team", {"metadata": {"annotations": {"note": "hi"}}}, _content_type=MERGE_PATCH)
    assert patched.metadata.annotations["note"] == "hi"


def test_namespace_delete_removes_it_and_its_content(plane_a):
    plane_a.core.create_namespace(namespace("team"))
    plane_a.core.create_namespaced_config_map("team", configmap("inside", {"k": "v"}))
    plane_a.core.delete_namespace("team")

    def gone():
        return http_status(lambda: plane_a.core.read_namespace("team")) == 404

    wait_until("namespace team to be deleted", gone, timeout=120, interval=0.5)
    assert "inside" not in names(plane_a.core.list_config_map_for_all_namespaces())


def test_system_namespaces_exist_in_a_new_plane(plane_a):
    assert {"default", "kube-system", "kube-public", "kube-node-lease"} <= set(names(plane_a.core.list_namespace()))


# --- list with selectors ---------------------------------------------------------------


def test_list_with_equality_label_selector(plane_a):
    for name, app in [("one", "web"), ("two", "web"), ("three", "db")]:
        plane_a.core.create_namespaced_config_map("default", configmap(name, labels={"app": app}))
    assert names(plane_a.core.list_namespaced_config_map("default", label_selector="app=web")) == ["one", "two"]
    assert names(plane_a.core.list_namespaced_config_map("default", label_selector="app!=web")) == ["three"]


def test_list_with_set_based_label_selector(plane_a):
    for name, tier in [("fe", "front"), ("be", "back"), ("db", "data")]:
        plane_a.core.create_namespaced_config_map("default", configmap(name, labels={"tier": tier}))
    plane_a.core.create_namespaced_config_map("default", configmap("plain"))
    selected = plane_a.core.list_namespaced_config_map("default", label_selector="tier in (front,back)")
    assert names(selected) == ["be", "fe"]
    unlabelled = names(plane_a.core.list_namespaced_config_map("default", label_selector="!tier"))
    assert "plain" in unlabelled and not {"fe", "be", "db"} & set(unlabelled)


def test_list_with_field_selector_on_name(plane_a):
    for name in ("x", "y"):
        plane_a.core.create_namespaced_config_map("default", configmap(name))
    assert names(plane_a.core.list_namespaced_config_map("default", field_selector="metadata.name=y")) == ["y"]


def test_list_namespaces_with_label_selector(plane_a):
    plane_a.core.create_namespace(namespace("labelled", labels={"purpose": "e2e"}))
    assert names(plane_a.core.list_namespace(label_selector="purpose=e2e")) == ["labelled"]


def test_list_with_limit_paginates(plane_a):
    for i in range(5):
        plane_a.core.create_namespaced_config_map("default", configmap(f"page-{i}"))
    seen, token = [], None
    while True:
        page = plane_a.core.list_namespaced_config_map("default", limit=2, _continue=token)
        assert len(page.items) <= 2
        seen += [item.metadata.name for item in page.items]
        token = page.metadata._continue
        if not token:
            break
    assert sorted(n for n in seen if n.startswith("page-")) == [f"page-{i}" for i in range(5)]


# --- watch -----------------------------------------------------------------------------


def watch_events(core, namespace_name: str, resource_version: str, until, timeout_seconds=WATCH_SECONDS,
                 **kwargs) -> list[tuple[str, str]]:
    """Watches configmaps from `resource_version`; returns (type, name) events up to the first one
    for which `until(type, name)` is true (or until the server-side timeout ends the watch)."""
    events = []
    w = watch.Watch()
    for event in w.stream(core.list_namespaced_config_map, namespace_name, resource_version=resource_version,
                          timeout_seconds=timeout_seconds, _request_timeout=timeout_seconds + 30, **kwargs):
        item = (event["type"], event["object"].metadata.name)
        events.append(item)
        if until(*item):
            w.stop()
            break
    return events


def in_thread(target) -> threading.Thread:
    errors = []

    def run():
        try:
            target()
        except BaseException as err:  # noqa: BLE001 - re-raised by the caller's join
            errors.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.errors = errors
    thread.start()
    return thread


def join(thread: threading.Thread):
    thread.join(timeout=60)
    assert not thread.is_alive(), "writer thread did not finish"
    if thread.errors:
        raise thread.errors[0]


def test_watch_sees_added_modified_deleted(plane_a):
    core = plane_a.core
    rv = core.list_namespaced_config_map("default").metadata.resource_version

    def writes():
        time.sleep(0.5)  # not needed for correctness (the watch starts at rv); only to overlap
        core.create_namespaced_config_map("default", configmap("watched", {"v": "1"}))
        core.patch_namespaced_config_map("watched", "default", {"data": {"v": "2"}}, _content_type=MERGE_PATCH)
        core.delete_namespaced_config_map("watched", "default")

    writer = in_thread(writes)
    events = watch_events(core, "default", rv, until=lambda kind, name: kind == "DELETED")
    join(writer)
    assert events == [("ADDED", "watched"), ("MODIFIED", "watched"), ("DELETED", "watched")]


def test_watch_modified_event_carries_the_new_object(plane_a):
    core = plane_a.core
    core.create_namespaced_config_map("default", configmap("cfg", {"v": "1"}))
    rv = core.list_namespaced_config_map("default").metadata.resource_version
    writer = in_thread(lambda: core.patch_namespaced_config_map(
        "cfg", "default", {"data": {"v": "2"}}, _content_type=MERGE_PATCH))
    w = watch.Watch()
    event = next(iter(w.stream(core.list_namespaced_config_map, "default", resource_version=rv,
                               timeout_seconds=WATCH_SECONDS, _request_timeout=WATCH_SECONDS + 30)))
    w.stop()
    join(writer)
    assert event["type"] == "MODIFIED"
    assert event["object"].data == {"v": "2"}


def test_watch_with_label_selector_sees_only_matching(plane_a):
    core = plane_a.core
    rv = core.list_namespaced_config_map("default").metadata.resource_version

    def writes():
        core.create_namespaced_config_map("default", configmap("other", labels={"pick": "no"}))
        core.create_namespaced_config_map("default", configmap("chosen", labels={"pick": "yes"}))

    writer = in_thread(writes)
    events = watch_events(core, "default", rv, until=lambda kind, name: name == "chosen", label_selector="pick=yes")
    join(writer)
    assert events == [("ADDED", "chosen")]


def test_watch_ends_when_timeout_seconds_expires(plane_a):
    rv = plane_a.core.list_namespaced_config_map("default").metadata.resource_version
    started = time.monotonic()
    events = watch_events(plane_a.core, "default", rv, until=lambda *_: False, timeout_seconds=2)
    assert events == []
    assert time.monotonic() - started < 60  # the server closed it; generous bound only guards a hang


# --- isolation between planes ----------------------------------------------------------


def test_configmap_in_plane_a_is_not_readable_in_plane_b(plane_a, plane_b):
    plane_a.core.create_namespaced_config_map("default", configmap("private", {"k": "v"}))
    assert status_of(lambda: plane_b.core.read_namespaced_config_map("private", "default")) == 404


def test_configmap_in_plane_a_is_not_listed_in_plane_b(plane_a, plane_b):
    plane_a.core.create_namespaced_config_map("default", configmap("private", {"k": "v"}, labels={"iso": "1"}))
    assert "private" not in names(plane_b.core.list_namespaced_config_map("default"))
    assert "private" not in names(plane_b.core.list_config_map_for_all_namespaces())
    assert names(plane_b.core.list_namespaced_config_map("default", label_selector="iso=1")) == []


def test_namespace_in_plane_a_does_not_exist_in_plane_b(plane_a, plane_b):
    plane_a.core.create_namespace(namespace("only-in-a"))
    assert status_of(lambda: plane_b.core.read_namespace("only-in-a")) == 404
    assert "only-in-a" not in names(plane_b.core.list_namespace())


def test_same_name_in_two_planes_holds_independent_data(plane_a, plane_b):
    plane_a.core.create_namespaced_config_map("default", configmap("shared", {"plane": "a"}))
    plane_b.core.create_namespaced_config_map("default", configmap("shared", {"plane": "b"}))
    plane_b.core.delete_namespaced_config_map("shared", "default")
    assert plane_a.core.read_namespaced_config_map("shared", "default").data == {"plane": "a"}
    assert status_of(lambda: plane_b.core.read_namespaced_config_map("shared", "default")) == 404


def test_watch_in_plane_b_does_not_see_writes_in_plane_a(plane_a, plane_b):
    rv_b = plane_b.core.list_namespaced_config_map("default").metadata.resource_version

    def writes():
        plane_a.core.create_namespaced_config_map("default", configmap("from-a"))
        plane_a.core.delete_namespaced_config_map("from-a", "default")
        # The last write goes to plane B: once B's watch shows it, A's writes had their chance to leak.
        plane_b.core.create_namespaced_config_map("default", configmap("marker-b"))

    writer = in_thread(writes)
    events = watch_events(plane_b.core, "default", rv_b, until=lambda kind, name: name == "marker-b")
    join(writer)
    assert events == [("ADDED", "marker-b")]
