//! The rooms of the Monitoring screen's routes and the verbs they add to the keymap (section
//! `[monitoring]`).

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::form::RoomForm;
use crate::app::keymap::Context;
use crate::app::list::ListView;
use crate::app::room::{Offer, Room, Verb, back_label};
use crate::app::screen::{ScreenId, ScreenRoute};
use crate::app::state::State;

use super::{Tab, change, next_model, next_slice, other_type, requery};

/// The verbs of the Monitoring screen, in the order help lists them.
pub static VERBS: [Verb; 12] = [
    Verb {
        name: "window_earlier",
        label: "earlier",
        description: "Drift heatmap: the cursor one window earlier",
        keys: &["h", "left"],
        mutating: false,
    },
    Verb {
        name: "window_later",
        label: "later",
        description: "Drift heatmap: the cursor one window later",
        keys: &["l", "right"],
        mutating: false,
    },
    Verb {
        name: "drift_type",
        label: "baseline/consecutive",
        description: "Drift against the previous window / against the baseline table",
        keys: &["b"],
        mutating: false,
    },
    Verb {
        name: "model_version",
        label: "version",
        description: "Drift of all model versions together ('*'), then of each version",
        keys: &["m"],
        mutating: false,
    },
    Verb {
        name: "statistic",
        label: "statistic",
        description: "The statistic charted (drift) or the metric charted (quality)",
        keys: &["s"],
        mutating: false,
    },
    Verb {
        name: "next_view",
        label: "view",
        description: "Drift heatmap, model quality per version, the monitor and its refreshes",
        keys: &["v"],
        mutating: false,
    },
    Verb {
        name: "refresh_monitor",
        label: "refresh monitor",
        description: "Refresh the monitor's metric tables (asks first; journaled; followed)",
        keys: &["R"],
        mutating: true,
    },
    Verb {
        name: "cancel_refresh",
        label: "cancel refresh",
        description: "Cancel the monitor's refresh on its way (asks first; journaled)",
        keys: &["X"],
        mutating: true,
    },
    Verb {
        name: "retrain",
        label: "retrain",
        description: "Run the model's retraining job with the drifting feature and window as its reason",
        keys: &["T"],
        mutating: true,
    },
    Verb {
        name: "slice",
        label: "slice",
        description: "Drift of the whole table, then of each slice (slice_key = slice_value)",
        keys: &["S"],
        mutating: false,
    },
    Verb {
        name: "open_new_version",
        label: "open new version",
        description: "Open a model version in the registry: the quality row's (also enter), else \
                      the one the last retraining registered",
        keys: &["o"],
        mutating: false,
    },
    Verb {
        name: "open_endpoint",
        label: "open endpoint",
        description: "Model quality: open the endpoint serving the selected version",
        keys: &["e"],
        mutating: false,
    },
];

const EARLIER: &Verb = &VERBS[0];
const LATER: &Verb = &VERBS[1];
const DRIFT_TYPE: &Verb = &VERBS[2];
const MODEL: &Verb = &VERBS[3];
const STATISTIC: &Verb = &VERBS[4];
const VIEW: &Verb = &VERBS[5];
const REFRESH: &Verb = &VERBS[6];
const CANCEL: &Verb = &VERBS[7];
const RETRAIN: &Verb = &VERBS[8];
const SLICE: &Verb = &VERBS[9];
const OPEN_VERSION: &Verb = &VERBS[10];
const OPEN_ENDPOINT: &Verb = &VERBS[11];

pub(super) const CONTEXTS: &[Context] = &[
    Context::Room(ScreenId::Monitoring),
    Context::List,
    Context::Global,
];

fn verb(action: Action) -> Option<&'static str> {
    match action {
        Action::Verb(v) => Some(v.name),
        _ => None,
    }
}

/// One monitored table: drift heatmap and model quality (`ScreenRoute::Monitor`).
pub struct MonitorRoom;

impl Room for MonitorRoom {
    fn contexts(&self) -> &'static [Context] {
        CONTEXTS
    }
    fn load(&self, state: &mut State, route: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
        super::load(state, route, force, fx)
    }
    fn is_settled(&self, state: &State) -> bool {
        let m = &state.monitoring;
        m.drift.is_settled() && m.quality.is_settled() && m.links.is_settled()
    }
    fn data_at(&self, state: &State) -> Option<i64> {
        state.monitoring.drift.loaded_at
    }
    fn on_action(
        &self,
        state: &mut State,
        route: &ScreenRoute,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> bool {
        let ScreenRoute::Monitor { table } = route else {
            return false;
        };
        let name = verb(action);
        match name {
            Some(n) if n == VIEW.name => {
                let m = &mut state.monitoring;
                m.tab = match m.tab {
                    Tab::Drift => Tab::Quality,
                    Tab::Quality => Tab::Monitor,
                    Tab::Monitor => Tab::Drift,
                };
                state.dirty = true;
                return true;
            }
            Some(n) if n == REFRESH.name => {
                change::refresh(state, table.clone());
                return true;
            }
            Some(n) if n == CANCEL.name => {
                change::cancel(state, table.clone());
                return true;
            }
            Some(n) if n == RETRAIN.name => {
                change::retrain(state, table.clone());
                return true;
            }
            Some(n) if n == OPEN_VERSION.name && state.monitoring.tab == Tab::Quality => {
                super::links::open_version(state, fx);
                return true;
            }
            Some(n) if n == OPEN_ENDPOINT.name => {
                super::links::open_endpoint(state, fx);
                return true;
            }
            Some(n) if n == OPEN_VERSION.name => {
                let Some(v) = state.monitoring.new_version.clone() else {
                    state.toast(
                        crate::app::state::ToastLevel::Info,
                        "no version registered by a retraining started here yet",
                    );
                    return true;
                };
                let route = ScreenRoute::ModelDetail {
                    name: v.model.clone(),
                    source: crate::ops::models::Source::UnityCatalog,
                };
                state.push_route(route.clone());
                super::super::load(state, false, fx);
                return true;
            }
            _ => {}
        }
        match state.monitoring.tab {
            Tab::Drift => drift_action(state, action, name, fx),
            Tab::Quality if action == Action::Open => {
                super::links::open_version(state, fx);
                true
            }
            Tab::Quality => quality_action(state, action, name),
            Tab::Monitor => {
                let len = state.monitoring.monitor().map_or(0, |d| d.refreshes.len());
                let page = state.list_page_rows();
                let moved = state.monitoring.refreshes_view.navigate(action, len, page);
                state.dirty |= moved;
                moved
            }
        }
    }
    /// Leaving the table (for anything but the same table) aborts its SQL reads: dropping a
    /// read cancels its statement on the warehouse.
    fn on_leave(
        &self,
        state: &mut State,
        left: &ScreenRoute,
        to: &ScreenRoute,
        fx: &mut Vec<Effect>,
    ) {
        if left == to {
            return;
        }
        let m = &mut state.monitoring;
        for (key, pending) in [
            (super::DRIFT, &mut m.drift.pending),
            (super::QUALITY, &mut m.quality.pending),
        ] {
            if pending.take().is_some() {
                fx.push(Effect::AbortFetch {
                    key: crate::app::msg::ResourceKey::Room(key),
                });
            }
        }
    }
    fn form_submitted(
        &self,
        state: &mut State,
        route: &ScreenRoute,
        form: RoomForm,
        fx: &mut Vec<Effect>,
    ) {
        match route {
            ScreenRoute::Monitor { table } if form.title == change::RETRAIN_FORM => {
                change::retrain_submitted(state, table.clone(), form, fx)
            }
            _ => state.toast(
                crate::app::state::ToastLevel::Error,
                format!("{}: nothing was sent", form.title),
            ),
        }
    }
    fn offers(&self, state: &State, _: &ScreenRoute) -> Vec<Offer> {
        use Action::*;
        let mut out: Vec<Offer> = match state.monitoring.tab {
            Tab::Drift => vec![
                (Verb(EARLIER), None),
                (Verb(LATER), None),
                (Verb(DRIFT_TYPE), None),
                (Verb(MODEL), None),
                (Verb(SLICE), None),
                (Verb(STATISTIC), None),
                (Verb(RETRAIN), None),
                (Verb(VIEW), Some("quality")),
            ],
            Tab::Quality => vec![
                (Verb(OPEN_VERSION), Some("version")),
                (Verb(OPEN_ENDPOINT), Some("endpoint")),
                (Verb(STATISTIC), Some("metric")),
                (Verb(RETRAIN), None),
                (Verb(VIEW), Some("monitor")),
            ],
            Tab::Monitor => {
                let mut v = vec![(Verb(REFRESH), None)];
                if state.monitoring.active_refresh().is_some() {
                    v.push((Verb(CANCEL), None));
                }
                v.extend([(Verb(RETRAIN), None), (Verb(VIEW), Some("drift"))]);
                v
            }
        };
        if state.monitoring.new_version.is_some() && state.monitoring.tab != Tab::Quality {
            out.insert(0, (Verb(OPEN_VERSION), None));
        }
        out.extend([
            (Refresh, None),
            (Back, back_label(state)),
            (Help, None),
            (Quit, None),
        ]);
        out
    }
    fn list_view<'s>(&self, state: &'s State) -> Option<&'s ListView> {
        (state.monitoring.tab == Tab::Quality).then_some(&state.monitoring.versions_view)
    }
    fn list_view_mut<'s>(&self, state: &'s mut State) -> Option<&'s mut ListView> {
        (state.monitoring.tab == Tab::Quality).then_some(&mut state.monitoring.versions_view)
    }
}

fn drift_action(
    state: &mut State,
    action: Action,
    name: Option<&str>,
    fx: &mut Vec<Effect>,
) -> bool {
    let page = state.list_page_rows().max(1);
    let m = &mut state.monitoring;
    let Some((row, column)) = m.cursor() else {
        // Nothing to move over; the query keys still apply.
        return match name {
            Some(n) if n == DRIFT_TYPE.name || n == MODEL.name || n == SLICE.name => {
                query_key(state, n, fx)
            }
            _ => false,
        };
    };
    let (rows, columns) = m
        .matrix()
        .map_or((0, 0), |x| (x.features.len(), x.windows.len()));
    match (action, name) {
        (Action::MoveDown, _) => m.row = (row + 1).min(rows - 1),
        (Action::MoveUp, _) => m.row = row.saturating_sub(1),
        (Action::PageDown, _) => m.row = (row + page).min(rows - 1),
        (Action::PageUp, _) => m.row = row.saturating_sub(page),
        (Action::First, _) => m.row = 0,
        (Action::Last, _) => m.row = rows - 1,
        (_, Some(n)) if n == EARLIER.name => m.column = Some(column.saturating_sub(1)),
        (_, Some(n)) if n == LATER.name => {
            // Back on the newest window the cursor follows new windows again.
            m.column = (column + 1 < columns - 1).then_some(column + 1);
        }
        (_, Some(n)) if n == STATISTIC.name => {
            let all = m.statistics_at_cursor();
            let now = m.chart_statistic();
            let next = all
                .iter()
                .position(|s| *s == now)
                .map_or(0, |i| (i + 1) % all.len().max(1));
            m.statistic = all.get(next).copied();
        }
        (_, Some(n)) if n == DRIFT_TYPE.name || n == MODEL.name || n == SLICE.name => {
            return query_key(state, n, fx);
        }
        _ => return false,
    }
    state.dirty = true;
    true
}

/// `b` and `m`: a new drift query, read at once.
fn query_key(state: &mut State, name: &str, fx: &mut Vec<Effect>) -> bool {
    let m = &mut state.monitoring;
    if name == DRIFT_TYPE.name {
        m.query.drift_type = other_type(m.query.drift_type);
    } else if name == SLICE.name {
        let Some(slices) = m.slices.data.clone() else {
            state.toast(
                crate::app::state::ToastLevel::Info,
                "the table's slices have not been read yet",
            );
            return true;
        };
        if slices.is_empty() {
            state.toast(
                crate::app::state::ToastLevel::Info,
                "the monitor has no slices (slicing_exprs): only the whole table",
            );
            return true;
        }
        m.query.slice = next_slice(&m.query.slice, &slices);
    } else {
        let versions = m.versions();
        if versions.is_empty() && m.quality.data.is_none() {
            state.toast(
                crate::app::state::ToastLevel::Info,
                "model versions not read yet (from the profile metrics table)",
            );
            return true;
        }
        m.query.model = next_model(&m.query.model, &versions);
    }
    requery(state, fx);
    state.dirty = true;
    true
}

fn quality_action(state: &mut State, action: Action, name: Option<&str>) -> bool {
    let page = state.list_page_rows();
    let m = &mut state.monitoring;
    let (versions, metrics) = m
        .quality
        .data
        .as_ref()
        .map_or((0, 0), |q| (q.versions.len(), q.metrics.len()));
    if name == Some(STATISTIC.name) {
        m.metric = if metrics == 0 {
            0
        } else {
            (m.metric + 1) % metrics
        };
        state.dirty = true;
        return true;
    }
    if m.versions_view.navigate(action, versions, page) {
        state.dirty = true;
        return true;
    }
    false
}
