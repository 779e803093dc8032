//! Training room: the training job linked to an experiment (experiment tag or config), its
//! parameter form, the confirm dialog, `run-now` as an effect, then the job run polled on the
//! clock until it ends, and finally the MLflow run it logged.

use crate::api::ApiResult;
use crate::api::models::job_runs::JobRun;
use crate::api::models::jobs::{Job, RunNowResponse};
use crate::ops::training::{self, ParameterValue};

use super::super::effect::{Effect, Fetch};
use super::super::form::{Confirm, ConfirmAction, TrainingForm};
use super::super::remote::{Accepted, Remote, RequestId, replace};
use super::super::screen::ScreenRoute;
use super::super::state::{Overlay, State, ToastLevel};

/// How often a running job run is polled.
pub const POLL_MS: i64 = 2_000;
/// Searches for the MLflow run a finished job run logged, before giving up.
pub const PRODUCED_TRIES: u32 = 5;

#[derive(Debug, Clone, Default)]
pub struct TrainingState {
    pub experiment_id: String,
    pub experiment_name: String,
    pub job_id: i64,
    pub job_name: String,
    pub job: Remote<Job>,
    pub started: Remote<RunNowResponse>,
    pub job_run: Remote<JobRun>,
    pub produced: Remote<Option<String>>,
    /// What the run was started with (defaults included).
    pub parameters: Vec<ParameterValue>,
    /// Searches for the produced MLflow run that found nothing.
    pub produced_misses: u32,
}

impl TrainingState {
    pub fn job_run_id(&self) -> Option<i64> {
        self.started.data.as_ref().map(|r| r.run_id)
    }

    pub fn finished(&self) -> bool {
        self.job_run.data.as_ref().is_some_and(JobRun::is_terminal)
    }
}

/// `T`: finds the experiment's training job and opens the form (loading the job).
pub(crate) fn start(state: &mut State, experiment_id: &str, fx: &mut Vec<Effect>) {
    let Some(exp) = state.experiments.find(experiment_id).cloned() else {
        state.toast(
            ToastLevel::Error,
            "the experiment is not loaded: open it from the Experiments list",
        );
        return;
    };
    let (job_id, link) = match training::linked_job(&exp, &state.session.training_jobs) {
        Ok(found) => found,
        Err(e) => {
            state.toast(ToastLevel::Error, e.to_string());
            return;
        }
    };
    state.training = TrainingState {
        experiment_id: exp.experiment_id.clone(),
        experiment_name: exp.name.clone(),
        job_id,
        ..TrainingState::default()
    };
    let req = state.next_request();
    state.training.job.start(req);
    fx.push(Effect::Fetch {
        req,
        fetch: Fetch::TrainingJob { job_id },
    });
    let form = TrainingForm::new(exp.experiment_id, exp.name, job_id, link);
    state.overlay = Overlay::TrainingForm(Box::new(form));
    state.dirty = true;
}

pub(crate) fn on_job(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: ApiResult<Box<Job>>,
) -> Accepted {
    let result = result.map(|j| *j);
    let error = result.as_ref().err().map(ToString::to_string);
    let accepted = state.training.job.accept(req, at, result, replace);
    let Overlay::TrainingForm(form) = &mut state.overlay else {
        return accepted;
    };
    match (&accepted, &state.training.job.data, error) {
        (Accepted::Ok, Some(job), _) => {
            let params: Vec<(String, String)> = job
                .settings
                .parameters
                .iter()
                .map(|p| (p.name.clone(), p.default.clone()))
                .collect();
            form.set_job(job.display_name(), &params);
            state.training.job_name = job.display_name();
        }
        (Accepted::NewError(_) | Accepted::QuietError, _, Some(e)) => form.error = Some(e),
        _ => {}
    }
    accepted
}

/// Enter in the form: the confirm dialog naming the target and every parameter.
pub(crate) fn review(state: &mut State) {
    let Overlay::TrainingForm(form) = &state.overlay else {
        return;
    };
    let Some(job_name) = form.job_name.clone() else {
        return; // still loading (or failed): nothing to confirm yet
    };
    let action = ConfirmAction::RunJob {
        experiment_id: form.experiment_id.clone(),
        experiment_name: form.experiment_name.clone(),
        job_id: form.job_id,
        job_name,
        parameters: form.values(),
        overrides: form.overrides(),
    };
    let confirm = Confirm::new(action, state.session.production);
    state.overlay = Overlay::Confirm(Box::new(confirm));
    state.dirty = true;
}

/// The confirm key (or the typed name on production): run-now, and watch the run.
pub(crate) fn confirmed(state: &mut State, fx: &mut Vec<Effect>) {
    let Overlay::Confirm(confirm) = std::mem::take(&mut state.overlay) else {
        return;
    };
    let ConfirmAction::RunJob {
        experiment_id,
        experiment_name,
        job_id,
        job_name,
        parameters,
        overrides,
    } = confirm.action
    else {
        return;
    };
    let req = state.next_request();
    let idempotency_token = format!("mlops-console-{job_id}-{}", state.now_ms);
    state.training = TrainingState {
        experiment_id: experiment_id.clone(),
        experiment_name,
        job_id,
        job_name,
        parameters,
        ..std::mem::take(&mut state.training)
    };
    state.training.started = Remote::default();
    state.training.job_run = Remote::default();
    state.training.produced = Remote::default();
    state.training.produced_misses = 0;
    state.training.started.start(req);
    fx.push(Effect::RunJob {
        req,
        job_id,
        job_parameters: overrides,
        idempotency_token,
    });
    state.push_route(ScreenRoute::Training { experiment_id });
    state.dirty = true;
}

pub(crate) fn on_started(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: ApiResult<RunNowResponse>,
    fx: &mut Vec<Effect>,
) -> Accepted {
    let accepted = state.training.started.accept(req, at, result, replace);
    if accepted == Accepted::Ok {
        let id = state.training.job_run_id().unwrap_or_default();
        state.toast(ToastLevel::Info, format!("job run {id} started"));
        poll(state, fx);
    }
    accepted
}

fn poll(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(run_id) = state.training.job_run_id() else {
        return;
    };
    let req = state.next_request();
    state.training.job_run.start(req);
    fx.push(Effect::Fetch {
        req,
        fetch: Fetch::JobRun { run_id },
    });
}

fn search_produced(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(job_run_id) = state.training.job_run_id() else {
        return;
    };
    let req = state.next_request();
    state.training.produced.start(req);
    let experiment_id = state.training.experiment_id.clone();
    fx.push(Effect::Fetch {
        req,
        fetch: Fetch::ProducedRun {
            experiment_id,
            job_run_id,
        },
    });
}

/// On the clock while the Training screen shows: poll the job run until it ends, then look
/// for its MLflow run (a few times: it may be logged a moment later).
pub(crate) fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let now = state.now_ms;
    let l = &state.training;
    if l.job_run_id().is_none() {
        return;
    }
    if !l.finished() {
        if force || l.job_run.is_due(now, Some(POLL_MS)) {
            poll(state, fx);
        }
        return;
    }
    let found = l.produced.data.as_ref().is_some_and(Option::is_some);
    let retry = l.produced_misses < PRODUCED_TRIES && l.produced.is_due(now, Some(POLL_MS));
    if !found && (force || retry) {
        search_produced(state, fx);
    }
}

pub(crate) fn on_job_run(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: ApiResult<Box<JobRun>>,
    fx: &mut Vec<Effect>,
) -> Accepted {
    let accepted = state
        .training
        .job_run
        .accept(req, at, result, |slot, run| *slot = Some(*run));
    if accepted == Accepted::Ok && state.training.finished() {
        search_produced(state, fx);
    }
    accepted
}

/// The MLflow run was found: open it (if the Training screen is still on top).
pub(crate) fn on_produced(
    state: &mut State,
    req: RequestId,
    at: i64,
    result: ApiResult<Option<String>>,
    fx: &mut Vec<Effect>,
) -> Accepted {
    let accepted = state.training.produced.accept(req, at, result, replace);
    if accepted != Accepted::Ok {
        return accepted;
    }
    let Some(run_id) = state.training.produced.data.clone().flatten() else {
        state.training.produced_misses += 1;
        return accepted;
    };
    if matches!(state.route(), ScreenRoute::Training { .. }) {
        let outcome = state
            .training
            .job_run
            .data
            .as_ref()
            .map(JobRun::state_label)
            .unwrap_or_default();
        state.toast(
            ToastLevel::Info,
            format!("training {outcome}: opened its MLflow run"),
        );
        state.replace_route(ScreenRoute::RunDetail {
            run_id: run_id.clone(),
        });
        super::run_detail::open(state, &run_id, fx);
    }
    accepted
}

/// When the watched job run was last read.
pub fn data_at(state: &State) -> Option<i64> {
    state.training.job_run.loaded_at
}

impl TrainingState {
    /// Requests of this room in flight (the status bar's count).
    pub fn loading(&self) -> usize {
        crate::app::remote::in_flight(&[
            self.job.is_loading(),
            self.started.is_loading(),
            self.job_run.is_loading(),
            self.produced.is_loading(),
        ])
    }
}

/// The room of a launched training run, watched until it ends.
pub(crate) mod room {
    use super::*;
    use crate::app::action::Action;
    use crate::app::keymap::Context;
    use crate::app::room::{Plain, no_actions};

    pub static ROOM: Plain = Plain {
        contexts: &[Context::Global],
        load,
        open: None,
        settled: |_| true,
        data_at,
        on_action: no_actions,
        offers: |_| {
            vec![
                (Action::Back, None),
                (Action::Help, None),
                (Action::Quit, None),
            ]
        },
        list: None,
        after_filter: None,
    };
}
