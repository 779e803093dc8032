//! Keys of the registry change popups: the comment / alias prompt and the roll-back candidates.

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use crate::app::keymap::Context;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::prompt::PromptPurpose;
use super::super::screens::change;
use super::super::screens::serving::query;
use super::super::state::{Overlay, State, ToastLevel};

/// Enter plans the change (the confirm dialog follows; nothing is sent yet), Esc cancels, Tab
/// flips archive-existing on a workspace approval; other keys edit the text.
pub(super) fn on_prompt_key(state: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = state.keymap.resolve(&[Context::Form], &key);
    let Overlay::Prompt(prompt) = &mut state.overlay else {
        return;
    };
    match action {
        Some(Action::Submit) if matches!(prompt.purpose, PromptPurpose::Query { .. }) => {
            let PromptPurpose::Query { endpoint } = prompt.purpose.clone() else {
                return;
            };
            let file = prompt.input.value().to_string();
            state.overlay = Overlay::None;
            query::send(state, endpoint, &file, fx);
        }
        Some(Action::Submit) => match prompt.request() {
            Some(req) => {
                state.overlay = Overlay::None;
                change::prepare(state, req, fx);
            }
            None => prompt.missing = true,
        },
        Some(Action::Cancel) => cancel(state),
        Some(Action::Quit) => state.quit = true,
        Some(Action::MoveDown | Action::MoveUp) if prompt.offers_archive() => {
            prompt.archive_existing = !prompt.archive_existing;
        }
        Some(Action::MoveDown | Action::MoveUp) => return,
        _ => {
            if prompt.input.handle_event(&Event::Key(key)).is_none() {
                return;
            }
            prompt.missing = false;
        }
    }
    state.dirty = true;
}

/// j/k choose a version, Enter plans the roll back to it, Esc cancels.
pub(super) fn on_candidates_key(state: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = state.keymap.resolve(&[Context::Picker], &key);
    let Overlay::Candidates(pick) = &mut state.overlay else {
        return;
    };
    let len = pick.candidates.versions.len();
    match action {
        Some(Action::MoveDown) => pick.selected = (pick.selected + 1).min(len.saturating_sub(1)),
        Some(Action::MoveUp) => pick.selected = pick.selected.saturating_sub(1),
        Some(Action::Submit) => change::pick_candidate(state, fx),
        Some(Action::Cancel) => cancel(state),
        Some(Action::Quit) => state.quit = true,
        _ => return,
    }
    state.dirty = true;
}

fn cancel(state: &mut State) {
    state.overlay = Overlay::None;
    state.toast(ToastLevel::Info, "cancelled: nothing was sent");
}
