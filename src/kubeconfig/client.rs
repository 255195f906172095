//! Kubernetes clients built from the same kubeconfig files kplane writes, so every call kplane
//! makes goes where `kubectl --context <name>` would (the original CLI wrote one file and
//! called kubectl with another).

use kube::config::{KubeConfigOptions, Kubeconfig};

use super::KubeconfigPaths;

/// What went wrong building a client.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("reading kubeconfig {path} for kube-rs")]
    Read {
        path: std::path::PathBuf,
        #[source]
        source: kube::config::KubeconfigError,
    },
    #[error("context {context} in the kubeconfig is unusable")]
    Context {
        context: String,
        #[source]
        source: kube::config::KubeconfigError,
    },
    #[error("building a client for context {context}")]
    Client {
        context: String,
        #[source]
        source: kube::Error,
    },
}

/// A client for `context`, read from the merged `paths` (files that do not exist are skipped,
/// as kubectl does).
pub async fn client(paths: &KubeconfigPaths, context: &str) -> Result<kube::Client, ClientError> {
    let mut merged: Option<Kubeconfig> = None;
    for path in paths.files().iter().filter(|p| p.exists()) {
        let file = Kubeconfig::read_from(path).map_err(|source| ClientError::Read { path: path.clone(), source })?;
        merged = Some(match merged {
            None => file,
            Some(so_far) => so_far.merge(file).map_err(|source| ClientError::Read { path: path.clone(), source })?,
        });
    }
    let options = KubeConfigOptions { context: Some(context.to_string()), ..KubeConfigOptions::default() };
    let config = kube::Config::from_custom_kubeconfig(merged.unwrap_or_default(), &options)
        .await
        .map_err(|source| ClientError::Context { context: context.to_string(), source })?;
    kube::Client::try_from(config).map_err(|source| ClientError::Client { context: context.to_string(), source })
}
