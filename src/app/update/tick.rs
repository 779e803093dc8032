//! The clock tick: toast expiry, periodic refresh of the visible screen, and a redraw only when
//! something on screen reads differently.

use super::super::effect::Effect;
use super::super::format;
use super::super::screens;
use super::super::state::State;

pub(super) fn on_tick(state: &mut State, now_ms: i64, fx: &mut Vec<Effect>) {
    let age_before = age_label(state);
    let prev_now = std::mem::replace(&mut state.now_ms, now_ms);

    let before = state.toasts.len();
    state.toasts.retain(|t| t.until_ms > now_ms);
    let toast_expired = state.toasts.len() != before;

    // Only the visible screen polls; hidden screens refresh when entered, if stale. Endpoints
    // with a running canary have their metrics scraped in the background, after the screen's
    // own loads (and not counted as a refresh: nothing on screen changes with them).
    screens::serving::scrape::begin_tick(state);
    let fetches = fx.len();
    screens::load(state, false, fx);
    let refreshed = fx.len() != fetches;
    screens::serving::scrape::background(state, fx);
    screens::serving::bench::on_tick(state);

    // Row ages ("3m ago") move at minute granularity, the status age every second at first.
    let minute_turned = prev_now / 60_000 != now_ms / 60_000;
    if toast_expired || refreshed || minute_turned || age_label(state) != age_before {
        state.dirty = true;
    }
}

/// The status bar's data age, as shown.
fn age_label(state: &State) -> String {
    format::ago(state.now_ms, screens::data_at(state))
}
