//! Where the management plane's `kplane serve` runs: a [`Provider`] per place, chosen once
//! by [`ProviderKind`]. `embedded` (the default) runs it as a local background process and
//! needs nothing but this binary; `kind` and `k3s` will run it in pods of a local container
//! cluster. Used by the CLI's operations; never by `server`.

pub mod embedded;
pub mod external;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use futures_util::future::BoxFuture;

pub use embedded::EmbeddedProvider;

/// The providers kplane knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    Embedded,
    Kind,
    K3s,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 3] = [ProviderKind::Embedded, ProviderKind::Kind, ProviderKind::K3s];

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Embedded => "embedded",
            ProviderKind::Kind => "kind",
            ProviderKind::K3s => "k3s",
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProviderKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "embedded" => Ok(ProviderKind::Embedded),
            "kind" => Ok(ProviderKind::Kind),
            // k3d is the tool that runs k3s in containers; accept both names.
            "k3s" | "k3d" => Ok(ProviderKind::K3s),
            other => Err(format!("unknown provider {other:?}: choose embedded, kind or k3s")),
        }
    }
}

/// How to reach a running management plane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// `https://host:port` of the root plane.
    pub server: String,
    pub ca_pem: String,
    pub token: String,
}

/// What `up` asks a provider to create.
#[derive(Clone, Debug)]
pub struct ClusterSpec {
    /// The management plane's name (a DNS-1123 label).
    pub name: String,
    /// The HTTPS port on 127.0.0.1.
    pub port: u16,
}

/// The state of a management plane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClusterState {
    /// Nothing of it exists.
    Absent,
    /// Its data exists but its server is not running.
    Stopped,
    /// Serving at this endpoint.
    Running(Endpoint),
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("the {provider} provider needs {tool}, which is not installed or not on PATH; {hint}")]
    MissingTool { provider: ProviderKind, tool: &'static str, hint: &'static str },
    #[error("the {provider} provider needs a running Docker engine: {detail}")]
    NoDocker { provider: ProviderKind, detail: String },
    #[error("port {port} on 127.0.0.1 is already in use; pick another with --port, or stop what uses it")]
    PortBusy { port: u16 },
    #[error("{path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("kplane serve exited before it was ready (exit status {status}); its log {log} ends with:\n{tail}")]
    ServerExited { status: String, log: PathBuf, tail: String },
    #[error("kplane serve did not become ready within {seconds}s; see its log {log}")]
    NotReady { seconds: u64, log: PathBuf },
    #[error("the {provider} provider's management plane is not implemented yet; use --provider embedded")]
    NotImplemented { provider: ProviderKind },
}

pub type Result<T, E = ProviderError> = std::result::Result<T, E>;

/// A place where the management plane runs. Every method documents its contract; `up`,
/// `down` and `doctor` are written against this trait only.
pub trait Provider: Send + Sync {
    fn kind(&self) -> ProviderKind;

    /// Checks that everything this provider needs is present (tools, daemons), without
    /// changing anything. The error says what is missing and how to fix it.
    fn check(&self) -> Result<()>;

    /// The state of the management plane `name`. Never changes anything.
    fn state<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<ClusterState>>;

    /// Starts the management plane described by `spec` — creating it, or restarting a
    /// stopped one with its existing data, certificates and token — and waits until it
    /// serves. Fails fast with [`ProviderError::PortBusy`] if the port is taken.
    fn start<'a>(&'a self, spec: &'a ClusterSpec) -> BoxFuture<'a, Result<Endpoint>>;

    /// Stops the management plane `name` and, unless `keep_data`, removes all its data.
    /// Succeeds when there is nothing to stop.
    fn delete<'a>(&'a self, name: &'a str, keep_data: bool) -> BoxFuture<'a, Result<()>>;
}

/// Builds the provider of `kind`. `data_dir` holds the embedded provider's planes.
pub fn build(kind: ProviderKind, data_dir: PathBuf) -> Box<dyn Provider> {
    match kind {
        ProviderKind::Embedded => Box::new(EmbeddedProvider::new(data_dir)),
        ProviderKind::Kind | ProviderKind::K3s => Box::new(external::ContainerProvider::new(kind)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_names_parse_with_k3d_as_an_alias() {
        assert_eq!("embedded".parse(), Ok(ProviderKind::Embedded));
        assert_eq!("k3d".parse(), Ok(ProviderKind::K3s));
        assert!("docker".parse::<ProviderKind>().is_err());
        for kind in ProviderKind::ALL {
            assert_eq!(kind.as_str().parse(), Ok(kind));
        }
    }
}
