//! Content negotiation: decoding request bodies (JSON, YAML, Kubernetes protobuf) and
//! choosing the response form (JSON, YAML, Table, aggregated discovery) from `Accept`.
//! Also the `ApiError` → `Status` response, rendered here and nowhere else.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::registry::error::ApiError;
use crate::registry::kind::ResourceType;
use crate::registry::protobuf;

/// Upstream's limit on request bodies (3 MiB).
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

pub const JSON: &str = "application/json";
pub const YAML: &str = "application/yaml";
pub const PROTOBUF: &str = "application/vnd.kubernetes.protobuf";
pub const TABLE_JSON: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";
pub const AGGREGATED_DISCOVERY: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// One media range of an `Accept` header.
#[derive(Debug, PartialEq, Eq)]
struct MediaRange {
    essence: String,
    params: Vec<(String, String)>,
}

impl MediaRange {
    fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn parse_accept(headers: &HeaderMap) -> Vec<MediaRange> {
    let raw = headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
    raw.split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';').map(str::trim);
            let essence = pieces.next().filter(|e| !e.is_empty())?.to_ascii_lowercase();
            let params = pieces
                .filter_map(|p| p.split_once('='))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().trim_matches('"').to_string()))
                .collect();
            Some(MediaRange { essence, params })
        })
        .collect()
}

/// How to render a response body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
    /// `meta.k8s.io/v1` Table (only offered for get and list of resources).
    Table,
    /// `apidiscovery.k8s.io/v2` (only offered on `/api` and `/apis`).
    AggregatedDiscovery,
}

/// What the response may be, beyond plain JSON.
#[derive(Clone, Copy, Debug, Default)]
pub struct Offer {
    pub table: bool,
    pub aggregated_discovery: bool,
}

/// Picks the first acceptable format, in the client's order (clients list preferences
/// first; no q-values are used by the target clients). JSON is the fallback whenever the
/// client accepts it; a client that accepts nothing we speak gets 406.
pub fn negotiate(headers: &HeaderMap, offer: Offer) -> Result<Format, ApiError> {
    let ranges = parse_accept(headers);
    if ranges.is_empty() {
        return Ok(Format::Json);
    }
    for range in &ranges {
        let as_kind = range.param("as");
        match (range.essence.as_str(), as_kind) {
            ("application/json", Some("Table")) if offer.table && range.param("g") == Some("meta.k8s.io") => {
                return Ok(Format::Table);
            }
            ("application/json", Some("APIGroupDiscoveryList"))
                if offer.aggregated_discovery
                    && range.param("g") == Some("apidiscovery.k8s.io")
                    && range.param("v") == Some("v2") =>
            {
                return Ok(Format::AggregatedDiscovery);
            }
            ("application/json" | "application/*" | "*/*", None) => return Ok(Format::Json),
            ("application/yaml", None) => return Ok(Format::Yaml),
            _ => continue,
        }
    }
    Err(ApiError::not_acceptable(
        "only the following media types are accepted: application/json, application/yaml, \
         application/json;as=Table;v=v1;g=meta.k8s.io",
    ))
}

/// The essence of the request's `Content-Type` (`application/json` when absent).
pub fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| JSON.to_string())
}

/// Decodes a request body into JSON. `proto_message` is the protobuf message the body must
/// carry for a protobuf request (`None`: the endpoint does not take protobuf).
pub fn decode_body(content_type: &str, body: &[u8], proto_message: Option<&str>) -> Result<Value, ApiError> {
    match content_type {
        "application/json" | "*/*" => serde_json::from_slice(body)
            .map_err(|err| ApiError::bad_request(format!("the request body is not valid JSON: {err}"))),
        "application/yaml" | "application/apply-patch+yaml" => serde_norway::from_slice(body)
            .map_err(|err| ApiError::bad_request(format!("the request body is not valid YAML: {err}"))),
        PROTOBUF => {
            let Some(message) = proto_message else {
                return Err(unsupported_body(content_type));
            };
            let envelope = protobuf::decode_envelope(body)
                .map_err(|err| ApiError::bad_request(format!("the protobuf request body is invalid: {err}")))?;
            let mut object = protobuf::decode_message(message, &envelope.raw)
                .map_err(|err| ApiError::bad_request(format!("the protobuf request body is invalid: {err}")))?;
            if let Some(map) = object.as_object_mut() {
                if !envelope.api_version.is_empty() {
                    map.insert("apiVersion".into(), Value::String(envelope.api_version));
                }
                if !envelope.kind.is_empty() {
                    map.insert("kind".into(), Value::String(envelope.kind));
                }
            }
            Ok(object)
        }
        other => Err(unsupported_body(other)),
    }
}

fn unsupported_body(content_type: &str) -> ApiError {
    ApiError::unsupported_media_type(format!(
        "the body of the request was in an unknown format ({content_type}) - accepted media types include: \
         application/json, application/yaml, application/vnd.kubernetes.protobuf"
    ))
}

/// The protobuf message of a built-in kind's objects, when it has one.
pub fn proto_message_of(rt: &ResourceType) -> Option<&'static str> {
    rt.builtin.and_then(|b| b.proto_message)
}

/// A response with a JSON (or YAML) body.
pub fn respond<T: serde::Serialize + ?Sized>(
    status: StatusCode,
    format: Format,
    body: &T,
    warnings: &[String],
) -> Response {
    let (content_type, bytes) = match format {
        Format::Yaml => (YAML, serde_norway::to_string(body).map(String::into_bytes).unwrap_or_default()),
        Format::Table => (TABLE_JSON, serde_json::to_vec(body).unwrap_or_default()),
        Format::AggregatedDiscovery => (AGGREGATED_DISCOVERY, serde_json::to_vec(body).unwrap_or_default()),
        Format::Json => (JSON, serde_json::to_vec(body).unwrap_or_default()),
    };
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    add_warnings(response.headers_mut(), warnings);
    response
}

/// `Warning: 299 - "<text>"` headers, one per warning (client-go prints each).
pub fn add_warnings(headers: &mut HeaderMap, warnings: &[String]) {
    for warning in warnings {
        let escaped = warning.replace('\\', "\\\\").replace('"', "\\\"");
        if let Ok(value) = HeaderValue::from_str(&format!("299 - \"{escaped}\"")) {
            headers.append(header::WARNING, value);
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if code.is_server_error() {
            tracing::warn!(code = self.code, reason = self.reason, message = %self.message, "request failed");
        }
        let mut response = respond(code, Format::Json, &self.to_status(), &[]);
        if self.code == 401 {
            // Tell clients which scheme to use (kubectl does not prompt for a password then).
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn kubectl_get_negotiates_a_table() {
        let headers = accept(
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
        );
        assert_eq!(negotiate(&headers, Offer { table: true, ..Offer::default() }).unwrap(), Format::Table);
        assert_eq!(negotiate(&headers, Offer::default()).unwrap(), Format::Json);
    }

    #[test]
    fn discovery_negotiates_aggregated_v2_only_when_offered() {
        let headers = accept(
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json",
        );
        let offer = Offer { aggregated_discovery: true, ..Offer::default() };
        assert_eq!(negotiate(&headers, offer).unwrap(), Format::AggregatedDiscovery);
        assert_eq!(negotiate(&headers, Offer::default()).unwrap(), Format::Json);
        let beta_only =
            accept("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json");
        assert_eq!(negotiate(&beta_only, offer).unwrap(), Format::Json);
    }

    #[test]
    fn protobuf_only_clients_get_406_and_mixed_ones_json() {
        assert_eq!(negotiate(&accept(PROTOBUF), Offer::default()).unwrap_err().code, 406);
        let mixed = accept("application/vnd.kubernetes.protobuf, application/json");
        assert_eq!(negotiate(&mixed, Offer::default()).unwrap(), Format::Json);
        assert_eq!(negotiate(&HeaderMap::new(), Offer::default()).unwrap(), Format::Json);
        assert_eq!(negotiate(&accept("*/*"), Offer::default()).unwrap(), Format::Json);
    }

    #[test]
    fn bodies_decode_by_content_type() {
        assert_eq!(decode_body(JSON, br#"{"a":1}"#, None).unwrap()["a"], 1);
        assert_eq!(decode_body(YAML, b"a: 1\n", None).unwrap()["a"], 1);
        assert_eq!(decode_body(JSON, b"{nope", None).unwrap_err().code, 400);
        assert_eq!(decode_body("text/plain", b"x", None).unwrap_err().code, 415);
        assert_eq!(decode_body(PROTOBUF, b"k8s\0", None).unwrap_err().code, 415);
        assert_eq!(decode_body(PROTOBUF, b"garbage", Some("k8s.io.api.core.v1.ConfigMap")).unwrap_err().code, 400);
    }
}
