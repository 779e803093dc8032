//! MLflow runs: search with the full filter language, get, and metric history (reference §3).

use std::cmp::Ordering;

use axum::Json;
use axum::extract::State;

use crate::api::models::mlflow::{
    MetricHistoryResponse, Run, RunResponse, SearchRunsResponse, lookup,
};

use super::errors::{ApiError, ApiResult};
use super::experiments::{max_results, view_includes, view_type};
use super::paging;
use super::params::Params;
use super::search::{self, Clause, Dialect, Entity, OrderBy, SortValue};
use super::state::AppState;

const DEFAULT_MAX_RESULTS: i64 = 1000;
const MAX_RESULTS: i64 = 50_000;
const MAX_HISTORY_PAGE: i64 = 25_000;

pub(crate) async fn search(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<SearchRunsResponse>> {
    let experiment_ids = p.list("experiment_ids")?;
    let size = max_results(&p, DEFAULT_MAX_RESULTS, MAX_RESULTS)?;
    let view = view_type(&p, "run_view_type")?;
    let filter = p.str("filter")?.unwrap_or_default();
    let clauses = search::parse_filter(&filter, Dialect::Runs).map_err(ApiError::invalid)?;
    let orders = p
        .list("order_by")?
        .iter()
        .map(|o| search::parse_order_by(o, Dialect::Runs))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::invalid)?;
    let offset = paging::offset(p.str("page_token")?.as_deref())?;

    let world = st.world();
    let mut found: Vec<&Run> = world
        .runs
        .iter()
        .map(|r| &r.run)
        .filter(|r| experiment_ids.contains(&r.info.experiment_id))
        .filter(|r| view_includes(&view, r.info.lifecycle_stage.as_ref()))
        .filter(|r| clauses.iter().all(|c| matches(r, c)))
        .collect();
    found.sort_by(|a, b| compare_runs(a, b, &orders));
    let (page, next_page_token) = paging::page(&found, offset, size);
    Ok(Json(SearchRunsResponse {
        runs: page.into_iter().cloned().collect(),
        next_page_token,
    }))
}

fn metric(r: &Run, key: &str) -> Option<f64> {
    r.data
        .metrics
        .iter()
        .find(|m| m.key == key)
        .map(|m| m.value)
}

fn time(t: Option<i64>) -> Option<f64> {
    t.map(|t| t as f64)
}

fn matches(r: &Run, c: &Clause) -> bool {
    let info = &r.info;
    match c.entity {
        Entity::Metric => c.matches_num(metric(r, &c.key)),
        Entity::Param => c.matches_str(lookup(&r.data.params, &c.key)),
        Entity::Tag => c.matches_str(lookup(&r.data.tags, &c.key)),
        Entity::Attribute => match c.key.as_str() {
            "start_time" => c.matches_num(time(info.start_time)),
            "end_time" => c.matches_num(time(info.end_time)),
            "run_id" => c.matches_str(Some(&info.run_id)),
            "run_name" => c.matches_str(info.run_name.as_deref()),
            "status" => c.matches_str(info.status.as_ref().map(|s| s.as_str())),
            "user_id" => c.matches_str(info.user_id.as_deref()),
            "artifact_uri" => c.matches_str(info.artifact_uri.as_deref()),
            _ => false,
        },
        // No seeded run logs dataset inputs, so dataset clauses match nothing (as in MLflow).
        Entity::Dataset => false,
    }
}

fn sort_value(r: &Run, o: &OrderBy) -> SortValue {
    let text = |s: Option<&str>| s.map_or(SortValue::Missing, |s| SortValue::Text(s.to_string()));
    let num = |n: Option<f64>| n.map_or(SortValue::Missing, SortValue::Num);
    match o.entity {
        Entity::Metric => num(metric(r, &o.key)),
        Entity::Param => text(lookup(&r.data.params, &o.key)),
        Entity::Tag => text(lookup(&r.data.tags, &o.key)),
        _ => match o.key.as_str() {
            "start_time" => num(time(r.info.start_time)),
            "end_time" => num(time(r.info.end_time)),
            "run_id" => text(Some(&r.info.run_id)),
            "run_name" => text(r.info.run_name.as_deref()),
            "status" => text(r.info.status.as_ref().map(|s| s.as_str())),
            "user_id" => text(r.info.user_id.as_deref()),
            "artifact_uri" => text(r.info.artifact_uri.as_deref()),
            _ => SortValue::Missing,
        },
    }
}

/// The requested orders, then MLflow's natural order: `start_time DESC`, then `run_id`.
fn compare_runs(a: &Run, b: &Run, orders: &[OrderBy]) -> Ordering {
    orders
        .iter()
        .map(|o| search::compare(&sort_value(a, o), &sort_value(b, o), o.ascending))
        .find(|ord| *ord != Ordering::Equal)
        .unwrap_or(Ordering::Equal)
        .then_with(|| {
            let start =
                |r: &Run| time(r.info.start_time).map_or(SortValue::Missing, SortValue::Num);
            search::compare(&start(a), &start(b), false)
        })
        .then_with(|| a.info.run_id.cmp(&b.info.run_id))
}

pub(crate) async fn get(State(st): State<AppState>, p: Params) -> ApiResult<Json<RunResponse>> {
    let run_id = p.required_str_any(&["run_id", "run_uuid"])?;
    let world = st.world();
    let record = world
        .run(&run_id)
        .ok_or_else(|| ApiError::not_found(format!("Run with id={run_id} not found")))?;
    Ok(Json(RunResponse {
        run: record.run.clone(),
    }))
}

/// `GET metrics/get-history`: all points when `max_results` is absent (OSS), else pages; a
/// metric the run never logged answers `{}` like OSS.
pub(crate) async fn metric_history(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<MetricHistoryResponse>> {
    let run_id = p.required_str_any(&["run_id", "run_uuid"])?;
    let key = p.required_str("metric_key")?;
    let size = match p.i64("max_results")? {
        None => None,
        Some(n) if n <= 0 => {
            return Err(ApiError::invalid(format!(
                "Invalid value {n} for parameter 'max_results' supplied. It must be a positive \
                 integer."
            )));
        }
        Some(n) if n > MAX_HISTORY_PAGE => {
            return Err(ApiError::invalid(format!(
                "Invalid value {n} for parameter 'max_results' supplied. It must be at most \
                 {MAX_HISTORY_PAGE}."
            )));
        }
        Some(n) => Some(n as usize),
    };
    let offset = paging::offset(p.str("page_token")?.as_deref())?;
    let world = st.world();
    let record = world
        .run(&run_id)
        .ok_or_else(|| ApiError::not_found(format!("Run with id={run_id} not found")))?;
    let Some(points) = record.history.get(&key) else {
        return Ok(Json(MetricHistoryResponse::default()));
    };
    let (metrics, next_page_token) = paging::page(points, offset, size.unwrap_or(usize::MAX));
    Ok(Json(MetricHistoryResponse {
        metrics,
        next_page_token,
    }))
}
