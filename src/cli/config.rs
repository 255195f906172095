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
            let candidates = [name.clone(), format!("kplane-{name}")];
            let Some(found) = candidates.iter().find(|c| merged.context(c).is_some()) else {
                anyhow::bail!(
                    "no context {name:?} or \"kplane-{name}\" in the kubeconfig; for a virtual control plane, \
                     fetch its credentials first (`kplane get-credentials` is not available yet) — contexts \
                     present: {}",
                    merged.context_names().collect::<Vec<_>>().join(", ")
                );
            };
            let file = kubeconfig::set_current_context(&paths, found)?;
            printer.message(&format!("switched to context {found} ({})", file.display()));
            Ok(())
        }
    }
}
