//! The `scale` subresource of built-in workloads: an `autoscaling/v1` Scale view of
//! `spec.replicas`, `status.replicas` and the label selector. Writes change only
//! `spec.replicas` of the underlying object.

use serde_json::{Value, json};

use super::patch::PatchType;
use super::{Registry, Target, WriteOptions, decode};
use crate::registry::error::{ApiError, ApiResult};
use crate::registry::meta;

impl Registry {
    /// `GET <resource>/<name>/scale`.
    pub async fn get_scale(&self, target: &Target, name: &str) -> ApiResult<Value> {
        Ok(scale_of(&self.get(target, name).await?))
    }

    /// `PUT <resource>/<name>/scale`: sets `spec.replicas` from a Scale.
    pub async fn update_scale(
        &self,
        target: &Target,
        name: &str,
        scale: &Value,
        options: &WriteOptions,
    ) -> ApiResult<Value> {
        let Some(current) = self.get_kv(target, name).await? else {
            return Err(ApiError::not_found(&target.rt, name));
        };
        let old = decode(&current)?;
        if let Some(wanted) = meta::resource_version(scale)
            && wanted != current.mod_revision.to_string()
        {
            return Err(ApiError::modified(&target.rt, name));
        }
        let replicas = scale["spec"]["replicas"].as_i64().filter(|r| *r >= 0 && *r <= i64::from(i32::MAX));
        let Some(replicas) = replicas else {
            let cause = crate::registry::error::Cause::invalid(
                "spec.replicas",
                &scale["spec"]["replicas"].to_string(),
                "must be a non-negative 32-bit integer",
            );
            let mut err = ApiError::invalid(&target.rt, name, vec![cause]);
            err.message = format!(
                "Scale.autoscaling \"{name}\" is invalid: spec.replicas: must be a non-negative 32-bit integer"
            );
            return Err(err);
        };
        let mut new = old.clone();
        new["spec"]["replicas"] = Value::from(replicas);
        let written = self.write_update(target, name, &old, new, options.dry_run).await?;
        Ok(scale_of(&written.unwrap_or(old)))
    }

    /// `PATCH <resource>/<name>/scale` (merge or JSON patch of the Scale view).
    pub async fn patch_scale(
        &self,
        target: &Target,
        name: &str,
        patch_type: PatchType,
        patch: &Value,
        options: &WriteOptions,
    ) -> ApiResult<Value> {
        let current = self.get_scale(target, name).await?;
        let mut patched = current.clone();
        match patch_type {
            PatchType::Merge | PatchType::Strategic => json_patch::merge(&mut patched, patch),
            PatchType::Json => {
                let ops = super::patch::parse_json_patch(patch)?;
                patched = super::patch::apply_json_patch(&current, &ops, &target.rt, name)?;
            }
            PatchType::Apply => {
                return Err(ApiError::not_implemented(
                    "server-side apply of the scale subresource is not implemented yet; apply the object itself",
                ));
            }
        }
        // The patch was made against the current view; pin it so a concurrent write conflicts.
        if meta::resource_version(&patched).is_none() {
            meta::set_meta(&mut patched, "resourceVersion", current["metadata"]["resourceVersion"].clone());
        }
        self.update_scale(target, name, &patched, options).await
    }
}

/// The Scale view of a workload.
fn scale_of(object: &Value) -> Value {
    let metadata = meta::metadata(object).cloned().unwrap_or_default();
    let keep = ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"];
    let metadata: serde_json::Map<String, Value> =
        metadata.into_iter().filter(|(k, _)| keep.contains(&k.as_str())).collect();
    let mut scale = json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": metadata,
        "spec": {"replicas": object["spec"]["replicas"].as_i64().unwrap_or(1)},
        "status": {"replicas": object["status"]["replicas"].as_i64().unwrap_or(0)},
    });
    if let Some(selector) = selector_string(&object["spec"]["selector"]) {
        scale["status"]["selector"] = Value::String(selector);
    }
    scale
}

/// A `LabelSelector` (or a ReplicationController's plain map) as selector text.
fn selector_string(selector: &Value) -> Option<String> {
    let labels = selector.get("matchLabels").unwrap_or(selector).as_object()?;
    let mut parts: Vec<String> = labels.iter().filter_map(|(k, v)| Some(format!("{k}={}", v.as_str()?))).collect();
    if let Some(expressions) = selector.get("matchExpressions").and_then(Value::as_array) {
        for e in expressions {
            let key = e["key"].as_str()?;
            let values: Vec<&str> =
                e["values"].as_array().map(|v| v.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            parts.push(match e["operator"].as_str()? {
                "In" => format!("{key} in ({})", values.join(",")),
                "NotIn" => format!("{key} notin ({})", values.join(",")),
                "Exists" => key.to_string(),
                "DoesNotExist" => format!("!{key}"),
                _ => continue,
            });
        }
    }
    Some(parts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_view_reads_replicas_and_selector() {
        let deployment = json!({
            "metadata": {"name": "web", "namespace": "default", "resourceVersion": "7", "labels": {"a": "b"}},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]}},
            "status": {"replicas": 2},
        });
        let scale = scale_of(&deployment);
        assert_eq!(scale["spec"]["replicas"], 3);
        assert_eq!(scale["status"], json!({"replicas": 2, "selector": "app=web,tier in (a,b)"}));
        assert_eq!(scale["metadata"], json!({"name": "web", "namespace": "default", "resourceVersion": "7"}));
    }
}
