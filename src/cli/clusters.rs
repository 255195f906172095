//! `kplane create cluster` / `kplane cc`, `kplane delete cluster`, `kplane get clusters`: virtual
//! control planes through the management plane's API, with the kubeconfig contexts they need.

use std::time::Duration;

use anyhow::Context as _;

use super::GlobalArgs;
use super::output::Printer;
use super::up::{PlaneArgs, kubeconfig_paths, management_context, provider_kind, resolve};
use crate::kubeconfig::{self, KubeconfigPaths};
use crate::ops::clusters::{self as ops, CreateOptions, Management};
use crate::settings::Settings;
use crate::types::PlaneName;
use crate::types::controlplane::{self as api, ControlPlane};

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// The control plane's name (a DNS-1123 label); its context is `kplane-NAME`.
    pub name: String,

    #[command(flatten)]
    pub plane: PlaneArgs,

    /// The ControlPlaneClass.
    #[arg(long, default_value = api::DEFAULT_CLASS)]
    pub class: String,

    /// The URL users reach the plane at (default: the management plane's own address).
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,

    /// Wait until it is ready and write its kubeconfig context.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub get_credentials: bool,

    /// Make its context the current one.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub set_current: bool,

    /// How long to wait for it to become ready (e.g. 90s, 5m).
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    pub timeout: Duration,
}

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// The control plane to delete with all its data.
    pub name: String,

    #[command(flatten)]
    pub plane: PlaneArgs,

    /// How long to wait until it is gone.
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    pub timeout: Duration,
}

#[derive(Debug, clap::Args)]
pub struct GetArgs {
    /// Output format: wide, json, yaml or name (default: a table).
    #[arg(short, long, value_parser = ["wide", "json", "yaml", "name"])]
    pub output: Option<String>,

    #[command(flatten)]
    pub plane: PlaneArgs,
}

#[derive(Debug, clap::Subcommand)]
pub enum CreateCommand {
    /// Create a virtual control plane, wait until it is ready and write its context.
    Cluster(CreateArgs),
}

#[derive(Debug, clap::Subcommand)]
pub enum DeleteCommand {
    /// Delete a virtual control plane and all its data, and remove its context.
    Cluster(DeleteArgs),
}

#[derive(Debug, clap::Subcommand)]
pub enum GetCommand {
    /// List the management plane and every virtual control plane.
    #[command(visible_alias = "cluster")]
    Clusters(GetArgs),
}

/// Durations the way kubectl and kind take them: `90s`, `5m`, `1h`, `1m30s`, or plain seconds.
pub fn parse_duration(raw: &str) -> Result<Duration, String> {
    if let Ok(seconds) = raw.parse::<u64>() {
        return Ok(Duration::from_secs(seconds));
    }
    let span: jiff::Span = raw.parse().map_err(|_| format!("{raw:?} is not a duration like 90s, 5m or 1h"))?;
    let duration = jiff::SignedDuration::try_from(span).map_err(|err| format!("{raw:?}: {err}"))?;
    Duration::try_from(duration).map_err(|_| format!("{raw:?} is negative"))
}

/// The management plane of the active profile, reached through its kubeconfig context.
pub(super) struct Connected {
    pub settings: Settings,
    pub paths: KubeconfigPaths,
    pub management: Management,
    /// The management plane's server URL, as the kubeconfig has it.
    pub server: String,
}

/// Settings for a command that addresses the management plane `plane` names.
pub(super) fn settings_for(global: &GlobalArgs, plane: &PlaneArgs) -> anyhow::Result<Settings> {
    resolve(global, plane.provider.as_deref(), plane.cluster_name.as_deref(), None)
}

pub(super) async fn connect(settings: Settings) -> anyhow::Result<Connected> {
    let context = management_context(provider_kind(&settings), &settings.cluster_name);
    let paths = kubeconfig_paths(&settings)?;
    let merged = kubeconfig::load(&paths).context("reading the kubeconfig")?;
    let server = merged
        .context(&context)
        .and_then(|c| c.value.cluster.clone())
        .and_then(|cluster| merged.cluster(&cluster)?.value.server.clone());
    let Some(server) = server else {
        anyhow::bail!(
            "the kubeconfig has no context {context} for management plane {name}: start it with `kplane up`, \
             or write its context with `kplane get-credentials {name}`",
            name = settings.cluster_name
        );
    };
    let client = kubeconfig::client(&paths, &context).await.context("connecting to the management plane")?;
    Ok(Connected { settings, paths, management: Management { client, context }, server })
}

pub(super) fn plane_name(raw: &str) -> anyhow::Result<PlaneName> {
    PlaneName::parse(raw).map_err(|why| anyhow::anyhow!("{raw:?} cannot name a control plane: {why}"))
}

pub async fn create(args: CreateArgs, global: &GlobalArgs, printer: &Printer) -> anyhow::Result<()> {
    let name = plane_name(&args.name)?;
    if name.is_root() {
        anyhow::bail!("\"root\" is the management plane's own name; choose another");
    }
    let connected = connect(settings_for(global, &args.plane)?).await?;
    let options = CreateOptions {
        class: args.class.clone(),
        external_endpoint: args.endpoint.clone(),
        management_server: connected.server.clone(),
    };
    ops::create(&connected.management, &name, &options, printer).await?;
    if !args.get_credentials {
        printer.message(&format!("next: kplane get-credentials {name}"));
        return Ok(());
    }
    let cp = ops::wait_ready(&connected.management, &name, args.timeout, printer).await?;
    let context = write_credentials(&connected, &cp, args.set_current).await?;
    printer.success(&format!("ready: control plane {name} at {}", endpoint_of(&cp)));
    printer.message(&format!("next: kubectl --context {context} get namespaces"));
    Ok(())
}

/// Writes the context of a ready plane; returns its name.
pub(super) async fn write_credentials(
    connected: &Connected,
    cp: &ControlPlane,
    set_current: bool,
) -> anyhow::Result<String> {
    let entry = ops::credentials(&connected.management, cp).await?;
    let file = kubeconfig::write_entry(&connected.paths, &entry, set_current)
        .with_context(|| format!("writing context {}", entry.name))?;
    tracing::debug!(context = entry.name, file = %file.display(), "wrote the context");
    Ok(entry.name)
}

pub async fn delete(args: DeleteArgs, global: &GlobalArgs, printer: &Printer) -> anyhow::Result<()> {
    let name = plane_name(&args.name)?;
    let connected = connect(settings_for(global, &args.plane)?).await?;
    if name.as_str() == connected.settings.cluster_name || name.is_root() {
        anyhow::bail!("{name} is the management plane; `kplane down` removes it");
    }
    let existed = ops::delete(&connected.management, &name, args.timeout, printer).await?;
    let context = kubeconfig::vcp_context(&name);
    kubeconfig::remove_entries(&connected.paths, &[context.as_str()])
        .with_context(|| format!("removing context {context}"))?;
    if existed {
        printer.success(&format!("deleted: control plane {name} and its data; context {context} removed"));
    } else {
        printer.message(&format!("there was no control plane {name}; context {context} removed if it existed"));
    }
    Ok(())
}

/// One line of `get clusters`.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterRow {
    name: String,
    /// `management` or `virtual`.
    #[serde(rename = "type")]
    kind: &'static str,
    ready: bool,
    endpoint: String,
    /// The kubeconfig context that reaches it, if the kubeconfig has one.
    context: Option<String>,
    current: bool,
    class: Option<String>,
    reason: Option<String>,
    creation_timestamp: Option<String>,
}

pub async fn get(args: GetArgs, global: &GlobalArgs, printer: &Printer) -> anyhow::Result<()> {
    let connected = connect(settings_for(global, &args.plane)?).await?;
    let planes = ops::list(&connected.management).await?;
    let merged = kubeconfig::load(&connected.paths).context("reading the kubeconfig")?;
    let current = merged.current_context().map(String::from);
    let management = &connected.management.context;
    // The management plane is as old as its `default` namespace, created with it.
    let namespaces: kube::Api<k8s_openapi::api::core::v1::Namespace> =
        kube::Api::all(connected.management.client.clone());
    let born = namespaces.get_opt("default").await.ok().flatten().and_then(|ns| ns.metadata.creation_timestamp);
    let mut rows = vec![ClusterRow {
        name: connected.settings.cluster_name.clone(),
        kind: "management",
        ready: true,
        endpoint: connected.server.clone(),
        context: Some(management.clone()),
        current: current.as_deref() == Some(management.as_str()),
        class: None,
        reason: None,
        creation_timestamp: born.map(|t| t.0.to_string()),
    }];
    for cp in &planes {
        let name = cp.metadata.name.clone().unwrap_or_default();
        let context = PlaneName::parse(&name).ok().map(|n| kubeconfig::vcp_context(&n));
        let context = context.filter(|c| merged.context(c).is_some());
        rows.push(ClusterRow {
            current: context.is_some() && current == context,
            kind: "virtual",
            ready: cp.is_ready(),
            endpoint: endpoint_of(cp).to_string(),
            context,
            class: Some(cp.spec.class_ref.as_ref().map_or(api::DEFAULT_CLASS.to_string(), |c| c.name.clone())),
            reason: cp.ready_condition().map(|c| c.reason.clone()),
            creation_timestamp: cp.metadata.creation_timestamp.as_ref().map(|t| t.0.to_string()),
            name,
        });
    }
    printer.data(&render(&rows, args.output.as_deref())?);
    Ok(())
}

fn endpoint_of(cp: &ControlPlane) -> &str {
    cp.status.as_ref().and_then(|s| s.endpoint.as_deref()).unwrap_or("")
}

fn render(rows: &[ClusterRow], output: Option<&str>) -> anyhow::Result<String> {
    match output {
        Some(format @ ("json" | "yaml")) => super::output::document(
            &serde_json::json!({"apiVersion": "kplane.dev/v1", "kind": "ClusterList", "items": rows}),
            format,
        ),
        Some("name") => Ok(rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join("\n")),
        wide => Ok(table(rows, wide == Some("wide"), jiff::Timestamp::now())),
    }
}

fn table(rows: &[ClusterRow], wide: bool, now: jiff::Timestamp) -> String {
    let mut header = vec!["CURRENT", "NAME", "TYPE", "READY", "ENDPOINT", "AGE"];
    if wide {
        header.extend(["CONTEXT", "CLASS", "REASON"]);
    }
    let mut lines: Vec<Vec<String>> = vec![header.into_iter().map(String::from).collect()];
    for row in rows {
        let age = match row.creation_timestamp.as_deref().and_then(|t| t.parse::<jiff::Timestamp>().ok()) {
            Some(created) => crate::registry::table::human_duration(now.duration_since(created)),
            None => "-".into(),
        };
        let mut line = vec![
            if row.current { "*".into() } else { String::new() },
            row.name.clone(),
            row.kind.into(),
            if row.ready { "True".into() } else { "False".into() },
            row.endpoint.clone(),
            age,
        ];
        if wide {
            let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "<none>".into());
            line.extend([or_none(&row.context), or_none(&row.class), or_none(&row.reason)]);
        }
        lines.push(line);
    }
    super::output::columns(&lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_kubectl_flags() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert!(parse_duration("soon").is_err());
    }

    fn row(name: &str, current: bool, created: Option<&str>) -> ClusterRow {
        ClusterRow {
            name: name.into(),
            kind: "virtual",
            ready: true,
            endpoint: format!("https://h/clusters/{name}/control-plane"),
            context: Some(format!("kplane-{name}")),
            current,
            class: Some("starter".into()),
            reason: Some("Reconciled".into()),
            creation_timestamp: created.map(String::from),
        }
    }

    #[test]
    fn the_table_marks_the_current_context_and_aligns_columns() {
        let now: jiff::Timestamp = "2026-01-01T00:10:00Z".parse().unwrap();
        let rows = [row("a", false, Some("2026-01-01T00:00:00Z")), row("demo", true, None)];
        let out = table(&rows, false, now);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with("CURRENT   NAME   TYPE"), "{out}");
        assert!(lines[1].contains("10m"), "{out}");
        assert!(lines[2].starts_with('*') && lines[2].contains("demo"), "{out}");
        assert!(!out.contains("CONTEXT"));
        assert!(table(&rows, true, now).lines().next().unwrap().ends_with("CONTEXT       CLASS     REASON"));
    }

    #[test]
    fn machine_formats_carry_every_row() {
        let rows = [row("a", false, None)];
        let json: serde_json::Value = serde_json::from_str(&render(&rows, Some("json")).unwrap()).unwrap();
        assert_eq!(json["kind"], "ClusterList");
        assert_eq!(json["items"][0]["context"], "kplane-a");
        assert_eq!(json["items"][0]["type"], "virtual");
        assert_eq!(render(&rows, Some("name")).unwrap(), "a");
        let yaml: serde_json::Value = serde_norway::from_str(&render(&rows, Some("yaml")).unwrap()).unwrap();
        assert_eq!(yaml, json);
    }
}
