//! The MLflow UC registry RPCs (`/api/2.0/mlflow/unity-catalog/...`, reference §5.3) that
//! MLflow's client sends with registry URI `databricks-uc`: registered models (get, search,
//! tags, aliases) and model versions (search, download URI). Version tags and `model-versions/get`
//! are in `uc_tags`. Same data and rules as the REST API of `uc` and `uc_aliases`: hidden
//! (browse-only) models are not listed, only the owner writes.

use axum::Json;
use axum::extract::{Extension, State};
use serde_json::{Value, json};

use crate::api::models::mlflow::KeyValue;
use crate::api::models::uc_tags::{
    UcAliasRef, UcRegistryModel, UcRegistryModelResponse, UcRegistryModelVersion,
    UcRegistryModelVersionResponse, UcSearchModelVersionsResponse,
    UcSearchRegisteredModelsResponse,
};

use super::errors::{ApiError, ApiResult};
use super::paging;
use super::params::Params;
use super::permissions::require_uc_owner;
use super::stages::parse_conditions;
use super::state::{AppState, Principal};
use super::uc::{missing_model, visible};
use super::uc_aliases::{alias_target, delete_alias, set_alias};
use super::uc_tags::{missing_version, parse_version, rpc_version, visible_version};
use super::world::UcModel;

/// `registered-models/search`: default 100 per page, at most 1000 (as the REST listing).
const MODELS_DEFAULT: i64 = 100;
const MODELS_MAX: i64 = 1000;
/// `model-versions/search`: MLflow's UC store asks for 10 000.
const VERSIONS_DEFAULT: i64 = 10_000;
const VERSIONS_MAX: i64 = 10_000;

fn page_size(p: &Params, default: i64, max: i64) -> ApiResult<usize> {
    let n = p.i64("max_results")?.unwrap_or(default);
    if n < 1 {
        return Err(ApiError::invalid(format!(
            "Invalid value {n} for parameter 'max_results' supplied. It must be a positive integer"
        )));
    }
    Ok(n.min(max) as usize)
}

fn rpc_model(model: &UcModel) -> UcRegistryModel {
    UcRegistryModel {
        name: model.info.full_name.clone(),
        creation_timestamp: model.info.created_at,
        last_updated_timestamp: model.info.updated_at,
        user_id: model.info.owner.clone(),
        description: model.info.comment.clone(),
        aliases: model
            .aliases
            .iter()
            .map(|a| UcAliasRef {
                alias: a.alias_name.clone(),
                version: a.version_num.to_string(),
            })
            .collect(),
        tags: model.tags.clone(),
    }
}

pub(crate) async fn get_model(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<UcRegistryModelResponse>> {
    let name = p.required_str("name")?;
    let world = st.world();
    Ok(Json(UcRegistryModelResponse {
        registered_model: rpc_model(visible(&world, &name, false)?),
    }))
}

pub(crate) async fn search_models(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<UcSearchRegisteredModelsResponse>> {
    let size = page_size(&p, MODELS_DEFAULT, MODELS_MAX)?;
    let offset = paging::offset(p.str("page_token")?.as_deref())?;
    let world = st.world();
    let mut models: Vec<&UcModel> = world.uc_models.iter().filter(|m| !m.browse_only).collect();
    models.sort_by(|a, b| a.info.full_name.cmp(&b.info.full_name));
    let (page, next_page_token) = paging::page(&models, offset, size);
    Ok(Json(UcSearchRegisteredModelsResponse {
        registered_models: page.into_iter().map(rpc_model).collect(),
        next_page_token,
    }))
}

/// `filter` over `name`, `run_id`, `version_number`, `source_path` and `tags.<k>`, as the
/// workspace registry's search; newest version first within a model.
pub(crate) async fn search_versions(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<UcSearchModelVersionsResponse>> {
    let size = page_size(&p, VERSIONS_DEFAULT, VERSIONS_MAX)?;
    let conds = parse_conditions(&p.str("filter")?.unwrap_or_default())?;
    let offset = paging::offset(p.str("page_token")?.as_deref())?;
    let world = st.world();
    let mut models: Vec<&UcModel> = world.uc_models.iter().filter(|m| !m.browse_only).collect();
    models.sort_by(|a, b| a.info.full_name.cmp(&b.info.full_name));
    let mut found: Vec<UcRegistryModelVersion> = Vec::new();
    for model in models {
        let mut versions: Vec<_> = model.versions.iter().collect();
        versions.sort_by_key(|v| std::cmp::Reverse(v.version));
        for v in versions {
            let rpc = rpc_version(model, v);
            let value = |key: &str| -> Option<String> {
                match key {
                    "name" => Some(rpc.name.clone()),
                    "run_id" => rpc.run_id.clone(),
                    "version_number" => Some(rpc.version.clone()),
                    "source_path" => rpc.source.clone(),
                    tag => rpc
                        .tags
                        .iter()
                        .find(|t| t.key == tag.trim_start_matches("tags."))
                        .map(|t| t.value.clone()),
                }
            };
            if conds.iter().all(|c| c.holds_for(value(&c.key).as_deref())) {
                found.push(rpc);
            }
        }
    }
    let (model_versions, next_page_token) = paging::page(&found, offset, size);
    Ok(Json(UcSearchModelVersionsResponse {
        model_versions,
        next_page_token,
    }))
}

/// `model-versions/get-download-uri`: the version's storage location.
pub(crate) async fn download_uri(State(st): State<AppState>, p: Params) -> ApiResult<Json<Value>> {
    let world = st.world();
    let (_, v) = visible_version(&world, &p)?;
    Ok(Json(json!({ "artifact_uri": v.storage_location })))
}

/// `GET registered-models/alias?name=&alias=`: the version the alias points at.
pub(crate) async fn get_alias(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<UcRegistryModelVersionResponse>> {
    let name = p.required_str("name")?;
    let alias = p.required_str("alias")?;
    let world = st.world();
    let model = visible(&world, &name, false)?;
    let number = alias_target(model, &alias)?;
    let v = model
        .versions
        .iter()
        .find(|v| v.version == number)
        .ok_or_else(|| missing_version(&name, number))?;
    Ok(Json(UcRegistryModelVersionResponse {
        model_version: rpc_version(model, v),
    }))
}

/// `POST registered-models/alias {name, alias, version}`.
pub(crate) async fn set_alias_rpc(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    p: Params,
) -> ApiResult<Json<Value>> {
    let name = p.required_str("name")?;
    let alias = p.required_str("alias")?;
    let version = parse_version(&p.required_str("version")?)?;
    set_alias(&st, principal, &name, &alias, version)?;
    Ok(Json(json!({})))
}

/// `DELETE registered-models/alias` with `{name, alias}` in the body or the query.
pub(crate) async fn delete_alias_rpc(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    p: Params,
) -> ApiResult<Json<Value>> {
    let name = p.required_str("name")?;
    let alias = p.required_str("alias")?;
    delete_alias(&st, principal, &name, &alias)?;
    Ok(Json(json!({})))
}

fn change_model_tags(
    st: &AppState,
    principal: Principal,
    name: &str,
    change: impl FnOnce(&mut Vec<KeyValue>),
) -> ApiResult<()> {
    let now = st.clock().now_ms();
    let mut world = st.world();
    let model = world
        .uc_models
        .iter_mut()
        .find(|m| m.info.full_name == name)
        .ok_or_else(|| missing_model(name))?;
    require_uc_owner(principal, model)?;
    change(&mut model.tags);
    model.info.updated_at = Some(now);
    model.info.updated_by = Some(principal.user_name().to_string());
    Ok(())
}

/// `POST registered-models/set-tag {name, key, value}`.
pub(crate) async fn set_model_tag(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    p: Params,
) -> ApiResult<Json<Value>> {
    let name = p.required_str("name")?;
    let key = p.required_str("key")?;
    let value = p.str("value")?.unwrap_or_default();
    change_model_tags(&st, principal, &name, |tags| {
        match tags.iter_mut().find(|t| t.key == key) {
            Some(t) => t.value = value,
            None => tags.push(KeyValue::new(key, value)),
        }
    })?;
    Ok(Json(json!({})))
}

/// `DELETE registered-models/delete-tag` with `{name, key}` in the body or the query.
pub(crate) async fn delete_model_tag(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    p: Params,
) -> ApiResult<Json<Value>> {
    let name = p.required_str("name")?;
    let key = p.required_str("key")?;
    change_model_tags(&st, principal, &name, |tags| tags.retain(|t| t.key != key))?;
    Ok(Json(json!({})))
}
