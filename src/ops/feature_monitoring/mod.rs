//! Feature monitoring per feature (issue 14 §4): for a feature table with a monitor, each
//! feature's latest null rate (and where it stood a few windows before), its latest drift
//! (the statistic that decided, judged by the drift severity rules of `ops::drift`) and the
//! window they are of. The reads are the Monitoring screen's: the monitor through
//! `ops::monitors::read_detail`, the drift matrix through `ops::drift::load_drift`
//! (consecutive windows, the whole table, every model version together) and the null rates
//! from the profile metrics table ([`nulls`]), all on the monitoring warehouse.
//!
//! Nothing fails the whole answer: a table without a monitor says so (and how to create
//! one), a monitor that cannot be read says why, and a metric table that cannot be read is a
//! note beside the features the other one could give.

pub mod nulls;

use serde::Serialize;

use crate::api::Client;
use crate::api::models::monitors::MonitorKind;
use crate::api::models::sql::StatementResponse;
use crate::api::sql_fixed::TableName;
use crate::config::drift::DriftSettings;
use crate::ops::drift::{DriftMatrix, DriftOutcome, DriftRequest, Severity, load_drift};
use crate::ops::metric_tables::{WarehouseUsed, Window};
use crate::ops::sql::{Waiter, choose_warehouse};

pub use nulls::{NullRates, read_null_rates};

/// How many windows back the null rate is compared with.
pub const NULL_TREND_WINDOWS: usize = 7;
/// A null rate up by this many percentage points over [`NULL_TREND_WINDOWS`] is "rising".
pub const NULL_RISE_POINTS: f64 = 5.0;

/// How to create a monitor, for a table without one.
pub const CREATE_HINT: &str = "create one in Catalog Explorer (the table's Quality tab) or with \
     the Data Quality API (POST /api/data-quality/v1/monitors), as a time-series monitor on \
     the table's timestamp column";

/// What the monitoring of one feature table says.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FeatureMonitoring {
    /// The table has no monitor.
    NoMonitor {
        table: String,
        hint: String,
    },
    /// The monitor could not be read.
    Unreadable {
        table: String,
        error: String,
    },
    Monitored(Box<MonitoredTable>),
}

impl FeatureMonitoring {
    pub fn monitored(&self) -> Option<&MonitoredTable> {
        match self {
            FeatureMonitoring::Monitored(m) => Some(m),
            _ => None,
        }
    }
}

/// A monitored feature table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonitoredTable {
    pub table: String,
    /// `time series`, `snapshot`, `inference log`.
    pub kind: String,
    /// `MONITOR_STATUS_ACTIVE`…, as the API says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift_table: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_table: Option<String>,
    /// The newest refresh: (state, end ms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_refresh: Option<LastRefresh>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warehouse: Option<WarehouseUsed>,
    /// Worst drift first, then rising null rates, then by name.
    pub features: Vec<FeatureHealth>,
    /// What could not be read (a metric table, the warehouse).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl MonitoredTable {
    /// Features whose latest drift crossed a threshold (warning or critical).
    pub fn drifting(&self) -> Vec<&FeatureHealth> {
        self.features.iter().filter(|f| f.is_drifting()).collect()
    }

    /// Features whose null rate rose by [`NULL_RISE_POINTS`] or more.
    pub fn rising_nulls(&self) -> Vec<&FeatureHealth> {
        self.features.iter().filter(|f| f.nulls_rising()).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LastRefresh {
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<i64>,
}

/// One feature's latest numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureHealth {
    pub feature: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_type: Option<String>,
    /// The newest window with a number for the feature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// Percent of nulls in that window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub null_rate: Option<f64>,
    /// Percent of nulls [`NULL_TREND_WINDOWS`] windows earlier (or the oldest one read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub null_rate_before: Option<f64>,
    /// The latest drift, judged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift: Option<DriftVerdict>,
}

impl FeatureHealth {
    pub fn is_drifting(&self) -> bool {
        self.drift.as_ref().is_some_and(|d| d.severity.crossed())
    }

    pub fn nulls_rising(&self) -> bool {
        match (self.null_rate, self.null_rate_before) {
            (Some(now), Some(before)) => now - before >= NULL_RISE_POINTS,
            _ => false,
        }
    }
}

/// The drift of a feature's newest drift window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftVerdict {
    pub severity: Severity,
    /// The statistic that decided (`psi`, `ks_pvalue`…), with its value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statistic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    pub window: Window,
}

/// Where the reads run and how drift is judged.
#[derive(Debug, Clone, Copy)]
pub struct MonitoringInputs<'a> {
    /// The monitoring warehouse (`None`: the first running one; none is started).
    pub warehouse_id: Option<&'a str>,
    pub drift: &'a DriftSettings,
}

/// The monitoring of `table`; `keys` (its primary key columns) are left out of the features.
pub async fn read(
    client: &Client,
    inputs: MonitoringInputs<'_>,
    table: &str,
    keys: &[String],
    new_waiter: &(dyn Fn() -> Waiter<'static, StatementResponse> + Sync),
) -> FeatureMonitoring {
    let detail = match crate::ops::monitors::read_detail(client, table, None).await {
        Ok(Some(d)) => d,
        Ok(None) => {
            return FeatureMonitoring::NoMonitor {
                table: table.to_string(),
                hint: CREATE_HINT.to_string(),
            };
        }
        Err(e) => {
            return FeatureMonitoring::Unreadable {
                table: table.to_string(),
                error: e.to_string(),
            };
        }
    };
    let m = &detail.monitor;
    let mut out = MonitoredTable {
        table: table.to_string(),
        kind: m.kind.label().to_string(),
        status: m.status.as_ref().map(|s| s.to_string()),
        drift_table: m.drift_metrics_table.clone(),
        profile_table: m.profile_metrics_table.clone(),
        last_refresh: detail.refreshes.first().map(|r| LastRefresh {
            state: r.state.to_string(),
            end_ms: r.end_time_ms,
        }),
        warehouse: None,
        features: Vec::new(),
        notes: Vec::new(),
    };
    if !m.metric_tables_ready() {
        out.notes
            .push("the monitor's metric tables are not created yet".into());
        return FeatureMonitoring::Monitored(Box::new(out));
    }
    let warehouse = match choose_warehouse(client, inputs.warehouse_id).await {
        Ok(w) => w,
        Err(e) => {
            out.notes
                .push(format!("no warehouse to read the metric tables on: {e}"));
            return FeatureMonitoring::Monitored(Box::new(out));
        }
    };
    out.warehouse = Some(WarehouseUsed {
        id: warehouse.id.clone(),
        name: warehouse.name.clone(),
    });
    let model_col = match &m.kind {
        MonitorKind::InferenceLog {
            model_id_column, ..
        } => model_id_column.clone(),
        _ => None,
    };
    // The drift and the null rates are read at once, each statement polled on its own.
    let drift = async {
        let name = match m.drift_metrics_table.as_deref().map(TableName::parse) {
            Some(Ok(name)) => name,
            Some(Err(e)) => return (None, Some(format!("drift not read: {e}"))),
            None => return (None, None),
        };
        let mut req = DriftRequest::new(name);
        req.monitored = TableName::parse(table).ok();
        req.model_id_col = model_col.clone();
        let mut waiter = new_waiter();
        match load_drift(client, &warehouse, &req, inputs.drift, &mut waiter).await {
            Ok(DriftOutcome::Matrix(m)) => (Some(m), None),
            Ok(DriftOutcome::NoDriftYet { .. }) => {
                (None, Some(DriftOutcome::NO_DRIFT_YET.to_string()))
            }
            Err(e) => (None, Some(format!("drift not read: {e}"))),
        }
    };
    let nulls = async {
        let name = match m.profile_metrics_table.as_deref().map(TableName::parse) {
            Some(Ok(name)) => name,
            Some(Err(e)) => return (None, Some(format!("null rates not read: {e}"))),
            None => return (None, None),
        };
        let mut waiter = new_waiter();
        match read_null_rates(
            client,
            &warehouse.id,
            &name,
            model_col.as_deref(),
            &mut waiter,
        )
        .await
        {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(format!("null rates not read: {e}"))),
        }
    };
    let ((matrix, drift_note), (rates, nulls_note)) = futures::join!(drift, nulls);
    out.notes.extend(drift_note);
    out.notes.extend(nulls_note);
    out.features = assemble(matrix.as_ref(), rates.as_ref(), keys);
    FeatureMonitoring::Monitored(Box::new(out))
}

/// Each feature's latest numbers from the drift matrix and the null rates (either may be
/// missing), without `keys`; worst drift first, then rising null rates, then by name.
pub fn assemble(
    matrix: Option<&DriftMatrix>,
    rates: Option<&NullRates>,
    keys: &[String],
) -> Vec<FeatureHealth> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |n: &str| {
        if !keys.iter().any(|k| k.eq_ignore_ascii_case(n)) && !names.iter().any(|x| x == n) {
            names.push(n.to_string());
        }
    };
    for f in matrix.iter().flat_map(|m| m.features.iter()) {
        add(&f.name);
    }
    for f in rates.iter().flat_map(|r| r.keys()) {
        add(f);
    }
    let mut out: Vec<FeatureHealth> = names
        .into_iter()
        .map(|name| {
            let drift = matrix.and_then(|m| latest_drift(m, &name));
            let data_type = matrix
                .and_then(|m| m.feature(&name))
                .and_then(|f| f.data_type.clone());
            let series = rates.and_then(|r| r.get(&name));
            let last = series.and_then(|s| s.iter().next_back());
            let before = series.and_then(|s| {
                let n = s.len();
                s.iter()
                    .nth(n.saturating_sub(NULL_TREND_WINDOWS + 1))
                    .filter(|_| n > 1)
                    .map(|(_, r)| *r)
            });
            FeatureHealth {
                window: last
                    .map(|(w, _)| w.clone())
                    .or_else(|| drift.as_ref().map(|d| d.window.clone())),
                null_rate: last.map(|(_, r)| *r),
                null_rate_before: before,
                drift,
                data_type,
                feature: name,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let sev = |f: &FeatureHealth| f.drift.as_ref().map_or(Severity::Ok, |d| d.severity);
        sev(b)
            .cmp(&sev(a))
            .then(b.nulls_rising().cmp(&a.nulls_rising()))
            .then(a.feature.cmp(&b.feature))
    });
    out
}

/// The judgement of `feature`'s newest cell.
fn latest_drift(m: &DriftMatrix, feature: &str) -> Option<DriftVerdict> {
    let f = m.feature(feature)?;
    let (i, cell) = f
        .cells
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, c)| c.as_ref().map(|c| (i, c)))?;
    Some(DriftVerdict {
        severity: cell.judgement.severity,
        statistic: cell.judgement.statistic.map(|s| s.as_str().to_string()),
        value: cell.judgement.value,
        window: m.windows.get(i)?.clone(),
    })
}

#[cfg(test)]
mod tests;
