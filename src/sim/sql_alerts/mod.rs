//! SQL alerts v2 (`/api/2.0/alerts`, wave-2 reference §(e)): list (paged), get, create,
//! update with an `update_mask`, delete to the trash or purge. The demo has two alerts on the
//! monitor's drift metrics table: one TRIGGERED (the tenure drift of the story), one OK. There
//! is no "evaluate now" in the API, so alerts created here stay UNKNOWN (never evaluated).

mod handlers;
#[cfg(test)]
mod tests;

use axum::Router;
use axum::routing::get;

use crate::api::models::sql_alerts::{
    AlertEvaluation, AlertEvaluationState, AlertLifecycleState, AlertOperand, AlertOperandColumn,
    AlertOperandValue, AlertV2, ComparisonOperator, CronSchedule,
};
use crate::sim::state::AppState;
use crate::sim::world::MINUTE;

/// RFC 3339 with milliseconds, as alert times are written.
pub(crate) fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

/// The alerts of one simulator, in creation order (purged ones removed).
#[derive(Debug, Clone, Default)]
pub(crate) struct SqlAlerts {
    pub alerts: Vec<AlertV2>,
    pub next_id: u64,
}

const DRIFT_TABLE: &str = "`main`.`ml`.`churn_inference_drift_metrics`";
const DEMO_WAREHOUSE: &str = "4b9f0e1c2a3d5e6f";

fn demo_alert(
    id: &str,
    name: &str,
    query: String,
    threshold: f64,
    state: AlertEvaluationState,
    created_ms: i64,
    evaluated_ms: i64,
) -> AlertV2 {
    AlertV2 {
        id: Some(id.to_string()),
        display_name: name.to_string(),
        query_text: query,
        warehouse_id: DEMO_WAREHOUSE.to_string(),
        evaluation: Some(AlertEvaluation {
            source: Some(AlertOperandColumn {
                name: "value".into(),
                aggregation: None,
                display: None,
            }),
            comparison_operator: Some(ComparisonOperator::GreaterThan),
            threshold: Some(AlertOperand {
                value: Some(AlertOperandValue {
                    double_value: Some(threshold),
                    ..Default::default()
                }),
                column: None,
            }),
            empty_result_state: Some(AlertEvaluationState::Unknown),
            notification: None,
            state: Some(state),
            last_evaluated_at: Some(iso(evaluated_ms)),
        }),
        schedule: Some(CronSchedule {
            quartz_cron_schedule: "0 0 * * * ?".into(),
            timezone_id: "UTC".into(),
            pause_status: Some("UNPAUSED".into()),
        }),
        lifecycle_state: Some(AlertLifecycleState::Active),
        owner_user_name: Some("ml-eng@acme.com".into()),
        parent_path: Some("/Users/ml-eng@acme.com".into()),
        create_time: Some(iso(created_ms)),
        update_time: Some(iso(created_ms)),
        ..Default::default()
    }
}

impl SqlAlerts {
    /// The demo's two alerts, evaluated at the top of the hour before `anchor_ms`.
    pub fn demo(anchor_ms: i64) -> SqlAlerts {
        let hour = 60 * MINUTE;
        let evaluated = anchor_ms - anchor_ms.rem_euclid(hour);
        let latest = format!("(SELECT max(window.end) FROM {DRIFT_TABLE})");
        SqlAlerts {
            alerts: vec![
                demo_alert(
                    "8f0c2d4e-6a1b-4c3d-9e5f-7a8b9c0d1e2f",
                    "churn tenure_months drift (PSI)",
                    format!(
                        "SELECT max(population_stability_index) AS value\nFROM {DRIFT_TABLE}\n\
                         WHERE column_name = 'tenure_months' AND slice_key IS NULL\n  AND \
                         model_id = '*' AND drift_type = 'BASELINE'\n  AND window.end = {latest}"
                    ),
                    0.25,
                    AlertEvaluationState::Triggered,
                    anchor_ms - 20 * 24 * hour,
                    evaluated,
                ),
                demo_alert(
                    "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                    "churn monthly_charges drift (PSI)",
                    format!(
                        "SELECT max(population_stability_index) AS value\nFROM {DRIFT_TABLE}\n\
                         WHERE column_name = 'monthly_charges' AND slice_key IS NULL\n  AND \
                         model_id = '*' AND drift_type = 'BASELINE'\n  AND window.end = {latest}"
                    ),
                    0.25,
                    AlertEvaluationState::Ok,
                    anchor_ms - 20 * 24 * hour,
                    evaluated,
                ),
            ],
            next_id: 1,
        }
    }
}

pub(crate) fn routes() -> Router<AppState> {
    const A: &str = "/api/2.0/alerts";
    Router::new()
        .route(A, get(handlers::list).post(handlers::create))
        .route(
            &format!("{A}/{{id}}"),
            get(handlers::get)
                .patch(handlers::update)
                .delete(handlers::delete),
        )
}
