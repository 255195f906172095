//! Watch responses: a 200 whose chunked body is one JSON event per line (the Python client
//! splits on newlines), ended by the watch's timeout or the server's shutdown.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use futures_util::stream;
use serde_json::{Value, json};

use super::AppState;
use super::handlers::{Query, list_options, watch_timeout};
use super::http::{self, Format, Offer, negotiate};
use crate::registry::error::{ApiError, ApiResult};
use crate::registry::store::{Target, WatchEvent, WatchEventType, WatchOptions, Watcher};
use crate::registry::table::{self, IncludeObject};

/// How events are shaped: plain objects, or one-row Tables for `kubectl get -w`.
#[derive(Clone, Copy)]
enum Shape {
    Objects,
    Table(IncludeObject),
}

pub async fn serve(state: &AppState, target: &Target, query: &Query, headers: &HeaderMap) -> ApiResult<Response> {
    let format = negotiate(headers, Offer { table: true, ..Offer::default() })?;
    let shape = match format {
        Format::Table => Shape::Table(IncludeObject::parse(query.get("includeObject")).map_err(ApiError::bad_request)?),
        _ => Shape::Objects,
    };
    let send_initial_events = query.get("sendInitialEvents").map(|raw| raw == "true");
    let options = WatchOptions {
        list: list_options(query)?,
        allow_bookmarks: matches!(query.get("allowWatchBookmarks"), Some("true" | "1")),
        timeout: watch_timeout(query)?,
        bookmark_interval: state.bookmark_interval,
        send_initial_events,
    };
    let watcher = state.registry.watch(target, options).await?;
    let shutdown = state.shutdown.clone();
    let rt = target.rt.clone();
    let events =
        stream::unfold((watcher, shutdown, rt, true), move |(mut watcher, mut shutdown, rt, first)| async move {
            let event = next_or_shutdown(&mut watcher, &mut shutdown).await?;
            let line = encode(&rt, &event, shape, first);
            Some((Ok::<Bytes, std::convert::Infallible>(line), (watcher, shutdown, rt, false)))
        });
    let mut response = Response::new(Body::from_stream(events));
    *response.status_mut() = StatusCode::OK;
    let content_type = if matches!(shape, Shape::Table(_)) { http::TABLE_JSON } else { http::JSON };
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache, private"));
    Ok(response)
}

async fn next_or_shutdown(
    watcher: &mut Watcher,
    shutdown: &mut tokio::sync::watch::Receiver<bool>,
) -> Option<WatchEvent> {
    if *shutdown.borrow() {
        return None;
    }
    tokio::select! {
        event = watcher.next() => event,
        _ = shutdown.changed() => None,
    }
}

fn encode(rt: &crate::registry::kind::ResourceType, event: &WatchEvent, shape: Shape, first: bool) -> Bytes {
    let object = match (shape, event.kind) {
        (Shape::Table(include), WatchEventType::Added | WatchEventType::Modified | WatchEventType::Deleted) => {
            let rv = crate::registry::meta::resource_version(&event.object).unwrap_or_default().to_string();
            table::table(rt, std::slice::from_ref(&event.object), include, &rv, None, jiff::Timestamp::now(), first)
        }
        _ => event.object.clone(),
    };
    let line: Value = json!({"type": event.kind.as_str(), "object": object});
    let mut bytes = serde_json::to_vec(&line).unwrap_or_default();
    bytes.push(b'\n');
    Bytes::from(bytes)
}
