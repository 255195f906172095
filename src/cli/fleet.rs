//! `kplane fleet create | get | list | wait | delete`: many virtual control planes at once.

use std::time::Duration;

use anyhow::Context as _;

use super::GlobalArgs;
use super::clusters::{connect, parse_duration};
use super::output::{Printer, columns, document};
use super::up::{PlaneArgs, resolve};
use crate::ops::fleet as ops;
use crate::types::fleet::{Fleet, FleetSpec};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create a Fleet of N virtual control planes (members `<prefix>0000`, `<prefix>0001` …).
    Create(CreateArgs),
    /// Show a Fleet's members and their phase.
    Get(GetArgs),
    /// List the Fleets.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Wait until every member of a Fleet is ready.
    Wait(WaitArgs),
    /// Delete a Fleet (its members too when its deletion policy is Delete).
    Delete(DeleteArgs),
}

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// The Fleet's name.
    pub name: String,

    /// How many member planes.
    #[arg(long)]
    pub replicas: i32,

    /// Prefix of member names (default: `<NAME>-`).
    #[arg(long, conflicts_with = "names")]
    pub name_prefix: Option<String>,

    /// Explicit member names, comma-separated (as many as --replicas).
    #[arg(long, value_delimiter = ',')]
    pub names: Vec<String>,

    /// A YAML or JSON file of objects to create in every member (scenario seeding).
    #[arg(long, value_name = "FILE")]
    pub template: Option<std::path::PathBuf>,

    /// Retain (keep members when the Fleet goes or shrinks) or Delete (delete them).
    #[arg(long, value_parser = ["Retain", "Delete"])]
    pub deletion_policy: Option<String>,

    /// Delete the Fleet this long after its creation (e.g. 30m, 2h).
    #[arg(long, value_parser = parse_duration)]
    pub ttl: Option<Duration>,

    /// Wait until every member is ready (a progress bar on a terminal).
    #[arg(long)]
    pub wait: bool,

    /// How long --wait waits.
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    pub timeout: Duration,

    #[command(flatten)]
    pub plane: PlaneArgs,
}

#[derive(Debug, clap::Args)]
pub struct GetArgs {
    pub name: String,

    /// Output format: json or yaml (the Fleet), name (its members), default a table of members.
    #[arg(short, long, value_parser = ["json", "yaml", "name"])]
    pub output: Option<String>,

    #[command(flatten)]
    pub plane: PlaneArgs,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Output format: json, yaml or name (default: a table).
    #[arg(short, long, value_parser = ["json", "yaml", "name"])]
    pub output: Option<String>,

    #[command(flatten)]
    pub plane: PlaneArgs,
}

#[derive(Debug, clap::Args)]
pub struct WaitArgs {
    pub name: String,

    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    pub timeout: Duration,

    #[command(flatten)]
    pub plane: PlaneArgs,
}

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    pub name: String,

    /// How long to wait until it is gone.
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    pub timeout: Duration,

    #[command(flatten)]
    pub plane: PlaneArgs,
}

async fn management(global: &GlobalArgs, plane: &PlaneArgs) -> anyhow::Result<crate::ops::clusters::Management> {
    let settings = resolve(global, plane.provider.as_deref(), plane.cluster_name.as_deref(), None)?;
    Ok(connect(settings).await?.management)
}

pub async fn run(command: Command, global: &GlobalArgs, printer: &Printer) -> anyhow::Result<()> {
    match command {
        Command::Create(args) => create(args, global, printer).await,
        Command::Get(args) => {
            let fleet = ops::get(&management(global, &args.plane).await?, &args.name).await?;
            printer.data(&render_members(&fleet, args.output.as_deref())?);
            Ok(())
        }
        Command::List(args) => {
            let fleets = ops::list(&management(global, &args.plane).await?).await?;
            printer.data(&render_fleets(&fleets, args.output.as_deref())?);
            Ok(())
        }
        Command::Wait(args) => {
            let fleet =
                ops::wait_ready(&management(global, &args.plane).await?, &args.name, args.timeout, printer).await?;
            printer.success(&format!("ready: Fleet {} ({} members)", args.name, fleet.ready_replicas()));
            Ok(())
        }
        Command::Delete(args) => {
            let existed =
                ops::delete(&management(global, &args.plane).await?, &args.name, args.timeout, printer).await?;
            if !existed {
                printer.message(&format!("there was no Fleet {}", args.name));
            }
            Ok(())
        }
    }
}

async fn create(args: CreateArgs, global: &GlobalArgs, printer: &Printer) -> anyhow::Result<()> {
    let template = match &args.template {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("reading the template {}", path.display()))?;
            ops::parse_template(&text)
                .map_err(|why| anyhow::anyhow!("the template {} is not valid: {why}", path.display()))?
        }
        None => vec![],
    };
    let spec = FleetSpec {
        replicas: args.replicas,
        name_prefix: args.name_prefix,
        names: args.names,
        ttl_seconds: args.ttl.map(|ttl| ttl.as_secs() as i64),
        deletion_policy: args.deletion_policy,
        template,
    };
    let management = management(global, &args.plane).await?;
    ops::create(&management, &args.name, spec, printer).await?;
    if args.wait {
        let fleet = ops::wait_ready(&management, &args.name, args.timeout, printer).await?;
        printer.success(&format!("ready: Fleet {} ({} members)", args.name, fleet.ready_replicas()));
    } else {
        printer.message(&format!("next: kplane fleet wait {}", args.name));
    }
    printer.message("credentials of a member: kplane get-credentials <member>");
    Ok(())
}

fn age(fleet: &Fleet) -> String {
    let created = fleet.metadata.creation_timestamp.as_ref().map(|t| t.0);
    created.map_or("-".into(), |t| crate::registry::table::human_duration(jiff::Timestamp::now().duration_since(t)))
}

fn render_fleets(fleets: &[Fleet], output: Option<&str>) -> anyhow::Result<String> {
    match output {
        Some("name") => Ok(fleets.iter().filter_map(|f| f.metadata.name.clone()).collect::<Vec<_>>().join("\n")),
        Some(format) => document(&serde_json::json!({"apiVersion": "v1", "kind": "List", "items": fleets}), format),
        None => {
            let mut lines = vec![["NAME", "DESIRED", "READY", "POLICY", "AGE"].map(String::from).to_vec()];
            for fleet in fleets {
                lines.push(vec![
                    fleet.metadata.name.clone().unwrap_or_default(),
                    fleet.spec.replicas.to_string(),
                    fleet.ready_replicas().to_string(),
                    fleet.spec.deletion_policy.clone().unwrap_or_else(|| "Retain".into()),
                    age(fleet),
                ]);
            }
            Ok(columns(&lines))
        }
    }
}

fn render_members(fleet: &Fleet, output: Option<&str>) -> anyhow::Result<String> {
    let members = fleet.status.as_ref().map(|s| s.members.as_slice()).unwrap_or_default();
    match output {
        Some("name") => Ok(members.iter().map(|m| m.cluster_id.clone()).collect::<Vec<_>>().join("\n")),
        Some(format) => document(fleet, format),
        None => {
            let mut lines = vec![["CLUSTER", "PHASE", "CONTEXT", "MESSAGE"].map(String::from).to_vec()];
            for member in members {
                lines.push(vec![
                    member.cluster_id.clone(),
                    member.phase.clone(),
                    format!("kplane-{}", member.cluster_id),
                    member.message.clone().unwrap_or_default(),
                ]);
            }
            Ok(columns(&lines))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::fleet::{FleetMember, FleetStatus};

    #[test]
    fn members_and_fleets_print_as_tables() {
        let mut fleet = Fleet::new("rl", 2);
        fleet.status = Some(FleetStatus {
            ready_replicas: 1,
            members: vec![
                FleetMember { cluster_id: "rl-0000".into(), phase: "Ready".into(), ..Default::default() },
                FleetMember {
                    cluster_id: "rl-0001".into(),
                    phase: "Pending".into(),
                    message: Some("seeding".into()),
                    ..Default::default()
                },
            ],
            ..Default::default()
        });
        let members = render_members(&fleet, None).unwrap();
        assert!(members.lines().next().unwrap().starts_with("CLUSTER   PHASE"), "{members}");
        assert!(members.contains("rl-0001   Pending   kplane-rl-0001   seeding"), "{members}");
        assert_eq!(render_members(&fleet, Some("name")).unwrap(), "rl-0000\nrl-0001");
        let fleets = render_fleets(&[fleet], None).unwrap();
        assert!(fleets.lines().nth(1).unwrap().starts_with("rl     2         1       Retain"), "{fleets}");
    }
}
