//! Tags on Unity Catalog model versions over both routes of reference §5.3: the MLflow UC
//! registry RPCs (set-tag, delete-tag, get) and the native subentity tag PATCH. Only the model's
//! owner may change tags.

use axum::Json;
use axum::extract::{Extension, Path, State};
use serde_json::{Value, json};

use crate::api::models::mlflow::KeyValue;
use crate::api::models::uc_models::{ModelVersionInfo, UcModelVersionStatus};
use crate::api::models::uc_tags::{
    TagChanges, UcAliasRef, UcRegistryModelVersion, UcRegistryModelVersionResponse,
};

use super::errors::{ApiError, ApiResult};
use super::params::Params;
use super::permissions::require_uc_owner;
use super::state::{AppState, Principal};
use super::uc::{missing_model, visible};
use super::world::{UcModel, World};

pub(crate) fn parse_version(text: &str) -> ApiResult<i64> {
    text.trim()
        .parse()
        .map_err(|_| ApiError::invalid(format!("Invalid version '{text}': versions are integers.")))
}

pub(crate) fn missing_version(full_name: &str, version: i64) -> ApiError {
    ApiError::not_found(format!(
        "Routine or Model '{full_name}' version {version} does not exist."
    ))
}

/// The model and its version `version`, as the caller may see them (the `name` and `version`
/// arguments of the UC registry RPCs).
pub(crate) fn visible_version<'w>(
    world: &'w World,
    p: &Params,
) -> ApiResult<(&'w UcModel, &'w ModelVersionInfo)> {
    let name = p.required_str("name")?;
    let version = parse_version(&p.required_str("version")?)?;
    let model = visible(world, &name, false)?;
    let v = model
        .versions
        .iter()
        .find(|v| v.version == version)
        .ok_or_else(|| missing_version(&name, version))?;
    Ok((model, v))
}

/// Applies `changes` to one version's tags, after the ownership check.
fn change_tags(
    st: &AppState,
    principal: Principal,
    full_name: &str,
    version: i64,
    changes: &TagChanges,
) -> ApiResult<()> {
    let now = st.clock().now_ms();
    let mut world = st.world();
    let model = world
        .uc_models
        .iter_mut()
        .find(|m| m.info.full_name == full_name)
        .ok_or_else(|| missing_model(full_name))?;
    require_uc_owner(principal, model)?;
    let mv = model
        .versions
        .iter_mut()
        .find(|v| v.version == version)
        .ok_or_else(|| missing_version(full_name, version))?;
    for tag in &changes.add_tags {
        if tag.key.is_empty() {
            return Err(ApiError::invalid("Tag key cannot be empty."));
        }
        match mv.tags.iter_mut().find(|t| t.key == tag.key) {
            Some(t) => t.value = tag.value.clone(),
            None => mv.tags.push(tag.clone()),
        }
    }
    mv.tags.retain(|t| !changes.remove.contains(&t.key));
    mv.updated_at = Some(now);
    mv.updated_by = Some(principal.user_name().to_string());
    Ok(())
}

pub(crate) async fn rpc_set(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    p: Params,
) -> ApiResult<Json<Value>> {
    let name = p.required_str("name")?;
    let version = parse_version(&p.required_str("version")?)?;
    let key = p.required_str("key")?;
    let value = p.str("value")?.unwrap_or_default();
    let changes = TagChanges {
        add_tags: vec![KeyValue::new(key, value)],
        remove: Vec::new(),
    };
    change_tags(&st, principal, &name, version, &changes)?;
    Ok(Json(json!({})))
}

pub(crate) async fn rpc_delete(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    p: Params,
) -> ApiResult<Json<Value>> {
    let name = p.required_str("name")?;
    let version = parse_version(&p.required_str("version")?)?;
    let key = p.required_str("key")?;
    let changes = TagChanges {
        add_tags: Vec::new(),
        remove: vec![key],
    };
    change_tags(&st, principal, &name, version, &changes)?;
    Ok(Json(json!({})))
}

/// The version in the MLflow UC RPC shape, with tags and `{alias, version}` aliases.
pub(crate) async fn rpc_get(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<UcRegistryModelVersionResponse>> {
    let world = st.world();
    let (model, v) = visible_version(&world, &p)?;
    Ok(Json(UcRegistryModelVersionResponse {
        model_version: rpc_version(model, v),
    }))
}

/// A UC version in the MLflow UC RPC shape: versions as text, `{alias, version}` aliases.
pub(crate) fn rpc_version(model: &UcModel, v: &ModelVersionInfo) -> UcRegistryModelVersion {
    let status = v.status.as_ref().map(|s| match s {
        UcModelVersionStatus::Unknown => "PENDING_REGISTRATION".to_string(),
        other => other.to_string(),
    });
    UcRegistryModelVersion {
        name: model.info.full_name.clone(),
        version: v.version.to_string(),
        creation_timestamp: v.created_at,
        last_updated_timestamp: v.updated_at,
        user_id: v.created_by.clone(),
        description: v.comment.clone(),
        source: v.source.clone(),
        run_id: v.run_id.clone(),
        status,
        storage_location: v.storage_location.clone(),
        tags: v.tags.clone(),
        aliases: model
            .aliases
            .iter()
            .filter(|a| a.version_num == v.version)
            .map(|a| UcAliasRef {
                alias: a.alias_name.clone(),
                version: v.version.to_string(),
            })
            .collect(),
    }
}

/// `PATCH /api/2.1/unity-catalog/subentity-tags/{securable_type}/{full_name}/{version}`.
pub(crate) async fn native_patch(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path((securable_type, full_name, subentity)): Path<(String, String, String)>,
    p: Params,
) -> ApiResult<Json<Value>> {
    if !securable_type.eq_ignore_ascii_case("FUNCTION") {
        return Err(ApiError::invalid(format!(
            "Unsupported securable type '{securable_type}' for subentity tags: model versions \
             are tagged as FUNCTION."
        )));
    }
    let version = parse_version(&subentity)?;
    let changes: TagChanges = match p.raw_body("changes") {
        Some(v) => serde_json::from_value(v)
            .map_err(|e| ApiError::invalid(format!("Invalid 'changes': {e}")).shape())?,
        None => return Err(ApiError::missing("changes")),
    };
    change_tags(&st, principal, &full_name, version, &changes)?;
    Ok(Json(json!({})))
}
