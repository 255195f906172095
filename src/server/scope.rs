//! Parsing a request path, once, at the edge: the plane scope (`/clusters/<name>/control-plane`
//! or none for the root plane) and then the Kubernetes URL grammar. Nothing below this module
//! reads paths. Every segment is percent-decoded and checked, so `%2F`, `..` and friends
//! never reach a key.

use percent_encoding::percent_decode_str;

use crate::registry::error::ApiError;
use crate::types::PlaneName;

/// What the path (after the plane scope) asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiPath {
    /// `/`: the list of served paths.
    Root,
    Version,
    /// `/healthz`, `/livez`, `/readyz` (and their `/…/<check>` forms).
    Health,
    /// `/api`
    CoreVersions,
    /// `/apis`
    Groups,
    /// `/apis/<group>`
    Group {
        group: String,
    },
    /// `/api/v1`, `/apis/<group>/<version>`
    Resources {
        group: String,
        version: String,
    },
    /// `/openapi/v3`
    OpenApiIndex,
    /// `/openapi/v3/<api/v1 | apis/g/v>`
    OpenApiDocument {
        gv_path: String,
    },
    /// `/openapi/v2`: not served (clients then use v3).
    OpenApiV2,
    /// `/openapi/kplane.yaml`, `/openapi/kplane.json`: kplane's own API (snapshot, management
    /// kinds) for SDK generators. Server-wide, so only at the root, never under `/clusters/…`.
    KplaneOpenApi(DocumentForm),
    /// `/snapshot`: every object of the plane at one revision.
    Snapshot,
    /// A resource collection, object or subresource.
    Resource(ResourcePath),
}

/// The serialisation a document is asked for in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentForm {
    Yaml,
    Json,
}

/// `/api/v1/...` or `/apis/<g>/<v>/...` down to a resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourcePath {
    pub group: String,
    pub version: String,
    pub namespace: Option<String>,
    pub plural: String,
    pub name: Option<String>,
    pub subresource: Option<String>,
}

/// The plane a request addresses and the path inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scoped {
    /// `root` for paths outside `/clusters/…`, else the named plane.
    pub plane: PlaneName,
    pub path: ApiPath,
}

/// Splits and decodes the path into segments, rejecting traversal tricks.
fn segments(raw: &str) -> Result<Vec<String>, ApiError> {
    let trimmed = raw.strip_prefix('/').unwrap_or(raw);
    // A single trailing slash is tolerated (some clients ask for `/version/`).
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    if trimmed.is_empty() {
        return Ok(vec![]);
    }
    trimmed
        .split('/')
        .map(|segment| {
            let decoded = percent_decode_str(segment)
                .decode_utf8()
                .map_err(|_| ApiError::bad_request(format!("invalid path segment {segment:?}: not UTF-8")))?;
            if decoded.is_empty() || decoded == "." || decoded == ".." || decoded.contains('/') || decoded.contains('%')
            {
                return Err(ApiError::bad_request(format!("invalid path segment {segment:?}")));
            }
            Ok(decoded.into_owned())
        })
        .collect()
}

/// Parses a request path into its plane and API path.
pub fn parse(raw_path: &str) -> Result<Scoped, ApiError> {
    let segs = segments(raw_path)?;
    let (plane, rest) = match segs.first().map(String::as_str) {
        Some("clusters") => {
            let name = segs.get(1).ok_or_else(|| ApiError::no_route(raw_path))?;
            let plane = PlaneName::parse(name)
                .map_err(|why| ApiError::bad_request(format!("invalid control plane name {name:?}: {why}")))?;
            if segs.get(2).map(String::as_str) != Some("control-plane") {
                return Err(ApiError::no_route(raw_path));
            }
            (plane, &segs[3..])
        }
        _ => (PlaneName::root(), &segs[..]),
    };
    let path = match parse_api_path(rest) {
        Some(ApiPath::KplaneOpenApi(_)) if rest.len() != segs.len() => None,
        path => path,
    };
    let path = path.ok_or_else(|| ApiError::no_route(raw_path))?;
    Ok(Scoped { plane, path })
}

fn parse_api_path(segs: &[String]) -> Option<ApiPath> {
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    Some(match s.as_slice() {
        [] => ApiPath::Root,
        ["version"] => ApiPath::Version,
        ["healthz" | "livez" | "readyz", ..] => ApiPath::Health,
        ["api"] => ApiPath::CoreVersions,
        ["apis"] => ApiPath::Groups,
        ["apis", group] => ApiPath::Group { group: group.to_string() },
        ["api", version] => ApiPath::Resources { group: String::new(), version: version.to_string() },
        ["apis", group, version] => ApiPath::Resources { group: group.to_string(), version: version.to_string() },
        ["openapi", "v3"] => ApiPath::OpenApiIndex,
        ["openapi", "v3", rest @ ..] => ApiPath::OpenApiDocument { gv_path: rest.join("/") },
        ["openapi", "v2"] => ApiPath::OpenApiV2,
        ["openapi", "kplane.yaml"] => ApiPath::KplaneOpenApi(DocumentForm::Yaml),
        ["openapi", "kplane.json"] => ApiPath::KplaneOpenApi(DocumentForm::Json),
        ["snapshot"] => ApiPath::Snapshot,
        ["api", version, rest @ ..] => ApiPath::Resource(resource_path("", version, rest)?),
        ["apis", group, version, rest @ ..] => ApiPath::Resource(resource_path(group, version, rest)?),
        _ => return None,
    })
}

fn resource_path(group: &str, version: &str, rest: &[&str]) -> Option<ResourcePath> {
    let make = |namespace: Option<&str>, plural: &str, name: Option<&str>, sub: Option<&str>| ResourcePath {
        group: group.into(),
        version: version.into(),
        namespace: namespace.map(String::from),
        plural: plural.into(),
        name: name.map(String::from),
        subresource: sub.map(String::from),
    };
    Some(match rest {
        // `namespaces/<ns>/status` and `/finalize` are subresources of the namespace itself.
        ["namespaces", ns, sub @ ("status" | "finalize")] => make(None, "namespaces", Some(ns), Some(sub)),
        ["namespaces", ns, plural] => make(Some(ns), plural, None, None),
        ["namespaces", ns, plural, name] => make(Some(ns), plural, Some(name), None),
        ["namespaces", ns, plural, name, sub] => make(Some(ns), plural, Some(name), Some(sub)),
        [plural] => make(None, plural, None, None),
        [plural, name] => make(None, plural, Some(name), None),
        [plural, name, sub] => make(None, plural, Some(name), Some(sub)),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plane(name: &str) -> PlaneName {
        PlaneName::parse(name).unwrap()
    }

    fn res(ns: Option<&str>, plural: &str, name: Option<&str>, sub: Option<&str>) -> ApiPath {
        ApiPath::Resource(ResourcePath {
            group: String::new(),
            version: "v1".into(),
            namespace: ns.map(String::from),
            plural: plural.into(),
            name: name.map(String::from),
            subresource: sub.map(String::from),
        })
    }

    #[test]
    fn plane_scope_is_stripped_once() {
        let cases = [
            ("/api/v1/namespaces", PlaneName::root(), res(None, "namespaces", None, None)),
            ("/clusters/a/control-plane/api/v1/namespaces", plane("a"), res(None, "namespaces", None, None)),
            ("/clusters/a/control-plane", plane("a"), ApiPath::Root),
            ("/clusters/a/control-plane/version/", plane("a"), ApiPath::Version),
            ("/clusters/root/control-plane/api", PlaneName::root(), ApiPath::CoreVersions),
            ("/snapshot", PlaneName::root(), ApiPath::Snapshot),
            ("/clusters/team-alpha/control-plane/snapshot", plane("team-alpha"), ApiPath::Snapshot),
            ("/clusters/root/control-plane/snapshot", PlaneName::root(), ApiPath::Snapshot),
            ("/openapi/kplane.yaml", PlaneName::root(), ApiPath::KplaneOpenApi(DocumentForm::Yaml)),
            ("/openapi/kplane.json", PlaneName::root(), ApiPath::KplaneOpenApi(DocumentForm::Json)),
        ];
        for (path, want_plane, want_path) in cases {
            let scoped = parse(path).unwrap();
            assert_eq!((scoped.plane, scoped.path), (want_plane, want_path), "{path}");
        }
    }

    #[test]
    fn resource_paths_follow_the_kubernetes_grammar() {
        let cases = [
            ("/api/v1/namespaces/ns1/configmaps", res(Some("ns1"), "configmaps", None, None)),
            ("/api/v1/namespaces/ns1/configmaps/a", res(Some("ns1"), "configmaps", Some("a"), None)),
            ("/api/v1/namespaces/ns1/pods/p/status", res(Some("ns1"), "pods", Some("p"), Some("status"))),
            ("/api/v1/namespaces/ns1", res(None, "namespaces", Some("ns1"), None)),
            ("/api/v1/namespaces/ns1/finalize", res(None, "namespaces", Some("ns1"), Some("finalize"))),
            ("/api/v1/configmaps", res(None, "configmaps", None, None)),
        ];
        for (path, want) in cases {
            assert_eq!(parse(path).unwrap().path, want, "{path}");
        }
        let apps = parse("/apis/apps/v1/namespaces/x/deployments/d/scale").unwrap().path;
        assert!(matches!(apps, ApiPath::Resource(r) if r.group == "apps" && r.subresource.as_deref() == Some("scale")));
        assert_eq!(
            parse("/openapi/v3/apis/apps/v1").unwrap().path,
            ApiPath::OpenApiDocument { gv_path: "apis/apps/v1".into() }
        );
    }

    #[test]
    fn bad_plane_names_and_path_tricks_are_bad_requests() {
        for path in [
            "/clusters/UPPER/control-plane/api",
            "/clusters/a_b/control-plane/api",
            &format!("/clusters/{}/control-plane/api", "x".repeat(64)),
            "/clusters/../control-plane/api",
            "/clusters/a%2Fb/control-plane/api",
            "/api/v1/namespaces/%2E%2E/configmaps",
            "/api/v1/namespaces/a%2Fb/configmaps",
            "/clusters//control-plane/api",
        ] {
            let err = parse(path).unwrap_err();
            assert_eq!(err.code, 400, "{path}: {err:?}");
        }
    }

    #[test]
    fn unknown_shapes_are_not_found() {
        for path in [
            "/clusters/a",
            "/clusters/a/foo/api",
            "/clusters/a/control-planeZ/api",
            "/nope",
            "/apis/g/v/a/b/c/d",
            "/snapshot/x",
            // kplane's own OpenAPI document is server-wide: served at the root only.
            "/clusters/a/control-plane/openapi/kplane.yaml",
            "/clusters/root/control-plane/openapi/kplane.json",
            "/openapi/kplane.yml",
        ] {
            assert_eq!(parse(path).unwrap_err().code, 404, "{path}");
        }
    }
}
