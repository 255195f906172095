//! The `scale` subresource: an `autoscaling/v1` Scale view of a workload's desired and current
//! replicas and its label selector — `spec.replicas`, `status.replicas` and `spec.selector` of
//! built-in workloads, the paths a CRD's `subresources.scale` names for custom resources
//! ([`ScalePaths`], refused at CRD write unless under `.spec`/`.status`).
//!
//! Custom resources follow upstream's `ScaleREST`: absent paths read as 0 (and no selector); a
//! write sets only the value at the desired-replicas path, creating the objects on the way, and
//! goes through the normal update (the object's schema and CEL rules, `resourceVersion`
//! preconditions, `generation`); a patch that leaves unset desired replicas unset is a 400. A
//! negative Scale is a 422 about the Scale, a non-`int32` one a 400, as upstream decodes it.

use serde_json::{Value, json};

use super::patch::PatchType;
use super::{Registry, Subresource, Target, WriteOptions, decode};
use crate::registry::error::{ApiError, ApiResult, Cause};
use crate::registry::kind::{ResourceType, ScalePaths};
use crate::registry::managed::{self, typed::Shape};
use crate::registry::meta;
use crate::registry::validation::FieldValidation;

impl Registry {
    /// `GET <resource>/<name>/scale`.
    pub async fn get_scale(&self, target: &Target, name: &str) -> ApiResult<Value> {
        Ok(scale_of(&target.rt, &self.get(target, name).await?))
    }

    /// `PUT <resource>/<name>/scale`: sets the desired replicas from a Scale.
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
        let replicas = desired_replicas(&target.rt, scale, name)?;
        let mut new = old.clone();
        set_path(&mut new, &spec_replicas_path(&target.rt), Value::from(replicas));
        if let Some(writer) = options.writer(target, Subresource::Scale) {
            managed::record_update(Some(&old), &mut new, Shape::of(&target.rt), &writer);
        }
        let causes = crate::registry::validation::validate_update(&target.rt, &old, &new);
        if !causes.is_empty() {
            return Err(ApiError::invalid(&target.rt, name, causes));
        }
        let written = self.write_update(target, name, &old, new, options.dry_run).await?;
        Ok(scale_of(&target.rt, &written.unwrap_or(old)))
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
        super::patch::check_force(patch_type, options)?;
        let object = self.get(target, name).await?;
        let mut current = scale_of(&target.rt, &object);
        // Like upstream, a custom resource without desired replicas yet shows a patch a value no
        // Scale can have, so that a patch which does not set them is refused rather than
        // writing the 0 a read shows.
        if let Some(paths) = custom_paths(&target.rt)
            && get_path(&object, &paths.spec_replicas).is_none()
        {
            current["spec"]["replicas"] = Value::from(UNSET_REPLICAS);
        }
        let mut patched = current.clone();
        match patch_type {
            PatchType::Merge | PatchType::Strategic => json_patch::merge(&mut patched, patch),
            PatchType::Json => {
                let ops = super::patch::parse_json_patch(patch)?;
                patched = super::patch::apply_json_patch(&current, &ops, &target.rt, name)?;
            }
            PatchType::Apply => return self.apply_scale(target, name, patch, options).await,
        }
        if patched["spec"]["replicas"] == UNSET_REPLICAS {
            let path = spec_replicas_path(&target.rt);
            return Err(ApiError::bad_request(format!("the spec replicas field \"{path}\" cannot be empty")));
        }
        // The patch was made against the current view; pin it so a concurrent write conflicts.
        if meta::resource_version(&patched).is_none() {
            meta::set_meta(&mut patched, "resourceVersion", current["metadata"]["resourceVersion"].clone());
        }
        self.update_scale(target, name, &patched, options).await
    }

    /// `PATCH <resource>/<name>/scale` with an apply configuration: a Scale whose
    /// `spec.replicas` is applied as the object's desired replicas, owned by the manager with
    /// subresource `scale` (upstream maps the Scale's fields onto the object's the same way).
    async fn apply_scale(
        &self,
        target: &Target,
        name: &str,
        config: &Value,
        options: &WriteOptions,
    ) -> ApiResult<Value> {
        let rt = &target.rt;
        if config["apiVersion"] != "autoscaling/v1" || config["kind"] != "Scale" {
            return Err(ApiError::bad_request("an apply configuration for /scale must be an autoscaling/v1 Scale"));
        }
        let replicas = config["spec"]["replicas"].as_i64().filter(|r| (0..=i64::from(i32::MAX)).contains(r));
        let Some(replicas) = replicas else {
            let shown = config["spec"]["replicas"].to_string();
            let cause = Cause::invalid("spec.replicas", &shown, "must be a non-negative 32-bit integer");
            return Err(ApiError::invalid(rt, name, vec![cause]));
        };
        let mut object = json!({"apiVersion": rt.api_version(), "kind": rt.kind, "metadata": {"name": name}});
        if let Some(rv) = meta::resource_version(config) {
            meta::set_meta(&mut object, "resourceVersion", Value::String(rv.into()));
        }
        set_path(&mut object, &spec_replicas_path(rt), Value::from(replicas));
        let applied = self.apply(target, name, &object, Subresource::Scale, FieldValidation::Strict, options).await?;
        Ok(scale_of(rt, &applied.object))
    }
}

/// What a patch of a custom resource's Scale starts from when the resource has no desired
/// replicas: upstream's marker, the smallest `int32`.
const UNSET_REPLICAS: i64 = i32::MIN as i64;

/// A Scale's `spec.replicas`, checked as upstream decodes (a 32-bit integer, else 400) and
/// validates (not negative, else 422) it.
fn desired_replicas(rt: &ResourceType, scale: &Value, name: &str) -> ApiResult<i64> {
    let replicas = &scale["spec"]["replicas"];
    let replicas = match replicas {
        // An absent field decodes as 0, as upstream's typed Scale has it.
        Value::Null => 0,
        other => other.as_i64().filter(|r| i32::try_from(*r).is_ok()).ok_or_else(|| {
            ApiError::bad_request(format!(
                "Scale in version \"v1\" cannot be handled as a Scale: spec.replicas: {other} is not a 32-bit integer"
            ))
        })?,
    };
    if replicas < 0 {
        let cause = Cause::invalid_value("spec.replicas", &Value::from(replicas), "must be greater than or equal to 0");
        // The Scale is what is invalid, not the object behind it.
        let mut err = ApiError::invalid(rt, name, vec![cause]);
        err.message = format!(
            "Scale.autoscaling \"{name}\" is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0"
        );
        if let Some(details) = err.details.as_mut() {
            (details.group, details.kind) = ("autoscaling".into(), "Scale".into());
        }
        return Err(err);
    }
    Ok(replicas)
}

/// The Scale view of a workload.
fn scale_of(rt: &ResourceType, object: &Value) -> Value {
    let metadata = meta::metadata(object).cloned().unwrap_or_default();
    let keep = ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"];
    let metadata: serde_json::Map<String, Value> =
        metadata.into_iter().filter(|(k, _)| keep.contains(&k.as_str())).collect();
    let (desired, current, selector) = match custom_paths(rt) {
        // Upstream reads absent custom paths as 0 and an absent selector as none.
        Some(paths) => (
            get_path(object, &paths.spec_replicas).and_then(Value::as_i64).unwrap_or(0),
            get_path(object, &paths.status_replicas).and_then(Value::as_i64).unwrap_or(0),
            paths.label_selector.as_deref().and_then(|p| get_path(object, p)).and_then(Value::as_str).map(String::from),
        ),
        // A built-in workload defaults to one replica.
        None => (
            object["spec"]["replicas"].as_i64().unwrap_or(1),
            object["status"]["replicas"].as_i64().unwrap_or(0),
            selector_string(&object["spec"]["selector"]),
        ),
    };
    let mut scale = json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": metadata,
        "spec": {"replicas": desired},
        "status": {"replicas": current},
    });
    if let Some(selector) = selector {
        scale["status"]["selector"] = Value::String(selector);
    }
    scale
}

fn custom_paths(rt: &ResourceType) -> Option<&ScalePaths> {
    rt.custom.as_ref()?.scale.as_ref()
}

fn spec_replicas_path(rt: &ResourceType) -> String {
    custom_paths(rt).map_or_else(|| ".spec.replicas".into(), |paths| paths.spec_replicas.clone())
}

/// The value at a dotted path (`.status.replicas`).
fn get_path<'v>(object: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').filter(|step| !step.is_empty()).try_fold(object, |node, step| node.get(step))
}

/// Sets the value at a dotted path, making the objects on the way.
fn set_path(object: &mut Value, path: &str, value: Value) {
    let steps: Vec<&str> = path.split('.').filter(|step| !step.is_empty()).collect();
    let Some((last, parents)) = steps.split_last() else { return };
    let mut node = object;
    for step in parents {
        if !node.get(*step).is_some_and(Value::is_object) {
            node[*step] = json!({});
        }
        node = &mut node[*step];
    }
    node[*last] = value;
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
        let scale = scale_of(
            crate::registry::kind::KindTable::builtin().lookup("apps", "v1", "deployments").unwrap(),
            &deployment,
        );
        assert_eq!(scale["spec"]["replicas"], 3);
        assert_eq!(scale["status"], json!({"replicas": 2, "selector": "app=web,tier in (a,b)"}));
        assert_eq!(scale["metadata"], json!({"name": "web", "namespace": "default", "resourceVersion": "7"}));
    }

    #[test]
    fn desired_replicas_are_a_non_negative_int32_as_upstream_decodes_and_validates_them() {
        let rt = crate::registry::kind::KindTable::builtin().lookup("apps", "v1", "deployments").unwrap();
        let replicas = |value: Value| desired_replicas(rt, &json!({"spec": {"replicas": value}}), "web");
        assert_eq!(replicas(json!(3)).unwrap(), 3);
        assert_eq!(replicas(Value::Null).unwrap(), 0, "absent decodes as 0");
        let negative = replicas(json!(-1)).unwrap_err();
        assert_eq!(negative.code, 422);
        assert_eq!(
            negative.message,
            "Scale.autoscaling \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
        assert_eq!(negative.details.as_ref().unwrap().kind, "Scale");
        assert_eq!(replicas(json!(i64::from(i32::MAX) + 1)).unwrap_err().code, 400);
        assert_eq!(replicas(json!("three")).unwrap_err().code, 400);
    }

    #[test]
    fn custom_resources_scale_at_their_crds_paths() {
        let crd = json!({"spec": {"group": "example.com", "names": {"plural": "pools", "kind": "Pool"},
            "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"scale": {
                "specReplicasPath": ".spec.size", "statusReplicasPath": ".status.ready",
                "labelSelectorPath": ".status.selector"}}}]}});
        let rt = &crate::registry::kind::custom_types(&crd)[0];
        assert!(rt.scale_subresource);
        let pool = json!({"metadata": {"name": "p"}, "spec": {"size": 4}, "status": {"ready": 2, "selector": "app=p"}});
        let scale = scale_of(rt, &pool);
        assert_eq!(scale["spec"]["replicas"], 4);
        assert_eq!(scale["status"], json!({"replicas": 2, "selector": "app=p"}));
        assert_eq!(scale_of(rt, &json!({"metadata": {"name": "p"}}))["spec"]["replicas"], 0);
        let mut empty = json!({"metadata": {"name": "p"}});
        set_path(&mut empty, &spec_replicas_path(rt), json!(7));
        assert_eq!(empty["spec"], json!({"size": 7}));
    }
}
