//! `kplane get-credentials NAME`: write the kubeconfig context of a virtual control plane
//! (waiting, by watching, until it is ready) or of the management plane.

use std::time::Duration;

use anyhow::Context as _;

use super::GlobalArgs;
use super::clusters::{connect, parse_duration, write_credentials};
use super::output::Printer;
use super::up::{PlaneArgs, kubeconfig_paths, management_context, provider_kind, resolve};
use crate::kubeconfig::{self, Credential, Entry};
use crate::ops;
use crate::provider::{self, ClusterState};
use crate::types::PlaneName;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A virtual control plane, or the management plane's name.
    pub name: String,

    #[command(flatten)]
    pub plane: PlaneArgs,

    /// Make the context the current one.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub set_current: bool,

    /// How long to wait for a virtual control plane to become ready.
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    pub timeout: Duration,
}

pub async fn run(args: Args, global: &GlobalArgs, printer: &Printer) -> anyhow::Result<()> {
    let settings = resolve(global, args.plane.provider.as_deref(), args.plane.cluster_name.as_deref(), None)?;
    if args.name == settings.cluster_name {
        return management(args, settings, printer).await;
    }
    let context = virtual_plane(&args.name, args.set_current, args.timeout, settings, printer).await?;
    printer.message(&format!("kubeconfig: context {context} written (current: {})", args.set_current));
    Ok(())
}

/// Waits for the virtual control plane `name` and writes its context; returns the context.
pub(super) async fn virtual_plane(
    name: &str,
    set_current: bool,
    timeout: Duration,
    settings: crate::settings::Settings,
    printer: &Printer,
) -> anyhow::Result<String> {
    let plane = PlaneName::parse(name).map_err(|why| anyhow::anyhow!("{name:?} cannot name a control plane: {why}"))?;
    let connected = connect(settings).await?;
    if ops::clusters::get(&connected.management, &plane).await?.is_none() {
        return Err(ops::clusters::ClusterError::NotFound { name: name.to_string() }.into());
    }
    let cp = ops::clusters::wait_ready(&connected.management, &plane, timeout, printer).await?;
    write_credentials(&connected, &cp, set_current).await
}

async fn management(args: Args, settings: crate::settings::Settings, printer: &Printer) -> anyhow::Result<()> {
    let kind = provider_kind(&settings);
    let provider = provider::build(kind, settings.data_dir.join(kind.as_str()));
    let endpoint = match provider.state(&args.name).await? {
        ClusterState::Running(endpoint) => endpoint,
        ClusterState::Stopped => anyhow::bail!(
            "management plane {} is stopped: start it with `kplane up --cluster-name {}`",
            args.name,
            args.name
        ),
        ClusterState::Absent => {
            anyhow::bail!("management plane {} does not exist ({kind} provider): create it with `kplane up`", args.name)
        }
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
