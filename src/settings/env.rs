//! The environment settings are read from, passed in so tests never see the real one, and the
//! paths derived from it: the config file, the data dir and `~`.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::{Error, Result, Source};

pub const ENV_PROFILE: &str = "KPLANE_PROFILE";
pub const ENV_PROVIDER: &str = "KPLANE_PROVIDER";
pub const ENV_CLUSTER_NAME: &str = "KPLANE_CLUSTER_NAME";
pub const ENV_PORT: &str = "KPLANE_PORT";
pub const ENV_KUBECONFIG: &str = "KPLANE_KUBECONFIG";
pub const ENV_DATA_DIR: &str = "KPLANE_DATA_DIR";

const HOME: &str = "HOME";
const XDG_CONFIG_HOME: &str = "XDG_CONFIG_HOME";
const XDG_DATA_HOME: &str = "XDG_DATA_HOME";
pub(super) const NO_COLOR: &str = "NO_COLOR";

/// A snapshot of environment variables. `main` takes the process's; tests build one from pairs.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, OsString>,
}

impl Env {
    pub fn from_process() -> Env {
        // A variable whose *name* is not UTF-8 cannot be one we read.
        std::env::vars_os().filter_map(|(name, value)| Some((name.into_string().ok()?, value))).collect()
    }

    /// The variable's value; empty counts as unset, as `VAR= kplane …` is how shells clear one.
    pub fn get(&self, name: &str) -> Option<&OsStr> {
        self.vars.get(name).map(OsString::as_os_str).filter(|value| !value.is_empty())
    }

    pub(super) fn string(&self, name: &'static str) -> Result<Option<String>> {
        let Some(value) = self.get(name) else { return Ok(None) };
        match value.to_str() {
            Some(text) => Ok(Some(text.to_string())),
            None => Err(Error::InvalidEnv {
                var: name,
                value: value.to_string_lossy().into_owned(),
                reason: "not valid UTF-8".into(),
            }),
        }
    }

    /// Parses a variable, naming it in the error so the user knows which one to fix.
    pub(super) fn parsed<T: FromStr>(&self, name: &'static str) -> Result<Option<T>>
    where
        T::Err: Display,
    {
        let Some(text) = self.string(name)? else { return Ok(None) };
        match text.trim().parse() {
            Ok(value) => Ok(Some(value)),
            Err(reason) => Err(Error::InvalidEnv { var: name, value: text, reason: reason.to_string() }),
        }
    }

    /// A path variable, with `~` expanded.
    pub(super) fn path(&self, name: &'static str) -> Result<Option<PathBuf>> {
        self.get(name).map(|value| expand_tilde(Path::new(value), self)).transpose()
    }

    fn home(&self) -> Result<PathBuf> {
        self.absolute(HOME).ok_or(Error::NoHome { var: HOME })
    }

    /// Only absolute values count: the XDG spec says relative ones are invalid and to be ignored.
    fn absolute(&self, name: &str) -> Option<PathBuf> {
        self.get(name).map(PathBuf::from).filter(|path| path.is_absolute())
    }
}

impl<K: Into<String>, V: Into<OsString>> FromIterator<(K, V)> for Env {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        Env { vars: pairs.into_iter().map(|(name, value)| (name.into(), value.into())).collect() }
    }
}

/// Expands a leading `~` or `~/` to `$HOME`. `~user` is left alone: looking up other users'
/// homes is the shell's job, and a path that happens to start with `~name` should stay literal.
pub fn expand_tilde(path: &Path, env: &Env) -> Result<PathBuf> {
    match path.strip_prefix("~") {
        // `join("")` would add a trailing separator to a bare `~`.
        Ok(rest) if rest.as_os_str().is_empty() => env.home(),
        Ok(rest) => Ok(env.home()?.join(rest)),
        Err(_) => Ok(path.to_path_buf()),
    }
}

/// `$XDG_CONFIG_HOME/kplane/config.yaml`, else `$HOME/.config/kplane/config.yaml`.
pub(super) fn default_config_path(env: &Env) -> Result<(PathBuf, Source)> {
    let (dir, source) = xdg_dir(env, XDG_CONFIG_HOME, ".config")?;
    Ok((dir.join("config.yaml"), source))
}

/// `$XDG_DATA_HOME/kplane`, else `$HOME/.local/share/kplane`.
pub(super) fn default_data_dir(env: &Env) -> Result<(PathBuf, Source)> {
    xdg_dir(env, XDG_DATA_HOME, ".local/share")
}

fn xdg_dir(env: &Env, var: &'static str, under_home: &str) -> Result<(PathBuf, Source)> {
    match env.absolute(var) {
        Some(base) => Ok((base.join("kplane"), Source::Env(var))),
        None => Ok((env.home()?.join(under_home).join("kplane"), Source::Default)),
    }
}
