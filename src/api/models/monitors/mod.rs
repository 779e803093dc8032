//! Table monitors as two APIs describe them — the Data Quality API (`data_quality`) and the
//! legacy quality monitors API (`legacy`) — and the one model the console reads them into
//! ([`Monitor`], [`Refresh`]), whichever API answered. Values this build does not know are
//! kept as sent (`Other`), never an error.

pub mod data_quality;
pub mod legacy;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::lenient_enum;

use data_quality::*;
use legacy::*;

/// Which API a monitor was read through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonitorApi {
    /// `/api/data-quality/v1/monitors/table/{table_id}`.
    DataQuality,
    /// `/api/2.1/unity-catalog/tables/{name}/monitor`.
    Legacy,
}

impl MonitorApi {
    pub fn as_str(self) -> &'static str {
        match self {
            MonitorApi::DataQuality => "data_quality",
            MonitorApi::Legacy => "legacy",
        }
    }
}

lenient_enum! {
    /// A monitor's status, without the API's prefix.
    pub enum MonitorStatus {
        Pending => "PENDING",
        Active => "ACTIVE",
        Error => "ERROR",
        Failed => "FAILED",
        DeletePending => "DELETE_PENDING",
    }
}

lenient_enum! {
    /// An inference log's problem type, without the API's prefix.
    pub enum ProblemType {
        Classification => "CLASSIFICATION",
        Regression => "REGRESSION",
    }
}

lenient_enum! {
    /// A refresh's state, without the API's prefix.
    pub enum RefreshState {
        Pending => "PENDING",
        Running => "RUNNING",
        Success => "SUCCESS",
        Failed => "FAILED",
        Canceled => "CANCELED",
        Unknown => "UNKNOWN",
    }
}

lenient_enum! {
    /// What started a refresh, without the API's prefix.
    pub enum RefreshTrigger {
        Manual => "MANUAL",
        Schedule => "SCHEDULE",
        DataChange => "DATA_CHANGE",
        Unknown => "UNKNOWN",
    }
}

/// A wire value with its prefix removed when what is left is known (`MONITOR_STATUS_ACTIVE` →
/// `ACTIVE`); anything else stays verbatim in `Other`.
fn unprefixed<T>(raw: &str, prefix: &str, parse: fn(&str) -> T, known: fn(&T) -> bool) -> T {
    if let Some(rest) = raw.strip_prefix(prefix) {
        let v = parse(rest);
        if known(&v) {
            return v;
        }
    }
    // Known as it is, or `Other(raw)`.
    parse(raw)
}

macro_rules! known_fn {
    ($t:ident) => {
        |v: &$t| !matches!(v, $t::Other(_))
    };
}

impl RefreshState {
    /// Still on its way (pending or running): a refresh in any other state has ended, or is
    /// in a state this build does not know and is shown as it is.
    pub fn is_active(&self) -> bool {
        matches!(self, RefreshState::Pending | RefreshState::Running)
    }
}

/// A monitor's schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Quartz cron expression.
    pub cron: Option<String>,
    pub timezone: Option<String>,
    /// `PAUSED` / `UNPAUSED` (read-only on the wire), as sent without its prefix.
    pub pause_status: Option<String>,
}

/// What a monitor profiles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MonitorKind {
    /// A model's inference log.
    InferenceLog {
        problem_type: Option<ProblemType>,
        prediction_column: Option<String>,
        label_column: Option<String>,
        model_id_column: Option<String>,
        timestamp_column: Option<String>,
        /// Legacy API only.
        prediction_proba_column: Option<String>,
        /// As the metric tables spell them (`"1 day"`).
        granularities: Vec<String>,
    },
    /// The whole table each refresh.
    Snapshot,
    TimeSeries {
        timestamp_column: Option<String>,
        granularities: Vec<String>,
    },
    /// None of the three set (or a kind this build does not know).
    Unknown,
}

impl MonitorKind {
    /// `inference log`, `snapshot`, `time series`, `unknown`.
    pub fn label(&self) -> &'static str {
        match self {
            MonitorKind::InferenceLog { .. } => "inference log",
            MonitorKind::Snapshot => "snapshot",
            MonitorKind::TimeSeries { .. } => "time series",
            MonitorKind::Unknown => "unknown",
        }
    }
}

/// Where a monitor is reached: its table, the table's id (the new API's key) and the API that
/// answered for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorRef {
    pub table: String,
    pub table_id: Option<String>,
    pub api: MonitorApi,
}

/// One table monitor, read through either API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Monitor {
    /// The monitored table (`catalog.schema.table`).
    pub table: String,
    pub table_id: Option<String>,
    pub kind: MonitorKind,
    /// `None` when the answer gives none.
    pub status: Option<MonitorStatus>,
    pub failure_message: Option<String>,
    /// `None`: the monitor has no schedule (it refreshes only when asked).
    pub schedule: Option<Schedule>,
    /// `None` until the service has created them (creation takes minutes).
    pub profile_metrics_table: Option<String>,
    pub drift_metrics_table: Option<String>,
    pub baseline_table: Option<String>,
    pub slicing_exprs: Vec<String>,
    /// The legacy API names it (`cat.schema`); the new API gives its id.
    pub output_schema: Option<String>,
    pub dashboard_id: Option<String>,
    pub monitor_version: Option<i64>,
    /// Which API answered.
    pub api: MonitorApi,
}

impl Monitor {
    pub fn reference(&self) -> MonitorRef {
        MonitorRef {
            table: self.table.clone(),
            table_id: self.table_id.clone(),
            api: self.api,
        }
    }

    /// Whether both metric tables exist yet.
    pub fn metric_tables_ready(&self) -> bool {
        self.profile_metrics_table.is_some() && self.drift_metrics_table.is_some()
    }

    /// A Data Quality API monitor of table `table` (used when the answer does not name it).
    pub fn from_data_quality(table: &str, m: &DqMonitor) -> Monitor {
        let c = m.data_profiling_config.clone().unwrap_or_default();
        let grans = |g: &[AggregationGranularity]| g.iter().map(|g| g.text()).collect();
        let kind = if let Some(il) = &c.inference_log {
            MonitorKind::InferenceLog {
                problem_type: il.problem_type.as_ref().map(|p| {
                    unprefixed(
                        p.as_str(),
                        "INFERENCE_PROBLEM_TYPE_",
                        ProblemType::from_wire,
                        known_fn!(ProblemType),
                    )
                }),
                prediction_column: il.prediction_column.clone(),
                label_column: il.label_column.clone(),
                model_id_column: il.model_id_column.clone(),
                timestamp_column: il.timestamp_column.clone(),
                prediction_proba_column: None,
                granularities: grans(&il.granularities),
            }
        } else if let Some(ts) = &c.time_series {
            MonitorKind::TimeSeries {
                timestamp_column: ts.timestamp_column.clone(),
                granularities: grans(&ts.granularities),
            }
        } else if c.snapshot.is_some() {
            MonitorKind::Snapshot
        } else {
            MonitorKind::Unknown
        };
        let status = c.status.as_ref().map(|s| {
            unprefixed(
                s.as_str(),
                "DATA_PROFILING_STATUS_",
                MonitorStatus::from_wire,
                known_fn!(MonitorStatus),
            )
        });
        Monitor {
            table: c
                .monitored_table_name
                .clone()
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| table.to_string()),
            table_id: Some(m.object_id.clone()).filter(|s| !s.is_empty()),
            kind,
            status,
            failure_message: c.latest_monitor_failure_message.clone(),
            schedule: c.schedule.as_ref().map(|s| Schedule {
                cron: s.quartz_cron_expression.clone(),
                timezone: s.timezone_id.clone(),
                pause_status: s.pause_status.as_ref().map(|p| {
                    p.as_str()
                        .strip_prefix("CRON_SCHEDULE_PAUSE_STATUS_")
                        .unwrap_or(p.as_str())
                        .to_string()
                }),
            }),
            profile_metrics_table: non_empty(&c.profile_metrics_table_name),
            drift_metrics_table: non_empty(&c.drift_metrics_table_name),
            baseline_table: non_empty(&c.baseline_table_name),
            slicing_exprs: c.slicing_exprs.clone(),
            output_schema: non_empty(&c.output_schema_id),
            dashboard_id: non_empty(&c.dashboard_id),
            monitor_version: c.monitor_version,
            api: MonitorApi::DataQuality,
        }
    }

    /// A legacy API monitor of table `table` (used when the answer does not name it).
    pub fn from_legacy(table: &str, table_id: Option<String>, m: &MonitorInfo) -> Monitor {
        let kind = if let Some(il) = &m.inference_log {
            MonitorKind::InferenceLog {
                problem_type: il.problem_type.as_ref().map(|p| {
                    unprefixed(
                        p.as_str(),
                        "PROBLEM_TYPE_",
                        ProblemType::from_wire,
                        known_fn!(ProblemType),
                    )
                }),
                prediction_column: il.prediction_col.clone(),
                label_column: il.label_col.clone(),
                model_id_column: il.model_id_col.clone(),
                timestamp_column: il.timestamp_col.clone(),
                prediction_proba_column: il.prediction_proba_col.clone(),
                granularities: il.granularities.clone(),
            }
        } else if let Some(ts) = &m.time_series {
            MonitorKind::TimeSeries {
                timestamp_column: ts.timestamp_col.clone(),
                granularities: ts.granularities.clone(),
            }
        } else if m.snapshot.is_some() {
            MonitorKind::Snapshot
        } else {
            MonitorKind::Unknown
        };
        let status = m.status.as_ref().map(|s| {
            unprefixed(
                s.as_str(),
                "MONITOR_STATUS_",
                MonitorStatus::from_wire,
                known_fn!(MonitorStatus),
            )
        });
        Monitor {
            table: Some(m.table_name.clone())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| table.to_string()),
            table_id,
            kind,
            status,
            failure_message: m.latest_monitor_failure_msg.clone(),
            schedule: m.schedule.as_ref().map(|s| Schedule {
                cron: s.quartz_cron_expression.clone(),
                timezone: s.timezone_id.clone(),
                pause_status: s.pause_status.as_ref().map(|p| p.as_str().to_string()),
            }),
            profile_metrics_table: non_empty(&m.profile_metrics_table_name),
            drift_metrics_table: non_empty(&m.drift_metrics_table_name),
            baseline_table: non_empty(&m.baseline_table_name),
            slicing_exprs: m.slicing_exprs.clone(),
            output_schema: non_empty(&m.output_schema_name),
            dashboard_id: non_empty(&m.dashboard_id),
            monitor_version: m.monitor_version,
            api: MonitorApi::Legacy,
        }
    }
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.clone().filter(|s| !s.trim().is_empty())
}

/// One refresh of a monitor, read through either API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refresh {
    pub refresh_id: i64,
    pub state: RefreshState,
    pub trigger: Option<RefreshTrigger>,
    pub start_time_ms: Option<i64>,
    pub end_time_ms: Option<i64>,
    pub message: Option<String>,
}

impl Refresh {
    /// `None` when the answer names no refresh.
    pub fn from_data_quality(r: &DqRefresh) -> Option<Refresh> {
        Some(Refresh {
            refresh_id: r.refresh_id?,
            state: r.state.as_ref().map_or(RefreshState::Unknown, |s| {
                unprefixed(
                    s.as_str(),
                    "MONITOR_REFRESH_STATE_",
                    RefreshState::from_wire,
                    known_fn!(RefreshState),
                )
            }),
            trigger: r.trigger.as_ref().map(|t| {
                unprefixed(
                    t.as_str(),
                    "MONITOR_REFRESH_TRIGGER_",
                    RefreshTrigger::from_wire,
                    known_fn!(RefreshTrigger),
                )
            }),
            start_time_ms: r.start_time_ms.filter(|t| *t > 0),
            end_time_ms: r.end_time_ms.filter(|t| *t > 0),
            message: non_empty(&r.message),
        })
    }

    /// `None` when the answer names no refresh.
    pub fn from_legacy(r: &MonitorRefreshInfo) -> Option<Refresh> {
        Some(Refresh {
            refresh_id: r.refresh_id?,
            state: r.state.as_ref().map_or(RefreshState::Unknown, |s| {
                RefreshState::from_wire(s.as_str())
            }),
            trigger: r.trigger.as_ref().map(|t| match t {
                LegacyRefreshTrigger::UnknownTrigger => RefreshTrigger::Unknown,
                other => RefreshTrigger::from_wire(other.as_str()),
            }),
            start_time_ms: r.start_time_ms.filter(|t| *t > 0),
            end_time_ms: r.end_time_ms.filter(|t| *t > 0),
            message: non_empty(&r.message),
        })
    }
}
