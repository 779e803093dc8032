//! Drift of a monitored table, read from its drift metrics table (reference wave 2 (a)) through
//! the SQL Statement API on a warehouse: a matrix feature × window with every statistic of each
//! cell, judged against thresholds ([`severity`]), features ranked by their worst recent drift.
//!
//! Only the console's own fixed statements are sent (`api::sql_fixed`, so read-only profiles
//! may run them): the table name is validated and backticked, the statistics selected are the
//! ones `DESCRIBE TABLE` lists, and every user value (drift type, slice, model id) is a bound
//! parameter. Sample counts come from the profile metrics table (`count` of the same window,
//! column, slice and model) when it exists beside the drift table, else `count_delta` alone is
//! shown ([`CountSource`]).

mod matrix;
pub mod severity;
pub mod slices;
mod statement;

use serde::Serialize;

use crate::api::Client;
use crate::api::models::sql::{StatementResponse, Warehouse};
use crate::api::sql_fixed::{Ident, TableName};
use crate::config::drift::{DriftSettings, Level, Thresholds};
use crate::ops::metric_tables::{
    self as mt, DRIFT_BASE, MetricTableError, PROFILE_BASE, WarehouseUsed, Window,
};
use crate::ops::sql::{Waiter, run_fixed_query};

pub use severity::{Judgement, Severity, judge};

/// How many of the latest windows "recent" drift looks at when ranking features.
pub const RECENT_WINDOWS: usize = 3;

/// Drift against the previous window or against the baseline table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DriftType {
    #[default]
    Consecutive,
    Baseline,
}

/// `'*'` (every model version together) or one version.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelFilter {
    #[default]
    All,
    Version(String),
}

/// The whole table (`slice_key IS NULL`) or one slice.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SliceFilter {
    #[default]
    Total,
    Slice {
        key: String,
        value: String,
    },
}

/// What to read.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftRequest {
    /// The drift metrics table.
    pub table: TableName,
    /// The monitored table, when known: thresholds may be configured under its name.
    pub monitored: Option<TableName>,
    pub drift_type: DriftType,
    pub model: ModelFilter,
    pub slice: SliceFilter,
    /// The monitor's `model_id_col`; `None` detects it from the table's columns.
    pub model_id_col: Option<String>,
}

impl DriftRequest {
    pub fn new(table: TableName) -> Self {
        DriftRequest {
            table,
            monitored: None,
            drift_type: DriftType::Consecutive,
            model: ModelFilter::All,
            slice: SliceFilter::Total,
            model_id_col: None,
        }
    }

    /// The request for a monitored table `T`: its drift table `T_drift_metrics` in the same
    /// schema (the default location; pass the monitor's `drift_metrics_table_name` instead
    /// when known).
    pub fn for_monitored(monitored: TableName) -> Result<Self, MetricTableError> {
        let name = Ident::new(&format!("{}_drift_metrics", monitored.table.as_str()))?;
        let mut r = DriftRequest::new(monitored.with_table(name));
        r.monitored = Some(monitored);
        Ok(r)
    }

    /// The profile metrics table beside the drift table (`…_drift_metrics` →
    /// `…_profile_metrics`), if the drift table is named that way.
    pub fn profile_table(&self) -> Option<TableName> {
        let base = self.table.table.as_str().strip_suffix("_drift_metrics")?;
        let name = Ident::new(&format!("{base}_profile_metrics")).ok()?;
        Some(self.table.with_table(name))
    }
}

/// A drift statistic of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    Psi,
    Js,
    Wasserstein,
    KsStatistic,
    KsPvalue,
    Chi2Statistic,
    Chi2Pvalue,
    Tv,
    LInf,
    CountDelta,
}

impl Statistic {
    pub const ALL: [Statistic; 10] = [
        Statistic::Psi,
        Statistic::Js,
        Statistic::Wasserstein,
        Statistic::KsStatistic,
        Statistic::KsPvalue,
        Statistic::Chi2Statistic,
        Statistic::Chi2Pvalue,
        Statistic::Tv,
        Statistic::LInf,
        Statistic::CountDelta,
    ];

    /// Short name, as the JSON output and the TUI show it.
    pub fn as_str(self) -> &'static str {
        match self {
            Statistic::Psi => "psi",
            Statistic::Js => "js",
            Statistic::Wasserstein => "wasserstein",
            Statistic::KsStatistic => "ks_statistic",
            Statistic::KsPvalue => "ks_pvalue",
            Statistic::Chi2Statistic => "chi2_statistic",
            Statistic::Chi2Pvalue => "chi2_pvalue",
            Statistic::Tv => "tv",
            Statistic::LInf => "l_inf",
            Statistic::CountDelta => "count_delta",
        }
    }

    /// The threshold of this statistic in `t` (p-values: the significance level as warning).
    pub fn threshold(self, t: &Thresholds) -> Option<Level> {
        match self {
            Statistic::Psi => t.psi,
            Statistic::Js => t.js,
            Statistic::Wasserstein => t.wasserstein,
            Statistic::Tv => t.tv,
            Statistic::KsPvalue | Statistic::Chi2Pvalue => Some(Level::warning(t.p_value)),
            _ => None,
        }
    }
}

/// Every statistic of one cell (`None`: the table has no such column, or NULL for this column
/// type — KS/Wasserstein on numbers, chi²/TV/L∞ on categories).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DriftStats {
    pub psi: Option<f64>,
    pub js: Option<f64>,
    pub wasserstein: Option<f64>,
    pub ks_statistic: Option<f64>,
    pub ks_pvalue: Option<f64>,
    pub chi2_statistic: Option<f64>,
    pub chi2_pvalue: Option<f64>,
    pub tv: Option<f64>,
    pub l_inf: Option<f64>,
    pub count_delta: Option<i64>,
    pub data_type: Option<String>,
}

impl DriftStats {
    pub fn get(&self, s: Statistic) -> Option<f64> {
        match s {
            Statistic::Psi => self.psi,
            Statistic::Js => self.js,
            Statistic::Wasserstein => self.wasserstein,
            Statistic::KsStatistic => self.ks_statistic,
            Statistic::KsPvalue => self.ks_pvalue,
            Statistic::Chi2Statistic => self.chi2_statistic,
            Statistic::Chi2Pvalue => self.chi2_pvalue,
            Statistic::Tv => self.tv,
            Statistic::LInf => self.l_inf,
            Statistic::CountDelta => self.count_delta.map(|c| c as f64),
        }
    }
}

/// Where a cell's sample count comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CountSource {
    /// `count` of the profile metrics table for the same window, column, slice and model.
    ProfileCount,
    /// No profile table could be read: only `count_delta` of the drift table is known.
    CountDelta,
}

/// One feature × window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftCell {
    pub stats: DriftStats,
    /// Rows of the feature in the window (see [`DriftMatrix::counts`]).
    pub count: Option<i64>,
    pub judgement: Judgement,
}

/// One feature's row of the matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureDrift {
    pub name: String,
    pub data_type: Option<String>,
    /// One per window of [`DriftMatrix::windows`], `None` where the table has no row.
    pub cells: Vec<Option<DriftCell>>,
    pub thresholds: Thresholds,
    /// The worst severity over the last [`RECENT_WINDOWS`] windows.
    pub recent: Severity,
}

impl FeatureDrift {
    /// The cell of window `index`.
    pub fn cell(&self, index: usize) -> Option<&DriftCell> {
        self.cells.get(index).and_then(Option::as_ref)
    }
}

/// The heatmap.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftMatrix {
    pub table: String,
    pub warehouse: WarehouseUsed,
    pub drift_type: DriftType,
    pub model: ModelFilter,
    pub slice: SliceFilter,
    /// The model id column used (`None`: the table has none).
    pub model_column: Option<String>,
    /// Oldest first.
    pub windows: Vec<Window>,
    /// Ranked: worst recent severity first, then by how far over its threshold, then name.
    pub features: Vec<FeatureDrift>,
    pub counts: CountSource,
    /// Statistics the table lacks (documented columns not in `DESCRIBE TABLE`).
    pub missing: Vec<String>,
}

/// One statistic of one feature over the windows, for a chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureSeries {
    pub feature: String,
    pub statistic: Statistic,
    pub windows: Vec<Window>,
    pub values: Vec<Option<f64>>,
    pub counts: Vec<Option<i64>>,
    pub severities: Vec<Option<Severity>>,
    pub threshold: Option<Level>,
}

impl DriftMatrix {
    pub fn feature(&self, name: &str) -> Option<&FeatureDrift> {
        self.features.iter().find(|f| f.name == name)
    }

    /// One statistic of `feature` over the windows, with counts and its threshold.
    pub fn series(&self, feature: &str, statistic: Statistic) -> Option<FeatureSeries> {
        let f = self.feature(feature)?;
        Some(FeatureSeries {
            feature: f.name.clone(),
            statistic,
            windows: self.windows.clone(),
            values: f
                .cells
                .iter()
                .map(|c| c.as_ref().and_then(|c| c.stats.get(statistic)))
                .collect(),
            counts: f
                .cells
                .iter()
                .map(|c| c.as_ref().and_then(|c| c.count))
                .collect(),
            severities: f
                .cells
                .iter()
                .map(|c| c.as_ref().map(|c| c.judgement.severity))
                .collect(),
            threshold: statistic.threshold(&f.thresholds),
        })
    }

    /// The features with a cell in window `index`, worst first (severity, then how far over
    /// its threshold, then name).
    pub fn ranked_at(&self, index: usize) -> Vec<(&FeatureDrift, &DriftCell)> {
        let mut out: Vec<(&FeatureDrift, &DriftCell)> = self
            .features
            .iter()
            .filter_map(|f| f.cell(index).map(|c| (f, c)))
            .collect();
        out.sort_by(|a, b| {
            let (ja, jb) = (&a.1.judgement, &b.1.judgement);
            jb.severity
                .cmp(&ja.severity)
                .then(jb.ratio.total_cmp(&ja.ratio))
                .then(a.0.name.cmp(&b.0.name))
        });
        out
    }

    /// The worst severity in window `index`.
    pub fn worst_at(&self, index: usize) -> Severity {
        self.ranked_at(index)
            .first()
            .map_or(Severity::Ok, |(_, c)| c.judgement.severity)
    }
}

/// What a drift read found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DriftOutcome {
    Matrix(DriftMatrix),
    /// The table has no drift rows at all: needs two windows or a baseline.
    NoDriftYet {
        table: String,
        warehouse: WarehouseUsed,
    },
}

impl DriftOutcome {
    pub const NO_DRIFT_YET: &'static str = "no drift yet: needs two windows or a baseline";
}

/// Reads the drift matrix of `req` on `warehouse` (three or four fixed statements: `DESCRIBE
/// TABLE`, the heatmap, the profile counts, and, when the heatmap is empty, which drift types
/// exist). A failed statement is an error carrying the warehouse's message.
pub async fn load_drift(
    client: &Client,
    warehouse: &Warehouse,
    req: &DriftRequest,
    settings: &DriftSettings,
    waiter: &mut Waiter<'_, StatementResponse>,
) -> Result<DriftOutcome, MetricTableError> {
    let used = WarehouseUsed {
        id: warehouse.id.clone(),
        name: warehouse.name.clone(),
    };
    let wid = &warehouse.id;
    let columns = mt::describe(client, wid, &req.table, waiter).await?;
    for needed in ["window", "column_name", "drift_type", "slice_key"] {
        if !mt::has(&columns, needed) {
            return Err(MetricTableError::MissingColumn {
                table: req.table.to_string(),
                column: needed.into(),
            });
        }
    }
    let model = mt::model_column(
        &req.table,
        &columns,
        DRIFT_BASE,
        req.model_id_col.as_deref(),
    )?;
    if model.is_none() && req.model != ModelFilter::All {
        return Err(MetricTableError::NoModelColumn {
            table: req.table.to_string(),
        });
    }
    let (s, q) = statement::drift_query(&req.table, &columns, model.as_ref(), req);
    let rows = run_fixed_query(client, wid, &s, &q, waiter).await?;
    if rows.rows.is_empty() {
        let types = run_fixed_query(
            client,
            wid,
            &statement::types_query(&req.table),
            &crate::ops::sql::SqlQuery::new(""),
            waiter,
        )
        .await?;
        if types.rows.is_empty() {
            return Ok(DriftOutcome::NoDriftYet {
                table: req.table.to_string(),
                warehouse: used,
            });
        }
    }
    let counts = read_counts(client, wid, req, waiter).await;
    let names: Vec<String> = [Some(&req.table), req.monitored.as_ref()]
        .into_iter()
        .flatten()
        .map(|t| t.to_string())
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut m = matrix::build(&rows, counts.as_ref(), |f| settings.thresholds(&names, f));
    m.missing = [
        "population_stability_index",
        "js_distance",
        "wasserstein_distance",
    ]
    .into_iter()
    .chain([
        "ks_test",
        "chi_squared_test",
        "tv_distance",
        "l_infinity_distance",
    ])
    .filter(|c| !mt::has(&columns, c))
    .map(str::to_string)
    .collect();
    Ok(DriftOutcome::Matrix(DriftMatrix {
        table: req.table.to_string(),
        warehouse: used,
        drift_type: req.drift_type,
        model: req.model.clone(),
        slice: req.slice.clone(),
        model_column: model.map(|m| m.as_str().to_string()),
        counts: if counts.is_some() {
            CountSource::ProfileCount
        } else {
            CountSource::CountDelta
        },
        ..m
    }))
}

/// The profile counts keyed by (window start, column), or `None` when the profile table cannot
/// be read (absent, other columns): the matrix then shows `count_delta` alone.
async fn read_counts(
    client: &Client,
    wid: &str,
    req: &DriftRequest,
    waiter: &mut Waiter<'_, StatementResponse>,
) -> Option<matrix::Counts> {
    let profile = req.profile_table()?;
    let columns = mt::describe(client, wid, &profile, waiter).await.ok()?;
    if !["window", "column_name", "count", "slice_key"]
        .iter()
        .all(|c| mt::has(&columns, c))
    {
        return None;
    }
    let given = req.model_id_col.as_deref();
    let model = mt::model_column(&profile, &columns, PROFILE_BASE, given).ok()?;
    if model.is_none() && req.model != ModelFilter::All {
        return None;
    }
    let (s, q) = statement::counts_query(&profile, &columns, model.as_ref(), req);
    let r = run_fixed_query(client, wid, &s, &q, waiter).await.ok()?;
    Some(matrix::counts(&r))
}
