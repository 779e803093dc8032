//! Table monitors in the simulator (wave-2 reference (a), reference §7): the Data Quality API
//! and the legacy quality monitors API over one store (`store`), the UC table read that gives a
//! table's id, and a switch that makes the new API answer as a workspace without it
//! (`FEATURE_NOT_ENABLED`), so clients fall back to the legacy one.
//!
//! A second run while a refresh is on its way answers 409 `RESOURCE_CONFLICT` ("already
//! pending or running"). What the real service answers is not documented; this is the
//! Databricks family for "conflicts with another request" (reference §2.2), and the console
//! reads any 4xx there as "not started".

mod handlers;
mod store;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use axum::Router;
use axum::routing::{get, post};

use super::state::AppState;

use crate::api::models::inference_tables::{
    AiGatewayConfig, AutoCaptureConfig, InferenceTableConfig,
};

/// The AI Gateway of a demo endpoint: churn-prod logs to `main.ml.churn_prod_payload`
/// ([`store::PAYLOAD_TABLE`], which has a monitor).
pub(crate) fn ai_gateway_of(endpoint: &str) -> Option<AiGatewayConfig> {
    let prefix = store::PAYLOAD_TABLE
        .rsplit('.')
        .next()?
        .strip_suffix("_payload")?;
    (endpoint == "churn-prod").then(|| AiGatewayConfig {
        inference_table_config: Some(InferenceTableConfig {
            catalog_name: Some("main".into()),
            schema_name: Some("ml".into()),
            table_name_prefix: Some(prefix.into()),
            enabled: Some(true),
        }),
        extra: serde_json::Map::new(),
    })
}

/// The legacy inference table of a demo endpoint: fraud-scoring still logs through
/// `auto_capture_config`, to a table that has no monitor.
pub(crate) fn auto_capture_of(endpoint: &str) -> Option<AutoCaptureConfig> {
    (endpoint == "fraud-scoring").then(|| AutoCaptureConfig {
        catalog_name: Some("main".into()),
        schema_name: Some("fraud".into()),
        table_name_prefix: Some("fraud_scoring".into()),
        enabled: Some(true),
        state: None,
    })
}

/// The monitors of one simulator.
#[derive(Debug)]
pub(crate) struct MonitorService {
    store: Mutex<Store>,
    /// `false`: the Data Quality API answers `FEATURE_NOT_ENABLED`.
    data_quality: AtomicBool,
}

#[derive(Debug)]
pub(crate) struct Store {
    pub monitors: Vec<store::SimMonitor>,
    pub tables: Vec<store::SimTable>,
    pub next_refresh_id: i64,
}

impl MonitorService {
    pub fn new(anchor_ms: i64) -> MonitorService {
        let (monitors, next_refresh_id) = store::demo_monitors(anchor_ms);
        MonitorService {
            store: Mutex::new(Store {
                monitors,
                tables: store::demo_tables(),
                next_refresh_id,
            }),
            data_quality: AtomicBool::new(true),
        }
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_data_quality(&self, enabled: bool) {
        self.data_quality.store(enabled, Ordering::Relaxed);
    }

    pub fn data_quality(&self) -> bool {
        self.data_quality.load(Ordering::Relaxed)
    }
}

pub(crate) fn routes() -> Router<AppState> {
    const DQ: &str = "/api/data-quality/v1/monitors/{object_type}/{object_id}";
    const UC: &str = "/api/2.1/unity-catalog/tables/{full_name}";
    Router::new()
        .route(UC, get(handlers::get_table))
        .route(DQ, get(handlers::dq_get))
        .route(
            &format!("{DQ}/refreshes"),
            get(handlers::dq_list).post(handlers::dq_run),
        )
        .route(
            &format!("{DQ}/refreshes/{{refresh_id}}"),
            get(handlers::dq_get_refresh),
        )
        .route(
            &format!("{DQ}/refreshes/{{refresh_id}}/cancel"),
            post(handlers::dq_cancel),
        )
        .route(&format!("{UC}/monitor"), get(handlers::legacy_get))
        .route(
            &format!("{UC}/monitor/refreshes"),
            get(handlers::legacy_list).post(handlers::legacy_run),
        )
        .route(
            &format!("{UC}/monitor/refreshes/{{refresh_id}}"),
            get(handlers::legacy_get_refresh),
        )
        .route(
            &format!("{UC}/monitor/refreshes/{{refresh_id}}/cancel"),
            post(handlers::legacy_cancel),
        )
}
