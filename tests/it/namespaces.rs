//! Namespaces: the system ones, admission of namespaced writes, and deletion that finishes.

use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use serde_json::json;

use crate::common::{TestServer, configmap, eventually};

fn namespace(name: &str) -> Namespace {
    serde_json::from_value(json!({"metadata": {"name": name}})).unwrap()
}

#[tokio::test]
async fn a_new_plane_has_the_four_system_namespaces() {
    let server = TestServer::start().await;
    let api: Api<Namespace> = Api::all(server.client("fresh").await);
    let list = api.list(&Default::default()).await.unwrap();
    let mut names: Vec<_> = list.items.iter().map(|n| n.metadata.name.clone().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["default", "kube-node-lease", "kube-public", "kube-system"]);
    let default = api.get("default").await.unwrap();
    assert_eq!(default.status.unwrap().phase.as_deref(), Some("Active"));
    assert_eq!(default.metadata.labels.unwrap()["kubernetes.io/metadata.name"], "default");
}

#[tokio::test]
async fn creating_in_a_missing_namespace_is_not_found() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "missing");
    let err = api.create(&PostParams::default(), &configmap("a", "1")).await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(s) if s.code == 404 && s.message == "namespaces \"missing\" not found"));
}

#[tokio::test]
async fn system_namespaces_cannot_be_deleted() {
    let server = TestServer::start().await;
    let api: Api<Namespace> = Api::all(server.client("team-a").await);
    for name in ["default", "kube-system", "kube-public"] {
        let err = api.delete(name, &DeleteParams::default()).await.unwrap_err();
        assert!(matches!(err, kube::Error::Api(s) if s.code == 403), "{name}");
    }
}

#[tokio::test]
async fn deleting_a_namespace_deletes_its_content_and_then_itself() {
    let server = TestServer::start().await;
    let client = server.client("team-a").await;
    let namespaces: Api<Namespace> = Api::all(client.clone());
    namespaces.create(&PostParams::default(), &namespace("doomed")).await.unwrap();
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "doomed");
    cms.create(&PostParams::default(), &configmap("a", "1")).await.unwrap();
    let mut held = configmap("held", "1");
    held.metadata.finalizers = Some(vec!["example.com/hold".into()]);
    cms.create(&PostParams::default(), &held).await.unwrap();

    let answer = namespaces.delete("doomed", &DeleteParams::default()).await.unwrap();
    let terminating = answer.left().expect("the namespace is returned while terminating");
    assert_eq!(terminating.status.unwrap().phase.as_deref(), Some("Terminating"));
    // New content is refused while it terminates.
    let err = cms.create(&PostParams::default(), &configmap("late", "1")).await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(s) if s.code == 403));
    // Unheld content goes; the held object waits for its finalizer.
    eventually("unheld content deleted", || async { cms.get_opt("a").await.unwrap().is_none().then_some(()) }).await;
    eventually("held content marked", || async {
        cms.get("held").await.unwrap().metadata.deletion_timestamp.is_some().then_some(())
    })
    .await;
    assert!(namespaces.get_opt("doomed").await.unwrap().is_some());
    cms.patch("held", &PatchParams::default(), &Patch::Merge(json!({"metadata": {"finalizers": null}}))).await.unwrap();
    eventually("namespace gone", || async { namespaces.get_opt("doomed").await.unwrap().is_none().then_some(()) })
        .await;
}

#[tokio::test]
async fn namespace_deletion_resumes_after_a_restart() {
    let server = TestServer::start().await;
    let client = server.client("team-a").await;
    let namespaces: Api<Namespace> = Api::all(client.clone());
    namespaces.create(&PostParams::default(), &namespace("doomed")).await.unwrap();
    let cms: Api<ConfigMap> = Api::namespaced(client, "doomed");
    let mut held = configmap("held", "1");
    held.metadata.finalizers = Some(vec!["example.com/hold".into()]);
    cms.create(&PostParams::default(), &held).await.unwrap();
    namespaces.delete("doomed", &DeleteParams::default()).await.unwrap();

    let server = server.restart().await;
    let client = server.client("team-a").await;
    let namespaces: Api<Namespace> = Api::all(client.clone());
    let cms: Api<ConfigMap> = Api::namespaced(client, "doomed");
    cms.patch("held", &PatchParams::default(), &Patch::Merge(json!({"metadata": {"finalizers": null}}))).await.unwrap();
    eventually("namespace gone", || async { namespaces.get_opt("doomed").await.unwrap().is_none().then_some(()) })
        .await;
}
