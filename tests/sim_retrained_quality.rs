//! The demo's loop closing in the simulator: after `churn-retrain` runs (~20 s on the simulated
//! clock), `main.ml.churn_model` v6 is registered with its approval pending, and the monitor's
//! profile metrics table gains v6's quality on the drifted windows, computed from the inference
//! rows: better than v4's on the same windows. Read through SQL as a user would.

use std::collections::BTreeMap;
use std::time::Duration;

use mlops_console::api::models::jobs::RunNowRequest;
use mlops_console::api::models::mlflow::lookup;
use mlops_console::api::models::sql::StatementResponse;
use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::ops::sql::{SqlQuery, Waiter, run_query};
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions};

const RETRAIN_JOB: i64 = 907_245_117_743_512;
const WAREHOUSE: &str = "4b9f0e1c2a3d5e6f";
const QUALITY: &str = "SELECT model_id, window.start AS start, accuracy_score \
     FROM main.ml.churn_inference_profile_metrics \
     WHERE column_name = ':table' AND slice_key IS NULL AND model_id IN ('4', '6')";

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

fn simulated(sim: &SimHandle) -> Waiter<'static, StatementResponse> {
    let clock = sim.clock.clone();
    Waiter::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        Box::pin(async {})
    }))
}

/// Accuracy by window start, per model version.
async fn quality(sim: &SimHandle, c: &Client) -> BTreeMap<String, BTreeMap<String, f64>> {
    let r = run_query(c, WAREHOUSE, &SqlQuery::new(QUALITY), &mut simulated(sim))
        .await
        .unwrap();
    let mut out: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for row in r.rows {
        let cell = |i: usize| row[i].clone().unwrap();
        out.entry(cell(0))
            .or_default()
            .insert(cell(1), cell(2).parse().unwrap());
    }
    out
}

#[tokio::test]
async fn a_retrain_registers_v6_pending_and_its_quality_on_recent_windows_beats_v4() {
    let sim = sim().await;
    let c = client(&sim);
    let before = quality(&sim, &c).await;
    assert!(!before.contains_key("6"), "no v6 before the retrain");
    assert_eq!(before["4"].len(), 30);

    c.run_now(&RunNowRequest {
        job_id: RETRAIN_JOB,
        ..Default::default()
    })
    .await
    .unwrap();
    sim.clock.advance(Duration::from_secs(10));
    let v6 = c.get_uc_model_version("main.ml.churn_model", 6).await;
    assert!(v6.is_err(), "still training after 10 s: {v6:?}");
    assert!(!quality(&sim, &c).await.contains_key("6"));

    sim.clock.advance(Duration::from_secs(15));
    let v6 = c
        .get_uc_model_version("main.ml.churn_model", 6)
        .await
        .unwrap();
    assert_eq!(lookup(&v6.tags, "approval"), Some("pending"));
    assert_eq!(v6.status.map(|s| s.to_string()).as_deref(), Some("READY"));

    let after = quality(&sim, &c).await;
    let (v4, v6) = (&after["4"], &after["6"]);
    assert_eq!(v6.len(), 10, "the ten drifted windows: {v6:?}");
    let recent: Vec<&String> = v4.keys().rev().take(10).collect();
    assert!(
        v6.keys().all(|w| recent.contains(&w)),
        "only the most recent windows"
    );
    let mean = |m: &BTreeMap<String, f64>, keys: &mut dyn Iterator<Item = &String>| {
        let v: Vec<f64> = keys.map(|k| m[k]).collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    let (q6, q4) = (mean(v6, &mut v6.keys()), mean(v4, &mut v6.keys()));
    assert!(
        q6 > q4 + 0.05,
        "v6 {q6:.3} vs v4 {q4:.3} on the same windows"
    );
    // Computed from rows, not fixed: each window's accuracy differs.
    let mut distinct: Vec<String> = v6.values().map(|a| format!("{a:.6}")).collect();
    distinct.dedup();
    assert!(distinct.len() > 5, "{v6:?}");

    // Asked again, the rows are not added twice.
    assert_eq!(quality(&sim, &c).await["6"].len(), 10);
}
