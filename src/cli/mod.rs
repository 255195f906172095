//! The `kplane` command line: clap definitions and dispatch. Command files are thin: they
//! turn flags into a config and call one library operation.

pub mod serve;

use clap::{Parser, Subcommand};

/// kplane: thousands of real Kubernetes control planes on one machine.
#[derive(Debug, Parser)]
#[command(name = "kplane", version, about, long_about = None)]
pub struct Cli {
    /// Log more (-v: debug, -vv: trace); logs go to stderr.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the shared Kubernetes API server that hosts every control plane, in the foreground.
    Serve(serve::Args),
}

/// Runs the parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve::run(args).await,
    }
}
