//! Server benchmarks; results go to `docs/benchmarks.md`.
//!
//! Full run (release build, a few minutes):  `cargo bench --bench server`
//! Smoke run (tiny sizes, any profile):      `cargo test --bench server`
//!
//! Measures, in one process run (so numbers are comparable side by side):
//! 1. memory per empty plane at 1,000 and 10,000 planes: RSS delta ÷ planes, planes created
//!    server-side through the registry;
//! 2. plane creation latency, p50/p99: server-side (`Registry::create_plane`) and end to end
//!    (the first authorised HTTPS request to a new plane, which creates it);
//! 3. single-object create and get latency (p50/p99) and throughput on a plane that holds
//!    10,000 objects, over HTTPS with a kube-rs client;
//! 4. cold start to ready of the real binary (`kplane serve` on an empty data dir until
//!    `/readyz` answers), median of several runs;
//! 5. planes through the management API: N ControlPlanes created at once over HTTPS, time until
//!    the controller reports every one Ready (plane, token, kubeconfig Secret, status); and, in a
//!    fresh server without HTTPS clients, the RSS delta ÷ 10,000 such planes;
//! 6. snapshot latency, p50/p99, of planes holding 10 / 100 / 1,000 ConfigMaps while 1,000
//!    other planes exist: server-side (`Registry::snapshot`) and, for 100 objects, over HTTPS
//!    (`GET …/snapshot` with a kube-rs client, body decoded);
//! 7. Fleets of 100 and 1,000 members: from creating the Fleet (through the registry) until its
//!    status reports every member ready, each in a fresh server.

use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::ConfigMap;
use kplane::server::{self, ServerConfig};
use kplane::types::PlaneName;
use kube::api::{Api, PostParams};

struct Sizes {
    plane_counts: &'static [usize],
    control_planes: usize,
    control_plane_memory: usize,
    fleet_sizes: &'static [i32],
    latency_planes: usize,
    objects: usize,
    samples: usize,
    throughput_ops: usize,
    cold_starts: usize,
    /// Empty planes beside the snapshotted ones.
    snapshot_other_planes: usize,
    /// ConfigMaps in each snapshotted plane (one plane per entry).
    snapshot_objects: &'static [usize],
    /// The plane (by its ConfigMap count) whose snapshot is also timed over HTTPS.
    snapshot_https_objects: usize,
}

const FULL: Sizes = Sizes {
    plane_counts: &[1_000, 10_000],
    control_planes: 1_000,
    control_plane_memory: 10_000,
    fleet_sizes: &[100, 1_000],
    latency_planes: 2_000,
    objects: 10_000,
    samples: 2_000,
    throughput_ops: 10_000,
    cold_starts: 5,
    snapshot_other_planes: 1_000,
    snapshot_objects: &[10, 100, 1_000],
    snapshot_https_objects: 100,
};
const SMOKE: Sizes = Sizes {
    plane_counts: &[20],
    control_planes: 20,
    control_plane_memory: 20,
    fleet_sizes: &[5],
    latency_planes: 20,
    objects: 50,
    samples: 20,
    throughput_ops: 50,
    cold_starts: 1,
    snapshot_other_planes: 20,
    snapshot_objects: &[2, 5, 10],
    snapshot_https_objects: 5,
};

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let sizes = if full { FULL } else { SMOKE };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    println!("| metric | value |\n|---|---|");
    runtime.block_on(async {
        memory_per_plane(&sizes).await;
        plane_creation(&sizes).await;
        object_latency(&sizes).await;
        cold_start(&sizes).await;
        control_planes(&sizes).await;
        snapshot_latency(&sizes).await;
        fleets(&sizes).await;
    });
}

fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    kb * 1024
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index.min(samples.len() - 1)]
}

fn report(metric: &str, value: String) {
    println!("| {metric} | {value} |");
}

fn fmt(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

async fn start() -> (server::RunningServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = ServerConfig::new(dir.path().to_path_buf());
    config.port = 0;
    (server::start(config).await.expect("server starts"), dir)
}

async fn memory_per_plane(sizes: &Sizes) {
    for &count in sizes.plane_counts {
        let (running, _dir) = start().await;
        let before = rss_bytes();
        for i in 0..count {
            let plane = PlaneName::parse(&format!("mem-{i}")).expect("plane name");
            running.registry.create_plane(&plane).await.expect("plane");
        }
        let after = rss_bytes();
        let per_plane = after.saturating_sub(before) as f64 / count as f64;
        report(
            &format!("memory per empty plane at {count} planes (RSS delta ÷ planes)"),
            format!("{:.1} KB", per_plane / 1024.0),
        );
        running.shutdown().await;
    }
}

async fn plane_creation(sizes: &Sizes) {
    let (running, _dir) = start().await;
    let mut server_side = Vec::with_capacity(sizes.latency_planes);
    for i in 0..sizes.latency_planes {
        let plane = PlaneName::parse(&format!("lat-{i}")).expect("plane name");
        let started = Instant::now();
        running.registry.create_plane(&plane).await.expect("plane");
        server_side.push(started.elapsed());
    }
    report("plane creation, server-side, p50", fmt(percentile(&mut server_side, 0.5)));
    report("plane creation, server-side, p99", fmt(percentile(&mut server_side, 0.99)));

    let mut end_to_end = Vec::new();
    for i in 0..sizes.samples.min(500) {
        let client = client(&running, &format!("http-{i}")).await;
        let api: Api<ConfigMap> = Api::namespaced(client, "default");
        let started = Instant::now();
        api.list(&Default::default()).await.expect("first request creates the plane");
        end_to_end.push(started.elapsed());
    }
    report("plane creation by first HTTPS request (incl. list), p50", fmt(percentile(&mut end_to_end, 0.5)));
    report("plane creation by first HTTPS request (incl. list), p99", fmt(percentile(&mut end_to_end, 0.99)));
    running.shutdown().await;
}

async fn control_planes(sizes: &Sizes) {
    use kplane::types::controlplane::ControlPlane;
    let (running, _dir) = start().await;
    let api: Api<ControlPlane> = Api::all(client(&running, "root").await);
    let count = sizes.control_planes;
    let started = Instant::now();
    let creates = (0..count).map(|i| {
        let api = api.clone();
        async move { api.create(&PostParams::default(), &ControlPlane::named(&format!("cp-{i}"))).await }
    });
    for created in futures_util::future::join_all(creates).await {
        created.expect("ControlPlane created");
    }
    let created = started.elapsed();
    loop {
        let list = api.list(&Default::default()).await.expect("list");
        if list.items.iter().filter(|cp| cp.is_ready()).count() == count {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(600), "ControlPlanes never became ready");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let ready = started.elapsed();
    report(&format!("{count} ControlPlanes created at once over HTTPS"), fmt(created));
    report(&format!("{count} ControlPlanes created until all Ready"), fmt(ready));
    running.shutdown().await;

    // Memory without the HTTPS clients (which share this process): ControlPlanes created
    // through the registry, reconciled by the controller as above.
    let (running, _dir) = start().await;
    let planes = kplane::registry::kind::KindTable::management()
        .lookup("controlplane.kplane.dev", "v1alpha1", "controlplanes")
        .expect("controlplanes")
        .clone();
    let target = kplane::registry::store::Target { plane: PlaneName::root(), rt: planes, namespace: None };
    let count = sizes.control_plane_memory;
    let before = rss_bytes();
    for i in 0..count {
        let object = serde_json::to_value(ControlPlane::named(&format!("mem-{i}"))).expect("json");
        running.registry.create(&target, object, &Default::default()).await.expect("ControlPlane created");
    }
    loop {
        let list = running.registry.list(&target, &Default::default()).await.expect("list");
        if list.items.iter().filter(|cp| cp.pointer("/status/conditions/0/status") == Some(&"True".into())).count()
            == count
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let per_plane = rss_bytes().saturating_sub(before) as f64 / count as f64;
    report(
        &format!("memory per plane with its ControlPlane and kubeconfig Secret at {count} planes (RSS delta ÷ planes)"),
        format!("{:.1} KB", per_plane / 1024.0),
    );
    running.shutdown().await;
}

async fn fleets(sizes: &Sizes) {
    use kplane::types::fleet::Fleet;
    for &replicas in sizes.fleet_sizes {
        let (running, _dir) = start().await;
        let rt = kplane::registry::kind::KindTable::management()
            .lookup("kplane.dev", "v1", "fleets")
            .expect("fleets")
            .clone();
        let target = kplane::registry::store::Target { plane: PlaneName::root(), rt, namespace: None };
        let started = Instant::now();
        let fleet = serde_json::to_value(Fleet::new("bench", replicas)).expect("json");
        running.registry.create(&target, fleet, &Default::default()).await.expect("Fleet created");
        loop {
            let fleet = running.registry.get(&target, "bench").await.expect("Fleet");
            if fleet.pointer("/status/readyReplicas").and_then(serde_json::Value::as_i64) == Some(i64::from(replicas)) {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(600), "the Fleet never became ready");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        report(&format!("Fleet of {replicas} members, created until all Ready"), fmt(started.elapsed()));
        running.shutdown().await;
    }
}

async fn client(running: &server::RunningServer, plane: &str) -> kube::Client {
    let yaml = server::kubeconfig::render(&running.url(plane), &running.ca_pem, &running.admin_token);
    let kubeconfig = kube::config::Kubeconfig::from_yaml(&yaml).expect("kubeconfig");
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default()).await.expect("config");
    kube::Client::try_from(config).expect("client")
}

fn configmap(name: &str) -> ConfigMap {
    serde_json::from_value(serde_json::json!({"metadata": {"name": name}, "data": {"key": "value"}})).expect("cm")
}

async fn object_latency(sizes: &Sizes) {
    let (running, _dir) = start().await;
    let api: Api<ConfigMap> = Api::namespaced(client(&running, "bench").await, "default");
    use futures_util::StreamExt;
    let fill = futures_util::stream::iter(0..sizes.objects).map(|i| {
        let api = api.clone();
        async move { api.create(&PostParams::default(), &configmap(&format!("fill-{i}"))).await.expect("fill") }
    });
    fill.buffer_unordered(32).collect::<Vec<_>>().await;

    let mut creates = Vec::new();
    let mut gets = Vec::new();
    for i in 0..sizes.samples {
        let name = format!("lat-{i}");
        let started = Instant::now();
        api.create(&PostParams::default(), &configmap(&name)).await.expect("create");
        creates.push(started.elapsed());
        let started = Instant::now();
        api.get(&format!("fill-{}", i % sizes.objects)).await.expect("get");
        gets.push(started.elapsed());
    }
    let label = |what: &str, p: &str| format!("{what} on a plane with {} objects, sequential, {p}", sizes.objects);
    report(&label("create", "p50"), fmt(percentile(&mut creates, 0.5)));
    report(&label("create", "p99"), fmt(percentile(&mut creates, 0.99)));
    report(&label("get", "p50"), fmt(percentile(&mut gets, 0.5)));
    report(&label("get", "p99"), fmt(percentile(&mut gets, 0.99)));

    for (what, concurrency) in [("create", 32), ("get", 32)] {
        let started = Instant::now();
        let ops = futures_util::stream::iter(0..sizes.throughput_ops).map(|i| {
            let api = api.clone();
            async move {
                if what == "create" {
                    api.create(&PostParams::default(), &configmap(&format!("tp-{i}"))).await.map(|_| ())
                } else {
                    api.get(&format!("fill-{}", i % sizes.objects)).await.map(|_| ())
                }
            }
        });
        let results: Vec<_> = ops.buffer_unordered(concurrency).collect().await;
        assert!(results.iter().all(Result::is_ok), "every {what} succeeds");
        let rate = sizes.throughput_ops as f64 / started.elapsed().as_secs_f64();
        report(&format!("{what} throughput, {concurrency} concurrent clients"), format!("{rate:.0} ops/s"));
    }
    running.shutdown().await;
}

async fn snapshot_latency(sizes: &Sizes) {
    use futures_util::StreamExt;
    use kplane::registry::store::{SnapshotOptions, Target};
    let (running, _dir) = start().await;
    let registry = &running.registry;
    let others = sizes.snapshot_other_planes;
    for i in 0..others {
        let plane = PlaneName::parse(&format!("other-{i}")).expect("plane name");
        registry.create_plane(&plane).await.expect("plane");
    }
    let configmaps =
        kplane::registry::kind::KindTable::builtin().lookup("", "v1", "configmaps").expect("configmaps").clone();
    for &count in sizes.snapshot_objects {
        let name = format!("snap-{count}");
        let plane = PlaneName::parse(&name).expect("plane name");
        registry.create_plane(&plane).await.expect("plane");
        let target = Target { plane: plane.clone(), rt: configmaps.clone(), namespace: Some("default".into()) };
        let fill = futures_util::stream::iter(0..count).map(|i| {
            let object = serde_json::json!({
                "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("cm-{i}")}, "data": {"key": "value"},
            });
            let target = &target;
            async move { registry.create(target, object, &Default::default()).await.expect("fill") }
        });
        fill.buffer_unordered(32).collect::<Vec<_>>().await;

        let options = SnapshotOptions::default();
        let mut server_side = Vec::with_capacity(sizes.samples);
        for _ in 0..sizes.samples {
            let started = Instant::now();
            let snapshot = registry.snapshot(&plane, &options).await.expect("snapshot");
            server_side.push(started.elapsed());
            assert_eq!(snapshot.total_items(), count + 4, "the ConfigMaps and the system namespaces");
        }
        let label = |how: &str, p: &str| {
            format!("snapshot of a plane with {count} objects (+ 4 namespaces), {others} other planes, {how}, {p}")
        };
        report(&label("server-side", "p50"), fmt(percentile(&mut server_side, 0.5)));
        report(&label("server-side", "p99"), fmt(percentile(&mut server_side, 0.99)));
        if count != sizes.snapshot_https_objects {
            continue;
        }
        let client = client(&running, &name).await;
        let mut over_https = Vec::with_capacity(sizes.samples);
        for _ in 0..sizes.samples {
            let request = axum::http::Request::get("/snapshot").body(Vec::new()).expect("request");
            let started = Instant::now();
            let body = client.request_text(request).await.expect("snapshot over HTTPS");
            let snapshot: kplane::types::snapshot::Snapshot = serde_json::from_str(&body).expect("a snapshot");
            over_https.push(started.elapsed());
            assert_eq!(snapshot.total_items(), count + 4);
        }
        report(&label("over HTTPS", "p50"), fmt(percentile(&mut over_https, 0.5)));
        report(&label("over HTTPS", "p99"), fmt(percentile(&mut over_https, 0.99)));
    }
    running.shutdown().await;
}

async fn cold_start(sizes: &Sizes) {
    let mut samples = Vec::new();
    for _ in 0..sizes.cold_starts {
        let dir = tempfile::tempdir().expect("temp dir");
        let started = Instant::now();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kplane"))
            .args(["serve", "--port", "0", "--data-dir"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("kplane serve");
        // Ready = /readyz answers over HTTPS, with the kubeconfig the server wrote.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if readyz(&dir.path().join("admin.kubeconfig")).await {
                break;
            }
            assert!(Instant::now() < deadline, "server never became ready");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        samples.push(started.elapsed());
        let _ = child.kill();
        let _ = child.wait();
    }
    report("cold start to ready (fresh data dir, median)", fmt(percentile(&mut samples, 0.5)));
}

async fn readyz(kubeconfig: &std::path::Path) -> bool {
    let Ok(yaml) = std::fs::read_to_string(kubeconfig) else { return false };
    let Ok(parsed) = kube::config::Kubeconfig::from_yaml(&yaml) else { return false };
    let Ok(config) = kube::Config::from_custom_kubeconfig(parsed, &Default::default()).await else { return false };
    let Ok(client) = kube::Client::try_from(config) else { return false };
    let request = axum::http::Request::get("/readyz").body(Vec::new()).expect("request");
    client.request_text(request).await.is_ok_and(|body| body == "ok")
}
