//! Field-level metadata of every built-in message: protobuf tags and wire types, JSON names,
//! and the patch/list semantics upstream declares in Go struct tags (`patchStrategy`,
//! `patchMergeKey`, `listType`, `listMapKey`).
//!
//! The table in `generated.rs` is produced by `scripts/gen-k8s-schema.py` from the sources of
//! the `k8s-pb` and `k8s-openapi` crates (protobuf tags and markers from the former, JSON
//! field names from the latter); never edit it by hand. It drives protobuf request decoding
//! (`registry::protobuf`) and strategic merge patch (`registry::patch::strategic`).

// One line per field reads better than rustfmt's layout; the generator owns the format.
#[rustfmt::skip]
mod generated;

use std::collections::HashMap;
use std::sync::LazyLock;

/// A protobuf message, named by its full proto name (`k8s.io.api.core.v1.ConfigMap`).
#[derive(Debug)]
pub struct Message {
    pub name: &'static str,
    pub fields: &'static [Field],
}

/// One field of a message.
#[derive(Debug)]
pub struct Field {
    /// Protobuf field number.
    pub tag: u32,
    /// JSON name (`generateName`, `podIPs`). Empty for a Go embedded struct
    /// (`json:",inline"`, e.g. `Volume.volumeSource`): its fields appear directly in the
    /// parent's JSON object.
    pub json: &'static str,
    pub ty: FieldType,
    pub cardinality: Cardinality,
    /// `x-kubernetes-patch-strategy`: `merge`, `replace`, `retainKeys`, `merge,retainKeys`.
    pub patch_strategy: Option<&'static str>,
    /// `x-kubernetes-patch-merge-key` of a list of objects.
    pub patch_merge_key: Option<&'static str>,
    /// `x-kubernetes-list-type`: `atomic`, `set` or `map`.
    pub list_type: Option<&'static str>,
    /// `x-kubernetes-list-map-keys` of a `map` list.
    pub list_map_keys: &'static [&'static str],
    /// `x-kubernetes-map-type`: `atomic` or `granular`.
    pub map_type: Option<&'static str>,
}

/// The type of a field's value (of each element for lists, of the value for maps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    String,
    Bytes,
    Bool,
    Int32,
    Int64,
    Uint32,
    Uint64,
    Double,
    Float,
    /// A nested message, by full proto name.
    Message(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cardinality {
    /// At most one value (proto2 `optional`/`required`).
    Single,
    /// A list (proto `repeated`).
    Repeated,
    /// A map; `Field::ty` is the value type, this is the key type.
    Map { key: FieldType },
}

impl Message {
    /// The field holding this JSON key, looking through inlined embedded structs (so
    /// `Volume`'s `configMap` is found in `VolumeSource`).
    pub fn field_by_json(&self, json: &str) -> Option<&'static Field> {
        if json.is_empty() {
            return None;
        }
        self.fields.iter().find_map(|f| match (f.json, f.ty) {
            ("", FieldType::Message(inner)) => message(inner)?.field_by_json(json),
            (name, _) if name == json => Some(f),
            _ => None,
        })
    }

    pub fn field_by_tag(&self, tag: u32) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.tag == tag)
    }
}

/// The message with this full proto name.
pub fn message(name: &str) -> Option<&'static Message> {
    static INDEX: LazyLock<HashMap<&'static str, &'static Message>> =
        LazyLock::new(|| generated::MESSAGES.iter().map(|m| (m.name, m)).collect());
    INDEX.get(name).copied()
}
