//! The load test from the endpoint screen on the real runtime against the simulator
//! (127.0.0.1): `L`, the form, the confirm dialog, then the live panel fed from the engine's
//! snapshot on the tick; `x` stops it and the verdict says the operator did; `x` again
//! dismisses it; a second, short test runs to its bound and meets its SLO. Both are in the
//! journal as `load_test` with an attempt and a result, as the headless `bench` writes them.
//! Assertions are on counts and verdicts, never on how long anything took.

mod support;

use std::time::Duration;

use crossterm::event::KeyCode;

use mlops_console::app::runtime::Runtime;
use mlops_console::app::screens::serving::bench::verdict_text;
use mlops_console::app::{Msg, Overlay};
use mlops_console::ops::bench::{Status, StopReason};
use mlops_console::ops::journal::{Journal, Outcome};
use mlops_console::ops::{ChangeAction, ObjectState};
use mlops_console::sim::{self, SimClock, SimOptions};
use support::sim_runtime::{pump, sim_context};
use support::{Driver, NOW, session};

/// Sets the form's fields by position (mode, load, duration, requests, slo, max error rate).
fn fill(d: &mut Driver, values: &[&str]) {
    let Overlay::RoomForm(form) = &mut d.state.overlay else {
        panic!("the load test form: {:?}", d.state.overlay);
    };
    for (i, v) in values.iter().enumerate() {
        form.fields[i].input = v.to_string().into();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn l_runs_a_journaled_load_test_with_a_live_panel_and_a_stop_key() {
    let sim = sim::start(SimOptions {
        clock: SimClock::real(),
        traffic_rps: 0.0,
        sql_latency: Duration::ZERO,
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
    d.type_text("ep churn-prod");
    d.key(KeyCode::Enter);
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.serving.current().is_some()
    })
    .await;

    // L, a long test at 200 req/s, confirmed.
    d.char('L');
    fill(&mut d, &["rate", "200", "60s", "", "", ""]);
    d.key(KeyCode::Enter);
    assert!(matches!(d.state.overlay, Overlay::Confirm(_)));
    assert!(
        Journal::in_dir(dir.path())
            .read()
            .unwrap()
            .entries
            .is_empty()
    );
    d.char('y');
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state
            .serving
            .bench
            .running
            .as_ref()
            .is_some_and(|r| r.monitor.is_some())
    })
    .await;

    // The tick refreshes the panel from the engine's snapshot until requests are counted.
    let mut now = NOW;
    for _ in 0..300 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        now += 1_000;
        d.send(Msg::Tick { now_ms: now });
        pump(&mut d, &mut rt, &mut rx, |_| true).await;
        let counted = d.state.serving.bench.running.as_ref().and_then(|r| {
            r.snapshot
                .as_ref()
                .filter(|s| !s.warming_up && s.requests.completed > 0)
        });
        if counted.is_some() {
            break;
        }
    }
    let live = d.state.serving.bench.running.as_ref().unwrap();
    let snap = live.snapshot.clone().expect("a live snapshot");
    assert!(snap.requests.completed > 0, "{snap:?}");
    assert_eq!(snap.rps.target, Some(200.0));
    let text = d.screen_text(140, 50);
    assert!(
        text.contains("Load test") && text.contains("running"),
        "{text}"
    );
    assert!(text.contains("of 200 target"), "{text}");
    assert!(text.contains("churn_model-4"), "per entity: {text}");
    assert!(text.contains("x stop test"), "the stop key: {text}");

    // x stops it; the result says the operator did, and is kept until dismissed.
    d.char('x');
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.serving.bench.last.is_some()
    })
    .await;
    let last = d.state.serving.bench.last.clone().unwrap();
    assert_eq!(
        last.done.outcome,
        Some(Outcome::Ok),
        "{}",
        last.done.message
    );
    let result = last.done.result.as_ref().expect("a result");
    assert_eq!(result.verdict.stop, Some(StopReason::Stopped));
    assert!(
        result.requests.completed < 12_000,
        "stopped before its bound"
    );
    let (verdict, _) = verdict_text(&last.done);
    assert!(verdict.contains("stopped by the operator"), "{verdict}");
    let text = d.screen_text(140, 50);
    assert!(text.contains("stopped by the operator"), "{text}");
    assert!(
        d.state
            .toasts
            .iter()
            .any(|t| t.text.contains("load test of churn-prod")),
        "{:?}",
        d.state.toasts
    );
    d.char('x');
    assert!(d.state.serving.bench.last.is_none(), "dismissed");
    assert!(!d.screen_text(140, 50).contains("Load test"));

    // A short test to its bound: 100 requests at 200 req/s under a 1 s p99 (a loaded machine
    // must not fail it).
    d.char('L');
    fill(&mut d, &["rate", "200", "", "100", "1000", ""]);
    d.key(KeyCode::Enter);
    d.char('y');
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.serving.bench.last.is_some()
    })
    .await;
    let last = d.state.serving.bench.last.clone().unwrap();
    let result = last.done.result.as_ref().expect("a result");
    assert_eq!(result.requests.completed, 100, "the request bound");
    assert_eq!(result.verdict.status, Status::Met);
    assert!(d.screen_text(140, 50).contains("SLO met"));

    // Both are journaled as the headless twin journals them: an attempt and a summary.
    let entries = Journal::in_dir(dir.path()).read().unwrap().entries;
    let tests: Vec<_> = entries
        .iter()
        .filter(|e| e.attempt.action == ChangeAction::LoadTest)
        .collect();
    assert_eq!(tests.len(), 2, "{entries:?}");
    for e in &tests {
        assert_eq!(e.attempt.profile, "sim");
        let r = e.latest().expect("a result record");
        assert_eq!(r.outcome, Outcome::Ok);
        let Some(ObjectState::LoadTest(state)) = &r.verified else {
            panic!("the summary: {r:?}");
        };
        assert!(state.summary.is_some(), "{state:?}");
    }
    let met = tests
        .iter()
        .filter_map(|e| match &e.latest()?.verified {
            Some(ObjectState::LoadTest(s)) => s.summary.clone(),
            _ => None,
        })
        .find(|s| s.completed == 100)
        .expect("the short test's summary");
    assert_eq!(met.verdict, "met");
}
