//! `paths` of a group-version document: for each resource its collection, item, cluster-wide
//! list and subresource URLs, with one operation per served verb.
//!
//! Path-wide parameters (`name`, `namespace`, `pretty`) sit on the path item; everything else
//! sits on the operation, because kubectl's `fieldValidation` probe only reads the PATCH
//! operation's own parameter list.

use serde_json::{Map, Value, json};

use super::schemas::{self, SchemaNames, gvk, schema_ref};
use crate::registry::kind::ResourceType;

/// A query parameter: name, JSON type, description.
struct Param(&'static str, &'static str, &'static str);

const PRETTY: Param = Param("pretty", "string", "If 'true', the response is indented.");
const DRY_RUN: Param = Param("dryRun", "string", "`All` runs every stage of the request but persists nothing.");
const FIELD_MANAGER: Param =
    Param("fieldManager", "string", "Name of the actor making the change, recorded in managedFields.");
const FIELD_VALIDATION: Param = Param(
    "fieldValidation",
    "string",
    "How unknown or duplicate fields in the body are treated: `Ignore`, `Warn` or `Strict`.",
);
const FORCE: Param = Param(
    "force",
    "boolean",
    "Apply requests only: take over fields owned by other managers instead of reporting a conflict.",
);
const LABEL_SELECTOR: Param = Param("labelSelector", "string", "Only objects whose labels match this selector.");
const FIELD_SELECTOR: Param = Param("fieldSelector", "string", "Only objects whose fields match this selector.");
const LIMIT: Param = Param("limit", "integer", "At most this many objects per page; see `continue`.");
const CONTINUE: Param =
    Param("continue", "string", "The token from the previous page's list metadata, to fetch the next page.");
const RESOURCE_VERSION: Param =
    Param("resourceVersion", "string", "The resource version the result must be consistent with.");
const RESOURCE_VERSION_MATCH: Param =
    Param("resourceVersionMatch", "string", "How `resourceVersion` constrains a list: `Exact` or `NotOlderThan`.");
const TIMEOUT_SECONDS: Param =
    Param("timeoutSeconds", "integer", "Ends the list or watch call after this many seconds.");
const WATCH: Param = Param("watch", "boolean", "Stream add, update and delete events instead of returning a list.");
const ALLOW_WATCH_BOOKMARKS: Param =
    Param("allowWatchBookmarks", "boolean", "Watch only: the server may send BOOKMARK events.");
const SEND_INITIAL_EVENTS: Param = Param(
    "sendInitialEvents",
    "boolean",
    "Watch only: start with synthetic ADDED events for the current state, then a bookmark.",
);
const GRACE_PERIOD_SECONDS: Param =
    Param("gracePeriodSeconds", "integer", "Seconds before the object is deleted; 0 deletes at once.");
const ORPHAN_DEPENDENTS: Param = Param("orphanDependents", "boolean", "Deprecated in favour of `propagationPolicy`.");
const PROPAGATION_POLICY: Param =
    Param("propagationPolicy", "string", "What happens to dependents: `Orphan`, `Background` or `Foreground`.");

const LIST_PARAMS: &[&Param] = &[
    &ALLOW_WATCH_BOOKMARKS,
    &CONTINUE,
    &FIELD_SELECTOR,
    &LABEL_SELECTOR,
    &LIMIT,
    &RESOURCE_VERSION,
    &RESOURCE_VERSION_MATCH,
    &SEND_INITIAL_EVENTS,
    &TIMEOUT_SECONDS,
    &WATCH,
];
const WRITE_PARAMS: &[&Param] = &[&DRY_RUN, &FIELD_MANAGER, &FIELD_VALIDATION];
const PATCH_PARAMS: &[&Param] = &[&DRY_RUN, &FIELD_MANAGER, &FIELD_VALIDATION, &FORCE];
const DELETE_PARAMS: &[&Param] = &[&DRY_RUN, &GRACE_PERIOD_SECONDS, &ORPHAN_DEPENDENTS, &PROPAGATION_POLICY];
const DELETE_COLLECTION_PARAMS: &[&Param] = &[
    &DRY_RUN,
    &GRACE_PERIOD_SECONDS,
    &ORPHAN_DEPENDENTS,
    &PROPAGATION_POLICY,
    &CONTINUE,
    &FIELD_SELECTOR,
    &LABEL_SELECTOR,
    &LIMIT,
    &RESOURCE_VERSION,
    &RESOURCE_VERSION_MATCH,
    &SEND_INITIAL_EVENTS,
    &TIMEOUT_SECONDS,
];

const OBJECT_MEDIA: &[&str] = &["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
const LIST_MEDIA: &[&str] = &[
    "application/json",
    "application/json;stream=watch",
    "application/yaml",
    "application/vnd.kubernetes.protobuf",
    "application/vnd.kubernetes.protobuf;stream=watch",
];
/// Patch bodies accepted. Strategic merge patch is deliberately absent: kubectl would then
/// compute strategic patches from these schemas, which lack the `x-kubernetes-patch-*`
/// extensions; without it kubectl uses its compiled-in types.
pub(super) const PATCH_MEDIA: &[&str] =
    &["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"];

/// Every path of the resources `rows` (one group-version).
pub(super) fn paths(rows: &[&ResourceType]) -> Map<String, Value> {
    let mut out = Map::new();
    for row in rows {
        let r = Resource::new(row);
        let mut insert = |path: String, item: Option<Value>| {
            if let Some(item) = item {
                out.insert(path, item);
            }
        };
        insert(r.collection_path(), r.collection());
        if row.namespaced {
            insert(format!("{}/{}", r.prefix, row.plural), r.all_namespaces());
        }
        insert(r.item_path(), r.item());
        if row.status_subresource {
            insert(format!("{}/status", r.item_path()), r.subresource(Sub::Status));
        }
        if row.scale_subresource {
            insert(format!("{}/scale", r.item_path()), r.subresource(Sub::Scale));
        }
    }
    out
}

/// A subresource served under the item path.
#[derive(Clone, Copy)]
enum Sub {
    Status,
    Scale,
}

/// One resource and the naming its operations share.
struct Resource<'a> {
    row: &'a ResourceType,
    names: SchemaNames,
    /// `/api/v1` or `/apis/<group>/<version>`.
    prefix: String,
    /// `CoreV1`, `AppsV1`, `RbacAuthorizationV1`: the group-version part of operation ids.
    id_gv: String,
    /// `core_v1`, `rbacAuthorization_v1`.
    tag: String,
}

impl<'a> Resource<'a> {
    fn new(row: &'a ResourceType) -> Self {
        let prefix = format!("/{}", super::gv_path(&row.group, &row.version));
        let group_id = group_identifier(&row.group);
        let id_gv = format!("{group_id}{}", capitalize(&row.version));
        let tag = format!("{}_{}", lower_first(&group_id), row.version);
        Resource { row, names: schemas::names(row), prefix, id_gv, tag }
    }

    fn serves(&self, verb: &str) -> bool {
        self.row.verbs.contains(&verb)
    }

    fn collection_path(&self) -> String {
        if self.row.namespaced {
            format!("{}/namespaces/{{namespace}}/{}", self.prefix, self.row.plural)
        } else {
            format!("{}/{}", self.prefix, self.row.plural)
        }
    }

    fn item_path(&self) -> String {
        format!("{}/{{name}}", self.collection_path())
    }

    /// `NamespacedConfigMap` or `Namespace`: the kind part of operation ids.
    fn scoped_kind(&self) -> String {
        let scope = if self.row.namespaced { "Namespaced" } else { "" };
        format!("{scope}{}", self.row.kind)
    }

    fn kind_gvk(&self) -> Value {
        gvk(&self.row.group, &self.row.version, &self.row.kind)
    }

    /// Path-wide parameters: `name` (items only), `namespace` (namespaced only), `pretty`.
    fn path_params(&self, item: bool, namespaced: bool) -> Value {
        let mut params = Vec::new();
        if item {
            params.push(path_param("name", &format!("Name of the {}.", self.row.kind)));
        }
        if namespaced {
            params.push(path_param("namespace", "Namespace of the objects."));
        }
        params.push(query_param(&PRETTY));
        Value::Array(params)
    }

    /// `GET` (list), `POST` and `DELETE` (collection) on the collection path.
    fn collection(&self) -> Option<Value> {
        let (kind, scoped) = (&self.row.kind, self.scoped_kind());
        let mut ops = Map::new();
        if self.serves("list") {
            let op = self.op("list", format!("list{}{scoped}", self.id_gv), format!("List or watch {kind} objects."));
            ops.insert("get".into(), op.list(&self.names.list));
        }
        if self.serves("create") {
            let op = self.op("post", format!("create{}{scoped}", self.id_gv), format!("Create a {kind}."));
            let body = Body { schema: &self.names.kind, media: &["*/*"] };
            let codes = [("200", "OK"), ("201", "Created"), ("202", "Accepted")];
            ops.insert("post".into(), op.write(body, &self.names.kind, WRITE_PARAMS, &codes));
        }
        if self.serves("deletecollection") {
            let op = self.op(
                "deletecollection",
                format!("delete{}Collection{scoped}", self.id_gv),
                format!("Delete the {kind} objects matching the selectors."),
            );
            ops.insert("delete".into(), op.delete(DELETE_COLLECTION_PARAMS));
        }
        self.path_item(ops, false, self.row.namespaced)
    }

    /// The cluster-wide list of a namespaced resource.
    fn all_namespaces(&self) -> Option<Value> {
        if !self.serves("list") {
            return None;
        }
        let kind = &self.row.kind;
        let op = self.op(
            "list",
            format!("list{}{kind}ForAllNamespaces", self.id_gv),
            format!("List or watch {kind} objects across all namespaces."),
        );
        let mut ops = Map::new();
        ops.insert("get".into(), op.list(&self.names.list));
        self.path_item(ops, false, false)
    }

    /// `GET`, `PUT`, `PATCH` and `DELETE` on one object.
    fn item(&self) -> Option<Value> {
        let mut ops = self.read_write_ops(&self.names.kind, self.kind_gvk(), "", "");
        if self.serves("delete") {
            let op = self.op(
                "delete",
                format!("delete{}{}", self.id_gv, self.scoped_kind()),
                format!("Delete a {}.", self.row.kind),
            );
            ops.insert("delete".into(), op.delete(DELETE_PARAMS));
        }
        self.path_item(ops, true, self.row.namespaced)
    }

    fn subresource(&self, sub: Sub) -> Option<Value> {
        let ops = match sub {
            Sub::Status => self.read_write_ops(&self.names.kind, self.kind_gvk(), "Status", "status of the "),
            Sub::Scale => {
                let scale = schemas::scale_schema_name();
                self.read_write_ops(&scale, gvk("autoscaling", "v1", "Scale"), "Scale", "scale of the ")
            }
        };
        self.path_item(ops, true, self.row.namespaced)
    }

    /// `get`, `put` and `patch` of the object or one of its subresources (`suffix` names it
    /// in operation ids, `what` in descriptions); `gvk` is the kind of the body.
    fn read_write_ops(&self, schema: &str, gvk: Value, suffix: &str, what: &str) -> Map<String, Value> {
        let (kind, scoped, gv) = (&self.row.kind, self.scoped_kind(), &self.id_gv);
        let mut ops = Map::new();
        if self.serves("get") {
            let op = self.op("get", format!("read{gv}{scoped}{suffix}"), format!("Read the {what}{kind}."));
            ops.insert("get".into(), op.with_gvk(gvk.clone()).read(schema));
        }
        if self.serves("update") {
            let op = self.op("put", format!("replace{gv}{scoped}{suffix}"), format!("Replace the {what}{kind}."));
            let body = Body { schema, media: &["*/*"] };
            let codes = [("200", "OK"), ("201", "Created")];
            ops.insert("put".into(), op.with_gvk(gvk.clone()).write(body, schema, WRITE_PARAMS, &codes));
        }
        if self.serves("patch") {
            let op =
                self.op("patch", format!("patch{gv}{scoped}{suffix}"), format!("Partially update the {what}{kind}."));
            let patch = schemas::patch_schema_name();
            let body = Body { schema: &patch, media: PATCH_MEDIA };
            let codes = [("200", "OK"), ("201", "Created")];
            ops.insert("patch".into(), op.with_gvk(gvk).write(body, schema, PATCH_PARAMS, &codes));
        }
        ops
    }

    fn path_item(&self, mut ops: Map<String, Value>, item: bool, namespaced: bool) -> Option<Value> {
        if ops.is_empty() {
            return None;
        }
        ops.insert("parameters".into(), self.path_params(item, namespaced));
        Some(Value::Object(ops))
    }

    fn op(&self, action: &'static str, id: String, description: String) -> Op {
        Op { action, id, description, gvk: self.kind_gvk(), tag: self.tag.clone() }
    }
}

/// A request body: its schema and the media types accepted.
struct Body<'a> {
    schema: &'a str,
    media: &'a [&'a str],
}

/// An operation under construction; the finishing methods render it for one verb shape.
struct Op {
    action: &'static str,
    id: String,
    description: String,
    gvk: Value,
    tag: String,
}

impl Op {
    fn with_gvk(mut self, gvk: Value) -> Self {
        self.gvk = gvk;
        self
    }

    fn base(self, params: &[&Param]) -> Map<String, Value> {
        let mut op = Map::new();
        op.insert("operationId".into(), Value::String(self.id));
        op.insert("description".into(), Value::String(self.description));
        op.insert("tags".into(), json!([self.tag]));
        op.insert("x-kubernetes-action".into(), Value::String(self.action.into()));
        op.insert("x-kubernetes-group-version-kind".into(), self.gvk);
        if !params.is_empty() {
            op.insert("parameters".into(), params.iter().map(|p| query_param(p)).collect());
        }
        op
    }

    fn list(self, list_schema: &str) -> Value {
        let mut op = self.base(LIST_PARAMS);
        op.insert("responses".into(), responses(&[("200", "OK")], list_schema, LIST_MEDIA));
        Value::Object(op)
    }

    fn read(self, schema: &str) -> Value {
        let mut op = self.base(&[]);
        op.insert("responses".into(), responses(&[("200", "OK")], schema, OBJECT_MEDIA));
        Value::Object(op)
    }

    /// A create, replace or patch, answered with the object (`response` schema).
    fn write(self, body: Body, response: &str, params: &[&Param], codes: &[(&str, &str)]) -> Value {
        let mut op = self.base(params);
        op.insert("requestBody".into(), request_body(body.schema, body.media, true));
        op.insert("responses".into(), responses(codes, response, OBJECT_MEDIA));
        Value::Object(op)
    }

    fn delete(self, params: &[&Param]) -> Value {
        let mut op = self.base(params);
        let body = schemas::delete_options_schema_name();
        op.insert("requestBody".into(), request_body(&body, &["*/*"], false));
        let status = schemas::status_schema_name();
        op.insert("responses".into(), responses(&[("200", "OK"), ("202", "Accepted")], &status, OBJECT_MEDIA));
        Value::Object(op)
    }
}

fn path_param(name: &str, description: &str) -> Value {
    json!({
        "name": name, "in": "path", "required": true, "description": description,
        "schema": {"type": "string"},
    })
}

fn query_param(p: &Param) -> Value {
    let Param(name, ty, description) = p;
    json!({"name": name, "in": "query", "description": description, "schema": {"type": ty}})
}

fn request_body(schema: &str, media: &[&str], required: bool) -> Value {
    json!({"required": required, "content": media_map(schema, media)})
}

fn responses(codes: &[(&str, &str)], schema: &str, media: &[&str]) -> Value {
    let content = media_map(schema, media);
    codes
        .iter()
        .map(|(code, description)| (code.to_string(), json!({"description": description, "content": content.clone()})))
        .collect::<Map<String, Value>>()
        .into()
}

fn media_map(schema: &str, media: &[&str]) -> Value {
    media.iter().map(|m| (m.to_string(), json!({"schema": schema_ref(schema)}))).collect::<Map<String, Value>>().into()
}

/// `Core` for the core group; otherwise the group without `.k8s.io`, each dot- or
/// dash-separated word capitalized (`rbac.authorization.k8s.io` → `RbacAuthorization`).
fn group_identifier(group: &str) -> String {
    if group.is_empty() {
        return "Core".into();
    }
    let short = group.strip_suffix(".k8s.io").unwrap_or(group);
    short.split(['.', '-']).map(capitalize).collect()
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn lower_first(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}
