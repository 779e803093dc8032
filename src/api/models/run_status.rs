//! Reading where a job run or task run is. Jobs 2.2 sends the newer `status` object (with
//! `termination_details`) beside the deprecated `state`; these accessors read `status` first and
//! fall back on `state` only when `status` is absent, so an answer carrying either reads right.
//!
//! One refinement keeps the legacy words the SDK waiter knows: `status.state = TERMINATED` covers
//! the legacy terminal states `TERMINATED`, `SKIPPED` and `INTERNAL_ERROR`; when `state` names one
//! of those, that finer word is kept.

use super::job_runs::{
    JobRun, RunJobParameter, RunLifeCycleState as Life, RunResultState, RunState, RunStatus,
    RunStatusState, RunTask, TerminationCode, TerminationDetails, TerminationType,
};

/// Where a run is, from its `state` and `status` blocks (see the module note).
fn life_cycle(state: Option<&RunState>, status: Option<&RunStatus>) -> Option<Life> {
    let legacy = state.and_then(|s| s.life_cycle_state.clone());
    let Some(v2) = status.and_then(|s| s.state.as_ref()) else {
        return legacy;
    };
    let mapped = match v2 {
        RunStatusState::Queued => Life::Queued,
        RunStatusState::Pending => Life::Pending,
        RunStatusState::Running => Life::Running,
        RunStatusState::Terminating => Life::Terminating,
        RunStatusState::Terminated => Life::Terminated,
        RunStatusState::Blocked => Life::Blocked,
        RunStatusState::Waiting => Life::WaitingForRetry,
        RunStatusState::Other(s) => Life::Other(s.clone()),
    };
    match legacy {
        Some(l) if mapped == Life::Terminated && l.is_terminal() => Some(l),
        _ => Some(mapped),
    }
}

/// How a run ended: `status.termination_details`, else read off the legacy `state`.
fn termination(state: Option<&RunState>, status: Option<&RunStatus>) -> Option<TerminationDetails> {
    if let Some(d) = status.and_then(|s| s.termination_details.as_ref()) {
        return Some(d.clone());
    }
    let state = state?;
    let (code, kind) = match (&state.result_state, &state.life_cycle_state) {
        (Some(RunResultState::Success), _) => (TerminationCode::Success, TerminationType::Success),
        (Some(RunResultState::SuccessWithFailures), _) => (
            TerminationCode::SuccessWithFailures,
            TerminationType::Success,
        ),
        (Some(RunResultState::Canceled), _) if state.user_cancelled_or_timedout == Some(true) => {
            (TerminationCode::UserCanceled, TerminationType::Success)
        }
        (Some(RunResultState::Canceled), _) => {
            (TerminationCode::Canceled, TerminationType::Success)
        }
        (_, Some(Life::InternalError)) => (
            TerminationCode::InternalError,
            TerminationType::InternalError,
        ),
        (Some(RunResultState::Failed), _) => (
            TerminationCode::RunExecutionError,
            TerminationType::ClientError,
        ),
        (Some(RunResultState::UpstreamFailed | RunResultState::Excluded), _) => {
            (TerminationCode::Skipped, TerminationType::Success)
        }
        (Some(RunResultState::Disabled), _) => {
            (TerminationCode::Disabled, TerminationType::ClientError)
        }
        (Some(other), _) => (
            TerminationCode::Other(other.as_str().to_string()),
            TerminationType::ClientError,
        ),
        (None, _) => return None,
    };
    Some(TerminationDetails {
        code: Some(code),
        kind: Some(kind),
        message: state.state_message.clone(),
    })
}

/// The message worth showing: the termination message, else the state message.
fn message<'a>(state: Option<&'a RunState>, status: Option<&'a RunStatus>) -> &'a str {
    let ended = status
        .and_then(|s| s.termination_details.as_ref())
        .map_or("", |d| d.message.as_str());
    if !ended.is_empty() {
        return ended;
    }
    state.map_or("", |s| s.state_message.as_str())
}

/// Ended with `SUCCESS`: by the termination code when `status` says, else the legacy result.
fn succeeded(state: Option<&RunState>, status: Option<&RunStatus>) -> bool {
    termination(state, status).and_then(|d| d.code) == Some(TerminationCode::Success)
}

/// `RUNNING`, `TERMINATED SUCCESS`, `TERMINATED USER_CANCELED`, ... : the life cycle word, then
/// the legacy result when sent, else the termination code.
fn label(state: Option<&RunState>, status: Option<&RunStatus>) -> String {
    let life = life_cycle(state, status).map_or_else(|| "UNKNOWN".to_string(), |s| s.to_string());
    let result = state
        .and_then(|s| s.result_state.as_ref())
        .map(|r| r.to_string())
        .or_else(|| {
            let d = status?.termination_details.as_ref()?;
            d.code.as_ref().map(|c| c.to_string())
        });
    match result {
        Some(r) => format!("{life} {r}"),
        None => life,
    }
}

/// Milliseconds the run took: `run_duration` when the service sent one, else the three phases,
/// else end − start once it ended. `None` while it runs (the caller knows what time it is).
fn duration(
    run_duration: Option<i64>,
    phases: [Option<i64>; 3],
    start: Option<i64>,
    end: Option<i64>,
) -> Option<i64> {
    if let Some(d) = run_duration.filter(|d| *d > 0) {
        return Some(d);
    }
    let sum: i64 = phases.iter().flatten().sum();
    if sum > 0 {
        return Some(sum);
    }
    match (start, end) {
        (Some(s), Some(e)) if s > 0 && e >= s => Some(e - s),
        _ => None,
    }
}

impl JobRun {
    /// Where the run is (`status` first, see the module note).
    pub fn life_cycle_state(&self) -> Option<Life> {
        life_cycle(self.state.as_ref(), self.status.as_ref())
    }

    /// The legacy `result_state`, as sent (`None` when only `status` came); prefer
    /// [`JobRun::termination`].
    pub fn result_state(&self) -> Option<&RunResultState> {
        self.state.as_ref()?.result_state.as_ref()
    }

    /// How the run ended (`status.termination_details`, else read off the legacy `state`);
    /// `None` while it runs.
    pub fn termination(&self) -> Option<TerminationDetails> {
        termination(self.state.as_ref(), self.status.as_ref())
    }

    /// True once the run can no longer change.
    pub fn is_terminal(&self) -> bool {
        self.life_cycle_state().is_some_and(|s| s.is_terminal())
    }

    /// Ended with the termination code `SUCCESS` (or the legacy result `SUCCESS`).
    pub fn succeeded(&self) -> bool {
        succeeded(self.state.as_ref(), self.status.as_ref())
    }

    /// Ended, and not with success: failed, timed out, cancelled, skipped, internal error.
    pub fn ended_badly(&self) -> bool {
        self.is_terminal() && !self.succeeded()
    }

    /// Ended because it was cancelled (termination code `USER_CANCELED` or `CANCELED`, or the
    /// legacy result `CANCELED`), not on its own.
    pub fn was_cancelled(&self) -> bool {
        self.is_terminal()
            && (matches!(
                self.termination().and_then(|d| d.code),
                Some(TerminationCode::UserCanceled | TerminationCode::Canceled)
            ) || self.result_state() == Some(&RunResultState::Canceled))
    }

    /// The most useful human message: the termination message, else the state message.
    pub fn message(&self) -> &str {
        message(self.state.as_ref(), self.status.as_ref())
    }

    /// `RUNNING`, `TERMINATED SUCCESS`, ... for tables and progress lines.
    pub fn state_label(&self) -> String {
        label(self.state.as_ref(), self.status.as_ref())
    }

    /// Milliseconds the run took, once it ended.
    pub fn duration_ms(&self) -> Option<i64> {
        duration(
            self.run_duration,
            [
                self.setup_duration,
                self.execution_duration,
                self.cleanup_duration,
            ],
            self.start_time,
            self.end_time,
        )
    }

    /// The value a job parameter had in this run.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.job_parameters
            .iter()
            .find(|p| p.name == name)
            .and_then(RunJobParameter::effective)
    }

    /// The task run of `task_key`.
    pub fn task(&self, task_key: &str) -> Option<&RunTask> {
        self.tasks.iter().find(|t| t.task_key == task_key)
    }

    /// Task runs that ended without success, in the run's order (what a repair reruns).
    pub fn failed_tasks(&self) -> impl Iterator<Item = &RunTask> {
        self.tasks
            .iter()
            .filter(|t| t.is_terminal() && !t.succeeded())
    }

    /// The id of the latest repair (what the next `runs/repair` must name), if it was repaired.
    pub fn latest_repair_id(&self) -> Option<i64> {
        self.repair_history.iter().filter_map(|r| r.id).max()
    }
}

impl RunTask {
    /// Where the task run is (`status` first, see the module note).
    pub fn life_cycle_state(&self) -> Option<Life> {
        life_cycle(self.state.as_ref(), self.status.as_ref())
    }

    /// How the task run ended; `None` while it runs.
    pub fn termination(&self) -> Option<TerminationDetails> {
        termination(self.state.as_ref(), self.status.as_ref())
    }

    pub fn is_terminal(&self) -> bool {
        self.life_cycle_state().is_some_and(|s| s.is_terminal())
    }

    pub fn succeeded(&self) -> bool {
        succeeded(self.state.as_ref(), self.status.as_ref())
    }

    /// The task's error or state message.
    pub fn message(&self) -> &str {
        message(self.state.as_ref(), self.status.as_ref())
    }

    pub fn state_label(&self) -> String {
        label(self.state.as_ref(), self.status.as_ref())
    }

    /// Milliseconds the task run took, once it ended.
    pub fn duration_ms(&self) -> Option<i64> {
        duration(
            self.run_duration,
            [
                self.setup_duration,
                self.execution_duration,
                self.cleanup_duration,
            ],
            self.start_time,
            self.end_time,
        )
    }
}
