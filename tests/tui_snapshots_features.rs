//! Snapshots of the Features screen against the simulator on a manual clock (so ages and dates
//! are the same every run): the feature tables list, and one table with its lineage.

mod support;

use mlops_console::app::runtime::Runtime;
use mlops_console::sim::{self, SimClock, SimOptions};
use support::sim_runtime::{pump, sim_context};
use support::{Driver, NOW, session};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn features_snapshots() {
    let sim = sim::start(SimOptions {
        clock: SimClock::manual(NOW),
        traffic_rps: 0.0,
        sql_latency: std::time::Duration::ZERO,
        ..SimOptions::default()
    })
    .await
    .expect("simulator starts");
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = sim_context(&sim, dir.path());
    ctx.monitoring.features.schemas = vec!["main.features".into()];
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let mut d = Driver::new(session());
    d.char('7');
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.features.list.is_settled() && d.state.features.list.data.is_some()
    })
    .await;
    insta::assert_snapshot!("features_list", d.screen_text(160, 14));

    // The stale table in full, with its lineage; the cursor on its second row.
    d.char('j');
    d.key(crossterm::event::KeyCode::Enter);
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.features.detail.is_settled()
            && d.state.features.lineage.is_settled()
            && d.state.feature_monitoring.read.data.is_some()
    })
    .await;
    d.char('j');
    insta::assert_snapshot!("features_detail", d.screen_text(160, 44));
}
