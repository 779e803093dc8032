//! What each action does, whatever key triggered it.

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::palette::Palette;
use super::super::screen::{ScreenId, ScreenRoute};
use super::super::screens;
use super::super::state::{Overlay, State, ToastLevel};

pub(super) fn perform(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    if let Some(screen) = action.goto_target() {
        goto(state, screen, fx);
        return;
    }
    match action {
        Action::Quit => state.quit = true,
        Action::Help => {
            state.overlay = Overlay::Help { scroll: 0 };
            state.dirty = true;
        }
        Action::Palette => {
            let mut palette = Palette::default();
            palette.refresh_candidates(&super::palette::vocabulary(state));
            state.overlay = Overlay::Palette(palette);
            state.dirty = true;
        }
        Action::Refresh => {
            screens::load(state, true, fx);
            state.dirty = true;
        }
        Action::Back => back(state, fx),
        other if other.is_mutating() && state.session.readonly => {
            state.toast(ToastLevel::Info, "read-only profile: changes are disabled");
        }
        other => {
            screens::on_action(state, other, fx);
        }
    }
}

/// Number keys and `:screen`. A screen this build lacks says so instead of doing nothing.
pub(super) fn goto(state: &mut State, screen: ScreenId, fx: &mut Vec<Effect>) {
    if !screen.is_available() {
        let text = format!("{} is not in this version yet", screen.title());
        state.toast(ToastLevel::Info, text);
        return;
    }
    if *state.route() == ScreenRoute::Screen(screen) {
        return;
    }
    state.push_route(ScreenRoute::Screen(screen));
    screens::load(state, false, fx);
}

/// Esc: clear an active filter first, then pop the back-stack.
fn back(state: &mut State, fx: &mut Vec<Effect>) {
    if let Some(view) = screens::list_view_mut(state)
        && view.has_filter()
    {
        view.clear_filter();
        screens::filter_changed(state, fx);
        state.dirty = true;
        return;
    }
    if state.pop_route() {
        screens::load(state, false, fx);
    }
}
