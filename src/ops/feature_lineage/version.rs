//! Reverse lineage from a model version: the feature tables it was trained with (its
//! `model_version_dependencies`), each with its freshness and online tables.

use serde::Serialize;

use crate::api::Client;

use super::reads::{VersionDeps, distinct_capped, table_states, versions_deps};
use super::{LineageOptions, MAX_ITEMS, TableState};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionLineage {
    pub model: String,
    pub version: String,
    /// The feature-spec functions it was trained with.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<String>,
    pub tables: Vec<TableState>,
    /// Why the dependencies could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Why there are none (a workspace-registry model, a version without dependencies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl VersionLineage {
    pub fn stale_tables(&self) -> Vec<&TableState> {
        self.tables.iter().filter(|t| t.is_stale()).collect()
    }

    /// "features: main.features.a (fresh 1 h), main.features.b (stale 52 h)", or why there
    /// are none.
    pub fn summary(&self) -> String {
        if let Some(e) = &self.error {
            return format!("features: unreadable ({e})");
        }
        if self.tables.is_empty() {
            return format!(
                "features: none ({})",
                self.note.as_deref().unwrap_or("no feature tables")
            );
        }
        let list: Vec<String> = self.tables.iter().map(TableState::describe).collect();
        format!("features: {}", list.join(", "))
    }
}

/// Assembles the lineage of each version from its dependencies and the table states read.
pub fn assemble(deps: &[VersionDeps], tables: &[TableState]) -> Vec<VersionLineage> {
    deps.iter()
        .map(|d| VersionLineage {
            model: d.model.clone(),
            version: d.version.clone(),
            functions: d.functions.clone(),
            tables: d
                .tables
                .iter()
                .map(|t| {
                    tables
                        .iter()
                        .find(|s| s.table.eq_ignore_ascii_case(t))
                        .cloned()
                        .unwrap_or_else(|| TableState {
                            table: t.clone(),
                            updated_at: None,
                            freshness: super::Freshness::Unknown,
                            online: Vec::new(),
                            error: Some("not read: too many tables".into()),
                        })
                })
                .collect(),
            error: d.error.clone(),
            note: d.note.clone(),
        })
        .collect()
}

/// The lineage of several versions of `model`, each table read once.
pub async fn of_versions(
    client: &Client,
    model: &str,
    versions: &[String],
    opts: &LineageOptions,
) -> Vec<VersionLineage> {
    let (versions, _) = distinct_capped(versions, MAX_ITEMS);
    let pairs: Vec<(String, String)> = versions
        .iter()
        .map(|v| (model.to_string(), v.clone()))
        .collect();
    let deps = versions_deps(client, &pairs, opts).await;
    let all: Vec<String> = deps.iter().flat_map(|d| d.tables.clone()).collect();
    let (tables, _) = distinct_capped(&all, MAX_ITEMS);
    let states = table_states(client, &tables, opts).await;
    assemble(&deps, &states)
}

/// The lineage of one version.
pub async fn of_version(
    client: &Client,
    model: &str,
    version: &str,
    opts: &LineageOptions,
) -> VersionLineage {
    of_versions(client, model, &[version.to_string()], opts)
        .await
        .pop()
        .unwrap_or_else(|| VersionLineage {
            model: model.to_string(),
            version: version.to_string(),
            functions: Vec::new(),
            tables: Vec::new(),
            error: Some("no answer".into()),
            note: None,
        })
}
