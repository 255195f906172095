//! LIST and WATCH: selectors, paging, event order, bookmarks and expired revisions.

use futures_util::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ListParams, PostParams, WatchEvent, WatchParams};

use crate::common::{TestServer, configmap, raw, within};

async fn labelled(api: &Api<ConfigMap>, name: &str, labels: &[(&str, &str)]) {
    let mut cm = configmap(name, name);
    cm.metadata.labels = Some(labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
    api.create(&PostParams::default(), &cm).await.unwrap();
}

fn names(list: &kube::core::ObjectList<ConfigMap>) -> Vec<String> {
    list.items.iter().map(|cm| cm.metadata.name.clone().unwrap()).collect()
}

#[tokio::test]
async fn label_selectors_filter_lists() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    labelled(&api, "a", &[("app", "web"), ("tier", "front")]).await;
    labelled(&api, "b", &[("app", "db")]).await;
    labelled(&api, "c", &[]).await;
    let cases = [
        ("app=web", vec!["a"]),
        ("app!=web", vec!["b", "c"]),
        ("app in (web,db)", vec!["a", "b"]),
        ("app notin (web)", vec!["b", "c"]),
        ("tier", vec!["a"]),
        ("!tier", vec!["b", "c"]),
        ("app=web,tier=front", vec!["a"]),
    ];
    for (selector, want) in cases {
        let list = api.list(&ListParams::default().labels(selector)).await.unwrap();
        assert_eq!(names(&list), want, "{selector}");
    }
    let err = api.list(&ListParams::default().labels("app in (web")).await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(s) if s.code == 400));
}

#[tokio::test]
async fn field_selectors_filter_by_name_and_namespace_and_reject_unknown_fields() {
    let server = TestServer::start().await;
    let client = server.client("team-a").await;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    labelled(&api, "a", &[]).await;
    labelled(&api, "b", &[]).await;
    let list = api.list(&ListParams::default().fields("metadata.name=b")).await.unwrap();
    assert_eq!(names(&list), ["b"]);
    let all: Api<ConfigMap> = Api::all(client);
    let list = all.list(&ListParams::default().fields("metadata.namespace!=default")).await.unwrap();
    assert!(list.items.is_empty());
    let err = api.list(&ListParams::default().fields("spec.nope=1")).await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(s) if s.code == 400 && s.message.contains("spec.nope")));
}

#[tokio::test]
async fn limit_and_continue_page_through_everything_once() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    for i in 0..7 {
        labelled(&api, &format!("cm-{i}"), &[]).await;
    }
    let mut seen = Vec::new();
    let mut params = ListParams::default().limit(3);
    loop {
        let page = api.list(&params).await.unwrap();
        assert!(page.items.len() <= 3);
        seen.extend(names(&page));
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(token) => params = params.continue_token(&token),
            None => break,
        }
    }
    let want: Vec<String> = (0..7).map(|i| format!("cm-{i}")).collect();
    assert_eq!(seen, want);
}

#[tokio::test]
async fn an_empty_list_has_an_items_array() {
    let server = TestServer::start().await;
    let client = server.client("team-a").await;
    let (code, text, _) = raw(&client, "GET", "/api/v1/namespaces/default/secrets", &[], vec![]).await;
    assert_eq!(code, 200);
    let list: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(list["items"], serde_json::json!([]));
    assert_eq!(list["kind"], "SecretList");
}

#[tokio::test]
async fn watch_from_a_revision_delivers_later_events_in_order() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    let first = api.create(&PostParams::default(), &configmap("before", "1")).await.unwrap();
    let rv = first.metadata.resource_version.unwrap();
    let mut stream = api.watch(&WatchParams::default().timeout(20), &rv).await.unwrap().boxed();
    api.create(&PostParams::default(), &configmap("a", "1")).await.unwrap();
    let mut changed = api.get("a").await.unwrap();
    changed.data = Some([("key".to_string(), "2".to_string())].into());
    api.replace("a", &PostParams::default(), &changed).await.unwrap();
    api.delete("a", &Default::default()).await.unwrap();
    let mut kinds = Vec::new();
    while kinds.len() < 3 {
        match within("watch events", stream.try_next()).await.unwrap() {
            Some(WatchEvent::Added(cm)) => kinds.push(("ADDED", cm.metadata.name.unwrap())),
            Some(WatchEvent::Modified(cm)) => kinds.push(("MODIFIED", cm.metadata.name.unwrap())),
            Some(WatchEvent::Deleted(cm)) => kinds.push(("DELETED", cm.metadata.name.unwrap())),
            other => panic!("unexpected {other:?}"),
        }
    }
    let want = [("ADDED", "a"), ("MODIFIED", "a"), ("DELETED", "a")].map(|(k, n)| (k, n.to_string()));
    assert_eq!(kinds, want);
}

#[tokio::test]
async fn watch_from_zero_starts_with_the_current_state() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    api.create(&PostParams::default(), &configmap("existing", "1")).await.unwrap();
    let mut stream = api.watch(&WatchParams::default().timeout(20), "0").await.unwrap().boxed();
    match within("synthetic ADDED", stream.try_next()).await.unwrap() {
        Some(WatchEvent::Added(cm)) => assert_eq!(cm.metadata.name.as_deref(), Some("existing")),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn watch_by_name_and_label_reports_objects_leaving_the_selection_as_deleted() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    let rv = api.list(&ListParams::default()).await.unwrap().metadata.resource_version.unwrap();
    let params = WatchParams::default().labels("app=web").timeout(20);
    let mut stream = api.watch(&params, &rv).await.unwrap().boxed();
    labelled(&api, "other", &[("app", "db")]).await;
    labelled(&api, "web", &[("app", "web")]).await;
    let patch = kube::api::Patch::Merge(serde_json::json!({"metadata": {"labels": {"app": "db"}}}));
    api.patch("web", &Default::default(), &patch).await.unwrap();
    match within("ADDED", stream.try_next()).await.unwrap() {
        Some(WatchEvent::Added(cm)) => assert_eq!(cm.metadata.name.as_deref(), Some("web")),
        other => panic!("unexpected {other:?}"),
    }
    match within("DELETED", stream.try_next()).await.unwrap() {
        Some(WatchEvent::Deleted(cm)) => assert_eq!(cm.metadata.name.as_deref(), Some("web")),
        other => panic!("unexpected {other:?}"),
    }
    let named = WatchParams::default().fields("metadata.name=solo").timeout(20);
    let mut solo = api.watch(&named, &rv).await.unwrap().boxed();
    labelled(&api, "solo", &[]).await;
    match within("named watch", solo.try_next()).await.unwrap() {
        Some(WatchEvent::Added(cm)) => assert_eq!(cm.metadata.name.as_deref(), Some("solo")),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn idle_watches_get_bookmarks_with_the_current_revision() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    let created = api.create(&PostParams::default(), &configmap("a", "1")).await.unwrap();
    let rv = created.metadata.resource_version.unwrap();
    let params = WatchParams::default().timeout(20);
    assert!(params.bookmarks, "kube-rs asks for bookmarks by default");
    let mut stream = api.watch(&params, &rv).await.unwrap().boxed();
    match within("a bookmark", stream.try_next()).await.unwrap() {
        Some(WatchEvent::Bookmark(bookmark)) => {
            let at: i64 = bookmark.metadata.resource_version.parse().unwrap();
            assert!(at >= rv.parse::<i64>().unwrap());
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn watch_timeout_seconds_ends_the_stream() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    let rv = api.list(&ListParams::default()).await.unwrap().metadata.resource_version.unwrap();
    let mut stream = api.watch(&WatchParams::default().timeout(1), &rv).await.unwrap().boxed();
    // Only bookmarks arrive on an idle watch, and then the server ends it.
    within("the watch to end", async {
        while let Some(event) = stream.next().await {
            assert!(matches!(event, Ok(WatchEvent::Bookmark(_))), "{event:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn watch_from_a_revision_no_longer_retained_gets_a_410_error_event() {
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    let old = api.create(&PostParams::default(), &configmap("a", "1")).await.unwrap();
    api.create(&PostParams::default(), &configmap("b", "1")).await.unwrap();
    // A restart starts the event history afresh: older revisions are gone.
    let server = server.restart().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    let rv = old.metadata.resource_version.unwrap();
    let mut stream = api.watch(&WatchParams::default().timeout(20), &rv).await.unwrap().boxed();
    match within("ERROR event", stream.try_next()).await.unwrap() {
        Some(WatchEvent::Error(status)) => {
            assert_eq!(status.code, 410);
            assert_eq!(status.reason, "Expired");
        }
        other => panic!("unexpected {other:?}"),
    }
}
