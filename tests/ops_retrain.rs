//! `ops::retrain` against the simulator on a manual clock: the job found by config or by its
//! `mlops.retrains` tag (and a clear error naming the config line when none or several are);
//! a retrain journaled as a `retrain` with its reason, verified, its run carrying the reason as
//! parameters and followed to the version it registered (pending approval); a lost run-now
//! answer starting one run, not two; read-only refusals; the automatic guard (once per window
//! per rule, never read-only). Only 127.0.0.1 is contacted.

mod ops_support;

use std::collections::BTreeMap;
use std::time::Duration;

use mlops_console::api::models::jobs::ListRunsRequest;
use mlops_console::api::{Client, RetryPolicy};
use mlops_console::config::ApprovalSettings;
use mlops_console::config::retraining::RetrainingJobs;
use mlops_console::ops::jobs::Poll;
use mlops_console::ops::journal::{Outcome, Standing};
use mlops_console::ops::retrain::auto::{
    AutoDecision, AutoOutcome, AutoRetrainStore, AutoTrigger, auto_retrain,
};
use mlops_console::ops::retrain::{
    JobSource, LookupError, RetrainError, RetrainRequest, find_job, follow, retrain,
};
use mlops_console::ops::{ChangeAction, OpError, Workspace};
use mlops_console::sim::{self, ScriptedFault, SimClock, SimHandle, SimOptions};

use ops_support::{client_with, ctx, temp_journal};

const MODEL: &str = "main.ml.churn_model";
const RETRAIN_JOB: i64 = 907_245_117_743_512;
const RUN_NOW: &str = "/api/2.2/jobs/run-now";

async fn sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        traffic_rps: 0.0,
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

fn client(sim: &SimHandle) -> Client {
    client_with(sim, &sim.token, |o| {
        o.retry_policy = RetryPolicy::scaled(Duration::from_millis(1));
    })
}

fn read_only(sim: &SimHandle) -> Client {
    client_with(sim, &sim.token, |o| o.readonly = true)
}

/// Sleeps that advance the simulator's manual clock.
fn simulated(sim: &SimHandle) -> Poll<'static> {
    let clock = sim.clock.clone();
    Poll::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        Box::pin(async {})
    }))
}

fn posts(sim: &SimHandle, path: &str) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.method == "POST" && r.path == path)
        .count()
}

async fn runs_of_retrain(c: &Client) -> usize {
    let req = ListRunsRequest {
        job_id: Some(RETRAIN_JOB),
        limit: Some(25),
        ..Default::default()
    };
    let mut n = 0;
    let mut req = req;
    loop {
        let page = c.list_job_runs(&req).await.unwrap();
        n += page.runs.len();
        match page.next_page_token {
            Some(t) => req.page_token = Some(t),
            None => return n,
        }
    }
}

fn configured(model: &str, job: i64) -> RetrainingJobs {
    RetrainingJobs::new(BTreeMap::from([(model.to_string(), job)]))
}

fn drift() -> RetrainRequest {
    RetrainRequest {
        monitor: Some("main.ml.churn_inference".into()),
        feature: Some("tenure_months".into()),
        ..RetrainRequest::new(MODEL, "drift")
    }
}

#[tokio::test]
async fn the_job_is_found_by_config_or_by_tag_and_none_or_several_name_the_fix() {
    let sim = sim().await;
    let c = client(&sim);
    let tagged = find_job(&c, &RetrainingJobs::default(), MODEL)
        .await
        .unwrap();
    assert_eq!(
        (tagged.job_id, tagged.name.as_str(), tagged.source),
        (RETRAIN_JOB, "churn-retrain", JobSource::Tag)
    );
    assert!(tagged.defined.iter().any(|p| p == "max_depth"));

    // Config wins over the tag, even naming another job.
    let score = c
        .list_all_jobs(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .find(|j| j.settings.name == "churn-batch-score")
        .unwrap();
    let by_config = find_job(&c, &configured(MODEL, score.job_id), MODEL)
        .await
        .unwrap();
    assert_eq!(
        (by_config.job_id, by_config.source),
        (score.job_id, JobSource::Config)
    );

    let missing = find_job(&c, &configured(MODEL, 42), MODEL)
        .await
        .unwrap_err();
    assert!(
        matches!(
            missing,
            LookupError::ConfiguredJobMissing { job_id: 42, .. }
        ),
        "{missing}"
    );
    assert!(
        missing
            .to_string()
            .contains("[retraining] \"main.ml.churn_model\" = 42")
    );

    let none = find_job(&c, &RetrainingJobs::default(), "main.ml.fraud_model")
        .await
        .unwrap_err();
    assert!(matches!(none, LookupError::NoJob { .. }), "{none}");
    assert!(
        none.to_string()
            .contains("[retraining] \"main.ml.fraud_model\" = JOB_ID"),
        "{none}"
    );

    // Two jobs tagged for the model (a listing as a workspace with a copied job answers it).
    let tag = |id: i64, name: &str| {
        serde_json::json!({"job_id": id, "settings": {"name": name,
            "tags": {"mlops.retrains": MODEL}}})
    };
    sim.script_faults(vec![ScriptedFault::Json {
        status: 200,
        body: serde_json::json!({"jobs": [tag(1, "churn-retrain"), tag(2, "churn-retrain-copy")],
            "has_more": false})
        .to_string(),
    }]);
    let several = find_job(&c, &RetrainingJobs::default(), MODEL)
        .await
        .unwrap_err();
    let msg = several.to_string();
    assert!(
        matches!(several, LookupError::SeveralJobs { count: 2, .. }),
        "{msg}"
    );
    assert!(
        msg.contains("churn-retrain (1), churn-retrain-copy (2)")
            && msg.contains("[retraining] \"main.ml.churn_model\" = JOB_ID"),
        "{msg}"
    );
}

#[tokio::test]
async fn a_retrain_is_journaled_verified_and_followed_to_its_pending_version() {
    let sim = sim().await;
    let c = client(&sim);
    let (_dir, journal) = temp_journal();
    let job = find_job(&c, &RetrainingJobs::default(), MODEL)
        .await
        .unwrap();
    let started = retrain(&c, &journal, &ctx(), &job, &drift(), "tok-1".into())
        .await
        .unwrap();

    let view = journal.read().unwrap();
    let entry = view.entry(&started.journal_id).expect("journaled");
    assert_eq!(entry.attempt.action, ChangeAction::Retrain);
    let comment = entry.attempt.comment.clone().unwrap();
    assert!(
        comment.starts_with("retrain main.ml.churn_model: drift; parameters: ")
            && comment.contains("feature=tenure_months")
            && comment.contains("monitor=main.ml.churn_inference"),
        "{comment}"
    );
    assert_eq!(entry.standing(), Standing::Ok);
    assert!(entry.latest().unwrap().verified.is_some(), "read back");

    let run = c.get_job_run(started.run_id).await.unwrap();
    assert_eq!(run.parameter("reason"), Some("drift"));
    assert_eq!(run.parameter("feature"), Some("tenure_months"));

    let end = follow(
        &c,
        started.run_id,
        MODEL,
        simulated(&sim),
        &BTreeMap::new(),
        &ApprovalSettings::default(),
    )
    .await
    .unwrap();
    assert!(end.succeeded, "{end:?}");
    assert_eq!(end.state, "TERMINATED SUCCESS");
    let v = end.version.expect("the version it registered");
    assert_eq!(v.version, 6);
    assert!(v.pending_approval, "{v:?}");
    assert_eq!(v.status.as_deref(), Some("READY"));
    assert_eq!(
        v.describe(),
        "registered main.ml.churn_model v6 (pending approval)"
    );
    let mlflow = c.get_run(&v.mlflow_run_id).await.unwrap();
    let reason = mlflow.data.params.iter().find(|p| p.key == "reason");
    assert_eq!(reason.map(|p| p.value.as_str()), Some("drift"));
}

#[tokio::test]
async fn a_lost_answer_starts_one_run_not_two() {
    let sim = sim().await;
    let c = client(&sim);
    let (_dir, journal) = temp_journal();
    let job = find_job(&c, &RetrainingJobs::default(), MODEL)
        .await
        .unwrap();
    let before = runs_of_retrain(&c).await;
    sim.script_faults(vec![ScriptedFault::AfterApply(Box::new(
        ScriptedFault::Reset,
    ))]);
    let started = retrain(&c, &journal, &ctx(), &job, &drift(), "tok-lost".into())
        .await
        .unwrap();
    assert!(posts(&sim, RUN_NOW) >= 2, "asked again with the same token");
    assert_eq!(runs_of_retrain(&c).await, before + 1, "one run, not two");
    let view = journal.read().unwrap();
    let entry = view.entry(&started.journal_id).unwrap();
    assert_eq!(entry.standing(), Standing::Ok);
    assert_eq!(view.entries.len(), 1);
}

#[tokio::test]
async fn read_only_clients_refuse_before_anything_is_sent() {
    let sim = sim().await;
    let c = read_only(&sim);
    let (dir, journal) = temp_journal();
    let job = find_job(&c, &RetrainingJobs::default(), MODEL)
        .await
        .unwrap();
    let err = retrain(&c, &journal, &ctx(), &job, &drift(), "tok-ro".into())
        .await
        .unwrap_err();
    assert!(
        matches!(err, RetrainError::Op(OpError::ReadOnly(_))),
        "{err}"
    );
    assert_eq!(posts(&sim, RUN_NOW), 0);
    assert!(journal.read().unwrap().entries.is_empty());

    let store = AutoRetrainStore::for_workspace(dir.path(), &Workspace::new(c.host(), None));
    let trigger = AutoTrigger {
        rule: "tenure drift".into(),
        enabled: true,
        window: "2026-12-05T00:00:00.000Z".into(),
    };
    let out = auto_retrain(
        &c,
        &journal,
        &ctx(),
        &store,
        false,
        &trigger,
        &job,
        &drift(),
        "t".into(),
    )
    .await
    .unwrap();
    assert!(matches!(out, AutoOutcome::Skipped(AutoDecision::ReadOnly)));
    assert_eq!(posts(&sim, RUN_NOW), 0);
}

#[tokio::test]
async fn automatic_retraining_runs_once_per_window_per_rule_and_says_so() {
    let sim = sim().await;
    let c = client(&sim);
    let (dir, journal) = temp_journal();
    let job = find_job(&c, &RetrainingJobs::default(), MODEL)
        .await
        .unwrap();
    let store = AutoRetrainStore::for_workspace(dir.path(), &Workspace::new(c.host(), None));
    let mut trigger = AutoTrigger {
        rule: "tenure drift".into(),
        enabled: false,
        window: "2026-12-05T00:00:00.000Z".into(),
    };
    let go = |t: &AutoTrigger, token: &str| {
        let (c, journal, store, job, t, token) = (
            c.clone(),
            journal.clone(),
            store.clone(),
            job.clone(),
            t.clone(),
            token.to_string(),
        );
        async move {
            auto_retrain(
                &c,
                &journal,
                &ctx(),
                &store,
                false,
                &t,
                &job,
                &drift(),
                token,
            )
            .await
            .unwrap()
        }
    };
    let off = go(&trigger, "a0").await;
    assert!(matches!(off, AutoOutcome::Skipped(AutoDecision::Off)));

    trigger.enabled = true;
    let AutoOutcome::Started(first) = go(&trigger, "a1").await else {
        panic!("the first firing of the window retrains");
    };
    let again = go(&trigger, "a2").await;
    assert!(
        matches!(
            again,
            AutoOutcome::Skipped(AutoDecision::AlreadyDone { .. })
        ),
        "{again:?}"
    );
    assert_eq!(posts(&sim, RUN_NOW), 1);

    let view = journal.read().unwrap();
    let entry = view.entry(&first.journal_id).unwrap();
    assert_eq!(entry.attempt.action, ChangeAction::Retrain);
    let comment = entry.attempt.comment.clone().unwrap();
    assert!(
        comment.starts_with("retrain main.ml.churn_model (automatic): drift"),
        "{comment}"
    );
    assert!(
        comment.contains("window=2026-12-05T00:00:00.000Z"),
        "{comment}"
    );
    assert_eq!(entry.latest().unwrap().outcome, Outcome::Ok);

    // The next window retrains again.
    trigger.window = "2026-12-06T00:00:00.000Z".into();
    assert!(matches!(go(&trigger, "a3").await, AutoOutcome::Started(_)));
    assert_eq!(posts(&sim, RUN_NOW), 2);
}
