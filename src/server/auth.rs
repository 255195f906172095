//! Authentication and authorisation at the edge: bearer tokens, checked in constant time.
//! The server's admin token may do everything on every plane; a plane's admin token (minted
//! by the controlplane controller, `kplane.<plane>.<secret>`) everything on that plane only
//! and gets 403 elsewhere; anonymous requests may only reach the health and version endpoints
//! (upstream's `system:public-info-viewer`) and get 401 elsewhere.

use axum::http::HeaderMap;

use crate::registry::error::ApiError;
use crate::registry::store::{PlaneToken, Registry};
use crate::types::PlaneName;

/// Who a request is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identity {
    /// The server's admin: every plane.
    Admin,
    /// The admin of one plane.
    PlaneAdmin(PlaneName),
    Anonymous,
}

pub struct Authenticator {
    admin_token: String,
}

impl Authenticator {
    pub fn new(admin_token: String) -> Self {
        Authenticator { admin_token }
    }

    /// Identifies the caller. A token that matches nothing is a 401, not anonymous, so a
    /// client with a stale token learns it at once.
    pub async fn authenticate(&self, headers: &HeaderMap, registry: &Registry) -> Result<Identity, ApiError> {
        match self.admin_or_bearer(headers)? {
            Bearer::Known(identity) => Ok(identity),
            Bearer::Plane(token) if registry.plane_token_valid(&token).await? => Ok(Identity::PlaneAdmin(token.plane)),
            Bearer::Plane(token) => {
                tracing::debug!(plane = %token.plane, "a revoked or unknown plane token was refused");
                Err(ApiError::unauthorized())
            }
        }
    }

    /// The part of authentication that needs no storage.
    fn admin_or_bearer(&self, headers: &HeaderMap) -> Result<Bearer, ApiError> {
        let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
            return Ok(Bearer::Known(Identity::Anonymous));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or_else(ApiError::unauthorized)?;
        if same_secret(token, &self.admin_token) {
            return Ok(Bearer::Known(Identity::Admin));
        }
        PlaneToken::parse(token).map(Bearer::Plane).ok_or_else(ApiError::unauthorized)
    }
}

/// A bearer token, before a plane token is checked against its plane's record.
#[derive(Debug, PartialEq)]
enum Bearer {
    Known(Identity),
    Plane(PlaneToken),
}

/// Compares secrets by their SHA-256 digests, so the time taken reveals nothing about how
/// much of a guessed token was right.
fn same_secret(given: &str, expected: &str) -> bool {
    let digest = |s: &str| ring::digest::digest(&ring::digest::SHA256, s.as_bytes());
    digest(given).as_ref() == digest(expected).as_ref()
}

/// May `identity` use the API of `plane`?
pub fn authorize(identity: &Identity, plane: &PlaneName, path: &str) -> Result<(), ApiError> {
    match identity {
        Identity::Admin => Ok(()),
        Identity::PlaneAdmin(own) if own == plane => Ok(()),
        Identity::PlaneAdmin(own) => Err(ApiError::forbidden(format!(
            "the credentials of control plane \"{own}\" cannot be used on control plane \"{plane}\" ({path}); \
             use that plane's own kubeconfig (kplane get-credentials {plane})"
        ))),
        // Anonymous callers get 401 rather than 403 so clients say "you must be logged in".
        Identity::Anonymous => {
            tracing::debug!(%plane, path, "anonymous request refused");
            Err(ApiError::unauthorized())
        }
    }
}

/// The user name and groups of an identity, as upstream's `UserInfo` reports them.
fn user_info(identity: &Identity) -> serde_json::Value {
    match identity {
        Identity::Admin => serde_json::json!({
            "username": "kplane-admin",
            "groups": ["system:masters", "system:authenticated"],
        }),
        Identity::PlaneAdmin(plane) => serde_json::json!({
            "username": format!("kplane-admin:{plane}"),
            "groups": ["system:masters", "system:authenticated"],
        }),
        Identity::Anonymous => serde_json::json!({
            "username": "system:anonymous",
            "groups": ["system:unauthenticated"],
        }),
    }
}

/// Answers a create-only review (`kubectl auth can-i`, `auth can-i --list`, `auth whoami`)
/// for `identity`. Returns the request object with its `status` filled in; nothing is stored.
pub fn review(identity: &Identity, kind: &str, mut object: serde_json::Value) -> Result<serde_json::Value, ApiError> {
    // The admin may do anything on every plane: that is the whole policy until per-plane
    // credentials and RBAC enforcement arrive.
    let admin = *identity != Identity::Anonymous;
    let status = match kind {
        "SelfSubjectReview" => serde_json::json!({"userInfo": user_info(identity)}),
        "SelfSubjectAccessReview" => {
            let reason = if admin { "a kplane admin may do anything" } else { "anonymous callers may do nothing" };
            serde_json::json!({"allowed": admin, "reason": reason})
        }
        "SelfSubjectRulesReview" => {
            let (resource_rules, non_resource_rules) = if admin {
                (
                    serde_json::json!([{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}]),
                    serde_json::json!([{"verbs": ["*"], "nonResourceURLs": ["*"]}]),
                )
            } else {
                (serde_json::json!([]), serde_json::json!([]))
            };
            serde_json::json!({"resourceRules": resource_rules, "nonResourceRules": non_resource_rules, "incomplete": false})
        }
        other => return Err(ApiError::method_not_allowed(format!("{other} cannot be created"))),
    };
    object["status"] = status;
    Ok(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn tokens_are_matched_exactly() {
        let auth = Authenticator::new("secret".into());
        let mut headers = HeaderMap::new();
        assert_eq!(auth.admin_or_bearer(&headers).unwrap(), Bearer::Known(Identity::Anonymous));
        headers.insert("authorization", HeaderValue::from_static("Bearer secret"));
        assert_eq!(auth.admin_or_bearer(&headers).unwrap(), Bearer::Known(Identity::Admin));
        headers.insert("authorization", HeaderValue::from_static("Bearer secre"));
        assert_eq!(auth.admin_or_bearer(&headers).unwrap_err().code, 401);
        headers.insert("authorization", HeaderValue::from_static("Basic abc"));
        assert_eq!(auth.admin_or_bearer(&headers).unwrap_err().code, 401);
        headers.insert("authorization", HeaderValue::from_static("Bearer kplane.demo.abc"));
        assert!(matches!(auth.admin_or_bearer(&headers).unwrap(), Bearer::Plane(t) if t.plane.as_str() == "demo"));
        let root = PlaneName::root();
        assert_eq!(authorize(&Identity::Anonymous, &root, "/api").unwrap_err().code, 401);
    }

    #[test]
    fn a_plane_admin_is_confined_to_its_plane() {
        let demo = PlaneName::parse("demo").unwrap();
        let admin = Identity::PlaneAdmin(demo.clone());
        assert!(authorize(&admin, &demo, "/api").is_ok());
        let other = authorize(&admin, &PlaneName::parse("other").unwrap(), "/api").unwrap_err();
        assert_eq!(other.code, 403);
        assert!(other.message.contains("\"demo\"") && other.message.contains("\"other\""), "{}", other.message);
        assert_eq!(authorize(&admin, &PlaneName::root(), "/api").unwrap_err().code, 403);
    }
}
