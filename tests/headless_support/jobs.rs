//! Reading the simulator's jobs as a test needs them: a job's id by name, every run of a job,
//! and how many POSTs went to a path.

use mlops_console::api::Client;
use mlops_console::api::models::jobs::{JobRun, ListJobsRequest, ListRunsRequest};
use mlops_console::sim::SimHandle;

/// The id of the job named `name`.
pub async fn job_id(c: &Client, name: &str) -> i64 {
    let req = ListJobsRequest {
        name: Some(name.into()),
        ..Default::default()
    };
    c.list_jobs(&req).await.unwrap().jobs[0].job_id
}

/// Every run of the job, newest first, through every page.
pub async fn runs_of(c: &Client, job: i64) -> Vec<JobRun> {
    let mut req = ListRunsRequest {
        job_id: Some(job),
        limit: Some(25),
        ..Default::default()
    };
    let mut out = Vec::new();
    loop {
        let page = c.list_job_runs(&req).await.unwrap();
        out.extend(page.runs);
        match page.next_page_token {
            Some(t) => req.page_token = Some(t),
            None => return out,
        }
    }
}

/// How many POSTs the simulator received on `path`.
pub fn posts(sim: &SimHandle, path: &str) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.method == "POST" && r.path == path)
        .count()
}
