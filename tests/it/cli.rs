//! The built `kplane` binary under an isolated HOME, KUBECONFIG and XDG dirs: help, output
//! streams, exit codes, no ANSI codes when stdout/stderr are not terminals.

use std::process::{Command, Output};

struct Isolated {
    home: tempfile::TempDir,
}

impl Isolated {
    fn new() -> Self {
        Isolated { home: tempfile::tempdir().unwrap() }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_kplane"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join(".config"))
            .env("XDG_DATA_HOME", self.home.path().join(".local/share"))
            .env("KUBECONFIG", self.home.path().join("kubeconfig"))
            .output()
            .expect("kplane runs")
    }

    /// Runs with a PATH that holds no tools, whatever the machine has installed.
    fn run_without_tools(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_kplane"))
            .args(args)
            .env_clear()
            .env("PATH", self.home.path())
            .env("HOME", self.home.path())
            .env("KUBECONFIG", self.home.path().join("kubeconfig"))
            .output()
            .expect("kplane runs")
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_no_ansi(output: &Output) {
    assert!(!output.stdout.contains(&0x1b) && !output.stderr.contains(&0x1b), "ANSI escape codes in {output:?}");
}

#[test]
fn help_lists_the_commands_on_stdout() {
    let output = Isolated::new().run(&["--help"]);
    assert!(output.status.success());
    let stdout = text(&output.stdout);
    for command in [
        "up",
        "down",
        "create",
        "cc",
        "delete",
        "get",
        "get-credentials",
        "snapshot",
        "config",
        "doctor",
        "serve",
        "version",
        "completion",
    ] {
        assert!(stdout.contains(command), "{command} missing from:\n{stdout}");
    }
    assert_no_ansi(&output);
}

#[test]
fn version_prints_the_client_and_says_when_no_server_is_reachable() {
    let output = Isolated::new().run(&["version"]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(text(&output.stdout), format!("Client Version: kplane {}\n", env!("CARGO_PKG_VERSION")));
    assert!(text(&output.stderr).contains("server: not reachable"), "{output:?}");
    let quiet = Isolated::new().run(&["version", "--quiet"]);
    assert!(quiet.stderr.is_empty(), "--quiet silences messages: {quiet:?}");
    assert_no_ansi(&output);
}

#[test]
fn completion_scripts_are_generated_for_each_shell() {
    let isolated = Isolated::new();
    for (shell, marker) in [
        ("bash", "_kplane()"),
        ("zsh", "#compdef kplane"),
        ("fish", "complete -c kplane"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let output = isolated.run(&["completion", shell]);
        assert!(output.status.success(), "{shell}: {output:?}");
        assert!(text(&output.stdout).contains(marker), "{shell}");
    }
}

#[test]
fn usage_errors_exit_2_and_name_the_problem() {
    let output = Isolated::new().run(&["completion", "tcsh"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("invalid value 'tcsh'"), "{output:?}");
    assert!(output.stdout.is_empty());
}

#[test]
fn serve_failures_exit_1_with_the_cause() {
    let isolated = Isolated::new();
    let blocker = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = blocker.local_addr().unwrap().port().to_string();
    let dir = isolated.home.path().join("data");
    let output = isolated.run(&["serve", "--data-dir", dir.to_str().unwrap(), "--port", &port]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("error: starting the API server") && stderr.contains(&port), "{stderr}");
    assert_no_ansi(&output);
}

#[test]
fn serve_logs_carry_no_ansi_codes_when_not_on_a_terminal() {
    let isolated = Isolated::new();
    let dir = isolated.home.path().join("data");
    let child = Command::new(env!("CARGO_BIN_EXE_kplane"))
        .args(["serve", "--port", "0", "--data-dir", dir.to_str().unwrap()])
        .env("HOME", isolated.home.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !dir.join("admin.kubeconfig").exists() {
        assert!(std::time::Instant::now() < deadline, "server never wrote its kubeconfig");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::Signal::SIGTERM).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "SIGTERM is a clean shutdown: {output:?}");
    assert!(text(&output.stderr).contains("serving"), "{output:?}");
    assert_no_ansi(&output);
}

fn free_port() -> String {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string()
}

fn kubeconfig(isolated: &Isolated) -> serde_json::Value {
    serde_norway::from_str(&std::fs::read_to_string(isolated.home.path().join("kubeconfig")).unwrap()).unwrap()
}

#[test]
fn up_writes_a_verifying_context_reuses_a_healthy_plane_and_down_removes_everything() {
    let isolated = Isolated::new();
    let port = free_port();
    let first = isolated.run(&["up", "--port", &port]);
    assert!(first.status.success(), "{first:?}");
    assert!(first.stdout.is_empty(), "up prints no data to stdout");
    assert_no_ansi(&first);
    let config = kubeconfig(&isolated);
    assert_eq!(config["current-context"], "kplane@kplane-management");
    let cluster = &config["clusters"][0]["cluster"];
    assert_eq!(cluster["server"], format!("https://127.0.0.1:{port}"));
    assert!(cluster["certificate-authority-data"].is_string() && cluster.get("insecure-skip-tls-verify").is_none());
    let token = config["users"][0]["user"]["token"].clone();

    let again = isolated.run(&["up", "--port", &port]);
    assert!(again.status.success(), "{again:?}");
    assert!(text(&again.stderr).contains("nothing changed"), "{again:?}");
    assert_eq!(kubeconfig(&isolated)["users"][0]["user"]["token"], token, "no new token on reuse");

    let clash = isolated.run(&["up", "--port", &port, "--cluster-name", "other"]);
    assert_eq!(clash.status.code(), Some(1));
    assert!(text(&clash.stderr).contains(&format!("port {port}")), "{clash:?}");

    // get-credentials writes the context again after it is removed; unknown names are explained.
    std::fs::remove_file(isolated.home.path().join("kubeconfig")).unwrap();
    let credentials = isolated.run(&["get-credentials", "kplane-management"]);
    assert!(credentials.status.success(), "{credentials:?}");
    assert_eq!(kubeconfig(&isolated)["users"][0]["user"]["token"], token);
    let unknown = isolated.run(&["get-credentials", "demo"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(text(&unknown.stderr).contains("there is no control plane demo"), "{unknown:?}");

    let down = isolated.run(&["down"]);
    assert!(down.status.success(), "{down:?}");
    let config = kubeconfig(&isolated);
    assert_eq!(config["contexts"], serde_json::json!([]));
    assert!(!isolated.home.path().join(".local/share/kplane/embedded/kplane-management").exists());
}

#[test]
fn up_with_a_container_provider_and_no_docker_fails_fast_naming_what_is_missing() {
    let isolated = Isolated::new();
    let output = isolated.run_without_tools(&["up", "--provider", "kind"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("needs kind") && stderr.contains("kind.sigs.k8s.io"), "{stderr}");
}

#[test]
fn config_view_shows_sources_and_set_provider_keeps_unknown_keys() {
    let isolated = Isolated::new();
    let view = isolated.run(&["config", "view"]);
    assert!(view.status.success(), "{view:?}");
    let out = text(&view.stdout);
    assert!(out.contains("provider: embedded") && out.contains("default"), "{out}");

    let config = isolated.home.path().join(".config/kplane/config.yaml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "mine: keep\nprofiles:\n  default:\n    port: 9443\n    extra: 1\n").unwrap();
    let set = isolated.run(&["config", "set-provider", "k3d"]);
    assert!(set.status.success(), "{set:?}");
    let saved: serde_json::Value = serde_norway::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    assert_eq!(saved["profiles"]["default"]["provider"], "k3s");
    assert_eq!((saved["mine"].as_str(), saved["profiles"]["default"]["extra"].as_i64()), (Some("keep"), Some(1)));
    let out = text(&isolated.run(&["config", "view"]).stdout);
    assert!(out.lines().any(|l| l.starts_with("provider: k3s") && l.contains("file")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("port: 9443")), "{out}");
    let bad = isolated.run(&["config", "set-provider", "docker"]);
    assert_eq!(bad.status.code(), Some(1));
}

#[test]
fn use_context_accepts_names_without_the_kplane_prefix() {
    let isolated = Isolated::new();
    let kubeconfig = "apiVersion: v1\nkind: Config\ncurrent-context: other\nclusters: []\nusers: []\n\
        contexts:\n- name: other\n  context: {cluster: c, user: u}\n- name: kplane-demo\n  context: {cluster: c, user: u}\n";
    std::fs::write(isolated.home.path().join("kubeconfig"), kubeconfig).unwrap();
    let switched = isolated.run(&["config", "use-context", "demo"]);
    assert!(switched.status.success(), "{switched:?}");
    assert_eq!(self::kubeconfig(&isolated)["current-context"], "kplane-demo");
    // Not in the kubeconfig: kplane tries to fetch its credentials, which needs a management plane.
    let missing = isolated.run(&["config", "use-context", "nope"]);
    assert_eq!(missing.status.code(), Some(1));
    let stderr = text(&missing.stderr);
    assert!(stderr.contains("\"nope\"") && stderr.contains("kplane up"), "{stderr}");
}

#[test]
fn doctor_reports_each_check_and_fails_for_a_missing_provider_tool() {
    let isolated = Isolated::new();
    let ok = isolated.run(&["doctor"]);
    assert!(ok.status.success(), "{ok:?}");
    let out = text(&ok.stdout);
    assert!(out.contains("✓ provider embedded") && out.contains("✓ kubeconfig"), "{out}");
    let kind = isolated.run_without_tools(&["doctor", "--provider", "kind"]);
    let out = text(&kind.stdout);
    assert_eq!(kind.status.code(), Some(1), "{kind:?}");
    assert!(out.contains("✗ provider kind"), "{out}");
}

/// A kube client for `context` of the isolated kubeconfig: TLS verified against the CA kplane
/// wrote, the token kplane wrote.
async fn client_for_context(isolated: &Isolated, context: &str) -> kube::Client {
    let paths = kplane::kubeconfig::KubeconfigPaths::explicit(isolated.home.path().join("kubeconfig"));
    kplane::kubeconfig::client(&paths, context).await.expect("client from the written kubeconfig")
}

#[tokio::test]
async fn create_get_use_and_delete_a_virtual_control_plane() {
    let isolated = Isolated::new();
    let port = free_port();
    let up = isolated.run(&["up", "--port", &port]);
    assert!(up.status.success(), "{up:?}");

    let create = isolated.run(&["cc", "demo"]);
    assert!(create.status.success(), "{create:?}");
    assert!(create.stdout.is_empty(), "cc prints no data to stdout");
    assert_no_ansi(&create);
    let config = kubeconfig(&isolated);
    assert_eq!(config["current-context"], "kplane-demo");
    let cluster = config["clusters"].as_array().unwrap().iter().find(|c| c["name"] == "kplane-demo").unwrap();
    assert_eq!(cluster["cluster"]["server"], format!("https://127.0.0.1:{port}/clusters/demo/control-plane"));
    assert!(cluster["cluster"].get("insecure-skip-tls-verify").is_none());
    let user = config["users"].as_array().unwrap().iter().find(|u| u["name"] == "kplane-demo").unwrap();
    let token = user["user"]["token"].as_str().unwrap();
    assert!(token.starts_with("kplane.demo."), "a per-plane token, not the admin's: {token}");

    // The written context reaches the plane (TLS verified) and only it.
    let demo = client_for_context(&isolated, "kplane-demo").await;
    let namespaces: kube::Api<k8s_openapi::api::core::v1::Namespace> = kube::Api::all(demo);
    let names: Vec<String> =
        namespaces.list(&Default::default()).await.unwrap().iter().map(kube::ResourceExt::name_any).collect();
    assert!(names.contains(&"kube-system".to_string()), "{names:?}");

    let again = isolated.run(&["create", "cluster", "demo"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("already exists"), "{again:?}");

    let table = isolated.run(&["get", "clusters"]);
    assert!(table.status.success(), "{table:?}");
    let out = text(&table.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].split_whitespace().eq(["CURRENT", "NAME", "TYPE", "READY", "ENDPOINT", "AGE"]), "{out}");
    assert!(lines.iter().any(|l| l.starts_with('*') && l.contains(" demo ") && l.contains("True")), "{out}");
    assert!(lines.iter().any(|l| l.contains("kplane-management") && l.contains("management")), "{out}");
    let json = isolated.run(&["get", "clusters", "-o", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let items = doc["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{doc}");
    assert_eq!((items[1]["name"].as_str(), items[1]["ready"].as_bool()), (Some("demo"), Some(true)));
    assert_eq!(text(&isolated.run(&["get", "clusters", "-o", "name"]).stdout), "kplane-management\ndemo\n");

    // use-context back and forth; a missing context is fetched instead of failing.
    assert!(isolated.run(&["config", "use-context", "kplane@kplane-management"]).status.success());
    assert_eq!(kubeconfig(&isolated)["current-context"], "kplane@kplane-management");
    let removed = isolated.run(&["config", "use-context", "demo"]);
    assert!(removed.status.success(), "{removed:?}");
    assert_eq!(kubeconfig(&isolated)["current-context"], "kplane-demo");
    kplane::kubeconfig::remove_entries(
        &kplane::kubeconfig::KubeconfigPaths::explicit(isolated.home.path().join("kubeconfig")),
        &["kplane-demo"],
    )
    .unwrap();
    let fetched = isolated.run(&["config", "use-context", "kplane-demo"]);
    assert!(fetched.status.success(), "{fetched:?}");
    assert_eq!(kubeconfig(&isolated)["current-context"], "kplane-demo");

    let delete = isolated.run(&["delete", "cluster", "demo"]);
    assert!(delete.status.success(), "{delete:?}");
    let config = kubeconfig(&isolated);
    assert!(config["contexts"].as_array().unwrap().iter().all(|c| c["name"] != "kplane-demo"), "{config}");
    let old = client_for_context_token(&isolated, &port, token).await;
    let refused = kube::Api::<k8s_openapi::api::core::v1::Namespace>::all(old).list(&Default::default()).await;
    assert!(matches!(refused, Err(kube::Error::Api(ref s)) if s.code == 401), "{refused:?}");
    let listed = text(&isolated.run(&["get", "clusters", "-o", "name"]).stdout);
    assert_eq!(listed, "kplane-management\n");

    assert!(isolated.run(&["down"]).status.success());
}

#[tokio::test]
async fn snapshot_prints_a_table_of_resource_types_or_the_whole_document() {
    let isolated = Isolated::new();
    let port = free_port();
    assert!(isolated.run(&["up", "--port", &port]).status.success());
    assert!(isolated.run(&["cc", "demo"]).status.success());
    let demo = client_for_context(&isolated, "kplane-demo").await;
    let cms: kube::Api<k8s_openapi::api::core::v1::ConfigMap> = kube::Api::namespaced(demo, "default");
    let cm = serde_json::from_value(serde_json::json!({"metadata": {"name": "seed"}, "data": {"k": "v"}})).unwrap();
    cms.create(&Default::default(), &cm).await.unwrap();

    let table = isolated.run(&["snapshot", "demo"]);
    assert!(table.status.success(), "{table:?}");
    assert_no_ansi(&table);
    let out = text(&table.stdout);
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows[0], ["RESOURCE", "GROUP", "ITEMS"], "{out}");
    assert!(rows.contains(&vec!["configmaps", "core", "1"]), "{out}");
    assert!(rows.contains(&vec!["namespaces", "core", "4"]), "{out}");
    assert!(text(&table.stderr).contains("resourceVersion"), "a summary on stderr: {table:?}");

    let json = isolated.run(&["snapshot", "demo", "-o", "json", "--resource", "configmaps,secrets", "--include-empty"]);
    assert!(json.status.success(), "{json:?}");
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!((doc["cluster"].as_str(), doc["liveResources"].as_u64()), (Some("demo"), Some(2)), "{doc}");
    assert_eq!(doc["resources"][0]["items"][0]["metadata"]["name"], "seed");
    assert_eq!(
        (doc["resources"][1]["resource"].as_str(), doc["resources"][1]["itemCount"].as_u64()),
        (Some("secrets"), Some(0))
    );
    let yaml = isolated.run(&["snapshot", "demo", "-o", "yaml", "--resource", "configmaps", "--warm"]);
    let from_yaml: serde_json::Value = serde_norway::from_slice(&yaml.stdout).unwrap();
    assert_eq!(from_yaml["resources"][0]["items"][0]["data"]["k"], "v");

    // The management plane by its name; it holds the ControlPlanes.
    let management =
        isolated.run(&["snapshot", "kplane-management", "--resource", "controlplanes.controlplane.kplane.dev"]);
    assert!(management.status.success(), "{management:?}");
    assert!(text(&management.stdout).lines().any(|l| l.split_whitespace().eq([
        "controlplanes",
        "controlplane.kplane.dev",
        "1"
    ])));

    let unknown = isolated.run(&["snapshot", "demo", "--resource", "nope"]);
    assert_eq!(unknown.status.code(), Some(1), "{unknown:?}");
    assert!(text(&unknown.stderr).contains("\"nope\""), "{unknown:?}");
    // A plane that does not exist is reported, not created by the snapshot's request.
    let typo = isolated.run(&["snapshot", "dmeo"]);
    assert_eq!(typo.status.code(), Some(1), "{typo:?}");
    assert!(text(&typo.stderr).contains("there is no control plane dmeo"), "{typo:?}");
    assert_eq!(
        text(&isolated.run(&["get", "clusters", "-o", "name"]).stdout).lines().filter(|l| *l == "dmeo").count(),
        0
    );
    assert!(isolated.run(&["down"]).status.success());
}

/// A client for plane `demo` with a given token, trusting the management plane's CA.
async fn client_for_context_token(isolated: &Isolated, port: &str, token: &str) -> kube::Client {
    let config = kubeconfig(isolated);
    let ca = config["clusters"][0]["cluster"]["certificate-authority-data"].as_str().unwrap();
    let yaml = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:{port}/clusters/demo/control-plane\n    certificate-authority-data: {ca}\nusers:\n- name: u\n  user:\n    token: {token}\ncontexts:\n- name: x\n  context: {{cluster: c, user: u}}\ncurrent-context: x\n"
    );
    let path = isolated.home.path().join("old-token.kubeconfig");
    std::fs::write(&path, yaml).unwrap();
    let paths = kplane::kubeconfig::KubeconfigPaths::explicit(path);
    kplane::kubeconfig::client(&paths, "x").await.unwrap()
}

/// Compares `actual` with the committed snapshot `tests/it/snapshots/<name>`; with
/// `KPLANE_UPDATE_SNAPSHOTS=1` in the environment it rewrites the snapshot instead.
fn assert_snapshot(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/snapshots").join(name);
    if std::env::var_os("KPLANE_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs from the output (rerun with KPLANE_UPDATE_SNAPSHOTS=1 to accept it):\n--- snapshot\n{expected}\n--- output\n{actual}",
        path.display()
    );
}

#[test]
fn help_texts_match_their_snapshots() {
    let isolated = Isolated::new();
    for (snapshot, args) in [
        ("help.txt", &["--help"][..]),
        ("help-up.txt", &["up", "--help"][..]),
        ("help-create-cluster.txt", &["create", "cluster", "--help"][..]),
        ("help-cc.txt", &["cc", "--help"][..]),
        ("help-delete-cluster.txt", &["delete", "cluster", "--help"][..]),
        ("help-get-clusters.txt", &["get", "clusters", "--help"][..]),
        ("help-get-credentials.txt", &["get-credentials", "--help"][..]),
        ("help-snapshot.txt", &["snapshot", "--help"][..]),
        ("help-config.txt", &["config", "--help"][..]),
        ("help-fleet-create.txt", &["fleet", "create", "--help"][..]),
    ] {
        let output = isolated.run(args);
        assert!(output.status.success(), "{args:?}: {output:?}");
        assert!(output.stderr.is_empty(), "help goes to stdout: {output:?}");
        assert_no_ansi(&output);
        assert_snapshot(snapshot, &text(&output.stdout));
    }
}

#[test]
fn fleet_create_wait_get_list_and_delete() {
    let isolated = Isolated::new();
    let port = free_port();
    assert!(isolated.run(&["up", "--port", &port]).status.success());
    let template = isolated.home.path().join("template.yaml");
    std::fs::write(&template, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: seed}\ndata: {k: v}\n").unwrap();

    let create = isolated.run(&[
        "fleet",
        "create",
        "rl",
        "--replicas",
        "3",
        "--deletion-policy",
        "Delete",
        "--template",
        template.to_str().unwrap(),
        "--wait",
    ]);
    assert!(create.status.success(), "{create:?}");
    assert!(create.stdout.is_empty(), "progress goes to stderr");
    assert_no_ansi(&create);
    assert!(text(&create.stderr).contains("ready: Fleet rl (3 members)"), "{create:?}");

    let list = text(&isolated.run(&["fleet", "list"]).stdout);
    let row: Vec<&str> = list.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(row[..4], ["rl", "3", "3", "Delete"], "{list}");
    assert_eq!(text(&isolated.run(&["fleet", "get", "rl", "-o", "name"]).stdout), "rl-0000\nrl-0001\nrl-0002\n");
    let members = text(&isolated.run(&["fleet", "get", "rl"]).stdout);
    assert_eq!(members.lines().filter(|l| l.contains(" Ready ")).count(), 3, "{members}");
    let fleet: serde_json::Value =
        serde_json::from_slice(&isolated.run(&["fleet", "get", "rl", "-o", "json"]).stdout).unwrap();
    assert_eq!(fleet["status"]["readyReplicas"], 3);

    // Members are planes like any other: listed, and their credentials can be fetched.
    let clusters = text(&isolated.run(&["get", "clusters", "-o", "name"]).stdout);
    assert_eq!(clusters, "kplane-management\nrl-0000\nrl-0001\nrl-0002\n");
    assert!(isolated.run(&["get-credentials", "rl-0001"]).status.success());
    assert_eq!(kubeconfig(&isolated)["current-context"], "kplane-rl-0001");

    let bad = isolated.run(&["fleet", "create", "bad", "--replicas", "2", "--names", "a"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("spec.names"), "{bad:?}");
    let twice = isolated.run(&["fleet", "create", "rl", "--replicas", "1"]);
    assert_eq!(twice.status.code(), Some(1));
    assert!(text(&twice.stderr).contains("already exists"), "{twice:?}");

    assert!(isolated.run(&["fleet", "delete", "rl"]).status.success());
    // Delete policy: the members go with the Fleet (their ControlPlanes finish deleting).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let clusters = text(&isolated.run(&["get", "clusters", "-o", "name"]).stdout);
        if clusters == "kplane-management\n" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "members still listed: {clusters}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(text(&isolated.run(&["fleet", "list", "-o", "name"]).stdout), "\n");
    assert!(isolated.run(&["down"]).status.success());
}
