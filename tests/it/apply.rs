//! Server-side apply through kube-rs `Patch::Apply`: create on apply, managedFields, conflicts
//! with another manager (409 `FieldManagerConflict`) and `force`, apply on `/status`, dry run,
//! and the request checks (fieldManager required, `force` only for apply, YAML bodies).

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::Api;
use kube::api::{Patch, PatchParams, PostParams};
use serde_json::{Value, json};

use crate::common::{TestServer, raw};

fn deployment(replicas: i32, containers: Value) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": containers}}}
    })
}

fn managers(object: &impl kube::Resource) -> Vec<(String, String)> {
    let entries = object.meta().managed_fields.clone().unwrap_or_default();
    entries.into_iter().map(|e| (e.manager.unwrap_or_default(), e.operation.unwrap_or_default())).collect()
}

#[tokio::test]
async fn apply_creates_owns_conflicts_and_forces() {
    let server = TestServer::start().await;
    let deployments: Api<Deployment> = Api::namespaced(server.client("apply").await, "default");
    let ci = PatchParams::apply("ci");
    let one = deployment(1, json!([{"name": "app", "image": "nginx"}]));
    let created = deployments.patch("web", &ci, &Patch::Apply(&one)).await.expect("apply creates");
    assert_eq!(managers(&created), [("ci".to_string(), "Apply".to_string())]);
    assert_eq!(created.metadata.generation, Some(1));

    // Another manager applies the same replicas (shared) and a container of its own.
    let sidecar = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "sidecar", "image": "envoy"}]}}}});
    let shared = deployments.patch("web", &PatchParams::apply("mesh"), &Patch::Apply(&sidecar)).await.unwrap();
    let names: Vec<String> =
        shared.spec.unwrap().template.spec.unwrap().containers.into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["app", "sidecar"]);

    // ci changing replicas now conflicts with mesh, which owns it too.
    let three = deployment(3, json!([{"name": "app", "image": "nginx"}]));
    let err = deployments.patch("web", &ci, &Patch::Apply(&three)).await.unwrap_err();
    let kube::Error::Api(status) = err else { panic!("an API error: {err:?}") };
    assert_eq!((status.code, status.reason.as_str()), (409, "Conflict"));
    assert_eq!(status.message, "Apply failed with 1 conflict: conflict with \"mesh\": .spec.replicas");
    let unchanged = deployments.get("web").await.unwrap();
    assert_eq!(unchanged.spec.unwrap().replicas, Some(1));

    let forced = deployments.patch("web", &ci.clone().force(), &Patch::Apply(&three)).await.expect("force");
    assert_eq!(forced.spec.as_ref().unwrap().replicas, Some(3));
    assert_eq!(forced.metadata.generation, Some(3), "two spec changes since the create");
    // mesh lost replicas; mesh dropping its config now removes only its own container.
    let empty = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}});
    let after = deployments.patch("web", &PatchParams::apply("mesh"), &Patch::Apply(&empty)).await.unwrap();
    let spec = after.spec.unwrap();
    assert_eq!(spec.replicas, Some(3));
    let names: Vec<String> = spec.template.spec.unwrap().containers.into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["app"]);
}

#[tokio::test]
async fn updates_record_their_manager_and_apply_dry_run_writes_nothing() {
    let server = TestServer::start().await;
    let client = server.client("apply").await;
    let configmaps: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let params = PostParams { field_manager: Some("creator".into()), ..PostParams::default() };
    let created = configmaps.create(&params, &crate::common::configmap("cm", "v")).await.unwrap();
    assert_eq!(managers(&created), [("creator".to_string(), "Update".to_string())]);

    let config = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"key": "w"}});
    let err = configmaps.patch("cm", &PatchParams::apply("ci"), &Patch::Apply(&config)).await.unwrap_err();
    assert!(matches!(&err, kube::Error::Api(s) if s.code == 409), "{err:?}");
    let dry = configmaps.patch("cm", &PatchParams::apply("ci").force().dry_run(), &Patch::Apply(&config)).await;
    assert_eq!(dry.unwrap().data.unwrap()["key"], "w");
    assert_eq!(configmaps.get("cm").await.unwrap().data.unwrap()["key"], "v", "dry run wrote nothing");

    // A merge patch without fieldManager is recorded under the client's user agent.
    let merge = json!({"data": {"other": "x"}});
    let patched = configmaps.patch("cm", &PatchParams::default(), &Patch::Merge(&merge)).await.unwrap();
    let owners = managers(&patched);
    assert_eq!(owners.len(), 2, "{owners:?}");
    assert!(owners.contains(&("creator".to_string(), "Update".to_string())));
}

#[tokio::test]
async fn apply_on_status_owns_status_only() {
    let server = TestServer::start().await;
    let deployments: Api<Deployment> = Api::namespaced(server.client("apply").await, "default");
    let spec = deployment(2, json!([{"name": "app", "image": "nginx"}]));
    deployments.patch("web", &PatchParams::apply("ci"), &Patch::Apply(&spec)).await.unwrap();
    let status = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 9}, "status": {"replicas": 2, "readyReplicas": 2}});
    let after =
        deployments.patch_status("web", &PatchParams::apply("controller"), &Patch::Apply(&status)).await.unwrap();
    assert_eq!(after.spec.as_ref().unwrap().replicas, Some(2), "status writes leave spec alone");
    assert_eq!(after.status.as_ref().unwrap().ready_replicas, Some(2));
    let entry = after.metadata.managed_fields.unwrap().into_iter().find(|e| e.manager.as_deref() == Some("controller"));
    let entry = entry.expect("the status applier's entry");
    assert_eq!(entry.subresource.as_deref(), Some("status"));
    assert_eq!(entry.fields_v1.unwrap().0, json!({"f:status": {"f:readyReplicas": {}, "f:replicas": {}}}));
}

#[tokio::test]
async fn apply_requests_are_checked() {
    let server = TestServer::start().await;
    let client = server.client("apply").await;
    let path = "/api/v1/namespaces/default/configmaps/cm";
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  key: v\n";
    let apply = [("content-type", "application/apply-patch+yaml")];

    let (code, body, _) = raw(&client, "PATCH", path, &apply, yaml.into()).await;
    assert_eq!(code, 422, "{body}");
    assert!(body.contains("fieldManager: Required value"), "{body}");
    // Whatever the user agent: only other writes default their manager to it.
    let with_agent = [apply[0], ("user-agent", "python3/v0.0.0 (linux/amd64) kubernetes/$Format")];
    let (code, body, _) = raw(&client, "PATCH", path, &with_agent, yaml.into()).await;
    assert_eq!(code, 422, "{body}");
    assert!(body.contains("fieldManager: Required value"), "{body}");

    let (code, body, _) = raw(&client, "PATCH", &format!("{path}?fieldManager=raw"), &apply, yaml.into()).await;
    assert_eq!(code, 201, "create on apply answers 201: {body}");
    let (code, _, _) = raw(&client, "PATCH", &format!("{path}?fieldManager=raw"), &apply, yaml.into()).await;
    assert_eq!(code, 200);

    let renamed = yaml.replace("name: cm", "name: other");
    let (code, body, _) = raw(&client, "PATCH", &format!("{path}?fieldManager=raw"), &apply, renamed.into()).await;
    assert_eq!(code, 400, "{body}");
    let wrong_kind = yaml.replace("kind: ConfigMap", "kind: Secret");
    let (code, body, _) = raw(&client, "PATCH", &format!("{path}?fieldManager=raw"), &apply, wrong_kind.into()).await;
    assert_eq!(code, 400, "{body}");
    let kindless = yaml.replace("kind: ConfigMap\n", "");
    let (code, body, _) = raw(&client, "PATCH", &format!("{path}?fieldManager=raw"), &apply, kindless.into()).await;
    assert_eq!(code, 400, "{body}");
    assert!(body.contains("kind must be set"), "{body}");
    let (code, body, _) = raw(&client, "PATCH", &format!("{path}?fieldManager=raw"), &apply, b"{: [".to_vec()).await;
    assert_eq!(code, 400, "{body}");

    let merge = [("content-type", "application/merge-patch+json")];
    let (code, body, _) = raw(&client, "PATCH", &format!("{path}?force=true"), &merge, b"{}".to_vec()).await;
    assert_eq!(code, 422, "{body}");
    assert!(body.contains("force: Forbidden"), "{body}");
}

#[tokio::test]
async fn the_scale_subresource_applies_and_records_its_manager() {
    let server = TestServer::start().await;
    let deployments: Api<Deployment> = Api::namespaced(server.client("apply").await, "default");
    let spec = deployment(1, json!([{"name": "app", "image": "nginx"}]));
    deployments.patch("web", &PatchParams::apply("ci"), &Patch::Apply(&spec)).await.unwrap();

    // An autoscaler applies replicas through /scale, and owns them with subresource scale.
    let scale = json!({"apiVersion": "autoscaling/v1", "kind": "Scale", "spec": {"replicas": 4}});
    let scaled = deployments.patch_scale("web", &PatchParams::apply("autoscaler").force(), &Patch::Apply(&scale)).await;
    assert_eq!(scaled.expect("apply on /scale").spec.unwrap().replicas, Some(4));
    let deployment_now = deployments.get("web").await.unwrap();
    assert_eq!(deployment_now.spec.as_ref().unwrap().replicas, Some(4));
    let entries = deployment_now.metadata.managed_fields.unwrap();
    let autoscaler = entries.iter().find(|e| e.manager.as_deref() == Some("autoscaler")).expect("its entry");
    assert_eq!((autoscaler.operation.as_deref(), autoscaler.subresource.as_deref()), (Some("Apply"), Some("scale")));
    assert_eq!(autoscaler.fields_v1.as_ref().unwrap().0, json!({"f:spec": {"f:replicas": {}}}));

    // The object's applier now conflicts over replicas with the autoscaler.
    let err = deployments.patch("web", &PatchParams::apply("ci"), &Patch::Apply(&spec)).await.unwrap_err();
    let kube::Error::Api(status) = err else { panic!("an API error: {err:?}") };
    assert_eq!(
        status.message,
        "Apply failed with 1 conflict: conflict with \"autoscaler\" with subresource \"scale\": .spec.replicas"
    );

    // A merge patch of /scale is an Update with subresource scale.
    let merge = json!({"spec": {"replicas": 2}});
    let params = PatchParams { field_manager: Some("kubectl-scale".into()), ..PatchParams::default() };
    deployments.patch_scale("web", &params, &Patch::Merge(&merge)).await.unwrap();
    let entries = deployments.get("web").await.unwrap().metadata.managed_fields.unwrap();
    let scaler = entries.iter().find(|e| e.manager.as_deref() == Some("kubectl-scale")).expect("its entry");
    assert_eq!((scaler.operation.as_deref(), scaler.subresource.as_deref()), (Some("Update"), Some("scale")));
}
