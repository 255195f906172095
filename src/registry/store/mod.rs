//! The generic store: Kubernetes CRUD, list and watch for any resource type over a
//! [`Backend`], with server-owned metadata, preconditions and namespace rules; planes, and
//! a plane's snapshot.
//!
//! Objects are stored as compact JSON without `resourceVersion`; reads set it from the
//! key's `mod_revision` (as the apiserver's etcd3 store does), so the value never needs a
//! second write to learn its own revision.

mod apply;
mod crd;
mod create;
mod delete;
mod gc;
mod list;
mod namespace;
mod patch;
mod plane;
mod scale;
mod snapshot;
mod update;
mod watch;

use std::sync::Arc;

use bytes::Bytes;
use serde_json::Value;

pub use delete::{DeleteOptions, DeleteOutcome, FOREGROUND_FINALIZER, ORPHAN_FINALIZER};
pub use gc::{GcOutcome, PlaneChange, PlaneChanges};
pub use list::{ListOptions, ObjectList, list_object};
pub use patch::{PATCH_MEDIA_TYPES, PatchType, Patched};
pub use plane::PlaneToken;
pub use snapshot::SnapshotOptions;
pub use update::Subresource;
pub use watch::{WatchEvent, WatchEventType, WatchOptions, Watcher};

use super::error::{ApiError, ApiResult, from_storage};
use super::keys;
use super::kind::{KindTable, ResourceType};
use super::managed::{Scope, Writer};
use super::meta;
use crate::storage::{Backend, KeyValue};
use crate::types::PlaneName;

/// Namespaces every plane starts with.
pub const SYSTEM_NAMESPACES: [&str; 4] = ["default", "kube-system", "kube-public", "kube-node-lease"];
/// Namespaces that may never be deleted (upstream's lifecycle admission).
pub const IMMORTAL_NAMESPACES: [&str; 3] = ["default", "kube-system", "kube-public"];
/// Upstream's etcd object size limit (1.5 MiB).
pub const MAX_OBJECT_BYTES: usize = 3 * 512 * 1024;

/// What a request addresses: a plane, a resource type and (for namespaced types) a namespace.
#[derive(Clone, Debug)]
pub struct Target {
    pub plane: PlaneName,
    pub rt: Arc<ResourceType>,
    /// `None` for cluster-scoped types, and for "all namespaces" lists and watches.
    pub namespace: Option<String>,
}

impl Target {
    fn key(&self, name: &str) -> String {
        keys::object_key(&self.plane, &self.rt, self.namespace.as_deref(), name)
    }
}

/// Options shared by create, update, patch and delete.
#[derive(Clone, Debug, Default)]
pub struct WriteOptions {
    /// `dryRun=All`: validate and answer, persist nothing.
    pub dry_run: bool,
    /// Who is writing, recorded in `managedFields` (`fieldManager`, else the user agent).
    /// `None` for the server's own writes, which record nothing.
    pub field_manager: Option<String>,
    /// `force=true`: a server-side apply takes fields other managers own.
    pub force: bool,
}

impl WriteOptions {
    /// The writer to record for a write of `subresource`, if the request names one.
    fn writer(&self, target: &Target, subresource: Subresource) -> Option<Writer> {
        let scope = match (subresource, target.rt.status_subresource) {
            (Subresource::Status, _) => Scope::Status,
            (Subresource::Scale, _) => Scope::Scale,
            (Subresource::Main, true) => Scope::Main,
            (Subresource::Main, false) => Scope::Object,
        };
        let manager = self.field_manager.clone()?;
        Some(Writer { manager, api_version: target.rt.api_version(), scope })
    }
}

/// The registry: every plane's objects, through one backend.
pub struct Registry {
    backend: Arc<dyn Backend>,
    auto_create_planes: bool,
    /// The `namespaces` type, looked up once: every namespaced write checks its namespace.
    namespaces: Arc<ResourceType>,
    /// Woken when a namespace starts terminating, so its content is deleted at once.
    namespace_deleted: tokio::sync::Notify,
    /// The kind tables of planes that have CustomResourceDefinitions (see `crd`).
    custom_kinds: std::sync::RwLock<std::collections::HashMap<PlaneName, Arc<KindTable>>>,
    /// Terminating namespaces of every plane; `None` until the first scan after start.
    terminating: std::sync::Mutex<Option<std::collections::BTreeSet<(PlaneName, String)>>>,
}

impl Registry {
    pub fn new(backend: Arc<dyn Backend>, auto_create_planes: bool) -> Self {
        let namespaces = KindTable::builtin()
            .lookup("", "v1", "namespaces")
            .expect("invariant: namespaces is a built-in type")
            .clone();
        Registry {
            backend,
            namespaces,
            auto_create_planes,
            namespace_deleted: tokio::sync::Notify::new(),
            custom_kinds: Default::default(),
            terminating: std::sync::Mutex::new(None),
        }
    }

    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    pub(crate) fn namespaces_type(&self) -> &Arc<ResourceType> {
        &self.namespaces
    }

    /// One object.
    pub async fn get(&self, target: &Target, name: &str) -> ApiResult<Value> {
        match self.get_kv(target, name).await? {
            Some(kv) => decode_as(&target.rt, &kv),
            None => Err(ApiError::not_found(&target.rt, name)),
        }
    }

    async fn get_kv(&self, target: &Target, name: &str) -> ApiResult<Option<KeyValue>> {
        self.backend.get(&target.key(name)).await.map_err(|e| from_storage(e, &target.rt, name))
    }

    /// Checks that the target namespace exists and accepts new content.
    async fn check_namespace(&self, target: &Target, name: &str) -> ApiResult<()> {
        let Some(ns) = target.namespace.as_deref().filter(|_| target.rt.namespaced) else {
            return Ok(());
        };
        let key = keys::object_key(&target.plane, self.namespaces_type(), None, ns);
        let found = self.backend.get(&key).await.map_err(|e| from_storage(e, &target.rt, name))?;
        match found {
            None => Err(ApiError::namespace_not_found(ns)),
            Some(kv) if meta::is_deleting(&decode(&kv)?) => Err(ApiError::namespace_terminating(&target.rt, name, ns)),
            Some(_) => Ok(()),
        }
    }
}

/// Reads a stored object, setting its `resourceVersion` from the key's revision.
pub(crate) fn decode(kv: &KeyValue) -> ApiResult<Value> {
    let mut object: Value = serde_json::from_slice(&kv.value).map_err(|err| {
        tracing::error!(key = %kv.key, error = %err, "stored object is not valid JSON");
        ApiError::internal("a stored object could not be decoded")
    })?;
    meta::set_meta(&mut object, "resourceVersion", Value::String(kv.mod_revision.to_string()));
    Ok(object)
}

/// Reads a stored object of `rt`. A custom resource is answered in the version asked for,
/// whichever version wrote it: the `None` conversion upstream applies between a CRD's versions.
pub(crate) fn decode_as(rt: &ResourceType, kv: &KeyValue) -> ApiResult<Value> {
    let mut object = decode(kv)?;
    if rt.custom.is_some() {
        object["apiVersion"] = Value::String(rt.api_version());
    }
    Ok(object)
}

/// Serialises an object for storage, without `resourceVersion`.
pub(crate) fn encode(object: &Value) -> ApiResult<Bytes> {
    let mut copy = object.clone();
    meta::remove_meta(&mut copy, "resourceVersion");
    let bytes = to_bytes(&copy);
    if bytes.len() > MAX_OBJECT_BYTES {
        return Err(ApiError::too_large(format!(
            "the object is {} bytes; the limit is {MAX_OBJECT_BYTES}",
            bytes.len()
        )));
    }
    Ok(bytes)
}

fn to_bytes(value: &Value) -> Bytes {
    // Serialising a `Value` cannot fail: its map keys are strings.
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

/// The object's revision as a number (what storage preconditions use).
pub(crate) fn revision_of(object: &Value) -> Option<i64> {
    meta::resource_version(object)?.parse().ok()
}
