//! `kplane serve`: run the shared API server in the foreground until SIGTERM or SIGINT.

use std::net::IpAddr;
use std::path::PathBuf;

use anyhow::Context;

use crate::server::{self, ServerConfig};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory for storage, certificates, the admin token and admin.kubeconfig.
    #[arg(long, value_name = "DIR")]
    pub data_dir: PathBuf,

    /// Port to serve HTTPS on; 0 picks a free one (the log and the kubeconfig say which).
    #[arg(long, default_value_t = server::DEFAULT_PORT)]
    pub port: u16,

    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind_address: IpAddr,

    /// Do not create a control plane on its first authorised request (the root plane always exists).
    #[arg(long)]
    pub no_auto_create_planes: bool,

    /// Extra DNS names or IPs for the serving certificate (repeatable; used when it is first generated).
    #[arg(long = "tls-san", value_name = "NAME")]
    pub tls_sans: Vec<String>,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating the data directory {}", args.data_dir.display()))?;
    let mut config = ServerConfig::new(args.data_dir.clone());
    config.port = args.port;
    config.bind_address = args.bind_address;
    config.auto_create_planes = !args.no_auto_create_planes;
    config.tls_sans = args.tls_sans;
    // Listening for signals before starting: a SIGTERM that arrives while the server starts
    // is then a clean shutdown right after, not the default "terminate at once".
    let signals = Signals::install()?;
    let running = server::start(config).await.context("starting the API server")?;
    eprintln!("kplane API server listening on https://{}", running.address);
    eprintln!("kubeconfig: {}", running.kubeconfig.display());
    signals.wait().await;
    tracing::info!("shutting down: finishing in-flight requests");
    running.shutdown().await;
    Ok(())
}

/// SIGTERM and SIGINT, both of which shut the server down gracefully.
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> anyhow::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;
        let int = signal(SignalKind::interrupt()).context("installing the SIGINT handler")?;
        Ok(Signals { term, int })
    }

    async fn wait(mut self) {
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
    }
}
