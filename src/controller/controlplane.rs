//! The controlplane controller: turns `ControlPlane` objects of the management plane into
//! served planes (what the original kplane ran as a separate operator).
//!
//! For each ControlPlane it resolves the plane's URL (its ControlPlaneEndpoint, else this
//! server's own address), creates the plane, mints the plane's admin token, writes a Secret
//! `kplane-system/controlplane-<name>-kubeconfig` whose key `kubeconfig` reaches the plane with
//! TLS verified, and reports it all in `status` with a `Ready` condition. Deleting a
//! ControlPlane waits on the controller's finalizer; with `deletionPolicy: Destroy` (from the
//! object, else its class) every key of the plane is removed before the object goes.
//!
//! Reconciles run on watch events of ControlPlanes, ControlPlaneEndpoints and the kubeconfig
//! Secrets (a deleted Secret is written again, with a new token), a few at a time,
//! never two for the same name at once; failures retry after [`RETRY_INTERVAL`].

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use serde_json::{Value, json};
use tokio::sync::watch;

use super::queue::Workers;
use super::watch_from_now;

use crate::registry::error::{ApiError, ApiResult};
use crate::registry::kind::KindTable;
use crate::registry::meta;
use crate::registry::store::{
    DeleteOptions, Registry, Subresource, Target, WatchEvent, WatchEventType, Watcher, WriteOptions,
};
use crate::types::PlaneName;
use crate::types::controlplane::{
    self as api, ControlPlane, ControlPlaneClass, ControlPlaneEndpoint, ControlPlaneStatus, SecretReference,
};

/// How long a ControlPlane that could not be reconciled waits before the next attempt.
pub const RETRY_INTERVAL: Duration = Duration::from_secs(2);
/// Reconciles running at once.
const CONCURRENCY: usize = 32;

/// What the controller needs to know about the server it runs in.
#[derive(Clone, Debug)]
pub struct ServerInfo {
    /// `https://host:port`, the URL clients reach the server at.
    pub url: String,
    /// The CA that signed the serving certificate, written into every kubeconfig.
    pub ca_pem: String,
}

/// Creates what the management API starts with: the `kplane-system` namespace and the
/// `starter` class. Leaves them alone when they exist (a user may have edited the class).
pub async fn bootstrap(registry: &Registry) -> ApiResult<()> {
    let root = PlaneName::root();
    let namespaces = target(&root, "", "v1", "namespaces", None);
    let namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": api::SYSTEM_NAMESPACE}});
    ignore_exists(registry.create(&namespaces, namespace, &WriteOptions::default()).await)?;
    let classes = management_target("controlplaneclasses");
    let starter = serde_json::to_value(api::starter_class()).map_err(internal)?;
    ignore_exists(registry.create(&classes, starter, &WriteOptions::default()).await)
}

fn ignore_exists(result: ApiResult<Value>) -> ApiResult<()> {
    match result {
        Err(err) if err.code == 409 => Ok(()),
        other => other.map(|_| ()),
    }
}

/// Runs until `shutdown` flips to true.
pub async fn run(registry: Arc<Registry>, server: ServerInfo, mut shutdown: watch::Receiver<bool>) {
    let server = Arc::new(server);
    let mut workers = Workers::new(CONCURRENCY);
    'watching: loop {
        // A fresh ControlPlane watch starts with every object, so the index is rebuilt from it.
        let mut index = EndpointIndex::default();
        let (mut planes, mut endpoints, mut secrets) = match watch_all(&registry).await {
            Ok(watches) => watches,
            Err(err) => {
                tracing::warn!(error = %err, "cannot watch ControlPlanes; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(RETRY_INTERVAL) => continue,
                    _ = shutdown.changed() => break,
                }
            }
        };
        loop {
            workers.start(|name| {
                let (registry, server) = (registry.clone(), server.clone());
                async move {
                    match reconcile(&registry, &server, &name).await {
                        Ok(Outcome::Done) => None,
                        Ok(Outcome::Waiting) => Some(RETRY_INTERVAL),
                        Err(err) => {
                            tracing::warn!(controlplane = %name, error = %err, "reconcile failed; will retry");
                            Some(RETRY_INTERVAL)
                        }
                    }
                }
            });
            tokio::select! {
                event = planes.next() => match event {
                    Some(event) if event.kind == WatchEventType::Error => continue 'watching,
                    Some(event) => {
                        index.observe(&event);
                        workers.add(meta::name(&event.object).unwrap_or_default());
                    }
                    None => continue 'watching,
                },
                event = secrets.next() => match event {
                    Some(event) if event.kind == WatchEventType::Error => continue 'watching,
                    // A kubeconfig Secret changed or was deleted: its ControlPlane puts it back.
                    Some(event) => workers.add(meta::label(&event.object, api::NAME_LABEL).unwrap_or_default()),
                    None => continue 'watching,
                },
                event = endpoints.next() => match event {
                    Some(event) if event.kind == WatchEventType::Error => continue 'watching,
                    Some(event) => {
                        for name in index.planes_of(meta::name(&event.object).unwrap_or_default()) {
                            workers.add(name);
                        }
                    }
                    None => continue 'watching,
                },
                _ = workers.advance() => {}
                _ = shutdown.changed() => break 'watching,
            }
        }
    }
    workers.shutdown().await;
}

/// Watches of ControlPlanes, ControlPlaneEndpoints and the kubeconfig Secrets.
async fn watch_all(registry: &Registry) -> ApiResult<(Watcher, Watcher, Watcher)> {
    let planes = watch_from_now(registry, &management_target("controlplanes"), None).await?;
    let endpoints = watch_from_now(registry, &management_target("controlplaneendpoints"), None).await?;
    let secrets_target = target(&PlaneName::root(), "", "v1", "secrets", Some(api::SYSTEM_NAMESPACE));
    let secrets = watch_from_now(registry, &secrets_target, Some(api::NAME_LABEL)).await?;
    Ok((planes, endpoints, secrets))
}

/// Which ControlPlanes name each ControlPlaneEndpoint, kept from the ControlPlane watch, so an
/// endpoint's change finds its planes without listing every ControlPlane.
#[derive(Default)]
struct EndpointIndex {
    planes_by_endpoint: HashMap<String, BTreeSet<String>>,
    endpoint_of_plane: HashMap<String, String>,
}

impl EndpointIndex {
    fn observe(&mut self, event: &WatchEvent) {
        let Some(plane) = meta::name(&event.object) else { return };
        if let Some(old) = self.endpoint_of_plane.remove(plane)
            && let Some(planes) = self.planes_by_endpoint.get_mut(&old)
        {
            planes.remove(plane);
            if planes.is_empty() {
                self.planes_by_endpoint.remove(&old);
            }
        }
        let endpoint = event.object.pointer("/spec/endpointRef/name").and_then(Value::as_str);
        if let Some(endpoint) = endpoint.filter(|_| event.kind != WatchEventType::Deleted) {
            self.endpoint_of_plane.insert(plane.to_string(), endpoint.to_string());
            self.planes_by_endpoint.entry(endpoint.to_string()).or_default().insert(plane.to_string());
        }
    }

    fn planes_of(&self, endpoint: &str) -> Vec<&String> {
        self.planes_by_endpoint.get(endpoint).into_iter().flatten().collect()
    }
}

/// What one reconcile pass ended with.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Nothing left to do until the object changes.
    Done,
    /// Waiting on something not watched (a missing class): look again later.
    Waiting,
}

/// Why a ControlPlane is not ready, as its `Ready` condition reports it.
struct NotReady {
    reason: &'static str,
    message: String,
    outcome: Outcome,
}

async fn reconcile(registry: &Registry, server: &ServerInfo, name: &str) -> ApiResult<Outcome> {
    let planes = management_target("controlplanes");
    let object = match registry.get(&planes, name).await {
        Ok(object) => object,
        Err(err) if err.code == 404 => return Ok(Outcome::Done),
        Err(err) => return Err(err),
    };
    let cp: ControlPlane = serde_json::from_value(object.clone()).map_err(internal)?;
    if meta::is_deleting(&object) {
        return finalize(registry, &planes, object, &cp).await;
    }
    let mut with_finalizer = object.clone();
    if meta::add_finalizer(&mut with_finalizer, api::FINALIZER) {
        registry.update(&planes, name, with_finalizer, Subresource::Main, &WriteOptions::default()).await?;
        // The update is a watch event of its own: the next pass continues from there.
        return Ok(Outcome::Done);
    }
    let (status, outcome) = match provision(registry, server, &cp).await? {
        Ok(status) => (status, Outcome::Done),
        Err(not_ready) => {
            let conditions = vec![condition("False", not_ready.reason, not_ready.message)];
            (ControlPlaneStatus { conditions, ..Default::default() }, not_ready.outcome)
        }
    };
    write_status(registry, &planes, &object, &cp, status).await?;
    Ok(outcome)
}

/// Makes the plane, its token and its kubeconfig Secret exist; returns the status to report.
async fn provision(
    registry: &Registry,
    server: &ServerInfo,
    cp: &ControlPlane,
) -> ApiResult<Result<ControlPlaneStatus, NotReady>> {
    let name = cp.metadata.name.as_deref().unwrap_or_default();
    let not_ready = |reason, message: String, outcome| Err(NotReady { reason, message, outcome });
    let path = cp.cluster_path().unwrap_or_default();
    let plane = match PlaneName::parse(path) {
        Ok(plane) if plane.is_root() => {
            let message = "\"root\" is the management plane; choose another name or spec.virtual.clusterPath".into();
            return Ok(not_ready("ReservedName", message, Outcome::Done));
        }
        Ok(plane) => plane,
        Err(why) => {
            let message = format!("the cluster path \"{path}\" is not a DNS-1123 label: {why}");
            return Ok(not_ready("InvalidClusterPath", message, Outcome::Done));
        }
    };
    if let Some(mode) = cp.spec.mode.as_deref().filter(|m| *m != "Virtual") {
        let message = format!("mode \"{mode}\" is not supported; only Virtual planes are served");
        return Ok(not_ready("ModeNotSupported", message, Outcome::Done));
    }
    let class_name = cp.spec.class_ref.as_ref().map_or(api::DEFAULT_CLASS, |c| c.name.as_str());
    if class(registry, class_name).await?.is_none() {
        let message = format!("ControlPlaneClass \"{class_name}\" does not exist; create it or name another class");
        return Ok(not_ready("ClassNotFound", message, Outcome::Waiting));
    }
    let endpoint = match &cp.spec.endpoint_ref {
        None => format!("{}/clusters/{plane}/control-plane", server.url),
        Some(reference) => {
            let found = registry.get(&management_target("controlplaneendpoints"), &reference.name).await;
            let endpoint = match found {
                Ok(object) => serde_json::from_value::<ControlPlaneEndpoint>(object).map_err(internal)?,
                Err(err) if err.code == 404 => {
                    let message = format!("waiting for ControlPlaneEndpoint \"{}\"", reference.name);
                    return Ok(not_ready("EndpointPending", message, Outcome::Done));
                }
                Err(err) => return Err(err),
            };
            match external_endpoint(&endpoint) {
                Some(url) => virtualize(&url, &plane),
                None => {
                    let message = format!("ControlPlaneEndpoint \"{}\" has no endpoint yet", reference.name);
                    return Ok(not_ready("EndpointPending", message, Outcome::Done));
                }
            }
        }
    };
    if !registry.plane_exists(&plane).await? {
        registry.create_plane(&plane).await?;
    }
    let secret_ref = ensure_kubeconfig_secret(registry, server, name, &plane, &endpoint).await?;
    Ok(Ok(ControlPlaneStatus {
        endpoint: Some(endpoint),
        kubeconfig_secret_ref: Some(secret_ref),
        observed_generation: None,
        conditions: vec![condition("True", "Reconciled", "the control plane is serving".into())],
    }))
}

/// The URL users reach the plane at: the endpoint's external URL, else its in-cluster one;
/// status (written by whatever provides the endpoint) wins over spec.
fn external_endpoint(endpoint: &ControlPlaneEndpoint) -> Option<String> {
    let status = endpoint.status.clone().unwrap_or_default();
    let spec = &endpoint.spec;
    [status.external_endpoint, spec.external_endpoint.clone(), status.endpoint, spec.endpoint.clone()]
        .into_iter()
        .flatten()
        .find(|url| !url.is_empty())
}

/// Points a server URL at the plane: kept when it already names a plane path, else
/// `/clusters/<plane>/control-plane` is appended.
fn virtualize(url: &str, plane: &PlaneName) -> String {
    if url.contains("/clusters/") && url.contains("/control-plane") {
        return url.to_string();
    }
    format!("{}/clusters/{plane}/control-plane", url.trim_end_matches('/'))
}

async fn class(registry: &Registry, name: &str) -> ApiResult<Option<ControlPlaneClass>> {
    match registry.get(&management_target("controlplaneclasses"), name).await {
        Ok(object) => Ok(Some(serde_json::from_value(object).map_err(internal)?)),
        Err(err) if err.code == 404 => Ok(None),
        Err(err) => Err(err),
    }
}

/// Keeps the plane's kubeconfig Secret current: a new token is minted only when the Secret
/// is missing, points elsewhere, or holds a token that no longer works.
async fn ensure_kubeconfig_secret(
    registry: &Registry,
    server: &ServerInfo,
    name: &str,
    plane: &PlaneName,
    endpoint: &str,
) -> ApiResult<SecretReference> {
    let secrets = target(&PlaneName::root(), "", "v1", "secrets", Some(api::SYSTEM_NAMESPACE));
    let secret_name = api::kubeconfig_secret_name(name);
    let reference = SecretReference { name: secret_name.clone(), namespace: api::SYSTEM_NAMESPACE.into() };
    let existing = match registry.get(&secrets, &secret_name).await {
        Ok(secret) => Some(secret),
        Err(err) if err.code == 404 => None,
        Err(err) => return Err(err),
    };
    if let Some(secret) = &existing {
        let data = |key: &str| {
            let encoded = secret.pointer(&format!("/data/{key}")).and_then(Value::as_str).unwrap_or_default();
            BASE64.decode(encoded).ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_default()
        };
        let token = crate::registry::store::PlaneToken::parse(&data("token"));
        let current = match &token {
            Some(token) if token.plane == *plane && data("endpoint") == endpoint => {
                registry.plane_token_valid(token).await?
            }
            _ => false,
        };
        if current {
            return Ok(reference);
        }
    }
    let token = registry.issue_plane_token(plane).await?;
    let context = format!("kplane-{name}");
    let kubeconfig = kubeconfig_yaml(&context, endpoint, &server.ca_pem, token.as_str());
    let mut secret = json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": secret_name,
            "namespace": api::SYSTEM_NAMESPACE,
            "labels": {api::NAME_LABEL: name},
        },
        "type": "Opaque",
        "data": {
            "kubeconfig": BASE64.encode(kubeconfig),
            "token": BASE64.encode(token.as_str()),
            "ca.crt": BASE64.encode(&server.ca_pem),
            "endpoint": BASE64.encode(endpoint),
        },
    });
    match existing {
        Some(old) => {
            secret["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"].clone();
            registry.update(&secrets, &secret_name, secret, Subresource::Main, &WriteOptions::default()).await?;
        }
        None => {
            registry.create(&secrets, secret, &WriteOptions::default()).await?;
        }
    }
    Ok(reference)
}

/// Writes `status` unless it says what the stored status already says (so a pass that changes
/// nothing writes nothing, and its own write does not trigger another pass forever).
async fn write_status(
    registry: &Registry,
    planes: &Target,
    object: &Value,
    cp: &ControlPlane,
    mut status: ControlPlaneStatus,
) -> ApiResult<()> {
    let generation = cp.metadata.generation;
    status.observed_generation = generation;
    for condition in &mut status.conditions {
        condition.observed_generation = generation;
        // The transition time moves only when the condition's status does.
        if let Some(old) = cp.ready_condition().filter(|old| old.status == condition.status) {
            condition.last_transition_time = old.last_transition_time.clone();
        }
    }
    if cp.status.as_ref() == Some(&status) {
        return Ok(());
    }
    let mut updated = object.clone();
    updated["status"] = serde_json::to_value(&status).map_err(internal)?;
    let name = cp.metadata.name.as_deref().unwrap_or_default();
    registry.update(planes, name, updated, Subresource::Status, &WriteOptions::default()).await?;
    Ok(())
}

/// Deletion: destroy the plane's data if the policy says so, drop the Secret, then let the
/// object go by removing the finalizer.
async fn finalize(registry: &Registry, planes: &Target, object: Value, cp: &ControlPlane) -> ApiResult<Outcome> {
    if !meta::has_finalizer(&object, api::FINALIZER) {
        return Ok(Outcome::Done);
    }
    let name = cp.metadata.name.as_deref().unwrap_or_default();
    let class_name = cp.spec.class_ref.as_ref().map_or(api::DEFAULT_CLASS, |c| c.name.as_str());
    let class_policy = class(registry, class_name).await?.and_then(|c| c.spec.deletion_policy);
    let policy = cp.spec.deletion_policy.clone().or(class_policy).unwrap_or_else(|| "Retain".into());
    if let Some(plane) = cp.cluster_path().and_then(|p| PlaneName::parse(p).ok()).filter(|p| !p.is_root()) {
        if policy == "Destroy" {
            let removed = registry.delete_plane(&plane).await?;
            tracing::info!(%plane, keys = removed, "destroyed the plane of a deleted ControlPlane");
        } else {
            // Retained: the data stays, the credentials handed out for it do not.
            registry.revoke_plane_tokens(&plane).await?;
        }
    }
    let secrets = target(&PlaneName::root(), "", "v1", "secrets", Some(api::SYSTEM_NAMESPACE));
    match registry.delete(&secrets, &api::kubeconfig_secret_name(name), &DeleteOptions::default()).await {
        Err(err) if err.code != 404 => return Err(err),
        _ => {}
    }
    let mut released = object;
    meta::remove_finalizer(&mut released, api::FINALIZER);
    registry.update(planes, name, released, Subresource::Main, &WriteOptions::default()).await?;
    Ok(Outcome::Done)
}

pub(super) fn condition(status: &str, reason: &str, message: String) -> Condition {
    Condition {
        type_: api::READY.into(),
        status: status.into(),
        reason: reason.into(),
        message,
        last_transition_time: now(),
        observed_generation: None,
    }
}

/// Now, at the second precision `metav1.Time` carries.
pub(super) fn now() -> Time {
    Time(jiff::Timestamp::from_second(jiff::Timestamp::now().as_second()).unwrap_or_default())
}

/// A kubeconfig with one context, `context`, for `server`: CA inline (TLS is always
/// verified) and a bearer token.
pub fn kubeconfig_yaml(context: &str, server: &str, ca_pem: &str, token: &str) -> String {
    let config = json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": context, "cluster": {"server": server, "certificate-authority-data": BASE64.encode(ca_pem)}}],
        "users": [{"name": context, "user": {"token": token}}],
        "contexts": [{"name": context, "context": {"cluster": context, "user": context}}],
        "current-context": context,
        "preferences": {},
    });
    serde_norway::to_string(&config).unwrap_or_default()
}

pub(super) fn management_target(plural: &str) -> Target {
    target(&PlaneName::root(), api::GROUP, api::VERSION, plural, None)
}

/// The target of a type `plane` serves; only for types compiled in.
pub(super) fn target(plane: &PlaneName, group: &str, version: &str, plural: &str, namespace: Option<&str>) -> Target {
    let rt = KindTable::for_plane(plane).lookup(group, version, plural).expect("invariant: a served type").clone();
    Target { plane: plane.clone(), rt, namespace: namespace.map(String::from) }
}

pub(super) fn internal(err: serde_json::Error) -> ApiError {
    ApiError::internal(format!("a management object could not be read: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_pointed_at_the_plane() {
        let plane = PlaneName::parse("demo").unwrap();
        assert_eq!(virtualize("https://h:1", &plane), "https://h:1/clusters/demo/control-plane");
        assert_eq!(virtualize("https://h:1/", &plane), "https://h:1/clusters/demo/control-plane");
        let already = "https://h:1/clusters/x/control-plane";
        assert_eq!(virtualize(already, &plane), already);
    }

    #[test]
    fn the_external_url_wins_and_status_beats_spec() {
        let mut endpoint = ControlPlaneEndpoint::named("e");
        assert_eq!(external_endpoint(&endpoint), None);
        endpoint.spec.endpoint = Some("https://internal".into());
        assert_eq!(external_endpoint(&endpoint).as_deref(), Some("https://internal"));
        endpoint.spec.external_endpoint = Some("https://spec-external".into());
        assert_eq!(external_endpoint(&endpoint).as_deref(), Some("https://spec-external"));
        endpoint.status = Some(api::EndpointStatus {
            external_endpoint: Some("https://status-external".into()),
            ..Default::default()
        });
        assert_eq!(external_endpoint(&endpoint).as_deref(), Some("https://status-external"));
    }

    #[test]
    fn the_endpoint_index_follows_control_planes() {
        let event = |kind, name: &str, endpoint: Option<&str>| WatchEvent {
            kind,
            object: json!({"metadata": {"name": name}, "spec": {"endpointRef": endpoint.map(|e| json!({"name": e}))}}),
        };
        let mut index = EndpointIndex::default();
        index.observe(&event(WatchEventType::Added, "a", Some("e1")));
        index.observe(&event(WatchEventType::Added, "b", Some("e1")));
        assert_eq!(index.planes_of("e1"), vec!["a", "b"]);
        index.observe(&event(WatchEventType::Modified, "a", Some("e2")));
        assert_eq!((index.planes_of("e1"), index.planes_of("e2")), (vec![&"b".to_string()], vec![&"a".to_string()]));
        index.observe(&event(WatchEventType::Deleted, "b", Some("e1")));
        assert!(index.planes_of("e1").is_empty());
        index.observe(&event(WatchEventType::Modified, "a", None));
        assert!(index.planes_of("e2").is_empty());
    }

    #[test]
    fn kubeconfigs_verify_tls_and_carry_a_token() {
        let yaml = kubeconfig_yaml("kplane-demo", "https://127.0.0.1:1", "PEM", "tok");
        let parsed: Value = serde_norway::from_str(&yaml).unwrap();
        let cluster = &parsed["clusters"][0]["cluster"];
        assert_eq!(cluster["server"], "https://127.0.0.1:1");
        assert!(cluster.get("insecure-skip-tls-verify").is_none());
        assert_eq!(cluster["certificate-authority-data"], "UEVN");
        assert_eq!(parsed["users"][0]["user"]["token"], "tok");
        assert_eq!(parsed["current-context"], "kplane-demo");
    }
}
