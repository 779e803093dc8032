//! Online stores, publishing, per-feature lineage and pipeline updates of the simulated
//! feature store.
//!
//! Publishing to a store of the Autoscaling kind answers without a `pipeline_id`, as the real
//! service sometimes does (sdk-py #1129): the console must read the synced table to know.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::api::models::feature_store::*;
use crate::sim::errors::{ApiError, ApiResult};
use crate::sim::paging;
use crate::sim::params::Params;
use crate::sim::state::AppState;

use super::store::{Backend, SimOnlineStore, SimSynced, pipeline_id_of};
use super::sync::{can_trigger, rfc3339};

fn wire(s: &SimOnlineStore) -> OnlineStore {
    OnlineStore {
        name: s.name.clone(),
        capacity: Some(s.capacity.clone()),
        read_replica_count: Some(s.read_replicas),
        state: Some(OnlineStoreState::from_wire(&s.state)),
        creator: Some("ml-eng@acme.com".into()),
        creation_time: Some(rfc3339(s.created_at)),
        usage_policy_id: None,
    }
}

fn no_store(name: &str) -> ApiError {
    ApiError::not_found(format!("Online store '{name}' does not exist."))
}

/// `GET /api/2.0/feature-store/online-stores?page_size&page_token`.
pub(crate) async fn list_stores(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<ListOnlineStoresResponse>> {
    let size = match p.i64("page_size")? {
        None | Some(0) => 100,
        Some(n) if n < 0 => {
            return Err(ApiError::invalid(format!(
                "Invalid page_size {n}: it must be positive."
            )));
        }
        Some(n) => n as usize,
    };
    let offset = paging::offset(p.str("page_token")?.as_deref())?;
    let all: Vec<OnlineStore> = st.features.store().stores.iter().map(wire).collect();
    let (online_stores, next_page_token) = paging::page(&all, offset, size);
    Ok(Json(ListOnlineStoresResponse {
        online_stores,
        next_page_token,
    }))
}

/// `GET /api/2.0/feature-store/online-stores/{name}`.
pub(crate) async fn get_store(
    State(st): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<OnlineStore>> {
    let store = st.features.store();
    store
        .online_store(&name)
        .map(|s| Json(wire(s)))
        .ok_or_else(|| no_store(&name))
}

fn bad_state(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "INVALID_STATE", message)
}

/// `POST /api/2.0/feature-store/tables/{source}/publish` with `{"publish_spec": {…}}`.
pub(crate) async fn publish(
    State(st): State<AppState>,
    Path(source): Path<String>,
    p: Params,
) -> ApiResult<Json<PublishTableResponse>> {
    let raw = p
        .raw_body("publish_spec")
        .ok_or_else(|| ApiError::missing("publish_spec"))?;
    let spec: PublishSpec = serde_json::from_value(raw)
        .map_err(|e| ApiError::invalid(format!("Invalid publish_spec: {e}")))?;
    if spec
        .online_table_name
        .split('.')
        .filter(|s| !s.is_empty())
        .count()
        != 3
    {
        return Err(ApiError::invalid(format!(
            "Invalid online_table_name '{}': expected catalog.schema.table.",
            spec.online_table_name
        )));
    }
    let mode = match spec.publish_mode.clone() {
        None | Some(PublishMode::Unspecified) => {
            return Err(ApiError::invalid("publish_mode must be set."));
        }
        Some(PublishMode::Other(m)) => {
            return Err(ApiError::invalid(format!("Unknown publish_mode '{m}'.")));
        }
        Some(m) => m,
    };
    let now = st.clock().now_ms();
    let mut store = st.features.store();
    let table = store.table(&source).cloned().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "TABLE_DOES_NOT_EXIST",
            format!("Table '{source}' does not exist."),
        )
    })?;
    if table.primary_key.is_empty() {
        return Err(ApiError::invalid(format!(
            "Table '{source}' has no primary key constraint: it cannot be published."
        )));
    }
    let online = store
        .online_store(&spec.online_store)
        .cloned()
        .ok_or_else(|| no_store(&spec.online_store))?;
    if online.state != "AVAILABLE" {
        return Err(bad_state(format!(
            "Online store '{}' is {}: it must be AVAILABLE to publish to it.",
            online.name, online.state
        )));
    }
    if mode != PublishMode::Snapshot && !table.change_data_feed {
        return Err(ApiError::invalid(format!(
            "{} publishing needs Change Data Feed on '{source}': set \
             delta.enableChangeDataFeed = true, or publish with SNAPSHOT.",
            mode.as_str()
        )));
    }
    let pipeline_id = match store.synced(&spec.online_table_name) {
        Some(existing) if !existing.source.eq_ignore_ascii_case(&table.full_name) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "RESOURCE_ALREADY_EXISTS",
                format!(
                    "Online table '{}' already exists with another source ('{}').",
                    existing.name, existing.source
                ),
            ));
        }
        // Republishing: the same table and pipeline.
        Some(existing) => existing.pipeline_id.clone(),
        None => {
            let mut s = SimSynced::new(
                &spec.online_table_name,
                &table.full_name,
                &online.name,
                mode,
                now,
                &table.primary_key,
                table.timeseries,
            );
            store.next_pipeline += 1;
            s.pipeline_id = pipeline_id_of(&format!("{}#{}", s.name, store.next_pipeline));
            let id = s.pipeline_id.clone();
            store.synced.push(s);
            id
        }
    };
    Ok(Json(PublishTableResponse {
        online_table_name: Some(spec.online_table_name.clone()),
        pipeline_id: (online.backend == Backend::Database).then_some(pipeline_id),
    }))
}

/// `GET …/feature-tables/{table}/features/{feature}/lineage`: the UC model versions whose
/// dependencies name the table, the feature specs built on it, and the online tables serving
/// the feature.
pub(crate) async fn lineage(
    State(st): State<AppState>,
    Path((table, feature)): Path<(String, String)>,
) -> ApiResult<Json<FeatureLineage>> {
    let mut models: Vec<FeatureLineageModel> = Vec::new();
    for m in &st.world().uc_models {
        for v in &m.versions {
            let uses = v
                .model_version_dependencies
                .as_ref()
                .is_some_and(|d| d.tables().iter().any(|t| t.eq_ignore_ascii_case(&table)));
            if uses {
                models.push(FeatureLineageModel {
                    name: m.info.full_name.clone(),
                    version: Some(v.version),
                });
            }
        }
    }
    let store = st.features.store();
    let t = store.table(&table).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "TABLE_DOES_NOT_EXIST",
            format!("Feature table '{table}' does not exist."),
        )
    })?;
    let is_feature = t
        .columns
        .iter()
        .any(|c| c.name == feature && !t.primary_key.contains(&c.name));
    if !is_feature {
        return Err(ApiError::not_found(format!(
            "Feature '{feature}' does not exist in table '{}'.",
            t.full_name
        )));
    }
    let online_features = store
        .synced
        .iter()
        .filter(|s| s.source.eq_ignore_ascii_case(&t.full_name))
        .map(|s| s.name.clone())
        .chain(
            store
                .legacy
                .iter()
                .filter(|l| l.source.eq_ignore_ascii_case(&t.full_name))
                .map(|l| l.name.clone()),
        )
        .map(|table_name| FeatureLineageOnlineFeature {
            table_name,
            feature_name: feature.clone(),
        })
        .collect();
    let feature_specs = models
        .iter()
        .any(|m| m.version.unwrap_or(0) >= 3)
        .then(|| FeatureLineageFeatureSpec {
            name: super::seed::CHURN_SPEC.to_string(),
        })
        .into_iter()
        .collect();
    Ok(Json(FeatureLineage {
        feature_specs,
        models,
        online_features,
    }))
}

/// `POST /api/2.0/pipelines/{pipeline_id}/updates`: syncs the online table the pipeline
/// feeds. 409 while an update runs, or for a continuous pipeline.
pub(crate) async fn start_update(
    State(st): State<AppState>,
    Path(pipeline_id): Path<String>,
    _p: Params,
) -> ApiResult<Json<StartUpdateResponse>> {
    let now = st.clock().now_ms();
    let mut store = st.features.store();
    let s = store
        .synced
        .iter_mut()
        .find(|s| s.pipeline_id == pipeline_id)
        .ok_or_else(|| ApiError::not_found(format!("Pipeline '{pipeline_id}' does not exist.")))?;
    can_trigger(s, now)
        .map_err(|why| ApiError::new(StatusCode::CONFLICT, "RESOURCE_CONFLICT", why))?;
    s.triggers.push(now);
    Ok(Json(StartUpdateResponse {
        update_id: Some(super::store::id_of(
            "update:",
            &format!("{pipeline_id}#{}", s.triggers.len()),
        )),
    }))
}
