//! Nothing acknowledged is lost: across restarts, and when the real binary is killed with
//! SIGKILL in the middle of a stream of writes.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, PostParams};

use crate::common::{TestServer, client_for, configmap, eventually};

#[tokio::test]
async fn a_restart_reuses_certificates_token_and_data() {
    let server = TestServer::start().await;
    let (ca, token) = (server.running.ca_pem.clone(), server.running.admin_token.clone());
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    let created = api.create(&PostParams::default(), &configmap("kept", "1")).await.unwrap();
    let server = server.restart().await;
    assert_eq!((server.running.ca_pem.as_str(), server.running.admin_token.as_str()), (ca.as_str(), token.as_str()));
    let api: Api<ConfigMap> = Api::namespaced(server.client("team-a").await, "default");
    assert_eq!(api.get("kept").await.unwrap(), created);
    let next = api.create(&PostParams::default(), &configmap("next", "1")).await.unwrap();
    let rv = |cm: &ConfigMap| cm.metadata.resource_version.as_ref().unwrap().parse::<i64>().unwrap();
    assert!(rv(&next) > rv(&created), "revisions keep increasing after a restart");
}

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_server(dir: &std::path::Path, port: u16) -> Killed {
    let child = Command::new(env!("CARGO_BIN_EXE_kplane"))
        .args(["serve", "--data-dir"])
        .arg(dir)
        .args(["--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("kplane serve starts");
    Killed(child)
}

async fn wait_ready(dir: &std::path::Path) -> kube::Client {
    eventually("the server to be ready", || async {
        let kubeconfig = std::fs::read_to_string(dir.join("admin.kubeconfig")).ok()?;
        let parsed: serde_json::Value = serde_norway::from_str(&kubeconfig).ok()?;
        let url = parsed["clusters"][0]["cluster"]["server"].as_str()?.to_string();
        let ca = std::fs::read_to_string(dir.join("pki/ca.crt")).ok()?;
        let token = std::fs::read_to_string(dir.join("admin.token")).ok()?;
        let client = client_for(&format!("{url}/clusters/durable/control-plane"), &ca, Some(token.trim())).await;
        client.apiserver_version().await.ok()?;
        Some(client)
    })
    .await
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn every_acknowledged_write_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = spawn_server(dir.path(), port);
    let client = wait_ready(dir.path()).await;
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let mut writers = Vec::new();
    for writer in 0..4 {
        let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
        let acknowledged = acknowledged.clone();
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let name = format!("w{writer}-{i}");
                match api.create(&PostParams::default(), &configmap(&name, &name)).await {
                    Ok(_) => acknowledged.lock().unwrap().push(name),
                    Err(_) => return,
                }
            }
        }));
    }
    eventually("a stream of acknowledged writes", || async {
        (acknowledged.lock().unwrap().len() >= 200).then_some(())
    })
    .await;
    server.0.kill().expect("SIGKILL");
    server.0.wait().unwrap();
    for writer in writers {
        let _ = tokio::time::timeout(Duration::from_secs(30), writer).await;
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    let _server = spawn_server(dir.path(), port);
    let client = wait_ready(dir.path()).await;
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    let stored: std::collections::HashSet<String> =
        api.list(&Default::default()).await.unwrap().items.into_iter().map(|cm| cm.metadata.name.unwrap()).collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|name| !stored.contains(*name)).collect();
    assert!(lost.is_empty(), "{} acknowledged writes lost, e.g. {:?}", lost.len(), &lost[..lost.len().min(5)]);
}
