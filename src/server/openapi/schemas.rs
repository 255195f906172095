//! `components.schemas` of a group-version document: the kinds and their lists, everything
//! they reference, and the shared request/response types the operations name.
//!
//! Built-in kinds come from k8s-openapi's schemars impls, which already use upstream's schema
//! names (`io.k8s.api.core.v1.ConfigMap`); list kinds have no schemars impl reachable through
//! the kind table, so their (small, uniform) schemas are written here.

use k8s_openapi::api::autoscaling::v1::Scale;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{DeleteOptions, ListMeta, ObjectMeta, Patch, Status};
use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{JsonSchema, Schema};
use serde_json::{Map, Value, json};

use crate::registry::kind::ResourceType;

/// Where `$ref`s point; schemars' OpenAPI 3 settings use the same path.
pub(super) const REF_PREFIX: &str = "#/components/schemas/";

/// `$ref` to the schema called `name`.
pub(super) fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("{REF_PREFIX}{name}")})
}

/// Schema names of a row's kind and list kind.
pub(super) struct SchemaNames {
    pub kind: String,
    pub list: String,
}

pub(super) fn names(row: &ResourceType) -> SchemaNames {
    let kind = match row.builtin {
        Some(b) => (b.schema_name)().into_owned(),
        None => custom_schema_name(row),
    };
    // Lists sit next to their item kind: `...v1.ConfigMap` → `...v1.ConfigMapList`.
    let list = match kind.strip_suffix(row.kind.as_ref()) {
        Some(prefix) => format!("{prefix}{}", row.list_kind),
        None => format!("{kind}List"),
    };
    SchemaNames { kind, list }
}

/// Upstream's naming for custom resources: the group reversed, then version and kind
/// (`stable.example.com/v1 CronTab` → `com.example.stable.v1.CronTab`).
fn custom_schema_name(row: &ResourceType) -> String {
    let group: Vec<&str> = row.group.split('.').rev().collect();
    format!("{}.{}.{}", group.join("."), row.version, row.kind)
}

pub(super) fn scale_schema_name() -> String {
    Scale::schema_name().into_owned()
}
pub(super) fn status_schema_name() -> String {
    Status::schema_name().into_owned()
}
pub(super) fn delete_options_schema_name() -> String {
    DeleteOptions::schema_name().into_owned()
}
pub(super) fn patch_schema_name() -> String {
    Patch::schema_name().into_owned()
}

/// All schemas the document of `rows` (one group-version) references.
pub(super) fn components(rows: &[&ResourceType]) -> Map<String, Value> {
    let mut settings = SchemaSettings::openapi3();
    settings.transforms.insert(0, Box::new(OptionalIsNotNull));
    let mut generator = settings.into_generator();
    // Named by the operations of every resource: delete bodies and responses, patch bodies.
    generator.subschema_for::<Status>();
    generator.subschema_for::<DeleteOptions>();
    generator.subschema_for::<Patch>();
    if rows.iter().any(|r| r.scale_subresource) {
        generator.subschema_for::<Scale>();
    }
    for row in rows {
        let names = names(row);
        let kind = kind_schema(row, &mut generator);
        let list = list_schema(row, &names.kind, &mut generator);
        // Inserted before `take_definitions` so schemars' OpenAPI 3 transforms apply to them.
        generator.definitions_mut().insert(names.kind, kind.to_value());
        generator.definitions_mut().insert(names.list, list.to_value());
    }
    let mut defs = generator.take_definitions(true);
    mark_kinds(rows, &mut defs);
    defs
}

/// The kind's own schema; custom resources (no compiled-in type yet) accept any fields.
fn kind_schema(row: &ResourceType, generator: &mut SchemaGenerator) -> Schema {
    match row.builtin {
        Some(b) => (b.schema)(generator),
        None => {
            // The CRD's own schema when it has one (what `kubectl explain` reads), with the
            // type and object metadata every object has; else anything goes.
            let meta = generator.subschema_for::<ObjectMeta>();
            let mut schema = match row.custom.as_ref().and_then(|c| c.schema.clone()) {
                Some(Value::Object(schema)) => schema,
                _ => json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            };
            let properties = schema.entry("properties").or_insert_with(|| json!({}));
            if let Some(properties) = properties.as_object_mut() {
                for (field, value) in type_meta_properties(meta) {
                    properties.entry(field).or_insert(value);
                }
            }
            Schema::try_from(Value::Object(schema)).expect("invariant: a JSON object is a schema")
        }
    }
}

fn list_schema(row: &ResourceType, kind_name: &str, generator: &mut SchemaGenerator) -> Schema {
    let meta = generator.subschema_for::<ListMeta>();
    let mut properties = type_meta_properties(meta);
    properties.insert(
        "items".into(),
        json!({
            "description": format!("The {} objects of the list.", row.kind),
            "type": "array",
            "items": schema_ref(kind_name),
        }),
    );
    Schema::try_from(json!({
        "description": format!("{} is a page of {} objects.", row.list_kind, row.kind),
        "type": "object",
        "properties": properties,
        "required": ["items"],
    }))
    .expect("invariant: a JSON object is a schema")
}

/// `apiVersion`, `kind` and `metadata` (whose schema is `meta`).
fn type_meta_properties(meta: Schema) -> Map<String, Value> {
    let mut properties = Map::new();
    properties.insert(
        "apiVersion".into(),
        json!({"description": "The versioned schema of this object (`group/version`).", "type": "string"}),
    );
    properties.insert(
        "kind".into(),
        json!({"description": "The REST resource this object represents, in CamelCase.", "type": "string"}),
    );
    properties.insert("metadata".into(), meta.to_value());
    properties
}

/// Tags top-level schemas with their group-version-kinds (how `kubectl explain` finds them)
/// and relaxes `metadata`: k8s-openapi marks it required only because its Rust field is not
/// an `Option`; upstream's schemas leave it optional (names are checked by validation, not by
/// the schema), and `kubectl explain` would otherwise show it as required.
fn mark_kinds(rows: &[&ResourceType], defs: &mut Map<String, Value>) {
    for row in rows {
        let names = names(row);
        if let Some(kind) = defs.get_mut(&names.kind) {
            set_gvk(kind, &[gvk(&row.group, &row.version, &row.kind)]);
            unrequire_metadata(kind);
        }
        if let Some(list) = defs.get_mut(&names.list) {
            set_gvk(list, &[gvk(&row.group, &row.version, &row.list_kind)]);
        }
    }
    let (group, version) = rows.first().map_or(("", "v1"), |r| (r.group.as_ref(), r.version.as_ref()));
    let mut delete_options = vec![gvk("", "v1", "DeleteOptions")];
    if !group.is_empty() {
        delete_options.push(gvk(group, version, "DeleteOptions"));
    }
    let fixed = [
        (status_schema_name(), vec![gvk("", "v1", "Status")]),
        (delete_options_schema_name(), delete_options),
        (scale_schema_name(), vec![gvk("autoscaling", "v1", "Scale")]),
    ];
    for (name, gvks) in fixed {
        if let Some(schema) = defs.get_mut(&name) {
            set_gvk(schema, &gvks);
        }
    }
}

/// A `{group, version, kind}` object, the value of `x-kubernetes-group-version-kind`.
pub(super) fn gvk(group: &str, version: &str, kind: &str) -> Value {
    json!({"group": group, "version": version, "kind": kind})
}

fn set_gvk(schema: &mut Value, gvks: &[Value]) {
    if let Some(object) = schema.as_object_mut() {
        object.insert("x-kubernetes-group-version-kind".into(), Value::Array(gvks.to_vec()));
    }
}

fn unrequire_metadata(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else { return };
    let Some(Value::Array(required)) = object.get_mut("required") else { return };
    required.retain(|field| field != "metadata");
    if required.is_empty() {
        object.remove("required");
    }
}

/// An optional field is just not required, as upstream's schemas say it: schemars' derived
/// schemas make `Option<T>` "T or null" (`anyOf [T, null]`, `type: [t, null]`), which
/// `kubectl explain` cannot descend into. k8s-openapi writes its schemas by hand and never does
/// this; kplane's own kinds derive theirs.
#[derive(Clone)]
struct OptionalIsNotNull;

impl schemars::transform::Transform for OptionalIsNotNull {
    fn transform(&mut self, schema: &mut schemars::Schema) {
        if let Some(object) = schema.as_object_mut() {
            let null = serde_json::json!({"type": "null"});
            let any_of = object.get("anyOf").and_then(Value::as_array);
            if let Some([inner, other]) = any_of.map(Vec::as_slice)
                && *other == null
                && let Value::Object(inner) = inner.clone()
            {
                object.remove("anyOf");
                for (key, value) in inner {
                    object.entry(key).or_insert(value);
                }
            }
            if let Some(Value::Array(types)) = object.get("type") {
                let types: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
                if let [only] = types.as_slice() {
                    object.insert("type".into(), only.clone());
                }
            }
        }
        schemars::transform::transform_subschemas(self, schema);
    }
}
