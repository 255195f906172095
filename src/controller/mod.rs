//! In-process controllers: small reconcile loops that run inside `kplane serve` and act
//! through the registry, never around it. Uses `registry`; never `server` or `cli`.

pub mod controlplane;
pub mod fleet;
pub mod gc;
pub mod namespace;
mod queue;

use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::registry::error::{ApiError, ApiResult};
use crate::registry::selector::LabelSelector;
use crate::registry::store::{ListOptions, Registry, Target, WatchOptions, Watcher};

/// Starts every controller; each ends when `shutdown` flips to true.
pub fn spawn_all(
    registry: Arc<Registry>,
    server: controlplane::ServerInfo,
    shutdown: watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    vec![
        tokio::spawn(namespace::run(registry.clone(), shutdown.clone())),
        tokio::spawn(controlplane::run(registry.clone(), server, shutdown.clone())),
        tokio::spawn(fleet::run(registry.clone(), shutdown.clone())),
        tokio::spawn(gc::run(registry, shutdown)),
    ]
}

/// A controller's watch of `target` from its current state on (every object first, as ADDED),
/// optionally of objects carrying the label `labelled` only.
async fn watch_from_now(registry: &Registry, target: &Target, labelled: Option<&str>) -> ApiResult<Watcher> {
    let label_selector =
        labelled.map(|key| LabelSelector::parse(key).map_err(|err| ApiError::internal(err.to_string()))).transpose()?;
    let options = WatchOptions {
        list: ListOptions { label_selector, ..ListOptions::default() },
        allow_bookmarks: false,
        timeout: None,
        bookmark_interval: std::time::Duration::from_secs(60),
        send_initial_events: None,
    };
    registry.watch(target, options).await
}
