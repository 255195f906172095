//! The CLI's configuration: command-line flags, `KPLANE_*` environment variables and the user's
//! config file, resolved in one place into [`Settings`], with where each value came from.
//!
//! Precedence, for every value: **flag > environment > config file > built-in default**. The
//! functions in `resolve` each handle one group of settings and repeat the order in a comment.
//! Resolving never validates, so `kplane config view` can show a bad value and its origin;
//! commands that act call [`Settings::validate`], which reports every problem at once.
//!
//! # Environment variables
//!
//! An empty variable counts as unset.
//!
//! | variable | setting |
//! |---|---|
//! | `KPLANE_PROFILE` | the profile to use (instead of the file's `currentProfile`) |
//! | `KPLANE_PROVIDER` | `embedded`, `kind` or `k3s` (`k3d` is accepted for `k3s`) |
//! | `KPLANE_CLUSTER_NAME` | the management plane's name |
//! | `KPLANE_PORT` | the management plane's port |
//! | `KPLANE_KUBECONFIG` | the kubeconfig kplane writes (and hands to kubectl) |
//! | `KPLANE_DATA_DIR` | where the embedded provider keeps its state |
//!
//! `NO_COLOR`, `XDG_CONFIG_HOME`, `XDG_DATA_HOME` and `HOME` are read with their usual meaning.
//! `KUBECONFIG` is not read here: an unset kubeconfig path means "kubectl's rules", which the
//! kubeconfig code applies, so kplane and kubectl always agree on the file.
//!
//! # Config file
//!
//! `--config PATH`, else `$XDG_CONFIG_HOME/kplane/config.yaml`, else
//! `$HOME/.config/kplane/config.yaml`. A missing file means built-in defaults.
//!
//! ```yaml
//! currentProfile: default
//! profiles:
//!   default:
//!     provider: embedded            # embedded | kind | k3s
//!     clusterName: kplane-management
//!     port: 8443
//!     kubeconfigPath: ~/.kube/kplane  # optional; "~" is expanded, relative = next to this file
//!     images: {apiserver: …, etcd: …}
//!     kind: {nodeImage: …, configPath: …}
//!     k3s: {image: …}
//!     ui: {color: true, progress: true}
//! ```
//!
//! Every key of a profile is optional and falls back to its built-in default, so a profile that
//! sets only `port` still gets the default cluster name. Saving ([`save_provider`], [`set`])
//! edits the document in place, keeping keys this version does not know.

mod env;
mod file;
mod resolve;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use env::{ENV_CLUSTER_NAME, ENV_DATA_DIR, ENV_KUBECONFIG, ENV_PORT, ENV_PROFILE, ENV_PROVIDER, Env, expand_tilde};
pub use file::{ConfigFile, ImagesFile, K3sFile, KindFile, ProfileFile, UiFile, load, save_provider, set};
pub use resolve::{locate_config, select_profile};

/// The profile used when neither a flag, `KPLANE_PROFILE` nor `currentProfile` names one.
pub const DEFAULT_PROFILE: &str = "default";
/// The management plane's default name (also the kind/k3d cluster name).
pub const DEFAULT_CLUSTER_NAME: &str = "kplane-management";
/// The management plane's default port.
pub const DEFAULT_PORT: u16 = 8443;
/// The image kind and k3s run `kplane serve` from: the same version as this binary, so the CLI
/// never talks to a server older or newer than itself.
pub const DEFAULT_APISERVER_IMAGE: &str = concat!("ghcr.io/kplane-dev/kplane:v", env!("CARGO_PKG_VERSION"));
pub const DEFAULT_ETCD_IMAGE: &str = "registry.k8s.io/etcd:3.5.21-0";
pub const DEFAULT_KIND_NODE_IMAGE: &str = "kindest/node:v1.33.1";
pub const DEFAULT_K3S_IMAGE: &str = "rancher/k3s:v1.33.1-k3s1";

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot find the home directory: {var} is not set (or not an absolute path)")]
    NoHome { var: &'static str },
    #[error("invalid value {value:?} in {var}: {reason}")]
    InvalidEnv { var: &'static str, value: String, reason: String },
    #[error("cannot read the config file {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot parse the config file {path}")]
    Parse {
        path: PathBuf,
        #[source]
        source: serde_norway::Error,
    },
    #[error("cannot write the config file {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot edit the config file {path}: `{key}` is not a mapping")]
    NotAMapping { path: PathBuf, key: String },
    #[error("profile {profile:?} is not defined in {path} (defined: {})", list_or_none(.defined))]
    ProfileNotFound { profile: String, path: PathBuf, defined: Vec<String> },
    #[error("unknown config key `{key}` (known: {})", file::known_keys())]
    UnknownKey { key: String },
    #[error("invalid value {value:?} for config key `{key}`: {reason}")]
    InvalidValue { key: String, value: String, reason: String },
    #[error("invalid settings: {}", join_problems(.problems))]
    Invalid { problems: Vec<Problem> },
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() { "none".to_string() } else { names.join(", ") }
}

fn join_problems(problems: &[Problem]) -> String {
    problems.iter().map(Problem::to_string).collect::<Vec<_>>().join("; ")
}

/// Where a management plane runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Provider {
    /// A local `kplane serve` process; needs nothing but this binary.
    #[default]
    Embedded,
    Kind,
    /// k3s through k3d.
    K3s,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::Embedded, Provider::Kind, Provider::K3s];

    /// The canonical name, the one written to the config file.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Embedded => "embedded",
            Provider::Kind => "kind",
            Provider::K3s => "k3s",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Provider {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        match raw {
            "embedded" => Ok(Provider::Embedded),
            "kind" => Ok(Provider::Kind),
            // k3d is the tool that runs k3s; users of the original CLI wrote either.
            "k3s" | "k3d" => Ok(Provider::K3s),
            _ => Err(format!("unknown provider {raw:?} (expected embedded, kind or k3s)")),
        }
    }
}

impl Serialize for Provider {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Provider {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

/// Where a resolved value came from, for `kplane config view`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Flag,
    /// The environment variable that set it.
    Env(&'static str),
    File,
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("flag"),
            Source::Env(var) => write!(f, "env {var}"),
            Source::File => f.write_str("config file"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// The flags that override settings, as the clap layer parsed them: `None` means "not given".
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub config: Option<PathBuf>,
    pub profile: Option<String>,
    pub provider: Option<Provider>,
    pub cluster_name: Option<String>,
    pub port: Option<u16>,
    pub kubeconfig: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub apiserver_image: Option<String>,
    pub etcd_image: Option<String>,
    pub kind_node_image: Option<String>,
    pub k3s_image: Option<String>,
    /// `Some(false)` for `--no-color`.
    pub color: Option<bool>,
}

/// Fully resolved settings. Built by [`Settings::resolve`]; check with [`Settings::validate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The config file these settings were read from, and that saves go to (it may not exist).
    pub config_path: PathBuf,
    pub profile: String,
    pub provider: Provider,
    pub cluster_name: String,
    pub port: u16,
    /// `None`: follow kubectl's rules (`$KUBECONFIG`, else `~/.kube/config`).
    pub kubeconfig_path: Option<PathBuf>,
    pub data_dir: PathBuf,
    pub images: Images,
    pub kind: KindSettings,
    pub k3s: K3sSettings,
    pub ui: UiSettings,
    pub sources: Sources,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Images {
    /// The `kplane serve` image the kind and k3s providers deploy.
    pub apiserver: String,
    pub etcd: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KindSettings {
    pub node_image: String,
    /// A user-supplied kind cluster config; `None`: kplane generates one.
    pub config_path: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct K3sSettings {
    pub image: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UiSettings {
    pub color: bool,
    /// Spinners and progress bars (still only on a TTY).
    pub progress: bool,
}

impl Default for Images {
    fn default() -> Self {
        Images { apiserver: DEFAULT_APISERVER_IMAGE.to_string(), etcd: DEFAULT_ETCD_IMAGE.to_string() }
    }
}

impl Default for KindSettings {
    fn default() -> Self {
        KindSettings { node_image: DEFAULT_KIND_NODE_IMAGE.to_string(), config_path: None }
    }
}

impl Default for K3sSettings {
    fn default() -> Self {
        K3sSettings { image: DEFAULT_K3S_IMAGE.to_string() }
    }
}

impl Default for UiSettings {
    fn default() -> Self {
        UiSettings { color: true, progress: true }
    }
}

/// Where each field of [`Settings`] came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sources {
    pub config_path: Source,
    pub profile: Source,
    pub provider: Source,
    pub cluster_name: Source,
    pub port: Source,
    pub kubeconfig_path: Source,
    pub data_dir: Source,
    pub apiserver_image: Source,
    pub etcd_image: Source,
    pub kind_node_image: Source,
    pub kind_config_path: Source,
    pub k3s_image: Source,
    pub color: Source,
    pub progress: Source,
}

/// One line of `kplane config view`: the key as written in the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewEntry {
    pub key: &'static str,
    /// Empty when unset.
    pub value: String,
    pub source: Source,
}

/// One thing wrong with the settings, named by its config key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub key: &'static str,
    pub source: Source,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (from {}) {}", self.key, self.source, self.message)
    }
}

impl Settings {
    /// Checks what resolution cannot: every problem is reported, not just the first.
    pub fn validate(&self) -> Result<()> {
        let s = &self.sources;
        let mut problems = Vec::new();
        let mut problem = |key, source, message: String| problems.push(Problem { key, source, message });
        if self.profile.is_empty() {
            problem("profile", s.profile, "must not be empty".into());
        }
        if self.port == 0 {
            problem("port", s.port, "must be between 1 and 65535".into());
        }
        if let Err(reason) = crate::types::validate_dns1123_label(&self.cluster_name) {
            problem("clusterName", s.cluster_name, format!("{:?}: {reason}", self.cluster_name));
        }
        if self.kubeconfig_path.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
            problem("kubeconfigPath", s.kubeconfig_path, "must not be empty".into());
        }
        if self.data_dir.as_os_str().is_empty() {
            problem("dataDir", s.data_dir, "must not be empty".into());
        }
        for (key, source, image) in [
            ("images.apiserver", s.apiserver_image, &self.images.apiserver),
            ("images.etcd", s.etcd_image, &self.images.etcd),
            ("kind.nodeImage", s.kind_node_image, &self.kind.node_image),
            ("k3s.image", s.k3s_image, &self.k3s.image),
        ] {
            if image.trim().is_empty() {
                problem(key, source, "must not be empty".into());
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(Error::Invalid { problems }) }
    }

    /// Every setting with its value and origin, in a stable order, for `kplane config view`.
    pub fn view(&self) -> Vec<ViewEntry> {
        let s = &self.sources;
        let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        let entry = |key, value: String, source| ViewEntry { key, value, source };
        vec![
            entry("configPath", self.config_path.display().to_string(), s.config_path),
            entry("profile", self.profile.clone(), s.profile),
            entry("provider", self.provider.to_string(), s.provider),
            entry("clusterName", self.cluster_name.clone(), s.cluster_name),
            entry("port", self.port.to_string(), s.port),
            entry("kubeconfigPath", path(&self.kubeconfig_path), s.kubeconfig_path),
            entry("dataDir", self.data_dir.display().to_string(), s.data_dir),
            entry("images.apiserver", self.images.apiserver.clone(), s.apiserver_image),
            entry("images.etcd", self.images.etcd.clone(), s.etcd_image),
            entry("kind.nodeImage", self.kind.node_image.clone(), s.kind_node_image),
            entry("kind.configPath", path(&self.kind.config_path), s.kind_config_path),
            entry("k3s.image", self.k3s.image.clone(), s.k3s_image),
            entry("ui.color", self.ui.color.to_string(), s.color),
            entry("ui.progress", self.ui.progress.to_string(), s.progress),
        ]
    }
}

#[cfg(test)]
mod tests;
