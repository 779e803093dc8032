//! Unity Catalog aliases (reference §5.2): set (moving it when it is set elsewhere: one version
//! per alias), delete, and get the version an alias points at. Only the owner may write.

use axum::Json;
use axum::extract::{Extension, Path, State};
use serde_json::{Value, json};

use crate::api::models::uc_models::{Alias, ModelVersionInfo};

use super::errors::{ApiError, ApiResult};
use super::params::Params;
use super::permissions::require_uc_owner;
use super::state::{AppState, Principal};
use super::uc::{missing_model, visible};
use super::world::{UcModel, World};

fn model_mut<'w>(world: &'w mut World, full_name: &str) -> ApiResult<&'w mut UcModel> {
    world
        .uc_models
        .iter_mut()
        .find(|m| m.info.full_name == full_name)
        .ok_or_else(|| missing_model(full_name))
}

/// MLflow's alias rules, which UC shares: word characters and dashes, not `latest`, not a
/// version-like `v3`.
fn validate_alias(alias: &str) -> ApiResult<()> {
    if alias.is_empty() {
        return Err(ApiError::invalid(
            "Registered model alias name cannot be empty.",
        ));
    }
    if !alias
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(ApiError::invalid(format!(
            "Invalid alias name: '{alias}'. Names may only contain alphanumerics, underscores \
             (_), and dashes (-)."
        )));
    }
    if alias.eq_ignore_ascii_case("latest") {
        return Err(ApiError::invalid(
            "'latest' alias name (case insensitive) is reserved.",
        ));
    }
    let mut chars = alias.chars();
    if matches!(chars.next(), Some('v' | 'V'))
        && chars.clone().next().is_some()
        && chars.all(|c| c.is_ascii_digit())
    {
        return Err(ApiError::invalid(format!(
            "Version alias name '{alias}' is reserved."
        )));
    }
    Ok(())
}

fn missing_version(full_name: &str, version: i64) -> ApiError {
    ApiError::not_found(format!(
        "Routine or Model '{full_name}' version {version} does not exist."
    ))
}

fn missing_alias(full_name: &str, alias: &str) -> ApiError {
    ApiError::not_found(format!(
        "Alias '{alias}' does not exist on Routine or Model '{full_name}'."
    ))
}

/// Points `alias` at `version` (moving it if it is set elsewhere), as the model's owner.
pub(crate) fn set_alias(
    st: &AppState,
    principal: Principal,
    full_name: &str,
    alias: &str,
    version: i64,
) -> ApiResult<Alias> {
    let now = st.clock().now_ms();
    let mut world = st.world();
    let model = model_mut(&mut world, full_name)?;
    require_uc_owner(principal, model)?;
    validate_alias(alias)?;
    if !model.versions.iter().any(|v| v.version == version) {
        return Err(missing_version(full_name, version));
    }
    model.aliases.retain(|a| a.alias_name != alias);
    let set = Alias {
        alias_name: alias.to_string(),
        version_num: version,
    };
    model.aliases.push(set.clone());
    model.info.updated_at = Some(now);
    model.info.updated_by = Some(principal.user_name().to_string());
    Ok(set)
}

/// Removes `alias`, as the model's owner; an alias that is not set is 404.
pub(crate) fn delete_alias(
    st: &AppState,
    principal: Principal,
    full_name: &str,
    alias: &str,
) -> ApiResult<()> {
    let now = st.clock().now_ms();
    let mut world = st.world();
    let model = model_mut(&mut world, full_name)?;
    require_uc_owner(principal, model)?;
    if !model.aliases.iter().any(|a| a.alias_name == alias) {
        return Err(missing_alias(full_name, alias));
    }
    model.aliases.retain(|a| a.alias_name != alias);
    model.info.updated_at = Some(now);
    model.info.updated_by = Some(principal.user_name().to_string());
    Ok(())
}

/// The version number `alias` points at.
pub(crate) fn alias_target(model: &UcModel, alias: &str) -> ApiResult<i64> {
    model
        .aliases
        .iter()
        .find(|a| a.alias_name == alias)
        .map(|a| a.version_num)
        .ok_or_else(|| missing_alias(&model.info.full_name, alias))
}

pub(crate) async fn set(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path((full_name, alias)): Path<(String, String)>,
    p: Params,
) -> ApiResult<Json<Alias>> {
    let version = p
        .i64("version_num")?
        .ok_or_else(|| ApiError::missing("version_num"))?;
    Ok(Json(set_alias(
        &st, principal, &full_name, &alias, version,
    )?))
}

pub(crate) async fn delete(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path((full_name, alias)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    delete_alias(&st, principal, &full_name, &alias)?;
    Ok(Json(json!({})))
}

pub(crate) async fn get(
    State(st): State<AppState>,
    Path((full_name, alias)): Path<(String, String)>,
    p: Params,
) -> ApiResult<Json<ModelVersionInfo>> {
    let include_aliases = p.bool("include_aliases")?.unwrap_or(false);
    let world = st.world();
    let model = visible(&world, &full_name, false)?;
    let number = alias_target(model, &alias)?;
    let mut answer = model
        .versions
        .iter()
        .find(|v| v.version == number)
        .cloned()
        .ok_or_else(|| missing_version(&full_name, number))?;
    answer.aliases = if include_aliases {
        model
            .aliases
            .iter()
            .filter(|a| a.version_num == number)
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    Ok(Json(answer))
}

#[cfg(test)]
mod tests {
    use super::validate_alias;

    #[test]
    fn alias_names_follow_mlflow_rules() {
        for ok in ["champion", "challenger-2", "shadow_b", "v", "vx1"] {
            assert!(validate_alias(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Latest", "v3", "V12", "has space", "dots.no"] {
            assert!(validate_alias(bad).is_err(), "{bad}");
        }
    }
}
