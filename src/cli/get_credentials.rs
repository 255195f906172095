//! `kplane get-credentials NAME`: write the kubeconfig context of the management plane (a
//! virtual control plane's credentials come with the ControlPlane API, not yet served).

use anyhow::Context as _;

use super::GlobalArgs;
use super::output::Printer;
use super::up::{PlaneArgs, kubeconfig_paths, management_context, provider_kind, resolve};
use crate::kubeconfig::{self, Credential, Entry};
use crate::provider::{self, ClusterState};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The management plane's name (a virtual control plane's name is not supported yet).
    pub name: String,

    #[command(flatten)]
    pub plane: PlaneArgs,

    /// Make the context the current one.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub set_current: bool,
}

pub async fn run(args: Args, global: &GlobalArgs, printer: &Printer) -> anyhow::Result<()> {
    let settings = resolve(global, args.plane.provider.as_deref(), args.plane.cluster_name.as_deref(), None)?;
    let kind = provider_kind(&settings);
    let provider = provider::build(kind, settings.data_dir.join(kind.as_str()));
    let endpoint = match provider.state(&args.name).await? {
        ClusterState::Running(endpoint) => endpoint,
        ClusterState::Stopped => anyhow::bail!(
            "management plane {} is stopped: start it with `kplane up --cluster-name {}`",
            args.name,
            args.name
        ),
        ClusterState::Absent => anyhow::bail!(
            "no management plane named {} ({kind} provider); credentials of virtual control planes \
             are not available yet (they need the ControlPlane API)",
            args.name
        ),
    };
    let context = management_context(kind, &args.name);
    let entry = Entry {
        name: context.clone(),
        server: endpoint.server.clone(),
        ca_pem: endpoint.ca_pem.into_bytes(),
        credential: Credential::Token(endpoint.token),
        namespace: None,
    };
    let paths = kubeconfig_paths(&settings)?;
    let file = kubeconfig::write_entry(&paths, &entry, args.set_current)
        .with_context(|| format!("writing context {context}"))?;
    printer.message(&format!("kubeconfig: context {context} in {} (current: {})", file.display(), args.set_current));
    Ok(())
}
