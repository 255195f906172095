use serde_json::Value;

use super::paths::PATCH_MEDIA;
use super::*;
use crate::registry::kind::KindTable;

fn parse(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("valid JSON")
}

fn doc(gv_path: &str) -> Value {
    let (_, bytes) = OpenApiV3::builtin().document(gv_path).expect(gv_path);
    parse(bytes)
}

fn all_docs() -> Vec<(String, Value)> {
    let api = OpenApiV3::builtin();
    api.gv_paths().map(|p| (p.to_string(), parse(api.document(p).expect("listed").1))).collect()
}

/// Every PATCH operation of `doc` tagged with the given group-version-kind.
fn patch_ops<'a>(doc: &'a Value, group: &str, version: &str, kind: &str) -> Vec<&'a Value> {
    let want = serde_json::json!({"group": group, "version": version, "kind": kind});
    doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .filter_map(|item| item.get("patch"))
        .filter(|op| op["x-kubernetes-group-version-kind"] == want)
        .collect()
}

fn has_query_param(op: &Value, name: &str) -> bool {
    op["parameters"].as_array().is_some_and(|ps| ps.iter().any(|p| p["name"] == name && p["in"] == "query"))
}

#[test]
fn index_lists_every_group_version_under_the_openapi_prefix() {
    let api = OpenApiV3::builtin();
    let index = parse(api.index_json());
    let paths = index["paths"].as_object().expect("paths");
    for gv in ["api/v1", "apis/apps/v1", "apis/rbac.authorization.k8s.io/v1"] {
        let (hash, _) = api.document(gv).expect(gv);
        let url = paths[gv]["serverRelativeURL"].as_str().expect(gv);
        assert_eq!(url, format!("/openapi/v3/{gv}?hash={hash}"));
        assert_eq!(hash.len(), 64);
    }
    assert_eq!(paths.len(), api.gv_paths().count());
    assert!(api.document("apis/apps/v2").is_none());
}

#[test]
fn hash_is_of_the_document_bytes() {
    let (hash, bytes) = OpenApiV3::builtin().document("api/v1").expect("api/v1");
    assert_eq!(hash, sha256_hex(bytes));
    assert_eq!(sha256_hex(b""), "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855");
}

/// What kubectl's `--validate=strict` probe does: in the object's group-version document,
/// the PATCH operations of its kind must accept `fieldValidation` (kubectl stops at the first
/// one it meets, in map order, so all of them must).
#[test]
fn every_kind_has_a_patch_operation_accepting_field_validation() {
    // Create-only review kinds have no PATCH (nor anything to validate on the client).
    for t in KindTable::builtin().all().iter().filter(|t| !t.create_only) {
        let doc = doc(&gv_path(&t.group, &t.version));
        let ops = patch_ops(&doc, &t.group, &t.version, &t.kind);
        assert!(!ops.is_empty(), "no PATCH op for {}", t.qualified_kind());
        for op in ops {
            assert!(has_query_param(op, "fieldValidation"), "{}", op["operationId"]);
        }
    }
}

#[test]
fn namespace_patch_exists_in_core_for_the_crd_fallback() {
    let doc = doc("api/v1");
    let ops = patch_ops(&doc, "", "v1", "Namespace");
    assert!(ops.iter().any(|op| op["operationId"] == "patchCoreV1Namespace"));
    assert!(doc["paths"]["/api/v1/namespaces/{name}"]["patch"].is_object());
}

#[test]
fn every_patch_operation_omits_strategic_merge_patch() {
    for (gv, doc) in all_docs() {
        for (path, item) in doc["paths"].as_object().expect("paths") {
            let Some(op) = item.get("patch") else { continue };
            assert!(has_query_param(op, "fieldValidation"), "{gv} {path}");
            let content = op["requestBody"]["content"].as_object().expect("content");
            let media: Vec<&str> = content.keys().map(String::as_str).collect();
            assert!(!media.iter().any(|m| m.contains("strategic")), "{gv} {path}: {media:?}");
            let mut want = PATCH_MEDIA.to_vec();
            want.sort_unstable();
            assert_eq!(media, want, "{gv} {path}");
        }
    }
}

fn collect_refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_ref_resolves_within_its_document() {
    for (gv, doc) in all_docs() {
        let schemas = doc["components"]["schemas"].as_object().expect("schemas");
        let mut refs = Vec::new();
        collect_refs(&doc, &mut refs);
        assert!(!refs.is_empty());
        for r in refs {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{gv}: {r}"));
            assert!(schemas.contains_key(name), "{gv}: dangling {r}");
        }
    }
}

#[test]
fn kind_and_list_schemas_carry_their_group_version_kind() {
    for t in KindTable::builtin().all() {
        let doc = doc(&gv_path(&t.group, &t.version));
        let schemas = &doc["components"]["schemas"];
        let names = super::schemas::names(t);
        for (name, kind) in [(&names.kind, &t.kind), (&names.list, &t.list_kind)] {
            let want = serde_json::json!([{"group": t.group, "version": t.version, "kind": kind}]);
            assert_eq!(schemas[name]["x-kubernetes-group-version-kind"], want, "{name}");
        }
        // Upstream's (and `kubectl explain`'s) view: metadata is not schema-required.
        let required = &schemas[&names.kind]["required"];
        assert!(!required.as_array().is_some_and(|r| r.iter().any(|f| f == "metadata")), "{}", names.kind);
    }
    let core = doc("api/v1");
    let cm = &core["components"]["schemas"]["io.k8s.api.core.v1.ConfigMap"];
    assert_eq!(cm["properties"]["data"]["type"], "object");
    let apps = doc("apis/apps/v1");
    let scale = &apps["components"]["schemas"]["io.k8s.api.autoscaling.v1.Scale"];
    assert_eq!(scale["x-kubernetes-group-version-kind"][0]["kind"], "Scale");
}

#[test]
fn paths_follow_the_upstream_layout() {
    let core = doc("api/v1");
    let paths = &core["paths"];
    let collection = &paths["/api/v1/namespaces/{namespace}/configmaps"];
    assert_eq!(collection["get"]["x-kubernetes-action"], "list");
    assert_eq!(collection["get"]["operationId"], "listCoreV1NamespacedConfigMap");
    assert!(has_query_param(&collection["get"], "watch"));
    assert!(has_query_param(&collection["get"], "sendInitialEvents"));
    assert_eq!(collection["post"]["x-kubernetes-action"], "post");
    assert_eq!(collection["delete"]["x-kubernetes-action"], "deletecollection");
    let item = &paths["/api/v1/namespaces/{namespace}/configmaps/{name}"];
    for (method, action) in [("get", "get"), ("put", "put"), ("patch", "patch"), ("delete", "delete")] {
        assert_eq!(item[method]["x-kubernetes-action"], action);
    }
    assert!(has_query_param(&item["patch"], "force"));
    assert!(!has_query_param(&item["put"], "force"));
    let names: Vec<&Value> = item["parameters"].as_array().expect("params").iter().map(|p| &p["name"]).collect();
    assert_eq!(names, ["name", "namespace", "pretty"]);
    assert_eq!(paths["/api/v1/configmaps"]["get"]["operationId"], "listCoreV1ConfigMapForAllNamespaces");
    assert!(paths["/api/v1/namespaces/{namespace}/pods/{name}/status"]["patch"].is_object());
    assert!(paths["/api/v1/namespaces/{name}"]["get"].is_object());
    assert!(paths["/api/v1/namespaces"]["post"].is_object());

    let apps = doc("apis/apps/v1");
    let scale = &apps["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"];
    assert_eq!(scale["patch"]["x-kubernetes-group-version-kind"]["group"], "autoscaling");
    assert_eq!(scale["patch"]["operationId"], "patchAppsV1NamespacedDeploymentScale");
    let rbac = doc("apis/rbac.authorization.k8s.io/v1");
    assert!(
        rbac["paths"]["/apis/rbac.authorization.k8s.io/v1/clusterroles"]["get"]["operationId"]
            == "listRbacAuthorizationV1ClusterRole"
    );
}

#[test]
fn custom_resource_rows_get_permissive_schemas() {
    use std::borrow::Cow;
    let crd = ResourceType {
        group: Cow::Borrowed("stable.example.com"),
        version: Cow::Borrowed("v1"),
        kind: Cow::Borrowed("CronTab"),
        list_kind: Cow::Borrowed("CronTabList"),
        plural: Cow::Borrowed("crontabs"),
        singular: Cow::Borrowed("crontab"),
        namespaced: true,
        short_names: vec![],
        categories: vec![],
        verbs: crate::registry::kind::STANDARD_VERBS.to_vec(),
        status_subresource: true,
        scale_subresource: false,
        create_only: false,
        builtin: None,
        custom: None,
    };
    let docs = build_documents(&[Arc::new(crd)]);
    let doc = &docs["apis/stable.example.com/v1"];
    let schema = &doc["components"]["schemas"]["com.example.stable.v1.CronTab"];
    assert_eq!(schema["x-kubernetes-preserve-unknown-fields"], true);
    assert_eq!(patch_ops(doc, "stable.example.com", "v1", "CronTab").len(), 2);
    let mut refs = Vec::new();
    collect_refs(doc, &mut refs);
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    assert!(refs.iter().all(|r| schemas.contains_key(&r["#/components/schemas/".len()..])));
}

/// Sizes of the serialized documents; see them with
/// `cargo test --lib openapi::tests::document_sizes -- --nocapture`.
#[test]
fn document_sizes() {
    let api = OpenApiV3::builtin();
    let mut total = api.index_json().len();
    for gv in api.gv_paths() {
        let (_, bytes) = api.document(gv).expect("listed");
        println!("{:>9} bytes  {gv}", bytes.len());
        total += bytes.len();
    }
    println!("{total:>9} bytes  total (with index)");
    assert!(total < 4 << 20, "documents total {total} bytes");
}

#[test]
fn the_management_api_is_documented_for_the_root_plane_only_without_nullable_wrappers() {
    let root = OpenApiV3::for_plane(&crate::types::PlaneName::root());
    let (_, bytes) = root.document("apis/controlplane.kplane.dev/v1alpha1").expect("management document");
    let doc: Value = serde_json::from_slice(bytes).unwrap();
    let schemas = &doc["components"]["schemas"];
    let spec = &schemas["dev.kplane.controlplane.v1alpha1.ControlPlaneSpec"]["properties"];
    // kubectl explain descends through `allOf [$ref]`, not through `anyOf [T, null]`.
    assert_eq!(
        spec["classRef"]["allOf"][0]["$ref"],
        "#/components/schemas/dev.kplane.controlplane.v1alpha1.LocalObjectReference"
    );
    assert_eq!(spec["deletionPolicy"]["type"], "string");
    assert!(!String::from_utf8_lossy(bytes).contains("anyOf"), "no Option wrappers left");
    let vcp = OpenApiV3::for_plane(&crate::types::PlaneName::parse("demo").unwrap());
    assert!(vcp.document("apis/controlplane.kplane.dev/v1alpha1").is_none());
}
