//! The change pipeline itself, under faults, with a scripted change: what it sends and what
//! reading back shows are set by each test, so every rule of the pipeline is seen on its own —
//! read-only refused before anything is read, journaled or sent; the attempt journaled before
//! the first request; a journal that cannot be written stops the change unsent; a lost answer
//! with no read-back stays unknown (in the outcome and in the journal); the read-back decides.

mod ops_support;

use std::sync::{Arc, Mutex};

use mlops_console::api::{ApiError, ApiResult, Client, ErrorKind};
use mlops_console::ops::change::judge::{Sent, Verdict, judge};
use mlops_console::ops::change::pipeline::{self, Change, Entry, Sending, Settled, Stamp};
use mlops_console::ops::change::resend::Resend;
use mlops_console::ops::journal::{Outcome, Standing};
use mlops_console::ops::{ChangeAction, ChangeOutcome, Journal, ObjectState, OpError, Target};
use mlops_console::sim::{self, SimHandle, SimOptions};

use ops_support::{client_with, ctx, temp_journal};

async fn sim() -> SimHandle {
    sim::start(SimOptions::default()).await.unwrap()
}

fn alias(version: &str) -> ObjectState {
    ObjectState::Alias {
        version: Some(version.to_string()),
    }
}

fn reset() -> ApiError {
    ApiError::Transport {
        host: "127.0.0.1".into(),
        message: "connection reset".into(),
        sent: true,
    }
}

fn refused() -> ApiError {
    ApiError::Api {
        status: 403,
        kind: ErrorKind::PermissionDenied,
        code: None,
        message: "not yours".into(),
    }
}

/// A change whose send and read-back are scripted, recording what the pipeline asked of it
/// and what the journal held when the request went out.
struct Scripted {
    journal: Journal,
    sends_as: Sent,
    reads_as: ApiResult<ObjectState>,
    /// A verdict to claim instead of judging the read-back (a careless future change).
    claims: Option<Outcome>,
    calls: Arc<Mutex<Vec<String>>>,
}

impl Scripted {
    fn new(journal: &Journal, sends_as: Sent, reads_as: ApiResult<ObjectState>) -> Scripted {
        Scripted {
            journal: journal.clone(),
            sends_as,
            reads_as,
            claims: None,
            calls: Arc::default(),
        }
    }

    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

impl Change for Scripted {
    type Detail = ();

    fn what(&self) -> String {
        "promote".into()
    }

    fn resend(&self) -> Resend {
        Resend::Never
    }

    async fn prepare(&mut self, _: &Client) -> Result<(), OpError> {
        self.calls.lock().unwrap().push("prepare".into());
        Ok(())
    }

    fn entry(&self, _: &Stamp) -> Entry {
        Entry {
            action: ChangeAction::Promote,
            target: Target::UcAlias {
                model: "main.ml.churn".into(),
                alias: "champion".into(),
            },
            before: alias("4"),
            after: alias("5"),
            comment: None,
            reverts: None,
            requests: vec!["PUT …/aliases/champion".into()],
        }
    }

    async fn send(&mut self, _: &Client, stamp: &Stamp) -> Sending<()> {
        let view = self.journal.read().unwrap();
        let journaled = view
            .entry(&stamp.id)
            .map_or("not journaled".to_string(), |e| {
                format!("journaled, {:?}", e.standing())
            });
        self.calls
            .lock()
            .unwrap()
            .push(format!("send ({journaled})"));
        let mut sending = Sending::new(());
        sending.log.push("PUT …/aliases/champion".into());
        sending.last = self.sends_as.clone();
        sending
    }

    async fn settle(
        &mut self,
        _: &Client,
        _: &Journal,
        _: &Stamp,
        sending: &mut Sending<()>,
    ) -> Settled {
        self.calls.lock().unwrap().push("settle".into());
        let read = self.reads_as.clone();
        let mut verdict = judge(
            "main.ml.churn@champion",
            &alias("4"),
            &alias("5"),
            &sending.last,
            &read,
        );
        if let Some(outcome) = self.claims {
            verdict = Verdict {
                outcome,
                error: None,
                failure: None,
                message: "claimed".into(),
                answer_lost: false,
            };
        }
        Settled { read, verdict }
    }
}

async fn run(
    c: &Client,
    journal: &Journal,
    change: &mut Scripted,
) -> Result<ChangeOutcome, OpError> {
    Ok(pipeline::run(c, journal, &ctx(), change).await?.into())
}

/// The outcome journaled for change `id`.
fn journaled(journal: &Journal, id: &str) -> (Standing, Option<Outcome>) {
    let view = journal.read().unwrap();
    let entry = view.entry(id).expect("journaled");
    (entry.standing(), entry.latest().map(|r| r.outcome))
}

#[tokio::test]
async fn read_only_is_refused_before_anything_is_read_journaled_or_sent() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |o| o.readonly = true);
    let (_dir, journal) = temp_journal();
    let mut change = Scripted::new(&journal, Sent::Done, Ok(alias("5")));
    let err = run(&c, &journal, &mut change).await.unwrap_err();
    assert!(
        matches!(err, OpError::ReadOnly(ref what) if what == "promote"),
        "{err:?}"
    );
    assert!(change.calls().is_empty(), "{:?}", change.calls());
    assert!(journal.read().unwrap().entries.is_empty());
    assert!(sim.request_log().is_empty(), "{:?}", sim.request_log());
}

#[tokio::test]
async fn the_attempt_is_journaled_before_the_request_and_the_result_after() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, journal) = temp_journal();
    let mut change = Scripted::new(&journal, Sent::Done, Ok(alias("5")));
    let out = run(&c, &journal, &mut change).await.unwrap();
    assert_eq!(
        change.calls(),
        ["prepare", "send (journaled, NoResult)", "settle"]
    );
    assert_eq!(out.outcome, Outcome::Ok, "{out:?}");
    assert_eq!(journaled(&journal, &out.id).1, Some(Outcome::Ok));
}

#[tokio::test]
async fn a_journal_that_cannot_be_written_stops_the_change_unsent() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let dir = tempfile::tempdir().unwrap();
    // A directory where the file should be: every append fails.
    let journal = Journal::at(dir.path());
    let mut change = Scripted::new(&journal, Sent::Done, Ok(alias("5")));
    let err = run(&c, &journal, &mut change).await.unwrap_err();
    assert!(matches!(err, OpError::Journal { .. }), "{err:?}");
    assert_eq!(change.calls(), ["prepare"]);
}

#[tokio::test]
async fn a_lost_answer_that_cannot_be_read_back_stays_unknown_and_is_journaled_unknown() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, journal) = temp_journal();
    let mut change = Scripted::new(&journal, Sent::Lost(reset()), Err(reset()));
    let out = run(&c, &journal, &mut change).await.unwrap();
    assert_eq!(out.outcome, Outcome::Unknown, "{out:?}");
    assert!(out.verified.is_none());
    let (standing, outcome) = journaled(&journal, &out.id);
    assert_eq!(outcome, Some(Outcome::Unknown));
    assert!(standing.needs_verify(), "{standing:?}");
}

#[tokio::test]
async fn without_a_read_back_no_change_is_reported_applied_or_failed() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, journal) = temp_journal();
    for (sent, claimed) in [
        (Sent::Done, Outcome::Ok),
        (Sent::Lost(reset()), Outcome::Ok),
        (Sent::Lost(reset()), Outcome::Failed),
        (Sent::Done, Outcome::VerifyFailed),
    ] {
        let mut change = Scripted::new(&journal, sent.clone(), Err(reset()));
        change.claims = Some(claimed);
        let out = run(&c, &journal, &mut change).await.unwrap();
        assert_eq!(
            out.outcome,
            Outcome::Unknown,
            "{sent:?} claimed {claimed:?}"
        );
        assert_eq!(journaled(&journal, &out.id).1, Some(Outcome::Unknown));
    }
    // A definite refusal is a failure even when the object cannot be read back.
    let mut change = Scripted::new(&journal, Sent::Refused(refused()), Err(reset()));
    change.claims = Some(Outcome::Failed);
    let out = run(&c, &journal, &mut change).await.unwrap();
    assert_eq!(out.outcome, Outcome::Failed);
}

#[tokio::test]
async fn the_read_back_decides_the_result() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, journal) = temp_journal();
    // Answered "done", but the object still shows the old version.
    let mut change = Scripted::new(&journal, Sent::Done, Ok(alias("4")));
    let out = run(&c, &journal, &mut change).await.unwrap();
    assert_eq!(out.outcome, Outcome::VerifyFailed, "{out:?}");
    assert_eq!(journaled(&journal, &out.id).1, Some(Outcome::VerifyFailed));
    // The answer was lost, but the object shows the change: ok (answer lost).
    let mut change = Scripted::new(&journal, Sent::Lost(reset()), Ok(alias("5")));
    let out = run(&c, &journal, &mut change).await.unwrap();
    assert_eq!(
        (out.outcome, out.answer_lost),
        (Outcome::Ok, true),
        "{out:?}"
    );
    let view = journal.read().unwrap();
    let result = view.entry(&out.id).unwrap().latest().unwrap();
    assert!(result.answer_lost);
    assert_eq!(result.verified, Some(alias("5")));
}
