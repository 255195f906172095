//! `kplane up`: create or reuse the management plane, write its context, say what's next.

use anyhow::Context as _;

use super::GlobalArgs;
use super::output::Printer;
use crate::kubeconfig::{self, Credential, Entry, KubeconfigPaths, ManagementProvider};
use crate::ops;
use crate::provider::{self, ClusterSpec, Endpoint, ProviderKind};
use crate::settings::{self, Flags, Settings};

/// Which management plane a command addresses (shared by `up`, `down` …).
#[derive(Debug, clap::Args)]
pub struct PlaneArgs {
    /// Where the management plane runs: embedded (default), kind or k3s.
    #[arg(long)]
    pub provider: Option<String>,

    /// The management plane's name.
    #[arg(long)]
    pub cluster_name: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub plane: PlaneArgs,

    /// The HTTPS port on 127.0.0.1.
    #[arg(long)]
    pub port: Option<u16>,

    /// Make the management context the current one.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub set_current: bool,
}

/// Resolves settings from the flags every management command shares.
pub(super) fn resolve(
    global: &GlobalArgs,
    provider: Option<&str>,
    cluster_name: Option<&str>,
    port: Option<u16>,
) -> anyhow::Result<Settings> {
    let provider = provider
        .map(str::parse::<settings::Provider>)
        .transpose()
        .map_err(|err| anyhow::anyhow!("--provider: {err}"))?;
    let flags = Flags {
        config: global.config.clone(),
        provider,
        cluster_name: cluster_name.map(String::from),
        port,
        kubeconfig: global.kubeconfig.clone(),
        ..Flags::default()
    };
    let settings = Settings::resolve(&flags, &settings::Env::from_process()).context("reading kplane's settings")?;
    settings.validate().context("checking kplane's settings")?;
    Ok(settings)
}

pub(super) fn provider_kind(settings: &Settings) -> ProviderKind {
    match settings.provider {
        settings::Provider::Embedded => ProviderKind::Embedded,
        settings::Provider::Kind => ProviderKind::Kind,
        settings::Provider::K3s => ProviderKind::K3s,
    }
}

pub(super) fn kubeconfig_paths(settings: &Settings) -> anyhow::Result<KubeconfigPaths> {
    KubeconfigPaths::resolve(settings.kubeconfig_path.as_deref(), &kubeconfig::Env::from_process())
        .context("locating the kubeconfig")
}

pub(super) fn management_context(kind: ProviderKind, cluster_name: &str) -> String {
    let provider = match kind {
        ProviderKind::Embedded => ManagementProvider::Embedded,
        ProviderKind::Kind => ManagementProvider::Kind,
        ProviderKind::K3s => ManagementProvider::K3s,
    };
    kubeconfig::management_context(provider, cluster_name)
}

pub async fn run(args: Args, global: &GlobalArgs, printer: &Printer) -> anyhow::Result<()> {
    let settings = resolve(global, args.plane.provider.as_deref(), args.plane.cluster_name.as_deref(), args.port)?;
    let kind = provider_kind(&settings);
    let provider = provider::build(kind, settings.data_dir.join(kind.as_str()));
    let spec = ClusterSpec { name: settings.cluster_name.clone(), port: settings.port };
    let outcome = ops::up::up(provider.as_ref(), &spec, printer)
        .await
        .with_context(|| format!("bringing up the management plane {}", spec.name))?;
    let context = management_context(kind, &spec.name);
    let written = write_context(&settings, &context, &outcome.endpoint, args.set_current)?;
    if outcome.reused {
        printer.message(&format!("management plane {} is already up; nothing changed", spec.name));
    }
    printer.success(&format!("ready: management plane {} at {}", spec.name, outcome.endpoint.server));
    printer.message(&format!("kubeconfig: context {context} in {}", written.display()));
    printer.message("next: create a virtual control plane (its context becomes current):");
    printer.message("  kplane cc demo");
    if settings.provider != settings::Provider::Embedded || settings.sources.provider != settings::Source::Default {
        let _ = settings::save_provider(&settings.config_path, &settings.profile, settings.provider);
    }
    Ok(())
}

fn write_context(
    settings: &Settings,
    context: &str,
    endpoint: &Endpoint,
    set_current: bool,
) -> anyhow::Result<std::path::PathBuf> {
    let paths = kubeconfig_paths(settings)?;
    let entry = Entry {
        name: context.to_string(),
        server: endpoint.server.clone(),
        ca_pem: endpoint.ca_pem.clone().into_bytes(),
        credential: Credential::Token(endpoint.token.clone()),
        namespace: None,
    };
    kubeconfig::write_entry(&paths, &entry, set_current).with_context(|| format!("writing context {context}"))
}
