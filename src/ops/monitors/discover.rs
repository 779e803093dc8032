//! Finding a workspace's monitors without a list call (the Data Quality list is
//! unimplemented): candidate tables come from `[monitoring] tables`, from the inference tables
//! of serving endpoints (AI Gateway `inference_table_config`, legacy `auto_capture_config`),
//! from tables whose `*_profile_metrics` / `*_drift_metrics` siblings `information_schema`
//! shows (one fixed, parameterised query), and from what was found last time. Each candidate
//! is then read with the monitor API, a few at a time; a candidate without a monitor is listed
//! only when the config names it.

use futures::StreamExt;
use serde::Serialize;

use crate::api::Client;
use crate::api::models::monitors::{Monitor, MonitorApi};
use crate::api::monitors::MonitorLookup;
use crate::api::sql_fixed::FixedStatement;
use crate::config::monitoring::MonitoringSettings;
use crate::ops::sql::{SqlQuery, Waiter, choose_warehouse, run_fixed_query};

/// Monitor reads (and endpoint reads) in flight at once.
pub const READ_CONCURRENCY: usize = 8;

const PROFILE_SUFFIX: &str = "_profile_metrics";
const DRIFT_SUFFIX: &str = "_drift_metrics";

/// The one query of metric-table discovery: its values are bound, never written into it; sent
/// as one of the console's own statements, so read-only profiles may run it.
pub const METRIC_TABLES_SQL: &str = "SELECT table_catalog, table_schema, table_name \
     FROM system.information_schema.tables \
     WHERE table_name LIKE :profile OR table_name LIKE :drift \
     ORDER BY table_catalog, table_schema, table_name";

/// Why a table is a candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// Named in `[monitoring] tables`.
    Config,
    /// The inference table of a serving endpoint.
    Endpoint { endpoint: String },
    /// Its metric tables exist (`information_schema`).
    MetricTables,
    /// Found on an earlier start.
    Remembered,
}

/// A table that may have a monitor, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub table: String,
    pub sources: Vec<Source>,
}

impl Candidate {
    pub fn from_config(&self) -> bool {
        self.sources.contains(&Source::Config)
    }
}

/// One listed table: its monitor, or "no monitor" (`monitor` and `error` both `None`), or why
/// it could not be read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonitorRow {
    pub table: String,
    pub sources: Vec<Source>,
    pub monitor: Option<Monitor>,
    pub error: Option<String>,
}

/// Candidates, in order of first sighting, one per table (names compare case-insensitively).
#[derive(Debug, Default)]
pub struct Candidates {
    list: Vec<Candidate>,
}

impl Candidates {
    pub fn add(&mut self, table: &str, source: Source) {
        let table = table.trim();
        if table.is_empty() {
            return;
        }
        match self
            .list
            .iter_mut()
            .find(|c| c.table.eq_ignore_ascii_case(table))
        {
            Some(c) if !c.sources.contains(&source) => c.sources.push(source),
            Some(_) => {}
            None => self.list.push(Candidate {
                table: table.to_string(),
                sources: vec![source],
            }),
        }
    }

    pub fn into_vec(self) -> Vec<Candidate> {
        self.list
    }
}

/// The inference tables of the workspace's serving endpoints, with the endpoint's name. The
/// list gives the AI Gateway; the legacy auto-capture is in each endpoint's full config, read
/// [`READ_CONCURRENCY`] at a time.
pub async fn endpoint_tables(client: &Client) -> Result<Vec<(String, String)>, String> {
    let list = client
        .list_serving_endpoints()
        .await
        .map_err(|e| format!("serving endpoints could not be listed: {e}"))?;
    // The names are collected first: a stream over a borrowing iterator would make this future
    // not `Send` for every lifetime, and the console runs it in a spawned task.
    let names: Vec<String> = list.iter().map(|e| e.name.clone()).collect();
    let details: Vec<_> = futures::stream::iter(names)
        .map(|name| async move { client.get_serving_endpoint(&name).await.ok() })
        .buffered(READ_CONCURRENCY)
        .collect()
        .await;
    let mut out = Vec::new();
    for (e, detail) in list.iter().zip(details) {
        let ai = detail
            .as_ref()
            .and_then(|d| d.ai_gateway.as_ref())
            .or(e.ai_gateway.as_ref())
            .and_then(|g| g.inference_table_config.as_ref())
            .and_then(|c| c.payload_table());
        let capture = detail
            .as_ref()
            .and_then(|d| d.config.as_ref())
            .and_then(|c| c.auto_capture_config.as_ref())
            .and_then(|c| c.payload_table());
        for t in [ai, capture].into_iter().flatten() {
            out.push((e.name.clone(), t));
        }
    }
    Ok(out)
}

/// Tables whose `_profile_metrics` or `_drift_metrics` sibling exists, through one SQL query
/// on `warehouse_id` (or the first running warehouse; none is started).
pub async fn metric_table_owners(
    client: &Client,
    warehouse_id: Option<&str>,
) -> Result<Vec<String>, String> {
    let warehouse = choose_warehouse(client, warehouse_id)
        .await
        .map_err(|e| format!("metric tables not searched: {e}"))?;
    let query = SqlQuery::new("")
        .bind("profile", format!("%{PROFILE_SUFFIX}"), "STRING")
        .bind("drift", format!("%{DRIFT_SUFFIX}"), "STRING");
    let mut waiter = Waiter::real();
    let statement = FixedStatement::new(METRIC_TABLES_SQL);
    let result = run_fixed_query(client, &warehouse.id, &statement, &query, &mut waiter)
        .await
        .map_err(|e| format!("metric tables not searched on {}: {e}", warehouse.name))?;
    let col = |n: &str| result.column(n);
    let (Some(c), Some(s), Some(t)) =
        (col("table_catalog"), col("table_schema"), col("table_name"))
    else {
        return Err("metric tables not searched: the answer lacks the name columns".into());
    };
    let mut out: Vec<String> = Vec::new();
    for row in &result.rows {
        let cell = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
        let name = cell(t);
        let Some(base) = name
            .strip_suffix(PROFILE_SUFFIX)
            .or_else(|| name.strip_suffix(DRIFT_SUFFIX))
            .filter(|b| !b.is_empty())
        else {
            continue;
        };
        let full = format!("{}.{}.{base}", cell(c), cell(s));
        if !out.contains(&full) {
            out.push(full);
        }
    }
    Ok(out)
}

/// Every candidate (config first, then endpoints, metric tables, and what was remembered),
/// with a note for each source that could not be searched.
pub async fn candidates(
    client: &Client,
    settings: &MonitoringSettings,
    remembered: &[String],
) -> (Vec<Candidate>, Vec<String>) {
    let mut c = Candidates::default();
    let mut notes = Vec::new();
    for t in &settings.tables {
        c.add(t, Source::Config);
    }
    let (endpoints, metric) = futures::join!(
        endpoint_tables(client),
        metric_table_owners(client, settings.warehouse_id.as_deref())
    );
    match endpoints {
        Ok(found) => {
            for (endpoint, table) in found {
                c.add(&table, Source::Endpoint { endpoint });
            }
        }
        Err(e) => notes.push(e),
    }
    match metric {
        Ok(found) => found.iter().for_each(|t| c.add(t, Source::MetricTables)),
        Err(e) => notes.push(e),
    }
    for t in remembered {
        c.add(t, Source::Remembered);
    }
    (c.into_vec(), notes)
}

/// Reads each candidate's monitor, [`READ_CONCURRENCY`] at a time, in the candidates' order.
/// Listed: every monitor found; a table without one (or that does not exist) only when the
/// config names it; a read that failed otherwise, with its error. Also gives the API that
/// answered the reads (the first monitor's), to be remembered.
pub async fn read_candidates(
    client: &Client,
    candidates: Vec<Candidate>,
    prefer: Option<MonitorApi>,
) -> (Vec<MonitorRow>, Option<MonitorApi>) {
    let reads: Vec<_> = candidates
        .into_iter()
        .map(|c| async move {
            let read = client.read_monitor(&c.table, prefer).await;
            (c, read)
        })
        .collect();
    let reads: Vec<_> = futures::stream::iter(reads)
        .buffered(READ_CONCURRENCY)
        .collect()
        .await;
    let mut rows: Vec<MonitorRow> = Vec::new();
    let mut api = None;
    for (c, read) in reads {
        let row = |monitor, error| MonitorRow {
            table: c.table.clone(),
            sources: c.sources.clone(),
            monitor,
            error,
        };
        match read {
            Ok(MonitorLookup::Found(m)) => {
                api = api.or(Some(m.api));
                // Two candidates naming one table differently: keep the first.
                if rows
                    .iter()
                    .any(|r| r.monitor.as_ref().is_some_and(|x| x.table == m.table))
                {
                    continue;
                }
                rows.push(MonitorRow {
                    table: m.table.clone(),
                    ..row(Some(*m), None)
                });
            }
            Ok(MonitorLookup::Absent { .. }) if c.from_config() => rows.push(row(None, None)),
            Ok(MonitorLookup::Absent { .. }) => {}
            Err(e) if e.is_not_found() && !c.from_config() => {}
            Err(e) if e.is_not_found() => {
                rows.push(row(None, Some(format!("table not found: {e}"))))
            }
            Err(e) => rows.push(row(None, Some(e.to_string()))),
        }
    }
    (rows, api)
}
