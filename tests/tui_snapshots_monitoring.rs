//! Snapshots of the Monitoring screen against the simulator on a manual clock (so the windows'
//! dates and the data are the same every run): the drift heatmap with the cursor's cell and
//! its chart, another statistic charted, and model quality per version.

mod support;

use std::time::Duration;

use crossterm::event::KeyCode;

use mlops_console::app::runtime::Runtime;
use mlops_console::sim::{self, SimClock, SimOptions};
use support::sim_runtime::{pump, sim_context};
use support::{Driver, session};

const START_MS: i64 = 1_767_225_600_000;

fn settled(d: &Driver) -> bool {
    let m = &d.state.monitoring;
    m.drift.is_settled() && m.quality.is_settled() && m.links.is_settled()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitoring_snapshots() {
    let clock = SimClock::manual(START_MS);
    let sim = sim::start(SimOptions {
        clock: clock.clone(),
        ..SimOptions::default()
    })
    .await
    .expect("simulator starts");
    // Statements finish on the simulator's clock: move it while the test waits.
    let ticking = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(20)).await;
            clock.advance(Duration::from_millis(500));
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let ctx = sim_context(&sim, dir.path());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let mut d = Driver::new(session());
    d.char(':');
    d.type_text("mon main.ml.churn_inference");
    d.key(KeyCode::Enter);
    pump(&mut d, &mut rt, &mut rx, settled).await;
    insta::assert_snapshot!("monitoring_heatmap", d.screen_text(120, 40));

    // Two features down, five windows back, the next statistic charted.
    for c in ['j', 'j', 'h', 'h', 'h', 'h', 'h', 's'] {
        d.char(c);
    }
    insta::assert_snapshot!("monitoring_feature_chart", d.screen_text(120, 40));

    d.char('v');
    insta::assert_snapshot!("monitoring_quality", d.screen_text(120, 32));
    ticking.abort();
}
