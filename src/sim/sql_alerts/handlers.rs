//! HTTP handlers of the SQL alerts service.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::api::models::sql_alerts::{
    AlertEvaluationState, AlertLifecycleState, AlertV2, ListAlertsV2Response,
};
use crate::sim::errors::{ApiError, ApiResult};
use crate::sim::paging;
use crate::sim::state::{AppState, Principal};

use super::iso;

const MAX_PAGE: usize = 1000;
const DEFAULT_PAGE: usize = 100;
/// Fields an `update_mask` may name.
const UPDATABLE: &[&str] = &[
    "display_name",
    "query_text",
    "warehouse_id",
    "evaluation",
    "schedule",
    "custom_summary",
    "custom_description",
    "parent_path",
    "run_as",
    "run_as_user_name",
];

#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    page_size: Option<i64>,
    page_token: Option<String>,
}

fn missing(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "RESOURCE_DOES_NOT_EXIST",
        format!("Alert {id} does not exist."),
    )
}

fn malformed(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "MALFORMED_REQUEST",
        format!("Could not parse request object: {e}"),
    )
    .shape()
}

pub(crate) async fn list(
    State(st): State<AppState>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<ListAlertsV2Response>> {
    let size = match q.page_size {
        None | Some(0) => DEFAULT_PAGE,
        Some(n) if n < 0 => return Err(ApiError::invalid("page_size must not be negative.")),
        Some(n) => (n as usize).min(MAX_PAGE),
    };
    let offset = paging::offset(q.page_token.as_deref())?;
    let world = st.world();
    let active: Vec<AlertV2> = world
        .sql_alerts
        .alerts
        .iter()
        .filter(|a| a.lifecycle_state != Some(AlertLifecycleState::Deleted))
        .cloned()
        .collect();
    let (alerts, next_page_token) = paging::page(&active, offset, size);
    Ok(Json(ListAlertsV2Response {
        alerts,
        next_page_token,
    }))
}

pub(crate) async fn get(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<AlertV2>> {
    let world = st.world();
    world
        .sql_alerts
        .alerts
        .iter()
        .find(|a| a.id.as_deref() == Some(id.as_str()))
        .cloned()
        .map(Json)
        .ok_or_else(|| missing(&id))
}

fn require(alert: &AlertV2) -> ApiResult<()> {
    for (field, value) in [
        ("display_name", &alert.display_name),
        ("query_text", &alert.query_text),
        ("warehouse_id", &alert.warehouse_id),
    ] {
        if value.trim().is_empty() {
            return Err(ApiError::invalid(format!("{field} is required.")));
        }
    }
    Ok(())
}

/// The body is the alert itself (`AlertV2`), as the SDK sends it; an `{"alert": …}` wrapper is
/// taken too.
fn alert_of(body: &Bytes) -> ApiResult<AlertV2> {
    let v: Value = serde_json::from_slice(body).map_err(malformed)?;
    let v = match v {
        Value::Object(mut m) if m.len() == 1 && m.contains_key("alert") => {
            m.remove("alert").unwrap_or(Value::Null)
        }
        other => other,
    };
    serde_json::from_value(v).map_err(malformed)
}

pub(crate) async fn create(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    body: Bytes,
) -> ApiResult<Json<AlertV2>> {
    let mut alert = alert_of(&body)?;
    require(&alert)?;
    let now = st.clock().now_ms();
    let mut world = st.world();
    let seed = world.seed;
    let store = &mut world.sql_alerts;
    let n = store.next_id;
    store.next_id += 1;
    alert.id = Some(format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        (seed as u32) ^ 0x5a17,
        n & 0xffff,
        (n >> 16) & 0xfff,
        n & 0xfff,
        now.unsigned_abs() & 0xffff_ffff_ffff
    ));
    alert.lifecycle_state = Some(AlertLifecycleState::Active);
    alert.owner_user_name = Some(principal.user_name().to_string());
    alert.create_time = Some(iso(now));
    alert.update_time = Some(iso(now));
    alert
        .parent_path
        .get_or_insert_with(|| format!("/Users/{}", principal.user_name()));
    if let Some(e) = alert.evaluation.as_mut() {
        // Output only: never evaluated yet.
        e.state = Some(AlertEvaluationState::Unknown);
        e.last_evaluated_at = None;
    }
    store.alerts.push(alert.clone());
    Ok(Json(alert))
}

#[derive(Debug, Deserialize)]
pub(crate) struct UpdateQuery {
    update_mask: Option<String>,
}

pub(crate) async fn update(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<UpdateQuery>,
    body: Bytes,
) -> ApiResult<Json<AlertV2>> {
    let mask = q
        .update_mask
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| ApiError::missing("update_mask"))?;
    let fields: Vec<&str> = if mask.trim() == "*" {
        UPDATABLE.to_vec()
    } else {
        mask.split(',').map(str::trim).collect()
    };
    if let Some(bad) = fields.iter().find(|f| !UPDATABLE.contains(f)) {
        return Err(ApiError::invalid(format!(
            "update_mask names a field that cannot be updated: {bad}."
        )));
    }
    let patch: Map<String, Value> = match serde_json::from_slice(&body).map_err(malformed)? {
        Value::Object(m) => m,
        _ => return Err(malformed("not an object")),
    };
    let now = st.clock().now_ms();
    let mut world = st.world();
    let alert = world
        .sql_alerts
        .alerts
        .iter_mut()
        .find(|a| a.id.as_deref() == Some(id.as_str()))
        .ok_or_else(|| missing(&id))?;
    let mut current = match serde_json::to_value(&*alert) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    for f in &fields {
        match patch.get(*f) {
            Some(v) => current.insert(f.to_string(), v.clone()),
            None => current.remove(*f),
        };
    }
    let mut updated: AlertV2 = serde_json::from_value(Value::Object(current)).map_err(malformed)?;
    require(&updated)?;
    updated.update_time = Some(iso(now));
    *alert = updated.clone();
    Ok(Json(updated))
}

#[derive(Debug, Deserialize)]
pub(crate) struct DeleteQuery {
    purge: Option<bool>,
}

pub(crate) async fn delete(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<DeleteQuery>,
) -> ApiResult<Json<Value>> {
    let mut world = st.world();
    let alerts = &mut world.sql_alerts.alerts;
    let i = alerts
        .iter()
        .position(|a| a.id.as_deref() == Some(id.as_str()))
        .ok_or_else(|| missing(&id))?;
    if q.purge.unwrap_or(false) {
        alerts.remove(i);
    } else {
        alerts[i].lifecycle_state = Some(AlertLifecycleState::Deleted);
    }
    Ok(Json(json!({})))
}
