//! The Jobs list and one job's runs as the console shows them (the TUI's Jobs screen and the
//! headless `jobs` / `job`): schedule, tags, creator, the last run and a failing marker. States
//! are read from the run's `status` object first (Jobs API 2.2), the deprecated `state` only
//! when it is absent.

use serde::Serialize;

use crate::api::models::jobs::{
    Job, JobRun, ListJobsRequest, ListRunsRequest, PauseStatus, TerminationCode,
};
use crate::api::{ApiError, Client};

/// The most `runs/list` answers in one page.
const RUNS_PAGE: i64 = 25;

/// A job parameter's value in a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunParameter {
    pub name: String,
    pub value: String,
}

impl RunParameter {
    pub fn text(&self) -> String {
        format!("{}={}", self.name, self.value)
    }
}

/// The parameters as `k=v` words.
pub fn parameters_text(params: &[RunParameter]) -> String {
    params
        .iter()
        .map(RunParameter::text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A run as the listings show it.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub run_id: i64,
    /// `RUNNING`, `TERMINATED SUCCESS`, `INTERNAL_ERROR FAILED`…
    pub state: String,
    pub ended: bool,
    pub succeeded: bool,
    pub start_time: Option<i64>,
    /// Milliseconds, once the run ended.
    pub duration_ms: Option<i64>,
    /// What started it: `PERIODIC`, `ONE_TIME`, `RETRY`…
    pub trigger: Option<String>,
    /// The parameters in effect (a run's overrides, else the job's defaults).
    pub parameters: Vec<RunParameter>,
    /// Who started it.
    pub run_by: Option<String>,
    /// The termination or state message.
    pub message: String,
    pub run_page_url: Option<String>,
}

impl RunSummary {
    pub fn of(run: &JobRun) -> Self {
        RunSummary {
            run_id: run.run_id,
            state: run.state_label(),
            ended: run.is_terminal(),
            succeeded: run.succeeded(),
            start_time: run.start_time.filter(|t| *t > 0),
            duration_ms: run.duration_ms(),
            trigger: run.trigger.as_ref().map(|t| t.to_string()),
            parameters: run
                .job_parameters
                .iter()
                .map(|p| RunParameter {
                    name: p.name.clone(),
                    value: p.effective().unwrap_or("").to_string(),
                })
                .collect(),
            run_by: run.creator_user_name.clone(),
            message: run.message().to_string(),
            run_page_url: run.run_page_url.clone(),
        }
    }
}

/// Whether an ended run counts as failing: it ended without success, and not because someone
/// cancelled it.
pub fn failed(run: &JobRun) -> bool {
    let cancelled = run
        .termination()
        .and_then(|t| t.code)
        .is_some_and(|c| matches!(c, TerminationCode::UserCanceled | TerminationCode::Canceled));
    run.ended_badly() && !cancelled
}

/// One row of `jobs`.
#[derive(Debug, Clone, Serialize)]
pub struct JobRow {
    pub job_id: i64,
    pub name: String,
    /// The quartz cron expression and its time zone, or `None` for a job run by hand.
    pub schedule: Option<String>,
    /// Whether the schedule is paused (`None` without a schedule).
    pub paused: Option<bool>,
    pub tags: std::collections::BTreeMap<String, String>,
    pub creator: Option<String>,
    pub last_run: Option<RunSummary>,
    /// The latest ended run failed.
    pub failing: bool,
}

fn schedule(job: &Job) -> (Option<String>, Option<bool>) {
    match &job.settings.schedule {
        Some(s) => (
            Some(format!("{} ({})", s.quartz_cron_expression, s.timezone_id)),
            Some(s.pause_status == Some(PauseStatus::Paused)),
        ),
        None => (None, None),
    }
}

/// How many jobs' runs are read at once.
const RUNS_CONCURRENCY: usize = 8;

/// Every job with its latest runs (one `runs/list` page each, `RUNS_CONCURRENCY` at a time, in
/// the order `jobs/list` gave the jobs).
pub async fn read_jobs(client: &Client) -> Result<Vec<JobRow>, ApiError> {
    use futures::{StreamExt, TryStreamExt};
    let jobs = client.list_all_jobs(&ListJobsRequest::default()).await?;
    futures::stream::iter(jobs)
        .map(|job| async move {
            let req = ListRunsRequest {
                job_id: Some(job.job_id),
                limit: Some(RUNS_PAGE),
                ..Default::default()
            };
            let runs = client.list_job_runs(&req).await?.runs;
            Ok::<_, ApiError>(job_row(&job, &runs))
        })
        .buffered(RUNS_CONCURRENCY)
        .try_collect()
        .await
}

fn job_row(job: &Job, runs: &[JobRun]) -> JobRow {
    let (schedule, paused) = schedule(job);
    JobRow {
        job_id: job.job_id,
        name: job.display_name(),
        schedule,
        paused,
        tags: job.settings.tags.clone(),
        creator: job.creator_user_name.clone(),
        last_run: runs.first().map(RunSummary::of),
        failing: runs.iter().find(|r| r.is_terminal()).is_some_and(failed),
    }
}

/// One job and its runs, as `job --json` prints them.
#[derive(Debug, Clone, Serialize)]
pub struct JobRuns {
    pub job_id: i64,
    pub name: String,
    pub active_only: bool,
    pub runs: Vec<RunSummary>,
}

/// The newest `max` runs of `job` (only those not ended yet with `active_only`).
pub async fn read_job_runs(
    client: &Client,
    job: &Job,
    active_only: bool,
    max: usize,
) -> Result<JobRuns, ApiError> {
    let mut req = ListRunsRequest {
        job_id: Some(job.job_id),
        active_only,
        limit: Some(RUNS_PAGE),
        ..Default::default()
    };
    let mut guard = crate::api::paging::PageGuard::new("jobs/runs/list");
    let mut runs = Vec::new();
    while runs.len() < max {
        let page = client.list_job_runs(&req).await?;
        runs.extend(page.runs.iter().map(RunSummary::of));
        match guard.next(page.next_page_token)? {
            Some(token) => req.page_token = Some(token),
            None => break,
        }
    }
    runs.truncate(max);
    Ok(JobRuns {
        job_id: job.job_id,
        name: job.display_name(),
        active_only,
        runs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::jobs::{RunStatus, RunStatusState, TerminationDetails};

    fn ended(code: TerminationCode) -> JobRun {
        JobRun {
            status: Some(RunStatus {
                state: Some(RunStatusState::Terminated),
                termination_details: Some(TerminationDetails {
                    code: Some(code),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_cancelled_run_is_not_failing_and_a_failed_one_is() {
        assert!(failed(&ended(TerminationCode::RunExecutionError)));
        assert!(failed(&ended(TerminationCode::InternalError)));
        assert!(!failed(&ended(TerminationCode::Success)));
        assert!(!failed(&ended(TerminationCode::UserCanceled)));
        assert!(!failed(&JobRun::default()));
    }
}
