//! `kplane.dev/v1` `Fleet`: N virtual control planes provisioned declaratively, for CI jobs and
//! AI/RL training loops that need many identical planes at once.
//!
//! Each member is a `ControlPlane` owned by the Fleet (owner reference and the [`FLEET_LABEL`]
//! label). Members are named `names[i]` when `names` is set, else `<namePrefix><index>` with a
//! four-digit index (`rl-0000`).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, ObjectMeta, Time};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const GROUP: &str = "kplane.dev";
pub const VERSION: &str = "v1";
pub const API_VERSION: &str = "kplane.dev/v1";

/// Label on every member ControlPlane, naming its Fleet.
pub const FLEET_LABEL: &str = "kplane.dev/fleet";
/// Annotation on a member ControlPlane once the Fleet's template has been applied into it.
pub const SEEDED_ANNOTATION: &str = "kplane.dev/seeded";
/// The finalizer the fleet controller keeps on a Fleet until its members are handled.
pub const FINALIZER: &str = "kplane.dev/fleet";

/// A set of virtual control planes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "dev.kplane.v1.Fleet")]
pub struct Fleet {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    pub spec: FleetSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<FleetStatus>,
}

resource!(Fleet, FleetList, "fleets");

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "dev.kplane.v1.FleetSpec")]
pub struct FleetSpec {
    /// How many member planes the Fleet keeps.
    pub replicas: i32,
    /// Prefix of generated member names (default: `<fleet-name>-`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_prefix: Option<String>,
    /// Explicit member names (DNS-1123 labels); when set, exactly `replicas` of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    /// Seconds after creation when the Fleet (and, per policy, its members) is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_seconds: Option<i64>,
    /// `Retain` (default) keeps members when the Fleet goes or shrinks; `Delete` deletes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<String>,
    /// Objects created in every member when it is first ready (scenario seeding).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "template_schema")]
    pub template: Vec<serde_json::Value>,
}

/// Any Kubernetes objects: kept as sent.
fn template_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "array",
        "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
    })
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "dev.kplane.v1.FleetStatus")]
pub struct FleetStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Members whose ControlPlane is Ready (and seeded); always present.
    #[serde(default)]
    pub ready_replicas: i32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<FleetMember>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "dev.kplane.v1.FleetMember")]
pub struct FleetMember {
    /// The member plane's name (its ControlPlane and its `/clusters/<clusterID>/control-plane`).
    #[serde(rename = "clusterID")]
    pub cluster_id: String,
    /// `Pending`, `Ready` or `Failed`.
    pub phase: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
}

impl Fleet {
    /// A Fleet named `name` with `replicas` members, ready to be created.
    pub fn new(name: &str, replicas: i32) -> Self {
        let mut fleet = Fleet::named(name);
        fleet.spec.replicas = replicas;
        fleet
    }

    /// The member names the spec asks for, in order.
    pub fn member_names(&self) -> Vec<String> {
        if !self.spec.names.is_empty() {
            return self.spec.names.clone();
        }
        let name = self.metadata.name.as_deref().unwrap_or_default();
        let prefix = self.spec.name_prefix.clone().unwrap_or_else(|| format!("{name}-"));
        (0..self.spec.replicas.max(0)).map(|i| format!("{prefix}{i:04}")).collect()
    }

    /// Whether members go with the Fleet (and with a scale-down).
    pub fn deletes_members(&self) -> bool {
        self.spec.deletion_policy.as_deref() == Some("Delete")
    }

    pub fn ready_replicas(&self) -> i32 {
        self.status.as_ref().map_or(0, |s| s.ready_replicas)
    }
}

/// What is wrong with a Fleet's spec, as (field, value, message) triples; empty when valid.
pub fn spec_problems(spec: &FleetSpec, fleet_name: &str) -> Vec<(String, String, String)> {
    let mut problems = Vec::new();
    if spec.replicas < 0 {
        problems.push(("spec.replicas".into(), spec.replicas.to_string(), "must be greater than or equal to 0".into()));
    }
    if !spec.names.is_empty() && spec.names.len() != spec.replicas.max(0) as usize {
        problems.push((
            "spec.names".into(),
            format!("{} names", spec.names.len()),
            format!("must list exactly spec.replicas ({}) names", spec.replicas),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, name) in spec.names.iter().enumerate() {
        if let Err(why) = super::validate_dns1123_label(name) {
            problems.push((format!("spec.names[{i}]"), name.clone(), why));
        } else if name == super::ROOT_PLANE {
            problems.push((format!("spec.names[{i}]"), name.clone(), "\"root\" is the management plane".into()));
        } else if !seen.insert(name) {
            problems.push((format!("spec.names[{i}]"), name.clone(), "duplicate name".into()));
        }
    }
    if spec.names.is_empty() && spec.replicas > 0 {
        // The longest generated name must still be a plane name.
        let prefix = spec.name_prefix.clone().unwrap_or_else(|| format!("{fleet_name}-"));
        let last = format!("{prefix}{:04}", spec.replicas - 1);
        if let Err(why) = super::validate_dns1123_label(&last) {
            problems.push(("spec.namePrefix".into(), prefix, format!("member names like {last:?} are invalid: {why}")));
        }
    }
    if let Some(ttl) = spec.ttl_seconds.filter(|t| *t < 0) {
        problems.push(("spec.ttlSeconds".into(), ttl.to_string(), "must be greater than or equal to 0".into()));
    }
    if let Some(policy) = spec.deletion_policy.as_deref().filter(|p| !matches!(*p, "Retain" | "Delete")) {
        problems.push(("spec.deletionPolicy".into(), policy.into(), "supported values: \"Retain\", \"Delete\"".into()));
    }
    for (i, object) in spec.template.iter().enumerate() {
        let has = |field: &str| object.get(field).and_then(serde_json::Value::as_str).is_some_and(|v| !v.is_empty());
        if !has("apiVersion") || !has("kind") {
            problems.push((
                format!("spec.template[{i}]"),
                String::new(),
                "every object needs apiVersion and kind".into(),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_named_by_prefix_and_index_or_verbatim() {
        let mut fleet = Fleet::new("rl", 3);
        assert_eq!(fleet.member_names(), ["rl-0000", "rl-0001", "rl-0002"]);
        fleet.spec.name_prefix = Some("env-".into());
        assert_eq!(fleet.member_names()[2], "env-0002");
        fleet.spec.names = vec!["a".into(), "b".into(), "c".into()];
        assert_eq!(fleet.member_names(), ["a", "b", "c"]);
        assert!(spec_problems(&fleet.spec, "rl").is_empty());
    }

    #[test]
    fn bad_specs_name_the_field() {
        let mut spec = FleetSpec { replicas: 2, names: vec!["a".into()], ..FleetSpec::default() };
        assert_eq!(spec_problems(&spec, "f")[0].0, "spec.names");
        spec.names = vec!["a".into(), "Bad_Name".into()];
        assert_eq!(spec_problems(&spec, "f")[0].0, "spec.names[1]");
        spec.names = vec!["a".into(), "a".into()];
        assert_eq!(spec_problems(&spec, "f")[0].2, "duplicate name");
        let spec = FleetSpec { replicas: -1, deletion_policy: Some("Nope".into()), ..FleetSpec::default() };
        let fields: Vec<String> = spec_problems(&spec, "f").into_iter().map(|p| p.0).collect();
        assert_eq!(fields, ["spec.replicas", "spec.deletionPolicy"]);
        let long = FleetSpec { replicas: 1, name_prefix: Some("x".repeat(62)), ..FleetSpec::default() };
        assert_eq!(spec_problems(&long, "f")[0].0, "spec.namePrefix");
        let template =
            FleetSpec { replicas: 1, template: vec![serde_json::json!({"kind": "ConfigMap"})], ..FleetSpec::default() };
        assert_eq!(spec_problems(&template, "f")[0].0, "spec.template[0]");
    }

    #[test]
    fn status_always_carries_ready_replicas() {
        let value = serde_json::to_value(FleetStatus::default()).unwrap();
        assert_eq!(value, serde_json::json!({"readyReplicas": 0}));
    }
}
