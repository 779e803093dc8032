//! The runtime side of the Monitoring room: pick the warehouse (the profile's or config's
//! `warehouse_id`, else the first running one — none is started), then read the drift matrix or
//! the quality report with the console's fixed statements. A statement left behind when the
//! room's task is dropped is cancelled by `ops::sql`.

use crate::api::models::monitors::{Monitor, MonitorKind};
use crate::api::models::sql::Warehouse;
use crate::api::monitors::MonitorLookup;
use crate::api::sql_fixed::TableName;
use crate::ops::ChangeContext;
use crate::ops::drift::{DriftRequest, load_drift};
use crate::ops::monitors::link::link_table;
use crate::ops::monitors::{MonitorMemory, cancel_refresh, discover, read_detail, run_refresh};
use crate::ops::quality::{QualityRequest, load_quality};
use crate::ops::retrain::{RetrainRequest, find_job, follow, sole_model};
use crate::ops::sql::{Waiter, choose_warehouse};
use crate::ops::workspace::Workspace;

use super::super::super::fetch::Env;
use super::super::super::remote::LoadError;
use super::{Change, ChangeDone, DriftQuery, DriftRead, Fetch, Loaded, MetricTables, RetrainEnded};

/// Runs one read of the room.
pub(crate) async fn run(env: &Env, fetch: Fetch) -> Loaded {
    match fetch {
        Fetch::Drift {
            table,
            metrics,
            query,
        } => Loaded::Drift(drift(env, &table, &metrics, query).await.map(Box::new)),
        Fetch::Quality { table, metrics } => {
            Loaded::Quality(quality(env, &table, &metrics).await.map(Box::new))
        }
        Fetch::Slices { table, metrics } => Loaded::Slices(slices(env, &table, &metrics).await),
        Fetch::Monitors => {
            let memory = memory(env);
            let d = discover(&env.client, &settings(env), Some(&memory)).await;
            Loaded::Monitors(Ok(Box::new(d)))
        }
        Fetch::Remembered => {
            Loaded::Remembered(memory(env).load().map(|r| r.tables).unwrap_or_default())
        }
        Fetch::Detail { table } => Loaded::Detail(
            read_detail(&env.client, &table, None)
                .await
                .map(|d| d.map(Box::new))
                .map_err(Into::into),
        ),
        Fetch::Links { table } => Loaded::Links(Ok(Box::new(
            link_table(&env.client, &settings(env), &table).await,
        ))),
        Fetch::RetrainJob { request } => Loaded::RetrainJob(retrain_job(env, *request).await),
        Fetch::RetrainEnd { run_id, model } => {
            let end = follow(
                &env.client,
                run_id,
                &model,
                crate::ops::jobs::Poll::real(),
                &Default::default(),
                &env.approvals,
            )
            .await;
            Loaded::RetrainEnd(
                end.map(|e| {
                    Box::new(RetrainEnded {
                        run_id,
                        succeeded: e.succeeded,
                        message: e.version_missing.unwrap_or(e.message),
                        version: e.version,
                    })
                })
                .map_err(|e| e.to_string()),
            )
        }
    }
}

/// `[monitoring]` with the warehouse in force (the profile's, else the config's).
fn settings(env: &Env) -> crate::config::monitoring::MonitoringSettings {
    let mut s = env.monitoring.settings.clone();
    s.warehouse_id = env.monitoring.warehouse_id.clone();
    s
}

/// What was found on this workspace before.
fn memory(env: &Env) -> MonitorMemory {
    let ws = Workspace::new(env.client.host(), env.client.known_workspace_id());
    MonitorMemory::for_workspace(&env.data_dir, &ws)
}

/// The model `T` retrains: the one typed, else the one model with a retraining job (named in
/// `[retraining]`, else tagged `mlops.retrains`); then its job.
async fn retrain_job(
    env: &Env,
    mut request: RetrainRequest,
) -> Result<Box<(RetrainRequest, crate::ops::retrain::RetrainJob)>, String> {
    if request.model.trim().is_empty() {
        request.model = sole_model(&env.client, &env.monitoring.retraining)
            .await
            .map_err(|why| format!("{why}; type the model in the form"))?;
    }
    let job = find_job(&env.client, &env.monitoring.retraining, &request.model)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Box::new((request, job)))
}

async fn context(env: &Env) -> ChangeContext {
    ChangeContext {
        profile: env.profile.clone(),
        actor: env.client.me().await.ok().map(|me| me.user_name),
        production: env.production,
    }
}

/// Runs one confirmed change through the pipeline. An error before sending is "not sent".
pub(crate) async fn apply(env: &Env, change: Change) -> Loaded {
    let ctx = context(env).await;
    let journal = env.journal();
    let client = &env.client;
    let not_sent = |message: String| (None, message, None);
    let (outcome, message, id) = match &change {
        Change::Refresh { table } | Change::CancelRefresh { table, .. } => {
            match client.read_monitor(table, None).await {
                Ok(MonitorLookup::Found(m)) => {
                    let r = m.reference();
                    match &change {
                        Change::CancelRefresh { refresh_id, .. } => {
                            let poll = crate::ops::monitors::RefreshPoll::real();
                            match cancel_refresh(client, &journal, &ctx, &r, *refresh_id, poll)
                                .await
                            {
                                Ok(o) => (Some(o.outcome), o.message, Some(*refresh_id)),
                                Err(e) => not_sent(e.to_string()),
                            }
                        }
                        _ => match run_refresh(client, &journal, &ctx, &r).await {
                            Ok(s) => (Some(s.change.outcome), s.change.message, s.refresh_id),
                            Err(e) => not_sent(e.to_string()),
                        },
                    }
                }
                Ok(MonitorLookup::Absent { .. }) => not_sent(format!("{table} has no monitor")),
                Err(e) => not_sent(e.to_string()),
            }
        }
        Change::Retrain { request, job } => {
            let token = crate::ops::launch::idempotency_token("retrain");
            match crate::ops::retrain::retrain(client, &journal, &ctx, job, request, token).await {
                Ok(s) => (Some(s.launch.outcome), s.launch.message, Some(s.run_id)),
                Err(crate::ops::retrain::RetrainError::Launch(l)) => {
                    (Some(l.outcome), l.message.clone(), l.run_id)
                }
                Err(e) => not_sent(e.to_string()),
            }
        }
    };
    Loaded::Changed(Box::new(ChangeDone {
        change,
        outcome,
        message,
        id,
    }))
}

fn failed(e: impl std::fmt::Display) -> LoadError {
    LoadError::Failed(e.to_string())
}

async fn warehouse(env: &Env) -> Result<Warehouse, LoadError> {
    choose_warehouse(&env.client, env.monitoring.warehouse_id.as_deref())
        .await
        .map_err(failed)
}

/// The metric tables the monitor names (its model id column too); `Err` with the monitor's
/// status when they do not exist yet; the default names beside the table without a monitor.
async fn monitor_tables(
    env: &Env,
    table: &str,
    given: &MetricTables,
) -> Result<MetricTables, String> {
    if given.drift.is_some() || given.profile.is_some() {
        return Ok(given.clone());
    }
    match env.client.read_monitor(table, None).await {
        Ok(MonitorLookup::Found(m)) => of_monitor(&m),
        // No monitor, or it cannot be read: the default names (the statement says if they are wrong).
        _ => Ok(given.clone()),
    }
}

fn of_monitor(m: &Monitor) -> Result<MetricTables, String> {
    if m.drift_metrics_table.is_none() && m.profile_metrics_table.is_none() {
        let status = m
            .status
            .as_ref()
            .map_or("unknown".to_string(), |s| s.as_str().to_string());
        return Err(status);
    }
    let model_id_col = match &m.kind {
        MonitorKind::InferenceLog {
            model_id_column, ..
        } => model_id_column.clone(),
        _ => None,
    };
    Ok(MetricTables {
        drift: m.drift_metrics_table.clone(),
        profile: m.profile_metrics_table.clone(),
        model_id_col,
    })
}

async fn drift(
    env: &Env,
    table: &str,
    metrics: &MetricTables,
    query: DriftQuery,
) -> Result<DriftRead, LoadError> {
    let metrics = match monitor_tables(env, table, metrics).await {
        Ok(m) => m,
        Err(status) => return Ok(DriftRead::NoMetricTables { status }),
    };
    let metrics = &metrics;
    let monitored = TableName::parse(table).map_err(failed)?;
    let mut req = match &metrics.drift {
        Some(t) => {
            let mut r = DriftRequest::new(TableName::parse(t).map_err(failed)?);
            r.monitored = Some(monitored);
            r
        }
        None => DriftRequest::for_monitored(monitored).map_err(failed)?,
    };
    req.drift_type = query.drift_type;
    req.model = query.model;
    req.slice = query.slice;
    req.model_id_col = metrics.model_id_col.clone();
    let wh = warehouse(env).await?;
    load_drift(
        &env.client,
        &wh,
        &req,
        &env.monitoring.drift,
        &mut Waiter::real(),
    )
    .await
    .map(DriftRead::Outcome)
    .map_err(failed)
}

async fn slices(
    env: &Env,
    table: &str,
    metrics: &MetricTables,
) -> Result<Vec<(String, String)>, LoadError> {
    let metrics = match monitor_tables(env, table, metrics).await {
        Ok(m) => m,
        Err(_) => return Ok(Vec::new()),
    };
    let drift = match &metrics.drift {
        Some(t) => TableName::parse(t).map_err(failed)?,
        None => {
            DriftRequest::for_monitored(TableName::parse(table).map_err(failed)?)
                .map_err(failed)?
                .table
        }
    };
    let wh = warehouse(env).await?;
    crate::ops::drift::slices::load_slices(&env.client, &wh.id, &drift, &mut Waiter::real())
        .await
        .map_err(failed)
}

async fn quality(
    env: &Env,
    table: &str,
    metrics: &MetricTables,
) -> Result<crate::ops::quality::QualityReport, LoadError> {
    let metrics = &monitor_tables(env, table, metrics)
        .await
        .map_err(|status| failed(format!("metric tables not created yet (monitor {status})")))?;
    let monitored = TableName::parse(table).map_err(failed)?;
    let mut req = match &metrics.profile {
        Some(t) => QualityRequest::new(TableName::parse(t).map_err(failed)?),
        None => QualityRequest::for_monitored(&monitored).map_err(failed)?,
    };
    req.model_id_col = metrics.model_id_col.clone();
    let wh = warehouse(env).await?;
    load_quality(&env.client, &wh, &req, &mut Waiter::real())
        .await
        .map_err(failed)
}
