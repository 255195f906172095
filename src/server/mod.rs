//! HTTP only: TLS, the plane scope parsed at the edge, authentication, discovery, OpenAPI,
//! handlers per verb, watch streaming and `Status` rendering. Uses `registry` and
//! `controller`; never `cli`.
//!
//! [`start`] binds, loads or creates the data dir's PKI and storage, writes
//! `admin.kubeconfig` and serves until [`RunningServer::shutdown`]; `kplane serve` and the
//! integration tests both go through it.

pub mod auth;
pub mod discovery;
pub mod documents;
mod handlers;
pub mod http;
pub mod kubeconfig;
pub mod openapi;
pub mod scope;
pub mod tls;
mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch as signal;
use tokio::task::JoinHandle;

use crate::controller;
use crate::registry::store::Registry;
use crate::storage::{Backend, EmbeddedBackend};
use crate::types::PlaneName;

pub const DEFAULT_PORT: u16 = 8443;
/// How often an idle watch that asked for bookmarks gets one.
pub const DEFAULT_BOOKMARK_INTERVAL: Duration = Duration::from_secs(30);
/// How long shutdown waits for in-flight requests.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Everything a server needs, resolved and validated (built by `kplane serve` or a test).
#[derive(Clone, Debug)]
pub struct ServerConfig {
    pub data_dir: PathBuf,
    pub bind_address: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Create a plane on its first authorised request.
    pub auto_create_planes: bool,
    /// Extra names for the serving certificate.
    pub tls_sans: Vec<String>,
    pub bookmark_interval: Duration,
}

impl ServerConfig {
    pub fn new(data_dir: PathBuf) -> Self {
        ServerConfig {
            data_dir,
            bind_address: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            auto_create_planes: true,
            tls_sans: vec![],
            bookmark_interval: DEFAULT_BOOKMARK_INTERVAL,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {address}")]
    Bind {
        address: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the storage in {path}")]
    Storage {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot prepare certificates and tokens")]
    Pki(#[from] tls::PkiError),
    #[error("cannot create the root plane")]
    RootPlane(#[source] crate::registry::error::ApiError),
}

/// What handlers share.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub registry: Arc<Registry>,
    pub auth: auth::Authenticator,
    /// Discovery and OpenAPI documents of planes with custom resources.
    pub documents: documents::DocumentCache,
    /// `host:port` clients reach this server at (for `/api`'s `serverAddressByClientCIDRs`).
    pub address: String,
    pub bookmark_interval: Duration,
    /// Flips to true on shutdown; watches end when it does.
    pub shutdown: signal::Receiver<bool>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// The router: one fallback handler, because the Kubernetes URL grammar (plane scope, then
/// groups, namespaces, names, subresources) is parsed by `scope`, not by route patterns.
pub fn app(state: AppState) -> Router {
    Router::new().fallback(handlers::handle).with_state(state)
}

/// A server running in the background.
pub struct RunningServer {
    pub address: SocketAddr,
    pub kubeconfig: PathBuf,
    pub admin_token: String,
    pub ca_pem: String,
    pub registry: Arc<Registry>,
    shutdown: signal::Sender<bool>,
    task: JoinHandle<()>,
}

impl RunningServer {
    /// The URL of a plane (the root plane at `/`).
    pub fn url(&self, plane: &str) -> String {
        let base = format!("https://{}", self.address);
        if plane == crate::types::ROOT_PLANE { base } else { format!("{base}/clusters/{plane}/control-plane") }
    }

    /// Stops accepting, ends watches, lets in-flight requests finish (bounded by
    /// [`SHUTDOWN_GRACE`]) and waits until the storage is closed.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}

/// Binds, prepares the data dir and starts serving.
pub async fn start(config: ServerConfig) -> Result<RunningServer, ServerError> {
    let requested = SocketAddr::new(config.bind_address, config.port);
    let listener =
        TcpListener::bind(requested).await.map_err(|source| ServerError::Bind { address: requested, source })?;
    let address = listener.local_addr().map_err(|source| ServerError::Bind { address: requested, source })?;

    let mut sans = config.tls_sans.clone();
    if !config.bind_address.is_unspecified() {
        sans.push(config.bind_address.to_string());
    }
    let pki = tls::Pki::load_or_generate(&config.data_dir, &sans)?;
    let tls_config = pki.server_config()?;

    let storage_dir = config.data_dir.join("storage");
    let backend =
        EmbeddedBackend::open(&storage_dir).map_err(|source| ServerError::Storage { path: storage_dir, source })?;
    let backend: Arc<dyn Backend> = Arc::new(backend);
    let registry = Arc::new(Registry::new(backend, config.auto_create_planes));
    registry.ensure_plane(&PlaneName::root()).await.map_err(ServerError::RootPlane)?;
    controller::controlplane::bootstrap(&registry).await.map_err(ServerError::RootPlane)?;
    registry.load_custom_resources().await.map_err(ServerError::RootPlane)?;

    let client_host =
        if config.bind_address.is_unspecified() { IpAddr::V4(Ipv4Addr::LOCALHOST) } else { config.bind_address };
    let client_address = SocketAddr::new(client_host, address.port());
    let kubeconfig = config.data_dir.join("admin.kubeconfig");
    kubeconfig::write_admin(&kubeconfig, &format!("https://{client_address}"), &pki.ca_pem, &pki.admin_token)?;

    let (shutdown_tx, shutdown_rx) = signal::channel(false);
    let state = AppState(Arc::new(Inner {
        registry: registry.clone(),
        auth: auth::Authenticator::new(pki.admin_token.clone()),
        documents: documents::DocumentCache::default(),
        address: client_address.to_string(),
        bookmark_interval: config.bookmark_interval,
        shutdown: shutdown_rx.clone(),
    }));
    let server_info =
        controller::controlplane::ServerInfo { url: format!("https://{client_address}"), ca_pem: pki.ca_pem.clone() };
    let controllers = controller::spawn_all(registry.clone(), server_info, shutdown_rx.clone());
    let task = tokio::spawn(serve(
        listener,
        tokio_rustls::TlsAcceptor::from(tls_config),
        app(state),
        shutdown_rx,
        controllers,
    ));
    tracing::info!(%address, kubeconfig = %kubeconfig.display(), "kplane API server is serving");
    Ok(RunningServer {
        address: client_address,
        kubeconfig,
        admin_token: pki.admin_token,
        ca_pem: pki.ca_pem,
        registry,
        shutdown: shutdown_tx,
        task,
    })
}

/// The accept loop: TLS, then HTTP/1.1 or HTTP/2 (ALPN), until shutdown.
async fn serve(
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    app: Router,
    mut shutdown: signal::Receiver<bool>,
    controllers: Vec<JoinHandle<()>>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // Upstream's HTTP2MaxStreamsPerConnection: client-go multiplexes every watch on one connection.
    builder.http2().max_concurrent_streams(1000);
    let builder = Arc::new(builder);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(err) => {
                    tracing::warn!(error = %err, "accept failed");
                    continue;
                }
            },
            _ = shutdown.changed() => break,
        };
        let acceptor = acceptor.clone();
        let service = TowerToHyperService::new(app.clone());
        let builder = builder.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let tls = match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => tls,
                Ok(Err(err)) => {
                    tracing::debug!(%peer, error = %err, "TLS handshake failed");
                    return;
                }
                Err(_) => return,
            };
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(tls), service).into_owned();
            if let Err(err) = watcher.watch(connection).await {
                tracing::debug!(%peer, error = %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::warn!("some connections did not finish within the shutdown grace period");
    }
    for controller in controllers {
        let _ = controller.await;
    }
}
