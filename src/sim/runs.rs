//! MLflow runs: search with the full filter language (evaluated in `run_search`), get, and
//! metric history (reference §3).

use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::State;

use crate::api::models::mlflow::{MetricHistoryResponse, RunResponse, SearchRunsResponse};

use super::errors::{ApiError, ApiResult};
use super::experiments::{max_results, view_type};
use super::paging;
use super::params::Params;
use super::run_search::{self, RunQuery};
use super::search::{self, Dialect, Op};
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
    if st.refuse_is_null.load(Ordering::Relaxed)
        && clauses
            .iter()
            .any(|c| matches!(c.op, Op::IsNull | Op::IsNotNull))
    {
        return Err(ApiError::invalid(format!(
            "Invalid clause(s) in filter string: '{filter}'"
        )));
    }
    let order_by = p.list("order_by")?;
    let orders = order_by
        .iter()
        .map(|o| search::parse_order_by(o, Dialect::Runs))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::invalid)?;
    let offset = paging::offset(p.str("page_token")?.as_deref())?;

    let query = RunQuery {
        experiment_ids: &experiment_ids,
        view: &view,
        clauses: &clauses,
        orders: &orders,
        cache_key: format!("{view}\u{1f}{filter}\u{1f}{}", order_by.join("\u{1f}")),
    };
    let (runs, next_page_token) = run_search::search(&mut st.world(), &query, offset, size);
    Ok(Json(SearchRunsResponse {
        runs,
        next_page_token,
    }))
}

pub(crate) async fn get(State(st): State<AppState>, p: Params) -> ApiResult<Json<RunResponse>> {
    let run_id = p.required_str_any(&["run_id", "run_uuid"])?;
    let world = st.world();
    let record = world
        .find_run(&run_id)
        .ok_or_else(|| ApiError::not_found(format!("Run with id={run_id} not found")))?;
    Ok(Json(RunResponse {
        run: record.into_owned().run,
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
        .find_run(&run_id)
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
