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
    for command in ["serve", "version", "completion"] {
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
    assert!(text(&unknown.stderr).contains("no management plane named demo"), "{unknown:?}");

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
    let missing = isolated.run(&["config", "use-context", "nope"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("kplane-nope"), "{missing:?}");
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
