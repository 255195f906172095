//! Kubernetes semantics over storage: the kind table, keys, CRUD with server metadata,
//! selectors, patches and request-body decoding. The only place that turns storage errors
//! into API errors.

pub mod kind;
pub mod schema;
