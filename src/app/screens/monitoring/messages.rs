//! What the Monitoring room asks the runtime, what comes back, and the resource keys they live
//! under.

use crate::ops::drift::{DriftOutcome, DriftType, ModelFilter, SliceFilter};
use crate::ops::journal::Outcome;
use crate::ops::monitors::link::TableLinks;
use crate::ops::monitors::{Discovery, MonitorDetail};
use crate::ops::quality::QualityReport;
use crate::ops::retrain::{RegisteredVersion, RetrainJob, RetrainRequest};

use super::super::super::remote::LoadError;
use super::super::super::screen::ScreenId;
use super::super::RoomKey;

pub const DRIFT: RoomKey = RoomKey {
    screen: ScreenId::Monitoring,
    what: "drift",
};
pub const QUALITY: RoomKey = RoomKey {
    screen: ScreenId::Monitoring,
    what: "model quality",
};
pub const SLICES: RoomKey = RoomKey {
    screen: ScreenId::Monitoring,
    what: "slices",
};
pub const MONITORS: RoomKey = RoomKey {
    screen: ScreenId::Monitoring,
    what: "monitors",
};
pub const REMEMBERED: RoomKey = RoomKey {
    screen: ScreenId::Monitoring,
    what: "monitors found before",
};
pub const DETAIL: RoomKey = RoomKey {
    screen: ScreenId::Monitoring,
    what: "monitor",
};
pub const RETRAIN_JOB: RoomKey = RoomKey {
    screen: ScreenId::Monitoring,
    what: "retraining job",
};
pub const RETRAIN_END: RoomKey = RoomKey {
    screen: ScreenId::Monitoring,
    what: "retraining run",
};
pub const LINKS: RoomKey = RoomKey {
    screen: ScreenId::Monitoring,
    what: "endpoint links",
};
pub const CHANGE: RoomKey = RoomKey {
    screen: ScreenId::Monitoring,
    what: "monitoring change",
};

/// Which drift rows of a monitored table to read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DriftQuery {
    pub drift_type: DriftType,
    pub model: ModelFilter,
    pub slice: SliceFilter,
}

/// The reads of the Monitoring room. `table` is the monitored table; its metric tables are
/// the monitor's (`metrics`) or, when the monitor is not known, the default names beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetch {
    Drift {
        table: String,
        metrics: MetricTables,
        query: DriftQuery,
    },
    Quality {
        table: String,
        metrics: MetricTables,
    },
    /// The slices of the table's drift metrics (for choosing one).
    Slices {
        table: String,
        metrics: MetricTables,
    },
    /// Every monitor found (config, endpoints' inference tables, metric-table siblings).
    Monitors,
    /// The tables found on this workspace before (shown while discovery runs).
    Remembered,
    /// One monitor with its refresh history.
    Detail { table: String },
    /// The endpoints and model versions the table is linked to (`ops::monitors::link`).
    Links { table: String },
    /// The job that retrains the model of a `T` request.
    RetrainJob { request: Box<RetrainRequest> },
    /// Follows a started retraining run to its end and the version it registered.
    RetrainEnd { run_id: i64, model: String },
}

/// The metric tables and model id column a monitor names (all optional: defaults apply).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MetricTables {
    pub drift: Option<String>,
    pub profile: Option<String>,
    pub model_id_col: Option<String>,
}

impl Fetch {
    pub fn key(&self) -> RoomKey {
        match self {
            Fetch::Drift { .. } => DRIFT,
            Fetch::Quality { .. } => QUALITY,
            Fetch::Slices { .. } => SLICES,
            Fetch::Monitors => MONITORS,
            Fetch::Remembered => REMEMBERED,
            Fetch::Detail { .. } => DETAIL,
            Fetch::Links { .. } => LINKS,
            Fetch::RetrainJob { .. } => RETRAIN_JOB,
            Fetch::RetrainEnd { .. } => RETRAIN_END,
        }
    }
}

/// Their answers: what was read, for which table and query (a late answer for another table
/// or query is not shown as this one's).
#[derive(Debug, Clone)]
pub enum Loaded {
    Drift(Result<Box<DriftRead>, LoadError>),
    Quality(Result<Box<QualityReport>, LoadError>),
    Slices(Result<Vec<(String, String)>, LoadError>),
    Monitors(Result<Box<Discovery>, LoadError>),
    Remembered(Vec<String>),
    /// `None`: the table has no monitor.
    Detail(Result<Option<Box<MonitorDetail>>, LoadError>),
    Links(Result<Box<TableLinks>, LoadError>),
    RetrainJob(Result<Box<(RetrainRequest, RetrainJob)>, String>),
    RetrainEnd(Result<Box<RetrainEnded>, String>),
    Changed(Box<ChangeDone>),
}

/// What a drift read found: the matrix (or "no drift yet"), or a monitor whose metric tables
/// do not exist yet (the service creates them minutes after the monitor).
// One of these lives in the room's state (and is boxed in the answer): its size is no matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum DriftRead {
    Outcome(DriftOutcome),
    NoMetricTables { status: String },
}

/// How a followed retraining run ended.
#[derive(Debug, Clone, PartialEq)]
pub struct RetrainEnded {
    pub run_id: i64,
    pub succeeded: bool,
    pub message: String,
    pub version: Option<RegisteredVersion>,
}

/// The changes of the Monitoring room (sent only after their confirm dialog).
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Start a refresh of the table's monitor, then follow it.
    Refresh { table: String },
    /// Cancel a refresh on its way, followed until it has ended.
    CancelRefresh { table: String, refresh_id: i64 },
    /// Run the model's retraining job with parameters that say why.
    Retrain {
        request: Box<RetrainRequest>,
        job: Box<RetrainJob>,
    },
}

impl Change {
    pub fn what(&self) -> String {
        match self {
            Change::Refresh { table } => format!("refresh the monitor of {table}"),
            Change::CancelRefresh { refresh_id, .. } => format!("cancel refresh {refresh_id}"),
            Change::Retrain { request, .. } => format!("retrain {}", request.model),
        }
    }
}

/// How a change ended, as the pipeline judged it from the read-back.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeDone {
    pub change: Change,
    /// `None`: nothing was sent (`message` says why).
    pub outcome: Option<Outcome>,
    pub message: String,
    /// The refresh started or cancelled, or the retraining run started.
    pub id: Option<i64>,
}

impl Loaded {
    pub fn key(&self) -> RoomKey {
        match self {
            Loaded::Drift(_) => DRIFT,
            Loaded::Quality(_) => QUALITY,
            Loaded::Slices(_) => SLICES,
            Loaded::Monitors(_) => MONITORS,
            Loaded::Remembered(_) => REMEMBERED,
            Loaded::Detail(_) => DETAIL,
            Loaded::Links(_) => LINKS,
            Loaded::RetrainJob(_) => RETRAIN_JOB,
            Loaded::RetrainEnd(_) => RETRAIN_END,
            Loaded::Changed(_) => CHANGE,
        }
    }
}
