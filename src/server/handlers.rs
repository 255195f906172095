//! Request dispatch: plane scope and authentication at the edge, then one function per
//! kind of path (discovery, OpenAPI, snapshot, resources) and per verb.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use serde_json::Value;

use super::AppState;
use super::discovery;
use super::http::{self, Format, Offer, negotiate, respond};
use super::openapi;
use super::scope::{self, ApiPath, DocumentForm, ResourcePath};
use super::watch;
use crate::registry::error::{ApiError, ApiResult};
use crate::registry::managed;
use crate::registry::selector::{FieldSelector, LabelSelector};
use crate::registry::store::{
    DeleteOptions, ListOptions, PatchType, SnapshotOptions, Subresource, Target, WriteOptions, list_object,
};
use crate::registry::table::{self, IncludeObject};
use crate::registry::validation::{FieldValidation, prepare_body};

/// The one entry point: every request lands here.
pub async fn handle(State(state): State<AppState>, request: Request) -> Response {
    match dispatch(&state, request).await {
        Ok(response) => response,
        Err(err) => err.into_response(),
    }
}

/// Query parameters, percent-decoded. [`Query::get`] reads a repeated key's last value, as
/// upstream does for its single-valued parameters; [`Query::all`] reads every value of the
/// few list-valued ones.
pub(super) struct Query(HashMap<String, Vec<String>>);

impl Query {
    fn parse(raw: Option<&str>) -> Self {
        let mut params: HashMap<String, Vec<String>> = HashMap::new();
        for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()).into_owned() {
            params.entry(key).or_default().push(value);
        }
        Query(params)
    }

    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|values| values.last()).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// Every value of `key`, in order.
    fn all(&self, key: &str) -> impl Iterator<Item = &str> {
        self.0.get(key).into_iter().flatten().map(String::as_str)
    }

    fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "1"))
    }

    /// A boolean parameter spelled as Go's `strconv.ParseBool` accepts it (what upstream's
    /// query decoding uses); absent or empty is false, anything else a 400 naming it.
    fn boolean(&self, key: &str) -> ApiResult<bool> {
        match self.get(key) {
            None | Some("0" | "f" | "F" | "false" | "FALSE" | "False") => Ok(false),
            Some("1" | "t" | "T" | "true" | "TRUE" | "True") => Ok(true),
            Some(other) => Err(ApiError::bad_request(format!("invalid {key} {other:?}: must be true or false"))),
        }
    }
}

async fn dispatch(state: &AppState, request: Request) -> ApiResult<Response> {
    let scoped = scope::parse(request.uri().path())?;
    let query = Query::parse(request.uri().query());
    let public = matches!(scoped.path, ApiPath::Health | ApiPath::Version | ApiPath::KplaneOpenApi(_));
    let identity = state.auth.authenticate(request.headers(), &state.registry).await?;
    if !public {
        super::auth::authorize(&identity, &scoped.plane, request.uri().path())?;
        state.registry.ensure_plane(&scoped.plane).await?;
    }
    let method = request.method().clone();
    if !matches!(scoped.path, ApiPath::Resource(_)) && method != Method::GET && method != Method::HEAD {
        return Err(ApiError::method_not_allowed(format!(
            "the server does not allow this method on {}",
            request.uri().path()
        )));
    }
    let headers = request.headers();
    let plain = Offer::default();
    let discovery_offer = Offer { aggregated_discovery: true, ..Offer::default() };
    let table = state.registry.kinds(&scoped.plane);
    let documents = state.documents.get(&scoped.plane, &table);
    let legacy = &documents.legacy;
    match scoped.path {
        ApiPath::Health => {
            Ok((StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok").into_response())
        }
        ApiPath::Version => Ok(respond(StatusCode::OK, negotiate(headers, plain)?, &discovery::version(), &[])),
        ApiPath::Root => Ok(respond(StatusCode::OK, negotiate(headers, plain)?, &legacy.root, &[])),
        ApiPath::CoreVersions => match negotiate(headers, discovery_offer)? {
            Format::AggregatedDiscovery => Ok(aggregated(headers, &documents.aggregated.0)),
            format => Ok(respond(StatusCode::OK, format, &discovery::core_versions(&state.address), &[])),
        },
        ApiPath::Groups => match negotiate(headers, discovery_offer)? {
            Format::AggregatedDiscovery => Ok(aggregated(headers, &documents.aggregated.1)),
            format => Ok(respond(StatusCode::OK, format, &legacy.groups, &[])),
        },
        ApiPath::Group { group } => {
            let doc = legacy.group.get(&group).ok_or_else(|| ApiError::no_route(request.uri().path()))?;
            Ok(respond(StatusCode::OK, negotiate(headers, plain)?, doc, &[]))
        }
        ApiPath::Resources { group, version } => {
            let doc =
                legacy.resources.get(&(group, version)).ok_or_else(|| ApiError::no_route(request.uri().path()))?;
            Ok(respond(StatusCode::OK, negotiate(headers, plain)?, doc, &[]))
        }
        ApiPath::OpenApiIndex => Ok(raw_json(documents.openapi.index_json().to_vec())),
        ApiPath::OpenApiDocument { gv_path } => {
            let (_, doc) =
                documents.openapi.document(&gv_path).ok_or_else(|| ApiError::no_route(request.uri().path()))?;
            Ok(raw_json(doc.to_vec()))
        }
        ApiPath::OpenApiV2 => Err(ApiError::no_route("/openapi/v2 is not served; use /openapi/v3")),
        ApiPath::KplaneOpenApi(form) => kplane_openapi(form),
        ApiPath::Snapshot => snapshot(state, &scoped.plane, &query, headers).await,
        ApiPath::Resource(path) => resource(state, &identity, scoped.plane, path, query, request).await,
    }
}

/// `/openapi/kplane.yaml` as written, or its JSON form.
fn kplane_openapi(form: DocumentForm) -> ApiResult<Response> {
    let (content_type, body) = match form {
        DocumentForm::Yaml => (http::YAML, openapi::kplane::YAML.as_bytes()),
        DocumentForm::Json => (http::JSON, openapi::kplane::json().map_err(ApiError::internal)?),
    };
    let mut response = Response::new(Body::from(body));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Ok(response)
}

/// `…/snapshot`: every object of the plane at one revision (JSON, or YAML when asked for),
/// with the plane and the time also in headers, so a client can log them unparsed.
async fn snapshot(
    state: &AppState,
    plane: &crate::types::PlaneName,
    query: &Query,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    let format = negotiate(headers, Offer::default())?;
    let options = SnapshotOptions {
        resources: query.all("resource").flat_map(|v| v.split(',')).map(String::from).collect(),
        include_empty: query.boolean("includeEmpty")?,
    };
    // Accepted and checked, nothing more: every snapshot is read from storage at one
    // revision, there is no cache that would need warming first.
    query.boolean("warm")?;
    let snapshot = state.registry.snapshot(plane, &options).await?;
    let mut response = respond(StatusCode::OK, format, &snapshot, &[]);
    let h = response.headers_mut();
    for (name, value) in [("x-snapshot-cluster", &snapshot.cluster), ("x-snapshot-time", &snapshot.snapshot_time)] {
        if let Ok(value) = HeaderValue::from_str(value) {
            h.insert(name, value);
        }
    }
    Ok(response)
}

fn raw_json(body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(http::JSON));
    response
}

/// An aggregated discovery document, with its ETag (and 304 when the client has it).
fn aggregated(headers: &HeaderMap, doc: &discovery::Aggregated) -> Response {
    let etag = HeaderValue::from_str(&doc.etag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
    let not_modified = headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == doc.etag.as_bytes());
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Response::new(Body::from(doc.body.clone()));
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(http::AGGREGATED_DISCOVERY));
        response
    };
    let h = response.headers_mut();
    h.insert(header::ETAG, etag);
    h.insert(header::VARY, HeaderValue::from_static("Accept"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public"));
    response
}

async fn read_body(request: Request) -> ApiResult<(HeaderMap, Bytes)> {
    let (parts, body) = request.into_parts();
    let limited = http_body_util::Limited::new(body, http::MAX_BODY_BYTES);
    let bytes = limited.collect().await.map_err(|err| {
        if err.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
            ApiError::too_large(format!("the request body is larger than the limit of {} bytes", http::MAX_BODY_BYTES))
        } else {
            ApiError::bad_request("the request body could not be read")
        }
    })?;
    Ok((parts.headers, bytes.to_bytes()))
}

async fn resource(
    state: &AppState,
    identity: &super::auth::Identity,
    plane: crate::types::PlaneName,
    path: ResourcePath,
    query: Query,
    request: Request,
) -> ApiResult<Response> {
    let registry = &state.registry;
    let not_found = || ApiError::no_route(request.uri().path());
    let rt = registry.kinds(&plane).lookup(&path.group, &path.version, &path.plural).ok_or_else(not_found)?.clone();
    if path.namespace.is_some() && !rt.namespaced {
        return Err(not_found());
    }
    if rt.create_only {
        if request.method() != Method::POST || path.name.is_some() || path.subresource.is_some() {
            return Err(ApiError::method_not_allowed(format!("{} only supports create", rt.qualified_plural())));
        }
        let format = negotiate(request.headers(), Offer::default())?;
        let (headers, bytes) = read_body(request).await?;
        let body = http::decode_body(&http::content_type(&headers), &bytes, http::proto_message_of(&rt))?;
        let prepared = prepare_body(&rt, body, FieldValidation::parse(query.get("fieldValidation"))?)?;
        let answered = super::auth::review(identity, &rt.kind, prepared.object)?;
        return Ok(respond(StatusCode::CREATED, format, &answered, &prepared.warnings));
    }
    let target = Target { plane, rt: rt.clone(), namespace: path.namespace.clone() };
    if path.subresource.as_deref() == Some("scale") && rt.scale_subresource {
        let name = path.name.ok_or_else(not_found)?;
        return scale(state, &target, &name, &query, request).await;
    }
    let subresource = match path.subresource.as_deref() {
        None => None,
        Some("status") if rt.status_subresource => Some(Subresource::Status),
        Some("finalize") if rt.group.is_empty() && rt.plural == "namespaces" => Some(Subresource::Main),
        Some(_) => return Err(not_found()),
    };
    let method = request.method().clone();
    let options = request_write_options(&query, &request)?;
    // Negotiated before any write, so a client we cannot answer gets 406 with nothing written.
    let write_format = negotiate(request.headers(), Offer::default());
    match (method, path.name) {
        (Method::GET, None) if query.flag("watch") => watch::serve(state, &target, &query, request.headers()).await,
        (Method::GET, None) => list(state, &target, &query, request.headers()).await,
        (Method::GET, Some(name)) => {
            let object = registry.get(&target, &name).await?;
            render_object(request.headers(), &target, &query, object)
        }
        (Method::POST, None) => {
            if rt.namespaced && target.namespace.is_none() {
                return Err(ApiError::method_not_allowed("create a namespaced object under /namespaces/<namespace>/"));
            }
            let format = write_format?;
            let validation = FieldValidation::parse(query.get("fieldValidation"))?;
            let (headers, bytes) = read_body(request).await?;
            let body = http::decode_body(&http::content_type(&headers), &bytes, http::proto_message_of(&rt))?;
            let prepared = prepare_body(&rt, body, validation)?;
            let created = registry.create(&target, prepared.object, &options).await?;
            Ok(respond(StatusCode::CREATED, format, &created, &prepared.warnings))
        }
        (Method::PUT, Some(name)) => {
            let format = write_format?;
            let validation = FieldValidation::parse(query.get("fieldValidation"))?;
            let (headers, bytes) = read_body(request).await?;
            let body = http::decode_body(&http::content_type(&headers), &bytes, http::proto_message_of(&rt))?;
            let prepared = prepare_body(&rt, body, validation)?;
            let sub = subresource.unwrap_or(Subresource::Main);
            let updated = if path.subresource.as_deref() == Some("finalize") {
                registry.finalize_namespace(&target, &name, prepared.object, &options).await?
            } else {
                registry.update(&target, &name, prepared.object, sub, &options).await?
            };
            Ok(respond(StatusCode::OK, format, &updated, &prepared.warnings))
        }
        (Method::PATCH, Some(name)) => {
            if path.subresource.as_deref() == Some("finalize") {
                return Err(ApiError::method_not_allowed("namespaces/finalize only supports update"));
            }
            let format = write_format?;
            let validation = FieldValidation::parse(query.get("fieldValidation"))?;
            let (headers, bytes) = read_body(request).await?;
            let content_type = http::content_type(&headers);
            let patch_type = PatchType::from_content_type(&content_type).ok_or_else(|| {
                ApiError::unsupported_media_type(format!(
                    "the body of the request was in an unknown format ({content_type}) - accepted media types include: {}",
                    crate::registry::store::PATCH_MEDIA_TYPES
                ))
            })?;
            let body_type = if patch_type == PatchType::Apply { http::YAML } else { http::JSON };
            let patch = http::decode_body(body_type, &bytes, None)?;
            let sub = subresource.unwrap_or(Subresource::Main);
            let patched = registry.patch(&target, &name, patch_type, &patch, sub, validation, &options).await?;
            let status = if patched.created { StatusCode::CREATED } else { StatusCode::OK };
            Ok(respond(status, format, &patched.object, &patched.warnings))
        }
        (Method::DELETE, Some(name)) if subresource.is_none() => {
            let format = write_format?;
            let (headers, bytes) = read_body(request).await?;
            let delete = delete_options(&query, &headers, &bytes)?;
            let outcome = registry.delete(&target, &name, &delete).await?;
            Ok(respond(StatusCode::OK, format, &outcome.object, &[]))
        }
        (Method::DELETE, None) => {
            let format = write_format?;
            let (headers, bytes) = read_body(request).await?;
            let delete = delete_options(&query, &headers, &bytes)?;
            let list = list_options(&query)?;
            let deleted = registry.delete_collection(&target, &list, &delete).await?;
            Ok(respond(StatusCode::OK, format, &list_object(&rt, deleted), &[]))
        }
        (method, _) => Err(ApiError::method_not_allowed(format!(
            "the server does not allow this method on the requested resource ({method})"
        ))),
    }
}

/// `<resource>/<name>/scale`: an `autoscaling/v1` Scale view of a workload.
async fn scale(state: &AppState, target: &Target, name: &str, query: &Query, request: Request) -> ApiResult<Response> {
    let registry = &state.registry;
    let options = request_write_options(query, &request)?;
    let method = request.method().clone();
    let format = negotiate(request.headers(), Offer::default())?; // before any write
    let scale = match method {
        Method::GET => registry.get_scale(target, name).await?,
        Method::PUT => {
            let (headers, bytes) = read_body(request).await?;
            let message = Some("k8s.io.api.autoscaling.v1.Scale");
            let body = http::decode_body(&http::content_type(&headers), &bytes, message)?;
            registry.update_scale(target, name, &body, &options).await?
        }
        Method::PATCH => {
            let (headers, bytes) = read_body(request).await?;
            let content_type = http::content_type(&headers);
            let patch_type = PatchType::from_content_type(&content_type)
                .ok_or_else(|| ApiError::unsupported_media_type(format!("unsupported patch type {content_type}")))?;
            let body_type = if patch_type == PatchType::Apply { http::YAML } else { http::JSON };
            let patch = http::decode_body(body_type, &bytes, None)?;
            registry.patch_scale(target, name, patch_type, &patch, &options).await?
        }
        other => return Err(ApiError::method_not_allowed(format!("{other} is not allowed on scale"))),
    };
    Ok(respond(StatusCode::OK, format, &scale, &[]))
}

/// Options of a request that may write; for creates, updates and patches the field manager
/// defaults to the client's user agent — except for an apply, which must name its manager:
/// upstream checks `PatchOptions` before any defaulting, so an apply without `fieldManager` is
/// a 422 whatever the user agent.
fn request_write_options(query: &Query, request: &Request) -> ApiResult<WriteOptions> {
    let kind = match *request.method() {
        Method::POST => "CreateOptions",
        Method::PUT => "UpdateOptions",
        Method::PATCH => "PatchOptions",
        _ => return write_options(query),
    };
    if kind == "PatchOptions"
        && query.get("fieldManager").is_none()
        && PatchType::from_content_type(&http::content_type(request.headers())) == Some(PatchType::Apply)
    {
        return Err(ApiError::invalid_options(kind, "fieldManager", "Required value: is required for apply patch"));
    }
    let user_agent = request.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    let manager = managed::manager_name(query.get("fieldManager"), user_agent, kind)?;
    Ok(WriteOptions { field_manager: Some(manager), force: query.boolean("force")?, ..write_options(query)? })
}

fn write_options(query: &Query) -> ApiResult<WriteOptions> {
    let dry_run = match query.get("dryRun") {
        None => false,
        Some("All") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "unsupported dryRun value {other:?}: the only supported value is All"
            )));
        }
    };
    Ok(WriteOptions { dry_run, ..WriteOptions::default() })
}

pub(super) fn list_options(query: &Query) -> ApiResult<ListOptions> {
    let bad = |e: crate::registry::selector::SelectorError| ApiError::bad_request(e.message().to_string());
    let label_selector = query.get("labelSelector").map(LabelSelector::parse).transpose().map_err(bad)?;
    let field_selector = query.get("fieldSelector").map(FieldSelector::parse).transpose().map_err(bad)?;
    let limit = match query.get("limit") {
        None => None,
        Some(raw) => {
            Some(raw.parse::<i64>().map_err(|_| ApiError::bad_request(format!("invalid limit {raw:?}")))?.max(0)
                as usize)
        }
    };
    Ok(ListOptions {
        label_selector,
        field_selector,
        limit,
        continue_token: query.get("continue").map(String::from),
        resource_version: query.get("resourceVersion").map(String::from),
        resource_version_match: query.get("resourceVersionMatch").map(String::from),
    })
}

fn delete_options(query: &Query, headers: &HeaderMap, body: &[u8]) -> ApiResult<DeleteOptions> {
    let mut options = DeleteOptions {
        dry_run: write_options(query)?.dry_run,
        propagation_policy: query
            .get("propagationPolicy")
            .map(String::from)
            // The deprecated spelling, still sent by old clients.
            .or_else(|| query.flag("orphanDependents").then(|| "Orphan".to_string())),
        ..DeleteOptions::default()
    };
    if !body.is_empty() {
        let message = Some("k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions");
        let body = http::decode_body(&http::content_type(headers), body, message)?;
        if let Some(policy) = body.get("propagationPolicy").and_then(Value::as_str) {
            options.propagation_policy = Some(policy.into());
        } else if body.get("orphanDependents") == Some(&Value::Bool(true)) {
            options.propagation_policy = Some("Orphan".into());
        }
        if body.get("dryRun").and_then(Value::as_array).is_some_and(|d| d.iter().any(|v| v == "All")) {
            options.dry_run = true;
        }
        let preconditions = body.get("preconditions");
        options.precondition_uid = preconditions.and_then(|p| p.get("uid")).and_then(Value::as_str).map(String::from);
        options.precondition_resource_version =
            preconditions.and_then(|p| p.get("resourceVersion")).and_then(Value::as_str).map(String::from);
    }
    match options.propagation_policy.as_deref() {
        None | Some("Background" | "Foreground" | "Orphan") => Ok(options),
        Some(other) => Err(ApiError::bad_request(format!(
            "invalid propagationPolicy {other:?}: must be Background, Foreground or Orphan"
        ))),
    }
}

async fn list(state: &AppState, target: &Target, query: &Query, headers: &HeaderMap) -> ApiResult<Response> {
    if query.get("sendInitialEvents").is_some() {
        return Err(ApiError::invalid_options(
            "ListOptions",
            "sendInitialEvents",
            "Forbidden: sendInitialEvents is forbidden for list",
        ));
    }
    let options = list_options(query)?;
    let list = state.registry.list(target, &options).await?;
    match negotiate(headers, Offer { table: true, ..Offer::default() })? {
        Format::Table => {
            let include = IncludeObject::parse(query.get("includeObject")).map_err(ApiError::bad_request)?;
            let body = table::table(
                &target.rt,
                &list.items,
                include,
                &list.resource_version,
                list.continue_token.as_deref(),
                jiff::Timestamp::now(),
                true,
            );
            Ok(respond(StatusCode::OK, Format::Table, &body, &[]))
        }
        format => Ok(respond(StatusCode::OK, format, &list_object(&target.rt, list), &[])),
    }
}

/// One object, as JSON/YAML or as a one-row Table.
fn render_object(headers: &HeaderMap, target: &Target, query: &Query, object: Value) -> ApiResult<Response> {
    match negotiate(headers, Offer { table: true, ..Offer::default() })? {
        Format::Table => {
            let include = IncludeObject::parse(query.get("includeObject")).map_err(ApiError::bad_request)?;
            let rv = crate::registry::meta::resource_version(&object).unwrap_or_default().to_string();
            let objects = std::slice::from_ref(&object);
            let body = table::table(&target.rt, objects, include, &rv, None, jiff::Timestamp::now(), true);
            Ok(respond(StatusCode::OK, Format::Table, &body, &[]))
        }
        format => Ok(respond(StatusCode::OK, format, &object, &[])),
    }
}

/// Watch deadline from `timeoutSeconds`, if given.
pub(super) fn watch_timeout(query: &Query) -> ApiResult<Option<Duration>> {
    match query.get("timeoutSeconds") {
        None => Ok(None),
        Some(raw) => {
            let secs: i64 =
                raw.parse().map_err(|_| ApiError::bad_request(format!("invalid timeoutSeconds {raw:?}")))?;
            Ok(Some(Duration::from_secs(secs.max(0) as u64)))
        }
    }
}
