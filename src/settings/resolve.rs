//! Resolution: one function per group of settings, each applying, in this order, the flag, the
//! `KPLANE_*` variable, the active profile in the config file, and the built-in default.

use std::path::{Path, PathBuf};

use super::env::{self, NO_COLOR};
use super::{
    ConfigFile, DEFAULT_CLUSTER_NAME, DEFAULT_PORT, DEFAULT_PROFILE, ENV_CLUSTER_NAME, ENV_DATA_DIR, ENV_KUBECONFIG,
    ENV_PORT, ENV_PROFILE, ENV_PROVIDER, Env, Error, Flags, Images, K3sSettings, KindSettings, ProfileFile, Provider,
    Result, Settings, Source, Sources, UiSettings, expand_tilde, load,
};

/// The first value present, in precedence order, remembering which layer gave it. The call
/// chain reads in that order: `Pick::flag(..).env(..).file(..).or(default)`.
struct Pick<T>(Option<(T, Source)>);

impl<T> Pick<T> {
    fn flag(value: Option<T>) -> Self {
        Pick(value.map(|value| (value, Source::Flag)))
    }

    fn env(self, var: &'static str, value: Option<T>) -> Self {
        Pick(self.0.or(value.map(|value| (value, Source::Env(var)))))
    }

    fn file(self, value: Option<T>) -> Self {
        Pick(self.0.or(value.map(|value| (value, Source::File))))
    }

    fn or(self, default: T) -> (T, Source) {
        self.0.unwrap_or((default, Source::Default))
    }

    /// For settings whose default is "not set".
    fn or_unset(self) -> (Option<T>, Source) {
        match self.0 {
            Some((value, source)) => (Some(value), source),
            None => (None, Source::Default),
        }
    }
}

impl Settings {
    /// Finds and reads the config file, then resolves every setting. Does not validate.
    pub fn resolve(flags: &Flags, env: &Env) -> Result<Settings> {
        let (config_path, config_source) = locate_config(flags, env)?;
        let file = load(&config_path)?.unwrap_or_default();
        Settings::from_file(flags, env, &file, config_path, config_source)
    }

    /// Resolves every setting against a config file already read from `config_path`.
    pub fn from_file(
        flags: &Flags,
        env: &Env,
        file: &ConfigFile,
        config_path: PathBuf,
        config_source: Source,
    ) -> Result<Settings> {
        let (profile_name, profile_source) = select_profile(flags, env, file)?;
        let profile = active_profile(file, &profile_name, &config_path)?;
        // Relative paths in the file mean "next to the file", whatever the working directory.
        let base = config_path.parent().unwrap_or(Path::new("")).to_path_buf();
        let ((provider, provider_src), (cluster_name, cluster_src), (port, port_src)) =
            management_plane(flags, env, &profile)?;
        let ((kubeconfig_path, kubeconfig_src), (data_dir, data_dir_src)) = paths(flags, env, &profile, &base)?;
        let (images, kind, k3s, image_sources) = images(flags, env, &profile, &base)?;
        let (ui, (color_src, progress_src)) = ui(flags, env, &profile);
        let sources = Sources {
            config_path: config_source,
            profile: profile_source,
            provider: provider_src,
            cluster_name: cluster_src,
            port: port_src,
            kubeconfig_path: kubeconfig_src,
            data_dir: data_dir_src,
            apiserver_image: image_sources[0],
            etcd_image: image_sources[1],
            kind_node_image: image_sources[2],
            kind_config_path: image_sources[3],
            k3s_image: image_sources[4],
            color: color_src,
            progress: progress_src,
        };
        Ok(Settings {
            config_path,
            profile: profile_name,
            provider,
            cluster_name,
            port,
            kubeconfig_path,
            data_dir,
            images,
            kind,
            k3s,
            ui,
            sources,
        })
    }
}

/// The config file: `--config` > `$XDG_CONFIG_HOME/kplane/config.yaml` >
/// `$HOME/.config/kplane/config.yaml`. No `KPLANE_*` variable: the file is where the others'
/// defaults live, and the XDG variable already moves it.
pub fn locate_config(flags: &Flags, env: &Env) -> Result<(PathBuf, Source)> {
    match &flags.config {
        Some(path) => Ok((expand_tilde(path, env)?, Source::Flag)),
        None => env::default_config_path(env),
    }
}

/// The profile name: `--profile` > `KPLANE_PROFILE` > the file's `currentProfile` > `default`.
pub fn select_profile(flags: &Flags, env: &Env, file: &ConfigFile) -> Result<(String, Source)> {
    let current = file.current_profile.clone().filter(|name| !name.is_empty());
    Ok(Pick::flag(flags.profile.clone())
        .env(ENV_PROFILE, env.string(ENV_PROFILE)?)
        .file(current)
        .or(DEFAULT_PROFILE.into()))
}

/// The named profile. `default` exists even when the file does not define it; any other name
/// must be defined, so a typo in `KPLANE_PROFILE` fails instead of silently using defaults.
fn active_profile(file: &ConfigFile, name: &str, path: &Path) -> Result<ProfileFile> {
    match file.profiles.get(name) {
        Some(profile) => Ok(profile.clone()),
        None if name == DEFAULT_PROFILE => Ok(ProfileFile::default()),
        None => Err(Error::ProfileNotFound {
            profile: name.into(),
            path: path.to_path_buf(),
            defined: file.profiles.keys().cloned().collect(),
        }),
    }
}

type Sourced<T> = (T, Source);

/// Provider, cluster name and port, each: flag > `KPLANE_*` > profile > default.
fn management_plane(
    flags: &Flags,
    env: &Env,
    profile: &ProfileFile,
) -> Result<(Sourced<Provider>, Sourced<String>, Sourced<u16>)> {
    let provider = Pick::flag(flags.provider)
        .env(ENV_PROVIDER, env.parsed(ENV_PROVIDER)?)
        .file(profile.provider)
        .or(Provider::default());
    let cluster_name = Pick::flag(flags.cluster_name.clone())
        .env(ENV_CLUSTER_NAME, env.string(ENV_CLUSTER_NAME)?)
        .file(profile.cluster_name.clone())
        .or(DEFAULT_CLUSTER_NAME.into());
    let port = Pick::flag(flags.port).env(ENV_PORT, env.parsed(ENV_PORT)?).file(profile.port).or(DEFAULT_PORT);
    Ok((provider, cluster_name, port))
}

/// Kubeconfig: `--kubeconfig` > `KPLANE_KUBECONFIG` > profile `kubeconfigPath` > unset (kubectl's
/// rules, applied by the kubeconfig code). Data dir: `--data-dir` > `KPLANE_DATA_DIR` >
/// `$XDG_DATA_HOME/kplane` > `$HOME/.local/share/kplane`; it has no file key.
fn paths(
    flags: &Flags,
    env: &Env,
    profile: &ProfileFile,
    base: &Path,
) -> Result<(Sourced<Option<PathBuf>>, Sourced<PathBuf>)> {
    let kubeconfig = Pick::flag(flag_path(&flags.kubeconfig, env)?)
        .env(ENV_KUBECONFIG, env.path(ENV_KUBECONFIG)?)
        .file(file_path(&profile.kubeconfig_path, env, base)?)
        .or_unset();
    let data_dir = match Pick::flag(flag_path(&flags.data_dir, env)?).env(ENV_DATA_DIR, env.path(ENV_DATA_DIR)?).0 {
        Some(chosen) => chosen,
        None => env::default_data_dir(env)?,
    };
    Ok((kubeconfig, data_dir))
}

/// Images and the kind/k3s settings: flag > profile > default (no variables: they are rarely
/// changed per shell, and the file or a flag says it more visibly).
fn images(
    flags: &Flags,
    env: &Env,
    profile: &ProfileFile,
    base: &Path,
) -> Result<(Images, KindSettings, K3sSettings, [Source; 5])> {
    let defaults = (Images::default(), KindSettings::default(), K3sSettings::default());
    let pick = |flag: &Option<String>, file: &Option<String>, default: String| {
        Pick::flag(flag.clone()).file(file.clone()).or(default)
    };
    let (apiserver, apiserver_src) = pick(&flags.apiserver_image, &profile.images.apiserver, defaults.0.apiserver);
    let (etcd, etcd_src) = pick(&flags.etcd_image, &profile.images.etcd, defaults.0.etcd);
    let (node_image, node_src) = pick(&flags.kind_node_image, &profile.kind.node_image, defaults.1.node_image);
    let (config_path, config_src) = Pick(None).file(file_path(&profile.kind.config_path, env, base)?).or_unset();
    let (k3s_image, k3s_src) = pick(&flags.k3s_image, &profile.k3s.image, defaults.2.image);
    Ok((
        Images { apiserver, etcd },
        KindSettings { node_image, config_path },
        K3sSettings { image: k3s_image },
        [apiserver_src, etcd_src, node_src, config_src, k3s_src],
    ))
}

/// Colour: `--no-color` > `NO_COLOR` (any non-empty value, per no-color.org) > profile `ui.color`
/// > on. Progress: profile `ui.progress` > on (`--quiet` is the printer's business).
fn ui(flags: &Flags, env: &Env, profile: &ProfileFile) -> (UiSettings, (Source, Source)) {
    let no_color = env.get(NO_COLOR).map(|_| false);
    let (color, color_src) = Pick::flag(flags.color).env(NO_COLOR, no_color).file(profile.ui.color).or(true);
    let (progress, progress_src) = Pick(None).file(profile.ui.progress).or(true);
    (UiSettings { color, progress }, (color_src, progress_src))
}

fn flag_path(path: &Option<PathBuf>, env: &Env) -> Result<Option<PathBuf>> {
    path.as_deref().map(|path| expand_tilde(path, env)).transpose()
}

fn file_path(path: &Option<PathBuf>, env: &Env, base: &Path) -> Result<Option<PathBuf>> {
    let Some(path) = path.as_deref().filter(|path| !path.as_os_str().is_empty()) else { return Ok(None) };
    let expanded = expand_tilde(path, env)?;
    Ok(Some(if expanded.is_absolute() { expanded } else { base.join(expanded) }))
}
