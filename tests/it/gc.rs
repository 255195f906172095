//! Garbage collection by ownerReferences: background, foreground and orphan propagation, several
//! owners, and references that cannot reach another plane.

use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams, PropagationPolicy};
use serde_json::json;

use crate::common::{TestServer, configmap, eventually};

fn reference(owner: &ConfigMap) -> OwnerReference {
    OwnerReference {
        api_version: "v1".into(),
        kind: "ConfigMap".into(),
        name: owner.metadata.name.clone().unwrap(),
        uid: owner.metadata.uid.clone().unwrap(),
        block_owner_deletion: Some(true),
        controller: None,
    }
}

async fn create(api: &Api<ConfigMap>, name: &str, owners: &[&ConfigMap], finalizers: &[&str]) -> ConfigMap {
    let mut cm = configmap(name, "v");
    if !owners.is_empty() {
        cm.metadata.owner_references = Some(owners.iter().map(|o| reference(o)).collect());
    }
    if !finalizers.is_empty() {
        cm.metadata.finalizers = Some(finalizers.iter().map(|f| f.to_string()).collect());
    }
    api.create(&PostParams::default(), &cm).await.expect("create")
}

async fn gone(api: &Api<ConfigMap>, name: &str) {
    eventually(&format!("{name} to be collected"), || async {
        api.get_opt(name).await.expect("get").is_none().then_some(())
    })
    .await;
}

fn with_policy(policy: PropagationPolicy) -> DeleteParams {
    DeleteParams { propagation_policy: Some(policy), ..DeleteParams::default() }
}

#[tokio::test]
async fn background_deletion_collects_the_whole_chain() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("gc-bg").await, "default");
    let owner = create(&api, "owner", &[], &[]).await;
    let child = create(&api, "child", &[&owner], &[]).await;
    create(&api, "grandchild", &[&child], &[]).await;
    let bystander = create(&api, "bystander", &[], &[]).await;

    api.delete("owner", &DeleteParams::default()).await.unwrap();
    gone(&api, "child").await;
    gone(&api, "grandchild").await;
    assert!(api.get_opt("bystander").await.unwrap().is_some_and(|b| b.metadata.uid == bystander.metadata.uid));
}

#[tokio::test]
async fn foreground_deletion_waits_for_blocking_dependents() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("gc-fg").await, "default");
    let owner = create(&api, "owner", &[], &[]).await;
    create(&api, "held", &[&owner], &["example.com/hold"]).await;

    api.delete("owner", &with_policy(PropagationPolicy::Foreground)).await.unwrap();
    // The dependent is being deleted but held by its finalizer; the owner waits for it.
    let held = eventually("the dependent to be marked", || async {
        api.get("held").await.ok().filter(|h| h.metadata.deletion_timestamp.is_some())
    })
    .await;
    let waiting = api.get("owner").await.expect("the owner waits");
    assert!(waiting.metadata.deletion_timestamp.is_some());
    assert!(waiting.metadata.finalizers.unwrap_or_default().contains(&"foregroundDeletion".to_string()));
    assert!(held.metadata.finalizers.unwrap_or_default().contains(&"example.com/hold".to_string()));

    let release = json!({"metadata": {"finalizers": null}});
    api.patch("held", &PatchParams::default(), &Patch::Merge(release)).await.unwrap();
    gone(&api, "held").await;
    gone(&api, "owner").await;
}

#[tokio::test]
async fn orphan_deletion_keeps_dependents_and_drops_their_references() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("gc-orphan").await, "default");
    let owner = create(&api, "owner", &[], &[]).await;
    create(&api, "child", &[&owner], &[]).await;

    api.delete("owner", &with_policy(PropagationPolicy::Orphan)).await.unwrap();
    gone(&api, "owner").await;
    let child = api.get("child").await.expect("the orphan stays");
    assert_eq!(child.metadata.owner_references, None, "its reference to the owner is gone");
}

#[tokio::test]
async fn a_dependent_with_another_live_owner_only_loses_the_reference() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("gc-two").await, "default");
    let first = create(&api, "first", &[], &[]).await;
    let second = create(&api, "second", &[], &[]).await;
    create(&api, "shared", &[&first, &second], &[]).await;

    api.delete("first", &DeleteParams::default()).await.unwrap();
    let shared = eventually("the reference to the deleted owner to go", || async {
        let shared = api.get("shared").await.ok()?;
        (shared.metadata.owner_references.as_ref()?.len() == 1).then_some(shared)
    })
    .await;
    assert_eq!(shared.metadata.owner_references.unwrap()[0].uid, second.metadata.uid.unwrap());
}

#[tokio::test]
async fn an_owner_in_another_plane_is_never_found() {
    let server = TestServer::start().await;
    let a: Api<ConfigMap> = Api::namespaced(server.client("gc-a").await, "default");
    let b: Api<ConfigMap> = Api::namespaced(server.client("gc-b").await, "default");
    let owner = create(&a, "owner", &[], &[]).await;
    let local = create(&a, "local-child", &[&owner], &[]).await;
    // In plane b the same uid names nothing: the reference dangles and the object is garbage,
    // exactly like a reference to an owner that was never there.
    create(&b, "foreign-child", &[&owner], &[]).await;
    gone(&b, "foreign-child").await;
    let still = a.get("local-child").await.expect("the owner's own plane is untouched");
    assert_eq!(still.metadata.uid, local.metadata.uid);
    assert!(a.get_opt("owner").await.unwrap().is_some());
}
