//! The fleet controller: keeps each `Fleet`'s member ControlPlanes in line with its spec.
//!
//! Members are ControlPlanes labelled [`FLEET_LABEL`] and owned by the Fleet; the controlplane
//! controller makes each one a served plane. This controller creates missing members, removes
//! surplus ones (deleted with `deletionPolicy: Delete`, else orphaned: label and owner
//! reference dropped), applies the Fleet's `template` into every member once it is ready
//! (scenario seeding, recorded by the [`SEEDED_ANNOTATION`]), enforces `ttlSeconds`, and
//! reports members and `readyReplicas` in the Fleet's status. It never writes a member's
//! status, and writes the Fleet's only when it changed, so a Fleet of 1,000 members settles in
//! a handful of writes beyond the members' own.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::sync::watch;

use super::controlplane::{condition, internal, target};
use super::queue::Workers;
use super::watch_from_now;
use crate::registry::error::{ApiError, ApiResult};
use crate::registry::kind::KindTable;
use crate::registry::meta;
use crate::registry::selector::LabelSelector;
use crate::registry::store::{
    DeleteOptions, ListOptions, Registry, Subresource, Target, WatchEventType, Watcher, WriteOptions,
};
use crate::registry::validation::{FieldValidation, prepare_body};
use crate::types::PlaneName;
use crate::types::controlplane::{self as cp_api, ControlPlane};
use crate::types::fleet::{self as api, FLEET_LABEL, Fleet, FleetMember, FleetStatus, SEEDED_ANNOTATION};

/// How long a Fleet waits before it is looked at again after a failed pass.
const RETRY_INTERVAL: Duration = Duration::from_secs(2);
/// Fleets reconciled at once.
const CONCURRENCY: usize = 8;
/// Member ControlPlanes created, deleted or seeded at once within one Fleet's pass.
const MEMBER_CONCURRENCY: usize = 64;

/// Runs until `shutdown` flips to true.
pub async fn run(registry: Arc<Registry>, mut shutdown: watch::Receiver<bool>) {
    let mut workers = Workers::new(CONCURRENCY);
    'watching: loop {
        let (mut fleets, mut members) = match watch_fleets_and_members(&registry).await {
            Ok(watches) => watches,
            Err(err) => {
                tracing::warn!(error = %err, "cannot watch Fleets; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(RETRY_INTERVAL) => continue,
                    _ = shutdown.changed() => break,
                }
            }
        };
        loop {
            workers.start(|name| {
                let registry = registry.clone();
                async move {
                    reconcile(&registry, &name).await.unwrap_or_else(|err| {
                        tracing::warn!(fleet = %name, error = %err, "fleet reconcile failed; will retry");
                        Some(RETRY_INTERVAL)
                    })
                }
            });
            tokio::select! {
                event = fleets.next() => match event {
                    Some(event) if event.kind == WatchEventType::Error => continue 'watching,
                    Some(event) => workers.add(meta::name(&event.object).unwrap_or_default()),
                    None => continue 'watching,
                },
                event = members.next() => match event {
                    Some(event) if event.kind == WatchEventType::Error => continue 'watching,
                    Some(event) => workers.add(meta::label(&event.object, FLEET_LABEL).unwrap_or_default()),
                    None => continue 'watching,
                },
                _ = workers.advance() => {}
                _ = shutdown.changed() => break 'watching,
            }
        }
    }
    workers.shutdown().await;
}

async fn watch_fleets_and_members(registry: &Registry) -> ApiResult<(Watcher, Watcher)> {
    let fleets = watch_from_now(registry, &fleet_target(), None).await?;
    let members = watch_from_now(registry, &control_plane_target(), Some(FLEET_LABEL)).await?;
    Ok((fleets, members))
}

fn fleet_target() -> Target {
    target(&PlaneName::root(), api::GROUP, api::VERSION, "fleets", None)
}

fn control_plane_target() -> Target {
    target(&PlaneName::root(), cp_api::GROUP, cp_api::VERSION, "controlplanes", None)
}

/// One pass over the Fleet `name`; returns when to look at it again (its TTL), if ever.
async fn reconcile(registry: &Registry, name: &str) -> ApiResult<Option<Duration>> {
    let fleets = fleet_target();
    let object = match registry.get(&fleets, name).await {
        Ok(object) => object,
        Err(err) if err.code == 404 => return Ok(None),
        Err(err) => return Err(err),
    };
    let fleet: Fleet = serde_json::from_value(object.clone()).map_err(internal)?;
    if meta::is_deleting(&object) {
        finalize(registry, &fleets, object, &fleet).await?;
        return Ok(None);
    }
    let mut with_finalizer = object.clone();
    if meta::add_finalizer(&mut with_finalizer, api::FINALIZER) {
        registry.update(&fleets, name, with_finalizer, Subresource::Main, &WriteOptions::default()).await?;
        return Ok(None);
    }
    let expires_in = match time_left(&fleet) {
        Some(left) if left.is_zero() => {
            tracing::info!(fleet = name, "the Fleet's ttlSeconds passed; deleting it");
            match registry.delete(&fleets, name, &DeleteOptions::default()).await {
                Err(err) if err.code != 404 => return Err(err),
                _ => return Ok(None),
            }
        }
        left => left,
    };

    let desired = fleet.member_names();
    let members = list_members(registry, name).await?;
    let mut problems: BTreeMap<String, String> = BTreeMap::new();
    create_missing(registry, &fleet, &object, &desired, &members, &mut problems).await?;
    remove_surplus(registry, &fleet, &desired, &members).await?;
    seed_ready_members(registry, &fleet, &members, &mut problems).await;
    write_status(registry, &fleets, &object, &fleet, &desired, &members, &problems).await?;
    // A failed member may recover without any event this controller watches (the other
    // ControlPlane holding its name is deleted, a kind gets served): look again soon.
    let retry = (!problems.is_empty()).then_some(RETRY_INTERVAL);
    Ok([expires_in, retry].into_iter().flatten().min())
}

/// Time until the Fleet's TTL runs out (zero once it has), or `None` without a TTL.
fn time_left(fleet: &Fleet) -> Option<Duration> {
    let ttl = fleet.spec.ttl_seconds?;
    let created = fleet.metadata.creation_timestamp.as_ref()?.0;
    let expires = created.checked_add(jiff::SignedDuration::from_secs(ttl)).ok()?;
    let left = jiff::Timestamp::now().duration_until(expires);
    Some(Duration::try_from(left).unwrap_or(Duration::ZERO))
}

/// The Fleet's members, by name.
async fn list_members(registry: &Registry, fleet: &str) -> ApiResult<BTreeMap<String, ControlPlane>> {
    let selector = LabelSelector::parse(&format!("{FLEET_LABEL}={fleet}"))
        .map_err(|err| ApiError::unprocessable(format!("the Fleet name {fleet:?} cannot select its members: {err}")))?;
    let options = ListOptions { label_selector: Some(selector), ..Default::default() };
    let list = registry.list(&control_plane_target(), &options).await?;
    let mut members = BTreeMap::new();
    for item in list.items {
        let cp: ControlPlane = serde_json::from_value(item).map_err(internal)?;
        members.insert(cp.metadata.name.clone().unwrap_or_default(), cp);
    }
    Ok(members)
}

async fn create_missing(
    registry: &Registry,
    fleet: &Fleet,
    fleet_object: &Value,
    desired: &[String],
    members: &BTreeMap<String, ControlPlane>,
    problems: &mut BTreeMap<String, String>,
) -> ApiResult<()> {
    let fleet_name = fleet.metadata.name.as_deref().unwrap_or_default();
    let owner = json!({
        "apiVersion": api::API_VERSION,
        "kind": "Fleet",
        "name": fleet_name,
        "uid": meta::meta_str(fleet_object, "uid").unwrap_or_default(),
        "controller": true,
        "blockOwnerDeletion": true,
    });
    // Owned names: the futures below must not borrow from the iterator (they are spawned).
    let missing: Vec<String> = desired.iter().filter(|n| !members.contains_key(*n)).cloned().collect();
    let creates = futures_util::stream::iter(missing)
        .map(|name: String| {
            let mut member = json!(ControlPlane::named(&name));
            member["metadata"]["labels"] = json!({FLEET_LABEL: fleet_name});
            member["metadata"]["ownerReferences"] = json!([owner]);
            async move {
                let created = registry.create(&control_plane_target(), member, &WriteOptions::default()).await;
                (name, created)
            }
        })
        .buffer_unordered(MEMBER_CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    for (name, created) in creates {
        match created {
            Ok(_) => {}
            Err(err) if err.code == 409 => {
                let problem = format!("a ControlPlane named {name} exists and is not in this Fleet");
                problems.insert(name, problem);
            }
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// Members the spec no longer asks for: deleted with the `Delete` policy, else released.
async fn remove_surplus(
    registry: &Registry,
    fleet: &Fleet,
    desired: &[String],
    members: &BTreeMap<String, ControlPlane>,
) -> ApiResult<()> {
    let wanted: HashSet<&String> = desired.iter().collect();
    let surplus: Vec<String> = members.keys().filter(|n| !wanted.contains(n)).cloned().collect();
    release_or_delete(registry, fleet.deletes_members(), surplus).await
}

async fn release_or_delete(registry: &Registry, delete: bool, names: Vec<String>) -> ApiResult<()> {
    let results = futures_util::stream::iter(names)
        .map(|name: String| async move {
            let planes = control_plane_target();
            if delete {
                return match registry.delete(&planes, &name, &DeleteOptions::default()).await {
                    Err(err) if err.code != 404 => Err(err),
                    _ => Ok(()),
                };
            }
            let mut member = match registry.get(&planes, &name).await {
                Ok(member) => member,
                Err(err) if err.code == 404 => return Ok(()),
                Err(err) => return Err(err),
            };
            let metadata = meta::metadata_mut(&mut member);
            if let Some(labels) = metadata.get_mut("labels").and_then(Value::as_object_mut) {
                labels.remove(FLEET_LABEL);
            }
            metadata.remove("ownerReferences");
            registry.update(&planes, &name, member, Subresource::Main, &WriteOptions::default()).await.map(|_| ())
        })
        .buffer_unordered(MEMBER_CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    results.into_iter().collect()
}

/// Applies the template into every ready member not seeded yet, then marks it seeded.
async fn seed_ready_members(
    registry: &Registry,
    fleet: &Fleet,
    members: &BTreeMap<String, ControlPlane>,
    problems: &mut BTreeMap<String, String>,
) {
    if fleet.spec.template.is_empty() {
        return;
    }
    let unseeded: Vec<ControlPlane> = members.values().filter(|cp| cp.is_ready() && !is_seeded(cp)).cloned().collect();
    let results = futures_util::stream::iter(unseeded)
        .map(|cp: ControlPlane| async move {
            let name = cp.metadata.name.clone().unwrap_or_default();
            let outcome = match PlaneName::parse(cp.cluster_path().unwrap_or_default()) {
                Ok(plane) => seed(registry, &plane, &fleet.spec.template).await,
                Err(why) => Err(why),
            };
            let outcome = match outcome {
                Ok(()) => mark_seeded(registry, &name).await.map_err(|err| err.message),
                Err(why) => Err(why),
            };
            (name, outcome)
        })
        .buffer_unordered(MEMBER_CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    for (name, outcome) in results {
        if let Err(why) = outcome {
            problems.insert(name, format!("seeding the template failed: {why}"));
        }
    }
}

fn is_seeded(cp: &ControlPlane) -> bool {
    cp.metadata.annotations.as_ref().is_some_and(|a| a.get(SEEDED_ANNOTATION).is_some_and(|v| v == "true"))
}

/// Creates the template's objects in `plane`: namespaces first, so namespaced objects find
/// theirs; objects that already exist (a pass that failed half-way) are left as they are.
async fn seed(registry: &Registry, plane: &PlaneName, template: &[Value]) -> Result<(), String> {
    let mut ordered: Vec<&Value> = template.iter().collect();
    ordered.sort_by_key(|object| object["kind"] != "Namespace");
    for object in ordered {
        let api_version = object["apiVersion"].as_str().unwrap_or_default();
        let kind = object["kind"].as_str().unwrap_or_default();
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        let Some(rt) = KindTable::for_plane(plane).by_kind(group, version, kind) else {
            return Err(format!("{api_version} {kind} is not served"));
        };
        let namespace = rt.namespaced.then(|| meta::namespace(object).unwrap_or("default").to_string());
        let target = Target { plane: plane.clone(), rt: rt.clone(), namespace };
        let name = meta::name(object).unwrap_or_default().to_string();
        let prepared = prepare_body(rt, object.clone(), FieldValidation::Strict).map_err(|err| err.message)?;
        match registry.create(&target, prepared.object, &WriteOptions::default()).await {
            Err(err) if err.code != 409 => return Err(format!("{kind} {name}: {}", err.message)),
            _ => {}
        }
    }
    Ok(())
}

async fn mark_seeded(registry: &Registry, member: &str) -> ApiResult<()> {
    let planes = control_plane_target();
    let mut object = registry.get(&planes, member).await?;
    let annotations = meta::metadata_mut(&mut object).entry("annotations").or_insert_with(|| json!({}));
    annotations[SEEDED_ANNOTATION] = json!("true");
    registry.update(&planes, member, object, Subresource::Main, &WriteOptions::default()).await.map(|_| ())
}

/// Writes the Fleet's status unless it says what the stored one already says.
async fn write_status(
    registry: &Registry,
    fleets: &Target,
    object: &Value,
    fleet: &Fleet,
    desired: &[String],
    members: &BTreeMap<String, ControlPlane>,
    problems: &BTreeMap<String, String>,
) -> ApiResult<()> {
    let old = fleet.status.clone().unwrap_or_default();
    let old_members: BTreeMap<&str, &FleetMember> = old.members.iter().map(|m| (m.cluster_id.as_str(), m)).collect();
    let now = super::controlplane::now();
    let seeding = !fleet.spec.template.is_empty();
    let mut status = FleetStatus { observed_generation: fleet.metadata.generation, ..FleetStatus::default() };
    for name in desired {
        let (phase, message) = member_phase(members.get(name), problems.get(name), seeding);
        let since = old_members
            .get(name.as_str())
            .filter(|m| m.phase == phase)
            .and_then(|m| m.last_transition_time.clone())
            .unwrap_or_else(|| now.clone());
        if phase == "Ready" {
            status.ready_replicas += 1;
        }
        status.members.push(FleetMember {
            cluster_id: name.clone(),
            phase: phase.into(),
            message,
            last_transition_time: Some(since),
        });
    }
    let replicas = fleet.spec.replicas.max(0);
    let mut ready = if status.ready_replicas == replicas {
        condition("True", "MembersReady", format!("all {replicas} members are ready"))
    } else {
        condition("False", "MembersNotReady", format!("{} of {replicas} members are ready", status.ready_replicas))
    };
    ready.observed_generation = fleet.metadata.generation;
    if let Some(old) = old.conditions.iter().find(|c| c.type_ == ready.type_ && c.status == ready.status) {
        ready.last_transition_time = old.last_transition_time.clone();
    }
    status.conditions = vec![ready];
    if fleet.status.as_ref() == Some(&status) {
        return Ok(());
    }
    let mut updated = object.clone();
    updated["status"] = serde_json::to_value(&status).map_err(internal)?;
    let name = fleet.metadata.name.as_deref().unwrap_or_default();
    registry.update(fleets, name, updated, Subresource::Status, &WriteOptions::default()).await.map(|_| ())
}

/// A member's phase and why: `Failed` when it cannot become ready, `Ready` when its plane is
/// (and, with a template, seeded), else `Pending`.
fn member_phase(
    member: Option<&ControlPlane>,
    problem: Option<&String>,
    seeding: bool,
) -> (&'static str, Option<String>) {
    if let Some(problem) = problem {
        return ("Failed", Some(problem.clone()));
    }
    let Some(cp) = member else { return ("Pending", Some("creating its ControlPlane".into())) };
    match cp.ready_condition() {
        Some(c) if c.status == "True" && (!seeding || is_seeded(cp)) => ("Ready", None),
        Some(c) if c.status == "True" => ("Pending", Some("seeding the template".into())),
        Some(c) if matches!(c.reason.as_str(), "InvalidClusterPath" | "ReservedName" | "ModeNotSupported") => {
            ("Failed", Some(c.message.clone()))
        }
        Some(c) => ("Pending", Some(c.message.clone())),
        None => ("Pending", Some("waiting for the controlplane controller".into())),
    }
}

/// Deletion: members go with the Fleet under `Delete`, else they are released; then the
/// finalizer goes.
async fn finalize(registry: &Registry, fleets: &Target, object: Value, fleet: &Fleet) -> ApiResult<()> {
    if !meta::has_finalizer(&object, api::FINALIZER) {
        return Ok(());
    }
    let name = fleet.metadata.name.as_deref().unwrap_or_default();
    let members = list_members(registry, name).await?;
    release_or_delete(registry, fleet.deletes_members(), members.into_keys().collect()).await?;
    let mut released = object;
    meta::remove_finalizer(&mut released, api::FINALIZER);
    registry.update(fleets, name, released, Subresource::Main, &WriteOptions::default()).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};

    fn member(ready: Option<(&str, &str)>, seeded: bool) -> ControlPlane {
        let mut cp = ControlPlane::named("m");
        if let Some((status, reason)) = ready {
            let mut c = condition(status, reason, "why".into());
            c.type_ = "Ready".into();
            cp.status = Some(cp_api::ControlPlaneStatus { conditions: vec![Condition { ..c }], ..Default::default() });
        }
        if seeded {
            cp.metadata.annotations = Some([(SEEDED_ANNOTATION.to_string(), "true".to_string())].into());
        }
        cp
    }

    #[test]
    fn member_phases() {
        assert_eq!(member_phase(None, None, false).0, "Pending");
        assert_eq!(member_phase(Some(&member(Some(("True", "Reconciled")), false)), None, false).0, "Ready");
        assert_eq!(member_phase(Some(&member(Some(("True", "Reconciled")), false)), None, true).0, "Pending");
        assert_eq!(member_phase(Some(&member(Some(("True", "Reconciled")), true)), None, true).0, "Ready");
        assert_eq!(member_phase(Some(&member(Some(("False", "ReservedName")), false)), None, false).0, "Failed");
        assert_eq!(member_phase(Some(&member(Some(("False", "EndpointPending")), false)), None, false).0, "Pending");
        let problem = "taken".to_string();
        assert_eq!(member_phase(None, Some(&problem), false), ("Failed", Some(problem.clone())));
    }

    #[test]
    fn the_ttl_counts_from_creation() {
        let mut fleet = Fleet::new("f", 1);
        assert_eq!(time_left(&fleet), None);
        fleet.spec.ttl_seconds = Some(60);
        fleet.metadata.creation_timestamp = Some(Time(jiff::Timestamp::now() - jiff::SignedDuration::from_secs(120)));
        assert_eq!(time_left(&fleet), Some(Duration::ZERO));
        fleet.metadata.creation_timestamp = Some(Time(jiff::Timestamp::now()));
        assert!(time_left(&fleet).is_some_and(|left| left > Duration::from_secs(50)));
    }
}
