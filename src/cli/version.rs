//! `kplane version`: the client version, and the server's when the current kubeconfig context
//! (or `--kubeconfig`'s) reaches one.

use std::time::Duration;

use super::GlobalArgs;
use super::output::Printer;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the client version; do not contact a server.
    #[arg(long)]
    pub client: bool,
}

pub async fn run(args: Args, global: &GlobalArgs, printer: &Printer) -> anyhow::Result<()> {
    printer.data(&format!("Client Version: kplane {}", env!("CARGO_PKG_VERSION")));
    if args.client {
        return Ok(());
    }
    match tokio::time::timeout(Duration::from_secs(5), server_version(global)).await {
        Ok(Ok(version)) => printer.data(&format!("Server Version: {version}")),
        Ok(Err(err)) => printer.message(&format!("server: not reachable ({err})")),
        Err(_) => printer.message("server: not reachable (no answer within 5s)"),
    }
    Ok(())
}

async fn server_version(global: &GlobalArgs) -> anyhow::Result<String> {
    let options = kube::config::KubeConfigOptions::default();
    let config = match &global.kubeconfig {
        Some(path) => {
            let kubeconfig = kube::config::Kubeconfig::read_from(path)?;
            kube::Config::from_custom_kubeconfig(kubeconfig, &options).await?
        }
        None => kube::Config::from_kubeconfig(&options).await?,
    };
    let info = kube::Client::try_from(config)?.apiserver_version().await?;
    Ok(info.git_version)
}
