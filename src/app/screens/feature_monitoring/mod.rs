//! The "Feature monitoring" section of a feature table (issue 14 §4): each feature's latest
//! null rate and drift from the table's monitor (`ops::feature_monitoring`), read when the
//! table opens, on `r`, and otherwise at most every `[alerts] monitoring_interval` (a handful
//! of SQL statements on the monitoring warehouse). `M` opens the monitor on the Monitoring
//! screen with the cursor on the worst feature, as an alert's jump does.

pub mod fetch;

use crate::ops::feature_monitoring::FeatureMonitoring;

use super::super::effect::{Effect, Fetch as AppFetch};
use super::super::remote::{Accepted, LoadError, Remote, RequestId, replace};
use super::super::screen::{ScreenId, ScreenRoute};
use super::super::state::{State, ToastLevel};
use super::{RoomFetch, RoomKey};

pub const READ: RoomKey = RoomKey {
    screen: ScreenId::Features,
    what: "feature monitoring",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetch {
    /// The monitoring of `table`.
    Table { table: String },
}

impl Fetch {
    pub fn key(&self) -> RoomKey {
        READ
    }
}

#[derive(Debug, Clone)]
pub enum Loaded {
    Table {
        table: String,
        monitoring: Box<FeatureMonitoring>,
    },
}

impl Loaded {
    pub fn key(&self) -> RoomKey {
        READ
    }
}

#[derive(Debug, Clone, Default)]
pub struct FeatureMonitoringState {
    /// The table asked for.
    pub table: Option<String>,
    pub read: Remote<FeatureMonitoring>,
}

impl FeatureMonitoringState {
    /// The monitoring of `table`, once read.
    pub fn of(&self, table: &str) -> Option<&FeatureMonitoring> {
        (self.table.as_deref() == Some(table))
            .then_some(self.read.data.as_ref())
            .flatten()
    }
}

/// Reads `table`'s monitoring when it is another table, when `force`, or when the last read is
/// older than the monitoring interval.
pub(crate) fn load(state: &mut State, table: &str, force: bool, fx: &mut Vec<Effect>) {
    let every = Some(state.alerts.monitoring_every_ms);
    let f = &mut state.feature_monitoring;
    let other = f.table.as_deref() != Some(table);
    if other {
        f.table = Some(table.to_string());
        f.read = Remote::default();
    } else if f.read.is_loading() || !(force || f.read.is_due(state.now_ms, every)) {
        return;
    }
    let req = state.next_request();
    state.feature_monitoring.read.start(req);
    fx.push(Effect::Fetch {
        req,
        fetch: AppFetch::Room(RoomFetch::FeatureMonitoring(Fetch::Table {
            table: table.to_string(),
        })),
    });
}

pub(crate) fn on_loaded(state: &mut State, req: RequestId, at: i64, loaded: Loaded) -> Accepted {
    let Loaded::Table { table, monitoring } = loaded;
    let f = &mut state.feature_monitoring;
    if f.table.as_deref() != Some(table.as_str()) {
        return Accepted::Stale;
    }
    f.read
        .accept(req, at, Ok::<_, LoadError>(*monitoring), replace)
}

pub(crate) fn on_failed(state: &mut State, req: RequestId, at: i64, message: &str) -> Accepted {
    let e = LoadError::Failed(format!("internal error: {message}"));
    state.feature_monitoring.read.fail(req, at, e)
}

/// Requests in flight.
pub(crate) fn loading(state: &State) -> usize {
    usize::from(state.feature_monitoring.read.is_loading())
}

/// `M`: the table's monitor on the Monitoring screen, the cursor on its worst feature.
pub(crate) fn open_monitor(state: &mut State, table: &str, fx: &mut Vec<Effect>) {
    let why = match state.feature_monitoring.of(table) {
        Some(FeatureMonitoring::Monitored(m)) => {
            let feature = m
                .features
                .first()
                .map(|f| (table.to_string(), f.feature.clone()));
            state.alerts.select_feature = feature;
            state.push_route(ScreenRoute::Monitor {
                table: table.to_string(),
            });
            super::load(state, false, fx);
            super::alerts::after_monitoring_loaded(state);
            return;
        }
        Some(FeatureMonitoring::NoMonitor { .. }) => "this table has no monitor",
        Some(FeatureMonitoring::Unreadable { .. }) => "the monitor could not be read",
        None => "the monitoring is being read",
    };
    state.toast(ToastLevel::Info, why);
}
