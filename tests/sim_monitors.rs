//! The simulated monitors over HTTP: both APIs read one store (the same monitor, in each
//! shape), the demo's two monitors, the refresh state machine on the manual clock (PENDING →
//! RUNNING → SUCCESS, one at a time, cancel → CANCELED), paging, UC table ids, and the switch
//! that turns the Data Quality API off. Only 127.0.0.1 is contacted.

mod support;

use std::time::Duration;

use mlops_console::api::models::monitors::data_quality::{DqListRefreshResponse, DqRefreshState};
use mlops_console::api::models::monitors::{
    Monitor, MonitorApi, MonitorKind, MonitorStatus, Refresh, RefreshState, RefreshTrigger,
};
use mlops_console::api::monitors::MonitorLookup;
use mlops_console::api::{ApiError, Client, ErrorCode};

use support::sim_client::{api_status, manual_sim, sim_client};

const CHURN: &str = "main.ml.churn_inference";
const PAYLOAD: &str = "main.ml.churn_prod_payload";

async fn found(c: &Client, table: &str, prefer: Option<MonitorApi>) -> Monitor {
    match c.read_monitor(table, prefer).await.unwrap() {
        MonitorLookup::Found(m) => *m,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn both_apis_show_the_demo_monitor_alike() {
    let sim = manual_sim().await;
    let c = sim_client(&sim);
    let table = c.get_uc_table(CHURN).await.unwrap();
    let id = table.table_id.clone().unwrap();
    assert_eq!(id.len(), 36, "a UUID-shaped table id");
    let new = found(&c, CHURN, None).await;
    let old = found(&c, CHURN, Some(MonitorApi::Legacy)).await;
    assert_eq!(new.api, MonitorApi::DataQuality);
    assert_eq!(old.api, MonitorApi::Legacy);
    assert_eq!(new.table_id.as_deref(), Some(id.as_str()));
    assert_eq!(new.status, Some(MonitorStatus::Active));
    assert_eq!(
        new.kind,
        MonitorKind::InferenceLog {
            problem_type: Some(mlops_console::api::models::monitors::ProblemType::Classification),
            prediction_column: Some("prediction".into()),
            label_column: Some("label".into()),
            model_id_column: Some("model_id".into()),
            timestamp_column: Some("timestamp".into()),
            prediction_proba_column: None,
            granularities: vec!["1 day".into()],
        }
    );
    assert_eq!(
        new.profile_metrics_table.as_deref(),
        Some("main.ml.churn_inference_profile_metrics")
    );
    assert_eq!(
        new.drift_metrics_table.as_deref(),
        Some("main.ml.churn_inference_drift_metrics")
    );
    assert_eq!(
        new.baseline_table.as_deref(),
        Some("main.ml.churn_baseline")
    );
    assert!(new.schedule.is_some());
    // The same monitor, whichever API answered (the output schema is an id in the new API).
    assert_eq!(new.kind, old.kind);
    assert_eq!(
        (
            &new.status,
            &new.schedule,
            &new.profile_metrics_table,
            &new.slicing_exprs
        ),
        (
            &old.status,
            &old.schedule,
            &old.profile_metrics_table,
            &old.slicing_exprs
        )
    );
    assert_eq!(old.output_schema.as_deref(), Some("main.ml"));

    let history = c
        .list_monitor_refreshes(&new.reference(), 25)
        .await
        .unwrap();
    let legacy = c
        .list_monitor_refreshes(&old.reference(), 25)
        .await
        .unwrap();
    assert_eq!(history, legacy);
    assert_eq!(history.len(), 5);
    assert!(
        history
            .iter()
            .all(|r| r.trigger == Some(RefreshTrigger::Schedule))
    );
    let failed: Vec<&Refresh> = history
        .iter()
        .filter(|r| r.state == RefreshState::Failed)
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0].message.as_deref().unwrap().contains("failed"));
    assert!(
        history
            .windows(2)
            .all(|w| w[0].start_time_ms >= w[1].start_time_ms),
        "newest first"
    );

    let pending = found(&c, PAYLOAD, None).await;
    assert_eq!(pending.status, Some(MonitorStatus::Pending));
    assert!(!pending.metric_tables_ready());
    assert_eq!(pending.schedule, None);
    assert!(matches!(pending.kind, MonitorKind::TimeSeries { .. }));
}

#[tokio::test]
async fn a_refresh_runs_on_the_clock_one_at_a_time_and_can_be_cancelled() {
    let sim = manual_sim().await;
    let c = sim_client(&sim);
    let m = found(&c, CHURN, None).await.reference();
    let id = m.table_id.clone().unwrap();
    let r = c.dq_create_refresh(&id).await.unwrap();
    assert_eq!(r.state, Some(DqRefreshState::Pending));
    let rid = r.refresh_id.unwrap();
    sim.clock.advance(Duration::from_millis(1_500));
    assert_eq!(
        c.get_monitor_refresh(&m, rid).await.unwrap().state,
        RefreshState::Running
    );
    // One at a time, through either API.
    let e = c.dq_create_refresh(&id).await.unwrap_err();
    assert_eq!(api_status(&e), (409, "RESOURCE_CONFLICT".into()), "{e}");
    assert!(e.to_string().contains("already running"), "{e}");
    let e = c.legacy_run_refresh(CHURN).await.unwrap_err();
    assert_eq!(api_status(&e).0, 409);
    sim.clock.advance(Duration::from_secs(3));
    let done = c.get_monitor_refresh(&m, rid).await.unwrap();
    assert_eq!(done.state, RefreshState::Success);
    assert_eq!(done.trigger, Some(RefreshTrigger::Manual));
    assert!(done.end_time_ms.unwrap() > done.start_time_ms.unwrap());

    let second = c
        .legacy_run_refresh(CHURN)
        .await
        .unwrap()
        .refresh_id
        .unwrap();
    assert!(second > rid);
    let cancelled = c.dq_cancel_refresh(&id, second).await.unwrap();
    assert_eq!(
        cancelled.refresh.unwrap().state,
        Some(DqRefreshState::Canceled)
    );
    sim.clock.advance(Duration::from_secs(10));
    let legacy_view = c.legacy_get_refresh(CHURN, second).await.unwrap();
    assert_eq!(legacy_view.state.unwrap().as_str(), "CANCELED");
    let e = c.legacy_cancel_refresh(CHURN, second).await.unwrap_err();
    assert_eq!(api_status(&e), (400, "INVALID_STATE".into()), "{e}");
    let e = c.dq_get_refresh(&id, 9_999).await.unwrap_err();
    assert_eq!(api_status(&e), (404, "RESOURCE_DOES_NOT_EXIST".into()));
}

#[tokio::test]
async fn refreshes_page_newest_first_and_the_legacy_list_is_unpaged() {
    let sim = manual_sim().await;
    let c = sim_client(&sim);
    let id = c.get_uc_table(CHURN).await.unwrap().table_id.unwrap();
    let path = format!("/api/data-quality/v1/monitors/table/{id}/refreshes");
    let page: DqListRefreshResponse = c
        .get_json(&path, &[("page_size", "2".to_string())])
        .await
        .unwrap();
    assert_eq!(page.refreshes.len(), 2);
    assert_eq!(page.refreshes[0].refresh_id, Some(5));
    let token = page.next_page_token.expect("more pages");
    let next: DqListRefreshResponse = c
        .get_json(
            &path,
            &[("page_size", "2".to_string()), ("page_token", token)],
        )
        .await
        .unwrap();
    assert_eq!(next.refreshes[0].refresh_id, Some(3));
    assert_eq!(c.dq_list_refreshes(&id, 100).await.unwrap().len(), 5);
    assert_eq!(c.dq_list_refreshes(&id, 3).await.unwrap().len(), 3);
    assert_eq!(c.legacy_list_refreshes(CHURN).await.unwrap().len(), 5);
}

#[tokio::test]
async fn tables_without_a_monitor_unknown_tables_and_the_switch() {
    let sim = manual_sim().await;
    let c = sim_client(&sim);
    match c
        .read_monitor("main.ml.churn_baseline", None)
        .await
        .unwrap()
    {
        MonitorLookup::Absent { table, api, .. } => {
            assert_eq!(table, "main.ml.churn_baseline");
            assert_eq!(api, MonitorApi::Legacy, "both APIs asked");
        }
        other => panic!("{other:?}"),
    }
    let e = c.read_monitor("main.ml.nope", None).await.unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert_eq!(api_status(&e).1, "TABLE_DOES_NOT_EXIST");
    let id = c.get_uc_table(CHURN).await.unwrap().table_id.unwrap();
    let e = c
        .get_json::<serde_json::Value>(&format!("/api/data-quality/v1/monitors/schema/{id}"), &[])
        .await
        .unwrap_err();
    assert_eq!(api_status(&e).0, 400);

    sim.set_data_quality_enabled(false);
    let e = c.dq_get_monitor(&id).await.unwrap_err();
    assert!(matches!(
        &e,
        ApiError::Api { code: Some(ErrorCode::Other(c)), .. } if c == "FEATURE_NOT_ENABLED"
    ));
    let m = found(&c, CHURN, None).await;
    assert_eq!(m.api, MonitorApi::Legacy, "falls back to the legacy API");
    assert_eq!(m.status, Some(MonitorStatus::Active));
    sim.set_data_quality_enabled(true);
    assert_eq!(found(&c, CHURN, None).await.api, MonitorApi::DataQuality);
}
