//! What kplane writes: one cluster + user + context triple ([`Entry`]), and the check that
//! every cluster and user it writes verifies TLS and carries a credential.
//!
//! The original CLI copied the operator's `insecure-skip-tls-verify: true` config into the
//! user's kubeconfig. kplane refuses any cluster that would not verify the server: one with
//! `insecure-skip-tls-verify`, one whose server is not `https://`, and one with no CA (with
//! neither `certificate-authority-data` nor `certificate-authority`, a client falls back to
//! the system roots, which never hold kplane's self-signed CA). It also refuses a user with no
//! token and no client certificate, for which kubectl would prompt for a username.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::model::{Cluster, Config, Context, NamedCluster, NamedContext, NamedUser, User};
use super::{Error, Result};

/// A credential kplane writes for a plane.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// A bearer token.
    Token(String),
    /// A client certificate and its private key, PEM.
    ClientCertificate { cert_pem: Vec<u8>, key_pem: Vec<u8> },
}

impl std::fmt::Debug for Credential {
    // Never print secrets (errors and logs may show an Entry).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Token(_) => f.write_str("Token(<redacted>)"),
            Credential::ClientCertificate { .. } => f.write_str("ClientCertificate(<redacted>)"),
        }
    }
}

/// A cluster, a user and a context, all called `name`, as kplane writes for every plane it
/// manages (see [`super::names`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The cluster, user and context name.
    pub name: String,
    /// The API server URL, e.g. `https://127.0.0.1:8443/clusters/dev/control-plane`.
    pub server: String,
    /// The CA certificate(s) that sign the server's certificate, PEM; written inline.
    pub ca_pem: Vec<u8>,
    pub credential: Credential,
    /// The context's default namespace.
    pub namespace: Option<String>,
}

impl Entry {
    /// The entry as a kubeconfig document; `current-context` set to it when `set_current`.
    pub fn to_config(&self, set_current: bool) -> Config {
        let mut user = User::default();
        match &self.credential {
            Credential::Token(token) => user.token = Some(token.clone()),
            Credential::ClientCertificate { cert_pem, key_pem } => {
                user.client_certificate_data = Some(STANDARD.encode(cert_pem));
                user.client_key_data = Some(STANDARD.encode(key_pem));
            }
        }
        Config {
            clusters: vec![NamedCluster {
                name: self.name.clone(),
                cluster: Cluster {
                    server: Some(self.server.clone()),
                    certificate_authority_data: Some(STANDARD.encode(&self.ca_pem)),
                    ..Cluster::default()
                },
                ..NamedCluster::default()
            }],
            users: vec![NamedUser { name: self.name.clone(), user, ..NamedUser::default() }],
            contexts: vec![NamedContext {
                name: self.name.clone(),
                context: Context {
                    cluster: Some(self.name.clone()),
                    user: Some(self.name.clone()),
                    namespace: self.namespace.clone(),
                    ..Context::default()
                },
                ..NamedContext::default()
            }],
            current_context: set_current.then(|| self.name.clone()),
            ..Config::default()
        }
    }
}

/// Checks every cluster and user of a document kplane is about to write.
pub fn validate(config: &Config) -> Result<()> {
    let names = config.clusters.iter().map(|c| ("cluster", &c.name));
    let names = names.chain(config.users.iter().map(|u| ("user", &u.name)));
    if let Some((kind, _)) =
        names.chain(config.contexts.iter().map(|c| ("context", &c.name))).find(|(_, n)| n.is_empty())
    {
        return Err(refused(kind, "", "it has no name".to_owned()));
    }
    for named in &config.clusters {
        check_cluster(&named.cluster).map_err(|reason| refused("cluster", &named.name, reason))?;
    }
    for named in &config.users {
        check_user(&named.user).map_err(|reason| refused("user", &named.name, reason))?;
    }
    Ok(())
}

fn refused(kind: &'static str, name: &str, reason: String) -> Error {
    Error::Refused { kind, name: name.to_owned(), reason }
}

fn check_cluster(cluster: &Cluster) -> std::result::Result<(), String> {
    if cluster.insecure_skip_tls_verify == Some(true) {
        return Err("it sets insecure-skip-tls-verify; kplane only writes entries that verify TLS".to_owned());
    }
    let server = cluster.server.as_deref().unwrap_or("");
    if !server.get(..8).is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://")) {
        return Err(format!("its server {server:?} is not an https:// URL"));
    }
    let has_file = cluster.certificate_authority.as_deref().is_some_and(|p| !p.is_empty());
    match cluster.certificate_authority_data.as_deref().filter(|d| !d.is_empty()) {
        Some(data) => {
            let pem = STANDARD.decode(data).map_err(|_| "its certificate-authority-data is not base64".to_owned())?;
            if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
                return Err("its certificate-authority-data holds no PEM certificate".to_owned());
            }
            Ok(())
        }
        None if has_file => Ok(()),
        None => Err("it has no certificate authority, so the server's certificate cannot be verified".to_owned()),
    }
}

fn check_user(user: &User) -> std::result::Result<(), String> {
    let set = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.is_empty());
    let token = set(&user.token) || set(&user.token_file);
    let cert = set(&user.client_certificate) || set(&user.client_certificate_data);
    let key = set(&user.client_key) || set(&user.client_key_data);
    match (token, cert, key) {
        (true, _, _) | (_, true, true) => Ok(()),
        (false, true, false) => Err("it has a client certificate but no client key".to_owned()),
        _ => Err("it has no token and no client certificate (kubectl would prompt for a username)".to_owned()),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const CA: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    pub(crate) fn entry(name: &str, token: &str) -> Entry {
        Entry {
            name: name.to_owned(),
            server: format!("https://127.0.0.1:8443/clusters/{name}/control-plane"),
            ca_pem: CA.as_bytes().to_vec(),
            credential: Credential::Token(token.to_owned()),
            namespace: None,
        }
    }

    #[test]
    fn entries_become_one_consistent_triple() {
        let mut e = entry("kplane-dev", "t0k");
        e.namespace = Some("apps".to_owned());
        let config = e.to_config(true);
        validate(&config).unwrap();
        assert_eq!(config.current(), Some("kplane-dev"));
        let ctx = &config.context("kplane-dev").unwrap().context;
        assert_eq!((ctx.cluster.as_deref(), ctx.user.as_deref()), (Some("kplane-dev"), Some("kplane-dev")));
        assert_eq!(ctx.namespace.as_deref(), Some("apps"));
        let data = config.cluster("kplane-dev").unwrap().cluster.certificate_authority_data.clone().unwrap();
        assert_eq!(STANDARD.decode(data).unwrap(), CA.as_bytes());
        assert_eq!(e.to_config(false).current_context, None);
        assert!(!format!("{e:?}").contains("t0k"), "Debug must not print the token");
    }

    #[test]
    fn only_tls_verifying_entries_with_credentials_pass() {
        let ok = entry("kplane-dev", "t").to_config(false);
        type Edit = fn(&mut Config);
        let cases: [(&str, Edit, Option<&str>); 12] = [
            ("a nameless user", |c| c.users[0].name = String::new(), Some("no name")),
            ("a token entry", |_| {}, None),
            (
                "CA from a file",
                |c| {
                    c.clusters[0].cluster.certificate_authority_data = None;
                    c.clusters[0].cluster.certificate_authority = Some("/ca.pem".into());
                },
                None,
            ),
            (
                "client certificate",
                |c| {
                    c.users[0].user = User {
                        client_certificate: Some("c".into()),
                        client_key_data: Some("k".into()),
                        ..User::default()
                    };
                },
                None,
            ),
            (
                "insecure-skip-tls-verify",
                |c| c.clusters[0].cluster.insecure_skip_tls_verify = Some(true),
                Some("insecure-skip-tls-verify"),
            ),
            (
                "plain http",
                |c| c.clusters[0].cluster.server = Some("http://127.0.0.1:8080".into()),
                Some("not an https"),
            ),
            ("no server", |c| c.clusters[0].cluster.server = None, Some("not an https")),
            ("no CA", |c| c.clusters[0].cluster.certificate_authority_data = None, Some("no certificate authority")),
            (
                "CA not base64",
                |c| c.clusters[0].cluster.certificate_authority_data = Some("%%".into()),
                Some("not base64"),
            ),
            ("CA not PEM", |c| c.clusters[0].cluster.certificate_authority_data = b64_of("garbage"), Some("no PEM")),
            ("no credential", |c| c.users[0].user.token = Some(String::new()), Some("prompt for a username")),
            (
                "certificate without key",
                |c| {
                    c.users[0].user = User { client_certificate_data: Some("c".into()), ..User::default() };
                },
                Some("no client key"),
            ),
        ];
        for (name, edit, want) in cases {
            let mut config = ok.clone();
            edit(&mut config);
            match (validate(&config), want) {
                (Ok(()), None) => {}
                (Err(e), Some(want)) => assert!(e.to_string().contains(want), "{name}: {e}"),
                (got, want) => panic!("{name}: got {got:?}, want error containing {want:?}"),
            }
        }
    }

    fn b64_of(s: &str) -> Option<String> {
        Some(STANDARD.encode(s))
    }
}
