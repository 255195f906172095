//! Resolution and validation. Every test builds its own environment and, when it needs files, a
//! temp dir standing in for HOME; none reads the real environment or config.
#![expect(clippy::type_complexity, reason = "case tables are tuples, read row by row")]

use std::path::{Path, PathBuf};

use super::*;

const HOME: &str = "/home/u";
const CONFIG: &str = "/home/u/.config/kplane/config.yaml";

fn env(pairs: &[(&str, &str)]) -> Env {
    pairs.iter().copied().collect()
}

fn home_env() -> Env {
    env(&[("HOME", HOME)])
}

/// Resolves against `yaml` as if it had been read from `CONFIG`.
fn resolve_yaml(flags: &Flags, env: &Env, yaml: &str) -> Result<Settings> {
    let file: ConfigFile = serde_norway::from_str(yaml).expect("test YAML parses");
    Settings::from_file(flags, env, &file, CONFIG.into(), Source::Default)
}

fn defaults() -> Settings {
    resolve_yaml(&Flags::default(), &home_env(), "").expect("defaults resolve")
}

#[test]
fn config_location_is_flag_then_xdg_config_home_then_home() {
    let cases: &[(Option<&str>, &[(&str, &str)], &str, Source)] = &[
        (Some("/etc/k.yaml"), &[("HOME", HOME), ("XDG_CONFIG_HOME", "/xdg")], "/etc/k.yaml", Source::Flag),
        (Some("~/k.yaml"), &[("HOME", HOME)], "/home/u/k.yaml", Source::Flag),
        (
            None,
            &[("HOME", HOME), ("XDG_CONFIG_HOME", "/xdg")],
            "/xdg/kplane/config.yaml",
            Source::Env("XDG_CONFIG_HOME"),
        ),
        (None, &[("HOME", HOME), ("XDG_CONFIG_HOME", "")], CONFIG, Source::Default),
        // The XDG spec: a relative value is invalid and ignored.
        (None, &[("HOME", HOME), ("XDG_CONFIG_HOME", "rel")], CONFIG, Source::Default),
        (None, &[("HOME", HOME)], CONFIG, Source::Default),
    ];
    for (flag, vars, want, source) in cases {
        let flags = Flags { config: flag.map(PathBuf::from), ..Flags::default() };
        let got = resolve::locate_config(&flags, &env(vars)).expect("locates");
        assert_eq!(got, (PathBuf::from(want), *source), "flag {flag:?}, env {vars:?}");
    }
}

#[test]
fn config_location_without_home_or_xdg_is_an_error_naming_home() {
    let err = resolve::locate_config(&Flags::default(), &env(&[])).expect_err("no home");
    assert!(matches!(err, Error::NoHome { var: "HOME" }), "{err}");
}

#[test]
fn missing_config_file_gives_builtin_defaults() {
    let home = tempfile::tempdir().expect("tempdir");
    let home_str = home.path().to_str().expect("utf-8 temp path");
    let settings = Settings::resolve(&Flags::default(), &env(&[("HOME", home_str)])).expect("resolves");
    assert_eq!(settings.config_path, home.path().join(".config/kplane/config.yaml"));
    assert_eq!(settings.profile, DEFAULT_PROFILE);
    assert_eq!(settings.provider, Provider::Embedded);
    assert_eq!(settings.cluster_name, DEFAULT_CLUSTER_NAME);
    assert_eq!(settings.port, 8443);
    assert_eq!(settings.kubeconfig_path, None);
    assert_eq!(settings.data_dir, home.path().join(".local/share/kplane"));
    assert_eq!(settings.images, Images::default());
    assert_eq!(settings.ui, UiSettings { color: true, progress: true });
    assert!(settings.view().iter().all(|entry| entry.source == Source::Default), "{:?}", settings.view());
    assert!(!settings.config_path.exists(), "resolving never writes");
}

#[test]
fn each_value_comes_from_flag_then_env_then_file_then_default() {
    let file = "profiles: {default: {provider: kind, port: 7000, clusterName: from-file}}";
    let flags = Flags {
        provider: Some(Provider::K3s),
        port: Some(9000),
        cluster_name: Some("from-flag".into()),
        ..Flags::default()
    };
    let vars = env(&[
        ("HOME", HOME),
        ("KPLANE_PROVIDER", "embedded"),
        ("KPLANE_PORT", "8000"),
        ("KPLANE_CLUSTER_NAME", "from-env"),
    ]);
    let cases: &[(&str, &Flags, &Env, &str, (Provider, u16, &str), Source)] = &[
        ("flag wins", &flags, &vars, file, (Provider::K3s, 9000, "from-flag"), Source::Flag),
        ("env beats file", &Flags::default(), &vars, file, (Provider::Embedded, 8000, "from-env"), Source::Env("")),
        ("file beats default", &Flags::default(), &home_env(), file, (Provider::Kind, 7000, "from-file"), Source::File),
        (
            "default",
            &Flags::default(),
            &home_env(),
            "",
            (Provider::Embedded, 8443, DEFAULT_CLUSTER_NAME),
            Source::Default,
        ),
    ];
    for (name, flags, env, yaml, (provider, port, cluster), source) in cases {
        let s = resolve_yaml(flags, env, yaml).expect(name);
        assert_eq!((s.provider, s.port, s.cluster_name.as_str()), (*provider, *port, *cluster), "{name}");
        let got = [s.sources.provider, s.sources.port, s.sources.cluster_name];
        let want = match source {
            Source::Env(_) => [Source::Env(ENV_PROVIDER), Source::Env(ENV_PORT), Source::Env(ENV_CLUSTER_NAME)],
            other => [*other; 3],
        };
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn invalid_env_values_are_errors_naming_the_variable() {
    let cases = [
        ("KPLANE_PORT", "http"),
        ("KPLANE_PORT", "70000"),
        ("KPLANE_PORT", "-1"),
        ("KPLANE_PROVIDER", "docker"),
        ("KPLANE_PROVIDER", "Kind"),
    ];
    for (var, value) in cases {
        let err = resolve_yaml(&Flags::default(), &env(&[("HOME", HOME), (var, value)]), "").expect_err(value);
        assert!(matches!(&err, Error::InvalidEnv { var: got, .. } if *got == var), "{var}={value}: {err}");
        assert!(err.to_string().contains(var), "{err}");
    }
}

#[test]
fn empty_env_values_count_as_unset() {
    let vars = env(&[("HOME", HOME), ("KPLANE_PORT", ""), ("KPLANE_PROVIDER", ""), ("KPLANE_PROFILE", "")]);
    assert_eq!(resolve_yaml(&Flags::default(), &vars, "").expect("resolves"), defaults());
}

#[test]
fn partial_profile_keeps_builtin_defaults_for_omitted_keys() {
    let yaml = "profiles:\n  default:\n    port: 9443\n    images: {etcd: my/etcd:1}\n    ui: {color: false}\n";
    let s = resolve_yaml(&Flags::default(), &home_env(), yaml).expect("resolves");
    assert_eq!(s.port, 9443);
    assert_eq!(s.images.etcd, "my/etcd:1");
    assert!(!s.ui.color);
    // Everything not written keeps its default, including siblings inside the same section.
    assert_eq!(s.cluster_name, DEFAULT_CLUSTER_NAME);
    assert_eq!(s.provider, Provider::Embedded);
    assert_eq!(s.images.apiserver, DEFAULT_APISERVER_IMAGE);
    assert_eq!(s.kind.node_image, DEFAULT_KIND_NODE_IMAGE);
    assert!(s.ui.progress);
    assert_eq!((s.sources.port, s.sources.cluster_name), (Source::File, Source::Default));
}

#[test]
fn empty_and_null_sections_read_as_unset() {
    for yaml in [
        "",
        "# only a comment\n",
        "profiles:",
        "profiles: null",
        "profiles: {default: }",
        "profiles: {default: null}",
        "profiles: {default: {images: null, kind: ~, ui: }}",
        "currentProfile: ''",
    ] {
        assert_eq!(resolve_yaml(&Flags::default(), &home_env(), yaml).expect(yaml), defaults(), "{yaml:?}");
    }
}

#[test]
fn profile_is_flag_then_env_then_current_profile_then_default() {
    let yaml = "currentProfile: work\nprofiles: {work: {port: 1}, ci: {port: 2}, laptop: {port: 3}}";
    let cases: &[(Option<&str>, Option<&str>, &str, &str, u16)] = &[
        (Some("laptop"), Some("ci"), yaml, "laptop", 3),
        (None, Some("ci"), yaml, "ci", 2),
        (None, None, yaml, "work", 1),
        (None, None, "", DEFAULT_PROFILE, DEFAULT_PORT),
    ];
    for (flag, var, yaml, want, port) in cases {
        let flags = Flags { profile: flag.map(String::from), ..Flags::default() };
        let mut vars = vec![("HOME", HOME)];
        vars.extend(var.map(|v| ("KPLANE_PROFILE", v)));
        let s = resolve_yaml(&flags, &env(&vars), yaml).expect(want);
        assert_eq!((s.profile.as_str(), s.port), (*want, *port));
    }
}

#[test]
fn undefined_profile_is_an_error_listing_the_defined_ones() {
    let vars = env(&[("HOME", HOME), ("KPLANE_PROFILE", "wrok")]);
    let err = resolve_yaml(&Flags::default(), &vars, "profiles: {work: {}, ci: {}}").expect_err("typo");
    let message = err.to_string();
    assert!(matches!(err, Error::ProfileNotFound { .. }), "{message}");
    assert!(message.contains("\"wrok\"") && message.contains("ci, work") && message.contains(CONFIG), "{message}");
}

#[test]
fn tilde_is_expanded_and_file_paths_are_relative_to_the_file() {
    let cases: &[(&str, Option<&str>, Option<&str>, &str, Source)] = &[
        ("kubeconfigPath: ~/.kube/kp", None, None, "/home/u/.kube/kp", Source::File),
        ("kubeconfigPath: kube.yaml", None, None, "/home/u/.config/kplane/kube.yaml", Source::File),
        ("kubeconfigPath: /abs/kc", None, None, "/abs/kc", Source::File),
        ("", Some("~/env-kc"), None, "/home/u/env-kc", Source::Env(ENV_KUBECONFIG)),
        ("kubeconfigPath: /abs/kc", Some("/env"), Some("~"), "/home/u", Source::Flag),
        // Only `~` and `~/` are the home directory.
        ("kubeconfigPath: /x/~u/kc", None, Some("~u/kc"), "~u/kc", Source::Flag),
    ];
    for (profile, var, flag, want, source) in cases {
        let yaml = format!("profiles: {{default: {{{profile}}}}}");
        let flags = Flags { kubeconfig: flag.map(PathBuf::from), ..Flags::default() };
        let mut vars = vec![("HOME", HOME)];
        vars.extend(var.map(|v| ("KPLANE_KUBECONFIG", v)));
        let s = resolve_yaml(&flags, &env(&vars), &yaml).expect(want);
        assert_eq!(s.kubeconfig_path.as_deref(), Some(Path::new(want)), "{profile} {var:?} {flag:?}");
        assert_eq!(s.sources.kubeconfig_path, *source);
    }
    let s = resolve_yaml(&Flags::default(), &home_env(), "profiles: {default: {kind: {configPath: ~/kind.yaml}}}")
        .expect("kind config path");
    assert_eq!(s.kind.config_path.as_deref(), Some(Path::new("/home/u/kind.yaml")));
}

#[test]
fn data_dir_is_flag_then_env_then_xdg_data_home_then_home() {
    let cases: &[(Option<&str>, &[(&str, &str)], &str, Source)] = &[
        (Some("/flag"), &[("KPLANE_DATA_DIR", "/env")], "/flag", Source::Flag),
        (None, &[("KPLANE_DATA_DIR", "~/d"), ("XDG_DATA_HOME", "/xdg")], "/home/u/d", Source::Env(ENV_DATA_DIR)),
        (None, &[("XDG_DATA_HOME", "/xdg")], "/xdg/kplane", Source::Env("XDG_DATA_HOME")),
        (None, &[], "/home/u/.local/share/kplane", Source::Default),
    ];
    for (flag, vars, want, source) in cases {
        let flags = Flags { data_dir: flag.map(PathBuf::from), ..Flags::default() };
        let mut vars = vars.to_vec();
        vars.push(("HOME", HOME));
        let s = resolve_yaml(&flags, &env(&vars), "").expect(want);
        assert_eq!((s.data_dir.as_path(), s.sources.data_dir), (Path::new(want), *source));
    }
}

#[test]
fn no_color_turns_colour_off_unless_a_flag_says_otherwise() {
    let cases: &[(Option<bool>, Option<&str>, &str, bool, Source)] = &[
        (None, None, "", true, Source::Default),
        (None, None, "profiles: {default: {ui: {color: false}}}", false, Source::File),
        (None, Some("1"), "profiles: {default: {ui: {color: true}}}", false, Source::Env("NO_COLOR")),
        (None, Some(""), "", true, Source::Default),
        (Some(true), Some("1"), "", true, Source::Flag),
    ];
    for (flag, no_color, yaml, want, source) in cases {
        let mut vars = vec![("HOME", HOME)];
        vars.extend(no_color.map(|v| ("NO_COLOR", v)));
        let flags = Flags { color: *flag, ..Flags::default() };
        let s = resolve_yaml(&flags, &env(&vars), yaml).expect(yaml);
        assert_eq!((s.ui.color, s.sources.color), (*want, *source), "{flag:?} {no_color:?} {yaml}");
    }
}

#[test]
fn k3d_is_read_as_k3s_and_unknown_providers_fail_to_parse() {
    let s = resolve_yaml(&Flags::default(), &home_env(), "profiles: {default: {provider: k3d}}").expect("k3d");
    assert_eq!(s.provider, Provider::K3s);
    let err = serde_norway::from_str::<ConfigFile>("profiles: {default: {provider: docker}}").expect_err("docker");
    assert!(err.to_string().contains("unknown provider \"docker\""), "{err}");
}

#[test]
fn defaults_are_valid() {
    defaults().validate().expect("defaults validate");
}

#[test]
fn validate_reports_every_problem_at_once() {
    let flags = Flags {
        port: Some(0),
        cluster_name: Some("Not_A_Label".into()),
        apiserver_image: Some(" ".into()),
        kubeconfig: Some(PathBuf::new()),
        ..Flags::default()
    };
    let err = resolve_yaml(&flags, &home_env(), "").expect("resolves").validate().expect_err("invalid");
    let Error::Invalid { problems } = &err else { panic!("not Invalid: {err}") };
    let keys: Vec<_> = problems.iter().map(|p| p.key).collect();
    assert_eq!(keys, ["port", "clusterName", "kubeconfigPath", "images.apiserver"]);
    assert!(problems.iter().all(|p| p.source == Source::Flag));
    let message = err.to_string();
    assert!(message.contains("port (from flag) must be between 1 and 65535"), "{message}");
    assert!(message.contains("\"Not_A_Label\""), "{message}");
}

#[test]
fn port_from_the_environment_is_checked_with_its_origin() {
    let vars = env(&[("HOME", HOME), ("KPLANE_PORT", "0")]);
    let err = resolve_yaml(&Flags::default(), &vars, "").expect("resolves").validate().expect_err("port 0");
    assert!(err.to_string().contains("port (from env KPLANE_PORT)"), "{err}");
}

#[test]
fn view_lists_every_value_with_its_source() {
    let flags = Flags { port: Some(9000), ..Flags::default() };
    let vars = env(&[("HOME", HOME), ("KPLANE_PROVIDER", "kind")]);
    let s = resolve_yaml(&flags, &vars, "profiles: {default: {clusterName: mine}}").expect("resolves");
    let view = s.view();
    let find = |key| view.iter().find(|e| e.key == key).unwrap_or_else(|| panic!("{key} missing"));
    assert_eq!((find("port").value.as_str(), find("port").source), ("9000", Source::Flag));
    assert_eq!((find("provider").value.as_str(), find("provider").source), ("kind", Source::Env(ENV_PROVIDER)));
    assert_eq!((find("clusterName").value.as_str(), find("clusterName").source), ("mine", Source::File));
    assert_eq!((find("kubeconfigPath").value.as_str(), find("kubeconfigPath").source), ("", Source::Default));
    assert_eq!(view.len(), 14);
}

#[test]
fn unparsable_file_is_an_error_naming_the_path_and_the_yaml_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.yaml");
    let cases = [("profiles: [unclosed", "profiles"), ("profiles: {default: {port: many}}", "port")];
    for (yaml, mentioned) in cases {
        std::fs::write(&path, yaml).expect("write");
        let flags = Flags { config: Some(path.clone()), ..Flags::default() };
        let err = Settings::resolve(&flags, &home_env()).expect_err(yaml);
        assert!(matches!(&err, Error::Parse { path: p, .. } if *p == path), "{err}");
        assert!(err.to_string().contains(&path.display().to_string()), "{err}");
        let cause = std::error::Error::source(&err).expect("YAML error as the source").to_string();
        assert!(cause.contains(mentioned) && cause.contains("line"), "{cause}");
    }
}

#[test]
fn unreadable_config_path_is_a_read_error_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let flags = Flags { config: Some(dir.path().to_path_buf()), ..Flags::default() };
    let err = Settings::resolve(&flags, &home_env()).expect_err("a directory");
    assert!(matches!(&err, Error::Read { path, .. } if path == dir.path()), "{err}");
}
