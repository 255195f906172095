//! Virtual control planes through the management API: create one (ControlPlaneEndpoint +
//! ControlPlane) and wait for it by watching, read its credentials from the Secret the
//! controller writes, list them, delete one with its data.
//!
//! Every call goes through a kube client built from the kubeconfig kplane writes (the caller
//! builds it for the management context).

use std::time::Duration;

use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};

use super::Reporter;
use super::management::CallError;
pub use super::management::Management;
use crate::kubeconfig::{Credential, Entry};
use crate::types::PlaneName;
use crate::types::controlplane::{self as api, ControlPlane, ControlPlaneEndpoint, LocalObjectReference};

/// Ready-condition reasons that no amount of waiting fixes.
const TERMINAL_REASONS: &[&str] = &["ReservedName", "InvalidClusterPath", "ModeNotSupported"];

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "control plane {name} already exists; `kplane get-credentials {name}` writes its context, `kplane delete cluster {name}` removes it"
    )]
    AlreadyExists { name: String },
    #[error(
        "there is no control plane {name}; `kplane get clusters` lists them, `kplane create cluster {name}` makes it"
    )]
    NotFound { name: String },
    #[error("control plane {name} cannot become ready: {message} ({reason})")]
    Failed { name: String, reason: String, message: String },
    #[error(
        "control plane {name} was not ready after {waited:?} ({last}); wait longer with --timeout, or look at `kubectl --context {context} get controlplane {name} -o yaml`"
    )]
    Timeout { name: String, waited: Duration, last: String, context: String },
    #[error("control plane {name} was still being deleted after {waited:?}; run the command again to keep waiting")]
    DeleteTimeout { name: String, waited: Duration },
    #[error("the kubeconfig Secret of control plane {name} is unusable: {why}")]
    BadSecret { name: String, why: String },
    #[error(transparent)]
    Call(#[from] CallError),
}

fn is_status(err: &kube::Error, code: u16) -> bool {
    matches!(err, kube::Error::Api(status) if status.code == code)
}

/// What `create` asks for.
#[derive(Clone, Debug)]
pub struct CreateOptions {
    pub class: String,
    /// The URL users reach the plane at, if not the management plane's own address.
    pub external_endpoint: Option<String>,
    /// The management plane's URL (`https://host:port`): the in-cluster endpoint.
    pub management_server: String,
}

impl Management {
    fn planes(&self) -> Api<ControlPlane> {
        Api::all(self.client.clone())
    }

    fn endpoints(&self) -> Api<ControlPlaneEndpoint> {
        Api::all(self.client.clone())
    }
}

/// Creates the ControlPlaneEndpoint `<name>-endpoint` (replacing an old one's spec) and the
/// ControlPlane `name`. Fails if the ControlPlane exists.
pub async fn create(
    management: &Management,
    name: &PlaneName,
    options: &CreateOptions,
    reporter: &dyn Reporter,
) -> Result<ControlPlane, ClusterError> {
    reporter.step(&format!("controlplane: creating {name}"));
    let result = create_objects(management, name, options).await;
    match &result {
        Ok(_) => reporter.done("created"),
        Err(_) => reporter.failed(),
    }
    result
}

async fn create_objects(
    management: &Management,
    name: &PlaneName,
    options: &CreateOptions,
) -> Result<ControlPlane, ClusterError> {
    let planes = management.planes();
    let exists =
        planes.get_opt(name.as_str()).await.map_err(management.fail(format!("reading control plane {name}")))?;
    if exists.is_some() {
        return Err(ClusterError::AlreadyExists { name: name.to_string() });
    }
    let endpoint_name = api::endpoint_name(name.as_str());
    let mut endpoint = ControlPlaneEndpoint::named(&endpoint_name);
    endpoint.metadata.labels = Some([(api::NAME_LABEL.to_string(), name.to_string())].into());
    endpoint.spec.endpoint =
        Some(format!("{}/clusters/{name}/control-plane", options.management_server.trim_end_matches('/')));
    endpoint.spec.external_endpoint = options.external_endpoint.clone();
    let endpoints = management.endpoints();
    let params = PatchParams::default();
    let body = serde_json::json!({"metadata": {"labels": endpoint.metadata.labels}, "spec": endpoint.spec});
    match endpoints.create(&PostParams::default(), &endpoint).await {
        Ok(_) => {}
        Err(err) if is_status(&err, 409) => {
            endpoints
                .patch(&endpoint_name, &params, &Patch::Merge(&body))
                .await
                .map_err(management.fail(format!("updating ControlPlaneEndpoint {endpoint_name}")))?;
        }
        Err(err) => return Err(management.fail(format!("creating ControlPlaneEndpoint {endpoint_name}"))(err).into()),
    }
    let mut plane = ControlPlane::named(name.as_str());
    plane.spec.class_ref = Some(LocalObjectReference { name: options.class.clone() });
    plane.spec.endpoint_ref = Some(LocalObjectReference { name: endpoint_name });
    match planes.create(&PostParams::default(), &plane).await {
        Ok(created) => Ok(created),
        Err(err) if is_status(&err, 409) => Err(ClusterError::AlreadyExists { name: name.to_string() }),
        Err(err) => Err(management.fail(format!("creating control plane {name}"))(err).into()),
    }
}

/// Waits, by watching, until `name` is Ready; fails at once on a reason waiting cannot fix.
pub async fn wait_ready(
    management: &Management,
    name: &PlaneName,
    timeout: Duration,
    reporter: &dyn Reporter,
) -> Result<ControlPlane, ClusterError> {
    reporter.step(&format!("controlplane: waiting for {name} to be ready"));
    let mut last = String::from("no status yet");
    let waited = tokio::time::timeout(timeout, watch_until_ready(management, name, &mut last, reporter)).await;
    let result = match waited {
        Ok(result) => result,
        Err(_) => Err(ClusterError::Timeout {
            name: name.to_string(),
            waited: timeout,
            last,
            context: management.context.clone(),
        }),
    };
    match &result {
        Ok(cp) => reporter.done(cp.status.as_ref().and_then(|s| s.endpoint.as_deref()).unwrap_or("ready")),
        Err(_) => reporter.failed(),
    }
    result
}

async fn watch_until_ready(
    management: &Management,
    name: &PlaneName,
    last: &mut String,
    reporter: &dyn Reporter,
) -> Result<ControlPlane, ClusterError> {
    let decide = |cp: Option<&ControlPlane>| match cp {
        None => Some(Err(ClusterError::NotFound { name: name.to_string() })),
        Some(cp) => readiness(cp, last, reporter).map(|done| done.map(|()| cp.clone())),
    };
    management.follow(&management.planes(), "control plane", name.as_str(), decide).await?
}

/// `Some(Ok)` when ready, `Some(Err)` when it never will be, `None` to keep waiting (noting
/// each new reason once).
fn readiness(cp: &ControlPlane, last: &mut String, reporter: &dyn Reporter) -> Option<Result<(), ClusterError>> {
    let condition = cp.ready_condition()?;
    if condition.status == "True" {
        return Some(Ok(()));
    }
    let name = cp.metadata.name.clone().unwrap_or_default();
    if TERMINAL_REASONS.contains(&condition.reason.as_str()) {
        return Some(Err(ClusterError::Failed {
            name,
            reason: condition.reason.clone(),
            message: condition.message.clone(),
        }));
    }
    let now = format!("{}: {}", condition.reason, condition.message);
    if *last != now {
        reporter.note(&format!("controlplane {name}: {now}"));
        *last = now;
    }
    None
}

/// The kubeconfig entry `kplane-<name>` for a ready ControlPlane, from the Secret its status
/// names (the controller's, TLS-verifying, holding the plane's own admin token).
pub async fn credentials(management: &Management, cp: &ControlPlane) -> Result<Entry, ClusterError> {
    let name = cp.metadata.name.clone().unwrap_or_default();
    let bad = |why: String| ClusterError::BadSecret { name: name.clone(), why };
    let reference = cp
        .status
        .as_ref()
        .and_then(|s| s.kubeconfig_secret_ref.clone())
        .ok_or_else(|| bad("the ControlPlane's status names no Secret yet".into()))?;
    let secrets: Api<Secret> = Api::namespaced(management.client.clone(), &reference.namespace);
    let secret = secrets
        .get(&reference.name)
        .await
        .map_err(management.fail(format!("reading Secret {}/{}", reference.namespace, reference.name)))?;
    let data = secret.data.unwrap_or_default();
    let kubeconfig = data.get("kubeconfig").ok_or_else(|| bad("it has no key `kubeconfig`".into()))?;
    let text = std::str::from_utf8(&kubeconfig.0).map_err(|_| bad("key `kubeconfig` is not UTF-8".into()))?;
    let where_ = std::path::PathBuf::from(format!("secret {}/{}", reference.namespace, reference.name));
    let config = crate::kubeconfig::Config::parse(&where_, text)
        .map_err(|err| bad(format!("key `kubeconfig` is not a kubeconfig: {err}")))?;
    let cluster = config.clusters.first().map(|c| c.cluster.clone()).ok_or_else(|| bad("no cluster".into()))?;
    let server = cluster.server.ok_or_else(|| bad("the cluster has no server".into()))?;
    let ca = cluster.certificate_authority_data.ok_or_else(|| bad("the cluster has no CA data".into()))?;
    let ca_pem = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(ca.trim()).map_err(|_| bad("the CA is not base64".into()))?
    };
    let token =
        config.users.first().and_then(|u| u.user.token.clone()).ok_or_else(|| bad("the user has no token".into()))?;
    Ok(Entry {
        name: crate::kubeconfig::vcp_context(&PlaneName::parse(&name).map_err(bad)?),
        server,
        ca_pem,
        credential: Credential::Token(token),
        namespace: None,
    })
}

/// Every ControlPlane, sorted by name.
pub async fn list(management: &Management) -> Result<Vec<ControlPlane>, ClusterError> {
    let list =
        management.planes().list(&Default::default()).await.map_err(management.fail("listing control planes"))?;
    let mut items = list.items;
    items.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    Ok(items)
}

/// One ControlPlane, or `None`.
pub async fn get(management: &Management, name: &PlaneName) -> Result<Option<ControlPlane>, ClusterError> {
    let found = management.planes().get_opt(name.as_str()).await;
    Ok(found.map_err(management.fail(format!("reading control plane {name}")))?)
}

/// Deletes `name` and all its data (its deletion policy is set to `Destroy` first), waits
/// until it is gone, and removes the endpoint `create` made. Returns false if there was none.
pub async fn delete(
    management: &Management,
    name: &PlaneName,
    timeout: Duration,
    reporter: &dyn Reporter,
) -> Result<bool, ClusterError> {
    reporter.step(&format!("controlplane: deleting {name} and its data"));
    let result = delete_and_wait(management, name, timeout).await;
    match &result {
        Ok(true) => reporter.done("deleted"),
        Ok(false) => reporter.done("not found"),
        Err(_) => reporter.failed(),
    }
    result
}

async fn delete_and_wait(management: &Management, name: &PlaneName, timeout: Duration) -> Result<bool, ClusterError> {
    let planes = management.planes();
    let destroy = serde_json::json!({"spec": {"deletionPolicy": "Destroy"}});
    match planes.patch(name.as_str(), &PatchParams::default(), &Patch::Merge(&destroy)).await {
        Ok(_) => {}
        Err(err) if is_status(&err, 404) => return Ok(false),
        Err(err) => return Err(management.fail(format!("marking control plane {name} for destruction"))(err).into()),
    }
    match planes.delete(name.as_str(), &DeleteParams::default()).await {
        Ok(_) => {}
        Err(err) if is_status(&err, 404) => {}
        Err(err) => return Err(management.fail(format!("deleting control plane {name}"))(err).into()),
    }
    let gone = tokio::time::timeout(timeout, wait_gone(management, name)).await;
    match gone {
        Ok(result) => result?,
        Err(_) => return Err(ClusterError::DeleteTimeout { name: name.to_string(), waited: timeout }),
    }
    let endpoint = api::endpoint_name(name.as_str());
    match management.endpoints().delete(&endpoint, &DeleteParams::default()).await {
        Err(err) if !is_status(&err, 404) => {
            return Err(management.fail(format!("deleting ControlPlaneEndpoint {endpoint}"))(err).into());
        }
        _ => {}
    }
    Ok(true)
}

async fn wait_gone(management: &Management, name: &PlaneName) -> Result<(), ClusterError> {
    let gone = |cp: Option<&ControlPlane>| cp.is_none().then_some(());
    Ok(management.follow(&management.planes(), "control plane", name.as_str(), gone).await?)
}
