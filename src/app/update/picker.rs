//! The choice popup: moving, checking, and applying the choice to what opened it.

use crossterm::event::KeyEvent;

use crate::app::keymap::Context;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::picker::{PickValue, PickerPurpose};
use super::super::screens::{compare, run_detail, runs::columns};
use super::super::state::{Overlay, State};

pub(super) fn on_key(state: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = state.keymap.resolve(&[Context::Picker], &key);
    let Overlay::Picker(picker) = &mut state.overlay else {
        return;
    };
    match action {
        Some(Action::MoveDown) => picker.move_by(1),
        Some(Action::MoveUp) => picker.move_by(-1),
        Some(Action::Toggle) => picker.toggle(),
        Some(Action::Cancel) => state.overlay = Overlay::None,
        Some(Action::Quit) => state.quit = true,
        Some(Action::Submit) => {
            let (purpose, chosen) = (picker.purpose, picker.chosen());
            state.overlay = Overlay::None;
            apply(state, purpose, chosen, fx);
        }
        _ => return,
    }
    state.dirty = true;
}

fn apply(state: &mut State, purpose: PickerPurpose, chosen: Vec<PickValue>, fx: &mut Vec<Effect>) {
    match purpose {
        PickerPurpose::RunColumns => state.runs.set_chosen(columns::from_picked(chosen)),
        PickerPurpose::ChartMetrics => {
            let keys = chosen.iter().map(|v| v.key().to_string()).collect();
            run_detail::set_charted(state, keys, fx);
        }
        PickerPurpose::CompareMetric => {
            if let Some(v) = chosen.into_iter().next() {
                compare::set_metric(state, v.key().to_string(), fx);
            }
        }
    }
}
