//! The rooms of the Monitoring screen's routes and the verbs they add to the keymap (section
//! `[monitoring]`).

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::Context;
use crate::app::list::ListView;
use crate::app::room::{Offer, Room, Verb, back_label};
use crate::app::screen::{ScreenId, ScreenRoute};
use crate::app::state::State;

use super::{Tab, next_model, other_type, requery};

/// The verbs of the Monitoring screen, in the order help lists them.
pub static VERBS: [Verb; 6] = [
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
        name: "quality_view",
        label: "quality/drift",
        description: "Model quality per version / the drift heatmap",
        keys: &["v"],
        mutating: false,
    },
];

const EARLIER: &Verb = &VERBS[0];
const LATER: &Verb = &VERBS[1];
const DRIFT_TYPE: &Verb = &VERBS[2];
const MODEL: &Verb = &VERBS[3];
const STATISTIC: &Verb = &VERBS[4];
const VIEW: &Verb = &VERBS[5];

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
        m.drift.is_settled() && m.quality.is_settled()
    }
    fn data_at(&self, state: &State) -> Option<i64> {
        state.monitoring.drift.loaded_at
    }
    fn on_action(
        &self,
        state: &mut State,
        _: &ScreenRoute,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> bool {
        let name = verb(action);
        if name == Some(VIEW.name) {
            let m = &mut state.monitoring;
            m.tab = match m.tab {
                Tab::Drift => Tab::Quality,
                Tab::Quality => Tab::Drift,
            };
            state.dirty = true;
            return true;
        }
        match state.monitoring.tab {
            Tab::Drift => drift_action(state, action, name, fx),
            Tab::Quality => quality_action(state, action, name),
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
                (Verb(STATISTIC), None),
                (Verb(VIEW), Some("quality")),
            ],
            Tab::Quality => vec![
                (Verb(STATISTIC), Some("metric")),
                (Verb(VIEW), Some("drift")),
            ],
        };
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
            Some(n) if n == DRIFT_TYPE.name || n == MODEL.name => query_key(state, n, fx),
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
        (_, Some(n)) if n == DRIFT_TYPE.name || n == MODEL.name => {
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
