//! The online tables fed by a feature table, found by this rule:
//!
//! 1. the feature lineage API, asked for the table's first feature (a column outside the
//!    primary key), names the online tables serving it (`online_features[].table_name`);
//! 2. when it cannot answer or names none, the conventional names are tried:
//!    `{catalog}.{schema}_online.{table}` (synced tables published by the console) and
//!    `{catalog}.{schema}.{table}_online` (legacy online tables);
//! 3. each candidate is read with `read_online_table` (database, then postgres synced tables,
//!    then legacy online tables). A candidate kept has this table as its source (when it says);
//!    one the lineage API named but that cannot be read is kept with its error; a conventional
//!    name nobody knows is not an online table and is skipped.

use futures::StreamExt;
use serde::Serialize;

use crate::api::Client;
use crate::api::models::online_sync::OnlineSync;
use crate::api::models::uc_tables::TableInfo;

/// One online table of a feature table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OnlineTableState {
    pub name: String,
    /// `database`, `postgres` or `legacy_online_table`, once read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uc_state: Option<String>,
    /// When the last sync ended (ms since the epoch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_sync_end: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl OnlineTableState {
    fn from_sync(s: &OnlineSync) -> OnlineTableState {
        OnlineTableState {
            name: s.name.clone(),
            api: serde_json::to_value(s.api)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string)),
            sync_state: s.sync_state.as_ref().map(|x| x.to_string()),
            uc_state: s.uc_state.as_ref().map(|x| x.to_string()),
            last_sync_end: s.last_sync_end_ms(),
            error: None,
        }
    }

    /// "main.features_online.x ONLINE_CONTINUOUS_UPDATE", or its error.
    pub fn describe(&self) -> String {
        match (&self.error, &self.sync_state) {
            (Some(e), _) => format!("{} (unreadable: {e})", self.name),
            (None, Some(s)) => format!("{} {s}", self.name),
            (None, None) => self.name.clone(),
        }
    }
}

/// The conventional online names of `catalog.schema.table` (rule 2).
pub fn conventional_names(full_name: &str) -> Vec<String> {
    let parts: Vec<&str> = full_name.split('.').collect();
    match parts.as_slice() {
        [c, s, t] => vec![format!("{c}.{s}_online.{t}"), format!("{c}.{s}.{t}_online")],
        _ => Vec::new(),
    }
}

/// The first feature of a table: a column outside its primary key.
pub fn first_feature(info: &TableInfo) -> Option<String> {
    let keys = info
        .primary_key()
        .map(|k| k.child_columns.clone())
        .unwrap_or_default();
    info.columns
        .iter()
        .map(|c| c.name.clone())
        .find(|c| !keys.contains(c))
}

/// The online tables of `info` by the rule above.
pub async fn online_tables_of(client: &Client, info: &TableInfo) -> Vec<OnlineTableState> {
    let table = info.full_name();
    let mut named: Vec<String> = Vec::new();
    if let Some(f) = first_feature(info)
        && let Ok(l) = client.get_feature_lineage(&table, &f).await
    {
        for o in l.online_features {
            if !named.contains(&o.table_name) {
                named.push(o.table_name);
            }
        }
    }
    let from_lineage = !named.is_empty();
    let candidates = if from_lineage {
        named
    } else {
        conventional_names(&table)
    };
    let reads: Vec<(String, _)> = futures::stream::iter(candidates)
        .map(|n| async move {
            let r = client.read_online_table(&n).await;
            (n, r)
        })
        .buffered(4)
        .collect()
        .await;
    reads
        .into_iter()
        .filter_map(|(name, r)| match r {
            Ok(s) => {
                let ours = s
                    .source_table
                    .as_deref()
                    .is_none_or(|src| src.eq_ignore_ascii_case(&table));
                ours.then(|| OnlineTableState::from_sync(&s))
            }
            // Not found under a conventional name: no such online table. Anything else is said.
            Err(e) if from_lineage || !(e.is_not_found() || e.is_not_available()) => {
                Some(OnlineTableState {
                    name,
                    api: None,
                    sync_state: None,
                    uc_state: None,
                    last_sync_end: None,
                    error: Some(e.to_string()),
                })
            }
            Err(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventional_names_follow_the_rule() {
        assert_eq!(
            conventional_names("main.features.support_interactions"),
            [
                "main.features_online.support_interactions",
                "main.features.support_interactions_online"
            ]
        );
        assert!(conventional_names("bad").is_empty());
    }
}
