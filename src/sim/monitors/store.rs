//! The simulated monitors: one store that both APIs read and write, seeded with the demo's two
//! monitors, and each refresh's life on the simulator's clock. A refresh started by a client is
//! PENDING for [`PENDING_MS`], RUNNING until [`RUN_MS`] after its start, then SUCCESS; a cancel
//! while it is on its way makes it CANCELED at that instant. Only one refresh of a monitor may
//! be on its way at a time.

use crate::api::models::monitors::{MonitorKind, MonitorStatus, RefreshState, RefreshTrigger};
use crate::sim::sql::{
    BASELINE_TABLE, DRIFT_TABLE, FEATURE_DRIFT_TABLE, FEATURE_PROFILE_TABLE, FEATURE_TABLE,
    INFERENCE_TABLE, PROFILE_TABLE,
};

/// How long a started refresh stays PENDING.
pub(crate) const PENDING_MS: i64 = 1_000;
/// How long after its start a refresh ends (SUCCESS), unless cancelled.
pub(crate) const RUN_MS: i64 = 4_000;
const DAY_MS: i64 = 86_400_000;

/// The AI Gateway inference table of churn-prod: monitored, its metric tables not created yet.
pub(crate) const PAYLOAD_TABLE: &str = "main.ml.churn_prod_payload";

/// The table property naming the serving endpoint whose requests a table holds.
const ENDPOINT_PROPERTY: &str = "mlops.endpoint";

/// How a refresh ends.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Course {
    /// Seeded history: ended as given at `end_ms`.
    Ended {
        state: RefreshState,
        end_ms: i64,
        message: Option<String>,
    },
    /// Started by a client: runs on the clock; `cancelled_at` once a cancel arrived in time.
    Live { cancelled_at: Option<i64> },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SimRefresh {
    pub id: i64,
    pub trigger: RefreshTrigger,
    pub start_ms: i64,
    pub course: Course,
}

/// A refresh as of `now`: its state, end and message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RefreshView {
    pub id: i64,
    pub trigger: RefreshTrigger,
    pub start_ms: i64,
    pub state: RefreshState,
    pub end_ms: Option<i64>,
    pub message: Option<String>,
}

impl SimRefresh {
    pub fn at(&self, now: i64) -> RefreshView {
        let (state, end_ms, message) = match &self.course {
            Course::Ended {
                state,
                end_ms,
                message,
            } => (state.clone(), Some(*end_ms), message.clone()),
            Course::Live {
                cancelled_at: Some(t),
            } => (
                RefreshState::Canceled,
                Some(*t),
                Some("Cancelled by the user.".to_string()),
            ),
            Course::Live { cancelled_at: None } => {
                let age = now - self.start_ms;
                if age < PENDING_MS {
                    (RefreshState::Pending, None, None)
                } else if age < RUN_MS {
                    (RefreshState::Running, None, None)
                } else {
                    (RefreshState::Success, Some(self.start_ms + RUN_MS), None)
                }
            }
        };
        RefreshView {
            id: self.id,
            trigger: self.trigger.clone(),
            start_ms: self.start_ms,
            state,
            end_ms,
            message,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SimSchedule {
    pub cron: String,
    pub timezone: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SimMonitor {
    pub table: String,
    pub kind: MonitorKind,
    pub status: MonitorStatus,
    pub failure_message: Option<String>,
    pub schedule: Option<SimSchedule>,
    pub profile_metrics: Option<String>,
    pub drift_metrics: Option<String>,
    pub baseline: Option<String>,
    pub slicing_exprs: Vec<String>,
    /// `catalog.schema` of the metric tables.
    pub output_schema: String,
    pub dashboard_id: Option<String>,
    pub refreshes: Vec<SimRefresh>,
}

impl SimMonitor {
    /// The refresh on its way at `now`, if any.
    pub fn active(&self, now: i64) -> Option<RefreshView> {
        self.refreshes
            .iter()
            .map(|r| r.at(now))
            .find(|r| r.state.is_active())
    }
}

/// Every table the simulated metastore knows, with its id.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SimTable {
    pub full_name: String,
    pub table_id: String,
    pub comment: Option<&'static str>,
    /// Table properties: the processed inference table names the endpoint it logs
    /// (`mlops.endpoint`), so the console links its model versions to what serves them.
    pub properties: Vec<(&'static str, &'static str)>,
}

/// A stable UUID-shaped id for a name (FNV-1a, twice), so a table keeps its id across runs.
pub(crate) fn uuid_of(name: &str) -> String {
    let h = |seed: u64| {
        name.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let (a, b) = (h(0xcbf2_9ce4_8422_2325), h(0x8422_2325_cbf2_9ce4));
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b >> 52,
        b & 0xffff_ffff_ffff
    )
}

pub(crate) fn demo_tables() -> Vec<SimTable> {
    [
        (INFERENCE_TABLE, Some("Inference table of churn-prod")),
        (
            BASELINE_TABLE,
            Some("Baseline of the churn monitor (training data)"),
        ),
        (
            PROFILE_TABLE,
            Some("Profile metrics of the churn_inference monitor"),
        ),
        (
            DRIFT_TABLE,
            Some("Drift metrics of the churn_inference monitor"),
        ),
        (
            PAYLOAD_TABLE,
            Some("AI Gateway inference table of churn-prod"),
        ),
        (
            FEATURE_PROFILE_TABLE,
            Some("Profile metrics of the customer_features monitor"),
        ),
        (
            FEATURE_DRIFT_TABLE,
            Some("Drift metrics of the customer_features monitor"),
        ),
    ]
    .into_iter()
    .map(|(name, comment)| SimTable {
        full_name: name.to_string(),
        table_id: uuid_of(name),
        comment,
        properties: if name == INFERENCE_TABLE {
            vec![(ENDPOINT_PROPERTY, "churn-prod")]
        } else {
            Vec::new()
        },
    })
    .collect()
}

/// The demo's monitors (PRODUCT §9): an inference-log monitor on `main.ml.churn_inference`
/// with daily scheduled refreshes (one failed), a time-series monitor on churn-prod's
/// inference table still PENDING (its metric tables not created yet, no schedule), and a
/// time-series monitor on the feature table `main.features.customer_features` (its metric
/// tables in `sql::feature_metrics`: one feature drifts, one loses values). The feature table
/// is the feature store's (its UC read and id are `sim::features`'), so it is not in
/// [`demo_tables`].
pub(crate) fn demo_monitors(anchor_ms: i64) -> (Vec<SimMonitor>, i64) {
    let today_6am = anchor_ms.div_euclid(DAY_MS) * DAY_MS + 6 * 3_600_000;
    let mut refreshes = Vec::new();
    for (i, days_ago) in (1..=5).rev().enumerate() {
        let start_ms = today_6am - days_ago * DAY_MS;
        let failed = days_ago == 3;
        refreshes.push(SimRefresh {
            id: i as i64 + 1,
            trigger: RefreshTrigger::Schedule,
            start_ms,
            course: Course::Ended {
                state: if failed {
                    RefreshState::Failed
                } else {
                    RefreshState::Success
                },
                end_ms: start_ms + if failed { 95_000 } else { 412_000 },
                message: failed.then(|| {
                    "Refresh failed: the warehouse was stopped while the drift metrics were \
                     written; the next scheduled refresh retries."
                        .to_string()
                }),
            },
        });
    }
    let next_id = refreshes.len() as i64 + 1;
    let churn = SimMonitor {
        table: INFERENCE_TABLE.to_string(),
        kind: MonitorKind::InferenceLog {
            problem_type: Some(crate::api::models::monitors::ProblemType::Classification),
            prediction_column: Some("prediction".into()),
            label_column: Some("label".into()),
            model_id_column: Some("model_id".into()),
            timestamp_column: Some("timestamp".into()),
            prediction_proba_column: None,
            granularities: vec!["1 day".into()],
        },
        status: MonitorStatus::Active,
        failure_message: None,
        schedule: Some(SimSchedule {
            cron: "0 0 6 * * ?".into(),
            timezone: "UTC".into(),
        }),
        profile_metrics: Some(PROFILE_TABLE.to_string()),
        drift_metrics: Some(DRIFT_TABLE.to_string()),
        baseline: Some(BASELINE_TABLE.to_string()),
        slicing_exprs: vec!["contract_type".into()],
        output_schema: "main.ml".into(),
        dashboard_id: Some("01ef5c1a9d3e1b7c8a2f4e6d0b9c3a71".into()),
        refreshes,
    };
    let payload = SimMonitor {
        table: PAYLOAD_TABLE.to_string(),
        kind: MonitorKind::TimeSeries {
            timestamp_column: Some("request_time".into()),
            granularities: vec!["1 hour".into()],
        },
        status: MonitorStatus::Pending,
        failure_message: None,
        schedule: None,
        profile_metrics: None,
        drift_metrics: None,
        baseline: None,
        slicing_exprs: Vec::new(),
        output_schema: "main.ml".into(),
        dashboard_id: None,
        refreshes: Vec::new(),
    };
    let features = feature_monitor(today_6am, next_id);
    let next_id = next_id + features.refreshes.len() as i64;
    (vec![churn, payload, features], next_id)
}

/// The feature table's monitor: daily at 07:00 UTC, the last three refreshes successful.
fn feature_monitor(today_6am: i64, first_id: i64) -> SimMonitor {
    let refreshes = (1..=3)
        .rev()
        .enumerate()
        .map(|(i, days_ago)| {
            let start_ms = today_6am + 3_600_000 - days_ago * DAY_MS;
            SimRefresh {
                id: first_id + i as i64,
                trigger: RefreshTrigger::Schedule,
                start_ms,
                course: Course::Ended {
                    state: RefreshState::Success,
                    end_ms: start_ms + 188_000,
                    message: None,
                },
            }
        })
        .collect();
    SimMonitor {
        table: FEATURE_TABLE.to_string(),
        kind: MonitorKind::TimeSeries {
            timestamp_column: Some("updated_at".into()),
            granularities: vec!["1 day".into()],
        },
        status: MonitorStatus::Active,
        failure_message: None,
        schedule: Some(SimSchedule {
            cron: "0 0 7 * * ?".into(),
            timezone: "UTC".into(),
        }),
        profile_metrics: Some(FEATURE_PROFILE_TABLE.to_string()),
        drift_metrics: Some(FEATURE_DRIFT_TABLE.to_string()),
        baseline: None,
        slicing_exprs: Vec::new(),
        output_schema: "main.features".into(),
        dashboard_id: None,
        refreshes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_refresh_goes_pending_running_success_unless_cancelled() {
        let r = SimRefresh {
            id: 1,
            trigger: RefreshTrigger::Manual,
            start_ms: 10_000,
            course: Course::Live { cancelled_at: None },
        };
        assert_eq!(r.at(10_000).state, RefreshState::Pending);
        assert_eq!(r.at(10_000 + PENDING_MS).state, RefreshState::Running);
        let done = r.at(10_000 + RUN_MS);
        assert_eq!(done.state, RefreshState::Success);
        assert_eq!(done.end_ms, Some(10_000 + RUN_MS));
        let c = SimRefresh {
            course: Course::Live {
                cancelled_at: Some(11_500),
            },
            ..r
        };
        assert_eq!(c.at(99_000).state, RefreshState::Canceled);
        assert_eq!(c.at(99_000).end_ms, Some(11_500));
    }

    #[test]
    fn table_ids_are_stable_and_distinct() {
        let t = demo_tables();
        assert_eq!(t[0].table_id, uuid_of(INFERENCE_TABLE));
        assert_eq!(t[0].table_id.len(), 36);
        let mut ids: Vec<_> = t.iter().map(|t| t.table_id.clone()).collect();
        ids.dedup();
        assert_eq!(ids.len(), t.len());
    }
}
