//! The garbage collector: runs [`Registry::collect_garbage`] on every plane whose objects
//! changed in a way that may have made garbage (an object deleted; a dependent written; an
//! owner marked for orphan or foreground deletion), and at start and after lost events on every
//! plane that holds owner references or an owner being finalized (work a restart interrupted).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::queue::Workers;
use crate::registry::store::{GcOutcome, PlaneChange, Registry};
use crate::types::PlaneName;

/// How soon a plane whose owners still wait on deleting dependents is looked at again (their
/// deletion may be held by finalizers nobody here watches).
const WAITING_INTERVAL: Duration = Duration::from_secs(2);
/// Planes collected at once.
const CONCURRENCY: usize = 4;

pub async fn run(registry: Arc<Registry>, mut shutdown: watch::Receiver<bool>) {
    let mut workers = Workers::new(CONCURRENCY);
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
        match registry.planes_to_collect().await {
            Ok(planes) => planes.iter().for_each(|plane| workers.add(plane.as_str())),
            Err(err) => tracing::warn!(error = %err, "listing planes for garbage collection failed"),
        }
        loop {
            workers.start(|plane| {
                let registry = registry.clone();
                async move {
                    let outcome = match PlaneName::parse(&plane) {
                        Ok(name) => registry.collect_garbage(&name).await,
                        Err(_) => Ok(GcOutcome::default()),
                    };
                    match outcome {
                        Ok(outcome) => outcome.waiting.then_some(WAITING_INTERVAL),
                        Err(err) => {
                            tracing::warn!(%plane, error = %err, "garbage collection failed; will retry");
                            Some(WAITING_INTERVAL)
                        }
                    }
                }
            });
            tokio::select! {
                change = changes.next() => match change {
                    Some(PlaneChange::Plane(plane)) => workers.add(plane.as_str()),
                    Some(PlaneChange::All) => continue 'watching,
                    None => break 'watching,
                },
                _ = workers.advance() => {}
                _ = shutdown.changed() => break 'watching,
            }
        }
    }
    workers.shutdown().await;
}
