//! Which actions are valid right now, with their live keys: the source of the hint bar and the
//! `?` help, so both always match the keymap in force (user overrides included).

use crate::app::keymap::Context;

use super::action::Action;
use super::screen::{ScreenId, ScreenRoute};
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
        Overlay::TrainingForm(_) | Overlay::Prompt(_) | Overlay::CanaryForm(_) => {
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
    let back = if state.nav.len() > 1 {
        None
    } else {
        Some("clear")
    };
    let wanted: Vec<(Action, Option<&'static str>)> = match (&state.overlay, state.route()) {
        (Overlay::Help { .. } | Overlay::Query(_) | Overlay::ApprovalDetail(_), _) => {
            vec![(Close, None), (MoveDown, Some("scroll"))]
        }
        (Overlay::Palette(_), _) => vec![(Submit, None), (Complete, None), (Cancel, None)],
        (Overlay::Picker(_), _) => vec![(Toggle, None), (Submit, Some("apply")), (Cancel, None)],
        (Overlay::TrainingForm(_), _) => vec![
            (MoveDown, Some("next field")),
            (Submit, Some("review")),
            (Cancel, None),
        ],
        (Overlay::Confirm(_), _) if state.session.production => {
            vec![
                (Submit, Some("confirm (type the name first)")),
                (Cancel, None),
            ]
        }
        (Overlay::Confirm(c), _) => {
            let label = match c.action {
                super::form::ConfirmAction::RunJob { .. } => Some("run it"),
                super::form::ConfirmAction::Change { .. }
                | super::form::ConfirmAction::Traffic { .. } => None,
                super::form::ConfirmAction::Canary { .. } => Some("start it"),
                super::form::ConfirmAction::CanaryAbort { .. } => Some("abort it"),
                super::form::ConfirmAction::CanaryResume { .. } => Some("resume it"),
            };
            vec![(Confirm, label), (Cancel, None)]
        }
        (Overlay::Prompt(p), _) if p.offers_archive() => vec![
            (Submit, Some("review")),
            (MoveDown, Some("archive existing")),
            (Cancel, None),
        ],
        (Overlay::Prompt(_), _) => vec![(Submit, Some("review")), (Cancel, None)],
        (Overlay::CanaryForm(f), _) => vec![
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
        (Overlay::Candidates(_), _) => vec![
            (MoveDown, None),
            (Submit, Some("roll back to it")),
            (Cancel, None),
        ],
        (_, ScreenRoute::ModelDetail { .. }) => vec![
            (OpenRun, None),
            (Promote, None),
            (Rollback, None),
            (Approve, None),
            (Reject, None),
            (CopyId, None),
            (Back, None),
            (Help, None),
        ],
        (_, ScreenRoute::Screen(ScreenId::Approvals)) => vec![
            (Open, Some("details")),
            (Approve, None),
            (Reject, None),
            (Filter, None),
            (Refresh, None),
            (Back, back),
            (Help, None),
            (Quit, None),
        ],
        (_, ScreenRoute::Screen(ScreenId::Audit)) => vec![
            (Verify, None),
            (ThisWorkspace, None),
            (Filter, None),
            (CopyId, None),
            (Refresh, None),
            (Back, back),
            (Help, None),
            (Quit, None),
        ],
        _ if filtering && matches!(state.route(), ScreenRoute::Runs { .. }) => {
            let text = state.runs.view.filter_text();
            let submit = if crate::ops::run_filter::is_filter(text) {
                "search server"
            } else {
                "keep filter"
            };
            vec![(Submit, Some(submit)), (Cancel, Some("clear"))]
        }
        _ if filtering && matches!(state.route(), ScreenRoute::EndpointLogs { .. }) => {
            vec![(Submit, Some("keep search")), (Cancel, Some("clear"))]
        }
        _ if filtering => vec![(Submit, Some("keep filter")), (Cancel, Some("clear"))],
        // The jumps to what the Overview summarises; at 80 columns `:` is left to the help.
        (_, ScreenRoute::Screen(ScreenId::Overview)) => vec![
            (GotoServing, None),
            (GotoApprovals, None),
            (GotoAudit, None),
            (GotoExperiments, None),
            (Refresh, None),
            (Help, None),
            (Quit, None),
        ],
        (_, ScreenRoute::ExperimentDetail { .. }) => vec![
            (Open, Some("runs")),
            (MoveDown, Some("next")),
            (MoveUp, Some("prev")),
            (LaunchTraining, None),
            (CopyId, None),
            (Back, None),
            (Help, None),
            (Quit, None),
        ],
        (_, ScreenRoute::Runs { .. }) => vec![
            (Open, None),
            (Filter, None),
            (ColumnLeft, None),
            (ColumnRight, None),
            (Sort, None),
            (Mark, None),
            (Compare, None),
            (Sweep, None),
            (ToggleNested, None),
            (Columns, None),
            (LaunchTraining, None),
            (Info, None),
            (Back, back),
            (Help, None),
            (Quit, None),
        ],
        (_, ScreenRoute::RunDetail { .. }) => vec![
            (ChartMetrics, None),
            (XAxis, None),
            (ZoomIn, None),
            (ZoomOut, None),
            (ExportChart, None),
            (OpenParent, None),
            (Sweep, None),
            (MoveDown, Some("scroll")),
            (Back, None),
            (Help, None),
        ],
        (_, ScreenRoute::Sweep { .. }) => vec![
            (Open, None),
            (Objective, None),
            (FlipDirection, None),
            (ScatterParam, None),
            (Filter, None),
            (ExportChart, None),
            (Back, back),
            (Help, None),
        ],
        (_, ScreenRoute::Compare { .. }) => vec![
            (DiffOnly, None),
            (ChartMetrics, Some("metric")),
            (XAxis, None),
            (ZoomIn, None),
            (ZoomOut, None),
            (ExportChart, None),
            (MoveDown, Some("scroll")),
            (Back, None),
            (Help, None),
        ],
        (_, ScreenRoute::Training { .. }) => vec![(Back, None), (Help, None), (Quit, None)],
        // A running plan offers pause / abort; otherwise a new plan.
        (_, ScreenRoute::Canary { name })
            if state.canary.plan(name).is_some_and(|p| p.is_live()) =>
        {
            vec![
                (CanaryPause, None),
                (CanaryAbort, None),
                (MoveUp, Some("scroll")),
                (Back, None),
                (Help, None),
            ]
        }
        (_, ScreenRoute::Canary { .. }) => vec![
            (CanaryNew, None),
            (CanaryLoad, None),
            (MoveUp, Some("scroll")),
            (Back, None),
            (Help, None),
        ],
        (_, ScreenRoute::Endpoint { .. }) => vec![
            (ShiftUp, None),
            (ShiftDown, None),
            (SetSplit, None),
            (PromoteCanary, None),
            (Rollback, None),
            (Canary, None),
            (AbView, None),
            (Logs, None),
            (TestQuery, None),
            (Window, None),
            (Back, None),
            (Help, None),
        ],
        (_, ScreenRoute::EndpointLogs { .. }) => vec![
            (SwitchLogs, None),
            (Filter, Some("search")),
            (NextMatch, None),
            (PrevMatch, None),
            (Follow, None),
            (PanRight, Some("long lines")),
            (MoveDown, Some("scroll")),
            (Back, None),
            (Help, None),
        ],
        (_, ScreenRoute::AbView { .. }) => vec![
            (MoveDown, Some("other B")),
            (Window, None),
            (Refresh, None),
            (Back, None),
            (Help, None),
        ],
        // At 80 columns these fit; `y` and `:` are in the help.
        (_, ScreenRoute::Screen(ScreenId::Experiments)) => vec![
            (Open, Some("runs")),
            (Filter, None),
            (Info, None),
            (LaunchTraining, None),
            (Refresh, None),
            (Back, back),
            (Help, None),
            (Quit, None),
        ],
        (_, ScreenRoute::Screen(_)) => vec![
            (Open, None),
            (Filter, None),
            (CopyId, None),
            (Refresh, None),
            (Back, back),
            (Palette, None),
            (Help, None),
            (Quit, None),
        ],
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
            title: match ctx {
                Context::Global => "Everywhere",
                Context::List => "Lists",
                Context::Detail => "Experiment",
                Context::Experiments => "Experiments",
                Context::Runs => "Runs",
                Context::Run => "Run",
                Context::Sweep => "Sweep",
                Context::Compare => "Compare",
                Context::Chart => "Charts",
                Context::Versions => "Versions",
                Context::Approvals => "Approvals",
                Context::Audit => "Audit",
                Context::Endpoint => "Endpoint",
                Context::Canary => "Canary panel",
                Context::Logs => "Logs",
                Context::Ab => "A/B comparison",
                Context::Input => "In the : palette and / filter",
                Context::Picker => "Choice popup",
                Context::Form => "Forms (launch, comment, alias)",
                Context::Confirm => "Confirm dialog",
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
