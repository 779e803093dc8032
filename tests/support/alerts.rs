//! Alert fixtures: evaluations as the runtime answers them.

use mlops_console::app::Payload;
use mlops_console::app::screens::RoomLoaded;
use mlops_console::app::screens::alerts::{self, AlertsRead, SqlAlertRow};
use mlops_console::config::alert_rules::Severity;
use mlops_console::ops::alerts::{Alert, AlertObject, Evaluation, ObjectKind, UnknownRule};

use super::{MIN, NOW};

/// A firing alert of `rule` on `name`, its keys for the jump, since `min_ago` minutes.
pub fn alert(
    rule: &str,
    severity: Severity,
    kind: ObjectKind,
    name: &str,
    keys: &[(&str, &str)],
    min_ago: i64,
    detail: &str,
) -> Alert {
    Alert {
        id: format!("{rule}/{name}"),
        rule: rule.into(),
        kind: "fixture",
        severity,
        object: AlertObject {
            kind,
            name: name.into(),
            keys: keys
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        },
        since_ms: Some(NOW - min_ago * MIN),
        detail: detail.into(),
        bell: false,
        window_ms: None,
        retrain: false,
    }
}

/// The demo's drift alert on tenure_months.
pub fn drift_alert() -> Alert {
    alert(
        "feature-drift",
        Severity::Critical,
        ObjectKind::Feature,
        "main.ml.churn_inference.tenure_months",
        &[
            ("table", "main.ml.churn_inference"),
            ("feature", "tenure_months"),
        ],
        3 * 24 * 60,
        "population_stability_index 0.233 > 0.1 in the last 3 windows",
    )
}

/// `feature-refresh`'s failed run 9001.
pub fn job_alert() -> Alert {
    alert(
        "job-run-failed",
        Severity::Warning,
        ObjectKind::Job,
        "feature-refresh",
        &[("job_id", "12"), ("run_id", "9001")],
        95,
        "INTERNAL_ERROR FAILED: cluster terminated",
    )
}

/// The freshness rule the console declares but does not judge.
pub fn stale_unknown() -> UnknownRule {
    UnknownRule {
        rule: "feature-table-stale".into(),
        kind: "feature_table_stale",
        severity: Severity::Warning,
        reason: "not evaluated yet: feature table freshness is not read by this version".into(),
    }
}

/// An evaluation with these alerts firing, the freshness rule unknown, two SQL alerts.
pub fn alerts_read(firing: Vec<Alert>) -> AlertsRead {
    AlertsRead {
        evaluation: Evaluation {
            at_ms: NOW,
            firing,
            unknown: vec![stale_unknown()],
            rules: 8,
        },
        sql_alerts: Ok(vec![
            SqlAlertRow {
                id: Some("7a1f".into()),
                name: "churn tenure_months drift (PSI)".into(),
                state: "TRIGGERED".into(),
                last_evaluated_at: Some("2024-06-01T11:00:00Z".into()),
                condition: "max_psi > 0.25".into(),
                detail: vec![
                    ("id".into(), "7a1f".into()),
                    ("state".into(), "TRIGGERED".into()),
                    ("last evaluated".into(), "2024-06-01T11:00:00Z".into()),
                    ("condition".into(), "max_psi > 0.25".into()),
                    ("schedule".into(), "0 0 * * * ? (UTC)".into()),
                    ("warehouse".into(), "4b9f0e1c2a3d5e6f".into()),
                    (
                        "query".into(),
                        "SELECT max(population_stability_index) AS max_psi\nFROM main.ml.churn_inference_drift_metrics".into(),
                    ),
                ],
            },
            SqlAlertRow {
                id: Some("9c2e".into()),
                name: "fraud scoring volume".into(),
                state: "OK".into(),
                last_evaluated_at: Some("2024-06-01T11:30:00Z".into()),
                condition: "requests < 100".into(),
                detail: Vec::new(),
            },
        ]),
        monitoring_at_ms: Some(NOW),
    }
}

/// The answer to the alerts' evaluation.
pub fn evaluated(read: AlertsRead) -> Payload {
    Payload::Room(RoomLoaded::Alerts(alerts::Loaded::Evaluated(Ok(Box::new(
        read,
    )))))
}
