//! LIST: selectors, paging with opaque `continue` tokens, `resourceVersion` semantics.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};

use super::{Registry, Target, decode_as};
use crate::registry::error::{ApiError, ApiResult, from_storage};
use crate::registry::keys;
use crate::registry::kind::ResourceType;
use crate::registry::meta;
use crate::registry::selector::{FieldSelector, LabelSelector, json_path_string};
use crate::storage::RangeOptions;

/// Options of a LIST (and the filtering part of a WATCH).
#[derive(Clone, Debug, Default)]
pub struct ListOptions {
    pub label_selector: Option<LabelSelector>,
    pub field_selector: Option<FieldSelector>,
    pub limit: Option<usize>,
    pub continue_token: Option<String>,
    pub resource_version: Option<String>,
    pub resource_version_match: Option<String>,
}

/// One page of a list, consistent at `resource_version`.
#[derive(Debug)]
pub struct ObjectList {
    pub items: Vec<Value>,
    pub resource_version: String,
    pub continue_token: Option<String>,
    pub remaining_item_count: Option<usize>,
}

/// What a `continue` token carries: where the previous page stopped.
#[derive(serde::Serialize, serde::Deserialize)]
struct ContinueToken {
    v: String,
    rv: i64,
    /// The last returned key, relative to the collection prefix (so a token cannot reach
    /// outside the collection it was issued for).
    start: String,
}

impl Registry {
    pub async fn list(&self, target: &Target, options: &ListOptions) -> ApiResult<ObjectList> {
        let rt = &target.rt;
        let filter = Filter::new(rt, options)?;
        let current = self.backend.current_revision();
        check_list_resource_version(options, current)?;
        let prefix = keys::collection_prefix(&target.plane, rt, target.namespace.as_deref());
        let mut start_after = match &options.continue_token {
            Some(token) => Some(format!("{prefix}{}", decode_continue(token)?.start)),
            None => None,
        };
        let limit = options.limit.filter(|l| *l > 0);
        let mut items = Vec::new();
        let mut revision = None;
        loop {
            let wanted = limit.map(|l| l - items.len());
            let range = RangeOptions { start_after: start_after.clone(), limit: wanted };
            let page = self.backend.range(&prefix, range).await.map_err(|e| from_storage(e, rt, ""))?;
            revision.get_or_insert(page.revision);
            let exhausted = page.remaining == 0;
            for kv in &page.kvs {
                let object = decode_as(&target.rt, kv)?;
                if filter.matches(&object) {
                    items.push(object);
                }
                start_after = Some(kv.key.to_string());
            }
            let full = limit.is_some_and(|l| items.len() >= l);
            if exhausted || page.kvs.is_empty() {
                return Ok(finish(items, revision.unwrap_or(current), None, None));
            }
            if full {
                let last = start_after.unwrap_or_default();
                let token = encode_continue(revision.unwrap_or(current), &last[prefix.len()..]);
                let remaining = filter.is_empty().then_some(page.remaining);
                return Ok(finish(items, revision.unwrap_or(current), Some(token), remaining));
            }
        }
    }
}

fn finish(items: Vec<Value>, revision: i64, continue_token: Option<String>, remaining: Option<usize>) -> ObjectList {
    ObjectList { items, resource_version: revision.to_string(), continue_token, remaining_item_count: remaining }
}

/// The `resourceVersion`/`resourceVersionMatch` rules of a list. Every list is served from
/// the current state, which satisfies "unset", "0" and "not older than N ≤ current".
fn check_list_resource_version(options: &ListOptions, current: i64) -> ApiResult<()> {
    let rv = options.resource_version.as_deref().filter(|rv| !rv.is_empty());
    let invalid = |message: &str| ApiError::invalid_options("ListOptions", "resourceVersionMatch", message);
    let requested = match rv {
        None => None,
        Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
            ApiError::bad_request(format!("invalid resource version \"{raw}\": must be a decimal integer"))
        })?),
    };
    match options.resource_version_match.as_deref().filter(|m| !m.is_empty()) {
        None => {}
        Some(_) if rv.is_none() => {
            return Err(invalid("Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided"));
        }
        Some(_) if options.continue_token.is_some() => {
            return Err(invalid("Forbidden: resourceVersionMatch is forbidden when continue is provided"));
        }
        Some("NotOlderThan") => {}
        Some("Exact") if requested == Some(0) => {
            return Err(invalid("Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
        }
        Some("Exact") => {
            let requested = requested.unwrap_or_default();
            if requested < current {
                return Err(ApiError::expired(format!("too old resource version: {requested} ({current})")));
            }
        }
        Some(other) => {
            return Err(invalid(&format!(
                "Unsupported value: \"{other}\": supported values: \"Exact\", \"NotOlderThan\""
            )));
        }
    }
    if let Some(requested) = requested
        && requested > current
    {
        return Err(ApiError::timeout(format!(
            "Too large resource version: {requested}, current resource version: {current}"
        )));
    }
    Ok(())
}

fn encode_continue(revision: i64, start: &str) -> String {
    let token = ContinueToken { v: "meta.k8s.io/v1".into(), rv: revision, start: start.into() };
    BASE64.encode(serde_json::to_vec(&token).unwrap_or_default())
}

fn decode_continue(token: &str) -> ApiResult<ContinueToken> {
    let invalid = || ApiError::bad_request("continue key is not valid: the token could not be decoded");
    let bytes = BASE64.decode(token).map_err(|_| invalid())?;
    serde_json::from_slice(&bytes).map_err(|_| invalid())
}

/// Label and field selectors of a list or watch, checked against what the type supports.
#[derive(Clone, Debug)]
pub(super) struct Filter {
    labels: Option<LabelSelector>,
    fields: Option<FieldSelector>,
    /// Extra field selectors of the type: (selector name, JSON path).
    field_paths: &'static [(&'static str, &'static str)],
}

impl Filter {
    pub(super) fn new(rt: &ResourceType, options: &ListOptions) -> ApiResult<Self> {
        let field_paths = rt.builtin.map(|b| b.field_selectors).unwrap_or(&[]);
        if let Some(fields) = &options.field_selector {
            let mut allowed = vec!["metadata.name", "metadata.namespace"];
            allowed.extend(field_paths.iter().map(|(name, _)| *name));
            // Upstream words the refusal differently for kinds with their own selectable fields.
            let checked = if field_paths.is_empty() && rt.builtin.is_some() {
                fields.validate(&allowed)
            } else {
                fields.validate_supported(&allowed)
            };
            checked.map_err(|err| ApiError::bad_request(err.message().to_string()))?;
        }
        let labels = options.label_selector.clone().filter(|s| !s.is_empty());
        let fields = options.field_selector.clone().filter(|s| !s.is_empty());
        Ok(Filter { labels, fields, field_paths })
    }

    pub(super) fn is_empty(&self) -> bool {
        self.labels.is_none() && self.fields.is_none()
    }

    pub(super) fn matches(&self, object: &Value) -> bool {
        if let Some(labels) = &self.labels
            && !labels.matches(&meta::labels(object))
        {
            return false;
        }
        match &self.fields {
            None => true,
            Some(fields) => fields.matches(|field| match field {
                "metadata.name" => meta::name(object).map(String::from),
                "metadata.namespace" => Some(meta::namespace(object).unwrap_or_default().to_string()),
                other => {
                    let path = self.field_paths.iter().find(|(name, _)| *name == other).map(|(_, p)| *p)?;
                    json_path_string(object, path)
                }
            }),
        }
    }
}

/// The list object a LIST answers with.
pub fn list_object(rt: &ResourceType, list: ObjectList) -> Value {
    let mut metadata = json!({"resourceVersion": list.resource_version});
    if let Some(token) = list.continue_token {
        metadata["continue"] = Value::String(token);
    }
    if let Some(remaining) = list.remaining_item_count {
        metadata["remainingItemCount"] = Value::from(remaining);
    }
    json!({
        "kind": rt.list_kind,
        "apiVersion": rt.api_version(),
        "metadata": metadata,
        "items": list.items,
    })
}
