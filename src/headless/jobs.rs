//! `mlops-console jobs` and `job JOB`: the Jobs list (schedule, tags, creator, the last run and
//! a failing marker) and one job's runs, as tables or JSON. States are read from the run's
//! `status` object first (Jobs API 2.2), the deprecated `state` only when it is absent.

use crate::api::models::jobs::{Job, ListJobsRequest};
use crate::api::{ApiError, Client};
pub use crate::ops::job_list::{
    JobRow, JobRuns, RunParameter, RunSummary, failed, parameters_text, read_job_runs, read_jobs,
};

use super::jobs_args::JobArgs;
use super::runview::duration;
use super::{exit, output, table};

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

/// The newest `max` runs of the job `spec` names.
pub async fn read_runs(
    client: &Client,
    spec: &str,
    active_only: bool,
    max: usize,
) -> Result<JobRuns, JobLookupError> {
    let job = resolve(client, spec).await?;
    Ok(read_job_runs(client, &job, active_only, max).await?)
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
