//! Keys of the runs table and its `/` filter.

use super::super::super::action::Action;
use super::super::super::effect::Effect;
use super::super::super::picker::{Picker, PickerPurpose};
use super::super::super::screen::ScreenRoute;
use super::super::super::state::{Overlay, State, ToastLevel};
use super::columns;
use super::{RunQuery, maybe_load_more, requery};
use crate::ops::run_filter;

pub(crate) fn on_action(
    state: &mut State,
    experiment_id: &str,
    action: Action,
    fx: &mut Vec<Effect>,
) -> bool {
    let page = state.list_page_rows();
    let len = state.runs.visible_len();
    let runs = &mut state.runs;
    match action {
        Action::MoveDown => runs.view.move_by(1, len, page),
        Action::MoveUp => runs.view.move_by(-1, len, page),
        Action::PageDown => runs.view.move_by(page as isize, len, page),
        Action::PageUp => runs.view.move_by(-(page as isize), len, page),
        Action::First => runs.view.select(0, len, page),
        Action::Last => runs.view.select(len.saturating_sub(1), len, page),
        Action::Filter => runs.view.filtering = true,
        Action::ColumnLeft => runs.col_cursor = runs.col_cursor.saturating_sub(1),
        Action::ColumnRight => {
            let last = runs.columns().len().saturating_sub(1);
            runs.col_cursor = (runs.col_cursor + 1).min(last);
        }
        Action::Sort => {
            let Some(column) = runs.columns().get(runs.col_cursor).cloned() else {
                return true;
            };
            let query = RunQuery {
                sort: runs.wanted.sort.pressed(&column),
                ..runs.wanted.clone()
            };
            requery(state, query, fx);
        }
        Action::ToggleNested => {
            let query = RunQuery {
                top_level_only: !runs.wanted.top_level_only,
                ..runs.wanted.clone()
            };
            let text = if query.top_level_only {
                "top-level runs only"
            } else {
                "all runs, nested trials included"
            };
            state.toast(ToastLevel::Info, text);
            requery(state, query, fx);
        }
        Action::Columns => {
            let Some(table) = runs.table() else {
                return true;
            };
            let items = columns::picker_items(table, &runs.chosen());
            let picker = Picker::new("Columns", PickerPurpose::RunColumns, items, true);
            state.overlay = Overlay::Picker(picker);
        }
        Action::Mark => {
            if let Some(id) = runs.selected_id() {
                match runs.marks.iter().position(|m| *m == id) {
                    Some(i) => {
                        runs.marks.remove(i);
                    }
                    None => runs.marks.push(id),
                }
                runs.view.move_by(1, len, page);
            }
        }
        Action::Compare => {
            if runs.marks.len() < 2 {
                state.toast(
                    ToastLevel::Info,
                    "mark two or more runs with space to compare them",
                );
                return true;
            }
            let run_ids = runs.marks.clone();
            state.push_route(ScreenRoute::Compare { run_ids });
            super::super::load(state, false, fx);
        }
        Action::Open | Action::Sweep => {
            let Some(run_id) = runs.selected_id() else {
                return true;
            };
            let route = if action == Action::Open {
                ScreenRoute::RunDetail { run_id }
            } else {
                ScreenRoute::Sweep { run_id }
            };
            state.push_route(route);
            super::super::load(state, false, fx);
        }
        Action::Info => {
            let experiment_id = experiment_id.to_string();
            state.push_route(ScreenRoute::ExperimentDetail { experiment_id });
        }
        Action::LaunchTraining => super::super::training::start(state, experiment_id, fx),
        Action::CopyId => {
            if let Some(id) = runs.selected_id() {
                super::super::copy(state, id, fx);
            }
        }
        _ => return false,
    }
    state.dirty = true;
    maybe_load_more(state, fx);
    true
}

/// The filter text changed (typing, Esc): plain text filters the loaded rows at once; an MLflow
/// filter waits for Enter. Clearing the text drops a server filter in effect.
pub(crate) fn filter_changed(state: &mut State, fx: &mut Vec<Effect>) {
    let now = state.now_ms;
    let runs = &mut state.runs;
    runs.view.selected = 0;
    runs.view.offset = 0;
    runs.auto_pages = 0;
    let text = runs.view.filter_text().trim().to_string();
    if text.is_empty() {
        runs.filter_error = None;
        if runs.wanted.filter.is_some() {
            let query = RunQuery {
                filter: None,
                ..runs.wanted.clone()
            };
            requery(state, query, fx);
            return;
        }
    }
    runs.recompute_visible(now);
    maybe_load_more(state, fx);
}

/// Enter on the filter line: an MLflow filter goes to the server; plain text stays local (and
/// replaces a server filter in effect).
pub(crate) fn filter_submitted(state: &mut State, fx: &mut Vec<Effect>) {
    let runs = &mut state.runs;
    let text = runs.view.filter_text().trim().to_string();
    let filter = run_filter::is_filter(&text).then_some(text);
    if filter != runs.wanted.filter {
        runs.filter_error = None;
        let query = RunQuery {
            filter,
            ..runs.wanted.clone()
        };
        requery(state, query, fx);
    }
}
