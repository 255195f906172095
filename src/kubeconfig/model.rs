//! One kubeconfig file as stored on disk (client-go's `clientcmd/api/v1` format).
//!
//! Only the fields kplane reads or checks are typed; every other key, at every level, lands in
//! an `other` map and is written back unchanged, so editing a file never drops what other
//! tools put there (`preferences`, `extensions`, `exec`, `proxy-url`, …). kube-rs'
//! `kube::config::Kubeconfig` does not keep unknown keys, hence these types.
//!
//! Parsing goes YAML → JSON value → types, the way client-go does (sigs.k8s.io/yaml), so the
//! same documents are accepted: JSON files, an empty file (an empty config), `null` lists.
//! Writing goes types → JSON value → YAML, which sorts keys alphabetically like kubectl's
//! output.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::{Error, Result};

/// Keys kplane does not model, kept verbatim.
pub type Other = BTreeMap<String, Value>;

/// A whole kubeconfig file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Config {
    #[serde(rename = "apiVersion", default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub clusters: Vec<NamedCluster>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub users: Vec<NamedUser>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub contexts: Vec<NamedContext>,
    /// `""` (which kubectl writes when none is set) means none.
    #[serde(rename = "current-context", default, skip_serializing_if = "Option::is_none")]
    pub current_context: Option<String>,
    #[serde(flatten)]
    pub other: Other,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NamedCluster {
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub cluster: Cluster,
    #[serde(flatten)]
    pub other: Other,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Cluster {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// A path; relative paths are relative to the file's directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_authority: Option<String>,
    /// Base64 of PEM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_authority_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insecure_skip_tls_verify: Option<bool>,
    #[serde(flatten)]
    pub other: Other,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NamedUser {
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub user: User,
    #[serde(flatten)]
    pub other: Other,
}

/// client-go's `AuthInfo`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct User {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// client-go spells this one in camel case.
    #[serde(rename = "tokenFile", default, skip_serializing_if = "Option::is_none")]
    pub token_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_certificate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_certificate_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key_data: Option<String>,
    #[serde(flatten)]
    pub other: Other,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NamedContext {
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub context: Context,
    #[serde(flatten)]
    pub other: Other,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// The user entry's name (client-go's `AuthInfo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(flatten)]
    pub other: Other,
}

fn null_as_default<'de, D, T>(de: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(de)?.unwrap_or_default())
}

impl Config {
    /// Parses a file's contents; `path` only names the file in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let value: Value =
            serde_norway::from_str(text).map_err(|source| Error::Yaml { path: path.to_path_buf(), source })?;
        if value.is_null() {
            // An empty file (or a lone `---`) is an empty config, as in client-go.
            return Ok(Config::default());
        }
        let config: Config =
            serde_json::from_value(value).map_err(|source| Error::Decode { path: path.to_path_buf(), source })?;
        config.check_unique_names(path)?;
        Ok(config)
    }

    /// client-go refuses a file that lists the same name twice in one list.
    fn check_unique_names(&self, path: &Path) -> Result<()> {
        fn dup<'a>(kind: &str, names: impl Iterator<Item = &'a str>) -> Option<String> {
            let mut seen = BTreeSet::new();
            names.into_iter().find(|n| !seen.insert(*n)).map(|n| format!("{kind} {n:?} is listed twice"))
        }
        let problem = dup("cluster", self.clusters.iter().map(|c| c.name.as_str()))
            .or_else(|| dup("user", self.users.iter().map(|u| u.name.as_str())))
            .or_else(|| dup("context", self.contexts.iter().map(|c| c.name.as_str())));
        match problem {
            Some(reason) => Err(Error::Invalid { path: path.to_path_buf(), reason }),
            None => Ok(()),
        }
    }

    /// The YAML kubectl would write: `apiVersion: v1` and `kind: Config` filled in when
    /// missing, keys sorted.
    pub fn to_yaml(&self, path: &Path) -> Result<String> {
        let mut doc = self.clone();
        doc.api_version.get_or_insert_with(|| "v1".to_owned());
        doc.kind.get_or_insert_with(|| "Config".to_owned());
        // serde_json's map is ordered by key (no `preserve_order`), so going through a
        // `Value` sorts every level, flattened unknown keys included.
        let value = serde_json::to_value(&doc).map_err(|source| Error::Encode { path: path.to_path_buf(), source })?;
        serde_norway::to_string(&value).map_err(|source| Error::EncodeYaml { path: path.to_path_buf(), source })
    }

    /// The current context, `""` meaning none.
    pub fn current(&self) -> Option<&str> {
        self.current_context.as_deref().filter(|c| !c.is_empty())
    }

    pub fn cluster(&self, name: &str) -> Option<&NamedCluster> {
        self.clusters.iter().find(|c| c.name == name)
    }

    pub fn user(&self, name: &str) -> Option<&NamedUser> {
        self.users.iter().find(|u| u.name == name)
    }

    pub fn context(&self, name: &str) -> Option<&NamedContext> {
        self.contexts.iter().find(|c| c.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WITH_UNKNOWN: &str = r#"
apiVersion: v1
kind: Config
preferences: {colors: true}
x-top: [1, 2]
clusters:
- name: a
  x-named: kept
  cluster:
    server: https://a:6443
    certificate-authority-data: Q0E=
    proxy-url: socks5://localhost:1080
    extensions:
    - name: ext
      extension: {k: v}
users:
- name: a
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}
contexts:
- name: a
  context: {cluster: a, user: a, namespace: ns, x-ctx: 3}
current-context: a
"#;

    #[test]
    fn unknown_fields_survive_a_round_trip_at_every_level() {
        let path = Path::new("/k");
        let parsed = Config::parse(path, WITH_UNKNOWN).unwrap();
        assert_eq!(parsed.other["x-top"], serde_json::json!([1, 2]));
        assert_eq!(parsed.clusters[0].other["x-named"], "kept");
        assert_eq!(parsed.clusters[0].cluster.other["proxy-url"], "socks5://localhost:1080");
        assert_eq!(parsed.users[0].user.other["exec"]["command"], "aws");
        assert_eq!(parsed.contexts[0].context.other["x-ctx"], 3);
        let again = Config::parse(path, &parsed.to_yaml(path).unwrap()).unwrap();
        assert_eq!(again, parsed);
    }

    #[test]
    fn documents_client_go_accepts_parse() {
        let cases = [
            ("empty file", ""),
            ("only a document marker", "---\n"),
            ("null lists", "clusters: null\nusers: null\ncontexts: null\ncurrent-context: \"\"\n"),
            ("JSON", r#"{"apiVersion":"v1","kind":"Config","clusters":[]}"#),
        ];
        for (name, text) in cases {
            let config = Config::parse(Path::new("/k"), text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(config.clusters.is_empty() && config.current().is_none(), "{name}");
        }
    }

    #[test]
    fn broken_documents_are_errors_naming_the_file() {
        let cases = [
            ("bad YAML", "clusters: [\n"),
            ("not a mapping", "- a\n- b\n"),
            ("wrong type", "clusters: 3\n"),
            ("duplicate name", "contexts:\n- name: a\n- name: a\n"),
        ];
        for (name, text) in cases {
            let err = Config::parse(Path::new("/etc/kc"), text).unwrap_err();
            assert!(err.to_string().contains("/etc/kc"), "{name}: {err}");
        }
    }

    #[test]
    fn output_has_kubectl_header_and_sorted_keys() {
        let path = Path::new("/k");
        let yaml = Config::parse(path, "users: []\nclusters: []\n").unwrap().to_yaml(path).unwrap();
        let keys: Vec<&str> = yaml.lines().filter(|l| !l.starts_with([' ', '-'])).collect();
        assert_eq!(keys, ["apiVersion: v1", "clusters: []", "contexts: []", "kind: Config", "users: []"]);
    }
}
