//! The one integration-test binary (all of `tests/it` compiles into it).
//!
//! Each test starts its own in-process server on port 0 in a temp dir (`common::TestServer`)
//! and talks to it over real HTTPS with kube-rs clients — usually on two planes, to catch
//! isolation bugs. Every wait is bounded by a timeout.
//!
//! - `apply`: server-side apply (kube-rs `Patch::Apply`): managedFields, conflicts, force, `/status`.
//! - `cli`: the built binary under an isolated HOME and KUBECONFIG.
//! - `crd`: CustomResourceDefinitions served per plane, deleted with their objects.
//! - `crud`: create/get/update/patch/delete semantics and server-owned metadata.
//! - `list_watch`: selectors, paging, watch events, bookmarks, expired revisions.
//! - `namespaces`: system namespaces, namespace admission and deletion.
//! - `kplane_openapi`: `openapi/kplane.yaml` matches the Rust types it documents.
//! - `gc`: garbage collection by ownerReferences (background, foreground, orphan).
//! - `isolation`: planes never see each other's objects, lists or watches.
//! - `management`: the management API and the controlplane controller (Ready, kubeconfig
//!   Secrets, per-plane tokens, deletion policies, planes created on first access, restarts).
//! - `fleet`: the Fleet API and the fleet controller (members as owned ControlPlanes, scaling
//!   and deletion per policy, template seeding, TTL, status written only on change, 422s).
//! - `edges`: bad input, auth, discovery, content negotiation, protobuf bodies.
//! - `durability`: restarts, and `kill -9` of the real binary during a write stream.
//! - `provider`: the embedded provider running the real binary in the background.
//! - `snapshot`: `…/snapshot` (one plane at one revision: shape, consistency, filters, auth) and
//!   `/openapi/kplane.{yaml,json}`.

mod common;

mod apply;
mod cli;
mod crd;
mod crud;
mod durability;
mod edges;
mod fleet;
mod gc;
mod isolation;
mod kplane_openapi;
mod list_watch;
mod management;
mod namespaces;
mod provider;
mod snapshot;
