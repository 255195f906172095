//! The namespace controller: finishes the deletion of terminating namespaces in every plane
//! (upstream's namespace lifecycle controller in kube-controller-manager).
//!
//! It reconciles on three triggers: at start (namespaces left terminating by a restart), when
//! the registry reports a namespace began terminating, and every [`RETRY_INTERVAL`] while
//! some namespace still waits for its content's finalizers.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::registry::store::Registry;
use crate::types::PlaneName;

/// How often namespaces whose content is held by finalizers are looked at again.
pub const RETRY_INTERVAL: Duration = Duration::from_secs(2);

pub async fn run(registry: Arc<Registry>, mut shutdown: watch::Receiver<bool>) {
    loop {
        let pending = match registry.terminating_namespaces().await {
            Ok(pending) => pending,
            Err(err) => {
                tracing::warn!(error = %err, "listing terminating namespaces failed");
                BTreeSet::new()
            }
        };
        let mut waiting = false;
        for (plane, namespace) in pending {
            match reconcile(&registry, &plane, &namespace).await {
                Ok(true) => tracing::debug!(%plane, namespace, "namespace deleted"),
                Ok(false) => waiting = true,
                Err(err) => {
                    waiting = true;
                    tracing::warn!(%plane, namespace, error = %err, "namespace cleanup failed; will retry");
                }
            }
        }
        let retry = async {
            if waiting { tokio::time::sleep(RETRY_INTERVAL).await } else { std::future::pending::<()>().await }
        };
        tokio::select! {
            _ = registry.namespace_deletions() => {}
            _ = retry => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// One pass over one namespace; true when it is gone.
async fn reconcile(registry: &Registry, plane: &PlaneName, namespace: &str) -> crate::registry::error::ApiResult<bool> {
    registry.finish_namespace(plane, namespace).await
}
