//! Model quality per version over windows, from a monitor's profile metrics table (reference
//! wave 2 (a)): the `:table` rows (`column_name = ':table'`, `slice_key IS NULL`, `log_type =
//! 'INPUT'`) per model version and window.
//!
//! The metrics are not a fixed list: `DESCRIBE TABLE` says which columns the table has, and
//! every column outside the documented profile columns that is a number (`accuracy_score`,
//! custom metrics) or a struct of numbers (`f1_score` → `f1_score.macro`,
//! `f1_score.weighted`) is read. Only fixed statements are sent (see `api::sql_fixed`).

use serde::Serialize;

use crate::api::Client;
use crate::api::models::sql::{StatementResponse, Warehouse};
use crate::api::sql_fixed::{FixedStatement, Ident, TableName};
use crate::ops::metric_tables::{
    self as mt, MetricTableError, PROFILE_BASE, TableColumn, WarehouseUsed, Window,
};
use crate::ops::sql::{SqlQuery, Waiter, run_fixed_query};

/// How many first windows of a version its change is measured against.
pub const FIRST_WINDOWS: usize = 3;

/// What to read.
#[derive(Debug, Clone, PartialEq)]
pub struct QualityRequest {
    /// The profile metrics table.
    pub table: TableName,
    /// The monitor's `model_id_col`; `None` detects it.
    pub model_id_col: Option<String>,
    /// Also the all-versions rows (`'*'`).
    pub include_all: bool,
}

impl QualityRequest {
    pub fn new(table: TableName) -> Self {
        QualityRequest {
            table,
            model_id_col: None,
            include_all: false,
        }
    }

    /// For a monitored table `T`: its profile table `T_profile_metrics` in the same schema.
    pub fn for_monitored(monitored: &TableName) -> Result<Self, MetricTableError> {
        let name = Ident::new(&format!("{}_profile_metrics", monitored.table.as_str()))?;
        Ok(QualityRequest::new(monitored.with_table(name)))
    }
}

/// One metric: a column, or a field of a struct column (`f1_score.macro`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QualityMetric {
    /// `accuracy_score`, `f1_score.macro`.
    pub name: String,
    #[serde(skip)]
    column: Ident,
    #[serde(skip)]
    field: Option<Ident>,
}

/// One window of one version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QualityPoint {
    /// Index into [`QualityReport::windows`].
    pub window: usize,
    pub count: Option<i64>,
    /// One per metric of [`QualityReport::metrics`].
    pub values: Vec<Option<f64>>,
}

/// One model version over the windows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionQuality {
    /// The model id column's value (`"4"`, or `"*"` for all versions).
    pub version: String,
    /// Oldest first.
    pub points: Vec<QualityPoint>,
    /// Per metric: the value of the latest window that has one.
    pub latest: Vec<Option<f64>>,
    /// Per metric: `latest` minus the mean of the version's first [`FIRST_WINDOWS`] windows.
    pub change: Vec<Option<f64>>,
}

impl VersionQuality {
    /// One metric over the windows (for a chart): (window index, value).
    pub fn series(&self, metric: usize) -> Vec<(usize, Option<f64>)> {
        self.points
            .iter()
            .map(|p| (p.window, p.values.get(metric).copied().flatten()))
            .collect()
    }
}

/// Versions × windows × metrics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QualityReport {
    pub table: String,
    pub warehouse: WarehouseUsed,
    pub model_column: Option<String>,
    pub metrics: Vec<QualityMetric>,
    pub windows: Vec<Window>,
    /// Sorted by version (numbers numerically).
    pub versions: Vec<VersionQuality>,
}

impl QualityReport {
    pub fn metric(&self, name: &str) -> Option<usize> {
        self.metrics.iter().position(|m| m.name == name)
    }

    pub fn version(&self, version: &str) -> Option<&VersionQuality> {
        self.versions.iter().find(|v| v.version == version)
    }
}

/// The quality metrics `columns` hold (see the module docs).
pub fn quality_metrics(
    columns: &[TableColumn],
    model_column: Option<&Ident>,
) -> Result<Vec<QualityMetric>, MetricTableError> {
    let mut out = Vec::new();
    for c in columns {
        let base = PROFILE_BASE.iter().any(|b| b.eq_ignore_ascii_case(&c.name));
        let model = model_column.is_some_and(|m| m.as_str().eq_ignore_ascii_case(&c.name));
        if base || model {
            continue;
        }
        if mt::is_numeric(&c.data_type) {
            out.push(QualityMetric {
                name: c.name.clone(),
                column: Ident::new(&c.name)?,
                field: None,
            });
        } else if let Some(fields) = mt::numeric_struct_fields(&c.data_type) {
            for f in fields {
                out.push(QualityMetric {
                    name: format!("{}.{f}", c.name),
                    column: Ident::new(&c.name)?,
                    field: Some(Ident::new(&f)?),
                });
            }
        }
    }
    Ok(out)
}

/// The statement: windows, model id, count, then each metric in order (read by position).
fn quality_statement(
    table: &TableName,
    columns: &[TableColumn],
    model: Option<&Ident>,
    metrics: &[QualityMetric],
    include_all: bool,
) -> FixedStatement {
    let mut s =
        FixedStatement::new("SELECT window.start AS window_start, window.end AS window_end, ");
    s = match model {
        Some(m) => s.ident(m),
        None => s.text("'*'"),
    };
    s = s.text(" AS model_id, count");
    for m in metrics {
        s = s.text(", ").ident(&m.column);
        if let Some(f) = &m.field {
            s = s.text(".").ident(f);
        }
    }
    s = s
        .text(" FROM ")
        .table(table)
        .text(" WHERE column_name = ':table' AND slice_key IS NULL");
    if mt::has(columns, "log_type") {
        s = s.text(" AND log_type = 'INPUT'");
    }
    if let (Some(m), false) = (model, include_all) {
        s = s.text(" AND ").ident(m).text(" != '*'");
    }
    s.text(" ORDER BY window_start")
}

/// Reads the quality of every model version over the windows.
pub async fn load_quality(
    client: &Client,
    warehouse: &Warehouse,
    req: &QualityRequest,
    waiter: &mut Waiter<'_, StatementResponse>,
) -> Result<QualityReport, MetricTableError> {
    let wid = &warehouse.id;
    let columns = mt::describe(client, wid, &req.table, waiter).await?;
    for needed in ["window", "column_name", "count", "slice_key"] {
        if !mt::has(&columns, needed) {
            return Err(MetricTableError::MissingColumn {
                table: req.table.to_string(),
                column: needed.into(),
            });
        }
    }
    let given = req.model_id_col.as_deref();
    let model = mt::model_column(&req.table, &columns, PROFILE_BASE, given)?;
    let metrics = quality_metrics(&columns, model.as_ref())?;
    let s = quality_statement(
        &req.table,
        &columns,
        model.as_ref(),
        &metrics,
        req.include_all,
    );
    let r = run_fixed_query(client, wid, &s, &SqlQuery::new(""), waiter).await?;
    let windows = mt::windows(&r);
    let mut versions: Vec<VersionQuality> = Vec::new();
    for row in &r.rows {
        let Some(start) = mt::cell(row, Some(0)) else {
            continue;
        };
        let Some(window) = windows.iter().position(|w| w.start == start) else {
            continue;
        };
        let version = mt::cell(row, Some(2)).unwrap_or_else(|| "*".into());
        let point = QualityPoint {
            window,
            count: mt::integer(row, Some(3)),
            values: (0..metrics.len())
                .map(|i| mt::number(row, Some(4 + i)))
                .collect(),
        };
        match versions.iter_mut().find(|v| v.version == version) {
            Some(v) => v.points.push(point),
            None => versions.push(VersionQuality {
                version,
                points: vec![point],
                latest: Vec::new(),
                change: Vec::new(),
            }),
        }
    }
    for v in &mut versions {
        v.points.sort_by_key(|p| p.window);
        summarise(v, metrics.len());
    }
    versions.sort_by_key(|a| version_key(&a.version));
    Ok(QualityReport {
        table: req.table.to_string(),
        warehouse: WarehouseUsed {
            id: warehouse.id.clone(),
            name: warehouse.name.clone(),
        },
        model_column: model.map(|m| m.as_str().to_string()),
        metrics,
        windows,
        versions,
    })
}

/// Numbers in numeric order, then other names.
fn version_key(v: &str) -> (u8, i64, String) {
    match v.parse::<i64>() {
        Ok(n) => (0, n, String::new()),
        Err(_) => (1, 0, v.to_string()),
    }
}

fn summarise(v: &mut VersionQuality, metrics: usize) {
    v.latest = (0..metrics)
        .map(|i| v.points.iter().rev().find_map(|p| p.values[i]))
        .collect();
    v.change = (0..metrics)
        .map(|i| {
            let first: Vec<f64> = v
                .points
                .iter()
                .take(FIRST_WINDOWS)
                .filter_map(|p| p.values[i])
                .collect();
            let latest = v.latest[i]?;
            (!first.is_empty() && v.points.len() > FIRST_WINDOWS)
                .then(|| latest - first.iter().sum::<f64>() / first.len() as f64)
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, ty: &str) -> TableColumn {
        TableColumn {
            name: name.into(),
            data_type: ty.into(),
        }
    }

    #[test]
    fn metrics_are_the_numeric_columns_outside_the_base_set() {
        let mut cols: Vec<TableColumn> = PROFILE_BASE.iter().map(|n| col(n, "double")).collect();
        cols.push(col("model_version", "string"));
        cols.push(col("accuracy_score", "double"));
        cols.push(col("f1_score", "struct<macro:double,weighted:double>"));
        cols.push(col("confusion_matrix", "array<struct<prediction:string>>"));
        cols.push(col("expected_loss", "bigint"));
        let model = Ident::new("model_version").unwrap();
        let m = quality_metrics(&cols, Some(&model)).unwrap();
        let names: Vec<&str> = m.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "accuracy_score",
                "f1_score.macro",
                "f1_score.weighted",
                "expected_loss"
            ]
        );
        let t = TableName::parse("main.ml.t_profile_metrics").unwrap();
        let s = quality_statement(&t, &cols, Some(&model), &m, false);
        assert!(s.as_str().contains("`f1_score`.`macro`"), "{}", s.as_str());
        assert!(s.as_str().contains("`model_version` != '*'"));
        assert!(s.as_str().contains("log_type = 'INPUT'"));
    }

    #[test]
    fn change_is_latest_against_the_first_windows() {
        let mut v = VersionQuality {
            version: "4".into(),
            points: (0..5)
                .map(|i| QualityPoint {
                    window: i,
                    count: None,
                    values: vec![Some(0.9 - 0.1 * i as f64)],
                })
                .collect(),
            latest: vec![],
            change: vec![],
        };
        summarise(&mut v, 1);
        assert!((v.latest[0].unwrap() - 0.5).abs() < 1e-9);
        assert!((v.change[0].unwrap() + 0.3).abs() < 1e-9);
    }
}
