//! Test helpers: an in-process server and clients for its planes.

use std::future::Future;
use std::time::Duration;

use kplane::server::{self, RunningServer, ServerConfig};
use kube::config::{KubeConfigOptions, Kubeconfig};

/// Generous bound for anything a test waits on.
pub const WAIT: Duration = Duration::from_secs(30);

pub struct TestServer {
    pub running: RunningServer,
    pub dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    /// Starts a server whose config `adjust` may change first.
    pub async fn start_with(adjust: impl FnOnce(&mut ServerConfig)) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = test_config(dir.path());
        adjust(&mut config);
        let running = server::start(config).await.expect("server starts");
        TestServer { running, dir }
    }

    /// Stops the server and starts a new one on the same data dir.
    pub async fn restart(self) -> TestServer {
        let TestServer { running, dir } = self;
        running.shutdown().await;
        let running = start_in(dir.path()).await;
        TestServer { running, dir }
    }

    /// A kube client for `plane` (`root` for the management plane).
    pub async fn client(&self, plane: &str) -> kube::Client {
        client_for(&self.running.url(plane), &self.running.ca_pem, Some(&self.running.admin_token)).await
    }

    /// A client that sends no credentials.
    pub async fn anonymous(&self, plane: &str) -> kube::Client {
        client_for(&self.running.url(plane), &self.running.ca_pem, None).await
    }

    /// A client with a token the server never issued.
    pub async fn with_token(&self, plane: &str, token: &str) -> kube::Client {
        client_for(&self.running.url(plane), &self.running.ca_pem, Some(token)).await
    }
}

fn test_config(dir: &std::path::Path) -> ServerConfig {
    let mut config = ServerConfig::new(dir.to_path_buf());
    config.port = 0;
    config.bookmark_interval = Duration::from_millis(200);
    config
}

async fn start_in(dir: &std::path::Path) -> RunningServer {
    server::start(test_config(dir)).await.expect("server starts")
}

pub async fn client_for(url: &str, ca_pem: &str, token: Option<&str>) -> kube::Client {
    let yaml = server::kubeconfig::render(url, ca_pem, token.unwrap_or(""));
    let mut kubeconfig = Kubeconfig::from_yaml(&yaml).expect("kubeconfig parses");
    if token.is_none() {
        kubeconfig.auth_infos[0].auth_info = None;
    }
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .expect("kubeconfig loads");
    kube::Client::try_from(config).expect("client builds")
}

/// Runs `f` under [`WAIT`], failing the test with `what` on timeout.
pub async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, f).await.unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

/// Polls `check` until it returns `Some`, under [`WAIT`].
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    within(what, async {
        loop {
            if let Some(value) = check().await {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
}

/// A raw request through a kube client; returns status and body text.
pub async fn raw(
    client: &kube::Client,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (u16, String, axum::http::HeaderMap) {
    let mut builder = axum::http::Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let request = builder.body(body).expect("request builds");
    let response = client.send(request.map(kube::client::Body::from)).await.expect("request is sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = http_body_util::BodyExt::collect(response.into_body()).await.expect("body reads").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned(), headers)
}

/// A ConfigMap with one data key.
pub fn configmap(name: &str, value: &str) -> k8s_openapi::api::core::v1::ConfigMap {
    serde_json::from_value(serde_json::json!({
        "metadata": {"name": name},
        "data": {"key": value},
    }))
    .expect("configmap")
}
