//! `ops::monitors::link` against the simulator: a monitored table is linked to the serving
//! endpoint whose requests it holds by the endpoint's inference table, by `[monitoring]
//! endpoints` in the config, or by the table property `mlops.endpoint`; its model id values map
//! to the registered model version and the entity serving it with its traffic share; an
//! unlinked table says so. The inverse finds an endpoint's tables. Only 127.0.0.1 is contacted.

use std::time::Duration;

use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::config::monitoring::MonitoringSettings;
use mlops_console::ops::monitors::link::{LinkSource, link_table, tables_of_endpoint};
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions};

async fn sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        traffic_rps: 0.0,
        sql_latency: Duration::ZERO,
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

fn sources(l: &mlops_console::ops::monitors::link::TableLinks) -> Vec<(String, LinkSource)> {
    l.endpoints
        .iter()
        .map(|e| (e.endpoint.clone(), e.source))
        .collect()
}

#[tokio::test]
async fn the_endpoints_own_inference_table_links() {
    let sim = sim().await;
    let l = link_table(
        &client(&sim),
        &MonitoringSettings::default(),
        "main.ml.churn_prod_payload",
    )
    .await;
    assert_eq!(
        sources(&l),
        [("churn-prod".to_string(), LinkSource::InferenceTable)]
    );
    assert_eq!(l.version("4").label(), "churn_model v4 · churn-prod 90%");
    assert_eq!(l.version("5").label(), "churn_model v5 · churn-prod 10%");
}

#[tokio::test]
async fn the_config_links_a_table() {
    let sim = sim().await;
    let mut settings = MonitoringSettings::default();
    settings.endpoints.insert(
        "main.ml.churn_inference_baseline".into(),
        "churn-prod".into(),
    );
    let l = link_table(&client(&sim), &settings, "main.ml.churn_inference_baseline").await;
    assert_eq!(
        sources(&l),
        [("churn-prod".to_string(), LinkSource::Config)]
    );
    let v4 = l.version("4");
    assert_eq!(v4.model.as_deref(), Some("main.ml.churn_model"));
    assert_eq!(v4.version.as_deref(), Some("4"));
    assert_eq!(v4.entity.as_deref(), Some("churn_model-4"));
    assert_eq!(v4.traffic, Some(90));
    // A version the endpoint does not serve is still the model's.
    assert_eq!(l.version("6").label(), "churn_model v6 · not served");
    // An endpoint the config names that does not exist: linked, with its error.
    let mut settings = MonitoringSettings::default();
    settings
        .endpoints
        .insert("main.ml.churn_inference_baseline".into(), "gone".into());
    let l = link_table(&client(&sim), &settings, "main.ml.churn_inference_baseline").await;
    assert_eq!(l.endpoints.len(), 1);
    assert!(l.endpoints[0].error.is_some());
    assert_eq!(l.version("4").label(), "not linked");
}

#[tokio::test]
async fn the_table_property_links_the_processed_inference_table() {
    let sim = sim().await;
    let l = link_table(
        &client(&sim),
        &MonitoringSettings::default(),
        "main.ml.churn_inference",
    )
    .await;
    assert_eq!(
        sources(&l),
        [("churn-prod".to_string(), LinkSource::TableProperty)]
    );
    assert_eq!(l.version("4").label(), "churn_model v4 · churn-prod 90%");
    assert!(l.notes.is_empty(), "{:?}", l.notes);
}

#[tokio::test]
async fn an_unlinked_table_has_no_endpoint() {
    let sim = sim().await;
    let l = link_table(
        &client(&sim),
        &MonitoringSettings::default(),
        "main.ml.churn_inference_profile_metrics",
    )
    .await;
    assert!(!l.is_linked());
    let v = l.version("4");
    assert_eq!((v.model, v.endpoint), (None, None));
    assert_eq!(l.version("4").label(), "not linked");
}

#[tokio::test]
async fn an_endpoints_tables_come_from_every_rule() {
    let sim = sim().await;
    let c = client(&sim);
    let ep = c.get_serving_endpoint("churn-prod").await.unwrap();
    let mut settings = MonitoringSettings::default();
    settings.endpoints.insert(
        "main.ml.churn_inference_baseline".into(),
        "churn-prod".into(),
    );
    let known = [
        "main.ml.churn_prod_payload".to_string(),
        "main.ml.churn_inference".to_string(),
        "main.ml.churn_inference_profile_metrics".to_string(),
        "main.ml.nowhere".to_string(),
    ];
    let (tables, notes) = tables_of_endpoint(&c, &settings, &ep, &known).await;
    let found: Vec<(&str, LinkSource)> = tables
        .iter()
        .map(|t| (t.table.as_str(), t.source))
        .collect();
    assert_eq!(
        found,
        [
            ("main.ml.churn_prod_payload", LinkSource::InferenceTable),
            ("main.ml.churn_inference_baseline", LinkSource::Config),
            ("main.ml.churn_inference", LinkSource::TableProperty),
        ]
    );
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("main.ml.nowhere"), "{notes:?}");
}
