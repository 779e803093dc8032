//! The jobs that need an operator's eye, for the Overview: runs in progress, and jobs whose
//! latest ended run failed. Read from the workspace's recent runs across all jobs (`runs/list`
//! without a job id, newest first), so the cost is a few requests however many jobs there are.

use crate::api::models::job_runs::{JobRun, ListRunsRequest};
use crate::api::paging::PageGuard;
use crate::api::{ApiResult, Client};

use super::job_list::{RunSummary, failed};

/// `runs/list` pages are at most 25 runs.
const PAGE: i64 = 25;
/// Runs read of each kind (active, ended): at most this many, newest first.
pub const RECENT_RUNS: usize = 100;

/// One run the Overview names: its job and what it is doing or why it failed.
#[derive(Debug, Clone)]
pub struct AttentionRun {
    pub job_id: i64,
    /// The run's name (the job's name unless the run was named otherwise).
    pub name: String,
    pub run: RunSummary,
}

#[derive(Debug, Clone, Default)]
pub struct JobsAttention {
    /// Runs not ended yet, newest first.
    pub running: Vec<AttentionRun>,
    /// For each job whose latest ended run (among the recent ones) failed: that run.
    pub failing: Vec<AttentionRun>,
    /// More runs in progress than were read.
    pub more_running: bool,
}

impl JobsAttention {
    /// The run to look at first: the newest failure, else the newest run in progress.
    pub fn first(&self) -> Option<&AttentionRun> {
        self.failing.first().or_else(|| self.running.first())
    }
}

fn attention_run(run: &JobRun) -> AttentionRun {
    AttentionRun {
        job_id: run.job_id,
        name: run
            .run_name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("job {}", run.job_id)),
        run: RunSummary::of(run),
    }
}

/// Up to `RECENT_RUNS` runs, newest first, active ones or ended ones; and whether more exist.
async fn recent(client: &Client, active_only: bool) -> ApiResult<(Vec<JobRun>, bool)> {
    let mut runs = Vec::new();
    let mut guard = PageGuard::new("jobs/runs/list");
    let mut token = None;
    loop {
        let req = ListRunsRequest {
            active_only,
            completed_only: !active_only,
            limit: Some(PAGE),
            page_token: token.take(),
            ..Default::default()
        };
        let page = client.list_job_runs(&req).await?;
        runs.extend(page.runs);
        let next = guard.next(page.next_page_token.filter(|_| page.has_more))?;
        if runs.len() >= RECENT_RUNS {
            let more = next.is_some() || runs.len() > RECENT_RUNS;
            runs.truncate(RECENT_RUNS);
            return Ok((runs, more));
        }
        match next {
            Some(t) => token = Some(t),
            None => return Ok((runs, false)),
        }
    }
}

/// Runs in progress and failing jobs, from the recent runs of every job.
pub async fn read(client: &Client) -> ApiResult<JobsAttention> {
    let (active, ended) = futures::join!(recent(client, true), recent(client, false));
    let (active, more_running) = active?;
    let (ended, _) = ended?;
    Ok(JobsAttention {
        running: active
            .iter()
            .filter(|r| !r.is_terminal())
            .map(attention_run)
            .collect(),
        failing: latest_per_job(&ended)
            .into_iter()
            .filter(|r| failed(r))
            .map(attention_run)
            .collect(),
        more_running,
    })
}

/// The newest ended run of each job, in the order the runs came (newest first).
fn latest_per_job(ended: &[JobRun]) -> Vec<&JobRun> {
    let mut seen = std::collections::HashSet::new();
    ended
        .iter()
        .filter(|r| r.is_terminal() && seen.insert(r.job_id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(job_id: i64, run_id: i64, life: &str, result: Option<&str>) -> JobRun {
        let mut state = serde_json::json!({ "life_cycle_state": life });
        if let Some(r) = result {
            state["result_state"] = serde_json::json!(r);
        }
        serde_json::from_value(serde_json::json!({
            "job_id": job_id,
            "run_id": run_id,
            "run_name": format!("job-{job_id}"),
            "state": state,
        }))
        .expect("a run")
    }

    #[test]
    fn a_job_fails_only_when_its_newest_ended_run_failed() {
        let ended = vec![
            run(1, 30, "TERMINATED", Some("SUCCESS")),
            run(2, 29, "INTERNAL_ERROR", Some("FAILED")),
            run(1, 28, "TERMINATED", Some("FAILED")),
            run(2, 27, "TERMINATED", Some("SUCCESS")),
        ];
        let latest: Vec<i64> = latest_per_job(&ended)
            .into_iter()
            .filter(|r| failed(r))
            .map(|r| r.run_id)
            .collect();
        assert_eq!(latest, [29], "job 1 recovered; job 2's newest failed");
    }

    #[test]
    fn the_first_to_look_at_is_a_failure_then_a_running_run() {
        let running = attention_run(&run(3, 40, "RUNNING", None));
        let failing = attention_run(&run(2, 29, "INTERNAL_ERROR", Some("FAILED")));
        let mut a = JobsAttention {
            running: vec![running.clone()],
            ..Default::default()
        };
        assert_eq!(a.first().map(|r| r.run.run_id), Some(40));
        a.failing.push(failing);
        assert_eq!(a.first().map(|r| r.run.run_id), Some(29));
        assert_eq!(running.name, "job-3");
    }
}
