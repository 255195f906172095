//! kplane: thousands of real Kubernetes control planes on one machine.
//!
//! One binary is both the developer CLI and `kplane serve`, a Kubernetes-compatible API server
//! that hosts any number of virtual control planes (planes), each at
//! `/clusters/<name>/control-plane`, the management plane `root` at `/`.
//!
//! # Layout
//!
//! Dependencies point one way; a module may use those to its right, never those to its left:
//!
//! ```text
//! cli ──► server ──► controller ──► registry ──► storage ──► types
//! cli ──► provider ──► types
//! ```
//!
//! - [`types`]: validated identifiers (`PlaneName`), DNS-1123 name rules, and kplane's own API
//!   types (`controlplane`: ControlPlane, ControlPlaneEndpoint, ControlPlaneClass; `fleet`:
//!   Fleet — shaped as k8s-openapi resources; `snapshot`: the snapshot document, shared by
//!   server and CLI). Depends on nothing else in the crate.
//! - [`storage`]: an etcd-shaped revisioned key-value store (`Backend`: get, range, create,
//!   update, delete, txn, delete-prefix, watch) with one conformance suite, and its embedded,
//!   durable implementation (write-ahead log with group commit, snapshot). Knows keys, bytes
//!   and revisions, nothing of HTTP or Kubernetes kinds.
//! - [`registry`]: Kubernetes semantics over storage. `kind` (the tables of served types,
//!   derived from k8s-openapi; the root plane's adds the management API), `keys` (the only
//!   code that builds storage keys, plane first), `store` (CRUD, list, watch, namespaces,
//!   scale, planes and their admin tokens, a plane's snapshot at one revision, garbage
//!   collection passes), `validation`, `selector`, `patch` (strategic merge), `managed` (field
//!   ownership in `managedFields` and server-side apply), `protobuf`
//!   (request bodies, driven by the generated `schema` table), `table` (server-side printing)
//!   and `error` (`ApiError`, storage errors translated once).
//! - [`controller`]: in-process reconcilers acting only through the registry, on one shared
//!   work queue: the namespace controller; the controlplane controller (ControlPlane → plane,
//!   token, kubeconfig Secret, `Ready`; `Destroy` on deletion); the fleet controller (Fleet →
//!   member ControlPlanes, scaling, seeding, TTL, status); the garbage collector (owner
//!   references, per plane).
//! - [`server`]: HTTP only. TLS and the PKI, the plane scope parsed once at the edge (`scope`),
//!   authentication, content negotiation, discovery, OpenAPI v3 (and kplane's own
//!   `/openapi/kplane.yaml`), the snapshot endpoint, handlers per verb, watch streaming, and
//!   `ApiError` → `Status` rendering. Never imports `cli`.
//! - [`provider`]: where the management plane's `kplane serve` runs (`Provider` trait; the
//!   embedded background process; kind/k3s). Talks to servers only over HTTPS; never imports
//!   `server`.
//! - [`kubeconfig`]: kubectl's loading and writing rules for kubeconfig files (path precedence,
//!   merging, lock + atomic write, unknown fields kept, TLS-verifying entries only) and kube
//!   clients built from those same files; used by `cli`/ops, never by `server`.
//! - [`ops`]: the workflows behind commands (`up`/`down` through a provider; `clusters` and
//!   `fleet`: create, wait by watching, credentials, list, delete through the management API;
//!   `snapshot`: a plane's snapshot through the management context); report progress through
//!   `ops::Reporter`, never print.
//! - [`settings`]: flags + `KPLANE_*` env + config file → resolved settings, precedence in one
//!   place; used by `cli`.
//! - [`cli`]: the command line; thin command files that build a config and call the library.

pub mod cli;
pub mod controller;
pub mod kubeconfig;
pub mod ops;
pub mod provider;
pub mod registry;
pub mod server;
pub mod settings;
pub mod storage;
pub mod types;
