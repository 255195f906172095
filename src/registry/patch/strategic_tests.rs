//! Tests for strategic merge patch, against a small hand-built schema that mirrors the patch
//! metadata upstream declares for the fields used (the generated table is not needed).

use serde_json::{Value, json};

use super::{SmpError, apply_with};
use crate::registry::schema::{Cardinality, Field, FieldType, Message};

// ---------------------------------------------------------------------------------------------
// Test schema

const fn field(json: &'static str, ty: FieldType, cardinality: Cardinality) -> Field {
    Field {
        tag: 0,
        json,
        ty,
        cardinality,
        patch_strategy: None,
        patch_merge_key: None,
        list_type: None,
        list_map_keys: &[],
        map_type: None,
    }
}

const fn scalar(json: &'static str) -> Field {
    field(json, FieldType::String, Cardinality::Single)
}

const fn object(json: &'static str, message: &'static str) -> Field {
    field(json, FieldType::Message(message), Cardinality::Single)
}

const fn atomic_list(json: &'static str, ty: FieldType) -> Field {
    field(json, ty, Cardinality::Repeated)
}

const fn string_map(json: &'static str) -> Field {
    field(json, FieldType::String, Cardinality::Map { key: FieldType::String })
}

const fn with_strategy(mut f: Field, strategy: &'static str, key: Option<&'static str>) -> Field {
    f.patch_strategy = Some(strategy);
    f.patch_merge_key = key;
    f
}

const fn merge_list(json: &'static str, message: &'static str, key: &'static str) -> Field {
    with_strategy(atomic_list(json, FieldType::Message(message)), "merge", Some(key))
}

const META: &str = "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta";

static MESSAGES: &[Message] = &[
    Message {
        name: "k8s.io.api.core.v1.Pod",
        fields: &[object("metadata", META), object("spec", "k8s.io.api.core.v1.PodSpec")],
    },
    Message {
        name: "k8s.io.api.core.v1.ConfigMap",
        fields: &[object("metadata", META), string_map("data"), string_map("binaryData")],
    },
    Message {
        name: META,
        fields: &[
            scalar("name"),
            string_map("labels"),
            string_map("annotations"),
            with_strategy(atomic_list("finalizers", FieldType::String), "merge", None),
            merge_list("ownerReferences", "k8s.io.apimachinery.pkg.apis.meta.v1.OwnerReference", "uid"),
        ],
    },
    Message {
        name: "k8s.io.apimachinery.pkg.apis.meta.v1.OwnerReference",
        fields: &[scalar("uid"), scalar("kind"), scalar("name")],
    },
    Message {
        name: "k8s.io.api.core.v1.PodSpec",
        fields: &[
            merge_list("containers", "k8s.io.api.core.v1.Container", "name"),
            merge_list("initContainers", "k8s.io.api.core.v1.Container", "name"),
            with_strategy(
                atomic_list("volumes", FieldType::Message("k8s.io.api.core.v1.Volume")),
                "merge,retainKeys",
                Some("name"),
            ),
            atomic_list("tolerations", FieldType::Message("k8s.io.api.core.v1.Toleration")),
            string_map("nodeSelector"),
            scalar("restartPolicy"),
        ],
    },
    Message {
        name: "k8s.io.api.core.v1.Container",
        fields: &[
            scalar("name"),
            scalar("image"),
            atomic_list("args", FieldType::String),
            atomic_list("command", FieldType::String),
            merge_list("ports", "k8s.io.api.core.v1.ContainerPort", "containerPort"),
            merge_list("env", "k8s.io.api.core.v1.EnvVar", "name"),
            object("resources", "k8s.io.api.core.v1.ResourceRequirements"),
        ],
    },
    Message {
        name: "k8s.io.api.core.v1.ContainerPort",
        fields: &[field("containerPort", FieldType::Int32, Cardinality::Single), scalar("protocol"), scalar("name")],
    },
    Message {
        name: "k8s.io.api.core.v1.EnvVar",
        fields: &[scalar("name"), scalar("value"), object("valueFrom", "k8s.io.api.core.v1.EnvVarSource")],
    },
    Message { name: "k8s.io.api.core.v1.EnvVarSource", fields: &[] },
    Message {
        name: "k8s.io.api.core.v1.ResourceRequirements",
        fields: &[string_map("limits"), string_map("requests")],
    },
    Message {
        name: "k8s.io.api.core.v1.Volume",
        fields: &[
            scalar("name"),
            object("configMap", "k8s.io.api.core.v1.ConfigMapVolumeSource"),
            object("emptyDir", "k8s.io.api.core.v1.EmptyDirVolumeSource"),
        ],
    },
    Message { name: "k8s.io.api.core.v1.ConfigMapVolumeSource", fields: &[scalar("name")] },
    Message { name: "k8s.io.api.core.v1.EmptyDirVolumeSource", fields: &[scalar("medium")] },
    Message { name: "k8s.io.api.core.v1.Toleration", fields: &[scalar("key"), scalar("operator")] },
    Message {
        name: "k8s.io.api.apps.v1.Deployment",
        fields: &[object("metadata", META), object("spec", "k8s.io.api.apps.v1.DeploymentSpec")],
    },
    Message {
        name: "k8s.io.api.apps.v1.DeploymentSpec",
        fields: &[
            field("replicas", FieldType::Int32, Cardinality::Single),
            object("template", "k8s.io.api.core.v1.PodTemplateSpec"),
            with_strategy(object("strategy", "k8s.io.api.apps.v1.DeploymentStrategy"), "retainKeys", None),
        ],
    },
    Message {
        name: "k8s.io.api.apps.v1.DeploymentStrategy",
        fields: &[scalar("type"), object("rollingUpdate", "k8s.io.api.apps.v1.RollingUpdateDeployment")],
    },
    Message {
        name: "k8s.io.api.apps.v1.RollingUpdateDeployment",
        fields: &[scalar("maxSurge"), scalar("maxUnavailable")],
    },
    Message {
        name: "k8s.io.api.core.v1.PodTemplateSpec",
        fields: &[object("metadata", META), object("spec", "k8s.io.api.core.v1.PodSpec")],
    },
    // A message whose field is really replaced, as `patchStrategy: replace` declares.
    Message { name: "test.Replacing", fields: &[with_strategy(object("selector", "test.Selector"), "replace", None)] },
    Message { name: "test.Selector", fields: &[string_map("matchLabels")] },
];

fn message(name: &str) -> Option<&'static Message> {
    MESSAGES.iter().find(|m| m.name == name)
}

const POD: &str = "k8s.io.api.core.v1.Pod";
const DEPLOYMENT: &str = "k8s.io.api.apps.v1.Deployment";
const CONFIG_MAP: &str = "k8s.io.api.core.v1.ConfigMap";

fn smp(original: &Value, patch: &Value, kind: &str) -> Result<Value, SmpError> {
    apply_with(original, patch, kind, message)
}

/// One case: a kind, a live object, a patch and the expected result.
struct Case {
    name: &'static str,
    kind: &'static str,
    original: Value,
    patch: Value,
    want: Value,
}

fn run(cases: Vec<Case>) {
    for case in cases {
        match smp(&case.original, &case.patch, case.kind) {
            Ok(got) => assert_eq!(got, case.want, "case {:?}", case.name),
            Err(e) => panic!("case {:?}: unexpected error {e}", case.name),
        }
    }
}

fn pod_with_containers(containers: Value) -> Value {
    json!({"metadata": {"name": "p"}, "spec": {"containers": containers}})
}

fn ctr(name: &str, image: &str) -> Value {
    json!({"name": name, "image": image})
}

// ---------------------------------------------------------------------------------------------
// Maps

#[test]
fn maps() {
    run(vec![
        Case {
            name: "label added, another removed by null",
            kind: POD,
            original: json!({"metadata": {"name": "p", "labels": {"a": "1", "b": "2"}}}),
            patch: json!({"metadata": {"labels": {"b": null, "c": "3"}}}),
            want: json!({"metadata": {"name": "p", "labels": {"a": "1", "c": "3"}}}),
        },
        Case {
            name: "null for a missing key is ignored",
            kind: POD,
            original: json!({"metadata": {"name": "p"}}),
            patch: json!({"metadata": {"labels": null, "annotations": {"x": null}}}),
            want: json!({"metadata": {"name": "p", "annotations": {}}}),
        },
        Case {
            name: "$patch: replace on a map",
            kind: POD,
            original: json!({"metadata": {"name": "p", "labels": {"a": "1", "b": "2"}}}),
            patch: json!({"metadata": {"labels": {"$patch": "replace", "c": "3"}}}),
            want: json!({"metadata": {"name": "p", "labels": {"c": "3"}}}),
        },
        Case {
            name: "$patch: delete on a map leaves it empty",
            kind: DEPLOYMENT,
            original: json!({"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}}}}),
            patch: json!({"spec": {"strategy": {"rollingUpdate": {"$patch": "delete"}}}}),
            want: json!({"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {}}}}),
        },
        Case {
            name: "$patch: merge is the default",
            kind: POD,
            original: json!({"metadata": {"labels": {"a": "1"}}}),
            patch: json!({"metadata": {"labels": {"$patch": "merge", "b": "2"}}}),
            want: json!({"metadata": {"labels": {"a": "1", "b": "2"}}}),
        },
        Case {
            name: "patchStrategy replace replaces a map field",
            kind: "test.Replacing",
            original: json!({"selector": {"matchLabels": {"a": "1"}}}),
            patch: json!({"selector": {"matchLabels": {"b": "2"}}}),
            want: json!({"selector": {"matchLabels": {"b": "2"}}}),
        },
        Case {
            name: "unknown fields merge as plain maps",
            kind: POD,
            original: json!({"status": {"phase": "Pending", "extra": {"a": 1}}}),
            patch: json!({"status": {"extra": {"b": 2}, "phase": null}}),
            want: json!({"status": {"extra": {"a": 1, "b": 2}}}),
        },
        Case {
            name: "type change replaces",
            kind: POD,
            original: json!({"metadata": {"annotations": {"a": "x"}}, "weird": [1]}),
            patch: json!({"weird": {"now": "object"}}),
            want: json!({"metadata": {"annotations": {"a": "x"}}, "weird": {"now": "object"}}),
        },
        Case {
            name: "ConfigMap data as kubectl apply sends it",
            kind: CONFIG_MAP,
            original: json!({
                "metadata": {"name": "cm", "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "old"}},
                "data": {"k1": "v1", "k2": "v2", "gone": "x"}
            }),
            patch: json!({
                "data": {"k1": "v1-new", "gone": null, "k3": "v3"},
                "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "new"}}
            }),
            want: json!({
                "metadata": {"name": "cm", "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "new"}},
                "data": {"k1": "v1-new", "k2": "v2", "k3": "v3"}
            }),
        },
    ]);
}

// ---------------------------------------------------------------------------------------------
// Lists of objects

#[test]
fn object_lists() {
    run(vec![
        Case {
            name: "change the image of one container",
            kind: POD,
            original: pod_with_containers(json!([ctr("a", "a:1"), ctr("b", "b:1")])),
            patch: json!({"spec": {"containers": [{"name": "b", "image": "b:2"}]}}),
            want: pod_with_containers(json!([ctr("a", "a:1"), ctr("b", "b:2")])),
        },
        Case {
            // Upstream places elements the server does not have yet before the others.
            name: "add a container without $setElementOrder",
            kind: POD,
            original: pod_with_containers(json!([ctr("a", "a:1"), ctr("b", "b:1")])),
            patch: json!({"spec": {"containers": [ctr("c", "c:1")]}}),
            want: pod_with_containers(json!([ctr("c", "c:1"), ctr("a", "a:1"), ctr("b", "b:1")])),
        },
        Case {
            name: "delete a container with $patch: delete",
            kind: POD,
            original: pod_with_containers(json!([ctr("a", "a:1"), ctr("b", "b:1"), ctr("c", "c:1")])),
            patch: json!({"spec": {"containers": [{"name": "b", "$patch": "delete"}]}}),
            want: pod_with_containers(json!([ctr("a", "a:1"), ctr("c", "c:1")])),
        },
        Case {
            name: "change, add and delete together, patch order wins for patched elements",
            kind: POD,
            original: pod_with_containers(json!([ctr("a", "a:1"), ctr("b", "b:1"), ctr("c", "c:1")])),
            patch: json!({"spec": {"containers": [
                {"name": "c", "image": "c:2"}, ctr("d", "d:1"), {"name": "a", "$patch": "delete"}
            ]}}),
            want: pod_with_containers(json!([ctr("b", "b:1"), ctr("c", "c:2"), ctr("d", "d:1")])),
        },
        Case {
            name: "$setElementOrder/containers reorders and places a new container",
            kind: POD,
            original: pod_with_containers(json!([ctr("a", "a:1"), ctr("b", "b:1"), ctr("c", "c:1")])),
            patch: json!({"spec": {
                "$setElementOrder/containers": [{"name": "c"}, {"name": "new"}, {"name": "a"}, {"name": "b"}],
                "containers": [ctr("new", "n:1")]
            }}),
            want: pod_with_containers(json!([ctr("c", "c:1"), ctr("new", "n:1"), ctr("a", "a:1"), ctr("b", "b:1")])),
        },
        Case {
            // `b` is not in the directive; it goes before `c`, which it preceded live.
            name: "$setElementOrder without the list; server-only element keeps its live rank",
            kind: POD,
            original: pod_with_containers(json!([ctr("a", "a:1"), ctr("b", "b:1"), ctr("c", "c:1")])),
            patch: json!({"spec": {"$setElementOrder/containers": [{"name": "c"}, {"name": "a"}]}}),
            want: pod_with_containers(json!([ctr("b", "b:1"), ctr("c", "c:1"), ctr("a", "a:1")])),
        },
        Case {
            name: "kubectl apply deleting a container",
            kind: POD,
            original: pod_with_containers(json!([ctr("a", "a:1"), ctr("b", "b:1")])),
            patch: json!({"spec": {
                "$setElementOrder/containers": [{"name": "a"}],
                "containers": [{"$patch": "delete", "name": "b"}]
            }}),
            want: pod_with_containers(json!([ctr("a", "a:1")])),
        },
        Case {
            name: "ports merge by containerPort",
            kind: POD,
            original: pod_with_containers(json!([{"name": "a", "ports": [
                {"containerPort": 80, "protocol": "TCP"}, {"containerPort": 443, "protocol": "TCP"}
            ]}])),
            patch: json!({"spec": {"containers": [{"name": "a", "ports": [
                {"containerPort": 443, "name": "https"}, {"containerPort": 8080.0, "$patch": "delete"}
            ]}]}}),
            want: pod_with_containers(json!([{"name": "a", "ports": [
                {"containerPort": 80, "protocol": "TCP"}, {"containerPort": 443, "protocol": "TCP", "name": "https"}
            ]}])),
        },
        Case {
            name: "merge keys compare numbers by value",
            kind: POD,
            original: pod_with_containers(json!([{"name": "a", "ports": [{"containerPort": 80}]}])),
            patch: json!({"spec": {"containers": [{"name": "a", "ports": [{"containerPort": 80.0, "name": "http"}]}]}}),
            // Matched as the same port; the patch's spelling of the value wins, as for any field.
            want: pod_with_containers(json!([{"name": "a", "ports": [{"containerPort": 80.0, "name": "http"}]}])),
        },
        Case {
            name: "$patch: replace as a list element replaces the list",
            kind: POD,
            original: pod_with_containers(json!([ctr("a", "a:1"), ctr("b", "b:1")])),
            patch: json!({"spec": {"containers": [ctr("z", "z:1"), {"$patch": "replace"}]}}),
            want: pod_with_containers(json!([ctr("z", "z:1")])),
        },
        Case {
            name: "a new list is cleaned of directives",
            kind: POD,
            original: json!({"spec": {}}),
            patch: json!({"spec": {"containers": [ctr("a", "a:1"), {"name": "x", "$patch": "delete"}]}}),
            want: json!({"spec": {"containers": [ctr("a", "a:1")]}}),
        },
        Case {
            name: "kubectl apply changing one env var",
            kind: DEPLOYMENT,
            original: json!({"spec": {"template": {"spec": {"containers": [{
                "name": "app", "image": "app:1",
                "env": [{"name": "FOO", "value": "1"}, {"name": "BAR", "value": "b"}]
            }]}}}}),
            patch: json!({"spec": {"template": {"spec": {
                "$setElementOrder/containers": [{"name": "app"}],
                "containers": [{
                    "$setElementOrder/env": [{"name": "FOO"}, {"name": "BAR"}],
                    "env": [{"name": "FOO", "value": "2"}],
                    "name": "app"
                }]
            }}}}),
            want: json!({"spec": {"template": {"spec": {"containers": [{
                "name": "app", "image": "app:1",
                "env": [{"name": "FOO", "value": "2"}, {"name": "BAR", "value": "b"}]
            }]}}}}),
        },
        Case {
            name: "volumes: merge by name, $retainKeys switches the source",
            kind: POD,
            original: json!({"spec": {"volumes": [
                {"name": "v", "configMap": {"name": "cm"}}, {"name": "w", "emptyDir": {}}
            ]}}),
            patch: json!({"spec": {"volumes": [
                {"name": "v", "emptyDir": {"medium": "Memory"}, "$retainKeys": ["emptyDir", "name"]}
            ]}}),
            want: json!({"spec": {"volumes": [
                {"name": "v", "emptyDir": {"medium": "Memory"}}, {"name": "w", "emptyDir": {}}
            ]}}),
        },
    ]);
}

// ---------------------------------------------------------------------------------------------
// Lists of scalars, replaced lists, $retainKeys

#[test]
fn scalar_lists_and_retain_keys() {
    run(vec![
        Case {
            name: "finalizers union, new ones first as upstream orders them",
            kind: POD,
            original: json!({"metadata": {"finalizers": ["a", "b"]}}),
            patch: json!({"metadata": {"finalizers": ["b", "c"]}}),
            want: json!({"metadata": {"finalizers": ["a", "b", "c"]}}),
        },
        Case {
            name: "finalizer added without order lands first",
            kind: POD,
            original: json!({"metadata": {"finalizers": ["a", "b"]}}),
            patch: json!({"metadata": {"finalizers": ["c"]}}),
            want: json!({"metadata": {"finalizers": ["c", "a", "b"]}}),
        },
        Case {
            name: "$deleteFromPrimitiveList/finalizers",
            kind: POD,
            original: json!({"metadata": {"finalizers": ["a", "b", "c", "b"]}}),
            patch: json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["b", "zzz"]}}),
            want: json!({"metadata": {"finalizers": ["a", "c"]}}),
        },
        Case {
            name: "$deleteFromPrimitiveList on an absent list does nothing",
            kind: POD,
            original: json!({"metadata": {"name": "p"}}),
            patch: json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["b"]}}),
            want: json!({"metadata": {"name": "p"}}),
        },
        Case {
            name: "kubectl apply removing a finalizer and adding one",
            kind: POD,
            original: json!({"metadata": {"finalizers": ["a", "b", "c"]}}),
            patch: json!({"metadata": {
                "$setElementOrder/finalizers": ["a", "d", "c"],
                "$deleteFromPrimitiveList/finalizers": ["b"],
                "finalizers": ["d"]
            }}),
            want: json!({"metadata": {"finalizers": ["a", "d", "c"]}}),
        },
        Case {
            name: "$setElementOrder on primitives",
            kind: POD,
            original: json!({"metadata": {"finalizers": ["a", "b", "c"]}}),
            patch: json!({"metadata": {"$setElementOrder/finalizers": ["b", "c", "a"]}}),
            want: json!({"metadata": {"finalizers": ["b", "c", "a"]}}),
        },
        Case {
            name: "args have no strategy: replaced",
            kind: POD,
            original: pod_with_containers(json!([{"name": "a", "args": ["-v", "-x"]}])),
            patch: json!({"spec": {"containers": [{"name": "a", "args": ["-y"]}]}}),
            want: pod_with_containers(json!([{"name": "a", "args": ["-y"]}])),
        },
        Case {
            name: "tolerations have no strategy: replaced, list markers dropped",
            kind: POD,
            original: json!({"spec": {"tolerations": [{"key": "a"}, {"key": "b"}]}}),
            patch: json!({"spec": {"tolerations": [{"key": "c"}, {"$patch": "replace"}]}}),
            want: json!({"spec": {"tolerations": [{"key": "c"}]}}),
        },
        Case {
            name: "$retainKeys: RollingUpdate to Recreate clears rollingUpdate",
            kind: DEPLOYMENT,
            original: json!({"spec": {"replicas": 1, "strategy": {
                "type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}
            }}}),
            patch: json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}),
            want: json!({"spec": {"replicas": 1, "strategy": {"type": "Recreate"}}}),
        },
        Case {
            name: "$retainKeys keeps listed keys and merges them",
            kind: DEPLOYMENT,
            original: json!({"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}}}}),
            patch: json!({"spec": {"strategy": {
                "$retainKeys": ["type", "rollingUpdate"], "rollingUpdate": {"maxUnavailable": "1"}
            }}}),
            want: json!({"spec": {"strategy": {
                "type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "1"}
            }}}),
        },
    ]);
}

// ---------------------------------------------------------------------------------------------
// Errors

fn expect_bad(original: Value, patch: Value, kind: &str) {
    match smp(&original, &patch, kind) {
        Err(SmpError::BadPatch { .. }) => {}
        other => panic!("patch {patch}: expected BadPatch, got {other:?}"),
    }
}

fn expect_invalid(original: Value, patch: Value, kind: &str) {
    match smp(&original, &patch, kind) {
        Err(SmpError::Invalid { .. }) => {}
        other => panic!("patch {patch}: expected Invalid, got {other:?}"),
    }
}

#[test]
fn malformed_patches_are_bad_requests() {
    let pod = pod_with_containers(json!([ctr("a", "a:1")]));
    for patch in [json!([1, 2]), json!("x"), json!(null), json!(3)] {
        expect_bad(pod.clone(), patch, POD);
    }
    let bad = [
        json!({"metadata": {"labels": {"$patch": "explode"}}}),
        json!({"metadata": {"labels": {"$patch": 1}}}),
        json!({"spec": {"containers": [{"name": "a", "$patch": "nope"}]}}),
        json!({"metadata": {"$deleteFromPrimitiveList/finalizers": "a"}}),
        json!({"metadata": {"$deleteFromPrimitiveListfinalizers": ["a"]}}),
        json!({"metadata": {"$deleteFromPrimitiveList/": ["a"]}}),
        json!({"metadata": {"$setElementOrder/finalizers": {"a": 1}}}),
        json!({"spec": {"$setElementOrder/containers": ["a"]}}),
        json!({"spec": {"$setElementOrder/containers": [{"name": "b"}], "containers": [ctr("a", "x")]}}),
        json!({"spec": {"$setElementOrder/containers": [{"name": "b"}, {"name": "a"}],
                        "containers": [ctr("a", "x"), ctr("b", "y")]}}),
        json!({"spec": {"$retainKeys": "containers"}}),
        json!({"spec": {"$madeUp": 1}}),
    ];
    for patch in bad {
        expect_bad(pod.clone(), patch, POD);
    }
}

#[test]
fn inapplicable_patches_are_invalid() {
    let pod = pod_with_containers(json!([ctr("a", "a:1")]));
    expect_invalid(pod.clone(), json!({"spec": {"containers": [{"image": "no-name"}]}}), POD);
    expect_invalid(pod.clone(), json!({"spec": {"containers": [{"$patch": "delete"}]}}), POD);
    expect_invalid(pod.clone(), json!({"spec": {"containers": [["nested"]]}}), POD);
    expect_invalid(pod.clone(), json!({"spec": {"containers": ["a"]}}), POD);
    expect_invalid(json!({"metadata": {"finalizers": ["a"]}}), json!({"metadata": {"finalizers": [1]}}), POD);
    expect_invalid(
        json!({"spec": {"strategy": {"type": "Recreate"}}}),
        json!({"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {"maxSurge": 1}}}}),
        DEPLOYMENT,
    );
    expect_invalid(json!([1]), json!({}), POD);
}

#[test]
fn unknown_kind_is_unsupported() {
    let err = smp(&json!({}), &json!({}), "example.com.v1.Widget");
    assert!(matches!(err, Err(SmpError::UnsupportedKind { .. })));
    assert_eq!(err.map_err(|e| e.status()), Err(415));
}

#[test]
fn errors_carry_the_path() {
    let pod = pod_with_containers(json!([ctr("a", "a:1")]));
    let err = smp(&pod, &json!({"spec": {"containers": [ctr("a", "x"), {"image": "y"}]}}), POD).unwrap_err();
    assert_eq!(
        err,
        SmpError::Invalid {
            path: "$.spec.containers[1]".into(),
            message: "list element has no merge key \"name\"".into()
        }
    );
    assert_eq!(err.status(), 422);
}

/// Arbitrary JSON in every position must produce a value or an error, never a panic.
#[test]
fn never_panics_on_odd_input() {
    let values = [
        json!(null),
        json!(true),
        json!(1.5),
        json!("s"),
        json!([]),
        json!([null, 1]),
        json!([[1]]),
        json!({}),
        json!({"$patch": "delete"}),
        json!({"$patch": "replace", "name": "a"}),
        json!([{"$patch": "replace"}]),
        json!([{"name": "a", "$patch": "delete"}, {"name": 1}]),
        json!({"$retainKeys": [1, null]}),
        json!({"$setElementOrder/x": [null]}),
    ];
    let fields = ["metadata", "labels", "finalizers", "spec", "containers", "ports", "env", "args", "$patch"];
    for original in &values {
        for patch in &values {
            for f in fields {
                let wrap = |v: &Value| json!({"spec": {f: v.clone(), "containers": [{"name": "a", f: v.clone()}]}, "metadata": {f: v.clone()}});
                let _ = smp(&wrap(original), &wrap(patch), POD);
                let _ = smp(original, patch, POD);
            }
        }
    }
    // Deep nesting is refused, not a stack overflow.
    let mut deep = json!({});
    for _ in 0..1000 {
        deep = json!({"x": deep});
    }
    assert!(smp(&json!({}), &deep, POD).is_err());
}
