//! Kubernetes semantics over storage: the kind table, keys, CRUD with server metadata,
//! selectors, patches and request-body decoding. The only place that turns storage errors
//! into API errors.

pub mod kind;
pub mod schema;
pub mod error;
pub mod keys;
pub mod meta;
pub mod store;
pub mod validation;
pub mod patch;
pub mod protobuf;
pub mod selector;
pub mod table;
