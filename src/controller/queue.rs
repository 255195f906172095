//! The work queue every controller here uses: names to reconcile, names being reconciled, and
//! names to look at again later. A name is never reconciled twice at once; a change that
//! arrives while it is in flight makes it run once more afterwards. [`Workers`] runs the passes.

use std::collections::{BTreeSet, HashSet};
use std::future::Future;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;

/// A [`Queue`] and the passes over its names: at most `limit` at once, each a task that says
/// when (if ever) its name wants another look.
pub struct Workers {
    queue: Queue,
    running: JoinSet<(String, Option<Duration>)>,
    limit: usize,
}

impl Workers {
    pub fn new(limit: usize) -> Self {
        Workers { queue: Queue::default(), running: JoinSet::new(), limit }
    }

    pub fn add(&mut self, name: &str) {
        self.queue.add(name);
    }

    /// Starts `pass` over queued names while fewer than the limit run.
    pub fn start<F, Fut>(&mut self, pass: F)
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Option<Duration>> + Send + 'static,
    {
        while self.running.len() < self.limit {
            let Some(name) = self.queue.start_next() else { break };
            let pass = pass(name.clone());
            self.running.spawn(async move { (name, pass.await) });
        }
    }

    /// Waits until a pass ends or a delayed name comes due, and books it; never returns when
    /// neither can happen (for `select!` arms).
    pub async fn advance(&mut self) {
        let due = self.queue.next_due();
        tokio::select! {
            Some(done) = self.running.join_next(), if !self.running.is_empty() => {
                if let Ok((name, after)) = done {
                    self.queue.finish(name, after);
                }
            }
            _ = sleep_until(due) => self.queue.release_due(),
        }
    }

    /// Stops the passes still running.
    pub async fn shutdown(mut self) {
        self.running.shutdown().await;
    }
}

#[derive(Default)]
struct Queue {
    dirty: BTreeSet<String>,
    in_flight: HashSet<String>,
    /// Changed while in flight: reconcile again when the running pass ends.
    again: HashSet<String>,
    later: Vec<(Instant, String)>,
}

impl Queue {
    pub fn add(&mut self, name: &str) {
        if name.is_empty() {
            return;
        }
        if self.in_flight.contains(name) {
            self.again.insert(name.to_string());
        } else {
            self.dirty.insert(name.to_string());
        }
    }

    /// The next name to reconcile, now marked in flight.
    pub fn start_next(&mut self) -> Option<String> {
        let name = self.dirty.pop_first()?;
        self.in_flight.insert(name.clone());
        Some(name)
    }

    /// A pass over `name` ended; `after`: look at it again that much later.
    pub fn finish(&mut self, name: String, after: Option<Duration>) {
        self.in_flight.remove(&name);
        if self.again.remove(&name) {
            self.dirty.insert(name);
        } else if let Some(after) = after {
            // One pending look per name: the latest pass knows best when it is due.
            self.later.retain(|(_, pending)| *pending != name);
            self.later.push((Instant::now() + after, name));
        }
    }

    /// When the earliest delayed name is due.
    pub fn next_due(&self) -> Option<Instant> {
        self.later.iter().map(|(at, _)| *at).min()
    }

    /// Queues the delayed names whose time has come.
    pub fn release_due(&mut self) {
        let now = Instant::now();
        let (due, later): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.later).into_iter().partition(|(at, _)| *at <= now);
        self.later = later;
        for (_, name) in due {
            self.add(&name);
        }
    }
}

/// Sleeps until `at`, or forever when there is nothing to wait for.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_never_runs_twice_at_once() {
        let mut queue = Queue::default();
        queue.add("a");
        assert_eq!(queue.start_next().as_deref(), Some("a"));
        queue.add("a");
        assert_eq!(queue.start_next(), None, "a is in flight");
        queue.finish("a".into(), None);
        assert_eq!(queue.start_next().as_deref(), Some("a"), "changed while in flight: runs again");
        queue.finish("a".into(), Some(Duration::from_secs(60)));
        assert!(queue.next_due().is_some());
        queue.add("a");
        queue.start_next();
        queue.finish("a".into(), Some(Duration::from_secs(120)));
        assert_eq!(queue.later.len(), 1, "one pending look per name");
        assert_eq!(queue.start_next(), None, "not due yet");
    }
}
