//! Sets of field paths, the unit of ownership in server-side apply, and their wire form
//! `FieldsV1` (`{"f:spec":{"f:replicas":{}}}`).
//!
//! A path is a list of [`PathElement`]s: a field of an object (`f:`), an element of a
//! `map` list by its key fields (`k:`), an element of a `set` list by its value (`v:`), or an
//! index (`i:`, only where a list gives no better identity). A set holds *members*: the leaves
//! a manager set, and the nodes it set as a whole (a list element it added, `"."` in
//! `FieldsV1`). Like structured-merge-diff's `fieldpath.Set`, a node stores its members and,
//! separately, the sets below its children.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Map, Value};

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathElement {
    /// An object's field.
    Field(String),
    /// A `map` list element, by its key fields: canonical JSON of an object with sorted keys.
    Key(String),
    /// A `set` list element, by its value: canonical JSON.
    Value(String),
    /// A list element by position.
    Index(usize),
}

impl PathElement {
    /// The element of a `map` list whose key fields have these values.
    pub fn key(fields: Map<String, Value>) -> Self {
        // serde_json's map is ordered by key, so this is canonical.
        PathElement::Key(Value::Object(fields).to_string())
    }

    pub fn value(value: &Value) -> Self {
        PathElement::Value(value.to_string())
    }

    fn encode(&self) -> String {
        match self {
            PathElement::Field(name) => format!("f:{name}"),
            PathElement::Key(key) => format!("k:{key}"),
            PathElement::Value(value) => format!("v:{value}"),
            PathElement::Index(index) => format!("i:{index}"),
        }
    }

    fn decode(raw: &str) -> Option<Self> {
        let (prefix, rest) = raw.split_once(':')?;
        let canonical = |json: &str| serde_json::from_str::<Value>(json).ok().map(|v| v.to_string());
        match prefix {
            "f" => Some(PathElement::Field(rest.into())),
            "k" => canonical(rest).filter(|k| k.starts_with('{')).map(PathElement::Key),
            "v" => canonical(rest).map(PathElement::Value),
            "i" => rest.parse().ok().map(PathElement::Index),
            _ => None,
        }
    }
}

/// A path as upstream prints it in conflict messages: `.spec.containers[name="app"].image`.
pub struct DisplayPath<'a>(pub &'a [PathElement]);

impl fmt::Display for DisplayPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for element in self.0 {
            match element {
                PathElement::Field(name) => write!(f, ".{name}")?,
                PathElement::Key(key) => {
                    let fields: Map<String, Value> = serde_json::from_str(key).unwrap_or_default();
                    let parts: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    write!(f, "[{}]", parts.join(","))?
                }
                PathElement::Value(value) => write!(f, "[={value}]")?,
                PathElement::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// A set of field paths.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSet {
    members: BTreeSet<PathElement>,
    children: BTreeMap<PathElement, FieldSet>,
}

impl FieldSet {
    pub fn is_empty(&self) -> bool {
        self.members.is_empty() && self.children.values().all(FieldSet::is_empty)
    }

    pub fn insert(&mut self, path: &[PathElement]) {
        match path {
            [] => {}
            [last] => {
                self.members.insert(last.clone());
            }
            [first, rest @ ..] => self.children.entry(first.clone()).or_default().insert(rest),
        }
    }

    pub fn contains(&self, path: &[PathElement]) -> bool {
        match path {
            [] => false,
            [last] => self.members.contains(last),
            [first, rest @ ..] => self.children.get(first).is_some_and(|child| child.contains(rest)),
        }
    }

    /// The set below `path` (empty when nothing is).
    pub fn below(&self, path: &[PathElement]) -> Option<&FieldSet> {
        match path {
            [] => Some(self),
            [first, rest @ ..] => self.children.get(first)?.below(rest),
        }
    }

    /// True when the set holds `path` or anything below it.
    pub fn touches(&self, path: &[PathElement]) -> bool {
        self.contains(path) || self.below(path).is_some_and(|set| !set.is_empty())
    }

    /// True when something below `path` (not `path` itself) is in the set.
    pub fn has_children(&self, path: &[PathElement]) -> bool {
        self.below(path).is_some_and(|set| !set.is_empty())
    }

    pub fn union(&self, other: &FieldSet) -> FieldSet {
        let mut out = self.clone();
        out.members.extend(other.members.iter().cloned());
        for (element, child) in &other.children {
            let merged = match out.children.get(element) {
                Some(mine) => mine.union(child),
                None => child.clone(),
            };
            out.children.insert(element.clone(), merged);
        }
        out
    }

    pub fn difference(&self, other: &FieldSet) -> FieldSet {
        let members = self.members.difference(&other.members).cloned().collect();
        let children = self
            .children
            .iter()
            .map(|(element, child)| match other.children.get(element) {
                Some(theirs) => (element.clone(), child.difference(theirs)),
                None => (element.clone(), child.clone()),
            })
            .filter(|(_, child)| !child.is_empty())
            .collect();
        FieldSet { members, children }
    }

    pub fn intersection(&self, other: &FieldSet) -> FieldSet {
        let members = self.members.intersection(&other.members).cloned().collect();
        let children = self
            .children
            .iter()
            .filter_map(|(element, child)| Some((element.clone(), child.intersection(other.children.get(element)?))))
            .filter(|(_, child)| !child.is_empty())
            .collect();
        FieldSet { members, children }
    }

    /// This set with everything at or below the top-level field `name` removed.
    pub fn without_field(&self, name: &str) -> FieldSet {
        let element = PathElement::Field(name.into());
        let mut out = self.clone();
        out.members.remove(&element);
        out.children.remove(&element);
        out
    }

    /// Only what is at or below the top-level field `name`.
    pub fn only_field(&self, name: &str) -> FieldSet {
        let element = PathElement::Field(name.into());
        let mut out = FieldSet::default();
        if self.members.contains(&element) {
            out.members.insert(element.clone());
        }
        if let Some(child) = self.children.get(&element) {
            out.children.insert(element, child.clone());
        }
        out
    }

    /// Every member's full path, parents before their children.
    pub fn paths(&self) -> Vec<Vec<PathElement>> {
        let mut out = Vec::new();
        self.collect_paths(&mut Vec::new(), &mut out);
        out.sort_by_key(Vec::len);
        out
    }

    fn collect_paths(&self, prefix: &mut Vec<PathElement>, out: &mut Vec<Vec<PathElement>>) {
        for member in &self.members {
            prefix.push(member.clone());
            out.push(prefix.clone());
            prefix.pop();
        }
        for (element, child) in &self.children {
            prefix.push(element.clone());
            child.collect_paths(prefix, out);
            prefix.pop();
        }
    }

    /// The `FieldsV1` form.
    pub fn to_fields_v1(&self) -> Value {
        let mut out = Map::new();
        let elements: BTreeSet<&PathElement> = self.members.iter().chain(self.children.keys()).collect();
        for element in elements {
            let mut node = match self.children.get(element) {
                Some(child) => match child.to_fields_v1() {
                    Value::Object(map) => map,
                    _ => Map::new(),
                },
                None => Map::new(),
            };
            if self.members.contains(element) && !node.is_empty() {
                node.insert(".".into(), Value::Object(Map::new()));
            }
            out.insert(element.encode(), Value::Object(node));
        }
        Value::Object(out)
    }

    /// Reads a `FieldsV1` document; `None` when it is not one.
    pub fn from_fields_v1(value: &Value) -> Option<FieldSet> {
        let mut set = FieldSet::default();
        for (raw, node) in value.as_object()? {
            let element = PathElement::decode(raw)?;
            let node = node.as_object()?;
            if node.is_empty() || node.contains_key(".") {
                set.members.insert(element.clone());
            }
            let rest: Map<String, Value> =
                node.iter().filter(|(k, _)| *k != ".").map(|(k, v)| (k.clone(), v.clone())).collect();
            if !rest.is_empty() {
                set.children.insert(element, FieldSet::from_fields_v1(&Value::Object(rest))?);
            }
        }
        Some(set)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn field(name: &str) -> PathElement {
        PathElement::Field(name.into())
    }

    #[test]
    fn fields_v1_round_trips_members_and_children() {
        let wire = json!({
            "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
            "f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {".": {}, "f:image": {}}}, "f:replicas": {}}
        });
        let set = FieldSet::from_fields_v1(&wire).unwrap();
        assert!(set.contains(&[field("spec"), field("replicas")]));
        assert!(set.contains(&[field("metadata"), field("labels")]));
        let element = PathElement::Key(r#"{"name":"app"}"#.into());
        assert!(set.contains(&[field("spec"), field("containers"), element.clone()]));
        assert!(!set.contains(&[field("spec")]));
        assert_eq!(set.to_fields_v1(), wire);
        assert_eq!(
            DisplayPath(&[field("spec"), field("containers"), element, field("image")]).to_string(),
            r#".spec.containers[name="app"].image"#
        );
    }

    #[test]
    fn malformed_fields_v1_is_refused() {
        assert!(FieldSet::from_fields_v1(&json!({"spec": {}})).is_none());
        assert!(FieldSet::from_fields_v1(&json!({"f:spec": 1})).is_none());
        assert!(FieldSet::from_fields_v1(&json!({"k:notjson": {}})).is_none());
    }

    #[test]
    fn set_algebra() {
        let mut a = FieldSet::default();
        a.insert(&[field("spec"), field("a")]);
        a.insert(&[field("spec"), field("b")]);
        let mut b = FieldSet::default();
        b.insert(&[field("spec"), field("b")]);
        b.insert(&[field("status"), field("c")]);
        assert_eq!(a.intersection(&b).paths(), vec![vec![field("spec"), field("b")]]);
        assert_eq!(a.difference(&b).paths(), vec![vec![field("spec"), field("a")]]);
        assert_eq!(a.union(&b).paths().len(), 3);
        assert!(b.touches(&[field("status")]));
        assert!(b.without_field("status").difference(&a).is_empty());
        assert_eq!(b.only_field("status").paths(), vec![vec![field("status"), field("c")]]);
    }
}
