//! `n` on a feature table runs the job that writes it: the Jobs screen opens on that job with
//! the run-now form (the Jobs room's own change: form, confirm, the change pipeline, journaled
//! and read back). On the real runtime against the simulator (127.0.0.1).

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::screens::jobs::Change;
use mlops_console::app::{Overlay, ScreenRoute};
use mlops_console::ops::journal::{Journal, Outcome};
use support::features::{FeatureSim, as_is, manual_sql_at_once};

const CUSTOMER: &str = "main.features.customer_features";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n_runs_the_producing_job_through_the_jobs_change() {
    let mut d = FeatureSim::start_with(manual_sql_at_once(), as_is).await;
    d.type_ft(CUSTOMER);
    d.pump(|d| d.state.features.detail.is_settled()).await;
    let job = d
        .state
        .features
        .detail
        .data
        .as_ref()
        .and_then(|t| t.producing_job.clone())
        .expect("the demo's table has a producing job");
    assert!(d.screen_text(200, 50).contains("n run refresh job"));

    d.char('n');
    assert_eq!(*d.state.route(), ScreenRoute::Job { job_id: job.job_id });
    d.pump(|d| matches!(d.state.overlay, Overlay::RoomForm(_)))
        .await;
    // Nothing is sent before the confirm.
    assert_eq!(d.journaled(), 0);
    d.key(KeyCode::Enter);
    assert!(matches!(d.state.overlay, Overlay::Confirm(_)));
    d.char('y');
    d.pump(|d| d.state.jobs.last.is_some()).await;
    let done = d.state.jobs.last.clone().unwrap();
    assert!(
        matches!(&done.change, Change::RunNow { job_id, .. } if *job_id == job.job_id),
        "{:?}",
        done.change
    );
    assert_eq!(done.outcome, Some(Outcome::Ok), "{}", done.message);
    let journal = Journal::in_dir(d.dir.path()).read().unwrap();
    assert_eq!(journal.entries.len(), 1);
    assert_eq!(
        journal.entries[0].latest().map(|r| r.outcome),
        Some(Outcome::Ok)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n_on_a_table_without_a_producing_job_says_so() {
    let mut d = FeatureSim::start_with(manual_sql_at_once(), as_is).await;
    d.type_ft("main.features.support_interactions");
    d.pump(|d| d.state.features.detail.is_settled()).await;
    assert!(
        d.state
            .features
            .detail
            .data
            .as_ref()
            .unwrap()
            .producing_job
            .is_none(),
        "the stale table's export is paused: no job writes it"
    );
    d.char('n');
    assert!(matches!(d.state.route(), ScreenRoute::FeatureTable { .. }));
    assert!(d.effects.iter().all(|e| !format!("{e:?}").contains("Job")));
    assert!(
        d.screen_text(200, 50).contains("no producing job found"),
        "{}",
        d.screen_text(200, 50)
    );
}
