//! Fleets through the management API: create one, wait (by watching) until every member is
//! ready, read, list and delete them. Same client rules as [`super::clusters`].

use std::time::Duration;

use kube::api::{Api, DeleteParams, PostParams};

use super::Reporter;
use super::management::{CallError, Management};
use crate::types::fleet::{Fleet, FleetSpec};

#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    #[error("Fleet {name} already exists; `kplane fleet get {name}` shows it, `kplane fleet delete {name}` removes it")]
    AlreadyExists { name: String },
    #[error("there is no Fleet {name}; `kplane fleet list` lists them")]
    NotFound { name: String },
    #[error("the Fleet was refused: {message}")]
    Invalid { message: String },
    #[error(
        "Fleet {name} was not ready after {waited:?} ({ready} of {replicas} members ready); `kplane fleet get {name}` says why"
    )]
    Timeout { name: String, waited: Duration, ready: i32, replicas: i32 },
    #[error("Fleet {name} was still being deleted after {waited:?}; run the command again to keep waiting")]
    DeleteTimeout { name: String, waited: Duration },
    #[error(transparent)]
    Call(#[from] CallError),
}

fn fleets(management: &Management) -> Api<Fleet> {
    Api::all(management.client.clone())
}

/// Creates the Fleet `name` with `spec`.
pub async fn create(
    management: &Management,
    name: &str,
    spec: FleetSpec,
    reporter: &dyn Reporter,
) -> Result<Fleet, FleetError> {
    reporter.step(&format!("fleet: creating {name} ({} members)", spec.replicas));
    let mut fleet = Fleet::new(name, spec.replicas);
    fleet.spec = spec;
    let created = match fleets(management).create(&PostParams::default(), &fleet).await {
        Ok(created) => Ok(created),
        Err(kube::Error::Api(status)) if status.code == 409 => Err(FleetError::AlreadyExists { name: name.into() }),
        Err(kube::Error::Api(status)) if status.code == 422 => Err(FleetError::Invalid { message: status.message }),
        Err(err) => Err(management.fail(format!("creating Fleet {name}"))(err).into()),
    };
    match &created {
        Ok(_) => reporter.done("created"),
        Err(_) => reporter.failed(),
    }
    created
}

/// Waits, by watching, until the Fleet reports every member ready for its current spec;
/// reports ready members as progress.
pub async fn wait_ready(
    management: &Management,
    name: &str,
    timeout: Duration,
    reporter: &dyn Reporter,
) -> Result<Fleet, FleetError> {
    reporter.step(&format!("fleet: waiting for the members of {name}"));
    let mut last = (0, 0);
    let waited = tokio::time::timeout(timeout, watch_until_ready(management, name, &mut last, reporter)).await;
    let result = waited.unwrap_or(Err(FleetError::Timeout {
        name: name.into(),
        waited: timeout,
        ready: last.0,
        replicas: last.1,
    }));
    match &result {
        Ok(fleet) => reporter.done(&format!("{} ready", fleet.ready_replicas())),
        Err(_) => reporter.failed(),
    }
    result
}

/// Ready: the Ready condition is True for the Fleet's current generation.
fn is_ready(fleet: &Fleet) -> bool {
    let Some(status) = &fleet.status else { return false };
    status.observed_generation == fleet.metadata.generation
        && status.conditions.iter().any(|c| c.type_ == "Ready" && c.status == "True")
}

async fn watch_until_ready(
    management: &Management,
    name: &str,
    last: &mut (i32, i32),
    reporter: &dyn Reporter,
) -> Result<Fleet, FleetError> {
    let decide = |fleet: Option<&Fleet>| {
        let Some(fleet) = fleet else { return Some(Err(FleetError::NotFound { name: name.into() })) };
        *last = (fleet.ready_replicas(), fleet.spec.replicas);
        reporter.progress(last.0.max(0) as u64, last.1.max(0) as u64);
        is_ready(fleet).then(|| Ok(fleet.clone()))
    };
    management.follow(&fleets(management), "Fleet", name, decide).await?
}

pub async fn get(management: &Management, name: &str) -> Result<Fleet, FleetError> {
    let found = fleets(management).get_opt(name).await.map_err(management.fail(format!("reading Fleet {name}")))?;
    found.ok_or_else(|| FleetError::NotFound { name: name.into() })
}

/// Every Fleet, sorted by name.
pub async fn list(management: &Management) -> Result<Vec<Fleet>, FleetError> {
    let list = fleets(management).list(&Default::default()).await.map_err(management.fail("listing Fleets"))?;
    let mut items = list.items;
    items.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    Ok(items)
}

/// Deletes the Fleet (its members go too under `deletionPolicy: Delete`) and waits until it
/// is gone. Returns false if there was none.
pub async fn delete(
    management: &Management,
    name: &str,
    timeout: Duration,
    reporter: &dyn Reporter,
) -> Result<bool, FleetError> {
    reporter.step(&format!("fleet: deleting {name}"));
    let api = fleets(management);
    let result = async {
        match api.delete(name, &DeleteParams::default()).await {
            Ok(_) => {}
            Err(kube::Error::Api(status)) if status.code == 404 => return Ok(false),
            Err(err) => return Err(management.fail(format!("deleting Fleet {name}"))(err).into()),
        }
        let gone = management.follow(&api, "Fleet", name, |fleet| fleet.is_none().then_some(true));
        match tokio::time::timeout(timeout, gone).await {
            Ok(gone) => Ok(gone?),
            Err(_) => Err(FleetError::DeleteTimeout { name: name.into(), waited: timeout }),
        }
    }
    .await;
    match &result {
        Ok(true) => reporter.done("deleted"),
        Ok(false) => reporter.done("not found"),
        Err(_) => reporter.failed(),
    }
    result
}

/// The objects of a template file: YAML or JSON, one or more documents, a `List`'s items
/// spread out.
pub fn parse_template(text: &str) -> Result<Vec<serde_json::Value>, String> {
    use serde::Deserialize;
    let mut objects = Vec::new();
    for document in serde_norway::Deserializer::from_str(text) {
        let value = serde_json::Value::deserialize(document).map_err(|err| err.to_string())?;
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Object(ref map) if map.get("kind").and_then(|k| k.as_str()) == Some("List") => {
                let items = map.get("items").and_then(|i| i.as_array()).cloned().unwrap_or_default();
                objects.extend(items);
            }
            object @ serde_json::Value::Object(_) => objects.push(object),
            other => return Err(format!("a document is not an object: {other}")),
        }
    }
    Ok(objects)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_documents_or_lists() {
        let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n---\nkind: List\napiVersion: v1\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n";
        let objects = parse_template(text).unwrap();
        assert_eq!(objects.len(), 2);
        assert_eq!((objects[0]["kind"].as_str(), objects[1]["kind"].as_str()), (Some("Namespace"), Some("ConfigMap")));
        assert!(parse_template("- 1\n").is_err());
        let json = parse_template("{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\"}").unwrap();
        assert_eq!(json.len(), 1);
    }
}
