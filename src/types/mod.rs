//! Validated identifiers, parsed once at the edge and passed inward.
//!
//! Depends on nothing else in the crate.

/// Implements k8s-openapi's traits (and `Default`, `named`) for one of kplane's own kinds; the
/// invoking module provides `API_VERSION`, `GROUP` and `VERSION`.
macro_rules! resource {
    ($ty:ident, $list:ident, $plural:literal) => {
        impl k8s_openapi::Resource for $ty {
            const API_VERSION: &'static str = API_VERSION;
            const GROUP: &'static str = GROUP;
            const KIND: &'static str = stringify!($ty);
            const VERSION: &'static str = VERSION;
            const URL_PATH_SEGMENT: &'static str = $plural;
            type Scope = k8s_openapi::ClusterResourceScope;
        }

        impl k8s_openapi::ListableResource for $ty {
            const LIST_KIND: &'static str = stringify!($list);
        }

        impl k8s_openapi::Metadata for $ty {
            type Ty = ObjectMeta;
            fn metadata(&self) -> &ObjectMeta {
                &self.metadata
            }
            fn metadata_mut(&mut self) -> &mut ObjectMeta {
                &mut self.metadata
            }
        }

        impl Default for $ty {
            fn default() -> Self {
                $ty {
                    api_version: API_VERSION.to_string(),
                    kind: stringify!($ty).to_string(),
                    metadata: ObjectMeta::default(),
                    spec: Default::default(),
                    status: None,
                }
            }
        }

        impl $ty {
            /// A new object named `name`, ready to be created.
            pub fn named(name: &str) -> Self {
                let mut object = Self::default();
                object.metadata.name = Some(name.to_string());
                object
            }
        }
    };
}

pub mod controlplane;
pub mod fleet;
pub mod snapshot;

use std::fmt;
use std::sync::Arc;

/// The plane served at `/` (and at `/clusters/root/control-plane`).
pub const ROOT_PLANE: &str = "root";

/// Longest DNS-1123 label, the limit on plane, namespace and most object names.
pub const DNS1123_LABEL_MAX: usize = 63;
/// Longest DNS-1123 subdomain, the limit on names of most object kinds.
pub const DNS1123_SUBDOMAIN_MAX: usize = 253;

/// The name of a virtual control plane: a DNS-1123 label.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlaneName(Arc<str>);

impl PlaneName {
    /// Parses a plane name, returning why it is not one.
    pub fn parse(raw: &str) -> Result<Self, String> {
        validate_dns1123_label(raw)?;
        Ok(PlaneName(Arc::from(raw)))
    }

    pub fn root() -> Self {
        PlaneName(Arc::from(ROOT_PLANE))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        &*self.0 == ROOT_PLANE
    }
}

impl fmt::Display for PlaneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PlaneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlaneName({})", &*self.0)
    }
}

/// DNS-1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, ≤ 63.
/// The messages follow apimachinery's `IsDNS1123Label` so clients see familiar text.
pub fn validate_dns1123_label(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("must be non-empty".into());
    }
    if value.len() > DNS1123_LABEL_MAX {
        return Err(format!("must be no more than {DNS1123_LABEL_MAX} characters"));
    }
    if !is_label_shaped(value) {
        return Err("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', \
             and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', \
             regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
            .into());
    }
    Ok(())
}

/// DNS-1123 subdomain: dot-separated labels, ≤ 253 characters in total.
pub fn validate_dns1123_subdomain(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("must be non-empty".into());
    }
    if value.len() > DNS1123_SUBDOMAIN_MAX {
        return Err(format!("must be no more than {DNS1123_SUBDOMAIN_MAX} characters"));
    }
    if !value.split('.').all(is_label_shaped) {
        return Err("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \
             '-' or '.', and must start and end with an alphanumeric character (e.g. \
             'example.com', regex used for validation is \
             '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            .into());
    }
    Ok(())
}

/// Names that are safe as one path segment: upstream's `IsValidPathSegmentName`.
pub fn validate_path_segment_name(value: &str) -> Result<(), String> {
    if value == "." || value == ".." {
        return Err(format!("may not be '{value}'"));
    }
    for bad in ["/", "%"] {
        if value.contains(bad) {
            return Err(format!("may not contain '{bad}'"));
        }
    }
    Ok(())
}

fn is_label_shaped(value: &str) -> bool {
    let bytes = value.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => alnum(first) && alnum(last) && bytes.iter().all(|b| alnum(b) || *b == b'-'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plane_names_follow_dns1123_label_rules() {
        for good in ["a", "root", "team-alpha", "0", "a-0", &"x".repeat(63)] {
            assert!(PlaneName::parse(good).is_ok(), "{good} should be valid");
        }
        for bad in ["", "-a", "a-", "A", "a_b", "a.b", "..", "a/b", "a%2Fb", &"x".repeat(64)] {
            assert!(PlaneName::parse(bad).is_err(), "{bad} should be invalid");
        }
    }

    #[test]
    fn subdomains_allow_dots_but_not_empty_labels() {
        assert!(validate_dns1123_subdomain("my.config-map").is_ok());
        assert!(validate_dns1123_subdomain("a..b").is_err());
        assert!(validate_dns1123_subdomain(".a").is_err());
        assert!(validate_dns1123_subdomain(&"a".repeat(254)).is_err());
    }

    #[test]
    fn path_segment_names_reject_traversal() {
        assert!(validate_path_segment_name("..").is_err());
        assert!(validate_path_segment_name("a/b").is_err());
        assert!(validate_path_segment_name("a%2F").is_err());
        assert!(validate_path_segment_name("ok:name").is_ok());
    }
}
