//! The embedded provider: the management plane is this very binary, run as
//! `kplane serve` in the background.
//!
//! ```text
//! <data dir>/<name>/            the server's --data-dir (storage, pki/, admin.token, admin.kubeconfig)
//! <data dir>/<name>/kplane.pid  the background server's pid
//! <data dir>/<name>/kplane.log  its stdout and stderr
//! ```
//!
//! A pid file is trusted only if that process is still a `kplane serve` of this data dir
//! (`/proc/<pid>/cmdline`), so a recycled pid is never signalled.

use std::fs;
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::{ClusterSpec, ClusterState, Endpoint, Provider, ProviderError, ProviderKind, Result};

/// How long `start` waits for the server to answer `/readyz`.
pub const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long `delete` waits after SIGTERM before it sends SIGKILL.
pub const STOP_TIMEOUT: Duration = Duration::from_secs(15);

pub struct EmbeddedProvider {
    data_dir: PathBuf,
    executable: Option<PathBuf>,
}

impl EmbeddedProvider {
    pub fn new(data_dir: PathBuf) -> Self {
        EmbeddedProvider { data_dir, executable: None }
    }

    /// Runs `executable serve …` instead of the current executable (tests, packaging).
    pub fn with_executable(mut self, executable: PathBuf) -> Self {
        self.executable = Some(executable);
        self
    }

    /// The server data dir of the management plane `name`.
    pub fn dir(&self, name: &str) -> PathBuf {
        self.data_dir.join(name)
    }

    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ProviderError + '_ {
        move |source| ProviderError::Io { path: path.to_path_buf(), source }
    }

    /// The pid of a live `kplane serve` of this plane's data dir, if any.
    fn running_pid(&self, name: &str) -> Option<Pid> {
        let dir = self.dir(name);
        let pid: i32 = fs::read_to_string(dir.join("kplane.pid")).ok()?.trim().parse().ok()?;
        let cmdline = fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
        let ours = args.iter().any(|a| *a == b"serve") && args.iter().any(|a| *a == dir.as_os_str().as_encoded_bytes());
        ours.then_some(Pid::from_raw(pid))
    }

    async fn start_inner(&self, spec: &ClusterSpec) -> Result<Endpoint> {
        let dir = self.dir(&spec.name);
        if self.running_pid(&spec.name).is_some()
            && let Some(endpoint) = read_endpoint(&dir)
            && ready(&endpoint).await
        {
            return Ok(endpoint);
        }
        // Fail fast, naming the port, before anything is created.
        TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, spec.port))
            .map_err(|_| ProviderError::PortBusy { port: spec.port })?;
        fs::create_dir_all(&dir).map_err(Self::io(&dir))?;
        let log_path = dir.join("kplane.log");
        let log = fs::File::create(&log_path).map_err(Self::io(&log_path))?;
        let log_err = log.try_clone().map_err(Self::io(&log_path))?;
        let executable = match &self.executable {
            Some(path) => path.clone(),
            None => std::env::current_exe().map_err(Self::io(Path::new("current executable")))?,
        };
        let mut child = {
            use std::os::unix::process::CommandExt;
            Command::new(&executable)
                .arg("serve")
                .arg("--data-dir")
                .arg(&dir)
                .args(["--port", &spec.port.to_string()])
                .stdin(Stdio::null())
                .stdout(log)
                .stderr(log_err)
                // Its own process group: a Ctrl-C in the terminal that ran `up` must not stop it.
                .process_group(0)
                .spawn()
                .map_err(Self::io(&executable))?
        };
        let pid_path = dir.join("kplane.pid");
        fs::write(&pid_path, child.id().to_string()).map_err(Self::io(&pid_path))?;
        let endpoint = Endpoint {
            server: format!("https://127.0.0.1:{}", spec.port),
            ca_pem: String::new(),
            token: String::new(),
        };
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                let tail = fs::read_to_string(&log_path).unwrap_or_default();
                let tail: Vec<&str> = tail.lines().rev().take(10).collect();
                let tail = tail.into_iter().rev().collect::<Vec<_>>().join("\n");
                return Err(ProviderError::ServerExited { status: status.to_string(), log: log_path, tail });
            }
            if let Some(found) = read_endpoint(&dir).filter(|e| e.server == endpoint.server)
                && ready(&found).await
            {
                return Ok(found);
            }
            if Instant::now() > deadline {
                return Err(ProviderError::NotReady { seconds: READY_TIMEOUT.as_secs(), log: log_path });
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn delete_inner(&self, name: &str, keep_data: bool) -> Result<()> {
        if let Some(pid) = self.running_pid(name) {
            let _ = kill(pid, Signal::SIGTERM);
            let deadline = Instant::now() + STOP_TIMEOUT;
            while self.running_pid(name).is_some() && kill(pid, None).is_ok() {
                if Instant::now() > deadline {
                    let _ = kill(pid, Signal::SIGKILL);
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        let dir = self.dir(name);
        let _ = fs::remove_file(dir.join("kplane.pid"));
        if !keep_data && dir.exists() {
            fs::remove_dir_all(&dir).map_err(Self::io(&dir))?;
        }
        Ok(())
    }
}

/// The endpoint a server in `dir` wrote into its admin kubeconfig, if it is complete.
fn read_endpoint(dir: &Path) -> Option<Endpoint> {
    let kubeconfig: serde_json::Value =
        serde_norway::from_str(&fs::read_to_string(dir.join("admin.kubeconfig")).ok()?).ok()?;
    let server = kubeconfig["clusters"][0]["cluster"]["server"].as_str()?.to_string();
    let ca_pem = fs::read_to_string(dir.join("pki/ca.crt")).ok()?;
    let token = fs::read_to_string(dir.join("admin.token")).ok()?.trim().to_string();
    Some(Endpoint { server, ca_pem, token })
}

/// True when the server answers `/readyz` over verified TLS.
pub async fn ready(endpoint: &Endpoint) -> bool {
    let Ok(client) = client(endpoint).await else { return false };
    let Ok(request) = http::Request::get("/readyz").body(Vec::new()) else { return false };
    matches!(tokio::time::timeout(Duration::from_secs(5), client.request_text(request)).await, Ok(Ok(body)) if body == "ok")
}

/// A kube client for the root plane of `endpoint`.
pub async fn client(endpoint: &Endpoint) -> std::result::Result<kube::Client, kube::Error> {
    use base64::Engine;
    use kube::config::{AuthInfo, Cluster, Context, Kubeconfig, NamedAuthInfo, NamedCluster, NamedContext};
    let ca = base64::engine::general_purpose::STANDARD.encode(&endpoint.ca_pem);
    let kubeconfig = Kubeconfig {
        clusters: vec![NamedCluster {
            name: "kplane".into(),
            cluster: Some(Cluster {
                server: Some(endpoint.server.clone()),
                certificate_authority_data: Some(ca),
                ..Cluster::default()
            }),
            other: Default::default(),
        }],
        auth_infos: vec![NamedAuthInfo {
            name: "kplane".into(),
            auth_info: Some(AuthInfo { token: Some(endpoint.token.clone().into()), ..AuthInfo::default() }),
            other: Default::default(),
        }],
        contexts: vec![NamedContext {
            name: "kplane".into(),
            context: Some(Context { cluster: "kplane".into(), user: Some("kplane".into()), ..Context::default() }),
            other: Default::default(),
        }],
        current_context: Some("kplane".into()),
        ..Kubeconfig::default()
    };
    let options = kube::config::KubeConfigOptions::default();
    let config =
        kube::Config::from_custom_kubeconfig(kubeconfig, &options).await.map_err(kube::Error::InferKubeconfig)?;
    kube::Client::try_from(config)
}

impl Provider for EmbeddedProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Embedded
    }

    fn check(&self) -> Result<()> {
        // Nothing but this binary, and a data dir we can create.
        fs::create_dir_all(&self.data_dir).map_err(Self::io(&self.data_dir))
    }

    fn state<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<ClusterState>> {
        async move {
            let dir = self.dir(name);
            if !dir.exists() {
                return Ok(ClusterState::Absent);
            }
            if self.running_pid(name).is_some()
                && let Some(endpoint) = read_endpoint(&dir)
                && ready(&endpoint).await
            {
                return Ok(ClusterState::Running(endpoint));
            }
            Ok(ClusterState::Stopped)
        }
        .boxed()
    }

    fn start<'a>(&'a self, spec: &'a ClusterSpec) -> BoxFuture<'a, Result<Endpoint>> {
        self.start_inner(spec).boxed()
    }

    fn delete<'a>(&'a self, name: &'a str, keep_data: bool) -> BoxFuture<'a, Result<()>> {
        self.delete_inner(name, keep_data).boxed()
    }
}
