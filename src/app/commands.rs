//! Which actions are valid right now, with their live keys: the source of the hint bar and the
//! `?` help, so both always match the keymap in force (user overrides included).

use crate::app::keymap::Context;

use super::action::Action;
use super::room::Offer;
use super::screen::ScreenId;
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
        Overlay::Help { .. } | Overlay::Query(_) | Overlay::ApprovalDetail(_) => {
            vec![Context::Help]
        }
        Overlay::Palette(_) => vec![Context::Input],
        Overlay::Picker(_) => vec![Context::Picker],
        Overlay::TrainingForm(_)
        | Overlay::Prompt(_)
        | Overlay::CanaryForm(_)
        | Overlay::RoomForm(_) => {
            vec![Context::Form]
        }
        Overlay::Candidates(_) => vec![Context::Picker],
        // On production the job's name is typed, so the dialog reads keys like an input.
        Overlay::Confirm(_) if state.session.production => vec![Context::Input],
        Overlay::Confirm(_) => vec![Context::Confirm],
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
    let wanted: Vec<Offer> = match &state.overlay {
        Overlay::Help { .. } | Overlay::Query(_) | Overlay::ApprovalDetail(_) => {
            vec![(Close, None), (MoveDown, Some("scroll"))]
        }
        Overlay::Palette(_) => vec![(Submit, None), (Complete, None), (Cancel, None)],
        Overlay::Picker(_) => vec![(Toggle, None), (Submit, Some("apply")), (Cancel, None)],
        Overlay::TrainingForm(_) | Overlay::RoomForm(_) => vec![
            (MoveDown, Some("next field")),
            (Submit, Some("review")),
            (Cancel, None),
        ],
        Overlay::Confirm(_) if state.session.production => {
            vec![
                (Submit, Some("confirm (type the name first)")),
                (Cancel, None),
            ]
        }
        Overlay::Confirm(c) => vec![(Confirm, c.action.confirm_label()), (Cancel, None)],
        Overlay::Prompt(p) if p.offers_archive() => vec![
            (Submit, Some("review")),
            (MoveDown, Some("archive existing")),
            (Cancel, None),
        ],
        Overlay::Prompt(_) => vec![(Submit, Some("review")), (Cancel, None)],
        Overlay::CanaryForm(f) => vec![
            (MoveDown, Some("next field")),
            (
                Submit,
                Some(match f.mode {
                    super::screens::canary::FormMode::Build => "review",
                    super::screens::canary::FormMode::File => "read and review",
                }),
            ),
            (Cancel, None),
        ],
        Overlay::Candidates(_) => vec![
            (MoveDown, None),
            (Submit, Some("roll back to it")),
            (Cancel, None),
        ],
        Overlay::None if filtering => screens::room(state.route()).filter_offers(state),
        Overlay::None => screens::room(state.route()).offers(state, state.route()),
    };
    let contexts = active_contexts(state);
    let key = |a: Action| {
        state
            .keymap
            .keys_for(&contexts, a)
            .first()
            .map(ToString::to_string)
    };
    let mut out: Vec<Hint> = Vec::new();
    for (action, label) in wanted {
        if !offered(state, action) || (action == Back && !can_go_back) {
            continue;
        }
        // The column cursor's two keys share one hint ("<> column").
        if action == ColumnRight {
            continue;
        }
        let keys = match (action, key(action)) {
            (ColumnLeft, Some(l)) => format!("{l}{}", key(ColumnRight).unwrap_or_default()),
            (_, Some(k)) => k,
            (_, None) => continue,
        };
        let label = match action {
            ColumnLeft => "column",
            _ => label.unwrap_or(action.label()),
        };
        out.push(Hint {
            keys,
            label: label.to_string(),
        });
    }
    out
}

/// The help popup: every binding valid on the screen under it, then the input keys.
pub fn help(state: &State) -> Vec<HelpSection> {
    let mut contexts: Vec<Context> = screens::contexts(state.route()).to_vec();
    contexts.push(Context::Input);
    contexts
        .into_iter()
        .map(|ctx| HelpSection {
            title: ctx.title(),
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
