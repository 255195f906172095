use std::os::unix::fs::PermissionsExt;

use super::*;
use crate::kubeconfig::paths::Env;
use crate::kubeconfig::validate::tests::entry;
use crate::kubeconfig::validate::{Credential, Entry};
use crate::kubeconfig::{Config, load};

fn env_list(files: &[&Path]) -> KubeconfigPaths {
    let joined = std::env::join_paths(files).unwrap();
    KubeconfigPaths::resolve(None, &Env { kubeconfig: Some(joined), home: None }).unwrap()
}

fn read(path: &Path) -> Config {
    Config::parse(path, &fs::read_to_string(path).unwrap()).unwrap()
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A file holding `entries` (each a cluster, user and context of that name, all valid).
fn seed(path: &Path, entries: &[&str], current: Option<&str>) {
    let mut config = Config::default();
    for name in entries {
        let one = entry(name, "old").to_config(false);
        config.clusters.extend(one.clusters);
        config.users.extend(one.users);
        config.contexts.extend(one.contexts);
    }
    config.current_context = current.map(str::to_owned);
    fs::write(path, config.to_yaml(path).unwrap()).unwrap();
}

#[test]
fn first_write_creates_a_private_file_in_a_private_dir() {
    let home = tempfile::tempdir().unwrap();
    let paths = KubeconfigPaths::resolve(None, &Env { kubeconfig: None, home: Some(home.path().into()) }).unwrap();
    let file = write_entry(&paths, &entry("kplane-dev", "t"), true).unwrap();

    let want = home.path().join(".kube/config");
    assert_eq!(file, want);
    assert_eq!(mode(&want), 0o600);
    assert_eq!(mode(&home.path().join(".kube")), 0o700);
    assert!(!home.path().join(".kube/config.lock").exists(), "lock released");
    let leftovers: Vec<_> = fs::read_dir(home.path().join(".kube")).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temp files left: {leftovers:?}");

    let merged = load(&paths).unwrap();
    assert_eq!(merged.current_context(), Some("kplane-dev"));
    let ctx = &merged.context("kplane-dev").unwrap().value;
    assert_eq!((ctx.cluster.as_deref(), ctx.user.as_deref()), (Some("kplane-dev"), Some("kplane-dev")));
    assert_eq!(merged.user("kplane-dev").unwrap().value.token.as_deref(), Some("t"));
    let yaml = fs::read_to_string(&want).unwrap();
    assert!(yaml.starts_with("apiVersion: v1\n"), "{yaml}");
}

#[test]
fn set_current_false_leaves_the_current_context_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    seed(&file, &["other"], Some("other"));
    write_entry(&KubeconfigPaths::explicit(&file), &entry("kplane-dev", "t"), false).unwrap();
    assert_eq!(read(&file).current(), Some("other"));
    assert!(read(&file).context("kplane-dev").is_some());
}

#[test]
fn each_entry_goes_where_kubectl_would_put_it() {
    // Files a and b in KUBECONFIG order. Seeds say what each holds beforehand: "-" file
    // missing, "" empty, else which of the `kplane-dev` triple it already defines. The entry
    // written is `kplane-dev` with set_current; the last column names the files that end up
    // with its [context, cluster, user] and with `current-context`.
    let cases: [(&str, &str, &str, [&str; 4]); 7] = [
        ("nothing anywhere, both exist: first existing", "", "", ["a", "a", "a", "a"]),
        ("no files: the last one", "-", "-", ["b", "b", "b", "b"]),
        ("only b exists: b", "-", "", ["b", "b", "b", "b"]),
        ("context in b: triple joins it", "", "context", ["b", "b", "b", "a"]),
        ("cluster in b: triple joins it", "", "cluster", ["b", "b", "b", "a"]),
        ("user in b: triple joins it", "", "user", ["b", "b", "b", "a"]),
        ("cluster in a, context in b: each stays", "cluster", "context", ["b", "a", "b", "a"]),
    ];
    for (name, seed_a, seed_b, [context, cluster, user, current]) in cases {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        for (path, seed) in [(&a, seed_a), (&b, seed_b)] {
            if seed == "-" {
                continue;
            }
            let mut config = entry("kplane-dev", "old").to_config(false);
            config.clusters.retain(|_| seed == "cluster");
            config.users.retain(|_| seed == "user");
            config.contexts.retain(|_| seed == "context");
            fs::write(path, config.to_yaml(path).unwrap()).unwrap();
        }
        let paths = env_list(&[&a, &b]);
        let written = write_entry(&paths, &entry("kplane-dev", "new"), true).unwrap();
        let file = |n: &str| dir.path().join(n);
        assert_eq!(written, file(context), "{name}: returned file");
        let merged = load(&paths).unwrap();
        assert_eq!(merged.context("kplane-dev").unwrap().source, file(context), "{name}: context");
        assert_eq!(merged.cluster("kplane-dev").unwrap().source, file(cluster), "{name}: cluster");
        assert_eq!(merged.user("kplane-dev").unwrap().source, file(user), "{name}: user");
        assert_eq!(merged.user("kplane-dev").unwrap().value.token.as_deref(), Some("new"), "{name}");
        assert_eq!(merged.current_context(), Some("kplane-dev"), "{name}");
        assert_eq!(merged.current_context_source(), Some(file(current).as_path()), "{name}");
    }
}

#[test]
fn replacing_an_entry_keeps_everything_else_including_unknown_fields() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    let before = r#"
apiVersion: v1
kind: Config
preferences: {colors: true}
x-top: {keep: me}
clusters:
- name: first
  x-named: 1
  cluster: {server: "https://first", certificate-authority-data: QQ==, proxy-url: "http://proxy", extensions: [{name: e, extension: {a: b}}]}
- name: kplane-dev
  cluster: {server: "https://stale", insecure-skip-tls-verify: true, proxy-url: "http://stale"}
- name: last
  cluster: {server: "https://last"}
users:
- name: first
  user: {exec: {command: aws, args: [eks, get-token]}}
- name: kplane-dev
  user: {client-certificate-data: c3RhbGU=, client-key-data: c3RhbGU=}
contexts:
- name: first
  context: {cluster: first, user: first, x-ctx: [1]}
current-context: first
"#;
    fs::write(&file, before).unwrap();
    write_entry(&KubeconfigPaths::explicit(&file), &entry("kplane-dev", "t"), false).unwrap();

    let old = Config::parse(&file, before).unwrap();
    let new = read(&file);
    assert_eq!(new.other, old.other, "top-level unknown keys");
    assert_eq!(new.current(), Some("first"));
    assert_eq!(new.clusters[0], old.clusters[0], "untouched cluster, unknown fields and all");
    assert_eq!(new.clusters[2], old.clusters[2]);
    assert_eq!(new.users[0], old.users[0]);
    assert_eq!(new.contexts[0], old.contexts[0]);
    // Replaced in place and whole: nothing of the stale definition survives.
    assert_eq!(new.clusters[1].name, "kplane-dev");
    let replaced = &new.clusters[1].cluster;
    assert_eq!(replaced.server.as_deref(), Some("https://127.0.0.1:8443/clusters/kplane-dev/control-plane"));
    assert_eq!((replaced.insecure_skip_tls_verify, replaced.other.len()), (None, 0));
    assert_eq!(new.users[1].user.client_certificate_data, None);
    assert_eq!(new.users[1].user.token.as_deref(), Some("t"));
    assert_eq!(new.contexts.len(), 2);
}

#[test]
fn refused_entries_leave_the_files_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    let paths = KubeconfigPaths::explicit(&file);
    let insecure: Config =
        Config::parse(&file, "clusters: [{name: x, cluster: {server: 'https://x', insecure-skip-tls-verify: true}}]\n")
            .unwrap();
    let no_ca = Entry { ca_pem: Vec::new(), ..entry("kplane-dev", "t") };
    let no_token = Entry { credential: Credential::Token(String::new()), ..entry("kplane-dev", "t") };
    assert!(matches!(write_config(&paths, &insecure, true), Err(Error::Refused { .. })));
    assert!(matches!(write_entry(&paths, &no_ca, true), Err(Error::Refused { .. })));
    assert!(matches!(write_entry(&paths, &no_token, true), Err(Error::Refused { .. })));
    assert!(!file.exists());
}

#[test]
fn an_unparsable_existing_file_is_an_error_and_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    fs::write(&file, "clusters: [oops\n").unwrap();
    let err = write_entry(&KubeconfigPaths::explicit(&file), &entry("kplane-dev", "t"), true).unwrap_err();
    assert!(err.to_string().contains(&*file.to_string_lossy()), "{err}");
    assert_eq!(fs::read_to_string(&file).unwrap(), "clusters: [oops\n");
}

#[test]
fn foreign_documents_merge_with_current_context_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    let paths = KubeconfigPaths::explicit(&file);
    let mut kind = entry("kind-mgmt", "t").to_config(true);
    kind.clusters[0].cluster.other.insert("x-kind".into(), "yes".into());
    assert_eq!(write_config(&paths, &kind, false).unwrap(), vec![file.clone()]);
    assert_eq!(read(&file).current(), None);
    assert_eq!(read(&file).clusters[0].cluster.other["x-kind"], "yes");
    write_config(&paths, &kind, true).unwrap();
    assert_eq!(read(&file).current(), Some("kind-mgmt"));
    assert_eq!(write_config(&paths, &kind, true).unwrap(), Vec::<PathBuf>::new(), "no-op rewrites nothing");
}

#[test]
fn removing_entries_clears_them_from_every_file_and_resets_current() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("c"));
    seed(&a, &["kplane-dev", "keep"], Some("kplane-dev"));
    seed(&b, &["kplane-dev"], Some("keep"));
    seed(&c, &["keep"], None);
    let c_before = fs::read_to_string(&c).unwrap();
    let paths = env_list(&[&a, &b, &c, &dir.path().join("missing")]);

    let changed = remove_entries(&paths, &["kplane-dev", "never-existed"]).unwrap();
    assert_eq!(changed, [a.clone(), b.clone()]);
    assert_eq!(fs::read_to_string(&c).unwrap(), c_before, "file without the names untouched");
    let merged = load(&paths).unwrap();
    assert!(merged.context("kplane-dev").is_none() && merged.cluster("kplane-dev").is_none());
    assert!(merged.user("kplane-dev").is_none());
    assert!(merged.context("keep").is_some());
    assert_eq!(read(&a).current_context.as_deref(), Some(""), "a pointed at the removed context");
    assert_eq!(read(&b).current(), Some("keep"), "b pointed elsewhere");
    assert_eq!(merged.current_context(), Some("keep"));
    assert_eq!(remove_entries(&paths, &["kplane-dev"]).unwrap(), Vec::<PathBuf>::new());
}

#[test]
fn use_context_requires_an_existing_context_and_writes_the_default_destination() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    seed(&b, &["kplane-dev"], None);
    let paths = env_list(&[&a, &b]);
    let err = set_current_context(&paths, "kplane-nope").unwrap_err();
    assert!(matches!(err, Error::ContextNotFound { .. }), "{err}");
    assert_eq!(set_current_context(&paths, "kplane-dev").unwrap(), b);
    assert_eq!(load(&paths).unwrap().current_context(), Some("kplane-dev"));
    assert!(!a.exists());
}

#[test]
fn concurrent_writers_lose_no_entries() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let paths = KubeconfigPaths::explicit(&file);
            std::thread::spawn(move || write_entry(&paths, &entry(&format!("kplane-p{i}"), "t"), true).map(drop))
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    let config = read(&file);
    assert_eq!(config.contexts.len(), 8);
    assert_eq!((config.clusters.len(), config.users.len()), (8, 8));
}

#[test]
fn existing_mode_is_kept_and_symlinks_are_followed() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("dotfiles-kubeconfig");
    let link = dir.path().join("config");
    seed(&target, &["keep"], None);
    fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();

    write_entry(&KubeconfigPaths::explicit(&link), &entry("kplane-dev", "t"), true).unwrap();
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(mode(&target), 0o640);
    assert!(read(&target).context("kplane-dev").is_some() && read(&target).context("keep").is_some());
}
