//! Custom resources against their CRD's structural schema (`openAPIV3Schema`), in upstream's
//! order: prune fields the schema does not know, apply defaults, then validate.
//!
//! Covered: `type` (object, array, string, integer, number, boolean), `properties`,
//! `additionalProperties`, `items`, `required`, `enum`, `nullable`, `minimum`/`maximum`
//! (with `exclusive…`), `minLength`/`maxLength`, `minItems`/`maxItems`, `default`, and the
//! extensions `x-kubernetes-preserve-unknown-fields`, `x-kubernetes-int-or-string` and
//! `x-kubernetes-embedded-resource`. Not yet: `pattern`, `format`, `oneOf`/`anyOf`/`allOf`/`not`,
//! CEL `x-kubernetes-validations` (README "not yet").

use serde_json::{Map, Value};

use super::error::Cause;

/// Removes the fields `schema` does not declare (unless it preserves unknown fields); returns
/// their dotted paths. `apiVersion`, `kind` and `metadata` at the root are always kept.
pub fn prune(schema: &Value, object: &mut Value) -> Vec<String> {
    let mut pruned = Vec::new();
    if let Value::Object(map) = object {
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
            if schema.get("x-kubernetes-embedded-resource") == Some(&Value::Bool(true)) {
                // apiVersion, kind and metadata of an embedded object are its own.
                for (field, inner) in map.iter_mut() {
                    if let Some(property) = schema.pointer(&format!("/properties/{}", escape(field))) {
                        prune_value(property, inner, &format!("{path}.{field}"), pruned);
                    }
                }
                return;
            }
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
                    map.keys().filter(|f| schema["properties"].get(f.as_str()).is_some()).cloned().collect();
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
    if let Some(number) = value.as_f64() {
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
    }
    if let Some(map) = value.as_object() {
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

fn type_name(schema: &Value) -> String {
    schema.get("type").and_then(Value::as_str).unwrap_or("object").to_string()
}

fn json_type(value: &Value) -> &'static str {
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
        let mut pruned = prune(&schema(), &mut object);
        pruned.sort();
        assert_eq!(pruned, ["extra", "spec.bogus", "spec.items[0].m"]);
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
}
