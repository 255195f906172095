//! `ApiError`: every failure a request can meet, shaped like a Kubernetes `Status`.
//!
//! Storage errors are translated here, once, per verb (the apiserver's
//! `storage/errors/storage.go`); `server::status` renders an `ApiError` on the wire.

use serde_json::{Value, json};

use super::kind::ResourceType;
use crate::storage;

/// One entry of `Status.details.causes`.
#[derive(Clone, Debug, PartialEq)]
pub struct Cause {
    pub reason: String,
    pub message: String,
    pub field: String,
}

/// `Status.details`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Details {
    pub name: String,
    pub group: String,
    pub kind: String,
    pub causes: Vec<Cause>,
}

/// A Kubernetes API error: HTTP code, `reason`, message and details.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    /// Boxed: errors travel through every `Result` in the request path; keep them small.
    pub details: Option<Box<Details>>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError { code, reason, message: message.into(), details: None }
    }

    fn with_details(mut self, details: Details) -> Self {
        self.details = Some(Box::new(details));
        self
    }

    fn resource_details(rt: &ResourceType, name: &str) -> Details {
        Details { name: name.into(), group: rt.group.to_string(), kind: rt.plural.to_string(), causes: vec![] }
    }

    pub fn not_found(rt: &ResourceType, name: &str) -> Self {
        let message = format!("{} \"{name}\" not found", rt.qualified_plural());
        Self::new(404, "NotFound", message).with_details(Self::resource_details(rt, name))
    }

    /// 404 for a namespace that does not exist, as the lifecycle admission reports it.
    pub fn namespace_not_found(namespace: &str) -> Self {
        let details = Details { name: namespace.into(), kind: "namespaces".into(), ..Details::default() };
        Self::new(404, "NotFound", format!("namespaces \"{namespace}\" not found")).with_details(details)
    }

    pub fn already_exists(rt: &ResourceType, name: &str) -> Self {
        let message = format!("{} \"{name}\" already exists", rt.qualified_plural());
        Self::new(409, "AlreadyExists", message).with_details(Self::resource_details(rt, name))
    }

    pub fn conflict(rt: &ResourceType, name: &str, detail: &str) -> Self {
        let message = format!("Operation cannot be fulfilled on {} \"{name}\": {detail}", rt.qualified_plural());
        Self::new(409, "Conflict", message).with_details(Self::resource_details(rt, name))
    }

    /// 409 for a server-side apply that would change fields other managers own
    /// (`FieldManagerConflict` causes; kubectl prints them and suggests `--force-conflicts`).
    pub fn apply_conflict(message: String, causes: Vec<Cause>) -> Self {
        Self::new(409, "Conflict", message).with_details(Details { causes, ..Details::default() })
    }

    /// The optimistic-concurrency conflict every client knows how to retry.
    pub fn modified(rt: &ResourceType, name: &str) -> Self {
        Self::conflict(
            rt,
            name,
            "the object has been modified; please apply your changes to the latest version and try again",
        )
    }

    /// 422 with one cause per invalid field.
    pub fn invalid(rt: &ResourceType, name: &str, causes: Vec<Cause>) -> Self {
        let summary: Vec<String> = causes
            .iter()
            .map(|c| if c.field.is_empty() { c.message.clone() } else { format!("{}: {}", c.field, c.message) })
            .collect();
        let summary = match summary.len() {
            1 => summary[0].clone(),
            _ => format!("[{}]", summary.join(", ")),
        };
        let message = format!("{} \"{name}\" is invalid: {summary}", rt.qualified_kind());
        let details = Details { name: name.into(), group: rt.group.to_string(), kind: rt.kind.to_string(), causes };
        Self::new(422, "Invalid", message).with_details(details)
    }

    /// 422 about request options rather than an object (`ListOptions.meta.k8s.io "" is invalid`).
    pub fn invalid_options(kind: &str, field: &str, message: &str) -> Self {
        let cause = Cause { reason: "FieldValueInvalid".into(), message: message.into(), field: field.into() };
        let details =
            Details { group: "meta.k8s.io".into(), kind: kind.into(), causes: vec![cause], ..Details::default() };
        Self::new(422, "Invalid", format!("{kind}.meta.k8s.io \"\" is invalid: {field}: {message}"))
            .with_details(details)
    }

    /// 422 without field causes (a patch that cannot be applied).
    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(422, "Invalid", message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized", "Unauthorized")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, "Forbidden", message)
    }

    /// 403 for creating content in a namespace that is being deleted.
    pub fn namespace_terminating(rt: &ResourceType, name: &str, namespace: &str) -> Self {
        let message = format!(
            "{} \"{name}\" is forbidden: unable to create new content in namespace {namespace} because it is being terminated",
            rt.qualified_plural()
        );
        let cause = Cause {
            reason: "NamespaceTerminating".into(),
            message: format!("namespace {namespace} is being terminated"),
            field: "metadata.namespace".into(),
        };
        let mut details = Self::resource_details(rt, name);
        details.causes.push(cause);
        Self::new(403, "Forbidden", message).with_details(details)
    }

    /// 404 for a URL that names no resource (upstream answers a bare 404 `NotFound`).
    pub fn no_route(path: &str) -> Self {
        Self::new(404, "NotFound", format!("the server could not find the requested resource ({path})"))
    }

    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(405, "MethodNotAllowed", message)
    }

    pub fn not_acceptable(message: impl Into<String>) -> Self {
        Self::new(406, "NotAcceptable", message)
    }

    /// 410 for a watch or continue token whose revision is no longer retained.
    pub fn expired(message: impl Into<String>) -> Self {
        Self::new(410, "Expired", message)
    }

    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(413, "RequestEntityTooLarge", message)
    }

    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(415, "UnsupportedMediaType", message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "InternalError", message)
    }

    pub fn not_implemented(message: impl Into<String>) -> Self {
        Self::new(501, "NotImplemented", message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(503, "ServiceUnavailable", message)
    }

    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(504, "Timeout", message)
    }

    /// The `Status` object for this error.
    pub fn to_status(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(d) = &self.details {
            let mut details = serde_json::Map::new();
            for (key, value) in [("name", &d.name), ("group", &d.group), ("kind", &d.kind)] {
                if !value.is_empty() {
                    details.insert(key.into(), Value::String(value.clone()));
                }
            }
            if !d.causes.is_empty() {
                let causes = d
                    .causes
                    .iter()
                    .map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field}))
                    .collect();
                details.insert("causes".into(), Value::Array(causes));
            }
            status["details"] = Value::Object(details);
        }
        status
    }
}

impl Cause {
    pub fn required(field: &str, message: &str) -> Self {
        Cause {
            reason: "FieldValueRequired".into(),
            message: if message.is_empty() { "Required value".into() } else { format!("Required value: {message}") },
            field: field.into(),
        }
    }

    pub fn invalid(field: &str, value: &str, message: &str) -> Self {
        Cause {
            reason: "FieldValueInvalid".into(),
            message: format!("Invalid value: \"{value}\": {message}"),
            field: field.into(),
        }
    }

    pub fn forbidden(field: &str, message: &str) -> Self {
        Cause { reason: "FieldValueForbidden".into(), message: format!("Forbidden: {message}"), field: field.into() }
    }

    /// `Invalid value` for a JSON value, printed as upstream prints Go values.
    pub fn invalid_value(field: &str, value: &serde_json::Value, message: &str) -> Self {
        Cause {
            reason: "FieldValueInvalid".into(),
            message: format!("Invalid value: {}: {message}", go_value(value)),
            field: field.into(),
        }
    }

    /// A value of the wrong type; upstream names the type it found as the value.
    pub fn type_invalid(field: &str, found: &str, message: &str) -> Self {
        Cause {
            reason: "FieldValueTypeInvalid".into(),
            message: format!("Invalid value: \"{found}\": {message}"),
            field: field.into(),
        }
    }

    /// A value outside a closed set (`enum`); each allowed value quoted, as upstream lists them.
    pub fn not_supported(field: &str, value: &serde_json::Value, allowed: &[String]) -> Self {
        let allowed: Vec<String> = allowed.iter().map(|a| format!("\"{a}\"")).collect();
        Cause {
            reason: "FieldValueNotSupported".into(),
            message: format!("Unsupported value: {}: supported values: {}", go_value(value), allowed.join(", ")),
            field: field.into(),
        }
    }

    /// A string longer than `max` (upstream counts and words it in bytes).
    pub fn too_long(field: &str, max: u64) -> Self {
        let unit = if max == 1 { "byte" } else { "bytes" };
        Cause {
            reason: "FieldValueTooLong".into(),
            message: format!("Too long: may not be more than {max} {unit}"),
            field: field.into(),
        }
    }

    /// A list (or, as upstream words it too, a map) with more than `max` entries.
    pub fn too_many(field: &str, actual: u64, max: u64) -> Self {
        let unit = if max == 1 { "item" } else { "items" };
        Cause {
            reason: "FieldValueTooMany".into(),
            message: format!("Too many: {actual}: must have at most {max} {unit}"),
            field: field.into(),
        }
    }

    pub fn duplicate(field: &str, value: &serde_json::Value) -> Self {
        Cause {
            reason: "FieldValueDuplicate".into(),
            message: format!("Duplicate value: {}", go_value(value)),
            field: field.into(),
        }
    }
}

/// A value as upstream's field errors print it: strings quoted, numbers, booleans and null
/// bare, anything else as JSON (which is what JSON text gives for each).
fn go_value(value: &serde_json::Value) -> String {
    value.to_string()
}

/// Translates a storage failure for a request on `rt`/`name`. Internal causes are logged,
/// never sent to the client.
pub fn from_storage(err: storage::Error, rt: &ResourceType, name: &str) -> ApiError {
    match err {
        storage::Error::NotFound { .. } => ApiError::not_found(rt, name),
        storage::Error::KeyExists { .. } => ApiError::already_exists(rt, name),
        storage::Error::Conflict { .. } => ApiError::modified(rt, name),
        storage::Error::Compacted { requested, compacted } => {
            ApiError::expired(format!("too old resource version: {requested} ({compacted})"))
        }
        storage::Error::FutureRevision { requested, current } => {
            ApiError::timeout(format!("Too large resource version: {requested}, current resource version: {current}"))
        }
        storage::Error::Unavailable(source) => {
            tracing::error!(error = %source, "storage unavailable");
            ApiError::unavailable("storage is unavailable; retry later")
        }
        storage::Error::Internal(source) => {
            tracing::error!(error = %source, "storage failed");
            ApiError::internal("an internal storage error occurred")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::kind::KindTable;

    #[test]
    fn not_found_names_the_resource_like_upstream() {
        let rt = KindTable::builtin().lookup("apps", "v1", "deployments").unwrap();
        let status = ApiError::not_found(rt, "web").to_status();
        assert_eq!(status["message"], "deployments.apps \"web\" not found");
        assert_eq!(status["reason"], "NotFound");
        assert_eq!(status["code"], 404);
        assert_eq!(status["details"], json!({"name": "web", "group": "apps", "kind": "deployments"}));
    }

    #[test]
    fn invalid_lists_causes_and_uses_the_kind() {
        let rt = KindTable::builtin().lookup("", "v1", "configmaps").unwrap();
        let err =
            ApiError::invalid(rt, "x", vec![Cause::required("metadata.name", "name or generateName is required")]);
        assert_eq!(err.code, 422);
        assert_eq!(
            err.message,
            "ConfigMap \"x\" is invalid: metadata.name: Required value: name or generateName is required"
        );
        assert_eq!(err.to_status()["details"]["kind"], "ConfigMap");
    }
}
