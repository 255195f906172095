//! The one test suite every [`Backend`] runs (like the apiserver's `store_tests.go`).
//!
//! Each check gets a fresh, empty backend from the factory. The guard the factory returns
//! (a temp dir, a server process …) is kept alive for the duration of the check.

use std::time::Duration;

use bytes::Bytes;

use super::{Backend, Error, EventKind, RangeOptions, TxnOp, WatchItem, WatchStream};

type Factory<'a, G> = dyn Fn() -> (Box<dyn Backend>, G) + 'a;

pub async fn run_all<G>(factory: impl Fn() -> (Box<dyn Backend>, G)) {
    let factory: &Factory<'_, G> = &factory;
    create_then_get(factory).await;
    create_existing_key_fails(factory).await;
    update_with_stale_revision_is_conflict(factory).await;
    update_and_delete_of_missing_key_is_not_found(factory).await;
    revisions_increase_by_one_per_write(factory).await;
    range_is_prefix_bounded_ordered_and_pageable(factory).await;
    txn_is_all_or_nothing_at_one_revision(factory).await;
    delete_prefix_removes_only_that_prefix(factory).await;
    watch_replays_then_follows_live_events(factory).await;
    watch_is_prefix_scoped(factory).await;
    watch_from_the_future_is_rejected(factory).await;
    concurrent_updates_at_one_revision_let_exactly_one_win(factory).await;
}

fn b(s: &str) -> Bytes {
    Bytes::from(s.to_string())
}

async fn next_event(stream: &mut WatchStream) -> super::Event {
    match tokio::time::timeout(Duration::from_secs(10), stream.next()).await {
        Ok(Some(WatchItem::Event(event))) => event,
        other => panic!("expected a watch event, got {other:?}"),
    }
}

async fn create_then_get<G>(factory: &Factory<'_, G>) {
    let (s, _guard) = factory();
    let kv = s.create("/p/a", b("1")).await.unwrap();
    assert_eq!(kv.create_revision, kv.mod_revision);
    assert_eq!(s.get("/p/a").await.unwrap(), Some(kv));
    assert_eq!(s.get("/p/b").await.unwrap(), None);
}

async fn create_existing_key_fails<G>(factory: &Factory<'_, G>) {
    let (s, _guard) = factory();
    s.create("/p/a", b("1")).await.unwrap();
    let err = s.create("/p/a", b("2")).await.unwrap_err();
    assert!(matches!(err, Error::KeyExists { .. }), "{err:?}");
    assert_eq!(s.get("/p/a").await.unwrap().unwrap().value, b("1"));
}

async fn update_with_stale_revision_is_conflict<G>(factory: &Factory<'_, G>) {
    let (s, _guard) = factory();
    let first = s.create("/p/a", b("1")).await.unwrap();
    let second = s.update("/p/a", b("2"), first.mod_revision).await.unwrap();
    assert_eq!(second.create_revision, first.create_revision);
    assert!(second.mod_revision > first.mod_revision);
    let err = s.update("/p/a", b("3"), first.mod_revision).await.unwrap_err();
    assert!(matches!(err, Error::Conflict { current, .. } if current == second.mod_revision), "{err:?}");
    let err = s.delete("/p/a", first.mod_revision).await.unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err:?}");
    let deleted = s.delete("/p/a", second.mod_revision).await.unwrap();
    assert_eq!(deleted.value, b("2"));
    assert!(deleted.mod_revision > second.mod_revision);
    assert_eq!(s.get("/p/a").await.unwrap(), None);
}

async fn update_and_delete_of_missing_key_is_not_found<G>(factory: &Factory<'_, G>) {
    let (s, _guard) = factory();
    assert!(matches!(s.update("/p/x", b("1"), 1).await, Err(Error::NotFound { .. })));
    assert!(matches!(s.delete("/p/x", 1).await, Err(Error::NotFound { .. })));
}

async fn revisions_increase_by_one_per_write<G>(factory: &Factory<'_, G>) {
    let (s, _guard) = factory();
    let start = s.current_revision();
    let a = s.create("/p/a", b("1")).await.unwrap();
    let c = s.create("/p/c", b("1")).await.unwrap();
    assert_eq!(a.mod_revision, start + 1);
    assert_eq!(c.mod_revision, start + 2);
    assert_eq!(s.current_revision(), start + 2);
    // A failed write does not consume a revision.
    let _ = s.create("/p/a", b("again")).await.unwrap_err();
    assert_eq!(s.current_revision(), start + 2);
}

async fn range_is_prefix_bounded_ordered_and_pageable<G>(factory: &Factory<'_, G>) {
    let (s, _guard) = factory();
    for key in ["/p1/c", "/p1/a", "/p1/b", "/p10/a", "/p0/z"] {
        s.create(key, b(key)).await.unwrap();
    }
    let all = s.range("/p1/", RangeOptions::default()).await.unwrap();
    let keys: Vec<&str> = all.kvs.iter().map(|kv| &*kv.key).collect();
    assert_eq!(keys, ["/p1/a", "/p1/b", "/p1/c"]);
    assert_eq!(all.revision, s.current_revision());
    assert_eq!(all.remaining, 0);

    let page = s.range("/p1/", RangeOptions { start_after: None, limit: Some(2) }).await.unwrap();
    assert_eq!(page.kvs.len(), 2);
    assert_eq!(page.remaining, 1);
    let next = RangeOptions { start_after: Some(page.kvs[1].key.to_string()), limit: Some(2) };
    let page = s.range("/p1/", next).await.unwrap();
    let keys: Vec<&str> = page.kvs.iter().map(|kv| &*kv.key).collect();
    assert_eq!(keys, ["/p1/c"]);
    assert_eq!(page.remaining, 0);
}

async fn txn_is_all_or_nothing_at_one_revision<G>(factory: &Factory<'_, G>) {
    let (s, _guard) = factory();
    let existing = s.create("/p/exists", b("1")).await.unwrap();
    let ops = vec![
        TxnOp::Create { key: "/p/new".into(), value: b("n") },
        TxnOp::Create { key: "/p/exists".into(), value: b("x") },
    ];
    assert!(matches!(s.txn(ops).await, Err(Error::KeyExists { .. })));
    assert_eq!(s.get("/p/new").await.unwrap(), None);
    assert_eq!(s.current_revision(), existing.mod_revision);

    let ops = vec![
        TxnOp::Create { key: "/p/new".into(), value: b("n") },
        TxnOp::Update { key: "/p/exists".into(), value: b("2"), expected: existing.mod_revision },
    ];
    let revision = s.txn(ops).await.unwrap();
    assert_eq!(revision, existing.mod_revision + 1);
    assert_eq!(s.get("/p/new").await.unwrap().unwrap().mod_revision, revision);
    assert_eq!(s.get("/p/exists").await.unwrap().unwrap().mod_revision, revision);
}

async fn delete_prefix_removes_only_that_prefix<G>(factory: &Factory<'_, G>) {
    let (s, _guard) = factory();
    for key in ["/p1/a", "/p1/b/c", "/p10/a"] {
        s.create(key, b(key)).await.unwrap();
    }
    let before = s.current_revision();
    let mut watch = s.watch("/p1/", before).unwrap();
    assert_eq!(s.delete_prefix("/p1/").await.unwrap(), 2);
    assert_eq!(s.current_revision(), before + 1);
    assert!(s.range("/p1/", RangeOptions::default()).await.unwrap().kvs.is_empty());
    assert!(s.get("/p10/a").await.unwrap().is_some());
    for _ in 0..2 {
        let event = next_event(&mut watch).await;
        assert_eq!(event.kind, EventKind::Delete);
        assert_eq!(event.revision(), before + 1);
    }
    assert_eq!(s.delete_prefix("/nothing/").await.unwrap(), 0);
    assert_eq!(s.current_revision(), before + 1);
}

async fn watch_replays_then_follows_live_events<G>(factory: &Factory<'_, G>) {
    let (s, _guard) = factory();
    let start = s.current_revision();
    let a = s.create("/p/a", b("1")).await.unwrap();
    let a2 = s.update("/p/a", b("2"), a.mod_revision).await.unwrap();
    let mut watch = s.watch("/p/", start).unwrap();
    let e1 = next_event(&mut watch).await;
    assert!(e1.is_create());
    assert_eq!(e1.kv, a);
    let e2 = next_event(&mut watch).await;
    assert_eq!(e2.kind, EventKind::Put);
    assert_eq!(e2.prev.as_ref().map(|p| p.value.clone()), Some(b("1")));
    assert_eq!(e2.kv, a2);
    let deleted = s.delete("/p/a", a2.mod_revision).await.unwrap();
    let e3 = next_event(&mut watch).await;
    assert_eq!(e3.kind, EventKind::Delete);
    assert_eq!(e3.revision(), deleted.mod_revision);
    assert_eq!(e3.kv.value, b("2"));

    // Watching from a revision skips everything up to and including it.
    let mut late = s.watch("/p/", a2.mod_revision).unwrap();
    assert_eq!(next_event(&mut late).await.revision(), deleted.mod_revision);
}

async fn watch_is_prefix_scoped<G>(factory: &Factory<'_, G>) {
    let (s, _guard) = factory();
    let start = s.current_revision();
    let mut one = s.watch("/p1/", start).unwrap();
    s.create("/p10/a", b("x")).await.unwrap();
    s.create("/p1/a", b("y")).await.unwrap();
    let event = next_event(&mut one).await;
    assert_eq!(&*event.kv.key, "/p1/a");
}

async fn watch_from_the_future_is_rejected<G>(factory: &Factory<'_, G>) {
    let (s, _guard) = factory();
    let current = s.current_revision();
    assert!(matches!(s.watch("/", current + 10), Err(Error::FutureRevision { .. })));
}

async fn concurrent_updates_at_one_revision_let_exactly_one_win<G>(factory: &Factory<'_, G>) {
    let (s, _guard) = factory();
    let kv = s.create("/p/counter", b("0")).await.unwrap();
    let attempts = (0..16).map(|i| s.update("/p/counter", b(&i.to_string()), kv.mod_revision));
    let results = futures_util::future::join_all(attempts).await;
    let wins = results.iter().filter(|r| r.is_ok()).count();
    let conflicts = results.iter().filter(|r| matches!(r, Err(Error::Conflict { .. }))).count();
    assert_eq!((wins, conflicts), (1, 15));
}
