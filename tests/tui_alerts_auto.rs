//! The console's alerts on the real runtime against the simulator (127.0.0.1): a drift rule
//! with `retrain = true` fires on the Overview's evaluation and starts exactly one retraining
//! run, journaled as automatic and told in a toast; evaluating again starts none (still firing,
//! and a new console in the same window is stopped by the guard); a read-only console starts
//! none and says why. And the cost of an evaluation: the monitor-backed facts are read only
//! when asked (every `[alerts] monitoring_interval`), the endpoint facts every time.

mod support;

use std::path::Path;

use mlops_console::app::runtime::Runtime;
use mlops_console::app::screens::{RoomFetch, RoomLoaded, alerts};
use mlops_console::app::{Effect, Fetch, Msg, Payload};
use mlops_console::config::alert_rules::AlertRules;
use mlops_console::ops::Journal;
use mlops_console::ops::alerts::auto::AutoResult;
use mlops_console::sim::{self, SimHandle, SimOptions};
use support::sim_runtime::{pump, sim_context};
use support::{Driver, session};

const RUN_NOW: &str = "/api/2.2/jobs/run-now";
const DRIFT_RETRAINS: &str = "defaults = false\n[[rule]]\nname = \"drift\"\nkind = \"feature_drift\"\ntarget = \"main.ml.churn_inference\"\nretrain = true\n";

fn posts(sim: &SimHandle, path: &str) -> usize {
    let log = sim.request_log();
    log.iter()
        .filter(|r| r.method == "POST" && r.path == path)
        .count()
}

fn rules() -> AlertRules {
    AlertRules::parse(Path::new("alerts.toml"), DRIFT_RETRAINS).unwrap()
}

fn quiet() -> mlops_console::app::Session {
    let mut s = session();
    s.refresh_secs = 0;
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_firing_rule_retrains_once_journaled_as_automatic_and_told_in_a_toast() {
    let sim = sim::start(SimOptions::default()).await.expect("simulator");
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = sim_context(&sim, dir.path());
    ctx.monitoring.alert_rules = rules();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let mut d = Driver::new(quiet());
    pump(&mut d, &mut rt, &mut rx, |d| {
        !d.state.alerts.retrained.is_empty()
    })
    .await;
    let done = d.state.alerts.retrained.clone();
    assert_eq!(done.len(), 1, "{done:?}");
    let AutoResult::Started { run_id, .. } = &done[0].result else {
        panic!("{done:?}");
    };
    assert_eq!(done[0].model.as_deref(), Some("main.ml.churn_model"));
    assert_eq!(posts(&sim, RUN_NOW), 1);
    assert!(
        d.state
            .toasts
            .iter()
            .any(|t| t.text.contains(&format!("run {run_id} started"))),
        "{:?}",
        d.state.toasts
    );
    let journal = std::fs::read_to_string(Journal::in_dir(dir.path()).path()).unwrap();
    assert!(
        journal.contains("retrain main.ml.churn_model (automatic): alert drift"),
        "{journal}"
    );

    // Evaluated again: still firing, nothing fires, nothing is asked.
    d.char('r');
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.alerts.read.is_settled()
    })
    .await;
    assert!(d.state.alerts.auto_pending.is_empty());
    assert_eq!(posts(&sim, RUN_NOW), 1);

    // A console started anew in the same window: the alert fires again, the guard says no.
    let mut d = Driver::new(quiet());
    pump(&mut d, &mut rt, &mut rx, |d| {
        !d.state.alerts.retrained.is_empty()
    })
    .await;
    let done = &d.state.alerts.retrained[0];
    assert!(
        matches!(&done.result, AutoResult::Skipped { why } if why.contains("already retrained")),
        "{done:?}"
    );
    assert!(
        d.state
            .toasts
            .iter()
            .any(|t| t.text.starts_with("automatic retraining skipped")),
        "{:?}",
        d.state.toasts
    );
    assert_eq!(posts(&sim, RUN_NOW), 1, "one run per window");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_console_starts_none_and_says_why() {
    let sim = sim::start(SimOptions::default()).await.expect("simulator");
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = sim_context(&sim, dir.path());
    ctx.readonly = true;
    ctx.monitoring.alert_rules = rules();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let mut s = quiet();
    s.readonly = true;
    let mut d = Driver::new(s);
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.alerts.read.is_settled()
    })
    .await;
    assert!(
        d.state.toasts.iter().any(|t| t
            .text
            .starts_with("automatic retraining skipped (alert drift/")
            && t.text.contains("read-only")),
        "{:?}",
        d.state.toasts
    );
    assert!(d.state.alerts.auto_pending.is_empty());
    assert_eq!(posts(&sim, RUN_NOW), 0);
}

/// Runs one evaluation on the runtime; its answer.
async fn evaluate(
    rt: &mut Runtime,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>,
    req: u64,
    monitoring: bool,
) -> alerts::AlertsRead {
    rt.execute(Effect::Fetch {
        req,
        fetch: Fetch::Room(RoomFetch::Alerts(alerts::Fetch::Evaluate { monitoring })),
    });
    loop {
        let msg = tokio::time::timeout(std::time::Duration::from_secs(60), rx.recv())
            .await
            .expect("an answer")
            .expect("the runtime is alive");
        if let Msg::Loaded {
            req: r,
            payload: Payload::Room(RoomLoaded::Alerts(alerts::Loaded::Evaluated(read))),
            ..
        } = msg
            && r == req
        {
            return *read.expect("an evaluation");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_monitor_backed_facts_are_read_only_when_asked_the_endpoints_every_time() {
    let sim = sim::start(SimOptions::default()).await.expect("simulator");
    let dir = tempfile::tempdir().unwrap();
    let ctx = sim_context(&sim, dir.path());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let count = |path: &str| {
        let log = sim.request_log();
        log.iter().filter(|r| r.path.starts_with(path)).count()
    };
    let statements = || count("/api/2.0/sql/statements");
    let endpoints = || count("/api/2.0/serving-endpoints");

    let first = evaluate(&mut rt, &mut rx, 1, false).await;
    let (s1, e1) = (statements(), endpoints());
    assert!(s1 > 0, "nothing kept yet: the monitoring facts are read");
    assert!(first.monitoring_at_ms.is_some());
    let drift = |r: &alerts::AlertsRead| {
        r.evaluation
            .firing
            .iter()
            .filter(|a| a.rule == "feature-drift")
            .count()
    };
    // tenure_months on churn_inference and avg_basket_value on customer_features.
    assert_eq!(drift(&first), 2);

    let second = evaluate(&mut rt, &mut rx, 2, false).await;
    assert_eq!(statements(), s1, "no statement between two readings");
    assert!(endpoints() > e1, "the endpoint facts are read every time");
    assert_eq!(second.monitoring_at_ms, first.monitoring_at_ms);
    assert_eq!(drift(&second), 2, "judged on the facts kept");

    evaluate(&mut rt, &mut rx, 3, true).await;
    assert!(statements() > s1, "asked: read anew");
}
