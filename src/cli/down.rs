//! `kplane down`: stop the management plane, remove its data (unless `--keep-data`) and every
//! context kplane wrote for it.

use anyhow::Context as _;

use super::GlobalArgs;
use super::output::Printer;
use super::up::{kubeconfig_paths, management_context, provider_kind, resolve};
use crate::kubeconfig;
use crate::ops;
use crate::provider;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub plane: super::up::PlaneArgs,

    /// Stop the server but keep its data, certificates and token for the next `up`.
    #[arg(long)]
    pub keep_data: bool,
}

pub async fn run(args: Args, global: &GlobalArgs, printer: &Printer) -> anyhow::Result<()> {
    let settings = resolve(global, args.plane.provider.as_deref(), args.plane.cluster_name.as_deref(), None)?;
    let kind = provider_kind(&settings);
    let provider = provider::build(kind, settings.data_dir.join(kind.as_str()));
    let name = settings.cluster_name.clone();
    ops::up::down(provider.as_ref(), &name, args.keep_data, printer)
        .await
        .with_context(|| format!("taking down the management plane {name}"))?;
    let paths = kubeconfig_paths(&settings)?;
    let doomed = contexts_of(&paths, &management_context(kind, &name));
    let names: Vec<&str> = doomed.iter().map(String::as_str).collect();
    kubeconfig::remove_entries(&paths, &names).context("removing kplane's contexts from the kubeconfig")?;
    printer.success(&format!("down: management plane {name} {}", if args.keep_data { "stopped" } else { "removed" }));
    Ok(())
}

/// The management context and every `kplane-<plane>` context served by the same server.
fn contexts_of(paths: &kubeconfig::KubeconfigPaths, management: &str) -> Vec<String> {
    let mut doomed = vec![management.to_string()];
    let Ok(merged) = kubeconfig::load(paths) else { return doomed };
    let server_of = |context: &str| -> Option<String> {
        let cluster = merged.context(context)?.value.cluster.clone()?;
        merged.cluster(&cluster)?.value.server.clone()
    };
    let Some(server) = server_of(management) else { return doomed };
    for context in merged.context_names() {
        if kubeconfig::vcp_name_from_context(context).is_some()
            && server_of(context).is_some_and(|s| s.starts_with(&format!("{server}/")))
        {
            doomed.push(context.to_string());
        }
    }
    doomed
}
