//! The change flow shared by every registry key: plan (a read-only fetch) → confirm dialog
//! showing the plan and its blast radius → `Effect::ApplyChange` (journal, send, read back) →
//! a toast with the outcome and a refresh. Nothing here sends a change except `confirmed`.

use crate::ops::ChangeOutcome;
use crate::ops::journal::Outcome;
use crate::ops::rollback::{Candidates, RollbackRequest};

use super::super::effect::{ChangeRequest, Effect, Fetch};
use super::super::form::{Confirm, ConfirmAction};
use super::super::msg::Prepared;
use super::super::remote::{Accepted, RequestId};
use super::super::state::{Overlay, State, ToastLevel};

#[derive(Debug, Clone, Default)]
pub struct ChangeState {
    /// The plan being read.
    pub preparing: Option<RequestId>,
    /// The change being applied.
    pub applying: Option<RequestId>,
    /// The last outcome, for the dialog-less record on screen.
    pub last: Option<ChangeOutcome>,
    /// What the change being planned or applied waits for ("update in progress …").
    pub progress: Option<String>,
}

/// Roll back without a journal entry: the versions to choose from.
#[derive(Debug, Clone)]
pub struct CandidatePick {
    pub candidates: Candidates,
    /// The alias the roll back moves (UC), as asked.
    pub alias: Option<String>,
    pub selected: usize,
}

/// Starts planning `req` (reads only).
pub(crate) fn prepare(state: &mut State, req: ChangeRequest, fx: &mut Vec<Effect>) {
    if state.session.readonly {
        state.toast(ToastLevel::Info, "read-only profile: changes are disabled");
        return;
    }
    let id = state.next_request();
    state.change.preparing = Some(id);
    state.toast(ToastLevel::Info, "reading the current state…");
    fx.push(Effect::Fetch {
        req: id,
        fetch: Fetch::Prepare(req),
    });
}

pub(crate) fn on_prepared(
    state: &mut State,
    req: RequestId,
    result: Result<Prepared, String>,
) -> Accepted {
    if state.change.preparing != Some(req) {
        return Accepted::Stale;
    }
    state.change.preparing = None;
    clear_progress(state);
    // The "reading…" toast has done its job.
    state
        .toasts
        .retain(|t| !t.text.starts_with("reading the current state"));
    match result {
        Ok(Prepared::Plan(plan)) if plan.is_noop() => state.toast(
            ToastLevel::Info,
            format!(
                "nothing to do: {} is already {}",
                plan.target.describe(),
                plan.after.describe()
            ),
        ),
        Ok(Prepared::Plan(plan)) => {
            let confirm = Confirm::new(ConfirmAction::Change { plan }, state.session.production);
            state.overlay = Overlay::Confirm(Box::new(confirm));
        }
        Ok(Prepared::Traffic(plan)) if plan.is_noop() => state.toast(
            ToastLevel::Info,
            format!(
                "nothing to do: endpoint {} is already {}",
                plan.endpoint,
                plan.after.describe()
            ),
        ),
        Ok(Prepared::Traffic(plan)) => {
            let confirm = Confirm::new(ConfirmAction::Traffic { plan }, state.session.production);
            state.overlay = Overlay::Confirm(Box::new(confirm));
        }
        Ok(Prepared::Candidates(c)) => {
            let alias = match &c.target {
                crate::ops::Target::UcAlias { alias, .. }
                | crate::ops::Target::RegistryAlias { alias, .. } => Some(alias.clone()),
                _ => None,
            };
            state.overlay = Overlay::Candidates(Box::new(CandidatePick {
                candidates: *c,
                alias,
                selected: 0,
            }));
        }
        Err(e) => state.toast(ToastLevel::Error, format!("cannot plan the change: {e}")),
    }
    state.dirty = true;
    Accepted::Ok
}

/// Enter on a candidate: plan the roll back to that version.
pub(crate) fn pick_candidate(state: &mut State, fx: &mut Vec<Effect>) {
    let Overlay::Candidates(pick) = std::mem::take(&mut state.overlay) else {
        return;
    };
    let Some(v) = pick.candidates.versions.get(pick.selected) else {
        return;
    };
    let req = RollbackRequest {
        model: pick.candidates.target.model().to_string(),
        alias: pick.alias.clone(),
        to: Some(v.version.clone()),
        comment: None,
    };
    prepare(state, ChangeRequest::Rollback(req), fx);
}

/// The confirm key (or the typed name on production): apply the plan.
pub(crate) fn confirmed(state: &mut State, fx: &mut Vec<Effect>) {
    let Overlay::Confirm(confirm) = std::mem::take(&mut state.overlay) else {
        return;
    };
    let req = state.next_request();
    match confirm.action {
        ConfirmAction::Change { plan } => {
            state.toast(ToastLevel::Info, format!("applying: {}", plan.summary()));
            fx.push(Effect::ApplyChange { req, plan });
        }
        ConfirmAction::Traffic { plan } => {
            state.toast(ToastLevel::Info, format!("applying: {}", plan.summary()));
            fx.push(Effect::ApplyTraffic { req, plan });
            // Re-read the endpoint on the next tick: the update shows as it runs.
            state.serving.endpoint.answered_at = None;
        }
        // Other flows confirm their own dialogs.
        ConfirmAction::RunJob { .. }
        | ConfirmAction::Canary { .. }
        | ConfirmAction::CanaryAbort { .. }
        | ConfirmAction::CanaryResume { .. }
        | ConfirmAction::Room(_) => return,
    }
    state.change.applying = Some(req);
    state.dirty = true;
}

pub(crate) fn on_applied(
    state: &mut State,
    req: RequestId,
    result: Result<Box<ChangeOutcome>, String>,
    fx: &mut Vec<Effect>,
) -> Accepted {
    if state.change.applying != Some(req) {
        return Accepted::Stale;
    }
    state.change.applying = None;
    clear_progress(state);
    state.toasts.retain(|t| !t.text.starts_with("applying: "));
    match result {
        Ok(o) => {
            let level = if o.outcome == Outcome::Ok {
                ToastLevel::Info
            } else {
                ToastLevel::Error
            };
            let mut text = o.message.clone();
            if let Some(w) = &o.journal_warning {
                text.push_str(&format!(" (warning: {w})"));
            }
            state.toast(level, text);
            state.change.last = Some(*o);
        }
        // The task died after it may have sent the change: never claim it was not applied.
        Err(e) if e.starts_with("outcome unknown") => state.toast(ToastLevel::Error, e),
        // `ops::execute` refused before sending (read-only, stale plan, journal not writable).
        Err(e) => state.toast(ToastLevel::Error, format!("not applied: {e}")),
    }
    // What changed shows everywhere: the screen, and the journal next time Audit opens.
    state.audit.journal.answered_at = None;
    super::load(state, true, fx);
    state.dirty = true;
    Accepted::Ok
}

/// A progress line of the change being planned or applied: replaces the previous one.
pub(crate) fn on_progress(state: &mut State, req: RequestId, text: String) -> Accepted {
    if state.change.preparing != Some(req) && state.change.applying != Some(req) {
        return Accepted::Stale;
    }
    clear_progress(state);
    state.toast(ToastLevel::Info, text.clone());
    state.change.progress = Some(text);
    Accepted::Ok
}

fn clear_progress(state: &mut State) {
    if let Some(old) = state.change.progress.take() {
        state.toasts.retain(|t| t.text != old);
    }
}

impl ChangeState {
    /// Requests of this room in flight (the status bar's count).
    pub fn loading(&self) -> usize {
        crate::app::remote::in_flight(&[self.preparing.is_some(), self.applying.is_some()])
    }
}
