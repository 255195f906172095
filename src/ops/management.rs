//! The management plane as the operations reach it: a kube client for its kubeconfig context,
//! the errors a call can end in, and following one object by watching.

use futures_util::StreamExt;
use kube::api::{Api, WatchEvent, WatchParams};

/// The management plane a caller talks to: a client and the context it came from (named in
/// error messages so users can look for themselves).
pub struct Management {
    pub client: kube::Client,
    pub context: String,
}

/// A call to the management plane that failed: refused by it, or never answered.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("{action}: the management plane (context {context}) did not answer; is it running? `kplane up` starts it")]
    Unreachable {
        action: String,
        context: String,
        #[source]
        source: kube::Error,
    },
    #[error("{action}")]
    Api {
        action: String,
        #[source]
        source: kube::Error,
    },
}

impl Management {
    /// Turns a client error into one that says what kplane was doing, and whether the
    /// management plane answered at all.
    pub(super) fn fail(&self, action: impl Into<String>) -> impl FnOnce(kube::Error) -> CallError + '_ {
        let action = action.into();
        move |source| match source {
            kube::Error::Api(_) => CallError::Api { action, source },
            source => CallError::Unreachable { action, context: self.context.clone(), source },
        }
    }

    /// Follows the object `name` (a `what`, for messages) until `decide` has an answer for what
    /// it sees: `Some(object)` for each state, `None` once it is gone. Reads it, then watches
    /// from the revision read; a broken or expired stream is read and watched again.
    pub(super) async fn follow<K, T>(
        &self,
        api: &Api<K>,
        what: &str,
        name: &str,
        mut decide: impl FnMut(Option<&K>) -> Option<T>,
    ) -> Result<T, CallError>
    where
        K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug + Send + 'static,
    {
        loop {
            let current = api.get_opt(name).await.map_err(self.fail(format!("reading {what} {name}")))?;
            if let Some(answer) = decide(current.as_ref()) {
                return Ok(answer);
            }
            let version = current.and_then(|o| o.meta().resource_version.clone()).unwrap_or_default();
            let params = WatchParams::default().fields(&format!("metadata.name={name}")).timeout(290);
            let events = api.watch(&params, &version).await.map_err(self.fail(format!("watching {what} {name}")))?;
            let mut events = events.boxed();
            while let Some(event) = events.next().await {
                let answer = match event {
                    Ok(WatchEvent::Added(object) | WatchEvent::Modified(object)) => decide(Some(&object)),
                    Ok(WatchEvent::Deleted(_)) => decide(None),
                    Ok(WatchEvent::Bookmark(_)) => None,
                    // An expired revision or a broken stream: read again, watch again.
                    Ok(WatchEvent::Error(_)) | Err(_) => break,
                };
                if let Some(answer) = answer {
                    return Ok(answer);
                }
            }
        }
    }
}
