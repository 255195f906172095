//! The `kplane` binary: parse, run, map the outcome to an exit code.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = kplane::cli::Cli::parse();
    let default_level = match cli.global.verbose {
        0 => "kplane=info",
        1 => "kplane=debug",
        _ => "kplane=trace",
    };
    // Logs go to stderr: stdout carries requested data only.
    // Colours only for a person at a terminal: log files and pipes get plain text.
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level)))
        .with_writer(std::io::stderr)
        .with_ansi(colour && !cli.global.no_color)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::from(2);
        }
    };
    // A panic is a bug, not a user's mistake: exit 2 and ask for a report (the panic message
    // itself has already gone to stderr).
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runtime.block_on(kplane::cli::run(cli))));
    match outcome {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
        Err(_) => {
            eprintln!("error: kplane hit an internal error (a bug); please report it with the message above");
            ExitCode::from(2)
        }
    }
}
