//! The rooms: one module per screen with its state and its reactions. This file is the only
//! place that dispatches on the screen, so adding a screen means adding a room and an arm in
//! each function below.

pub mod experiments;
pub mod overview;

use crate::config::keymap::Context;

use super::action::Action;
use super::effect::Effect;
use super::list::ListView;
use super::msg::{Payload, ResourceKey};
use super::remote::{Accepted, LoadError, RequestId};
use super::screen::{Route, ScreenId};
use super::state::{State, ToastLevel};

/// The periodic refresh interval, if any.
pub(crate) fn refresh_every_ms(state: &State) -> Option<i64> {
    let secs = state.session.refresh_secs;
    (secs > 0).then(|| secs as i64 * 1000)
}

/// Loads what the screen shows: what is due, or everything when `force` (the `r` key).
pub(crate) fn load(state: &mut State, screen: ScreenId, force: bool, fx: &mut Vec<Effect>) {
    match screen {
        ScreenId::Overview => overview::load(state, force, fx),
        ScreenId::Experiments => experiments::load(state, force, fx),
        _ => {}
    }
}

/// Whether the screen's data has arrived (or failed) at least once and nothing is in flight.
pub fn is_settled(state: &State, screen: ScreenId) -> bool {
    match screen {
        ScreenId::Overview => state.overview.is_settled(),
        ScreenId::Experiments => state.experiments.list.is_settled(),
        _ => true,
    }
}

/// When the screen's (oldest) data arrived, for the "12s ago" in the status bar.
pub fn data_at(state: &State, screen: ScreenId) -> Option<i64> {
    match screen {
        ScreenId::Overview => state.overview.data_at(),
        ScreenId::Experiments => state.experiments.list.loaded_at,
        _ => None,
    }
}

/// Keymap contexts of a route, innermost first (global always last).
pub fn contexts(route: &Route) -> &'static [Context] {
    match route {
        Route::Screen(ScreenId::Experiments) => &[Context::List, Context::Global],
        Route::ExperimentDetail { .. } => &[Context::Detail, Context::Global],
        Route::Screen(_) => &[Context::Global],
    }
}

/// The list under the cursor, if the route shows one (for `/` and Esc).
pub(crate) fn list_view_mut(state: &mut State) -> Option<&mut ListView> {
    match state.route() {
        Route::Screen(ScreenId::Experiments) => Some(&mut state.experiments.view),
        _ => None,
    }
}

pub fn list_view(state: &State) -> Option<&ListView> {
    match state.route() {
        Route::Screen(ScreenId::Experiments) => Some(&state.experiments.view),
        _ => None,
    }
}

/// Called after a list's filter text changed.
pub(crate) fn filter_changed(state: &mut State, fx: &mut Vec<Effect>) {
    if let Route::Screen(ScreenId::Experiments) = state.route() {
        let view = &mut state.experiments.view;
        view.selected = 0;
        view.offset = 0;
        experiments::maybe_load_more(state, fx);
    }
}

/// Route-specific actions; `false` when the route has no use for it.
pub(crate) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> bool {
    match state.route().clone() {
        Route::Screen(ScreenId::Experiments) => experiments::on_list_action(state, action, fx),
        Route::ExperimentDetail { experiment_id } => {
            experiments::on_detail_action(state, &experiment_id, action, fx)
        }
        Route::Screen(_) => false,
    }
}

fn label(key: ResourceKey) -> &'static str {
    match key {
        ResourceKey::Me => "identity",
        ResourceKey::ExperimentCount => "experiment count",
        ResourceKey::UcModelCount => "Unity Catalog models",
        ResourceKey::WorkspaceModelCount => "workspace models",
        ResourceKey::ServingEndpoints => "serving endpoints",
        ResourceKey::ExperimentList => "experiments",
    }
}

/// Routes an answer to its room. A stale answer changes nothing; an error keeps the data and
/// raises a toast (once per distinct error).
pub(crate) fn on_loaded(
    state: &mut State,
    req: RequestId,
    at: i64,
    payload: Payload,
    fx: &mut Vec<Effect>,
) {
    let key = payload.key();
    let accepted = match payload {
        Payload::Experiments(r) => experiments::on_loaded(state, req, at, r, fx),
        other => {
            overview::on_loaded(&mut state.overview, req, at, other).unwrap_or(Accepted::Stale)
        }
    };
    report(state, key, accepted);
}

/// A background task died (panic): the resource fails like any other error.
pub(crate) fn on_task_failed(
    state: &mut State,
    key: ResourceKey,
    req: RequestId,
    at: i64,
    message: &str,
) {
    let e = LoadError::Failed(format!("internal error: {message}"));
    let accepted = match key {
        ResourceKey::ExperimentList => state.experiments.list.fail(req, at, e),
        _ => overview::fail(&mut state.overview, key, req, at, e).unwrap_or(Accepted::Stale),
    };
    report(state, key, accepted);
}

fn report(state: &mut State, key: ResourceKey, accepted: Accepted) {
    match accepted {
        Accepted::Stale => {}
        Accepted::Ok | Accepted::QuietError => state.dirty = true,
        Accepted::NewError(message) => state.toast_load_error(label(key), &message),
    }
}

/// Copies `text` to the clipboard and says so.
pub(crate) fn copy(state: &mut State, text: String, fx: &mut Vec<Effect>) {
    state.toast(ToastLevel::Info, format!("copied {text}"));
    fx.push(Effect::CopyToClipboard { text });
}
