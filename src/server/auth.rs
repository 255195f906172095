//! Authentication and authorisation at the edge: bearer tokens, checked in constant time.
//! The admin token may do everything on every plane; anonymous requests may only reach the
//! health and version endpoints (upstream's `system:public-info-viewer`) and get 401 elsewhere.

use axum::http::HeaderMap;

use crate::registry::error::ApiError;
use crate::types::PlaneName;

/// Who a request is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identity {
    /// The server's admin: every plane.
    Admin,
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
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<Identity, ApiError> {
        let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
            return Ok(Identity::Anonymous);
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or_else(ApiError::unauthorized)?;
        if same_secret(token, &self.admin_token) {
            return Ok(Identity::Admin);
        }
        Err(ApiError::unauthorized())
    }
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
    let admin = *identity == Identity::Admin;
    let status = match kind {
        "SelfSubjectReview" => serde_json::json!({"userInfo": user_info(identity)}),
        "SelfSubjectAccessReview" => {
            let reason = if admin { "the kplane admin may do anything" } else { "anonymous callers may do nothing" };
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
        assert_eq!(auth.authenticate(&headers).unwrap(), Identity::Anonymous);
        headers.insert("authorization", HeaderValue::from_static("Bearer secret"));
        assert_eq!(auth.authenticate(&headers).unwrap(), Identity::Admin);
        headers.insert("authorization", HeaderValue::from_static("Bearer secre"));
        assert_eq!(auth.authenticate(&headers).unwrap_err().code, 401);
        headers.insert("authorization", HeaderValue::from_static("Basic abc"));
        assert_eq!(auth.authenticate(&headers).unwrap_err().code, 401);
        let root = PlaneName::root();
        assert_eq!(authorize(&Identity::Anonymous, &root, "/api").unwrap_err().code, 401);
    }
}
