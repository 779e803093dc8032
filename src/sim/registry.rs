//! Workspace Model Registry: registered-models search, get and the Databricks get (§4).

use std::cmp::Ordering;

use axum::Json;
use axum::extract::{Extension, State};

use crate::api::models::mlflow::lookup;
use crate::api::models::registry::{
    ModelVersion, ModelVersionStatus, RegisteredModel, RegisteredModelDatabricks,
    RegisteredModelDatabricksResponse, RegisteredModelResponse, SearchRegisteredModelsResponse,
};

use super::errors::{ApiError, ApiResult};
use super::paging;
use super::params::Params;
use super::search::{self, Clause, Dialect, Entity, Literal, Op, SortValue};
use super::state::{AppState, Principal};
use super::world::WsModel;

const DEFAULT_MAX_RESULTS: i64 = 100;
const MAX_RESULTS: i64 = 1000;
const IS_PROMPT_TAG: &str = "mlflow.prompt.is_prompt";

/// The model with `latest_versions`: the newest READY version of each stage, in version order.
fn with_latest(m: &WsModel) -> RegisteredModel {
    let mut latest: Vec<_> = Vec::new();
    for v in &m.versions {
        if v.status != Some(ModelVersionStatus::Ready) {
            continue;
        }
        let number = |s: &str| s.parse::<i64>().unwrap_or(0);
        match latest
            .iter_mut()
            .find(|l: &&mut ModelVersion| l.current_stage == v.current_stage)
        {
            Some(l) if number(&l.version) < number(&v.version) => *l = v.clone(),
            Some(_) => {}
            None => latest.push(v.clone()),
        }
    }
    latest.sort_by_key(|v| v.version.parse::<i64>().unwrap_or(0));
    RegisteredModel {
        latest_versions: latest,
        ..m.model.clone()
    }
}

/// Databricks reads `name LIKE 'x'` as "name contains x" (SDK docs), so the pattern is wrapped
/// in `%…%`; `%` already there keeps working.
///
/// The MLflow client appends ``tags.`mlflow.prompt.is_prompt` != 'true'`` to every registry
/// search; like OSS, a model without that tag counts as "not a prompt" rather than "no value".
fn matches(m: &RegisteredModel, c: &Clause) -> bool {
    match (c.entity, c.op, &c.value) {
        (Entity::Tag, op, Literal::Text(v)) if c.key == IS_PROMPT_TAG => {
            match lookup(&m.tags, IS_PROMPT_TAG) {
                Some(_) => c.matches_str(lookup(&m.tags, IS_PROMPT_TAG)),
                None => (op == Op::Eq && v == "false") || (op == Op::Ne && v == "true"),
            }
        }
        (Entity::Tag, _, _) => c.matches_str(lookup(&m.tags, &c.key)),
        (_, Op::Like | Op::ILike, Literal::Text(pattern)) => {
            search::like(&m.name, &format!("%{pattern}%"), c.op == Op::ILike)
        }
        _ => c.matches_str(Some(&m.name)),
    }
}

pub(crate) async fn search(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<SearchRegisteredModelsResponse>> {
    let size = p.i64("max_results")?.unwrap_or(DEFAULT_MAX_RESULTS);
    if !(1..=MAX_RESULTS).contains(&size) {
        return Err(ApiError::invalid(format!(
            "Invalid value for request parameter max_results. It must be at most {MAX_RESULTS}, \
             but got value {size}"
        )));
    }
    let filter = p.str("filter")?.unwrap_or_default();
    let clauses =
        search::parse_filter(&filter, Dialect::RegisteredModels).map_err(ApiError::invalid)?;
    let orders = p
        .list("order_by")?
        .iter()
        .map(|o| search::parse_order_by(o, Dialect::RegisteredModels))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::invalid)?;
    let offset = paging::offset(p.str("page_token")?.as_deref())?;

    let world = st.world();
    let mut found: Vec<RegisteredModel> = world
        .ws_models
        .iter()
        .map(with_latest)
        .filter(|m| clauses.iter().all(|c| matches(m, c)))
        .collect();
    let value = |m: &RegisteredModel, key: &str| match key {
        "creation_timestamp" => m
            .creation_timestamp
            .map_or(SortValue::Missing, |t| SortValue::Num(t as f64)),
        "last_updated_timestamp" => m
            .last_updated_timestamp
            .map_or(SortValue::Missing, |t| SortValue::Num(t as f64)),
        _ => SortValue::Text(m.name.clone()),
    };
    found.sort_by(|a, b| {
        orders
            .iter()
            .map(|o| search::compare(&value(a, &o.key), &value(b, &o.key), o.ascending))
            .find(|ord| *ord != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
            .then_with(|| a.name.cmp(&b.name))
    });
    let (registered_models, next_page_token) = paging::page(&found, offset, size as usize);
    Ok(Json(SearchRegisteredModelsResponse {
        registered_models,
        next_page_token,
    }))
}

pub(crate) async fn get(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<RegisteredModelResponse>> {
    let name = p.required_str("name")?;
    let world = st.world();
    let model = lookup_model(&world, &name)?;
    Ok(Json(RegisteredModelResponse {
        registered_model: with_latest(model),
    }))
}

fn lookup_model<'w>(world: &'w super::world::World, name: &str) -> ApiResult<&'w WsModel> {
    world
        .ws_model(name)
        .ok_or_else(|| ApiError::not_found(format!("Registered Model with name={name} not found")))
}

/// The Databricks-only variant (`ModelRegistryAPI.get_model` in the SDK uses this one): adds the
/// permissions id and the caller's permission level.
pub(crate) async fn get_databricks(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    p: Params,
) -> ApiResult<Json<RegisteredModelDatabricksResponse>> {
    let name = p.required_str("name")?;
    let world = st.world();
    let model = lookup_model(&world, &name)?;
    let level = super::permissions::ws_level(principal, model);
    Ok(Json(RegisteredModelDatabricksResponse {
        registered_model_databricks: RegisteredModelDatabricks {
            model: with_latest(model),
            id: Some(model.id.clone()),
            permission_level: Some(level.to_string()),
        },
    }))
}
