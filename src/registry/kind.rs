//! The kind table: every resource type a plane serves, with what discovery, OpenAPI, Table
//! output, protobuf decoding and validation need to know about it.
//!
//! Built-in rows are derived from `k8s-openapi` types (group, version, kind, plural, scope come
//! from the type's `Resource` impl; short names, categories and subresources are upstream's
//! and written here); a plane's CustomResourceDefinitions add rows for that plane only
//! ([`custom_types`], [`KindTable::with_custom_resources`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use k8s_openapi::{ClusterResourceScope, ListableResource, NamespaceResourceScope, Resource};
use serde_json::Value;

/// The verbs of a full read-write resource, in upstream's discovery order.
pub const STANDARD_VERBS: &[&str] =
    &["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/// One served resource type.
#[derive(Debug)]
pub struct ResourceType {
    /// API group; `""` for the core group.
    pub group: Cow<'static, str>,
    pub version: Cow<'static, str>,
    pub kind: Cow<'static, str>,
    pub list_kind: Cow<'static, str>,
    /// Lower-case plural, the URL segment (`configmaps`).
    pub plural: Cow<'static, str>,
    /// Lower-case singular (`configmap`).
    pub singular: Cow<'static, str>,
    pub namespaced: bool,
    pub short_names: Vec<Cow<'static, str>>,
    pub categories: Vec<Cow<'static, str>>,
    pub verbs: Vec<&'static str>,
    /// Serves `<plural>/status`, and main-resource writes keep the stored status.
    pub status_subresource: bool,
    /// Serves `<plural>/scale` as an `autoscaling/v1` Scale.
    pub scale_subresource: bool,
    /// A create-only request/response type that is never stored (the `*Review` kinds): a POST
    /// is answered by the server from the caller's identity.
    pub create_only: bool,
    /// Typed behaviour of a built-in kind; `None` for custom resources.
    pub builtin: Option<&'static BuiltinKind>,
    /// What a custom resource's CRD says of this version; `None` for built-ins.
    pub custom: Option<Arc<CustomKind>>,
}

/// What only a custom resource has: its CRD's word on one version.
#[derive(Debug, Default)]
pub struct CustomKind {
    /// `schema.openAPIV3Schema`, if the CRD gives one.
    pub schema: Option<Value>,
    /// `additionalPrinterColumns`.
    pub printer_columns: Vec<PrinterColumn>,
    /// `subresources.scale`: where the replicas and the selector live.
    pub scale: Option<ScalePaths>,
    /// The schema's CEL rules, compiled.
    pub rules: super::cel::Rules,
}

/// A CRD's `subresources.scale`: dotted paths (`.spec.replicas`) into its objects.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalePaths {
    pub spec_replicas: String,
    pub status_replicas: String,
    pub label_selector: Option<String>,
}

/// One of a CRD's `additionalPrinterColumns`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrinterColumn {
    pub name: String,
    /// `integer`, `number`, `string`, `boolean` or `date`.
    pub type_: String,
    pub format: String,
    pub description: String,
    pub priority: i64,
    /// Upstream's simple JSONPath, e.g. `.spec.replicas`.
    pub json_path: String,
}

/// What only a built-in (compiled-in) kind has.
#[derive(Debug)]
pub struct BuiltinKind {
    /// Protobuf message of the kind, e.g. `k8s.io.api.core.v1.ConfigMap`; `None` for kinds
    /// with no protobuf encoding (kplane's own, like custom resources upstream).
    pub proto_message: Option<&'static str>,
    /// Round-trips an object through the typed struct: rejects wrongly typed fields and
    /// drops unknown ones (what upstream's decoder does for built-in kinds).
    pub normalize: fn(Value) -> Result<Value, serde_json::Error>,
    /// The OpenAPI schema of the kind (and, through the generator, its dependencies).
    pub schema: fn(&mut schemars::SchemaGenerator) -> schemars::Schema,
    /// The schema's name, e.g. `io.k8s.api.core.v1.ConfigMap`.
    pub schema_name: fn() -> Cow<'static, str>,
    /// Field selectors beyond `metadata.name` and `metadata.namespace`, with the JSON path
    /// each one reads (dot-separated).
    pub field_selectors: &'static [(&'static str, &'static str)],
}

impl ResourceType {
    /// `group/version`, or `version` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() { self.version.to_string() } else { format!("{}/{}", self.group, self.version) }
    }

    /// `plural` or `plural.group`: how upstream names the resource in messages.
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() { self.plural.to_string() } else { format!("{}.{}", self.plural, self.group) }
    }

    /// `Kind` or `Kind.group`: how upstream names the kind in validation messages.
    pub fn qualified_kind(&self) -> String {
        if self.group.is_empty() { self.kind.to_string() } else { format!("{}.{}", self.kind, self.group) }
    }
}

/// Resolves whether a k8s-openapi scope type is namespaced.
pub trait ScopeInfo {
    const NAMESPACED: bool;
}
impl ScopeInfo for NamespaceResourceScope {
    const NAMESPACED: bool = true;
}
impl ScopeInfo for ClusterResourceScope {
    const NAMESPACED: bool = false;
}

fn normalize<T>(value: Value) -> Result<Value, serde_json::Error>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    serde_json::to_value(serde_json::from_value::<T>(value)?)
}

fn schema<T: schemars::JsonSchema>(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    T::json_schema(generator)
}

/// The protobuf package of a group, as k8s.io's `generated.proto` files name it.
fn proto_package(group: &str) -> String {
    let short = match group {
        "" => "core",
        "apiextensions.k8s.io" => return "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions".into(),
        "rbac.authorization.k8s.io" => "rbac",
        other => other.strip_suffix(".k8s.io").unwrap_or(other),
    };
    format!("k8s.io.api.{short}")
}

/// kplane's own groups (`controlplane.kplane.dev`, `kplane.dev`) end with this; they have no
/// protobuf form.
const MANAGEMENT_GROUP_SUFFIX: &str = "kplane.dev";

/// Options of one built-in row.
struct Row {
    short_names: &'static [&'static str],
    categories: &'static [&'static str],
    status: bool,
    scale: bool,
    field_selectors: &'static [(&'static str, &'static str)],
}

const PLAIN: Row = Row { short_names: &[], categories: &[], status: false, scale: false, field_selectors: &[] };

/// The typed behaviour of a compiled-in kind. Leaked on purpose: the table is built once per
/// process and lives as long as it.
fn builtin_kind<T>(field_selectors: &'static [(&'static str, &'static str)]) -> &'static BuiltinKind
where
    T: Resource + schemars::JsonSchema + serde::de::DeserializeOwned + serde::Serialize,
{
    let proto_message = (!T::GROUP.ends_with(MANAGEMENT_GROUP_SUFFIX))
        .then(|| &*Box::leak(format!("{}.{}.{}", proto_package(T::GROUP), T::VERSION, T::KIND).into_boxed_str()));
    Box::leak(Box::new(BuiltinKind {
        proto_message,
        normalize: normalize::<T>,
        schema: schema::<T>,
        schema_name: T::schema_name,
        field_selectors,
    }))
}

fn builtin<T>(row: Row) -> ResourceType
where
    T: Resource + ListableResource + schemars::JsonSchema + serde::de::DeserializeOwned + serde::Serialize,
    T::Scope: ScopeInfo,
{
    let kind = builtin_kind::<T>(row.field_selectors);
    ResourceType {
        group: Cow::Borrowed(T::GROUP),
        version: Cow::Borrowed(T::VERSION),
        kind: Cow::Borrowed(T::KIND),
        list_kind: Cow::Borrowed(T::LIST_KIND),
        plural: Cow::Borrowed(T::URL_PATH_SEGMENT),
        singular: Cow::Owned(T::KIND.to_ascii_lowercase()),
        namespaced: <T::Scope as ScopeInfo>::NAMESPACED,
        short_names: row.short_names.iter().map(|s| Cow::Borrowed(*s)).collect(),
        categories: row.categories.iter().map(|s| Cow::Borrowed(*s)).collect(),
        verbs: STANDARD_VERBS.to_vec(),
        status_subresource: row.status,
        scale_subresource: row.scale,
        create_only: false,
        builtin: Some(kind),
        custom: None,
    }
}

/// A create-only review kind (`SelfSubjectAccessReview` …): not listable, never stored.
fn review<T>() -> ResourceType
where
    T: Resource + schemars::JsonSchema + serde::de::DeserializeOwned + serde::Serialize,
{
    let kind = builtin_kind::<T>(&[]);
    ResourceType {
        group: Cow::Borrowed(T::GROUP),
        version: Cow::Borrowed(T::VERSION),
        kind: Cow::Borrowed(T::KIND),
        list_kind: Cow::Owned(format!("{}List", T::KIND)),
        plural: Cow::Borrowed(T::URL_PATH_SEGMENT),
        singular: Cow::Borrowed(""),
        namespaced: false,
        short_names: vec![],
        categories: vec![],
        verbs: vec!["create"],
        status_subresource: false,
        scale_subresource: false,
        create_only: true,
        builtin: Some(kind),
        custom: None,
    }
}

const POD_FIELDS: &[(&str, &str)] = &[
    ("spec.nodeName", "spec.nodeName"),
    ("spec.restartPolicy", "spec.restartPolicy"),
    ("spec.schedulerName", "spec.schedulerName"),
    ("spec.serviceAccountName", "spec.serviceAccountName"),
    ("spec.hostNetwork", "spec.hostNetwork"),
    ("status.phase", "status.phase"),
    ("status.podIP", "status.podIP"),
    ("status.nominatedNodeName", "status.nominatedNodeName"),
];

const EVENT_FIELDS: &[(&str, &str)] = &[
    ("involvedObject.kind", "involvedObject.kind"),
    ("involvedObject.namespace", "involvedObject.namespace"),
    ("involvedObject.name", "involvedObject.name"),
    ("involvedObject.uid", "involvedObject.uid"),
    ("involvedObject.apiVersion", "involvedObject.apiVersion"),
    ("involvedObject.resourceVersion", "involvedObject.resourceVersion"),
    ("involvedObject.fieldPath", "involvedObject.fieldPath"),
    ("reason", "reason"),
    ("reportingComponent", "reportingComponent"),
    ("source", "source.component"),
    ("type", "type"),
];

const NEW_EVENT_FIELDS: &[(&str, &str)] = &[
    ("regarding.kind", "regarding.kind"),
    ("regarding.namespace", "regarding.namespace"),
    ("regarding.name", "regarding.name"),
    ("regarding.uid", "regarding.uid"),
    ("reason", "reason"),
    ("reportingController", "reportingController"),
    ("type", "type"),
];

/// Every built-in resource type, in discovery order.
pub fn builtin_types() -> Vec<ResourceType> {
    use k8s_openapi::api::{
        apps::v1 as apps, autoscaling::v2 as autoscaling, batch::v1 as batch, coordination::v1 as coordination,
        core::v1 as core, discovery::v1 as discovery, events::v1 as events, networking::v1 as networking,
        policy::v1 as policy, rbac::v1 as rbac, scheduling::v1 as scheduling, storage::v1 as storage,
    };
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiextensions;
    let all: &'static [&'static str] = &["all"];
    vec![
        builtin::<core::Namespace>(Row {
            short_names: &["ns"],
            status: true,
            field_selectors: &[("status.phase", "status.phase")],
            ..PLAIN
        }),
        builtin::<core::ConfigMap>(Row { short_names: &["cm"], ..PLAIN }),
        builtin::<core::Secret>(Row { field_selectors: &[("type", "type")], ..PLAIN }),
        builtin::<core::ServiceAccount>(Row { short_names: &["sa"], ..PLAIN }),
        builtin::<core::Service>(Row { short_names: &["svc"], categories: all, status: true, ..PLAIN }),
        builtin::<core::Endpoints>(Row { short_names: &["ep"], ..PLAIN }),
        builtin::<core::Event>(Row { short_names: &["ev"], field_selectors: EVENT_FIELDS, ..PLAIN }),
        builtin::<core::Pod>(Row {
            short_names: &["po"],
            categories: all,
            status: true,
            field_selectors: POD_FIELDS,
            ..PLAIN
        }),
        builtin::<core::PodTemplate>(PLAIN),
        builtin::<core::PersistentVolumeClaim>(Row { short_names: &["pvc"], status: true, ..PLAIN }),
        builtin::<core::PersistentVolume>(Row { short_names: &["pv"], status: true, ..PLAIN }),
        builtin::<core::ResourceQuota>(Row { short_names: &["quota"], status: true, ..PLAIN }),
        builtin::<core::LimitRange>(Row { short_names: &["limits"], ..PLAIN }),
        builtin::<core::Node>(Row {
            short_names: &["no"],
            status: true,
            field_selectors: &[("spec.unschedulable", "spec.unschedulable")],
            ..PLAIN
        }),
        builtin::<core::ReplicationController>(Row {
            short_names: &["rc"],
            categories: all,
            status: true,
            scale: true,
            field_selectors: &[("status.replicas", "status.replicas")],
        }),
        builtin::<apps::Deployment>(Row {
            short_names: &["deploy"],
            categories: all,
            status: true,
            scale: true,
            ..PLAIN
        }),
        builtin::<apps::StatefulSet>(Row {
            short_names: &["sts"],
            categories: all,
            status: true,
            scale: true,
            ..PLAIN
        }),
        builtin::<apps::DaemonSet>(Row { short_names: &["ds"], categories: all, status: true, ..PLAIN }),
        builtin::<apps::ReplicaSet>(Row {
            short_names: &["rs"],
            categories: all,
            status: true,
            scale: true,
            field_selectors: &[("status.replicas", "status.replicas")],
        }),
        builtin::<apps::ControllerRevision>(PLAIN),
        builtin::<batch::Job>(Row {
            categories: all,
            status: true,
            field_selectors: &[("status.successful", "status.succeeded")],
            ..PLAIN
        }),
        builtin::<batch::CronJob>(Row { short_names: &["cj"], categories: all, status: true, ..PLAIN }),
        builtin::<autoscaling::HorizontalPodAutoscaler>(Row {
            short_names: &["hpa"],
            categories: all,
            status: true,
            ..PLAIN
        }),
        builtin::<rbac::ClusterRole>(PLAIN),
        builtin::<rbac::ClusterRoleBinding>(PLAIN),
        builtin::<rbac::Role>(PLAIN),
        builtin::<rbac::RoleBinding>(PLAIN),
        builtin::<coordination::Lease>(PLAIN),
        builtin::<events::Event>(Row { short_names: &["ev"], field_selectors: NEW_EVENT_FIELDS, ..PLAIN }),
        builtin::<discovery::EndpointSlice>(PLAIN),
        builtin::<networking::Ingress>(Row { short_names: &["ing"], status: true, ..PLAIN }),
        builtin::<networking::IngressClass>(PLAIN),
        builtin::<networking::NetworkPolicy>(Row { short_names: &["netpol"], ..PLAIN }),
        builtin::<policy::PodDisruptionBudget>(Row { short_names: &["pdb"], status: true, ..PLAIN }),
        builtin::<scheduling::PriorityClass>(Row { short_names: &["pc"], ..PLAIN }),
        builtin::<storage::StorageClass>(Row { short_names: &["sc"], ..PLAIN }),
        review::<k8s_openapi::api::authentication::v1::SelfSubjectReview>(),
        review::<k8s_openapi::api::authorization::v1::SelfSubjectAccessReview>(),
        review::<k8s_openapi::api::authorization::v1::SelfSubjectRulesReview>(),
        builtin::<apiextensions::CustomResourceDefinition>(Row {
            short_names: &["crd", "crds"],
            categories: &["api-extensions"],
            status: true,
            ..PLAIN
        }),
    ]
}

/// The management API, served by the root plane only, after the built-ins.
pub fn management_types() -> Vec<ResourceType> {
    use crate::types::controlplane::{ControlPlane, ControlPlaneClass, ControlPlaneEndpoint};
    let kplane: &'static [&'static str] = &["kplane"];
    vec![
        builtin::<ControlPlane>(Row { short_names: &["cp"], categories: kplane, status: true, ..PLAIN }),
        builtin::<ControlPlaneEndpoint>(Row { short_names: &["cpe"], categories: kplane, status: true, ..PLAIN }),
        builtin::<ControlPlaneClass>(Row { short_names: &["cpc"], categories: kplane, status: true, ..PLAIN }),
        builtin::<crate::types::fleet::Fleet>(Row { short_names: &["flt"], categories: kplane, status: true, ..PLAIN }),
    ]
}

/// The resource types a CustomResourceDefinition serves: one per served version.
pub fn custom_types(crd: &Value) -> Vec<ResourceType> {
    let spec = &crd["spec"];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let names = &spec["names"];
    let (group, kind, plural) = (text(&spec["group"]), text(&names["kind"]), text(&names["plural"]));
    if group.is_empty() || kind.is_empty() || plural.is_empty() {
        return vec![];
    }
    let list_kind = match text(&names["listKind"]) {
        empty if empty.is_empty() => format!("{kind}List"),
        list => list,
    };
    let singular = match text(&names["singular"]) {
        empty if empty.is_empty() => kind.to_ascii_lowercase(),
        singular => singular,
    };
    let strings = |v: &Value| -> Vec<Cow<'static, str>> {
        v.as_array().into_iter().flatten().filter_map(Value::as_str).map(|s| Cow::Owned(s.to_string())).collect()
    };
    let versions = spec["versions"].as_array().cloned().unwrap_or_default();
    versions
        .iter()
        .filter(|v| v["served"].as_bool().unwrap_or(true))
        .map(|version| ResourceType {
            group: Cow::Owned(group.clone()),
            version: Cow::Owned(text(&version["name"])),
            kind: Cow::Owned(kind.clone()),
            list_kind: Cow::Owned(list_kind.clone()),
            plural: Cow::Owned(plural.clone()),
            singular: Cow::Owned(singular.clone()),
            namespaced: spec["scope"].as_str() != Some("Cluster"),
            short_names: strings(&names["shortNames"]),
            categories: strings(&names["categories"]),
            verbs: STANDARD_VERBS.to_vec(),
            status_subresource: version.pointer("/subresources/status").is_some(),
            scale_subresource: scale_paths(version).is_some(),
            create_only: false,
            builtin: None,
            custom: Some(Arc::new(CustomKind {
                schema: version.pointer("/schema/openAPIV3Schema").cloned(),
                printer_columns: printer_columns(version),
                scale: scale_paths(version),
                rules: version.pointer("/schema/openAPIV3Schema").map(super::cel::Rules::compile).unwrap_or_default(),
            })),
        })
        .collect()
}

fn scale_paths(version: &Value) -> Option<ScalePaths> {
    let scale = version.pointer("/subresources/scale")?;
    let path = |key: &str| scale[key].as_str().filter(|p| !p.is_empty()).map(String::from);
    Some(ScalePaths {
        spec_replicas: path("specReplicasPath")?,
        status_replicas: path("statusReplicasPath")?,
        label_selector: path("labelSelectorPath"),
    })
}

fn printer_columns(version: &Value) -> Vec<PrinterColumn> {
    let columns = version["additionalPrinterColumns"].as_array().cloned().unwrap_or_default();
    let text = |c: &Value, k: &str| c[k].as_str().unwrap_or_default().to_string();
    columns
        .iter()
        .filter(|c| !text(c, "name").is_empty() && !text(c, "jsonPath").is_empty())
        .map(|c| PrinterColumn {
            name: text(c, "name"),
            type_: match text(c, "type") {
                empty if empty.is_empty() => "string".into(),
                ty => ty,
            },
            format: text(c, "format"),
            description: text(c, "description"),
            priority: c["priority"].as_i64().unwrap_or(0),
            json_path: text(c, "jsonPath"),
        })
        .collect()
}

/// Lookup over a set of resource types: the built-ins shared by every plane, or those plus
/// the management API for the root plane, plus a plane's custom resources.
pub struct KindTable {
    types: Vec<Arc<ResourceType>>,
    by_resource: HashMap<(String, String, String), usize>,
}

impl KindTable {
    pub fn new(types: Vec<ResourceType>) -> Self {
        Self::from_shared(types.into_iter().map(Arc::new).collect())
    }

    fn from_shared(types: Vec<Arc<ResourceType>>) -> Self {
        let by_resource = types
            .iter()
            .enumerate()
            .map(|(i, t)| ((t.group.to_string(), t.version.to_string(), t.plural.to_string()), i))
            .collect();
        KindTable { types, by_resource }
    }

    /// The built-in table, built once per process and shared by all planes.
    pub fn builtin() -> &'static KindTable {
        Self::builtin_shared()
    }

    /// The root plane's table: the built-ins and the management API.
    pub fn management() -> &'static KindTable {
        Self::management_shared()
    }

    fn builtin_shared() -> &'static Arc<KindTable> {
        static TABLE: LazyLock<Arc<KindTable>> = LazyLock::new(|| Arc::new(KindTable::new(builtin_types())));
        &TABLE
    }

    fn management_shared() -> &'static Arc<KindTable> {
        static TABLE: LazyLock<Arc<KindTable>> = LazyLock::new(|| {
            let mut types = builtin_types();
            types.extend(management_types());
            Arc::new(KindTable::new(types))
        });
        &TABLE
    }

    /// The compiled-in table `plane` serves (without its custom resources: the registry adds
    /// those, see `Registry::kinds`).
    pub fn for_plane(plane: &crate::types::PlaneName) -> &'static KindTable {
        Self::base(plane)
    }

    /// [`Self::for_plane`] as a shared handle.
    pub fn base(plane: &crate::types::PlaneName) -> &'static Arc<KindTable> {
        if plane.is_root() { Self::management_shared() } else { Self::builtin_shared() }
    }

    /// Whether this is one of the compiled-in tables (its documents are built once per process).
    pub fn is_base(table: &Arc<KindTable>) -> bool {
        Arc::ptr_eq(table, Self::builtin_shared()) || Arc::ptr_eq(table, Self::management_shared())
    }

    /// `base` plus the custom resources of `crds` (CustomResourceDefinition objects); a CRD
    /// whose names clash with a served type is left out.
    pub fn with_custom_resources(base: &KindTable, crds: &[Value]) -> KindTable {
        let mut types = base.types.clone();
        for rt in crds.iter().flat_map(custom_types) {
            let clash = types.iter().any(|t| (&t.group, &t.version, &t.plural) == (&rt.group, &rt.version, &rt.plural));
            if !clash {
                types.push(Arc::new(rt));
            }
        }
        KindTable::from_shared(types)
    }

    pub fn all(&self) -> &[Arc<ResourceType>] {
        &self.types
    }

    /// The type served at `/<group>/<version>/<plural>`.
    pub fn lookup(&self, group: &str, version: &str, plural: &str) -> Option<&Arc<ResourceType>> {
        let key = (group.to_string(), version.to_string(), plural.to_string());
        self.by_resource.get(&key).map(|i| &self.types[*i])
    }

    /// The type of a group/version/kind.
    pub fn by_kind(&self, group: &str, version: &str, kind: &str) -> Option<&Arc<ResourceType>> {
        self.types.iter().find(|t| t.group == group && t.version == version && t.kind == kind)
    }

    /// Groups in discovery order, each with its versions (one per group for built-ins).
    pub fn groups(&self) -> Vec<(String, Vec<String>)> {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for t in &self.types {
            match groups.iter_mut().find(|(g, _)| *g == t.group) {
                Some((_, versions)) if !versions.contains(&t.version.to_string()) => {
                    versions.push(t.version.to_string())
                }
                Some(_) => {}
                None => groups.push((t.group.to_string(), vec![t.version.to_string()])),
            }
        }
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rows_come_from_the_typed_resources() {
        let table = KindTable::builtin();
        let cm = table.lookup("", "v1", "configmaps").expect("configmaps");
        assert_eq!((cm.kind.as_ref(), cm.list_kind.as_ref()), ("ConfigMap", "ConfigMapList"));
        assert!(cm.namespaced);
        assert_eq!(cm.builtin.unwrap().proto_message, Some("k8s.io.api.core.v1.ConfigMap"));
        let ns = table.lookup("", "v1", "namespaces").unwrap();
        assert!(!ns.namespaced && ns.status_subresource);
        let deploy = table.lookup("apps", "v1", "deployments").unwrap();
        assert!(deploy.scale_subresource);
        assert_eq!(deploy.api_version(), "apps/v1");
        let crd = table.lookup("apiextensions.k8s.io", "v1", "customresourcedefinitions").unwrap();
        assert_eq!(
            crd.builtin.unwrap().proto_message,
            Some("k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition")
        );
        let role = table.lookup("rbac.authorization.k8s.io", "v1", "roles").unwrap();
        assert_eq!(role.builtin.unwrap().proto_message, Some("k8s.io.api.rbac.v1.Role"));
    }

    #[test]
    fn only_the_root_plane_serves_the_management_api() {
        let root = KindTable::for_plane(&crate::types::PlaneName::root());
        let cp = root.lookup("controlplane.kplane.dev", "v1alpha1", "controlplanes").expect("controlplanes");
        assert_eq!((cp.kind.as_ref(), cp.namespaced, cp.status_subresource), ("ControlPlane", false, true));
        assert_eq!(cp.builtin.unwrap().proto_message, None);
        let vcp = KindTable::for_plane(&crate::types::PlaneName::parse("demo").unwrap());
        assert!(vcp.lookup("controlplane.kplane.dev", "v1alpha1", "controlplanes").is_none());
        assert!(vcp.lookup("", "v1", "configmaps").is_some());
        assert_eq!(root.all().len(), vcp.all().len() + 4);
        assert!(root.lookup("kplane.dev", "v1", "fleets").is_some_and(|f| f.short_names == ["flt"]));
    }

    #[test]
    fn every_resource_is_unique_and_groups_are_listed_once() {
        let table = KindTable::builtin();
        assert_eq!(table.by_resource.len(), table.all().len());
        let groups = table.groups();
        assert_eq!(groups[0].0, "");
        assert!(groups.iter().any(|(g, v)| g == "apps" && v == &["v1"]));
    }

    #[test]
    fn normalize_drops_unknown_fields_and_rejects_wrong_types() {
        let cm = KindTable::builtin().lookup("", "v1", "configmaps").unwrap().builtin.unwrap();
        let out = (cm.normalize)(serde_json::json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "a", "bogus": 1}, "data": {"k": "v"}, "extra": true
        }))
        .unwrap();
        assert_eq!(
            out,
            serde_json::json!({
                "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "v"}
            })
        );
        assert!(
            (cm.normalize)(serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"k": 1}})).is_err()
        );
    }
}
