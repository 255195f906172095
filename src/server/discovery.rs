//! `/version` and API discovery, legacy (`/api`, `/apis`, `/api/v1`, `/apis/<g>/<v>`) and
//! aggregated (`apidiscovery.k8s.io/v2`, chosen by the `Accept` header). Every plane serves the
//! same built-in documents, so they are built once per process.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::registry::kind::{KindTable, ResourceType};

/// The Kubernetes minor version this server emulates: the one `k8s-openapi` is built for.
#[allow(unreachable_code)]
pub fn emulated_minor() -> u32 {
    k8s_openapi::k8s_if_1_33! { return 33; }
    k8s_openapi::k8s_if_1_34! { return 34; }
    k8s_openapi::k8s_if_1_35! { return 35; }
    k8s_openapi::k8s_if_1_36! { return 36; }
    k8s_openapi::k8s_if_1_37! { return 37; }
    0
}

/// `/version`: a semver `gitVersion`, which kubectl requires.
pub fn version() -> Value {
    let minor = emulated_minor();
    json!({
        "major": "1",
        "minor": minor.to_string(),
        "emulationMajor": "1",
        "emulationMinor": minor.to_string(),
        "minCompatibilityMajor": "1",
        "minCompatibilityMinor": (minor - 1).to_string(),
        "gitVersion": format!("v1.{minor}.0+kplane.{}", env!("CARGO_PKG_VERSION")),
        "gitCommit": "kplane",
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": "n/a (kplane is written in Rust)",
        "compiler": "rustc",
        "platform": format!("{}/{}", std::env::consts::OS, go_arch()),
    })
}

fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

/// Legacy `APIResource` rows of one group/version, subresources included.
fn api_resources(types: &[&Arc<ResourceType>]) -> Vec<Value> {
    let mut rows = Vec::new();
    for rt in types {
        let mut row = json!({
            "name": rt.plural,
            "singularName": rt.singular,
            "namespaced": rt.namespaced,
            "kind": rt.kind,
            "verbs": rt.verbs,
        });
        if !rt.short_names.is_empty() {
            row["shortNames"] = json!(rt.short_names);
        }
        if !rt.categories.is_empty() {
            row["categories"] = json!(rt.categories);
        }
        rows.push(row);
        if rt.status_subresource {
            rows.push(json!({
                "name": format!("{}/status", rt.plural), "singularName": "", "namespaced": rt.namespaced,
                "kind": rt.kind, "verbs": ["get", "patch", "update"],
            }));
        }
        if rt.scale_subresource {
            rows.push(json!({
                "name": format!("{}/scale", rt.plural), "singularName": "", "namespaced": rt.namespaced,
                "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"],
            }));
        }
        if rt.group.is_empty() && rt.plural == "namespaces" {
            rows.push(json!({
                "name": "namespaces/finalize", "singularName": "", "namespaced": false,
                "kind": "Namespace", "verbs": ["update"],
            }));
        }
    }
    rows
}

fn of_group_version<'a>(table: &'a KindTable, group: &str, version: &str) -> Vec<&'a Arc<ResourceType>> {
    table.all().iter().filter(|t| t.group == group && t.version == version).collect()
}

/// `/api/v1` or `/apis/<g>/<v>`, or `None` if that group/version is not served.
pub fn resource_list(table: &KindTable, group: &str, version: &str) -> Option<Value> {
    let types = of_group_version(table, group, version);
    if types.is_empty() {
        return None;
    }
    let group_version = if group.is_empty() { version.to_string() } else { format!("{group}/{version}") };
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": api_resources(&types),
    }))
}

/// `/api`
pub fn core_versions(server_address: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    })
}

fn api_group(group: &str, versions: &[String]) -> Value {
    let versions: Vec<Value> =
        versions.iter().map(|v| json!({"groupVersion": format!("{group}/{v}"), "version": v})).collect();
    json!({"name": group, "versions": versions, "preferredVersion": versions[0]})
}

/// `/apis`
pub fn groups(table: &KindTable) -> Value {
    let groups: Vec<Value> = table
        .groups()
        .into_iter()
        .filter(|(group, _)| !group.is_empty())
        .map(|(group, versions)| api_group(&group, &versions))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `/apis/<group>`
pub fn group(table: &KindTable, name: &str) -> Option<Value> {
    let (group, versions) = table.groups().into_iter().find(|(g, _)| g == name && !g.is_empty())?;
    let mut doc = api_group(&group, &versions);
    doc["kind"] = json!("APIGroup");
    doc["apiVersion"] = json!("v1");
    Some(doc)
}

fn aggregated_resource(rt: &ResourceType) -> Value {
    let response_kind = json!({"group": rt.group, "version": rt.version, "kind": rt.kind});
    let mut row = json!({
        "resource": rt.plural,
        "responseKind": response_kind,
        "scope": if rt.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": rt.singular,
        "verbs": rt.verbs,
    });
    if !rt.short_names.is_empty() {
        row["shortNames"] = json!(rt.short_names);
    }
    if !rt.categories.is_empty() {
        row["categories"] = json!(rt.categories);
    }
    let mut subresources = Vec::new();
    if rt.status_subresource {
        subresources
            .push(json!({"subresource": "status", "responseKind": response_kind, "verbs": ["get", "patch", "update"]}));
    }
    if rt.scale_subresource {
        let scale = json!({"group": "autoscaling", "version": "v1", "kind": "Scale"});
        subresources.push(json!({"subresource": "scale", "responseKind": scale, "verbs": ["get", "patch", "update"]}));
    }
    if rt.group.is_empty() && rt.plural == "namespaces" {
        subresources.push(json!({"subresource": "finalize", "responseKind": response_kind, "verbs": ["update"]}));
    }
    if !subresources.is_empty() {
        row["subresources"] = Value::Array(subresources);
    }
    row
}

/// Aggregated discovery (`APIGroupDiscoveryList`) of the core group (`core: true`, for
/// `/api`) or of every named group (for `/apis`).
pub fn aggregated(table: &KindTable, core: bool) -> Value {
    let items: Vec<Value> = table
        .groups()
        .into_iter()
        .filter(|(group, _)| group.is_empty() == core)
        .map(|(group, versions)| {
            let versions: Vec<Value> = versions
                .iter()
                .map(|version| {
                    let resources: Vec<Value> = of_group_version(table, &group, version)
                        .into_iter()
                        .map(|rt| aggregated_resource(rt))
                        .collect();
                    json!({"version": version, "resources": resources, "freshness": "Current"})
                })
                .collect();
            json!({"metadata": {"name": group, "creationTimestamp": null}, "versions": versions})
        })
        .collect();
    json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": items})
}

/// The aggregated documents as served: bytes plus a strong ETag of their content.
pub struct Aggregated {
    pub body: Vec<u8>,
    pub etag: String,
}

impl Aggregated {
    fn new(doc: &Value) -> Self {
        let body = serde_json::to_vec(doc).unwrap_or_default();
        let digest = ring::digest::digest(&ring::digest::SHA256, &body);
        let etag = format!("\"{}\"", hex(digest.as_ref()));
        Aggregated { body, etag }
    }

    /// The `/api` and `/apis` aggregated documents of `table`.
    pub fn build(table: &KindTable) -> (Aggregated, Aggregated) {
        (Aggregated::new(&aggregated(table, true)), Aggregated::new(&aggregated(table, false)))
    }
}

/// The built-in legacy documents, built once: every plane serves the same ones.
pub struct Legacy {
    pub root: Value,
    pub groups: Value,
    /// `/apis/<group>`, by group.
    pub group: HashMap<String, Value>,
    /// `/api/v1` and `/apis/<g>/<v>`, by (group, version).
    pub resources: HashMap<(String, String), Value>,
}

impl Legacy {
    /// The legacy documents of `table`.
    pub fn build(table: &KindTable) -> Legacy {
        let mut legacy =
            Legacy { root: root_paths(table), groups: groups(table), group: HashMap::new(), resources: HashMap::new() };
        for (name, versions) in table.groups() {
            if let Some(doc) = group(table, &name) {
                legacy.group.insert(name.clone(), doc);
            }
            for version in versions {
                if let Some(doc) = resource_list(table, &name, &version) {
                    legacy.resources.insert((name.clone(), version), doc);
                }
            }
        }
        legacy
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `/`: the paths this server answers, like upstream's root listing.
pub fn root_paths(table: &KindTable) -> Value {
    let mut paths = vec!["/api".to_string(), "/api/v1".into(), "/apis".into()];
    for (group, versions) in table.groups() {
        if group.is_empty() {
            continue;
        }
        paths.push(format!("/apis/{group}"));
        paths.extend(versions.iter().map(|v| format!("/apis/{group}/{v}")));
    }
    paths.extend(["/healthz", "/livez", "/openapi/v3", "/readyz", "/version"].map(String::from));
    json!({"paths": paths})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_semver_for_the_emulated_minor() {
        let v = version();
        assert_eq!(v["minor"], "33");
        assert!(v["gitVersion"].as_str().unwrap().starts_with("v1.33.0"));
    }

    #[test]
    fn legacy_discovery_lists_resources_and_subresources() {
        let table = KindTable::builtin();
        let core = resource_list(table, "", "v1").unwrap();
        let names: Vec<&str> =
            core["resources"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert!(
            names.contains(&"configmaps") && names.contains(&"pods/status") && names.contains(&"namespaces/finalize")
        );
        let cm = core["resources"].as_array().unwrap().iter().find(|r| r["name"] == "configmaps").unwrap();
        assert_eq!(cm["singularName"], "configmap");
        assert_eq!(cm["shortNames"], json!(["cm"]));
        assert!(resource_list(table, "apps", "v2").is_none());
        let groups = groups(table);
        let apps = groups["groups"].as_array().unwrap().iter().find(|g| g["name"] == "apps").unwrap();
        assert_eq!(apps["preferredVersion"], apps["versions"][0]);
    }

    #[test]
    fn aggregated_discovery_separates_core_from_groups() {
        let table = KindTable::builtin();
        let core = aggregated(table, true);
        assert_eq!(core["items"].as_array().unwrap().len(), 1);
        assert_eq!(core["items"][0]["metadata"]["name"], "");
        let apis = aggregated(table, false);
        let apps = apis["items"].as_array().unwrap().iter().find(|i| i["metadata"]["name"] == "apps").unwrap();
        let deploy = apps["versions"][0]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["resource"] == "deployments")
            .unwrap();
        assert_eq!(deploy["responseKind"]["kind"], "Deployment");
        assert_eq!(deploy["scope"], "Namespaced");
    }
}
