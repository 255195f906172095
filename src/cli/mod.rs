//! The `kplane` command line: clap definitions and dispatch. Command files are thin: they
//! turn flags into settings and call one library operation, then print its result.

pub mod clusters;
pub mod completion;
pub mod config;
pub mod doctor;
pub mod down;
pub mod fleet;
pub mod get_credentials;
pub mod output;
pub mod serve;
pub mod snapshot;
pub mod up;
pub mod version;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// kplane: thousands of real Kubernetes control planes on one machine.
#[derive(Debug, Parser)]
#[command(name = "kplane", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// The kplane config file (default: $XDG_CONFIG_HOME/kplane/config.yaml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// The kubeconfig to read and write (default: $KUBECONFIG, then ~/.kube/config).
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,

    /// Print only requested data and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Never use colours (NO_COLOR in the environment does the same).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Log more (-v: debug, -vv: trace); logs go to stderr.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or reuse the management plane and write its kubeconfig context.
    Up(up::Args),
    /// Stop the management plane, remove its data and the contexts kplane wrote.
    Down(down::Args),
    /// Create a virtual control plane.
    #[command(subcommand)]
    Create(clusters::CreateCommand),
    /// Create a virtual control plane (short for `create cluster`).
    Cc(clusters::CreateArgs),
    /// Delete a virtual control plane.
    #[command(subcommand)]
    Delete(clusters::DeleteCommand),
    /// List the management plane and the virtual control planes.
    #[command(subcommand)]
    Get(clusters::GetCommand),
    /// Create, inspect, wait for and delete Fleets of virtual control planes.
    #[command(subcommand)]
    Fleet(fleet::Command),
    /// View settings, save the provider, or switch kubeconfig contexts.
    #[command(subcommand)]
    Config(config::Command),
    /// Write the kubeconfig context of a virtual control plane or of the management plane.
    GetCredentials(get_credentials::Args),
    /// Print every object of a control plane, read at one revision.
    Snapshot(snapshot::Args),
    /// Check what the active provider needs and say how to fix each problem.
    Doctor(doctor::Args),
    /// Run the shared Kubernetes API server that hosts every control plane, in the foreground.
    Serve(serve::Args),
    /// Print the client version, and the server's when one is reachable.
    Version(version::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completion(completion::Args),
}

/// Runs the parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let printer = output::Printer::new(cli.global.quiet, cli.global.no_color);
    match cli.command {
        Command::Up(args) => up::run(args, &cli.global, &printer).await,
        Command::Down(args) => down::run(args, &cli.global, &printer).await,
        Command::Create(clusters::CreateCommand::Cluster(args)) | Command::Cc(args) => {
            clusters::create(args, &cli.global, &printer).await
        }
        Command::Delete(clusters::DeleteCommand::Cluster(args)) => clusters::delete(args, &cli.global, &printer).await,
        Command::Get(clusters::GetCommand::Clusters(args)) => clusters::get(args, &cli.global, &printer).await,
        Command::Fleet(command) => fleet::run(command, &cli.global, &printer).await,
        Command::Config(command) => config::run(command, &cli.global, &printer).await,
        Command::GetCredentials(args) => get_credentials::run(args, &cli.global, &printer).await,
        Command::Snapshot(args) => snapshot::run(args, &cli.global, &printer).await,
        Command::Doctor(args) => doctor::run(args, &cli.global, &printer).await,
        Command::Serve(args) => serve::run(args).await,
        Command::Version(args) => version::run(args, &cli.global, &printer).await,
        Command::Completion(args) => completion::run(args, &printer),
    }
}
