//! Unity Catalog entity tag assignments of the simulated feature tables:
//! `GET /api/2.1/unity-catalog/entity-tag-assignments/{entity_type}/{entity_name}/tags`, paged
//! (`max_results`, `page_token`). Tables only; a table whose tags the caller may not read
//! answers 403 `PERMISSION_DENIED`, an unknown one 404 `TABLE_DOES_NOT_EXIST`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::api::models::entity_tags::*;
use crate::sim::errors::{ApiError, ApiResult};
use crate::sim::paging;
use crate::sim::params::Params;
use crate::sim::state::AppState;

const ENTITY_TYPES: [&str; 5] = ["catalogs", "schemas", "tables", "columns", "volumes"];

pub(crate) async fn list(
    State(st): State<AppState>,
    Path((entity_type, entity_name)): Path<(String, String)>,
    p: Params,
) -> ApiResult<Json<ListEntityTagAssignmentsResponse>> {
    if !ENTITY_TYPES.contains(&entity_type.as_str()) {
        return Err(ApiError::invalid(format!(
            "Invalid entity_type '{entity_type}': one of {}.",
            ENTITY_TYPES.join(", ")
        ))
        .shape());
    }
    let size = match p.i64("max_results")? {
        None | Some(0) => 50,
        Some(n) if n < 0 => {
            return Err(ApiError::invalid(format!(
                "Invalid value {n} for parameter 'max_results'."
            )));
        }
        Some(n) => (n as usize).min(50),
    };
    let offset = paging::offset(p.str("page_token")?.as_deref())?;
    if entity_type != "tables" {
        return Ok(Json(ListEntityTagAssignmentsResponse::default()));
    }
    let tags = {
        let store = st.features.store();
        let Some(t) = store.table(&entity_name) else {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "TABLE_DOES_NOT_EXIST",
                format!("Table '{entity_name}' does not exist."),
            ));
        };
        let Some(tags) = &t.tags else {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "PERMISSION_DENIED",
                format!("User does not have USE SCHEMA and SELECT on Table '{entity_name}'."),
            ));
        };
        tags.iter()
            .map(|(k, v)| EntityTagAssignment {
                tag_key: k.to_string(),
                tag_value: (!v.is_empty()).then(|| v.to_string()),
                entity_type: Some("tables".into()),
                entity_name: Some(t.full_name.clone()),
                source_type: None,
            })
            .collect::<Vec<_>>()
    };
    let (tag_assignments, next_page_token) = paging::page(&tags, offset, size);
    Ok(Json(ListEntityTagAssignmentsResponse {
        tag_assignments,
        next_page_token,
    }))
}
