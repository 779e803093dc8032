//! `DESCRIBE HISTORY name` of a feature table, answered from the feature store's Delta history
//! (the same versions `tables.get`'s `updated_at` comes from), newest first, in the columns a
//! warehouse gives: `version`, `timestamp`, `userName`, `operation`, `operationParameters`,
//! `job` and `operationMetrics` (the last three as JSON text, as the JSON_ARRAY format sends
//! maps and structs). Other statements go to the engine.

use serde_json::json;

use crate::api::models::sql::{ColumnInfo, ColumnTypeName};
use crate::sim::state::AppState;

use super::engine::Answer;
use super::failure::Failure;

/// The table a `DESCRIBE HISTORY` statement names (`DESCRIBE HISTORY a.b.c`, backticks and a
/// trailing `;` allowed, one- and two-part names completed with `catalog` and `schema`).
fn named_table(statement: &str, catalog: &str, schema: &str) -> Option<String> {
    let s = statement.trim().trim_end_matches(';').trim();
    let mut words = s.split_whitespace();
    let (Some(d), Some(h), Some(name), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return None;
    };
    if !d.eq_ignore_ascii_case("DESCRIBE") || !h.eq_ignore_ascii_case("HISTORY") {
        return None;
    }
    let parts: Vec<String> = name
        .split('.')
        .map(|p| p.trim_matches('`').to_string())
        .collect();
    Some(match parts.as_slice() {
        [t] => format!("{catalog}.{schema}.{t}"),
        [s, t] => format!("{catalog}.{s}.{t}"),
        _ => parts.join("."),
    })
}

fn column(name: &str, position: i64, type_name: &str, type_text: &str) -> ColumnInfo {
    ColumnInfo {
        name: name.to_string(),
        position,
        type_name: Some(ColumnTypeName::from_wire(type_name)),
        type_text: Some(type_text.to_string()),
    }
}

/// The answer to `statement` when it is `DESCRIBE HISTORY` of a feature table; `None` for any
/// other statement (a history of a table the feature store does not hold is the engine's).
pub(crate) fn answer(
    st: &AppState,
    statement: &str,
    catalog: &str,
    schema: &str,
    row_limit: usize,
) -> Option<Result<Answer, Failure>> {
    let table = named_table(statement, catalog, schema)?;
    let history = crate::sim::features::table_history(st, &table)?;
    let columns = vec![
        column("version", 0, "LONG", "BIGINT"),
        column("timestamp", 1, "TIMESTAMP", "TIMESTAMP"),
        column("userName", 2, "STRING", "STRING"),
        column("operation", 3, "STRING", "STRING"),
        column("operationParameters", 4, "MAP", "MAP<STRING, STRING>"),
        column("job", 5, "STRUCT", "STRUCT<jobId: STRING, runId: STRING>"),
        column("operationMetrics", 6, "MAP", "MAP<STRING, STRING>"),
    ];
    let truncated = history.len() > row_limit;
    let rows = history
        .iter()
        .rev()
        .take(row_limit)
        .map(|v| {
            let params = match v.operation {
                "MERGE" => json!({"predicate": "[\"(customer_id = source.customer_id)\"]"}),
                "ADD CONSTRAINT" => json!({"name": "pk"}),
                _ => json!({}),
            };
            vec![
                Some(v.version.to_string()),
                Some(crate::sim::features::sql_timestamp(v.timestamp)),
                Some(v.user.clone()),
                Some(v.operation.to_string()),
                Some(params.to_string()),
                v.job.map(|(j, r)| {
                    json!({"jobId": j.to_string(), "runId": r.to_string()}).to_string()
                }),
                v.rows
                    .map(|n| json!({"numTargetRowsUpdated": n.to_string()}).to_string()),
            ]
        })
        .collect();
    Some(Ok(Answer {
        columns,
        rows,
        truncated,
    }))
}

#[cfg(test)]
mod tests {
    use super::named_table;

    #[test]
    fn describe_history_names_are_read_and_completed() {
        assert_eq!(
            named_table("describe history main.features.t;", "c", "s").as_deref(),
            Some("main.features.t")
        );
        assert_eq!(
            named_table("DESCRIBE HISTORY `t`", "c", "s").as_deref(),
            Some("c.s.t")
        );
        assert_eq!(named_table("DESCRIBE TABLE t", "c", "s"), None);
        assert_eq!(named_table("DESCRIBE HISTORY t LIMIT 1", "c", "s"), None);
    }
}
