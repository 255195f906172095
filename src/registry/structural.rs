//! Custom resources against their CRD's structural schema (`openAPIV3Schema`), in upstream's
//! order: prune fields the schema does not know, apply defaults, then validate.
//!
//! Covered: `type` (object, array, string, integer, number, boolean), `properties`,
//! `additionalProperties`, `items`, `required`, `enum`, `nullable`, `minimum`/`maximum`
//! (with `exclusive…`), `multipleOf`, `minLength`/`maxLength`, `pattern`, `format` (the
//! formats upstream checks that clients use: `date-time`, `date`, `byte`, `uuid`, `int32`,
//! `int64`, `ipv4`, `ipv6`, `hostname`, `email`; others pass, as upstream's unknown formats
//! do), `minItems`/`maxItems`, `minProperties`/`maxProperties`, `allOf`/`anyOf`/`oneOf`/`not`
//! (value validations), `default`, and the extensions `x-kubernetes-preserve-unknown-fields`,
//! `x-kubernetes-int-or-string`, `x-kubernetes-embedded-resource` and the uniqueness that
//! `x-kubernetes-list-type: set|map` implies. CEL `x-kubernetes-validations` are checked by
//! [`super::cel`].

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

use base64::Engine;
use regex::Regex;
use serde_json::{Map, Value};

use super::error::Cause;

/// Removes the fields `schema` does not declare (unless it preserves unknown fields); returns
/// their dotted paths. `apiVersion`, `kind` and `metadata` at the root are always kept, the
/// latter with the fields of ObjectMeta only (as upstream's decoding of it leaves).
pub fn prune(schema: &Value, object: &mut Value) -> Vec<String> {
    let mut pruned = Vec::new();
    if let Value::Object(map) = object {
        if let Some(Value::Object(metadata)) = map.get_mut("metadata") {
            let object_meta = super::schema::message("k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta");
            let known = |field: &str| object_meta.is_some_and(|m| m.field_by_json(field).is_some());
            pruned.extend(metadata.keys().filter(|f| !known(f)).map(|f| format!("metadata.{f}")));
            metadata.retain(|field, _| known(field));
        }
        for (field, value) in map.iter_mut() {
            if matches!(field.as_str(), "apiVersion" | "kind" | "metadata") {
                continue;
            }
            if let Some(property) = schema.pointer(&format!("/properties/{}", escape(field))) {
                prune_value(property, value, field, &mut pruned);
            }
        }
        if !preserves_unknown(schema) {
            let known = |field: &str| {
                matches!(field, "apiVersion" | "kind" | "metadata") || schema["properties"].get(field).is_some()
            };
            pruned.extend(map.keys().filter(|f| !known(f)).cloned());
            map.retain(|field, _| known(field));
        }
    }
    pruned
}

fn prune_value(schema: &Value, value: &mut Value, path: &str, pruned: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            // An embedded object's apiVersion, kind and metadata are its own, whatever the schema.
            let embedded = schema.get("x-kubernetes-embedded-resource") == Some(&Value::Bool(true));
            let own = |field: &str| embedded && matches!(field, "apiVersion" | "kind" | "metadata");
            if let Some(additional) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                for (field, inner) in map.iter_mut() {
                    prune_value(additional, inner, &format!("{path}.{field}"), pruned);
                }
                return;
            }
            for (field, inner) in map.iter_mut() {
                if let Some(property) = schema.pointer(&format!("/properties/{}", escape(field))) {
                    prune_value(property, inner, &format!("{path}.{field}"), pruned);
                }
            }
            if !preserves_unknown(schema) && schema.get("additionalProperties") != Some(&Value::Bool(true)) {
                let known: Vec<String> =
                    map.keys().filter(|f| own(f) || schema["properties"].get(f.as_str()).is_some()).cloned().collect();
                pruned.extend(map.keys().filter(|f| !known.contains(f)).map(|f| format!("{path}.{f}")));
                map.retain(|field, _| known.contains(field));
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter_mut().enumerate() {
                    prune_value(item_schema, item, &format!("{path}[{i}]"), pruned);
                }
            }
        }
        _ => {}
    }
}

fn preserves_unknown(schema: &Value) -> bool {
    schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true))
}

/// `~` and `/` escaped for a JSON pointer segment.
fn escape(field: &str) -> String {
    field.replace('~', "~0").replace('/', "~1")
}

/// Fills in `default`s of missing properties, inside objects that exist.
pub fn apply_defaults(schema: &Value, value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (field, property) in properties {
                    if !map.contains_key(field)
                        && let Some(default) = property.get("default")
                    {
                        map.insert(field.clone(), default.clone());
                    }
                }
                for (field, inner) in map.iter_mut() {
                    if let Some(property) = properties.get(field) {
                        apply_defaults(property, inner);
                    }
                }
            } else if let Some(additional) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                for inner in map.values_mut() {
                    apply_defaults(additional, inner);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for item in items {
                    apply_defaults(item_schema, item);
                }
            }
        }
        _ => {}
    }
}

/// What is wrong with `object` by `schema`, as causes naming the field.
pub fn validate(schema: &Value, object: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    if let Value::Object(map) = object {
        // The root's metadata and type fields are checked elsewhere.
        let mut rest: Map<String, Value> = map.clone();
        for field in ["apiVersion", "kind", "metadata"] {
            rest.remove(field);
        }
        check(schema, &Value::Object(rest), "", &mut causes, true);
    }
    causes
}

fn check(schema: &Value, value: &Value, path: &str, causes: &mut Vec<Cause>, root: bool) {
    let field = if path.is_empty() { "<root>" } else { path };
    let shown = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let invalid = |message: String| Cause::invalid(field, &shown(value), &message);
    if value.is_null() {
        if schema.get("nullable") != Some(&Value::Bool(true)) && !root {
            causes.push(invalid(format!("{field} in body must be of type {}: \"null\"", type_name(schema))));
        }
        return;
    }
    let int_or_string = schema.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true));
    if int_or_string {
        if !(value.is_string() || value.is_i64() || value.is_u64()) {
            causes
                .push(invalid(format!("{field} in body must be of type integer or string: \"{}\"", json_type(value))));
        }
        return;
    }
    let expected = schema.get("type").and_then(Value::as_str);
    let type_ok = match expected {
        None => true,
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some(_) => true,
    };
    if !type_ok {
        causes.push(invalid(format!(
            "{field} in body must be of type {}: \"{}\"",
            type_name(schema),
            json_type(value)
        )));
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        let list: Vec<String> = allowed.iter().map(|v| format!("\"{}\"", shown(v))).collect();
        causes.push(Cause {
            reason: "FieldValueNotSupported".into(),
            message: format!("Unsupported value: \"{}\": supported values: {}", shown(value), list.join(", ")),
            field: field.into(),
        });
    }
    check_combinators(schema, value, field, causes);
    if let Some(number) = value.as_f64() {
        if let Some(divisor) = schema.get("multipleOf").and_then(Value::as_f64).filter(|d| *d > 0.0) {
            let quotient = number / divisor;
            if (quotient - quotient.round()).abs() > 1e-9 {
                causes.push(invalid(format!("{field} in body should be a multiple of {divisor}")));
            }
        }
        if let Some(problem) =
            schema.get("format").and_then(Value::as_str).and_then(|f| number_format_problem(f, value))
        {
            causes.push(invalid(format!("{field} in body must be of type {problem}: \"{}\"", shown(value))));
        }
        let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
        let exclusive = |key: &str| schema.get(key) == Some(&Value::Bool(true));
        if let Some(min) = bound("minimum")
            && (number < min || (exclusive("exclusiveMinimum") && number == min))
        {
            causes.push(invalid(format!("{field} in body should be greater than or equal to {min}")));
        }
        if let Some(max) = bound("maximum")
            && (number > max || (exclusive("exclusiveMaximum") && number == max))
        {
            causes.push(invalid(format!("{field} in body should be less than or equal to {max}")));
        }
    }
    if let Some(text) = value.as_str() {
        let length = text.chars().count() as u64;
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64).filter(|min| length < *min) {
            causes.push(invalid(format!("{field} in body should be at least {min} chars long")));
        }
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64).filter(|max| length > *max) {
            causes.push(invalid(format!("{field} in body may not be longer than {max}")));
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            match compiled(pattern) {
                Some(regex) if !regex.is_match(text) => {
                    causes.push(invalid(format!("{field} in body should match '{pattern}'")));
                }
                Some(_) => {}
                None => {
                    causes.push(invalid(format!("the schema's pattern '{pattern}' is not a valid regular expression")))
                }
            }
        }
        if let Some(format) = schema.get("format").and_then(Value::as_str)
            && !string_format_ok(format, text)
        {
            causes.push(invalid(format!("{field} in body must be of type {format}: \"{text}\"")));
        }
    }
    if let Some(items) = value.as_array() {
        let count = items.len() as u64;
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64).filter(|min| count < *min) {
            causes.push(invalid(format!("{field} in body should have at least {min} items")));
        }
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64).filter(|max| count > *max) {
            causes.push(invalid(format!("{field} in body should have at most {max} items")));
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                check(item_schema, item, &format!("{field}[{i}]"), causes, false);
            }
        }
        check_unique(schema, items, field, causes);
    }
    if let Some(map) = value.as_object() {
        let count = map.len() as u64;
        if let Some(min) = schema.get("minProperties").and_then(Value::as_u64).filter(|min| count < *min) {
            causes.push(invalid(format!("{field} in body should have at least {min} properties")));
        }
        if let Some(max) = schema.get("maxProperties").and_then(Value::as_u64).filter(|max| count > *max) {
            causes.push(invalid(format!("{field} in body should have at most {max} properties")));
        }
        let join = |name: &str| if path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
        for required in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            if let Some(name) = required.as_str().filter(|name| !map.contains_key(*name)) {
                causes.push(Cause::required(&join(name), ""));
            }
        }
        let embedded = schema.get("x-kubernetes-embedded-resource") == Some(&Value::Bool(true));
        for (name, inner) in map {
            if embedded && matches!(name.as_str(), "apiVersion" | "kind" | "metadata") {
                continue;
            }
            let property = schema
                .get("properties")
                .and_then(|p| p.get(name))
                .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()));
            if let Some(property) = property {
                check(property, inner, &join(name), causes, false);
            }
        }
    }
}

/// `allOf`, `anyOf`, `oneOf` and `not`: in a structural schema they only add value checks to
/// the node they sit on, so each alternative is checked against the same value and path.
fn check_combinators(schema: &Value, value: &Value, field: &str, causes: &mut Vec<Cause>) {
    let alternatives = |key: &str| schema.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
    let failures = |sub: &Value| {
        let mut found = Vec::new();
        check(sub, value, field, &mut found, false);
        found
    };
    let shown = value.to_string();
    for sub in alternatives("allOf") {
        causes.extend(failures(&sub));
    }
    let any = alternatives("anyOf");
    if !any.is_empty() && !any.iter().any(|sub| failures(sub).is_empty()) {
        let message = format!("{field} in body must validate at least one schema (anyOf)");
        causes.push(Cause::invalid(field, &shown, &message));
    }
    let one = alternatives("oneOf");
    if !one.is_empty() && one.iter().filter(|sub| failures(sub).is_empty()).count() != 1 {
        let message = format!("{field} in body must validate one and only one schema (oneOf)");
        causes.push(Cause::invalid(field, &shown, &message));
    }
    if let Some(not) = schema.get("not")
        && failures(not).is_empty()
    {
        let message = format!("{field} in body must not validate the schema (not)");
        causes.push(Cause::invalid(field, &shown, &message));
    }
}

/// `x-kubernetes-list-type: set` lists hold each value once, `map` lists each key once.
fn check_unique(schema: &Value, items: &[Value], field: &str, causes: &mut Vec<Cause>) {
    let identity = |item: &Value| -> Value {
        match schema.get("x-kubernetes-list-type").and_then(Value::as_str) {
            Some("map") => {
                let keys = schema.get("x-kubernetes-list-map-keys").and_then(Value::as_array);
                let keys = keys.into_iter().flatten().filter_map(Value::as_str);
                Value::Array(keys.map(|k| item.get(k).cloned().unwrap_or(Value::Null)).collect())
            }
            _ => item.clone(),
        }
    };
    if !matches!(schema.get("x-kubernetes-list-type").and_then(Value::as_str), Some("set" | "map")) {
        return;
    }
    let mut seen: Vec<Value> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let id = identity(item);
        if seen.contains(&id) {
            let shown = if schema["x-kubernetes-list-type"] == "map" { id.to_string() } else { item.to_string() };
            causes.push(Cause {
                reason: "FieldValueDuplicate".into(),
                message: format!("Duplicate value: {shown}"),
                field: format!("{field}[{i}]"),
            });
        } else {
            seen.push(id);
        }
    }
}

/// A schema's `pattern`, compiled once per process (patterns come from CRDs, a handful each).
fn compiled(pattern: &str) -> Option<Arc<Regex>> {
    static CACHE: LazyLock<RwLock<HashMap<String, Option<Arc<Regex>>>>> = LazyLock::new(Default::default);
    if let Some(found) = CACHE.read().unwrap_or_else(|p| p.into_inner()).get(pattern) {
        return found.clone();
    }
    let regex = Regex::new(pattern).ok().map(Arc::new);
    let mut cache = CACHE.write().unwrap_or_else(|p| p.into_inner());
    if cache.len() >= 4096 {
        cache.clear(); // a bound, not an eviction policy: CRDs rarely hold this many patterns
    }
    cache.insert(pattern.to_string(), regex.clone());
    regex
}

/// Whether `text` has the string `format` (unknown formats pass, as upstream's do).
fn string_format_ok(format: &str, text: &str) -> bool {
    static UUID: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new("^(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$").expect("valid regex")
    });
    static HOSTNAME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$")
            .expect("valid regex")
    });
    match format {
        "date-time" => text.parse::<jiff::Timestamp>().is_ok(),
        "date" => text.len() == 10 && text.parse::<jiff::civil::Date>().is_ok(),
        "byte" => base64::engine::general_purpose::STANDARD.decode(text).is_ok(),
        "uuid" => UUID.is_match(text),
        "ipv4" => text.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => text.parse::<std::net::Ipv6Addr>().is_ok(),
        "hostname" => text.len() <= 253 && HOSTNAME.is_match(text),
        "email" => text.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.')),
        _ => true,
    }
}

/// The format a number breaks (`int32`, `int64`), if any.
fn number_format_problem(format: &str, value: &Value) -> Option<&'static str> {
    let fits = |min: i64, max: i64| value.as_i64().is_some_and(|n| (min..=max).contains(&n));
    match format {
        "int32" if !fits(i64::from(i32::MIN), i64::from(i32::MAX)) => Some("int32"),
        "int64" if value.as_i64().is_none() => Some("int64"),
        _ => None,
    }
}

fn type_name(schema: &Value) -> String {
    schema.get("type").and_then(Value::as_str).unwrap_or("object").to_string()
}

/// The JSON type of a value, as upstream's messages name it.
pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "spec": {
                    "type": "object",
                    "required": ["image"],
                    "properties": {
                        "image": {"type": "string", "minLength": 1},
                        "replicas": {"type": "integer", "minimum": 0, "maximum": 10, "default": 1},
                        "mode": {"type": "string", "enum": ["fast", "slow"]},
                        "port": {"x-kubernetes-int-or-string": true},
                        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                        "items": {"type": "array", "maxItems": 2, "items": {"type": "object", "properties": {"n": {"type": "integer"}}}},
                    },
                },
                "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
            },
        })
    }

    #[test]
    fn unknown_fields_are_pruned_except_where_preserved() {
        let mut object = json!({
            "apiVersion": "x/v1", "kind": "X", "metadata": {"name": "a"},
            "spec": {"image": "i", "bogus": 1, "free": {"anything": true}, "items": [{"n": 1, "m": 2}]},
            "extra": true,
        });
        object["metadata"]["labelz"] = json!({"typo": "x"});
        let mut pruned = prune(&schema(), &mut object);
        pruned.sort();
        assert_eq!(pruned, ["extra", "metadata.labelz", "spec.bogus", "spec.items[0].m"]);
        assert_eq!(object["spec"]["free"], json!({"anything": true}));
        assert_eq!(object["metadata"]["name"], "a");
    }

    #[test]
    fn defaults_fill_missing_fields() {
        let mut object = json!({"spec": {"image": "i"}});
        apply_defaults(&schema(), &mut object);
        assert_eq!(object["spec"]["replicas"], 1);
    }

    #[test]
    fn violations_name_their_field() {
        let object = json!({"spec": {"replicas": "three", "mode": "medium", "port": 1.5, "labels": {"a": 1},
                                     "items": [{}, {}, {}]}});
        let causes = validate(&schema(), &object);
        let fields: Vec<&str> = causes.iter().map(|c| c.field.as_str()).collect();
        for expected in ["spec.image", "spec.replicas", "spec.mode", "spec.port", "spec.labels.a", "spec.items"] {
            assert!(fields.contains(&expected), "{expected} in {fields:?}");
        }
        assert!(causes.iter().any(|c| c.message.contains("spec.replicas in body must be of type integer")));
        assert!(validate(&schema(), &json!({"spec": {"image": "ok", "replicas": 3, "port": "http"}})).is_empty());
        let too_many = validate(&schema(), &json!({"spec": {"image": "ok", "replicas": 11}}));
        assert_eq!(too_many[0].field, "spec.replicas");
    }

    #[test]
    fn value_keywords_are_checked() {
        let schema = json!({"type": "object", "properties": {
            "name": {"type": "string", "pattern": "^[a-z]+$"},
            "when": {"type": "string", "format": "date-time"},
            "id": {"type": "string", "format": "uuid"},
            "count": {"type": "integer", "multipleOf": 5, "format": "int32"},
            "labels": {"type": "object", "minProperties": 1, "maxProperties": 2,
                       "additionalProperties": {"type": "string"}},
            "choice": {"type": "string", "oneOf": [{"enum": ["a"]}, {"pattern": "^b"}]},
            "either": {"type": "integer", "anyOf": [{"minimum": 10}, {"maximum": 0}]},
            "notThree": {"type": "integer", "not": {"enum": [3]}},
            "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
            "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                      "items": {"type": "object", "properties": {"name": {"type": "string"}, "port": {"type": "integer"}}}},
        }});
        let good = json!({"name": "web", "when": "2026-11-22T10:00:00Z", "id": "0c054e35-c4cd-45f4-9a8e-9d1a3645d339",
            "count": 10, "labels": {"a": "b"}, "choice": "bee", "either": 11, "notThree": 4, "tags": ["x", "y"],
            "ports": [{"name": "http", "port": 80}, {"name": "https", "port": 80}]});
        assert!(validate(&schema, &good).is_empty(), "{:?}", validate(&schema, &good));
        let bad = json!({"name": "Web", "when": "yesterday", "id": "nope", "count": 7, "labels": {},
            "choice": "c", "either": 5, "notThree": 3, "tags": ["x", "x"],
            "ports": [{"name": "http", "port": 80}, {"name": "http", "port": 81}]});
        let causes = validate(&schema, &bad);
        let message = |field: &str| -> String {
            causes.iter().filter(|c| c.field == field).map(|c| c.message.clone()).collect::<Vec<_>>().join(" | ")
        };
        assert!(message("name").contains("name in body should match '^[a-z]+$'"), "{causes:?}");
        assert!(message("when").contains("must be of type date-time"));
        assert!(message("id").contains("must be of type uuid"));
        assert!(message("count").contains("should be a multiple of 5"));
        assert!(message("labels").contains("should have at least 1 properties"));
        assert!(message("choice").contains("(oneOf)"));
        assert!(message("either").contains("(anyOf)"));
        assert!(message("notThree").contains("(not)"));
        assert!(message("tags[1]").contains("Duplicate value: \"x\""));
        assert!(message("ports[1]").contains("Duplicate value"));
        let too_big = validate(&schema, &json!({"count": 5_000_000_000_i64}));
        assert!(too_big.iter().any(|c| c.message.contains("must be of type int32")));
    }

    #[test]
    fn embedded_resources_keep_their_type_and_metadata_and_lose_unknown_fields() {
        let schema = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
            "template": {"type": "object", "x-kubernetes-embedded-resource": true,
                "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}}}});
        let mut object = json!({"spec": {"template": {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "seed"}, "spec": {"size": 1, "junk": true}, "extra": 1}}});
        let mut pruned = prune(&schema, &mut object);
        pruned.sort();
        assert_eq!(pruned, ["spec.template.extra", "spec.template.spec.junk"]);
        let template = &object["spec"]["template"];
        assert_eq!((template["apiVersion"].as_str(), template["kind"].as_str()), (Some("v1"), Some("ConfigMap")));
        assert_eq!(template["metadata"]["name"], "seed");
        assert!(validate(&schema, &object).is_empty(), "{:?}", validate(&schema, &object));
    }
}
