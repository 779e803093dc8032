//! MLflow experiments: search (POST or GET), get, get-by-name (reference §3.2).

use std::cmp::Ordering;

use axum::Json;
use axum::extract::State;

use crate::api::models::mlflow::{
    Experiment, ExperimentResponse, LifecycleStage, SearchExperimentsResponse, ViewType, lookup,
};

use super::errors::{ApiError, ApiResult};
use super::paging;
use super::params::Params;
use super::search::{self, Clause, Dialect, Entity, OrderBy, SortValue};
use super::state::AppState;

const DEFAULT_MAX_RESULTS: i64 = 1000;
/// Databricks documents 3000 as the experiments-search maximum (OSS allows 50 000).
const MAX_RESULTS: i64 = 3000;

/// `view_type` / `run_view_type`: enum names, or the proto numbers OSS also accepts.
pub(crate) fn view_type(p: &Params, key: &str) -> ApiResult<ViewType> {
    let Some(raw) = p.str(key)? else {
        return Ok(ViewType::ActiveOnly);
    };
    match raw.trim().to_ascii_uppercase().as_str() {
        "" | "ACTIVE_ONLY" | "1" => Ok(ViewType::ActiveOnly),
        "DELETED_ONLY" | "2" => Ok(ViewType::DeletedOnly),
        "ALL" | "3" => Ok(ViewType::All),
        _ => Err(ApiError::invalid(format!(
            "Invalid value \"{raw}\" for parameter '{key}' supplied. Valid values are \
             ACTIVE_ONLY, DELETED_ONLY, ALL."
        ))
        .shape()),
    }
}

pub(crate) fn view_includes(view: &ViewType, stage: Option<&LifecycleStage>) -> bool {
    let deleted = matches!(stage, Some(LifecycleStage::Deleted));
    match view {
        ViewType::DeletedOnly => deleted,
        ViewType::All => true,
        _ => !deleted,
    }
}

/// `max_results` within 1..=`max`, OSS wording.
pub(crate) fn max_results(p: &Params, default: i64, max: i64) -> ApiResult<usize> {
    let n = p.i64("max_results")?.unwrap_or(default);
    if n < 1 {
        return Err(ApiError::invalid(format!(
            "Invalid value {n} for parameter 'max_results' supplied. It must be a positive integer"
        )));
    }
    if n > max {
        return Err(ApiError::invalid(format!(
            "Invalid value {n} for parameter 'max_results' supplied. It must be at most {max}"
        )));
    }
    Ok(n as usize)
}

pub(crate) async fn search(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<SearchExperimentsResponse>> {
    let size = max_results(&p, DEFAULT_MAX_RESULTS, MAX_RESULTS)?;
    let view = view_type(&p, "view_type")?;
    let filter = p.str("filter")?.unwrap_or_default();
    let clauses = search::parse_filter(&filter, Dialect::Experiments).map_err(ApiError::invalid)?;
    let mut order_by = p.list("order_by")?;
    if order_by.is_empty() {
        // OSS's default: newest first, then by id.
        order_by = vec!["creation_time DESC".into(), "experiment_id ASC".into()];
    }
    let mut orders = order_by
        .iter()
        .map(|o| search::parse_order_by(o, Dialect::Experiments))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::invalid)?;
    if !orders.iter().any(|o| o.key == "experiment_id") {
        orders.push(OrderBy {
            entity: Entity::Attribute,
            key: "experiment_id".into(),
            ascending: false,
        });
    }
    let offset = paging::offset(p.str("page_token")?.as_deref())?;

    let world = st.world();
    let mut found: Vec<&Experiment> = world
        .experiments
        .iter()
        .filter(|e| view_includes(&view, e.lifecycle_stage.as_ref()))
        .filter(|e| clauses.iter().all(|c| matches(e, c)))
        .collect();
    found.sort_by(|a, b| {
        orders
            .iter()
            .map(|o| search::compare(&sort_value(a, o), &sort_value(b, o), o.ascending))
            .find(|ord| *ord != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    });
    let (page, next_page_token) = paging::page(&found, offset, size);
    Ok(Json(SearchExperimentsResponse {
        experiments: page.into_iter().cloned().collect(),
        next_page_token,
    }))
}

fn matches(e: &Experiment, c: &Clause) -> bool {
    match (c.entity, c.key.as_str()) {
        (Entity::Tag, key) => c.matches_str(lookup(&e.tags, key)),
        (_, "name") => c.matches_str(Some(&e.name)),
        (_, "experiment_id") => c.matches_str(Some(&e.experiment_id)),
        (_, "creation_time") => c.matches_num(e.creation_time.map(|t| t as f64)),
        (_, "last_update_time") => c.matches_num(e.last_update_time.map(|t| t as f64)),
        _ => false,
    }
}

fn sort_value(e: &Experiment, o: &OrderBy) -> SortValue {
    let num = |t: Option<i64>| t.map_or(SortValue::Missing, |t| SortValue::Num(t as f64));
    match o.key.as_str() {
        "name" => SortValue::Text(e.name.clone()),
        "experiment_id" => search::id_value(&e.experiment_id),
        "creation_time" => num(e.creation_time),
        "last_update_time" => num(e.last_update_time),
        _ => SortValue::Missing,
    }
}

pub(crate) async fn get(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<ExperimentResponse>> {
    let id = p.required_str("experiment_id")?;
    let world = st.world();
    let experiment = world
        .experiment(&id)
        .ok_or_else(|| ApiError::not_found(format!("No Experiment with id={id} exists")))?;
    Ok(Json(ExperimentResponse {
        experiment: experiment.clone(),
    }))
}

pub(crate) async fn get_by_name(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<ExperimentResponse>> {
    let name = p.required_str("experiment_name")?;
    let world = st.world();
    let experiment = world.experiment_by_name(&name).ok_or_else(|| {
        ApiError::not_found(format!("Could not find experiment with name '{name}'"))
    })?;
    Ok(Json(ExperimentResponse {
        experiment: experiment.clone(),
    }))
}
