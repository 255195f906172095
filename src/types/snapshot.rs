//! The snapshot document (`GET /clusters/<name>/control-plane/snapshot`): every object of one
//! plane as of one revision. The server renders it and the CLI decodes it, so both use these
//! types and the wire shape is written down once.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One plane's objects, consistent at `resource_version`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// The plane's name (`root` for the management plane).
    pub cluster: String,
    /// When the objects were read: RFC 3339 with microseconds, like `metav1.MicroTime`.
    pub snapshot_time: String,
    /// The store revision every item was read at: no item's `resourceVersion` is newer.
    pub resource_version: String,
    /// How many resource types the snapshot covers: the served, listable types that match the
    /// `resource` filter. It is the length `resources` has with `includeEmpty=true`; without
    /// it, types holding no objects are left out of `resources` but still counted here.
    pub live_resources: usize,
    /// Sorted by group, then resource (the core group, `""`, first).
    #[serde(default)]
    pub resources: Vec<ResourceSnapshot>,
}

/// The objects of one resource type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSnapshot {
    /// API group; `""` for the core group.
    pub group: String,
    pub version: String,
    /// The lower-case plural (`configmaps`).
    pub resource: String,
    /// Whether the items are complete for the snapshot's revision. Always true: kplane reads
    /// snapshots from storage at one revision, there is no cache that could still be filling.
    pub synced: bool,
    pub item_count: usize,
    /// Full versioned objects (`apiVersion`, `kind`, `metadata.resourceVersion`) without
    /// `metadata.managedFields`, in namespace/name order.
    #[serde(default)]
    pub items: Vec<Value>,
}

impl Snapshot {
    /// The entry of `resource` (`plural` for the core group, else `plural.group`).
    pub fn resource(&self, name: &str) -> Option<&ResourceSnapshot> {
        self.resources.iter().find(|r| r.qualified_resource() == name)
    }

    /// How many objects the snapshot holds.
    pub fn total_items(&self) -> usize {
        self.resources.iter().map(|r| r.item_count).sum()
    }
}

impl ResourceSnapshot {
    /// `plural` or `plural.group`, how kubectl names a resource.
    pub fn qualified_resource(&self) -> String {
        if self.group.is_empty() { self.resource.clone() } else { format!("{}.{}", self.resource, self.group) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_wire_shape_is_camel_case() {
        let snapshot = Snapshot {
            cluster: "team-alpha".into(),
            snapshot_time: "2026-01-01T00:00:00.000001Z".into(),
            resource_version: "123".into(),
            live_resources: 1,
            resources: vec![ResourceSnapshot {
                group: String::new(),
                version: "v1".into(),
                resource: "configmaps".into(),
                synced: true,
                item_count: 1,
                items: vec![json!({"apiVersion": "v1", "kind": "ConfigMap"})],
            }],
        };
        let wire = serde_json::to_value(&snapshot).unwrap();
        assert_eq!(
            wire,
            json!({
                "cluster": "team-alpha", "snapshotTime": "2026-01-01T00:00:00.000001Z",
                "resourceVersion": "123", "liveResources": 1,
                "resources": [{"group": "", "version": "v1", "resource": "configmaps", "synced": true,
                               "itemCount": 1, "items": [{"apiVersion": "v1", "kind": "ConfigMap"}]}],
            })
        );
        assert_eq!(serde_json::from_value::<Snapshot>(wire).unwrap(), snapshot);
        assert_eq!(snapshot.resource("configmaps").map(|r| r.item_count), Some(1));
        assert_eq!(snapshot.total_items(), 1);
    }
}
