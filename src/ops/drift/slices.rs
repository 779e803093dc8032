//! The slices a drift metrics table has (`slice_key` / `slice_value` pairs other than the
//! whole table), for choosing one: a fixed statement, at most [`MAX_SLICES`] of them.

use crate::api::Client;
use crate::api::models::sql::StatementResponse;
use crate::api::sql_fixed::{FixedStatement, TableName};
use crate::ops::metric_tables::{MetricTableError, cell};
use crate::ops::sql::{SqlQuery, Waiter, run_fixed_query};

/// The most slices listed (categorical slices keep up to 100 values each).
pub const MAX_SLICES: usize = 200;

fn statement(table: &TableName) -> FixedStatement {
    FixedStatement::new("SELECT DISTINCT slice_key, slice_value FROM ")
        .table(table)
        .text(" WHERE slice_key IS NOT NULL ORDER BY slice_key, slice_value LIMIT 200")
}

/// The (key, value) slices of `table`, ordered.
pub async fn load_slices(
    client: &Client,
    warehouse_id: &str,
    table: &TableName,
    waiter: &mut Waiter<'_, StatementResponse>,
) -> Result<Vec<(String, String)>, MetricTableError> {
    let r = run_fixed_query(
        client,
        warehouse_id,
        &statement(table),
        &SqlQuery::new(""),
        waiter,
    )
    .await?;
    let (k, v) = (r.column("slice_key"), r.column("slice_value"));
    Ok(r.rows
        .iter()
        .filter_map(|row| Some((cell(row, k)?, cell(row, v).unwrap_or_default())))
        .take(MAX_SLICES)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statement_names_the_table_backticked_and_nothing_else_from_outside() {
        let t = TableName::parse("main.ml.churn_inference_drift_metrics").unwrap();
        assert_eq!(
            statement(&t).as_str(),
            "SELECT DISTINCT slice_key, slice_value FROM `main`.`ml`.`churn_inference_drift_metrics` \
             WHERE slice_key IS NOT NULL ORDER BY slice_key, slice_value LIMIT 200"
        );
    }
}
