//! Jobs API 2.2 calls (reference §9). Reads are GETs; `run-now`, `runs/cancel` and
//! `runs/repair` are POSTs that change the workspace, so a read-only client refuses them before
//! they are sent.
//!
//! 2.2 caps the arrays of `jobs/get` and `runs/get` (tasks, parameters, repair history) at 100
//! per answer and pages the rest with `next_page_token`; [`Client::get_job`] and
//! [`Client::get_job_run`] follow those pages and answer the whole object.
//!
//! A missing job or run answers 400 `INVALID_PARAMETER_VALUE` "... does not exist"; the error
//! mapping turns that into [`crate::api::ErrorKind::NotFound`] (reference §2.2).

use super::client::Client;
use super::error::ApiResult;
use super::models::jobs::*;
use super::paging::PageGuard;
use super::present::present;

const JOBS: &str = "/api/2.2/jobs";
/// The largest `jobs/list` page the service serves.
pub const JOBS_PAGE_MAX: i64 = 100;

fn push_opt(q: &mut Vec<(&'static str, String)>, key: &'static str, v: Option<impl ToString>) {
    if let Some(v) = v {
        q.push((key, v.to_string()));
    }
}

/// A get answered 2xx without the object's id (`{}` from a proxy) is a bad answer, not a job
/// or run with id 0 and nothing in it.
fn present_id<T>(value: T, id: impl Fn(&T) -> i64, path: &str, what: &str) -> ApiResult<T> {
    let key = match id(&value) {
        0 => String::new(),
        n => n.to_string(),
    };
    present(value, &key, path, what)
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

    /// Every job (pages of up to [`JOBS_PAGE_MAX`], `req.limit` clamped to 1–100), following
    /// `next_page_token` to the end.
    pub async fn list_all_jobs(&self, req: &ListJobsRequest) -> ApiResult<Vec<Job>> {
        let mut req = ListJobsRequest {
            limit: Some(req.limit.unwrap_or(JOBS_PAGE_MAX).clamp(1, JOBS_PAGE_MAX)),
            page_token: None,
            ..req.clone()
        };
        let mut guard = PageGuard::new("jobs/list");
        let mut out = Vec::new();
        loop {
            let page = self.list_jobs(&req).await?;
            out.extend(page.jobs);
            match guard.next(page.next_page_token)? {
                Some(token) => req.page_token = Some(token),
                None => return Ok(out),
            }
        }
    }

    /// `jobs/get`: the job with its settings, every page of its tasks and parameters.
    pub async fn get_job(&self, job_id: i64) -> ApiResult<Job> {
        let path = format!("{JOBS}/get");
        let id = job_id.to_string();
        let job: Job = self.get_json(&path, &[("job_id", id.clone())]).await?;
        let mut job = present_id(job, |j| j.job_id, &path, "job")?;
        let mut guard = PageGuard::new("jobs/get");
        while let Some(token) = guard.next(job.next_page_token.take())? {
            let more: Job = self
                .get_json(&path, &[("job_id", id.clone()), ("page_token", token)])
                .await?;
            job.settings.tasks.extend(more.settings.tasks);
            job.settings.parameters.extend(more.settings.parameters);
            job.next_page_token = more.next_page_token;
        }
        job.has_more = None;
        Ok(job)
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

    /// `jobs/runs/get`: the run (or task run) with every page of its tasks, parameters and
    /// repair history.
    pub async fn get_job_run(&self, run_id: i64) -> ApiResult<JobRun> {
        let path = format!("{JOBS}/runs/get");
        let id = run_id.to_string();
        let run: JobRun = self.get_json(&path, &[("run_id", id.clone())]).await?;
        let mut run = present_id(run, |r| r.run_id, &path, "job run")?;
        let mut guard = PageGuard::new("jobs/runs/get");
        while let Some(token) = guard.next(run.next_page_token.take())? {
            let more: JobRun = self
                .get_json(&path, &[("run_id", id.clone()), ("page_token", token)])
                .await?;
            run.tasks.extend(more.tasks);
            run.job_parameters.extend(more.job_parameters);
            run.repair_history.extend(more.repair_history);
            run.next_page_token = more.next_page_token;
        }
        run.has_more = None;
        Ok(run)
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
        push_opt(&mut q, "start_time_from", req.start_time_from);
        push_opt(&mut q, "start_time_to", req.start_time_to);
        if req.expand_tasks {
            q.push(("expand_tasks", "true".to_string()));
        }
        self.get_json(&format!("{JOBS}/runs/list"), &q).await
    }

    /// `jobs/runs/get-output` of a *task* run: the notebook's exit value, or the error and its
    /// trace. The parent of a multi-task run answers 400 (`ErrorKind::BadRequest`).
    pub async fn get_job_run_output(&self, task_run_id: i64) -> ApiResult<RunOutput> {
        self.get_json(
            &format!("{JOBS}/runs/get-output"),
            &[("run_id", task_run_id.to_string())],
        )
        .await
    }

    /// `jobs/runs/repair`: reruns the named (or every failed) task of an ended run, in the same
    /// run. Not idempotent, so never replayed: on a lost answer read the run's
    /// `repair_history` back (`latest_repair_id` also refuses a repair based on a stale view).
    pub async fn repair_job_run(&self, req: &RepairRunRequest) -> ApiResult<RepairRunResponse> {
        self.post_json(&format!("{JOBS}/runs/repair"), req).await
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
