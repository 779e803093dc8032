//! Keys of the launch form and the confirm dialog (shared by every change).

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use crate::app::keymap::Context;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::form::ConfirmAction;
use super::super::screens::{canary, change, launch};
use super::super::state::{Overlay, State, ToastLevel};

/// Tab / arrows move between fields, Enter reviews, Esc cancels; other keys edit the field.
pub(super) fn on_form_key(state: &mut State, key: KeyEvent, _fx: &mut Vec<Effect>) {
    let action = state.keymap.resolve(&[Context::Form], &key);
    let Overlay::Launch(form) = &mut state.overlay else {
        return;
    };
    match action {
        Some(Action::MoveDown) => form.focus_by(1),
        Some(Action::MoveUp) => form.focus_by(-1),
        Some(Action::Submit) => launch::review(state),
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
    match &state.overlay {
        Overlay::Confirm(c)
            if matches!(
                c.action,
                ConfirmAction::Change { .. } | ConfirmAction::Traffic { .. }
            ) =>
        {
            change::confirmed(state, fx)
        }
        Overlay::Confirm(c)
            if matches!(
                c.action,
                ConfirmAction::Canary { .. }
                    | ConfirmAction::CanaryAbort { .. }
                    | ConfirmAction::CanaryResume { .. }
            ) =>
        {
            canary::confirmed(state, fx)
        }
        _ => launch::confirmed(state, fx),
    }
}

fn cancel_confirm(state: &mut State) {
    if let Overlay::Confirm(c) = &state.overlay
        && matches!(
            c.action,
            ConfirmAction::Change { .. }
                | ConfirmAction::Traffic { .. }
                | ConfirmAction::Canary { .. }
                | ConfirmAction::CanaryAbort { .. }
                | ConfirmAction::CanaryResume { .. }
        )
    {
        state.overlay = Overlay::None;
        state.toast(ToastLevel::Info, "cancelled: nothing was sent");
        return;
    }
    cancel(state);
}

fn cancel(state: &mut State) {
    state.overlay = Overlay::None;
    state.toast(ToastLevel::Info, "launch cancelled: nothing was started");
}
