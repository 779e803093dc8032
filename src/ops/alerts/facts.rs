//! What the alert rules are judged on: plain data read from the workspace ([`super::gather`])
//! or handed in by the modules that read monitors, drift and model quality. Every source says
//! whether it was read: a source that failed (or is not wired yet) makes the rules that need it
//! unknown, never OK.

use std::collections::BTreeMap;

use serde::Serialize;

/// One source of facts: read, failed, or not available in this build.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(tag = "status", content = "value", rename_all = "snake_case")]
pub enum Source<T> {
    Read(T),
    /// Reading it failed: why.
    Failed(String),
    /// Nothing supplies it yet.
    #[default]
    NotWired,
}

impl<T> Source<T> {
    /// The facts, or why there are none.
    pub fn facts(&self) -> Result<&T, String> {
        match self {
            Source::Read(t) => Ok(t),
            Source::Failed(why) => Err(why.clone()),
            Source::NotWired => Err("not available in this build yet".to_string()),
        }
    }

    pub fn is_read(&self) -> bool {
        matches!(self, Source::Read(_))
    }

    pub fn is_failed(&self) -> bool {
        matches!(self, Source::Failed(_))
    }
}

/// Everything one evaluation looks at, as of `now_ms`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Facts {
    /// The clock reading the facts are judged at (Unix ms).
    pub now_ms: i64,
    pub endpoints: Source<Vec<EndpointFacts>>,
    pub jobs: Source<Vec<JobFailure>>,
    pub approvals: Source<Vec<ApprovalWait>>,
    pub drift: Source<Vec<DriftTable>>,
    pub quality: Source<Vec<QualityTable>>,
    pub monitors: Source<Vec<MonitorRefresh>>,
    /// Feature tables' last writes and their online tables (`ops::features::alert_facts`).
    pub features: Source<Vec<FeatureTableFacts>>,
}

/// A serving endpoint: its update state, and its numbers when they could be read.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EndpointFacts {
    pub name: String,
    /// `config_update` as read (`NOT_UPDATING`, `IN_PROGRESS`, `UPDATE_FAILED`…).
    pub config_update: Option<String>,
    /// The last config update failed.
    pub update_failed: bool,
    /// What the failed entity said (its deployment message), when it said something.
    pub update_message: Option<String>,
    /// When the endpoint was last updated (Unix ms).
    pub updated_ms: Option<i64>,
    /// The endpoint's numbers; `Failed` when its metrics could not be read, `NotWired` when the
    /// endpoint is not ready (nothing to judge).
    pub traffic: Source<EndpointTraffic>,
}

/// Requests, 5xx and latency of an endpoint over a window (all served entities together).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EndpointTraffic {
    pub requests: f64,
    pub errors_5xx: f64,
    /// The highest p99 among the served entities, in ms.
    pub p99_ms: Option<f64>,
    /// Seconds the window covers (0: since the entities started).
    pub seconds: f64,
}

impl EndpointTraffic {
    pub fn ratio_5xx(&self) -> f64 {
        if self.requests > 0.0 {
            self.errors_5xx / self.requests
        } else {
            0.0
        }
    }
}

/// A job whose latest ended run failed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct JobFailure {
    pub job_id: i64,
    pub job: String,
    pub run_id: i64,
    /// `INTERNAL_ERROR FAILED`, `TERMINATED FAILED`…
    pub state: String,
    pub message: String,
    /// When the run started (Unix ms).
    pub start_ms: Option<i64>,
    /// When it ended (Unix ms), when known.
    pub end_ms: Option<i64>,
}

/// A version waiting for an approval.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ApprovalWait {
    pub model: String,
    pub version: String,
    /// Since when it waits (Unix ms); unknown ages never fire.
    pub since_ms: Option<i64>,
    pub requested_by: Option<String>,
}

/// The drift of one monitored table: per feature, its windows oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DriftTable {
    /// The monitored table (`main.ml.churn_inference`).
    pub table: String,
    pub features: Vec<FeatureDrift>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FeatureDrift {
    /// The column (`tenure_months`).
    pub feature: String,
    /// Oldest first.
    pub windows: Vec<DriftWindow>,
}

/// The drift statistics of one window, keyed by the drift table's names
/// (`population_stability_index`, `js_distance`, `wasserstein_distance`, `ks_test.pvalue`,
/// `chi_squared_test.pvalue`…); absent statistics are not in the map.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DriftWindow {
    pub start_ms: i64,
    pub end_ms: i64,
    pub statistics: BTreeMap<String, f64>,
}

/// Model quality per version of one monitored table.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QualityTable {
    pub table: String,
    /// The registered model the versions belong to, when known (`main.ml.churn_model`).
    pub model: Option<String>,
    pub versions: Vec<VersionQuality>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VersionQuality {
    /// The model id column's value (`4`, `churn_model-4`…).
    pub version: String,
    /// Oldest first.
    pub windows: Vec<QualityWindow>,
}

/// The quality metrics of one window (`accuracy_score`, `f1_score.macro`…).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QualityWindow {
    pub start_ms: i64,
    pub end_ms: i64,
    pub metrics: BTreeMap<String, f64>,
}

/// The latest refresh of one monitor.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MonitorRefresh {
    pub table: String,
    /// `None` when the monitor was never refreshed.
    pub latest: Option<RefreshState>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RefreshState {
    pub refresh_id: String,
    /// `PENDING`, `RUNNING`, `SUCCESS`, `FAILED`, `CANCELED`…
    pub state: String,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub message: Option<String>,
}

impl RefreshState {
    pub fn failed(&self) -> bool {
        self.state.eq_ignore_ascii_case("FAILED") || self.state.eq_ignore_ascii_case("ERROR")
    }
}

/// A feature table's last write and its online tables.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FeatureTableFacts {
    pub table: String,
    /// Unix ms; unknown ages never fire.
    pub last_write_ms: Option<i64>,
    pub online: Vec<OnlineTableFacts>,
}

/// An online table published from a feature table.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OnlineTableFacts {
    pub name: String,
    pub sync_failed: bool,
    pub sync_state: Option<String>,
    pub message: Option<String>,
    /// Offline last write − end of the last sync; `None` before the first sync.
    pub lag_ms: Option<i64>,
}
