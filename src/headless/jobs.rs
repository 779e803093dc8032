//! `mlops-console jobs` and `job JOB`: the Jobs list (schedule, tags, creator, the last run and
//! a failing marker) and one job's runs, as tables or JSON. States are read from the run's
//! `status` object first (Jobs API 2.2), the deprecated `state` only when it is absent.

use serde::Serialize;

use crate::api::models::jobs::{
    Job, JobRun, ListJobsRequest, ListRunsRequest, PauseStatus, TerminationCode,
};
use crate::api::{ApiError, Client};

use super::jobs_args::JobArgs;
use super::runview::duration;
use super::{exit, output, table};

/// The most `runs/list` answers in one page.
const RUNS_PAGE: i64 = 25;

/// Why a job named on the command line could not be read.
#[derive(Debug, thiserror::Error)]
pub enum JobLookupError {
    #[error("job '{0}' not found")]
    NotFound(String),
    #[error("{count} jobs are named '{name}' (ids {ids}); name the one meant by its id")]
    Ambiguous {
        name: String,
        count: usize,
        ids: String,
    },
    #[error(transparent)]
    Api(#[from] ApiError),
}

impl JobLookupError {
    pub fn exit_code(&self) -> i32 {
        match self {
            JobLookupError::NotFound(_) => exit::NOT_FOUND,
            JobLookupError::Ambiguous { .. } => exit::USAGE,
            JobLookupError::Api(e) => exit::for_api_error(e),
        }
    }
}

/// The job `spec` names: the job with that id, else the one whose name is exactly `spec`.
pub async fn resolve(client: &Client, spec: &str) -> Result<Job, JobLookupError> {
    let spec = spec.trim();
    if let Ok(id) = spec.parse::<i64>() {
        match client.get_job(id).await {
            Ok(job) => return Ok(job),
            // No job has that id: a job may still be named with digits.
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e.into()),
        }
    }
    // The server matches names case-insensitively; the console wants the exact name.
    let req = ListJobsRequest {
        name: Some(spec.to_string()),
        ..Default::default()
    };
    let named: Vec<Job> = client
        .list_all_jobs(&req)
        .await?
        .into_iter()
        .filter(|j| j.settings.name == spec)
        .collect();
    match named.as_slice() {
        [] => Err(JobLookupError::NotFound(spec.to_string())),
        [one] => Ok(client.get_job(one.job_id).await?),
        many => Err(JobLookupError::Ambiguous {
            name: spec.to_string(),
            count: many.len(),
            ids: many
                .iter()
                .map(|j| j.job_id.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// A job parameter's value in a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunParameter {
    pub name: String,
    pub value: String,
}

impl RunParameter {
    fn text(&self) -> String {
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

/// Every job with its latest runs (one `runs/list` page each).
pub async fn read_jobs(client: &Client) -> Result<Vec<JobRow>, ApiError> {
    let jobs = client.list_all_jobs(&ListJobsRequest::default()).await?;
    let mut rows = Vec::with_capacity(jobs.len());
    for job in jobs {
        let req = ListRunsRequest {
            job_id: Some(job.job_id),
            limit: Some(RUNS_PAGE),
            ..Default::default()
        };
        let runs = client.list_job_runs(&req).await?.runs;
        let (schedule, paused) = schedule(&job);
        rows.push(JobRow {
            job_id: job.job_id,
            name: job.display_name(),
            schedule,
            paused,
            tags: job.settings.tags.clone(),
            creator: job.creator_user_name.clone(),
            last_run: runs.first().map(RunSummary::of),
            failing: runs.iter().find(|r| r.is_terminal()).is_some_and(failed),
        });
    }
    Ok(rows)
}

fn short_state(r: &RunSummary) -> String {
    let d = r.duration_ms.map(duration).unwrap_or_default();
    if d.is_empty() {
        r.state.clone()
    } else {
        format!("{} ({d})", r.state)
    }
}

pub fn render_jobs(rows: &[JobRow]) -> String {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|j| {
            let trigger = match (&j.schedule, j.paused) {
                (Some(s), Some(true)) => format!("{s} PAUSED"),
                (Some(s), _) => s.clone(),
                (None, _) => "manual".to_string(),
            };
            let tags: Vec<String> = j.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            vec![
                j.job_id.to_string(),
                j.name.clone(),
                trigger,
                tags.join(","),
                j.creator.clone().unwrap_or_else(|| "-".into()),
                j.last_run.as_ref().map_or("-".into(), short_state),
                if j.failing { "FAILING" } else { "" }.to_string(),
            ]
        })
        .collect();
    table::render(
        &[
            "JOB_ID", "NAME", "SCHEDULE", "TAGS", "CREATOR", "LAST RUN", "",
        ],
        &body,
    )
}

/// `jobs [--json]`.
pub async fn list(client: &Client, json: bool) -> i32 {
    match read_jobs(client).await {
        Ok(rows) => {
            if json {
                output::json(&rows);
            } else {
                output::listing("jobs", rows.len(), || render_jobs(&rows));
            }
            exit::OK
        }
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            exit::for_api_error(&e)
        }
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

/// The newest `max` runs of the job `spec` names.
pub async fn read_runs(
    client: &Client,
    spec: &str,
    active_only: bool,
    max: usize,
) -> Result<JobRuns, JobLookupError> {
    let job = resolve(client, spec).await?;
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

pub fn render_runs(runs: &[RunSummary]) -> String {
    let body: Vec<Vec<String>> = runs
        .iter()
        .map(|r| {
            vec![
                r.run_id.to_string(),
                r.state.clone(),
                table::timestamp(r.start_time),
                r.duration_ms.map_or("-".into(), duration),
                r.trigger.clone().unwrap_or_else(|| "-".into()),
                r.run_by.clone().unwrap_or_else(|| "-".into()),
                parameters_text(&r.parameters),
            ]
        })
        .collect();
    table::render(
        &[
            "RUN_ID",
            "STATE",
            "START",
            "DURATION",
            "TRIGGER",
            "RUN BY",
            "PARAMETERS",
        ],
        &body,
    )
}

/// `job JOB [--active-only] [--json]`.
pub async fn show(client: &Client, args: &JobArgs) -> i32 {
    match read_runs(client, &args.job, args.active_only, args.max).await {
        Ok(job) => {
            if args.json {
                output::json(&job);
            } else {
                let what = if args.active_only {
                    format!("active runs of job {}", job.name)
                } else {
                    format!("runs of job {}", job.name)
                };
                output::listing(&what, job.runs.len(), || render_runs(&job.runs));
            }
            exit::OK
        }
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            e.exit_code()
        }
    }
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

    #[test]
    fn the_list_marks_a_failing_job_and_a_paused_schedule() {
        let row = |failing, paused| JobRow {
            job_id: 7,
            name: "nightly".into(),
            schedule: Some("0 0 2 * * ? (UTC)".into()),
            paused: Some(paused),
            tags: Default::default(),
            creator: None,
            last_run: None,
            failing,
        };
        let text = render_jobs(&[row(true, true), row(false, false)]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].ends_with("FAILING"), "{text}");
        assert!(lines[1].contains("(UTC) PAUSED"), "{text}");
        assert!(
            !lines[2].contains("FAILING") && !lines[2].contains("PAUSED"),
            "{text}"
        );
    }
}
