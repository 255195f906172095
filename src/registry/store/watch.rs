//! WATCH: synthetic ADDED events for the current state (resourceVersion unset or "0"),
//! then changes from storage, filtered by selectors — an object that stops matching is
//! reported DELETED, one that starts matching ADDED, as upstream's watch cache does.
//! Bookmarks carry a revision only when nothing older is still queued for this watch.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::list::{Filter, ListOptions};
use super::{Registry, Target, decode_as};
use crate::registry::error::{ApiError, ApiResult, from_storage};
use crate::registry::keys;
use crate::registry::kind::ResourceType;
use crate::storage::{Backend, EventKind, RangeOptions, WatchItem, WatchStream};

/// Options of a WATCH.
#[derive(Clone, Debug)]
pub struct WatchOptions {
    pub list: ListOptions,
    pub allow_bookmarks: bool,
    /// `timeoutSeconds`; `None` picks upstream's default (30–60 minutes).
    pub timeout: Option<Duration>,
    pub bookmark_interval: Duration,
    pub send_initial_events: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchEventType {
    Added,
    Modified,
    Deleted,
    Bookmark,
    Error,
}

impl WatchEventType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "ADDED",
            Self::Modified => "MODIFIED",
            Self::Deleted => "DELETED",
            Self::Bookmark => "BOOKMARK",
            Self::Error => "ERROR",
        }
    }
}

/// One event of a watch stream.
#[derive(Clone, Debug)]
pub struct WatchEvent {
    pub kind: WatchEventType,
    pub object: Value,
}

/// A running watch. `next` yields events until the timeout, a shutdown or a lag cut-off.
pub struct Watcher {
    rt: Arc<ResourceType>,
    backend: Arc<dyn Backend>,
    filter: Filter,
    pending: VecDeque<WatchEvent>,
    stream: Option<WatchStream>,
    deadline: Instant,
    bookmarks: Option<Duration>,
    next_bookmark: Instant,
}

impl Registry {
    pub async fn watch(&self, target: &Target, options: WatchOptions) -> ApiResult<Watcher> {
        let rt = &target.rt;
        if options.send_initial_events.is_some() {
            return Err(ApiError::invalid_options(
                "ListOptions",
                "sendInitialEvents",
                "Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled",
            ));
        }
        let filter = Filter::new(rt, &options.list)?;
        let prefix = keys::collection_prefix(&target.plane, rt, target.namespace.as_deref());
        let requested = match options.list.resource_version.as_deref() {
            None | Some("") | Some("0") => None,
            Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
                ApiError::bad_request(format!("invalid resource version \"{raw}\": must be a decimal integer"))
            })?),
        };
        let mut pending = VecDeque::new();
        let stream = match requested {
            Some(after) => self.backend.watch(&prefix, after),
            None => {
                // "Get state and start at most recent": the current objects as ADDED, then
                // everything after the revision they were read at.
                let state = self.backend.range(&prefix, RangeOptions::default()).await;
                let state = state.map_err(|e| from_storage(e, rt, ""))?;
                for kv in &state.kvs {
                    let object = decode_as(rt, kv)?;
                    if filter.matches(&object) {
                        pending.push_back(WatchEvent { kind: WatchEventType::Added, object });
                    }
                }
                self.backend.watch(&prefix, state.revision)
            }
        };
        let stream = match stream {
            Ok(stream) => Some(stream),
            Err(crate::storage::Error::Compacted { requested, compacted }) => {
                // Upstream reports an expired revision as a 200 stream with one ERROR event.
                let status = ApiError::expired(format!("too old resource version: {requested} ({compacted})"));
                pending.push_back(WatchEvent { kind: WatchEventType::Error, object: status.to_status() });
                None
            }
            Err(err) => return Err(from_storage(err, rt, "")),
        };
        let timeout = options.timeout.unwrap_or_else(|| {
            // Upstream spreads watch lifetimes over [min-request-timeout, 2×) so clients
            // do not all reconnect at once.
            Duration::from_secs(rand::rng().random_range(1800..3600))
        });
        let now = Instant::now();
        Ok(Watcher {
            rt: rt.clone(),
            backend: self.backend.clone(),
            filter,
            pending,
            stream,
            deadline: now + timeout,
            bookmarks: options.allow_bookmarks.then_some(options.bookmark_interval),
            next_bookmark: now + options.bookmark_interval,
        })
    }
}

impl Watcher {
    /// The next event; `None` when the watch is over (timeout, shutdown, lag or error).
    pub async fn next(&mut self) -> Option<WatchEvent> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some(event);
            }
            let stream = self.stream.as_mut()?;
            let bookmark_at = match self.bookmarks {
                Some(_) => self.next_bookmark,
                None => self.deadline,
            };
            tokio::select! {
                item = stream.next() => match item {
                    Some(WatchItem::Event(event)) => self.translate(event),
                    Some(WatchItem::Lagged) | None => return None,
                },
                _ = tokio::time::sleep_until(self.deadline) => return None,
                _ = tokio::time::sleep_until(bookmark_at), if self.bookmarks.is_some() => {
                    if let Some(event) = self.bookmark() {
                        return Some(event);
                    }
                }
            }
        }
    }

    fn translate(&mut self, event: crate::storage::Event) {
        let Ok(object) = decode_as(&self.rt, &event.kv) else { return };
        let kind = match event.kind {
            EventKind::Delete => self.filter.matches(&object).then_some(WatchEventType::Deleted),
            EventKind::Put => {
                let now = self.filter.matches(&object);
                let before = match &event.prev {
                    None => false,
                    Some(_) if self.filter.is_empty() => true,
                    Some(prev) => decode_as(&self.rt, prev).is_ok_and(|p| self.filter.matches(&p)),
                };
                match (before, now) {
                    (false, true) => Some(WatchEventType::Added),
                    (true, true) => Some(WatchEventType::Modified),
                    (true, false) => Some(WatchEventType::Deleted),
                    (false, false) => None,
                }
            }
        };
        if let Some(kind) = kind {
            self.pending.push_back(WatchEvent { kind, object });
        }
    }

    /// A bookmark at the current revision, if no older event is still on its way.
    fn bookmark(&mut self) -> Option<WatchEvent> {
        let interval = self.bookmarks?;
        self.next_bookmark = Instant::now() + interval;
        let revision = self.backend.current_revision();
        if !self.stream.as_ref()?.is_idle() {
            return None;
        }
        let object = json!({
            "kind": self.rt.kind,
            "apiVersion": self.rt.api_version(),
            "metadata": {"resourceVersion": revision.to_string()},
        });
        Some(WatchEvent { kind: WatchEventType::Bookmark, object })
    }
}
