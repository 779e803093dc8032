//! Following a job run: a read that knows an earlier read of the same run keeps its ended
//! tasks' outputs and its MLflow run instead of asking for them again on every poll.

mod ops_support;

use std::collections::BTreeMap;

use mlops_console::api::models::jobs::ListRunsRequest;
use mlops_console::ops::job_run_view::{Known, read, read_known};
use mlops_console::sim::{self, SimHandle, SimOptions};

use ops_support::client_with;

const BATCH: &str = "churn-batch-score";

fn outputs_read(sim: &SimHandle) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.path.ends_with("/runs/get-output"))
        .count()
}

#[tokio::test]
async fn a_second_read_keeps_ended_task_outputs_and_reads_only_the_run() {
    let sim = sim::start(SimOptions::default()).await.unwrap();
    let c = client_with(&sim, sim::DEFAULT_TOKEN, |_| {});
    let jobs = c.list_all_jobs(&Default::default()).await.unwrap();
    let job = jobs.iter().find(|j| j.display_name() == BATCH).unwrap();
    let runs = c
        .list_job_runs(&ListRunsRequest {
            job_id: Some(job.job_id),
            limit: Some(25),
            ..Default::default()
        })
        .await
        .unwrap()
        .runs;
    let failed = runs
        .iter()
        .find(|r| r.state_label() == "TERMINATED FAILED")
        .expect("the demo's batch job has a failed run");
    let none = BTreeMap::new();

    let first = read(&c, failed.run_id, &none).await.unwrap();
    let asked = outputs_read(&sim);
    assert!(asked > 0, "the first read asks for the task outputs");
    assert!(first.tasks.iter().any(|t| t.error.is_some()));

    let known = Known::from_view(&first);
    let again = read_known(&c, failed.run_id, &none, &known).await.unwrap();
    assert_eq!(outputs_read(&sim), asked, "no output read again");
    assert_eq!(
        again.tasks, first.tasks,
        "the same tasks, outputs and errors"
    );
    assert_eq!(again.wrote, first.wrote);

    // Knowing nothing reads them again.
    read_known(&c, failed.run_id, &none, &Known::default())
        .await
        .unwrap();
    assert_eq!(outputs_read(&sim), 2 * asked);
    sim.shutdown().await;
}
