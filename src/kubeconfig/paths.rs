//! Which kubeconfig files are in play, by kubectl's precedence.
//!
//! client-go (`clientcmd.NewDefaultClientConfigLoadingRules`, `PathOptions`) decides:
//!
//! 1. `--kubeconfig FILE`: exactly that one file; nothing else is read or written. An empty
//!    flag value counts as not given.
//! 2. Otherwise, if `$KUBECONFIG` is set and non-empty: it is a path list, split like
//!    `filepath.SplitList` (`:` on Unix, `;` on Windows). Duplicates are dropped keeping the
//!    first occurrence; empty entries name no file and are skipped. Note that a `KUBECONFIG`
//!    made only of separators still selects this rule: kubectl then reads nothing and has
//!    nowhere to write, rather than falling back to the home file.
//! 3. Otherwise `$HOME/.kube/config`.
//!
//! The *default destination* (client-go `GetDefaultFilename`), where new entries and
//! `current-context` are written: the explicit file; else, with one `KUBECONFIG` file, that
//! file; with several, the first that exists, or the last one listed if none exists; else
//! the home file.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::{Error, Result};

/// The process state path resolution depends on, passed in so tests never read the real
/// environment or touch the real `~/.kube/config`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    /// `$KUBECONFIG`, raw.
    pub kubeconfig: Option<OsString>,
    /// The home directory (`$HOME`).
    pub home: Option<PathBuf>,
}

impl Env {
    /// Reads `KUBECONFIG` and `HOME` from this process. Only the CLI's edge should call this.
    pub fn from_process() -> Self {
        // client-go's homedir.HomeDir uses $HOME on Unix; USERPROFILE is its Windows fallback.
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .or_else(|| std::env::var_os("USERPROFILE").filter(|h| !h.is_empty()))
            .map(PathBuf::from);
        Env { kubeconfig: std::env::var_os("KUBECONFIG"), home }
    }
}

/// Which rule chose the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathSource {
    /// `--kubeconfig`.
    Flag,
    /// `$KUBECONFIG`.
    Env,
    /// `$HOME/.kube/config`.
    Home,
}

/// The kubeconfig files in precedence order, as kubectl would use them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeconfigPaths {
    source: PathSource,
    files: Vec<PathBuf>,
}

impl KubeconfigPaths {
    /// Applies kubectl's precedence (see the module docs).
    pub fn resolve(flag: Option<&Path>, env: &Env) -> Result<Self> {
        if let Some(flag) = flag.filter(|f| !f.as_os_str().is_empty()) {
            return Ok(KubeconfigPaths { source: PathSource::Flag, files: vec![flag.to_path_buf()] });
        }
        if let Some(list) = env.kubeconfig.as_ref().filter(|v| !v.is_empty()) {
            let mut files: Vec<PathBuf> = Vec::new();
            for file in std::env::split_paths(list) {
                if !file.as_os_str().is_empty() && !files.contains(&file) {
                    files.push(file);
                }
            }
            return Ok(KubeconfigPaths { source: PathSource::Env, files });
        }
        let home = env.home.as_ref().filter(|h| !h.as_os_str().is_empty()).ok_or(Error::NoHome)?;
        Ok(KubeconfigPaths { source: PathSource::Home, files: vec![home.join(".kube").join("config")] })
    }

    /// Exactly one file, as if given with `--kubeconfig`.
    pub fn explicit(file: impl Into<PathBuf>) -> Self {
        KubeconfigPaths { source: PathSource::Flag, files: vec![file.into()] }
    }

    /// The files, first (highest precedence) first.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    pub fn source(&self) -> PathSource {
        self.source
    }

    /// Whether a missing file is an error when reading (kubectl requires `--kubeconfig` to
    /// name an existing file; missing `KUBECONFIG` or home files are skipped).
    pub fn must_exist(&self) -> bool {
        self.source == PathSource::Flag
    }

    /// Where new entries and `current-context` go (client-go `GetDefaultFilename`); looks at
    /// the file system to see which files exist.
    pub fn default_destination(&self) -> Result<PathBuf> {
        match self.files.as_slice() {
            [] => Err(Error::NoFile),
            [only] => Ok(only.clone()),
            [.., last] => Ok(self.files.iter().find(|f| f.exists()).unwrap_or(last).clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(kubeconfig: Option<&str>, home: Option<&str>) -> Env {
        Env { kubeconfig: kubeconfig.map(OsString::from), home: home.map(PathBuf::from) }
    }

    fn files(list: &[&str]) -> Vec<PathBuf> {
        list.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn resolution_follows_kubectl_precedence() {
        struct Case {
            name: &'static str,
            flag: Option<&'static str>,
            kubeconfig: Option<&'static str>,
            home: Option<&'static str>,
            source: PathSource,
            files: &'static [&'static str],
        }
        let cases = [
            Case {
                name: "flag beats KUBECONFIG and home",
                flag: Some("/f/config"),
                kubeconfig: Some("/a:/b"),
                home: Some("/home/u"),
                source: PathSource::Flag,
                files: &["/f/config"],
            },
            Case {
                name: "empty flag counts as unset",
                flag: Some(""),
                kubeconfig: Some("/a"),
                home: Some("/home/u"),
                source: PathSource::Env,
                files: &["/a"],
            },
            Case {
                name: "KUBECONFIG list keeps order",
                flag: None,
                kubeconfig: Some("/a:/b:/c"),
                home: Some("/home/u"),
                source: PathSource::Env,
                files: &["/a", "/b", "/c"],
            },
            Case {
                name: "empty entries are skipped",
                flag: None,
                kubeconfig: Some(":/a::/b:"),
                home: None,
                source: PathSource::Env,
                files: &["/a", "/b"],
            },
            Case {
                name: "duplicates keep the first occurrence",
                flag: None,
                kubeconfig: Some("/b:/a:/b:/a"),
                home: None,
                source: PathSource::Env,
                files: &["/b", "/a"],
            },
            Case {
                name: "only separators selects KUBECONFIG with no files",
                flag: None,
                kubeconfig: Some("::"),
                home: Some("/home/u"),
                source: PathSource::Env,
                files: &[],
            },
            Case {
                name: "empty KUBECONFIG falls back to home",
                flag: None,
                kubeconfig: Some(""),
                home: Some("/home/u"),
                source: PathSource::Home,
                files: &["/home/u/.kube/config"],
            },
            Case {
                name: "unset KUBECONFIG falls back to home",
                flag: None,
                kubeconfig: None,
                home: Some("/home/u"),
                source: PathSource::Home,
                files: &["/home/u/.kube/config"],
            },
        ];
        for case in cases {
            let got = KubeconfigPaths::resolve(case.flag.map(Path::new), &env(case.kubeconfig, case.home))
                .unwrap_or_else(|e| panic!("{}: {e}", case.name));
            assert_eq!(got.source(), case.source, "{}", case.name);
            assert_eq!(got.files(), files(case.files).as_slice(), "{}", case.name);
        }
    }

    #[test]
    fn no_home_and_nothing_else_is_an_error() {
        for home in [None, Some("")] {
            let err = KubeconfigPaths::resolve(None, &env(None, home)).unwrap_err();
            assert!(matches!(err, Error::NoHome), "{err}");
        }
    }

    #[test]
    fn default_destination_is_first_existing_else_last() {
        let dir = tempfile::tempdir().unwrap();
        let p = |n: &str| dir.path().join(n);
        std::fs::write(p("b"), "").unwrap();
        std::fs::write(p("c"), "").unwrap();
        let list = |names: &[&str]| {
            let joined = std::env::join_paths(names.iter().map(|n| p(n))).unwrap();
            KubeconfigPaths::resolve(None, &Env { kubeconfig: Some(joined), home: None }).unwrap()
        };
        let cases: [(&str, &[&str], &str); 4] = [
            ("one file, even if missing", &["x"], "x"),
            ("first existing wins", &["a", "b", "c"], "b"),
            ("none exists: the last one", &["x", "y"], "y"),
            ("existing later file beats missing earlier one", &["x", "c"], "c"),
        ];
        for (name, names, want) in cases {
            assert_eq!(list(names).default_destination().unwrap(), p(want), "{name}");
        }
        assert_eq!(KubeconfigPaths::explicit(p("x")).default_destination().unwrap(), p("x"));
        let empty = KubeconfigPaths::resolve(None, &env(Some(":"), None)).unwrap();
        assert!(matches!(empty.default_destination(), Err(Error::NoFile)));
    }
}
