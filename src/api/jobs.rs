//! Jobs API 2.2 calls (reference §9). Reads are GETs; `run-now` and `runs/cancel` are POSTs
//! that change the workspace, so a read-only client refuses them before they are sent.
//!
//! A missing job or run answers 400 `INVALID_PARAMETER_VALUE` "... does not exist"; the error
//! mapping turns that into [`crate::api::ErrorKind::NotFound`] (reference §2.2).

use super::client::Client;
use super::error::ApiResult;
use super::models::jobs::*;

const JOBS: &str = "/api/2.2/jobs";

fn push_opt(q: &mut Vec<(&'static str, String)>, key: &'static str, v: Option<impl ToString>) {
    if let Some(v) = v {
        q.push((key, v.to_string()));
    }
}

impl Client {
    /// One page of `jobs/list`.
    pub async fn list_jobs(&self, req: &ListJobsRequest) -> ApiResult<ListJobsResponse> {
        let mut q = Vec::new();
        push_opt(&mut q, "limit", req.limit);
        push_opt(&mut q, "page_token", req.page_token.as_deref());
        push_opt(&mut q, "name", req.name.as_deref());
        if req.expand_tasks {
            q.push(("expand_tasks", "true".to_string()));
        }
        self.get_json(&format!("{JOBS}/list"), &q).await
    }

    /// `jobs/get`: the job with its settings (the first 100 tasks and parameters).
    pub async fn get_job(&self, job_id: i64) -> ApiResult<Job> {
        self.get_json(&format!("{JOBS}/get"), &[("job_id", job_id.to_string())])
            .await
    }

    /// `jobs/run-now`: starts a run and answers its id at once (the run is then PENDING).
    pub async fn run_now(&self, req: &RunNowRequest) -> ApiResult<RunNowResponse> {
        let path = format!("{JOBS}/run-now");
        if req
            .idempotency_token
            .as_deref()
            .is_some_and(|t| !t.is_empty())
        {
            // The server answers a repeat with the run the first request started.
            self.post_json_keyed(&path, req).await
        } else {
            self.post_json(&path, req).await
        }
    }

    /// `jobs/runs/get`.
    pub async fn get_job_run(&self, run_id: i64) -> ApiResult<JobRun> {
        self.get_json(
            &format!("{JOBS}/runs/get"),
            &[("run_id", run_id.to_string())],
        )
        .await
    }

    /// One page of `jobs/runs/list`, newest first.
    pub async fn list_job_runs(&self, req: &ListRunsRequest) -> ApiResult<ListRunsResponse> {
        let mut q = Vec::new();
        push_opt(&mut q, "job_id", req.job_id);
        if req.active_only {
            q.push(("active_only", "true".to_string()));
        }
        if req.completed_only {
            q.push(("completed_only", "true".to_string()));
        }
        push_opt(&mut q, "limit", req.limit);
        push_opt(&mut q, "page_token", req.page_token.as_deref());
        self.get_json(&format!("{JOBS}/runs/list"), &q).await
    }

    /// `jobs/runs/cancel`: asks for the run to stop. Asynchronous on Databricks: poll
    /// [`Client::get_job_run`] to see it end.
    pub async fn cancel_job_run(&self, run_id: i64) -> ApiResult<()> {
        let _: serde_json::Value = self
            .post_json(&format!("{JOBS}/runs/cancel"), &CancelRunRequest { run_id })
            .await?;
        Ok(())
    }
}
