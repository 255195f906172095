//! kplane's management API, `controlplane.kplane.dev/v1alpha1`: the kinds the management
//! plane serves as built-ins (`ControlPlane`, `ControlPlaneEndpoint`, `ControlPlaneClass`),
//! shaped like the original controlplane-operator's CRDs so its manifests keep working.
//!
//! The structs implement k8s-openapi's `Resource`/`Metadata` traits, so the kind table, the
//! OpenAPI documents and kube-rs clients (`kube::Api<ControlPlane>`) treat them exactly like the
//! compiled-in Kubernetes kinds.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, ObjectMeta};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const GROUP: &str = "controlplane.kplane.dev";
pub const VERSION: &str = "v1alpha1";
pub const API_VERSION: &str = "controlplane.kplane.dev/v1alpha1";

/// The class every plane gets unless it names another; present from the server's first start.
pub const DEFAULT_CLASS: &str = "starter";
/// The management-plane namespace holding each plane's kubeconfig Secret.
pub const SYSTEM_NAMESPACE: &str = "kplane-system";
/// The finalizer the controller keeps on a ControlPlane until its plane is cleaned up.
pub const FINALIZER: &str = "controlplane.kplane.dev/finalizer";
/// Label on objects the controller makes for a ControlPlane (its Secret), naming it.
pub const NAME_LABEL: &str = "controlplane.kplane.dev/name";
/// Annotation on a ControlPlane the server made because its plane was first addressed.
pub const CREATED_ON_FIRST_ACCESS: &str = "controlplane.kplane.dev/created-on-first-access";
/// The condition type the controller maintains.
pub const READY: &str = "Ready";

/// The Secret holding a plane's kubeconfig (key `kubeconfig`).
pub fn kubeconfig_secret_name(plane: &str) -> String {
    format!("controlplane-{plane}-kubeconfig")
}

/// The ControlPlaneEndpoint `kplane create cluster` makes for a plane.
pub fn endpoint_name(plane: &str) -> String {
    format!("{plane}-endpoint")
}

/// A virtual control plane: one plane of the shared server, at `/clusters/<clusterPath>/control-plane`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "dev.kplane.controlplane.v1alpha1.ControlPlane")]
pub struct ControlPlane {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: ControlPlaneSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ControlPlaneStatus>,
}
resource!(ControlPlane, ControlPlaneList, "controlplanes");

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "dev.kplane.controlplane.v1alpha1.ControlPlaneSpec")]
pub struct ControlPlaneSpec {
    /// The ControlPlaneClass; `starter` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_ref: Option<LocalObjectReference>,
    /// `Virtual` (the default and the only mode served).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The ControlPlaneEndpoint giving the URL written into the plane's kubeconfig (default: the server's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_ref: Option<LocalObjectReference>,
    /// On deletion `Retain` keeps the plane's data, `Destroy` removes it (default: the class's, else Retain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<String>,
    #[serde(rename = "virtual", default, skip_serializing_if = "Option::is_none")]
    pub virtual_: Option<VirtualSpec>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "dev.kplane.controlplane.v1alpha1.VirtualSpec")]
pub struct VirtualSpec {
    /// The plane's path segment, `/clusters/<clusterPath>/control-plane` (default: the object's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_path: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "dev.kplane.controlplane.v1alpha1.ControlPlaneStatus")]
pub struct ControlPlaneStatus {
    /// The URL of the plane's API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The Secret whose key `kubeconfig` reaches the plane as its admin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubeconfig_secret_ref: Option<SecretReference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "dev.kplane.controlplane.v1alpha1.LocalObjectReference")]
pub struct LocalObjectReference {
    pub name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "dev.kplane.controlplane.v1alpha1.SecretReference")]
pub struct SecretReference {
    pub name: String,
    pub namespace: String,
}

/// The URLs a plane is reached at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "dev.kplane.controlplane.v1alpha1.ControlPlaneEndpoint")]
pub struct ControlPlaneEndpoint {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: EndpointSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<EndpointStatus>,
}
resource!(ControlPlaneEndpoint, ControlPlaneEndpointList, "controlplaneendpoints");

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "dev.kplane.controlplane.v1alpha1.EndpointSpec")]
pub struct EndpointSpec {
    /// The URL in-cluster clients use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The URL written into kubeconfigs handed to users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_endpoint: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "dev.kplane.controlplane.v1alpha1.EndpointStatus")]
pub struct EndpointStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

/// Defaults shared by the planes that name it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "dev.kplane.controlplane.v1alpha1.ControlPlaneClass")]
pub struct ControlPlaneClass {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: ClassSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ClassStatus>,
}
resource!(ControlPlaneClass, ControlPlaneClassList, "controlplaneclasses");

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "dev.kplane.controlplane.v1alpha1.ClassSpec")]
pub struct ClassSpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addons: Vec<String>,
    /// The deletion policy of planes that set none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<ClassAuth>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modes_allowed: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "dev.kplane.controlplane.v1alpha1.ClassAuth")]
pub struct ClassAuth {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_role: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "dev.kplane.controlplane.v1alpha1.ClassStatus")]
pub struct ClassStatus {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

/// The class the management plane starts with: planes are destroyed with their
/// ControlPlane (what `kplane delete cluster` users expect), virtual mode only.
pub fn starter_class() -> ControlPlaneClass {
    let mut class = ControlPlaneClass::named(DEFAULT_CLASS);
    class.spec = ClassSpec {
        addons: vec![DEFAULT_CLASS.to_string()],
        deletion_policy: Some("Destroy".into()),
        auth: Some(ClassAuth { model: Some("basic".into()), default_role: Some("admin".into()) }),
        modes_allowed: vec!["Virtual".into()],
    };
    class
}

impl ControlPlane {
    /// The plane this object names: `spec.virtual.clusterPath`, else its own name.
    pub fn cluster_path(&self) -> Option<&str> {
        let path = self.spec.virtual_.as_ref().and_then(|v| v.cluster_path.as_deref());
        path.or(self.metadata.name.as_deref())
    }

    /// The `Ready` condition, if the controller has written one.
    pub fn ready_condition(&self) -> Option<&Condition> {
        self.status.as_ref()?.conditions.iter().find(|c| c.type_ == READY)
    }

    pub fn is_ready(&self) -> bool {
        self.ready_condition().is_some_and(|c| c.status == "True")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_the_operator_manifest_shape() {
        let manifest = serde_json::json!({
            "apiVersion": API_VERSION, "kind": "ControlPlane",
            "metadata": {"name": "demo"},
            "spec": {"classRef": {"name": "starter"}, "endpointRef": {"name": "demo-endpoint"},
                     "mode": "Virtual", "deletionPolicy": "Destroy", "virtual": {"clusterPath": "demo-path"}},
        });
        let cp: ControlPlane = serde_json::from_value(manifest.clone()).unwrap();
        assert_eq!(cp.cluster_path(), Some("demo-path"));
        assert_eq!(serde_json::to_value(&cp).unwrap(), manifest);
        assert!(!cp.is_ready());
    }

    #[test]
    fn named_objects_carry_their_type() {
        let cp = ControlPlane::named("a");
        let value = serde_json::to_value(&cp).unwrap();
        assert_eq!(value["apiVersion"], API_VERSION);
        assert_eq!(value["kind"], "ControlPlane");
        assert_eq!(cp.cluster_path(), Some("a"));
        assert_eq!(starter_class().spec.deletion_policy.as_deref(), Some("Destroy"));
    }
}
