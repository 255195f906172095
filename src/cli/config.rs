//! `kplane config view | set-provider | use-context`.

use anyhow::Context as _;

use super::GlobalArgs;
use super::output::Printer;
use crate::kubeconfig::{self, KubeconfigPaths};
use crate::settings::{self, Flags};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print the resolved settings and where each value came from.
    View,
    /// Save the provider (embedded, kind, k3s) in the active profile.
    SetProvider {
        /// embedded, kind or k3s.
        provider: String,
    },
    /// Switch the kubeconfig's current context; the `kplane-` prefix may be left out.
    UseContext {
        /// A context name, e.g. `kplane-demo`, `demo` or `kplane@kplane-management`.
        name: String,
    },
}

pub async fn run(command: Command, global: &GlobalArgs, printer: &Printer) -> anyhow::Result<()> {
    let env = settings::Env::from_process();
    let flags = Flags { config: global.config.clone(), kubeconfig: global.kubeconfig.clone(), ..Flags::default() };
    match command {
        Command::View => {
            let resolved = settings::Settings::resolve(&flags, &env).context("reading kplane's settings")?;
            let mut out = format!("config: {}\nprofile: {}\n", resolved.config_path.display(), resolved.profile);
            for entry in resolved.view() {
                out.push_str(&format!("{}: {}  # {}\n", entry.key, entry.value, entry.source));
            }
            printer.data(&out);
            Ok(())
        }
        Command::SetProvider { provider } => {
            let provider: settings::Provider = provider.parse().map_err(|err| anyhow::anyhow!("{err}"))?;
            let (path, _) = settings::locate_config(&flags, &env)?;
            let file = settings::load(&path)?.unwrap_or_default();
            let (profile, _) = settings::select_profile(&flags, &env, &file)?;
            let changed = settings::save_provider(&path, &profile, provider)
                .with_context(|| format!("saving the provider in {}", path.display()))?;
            let what = if changed { "saved" } else { "already set" };
            printer.message(&format!("provider {provider} {what} in profile {profile} ({})", path.display()));
            Ok(())
        }
        Command::UseContext { name } => {
            let paths = KubeconfigPaths::resolve(global.kubeconfig.as_deref(), &kubeconfig::Env::from_process())
                .context("locating the kubeconfig")?;
            let merged = kubeconfig::load(&paths).context("reading the kubeconfig")?;
            let candidates = [name.clone(), format!("{}{name}", kubeconfig::names::VCP_PREFIX)];
            let found = match candidates.iter().find(|c| merged.context(c).is_some()) {
                Some(found) => found.clone(),
                None => fetch_missing(&name, &merged, global, printer).await?,
            };
            let file = kubeconfig::set_current_context(&paths, &found)?;
            printer.message(&format!("switched to context {found} ({})", file.display()));
            Ok(())
        }
    }
}

/// A context that is not in the kubeconfig yet: if `name` (with or without the `kplane-`
/// prefix) is a virtual control plane, fetch its credentials; returns the context written.
async fn fetch_missing(
    name: &str,
    merged: &kubeconfig::Merged,
    global: &GlobalArgs,
    printer: &Printer,
) -> anyhow::Result<String> {
    let plane = name.strip_prefix(kubeconfig::names::VCP_PREFIX).unwrap_or(name);
    let settings = super::up::resolve(global, None, None, None)?;
    let fetched = super::get_credentials::virtual_plane(plane, false, FETCH_TIMEOUT, settings, printer).await;
    fetched.with_context(|| {
        format!(
            "no context {name:?} in the kubeconfig, and its credentials could not be fetched; contexts present: {}",
            merged.context_names().collect::<Vec<_>>().join(", ")
        )
    })
}

/// How long `use-context` waits for a plane it fetches credentials for.
const FETCH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
