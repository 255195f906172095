//! The default backend: every key in memory, every write in a local write-ahead log.
//!
//! Reads are served from a `BTreeMap` under a read lock. Writes go to one writer thread,
//! which takes every request waiting in its queue, checks their preconditions against memory
//! (plus the earlier requests of the same batch), appends the batch to the log with a single
//! fdatasync (group commit), and only then applies it to memory, records it in the watch
//! history, notifies watchers and answers the callers. So an answered write is durable, and
//! nobody — reader or watcher — ever sees a write that a crash could take back.
//!
//! Watches are served from an in-memory history of recent events (at least
//! [`HISTORY_RETENTION`], at most [`HISTORY_MAX_EVENTS`]); a watch from an older revision gets
//! [`Error::Compacted`]. After a restart the history starts empty at the recovered revision.

mod wal;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::ops::Bound;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard, mpsc};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use tokio::sync::oneshot;

use super::{
    Backend, Error, Event, EventKind, KeyValue, RangeOptions, RangeResult, Result, Revision, TxnOp, WatchSender,
    WatchStream,
};
use wal::{Change, SnapshotEntry, Wal, WriteGroup};

/// Events younger than this are always kept for watches that resume.
pub const HISTORY_RETENTION: Duration = Duration::from_secs(5 * 60);
/// Hard bound on retained events, whatever their age, to bound memory under write storms.
pub const HISTORY_MAX_EVENTS: usize = 1_000_000;
/// The log is folded into a fresh snapshot when it grows past this.
pub const DEFAULT_SNAPSHOT_THRESHOLD: u64 = 64 << 20;
/// Most requests committed by one fdatasync.
const MAX_BATCH: usize = 1024;

#[derive(Clone)]
struct Entry {
    value: Bytes,
    create_revision: Revision,
    mod_revision: Revision,
}

struct State {
    map: BTreeMap<Arc<str>, Entry>,
    revision: Revision,
    /// Retained events, oldest first, with the time they were committed.
    history: VecDeque<(Instant, Event)>,
    /// Highest revision whose events are no longer retained.
    compacted: Revision,
    watchers: HashMap<Arc<str>, Vec<WatchSender>>,
}

struct Shared {
    state: RwLock<State>,
    revision: AtomicI64,
    /// Set when the log could not be written: later writes fail rather than diverge.
    failed: AtomicBool,
}

impl Shared {
    // A panic while holding the lock would leave the map as it was before the write (all
    // mutation happens after planning), so a poisoned lock is still safe to use.
    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

enum Request {
    Txn(Vec<TxnOp>),
    DeletePrefix(String),
}

struct Job {
    request: Request,
    reply: oneshot::Sender<Result<Vec<Event>>>,
}

/// The embedded, durable backend. Cheap to share behind an `Arc`.
pub struct EmbeddedBackend {
    shared: Arc<Shared>,
    writer: mpsc::Sender<Job>,
}

impl EmbeddedBackend {
    /// Opens the store in `dir`, recovering everything acknowledged before a crash.
    pub fn open(dir: &Path) -> std::io::Result<EmbeddedBackend> {
        Self::open_with_threshold(dir, DEFAULT_SNAPSHOT_THRESHOLD)
    }

    pub fn open_with_threshold(dir: &Path, snapshot_threshold: u64) -> std::io::Result<Self> {
        let (wal, recovered) = Wal::open(dir)?;
        if recovered.truncated_bytes > 0 {
            tracing::warn!(
                bytes = recovered.truncated_bytes,
                "cut a torn, unacknowledged append from the end of the storage log"
            );
        }
        let mut map = BTreeMap::new();
        for e in recovered.entries {
            let entry = Entry { value: e.value, create_revision: e.create_revision, mod_revision: e.mod_revision };
            map.insert(Arc::from(e.key), entry);
        }
        let mut revision = recovered.snapshot_revision.max(1);
        for group in recovered.groups {
            for change in group.changes {
                apply_change(&mut map, change, group.revision, &mut |_| {});
            }
            revision = group.revision;
        }
        let state = State { map, revision, history: VecDeque::new(), compacted: revision, watchers: HashMap::new() };
        let shared = Arc::new(Shared {
            state: RwLock::new(state),
            revision: AtomicI64::new(revision),
            failed: AtomicBool::new(false),
        });
        let (writer, jobs) = mpsc::channel();
        let thread_shared = shared.clone();
        std::thread::Builder::new()
            .name("kplane-storage-writer".into())
            .spawn(move || writer_loop(thread_shared, wal, jobs, snapshot_threshold))?;
        Ok(EmbeddedBackend { shared, writer })
    }

    fn submit(&self, request: Request) -> BoxFuture<'static, Result<Vec<Event>>> {
        let (reply, answer) = oneshot::channel();
        let sent = self.writer.send(Job { request, reply });
        async move {
            if sent.is_err() {
                return Err(unavailable("the storage writer has stopped"));
            }
            answer.await.map_err(|_| unavailable("the storage writer has stopped"))?
        }
        .boxed()
    }
}

fn unavailable(message: &str) -> Error {
    Error::Unavailable(message.to_string().into())
}

fn kv(key: &Arc<str>, entry: &Entry) -> KeyValue {
    KeyValue {
        key: key.clone(),
        value: entry.value.clone(),
        create_revision: entry.create_revision,
        mod_revision: entry.mod_revision,
    }
}

impl Backend for EmbeddedBackend {
    fn get(&self, key: &str) -> BoxFuture<'_, Result<Option<KeyValue>>> {
        let state = self.shared.read();
        let found = state.map.get_key_value(key).map(|(k, e)| kv(k, e));
        futures_util::future::ready(Ok(found)).boxed()
    }

    fn range(&self, prefix: &str, options: RangeOptions) -> BoxFuture<'_, Result<RangeResult>> {
        let state = self.shared.read();
        let start = match &options.start_after {
            Some(after) if after.as_str() >= prefix => Bound::Excluded(after.as_str()),
            _ => Bound::Included(prefix),
        };
        let limit = options.limit.filter(|l| *l > 0).unwrap_or(usize::MAX);
        let mut iter = state.map.range::<str, _>((start, Bound::Unbounded)).take_while(|(k, _)| k.starts_with(prefix));
        let kvs: Vec<KeyValue> = iter.by_ref().take(limit).map(|(k, e)| kv(k, e)).collect();
        let remaining = iter.count();
        let result = RangeResult { kvs, revision: state.revision, remaining };
        futures_util::future::ready(Ok(result)).boxed()
    }

    fn create(&self, key: &str, value: Bytes) -> BoxFuture<'_, Result<KeyValue>> {
        let done = self.submit(Request::Txn(vec![TxnOp::Create { key: key.into(), value }]));
        async move { Ok(single(done.await?)) }.boxed()
    }

    fn update(&self, key: &str, value: Bytes, expected: Revision) -> BoxFuture<'_, Result<KeyValue>> {
        let op = TxnOp::Update { key: key.into(), value, expected };
        let done = self.submit(Request::Txn(vec![op]));
        async move { Ok(single(done.await?)) }.boxed()
    }

    fn delete(&self, key: &str, expected: Revision) -> BoxFuture<'_, Result<KeyValue>> {
        let done = self.submit(Request::Txn(vec![TxnOp::Delete { key: key.into(), expected }]));
        async move { Ok(single(done.await?)) }.boxed()
    }

    fn txn(&self, ops: Vec<TxnOp>) -> BoxFuture<'_, Result<Revision>> {
        let done = self.submit(Request::Txn(ops));
        let current = self.shared.revision.load(Ordering::Acquire);
        async move {
            let events = done.await?;
            Ok(events.first().map(Event::revision).unwrap_or(current))
        }
        .boxed()
    }

    fn delete_prefix(&self, prefix: &str) -> BoxFuture<'_, Result<usize>> {
        let done = self.submit(Request::DeletePrefix(prefix.into()));
        async move { Ok(done.await?.len()) }.boxed()
    }

    fn watch(&self, prefix: &str, after: Revision) -> Result<WatchStream> {
        let mut state = self.shared.write();
        prune_history(&mut state, Instant::now());
        if after < state.compacted {
            return Err(Error::Compacted { requested: after, compacted: state.compacted });
        }
        if after > state.revision {
            return Err(Error::FutureRevision { requested: after, current: state.revision });
        }
        let (sender, stream) = WatchSender::channel();
        // Replay and registration happen under one lock, so no event is missed or repeated.
        let first = state.history.partition_point(|(_, e)| e.revision() <= after);
        for (_, event) in state.history.range(first..) {
            if event.kv.key.starts_with(prefix) && !sender.send(event.clone()) {
                return Ok(stream);
            }
        }
        let watchers = state.watchers.entry(Arc::from(prefix)).or_default();
        watchers.retain(|w| !w.is_closed());
        watchers.push(sender);
        Ok(stream)
    }

    fn current_revision(&self) -> Revision {
        self.shared.revision.load(Ordering::Acquire)
    }
}

fn single(mut events: Vec<Event>) -> KeyValue {
    // Every single-key request that succeeds produces exactly one event.
    events.pop().map(|e| e.kv).expect("invariant: a committed single-key write has one event")
}

fn prune_history(state: &mut State, now: Instant) {
    while let Some((at, event)) = state.history.front() {
        let expired = now.duration_since(*at) > HISTORY_RETENTION;
        if !expired && state.history.len() <= HISTORY_MAX_EVENTS {
            break;
        }
        state.compacted = event.revision();
        state.history.pop_front();
    }
}

/// Applies one logged change to the map, reporting each resulting event.
fn apply_change(map: &mut BTreeMap<Arc<str>, Entry>, change: Change, revision: Revision, emit: &mut dyn FnMut(Event)) {
    match change {
        Change::Put { key, value } => {
            let prev = map.get_key_value(key.as_str()).map(|(k, e)| kv(k, e));
            let create_revision = prev.as_ref().map_or(revision, |p| p.create_revision);
            let key: Arc<str> = prev.as_ref().map_or_else(|| Arc::from(key), |p| p.key.clone());
            let entry = Entry { value, create_revision, mod_revision: revision };
            let new = kv(&key, &entry);
            map.insert(key, entry);
            emit(Event { kind: EventKind::Put, kv: new, prev });
        }
        Change::Delete { key } => {
            if let Some((key, entry)) = map.remove_entry(key.as_str()) {
                let mut last = kv(&key, &entry);
                last.mod_revision = revision;
                emit(Event { kind: EventKind::Delete, kv: last, prev: None });
            }
        }
        Change::DeletePrefix { prefix } => {
            let keys: Vec<Arc<str>> = map
                .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
                .take_while(|(k, _)| k.starts_with(prefix.as_str()))
                .map(|(k, _)| k.clone())
                .collect();
            for key in keys {
                if let Some(entry) = map.remove(&key) {
                    let mut last = kv(&key, &entry);
                    last.mod_revision = revision;
                    emit(Event { kind: EventKind::Delete, kv: last, prev: None });
                }
            }
        }
    }
}

/// The state of keys as a batch being planned will leave them: `None` = deleted.
type Overlay = HashMap<String, Option<Entry>>;

fn lookup<'a>(state: &'a State, overlay: &'a Overlay, key: &str) -> Option<&'a Entry> {
    match overlay.get(key) {
        Some(planned) => planned.as_ref(),
        None => state.map.get(key),
    }
}

/// Checks a request's preconditions; returns its changes and the overlay updates it makes.
fn plan(state: &State, overlay: &Overlay, request: &Request, revision: Revision) -> Result<(Vec<Change>, Overlay)> {
    let mut local: Overlay = HashMap::new();
    let mut changes = Vec::new();
    let current = |local: &Overlay, key: &str| -> Option<Entry> {
        match local.get(key) {
            Some(planned) => planned.clone(),
            None => lookup(state, overlay, key).cloned(),
        }
    };
    match request {
        Request::Txn(ops) => {
            for op in ops {
                match op {
                    TxnOp::Create { key, value } => {
                        if current(&local, key).is_some() {
                            return Err(Error::KeyExists { key: key.clone() });
                        }
                        let entry = Entry { value: value.clone(), create_revision: revision, mod_revision: revision };
                        local.insert(key.clone(), Some(entry));
                        changes.push(Change::Put { key: key.clone(), value: value.clone() });
                    }
                    TxnOp::Update { key, value, expected } => {
                        let existing = current(&local, key).ok_or_else(|| Error::NotFound { key: key.clone() })?;
                        if existing.mod_revision != *expected {
                            return Err(Error::Conflict {
                                key: key.clone(),
                                expected: *expected,
                                current: existing.mod_revision,
                            });
                        }
                        let entry = Entry {
                            value: value.clone(),
                            create_revision: existing.create_revision,
                            mod_revision: revision,
                        };
                        local.insert(key.clone(), Some(entry));
                        changes.push(Change::Put { key: key.clone(), value: value.clone() });
                    }
                    TxnOp::Delete { key, expected } => {
                        let existing = current(&local, key).ok_or_else(|| Error::NotFound { key: key.clone() })?;
                        if existing.mod_revision != *expected {
                            return Err(Error::Conflict {
                                key: key.clone(),
                                expected: *expected,
                                current: existing.mod_revision,
                            });
                        }
                        local.insert(key.clone(), None);
                        changes.push(Change::Delete { key: key.clone() });
                    }
                }
            }
        }
        Request::DeletePrefix(prefix) => {
            let stored = state
                .map
                .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
                .take_while(|(k, _)| k.starts_with(prefix.as_str()))
                .filter(|(k, _)| !matches!(overlay.get(&***k), Some(None)))
                .map(|(k, _)| k.to_string());
            let planned = overlay
                .iter()
                .filter(|(k, v)| k.starts_with(prefix.as_str()) && v.is_some() && !state.map.contains_key(k.as_str()))
                .map(|(k, _)| k.clone());
            let doomed: Vec<String> = stored.chain(planned).collect();
            if !doomed.is_empty() {
                for key in doomed {
                    local.insert(key, None);
                }
                changes.push(Change::DeletePrefix { prefix: prefix.clone() });
            }
        }
    }
    Ok((changes, local))
}

fn writer_loop(shared: Arc<Shared>, mut wal: Wal, jobs: mpsc::Receiver<Job>, snapshot_threshold: u64) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if shared.failed.load(Ordering::Acquire) {
            for job in batch {
                let _ = job.reply.send(Err(unavailable("the storage log could not be written")));
            }
            continue;
        }

        // 1. Plan under a read lock: only this thread writes, so nothing changes meanwhile.
        let mut planned: Vec<(Job, Result<WriteGroup>)> = Vec::with_capacity(batch.len());
        {
            let state = shared.read();
            let mut overlay = Overlay::new();
            let mut revision = state.revision;
            for job in batch {
                let outcome = plan(&state, &overlay, &job.request, revision + 1).map(|(changes, local)| {
                    if !changes.is_empty() {
                        revision += 1;
                        overlay.extend(local);
                    }
                    WriteGroup { revision, changes }
                });
                planned.push((job, outcome));
            }
        }

        // 2. Make the batch durable with one fdatasync.
        let groups: Vec<WriteGroup> = planned
            .iter()
            .filter_map(|(_, outcome)| outcome.as_ref().ok())
            .filter(|group| !group.changes.is_empty())
            .cloned()
            .collect();
        if !groups.is_empty()
            && let Err(err) = wal.append(&groups)
        {
            tracing::error!(error = %err, "storage log append failed; refusing further writes");
            shared.failed.store(true, Ordering::Release);
            for (job, _) in planned {
                let _ =
                    job.reply.send(Err(Error::Unavailable(Box::new(std::io::Error::new(err.kind(), err.to_string())))));
            }
            continue;
        }

        // 3. Apply to memory, record history, notify watchers, answer.
        let now = Instant::now();
        let mut answers = Vec::with_capacity(planned.len());
        {
            let mut state = shared.write();
            for (job, outcome) in planned {
                let answer = outcome.map(|group| {
                    let mut events = Vec::new();
                    let State { map, .. } = &mut *state;
                    for change in group.changes {
                        apply_change(map, change, group.revision, &mut |e| events.push(e));
                    }
                    if !events.is_empty() {
                        state.revision = group.revision;
                    }
                    for event in &events {
                        notify(&mut state.watchers, event);
                        state.history.push_back((now, event.clone()));
                    }
                    events
                });
                answers.push((job.reply, answer));
            }
            prune_history(&mut state, now);
            shared.revision.store(state.revision, Ordering::Release);
        }
        for (reply, answer) in answers {
            let _ = reply.send(answer);
        }

        if wal.log_len() > snapshot_threshold {
            let (revision, entries) = {
                let state = shared.read();
                let entries: Vec<SnapshotEntry> = state
                    .map
                    .iter()
                    .map(|(k, e)| SnapshotEntry {
                        key: k.to_string(),
                        value: e.value.clone(),
                        create_revision: e.create_revision,
                        mod_revision: e.mod_revision,
                    })
                    .collect();
                (state.revision, entries)
            };
            if let Err(err) = wal.rewrite_snapshot(revision, entries.into_iter()) {
                tracing::error!(error = %err, "storage snapshot failed; refusing further writes");
                shared.failed.store(true, Ordering::Release);
            }
        }
    }
}

/// Delivers an event to every watcher whose prefix the key starts with.
fn notify(watchers: &mut HashMap<Arc<str>, Vec<WatchSender>>, event: &Event) {
    if watchers.is_empty() {
        return;
    }
    let key: &str = &event.kv.key;
    let boundaries = key.char_indices().map(|(i, _)| i).chain(std::iter::once(key.len()));
    for end in boundaries {
        if let Some(list) = watchers.get_mut(&key[..end]) {
            list.retain(|w| w.send(event.clone()));
            if list.is_empty() {
                watchers.remove(&key[..end]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::conformance;

    #[tokio::test]
    async fn embedded_backend_passes_the_conformance_suite() {
        conformance::run_all(|| {
            let dir = tempfile::tempdir().unwrap();
            let backend = EmbeddedBackend::open(dir.path()).unwrap();
            (Box::new(backend) as Box<dyn Backend>, dir)
        })
        .await;
    }

    #[tokio::test]
    async fn acknowledged_writes_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let created;
        {
            let backend = EmbeddedBackend::open(dir.path()).unwrap();
            created = backend.create("/a", Bytes::from_static(b"1")).await.unwrap();
            backend.create("/b", Bytes::from_static(b"2")).await.unwrap();
            backend.delete("/b", created.mod_revision + 1).await.unwrap();
        }
        let backend = EmbeddedBackend::open(dir.path()).unwrap();
        assert_eq!(backend.get("/a").await.unwrap(), Some(created.clone()));
        assert_eq!(backend.get("/b").await.unwrap(), None);
        assert_eq!(backend.current_revision(), created.mod_revision + 2);
    }

    #[tokio::test]
    async fn snapshots_fold_the_log_without_losing_keys() {
        let dir = tempfile::tempdir().unwrap();
        {
            let backend = EmbeddedBackend::open_with_threshold(dir.path(), 256).unwrap();
            for i in 0..50 {
                backend.create(&format!("/k/{i:02}"), Bytes::from(vec![b'x'; 64])).await.unwrap();
            }
        }
        assert!(std::fs::metadata(dir.path().join("snapshot")).is_ok());
        let backend = EmbeddedBackend::open(dir.path()).unwrap();
        let all = backend.range("/k/", RangeOptions::default()).await.unwrap();
        assert_eq!(all.kvs.len(), 50);
        assert_eq!(all.kvs[7].create_revision, 9);
    }

    #[tokio::test]
    async fn watch_after_restart_from_an_old_revision_is_compacted() {
        let dir = tempfile::tempdir().unwrap();
        {
            let backend = EmbeddedBackend::open(dir.path()).unwrap();
            backend.create("/a", Bytes::from_static(b"1")).await.unwrap();
        }
        let backend = EmbeddedBackend::open(dir.path()).unwrap();
        assert!(matches!(backend.watch("/", 1), Err(Error::Compacted { .. })));
        assert!(backend.watch("/", backend.current_revision()).is_ok());
    }
}
