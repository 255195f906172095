//! `/openapi/kplane.yaml` and `/openapi/kplane.json`: kplane's own API (the snapshot
//! endpoint, the management kinds), the contract SDKs are generated from. One source file,
//! `openapi/kplane.yaml` at the repository root, is compiled in and served as written; the
//! JSON form is converted from it once per process.

use std::sync::LazyLock;

/// The document as written.
pub const YAML: &str = include_str!("../../../openapi/kplane.yaml");

/// The document as JSON, or why the embedded YAML could not be converted (a build-time
/// mistake the tests catch; the server answers 500 rather than panicking).
pub fn json() -> Result<&'static [u8], &'static str> {
    static JSON: LazyLock<Result<Vec<u8>, String>> = LazyLock::new(|| to_json(YAML));
    JSON.as_ref().map(Vec::as_slice).map_err(String::as_str)
}

fn to_json(yaml: &str) -> Result<Vec<u8>, String> {
    let document: serde_json::Value =
        serde_norway::from_str(yaml).map_err(|err| format!("openapi/kplane.yaml is not valid YAML: {err}"))?;
    serde_json::to_vec(&document).map_err(|err| format!("openapi/kplane.yaml has no JSON form: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn the_embedded_document_parses_and_both_forms_are_the_same_document() {
        let from_yaml: Value = serde_norway::from_str(YAML).expect("openapi/kplane.yaml parses");
        assert!(from_yaml["openapi"].as_str().is_some_and(|v| v.starts_with("3.")), "an OpenAPI 3 document");
        assert!(from_yaml["info"]["title"].is_string() && from_yaml["info"]["version"].is_string());
        assert!(from_yaml["paths"].is_object());
        let from_json: Value = serde_json::from_slice(json().expect("converted")).expect("JSON parses");
        assert_eq!(from_json, from_yaml);
    }

    #[test]
    fn yaml_only_spellings_convert() {
        // Response codes are unquoted integers in most hand-written documents.
        let json = to_json("paths:\n  /x:\n    get:\n      responses:\n        200: {description: ok}\n").unwrap();
        let value: Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(value["paths"]["/x"]["get"]["responses"]["200"]["description"], "ok");
        assert!(to_json("a: [unclosed").is_err());
    }
}
