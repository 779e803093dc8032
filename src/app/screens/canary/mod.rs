//! The canary panel of an endpoint (PRODUCT §6): the plan running on it (or the last one saved),
//! its step, verdicts and history; building or loading a plan, confirming it, and pausing,
//! resuming or aborting it. Plans run in the runtime (one runner per endpoint); every step comes
//! back as `CanaryNews::Step`, and what is shown is always the runner's latest state.

pub mod form;
pub(crate) mod room;

use std::collections::BTreeMap;

use crate::ops::canary::{
    CanaryAction, CanaryPlan, CanaryState, Command, Phase, Severity, Verdict,
};

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::form::{Confirm, ConfirmAction};
use super::super::msg::CanaryNews;
use super::super::remote::RequestId;
use super::super::screen::ScreenRoute;
use super::super::state::{Overlay, State, ToastLevel};

pub use form::{CanaryForm, EntityInfo, FormMode};

/// One endpoint's plan as the console knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanView {
    /// The runner's latest state (or the saved one).
    pub state: CanaryState,
    /// A runner in this console drives it.
    pub running: bool,
    /// The runner's request id (a panic is reported under it).
    pub req: RequestId,
    /// What a waiting traffic change is waiting for.
    pub progress: Option<String>,
    /// Why the runner stopped without finishing the plan.
    pub error: Option<String>,
    /// Why a saved, unfinished plan is not running here.
    pub not_running: Option<String>,
    /// The judgement whose FAIL was already toasted.
    fail_toasted_at: Option<i64>,
}

impl PlanView {
    fn new(state: CanaryState, running: bool, req: RequestId) -> PlanView {
        PlanView {
            state,
            running,
            req,
            progress: None,
            error: None,
            not_running: None,
            fail_toasted_at: None,
        }
    }

    /// A plan that is not finished and has a runner here.
    pub fn is_live(&self) -> bool {
        self.running && !self.state.is_finished()
    }
}

#[derive(Debug, Clone, Default)]
pub struct CanaryPanelState {
    /// By endpoint name.
    pub plans: BTreeMap<String, PlanView>,
    /// History lines scrolled up from the newest.
    pub scroll: usize,
}

impl CanaryPanelState {
    pub fn plan(&self, endpoint: &str) -> Option<&PlanView> {
        self.plans.get(endpoint)
    }
}

/// `C` on the endpoint: the panel of the endpoint on screen.
pub(crate) fn open_panel(state: &mut State, _fx: &mut Vec<Effect>) {
    let name = state.serving.name.clone();
    state.canary.scroll = 0;
    state.push_route(ScreenRoute::Canary { name });
}

/// The served entities of `endpoint`, if it is the one loaded.
fn entities(state: &State, endpoint: &str) -> Option<Vec<EntityInfo>> {
    state
        .serving
        .current()
        .filter(|e| e.name == endpoint)
        .map(form::entities_of)
}

/// Keys of the panel (and pause / abort from the endpoint screen).
pub(crate) fn on_action(
    state: &mut State,
    endpoint: &str,
    action: Action,
    fx: &mut Vec<Effect>,
) -> bool {
    match action {
        Action::MoveUp => state.canary.scroll = state.canary.scroll.saturating_add(1),
        Action::MoveDown => state.canary.scroll = state.canary.scroll.saturating_sub(1),
        Action::CanaryNew | Action::CanaryLoad => open_form(state, endpoint, action),
        Action::CanaryPause => pause_or_resume(state, endpoint, fx),
        Action::CanaryAbort => ask_abort(state, endpoint),
        Action::AbView => {
            // The comparison the plan judges: its canary against the rest.
            let canary = state
                .canary
                .plan(endpoint)
                .map(|p| p.state.plan.canary_name())
                .filter(|c| state.serving.entity_names().contains(c));
            super::ab::open(state, fx);
            if let Some(c) = canary
                && matches!(state.route(), ScreenRoute::AbView { .. })
            {
                state.ab.b = Some(c);
            }
        }
        _ => return false,
    }
    state.dirty = true;
    true
}

fn open_form(state: &mut State, endpoint: &str, action: Action) {
    if let Some(p) = state.canary.plan(endpoint).filter(|p| p.is_live()) {
        let text = format!(
            "a canary plan is running on {endpoint} ({}): pause or abort it first",
            p.state.phase.as_str()
        );
        state.toast(ToastLevel::Info, text);
        return;
    }
    let Some(entities) = entities(state, endpoint) else {
        state.toast(
            ToastLevel::Info,
            format!("waiting for {endpoint} to load: try again in a moment"),
        );
        return;
    };
    let form = if action == Action::CanaryLoad {
        CanaryForm::file(endpoint, entities)
    } else {
        CanaryForm::build(endpoint, entities)
    };
    state.overlay = Overlay::CanaryForm(Box::new(form));
}

fn pause_or_resume(state: &mut State, endpoint: &str, fx: &mut Vec<Effect>) {
    let Some(p) = state.canary.plan(endpoint) else {
        state.toast(
            ToastLevel::Info,
            format!("no canary plan on {endpoint}: C opens the panel to build one"),
        );
        return;
    };
    if !p.is_live() {
        let why = if p.state.is_finished() {
            format!(
                "the canary plan on {endpoint} is {}",
                p.state.phase.as_str()
            )
        } else {
            format!("the canary plan on {endpoint} is not running in this console")
        };
        state.toast(ToastLevel::Info, why);
        return;
    }
    // Resuming after an outside change puts the step's split back: a traffic change, asked.
    if p.state.phase == Phase::Paused && p.state.pause.as_ref().is_some_and(|x| !x.by_user) {
        let action = ConfirmAction::CanaryResume {
            state: Box::new(p.state.clone()),
        };
        let confirm = Confirm::new(action, state.session.production);
        state.overlay = Overlay::Confirm(Box::new(confirm));
        return;
    }
    let command = if p.state.phase == Phase::Paused {
        Command::Resume
    } else {
        Command::Pause
    };
    let verb = match command {
        Command::Resume => "resuming",
        _ => "pausing",
    };
    state.toast(
        ToastLevel::Info,
        format!("{verb} the canary plan on {endpoint}"),
    );
    fx.push(Effect::CanaryCommand {
        endpoint: endpoint.to_string(),
        command,
    });
}

fn ask_abort(state: &mut State, endpoint: &str) {
    match state.canary.plan(endpoint).filter(|p| p.is_live()) {
        Some(p) => {
            let action = ConfirmAction::CanaryAbort {
                state: Box::new(p.state.clone()),
            };
            let confirm = Confirm::new(action, state.session.production);
            state.overlay = Overlay::Confirm(Box::new(confirm));
        }
        None => state.toast(
            ToastLevel::Info,
            format!("no canary plan is running on {endpoint} in this console"),
        ),
    }
}

/// The form gave a plan: ask in the confirm dialog.
pub(crate) fn review(state: &mut State, plan: CanaryPlan) {
    let confirm = Confirm::new(
        ConfirmAction::Canary {
            plan: Box::new(plan),
        },
        state.session.production,
    );
    state.overlay = Overlay::Confirm(Box::new(confirm));
}

/// The confirm key (or the typed name) accepted the dialog.
pub(crate) fn confirmed(state: &mut State, fx: &mut Vec<Effect>) {
    let Overlay::Confirm(c) = std::mem::take(&mut state.overlay) else {
        return;
    };
    match c.action {
        ConfirmAction::Canary { plan } => start(state, *plan, fx),
        ConfirmAction::CanaryResume { state: s } => {
            let endpoint = s.plan.endpoint.clone();
            state.toast(
                ToastLevel::Info,
                format!("resuming the canary plan on {endpoint}"),
            );
            fx.push(Effect::CanaryCommand {
                endpoint,
                command: Command::Resume,
            });
        }
        ConfirmAction::CanaryAbort { state: s } => {
            let endpoint = s.plan.endpoint.clone();
            state.toast(
                ToastLevel::Info,
                format!(
                    "aborting the canary plan on {endpoint}: all traffic back to {}",
                    s.plan.stable
                ),
            );
            fx.push(Effect::CanaryCommand {
                endpoint,
                command: Command::Abort,
            });
        }
        // Other flows confirm their own dialogs.
        ConfirmAction::RunJob { .. }
        | ConfirmAction::Change { .. }
        | ConfirmAction::Traffic { .. }
        | ConfirmAction::Room(_) => {}
    }
    state.dirty = true;
}

fn start(state: &mut State, plan: CanaryPlan, fx: &mut Vec<Effect>) {
    let endpoint = plan.endpoint.clone();
    if state.canary.plan(&endpoint).is_some_and(PlanView::is_live) {
        state.toast(
            ToastLevel::Error,
            format!("a canary plan is already running on {endpoint}: nothing was started"),
        );
        return;
    }
    let req = state.next_request();
    let s = CanaryState::new(plan, state.now_ms);
    state
        .canary
        .plans
        .insert(endpoint.clone(), PlanView::new(s.clone(), true, req));
    state.canary.scroll = 0;
    fx.push(Effect::StartCanary {
        req,
        state: Box::new(s),
    });
    state.toast(
        ToastLevel::Info,
        format!("canary plan started on {endpoint}"),
    );
    let route = ScreenRoute::Canary { name: endpoint };
    if *state.route() != route {
        state.push_route(route);
    }
}

/// News from the runtime.
pub(crate) fn on_news(state: &mut State, news: CanaryNews, fx: &mut Vec<Effect>) {
    match news {
        CanaryNews::ResumeSaved => fx.push(Effect::LoadCanaries),
        CanaryNews::Saved(saved) => {
            for problem in &saved.unreadable {
                state.toast(
                    ToastLevel::Error,
                    format!("saved canary plan skipped: {problem}"),
                );
            }
            for note in &saved.legacy {
                state.toast(ToastLevel::Info, note.clone());
            }
            resume(state, saved.plans, fx);
        }
        CanaryNews::Step {
            endpoint,
            state: s,
            actions,
        } => on_step(state, endpoint, *s, &actions),
        CanaryNews::Progress { endpoint, message } => {
            if let Some(p) = state.canary.plans.get_mut(&endpoint) {
                p.progress = Some(message);
            }
        }
        CanaryNews::Ended { endpoint, result } => on_ended(state, endpoint, result),
        CanaryNews::NotRunning { endpoint, command } => {
            if let Some(p) = state.canary.plans.get_mut(&endpoint) {
                p.running = false;
            }
            state.toast(
                ToastLevel::Error,
                format!("{command:?} not sent: no canary runner for {endpoint} in this console"),
            );
        }
        CanaryNews::PlanFile { path, result } => on_plan_file(state, &path, result),
    }
    state.dirty = true;
}

/// Saved plans at start: unfinished ones run again (their runner reconciles with the
/// endpoint's real routes first); finished ones are shown as they ended.
fn resume(state: &mut State, saved: Vec<CanaryState>, fx: &mut Vec<Effect>) {
    for s in saved {
        let endpoint = s.plan.endpoint.clone();
        if state.canary.plan(&endpoint).is_some_and(PlanView::is_live) {
            continue;
        }
        if s.is_finished() {
            state
                .canary
                .plans
                .insert(endpoint, PlanView::new(s, false, 0));
            continue;
        }
        if state.session.readonly {
            let mut view = PlanView::new(s, false, 0);
            view.not_running =
                Some("not running: this profile is read-only, so it was not resumed".into());
            state.canary.plans.insert(endpoint, view);
            continue;
        }
        let req = state.next_request();
        let text = format!(
            "resumed canary plan on {endpoint} at step {} ({}%)",
            s.step + 1,
            s.percent()
        );
        state
            .canary
            .plans
            .insert(endpoint, PlanView::new(s.clone(), true, req));
        fx.push(Effect::StartCanary {
            req,
            state: Box::new(s),
        });
        state.toast(ToastLevel::Info, text);
    }
}

fn on_step(state: &mut State, endpoint: String, s: CanaryState, actions: &[CanaryAction]) {
    let view = state
        .canary
        .plans
        .entry(endpoint.clone())
        .or_insert_with(|| PlanView::new(s.clone(), true, 0));
    // A change the runner had in flight is journaled by now: screens showing the journal read
    // it again (only then, not at every judgement).
    let changed = view.state.pending.is_some()
        || actions
            .iter()
            .any(|a| matches!(a, CanaryAction::Apply { .. }));
    view.state = s;
    view.progress = None;
    if changed {
        state.audit.journal.answered_at = None;
    }
    let fail = view
        .state
        .last_judgement
        .as_ref()
        .filter(|j| j.verdict == Verdict::Fail)
        .filter(|_| matches!(view.state.phase, Phase::RollingBack | Phase::RolledBack))
        .map(|j| (j.at_ms, failing_checks(j)));
    let mut toasts = Vec::new();
    let mut fail_toasted = false;
    if let Some((at, why)) = fail
        && view.fail_toasted_at != Some(at)
    {
        view.fail_toasted_at = Some(at);
        fail_toasted = true;
        toasts.push((
            ToastLevel::Error,
            format!(
                "canary FAILED on {endpoint}: {why} — all traffic back to {}",
                view.state.plan.stable
            ),
        ));
    }
    for a in actions {
        let CanaryAction::Alert { severity, message } = a else {
            continue;
        };
        let level = match severity {
            // This step's FAIL toast already says it.
            Severity::Critical if fail_toasted => continue,
            // The end of a roll back whose FAIL was toasted earlier.
            Severity::Critical if view.fail_toasted_at.is_some() => ToastLevel::Info,
            Severity::Info => ToastLevel::Info,
            Severity::Warning | Severity::Critical => ToastLevel::Error,
        };
        toasts.push((level, message.clone()));
    }
    for (level, text) in toasts {
        state.toast(level, text);
    }
}

/// "max_error_rate_delta: 5xx 3.10% vs 0.20% …; max_p99_ms: …" for the FAIL toast.
fn failing_checks(j: &crate::ops::canary::Judgement) -> String {
    let failing: Vec<String> = j
        .checks
        .iter()
        .filter(|c| c.verdict == Verdict::Fail)
        .map(|c| format!("{} ({})", c.guard, c.detail))
        .collect();
    if failing.is_empty() {
        j.summary.clone()
    } else {
        failing.join("; ")
    }
}

fn on_ended(state: &mut State, endpoint: String, result: Result<Box<CanaryState>, String>) {
    let Some(view) = state.canary.plans.get_mut(&endpoint) else {
        return;
    };
    view.running = false;
    view.progress = None;
    match result {
        Ok(s) => view.state = *s,
        Err(e) => {
            view.error = Some(e.clone());
            state.toast(
                ToastLevel::Error,
                format!("canary runner on {endpoint} stopped: {e} (the plan is saved)"),
            );
        }
    }
}

/// A runner panicked.
pub(crate) fn on_task_failed(state: &mut State, req: RequestId, message: &str) {
    let Some((endpoint, view)) = state
        .canary
        .plans
        .iter_mut()
        .find(|(_, p)| p.running && p.req == req)
    else {
        return;
    };
    view.running = false;
    view.error = Some(format!("internal error: {message}"));
    let text = format!(
        "canary runner on {endpoint} failed (internal error: {message}); the plan's state is saved"
    );
    state.toast(ToastLevel::Error, text);
}

fn on_plan_file(state: &mut State, path: &str, result: Result<String, String>) {
    let Overlay::CanaryForm(form) = &mut state.overlay else {
        return;
    };
    if form.mode != FormMode::File || form.path() != path {
        return;
    }
    form.reading = false;
    let text = match result {
        Ok(t) => t,
        Err(e) => {
            form.errors = vec![format!("{path}: {e}")];
            return;
        }
    };
    match CanaryPlan::parse(&text) {
        Ok(plan) if plan.endpoint != form.endpoint => {
            form.errors = vec![format!(
                "{path}: the plan is for endpoint {}, not {}",
                plan.endpoint, form.endpoint
            )];
        }
        Ok(plan) => review(state, plan),
        Err(e) => {
            let mut lines = vec![format!("{path}: invalid canary plan:")];
            lines.extend(e.0.iter().map(|p| format!("  {p}")));
            form.errors = lines;
        }
    }
}
