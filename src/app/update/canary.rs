//! Keys of the canary plan form: Tab / arrows move between fields, Enter reviews the plan (or
//! reads the plan file), Esc cancels; other keys edit the focused field.

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use crate::app::keymap::Context;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::screens::canary::{self, FormMode};
use super::super::state::{Overlay, State, ToastLevel};

pub(super) fn on_form_key(state: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = state.keymap.resolve(&[Context::Form], &key);
    let Overlay::CanaryForm(form) = &mut state.overlay else {
        return;
    };
    match action {
        Some(Action::MoveDown) => form.focus_by(1),
        Some(Action::MoveUp) => form.focus_by(-1),
        Some(Action::Submit) if form.reading => return,
        Some(Action::Submit) => match form.mode {
            FormMode::Build => match form.plan() {
                Ok(plan) => canary::review(state, plan),
                Err(errors) => form.errors = errors,
            },
            FormMode::File => {
                let path = form.path();
                if path.is_empty() {
                    form.errors = vec!["type the path of a plan file (TOML)".to_string()];
                } else {
                    form.errors.clear();
                    form.reading = true;
                    fx.push(Effect::ReadPlanFile { path });
                }
            }
        },
        Some(Action::Cancel) => {
            state.overlay = Overlay::None;
            state.toast(ToastLevel::Info, "cancelled: no canary plan was started");
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
        }
    }
    state.dirty = true;
}
