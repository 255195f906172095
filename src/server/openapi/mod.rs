//! The `/openapi/v3` documents: the discovery index and one OpenAPI 3.0 document per
//! group-version, generated from the kind table.
//!
//! kubectl depends on them for more than `explain`: before `create`/`apply` with the default
//! `--validate=strict` it looks, in the object's group-version document, for a PATCH operation
//! tagged with the object's group-version-kind that accepts `fieldValidation`; only then does it
//! ask the server to validate fields. So every PATCH operation here carries its kind and that
//! parameter.
//!
//! [`kplane`] holds the other, server-wide document: kplane's own API, written by hand.
//!
//! This module owns the document shape (paths, operations, parameters in [`paths`]; component
//! schemas in [`schemas`]) and the per-process cache of the built-in documents. Serving them
//! over HTTP (and the `?hash=` caching headers) belongs to the handlers.

pub mod kplane;
mod paths;
mod schemas;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::registry::kind::ResourceType;
use crate::types::PlaneName;

/// The Kubernetes release whose API these documents describe (k8s-openapi's `v1_33`).
const API_VERSION: &str = "v1.33.0";

/// Where the index and the per-group-version documents are served.
const OPENAPI_V3_PREFIX: &str = "/openapi/v3";

/// The serialized `/openapi/v3` index and per-group-version documents, with content hashes.
pub struct OpenApiV3 {
    index: Vec<u8>,
    /// Keyed by group-version path (`api/v1`, `apis/apps/v1`).
    documents: BTreeMap<String, Document>,
}

struct Document {
    /// Upper-case hex SHA-256 of `json`, the `?hash=` clients cache by.
    hash: String,
    json: Vec<u8>,
}

impl OpenApiV3 {
    /// The documents of the built-in kinds, built on first use and shared by every plane.
    pub fn builtin() -> &'static OpenApiV3 {
        Self::for_plane(&PlaneName::parse("any").expect("invariant: a valid plane name"))
    }

    /// The documents of `plane`'s compiled-in types: the built-ins, plus the management API on
    /// the root plane (a plane's custom resources: `documents::DocumentCache`).
    pub fn for_plane(plane: &PlaneName) -> &'static OpenApiV3 {
        &super::documents::base(plane).openapi
    }

    /// Builds and serializes the documents of `types` (a plane with CRDs will add its rows).
    pub fn from_types(types: &[Arc<ResourceType>]) -> OpenApiV3 {
        let documents: BTreeMap<String, Document> = build_documents(types)
            .into_iter()
            .map(|(gv_path, doc)| {
                let json = serde_json::to_vec(&doc).expect("invariant: a JSON value serializes");
                (gv_path, Document { hash: sha256_hex(&json), json })
            })
            .collect();
        let index = index_document(documents.iter().map(|(path, doc)| (path.as_str(), doc.hash.as_str())));
        let index = serde_json::to_vec(&index).expect("invariant: a JSON value serializes");
        OpenApiV3 { index, documents }
    }

    /// The `GET /openapi/v3` body: every group-version with its `serverRelativeURL`.
    pub fn index_json(&self) -> &[u8] {
        &self.index
    }

    /// The hash and body of the document of `gv_path` (`api/v1`, `apis/apps/v1`).
    pub fn document(&self, gv_path: &str) -> Option<(&str, &[u8])> {
        self.documents.get(gv_path).map(|d| (d.hash.as_str(), d.json.as_slice()))
    }

    /// The group-version paths served, sorted.
    pub fn gv_paths(&self) -> impl Iterator<Item = &str> {
        self.documents.keys().map(String::as_str)
    }
}

/// `api/v1` for the core group, `apis/<group>/<version>` otherwise: the key kubectl derives
/// from a group-version to find its document in the index.
pub fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() { format!("api/{version}") } else { format!("apis/{group}/{version}") }
}

/// One OpenAPI 3.0 document per group-version of `types`, keyed by [`gv_path`].
pub fn build_documents(types: &[Arc<ResourceType>]) -> BTreeMap<String, Value> {
    let mut by_gv: BTreeMap<String, Vec<&ResourceType>> = BTreeMap::new();
    for t in types {
        by_gv.entry(gv_path(&t.group, &t.version)).or_default().push(t);
    }
    by_gv.into_iter().map(|(path, rows)| (path, group_version_document(&rows))).collect()
}

/// The document of one group-version; `rows` all share that group and version.
fn group_version_document(rows: &[&ResourceType]) -> Value {
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": API_VERSION},
        "paths": paths::paths(rows),
        "components": {"schemas": schemas::components(rows)},
    })
}

/// The index document. URLs start with the `/openapi/v3` prefix because kubectl resolves them
/// relative to the server root it was given (which may itself carry a path prefix).
fn index_document<'a>(documents: impl Iterator<Item = (&'a str, &'a str)>) -> Value {
    let paths: serde_json::Map<String, Value> = documents
        .map(|(path, hash)| {
            let url = format!("{OPENAPI_V3_PREFIX}/{path}?hash={hash}");
            (path.to_string(), json!({"serverRelativeURL": url}))
        })
        .collect();
    json!({"paths": paths})
}

fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    digest.as_ref().iter().fold(String::with_capacity(64), |mut out, b| {
        let _ = write!(out, "{b:02X}");
        out
    })
}
