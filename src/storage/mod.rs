//! Etcd-shaped storage: a revisioned key-value store with prefix ranges and watches.
//!
//! This module knows keys, bytes and revisions — nothing of HTTP or Kubernetes kinds
//! (`registry` gives the bytes meaning). Every backend implements [`Backend`] and runs the
//! one suite in [`conformance`]; the semantics below are the contract those tests check.
//!
//! # Revisions
//! One counter per store, starting at 1 for an empty store, incremented by every committed
//! write (a [`Backend::txn`] commits all its operations at one revision). A key's
//! `mod_revision` is the revision of its last write, `create_revision` that of the write that
//! created it. The registry uses `mod_revision` as the object's `resourceVersion`.
//!
//! # Durability
//! A write future resolves only once the write is durable: for the embedded backend, once
//! it is fsynced to the write-ahead log. Readers never observe a write before that point.

#[cfg(test)]
pub mod conformance;
pub mod embedded;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use tokio::sync::mpsc;

pub use embedded::EmbeddedBackend;

/// A store revision. Revision 0 means "before anything".
pub type Revision = i64;

/// A key with its value and revisions.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyValue {
    pub key: Arc<str>,
    pub value: Bytes,
    pub create_revision: Revision,
    pub mod_revision: Revision,
}

/// What happened to a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// Created or updated; `kv` is the new value.
    Put,
    /// Deleted; `kv` holds the last value, with `mod_revision` set to the deleting revision.
    Delete,
}

/// One change, delivered by [`Backend::watch`].
#[derive(Clone, Debug)]
pub struct Event {
    pub kind: EventKind,
    pub kv: KeyValue,
    /// For a Put that updated an existing key: the value before it.
    pub prev: Option<KeyValue>,
}

impl Event {
    pub fn revision(&self) -> Revision {
        self.kv.mod_revision
    }

    /// True when this Put created the key.
    pub fn is_create(&self) -> bool {
        self.kind == EventKind::Put && self.kv.create_revision == self.kv.mod_revision
    }
}

/// Options of a prefix range read.
#[derive(Clone, Debug, Default)]
pub struct RangeOptions {
    /// Only keys strictly greater than this one (for paging).
    pub start_after: Option<String>,
    /// At most this many keys; `None` or `Some(0)` means all.
    pub limit: Option<usize>,
}

/// The result of a prefix range read, consistent at `revision`.
#[derive(Clone, Debug, Default)]
pub struct RangeResult {
    pub kvs: Vec<KeyValue>,
    /// The store revision the read was served at.
    pub revision: Revision,
    /// Keys under the prefix after the last returned one (0 when the read was complete).
    pub remaining: usize,
}

/// One operation of an all-or-nothing [`Backend::txn`].
#[derive(Clone, Debug)]
pub enum TxnOp {
    /// Create `key`; the whole transaction fails with [`Error::KeyExists`] if it exists.
    Create { key: String, value: Bytes },
    /// Replace `key` if its `mod_revision` is `expected`.
    Update { key: String, value: Bytes, expected: Revision },
    /// Delete `key` if its `mod_revision` is `expected`.
    Delete { key: String, expected: Revision },
}

/// The small, closed set of storage failures (mirrors etcd and the apiserver's storage errors).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("key {key} not found")]
    NotFound { key: String },
    #[error("key {key} already exists")]
    KeyExists { key: String },
    #[error("key {key} was modified: expected revision {expected}, current {current}")]
    Conflict { key: String, expected: Revision, current: Revision },
    #[error("revision {requested} has been compacted; oldest available is {compacted}")]
    Compacted { requested: Revision, compacted: Revision },
    #[error("revision {requested} is newer than the current revision {current}")]
    FutureRevision { requested: Revision, current: Revision },
    #[error("storage is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("storage failed internally")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An etcd-shaped, revisioned key-value store. Every method documents its contract; the
/// [`conformance`] suite checks it against each implementation.
pub trait Backend: Send + Sync + 'static {
    /// The value of `key`, or `None`. Reflects every write whose future has resolved.
    fn get(&self, key: &str) -> BoxFuture<'_, Result<Option<KeyValue>>>;

    /// Keys starting with `prefix`, in byte order, consistent at one revision.
    fn range(&self, prefix: &str, options: RangeOptions) -> BoxFuture<'_, Result<RangeResult>>;

    /// Creates `key`. Fails with [`Error::KeyExists`] if it exists.
    fn create(&self, key: &str, value: Bytes) -> BoxFuture<'_, Result<KeyValue>>;

    /// Replaces `key` if its current `mod_revision` equals `expected`. Fails with
    /// [`Error::NotFound`] if it does not exist, [`Error::Conflict`] if it changed.
    fn update(&self, key: &str, value: Bytes, expected: Revision) -> BoxFuture<'_, Result<KeyValue>>;

    /// Deletes `key` if its current `mod_revision` equals `expected`; returns the deleted value
    /// with `mod_revision` set to the deleting revision. Errors as for `update`.
    fn delete(&self, key: &str, expected: Revision) -> BoxFuture<'_, Result<KeyValue>>;

    /// Applies every operation at one new revision, or none of them (the first failing
    /// precondition is returned). Returns the revision.
    fn txn(&self, ops: Vec<TxnOp>) -> BoxFuture<'_, Result<Revision>>;

    /// Deletes every key starting with `prefix` at one revision (etcd `DeleteRange`). Returns
    /// the number of keys deleted; deleting nothing does not create a revision.
    fn delete_prefix(&self, prefix: &str) -> BoxFuture<'_, Result<usize>>;

    /// Streams every change to keys starting with `prefix` whose revision is greater than
    /// `after`, in revision order, first those already retained, then live ones.
    /// Fails with [`Error::Compacted`] if events after `after` are no longer retained, and
    /// [`Error::FutureRevision`] if `after` is beyond the current revision.
    fn watch(&self, prefix: &str, after: Revision) -> Result<WatchStream>;

    /// The revision of the last committed write.
    fn current_revision(&self) -> Revision;
}

/// Per-watch queue bound: a consumer this far behind is cut off (it re-watches from its
/// last revision, like an etcd watcher that falls behind).
pub const WATCH_QUEUE_LIMIT: usize = 100_000;

/// A live stream of events for one watch. Dropping it cancels the watch.
pub struct WatchStream {
    rx: mpsc::UnboundedReceiver<WatchItem>,
    queued: Arc<AtomicUsize>,
}

/// What a watch delivers: an event, or the reason it ended early.
#[derive(Debug)]
pub enum WatchItem {
    Event(Event),
    /// The consumer fell more than [`WATCH_QUEUE_LIMIT`] events behind.
    Lagged,
}

impl WatchStream {
    /// The next event; `None` when the backend closed the watch (shutdown).
    pub async fn next(&mut self) -> Option<WatchItem> {
        let item = self.rx.recv().await;
        if item.is_some() {
            self.queued.fetch_sub(1, Ordering::Relaxed);
        }
        item
    }

    /// True when no event is queued. A revision read *before* this returns true is safe
    /// to report as a bookmark: every event up to it has been delivered.
    pub fn is_idle(&self) -> bool {
        self.queued.load(Ordering::Acquire) == 0
    }
}

/// The sending side of a [`WatchStream`], kept by a backend.
#[derive(Clone)]
pub struct WatchSender {
    tx: mpsc::UnboundedSender<WatchItem>,
    queued: Arc<AtomicUsize>,
}

impl WatchSender {
    pub fn channel() -> (WatchSender, WatchStream) {
        let (tx, rx) = mpsc::unbounded_channel();
        let queued = Arc::new(AtomicUsize::new(0));
        (WatchSender { tx, queued: queued.clone() }, WatchStream { rx, queued })
    }

    /// Queues an event. Returns false when the watch is gone or has been cut off for
    /// lagging; the backend then forgets this sender.
    pub fn send(&self, event: Event) -> bool {
        if self.queued.fetch_add(1, Ordering::Relaxed) >= WATCH_QUEUE_LIMIT {
            let _ = self.tx.send(WatchItem::Lagged);
            return false;
        }
        self.tx.send(WatchItem::Event(event)).is_ok()
    }

    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}
