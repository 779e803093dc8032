//! The rows of the Alerts list: the console's firing alerts, then the workspace's SQL alerts,
//! both through the list's `/` filter; and a SQL alert as the list shows it, with the detail
//! Enter opens (what the v2 API holds: query, condition, state, last evaluation, schedule…).

use crate::api::models::sql_alerts::{AlertOperand, AlertV2};
use crate::app::format::matches_any;
use crate::ops::alerts::Alert;

use super::AlertsState;

/// One workspace SQL alert as listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SqlAlertRow {
    pub id: Option<String>,
    pub name: String,
    pub state: String,
    pub last_evaluated_at: Option<String>,
    /// `max_psi > 0.25`: the condition in one line.
    pub condition: String,
    /// Every field worth showing, as (label, value); the query last.
    pub detail: Vec<(String, String)>,
}

fn operand(o: &AlertOperand) -> String {
    if let Some(v) = &o.value {
        if let Some(d) = v.double_value {
            return d.to_string();
        }
        if let Some(s) = &v.string_value {
            return format!("'{s}'");
        }
        if let Some(b) = v.bool_value {
            return b.to_string();
        }
    }
    o.column
        .as_ref()
        .map(|c| c.name.clone())
        .unwrap_or_else(|| "?".into())
}

fn operator(op: &str) -> &str {
    match op {
        "EQUAL" => "=",
        "NOT_EQUAL" => "!=",
        "GREATER_THAN" => ">",
        "GREATER_THAN_OR_EQUAL" => ">=",
        "LESS_THAN" => "<",
        "LESS_THAN_OR_EQUAL" => "<=",
        "IS_NULL" => "is null",
        "IS_NOT_NULL" => "is not null",
        other => other,
    }
}

impl SqlAlertRow {
    pub fn of(a: &AlertV2) -> SqlAlertRow {
        let condition = a
            .evaluation
            .as_ref()
            .map(|e| {
                let source = e.source.as_ref().map_or("?", |s| s.name.as_str());
                let op = e
                    .comparison_operator
                    .as_ref()
                    .map(|o| o.to_string())
                    .unwrap_or_default();
                let rhs = e.threshold.as_ref().map(operand).unwrap_or_default();
                format!("{source} {} {rhs}", operator(&op))
                    .trim()
                    .to_string()
            })
            .unwrap_or_default();
        let mut detail: Vec<(String, String)> = Vec::new();
        let mut add = |k: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
                detail.push((k.to_string(), v));
            }
        };
        add("id", a.id.clone());
        add("state", Some(a.state().to_string()));
        add(
            "last evaluated",
            Some(a.last_evaluated_at().unwrap_or("never").to_string()),
        );
        add("condition", Some(condition.clone()));
        add(
            "empty result",
            a.evaluation
                .as_ref()
                .and_then(|e| e.empty_result_state.as_ref())
                .map(|s| s.to_string()),
        );
        add(
            "schedule",
            a.schedule.as_ref().map(|s| {
                let paused = s
                    .pause_status
                    .as_deref()
                    .filter(|p| *p != "UNPAUSED")
                    .map(|p| format!(", {p}"))
                    .unwrap_or_default();
                format!("{} ({}{paused})", s.quartz_cron_schedule, s.timezone_id)
            }),
        );
        add("warehouse", Some(a.warehouse_id.clone()));
        add("owner", a.owner_user_name.clone());
        add("summary", a.custom_summary.clone());
        add("description", a.custom_description.clone());
        add("created", a.create_time.clone());
        add("updated", a.update_time.clone());
        add("query", Some(a.query_text.clone()));
        SqlAlertRow {
            id: a.id.clone(),
            name: a.display_name.clone(),
            state: a.state().to_string(),
            last_evaluated_at: a.last_evaluated_at().map(str::to_string),
            condition,
            detail,
        }
    }

    /// When it was last evaluated (Unix ms), when the time reads.
    pub fn evaluated_ms(&self) -> Option<i64> {
        let t = self.last_evaluated_at.as_deref()?;
        chrono::DateTime::parse_from_rfc3339(t)
            .ok()
            .map(|d| d.timestamp_millis())
    }
}

/// A row of the Alerts list.
#[derive(Debug, Clone, Copy)]
pub enum Row<'a> {
    Console(&'a Alert),
    Sql(&'a SqlAlertRow),
}

impl AlertsState {
    /// The rows the filter lets through: firing alerts first, then the SQL alerts.
    pub fn rows(&self) -> Vec<Row<'_>> {
        let needle = self.view.needle();
        let console = self.firing().into_iter().filter(|a| {
            needle.is_empty()
                || matches_any(
                    &needle,
                    &[a.severity.as_str(), &a.rule, &a.object.name, &a.detail],
                )
        });
        let sql = self
            .read
            .data
            .as_ref()
            .and_then(|r| r.sql_alerts.as_ref().ok())
            .into_iter()
            .flatten()
            .filter(|s| {
                needle.is_empty() || matches_any(&needle, &["sql", &s.name, &s.state, &s.condition])
            });
        console.map(Row::Console).chain(sql.map(Row::Sql)).collect()
    }

    /// The row under the cursor.
    pub fn selected_row(&self) -> Option<Row<'_>> {
        self.rows().get(self.view.selected).copied()
    }

    /// The firing alert under the cursor.
    pub fn selected(&self) -> Option<&Alert> {
        match self.selected_row()? {
            Row::Console(a) => Some(a),
            Row::Sql(_) => None,
        }
    }

    /// The SQL alert whose detail is open (Enter on its row).
    pub fn open_sql(&self) -> Option<&SqlAlertRow> {
        let want = self.sql_open.as_ref()?;
        self.read
            .data
            .as_ref()?
            .sql_alerts
            .as_ref()
            .ok()?
            .iter()
            .find(|s| s.id.as_ref().unwrap_or(&s.name) == want)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::sql_alerts::{
        AlertEvaluation, AlertOperandColumn, AlertOperandValue, ComparisonOperator,
    };

    #[test]
    fn a_sql_alert_reads_as_its_condition_and_detail() {
        let a = AlertV2 {
            id: Some("a1".into()),
            display_name: "drift".into(),
            query_text: "SELECT max(psi) AS max_psi FROM t".into(),
            warehouse_id: "wh".into(),
            evaluation: Some(AlertEvaluation {
                source: Some(AlertOperandColumn {
                    name: "max_psi".into(),
                    ..Default::default()
                }),
                comparison_operator: Some(ComparisonOperator::GreaterThan),
                threshold: Some(AlertOperand {
                    value: Some(AlertOperandValue {
                        double_value: Some(0.25),
                        ..Default::default()
                    }),
                    column: None,
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let row = SqlAlertRow::of(&a);
        assert_eq!(row.condition, "max_psi > 0.25");
        assert_eq!(row.state, "UNKNOWN");
        let labels: Vec<&str> = row.detail.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            labels,
            [
                "id",
                "state",
                "last evaluated",
                "condition",
                "warehouse",
                "query"
            ]
        );
        assert_eq!(row.detail[2].1, "never");
    }
}
