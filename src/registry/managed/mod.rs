//! Field ownership (`metadata.managedFields`) and server-side apply, after upstream's
//! structured-merge-diff.
//!
//! Every write names a manager (`fieldManager`, else the client's user agent). An *update*
//! (create, PUT, a JSON/merge/strategic patch) gives its manager the fields it changed and
//! takes them from everyone else; it never conflicts. An *apply* sends the fields its manager
//! wants to own with their values: the config is merged into the live object, a field another
//! manager owns with a different value is a conflict (409, unless `force`), the applier then
//! owns exactly the config's fields, and fields it applied before and no longer does are
//! removed unless someone else owns them.
//!
//! Field sets are computed over the object without the metadata the server owns, and restricted
//! to what the request may change (`status` alone for `/status`, everything else for the main
//! resource of a kind with a status subresource).

pub mod set;
pub mod typed;

use serde_json::{Map, Value, json};

use self::set::{DisplayPath, FieldSet, PathElement};
use self::typed::Shape;
use crate::registry::error::{ApiError, ApiResult, Cause};
use crate::registry::meta;

/// Upstream keeps at most this many `Update` entries; older ones are folded together.
const MAX_UPDATE_MANAGERS: usize = 10;
const ANCIENT_MANAGER: &str = "ancient-changes";
/// Upstream's limit on a manager name.
const MAX_MANAGER_LENGTH: usize = 128;

/// Fields no manager owns: the server sets them.
const SERVER_METADATA: &[&str] = &[
    "name",
    "namespace",
    "creationTimestamp",
    "selfLink",
    "uid",
    "generation",
    "managedFields",
    "resourceVersion",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];

/// Which part of the object a write may change, for ownership.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The whole object (kinds without a status subresource).
    Object,
    /// Everything but `status`.
    Main,
    /// `status` alone.
    Status,
    /// The desired replicas, through `/scale` (nothing else can change there).
    Scale,
}

impl Scope {
    fn restrict(self, set: FieldSet) -> FieldSet {
        match self {
            Scope::Object | Scope::Scale => set,
            Scope::Main => set.without_field("status"),
            Scope::Status => set.only_field("status"),
        }
    }

    fn subresource(self) -> &'static str {
        match self {
            Scope::Status => "status",
            Scope::Scale => "scale",
            _ => "",
        }
    }
}

/// Who writes, and where.
#[derive(Clone, Debug)]
pub struct Writer {
    pub manager: String,
    /// The `apiVersion` of the request (`apps/v1`).
    pub api_version: String,
    pub scope: Scope,
}

/// The manager named by the request: `fieldManager`, else the user agent up to its first `/`
/// (upstream's default), checked like upstream's `PatchOptions`/`CreateOptions` validation.
pub fn manager_name(field_manager: Option<&str>, user_agent: Option<&str>, kind: &str) -> ApiResult<String> {
    match field_manager {
        Some(name) => {
            if name.len() > MAX_MANAGER_LENGTH {
                let message = format!("Too long: may not be more than {MAX_MANAGER_LENGTH} bytes");
                return Err(ApiError::invalid_options(kind, "fieldManager", &message));
            }
            if name.chars().any(|c| c.is_control()) {
                let message = format!("Invalid value: {name:?}: must only contain printable characters");
                return Err(ApiError::invalid_options(kind, "fieldManager", &message));
            }
            Ok(name.to_string())
        }
        None => {
            let agent = user_agent.unwrap_or_default().split('/').next().unwrap_or_default();
            Ok(agent.chars().filter(|c| !c.is_control()).take(MAX_MANAGER_LENGTH).collect())
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Operation {
    Apply,
    Update,
}

/// One `managedFields` entry.
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    manager: String,
    operation: Operation,
    api_version: String,
    time: Option<String>,
    subresource: String,
    fields: FieldSet,
}

impl Entry {
    /// Upstream's manager identity: appliers are one manager whatever version they send.
    fn is(&self, manager: &str, operation: Operation, api_version: &str, subresource: &str) -> bool {
        self.manager == manager
            && self.operation == operation
            && self.subresource == subresource
            && (operation == Operation::Apply || self.api_version == api_version)
    }

    /// How upstream names the manager in conflict messages.
    fn describe(&self) -> String {
        let mut out = format!("{:?}", self.manager);
        if !self.subresource.is_empty() {
            out.push_str(&format!(" with subresource {:?}", self.subresource));
        }
        if self.operation == Operation::Update {
            out.push_str(&format!(" using {}", self.api_version));
            if let Some(time) = &self.time {
                out.push_str(&format!(" at {time}"));
            }
        }
        out
    }

    fn decode(raw: &Value) -> Option<Entry> {
        let text = |key: &str| raw.get(key).and_then(Value::as_str);
        let operation = match text("operation")? {
            "Apply" => Operation::Apply,
            "Update" => Operation::Update,
            _ => return None,
        };
        if text("fieldsType").is_some_and(|t| t != "FieldsV1") {
            return None;
        }
        let fields = match raw.get("fieldsV1") {
            Some(fields) => FieldSet::from_fields_v1(fields)?,
            None => FieldSet::default(),
        };
        Some(Entry {
            manager: text("manager").unwrap_or_default().into(),
            operation,
            api_version: text("apiVersion").unwrap_or_default().into(),
            time: text("time").map(String::from),
            subresource: text("subresource").unwrap_or_default().into(),
            fields,
        })
    }

    fn encode(&self) -> Value {
        let mut out = Map::new();
        out.insert("manager".into(), json!(self.manager));
        let operation = match self.operation {
            Operation::Apply => "Apply",
            Operation::Update => "Update",
        };
        out.insert("operation".into(), json!(operation));
        out.insert("apiVersion".into(), json!(self.api_version));
        if let Some(time) = &self.time {
            out.insert("time".into(), json!(time));
        }
        out.insert("fieldsType".into(), json!("FieldsV1"));
        out.insert("fieldsV1".into(), self.fields.to_fields_v1());
        if !self.subresource.is_empty() {
            out.insert("subresource".into(), json!(self.subresource));
        }
        Value::Object(out)
    }
}

/// An object's managers.
#[derive(Clone, Debug, Default, PartialEq)]
struct Managers(Vec<Entry>);

impl Managers {
    /// The entries stored on `object`; `None` when they are not valid `managedFields`.
    fn of(object: &Value) -> Option<Managers> {
        match meta::metadata(object).and_then(|m| m.get("managedFields")) {
            None | Some(Value::Null) => Some(Managers::default()),
            Some(Value::Array(entries)) => entries.iter().map(Entry::decode).collect::<Option<_>>().map(Managers),
            Some(_) => None,
        }
    }

    /// Stores the entries on `object`, in upstream's order, dropping empty ones. When only
    /// timestamps differ from `previous`, keeps those: a write that changed nothing of the
    /// object must not change it (upstream ignores timestamp-only changes too).
    fn store(mut self, object: &mut Value, previous: &Managers) {
        self.0.retain(|entry| !entry.fields.is_empty());
        self.0.sort_by(|a, b| {
            (a.operation, &a.time, &a.manager, &a.api_version, &a.subresource).cmp(&(
                b.operation,
                &b.time,
                &b.manager,
                &b.api_version,
                &b.subresource,
            ))
        });
        let untimed = |managers: &Managers| -> Vec<Entry> {
            let mut entries = managers.0.clone();
            entries.iter_mut().for_each(|e| e.time = None);
            entries.sort_by(|a, b| {
                (&a.manager, a.operation, &a.subresource).cmp(&(&b.manager, b.operation, &b.subresource))
            });
            entries
        };
        let managers = if untimed(&self) == untimed(previous) { previous } else { &self };
        if managers.0.is_empty() {
            meta::remove_meta(object, "managedFields");
        } else {
            let entries = managers.0.iter().map(Entry::encode).collect();
            meta::set_meta(object, "managedFields", Value::Array(entries));
        }
    }

    /// The entry of this manager, created when missing.
    fn entry(&mut self, writer: &Writer, operation: Operation) -> &mut Entry {
        let subresource = writer.scope.subresource();
        let found = self.0.iter().position(|e| e.is(&writer.manager, operation, &writer.api_version, subresource));
        let index = found.unwrap_or_else(|| {
            self.0.push(Entry {
                manager: writer.manager.clone(),
                operation,
                api_version: writer.api_version.clone(),
                time: None,
                subresource: subresource.into(),
                fields: FieldSet::default(),
            });
            self.0.len() - 1
        });
        let entry = &mut self.0[index];
        entry.api_version = writer.api_version.clone();
        entry.time = Some(meta::now_rfc3339());
        entry
    }

    /// Folds the oldest `Update` entries into one once there are too many.
    fn cap(&mut self) {
        let (mut updates, appliers): (Vec<Entry>, Vec<Entry>) =
            std::mem::take(&mut self.0).into_iter().partition(|e| e.operation == Operation::Update);
        if updates.len() > MAX_UPDATE_MANAGERS {
            updates.sort_by(|a, b| a.time.cmp(&b.time)); // oldest first; `ancient-changes` has none
            let recent = updates.split_off(updates.len() - (MAX_UPDATE_MANAGERS - 1));
            let ancient = updates.iter().fold(FieldSet::default(), |all, e| all.union(&e.fields));
            updates = recent;
            updates.push(Entry {
                manager: ANCIENT_MANAGER.into(),
                operation: Operation::Update,
                api_version: String::new(),
                time: None,
                subresource: String::new(),
                fields: ancient,
            });
        }
        self.0 = appliers;
        self.0.extend(updates);
    }
}

/// The object without what the server owns: what field sets are computed over.
fn owned_part(object: &Value) -> Value {
    let mut copy = object.clone();
    if let Some(map) = copy.as_object_mut() {
        map.remove("apiVersion");
        map.remove("kind");
    }
    let meta = meta::metadata_mut(&mut copy);
    for field in SERVER_METADATA {
        meta.remove(*field);
    }
    if meta.is_empty() {
        copy.as_object_mut().map(|m| m.remove("metadata"));
    }
    copy
}

fn fields_of(object: &Value, shape: Shape) -> Result<FieldSet, String> {
    typed::field_set(&owned_part(object), shape)
}

/// The members of `new_set` that `old` did not have, or (for leaves) had with another value.
fn changed(old: &Value, new: &Value, old_set: &FieldSet, new_set: &FieldSet, shape: Shape) -> FieldSet {
    let mut out = FieldSet::default();
    for path in new_set.paths() {
        let is_new = !old_set.contains(&path);
        let leaf_differs =
            !new_set.has_children(&path) && typed::get(old, &path, shape) != typed::get(new, &path, shape);
        if is_new || leaf_differs {
            out.insert(&path);
        }
    }
    out
}

/// True for the `[{}]` a client sends to clear `managedFields`.
fn is_reset(object: &Value) -> bool {
    let entries = meta::metadata(object).and_then(|m| m.get("managedFields")).and_then(Value::as_array);
    entries.is_some_and(|e| e.len() == 1 && e[0].as_object().is_some_and(Map::is_empty))
}

/// Records an update (`old` is `None` for a create) in `new`'s `managedFields`.
///
/// A client may rewrite `managedFields` itself (kubectl does when moving from client-side to
/// server-side apply); what it sends is used when it decodes and is not empty, and `[{}]`
/// clears them. Otherwise the stored entries are kept: clients unaware of the field never
/// drop it.
pub fn record_update(old: Option<&Value>, new: &mut Value, shape: Shape, writer: &Writer) {
    if is_reset(new) {
        meta::remove_meta(new, "managedFields");
        return;
    }
    let previous = old.and_then(Managers::of).unwrap_or_default();
    let sent = Managers::of(new).filter(|m| !m.0.is_empty() && matches!(writer.scope, Scope::Object | Scope::Main));
    let mut managers = sent.unwrap_or_else(|| previous.clone());
    let empty = Value::Object(Map::new());
    let old = old.unwrap_or(&empty);
    let sets = fields_of(old, shape).and_then(|old_set| Ok((old_set, fields_of(new, shape)?)));
    let (old_set, new_set) = match sets {
        Ok(sets) => sets,
        Err(err) => {
            // Upstream, too, lets an update through when it cannot work out ownership.
            tracing::debug!(error = %err, "managed fields not updated");
            managers.store(new, &previous);
            return;
        }
    };
    let changed = writer.scope.restrict(changed(old, new, &old_set, &new_set, shape));
    let removed = old_set.difference(&new_set);
    if !changed.is_empty() || !removed.is_empty() {
        let taken = changed.union(&removed);
        for entry in &mut managers.0 {
            entry.fields = entry.fields.difference(&taken);
        }
        let entry = managers.entry(writer, Operation::Update);
        entry.fields = entry.fields.union(&changed);
        managers.cap();
    }
    managers.store(new, &previous);
}

/// Server-side apply of `config` to `live` (`None`: the object does not exist yet). `reset`
/// turns the merged object into what the request may write (the stored status for a main
/// resource write, say). Returns the object to write, with its `managedFields`.
pub fn apply(
    live: Option<&Value>,
    config: &Value,
    shape: Shape,
    writer: &Writer,
    force: bool,
    reset: impl FnOnce(Value) -> Value,
) -> ApiResult<Value> {
    if meta::metadata(config).is_some_and(|m| m.get("managedFields").is_some_and(|f| !f.is_null())) {
        return Err(ApiError::bad_request("metadata.managedFields must be nil"));
    }
    let invalid = |err: String| ApiError::unprocessable(format!("failed to apply the configuration: {err}"));
    let config_set = writer.scope.restrict(fields_of(config, shape).map_err(invalid)?);
    let empty = Value::Object(Map::new());
    let live = live.unwrap_or(&empty);
    let mut new = reset(typed::merge(Some(live), config, shape));
    let previous = Managers::of(live).unwrap_or_default();
    let mut managers = previous.clone();
    let live_set = fields_of(live, shape).unwrap_or_default();
    let new_set = fields_of(&new, shape).map_err(invalid)?;
    let changed = changed(live, &new, &live_set, &new_set, shape).intersection(&config_set);

    let me = |e: &Entry| e.is(&writer.manager, Operation::Apply, "", writer.scope.subresource());
    if !force {
        let conflicts: Vec<(String, Vec<PathElement>)> = managers
            .0
            .iter()
            .filter(|e| !me(e))
            .flat_map(|e| e.fields.intersection(&changed).paths().into_iter().map(|p| (e.describe(), p)))
            .collect();
        let allowed = || upgraded_from_client_side_apply(writer, live, shape);
        if !conflicts.is_empty() && !allowed().is_some_and(|ok| conflicts.iter().all(|(_, p)| ok.contains(p))) {
            return Err(conflict_error(&conflicts));
        }
    }
    for entry in managers.0.iter_mut().filter(|e| !me(e)) {
        entry.fields = entry.fields.difference(&changed);
    }

    // Fields this manager applied before and leaves out now go, unless someone else has them.
    let others = managers.0.iter().filter(|e| !me(e)).fold(FieldSet::default(), |all, e| all.union(&e.fields));
    let dropped = managers.0.iter().find(|e| me(e)).map(|e| e.fields.difference(&config_set)).unwrap_or_default();
    for path in dropped.paths() {
        if !others.touches(&path) {
            typed::remove(&mut new, &path, shape);
        }
    }

    managers.entry(writer, Operation::Apply).fields = config_set;
    managers.store(&mut new, &previous);
    sync_last_applied(writer, config, &mut new);
    Ok(new)
}

/// Upstream keeps client-side apply's annotation in step with kubectl's server-side applies,
/// so that going back to client-side apply computes its patches from the right configuration.
/// Only for kubectl's own manager, and only where the annotation exists.
fn sync_last_applied(writer: &Writer, config: &Value, new: &mut Value) {
    let has_annotation = meta::metadata(new).and_then(|m| m.get("annotations")).and_then(|a| a.get(LAST_APPLIED));
    if writer.manager != "kubectl" || has_annotation.is_none() {
        return;
    }
    let mut applied = config.clone();
    let annotations = meta::metadata_mut(&mut applied).get_mut("annotations").and_then(Value::as_object_mut);
    if let Some(annotations) = annotations {
        annotations.remove(LAST_APPLIED);
        if annotations.is_empty() {
            meta::metadata_mut(&mut applied).remove("annotations");
        }
    }
    new["metadata"]["annotations"][LAST_APPLIED] = Value::String(applied.to_string());
}

/// The annotation client-side apply keeps its last configuration in.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The fields `kubectl apply --server-side` may take without a conflict from an object that
/// client-side apply managed: those of the last applied configuration that still hold its
/// values. Upstream allows this to kubectl's default manager only, so that moving an object
/// from client-side to server-side apply does not need `--force-conflicts`.
fn upgraded_from_client_side_apply(writer: &Writer, live: &Value, shape: Shape) -> Option<FieldSet> {
    if writer.manager != "kubectl" {
        return None;
    }
    let raw = meta::metadata(live)?.get("annotations")?.get(LAST_APPLIED)?.as_str()?;
    let last_applied: Value = serde_json::from_str(raw).ok()?;
    let last_set = fields_of(&last_applied, shape).ok()?;
    let live_set = fields_of(live, shape).ok()?;
    let modified = changed(&last_applied, live, &last_set, &live_set, shape);
    Some(last_set.difference(&modified))
}

/// Upstream's 409 for apply conflicts: one cause per field, a message listing them.
fn conflict_error(conflicts: &[(String, Vec<PathElement>)]) -> ApiError {
    let causes: Vec<Cause> = conflicts
        .iter()
        .map(|(manager, path)| Cause {
            reason: "FieldManagerConflict".into(),
            message: format!("conflict with {manager}"),
            field: DisplayPath(path).to_string(),
        })
        .collect();
    let message = match conflicts {
        [(manager, path)] => format!("Apply failed with 1 conflict: conflict with {manager}: {}", DisplayPath(path)),
        _ => {
            let mut managers: Vec<&String> = conflicts.iter().map(|(m, _)| m).collect();
            managers.sort();
            managers.dedup();
            let mut lines = Vec::new();
            for manager in managers {
                lines.push(format!("conflicts with {manager}:"));
                for (_, path) in conflicts.iter().filter(|(m, _)| m == manager) {
                    lines.push(format!("- {}", DisplayPath(path)));
                }
            }
            format!("Apply failed with {} conflicts: {}", conflicts.len(), lines.join("\n"))
        }
    };
    ApiError::apply_conflict(message, causes)
}

#[cfg(test)]
mod tests;
