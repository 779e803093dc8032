//! The journal around real requests: the attempt is on disk when the request arrives, a lost
//! answer is "unknown" until verified, an attempt without a result (a crash) is settled by
//! re-reading the object, and nothing is sent when the attempt cannot be written.

mod client_support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use client_support::{Reply, Server, options};
use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::ops::change::verify::{verify, verify_unknown};
use mlops_console::ops::journal::{Attempt, Outcome, Record, ResultRecord, Standing, Via};
use mlops_console::ops::{
    ChangeAction, ChangeContext, Journal, ObjectState, OpError, Plan, Step, Target, execute,
};
use mlops_console::sim::{self, SimHandle, SimOptions};

const MODEL: &str = "main.ml.churn_model";
const MODEL_AT_V4: &str =
    r#"{"full_name":"main.ml.churn_model","aliases":[{"alias_name":"champion","version_num":4}]}"#;
const MODEL_AT_V5: &str =
    r#"{"full_name":"main.ml.churn_model","aliases":[{"alias_name":"champion","version_num":5}]}"#;

fn ctx() -> ChangeContext {
    ChangeContext {
        profile: "test".into(),
        actor: None,
        production: false,
    }
}

fn alias(v: &str) -> ObjectState {
    ObjectState::Alias {
        version: Some(v.into()),
    }
}

fn champion_plan(from: &str, to: &str) -> Plan {
    let mut plan = Plan::new(
        ChangeAction::Promote,
        Target::UcAlias {
            model: MODEL.into(),
            alias: "champion".into(),
        },
        alias(from),
        alias(to),
    );
    plan.steps.push(Step::SetUcAlias {
        model: MODEL.into(),
        alias: "champion".into(),
        version: to.parse().unwrap(),
    });
    plan
}

/// An attempt, as a console writes it, to move champion from `from` to `to` on `host`.
fn champion_attempt(id: &str, host: &str, from: &str, to: &str) -> Record {
    Record::Attempt(Box::new(Attempt {
        id: id.into(),
        time: "2026-01-01T00:00:00.000Z".into(),
        ts_ms: 0,
        profile: "demo".into(),
        host: host.into(),
        workspace_id: None,
        actor: None,
        action: ChangeAction::Promote,
        target: Target::UcAlias {
            model: MODEL.into(),
            alias: "champion".into(),
        },
        before: alias(from),
        after: alias(to),
        comment: None,
        reverts: None,
        requests: Vec::new(),
    }))
}

/// A client that never retries, so one lost answer is the outcome.
fn sim_client(sim: &SimHandle) -> Client {
    let mut o = ClientOptions::new(
        sim.base_url.clone(),
        Credentials::Pat(Secret::new(sim.token.clone())),
    );
    o.retry_budget = Duration::ZERO;
    Client::new(o).unwrap()
}

#[tokio::test]
async fn the_attempt_is_on_disk_when_the_request_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::in_dir(dir.path());
    let path = journal.path().to_path_buf();
    let at_send: Arc<Mutex<Option<String>>> = Arc::default();
    let seen = at_send.clone();
    let moved = Arc::new(AtomicBool::new(false));
    let server = Server::start(move |req, _| {
        if req.method == "PUT" {
            *seen.lock().unwrap() = Some(std::fs::read_to_string(&path).unwrap_or_default());
            moved.store(true, Ordering::SeqCst);
            return Reply::json(200, r#"{"alias_name":"champion","version_num":5}"#);
        }
        if moved.load(Ordering::SeqCst) {
            Reply::json(200, MODEL_AT_V5)
        } else {
            Reply::json(200, MODEL_AT_V4)
        }
    })
    .await;
    let client = Client::new(options(&server.url(), Credentials::Pat("dapi-x".into()))).unwrap();
    let done = execute(&client, &journal, &ctx(), &champion_plan("4", "5"))
        .await
        .unwrap();
    assert_eq!(done.outcome, Outcome::Ok, "{}", done.message);

    let file_then = at_send.lock().unwrap().clone().expect("the PUT arrived");
    let lines: Vec<&str> = file_then.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "only the attempt, before the request: {file_then}"
    );
    match serde_json::from_str::<Record>(lines[0]).unwrap() {
        Record::Attempt(a) => {
            assert_eq!(a.id, done.id);
            assert_eq!(a.after, alias("5"));
            assert_eq!(
                a.requests,
                [
                    "PUT /api/2.1/unity-catalog/models/main.ml.churn_model/aliases/champion (version_num 5)"
                ]
            );
        }
        other => panic!("expected the attempt, got {other:?}"),
    }
    let view = journal.read().unwrap();
    assert_eq!(view.entries[0].results.len(), 1);
    assert_eq!(view.entries[0].results[0].via, Via::Execute);
}

#[tokio::test]
async fn an_accepted_change_that_does_not_read_back_is_verify_failed() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::in_dir(dir.path());
    // The server says yes, but the alias still points at v4 afterwards.
    let server = Server::start(|req, _| {
        if req.method == "PUT" {
            return Reply::json(200, r#"{"alias_name":"champion","version_num":5}"#);
        }
        Reply::json(
            200,
            r#"{"full_name":"main.ml.churn_model","aliases":[{"alias_name":"champion","version_num":4}]}"#,
        )
    })
    .await;
    let client = Client::new(options(&server.url(), Credentials::Pat("dapi-x".into()))).unwrap();
    let done = execute(&client, &journal, &ctx(), &champion_plan("4", "5"))
        .await
        .unwrap();
    assert_eq!(done.outcome, Outcome::VerifyFailed, "{}", done.message);
    assert_eq!(done.verified, Some(alias("4")));
    assert!(
        done.message.contains("shows v4, not v5"),
        "{}",
        done.message
    );
    let view = journal.read().unwrap();
    assert_eq!(view.entries[0].standing(), Standing::VerifyFailed);
}

#[tokio::test]
async fn a_lost_answer_is_unknown_until_verified() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::in_dir(dir.path());
    // The PUT never gets an answer, and the alias stays at v4.
    let server = Server::start(|req, _| {
        if req.method == "PUT" {
            return Reply::Hang;
        }
        Reply::json(200, MODEL_AT_V4)
    })
    .await;
    let mut o = options(&server.url(), Credentials::Pat("dapi-x".into()));
    o.request_timeout = Duration::from_millis(300);
    o.retry_budget = Duration::ZERO;
    let client = Client::new(o).unwrap();
    let done = execute(&client, &journal, &ctx(), &champion_plan("4", "5"))
        .await
        .unwrap();
    assert_eq!(done.outcome, Outcome::Unknown, "{}", done.message);
    assert!(done.message.contains("unknown"), "{}", done.message);
    let view = journal.read().unwrap();
    assert_eq!(view.entries[0].standing(), Standing::Unknown);
    assert_eq!(view.entries[0].standing().label(), "unknown — verify");

    let settled = verify_unknown(&client, &journal).await.unwrap();
    assert_eq!(settled.len(), 1);
    let result = settled[0].1.as_ref().unwrap();
    assert_eq!(result.outcome, Outcome::Failed);
    assert_eq!(result.via, Via::Verify);
    assert!(
        result.error.as_deref().unwrap().contains("not applied"),
        "{result:?}"
    );
    assert_eq!(
        journal.read().unwrap().entries[0].standing(),
        Standing::Failed
    );
}

#[tokio::test]
async fn an_attempt_without_a_result_is_settled_by_re_reading() {
    let sim = sim::start(SimOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::in_dir(dir.path());
    let client = sim_client(&sim);
    let attempt = champion_attempt;
    // A console crashed after sending "champion 4 → 5" (it landed) and, later, after writing
    // "champion 5 → 3" (it never went out). A third change was made on another workspace.
    journal
        .append(&attempt("landed", &sim.base_url, "4", "5"))
        .unwrap();
    client.set_uc_alias(MODEL, "champion", 5).await.unwrap();
    journal
        .append(&attempt("elsewhere", "https://other.example", "4", "5"))
        .unwrap();
    journal
        .append(&attempt("lost", &sim.base_url, "5", "3"))
        .unwrap();
    // …and the file ends in a torn line.
    let mut text = std::fs::read_to_string(journal.path()).unwrap();
    text.push_str(r#"{"type":"result","id":"lost","ti"#);
    std::fs::write(journal.path(), text).unwrap();

    let view = journal.read().unwrap();
    assert_eq!(view.problems.len(), 1, "{:?}", view.problems);
    assert_eq!(view.needing_verify().count(), 3);

    let settled = verify_unknown(&client, &journal).await.unwrap();
    let outcomes: Vec<(&str, Outcome)> = settled
        .iter()
        .map(|(id, r)| (id.as_str(), r.as_ref().unwrap().outcome))
        .collect();
    // "landed" is judged by the next change of the alias, planned from v5; "lost" still reads
    // its before (v5).
    assert_eq!(
        outcomes,
        [("landed", Outcome::Ok), ("lost", Outcome::Failed)]
    );
    let view = journal.read().unwrap();
    let standing = |id: &str| view.entry(id).unwrap().standing();
    assert_eq!(standing("landed"), Standing::Ok);
    assert_eq!(standing("lost"), Standing::Failed);
    // A settled change is never judged again.
    let again = verify(&client, &journal, &view, view.entry("landed").unwrap()).await;
    assert!(again.unwrap_err().to_string().contains("never rewritten"));
    assert_eq!(standing("elsewhere"), Standing::NoResult);
    let err = verify(&client, &journal, &view, view.entry("elsewhere").unwrap())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("connect to that workspace"),
        "{err}"
    );
}

#[tokio::test]
async fn nothing_is_sent_when_the_attempt_cannot_be_written() {
    let sim = sim::start(SimOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let journal = Journal::in_dir(&blocker);
    let client = sim_client(&sim);
    let err = execute(&client, &journal, &ctx(), &champion_plan("4", "5"))
        .await
        .unwrap_err();
    assert!(matches!(err, OpError::Journal { .. }), "{err}");
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    let writes = sim
        .request_log()
        .iter()
        .filter(|r| r.method != "GET")
        .count();
    assert_eq!(writes, 0);
    assert_eq!(
        client
            .get_uc_model(MODEL)
            .await
            .unwrap()
            .alias_version("champion"),
        Some(4)
    );
}

#[tokio::test]
async fn verify_judges_an_unknown_change_by_the_next_change_not_by_the_object_now() {
    let sim = sim::start(SimOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::in_dir(dir.path());
    let client = sim_client(&sim);
    let attempt = |id: &str, from: &str, to: &str| champion_attempt(id, &sim.base_url, from, to);
    // "applied" moved champion 4 → 5 and lost its answer; "back" then moved it 5 → 4 and was
    // verified. The alias reads v4 now, as it did before "applied".
    journal.append(&attempt("applied", "4", "5")).unwrap();
    journal.append(&attempt("back", "5", "4")).unwrap();
    journal
        .append(&Record::Result(ResultRecord {
            id: "back".into(),
            time: "2026-01-01T00:00:01.000Z".into(),
            ts_ms: 1,
            outcome: Outcome::Ok,
            error: None,
            verified: Some(alias("4")),
            via: Via::Execute,
            answer_lost: false,
            sent: Vec::new(),
        }))
        .unwrap();
    let settled = verify_unknown(&client, &journal).await.unwrap();
    assert_eq!(settled.len(), 1);
    let result = settled[0].1.as_ref().unwrap();
    assert_eq!(result.outcome, Outcome::Ok, "{:?}", result.error);
    assert_eq!(
        result.verified,
        Some(alias("5")),
        "the state the next change found"
    );
}
