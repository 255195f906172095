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

use crate::registry::store::Registry;

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
