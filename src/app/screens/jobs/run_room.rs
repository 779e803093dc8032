//! The room of one job run: its tasks, the output of a failed task, its MLflow run (Enter), and
//! the changes that fit its state (cancel while it runs, repair once it ended badly).

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::form::RoomForm;
use crate::app::keymap::Context;
use crate::app::room::{Offer, Room};
use crate::app::screen::ScreenRoute;
use crate::app::state::{State, ToastLevel};

use super::change;
use super::room::{CANCEL, CONTEXTS, REPAIR, RUN_NOW, navigate, repair, tail, verb};

/// One run: its tasks, the output of a failed one, its MLflow run.
pub struct JobRunRoom;

impl Room for JobRunRoom {
    fn contexts(&self) -> &'static [Context] {
        CONTEXTS
    }
    fn load(&self, state: &mut State, route: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
        super::load(state, route, force, fx)
    }
    fn is_settled(&self, state: &State) -> bool {
        state.jobs.run.is_settled()
    }
    fn data_at(&self, state: &State) -> Option<i64> {
        state.jobs.run.loaded_at
    }
    fn on_action(
        &self,
        state: &mut State,
        route: &ScreenRoute,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> bool {
        let ScreenRoute::JobRun { run_id } = *route else {
            return false;
        };
        let len = state.jobs.tasks().len();
        if navigate(state, action, len, |s| &mut s.jobs.tasks_view) {
            return true;
        }
        let Some(view) = state.jobs.open_run().cloned() else {
            // Not read yet: only the keys that need nothing of it.
            return match action {
                Action::CopyId => {
                    super::super::copy(state, run_id.to_string(), fx);
                    true
                }
                _ => verb(action).is_some(),
            };
        };
        let name = state.jobs.job_name(view.job_id);
        match (action, verb(action)) {
            (Action::Open, _) => match &view.mlflow_run {
                Some(m) => {
                    let run_id = m.run_id.clone();
                    state.push_route(ScreenRoute::RunDetail {
                        run_id: run_id.clone(),
                    });
                    super::super::run_detail::open(state, &run_id, fx);
                }
                None => state.toast(
                    ToastLevel::Info,
                    "no MLflow run found for this job run (link the job to an experiment)",
                ),
            },
            (Action::CopyId, _) => super::super::copy(state, run_id.to_string(), fx),
            (_, Some("run_now")) => change::run_now(state, view.job_id, fx),
            (_, Some("cancel_run")) if !view.run.ended => {
                change::cancel(state, run_id, name, &view.run.state)
            }
            (_, Some("cancel_run")) => state.toast(
                ToastLevel::Info,
                format!("run {run_id} has already ended ({})", view.run.state),
            ),
            (_, Some("repair_run")) => {
                let failed = view
                    .tasks
                    .iter()
                    .filter(|t| t.ended && !t.succeeded)
                    .map(|t| t.task_key.clone())
                    .collect();
                repair(
                    state,
                    run_id,
                    view.run.ended,
                    view.run.succeeded,
                    name,
                    failed,
                )
            }
            (_, Some(_)) => {}
            _ => return false,
        }
        state.dirty = true;
        true
    }
    fn offers(&self, state: &State, _: &ScreenRoute) -> Vec<Offer> {
        let run = state.jobs.open_run();
        let mut offers = Vec::new();
        if run.is_some_and(|r| r.mlflow_run.is_some()) {
            offers.push((Action::Open, Some("MLflow run")));
        }
        // Cancel while it runs, repair once it ended badly.
        match run.map(|r| (r.run.ended, r.run.succeeded)) {
            Some((false, _)) => offers.push((Action::Verb(CANCEL), None)),
            Some((true, false)) => offers.push((Action::Verb(REPAIR), None)),
            _ => {}
        }
        offers.push((Action::Verb(RUN_NOW), Some("run again")));
        offers.extend(
            tail(state)
                .into_iter()
                .filter(|(a, _)| *a != Action::Filter),
        );
        offers
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
