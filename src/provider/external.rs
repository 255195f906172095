//! The `kind` and `k3s` providers: the management plane in pods of a local container cluster
//! (kind, or k3s through k3d). Their stack comes in a later milestone; what is here already is
//! the part every command needs first — knowing, without side effects, whether the machine can
//! run them, and saying exactly what is missing.

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::{ClusterSpec, ClusterState, Endpoint, Provider, ProviderError, ProviderKind, Result};

pub struct ContainerProvider {
    kind: ProviderKind,
    /// Where to look for tools; `None` means `$PATH`.
    search_path: Option<std::ffi::OsString>,
}

impl ContainerProvider {
    pub fn new(kind: ProviderKind) -> Self {
        ContainerProvider { kind, search_path: None }
    }

    /// Looks for `kind`/`k3d`/`docker` in `path` instead of `$PATH` (tests use fakes).
    pub fn with_search_path(mut self, path: std::ffi::OsString) -> Self {
        self.search_path = Some(path);
        self
    }

    fn find(&self, tool: &str) -> Option<std::path::PathBuf> {
        match &self.search_path {
            Some(path) => which::which_in(tool, Some(path), "/").ok(),
            None => which::which(tool).ok(),
        }
    }

    fn tool(&self) -> (&'static str, &'static str) {
        match self.kind {
            ProviderKind::K3s => ("k3d", "install it from https://k3d.io"),
            _ => ("kind", "install it from https://kind.sigs.k8s.io"),
        }
    }
}

impl Provider for ContainerProvider {
    fn kind(&self) -> ProviderKind {
        self.kind
    }

    fn check(&self) -> Result<()> {
        let (tool, hint) = self.tool();
        self.find(tool).ok_or(ProviderError::MissingTool { provider: self.kind, tool, hint })?;
        let docker = self.find("docker").ok_or(ProviderError::MissingTool {
            provider: self.kind,
            tool: "docker",
            hint: "install Docker (or use --provider embedded, which needs nothing)",
        })?;
        // The docker client alone is not enough: ask the engine.
        let info = std::process::Command::new(docker).args(["info", "--format", "{{.ServerVersion}}"]).output();
        match info {
            Ok(out) if out.status.success() => Ok(()),
            Ok(out) => Err(ProviderError::NoDocker {
                provider: self.kind,
                detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            }),
            Err(err) => Err(ProviderError::NoDocker { provider: self.kind, detail: err.to_string() }),
        }
    }

    fn state<'a>(&'a self, _name: &'a str) -> BoxFuture<'a, Result<ClusterState>> {
        async move {
            self.check()?;
            Err(ProviderError::NotImplemented { provider: self.kind })
        }
        .boxed()
    }

    fn start<'a>(&'a self, _spec: &'a ClusterSpec) -> BoxFuture<'a, Result<Endpoint>> {
        async move {
            self.check()?;
            Err(ProviderError::NotImplemented { provider: self.kind })
        }
        .boxed()
    }

    fn delete<'a>(&'a self, _name: &'a str, _keep_data: bool) -> BoxFuture<'a, Result<()>> {
        async move {
            self.check()?;
            Err(ProviderError::NotImplemented { provider: self.kind })
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn fake_tools(dir: &std::path::Path, tools: &[(&str, &str)]) {
        for (name, script) in tools {
            let path = dir.join(name);
            std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }

    fn provider(kind: ProviderKind, dir: &std::path::Path) -> ContainerProvider {
        ContainerProvider::new(kind).with_search_path(dir.as_os_str().to_owned())
    }

    #[test]
    fn a_missing_tool_is_named_with_how_to_get_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = provider(ProviderKind::Kind, dir.path()).check().unwrap_err();
        assert!(matches!(err, ProviderError::MissingTool { tool: "kind", .. }), "{err}");
        let err = provider(ProviderKind::K3s, dir.path()).check().unwrap_err();
        assert!(err.to_string().contains("k3d") && err.to_string().contains("https://k3d.io"), "{err}");
        fake_tools(dir.path(), &[("kind", "exit 0")]);
        let err = provider(ProviderKind::Kind, dir.path()).check().unwrap_err();
        assert!(matches!(err, ProviderError::MissingTool { tool: "docker", .. }), "{err}");
    }

    #[test]
    fn a_docker_client_without_an_engine_fails_fast_with_the_engine_error() {
        let dir = tempfile::tempdir().unwrap();
        let no_engine = "echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock' >&2; exit 1";
        fake_tools(dir.path(), &[("kind", "exit 0"), ("docker", no_engine)]);
        let err = provider(ProviderKind::Kind, dir.path()).check().unwrap_err();
        assert!(matches!(&err, ProviderError::NoDocker { detail, .. } if detail.contains("Cannot connect")), "{err}");
    }

    #[tokio::test]
    async fn with_every_tool_present_the_stack_reports_it_is_not_implemented_yet() {
        let dir = tempfile::tempdir().unwrap();
        fake_tools(dir.path(), &[("k3d", "exit 0"), ("docker", "echo 28.2.2")]);
        let p = provider(ProviderKind::K3s, dir.path());
        assert!(p.check().is_ok());
        let err = p.state("m").await.unwrap_err();
        assert!(matches!(err, ProviderError::NotImplemented { .. }), "{err}");
    }
}
