//! What the drift and quality reads share about a monitor's metric tables (reference wave 2
//! (a), "Metric tables"): their columns read with `DESCRIBE TABLE` (a table may lack a
//! statistic, or carry custom metrics), the documented base columns, the model id column
//! (named after the monitor's `model_id_col`, so not a fixed name), windows, and reading cells.

use crate::api::Client;
use crate::api::models::sql::StatementResponse;
use crate::api::sql_fixed::{FixedStatement, Ident, NameError, TableName};
use crate::ops::sql::{SqlError, SqlQuery, SqlResult, Waiter, run_fixed_query};

/// The profile metrics table's documented columns (InferenceLog adds the model id column and
/// the quality metrics).
pub const PROFILE_BASE: &[&str] = &[
    "window",
    "log_type",
    "logging_table_commit_version",
    "monitor_version",
    "granularity",
    "slice_key",
    "slice_value",
    "column_name",
    "count",
    "data_type",
    "num_nulls",
    "avg",
    "quantiles",
    "min",
    "max",
    "stddev",
    "num_zeros",
    "num_nan",
    "min_length",
    "max_length",
    "avg_length",
    "non_null_columns",
    "frequent_items",
    "median",
    "distinct_count",
    "percent_nan",
    "percent_null",
    "percent_zeros",
    "percent_distinct",
];

/// The drift metrics table's documented columns (InferenceLog adds the model id column).
pub const DRIFT_BASE: &[&str] = &[
    "window",
    "granularity",
    "monitor_version",
    "slice_key",
    "slice_value",
    "column_name",
    "data_type",
    "window_cmp",
    "drift_type",
    "count_delta",
    "avg_delta",
    "percent_null_delta",
    "percent_zeros_delta",
    "percent_distinct_delta",
    "non_null_columns_delta",
    "js_distance",
    "ks_test",
    "wasserstein_distance",
    "population_stability_index",
    "chi_squared_test",
    "tv_distance",
    "l_infinity_distance",
];

/// Why a metric table could not be read.
#[derive(Debug, Clone, thiserror::Error)]
pub enum MetricTableError {
    /// The statement failed; the message is the warehouse's.
    #[error(transparent)]
    Sql(#[from] SqlError),
    #[error(transparent)]
    Name(#[from] NameError),
    /// The table lacks a column the read needs.
    #[error("{table} has no column {column}")]
    MissingColumn { table: String, column: String },
    /// A model version was asked for, but the table has no model id column.
    #[error("{table} has no model id column (not an inference-log monitor?)")]
    NoModelColumn { table: String },
    /// A window asked for is not in the table.
    #[error("{0}")]
    Window(String),
}

/// One column as `DESCRIBE TABLE` lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableColumn {
    pub name: String,
    /// Lower case, as Spark prints it (`double`, `struct<statistic:double,pvalue:double>`).
    pub data_type: String,
}

/// A metric window: its start and end as the warehouse prints them (ISO 8601).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Window {
    pub start: String,
    pub end: String,
}

impl Window {
    /// `YYYY-MM-DD HH:MM` of the start, for tables.
    pub fn label(&self) -> String {
        let s = self.start.replace('T', " ");
        s.chars().take(16).collect()
    }
}

/// The SQL warehouse a read ran on, for the UI to say.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WarehouseUsed {
    pub id: String,
    pub name: String,
}

/// The columns of `table`, read with `DESCRIBE TABLE` (rows after the first blank or `#` row —
/// partition information — are left out).
pub async fn describe(
    client: &Client,
    warehouse_id: &str,
    table: &TableName,
    waiter: &mut Waiter<'_, StatementResponse>,
) -> Result<Vec<TableColumn>, MetricTableError> {
    let statement = FixedStatement::new("DESCRIBE TABLE ").table(table);
    let r = run_fixed_query(client, warehouse_id, &statement, &SqlQuery::new(""), waiter).await?;
    let (name, ty) = (r.column("col_name").unwrap_or(0), r.column("data_type"));
    let mut out = Vec::new();
    for row in &r.rows {
        let n = cell(row, Some(name)).unwrap_or_default().trim().to_string();
        if n.is_empty() || n.starts_with('#') {
            break;
        }
        let data_type = cell(row, ty)
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        out.push(TableColumn { name: n, data_type });
    }
    Ok(out)
}

/// Whether `columns` has `name` (case-insensitive, as SQL names are).
pub fn has(columns: &[TableColumn], name: &str) -> bool {
    find(columns, name).is_some()
}

pub fn find<'a>(columns: &'a [TableColumn], name: &str) -> Option<&'a TableColumn> {
    columns.iter().find(|c| c.name.eq_ignore_ascii_case(name))
}

/// The model id column: `given` (the monitor's `model_id_col`) when set — it must exist —,
/// else the one string column that is not in `base` (custom metrics are numbers). `None`: the
/// table has none (not an inference-log monitor).
pub fn model_column(
    table: &TableName,
    columns: &[TableColumn],
    base: &[&str],
    given: Option<&str>,
) -> Result<Option<Ident>, MetricTableError> {
    if let Some(g) = given.map(str::trim).filter(|g| !g.is_empty()) {
        let c = find(columns, g).ok_or_else(|| MetricTableError::MissingColumn {
            table: table.to_string(),
            column: g.to_string(),
        })?;
        return Ok(Some(Ident::new(&c.name)?));
    }
    let extra = columns
        .iter()
        .find(|c| !base.iter().any(|b| b.eq_ignore_ascii_case(&c.name)) && c.data_type == "string");
    extra
        .map(|c| Ident::new(&c.name))
        .transpose()
        .map_err(Into::into)
}

/// Whether a Spark type is a plain number.
pub fn is_numeric(data_type: &str) -> bool {
    let t = data_type.split('(').next().unwrap_or("").trim();
    matches!(
        t,
        "double"
            | "float"
            | "real"
            | "decimal"
            | "bigint"
            | "int"
            | "integer"
            | "smallint"
            | "tinyint"
            | "long"
            | "short"
            | "byte"
    )
}

/// The fields of a `struct<…>` type whose fields are all numbers, else `None`.
pub fn numeric_struct_fields(data_type: &str) -> Option<Vec<String>> {
    let inner = data_type.strip_prefix("struct<")?.strip_suffix('>')?;
    if inner.contains('<') {
        return None;
    }
    let mut out = Vec::new();
    for f in inner.split(',') {
        let (name, ty) = f.split_once(':')?;
        if !is_numeric(ty.trim()) {
            return None;
        }
        out.push(name.trim().trim_matches('`').to_string());
    }
    (!out.is_empty()).then_some(out)
}

/// The cell at `index` of a row, if there is one and it is not NULL.
pub fn cell(row: &[Option<String>], index: Option<usize>) -> Option<String> {
    row.get(index?).cloned().flatten()
}

/// A cell as a number (`NaN`/`Infinity` read as not a value).
pub fn number(row: &[Option<String>], index: Option<usize>) -> Option<f64> {
    cell(row, index)
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|f| f.is_finite())
}

/// A cell as a whole number (a decimal text is truncated).
pub fn integer(row: &[Option<String>], index: Option<usize>) -> Option<i64> {
    let s = cell(row, index)?;
    s.trim()
        .parse::<i64>()
        .ok()
        .or_else(|| s.trim().parse::<f64>().ok().map(|f| f as i64))
}

/// The windows of a result's `window_start`/`window_end` columns, sorted, each once.
pub fn windows(r: &SqlResult) -> Vec<Window> {
    let (s, e) = (r.column("window_start"), r.column("window_end"));
    let mut out: Vec<Window> = r
        .rows
        .iter()
        .filter_map(|row| {
            Some(Window {
                start: cell(row, s)?,
                end: cell(row, e).unwrap_or_default(),
            })
        })
        .collect();
    out.sort();
    out.dedup();
    out
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
    fn the_model_column_is_the_extra_string_column_or_the_given_one() {
        let t = TableName::parse("a.b.c").unwrap();
        let mut cols: Vec<TableColumn> = DRIFT_BASE.iter().map(|n| col(n, "double")).collect();
        assert_eq!(model_column(&t, &cols, DRIFT_BASE, None).unwrap(), None);
        cols.push(col("expected_loss", "double"));
        cols.push(col("Model_Version", "string"));
        let m = model_column(&t, &cols, DRIFT_BASE, None).unwrap().unwrap();
        assert_eq!(m.as_str(), "Model_Version");
        let m = model_column(&t, &cols, DRIFT_BASE, Some("model_version")).unwrap();
        assert_eq!(m.unwrap().as_str(), "Model_Version");
        assert!(matches!(
            model_column(&t, &cols, DRIFT_BASE, Some("nope")),
            Err(MetricTableError::MissingColumn { .. })
        ));
    }

    #[test]
    fn numeric_types_and_struct_fields() {
        assert!(is_numeric("double") && is_numeric("decimal(10,2)") && !is_numeric("string"));
        assert_eq!(
            numeric_struct_fields("struct<macro:double,weighted:double>"),
            Some(vec!["macro".to_string(), "weighted".to_string()])
        );
        assert_eq!(
            numeric_struct_fields("struct<start:timestamp,end:timestamp>"),
            None
        );
        assert_eq!(numeric_struct_fields("array<double>"), None);
    }
}
