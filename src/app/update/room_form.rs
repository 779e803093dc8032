//! Keys of a room's parameter form: Tab / arrows move between fields, Enter hands the form to
//! the room under it, Esc closes it (nothing is sent); other keys edit the field.

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use crate::app::keymap::Context;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::screens;
use super::super::state::{Overlay, State, ToastLevel};

pub(super) fn on_key(state: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = state.keymap.resolve(&[Context::Form], &key);
    let Overlay::RoomForm(form) = &mut state.overlay else {
        return;
    };
    match action {
        Some(Action::MoveDown) => form.focus_by(1),
        Some(Action::MoveUp) => form.focus_by(-1),
        Some(Action::Submit) => {
            if let Overlay::RoomForm(form) = std::mem::take(&mut state.overlay) {
                let route = state.route().clone();
                screens::room(&route).form_submitted(state, &route, *form, fx);
            }
        }
        Some(Action::Cancel) => {
            state.overlay = Overlay::None;
            state.toast(ToastLevel::Info, "cancelled: nothing was sent");
        }
        Some(Action::Quit) => state.quit = true,
        _ => {
            let focus = form.focus;
            let Some(field) = form.fields.get_mut(focus) else {
                return;
            };
            if field.input.handle_event(&Event::Key(key)).is_none() {
                return;
            }
            form.error = None;
        }
    }
    state.dirty = true;
}
