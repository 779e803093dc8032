//! HTTP handlers of the SQL service. SQL errors answer 200 with a FAILED status, as Databricks
//! does; only a request that is itself wrong (unknown warehouse or statement, a bad
//! `wait_timeout`, a disposition the simulator does not serve) answers an HTTP error.

use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::api::models::sql::*;
use crate::sim::errors::{ApiError, ApiResult};
use crate::sim::state::AppState;

use super::statements::{STARTUP_MS, StatementRecord};

/// Rows a statement keeps at most (`truncated` past it), standing in for the 25 MiB cap of
/// INLINE results.
const MAX_ROWS: usize = 100_000;

pub(crate) async fn list_warehouses(State(st): State<AppState>) -> Json<ListWarehousesResponse> {
    let now = st.clock().now_ms();
    let sql = st.sql.state();
    Json(ListWarehousesResponse {
        warehouses: sql.warehouses.iter().map(|w| w.at(now)).collect(),
        next_page_token: None,
    })
}

pub(crate) async fn get_warehouse(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Warehouse>> {
    let now = st.clock().now_ms();
    let sql = st.sql.state();
    sql.warehouses
        .iter()
        .find(|w| w.info.id == id)
        .map(|w| Json(w.at(now)))
        .ok_or_else(|| warehouse_missing(&id))
}

fn warehouse_missing(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "RESOURCE_DOES_NOT_EXIST",
        format!("SQL warehouse {id} does not exist."),
    )
}

fn statement_missing(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        format!("The statement {id} was not found."),
    )
}

/// `"0s"` or `"5s"`–`"50s"`, as the service accepts them.
fn wait_timeout(v: Option<&str>) -> ApiResult<u64> {
    let Some(v) = v else { return Ok(10) };
    let secs = v
        .trim()
        .strip_suffix('s')
        .and_then(|n| n.parse::<u64>().ok())
        .filter(|n| *n == 0 || (5..=50).contains(n));
    secs.ok_or_else(|| {
        ApiError::invalid(format!(
            "wait_timeout must be 0s or between 5s and 50s, got '{v}'."
        ))
    })
}

pub(crate) async fn execute(State(st): State<AppState>, body: Bytes) -> ApiResult<Json<Value>> {
    let req: ExecuteStatementRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "MALFORMED_REQUEST",
            format!("Could not parse the request body: {e}"),
        )
        .shape()
    })?;
    if req.statement.trim().is_empty() {
        return Err(ApiError::invalid("statement is required.").shape());
    }
    let wait = wait_timeout(req.wait_timeout.as_deref())?;
    let cancel_on_timeout = match req.on_wait_timeout.as_deref().unwrap_or("CONTINUE") {
        "CONTINUE" => false,
        "CANCEL" => true,
        other => {
            return Err(ApiError::invalid(format!("Unknown on_wait_timeout {other}.")).shape());
        }
    };
    if !matches!(req.disposition.as_deref(), None | Some("INLINE")) {
        return Err(ApiError::invalid(
            "The simulated warehouse serves the INLINE disposition only.",
        ));
    }
    if !matches!(req.format.as_deref(), None | Some("JSON_ARRAY")) {
        return Err(ApiError::invalid("INLINE results are JSON_ARRAY only."));
    }
    if !st
        .sql
        .state()
        .warehouses
        .iter()
        .any(|w| w.info.id == req.warehouse_id)
    {
        return Err(warehouse_missing(&req.warehouse_id));
    }
    let row_limit = req
        .row_limit
        .and_then(|n| usize::try_from(n).ok())
        .map_or(MAX_ROWS, |n| n.min(MAX_ROWS));
    let catalog = req.catalog.clone().unwrap_or_else(|| "main".into());
    let schema = req.schema.clone().unwrap_or_else(|| "default".into());
    // The engine runs it now (outside the state lock); the clock decides when it shows.
    // On a blocking thread: the first call builds the demo tables, and a query may take a while.
    // Versions registered since the tables were built get their quality rows first.
    let registered = super::SqlService::registered_in(&st.world());
    let history =
        super::describe_history::answer(&st, &req.statement, &catalog, &schema, row_limit);
    let outcome = if let Some(history) = history {
        history
    } else {
        let (st, req) = (st.clone(), req.clone());
        tokio::task::spawn_blocking(move || {
            st.sql
                .add_registered(&registered)
                .and_then(|()| {
                    st.sql.with_engine(|e| {
                        e.run(
                            &req.statement,
                            &req.parameters,
                            &catalog,
                            &schema,
                            row_limit,
                        )
                    })
                })
                .and_then(|r| r)
        })
        .await
        .unwrap_or_else(|_| Err(super::failure::Failure::from_engine("the query stopped")))
    };
    let submitted = st.clock().now_ms();
    let latency = i64::try_from(st.sql.latency.as_millis()).unwrap_or(i64::MAX);
    let id = {
        let mut sql = st.sql.state();
        let w = sql
            .warehouse_mut(&req.warehouse_id)
            .ok_or_else(|| warehouse_missing(&req.warehouse_id))?;
        // A statement on a stopped warehouse starts it and waits for it.
        let ready = match w.at(submitted).state {
            Some(WarehouseState::Running) => submitted,
            Some(WarehouseState::Starting) => w.starting_until.unwrap_or(submitted),
            _ => {
                w.starting_until = Some(submitted + STARTUP_MS);
                submitted + STARTUP_MS
            }
        };
        sql.add(StatementRecord {
            runs_at: ready + latency / 4,
            done_at: ready + latency,
            canceled_at: None,
            outcome,
        })
    };
    if wait > 0 {
        let deadline = submitted + i64::try_from(wait * 1000).unwrap_or(i64::MAX);
        let done_at = st
            .sql
            .state()
            .statements
            .get(&id)
            .map_or(submitted, |r| r.done_at);
        wait_until(&st, done_at.min(deadline)).await;
        let now = st.clock().now_ms();
        if cancel_on_timeout
            && let Some(r) = st.sql.state().statements.get_mut(&id)
            && r.state(now).is_active()
        {
            r.canceled_at = Some(now);
        }
    }
    Ok(Json(view(&st, &id)?))
}

/// Waits until the simulator's clock reads `target` (a manual clock moves only when a test
/// advances it).
async fn wait_until(st: &AppState, target: i64) {
    loop {
        let now = st.clock().now_ms();
        if now >= target {
            return;
        }
        if st.clock().is_manual() {
            st.clock().tick().await;
        } else {
            let ms = u64::try_from(target - now).unwrap_or(0).min(1000);
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }
}

fn view(st: &AppState, id: &str) -> ApiResult<Value> {
    let now = st.clock().now_ms();
    let sql = st.sql.state();
    let r = sql
        .statements
        .get(id)
        .ok_or_else(|| statement_missing(id))?;
    serde_json::to_value(r.response(id, now)).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            e.to_string(),
        )
    })
}

pub(crate) async fn get_statement(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(view(&st, &id)?))
}

pub(crate) async fn get_chunk(
    State(st): State<AppState>,
    Path((id, index)): Path<(String, String)>,
) -> ApiResult<Json<ResultData>> {
    let now = st.clock().now_ms();
    let sql = st.sql.state();
    let r = sql
        .statements
        .get(&id)
        .ok_or_else(|| statement_missing(&id))?;
    if r.state(now) != StatementState::Succeeded {
        return Err(ApiError::invalid(format!(
            "The statement {id} has no result: it is {}.",
            r.state(now)
        )));
    }
    index
        .parse::<usize>()
        .ok()
        .and_then(|i| r.chunk(&id, i))
        .map(Json)
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "Chunk index {index} is out of range: the result has {} chunks.",
                r.chunk_count()
            ))
        })
}

pub(crate) async fn cancel(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let now = st.clock().now_ms();
    let mut sql = st.sql.state();
    let r = sql
        .statements
        .get_mut(&id)
        .ok_or_else(|| statement_missing(&id))?;
    // Cancelling an ended statement changes nothing (it lost the race), as on Databricks.
    if r.state(now).is_active() {
        r.canceled_at = Some(now);
    }
    Ok(Json(json!({})))
}
