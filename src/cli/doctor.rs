//! `kplane doctor`: checks what the active provider needs and says how to fix each problem.
//! Exits 1 when any check fails.

use super::GlobalArgs;
use super::output::Printer;
use super::up::{kubeconfig_paths, provider_kind, resolve};
use crate::provider::{self, ClusterState};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Check this provider instead of the configured one.
    #[arg(long)]
    pub provider: Option<String>,
}

/// One check's outcome: `Ok(detail)` or `Err(problem and fix)`.
type Check = (String, Result<String, String>);

pub async fn run(args: Args, global: &GlobalArgs, printer: &Printer) -> anyhow::Result<()> {
    let settings = resolve(global, args.provider.as_deref(), None, None)?;
    let kind = provider_kind(&settings);
    let provider = provider::build(kind, settings.data_dir.join(kind.as_str()));
    let mut checks: Vec<Check> = Vec::new();

    checks.push((format!("provider {kind}"), provider.check().map(|()| "ready".into()).map_err(|e| e.to_string())));
    let state = provider.state(&settings.cluster_name).await;
    let running = matches!(state, Ok(ClusterState::Running(_)));
    checks.push((
        format!("management plane {}", settings.cluster_name),
        Ok(match &state {
            Ok(ClusterState::Running(endpoint)) => format!("running at {}", endpoint.server),
            Ok(ClusterState::Stopped) => "stopped (kplane up restarts it)".into(),
            Ok(ClusterState::Absent) => "not created yet (kplane up creates it)".into(),
            Err(err) => format!("unknown: {err}"),
        }),
    ));
    if !running {
        let port = settings.port;
        let free = std::net::TcpListener::bind(("127.0.0.1", port)).is_ok();
        checks.push((
            format!("port {port}"),
            if free { Ok("free".into()) } else { Err("in use; pick another with --port or KPLANE_PORT".into()) },
        ));
    }
    checks.push(("kubeconfig".into(), kubeconfig_check(&settings)));
    checks.push((
        "kubectl".into(),
        which::which("kubectl")
            .map(|p| p.display().to_string())
            .map_err(|_| "not on PATH (optional; install it to use the planes)".into()),
    ));

    let mut failed = false;
    for (name, outcome) in &checks {
        match outcome {
            Ok(detail) => printer.data(&format!("✓ {name}: {detail}")),
            Err(problem) => {
                failed |= name != "kubectl";
                printer.data(&format!("✗ {name}: {problem}"));
            }
        }
    }
    if failed {
        anyhow::bail!("some checks failed; see the fixes above");
    }
    Ok(())
}

/// The kubeconfig file kplane would write can be written.
fn kubeconfig_check(settings: &crate::settings::Settings) -> Result<String, String> {
    let paths = kubeconfig_paths(settings).map_err(|e| format!("{e:#}"))?;
    let target = paths.default_destination().map_err(|e| e.to_string())?;
    let dir = target.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
    let writable = if target.exists() {
        std::fs::OpenOptions::new().append(true).open(&target).is_ok()
    } else {
        let existing = dir.ancestors().find(|d| d.exists()).map(std::path::Path::to_path_buf).unwrap_or_default();
        let probe = existing.join(format!(".kplane-doctor-{}", std::process::id()));
        let ok = std::fs::File::create(&probe).is_ok();
        let _ = std::fs::remove_file(&probe);
        ok
    };
    if writable {
        Ok(format!("{} is writable", target.display()))
    } else {
        Err(format!("{} is not writable", target.display()))
    }
}
