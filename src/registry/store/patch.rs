//! PATCH: JSON patch, JSON merge patch and strategic merge patch, applied to the stored
//! object and written like an update (retried when another writer got there first, unless
//! the patch itself pins a `resourceVersion`); server-side apply in [`super::apply`].

use serde_json::Value;

use super::update::{Subresource, merge_for_update};
use super::{Registry, Target, WriteOptions, decode_as};
use crate::registry::error::{ApiError, ApiResult};
use crate::registry::managed::{self, typed::Shape};
use crate::registry::meta;
use crate::registry::validation::{FieldValidation, prepare_body, validate_update};

/// Upstream's cap on JSON patch operations.
const MAX_JSON_PATCH_OPERATIONS: usize = 10_000;
/// Attempts when the object changes between read and write. Upstream retries until the
/// write lands; a hot object (a Fleet whose controller writes status while clients label it)
/// can lose several races in a row, so the bound is only a guard against livelock.
const PATCH_ATTEMPTS: usize = 64;

/// The patch formats, by request `Content-Type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    Json,
    Merge,
    Strategic,
    Apply,
}

impl PatchType {
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        match content_type.split(';').next().unwrap_or("").trim() {
            "application/json-patch+json" => Some(Self::Json),
            "application/merge-patch+json" => Some(Self::Merge),
            "application/strategic-merge-patch+json" => Some(Self::Strategic),
            "application/apply-patch+yaml" | "application/apply-patch+cbor" => Some(Self::Apply),
            _ => None,
        }
    }
}

/// The media types a PATCH accepts, for 415 messages.
pub const PATCH_MEDIA_TYPES: &str = "application/json-patch+json, application/merge-patch+json, \
     application/apply-patch+yaml, application/strategic-merge-patch+json";

/// What a PATCH did.
#[derive(Debug)]
pub struct Patched {
    pub object: Value,
    pub warnings: Vec<String>,
    /// The object did not exist and a server-side apply created it (answered with 201).
    pub created: bool,
}

impl Registry {
    /// Applies `patch` to the object `name`.
    #[allow(clippy::too_many_arguments)]
    pub async fn patch(
        &self,
        target: &Target,
        name: &str,
        patch_type: PatchType,
        patch: &Value,
        subresource: Subresource,
        validation: FieldValidation,
        options: &WriteOptions,
    ) -> ApiResult<Patched> {
        let rt = &target.rt;
        if patch_type == PatchType::Apply {
            return self.apply(target, name, patch, subresource, validation, options).await;
        }
        check_force(patch_type, options)?;
        if patch_type == PatchType::Strategic && rt.builtin.is_none() {
            return Err(ApiError::unsupported_media_type(format!(
                "application/strategic-merge-patch+json is not supported by {}, Kind={}: the body of the request \
                 was in an unknown format - accepted media types include: application/json-patch+json, \
                 application/merge-patch+json, application/apply-patch+yaml",
                rt.api_version(),
                rt.kind
            )));
        }
        let json_patch = match patch_type {
            PatchType::Json => Some(parse_json_patch(patch)?),
            _ => None,
        };
        for _ in 0..PATCH_ATTEMPTS {
            let Some(current) = self.get_kv(target, name).await? else {
                return Err(ApiError::not_found(rt, name));
            };
            let old = decode_as(rt, &current)?;
            let patched = match (&json_patch, patch_type) {
                (Some(ops), _) => apply_json_patch(&old, ops, rt, name)?,
                (None, PatchType::Merge) => apply_merge_patch(&old, patch)?,
                (None, _) => apply_strategic(&old, patch, target)?,
            };
            // The patched object carries the stored revision unless the patch set another one:
            // a patch pinned to a revision that is no longer current is a conflict.
            if meta::resource_version(&patched).is_some_and(|rv| rv != current.mod_revision.to_string()) {
                return Err(ApiError::modified(rt, name));
            }
            let prepared = prepare_body(rt, patched, validation)?;
            let mut new = merge_for_update(target, &old, prepared.object, subresource);
            meta::set_meta(&mut new, "name", Value::String(name.into()));
            if let Some(writer) = options.writer(target, subresource) {
                managed::record_update(Some(&old), &mut new, Shape::of(rt), &writer);
            }
            // None: someone wrote in between; re-read and re-apply (a pinned patch then fails
            // the revision check above, as upstream's does).
            if let Some(object) = self.write_patched(target, name, old, new, options.dry_run).await? {
                return Ok(Patched { object, warnings: prepared.warnings, created: false });
            }
        }
        Err(ApiError::modified(rt, name))
    }

    /// The last step of a patch or an apply: `new` validated as an update of `old` and written.
    /// `None` when another writer got there first: the caller reads again and redoes its work.
    pub(super) async fn write_patched(
        &self,
        target: &Target,
        name: &str,
        old: Value,
        new: Value,
        dry_run: bool,
    ) -> ApiResult<Option<Value>> {
        let causes = validate_update(&target.rt, &old, &new);
        if !causes.is_empty() {
            return Err(ApiError::invalid(&target.rt, name, causes));
        }
        match self.write_update(target, name, &old, new, dry_run).await {
            Ok(written) => Ok(Some(written.unwrap_or(old))),
            Err(err) if err.code == 409 && err.reason == "Conflict" => Ok(None),
            Err(err) => Err(err),
        }
    }
}

/// `force` belongs to server-side apply; upstream refuses it on any other patch.
pub(super) fn check_force(patch_type: PatchType, options: &WriteOptions) -> ApiResult<()> {
    if options.force && patch_type != PatchType::Apply {
        let message = "Forbidden: may not be specified for non-apply patch";
        return Err(ApiError::invalid_options("PatchOptions", "force", message));
    }
    Ok(())
}

pub(super) fn parse_json_patch(patch: &Value) -> ApiResult<json_patch::Patch> {
    let ops =
        patch.as_array().ok_or_else(|| ApiError::bad_request("a JSON patch must be a JSON array of operations"))?;
    if ops.len() > MAX_JSON_PATCH_OPERATIONS {
        return Err(ApiError::too_large(format!(
            "the allowed maximum operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS}, got {}",
            ops.len()
        )));
    }
    serde_json::from_value(patch.clone()).map_err(|err| ApiError::bad_request(format!("invalid JSON patch: {err}")))
}

pub(super) fn apply_json_patch(
    old: &Value,
    ops: &json_patch::Patch,
    rt: &crate::registry::kind::ResourceType,
    name: &str,
) -> ApiResult<Value> {
    let mut doc = old.clone();
    // Upstream's JSON patch library lets `test` of a missing path against `null` pass;
    // kube-rs' finalizer helper relies on it (`test /metadata/finalizers == null`).
    let ops: Vec<json_patch::PatchOperation> = ops
        .0
        .iter()
        .filter(|op| match op {
            json_patch::PatchOperation::Test(test) => {
                !(test.value.is_null() && doc.pointer(test.path.as_str()).is_none())
            }
            _ => true,
        })
        .cloned()
        .collect();
    json_patch::patch(&mut doc, &ops).map_err(|err| {
        let cause = crate::registry::error::Cause {
            reason: "FieldValueInvalid".into(),
            message: err.to_string(),
            field: String::new(),
        };
        let mut invalid = ApiError::invalid(rt, name, vec![cause]);
        invalid.message = format!("the server rejected our request due to an error in our request: {err}");
        invalid
    })?;
    Ok(doc)
}

fn apply_merge_patch(old: &Value, patch: &Value) -> ApiResult<Value> {
    if !patch.is_object() {
        return Err(ApiError::bad_request("a merge patch must be a JSON object"));
    }
    let mut doc = old.clone();
    json_patch::merge(&mut doc, patch);
    Ok(doc)
}

fn apply_strategic(old: &Value, patch: &Value, target: &Target) -> ApiResult<Value> {
    let message = match target.rt.builtin {
        // kplane's own kinds declare no patch strategies, so a strategic merge patch of them is
        // a JSON merge patch (kubectl sends one when it finds their schema in /openapi/v3).
        Some(builtin) if builtin.proto_message.is_none() => return apply_merge_patch(old, patch),
        Some(builtin) => builtin.proto_message.unwrap_or_default(),
        None => "",
    };
    use crate::registry::patch::strategic::{self, SmpError};
    strategic::apply(old, patch, message).map_err(|err| match err {
        SmpError::BadPatch { .. } => ApiError::bad_request(err.to_string()),
        SmpError::Invalid { .. } => ApiError::unprocessable(err.to_string()),
        SmpError::UnsupportedKind { .. } => ApiError::unsupported_media_type(err.to_string()),
    })
}
