//! The runtime side of the Monitoring room: pick the warehouse (the profile's or config's
//! `warehouse_id`, else the first running one — none is started), then read the drift matrix or
//! the quality report with the console's fixed statements. A statement left behind when the
//! room's task is dropped is cancelled by `ops::sql`.

use crate::api::models::sql::Warehouse;
use crate::api::sql_fixed::TableName;
use crate::ops::drift::{DriftRequest, load_drift};
use crate::ops::quality::{QualityRequest, load_quality};
use crate::ops::sql::{Waiter, choose_warehouse};

use super::super::super::fetch::Env;
use super::super::super::remote::LoadError;
use super::{DriftQuery, Fetch, Loaded, MetricTables};

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
    }
}

fn failed(e: impl std::fmt::Display) -> LoadError {
    LoadError::Failed(e.to_string())
}

async fn warehouse(env: &Env) -> Result<Warehouse, LoadError> {
    choose_warehouse(&env.client, env.monitoring.warehouse_id.as_deref())
        .await
        .map_err(failed)
}

async fn drift(
    env: &Env,
    table: &str,
    metrics: &MetricTables,
    query: DriftQuery,
) -> Result<crate::ops::drift::DriftOutcome, LoadError> {
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
    .map_err(failed)
}

async fn quality(
    env: &Env,
    table: &str,
    metrics: &MetricTables,
) -> Result<crate::ops::quality::QualityReport, LoadError> {
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
