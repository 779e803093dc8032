//! Jobs room (screen 8): the workspace's jobs (schedule, tags, creator, last run, a failing
//! marker), a job's runs (`a`: active only), one run's tasks with the output of failed tasks,
//! what a batch run wrote and the MLflow run it logged. Run now (`n`), cancel (`X`) and repair
//! (`R`) go through a confirm dialog and the change pipeline (`change`); the reads and changes
//! run in the runtime (`fetch`). Runs in progress are re-read on the clock.

pub mod change;
pub mod fetch;
mod messages;
pub mod room;
mod run_room;

pub use messages::*;
pub use run_room::JobRunRoom;

use crate::api::models::jobs::Job;
use crate::ops::job_attention::JobsAttention;
use crate::ops::job_list::{JobRow, JobRuns, RunSummary};
use crate::ops::job_run_view::{JobRunView, Known, TaskView};

use super::super::effect::{Effect, Fetch as AppFetch};
use super::super::list::ListView;
use super::super::remote::{Accepted, LoadError, Remote, RequestId, replace};
use super::super::screen::ScreenRoute;
use super::super::state::State;
use super::{RoomFetch, RoomKey, refresh_every_ms};

/// How often an open run that has not ended is re-read (at most; a shorter refresh wins).
pub const FOLLOW_MS: i64 = 2_000;
/// The most runs of one job listed.
pub const MAX_RUNS: usize = 100;

#[derive(Debug, Clone, Default)]
pub struct JobsState {
    pub list: Remote<Vec<JobRow>>,
    pub view: ListView,
    /// The runs of the job open (`ScreenRoute::Job`).
    pub runs: Remote<JobRuns>,
    pub runs_job: Option<i64>,
    pub runs_view: ListView,
    pub active_only: bool,
    /// The run open (`ScreenRoute::JobRun`).
    pub run: Remote<JobRunView>,
    pub run_id: Option<i64>,
    pub tasks_view: ListView,
    /// The job read for the run-now form (`n`), while it loads.
    pub job: Remote<Job>,
    /// The change in flight.
    pub applying: Option<(RequestId, Change)>,
    /// The last change's outcome, shown until the next one.
    pub last: Option<ChangeDone>,
    /// Runs in progress and failing jobs (the Overview's panel).
    pub attention: Remote<JobsAttention>,
}

impl JobsState {
    /// Jobs the filter lets through.
    pub fn visible(&self) -> Vec<&JobRow> {
        let needle = self.view.needle();
        self.list
            .data
            .iter()
            .flatten()
            .filter(|j| needle.is_empty() || job_matches(j, &needle))
            .collect()
    }

    pub fn selected(&self) -> Option<&JobRow> {
        self.visible().get(self.view.selected).copied()
    }

    /// Runs of the open job the filter lets through.
    pub fn visible_runs(&self) -> Vec<&RunSummary> {
        let needle = self.runs_view.needle();
        self.runs
            .data
            .iter()
            .flat_map(|r| r.runs.iter())
            .filter(|r| needle.is_empty() || run_matches(r, &needle))
            .collect()
    }

    pub fn selected_run(&self) -> Option<&RunSummary> {
        self.visible_runs().get(self.runs_view.selected).copied()
    }

    pub fn tasks(&self) -> &[TaskView] {
        self.run.data.as_ref().map_or(&[], |r| r.tasks.as_slice())
    }

    pub fn selected_task(&self) -> Option<&TaskView> {
        self.tasks().get(self.tasks_view.selected)
    }

    /// The open run, if it is the one shown.
    pub fn open_run(&self) -> Option<&JobRunView> {
        self.run
            .data
            .as_ref()
            .filter(|r| Some(r.run.run_id) == self.run_id)
    }

    /// The job's name, as far as the room knows it.
    pub fn job_name(&self, job_id: i64) -> String {
        let listed = self.list.data.iter().flatten().find(|j| j.job_id == job_id);
        let runs = self.runs.data.as_ref().filter(|r| r.job_id == job_id);
        listed
            .map(|j| j.name.clone())
            .or_else(|| runs.map(|r| r.name.clone()))
            .unwrap_or_else(|| format!("job {job_id}"))
    }
}

fn job_matches(j: &JobRow, needle: &str) -> bool {
    let tags = j
        .tags
        .iter()
        .any(|(k, v)| k.to_lowercase().contains(needle) || v.to_lowercase().contains(needle));
    j.name.to_lowercase().contains(needle)
        || j.job_id.to_string().contains(needle)
        || j.creator
            .as_deref()
            .is_some_and(|c| c.to_lowercase().contains(needle))
        || tags
        || (needle == "failing" && j.failing)
}

fn run_matches(r: &RunSummary, needle: &str) -> bool {
    r.run_id.to_string().contains(needle)
        || r.state.to_lowercase().contains(needle)
        || r.trigger
            .as_deref()
            .is_some_and(|t| t.to_lowercase().contains(needle))
        || r.run_by
            .as_deref()
            .is_some_and(|u| u.to_lowercase().contains(needle))
}

fn fetch(state: &mut State, fetch: Fetch, fx: &mut Vec<Effect>) -> RequestId {
    let req = state.next_request();
    fx.push(Effect::Fetch {
        req,
        fetch: AppFetch::Room(RoomFetch::Jobs(fetch)),
    });
    req
}

/// Loads what `route` shows: what is due, or everything when `force`.
pub(crate) fn load(state: &mut State, route: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
    let every = refresh_every_ms(state);
    let now = state.now_ms;
    match route {
        ScreenRoute::Job { job_id } => {
            let other = state.jobs.runs_job != Some(*job_id);
            if other {
                state.jobs.runs = Remote::default();
                state.jobs.runs_view = ListView::default();
                state.jobs.runs_job = Some(*job_id);
            }
            if force || other || state.jobs.runs.is_due(now, every) {
                let active_only = state.jobs.active_only;
                let f = Fetch::Runs {
                    job_id: *job_id,
                    active_only,
                };
                let req = fetch(state, f, fx);
                state.jobs.runs.start(req);
            }
        }
        ScreenRoute::JobRun { run_id } => {
            let other = state.jobs.run_id != Some(*run_id);
            if other {
                state.jobs.run = Remote::default();
                state.jobs.tasks_view = ListView::default();
                state.jobs.run_id = Some(*run_id);
            }
            // A run that has not ended is followed; an ended one only changes by a repair.
            let running = state.jobs.open_run().is_none_or(|r| !r.run.ended);
            let every = running.then(|| every.map_or(FOLLOW_MS, |e| e.min(FOLLOW_MS)));
            if force || other || state.jobs.run.is_due(now, every) {
                // Following a run keeps its ended tasks' outputs; `r` reads everything again.
                let known = match state.jobs.open_run() {
                    Some(view) if !force => Known::from_view(view),
                    _ => Known::default(),
                };
                let f = Fetch::Run {
                    run_id: *run_id,
                    training_jobs: state.session.training_jobs.clone(),
                    known: Box::new(known),
                };
                let req = fetch(state, f, fx);
                state.jobs.run.start(req);
            }
        }
        _ => {
            if force || state.jobs.list.is_due(now, every) {
                let req = fetch(state, Fetch::List, fx);
                state.jobs.list.start(req);
            }
        }
    }
}

/// The Overview's jobs panel: read when due (all of it when `force`).
pub(crate) fn load_attention(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let every = refresh_every_ms(state);
    if force || state.jobs.attention.is_due(state.now_ms, every) {
        let req = fetch(state, Fetch::Attention, fx);
        state.jobs.attention.start(req);
    }
}

/// Re-reads the list, the open job's runs and the open run (after a change).
pub(crate) fn reload(state: &mut State, fx: &mut Vec<Effect>) {
    let route = state.route().clone();
    load(state, &route, true, fx);
}

pub(crate) fn on_loaded(
    state: &mut State,
    req: RequestId,
    at: i64,
    loaded: Loaded,
    fx: &mut Vec<Effect>,
) -> Accepted {
    let page = state.list_page_rows();
    let j = &mut state.jobs;
    match loaded {
        Loaded::List(r) => {
            let accepted = j.list.accept(req, at, r, replace);
            let len = j.visible().len();
            j.view.keep_visible(len, page);
            accepted
        }
        Loaded::Runs(r) => {
            let accepted = j.runs.accept(req, at, r, replace);
            let len = j.visible_runs().len();
            j.runs_view.keep_visible(len, page);
            accepted
        }
        Loaded::Run(r) => {
            let accepted = j.run.accept(req, at, r.map(|v| *v), replace);
            let len = j.tasks().len();
            j.tasks_view.keep_visible(len, page);
            accepted
        }
        Loaded::Attention(r) => j.attention.accept(req, at, r.map(|a| *a), replace),
        Loaded::Job(r) => change::on_job(state, req, at, r),
        Loaded::Changed(done) => change::on_changed(state, req, *done, fx),
    }
}

pub(crate) fn on_failed(
    state: &mut State,
    key: RoomKey,
    req: RequestId,
    at: i64,
    message: &str,
) -> Accepted {
    let e = LoadError::Failed(format!("internal error: {message}"));
    let j = &mut state.jobs;
    match key {
        LIST => j.list.fail(req, at, e),
        RUNS => j.runs.fail(req, at, e),
        RUN => j.run.fail(req, at, e),
        JOB => j.job.fail(req, at, e),
        ATTENTION => j.attention.fail(req, at, e),
        _ => change::on_task_failed(state, req, message),
    }
}

/// Requests in flight.
pub(crate) fn loading(state: &State) -> usize {
    let j = &state.jobs;
    [
        j.list.is_loading(),
        j.runs.is_loading(),
        j.run.is_loading(),
        j.job.is_loading(),
        j.attention.is_loading(),
        j.applying.is_some(),
    ]
    .into_iter()
    .filter(|b| *b)
    .count()
}
