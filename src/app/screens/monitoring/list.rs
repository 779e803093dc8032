//! Screen 6's top level: every monitor found without a list call (the tables in `[monitoring]
//! tables`, the inference tables of serving endpoints, tables with metric-table siblings), with
//! the tables remembered from an earlier start listed while discovery runs. Enter opens a
//! table's drift, quality and monitor.

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::Context;
use crate::app::list::ListView;
use crate::app::room::{Offer, Room, back_label};
use crate::app::screen::{ScreenId, ScreenRoute};
use crate::app::state::State;
use crate::ops::monitors::{MonitorRow, Source};

use super::{Fetch, MonitoringState, fetch, open_table, refresh_every_ms};

impl MonitoringState {
    /// Monitors the filter lets through (the remembered tables until discovery answers).
    pub fn visible_monitors(&self) -> Vec<MonitorRow> {
        let needle = self.monitors_view.needle();
        let rows: Vec<MonitorRow> = match &self.monitors.data {
            Some(d) => d.rows.clone(),
            None => self
                .remembered
                .iter()
                .map(|t| MonitorRow {
                    table: t.clone(),
                    sources: vec![Source::Remembered],
                    monitor: None,
                    error: None,
                })
                .collect(),
        };
        rows.into_iter()
            .filter(|r| needle.is_empty() || matches(r, &needle))
            .collect()
    }
}

fn matches(r: &MonitorRow, needle: &str) -> bool {
    let status = r
        .monitor
        .as_ref()
        .and_then(|m| m.status.as_ref())
        .map(|s| s.as_str().to_lowercase());
    r.table.to_lowercase().contains(needle)
        || status.is_some_and(|s| s.contains(needle))
        || r.monitor
            .as_ref()
            .is_some_and(|m| m.kind.label().contains(needle))
}

/// Loads the list: what is due, or everything when `force`.
pub(crate) fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let every = refresh_every_ms(state);
    let first =
        state.monitoring.monitors.answered_at.is_none() && !state.monitoring.monitors.is_loading();
    if first {
        fetch(state, Fetch::Remembered, fx);
    }
    if force || state.monitoring.monitors.is_due(state.now_ms, every) {
        let req = fetch(state, Fetch::Monitors, fx);
        state.monitoring.monitors.start(req);
    }
}

pub(super) const CONTEXTS: &[Context] = &[
    Context::Room(ScreenId::Monitoring),
    Context::List,
    Context::Global,
];

/// Screen 6: the monitors.
pub struct MonitorsRoom;

impl Room for MonitorsRoom {
    fn contexts(&self) -> &'static [Context] {
        CONTEXTS
    }
    fn load(&self, state: &mut State, _: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
        load(state, force, fx)
    }
    fn is_settled(&self, state: &State) -> bool {
        state.monitoring.monitors.is_settled()
    }
    fn data_at(&self, state: &State) -> Option<i64> {
        state.monitoring.monitors.loaded_at
    }
    fn on_action(
        &self,
        state: &mut State,
        _: &ScreenRoute,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> bool {
        let rows = state.monitoring.visible_monitors();
        let page = state.list_page_rows();
        if state
            .monitoring
            .monitors_view
            .navigate(action, rows.len(), page)
        {
            state.dirty = true;
            return true;
        }
        let selected = rows.get(state.monitoring.monitors_view.selected);
        match (action, selected) {
            (Action::Open, Some(row)) => {
                let table = row.table.clone();
                open_table(state, &table, fx);
                true
            }
            (Action::CopyId, Some(row)) => {
                let table = row.table.clone();
                fx.push(Effect::CopyToClipboard { text: table });
                true
            }
            (Action::Filter, _) => {
                state.monitoring.monitors_view.filtering = true;
                state.dirty = true;
                true
            }
            _ => false,
        }
    }
    fn offers(&self, state: &State, _: &ScreenRoute) -> Vec<Offer> {
        use Action::*;
        vec![
            (Open, None),
            (Filter, None),
            (CopyId, None),
            (Refresh, None),
            (Back, back_label(state)),
            (Help, None),
            (Quit, None),
        ]
    }
    fn list_view<'s>(&self, state: &'s State) -> Option<&'s ListView> {
        Some(&state.monitoring.monitors_view)
    }
    fn list_view_mut<'s>(&self, state: &'s mut State) -> Option<&'s mut ListView> {
        Some(&mut state.monitoring.monitors_view)
    }
}
