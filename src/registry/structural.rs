//! Custom resources against their CRD's structural schema (`openAPIV3Schema`), in upstream's
//! order: prune fields the schema does not know, drop or default nulls the schema does not
//! allow, apply defaults, then validate.
//!
//! Covered: `type` (object, array, string, integer, number, boolean), `properties`,
//! `additionalProperties`, `items`, `required`, `enum`, `nullable`, `minimum`/`maximum`
//! (with `exclusive…`), `multipleOf`, `minLength`/`maxLength`, `pattern`, `format` (the string
//! formats upstream's apiextensions checks but `isbn`, `creditcard` and `rgbcolor`, plus
//! `int32`/`int64` ranges; unknown formats pass, as upstream's do), `minItems`/`maxItems`,
//! `minProperties`/`maxProperties`, `allOf`/`anyOf`/`oneOf`/`not` (value validations),
//! `default`, and the extensions `x-kubernetes-preserve-unknown-fields`,
//! `x-kubernetes-int-or-string`, `x-kubernetes-embedded-resource` and the uniqueness that
//! `x-kubernetes-list-type: set|map` implies. Messages and cause reasons are upstream's
//! (kube-openapi's wording, turned into field errors as apiextensions turns them), so clients
//! and people matching on them see what a real cluster says; the one deliberate difference is
//! that a combinator's summary names its node where upstream files it under `<nil>`.
//!
//! [`schema_problems`] is the other side: what upstream refuses in a CRD's schema, among what
//! decides how objects are checked here. CEL `x-kubernetes-validations` are checked by
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

/// The schema of `field` inside an object with `schema`: its property, else the schema every
/// additional property has.
pub(crate) fn property_schema<'s>(schema: &'s Value, field: &str) -> Option<&'s Value> {
    let property = schema.get("properties").and_then(|p| p.get(field));
    property.or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
}

fn nullable(schema: &Value) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
}

/// A schema's `default`; `default: null` is no default, as upstream reads it.
fn default_of(schema: &Value) -> Option<&Value> {
    schema.get("default").filter(|d| !d.is_null())
}

/// Removes the nulls of fields that are neither `nullable` nor defaulted, as upstream's
/// decoding does before defaulting: `field: null` then reads as "unset" instead of failing
/// validation (nulls of defaulted fields become the default in [`apply_defaults`]).
pub fn drop_nulls(schema: &Value, value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|field, inner| {
                let property = property_schema(schema, field);
                !(inner.is_null() && property.is_some_and(|p| !nullable(p) && default_of(p).is_none()))
            });
            for (field, inner) in map.iter_mut() {
                if let Some(property) = property_schema(schema, field) {
                    drop_nulls(property, inner);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for item in items {
                    drop_nulls(item_schema, item);
                }
            }
        }
        _ => {}
    }
}

/// Fills in `default`s of missing properties (and of nulls where null is not allowed), inside
/// objects that exist.
pub fn apply_defaults(schema: &Value, value: &mut Value) {
    // A null where the schema allows none takes the default, if there is one.
    let default_null = |schema: &Value, inner: &mut Value| {
        if inner.is_null()
            && !nullable(schema)
            && let Some(default) = default_of(schema)
        {
            *inner = default.clone();
        }
    };
    match value {
        Value::Object(map) => {
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (field, property) in properties {
                    if let Some(default) = default_of(property)
                        && !map.contains_key(field)
                    {
                        map.insert(field.clone(), default.clone());
                    }
                }
                for (field, inner) in map.iter_mut() {
                    if let Some(property) = properties.get(field) {
                        default_null(property, inner);
                        apply_defaults(property, inner);
                    }
                }
            } else if let Some(additional) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                for inner in map.values_mut() {
                    default_null(additional, inner);
                    apply_defaults(additional, inner);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for item in items {
                    default_null(item_schema, item);
                    apply_defaults(item_schema, item);
                }
            }
        }
        _ => {}
    }
}

/// What is wrong with `object` by `schema`, as causes naming the field, worded as upstream's
/// (kube-openapi's messages, turned into field errors the way apiextensions does).
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
    let int_or_string = schema.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true));
    // The types the node allows, named as upstream's messages name them.
    let expected = if int_or_string { Some("integer,string") } else { schema.get("type").and_then(Value::as_str) };
    let wrong_type = |found: &str, expected: &str| {
        Cause::type_invalid(field, found, &format!("{field} in body must be of type {expected}: \"{found}\""))
    };
    if value.is_null() {
        // Nulls of fields that are not nullable were dropped or defaulted on decoding, unless
        // they are list items; a node without a type allows null.
        if let Some(expected) = expected.filter(|_| !nullable(schema) && !root) {
            causes.push(wrong_type("null", expected));
        }
        return;
    }
    // An integral float is an integer, as upstream's type check counts it.
    let integer = value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|n| n.fract() == 0.0);
    let type_ok = match expected {
        None => true,
        Some("integer,string") => integer || value.is_string(),
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => integer,
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some(_) => true,
    };
    if let Some(expected) = expected.filter(|_| !type_ok) {
        causes.push(wrong_type(json_type(value), expected));
    }
    // Numbers compare by value: `1.0` is the enum's `1`.
    let same = |a: &Value| a == value || a.as_f64().is_some_and(|a| value.as_f64() == Some(a));
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.iter().any(same)
    {
        let allowed: Vec<String> =
            allowed.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), String::from)).collect();
        causes.push(Cause::not_supported(field, value, &allowed));
    }
    check_combinators(schema, value, path, causes);
    let invalid = |message: String| Cause::invalid_value(field, value, &message);
    if let Some(number) = value.as_f64() {
        if let Some(divisor) = schema.get("multipleOf").and_then(Value::as_f64).filter(|d| *d > 0.0) {
            let quotient = number / divisor;
            if (quotient - quotient.round()).abs() > 1e-9 {
                causes.push(invalid(format!("{field} in body should be a multiple of {divisor}")));
            }
        }
        if let Some(format) = schema.get("format").and_then(Value::as_str)
            && !number_format_ok(format, value)
        {
            causes.push(invalid(format!("{field} in body must be of type {format}: \"{value}\"")));
        }
        let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
        let exclusive = |key: &str| schema.get(key) == Some(&Value::Bool(true));
        if let Some(min) = bound("minimum") {
            if exclusive("exclusiveMinimum") && number <= min {
                causes.push(invalid(format!("{field} in body should be greater than {min}")));
            } else if number < min {
                causes.push(invalid(format!("{field} in body should be greater than or equal to {min}")));
            }
        }
        if let Some(max) = bound("maximum") {
            if exclusive("exclusiveMaximum") && number >= max {
                causes.push(invalid(format!("{field} in body should be less than {max}")));
            } else if number > max {
                causes.push(invalid(format!("{field} in body should be less than or equal to {max}")));
            }
        }
    }
    if let Some(text) = value.as_str() {
        let length = text.chars().count() as u64;
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64).filter(|min| length < *min) {
            causes.push(invalid(format!("{field} in body should be at least {min} chars long")));
        }
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64).filter(|max| length > *max) {
            causes.push(Cause::too_long(field, max));
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            match compiled(pattern) {
                Ok(regex) if !regex.is_match(text) => {
                    causes.push(invalid(format!("{field} in body should match '{pattern}'")));
                }
                Ok(_) => {}
                // Refused when the CRD is written; only a CRD stored before that check has one.
                Err(err) => causes
                    .push(invalid(format!("{field} in body should match '{pattern}, but pattern is invalid: {err}'"))),
            }
        }
        if let Some(format) = schema.get("format").and_then(Value::as_str)
            && !string_format_ok(format, text)
        {
            let message = format!("{field} in body must be of type {format}: {value}");
            causes.push(Cause { reason: "FieldValueTypeInvalid".into(), ..invalid(message) });
        }
    }
    if let Some(items) = value.as_array() {
        check_count(schema, ("minItems", "maxItems", "items"), items.len(), field, causes);
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                check(item_schema, item, &format!("{field}[{i}]"), causes, false);
            }
        }
        check_unique(schema, items, field, causes);
    }
    if let Some(map) = value.as_object() {
        check_count(schema, ("minProperties", "maxProperties", "properties"), map.len(), field, causes);
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
            if let Some(property) = property_schema(schema, name) {
                check(property, inner, &join(name), causes, false);
            }
        }
    }
}

/// `allOf`, `anyOf`, `oneOf` and `not`: in a structural schema they only add value checks to
/// the node they sit on, so each alternative is checked against the same value and path. The
/// summary causes carry upstream's messages (upstream files them under the path `<nil>`; here
/// they name the node), with the failures of the alternative that came closest.
fn check_combinators(schema: &Value, value: &Value, path: &str, causes: &mut Vec<Cause>) {
    let field = if path.is_empty() { "<root>" } else { path };
    let failures = |sub: &Value| {
        let mut found = Vec::new();
        check(sub, value, path, &mut found, false);
        found
    };
    let results = |key: &str| -> Vec<Vec<Cause>> {
        schema.get(key).and_then(Value::as_array).map(|subs| subs.iter().map(failures).collect()).unwrap_or_default()
    };
    // The failures of the alternative with the fewest, the first of equals.
    let closest = |results: Vec<Vec<Cause>>| results.into_iter().min_by_key(Vec::len).unwrap_or_default();
    let summary = |message: String| Cause::invalid(field, "", &format!("\"{field}\" {message}"));
    let all = results("allOf");
    let valid = all.iter().filter(|r| r.is_empty()).count();
    if valid < all.len() {
        let none = if valid == 0 { ". None validated" } else { "" };
        causes.push(summary(format!("must validate all the schemas (allOf){none}")));
        causes.extend(all.into_iter().flatten());
    }
    let any = results("anyOf");
    if !any.is_empty() && !any.iter().any(Vec::is_empty) {
        causes.push(summary("must validate at least one schema (anyOf)".into()));
        causes.extend(closest(any));
    }
    let one = results("oneOf");
    let valid = one.iter().filter(|r| r.is_empty()).count();
    if !one.is_empty() && valid != 1 {
        let found =
            if valid == 0 { "Found none valid".to_string() } else { format!("Found {valid} valid alternatives") };
        causes.push(summary(format!("must validate one and only one schema (oneOf). {found}")));
        if valid == 0 {
            causes.extend(closest(one));
        }
    }
    if let Some(not) = schema.get("not")
        && failures(not).is_empty()
    {
        causes.push(summary("must not validate the schema (not)".into()));
    }
}

/// `x-kubernetes-list-type: set` lists hold each value once, `map` lists each key once.
fn check_unique(schema: &Value, items: &[Value], field: &str, causes: &mut Vec<Cause>) {
    let keys: Vec<&str> = match schema.get("x-kubernetes-list-type").and_then(Value::as_str) {
        Some("set") => Vec::new(),
        Some("map") => list_map_keys(schema),
        _ => return,
    };
    // A set item is its own identity; a map item is identified by its key fields.
    let identity = |item: &Value| -> Value {
        if keys.is_empty() {
            return item.clone();
        }
        let key = |k: &&str| (k.to_string(), item.get(*k).cloned().unwrap_or(Value::Null));
        Value::Object(keys.iter().map(key).collect())
    };
    let mut seen: Vec<Value> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let id = identity(item);
        if seen.contains(&id) {
            causes.push(Cause::duplicate(&format!("{field}[{i}]"), &id));
        } else {
            seen.push(id);
        }
    }
}

/// `minItems`/`maxItems` or `minProperties`/`maxProperties`: `bounds` names the two keywords
/// and what is counted.
fn check_count(schema: &Value, bounds: (&str, &str, &str), count: usize, field: &str, causes: &mut Vec<Cause>) {
    let (min_key, max_key, noun) = bounds;
    let count = count as u64;
    if let Some(min) = schema.get(min_key).and_then(Value::as_u64).filter(|min| count < *min) {
        let message = format!("{field} in body should have at least {min} {noun}");
        causes.push(Cause::invalid_value(field, &Value::from(count), &message));
    }
    if let Some(max) = schema.get(max_key).and_then(Value::as_u64).filter(|max| count > *max) {
        causes.push(Cause::too_many(field, count, max));
    }
}

/// The key fields a `map` list's schema names (`x-kubernetes-list-map-keys`).
pub(crate) fn list_map_keys(schema: &Value) -> Vec<&str> {
    let keys = schema.get("x-kubernetes-list-map-keys").and_then(Value::as_array);
    keys.into_iter().flatten().filter_map(Value::as_str).collect()
}

/// What upstream refuses in a CRD's schema, of what decides how its objects are checked here:
/// `uniqueItems: true`, a `pattern` that does not compile, list types without what they need.
/// Causes name the keyword under `path` (`spec.versions[0].schema.openAPIV3Schema`).
pub fn schema_problems(schema: &Value, path: &str) -> Vec<Cause> {
    let mut causes = Vec::new();
    node_problems(schema, path, &mut causes);
    causes
}

fn node_problems(schema: &Value, path: &str, causes: &mut Vec<Cause>) {
    if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
        let message = "uniqueItems cannot be set to true since the runtime complexity becomes quadratic";
        causes.push(Cause::forbidden(&format!("{path}.uniqueItems"), message));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
        && let Err(err) = compiled(pattern)
    {
        let message = format!("must be a valid regular expression, but isn't: {err}");
        causes.push(Cause::invalid(&format!("{path}.pattern"), pattern, &message));
    }
    list_type_problems(schema, path, causes);
    for (name, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
        node_problems(property, &format!("{path}.properties[{name}]"), causes);
    }
    for key in ["additionalProperties", "items", "not"] {
        if let Some(inner) = schema.get(key).filter(|inner| inner.is_object()) {
            node_problems(inner, &format!("{path}.{key}"), causes);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for (i, inner) in schema.get(key).and_then(Value::as_array).into_iter().flatten().enumerate() {
            node_problems(inner, &format!("{path}.{key}[{i}]"), causes);
        }
    }
}

/// `x-kubernetes-list-type` and `-list-map-keys` as upstream requires them: a known type, on
/// arrays, and `map` lists of objects keyed by some of their properties.
fn list_type_problems(schema: &Value, path: &str, causes: &mut Vec<Cause>) {
    let list_type = schema.get("x-kubernetes-list-type").and_then(Value::as_str);
    let keys = list_map_keys(schema);
    let field = |key: &str| format!("{path}.{key}");
    if list_type.is_some() && schema.get("type").and_then(Value::as_str) != Some("array") {
        let message = "must be array if x-kubernetes-list-type is specified";
        causes.push(match schema.get("type").and_then(Value::as_str) {
            None => Cause::required(&field("type"), message),
            Some(other) => Cause::invalid(&field("type"), other, message),
        });
    }
    match list_type {
        Some("map") => {
            if keys.is_empty() {
                let message = "must not be empty if x-kubernetes-list-type is map";
                causes.push(Cause::required(&field("x-kubernetes-list-map-keys"), message));
            }
            let items = schema.get("items").filter(|items| items.is_object());
            match items.map(|items| items.get("type").and_then(Value::as_str)) {
                None => {
                    let message = "must have a schema if x-kubernetes-list-type is map";
                    causes.push(Cause::required(&field("items"), message));
                }
                Some(Some("object")) => {
                    let properties = items.and_then(|items| items.get("properties"));
                    if keys.iter().any(|k| properties.and_then(|p| p.get(k)).is_none()) {
                        let shown = format!("{keys:?}");
                        let message = "entries must all be names of item properties";
                        causes.push(Cause::invalid(&field("x-kubernetes-list-map-keys"), &shown, message));
                    }
                }
                Some(other) => {
                    let message = "must be object if parent array's x-kubernetes-list-type is map";
                    causes.push(Cause::invalid(&field("items.type"), other.unwrap_or_default(), message));
                }
            }
        }
        None | Some("atomic" | "set") => {
            if !keys.is_empty() {
                let message = "must be map if x-kubernetes-list-map-keys is non-empty";
                causes.push(match list_type {
                    None => Cause::required(&field("x-kubernetes-list-type"), message),
                    Some(other) => Cause::invalid(&field("x-kubernetes-list-type"), other, message),
                });
            }
        }
        Some(other) => {
            let allowed = ["atomic", "set", "map"].map(String::from);
            let value = Value::String(other.into());
            causes.push(Cause::not_supported(&field("x-kubernetes-list-type"), &value, &allowed));
        }
    }
}

/// A schema's `pattern`, compiled once per process (patterns come from CRDs, a handful each);
/// the error text when it does not compile.
fn compiled(pattern: &str) -> Result<Arc<Regex>, String> {
    type Cache = HashMap<String, Result<Arc<Regex>, String>>;
    static CACHE: LazyLock<RwLock<Cache>> = LazyLock::new(Default::default);
    if let Some(found) = CACHE.read().unwrap_or_else(|p| p.into_inner()).get(pattern) {
        return found.clone();
    }
    let regex = Regex::new(pattern).map(Arc::new).map_err(|err| err.to_string());
    let mut cache = CACHE.write().unwrap_or_else(|p| p.into_inner());
    if cache.len() >= 4096 {
        cache.clear(); // a bound, not an eviction policy: CRDs rarely hold this many patterns
    }
    cache.insert(pattern.to_string(), regex.clone());
    regex
}

/// Whether `text` has the string `format`: the formats upstream's apiextensions checks, short
/// of the ISBN, credit card and RGB color ones; unknown formats pass, as upstream's do.
fn string_format_ok(format: &str, text: &str) -> bool {
    static PATTERNS: LazyLock<HashMap<&str, Regex>> = LazyLock::new(|| {
        let uuid = |version: &str, variant: &str| {
            format!(
                "^(?i)[0-9a-f]{{8}}-?[0-9a-f]{{4}}-?{version}[0-9a-f]{{3}}-?{variant}[0-9a-f]{{3}}-?[0-9a-f]{{12}}$"
            )
        };
        let hostname = r"^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$";
        [
            ("uuid", uuid("[0-9a-f]", "[0-9a-f]")),
            ("uuid3", uuid("3", "[0-9a-f]")),
            ("uuid4", uuid("4", "[89ab]")),
            ("uuid5", uuid("5", "[89ab]")),
            ("hostname", hostname.to_string()),
            ("bsonobjectid", "^[0-9a-fA-F]{24}$".to_string()),
            ("ssn", r"^\d{3}[- ]?\d{2}[- ]?\d{4}$".to_string()),
            ("hexcolor", "^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$".to_string()),
        ]
        .into_iter()
        .map(|(name, pattern)| (name, Regex::new(&pattern).expect("valid regex")))
        .collect()
    });
    match format {
        "date-time" | "datetime" => text.parse::<jiff::Timestamp>().is_ok(),
        "date" => text.len() == 10 && text.parse::<jiff::civil::Date>().is_ok(),
        "byte" => base64::engine::general_purpose::STANDARD.decode(text).is_ok(),
        "ipv4" => text.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => text.parse::<std::net::Ipv6Addr>().is_ok(),
        "cidr" => cidr_ok(text),
        "mac" => mac_ok(text),
        "duration" => duration_ok(text),
        "uri" => uri_ok(text),
        "hostname" if text.len() > 253 => false,
        "email" => text.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.')),
        other => PATTERNS.get(other).is_none_or(|regex| regex.is_match(text)),
    }
}

/// An address and a prefix length that fits it (Go's `net.ParseCIDR`).
fn cidr_ok(text: &str) -> bool {
    let Some((address, bits)) = text.split_once('/') else { return false };
    let Ok(address) = address.parse::<std::net::IpAddr>() else { return false };
    let max = if address.is_ipv4() { 32 } else { 128 };
    !bits.starts_with('+') && bits.parse::<u8>().is_ok_and(|bits| bits <= max)
}

/// A MAC address as Go's `net.ParseMAC` reads one: 6, 8 or 20 octets, as colon- or
/// dash-separated pairs or dot-separated quads of hex digits.
fn mac_ok(text: &str) -> bool {
    let hex = |part: &str, len: usize| part.len() == len && part.chars().all(|c| c.is_ascii_hexdigit());
    let (separator, width) = match text.chars().find(|c| matches!(c, ':' | '-' | '.')) {
        Some('.') => ('.', 4),
        Some(separator) => (separator, 2),
        None => return false,
    };
    let parts: Vec<&str> = text.split(separator).collect();
    let octets = parts.len() * width / 2;
    matches!(octets, 6 | 8 | 20) && parts.iter().all(|part| hex(part, width))
}

/// A duration as upstream's `strfmt` reads one: Go's `time.ParseDuration` (`1h30m`, `-1.5s`),
/// else numbers with unit words (`3 days`, `1 week`).
fn duration_ok(text: &str) -> bool {
    static GO: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$").expect("valid regex"));
    static WORDS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d+)\s*([A-Za-zµ]+)").expect("valid regex"));
    // strfmt's unit variants: the last of each matches as a prefix (`minutes`), others exactly.
    const UNITS: &[&[&str]] = &[
        &["ns", "nano"],
        &["us", "µs", "micro"],
        &["ms", "milli"],
        &["s", "sec"],
        &["m", "min"],
        &["h", "hr", "hour"],
        &["d", "day"],
        &["w", "wk", "week"],
    ];
    let known = |unit: &str| {
        let unit = unit.to_lowercase();
        UNITS.iter().any(|variants| {
            let (last, exact) = variants.split_last().expect("every unit has variants");
            unit.starts_with(last) || exact.contains(&unit.as_str())
        })
    };
    GO.is_match(text) || WORDS.captures_iter(text).any(|c| known(&c[2]))
}

/// What Go's `url.ParseRequestURI` accepts: an absolute URI or an absolute path, without
/// spaces or control characters.
fn uri_ok(text: &str) -> bool {
    static SCHEME: LazyLock<Regex> = LazyLock::new(|| Regex::new("^[a-zA-Z][a-zA-Z0-9+.-]*:").expect("valid regex"));
    let clean = !text.chars().any(|c| c.is_whitespace() || c.is_control());
    clean && (text.starts_with('/') || SCHEME.is_match(text))
}

/// Whether an integer fits the number `format` (`int32`, `int64`); other formats pass.
fn number_format_ok(format: &str, value: &Value) -> bool {
    let fits = |min: i64, max: i64| value.as_i64().is_some_and(|n| (min..=max).contains(&n));
    let integral = value.is_i64() || value.is_u64();
    match format {
        "int32" => !integral || fits(i64::from(i32::MIN), i64::from(i32::MAX)),
        "int64" => !integral || value.as_i64().is_some(),
        _ => true,
    }
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

    /// `field: message` of each cause, as kubectl prints them.
    fn printed(causes: &[Cause]) -> Vec<String> {
        causes.iter().map(|c| format!("{}: {}", c.field, c.message)).collect()
    }

    #[test]
    fn messages_are_upstreams() {
        let schema = json!({"type": "object", "properties": {
            "field": {"type": "object"},
            "port": {"x-kubernetes-int-or-string": true},
            "size": {"type": "integer", "minimum": 1, "maximum": 10, "exclusiveMaximum": true},
            "ratio": {"type": "number", "minimum": 0, "exclusiveMinimum": true},
            "name": {"type": "string", "maxLength": 2, "enum": ["a", "bb"]},
            "tags": {"type": "array", "maxItems": 2, "minItems": 1},
            "labels": {"type": "object", "maxProperties": 1},
            "when": {"type": "string", "format": "date-time"},
            "level": {"type": "integer", "enum": [1, 2]},
        }});
        let bad = json!({"field": "foo", "port": true, "size": 10, "ratio": 0, "name": "abc", "tags": [1, 2, 3],
            "labels": {"a": "1", "b": "2"}, "when": "yesterday", "level": 3});
        let mut found = printed(&validate(&schema, &bad));
        found.sort();
        assert_eq!(
            found,
            [
                r#"field: Invalid value: "string": field in body must be of type object: "string""#,
                "labels: Too many: 2: must have at most 1 item",
                r#"level: Unsupported value: 3: supported values: "1", "2""#,
                "name: Too long: may not be more than 2 bytes",
                r#"name: Unsupported value: "abc": supported values: "a", "bb""#,
                r#"port: Invalid value: "boolean": port in body must be of type integer,string: "boolean""#,
                "ratio: Invalid value: 0: ratio in body should be greater than 0",
                "size: Invalid value: 10: size in body should be less than 10",
                "tags: Too many: 3: must have at most 2 items",
                r#"when: Invalid value: "yesterday": when in body must be of type date-time: "yesterday""#,
            ]
        );
        let reasons: Vec<String> = validate(&schema, &bad).into_iter().map(|c| c.reason).collect();
        for reason in ["FieldValueTypeInvalid", "FieldValueTooLong", "FieldValueTooMany", "FieldValueNotSupported"] {
            assert!(reasons.iter().any(|r| r == reason), "{reason} in {reasons:?}");
        }
        let edges = json!({"size": 1, "ratio": 0.5, "port": 8080, "name": "bb", "tags": [1], "level": 1.0});
        assert!(validate(&schema, &edges).is_empty(), "{:?}", printed(&validate(&schema, &edges)));
    }

    #[test]
    fn combinators_report_like_upstream_with_the_closest_alternative() {
        let schema = json!({"type": "object", "properties": {
            "port": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
            "size": {"type": "integer", "allOf": [{"minimum": 1}, {"maximum": 5}]},
            "mode": {"type": "string", "oneOf": [{"pattern": "^a"}, {"pattern": "b$"}]},
        }});
        let causes = validate(&schema, &json!({"port": 1.5, "size": 0, "mode": "ab"}));
        let found = printed(&causes);
        for expected in [
            r#"port: Invalid value: "": "port" must validate at least one schema (anyOf)"#,
            r#"port: Invalid value: "number": port in body must be of type integer: "number""#,
            r#"size: Invalid value: "": "size" must validate all the schemas (allOf)"#,
            "size: Invalid value: 0: size in body should be greater than or equal to 1",
            r#"mode: Invalid value: "": "mode" must validate one and only one schema (oneOf). Found 2 valid alternatives"#,
        ] {
            assert!(found.contains(&expected.to_string()), "{expected} in {found:#?}");
        }
        // Only the first anyOf alternative's failure: it is as close as the second.
        assert!(!found.iter().any(|f| f.contains("must be of type string")), "{found:#?}");
        let none = printed(&validate(&schema, &json!({"mode": "x"})));
        assert!(none.iter().any(|f| f.ends_with("(oneOf). Found none valid")), "{none:?}");
        assert!(none.iter().any(|f| f.contains("should match '^a'")), "{none:?}");
    }

    #[test]
    fn nulls_are_dropped_defaulted_or_refused_as_upstream_decodes_them() {
        let schema = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
            "plain": {"type": "string"},
            "defaulted": {"type": "string", "default": "d"},
            "allowed": {"type": "string", "nullable": true},
            "untyped": {},
            "list": {"type": "array", "items": {"type": "string"}},
            "withDefault": {"type": "array", "items": {"type": "string", "default": "x"}},
            "map": {"type": "object", "additionalProperties": {"type": "string"}},
        }}}});
        let mut object = json!({"spec": {"plain": null, "defaulted": null, "allowed": null, "untyped": null,
            "list": ["a", null], "withDefault": [null], "map": {"k": null}}});
        drop_nulls(&schema, &mut object);
        apply_defaults(&schema, &mut object);
        assert_eq!(
            object["spec"],
            json!({"defaulted": "d", "allowed": null, "list": ["a", null], "withDefault": ["x"], "map": {}})
        );
        // A null list item stays, and is refused.
        let causes = printed(&validate(&schema, &object));
        assert_eq!(
            causes,
            [r#"spec.list[1]: Invalid value: "null": spec.list[1] in body must be of type string: "null""#]
        );
    }

    #[test]
    fn string_formats_follow_upstreams_checks() {
        let ok = |format: &str, text: &str| string_format_ok(format, text);
        for (format, good, bad) in [
            ("uuid4", "0c054e35-c4cd-45f4-9a8e-9d1a3645d339", "0c054e35-c4cd-35f4-9a8e-9d1a3645d339"),
            ("cidr", "10.0.0.0/8", "10.0.0.0/33"),
            ("cidr", "fd00::/64", "fd00::"),
            ("mac", "01:23:45:67:89:ab", "01:23:45:67:89"),
            ("mac", "0123.4567.89ab", "0123.4567.89ax"),
            ("duration", "1h30m", "soon"),
            ("duration", "3 days", "1.5.h"),
            ("uri", "https://example.com/x", "example.com"),
            ("bsonobjectid", "507f1f77bcf86cd799439011", "507f1f77"),
            ("hexcolor", "#ffaa00", "#ffaa0"),
            ("ssn", "123-45-6789", "123-456-789"),
            ("date", "2026-11-22", "2026-11-22T00:00:00Z"),
            ("hostname", "a.example.com", "-a.example.com"),
        ] {
            assert!(ok(format, good), "{format}: {good}");
            assert!(!ok(format, bad), "{format}: {bad}");
        }
        assert!(ok("something-new", "anything"), "unknown formats pass");
    }

    #[test]
    fn crd_schemas_are_refused_for_what_upstream_refuses() {
        let schema = json!({"type": "object", "properties": {
            "tags": {"type": "array", "uniqueItems": true, "items": {"type": "string"}},
            "name": {"type": "string", "pattern": "("},
            "ports": {"type": "array", "x-kubernetes-list-type": "map", "items": {"type": "object",
                "properties": {"name": {"type": "string"}}}},
            "keyed": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["id"],
                "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
            "odd": {"type": "array", "x-kubernetes-list-type": "bag"},
            "notList": {"type": "string", "x-kubernetes-list-type": "set"},
            "choice": {"oneOf": [{"pattern": "+"}]},
        }});
        let found = printed(&schema_problems(&schema, "s"));
        let expected = [
            "s.properties[tags].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
            "s.properties[ports].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map",
            r#"s.properties[keyed].x-kubernetes-list-map-keys: Invalid value: "["id"]": entries must all be names of item properties"#,
            r#"s.properties[odd].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map""#,
            r#"s.properties[notList].type: Invalid value: "string": must be array if x-kubernetes-list-type is specified"#,
        ];
        for expected in expected {
            assert!(found.contains(&expected.to_string()), "{expected} in {found:#?}");
        }
        for pattern in ["s.properties[name].pattern: Invalid value: \"(\"", "s.properties[choice].oneOf[0].pattern"] {
            assert!(found.iter().any(|f| f.starts_with(pattern) && f.contains("must be a valid regular expression")));
        }
        assert_eq!(found.len(), expected.len() + 2, "{found:#?}");
        assert!(schema_problems(&self::schema(), "s").is_empty());
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
