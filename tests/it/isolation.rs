//! Two planes never see each other's objects, lists or watch events.

use futures_util::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::api::{Api, ListParams, PostParams, WatchEvent, WatchParams};

use crate::common::{TestServer, configmap, within};

#[tokio::test]
async fn objects_lists_and_watches_stay_in_their_plane() {
    let server = TestServer::start().await;
    let a: Api<ConfigMap> = Api::namespaced(server.client("plane-a").await, "default");
    let b: Api<ConfigMap> = Api::namespaced(server.client("plane-b").await, "default");
    let root: Api<ConfigMap> = Api::namespaced(server.client("root").await, "default");

    let b_rv = b.list(&ListParams::default()).await.unwrap().metadata.resource_version.unwrap();
    let mut b_watch = b.watch(&WatchParams::default().timeout(3), &b_rv).await.unwrap().boxed();

    a.create(&PostParams::default(), &configmap("shared-name", "from-a")).await.unwrap();
    b.create(&PostParams::default(), &configmap("shared-name", "from-b")).await.unwrap();

    assert_eq!(a.get("shared-name").await.unwrap().data.unwrap()["key"], "from-a");
    assert_eq!(b.get("shared-name").await.unwrap().data.unwrap()["key"], "from-b");
    assert!(root.get_opt("shared-name").await.unwrap().is_none());
    assert_eq!(a.list(&ListParams::default()).await.unwrap().items.len(), 1);
    let all_b: Api<ConfigMap> = Api::all(server.client("plane-b").await);
    assert_eq!(all_b.list(&ListParams::default()).await.unwrap().items.len(), 1);

    // Plane b's watch sees b's object and nothing of a's, then times out.
    let mut seen = Vec::new();
    while let Some(event) = within("plane b watch", b_watch.try_next()).await.unwrap() {
        if let WatchEvent::Added(cm) = event {
            seen.push(cm.data.unwrap()["key"].clone());
        }
    }
    assert_eq!(seen, ["from-b"]);

    // Namespaces are per plane too.
    let ns_a: Api<Namespace> = Api::all(server.client("plane-a").await);
    let ns: Namespace = serde_json::from_value(serde_json::json!({"metadata": {"name": "only-in-a"}})).unwrap();
    ns_a.create(&PostParams::default(), &ns).await.unwrap();
    let ns_b: Api<Namespace> = Api::all(server.client("plane-b").await);
    assert!(ns_b.get_opt("only-in-a").await.unwrap().is_none());
}

#[tokio::test]
async fn deleting_a_plane_removes_only_its_data() {
    let server = TestServer::start().await;
    let a: Api<ConfigMap> = Api::namespaced(server.client("plane-a").await, "default");
    let b: Api<ConfigMap> = Api::namespaced(server.client("plane-b").await, "default");
    a.create(&PostParams::default(), &configmap("x", "1")).await.unwrap();
    b.create(&PostParams::default(), &configmap("x", "1")).await.unwrap();
    let plane_a = kplane::types::PlaneName::parse("plane-a").unwrap();
    assert!(server.running.registry.delete_plane(&plane_a).await.unwrap() >= 5);
    assert!(!server.running.registry.plane_exists(&plane_a).await.unwrap());
    assert!(b.get_opt("x").await.unwrap().is_some());
}
