//! HTTP handlers of the Jobs API (served under both `/api/2.2/jobs` and `/api/2.1/jobs`).
//!
//! A missing job or run answers 400 `INVALID_PARAMETER_VALUE` "Job 123 does not exist." /
//! "Run 456 does not exist." — the real service's quirk (reference §2.2), which clients remap.

use axum::Json;
use axum::extract::{Extension, State};
use serde_json::{Value, json};

use crate::api::models::jobs::{
    Job, JobRun, ListJobsResponse, ListRunsResponse, RunNowResponse, RunType, TriggerType,
};
use crate::sim::errors::{ApiError, ApiResult};
use crate::sim::paging;
use crate::sim::params::Params;
use crate::sim::state::{AppState, Principal};
use crate::sim::world::World;

use super::lifecycle;

const JOBS_DEFAULT_LIMIT: usize = 20;
const JOBS_MAX_LIMIT: usize = 100;
const RUNS_DEFAULT_LIMIT: usize = 20;
/// `runs/list` answers at most this many; `limit=0` asks for exactly this.
const RUNS_MAX_LIMIT: usize = 25;
const MAX_IDEMPOTENCY_TOKEN: usize = 64;
/// 2.2 answers at most this many elements of each array of `jobs/get` and `runs/get`, and pages
/// the rest with `next_page_token`.
const ARRAY_PAGE: usize = 100;

fn missing_job(job_id: i64) -> ApiError {
    ApiError::invalid(format!("Job {job_id} does not exist."))
}

fn missing_run(run_id: i64) -> ApiError {
    ApiError::invalid(format!("Run {run_id} does not exist."))
}

fn required_id(p: &Params, key: &str) -> ApiResult<i64> {
    p.i64(key)?.ok_or_else(|| ApiError::missing(key))
}

/// `limit` within `0..=max`; 0 or absent means `zero` or `default`.
fn limit(p: &Params, default: usize, zero: usize, max: usize) -> ApiResult<usize> {
    match p.i64("limit")? {
        None => Ok(default),
        Some(0) => Ok(zero),
        Some(n) if n > 0 && n as usize <= max => Ok(n as usize),
        Some(n) => Err(ApiError::invalid(format!(
            "Invalid value {n} for parameter 'limit': it must be between 0 and {max}."
        ))),
    }
}

/// Where a page starts: the page token, else the deprecated `offset`.
fn start(p: &Params) -> ApiResult<usize> {
    match p.str("page_token")?.filter(|t| !t.trim().is_empty()) {
        Some(t) => paging::offset(Some(&t)),
        None => Ok(p.i64("offset")?.unwrap_or(0).max(0) as usize),
    }
}

/// One page of a newest-first listing with the Jobs API's `has_more` and both tokens.
struct JobsPage<T> {
    items: Vec<T>,
    has_more: bool,
    next_page_token: Option<String>,
    prev_page_token: Option<String>,
}

fn jobs_page<T: Clone>(all: &[T], offset: usize, size: usize) -> JobsPage<T> {
    let (items, next_page_token) = paging::page(all, offset, size);
    let prev_page_token =
        (offset > 0).then(|| paging::encode(&[("offset", offset.saturating_sub(size) as i64)]));
    JobsPage {
        items,
        has_more: next_page_token.is_some(),
        next_page_token,
        prev_page_token,
    }
}

/// The job as a list item: without tasks unless they were asked for.
fn list_item(job: &Job, expand_tasks: bool) -> Job {
    let mut item = job.clone();
    if !expand_tasks {
        item.settings.tasks.clear();
    }
    item
}

/// A run as answered: links filled in from where this server listens, tasks only when asked.
fn present(world: &World, run: &JobRun, with_tasks: bool) -> JobRun {
    let link = |run_id: i64| {
        format!(
            "{}/?o={}#job/{}/run/{run_id}",
            world.base_url, world.workspace_id, run.job_id
        )
    };
    let mut out = run.clone();
    out.run_page_url = Some(link(run.run_id));
    if with_tasks {
        for task in &mut out.tasks {
            task.run_page_url = Some(link(task.run_id));
        }
    } else {
        out.tasks.clear();
    }
    out
}

pub(crate) async fn list_jobs(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<ListJobsResponse>> {
    let size = limit(&p, JOBS_DEFAULT_LIMIT, JOBS_DEFAULT_LIMIT, JOBS_MAX_LIMIT)?;
    let name = p.str("name")?.filter(|n| !n.is_empty());
    let expand = p.bool("expand_tasks")?.unwrap_or(false);
    let offset = start(&p)?;
    let world = st.world();
    let jobs: Vec<Job> = world
        .jobs
        .jobs
        .iter()
        .map(|j| &j.job)
        .filter(|j| {
            name.as_ref()
                .is_none_or(|n| j.settings.name.eq_ignore_ascii_case(n))
        })
        .map(|j| list_item(j, expand))
        .collect();
    let page = jobs_page(&jobs, offset, size);
    Ok(Json(ListJobsResponse {
        jobs: page.items,
        has_more: page.has_more,
        next_page_token: page.next_page_token,
        prev_page_token: page.prev_page_token,
    }))
}

/// `items[offset..offset + ARRAY_PAGE]`, and whether more follow.
fn array_page<T: Clone>(items: &mut Vec<T>, offset: usize) -> bool {
    let all = std::mem::take(items);
    let more = all.len() > offset.saturating_add(ARRAY_PAGE);
    *items = all.into_iter().skip(offset).take(ARRAY_PAGE).collect();
    more
}

fn array_token(offset: usize, more: bool) -> Option<String> {
    more.then(|| paging::encode(&[("offset", (offset + ARRAY_PAGE) as i64)]))
}

pub(crate) async fn get_job(State(st): State<AppState>, p: Params) -> ApiResult<Json<Job>> {
    let job_id = required_id(&p, "job_id")?;
    let offset = paging::offset(p.str("page_token")?.as_deref())?;
    let world = st.world();
    let mut job = world
        .jobs
        .job(job_id)
        .ok_or_else(|| missing_job(job_id))?
        .job
        .clone();
    let more = array_page(&mut job.settings.tasks, offset)
        | array_page(&mut job.settings.parameters, offset);
    job.next_page_token = array_token(offset, more);
    job.has_more = more.then_some(true);
    Ok(Json(job))
}

pub(crate) async fn run_now(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    p: Params,
) -> ApiResult<Json<RunNowResponse>> {
    let job_id = required_id(&p, "job_id")?;
    let overrides = p.string_map("job_parameters")?;
    let token = p.str("idempotency_token")?.filter(|t| !t.is_empty());
    if let Some(t) = &token
        && t.chars().count() > MAX_IDEMPOTENCY_TOKEN
    {
        return Err(ApiError::invalid(format!(
            "idempotency_token must be at most {MAX_IDEMPOTENCY_TOKEN} characters."
        )));
    }
    let now = st.clock().now_ms();
    let mut world = st.world();
    if world.jobs.job(job_id).is_none() {
        return Err(missing_job(job_id));
    }
    // A token seen before answers the run it started, whatever else the request says.
    if let Some(&run_id) = token.as_ref().and_then(|t| world.jobs.idempotency.get(t)) {
        return Ok(Json(RunNowResponse {
            run_id,
            number_in_job: Some(run_id),
        }));
    }
    let user = principal.user_name();
    let record = lifecycle::new_run(
        &mut world,
        job_id,
        &overrides,
        user,
        TriggerType::OneTime,
        now,
    )
    .ok_or_else(|| missing_job(job_id))?;
    let run_id = record.run.run_id;
    world.jobs.runs.push(record);
    if let Some(t) = token {
        world.jobs.idempotency.insert(t, run_id);
    }
    Ok(Json(RunNowResponse {
        run_id,
        number_in_job: Some(run_id),
    }))
}

/// `runs/get`: a job run (its arrays paged by 100), or a task run read on its own.
pub(crate) async fn get_run(State(st): State<AppState>, p: Params) -> ApiResult<Json<JobRun>> {
    let run_id = required_id(&p, "run_id")?;
    let offset = paging::offset(p.str("page_token")?.as_deref())?;
    let world = st.world();
    let Some(record) = world.jobs.run(run_id) else {
        let task =
            super::output::task_as_run(&world.jobs, run_id).ok_or_else(|| missing_run(run_id))?;
        return Ok(Json(present(&world, &task, false)));
    };
    let mut run = present(&world, &record.run, true);
    run.job_run_id = Some(run.run_id);
    let more = array_page(&mut run.tasks, offset)
        | array_page(&mut run.job_parameters, offset)
        | array_page(&mut run.repair_history, offset);
    run.next_page_token = array_token(offset, more);
    Ok(Json(run))
}

pub(crate) async fn list_runs(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<ListRunsResponse>> {
    let job_id = p.i64("job_id")?;
    let active_only = p.bool("active_only")?.unwrap_or(false);
    let completed_only = p.bool("completed_only")?.unwrap_or(false);
    if active_only && completed_only {
        return Err(ApiError::invalid(
            "active_only and completed_only cannot both be true.",
        ));
    }
    let size = limit(&p, RUNS_DEFAULT_LIMIT, RUNS_MAX_LIMIT, RUNS_MAX_LIMIT)?;
    let run_type = p.str("run_type")?.map(|t| RunType::from_wire(&t));
    let from = p.i64("start_time_from")?;
    let to = p.i64("start_time_to")?;
    let expand = p.bool("expand_tasks")?.unwrap_or(false);
    let offset = start(&p)?;

    let world = st.world();
    if let Some(id) = job_id
        && world.jobs.job(id).is_none()
    {
        return Err(missing_job(id));
    }
    let mut runs: Vec<&JobRun> = world
        .jobs
        .runs
        .iter()
        .map(|r| &r.run)
        .filter(|r| job_id.is_none_or(|id| r.job_id == id))
        .filter(|r| !active_only || !r.is_terminal())
        .filter(|r| !completed_only || r.is_terminal())
        .filter(|r| {
            run_type
                .as_ref()
                .is_none_or(|t| r.run_type.as_ref() == Some(t))
        })
        .filter(|r| from.is_none_or(|f| r.start_time.unwrap_or(0) >= f))
        .filter(|r| to.is_none_or(|t| r.start_time.unwrap_or(0) <= t))
        .collect();
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(ApiError::invalid(
            "start_time_from must not be later than start_time_to.",
        ));
    }
    // Newest first, as the service lists them.
    runs.sort_by_key(|r| std::cmp::Reverse((r.start_time.unwrap_or(0), r.run_id)));
    let page = jobs_page(&runs, offset, size);
    Ok(Json(ListRunsResponse {
        runs: page
            .items
            .iter()
            .map(|r| present(&world, r, expand))
            .collect(),
        has_more: page.has_more,
        next_page_token: page.next_page_token,
        prev_page_token: page.prev_page_token,
    }))
}

pub(crate) async fn cancel_run(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    p: Params,
) -> ApiResult<Json<Value>> {
    let run_id = required_id(&p, "run_id")?;
    let now = st.clock().now_ms();
    let mut world = st.world();
    if world.jobs.run(run_id).is_none() {
        return Err(missing_run(run_id));
    }
    super::cancel::cancel(&mut world, run_id, principal.user_name(), now);
    Ok(Json(json!({})))
}
