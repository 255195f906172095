//! Turning a decoded request body into an object the store may write: type and kind checks,
//! unknown-field handling (`fieldValidation`), a custom resource's pruning, nulls and defaults
//! by its schema, and name rules; then what a write checks on the resulting object: metadata,
//! a custom resource's schema and CEL rules (with ratcheting), and what upstream refuses in a
//! CRD (its schemas, rules and scale paths).

use serde_json::{Map, Value};

use super::error::{ApiError, ApiResult, Cause};
use super::kind::ResourceType;
use super::meta;
use super::selector;
use crate::types::{validate_dns1123_label, validate_dns1123_subdomain, validate_path_segment_name};

/// How to treat unknown fields (`?fieldValidation=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldValidation {
    /// Reject the request, listing every unknown field (400).
    Strict,
    /// Drop unknown fields and say so in `Warning` headers (the server default).
    #[default]
    Warn,
    /// Drop unknown fields silently.
    Ignore,
}

impl FieldValidation {
    pub fn parse(raw: Option<&str>) -> ApiResult<Self> {
        match raw {
            None | Some("") | Some("Warn") => Ok(Self::Warn),
            Some("Strict") => Ok(Self::Strict),
            Some("Ignore") => Ok(Self::Ignore),
            Some(other) => Err(ApiError::bad_request(format!(
                "fieldValidation parameter unsupported: {other}; valid values are Strict, Warn, Ignore"
            ))),
        }
    }
}

/// A body ready for the store, and the warnings to send back.
#[derive(Debug)]
pub struct Prepared {
    pub object: Value,
    pub warnings: Vec<String>,
}

/// Checks `apiVersion`/`kind` against the URL (filling them in when absent, as upstream's
/// decoder defaults them), then normalises a built-in kind through its typed struct.
pub fn prepare_body(rt: &ResourceType, body: Value, validation: FieldValidation) -> ApiResult<Prepared> {
    let Value::Object(mut map) = body else {
        return Err(ApiError::bad_request(format!(
            "the body of the request must be a JSON object of kind {}",
            rt.kind
        )));
    };
    check_type_meta(rt, &mut map)?;
    let mut body = Value::Object(map);
    let Some(builtin) = rt.builtin else {
        // A custom resource: pruned and defaulted by its CRD's schema, if it has one.
        let Some(schema) = rt.custom.as_ref().and_then(|c| c.schema.as_ref()) else {
            return Ok(Prepared { object: body, warnings: vec![] });
        };
        let unknown = super::structural::prune(schema, &mut body);
        super::structural::drop_nulls(schema, &mut body);
        super::structural::apply_defaults(schema, &mut body);
        let warnings = unknown_field_outcome(validation, &unknown)?;
        return Ok(Prepared { object: body, warnings });
    };
    let normalized = (builtin.normalize)(body.clone()).map_err(|err| {
        ApiError::bad_request(format!(
            "{} in version \"{}\" cannot be handled as a {}: {err}",
            rt.kind, rt.version, rt.kind
        ))
    })?;
    let mut unknown = Vec::new();
    unknown_fields(&body, &normalized, "", &mut unknown);
    let warnings = unknown_field_outcome(validation, &unknown)?;
    Ok(Prepared { object: normalized, warnings })
}

/// What `fieldValidation` makes of the fields a body had that its kind does not know: an
/// error (Strict), warnings (Warn, the default), or nothing (Ignore).
fn unknown_field_outcome(validation: FieldValidation, unknown: &[String]) -> ApiResult<Vec<String>> {
    match validation {
        FieldValidation::Strict if !unknown.is_empty() => {
            let list: Vec<String> = unknown.iter().map(|f| format!("unknown field \"{f}\"")).collect();
            Err(ApiError::bad_request(format!("strict decoding error: {}", list.join(", "))))
        }
        FieldValidation::Warn => Ok(unknown.iter().map(|f| format!("unknown field \"{f}\"")).collect()),
        _ => Ok(vec![]),
    }
}

fn check_type_meta(rt: &ResourceType, map: &mut Map<String, Value>) -> ApiResult<()> {
    let expected_version = rt.api_version();
    match map.get("apiVersion") {
        None | Some(Value::Null) => {
            map.insert("apiVersion".into(), Value::String(expected_version));
        }
        Some(Value::String(v)) if *v == expected_version => {}
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({}) does not match the expected API version ({expected_version})",
                other.as_str().unwrap_or("<not a string>")
            )));
        }
    }
    match map.get("kind") {
        None | Some(Value::Null) => {
            map.insert("kind".into(), Value::String(rt.kind.to_string()));
        }
        Some(Value::String(k)) if k == rt.kind.as_ref() => {}
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "the kind in the data ({}) does not match the expected kind ({})",
                other.as_str().unwrap_or("<not a string>"),
                rt.kind
            )));
        }
    }
    Ok(())
}

/// Collects the dotted paths present (and non-null) in `original` but dropped by the typed
/// round trip: the fields the kind does not know.
fn unknown_fields(original: &Value, normalized: &Value, path: &str, out: &mut Vec<String>) {
    match (original, normalized) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                match b.get(key) {
                    Some(next) => unknown_fields(value, next, &child, out),
                    None if value.is_null() => {}
                    None => out.push(child),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                unknown_fields(x, y, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Validates `metadata.name` by the rule of the kind (upstream's per-strategy choice).
pub fn validate_name(rt: &ResourceType, name: &str) -> Result<(), Cause> {
    let rule: fn(&str) -> Result<(), String> = match (rt.group.as_ref(), rt.plural.as_ref()) {
        ("", "namespaces" | "services") => validate_dns1123_label,
        ("rbac.authorization.k8s.io", _) => validate_path_segment_name,
        ("apiextensions.k8s.io", "customresourcedefinitions") => validate_dns1123_subdomain,
        _ if rt.builtin.is_none() => validate_path_segment_name,
        _ => validate_dns1123_subdomain,
    };
    rule(name)
        .and_then(|()| validate_path_segment_name(name))
        .map_err(|msg| Cause::invalid("metadata.name", name, &msg))
}

/// Rules for labels, annotations and generateName that apply to every kind.
/// Everything a create, update or patch checks on the resulting object: metadata, then the
/// rules of kinds that have more (kplane's own).
pub fn validate_object(rt: &ResourceType, object: &Value) -> Vec<Cause> {
    validate(rt, None, object)
}

/// What is wrong with `new`, an update of `old`. A custom resource's schema errors in values the
/// update leaves as they were are let through (upstream's CRD validation ratcheting): an object
/// that a tightened schema made invalid can still get its status, labels or finalizers written,
/// and be deleted, without first being fixed.
pub fn validate_update(rt: &ResourceType, old: &Value, new: &Value) -> Vec<Cause> {
    validate(rt, Some(old), new)
}

fn validate(rt: &ResourceType, old: Option<&Value>, object: &Value) -> Vec<Cause> {
    let mut causes = validate_metadata(rt, object);
    if let Some(custom) = rt.custom.as_ref()
        && let Some(schema) = custom.schema.as_ref()
    {
        let schema_causes = super::structural::validate(schema, object).into_iter();
        causes.extend(schema_causes.filter(|cause| !old.is_some_and(|old| unchanged_at(old, object, cause))));
        causes.extend(super::cel::validate(schema, &custom.rules, old, object));
    }
    if (rt.group.as_ref(), rt.kind.as_ref()) == ("apiextensions.k8s.io", "CustomResourceDefinition") {
        causes.extend(crd_problems(old, object));
    }
    if (rt.group.as_ref(), rt.kind.as_ref()) == (crate::types::fleet::GROUP, "Fleet")
        && let Ok(spec) = serde_json::from_value::<crate::types::fleet::FleetSpec>(object["spec"].clone())
    {
        let name = meta::name(object).unwrap_or_default();
        for (field, value, message) in crate::types::fleet::spec_problems(&spec, name) {
            causes.push(Cause::invalid(&field, &value, &message));
        }
    }
    causes
}

/// What a CRD's versions hold that upstream refuses and that would change how their objects
/// are served: schema keywords ([`super::structural::schema_problems`]), CEL rules that do not
/// compile, `scale` paths. A version whose schema (or scale subresource) an update leaves as it
/// was is not judged again, so a CRD stored before a check existed can still be changed
/// elsewhere, and finalized.
fn crd_problems(old: Option<&Value>, crd: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    let versions = crd["spec"]["versions"].as_array().into_iter().flatten();
    for (i, version) in versions.enumerate() {
        let old_version = old
            .and_then(|o| o["spec"]["versions"].as_array())
            .and_then(|versions| versions.iter().find(|v| v["name"] == version["name"]));
        let unchanged = |pointer: &str| old_version.is_some_and(|o| o.pointer(pointer) == version.pointer(pointer));
        if let Some(schema) = version.pointer("/schema/openAPIV3Schema")
            && !unchanged("/schema/openAPIV3Schema")
        {
            let prefix = format!("spec.versions[{i}].schema.openAPIV3Schema");
            causes.extend(super::structural::schema_problems(schema, &prefix));
            causes.extend(super::cel::compile_problems(schema, &prefix));
        }
        if let Some(scale) = version.pointer("/subresources/scale")
            && !unchanged("/subresources/scale")
        {
            causes.extend(scale_problems(scale, &format!("spec.versions[{i}].subresources.scale")));
        }
    }
    causes
}

/// A CRD's `subresources.scale` as upstream requires it: the replica paths given, the desired
/// under `.spec`, the current under `.status`, the selector under either.
fn scale_problems(scale: &Value, path: &str) -> Vec<Cause> {
    let mut causes = Vec::new();
    let paths: [(&str, &[&str], &str); 3] = [
        ("specReplicasPath", &[".spec."], "should be a json path under .spec"),
        ("statusReplicasPath", &[".status."], "should be a json path under .status"),
        ("labelSelectorPath", &[".spec.", ".status."], "should be a json path under either .spec or .status"),
    ];
    for (key, roots, message) in paths {
        let field = format!("{path}.{key}");
        match scale.get(key).and_then(Value::as_str).filter(|p| !p.is_empty()) {
            None if key != "labelSelectorPath" => causes.push(Cause::required(&field, "")),
            None => {}
            Some(p) if !p.starts_with('.') => {
                causes.push(Cause::invalid(&field, p, "must be a simple json path starting with ."));
            }
            Some(p) if !roots.iter().any(|root| p.starts_with(root)) => causes.push(Cause::invalid(&field, p, message)),
            Some(_) => {}
        }
    }
    causes
}

/// True when `cause` is about a value `old` and `new` hold alike: the field itself, or for a
/// missing required field the object that should hold it. Paths that cannot be followed
/// (`spec.items[2].name` into something else) count as changed.
fn unchanged_at(old: &Value, new: &Value, cause: &Cause) -> bool {
    fn at<'v>(object: &'v Value, path: &[Step]) -> Option<&'v Value> {
        path.iter().try_fold(object, |node, step| step.get(node))
    }
    let Some(mut path) = field_path(&cause.field) else { return false };
    let required = cause.reason == "FieldValueRequired";
    if required {
        path.pop();
    }
    match (at(old, &path), at(new, &path)) {
        (Some(before), Some(after)) => before == after,
        (None, None) => !required,
        _ => false,
    }
}

/// One step of a field path as causes spell it (`spec.ports[0].name`).
enum Step {
    Field(String),
    Index(usize),
}

impl Step {
    fn get<'v>(&self, node: &'v Value) -> Option<&'v Value> {
        match self {
            Step::Field(name) => node.get(name),
            Step::Index(index) => node.get(index),
        }
    }
}

fn field_path(field: &str) -> Option<Vec<Step>> {
    if field.is_empty() || field == "<root>" {
        return Some(Vec::new());
    }
    let mut steps = Vec::new();
    for part in field.split('.') {
        let (name, mut rest) = part.split_once('[').unwrap_or((part, ""));
        if !name.is_empty() {
            steps.push(Step::Field(name.to_string()));
        }
        while !rest.is_empty() {
            let (index, after) = rest.split_once(']')?;
            steps.push(Step::Index(index.parse().ok()?));
            if !after.is_empty() && !after.starts_with('[') {
                return None;
            }
            rest = after.strip_prefix('[').unwrap_or(after);
        }
    }
    Some(steps)
}

pub fn validate_metadata(rt: &ResourceType, object: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    if let Some(name) = meta::name(object)
        && let Err(cause) = validate_name(rt, name)
    {
        causes.push(cause);
    }
    let meta = meta::metadata(object);
    for field in ["labels", "annotations"] {
        let Some(map) = meta.and_then(|m| m.get(field)).and_then(Value::as_object) else { continue };
        let path = format!("metadata.{field}");
        for (key, value) in map {
            // Annotation keys follow the label-key rule; only label values are restricted.
            for problem in selector::label_key_errors(key) {
                causes.push(Cause::invalid(&path, key, &problem));
            }
            match value.as_str() {
                None => causes.push(Cause::invalid(&path, key, "values must be strings")),
                Some(text) if field == "labels" => {
                    for problem in selector::label_value_errors(text) {
                        causes.push(Cause::invalid(&path, text, &problem));
                    }
                }
                Some(_) => {}
            }
        }
    }
    let annotation_bytes: usize = meta
        .and_then(|m| m.get("annotations"))
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| k.len() + v.as_str().map_or(0, str::len)).sum())
        .unwrap_or(0);
    // Upstream's TotalAnnotationSizeLimitB: 256 KiB.
    if annotation_bytes > 256 * 1024 {
        causes.push(Cause {
            reason: "FieldValueTooLong".into(),
            message: "Too long: must have at most 262144 bytes".into(),
            field: "metadata.annotations".into(),
        });
    }
    causes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratcheting_compares_the_value_a_cause_names() {
        let old = serde_json::json!({"spec": {"ports": [{"port": 1}, {"port": 99}], "size": 8}});
        let mut new = old.clone();
        new["spec"]["note"] = "x".into();
        let cause = |field: &str| Cause::invalid(field, "", "too big");
        assert!(unchanged_at(&old, &new, &cause("spec.ports[1].port")));
        assert!(unchanged_at(&old, &new, &cause("spec.size")));
        new["spec"]["size"] = 9.into();
        assert!(!unchanged_at(&old, &new, &cause("spec.size")));
        assert!(!unchanged_at(&old, &new, &cause("spec.ports[1]x")), "an unreadable path is a change");
        // A missing required field: unchanged when the object that should hold it is.
        let missing = Cause::required("spec.ports[0].name", "");
        assert!(unchanged_at(&old, &new, &missing));
        new["spec"]["ports"][0]["protocol"] = "TCP".into();
        assert!(!unchanged_at(&old, &new, &missing));
    }
    use crate::registry::kind::KindTable;
    use serde_json::json;

    fn crd_with(version: Value) -> Value {
        json!({"spec": {"group": "example.com", "names": {"plural": "pools", "kind": "Pool"}, "versions": [version]}})
    }

    #[test]
    fn crds_are_refused_for_schemas_rules_and_scale_paths_upstream_refuses() {
        let version = json!({"name": "v1", "served": true, "storage": true,
            "subresources": {"scale": {"specReplicasPath": ".status.size", "labelSelectorPath": "spec.selector"}},
            "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object",
                "x-kubernetes-validations": [{"rule": "self.size >"}],
                "properties": {"tags": {"type": "array", "uniqueItems": true}}}}}}});
        let found: Vec<String> = crd_problems(None, &crd_with(version.clone()))
            .iter()
            .map(|c| format!("{}: {}", c.field, c.message))
            .collect();
        let schema = "spec.versions[0].schema.openAPIV3Schema.properties[spec]";
        let scale = "spec.versions[0].subresources.scale";
        for expected in [
            format!(
                "{schema}.properties[tags].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic"
            ),
            format!("{scale}.specReplicasPath: Invalid value: \".status.size\": should be a json path under .spec"),
            format!("{scale}.statusReplicasPath: Required value"),
            format!(
                "{scale}.labelSelectorPath: Invalid value: \"spec.selector\": must be a simple json path starting with ."
            ),
        ] {
            assert!(found.contains(&expected), "{expected} in {found:#?}");
        }
        assert!(found.iter().any(|f| f.starts_with(&format!("{schema}.x-kubernetes-validations[0].rule"))));
        assert_eq!(found.len(), 5, "{found:#?}");
        // A version an update leaves as it was is not judged again (a CRD stored before the
        // checks existed can still be relabelled or finalized); a changed one is.
        let old = crd_with(version.clone());
        let mut relabelled = old.clone();
        relabelled["metadata"] = json!({"labels": {"a": "b"}});
        assert!(crd_problems(Some(&old), &relabelled).is_empty());
        let mut changed = relabelled.clone();
        changed["spec"]["versions"][0]["subresources"]["scale"]["statusReplicasPath"] = json!(".status.ready");
        assert_eq!(crd_problems(Some(&old), &changed).len(), 2, "the scale paths alone");
    }

    fn configmaps() -> &'static ResourceType {
        KindTable::builtin().lookup("", "v1", "configmaps").unwrap()
    }

    #[test]
    fn missing_type_meta_is_filled_from_the_url() {
        let out = prepare_body(configmaps(), json!({"metadata": {"name": "a"}}), FieldValidation::Strict).unwrap();
        assert_eq!(out.object["apiVersion"], "v1");
        assert_eq!(out.object["kind"], "ConfigMap");
    }

    #[test]
    fn mismatched_type_meta_is_a_bad_request() {
        let err = prepare_body(configmaps(), json!({"apiVersion": "v1", "kind": "Secret"}), FieldValidation::Warn)
            .unwrap_err();
        assert_eq!(err.code, 400);
        let err =
            prepare_body(configmaps(), json!({"apiVersion": "apps/v1", "kind": "ConfigMap"}), FieldValidation::Warn)
                .unwrap_err();
        assert_eq!(err.code, 400);
        let err = prepare_body(configmaps(), json!([1, 2]), FieldValidation::Warn).unwrap_err();
        assert_eq!(err.code, 400);
    }

    #[test]
    fn unknown_fields_follow_the_validation_mode() {
        let body = json!({"metadata": {"name": "a", "bogus": 1}, "data": {"k": "v"}, "spec": {"x": 1}});
        let err = prepare_body(configmaps(), body.clone(), FieldValidation::Strict).unwrap_err();
        assert_eq!(err.code, 400);
        assert!(err.message.contains("unknown field \"metadata.bogus\""), "{}", err.message);
        assert!(err.message.contains("unknown field \"spec\""), "{}", err.message);
        let warn = prepare_body(configmaps(), body.clone(), FieldValidation::Warn).unwrap();
        assert_eq!(warn.warnings.len(), 2);
        assert!(warn.object.get("spec").is_none());
        let ignore = prepare_body(configmaps(), body, FieldValidation::Ignore).unwrap();
        assert!(ignore.warnings.is_empty());
    }

    #[test]
    fn wrongly_typed_fields_are_a_bad_request() {
        let err = prepare_body(configmaps(), json!({"data": {"k": 1}}), FieldValidation::Ignore).unwrap_err();
        assert_eq!(err.code, 400);
        assert!(err.message.starts_with("ConfigMap in version \"v1\" cannot be handled as a ConfigMap"));
    }

    #[test]
    fn labels_and_annotations_follow_upstream_rules() {
        let ok = json!({"metadata": {"name": "a", "labels": {"app.kubernetes.io/name": "web", "e": ""},
                                     "annotations": {"example.com/note": "any text: at all!"}}});
        assert!(validate_metadata(configmaps(), &ok).is_empty());
        let bad = json!({"metadata": {"name": "a", "labels": {"bad key": "v", "k": "not valid!", "n": 1}}});
        let causes = validate_metadata(configmaps(), &bad);
        assert_eq!(causes.len(), 3, "{causes:?}");
        assert!(causes.iter().all(|c| c.field == "metadata.labels"));
    }

    #[test]
    fn names_follow_the_kind_rule() {
        let table = KindTable::builtin();
        let ns = table.lookup("", "v1", "namespaces").unwrap();
        let role = table.lookup("rbac.authorization.k8s.io", "v1", "clusterroles").unwrap();
        assert!(validate_name(configmaps(), "my.config").is_ok());
        assert!(validate_name(ns, "my.ns").is_err());
        assert!(validate_name(role, "system:controller:x").is_ok());
        assert!(validate_name(configmaps(), "..").is_err());
        assert!(validate_name(configmaps(), "Upper").is_err());
    }
}
