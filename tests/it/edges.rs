//! The edges of the API: authentication, discovery, content negotiation, protobuf bodies,
//! and bad input — each answered with a `Status` of the right code, the server still serving.

use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, PostParams};
use kube::discovery::Discovery;
use prost::Message;
use serde_json::{Value, json};

use crate::common::{TestServer, configmap, raw};

fn status(text: &str) -> Value {
    let value: Value = serde_json::from_str(text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    assert_eq!(value["kind"], "Status", "{text}");
    value
}

#[tokio::test]
async fn anonymous_callers_reach_only_health_and_version() {
    let server = TestServer::start().await;
    let anonymous = server.anonymous("team-a").await;
    for path in ["/healthz", "/livez", "/readyz", "/version"] {
        let (code, _, _) = raw(&anonymous, "GET", path, &[], vec![]).await;
        assert_eq!(code, 200, "{path}");
    }
    let (code, text, _) = raw(&anonymous, "GET", "/api/v1/namespaces", &[], vec![]).await;
    assert_eq!(code, 401);
    assert_eq!(status(&text)["reason"], "Unauthorized");
    let stranger = server.with_token("team-a", "not-a-token").await;
    let (code, _, _) = raw(&stranger, "GET", "/version", &[], vec![]).await;
    assert_eq!(code, 401, "a wrong token is refused even where anonymous callers are welcome");
    // Anonymous requests do not create planes.
    let plane = kplane::types::PlaneName::parse("team-a").unwrap();
    assert!(!server.running.registry.plane_exists(&plane).await.unwrap());
}

#[tokio::test]
async fn discovery_lists_built_in_resources_for_kube_rs() {
    let server = TestServer::start().await;
    let discovery = Discovery::new(server.client("team-a").await).run().await.unwrap();
    let apps = discovery.get("apps").expect("apps group");
    let names: Vec<String> = apps.recommended_resources().iter().map(|(r, _)| r.plural.clone()).collect();
    assert!(names.contains(&"deployments".to_string()), "{names:?}");
    assert!(discovery.get("rbac.authorization.k8s.io").is_some());
    assert!(discovery.get("apiextensions.k8s.io").is_some());
}

#[tokio::test]
async fn aggregated_discovery_is_negotiated_with_its_exact_content_type_and_etag() {
    let server = TestServer::start().await;
    let client = server.client("team-a").await;
    let accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
    let (code, text, headers) = raw(&client, "GET", "/apis", &[("accept", accept)], vec![]).await;
    assert_eq!(code, 200);
    assert_eq!(headers["content-type"], "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["kind"], "APIGroupDiscoveryList");
    let etag = headers["etag"].to_str().unwrap().to_string();
    let (code, _, _) = raw(&client, "GET", "/apis", &[("accept", accept), ("if-none-match", &etag)], vec![]).await;
    assert_eq!(code, 304);
    let (_, text, headers) = raw(&client, "GET", "/apis", &[("accept", "application/json")], vec![]).await;
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap()["kind"], "APIGroupList");
}

#[tokio::test]
async fn version_is_semver_of_the_emulated_minor() {
    let server = TestServer::start().await;
    let info = server.client("team-a").await.apiserver_version().await.unwrap();
    assert_eq!((info.major.as_str(), info.minor.as_str()), ("1", "33"));
    assert!(info.git_version.starts_with("v1.33."));
}

#[tokio::test]
async fn tables_are_served_when_asked_for() {
    let server = TestServer::start().await;
    let client = server.client("team-a").await;
    let accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    let (code, text, headers) = raw(&client, "GET", "/api/v1/namespaces", &[("accept", accept)], vec![]).await;
    assert_eq!(code, 200, "{text}");
    assert!(headers["content-type"].to_str().unwrap().contains("as=Table"));
    let table: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(table["kind"], "Table");
    assert_eq!(table["columnDefinitions"][0]["name"], "Name");
    assert_eq!(table["rows"].as_array().unwrap().len(), 4);
}

fn protobuf_configmap(name: &str) -> Vec<u8> {
    use k8s_pb::api::core::v1::ConfigMap as PbConfigMap;
    use k8s_pb::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    use k8s_pb::apimachinery::pkg::runtime::{TypeMeta, Unknown};
    let cm = PbConfigMap {
        metadata: Some(ObjectMeta { name: Some(name.into()), ..Default::default() }),
        data: [("a".to_string(), "1".to_string())].into(),
        ..Default::default()
    };
    let envelope = Unknown {
        type_meta: Some(TypeMeta { api_version: Some("v1".into()), kind: Some("ConfigMap".into()) }),
        raw: Some(cm.encode_to_vec()),
        content_encoding: Some(String::new()),
        content_type: Some(String::new()),
    };
    let mut body = b"k8s\0".to_vec();
    body.extend(envelope.encode_to_vec());
    body
}

#[tokio::test]
async fn protobuf_request_bodies_create_built_in_objects() {
    let server = TestServer::start().await;
    let client = server.client("team-a").await;
    let headers = [
        ("content-type", "application/vnd.kubernetes.protobuf"),
        ("accept", "application/vnd.kubernetes.protobuf, application/json"),
    ];
    let path = "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create&fieldValidation=Strict";
    let (code, text, response_headers) = raw(&client, "POST", path, &headers, protobuf_configmap("from-pb")).await;
    assert_eq!(code, 201, "{text}");
    assert_eq!(response_headers["content-type"], "application/json");
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    assert_eq!(api.get("from-pb").await.unwrap().data.unwrap()["a"], "1");
    // A client that accepts only protobuf responses gets 406 before anything is written.
    let pb_only =
        [("content-type", "application/vnd.kubernetes.protobuf"), ("accept", "application/vnd.kubernetes.protobuf")];
    let (code, text, _) = raw(&client, "POST", path, &pb_only, protobuf_configmap("not-written")).await;
    assert_eq!(code, 406, "{text}");
    assert!(api.get_opt("not-written").await.unwrap().is_none());
    // Garbage after the magic is a 400, and nothing is written.
    let (code, text, _) = raw(&client, "POST", path, &headers, b"k8s\0\xff\xff\xff".to_vec()).await;
    assert_eq!(code, 400, "{text}");
}

#[tokio::test]
async fn bad_input_gets_a_status_with_the_right_code_and_writes_nothing() {
    let server = TestServer::start().await;
    let client = server.client("team-a").await;
    let json = [("content-type", "application/json")];
    let cms = "/api/v1/namespaces/default/configmaps";
    let too_big =
        serde_json::to_vec(&json!({"metadata": {"name": "big"}, "data": {"k": "x".repeat(4 << 20)}})).unwrap();
    let cases: Vec<(&str, String, Vec<u8>, u16)> = vec![
        ("POST", cms.into(), b"{not json".to_vec(), 400),
        ("POST", cms.into(), b"[1,2]".to_vec(), 400),
        ("POST", cms.into(), br#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}"#.to_vec(), 400),
        ("POST", cms.into(), br#"{"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"x"}}"#.to_vec(), 400),
        ("POST", cms.into(), br#"{"metadata":{"name":"Not_Valid"}}"#.to_vec(), 422),
        ("POST", cms.into(), br#"{"metadata":{}}"#.to_vec(), 422),
        ("POST", cms.into(), br#"{"metadata":{"name":"x"},"data":{"k":1}}"#.to_vec(), 400),
        ("POST", cms.into(), too_big, 413),
        ("POST", "/api/v1/namespaces/default/widgets".into(), b"{}".to_vec(), 404),
        ("GET", "/apis/nope.example.com/v1/things".into(), vec![], 404),
        ("PUT", cms.into(), b"{}".to_vec(), 405),
        ("GET", "/api/v1/namespaces/%2E%2E/configmaps".into(), vec![], 400),
        ("GET", "/api/v1/namespaces/a%2Fb/configmaps".into(), vec![], 400),
        ("GET", format!("{cms}?labelSelector=a%20in%20(b"), vec![], 400),
        ("GET", format!("{cms}?resourceVersionMatch=Exact"), vec![], 422),
    ];
    for (method, path, body, want) in cases {
        let (code, text, _) = raw(&client, method, &path, &json, body).await;
        assert_eq!(code, want, "{method} {path}: {text}");
        assert_eq!(status(&text)["code"], want);
    }
    // Plane names are checked before anything else (the root client's paths are not prefixed).
    let root = server.client("root").await;
    for path in [
        "/clusters/Bad_Name/control-plane/api".to_string(),
        "/clusters/a%2Fb/control-plane/api".to_string(),
        "/clusters/../control-plane/api".to_string(),
        format!("/clusters/{}/control-plane/api", "x".repeat(64)),
    ] {
        let (code, text, _) = raw(&root, "GET", &path, &[], vec![]).await;
        assert_eq!(code, 400, "{path}: {text}");
    }
    let (code, text, _) = raw(&client, "POST", cms, &[("content-type", "text/plain")], b"x".to_vec()).await;
    assert_eq!((code, status(&text)["reason"].as_str()), (415, Some("UnsupportedMediaType")));
    let (code, _, _) =
        raw(&client, "PATCH", &format!("{cms}/x"), &[("content-type", "application/json")], b"{}".to_vec()).await;
    assert_eq!(code, 415);
    // Nothing was written, and the server still serves.
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    assert!(api.list(&Default::default()).await.unwrap().items.is_empty());
    api.create(&PostParams::default(), &configmap("after", "1")).await.unwrap();
}

#[tokio::test]
async fn without_auto_creation_unknown_planes_are_not_found() {
    let server = TestServer::start_with(|config| config.auto_create_planes = false).await;
    let unknown = server.client("nowhere").await;
    let (code, text, _) = raw(&unknown, "GET", "/api/v1/namespaces", &[], vec![]).await;
    assert_eq!(code, 404, "{text}");
    assert!(text.contains("nowhere"), "{text}");
    // The root plane always exists, and a plane created by the server is served.
    let root: Api<ConfigMap> = Api::namespaced(server.client("root").await, "default");
    root.list(&Default::default()).await.unwrap();
    let plane = kplane::types::PlaneName::parse("made").unwrap();
    server.running.registry.create_plane(&plane).await.unwrap();
    let made: Api<ConfigMap> = Api::namespaced(server.client("made").await, "default");
    made.list(&Default::default()).await.unwrap();
}

#[tokio::test]
async fn shutdown_ends_open_watches_cleanly() {
    use futures_util::StreamExt;
    let server = TestServer::start().await;
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    let params = kube::api::WatchParams::default().timeout(290).disable_bookmarks();
    let mut stream = api.watch(&params, "0").await.unwrap().boxed();
    let TestServer { running, dir: _dir } = server;
    crate::common::within("shutdown with an open watch", running.shutdown()).await;
    let ended = crate::common::within("the watch to end", stream.next()).await;
    assert!(ended.is_none(), "the stream ends without an error: {ended:?}");
}

#[tokio::test]
async fn reviews_are_answered_from_the_callers_identity_and_never_stored() {
    let server = TestServer::start().await;
    let client = server.client("team-a").await;
    let path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
    let body = json!({"spec": {"resourceAttributes": {"verb": "get", "resource": "pods", "namespace": "default"}}});
    let json_headers = [("content-type", "application/json")];
    let (code, text, _) = raw(&client, "POST", path, &json_headers, serde_json::to_vec(&body).unwrap()).await;
    assert_eq!(code, 201, "{text}");
    let review: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(review["kind"], "SelfSubjectAccessReview");
    assert_eq!(review["status"]["allowed"], true);
    let (code, _, _) = raw(&client, "GET", path, &[], vec![]).await;
    assert_eq!(code, 405, "reviews cannot be listed");
    let whoami = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
    let (code, text, _) = raw(&client, "POST", whoami, &json_headers, b"{}".to_vec()).await;
    assert_eq!(code, 201, "{text}");
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap()["status"]["userInfo"]["username"], "kplane-admin");
}
