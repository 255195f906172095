//! `GET …/snapshot`: every object of one plane at one revision — shape and order, consistency
//! under concurrent writes, filters, headers, auth, missing planes, and the root plane.

use std::collections::BTreeSet;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kplane::types::PlaneName;
use kplane::types::snapshot::Snapshot;
use kube::api::{Api, PostParams};
use serde_json::{Value, json};

use crate::common::{TestServer, configmap, raw};

/// Takes the snapshot at `path` (relative to the client's plane), expecting 200.
async fn take(client: &kube::Client, path: &str) -> (Snapshot, Value, axum::http::HeaderMap) {
    let (code, text, headers) = raw(client, "GET", path, &[], vec![]).await;
    assert_eq!(code, 200, "{path}: {text}");
    let value: Value = serde_json::from_str(&text).expect("JSON");
    let snapshot = serde_json::from_value(value.clone()).expect("a snapshot document");
    (snapshot, value, headers)
}

fn status_of(code: u16, text: &str) -> Value {
    let status: Value = serde_json::from_str(text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    assert_eq!((status["kind"].as_str(), status["code"].as_u64()), (Some("Status"), Some(code as u64)), "{text}");
    status
}

fn names(snapshot: &Snapshot, resource: &str) -> Vec<String> {
    let items = snapshot.resource(resource).map(|r| r.items.clone()).unwrap_or_default();
    items.iter().map(|item| item["metadata"]["name"].as_str().unwrap_or_default().to_string()).collect()
}

/// How many resource types a plane serves that can be listed.
fn listable_types(plane: &str) -> usize {
    let plane = PlaneName::parse(plane).unwrap();
    kplane::registry::kind::KindTable::for_plane(&plane).all().iter().filter(|t| !t.create_only).count()
}

fn deployment(name: &str) -> Deployment {
    serde_json::from_value(json!({
        "metadata": {"name": name},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "c", "image": "x"}]}},
        },
    }))
    .unwrap()
}

#[tokio::test]
async fn a_snapshot_holds_the_planes_full_objects_sorted_and_nothing_of_other_planes() {
    let server = TestServer::start().await;
    let alpha = server.client("team-alpha").await;
    let cms: Api<ConfigMap> = Api::namespaced(alpha.clone(), "default");
    let b = cms.create(&PostParams::default(), &configmap("b", "2")).await.unwrap();
    cms.create(&PostParams::default(), &configmap("a", "1")).await.unwrap();
    Api::<Deployment>::namespaced(alpha.clone(), "default")
        .create(&PostParams::default(), &deployment("web"))
        .await
        .unwrap();
    let other: Api<ConfigMap> = Api::namespaced(server.client("team-beta").await, "default");
    other.create(&PostParams::default(), &configmap("from-beta", "x")).await.unwrap();

    let (snapshot, wire, headers) = take(&alpha, "/snapshot").await;
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(snapshot.cluster, "team-alpha");
    let rv: i64 = snapshot.resource_version.parse().expect("a decimal revision");
    let time: jiff::Timestamp = snapshot.snapshot_time.parse().expect("RFC 3339");
    assert!(snapshot.snapshot_time.contains('.'), "with a fraction: {}", snapshot.snapshot_time);
    assert!(time <= jiff::Timestamp::now());
    assert_eq!(snapshot.live_resources, listable_types("team-alpha"));
    // Only types with objects, sorted by group then resource.
    let order: Vec<(String, String)> =
        snapshot.resources.iter().map(|r| (r.group.clone(), r.resource.clone())).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    assert_eq!(
        snapshot.resources.iter().map(|r| r.qualified_resource()).collect::<Vec<_>>(),
        ["configmaps", "namespaces", "deployments.apps"]
    );
    assert!(snapshot.resources.iter().all(|r| r.synced && r.item_count == r.items.len()));
    assert_eq!(names(&snapshot, "configmaps"), ["a", "b"]);
    assert_eq!(names(&snapshot, "namespaces"), ["default", "kube-node-lease", "kube-public", "kube-system"]);

    // Items are the objects a GET returns: versioned, with their resourceVersion.
    let cm = &snapshot.resource("configmaps").unwrap();
    assert_eq!((cm.group.as_str(), cm.version.as_str()), ("", "v1"));
    let item_b = &cm.items[1];
    assert_eq!((item_b["apiVersion"].as_str(), item_b["kind"].as_str()), (Some("v1"), Some("ConfigMap")));
    let (_, got, _) = raw(&alpha, "GET", "/api/v1/namespaces/default/configmaps/b", &[], vec![]).await;
    let mut got: Value = serde_json::from_str(&got).unwrap();
    // The snapshot leaves out managedFields (a GET has them: the create recorded its manager).
    let managers = got["metadata"].as_object_mut().unwrap().remove("managedFields");
    assert!(managers.is_some_and(|m| m[0]["operation"] == "Update"));
    assert_eq!(item_b, &got);
    assert_eq!(item_b["metadata"]["resourceVersion"].as_str(), b.metadata.resource_version.as_deref());
    let deploy = &snapshot.resource("deployments.apps").unwrap().items[0];
    assert_eq!((deploy["apiVersion"].as_str(), deploy["kind"].as_str()), (Some("apps/v1"), Some("Deployment")));
    for item in snapshot.resources.iter().flat_map(|r| &r.items) {
        let item_rv: i64 = item["metadata"]["resourceVersion"].as_str().unwrap().parse().unwrap();
        assert!(item_rv <= rv);
    }
    // The wire form is exactly the documented one.
    let keys: BTreeSet<&str> = wire.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["cluster", "snapshotTime", "resourceVersion", "liveResources", "resources"]));
    let entry: BTreeSet<&str> = wire["resources"][0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(entry, BTreeSet::from(["group", "version", "resource", "synced", "itemCount", "items"]));

    // The headers repeat the plane and the time; the other plane has its own snapshot.
    assert_eq!(headers["x-snapshot-cluster"], "team-alpha");
    assert_eq!(headers["x-snapshot-time"].to_str().unwrap(), snapshot.snapshot_time);
    let (beta, _, headers) = take(&server.client("team-beta").await, "/snapshot").await;
    assert_eq!((beta.cluster.as_str(), headers["x-snapshot-cluster"].to_str().unwrap()), ("team-beta", "team-beta"));
    assert_eq!(names(&beta, "configmaps"), ["from-beta"]);
    assert!(beta.resource("deployments.apps").is_none());
}

#[tokio::test]
async fn a_snapshot_is_consistent_at_one_revision_while_writes_go_on() {
    let server = TestServer::start().await;
    let client = server.client("busy").await;
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    cms.create(&PostParams::default(), &configmap("counter", "0")).await.unwrap();

    // A writer creates objects and bumps a counter, one write at a time, recording the
    // revision of each; snapshots are taken meanwhile.
    let writer = tokio::spawn({
        let cms = cms.clone();
        async move {
            let mut created = Vec::new();
            let mut counted = Vec::new();
            for i in 0..40 {
                let cm = cms.create(&PostParams::default(), &configmap(&format!("w-{i:03}"), "x")).await.unwrap();
                created
                    .push((cm.metadata.name.unwrap(), cm.metadata.resource_version.unwrap().parse::<i64>().unwrap()));
                let counter =
                    cms.replace("counter", &PostParams::default(), &configmap("counter", &i.to_string())).await;
                let counter = counter.unwrap();
                counted.push((i.to_string(), counter.metadata.resource_version.unwrap().parse::<i64>().unwrap()));
            }
            (created, counted)
        }
    });
    let mut snapshots = Vec::new();
    while !writer.is_finished() {
        snapshots.push(take(&client, "/snapshot?resource=configmaps").await.0);
    }
    let (created, counted) = writer.await.unwrap();
    assert!(snapshots.len() > 1, "snapshots were taken during the writes");

    for snapshot in &snapshots {
        let rv: i64 = snapshot.resource_version.parse().unwrap();
        let items = snapshot.resource("configmaps").map(|r| r.items.clone()).unwrap_or_default();
        for item in &items {
            let item_rv: i64 = item["metadata"]["resourceVersion"].as_str().unwrap().parse().unwrap();
            assert!(item_rv <= rv, "item at {item_rv} in a snapshot at {rv}");
        }
        // Exactly the writes up to the snapshot's revision, and none after it.
        let seen: Vec<String> = names(snapshot, "configmaps").into_iter().filter(|n| n.starts_with("w-")).collect();
        let expected: Vec<String> = created.iter().filter(|(_, at)| *at <= rv).map(|(n, _)| n.clone()).collect();
        assert_eq!(seen, expected, "snapshot at {rv}");
        let counter = items.iter().find(|i| i["metadata"]["name"] == "counter").expect("counter");
        let want = counted.iter().rev().find(|(_, at)| *at <= rv).map_or("0", |(v, _)| v.as_str());
        assert_eq!(counter["data"]["key"], want, "the counter as of {rv}");
    }
}

#[tokio::test]
async fn managed_fields_are_left_out() {
    let server = TestServer::start().await;
    let client = server.client("fields").await;
    let body = json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "managed", "managedFields": [{
            "manager": "kubectl", "operation": "Update", "apiVersion": "v1",
            "time": "2026-01-01T00:00:00Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {}},
        }]},
        "data": {"k": "v"},
    });
    let headers = [("content-type", "application/json")];
    let path = "/api/v1/namespaces/default/configmaps";
    let (code, text, _) = raw(&client, "POST", path, &headers, serde_json::to_vec(&body).unwrap()).await;
    assert_eq!(code, 201, "{text}");
    let (_, got, _) = raw(&client, "GET", &format!("{path}/managed"), &[], vec![]).await;
    assert!(serde_json::from_str::<Value>(&got).unwrap()["metadata"]["managedFields"].is_array(), "stored: {got}");

    let (snapshot, _, _) = take(&client, "/snapshot?resource=configmaps").await;
    let item = &snapshot.resource("configmaps").unwrap().items[0];
    assert_eq!(item["metadata"]["name"], "managed");
    assert!(item["metadata"].get("managedFields").is_none(), "{item}");
    assert_eq!(item["data"]["k"], "v");
}

#[tokio::test]
async fn filters_pick_resources_by_plural_or_plural_group_and_unknown_names_are_400() {
    let server = TestServer::start().await;
    let client = server.client("filtered").await;
    Api::<ConfigMap>::namespaced(client.clone(), "default")
        .create(&PostParams::default(), &configmap("one", "1"))
        .await
        .unwrap();
    Api::<Deployment>::namespaced(client.clone(), "default")
        .create(&PostParams::default(), &deployment("web"))
        .await
        .unwrap();

    let (only, _, _) = take(&client, "/snapshot?resource=configmaps").await;
    assert_eq!(only.live_resources, 1);
    assert_eq!(only.resources.iter().map(|r| r.qualified_resource()).collect::<Vec<_>>(), ["configmaps"]);
    let (two, _, _) = take(&client, "/snapshot?resource=deployments.apps,configmaps").await;
    assert_eq!(two.live_resources, 2);
    assert_eq!(
        two.resources.iter().map(|r| r.qualified_resource()).collect::<Vec<_>>(),
        ["configmaps", "deployments.apps"]
    );
    // A bare plural resolves like kubectl's; repeating the parameter works like commas.
    let (bare, _, _) = take(&client, "/snapshot?resource=deployments&resource=secrets").await;
    assert_eq!(bare.live_resources, 2);
    assert_eq!(names(&bare, "deployments.apps"), ["web"]);
    // A filtered type with no objects is counted, and listed only with includeEmpty.
    assert!(bare.resource("secrets").is_none());
    let (empty, _, _) = take(&client, "/snapshot?resource=secrets&includeEmpty=true").await;
    assert_eq!((empty.live_resources, empty.resources.len()), (1, 1));
    assert_eq!((empty.resources[0].item_count, empty.resources[0].items.len()), (0, 0));

    for (query, named) in [
        ("resource=configmaps,nope", "nope"),
        ("resource=deployments.nope", "deployments.nope"),
        ("resource=controlplanes", "controlplanes"),
        ("includeEmpty=maybe", "includeEmpty"),
        ("warm=sure", "warm"),
    ] {
        let (code, text, _) = raw(&client, "GET", &format!("/snapshot?{query}"), &[], vec![]).await;
        assert_eq!(code, 400, "{query}: {text}");
        let status = status_of(400, &text);
        assert_eq!(status["reason"], "BadRequest");
        assert!(status["message"].as_str().unwrap().contains(named), "{query}: {text}");
    }
    let (_, _, _) = take(&client, "/snapshot?warm=true").await;
}

#[tokio::test]
async fn include_empty_lists_every_served_type() {
    let server = TestServer::start().await;
    let client = server.client("sparse").await;
    let (snapshot, _, _) = take(&client, "/snapshot?includeEmpty=true").await;
    assert_eq!(snapshot.resources.len(), listable_types("sparse"));
    assert_eq!(snapshot.live_resources, snapshot.resources.len());
    let order: Vec<(String, String)> =
        snapshot.resources.iter().map(|r| (r.group.clone(), r.resource.clone())).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    for resource in &snapshot.resources {
        let expected = if resource.qualified_resource() == "namespaces" { 4 } else { 0 };
        assert_eq!(resource.item_count, expected, "{}", resource.qualified_resource());
    }
    assert!(snapshot.resource("customresourcedefinitions.apiextensions.k8s.io").is_some());
    assert!(snapshot.resource("selfsubjectreviews.authentication.k8s.io").is_none(), "create-only kinds are skipped");
    let (without, _, _) = take(&client, "/snapshot").await;
    assert_eq!(without.live_resources, snapshot.live_resources, "the same types are covered either way");
    assert_eq!(without.resources.len(), 1);
}

#[tokio::test]
async fn snapshots_need_credentials_for_their_own_plane_and_only_get() {
    let server = TestServer::start().await;
    let (code, text, headers) = raw(&server.anonymous("guarded").await, "GET", "/snapshot", &[], vec![]).await;
    status_of(401, &text);
    assert_eq!((code, headers["www-authenticate"].to_str().unwrap()), (401, "Bearer"));

    let own = PlaneName::parse("own").unwrap();
    server.running.registry.create_plane(&own).await.unwrap();
    let token = server.running.registry.issue_plane_token(&own).await.unwrap();
    let (snapshot, _, _) = take(&server.with_token("own", token.as_str()).await, "/snapshot").await;
    assert_eq!(snapshot.cluster, "own");
    let (code, text, _) =
        raw(&server.with_token("guarded", token.as_str()).await, "GET", "/snapshot", &[], vec![]).await;
    assert_eq!(status_of(403, &text)["reason"], "Forbidden");
    assert_eq!(code, 403);
    let (code, _, _) = raw(&server.with_token("root", token.as_str()).await, "GET", "/snapshot", &[], vec![]).await;
    assert_eq!(code, 403, "nor the management plane's");

    let admin = server.client("own").await;
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let (code, text, _) = raw(&admin, method, "/snapshot", &[], vec![]).await;
        assert_eq!(status_of(405, &text)["reason"], "MethodNotAllowed", "{method}");
        assert_eq!(code, 405);
    }
}

#[tokio::test]
async fn a_missing_plane_is_404_when_planes_are_not_created_on_first_access() {
    let server = TestServer::start_with(|config| config.auto_create_planes = false).await;
    let (code, text, _) = raw(&server.client("ghost").await, "GET", "/snapshot", &[], vec![]).await;
    assert_eq!(code, 404);
    assert!(status_of(404, &text)["message"].as_str().unwrap().contains("\"ghost\""), "{text}");
    assert!(!server.running.registry.plane_exists(&PlaneName::parse("ghost").unwrap()).await.unwrap());

    let real = PlaneName::parse("real").unwrap();
    server.running.registry.create_plane(&real).await.unwrap();
    let (snapshot, _, _) = take(&server.client("real").await, "/snapshot").await;
    assert_eq!(names(&snapshot, "namespaces").len(), 4);
    // Deleted between the admission check and the read: the registry itself answers 404.
    server.running.registry.delete_plane(&real).await.unwrap();
    let missing = server.running.registry.snapshot(&real, &Default::default()).await.unwrap_err();
    assert_eq!(missing.code, 404);
}

#[tokio::test]
async fn the_root_plane_snapshot_holds_the_management_api() {
    let server = TestServer::start().await;
    // The first request to a plane creates it and its ControlPlane in the root plane.
    take(&server.client("adopted").await, "/snapshot").await;

    let root = server.client("root").await;
    let (snapshot, _, headers) = take(&root, "/snapshot").await;
    assert_eq!((snapshot.cluster.as_str(), headers["x-snapshot-cluster"].to_str().unwrap()), ("root", "root"));
    assert_eq!(snapshot.live_resources, listable_types("root"));
    let planes = snapshot.resource("controlplanes.controlplane.kplane.dev").expect("controlplanes");
    assert_eq!((planes.group.as_str(), planes.version.as_str()), ("controlplane.kplane.dev", "v1alpha1"));
    assert!(names(&snapshot, "controlplanes.controlplane.kplane.dev").contains(&"adopted".to_string()));
    assert_eq!(planes.items[0]["kind"], "ControlPlane");
    assert_eq!(names(&snapshot, "controlplaneclasses.controlplane.kplane.dev"), ["starter"]);

    // The same plane, addressed by name.
    let (by_name, _, _) = take(&root, "/clusters/root/control-plane/snapshot?resource=controlplanes").await;
    assert_eq!(by_name.cluster, "root");
    assert!(names(&by_name, "controlplanes.controlplane.kplane.dev").contains(&"adopted".to_string()));
}

#[tokio::test]
async fn kplanes_openapi_document_is_served_at_the_root_to_anyone() {
    let server = TestServer::start().await;
    let anonymous = server.anonymous("root").await;
    let (code, yaml, headers) = raw(&anonymous, "GET", "/openapi/kplane.yaml", &[], vec![]).await;
    assert_eq!((code, headers["content-type"].to_str().unwrap()), (200, "application/yaml"));
    let (code, json, headers) = raw(&anonymous, "GET", "/openapi/kplane.json", &[], vec![]).await;
    assert_eq!((code, headers["content-type"].to_str().unwrap()), (200, "application/json"));
    let from_yaml: Value = serde_norway::from_str(&yaml).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&json).unwrap(), from_yaml);
    assert!(from_yaml["openapi"].as_str().unwrap().starts_with('3'));
    let (code, _, _) = raw(&server.client("team").await, "GET", "/openapi/kplane.yaml", &[], vec![]).await;
    assert_eq!(code, 404, "not under a plane");
}
