//! PATCH with `application/apply-patch+yaml`: server-side apply. The field ownership rules
//! live in [`crate::registry::managed`]; this is the request around them: the checks upstream
//! makes of an apply, create-on-apply, and the optimistic retry of the write.

use serde_json::Value;

use super::patch::Patched;
use super::update::{Subresource, merge_for_update};
use super::{Registry, Target, WriteOptions, decode_as};
use crate::registry::error::{ApiError, ApiResult};
use crate::registry::managed::{self, typed::Shape};
use crate::registry::meta;
use crate::registry::validation::{FieldValidation, prepare_body};

/// Attempts when the object changes between read and write (as for other patches).
const APPLY_ATTEMPTS: usize = 64;

impl Registry {
    /// Applies `config` to the object `name` (creating it when missing) as `options`'
    /// field manager.
    pub(super) async fn apply(
        &self,
        target: &Target,
        name: &str,
        config: &Value,
        subresource: Subresource,
        validation: FieldValidation,
        options: &WriteOptions,
    ) -> ApiResult<Patched> {
        let rt = &target.rt;
        let Some(writer) = options.writer(target, subresource).filter(|w| !w.manager.is_empty()) else {
            return Err(ApiError::invalid_options(
                "PatchOptions",
                "fieldManager",
                "Required value: is required for apply patch",
            ));
        };
        if !config.is_object() {
            return Err(ApiError::bad_request("an apply patch must be a YAML or JSON object"));
        }
        // Unlike other bodies, an apply configuration must say what it is (as upstream's does).
        for field in ["apiVersion", "kind"] {
            if config.get(field).and_then(Value::as_str).is_none_or(str::is_empty) {
                return Err(ApiError::bad_request(format!("{field} must be set in an apply configuration")));
            }
        }
        if let Some(sent) = meta::name(config).filter(|sent| *sent != name) {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({sent}) does not match the name on the URL ({name})"
            )));
        }
        let mut config = config.clone();
        self.scope_namespace(target, &mut config)?;
        let shape = Shape::of(rt);
        for _ in 0..APPLY_ATTEMPTS {
            let Some(current) = self.get_kv(target, name).await? else {
                // Only the object itself is created by an apply; its subresources need it first.
                if subresource != Subresource::Main {
                    return Err(ApiError::not_found(rt, name));
                }
                let mut new = managed::apply(None, &config, shape, &writer, options.force, |merged| merged)?;
                meta::set_meta(&mut new, "name", Value::String(name.into()));
                let prepared = prepare_body(rt, new, validation)?;
                // The entries are made: the create must not record an update on top.
                let create_options = WriteOptions { field_manager: None, ..options.clone() };
                match self.create(target, prepared.object, &create_options).await {
                    Ok(object) => return Ok(Patched { object, warnings: prepared.warnings, created: true }),
                    // Someone created it in between: apply to theirs.
                    Err(err) if err.code == 409 && err.reason == "AlreadyExists" => continue,
                    Err(err) => return Err(err),
                }
            };
            let old = decode_as(rt, &current)?;
            if meta::resource_version(&config).is_some_and(|rv| rv != current.mod_revision.to_string()) {
                return Err(ApiError::modified(rt, name));
            }
            let reset = |merged| merge_for_update(target, &old, merged, subresource);
            let mut new = managed::apply(Some(&old), &config, shape, &writer, options.force, reset)?;
            meta::set_meta(&mut new, "name", Value::String(name.into()));
            let prepared = prepare_body(rt, new, validation)?;
            if let Some(object) = self.write_patched(target, name, old, prepared.object, options.dry_run).await? {
                return Ok(Patched { object, warnings: prepared.warnings, created: false });
            }
        }
        Err(ApiError::modified(rt, name))
    }
}
