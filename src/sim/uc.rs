//! Unity Catalog models and versions (reference §5). Full names (`main.ml.churn_model`) appear
//! raw in the path; axum's `{full_name}` segment captures the dots.
//!
//! Listing all models walks `catalog.schema` partitions in order and never lets a page span two
//! of them. A partition with nothing visible to the caller (here `main.sandbox`, whose only
//! model is browse-only) therefore yields an empty page that still carries a token, as the real
//! service can: clients must keep reading until the token is absent.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::api::models::uc_models::{
    ListModelVersionsResponse, ListRegisteredModelsResponse, ModelVersionInfo, RegisteredModelInfo,
};

use super::errors::{ApiError, ApiResult};
use super::paging;
use super::params::Params;
use super::state::AppState;
use super::world::{UcModel, World};

pub(crate) fn missing_model(full_name: &str) -> ApiError {
    ApiError::not_found(format!("Routine or Model '{full_name}' does not exist."))
}

/// Page size per the SDK docs: `0` or absent → the default, above the cap → the cap, negative → 400.
fn page_size(p: &Params, default: usize, cap: usize) -> ApiResult<usize> {
    match p.i64("max_results")? {
        None | Some(0) => Ok(default),
        Some(n) if n < 0 => Err(ApiError::invalid(format!(
            "Invalid value {n} for parameter 'max_results': it must be zero or positive."
        ))),
        Some(n) => Ok((n as usize).min(cap)),
    }
}

/// The model as the caller may see it, or why not.
pub(crate) fn visible<'w>(
    world: &'w World,
    full_name: &str,
    include_browse: bool,
) -> ApiResult<&'w UcModel> {
    let model = world
        .uc_model(full_name)
        .ok_or_else(|| missing_model(full_name))?;
    if model.browse_only && !include_browse {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "PERMISSION_DENIED",
            format!("User does not have EXECUTE on Routine or Model '{full_name}'."),
        ));
    }
    Ok(model)
}

fn info_of(model: &UcModel, include_aliases: bool) -> RegisteredModelInfo {
    let mut info = model.info.clone();
    info.browse_only = model.browse_only.then_some(true);
    if include_aliases {
        info.aliases = model.aliases.clone();
    }
    info
}

pub(crate) async fn list_models(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<ListRegisteredModelsResponse>> {
    let catalog = p.str("catalog_name")?.filter(|s| !s.is_empty());
    let schema = p.str("schema_name")?.filter(|s| !s.is_empty());
    let include_browse = p.bool("include_browse")?.unwrap_or(false);
    let scoped = match (&catalog, &schema) {
        (Some(c), Some(s)) => Some((c.clone(), s.clone())),
        (None, None) => None,
        _ => {
            return Err(ApiError::invalid(
                "catalog_name and schema_name must be specified together.",
            ));
        }
    };
    let size = if scoped.is_some() {
        page_size(&p, 10_000, 10_000)?
    } else {
        page_size(&p, 100, 1000)?
    };
    let token = p.str("page_token")?.filter(|t| !t.trim().is_empty());
    let (partition, offset) = match &token {
        None => (0, 0),
        Some(t) => {
            let fields = paging::decode(t)?;
            (
                paging::field(&fields, "partition")?,
                paging::field(&fields, "offset")?,
            )
        }
    };

    let world = st.world();
    let partitions: Vec<(String, String)> = match scoped {
        Some((c, s)) => {
            if !world.uc_schemas.iter().any(|(wc, _)| *wc == c) {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "CATALOG_DOES_NOT_EXIST",
                    format!("Catalog '{c}' does not exist."),
                ));
            }
            if !world.uc_schemas.contains(&(c.clone(), s.clone())) {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "SCHEMA_DOES_NOT_EXIST",
                    format!("Schema '{c}.{s}' does not exist."),
                ));
            }
            vec![(c, s)]
        }
        None => world.uc_schemas.clone(),
    };
    let Some((catalog, schema)) = partitions.get(partition) else {
        return Err(ApiError::invalid("Invalid page token."));
    };
    let mut in_partition: Vec<&UcModel> = world
        .uc_models
        .iter()
        .filter(|m| m.info.catalog_name == *catalog && m.info.schema_name == *schema)
        .filter(|m| include_browse || !m.browse_only)
        .collect();
    in_partition.sort_by(|a, b| a.info.name.cmp(&b.info.name));
    let start = offset.min(in_partition.len());
    let end = start.saturating_add(size).min(in_partition.len());
    let next_page_token = if end < in_partition.len() {
        Some(paging::encode(&[
            ("partition", partition as i64),
            ("offset", end as i64),
        ]))
    } else if partition + 1 < partitions.len() {
        Some(paging::encode(&[
            ("partition", partition as i64 + 1),
            ("offset", 0),
        ]))
    } else {
        None
    };
    Ok(Json(ListRegisteredModelsResponse {
        registered_models: in_partition[start..end]
            .iter()
            .map(|m| info_of(m, false))
            .collect(),
        next_page_token,
    }))
}

pub(crate) async fn get_model(
    State(st): State<AppState>,
    Path(full_name): Path<String>,
    p: Params,
) -> ApiResult<Json<RegisteredModelInfo>> {
    let include_aliases = p.bool("include_aliases")?.unwrap_or(false);
    let include_browse = p.bool("include_browse")?.unwrap_or(false);
    let world = st.world();
    let model = visible(&world, &full_name, include_browse)?;
    Ok(Json(info_of(model, include_aliases)))
}

pub(crate) async fn list_versions(
    State(st): State<AppState>,
    Path(full_name): Path<String>,
    p: Params,
) -> ApiResult<Json<ListModelVersionsResponse>> {
    let include_browse = p.bool("include_browse")?.unwrap_or(false);
    let size = page_size(&p, 100, 1000)?;
    let offset = paging::offset(p.str("page_token")?.as_deref())?;
    let world = st.world();
    let model = visible(&world, &full_name, include_browse)?;
    // Newest first; list items carry neither aliases nor tags.
    let mut versions: Vec<ModelVersionInfo> = model
        .versions
        .iter()
        .map(|v| ModelVersionInfo {
            aliases: Vec::new(),
            tags: Vec::new(),
            ..v.clone()
        })
        .collect();
    versions.sort_by_key(|v| std::cmp::Reverse(v.version));
    let (model_versions, next_page_token) = paging::page(&versions, offset, size);
    Ok(Json(ListModelVersionsResponse {
        model_versions,
        next_page_token,
    }))
}

pub(crate) async fn get_version(
    State(st): State<AppState>,
    Path((full_name, version)): Path<(String, String)>,
    p: Params,
) -> ApiResult<Json<ModelVersionInfo>> {
    let include_aliases = p.bool("include_aliases")?.unwrap_or(false);
    let include_browse = p.bool("include_browse")?.unwrap_or(false);
    let number: i64 = version.trim().parse().map_err(|_| {
        ApiError::invalid(format!(
            "Invalid version '{version}': versions are integers."
        ))
    })?;
    let world = st.world();
    let model = visible(&world, &full_name, include_browse)?;
    let found = model
        .versions
        .iter()
        .find(|v| v.version == number)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "Routine or Model '{full_name}' version {number} does not exist."
            ))
        })?;
    let mut answer = found.clone();
    if include_aliases {
        answer.aliases = model
            .aliases
            .iter()
            .filter(|a| a.version_num == number)
            .cloned()
            .collect();
    }
    Ok(Json(answer))
}
