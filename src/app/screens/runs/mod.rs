//! Runs room: the runs table of one experiment. Rows arrive page by page in the compact
//! [`table::RunTable`]; sorting and MLflow filters run on the server, plain-text filters and
//! the duration sort over the loaded rows, computed once when data or the filter changes (never
//! per frame).

pub mod actions;
pub mod columns;
pub(crate) mod room;
pub mod table;

use std::collections::HashMap;

use crate::api::paging::PageGuard;
use crate::api::{ApiError, ApiResult, ErrorKind};
use crate::ops::run_filter;

use super::super::effect::{Effect, Fetch};
use super::super::list::ListView;
use super::super::msg::RunPage;
use super::super::remote::{Accepted, Remote, RequestId};
use super::super::state::{State, ToastLevel};
use columns::{Column, SortSpec};
use table::{RowRef, RunTable};

/// Runs per page requested from the server.
pub const PAGE_SIZE: usize = 200;
/// The next page is requested when the selection comes this close to the last row.
pub const LOAD_AHEAD: usize = 20;
/// A refresh reloads what was scrolled to, up to this many rows; with more loaded, only `r`
/// refreshes (and brings the table back to this many).
pub const MAX_REFRESH_ROWS: usize = 1000;
/// A local text filter that matches little pages on its own at most this many pages, then
/// suggests a server filter instead of reading the whole experiment.
pub const MAX_AUTO_PAGES: usize = 10;

/// What the rows were asked for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunQuery {
    /// The user's MLflow filter, sent verbatim.
    pub filter: Option<String>,
    pub sort: SortSpec,
    pub top_level_only: bool,
}

impl RunQuery {
    pub fn server_filter(&self) -> Option<String> {
        run_filter::compose(self.filter.as_deref(), self.top_level_only)
    }
}

/// The loaded rows and the query they answer.
#[derive(Debug, Clone, Default)]
pub struct RunRows {
    pub table: RunTable,
    pub query: RunQuery,
    pub next_page_token: Option<String>,
    /// The tokens followed since the first page: a server repeating one would be asked forever.
    pub paging: PageGuard,
    /// Why paging stopped early (a repeated or absurd token, too many pages), shown under the rows.
    pub paging_stopped: Option<String>,
    /// The most common metric and param keys when the query's first page arrived.
    pub default_columns: Vec<Column>,
}

#[derive(Debug, Clone, Default)]
pub struct RunsState {
    pub experiment_id: String,
    pub rows: Remote<RunRows>,
    /// The query of the newest request (sort, filter, nesting as the user set them).
    pub wanted: RunQuery,
    pending_query: Option<(RequestId, RunQuery)>,
    pub view: ListView,
    /// Indices of rows passing the local filter, in display order; `None` = all, as loaded.
    visible: Option<Vec<u32>>,
    /// The server's message for a rejected filter, shown under the filter line.
    pub filter_error: Option<String>,
    /// Index into the shown columns of the column cursor.
    pub col_cursor: usize,
    /// Marked run ids, in marking order.
    pub marks: Vec<String>,
    /// Pages loaded on behalf of the current local filter.
    auto_pages: usize,
    /// Column choices per experiment, kept for the session.
    chosen_columns: HashMap<String, Vec<Column>>,
}

impl RunsState {
    pub fn table(&self) -> Option<&RunTable> {
        self.rows.data.as_ref().map(|r| &r.table)
    }

    pub fn loaded(&self) -> usize {
        self.table().map_or(0, RunTable::len)
    }

    pub fn has_more(&self) -> bool {
        self.rows
            .data
            .as_ref()
            .is_some_and(|d| d.next_page_token.as_deref().is_some_and(|t| !t.is_empty()))
    }

    /// The sort the rows are in (the loaded query's).
    pub fn sort(&self) -> &SortSpec {
        self.rows
            .data
            .as_ref()
            .map_or(&self.wanted.sort, |d| &d.query.sort)
    }

    /// Rows shown (after the local filter).
    pub fn visible_len(&self) -> usize {
        match &self.visible {
            Some(v) => v.len(),
            None => self.loaded(),
        }
    }

    /// The `i`-th shown row.
    pub fn visible_row(&self, i: usize) -> Option<RowRef<'_>> {
        let table = self.table()?;
        let at = match &self.visible {
            Some(v) => *v.get(i)? as usize,
            None => i,
        };
        table.row(at)
    }

    pub fn selected(&self) -> Option<RowRef<'_>> {
        self.visible_row(self.view.selected)
    }

    pub fn selected_id(&self) -> Option<String> {
        self.selected().map(|r| r.id().to_string())
    }

    pub fn is_marked(&self, run_id: &str) -> bool {
        self.marks.iter().any(|m| m == run_id)
    }

    /// The metric and param columns shown: the user's choice for this experiment, else the
    /// defaults of the loaded rows.
    pub fn chosen(&self) -> Vec<Column> {
        if let Some(c) = self.chosen_columns.get(&self.experiment_id) {
            return c.clone();
        }
        self.rows
            .data
            .as_ref()
            .map(|d| d.default_columns.clone())
            .unwrap_or_default()
    }

    /// Every shown column (fixed ones first).
    pub fn columns(&self) -> Vec<Column> {
        columns::all(&self.chosen())
    }

    pub fn set_chosen(&mut self, cols: Vec<Column>) {
        self.chosen_columns.insert(self.experiment_id.clone(), cols);
        self.col_cursor = self.col_cursor.min(self.columns().len().saturating_sub(1));
    }

    /// The typed filter text, when it reads as plain text (a local filter).
    pub fn local_needle(&self) -> Option<String> {
        let text = self.view.filter_text().trim();
        (!text.is_empty() && !run_filter::is_filter(text)).then(|| text.to_lowercase())
    }

    /// The typed text is an MLflow filter not yet sent.
    pub fn filter_unsent(&self) -> bool {
        let text = self.view.filter_text().trim();
        run_filter::is_filter(text) && self.wanted.filter.as_deref() != Some(text)
    }

    /// Recomputes the shown rows: local filter, then the local (duration) sort. Runs when rows
    /// arrive or the filter changes; drawing only reads the result.
    pub(crate) fn recompute_visible(&mut self, now_ms: i64) {
        let needle = self.local_needle();
        let sort = self.sort().clone();
        let Some(table) = self.table() else {
            self.visible = None;
            return;
        };
        if needle.is_none() && !sort.is_local() {
            self.visible = None;
            return;
        }
        let mut idx: Vec<u32> = (0..table.len() as u32)
            .filter(|i| {
                let Some(n) = &needle else { return true };
                table.row(*i as usize).is_some_and(|r| row_matches(&r, n))
            })
            .collect();
        if sort.is_local() {
            let key = |i: &u32| table.row(*i as usize).and_then(|r| r.duration(now_ms));
            idx.sort_by(|a, b| {
                // Rows without a duration last in both directions.
                match (key(a), key(b)) {
                    (Some(x), Some(y)) if sort.descending => y.cmp(&x),
                    (Some(x), Some(y)) => x.cmp(&y),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                }
            });
        }
        self.visible = Some(idx);
    }

    /// Puts the selection on `run_id` if shown, else keeps it in range.
    fn select_id(&mut self, run_id: Option<&str>, page: usize) {
        let len = self.visible_len();
        let pos = run_id
            .and_then(|id| (0..len).find(|i| self.visible_row(*i).is_some_and(|r| r.id() == id)));
        match pos {
            Some(p) => self.view.select(p, len, page),
            None => self.view.keep_visible(len, page),
        }
    }
}

/// Case-insensitive match of a lowercase needle against the row's text cells.
fn row_matches(r: &RowRef<'_>, needle: &str) -> bool {
    let has = |hay: &str| contains_ci(hay, needle);
    has(r.name())
        || has(r.id())
        || has(r.status().label())
        || has(r.user())
        || r.param_values().any(has)
}

/// `needle` is lowercase. ASCII text is compared without allocating.
fn contains_ci(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if hay.is_ascii() && needle.is_ascii() {
        let n = needle.as_bytes();
        return hay
            .as_bytes()
            .windows(n.len())
            .any(|w| w.eq_ignore_ascii_case(n));
    }
    hay.to_lowercase().contains(needle)
}

/// Opens the runs of `experiment_id`: keeps what is loaded for the same experiment, starts
/// afresh (keeping column choices) for another.
pub(crate) fn open(state: &mut State, experiment_id: &str, fx: &mut Vec<Effect>) {
    let runs = &mut state.runs;
    if runs.experiment_id != experiment_id {
        let chosen = std::mem::take(&mut runs.chosen_columns);
        *runs = RunsState {
            experiment_id: experiment_id.to_string(),
            chosen_columns: chosen,
            wanted: RunQuery {
                top_level_only: true,
                ..RunQuery::default()
            },
            ..RunsState::default()
        };
    }
    load(state, false, fx);
}

/// Loads the first pages if due (or `force`); the periodic refresh only while the loaded rows
/// are few enough to reload cheaply.
pub(crate) fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let every = super::refresh_every_ms(state);
    let runs = &state.runs;
    let loaded = runs.loaded();
    let due = runs.rows.is_due(state.now_ms, every) && loaded <= MAX_REFRESH_ROWS;
    if !(force || due) || runs.experiment_id.is_empty() {
        return;
    }
    let query = runs
        .rows
        .data
        .as_ref()
        .map_or_else(|| runs.wanted.clone(), |d| d.query.clone());
    let min_rows = loaded.clamp(PAGE_SIZE, MAX_REFRESH_ROWS);
    start(state, query, None, min_rows, fx);
}

/// Runs `query` from its first page (a new sort, filter or nesting).
pub(crate) fn requery(state: &mut State, query: RunQuery, fx: &mut Vec<Effect>) {
    state.runs.wanted = query.clone();
    state.runs.auto_pages = 0;
    start(state, query, None, PAGE_SIZE, fx);
}

fn start(
    state: &mut State,
    query: RunQuery,
    page_token: Option<String>,
    min_rows: usize,
    fx: &mut Vec<Effect>,
) {
    let req = state.next_request();
    let runs = &mut state.runs;
    runs.rows.start(req);
    let fetch = Fetch::Runs {
        experiment_id: runs.experiment_id.clone(),
        filter: query.server_filter(),
        order_by: query.sort.order_by(),
        page_token,
        min_rows,
    };
    runs.pending_query = Some((req, query));
    fx.push(Effect::Fetch { req, fetch });
}

/// Requests the next page when the selection nears the end of the shown rows. A local filter
/// that matches little keeps paging, but only for [`MAX_AUTO_PAGES`].
pub(crate) fn maybe_load_more(state: &mut State, fx: &mut Vec<Effect>) {
    let runs = &state.runs;
    let near_end = runs.view.selected + LOAD_AHEAD >= runs.visible_len();
    if !near_end || runs.rows.is_loading() || !runs.has_more() {
        return;
    }
    let filtering_locally = runs.local_needle().is_some();
    if filtering_locally && runs.auto_pages >= MAX_AUTO_PAGES {
        return;
    }
    let Some(data) = &runs.rows.data else { return };
    let (query, token) = (data.query.clone(), data.next_page_token.clone());
    if filtering_locally {
        state.runs.auto_pages += 1;
    }
    start(state, query, token, 0, fx);
}

/// Whether the local filter gave up paging (the view suggests a server filter).
pub fn auto_paging_stopped(runs: &RunsState) -> bool {
    runs.local_needle().is_some() && runs.auto_pages >= MAX_AUTO_PAGES && runs.has_more()
}

/// The server's words for a rejected request (without the status prefix).
fn server_message(e: &ApiError) -> String {
    match e {
        ApiError::Api { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn on_loaded(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: ApiResult<RunPage>,
    fx: &mut Vec<Effect>,
) -> Accepted {
    let runs = &mut state.runs;
    let query = match runs.pending_query.take() {
        Some((r, q)) if r == req => q,
        other => {
            runs.pending_query = other;
            return Accepted::Stale;
        }
    };
    let page = match result {
        Ok(page) => page,
        // A filter the server rejects: its message goes under the filter line, the rows of the
        // previous query stay, and nothing toasts.
        Err(e) if query.filter.is_some() && e.kind() == Some(ErrorKind::BadRequest) => {
            if runs.rows.pending == Some(req) {
                runs.rows.pending = None;
                runs.rows.answered_at = Some(at);
                runs.filter_error = Some(server_message(&e));
                // What is asked for again (sort, paging) is what is shown.
                if let Some(d) = &runs.rows.data {
                    runs.wanted = d.query.clone();
                }
                return Accepted::QuietError;
            }
            return Accepted::Stale;
        }
        // A server without `IS NULL` for tags (older MLflow): show all runs instead, and say so.
        Err(e)
            if query.top_level_only
                && query.filter.is_none()
                && e.kind() == Some(ErrorKind::BadRequest)
                && runs.rows.pending == Some(req) =>
        {
            runs.rows.pending = None;
            let all = RunQuery {
                top_level_only: false,
                ..query
            };
            state.toast(
                ToastLevel::Info,
                "this server cannot filter top-level runs (IS NULL): showing all runs",
            );
            requery(state, all, fx);
            return Accepted::QuietError;
        }
        Err(e) => return runs.rows.accept(req, at, Err::<RunPage, _>(e), |_, _| {}),
    };
    let keep = runs.selected_id();
    let same_query = runs.rows.data.as_ref().is_some_and(|d| d.query == query);
    let append = page.append;
    let accepted = runs
        .rows
        .accept(req, at, Ok::<_, ApiError>(page), |slot, page| {
            let rows = slot.get_or_insert_with(RunRows::default);
            if !page.append {
                rows.table.clear_rows();
                rows.paging = PageGuard::new("runs/search");
            }
            for run in &page.runs {
                rows.table.push(run);
            }
            (rows.next_page_token, rows.paging_stopped) =
                match rows.paging.next(page.next_page_token) {
                    Ok(token) => (token, None),
                    Err(e) => (None, Some(e.to_string())),
                };
            if !page.append {
                rows.default_columns = columns::defaults(&rows.table);
                rows.query = query;
            }
        });
    if accepted == Accepted::Ok {
        if !append {
            runs.filter_error = None;
        }
        let now = state.now_ms;
        let page_rows = state.list_page_rows();
        let runs = &mut state.runs;
        runs.recompute_visible(now);
        runs.col_cursor = runs.col_cursor.min(runs.columns().len().saturating_sub(1));
        if append || same_query {
            // Appending or refreshing: stay on the run that was selected.
            runs.select_id(keep.as_deref(), page_rows);
        } else {
            runs.view.selected = 0;
            runs.view.offset = 0;
        }
        maybe_load_more(state, fx);
        // The rows stay; the reason paging stopped is worth a toast as well as its line.
        let stopped = state.runs.rows.data.as_ref();
        if let Some(why) = stopped.and_then(|d| d.paging_stopped.clone()) {
            return Accepted::NewError(why);
        }
    }
    accepted
}

impl RunsState {
    /// Requests of this room in flight (the status bar's count).
    pub fn loading(&self) -> usize {
        usize::from(self.rows.is_loading())
    }
}
