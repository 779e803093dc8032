//! Key routing: the overlay or input with the keyboard decides first, then the route's keymap
//! contexts (innermost first, global last).

use crossterm::event::{Event, KeyEvent, KeyEventKind};
use tui_input::backend::crossterm::EventHandler;

use crate::app::keymap::Context;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::screens;
use super::super::state::{Overlay, State};

pub(super) fn on_key(state: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    if key.kind == KeyEventKind::Release {
        return;
    }
    match &state.overlay {
        Overlay::Help { .. } => on_help_key(state, key),
        Overlay::Palette(_) => super::palette::on_key(state, key, fx),
        Overlay::Picker(_) => super::picker::on_key(state, key, fx),
        Overlay::TrainingForm(_) => super::training_form::on_form_key(state, key, fx),
        Overlay::Confirm(_) => super::confirm::on_confirm_key(state, key, fx),
        Overlay::Prompt(_) => super::change::on_prompt_key(state, key, fx),
        Overlay::Candidates(_) => super::change::on_candidates_key(state, key, fx),
        Overlay::Query(_) => on_query_key(state, key),
        Overlay::ApprovalDetail(_) => on_approval_detail_key(state, key),
        Overlay::CanaryForm(_) => super::canary::on_form_key(state, key, fx),
        Overlay::RoomForm(_) => super::room_form::on_key(state, key, fx),
        Overlay::None => {
            if screens::list_view(state).is_some_and(|v| v.filtering) {
                on_filter_key(state, key, fx);
            } else {
                let contexts = screens::contexts(state.route());
                if let Some(action) = state.keymap.resolve(contexts, &key) {
                    super::actions::perform(state, action, fx);
                }
            }
        }
    }
}

fn on_help_key(state: &mut State, key: KeyEvent) {
    let Overlay::Help { scroll } = &mut state.overlay else {
        return;
    };
    match state.keymap.resolve(&[Context::Help], &key) {
        Some(Action::Close | Action::Help) => state.overlay = Overlay::None,
        Some(Action::MoveDown) => *scroll = scroll.saturating_add(1),
        Some(Action::MoveUp) => *scroll = scroll.saturating_sub(1),
        Some(Action::Quit) => state.quit = true,
        _ => return,
    }
    state.dirty = true;
}

/// The test query's answer: scroll, close.
fn on_query_key(state: &mut State, key: KeyEvent) {
    let Overlay::Query(view) = &mut state.overlay else {
        return;
    };
    match state.keymap.resolve(&[Context::Help], &key) {
        Some(Action::Close | Action::Help) => state.overlay = Overlay::None,
        Some(Action::MoveDown) => view.scroll = view.scroll.saturating_add(1),
        Some(Action::MoveUp) => view.scroll = view.scroll.saturating_sub(1),
        Some(Action::Quit) => state.quit = true,
        _ => return,
    }
    state.dirty = true;
}

/// The approval detail: scroll, close.
fn on_approval_detail_key(state: &mut State, key: KeyEvent) {
    let Overlay::ApprovalDetail(view) = &mut state.overlay else {
        return;
    };
    match state.keymap.resolve(&[Context::Help], &key) {
        Some(Action::Close | Action::Help) => state.overlay = Overlay::None,
        Some(Action::MoveDown) => view.scroll = view.scroll.saturating_add(1),
        Some(Action::MoveUp) => view.scroll = view.scroll.saturating_sub(1),
        Some(Action::Quit) => state.quit = true,
        _ => return,
    }
    state.dirty = true;
}

/// The `/` line: Enter keeps the filter, Esc clears it, everything else edits it.
fn on_filter_key(state: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = state.keymap.resolve(&[Context::Input], &key);
    let Some(view) = screens::list_view_mut(state) else {
        return;
    };
    match action {
        Some(Action::Submit) => {
            view.filtering = false;
            screens::filter_submitted(state, fx);
        }
        Some(Action::Cancel) => {
            view.clear_filter();
            screens::filter_changed(state, fx);
        }
        Some(Action::Quit) => state.quit = true,
        _ => match view.filter.handle_event(&Event::Key(key)) {
            None => return,
            Some(changed) if changed.value => screens::filter_changed(state, fx),
            // Cursor moves still redraw.
            Some(_) => {}
        },
    }
    state.dirty = true;
}
