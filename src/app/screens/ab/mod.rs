//! The A/B view of an endpoint: A is the entity with the largest traffic share (the stable
//! one), B another served entity (the one selected when the view opened; `j`/`k` pick another).
//! Numbers come from the endpoint's metrics history over the chosen window (`w`), so they are
//! exactly what the endpoint screen has scraped.

pub mod compare;
pub mod quality;
pub(crate) mod quality_fetch;
pub(crate) mod room;

use crate::ops::canary::plan::Guards;
use crate::ops::traffic::Split;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::remote::Remote;
use super::super::screen::ScreenRoute;
use super::super::state::{State, ToastLevel};
use super::serving::{self, ServingState, WINDOWS_MS};

pub use compare::{AbComparison, AbOutcome, compare};

/// The window the view opens with (5 minutes).
const DEFAULT_WINDOW: usize = 1;

#[derive(Debug, Clone)]
pub struct AbState {
    /// The B entity chosen; `None` (or one no longer served) means the first other entity.
    pub b: Option<String>,
    /// Index into [`WINDOWS_MS`].
    pub window: usize,
    /// The quality row (`quality`), and the endpoint and pair it answers.
    pub quality: Remote<quality::AbQuality>,
    pub quality_of: Option<quality::Fetch>,
}

impl Default for AbState {
    fn default() -> Self {
        AbState {
            b: None,
            window: DEFAULT_WINDOW,
            quality: Remote::default(),
            quality_of: None,
        }
    }
}

impl AbState {
    pub fn window_ms(&self) -> i64 {
        WINDOWS_MS[self.window % WINDOWS_MS.len()]
    }
}

/// The entity with the largest traffic share (the first in config order on a tie).
pub fn entity_a(serving: &ServingState) -> Option<String> {
    let ep = serving.current()?;
    let split = Split::of_endpoint(ep);
    let names = serving.entity_names();
    let mut best: Option<(&String, u32)> = None;
    for name in &names {
        let p = split.percent(name);
        if best.is_none_or(|(_, bp)| p > bp) {
            best = Some((name, p));
        }
    }
    best.map(|(n, _)| n.clone())
}

/// The entities B may be, in config order.
pub fn candidates_b(serving: &ServingState) -> Vec<String> {
    let a = entity_a(serving);
    serving
        .entity_names()
        .into_iter()
        .filter(|n| Some(n) != a.as_ref())
        .collect()
}

/// The pair shown: (A, B), once the endpoint has two served entities.
pub fn pair(state: &State) -> Option<(String, String)> {
    let a = entity_a(&state.serving)?;
    let others = candidates_b(&state.serving);
    let b = state
        .ab
        .b
        .as_ref()
        .filter(|b| others.contains(b))
        .or(others.first())?
        .clone();
    Some((a, b))
}

/// The comparison over the chosen window, once both entities have a window in the history.
pub fn comparison(state: &State) -> Option<AbComparison> {
    let (a, b) = pair(state)?;
    let span = state.ab.window_ms();
    let h = state.endpoint_history();
    let (wa, wb) = (h.window(&a, span)?, h.window(&b, span)?);
    let at = h.latest().map_or(state.now_ms, |s| s.at_ms);
    Some(compare(&wa, &wb, &Guards::default(), at))
}

/// `A` on the endpoint screen: the selected entity becomes B unless it is A.
pub(crate) fn open(state: &mut State, fx: &mut Vec<Effect>) {
    if state.serving.entity_names().len() < 2 {
        state.toast(ToastLevel::Info, "A/B needs two served entities");
        return;
    }
    let name = state.serving.name.clone();
    let selected = state.serving.selected_entity();
    state.ab.b = selected.filter(|s| Some(s) != entity_a(&state.serving).as_ref());
    state.push_route(ScreenRoute::AbView { name: name.clone() });
    serving::open(state, &name, false, fx);
    quality::load(state, false, fx);
}

pub(crate) fn on_action(state: &mut State, action: Action) -> bool {
    match action {
        Action::MoveDown | Action::MoveUp => {
            let others = candidates_b(&state.serving);
            if others.is_empty() {
                return true;
            }
            let now = pair(state)
                .and_then(|(_, b)| others.iter().position(|o| *o == b))
                .unwrap_or(0);
            let n = others.len();
            let next = if action == Action::MoveDown {
                (now + 1) % n
            } else {
                (now + n - 1) % n
            };
            state.ab.b = Some(others[next].clone());
        }
        Action::Window => state.ab.window = (state.ab.window + 1) % WINDOWS_MS.len(),
        _ => return false,
    }
    state.dirty = true;
    true
}
