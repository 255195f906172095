//! CustomResourceDefinitions: each plane's custom resources, served from the moment the CRD's
//! write returns.
//!
//! The registry keeps, per plane that has CRDs, a kind table of its compiled-in types plus the
//! custom ones ([`Registry::kinds`]); every CRD write rebuilds it from the plane's stored CRDs
//! before answering, so discovery and OpenAPI (built from the table) already know the new types.
//! A CRD's status is set by the server as it is written: names accepted and `Established`.
//! When a CRD is gone, every object of its resource in that plane is deleted with it.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::{Value, json};

use super::{Registry, Target, decode};
use crate::registry::error::{ApiResult, from_storage};
use crate::registry::keys;
use crate::registry::kind::{KindTable, ResourceType};
use crate::registry::meta;
use crate::storage::RangeOptions;
use crate::types::PlaneName;

const CRD_GROUP: &str = "apiextensions.k8s.io";
const CRD_PLURAL: &str = "customresourcedefinitions";

/// Whether `rt` is the CustomResourceDefinition type.
pub fn is_crd(rt: &ResourceType) -> bool {
    rt.group == CRD_GROUP && rt.plural == CRD_PLURAL
}

/// The status the server gives a CRD: its names accepted, established, its storage version
/// recorded. Transition times are kept from `old` while the conditions hold.
pub fn crd_status(crd: &Value, old: Option<&Value>) -> Value {
    let now = meta::now_rfc3339();
    let since = |ty: &str| {
        let old_conditions = old.and_then(|o| o.pointer("/status/conditions")).and_then(Value::as_array);
        let found = old_conditions.into_iter().flatten().find(|c| c["type"] == ty && c["status"] == "True");
        found.and_then(|c| c.get("lastTransitionTime")).cloned().unwrap_or_else(|| json!(now))
    };
    let versions = crd.pointer("/spec/versions").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut stored: Vec<Value> =
        old.and_then(|o| o.pointer("/status/storedVersions")).and_then(Value::as_array).cloned().unwrap_or_default();
    for version in versions.iter().filter(|v| v["storage"] == true) {
        if !stored.contains(&version["name"]) {
            stored.push(version["name"].clone());
        }
    }
    json!({
        "conditions": [
            {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts",
             "message": "no conflicts found", "lastTransitionTime": since("NamesAccepted")},
            {"type": "Established", "status": "True", "reason": "InitialNamesAccepted",
             "message": "the initial names have been accepted", "lastTransitionTime": since("Established")},
        ],
        "acceptedNames": crd.pointer("/spec/names").cloned().unwrap_or_else(|| json!({})),
        "storedVersions": stored,
    })
}

impl Registry {
    /// The resource types `plane` serves: its compiled-in table, plus its custom resources.
    pub fn kinds(&self, plane: &PlaneName) -> Arc<KindTable> {
        let custom = self.custom_kinds.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        custom.get(plane).cloned().unwrap_or_else(|| KindTable::base(plane).clone())
    }

    /// Builds the tables of every plane that has CRDs (at start: one read of all keys).
    pub async fn load_custom_resources(&self) -> ApiResult<()> {
        let read = self.backend.range(keys::ROOT, RangeOptions::default()).await;
        let read = read.map_err(|e| from_storage(e, self.namespaces_type(), ""))?;
        let marker = format!("/{CRD_GROUP}/{CRD_PLURAL}/");
        let planes: HashSet<PlaneName> =
            read.kvs.iter().filter(|kv| kv.key.contains(&marker)).filter_map(|kv| keys::plane_of(&kv.key)).collect();
        for plane in planes {
            self.refresh_custom_resources(&plane).await?;
        }
        Ok(())
    }

    /// Rebuilds `plane`'s table from its stored CRDs, and deletes the objects of custom
    /// resources no CRD defines any more.
    pub(super) async fn refresh_custom_resources(&self, plane: &PlaneName) -> ApiResult<()> {
        let base = KindTable::base(plane);
        let crd_type = base.lookup(CRD_GROUP, "v1", CRD_PLURAL).expect("invariant: CRDs are built in").clone();
        let prefix = keys::collection_prefix(plane, &crd_type, None);
        let read = self.backend.range(&prefix, RangeOptions::default()).await;
        let read = read.map_err(|e| from_storage(e, &crd_type, ""))?;
        let crds: Vec<Value> = read.kvs.iter().map(decode).collect::<ApiResult<_>>()?;
        let before = self.kinds(plane);
        let table = Arc::new(KindTable::with_custom_resources(base, &crds));
        {
            let mut custom = self.custom_kinds.write().unwrap_or_else(|poisoned| poisoned.into_inner());
            if crds.is_empty() {
                custom.remove(plane);
            } else {
                custom.insert(plane.clone(), table.clone());
            }
        }
        let served: HashSet<(&str, &str)> = table.all().iter().map(|t| (t.group.as_ref(), t.plural.as_ref())).collect();
        for gone in before.all().iter().filter(|t| t.builtin.is_none()) {
            if !served.contains(&(gone.group.as_ref(), gone.plural.as_ref())) {
                let removed = self.backend.delete_prefix(&keys::resource_prefix(plane, gone)).await;
                let removed = removed.map_err(|e| from_storage(e, gone, ""))?;
                tracing::info!(%plane, resource = %gone.qualified_plural(), removed, "deleted the objects of a removed CRD");
            }
        }
        Ok(())
    }

    /// Called after every successful write: CRD writes change what the plane serves.
    pub(super) async fn after_write(&self, target: &Target) -> ApiResult<()> {
        if is_crd(&target.rt) { self.refresh_custom_resources(&target.plane).await } else { Ok(()) }
    }

    /// Forgets a deleted plane's custom resources.
    pub(super) fn forget_custom_resources(&self, plane: &PlaneName) {
        self.custom_kinds.write().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(plane);
    }
}
