//! Storage keys: the only code that builds them (or splits them back).
//!
//! ```text
//! /kplane/<plane>/_plane                                   the plane's own record
//! /kplane/<plane>/<group|core>/<plural>/<name>             cluster-scoped object
//! /kplane/<plane>/<group|core>/<plural>/<namespace>/<name> namespaced object
//! ```
//!
//! Plane first, so a plane's data is one prefix (snapshot, delete and per-plane watch are
//! single range operations). `core` stands for the core group: real group names either
//! contain a dot or are one of upstream's legacy single words, none of which is `core`;
//! `_plane` cannot collide with a group because groups never contain `_`. Names never
//! contain `/` (validated before any key is built), so prefixes cannot overlap.

use super::kind::ResourceType;
use crate::types::PlaneName;

/// The prefix of every key.
pub const ROOT: &str = "/kplane/";

/// Everything of one plane.
pub fn plane_prefix(plane: &PlaneName) -> String {
    format!("{ROOT}{plane}/")
}

/// The record that says a plane exists.
pub fn plane_record(plane: &PlaneName) -> String {
    format!("{ROOT}{plane}/_plane")
}

/// Every object of one resource type in a plane.
pub fn resource_prefix(plane: &PlaneName, rt: &ResourceType) -> String {
    let group = if rt.group.is_empty() { "core" } else { &rt.group };
    format!("{ROOT}{plane}/{group}/{}/", rt.plural)
}

/// Every object of a type in one namespace, or of the whole type when `namespace` is `None`.
pub fn collection_prefix(plane: &PlaneName, rt: &ResourceType, namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) if rt.namespaced => format!("{}{ns}/", resource_prefix(plane, rt)),
        _ => resource_prefix(plane, rt),
    }
}

/// The key of one object.
pub fn object_key(plane: &PlaneName, rt: &ResourceType, namespace: Option<&str>, name: &str) -> String {
    format!("{}{name}", collection_prefix(plane, rt, namespace))
}

/// The plane a key belongs to.
pub fn plane_of(key: &str) -> Option<PlaneName> {
    let (plane, _) = key.strip_prefix(ROOT)?.split_once('/')?;
    PlaneName::parse(plane).ok()
}

/// The group (`""` for the core group) and plural an object key of `plane` belongs to; `None`
/// for the plane record and for keys outside the plane. The inverse of [`resource_prefix`].
pub fn resource_of<'k>(plane: &PlaneName, key: &'k str) -> Option<(&'k str, &'k str)> {
    let rest = key.strip_prefix(ROOT)?.strip_prefix(plane.as_str())?.strip_prefix('/')?;
    let (group, rest) = rest.split_once('/')?;
    let (plural, _) = rest.split_once('/')?;
    Some((if group == "core" { "" } else { group }, plural))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::kind::KindTable;

    #[test]
    fn keys_are_plane_first_and_prefix_safe() {
        let table = KindTable::builtin();
        let p1 = PlaneName::parse("p1").unwrap();
        let cm = table.lookup("", "v1", "configmaps").unwrap();
        let ns = table.lookup("", "v1", "namespaces").unwrap();
        let deploy = table.lookup("apps", "v1", "deployments").unwrap();
        assert_eq!(object_key(&p1, cm, Some("default"), "a"), "/kplane/p1/core/configmaps/default/a");
        assert_eq!(object_key(&p1, ns, None, "default"), "/kplane/p1/core/namespaces/default");
        // A namespace passed for a cluster-scoped type is ignored.
        assert_eq!(object_key(&p1, ns, Some("x"), "default"), "/kplane/p1/core/namespaces/default");
        assert_eq!(collection_prefix(&p1, deploy, None), "/kplane/p1/apps/deployments/");
        assert!(object_key(&p1, cm, Some("default"), "a").starts_with(&plane_prefix(&p1)));
        let p10 = PlaneName::parse("p10").unwrap();
        assert!(!plane_prefix(&p10).starts_with(&plane_prefix(&p1)));
        assert!(plane_record(&p1).starts_with(&plane_prefix(&p1)));
    }

    #[test]
    fn keys_split_back_into_their_resource() {
        let table = KindTable::builtin();
        let p1 = PlaneName::parse("p1").unwrap();
        let cm = table.lookup("", "v1", "configmaps").unwrap();
        let deploy = table.lookup("apps", "v1", "deployments").unwrap();
        let ns = table.lookup("", "v1", "namespaces").unwrap();
        assert_eq!(resource_of(&p1, &object_key(&p1, cm, Some("default"), "a")), Some(("", "configmaps")));
        assert_eq!(resource_of(&p1, &object_key(&p1, deploy, Some("x"), "d")), Some(("apps", "deployments")));
        assert_eq!(resource_of(&p1, &object_key(&p1, ns, None, "default")), Some(("", "namespaces")));
        assert_eq!(resource_of(&p1, &plane_record(&p1)), None);
        let p10 = PlaneName::parse("p10").unwrap();
        assert_eq!(resource_of(&p1, &object_key(&p10, cm, Some("default"), "a")), None);
    }
}
