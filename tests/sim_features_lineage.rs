//! The feature store's lineage and history over HTTP, client against simulator: the feature
//! tables a churn model version was trained with, per-feature lineage to model versions and
//! online tables, and `DESCRIBE HISTORY` of a feature table over SQL. Only 127.0.0.1 is
//! contacted; no wall-clock time is read.

mod support;

use std::time::Duration;

use mlops_console::sim::{self, SimClock, SimOptions};

use support::sim_client::{api_status, manual_sim, sim_client};

const CUSTOMER: &str = "main.features.customer_features";
const TXN: &str = "main.features.txn_agg_30d";
const SUPPORT: &str = "main.features.support_interactions";

#[tokio::test]
async fn lineage_ties_tables_features_models_and_online_tables() {
    let sim = manual_sim().await;
    let c = sim_client(&sim);
    let deps = c
        .model_version_dependencies("main.ml.churn_model", 5)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(deps.tables(), vec![CUSTOMER, TXN, SUPPORT]);
    assert_eq!(deps.functions(), vec!["main.ml.churn_feature_spec"]);
    let v1 = c
        .model_version_dependencies("main.ml.churn_model", 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(v1.tables(), vec![CUSTOMER]);
    assert!(
        c.model_version_dependencies("main.ml.fraud_detector", 1)
            .await
            .unwrap()
            .is_none()
    );

    let l = c.get_feature_lineage(SUPPORT, "tickets_30d").await.unwrap();
    let models: Vec<(String, Option<i64>)> = l
        .models
        .iter()
        .map(|m| (m.name.clone(), m.version))
        .collect();
    assert_eq!(models, vec![("main.ml.churn_model".to_string(), Some(5))]);
    assert_eq!(
        l.online_features[0].table_name,
        "main.features_online.support_interactions"
    );
    let l = c.get_feature_lineage(CUSTOMER, "orders_90d").await.unwrap();
    assert_eq!(l.models.len(), 5);
    assert_eq!(l.online_features.len(), 2, "{:?}", l.online_features);
    assert_eq!(l.feature_specs[0].name, "main.ml.churn_feature_spec");

    // A key is not a feature; unknown tables and features are 404.
    for (t, f) in [
        (CUSTOMER, "customer_id"),
        (CUSTOMER, "nope"),
        ("main.features.nope", "x"),
    ] {
        let e = c.get_feature_lineage(t, f).await.unwrap_err();
        assert_eq!(api_status(&e).0, 404, "{t} {f}");
    }
}

#[tokio::test]
async fn describe_history_over_sql_lists_the_versions_newest_first() {
    use mlops_console::api::models::sql::ExecuteStatementRequest;
    let sim = sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        traffic_rps: 0.0,
        sql_latency: Duration::ZERO,
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let c = sim_client(&sim);
    let run = |statement: &str| ExecuteStatementRequest {
        statement: statement.into(),
        warehouse_id: "4b9f0e1c2a3d5e6f".into(),
        wait_timeout: Some("10s".into()),
        schema: Some("features".into()),
        ..Default::default()
    };
    let r = c
        .execute_statement(&run("DESCRIBE HISTORY txn_agg_30d"))
        .await
        .unwrap();
    assert_eq!(r.status.state.as_str(), "SUCCEEDED");
    let cols: Vec<String> = r
        .manifest
        .unwrap()
        .schema
        .columns
        .iter()
        .map(|c| c.name.clone())
        .collect();
    assert_eq!(
        &cols[..4],
        ["version", "timestamp", "userName", "operation"]
    );
    let rows = r.result.unwrap().data_array;
    assert_eq!(rows.last().unwrap()[3].as_deref(), Some("CREATE TABLE"));
    assert_eq!(rows.last().unwrap()[0].as_deref(), Some("0"));
    // The newest version is the job's write: it names the job run.
    let newest = &rows[0];
    assert_eq!(newest[3].as_deref(), Some("MERGE"));
    assert!(
        newest[5].as_deref().unwrap().contains("runId"),
        "{newest:?}"
    );
    assert_eq!(
        newest[0].as_deref(),
        Some((rows.len() - 1).to_string().as_str())
    );
    // Other tables are the engine's.
    let e = c
        .execute_statement(&run("DESCRIBE HISTORY main.features.nope"))
        .await
        .unwrap();
    assert_eq!(e.status.state.as_str(), "FAILED");
}
