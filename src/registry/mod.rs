//! Kubernetes semantics over storage: the kind table, keys, CRUD with server metadata,
//! selectors, patches and request-body decoding. The only place that turns storage errors
//! into API errors.

pub mod cel;
pub mod error;
pub mod keys;
pub mod kind;
pub mod managed;
pub mod meta;
pub mod patch;
pub mod protobuf;
pub mod schema;
pub mod selector;
pub mod store;
pub mod structural;
pub mod table;
pub mod validation;
