//! The discovery and OpenAPI documents a plane serves, built from its kind table: once per
//! process for the compiled-in tables (every plane without CRDs shares them), and for a plane
//! with CRDs once per version of its table (a CRD write makes a new table, so the next request
//! rebuilds; nothing is rebuilt per request).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

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
type Built = (Arc<KindTable>, Arc<PlaneDocs>);

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
            && Arc::ptr_eq(built_from, table)
        {
            return Documents::Custom(docs.clone());
        }
        let docs = Arc::new(PlaneDocs::build(table));
        custom.insert(plane.clone(), (table.clone(), docs.clone()));
        Documents::Custom(docs)
    }
}
