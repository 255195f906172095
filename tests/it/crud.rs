//! Create, get, update, patch and delete: server-owned metadata, preconditions, dry run,
//! generateName, finalizers and field validation.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use serde_json::json;

use crate::common::{TestServer, configmap, raw};

#[tokio::test]
async fn create_sets_server_metadata_and_get_returns_it() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    let created = api.create(&PostParams::default(), &configmap("a", "1")).await.unwrap();
    let meta = &created.metadata;
    assert!(meta.uid.as_deref().is_some_and(|u| u.len() == 36));
    assert!(meta.resource_version.as_deref().is_some_and(|rv| rv.parse::<i64>().is_ok()));
    assert!(meta.creation_timestamp.is_some());
    assert_eq!(meta.generation, Some(1));
    assert_eq!(meta.namespace.as_deref(), Some("default"));
    let fetched = api.get("a").await.unwrap();
    assert_eq!(fetched, created);
}

#[tokio::test]
async fn creating_an_existing_name_is_already_exists() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    api.create(&PostParams::default(), &configmap("a", "1")).await.unwrap();
    let err = api.create(&PostParams::default(), &configmap("a", "2")).await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(s) if s.code == 409 && s.reason == "AlreadyExists"));
}

#[tokio::test]
async fn update_with_a_stale_resource_version_is_a_conflict() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    let first = api.create(&PostParams::default(), &configmap("a", "1")).await.unwrap();
    let mut second = first.clone();
    second.data = Some([("key".to_string(), "2".to_string())].into());
    let updated = api.replace("a", &PostParams::default(), &second).await.unwrap();
    assert_ne!(updated.metadata.resource_version, first.metadata.resource_version);
    assert_eq!(updated.metadata.uid, first.metadata.uid);
    assert_eq!(updated.metadata.generation, Some(2));
    let err = api.replace("a", &PostParams::default(), &second).await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(s) if s.code == 409 && s.reason == "Conflict"));
}

#[tokio::test]
async fn an_update_that_changes_nothing_keeps_the_revision() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    let created = api.create(&PostParams::default(), &configmap("a", "1")).await.unwrap();
    let same = api.replace("a", &PostParams::default(), &created).await.unwrap();
    assert_eq!(same.metadata.resource_version, created.metadata.resource_version);
}

#[tokio::test]
async fn generate_name_appends_a_random_suffix() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    let mut cm = configmap("", "1");
    cm.metadata.name = None;
    cm.metadata.generate_name = Some("gen-".into());
    let a = api.create(&PostParams::default(), &cm).await.unwrap();
    let b = api.create(&PostParams::default(), &cm).await.unwrap();
    let (a, b) = (a.metadata.name.unwrap(), b.metadata.name.unwrap());
    assert!(a.starts_with("gen-") && a.len() == 9, "{a}");
    assert_ne!(a, b);
}

#[tokio::test]
async fn dry_run_validates_but_persists_nothing() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    let params = PostParams { dry_run: true, ..PostParams::default() };
    let answered = api.create(&params, &configmap("dry", "1")).await.unwrap();
    assert_eq!(answered.metadata.name.as_deref(), Some("dry"));
    assert!(api.get_opt("dry").await.unwrap().is_none());
}

#[tokio::test]
async fn merge_and_json_patches_apply_to_the_stored_object() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    api.create(&PostParams::default(), &configmap("a", "1")).await.unwrap();
    let merged = api
        .patch(
            "a",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"x": "y"}}, "data": {"more": "2"}})),
        )
        .await
        .unwrap();
    assert_eq!(merged.metadata.labels.unwrap()["x"], "y");
    assert_eq!(merged.data.as_ref().unwrap().len(), 2);
    let ops: json_patch::Patch = serde_json::from_value(json!([
        {"op": "test", "path": "/data/key", "value": "1"},
        {"op": "replace", "path": "/data/key", "value": "3"},
        // A missing path tested against null passes, as upstream's library allows.
        {"op": "test", "path": "/metadata/finalizers", "value": null},
    ]))
    .unwrap();
    let patched = api.patch("a", &PatchParams::default(), &Patch::Json::<()>(ops)).await.unwrap();
    assert_eq!(patched.data.unwrap()["key"], "3");
    let failing: json_patch::Patch =
        serde_json::from_value(json!([{"op": "test", "path": "/data/key", "value": "nope"}])).unwrap();
    let err = api.patch("a", &PatchParams::default(), &Patch::Json::<()>(failing)).await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(s) if s.code == 422), "a failed test op is 422");
}

#[tokio::test]
async fn strategic_merge_patch_merges_containers_by_name() {
    let server = TestServer::start().await;
    let api: Api<Deployment> = Api::namespaced(server.client("team-a").await, "default");
    let deployment: Deployment = serde_json::from_value(json!({
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [
                    {"name": "app", "image": "nginx:1"},
                    {"name": "sidecar", "image": "envoy:1"}
                ]}
            }
        }
    }))
    .unwrap();
    let created = api.create(&PostParams::default(), &deployment).await.unwrap();
    assert_eq!(created.metadata.generation, Some(1));
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "nginx:2"}]}}}});
    let patched = api.patch("web", &PatchParams::default(), &Patch::Strategic(patch)).await.unwrap();
    let containers = patched.spec.unwrap().template.spec.unwrap().containers;
    let images: Vec<_> = containers.iter().map(|c| (c.name.as_str(), c.image.as_deref().unwrap())).collect();
    assert_eq!(images, [("app", "nginx:2"), ("sidecar", "envoy:1")]);
    assert_eq!(patched.metadata.generation, Some(2), "a spec change bumps generation");
}

#[tokio::test]
async fn finalizers_hold_a_deleted_object_until_they_are_removed() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    let mut cm = configmap("held", "1");
    cm.metadata.finalizers = Some(vec!["example.com/hold".into()]);
    api.create(&PostParams::default(), &cm).await.unwrap();
    let deleted = api.delete("held", &DeleteParams::default()).await.unwrap();
    let marked = deleted.left().expect("the object is returned while finalizers remain");
    assert!(marked.metadata.deletion_timestamp.is_some());
    assert_eq!(marked.metadata.generation, Some(2));
    assert!(api.get("held").await.unwrap().metadata.deletion_timestamp.is_some());
    api.patch("held", &PatchParams::default(), &Patch::Merge(json!({"metadata": {"finalizers": null}}))).await.unwrap();
    assert!(api.get_opt("held").await.unwrap().is_none());
}

#[tokio::test]
async fn delete_preconditions_are_checked() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    let created = api.create(&PostParams::default(), &configmap("a", "1")).await.unwrap();
    let wrong = DeleteParams {
        preconditions: Some(kube::api::Preconditions { uid: Some("nope".into()), resource_version: None }),
        ..DeleteParams::default()
    };
    let err = api.delete("a", &wrong).await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(s) if s.code == 409));
    let right = DeleteParams {
        preconditions: Some(kube::api::Preconditions { uid: created.metadata.uid.clone(), resource_version: None }),
        ..DeleteParams::default()
    };
    api.delete("a", &right).await.unwrap();
    let err = api.get("a").await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(s) if s.code == 404 && s.reason == "NotFound"));
}

#[tokio::test]
async fn field_validation_strict_rejects_and_warn_reports_unknown_fields() {
    let server = TestServer::start().await;
    let client = server.client("team-a").await;
    let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "v"}, "data": {}, "bogus": 1});
    let path = "/api/v1/namespaces/default/configmaps";
    let headers = [("content-type", "application/json")];
    let bytes = serde_json::to_vec(&body).unwrap();
    let (code, text, _) =
        raw(&client, "POST", &format!("{path}?fieldValidation=Strict"), &headers, bytes.clone()).await;
    assert_eq!(code, 400, "{text}");
    assert!(text.contains("unknown field \\\"bogus\\\""), "{text}");
    let (code, text, headers) = raw(&client, "POST", &format!("{path}?fieldValidation=Warn"), &headers, bytes).await;
    assert_eq!(code, 201, "{text}");
    let warning = headers.get("warning").unwrap().to_str().unwrap();
    assert!(warning.starts_with("299 - ") && warning.contains("bogus"), "{warning}");
    assert!(!text.contains("bogus"), "unknown fields are dropped");
}

#[tokio::test]
async fn the_scale_subresource_reads_and_writes_spec_replicas() {
    let server = TestServer::start().await;
    let api: Api<Deployment> = Api::namespaced(server.client("team-a").await, "default");
    let deployment: Deployment = serde_json::from_value(json!({
        "metadata": {"name": "web"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "a", "image": "x"}]}}}
    }))
    .unwrap();
    api.create(&PostParams::default(), &deployment).await.unwrap();
    let scale = api.get_scale("web").await.unwrap();
    assert_eq!(scale.spec.unwrap().replicas, Some(2));
    assert_eq!(scale.status.unwrap().selector.as_deref(), Some("app=web"));
    let patched =
        api.patch_scale("web", &PatchParams::default(), &Patch::Merge(json!({"spec": {"replicas": 5}}))).await.unwrap();
    assert_eq!(patched.spec.unwrap().replicas, Some(5));
    assert_eq!(api.get("web").await.unwrap().spec.unwrap().replicas, Some(5));
    let mut stale = api.get_scale("web").await.unwrap();
    stale.metadata.resource_version = Some("1".into());
    let err = api.replace_scale("web", &PostParams::default(), &stale).await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(s) if s.code == 409));
}

#[tokio::test]
async fn new_pods_start_pending_whatever_status_the_client_sent() {
    let server = TestServer::start().await;
    let api: Api<k8s_openapi::api::core::v1::Pod> = Api::namespaced(server.client("team-a").await, "default");
    let pod = serde_json::from_value(json!({
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "a", "image": "x"}]},
        "status": {"phase": "Running"}
    }))
    .unwrap();
    let created = api.create(&PostParams::default(), &pod).await.unwrap();
    assert_eq!(created.status.unwrap().phase.as_deref(), Some("Pending"));
}
