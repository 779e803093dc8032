//! The Jobs screen on the real runtime against the simulator (on 127.0.0.1, its real clock):
//! `update` and the runtime wired by hand, every effect executed and every answer fed back.
//! Run now goes form → confirm → the change pipeline (journaled, read back) → the new run
//! opens; cancel then follows that run until it has ended cancelled; repair reruns the failed
//! tasks of a failed run.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::runtime::Runtime;
use mlops_console::app::screens::jobs::Change;
use mlops_console::app::{Overlay, ScreenRoute};
use mlops_console::ops::journal::{Journal, Outcome};
use mlops_console::sim::{self, SimClock, SimOptions};
use support::sim_runtime::{pump, sim_context};
use support::{Driver, session};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_now_then_cancel_through_the_runtime_and_the_journal() {
    let sim = sim::start(SimOptions {
        clock: SimClock::real(),
        ..SimOptions::default()
    })
    .await
    .expect("simulator starts");
    let dir = tempfile::tempdir().unwrap();
    let ctx = sim_context(&sim, dir.path());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let mut d = Driver::new(session());

    d.char('8');
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.jobs.list.data.is_some()
    })
    .await;
    let at = d
        .state
        .jobs
        .visible()
        .iter()
        .position(|j| j.name == "churn-batch-score")
        .expect("the demo's batch-score job is listed");
    for _ in 0..at {
        d.char('j');
    }

    // n: the job's parameters arrive, the form opens; Enter, then y.
    d.char('n');
    pump(&mut d, &mut rt, &mut rx, |d| {
        matches!(d.state.overlay, Overlay::RoomForm(_))
    })
    .await;
    d.key(KeyCode::Enter);
    assert!(matches!(d.state.overlay, Overlay::Confirm(_)));
    d.char('y');
    pump(&mut d, &mut rt, &mut rx, |d| d.state.jobs.last.is_some()).await;
    let done = d.state.jobs.last.clone().unwrap();
    assert!(matches!(done.change, Change::RunNow { .. }));
    assert_eq!(done.outcome, Some(Outcome::Ok), "{}", done.message);
    let run_id = done.run_id.expect("the run started");
    assert_eq!(*d.state.route(), ScreenRoute::JobRun { run_id });
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.jobs.open_run().is_some()
    })
    .await;
    let view = d.state.jobs.open_run().unwrap();
    assert_eq!(
        view.tasks.len(),
        3,
        "load features, score, write predictions"
    );

    // X: cancel it, followed until it has ended.
    if d.state.jobs.open_run().unwrap().run.ended {
        panic!(
            "the ~15 s run ended before the cancel: {:?}",
            view.run.state
        );
    }
    d.char('X');
    assert!(matches!(d.state.overlay, Overlay::Confirm(_)));
    d.char('y');
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state
            .jobs
            .last
            .as_ref()
            .is_some_and(|l| matches!(l.change, Change::Cancel { .. }))
    })
    .await;
    let done = d.state.jobs.last.clone().unwrap();
    assert_eq!(done.outcome, Some(Outcome::Ok), "{}", done.message);
    let run = ctx.client.get_job_run(run_id).await.unwrap();
    assert!(
        run.is_terminal() && run.was_cancelled(),
        "{}",
        run.state_label()
    );

    // Both changes are in the journal, as the pipeline judged them.
    let journal = Journal::in_dir(dir.path()).read().unwrap();
    let outcomes: Vec<(String, Option<Outcome>)> = journal
        .entries
        .iter()
        .map(|e| {
            (
                e.attempt.action.as_str().to_string(),
                e.latest().map(|r| r.outcome),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        vec![
            ("run_job".to_string(), Some(Outcome::Ok)),
            ("cancel_run".to_string(), Some(Outcome::Ok)),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repair_of_the_failed_run_through_the_runtime_and_the_journal() {
    let sim = sim::start(SimOptions {
        clock: SimClock::real(),
        ..SimOptions::default()
    })
    .await
    .expect("simulator starts");
    let dir = tempfile::tempdir().unwrap();
    let ctx = sim_context(&sim, dir.path());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let mut d = Driver::new(session());

    d.char('8');
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.jobs.list.data.is_some()
    })
    .await;
    let at = d
        .state
        .jobs
        .visible()
        .iter()
        .position(|j| j.name == "feature-refresh");
    for _ in 0..at.expect("the demo's feature-refresh job is listed") {
        d.char('j');
    }
    d.key(KeyCode::Enter);
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.jobs.runs.data.is_some()
    })
    .await;
    let runs = d.state.jobs.visible_runs();
    let at = runs.iter().position(|r| r.ended && !r.succeeded);
    let failed = runs[at.expect("a failed run in its history")].run_id;
    for _ in 0..at.unwrap() {
        d.char('j');
    }
    d.key(KeyCode::Enter);
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.jobs.open_run().is_some()
    })
    .await;
    let text = d.screen_text(100, 30);
    assert!(text.contains("ConcurrentAppendException"), "{text}");

    d.char('R');
    assert!(matches!(d.state.overlay, Overlay::Confirm(_)));
    d.char('y');
    pump(&mut d, &mut rt, &mut rx, |d| d.state.jobs.last.is_some()).await;
    let done = d.state.jobs.last.clone().unwrap();
    assert!(matches!(done.change, Change::Repair { run_id, .. } if run_id == failed));
    assert_eq!(done.outcome, Some(Outcome::Ok), "{}", done.message);
    let run = ctx.client.get_job_run(failed).await.unwrap();
    assert!(run.latest_repair_id().is_some());

    let journal = Journal::in_dir(dir.path()).read().unwrap();
    assert_eq!(journal.entries.len(), 1);
    assert_eq!(journal.entries[0].attempt.action.as_str(), "repair_run");
    assert_eq!(
        journal.entries[0].latest().map(|r| r.outcome),
        Some(Outcome::Ok)
    );
}
