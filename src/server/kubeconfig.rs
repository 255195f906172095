//! The admin kubeconfig a server writes into its data dir: one context for the root plane,
//! the CA inline (TLS is always verified) and the admin token.

use std::path::Path;

use super::tls::{PkiError, write_private};

/// The cluster, user and context name in `admin.kubeconfig`.
pub const ADMIN_CONTEXT: &str = "kplane-admin";

/// Writes (atomically, mode 0600) a kubeconfig for `server`.
pub fn write_admin(path: &Path, server: &str, ca_pem: &str, token: &str) -> Result<(), PkiError> {
    let yaml = render(server, ca_pem, token);
    write_private(path, yaml.as_bytes())
}

/// The kubeconfig YAML for `server` (a root URL or a plane URL).
pub fn render(server: &str, ca_pem: &str, token: &str) -> String {
    crate::controller::controlplane::kubeconfig_yaml(ADMIN_CONTEXT, server, ca_pem, token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeconfig_verifies_tls_and_carries_a_token() {
        let yaml = render("https://127.0.0.1:1", "PEM", "tok");
        let parsed: serde_json::Value = serde_norway::from_str(&yaml).unwrap();
        let cluster = &parsed["clusters"][0]["cluster"];
        assert_eq!(cluster["server"], "https://127.0.0.1:1");
        assert!(cluster.get("insecure-skip-tls-verify").is_none());
        assert_eq!(cluster["certificate-authority-data"], "UEVN");
        assert_eq!(parsed["users"][0]["user"]["token"], "tok");
        assert_eq!(parsed["current-context"], ADMIN_CONTEXT);
    }
}
