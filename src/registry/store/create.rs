//! POST: create an object with server-owned metadata.

use serde_json::Value;

use super::{Registry, Subresource, Target, WriteOptions, decode_as, encode, namespace};
use crate::registry::error::{ApiError, ApiResult, Cause, from_storage};
use crate::registry::managed::{self, typed::Shape};
use crate::registry::meta;
use crate::registry::validation::validate_object;
use crate::storage;

/// How many fresh `generateName` suffixes to try before giving up (upstream retries too).
const GENERATE_NAME_ATTEMPTS: usize = 8;

impl Registry {
    /// Creates `object` (already decoded and normalised) in `target`.
    pub async fn create(&self, target: &Target, mut object: Value, options: &WriteOptions) -> ApiResult<Value> {
        let rt = &target.rt;
        self.scope_namespace(target, &mut object)?;
        let generate_name = meta::meta_str(&object, "generateName").filter(|g| !g.is_empty()).map(String::from);
        let requested_name = meta::name(&object).map(String::from);
        if requested_name.is_none() && generate_name.is_none() {
            let cause = Cause::required("metadata.name", "name or generateName is required");
            return Err(ApiError::invalid(rt, "", vec![cause]));
        }
        let display_name = requested_name.clone().unwrap_or_default();
        self.check_namespace(target, &display_name).await?;
        reset_server_fields(&mut object);
        if rt.status_subresource {
            // Status is written through /status; a create may not set it.
            if let Some(map) = object.as_object_mut() {
                map.remove("status");
            }
        }
        match (rt.group.as_ref(), rt.plural.as_ref()) {
            ("", "namespaces") => namespace::prepare_new(&mut object),
            // Upstream's pod strategy starts every pod Pending (no scheduler will move it on).
            ("", "pods") => object["status"] = serde_json::json!({"phase": "Pending"}),
            _ => {}
        }

        let attempts = if requested_name.is_some() { 1 } else { GENERATE_NAME_ATTEMPTS };
        for _ in 0..attempts {
            let name = match (&requested_name, &generate_name) {
                (Some(name), _) => name.clone(),
                (None, Some(prefix)) => meta::generated_name(prefix),
                (None, None) => unreachable!("invariant: checked above"),
            };
            meta::set_meta(&mut object, "name", Value::String(name.clone()));
            if super::crd::is_crd(rt) {
                object["status"] = super::crd::crd_status(&object, None);
            }
            if let Some(writer) = options.writer(target, Subresource::Main) {
                managed::record_update(None, &mut object, Shape::of(rt), &writer);
            }
            let causes = validate_object(rt, &object);
            if !causes.is_empty() {
                return Err(ApiError::invalid(rt, &name, causes));
            }
            let value = encode(&object)?;
            if options.dry_run {
                if self.get_kv(target, &name).await?.is_some() {
                    return Err(ApiError::already_exists(rt, &name));
                }
                return Ok(object);
            }
            match self.backend.create(&target.key(&name), value).await {
                Ok(kv) => {
                    self.after_write(target).await?;
                    return decode_as(rt, &kv);
                }
                Err(storage::Error::KeyExists { .. }) if requested_name.is_none() => continue,
                Err(err) => return Err(from_storage(err, rt, &name)),
            }
        }
        let mut err = ApiError::already_exists(rt, generate_name.as_deref().unwrap_or_default());
        err.message.push_str(", the server was not able to generate a unique name for the object");
        Err(err)
    }

    /// Puts the object in the URL's namespace (or none, for cluster-scoped types).
    pub(super) fn scope_namespace(&self, target: &Target, object: &mut Value) -> ApiResult<()> {
        if !target.rt.namespaced {
            meta::remove_meta(object, "namespace");
            return Ok(());
        }
        let Some(url_namespace) = target.namespace.as_deref() else {
            return Err(ApiError::bad_request("a namespace is required to write a namespaced object"));
        };
        match meta::namespace(object) {
            Some(ns) if ns != url_namespace => Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            )),
            _ => {
                meta::set_meta(object, "namespace", Value::String(url_namespace.into()));
                Ok(())
            }
        }
    }
}

/// Drops what clients may not set on create and stamps what the server owns.
fn reset_server_fields(object: &mut Value) {
    let meta = meta::metadata_mut(object);
    for field in ["resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"] {
        meta.remove(field);
    }
    meta.insert("uid".into(), Value::String(meta::new_uid()));
    meta.insert("creationTimestamp".into(), Value::String(meta::now_rfc3339()));
    meta.insert("generation".into(), Value::from(1));
}
