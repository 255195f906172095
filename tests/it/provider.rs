//! The embedded provider against the real binary: start, reuse, busy ports, stop, delete.

use kplane::provider::{ClusterSpec, ClusterState, EmbeddedProvider, Provider, ProviderError};

fn provider(dir: &std::path::Path) -> EmbeddedProvider {
    EmbeddedProvider::new(dir.to_path_buf()).with_executable(env!("CARGO_BIN_EXE_kplane").into())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn the_embedded_provider_starts_reuses_stops_and_deletes_a_management_plane() {
    let dir = tempfile::tempdir().unwrap();
    let p = provider(dir.path());
    p.check().unwrap();
    assert_eq!(p.state("mgmt").await.unwrap(), ClusterState::Absent);

    let spec = ClusterSpec { name: "mgmt".into(), port: free_port() };
    let endpoint = p.start(&spec).await.unwrap();
    assert_eq!(endpoint.server, format!("https://127.0.0.1:{}", spec.port));
    assert!(kplane::provider::embedded::ready(&endpoint).await);
    assert_eq!(p.state("mgmt").await.unwrap(), ClusterState::Running(endpoint.clone()));

    // Starting again reuses the running server: same CA, same token.
    assert_eq!(p.start(&spec).await.unwrap(), endpoint);

    // Another plane on the same port fails fast and names the port.
    let clash = ClusterSpec { name: "other".into(), port: spec.port };
    let err = p.start(&clash).await.unwrap_err();
    assert!(matches!(err, ProviderError::PortBusy { port } if port == spec.port), "{err}");
    assert!(!dir.path().join("other").exists(), "a failed start leaves nothing behind");

    // Stopping with --keep-data keeps certificates and token for the next start.
    p.delete("mgmt", true).await.unwrap();
    assert_eq!(p.state("mgmt").await.unwrap(), ClusterState::Stopped);
    assert_eq!(p.start(&spec).await.unwrap(), endpoint);

    p.delete("mgmt", false).await.unwrap();
    assert_eq!(p.state("mgmt").await.unwrap(), ClusterState::Absent);
    assert!(!dir.path().join("mgmt").exists());
    // Deleting what does not exist succeeds.
    p.delete("mgmt", false).await.unwrap();
}
