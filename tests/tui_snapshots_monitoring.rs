//! Snapshots of the Monitoring screen against the simulator on a manual clock (so the windows'
//! dates and the data are the same every run): the drift heatmap with the cursor's cell and
//! its chart, another statistic charted, and model quality per version.

mod support;

use std::time::Duration;

use crossterm::event::KeyCode;
use tokio::sync::mpsc::UnboundedReceiver;

use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::app::runtime::Runtime;
use mlops_console::app::{AppContext, Msg};
use mlops_console::sim::{self, SimClock, SimOptions};
use support::{Driver, session};

const START_MS: i64 = 1_767_225_600_000;

async fn pump(d: &mut Driver, rt: &mut Runtime, rx: &mut UnboundedReceiver<Msg>) {
    let settled = |d: &Driver| {
        let m = &d.state.monitoring;
        m.drift.is_settled() && m.quality.is_settled()
    };
    for e in std::mem::take(&mut d.effects) {
        rt.execute(e);
    }
    while !settled(d) {
        let msg = tokio::time::timeout(Duration::from_secs(60), rx.recv())
            .await
            .expect("an answer within 60 s")
            .expect("the runtime is alive");
        d.send(msg);
        for e in std::mem::take(&mut d.effects) {
            rt.execute(e);
        }
    }
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
    let ctx = AppContext {
        client: Client::new(ClientOptions::new(
            sim.base_url.clone(),
            Credentials::Pat(Secret::new(sim.token.clone())),
        ))
        .expect("client"),
        profile: "sim".into(),
        host: sim.base_url.clone(),
        readonly: false,
        production: false,
        theme: "dark".into(),
        refresh_secs: 0,
        traffic_step: 5,
        ascii: false,
        config_dir: dir.path().to_path_buf(),
        data_dir: dir.path().to_path_buf(),
        training_jobs: Default::default(),
        approvals: Default::default(),
        monitoring: Default::default(),
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let mut d = Driver::new(session());
    d.char(':');
    d.type_text("mon main.ml.churn_inference");
    d.key(KeyCode::Enter);
    pump(&mut d, &mut rt, &mut rx).await;
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
