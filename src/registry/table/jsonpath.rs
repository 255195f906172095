//! The JSONPath subset CRD printer columns use (`.spec.replicas`, `.items[0].name`,
//! `.status.conditions[?(@.type=="Ready")].status`), evaluated like kubectl's: the first
//! match, or nothing.

use serde_json::Value;

/// The value at `path` in `object`, if any.
pub fn first<'a>(object: &'a Value, path: &str) -> Option<&'a Value> {
    let path = path.trim().trim_start_matches('{').trim_end_matches('}').trim_start_matches('$');
    let mut current = object;
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            current = current.get(&after[..end])?;
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            let selector = &after[..end];
            rest = &after[end + 1..];
            current = select(current, selector)?;
        } else {
            return None;
        }
    }
    Some(current)
}

/// `[n]` or `[?(@.field=="value")]` on an array.
fn select<'a>(array: &'a Value, selector: &str) -> Option<&'a Value> {
    let items = array.as_array()?;
    if let Ok(index) = selector.parse::<usize>() {
        return items.get(index);
    }
    let filter = selector.strip_prefix("?(@.")?.strip_suffix(')')?;
    let (field, wanted) = filter.split_once("==")?;
    let wanted = wanted.trim().trim_matches(|c| c == '"' || c == '\'');
    items.iter().find(|item| match item.get(field.trim()) {
        Some(Value::String(s)) => s == wanted,
        Some(other) => *other == wanted.parse::<Value>().unwrap_or(Value::Null),
        None => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_indexes_and_filters() {
        let object = json!({
            "spec": {"replicas": 3, "ports": [{"port": 80}, {"port": 443}]},
            "status": {"conditions": [{"type": "Synced", "status": "False"}, {"type": "Ready", "status": "True"}]},
        });
        assert_eq!(first(&object, ".spec.replicas"), Some(&json!(3)));
        assert_eq!(first(&object, "{.spec.ports[1].port}"), Some(&json!(443)));
        assert_eq!(first(&object, ".status.conditions[?(@.type==\"Ready\")].status"), Some(&json!("True")));
        assert_eq!(first(&object, ".spec.missing"), None);
        assert_eq!(first(&object, ".spec.ports[7]"), None);
    }
}
