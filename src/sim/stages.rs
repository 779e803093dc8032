//! Workspace-registry versions: get, search, latest per stage, download URI, tags (set and
//! delete, on models and versions), and transition-stage on both paths (Databricks with a
//! comment and permission level, open-source without).

use axum::Json;
use axum::extract::{Extension, State};
use serde_json::{Value, json};

use crate::api::models::mlflow::KeyValue;
use crate::api::models::registry::{
    GetLatestVersionsResponse, ModelVersion, ModelVersionDatabricks, ModelVersionResponse,
    ModelVersionStatus, SearchModelVersionsResponse, Stage, TransitionStageDatabricksResponse,
};
use crate::api::models::transition_requests::ActivityType;

use super::errors::{ApiError, ApiResult};
use super::paging;
use super::params::Params;
use super::permissions::{require_ws_manage, ws_level};
use super::state::{AppState, Principal};
use super::world::{World, WsModel};
use super::ws_history::{self, Transition, missing_version};

const DEFAULT_MAX_RESULTS: i64 = 10_000;

pub(crate) fn model_mut<'w>(world: &'w mut World, name: &str) -> ApiResult<&'w mut WsModel> {
    world
        .ws_models
        .iter_mut()
        .find(|m| m.model.name == name)
        .ok_or_else(|| ApiError::not_found(format!("Registered Model with name={name} not found")))
}

fn find_version<'m>(model: &'m WsModel, version: &str) -> ApiResult<&'m ModelVersion> {
    model
        .versions
        .iter()
        .find(|v| v.version == version)
        .ok_or_else(|| missing_version(&model.model.name, version))
}

/// The tags of `name`'s version `version`, to change.
fn version_tags_mut<'w>(
    world: &'w mut World,
    name: &str,
    version: &str,
) -> ApiResult<&'w mut Vec<KeyValue>> {
    model_mut(world, name)?
        .versions
        .iter_mut()
        .find(|x| x.version == version)
        .map(|mv| &mut mv.tags)
        .ok_or_else(|| missing_version(name, version))
}

pub(crate) async fn get(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<ModelVersionResponse>> {
    let name = p.required_str("name")?;
    let version = p.required_str("version")?;
    let mut world = st.world();
    let model = model_mut(&mut world, &name)?;
    Ok(Json(ModelVersionResponse {
        model_version: find_version(model, &version)?.clone(),
    }))
}

/// One comparison of a model-version filter: `key op 'value'`.
pub(crate) struct Cond {
    pub key: String,
    op: String,
    value: String,
}

/// Databricks documents single conditions such as `name='m'` or `run_id='r'`; conjunctions with
/// `AND` are accepted too, over `name`, `run_id`, `version_number`, `source_path`, `tags.<k>`.
pub(crate) fn parse_conditions(filter: &str) -> ApiResult<Vec<Cond>> {
    let mut out = Vec::new();
    let lower = filter.to_ascii_lowercase();
    let mut rest = filter;
    let mut rest_lower = lower.as_str();
    while !rest.trim().is_empty() {
        let (part, next, next_lower) = match rest_lower.find(" and ") {
            Some(i) => (&rest[..i], &rest[i + 5..], &rest_lower[i + 5..]),
            None => (rest, "", ""),
        };
        out.push(parse_condition(part.trim())?);
        rest = next;
        rest_lower = next_lower;
    }
    Ok(out)
}

fn parse_condition(text: &str) -> ApiResult<Cond> {
    let bad = || ApiError::invalid(format!("Invalid filter '{text}'"));
    let ops = ["!=", "=", " ILIKE ", " LIKE ", " ilike ", " like "];
    let (i, op) = ops
        .iter()
        .filter_map(|op| text.find(op).map(|i| (i, *op)))
        .min_by_key(|(i, _)| *i)
        .ok_or_else(bad)?;
    let key = text[..i].trim().trim_matches('`').to_string();
    let raw = text[i + op.len()..].trim();
    let quoted = raw.len() >= 2
        && ((raw.starts_with('\'') && raw.ends_with('\''))
            || (raw.starts_with('"') && raw.ends_with('"')));
    let value = if quoted {
        raw[1..raw.len() - 1].to_string()
    } else if key == "version_number" {
        raw.to_string()
    } else {
        return Err(bad());
    };
    let known = matches!(
        key.as_str(),
        "name" | "run_id" | "version_number" | "source_path"
    ) || key.starts_with("tags.");
    if !known {
        return Err(ApiError::invalid(format!(
            "Invalid attribute key '{key}' specified. Valid keys are 'name', 'run_id', \
             'version_number', 'source_path', 'tags.<key>'"
        )));
    }
    Ok(Cond {
        key,
        op: op.trim().to_ascii_uppercase(),
        value,
    })
}

fn matches(v: &ModelVersion, c: &Cond) -> bool {
    let actual = match c.key.as_str() {
        "name" => Some(v.name.as_str()),
        "run_id" => v.run_id.as_deref(),
        "version_number" => Some(v.version.as_str()),
        "source_path" => v.source.as_deref(),
        key => {
            let tag = key.trim_start_matches("tags.");
            v.tags
                .iter()
                .find(|t| t.key == tag)
                .map(|t| t.value.as_str())
        }
    };
    c.holds_for(actual)
}

impl Cond {
    /// Whether the condition holds for the value of its key (`None`: the key is absent).
    pub(crate) fn holds_for(&self, actual: Option<&str>) -> bool {
        match (self.op.as_str(), actual) {
            ("=", Some(a)) => a == self.value,
            ("!=", a) => a != Some(self.value.as_str()),
            ("LIKE", Some(a)) => super::search::like(a, &self.value, false),
            ("ILIKE", Some(a)) => super::search::like(a, &self.value, true),
            _ => false,
        }
    }
}

pub(crate) async fn search(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<SearchModelVersionsResponse>> {
    let size = p.i64("max_results")?.unwrap_or(DEFAULT_MAX_RESULTS);
    if !(1..=200_000).contains(&size) {
        return Err(ApiError::invalid(format!(
            "Invalid value for request parameter max_results. It must be at most 200000, but \
             got value {size}"
        )));
    }
    let conds = parse_conditions(&p.str("filter")?.unwrap_or_default())?;
    let offset = paging::offset(p.str("page_token")?.as_deref())?;
    let world = st.world();
    let mut found: Vec<ModelVersion> = world
        .ws_models
        .iter()
        .flat_map(|m| m.versions.iter())
        .filter(|v| conds.iter().all(|c| matches(v, c)))
        .cloned()
        .collect();
    let number = |v: &ModelVersion| v.version.parse::<i64>().unwrap_or(0);
    found.sort_by(|a, b| a.name.cmp(&b.name).then(number(b).cmp(&number(a))));
    let (model_versions, next_page_token) = paging::page(&found, offset, size as usize);
    Ok(Json(SearchModelVersionsResponse {
        model_versions,
        next_page_token,
    }))
}

/// `POST registered-models/get-latest-versions`: the newest READY version per stage asked for
/// (every stage when none is given), in version order.
pub(crate) async fn latest_versions(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<GetLatestVersionsResponse>> {
    let name = p.required_str("name")?;
    let stages = p
        .list("stages")?
        .iter()
        .map(|s| ws_history::parse_stage(s))
        .collect::<ApiResult<Vec<Stage>>>()?;
    let mut world = st.world();
    let model = model_mut(&mut world, &name)?;
    let mut latest: Vec<ModelVersion> = Vec::new();
    let number = |v: &ModelVersion| v.version.parse::<i64>().unwrap_or(0);
    for v in &model.versions {
        let stage = v.current_stage.clone().unwrap_or(Stage::None);
        if v.status != Some(ModelVersionStatus::Ready)
            || (!stages.is_empty() && !stages.contains(&stage))
        {
            continue;
        }
        match latest
            .iter_mut()
            .find(|l| l.current_stage.clone().unwrap_or(Stage::None) == stage)
        {
            Some(l) if number(l) < number(v) => *l = v.clone(),
            Some(_) => {}
            None => latest.push(v.clone()),
        }
    }
    latest.sort_by_key(number);
    Ok(Json(GetLatestVersionsResponse {
        model_versions: latest,
    }))
}

/// Both transition paths; `databricks` adds the comment, the permission level and the
/// version's open requests to the answer.
async fn transition(
    st: &AppState,
    principal: Principal,
    p: &Params,
    databricks: bool,
) -> ApiResult<(ModelVersion, Option<ModelVersionDatabricks>)> {
    let name = p.required_str("name")?;
    let version = p.required_str("version")?;
    let stage = ws_history::parse_stage(&p.required_str("stage")?)?;
    let archive = p.bool("archive_existing_versions")?.unwrap_or(false);
    ws_history::check_archive(&stage, archive)?;
    let comment = if databricks { p.str("comment")? } else { None };
    let now = st.clock().now_ms();
    let mut world = st.world();
    let model = model_mut(&mut world, &name)?;
    find_version(model, &version)?;
    require_ws_manage(
        principal,
        model,
        &format!("transition model versions to {stage}"),
    )?;
    let t = Transition {
        kind: ActivityType::AppliedTransition,
        user: principal.user_name(),
        comment,
        now,
    };
    let (moved, _) = ws_history::apply(model, &version, stage, archive, t)?;
    let detailed = databricks.then(|| ModelVersionDatabricks {
        version: moved.clone(),
        permission_level: Some(ws_level(principal, model).to_string()),
        open_requests: ws_history::open_requests(model, &version),
        email_subscription_status: None,
    });
    Ok((moved, detailed))
}

pub(crate) async fn transition_databricks(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    p: Params,
) -> ApiResult<Json<TransitionStageDatabricksResponse>> {
    let (_, detailed) = transition(&st, principal, &p, true).await?;
    Ok(Json(TransitionStageDatabricksResponse {
        model_version_databricks: detailed.unwrap_or_default(),
    }))
}

pub(crate) async fn transition_oss(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    p: Params,
) -> ApiResult<Json<ModelVersionResponse>> {
    let (moved, _) = transition(&st, principal, &p, false).await?;
    Ok(Json(ModelVersionResponse {
        model_version: moved,
    }))
}

fn set_tag(tags: &mut Vec<KeyValue>, key: String, value: String) {
    match tags.iter_mut().find(|t| t.key == key) {
        Some(t) => t.value = value,
        None => tags.push(KeyValue::new(key, value)),
    }
}

/// `registered-models/set-tag`.
pub(crate) async fn set_model_tag(State(st): State<AppState>, p: Params) -> ApiResult<Json<Value>> {
    let name = p.required_str("name")?;
    let key = p.required_str("key")?;
    let value = p.str("value")?.unwrap_or_default();
    let mut world = st.world();
    let model = model_mut(&mut world, &name)?;
    set_tag(&mut model.model.tags, key, value);
    Ok(Json(json!({})))
}

/// `model-versions/set-tag`.
pub(crate) async fn set_version_tag(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<Value>> {
    let name = p.required_str("name")?;
    let version = p.required_str("version")?;
    let key = p.required_str("key")?;
    let value = p.str("value")?.unwrap_or_default();
    set_tag(
        version_tags_mut(&mut st.world(), &name, &version)?,
        key,
        value,
    );
    Ok(Json(json!({})))
}

/// `registered-models/delete-tag`: arguments in the query (Databricks SDK) or a JSON body (MLflow
/// client). Deleting a tag the model does not have is not an error, as on the OSS server.
pub(crate) async fn delete_model_tag(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<Value>> {
    let name = p.required_str("name")?;
    let key = p.required_str("key")?;
    let mut world = st.world();
    let model = model_mut(&mut world, &name)?;
    model.model.tags.retain(|t| t.key != key);
    Ok(Json(json!({})))
}

/// `model-versions/delete-tag`, read like [`delete_model_tag`].
pub(crate) async fn delete_version_tag(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<Value>> {
    let name = p.required_str("name")?;
    let version = p.required_str("version")?;
    let key = p.required_str("key")?;
    version_tags_mut(&mut st.world(), &name, &version)?.retain(|t| t.key != key);
    Ok(Json(json!({})))
}

/// `model-versions/get-download-uri`: where the version's files are, `{artifact_uri}` (its
/// source, as the OSS server answers).
pub(crate) async fn download_uri(State(st): State<AppState>, p: Params) -> ApiResult<Json<Value>> {
    let name = p.required_str("name")?;
    let version = p.required_str("version")?;
    let mut world = st.world();
    let model = model_mut(&mut world, &name)?;
    let mv = find_version(model, &version)?;
    Ok(Json(json!({ "artifact_uri": mv.source })))
}
