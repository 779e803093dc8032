//! The online tables published from feature tables. Discovery rule (no API lists "the online
//! tables of a source"):
//!
//! 1. every online store (`feature-store/online-stores`, bounded) is asked for its synced
//!    tables through its database instance (`database/instances/{store}/synced_tables`); a
//!    synced table whose spec names the feature table as its source is one of its online
//!    tables. A store that cannot be listed that way (a `postgres`-service store) is skipped
//!    with a note only when the error is not "not found / not offered";
//! 2. for each feature table, the names the console's own publish suggests and the legacy
//!    convention are read through every API (`database`, `postgres`, legacy online tables):
//!    `{catalog}.{schema}_online.{table}` and `{catalog}.{schema}.{table}_online`; a table that
//!    exists and names the feature table as its source is kept.
//!
//! UC state and sync state stay apart, and the lag is the offline last write minus the end of
//! the last sync (zero when the sync is newer; unknown before the first sync ends).

use std::collections::BTreeMap;

use futures::StreamExt;
use serde::Serialize;

use crate::api::models::online_sync::{OnlineSync, SyncApi};
use crate::api::models::uc_tables::TableInfo;
use crate::api::{ApiError, Client};

use super::CONCURRENCY;

/// Online stores asked for their synced tables at most, and synced tables read per store.
pub const MAX_STORES: usize = 20;
pub const MAX_SYNCED_PER_STORE: usize = 500;

/// One online table as the feature list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OnlineStatus {
    pub name: String,
    /// The online store it is served from, when the listing said so.
    pub store: Option<String>,
    /// `database`, `postgres` or `legacy_online_table` (deprecated: migrate it).
    pub api: SyncApi,
    pub legacy: bool,
    /// The UC entity's state (`ACTIVE` says nothing of the data).
    pub uc_state: Option<String>,
    /// The sync pipeline's state.
    pub sync_state: Option<String>,
    pub first_sync_done: bool,
    pub sync_failed: bool,
    pub mode: Option<String>,
    pub pipeline_id: Option<String>,
    pub last_synced_version: Option<i64>,
    pub last_sync_end_ms: Option<i64>,
    /// 0..1 of the sync on its way, if any.
    pub progress: Option<f64>,
    /// Offline last write − end of the last sync, never negative; `None` before the first sync.
    pub lag_ms: Option<i64>,
    pub message: Option<String>,
}

impl OnlineStatus {
    pub fn of(s: &OnlineSync, store: Option<String>, last_write_ms: Option<i64>) -> Self {
        let last_sync_end_ms = s.last_sync_end_ms();
        let first_sync_done = s.first_sync_done();
        let lag_ms = match (last_write_ms, last_sync_end_ms, first_sync_done) {
            (Some(w), Some(e), true) => Some((w - e).max(0)),
            _ => None,
        };
        OnlineStatus {
            name: s.name.clone(),
            store,
            api: s.api,
            legacy: s.is_legacy(),
            uc_state: s.uc_state.as_ref().map(|u| u.to_string()),
            sync_state: s.sync_state.as_ref().map(|u| u.to_string()),
            first_sync_done,
            sync_failed: s.sync_state.as_ref().is_some_and(|u| u.is_failed()),
            mode: s.mode.as_ref().map(|m| m.to_string()),
            pipeline_id: s.pipeline_id.clone(),
            last_synced_version: s.last_synced_version,
            last_sync_end_ms,
            progress: s.progress.as_ref().and_then(|p| p.sync_progress_completion),
            lag_ms,
            message: s.message.clone(),
        }
    }

    /// `ACTIVE / SYNCED_ONLINE…` as one short text for tables.
    pub fn state_text(&self) -> String {
        let uc = self.uc_state.as_deref().unwrap_or("-");
        let sync = self.sync_state.as_deref().unwrap_or("-");
        let mut t = format!("UC {uc}, sync {sync}");
        if !self.first_sync_done {
            t.push_str(" (first sync not done)");
        }
        t
    }
}

/// Online tables found, by source table (lowercase full name).
#[derive(Debug, Clone, Default)]
pub struct OnlineIndex {
    by_source: BTreeMap<String, Vec<(OnlineSync, Option<String>)>>,
    pub notes: Vec<String>,
}

impl OnlineIndex {
    fn add(&mut self, s: OnlineSync, store: Option<String>) {
        let Some(src) = s.source_table.as_ref().map(|t| t.to_ascii_lowercase()) else {
            return;
        };
        let list = self.by_source.entry(src).or_default();
        if !list
            .iter()
            .any(|(o, _)| o.name.eq_ignore_ascii_case(&s.name))
        {
            list.push((s, store));
        }
    }

    fn has(&self, name: &str) -> bool {
        self.by_source
            .values()
            .flatten()
            .any(|(o, _)| o.name.eq_ignore_ascii_case(name))
    }

    /// The online tables of `table`, judged against its last write.
    pub fn of(&self, table: &str, last_write_ms: Option<i64>) -> Vec<OnlineStatus> {
        self.by_source
            .get(&table.to_ascii_lowercase())
            .map(|l| {
                l.iter()
                    .map(|(s, store)| OnlineStatus::of(s, store.clone(), last_write_ms))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The conventional names of `t`'s online tables (see the module's rule 2).
pub fn conventional_names(t: &TableInfo) -> Vec<String> {
    let full = t.full_name();
    let mut out = Vec::new();
    if let (Some(c), Some(s)) = (&t.base.catalog_name, &t.base.schema_name) {
        out.push(format!("{c}.{s}_online.{}", t.base.name));
    }
    out.push(format!("{full}_online"));
    out
}

fn quiet(e: &ApiError) -> bool {
    e.is_not_found() || e.is_not_available()
}

/// Finds the online tables of `tables` (the module's rule).
pub async fn discover(client: &Client, tables: &[TableInfo]) -> OnlineIndex {
    let mut index = OnlineIndex::default();
    if tables.is_empty() {
        return index;
    }
    match client.list_online_stores(MAX_STORES).await {
        Ok(stores) => {
            let reads: Vec<_> = stores
                .iter()
                .map(|st| async move {
                    let r = client
                        .list_instance_synced_tables(&st.name, MAX_SYNCED_PER_STORE)
                        .await;
                    (st.name.clone(), r)
                })
                .collect();
            let read: Vec<_> = futures::stream::iter(reads)
                .buffered(CONCURRENCY)
                .collect()
                .await;
            for (store, r) in read {
                match r {
                    Ok(list) => list
                        .iter()
                        .for_each(|t| index.add(OnlineSync::from_database(t), Some(store.clone()))),
                    Err(e) if quiet(&e) => {}
                    Err(e) => index.notes.push(format!(
                        "synced tables of online store {store} not read: {e}"
                    )),
                }
            }
        }
        Err(e) if quiet(&e) => {}
        Err(e) => index.notes.push(format!("online stores not listed: {e}")),
    }
    let probes: Vec<(String, String)> = tables
        .iter()
        .flat_map(|t| {
            let full = t.full_name();
            conventional_names(t)
                .into_iter()
                .map(move |n| (full.clone(), n))
        })
        .filter(|(_, n)| !index.has(n))
        .collect();
    let reads: Vec<_> = probes
        .iter()
        .map(|(src, name)| async move { (src, name, client.read_online_table(name).await) })
        .collect();
    let read: Vec<_> = futures::stream::iter(reads)
        .buffered(CONCURRENCY)
        .collect()
        .await;
    for (src, name, r) in read {
        match r {
            Ok(s)
                if s.source_table
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case(src)) =>
            {
                index.add(s, None)
            }
            Ok(_) => {}
            Err(e) if quiet(&e) => {}
            Err(e) => index
                .notes
                .push(format!("online table {name} not read: {e}")),
        }
    }
    index
}
