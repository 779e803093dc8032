//! Keys of the confirm dialog every change goes through, and handing the answer to the flow
//! that opened it.

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use crate::app::keymap::Context;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::form::ConfirmAction;
use super::super::screens::{self, canary, change, training};
use super::super::state::{Overlay, State, ToastLevel};
use super::training_form;

/// Off production the confirm key confirms (Enter does nothing). On production the job's name
/// is typed and Enter confirms only if it matches. Esc always cancels.
pub(super) fn on_confirm_key(state: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let production = state.session.production;
    let context = if production {
        Context::Input
    } else {
        Context::Confirm
    };
    let action = state.keymap.resolve(&[context], &key);
    let Overlay::Confirm(confirm) = &mut state.overlay else {
        return;
    };
    match action {
        Some(Action::Cancel) => cancel_confirm(state),
        Some(Action::Quit) => state.quit = true,
        Some(Action::Confirm) if !production => confirmed(state, fx),
        Some(Action::Submit) if production => {
            if confirm.name_matches() {
                confirmed(state, fx);
            } else {
                confirm.mismatch = true;
            }
        }
        _ if production => {
            if confirm.typed.handle_event(&Event::Key(key)).is_none() {
                return;
            }
            confirm.mismatch = false;
        }
        _ => return,
    }
    state.dirty = true;
}

/// Hands the confirmed dialog to the flow that opened it.
fn confirmed(state: &mut State, fx: &mut Vec<Effect>) {
    let Overlay::Confirm(c) = &state.overlay else {
        return;
    };
    match &c.action {
        ConfirmAction::Change { .. } | ConfirmAction::Traffic { .. } => {
            change::confirmed(state, fx)
        }
        ConfirmAction::Canary { .. }
        | ConfirmAction::CanaryAbort { .. }
        | ConfirmAction::CanaryResume { .. } => canary::confirmed(state, fx),
        ConfirmAction::RunJob { .. } => training::confirmed(state, fx),
        ConfirmAction::Room(_) => {
            if let Overlay::Confirm(c) = std::mem::take(&mut state.overlay)
                && let ConfirmAction::Room(room) = c.action
            {
                screens::room_confirmed(state, room.change, fx);
            }
        }
    }
}

/// Esc: nothing is sent. The launch dialog goes back to its form.
fn cancel_confirm(state: &mut State) {
    let Overlay::Confirm(c) = &state.overlay else {
        return;
    };
    match &c.action {
        ConfirmAction::RunJob { .. } => training_form::cancel(state),
        ConfirmAction::Change { .. }
        | ConfirmAction::Traffic { .. }
        | ConfirmAction::Canary { .. }
        | ConfirmAction::CanaryAbort { .. }
        | ConfirmAction::CanaryResume { .. }
        | ConfirmAction::Room(_) => {
            state.overlay = Overlay::None;
            state.toast(ToastLevel::Info, "cancelled: nothing was sent");
        }
    }
}
