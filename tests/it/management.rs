//! The management API (`controlplane.kplane.dev/v1alpha1`, served by the root plane only) and
//! the controlplane controller behind it: a `ControlPlane` becomes a served plane with a
//! `Ready` condition, an endpoint and a kubeconfig Secret whose token works on that plane only;
//! deleting it destroys or retains the plane's data as its policy says; bad specs are reported
//! in the condition; all of it survives a restart.

use std::time::Duration;

use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Secret};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::APIResourceList;
use kplane::server::ServerConfig;
use kplane::types::PlaneName;
use kplane::types::controlplane::{
    self as api, ControlPlane, ControlPlaneClass, ControlPlaneEndpoint, LocalObjectReference,
};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::discovery::Discovery;
use serde_json::{Value, json};

use crate::common::{TestServer, configmap, eventually, raw};

/// The annotation on a ControlPlane the server made because its plane was first addressed.
const CREATED_ON_FIRST_ACCESS: &str = "controlplane.kplane.dev/created-on-first-access";

async fn control_planes(server: &TestServer) -> Api<ControlPlane> {
    Api::all(server.client("root").await)
}

async fn system_secrets(server: &TestServer) -> Api<Secret> {
    Api::namespaced(server.client("root").await, api::SYSTEM_NAMESPACE)
}

async fn create(cps: &Api<ControlPlane>, cp: ControlPlane) -> ControlPlane {
    cps.create(&PostParams::default(), &cp).await.expect("the ControlPlane is created")
}

/// Polls until the ControlPlane is Ready=True; returns it.
async fn ready(cps: &Api<ControlPlane>, name: &str) -> ControlPlane {
    eventually(&format!("ControlPlane {name} to be Ready"), || async {
        cps.get_opt(name).await.expect("get ControlPlane").filter(ControlPlane::is_ready)
    })
    .await
}

/// Polls until the ControlPlane's Ready condition is False with `reason`; returns it.
async fn not_ready(cps: &Api<ControlPlane>, name: &str, reason: &str) -> ControlPlane {
    eventually(&format!("ControlPlane {name} to be Ready=False/{reason}"), || async {
        let cp = cps.get_opt(name).await.expect("get ControlPlane")?;
        cp.ready_condition().is_some_and(|c| c.status == "False" && c.reason == reason).then_some(cp)
    })
    .await
}

/// Polls until the ControlPlane is gone (its finalizer released).
async fn gone(cps: &Api<ControlPlane>, name: &str) {
    eventually(&format!("ControlPlane {name} to be gone"), || async {
        cps.get_opt(name).await.expect("get ControlPlane").is_none().then_some(())
    })
    .await
}

/// Bumps the ControlPlane's generation with a change that means nothing (`spec.mode` between
/// unset and `Virtual`, its default) and waits until the controller has reported on it: every
/// reconcile queued before has then finished, since passes for one name run one at a time.
async fn settle(cps: &Api<ControlPlane>, name: &str) -> ControlPlane {
    let current = cps.get(name).await.expect("get ControlPlane");
    let mode = if current.spec.mode.is_some() { Value::Null } else { json!("Virtual") };
    let patch = json!({"spec": {"mode": mode}});
    let patched = cps.patch(name, &PatchParams::default(), &Patch::Merge(patch)).await.expect("patch spec.mode");
    let generation = patched.metadata.generation.expect("a generation");
    assert!(generation > current.metadata.generation.unwrap_or_default(), "a spec change bumps the generation");
    eventually(&format!("ControlPlane {name} to observe generation {generation}"), || async {
        let cp = cps.get(name).await.expect("get ControlPlane");
        let status = cp.status.as_ref()?;
        let observed = status.observed_generation == Some(generation)
            && cp.ready_condition().is_some_and(|c| c.observed_generation == Some(generation));
        observed.then_some(cp)
    })
    .await
}

/// What the kubeconfig Secret of a plane holds.
#[derive(Debug, PartialEq)]
struct Credentials {
    kubeconfig: String,
    token: String,
    ca: String,
    endpoint: String,
    resource_version: String,
}

impl Credentials {
    fn of(secret: &Secret) -> Credentials {
        let data = secret.data.as_ref().expect("the Secret has data");
        let key = |k: &str| {
            let bytes = data.get(k).unwrap_or_else(|| panic!("the Secret has key {k}")).0.clone();
            String::from_utf8(bytes).unwrap_or_else(|_| panic!("key {k} is UTF-8"))
        };
        Credentials {
            kubeconfig: key("kubeconfig"),
            token: key("token"),
            ca: key("ca.crt"),
            endpoint: key("endpoint"),
            resource_version: secret.metadata.resource_version.clone().expect("a resourceVersion"),
        }
    }

    /// A client built from the kubeconfig alone: its server, its CA (TLS verified), its token.
    async fn client(&self) -> kube::Client {
        let kubeconfig = Kubeconfig::from_yaml(&self.kubeconfig).expect("the kubeconfig loads");
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
            .await
            .expect("the kubeconfig makes a client config");
        kube::Client::try_from(config).expect("client builds")
    }
}

/// The Secret `status.kubeconfigSecretRef` names, which must exist.
async fn credentials(server: &TestServer, cp: &ControlPlane) -> Credentials {
    let status = cp.status.as_ref().expect("a status");
    let reference = status.kubeconfig_secret_ref.as_ref().expect("status.kubeconfigSecretRef");
    let name = cp.metadata.name.as_deref().unwrap();
    assert_eq!(reference.name, api::kubeconfig_secret_name(name));
    assert_eq!(reference.namespace, api::SYSTEM_NAMESPACE);
    let secrets: Api<Secret> = Api::namespaced(server.client("root").await, &reference.namespace);
    let secret = secrets.get(&reference.name).await.expect("the kubeconfig Secret exists");
    let labels = secret.metadata.labels.clone().unwrap_or_default();
    assert_eq!(labels.get(api::NAME_LABEL).map(String::as_str), Some(name), "the Secret names its ControlPlane");
    Credentials::of(&secret)
}

/// The status code of `GET path` through `client`.
async fn get_code(client: &kube::Client, path: &str) -> u16 {
    raw(client, "GET", path, &[], vec![]).await.0
}

async fn plane_exists(server: &TestServer, plane: &str) -> bool {
    server.running.registry.plane_exists(&PlaneName::parse(plane).unwrap()).await.unwrap()
}

fn ready_reason(cp: &ControlPlane) -> (&str, &str) {
    let condition = cp.ready_condition().expect("a Ready condition");
    (condition.status.as_str(), condition.reason.as_str())
}

#[tokio::test]
async fn only_the_root_plane_serves_the_management_api() {
    let server = TestServer::start().await;
    let root = server.client("root").await;
    let path = "/apis/controlplane.kplane.dev/v1alpha1";

    let (code, text, _) = raw(&root, "GET", path, &[], vec![]).await;
    assert_eq!(code, 200, "{text}");
    let list: APIResourceList = serde_json::from_str(&text).expect("an APIResourceList");
    assert_eq!(list.group_version, "controlplane.kplane.dev/v1alpha1");
    let mut main: Vec<(String, String, bool)> = list
        .resources
        .iter()
        .filter(|r| !r.name.contains('/'))
        .map(|r| (r.name.clone(), r.kind.clone(), r.namespaced))
        .collect();
    main.sort();
    assert_eq!(
        main,
        [
            ("controlplaneclasses".to_string(), "ControlPlaneClass".to_string(), false),
            ("controlplaneendpoints".to_string(), "ControlPlaneEndpoint".to_string(), false),
            ("controlplanes".to_string(), "ControlPlane".to_string(), false),
        ]
    );
    assert!(list.resources.iter().any(|r| r.name == "controlplanes/status"), "ControlPlane has a status subresource");

    let discovery = Discovery::new(root.clone()).run().await.expect("discovery on the root plane");
    let group = discovery.get(api::GROUP).expect("the root plane lists controlplane.kplane.dev");
    let mut kinds: Vec<String> = group.recommended_resources().iter().map(|(r, _)| r.kind.clone()).collect();
    kinds.sort();
    assert_eq!(kinds, ["ControlPlane", "ControlPlaneClass", "ControlPlaneEndpoint"]);

    // A virtual control plane serves none of it.
    let vcp = server.client("team-a").await;
    assert_eq!(get_code(&vcp, path).await, 404);
    let discovery = Discovery::new(vcp.clone()).run().await.expect("discovery on a plane");
    assert!(discovery.get(api::GROUP).is_none(), "a plane does not list the management group");
    let err = Api::<ControlPlane>::all(vcp).list(&ListParams::default()).await.unwrap_err();
    assert!(matches!(&err, kube::Error::Api(s) if s.code == 404), "{err:?}");

    // What the management API starts with.
    let starter = Api::<ControlPlaneClass>::all(root.clone()).get(api::DEFAULT_CLASS).await.expect("class starter");
    assert_eq!(starter.spec.deletion_policy.as_deref(), Some("Destroy"));
    Api::<Namespace>::all(root).get(api::SYSTEM_NAMESPACE).await.expect("the kplane-system namespace");
}

#[tokio::test]
async fn a_control_plane_becomes_ready_with_a_kubeconfig_for_its_plane_only() {
    let server = TestServer::start().await;
    let cps = control_planes(&server).await;
    create(&cps, ControlPlane::named("demo")).await;

    let cp = ready(&cps, "demo").await;
    let status = cp.status.clone().unwrap();
    assert_eq!(status.endpoint.as_deref(), Some(server.running.url("demo").as_str()));
    assert_eq!(ready_reason(&cp).0, "True");
    assert!(cp.metadata.finalizers.unwrap_or_default().iter().any(|f| f == api::FINALIZER), "the finalizer is set");
    assert!(plane_exists(&server, "demo").await, "the plane was created");

    let creds = credentials(&server, &ready(&cps, "demo").await).await;
    assert!(creds.token.starts_with("kplane.demo."), "a token of plane demo: {}", creds.token);
    assert_eq!(creds.ca, server.running.ca_pem);
    assert_eq!(creds.endpoint, server.running.url("demo"));

    // The kubeconfig: the plane's URL, the CA inline, the token, TLS never skipped.
    let parsed: Value = serde_norway::from_str(&creds.kubeconfig).expect("the kubeconfig is YAML");
    let cluster = &parsed["clusters"][0]["cluster"];
    assert_eq!(cluster["server"], server.running.url("demo"));
    assert!(cluster["certificate-authority-data"].as_str().is_some_and(|ca| !ca.is_empty()), "{parsed}");
    assert!(cluster.get("insecure-skip-tls-verify").is_none(), "{parsed}");
    assert_eq!(parsed["users"][0]["user"]["token"], creds.token.as_str());
    assert!(parsed["current-context"].as_str().is_some_and(|c| !c.is_empty()));
    assert!(!creds.kubeconfig.contains(&server.running.admin_token), "the server's admin token is not handed out");

    // The kubeconfig works on its plane...
    let own = creds.client().await;
    let namespaces = Api::<Namespace>::all(own.clone()).list(&ListParams::default()).await.expect("list namespaces");
    let names: Vec<_> = namespaces.items.iter().filter_map(|n| n.metadata.name.clone()).collect();
    assert!(names.contains(&"default".to_string()), "{names:?}");
    let cms: Api<ConfigMap> = Api::namespaced(own, "default");
    cms.create(&PostParams::default(), &configmap("written-by-plane-admin", "v"))
        .await
        .expect("the plane admin writes");
    let seen = Api::<ConfigMap>::namespaced(server.client("demo").await, "default");
    assert!(seen.get_opt("written-by-plane-admin").await.unwrap().is_some(), "in plane demo");

    // ...and nowhere else: another plane and the management plane answer 403.
    let elsewhere = server.with_token("elsewhere", &creds.token).await;
    let err = Api::<Namespace>::all(elsewhere).list(&ListParams::default()).await.unwrap_err();
    assert!(matches!(&err, kube::Error::Api(s) if s.code == 403), "{err:?}");
    assert!(!plane_exists(&server, "elsewhere").await, "a refused request creates no plane");
    let root = server.with_token("root", &creds.token).await;
    let err = Api::<Namespace>::all(root.clone()).list(&ListParams::default()).await.unwrap_err();
    assert!(matches!(&err, kube::Error::Api(s) if s.code == 403), "{err:?}");
    let err = Api::<Secret>::namespaced(root, api::SYSTEM_NAMESPACE).list(&ListParams::default()).await.unwrap_err();
    assert!(matches!(&err, kube::Error::Api(s) if s.code == 403), "a plane admin cannot read the kubeconfig Secrets");
    // A token naming the plane but not issued by the server is refused.
    let forged = server.with_token("demo", "kplane.demo.forged").await;
    assert_eq!(get_code(&forged, "/api/v1/namespaces").await, 401);
}

#[tokio::test]
async fn reconciling_again_does_not_rotate_the_token() {
    let server = TestServer::start().await;
    let cps = control_planes(&server).await;
    create(&cps, ControlPlane::named("steady")).await;
    let before = credentials(&server, &ready(&cps, "steady").await).await;
    let transition = ready(&cps, "steady").await.ready_condition().unwrap().last_transition_time.clone();

    // A metadata-only change, then a spec change the controller reports on: both reconciled.
    let labels = json!({"metadata": {"labels": {"touched": "yes"}}});
    cps.patch("steady", &PatchParams::default(), &Patch::Merge(labels)).await.expect("label the ControlPlane");
    let cp = settle(&cps, "steady").await;
    assert!(cp.is_ready());
    assert_eq!(cp.ready_condition().unwrap().last_transition_time, transition, "Ready did not transition");

    let after = credentials(&server, &cp).await;
    assert_eq!(after, before, "the Secret was not rewritten and the token not rotated");
    let client = server.with_token("steady", &after.token).await;
    assert_eq!(get_code(&client, "/api/v1/namespaces").await, 200, "the token still works");
}

#[tokio::test]
async fn a_cluster_path_names_the_plane() {
    let server = TestServer::start().await;
    let cps = control_planes(&server).await;
    let mut cp = ControlPlane::named("alias");
    cp.spec.virtual_ = Some(api::VirtualSpec { cluster_path: Some("real".into()) });
    create(&cps, cp).await;
    let cp = ready(&cps, "alias").await;
    assert_eq!(cp.status.as_ref().unwrap().endpoint.as_deref(), Some(server.running.url("real").as_str()));
    assert!(plane_exists(&server, "real").await);
    assert!(!plane_exists(&server, "alias").await, "no plane is made under the ControlPlane's own name");
    let creds = credentials(&server, &cp).await;
    assert!(creds.token.starts_with("kplane.real."), "a token of plane real");
    assert_eq!(get_code(&creds.client().await, "/api/v1/namespaces").await, 200);
    let elsewhere = server.with_token("alias", &creds.token).await;
    assert_eq!(get_code(&elsewhere, "/api/v1/namespaces").await, 403);

    // Destroy removes the plane it named.
    cps.delete("alias", &DeleteParams::default()).await.unwrap();
    gone(&cps, "alias").await;
    assert!(!plane_exists(&server, "real").await);
}

#[tokio::test]
async fn deleting_a_destroy_control_plane_removes_its_data_secret_and_token() {
    let server = TestServer::start().await;
    let cps = control_planes(&server).await;
    let secrets = system_secrets(&server).await;
    create(&cps, ControlPlane::named("doomed")).await;
    let creds = credentials(&server, &ready(&cps, "doomed").await).await;
    let plane_admin = server.with_token("doomed", &creds.token).await;
    let cms: Api<ConfigMap> = Api::namespaced(plane_admin.clone(), "default");
    cms.create(&PostParams::default(), &configmap("precious", "data")).await.unwrap();

    // Class starter says Destroy.
    cps.delete("doomed", &DeleteParams::default()).await.expect("delete the ControlPlane");
    gone(&cps, "doomed").await;
    assert!(secrets.get_opt(&api::kubeconfig_secret_name("doomed")).await.unwrap().is_none(), "the Secret is gone");
    assert!(!plane_exists(&server, "doomed").await, "the plane record is gone");
    assert_eq!(get_code(&plane_admin, "/api/v1/namespaces").await, 401, "the old token is refused");

    // Addressing the name again makes a new, empty plane.
    let fresh: Api<ConfigMap> = Api::namespaced(server.client("doomed").await, "default");
    assert!(fresh.get_opt("precious").await.unwrap().is_none(), "the old plane's data is gone");
    let new_cp = ready(&cps, "doomed").await;
    let new_creds = credentials(&server, &new_cp).await;
    assert_ne!(new_creds.token, creds.token);
    assert_eq!(get_code(&plane_admin, "/api/v1/namespaces").await, 401, "the old token stays refused");
}

#[tokio::test]
async fn deleting_a_retain_control_plane_keeps_its_data() {
    let server = TestServer::start().await;
    let cps = control_planes(&server).await;
    let secrets = system_secrets(&server).await;
    let mut cp = ControlPlane::named("kept");
    cp.spec.deletion_policy = Some("Retain".into()); // over class starter's Destroy
    create(&cps, cp).await;
    let creds = credentials(&server, &ready(&cps, "kept").await).await;
    let cms: Api<ConfigMap> = Api::namespaced(server.with_token("kept", &creds.token).await, "default");
    cms.create(&PostParams::default(), &configmap("precious", "data")).await.unwrap();

    cps.delete("kept", &DeleteParams::default()).await.unwrap();
    gone(&cps, "kept").await;
    assert!(secrets.get_opt(&api::kubeconfig_secret_name("kept")).await.unwrap().is_none(), "the Secret is gone");
    assert!(plane_exists(&server, "kept").await, "the plane stays");
    let admin: Api<ConfigMap> = Api::namespaced(server.client("kept").await, "default");
    let kept = admin.get("precious").await.expect("the data stays");
    assert_eq!(kept.data.unwrap()["key"], "data");
    let old = server.with_token("kept", &creds.token).await;
    assert_eq!(get_code(&old, "/api/v1/namespaces").await, 401, "the data stays, the handed-out token does not");
}

#[tokio::test]
async fn a_deleted_kubeconfig_secret_comes_back_with_a_new_token() {
    let server = TestServer::start().await;
    let cps = control_planes(&server).await;
    let secrets = system_secrets(&server).await;
    create(&cps, ControlPlane::named("lost")).await;
    let before = credentials(&server, &ready(&cps, "lost").await).await;

    secrets.delete(&api::kubeconfig_secret_name("lost"), &DeleteParams::default()).await.unwrap();
    let name = api::kubeconfig_secret_name("lost");
    let after = eventually("the Secret is written again", || async {
        secrets.get_opt(&name).await.ok().flatten().map(|s| Credentials::of(&s))
    })
    .await;
    assert_ne!(after.token, before.token, "a new token for the new Secret");
    let fresh = server.with_token("lost", &after.token).await;
    assert_eq!(get_code(&fresh, "/api/v1/namespaces").await, 200);
    let old = server.with_token("lost", &before.token).await;
    assert_eq!(get_code(&old, "/api/v1/namespaces").await, 401, "the token of the deleted Secret is revoked");
}

#[tokio::test]
async fn invalid_names_and_modes_are_reported_and_root_is_never_destroyed() {
    let server = TestServer::start().await;
    let cps = control_planes(&server).await;
    let root = server.client("root").await;
    let marker: Api<ConfigMap> = Api::namespaced(root.clone(), "default");
    marker.create(&PostParams::default(), &configmap("root-data", "stays")).await.unwrap();

    create(&cps, ControlPlane::named("root")).await;
    let cp = not_ready(&cps, "root", "ReservedName").await;
    assert!(cp.ready_condition().unwrap().message.contains("root"), "{:?}", cp.ready_condition());
    assert!(cp.status.unwrap().kubeconfig_secret_ref.is_none());

    let mut bad_path = ControlPlane::named("bad-path");
    bad_path.spec.virtual_ = Some(api::VirtualSpec { cluster_path: Some("Not_A_Label".into()) });
    create(&cps, bad_path).await;
    not_ready(&cps, "bad-path", "InvalidClusterPath").await;

    let mut physical = ControlPlane::named("physical");
    physical.spec.mode = Some("Physical".into());
    create(&cps, physical).await;
    not_ready(&cps, "physical", "ModeNotSupported").await;
    assert!(!plane_exists(&server, "physical").await, "no plane for a ControlPlane that is not served");
    let secrets = system_secrets(&server).await;
    assert!(secrets.get_opt(&api::kubeconfig_secret_name("physical")).await.unwrap().is_none());

    // Deleting the ControlPlane named root (class starter: Destroy) leaves the management plane be.
    for name in ["root", "bad-path", "physical"] {
        cps.delete(name, &DeleteParams::default()).await.unwrap();
        gone(&cps, name).await;
    }
    assert_eq!(marker.get("root-data").await.expect("root plane data stays").data.unwrap()["key"], "stays");
    Api::<ControlPlaneClass>::all(root).get(api::DEFAULT_CLASS).await.expect("class starter stays");
}

#[tokio::test]
async fn a_missing_class_is_waited_for() {
    let server = TestServer::start().await;
    let cps = control_planes(&server).await;
    let mut cp = ControlPlane::named("classy");
    cp.spec.class_ref = Some(LocalObjectReference { name: "custom".into() });
    create(&cps, cp).await;
    let cp = not_ready(&cps, "classy", "ClassNotFound").await;
    assert!(cp.ready_condition().unwrap().message.contains("custom"), "{:?}", cp.ready_condition());
    assert!(!plane_exists(&server, "classy").await);

    // The controller retries (every 2 s): creating the class is enough.
    let mut class = ControlPlaneClass::named("custom");
    class.spec.deletion_policy = Some("Retain".into());
    Api::<ControlPlaneClass>::all(server.client("root").await).create(&PostParams::default(), &class).await.unwrap();
    let cp = ready(&cps, "classy").await;
    let creds = credentials(&server, &cp).await;
    let cms: Api<ConfigMap> = Api::namespaced(server.with_token("classy", &creds.token).await, "default");
    cms.create(&PostParams::default(), &configmap("precious", "data")).await.unwrap();

    // The class's policy (Retain) applies when the ControlPlane sets none.
    cps.delete("classy", &DeleteParams::default()).await.unwrap();
    gone(&cps, "classy").await;
    assert!(plane_exists(&server, "classy").await, "class custom retains the plane");
    let admin: Api<ConfigMap> = Api::namespaced(server.client("classy").await, "default");
    assert!(admin.get_opt("precious").await.unwrap().is_some(), "the data stays");
}

#[tokio::test]
async fn an_endpoint_ref_sets_the_url_and_a_missing_endpoint_is_waited_for() {
    let server = TestServer::start().await;
    let cps = control_planes(&server).await;
    let endpoints: Api<ControlPlaneEndpoint> = Api::all(server.client("root").await);
    let endpoint = |name: &str, url: &str| {
        let mut endpoint = ControlPlaneEndpoint::named(name);
        endpoint.spec.external_endpoint = Some(url.into());
        endpoint
    };
    let with_endpoint = |name: &str, endpoint: &str| {
        let mut cp = ControlPlane::named(name);
        cp.spec.endpoint_ref = Some(LocalObjectReference { name: endpoint.into() });
        cp
    };

    endpoints.create(&PostParams::default(), &endpoint("edge", "https://example.test:9443")).await.unwrap();
    create(&cps, with_endpoint("edged", "edge")).await;
    let cp = ready(&cps, "edged").await;
    let url = "https://example.test:9443/clusters/edged/control-plane";
    assert_eq!(cp.status.as_ref().unwrap().endpoint.as_deref(), Some(url));
    let creds = credentials(&server, &cp).await;
    assert_eq!(creds.endpoint, url);
    let parsed: Value = serde_norway::from_str(&creds.kubeconfig).unwrap();
    assert_eq!(parsed["clusters"][0]["cluster"]["server"], url);

    // Moving the endpoint re-points the plane's status and kubeconfig.
    let moved = json!({"spec": {"externalEndpoint": "https://moved.test:1"}});
    endpoints.patch("edge", &PatchParams::default(), &Patch::Merge(moved)).await.unwrap();
    let url = "https://moved.test:1/clusters/edged/control-plane";
    eventually("the ControlPlane to follow its endpoint", || async {
        let cp = cps.get("edged").await.unwrap();
        (cp.is_ready() && cp.status.as_ref()?.endpoint.as_deref() == Some(url)).then_some(())
    })
    .await;
    let creds = eventually("the Secret to follow the endpoint", || async {
        let creds = credentials(&server, &cps.get("edged").await.unwrap()).await;
        (creds.endpoint == url).then_some(creds)
    })
    .await;
    let parsed: Value = serde_norway::from_str(&creds.kubeconfig).unwrap();
    assert_eq!(parsed["clusters"][0]["cluster"]["server"], url);

    // A missing endpoint: EndpointPending, no plane, no Secret; Ready once it appears.
    create(&cps, with_endpoint("late", "late-endpoint")).await;
    let cp = not_ready(&cps, "late", "EndpointPending").await;
    assert!(cp.ready_condition().unwrap().message.contains("late-endpoint"), "{:?}", cp.ready_condition());
    assert!(!plane_exists(&server, "late").await);
    let secrets = system_secrets(&server).await;
    assert!(secrets.get_opt(&api::kubeconfig_secret_name("late")).await.unwrap().is_none());
    endpoints.create(&PostParams::default(), &endpoint("late-endpoint", "https://example.test:9443")).await.unwrap();
    let cp = ready(&cps, "late").await;
    let url = "https://example.test:9443/clusters/late/control-plane";
    assert_eq!(cp.status.as_ref().unwrap().endpoint.as_deref(), Some(url));
    assert!(plane_exists(&server, "late").await);
    credentials(&server, &cp).await;
}

#[tokio::test]
async fn a_plane_created_on_first_access_gets_a_ready_control_plane() {
    let server = TestServer::start().await;
    let cps = control_planes(&server).await;
    assert!(cps.get_opt("auto").await.unwrap().is_none());

    let (code, text, _) = raw(&server.client("auto").await, "GET", "/api/v1/namespaces", &[], vec![]).await;
    assert_eq!(code, 200, "{text}");
    let cp = cps.get("auto").await.expect("the plane's ControlPlane exists with the plane");
    let annotations = cp.metadata.annotations.clone().unwrap_or_default();
    assert_eq!(annotations.get(CREATED_ON_FIRST_ACCESS).map(String::as_str), Some("true"), "{annotations:?}");
    assert_eq!(cp.spec.deletion_policy.as_deref(), Some("Destroy"));

    let cp = ready(&cps, "auto").await;
    assert_eq!(cp.status.as_ref().unwrap().endpoint.as_deref(), Some(server.running.url("auto").as_str()));
    let creds = credentials(&server, &cp).await;
    assert_eq!(get_code(&creds.client().await, "/api/v1/namespaces").await, 200);

    // Listing the ControlPlanes shows it.
    let names: Vec<_> =
        cps.list(&ListParams::default()).await.unwrap().items.into_iter().filter_map(|cp| cp.metadata.name).collect();
    assert!(names.contains(&"auto".to_string()), "{names:?}");
}

/// Stops the server and starts it again on the same data dir and port, so URLs stay valid.
async fn restart_on_the_same_port(server: TestServer) -> TestServer {
    let TestServer { running, dir } = server;
    let port = running.address.port();
    running.shutdown().await;
    let mut config = ServerConfig::new(dir.path().to_path_buf());
    config.port = port;
    config.bookmark_interval = Duration::from_millis(200);
    let running = kplane::server::start(config).await.expect("the server restarts on its port");
    TestServer { running, dir }
}

#[tokio::test]
async fn a_control_plane_and_its_token_survive_a_restart() {
    let server = TestServer::start().await;
    let cps = control_planes(&server).await;
    create(&cps, ControlPlane::named("durable")).await;
    let before = credentials(&server, &ready(&cps, "durable").await).await;

    let server = restart_on_the_same_port(server).await;
    let cps = control_planes(&server).await;
    assert!(cps.get("durable").await.unwrap().is_ready(), "still Ready after the restart");
    // Once the controller has been through it again, nothing changed.
    let cp = settle(&cps, "durable").await;
    assert!(cp.is_ready());
    assert_eq!(cp.status.as_ref().unwrap().endpoint.as_deref(), Some(server.running.url("durable").as_str()));
    let after = credentials(&server, &cp).await;
    assert_eq!(after, before, "the token is not rotated by a restart");
    assert_eq!(get_code(&after.client().await, "/api/v1/namespaces").await, 200, "the token still works");
}

#[tokio::test]
async fn a_restart_on_a_new_port_repoints_the_kubeconfig() {
    let server = TestServer::start().await;
    let cps = control_planes(&server).await;
    create(&cps, ControlPlane::named("moving")).await;
    let before = credentials(&server, &ready(&cps, "moving").await).await;

    let server = server.restart().await;
    let url = server.running.url("moving");
    assert_ne!(before.endpoint, url, "the restarted server listens elsewhere");
    let cps = control_planes(&server).await;
    let cp = eventually("the ControlPlane to report the new address", || async {
        let cp = cps.get("moving").await.unwrap();
        (cp.is_ready() && cp.status.as_ref()?.endpoint.as_deref() == Some(url.as_str())).then_some(cp)
    })
    .await;
    let after = eventually("the Secret to name the new address", || async {
        let creds = credentials(&server, &cp).await;
        (creds.endpoint == url).then_some(creds)
    })
    .await;
    let client = after.client().await;
    assert_eq!(get_code(&client, "/api/v1/namespaces").await, 200, "the Secret's kubeconfig works after the restart");
}
