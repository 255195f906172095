//! The garbage collector: runs [`Registry::collect_garbage`] on every plane whose objects
//! changed in a way that may have made garbage (an object deleted; a dependent written; an
//! owner marked for orphan or foreground deletion), and on every plane at start (work a
//! restart interrupted) and after lost events.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

use super::queue::{Queue, sleep_until};
use crate::registry::error::ApiResult;
use crate::registry::store::{GcOutcome, PlaneChange, Registry};
use crate::types::PlaneName;

/// How soon a plane whose owners still wait on deleting dependents is looked at again (their
/// deletion may be held by finalizers nobody here watches).
const WAITING_INTERVAL: Duration = Duration::from_secs(2);
/// Planes collected at once.
const CONCURRENCY: usize = 4;

pub async fn run(registry: Arc<Registry>, mut shutdown: watch::Receiver<bool>) {
    let mut queue = Queue::default();
    let mut running: JoinSet<(String, ApiResult<GcOutcome>)> = JoinSet::new();
    'watching: loop {
        let mut changes = match registry.plane_changes() {
            Ok(changes) => changes,
            Err(err) => {
                tracing::warn!(error = %err, "the garbage collector cannot watch; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(WAITING_INTERVAL) => continue,
                    _ = shutdown.changed() => break,
                }
            }
        };
        // Watching first, then the full pass: nothing that happens in between is missed.
        queue_every_plane(&registry, &mut queue).await;
        loop {
            while running.len() < CONCURRENCY {
                let Some(plane) = queue.start_next() else { break };
                let registry = registry.clone();
                running.spawn(async move {
                    let outcome = match PlaneName::parse(&plane) {
                        Ok(name) => registry.collect_garbage(&name).await,
                        Err(_) => Ok(GcOutcome::default()),
                    };
                    (plane, outcome)
                });
            }
            let due = queue.next_due();
            tokio::select! {
                change = changes.next() => match change {
                    Some(PlaneChange::Plane(plane)) => queue.add(plane.as_str()),
                    Some(PlaneChange::All) => continue 'watching,
                    None => break 'watching,
                },
                Some(done) = running.join_next(), if !running.is_empty() => {
                    let Ok((plane, outcome)) = done else { continue };
                    let again = match outcome {
                        Ok(outcome) => outcome.waiting.then_some(WAITING_INTERVAL),
                        Err(err) => {
                            tracing::warn!(%plane, error = %err, "garbage collection failed; will retry");
                            Some(WAITING_INTERVAL)
                        }
                    };
                    queue.finish(plane, again);
                },
                _ = sleep_until(due) => queue.release_due(),
                _ = shutdown.changed() => break 'watching,
            }
        }
    }
    running.shutdown().await;
}

async fn queue_every_plane(registry: &Registry, queue: &mut Queue) {
    match registry.planes().await {
        Ok(planes) => planes.iter().for_each(|plane| queue.add(plane.as_str())),
        Err(err) => tracing::warn!(error = %err, "listing planes for garbage collection failed"),
    }
}
