//! Metrics scrapes: of the endpoint on screen (its screen, logs, A/B view or canary panel), and, in
//! the background, of every endpoint whose canary plan runs in this console, so its charts have
//! the data whichever screen is up. Every [`METRICS_POLL_MS`], at most one scrape per endpoint
//! in flight; the answers go into the metrics store, which outlives the screens.
//!
//! Background scrapes stay out of the way of the screen: they are asked after the screen's own
//! loads, run as tasks of their own (one per endpoint, so none aborts another), and their
//! answers neither redraw nor toast.

use crate::api::ApiResult;
use crate::ops::serving_metrics::Snapshot;

use super::super::super::effect::{Effect, Fetch};
use super::super::super::remote::{Accepted, LoadError, RequestId};
use super::super::super::screen::ScreenRoute;
use super::super::super::state::State;
use super::{METRICS_POLL_MS, refresh_live};

/// The endpoint the route shows, if any.
pub fn on_screen(state: &State) -> Option<&str> {
    match state.route() {
        ScreenRoute::Endpoint { name }
        | ScreenRoute::EndpointLogs { name, .. }
        | ScreenRoute::AbView { name }
        | ScreenRoute::Canary { name } => Some(name),
        _ => None,
    }
}

/// Endpoints with a canary plan running in this console (paused ones included: their traffic
/// still splits).
pub fn with_live_canary(state: &State) -> Vec<String> {
    state
        .canary
        .plans
        .iter()
        .filter(|(_, p)| p.is_live())
        .map(|(name, _)| name.clone())
        .collect()
}

/// Before a tick's loads: endpoints nobody scrapes in it count as left from then on.
pub(crate) fn begin_tick(state: &mut State) {
    state.endpoint_metrics.next_tick();
}

/// After the screen's loads: the background scrapes that are due.
pub(crate) fn background(state: &mut State, fx: &mut Vec<Effect>) {
    let visible = on_screen(state).map(str::to_string);
    for name in with_live_canary(state) {
        if visible.as_deref() != Some(name.as_str()) {
            scrape(state, &name, false, fx);
        }
    }
}

/// Scrapes `name` when it is due (or `force`, the `r` key), unless a scrape of it is in flight.
pub(crate) fn scrape(state: &mut State, name: &str, force: bool, fx: &mut Vec<Effect>) {
    let canaries = with_live_canary(state);
    let now = state.now_ms;
    let shown = on_screen(state) == Some(name);
    let e = state
        .endpoint_metrics
        .watch(name, |n| canaries.iter().any(|x| x == n));
    if shown {
        e.viewed_ms = now;
    }
    if !force && !e.scrape.is_due(now, Some(METRICS_POLL_MS)) {
        return;
    }
    let req = state.next_request();
    if let Some(e) = state.endpoint_metrics.get_mut(name) {
        e.scrape.start(req);
    }
    fx.push(Effect::Fetch {
        req,
        fetch: Fetch::EndpointMetrics {
            name: name.to_string(),
        },
    });
}

/// A scrape's answer joins the endpoint's history; the charts follow when it is the endpoint
/// the screen was last opened on.
pub(crate) fn on_metrics(
    state: &mut State,
    req: RequestId,
    at: i64,
    name: &str,
    result: ApiResult<Box<Snapshot>>,
) -> Accepted {
    let accepted = state.endpoint_metrics.accept(name, req, at, result);
    if name == state.serving.name {
        refresh_live(state);
    }
    quiet_off_screen(state, name, accepted)
}

/// A scrape task died (a panic): its endpoint's scrape fails like any error.
pub(crate) fn on_failed(state: &mut State, req: RequestId, at: i64, e: LoadError) -> Accepted {
    match state.endpoint_metrics.fail(req, at, e) {
        Some((name, accepted)) => quiet_off_screen(state, &name, accepted),
        None => Accepted::Stale,
    }
}

/// An answer about an endpoint not on screen changes nothing visible: no redraw, no toast (an
/// error stays in its scrape state, shown when the endpoint is opened).
fn quiet_off_screen(state: &State, name: &str, accepted: Accepted) -> Accepted {
    if on_screen(state) == Some(name) {
        accepted
    } else {
        Accepted::Stale
    }
}
