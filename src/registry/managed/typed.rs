//! Values walked with their type: which lists are atomic, sets or maps keyed by some fields,
//! which objects are atomic, so that field sets, merges and removals see list elements by
//! identity rather than by position.
//!
//! The type comes from the generated schema table for built-in kinds (`x-kubernetes-list-type`,
//! `-list-map-keys`, `-map-type`, falling back on the strategic-merge markers), from the CRD's
//! structural schema for custom resources, and is deduced for anything else (objects are
//! granular maps, lists are atomic — structured-merge-diff's "deduced" type).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::set::{FieldSet, PathElement};
use crate::registry::kind::ResourceType;
use crate::registry::schema::{self, Cardinality, Field, FieldType, Message};

/// Built-in structs that upstream marks `+structType=atomic`: set and owned as a whole.
const ATOMIC_MESSAGES: &[&str] = &[
    "k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector",
    "k8s.io.apimachinery.pkg.apis.meta.v1.OwnerReference",
    "k8s.io.api.core.v1.LocalObjectReference",
    "k8s.io.api.core.v1.ObjectReference",
    "k8s.io.api.core.v1.NodeSelector",
    "k8s.io.api.core.v1.NodeSelectorTerm",
    "k8s.io.api.core.v1.TopologySelectorTerm",
    "k8s.io.api.core.v1.ConfigMapKeySelector",
    "k8s.io.api.core.v1.SecretKeySelector",
    "k8s.io.api.core.v1.ObjectFieldSelector",
    "k8s.io.api.core.v1.ResourceFieldSelector",
];

/// The type of one value.
#[derive(Clone, Copy, Debug)]
pub enum Shape<'a> {
    /// A built-in struct.
    Message(&'static Message),
    /// The value of a field of a built-in struct: a list, a map or a single value.
    Field(&'static Field),
    /// One element (of a list) or value (of a map) of a built-in field, or its single value.
    Element(&'static Field),
    /// A node of a structural schema.
    Schema(&'a Value),
    /// Nothing known: objects are granular, lists atomic.
    Untyped,
    /// A scalar, or a value owned as a whole.
    Leaf,
}

/// How a list's elements are identified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListKind {
    /// Replaced as a whole.
    Atomic,
    /// Scalars, by value.
    Set,
    /// Objects, by these key fields.
    Map(Vec<KeyField>),
}

/// A key field of a `map` list, and the value an element that omits it has by default (upstream
/// identifies elements after defaulting, so `{containerPort: 80}` is the `80/TCP` port).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyField {
    pub name: String,
    pub default: Option<Value>,
}

/// What a value is, seen through its type.
enum Node<'a> {
    Leaf,
    Object(Shape<'a>),
    List(ListKind, Shape<'a>),
}

impl<'a> Shape<'a> {
    /// The type of `rt`'s objects.
    pub fn of(rt: &'a ResourceType) -> Shape<'a> {
        if let Some(schema) = rt.custom.as_ref().and_then(|custom| custom.schema.as_ref()) {
            return Shape::Schema(schema);
        }
        match rt.builtin.and_then(|builtin| builtin.proto_message).and_then(schema::message) {
            Some(message) => Shape::Message(message),
            None => Shape::Untyped,
        }
    }

    fn node(self, value: &Value) -> Node<'a> {
        match (self, value) {
            (Shape::Message(message), Value::Object(_)) if !ATOMIC_MESSAGES.contains(&message.name) => {
                Node::Object(self)
            }
            (Shape::Field(field), _) => match field.cardinality {
                Cardinality::Repeated if value.is_array() => match list_kind_of_field(field) {
                    ListKind::Atomic => Node::Leaf,
                    kind => Node::List(kind, Shape::Element(field)),
                },
                Cardinality::Map { .. } if value.is_object() && field.map_type != Some("atomic") => Node::Object(self),
                Cardinality::Single => Shape::Element(field).node(value),
                _ => Node::Leaf,
            },
            (Shape::Element(field), _) => match field.ty {
                FieldType::Message(name) => message_shape(name).node(value),
                _ => Node::Leaf,
            },
            (Shape::Schema(schema), _) => schema_node(schema, value),
            (Shape::Untyped, Value::Object(_)) => Node::Object(self),
            _ => Node::Leaf,
        }
    }

    /// The type of an object's field `key`, and whether the type declares it (undeclared
    /// keys — map entries, unknown fields — are members of a field set in their own right).
    fn child(self, key: &str) -> (Shape<'a>, bool) {
        // Object metadata has its own type wherever a schema leaves it undeclared (the root of
        // a custom resource, an embedded resource, kplane's untyped kinds): ownership of labels
        // must never make `metadata` itself a member, which an apply could then remove.
        let object_meta = || schema::message("k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta").map(Shape::Message);
        match self {
            Shape::Schema(schema) if key == "metadata" && schema.pointer("/properties/metadata").is_none() => {
                (object_meta().unwrap_or(Shape::Untyped), true)
            }
            Shape::Untyped if key == "metadata" => (object_meta().unwrap_or(Shape::Untyped), true),
            Shape::Message(message) => match message.field_by_json(key) {
                Some(field) => (Shape::Field(field), true),
                None => (Shape::Untyped, false),
            },
            Shape::Field(field) => (Shape::Element(field), false),
            Shape::Schema(schema) => {
                if let Some(property) = schema.get("properties").and_then(|p| p.get(key)) {
                    return (Shape::Schema(property), true);
                }
                match schema.get("additionalProperties") {
                    Some(additional) if additional.is_object() => (Shape::Schema(additional), false),
                    _ => (Shape::Untyped, false),
                }
            }
            _ => (Shape::Untyped, false),
        }
    }
}

fn message_shape(name: &'static str) -> Shape<'static> {
    if crate::registry::protobuf::has_embedded_json_form(name) {
        return Shape::Untyped;
    }
    if crate::registry::protobuf::has_own_json_form(name) {
        return Shape::Leaf;
    }
    schema::message(name).map(Shape::Message).unwrap_or(Shape::Untyped)
}

fn list_kind_of_field(field: &Field) -> ListKind {
    let keys = || -> Vec<KeyField> {
        let names: Vec<&str> = match field.list_map_keys {
            [] => field.patch_merge_key.into_iter().collect(),
            keys => keys.to_vec(),
        };
        // The one defaulted key field of the built-in kinds: ports' protocol.
        let default = |name: &str| (name == "protocol").then(|| Value::String("TCP".into()));
        names.into_iter().map(|name| KeyField { name: name.into(), default: default(name) }).collect()
    };
    match field.list_type {
        Some("map") => ListKind::Map(keys()),
        Some("set") => ListKind::Set,
        Some(_) => ListKind::Atomic,
        None if field.patch_strategy.is_some_and(|s| s.contains("merge")) => match field.patch_merge_key {
            Some(_) => ListKind::Map(keys()),
            None => ListKind::Set,
        },
        None => ListKind::Atomic,
    }
}

fn schema_node<'a>(schema: &'a Value, value: &Value) -> Node<'a> {
    if schema.get("x-kubernetes-int-or-string").and_then(Value::as_bool) == Some(true) {
        return Node::Leaf;
    }
    match value {
        Value::Object(_) if schema.get("x-kubernetes-map-type").and_then(Value::as_str) == Some("atomic") => Node::Leaf,
        Value::Object(_) => Node::Object(Shape::Schema(schema)),
        Value::Array(_) => {
            let keys = || -> Vec<KeyField> {
                let names = crate::registry::structural::list_map_keys(schema).into_iter();
                let default = |name: &str| schema.pointer(&format!("/items/properties/{name}/default")).cloned();
                names.map(|name| KeyField { name: name.into(), default: default(name) }).collect()
            };
            let kind = match schema.get("x-kubernetes-list-type").and_then(Value::as_str) {
                Some("map") => ListKind::Map(keys()),
                Some("set") => ListKind::Set,
                _ => return Node::Leaf,
            };
            let items = schema.get("items").map(Shape::Schema).unwrap_or(Shape::Untyped);
            Node::List(kind, items)
        }
        _ => Node::Leaf,
    }
}

/// The path element naming `item`, the `index`-th element of a list of `kind`.
fn element(kind: &ListKind, item: &Value, index: usize) -> Result<PathElement, String> {
    match kind {
        ListKind::Set => Ok(PathElement::value(item)),
        ListKind::Map(keys) if !keys.is_empty() => {
            let object = item.as_object().ok_or("an element of a keyed list is not an object")?;
            let mut fields = Map::new();
            for key in keys {
                let value = object.get(&key.name).or(key.default.as_ref());
                let value = value.ok_or_else(|| format!("an element of a keyed list has no {:?}", key.name))?;
                fields.insert(key.name.clone(), value.clone());
            }
            Ok(PathElement::key(fields))
        }
        _ => Ok(PathElement::Index(index)),
    }
}

/// Where in `items`, a list of `kind`, the element named `wanted` is.
fn position(kind: &ListKind, items: &[Value], wanted: &PathElement) -> Option<usize> {
    items.iter().enumerate().position(|(i, item)| element(kind, item, i).ok().as_ref() == Some(wanted))
}

/// Every field `value` sets: its leaves, list elements, empty objects and undeclared keys.
/// Fails on a keyed list with two elements of the same identity.
pub fn field_set(value: &Value, shape: Shape) -> Result<FieldSet, String> {
    let mut set = FieldSet::default();
    collect(value, shape, &mut Vec::new(), &mut set)?;
    Ok(set)
}

fn collect(value: &Value, shape: Shape, path: &mut Vec<PathElement>, set: &mut FieldSet) -> Result<(), String> {
    match shape.node(value) {
        Node::Leaf => set.insert(path),
        Node::Object(shape) => {
            for (key, child) in value.as_object().into_iter().flatten() {
                let (child_shape, declared) = shape.child(key);
                path.push(PathElement::Field(key.clone()));
                collect(child, child_shape, path, set)?;
                let empty = child.is_null() || child.as_object().is_some_and(Map::is_empty);
                if empty || !declared {
                    set.insert(path);
                }
                path.pop();
            }
        }
        Node::List(kind, item_shape) => {
            let mut seen = BTreeSet::new();
            for (index, item) in value.as_array().into_iter().flatten().enumerate() {
                let element = element(&kind, item, index)?;
                if !seen.insert(element.clone()) {
                    let path = super::set::DisplayPath(path);
                    return Err(format!("{path}: duplicate entries for key {element:?}"));
                }
                path.push(element);
                collect(item, item_shape, path, set)?;
                set.insert(path);
                path.pop();
            }
        }
    }
    Ok(())
}

/// `config` merged into `live`: objects key by key, keyed lists and sets element by
/// element (live order first, new elements after), everything else replaced. A `null` in the
/// config removes the field.
pub fn merge(live: Option<&Value>, config: &Value, shape: Shape) -> Value {
    match shape.node(config) {
        Node::Leaf => config.clone(),
        Node::Object(shape) => {
            let mut out = live.and_then(Value::as_object).cloned().unwrap_or_default();
            for (key, value) in config.as_object().into_iter().flatten() {
                if value.is_null() {
                    out.remove(key);
                    continue;
                }
                let merged = merge(out.get(key), value, shape.child(key).0);
                out.insert(key.clone(), merged);
            }
            Value::Object(out)
        }
        Node::List(kind, item_shape) => {
            let mut out = live.and_then(Value::as_array).cloned().unwrap_or_default();
            for (index, item) in config.as_array().into_iter().flatten().enumerate() {
                let found = element(&kind, item, index).ok().and_then(|wanted| position(&kind, &out, &wanted));
                match found {
                    Some(at) => out[at] = merge(Some(&out[at]), item, item_shape),
                    None => out.push(merge(None, item, item_shape)),
                }
            }
            Value::Array(out)
        }
    }
}

/// The value at `path` in `value`, of type `shape`.
pub fn get<'v>(value: &'v Value, path: &[PathElement], shape: Shape) -> Option<&'v Value> {
    let mut shape = shape;
    path.iter().try_fold(value, |node, step| {
        let (index, child_shape) = locate(node, step, shape)?;
        shape = child_shape;
        match index {
            Some(at) => node.get(at),
            None => node.get(field_name(step)?),
        }
    })
}

/// Removes the value at `path`, if there is one.
pub fn remove(value: &mut Value, path: &[PathElement], shape: Shape) {
    let Some((last, parent_path)) = path.split_last() else { return };
    let mut shape = shape;
    let mut parent = Some(value);
    for step in parent_path {
        parent = parent.and_then(|node| {
            let (index, child_shape) = locate(node, step, shape)?;
            shape = child_shape;
            match index {
                Some(at) => node.get_mut(at),
                None => node.get_mut(field_name(step)?),
            }
        });
    }
    let Some(parent) = parent else { return };
    match locate(parent, last, shape) {
        Some((Some(at), _)) => {
            parent.as_array_mut().map(|items| items.remove(at));
        }
        Some((None, _)) => {
            parent.as_object_mut().zip(field_name(last)).map(|(map, name)| map.remove(name));
        }
        None => {}
    }
}

/// Where `step` leads from `node` (of type `shape`): a list position (or `None` for an object
/// field), and the type found there.
fn locate<'a>(node: &Value, step: &PathElement, shape: Shape<'a>) -> Option<(Option<usize>, Shape<'a>)> {
    match (step, shape.node(node)) {
        (PathElement::Field(name), Node::Object(shape)) => Some((None, shape.child(name).0)),
        (PathElement::Field(_), _) => None,
        (_, Node::List(kind, item_shape)) => Some((Some(position(&kind, node.as_array()?, step)?), item_shape)),
        _ => None,
    }
}

fn field_name(step: &PathElement) -> Option<&str> {
    match step {
        PathElement::Field(name) => Some(name),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn deployment() -> Shape<'static> {
        Shape::Message(schema::message("k8s.io.api.apps.v1.Deployment").unwrap())
    }

    fn fields_v1(value: &Value, shape: Shape) -> Value {
        field_set(value, shape).unwrap().to_fields_v1()
    }

    #[test]
    fn built_in_lists_are_keyed_by_their_merge_keys() {
        let object = json!({"spec": {"replicas": 2, "selector": {"matchLabels": {"app": "a"}},
            "template": {"metadata": {"labels": {"app": "a"}},
                "spec": {"containers": [{"name": "app", "image": "nginx", "args": ["-v"]}]}}}});
        assert_eq!(
            fields_v1(&object, deployment()),
            json!({"f:spec": {"f:replicas": {}, "f:selector": {},
                "f:template": {"f:metadata": {"f:labels": {"f:app": {}}},
                    "f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {".": {}, "f:args": {}, "f:image": {}, "f:name": {}}}}}}})
        );
    }

    #[test]
    fn schema_lists_follow_their_list_type() {
        let schema = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
            "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
            "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["port"],
                "items": {"type": "object", "properties": {"port": {"type": "integer"}, "name": {"type": "string"}}}},
            "args": {"type": "array", "items": {"type": "string"}}}}}});
        let object = json!({"spec": {"tags": ["a"], "ports": [{"port": 80, "name": "http"}], "args": ["x"]}});
        assert_eq!(
            fields_v1(&object, Shape::Schema(&schema)),
            json!({"f:spec": {"f:args": {}, "f:ports": {"k:{\"port\":80}": {".": {}, "f:name": {}, "f:port": {}}},
                "f:tags": {"v:\"a\"": {}}}})
        );
        let duplicated = json!({"spec": {"ports": [{"port": 80}, {"port": 80}]}});
        assert!(field_set(&duplicated, Shape::Schema(&schema)).unwrap_err().contains("duplicate"));
    }

    #[test]
    fn merge_keeps_live_elements_and_merges_matching_ones() {
        let live = json!({"spec": {"replicas": 1, "template": {"spec": {"containers": [
            {"name": "app", "image": "nginx:1", "args": ["a"]}, {"name": "sidecar", "image": "envoy"}]}}}});
        let config = json!({"spec": {"replicas": 3, "template": {"spec": {"containers": [
            {"name": "app", "image": "nginx:2", "args": ["b"]}]}}}});
        let merged = merge(Some(&live), &config, deployment());
        assert_eq!(
            merged,
            json!({"spec": {"replicas": 3, "template": {"spec": {"containers": [
                {"name": "app", "image": "nginx:2", "args": ["b"]}, {"name": "sidecar", "image": "envoy"}]}}}})
        );
    }

    #[test]
    fn get_and_remove_find_elements_by_identity() {
        let mut object =
            json!({"spec": {"template": {"spec": {"containers": [{"name": "a"}, {"name": "b", "image": "x"}]}}}});
        let path = |name: &str| {
            let mut key = Map::new();
            key.insert("name".into(), json!(name));
            ["spec", "template", "spec", "containers"]
                .iter()
                .map(|f| PathElement::Field(f.to_string()))
                .chain([PathElement::key(key)])
                .collect::<Vec<_>>()
        };
        let mut image = path("b");
        image.push(PathElement::Field("image".into()));
        assert_eq!(get(&object, &image, deployment()), Some(&json!("x")));
        remove(&mut object, &path("a"), deployment());
        assert_eq!(object["spec"]["template"]["spec"]["containers"], json!([{"name": "b", "image": "x"}]));
        remove(&mut object, &path("missing"), deployment());
        assert_eq!(object["spec"]["template"]["spec"]["containers"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn a_key_field_an_element_omits_takes_its_default() {
        let pod = Shape::Message(schema::message("k8s.io.api.core.v1.PodSpec").unwrap());
        let live = json!({"containers": [{"name": "app", "ports": [{"containerPort": 80, "protocol": "TCP"}]}]});
        let config = json!({"containers": [{"name": "app", "ports": [{"containerPort": 80, "name": "http"}]}]});
        let merged = merge(Some(&live), &config, pod);
        assert_eq!(merged["containers"][0]["ports"], json!([{"containerPort": 80, "protocol": "TCP", "name": "http"}]));
        let set = field_set(&config, pod).unwrap().to_fields_v1();
        let port = &set["f:containers"]["k:{\"name\":\"app\"}"]["f:ports"];
        assert!(port.get("k:{\"containerPort\":80,\"protocol\":\"TCP\"}").is_some(), "{port}");
    }
}
