//! The server's PKI: a CA, a serving certificate and the admin token, generated into the
//! data dir on first start and reused afterwards; and the rustls configuration (ring only —
//! with two crypto providers compiled in, rustls refuses to pick one at run time).

use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};

/// Names every serving certificate carries, besides the bind address and `--tls-san`s:
/// loopback, and the in-cluster service names the kind/k3s manifests use.
pub const DEFAULT_SANS: &[&str] = &[
    "localhost",
    "127.0.0.1",
    "::1",
    "kplane",
    "kplane.kplane-system",
    "kplane.kplane-system.svc",
    "kplane.kplane-system.svc.cluster.local",
];

const CA_COMMON_NAME: &str = "kplane-ca";

#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("reading or writing {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("generating a certificate")]
    Generate(#[source] rcgen::Error),
    #[error("the certificate or key in {path} is not valid PEM")]
    Pem { path: PathBuf },
    #[error("building the TLS configuration")]
    Tls(#[source] rustls::Error),
}

/// The credentials a server runs with.
pub struct Pki {
    pub ca_pem: String,
    pub server_cert_pem: String,
    pub server_key_pem: String,
    /// The bearer token that may do anything on every plane.
    pub admin_token: String,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> PkiError + '_ {
    move |source| PkiError::Io { path: path.to_path_buf(), source }
}

/// Writes a secret file readable by its owner only, atomically (temp file + rename).
pub fn write_private(path: &Path, contents: &[u8]) -> Result<(), PkiError> {
    let tmp = path.with_extension("tmp");
    let mut file =
        fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&tmp).map_err(io_err(&tmp))?;
    file.write_all(contents).and_then(|()| file.sync_all()).map_err(io_err(&tmp))?;
    fs::rename(&tmp, path).map_err(io_err(path))
}

fn ca_params() -> CertificateParams {
    // Deterministic, so an issuer can be rebuilt from the stored key alone.
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, CA_COMMON_NAME);
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    params.not_before = rcgen::date_time_ymd(2025, 1, 1);
    params.not_after = rcgen::date_time_ymd(2035, 1, 1);
    params
}

impl Pki {
    /// Loads the PKI from `dir`, generating what is missing. `extra_sans` are added to a
    /// newly generated serving certificate.
    pub fn load_or_generate(dir: &Path, extra_sans: &[String]) -> Result<Pki, PkiError> {
        let pki_dir = dir.join("pki");
        fs::create_dir_all(&pki_dir).map_err(io_err(&pki_dir))?;
        let ca_key_path = pki_dir.join("ca.key");
        let ca_cert_path = pki_dir.join("ca.crt");
        let ca_key = match fs::read_to_string(&ca_key_path) {
            Ok(pem) => KeyPair::from_pem(&pem).map_err(|_| PkiError::Pem { path: ca_key_path.clone() })?,
            Err(_) => {
                let key = KeyPair::generate().map_err(PkiError::Generate)?;
                let cert = ca_params().self_signed(&key).map_err(PkiError::Generate)?;
                write_private(&ca_key_path, key.serialize_pem().as_bytes())?;
                write_private(&ca_cert_path, cert.pem().as_bytes())?;
                key
            }
        };
        let ca_pem = fs::read_to_string(&ca_cert_path).map_err(io_err(&ca_cert_path))?;

        let cert_path = pki_dir.join("server.crt");
        let key_path = pki_dir.join("server.key");
        if !(cert_path.exists() && key_path.exists()) {
            let issuer = Issuer::new(ca_params(), &ca_key);
            let key = KeyPair::generate().map_err(PkiError::Generate)?;
            let cert = serving_params(extra_sans)?.signed_by(&key, &issuer).map_err(PkiError::Generate)?;
            write_private(&key_path, key.serialize_pem().as_bytes())?;
            write_private(&cert_path, cert.pem().as_bytes())?;
        }
        let server_cert_pem = fs::read_to_string(&cert_path).map_err(io_err(&cert_path))?;
        let server_key_pem = fs::read_to_string(&key_path).map_err(io_err(&key_path))?;

        let token_path = dir.join("admin.token");
        let admin_token = match fs::read_to_string(&token_path) {
            Ok(token) if !token.trim().is_empty() => token.trim().to_string(),
            _ => {
                let token = random_token();
                write_private(&token_path, token.as_bytes())?;
                token
            }
        };
        Ok(Pki { ca_pem, server_cert_pem, server_key_pem, admin_token })
    }

    /// The rustls configuration: this certificate, HTTP/2 preferred over HTTP/1.1 by ALPN.
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, PkiError> {
        let pem_err = || PkiError::Pem { path: PathBuf::from("pki/server.crt") };
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(self.server_cert_pem.as_bytes())
            .chain(CertificateDer::pem_slice_iter(self.ca_pem.as_bytes()))
            .collect::<Result<_, _>>()
            .map_err(|_| pem_err())?;
        let key = PrivateKeyDer::from_pem_slice(self.server_key_pem.as_bytes()).map_err(|_| pem_err())?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(PkiError::Tls)?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(PkiError::Tls)?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

fn serving_params(extra_sans: &[String]) -> Result<CertificateParams, PkiError> {
    let mut names: Vec<String> = DEFAULT_SANS.iter().map(|s| s.to_string()).collect();
    for san in extra_sans {
        if !names.contains(san) {
            names.push(san.clone());
        }
    }
    let mut params = CertificateParams::default();
    params.subject_alt_names = names
        .iter()
        .map(|name| match name.parse::<std::net::IpAddr>() {
            Ok(ip) => Ok(SanType::IpAddress(ip)),
            Err(_) => name.clone().try_into().map(SanType::DnsName),
        })
        .collect::<Result<_, _>>()
        .map_err(PkiError::Generate)?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "kplane");
    params.distinguished_name = dn;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.not_before = rcgen::date_time_ymd(2025, 1, 1);
    params.not_after = rcgen::date_time_ymd(2035, 1, 1);
    Ok(params)
}

/// 32 random bytes, URL-safe base64: a bearer token.
pub fn random_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pki_is_generated_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = Pki::load_or_generate(dir.path(), &["kplane.example".into()]).unwrap();
        let again = Pki::load_or_generate(dir.path(), &[]).unwrap();
        assert_eq!(first.ca_pem, again.ca_pem);
        assert_eq!(first.server_cert_pem, again.server_cert_pem);
        assert_eq!(first.admin_token, again.admin_token);
        assert!(first.server_config().is_ok());
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("admin.token")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
