//! Lineage between feature tables, models and serving endpoints, both ways (issue 14 §3):
//!
//! - forward ([`table`]): a feature table → its features → the model versions that use them
//!   (the feature lineage API per feature, and the `model_version_dependencies` of the versions
//!   endpoints serve) → the serving endpoints serving those versions, with traffic share;
//! - reverse ([`version`], [`endpoint`]): from a model version or an endpoint, the feature
//!   tables it depends on with their freshness ([`stale`]) and the online tables fed by them
//!   ([`online`]).
//!
//! Every read is bounded (caps on features, versions, tables) and runs a few at a time
//! ([`LineageOptions::concurrency`]). A read that fails is reported on the item it was for
//! (a feature, a version, a table), never dropped and never failing the whole answer.

pub mod endpoint;
pub mod health;
pub mod online;
pub mod reads;
pub mod sla;
pub mod stale;
pub mod table;
pub mod version;

use serde::Serialize;

pub use endpoint::{EndpointLineage, ServedDeps, StaleUse};
pub use health::{Problem, TableHealth};
pub use stale::{DEFAULT_SLA_MS, Freshness};
pub use table::TableLineage;
pub use version::VersionLineage;

/// Reads in flight at once, by default.
pub const CONCURRENCY: usize = 8;
/// Features of one table whose lineage is asked (the rest are named in a note).
pub const MAX_FEATURES: usize = 100;
/// Distinct model versions or tables read for one answer.
pub const MAX_ITEMS: usize = 200;

/// What a lineage read needs besides the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineageOptions {
    /// When freshness is judged (ms since the epoch).
    pub now_ms: i64,
    /// Age past which a table is stale.
    pub sla_ms: i64,
    /// Reads in flight at once (at least one).
    pub concurrency: usize,
    /// Whether to look for the online tables of each feature table (slower).
    pub online: bool,
}

impl LineageOptions {
    /// The default SLA and concurrency at `now_ms`, online tables included.
    pub fn at(now_ms: i64) -> LineageOptions {
        LineageOptions {
            now_ms,
            sla_ms: DEFAULT_SLA_MS,
            concurrency: CONCURRENCY,
            online: true,
        }
    }

    pub(crate) fn width(&self) -> usize {
        self.concurrency.max(1)
    }
}

/// One feature table as the reverse lineage shows it: its freshness, or why it is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableState {
    pub table: String,
    /// Last write (ms since the epoch), when the table says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    #[serde(flatten)]
    pub freshness: Freshness,
    /// Its online tables (when asked for), each with its sync state or read error.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub online: Vec<online::OnlineTableState>,
    /// Why the table could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl TableState {
    pub fn is_stale(&self) -> bool {
        self.freshness.is_stale()
    }

    /// "main.features.x (stale 52 h)", or "(unreadable: …)".
    pub fn describe(&self) -> String {
        match &self.error {
            Some(e) => format!("{} (unreadable: {e})", self.table),
            None => format!("{} ({})", self.table, self.freshness.label()),
        }
    }
}

/// The last segment of a dotted name: `main.ml.churn_model` → `churn_model`.
pub fn short_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}
