//! Experiments room: the paged table, its filter, and the experiment detail drill-down.

use tui_input::Input;

use crate::api::ApiResult;
use crate::api::models::mlflow::Experiment;
use crate::api::paging::PageGuard;
use crate::safe_text;

use super::super::action::Action;
use super::super::effect::{Effect, Fetch};
use super::super::format;
use super::super::list::ListView;
use super::super::msg::ExperimentPage;
use super::super::remote::{Accepted, Remote, RequestId};
use super::super::screen::ScreenRoute;
use super::super::state::State;

/// How experiments are listed, in the TUI and headless: most recently updated first.
pub const ORDER_BY: &str = "last_update_time DESC";

/// Rows per page requested from the server.
pub const PAGE_SIZE: usize = 100;
/// The next page is requested when the selection comes this close to the last loaded row.
pub const LOAD_AHEAD: usize = 10;
/// A refresh reloads what was scrolled to, but never more than this many rows.
pub const MAX_REFRESH_ROWS: usize = 1000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExperimentRows {
    pub rows: Vec<Experiment>,
    pub next_page_token: Option<String>,
    /// The tokens followed since the first page: a server repeating one would be asked forever.
    pub paging: PageGuard,
    /// Why paging stopped early (a repeated or absurd token, too many pages), shown under the rows.
    pub paging_stopped: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ExperimentsState {
    pub list: Remote<ExperimentRows>,
    pub view: ListView,
}

/// The visible columns of a row: name, id, last update, tags. The filter matches these same
/// strings, so what you see is what you can find. Server text comes escaped (`safe_text`).
pub fn cells(e: &Experiment, now_ms: i64) -> [String; 4] {
    [
        safe_text::line(&e.name).into_owned(),
        safe_text::line(&e.experiment_id).into_owned(),
        format::ago(now_ms, e.last_update_time),
        safe_text::line(&format::user_tags(&e.tags)).into_owned(),
    ]
}

impl ExperimentsState {
    pub fn rows(&self) -> &[Experiment] {
        self.list
            .data
            .as_ref()
            .map(|d| d.rows.as_slice())
            .unwrap_or(&[])
    }

    /// Whether the server has more pages.
    pub fn has_more(&self) -> bool {
        self.list
            .data
            .as_ref()
            .is_some_and(|d| d.next_page_token.as_deref().is_some_and(|t| !t.is_empty()))
    }

    /// Indices into `rows()` that pass the filter, in display order.
    pub fn visible(&self, now_ms: i64) -> Vec<usize> {
        let needle = self.view.needle();
        self.rows()
            .iter()
            .enumerate()
            .filter(|(_, e)| format::matches_any(&needle, &cells(e, now_ms)))
            .map(|(i, _)| i)
            .collect()
    }

    pub fn selected(&self, now_ms: i64) -> Option<&Experiment> {
        let visible = self.visible(now_ms);
        visible.get(self.view.selected).map(|i| &self.rows()[*i])
    }

    pub fn find(&self, id: &str) -> Option<&Experiment> {
        self.rows().iter().find(|e| e.experiment_id == id)
    }

    pub fn names(&self) -> Vec<&str> {
        self.rows().iter().map(|e| e.name.as_str()).collect()
    }

    fn select_id(&mut self, id: &str, now_ms: i64, page: usize) {
        let visible = self.visible(now_ms);
        if let Some(pos) = visible
            .iter()
            .position(|i| self.rows()[*i].experiment_id == id)
        {
            self.view.select(pos, visible.len(), page);
        } else {
            self.view.keep_visible(visible.len(), page);
        }
    }
}

/// Loads the first pages if due (or `force`): enough to cover what was already scrolled to.
pub(crate) fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let every = super::refresh_every_ms(state);
    let ex = &state.experiments;
    if !(force || ex.list.is_due(state.now_ms, every)) {
        return;
    }
    let min_rows = ex.rows().len().clamp(PAGE_SIZE, MAX_REFRESH_ROWS);
    start(state, None, min_rows, fx);
}

fn start(state: &mut State, page_token: Option<String>, min_rows: usize, fx: &mut Vec<Effect>) {
    let req = state.next_request();
    state.experiments.list.start(req);
    let fetch = Fetch::Experiments {
        page_token,
        min_rows,
    };
    fx.push(Effect::Fetch { req, fetch });
}

/// Requests the next page when the selection is near the end of the (filtered) rows. With a
/// filter that matches little this keeps paging until the screen fills or pages run out, so
/// every experiment is reachable.
pub(crate) fn maybe_load_more(state: &mut State, fx: &mut Vec<Effect>) {
    let ex = &state.experiments;
    let near_end = ex.view.selected + LOAD_AHEAD >= ex.visible(state.now_ms).len();
    if !near_end || ex.list.is_loading() || !ex.has_more() {
        return;
    }
    let token = ex
        .list
        .data
        .as_ref()
        .and_then(|d| d.next_page_token.clone());
    start(state, token, 0, fx);
}

pub(crate) fn on_loaded(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: ApiResult<ExperimentPage>,
    fx: &mut Vec<Effect>,
) -> Accepted {
    let now = state.now_ms;
    let keep = state
        .experiments
        .selected(now)
        .map(|e| e.experiment_id.clone());
    let accepted = state
        .experiments
        .list
        .accept(req, at, result, |slot, page| {
            let d = match slot {
                Some(d) if page.append => d,
                _ => slot.insert(ExperimentRows {
                    paging: PageGuard::new("experiments/search"),
                    ..Default::default()
                }),
            };
            d.rows.extend(page.experiments);
            (d.next_page_token, d.paging_stopped) = match d.paging.next(page.next_page_token) {
                Ok(token) => (token, None),
                Err(e) => (None, Some(e.to_string())),
            };
        });
    if accepted != Accepted::Ok {
        return accepted;
    }
    let page = state.list_page_rows();
    match keep {
        // A refresh may reorder rows: follow the selected experiment, not its position.
        Some(id) => state.experiments.select_id(&id, now, page),
        None => {
            let len = state.experiments.visible(now).len();
            state.experiments.view.keep_visible(len, page);
        }
    }
    maybe_load_more(state, fx);
    // The rows stay; the reason paging stopped is worth a toast as well as its line.
    let stopped = state.experiments.list.data.as_ref();
    match stopped.and_then(|d| d.paging_stopped.clone()) {
        Some(why) => Accepted::NewError(why),
        None => Accepted::Ok,
    }
}

/// Keys of the table.
pub(crate) fn on_list_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> bool {
    let now = state.now_ms;
    let page = state.list_page_rows();
    let len = state.experiments.visible(now).len();
    let view = &mut state.experiments.view;
    match action {
        Action::MoveDown => view.move_by(1, len, page),
        Action::MoveUp => view.move_by(-1, len, page),
        Action::PageDown => view.move_by(page as isize, len, page),
        Action::PageUp => view.move_by(-(page as isize), len, page),
        Action::First => view.select(0, len, page),
        Action::Last => view.select(len.saturating_sub(1), len, page),
        Action::Filter => view.filtering = true,
        Action::Open | Action::Info => {
            let Some(e) = state.experiments.selected(now) else {
                return true;
            };
            let experiment_id = e.experiment_id.clone();
            if action == Action::Open {
                state.push_route(ScreenRoute::Runs { experiment_id });
                super::load(state, false, fx);
            } else {
                state.push_route(ScreenRoute::ExperimentDetail { experiment_id });
            }
        }
        Action::LaunchTraining => {
            if let Some(id) = state
                .experiments
                .selected(now)
                .map(|e| e.experiment_id.clone())
            {
                super::training::start(state, &id, fx);
            }
        }
        Action::CopyId => {
            if let Some(id) = state
                .experiments
                .selected(now)
                .map(|e| e.experiment_id.clone())
            {
                super::copy(state, id, fx);
            }
        }
        _ => return false,
    }
    state.dirty = true;
    maybe_load_more(state, fx);
    true
}

/// Keys of the detail view: j/k step through the (filtered) list without leaving it.
pub(crate) fn on_detail_action(
    state: &mut State,
    id: &str,
    action: Action,
    fx: &mut Vec<Effect>,
) -> bool {
    let step = match action {
        Action::MoveDown => 1,
        Action::MoveUp => -1,
        Action::CopyId => {
            super::copy(state, id.to_string(), fx);
            return true;
        }
        Action::Open => {
            let experiment_id = id.to_string();
            state.push_route(ScreenRoute::Runs { experiment_id });
            super::load(state, false, fx);
            return true;
        }
        Action::LaunchTraining => {
            super::training::start(state, id, fx);
            return true;
        }
        _ => return false,
    };
    let (now, page) = (state.now_ms, state.list_page_rows());
    state.experiments.select_id(id, now, page);
    let len = state.experiments.visible(now).len();
    state.experiments.view.move_by(step, len, page);
    if let Some(next) = state.experiments.selected(now) {
        let experiment_id = next.experiment_id.clone();
        state.replace_route(ScreenRoute::ExperimentDetail { experiment_id });
    }
    maybe_load_more(state, fx);
    true
}

/// `:exp NAME`: an exact name opens that experiment's runs; anything else becomes the filter.
pub(crate) fn show_named(state: &mut State, name: &str, fx: &mut Vec<Effect>) {
    let (now, page) = (state.now_ms, state.list_page_rows());
    let exact = state
        .experiments
        .rows()
        .iter()
        .find(|e| e.name == name)
        .map(|e| e.experiment_id.clone());
    match exact {
        Some(id) => {
            state.experiments.view.clear_filter();
            state.experiments.select_id(&id, now, page);
            state.push_route(ScreenRoute::Runs { experiment_id: id });
            super::load(state, false, fx);
        }
        None => {
            state.experiments.view.clear_filter();
            state.experiments.view.filter = Input::new(name.to_string());
            maybe_load_more(state, fx);
        }
    }
}

impl ExperimentsState {
    /// Requests of this room in flight (the status bar's count).
    pub fn loading(&self) -> usize {
        usize::from(self.list.is_loading())
    }
}

/// The rooms of screen 2 and of one experiment's page.
pub(crate) mod room {
    use super::*;
    use crate::app::action::Action;
    use crate::app::keymap::Context;
    use crate::app::room::{ListAccess, Offer, Plain, Room, back_label};
    use crate::app::screen::ScreenRoute;

    /// The experiments table.
    pub static ROOM: Plain = Plain {
        contexts: &[Context::Experiments, Context::List, Context::Global],
        load,
        open: None,
        settled: |s| s.experiments.list.is_settled(),
        data_at: |s| s.experiments.list.loaded_at,
        on_action: on_list_action,
        // At 80 columns these fit; `y` and `:` are in the help.
        offers: |s| {
            use Action::*;
            vec![
                (Open, Some("runs")),
                (Filter, None),
                (Info, None),
                (LaunchTraining, None),
                (Refresh, None),
                (Back, back_label(s)),
                (Help, None),
                (Quit, None),
            ]
        },
        list: Some(ListAccess {
            get: |s| &s.experiments.view,
            get_mut: |s| &mut s.experiments.view,
        }),
        after_filter: Some(maybe_load_more),
    };

    /// One experiment's page (ids, tags).
    pub struct ExperimentDetailRoom;

    impl Room for ExperimentDetailRoom {
        fn contexts(&self) -> &'static [Context] {
            &[Context::Detail, Context::Global]
        }
        fn load(&self, state: &mut State, _: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
            load(state, force, fx)
        }
        fn is_settled(&self, state: &State) -> bool {
            state.experiments.list.is_settled()
        }
        fn data_at(&self, state: &State) -> Option<i64> {
            state.experiments.list.loaded_at
        }
        fn on_action(
            &self,
            state: &mut State,
            route: &ScreenRoute,
            action: Action,
            fx: &mut Vec<Effect>,
        ) -> bool {
            match route {
                ScreenRoute::ExperimentDetail { experiment_id } => {
                    on_detail_action(state, &experiment_id.clone(), action, fx)
                }
                _ => false,
            }
        }
        fn offers(&self, _: &State, _: &ScreenRoute) -> Vec<Offer> {
            use Action::*;
            vec![
                (Open, Some("runs")),
                (MoveDown, Some("next")),
                (MoveUp, Some("prev")),
                (LaunchTraining, None),
                (CopyId, None),
                (Back, None),
                (Help, None),
                (Quit, None),
            ]
        }
    }
}
