//! A feature table's Delta versions (`DESCRIBE HISTORY`, a fixed statement: only a validated
//! table name goes into its text) — version, time, operation, who, and the job that wrote it.

use serde::Serialize;
use serde_json::Value;

use crate::api::Client;
use crate::api::models::sql::StatementResponse;
use crate::api::sql_fixed::{FixedStatement, Ident, NameError, TableName};
use crate::ops::sql::{SqlError, SqlQuery, SqlResult, Waiter, run_fixed_query};

/// Versions read at most (newest first).
pub const MAX_VERSIONS: usize = 100;

/// Operations that write data (the others change metadata only).
const WRITES: [&str; 12] = [
    "WRITE",
    "MERGE",
    "UPDATE",
    "DELETE",
    "STREAMING UPDATE",
    "CREATE TABLE AS SELECT",
    "REPLACE TABLE AS SELECT",
    "CREATE OR REPLACE TABLE AS SELECT",
    "COPY INTO",
    "TRUNCATE",
    "RESTORE",
    "OPTIMIZE WRITE",
];

/// One version of the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeltaVersion {
    pub version: i64,
    /// As the warehouse printed it.
    pub timestamp: String,
    pub timestamp_ms: Option<i64>,
    pub operation: String,
    pub user: Option<String>,
    /// The job (and run) that wrote it, when a job did.
    pub job_id: Option<i64>,
    pub job_run_id: Option<i64>,
    /// A model version trained on this version, when something says so (model version
    /// dependencies do not: this stays empty unless another source fills it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trained: Vec<String>,
}

impl DeltaVersion {
    pub fn is_write(&self) -> bool {
        WRITES
            .iter()
            .any(|w| self.operation.eq_ignore_ascii_case(w))
    }
}

/// A table name as the server spells it, validated for a fixed statement.
pub fn table_name(full_name: &str) -> Result<TableName, String> {
    let parts: Vec<&str> = full_name.split('.').collect();
    let [c, s, t] = parts[..] else {
        return Err(format!("{full_name:?} is not a three-part table name"));
    };
    let ident = |p: &str| Ident::new(p).map_err(|e: NameError| e.to_string());
    Ok(TableName {
        catalog: ident(c)?,
        schema: ident(s)?,
        table: ident(t)?,
    })
}

/// `2026-01-01T00:00:00.000Z`, `2026-01-01 00:00:00.000`, or epoch ms.
pub fn parse_time(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(t) {
        return Some(d.timestamp_millis());
    }
    let naive = t.trim_end_matches('Z').replace('T', " ");
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(&naive, f).ok())
        .map(|d| d.and_utc().timestamp_millis())
        .or_else(|| t.parse().ok())
}

fn job_of(cell: Option<&str>) -> (Option<i64>, Option<i64>) {
    let Some(v) = cell.and_then(|c| serde_json::from_str::<Value>(c).ok()) else {
        return (None, None);
    };
    let num = |k: &str| match v.get(k) {
        Some(Value::String(s)) => s.trim().parse().ok(),
        Some(Value::Number(n)) => n.as_i64(),
        _ => None,
    };
    (num("jobId"), num("runId").or_else(|| num("jobRunId")))
}

/// The versions in a `DESCRIBE HISTORY` result, newest first. A result without a `version`
/// or `operation` column is not a history.
pub fn versions(r: &SqlResult) -> Result<Vec<DeltaVersion>, SqlError> {
    let (Some(v), Some(op)) = (r.column("version"), r.column("operation")) else {
        return Err(SqlError::BadAnswer(
            "DESCRIBE HISTORY gave no version or operation column".into(),
        ));
    };
    let (ts, user, job) = (r.column("timestamp"), r.column("userName"), r.column("job"));
    let cell =
        |row: &Vec<Option<String>>, i: Option<usize>| i.and_then(|i| row.get(i).cloned().flatten());
    let mut out: Vec<DeltaVersion> = r
        .rows
        .iter()
        .filter_map(|row| {
            let version = cell(row, Some(v))?.trim().parse().ok()?;
            let timestamp = cell(row, ts).unwrap_or_default();
            let (job_id, job_run_id) = job_of(cell(row, job).as_deref());
            Some(DeltaVersion {
                version,
                timestamp_ms: parse_time(&timestamp),
                timestamp,
                operation: cell(row, Some(op)).unwrap_or_default(),
                user: cell(row, user),
                job_id,
                job_run_id,
                trained: Vec::new(),
            })
        })
        .collect();
    out.sort_by_key(|d| std::cmp::Reverse(d.version));
    Ok(out)
}

/// `DESCRIBE HISTORY` of `full_name` on `warehouse_id`, newest first, at most
/// [`MAX_VERSIONS`].
pub async fn read(
    client: &Client,
    warehouse_id: &str,
    full_name: &str,
    waiter: &mut Waiter<'_, StatementResponse>,
) -> Result<Vec<DeltaVersion>, SqlError> {
    let name = table_name(full_name).map_err(SqlError::BadAnswer)?;
    let statement = FixedStatement::new("DESCRIBE HISTORY ").table(&name);
    let mut q = SqlQuery::new("");
    q.row_cap = MAX_VERSIONS;
    let r = run_fixed_query(client, warehouse_id, &statement, &q, waiter).await?;
    versions(&r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::sql::Column;

    #[test]
    fn a_history_result_reads_newest_first_with_its_job() {
        let col = |n: &str, p| Column {
            name: n.into(),
            type_name: String::new(),
            position: p,
        };
        let r = SqlResult {
            statement_id: "s".into(),
            columns: vec![
                col("version", 0),
                col("timestamp", 1),
                col("userName", 2),
                col("operation", 3),
                col("job", 4),
            ],
            rows: vec![
                vec![
                    Some("0".into()),
                    Some("2026-01-01T00:00:00.000Z".into()),
                    Some("a".into()),
                    Some("CREATE TABLE".into()),
                    None,
                ],
                vec![
                    Some("1".into()),
                    Some("2026-01-02 00:00:00".into()),
                    Some("b".into()),
                    Some("MERGE".into()),
                    Some(r#"{"jobId":"12","runId":"34"}"#.into()),
                ],
                vec![Some("x".into()), None, None, None, None],
            ],
            truncated: false,
        };
        let v = versions(&r).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(
            (v[0].version, v[0].job_id, v[0].job_run_id),
            (1, Some(12), Some(34))
        );
        assert!(v[0].is_write() && !v[1].is_write());
        assert_eq!(v[1].timestamp_ms, Some(1_767_225_600_000));
        let bad = SqlResult {
            columns: vec![col("col_name", 0)],
            ..r
        };
        assert!(versions(&bad).is_err());
        assert!(table_name("a.b").is_err());
        assert!(table_name("a.b`.c").is_err());
    }
}
