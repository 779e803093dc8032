//! The traffic keys of an endpoint: `+` / `-` move the selected entity's share by the step,
//! `=` asks for an exact split, `P` sends every point to the selected entity, `b` rolls back
//! to the config before the last change. Each plans through the change flow (`change::prepare`:
//! read once no update runs, then the confirm dialog with the split before → after).

use crate::ops::canary::Phase;
use crate::ops::traffic::{Split, TrafficRequest};

use super::super::super::effect::{ChangeRequest, Effect};
use super::super::super::prompt::{Prompt, PromptPurpose};
use super::super::super::state::{Overlay, State, ToastLevel};
use super::super::change;

/// A running canary plan owns the endpoint's routes: a manual change would only make it pause
/// on an "outside change". Says so and returns `true` when that is the case.
fn canary_owns(state: &mut State) -> bool {
    let endpoint = state.serving.name.clone();
    let Some(p) = state
        .canary
        .plan(&endpoint)
        .filter(|p| p.is_live() && p.state.phase != Phase::Paused)
    else {
        return false;
    };
    let text = format!(
        "a canary plan is running on {endpoint} ({}): pause it (space) or abort it (X) before \
         changing the traffic by hand",
        p.state.describe()
    );
    state.toast(ToastLevel::Info, text);
    true
}

fn selected(state: &mut State) -> Option<(String, String)> {
    if canary_owns(state) {
        return None;
    }
    let endpoint = state.serving.name.clone();
    match state.serving.selected_entity() {
        Some(e) => Some((endpoint, e)),
        None => {
            state.toast(ToastLevel::Info, "no served entity selected");
            None
        }
    }
}

pub(crate) fn shift(state: &mut State, sign: i32, fx: &mut Vec<Effect>) {
    let Some((endpoint, entity)) = selected(state) else {
        return;
    };
    let req = TrafficRequest::Shift {
        endpoint,
        entity,
        points: sign * state.session.traffic_step as i32,
    };
    change::prepare(state, ChangeRequest::Traffic(req), fx);
}

pub(crate) fn only(state: &mut State, fx: &mut Vec<Effect>) {
    let Some((endpoint, entity)) = selected(state) else {
        return;
    };
    change::prepare(
        state,
        ChangeRequest::Traffic(TrafficRequest::Only { endpoint, entity }),
        fx,
    );
}

/// `D`: remove the selected entity (planned only when it takes 0%; the plan says why not).
pub(crate) fn remove(state: &mut State, fx: &mut Vec<Effect>) {
    let Some((endpoint, entity)) = selected(state) else {
        return;
    };
    change::prepare(
        state,
        ChangeRequest::Traffic(TrafficRequest::Remove { endpoint, entity }),
        fx,
    );
}

pub(crate) fn rollback(state: &mut State, fx: &mut Vec<Effect>) {
    if canary_owns(state) {
        return;
    }
    let endpoint = state.serving.name.clone();
    change::prepare(
        state,
        ChangeRequest::Traffic(TrafficRequest::Rollback { endpoint }),
        fx,
    );
}

/// `=`: the prompt, prefilled with the live split.
pub(crate) fn ask_exact(state: &mut State) {
    if state.session.readonly {
        state.toast(ToastLevel::Info, "read-only profile: changes are disabled");
        return;
    }
    if canary_owns(state) {
        return;
    }
    let Some(ep) = state.serving.current() else {
        return;
    };
    let live = Split::of_endpoint(ep)
        .shares
        .iter()
        .map(|s| format!("{}={}", s.entity, s.percent))
        .collect::<Vec<_>>()
        .join(",");
    let endpoint = ep.name.clone();
    state.overlay = Overlay::Prompt(Box::new(Prompt::new(
        PromptPurpose::Split { endpoint },
        &live,
    )));
    state.dirty = true;
}
