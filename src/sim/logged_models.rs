//! `POST /api/2.0/mlflow/logged-models/search` (MLflow 3's logged models). MLflow's client asks
//! it whenever it lists a run's artifacts under a path (`runs:/<run>/<path>`, see
//! `runs_artifact_repo.py`), to add the files of a logged model of that name. The seeded story
//! logs its models as run artifacts (`model/`), not as MLflow 3 logged models, so every search
//! finds none; the arguments are still read and checked like any other call.

use axum::Json;
use serde_json::{Value, json};

use super::errors::{ApiError, ApiResult};
use super::paging;
use super::params::Params;

/// OSS MLflow's page size bounds for logged-model searches.
const MAX_RESULTS: i64 = 50_000;

pub(crate) async fn search(p: Params) -> ApiResult<Json<Value>> {
    p.list("experiment_ids")?;
    p.str("filter")?;
    // `order_by` holds objects here (`{field_name, ascending}`), not strings.
    if let Some(order_by) = p.raw_body("order_by")
        && !order_by.is_array()
    {
        return Err(ApiError::invalid(format!(
            "Invalid value {order_by} for parameter 'order_by' supplied: expected a list"
        ))
        .shape());
    }
    if let Some(n) = p.i64("max_results")?
        && !(1..=MAX_RESULTS).contains(&n)
    {
        return Err(ApiError::invalid(format!(
            "Invalid value {n} for parameter 'max_results' supplied. It must be between 1 and \
             {MAX_RESULTS}"
        )));
    }
    paging::offset(p.str("page_token")?.as_deref())?;
    // No logged models: the empty list is left out, as MLflow leaves out empty lists.
    Ok(Json(json!({})))
}
