//! Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`)
//! into the JSON form the rest of the registry works on.
//!
//! This module owns the wire format: the `k8s\0` envelope around a `runtime.Unknown`, and a
//! generic walk of protobuf messages driven by the field table in [`super::schema`]. Types
//! whose JSON form is not their message shape (`Time`, `Quantity`, `IntOrString`,
//! `RawExtension`, the apiextensions unions, ...) are converted here to what Kubernetes
//! writes in JSON. Input is untrusted: every length is checked, nesting is bounded by
//! [`MAX_DEPTH`], and malformed input is an error, never a panic.
//!
//! Presence follows the wire: a field is in the JSON iff it is on the wire. Go clients write
//! non-pointer fields even when zero, so their bodies decode with `""`/`0`/`false` values
//! where Go's JSON would omit the key.

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use prost::encoding::{WireType, decode_varint};
use serde_json::{Map, Number, Value};

use super::schema::{self, Cardinality, Field, FieldType};

/// The 4 bytes every Kubernetes protobuf body starts with.
pub const MAGIC: &[u8; 4] = b"k8s\0";

/// Deepest message nesting accepted; real objects stay far below (a CRD schema is the deepest
/// common case), so this only stops hostile input from exhausting the stack.
pub const MAX_DEPTH: usize = 64;

const META: &str = "k8s.io.apimachinery.pkg.apis.meta.v1.";
const APIEXTENSIONS: &str = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.";

/// The `runtime.Unknown` wrapper of a protobuf body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub api_version: String,
    pub kind: String,
    /// The object itself, a protobuf message of the kind's type.
    pub raw: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("protobuf body does not start with the k8s\\0 magic")]
    BadMagic,
    #[error("protobuf input is truncated at {path}")]
    Truncated { path: String },
    #[error("malformed protobuf at {path}: {reason}")]
    Malformed { path: String, reason: &'static str },
    #[error("unknown protobuf message {0}")]
    UnknownMessage(String),
    #[error("{path}: wire type {found:?} where {expected} was expected")]
    InvalidWireType { path: String, expected: &'static str, found: WireType },
    #[error("{path}: string is not valid UTF-8")]
    InvalidUtf8 { path: String },
    #[error("{path}: messages nested deeper than {MAX_DEPTH}")]
    TooDeep { path: String },
    #[error("{path}: embedded JSON is invalid: {source}")]
    InvalidEmbeddedJson {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: {reason}")]
    InvalidValue { path: String, reason: String },
    #[error("unsupported protobuf content encoding {0:?}")]
    UnsupportedContentEncoding(String),
}

/// Splits a protobuf body into its type and the encoded object.
pub fn decode_envelope(body: &[u8]) -> Result<Envelope, DecodeError> {
    let payload = body.strip_prefix(MAGIC.as_slice()).ok_or(DecodeError::BadMagic)?;
    let root = Path::Root;
    let mut envelope = Envelope { api_version: String::new(), kind: String::new(), raw: Vec::new() };
    let mut encoding = String::new();
    for (tag, wire) in parse_fields(payload, &root, 0)? {
        match tag {
            // Repeated occurrences of a message field merge, so each one may set either key.
            1 => {
                let path = Path::Field(&root, "typeMeta");
                for (tag, wire) in parse_fields(wire.bytes(&path)?, &path, 1)? {
                    match tag {
                        1 => envelope.api_version = wire.string(&Path::Field(&path, "apiVersion"))?,
                        2 => envelope.kind = wire.string(&Path::Field(&path, "kind"))?,
                        _ => {}
                    }
                }
            }
            2 => envelope.raw = wire.bytes(&Path::Field(&root, "raw"))?.to_vec(),
            3 => encoding = wire.string(&Path::Field(&root, "contentEncoding"))?,
            _ => {}
        }
    }
    if !encoding.is_empty() {
        return Err(DecodeError::UnsupportedContentEncoding(encoding));
    }
    Ok(envelope)
}

/// Decodes `raw`, an encoded `message` (full proto name, e.g. `k8s.io.api.core.v1.ConfigMap`),
/// into its Kubernetes JSON form.
pub fn decode_message(message: &str, raw: &[u8]) -> Result<Value, DecodeError> {
    message_value(message, raw, &Path::Root, 0)
}

/// Decodes a whole protobuf body holding a `message`, adding the `apiVersion` and `kind` the
/// envelope carries (protobuf objects do not repeat them).
pub fn decode_object(message: &str, body: &[u8]) -> Result<Value, DecodeError> {
    let envelope = decode_envelope(body)?;
    let mut object = Map::new();
    object.insert("apiVersion".into(), Value::String(envelope.api_version));
    object.insert("kind".into(), Value::String(envelope.kind));
    match decode_message(message, &envelope.raw)? {
        Value::Object(fields) => object.extend(fields),
        _ => {
            return Err(invalid(&Path::Root, format!("{message} is not an object type")));
        }
    }
    Ok(Value::Object(object))
}

// ---------------------------------------------------------------------------------------------
// Field paths, rendered only when an error needs them.

#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
    Key(&'a Path<'a>, &'a str),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => f.write_str("<root>"),
            Path::Field(Path::Root, name) => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
            Path::Key(parent, key) => write!(f, "{parent}[{key:?}]"),
        }
    }
}

fn invalid(path: &Path, reason: impl Into<String>) -> DecodeError {
    DecodeError::InvalidValue { path: path.to_string(), reason: reason.into() }
}

fn malformed(path: &Path, reason: &'static str) -> DecodeError {
    DecodeError::Malformed { path: path.to_string(), reason }
}

fn truncated(path: &Path) -> DecodeError {
    DecodeError::Truncated { path: path.to_string() }
}

// ---------------------------------------------------------------------------------------------
// Wire format

/// One field value as it sits on the wire.
#[derive(Clone, Copy, Debug)]
enum Wire<'a> {
    Varint(u64),
    Fixed64(u64),
    Fixed32(u32),
    Bytes(&'a [u8]),
    /// A proto2 group, already skipped: Kubernetes never uses them.
    Group,
}

impl<'a> Wire<'a> {
    fn wire_type(&self) -> WireType {
        match self {
            Wire::Varint(_) => WireType::Varint,
            Wire::Fixed64(_) => WireType::SixtyFourBit,
            Wire::Fixed32(_) => WireType::ThirtyTwoBit,
            Wire::Bytes(_) => WireType::LengthDelimited,
            Wire::Group => WireType::StartGroup,
        }
    }

    fn mismatch(&self, path: &Path, expected: &'static str) -> DecodeError {
        DecodeError::InvalidWireType { path: path.to_string(), expected, found: self.wire_type() }
    }

    fn bytes(&self, path: &Path) -> Result<&'a [u8], DecodeError> {
        match *self {
            Wire::Bytes(b) => Ok(b),
            _ => Err(self.mismatch(path, "length-delimited")),
        }
    }

    fn varint(&self, path: &Path) -> Result<u64, DecodeError> {
        match *self {
            Wire::Varint(v) => Ok(v),
            _ => Err(self.mismatch(path, "varint")),
        }
    }

    fn string(&self, path: &Path) -> Result<String, DecodeError> {
        Ok(utf8(self.bytes(path)?, path)?.to_owned())
    }
}

fn utf8<'a>(bytes: &'a [u8], path: &Path) -> Result<&'a str, DecodeError> {
    std::str::from_utf8(bytes).map_err(|_| DecodeError::InvalidUtf8 { path: path.to_string() })
}

/// Reads fields off a message's bytes.
struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn varint(&mut self, path: &Path) -> Result<u64, DecodeError> {
        // A varint that runs off the end has its continuation bit set on every byte left.
        let runs_off = self.buf.len() < 10 && self.buf.iter().all(|b| b & 0x80 != 0);
        decode_varint(&mut self.buf).map_err(
            |_| {
                if runs_off { truncated(path) } else { malformed(path, "invalid varint") }
            },
        )
    }

    fn take(&mut self, len: usize, path: &Path) -> Result<&'a [u8], DecodeError> {
        if len > self.buf.len() {
            return Err(truncated(path));
        }
        let (head, tail) = self.buf.split_at(len);
        self.buf = tail;
        Ok(head)
    }

    fn fixed<const N: usize>(&mut self, path: &Path) -> Result<[u8; N], DecodeError> {
        let bytes = self.take(N, path)?;
        let mut out = [0; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// The next field's number and its wire type, or `None` at the end of the message.
    fn key(&mut self, path: &Path) -> Result<Option<(u32, WireType)>, DecodeError> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let key = self.varint(path)?;
        let tag = u32::try_from(key >> 3).map_err(|_| malformed(path, "field number too large"))?;
        if tag == 0 {
            return Err(malformed(path, "field number 0"));
        }
        let wire_type = WireType::try_from(key & 7).map_err(|_| malformed(path, "invalid wire type"))?;
        Ok(Some((tag, wire_type)))
    }

    fn next(&mut self, path: &Path, depth: usize) -> Result<Option<(u32, Wire<'a>)>, DecodeError> {
        let Some((tag, wire_type)) = self.key(path)? else {
            return Ok(None);
        };
        let wire = match wire_type {
            WireType::Varint => Wire::Varint(self.varint(path)?),
            WireType::SixtyFourBit => Wire::Fixed64(u64::from_le_bytes(self.fixed(path)?)),
            WireType::ThirtyTwoBit => Wire::Fixed32(u32::from_le_bytes(self.fixed(path)?)),
            WireType::LengthDelimited => {
                let len = usize::try_from(self.varint(path)?).map_err(|_| truncated(path))?;
                Wire::Bytes(self.take(len, path)?)
            }
            WireType::StartGroup => {
                self.skip_group(tag, path, depth + 1)?;
                Wire::Group
            }
            WireType::EndGroup => return Err(malformed(path, "unexpected end of group")),
        };
        Ok(Some((tag, wire)))
    }

    fn skip_group(&mut self, tag: u32, path: &Path, depth: usize) -> Result<(), DecodeError> {
        if depth > MAX_DEPTH {
            return Err(DecodeError::TooDeep { path: path.to_string() });
        }
        loop {
            match self.key(path)? {
                None => return Err(truncated(path)),
                Some((end, WireType::EndGroup)) if end == tag => return Ok(()),
                Some((_, WireType::EndGroup)) => return Err(malformed(path, "mismatched group")),
                Some((inner, WireType::StartGroup)) => self.skip_group(inner, path, depth + 1)?,
                Some((_, wire_type)) => self.skip_value(wire_type, path)?,
            }
        }
    }

    fn skip_value(&mut self, wire_type: WireType, path: &Path) -> Result<(), DecodeError> {
        let len = match wire_type {
            WireType::Varint => return self.varint(path).map(drop),
            WireType::SixtyFourBit => 8,
            WireType::ThirtyTwoBit => 4,
            WireType::LengthDelimited => usize::try_from(self.varint(path)?).map_err(|_| truncated(path))?,
            WireType::StartGroup | WireType::EndGroup => return Err(malformed(path, "group")),
        };
        self.take(len, path).map(drop)
    }
}

/// Every field of a message in wire order.
fn parse_fields<'a>(data: &'a [u8], path: &Path, depth: usize) -> Result<Vec<(u32, Wire<'a>)>, DecodeError> {
    let mut reader = Reader { buf: data };
    let mut fields = Vec::new();
    while let Some(field) = reader.next(path, depth)? {
        fields.push(field);
    }
    Ok(fields)
}

/// The value of the last occurrence of `tag` (protobuf's rule for singular scalars).
fn last<'a>(fields: &[(u32, Wire<'a>)], tag: u32) -> Option<Wire<'a>> {
    fields.iter().rev().find(|(t, _)| *t == tag).map(|(_, w)| *w)
}

fn occurrences<'a>(fields: &[(u32, Wire<'a>)], tag: u32) -> Vec<Wire<'a>> {
    fields.iter().filter(|(t, _)| *t == tag).map(|(_, w)| *w).collect()
}

// ---------------------------------------------------------------------------------------------
// Messages

fn message_value(name: &str, data: &[u8], path: &Path, depth: usize) -> Result<Value, DecodeError> {
    if depth >= MAX_DEPTH {
        return Err(DecodeError::TooDeep { path: path.to_string() });
    }
    let message = schema::message(name).ok_or_else(|| DecodeError::UnknownMessage(name.into()))?;
    if let Some(special) = Special::of(name) {
        return special.decode(name, data, path, depth);
    }
    let fields = parse_fields(data, path, depth)?;
    let mut buckets: Vec<Vec<Wire>> = vec![Vec::new(); message.fields.len()];
    for (tag, wire) in fields {
        // Unknown fields are skipped: the sender may know a newer version of the message.
        if let Some(i) = message.fields.iter().position(|f| f.tag == tag) {
            buckets[i].push(wire);
        }
    }
    let mut object = Map::new();
    for (field, wires) in message.fields.iter().zip(&buckets) {
        if wires.is_empty() {
            continue;
        }
        // An inlined struct's fields read as the parent's in error paths too.
        let field_path = match field.json {
            "" => *path,
            json => Path::Field(path, json),
        };
        let value = field_value(field, wires, &field_path, depth)?;
        match value {
            // An embedded Go struct: its fields belong to this object.
            Value::Object(inner) if field.json.is_empty() => object.extend(inner),
            // Custom types with no value (a zero `Time`, empty `RawExtension`): Go omits them.
            Value::Null if field.cardinality == Cardinality::Single => {}
            value => {
                object.insert(field.json.to_owned(), value);
            }
        }
    }
    Ok(Value::Object(object))
}

fn field_value(field: &Field, wires: &[Wire], path: &Path, depth: usize) -> Result<Value, DecodeError> {
    match field.cardinality {
        Cardinality::Single => single_value(field.ty, wires, path, depth),
        Cardinality::Repeated => repeated_value(field.ty, wires, path, depth),
        Cardinality::Map { key } => map_value(key, field.ty, wires, path, depth),
    }
}

/// A singular field that occurs `wires.len() >= 1` times.
fn single_value(ty: FieldType, wires: &[Wire], path: &Path, depth: usize) -> Result<Value, DecodeError> {
    let FieldType::Message(name) = ty else {
        let last = wires.last().ok_or_else(|| malformed(path, "no value"))?;
        return scalar(ty, *last, path);
    };
    // Occurrences of a singular message merge, which is what decoding them back to back does.
    let data: Cow<[u8]> = match wires {
        [one] => Cow::Borrowed(one.bytes(path)?),
        _ => {
            let mut joined = Vec::new();
            for wire in wires {
                joined.extend_from_slice(wire.bytes(path)?);
            }
            Cow::Owned(joined)
        }
    };
    message_value(name, &data, path, depth + 1)
}

fn repeated_value(ty: FieldType, wires: &[Wire], path: &Path, depth: usize) -> Result<Value, DecodeError> {
    let mut items = Vec::with_capacity(wires.len());
    for wire in wires {
        let item_path = Path::Index(path, items.len());
        match (ty, *wire) {
            (FieldType::Message(name), _) => {
                items.push(message_value(name, wire.bytes(&item_path)?, &item_path, depth + 1)?)
            }
            (FieldType::String | FieldType::Bytes, _) => items.push(scalar(ty, *wire, &item_path)?),
            // Numbers may come packed: one length-delimited run of values.
            (_, Wire::Bytes(packed)) => unpack(ty, packed, &mut items, path)?,
            _ => items.push(scalar(ty, *wire, &item_path)?),
        }
    }
    Ok(Value::Array(items))
}

fn unpack(ty: FieldType, packed: &[u8], items: &mut Vec<Value>, path: &Path) -> Result<(), DecodeError> {
    let mut reader = Reader { buf: packed };
    while !reader.buf.is_empty() {
        let item_path = Path::Index(path, items.len());
        let wire = match ty {
            FieldType::Double => Wire::Fixed64(u64::from_le_bytes(reader.fixed(&item_path)?)),
            FieldType::Float => Wire::Fixed32(u32::from_le_bytes(reader.fixed(&item_path)?)),
            _ => Wire::Varint(reader.varint(&item_path)?),
        };
        items.push(scalar(ty, wire, &item_path)?);
    }
    Ok(())
}

/// A map field: each occurrence is an entry message with the key at 1 and the value at 2.
fn map_value(
    key_ty: FieldType,
    ty: FieldType,
    wires: &[Wire],
    path: &Path,
    depth: usize,
) -> Result<Value, DecodeError> {
    let mut object = Map::new();
    for wire in wires {
        let entry = parse_fields(wire.bytes(path)?, path, depth + 1)?;
        let key = match last(&entry, 1) {
            Some(key) => match scalar(key_ty, key, path)? {
                Value::String(s) => s,
                other => other.to_string(),
            },
            None => String::new(),
        };
        let values = occurrences(&entry, 2);
        let value_path = Path::Key(path, &key);
        let value = if values.is_empty() {
            zero_value(ty, &value_path, depth)?
        } else {
            single_value(ty, &values, &value_path, depth)?
        };
        object.insert(key, value);
    }
    Ok(Value::Object(object))
}

/// The value of a map entry whose value is left out, i.e. the type's zero value.
fn zero_value(ty: FieldType, path: &Path, depth: usize) -> Result<Value, DecodeError> {
    Ok(match ty {
        FieldType::String | FieldType::Bytes => Value::String(String::new()),
        FieldType::Bool => Value::Bool(false),
        FieldType::Message(name) => message_value(name, &[], path, depth + 1)?,
        _ => Value::from(0),
    })
}

fn scalar(ty: FieldType, wire: Wire, path: &Path) -> Result<Value, DecodeError> {
    Ok(match (ty, wire) {
        (FieldType::String, Wire::Bytes(b)) => Value::String(utf8(b, path)?.to_owned()),
        (FieldType::Bytes, Wire::Bytes(b)) => Value::String(BASE64.encode(b)),
        (FieldType::Bool, Wire::Varint(v)) => Value::Bool(v != 0),
        // Negative int32s are sign-extended to 64 bits on the wire; truncating undoes that.
        (FieldType::Int32, Wire::Varint(v)) => Value::from(v as i32),
        (FieldType::Int64, Wire::Varint(v)) => Value::from(v as i64),
        (FieldType::Uint32, Wire::Varint(v)) => Value::from(v as u32),
        (FieldType::Uint64, Wire::Varint(v)) => Value::from(v),
        (FieldType::Double, Wire::Fixed64(v)) => float(f64::from_bits(v), path)?,
        (FieldType::Float, Wire::Fixed32(v)) => float(f64::from(f32::from_bits(v)), path)?,
        (ty, wire) => return Err(wire.mismatch(path, expected_wire(ty))),
    })
}

fn expected_wire(ty: FieldType) -> &'static str {
    match ty {
        FieldType::String | FieldType::Bytes | FieldType::Message(_) => "length-delimited",
        FieldType::Double => "64-bit",
        FieldType::Float => "32-bit",
        _ => "varint",
    }
}

/// A JSON number as Go writes a float64: integral values without a fraction (`5`, not `5.0`).
fn float(v: f64, path: &Path) -> Result<Value, DecodeError> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: every integer below is exact
    if v.fract() == 0.0 && v.abs() < EXACT {
        return Ok(Value::from(v as i64));
    }
    Number::from_f64(v).map(Value::Number).ok_or_else(|| invalid(path, "not a finite number"))
}

// ---------------------------------------------------------------------------------------------
// Types with their own JSON form

/// True for messages whose JSON is not their message shape (`Time`, `Quantity`, `IntOrString`,
/// raw JSON, ...): a JSON scalar or a value of its own, never walked field by field.
pub(crate) fn has_own_json_form(name: &str) -> bool {
    Special::of(name).is_some()
}

/// True for messages that carry arbitrary embedded JSON (`RawExtension`, `FieldsV1`,
/// apiextensions `JSON`).
pub(crate) fn has_embedded_json_form(name: &str) -> bool {
    matches!(Special::of(name), Some(Special::EmbeddedJson))
}

#[derive(Clone, Copy)]
enum Special {
    Time,
    MicroTime,
    Duration,
    Quantity,
    IntOrString,
    /// Raw JSON bytes at field 1: `RawExtension`, `FieldsV1`, apiextensions `JSON`.
    EmbeddedJson,
    /// A Go named slice (`Verbs`, `ExtraValue`): `items` at field 1, the bare list in JSON.
    SliceWrapper,
    SchemaOrArray,
    SchemaOrBool,
    SchemaOrStringArray,
}

impl Special {
    fn of(name: &str) -> Option<Special> {
        if let Some(meta) = name.strip_prefix(META) {
            return match meta {
                "Time" => Some(Special::Time),
                "MicroTime" => Some(Special::MicroTime),
                "Duration" => Some(Special::Duration),
                "FieldsV1" => Some(Special::EmbeddedJson),
                "Verbs" => Some(Special::SliceWrapper),
                _ => None,
            };
        }
        if let Some(rest) = name.strip_prefix(APIEXTENSIONS) {
            let (_version, ty) = rest.split_once('.')?;
            return match ty {
                "JSON" => Some(Special::EmbeddedJson),
                "JSONSchemaPropsOrArray" => Some(Special::SchemaOrArray),
                "JSONSchemaPropsOrBool" => Some(Special::SchemaOrBool),
                "JSONSchemaPropsOrStringArray" => Some(Special::SchemaOrStringArray),
                _ => None,
            };
        }
        match name {
            "k8s.io.apimachinery.pkg.api.resource.Quantity" | "k8s.io.apimachinery.pkg.api.resource.QuantityValue" => {
                Some(Special::Quantity)
            }
            "k8s.io.apimachinery.pkg.util.intstr.IntOrString" => Some(Special::IntOrString),
            "k8s.io.apimachinery.pkg.runtime.RawExtension" => Some(Special::EmbeddedJson),
            _ if name.starts_with("k8s.io.api.") && name.ends_with(".ExtraValue") => Some(Special::SliceWrapper),
            _ => None,
        }
    }

    fn decode(self, name: &str, data: &[u8], path: &Path, depth: usize) -> Result<Value, DecodeError> {
        let fields = parse_fields(data, path, depth)?;
        match self {
            Special::Time | Special::MicroTime => time(&fields, path, matches!(self, Special::MicroTime)),
            Special::Duration => {
                let nanos = last(&fields, 1).map(|w| w.varint(path)).transpose()?.unwrap_or(0);
                Ok(Value::String(go_duration(nanos as i64)))
            }
            // Go writes the zero Quantity as "0".
            Special::Quantity => Ok(Value::String(match last(&fields, 1) {
                Some(wire) => wire.string(path)?,
                None => "0".into(),
            })),
            Special::IntOrString => int_or_string(&fields, path),
            Special::EmbeddedJson => embedded_json(&fields, path),
            Special::SliceWrapper => repeated_value(FieldType::String, &occurrences(&fields, 1), path, depth),
            Special::SchemaOrArray | Special::SchemaOrBool | Special::SchemaOrStringArray => {
                self.schema_union(name, &fields, path, depth)
            }
        }
    }

    /// The apiextensions unions, shaped as their Go `MarshalJSON` does.
    fn schema_union(self, name: &str, fields: &[(u32, Wire)], path: &Path, depth: usize) -> Result<Value, DecodeError> {
        let package = name.rsplit_once('.').map_or(name, |(package, _)| package);
        let props = format!("{package}.JSONSchemaProps");
        // The table's copy of the name is `'static`, as `FieldType` needs.
        let props_ty = schema::message(&props)
            .map(|m| FieldType::Message(m.name))
            .ok_or_else(|| DecodeError::UnknownMessage(props.clone()))?;
        let (schema_tag, other_tag) = match self {
            Special::SchemaOrBool => (2, 1),
            _ => (1, 2),
        };
        let schemas = occurrences(fields, schema_tag);
        let others = occurrences(fields, other_tag);
        let schema = || single_value(props_ty, &schemas, path, depth);
        match self {
            Special::SchemaOrArray if !others.is_empty() => repeated_value(props_ty, &others, path, depth),
            Special::SchemaOrStringArray if !others.is_empty() => {
                repeated_value(FieldType::String, &others, path, depth)
            }
            _ if !schemas.is_empty() => schema(),
            Special::SchemaOrBool => match others.last() {
                Some(wire) => scalar(FieldType::Bool, *wire, path),
                None => Ok(Value::Bool(false)),
            },
            _ => Ok(Value::Null),
        }
    }
}

/// `Time` (seconds precision) or `MicroTime` (6 fractional digits) in RFC 3339, UTC. An empty
/// message is Go's zero time, which Go writes as `null`.
fn time(fields: &[(u32, Wire)], path: &Path, micros: bool) -> Result<Value, DecodeError> {
    if fields.is_empty() {
        return Ok(Value::Null);
    }
    let seconds = last(fields, 1).map(|w| w.varint(path)).transpose()?.unwrap_or(0) as i64;
    let nanos = last(fields, 2).map(|w| w.varint(path)).transpose()?.unwrap_or(0) as i32;
    let total = i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
    let timestamp = jiff::Timestamp::from_nanosecond(total)
        .map_err(|_| invalid(path, format!("time {seconds}s {nanos}ns is out of range")))?;
    let t = jiff::tz::Offset::UTC.to_datetime(timestamp);
    if t.year() < 0 {
        return Err(invalid(path, format!("year {} cannot be written in RFC 3339", t.year())));
    }
    let date =
        format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second());
    Ok(Value::String(if micros { format!("{date}.{:06}Z", t.subsec_nanosecond() / 1000) } else { format!("{date}Z") }))
}

/// `IntOrString`: `type` at 1 says which of `intVal` (2) or `strVal` (3) holds the value.
fn int_or_string(fields: &[(u32, Wire)], path: &Path) -> Result<Value, DecodeError> {
    match last(fields, 1).map(|w| w.varint(path)).transpose()?.unwrap_or(0) {
        0 => scalar(FieldType::Int32, last(fields, 2).unwrap_or(Wire::Varint(0)), path),
        1 => scalar(FieldType::String, last(fields, 3).unwrap_or(Wire::Bytes(&[])), path),
        other => Err(invalid(path, format!("IntOrString type {other} is neither 0 nor 1"))),
    }
}

/// Raw JSON at field 1; none (or empty) is `null`.
fn embedded_json(fields: &[(u32, Wire)], path: &Path) -> Result<Value, DecodeError> {
    match last(fields, 1) {
        None => Ok(Value::Null),
        Some(wire) => match wire.bytes(path)? {
            [] => Ok(Value::Null),
            raw => serde_json::from_slice(raw)
                .map_err(|source| DecodeError::InvalidEmbeddedJson { path: path.to_string(), source }),
        },
    }
}

/// A duration in nanoseconds as Go's `time.Duration.String` writes it (`1h2m3s`, `5m0s`,
/// `1.5s`, `300ms`, `0s`).
fn go_duration(nanos: i64) -> String {
    const SECOND: u64 = 1_000_000_000;
    if nanos == 0 {
        return "0s".into();
    }
    let sign = if nanos < 0 { "-" } else { "" };
    let n = nanos.unsigned_abs();
    if n < SECOND {
        let (unit, scale) = match n {
            0..1_000 => ("ns", 0),
            1_000..1_000_000 => ("µs", 3),
            _ => ("ms", 6),
        };
        return format!("{sign}{}{unit}", decimal(n, scale));
    }
    let (secs, frac) = (n / SECOND, n % SECOND);
    let (hours, minutes) = (secs / 3600, secs / 60 % 60);
    let seconds = decimal(secs % 60 * SECOND + frac, 9);
    match (hours, minutes) {
        (0, 0) => format!("{sign}{seconds}s"),
        (0, m) => format!("{sign}{m}m{seconds}s"),
        (h, m) => format!("{sign}{h}h{m}m{seconds}s"),
    }
}

/// `value / 10^scale` with the fraction's trailing zeros (and a bare point) dropped.
fn decimal(value: u64, scale: u32) -> String {
    let unit = 10u64.pow(scale);
    let (int, frac) = (value / unit, value % unit);
    if frac == 0 {
        return int.to_string();
    }
    let digits = format!("{frac:0width$}", width = scale as usize);
    format!("{int}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_pb::api::apps::v1 as apps;
    use k8s_pb::api::core::v1 as core;
    use k8s_pb::apimachinery::pkg::api::resource::Quantity;
    use k8s_pb::apimachinery::pkg::apis::meta::v1 as meta;
    use k8s_pb::apimachinery::pkg::runtime;
    use k8s_pb::apimachinery::pkg::util::intstr::IntOrString;
    use prost::Message as _;
    use serde_json::json;
    use std::collections::BTreeMap;

    /// A body as client-go's protobuf serializer writes it.
    fn envelope(api_version: &str, kind: &str, object: &impl prost::Message) -> Vec<u8> {
        let unknown = runtime::Unknown {
            type_meta: Some(runtime::TypeMeta { api_version: Some(api_version.into()), kind: Some(kind.into()) }),
            raw: Some(object.encode_to_vec()),
            content_encoding: Some(String::new()),
            content_type: Some(String::new()),
        };
        let mut body = MAGIC.to_vec();
        unknown.encode(&mut body).unwrap();
        body
    }

    fn s(v: &str) -> Option<String> {
        Some(v.into())
    }

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn meta(name: &str) -> Option<meta::ObjectMeta> {
        Some(meta::ObjectMeta { name: s(name), namespace: s("default"), ..Default::default() })
    }

    fn quantity(v: &str) -> Quantity {
        Quantity { string: s(v) }
    }

    fn time(seconds: i64) -> Option<meta::Time> {
        Some(meta::Time { seconds: Some(seconds), nanos: Some(0) })
    }

    /// 2024-01-02T03:04:05Z
    const T0: i64 = 1_704_164_645;

    /// Decodes through the envelope, checks the envelope's type, compares with `expected`
    /// and proves the JSON names by deserializing into the k8s-openapi type.
    fn check<K>(message: &str, api_version: &str, kind: &str, object: &impl prost::Message, expected: Value)
    where
        K: serde::de::DeserializeOwned + k8s_openapi::Resource,
    {
        let body = envelope(api_version, kind, object);
        let env = decode_envelope(&body).unwrap();
        assert_eq!((env.api_version.as_str(), env.kind.as_str()), (api_version, kind));
        assert_eq!(decode_message(message, &env.raw).unwrap(), expected, "{message}");
        let full = decode_object(message, &body).unwrap();
        assert_eq!(full["kind"], kind);
        let typed: K = serde_json::from_value(full).unwrap();
        assert_eq!(K::KIND, kind);
        drop(typed);
    }

    #[test]
    fn namespace() {
        let ns = core::Namespace {
            metadata: Some(meta::ObjectMeta { name: s("team-a"), ..Default::default() }),
            spec: Some(core::NamespaceSpec { finalizers: vec!["kubernetes".into()] }),
            ..Default::default()
        };
        check::<k8s_openapi::api::core::v1::Namespace>(
            "k8s.io.api.core.v1.Namespace",
            "v1",
            "Namespace",
            &ns,
            json!({"metadata": {"name": "team-a"}, "spec": {"finalizers": ["kubernetes"]}}),
        );
    }

    #[test]
    fn config_map_with_binary_data() {
        let cm = core::ConfigMap {
            metadata: meta("settings"),
            data: map(&[("a", "1"), ("b", "")]),
            binary_data: [("blob".to_string(), vec![0u8, 1, 2, 255])].into(),
            immutable: Some(false),
        };
        check::<k8s_openapi::api::core::v1::ConfigMap>(
            "k8s.io.api.core.v1.ConfigMap",
            "v1",
            "ConfigMap",
            &cm,
            json!({
                "metadata": {"name": "settings", "namespace": "default"},
                "data": {"a": "1", "b": ""},
                "binaryData": {"blob": "AAEC/w=="},
                "immutable": false,
            }),
        );
    }

    #[test]
    fn secret() {
        let secret = core::Secret {
            metadata: meta("creds"),
            data: [("password".to_string(), b"hunter2".to_vec())].into(),
            r#type: s("Opaque"),
            ..Default::default()
        };
        check::<k8s_openapi::api::core::v1::Secret>(
            "k8s.io.api.core.v1.Secret",
            "v1",
            "Secret",
            &secret,
            json!({
                "metadata": {"name": "creds", "namespace": "default"},
                "data": {"password": "aHVudGVyMg=="},
                "type": "Opaque",
            }),
        );
    }

    #[test]
    fn deployment() {
        let container = core::Container {
            name: s("web"),
            image: s("nginx:1.27"),
            ports: vec![core::ContainerPort { container_port: Some(8080), protocol: s("TCP"), ..Default::default() }],
            env: vec![core::EnvVar { name: s("MODE"), value: s("prod"), ..Default::default() }],
            resources: Some(core::ResourceRequirements {
                limits: [("cpu".to_string(), quantity("500m")), ("memory".to_string(), quantity("1Gi"))].into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let labels = map(&[("app", "web")]);
        let deployment = apps::Deployment {
            metadata: meta("web"),
            spec: Some(apps::DeploymentSpec {
                replicas: Some(3),
                selector: Some(meta::LabelSelector { match_labels: labels.clone(), ..Default::default() }),
                template: Some(core::PodTemplateSpec {
                    metadata: Some(meta::ObjectMeta { labels, ..Default::default() }),
                    spec: Some(core::PodSpec {
                        containers: vec![container],
                        host_ipc: Some(true),
                        ..Default::default()
                    }),
                }),
                strategy: Some(apps::DeploymentStrategy {
                    r#type: s("RollingUpdate"),
                    rolling_update: Some(apps::RollingUpdateDeployment {
                        max_surge: Some(IntOrString { r#type: Some(1), int_val: None, str_val: s("25%") }),
                        max_unavailable: Some(IntOrString { r#type: Some(0), int_val: Some(0), str_val: None }),
                    }),
                }),
                progress_deadline_seconds: Some(600),
                ..Default::default()
            }),
            ..Default::default()
        };
        check::<k8s_openapi::api::apps::v1::Deployment>(
            "k8s.io.api.apps.v1.Deployment",
            "apps/v1",
            "Deployment",
            &deployment,
            json!({
                "metadata": {"name": "web", "namespace": "default"},
                "spec": {
                    "replicas": 3,
                    "selector": {"matchLabels": {"app": "web"}},
                    "template": {
                        "metadata": {"labels": {"app": "web"}},
                        "spec": {
                            "hostIPC": true,
                            "containers": [{
                                "name": "web",
                                "image": "nginx:1.27",
                                "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                                "env": [{"name": "MODE", "value": "prod"}],
                                "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}},
                            }],
                        },
                    },
                    "strategy": {
                        "type": "RollingUpdate",
                        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0},
                    },
                    "progressDeadlineSeconds": 600,
                },
            }),
        );
    }

    #[test]
    fn service_with_int_or_string_target_port() {
        let service = core::Service {
            metadata: meta("web"),
            spec: Some(core::ServiceSpec {
                ports: vec![
                    core::ServicePort {
                        name: s("http"),
                        port: Some(80),
                        target_port: Some(IntOrString { r#type: Some(0), int_val: Some(8080), str_val: None }),
                        ..Default::default()
                    },
                    core::ServicePort {
                        name: s("metrics"),
                        port: Some(9090),
                        target_port: Some(IntOrString { r#type: Some(1), int_val: None, str_val: s("metrics") }),
                        ..Default::default()
                    },
                ],
                cluster_ips: vec!["10.0.0.1".into()],
                external_ips: vec!["192.0.2.1".into()],
                ..Default::default()
            }),
            ..Default::default()
        };
        check::<k8s_openapi::api::core::v1::Service>(
            "k8s.io.api.core.v1.Service",
            "v1",
            "Service",
            &service,
            json!({
                "metadata": {"name": "web", "namespace": "default"},
                "spec": {
                    "ports": [
                        {"name": "http", "port": 80, "targetPort": 8080},
                        {"name": "metrics", "port": 9090, "targetPort": "metrics"},
                    ],
                    "clusterIPs": ["10.0.0.1"],
                    "externalIPs": ["192.0.2.1"],
                },
            }),
        );
    }

    #[test]
    fn event_times() {
        let event = core::Event {
            metadata: meta("web.17a"),
            reason: s("Started"),
            first_timestamp: time(T0),
            event_time: Some(meta::MicroTime { seconds: Some(T0), nanos: Some(123_456_789) }),
            count: Some(2),
            ..Default::default()
        };
        check::<k8s_openapi::api::core::v1::Event>(
            "k8s.io.api.core.v1.Event",
            "v1",
            "Event",
            &event,
            json!({
                "metadata": {"name": "web.17a", "namespace": "default"},
                "reason": "Started",
                "firstTimestamp": "2024-01-02T03:04:05Z",
                "eventTime": "2024-01-02T03:04:05.123456Z",
                "count": 2,
            }),
        );
    }

    #[test]
    fn object_meta() {
        let object_meta = meta::ObjectMeta {
            name: s("web"),
            generate_name: s("web-"),
            generation: Some(7),
            labels: map(&[("app", "web")]),
            annotations: map(&[("note", "x")]),
            creation_timestamp: time(T0),
            deletion_grace_period_seconds: Some(30),
            finalizers: vec!["example.com/guard".into()],
            owner_references: vec![meta::OwnerReference {
                api_version: s("apps/v1"),
                kind: s("ReplicaSet"),
                name: s("web-5d4f"),
                uid: s("0d9c2a4e-0000-4000-8000-000000000001"),
                controller: Some(true),
                block_owner_deletion: Some(true),
            }],
            managed_fields: vec![meta::ManagedFieldsEntry {
                manager: s("kubectl"),
                operation: s("Apply"),
                fields_type: s("FieldsV1"),
                fields_v1: Some(meta::FieldsV1 { raw: Some(br#"{"f:metadata":{}}"#.to_vec()) }),
                time: time(T0),
                ..Default::default()
            }],
            ..Default::default()
        };
        let value =
            decode_message("k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", &object_meta.encode_to_vec()).unwrap();
        assert_eq!(
            value,
            json!({
                "name": "web",
                "generateName": "web-",
                "generation": 7,
                "labels": {"app": "web"},
                "annotations": {"note": "x"},
                "creationTimestamp": "2024-01-02T03:04:05Z",
                "deletionGracePeriodSeconds": 30,
                "finalizers": ["example.com/guard"],
                "ownerReferences": [{
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": "web-5d4f",
                    "uid": "0d9c2a4e-0000-4000-8000-000000000001",
                    "controller": true,
                    "blockOwnerDeletion": true,
                }],
                "managedFields": [{
                    "manager": "kubectl",
                    "operation": "Apply",
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:metadata": {}},
                    "time": "2024-01-02T03:04:05Z",
                }],
            })
        );
        let _: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta = serde_json::from_value(value).unwrap();
    }

    #[test]
    fn embedded_structs_are_inlined() {
        let volume = core::Volume {
            name: s("config"),
            volume_source: Some(core::VolumeSource {
                config_map: Some(core::ConfigMapVolumeSource {
                    local_object_reference: Some(core::LocalObjectReference { name: s("settings") }),
                    default_mode: Some(0o644),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        };
        let value = decode_message("k8s.io.api.core.v1.Volume", &volume.encode_to_vec()).unwrap();
        assert_eq!(value, json!({"name": "config", "configMap": {"name": "settings", "defaultMode": 420}}));
        let _: k8s_openapi::api::core::v1::Volume = serde_json::from_value(value).unwrap();
    }

    #[test]
    fn custom_resource_definition_schema() {
        use k8s_pb::apiextensions_apiserver::pkg::apis::apiextensions::v1 as ext;
        let string_prop = ext::JsonSchemaProps { r#type: s("string"), ..Default::default() };
        let schema = ext::JsonSchemaProps {
            r#type: s("object"),
            properties: [
                (
                    "spec".to_string(),
                    ext::JsonSchemaProps {
                        r#type: s("object"),
                        x_kubernetes_preserve_unknown_fields: Some(true),
                        additional_properties: Some(Box::new(ext::JsonSchemaPropsOrBool {
                            allows: Some(true),
                            schema: Some(Box::new(string_prop.clone())),
                        })),
                        ..Default::default()
                    },
                ),
                (
                    "tags".to_string(),
                    ext::JsonSchemaProps {
                        r#type: s("array"),
                        items: Some(Box::new(ext::JsonSchemaPropsOrArray {
                            schema: Some(Box::new(string_prop.clone())),
                            j_son_schemas: vec![],
                        })),
                        default: Some(ext::Json { raw: Some(br#"["a"]"#.to_vec()) }),
                        max_items: Some(10),
                        ..Default::default()
                    },
                ),
                (
                    "size".to_string(),
                    ext::JsonSchemaProps {
                        r#type: s("number"),
                        minimum: Some(1.0),
                        maximum: Some(2.5),
                        r#enum: vec![ext::Json { raw: Some(b"1".to_vec()) }, ext::Json { raw: Some(b"2.5".to_vec()) }],
                        ..Default::default()
                    },
                ),
            ]
            .into(),
            dependencies: [(
                "size".to_string(),
                ext::JsonSchemaPropsOrStringArray { schema: None, property: vec!["tags".into()] },
            )]
            .into(),
            additional_properties: Some(Box::new(ext::JsonSchemaPropsOrBool { allows: Some(false), schema: None })),
            r#ref: s("#/definitions/x"),
            ..Default::default()
        };
        let crd = ext::CustomResourceDefinition {
            metadata: Some(meta::ObjectMeta { name: s("widgets.example.com"), ..Default::default() }),
            spec: Some(ext::CustomResourceDefinitionSpec {
                group: s("example.com"),
                names: Some(ext::CustomResourceDefinitionNames {
                    plural: s("widgets"),
                    kind: s("Widget"),
                    ..Default::default()
                }),
                scope: s("Namespaced"),
                versions: vec![ext::CustomResourceDefinitionVersion {
                    name: s("v1"),
                    served: Some(true),
                    storage: Some(true),
                    schema: Some(ext::CustomResourceValidation { open_apiv3_schema: Some(schema) }),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        };
        let expected_schema = json!({
            "type": "object",
            "$ref": "#/definitions/x",
            "additionalProperties": false,
            "dependencies": {"size": ["tags"]},
            "properties": {
                "spec": {
                    "type": "object",
                    "x-kubernetes-preserve-unknown-fields": true,
                    "additionalProperties": {"type": "string"},
                },
                "tags": {
                    "type": "array",
                    "items": {"type": "string"},
                    "default": ["a"],
                    "maxItems": 10,
                },
                "size": {"type": "number", "minimum": 1, "maximum": 2.5, "enum": [1, 2.5]},
            },
        });
        check::<k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition>(
            "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition",
            &crd,
            json!({
                "metadata": {"name": "widgets.example.com"},
                "spec": {
                    "group": "example.com",
                    "names": {"plural": "widgets", "kind": "Widget"},
                    "scope": "Namespaced",
                    "versions": [{
                        "name": "v1",
                        "served": true,
                        "storage": true,
                        "schema": {"openAPIV3Schema": expected_schema},
                    }],
                },
            }),
        );
    }

    #[test]
    fn special_types() {
        let duration = |ns: i64| meta::Duration { duration: Some(ns) }.encode_to_vec();
        let ext = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.";
        let cases: Vec<(String, Vec<u8>, Value)> = vec![
            (format!("{META}Duration"), duration(3_723_000_000_000), json!("1h2m3s")),
            (format!("{META}Duration"), duration(300_000_000_000), json!("5m0s")),
            (format!("{META}Duration"), duration(0), json!("0s")),
            (format!("{META}Duration"), duration(1_500_000_000), json!("1.5s")),
            (format!("{META}Duration"), duration(-2_000_000), json!("-2ms")),
            (format!("{META}Duration"), duration(1_500), json!("1.5µs")),
            (format!("{META}Duration"), vec![], json!("0s")),
            (format!("{META}Time"), vec![], Value::Null),
            (format!("{META}Time"), time(0).unwrap().encode_to_vec(), json!("1970-01-01T00:00:00Z")),
            (
                format!("{META}MicroTime"),
                meta::MicroTime { seconds: Some(T0), nanos: Some(0) }.encode_to_vec(),
                json!("2024-01-02T03:04:05.000000Z"),
            ),
            ("k8s.io.apimachinery.pkg.api.resource.Quantity".into(), quantity("1.5Gi").encode_to_vec(), json!("1.5Gi")),
            ("k8s.io.apimachinery.pkg.api.resource.Quantity".into(), vec![], json!("0")),
            ("k8s.io.apimachinery.pkg.util.intstr.IntOrString".into(), vec![], json!(0)),
            (
                "k8s.io.apimachinery.pkg.util.intstr.IntOrString".into(),
                IntOrString { r#type: None, int_val: Some(-5), str_val: None }.encode_to_vec(),
                json!(-5),
            ),
            (
                "k8s.io.apimachinery.pkg.runtime.RawExtension".into(),
                runtime::RawExtension { raw: Some(br#"{"kind":"Pod"}"#.to_vec()) }.encode_to_vec(),
                json!({"kind": "Pod"}),
            ),
            ("k8s.io.apimachinery.pkg.runtime.RawExtension".into(), vec![], Value::Null),
            (
                format!("{META}Verbs"),
                meta::Verbs { items: vec!["get".into(), "list".into()] }.encode_to_vec(),
                json!(["get", "list"]),
            ),
            (format!("{ext}JSONSchemaPropsOrBool"), vec![], json!(false)),
            (format!("{ext}JSONSchemaPropsOrArray"), vec![], Value::Null),
            (format!("{META}Status"), vec![], json!({})),
        ];
        for (message, raw, expected) in cases {
            assert_eq!(decode_message(&message, &raw).unwrap(), expected, "{message} {raw:?}");
        }
    }

    #[test]
    fn wire_variants_are_accepted() {
        // ContainerPort.containerPort (field 3, int32) twice: the last value wins; an unknown
        // field 99 of every wire type is skipped; int64 stays a JSON number.
        let mut raw = vec![0x18, 0x01, 0x18, 0x02];
        raw.extend([0x98, 0x06, 0x07]); // 99: varint
        raw.extend([0x99, 0x06, 1, 2, 3, 4, 5, 6, 7, 8]); // 99: fixed64
        raw.extend([0x9a, 0x06, 0x02, 0xff, 0xff]); // 99: bytes
        raw.extend([0x9d, 0x06, 1, 2, 3, 4]); // 99: fixed32
        raw.extend([0x9b, 0x06, 0x08, 0x01, 0x9c, 0x06]); // 99: group holding a varint
        let value = decode_message("k8s.io.api.core.v1.ContainerPort", &raw).unwrap();
        assert_eq!(value, json!({"containerPort": 2}));

        // PodSecurityContext.supplementalGroups (field 4, repeated int64), packed and not.
        let mut raw = vec![0x22, 0x03, 0x01, 0x96, 0x01];
        raw.extend([0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]); // -1
        let value = decode_message("k8s.io.api.core.v1.PodSecurityContext", &raw).unwrap();
        assert_eq!(value, json!({"supplementalGroups": [1, 150, -1]}));

        // A singular message sent twice merges: Pod.metadata {name} then {namespace}.
        let first = meta::ObjectMeta { name: s("a"), ..Default::default() }.encode_to_vec();
        let second = meta::ObjectMeta { namespace: s("b"), ..Default::default() }.encode_to_vec();
        let mut raw = vec![0x0a, first.len() as u8];
        raw.extend(&first);
        raw.extend([0x0a, second.len() as u8]);
        raw.extend(&second);
        let value = decode_message("k8s.io.api.core.v1.Pod", &raw).unwrap();
        assert_eq!(value, json!({"metadata": {"name": "a", "namespace": "b"}}));
    }

    #[test]
    fn bad_input_is_an_error() {
        let good = envelope("v1", "ConfigMap", &core::ConfigMap { metadata: meta("x"), ..Default::default() });
        assert!(matches!(decode_envelope(b"k8s"), Err(DecodeError::BadMagic)));
        assert!(matches!(decode_envelope(b"{\"kind\":\"Pod\"}"), Err(DecodeError::BadMagic)));
        assert!(matches!(decode_envelope(&good[..good.len() - 3]), Err(DecodeError::Truncated { .. })));

        let encoded = runtime::Unknown { content_encoding: s("gzip"), ..Default::default() };
        let mut body = MAGIC.to_vec();
        body.extend(encoded.encode_to_vec());
        assert!(matches!(decode_envelope(&body), Err(DecodeError::UnsupportedContentEncoding(e)) if e == "gzip"));

        let cm = "k8s.io.api.core.v1.ConfigMap";
        assert!(matches!(decode_message("k8s.io.api.core.v1.Nope", &[]), Err(DecodeError::UnknownMessage(_))));
        // metadata (1) as a varint.
        assert!(matches!(decode_message(cm, &[0x08, 0x01]), Err(DecodeError::InvalidWireType { .. })));
        // metadata.name with invalid UTF-8.
        let err = decode_message(cm, &[0x0a, 0x03, 0x0a, 0x01, 0xff]).unwrap_err();
        assert!(matches!(&err, DecodeError::InvalidUtf8 { path } if path == "metadata.name"), "{err}");
        // A varint that never ends, a length past the end, field number 0.
        assert!(matches!(decode_message(cm, &[0x08, 0xff, 0xff]), Err(DecodeError::Truncated { .. })));
        assert!(matches!(decode_message(cm, &[0x0a, 0x05, 0x00]), Err(DecodeError::Truncated { .. })));
        assert!(matches!(decode_message(cm, &[0x00, 0x00]), Err(DecodeError::Malformed { .. })));
        // RawExtension that is not JSON; IntOrString of an unknown type.
        let raw = runtime::RawExtension { raw: Some(b"{nope".to_vec()) }.encode_to_vec();
        assert!(matches!(
            decode_message("k8s.io.apimachinery.pkg.runtime.RawExtension", &raw),
            Err(DecodeError::InvalidEmbeddedJson { .. })
        ));
        let raw = IntOrString { r#type: Some(7), ..Default::default() }.encode_to_vec();
        assert!(decode_message("k8s.io.apimachinery.pkg.util.intstr.IntOrString", &raw).is_err());
        let raw = meta::Time { seconds: Some(i64::MAX), nanos: None }.encode_to_vec();
        assert!(decode_message("k8s.io.apimachinery.pkg.apis.meta.v1.Time", &raw).is_err());
    }

    #[test]
    fn nesting_is_bounded() {
        // JSONSchemaProps.not (28) nested 100 deep.
        let mut raw = Vec::new();
        for _ in 0..100 {
            let mut outer = vec![0xe2, 0x01];
            prost::encoding::encode_varint(raw.len() as u64, &mut outer);
            outer.extend(raw);
            raw = outer;
        }
        let name = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps";
        assert!(matches!(decode_message(name, &raw), Err(DecodeError::TooDeep { .. })));
    }

    #[test]
    fn garbage_never_panics() {
        // A fixed-seed xorshift stream: random bodies, and valid bodies with bytes flipped.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let pod = envelope(
            "v1",
            "Service",
            &core::Service {
                metadata: meta("x"),
                spec: Some(core::ServiceSpec { cluster_ips: vec!["10.0.0.1".into()], ..Default::default() }),
                ..Default::default()
            },
        );
        for round in 0..3000 {
            let body: Vec<u8> = if round % 2 == 0 {
                let len = (next() % 64) as usize;
                MAGIC.iter().copied().chain((0..len).map(|_| next() as u8)).collect()
            } else {
                let mut body = pod.clone();
                let i = 4 + (next() as usize) % (body.len() - 4);
                body[i] = next() as u8;
                body
            };
            if let Ok(envelope) = decode_envelope(&body) {
                let _ = decode_message("k8s.io.api.core.v1.Service", &envelope.raw);
            }
            let _ = decode_message("k8s.io.api.apps.v1.Deployment", &body[4..]);
        }
    }

    #[test]
    fn table_has_json_names_and_patch_metadata() {
        let field = |message: &str, json: &str| {
            let m = schema::message(message).unwrap_or_else(|| panic!("no message {message}"));
            m.field_by_json(json).unwrap_or_else(|| panic!("no field {message}.{json}"))
        };
        let core = "k8s.io.api.core.v1.";
        let props = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps";
        for (message, json) in [
            (format!("{core}PodStatus"), "podIPs"),
            (format!("{core}PodSpec"), "hostIPC"),
            (format!("{core}ServiceSpec"), "externalIPs"),
            (format!("{core}ServiceSpec"), "clusterIPs"),
            (props.into(), "x-kubernetes-preserve-unknown-fields"),
            (props.into(), "$ref"),
            (props.into(), "$schema"),
            (format!("{META}ObjectMeta"), "generateName"),
            // Found through the inlined VolumeSource, named by its Go spelling.
            (format!("{core}Volume"), "scaleIO"),
        ] {
            field(&message, json);
        }

        let containers = field(&format!("{core}PodSpec"), "containers");
        assert_eq!(containers.patch_strategy, Some("merge"));
        assert_eq!(containers.patch_merge_key, Some("name"));
        assert_eq!(containers.ty, FieldType::Message("k8s.io.api.core.v1.Container"));
        assert_eq!(containers.cardinality, Cardinality::Repeated);

        let ports = field(&format!("{core}Container"), "ports");
        assert_eq!(ports.patch_merge_key, Some("containerPort"));
        assert_eq!(ports.list_type, Some("map"));
        assert_eq!(ports.list_map_keys, ["containerPort", "protocol"]);

        let finalizers = field(&format!("{META}ObjectMeta"), "finalizers");
        assert_eq!(finalizers.patch_strategy, Some("merge"));
        let labels = field(&format!("{META}ObjectMeta"), "labels");
        assert_eq!(labels.cardinality, Cardinality::Map { key: FieldType::String });

        // prost's `JsonSchemaProps` is named by its Go/proto name.
        assert!(schema::message(props).is_some());
        assert!(schema::message("k8s.io.api.core.v1.PodIP").is_some());
    }
}
