//! `kplane completion SHELL`: a completion script generated from the clap definitions (the
//! same scripts are committed under `completions/` by `scripts/gen-completions.sh`).

use clap::CommandFactory;
use clap_complete::Shell;

use super::output::Printer;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// bash, zsh, fish or powershell.
    pub shell: Shell,
}

pub fn run(args: Args, printer: &Printer) -> anyhow::Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut super::Cli::command(), "kplane", &mut script);
    printer.data(&String::from_utf8_lossy(&script));
    Ok(())
}
