//! Kubeconfig files, read and written the way kubectl (client-go's `clientcmd`) does.
//!
//! This module owns everything kplane does to a user's kubeconfig: which files are in play
//! ([`paths`]), how several files merge into one view for reading ([`merge`]), the on-disk
//! format including fields kplane does not know ([`model`]), the names kplane gives its entries
//! ([`names`]), and safe edits — lock file, atomic replace, mode 0600 ([`lock`], [`write`]).
//! It is used by the CLI and its operations, never by the server.
//!
//! The rules, in one place (each is restated where it is implemented):
//!
//! - **Which files**: `--kubeconfig` (one file) > `$KUBECONFIG` (a path list) >
//!   `$HOME/.kube/config`. The environment is a parameter ([`Env`]) so tests inject it.
//! - **Reading**: the first file to define a cluster, user or context name wins; the first
//!   file to set `current-context` wins. Missing files are skipped, except an explicit
//!   `--kubeconfig` file, which kubectl requires to exist.
//! - **Writing**: an entry goes back to the file that defines it; a new entry goes next to its
//!   siblings (the file holding the same-named context, else cluster, else user), else to
//!   kubectl's default destination. `current-context` goes to the default destination.
//!   Same-named entries are replaced whole; everything else, unknown fields included, is kept.
//! - **Safety**: `<file>.lock` created exclusively, retried briefly; temp file + fsync +
//!   rename; new files 0600 in a 0700 directory.
//! - **TLS only**: kplane refuses to write a cluster that does not verify the server's
//!   certificate, or a user without a token or client certificate ([`validate`]).
//!
//! Unlike the original CLI, an unreadable existing file is an error (never silently treated as
//! empty), writes are locked and atomic, and the same file list is used for reading and
//! writing, so the kubectl calls kplane makes see what it wrote.

pub mod client;
pub mod lock;
pub mod merge;
pub mod model;
pub mod names;
pub mod paths;
pub mod validate;
pub mod write;

use std::path::PathBuf;
use std::time::Duration;

pub use client::{ClientError, client};
pub use merge::{Merged, Sourced, load};
pub use model::{Cluster, Config, Context, NamedCluster, NamedContext, NamedUser, User};
pub use names::{ManagementProvider, management_context, vcp_context, vcp_name_from_context};
pub use paths::{Env, KubeconfigPaths, PathSource};
pub use validate::{Credential, Entry};
pub use write::{remove_entries, set_current_context, write_config, write_entry};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, with the file involved wherever there is one.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot find the kubeconfig: HOME is not set; set HOME, KUBECONFIG or pass --kubeconfig")]
    NoHome,
    #[error("KUBECONFIG names no file (only empty entries); set it to a path or pass --kubeconfig")]
    NoFile,
    #[error("kubeconfig {path} does not exist (given with --kubeconfig)")]
    ExplicitMissing { path: PathBuf },
    #[error("reading kubeconfig {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("kubeconfig {path} is not valid YAML")]
    Yaml {
        path: PathBuf,
        #[source]
        source: serde_norway::Error,
    },
    #[error("kubeconfig {path} is not a valid kubeconfig")]
    Decode {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("kubeconfig {path} is not valid: {reason}")]
    Invalid { path: PathBuf, reason: String },
    #[error("serialising kubeconfig {path}")]
    Encode {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("serialising kubeconfig {path}")]
    EncodeYaml {
        path: PathBuf,
        #[source]
        source: serde_norway::Error,
    },
    #[error("writing kubeconfig {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "kubeconfig {path} is locked by another process (waited {waited:?}); if no kubectl or kplane is \
         running, remove {path}.lock"
    )]
    Locked { path: PathBuf, waited: Duration },
    #[error("locking kubeconfig {path}")]
    Lock {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("refusing to write {kind} {name:?} to the kubeconfig: {reason}")]
    Refused { kind: &'static str, name: String, reason: String },
    #[error("no context named {name:?} in the kubeconfig ({})", display_paths(paths))]
    ContextNotFound { name: String, paths: Vec<PathBuf> },
}

fn display_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "no files".to_owned();
    }
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}
