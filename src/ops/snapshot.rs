//! Snapshots of a plane (`kplane snapshot`): the request the server's snapshot endpoint takes,
//! and its answer decoded into a [`Snapshot`].
//!
//! The request goes through the management context's client (the caller builds it like for
//! the cluster commands): its admin token works on every plane, so one kubeconfig entry
//! reaches every plane's snapshot.

use super::clusters::Management;
use crate::types::PlaneName;
pub use crate::types::snapshot::{ResourceSnapshot, Snapshot};

/// What to ask the server for.
#[derive(Clone, Debug, Default)]
pub struct SnapshotRequest {
    /// Resource types, `plural` or `plural.group`; empty: every type the plane serves.
    pub resources: Vec<String>,
    /// Also list the types that hold no objects.
    pub include_empty: bool,
    /// Passed through (the server's caches are always warm).
    pub warm: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error(
        "there is no control plane {name}; `kplane get clusters` lists them, `kplane create cluster {name}` makes it"
    )]
    NotFound { name: String },
    #[error(
        "the snapshot of control plane {name} was refused: {message}; `kubectl api-resources` lists the \
         resource types a plane serves"
    )]
    BadRequest { name: String, message: String },
    #[error("the snapshot of control plane {name} was refused: {message}")]
    Refused { name: String, message: String },
    #[error(
        "taking the snapshot of control plane {name}: the management plane (context {context}) did not answer; \
         is it running? `kplane up` starts it"
    )]
    Unreachable {
        name: String,
        context: String,
        #[source]
        source: kube::Error,
    },
    #[error("building the snapshot request for control plane {name}")]
    Request {
        name: String,
        #[source]
        source: http::Error,
    },
    #[error("the snapshot of control plane {name} is not the document kplane expects (is the server older?)")]
    Decode {
        name: String,
        #[source]
        source: serde_json::Error,
    },
}

/// The path and query of `plane`'s snapshot, relative to the server's root (the root plane's
/// is `/snapshot`).
pub fn path(plane: &PlaneName, request: &SnapshotRequest) -> String {
    let base =
        if plane.is_root() { "/snapshot".to_string() } else { format!("/clusters/{plane}/control-plane/snapshot") };
    let mut query = form_urlencoded::Serializer::new(String::new());
    let resources: Vec<&str> = request.resources.iter().map(|r| r.trim()).filter(|r| !r.is_empty()).collect();
    if !resources.is_empty() {
        query.append_pair("resource", &resources.join(","));
    }
    if request.include_empty {
        query.append_pair("includeEmpty", "true");
    }
    if request.warm {
        query.append_pair("warm", "true");
    }
    let query = query.finish();
    if query.is_empty() { base } else { format!("{base}?{query}") }
}

/// Takes the snapshot of `plane`.
pub async fn take(
    management: &Management,
    plane: &PlaneName,
    request: &SnapshotRequest,
) -> Result<Snapshot, SnapshotError> {
    let name = plane.to_string();
    let http_request = http::Request::get(path(plane, request))
        .header(http::header::ACCEPT, "application/json")
        .body(Vec::new())
        .map_err(|source| SnapshotError::Request { name: name.clone(), source })?;
    let body = management.client.request_text(http_request).await.map_err(|err| match err {
        kube::Error::Api(status) if status.code == 404 => SnapshotError::NotFound { name: name.clone() },
        kube::Error::Api(status) if status.code == 400 => {
            SnapshotError::BadRequest { name: name.clone(), message: status.message.clone() }
        }
        kube::Error::Api(status) => SnapshotError::Refused { name: name.clone(), message: status.message.clone() },
        source => SnapshotError::Unreachable { name: name.clone(), context: management.context.clone(), source },
    })?;
    serde_json::from_str(&body).map_err(|source| SnapshotError::Decode { name, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_names_the_plane_and_carries_only_what_was_asked() {
        let demo = PlaneName::parse("demo").unwrap();
        assert_eq!(path(&demo, &SnapshotRequest::default()), "/clusters/demo/control-plane/snapshot");
        assert_eq!(path(&PlaneName::root(), &SnapshotRequest::default()), "/snapshot");
        let request = SnapshotRequest {
            resources: vec!["configmaps".into(), " deployments.apps".into(), String::new()],
            include_empty: true,
            warm: true,
        };
        assert_eq!(
            path(&demo, &request),
            "/clusters/demo/control-plane/snapshot?resource=configmaps%2Cdeployments.apps&includeEmpty=true&warm=true"
        );
    }
}
