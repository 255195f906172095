//! The names kplane gives kubeconfig entries.
//!
//! | plane | cluster / user / context |
//! |---|---|
//! | virtual control plane `NAME` | `kplane-NAME` (all three) |
//! | management, kind provider | `kind-CLUSTER` (kind writes it) |
//! | management, k3s provider (k3d) | `k3d-CLUSTER`; k3d names the user `admin@k3d-CLUSTER` |
//! | management, embedded provider | `kplane@CLUSTER` (all three) |
//!
//! The embedded provider's name uses `@`, which no DNS-1123 label may contain, so it can never
//! equal `kplane-NAME` for any plane name, nor `kind-…`/`k3d-…`, nor k3d's `admin@k3d-…` users
//! (whose prefix differs). A plane named `kind-x` gets `kplane-kind-x`, which cannot be
//! mistaken for kind's `kind-x` either: every VCP entry starts with `kplane-`, no provider's
//! does.

use crate::types::PlaneName;

/// The prefix of every VCP cluster, user and context name.
pub const VCP_PREFIX: &str = "kplane-";
/// The prefix of the embedded provider's management entries.
pub const EMBEDDED_PREFIX: &str = "kplane@";

/// Where the management plane runs; decides its context name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManagementProvider {
    /// `kplane serve` run by kplane itself.
    Embedded,
    /// A kind cluster.
    Kind,
    /// A k3s cluster run by k3d.
    K3s,
}

impl ManagementProvider {
    /// The prefix the provider puts before the cluster name.
    pub fn context_prefix(self) -> &'static str {
        match self {
            ManagementProvider::Embedded => EMBEDDED_PREFIX,
            ManagementProvider::Kind => "kind-",
            ManagementProvider::K3s => "k3d-",
        }
    }
}

/// The cluster, user and context name of a virtual control plane: `kplane-NAME`.
pub fn vcp_context(name: &PlaneName) -> String {
    format!("{VCP_PREFIX}{}", name.as_str())
}

/// The management plane's context name: `kind-CLUSTER`, `k3d-CLUSTER` or `kplane@CLUSTER`.
pub fn management_context(provider: ManagementProvider, cluster_name: &str) -> String {
    format!("{}{cluster_name}", provider.context_prefix())
}

/// The plane name inside a VCP context name, if `context` is one (`kplane-NAME` with `NAME` a
/// valid plane name). Embedded management contexts (`kplane@…`) are not VCP contexts.
pub fn vcp_name_from_context(context: &str) -> Option<PlaneName> {
    context.strip_prefix(VCP_PREFIX).and_then(|rest| PlaneName::parse(rest).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_documented_scheme() {
        let plane = PlaneName::parse("dev").unwrap();
        assert_eq!(vcp_context(&plane), "kplane-dev");
        let cases = [
            (ManagementProvider::Embedded, "kplane-management", "kplane@kplane-management"),
            (ManagementProvider::Kind, "kplane-management", "kind-kplane-management"),
            (ManagementProvider::K3s, "mgmt", "k3d-mgmt"),
        ];
        for (provider, cluster, want) in cases {
            assert_eq!(management_context(provider, cluster), want, "{provider:?}");
        }
    }

    #[test]
    fn management_contexts_never_parse_as_vcp_contexts() {
        for cluster in ["kplane-management", "dev", "kplane-dev"] {
            for provider in [ManagementProvider::Embedded, ManagementProvider::Kind, ManagementProvider::K3s] {
                let ctx = management_context(provider, cluster);
                assert_eq!(vcp_name_from_context(&ctx), None, "{ctx}");
            }
        }
    }

    #[test]
    fn vcp_contexts_round_trip() {
        for name in ["dev", "kind-x", "a1"] {
            let plane = PlaneName::parse(name).unwrap();
            assert_eq!(vcp_name_from_context(&vcp_context(&plane)), Some(plane));
        }
        assert_eq!(vcp_name_from_context("kplane-"), None);
        assert_eq!(vcp_name_from_context("kind-dev"), None);
    }
}
