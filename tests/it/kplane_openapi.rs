//! `openapi/kplane.yaml` against the Rust types it describes: every property a kplane object
//! can carry is documented, and the document declares nothing the types lack. (The e2e suite
//! checks the served document against live responses.)

use std::collections::BTreeSet;

use kplane::types::controlplane::{ControlPlaneSpec, ControlPlaneStatus};
use kplane::types::fleet::{FleetMember, FleetSpec, FleetStatus};
use serde_json::Value;

fn document() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/kplane.yaml");
    serde_norway::from_str(&std::fs::read_to_string(path).expect("openapi/kplane.yaml")).expect("valid YAML")
}

fn documented(document: &Value, schema: &str) -> BTreeSet<String> {
    let properties = document["components"]["schemas"][schema]["properties"].as_object();
    properties.unwrap_or_else(|| panic!("{schema} has properties")).keys().cloned().collect()
}

fn derived<T: schemars::JsonSchema>() -> BTreeSet<String> {
    let schema = schemars::schema_for!(T);
    schema.as_value()["properties"].as_object().expect("an object schema").keys().cloned().collect()
}

#[test]
fn the_document_matches_the_types() {
    let document = document();
    for (schema, properties) in [
        ("FleetSpec", derived::<FleetSpec>()),
        ("FleetStatus", derived::<FleetStatus>()),
        ("FleetMember", derived::<FleetMember>()),
        ("ControlPlaneSpec", derived::<ControlPlaneSpec>()),
        ("ControlPlaneStatus", derived::<ControlPlaneStatus>()),
    ] {
        assert_eq!(documented(&document, schema), properties, "{schema} drifted from its Rust type");
    }
    for path in ["/snapshot", "/clusters/{cluster}/control-plane/snapshot", "/apis/kplane.dev/v1/fleets"] {
        assert!(document["paths"][path].is_object(), "{path} is documented");
    }
}
