//! kplane: thousands of real Kubernetes control planes on one machine.
//!
//! # Layout
//!
//! Dependencies point one way (a module may use those to its right, never those to its left):
//!
//! ```text
//! cli ──► server ──► controller ──► registry ──► storage ──► types
//! ```
//!
//! - [`types`]: validated identifiers (`PlaneName`, DNS-1123 rules). Depends on nothing.
//! - [`storage`]: an etcd-shaped revisioned key-value store (`Backend`) and its embedded,
//!   durable implementation. Knows keys, bytes and revisions, nothing of HTTP or kinds.
//! - `registry` (next): Kubernetes semantics over storage — the kind table, keys, CRUD,
//!   selectors, patches, protobuf bodies; translates storage errors into API errors once.
//! - `server` (next): HTTP only — TLS, the plane scope parsed at the edge, authentication,
//!   discovery, OpenAPI, handlers per verb, watch streaming, `Status` rendering.
//! - `cli`: the `kplane` command line; `kplane serve` builds a server config and runs it.

pub mod cli;
pub mod controller;
pub mod registry;
pub mod server;
pub mod storage;
pub mod types;
