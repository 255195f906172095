//! SNAPSHOT: every object of one plane in one answer, as of one revision.
//!
//! Keys are plane-first, so the whole plane is one range read over its prefix: the answer is
//! consistent at that read's revision, and its cost is the plane's own objects however many
//! other planes the server holds. The read is split back into resource types by key; objects
//! are decoded like a GET (`resourceVersion` from the key's `mod_revision`), stamped with the
//! `apiVersion`/`kind` of the type that stores them, and lose `metadata.managedFields` (a
//! snapshot is state, not its write history).
//!
//! The types covered are those the plane serves (its kind table, so custom resources are
//! included once their CRD rows are served) that can be listed: create-only review kinds are
//! never stored and are skipped.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::{Registry, decode};
use crate::registry::error::{ApiError, ApiResult, from_storage};
use crate::registry::keys;
use crate::registry::kind::{KindTable, ResourceType};
use crate::registry::meta;
use crate::storage::{KeyValue, RangeOptions};
use crate::types::PlaneName;
use crate::types::snapshot::{ResourceSnapshot, Snapshot};

/// What a snapshot covers.
#[derive(Clone, Debug, Default)]
pub struct SnapshotOptions {
    /// Resource names, `plural` or `plural.group` (the query's comma-separated `resource`);
    /// empty: every type.
    pub resources: Vec<String>,
    /// Also list covered types that hold no objects (with `itemCount` 0).
    pub include_empty: bool,
}

impl Registry {
    /// The objects of `plane` as of one revision. Fails with 400 for a name in
    /// `options.resources` the plane does not serve, 404 if the plane does not exist at the
    /// revision read (it may have been deleted since the request was admitted).
    pub async fn snapshot(&self, plane: &PlaneName, options: &SnapshotOptions) -> ApiResult<Snapshot> {
        let types = covered_types(&self.kinds(plane), plane, &options.resources)?;
        let read = self.backend.range(&keys::plane_prefix(plane), RangeOptions::default()).await;
        let read = read.map_err(|e| from_storage(e, self.namespaces_type(), plane.as_str()))?;
        let snapshot_time = format!("{:.6}", jiff::Timestamp::now());

        let index: HashMap<(&str, &str), usize> =
            types.iter().enumerate().map(|(i, t)| ((t.group.as_ref(), t.plural.as_ref()), i)).collect();
        let mut items: Vec<Vec<Value>> = vec![Vec::new(); types.len()];
        let record = keys::plane_record(plane);
        let mut plane_exists = false;
        for kv in &read.kvs {
            match keys::resource_of(plane, &kv.key) {
                Some(resource) => {
                    // Objects of types not covered (filtered out, or no longer served) are skipped.
                    if let Some(&i) = index.get(&resource) {
                        items[i].push(item(kv, &types[i])?);
                    }
                }
                None => plane_exists |= *kv.key == *record,
            }
        }
        if !plane_exists {
            return Err(super::plane::plane_not_found(plane));
        }

        let resources = types
            .iter()
            .zip(items)
            .filter(|(_, items)| options.include_empty || !items.is_empty())
            .map(|(rt, items)| ResourceSnapshot {
                group: rt.group.to_string(),
                version: rt.version.to_string(),
                resource: rt.plural.to_string(),
                synced: true,
                item_count: items.len(),
                items,
            })
            .collect();
        Ok(Snapshot {
            cluster: plane.to_string(),
            snapshot_time,
            resource_version: read.revision.to_string(),
            live_resources: types.len(),
            resources,
        })
    }
}

/// The types a snapshot covers, sorted by group then plural (the order of `resources`), one
/// per group and plural (the first version the table lists).
///
/// A name is `plural.group`, or a bare `plural` resolved like kubectl resolves one: the first
/// type in discovery order, so `events` is the core group's (`events.events.k8s.io` names the
/// other).
fn covered_types(table: &KindTable, plane: &PlaneName, names: &[String]) -> ApiResult<Vec<Arc<ResourceType>>> {
    let mut types: Vec<Arc<ResourceType>> = Vec::new();
    let names: Vec<&str> = names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).collect();
    if names.is_empty() {
        types.extend(table.all().iter().filter(|t| listable(t)).cloned());
    }
    for name in names {
        let found = table
            .all()
            .iter()
            .find(|t| t.qualified_plural() == name)
            .or_else(|| table.all().iter().find(|t| t.plural == name))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "the server doesn't have a resource type \"{name}\" in control plane \"{plane}\""
                ))
            })?;
        if !listable(found) {
            return Err(ApiError::bad_request(format!(
                "the resource type \"{name}\" cannot be listed (it only supports create), so it has no snapshot"
            )));
        }
        types.push(found.clone());
    }
    types.sort_by(|a, b| (&a.group, &a.plural).cmp(&(&b.group, &b.plural)));
    types.dedup_by(|a, b| (&a.group, &a.plural) == (&b.group, &b.plural));
    Ok(types)
}

fn listable(rt: &ResourceType) -> bool {
    !rt.create_only && rt.verbs.contains(&"list")
}

/// One stored object as a snapshot item.
fn item(kv: &KeyValue, rt: &ResourceType) -> ApiResult<Value> {
    let mut object = decode(kv)?;
    meta::remove_meta(&mut object, "managedFields");
    if let Some(map) = object.as_object_mut() {
        map.insert("apiVersion".into(), Value::String(rt.api_version()));
        map.insert("kind".into(), Value::String(rt.kind.to_string()));
    }
    Ok(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(types: &[Arc<ResourceType>]) -> Vec<String> {
        types.iter().map(|t| t.qualified_plural()).collect()
    }

    fn cover(plane: &PlaneName, names: &[&str]) -> ApiResult<Vec<Arc<ResourceType>>> {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        covered_types(KindTable::for_plane(plane), plane, &names)
    }

    #[test]
    fn every_listable_type_is_covered_in_group_then_resource_order() {
        let demo = PlaneName::parse("demo").unwrap();
        let all = cover(&demo, &[]).unwrap();
        let listable = KindTable::builtin().all().iter().filter(|t| !t.create_only).count();
        assert_eq!(all.len(), listable);
        assert!(all.iter().all(|t| !t.create_only));
        let keys: Vec<(String, String)> = all.iter().map(|t| (t.group.to_string(), t.plural.to_string())).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(names(&all)[0], "configmaps");
        let root = cover(&PlaneName::root(), &[]).unwrap();
        assert!(names(&root).contains(&"controlplanes.controlplane.kplane.dev".to_string()));
        assert!(!names(&all).contains(&"controlplanes.controlplane.kplane.dev".to_string()));
    }

    #[test]
    fn names_resolve_like_kubectl_and_unknown_ones_are_bad_requests() {
        let demo = PlaneName::parse("demo").unwrap();
        let picked = cover(&demo, &["deployments.apps", " configmaps", "", "configmaps", "events"]).unwrap();
        assert_eq!(names(&picked), ["configmaps", "events", "deployments.apps"]);
        assert_eq!(names(&cover(&demo, &["deployments"]).unwrap()), ["deployments.apps"]);
        assert_eq!(names(&cover(&demo, &["events.events.k8s.io"]).unwrap()), ["events.events.k8s.io"]);
        let unknown = cover(&demo, &["configmaps", "nope"]).unwrap_err();
        assert_eq!(unknown.code, 400);
        assert!(unknown.message.contains("\"nope\""), "{}", unknown.message);
        assert_eq!(cover(&demo, &["controlplanes"]).unwrap_err().code, 400, "only the root plane serves them");
        let review = cover(&demo, &["selfsubjectreviews.authentication.k8s.io"]).unwrap_err();
        assert_eq!(review.code, 400);
    }

    #[test]
    fn items_are_versioned_and_lose_managed_fields() {
        let cm = KindTable::builtin().lookup("", "v1", "configmaps").unwrap();
        let stored = serde_json::json!({"metadata": {"name": "a", "managedFields": [{"manager": "x"}]}, "data": {}});
        let kv = KeyValue {
            key: "/kplane/demo/core/configmaps/default/a".into(),
            value: serde_json::to_vec(&stored).unwrap().into(),
            create_revision: 7,
            mod_revision: 9,
        };
        let object = item(&kv, cm).unwrap();
        assert_eq!(
            object,
            serde_json::json!({
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "a", "resourceVersion": "9"}, "data": {},
            })
        );
    }
}
