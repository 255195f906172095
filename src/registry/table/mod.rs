//! Server-side `meta.k8s.io/v1` Table output: what `kubectl get` asks for with
//! `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`.
//!
//! Owns the column definitions and cell rendering of every kind (per-kind printers live in
//! [`printers`]), the `includeObject` choice for `row.object`, and the Table envelope for lists
//! and watch events. Objects are read in their JSON form; nothing here touches storage or HTTP.
//!
//! Cells are computed as if the client asked for `-o wide`, like upstream's server: every
//! row carries the priority-1 cells and kubectl hides them unless `-o wide`.

mod jsonpath;
mod printers;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value, json};

use super::kind::{PrinterColumn, ResourceType};

/// What each row's `object` carries (the `includeObject` query parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IncludeObject {
    /// No `object` field.
    None,
    /// A `PartialObjectMetadata` with the object's full metadata (the default).
    #[default]
    Metadata,
    /// The whole object.
    Object,
}

impl IncludeObject {
    /// Parses the query parameter; absent or empty means `Metadata`.
    pub fn parse(value: Option<&str>) -> Result<Self, String> {
        match value.unwrap_or("") {
            "" | "Metadata" => Ok(IncludeObject::Metadata),
            "None" => Ok(IncludeObject::None),
            "Object" => Ok(IncludeObject::Object),
            other => Err(format!(
                "includeObject: Invalid value: \"{other}\": must be 'Metadata', 'Object', 'None', or empty"
            )),
        }
    }
}

/// One column of a Table, serialized as a `TableColumnDefinition`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    /// OpenAPI type of the cells: `string`, `integer`, `boolean`, `date`.
    pub ty: &'static str,
    /// `name` for the column holding the object's name, else empty.
    pub format: &'static str,
    pub description: &'static str,
    /// 0 for the default view, 1 for columns shown only by `-o wide`.
    pub priority: i32,
}

impl Column {
    /// A default-view column.
    pub(crate) const fn new(name: &'static str, ty: &'static str, description: &'static str) -> Self {
        Column { name, ty, format: "", description, priority: 0 }
    }

    /// A column shown only with `-o wide`.
    pub(crate) const fn wide(name: &'static str, ty: &'static str, description: &'static str) -> Self {
        Column { name, ty, format: "", description, priority: 1 }
    }

    fn to_json(self) -> Value {
        json!({
            "name": self.name,
            "type": self.ty,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        })
    }
}

const NAME_DESCRIPTION: &str = "Name of the object, unique within its namespace and kind.";
const CREATED_DESCRIPTION: &str = "When the server created the object (RFC 3339, UTC).";

/// The name column every printer starts with.
pub(crate) const NAME: Column =
    Column { name: "Name", ty: "string", format: "name", description: NAME_DESCRIPTION, priority: 0 };
/// The age column most printers carry: time since creation, as a human duration.
pub(crate) const AGE: Column = Column::new("Age", "string", "Time since the object was created.");

/// Built-in kinds without a printer get upstream's generic convertor: the creation time as
/// an RFC 3339 date.
const BUILTIN_DEFAULT: &[Column] = &[NAME, Column::new("Created At", "date", CREATED_DESCRIPTION)];
/// Custom resources without printer columns get what a CRD's default column gives: the
/// creation time rendered as an age.
const CUSTOM_DEFAULT: &[Column] = &[NAME, Column::new("Age", "date", CREATED_DESCRIPTION)];

/// Everything a cell function needs besides the object.
pub(crate) struct Ctx {
    pub now: Timestamp,
}

impl Ctx {
    /// Time since `metadata.creationTimestamp`, or `<unknown>`.
    pub fn age(&self, object: &Value) -> String {
        self.since(object.pointer("/metadata/creationTimestamp"))
    }

    /// Time since an RFC 3339 timestamp held in `value`, or `<unknown>` when absent or invalid.
    pub fn since(&self, value: Option<&Value>) -> String {
        match parse_time(value) {
            Some(t) => human_duration(self.now.duration_since(t)),
            None => "<unknown>".to_string(),
        }
    }
}

/// Parses a JSON string holding an RFC 3339 time (`metav1.Time` or `MicroTime`).
pub(crate) fn parse_time(value: Option<&Value>) -> Option<Timestamp> {
    value?.as_str()?.parse::<Timestamp>().ok()
}

/// Which columns and cells a resource type prints.
enum Layout<'a> {
    Printer(&'static printers::Printer),
    BuiltinDefault,
    CustomDefault,
    /// A CRD's `additionalPrinterColumns`, after NAME (upstream adds no AGE of its own then).
    CustomColumns(&'a [PrinterColumn]),
}

fn layout(rt: &ResourceType) -> Layout<'_> {
    if rt.builtin.is_none() {
        return match rt.custom.as_deref() {
            Some(custom) if !custom.printer_columns.is_empty() => Layout::CustomColumns(&custom.printer_columns),
            _ => Layout::CustomDefault,
        };
    }
    match printers::lookup(&rt.group, &rt.kind) {
        Some(p) => Layout::Printer(p),
        None => Layout::BuiltinDefault,
    }
}

/// The `columnDefinitions` of a resource type's Table.
pub fn column_definitions(rt: &ResourceType) -> Vec<Value> {
    let fixed = |columns: &[Column]| columns.iter().map(|c| c.to_json()).collect();
    match layout(rt) {
        Layout::Printer(p) => fixed(p.columns),
        Layout::BuiltinDefault => fixed(BUILTIN_DEFAULT),
        Layout::CustomDefault => fixed(CUSTOM_DEFAULT),
        Layout::CustomColumns(columns) => std::iter::once(NAME.to_json())
            .chain(columns.iter().map(|c| {
                json!({
                    "name": c.name, "type": c.type_, "format": c.format,
                    "description": c.description, "priority": c.priority,
                })
            }))
            .collect(),
    }
}

fn cells(rt: &ResourceType, object: &Value, ctx: &Ctx) -> Vec<Value> {
    let name = || Value::from(printers::str_at(object, "/metadata/name"));
    match layout(rt) {
        Layout::Printer(p) => (p.cells)(object, ctx),
        Layout::BuiltinDefault => vec![name(), Value::from(created_at(object))],
        Layout::CustomDefault => vec![name(), Value::from(ctx.age(object))],
        Layout::CustomColumns(columns) => {
            std::iter::once(name()).chain(columns.iter().map(|c| custom_cell(c, object, ctx))).collect()
        }
    }
}

/// A printer column's cell: the value at its path (null when absent); dates as an age, as
/// upstream's custom resource table convertor prints them.
fn custom_cell(column: &PrinterColumn, object: &Value, ctx: &Ctx) -> Value {
    match jsonpath::first(object, &column.json_path) {
        None | Some(Value::Null) => Value::Null,
        Some(value) if column.type_ == "date" => Value::from(ctx.since(Some(value))),
        Some(nested @ (Value::Array(_) | Value::Object(_))) if column.type_ == "string" => {
            Value::from(nested.to_string())
        }
        Some(value) => value.clone(),
    }
}

/// `metadata.creationTimestamp` as upstream's generic convertor prints it (second precision,
/// UTC; the zero time when absent).
fn created_at(object: &Value) -> String {
    match parse_time(object.pointer("/metadata/creationTimestamp")) {
        Some(t) => t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        None => "0001-01-01T00:00:00Z".to_string(),
    }
}

/// One `TableRow` for `object`.
pub fn row(rt: &ResourceType, object: &Value, include: IncludeObject, now: Timestamp) -> Value {
    let ctx = Ctx { now };
    let mut row = Map::new();
    row.insert("cells".into(), Value::Array(cells(rt, object, &ctx)));
    if let Layout::Printer(p) = layout(rt) {
        let conditions = p.conditions.map(|f| f(object)).unwrap_or_default();
        if !conditions.is_empty() {
            row.insert("conditions".into(), Value::Array(conditions));
        }
    }
    match include {
        IncludeObject::None => {}
        IncludeObject::Metadata => {
            let metadata = object.get("metadata").cloned().unwrap_or_else(|| json!({}));
            row.insert(
                "object".into(),
                json!({
                    "kind": "PartialObjectMetadata",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": metadata,
                }),
            );
        }
        IncludeObject::Object => {
            row.insert("object".into(), object.clone());
        }
    }
    Value::Object(row)
}

/// A whole `meta.k8s.io/v1` Table. Watch events after the first pass
/// `with_definitions: false` and get an empty `columnDefinitions`.
pub fn table(
    rt: &ResourceType,
    objects: &[Value],
    include: IncludeObject,
    resource_version: &str,
    continue_token: Option<&str>,
    now: Timestamp,
    with_definitions: bool,
) -> Value {
    let mut metadata = Map::new();
    metadata.insert("resourceVersion".into(), Value::from(resource_version));
    if let Some(token) = continue_token.filter(|t| !t.is_empty()) {
        metadata.insert("continue".into(), Value::from(token));
    }
    let definitions = if with_definitions { column_definitions(rt) } else { Vec::new() };
    let rows: Vec<Value> = objects.iter().map(|o| row(rt, o, include, now)).collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": definitions,
        "rows": rows,
    })
}

/// A duration as kubectl's AGE column shows it: two significant units at most, coarser as
/// the duration grows (`45s`, `3m12s`, `17m`, `5h3m`, `20h`, `2d3h`, `90d`, `3y20d`, `9y`).
/// Up to a second in the future reads as `0s` (clock skew); further is `<invalid>`.
pub fn human_duration(d: SignedDuration) -> String {
    // Truncation toward zero, so -1.9s is -1 and still counts as "now".
    let seconds = d.as_secs();
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 2 * 60 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        return with_remainder(minutes, "m", seconds % 60, "s");
    }
    if minutes < 3 * 60 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        return with_remainder(hours, "h", minutes % 60, "m");
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    let days = hours / 24;
    if hours < 24 * 8 {
        return with_remainder(days, "d", hours % 24, "h");
    }
    if days < 365 * 2 {
        return format!("{days}d");
    }
    let years = days / 365;
    if years < 8 {
        return with_remainder(years, "y", days % 365, "d");
    }
    format!("{years}y")
}

/// `3m12s`, or `3m` when the smaller unit is zero.
fn with_remainder(big: i64, big_unit: &str, small: i64, small_unit: &str) -> String {
    if small == 0 { format!("{big}{big_unit}") } else { format!("{big}{big_unit}{small}{small_unit}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::kind::KindTable;

    const NOW: &str = "2024-05-01T12:00:00Z";

    fn now() -> Timestamp {
        NOW.parse().expect("fixed now")
    }

    fn rt(group: &str, plural: &str) -> &'static ResourceType {
        let version = match group {
            "" | "apps" | "batch" => "v1",
            "autoscaling" => "v2",
            _ => "v1",
        };
        KindTable::builtin().lookup(group, version, plural).expect("known resource")
    }

    /// Cells of one row, with `now` fixed.
    fn cells_of(group: &str, plural: &str, object: Value) -> Vec<Value> {
        let row = row(rt(group, plural), &object, IncludeObject::None, now());
        row["cells"].as_array().expect("cells").clone()
    }

    fn names(group: &str, plural: &str) -> Vec<(String, i64)> {
        column_definitions(rt(group, plural))
            .iter()
            .map(|c| (c["name"].as_str().unwrap_or("").to_string(), c["priority"].as_i64().unwrap_or(-1)))
            .collect()
    }

    #[test]
    fn human_duration_follows_upstream_rounding() {
        let cases: &[(i64, &str)] = &[
            (-5, "<invalid>"),
            (-2, "<invalid>"),
            (-1, "0s"),
            (0, "0s"),
            (5, "5s"),
            (119, "119s"),
            (120, "2m"),
            (192, "3m12s"),
            (599, "9m59s"),
            (600, "10m"),
            (3 * 3600 - 1, "179m"),
            (3 * 3600, "3h"),
            (5 * 3600 + 3 * 60 + 7, "5h3m"),
            (8 * 3600 - 1, "7h59m"),
            (8 * 3600, "8h"),
            (48 * 3600 - 1, "47h"),
            (48 * 3600, "2d"),
            (51 * 3600, "2d3h"),
            (8 * 86400 - 1, "7d23h"),
            (8 * 86400, "8d"),
            (90 * 86400, "90d"),
            (730 * 86400 - 1, "729d"),
            (730 * 86400, "2y"),
            (750 * 86400, "2y20d"),
            (8 * 365 * 86400, "8y"),
            (20 * 365 * 86400 + 5, "20y"),
        ];
        for (secs, want) in cases {
            assert_eq!(human_duration(SignedDuration::from_secs(*secs)), *want, "{secs}s");
        }
        // Sub-second parts truncate toward zero.
        assert_eq!(human_duration(SignedDuration::from_millis(-1900)), "0s");
        assert_eq!(human_duration(SignedDuration::from_millis(1999)), "1s");
    }

    #[test]
    fn include_object_parses_the_query_parameter() {
        assert_eq!(IncludeObject::parse(None), Ok(IncludeObject::Metadata));
        assert_eq!(IncludeObject::parse(Some("")), Ok(IncludeObject::Metadata));
        assert_eq!(IncludeObject::parse(Some("None")), Ok(IncludeObject::None));
        assert_eq!(IncludeObject::parse(Some("Object")), Ok(IncludeObject::Object));
        assert!(IncludeObject::parse(Some("all")).unwrap_err().contains("\"all\""));
    }

    #[test]
    fn pod_with_two_containers_one_ready_and_restarts() {
        let pod = json!({
            "metadata": {"name": "web-0", "creationTimestamp": "2024-05-01T11:55:00Z"},
            "spec": {"nodeName": "node-a", "containers": [{"name": "app"}, {"name": "side"}]},
            "status": {
                "phase": "Running",
                "podIPs": [{"ip": "10.0.0.7"}],
                "containerStatuses": [
                    {"name": "app", "ready": true, "restartCount": 2, "state": {"running": {}},
                     "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2024-05-01T11:58:30Z"}}},
                    {"name": "side", "ready": false, "restartCount": 1,
                     "state": {"waiting": {"reason": "CrashLoopBackOff"}}},
                ],
            },
        });
        let cells = cells_of("", "pods", pod);
        assert_eq!(
            cells,
            vec![
                json!("web-0"),
                json!("1/2"),
                json!("CrashLoopBackOff"),
                json!("3 (90s ago)"),
                json!("5m"),
                json!("10.0.0.7"),
                json!("node-a"),
                json!("<none>"),
                json!("<none>"),
            ]
        );
    }

    #[test]
    fn pod_status_cases() {
        let base = |status: Value, extra_spec: Value| {
            let mut spec = json!({"containers": [{"name": "app"}]});
            if let (Some(s), Some(e)) = (spec.as_object_mut(), extra_spec.as_object()) {
                s.extend(e.clone());
            }
            json!({"metadata": {"name": "p"}, "spec": spec, "status": status})
        };
        let cases = [
            (json!({"phase": "Pending"}), json!({}), "Pending", "0/1"),
            (
                json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "reason": "SchedulingGated"}]}),
                json!({}),
                "SchedulingGated",
                "0/1",
            ),
            (
                json!({"phase": "Pending", "initContainerStatuses": [{"name": "init", "state": {"running": {}}}]}),
                json!({"initContainers": [{"name": "init"}]}),
                "Init:0/1",
                "0/1",
            ),
            (
                json!({"phase": "Pending", "initContainerStatuses": [
                    {"name": "init", "state": {"terminated": {"exitCode": 2}}}]}),
                json!({"initContainers": [{"name": "init"}]}),
                "Init:ExitCode:2",
                "0/1",
            ),
            (
                // A started, ready sidecar counts towards READY and the total.
                json!({"phase": "Running", "initContainerStatuses": [
                    {"name": "proxy", "started": true, "ready": true, "state": {"running": {}}}],
                    "containerStatuses": [{"name": "app", "ready": true, "state": {"running": {}}}]}),
                json!({"initContainers": [{"name": "proxy", "restartPolicy": "Always"}]}),
                "Running",
                "2/2",
            ),
            (
                json!({"phase": "Succeeded", "containerStatuses": [
                    {"name": "app", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}),
                json!({}),
                "Completed",
                "0/1",
            ),
        ];
        for (status, spec, want_status, want_ready) in cases {
            let cells = cells_of("", "pods", base(status, spec));
            assert_eq!((cells[2].clone(), cells[1].clone()), (json!(want_status), json!(want_ready)));
            assert_eq!(cells[3], json!("0"));
        }
        let mut deleting = base(json!({"phase": "Running"}), json!({}));
        deleting["metadata"]["deletionTimestamp"] = json!(NOW);
        assert_eq!(cells_of("", "pods", deleting)[2], json!("Terminating"));
    }

    #[test]
    fn finished_pods_carry_a_completed_row_condition() {
        let pod = json!({"metadata": {"name": "p"}, "spec": {"containers": []}, "status": {"phase": "Succeeded"}});
        let row = row(rt("", "pods"), &pod, IncludeObject::None, now());
        assert_eq!(row["conditions"][0]["type"], "Completed");
        assert_eq!(row["conditions"][0]["reason"], "Succeeded");
        let running = json!({"metadata": {"name": "p"}, "status": {"phase": "Running"}});
        assert!(super::row(rt("", "pods"), &running, IncludeObject::None, now()).get("conditions").is_none());
    }

    #[test]
    fn deployment_ready_up_to_date_available_and_wide_cells() {
        let deploy = json!({
            "metadata": {"name": "web", "creationTimestamp": "2024-04-29T09:00:00Z"},
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "web"},
                             "matchExpressions": [{"key": "tier", "operator": "In", "values": ["b", "a"]}]},
                "template": {"spec": {"containers": [
                    {"name": "app", "image": "nginx:1"}, {"name": "log", "image": "busybox"}]}},
            },
            "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2},
        });
        assert_eq!(
            cells_of("apps", "deployments", deploy),
            vec![
                json!("web"),
                json!("2/3"),
                json!(3),
                json!(2),
                json!("2d3h"),
                json!("app,log"),
                json!("nginx:1,busybox"),
                json!("app=web,tier in (a,b)"),
            ]
        );
        // Unset replicas print as upstream's default of 1; a fresh object has no status.
        let fresh = json!({"metadata": {"name": "new"}, "spec": {"template": {"spec": {"containers": []}}}});
        let cells = cells_of("apps", "deployments", fresh);
        assert_eq!(
            (cells[1].clone(), cells[2].clone(), cells[4].clone()),
            (json!("0/1"), json!(0), json!("<unknown>"))
        );
    }

    #[test]
    fn service_ports_and_missing_selector() {
        let svc = json!({
            "metadata": {"name": "api", "creationTimestamp": "2024-05-01T11:59:30Z"},
            "spec": {"type": "NodePort", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
                     "ports": [{"port": 80, "protocol": "TCP", "nodePort": 30080}, {"port": 53, "protocol": "UDP"}]},
        });
        assert_eq!(
            cells_of("", "services", svc),
            vec![
                json!("api"),
                json!("NodePort"),
                json!("10.96.0.10"),
                json!("<none>"),
                json!("80:30080/TCP,53/UDP"),
                json!("30s"),
                json!("<none>"),
            ]
        );
        let lb = json!({"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer", "ports": [{"port": 443}],
                        "selector": {"b": "2", "a": "1"}}});
        let cells = cells_of("", "services", lb);
        assert_eq!(cells[2..5], [json!("<none>"), json!("<pending>"), json!("443/TCP")]);
        assert_eq!(cells[6], json!("a=1,b=2"));
        let ext = json!({"metadata": {"name": "x"}, "spec": {"type": "ExternalName", "externalName": "db.example"}});
        assert_eq!(cells_of("", "services", ext)[3..5], [json!("db.example"), json!("<none>")]);
    }

    #[test]
    fn namespace_configmap_secret_serviceaccount() {
        let meta = json!({"name": "x", "creationTimestamp": "2024-03-02T12:00:00Z"});
        let ns = json!({"metadata": meta, "status": {"phase": "Active"}});
        assert_eq!(cells_of("", "namespaces", ns), vec![json!("x"), json!("Active"), json!("60d")]);
        let cm = json!({"metadata": meta, "data": {"a": "1", "b": "2"}, "binaryData": {"c": "AA=="}});
        assert_eq!(cells_of("", "configmaps", cm), vec![json!("x"), json!(3), json!("60d")]);
        let empty_cm = json!({"metadata": meta});
        assert_eq!(cells_of("", "configmaps", empty_cm)[1], json!(0));
        let secret = json!({"metadata": meta, "type": "kubernetes.io/tls", "data": {"tls.crt": "", "tls.key": ""}});
        assert_eq!(
            cells_of("", "secrets", secret),
            vec![json!("x"), json!("kubernetes.io/tls"), json!(2), json!("60d")]
        );
        let sa = json!({"metadata": meta, "secrets": [{"name": "t"}]});
        assert_eq!(cells_of("", "serviceaccounts", sa), vec![json!("x"), json!(1), json!("60d")]);
    }

    #[test]
    fn event_lease_job_cronjob_rolebinding_cells() {
        let ev = json!({
            "metadata": {"name": "web.17c"},
            "involvedObject": {"kind": "Pod", "name": "web-0", "fieldPath": "spec.containers{app}"},
            "type": "Warning", "reason": "BackOff", "message": " Back-off restarting \n",
            "firstTimestamp": "2024-05-01T11:00:00Z", "lastTimestamp": "2024-05-01T11:59:00Z", "count": 4,
            "source": {"component": "kubelet", "host": "node-a"},
        });
        assert_eq!(
            cells_of("", "events", ev),
            vec![
                json!("60s"),
                json!("Warning"),
                json!("BackOff"),
                json!("pod/web-0"),
                json!("spec.containers{app}"),
                json!("kubelet, node-a"),
                json!("Back-off restarting"),
                json!("60m"),
                json!(4),
                json!("web.17c"),
            ]
        );
        let new_ev = json!({"metadata": {"name": "e"}, "regarding": {"kind": "Node", "name": "n"},
                            "eventTime": "2024-05-01T11:59:50.000000Z", "reportingController": "ctl", "note": "hi"});
        let cells = cells_of("events.k8s.io", "events", new_ev);
        assert_eq!(cells[0..4], [json!("10s"), json!(""), json!(""), json!("node/n")]);
        assert_eq!(cells[5..9], [json!("ctl"), json!("hi"), json!("10s"), json!(1)]);

        let lease = json!({"metadata": {"name": "l"}, "spec": {"holderIdentity": "me"}});
        assert_eq!(cells_of("coordination.k8s.io", "leases", lease)[1], json!("me"));

        let job = json!({"metadata": {"name": "j"}, "spec": {"completions": 3, "template": {"spec": {"containers": []}}},
                         "status": {"succeeded": 3, "startTime": "2024-05-01T11:00:00Z",
                                    "completionTime": "2024-05-01T11:02:05Z",
                                    "conditions": [{"type": "Complete", "status": "True"}]}});
        assert_eq!(cells_of("batch", "jobs", job)[1..4], [json!("Complete"), json!("3/3"), json!("2m5s")]);

        let cj = json!({"metadata": {"name": "c"}, "spec": {"schedule": "*/5 * * * *",
                        "jobTemplate": {"spec": {"template": {"spec": {"containers": []}}}}}});
        assert_eq!(
            cells_of("batch", "cronjobs", cj)[1..6],
            [json!("*/5 * * * *"), json!("<none>"), json!("False"), json!(0), json!("<none>")]
        );

        let rb = json!({"metadata": {"name": "rb"}, "roleRef": {"kind": "ClusterRole", "name": "view"},
                        "subjects": [{"kind": "User", "name": "ann"}, {"kind": "ServiceAccount", "namespace": "ns", "name": "sa"}]});
        let cells = cells_of("rbac.authorization.k8s.io", "rolebindings", rb);
        assert_eq!(cells[1], json!("ClusterRole/view"));
        assert_eq!(cells[3..6], [json!("ann"), json!(""), json!("ns/sa")]);
    }

    #[test]
    fn control_planes_print_ready_and_endpoint() {
        let rt = KindTable::management().lookup("controlplane.kplane.dev", "v1alpha1", "controlplanes").unwrap();
        let cp = json!({
            "metadata": {"name": "demo", "creationTimestamp": "2024-05-01T11:50:00Z"},
            "spec": {"classRef": {"name": "big"}},
            "status": {"endpoint": "https://h/clusters/demo/control-plane",
                       "conditions": [{"type": "Ready", "status": "False", "reason": "EndpointPending"}]},
        });
        let cells = row(rt, &cp, IncludeObject::None, now())["cells"].clone();
        assert_eq!(
            cells,
            json!([
                "demo",
                "False",
                "https://h/clusters/demo/control-plane",
                "10m",
                "Virtual",
                "big",
                "EndpointPending"
            ])
        );
    }

    #[test]
    fn kinds_without_a_printer_get_the_default_columns() {
        let role = rt("rbac.authorization.k8s.io", "roles");
        let defs = column_definitions(role);
        assert_eq!(defs.len(), 2);
        assert_eq!(
            defs[0],
            json!({"name": "Name", "type": "string", "format": "name",
                                   "description": NAME_DESCRIPTION, "priority": 0})
        );
        assert_eq!((defs[1]["name"].clone(), defs[1]["type"].clone()), (json!("Created At"), json!("date")));
        let obj = json!({"metadata": {"name": "r", "creationTimestamp": "2024-01-02T03:04:05.123Z"}});
        assert_eq!(row(role, &obj, IncludeObject::None, now())["cells"], json!(["r", "2024-01-02T03:04:05Z"]));

        // A custom resource (no built-in behaviour) gets Name + Age.
        let custom = ResourceType {
            group: "example.com".into(),
            version: "v1".into(),
            kind: "Widget".into(),
            list_kind: "WidgetList".into(),
            plural: "widgets".into(),
            singular: "widget".into(),
            namespaced: true,
            short_names: vec![],
            categories: vec![],
            verbs: vec![],
            status_subresource: false,
            scale_subresource: false,
            create_only: false,
            builtin: None,
            custom: None,
        };
        let names: Vec<Value> = column_definitions(&custom).iter().map(|c| c["name"].clone()).collect();
        assert_eq!(names, vec![json!("Name"), json!("Age")]);
        let obj = json!({"metadata": {"name": "w", "creationTimestamp": "2024-05-01T10:00:00Z"}});
        assert_eq!(row(&custom, &obj, IncludeObject::None, now())["cells"], json!(["w", "120m"]));
    }

    #[test]
    fn include_object_shapes_row_object() {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": {"name": "c", "namespace": "d", "labels": {"a": "b"}}, "data": {"k": "v"}});
        let rt = rt("", "configmaps");
        assert!(row(rt, &cm, IncludeObject::None, now()).get("object").is_none());
        assert_eq!(
            row(rt, &cm, IncludeObject::Metadata, now())["object"],
            json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                   "metadata": {"name": "c", "namespace": "d", "labels": {"a": "b"}}})
        );
        assert_eq!(row(rt, &cm, IncludeObject::Object, now())["object"], cm);
    }

    #[test]
    fn table_carries_list_metadata_and_optional_definitions() {
        let rt = rt("", "configmaps");
        let objects = [json!({"metadata": {"name": "a"}}), json!({"metadata": {"name": "b"}})];
        let t = table(rt, &objects, IncludeObject::None, "42", Some("tok"), now(), true);
        assert_eq!((t["kind"].clone(), t["apiVersion"].clone()), (json!("Table"), json!("meta.k8s.io/v1")));
        assert_eq!(t["metadata"], json!({"resourceVersion": "42", "continue": "tok"}));
        assert_eq!(t["columnDefinitions"].as_array().map(Vec::len), Some(3));
        assert_eq!(t["rows"][1]["cells"][0], json!("b"));
        let event = table(rt, &objects[..1], IncludeObject::Metadata, "43", None, now(), false);
        assert_eq!(event["metadata"], json!({"resourceVersion": "43"}));
        assert_eq!(event["columnDefinitions"], json!([]));
        assert_eq!(event["rows"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            table(rt, &[], IncludeObject::None, "1", Some(""), now(), true)["metadata"],
            json!({"resourceVersion": "1"})
        );
    }

    #[test]
    fn wide_columns_have_priority_one() {
        let of = |group, plural, wide: &[&str]| {
            for (name, priority) in names(group, plural) {
                assert_eq!(priority, i64::from(wide.contains(&name.as_str())), "{plural} {name}");
            }
        };
        of("", "pods", &["IP", "Node", "Nominated Node", "Readiness Gates"]);
        of("apps", "deployments", &["Containers", "Images", "Selector"]);
        of("", "services", &["Selector"]);
        of("", "events", &["Subobject", "Source", "First Seen", "Count", "Name"]);
        of("", "nodes", &["Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"]);
        let pod_names: Vec<String> = names("", "pods").into_iter().map(|(n, _)| n).collect();
        assert_eq!(pod_names[..5], ["Name", "Ready", "Status", "Restarts", "Age"]);
    }

    #[test]
    fn every_printer_fills_every_column() {
        // An empty object must still yield one cell per column, for every built-in (the
        // management table holds them all, kplane's own kinds included).
        let empty = json!({"metadata": {"name": "x"}});
        for rt in KindTable::management().all() {
            let defs = column_definitions(rt);
            let row = row(rt, &empty, IncludeObject::None, now());
            assert_eq!(row["cells"].as_array().map(Vec::len), Some(defs.len()), "{}", rt.kind);
            let name_columns = defs.iter().filter(|d| d["format"] == "name").count();
            assert_eq!(name_columns, 1, "{}", rt.kind);
        }
    }
}
