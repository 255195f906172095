//! `kplane snapshot NAME`: every object of a plane at one revision, through the management
//! context; a table of resource types by default, the full document with `-o json|yaml`.

use super::GlobalArgs;
use super::clusters::{connect, plane_name, settings_for};
use super::output::{Printer, columns};
use super::up::PlaneArgs;
use crate::ops::snapshot::{self as ops, Snapshot, SnapshotRequest};
use crate::types::PlaneName;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The control plane: a virtual plane's name, or the management plane's (or `root`).
    pub name: String,

    #[command(flatten)]
    pub plane: PlaneArgs,

    /// Output format: json or yaml, the whole document (default: a table of resource types).
    #[arg(short, long, value_parser = ["json", "yaml"])]
    pub output: Option<String>,

    /// Only these resource types, as plural or plural.group (repeatable, or comma-separated).
    #[arg(long = "resource", value_name = "RESOURCE", value_delimiter = ',')]
    pub resources: Vec<String>,

    /// Also list resource types that hold no objects.
    #[arg(long)]
    pub include_empty: bool,

    /// Ask for warm caches first (accepted for compatibility: kplane's are always warm).
    #[arg(long)]
    pub warm: bool,
}

pub async fn run(args: Args, global: &GlobalArgs, printer: &Printer) -> anyhow::Result<()> {
    let settings = settings_for(global, &args.plane)?;
    // The management plane is the root plane; users know it by the name `up` gave it.
    let plane = if args.name == settings.cluster_name { PlaneName::root() } else { plane_name(&args.name)? };
    let connected = connect(settings).await?;
    // The server would create a plane on first access; a typo should not.
    if !plane.is_root() && crate::ops::clusters::get(&connected.management, &plane).await?.is_none() {
        return Err(crate::ops::clusters::ClusterError::NotFound { name: plane.to_string() }.into());
    }
    let request =
        SnapshotRequest { resources: args.resources.clone(), include_empty: args.include_empty, warm: args.warm };
    let snapshot = ops::take(&connected.management, &plane, &request).await?;
    match args.output.as_deref() {
        Some(format @ ("json" | "yaml")) => printer.data(&super::output::document(&snapshot, format)?),
        _ if snapshot.resources.is_empty() => {
            printer.message(&format!("No resources found in control plane {}.", args.name));
        }
        _ => {
            printer.data(&table(&snapshot));
            printer.message(&summary(&args.name, &snapshot));
        }
    }
    Ok(())
}

/// RESOURCE, GROUP, ITEMS: one row per resource type, in the document's order. The core group
/// is printed as `core`, the name the Kubernetes API reference gives it (`core/v1`), rather
/// than an empty cell: no real group is called `core`, and every row keeps three
/// whitespace-separated fields for `awk` and friends.
fn table(snapshot: &Snapshot) -> String {
    let mut rows = vec![vec!["RESOURCE".to_string(), "GROUP".into(), "ITEMS".into()]];
    for resource in &snapshot.resources {
        let group = if resource.group.is_empty() { "core".to_string() } else { resource.group.clone() };
        rows.push(vec![resource.resource.clone(), group, resource.item_count.to_string()]);
    }
    columns(&rows)
}

fn summary(name: &str, snapshot: &Snapshot) -> String {
    format!(
        "control plane {name} at resourceVersion {} ({}): {} objects in {} of {} resource types",
        snapshot.resource_version,
        snapshot.snapshot_time,
        snapshot.total_items(),
        snapshot.resources.iter().filter(|r| r.item_count > 0).count(),
        snapshot.live_resources,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::snapshot::ResourceSnapshot;

    fn resource(group: &str, plural: &str, count: usize) -> ResourceSnapshot {
        ResourceSnapshot {
            group: group.into(),
            version: "v1".into(),
            resource: plural.into(),
            synced: true,
            item_count: count,
            items: vec![],
        }
    }

    #[test]
    fn the_table_names_the_core_group_and_aligns_columns() {
        let snapshot = Snapshot {
            cluster: "demo".into(),
            resource_version: "42".into(),
            live_resources: 3,
            resources: vec![resource("", "configmaps", 2), resource("apps", "deployments", 10)],
            ..Snapshot::default()
        };
        assert_eq!(table(&snapshot), "RESOURCE      GROUP   ITEMS\nconfigmaps    core    2\ndeployments   apps    10");
        let line = summary("demo", &snapshot);
        assert!(line.contains("resourceVersion 42") && line.contains("12 objects in 2 of 3"), "{line}");
    }
}
