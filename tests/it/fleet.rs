//! The `kplane.dev/v1` Fleet (served by the root plane) and the fleet controller behind it:
//! members are ControlPlanes labelled and owned by their Fleet, created, scaled and removed per
//! `deletionPolicy`, seeded from the `template` once ready, deleted with an expired
//! `ttlSeconds`; the Fleet's status reports them (`readyReplicas` always present) and is written
//! only when it changes; bad specs are refused with 422 naming the field.

use std::future::Future;
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{APIResourceList, Condition};
use kplane::types::PlaneName;
use kplane::types::controlplane::ControlPlane;
use kplane::types::fleet::{self as api, FLEET_LABEL, Fleet, SEEDED_ANNOTATION};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams};
use serde_json::{Value, json};

use crate::common::{TestServer, WAIT, configmap, eventually, raw};

/// Bound for a small Fleet to settle (a debug build on 2 shared cores, tests in parallel).
const FLEET_WAIT: Duration = Duration::from_secs(90);
/// Bound for a Fleet of 100 members to settle.
const MANY_WAIT: Duration = Duration::from_secs(280);

async fn fleets(server: &TestServer) -> Api<Fleet> {
    Api::all(server.client("root").await)
}

async fn control_planes(server: &TestServer) -> Api<ControlPlane> {
    Api::all(server.client("root").await)
}

/// A Fleet spec to create: `replicas` members, `policy` as its deletionPolicy.
fn fleet(name: &str, replicas: i32, policy: Option<&str>) -> Fleet {
    let mut fleet = Fleet::new(name, replicas);
    fleet.spec.deletion_policy = policy.map(str::to_string);
    fleet
}

async fn create(fleets: &Api<Fleet>, fleet: Fleet) -> Fleet {
    fleets.create(&PostParams::default(), &fleet).await.expect("the Fleet is created")
}

/// Polls `check` every 50 ms until it returns `Some`, failing the test after `bound`.
async fn eventually_within<T, F, Fut>(what: &str, bound: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let polling = async {
        loop {
            if let Some(value) = check().await {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(bound, polling)
        .await
        .unwrap_or_else(|_| panic!("timed out after {bound:?} waiting for {what}"))
}

fn ready_condition(fleet: &Fleet) -> Option<&Condition> {
    fleet.status.as_ref()?.conditions.iter().find(|c| c.type_ == "Ready")
}

/// `(clusterID, phase)` of every member the status lists, in its order.
fn phases(fleet: &Fleet) -> Vec<(String, String)> {
    let members = fleet.status.as_ref().map(|s| s.members.as_slice()).unwrap_or_default();
    members.iter().map(|m| (m.cluster_id.clone(), m.phase.clone())).collect()
}

/// The Fleet reports all its `replicas` members Ready, for its current generation.
fn settled_ready(fleet: &Fleet, replicas: i32) -> bool {
    let Some(status) = fleet.status.as_ref() else { return false };
    status.observed_generation == fleet.metadata.generation
        && status.ready_replicas == replicas
        && status.members.len() == replicas as usize
        && status.members.iter().all(|m| m.phase == "Ready")
        && ready_condition(fleet).is_some_and(|c| {
            c.status == "True" && c.reason == "MembersReady" && c.observed_generation == fleet.metadata.generation
        })
}

/// Polls until the Fleet has settled with all `replicas` members Ready; returns it.
async fn all_ready(fleets: &Api<Fleet>, name: &str, replicas: i32) -> Fleet {
    eventually_within(&format!("Fleet {name} to have {replicas} Ready members"), FLEET_WAIT, || async {
        let fleet = fleets.get(name).await.expect("get Fleet");
        settled_ready(&fleet, replicas).then_some(fleet)
    })
    .await
}

/// The ControlPlanes labelled as members of `fleet`, by name.
async fn labelled_members(cps: &Api<ControlPlane>, fleet: &str) -> Vec<String> {
    let params = ListParams::default().labels(&format!("{FLEET_LABEL}={fleet}"));
    let mut names: Vec<String> =
        cps.list(&params).await.expect("list members").items.into_iter().filter_map(|cp| cp.metadata.name).collect();
    names.sort();
    names
}

/// Asserts `cp` is a member of `fleet`: the label, and one controller owner reference to it.
fn assert_member_of(cp: &ControlPlane, fleet: &Fleet) {
    let name = cp.metadata.name.as_deref().unwrap_or_default();
    let fleet_name = fleet.metadata.name.as_deref().unwrap();
    let labels = cp.metadata.labels.clone().unwrap_or_default();
    assert_eq!(labels.get(FLEET_LABEL).map(String::as_str), Some(fleet_name), "{name} is labelled");
    let owners = cp.metadata.owner_references.clone().unwrap_or_default();
    assert_eq!(owners.len(), 1, "{name} has one owner: {owners:?}");
    let owner = &owners[0];
    assert_eq!(owner.api_version, api::API_VERSION);
    assert_eq!(owner.kind, "Fleet");
    assert_eq!(owner.name, fleet_name);
    assert_eq!(Some(&owner.uid), fleet.metadata.uid.as_ref(), "{name} is owned by this very Fleet");
    assert_eq!(owner.controller, Some(true), "{name}: the Fleet is its controller");
}

/// Asserts `cp` was released: neither the label nor an owner reference to a Fleet.
fn assert_released(cp: &ControlPlane) {
    let name = cp.metadata.name.as_deref().unwrap_or_default();
    let labels = cp.metadata.labels.clone().unwrap_or_default();
    assert!(!labels.contains_key(FLEET_LABEL), "{name} is no longer labelled: {labels:?}");
    let owners = cp.metadata.owner_references.clone().unwrap_or_default();
    assert!(owners.iter().all(|o| o.kind != "Fleet"), "{name} is no longer owned: {owners:?}");
}

/// Polls until the ControlPlane is gone (its finalizer released).
async fn cp_gone(cps: &Api<ControlPlane>, name: &str) {
    eventually_within(&format!("ControlPlane {name} to be gone"), FLEET_WAIT, || async {
        cps.get_opt(name).await.expect("get ControlPlane").is_none().then_some(())
    })
    .await
}

/// Polls until the Fleet is gone (its finalizer released).
async fn fleet_gone(fleets: &Api<Fleet>, name: &str) {
    eventually_within(&format!("Fleet {name} to be gone"), FLEET_WAIT, || async {
        fleets.get_opt(name).await.expect("get Fleet").is_none().then_some(())
    })
    .await
}

async fn plane_exists(server: &TestServer, plane: &str) -> bool {
    server.running.registry.plane_exists(&PlaneName::parse(plane).unwrap()).await.unwrap()
}

/// Writes a ConfigMap into a member's plane (through the admin client), to see what happens
/// to the plane's data.
async fn put_marker(server: &TestServer, plane: &str) {
    let cms: Api<ConfigMap> = Api::namespaced(server.client(plane).await, "default");
    cms.create(&PostParams::default(), &configmap("marker", plane)).await.expect("write into the member plane");
}

async fn scale(fleets: &Api<Fleet>, name: &str, replicas: i32) {
    let patch = json!({"spec": {"replicas": replicas}});
    fleets.patch(name, &PatchParams::default(), &Patch::Merge(patch)).await.expect("scale the Fleet");
}

/// Asserts a write was refused with 422 Invalid naming `field` (in the message and a cause).
fn assert_invalid<T: std::fmt::Debug>(result: Result<T, kube::Error>, field: &str) {
    let status = match result {
        Err(kube::Error::Api(status)) => status,
        other => panic!("expected 422 naming {field}, got {other:?}"),
    };
    assert_eq!(status.code, 422, "{status:?}");
    assert_eq!(status.reason, "Invalid", "{status:?}");
    assert!(status.message.contains(field), "the message names {field}: {status:?}");
    let causes = status.details.as_ref().map(|d| d.causes.as_slice()).unwrap_or_default();
    assert!(causes.iter().any(|c| c.field == field), "a cause names {field}: {status:?}");
}

#[tokio::test]
async fn the_root_plane_serves_fleets_with_short_name_category_and_status() {
    let server = TestServer::start().await;
    let root = server.client("root").await;
    let (code, text, _) = raw(&root, "GET", "/apis/kplane.dev/v1", &[], vec![]).await;
    assert_eq!(code, 200, "{text}");
    let list: APIResourceList = serde_json::from_str(&text).expect("an APIResourceList");
    let fleets = list.resources.iter().find(|r| r.name == "fleets").expect("fleets is listed");
    assert_eq!(fleets.kind, "Fleet");
    assert!(!fleets.namespaced, "Fleets are cluster-scoped");
    assert_eq!(fleets.short_names.as_deref(), Some(&["flt".to_string()][..]));
    assert!(fleets.categories.as_deref().unwrap_or_default().contains(&"kplane".to_string()), "{fleets:?}");
    assert!(list.resources.iter().any(|r| r.name == "fleets/status"), "Fleet has a status subresource");

    // A virtual control plane does not serve it.
    let plane = server.client("team-a").await;
    assert_eq!(raw(&plane, "GET", "/apis/kplane.dev/v1/fleets", &[], vec![]).await.0, 404);
}

#[tokio::test]
async fn a_fleet_of_three_becomes_ready_with_owned_labelled_members_in_order() {
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    let cps = control_planes(&server).await;
    let created = create(&fleets, fleet("trio", 3, None)).await;
    assert!(created.metadata.uid.is_some());

    let ready = all_ready(&fleets, "trio", 3).await;
    let status = ready.status.clone().unwrap();
    assert_eq!(status.ready_replicas, 3);
    let names = ["trio-0000", "trio-0001", "trio-0002"];
    assert_eq!(phases(&ready), names.map(|n| (n.to_string(), "Ready".to_string())));
    for member in &status.members {
        assert!(member.last_transition_time.is_some(), "{member:?}");
        assert!(member.message.is_none(), "a Ready member has no message: {member:?}");
    }
    let condition = ready_condition(&ready).unwrap();
    assert_eq!((condition.status.as_str(), condition.reason.as_str()), ("True", "MembersReady"));
    assert!(
        ready.metadata.finalizers.clone().unwrap_or_default().iter().any(|f| f == api::FINALIZER),
        "the controller's finalizer is set"
    );

    for name in names {
        let cp = cps.get(name).await.expect("the member ControlPlane exists");
        assert!(cp.is_ready(), "{name} is a Ready ControlPlane");
        assert_member_of(&cp, &ready);
        assert!(plane_exists(&server, name).await, "{name} is a served plane");
    }
    assert_eq!(labelled_members(&cps, "trio").await, names);
    let plane: Api<Namespace> = Api::all(server.client("trio-0001").await);
    plane.get("default").await.expect("a member plane serves the Kubernetes API");
}

#[tokio::test]
async fn ready_replicas_is_always_present() {
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    let root = server.client("root").await;
    // A member that can never be ready (its template names a kind nobody serves) keeps
    // readyReplicas at 0; so does a Fleet of none.
    let mut stuck = fleet("stuck", 1, None);
    stuck.spec.template = vec![json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}})];
    create(&fleets, stuck).await;
    create(&fleets, fleet("empty", 0, None)).await;

    for name in ["stuck", "empty"] {
        let path = format!("/apis/kplane.dev/v1/fleets/{name}");
        let status = eventually(&format!("Fleet {name} to have a status"), || async {
            let (code, text, _) = raw(&root, "GET", &path, &[], vec![]).await;
            assert_eq!(code, 200, "{text}");
            let object: Value = serde_json::from_str(&text).expect("JSON");
            object.get("status").filter(|s| s.get("conditions").is_some()).cloned()
        })
        .await;
        assert_eq!(status.get("readyReplicas"), Some(&json!(0)), "{name}: {status}");
    }
    let empty = all_ready(&fleets, "empty", 0).await;
    assert!(empty.status.unwrap().members.is_empty(), "a Fleet of none has no members");
}

#[tokio::test]
async fn explicit_names_are_used_verbatim_and_in_order() {
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    let cps = control_planes(&server).await;
    let mut named = fleet("named", 3, None);
    named.spec.names = vec!["zeta".into(), "alpha".into(), "mid".into()];
    create(&fleets, named).await;
    let ready = all_ready(&fleets, "named", 3).await;
    let order: Vec<String> = phases(&ready).into_iter().map(|(name, _)| name).collect();
    assert_eq!(order, ["zeta", "alpha", "mid"], "members[] follows spec.names");
    assert_eq!(labelled_members(&cps, "named").await, ["alpha", "mid", "zeta"]);
    for name in ["zeta", "alpha", "mid"] {
        assert_member_of(&cps.get(name).await.unwrap(), &ready);
    }
    assert!(cps.get_opt("named-0000").await.unwrap().is_none(), "no generated names");

    // A name prefix replaces the default `<fleet>-`.
    let mut prefixed = fleet("prefixed", 2, None);
    prefixed.spec.name_prefix = Some("env-".into());
    create(&fleets, prefixed).await;
    let ready = all_ready(&fleets, "prefixed", 2).await;
    let order: Vec<String> = phases(&ready).into_iter().map(|(name, _)| name).collect();
    assert_eq!(order, ["env-0000", "env-0001"]);
}

#[tokio::test]
async fn scaling_with_delete_deletes_the_surplus_and_destroys_their_planes() {
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    let cps = control_planes(&server).await;
    create(&fleets, fleet("del", 2, Some("Delete"))).await;
    all_ready(&fleets, "del", 2).await;

    scale(&fleets, "del", 4).await;
    let grown = all_ready(&fleets, "del", 4).await;
    let all = ["del-0000", "del-0001", "del-0002", "del-0003"];
    assert_eq!(phases(&grown).into_iter().map(|(n, _)| n).collect::<Vec<_>>(), all);
    assert_eq!(labelled_members(&cps, "del").await, all);
    for name in all {
        put_marker(&server, name).await;
    }

    scale(&fleets, "del", 1).await;
    let shrunk = all_ready(&fleets, "del", 1).await;
    assert_eq!(phases(&shrunk), [("del-0000".to_string(), "Ready".to_string())]);
    for name in &all[1..] {
        cp_gone(&cps, name).await;
        assert!(!plane_exists(&server, name).await, "{name}: class starter destroys the plane's data");
    }
    assert_eq!(labelled_members(&cps, "del").await, ["del-0000"]);
    let kept: Api<ConfigMap> = Api::namespaced(server.client("del-0000").await, "default");
    assert!(kept.get_opt("marker").await.unwrap().is_some(), "the remaining member keeps its data");
    assert!(cps.get("del-0000").await.unwrap().is_ready());
}

#[tokio::test]
async fn scaling_with_retain_releases_the_surplus() {
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    let cps = control_planes(&server).await;
    // The default policy is Retain.
    create(&fleets, fleet("ret", 2, None)).await;
    all_ready(&fleets, "ret", 2).await;

    scale(&fleets, "ret", 4).await;
    let grown = all_ready(&fleets, "ret", 4).await;
    let all = ["ret-0000", "ret-0001", "ret-0002", "ret-0003"];
    for name in all {
        assert_member_of(&cps.get(name).await.unwrap(), &grown);
        put_marker(&server, name).await;
    }

    scale(&fleets, "ret", 1).await;
    let shrunk = all_ready(&fleets, "ret", 1).await;
    assert_eq!(phases(&shrunk), [("ret-0000".to_string(), "Ready".to_string())]);
    eventually_within("the surplus to be released", FLEET_WAIT, || async {
        (labelled_members(&cps, "ret").await == ["ret-0000"]).then_some(())
    })
    .await;
    for name in &all[1..] {
        let cp = cps.get(name).await.expect("a released member stays");
        assert_released(&cp);
        assert!(cp.metadata.deletion_timestamp.is_none(), "{name} is not being deleted");
        assert!(cp.is_ready(), "{name} is still a Ready ControlPlane");
        let data: Api<ConfigMap> = Api::namespaced(server.client(name).await, "default");
        assert!(data.get_opt("marker").await.unwrap().is_some(), "{name} keeps its data");
    }
    assert_member_of(&cps.get("ret-0000").await.unwrap(), &shrunk);
}

#[tokio::test]
async fn deleting_a_fleet_with_delete_removes_its_members() {
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    let cps = control_planes(&server).await;
    // A ControlPlane outside the Fleet is never touched by it.
    cps.create(&PostParams::default(), &ControlPlane::named("bystander")).await.unwrap();
    create(&fleets, fleet("doomed", 2, Some("Delete"))).await;
    all_ready(&fleets, "doomed", 2).await;
    put_marker(&server, "doomed-0001").await;

    fleets.delete("doomed", &DeleteParams::default()).await.expect("delete the Fleet");
    fleet_gone(&fleets, "doomed").await;
    for name in ["doomed-0000", "doomed-0001"] {
        cp_gone(&cps, name).await;
        assert!(!plane_exists(&server, name).await, "{name}'s plane is destroyed");
    }
    let bystander = cps.get("bystander").await.expect("the bystander stays");
    assert!(bystander.metadata.deletion_timestamp.is_none());
}

#[tokio::test]
async fn deleting_a_fleet_with_retain_keeps_and_releases_its_members() {
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    let cps = control_planes(&server).await;
    create(&fleets, fleet("kept", 2, Some("Retain"))).await;
    all_ready(&fleets, "kept", 2).await;
    put_marker(&server, "kept-0000").await;

    fleets.delete("kept", &DeleteParams::default()).await.expect("delete the Fleet");
    fleet_gone(&fleets, "kept").await;
    assert!(labelled_members(&cps, "kept").await.is_empty(), "nothing is labelled with the Fleet any more");
    for name in ["kept-0000", "kept-0001"] {
        let cp = cps.get(name).await.expect("the member stays");
        assert_released(&cp);
        assert!(cp.metadata.deletion_timestamp.is_none(), "{name} is not being deleted");
        assert!(cp.is_ready(), "{name} is still Ready");
        assert!(plane_exists(&server, name).await);
    }
    let data: Api<ConfigMap> = Api::namespaced(server.client("kept-0000").await, "default");
    assert!(data.get_opt("marker").await.unwrap().is_some(), "the plane keeps its data");
}

#[tokio::test]
async fn bad_specs_are_refused_with_422_naming_the_field() {
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    let post = PostParams::default();

    let mut short = fleet("short", 3, None);
    short.spec.names = vec!["a".into(), "b".into()];
    assert_invalid(fleets.create(&post, &short).await, "spec.names");

    let mut bad_name = fleet("bad-name", 2, None);
    bad_name.spec.names = vec!["good".into(), "Not_A_Label".into()];
    assert_invalid(fleets.create(&post, &bad_name).await, "spec.names[1]");

    let mut twice = fleet("twice", 2, None);
    twice.spec.names = vec!["same".into(), "same".into()];
    assert_invalid(fleets.create(&post, &twice).await, "spec.names[1]");

    let mut root = fleet("rooted", 1, None);
    root.spec.names = vec!["root".into()];
    assert_invalid(fleets.create(&post, &root).await, "spec.names[0]");

    let mut long = fleet("long", 1, None);
    long.spec.name_prefix = Some("p".repeat(60));
    assert_invalid(fleets.create(&post, &long).await, "spec.namePrefix");

    assert_invalid(fleets.create(&post, &fleet("negative", -1, None)).await, "spec.replicas");
    assert_invalid(fleets.create(&post, &fleet("policy", 1, Some("Destroy"))).await, "spec.deletionPolicy");

    let mut kindless = fleet("kindless", 1, None);
    kindless.spec.template = vec![json!({"apiVersion": "v1", "metadata": {"name": "cm"}})];
    assert_invalid(fleets.create(&post, &kindless).await, "spec.template[0]");

    let mut ttl = fleet("ttl", 1, None);
    ttl.spec.ttl_seconds = Some(-5);
    assert_invalid(fleets.create(&post, &ttl).await, "spec.ttlSeconds");

    // A raw body gets the same answer.
    let root = server.client("root").await;
    let body = json!({
        "apiVersion": "kplane.dev/v1", "kind": "Fleet", "metadata": {"name": "raw"},
        "spec": {"replicas": 1, "names": ["a", "b"]},
    });
    let headers = [("content-type", "application/json")];
    let (code, text, _) =
        raw(&root, "POST", "/apis/kplane.dev/v1/fleets", &headers, serde_json::to_vec(&body).unwrap()).await;
    assert_eq!(code, 422, "{text}");
    assert!(text.contains("spec.names"), "{text}");

    for name in ["short", "bad-name", "twice", "rooted", "long", "negative", "policy", "kindless", "ttl", "raw"] {
        assert!(fleets.get_opt(name).await.unwrap().is_none(), "nothing was stored for {name}");
    }
    let cps = control_planes(&server).await;
    assert!(cps.get_opt("a").await.unwrap().is_none(), "no member was made");
}

#[tokio::test]
async fn bad_updates_and_patches_are_refused_with_422_naming_the_field() {
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    create(&fleets, fleet("stable", 1, None)).await;
    // Once the controller is done with it, so no write of its own races these (a stale update
    // is refused with 409 before validation, as upstream does; patches racing a write are
    // `patches_without_a_resource_version_are_retried_when_another_writer_gets_in_between`).
    let original = all_ready(&fleets, "stable", 1).await;
    let params = PatchParams::default();

    // Updates.
    let mut replaced = fleets.get("stable").await.unwrap();
    replaced.spec.names = vec!["one".into(), "two".into()];
    assert_invalid(fleets.replace("stable", &PostParams::default(), &replaced).await, "spec.names");
    let mut replaced = fleets.get("stable").await.unwrap();
    replaced.spec.replicas = -3;
    assert_invalid(fleets.replace("stable", &PostParams::default(), &replaced).await, "spec.replicas");

    // Merge patches.
    let patch = |value: Value| Patch::Merge(value);
    assert_invalid(fleets.patch("stable", &params, &patch(json!({"spec": {"replicas": -1}}))).await, "spec.replicas");
    let names = json!({"spec": {"names": ["UPPER"]}});
    assert_invalid(fleets.patch("stable", &params, &patch(names)).await, "spec.names[0]");
    let policy = json!({"spec": {"deletionPolicy": "Sometimes"}});
    assert_invalid(fleets.patch("stable", &params, &patch(policy)).await, "spec.deletionPolicy");
    let template = json!({"spec": {"template": [{"apiVersion": "v1", "metadata": {"name": "x"}}]}});
    assert_invalid(fleets.patch("stable", &params, &patch(template)).await, "spec.template[0]");
    let lengths = json!({"spec": {"replicas": 2, "names": ["only-one"]}});
    assert_invalid(fleets.patch("stable", &params, &patch(lengths)).await, "spec.names");

    // A JSON patch too.
    let ops: json_patch::Patch =
        serde_json::from_value(json!([{"op": "replace", "path": "/spec/replicas", "value": -2}])).unwrap();
    let json_patch: Patch<Value> = Patch::Json(ops);
    assert_invalid(fleets.patch("stable", &params, &json_patch).await, "spec.replicas");

    let after = fleets.get("stable").await.unwrap();
    assert_eq!(after.spec, original.spec, "nothing was changed");
    assert_eq!(after.metadata.generation, original.metadata.generation);
    assert_eq!(after.metadata.resource_version, original.metadata.resource_version, "no write at all");

    // A valid change still goes through.
    let good = json!({"spec": {"replicas": 2, "names": ["one", "two"]}});
    let patched = fleets.patch("stable", &params, &patch(good)).await.expect("a valid patch");
    assert_eq!(patched.spec.names, ["one", "two"]);
    all_ready(&fleets, "stable", 2).await;
}

#[tokio::test]
async fn patches_without_a_resource_version_are_retried_when_another_writer_gets_in_between() {
    // Upstream re-reads and re-applies a patch that does not pin a resourceVersion when the
    // object changed between its read and its write; clients (kubectl label/scale/patch) rely on
    // it. Here the other writers are concurrent patches and the controller writing the status.
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    create(&fleets, fleet("busy", 20, None)).await;
    let params = PatchParams::default();
    for round in 0..5 {
        let patches = (0..4).map(|i| {
            let label = json!({"metadata": {"labels": {format!("round-{round}-{i}"): "yes"}}});
            let (fleets, params) = (&fleets, &params);
            async move { fleets.patch("busy", params, &Patch::Merge(label)).await }
        });
        for (i, result) in futures_util::future::join_all(patches).await.into_iter().enumerate() {
            if let Err(err) = result {
                panic!("round {round}, patch {i}: a patch without a resourceVersion failed: {err:?}");
            }
        }
    }
    let labels = fleets.get("busy").await.unwrap().metadata.labels.unwrap_or_default();
    assert_eq!(labels.len(), 20, "every patch landed: {labels:?}");
    // A patch that pins a stale resourceVersion is still refused.
    let stale = json!({"metadata": {"resourceVersion": "1", "labels": {"late": "yes"}}});
    let err = fleets.patch("busy", &params, &Patch::Merge(stale)).await.unwrap_err();
    assert!(matches!(&err, kube::Error::Api(s) if s.code == 409), "{err:?}");
}

#[tokio::test]
async fn an_expired_ttl_deletes_the_fleet_and_per_policy_its_members() {
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    let cps = control_planes(&server).await;

    // A TTL of one second from creation.
    let mut brief = fleet("brief", 1, Some("Delete"));
    brief.spec.ttl_seconds = Some(1);
    create(&fleets, brief).await;
    fleet_gone(&fleets, "brief").await;
    cp_gone(&cps, "brief-0000").await;

    // Fleets whose members are all there when their TTL (counted from creation, so already
    // past) is set: Delete takes the members along, Retain releases them.
    create(&fleets, fleet("expire-del", 2, Some("Delete"))).await;
    create(&fleets, fleet("expire-ret", 2, None)).await;
    all_ready(&fleets, "expire-del", 2).await;
    all_ready(&fleets, "expire-ret", 2).await;
    for name in ["expire-del", "expire-ret"] {
        let ttl = json!({"spec": {"ttlSeconds": 1}});
        fleets.patch(name, &PatchParams::default(), &Patch::Merge(ttl)).await.expect("set a TTL");
    }
    fleet_gone(&fleets, "expire-del").await;
    fleet_gone(&fleets, "expire-ret").await;
    for name in ["expire-del-0000", "expire-del-0001"] {
        cp_gone(&cps, name).await;
        assert!(!plane_exists(&server, name).await, "{name}'s plane is destroyed");
    }
    for name in ["expire-ret-0000", "expire-ret-0001"] {
        let cp = cps.get(name).await.expect("a retained member stays");
        assert_released(&cp);
        assert!(cp.is_ready());
    }
}

/// The template every seeding test uses: the namespaced ConfigMap comes before its Namespace
/// (the controller creates namespaces first), and one ConfigMap names no namespace.
fn seeding_template() -> Vec<Value> {
    vec![
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "scenario", "namespace": "seeded"}, "data": {"level": "3"}}),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "seeded"}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "loose"}, "data": {"k": "v"}}),
    ]
}

/// Whether the template's objects are all in `plane`, read through the admin client.
async fn seeded_objects(server: &TestServer, plane: &str) -> bool {
    let client = server.client(plane).await;
    let namespace = Api::<Namespace>::all(client.clone()).get_opt("seeded").await.unwrap();
    let scenario = Api::<ConfigMap>::namespaced(client.clone(), "seeded").get_opt("scenario").await.unwrap();
    let loose = Api::<ConfigMap>::namespaced(client, "default").get_opt("loose").await.unwrap();
    let scenario_ok = scenario.and_then(|cm| cm.data).is_some_and(|d| d.get("level").map(String::as_str) == Some("3"));
    let loose_ok = loose.and_then(|cm| cm.data).is_some_and(|d| d.get("k").map(String::as_str) == Some("v"));
    namespace.is_some() && scenario_ok && loose_ok
}

#[tokio::test]
async fn the_template_is_seeded_into_every_member_before_it_is_ready() {
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    let cps = control_planes(&server).await;
    let mut seeded = fleet("seed", 3, None);
    seeded.spec.template = seeding_template();
    let created = create(&fleets, seeded).await;

    // Every time the status first calls a member Ready, its objects are already there (the
    // controller creates them, then marks the member, then reports it).
    let rv = created.metadata.resource_version.clone().unwrap();
    let mut events =
        fleets.watch(&WatchParams::default().fields("metadata.name=seed").timeout(280), &rv).await.unwrap().boxed();
    let mut checked: Vec<String> = Vec::new();
    let watching = async {
        loop {
            let fleet = match events.try_next().await.expect("watch the Fleet") {
                Some(WatchEvent::Added(f) | WatchEvent::Modified(f)) => f,
                Some(WatchEvent::Bookmark(_)) => continue,
                other => panic!("unexpected {other:?}"),
            };
            for (name, phase) in phases(&fleet) {
                if phase == "Ready" && !checked.contains(&name) {
                    assert!(seeded_objects(&server, &name).await, "{name} was reported Ready before it was seeded");
                    checked.push(name);
                }
            }
            if settled_ready(&fleet, 3) {
                return fleet;
            }
        }
    };
    let ready = tokio::time::timeout(FLEET_WAIT, watching).await.expect("the seeded Fleet to become Ready");
    assert_eq!(checked.len(), 3);

    for name in ["seed-0000", "seed-0001", "seed-0002"] {
        let cp = cps.get(name).await.unwrap();
        assert_member_of(&cp, &ready);
        let annotations = cp.metadata.annotations.clone().unwrap_or_default();
        assert_eq!(annotations.get(SEEDED_ANNOTATION).map(String::as_str), Some("true"), "{name}");
        assert!(seeded_objects(&server, name).await, "{name} has the template's objects");
        // Seeded objects are ordinary objects of the plane.
        let loose = Api::<ConfigMap>::namespaced(server.client(name).await, "default").get("loose").await.unwrap();
        assert_eq!(loose.metadata.namespace.as_deref(), Some("default"));
    }

    // A member added later is seeded too.
    scale(&fleets, "seed", 4).await;
    all_ready(&fleets, "seed", 4).await;
    assert!(seeded_objects(&server, "seed-0003").await);
}

#[tokio::test]
async fn a_template_object_of_an_unserved_kind_fails_the_member() {
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    let cps = control_planes(&server).await;
    let mut widgets = fleet("widgets", 1, None);
    widgets.spec.template = vec![
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fine"}}),
        json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}),
    ];
    create(&fleets, widgets).await;

    let failed = eventually_within("the member to be Failed", FLEET_WAIT, || async {
        let fleet = fleets.get("widgets").await.unwrap();
        let member = fleet.status.as_ref()?.members.first()?.clone();
        (member.phase == "Failed").then_some((fleet, member))
    })
    .await;
    let (fleet, member) = failed;
    assert_eq!(member.cluster_id, "widgets-0000");
    let message = member.message.clone().unwrap_or_default();
    assert!(message.contains("Widget"), "the message names the kind: {message}");
    assert!(member.last_transition_time.is_some());
    assert_eq!(fleet.status.as_ref().unwrap().ready_replicas, 0);
    let condition = ready_condition(&fleet).expect("a Ready condition");
    assert_eq!((condition.status.as_str(), condition.reason.as_str()), ("False", "MembersNotReady"));

    // The ControlPlane itself is fine; it is just not seeded.
    let cp = cps.get("widgets-0000").await.unwrap();
    assert!(cp.is_ready());
    assert_member_of(&cp, &fleet);
    let annotations = cp.metadata.annotations.unwrap_or_default();
    assert!(!annotations.contains_key(SEEDED_ANNOTATION), "{annotations:?}");
}

#[tokio::test]
async fn a_member_name_taken_by_another_control_plane_is_failed() {
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    let cps = control_planes(&server).await;
    cps.create(&PostParams::default(), &ControlPlane::named("taken")).await.unwrap();
    let mut colliding = fleet("colliding", 2, Some("Delete"));
    colliding.spec.names = vec!["free".into(), "taken".into()];
    create(&fleets, colliding).await;

    let fleet = eventually_within("one member Ready and one Failed", FLEET_WAIT, || async {
        let fleet = fleets.get("colliding").await.unwrap();
        let expected = [("free".to_string(), "Ready".to_string()), ("taken".to_string(), "Failed".to_string())];
        (phases(&fleet) == expected).then_some(fleet)
    })
    .await;
    let status = fleet.status.clone().unwrap();
    assert_eq!(status.ready_replicas, 1);
    let message = status.members[1].message.clone().unwrap_or_default();
    assert!(message.contains("taken"), "the message names the ControlPlane: {message}");
    assert_eq!(ready_condition(&fleet).unwrap().reason, "MembersNotReady");

    // The other ControlPlane is not taken over...
    let taken = cps.get("taken").await.unwrap();
    assert_released(&taken);
    assert_eq!(labelled_members(&cps, "colliding").await, ["free"]);
    // ...nor deleted with the Fleet.
    fleets.delete("colliding", &DeleteParams::default()).await.unwrap();
    fleet_gone(&fleets, "colliding").await;
    cp_gone(&cps, "free").await;
    let taken = cps.get("taken").await.expect("the other ControlPlane stays");
    assert!(taken.metadata.deletion_timestamp.is_none());
}

#[tokio::test]
async fn a_member_name_freed_by_the_other_control_plane_is_taken_up() {
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    let cps = control_planes(&server).await;
    cps.create(&PostParams::default(), &ControlPlane::named("occupied")).await.unwrap();
    let mut waiting = fleet("waiting", 1, None);
    waiting.spec.names = vec!["occupied".into()];
    create(&fleets, waiting).await;
    eventually_within("the member to be Failed", FLEET_WAIT, || async {
        let fleet = fleets.get("waiting").await.unwrap();
        (phases(&fleet) == [("occupied".to_string(), "Failed".to_string())]).then_some(())
    })
    .await;

    // Once the other ControlPlane is gone, the name is free: the Fleet makes its member there
    // (a Failed member is not a final verdict; the status must not keep saying the name is taken).
    cps.delete("occupied", &DeleteParams::default()).await.unwrap();
    cp_gone(&cps, "occupied").await;
    let fleet = eventually_within("the freed name to become a Ready member", WAIT, || async {
        let fleet = fleets.get("waiting").await.unwrap();
        settled_ready(&fleet, 1).then_some(fleet)
    })
    .await;
    assert_member_of(&cps.get("occupied").await.unwrap(), &fleet);
}

#[tokio::test]
async fn a_member_deleted_by_hand_is_made_again() {
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    let cps = control_planes(&server).await;
    create(&fleets, fleet("healing", 2, None)).await;
    let fleet = all_ready(&fleets, "healing", 2).await;
    let before = cps.get("healing-0001").await.unwrap();

    cps.delete("healing-0001", &DeleteParams::default()).await.unwrap();
    let again = eventually_within("a new healing-0001", FLEET_WAIT, || async {
        let cp = cps.get_opt("healing-0001").await.unwrap()?;
        (cp.metadata.uid != before.metadata.uid && cp.is_ready()).then_some(cp)
    })
    .await;
    assert_member_of(&again, &fleet);
    all_ready(&fleets, "healing", 2).await;
}

#[tokio::test]
async fn fleets_print_desired_and_ready_as_a_table() {
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    create(&fleets, fleet("printed", 2, None)).await;
    all_ready(&fleets, "printed", 2).await;

    let root = server.client("root").await;
    let accept = [("accept", "application/json;as=Table;v=v1;g=meta.k8s.io")];
    let (code, text, _) = raw(&root, "GET", "/apis/kplane.dev/v1/fleets", &accept, vec![]).await;
    assert_eq!(code, 200, "{text}");
    let table: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(table["kind"], "Table", "{table}");
    let columns: Vec<&str> =
        table["columnDefinitions"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(columns, ["Name", "Desired", "Ready", "Age"]);
    let types: Vec<&str> =
        table["columnDefinitions"].as_array().unwrap().iter().map(|c| c["type"].as_str().unwrap()).collect();
    assert_eq!(types[1..3], ["integer", "integer"]);
    let rows = table["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{table}");
    let cells = rows[0]["cells"].as_array().unwrap();
    assert_eq!(cells[..3], [json!("printed"), json!(2), json!(2)]);
    assert!(cells[3].as_str().is_some_and(|age| !age.is_empty()), "{cells:?}");

    // One Fleet by name.
    let path = "/apis/kplane.dev/v1/fleets/printed";
    let (code, text, _) = raw(&root, "GET", path, &accept, vec![]).await;
    assert_eq!(code, 200, "{text}");
    let table: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(table["rows"][0]["cells"][0], "printed");
}

#[tokio::test]
async fn a_fleet_of_one_hundred_becomes_ready_and_its_status_is_written_only_on_change() {
    const REPLICAS: i32 = 100;
    let server = TestServer::start().await;
    let fleets = fleets(&server).await;
    let cps = control_planes(&server).await;
    let created = create(&fleets, fleet("many", REPLICAS, Some("Delete"))).await;

    // Every revision of the Fleet from its creation on, with its status.
    let rv = created.metadata.resource_version.clone().unwrap();
    let params = WatchParams::default().fields("metadata.name=many").timeout(290);
    let mut events = fleets.watch(&params, &rv).await.expect("watch the Fleet").boxed();
    let mut revisions: Vec<Fleet> = Vec::new();
    let mut next = async || loop {
        match events.try_next().await.expect("watch the Fleet") {
            Some(WatchEvent::Modified(fleet)) => return fleet,
            Some(WatchEvent::Bookmark(_)) => continue,
            other => panic!("unexpected {other:?}"),
        }
    };
    let ramp = async {
        loop {
            let fleet = next().await;
            let done = settled_ready(&fleet, REPLICAS);
            revisions.push(fleet);
            if done {
                break;
            }
        }
    };
    tokio::time::timeout(MANY_WAIT, ramp).await.expect("the Fleet of 100 to become Ready");
    let ready = revisions.last().unwrap().clone();
    let status_writes = revisions.windows(2).filter(|pair| pair[0].status != pair[1].status).count()
        + usize::from(revisions.first().is_some_and(|f| f.status.is_some()));
    // The status is written only when what it says changes, and what it says only moves
    // forward: the first status lists every member as being created, then each member goes at
    // most twice more (to waiting for its ControlPlane, to Ready). So besides the finalizer,
    // at most 1 + 2 × 100 revisions however the passes fall (in practice a handful: passes
    // coalesce the members' events), where a controller writing on every pass would never
    // settle (each write is an event that starts a pass).
    assert!(
        revisions.len() <= 2 + 2 * REPLICAS as usize,
        "{} revisions of the Fleet for {REPLICAS} members ({status_writes} status writes)",
        revisions.len()
    );

    let expected: Vec<String> = (0..REPLICAS).map(|i| format!("many-{i:04}")).collect();
    let listed: Vec<String> = phases(&ready).into_iter().map(|(name, _)| name).collect();
    assert_eq!(listed, expected, "members[] in order");
    assert_eq!(labelled_members(&cps, "many").await, expected);
    let members = cps.list(&ListParams::default().labels(&format!("{FLEET_LABEL}=many"))).await.unwrap();
    for cp in &members.items {
        assert!(cp.is_ready());
        assert_member_of(cp, &ready);
    }
    let member_versions: Vec<Option<String>> =
        members.items.iter().map(|cp| cp.metadata.resource_version.clone()).collect();

    // Settled: a metadata-only change is not answered with a status write. To know the
    // controller has been through it, a spec change that means nothing follows (the default
    // name prefix, spelled out): its only trace must be one status write for the new generation.
    let label = json!({"metadata": {"labels": {"touched": "yes"}}});
    let labelled = fleets.patch("many", &PatchParams::default(), &Patch::Merge(label)).await.unwrap();
    assert_eq!(labelled.metadata.generation, ready.metadata.generation, "labels do not bump the generation");
    let prefix = json!({"spec": {"namePrefix": "many-"}});
    let bumped = fleets.patch("many", &PatchParams::default(), &Patch::Merge(prefix)).await.unwrap();
    let generation = bumped.metadata.generation.unwrap();
    assert!(generation > ready.metadata.generation.unwrap());
    let mut after: Vec<Fleet> = Vec::new();
    let observe = async {
        loop {
            let fleet = next().await;
            let observed = fleet.status.as_ref().is_some_and(|s| s.observed_generation == Some(generation));
            after.push(fleet);
            if observed {
                break;
            }
        }
    };
    tokio::time::timeout(FLEET_WAIT, observe).await.expect("the controller to observe the new generation");
    let versions: Vec<&str> = after.iter().map(|f| f.metadata.resource_version.as_deref().unwrap()).collect();
    assert_eq!(versions.len(), 3, "the label patch, the spec patch, one status write — nothing else: {after:#?}");
    assert_eq!(
        versions[..2],
        [labelled.metadata.resource_version.as_deref().unwrap(), bumped.metadata.resource_version.as_deref().unwrap()]
    );
    assert_eq!(after[0].status, ready.status, "the label patch left the status as it was");
    let (old, new) = (ready.status.clone().unwrap(), after[2].status.clone().unwrap());
    assert_eq!(new.members, old.members, "the members' phases and transition times are unchanged");
    assert_eq!(new.ready_replicas, REPLICAS);
    assert!(settled_ready(&after[2], REPLICAS));
    assert_eq!(
        ready_condition(&after[2]).unwrap().last_transition_time,
        ready_condition(&ready).unwrap().last_transition_time,
        "Ready did not transition"
    );

    // The members were not written either.
    let now = cps.list(&ListParams::default().labels(&format!("{FLEET_LABEL}=many"))).await.unwrap();
    let now_versions: Vec<Option<String>> = now.items.iter().map(|cp| cp.metadata.resource_version.clone()).collect();
    assert_eq!(now_versions, member_versions, "no member ControlPlane was rewritten");
}
