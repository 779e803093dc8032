//! A console drift rule saved as a Databricks SQL alert (alerts v2), so it runs server-side
//! when no terminal is open. The alert's SQL is fixed: the worst value of the rule's statistic
//! over the features (or the rule's one feature) in the latest window of the drift metrics
//! table; the threshold goes into `evaluation`. Nothing in the SQL is built from free text: the
//! table must be three identifiers (each backticked), the feature an identifier, the statistic
//! one of the drift table's columns.
//!
//! Saving goes through the change pipeline: refused read-only, journaled, sent once, verified
//! by reading the alert back by its display name. A create whose answer was lost is never sent
//! again: the read-back finds it (or not) by name, so a retry cannot make a second alert.

use crate::api::models::sql_alerts::{
    AlertEvaluation, AlertLifecycleState, AlertOperand, AlertOperandColumn, AlertOperandValue,
    AlertV2, ComparisonOperator, CronSchedule,
};
use crate::api::{ApiError, ApiResult, Client};
use crate::config::alert_rules::{AlertRule, RuleKind};
use crate::ops::change::judge::{Sent, judge};
use crate::ops::change::outcome::{ChangeContext, ChangeOutcome};
use crate::ops::change::pipeline::{self, Change, Entry, Sending, Settled, Stamp};
use crate::ops::change::resend::Resend;
use crate::ops::change::target::{ChangeAction, ObjectState, Target};
use crate::ops::error::OpError;
use crate::ops::journal::Journal;

/// The prefix of the display names of alerts the console saves.
pub const NAME_PREFIX: &str = "mlops-console: ";
/// Statistics of the drift metrics table an alert can watch, and the SQL that selects each.
const STATISTICS: &[(&str, &str)] = &[
    ("population_stability_index", "population_stability_index"),
    ("js_distance", "js_distance"),
    ("wasserstein_distance", "wasserstein_distance"),
    ("tv_distance", "tv_distance"),
    ("l_infinity_distance", "l_infinity_distance"),
    ("ks_test.pvalue", "ks_test.pvalue"),
    ("chi_squared_test.pvalue", "chi_squared_test.pvalue"),
];

fn identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `catalog.schema.table` as three backticked identifiers, or why not.
pub fn quoted_table(name: &str) -> Result<String, String> {
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() != 3 || !parts.iter().all(|p| identifier(p)) {
        return Err(format!(
            "{name:?} is not a table name of three identifiers (catalog.schema.table; letters, \
             digits and _)"
        ));
    }
    Ok(parts
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join("."))
}

/// The drift metrics table of a monitored table (`x` → `x_drift_metrics`; a name that already
/// is one stays).
pub fn drift_table_of(table: &str) -> String {
    if table.ends_with("_drift_metrics") {
        table.to_string()
    } else {
        format!("{table}_drift_metrics")
    }
}

/// The SQL alert a drift rule becomes: `table` is the monitored table (or its drift metrics
/// table); the rule's own target when `None`.
/// `model_id_col` names the monitor's model id column (InferenceLog monitors): the alert then
/// judges the all-models rows (`'*'`) only, not each version's smaller samples.
pub fn drift_alert(
    rule: &AlertRule,
    table: Option<&str>,
    model_id_col: Option<&str>,
    warehouse_id: &str,
) -> Result<AlertV2, String> {
    let RuleKind::FeatureDrift {
        statistic,
        threshold,
        feature,
        ..
    } = &rule.kind
    else {
        return Err(format!(
            "rule {} is a {} rule: only feature_drift rules can be saved as SQL alerts",
            rule.name,
            rule.kind.name()
        ));
    };
    let table = table.or(rule.target.as_deref()).ok_or_else(|| {
        format!(
            "rule {} names no table: give it a target (the monitored table) or pass --table",
            rule.name
        )
    })?;
    let drift = quoted_table(&drift_table_of(table))?;
    let column = STATISTICS
        .iter()
        .find(|(name, _)| name == statistic)
        .map(|(_, sql)| *sql)
        .ok_or_else(|| {
            format!(
                "statistic {statistic:?} cannot be watched by a SQL alert (one of: {})",
                STATISTICS
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
    let pvalue = statistic.ends_with("pvalue");
    let feature_filter = match feature {
        Some(f) if identifier(f) => format!("\n  AND column_name = '{f}'"),
        Some(f) => return Err(format!("feature {f:?} is not a column name")),
        None => String::new(),
    };
    let model_filter = match model_id_col {
        Some(c) if identifier(c) => format!("\n  AND `{c}` = '*'"),
        Some(c) => return Err(format!("{c:?} is not a column name")),
        None => String::new(),
    };
    if warehouse_id.trim().is_empty() || !warehouse_id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!("{warehouse_id:?} is not a warehouse id"));
    }
    let worst = if pvalue { "min" } else { "max" };
    let query_text = format!(
        "SELECT {worst}({column}) AS value\nFROM {drift}\nWHERE column_name != ':table'\n  \
         AND slice_key IS NULL{feature_filter}{model_filter}\n  AND window.end = (SELECT max(window.end) FROM \
         {drift})"
    );
    Ok(AlertV2 {
        display_name: format!("{NAME_PREFIX}{}", rule.name),
        query_text,
        warehouse_id: warehouse_id.to_string(),
        evaluation: Some(AlertEvaluation {
            source: Some(AlertOperandColumn {
                name: "value".into(),
                aggregation: None,
                display: None,
            }),
            comparison_operator: Some(if pvalue {
                ComparisonOperator::LessThan
            } else {
                ComparisonOperator::GreaterThan
            }),
            threshold: Some(AlertOperand {
                value: Some(AlertOperandValue {
                    double_value: Some(*threshold),
                    ..Default::default()
                }),
                column: None,
            }),
            ..Default::default()
        }),
        schedule: Some(CronSchedule {
            quartz_cron_schedule: "0 0 * * * ?".into(),
            timezone_id: "UTC".into(),
            pause_status: Some("UNPAUSED".into()),
        }),
        custom_description: Some(format!(
            "Saved by mlops-console from rule {}: {statistic} of {} in the latest window \
             (the console's rule also wants it in consecutive windows).",
            rule.name,
            feature.as_deref().unwrap_or("any feature")
        )),
        ..Default::default()
    })
}

fn threshold_text(a: &AlertV2) -> Option<String> {
    a.evaluation
        .as_ref()?
        .threshold
        .as_ref()?
        .value
        .as_ref()?
        .double_value
        .map(|d| d.to_string())
}

fn state_of(found: Option<&AlertV2>) -> ObjectState {
    match found {
        None => ObjectState::SqlAlert {
            exists: false,
            id: None,
            query_text: None,
            threshold: None,
        },
        Some(a) => ObjectState::SqlAlert {
            exists: true,
            id: a.id.clone(),
            query_text: Some(a.query_text.clone()),
            threshold: threshold_text(a),
        },
    }
}

/// The live (not deleted) alert named `name`.
pub async fn find_by_name(client: &Client, name: &str) -> ApiResult<Option<AlertV2>> {
    Ok(client.list_sql_alerts().await?.into_iter().find(|a| {
        a.display_name == name && a.lifecycle_state != Some(AlertLifecycleState::Deleted)
    }))
}

/// The state of the alert named `name`, for the journal's read-backs.
pub async fn read_state(client: &Client, name: &str) -> ApiResult<ObjectState> {
    Ok(state_of(find_by_name(client, name).await?.as_ref()))
}

struct SaveAlert {
    alert: AlertV2,
    /// Read in `prepare`: the alert of that name already there (then it is updated).
    existing: Option<AlertV2>,
}

impl SaveAlert {
    fn request_line(&self) -> String {
        match self.existing.as_ref().and_then(|e| e.id.as_deref()) {
            Some(id) => format!(
                "PATCH /api/2.0/alerts/{id}?update_mask=query_text,warehouse_id,evaluation \
                 ({})",
                self.alert.display_name
            ),
            None => format!("POST /api/2.0/alerts ({})", self.alert.display_name),
        }
    }

    fn after(&self) -> ObjectState {
        ObjectState::SqlAlert {
            exists: true,
            id: self.existing.as_ref().and_then(|e| e.id.clone()),
            query_text: Some(self.alert.query_text.clone()),
            threshold: threshold_text(&self.alert),
        }
    }
}

impl Change for SaveAlert {
    type Detail = ();

    fn what(&self) -> String {
        format!("saving SQL alert {}", self.alert.display_name)
    }

    /// A lost create is read back by name, never sent again.
    fn resend(&self) -> Resend {
        Resend::Never
    }

    async fn prepare(&mut self, client: &Client) -> Result<(), OpError> {
        let name = self.alert.display_name.clone();
        let existing = find_by_name(client, &name)
            .await
            .map_err(|e| OpError::from_read(e, "SQL alerts", || "no alerts".to_string()))?;
        if let Some(e) = &existing
            && e.query_text == self.alert.query_text
            && e.warehouse_id == self.alert.warehouse_id
            && threshold_text(e) == threshold_text(&self.alert)
        {
            return Err(OpError::NothingToDo(format!(
                "SQL alert {name} is already saved as it is ({})",
                e.id.as_deref().unwrap_or("?")
            )));
        }
        self.existing = existing;
        Ok(())
    }

    fn entry(&self, _: &Stamp) -> Entry {
        Entry {
            action: ChangeAction::SaveSqlAlert,
            target: Target::SqlAlert {
                name: self.alert.display_name.clone(),
            },
            before: state_of(self.existing.as_ref()),
            after: self.after(),
            comment: self.alert.custom_description.clone(),
            reverts: None,
            requests: vec![self.request_line()],
        }
    }

    async fn send(&mut self, client: &Client, _: &Stamp) -> Sending<()> {
        let mut sending = Sending::new(());
        sending.log.push(self.request_line());
        let answer: ApiResult<AlertV2> = match self.existing.as_ref().and_then(|e| e.id.clone()) {
            Some(id) => {
                client
                    .update_sql_alert(&id, "query_text,warehouse_id,evaluation", &self.alert)
                    .await
            }
            None => client.create_sql_alert(&self.alert).await,
        };
        sending.last = Sent::of(&answer);
        sending
    }

    async fn settle(
        &mut self,
        client: &Client,
        _: &Journal,
        _: &Stamp,
        sending: &mut Sending<()>,
    ) -> Settled {
        let read: Result<ObjectState, ApiError> =
            read_state(client, &self.alert.display_name).await;
        let object = format!("SQL alert {}", self.alert.display_name);
        let before = state_of(self.existing.as_ref());
        let verdict = judge(&object, &before, &self.after(), &sending.last, &read);
        Settled { read, verdict }
    }
}

/// Saves `alert` (from [`drift_alert`]) through the change pipeline: created when no alert of
/// its display name exists, else updated. Errors mean nothing was sent.
pub async fn save(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    alert: AlertV2,
) -> Result<ChangeOutcome, OpError> {
    let mut change = SaveAlert {
        alert,
        existing: None,
    };
    Ok(pipeline::run(client, journal, ctx, &mut change)
        .await?
        .into())
}
