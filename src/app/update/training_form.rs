//! Keys of the training form (the job's parameters before the confirm dialog).

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use crate::app::keymap::Context;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::screens::training;
use super::super::state::{Overlay, State, ToastLevel};

/// Tab / arrows move between fields, Enter reviews, Esc cancels; other keys edit the field.
pub(super) fn on_form_key(state: &mut State, key: KeyEvent, _fx: &mut Vec<Effect>) {
    let action = state.keymap.resolve(&[Context::Form], &key);
    let Overlay::TrainingForm(form) = &mut state.overlay else {
        return;
    };
    match action {
        Some(Action::MoveDown) => form.focus_by(1),
        Some(Action::MoveUp) => form.focus_by(-1),
        Some(Action::Submit) => training::review(state),
        Some(Action::Cancel) => cancel(state),
        Some(Action::Quit) => state.quit = true,
        _ => {
            let focus = form.focus;
            let Some(field) = form.fields.get_mut(focus) else {
                return;
            };
            if field.input.handle_event(&Event::Key(key)).is_none() {
                return;
            }
        }
    }
    state.dirty = true;
}

/// Closes the form (or the confirm dialog of the run): nothing was started.
pub(super) fn cancel(state: &mut State) {
    state.overlay = Overlay::None;
    state.toast(ToastLevel::Info, "launch cancelled: nothing was started");
}
