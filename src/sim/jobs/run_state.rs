//! The `state` and `status` blocks of runs and task runs, set together as the service keeps
//! them in step, and how runs end.

use crate::api::models::jobs::{
    JobRun, RunLifeCycleState as Life, RunResultState, RunState, RunStatus, RunStatusState,
    RunTask, TerminationCode, TerminationDetails, TerminationType,
};

use super::lifecycle::PENDING_MS;

/// How a run ended.
pub(crate) struct Ending<'a> {
    /// `TERMINATED`, or `INTERNAL_ERROR` when the platform (not the code) failed.
    pub life: Life,
    pub result: RunResultState,
    pub code: TerminationCode,
    pub kind: TerminationType,
    pub message: &'a str,
}

impl Ending<'_> {
    pub const SUCCESS: Ending<'static> = Ending {
        life: Life::Terminated,
        result: RunResultState::Success,
        code: TerminationCode::Success,
        kind: TerminationType::Success,
        message: "",
    };
}

/// Sets the legacy `state` and the newer `status` together (and the task's), as the service
/// keeps them in step.
pub(crate) fn set_state(run: &mut JobRun, life: Life, message: &str) {
    let (state, status) = active_blocks(life, message);
    for task in &mut run.tasks {
        task.state = Some(state.clone());
        task.status = Some(status.clone());
    }
    run.state = Some(state);
    run.status = Some(status);
}

/// Sets the run's own `state` and `status`, leaving its tasks alone.
pub(crate) fn set_run_state(run: &mut JobRun, life: Life, message: &str) {
    let unchanged = run
        .state
        .as_ref()
        .is_some_and(|s| s.life_cycle_state.as_ref() == Some(&life) && s.state_message == message);
    if !unchanged {
        let (state, status) = active_blocks(life, message);
        run.state = Some(state);
        run.status = Some(status);
    }
}

/// Sets one task run's `state` and `status`.
pub(crate) fn set_task_state(task: &mut RunTask, life: Life, message: &str) {
    let unchanged = task
        .state
        .as_ref()
        .is_some_and(|s| s.life_cycle_state.as_ref() == Some(&life) && s.state_message == message);
    if !unchanged {
        let (state, status) = active_blocks(life, message);
        task.state = Some(state);
        task.status = Some(status);
    }
}

/// The `state` and `status` of a run that has not ended.
fn active_blocks(life: Life, message: &str) -> (RunState, RunStatus) {
    let status = match &life {
        Life::Queued => RunStatusState::Queued,
        Life::Pending => RunStatusState::Pending,
        Life::Running => RunStatusState::Running,
        Life::Terminating => RunStatusState::Terminating,
        _ => RunStatusState::Terminated,
    };
    let state = RunState {
        life_cycle_state: Some(life),
        state_message: message.to_string(),
        ..Default::default()
    };
    let status = RunStatus {
        state: Some(status),
        ..Default::default()
    };
    (state, status)
}

/// Ends `run` and every task of it at `at`.
pub(crate) fn terminate(run: &mut JobRun, ending: &Ending<'_>, at: i64) {
    for task in &mut run.tasks {
        end_task(task, ending, at);
    }
    end_run(run, ending, at);
}

/// Ends one task run at `at`.
pub(crate) fn end_task(task: &mut RunTask, ending: &Ending<'_>, at: i64) {
    let (state, status) = ended_blocks(ending);
    task.state = Some(state);
    task.status = Some(status);
    task.end_time = Some(at);
}

/// Ends the run itself at `at` (durations filled in; setup is the pending time, when known),
/// leaving its tasks alone; closes the repair in progress, if any.
pub(crate) fn end_run(run: &mut JobRun, ending: &Ending<'_>, at: i64) {
    let start = run.start_time.unwrap_or(at);
    let total = (at - start).max(0);
    let setup = PENDING_MS.min(total);
    let (state, status) = ended_blocks(ending);
    if let Some(last) = run
        .repair_history
        .last_mut()
        .filter(|r| r.end_time.unwrap_or(0) == 0)
    {
        last.end_time = Some(at);
        last.state = Some(state.clone());
        last.status = Some(status.clone());
    }
    run.state = Some(state);
    run.status = Some(status);
    run.end_time = Some(at);
    run.setup_duration = Some(setup);
    run.execution_duration = Some(total - setup);
    run.cleanup_duration = Some(0);
    run.run_duration = Some(total);
}

/// The `state` and `status` of an ended run or task.
fn ended_blocks(ending: &Ending<'_>) -> (RunState, RunStatus) {
    let state = RunState {
        life_cycle_state: Some(ending.life.clone()),
        result_state: Some(ending.result.clone()),
        state_message: ending.message.to_string(),
        user_cancelled_or_timedout: Some(ending.code == TerminationCode::UserCanceled),
        queue_reason: None,
    };
    let status = RunStatus {
        state: Some(RunStatusState::Terminated),
        termination_details: Some(TerminationDetails {
            code: Some(ending.code.clone()),
            kind: Some(ending.kind.clone()),
            message: ending.message.to_string(),
        }),
        queue_details: None,
    };
    (state, status)
}

/// The notebook raised: TERMINATED/FAILED with a client error.
pub(crate) fn failed(message: &str) -> Ending<'_> {
    Ending {
        life: Life::Terminated,
        result: RunResultState::Failed,
        code: TerminationCode::RunExecutionError,
        kind: TerminationType::ClientError,
        message,
    }
}
