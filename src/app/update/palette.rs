//! The `:` palette: editing, Tab completion, and running the parsed command.

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use crate::app::keymap::Context;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::palette::{self as cmd, PaletteCommand, Vocabulary};
use super::super::screen::{ScreenId, ScreenRoute};
use super::super::screens::{experiments, serving};
use super::super::state::{Overlay, State, ToastLevel};

/// What completion can offer right now.
pub(super) fn vocabulary(state: &State) -> Vocabulary<'_> {
    Vocabulary {
        experiment_names: state.experiments.names(),
        endpoint_names: state
            .serving
            .endpoints
            .data
            .iter()
            .flatten()
            .map(|e| e.name.as_str())
            .collect(),
        theme_names: state.theme_names.clone(),
    }
}

pub(super) fn on_key(state: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = state.keymap.resolve(&[Context::Input], &key);
    match action {
        Some(Action::Submit) => {
            let line = match &state.overlay {
                Overlay::Palette(p) => p.input.value().to_string(),
                _ => return,
            };
            state.overlay = Overlay::None;
            state.dirty = true;
            run(state, cmd::parse(&line), fx);
        }
        Some(Action::Cancel) => {
            state.overlay = Overlay::None;
            state.dirty = true;
        }
        Some(Action::Quit) => state.quit = true,
        Some(a @ (Action::Complete | Action::CompletePrev)) => {
            if let Overlay::Palette(p) = &mut state.overlay {
                p.cycle(a == Action::Complete);
                state.dirty = true;
            }
        }
        _ => {
            // Take the palette out so completion can read the rest of the state.
            let Overlay::Palette(mut p) = std::mem::take(&mut state.overlay) else {
                return;
            };
            let changed = p.input.handle_event(&Event::Key(key));
            if changed.is_some_and(|c| c.value) {
                p.refresh_candidates(&vocabulary(state));
            }
            state.overlay = Overlay::Palette(p);
            if changed.is_some() {
                state.dirty = true;
            }
        }
    }
}

fn run(state: &mut State, command: PaletteCommand, fx: &mut Vec<Effect>) {
    match command {
        PaletteCommand::Nothing => {}
        PaletteCommand::Quit => state.quit = true,
        PaletteCommand::Help => state.overlay = Overlay::Help { scroll: 0 },
        PaletteCommand::Theme(Some(name)) => fx.push(Effect::LoadTheme { name }),
        PaletteCommand::Theme(None) => {
            let text = format!("themes: {}", state.theme_names.join(", "));
            state.toast(ToastLevel::Info, text);
        }
        PaletteCommand::Alerts => {
            if *state.route() != ScreenRoute::Alerts {
                state.push_route(ScreenRoute::Alerts);
            }
            crate::app::screens::load(state, false, fx);
        }
        PaletteCommand::Screen(screen, object) => {
            super::actions::goto(state, screen, fx);
            match (screen, object) {
                (ScreenId::Experiments, Some(name)) => experiments::show_named(state, &name, fx),
                (ScreenId::Serving, Some(name)) => serving::open_endpoint(state, &name, fx),
                (ScreenId::Monitoring, Some(table)) => {
                    crate::app::screens::monitoring::open_table(state, &table, fx)
                }
                (ScreenId::Features, Some(table)) => {
                    crate::app::screens::features::detail::open_table(state, &table, fx)
                }
                _ => {}
            }
        }
        PaletteCommand::Unknown(line) => {
            state.toast(ToastLevel::Error, format!("unknown command: {line}"))
        }
    }
}
