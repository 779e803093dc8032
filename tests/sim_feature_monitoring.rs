//! The feature table's monitor in the simulator and `ops::feature_monitoring` over it: a
//! time-series monitor on `main.features.customer_features` whose metric tables the SQL engine
//! answers — `avg_basket_value` drifts in the newest windows, `days_since_last_login` loses
//! values, the other features stay calm — read per feature with the Monitoring screen's
//! queries. A table without a monitor says so without failing. Only 127.0.0.1 is contacted; the
//! statements are waited for on the simulator's clock.

mod support;

use std::time::Duration;

use mlops_console::api::models::sql::StatementResponse;
use mlops_console::api::monitors::MonitorLookup;
use mlops_console::config::drift::DriftSettings;
use mlops_console::ops::drift::Severity;
use mlops_console::ops::feature_monitoring::{FeatureMonitoring, MonitoringInputs, read};
use mlops_console::ops::sql::{SqlQuery, Waiter, choose_warehouse, run_query};
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions};

use support::sim_client::sim_client;

const CUSTOMER: &str = "main.features.customer_features";
const TXN: &str = "main.features.txn_agg_30d";

/// The demo simulator on a manual clock, its statements answered at once.
async fn manual_sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        sql_latency: Duration::ZERO,
        traffic_rps: 0.0,
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

fn simulated(sim: &SimHandle) -> Waiter<'static, StatementResponse> {
    let clock = sim.clock.clone();
    Waiter::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        Box::pin(async {})
    }))
}

#[tokio::test]
async fn the_feature_table_has_a_time_series_monitor_with_metric_tables() {
    let sim = manual_sim().await;
    let c = sim_client(&sim);
    let MonitorLookup::Found(m) = c.read_monitor(CUSTOMER, None).await.unwrap() else {
        panic!("customer_features has a monitor");
    };
    assert_eq!(m.kind.label(), "time series");
    assert_eq!(
        m.drift_metrics_table.as_deref(),
        Some("main.features.customer_features_drift_metrics")
    );
    assert!(m.metric_tables_ready());
    // The legacy API reads the same store.
    sim.set_data_quality_enabled(false);
    let MonitorLookup::Found(legacy) = c.read_monitor(CUSTOMER, None).await.unwrap() else {
        panic!("the legacy API knows it too");
    };
    assert_eq!(legacy.profile_metrics_table, m.profile_metrics_table);

    // The drift table answers SQL: the spend feature's newest consecutive drift is large.
    let w = choose_warehouse(&c, None).await.unwrap();
    let q = SqlQuery::new(
        "SELECT window.start AS window_start, column_name, population_stability_index AS psi \
         FROM main.features.customer_features_drift_metrics WHERE drift_type = 'CONSECUTIVE' \
         ORDER BY window_start DESC, column_name LIMIT 5",
    );
    let r = run_query(&c, &w.id, &q, &mut simulated(&sim))
        .await
        .unwrap();
    let psi = |name: &str| -> Option<f64> {
        r.rows
            .iter()
            .find(|row| row[1].as_deref() == Some(name))
            .and_then(|row| row[2].as_deref()?.parse().ok())
    };
    assert!(psi("avg_basket_value").unwrap() > 0.25, "{:?}", r.rows);
    assert!(psi("tenure_months").unwrap() < 0.1, "{:?}", r.rows);
}

#[tokio::test]
async fn each_feature_gets_its_null_rate_and_drift_from_the_monitor() {
    let sim = manual_sim().await;
    let c = sim_client(&sim);
    let drift = DriftSettings::default();
    let inputs = MonitoringInputs {
        warehouse_id: None,
        drift: &drift,
    };
    let keys = vec!["customer_id".to_string()];
    let got = read(&c, inputs, CUSTOMER, &keys, &|| simulated(&sim)).await;
    let FeatureMonitoring::Monitored(t) = got else {
        panic!("{got:?}");
    };
    assert!(t.notes.is_empty(), "{:?}", t.notes);
    assert_eq!(t.kind, "time series");
    assert_eq!(t.last_refresh.as_ref().unwrap().state, "SUCCESS");
    let names: Vec<&str> = t.features.iter().map(|f| f.feature.as_str()).collect();
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(!names.contains(&"customer_id"));
    // The spend feature drifts, worst first; nothing else does.
    let drifting: Vec<&str> = t.drifting().iter().map(|f| f.feature.as_str()).collect();
    assert_eq!(drifting, ["avg_basket_value"], "{:#?}", t.features);
    assert_eq!(names[0], "avg_basket_value");
    let spend = &t.features[0];
    assert_eq!(spend.drift.as_ref().unwrap().severity, Severity::Critical);
    assert!(spend.null_rate.unwrap() < 0.5);
    // The login feature loses values: its null rate rose well past where it stood.
    let rising: Vec<&str> = t
        .rising_nulls()
        .iter()
        .map(|f| f.feature.as_str())
        .collect();
    assert_eq!(rising, ["days_since_last_login"]);
    let login = t
        .features
        .iter()
        .find(|f| f.feature == "days_since_last_login")
        .unwrap();
    assert!(login.null_rate.unwrap() > 20.0, "{login:?}");
    assert!(login.null_rate_before.unwrap() < 5.0, "{login:?}");
    assert!(!login.is_drifting(), "the values it keeps do not drift");
    // Every feature's numbers are of the same newest window.
    let w = spend.window.clone().unwrap();
    assert!(t.features.iter().all(|f| f.window.as_ref() == Some(&w)));
}

#[tokio::test]
async fn a_table_without_a_monitor_says_how_to_create_one() {
    let sim = manual_sim().await;
    let c = sim_client(&sim);
    let drift = DriftSettings::default();
    let inputs = MonitoringInputs {
        warehouse_id: None,
        drift: &drift,
    };
    match read(&c, inputs, TXN, &[], &|| simulated(&sim)).await {
        FeatureMonitoring::NoMonitor { table, hint } => {
            assert_eq!(table, TXN);
            assert!(hint.contains("data-quality"), "{hint}");
        }
        other => panic!("{other:?}"),
    }
    // A table that does not exist is an unreadable monitor, not a panic.
    let gone = read(&c, inputs, "main.features.nope", &[], &|| simulated(&sim)).await;
    assert!(
        matches!(gone, FeatureMonitoring::Unreadable { .. }),
        "{gone:?}"
    );
}
