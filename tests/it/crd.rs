//! CustomResourceDefinitions: served by their own plane only, at once, until deleted (with
//! their objects), and again after a restart.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, Patch, PatchParams, PostParams};
use serde_json::json;

use crate::common::{TestServer, eventually, raw};

fn crd() -> CustomResourceDefinition {
    serde_json::from_value(json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]},
            "versions": [{
                "name": "v1", "served": true, "storage": true,
                "subresources": {"status": {}},
                "additionalPrinterColumns": [
                    {"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
                    {"name": "Phase", "type": "string", "jsonPath": ".status.phase"},
                    {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
                ],
                "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {"spec": {"type": "object", "description": "What a widget is.",
                                            "x-kubernetes-preserve-unknown-fields": true}},
                    "x-kubernetes-preserve-unknown-fields": true,
                }},
            }],
        },
    }))
    .unwrap()
}

fn widgets(client: kube::Client) -> Api<DynamicObject> {
    let resource = ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk("example.com", "v1", "Widget"), "widgets");
    Api::namespaced_with(client, "default", &resource)
}

fn widget(name: &str, size: i64) -> DynamicObject {
    serde_json::from_value(json!({
        "apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": name}, "spec": {"size": size},
    }))
    .unwrap()
}

#[tokio::test]
async fn a_crd_is_established_at_once_and_served_by_its_plane_only() {
    let server = TestServer::start().await;
    let crds: Api<CustomResourceDefinition> = Api::all(server.client("crd-a").await);
    let created = crds.create(&PostParams::default(), &crd()).await.expect("create the CRD");
    let conditions = created.status.expect("status in the create response").conditions.unwrap_or_default();
    let established = conditions.iter().find(|c| c.type_ == "Established").expect("Established");
    assert_eq!(established.status, "True");
    assert!(conditions.iter().any(|c| c.type_ == "NamesAccepted" && c.status == "True"));

    // Discovery already knows the resource when the create has returned.
    let (code, body, _) = raw(&server.client("crd-a").await, "GET", "/apis/example.com/v1", &[], vec![]).await;
    assert_eq!(code, 200, "{body}");
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(list["resources"][0]["name"], "widgets");
    assert_eq!(list["resources"][0]["shortNames"], json!(["wd"]));
    let (code, _, _) = raw(&server.client("crd-b").await, "GET", "/apis/example.com/v1", &[], vec![]).await;
    assert_eq!(code, 404, "another plane does not serve it");

    let api = widgets(server.client("crd-a").await);
    api.create(&PostParams::default(), &widget("w1", 3)).await.expect("create a Widget");
    let got = api.get("w1").await.unwrap();
    assert_eq!(got.data["spec"]["size"], 3);
    let other = widgets(server.client("crd-b").await);
    assert!(matches!(other.list(&Default::default()).await, Err(kube::Error::Api(s)) if s.code == 404));

    // The status subresource: main writes keep the status, /status writes only change it.
    let status = json!({"status": {"phase": "Ready"}, "spec": {"size": 99}});
    api.patch_status("w1", &PatchParams::default(), &Patch::Merge(status)).await.unwrap();
    let after = api.get("w1").await.unwrap();
    assert_eq!((after.data["status"]["phase"].as_str(), after.data["spec"]["size"].as_i64()), (Some("Ready"), Some(3)));

    // Tables use the CRD's printer columns; OpenAPI carries its schema.
    let client = server.client("crd-a").await;
    let table_accept = [("accept", "application/json;as=Table;v=v1;g=meta.k8s.io")];
    let path = "/apis/example.com/v1/namespaces/default/widgets";
    let (code, body, _) = raw(&client, "GET", path, &table_accept, vec![]).await;
    assert_eq!(code, 200, "{body}");
    let table: serde_json::Value = serde_json::from_str(&body).unwrap();
    let names: Vec<&str> =
        table["columnDefinitions"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Name", "Size", "Phase", "Age"]);
    let cells = &table["rows"][0]["cells"];
    assert_eq!((&cells[0], &cells[1], &cells[2]), (&json!("w1"), &json!(3), &json!("Ready")));
    let (code, body, _) = raw(&client, "GET", "/openapi/v3/apis/example.com/v1", &[], vec![]).await;
    assert_eq!(code, 200, "{body}");
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    let widget = &doc["components"]["schemas"]["com.example.v1.Widget"];
    assert_eq!(widget["properties"]["spec"]["description"], "What a widget is.");
    assert!(widget["properties"]["metadata"].is_object(), "object metadata is added: {widget}");
}

#[tokio::test]
async fn deleting_a_crd_deletes_its_objects_and_a_restart_keeps_serving() {
    let server = TestServer::start().await;
    let crds: Api<CustomResourceDefinition> = Api::all(server.client("crd-life").await);
    crds.create(&PostParams::default(), &crd()).await.unwrap();
    let api = widgets(server.client("crd-life").await);
    api.create(&PostParams::default(), &widget("kept", 1)).await.unwrap();

    let server = server.restart().await;
    let api = widgets(server.client("crd-life").await);
    assert_eq!(api.get("kept").await.expect("served after a restart").data["spec"]["size"], 1);

    let crds: Api<CustomResourceDefinition> = Api::all(server.client("crd-life").await);
    crds.delete("widgets.example.com", &DeleteParams::default()).await.unwrap();
    assert!(matches!(api.list(&Default::default()).await, Err(kube::Error::Api(s)) if s.code == 404));
    // Defined again, the resource starts empty: the old objects went with the CRD.
    crds.create(&PostParams::default(), &crd()).await.unwrap();
    let items =
        eventually("the resource to be served again", || async { api.list(&Default::default()).await.ok() }).await;
    assert!(items.items.is_empty(), "{:?}", items.items);
}

#[tokio::test]
async fn custom_resources_are_pruned_defaulted_and_validated_by_their_schema() {
    let server = TestServer::start().await;
    let client = server.client("crd-schema").await;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let mut definition = crd();
    let schema = json!({
        "type": "object",
        "properties": {"spec": {
            "type": "object",
            "required": ["size"],
            "properties": {
                "size": {"type": "integer", "minimum": 1},
                "color": {"type": "string", "enum": ["red", "blue"], "default": "red"},
            },
        }},
    });
    definition.spec.versions[0].schema = Some(serde_json::from_value(json!({"openAPIV3Schema": schema})).unwrap());
    crds.create(&PostParams::default(), &definition).await.unwrap();
    let api = widgets(client);

    let mut extra = widget("pruned", 2);
    extra.data["spec"]["unknown"] = json!(true);
    let created = api.create(&PostParams::default(), &extra).await.expect("unknown fields are dropped, not refused");
    assert_eq!(created.data["spec"], json!({"size": 2, "color": "red"}), "pruned and defaulted");

    let mut strict = widget("strict", 2);
    strict.data["spec"]["unknown"] = json!(true);
    let path = "/apis/example.com/v1/namespaces/default/widgets?fieldValidation=Strict";
    let body = serde_json::to_vec(&strict).unwrap();
    let (code, text, _) =
        raw(&server.client("crd-schema").await, "POST", path, &[("content-type", "application/json")], body).await;
    assert_eq!(code, 400, "{text}");
    assert!(text.contains("unknown field \\\"spec.unknown\\\""), "{text}");

    let mut bad = widget("bad", 0);
    bad.data["spec"]["color"] = json!("green");
    let err = api.create(&PostParams::default(), &bad).await.unwrap_err();
    let kube::Error::Api(status) = err else { panic!("{err:?}") };
    assert_eq!((status.code, status.reason.as_str()), (422, "Invalid"));
    assert!(status.message.contains("spec.size") && status.message.contains("spec.color"), "{}", status.message);
    let missing = serde_json::from_value(json!({"apiVersion": "example.com/v1", "kind": "Widget",
        "metadata": {"name": "empty"}, "spec": {}}))
    .unwrap();
    let err = api.create(&PostParams::default(), &missing).await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(s) if s.code == 422 && s.message.contains("spec.size: Required value")));
}

#[tokio::test]
async fn every_served_version_reads_and_writes_the_same_objects() {
    let server = TestServer::start().await;
    let client = server.client("crd-versions").await;
    let mut two_versions = serde_json::to_value(crd()).unwrap();
    let v1 = two_versions["spec"]["versions"][0].clone();
    let mut beta = v1.clone();
    beta["name"] = json!("v1beta1");
    beta["storage"] = json!(false);
    let mut retired = beta.clone();
    retired["name"] = json!("v1alpha1");
    retired["served"] = json!(false);
    two_versions["spec"]["versions"] = json!([retired, beta, v1]);
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let created = crds.create(&PostParams::default(), &serde_json::from_value(two_versions).unwrap()).await.unwrap();
    assert_eq!(created.status.unwrap().stored_versions, Some(vec!["v1".to_string()]));

    let in_version = |version: &str| {
        let gvk = GroupVersionKind::gvk("example.com", version, "Widget");
        Api::<DynamicObject>::namespaced_with(
            client.clone(),
            "default",
            &ApiResource::from_gvk_with_plural(&gvk, "widgets"),
        )
    };
    let mut old_style = widget("w", 1);
    old_style.types.as_mut().unwrap().api_version = "example.com/v1beta1".into();
    in_version("v1beta1").create(&PostParams::default(), &old_style).await.expect("create through v1beta1");
    // Read through either served version, each answers in its own (None conversion).
    let read = in_version("v1").get("w").await.unwrap();
    assert_eq!(read.types.unwrap().api_version, "example.com/v1");
    assert_eq!(read.data["spec"]["size"], 1);
    let listed = in_version("v1beta1").list(&Default::default()).await.unwrap();
    assert_eq!(listed.items[0].types.as_ref().unwrap().api_version, "example.com/v1beta1");
    // The version that is not served is not there.
    let (code, _, _) = raw(&client, "GET", "/apis/example.com/v1alpha1/namespaces/default/widgets", &[], vec![]).await;
    assert_eq!(code, 404);
}

#[tokio::test]
async fn objects_a_tightened_schema_made_invalid_can_still_be_written_where_unchanged() {
    let server = TestServer::start().await;
    let client = server.client("crd-ratchet").await;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let schema = |maximum: i64| {
        json!({"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object", "properties": {
            "size": {"type": "integer", "maximum": maximum}, "note": {"type": "string"}}}}}})
    };
    let mut definition = serde_json::to_value(crd()).unwrap();
    definition["spec"]["versions"][0]["schema"] = schema(10);
    crds.create(&PostParams::default(), &serde_json::from_value(definition).unwrap()).await.unwrap();
    let objects = widgets(client.clone());
    objects.create(&PostParams::default(), &widget("big", 8)).await.unwrap();

    let tighten = json!({"spec": {"versions": [{"name": "v1", "served": true, "storage": true, "schema": schema(5)}]}});
    crds.patch("widgets.example.com", &PatchParams::default(), &Patch::Merge(&tighten)).await.unwrap();

    // Unchanged invalid values do not block other changes: a label, another field, a finalizer.
    let label =
        json!({"metadata": {"labels": {"seen": "yes"}, "finalizers": ["example.com/keep"]}, "spec": {"note": "x"}});
    objects.patch("big", &PatchParams::default(), &Patch::Merge(&label)).await.expect("ratcheted");
    // Changing the invalid value to another invalid one is refused, naming the field.
    let bigger = json!({"spec": {"size": 9}});
    let err = objects.patch("big", &PatchParams::default(), &Patch::Merge(&bigger)).await.unwrap_err();
    assert!(matches!(&err, kube::Error::Api(s) if s.code == 422 && s.message.contains("spec.size")), "{err:?}");
    // The object can be deleted and its finalizer removed without fixing it.
    objects.delete("big", &DeleteParams::default()).await.unwrap();
    let release = json!({"metadata": {"finalizers": null}});
    objects.patch("big", &PatchParams::default(), &Patch::Merge(&release)).await.expect("finalizer removed");
    eventually("the widget to be gone", || async { objects.get_opt("big").await.unwrap().is_none().then_some(()) })
        .await;
}

#[tokio::test]
async fn deeply_nested_cel_rules_do_not_take_the_server_down() {
    let server = TestServer::start().await;
    let client = server.client("crd-cel-depth").await;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    for (depth, accepted) in [(40, true), (400, false)] {
        let rule = format!("{}self.size > 0{}", "(".repeat(depth), ")".repeat(depth));
        let mut definition = serde_json::to_value(crd()).unwrap();
        definition["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["x-kubernetes-validations"] =
            json!([{"rule": rule}]);
        let created = crds.create(&PostParams::default(), &serde_json::from_value(definition).unwrap()).await;
        if !accepted {
            // Deeper than the parser allows: refused, naming the rule.
            let err = created.unwrap_err();
            assert!(
                matches!(&err, kube::Error::Api(s) if s.code == 422 && s.message.contains("x-kubernetes-validations[0].rule")),
                "{err:?}"
            );
            continue;
        }
        created.expect("a rule nested 40 deep compiles");
        let objects = widgets(client.clone());
        assert!(objects.create(&PostParams::default(), &widget("zero", 0)).await.is_err(), "the rule is enforced");
        objects.create(&PostParams::default(), &widget("one", 1)).await.expect("a valid widget");
    }
    // Still serving.
    crds.list(&Default::default()).await.expect("the server still answers");
}

/// The Widget CRD with `schema` as its `openAPIV3Schema` and `subresources`.
fn crd_with(schema: serde_json::Value, subresources: serde_json::Value) -> CustomResourceDefinition {
    let mut definition = serde_json::to_value(crd()).unwrap();
    definition["spec"]["versions"][0]["schema"] = json!({"openAPIV3Schema": schema});
    definition["spec"]["versions"][0]["subresources"] = subresources;
    serde_json::from_value(definition).unwrap()
}

/// The code and the `(field, reason, message)` causes of a failed request.
fn failure<T: std::fmt::Debug>(result: kube::Result<T>) -> (u16, Vec<(String, String, String)>) {
    match result {
        Err(kube::Error::Api(status)) => {
            let causes = status.details.map(|d| d.causes).unwrap_or_default();
            (status.code, causes.into_iter().map(|c| (c.field, c.reason, c.message)).collect())
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_scale_subresource_of_a_custom_resource_reads_and_writes_the_crds_paths() {
    let server = TestServer::start().await;
    let client = server.client("crd-scale").await;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let schema = json!({"type": "object", "properties": {
        "spec": {"type": "object", "properties": {
            "size": {"type": "integer", "maximum": 10}, "note": {"type": "string"}}},
        "status": {"type": "object", "properties": {"ready": {"type": "integer"}, "selector": {"type": "string"}}},
    }});
    let scale = json!({"specReplicasPath": ".spec.size", "statusReplicasPath": ".status.ready",
                       "labelSelectorPath": ".status.selector"});
    crds.create(&PostParams::default(), &crd_with(schema, json!({"status": {}, "scale": scale}))).await.unwrap();

    // Discovery lists the subresource, as an autoscaling/v1 Scale.
    let (code, body, _) = raw(&client, "GET", "/apis/example.com/v1", &[], vec![]).await;
    assert_eq!(code, 200, "{body}");
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    let names: Vec<&str> = list["resources"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["widgets", "widgets/status", "widgets/scale"]);
    let entry = list["resources"].as_array().unwrap().iter().find(|r| r["name"] == "widgets/scale").unwrap();
    assert_eq!(
        (&entry["group"], &entry["version"], &entry["kind"]),
        (&json!("autoscaling"), &json!("v1"), &json!("Scale"))
    );

    let api = widgets(client.clone());
    let created = serde_json::from_value(json!({"apiVersion": "example.com/v1", "kind": "Widget",
        "metadata": {"name": "w"}, "spec": {"note": "kept"}}))
    .unwrap();
    api.create(&PostParams::default(), &created).await.unwrap();
    // No desired replicas yet: the Scale reads 0, and a patch that does not set them is refused.
    let scale = api.get_scale("w").await.unwrap();
    assert_eq!((scale.spec.unwrap().replicas, scale.status.unwrap().replicas), (Some(0), 0));
    let relabel = Patch::Merge(json!({"metadata": {"labels": {"a": "b"}}}));
    let (code, _) = failure(api.patch_scale("w", &PatchParams::default(), &relabel).await);
    assert_eq!(code, 400);
    let status = json!({"status": {"ready": 2, "selector": "app=w"}});
    api.patch_status("w", &PatchParams::default(), &Patch::Merge(status)).await.unwrap();

    // A replace sets the desired replicas at the spec path and leaves the rest; generation moves.
    let mut scale = api.get_scale("w").await.unwrap();
    scale.spec.as_mut().unwrap().replicas = Some(3);
    let replaced = api.replace_scale("w", &PostParams::default(), &scale).await.expect("replace the Scale");
    assert_eq!(replaced.spec.unwrap().replicas, Some(3));
    let status = replaced.status.unwrap();
    assert_eq!((status.replicas, status.selector.as_deref()), (2, Some("app=w")));
    let object = api.get("w").await.unwrap();
    assert_eq!(object.data["spec"], json!({"size": 3, "note": "kept"}));
    assert_eq!(object.metadata.generation, Some(2));
    // The stale Scale (its resourceVersion) conflicts.
    let (code, _) = failure(api.replace_scale("w", &PostParams::default(), &scale).await);
    assert_eq!(code, 409);

    // Merge and JSON patches of the Scale.
    let merged = api.patch_scale("w", &PatchParams::default(), &Patch::Merge(json!({"spec": {"replicas": 4}}))).await;
    assert_eq!(merged.unwrap().spec.unwrap().replicas, Some(4));
    let ops: json_patch::Patch =
        serde_json::from_value(json!([{"op": "replace", "path": "/spec/replicas", "value": 5}])).unwrap();
    let patched = api.patch_scale("w", &PatchParams::default(), &Patch::<()>::Json(ops)).await.unwrap();
    assert_eq!(patched.spec.unwrap().replicas, Some(5));
    assert_eq!(api.get("w").await.unwrap().data["spec"]["size"], 5);

    // The CRD's schema judges what a scale writes; a negative Scale is refused as such.
    let too_many = Patch::Merge(json!({"spec": {"replicas": 11}}));
    let (code, causes) = failure(api.patch_scale("w", &PatchParams::default(), &too_many).await);
    assert_eq!(code, 422);
    assert_eq!(causes[0].0, "spec.size", "{causes:?}");
    let negative = Patch::Merge(json!({"spec": {"replicas": -1}}));
    let err = api.patch_scale("w", &PatchParams::default(), &negative).await.unwrap_err();
    let kube::Error::Api(status) = err else { panic!("{err:?}") };
    assert_eq!(status.code, 422);
    assert!(status.message.ends_with("spec.replicas: Invalid value: -1: must be greater than or equal to 0"));

    // A CRD whose scale paths upstream would refuse is refused.
    let bad = json!({"specReplicasPath": ".status.size", "statusReplicasPath": ".status.ready"});
    let mut refused = serde_json::to_value(crd_with(json!({"type": "object"}), json!({"scale": bad}))).unwrap();
    refused["metadata"]["name"] = json!("gadgets.example.com");
    refused["spec"]["names"] = json!({"plural": "gadgets", "kind": "Gadget"});
    let (code, causes) = failure(crds.create(&PostParams::default(), &serde_json::from_value(refused).unwrap()).await);
    assert_eq!(code, 422);
    assert_eq!(causes[0].0, "spec.versions[0].subresources.scale.specReplicasPath", "{causes:?}");
}

#[tokio::test]
async fn value_keywords_nulls_and_list_types_are_enforced_as_upstream_does() {
    let server = TestServer::start().await;
    let client = server.client("crd-keywords").await;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let schema = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 8},
        "when": {"type": "string", "format": "date-time"},
        "size": {"type": "integer", "multipleOf": 2, "minimum": 0, "exclusiveMinimum": true},
        "labels": {"type": "object", "maxProperties": 2, "additionalProperties": {"type": "string"}},
        "port": {"x-kubernetes-int-or-string": true, "oneOf": [{"type": "integer"}, {"pattern": "^[a-z]+$"}]},
        "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
        "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                  "items": {"type": "object", "required": ["name"],
                            "properties": {"name": {"type": "string"}, "port": {"type": "integer"}}}},
        "note": {"type": "string"},
        "color": {"type": "string", "default": "red"},
        "nickname": {"type": "string", "nullable": true},
    }}}});
    crds.create(&PostParams::default(), &crd_with(schema, json!({}))).await.unwrap();
    let api = widgets(client.clone());

    let bad = serde_json::from_value(json!({"apiVersion": "example.com/v1", "kind": "Widget",
        "metadata": {"name": "bad"}, "spec": {"name": "Not-Valid", "when": "yesterday", "size": 3,
        "labels": {"a": "1", "b": "2", "c": "3"}, "port": "80!", "tags": ["x", "x"],
        "ports": [{"name": "http", "port": 80}, {"name": "http", "port": 81}]}}))
    .unwrap();
    let (code, causes) = failure(api.create(&PostParams::default(), &bad).await);
    assert_eq!(code, 422);
    let found: Vec<String> =
        causes.iter().map(|(field, reason, message)| format!("{field} {reason} {message}")).collect();
    for expected in [
        "spec.name FieldValueInvalid Invalid value: \"Not-Valid\": spec.name in body should match '^[a-z]+$'",
        "spec.name FieldValueTooLong Too long: may not be more than 8 bytes",
        "spec.when FieldValueTypeInvalid Invalid value: \"yesterday\": spec.when in body must be of type date-time: \"yesterday\"",
        "spec.size FieldValueInvalid Invalid value: 3: spec.size in body should be a multiple of 2",
        "spec.labels FieldValueTooMany Too many: 3: must have at most 2 items",
        "spec.port FieldValueInvalid Invalid value: \"\": \"spec.port\" must validate one and only one schema (oneOf). Found none valid",
        "spec.tags[1] FieldValueDuplicate Duplicate value: \"x\"",
        "spec.ports[1] FieldValueDuplicate Duplicate value: {\"name\":\"http\"}",
    ] {
        assert!(found.contains(&expected.to_string()), "{expected} in {found:#?}");
    }

    // Nulls: dropped where neither nullable nor defaulted, defaulted, or kept where nullable.
    let nulls = serde_json::from_value(json!({"apiVersion": "example.com/v1", "kind": "Widget",
        "metadata": {"name": "nulls"}, "spec": {"size": 2, "note": null, "color": null, "nickname": null}}))
    .unwrap();
    let created = api.create(&PostParams::default(), &nulls).await.expect("nulls are decoded, not refused");
    assert_eq!(created.data["spec"], json!({"size": 2, "color": "red", "nickname": null}));
    // The boundary of an exclusive minimum is refused.
    let zero = Patch::Merge(json!({"spec": {"size": 0}}));
    let (code, causes) = failure(api.patch("nulls", &PatchParams::default(), &zero).await);
    assert_eq!(code, 422);
    assert!(causes[0].2.ends_with("spec.size in body should be greater than 0"), "{causes:?}");

    // Schemas upstream refuses are refused when the CRD is written, naming the keyword.
    for (schema, field) in [
        (
            json!({"type": "object", "properties": {"tags": {"type": "array", "uniqueItems": true}}}),
            "spec.versions[0].schema.openAPIV3Schema.properties[tags].uniqueItems",
        ),
        (
            json!({"type": "object", "properties": {"name": {"type": "string", "pattern": "(unclosed"}}}),
            "spec.versions[0].schema.openAPIV3Schema.properties[name].pattern",
        ),
        (
            json!({"type": "object", "properties": {"ports": {"type": "array", "x-kubernetes-list-type": "map",
                "items": {"type": "object", "properties": {"name": {"type": "string"}}}}}}),
            "spec.versions[0].schema.openAPIV3Schema.properties[ports].x-kubernetes-list-map-keys",
        ),
    ] {
        let mut definition = serde_json::to_value(crd_with(schema, json!({}))).unwrap();
        definition["metadata"]["name"] = json!("gadgets.example.com");
        definition["spec"]["names"] = json!({"plural": "gadgets", "kind": "Gadget"});
        let created = crds.create(&PostParams::default(), &serde_json::from_value(definition).unwrap()).await;
        let (code, causes) = failure(created);
        assert_eq!((code, causes[0].0.as_str()), (422, field), "{causes:?}");
    }
}

#[tokio::test]
async fn cel_rules_judge_custom_resources_and_refuse_crds_whose_rules_do_not_compile() {
    let server = TestServer::start().await;
    let client = server.client("crd-cel").await;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let schema = json!({"type": "object", "properties": {"spec": {"type": "object",
    "x-kubernetes-validations": [
        {"rule": "self.min <= self.max", "message": "min must not exceed max"},
        {"rule": "self.max - self.min <= 10", "messageExpression": "'range ' + string(self.max - self.min) + ' exceeds 10'"},
        {"rule": "self.name == oldSelf.name", "message": "name is immutable", "fieldPath": ".name",
         "reason": "FieldValueForbidden"},
        {"rule": "!has(self.ratio) || self.ratio / self.min >= 0"},
    ],
    "properties": {
        "min": {"type": "integer"}, "max": {"type": "integer"}, "name": {"type": "string"},
        "ratio": {"type": "integer"},
        "hosts": {"type": "array", "items": {"type": "string",
            "x-kubernetes-validations": [{"rule": "self.endsWith('.example.com')"}]}},
    }}}});
    crds.create(&PostParams::default(), &crd_with(schema.clone(), json!({}))).await.unwrap();
    let api = widgets(client.clone());
    let range = |name: &str, low: i64, high: i64| -> DynamicObject {
        serde_json::from_value(json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "r"},
            "spec": {"min": low, "max": high, "name": name}}))
        .unwrap()
    };

    let (code, causes) = failure(api.create(&PostParams::default(), &range("a", 5, 1)).await);
    assert_eq!(code, 422);
    assert_eq!(
        causes,
        [("spec".into(), "FieldValueInvalid".into(), "Invalid value: \"object\": min must not exceed max".into())]
    );
    let (_, causes) = failure(api.create(&PostParams::default(), &range("a", 0, 50)).await);
    assert_eq!(causes[0].2, "Invalid value: \"object\": range 50 exceeds 10");
    let mut hosts = range("a", 1, 2);
    hosts.data["spec"]["hosts"] = json!(["a.example.com", "b.example.org"]);
    let (_, causes) = failure(api.create(&PostParams::default(), &hosts).await);
    assert_eq!(causes[0].0, "spec.hosts[1]");
    assert_eq!(causes[0].2, "Invalid value: \"string\": failed rule: self.endsWith('.example.com')");
    // An evaluation error (division by zero) is a 422 naming the rule.
    let mut divide = range("a", 0, 2);
    divide.data["spec"]["ratio"] = json!(4);
    let (code, causes) = failure(api.create(&PostParams::default(), &divide).await);
    assert_eq!(code, 422);
    assert!(causes[0].2.ends_with("evaluating rule: !has(self.ratio) || self.ratio / self.min >= 0"), "{causes:?}");

    // The transition rule judges updates only: the name may not change, other fields may.
    api.create(&PostParams::default(), &range("a", 1, 5)).await.expect("a valid range");
    let rename = Patch::Merge(json!({"spec": {"name": "b"}}));
    let (code, causes) = failure(api.patch("r", &PatchParams::default(), &rename).await);
    assert_eq!(code, 422);
    assert_eq!(causes, [("spec.name".into(), "FieldValueForbidden".into(), "Forbidden: name is immutable".into())]);
    api.patch("r", &PatchParams::default(), &Patch::Merge(json!({"spec": {"max": 6}}))).await.expect("widened");

    // A CRD whose rule does not compile, or is too long to be cheap, is refused at write.
    for (rule, problem) in [("self.min <==", "compilation failed"), (&*"true && ".repeat(600), "bytes allowed")] {
        let mut broken = schema.clone();
        broken["properties"]["spec"]["x-kubernetes-validations"][1] = json!({"rule": format!("{rule}true")});
        let update = json!({"spec": {"versions": [{"name": "v1", "served": true, "storage": true,
            "schema": {"openAPIV3Schema": broken}}]}});
        let patched = crds.patch("widgets.example.com", &PatchParams::default(), &Patch::Merge(&update)).await;
        let (code, causes) = failure(patched);
        assert_eq!(code, 422);
        let field = "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[1].rule";
        assert_eq!(causes[0].0, field, "{causes:?}");
        assert!(causes[0].2.contains(problem), "{causes:?}");
    }
}
