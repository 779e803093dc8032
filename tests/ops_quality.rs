//! `ops::quality` against the simulator: the quality metrics the profile table has (read from
//! its columns, struct fields included), per model version over the windows; version 4's
//! quality falls after the demo's drift.

use std::time::Duration;

use mlops_console::api::models::sql::StatementResponse;
use mlops_console::api::sql_fixed::TableName;
use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::ops::quality::{QualityRequest, load_quality};
use mlops_console::ops::sql::{Waiter, choose_warehouse};
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions};

async fn sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        sql_latency: Duration::ZERO,
        traffic_rps: 0.0,
        ..SimOptions::default()
    })
    .await
    .expect("simulator starts")
}

fn client(sim: &SimHandle, readonly: bool) -> Client {
    let mut o = ClientOptions::new(
        sim.base_url.clone(),
        Credentials::Pat(Secret::new(sim.token.clone())),
    );
    o.readonly = readonly;
    Client::new(o).unwrap()
}

fn simulated(sim: &SimHandle) -> Waiter<'static, StatementResponse> {
    let clock = sim.clock.clone();
    Waiter::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        Box::pin(async {})
    }))
}

#[tokio::test]
async fn version_4_quality_falls_and_the_metrics_are_the_tables_own() {
    let sim = sim().await;
    // A read-only profile may read quality too.
    let c = client(&sim, true);
    let w = choose_warehouse(&c, None).await.unwrap();
    let req = QualityRequest::for_monitored(&TableName::parse("main.ml.churn_inference").unwrap())
        .unwrap();
    let r = load_quality(&c, &w, &req, &mut simulated(&sim))
        .await
        .unwrap();
    assert_eq!(r.table, "main.ml.churn_inference_profile_metrics");
    assert_eq!(r.model_column.as_deref(), Some("model_id"));
    let names: Vec<&str> = r.metrics.iter().map(|m| m.name.as_str()).collect();
    for expected in [
        "accuracy_score",
        "f1_score.macro",
        "precision.weighted",
        "recall.macro",
    ] {
        assert!(names.contains(&expected), "{names:?}");
    }
    assert!(
        !names.contains(&"count") && !names.contains(&"avg"),
        "{names:?}"
    );
    assert_eq!(r.windows.len(), 30);
    let versions: Vec<&str> = r.versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(versions, ["4", "5"]);
    let acc = r.metric("accuracy_score").unwrap();
    let v4 = r.version("4").unwrap();
    assert_eq!(v4.points.len(), 30);
    assert!(v4.points.iter().all(|p| p.count.unwrap() > 0));
    // Before the drift v4 is right ~87 % of the time; at the end it is well under.
    let early: f64 = v4.series(acc)[..10]
        .iter()
        .map(|(_, v)| v.unwrap())
        .sum::<f64>()
        / 10.0;
    assert!(early > 0.8, "{early}");
    assert!(
        v4.latest[acc].unwrap() < early - 0.08,
        "{:?}",
        v4.latest[acc]
    );
    assert!(v4.change[acc].unwrap() < -0.08, "{:?}", v4.change[acc]);

    // With the all-versions rows.
    let mut all = req.clone();
    all.include_all = true;
    let r = load_quality(&c, &w, &all, &mut simulated(&sim))
        .await
        .unwrap();
    let versions: Vec<&str> = r.versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(versions, ["4", "5", "*"]);
}
