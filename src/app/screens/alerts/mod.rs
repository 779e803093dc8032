//! The console's alerts (PRODUCT §3 screen 6): the rules of `alerts.toml` evaluated whenever
//! the Overview refreshes (and on `r`), in the runtime (`fetch`: the facts the console reads,
//! the monitoring facts of `ops::alerts::monitoring`, the workspace's SQL alerts). The
//! evaluations go through an [`AlertState`], so only changes speak: a fired alert raises one
//! toast (an error toast when critical) and rings the bell when its rule asks; a resolved one
//! an info toast; an alert still firing says nothing. The Overview shows a panel, the Alerts
//! list (`ScreenRoute::Alerts`) the firing alerts with a jump to each one's object, the rules
//! that could not be judged, and the SQL alerts.
//!
//! The monitor-backed facts (drift, quality, monitor refreshes: monitor discovery and a few SQL
//! statements per monitor) are read at most every `[alerts] monitoring_interval` (5 minutes by
//! default) and on `r`; between two readings the evaluations judge the endpoint, job and
//! approval facts anew on every refresh and the monitoring rules on the facts last read, whose
//! age the Alerts list shows. A fired alert of a rule with `retrain = true` retrains the model
//! on its own ([`auto`]).

pub mod auto;
pub mod fetch;
pub mod room;
pub mod rows;

use crate::config::alert_rules::Severity;
use crate::ops::alerts::auto::AutoRetrain;
use crate::ops::alerts::{Alert, AlertChange, AlertState, Evaluation, ObjectKind};

use super::super::effect::{Effect, Fetch as AppFetch};
use super::super::list::ListView;
use super::super::remote::{Accepted, LoadError, Remote, RequestId, replace};
use super::super::screen::{ScreenId, ScreenRoute};
use super::super::state::{State, ToastLevel};
use super::{RoomFetch, RoomKey, refresh_every_ms};

/// The one read of the alerts.
pub const EVALUATE: RoomKey = RoomKey {
    screen: ScreenId::Monitoring,
    what: "alerts",
};

/// How often the monitor-backed facts are read unless `[alerts] monitoring_interval` says.
pub const DEFAULT_MONITORING_EVERY_MS: i64 = 5 * 60_000;

/// The reads of the alerts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetch {
    /// Gather the facts and evaluate every rule once; `monitoring`: read the monitor-backed
    /// facts anew (else judge on the ones last read, when there are any).
    Evaluate { monitoring: bool },
}

impl Fetch {
    pub fn key(&self) -> RoomKey {
        EVALUATE
    }
}

/// Their answers.
#[derive(Debug, Clone)]
pub enum Loaded {
    Evaluated(Result<Box<AlertsRead>, LoadError>),
    /// The automatic retrains of fired alerts (one per alert whose rule retrains).
    AutoRetrained(Vec<AutoRetrain>),
}

impl Loaded {
    pub fn key(&self) -> RoomKey {
        match self {
            Loaded::Evaluated(_) => EVALUATE,
            Loaded::AutoRetrained(_) => auto::AUTO_RETRAIN,
        }
    }
}

pub use rows::{Row, SqlAlertRow};

/// One evaluation with the workspace's SQL alerts beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertsRead {
    pub evaluation: Evaluation,
    /// `Err`: why they could not be listed.
    pub sql_alerts: Result<Vec<SqlAlertRow>, String>,
    /// When the monitor-backed facts judged were read (Unix ms; `None`: never read).
    pub monitoring_at_ms: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct AlertsState {
    pub read: Remote<AlertsRead>,
    /// What fired and resolved across evaluations.
    pub tracker: AlertState,
    /// The cursor in the firing alerts.
    pub view: ListView,
    /// A feature to put the Monitoring cursor on once its matrix arrives (table, feature).
    pub select_feature: Option<(String, String)>,
    /// How often the monitor-backed facts are read (`[alerts] monitoring_interval`).
    pub monitoring_every_ms: i64,
    /// Automatic retrains asked for and not answered yet.
    pub auto_pending: Vec<RequestId>,
    /// The latest automatic retraining outcomes, oldest first.
    pub retrained: Vec<AutoRetrain>,
    /// The SQL alert whose detail is open (its id, else its name).
    pub sql_open: Option<String>,
}

impl Default for AlertsState {
    fn default() -> Self {
        AlertsState {
            read: Remote::default(),
            tracker: AlertState::default(),
            view: ListView::default(),
            select_feature: None,
            monitoring_every_ms: DEFAULT_MONITORING_EVERY_MS,
            auto_pending: Vec::new(),
            retrained: Vec::new(),
            sql_open: None,
        }
    }
}

impl AlertsState {
    /// The alerts firing as of the last evaluation, most severe first (with the `since` of
    /// when the console first saw them, when the facts did not tell).
    pub fn firing(&self) -> Vec<&Alert> {
        let Some(read) = self.read.data.as_ref() else {
            return Vec::new();
        };
        read.evaluation
            .firing
            .iter()
            .map(|a| self.tracker.active().find(|t| t.id == a.id).unwrap_or(a))
            .collect()
    }

    /// Firing alerts of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.firing()
            .iter()
            .filter(|a| a.severity == severity)
            .count()
    }
}

/// When the monitor-backed facts of the latest evaluation were read.
pub fn monitoring_facts_at(state: &State) -> Option<i64> {
    state
        .alerts
        .read
        .data
        .as_ref()
        .and_then(|r| r.monitoring_at_ms)
}

/// Whether the monitor-backed facts are due: never read, or read at least
/// `monitoring_every_ms` ago.
pub fn monitoring_due(state: &State) -> bool {
    let at = monitoring_facts_at(state);
    at.is_none_or(|at| state.now_ms.saturating_sub(at) >= state.alerts.monitoring_every_ms)
}

/// Asks for an evaluation when due (always when `force`, which reads the monitor-backed
/// facts anew too).
pub(crate) fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let every = refresh_every_ms(state);
    if force || state.alerts.read.is_due(state.now_ms, every) {
        let monitoring = force || monitoring_due(state);
        let req = state.next_request();
        fx.push(Effect::Fetch {
            req,
            fetch: AppFetch::Room(RoomFetch::Alerts(Fetch::Evaluate { monitoring })),
        });
        state.alerts.read.start(req);
    }
}

pub(crate) fn on_loaded(
    state: &mut State,
    req: RequestId,
    at: i64,
    loaded: Loaded,
    fx: &mut Vec<Effect>,
) -> Accepted {
    let r = match loaded {
        Loaded::Evaluated(r) => r,
        Loaded::AutoRetrained(done) => return auto::on_done(state, req, done, fx),
    };
    let eval = r.as_ref().ok().map(|read| read.evaluation.clone());
    let accepted = state.alerts.read.accept(req, at, r.map(|b| *b), replace);
    if let (Accepted::Ok, Some(eval)) = (&accepted, eval) {
        let changes = state.alerts.tracker.update(&eval);
        announce(state, &changes, fx);
        let fired: Vec<Alert> = changes
            .into_iter()
            .filter_map(|c| match c {
                AlertChange::Fired { alert, .. } => Some(alert),
                _ => None,
            })
            .collect();
        auto::on_fired(state, fired, fx);
        let len = state.alerts.rows().len();
        let page = state.list_page_rows();
        state.alerts.view.keep_visible(len, page);
        // The endpoints' feature marks are judged on these facts (drift, online staleness).
        super::feature_lineage::load_marks(state, false, fx);
    }
    accepted
}

/// The toasts (and bells) of what changed.
fn announce(state: &mut State, changes: &[AlertChange], fx: &mut Vec<Effect>) {
    let mut bell = false;
    for c in changes {
        match c {
            AlertChange::Fired { alert, .. } => {
                let level = if alert.severity == Severity::Critical {
                    ToastLevel::Error
                } else {
                    ToastLevel::Info
                };
                state.toast(
                    level,
                    format!(
                        "alert {} fired: {} — {}",
                        alert.rule, alert.object.name, alert.detail
                    ),
                );
                bell |= alert.bell;
            }
            AlertChange::Resolved { alert, .. } => state.toast(
                ToastLevel::Info,
                format!("alert {} resolved: {}", alert.rule, alert.object.name),
            ),
            // The panel counts the rules not judged; no toast for each.
            AlertChange::Unknown { .. } => {}
        }
    }
    if bell {
        fx.push(Effect::Bell);
    }
}

pub(crate) fn on_failed(state: &mut State, req: RequestId, at: i64, message: &str) -> Accepted {
    let e = LoadError::Failed(format!("internal error: {message}"));
    state.alerts.read.fail(req, at, e)
}

pub(crate) fn loading(state: &State) -> usize {
    usize::from(state.alerts.read.is_loading())
}

/// The route that shows an alert's object (and, for a feature, the feature to select).
pub fn jump(alert: &Alert) -> Option<(ScreenRoute, Option<(String, String)>)> {
    let o = &alert.object;
    let table = || o.key("table").map(str::to_string);
    Some(match o.kind {
        ObjectKind::Endpoint => (
            ScreenRoute::Endpoint {
                name: o.key("endpoint").unwrap_or(&o.name).to_string(),
            },
            None,
        ),
        ObjectKind::Job => (
            ScreenRoute::JobRun {
                run_id: o.key("run_id")?.parse().ok()?,
            },
            None,
        ),
        ObjectKind::Feature => {
            let t = table()?;
            let f = o.key("feature").map(|f| (t.clone(), f.to_string()));
            (ScreenRoute::Monitor { table: t }, f)
        }
        ObjectKind::Monitor => (ScreenRoute::Monitor { table: table()? }, None),
        ObjectKind::ModelVersion => match (table(), o.key("model")) {
            (Some(t), _) => (ScreenRoute::Monitor { table: t }, None),
            (None, Some(m)) => (model_route(m), None),
            (None, None) => return None,
        },
        ObjectKind::Approval => (ScreenRoute::Screen(ScreenId::Approvals), None),
        ObjectKind::FeatureTable => return None,
    })
}

fn model_route(model: &str) -> ScreenRoute {
    let source = if model.split('.').count() == 3 {
        crate::ops::models::Source::UnityCatalog
    } else {
        crate::ops::models::Source::Workspace
    };
    ScreenRoute::ModelDetail {
        name: model.to_string(),
        source,
    }
}

/// Enter on an alert: opens its object; on a SQL alert: shows (or hides) its detail.
pub(crate) fn open_selected(state: &mut State, fx: &mut Vec<Effect>) {
    let alert = match state.alerts.selected_row() {
        None => return,
        Some(Row::Sql(s)) => {
            let key = s.id.clone().unwrap_or_else(|| s.name.clone());
            let open = &mut state.alerts.sql_open;
            *open = if open.as_ref() == Some(&key) {
                None
            } else {
                Some(key)
            };
            return;
        }
        Some(Row::Console(a)) => a.clone(),
    };
    match jump(&alert) {
        Some((route, feature)) => {
            state.alerts.select_feature = feature;
            state.push_route(route);
            super::load(state, false, fx);
            after_monitoring_loaded(state);
        }
        None => state.toast(
            ToastLevel::Info,
            format!("{}: no screen shows this object yet", alert.object.name),
        ),
    }
}

/// After the Monitoring room took an answer: puts its cursor on the feature an alert jumped
/// to, once that table's matrix is there.
pub(crate) fn after_monitoring_loaded(state: &mut State) {
    let Some((table, feature)) = state.alerts.select_feature.clone() else {
        return;
    };
    if state.monitoring.table.as_deref() != Some(table.as_str()) {
        return;
    }
    if super::monitoring::select::select_feature(&mut state.monitoring, &feature) {
        state.alerts.select_feature = None;
    }
}
