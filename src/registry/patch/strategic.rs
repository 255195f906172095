//! Strategic merge patch (`application/strategic-merge-patch+json`) for built-in kinds: what
//! `kubectl apply` (client-side), `kubectl patch` and `kubectl edit` send.
//!
//! This module owns the server-side application of such a patch to a stored object, in JSON.
//! It follows the upstream apiserver:
//!
//! * objects merge key by key, recursively; `null` removes a key;
//! * a list whose field declares `patchStrategy: merge` merges: lists of objects element-wise
//!   by the field's `patchMergeKey`, lists of scalars as a set; other lists are replaced;
//! * a field with `patchStrategy: replace` is replaced rather than merged;
//! * directives: `$patch: replace | delete | merge` (in an object, or as a list element),
//!   `$retainKeys`, `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`;
//! * elements the patch mentions come first in their relative patch order unless the live
//!   order says otherwise, so a new element without `$setElementOrder` lands in front of the
//!   existing ones — upstream's ordering, which clients rely on.
//!
//! Field metadata comes from the schema table ([`crate::registry::schema`]), reached through a
//! [`Resolver`] so tests can supply their own messages. Fields the table does not know merge
//! like plain JSON maps and replace lists, as upstream does for unknown map keys.
//!
//! Deliberate departures from upstream, where upstream leaves junk in the result or panics:
//! values the patch adds wholesale are cleaned of directives (upstream copies them verbatim and
//! relies on typed decoding to drop `$patch` keys); `$deleteFromPrimitiveList` on an absent
//! list is a no-op (upstream stores the deletion list as the list); `$patch: merge` is accepted
//! as the explicit default (upstream rejects it); an unknown `$`-key in a typed object is an
//! error (upstream stores it).

use std::fmt;

use serde_json::{Map, Value};

use crate::registry::schema::{self, Cardinality, FieldType, Message};

type Object = Map<String, Value>;

const MARKER: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const SET_ORDER: &str = "$setElementOrder";
const DELETE_PRIMITIVE: &str = "$deleteFromPrimitiveList";

/// Deeper patches than this are refused rather than risking the stack.
const MAX_DEPTH: usize = 200;

/// Looks a message up by full proto name; [`schema::message`] in production.
pub type Resolver = fn(&str) -> Option<&'static Message>;

/// Why a strategic merge patch could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmpError {
    /// The patch document is malformed: not an object, an unknown or ill-formed directive.
    /// Upstream answers 400 Bad Request.
    #[error("invalid strategic merge patch at {path}: {message}")]
    BadPatch { path: String, message: String },
    /// The patch is well-formed but cannot be applied to this object: a list element without
    /// its merge key, a list of lists, mixed element types. Upstream answers 422.
    #[error("cannot apply strategic merge patch at {path}: {message}")]
    Invalid { path: String, message: String },
    /// The message has no patch metadata (custom resources, or a name the table lacks).
    /// Upstream answers 415 Unsupported Media Type.
    #[error("strategic merge patch is not supported for {message}")]
    UnsupportedKind { message: String },
}

impl SmpError {
    /// The HTTP status upstream answers with.
    pub fn status(&self) -> u16 {
        match self {
            SmpError::BadPatch { .. } => 400,
            SmpError::Invalid { .. } => 422,
            SmpError::UnsupportedKind { .. } => 415,
        }
    }
}

/// Applies `patch` to `original`, an object of the message named `message` (full proto name,
/// `k8s.io.api.apps.v1.Deployment`), with metadata from the generated schema table.
pub fn apply(original: &Value, patch: &Value, message: &str) -> Result<Value, SmpError> {
    apply_with(original, patch, message, schema::message)
}

/// [`apply`] with messages looked up through `resolve`.
pub fn apply_with(original: &Value, patch: &Value, message: &str, resolve: Resolver) -> Result<Value, SmpError> {
    let root = resolve(message).ok_or_else(|| SmpError::UnsupportedKind { message: message.to_owned() })?;
    let Value::Object(patch) = patch else {
        return Err(bad(Path::ROOT, "the patch must be a JSON object"));
    };
    let original = match original {
        Value::Object(o) => o.clone(),
        Value::Null => Object::new(),
        _ => {
            return Err(invalid(Path::ROOT, "the object to patch is not a JSON object"));
        }
    };
    let schema = Schema { resolve, node: Node::Message(root) };
    merge_map(original, patch, schema, Path::ROOT).map(Value::Object)
}

// ---------------------------------------------------------------------------------------------
// Schema access

/// Where in the schema a value sits.
#[derive(Clone, Copy)]
struct Schema {
    resolve: Resolver,
    node: Node,
}

#[derive(Clone, Copy)]
enum Node {
    /// Nothing known: merge as plain JSON.
    Unknown,
    /// An object of this message.
    Message(&'static Message),
    /// A map field's value: every key holds a value of this type.
    MapValues(FieldType),
}

/// What the schema says about one field of an object.
struct FieldInfo {
    merge: bool,
    replace: bool,
    merge_key: Option<&'static str>,
    /// The schema of the field's value: of each element for lists, of each value for maps.
    child: Schema,
}

impl Schema {
    fn of_type(resolve: Resolver, ty: FieldType) -> Schema {
        let node = match ty {
            FieldType::Message(name) if !opaque(name) => resolve(name).map_or(Node::Unknown, Node::Message),
            _ => Node::Unknown,
        };
        Schema { resolve, node }
    }

    fn field(&self, name: &str) -> FieldInfo {
        let plain = |child| FieldInfo { merge: false, replace: false, merge_key: None, child };
        let unknown = Schema { resolve: self.resolve, node: Node::Unknown };
        match self.node {
            Node::Unknown => plain(unknown),
            Node::MapValues(ty) => plain(Schema::of_type(self.resolve, ty)),
            Node::Message(m) => match m.field_by_json(name) {
                None => plain(unknown),
                Some(f) => {
                    let strategies = f.patch_strategy.unwrap_or("");
                    let has = |s: &str| strategies.split(',').any(|x| x.trim() == s);
                    let child = match f.cardinality {
                        Cardinality::Map { .. } => Schema { resolve: self.resolve, node: Node::MapValues(f.ty) },
                        _ => Schema::of_type(self.resolve, f.ty),
                    };
                    FieldInfo { merge: has("merge"), replace: has("replace"), merge_key: f.patch_merge_key, child }
                }
            },
        }
    }

    /// Whether the object's message declares `name` (some, like `$ref`, start with `$`).
    fn declares(&self, name: &str) -> bool {
        matches!(self.node, Node::Message(m) if m.field_by_json(name).is_some())
    }

    /// Whether an unrecognised `$`-key here is a mistake rather than data. Only typed objects
    /// are strict: map values and unknown objects may hold any key, and JSON Schema objects
    /// (CRDs) have `$`-named fields of their own.
    fn strict(&self) -> bool {
        matches!(self.node, Node::Message(m) if !m.name.ends_with("JSONSchemaProps"))
    }
}

/// Messages whose JSON form is free-form, not their proto fields.
fn opaque(name: &str) -> bool {
    [".RawExtension", ".FieldsV1", ".JSON", "OrArray", "OrBool", "OrStringArray"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

// ---------------------------------------------------------------------------------------------
// Paths and errors

/// The location of a value, for error messages; built on the stack as the merge descends.
#[derive(Clone, Copy)]
struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment<'a>,
    depth: usize,
}

#[derive(Clone, Copy)]
enum Segment<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    const ROOT: Path<'static> = Path { parent: None, segment: Segment::Root, depth: 0 };

    fn key(&'a self, key: &'a str) -> Path<'a> {
        Path { parent: Some(self), segment: Segment::Key(key), depth: self.depth + 1 }
    }

    fn index(&'a self, index: usize) -> Path<'a> {
        Path { parent: Some(self), segment: Segment::Index(index), depth: self.depth + 1 }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            parent.fmt(f)?;
        }
        match self.segment {
            Segment::Root if self.parent.is_none() => f.write_str("$"),
            Segment::Root => Ok(()),
            Segment::Key(key) => write!(f, ".{key}"),
            Segment::Index(i) => write!(f, "[{i}]"),
        }
    }
}

fn bad(path: Path<'_>, message: impl Into<String>) -> SmpError {
    SmpError::BadPatch { path: path.to_string(), message: message.into() }
}

fn invalid(path: Path<'_>, message: impl Into<String>) -> SmpError {
    SmpError::Invalid { path: path.to_string(), message: message.into() }
}

// ---------------------------------------------------------------------------------------------
// Directives

/// The value of a `$patch` key.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Marker {
    Replace,
    Delete,
    Merge,
}

fn marker(object: &Object, path: Path<'_>) -> Result<Option<Marker>, SmpError> {
    match object.get(MARKER) {
        None => Ok(None),
        Some(Value::String(s)) if s == "replace" => Ok(Some(Marker::Replace)),
        Some(Value::String(s)) if s == "delete" => Ok(Some(Marker::Delete)),
        Some(Value::String(s)) if s == "merge" => Ok(Some(Marker::Merge)),
        Some(other) => Err(bad(path, format!("unknown {MARKER} directive {other}"))),
    }
}

/// What a key of a patch object is.
enum Key<'a> {
    Field,
    Marker,
    RetainKeys,
    SetOrder(&'a str),
    DeleteFrom(&'a str),
}

fn classify<'k>(key: &'k str, schema: Schema, path: Path<'_>) -> Result<Key<'k>, SmpError> {
    if !key.starts_with('$') || schema.declares(key) {
        return Ok(Key::Field);
    }
    let target = |prefix: &str| -> Result<Option<&'k str>, SmpError> {
        let Some(rest) = key.strip_prefix(prefix) else {
            return Ok(None);
        };
        match rest.strip_prefix('/') {
            Some(name) if !name.is_empty() => Ok(Some(name)),
            _ => Err(bad(path, format!("directive {key:?} must have the form {prefix}/<field>"))),
        }
    };
    if key == MARKER {
        Ok(Key::Marker)
    } else if key == RETAIN_KEYS {
        Ok(Key::RetainKeys)
    } else if let Some(name) = target(SET_ORDER)? {
        Ok(Key::SetOrder(name))
    } else if let Some(name) = target(DELETE_PRIMITIVE)? {
        Ok(Key::DeleteFrom(name))
    } else if schema.strict() {
        Err(bad(path, format!("unknown directive or field {key:?}")))
    } else {
        Ok(Key::Field)
    }
}

// ---------------------------------------------------------------------------------------------
// Objects

/// Merges a patch object into an original object.
fn merge_map(mut original: Object, patch: &Object, schema: Schema, path: Path<'_>) -> Result<Object, SmpError> {
    if path.depth > MAX_DEPTH {
        return Err(bad(path, "the patch is nested too deeply"));
    }
    match marker(patch, path)? {
        // Upstream keeps `{}` rather than removing the key; typed decoding treats it as unset
        // for most fields, and matching it keeps `rollingUpdate: {$patch: delete}` faithful.
        Some(Marker::Delete) => return Ok(Object::new()),
        // Replacing is merging into nothing: the rest of the patch still gets its directives
        // applied (and thereby removed) instead of being stored verbatim.
        Some(Marker::Replace) => original = Object::new(),
        Some(Marker::Merge) | None => {}
    }
    retain_keys(&mut original, patch, schema, path)?;

    // `$setElementOrder` merges its list itself, so the main pass must skip that list.
    let mut ordered = Vec::new();
    for (key, value) in patch {
        if let Key::SetOrder(name) = classify(key, schema, path)?
            && set_element_order(&mut original, patch, name, value, schema, path.key(key))?
        {
            ordered.push(name);
        }
    }

    let mut deletions = Vec::new();
    for (key, value) in patch {
        match classify(key, schema, path)? {
            Key::Field if !ordered.contains(&key.as_str()) => {
                merge_field(&mut original, key, value, schema, path.key(key))?;
            }
            // Deletions run last so that they also see elements added by this patch.
            Key::DeleteFrom(name) => deletions.push((name, value, key)),
            Key::Field | Key::Marker | Key::RetainKeys | Key::SetOrder(_) => {}
        }
    }
    for (name, value, key) in deletions {
        delete_from_primitive_list(&mut original, name, value, path.key(key))?;
    }
    Ok(original)
}

/// Merges one patch field into the original object.
fn merge_field(
    original: &mut Object,
    key: &str,
    patch: &Value,
    schema: Schema,
    path: Path<'_>,
) -> Result<(), SmpError> {
    if patch.is_null() {
        original.remove(key);
        return Ok(());
    }
    let field = schema.field(key);
    // Merged in place through `get_mut` so the key keeps its position in the object.
    let Some(slot) = original.get_mut(key) else {
        original.insert(key.to_owned(), fresh(patch, &field, path)?);
        return Ok(());
    };
    *slot = match (std::mem::take(slot), patch) {
        (Value::Object(o), Value::Object(p)) if !field.replace => Value::Object(merge_map(o, p, field.child, path)?),
        (Value::Array(o), Value::Array(p)) => Value::Array(merge_list(o, p, &field, path)?),
        (_, p) => fresh(p, &field, path)?,
    };
    Ok(())
}

/// A patch value taken as a whole (nothing to merge with), with its directives applied.
fn fresh(patch: &Value, field: &FieldInfo, path: Path<'_>) -> Result<Value, SmpError> {
    Ok(match patch {
        Value::Object(p) => Value::Object(merge_map(Object::new(), p, field.child, path)?),
        Value::Array(p) => Value::Array(merge_list(Vec::new(), p, field, path)?),
        scalar => scalar.clone(),
    })
}

/// Applies `$retainKeys`: drops every original key the list does not name. Upstream insists
/// that the patch itself sets nothing outside the list.
fn retain_keys(original: &mut Object, patch: &Object, schema: Schema, path: Path<'_>) -> Result<(), SmpError> {
    let Some(list) = patch.get(RETAIN_KEYS) else {
        return Ok(());
    };
    let path = path.key(RETAIN_KEYS);
    let Value::Array(list) = list else {
        return Err(bad(path, "must be a list of field names"));
    };
    let keep = |key: &str| list.iter().any(|k| k.as_str() == Some(key));
    for (key, value) in patch {
        if !value.is_null() && matches!(classify(key, schema, path)?, Key::Field) && !keep(key) {
            return Err(invalid(path, format!("the patch sets {key:?}, which is not in {RETAIN_KEYS}")));
        }
    }
    original.retain(|key, _| keep(key));
    Ok(())
}

/// Applies `$deleteFromPrimitiveList/<name>`: removes every listed value from the list.
fn delete_from_primitive_list(
    original: &mut Object,
    name: &str,
    values: &Value,
    path: Path<'_>,
) -> Result<(), SmpError> {
    let Value::Array(values) = values else {
        return Err(bad(path, "must be a list of values to delete"));
    };
    if values.iter().any(|v| v.is_object() || v.is_array()) {
        return Err(bad(path, "can only delete scalars; use $patch: delete for objects"));
    }
    match original.get_mut(name) {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Array(list)) => {
            list.retain(|item| !values.iter().any(|v| same(item, v)));
            Ok(())
        }
        Some(_) => Err(invalid(path, format!("{name:?} is not a list"))),
    }
}

// ---------------------------------------------------------------------------------------------
// Lists

/// Merges a patch list into an original list according to the field's strategy.
fn merge_list(
    original: Vec<Value>,
    patch: &[Value],
    field: &FieldInfo,
    path: Path<'_>,
) -> Result<Vec<Value>, SmpError> {
    if !field.merge {
        return replace_list(patch, field, path);
    }
    match element_kind(&original, patch, path)? {
        None => Ok(original),
        Some(Kind::Object) => merge_object_list(original, patch, field, path),
        Some(_) => merge_scalar_list(original, patch, path),
    }
}

/// A list without merge strategy: the patch's list, cleaned of directives. List-level markers
/// (`$patch: replace`) and deletions name nothing a replaced list could still contain.
fn replace_list(patch: &[Value], field: &FieldInfo, path: Path<'_>) -> Result<Vec<Value>, SmpError> {
    let mut out = Vec::with_capacity(patch.len());
    for (i, element) in patch.iter().enumerate() {
        let path = path.index(i);
        match element {
            Value::Object(m) => match marker(m, path)? {
                Some(Marker::Replace | Marker::Delete) => {}
                _ => out.push(Value::Object(merge_map(Object::new(), m, field.child, path)?)),
            },
            other => out.push(other.clone()),
        }
    }
    Ok(out)
}

/// The JSON type of list elements; merging lists requires all elements to share one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Null,
    Bool,
    Number,
    String,
    Object,
}

fn element_kind(original: &[Value], patch: &[Value], path: Path<'_>) -> Result<Option<Kind>, SmpError> {
    let mut kind = None;
    for element in original.iter().chain(patch) {
        let this = match element {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Bool,
            Value::Number(_) => Kind::Number,
            Value::String(_) => Kind::String,
            Value::Object(_) => Kind::Object,
            Value::Array(_) => return Err(invalid(path, "lists of lists cannot be merged")),
        };
        if kind.is_some_and(|k| k != this) {
            return Err(invalid(path, "list elements are not all of the same type"));
        }
        kind = Some(this);
    }
    Ok(kind)
}

/// A merging list of scalars: a set union.
fn merge_scalar_list(original: Vec<Value>, patch: &[Value], path: Path<'_>) -> Result<Vec<Value>, SmpError> {
    let server_order = original.clone();
    let mut merged: Vec<Value> = Vec::with_capacity(original.len() + patch.len());
    for value in original.into_iter().chain(patch.iter().cloned()) {
        if !merged.iter().any(|m| same(m, &value)) {
            merged.push(value);
        }
    }
    enforce_order(merged, patch, &server_order, None, path)
}

/// A merging list of objects, matched by merge key.
fn merge_object_list(
    mut original: Vec<Value>,
    patch: &[Value],
    field: &FieldInfo,
    path: Path<'_>,
) -> Result<Vec<Value>, SmpError> {
    let Some(key) = field.merge_key else {
        return Err(invalid(path, "a list of objects with merge strategy has no merge key"));
    };
    let (items, replace) = special_elements(&mut original, patch, key, path)?;
    if replace {
        // `$patch: replace` as an element: the remaining elements are the whole list.
        let mut list = Vec::with_capacity(items.len());
        for (i, item) in &items {
            list.push(Value::Object(merge_map(Object::new(), item, field.child, path.index(*i))?));
        }
        let order = ids(&list, Some(key), path)?;
        return enforce_order(list, &[], &order, Some(key), path);
    }

    let server_order = ids(&original, Some(key), path)?;
    for (i, item) in &items {
        let element_path = path.index(*i);
        let id = merge_key_value(item, key, element_path)?;
        let found = original.iter_mut().find(|o| o.get(key).is_some_and(|v| same(v, id)));
        match found {
            Some(Value::Object(o)) => {
                let merged = merge_map(std::mem::take(o), item, field.child, element_path)?;
                *o = merged;
            }
            _ => original.push(Value::Object(merge_map(Object::new(), item, field.child, element_path)?)),
        }
    }
    let patch_order = items.iter().map(|(_, item)| item.get(key).cloned().unwrap_or_default()).collect::<Vec<_>>();
    enforce_order(original, &patch_order, &server_order, Some(key), path)
}

/// A patch list element with its index in the patch list.
type Element<'p> = (usize, &'p Object);

/// Handles the directive elements of a merging object list: deletes what `$patch: delete`
/// names from `original` and reports a `$patch: replace`. Returns the remaining elements with
/// their index in the patch.
fn special_elements<'p>(
    original: &mut Vec<Value>,
    patch: &'p [Value],
    key: &str,
    path: Path<'_>,
) -> Result<(Vec<Element<'p>>, bool), SmpError> {
    let mut items = Vec::with_capacity(patch.len());
    let mut replace = false;
    for (i, element) in patch.iter().enumerate() {
        let path = path.index(i);
        let Value::Object(m) = element else {
            return Err(invalid(path, "list elements are not all objects"));
        };
        match marker(m, path)? {
            Some(Marker::Delete) => {
                let id = merge_key_value(m, key, path)?;
                original.retain(|o| !o.get(key).is_some_and(|v| same(v, id)));
            }
            Some(Marker::Replace) => replace = true,
            // A bare `$patch: merge` element restates the default for the whole list.
            Some(Marker::Merge) if m.len() == 1 => {}
            Some(Marker::Merge) | None => items.push((i, m)),
        }
    }
    Ok((items, replace))
}

fn merge_key_value<'v>(object: &'v Object, key: &str, path: Path<'_>) -> Result<&'v Value, SmpError> {
    object.get(key).ok_or_else(|| invalid(path, format!("list element has no merge key {key:?}")))
}

/// The identities of list elements: their merge key value, or the element itself for scalars.
fn ids(list: &[Value], key: Option<&str>, path: Path<'_>) -> Result<Vec<Value>, SmpError> {
    list.iter().enumerate().map(|(i, element)| id(element, key, path.index(i)).cloned()).collect()
}

fn id<'v>(element: &'v Value, key: Option<&str>, path: Path<'_>) -> Result<&'v Value, SmpError> {
    match (key, element) {
        (None, v) => Ok(v),
        (Some(key), Value::Object(m)) => merge_key_value(m, key, path),
        (Some(_), _) => Err(invalid(path, "list elements are not all objects")),
    }
}

/// JSON equality, except that numbers compare by value (`80` equals `80.0`), as in Go.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn position(order: &[Value], id: &Value) -> Option<usize> {
    order.iter().position(|o| same(o, id))
}

// ---------------------------------------------------------------------------------------------
// Ordering

/// Orders a merged list the way upstream does. Elements named in `patch_order` come in that
/// order; the others ("server-only") keep their order in `server_order`. The two runs are then
/// interleaved: a server-only element goes first only while both it and the next patch
/// element appear in `server_order` and it is the earlier one there, so patch elements the
/// server does not have yet move ahead of the remaining server-only ones.
fn enforce_order(
    merged: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    key: Option<&str>,
    path: Path<'_>,
) -> Result<Vec<Value>, SmpError> {
    // (position in server_order, position in patch_order, element)
    let mut patched = Vec::new();
    let mut server_only = Vec::new();
    for (i, element) in merged.into_iter().enumerate() {
        let id = id(&element, key, path.index(i))?;
        let server = position(server_order, id);
        match position(patch_order, id) {
            Some(p) => patched.push((server, p, element)),
            None => server_only.push((server, 0, element)),
        }
    }
    // Stable sorts; elements missing from the order they are sorted by keep their place last.
    patched.sort_by_key(|(_, p, _)| *p);
    server_only.sort_by_key(|(s, _, _)| s.unwrap_or(usize::MAX));

    let mut out = Vec::with_capacity(patched.len() + server_only.len());
    let mut left = server_only.into_iter().peekable();
    let mut right = patched.into_iter().peekable();
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some((Some(l), _, _)), Some((Some(r), _, _))) => l < r,
            (Some(_), Some(_)) => false,
        };
        let next = if take_left { left.next() } else { right.next() };
        out.extend(next.map(|(_, _, element)| element));
    }
    Ok(out)
}

/// Applies `$setElementOrder/<name>`: merges the list `name` (if the patch has it) and orders
/// the result by the directive, keeping server-only elements near their live neighbours.
/// Returns whether the list was handled here.
fn set_element_order(
    original: &mut Object,
    patch: &Object,
    name: &str,
    order: &Value,
    schema: Schema,
    path: Path<'_>,
) -> Result<bool, SmpError> {
    let Value::Array(order) = order else {
        return Err(bad(path, "must be a list"));
    };
    let field = schema.field(name);
    let key = field.merge_key;
    let patch_list = match patch.get(name) {
        None => None,
        // The list is being removed; ordering it is moot.
        Some(Value::Null) => return Ok(false),
        Some(Value::Array(list)) => Some(list.as_slice()),
        Some(_) => return Err(invalid(path, format!("{name:?} is not a list"))),
    };
    let original_list = match original.get_mut(name) {
        None | Some(Value::Null) => None,
        Some(Value::Array(list)) => Some(std::mem::take(list)),
        Some(_) => return Err(invalid(path, format!("{name:?} is not a list"))),
    };
    let list_path = path.key(name);
    let order_ids = order_ids(order, key, path)?;
    if let Some(list) = patch_list {
        check_patch_follows_order(list, &order_ids, key, list_path)?;
    }
    let (merged, server_order) = match (original_list, patch_list) {
        (None, None) => return Ok(false),
        (Some(o), p) => {
            let server_order = ids(&o, key, list_path)?;
            let merged = match p {
                Some(p) => merge_list(o, p, &field, list_path)?,
                None => o,
            };
            (merged, server_order)
        }
        (None, Some(p)) => (merge_list(Vec::new(), p, &field, list_path)?, Vec::new()),
    };
    let ordered = enforce_order(merged, &order_ids, &server_order, key, list_path)?;
    original.insert(name.to_owned(), Value::Array(ordered));
    Ok(true)
}

/// The identities `$setElementOrder` lists: `{<mergeKey>: value}` objects or scalars.
fn order_ids(order: &[Value], key: Option<&str>, path: Path<'_>) -> Result<Vec<Value>, SmpError> {
    order
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            id(entry, key, path.index(i)).cloned().map_err(|_| {
                let wanted = key.map_or("a value".to_owned(), |k| format!("an object with {k:?}"));
                bad(path.index(i), format!("each entry must be {wanted}"))
            })
        })
        .collect()
}

/// Upstream requires the patch's elements to appear in `$setElementOrder`, in the same
/// relative order; directive elements are exempt.
fn check_patch_follows_order(
    list: &[Value],
    order: &[Value],
    key: Option<&str>,
    path: Path<'_>,
) -> Result<(), SmpError> {
    let mut next = 0;
    for (i, element) in list.iter().enumerate() {
        if element.as_object().is_some_and(|m| m.contains_key(MARKER)) {
            continue;
        }
        let id = id(element, key, path.index(i))?;
        match order[next.min(order.len())..].iter().position(|o| same(o, id)) {
            Some(offset) => next += offset + 1,
            None => {
                return Err(bad(path.index(i), format!("element is missing from, or out of order in, {SET_ORDER}")));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "strategic_tests.rs"]
mod tests;
