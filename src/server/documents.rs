//! The discovery and OpenAPI documents a plane serves, built from its kind table: once per
//! process for the compiled-in tables (every plane without CRDs shares them), and for a plane
//! with CRDs once per version of its table (a CRD write makes a new table, so the next request
//! rebuilds; nothing is rebuilt per request).
//!
//! The cache holds tables weakly: once the registry drops a plane's table (its CRDs changed or
//! are gone, or the plane was deleted) the entry is dead, and dead entries are swept whenever
//! documents are built, so planes that come and go leave nothing behind.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, Weak};

use super::discovery::{Aggregated, Legacy};
use super::openapi::OpenApiV3;
use crate::registry::kind::KindTable;
use crate::types::PlaneName;

/// Every document of one kind table.
pub struct PlaneDocs {
    pub legacy: Legacy,
    /// `/api` and `/apis`, aggregated.
    pub aggregated: (Aggregated, Aggregated),
    pub openapi: OpenApiV3,
}

impl PlaneDocs {
    fn build(table: &KindTable) -> PlaneDocs {
        PlaneDocs {
            legacy: Legacy::build(table),
            aggregated: Aggregated::build(table),
            openapi: OpenApiV3::from_types(table.all()),
        }
    }
}

/// The documents of a plane's compiled-in table.
pub fn base(plane: &PlaneName) -> &'static PlaneDocs {
    static BUILTIN: LazyLock<PlaneDocs> = LazyLock::new(|| PlaneDocs::build(KindTable::builtin()));
    static MANAGEMENT: LazyLock<PlaneDocs> = LazyLock::new(|| PlaneDocs::build(KindTable::management()));
    if plane.is_root() { &MANAGEMENT } else { &BUILTIN }
}

/// The documents of one plane's table with custom resources, and the table they were built from.
type Built = (Weak<KindTable>, Arc<PlaneDocs>);

/// The documents of planes whose table has custom resources.
#[derive(Default)]
pub struct DocumentCache {
    custom: Mutex<HashMap<PlaneName, Built>>,
}

/// A plane's documents: shared, or its own.
pub enum Documents {
    Base(&'static PlaneDocs),
    Custom(Arc<PlaneDocs>),
}

impl std::ops::Deref for Documents {
    type Target = PlaneDocs;
    fn deref(&self) -> &PlaneDocs {
        match self {
            Documents::Base(docs) => docs,
            Documents::Custom(docs) => docs,
        }
    }
}

impl DocumentCache {
    /// The documents of `table`, the current table of `plane`.
    pub fn get(&self, plane: &PlaneName, table: &Arc<KindTable>) -> Documents {
        if KindTable::is_base(table) {
            return Documents::Base(base(plane));
        }
        let mut custom = self.custom.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((built_from, docs)) = custom.get(plane)
            && std::ptr::eq(built_from.as_ptr(), Arc::as_ptr(table))
        {
            return Documents::Custom(docs.clone());
        }
        custom.retain(|_, (built_from, _)| built_from.strong_count() > 0);
        let docs = Arc::new(PlaneDocs::build(table));
        custom.insert(plane.clone(), (Arc::downgrade(table), docs.clone()));
        Documents::Custom(docs)
    }

    /// How many planes have documents of their own.
    #[cfg(test)]
    fn planes(&self) -> usize {
        self.custom.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn with_crd() -> Arc<KindTable> {
        let crd = json!({"metadata": {"name": "widgets.example.com"}, "spec": {"group": "example.com",
            "scope": "Namespaced", "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
            "versions": [{"name": "v1", "served": true, "storage": true}]}});
        Arc::new(KindTable::with_custom_resources(KindTable::builtin(), &[crd]))
    }

    #[test]
    fn documents_of_dropped_tables_are_swept() {
        let cache = DocumentCache::default();
        let (a, b) = (PlaneName::parse("a").unwrap(), PlaneName::parse("b").unwrap());
        let table_a = with_crd();
        let first = cache.get(&a, &table_a);
        assert!(
            matches!(cache.get(&a, &table_a), Documents::Custom(ref again) if matches!(&first, Documents::Custom(f) if Arc::ptr_eq(f, again)))
        );
        drop(table_a); // the plane's CRDs changed, or it was deleted
        let table_b = with_crd();
        cache.get(&b, &table_b);
        assert_eq!(cache.planes(), 1, "a's dead entry is gone");
    }
}
