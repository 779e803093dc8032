//! Feature lineage both ways against the simulator: a feature table → its models → the
//! endpoints serving them with traffic shares; a model version and an endpoint → the feature
//! tables they depend on with freshness; a lineage failure on one feature reported for that
//! feature only. Only 127.0.0.1 is contacted; the simulator's clock is manual.

use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::ops::feature_lineage::{LineageOptions, endpoint, table, version};
use mlops_console::sim::{self, ScriptedFault, SimClock, SimHandle, SimOptions};

const CUSTOMER: &str = "main.features.customer_features";
const TXN: &str = "main.features.txn_agg_30d";
const SUPPORT: &str = "main.features.support_interactions";
const CHURN: &str = "main.ml.churn_model";

async fn sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        traffic_rps: 0.0,
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

fn client(sim: &SimHandle) -> Client {
    Client::new(ClientOptions::new(
        sim.base_url.clone(),
        Credentials::Pat(Secret::new(sim.token.clone())),
    ))
    .unwrap()
}

fn opts(sim: &SimHandle) -> LineageOptions {
    LineageOptions::at(sim.clock.now_ms())
}

#[tokio::test]
async fn a_stale_table_leads_to_its_model_version_and_the_endpoint_serving_it() {
    let sim = sim().await;
    let c = client(&sim);
    let l = table::of_table(&c, SUPPORT, &opts(&sim)).await.unwrap();
    assert!(l.table.is_stale(), "{:?}", l.table);
    assert_eq!(l.table.freshness.label(), "stale 52 h");
    let models: Vec<String> = l.models.iter().map(|m| m.label()).collect();
    assert_eq!(models, [format!("{CHURN} v5")]);
    assert!(l.features.iter().all(|f| f.error.is_none()));
    assert_eq!(l.features.len(), 3, "{:?}", l.features);
    assert_eq!(l.endpoints.len(), 1, "{:?}", l.endpoints);
    let prod = &l.endpoints[0];
    assert_eq!(prod.endpoint, "churn-prod");
    assert_eq!(prod.traffic_percent, 10);
    assert_eq!(
        prod.describe(),
        "churn-prod: churn_model v5 10% (churn_model-5)"
    );
    assert_eq!(
        l.table
            .online
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>(),
        ["main.features_online.support_interactions"]
    );

    // The profile table is used by every churn version: both routes of churn-prod, nothing else.
    let l = table::of_table(&c, CUSTOMER, &opts(&sim)).await.unwrap();
    assert!(!l.table.is_stale());
    let hits: Vec<(String, i64)> = l
        .endpoints
        .iter()
        .map(|e| (e.endpoint.clone(), e.traffic_percent))
        .collect();
    assert_eq!(hits, [("churn-prod".to_string(), 100)]);
    let shares: Vec<(String, i64)> = l.endpoints[0]
        .served
        .iter()
        .map(|s| (s.version.clone(), s.traffic_percent))
        .collect();
    assert_eq!(shares, [("4".into(), 90), ("5".into(), 10)]);
    assert!(l.models.len() >= 5, "{:?}", l.models);

    let missing = table::of_table(&c, "main.features.nope", &opts(&sim)).await;
    assert!(missing.unwrap_err().is_not_found());
}

#[tokio::test]
async fn churn_v5_depends_on_three_tables_one_stale() {
    let sim = sim().await;
    let c = client(&sim);
    let v = version::of_version(&c, CHURN, "5", &opts(&sim)).await;
    let tables: Vec<&str> = v.tables.iter().map(|t| t.table.as_str()).collect();
    assert_eq!(tables, [CUSTOMER, TXN, SUPPORT]);
    let stale: Vec<&str> = v.stale_tables().iter().map(|t| t.table.as_str()).collect();
    assert_eq!(stale, [SUPPORT]);
    assert_eq!(v.functions, ["main.ml.churn_feature_spec"]);
    assert!(
        v.summary().contains(&format!("{SUPPORT} (stale 52 h)")),
        "{}",
        v.summary()
    );
    let txn_online: Vec<&str> = v.tables[1].online.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(txn_online, ["main.features_online.txn_agg_30d"]);
    // The customer profile is also in a legacy online table.
    assert!(
        v.tables[0]
            .online
            .iter()
            .any(|o| o.name == "main.features.customer_features_online"
                && o.api.as_deref() == Some("legacy_online_table")),
        "{:?}",
        v.tables[0].online
    );

    let v1 = version::of_version(&c, CHURN, "1", &opts(&sim)).await;
    assert_eq!(v1.tables.len(), 1);
    assert!(v1.stale_tables().is_empty());
    let fraud = version::of_version(&c, "fraud_model", "3", &opts(&sim)).await;
    assert!(fraud.tables.is_empty() && fraud.error.is_none());
    assert!(
        fraud.summary().starts_with("features: none"),
        "{}",
        fraud.summary()
    );
    let bad = version::of_version(&c, CHURN, "x", &opts(&sim)).await;
    assert!(bad.error.is_some());
}

#[tokio::test]
async fn churn_prod_depends_on_the_stale_table_through_v5_only() {
    let sim = sim().await;
    let c = client(&sim);
    let e = endpoint::of_endpoint(&c, "churn-prod", &opts(&sim))
        .await
        .unwrap();
    let tables: Vec<&str> = e.tables.iter().map(|t| t.table.as_str()).collect();
    assert_eq!(tables, [CUSTOMER, TXN, SUPPORT]);
    assert!(e.is_stale());
    let uses: Vec<String> = e.stale_uses().iter().map(|u| u.describe()).collect();
    assert_eq!(
        uses,
        [format!("{SUPPORT} (stale 52 h) via churn_model v5, 10%")]
    );
    assert!(e.errors().is_empty(), "{:?}", e.errors());

    let fraud = endpoint::of_endpoint(&c, "fraud-scoring", &opts(&sim))
        .await
        .unwrap();
    assert!(!fraud.is_stale());
    assert!(fraud.tables.is_empty());

    // A tighter SLA makes the fresh tables stale too; the SLA is the caller's.
    let strict = LineageOptions {
        sla_ms: 60_000,
        online: false,
        ..opts(&sim)
    };
    let e = endpoint::of_endpoint(&c, "churn-prod", &strict)
        .await
        .unwrap();
    assert!(e.stale_uses().len() >= 2, "{:?}", e.stale_uses());
}

#[tokio::test]
async fn a_lineage_failure_on_one_feature_is_reported_for_that_feature_only() {
    let sim = sim().await;
    let c = client(&sim);
    // One read at a time: the table, the first feature's lineage, then the second's fails.
    let one = LineageOptions {
        concurrency: 1,
        online: false,
        ..opts(&sim)
    };
    sim.script_faults(vec![
        ScriptedFault::Pass,
        ScriptedFault::Pass,
        ScriptedFault::Status(403),
    ]);
    let l = table::of_table(&c, CUSTOMER, &one).await.unwrap();
    let failed: Vec<&str> = l
        .features
        .iter()
        .filter(|f| f.error.is_some())
        .map(|f| f.feature.as_str())
        .collect();
    assert_eq!(failed, ["orders_90d"]);
    let err = l.features[1].error.as_deref().unwrap();
    assert!(
        err.contains("403") || err.to_lowercase().contains("permission"),
        "{err}"
    );
    // The other features still name their models, and the endpoint is still found.
    assert!(l.features[0].models.len() >= 5);
    assert!(l.features[2..].iter().all(|f| !f.models.is_empty()));
    assert_eq!(l.endpoints[0].endpoint, "churn-prod");
}
