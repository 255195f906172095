//! Per-kind columns and cells, mirroring upstream's server-side printers (column names,
//! types, priorities and cell text), read from objects in their JSON form.
//!
//! Some fields are defaulted by upstream before they are ever printed (replica counts,
//! service type, port protocol); where a stored object may lack them, the printer uses the
//! default so the output matches what a real cluster shows.

use serde_json::{Value, json};

use super::{AGE, Column, Ctx, NAME};

/// Columns of one kind and how to compute a row's cells (and, for pods, row conditions).
pub(crate) struct Printer {
    pub columns: &'static [Column],
    pub cells: fn(&Value, &Ctx) -> Vec<Value>,
    pub conditions: Option<fn(&Value) -> Vec<Value>>,
}

const fn printer(columns: &'static [Column], cells: fn(&Value, &Ctx) -> Vec<Value>) -> Printer {
    Printer { columns, cells, conditions: None }
}

/// The printer of a built-in kind, by API group and kind.
pub(crate) fn lookup(group: &str, kind: &str) -> Option<&'static Printer> {
    let p = match (group, kind) {
        ("", "Pod") => &POD,
        ("", "PodTemplate") => &POD_TEMPLATE,
        ("", "Namespace") => &NAMESPACE,
        ("", "ConfigMap") => &CONFIG_MAP,
        ("", "Secret") => &SECRET,
        ("", "ServiceAccount") => &SERVICE_ACCOUNT,
        ("", "Service") => &SERVICE,
        ("", "Endpoints") => &ENDPOINTS,
        ("", "Event") | ("events.k8s.io", "Event") => &EVENT,
        ("", "Node") => &NODE,
        ("", "PersistentVolume") => &PERSISTENT_VOLUME,
        ("", "PersistentVolumeClaim") => &PERSISTENT_VOLUME_CLAIM,
        ("", "ResourceQuota") => &RESOURCE_QUOTA,
        ("", "ReplicationController") => &REPLICATION_CONTROLLER,
        ("apps", "Deployment") => &DEPLOYMENT,
        ("apps", "ReplicaSet") => &REPLICA_SET,
        ("apps", "StatefulSet") => &STATEFUL_SET,
        ("apps", "DaemonSet") => &DAEMON_SET,
        ("apps", "ControllerRevision") => &CONTROLLER_REVISION,
        ("batch", "Job") => &JOB,
        ("batch", "CronJob") => &CRON_JOB,
        ("autoscaling", "HorizontalPodAutoscaler") => &HPA,
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => &ROLE_BINDING,
        ("coordination.k8s.io", "Lease") => &LEASE,
        ("discovery.k8s.io", "EndpointSlice") => &ENDPOINT_SLICE,
        ("networking.k8s.io", "Ingress") => &INGRESS,
        ("networking.k8s.io", "IngressClass") => &INGRESS_CLASS,
        ("networking.k8s.io", "NetworkPolicy") => &NETWORK_POLICY,
        ("policy", "PodDisruptionBudget") => &POD_DISRUPTION_BUDGET,
        ("scheduling.k8s.io", "PriorityClass") => &PRIORITY_CLASS,
        ("storage.k8s.io", "StorageClass") => &STORAGE_CLASS,
        ("controlplane.kplane.dev", "ControlPlane") => &CONTROL_PLANE,
        ("controlplane.kplane.dev", "ControlPlaneEndpoint") => &CONTROL_PLANE_ENDPOINT,
        ("controlplane.kplane.dev", "ControlPlaneClass") => &CONTROL_PLANE_CLASS,
        ("kplane.dev", "Fleet") => &FLEET,
        _ => return None,
    };
    Some(p)
}

// ---------------------------------------------------------------------------------------
// JSON access. Missing fields read as the Go zero value, which is what upstream prints.

fn at<'a>(v: &'a Value, pointer: &str) -> Option<&'a Value> {
    v.pointer(pointer).filter(|x| !x.is_null())
}

pub(crate) fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    at(v, pointer).and_then(Value::as_str).unwrap_or("")
}

fn int_at(v: &Value, pointer: &str) -> i64 {
    at(v, pointer).and_then(Value::as_i64).unwrap_or(0)
}

fn bool_at(v: &Value, pointer: &str) -> bool {
    at(v, pointer).and_then(Value::as_bool).unwrap_or(false)
}

fn arr_at<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    at(v, pointer).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

fn len_at(v: &Value, pointer: &str) -> i64 {
    let n = match at(v, pointer) {
        Some(Value::Array(a)) => a.len(),
        Some(Value::Object(m)) => m.len(),
        _ => 0,
    };
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn or_none(s: &str) -> String {
    if s.is_empty() { "<none>".to_string() } else { s.to_string() }
}

/// A replica count that upstream defaults to 1 when unset.
fn replicas(v: &Value, pointer: &str) -> i64 {
    at(v, pointer).and_then(Value::as_i64).unwrap_or(1)
}

fn name(v: &Value) -> Value {
    Value::from(str_at(v, "/metadata/name"))
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// An int-or-string field (`2`, `"50%"`) as text.
fn int_or_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `a=1,b=2` from a string map, sorted by key; `<none>` when empty.
fn format_labels(v: Option<&Value>) -> String {
    let Some(map) = v.and_then(Value::as_object) else { return "<none>".to_string() };
    let mut pairs: Vec<String> = map.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect();
    pairs.sort();
    or_none(&pairs.join(","))
}

/// A `LabelSelector` in selector syntax (`app=web,tier in (a,b),!canary`), requirements
/// sorted by key; empty for a missing or empty selector, `None` for an unknown operator.
fn selector_string(v: Option<&Value>) -> Option<String> {
    let Some(sel) = v else { return Some(String::new()) };
    let mut reqs: Vec<(String, String)> = Vec::new();
    if let Some(labels) = sel.get("matchLabels").and_then(Value::as_object) {
        for (k, val) in labels {
            reqs.push((k.clone(), format!("{k}={}", val.as_str().unwrap_or(""))));
        }
    }
    for expr in sel.get("matchExpressions").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]) {
        let key = str_at(expr, "/key");
        let mut values: Vec<&str> = arr_at(expr, "/values").iter().filter_map(Value::as_str).collect();
        values.sort_unstable();
        let text = match str_at(expr, "/operator") {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            _ => return None,
        };
        reqs.push((key.to_string(), text));
    }
    reqs.sort_by(|a, b| a.0.cmp(&b.0));
    Some(reqs.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join(","))
}

/// A label selector for a cell: `<none>` when it selects by nothing, `<error>` when invalid.
fn format_selector(v: Option<&Value>) -> String {
    match selector_string(v) {
        Some(s) => or_none(&s),
        None => "<error>".to_string(),
    }
}

/// Container names and images of a pod spec, comma-joined (the wide CONTAINERS/IMAGES cells).
fn containers_and_images(pod_spec: Option<&Value>) -> (String, String) {
    let containers = pod_spec.and_then(|s| s.get("containers")).and_then(Value::as_array);
    let list = containers.map(Vec::as_slice).unwrap_or(&[]);
    let names: Vec<&str> = list.iter().map(|c| str_at(c, "/name")).collect();
    let images: Vec<&str> = list.iter().map(|c| str_at(c, "/image")).collect();
    (names.join(","), images.join(","))
}

/// First `max` items joined by `,`, then ` + N more...`; `<unset>` when there are none.
fn list_with_more(items: &[String], max: usize) -> String {
    if items.is_empty() {
        return "<unset>".to_string();
    }
    let shown = items[..items.len().min(max)].join(",");
    if items.len() > max { format!("{shown} + {} more...", items.len() - max) } else { shown }
}

/// The first condition of `type` in a conditions array.
fn condition<'a>(v: &'a Value, pointer: &str, ty: &str) -> Option<&'a Value> {
    arr_at(v, pointer).iter().find(|c| str_at(c, "/type") == ty)
}

fn condition_true(v: &Value, pointer: &str, ty: &str) -> bool {
    condition(v, pointer, ty).is_some_and(|c| str_at(c, "/status") == "True")
}

// ---------------------------------------------------------------------------------------
// Shared column descriptions.

const CONTAINERS: Column = Column::wide("Containers", "string", "Names of the containers in the pod template.");
const IMAGES: Column = Column::wide("Images", "string", "Images of the containers in the pod template.");
const SELECTOR: Column = Column::wide("Selector", "string", "Label selector of the pods this object manages.");

// ---------------------------------------------------------------------------------------
// Pods.

static POD: Printer = Printer {
    columns: &[
        NAME,
        Column::new("Ready", "string", "Ready containers out of all containers."),
        Column::new("Status", "string", "Aggregate status of the pod's containers."),
        Column::new("Restarts", "string", "Container restarts, and how long ago the last one was."),
        AGE,
        Column::wide("IP", "string", "The pod's first IP address."),
        Column::wide("Node", "string", "Node the pod is bound to."),
        Column::wide("Nominated Node", "string", "Node the scheduler nominated for preemption."),
        Column::wide("Readiness Gates", "string", "Readiness gates met out of all gates."),
    ],
    cells: pod_cells,
    conditions: Some(pod_conditions),
};

/// Running tally over container statuses: restarts and the latest restart time.
#[derive(Default)]
struct Restarts {
    count: i64,
    last: Option<jiff::Timestamp>,
}

impl Restarts {
    fn add(&mut self, status: &Value) {
        self.count += int_at(status, "/restartCount");
        let finished = super::parse_time(at(status, "/lastState/terminated/finishedAt"));
        if finished > self.last {
            self.last = finished;
        }
    }
}

/// A terminated container's reason, or `<prefix>Signal:N` / `<prefix>ExitCode:N` without one.
fn terminated_reason(terminated: &Value, prefix: &str) -> String {
    let reason = str_at(terminated, "/reason");
    if !reason.is_empty() {
        return format!("{prefix}{reason}");
    }
    let signal = int_at(terminated, "/signal");
    if signal != 0 {
        format!("{prefix}Signal:{signal}")
    } else {
        format!("{prefix}ExitCode:{}", int_at(terminated, "/exitCode"))
    }
}

/// Scans init container statuses: returns the reason while still initializing.
/// Started sidecars (restartable init containers) count as ready containers instead.
fn pod_init_status(pod: &Value, all: &mut Restarts, sidecars: &mut Restarts, ready: &mut i64) -> Option<String> {
    let specs = arr_at(pod, "/spec/initContainers");
    let is_sidecar =
        |name: &str| specs.iter().any(|c| str_at(c, "/name") == name && str_at(c, "/restartPolicy") == "Always");
    for (i, status) in arr_at(pod, "/status/initContainerStatuses").iter().enumerate() {
        all.add(status);
        let sidecar = is_sidecar(str_at(status, "/name"));
        if sidecar {
            sidecars.add(status);
        }
        let terminated = at(status, "/state/terminated");
        let waiting_reason = str_at(status, "/state/waiting/reason");
        if terminated.is_some_and(|t| int_at(t, "/exitCode") == 0) {
            continue;
        }
        if sidecar && bool_at(status, "/started") {
            if bool_at(status, "/ready") {
                *ready += 1;
            }
            continue;
        }
        return Some(match terminated {
            Some(t) => terminated_reason(t, "Init:"),
            None if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" => {
                format!("Init:{waiting_reason}")
            }
            None => format!("Init:{i}/{}", specs.len()),
        });
    }
    None
}

/// Scans app container statuses (last to first, so the first container's state wins).
fn pod_container_status(pod: &Value, mut reason: String, restarts: &mut Restarts, ready: &mut i64) -> String {
    let mut has_running = false;
    for status in arr_at(pod, "/status/containerStatuses").iter().rev() {
        restarts.add(status);
        let waiting_reason = str_at(status, "/state/waiting/reason");
        if !waiting_reason.is_empty() {
            reason = waiting_reason.to_string();
        } else if let Some(t) = at(status, "/state/terminated") {
            reason = terminated_reason(t, "");
        } else if bool_at(status, "/ready") && at(status, "/state/running").is_some() {
            has_running = true;
            *ready += 1;
        }
    }
    // A pod whose last container completed while another still runs is not "Completed".
    if reason == "Completed" && has_running {
        reason = if condition_true(pod, "/status/conditions", "Ready") { "Running" } else { "NotReady" }.into();
    }
    reason
}

fn pod_cells(pod: &Value, ctx: &Ctx) -> Vec<Value> {
    let phase = str_at(pod, "/status/phase");
    let mut reason = match str_at(pod, "/status/reason") {
        "" => phase.to_string(),
        r => r.to_string(),
    };
    let gated = arr_at(pod, "/status/conditions")
        .iter()
        .any(|c| str_at(c, "/type") == "PodScheduled" && str_at(c, "/reason") == "SchedulingGated");
    if gated {
        reason = "SchedulingGated".into();
    }
    let sidecar_count =
        arr_at(pod, "/spec/initContainers").iter().filter(|c| str_at(c, "/restartPolicy") == "Always").count();
    let total = len_at(pod, "/spec/containers") + i64::try_from(sidecar_count).unwrap_or(0);
    let mut ready = 0;
    let (mut all, mut sidecars) = (Restarts::default(), Restarts::default());
    let initializing = pod_init_status(pod, &mut all, &mut sidecars, &mut ready);
    let restarts = match initializing {
        Some(init_reason) if !condition_true(pod, "/status/conditions", "Initialized") => {
            reason = init_reason;
            all
        }
        init_reason => {
            // Init-container restarts stop counting once the pod is initialized, except
            // for sidecars, which keep running next to the app containers.
            if let Some(r) = init_reason {
                reason = r;
            }
            let mut restarts = sidecars;
            reason = pod_container_status(pod, reason, &mut restarts, &mut ready);
            restarts
        }
    };
    if at(pod, "/metadata/deletionTimestamp").is_some() {
        if str_at(pod, "/status/reason") == "NodeLost" {
            reason = "Unknown".into();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".into();
        }
    }
    let restarts_text = match restarts.last {
        Some(last) if restarts.count != 0 => {
            format!("{} ({} ago)", restarts.count, super::human_duration(ctx.now.duration_since(last)))
        }
        _ => restarts.count.to_string(),
    };
    let mut ip = str_at(pod, "/status/podIPs/0/ip");
    if ip.is_empty() {
        ip = str_at(pod, "/status/podIP");
    }
    vec![
        name(pod),
        json!(format!("{ready}/{total}")),
        json!(reason),
        json!(restarts_text),
        json!(ctx.age(pod)),
        json!(or_none(ip)),
        json!(or_none(str_at(pod, "/spec/nodeName"))),
        json!(or_none(str_at(pod, "/status/nominatedNodeName"))),
        json!(readiness_gates(pod)),
    ]
}

/// `met/total` over `spec.readinessGates`, or `<none>` without gates.
fn readiness_gates(pod: &Value) -> String {
    let gates = arr_at(pod, "/spec/readinessGates");
    if gates.is_empty() {
        return "<none>".into();
    }
    let met = gates.iter().filter(|g| condition_true(pod, "/status/conditions", str_at(g, "/conditionType"))).count();
    format!("{met}/{}", gates.len())
}

/// Finished pods carry a `Completed` row condition.
fn pod_conditions(pod: &Value) -> Vec<Value> {
    let (reason, message) = match str_at(pod, "/status/phase") {
        "Succeeded" => ("Succeeded", "The pod has completed successfully."),
        "Failed" => ("Failed", "The pod failed."),
        _ => return Vec::new(),
    };
    vec![json!({"type": "Completed", "status": "True", "reason": reason, "message": message})]
}

static POD_TEMPLATE: Printer = printer(
    &[
        NAME,
        Column::new("Containers", "string", "Names of the containers in the template."),
        Column::new("Images", "string", "Images of the containers in the template."),
        Column::new("Pod Labels", "string", "Labels of the pod template."),
    ],
    |o, _| {
        let (names, images) = containers_and_images(at(o, "/template/spec"));
        vec![name(o), json!(names), json!(images), json!(format_labels(at(o, "/template/metadata/labels")))]
    },
);

// ---------------------------------------------------------------------------------------
// Configuration and identity.

static NAMESPACE: Printer =
    printer(&[NAME, Column::new("Status", "string", "Phase of the namespace."), AGE], |o, ctx| {
        vec![name(o), json!(str_at(o, "/status/phase")), json!(ctx.age(o))]
    });

static CONFIG_MAP: Printer =
    printer(&[NAME, Column::new("Data", "string", "Number of keys in data and binaryData."), AGE], |o, ctx| {
        vec![name(o), json!(len_at(o, "/data") + len_at(o, "/binaryData")), json!(ctx.age(o))]
    });

static SECRET: Printer = printer(
    &[
        NAME,
        Column::new("Type", "string", "Type of the secret."),
        Column::new("Data", "string", "Number of keys in data."),
        AGE,
    ],
    |o, ctx| {
        // stringData is write-only and folded into data; count the union in case an
        // object still carries both.
        let keys = |p| at(o, p).and_then(Value::as_object).into_iter().flat_map(|m| m.keys());
        let data = keys("/data").chain(keys("/stringData")).collect::<std::collections::BTreeSet<_>>().len();
        let ty = match str_at(o, "/type") {
            "" => "Opaque",
            t => t,
        };
        vec![name(o), json!(ty), json!(data), json!(ctx.age(o))]
    },
);

static SERVICE_ACCOUNT: Printer =
    printer(&[NAME, Column::new("Secrets", "string", "Number of secrets listed by the account."), AGE], |o, ctx| {
        vec![name(o), json!(len_at(o, "/secrets")), json!(ctx.age(o))]
    });

// ---------------------------------------------------------------------------------------
// Services and endpoints.

static SERVICE: Printer = printer(
    &[
        NAME,
        Column::new("Type", "string", "How the service is exposed."),
        Column::new("Cluster-IP", "string", "The service's cluster IP."),
        Column::new("External-IP", "string", "External addresses of the service."),
        Column::new("Port(s)", "string", "Ports the service exposes."),
        AGE,
        Column::wide("Selector", "string", "Labels of the pods the service routes to."),
    ],
    service_cells,
);

fn service_cells(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let ty = match str_at(o, "/spec/type") {
        "" => "ClusterIP",
        t => t,
    };
    let mut cluster_ip = str_at(o, "/spec/clusterIPs/0");
    if cluster_ip.is_empty() {
        cluster_ip = str_at(o, "/spec/clusterIP");
    }
    let ports: Vec<String> = arr_at(o, "/spec/ports")
        .iter()
        .map(|p| {
            let protocol = match str_at(p, "/protocol") {
                "" => "TCP",
                proto => proto,
            };
            match int_at(p, "/nodePort") {
                0 => format!("{}/{protocol}", int_at(p, "/port")),
                node => format!("{}:{node}/{protocol}", int_at(p, "/port")),
            }
        })
        .collect();
    vec![
        name(o),
        json!(ty),
        json!(or_none(cluster_ip)),
        json!(service_external_ip(o, ty)),
        json!(or_none(&ports.join(","))),
        json!(ctx.age(o)),
        json!(format_labels(at(o, "/spec/selector"))),
    ]
}

/// Load-balancer ingress points (IP, else hostname), sorted and deduplicated.
fn load_balancer_points(o: &Value) -> Vec<String> {
    let mut points: Vec<String> = arr_at(o, "/status/loadBalancer/ingress")
        .iter()
        .filter_map(|i| match (str_at(i, "/ip"), str_at(i, "/hostname")) {
            ("", "") => None,
            ("", host) => Some(host.to_string()),
            (ip, _) => Some(ip.to_string()),
        })
        .collect();
    points.sort();
    points.dedup();
    points
}

fn service_external_ip(o: &Value, ty: &str) -> String {
    let external: Vec<String> =
        arr_at(o, "/spec/externalIPs").iter().filter_map(|v| v.as_str().map(String::from)).collect();
    match ty {
        "ClusterIP" | "NodePort" => or_none(&external.join(",")),
        "LoadBalancer" => {
            let mut all = load_balancer_points(o);
            all.extend(external);
            if all.is_empty() { "<pending>".into() } else { all.join(",") }
        }
        "ExternalName" => str_at(o, "/spec/externalName").to_string(),
        _ => "<unknown>".into(),
    }
}

static ENDPOINTS: Printer =
    printer(&[NAME, Column::new("Endpoints", "string", "Addresses and ports of the endpoints."), AGE], |o, ctx| {
        vec![name(o), json!(endpoints_text(o)), json!(ctx.age(o))]
    });

/// `ip:port` per address and port (bare IPs for port-less subsets), three at most.
fn endpoints_text(o: &Value) -> String {
    let subsets = arr_at(o, "/subsets");
    if subsets.is_empty() {
        return "<none>".into();
    }
    let mut all = Vec::new();
    for subset in subsets {
        let ips: Vec<&str> = arr_at(subset, "/addresses").iter().map(|a| str_at(a, "/ip")).collect();
        let ports = arr_at(subset, "/ports");
        if ports.is_empty() {
            all.extend(ips.iter().map(|ip| ip.to_string()));
        }
        for port in ports {
            let port = int_at(port, "/port");
            all.extend(ips.iter().map(|ip| host_port(ip, port)));
        }
    }
    let shown = all[..all.len().min(3)].join(",");
    if all.len() > 3 { format!("{shown} + {} more...", all.len() - 3) } else { shown }
}

/// `host:port`, bracketing IPv6 hosts.
fn host_port(host: &str, port: i64) -> String {
    if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") }
}

static ENDPOINT_SLICE: Printer = printer(
    &[
        NAME,
        Column::new("AddressType", "string", "Address family of the endpoints."),
        Column::new("Ports", "string", "Ports of the slice."),
        Column::new("Endpoints", "string", "Addresses of the endpoints."),
        AGE,
    ],
    |o, ctx| {
        let ports: Vec<String> = arr_at(o, "/ports")
            .iter()
            .map(|p| match (at(p, "/port").and_then(Value::as_i64), str_at(p, "/name")) {
                (Some(n), _) => n.to_string(),
                (None, "") => "*".to_string(),
                (None, name) => name.to_string(),
            })
            .collect();
        let addresses: Vec<String> = arr_at(o, "/endpoints")
            .iter()
            .flat_map(|e| arr_at(e, "/addresses").iter().filter_map(|a| a.as_str().map(String::from)))
            .collect();
        vec![
            name(o),
            json!(str_at(o, "/addressType")),
            json!(list_with_more(&ports, 3)),
            json!(list_with_more(&addresses, 3)),
            json!(ctx.age(o)),
        ]
    },
);

// ---------------------------------------------------------------------------------------
// Events (core/v1 and events.k8s.io/v1 share upstream's printer; field names differ).

static EVENT: Printer = printer(
    &[
        Column::new("Last Seen", "string", "Time since the event was last observed."),
        Column::new("Type", "string", "Type of the event (Normal, Warning)."),
        Column::new("Reason", "string", "Short machine-readable reason."),
        Column::new("Object", "string", "The object the event is about."),
        Column::wide("Subobject", "string", "Part of the object the event is about."),
        Column::wide("Source", "string", "Component that reported the event."),
        Column::new("Message", "string", "Human-readable description."),
        Column::wide("First Seen", "string", "Time since the event was first observed."),
        Column::wide("Count", "string", "Times the event was observed."),
        Column { priority: 1, ..NAME },
    ],
    event_cells,
);

fn event_cells(o: &Value, ctx: &Ctx) -> Vec<Value> {
    // core/v1 names first, events.k8s.io/v1 second.
    let field = |core: &str, new: &str| at(o, core).or_else(|| at(o, new));
    let text = |core: &str, new: &str| field(core, new).and_then(Value::as_str).unwrap_or("");
    let first = match field("/firstTimestamp", "/deprecatedFirstTimestamp") {
        Some(t) => ctx.since(Some(t)),
        None => ctx.since(at(o, "/eventTime")),
    };
    let mut last = match field("/lastTimestamp", "/deprecatedLastTimestamp") {
        Some(t) => ctx.since(Some(t)),
        None => first.clone(),
    };
    let mut count = field("/count", "/deprecatedCount").and_then(Value::as_i64).unwrap_or(0);
    if let Some(series) = at(o, "/series") {
        last = ctx.since(at(series, "/lastObservedTime"));
        count = int_at(series, "/count");
    } else if count == 0 {
        // Events from the new API are singletons without a count.
        count = 1;
    }
    let kind = text("/involvedObject/kind", "/regarding/kind").to_lowercase();
    let target = match text("/involvedObject/name", "/regarding/name") {
        "" => kind,
        n => format!("{kind}/{n}"),
    };
    let component = first_non_empty(
        text("/source/component", "/deprecatedSource/component"),
        text("/reportingComponent", "/reportingController"),
    );
    let host = first_non_empty(text("/source/host", "/deprecatedSource/host"), str_at(o, "/reportingInstance"));
    let source = if host.is_empty() { component.to_string() } else { format!("{component}, {host}") };
    vec![
        json!(last),
        json!(str_at(o, "/type")),
        json!(str_at(o, "/reason")),
        json!(target),
        json!(text("/involvedObject/fieldPath", "/regarding/fieldPath")),
        json!(source),
        json!(text("/message", "/note").trim()),
        json!(first),
        json!(count),
        name(o),
    ]
}

fn first_non_empty<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.is_empty() { b } else { a }
}

// ---------------------------------------------------------------------------------------
// Nodes and storage.

static NODE: Printer = printer(
    &[
        NAME,
        Column::new("Status", "string", "Readiness of the node."),
        Column::new("Roles", "string", "Roles of the node, from its labels."),
        AGE,
        Column::new("Version", "string", "Kubelet version."),
        Column::wide("Internal-IP", "string", "First internal address."),
        Column::wide("External-IP", "string", "First external address."),
        Column::wide("OS-Image", "string", "Operating system image."),
        Column::wide("Kernel-Version", "string", "Kernel version."),
        Column::wide("Container-Runtime", "string", "Container runtime and version."),
    ],
    node_cells,
);

fn node_cells(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let mut status = match condition(o, "/status/conditions", "Ready") {
        Some(c) if str_at(c, "/status") == "True" => vec!["Ready"],
        Some(_) => vec!["NotReady"],
        None => vec!["Unknown"],
    };
    if bool_at(o, "/spec/unschedulable") {
        status.push("SchedulingDisabled");
    }
    let mut roles: Vec<&str> = at(o, "/metadata/labels")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| match k.strip_prefix("node-role.kubernetes.io/") {
            Some(role) if !role.is_empty() => Some(role),
            Some(_) => None,
            None if k == "kubernetes.io/role" => v.as_str().filter(|r| !r.is_empty()),
            None => None,
        })
        .collect();
    roles.sort_unstable();
    roles.dedup();
    let address = |ty: &str| {
        let found = arr_at(o, "/status/addresses").iter().find(|a| str_at(a, "/type") == ty);
        or_none(found.map(|a| str_at(a, "/address")).unwrap_or(""))
    };
    let info = |field: &str| match str_at(o, &format!("/status/nodeInfo/{field}")) {
        "" => "<unknown>".to_string(),
        v => v.to_string(),
    };
    vec![
        name(o),
        json!(status.join(",")),
        json!(or_none(&roles.join(","))),
        json!(ctx.age(o)),
        json!(str_at(o, "/status/nodeInfo/kubeletVersion")),
        json!(address("InternalIP")),
        json!(address("ExternalIP")),
        json!(info("osImage")),
        json!(info("kernelVersion")),
        json!(info("containerRuntimeVersion")),
    ]
}

/// Access modes in upstream's fixed order and short form (`RWO,ROX`).
fn access_modes(modes: &[Value]) -> String {
    let has = |m: &str| modes.iter().any(|v| v.as_str() == Some(m));
    let table =
        [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")];
    table.iter().filter(|(long, _)| has(long)).map(|(_, short)| *short).collect::<Vec<_>>().join(",")
}

/// The storage class of a volume or claim: the legacy beta annotation wins over the field.
fn storage_class(o: &Value) -> String {
    match at(o, "/metadata/annotations/volume.beta.kubernetes.io~1storage-class").and_then(Value::as_str) {
        Some(class) => class.to_string(),
        None => str_at(o, "/spec/storageClassName").to_string(),
    }
}

/// Phase, or `Terminating` once deletion started.
fn volume_phase(o: &Value) -> &str {
    if at(o, "/metadata/deletionTimestamp").is_some() { "Terminating" } else { str_at(o, "/status/phase") }
}

fn unset_or(v: &Value, pointer: &str) -> String {
    match at(v, pointer).and_then(Value::as_str) {
        Some(s) => s.to_string(),
        None => "<unset>".to_string(),
    }
}

/// A quantity's text, `0` when absent (the zero quantity).
fn quantity(v: &Value, pointer: &str) -> String {
    match at(v, pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "0".to_string(),
    }
}

static PERSISTENT_VOLUME: Printer = printer(
    &[
        NAME,
        Column::new("Capacity", "string", "Storage capacity."),
        Column::new("Access Modes", "string", "Access modes."),
        Column::new("Reclaim Policy", "string", "What happens to the volume when released."),
        Column::new("Status", "string", "Phase of the volume."),
        Column::new("Claim", "string", "Claim bound to the volume."),
        Column::new("StorageClass", "string", "Storage class of the volume."),
        Column::new("VolumeAttributesClass", "string", "Volume attributes class of the volume."),
        Column::new("Reason", "string", "Why the volume is in its phase."),
        AGE,
        Column::wide("VolumeMode", "string", "Filesystem or Block."),
    ],
    |o, ctx| {
        let claim = match at(o, "/spec/claimRef") {
            Some(r) => format!("{}/{}", str_at(r, "/namespace"), str_at(r, "/name")),
            None => String::new(),
        };
        vec![
            name(o),
            json!(quantity(o, "/spec/capacity/storage")),
            json!(access_modes(arr_at(o, "/spec/accessModes"))),
            json!(str_at(o, "/spec/persistentVolumeReclaimPolicy")),
            json!(volume_phase(o)),
            json!(claim),
            json!(storage_class(o)),
            json!(unset_or(o, "/spec/volumeAttributesClassName")),
            json!(str_at(o, "/status/reason")),
            json!(ctx.age(o)),
            json!(unset_or(o, "/spec/volumeMode")),
        ]
    },
);

static PERSISTENT_VOLUME_CLAIM: Printer = printer(
    &[
        NAME,
        Column::new("Status", "string", "Phase of the claim."),
        Column::new("Volume", "string", "Volume bound to the claim."),
        Column::new("Capacity", "string", "Capacity of the bound volume."),
        Column::new("Access Modes", "string", "Access modes of the bound volume."),
        Column::new("StorageClass", "string", "Storage class of the claim."),
        Column::new("VolumeAttributesClass", "string", "Volume attributes class of the claim."),
        AGE,
        Column::wide("VolumeMode", "string", "Filesystem or Block."),
    ],
    |o, ctx| {
        let volume = str_at(o, "/spec/volumeName");
        // Capacity and modes describe the bound volume, so they stay empty until bound.
        let (capacity, modes) = if volume.is_empty() {
            (String::new(), String::new())
        } else {
            (quantity(o, "/status/capacity/storage"), access_modes(arr_at(o, "/status/accessModes")))
        };
        vec![
            name(o),
            json!(volume_phase(o)),
            json!(volume),
            json!(capacity),
            json!(modes),
            json!(storage_class(o)),
            json!(unset_or(o, "/spec/volumeAttributesClassName")),
            json!(ctx.age(o)),
            json!(unset_or(o, "/spec/volumeMode")),
        ]
    },
);

static STORAGE_CLASS: Printer = printer(
    &[
        NAME,
        Column::new("Provisioner", "string", "Volume plugin that provisions volumes."),
        Column::new("ReclaimPolicy", "string", "Reclaim policy of provisioned volumes."),
        Column::new("VolumeBindingMode", "string", "When volumes are bound and provisioned."),
        Column::new("AllowVolumeExpansion", "string", "Whether volumes may be expanded."),
        AGE,
    ],
    |o, ctx| {
        let is_default = |key: &str| str_at(o, &format!("/metadata/annotations/{key}")) == "true";
        let mut name = str_at(o, "/metadata/name").to_string();
        if is_default("storageclass.kubernetes.io~1is-default-class")
            || is_default("storageclass.beta.kubernetes.io~1is-default-class")
        {
            name.push_str(" (default)");
        }
        let or = |pointer: &str, default: &'static str| match str_at(o, pointer) {
            "" => default.to_string(),
            v => v.to_string(),
        };
        vec![
            json!(name),
            json!(str_at(o, "/provisioner")),
            json!(or("/reclaimPolicy", "Delete")),
            json!(or("/volumeBindingMode", "Immediate")),
            json!(bool_at(o, "/allowVolumeExpansion")),
            json!(ctx.age(o)),
        ]
    },
);

static RESOURCE_QUOTA: Printer = printer(
    &[
        NAME,
        AGE,
        Column::new("Request", "string", "Used and hard amounts of non-limit resources."),
        Column::new("Limit", "string", "Used and hard amounts of limits.* resources."),
    ],
    |o, ctx| {
        let hard = at(o, "/status/hard").and_then(Value::as_object);
        let mut resources: Vec<&String> = hard.into_iter().flat_map(|m| m.keys()).collect();
        resources.sort();
        let (mut requests, mut limits) = (Vec::new(), Vec::new());
        for resource in resources {
            let escaped = resource.replace('~', "~0").replace('/', "~1");
            let used = quantity(o, &format!("/status/used/{escaped}"));
            let limit = quantity(o, &format!("/status/hard/{escaped}"));
            let entry = format!("{resource}: {used}/{limit}");
            match resource.split_once('.') {
                Some(("limits", _)) => limits.push(entry),
                _ => requests.push(entry),
            }
        }
        vec![name(o), json!(ctx.age(o)), json!(requests.join(", ")), json!(limits.join(", "))]
    },
);

// ---------------------------------------------------------------------------------------
// Workloads.

/// Wide CONTAINERS and IMAGES cells of a pod template at `pointer`.
fn template_cells(o: &Value, pointer: &str) -> [Value; 2] {
    let (names, images) = containers_and_images(at(o, pointer));
    [json!(names), json!(images)]
}

const DESIRED_CURRENT_READY: [Column; 4] = [
    NAME,
    Column::new("Desired", "integer", "Desired number of replicas."),
    Column::new("Current", "integer", "Number of replicas that exist."),
    Column::new("Ready", "integer", "Number of ready replicas."),
];

/// Columns of the replica-counting workloads (ReplicationController, ReplicaSet).
const REPLICATED_COLUMNS: &[Column] = &[
    DESIRED_CURRENT_READY[0],
    DESIRED_CURRENT_READY[1],
    DESIRED_CURRENT_READY[2],
    DESIRED_CURRENT_READY[3],
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
];

/// Their cells; only how the selector is written differs (a plain map vs a LabelSelector).
fn replicated_cells(o: &Value, ctx: &Ctx, selector: String) -> Vec<Value> {
    let [names, images] = template_cells(o, "/spec/template/spec");
    vec![
        name(o),
        json!(replicas(o, "/spec/replicas")),
        json!(int_at(o, "/status/replicas")),
        json!(int_at(o, "/status/readyReplicas")),
        json!(ctx.age(o)),
        names,
        images,
        json!(selector),
    ]
}

static REPLICATION_CONTROLLER: Printer =
    printer(REPLICATED_COLUMNS, |o, ctx| replicated_cells(o, ctx, format_labels(at(o, "/spec/selector"))));

static REPLICA_SET: Printer =
    printer(REPLICATED_COLUMNS, |o, ctx| replicated_cells(o, ctx, format_selector(at(o, "/spec/selector"))));

static DEPLOYMENT: Printer = printer(
    &[
        NAME,
        Column::new("Ready", "string", "Ready replicas out of desired replicas."),
        Column::new("Up-to-date", "string", "Replicas running the latest template."),
        Column::new("Available", "string", "Replicas available to serve."),
        AGE,
        CONTAINERS,
        IMAGES,
        SELECTOR,
    ],
    |o, ctx| {
        let [names, images] = template_cells(o, "/spec/template/spec");
        let selector = selector_string(at(o, "/spec/selector")).unwrap_or_else(|| "<invalid>".into());
        vec![
            name(o),
            json!(format!("{}/{}", int_at(o, "/status/readyReplicas"), replicas(o, "/spec/replicas"))),
            json!(int_at(o, "/status/updatedReplicas")),
            json!(int_at(o, "/status/availableReplicas")),
            json!(ctx.age(o)),
            names,
            images,
            json!(selector),
        ]
    },
);

static STATEFUL_SET: Printer = printer(
    &[NAME, Column::new("Ready", "string", "Ready replicas out of desired replicas."), AGE, CONTAINERS, IMAGES],
    |o, ctx| {
        let [names, images] = template_cells(o, "/spec/template/spec");
        let ready = format!("{}/{}", int_at(o, "/status/readyReplicas"), replicas(o, "/spec/replicas"));
        vec![name(o), json!(ready), json!(ctx.age(o)), names, images]
    },
);

static DAEMON_SET: Printer = printer(
    &[
        NAME,
        Column::new("Desired", "integer", "Nodes that should run the daemon pod."),
        Column::new("Current", "integer", "Nodes running at least one daemon pod."),
        Column::new("Ready", "integer", "Nodes whose daemon pod is ready."),
        Column::new("Up-to-date", "integer", "Nodes running the latest template."),
        Column::new("Available", "integer", "Nodes whose daemon pod is available."),
        Column::new("Node Selector", "string", "Node selector of the pod template."),
        AGE,
        CONTAINERS,
        IMAGES,
        SELECTOR,
    ],
    |o, ctx| {
        let [names, images] = template_cells(o, "/spec/template/spec");
        vec![
            name(o),
            json!(int_at(o, "/status/desiredNumberScheduled")),
            json!(int_at(o, "/status/currentNumberScheduled")),
            json!(int_at(o, "/status/numberReady")),
            json!(int_at(o, "/status/updatedNumberScheduled")),
            json!(int_at(o, "/status/numberAvailable")),
            json!(format_labels(at(o, "/spec/template/spec/nodeSelector"))),
            json!(ctx.age(o)),
            names,
            images,
            json!(format_selector(at(o, "/spec/selector"))),
        ]
    },
);

static CONTROLLER_REVISION: Printer = printer(
    &[
        NAME,
        Column::new("Controller", "string", "Controller owning the revision."),
        Column::new("Revision", "string", "Revision number."),
        AGE,
    ],
    |o, ctx| {
        let owner = arr_at(o, "/metadata/ownerReferences").iter().find(|r| bool_at(r, "/controller"));
        let controller = match owner {
            None => "<none>".to_string(),
            Some(r) => {
                // `kind.group/name` in lower case (`daemonset.apps/fluentd`).
                let group = str_at(r, "/apiVersion").rsplit_once('/').map_or("", |(g, _)| g);
                let kind = str_at(r, "/kind");
                let name = str_at(r, "/name");
                match (kind, group) {
                    ("", _) => name.to_string(),
                    (k, "") => format!("{}/{name}", k.to_lowercase()),
                    (k, g) => format!("{}.{g}/{name}", k.to_lowercase()),
                }
            }
        };
        vec![name(o), json!(controller), json!(int_at(o, "/revision")), json!(ctx.age(o))]
    },
);

static JOB: Printer = printer(
    &[
        NAME,
        Column::new("Status", "string", "Status of the job."),
        Column::new("Completions", "string", "Succeeded pods out of desired completions."),
        Column::new("Duration", "string", "How long the job ran or has been running."),
        AGE,
        CONTAINERS,
        IMAGES,
        SELECTOR,
    ],
    job_cells,
);

fn job_cells(o: &Value, ctx: &Ctx) -> Vec<Value> {
    let succeeded = int_at(o, "/status/succeeded");
    let completions = match at(o, "/spec/completions").and_then(Value::as_i64) {
        Some(c) => format!("{succeeded}/{c}"),
        None => match int_at(o, "/spec/parallelism") {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let start = super::parse_time(at(o, "/status/startTime"));
    let end = super::parse_time(at(o, "/status/completionTime")).unwrap_or(ctx.now);
    let duration = start.map(|s| super::human_duration(end.duration_since(s))).unwrap_or_default();
    let has = |ty: &str| condition_true(o, "/status/conditions", ty);
    let status = if has("Complete") {
        "Complete"
    } else if has("Failed") {
        "Failed"
    } else if at(o, "/metadata/deletionTimestamp").is_some() {
        "Terminating"
    } else if has("Suspended") {
        "Suspended"
    } else if has("FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    };
    let [names, images] = template_cells(o, "/spec/template/spec");
    vec![
        name(o),
        json!(status),
        json!(completions),
        json!(duration),
        json!(ctx.age(o)),
        names,
        images,
        json!(format_selector(at(o, "/spec/selector"))),
    ]
}

static CRON_JOB: Printer = printer(
    &[
        NAME,
        Column::new("Schedule", "string", "Cron schedule."),
        Column::new("Timezone", "string", "Time zone of the schedule."),
        Column::new("Suspend", "boolean", "Whether new runs are suspended."),
        Column::new("Active", "integer", "Number of running jobs."),
        Column::new("Last Schedule", "string", "Time since the last scheduled run."),
        AGE,
        CONTAINERS,
        IMAGES,
        SELECTOR,
    ],
    |o, ctx| {
        let last = match at(o, "/status/lastScheduleTime") {
            Some(t) => ctx.since(Some(t)),
            None => "<none>".into(),
        };
        // Upstream defaults suspend to false, so an unset field prints as False.
        let suspend = py_bool(bool_at(o, "/spec/suspend"));
        let [names, images] = template_cells(o, "/spec/jobTemplate/spec/template/spec");
        vec![
            name(o),
            json!(str_at(o, "/spec/schedule")),
            json!(or_none(str_at(o, "/spec/timeZone"))),
            json!(suspend),
            json!(len_at(o, "/status/active")),
            json!(last),
            json!(ctx.age(o)),
            names,
            images,
            json!(format_selector(at(o, "/spec/jobTemplate/spec/selector"))),
        ]
    },
);

static HPA: Printer = printer(
    &[
        NAME,
        Column::new("Reference", "string", "The scaled object."),
        Column::new("Targets", "string", "Current and target values of the metrics."),
        Column::new("MinPods", "string", "Lower replica limit."),
        Column::new("MaxPods", "string", "Upper replica limit."),
        Column::new("Replicas", "string", "Current number of replicas."),
        AGE,
    ],
    |o, ctx| {
        let reference =
            format!("{}/{}", str_at(o, "/spec/scaleTargetRef/kind"), str_at(o, "/spec/scaleTargetRef/name"));
        let min = match at(o, "/spec/minReplicas").and_then(Value::as_i64) {
            Some(n) => n.to_string(),
            None => "<unset>".into(),
        };
        vec![
            name(o),
            json!(reference),
            json!(hpa_metrics(o)),
            json!(min),
            json!(int_at(o, "/spec/maxReplicas")),
            json!(int_at(o, "/status/currentReplicas")),
            json!(ctx.age(o)),
        ]
    },
);

/// `current/target` per metric, two at most.
fn hpa_metrics(o: &Value) -> String {
    let specs = arr_at(o, "/spec/metrics");
    if specs.is_empty() {
        return "<none>".into();
    }
    let statuses = arr_at(o, "/status/currentMetrics");
    let list: Vec<String> = specs.iter().enumerate().map(|(i, spec)| hpa_metric(spec, statuses.get(i))).collect();
    let shown = list[..list.len().min(2)].join(", ");
    if list.len() > 2 { format!("{shown} + {} more...", list.len() - 2) } else { shown }
}

fn hpa_metric(spec: &Value, status: Option<&Value>) -> String {
    let unknown = || "<unknown>".to_string();
    // The status entry of this metric's source, e.g. `status.resource`.
    let current = |source: &str, field: &str| {
        status.and_then(|s| at(s, &format!("/{source}/current/{field}"))).map(|v| quantity(v, ""))
    };
    let percent = |v: Option<String>| v.map(|p| format!("{p}%"));
    match str_at(spec, "/type") {
        ty @ ("External" | "Object") => {
            let source = if ty == "External" { "external" } else { "object" };
            match at(spec, &format!("/{source}/target/averageValue")) {
                Some(avg) => {
                    let cur = current(source, "averageValue").unwrap_or_else(unknown);
                    format!("{cur}/{} (avg)", quantity(avg, ""))
                }
                None => {
                    let cur = current(source, "value").unwrap_or_else(unknown);
                    format!("{cur}/{}", quantity(spec, &format!("/{source}/target/value")))
                }
            }
        }
        "Pods" => {
            let cur = current("pods", "averageValue").unwrap_or_else(unknown);
            format!("{cur}/{}", quantity(spec, "/pods/target/averageValue"))
        }
        ty @ ("Resource" | "ContainerResource") => {
            let source = if ty == "Resource" { "resource" } else { "containerResource" };
            let resource = str_at(spec, &format!("/{source}/name"));
            match at(spec, &format!("/{source}/target/averageValue")) {
                Some(avg) => {
                    let cur = current(source, "averageValue").unwrap_or_else(unknown);
                    format!("{resource}: {cur}/{}", quantity(avg, ""))
                }
                None => {
                    let cur = percent(current(source, "averageUtilization")).unwrap_or_else(unknown);
                    let target = at(spec, &format!("/{source}/target/averageUtilization"));
                    let target = percent(target.map(|t| quantity(t, ""))).unwrap_or_else(|| "<auto>".into());
                    format!("{resource}: {cur}/{target}")
                }
            }
        }
        _ => "<unknown type>".into(),
    }
}

static POD_DISRUPTION_BUDGET: Printer = printer(
    &[
        NAME,
        Column::new("Min Available", "string", "Pods that must stay available."),
        Column::new("Max Unavailable", "string", "Pods that may be unavailable."),
        Column::new("Allowed Disruptions", "integer", "Pods that may be disrupted now."),
        AGE,
    ],
    |o, ctx| {
        let or_na = |p: &str| int_or_string(at(o, p)).unwrap_or_else(|| "N/A".into());
        vec![
            name(o),
            json!(or_na("/spec/minAvailable")),
            json!(or_na("/spec/maxUnavailable")),
            json!(int_at(o, "/status/disruptionsAllowed")),
            json!(ctx.age(o)),
        ]
    },
);

static PRIORITY_CLASS: Printer = printer(
    &[
        NAME,
        Column::new("Value", "integer", "Priority of pods using the class."),
        Column::new("Global-Default", "boolean", "Whether pods without a class get this one."),
        AGE,
        Column::new("PreemptionPolicy", "string", "Whether pods of this class may preempt others."),
    ],
    |o, ctx| {
        let policy = match str_at(o, "/preemptionPolicy") {
            "" => "PreemptLowerPriority",
            p => p,
        };
        vec![name(o), json!(int_at(o, "/value")), json!(bool_at(o, "/globalDefault")), json!(ctx.age(o)), json!(policy)]
    },
);

// ---------------------------------------------------------------------------------------
// Networking, RBAC, coordination.

static INGRESS: Printer = printer(
    &[
        NAME,
        Column::new("Class", "string", "Ingress class handling the ingress."),
        Column::new("Hosts", "string", "Hosts the rules match."),
        Column::new("Address", "string", "Load-balancer addresses."),
        Column::new("Ports", "string", "Ports the ingress serves."),
        AGE,
    ],
    |o, ctx| {
        let rules = arr_at(o, "/spec/rules");
        let hosts: Vec<&str> = rules.iter().take(3).map(|r| str_at(r, "/host")).filter(|h| !h.is_empty()).collect();
        let hosts = match (hosts.is_empty(), rules.len() > 3) {
            (true, _) => "*".to_string(),
            (false, true) => format!("{} + {} more...", hosts.join(","), rules.len() - 3),
            (false, false) => hosts.join(","),
        };
        let ports = if arr_at(o, "/spec/tls").is_empty() { "80" } else { "80, 443" };
        vec![
            name(o),
            json!(or_none(str_at(o, "/spec/ingressClassName"))),
            json!(hosts),
            json!(load_balancer_points(o).join(",")),
            json!(ports),
            json!(ctx.age(o)),
        ]
    },
);

static INGRESS_CLASS: Printer = printer(
    &[
        NAME,
        Column::new("Controller", "string", "Controller implementing the class."),
        Column::new("Parameters", "string", "Resource holding the class's parameters."),
        AGE,
    ],
    |o, ctx| {
        let parameters = match at(o, "/spec/parameters") {
            None => "<none>".to_string(),
            Some(p) => {
                let group = match str_at(p, "/apiGroup") {
                    "" if at(p, "/apiGroup").is_none() => String::new(),
                    g => format!(".{g}"),
                };
                format!("{}{group}/{}", str_at(p, "/kind"), str_at(p, "/name"))
            }
        };
        vec![name(o), json!(str_at(o, "/spec/controller")), json!(parameters), json!(ctx.age(o))]
    },
);

static NETWORK_POLICY: Printer =
    printer(&[NAME, Column::new("Pod-Selector", "string", "Pods the policy applies to."), AGE], |o, ctx| {
        vec![
            name(o),
            json!(format_selector(Some(at(o, "/spec/podSelector").unwrap_or(&Value::Null)))),
            json!(ctx.age(o)),
        ]
    });

static ROLE_BINDING: Printer = printer(
    &[
        NAME,
        Column::new("Role", "string", "The bound role."),
        AGE,
        Column::wide("Users", "string", "Users bound."),
        Column::wide("Groups", "string", "Groups bound."),
        Column::wide("ServiceAccounts", "string", "Service accounts bound."),
    ],
    |o, ctx| {
        let subjects = arr_at(o, "/subjects");
        let of_kind = |kind: &str| {
            let names: Vec<String> = subjects
                .iter()
                .filter(|s| str_at(s, "/kind") == kind)
                .map(|s| match kind {
                    "ServiceAccount" => format!("{}/{}", str_at(s, "/namespace"), str_at(s, "/name")),
                    _ => str_at(s, "/name").to_string(),
                })
                .collect();
            names.join(", ")
        };
        vec![
            name(o),
            json!(format!("{}/{}", str_at(o, "/roleRef/kind"), str_at(o, "/roleRef/name"))),
            json!(ctx.age(o)),
            json!(of_kind("User")),
            json!(of_kind("Group")),
            json!(of_kind("ServiceAccount")),
        ]
    },
);

static LEASE: Printer =
    printer(&[NAME, Column::new("Holder", "string", "Current holder of the lease."), AGE], |o, ctx| {
        vec![name(o), json!(str_at(o, "/spec/holderIdentity")), json!(ctx.age(o))]
    });

// ---------------------------------------------------------------------------------------
// kplane's management API (`controlplane.kplane.dev`).

static CONTROL_PLANE: Printer = printer(
    &[
        NAME,
        Column::new("Ready", "string", "Whether the plane serves requests (the Ready condition)."),
        Column::new("Endpoint", "string", "URL of the plane's API."),
        AGE,
        Column::wide("Mode", "string", "How the plane is served."),
        Column::wide("Class", "string", "The ControlPlaneClass of the plane."),
        Column::wide("Reason", "string", "Why the plane is or is not ready."),
    ],
    |o, ctx| {
        let mode = match str_at(o, "/spec/mode") {
            "" => "Virtual",
            m => m,
        };
        let class = match str_at(o, "/spec/classRef/name") {
            "" => "starter",
            c => c,
        };
        let ready = condition(o, "/status/conditions", "Ready");
        vec![
            name(o),
            json!(ready.map(|c| str_at(c, "/status")).unwrap_or_default()),
            json!(str_at(o, "/status/endpoint")),
            json!(ctx.age(o)),
            json!(mode),
            json!(class),
            json!(ready.map(|c| str_at(c, "/reason")).unwrap_or_default()),
        ]
    },
);

static CONTROL_PLANE_ENDPOINT: Printer = printer(
    &[
        NAME,
        Column::new("Endpoint", "string", "URL in-cluster clients use."),
        Column::new("External", "string", "URL written into users' kubeconfigs."),
        AGE,
    ],
    |o, ctx| {
        let pick = |field: &str| {
            let status = str_at(o, &format!("/status/{field}"));
            if status.is_empty() { str_at(o, &format!("/spec/{field}")).to_string() } else { status.to_string() }
        };
        vec![name(o), json!(pick("endpoint")), json!(pick("externalEndpoint")), json!(ctx.age(o))]
    },
);

static CONTROL_PLANE_CLASS: Printer = printer(
    &[NAME, Column::new("Deletion Policy", "string", "What deleting a plane of this class does to its data."), AGE],
    |o, ctx| {
        let policy = match str_at(o, "/spec/deletionPolicy") {
            "" => "Retain",
            p => p,
        };
        vec![name(o), json!(policy), json!(ctx.age(o))]
    },
);

static FLEET: Printer = printer(
    &[
        NAME,
        Column::new("Desired", "integer", "Member planes the Fleet asks for."),
        Column::new("Ready", "integer", "Member planes that are ready (and seeded)."),
        AGE,
    ],
    |o, ctx| {
        let number = |pointer: &str| at(o, pointer).and_then(Value::as_i64).unwrap_or(0);
        vec![name(o), json!(number("/spec/replicas")), json!(number("/status/readyReplicas")), json!(ctx.age(o))]
    },
);
