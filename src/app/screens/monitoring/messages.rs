//! What the Monitoring room asks the runtime, what comes back, and the resource keys they live
//! under.

use crate::ops::drift::{DriftOutcome, DriftType, ModelFilter, SliceFilter};
use crate::ops::quality::QualityReport;

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
        }
    }
}

/// Their answers: what was read, for which table and query (a late answer for another table
/// or query is not shown as this one's).
#[derive(Debug, Clone)]
pub enum Loaded {
    Drift(Result<Box<DriftOutcome>, LoadError>),
    Quality(Result<Box<QualityReport>, LoadError>),
}

impl Loaded {
    pub fn key(&self) -> RoomKey {
        match self {
            Loaded::Drift(_) => DRIFT,
            Loaded::Quality(_) => QUALITY,
        }
    }
}
