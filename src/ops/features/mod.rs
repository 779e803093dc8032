//! Feature tables (issue 14 §1–§2, read side): found without a list call that carries
//! constraints — candidate schemas (`[features] schemas`, else every readable schema, bounded)
//! → `tables.list` → `tables.get` a few at a time → the tables with a primary key. Per table:
//! keys, freshness against its SLA (`freshness`), the online tables published from it
//! (`online`), its monitor, and the models whose versions depend on it (`models`). One table
//! in full — columns, Delta versions, the producing job — is `detail`. Reads only.
//!
//! Lineage (feature → models → endpoints) is not read here: rows and details carry a `lineage`
//! field left empty (`None`, omitted from JSON) for the lineage reader to fill.

pub mod alert_facts;
pub mod detail;
pub mod freshness;
pub mod history;
pub mod models;
pub mod online;
pub mod tags;
pub mod trained;

use futures::StreamExt;
use serde::Serialize;

use crate::api::models::uc_tables::TableInfo;
use crate::api::{ApiError, Client};
use crate::config::features::FeaturesSettings;

pub use detail::{DetailError, DetailInputs, FeatureDetail, ProducingJob, read_detail};
pub use freshness::Freshness;
pub use models::ModelUse;
pub use online::{OnlineIndex, OnlineStatus};

/// `tables.get` calls in flight at once.
pub const CONCURRENCY: usize = 8;

/// One feature table as the list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureRow {
    pub table: String,
    /// Primary-key columns that are not time-series keys.
    pub entity_keys: Vec<String>,
    /// Time-series key columns (non-empty: a time-series feature table).
    pub timeseries_keys: Vec<String>,
    pub columns: usize,
    pub owner: Option<String>,
    /// The table's `updated_at` (Unix ms): its last change, of data or metadata.
    pub last_modified_ms: Option<i64>,
    pub freshness: Freshness,
    /// The online tables published from it, each with its UC and sync state apart.
    pub online: Vec<OnlineStatus>,
    /// The monitor's status (`ACTIVE`, `PENDING`…), `no monitor`, or why it was not read.
    pub monitor: String,
    pub models: ModelUse,
    /// Filled by the lineage reader (features → models → endpoints); not read here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lineage: Option<serde_json::Value>,
}

/// What the list found, with what could not be searched or read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureList {
    pub rows: Vec<FeatureRow>,
    /// Schemas searched, in order.
    pub schemas: Vec<String>,
    /// Sources not (fully) searched: a schema that could not be listed, a table not read, a
    /// bound reached. Nothing here means the list is complete.
    pub notes: Vec<String>,
}

/// The candidate schemas: the configured ones, else every schema of every catalog the caller
/// can read, up to `max_schemas`. Schemas that could not be listed are noted.
pub async fn candidate_schemas(
    client: &Client,
    settings: &FeaturesSettings,
    notes: &mut Vec<String>,
) -> Result<Vec<String>, ApiError> {
    if !settings.schemas.is_empty() {
        return Ok(settings.schemas.clone());
    }
    let max = settings.max_schemas;
    let catalogs = client.list_catalogs(max).await?;
    let mut out = Vec::new();
    for c in catalogs {
        if out.len() >= max {
            notes.push(format!(
                "only the first {max} schemas were searched (features.max_schemas)"
            ));
            break;
        }
        match client.list_schemas(&c.name, max - out.len()).await {
            Ok(list) => out.extend(
                list.iter()
                    .filter(|s| !s.name.eq_ignore_ascii_case("information_schema"))
                    .map(|s| s.full_name()),
            ),
            Err(e) => notes.push(format!("schemas of catalog {} not listed: {e}", c.name)),
        }
    }
    Ok(out)
}

/// Every feature table (primary key) of the candidate schemas, read in full (`tables.get`,
/// [`CONCURRENCY`] at a time, at most `max_tables`). A listing answer that is not the wire's
/// shape is an error of the whole read; one table that cannot be read is a note.
pub async fn read_feature_tables(
    client: &Client,
    settings: &FeaturesSettings,
    notes: &mut Vec<String>,
) -> Result<(Vec<String>, Vec<TableInfo>), ApiError> {
    let schemas = candidate_schemas(client, settings, notes).await?;
    let max = settings.max_tables;
    let mut names: Vec<String> = Vec::new();
    let mut first_error: Option<ApiError> = None;
    let mut listed = 0;
    for s in &schemas {
        let Some((catalog, schema)) = s.split_once('.') else {
            continue;
        };
        let left = max.saturating_sub(names.len());
        if left == 0 {
            notes.push(format!(
                "only the first {max} tables were read (features.max_tables)"
            ));
            break;
        }
        match client.list_tables(catalog, schema, left).await {
            Ok(list) => {
                listed += 1;
                names.extend(list.iter().map(TableInfo::full_name));
            }
            Err(e) => {
                notes.push(format!("schema {s} not listed: {e}"));
                first_error.get_or_insert(e);
            }
        }
    }
    // Nothing could be listed: that is the answer, not an empty list.
    if listed == 0
        && let Some(e) = first_error
    {
        return Err(e);
    }
    let reads: Vec<_> = names
        .iter()
        .map(|n| async move { (n.clone(), client.get_table_info(n).await) })
        .collect();
    let read: Vec<(String, Result<TableInfo, ApiError>)> = futures::stream::iter(reads)
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let mut tables = Vec::new();
    let (mut read_ok, mut first_error) = (0, None);
    for (name, r) in read {
        match r {
            Ok(t) => {
                read_ok += 1;
                if t.is_feature_table() {
                    tables.push(t);
                }
            }
            // Dropped between the listing and the read.
            Err(e) if e.is_not_found() => read_ok += 1,
            Err(e) => {
                notes.push(format!("{name} not read: {e}"));
                first_error.get_or_insert(e);
            }
        }
    }
    if read_ok == 0
        && let Some(e) = first_error
    {
        return Err(e);
    }
    Ok((schemas, tables))
}

/// The monitor status of `table` (a table just read) for the list.
pub(crate) async fn monitor_status(client: &Client, table: &str) -> String {
    use crate::api::monitors::MonitorLookup;
    match client.read_monitor(table, None).await {
        Ok(MonitorLookup::Found(m)) => m
            .status
            .as_ref()
            .map_or_else(|| "monitor".to_string(), |s| s.to_string()),
        Ok(MonitorLookup::Absent { .. }) => "no monitor".to_string(),
        // The table was just read: a not-found here is about its monitor.
        Err(e) if e.is_not_found() => "no monitor".to_string(),
        Err(e) => format!("not read: {e}"),
    }
}

/// The feature list as of `now_ms` (Unix ms): tables, freshness, online tables, monitors and
/// model use. Fails only when the tables themselves cannot be found.
pub async fn list(
    client: &Client,
    settings: &FeaturesSettings,
    now_ms: i64,
) -> Result<FeatureList, ApiError> {
    read(client, settings, now_ms, true).await
}

/// [`list`] without the monitors and the models (what the alert rules need, read on every
/// evaluation): `monitor` is empty and `models` unread.
pub async fn list_freshness(
    client: &Client,
    settings: &FeaturesSettings,
    now_ms: i64,
) -> Result<FeatureList, ApiError> {
    read(client, settings, now_ms, false).await
}

async fn read(
    client: &Client,
    settings: &FeaturesSettings,
    now_ms: i64,
    extras: bool,
) -> Result<FeatureList, ApiError> {
    let mut notes = Vec::new();
    let (schemas, tables) = read_feature_tables(client, settings, &mut notes).await?;
    let names: Vec<String> = tables.iter().map(TableInfo::full_name).collect();
    let no_names: Vec<String> = Vec::new();
    let (online, models) = futures::join!(
        online::discover(client, &tables),
        models::model_use(client, if extras { &names } else { &no_names }),
    );
    notes.extend(online.notes.iter().cloned());
    let (models, model_note) = models;
    notes.extend(model_note);
    let monitor_reads: Vec<_> = names
        .iter()
        .filter(|_| extras)
        .map(|n| monitor_status(client, n))
        .collect();
    let mut monitors: Vec<String> = futures::stream::iter(monitor_reads)
        .buffered(CONCURRENCY)
        .collect()
        .await;
    monitors.resize(names.len(), String::new());
    let rows = tables
        .iter()
        .zip(monitors)
        .map(|(t, monitor)| {
            let name = t.full_name();
            let freshness = Freshness::from_updated_at(t, settings.sla_of(&name), now_ms);
            FeatureRow {
                entity_keys: t.entity_keys(),
                timeseries_keys: t.timeseries_keys(),
                columns: t.columns.len(),
                owner: t.base.owner.clone(),
                last_modified_ms: t.updated_at,
                online: online.of(&name, freshness.last_write_ms),
                monitor,
                models: if extras {
                    models.of(&name)
                } else {
                    ModelUse::default()
                },
                freshness,
                lineage: None,
                table: name,
            }
        })
        .collect();
    Ok(FeatureList {
        rows,
        schemas,
        notes,
    })
}
