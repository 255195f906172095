//! Planes themselves: the record that says a plane exists, creation (with its system
//! namespaces, and on first access its `ControlPlane`), deletion of all its data, and the
//! per-plane admin tokens kept in the record.
//!
//! A plane created by its first request gets a `ControlPlane` in the root plane in the same
//! transaction, so `kubectl get controlplanes` and `kplane get clusters` list every plane and
//! `kplane delete cluster` can remove it; the controlplane controller then mints its
//! credentials like for any other.

use serde_json::{Value, json};

use super::{Registry, decode, namespace, to_bytes};
use crate::registry::error::{ApiError, ApiResult, from_storage};
use crate::registry::keys;
use crate::registry::kind::KindTable;
use crate::registry::meta;
use crate::storage::TxnOp;
use crate::types::PlaneName;
use crate::types::controlplane::{self, ControlPlane};

/// How often an update of a plane record is retried when it races another.
const RECORD_UPDATE_ATTEMPTS: usize = 8;

/// A per-plane admin token: `kplane.<plane>.<secret>`. The plane is readable so a request
/// with another plane's token gets a clear 403; only the SHA-256 of the whole token is
/// stored, in the plane's record.
#[derive(Clone, PartialEq, Eq)]
pub struct PlaneToken {
    pub plane: PlaneName,
    token: String,
}

impl std::fmt::Debug for PlaneToken {
    // Never print the secret (errors and logs may show a token).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PlaneToken({}, <redacted>)", self.plane)
    }
}

impl PlaneToken {
    const PREFIX: &'static str = "kplane.";

    /// Reads a bearer token as a plane token; `None` when it is not shaped like one.
    pub fn parse(token: &str) -> Option<PlaneToken> {
        let (plane, secret) = token.strip_prefix(Self::PREFIX)?.split_once('.')?;
        let plane = PlaneName::parse(plane).ok()?;
        (!secret.is_empty()).then(|| PlaneToken { plane, token: token.to_string() })
    }

    fn mint(plane: &PlaneName) -> PlaneToken {
        use base64::Engine;
        let secret: [u8; 32] = rand::random();
        let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
        PlaneToken { plane: plane.clone(), token: format!("{}{plane}.{secret}", Self::PREFIX) }
    }

    pub fn as_str(&self) -> &str {
        &self.token
    }

    fn digest(&self) -> String {
        let digest = ring::digest::digest(&ring::digest::SHA256, self.token.as_bytes());
        digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl Registry {
    /// Makes sure `plane` exists, creating it when allowed (the root plane always is).
    pub async fn ensure_plane(&self, plane: &PlaneName) -> ApiResult<()> {
        if self.plane_exists(plane).await? {
            return Ok(());
        }
        if !self.auto_create_planes && !plane.is_root() {
            return Err(plane_not_found(plane));
        }
        let adopt = !plane.is_root();
        self.create_plane_inner(plane, adopt).await.map(|_| ())
    }

    pub async fn plane_exists(&self, plane: &PlaneName) -> ApiResult<bool> {
        Ok(self.plane_record(plane).await?.is_some())
    }

    /// Creates a plane with its system namespaces in one transaction. Returns false if it
    /// already existed (a concurrent first request may have created it).
    pub async fn create_plane(&self, plane: &PlaneName) -> ApiResult<bool> {
        self.create_plane_inner(plane, false).await
    }

    /// `adopt`: also create a `ControlPlane` naming the plane, unless one with its name exists.
    async fn create_plane_inner(&self, plane: &PlaneName, adopt: bool) -> ApiResult<bool> {
        let now = meta::now_rfc3339();
        let record = json!({"name": plane.as_str(), "uid": meta::new_uid(), "creationTimestamp": now});
        let mut ops = vec![TxnOp::Create { key: keys::plane_record(plane), value: to_bytes(&record) }];
        let namespaces = self.namespaces_type();
        for name in super::SYSTEM_NAMESPACES {
            let object = namespace::new_namespace(name, &now);
            let key = keys::object_key(plane, namespaces, None, name);
            ops.push(TxnOp::Create { key, value: to_bytes(&object) });
        }
        if adopt {
            let rt = control_planes();
            let key = keys::object_key(&PlaneName::root(), rt, None, plane.as_str());
            let exists = self.backend.get(&key).await.map_err(|e| from_storage(e, rt, plane.as_str()))?.is_some();
            if !exists {
                ops.push(TxnOp::Create { key, value: to_bytes(&adopted_control_plane(plane, &now)) });
            }
        }
        match self.backend.txn(ops).await {
            Ok(_) => Ok(true),
            // The plane appeared meanwhile, or a ControlPlane with its name did: retry the
            // plain creation, which tells the two apart.
            Err(crate::storage::Error::KeyExists { .. }) if adopt => {
                Box::pin(self.create_plane_inner(plane, false)).await
            }
            Err(crate::storage::Error::KeyExists { .. }) => Ok(false),
            Err(err) => Err(from_storage(err, namespaces, plane.as_str())),
        }
    }

    /// Removes every object of a plane and the plane itself, at one revision.
    pub async fn delete_plane(&self, plane: &PlaneName) -> ApiResult<usize> {
        self.forget_custom_resources(plane);
        let deleted = self.backend.delete_prefix(&keys::plane_prefix(plane)).await;
        deleted.map_err(|e| from_storage(e, self.namespaces_type(), plane.as_str()))
    }

    async fn plane_record(&self, plane: &PlaneName) -> ApiResult<Option<crate::storage::KeyValue>> {
        let record = self.backend.get(&keys::plane_record(plane)).await;
        record.map_err(|e| from_storage(e, self.namespaces_type(), plane.as_str()))
    }

    /// Mints a new admin token for `plane`, replacing any earlier one (which stops working).
    /// The plane must exist.
    pub async fn issue_plane_token(&self, plane: &PlaneName) -> ApiResult<PlaneToken> {
        let token = PlaneToken::mint(plane);
        if !self.set_token_digests(plane, vec![token.digest()]).await? {
            return Err(plane_not_found(plane));
        }
        Ok(token)
    }

    /// Makes every admin token of `plane` stop working (a plane kept after its ControlPlane
    /// is deleted keeps its data, not its credentials). A missing plane has none.
    pub async fn revoke_plane_tokens(&self, plane: &PlaneName) -> ApiResult<()> {
        self.set_token_digests(plane, vec![]).await.map(|_| ())
    }

    /// Replaces the token digests in the plane's record; false if the plane does not exist.
    async fn set_token_digests(&self, plane: &PlaneName, digests: Vec<String>) -> ApiResult<bool> {
        for _ in 0..RECORD_UPDATE_ATTEMPTS {
            let Some(kv) = self.plane_record(plane).await? else {
                return Ok(false);
            };
            let mut record = decode(&kv)?;
            meta::remove_meta(&mut record, "resourceVersion");
            record["tokenDigests"] = json!(digests);
            match self.backend.update(&keys::plane_record(plane), to_bytes(&record), kv.mod_revision).await {
                Ok(_) => return Ok(true),
                Err(crate::storage::Error::Conflict { .. }) => continue,
                Err(err) => return Err(from_storage(err, self.namespaces_type(), plane.as_str())),
            }
        }
        Err(ApiError::internal("the plane record kept changing while its tokens were replaced"))
    }

    /// Whether `token` is the current admin token of its plane.
    pub async fn plane_token_valid(&self, token: &PlaneToken) -> ApiResult<bool> {
        let Some(kv) = self.plane_record(&token.plane).await? else {
            return Ok(false);
        };
        let record: Value = decode(&kv)?;
        let digest = token.digest();
        let digests = record["tokenDigests"].as_array().map(Vec::as_slice).unwrap_or_default();
        Ok(digests.iter().any(|d| d.as_str() == Some(digest.as_str())))
    }
}

/// The 404 for a plane that does not exist.
pub(super) fn plane_not_found(plane: &PlaneName) -> ApiError {
    ApiError::no_route(&format!("the control plane \"{plane}\" does not exist"))
}

fn control_planes() -> &'static std::sync::Arc<crate::registry::kind::ResourceType> {
    KindTable::management()
        .lookup(controlplane::GROUP, controlplane::VERSION, "controlplanes")
        .expect("invariant: controlplanes is a management type")
}

/// The `ControlPlane` of a plane created by its first request: destroyed with its data when
/// deleted, like one made by `kplane create cluster`.
fn adopted_control_plane(plane: &PlaneName, now: &str) -> Value {
    let mut cp = ControlPlane::named(plane.as_str());
    cp.spec.deletion_policy = Some("Destroy".into());
    let mut value = serde_json::to_value(&cp).unwrap_or_default();
    value["metadata"] = json!({
        "name": plane.as_str(),
        "uid": meta::new_uid(),
        "creationTimestamp": now,
        "generation": 1,
        "annotations": {controlplane::CREATED_ON_FIRST_ACCESS: "true"},
    });
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plane_tokens_name_their_plane() {
        let plane = PlaneName::parse("demo").unwrap();
        let token = PlaneToken::mint(&plane);
        assert!(token.as_str().starts_with("kplane.demo."));
        assert_eq!(PlaneToken::parse(token.as_str()), Some(token.clone()));
        assert_ne!(PlaneToken::mint(&plane).digest(), token.digest());
        for not_one in ["admin-token", "kplane.demo.", "kplane.Bad_Name.x", "kplane.demo"] {
            assert_eq!(PlaneToken::parse(not_one), None, "{not_one}");
        }
    }
}
