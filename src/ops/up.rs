//! `up` and `down`: start (or reuse) and stop the management plane through a provider.

use crate::provider::{ClusterSpec, ClusterState, Endpoint, Provider, ProviderError};

use super::Reporter;

/// What `up` did.
#[derive(Debug)]
pub struct UpOutcome {
    pub endpoint: Endpoint,
    /// True when a healthy management plane was already running and nothing changed.
    pub reused: bool,
}

/// Starts the management plane `spec.name`, or reuses it when it is already serving — then
/// no certificate, token or data changes. A stopped one is restarted with its data.
pub async fn up(
    provider: &dyn Provider,
    spec: &ClusterSpec,
    reporter: &dyn Reporter,
) -> Result<UpOutcome, ProviderError> {
    let kind = provider.kind();
    reporter.step(&format!("{kind}: checking requirements"));
    if let Err(err) = provider.check() {
        reporter.failed();
        return Err(err);
    }
    reporter.done("ok");
    let state = provider.state(&spec.name).await?;
    if let ClusterState::Running(endpoint) = state {
        reporter.note(&format!("{kind}: reusing the running management plane {} at {}", spec.name, endpoint.server));
        return Ok(UpOutcome { endpoint, reused: true });
    }
    let verb = if state == ClusterState::Stopped { "restarting" } else { "creating" };
    reporter.step(&format!("{kind}: {verb} management plane {}", spec.name));
    match provider.start(spec).await {
        Ok(endpoint) => {
            reporter.done(&endpoint.server);
            Ok(UpOutcome { endpoint, reused: false })
        }
        Err(err) => {
            reporter.failed();
            Err(err)
        }
    }
}

/// Stops the management plane `name` and removes its data unless `keep_data`.
pub async fn down(
    provider: &dyn Provider,
    name: &str,
    keep_data: bool,
    reporter: &dyn Reporter,
) -> Result<(), ProviderError> {
    let kind = provider.kind();
    let what = if keep_data { "stopping" } else { "deleting" };
    reporter.step(&format!("{kind}: {what} management plane {name}"));
    match provider.delete(name, keep_data).await {
        Ok(()) => {
            reporter.done(if keep_data { "data kept" } else { "removed" });
            Ok(())
        }
        Err(err) => {
            reporter.failed();
            Err(err)
        }
    }
}
