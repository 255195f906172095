//! The config file: what it may contain (every field optional, so omitted keys fall back to the
//! built-in defaults at resolution), reading it, and editing it without losing what we don't know.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};
use serde_norway::{Mapping, Value};

use super::{Error, Provider, Result};

/// The file's contents as far as this version understands them; unknown keys are ignored here
/// and kept by the editing functions, which never round-trip through this type.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConfigFile {
    pub current_profile: Option<String>,
    #[serde(deserialize_with = "profiles_or_null")]
    pub profiles: BTreeMap<String, ProfileFile>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProfileFile {
    pub provider: Option<Provider>,
    pub cluster_name: Option<String>,
    pub port: Option<u16>,
    pub kubeconfig_path: Option<PathBuf>,
    #[serde(deserialize_with = "null_as_default")]
    pub images: ImagesFile,
    #[serde(deserialize_with = "null_as_default")]
    pub kind: KindFile,
    #[serde(deserialize_with = "null_as_default")]
    pub k3s: K3sFile,
    #[serde(deserialize_with = "null_as_default")]
    pub ui: UiFile,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ImagesFile {
    pub apiserver: Option<String>,
    pub etcd: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KindFile {
    pub node_image: Option<String>,
    pub config_path: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct K3sFile {
    pub image: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UiFile {
    pub color: Option<bool>,
    pub progress: Option<bool>,
}

/// `key: null` (or `key: ~`) reads as "nothing set", the same as an empty `key:`.
fn null_as_default<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(de: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(de)?.unwrap_or_default())
}

fn profiles_or_null<'de, D: Deserializer<'de>>(de: D) -> Result<BTreeMap<String, ProfileFile>, D::Error> {
    let profiles = Option::<BTreeMap<String, Option<ProfileFile>>>::deserialize(de)?.unwrap_or_default();
    Ok(profiles.into_iter().map(|(name, profile)| (name, profile.unwrap_or_default())).collect())
}

/// Reads the config file; `None` if it does not exist.
pub fn load(path: &Path) -> Result<Option<ConfigFile>> {
    let Some(text) = read(path)? else { return Ok(None) };
    parse(path, &text).map(Some)
}

fn read(path: &Path) -> Result<Option<String>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Read { path: path.to_path_buf(), source }),
    }
}

fn parse(path: &Path, text: &str) -> Result<ConfigFile> {
    serde_norway::from_str(text).map_err(|source| Error::Parse { path: path.to_path_buf(), source })
}

/// What a settable key holds, so `set` rejects a bad value before writing anything.
#[derive(Clone, Copy)]
enum ValueKind {
    Provider,
    Label,
    Port,
    Text,
    Path,
    Bool,
}

/// The keys of a profile that [`set`] accepts, as written in the file.
const SETTABLE: &[(&str, ValueKind)] = &[
    ("provider", ValueKind::Provider),
    ("clusterName", ValueKind::Label),
    ("port", ValueKind::Port),
    ("kubeconfigPath", ValueKind::Path),
    ("images.apiserver", ValueKind::Text),
    ("images.etcd", ValueKind::Text),
    ("kind.nodeImage", ValueKind::Text),
    ("kind.configPath", ValueKind::Path),
    ("k3s.image", ValueKind::Text),
    ("ui.color", ValueKind::Bool),
    ("ui.progress", ValueKind::Bool),
];

pub(super) fn known_keys() -> String {
    SETTABLE.iter().map(|(key, _)| *key).collect::<Vec<_>>().join(", ")
}

impl ValueKind {
    fn to_yaml(self, key: &str, raw: &str) -> Result<Value> {
        let invalid = |reason: String| Error::InvalidValue { key: key.into(), value: raw.into(), reason };
        Ok(match self {
            ValueKind::Provider => Value::from(raw.parse::<Provider>().map_err(invalid)?.as_str()),
            ValueKind::Label => {
                crate::types::validate_dns1123_label(raw).map_err(invalid)?;
                Value::from(raw)
            }
            ValueKind::Port => match raw.parse::<u16>() {
                Ok(port) if port > 0 => Value::from(port),
                _ => return Err(invalid("must be a number between 1 and 65535".into())),
            },
            ValueKind::Text | ValueKind::Path if raw.trim().is_empty() => {
                return Err(invalid("must not be empty".into()));
            }
            // Paths are stored as typed, `~` included, so the file stays valid for its owner.
            ValueKind::Text | ValueKind::Path => Value::from(raw),
            ValueKind::Bool => Value::from(raw.parse::<bool>().map_err(|_| invalid("must be true or false".into()))?),
        })
    }
}

/// Stores `provider` in `profiles.<profile>` (for `kplane config set-provider`). Returns whether
/// the file changed: setting the value it already has writes nothing.
pub fn save_provider(path: &Path, profile: &str, provider: Provider) -> Result<bool> {
    edit(path, profile, "provider", Value::from(provider.as_str()))
}

/// Sets one key of `profiles.<profile>` (dotted, as in the file: `images.apiserver`) from its
/// command-line text, creating the file, the profile and parent mappings as needed.
pub fn set(path: &Path, profile: &str, key: &str, value: &str) -> Result<bool> {
    let Some(&(_, kind)) = SETTABLE.iter().find(|(known, _)| *known == key) else {
        return Err(Error::UnknownKey { key: key.into() });
    };
    edit(path, profile, key, kind.to_yaml(key, value)?)
}

/// Sets one value in the document as a generic YAML tree, so keys this version does not know
/// (top level or in profiles) survive. Comments do not: serde_norway drops them.
fn edit(path: &Path, profile: &str, key: &str, value: Value) -> Result<bool> {
    // Write through a symlink (dotfile managers) instead of replacing it with a plain file.
    let target = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut doc = match read(&target)? {
        Some(text) => {
            // Refuse to edit a file we could not load afterwards, and say why now.
            parse(path, &text)?;
            serde_norway::from_str::<Option<Value>>(&text)
                .map_err(|source| Error::Parse { path: path.to_path_buf(), source })?
                .unwrap_or(Value::Null)
        }
        None => Value::Null,
    };
    let before = doc.clone();
    let mut segments = vec!["profiles", profile];
    segments.extend(key.split('.'));
    let (leaf, parents) = segments.split_last().expect("invariant: segments start with \"profiles\"");
    mapping_at(&mut doc, parents, path)?.insert(Value::from(*leaf), value);
    if doc == before {
        return Ok(false);
    }
    let text = serde_norway::to_string(&doc)
        .map_err(|err| Error::Write { path: path.to_path_buf(), source: io::Error::other(err) })?;
    write_atomic(&target, &text)?;
    Ok(true)
}

/// The mapping at `segments`, creating empty mappings where keys are missing or null.
fn mapping_at<'a>(doc: &'a mut Value, segments: &[&str], path: &Path) -> Result<&'a mut Mapping> {
    let mut node = doc;
    for (depth, segment) in segments.iter().enumerate() {
        node = as_mapping(node, &segments[..depth], path)?.entry(Value::from(*segment)).or_insert(Value::Null);
    }
    as_mapping(node, segments, path)
}

fn as_mapping<'a>(node: &'a mut Value, at: &[&str], path: &Path) -> Result<&'a mut Mapping> {
    if node.is_null() {
        *node = Value::Mapping(Mapping::new());
    }
    match node {
        Value::Mapping(mapping) => Ok(mapping),
        _ => {
            let key = if at.is_empty() { "(top level)".to_string() } else { at.join(".") };
            Err(Error::NotAMapping { path: path.to_path_buf(), key })
        }
    }
}

/// Writes via a temp file in the same directory and a rename, so a crash or a concurrent reader
/// never sees half a file. Keeps the permissions of the file it replaces.
fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|source| Error::Write { path: dir.to_path_buf(), source })?;
    let name = path.file_name().map(|name| name.to_string_lossy()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        if let Ok(existing) = fs::metadata(path) {
            fs::set_permissions(&tmp, existing.permissions())?;
        }
        fs::rename(&tmp, path)
    })();
    if written.is_err() {
        // Best effort: the error that matters is the write's, reported below.
        let _ = fs::remove_file(&tmp);
    }
    written.map_err(|source| Error::Write { path: path.to_path_buf(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_config() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("nested/kplane/config.yaml");
        (dir, path)
    }

    fn yaml(path: &Path) -> Value {
        serde_norway::from_str(&fs::read_to_string(path).expect("read back")).expect("valid YAML")
    }

    #[test]
    fn saving_creates_the_directory_and_a_file_that_loads_back() {
        let (_dir, path) = temp_config();
        assert!(save_provider(&path, "default", Provider::Kind).expect("saves"));
        let file = load(&path).expect("loads").expect("exists");
        assert_eq!(file.profiles["default"].provider, Some(Provider::Kind));
        assert_eq!(file.current_profile, None, "saving a profile does not switch to it");
    }

    #[test]
    fn saving_keeps_unknown_keys_at_the_top_level_and_in_profiles() {
        let (_dir, path) = temp_config();
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let original = "apiVersion: config.kplane.io/v1alpha1\nfuture: {a: 1}\ncurrentProfile: work\n\
                        profiles:\n  work:\n    provider: kind\n    namespace: kplane-system\n    \
                        images: {apiserver: x, operator: y}\n  other: {port: 1}\n";
        fs::write(&path, original).expect("write");
        assert!(save_provider(&path, "work", Provider::K3s).expect("saves"));
        assert!(set(&path, "work", "images.etcd", "e:1").expect("sets"));

        let mut want: Value = serde_norway::from_str(original).expect("parse");
        want["profiles"]["work"]["provider"] = Value::from("k3s");
        want["profiles"]["work"]["images"]["etcd"] = Value::from("e:1");
        assert_eq!(yaml(&path), want);
    }

    #[test]
    fn saving_the_value_already_there_writes_nothing() {
        let (_dir, path) = temp_config();
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let original = "# my comment\nprofiles: {default: {provider: kind}}\n";
        fs::write(&path, original).expect("write");
        assert!(!save_provider(&path, "default", Provider::Kind).expect("no-op"));
        assert_eq!(fs::read_to_string(&path).expect("read"), original, "untouched, comment included");
    }

    #[test]
    fn set_stores_typed_values_in_the_named_profile() {
        let cases = [
            ("port", "9000", Value::from(9000)),
            ("ui.color", "false", Value::from(false)),
            ("provider", "k3d", Value::from("k3s")),
            ("clusterName", "mgmt", Value::from("mgmt")),
            ("kubeconfigPath", "~/.kube/kp", Value::from("~/.kube/kp")),
            ("kind.configPath", "kind.yaml", Value::from("kind.yaml")),
        ];
        for (key, raw, want) in cases {
            let (_dir, path) = temp_config();
            assert!(set(&path, "ci", key, raw).expect(key));
            let mut node = &yaml(&path)["profiles"]["ci"];
            for segment in key.split('.') {
                node = &node[segment];
            }
            assert_eq!(node, &want, "{key}={raw}");
        }
    }

    #[test]
    fn set_rejects_unknown_keys_and_bad_values_before_writing() {
        let cases = [
            ("namespace", "x", "unknown config key"),
            ("port", "0", "between 1 and 65535"),
            ("port", "http", "between 1 and 65535"),
            ("provider", "docker", "unknown provider"),
            ("clusterName", "Bad_Name", "RFC 1123"),
            ("ui.color", "yes", "true or false"),
            ("images.apiserver", " ", "must not be empty"),
        ];
        for (key, raw, message) in cases {
            let (_dir, path) = temp_config();
            let err = set(&path, "default", key, raw).expect_err(key);
            assert!(err.to_string().contains(message) && err.to_string().contains(key), "{key}={raw}: {err}");
            assert!(!path.exists(), "{key}={raw} wrote the file");
        }
    }

    #[test]
    fn editing_an_unparsable_file_fails_and_leaves_it_alone() {
        let (_dir, path) = temp_config();
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        for original in ["profiles: [", "profiles: {default: {port: many}}"] {
            fs::write(&path, original).expect("write");
            let err = save_provider(&path, "default", Provider::Kind).expect_err(original);
            assert!(matches!(&err, Error::Parse { path: p, .. } if *p == path), "{err}");
            assert_eq!(fs::read_to_string(&path).expect("read"), original);
        }
    }

    #[test]
    fn editing_where_a_mapping_is_expected_names_the_key() {
        let path = PathBuf::from("/cfg/config.yaml");
        let mut doc: Value = serde_norway::from_str("profiles: {default: {ui: [1]}}").expect("parse");
        let err = mapping_at(&mut doc, &["profiles", "default", "ui"], &path).expect_err("a list");
        assert!(matches!(&err, Error::NotAMapping { key, .. } if key == "profiles.default.ui"), "{err}");
        let mut scalar = Value::from(3);
        let err = mapping_at(&mut scalar, &["profiles"], &path).expect_err("a scalar document");
        assert!(err.to_string().contains("(top level)"), "{err}");
    }

    #[test]
    fn saving_leaves_no_temp_file_and_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, path) = temp_config();
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, "profiles: {}\n").expect("write");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).expect("chmod");
        save_provider(&path, "default", Provider::K3s).expect("saves");
        let names: Vec<_> = fs::read_dir(path.parent().expect("parent"))
            .expect("list")
            .map(|entry| entry.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["config.yaml"]);
        assert_eq!(fs::metadata(&path).expect("stat").permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn saving_writes_through_a_symlinked_config() {
        let (dir, path) = temp_config();
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let real = dir.path().join("dotfiles-config.yaml");
        fs::write(&real, "currentProfile: default\n").expect("write");
        std::os::unix::fs::symlink(&real, &path).expect("symlink");
        save_provider(&path, "default", Provider::Kind).expect("saves");
        assert!(fs::symlink_metadata(&path).expect("lstat").file_type().is_symlink(), "link kept");
        assert_eq!(yaml(&real)["profiles"]["default"]["provider"], Value::from("kind"));
    }

    #[test]
    fn missing_file_loads_as_none() {
        let (_dir, path) = temp_config();
        assert_eq!(load(&path).expect("no error"), None);
    }
}
