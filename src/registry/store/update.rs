//! PUT, and the write step shared by update, patch and delete: optimistic concurrency,
//! immutable metadata, `generation`, and "finalizers gone ⇒ object gone".

use serde_json::Value;

use super::{Registry, Target, WriteOptions, decode_as, encode, namespace, revision_of};
use crate::registry::error::{ApiError, ApiResult, from_storage};
use crate::registry::managed::{self, typed::Shape};
use crate::registry::meta;

/// Which part of an object a write may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subresource {
    /// The main resource: everything but `status` (when the type has a status subresource).
    Main,
    /// `/status`: only `status`.
    Status,
    /// `/scale`: the desired replicas, written through the Scale view.
    Scale,
}

/// Metadata only the server sets; a write keeps the stored values.
const IMMUTABLE_METADATA: &[&str] =
    &["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "name", "namespace"];

impl Registry {
    /// Replaces an object. The body's `resourceVersion`, when set, must be the current one.
    pub async fn update(
        &self,
        target: &Target,
        name: &str,
        mut object: Value,
        subresource: Subresource,
        options: &WriteOptions,
    ) -> ApiResult<Value> {
        match meta::name(&object) {
            Some(body_name) if body_name != name => {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({body_name}) does not match the name on the URL ({name})"
                )));
            }
            _ => meta::set_meta(&mut object, "name", Value::String(name.into())),
        }
        self.scope_namespace(target, &mut object)?;
        let Some(current) = self.get_kv(target, name).await? else {
            return Err(ApiError::not_found(&target.rt, name));
        };
        let old = decode_as(&target.rt, &current)?;
        if let Some(wanted) = meta::resource_version(&object)
            && wanted != current.mod_revision.to_string()
        {
            return Err(ApiError::modified(&target.rt, name));
        }
        let mut new = merge_for_update(target, &old, object, subresource);
        if let Some(writer) = options.writer(target, subresource) {
            managed::record_update(Some(&old), &mut new, Shape::of(&target.rt), &writer);
        }
        let causes = crate::registry::validation::validate_update(&target.rt, &old, &new);
        if !causes.is_empty() {
            return Err(ApiError::invalid(&target.rt, name, causes));
        }
        let written = self.write_update(target, name, &old, new, options.dry_run).await?;
        Ok(written.unwrap_or(old))
    }

    /// Writes `new` over `old` if `old` is still current. Returns `None` when the write
    /// removed the object (it was being deleted and lost its last finalizer).
    pub(super) async fn write_update(
        &self,
        target: &Target,
        name: &str,
        old: &Value,
        mut new: Value,
        dry_run: bool,
    ) -> ApiResult<Option<Value>> {
        let expected = revision_of(old).ok_or_else(|| ApiError::internal("stored object has no revision"))?;
        if meta::is_deleting(&new) && meta::finalizers(&new).is_empty() {
            let spec_pending = namespace::is_namespace(target) && !namespace::spec_finalizers(&new).is_empty();
            if !spec_pending {
                if dry_run {
                    return Ok(None);
                }
                let deleted = self.backend.delete(&target.key(name), expected).await;
                deleted.map_err(|e| from_storage(e, &target.rt, name))?;
                self.after_write(target).await?;
                return Ok(None);
            }
        }
        if super::crd::is_crd(&target.rt) {
            // The server owns a CRD's status: recomputed on every write, whatever was sent.
            new["status"] = super::crd::crd_status(&new, Some(old));
        }
        if meta::comparable(old) == meta::comparable(&new) {
            return Ok(Some(old.clone()));
        }
        // Callers that bump on purpose (the deletion mark) set a higher generation already.
        let bumped = meta::generation(old) + i64::from(meta::spec_changed(old, &new));
        let generation = bumped.max(meta::generation(&new));
        meta::set_meta(&mut new, "generation", Value::from(generation.max(1)));
        let value = encode(&new)?;
        if dry_run {
            return Ok(Some(new));
        }
        let written = self.backend.update(&target.key(name), value, expected).await;
        let written = decode_as(&target.rt, &written.map_err(|e| from_storage(e, &target.rt, name))?)?;
        self.after_write(target).await?;
        Ok(Some(written))
    }

    /// Writes an object the registry itself changed (controllers), at a known revision.
    pub(super) async fn update_stored(
        &self,
        target: &Target,
        name: &str,
        mut new: Value,
        expected: i64,
    ) -> ApiResult<Option<Value>> {
        let Some(current) = self.get_kv(target, name).await? else {
            return Ok(None);
        };
        if current.mod_revision != expected {
            return Err(ApiError::modified(&target.rt, name));
        }
        let old = decode_as(&target.rt, &current)?;
        meta::set_meta(&mut new, "resourceVersion", Value::String(expected.to_string()));
        self.write_update(target, name, &old, new, false).await
    }
}

/// The object a write stores: the new content, with server-owned metadata (and, depending on
/// the subresource, `status` or everything else) taken from the stored object.
pub(super) fn merge_for_update(target: &Target, old: &Value, new: Value, subresource: Subresource) -> Value {
    let mut merged = match subresource {
        Subresource::Status => {
            let mut merged = old.clone();
            match new.get("status") {
                Some(status) => merged["status"] = status.clone(),
                None => {
                    if let Some(map) = merged.as_object_mut() {
                        map.remove("status");
                    }
                }
            }
            merged
        }
        Subresource::Main | Subresource::Scale => {
            let mut merged = new;
            if target.rt.status_subresource {
                match old.get("status") {
                    Some(status) => merged["status"] = status.clone(),
                    None => {
                        if let Some(map) = merged.as_object_mut() {
                            map.remove("status");
                        }
                    }
                }
            }
            if namespace::is_namespace(target) {
                // Spec finalizers change only through /finalize (the namespace controller).
                merged["spec"] = old.get("spec").cloned().unwrap_or(Value::Null);
            }
            merged
        }
    };
    let old_meta = meta::metadata(old).cloned().unwrap_or_default();
    let new_meta = meta::metadata_mut(&mut merged);
    for field in IMMUTABLE_METADATA {
        match old_meta.get(*field) {
            Some(value) => new_meta.insert((*field).into(), value.clone()),
            None => new_meta.remove(*field),
        };
    }
    // A client unaware of `managedFields` (it sent none, or `[]`) never drops them.
    let sent_managers = new_meta.get("managedFields").and_then(Value::as_array).is_some_and(|m| !m.is_empty());
    match old_meta.get("managedFields") {
        Some(managers) if !sent_managers => new_meta.insert("managedFields".into(), managers.clone()),
        _ => None,
    };
    merged
}
