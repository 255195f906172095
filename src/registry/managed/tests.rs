use serde_json::{Value, json};

use super::*;
use crate::registry::schema;

fn deployment() -> Shape<'static> {
    Shape::Message(schema::message("k8s.io.api.apps.v1.Deployment").unwrap())
}

fn writer(manager: &str) -> Writer {
    Writer { manager: manager.into(), api_version: "apps/v1".into(), scope: Scope::Main }
}

fn apply_as(live: Option<&Value>, config: &Value, manager: &str, force: bool) -> ApiResult<Value> {
    apply(live, config, deployment(), &writer(manager), force, |merged| merged)
}

/// `manager`'s entry, as (operation, fieldsV1).
fn entry(object: &Value, manager: &str) -> Option<(String, Value)> {
    let entries = object["metadata"]["managedFields"].as_array()?;
    let found = entries.iter().find(|e| e["manager"] == manager)?;
    Some((found["operation"].as_str()?.into(), found["fieldsV1"].clone()))
}

fn created_by(manager: &str, object: Value) -> Value {
    let mut object = object;
    record_update(None, &mut object, deployment(), &writer(manager));
    object
}

fn app(replicas: i64, image: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": "app", "image": image}]}}}})
}

#[test]
fn an_update_owns_what_it_set() {
    let object = created_by("kubectl-create", app(1, "nginx"));
    let (operation, fields) = entry(&object, "kubectl-create").unwrap();
    assert_eq!(operation, "Update");
    assert_eq!(
        fields,
        json!({"f:metadata": {"f:labels": {"f:app": {}}}, "f:spec": {"f:replicas": {},
            "f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}})
    );
    assert_eq!(object["metadata"]["managedFields"][0]["apiVersion"], "apps/v1");
}

#[test]
fn an_update_takes_changed_fields_from_other_managers() {
    let old = created_by("creator", app(1, "nginx"));
    let mut new = old.clone();
    new["spec"]["replicas"] = json!(5);
    record_update(Some(&old), &mut new, deployment(), &writer("scaler"));
    let (_, scaler) = entry(&new, "scaler").unwrap();
    assert_eq!(scaler, json!({"f:spec": {"f:replicas": {}}}));
    let (_, creator) = entry(&new, "creator").unwrap();
    assert!(creator["f:spec"].get("f:replicas").is_none());
}

#[test]
fn an_unchanged_write_changes_no_entry() {
    let old = created_by("creator", app(1, "nginx"));
    let mut new = old.clone();
    record_update(Some(&old), &mut new, deployment(), &writer("someone"));
    assert_eq!(new["metadata"]["managedFields"], old["metadata"]["managedFields"]);
}

#[test]
fn apply_conflicts_with_another_managers_different_value() {
    let live = created_by("kubectl-create", app(1, "nginx"));
    let err = apply_as(Some(&live), &app(3, "nginx"), "ci", false).unwrap_err();
    assert_eq!((err.code, err.reason), (409, "Conflict"));
    assert!(err.message.starts_with("Apply failed with 1 conflict: conflict with \"kubectl-create\" using apps/v1"));
    assert!(err.message.ends_with(": .spec.replicas"), "{}", err.message);
    let causes = &err.details.unwrap().causes;
    assert_eq!(causes.len(), 1);
    assert_eq!((causes[0].reason.as_str(), causes[0].field.as_str()), ("FieldManagerConflict", ".spec.replicas"));
}

#[test]
fn apply_with_the_same_values_shares_ownership() {
    let live = created_by("kubectl-create", app(1, "nginx"));
    let applied = apply_as(Some(&live), &app(1, "nginx"), "ci", false).unwrap();
    let (operation, fields) = entry(&applied, "ci").unwrap();
    assert_eq!(operation, "Apply");
    assert!(fields["f:spec"].get("f:replicas").is_some());
    let (_, creator) = entry(&applied, "kubectl-create").unwrap();
    assert!(creator["f:spec"].get("f:replicas").is_some(), "both own it");
}

#[test]
fn forced_apply_takes_the_field() {
    let live = created_by("kubectl-create", app(1, "nginx"));
    let applied = apply_as(Some(&live), &app(3, "nginx"), "ci", true).unwrap();
    assert_eq!(applied["spec"]["replicas"], 3);
    let (_, creator) = entry(&applied, "kubectl-create").unwrap();
    assert!(creator["f:spec"].get("f:replicas").is_none());
    assert!(entry(&applied, "ci").unwrap().1["f:spec"].get("f:replicas").is_some());
}

#[test]
fn fields_an_applier_drops_are_removed_unless_someone_else_owns_them() {
    let mut config = app(1, "nginx");
    config["metadata"]["annotations"] = json!({"a": "1", "b": "2"});
    let live = apply_as(None, &config, "ci", false).unwrap();
    // Another manager takes annotation b.
    let mut updated = live.clone();
    updated["metadata"]["annotations"]["b"] = json!("3");
    record_update(Some(&live), &mut updated, deployment(), &writer("editor"));
    // The applier stops applying both annotations.
    let mut smaller = app(1, "nginx");
    smaller["metadata"]["annotations"] = json!({});
    let applied = apply_as(Some(&updated), &smaller, "ci", false).unwrap();
    assert_eq!(applied["metadata"]["annotations"], json!({"b": "3"}));
}

#[test]
fn apply_merges_list_elements_by_key_and_removes_dropped_ones() {
    let mut two = app(1, "nginx");
    two["spec"]["template"]["spec"]["containers"] =
        json!([{"name": "app", "image": "nginx"}, {"name": "sidecar", "image": "envoy"}]);
    let live = apply_as(None, &two, "ci", false).unwrap();
    let applied = apply_as(Some(&live), &app(1, "nginx:2"), "ci", false).unwrap();
    assert_eq!(applied["spec"]["template"]["spec"]["containers"], json!([{"name": "app", "image": "nginx:2"}]));
}

#[test]
fn a_repeated_apply_changes_nothing() {
    let live = apply_as(None, &app(1, "nginx"), "ci", false).unwrap();
    let again = apply_as(Some(&live), &app(1, "nginx"), "ci", false).unwrap();
    assert_eq!(again, live);
}

#[test]
fn apply_refuses_managed_fields_and_duplicate_keys() {
    let mut config = app(1, "nginx");
    config["metadata"]["managedFields"] = json!([]);
    assert_eq!(apply_as(None, &config, "ci", false).unwrap_err().code, 400);
    let mut twice = app(1, "nginx");
    twice["spec"]["template"]["spec"]["containers"] = json!([{"name": "a"}, {"name": "a"}]);
    assert_eq!(apply_as(None, &twice, "ci", false).unwrap_err().code, 422);
}

#[test]
fn status_scope_owns_only_status() {
    let live = created_by("creator", app(1, "nginx"));
    let status_writer = Writer { manager: "controller".into(), api_version: "apps/v1".into(), scope: Scope::Status };
    let mut config = app(9, "ignored");
    config["status"] = json!({"replicas": 1});
    let applied = apply(Some(&live), &config, deployment(), &status_writer, false, |merged| {
        let mut reset = live.clone();
        reset["status"] = merged["status"].clone();
        reset
    })
    .unwrap();
    assert_eq!(applied["spec"]["replicas"], 1);
    let entries = applied["metadata"]["managedFields"].as_array().unwrap();
    let status_entry = entries.iter().find(|e| e["manager"] == "controller").unwrap();
    assert_eq!(status_entry["subresource"], "status");
    assert_eq!(status_entry["fieldsV1"], json!({"f:status": {"f:replicas": {}}}));
}

#[test]
fn clients_may_rewrite_or_clear_managed_fields() {
    let old = created_by("creator", app(1, "nginx"));
    let mut rewritten = old.clone();
    rewritten["metadata"]["managedFields"][0]["manager"] = json!("renamed");
    record_update(Some(&old), &mut rewritten, deployment(), &writer("kubectl"));
    assert!(entry(&rewritten, "renamed").is_some());
    assert!(entry(&rewritten, "creator").is_none());

    let mut cleared = old.clone();
    cleared["metadata"]["managedFields"] = json!([{}]);
    record_update(Some(&old), &mut cleared, deployment(), &writer("kubectl"));
    assert!(cleared["metadata"].get("managedFields").is_none());
}

#[test]
fn update_managers_are_capped() {
    let mut object = created_by("m0", app(0, "nginx"));
    for i in 1..=12 {
        let old = object.clone();
        object["metadata"]["labels"][format!("l{i}")] = json!("x");
        record_update(Some(&old), &mut object, deployment(), &writer(&format!("m{i}")));
    }
    let entries = object["metadata"]["managedFields"].as_array().unwrap();
    assert!(entries.len() <= MAX_UPDATE_MANAGERS, "{}", entries.len());
    assert!(entries.iter().any(|e| e["manager"] == ANCIENT_MANAGER));
}

#[test]
fn manager_names_default_to_the_user_agent() {
    let name = manager_name(None, Some("kubectl/v1.33.0 (linux/amd64) kubernetes/abc"), "PatchOptions").unwrap();
    assert_eq!(name, "kubectl");
    assert_eq!(manager_name(Some("mine"), Some("kubectl/v1"), "PatchOptions").unwrap(), "mine");
    assert_eq!(manager_name(Some(&"x".repeat(129)), None, "PatchOptions").unwrap_err().code, 422);
}

#[test]
fn kubectl_moves_from_client_side_apply_without_conflicts_while_the_last_configuration_holds() {
    let configmap = || Shape::Message(schema::message("k8s.io.api.core.v1.ConfigMap").unwrap());
    let last = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}});
    let mut live = last.clone();
    live["metadata"]["annotations"] = json!({LAST_APPLIED: last.to_string()});
    let csa = Writer { manager: "kubectl-client-side-apply".into(), api_version: "v1".into(), scope: Scope::Object };
    record_update(None, &mut live, configmap(), &csa);
    let config = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "2"}});
    let as_manager = |live: &Value, manager: &str| {
        let writer = Writer { manager: manager.into(), api_version: "v1".into(), scope: Scope::Object };
        apply(Some(live), &config, configmap(), &writer, false, |merged| merged)
    };
    assert_eq!(as_manager(&live, "kubectl").unwrap()["data"]["a"], "2");
    assert_eq!(as_manager(&live, "someone-else").unwrap_err().code, 409, "only kubectl's default manager");
    // Once another writer changed the field, the last configuration no longer vouches for it.
    let mut edited = live.clone();
    edited["data"]["a"] = json!("9");
    let editor = Writer { manager: "kubectl-edit".into(), api_version: "v1".into(), scope: Scope::Object };
    record_update(Some(&live), &mut edited, configmap(), &editor);
    assert_eq!(as_manager(&edited, "kubectl").unwrap_err().code, 409);
}

#[test]
fn custom_resource_metadata_is_typed_so_dropping_labels_keeps_it() {
    let schema = json!({"type": "object", "properties": {"spec": {"type": "object",
        "properties": {"size": {"type": "integer"}}}}});
    let shape = Shape::Schema(&schema);
    let writer = Writer { manager: "ci".into(), api_version: "example.com/v1".into(), scope: Scope::Object };
    let config = json!({"apiVersion": "example.com/v1", "kind": "Widget",
        "metadata": {"name": "w", "labels": {"a": "b"}}, "spec": {"size": 1}});
    let mut live = apply(None, &config, shape, &writer, false, |merged| merged).unwrap();
    live["metadata"]["uid"] = json!("1234");
    let (_, fields) = entry(&live, "ci").unwrap();
    assert_eq!(fields["f:metadata"], json!({"f:labels": {"f:a": {}}}));
    let unlabelled = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
        "spec": {"size": 1}});
    let applied = apply(Some(&live), &unlabelled, shape, &writer, false, |merged| merged).unwrap();
    assert_eq!(applied["metadata"]["uid"], "1234");
    assert!(applied["metadata"].get("labels").is_none_or(|l| l.as_object().unwrap().is_empty()));
}

#[test]
fn kubectl_applies_keep_the_client_side_annotation_in_step() {
    let mut live = created_by("kubectl-client-side-apply", app(1, "nginx"));
    live["metadata"]["annotations"] = json!({LAST_APPLIED: app(1, "nginx").to_string(), "team": "a"});
    let applied = apply_as(Some(&live), &app(1, "nginx:2"), "kubectl", true).unwrap();
    let annotation = applied["metadata"]["annotations"][LAST_APPLIED].as_str().unwrap();
    assert_eq!(serde_json::from_str::<Value>(annotation).unwrap(), app(1, "nginx:2"));
    assert_eq!(applied["metadata"]["annotations"]["team"], "a");
    let other = apply_as(Some(&live), &app(1, "nginx:3"), "ci", true).unwrap();
    assert_eq!(other["metadata"]["annotations"][LAST_APPLIED], live["metadata"]["annotations"][LAST_APPLIED]);
}
