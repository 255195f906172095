//! Reading: several kubeconfig files merged into the one view kubectl would use.
//!
//! client-go (`ClientConfigLoadingRules.Load`) reads the files in precedence order and merges
//! so that the **first** file to define a cluster, user or context name wins, and the first
//! file to set a non-empty `current-context` wins. Missing files are skipped, but an explicit
//! `--kubeconfig` file must exist; a file that cannot be read or parsed is an error.
//!
//! Like client-go's loader, relative paths in an entry (`certificate-authority`,
//! `client-certificate`, `client-key`, `tokenFile`) are resolved against the directory of the
//! file they came from, so the merged view can be used from any working directory. Writes
//! never see these resolved paths: they edit the files as stored.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::model::{Cluster, Config, Context, User};
use super::paths::KubeconfigPaths;
use super::{Error, Result};

/// An entry and the file that defines it (client-go's `LocationOfOrigin`).
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced<T> {
    pub value: T,
    pub source: PathBuf,
}

/// The merged, read-only view of all kubeconfig files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    current_context: Option<Sourced<String>>,
    clusters: BTreeMap<String, Sourced<Cluster>>,
    users: BTreeMap<String, Sourced<User>>,
    contexts: BTreeMap<String, Sourced<Context>>,
    files: Vec<PathBuf>,
}

/// Reads and merges the files by kubectl's rules (see the module docs).
pub fn load(paths: &KubeconfigPaths) -> Result<Merged> {
    let mut merged = Merged::default();
    for path in paths.files() {
        let Some(config) = read_file(path)? else {
            if paths.must_exist() {
                return Err(Error::ExplicitMissing { path: path.clone() });
            }
            continue;
        };
        merged.add(path, config);
    }
    Ok(merged)
}

/// Reads and parses one file; `None` if it does not exist. Any other failure is an error: the
/// original CLI silently started from an empty config on any read error and then overwrote
/// the user's file.
pub(crate) fn read_file(path: &Path) -> Result<Option<Config>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Config::parse(path, &text).map(Some),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Read { path: path.to_path_buf(), source }),
    }
}

impl Merged {
    fn add(&mut self, path: &Path, config: Config) {
        let dir = path.parent().unwrap_or(Path::new(""));
        let source = || path.to_path_buf();
        if self.current_context.is_none()
            && let Some(current) = config.current()
        {
            self.current_context = Some(Sourced { value: current.to_owned(), source: source() });
        }
        for named in config.clusters {
            let mut cluster = named.cluster;
            resolve(dir, &mut cluster.certificate_authority);
            self.clusters.entry(named.name).or_insert_with(|| Sourced { value: cluster, source: source() });
        }
        for named in config.users {
            let mut user = named.user;
            resolve(dir, &mut user.client_certificate);
            resolve(dir, &mut user.client_key);
            resolve(dir, &mut user.token_file);
            self.users.entry(named.name).or_insert_with(|| Sourced { value: user, source: source() });
        }
        for named in config.contexts {
            self.contexts.entry(named.name).or_insert_with(|| Sourced { value: named.context, source: source() });
        }
        self.files.push(path.to_path_buf());
    }

    /// The current context's name, if any file sets one.
    pub fn current_context(&self) -> Option<&str> {
        self.current_context.as_ref().map(|c| c.value.as_str())
    }

    /// The file whose `current-context` is in effect.
    pub fn current_context_source(&self) -> Option<&Path> {
        self.current_context.as_ref().map(|c| c.source.as_path())
    }

    pub fn cluster(&self, name: &str) -> Option<&Sourced<Cluster>> {
        self.clusters.get(name)
    }

    pub fn user(&self, name: &str) -> Option<&Sourced<User>> {
        self.users.get(name)
    }

    pub fn context(&self, name: &str) -> Option<&Sourced<Context>> {
        self.contexts.get(name)
    }

    /// Context names, sorted.
    pub fn context_names(&self) -> impl Iterator<Item = &str> {
        self.contexts.keys().map(String::as_str)
    }

    /// The files that existed and were read, in precedence order.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }
}

fn resolve(dir: &Path, field: &mut Option<String>) {
    if let Some(value) = field.as_mut()
        && !value.is_empty()
        && Path::new(value.as_str()).is_relative()
    {
        *value = dir.join(value.as_str()).to_string_lossy().into_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubeconfig::paths::Env;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn env_list(files: &[&PathBuf]) -> KubeconfigPaths {
        let joined = std::env::join_paths(files).unwrap();
        KubeconfigPaths::resolve(None, &Env { kubeconfig: Some(joined), home: None }).unwrap()
    }

    const A: &str = r#"
clusters:
- {name: shared, cluster: {server: "https://from-a"}}
- {name: only-a, cluster: {server: "https://a", certificate-authority: ca.pem}}
users:
- {name: shared, user: {token: a, client-key: /abs/key.pem}}
contexts:
- {name: shared, context: {cluster: shared, user: shared}}
current-context: ""
"#;
    const B: &str = r#"
clusters:
- {name: shared, cluster: {server: "https://from-b"}}
- {name: only-b, cluster: {server: "https://b"}}
contexts:
- {name: shared, context: {cluster: only-b, user: x}}
- {name: only-b, context: {cluster: only-b}}
current-context: only-b
"#;
    const C: &str = "current-context: shared\n";

    #[test]
    fn first_file_to_define_a_name_wins() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (write(dir.path(), "a", A), write(dir.path(), "b", B), write(dir.path(), "c", C));
        let missing = dir.path().join("missing");
        let merged = load(&env_list(&[&missing, &a, &b, &c])).unwrap();

        let server = |n| merged.cluster(n).map(|c| (c.value.server.clone().unwrap_or_default(), c.source.clone()));
        let ctx_cluster =
            |n| merged.context(n).map(|c| (c.value.cluster.clone().unwrap_or_default(), c.source.clone()));
        let cases = [
            ("shared cluster from a", server("shared"), Some(("https://from-a", &a))),
            ("cluster only in b", server("only-b"), Some(("https://b", &b))),
            ("shared context from a", ctx_cluster("shared"), Some(("shared", &a))),
            ("context only in b", ctx_cluster("only-b"), Some(("only-b", &b))),
            ("unknown cluster", server("nope"), None),
        ];
        for (name, got, want) in cases {
            assert_eq!(got, want.map(|(s, p)| (s.to_owned(), p.clone())), "{name}");
        }
        // a's `current-context: ""` does not count as setting it; b is the first that does.
        assert_eq!(merged.current_context(), Some("only-b"));
        assert_eq!(merged.current_context_source(), Some(b.as_path()));
        assert_eq!(merged.files(), [a.clone(), b.clone(), c.clone()]);
        assert_eq!(merged.context_names().collect::<Vec<_>>(), ["only-b", "shared"]);
    }

    #[test]
    fn relative_paths_resolve_against_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "a", A);
        let merged = load(&env_list(&[&a])).unwrap();
        let ca = merged.cluster("only-a").unwrap().value.certificate_authority.clone().unwrap();
        assert_eq!(PathBuf::from(ca), dir.path().join("ca.pem"));
        assert_eq!(merged.user("shared").unwrap().value.client_key.as_deref(), Some("/abs/key.pem"));
    }

    #[test]
    fn missing_files_are_skipped_unless_given_explicitly() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let merged = load(&env_list(&[&missing])).unwrap();
        assert_eq!(merged, Merged::default());
        let home = Env { kubeconfig: None, home: Some(dir.path().to_path_buf()) };
        assert_eq!(load(&KubeconfigPaths::resolve(None, &home).unwrap()).unwrap(), Merged::default());
        let err = load(&KubeconfigPaths::explicit(&missing)).unwrap_err();
        assert!(matches!(err, Error::ExplicitMissing { ref path } if *path == missing), "{err}");
    }

    #[test]
    fn an_unparsable_file_fails_the_load_and_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let good = write(dir.path(), "good", A);
        let bad = write(dir.path(), "bad", "clusters: {oops\n");
        let err = load(&env_list(&[&good, &bad])).unwrap_err();
        assert!(err.to_string().contains(&*bad.to_string_lossy()), "{err}");
    }

    #[test]
    fn an_unreadable_file_is_an_error_not_an_empty_config() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where a file is expected: reading fails with something other than
        // NotFound, whoever runs the test (root ignores permission bits).
        let err = load(&KubeconfigPaths::explicit(dir.path())).unwrap_err();
        assert!(matches!(err, Error::Read { .. }), "{err}");
    }
}
