//! HTTP handlers of the simulated monitors: the UC table read, the Data Quality API and the
//! legacy API, each answering from the one store in its own wire shape.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::api::models::monitors::data_quality::*;
use crate::api::models::monitors::legacy::*;
use crate::api::models::monitors::{MonitorKind, RefreshTrigger};
use crate::sim::errors::{ApiError, ApiResult};
use crate::sim::params::Params;
use crate::sim::state::AppState;

use super::Store;
use super::store::{Course, RefreshView, SimMonitor, SimRefresh};

/// Refreshes a list page holds unless `page_size` says otherwise.
const DEFAULT_PAGE: usize = 20;
const MAX_PAGE: usize = 100;

fn no_table(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "TABLE_DOES_NOT_EXIST",
        format!("Table '{name}' does not exist."),
    )
}

fn no_monitor(what: &str) -> ApiError {
    ApiError::not_found(format!("Monitor for {what} does not exist."))
}

fn not_enabled() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "FEATURE_NOT_ENABLED",
        "Data Quality Monitoring is not enabled for this workspace.",
    )
}

pub(crate) async fn get_table(
    State(st): State<AppState>,
    Path(full_name): Path<String>,
) -> ApiResult<Json<crate::api::models::uc_tables::TableInfo>> {
    let store = st.monitors.store();
    let Some(t) = store
        .tables
        .iter()
        .find(|t| t.full_name.eq_ignore_ascii_case(&full_name))
    else {
        // Not a monitored table: maybe one of the feature store's.
        drop(store);
        return crate::sim::features::table_info(&st, &full_name)
            .map(Json)
            .ok_or_else(|| no_table(&full_name));
    };
    let mut parts = t.full_name.splitn(3, '.');
    let (catalog, schema, name) = (parts.next(), parts.next(), parts.next());
    let base = UcTableInfo {
        name: name.unwrap_or_default().to_string(),
        catalog_name: catalog.map(str::to_string),
        schema_name: schema.map(str::to_string),
        full_name: Some(t.full_name.clone()),
        table_id: Some(t.table_id.clone()),
        table_type: Some("MANAGED".into()),
        data_source_format: Some("DELTA".into()),
        comment: t.comment.map(str::to_string),
        owner: Some("ml-eng@acme.com".into()),
        properties: t
            .properties
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    Ok(Json(crate::api::models::uc_tables::TableInfo {
        base,
        ..Default::default()
    }))
}

/// The monitored table's name behind a Data Quality path, once the API is on and the object
/// is a table.
fn dq_table(st: &AppState, object_type: &str, object_id: &str) -> ApiResult<String> {
    if !st.monitors.data_quality() {
        return Err(not_enabled());
    }
    if object_type != "table" {
        return Err(ApiError::invalid(format!(
            "Unsupported object_type '{object_type}': this workspace has table monitors only."
        )));
    }
    let (known, monitored): (Option<String>, Vec<String>) = {
        let store = st.monitors.store();
        let known = store
            .tables
            .iter()
            .find(|t| t.table_id == object_id)
            .map(|t| t.full_name.clone());
        (
            known,
            store.monitors.iter().map(|m| m.table.clone()).collect(),
        )
    };
    // A monitored feature table carries the feature store's id.
    known
        .or_else(|| {
            monitored.into_iter().find(|t| {
                crate::sim::features::table_info(st, t)
                    .is_some_and(|i| i.base.table_id.as_deref() == Some(object_id))
            })
        })
        .ok_or_else(|| no_monitor(&format!("table id {object_id}")))
}

fn monitor_mut<'s>(store: &'s mut Store, table: &str, what: &str) -> ApiResult<&'s mut SimMonitor> {
    store
        .monitors
        .iter_mut()
        .find(|m| m.table.eq_ignore_ascii_case(table))
        .ok_or_else(|| no_monitor(what))
}

fn dq_granularity(text: &str) -> AggregationGranularity {
    AggregationGranularity::from_wire(&format!(
        "AGGREGATION_GRANULARITY_{}",
        text.to_ascii_uppercase().replace(' ', "_")
    ))
}

fn dq_monitor(m: &SimMonitor, table_id: &str) -> DqMonitor {
    let mut c = DataProfilingConfig {
        output_schema_id: Some(super::store::uuid_of(&m.output_schema)),
        assets_dir: Some(format!("/Workspace/Shared/monitors/{}", m.table)),
        baseline_table_name: m.baseline.clone(),
        dashboard_id: m.dashboard_id.clone(),
        drift_metrics_table_name: m.drift_metrics.clone(),
        profile_metrics_table_name: m.profile_metrics.clone(),
        latest_monitor_failure_message: m.failure_message.clone(),
        monitor_version: Some(1),
        monitored_table_name: Some(m.table.clone()),
        schedule: m.schedule.as_ref().map(|s| CronSchedule {
            quartz_cron_expression: Some(s.cron.clone()),
            timezone_id: Some(s.timezone.clone()),
            pause_status: Some(CronPauseStatus::Unpaused),
        }),
        slicing_exprs: m.slicing_exprs.clone(),
        status: Some(DataProfilingStatus::from_wire(&format!(
            "DATA_PROFILING_STATUS_{}",
            m.status.as_str()
        ))),
        ..DataProfilingConfig::default()
    };
    match &m.kind {
        MonitorKind::InferenceLog {
            problem_type,
            prediction_column,
            label_column,
            model_id_column,
            timestamp_column,
            granularities,
            ..
        } => {
            c.inference_log = Some(InferenceLogConfig {
                problem_type: problem_type.as_ref().map(|p| {
                    InferenceProblemType::from_wire(&format!(
                        "INFERENCE_PROBLEM_TYPE_{}",
                        p.as_str()
                    ))
                }),
                prediction_column: prediction_column.clone(),
                label_column: label_column.clone(),
                model_id_column: model_id_column.clone(),
                timestamp_column: timestamp_column.clone(),
                granularities: granularities.iter().map(|g| dq_granularity(g)).collect(),
            })
        }
        MonitorKind::TimeSeries {
            timestamp_column,
            granularities,
        } => {
            c.time_series = Some(TimeSeriesConfig {
                timestamp_column: timestamp_column.clone(),
                granularities: granularities.iter().map(|g| dq_granularity(g)).collect(),
            })
        }
        MonitorKind::Snapshot | MonitorKind::Unknown => c.snapshot = Some(json!({})),
    }
    DqMonitor {
        object_type: "table".into(),
        object_id: table_id.to_string(),
        data_profiling_config: Some(c),
        anomaly_detection_config: None,
    }
}

fn legacy_monitor(m: &SimMonitor) -> MonitorInfo {
    let mut info = MonitorInfo {
        table_name: m.table.clone(),
        status: Some(LegacyMonitorStatus::from_wire(&format!(
            "MONITOR_STATUS_{}",
            m.status.as_str()
        ))),
        profile_metrics_table_name: m.profile_metrics.clone(),
        drift_metrics_table_name: m.drift_metrics.clone(),
        monitor_version: Some(1),
        dashboard_id: m.dashboard_id.clone(),
        latest_monitor_failure_msg: m.failure_message.clone(),
        output_schema_name: Some(m.output_schema.clone()),
        assets_dir: Some(format!("/Workspace/Shared/monitors/{}", m.table)),
        baseline_table_name: m.baseline.clone(),
        schedule: m.schedule.as_ref().map(|s| LegacySchedule {
            quartz_cron_expression: Some(s.cron.clone()),
            timezone_id: Some(s.timezone.clone()),
            pause_status: Some(LegacyPauseStatus::Unpaused),
        }),
        slicing_exprs: m.slicing_exprs.clone(),
        ..MonitorInfo::default()
    };
    match &m.kind {
        MonitorKind::InferenceLog {
            problem_type,
            prediction_column,
            label_column,
            model_id_column,
            timestamp_column,
            prediction_proba_column,
            granularities,
        } => {
            info.inference_log = Some(LegacyInferenceLog {
                problem_type: problem_type
                    .as_ref()
                    .map(|p| LegacyProblemType::from_wire(&format!("PROBLEM_TYPE_{}", p.as_str()))),
                prediction_col: prediction_column.clone(),
                label_col: label_column.clone(),
                model_id_col: model_id_column.clone(),
                timestamp_col: timestamp_column.clone(),
                prediction_proba_col: prediction_proba_column.clone(),
                granularities: granularities.clone(),
            })
        }
        MonitorKind::TimeSeries {
            timestamp_column,
            granularities,
        } => {
            info.time_series = Some(LegacyTimeSeries {
                timestamp_col: timestamp_column.clone(),
                granularities: granularities.clone(),
            })
        }
        MonitorKind::Snapshot | MonitorKind::Unknown => info.snapshot = Some(json!({})),
    }
    info
}

fn dq_refresh(r: &RefreshView, table_id: &str) -> DqRefresh {
    DqRefresh {
        object_type: "table".into(),
        object_id: table_id.to_string(),
        refresh_id: Some(r.id),
        state: Some(DqRefreshState::from_wire(&format!(
            "MONITOR_REFRESH_STATE_{}",
            r.state.as_str()
        ))),
        trigger: Some(DqRefreshTrigger::from_wire(&format!(
            "MONITOR_REFRESH_TRIGGER_{}",
            r.trigger.as_str()
        ))),
        start_time_ms: Some(r.start_ms),
        end_time_ms: r.end_ms,
        message: r.message.clone(),
    }
}

fn legacy_refresh(r: &RefreshView) -> MonitorRefreshInfo {
    MonitorRefreshInfo {
        refresh_id: Some(r.id),
        state: Some(LegacyRefreshState::from_wire(r.state.as_str())),
        trigger: Some(match r.trigger {
            RefreshTrigger::Manual => LegacyRefreshTrigger::Manual,
            RefreshTrigger::Schedule => LegacyRefreshTrigger::Schedule,
            _ => LegacyRefreshTrigger::UnknownTrigger,
        }),
        start_time_ms: Some(r.start_ms),
        end_time_ms: r.end_ms,
        message: r.message.clone(),
    }
}

/// Starts a refresh of `table`'s monitor, or says why not.
fn start(st: &AppState, table: &str) -> ApiResult<RefreshView> {
    let now = st.clock().now_ms();
    let mut store = st.monitors.store();
    let id = store.next_refresh_id;
    let m = monitor_mut(&mut store, table, &format!("table {table}"))?;
    if let Some(active) = m.active(now) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "RESOURCE_CONFLICT",
            format!(
                "A refresh is already {} for the monitor of {table} (refresh {}); wait for it \
                 to end or cancel it.",
                active.state.as_str().to_ascii_lowercase(),
                active.id
            ),
        ));
    }
    let r = SimRefresh {
        id,
        trigger: RefreshTrigger::Manual,
        start_ms: now,
        course: Course::Live { cancelled_at: None },
    };
    let view = r.at(now);
    m.refreshes.push(r);
    store.next_refresh_id += 1;
    Ok(view)
}

/// One refresh of `table`'s monitor as of now.
fn read(st: &AppState, table: &str, id: i64) -> ApiResult<RefreshView> {
    let now = st.clock().now_ms();
    let mut store = st.monitors.store();
    let m = monitor_mut(&mut store, table, &format!("table {table}"))?;
    m.refreshes
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.at(now))
        .ok_or_else(|| ApiError::not_found(format!("Refresh {id} of {table} does not exist.")))
}

/// Every refresh of `table`'s monitor, newest first.
fn all(st: &AppState, table: &str) -> ApiResult<Vec<RefreshView>> {
    let now = st.clock().now_ms();
    let mut store = st.monitors.store();
    let m = monitor_mut(&mut store, table, &format!("table {table}"))?;
    let mut out: Vec<RefreshView> = m.refreshes.iter().map(|r| r.at(now)).collect();
    out.sort_by_key(|r| std::cmp::Reverse((r.start_ms, r.id)));
    Ok(out)
}

/// Cancels a refresh still on its way; one that has ended is refused.
fn cancel(st: &AppState, table: &str, id: i64) -> ApiResult<RefreshView> {
    let now = st.clock().now_ms();
    let mut store = st.monitors.store();
    let m = monitor_mut(&mut store, table, &format!("table {table}"))?;
    let r =
        m.refreshes.iter_mut().find(|r| r.id == id).ok_or_else(|| {
            ApiError::not_found(format!("Refresh {id} of {table} does not exist."))
        })?;
    let seen = r.at(now);
    if !seen.state.is_active() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_STATE",
            format!(
                "Refresh {id} has already ended ({}); only a pending or running refresh can be \
                 cancelled.",
                seen.state
            ),
        ));
    }
    r.course = Course::Live {
        cancelled_at: Some(now),
    };
    Ok(r.at(now))
}

pub(crate) async fn dq_get(
    State(st): State<AppState>,
    Path((object_type, object_id)): Path<(String, String)>,
) -> ApiResult<Json<DqMonitor>> {
    let table = dq_table(&st, &object_type, &object_id)?;
    let mut store = st.monitors.store();
    let m = monitor_mut(&mut store, &table, &format!("table id {object_id}"))?;
    Ok(Json(dq_monitor(m, &object_id)))
}

pub(crate) async fn dq_run(
    State(st): State<AppState>,
    Path((object_type, object_id)): Path<(String, String)>,
) -> ApiResult<Json<DqRefresh>> {
    let table = dq_table(&st, &object_type, &object_id)?;
    Ok(Json(dq_refresh(&start(&st, &table)?, &object_id)))
}

pub(crate) async fn dq_list(
    State(st): State<AppState>,
    Path((object_type, object_id)): Path<(String, String)>,
    p: Params,
) -> ApiResult<Json<DqListRefreshResponse>> {
    let table = dq_table(&st, &object_type, &object_id)?;
    let size = match p.i64("page_size")? {
        None | Some(0) => DEFAULT_PAGE,
        Some(n) if n < 0 => {
            return Err(ApiError::invalid(format!(
                "Invalid page_size {n}: it must be zero or positive."
            )));
        }
        Some(n) => (n as usize).min(MAX_PAGE),
    };
    let from = match p.str("page_token")? {
        None => 0,
        Some(t) => t
            .parse::<usize>()
            .map_err(|_| ApiError::invalid(format!("Invalid page_token '{t}'.")))?,
    };
    let all = all(&st, &table)?;
    let page: Vec<DqRefresh> = all
        .iter()
        .skip(from)
        .take(size)
        .map(|r| dq_refresh(r, &object_id))
        .collect();
    let next = (from + size < all.len()).then(|| (from + size).to_string());
    Ok(Json(DqListRefreshResponse {
        refreshes: page,
        next_page_token: next,
    }))
}

pub(crate) async fn dq_get_refresh(
    State(st): State<AppState>,
    Path((object_type, object_id, refresh_id)): Path<(String, String, i64)>,
) -> ApiResult<Json<DqRefresh>> {
    let table = dq_table(&st, &object_type, &object_id)?;
    Ok(Json(dq_refresh(
        &read(&st, &table, refresh_id)?,
        &object_id,
    )))
}

pub(crate) async fn dq_cancel(
    State(st): State<AppState>,
    Path((object_type, object_id, refresh_id)): Path<(String, String, i64)>,
) -> ApiResult<Json<DqCancelRefreshResponse>> {
    let table = dq_table(&st, &object_type, &object_id)?;
    let r = cancel(&st, &table, refresh_id)?;
    Ok(Json(DqCancelRefreshResponse {
        refresh: Some(dq_refresh(&r, &object_id)),
    }))
}

/// The table behind a legacy path: it must exist in the metastore.
fn legacy_table(st: &AppState, full_name: &str) -> ApiResult<String> {
    let known = st
        .monitors
        .store()
        .tables
        .iter()
        .find(|t| t.full_name.eq_ignore_ascii_case(full_name))
        .map(|t| t.full_name.clone());
    // The feature store's tables exist too (one of them is monitored).
    known
        .or_else(|| crate::sim::features::table_info(st, full_name).map(|i| i.full_name()))
        .ok_or_else(|| no_table(full_name))
}

pub(crate) async fn legacy_get(
    State(st): State<AppState>,
    Path(full_name): Path<String>,
) -> ApiResult<Json<MonitorInfo>> {
    let table = legacy_table(&st, &full_name)?;
    let mut store = st.monitors.store();
    let m = monitor_mut(&mut store, &table, &format!("table {table}"))?;
    Ok(Json(legacy_monitor(m)))
}

pub(crate) async fn legacy_run(
    State(st): State<AppState>,
    Path(full_name): Path<String>,
) -> ApiResult<Json<MonitorRefreshInfo>> {
    let table = legacy_table(&st, &full_name)?;
    Ok(Json(legacy_refresh(&start(&st, &table)?)))
}

pub(crate) async fn legacy_list(
    State(st): State<AppState>,
    Path(full_name): Path<String>,
) -> ApiResult<Json<MonitorRefreshListResponse>> {
    let table = legacy_table(&st, &full_name)?;
    // The legacy API answers the latest 25, unpaged.
    let refreshes = all(&st, &table)?
        .iter()
        .take(25)
        .map(legacy_refresh)
        .collect();
    Ok(Json(MonitorRefreshListResponse { refreshes }))
}

pub(crate) async fn legacy_get_refresh(
    State(st): State<AppState>,
    Path((full_name, refresh_id)): Path<(String, i64)>,
) -> ApiResult<Json<MonitorRefreshInfo>> {
    let table = legacy_table(&st, &full_name)?;
    Ok(Json(legacy_refresh(&read(&st, &table, refresh_id)?)))
}

pub(crate) async fn legacy_cancel(
    State(st): State<AppState>,
    Path((full_name, refresh_id)): Path<(String, i64)>,
) -> ApiResult<Json<Value>> {
    let table = legacy_table(&st, &full_name)?;
    cancel(&st, &table, refresh_id)?;
    Ok(Json(json!({})))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::monitors::RefreshState;

    #[test]
    fn granularities_take_the_new_apis_spelling() {
        assert_eq!(dq_granularity("1 day"), AggregationGranularity::OneDay);
        assert_eq!(
            dq_granularity("30 minutes"),
            AggregationGranularity::ThirtyMinutes
        );
        assert_eq!(dq_granularity("1 day").text(), "1 day");
    }

    #[test]
    fn states_are_known_on_both_wires() {
        let v = RefreshView {
            id: 1,
            trigger: RefreshTrigger::Schedule,
            start_ms: 1,
            state: RefreshState::Running,
            end_ms: None,
            message: None,
        };
        assert_eq!(dq_refresh(&v, "x").state, Some(DqRefreshState::Running));
        assert_eq!(
            dq_refresh(&v, "x").trigger,
            Some(DqRefreshTrigger::Schedule)
        );
        assert_eq!(legacy_refresh(&v).state, Some(LegacyRefreshState::Running));
    }
}
