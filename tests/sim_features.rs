//! The feature store over HTTP, client against simulator: UC feature tables (keys, columns,
//! freshness from the Delta history), schema and table listings with paging, online stores,
//! synced tables through the `database` and `postgres` services and the legacy API, the sync
//! state machine on the manual clock, publishing and triggering a sync, the `feature-refresh`
//! job moving a table's freshness (lineage and history: `sim_features_lineage`). Only
//! 127.0.0.1 is contacted; no wall-clock time is read.

mod support;

use std::time::Duration;

use mlops_console::api::models::feature_store::{OnlineStoreState, PublishMode, PublishSpec};
use mlops_console::api::models::jobs::{ListJobsRequest, RunNowRequest};
use mlops_console::api::models::online_sync::SyncApi;
use mlops_console::api::models::synced_tables::{ProvisioningState, SyncState};

use support::sim_client::{api_status, manual_sim, sim_client};

const CUSTOMER: &str = "main.features.customer_features";
const TXN: &str = "main.features.txn_agg_30d";
const SUPPORT: &str = "main.features.support_interactions";
const HOUR_MS: i64 = 3_600_000;

#[tokio::test]
async fn feature_tables_carry_keys_columns_and_freshness() {
    let sim = manual_sim().await;
    let c = sim_client(&sim);
    let now = sim.clock.now_ms();

    let t = c.get_table_info(CUSTOMER).await.unwrap();
    assert!(t.is_feature_table());
    assert_eq!(t.entity_keys(), vec!["customer_id"]);
    assert!(t.timeseries_keys().is_empty());
    assert_eq!(t.columns.len(), 7);
    assert_eq!(t.columns[0].type_text.as_deref(), Some("bigint"));
    // Written by the hourly job within the last two hours.
    let age = now - t.updated_at.unwrap();
    assert!((0..2 * HOUR_MS).contains(&age), "age {age}");

    let ts = c.get_table_info(TXN).await.unwrap();
    assert_eq!(ts.entity_keys(), vec!["customer_id"]);
    assert_eq!(ts.timeseries_keys(), vec!["ts"]);
    assert_eq!(
        ts.primary_key().unwrap().child_columns,
        vec!["customer_id", "ts"]
    );

    // Past the default 24 h SLA.
    let stale = c.get_table_info(SUPPORT).await.unwrap();
    assert!(now - stale.updated_at.unwrap() > 48 * HOUR_MS);
    assert_eq!(
        stale
            .base
            .properties
            .get("delta.enableChangeDataFeed")
            .map(String::as_str),
        Some("false")
    );

    // The monitors' tables still answer through the same route, without constraints.
    let monitored = c.get_table_info("main.ml.churn_inference").await.unwrap();
    assert!(!monitored.is_feature_table());
    assert!(monitored.base.table_id.is_some());
    let e = c.get_table_info("main.features.nope").await.unwrap_err();
    assert_eq!(api_status(&e), (404, "TABLE_DOES_NOT_EXIST".into()));
}

#[tokio::test]
async fn schemas_and_tables_list_in_pages_without_constraints() {
    let sim = manual_sim().await;
    let c = sim_client(&sim);
    let schemas = c.list_schemas("main", 1000).await.unwrap();
    let names: Vec<String> = schemas.iter().map(|s| s.full_name()).collect();
    assert!(names.contains(&"main.features".to_string()), "{names:?}");
    assert!(names.contains(&"main.ml".to_string()), "{names:?}");

    // One table per page, every table once, no constraints in a listing. The schema also holds
    // customer_features' monitor output (its metric tables have no primary key).
    let raw: serde_json::Value = c
        .get_json(
            "/api/2.1/unity-catalog/tables",
            &[
                ("catalog_name", "main".into()),
                ("schema_name", "features".into()),
                ("max_results", "1".into()),
            ],
        )
        .await
        .unwrap();
    assert_eq!(raw["tables"].as_array().unwrap().len(), 1);
    assert!(raw["next_page_token"].is_string());
    let tables = c.list_tables("main", "features", 1000).await.unwrap();
    let names: Vec<String> = tables.iter().map(|t| t.full_name()).collect();
    let metrics = |kind: &str| format!("{CUSTOMER}_{kind}_metrics");
    assert_eq!(
        names,
        vec![
            CUSTOMER.to_string(),
            metrics("drift"),
            metrics("profile"),
            SUPPORT.to_string(),
            TXN.to_string()
        ]
    );
    assert!(tables.iter().all(|t| t.table_constraints.is_empty()));
    assert_eq!(c.list_tables("main", "features", 2).await.unwrap().len(), 2);

    let e = c.list_tables("main", "nowhere", 10).await.unwrap_err();
    assert_eq!(api_status(&e), (404, "SCHEMA_DOES_NOT_EXIST".into()));
}

#[tokio::test]
async fn online_stores_and_their_tables_through_each_api() {
    let sim = manual_sim().await;
    let c = sim_client(&sim);
    let stores = c.list_online_stores(10).await.unwrap();
    let names: Vec<&str> = stores.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["fs-prod", "fs-realtime", "fs-dev"]);
    let prod = c.get_online_store("fs-prod").await.unwrap();
    assert_eq!(prod.state, Some(OnlineStoreState::Available));
    assert_eq!(prod.capacity.as_deref(), Some("CU_2"));
    assert_eq!(
        c.get_online_store("fs-dev").await.unwrap().state,
        Some(OnlineStoreState::Stopped)
    );
    assert_eq!(
        api_status(&c.get_online_store("x").await.unwrap_err()).0,
        404
    );

    // Continuous, through the database service: online, a minute or so behind its source.
    let online = c
        .read_online_table("main.features_online.customer_features")
        .await
        .unwrap();
    assert_eq!(online.api, SyncApi::Database);
    assert_eq!(online.sync_state, Some(SyncState::OnlineContinuousUpdate));
    assert_eq!(online.uc_state, Some(ProvisioningState::Active));
    assert_eq!(online.mode, Some(PublishMode::Continuous));
    assert!(online.pipeline_id.is_some() && online.first_sync_done());
    let source = c.get_table_info(CUSTOMER).await.unwrap();
    let history_len = {
        let t = c
            .get_synced_database_table("main.features_online.customer_features")
            .await
            .unwrap();
        t.data_synchronization_status
            .unwrap()
            .last_sync
            .unwrap()
            .delta_table_sync_info
            .unwrap()
            .delta_commit_version
            .unwrap()
    };
    assert_eq!(online.last_synced_version, Some(history_len));
    assert!(source.updated_at.is_some());

    // Still taking its first snapshot, through the postgres service: UC already ACTIVE.
    let syncing = c
        .read_online_table("main.features_online.txn_agg_30d")
        .await
        .unwrap();
    assert_eq!(syncing.api, SyncApi::Postgres);
    assert_eq!(syncing.uc_state, Some(ProvisioningState::Active));
    assert_eq!(
        syncing.sync_state,
        Some(SyncState::ProvisioningInitialSnapshot)
    );
    assert!(!syncing.first_sync_done());
    let p = syncing.progress.unwrap();
    assert!(p.sync_progress_completion.unwrap() > 0.0 && p.sync_progress_completion.unwrap() < 1.0);
    assert_eq!(p.total_row_count, Some(38_529_930));

    // The legacy online table: last synced nine days ago.
    let legacy = c
        .read_online_table("main.features.customer_features_online")
        .await
        .unwrap();
    assert!(legacy.is_legacy());
    assert_eq!(legacy.sync_state, Some(SyncState::OnlineNoPendingUpdate));
    assert_eq!(legacy.mode, Some(PublishMode::Triggered));
    assert!(legacy.last_synced_version.unwrap() < history_len);

    let e = c
        .read_online_table("main.features_online.nope")
        .await
        .unwrap_err();
    assert_eq!(api_status(&e).0, 404);
    let listed = c.list_instance_synced_tables("fs-prod", 10).await.unwrap();
    assert_eq!(listed.len(), 2);
}

#[tokio::test]
async fn the_first_snapshot_finishes_on_the_clock_and_a_sync_can_be_triggered() {
    let sim = manual_sim().await;
    let c = sim_client(&sim);
    let name = "main.features_online.txn_agg_30d";
    let before = c.read_online_table(name).await.unwrap();
    let pipeline = before.pipeline_id.clone().unwrap();
    // No second update while the first snapshot runs.
    let e = c.start_pipeline_update(&pipeline, false).await.unwrap_err();
    assert_eq!(api_status(&e), (409, "RESOURCE_CONFLICT".into()));

    sim.clock.advance(Duration::from_secs(10 * 60));
    let online = c.read_online_table(name).await.unwrap();
    assert_eq!(online.sync_state, Some(SyncState::OnlineNoPendingUpdate));
    assert!(online.first_sync_done() && online.progress.is_none());

    let update = c.start_pipeline_update(&pipeline, false).await.unwrap();
    assert!(update.update_id.is_some());
    let running = c.read_online_table(name).await.unwrap();
    assert_eq!(running.sync_state, Some(SyncState::OnlineTriggeredUpdate));
    assert!(running.progress.is_some());
    sim.clock.advance(Duration::from_secs(120));
    let done = c.read_online_table(name).await.unwrap();
    assert_eq!(done.sync_state, Some(SyncState::OnlineNoPendingUpdate));
    assert_ne!(done.last_sync_end, online.last_sync_end);

    // A continuous pipeline syncs on its own.
    let cont = c
        .read_online_table("main.features_online.customer_features")
        .await
        .unwrap();
    let e = c
        .start_pipeline_update(&cont.pipeline_id.unwrap(), false)
        .await
        .unwrap_err();
    assert_eq!(api_status(&e).0, 409);
}

fn spec(store: &str, online: &str, mode: PublishMode) -> PublishSpec {
    PublishSpec {
        online_store: store.into(),
        online_table_name: online.into(),
        publish_mode: Some(mode),
        ..PublishSpec::default()
    }
}

#[tokio::test]
async fn publishing_creates_a_synced_table_that_comes_online() {
    let sim = manual_sim().await;
    let c = sim_client(&sim);
    let target = "main.features_online.customer_features_v2";
    let r = c
        .publish_table(CUSTOMER, &spec("fs-prod", target, PublishMode::Triggered))
        .await
        .unwrap();
    assert_eq!(r.online_table_name.as_deref(), Some(target));
    assert!(r.pipeline_id.is_some());
    let fresh = c.read_online_table(target).await.unwrap();
    assert_eq!(
        fresh.sync_state,
        Some(SyncState::ProvisioningPipelineResources)
    );
    assert_eq!(fresh.uc_state, Some(ProvisioningState::Provisioning));
    sim.clock.advance(Duration::from_secs(12 * 60));
    let online = c.read_online_table(target).await.unwrap();
    assert_eq!(online.sync_state, Some(SyncState::OnlineNoPendingUpdate));
    assert_eq!(online.pipeline_id, r.pipeline_id);

    // An Autoscaling store answers without the pipeline id: the table tells it.
    let r = c
        .publish_table(
            TXN,
            &spec(
                "fs-realtime",
                "main.features_online.txn_v2",
                PublishMode::Snapshot,
            ),
        )
        .await
        .unwrap();
    assert!(r.pipeline_id.is_none());
    let t = c
        .read_online_table("main.features_online.txn_v2")
        .await
        .unwrap();
    assert_eq!(t.api, SyncApi::Postgres);
    assert!(t.pipeline_id.is_some());

    // Refusals: no Change Data Feed, a stopped store, another source, an unknown table.
    let e = c
        .publish_table(
            SUPPORT,
            &spec("fs-prod", "main.x.y", PublishMode::Continuous),
        )
        .await
        .unwrap_err();
    assert_eq!(api_status(&e), (400, "INVALID_PARAMETER_VALUE".into()));
    let e = c
        .publish_table(CUSTOMER, &spec("fs-dev", "main.x.y", PublishMode::Snapshot))
        .await
        .unwrap_err();
    assert_eq!(api_status(&e), (400, "INVALID_STATE".into()));
    let e = c
        .publish_table(TXN, &spec("fs-prod", target, PublishMode::Snapshot))
        .await
        .unwrap_err();
    assert_eq!(api_status(&e), (409, "RESOURCE_ALREADY_EXISTS".into()));
    let e = c
        .publish_table(
            "main.features.nope",
            &spec("fs-prod", "main.x.y", PublishMode::Snapshot),
        )
        .await
        .unwrap_err();
    assert_eq!(api_status(&e).0, 404);
}

#[tokio::test]
async fn a_feature_refresh_run_adds_a_delta_version_and_moves_freshness() {
    let sim = manual_sim().await;
    let c = sim_client(&sim);
    let before = c.get_table_info(CUSTOMER).await.unwrap();
    let synced_before = c
        .read_online_table("main.features_online.customer_features")
        .await
        .unwrap()
        .last_synced_version;
    let jobs = c
        .list_all_jobs(&ListJobsRequest {
            name: Some("feature-refresh".into()),
            ..ListJobsRequest::default()
        })
        .await
        .unwrap();
    let job_id = jobs[0].job_id;
    let run = c
        .run_now(&RunNowRequest {
            job_id,
            ..RunNowRequest::default()
        })
        .await
        .unwrap();
    assert!(run.run_id > 0);
    // Not written before the task ends.
    sim.clock.advance(Duration::from_secs(1));
    assert_eq!(
        c.get_table_info(CUSTOMER).await.unwrap().updated_at,
        before.updated_at
    );
    sim.clock.advance(Duration::from_secs(120));
    let after = c.get_table_info(CUSTOMER).await.unwrap();
    assert!(after.updated_at.unwrap() > before.updated_at.unwrap());
    assert!(after.updated_at.unwrap() <= sim.clock.now_ms());

    // The continuous online table has followed the source to its new version.
    let online = "main.features_online.customer_features";
    let synced = c
        .read_online_table(online)
        .await
        .unwrap()
        .last_synced_version;
    assert_eq!(synced, synced_before.map(|v| v + 1));
}
