//! Namespace lifecycle: new namespaces get the `kubernetes` finalizer and phase `Active`;
//! deleting one marks it `Terminating`, after which its content is deleted (respecting each
//! object's finalizers) and the namespace goes once both finalizer lists are empty. Upstream
//! splits this between admission and kube-controller-manager; here the controller module
//! drives [`Registry::finish_namespace`] whenever a namespace is terminating.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::{Registry, Target, decode};
use crate::registry::error::ApiResult;
use crate::registry::keys;
use crate::registry::meta;
use crate::types::PlaneName;

/// The finalizer the namespace controller owns (upstream's `FinalizerKubernetes`).
pub const NAMESPACE_FINALIZER: &str = "kubernetes";

/// A fresh system namespace.
pub fn new_namespace(name: &str, created: &str) -> Value {
    let mut object = json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name, "uid": meta::new_uid(), "creationTimestamp": created},
    });
    prepare_new(&mut object);
    object
}

/// What every new namespace gets: its name label, the finalizer and phase `Active`.
pub fn prepare_new(object: &mut Value) {
    let name = meta::name(object).unwrap_or_default().to_string();
    let metadata = meta::metadata_mut(object);
    let labels = metadata.entry("labels").or_insert_with(|| json!({}));
    if let Some(labels) = labels.as_object_mut() {
        labels.insert("kubernetes.io/metadata.name".into(), Value::String(name));
    }
    object["spec"] = json!({"finalizers": [NAMESPACE_FINALIZER]});
    object["status"] = json!({"phase": "Active"});
}

/// Marks a namespace object as terminating (the DELETE of a namespace).
pub fn mark_terminating(object: &mut Value) {
    if !meta::is_deleting(object) {
        meta::set_meta(object, "deletionTimestamp", Value::String(meta::now_rfc3339()));
    }
    object["status"]["phase"] = Value::String("Terminating".into());
}

impl Registry {
    /// Records that a namespace began terminating and wakes the namespace controller.
    pub(super) fn namespace_terminating(&self, plane: &PlaneName, namespace: &str) {
        if let Some(set) = self.terminating_set().as_mut() {
            set.insert((plane.clone(), namespace.to_string()));
        }
        self.namespace_deleted.notify_one();
    }

    fn terminating_set(&self) -> std::sync::MutexGuard<'_, Option<BTreeSet<(PlaneName, String)>>> {
        self.terminating.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every terminating namespace of every plane. The first call scans storage (to pick up
    /// namespaces a restart interrupted); later calls read the set kept up to date by deletes.
    pub async fn terminating_namespaces(&self) -> ApiResult<BTreeSet<(PlaneName, String)>> {
        if let Some(set) = self.terminating_set().as_ref() {
            return Ok(set.clone());
        }
        let all = self.backend.range(keys::ROOT, Default::default()).await;
        let all = all.map_err(|e| crate::registry::error::from_storage(e, self.namespaces_type(), ""))?;
        let mut found = BTreeSet::new();
        for kv in &all.kvs {
            let parts: Vec<&str> = kv.key.split('/').collect();
            let ["", "kplane", plane, "core", "namespaces", name] = parts.as_slice() else { continue };
            if meta::is_deleting(&decode(kv)?)
                && let Ok(plane) = PlaneName::parse(plane)
            {
                found.insert((plane, name.to_string()));
            }
        }
        let mut guard = self.terminating_set();
        let set = guard.get_or_insert_with(BTreeSet::new);
        set.extend(found);
        Ok(set.clone())
    }

    fn forget_terminating(&self, plane: &PlaneName, namespace: &str) {
        if let Some(set) = self.terminating_set().as_mut() {
            set.remove(&(plane.clone(), namespace.to_string()));
        }
    }

    /// Resolves when a namespace starts terminating (for the namespace controller).
    pub async fn namespace_deletions(&self) {
        self.namespace_deleted.notified().await
    }

    /// Deletes what is left in a terminating namespace, then the namespace itself.
    /// Returns true when the namespace is gone.
    pub async fn finish_namespace(&self, plane: &PlaneName, namespace: &str) -> ApiResult<bool> {
        let ns_target = Target { plane: plane.clone(), rt: self.namespaces_type().clone(), namespace: None };
        let Some(kv) = self.get_kv(&ns_target, namespace).await? else {
            self.forget_terminating(plane, namespace);
            return Ok(true);
        };
        let mut object = decode(&kv)?;
        if !meta::is_deleting(&object) {
            self.forget_terminating(plane, namespace);
            return Ok(true);
        }
        let mut remaining = BTreeSet::new();
        for rt in self.kinds(plane).all().iter().filter(|rt| rt.namespaced) {
            let target = Target { plane: plane.clone(), rt: rt.clone(), namespace: Some(namespace.into()) };
            let prefix = keys::collection_prefix(plane, rt, Some(namespace));
            let range = self.backend.range(&prefix, Default::default()).await;
            let range = range.map_err(|e| crate::registry::error::from_storage(e, rt, namespace))?;
            for kv in range.kvs {
                let name = kv.key.rsplit('/').next().unwrap_or_default().to_string();
                // Deleting respects the object's finalizers: it may only be marked.
                match self.delete(&target, &name, &Default::default()).await {
                    Ok(outcome) if outcome.deleted => {}
                    Ok(_) => {
                        remaining.insert(rt.qualified_plural());
                    }
                    Err(err) if err.code == 404 => {}
                    Err(err) => {
                        tracing::warn!(%plane, namespace, resource = %rt.plural, name, error = %err, "namespace cleanup");
                        remaining.insert(rt.qualified_plural());
                    }
                }
            }
        }
        if !remaining.is_empty() {
            let message =
                format!("Some resources are remaining: {}", remaining.into_iter().collect::<Vec<_>>().join(", "));
            // Write the condition only when it says something new: retries must not churn.
            let current = &object["status"]["conditions"][0];
            if current["type"] != "NamespaceContentRemaining" || current["message"] != message.as_str() {
                object["status"]["conditions"] = json!([{
                    "type": "NamespaceContentRemaining", "status": "True",
                    "reason": "SomeResourcesRemain", "message": message,
                    "lastTransitionTime": meta::now_rfc3339(),
                }]);
                let _ = self.update_stored(&ns_target, namespace, object, kv.mod_revision).await;
            }
            return Ok(false);
        }
        // Content is gone: drop our finalizer (upstream's `finalize` call), then the object.
        object["spec"]["finalizers"] = json!([]);
        let outcome = self.update_stored(&ns_target, namespace, object, kv.mod_revision).await?;
        if outcome.is_none() {
            self.forget_terminating(plane, namespace);
        }
        Ok(outcome.is_none())
    }
}

/// Used by delete to tell namespace deletes apart.
pub fn is_namespace(target: &Target) -> bool {
    target.rt.group.is_empty() && target.rt.plural == "namespaces"
}

/// Spec finalizers of a namespace (the `kubernetes` one lives there, not in metadata).
pub fn spec_finalizers(object: &Value) -> Vec<String> {
    object["spec"]["finalizers"]
        .as_array()
        .map(|l| l.iter().filter_map(|f| f.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

impl Registry {
    /// `PUT namespaces/<name>/finalize`: replaces only `spec.finalizers` (how the namespace
    /// controller, or a user clearing a stuck namespace, releases it).
    pub async fn finalize_namespace(
        &self,
        target: &Target,
        name: &str,
        object: Value,
        options: &super::WriteOptions,
    ) -> ApiResult<Value> {
        let Some(current) = self.get_kv(target, name).await? else {
            return Err(crate::registry::error::ApiError::not_found(&target.rt, name));
        };
        let old = decode(&current)?;
        let mut new = old.clone();
        new["spec"]["finalizers"] = object["spec"]["finalizers"].clone();
        if new["spec"]["finalizers"].is_null() {
            new["spec"]["finalizers"] = json!([]);
        }
        let written = self.write_update(target, name, &old, new, options.dry_run).await?;
        Ok(written.unwrap_or(old))
    }
}
