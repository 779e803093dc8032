//! The rooms of the Jobs screen's routes (the list, a job's runs, one run) and the verbs they
//! add to the keymap (section `[jobs]`).

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::form::RoomForm;
use crate::app::keymap::Context;
use crate::app::list::ListView;
use crate::app::room::{Offer, Room, Verb, back_label};
use crate::app::screen::{ScreenId, ScreenRoute};
use crate::app::state::{State, ToastLevel};

use super::change;

/// The verbs of the Jobs screen, in the order help lists them.
pub static VERBS: [Verb; 4] = [
    Verb {
        name: "run_now",
        label: "run now",
        description: "Run the job now (its parameters in a form, then a confirm)",
        keys: &["n"],
        mutating: true,
    },
    Verb {
        name: "cancel_run",
        label: "cancel run",
        description: "Cancel the run (followed until it has ended)",
        keys: &["X"],
        mutating: true,
    },
    Verb {
        name: "repair_run",
        label: "repair",
        description: "Rerun the failed tasks of an ended run",
        keys: &["R"],
        mutating: true,
    },
    Verb {
        name: "active_only",
        label: "active only",
        description: "Only the runs that have not ended / every run",
        keys: &["a"],
        mutating: false,
    },
];

pub(super) const RUN_NOW: &Verb = &VERBS[0];
pub(super) const CANCEL: &Verb = &VERBS[1];
pub(super) const REPAIR: &Verb = &VERBS[2];
const ACTIVE_ONLY: &Verb = &VERBS[3];

pub(super) const CONTEXTS: &[Context] = &[
    Context::Room(ScreenId::Jobs),
    Context::List,
    Context::Global,
];

/// Which verb `action` is, by name (a user keymap binds the same verbs).
pub(super) fn verb(action: Action) -> Option<&'static str> {
    match action {
        Action::Verb(v) => Some(v.name),
        _ => None,
    }
}

/// Movement keys of a list of `len` rows.
pub(super) fn navigate(
    state: &mut State,
    action: Action,
    len: usize,
    view: fn(&mut State) -> &mut ListView,
) -> bool {
    let page = state.list_page_rows();
    if view(state).navigate(action, len, page) {
        state.dirty = true;
        return true;
    }
    false
}

fn open(state: &mut State, route: ScreenRoute, fx: &mut Vec<Effect>) {
    state.push_route(route.clone());
    super::load(state, &route, false, fx);
}

/// Hints shared by the three routes, after their own.
pub(super) fn tail(state: &State) -> Vec<Offer> {
    use Action::*;
    vec![
        (Filter, None),
        (CopyId, None),
        (Refresh, None),
        (Back, back_label(state)),
        (Help, None),
        (Quit, None),
    ]
}

/// Screen 8: every job.
pub struct JobsRoom;

impl Room for JobsRoom {
    fn contexts(&self) -> &'static [Context] {
        CONTEXTS
    }
    fn load(&self, state: &mut State, route: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
        super::load(state, route, force, fx)
    }
    fn is_settled(&self, state: &State) -> bool {
        state.jobs.list.is_settled()
    }
    fn data_at(&self, state: &State) -> Option<i64> {
        state.jobs.list.loaded_at
    }
    fn on_action(
        &self,
        state: &mut State,
        _: &ScreenRoute,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> bool {
        let len = state.jobs.visible().len();
        if navigate(state, action, len, |s| &mut s.jobs.view) {
            return true;
        }
        let selected = state
            .jobs
            .selected()
            .map(|j| (j.job_id, j.name.clone(), j.last_run.clone()));
        match (action, verb(action), selected) {
            (Action::Filter, ..) => state.jobs.view.filtering = true,
            (Action::Open, _, Some((job_id, ..))) => open(state, ScreenRoute::Job { job_id }, fx),
            (Action::CopyId, _, Some((job_id, ..))) => {
                super::super::copy(state, job_id.to_string(), fx)
            }
            (_, Some("run_now"), Some((job_id, ..))) => change::run_now(state, job_id, fx),
            (_, Some("cancel_run"), Some((_, name, last))) => match last {
                Some(r) if !r.ended => change::cancel(state, r.run_id, name, &r.state),
                _ => state.toast(ToastLevel::Info, format!("{name} has no run in progress")),
            },
            (_, Some("repair_run"), Some(_)) => state.toast(
                ToastLevel::Info,
                "open the job (Enter) and pick the failed run to repair",
            ),
            (Action::Open | Action::CopyId, ..) => {}
            (_, Some(_), None) => {}
            _ => return false,
        }
        state.dirty = true;
        true
    }
    fn offers(&self, state: &State, _: &ScreenRoute) -> Vec<Offer> {
        let mut offers = vec![(Action::Open, Some("runs")), (Action::Verb(RUN_NOW), None)];
        let running = state.jobs.selected().and_then(|j| j.last_run.as_ref());
        if running.is_some_and(|r| !r.ended) {
            offers.push((Action::Verb(CANCEL), None));
        }
        offers.extend(tail(state));
        offers
    }
    fn list_view<'s>(&self, state: &'s State) -> Option<&'s ListView> {
        Some(&state.jobs.view)
    }
    fn list_view_mut<'s>(&self, state: &'s mut State) -> Option<&'s mut ListView> {
        Some(&mut state.jobs.view)
    }
    fn form_submitted(
        &self,
        state: &mut State,
        _: &ScreenRoute,
        form: RoomForm,
        _: &mut Vec<Effect>,
    ) {
        change::form_submitted(state, form)
    }
}

/// One job's runs.
pub struct JobRoom;

impl Room for JobRoom {
    fn contexts(&self) -> &'static [Context] {
        CONTEXTS
    }
    fn load(&self, state: &mut State, route: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
        super::load(state, route, force, fx)
    }
    fn is_settled(&self, state: &State) -> bool {
        state.jobs.runs.is_settled()
    }
    fn data_at(&self, state: &State) -> Option<i64> {
        state.jobs.runs.loaded_at
    }
    fn on_action(
        &self,
        state: &mut State,
        route: &ScreenRoute,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> bool {
        let ScreenRoute::Job { job_id } = *route else {
            return false;
        };
        let len = state.jobs.visible_runs().len();
        if navigate(state, action, len, |s| &mut s.jobs.runs_view) {
            return true;
        }
        let name = state.jobs.job_name(job_id);
        let run = state.jobs.selected_run().cloned();
        match (action, verb(action), run) {
            (Action::Filter, ..) => state.jobs.runs_view.filtering = true,
            (_, Some("active_only"), _) => {
                state.jobs.active_only = !state.jobs.active_only;
                state.jobs.runs_view.selected = 0;
                super::load(state, route, true, fx);
            }
            (_, Some("run_now"), _) => change::run_now(state, job_id, fx),
            (Action::Open, _, Some(r)) => open(state, ScreenRoute::JobRun { run_id: r.run_id }, fx),
            (Action::CopyId, _, Some(r)) => super::super::copy(state, r.run_id.to_string(), fx),
            (_, Some("cancel_run"), Some(r)) if !r.ended => {
                change::cancel(state, r.run_id, name, &r.state)
            }
            (_, Some("cancel_run"), Some(r)) => state.toast(
                ToastLevel::Info,
                format!("run {} has already ended ({})", r.run_id, r.state),
            ),
            (_, Some("repair_run"), Some(r)) => {
                repair(state, r.run_id, r.ended, r.succeeded, name, Vec::new())
            }
            (Action::Open | Action::CopyId, ..) | (_, Some(_), None) => {}
            _ => return false,
        }
        state.dirty = true;
        true
    }
    fn offers(&self, state: &State, _: &ScreenRoute) -> Vec<Offer> {
        let active = if state.jobs.active_only {
            "all runs"
        } else {
            "active only"
        };
        let mut offers = vec![
            (Action::Open, Some("tasks")),
            (Action::Verb(ACTIVE_ONLY), Some(active)),
            (Action::Verb(RUN_NOW), None),
        ];
        match state.jobs.selected_run().map(|r| (r.ended, r.succeeded)) {
            Some((false, _)) => offers.push((Action::Verb(CANCEL), None)),
            Some((true, false)) => offers.push((Action::Verb(REPAIR), None)),
            _ => {}
        }
        offers.extend(tail(state));
        offers
    }
    fn list_view<'s>(&self, state: &'s State) -> Option<&'s ListView> {
        Some(&state.jobs.runs_view)
    }
    fn list_view_mut<'s>(&self, state: &'s mut State) -> Option<&'s mut ListView> {
        Some(&mut state.jobs.runs_view)
    }
    fn form_submitted(
        &self,
        state: &mut State,
        _: &ScreenRoute,
        form: RoomForm,
        _: &mut Vec<Effect>,
    ) {
        change::form_submitted(state, form)
    }
}

/// `R` on a run: only an ended run that did not succeed.
pub(super) fn repair(
    state: &mut State,
    run_id: i64,
    ended: bool,
    succeeded: bool,
    name: String,
    failed: Vec<String>,
) {
    if !ended {
        state.toast(
            ToastLevel::Info,
            format!("run {run_id} has not ended: nothing to repair yet"),
        );
    } else if succeeded {
        state.toast(
            ToastLevel::Info,
            format!("run {run_id} succeeded: nothing to repair"),
        );
    } else {
        change::repair(state, run_id, name, failed);
    }
}
