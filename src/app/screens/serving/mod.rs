//! Serving room: the endpoint list (5) and one endpoint (its entities, routes, live metrics).
//! The list is this room's own (the Overview's endpoints panel reads it); the endpoint on screen
//! is polled (faster while an update runs), its metrics every [`METRICS_POLL_MS`] — and so are
//! the metrics of endpoints with a running canary plan, on any screen (see [`scrape`]). Scrapes
//! are kept in the state's metrics store ([`store`]) for the console's life, so an endpoint
//! opened again shows its earlier charts at once.

pub mod bench;
pub(crate) mod bench_run;
pub mod charts;
pub mod history;
pub mod live_series;
pub mod query;
pub(crate) mod room;
pub mod scrape;
pub mod store;
pub mod traffic;

use crate::api::ApiResult;
use crate::api::models::serving::ServingEndpoint;
use crate::ops::traffic::wait::is_updating;

use super::super::action::Action;
use super::super::effect::{Effect, Fetch};
use super::super::list::ListView;
use super::super::remote::{Accepted, Remote, RequestId, replace};
use super::super::screen::ScreenRoute;
use super::super::state::State;

pub use history::MetricsHistory;
pub use store::{EndpointMetrics, MetricsStore};

/// How often the endpoint on screen is scraped.
pub const METRICS_POLL_MS: i64 = 2_000;
/// How often the endpoint is re-read while a config update runs.
pub const UPDATING_POLL_MS: i64 = 1_000;
/// Chart spans `w` cycles through.
pub const WINDOWS_MS: [i64; 4] = [60_000, 300_000, 900_000, 3_600_000];

#[derive(Debug, Clone, Default)]
pub struct ServingState {
    /// Every endpoint of the workspace (the Overview's endpoints panel reads it too).
    pub endpoints: Remote<Vec<ServingEndpoint>>,
    pub view: ListView,
    /// The endpoint the detail shows.
    pub name: String,
    pub endpoint: Remote<ServingEndpoint>,
    /// The charts' series of this endpoint, derived from its history in the metrics store as
    /// scrapes arrive.
    pub live: live_series::LiveSeries,
    /// The selected served entity (rows of the detail).
    pub entities: ListView,
    /// Index into [`WINDOWS_MS`] for the charts.
    pub window: usize,
    /// The test query in flight.
    pub query: Option<RequestId>,
    /// The load test (`L`): running, or its result until dismissed.
    pub bench: bench::BenchState,
}

impl ServingState {
    /// The endpoints the `/` filter lets through.
    pub fn visible<'a>(&self, all: &'a [ServingEndpoint]) -> Vec<&'a ServingEndpoint> {
        let needle = self.view.needle();
        all.iter()
            .filter(|ep| needle.is_empty() || matches(ep, &needle))
            .collect()
    }

    /// The endpoint the route names, once loaded.
    pub fn current(&self) -> Option<&ServingEndpoint> {
        self.endpoint.data.as_ref().filter(|e| e.name == self.name)
    }

    /// Served entity names of the current endpoint, in config order.
    pub fn entity_names(&self) -> Vec<String> {
        self.current()
            .and_then(|e| e.config.as_ref())
            .map(|c| c.served_entities.iter().map(|e| e.name.clone()).collect())
            .unwrap_or_default()
    }

    pub fn selected_entity(&self) -> Option<String> {
        self.entity_names().get(self.entities.selected).cloned()
    }

    pub fn window_ms(&self) -> i64 {
        WINDOWS_MS[self.window % WINDOWS_MS.len()]
    }
}

impl State {
    /// The metrics history of the endpoint the serving screens were last opened on.
    pub fn endpoint_history(&self) -> &MetricsHistory {
        self.endpoint_metrics.history(&self.serving.name)
    }

    /// The scrape state of that endpoint's metrics.
    pub fn endpoint_scrape(&self) -> &Remote<()> {
        self.endpoint_metrics.scrape(&self.serving.name)
    }
}

/// Derives the charts' series of the endpoint for what arrived, on the current screen width.
pub(crate) fn refresh_live(state: &mut State) {
    let s = &mut state.serving;
    let buckets = live_series::buckets_for(live_series::chart_width(state.size.0));
    let window = s.window_ms();
    s.live
        .refresh(state.endpoint_metrics.history(&s.name), window, buckets);
}

/// Whether `ep` matches a lowercased filter: name, state, creator, served models.
fn matches(ep: &ServingEndpoint, needle: &str) -> bool {
    let mut cells = vec![ep.name.clone(), ep.creator.clone().unwrap_or_default()];
    if let Some(c) = &ep.config {
        for e in &c.served_entities {
            cells.push(e.name.clone());
            cells.push(e.entity_name.clone().unwrap_or_default());
        }
    }
    if let Some(s) = &ep.state {
        cells.push(format!("{:?} {:?}", s.ready, s.config_update).to_lowercase());
    }
    super::super::format::matches_any(needle, &cells)
}

/// The list of endpoints, loaded when due.
pub(crate) fn load_list(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let every = super::refresh_every_ms(state);
    if force || state.serving.endpoints.is_due(state.now_ms, every) {
        let req = state.next_request();
        state.serving.endpoints.start(req);
        fx.push(Effect::Fetch {
            req,
            fetch: Fetch::ServingEndpoints,
        });
    }
    super::feature_lineage::load_marks(state, force, fx);
}

/// Opens (or returns to) an endpoint, and polls what is due.
pub(crate) fn open(state: &mut State, name: &str, force: bool, fx: &mut Vec<Effect>) {
    let s = &mut state.serving;
    if s.name != name {
        s.name = name.to_string();
        s.entities = ListView::default();
        // What was scraped of it before shows at once.
        s.live = live_series::LiveSeries::default();
        refresh_live(state);
    }
    // The header names the endpoint's last change from the journal (what `b` puts back).
    super::audit::load(state, false, fx);
    let every = match state.serving.current() {
        Some(ep) if is_updating(ep) => Some(UPDATING_POLL_MS),
        _ => super::refresh_every_ms(state),
    };
    let stale = state.serving.current().is_none();
    if force || stale || state.serving.endpoint.is_due(state.now_ms, every) {
        let req = state.next_request();
        state.serving.endpoint.start(req);
        fx.push(Effect::Fetch {
            req,
            fetch: Fetch::Endpoint {
                name: name.to_string(),
            },
        });
    }
    scrape::scrape(state, name, force, fx);
    super::feature_lineage::load_marks(state, force, fx);
}

pub(crate) fn on_list(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: ApiResult<Vec<ServingEndpoint>>,
) -> Accepted {
    let accepted = state.serving.endpoints.accept(req, at, result, replace);
    let page = state.list_page_rows();
    let all = state.serving.endpoints.data.as_deref().unwrap_or_default();
    let len = state.serving.visible(all).len();
    state.serving.view.keep_visible(len, page);
    accepted
}

pub(crate) fn on_endpoint(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: ApiResult<Box<ServingEndpoint>>,
) -> Accepted {
    let accepted = state
        .serving
        .endpoint
        .accept(req, at, result.map(|e| *e), replace);
    let len = state.serving.entity_names().len();
    state.serving.entities.keep_visible(len, len.max(1));
    accepted
}

pub(crate) fn on_list_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> bool {
    let page = state.list_page_rows();
    let all = state.serving.endpoints.data.as_deref().unwrap_or_default();
    let visible = state.serving.visible(all);
    let (len, selected) = (
        visible.len(),
        visible
            .get(state.serving.view.selected)
            .map(|e| e.name.clone()),
    );
    if state.serving.view.navigate(action, len, page) {
        state.dirty = true;
        return true;
    }
    match action {
        Action::Filter => state.serving.view.filtering = true,
        Action::Open => {
            let Some(name) = selected else {
                return true;
            };
            open_endpoint(state, &name, fx);
        }
        Action::CopyId => {
            if let Some(name) = selected {
                super::copy(state, name, fx);
            }
        }
        // `L` on the list: the selected endpoint, with its load test form.
        Action::Verb(v) if v == bench::START => {
            let Some(name) = selected else {
                return true;
            };
            open_endpoint(state, &name, fx);
            bench::open_form(state);
        }
        _ => return false,
    }
    state.dirty = true;
    true
}

/// Pushes the endpoint's route and starts loading it (`:ep NAME` and Enter on the list).
pub(crate) fn open_endpoint(state: &mut State, name: &str, fx: &mut Vec<Effect>) {
    state.push_route(ScreenRoute::Endpoint {
        name: name.to_string(),
    });
    open(state, name, false, fx);
}

pub(crate) fn on_detail_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> bool {
    let len = state.serving.entity_names().len();
    if state.serving.entities.navigate(action, len, len.max(1)) {
        state.dirty = true;
        return true;
    }
    match action {
        Action::Window => {
            state.serving.window = (state.serving.window + 1) % WINDOWS_MS.len();
            refresh_live(state);
        }
        Action::ShiftUp => traffic::shift(state, 1, fx),
        Action::ShiftDown => traffic::shift(state, -1, fx),
        Action::SetSplit => traffic::ask_exact(state),
        Action::PromoteCanary => traffic::only(state, fx),
        Action::RemoveEntity => traffic::remove(state, fx),
        Action::Rollback => traffic::rollback(state, fx),
        Action::TestQuery => query::ask(state),
        Action::Verb(v) if v == bench::START => bench::open_form(state),
        Action::Verb(v) if v == bench::STOP => bench::stop_or_dismiss(state),
        Action::FeatureTables => super::feature_lineage::jump::from_endpoint(state, fx),
        Action::Logs => super::logs::open_selected(state, fx),
        Action::AbView => super::ab::open(state, fx),
        Action::Canary => super::canary::open_panel(state, fx),
        Action::CanaryPause | Action::CanaryAbort => {
            let name = state.serving.name.clone();
            return super::canary::on_action(state, &name, action, fx);
        }
        Action::CopyId => {
            let id = match state.serving.selected_entity() {
                Some(e) => format!("{}/{e}", state.serving.name),
                None => state.serving.name.clone(),
            };
            super::copy(state, id, fx);
        }
        _ => return false,
    }
    state.dirty = true;
    true
}

impl ServingState {
    /// Requests of this room in flight (the status bar's count).
    pub fn loading(&self) -> usize {
        crate::app::remote::in_flight(&[self.endpoints.is_loading(), self.endpoint.is_loading()])
    }
}
