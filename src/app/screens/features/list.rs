//! Screen 7's top level: the feature tables. Enter opens one.

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::Context;
use crate::app::list::ListView;
use crate::app::room::{Offer, Room, back_label};
use crate::app::screen::{ScreenId, ScreenRoute};
use crate::app::state::State;
use crate::ops::features::FeatureRow;

use super::{FeaturesState, Fetch, fetch};
use crate::app::screens::refresh_every_ms;

impl FeaturesState {
    /// Feature tables the filter lets through.
    pub fn visible_rows(&self) -> Vec<FeatureRow> {
        let needle = self.list_view.needle();
        self.list
            .data
            .iter()
            .flat_map(|l| l.rows.iter())
            .filter(|r| needle.is_empty() || matches(r, &needle))
            .cloned()
            .collect()
    }
}

fn matches(r: &FeatureRow, needle: &str) -> bool {
    r.table.to_lowercase().contains(needle)
        || r.owner
            .as_deref()
            .is_some_and(|o| o.to_lowercase().contains(needle))
        || r.monitor.to_lowercase().contains(needle)
        || r.entity_keys
            .iter()
            .chain(r.timeseries_keys.iter())
            .any(|k| k.to_lowercase().contains(needle))
        || (needle == "stale" && r.freshness.stale == Some(true))
}

/// Loads the list: when due, or at once when `force`.
pub(crate) fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let every = refresh_every_ms(state);
    let f = &state.features.list;
    if (force || f.is_due(state.now_ms, every)) && !f.is_loading() {
        let now_ms = state.now_ms;
        let req = fetch(state, Fetch::List { now_ms }, fx);
        state.features.list.start(req);
    }
}

pub(super) const CONTEXTS: &[Context] = &[
    Context::Room(ScreenId::Features),
    Context::List,
    Context::Global,
];

/// Screen 7: the feature tables.
pub struct FeaturesRoom;

impl Room for FeaturesRoom {
    fn contexts(&self) -> &'static [Context] {
        CONTEXTS
    }
    fn load(&self, state: &mut State, _: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
        load(state, force, fx)
    }
    fn is_settled(&self, state: &State) -> bool {
        state.features.list.is_settled()
    }
    fn data_at(&self, state: &State) -> Option<i64> {
        state.features.list.loaded_at
    }
    fn on_action(
        &self,
        state: &mut State,
        _: &ScreenRoute,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> bool {
        let rows = state.features.visible_rows();
        let page = state.list_page_rows();
        if state.features.list_view.navigate(action, rows.len(), page) {
            state.dirty = true;
            return true;
        }
        let selected = rows.get(state.features.list_view.selected);
        match (action, selected) {
            (Action::Open, Some(row)) => {
                let table = row.table.clone();
                super::detail::open_table(state, &table, fx);
                true
            }
            (Action::Filter, _) => {
                state.features.list_view.filtering = true;
                state.dirty = true;
                true
            }
            (Action::CopyId, Some(row)) => {
                let table = row.table.clone();
                super::super::copy(state, table, fx);
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
            (Palette, None),
            (Help, None),
            (Quit, None),
        ]
    }
    fn list_view<'s>(&self, state: &'s State) -> Option<&'s ListView> {
        Some(&state.features.list_view)
    }
    fn list_view_mut<'s>(&self, state: &'s mut State) -> Option<&'s mut ListView> {
        Some(&mut state.features.list_view)
    }
}
