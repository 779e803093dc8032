//! Which actions are valid right now, with their live keys: the source of the hint bar and the
//! `?` help, so both always match the keymap in force (user overrides included).

use crate::config::keymap::Context;

use super::action::Action;
use super::screen::{Route, ScreenId};
use super::screens;
use super::state::{Overlay, State};

/// One hint: the key(s) as the user types them, and what they do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub keys: String,
    pub label: String,
}

/// A group of the help popup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpSection {
    pub title: &'static str,
    pub rows: Vec<Hint>,
}

/// The keymap contexts that have the keyboard now.
pub fn active_contexts(state: &State) -> Vec<Context> {
    match state.overlay {
        Overlay::Help { .. } => vec![Context::Help],
        Overlay::Palette(_) => vec![Context::Input],
        Overlay::None if screens::list_view(state).is_some_and(|v| v.filtering) => {
            vec![Context::Input]
        }
        Overlay::None => screens::contexts(state.route()).to_vec(),
    }
}

/// Whether an action may be offered: not mutating in read-only mode, and no jump to a screen
/// this build lacks.
fn offered(state: &State, action: Action) -> bool {
    if state.session.readonly && action.is_mutating() {
        return false;
    }
    action.goto_target().is_none_or(ScreenId::is_available)
}

/// The hint bar: the most useful actions of the current mode that have a key.
pub fn hints(state: &State) -> Vec<Hint> {
    use Action::*;
    let filtering = screens::list_view(state).is_some_and(|v| v.filtering);
    let has_filter = screens::list_view(state).is_some_and(|v| v.has_filter());
    let can_go_back = state.nav.len() > 1 || has_filter;
    let wanted: Vec<(Action, Option<&'static str>)> = match (&state.overlay, state.route()) {
        (Overlay::Help { .. }, _) => vec![(Close, None), (MoveDown, Some("scroll"))],
        (Overlay::Palette(_), _) => vec![(Submit, None), (Complete, None), (Cancel, None)],
        _ if filtering => vec![(Submit, Some("keep filter")), (Cancel, Some("clear"))],
        (_, Route::Screen(ScreenId::Overview)) => vec![
            (GotoExperiments, None),
            (Refresh, None),
            (Palette, None),
            (Help, None),
            (Quit, None),
        ],
        (_, Route::ExperimentDetail { .. }) => vec![
            (MoveDown, Some("next")),
            (MoveUp, Some("prev")),
            (CopyId, None),
            (Back, None),
            (Help, None),
            (Quit, None),
        ],
        (_, Route::Screen(_)) => vec![
            (Open, None),
            (Filter, None),
            (CopyId, None),
            (Refresh, None),
            (
                Back,
                if state.nav.len() > 1 {
                    None
                } else {
                    Some("clear")
                },
            ),
            (Palette, None),
            (Help, None),
            (Quit, None),
        ],
    };
    let contexts = active_contexts(state);
    wanted
        .into_iter()
        .filter(|(a, _)| offered(state, *a) && (*a != Back || can_go_back))
        .filter_map(|(action, label)| {
            let keys = state.keymap.keys_for(&contexts, action);
            let first = keys.first()?;
            Some(Hint {
                keys: first.to_string(),
                label: label.unwrap_or(action.label()).to_string(),
            })
        })
        .collect()
}

/// The help popup: every binding valid on the screen under it, then the input keys.
pub fn help(state: &State) -> Vec<HelpSection> {
    let mut contexts: Vec<Context> = screens::contexts(state.route()).to_vec();
    contexts.push(Context::Input);
    contexts
        .into_iter()
        .map(|ctx| HelpSection {
            title: match ctx {
                Context::Global => "Everywhere",
                Context::List => "Lists",
                Context::Detail => "Detail view",
                Context::Input => "In the : palette and / filter",
                Context::Help => "Help",
            },
            rows: state
                .keymap
                .bindings(ctx)
                .iter()
                .filter(|(a, keys)| !keys.is_empty() && offered(state, *a))
                .map(|(action, keys)| Hint {
                    keys: keys
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" "),
                    label: action.description(),
                })
                .collect(),
        })
        .filter(|s| !s.rows.is_empty())
        .collect()
}
