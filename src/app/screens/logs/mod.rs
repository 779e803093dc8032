//! Logs of one served entity: the model server's recent lines and the container build log
//! (`tab` switches), opened on the newest line and scrolled like a list, searched with `/` (`n`/`N` jump between matching
//! lines), moved sideways over long lines with `←`/`→` (`h`/`l`), and followed with `f` (the log on screen is re-read every [`FOLLOW_POLL_MS`] and the
//! view stays on the newest line). A failed refresh keeps the lines already shown.

pub(crate) mod room;
pub mod text;

use crate::api::ApiResult;

use super::super::action::Action;
use super::super::effect::{Effect, Fetch};
use super::super::list::ListView;
use super::super::remote::{Accepted, Remote, RequestId, replace};
use super::super::screen::ScreenRoute;
use super::super::state::{State, ToastLevel};
use super::serving;

/// How many columns `←` / `→` move the view over long lines.
pub const PAN_COLUMNS: usize = 20;

/// How often the log on screen is re-read while following.
pub const FOLLOW_POLL_MS: i64 = 2_000;

/// Which log of a served entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LogKind {
    /// The model server's recent lines (`…/served-models/{served}/logs`).
    #[default]
    Server,
    /// The container build (`…/served-models/{served}/build-logs`).
    Build,
}

impl LogKind {
    pub fn label(self) -> &'static str {
        match self {
            LogKind::Server => "server logs",
            LogKind::Build => "build logs",
        }
    }

    fn other(self) -> LogKind {
        match self {
            LogKind::Server => LogKind::Build,
            LogKind::Build => LogKind::Server,
        }
    }
}

/// Whose log an answer is: a late answer for another entity is recognised and dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSource {
    pub name: String,
    pub entity: String,
    pub kind: LogKind,
}

/// One log: its lines and the cursor over them.
#[derive(Debug, Clone, Default)]
pub struct LogPane {
    pub lines: Remote<Vec<String>>,
    /// `selected` is the cursor line (where `n`/`N` land); `offset` the first line shown.
    pub view: ListView,
}

impl LogPane {
    /// Puts the cursor on the newest line.
    fn select_newest(&mut self, page: usize) {
        let len = self.len();
        self.view.select(len.saturating_sub(1), len, page);
    }

    pub fn len(&self) -> usize {
        self.lines.data.as_ref().map_or(0, Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn at_bottom(&self) -> bool {
        self.view.selected + 1 >= self.len()
    }
}

#[derive(Debug, Clone, Default)]
pub struct LogsState {
    pub name: String,
    pub entity: String,
    pub kind: LogKind,
    pub server: LogPane,
    pub build: LogPane,
    /// Keep the view on the newest line and re-read the log on screen.
    pub follow: bool,
    /// The `/` search: only its text and `filtering` flag are used (lines are never hidden).
    pub search: ListView,
    /// Columns of every line scrolled off to the left (`←` / `→`).
    pub hscroll: usize,
}

impl LogsState {
    pub fn pane(&self) -> &LogPane {
        match self.kind {
            LogKind::Server => &self.server,
            LogKind::Build => &self.build,
        }
    }

    fn pane_mut(&mut self) -> &mut LogPane {
        match self.kind {
            LogKind::Server => &mut self.server,
            LogKind::Build => &mut self.build,
        }
    }

    fn pane_of_mut(&mut self, kind: LogKind) -> &mut LogPane {
        match kind {
            LogKind::Server => &mut self.server,
            LogKind::Build => &mut self.build,
        }
    }

    pub fn lines(&self) -> &[String] {
        self.pane().lines.data.as_deref().unwrap_or(&[])
    }

    /// Characters in the longest line of the log on screen.
    pub fn longest(&self) -> usize {
        self.lines()
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
    }

    /// Indices of the lines of the log on screen that match the search.
    pub fn matches(&self) -> Vec<usize> {
        text::matching_lines(self.lines(), self.search.filter_text())
    }
}

/// Lines of the log body at the current size: the list area minus the log's own header line
/// and the search line when one shows.
fn page_rows(state: &State) -> usize {
    let search = usize::from(state.logs.search.filtering || state.logs.search.has_filter());
    state.list_page_rows().saturating_sub(search).max(1)
}

/// `l` on the endpoint screen: the logs of the selected entity.
pub(crate) fn open_selected(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(entity) = state.serving.selected_entity() else {
        state.toast(ToastLevel::Info, "no served entity selected");
        return;
    };
    let name = state.serving.name.clone();
    state.push_route(ScreenRoute::EndpointLogs { name, entity });
    // Opening the logs reads them afresh, even when they were read before.
    load(state, true, fx);
}

/// Loads what the logs route shows: the endpoint (its metrics keep polling), and the log on
/// screen when never read, when due while following, or when `force`.
pub(crate) fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let ScreenRoute::EndpointLogs { name, entity } = state.route().clone() else {
        return;
    };
    serving::open(state, &name, false, fx);
    let l = &mut state.logs;
    if l.name != name || l.entity != entity {
        *l = LogsState {
            name: name.clone(),
            entity: entity.clone(),
            ..LogsState::default()
        };
    }
    let every = state.logs.follow.then_some(FOLLOW_POLL_MS);
    let kind = state.logs.kind;
    let due = state.logs.pane().lines.is_due(state.now_ms, every);
    let idle = !state.logs.pane().lines.is_loading();
    if due || (force && idle) {
        let req = state.next_request();
        state.logs.pane_of_mut(kind).lines.start(req);
        fx.push(Effect::Fetch {
            req,
            fetch: Fetch::EntityLogs { name, entity, kind },
        });
    }
}

pub(crate) fn on_loaded(
    state: &mut State,
    req: RequestId,
    at: i64,
    source: LogSource,
    result: ApiResult<String>,
) -> Accepted {
    let l = &mut state.logs;
    if source.name != l.name || source.entity != l.entity {
        return Accepted::Stale;
    }
    // A log opens on its newest line, like a terminal tail; later refreshes keep the cursor
    // unless following.
    let first = l.pane_of_mut(source.kind).lines.data.is_none();
    let follow = first || (l.follow && l.kind == source.kind);
    let accepted = l.pane_of_mut(source.kind).lines.accept(
        req,
        at,
        result.map(|raw| text::lines(&raw)),
        replace,
    );
    let page = page_rows(state);
    let pane = state.logs.pane_of_mut(source.kind);
    if follow {
        pane.select_newest(page);
    } else {
        let len = pane.len();
        pane.view.keep_visible(len, page);
    }
    accepted
}

pub(crate) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> bool {
    let page = page_rows(state);
    let len = state.logs.pane().len();
    if state.logs.pane_mut().view.navigate(action, len, page) {
        // `G` resumes following; any move that leaves the newest line stops it.
        if action == Action::Last {
            start_following(state, fx);
        } else if !state.logs.pane().at_bottom() {
            state.logs.follow = false;
        }
        state.dirty = true;
        return true;
    }
    match action {
        Action::Filter => state.logs.search.filtering = true,
        Action::NextMatch => jump(state, true),
        Action::PrevMatch => jump(state, false),
        Action::Follow if state.logs.follow => state.logs.follow = false,
        Action::Follow => start_following(state, fx),
        Action::PanRight => {
            let l = &mut state.logs;
            // The last columns of the longest line stay in view.
            l.hscroll = (l.hscroll + PAN_COLUMNS).min(l.longest().saturating_sub(PAN_COLUMNS));
        }
        Action::PanLeft => {
            let l = &mut state.logs;
            l.hscroll = l.hscroll.saturating_sub(PAN_COLUMNS);
        }
        Action::SwitchLogs => {
            state.logs.kind = state.logs.kind.other();
            if state.logs.follow {
                state.logs.pane_mut().select_newest(page);
            }
            load(state, false, fx);
        }
        Action::CopyId => {
            let l = &state.logs;
            let id = format!("{}/{}", l.name, l.entity);
            super::copy(state, id, fx);
        }
        _ => return false,
    }
    state.dirty = true;
    true
}

/// Follow on: jump to the newest line and re-read the log now.
fn start_following(state: &mut State, fx: &mut Vec<Effect>) {
    state.logs.follow = true;
    let page = page_rows(state);
    state.logs.pane_mut().select_newest(page);
    load(state, true, fx);
}

/// `n` / `N`: the next (previous) matching line after (before) the cursor, wrapping around.
fn jump(state: &mut State, forward: bool) {
    let needle = state.logs.search.filter_text().to_string();
    if needle.is_empty() {
        state.toast(ToastLevel::Info, "no search: press / to search");
        return;
    }
    let matches = state.logs.matches();
    let cursor = state.logs.pane().view.selected;
    let target = if forward {
        matches.iter().find(|&&i| i > cursor).or(matches.first())
    } else {
        matches
            .iter()
            .rev()
            .find(|&&i| i < cursor)
            .or(matches.last())
    };
    match target.copied() {
        Some(i) => go_to(state, i),
        None => state.toast(ToastLevel::Info, format!("no line matches \"{needle}\"")),
    }
}

/// Moves the cursor to line `i` (following stops unless it is the newest line).
fn go_to(state: &mut State, i: usize) {
    let page = page_rows(state);
    let len = state.logs.pane().len();
    state.logs.pane_mut().view.select(i, len, page);
    if !state.logs.pane().at_bottom() {
        state.logs.follow = false;
    }
}

/// The search text changed: the cursor goes to the first match at or after it (incremental
/// search, as in a pager); an empty search leaves it where it is.
pub(crate) fn search_changed(state: &mut State) {
    let matches = state.logs.matches();
    let cursor = state.logs.pane().view.selected;
    if let Some(i) = matches
        .iter()
        .find(|&&i| i >= cursor)
        .or(matches.first())
        .copied()
    {
        go_to(state, i);
    }
}

/// Where the cursor stands among the matches: (1-based index if on a match, count).
pub fn match_position(logs: &LogsState) -> (Option<usize>, usize) {
    let matches = logs.matches();
    let cursor = logs.pane().view.selected;
    let at = matches.iter().position(|&i| i == cursor).map(|p| p + 1);
    (at, matches.len())
}

impl LogsState {
    /// Requests of this room in flight (the status bar's count).
    pub fn loading(&self) -> usize {
        crate::app::remote::in_flight(&[
            self.server.lines.is_loading(),
            self.build.lines.is_loading(),
        ])
    }
}
