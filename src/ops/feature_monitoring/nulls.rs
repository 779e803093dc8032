//! Null rates per feature and window from a monitor's profile metrics table: one fixed
//! statement beside the drift reads (`ops::drift`), on the same warehouse, with the same
//! table checks (`ops::metric_tables`). `percent_null` when the table has it, else
//! `num_nulls / count`.

use std::collections::BTreeMap;

use crate::api::Client;
use crate::api::models::sql::StatementResponse;
use crate::api::sql_fixed::{FixedStatement, TableName};
use crate::ops::metric_tables::{
    self as mt, MetricTableError, PROFILE_BASE, TableColumn, Window, has,
};
use crate::ops::sql::{SqlQuery, SqlResult, Waiter, run_fixed_query};

/// Null rate (percent) of each feature in each window: feature → window → rate.
pub type NullRates = BTreeMap<String, BTreeMap<Window, f64>>;

/// The statement: the whole table (`slice_key IS NULL`), the input rows, every model version
/// together when the table has a model id column.
pub(crate) fn nulls_query(
    profile: &TableName,
    columns: &[TableColumn],
    model: Option<&crate::api::sql_fixed::Ident>,
) -> (FixedStatement, SqlQuery) {
    let mut s = FixedStatement::new(
        "SELECT window.start AS window_start, window.end AS window_end, column_name",
    );
    for c in ["percent_null", "num_nulls", "count"] {
        if has(columns, c) {
            s = s.text(", ").text(c);
        }
    }
    s = s
        .text(" FROM ")
        .table(profile)
        .text(" WHERE column_name != ':table' AND slice_key IS NULL");
    if has(columns, "log_type") {
        s = s.text(" AND log_type = 'INPUT'");
    }
    let mut q = SqlQuery::new("");
    if let Some(m) = model {
        s = s.text(" AND ").ident(m).text(" = :model_id");
        q = q.bind("model_id", "*", "STRING");
    }
    (s.text(" ORDER BY window_start, column_name"), q)
}

/// The rates of a result (rows without a rate are left out).
pub(crate) fn parse(r: &SqlResult) -> NullRates {
    let c = |n: &str| r.column(n);
    let (ws, we, name) = (c("window_start"), c("window_end"), c("column_name"));
    let (pct, nulls, count) = (c("percent_null"), c("num_nulls"), c("count"));
    let mut out: NullRates = BTreeMap::new();
    for row in &r.rows {
        let (Some(start), Some(feature)) = (mt::cell(row, ws), mt::cell(row, name)) else {
            continue;
        };
        let rate = mt::number(row, pct).or_else(|| {
            let (n, total) = (mt::number(row, nulls)?, mt::number(row, count)?);
            (total > 0.0).then(|| 100.0 * n / total)
        });
        let Some(rate) = rate.filter(|r| r.is_finite()) else {
            continue;
        };
        let window = Window {
            start,
            end: mt::cell(row, we).unwrap_or_default(),
        };
        out.entry(feature).or_default().insert(window, rate);
    }
    out
}

/// Reads the null rates of `profile` (two fixed statements: `DESCRIBE TABLE` and the rates).
pub async fn read_null_rates(
    client: &Client,
    warehouse_id: &str,
    profile: &TableName,
    model_id_col: Option<&str>,
    waiter: &mut Waiter<'_, StatementResponse>,
) -> Result<NullRates, MetricTableError> {
    let columns = mt::describe(client, warehouse_id, profile, waiter).await?;
    for needed in ["window", "column_name", "slice_key"] {
        if !has(&columns, needed) {
            return Err(MetricTableError::MissingColumn {
                table: profile.to_string(),
                column: needed.into(),
            });
        }
    }
    let counts = has(&columns, "num_nulls") && has(&columns, "count");
    if !has(&columns, "percent_null") && !counts {
        return Err(MetricTableError::MissingColumn {
            table: profile.to_string(),
            column: "percent_null".into(),
        });
    }
    let model = mt::model_column(profile, &columns, PROFILE_BASE, model_id_col)?;
    let (s, q) = nulls_query(profile, &columns, model.as_ref());
    let r = run_fixed_query(client, warehouse_id, &s, &q, waiter).await?;
    Ok(parse(&r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::sql::Column;

    fn cols(names: &[&str]) -> Vec<TableColumn> {
        names
            .iter()
            .map(|n| TableColumn {
                name: n.to_string(),
                data_type: "double".into(),
            })
            .collect()
    }

    #[test]
    fn the_statement_reads_the_whole_table_and_binds_the_model() {
        let t = TableName::parse("main.features.cf_profile_metrics").unwrap();
        let c = cols(&[
            "window",
            "column_name",
            "slice_key",
            "percent_null",
            "log_type",
        ]);
        let (s, q) = nulls_query(&t, &c, None);
        assert!(s.as_str().contains("slice_key IS NULL"), "{}", s.as_str());
        assert!(s.as_str().contains(", percent_null"));
        assert!(!s.as_str().contains("num_nulls"));
        assert!(s.as_str().contains("log_type = 'INPUT'"));
        assert!(q.parameters.is_empty());
        let m = crate::api::sql_fixed::Ident::new("model_id").unwrap();
        let (s, q) = nulls_query(&t, &c, Some(&m));
        assert!(s.as_str().contains("`model_id` = :model_id"));
        assert_eq!(q.parameters.len(), 1);
    }

    #[test]
    fn rates_come_from_percent_null_or_from_the_counts() {
        let column = |name: &str, position| Column {
            name: name.into(),
            type_name: String::new(),
            position,
        };
        let r = SqlResult {
            statement_id: "s".into(),
            columns: vec![
                column("window_start", 0),
                column("window_end", 1),
                column("column_name", 2),
                column("percent_null", 3),
                column("num_nulls", 4),
                column("count", 5),
            ],
            rows: vec![
                ["d1", "d2", "a", "2.5", "", "400"]
                    .map(|s| Some(s.to_string()))
                    .to_vec(),
                vec![
                    Some("d1".into()),
                    Some("d2".into()),
                    Some("b".into()),
                    None,
                    Some("100".into()),
                    Some("400".into()),
                ],
                vec![Some("d1".into()), None, Some("c".into()), None, None, None],
            ],
            truncated: false,
        };
        let rates = parse(&r);
        let w = Window {
            start: "d1".into(),
            end: "d2".into(),
        };
        assert_eq!(rates["a"][&w], 2.5);
        assert_eq!(rates["b"][&w], 25.0);
        assert!(!rates.contains_key("c"), "no rate, no entry");
    }
}
