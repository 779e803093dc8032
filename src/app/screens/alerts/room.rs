//! The room of the Alerts list (`ScreenRoute::Alerts`): Enter opens the alert's object (on a
//! SQL alert: its detail), `/` filters, `r` evaluates again.

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::Context;
use crate::app::room::{ListAccess, Plain, back_label};
use crate::app::state::State;

fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    super::load(state, force, fx);
}

fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> bool {
    let (len, page) = (state.alerts.rows().len(), state.list_page_rows());
    if state.alerts.view.navigate(action, len, page) {
        state.dirty = true;
        return true;
    }
    match action {
        Action::Open => super::open_selected(state, fx),
        Action::Filter => state.alerts.view.filtering = true,
        Action::CopyId => {
            let id = match state.alerts.selected_row() {
                Some(super::Row::Console(a)) => Some(a.id.clone()),
                Some(super::Row::Sql(s)) => s.id.clone(),
                None => None,
            };
            if let Some(id) = id {
                super::super::copy(state, id, fx);
            }
        }
        _ => return false,
    }
    state.dirty = true;
    true
}

pub static ROOM: Plain = Plain {
    contexts: &[Context::List, Context::Global],
    load,
    open: None,
    settled: |s| s.alerts.read.is_settled(),
    data_at: |s| s.alerts.read.loaded_at,
    on_action,
    offers: |s| {
        use Action::*;
        vec![
            (Open, Some("open")),
            (Filter, None),
            (CopyId, None),
            (Refresh, Some("evaluate")),
            (Back, back_label(s)),
            (Help, None),
            (Quit, None),
        ]
    },
    list: Some(ListAccess {
        get: |s| &s.alerts.view,
        get_mut: |s| &mut s.alerts.view,
    }),
    after_filter: None,
};
