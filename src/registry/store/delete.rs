//! DELETE: preconditions, finalizers (mark, don't remove) and the namespace lifecycle.

use serde_json::Value;

use super::{IMMORTAL_NAMESPACES, Registry, Target, decode_as, namespace};
use crate::registry::error::{ApiError, ApiResult, from_storage};
use crate::registry::meta;

/// `DeleteOptions`, from the body or the query.
#[derive(Clone, Debug, Default)]
pub struct DeleteOptions {
    pub dry_run: bool,
    pub precondition_uid: Option<String>,
    pub precondition_resource_version: Option<String>,
    /// `Foreground`, `Background` or `Orphan`; dependents are not collected yet (see README).
    pub propagation_policy: Option<String>,
}

/// What a delete did.
#[derive(Debug)]
pub struct DeleteOutcome {
    /// The object as deleted, or as it now waits for its finalizers.
    pub object: Value,
    /// True when the object is gone; false when it is only marked for deletion.
    pub deleted: bool,
}

const DELETE_ATTEMPTS: usize = 5;

impl Registry {
    pub async fn delete(&self, target: &Target, name: &str, options: &DeleteOptions) -> ApiResult<DeleteOutcome> {
        let rt = &target.rt;
        for _ in 0..DELETE_ATTEMPTS {
            let Some(current) = self.get_kv(target, name).await? else {
                return Err(ApiError::not_found(rt, name));
            };
            let object = decode_as(&target.rt, &current)?;
            check_preconditions(target, name, &object, options)?;

            let is_namespace = namespace::is_namespace(target);
            if is_namespace && IMMORTAL_NAMESPACES.contains(&name) {
                return Err(ApiError::forbidden(format!(
                    "namespaces \"{name}\" is forbidden: this namespace may not be deleted"
                )));
            }
            // Orphan and Foreground propagation are carried out by the garbage collector, which
            // the finalizer they add keeps the object waiting for (as upstream does).
            let mut marked = object.clone();
            if let Some(finalizer) = gc_finalizer(options.propagation_policy.as_deref())
                && !is_namespace
                && !meta::is_deleting(&object)
            {
                meta::add_finalizer(&mut marked, finalizer);
            }
            let waits_for_finalizers = !meta::finalizers(&marked).is_empty()
                || (is_namespace && !namespace::spec_finalizers(&object).is_empty());
            if waits_for_finalizers {
                if meta::is_deleting(&object) && !is_namespace {
                    return Ok(DeleteOutcome { object, deleted: false });
                }
                if is_namespace {
                    namespace::mark_terminating(&mut marked);
                } else {
                    meta::set_meta(&mut marked, "deletionTimestamp", Value::String(meta::now_rfc3339()));
                    meta::set_meta(&mut marked, "deletionGracePeriodSeconds", Value::from(0));
                }
                let was_deleting = meta::is_deleting(&object);
                match self.write_deletion_mark(target, name, &object, marked, options.dry_run).await {
                    Ok(Some(written)) => {
                        if is_namespace && !options.dry_run {
                            self.namespace_terminating(&target.plane, name);
                        }
                        return Ok(DeleteOutcome { object: written, deleted: false });
                    }
                    Ok(None) => return Ok(DeleteOutcome { object, deleted: true }),
                    Err(err) if err.code == 409 && !was_deleting => continue,
                    Err(err) => return Err(err),
                }
            }
            if options.dry_run {
                return Ok(DeleteOutcome { object, deleted: true });
            }
            match self.backend.delete(&target.key(name), current.mod_revision).await {
                Ok(kv) => {
                    self.after_write(target).await?;
                    return Ok(DeleteOutcome { object: decode_as(&target.rt, &kv)?, deleted: true });
                }
                Err(crate::storage::Error::Conflict { .. }) => continue,
                Err(err) => return Err(from_storage(err, rt, name)),
            }
        }
        Err(ApiError::modified(rt, name))
    }

    /// Sets the deletion mark; the `generation` bump upstream makes when it first appears.
    async fn write_deletion_mark(
        &self,
        target: &Target,
        name: &str,
        old: &Value,
        mut marked: Value,
        dry_run: bool,
    ) -> ApiResult<Option<Value>> {
        if !meta::is_deleting(old) {
            let bumped = meta::generation(old) + 1;
            meta::set_meta(&mut marked, "generation", Value::from(bumped));
        }
        self.write_update(target, name, old, marked, dry_run).await
    }
}

/// Upstream's finalizer for orphaning dependents.
pub const ORPHAN_FINALIZER: &str = "orphan";
/// Upstream's finalizer that holds an owner until its blocking dependents are gone.
pub const FOREGROUND_FINALIZER: &str = "foregroundDeletion";

/// The finalizer a propagation policy adds; Background (the default) adds none: the object
/// goes at once and the garbage collector deletes its dependents afterwards.
fn gc_finalizer(policy: Option<&str>) -> Option<&'static str> {
    match policy {
        Some("Orphan") => Some(ORPHAN_FINALIZER),
        Some("Foreground") => Some(FOREGROUND_FINALIZER),
        _ => None,
    }
}

fn check_preconditions(target: &Target, name: &str, object: &Value, options: &DeleteOptions) -> ApiResult<()> {
    if let Some(uid) = &options.precondition_uid {
        let actual = meta::meta_str(object, "uid").unwrap_or_default();
        if uid != actual {
            return Err(ApiError::conflict(
                &target.rt,
                name,
                &format!("Precondition failed: UID in precondition: {uid}, UID in object meta: {actual}"),
            ));
        }
    }
    if let Some(rv) = &options.precondition_resource_version {
        let actual = meta::resource_version(object).unwrap_or_default();
        if rv != actual {
            return Err(ApiError::conflict(
                &target.rt,
                name,
                &format!(
                    "Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {actual}"
                ),
            ));
        }
    }
    Ok(())
}

impl Registry {
    /// DELETE on a collection: deletes every object matching the selectors, one by one
    /// (each respecting its finalizers). Returns what was deleted or marked.
    pub async fn delete_collection(
        &self,
        target: &Target,
        list: &super::ListOptions,
        options: &DeleteOptions,
    ) -> ApiResult<super::ObjectList> {
        let mut all = list.clone();
        all.limit = None;
        all.continue_token = None;
        let found = self.list(target, &all).await?;
        let mut items = Vec::with_capacity(found.items.len());
        for object in found.items {
            let Some(name) = meta::name(&object).map(String::from) else { continue };
            let mut scoped = target.clone();
            scoped.namespace = meta::namespace(&object).map(String::from).or(scoped.namespace);
            match self.delete(&scoped, &name, options).await {
                Ok(outcome) => items.push(outcome.object),
                Err(err) if err.code == 404 => {}
                Err(err) => return Err(err),
            }
        }
        Ok(super::ObjectList {
            items,
            resource_version: self.backend.current_revision().to_string(),
            continue_token: None,
            remaining_item_count: None,
        })
    }
}
