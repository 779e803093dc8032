//! Snapshot of a monitored feature table against the simulator on a manual clock: the
//! detail with its Feature monitoring section (the spend feature drifting, the login feature's
//! null rate rising, the other features calm).

mod support;

use mlops_console::app::runtime::Runtime;
use mlops_console::sim::{self, SimClock, SimOptions};
use support::sim_runtime::{pump, sim_context};
use support::{Driver, NOW, session};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feature_monitoring_snapshot() {
    let sim = sim::start(SimOptions {
        clock: SimClock::manual(NOW),
        traffic_rps: 0.0,
        sql_latency: std::time::Duration::ZERO,
        ..SimOptions::default()
    })
    .await
    .expect("simulator starts");
    let dir = tempfile::tempdir().unwrap();
    let ctx = sim_context(&sim, dir.path());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let mut d = Driver::new(session());
    d.char(':');
    d.type_text("ft main.features.customer_features");
    d.key(crossterm::event::KeyCode::Enter);
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.features.detail.is_settled()
            && d.state.features.lineage.is_settled()
            && d.state.feature_monitoring.read.is_settled()
            && d.state.feature_monitoring.read.data.is_some()
    })
    .await;
    insta::assert_snapshot!("feature_monitoring_detail", d.screen_text(160, 50));
}
