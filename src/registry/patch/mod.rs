//! Patch application for PATCH requests: the body formats a client may send and how each one
//! turns the stored object into the new one.
//!
//! JSON patch (RFC 6902) and JSON merge patch (RFC 7386) need no knowledge of the kind (the
//! `json-patch` crate implements both); strategic merge patch needs the patch metadata of
//! built-in kinds and lives in [`strategic`].

pub mod strategic;
