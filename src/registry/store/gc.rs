//! Garbage collection by `ownerReferences`, one plane at a time (upstream's garbage collector in
//! kube-controller-manager, without its informer graph: a plane is one range read).
//!
//! A pass over a plane reads all its objects at one revision and then:
//! - deletes dependents none of whose owners exist any more (Background propagation: the owner
//!   went first);
//! - drops references to owners that are gone from dependents that still have a live owner;
//! - for an owner being deleted with the `orphan` finalizer, removes the references to it from
//!   its dependents, then the finalizer;
//! - for an owner being deleted with `foregroundDeletion`, deletes its dependents (foreground
//!   too), and removes the finalizer once none is left.
//!
//! Owners are matched by `uid` within the plane only, so a reference can never reach another
//! plane. [`PlaneChanges`] tells the collector which planes to look at: deletions, created
//! dependents and owners marked for orphan or foreground deletion. (An update that points an
//! existing object at a missing owner is collected by the next pass of its plane.)

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::delete::{FOREGROUND_FINALIZER, ORPHAN_FINALIZER};
use super::{DeleteOptions, Registry, Subresource, Target, WriteOptions, decode};
use crate::registry::error::{ApiResult, from_storage};
use crate::registry::keys;
use crate::registry::meta;
use crate::storage::{EventKind, RangeOptions, WatchItem, WatchStream};
use crate::types::PlaneName;

/// What a pass found left to do.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct GcOutcome {
    /// Objects deleted or updated by this pass.
    pub acted: usize,
    /// Owners still waiting (foreground) for dependents that are themselves being deleted:
    /// look again.
    pub waiting: bool,
}

/// Changes across every plane, reduced to the planes the garbage collector should look at.
pub struct PlaneChanges {
    stream: WatchStream,
}

/// One item of [`PlaneChanges`].
#[derive(Debug)]
pub enum PlaneChange {
    /// Something in this plane may have created garbage or an owner to finalize.
    Plane(PlaneName),
    /// Events were lost: look at every plane.
    All,
}

impl PlaneChanges {
    pub async fn next(&mut self) -> Option<PlaneChange> {
        loop {
            let event = match self.stream.next().await? {
                WatchItem::Lagged => return Some(PlaneChange::All),
                WatchItem::Event(event) => event,
            };
            let Some(plane) = keys::plane_of(&event.kv.key) else { continue };
            if keys::resource_of(&plane, &event.kv.key).is_none() {
                continue; // the plane record
            }
            let relevant = match event.kind {
                // An owner may be gone.
                EventKind::Delete => true,
                // A new dependent (its owner may be gone already), or an owner to finalize.
                // Other updates are not looked at: status writes of owned objects (a Fleet's
                // members) would make a pass per write.
                EventKind::Put => {
                    (event.is_create() && has_owner_references(&event.kv.value)) || is_finalizing_owner(&event.kv.value)
                }
            };
            if relevant {
                return Some(PlaneChange::Plane(plane));
            }
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A stored object that names owners (by its bytes: no decoding for the many that don't).
fn has_owner_references(value: &[u8]) -> bool {
    contains(value, b"\"ownerReferences\"")
}

/// A stored object being deleted with the orphan or foreground finalizer.
fn is_finalizing_owner(value: &[u8]) -> bool {
    contains(value, b"\"deletionTimestamp\"")
        && (contains(value, b"\"foregroundDeletion\"") || contains(value, b"\"orphan\""))
}

/// One stored object, as the collector sees it.
struct Node {
    target: Target,
    name: String,
    object: Value,
    uid: String,
}

impl Registry {
    /// Changes of every plane from now on.
    pub fn plane_changes(&self) -> ApiResult<PlaneChanges> {
        let stream = self.backend.watch(keys::ROOT, self.backend.current_revision());
        let stream = stream.map_err(|e| from_storage(e, self.namespaces_type(), ""))?;
        Ok(PlaneChanges { stream })
    }

    /// The planes a pass could find work in (after a restart or lost events): those holding an
    /// object with owner references or an owner being finalized, found by one read.
    pub async fn planes_to_collect(&self) -> ApiResult<Vec<PlaneName>> {
        let read = self.backend.range(keys::ROOT, RangeOptions::default()).await;
        let read = read.map_err(|e| from_storage(e, self.namespaces_type(), ""))?;
        let mut planes: Vec<PlaneName> = read
            .kvs
            .iter()
            .filter(|kv| has_owner_references(&kv.value) || is_finalizing_owner(&kv.value))
            .filter_map(|kv| keys::plane_of(&kv.key))
            .collect();
        planes.dedup();
        Ok(planes)
    }

    /// One garbage-collection pass over `plane` (see the module documentation).
    pub async fn collect_garbage(&self, plane: &PlaneName) -> ApiResult<GcOutcome> {
        let nodes = self.nodes(plane).await?;
        let live: HashSet<&str> = nodes.iter().map(|n| n.uid.as_str()).collect();
        let finalizing = |finalizer: &str| -> HashSet<&str> {
            nodes
                .iter()
                .filter(|n| meta::is_deleting(&n.object) && meta::has_finalizer(&n.object, finalizer))
                .map(|n| n.uid.as_str())
                .collect()
        };
        let orphaning = finalizing(ORPHAN_FINALIZER);
        let foreground = finalizing(FOREGROUND_FINALIZER);
        let mut outcome = GcOutcome::default();
        // Owners (by uid) that still have a dependent.
        let mut still_owning: HashSet<String> = HashSet::new();

        for node in &nodes {
            let refs = owner_references(&node.object);
            if refs.is_empty() {
                continue;
            }
            let kept: Vec<&Value> = refs
                .iter()
                .filter(|r| {
                    let uid = r["uid"].as_str().unwrap_or_default();
                    live.contains(uid) && !orphaning.contains(uid)
                })
                .collect();
            if kept.is_empty() {
                // Every owner is gone (or orphaned it): a dependent that was orphaned keeps
                // living without references; one whose owners are gone is garbage.
                let orphaned = refs.iter().any(|r| orphaning.contains(r["uid"].as_str().unwrap_or_default()));
                if orphaned {
                    self.set_owner_references(node, vec![]).await?;
                } else {
                    self.delete_dependent(node, "Background").await?;
                }
                outcome.acted += 1;
                continue;
            }
            if kept.len() != refs.len() {
                self.set_owner_references(node, kept.iter().map(|r| (*r).clone()).collect()).await?;
                outcome.acted += 1;
            }
            for r in &kept {
                let uid = r["uid"].as_str().unwrap_or_default();
                still_owning.insert(uid.to_string());
                if foreground.contains(uid) && !meta::is_deleting(&node.object) {
                    self.delete_dependent(node, "Foreground").await?;
                    outcome.acted += 1;
                }
            }
        }

        for node in &nodes {
            let uid = node.uid.as_str();
            if orphaning.contains(uid) {
                self.remove_finalizer(node, ORPHAN_FINALIZER).await?;
                outcome.acted += 1;
            } else if foreground.contains(uid) {
                if still_owning.contains(uid) {
                    outcome.waiting = true;
                } else {
                    self.remove_finalizer(node, FOREGROUND_FINALIZER).await?;
                    outcome.acted += 1;
                }
            }
        }
        Ok(outcome)
    }

    /// Every object of `plane`, with the target it is stored under.
    async fn nodes(&self, plane: &PlaneName) -> ApiResult<Vec<Node>> {
        let read = self.backend.range(&keys::plane_prefix(plane), RangeOptions::default()).await;
        let read = read.map_err(|e| from_storage(e, self.namespaces_type(), plane.as_str()))?;
        let table = self.kinds(plane);
        let by_resource: HashMap<(&str, &str), &std::sync::Arc<crate::registry::kind::ResourceType>> =
            table.all().iter().map(|t| ((t.group.as_ref(), t.plural.as_ref()), t)).collect();
        let mut nodes = Vec::new();
        for kv in &read.kvs {
            let Some(resource) = keys::resource_of(plane, &kv.key) else { continue };
            let Some(rt) = by_resource.get(&resource) else { continue };
            let object = decode(kv)?;
            let namespace = meta::namespace(&object).filter(|_| rt.namespaced).map(String::from);
            let name = meta::name(&object).unwrap_or_default().to_string();
            let uid = meta::meta_str(&object, "uid").unwrap_or_default().to_string();
            let target = Target { plane: plane.clone(), rt: (*rt).clone(), namespace };
            nodes.push(Node { target, name, object, uid });
        }
        Ok(nodes)
    }

    async fn delete_dependent(&self, node: &Node, policy: &str) -> ApiResult<()> {
        let options = DeleteOptions { propagation_policy: Some(policy.into()), ..Default::default() };
        match self.delete(&node.target, &node.name, &options).await {
            Err(err) if err.code != 404 => Err(err),
            _ => Ok(()),
        }
    }

    /// Rewrites a dependent's owner references, unless it changed since it was read (the next
    /// pass sees the change).
    async fn set_owner_references(&self, node: &Node, refs: Vec<Value>) -> ApiResult<()> {
        let mut object = node.object.clone();
        let metadata = meta::metadata_mut(&mut object);
        if refs.is_empty() {
            metadata.remove("ownerReferences");
        } else {
            metadata.insert("ownerReferences".into(), Value::Array(refs));
        }
        self.ignore_races(
            self.update(&node.target, &node.name, object, Subresource::Main, &WriteOptions::default()).await,
        )
    }

    async fn remove_finalizer(&self, node: &Node, finalizer: &str) -> ApiResult<()> {
        let mut object = node.object.clone();
        meta::remove_finalizer(&mut object, finalizer);
        self.ignore_races(
            self.update(&node.target, &node.name, object, Subresource::Main, &WriteOptions::default()).await,
        )
    }

    /// A write that lost a race (409) or found its object gone (404) is left to the next pass.
    fn ignore_races(&self, result: ApiResult<Value>) -> ApiResult<()> {
        match result {
            Err(err) if err.code == 409 || err.code == 404 => Ok(()),
            other => other.map(|_| ()),
        }
    }
}

fn owner_references(object: &Value) -> Vec<Value> {
    object.pointer("/metadata/ownerReferences").and_then(Value::as_array).cloned().unwrap_or_default()
}
