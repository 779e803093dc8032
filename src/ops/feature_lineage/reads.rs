//! The reads lineage is made of, a few at a time: feature tables (with their freshness and,
//! when asked, their online tables) and model versions' `model_version_dependencies`. Each
//! answer carries its own error; none fails the others.

use futures::StreamExt;
use serde::Serialize;

use crate::api::Client;
use crate::api::models::uc_tables::TableInfo;

use super::online;
use super::stale::{Freshness, freshness};
use super::{LineageOptions, TableState};

/// The feature tables (and feature-spec functions) one model version was trained with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionDeps {
    pub model: String,
    pub version: String,
    pub tables: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<String>,
    /// Why the dependencies could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Why there are none to read (a workspace-registry model, a version without any).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Whether `name` is a Unity Catalog three-part name (only those carry dependencies).
fn is_uc(name: &str) -> bool {
    name.split('.').filter(|p| !p.is_empty()).count() == 3
}

/// Reads one version's dependencies.
pub async fn version_deps(client: &Client, model: &str, version: &str) -> VersionDeps {
    let mut out = VersionDeps {
        model: model.to_string(),
        version: version.to_string(),
        tables: Vec::new(),
        functions: Vec::new(),
        error: None,
        note: None,
    };
    if !is_uc(model) {
        out.note = Some("workspace registry model: no feature dependencies recorded".into());
        return out;
    }
    let Ok(v) = version.trim().parse::<i64>() else {
        out.error = Some(format!("version '{version}' is not a number"));
        return out;
    };
    match client.model_version_dependencies(model, v).await {
        Ok(Some(d)) => {
            out.tables = d.tables();
            out.functions = d.functions();
        }
        Ok(None) => out.note = Some("no dependencies recorded".into()),
        Err(e) => out.error = Some(e.to_string()),
    }
    out
}

/// The dependencies of each `(model, version)`, in order, `opts.concurrency` at a time.
pub async fn versions_deps(
    client: &Client,
    pairs: &[(String, String)],
    opts: &LineageOptions,
) -> Vec<VersionDeps> {
    futures::stream::iter(pairs.iter().cloned())
        .map(|(m, v)| async move { version_deps(client, &m, &v).await })
        .buffered(opts.width())
        .collect()
        .await
}

/// One table read: its state, and the table itself when it could be read.
pub async fn table_state(
    client: &Client,
    table: &str,
    opts: &LineageOptions,
) -> (TableState, Option<TableInfo>) {
    match client.get_table_info(table).await {
        Ok(info) => {
            let mut state = state_of(client, &info, opts).await;
            // The name asked for, as the dependencies spell it.
            state.table = table.to_string();
            (state, Some(info))
        }
        Err(e) => (
            TableState {
                table: table.to_string(),
                updated_at: None,
                freshness: Freshness::Unknown,
                online: Vec::new(),
                error: Some(e.to_string()),
            },
            None,
        ),
    }
}

/// The state of a table already read (and its online tables when asked).
pub async fn state_of(client: &Client, info: &TableInfo, opts: &LineageOptions) -> TableState {
    let mut state = TableState {
        table: info.full_name(),
        updated_at: info.updated_at,
        freshness: freshness(info.updated_at, opts.now_ms, opts.sla_ms),
        online: Vec::new(),
        error: None,
    };
    if opts.online {
        state.online = online::online_tables_of(client, info).await;
    }
    state
}

/// The state of each table, in order, `opts.concurrency` at a time.
pub async fn table_states(
    client: &Client,
    tables: &[String],
    opts: &LineageOptions,
) -> Vec<TableState> {
    futures::stream::iter(tables.iter().cloned())
        .map(|t| async move { table_state(client, &t, opts).await.0 })
        .buffered(opts.width())
        .collect()
        .await
}

/// `items` without repeats (first occurrence kept), at most `cap`; how many were left out.
pub fn distinct_capped<T: PartialEq + Clone>(items: &[T], cap: usize) -> (Vec<T>, usize) {
    let mut out: Vec<T> = Vec::new();
    for i in items {
        if !out.contains(i) {
            out.push(i.clone());
        }
    }
    let left = out.len().saturating_sub(cap);
    out.truncate(cap);
    (out, left)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_keeps_first_and_caps() {
        let (v, left) = distinct_capped(&["a", "b", "a", "c", "d"], 3);
        assert_eq!((v, left), (vec!["a", "b", "c"], 1));
        assert!(is_uc("main.ml.churn_model") && !is_uc("fraud_model"));
    }
}
