//! Reading and writing `metadata` on objects held as JSON.
//!
//! Objects travel through the registry as `serde_json::Value`: every kind, built-in or
//! custom, shares `ObjectMeta`, and the registry only touches metadata (and `status` for
//! the status subresource), so a typed model per kind is not needed here.

use rand::Rng;
use serde_json::{Map, Value};

/// `metadata` of an object, if it is an object.
pub fn metadata(object: &Value) -> Option<&Map<String, Value>> {
    object.get("metadata")?.as_object()
}

/// `metadata`, created as `{}` when missing or not an object.
pub fn metadata_mut(object: &mut Value) -> &mut Map<String, Value> {
    let root = ensure_object(object);
    let meta = root.entry("metadata").or_insert_with(|| Value::Object(Map::new()));
    ensure_object(meta)
}

fn ensure_object(value: &mut Value) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    match value {
        Value::Object(map) => map,
        _ => unreachable!("invariant: just replaced with an object"),
    }
}

/// A string field of `metadata` (`name`, `namespace`, `resourceVersion`, `uid` …).
pub fn meta_str<'a>(object: &'a Value, field: &str) -> Option<&'a str> {
    metadata(object)?.get(field)?.as_str()
}

pub fn name(object: &Value) -> Option<&str> {
    meta_str(object, "name").filter(|n| !n.is_empty())
}

pub fn namespace(object: &Value) -> Option<&str> {
    meta_str(object, "namespace").filter(|n| !n.is_empty())
}

pub fn resource_version(object: &Value) -> Option<&str> {
    meta_str(object, "resourceVersion").filter(|rv| !rv.is_empty())
}

pub fn set_meta(object: &mut Value, field: &str, value: Value) {
    metadata_mut(object).insert(field.into(), value);
}

pub fn remove_meta(object: &mut Value, field: &str) {
    metadata_mut(object).remove(field);
}

/// `metadata.labels` (absent → empty).
pub fn labels(object: &Value) -> Map<String, Value> {
    metadata(object).and_then(|m| m.get("labels")).and_then(Value::as_object).cloned().unwrap_or_default()
}

/// `metadata.finalizers` as strings.
pub fn finalizers(object: &Value) -> Vec<String> {
    metadata(object)
        .and_then(|m| m.get("finalizers"))
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(|f| f.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

pub fn has_finalizer(object: &Value, finalizer: &str) -> bool {
    metadata(object)
        .and_then(|m| m.get("finalizers"))
        .and_then(Value::as_array)
        .is_some_and(|list| list.iter().any(|f| f == finalizer))
}

/// Adds `finalizer` unless it is there; true if it was added.
pub fn add_finalizer(object: &mut Value, finalizer: &str) -> bool {
    if has_finalizer(object, finalizer) {
        return false;
    }
    let list = metadata_mut(object).entry("finalizers").or_insert_with(|| Value::Array(vec![]));
    if !list.is_array() {
        *list = Value::Array(vec![]);
    }
    list.as_array_mut().map(|l| l.push(Value::String(finalizer.into()))).is_some()
}

pub fn remove_finalizer(object: &mut Value, finalizer: &str) {
    if let Some(list) = metadata_mut(object).get_mut("finalizers").and_then(Value::as_array_mut) {
        list.retain(|f| f != finalizer);
    }
}

/// The value of the label `key`, if the object has it.
pub fn label<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    metadata(object)?.get("labels")?.get(key)?.as_str()
}

pub fn is_deleting(object: &Value) -> bool {
    metadata(object).is_some_and(|m| m.get("deletionTimestamp").is_some_and(|t| !t.is_null()))
}

pub fn generation(object: &Value) -> i64 {
    metadata(object).and_then(|m| m.get("generation")).and_then(Value::as_i64).unwrap_or(0)
}

/// Now, as an RFC 3339 timestamp with second precision (`metav1.Time`).
pub fn now_rfc3339() -> String {
    let now = jiff::Timestamp::now();
    jiff::Timestamp::from_second(now.as_second()).unwrap_or(now).to_string()
}

pub fn new_uid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The 5-character suffix upstream appends to `generateName` (consonants and digits, so
/// generated names never spell words).
pub fn random_suffix() -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut rng = rand::rng();
    (0..5).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// Upstream caps the prefix so prefix + suffix fits a 63-character name.
pub fn generated_name(prefix: &str) -> String {
    const MAX_PREFIX: usize = 63 - 5;
    let prefix = if prefix.len() > MAX_PREFIX { &prefix[..MAX_PREFIX] } else { prefix };
    format!("{prefix}{}", random_suffix())
}

/// The object without the fields the server owns or derives, for "did anything change?".
pub fn comparable(object: &Value) -> Value {
    let mut copy = object.clone();
    let meta = metadata_mut(&mut copy);
    for field in ["resourceVersion", "generation"] {
        meta.remove(field);
    }
    copy
}

/// True when anything but `metadata` and `status` differs: the change that bumps `generation`.
pub fn spec_changed(old: &Value, new: &Value) -> bool {
    let strip = |v: &Value| -> Value {
        let mut v = v.clone();
        if let Some(map) = v.as_object_mut() {
            map.remove("metadata");
            map.remove("status");
        }
        v
    };
    strip(old) != strip(new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn generated_names_fit_a_label() {
        let name = generated_name(&"x".repeat(80));
        assert_eq!(name.len(), 63);
        assert!(generated_name("kopf-event-").starts_with("kopf-event-"));
    }

    #[test]
    fn metadata_accessors_tolerate_missing_and_wrong_types() {
        let mut obj = json!({"metadata": "nonsense"});
        assert_eq!(name(&obj), None);
        set_meta(&mut obj, "name", json!("a"));
        assert_eq!(name(&obj), Some("a"));
        assert!(labels(&obj).is_empty());
        assert!(finalizers(&json!({})).is_empty());
    }

    #[test]
    fn spec_changes_ignore_metadata_and_status() {
        let a = json!({"metadata": {"labels": {"a": "1"}}, "spec": {"x": 1}, "status": {"y": 1}});
        let b = json!({"metadata": {"labels": {"a": "2"}}, "spec": {"x": 1}, "status": {"y": 2}});
        let c = json!({"metadata": {}, "spec": {"x": 2}});
        assert!(!spec_changed(&a, &b));
        assert!(spec_changed(&a, &c));
        // ConfigMaps have no spec: their data counts.
        assert!(spec_changed(&json!({"data": {"a": "1"}}), &json!({"data": {"a": "2"}})));
    }

    #[test]
    fn timestamps_have_second_precision() {
        let now = now_rfc3339();
        assert!(now.ends_with('Z') && !now.contains('.'), "{now}");
    }
}
