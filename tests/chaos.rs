//! Chaos: every kind of change, many times, against the simulator with faults — server errors,
//! throttling, resets, latency, and changes that are applied and then lose their answer (a
//! reset, a 500 or an HTML 504 after the fact). After each change the faults are switched off
//! and the truth is read from the server; the journal must agree with it:
//! - no change applied twice (counted from the simulator's own request log and, for serving,
//!   from the config version; for launches, from the job's runs);
//! - no change journaled "failed" or "ok" against what the server shows;
//! - every "unknown" settled correctly by `audit --verify` afterwards, when later changes have
//!   moved the same objects again — including every fifth change, whose result record is
//!   dropped as if the console had stopped right after sending.
//!
//! Bounded: a fixed number of rounds, milliseconds of backoff, a manual simulator clock. The
//! figures are printed for the closing note (`cargo test --test chaos -- --nocapture`).
//! `MLOPS_CHAOS_ROUNDS` sets the rounds (default 20; each round makes one change of each kind),
//! `MLOPS_CHAOS_SEED` the simulator's seed (which requests fault).

use std::collections::BTreeMap;
use std::time::Duration;

use mlops_console::api::models::job_runs::ListRunsRequest;
use mlops_console::api::models::jobs::RunNowRequest;
use mlops_console::api::{Client, ClientOptions, Credentials, RetryPolicy, Secret};
use mlops_console::config::ApprovalSettings;
use mlops_console::ops::approvals::{Decision, DecisionRequest, prepare_decision};
use mlops_console::ops::change::readback::read_state;
use mlops_console::ops::change::verify::verify_unknown;
use mlops_console::ops::jobs::Backoff;
use mlops_console::ops::journal::{Outcome, Standing};
use mlops_console::ops::launch::launch_job;
use mlops_console::ops::promote::{PromoteRequest, prepare as prepare_promote};
use mlops_console::ops::rollback::{RollbackPlan, RollbackRequest, prepare as prepare_rollback};
use mlops_console::ops::traffic::{EndpointConfigState, Split, TrafficPlan, Waiter, apply};
use mlops_console::ops::{
    ChangeAction, ChangeContext, Journal, ObjectState, OpError, Target, execute,
};
use mlops_console::sim::{self, FaultSpec, SimClock, SimHandle, SimOptions};

const FAULTS: &str = "500=0.1,429=0.05,reset=0.01,lost=0.15,latency=0..3ms";
const START_MS: i64 = 1_767_225_600_000;
const RETRAIN_JOB: i64 = 907_245_117_743_512;
const UC_MODEL: &str = "main.ml.churn_model";
const WS_MODEL: &str = "fraud_model";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    UcPromote,
    UcRollback,
    WsPromote,
    WsDecision,
    UcDecision,
    Traffic,
    Launch,
    /// Removing a served entity left at 0% (added again, without faults, before each round).
    RemoveEntity,
}

/// One change as the journal tells it and as the server shows it.
#[derive(Debug)]
struct Observed {
    kind: Kind,
    id: String,
    outcome: Outcome,
    /// The change is in place on the server right after it (read without faults).
    applied: bool,
    /// Requests that changed the server during this change (from its request log).
    writes: usize,
    /// Writes the change may legitimately make: its requests, plus undos it journaled.
    allowed: usize,
}

struct Rig {
    sim: SimHandle,
    client: Client,
    journal: Journal,
    _dir: tempfile::TempDir,
    faults: FaultSpec,
}

fn ctx() -> ChangeContext {
    ChangeContext {
        profile: "chaos".into(),
        actor: Some("ml-eng@acme.com".into()),
        production: false,
    }
}

/// The entity each removal round takes away: a copy of the stable entity, at 0%.
const SPARE: &str = "churn_model-4-spare";

/// Serves [`SPARE`] at 0% on churn-prod (faults off), through the change pipeline like any
/// other change, unless a removal that did not land left it there.
async fn add_spare(rig: &Rig) {
    let ep = rig.client.get_serving_endpoint("churn-prod").await.unwrap();
    let state = EndpointConfigState::of(&ep);
    if state.entity_names().iter().any(|n| n == SPARE) {
        return;
    }
    let mut spare = state.served_entities[0].clone();
    spare.name = Some(SPARE.to_string());
    let plan = TrafficPlan::add_entity(&ep, spare, ChangeAction::Traffic);
    let done = apply(
        &rig.client,
        &rig.journal,
        &ctx(),
        &plan,
        &mut waiter(&rig.sim),
    )
    .await
    .unwrap();
    assert_eq!(done.outcome, Outcome::Ok, "the spare entity is served");
}

fn waiter(sim: &SimHandle) -> Waiter<'static> {
    let clock = sim.clock.clone();
    Waiter::real()
        .with_sleep(Box::new(move |d: Duration| {
            clock.advance(d);
            Box::pin(async {})
        }))
        .with_backoff(Backoff {
            step: Duration::from_secs(1),
            cap: Duration::from_secs(2),
            timeout: Duration::from_secs(600),
        })
}

impl Rig {
    async fn start() -> Rig {
        let sim = sim::start(SimOptions {
            clock: SimClock::manual(START_MS),
            serving_update_delay: Duration::from_secs(2),
            traffic_rps: 0.0,
            seed: std::env::var("MLOPS_CHAOS_SEED")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(7),
            ..SimOptions::default()
        })
        .await
        .unwrap();
        let mut o = ClientOptions::new(
            sim.base_url.clone(),
            Credentials::Pat(Secret::new(sim.token.clone())),
        );
        o.retry_policy = RetryPolicy::scaled(Duration::from_millis(1));
        o.request_timeout = Duration::from_secs(20);
        let client = Client::new(o).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let clock = sim.clock.clone();
        let journal = Journal::in_dir(dir.path()).with_clock(move || clock.now_ms());
        Rig {
            sim,
            client,
            journal,
            _dir: dir,
            faults: FaultSpec::parse(FAULTS).unwrap(),
        }
    }

    /// Writes (changes the server applied) in the request log from `mark` on.
    fn writes_since(&self, mark: usize) -> usize {
        self.sim.request_log()[mark..]
            .iter()
            .filter(|r| r.method != "GET" && !is_read(&r.path))
            .filter(|r| {
                let ok = r.status.is_some_and(|s| (200..300).contains(&s));
                ok && r
                    .fault
                    .as_deref()
                    .is_none_or(|f| f.starts_with("lost after"))
            })
            .count()
    }

    async fn job_runs(&self) -> Vec<i64> {
        let req = ListRunsRequest {
            job_id: Some(RETRAIN_JOB),
            limit: Some(25),
            ..Default::default()
        };
        let mut ids = Vec::new();
        let mut req = req;
        loop {
            let page = self.client.list_job_runs(&req).await.unwrap();
            ids.extend(page.runs.iter().map(|r| r.run_id));
            match page.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) if page.has_more => req.page_token = Some(t),
                _ => break,
            }
        }
        ids
    }
}

fn is_read(path: &str) -> bool {
    mlops_console::api::http::readonly::is_read_only_call("POST", path)
}

/// What a kind of change does in round `n`: journals, sends, reads back. `Ok(None)` when it
/// had nothing to do or was refused before anything was sent.
async fn change(rig: &Rig, kind: Kind, n: usize) -> Result<Option<(String, Outcome)>, OpError> {
    let c = &rig.client;
    let j = &rig.journal;
    let outcome = match kind {
        Kind::UcPromote | Kind::WsPromote => {
            let (model, versions) = match kind {
                Kind::UcPromote => (UC_MODEL, ["5", "3", "4"]),
                _ => (WS_MODEL, ["3", "4", "2"]),
            };
            // The next version in the cycle that is not already there.
            let mut plan = None;
            for k in 0..3 {
                let req = PromoteRequest {
                    model: model.into(),
                    version: versions[(n + k) % 3].into(),
                    ..PromoteRequest::default()
                };
                let candidate = prepare_promote(c, &req, &ApprovalSettings::default()).await?;
                if !candidate.is_noop() {
                    plan = Some(candidate);
                    break;
                }
            }
            let Some(plan) = plan else { return Ok(None) };
            execute(c, j, &ctx(), &plan).await?
        }
        Kind::UcRollback => {
            let view = j.read().unwrap();
            let req = RollbackRequest {
                model: UC_MODEL.into(),
                ..RollbackRequest::default()
            };
            match prepare_rollback(c, &view, &req).await? {
                RollbackPlan::Plan(plan) => execute(c, j, &ctx(), &plan).await?,
                RollbackPlan::Candidates(_) => return Ok(None),
            }
        }
        Kind::WsDecision | Kind::UcDecision => {
            let (model, version) = match kind {
                Kind::WsDecision => (WS_MODEL, "4"),
                _ => (UC_MODEL, "5"),
            };
            let decision = if n.is_multiple_of(2) {
                Decision::Approve
            } else {
                Decision::Reject
            };
            let req = DecisionRequest {
                model: model.into(),
                version: version.into(),
                decision,
                comment: Some(format!("chaos round {n}")),
                stage: (kind == Kind::WsDecision).then(|| "Staging".to_string()),
                archive_existing: false,
            };
            let settings = ApprovalSettings::default();
            let plan = prepare_decision(c, &settings, Some("ml-eng@acme.com"), &req).await?;
            execute(c, j, &ctx(), &plan).await?
        }
        Kind::Traffic => {
            let ep = c.get_serving_endpoint("churn-prod").await?;
            let points = if n.is_multiple_of(2) { 5 } else { -5 };
            let target = Split::of_endpoint(&ep)
                .shift("churn_model-5", points)
                .map_err(|e| OpError::Invalid(e.to_string()))?;
            let plan = TrafficPlan::routes(&ep, &target, ChangeAction::Traffic)?;
            apply(c, j, &ctx(), &plan, &mut waiter(&rig.sim)).await?
        }
        Kind::RemoveEntity => {
            let ep = c.get_serving_endpoint("churn-prod").await?;
            let plan = TrafficPlan::remove_entity(&ep, SPARE, ChangeAction::Traffic)?;
            apply(c, j, &ctx(), &plan, &mut waiter(&rig.sim)).await?
        }
        Kind::Launch => {
            let req = RunNowRequest {
                job_id: RETRAIN_JOB,
                idempotency_token: Some(format!("chaos-launch-{n}")),
                ..Default::default()
            };
            let done = launch_job(c, j, &ctx(), "churn-retrain", &req).await?;
            return Ok(Some((done.id, done.outcome)));
        }
    };
    Ok(Some((outcome.id, outcome.outcome)))
}

/// The state after a change as the server shows it, in the shape of the journal's "after".
async fn truth(rig: &Rig, target: &Target, after: &ObjectState) -> ObjectState {
    read_state(&rig.client, target, after).await.unwrap()
}

#[tokio::test]
async fn under_faults_every_change_is_sent_once_and_journaled_as_it_happened() {
    let rounds: usize = std::env::var("MLOPS_CHAOS_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let rig = Rig::start().await;
    let none = FaultSpec::none();
    let kinds = [
        Kind::UcPromote,
        Kind::WsPromote,
        Kind::UcDecision,
        Kind::WsDecision,
        Kind::Traffic,
        Kind::Launch,
        Kind::UcRollback,
        Kind::RemoveEntity,
    ];
    let mut observed: Vec<Observed> = Vec::new();
    let mut refused_before_sending = 0;
    for n in 0..rounds {
        for &kind in &kinds {
            rig.sim.set_faults(none.clone());
            if kind == Kind::WsDecision {
                // A request to decide on, opened without faults (it is not the change here).
                let _ = rig
                    .client
                    .create_transition_request(WS_MODEL, "4", "Staging", Some("chaos"))
                    .await;
            }
            if kind == Kind::RemoveEntity {
                add_spare(&rig).await;
            }
            let runs_before = rig.job_runs().await;
            let version_before = config_version(&rig).await;
            let mark = rig.sim.request_log().len();
            rig.sim.set_faults(rig.faults.clone());
            let result = change(&rig, kind, n).await;
            rig.sim.set_faults(none.clone());
            rig.sim.clock.advance(Duration::from_secs(5));
            let Some((id, outcome)) = (match result {
                Ok(r) => r,
                Err(e) => {
                    refused_before_sending += 1;
                    if std::env::var_os("MLOPS_CHAOS_VERBOSE").is_some() {
                        println!("{kind:?} round {n}: not sent: {e}");
                    }
                    None
                }
            }) else {
                continue;
            };
            let writes = rig.writes_since(mark);
            let view = rig.journal.read().unwrap();
            let entry = view.entry(&id).expect("journaled");
            let a = &entry.attempt;
            let undos = entry
                .results
                .iter()
                .flat_map(|r| r.sent.iter())
                .filter(|s| s.ends_with("(undo)"))
                .count();
            let (applied, allowed) = match kind {
                Kind::Launch => {
                    let new = rig.job_runs().await.len() - runs_before.len();
                    assert!(new <= 1, "launch {id} started {new} runs");
                    (new == 1, a.requests.len())
                }
                _ => {
                    let now = truth(&rig, &a.target, &a.after).await;
                    if matches!(kind, Kind::Traffic | Kind::RemoveEntity) {
                        let after = config_version(&rig).await;
                        assert!(
                            after - version_before <= 1,
                            "traffic change {id} moved config_version {version_before} → {after}"
                        );
                    }
                    (a.after.satisfied_by(&now), a.requests.len() + undos)
                }
            };
            // Every fifth change "crashes" before its result is written: the journal keeps the
            // attempt alone, and `audit --verify` must settle it from history like any unknown.
            let outcome = if observed.len() % 5 == 4 {
                drop_results(&rig.journal, &id);
                Outcome::Unknown
            } else {
                outcome
            };
            observed.push(Observed {
                kind,
                id,
                outcome,
                applied,
                writes: if kind == Kind::Launch {
                    usize::from(applied)
                } else {
                    writes
                },
                allowed,
            });
        }
    }

    // Settle the unknowns as `audit --verify` does, with the faults off.
    rig.sim.set_faults(none.clone());
    let settled: BTreeMap<String, Outcome> = verify_unknown(&rig.client, &rig.journal)
        .await
        .unwrap()
        .into_iter()
        .map(|(id, r)| {
            let r = r.expect("verifies");
            if std::env::var_os("MLOPS_CHAOS_VERBOSE").is_some() {
                println!(
                    "verify {id}: {:?} {:?} {:?}",
                    r.outcome, r.error, r.verified
                );
            }
            (id, r.outcome)
        })
        .collect();

    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut duplicated = Vec::new();
    let mut wrong = Vec::new();
    let mut unknown_wrong = Vec::new();
    for o in &observed {
        *counts.entry(o.outcome.as_str()).or_default() += 1;
        if o.writes > o.allowed {
            duplicated.push(format!("{:?} {}: {} writes", o.kind, o.id, o.writes));
        }
        let agrees = |outcome: Outcome| match outcome {
            Outcome::Ok => o.applied,
            Outcome::Failed => !o.applied,
            _ => false,
        };
        match o.outcome {
            Outcome::Unknown => match settled.get(&o.id) {
                Some(s) if agrees(*s) => {}
                other => unknown_wrong.push(format!(
                    "{:?} {}: settled {other:?}, applied {}",
                    o.kind, o.id, o.applied
                )),
            },
            Outcome::Ok | Outcome::Failed if agrees(o.outcome) => {}
            other => {
                if std::env::var_os("MLOPS_CHAOS_VERBOSE").is_some() {
                    let view = rig.journal.read().unwrap();
                    println!("{:#?}", view.entry(&o.id));
                }
                wrong.push(format!(
                    "{:?} {}: journaled {other:?}, applied {}",
                    o.kind, o.id, o.applied
                ))
            }
        }
    }
    let faults: usize = rig
        .sim
        .request_log()
        .iter()
        .filter(|r| r.fault.is_some())
        .count();
    let lost = rig
        .sim
        .request_log()
        .iter()
        .filter(|r| {
            r.fault
                .as_deref()
                .is_some_and(|f| f.starts_with("lost after"))
        })
        .count();
    println!(
        "chaos: {} changes ({} refused before sending), {} faults injected ({} answers lost \
         after the change was applied); outcomes {:?}; {} unknown settled by verify; \
         duplicated {}, wrong outcomes {}, unknowns settled wrongly {}",
        observed.len(),
        refused_before_sending,
        faults,
        lost,
        counts,
        settled.len(),
        duplicated.len(),
        wrong.len(),
        unknown_wrong.len()
    );
    assert!(
        duplicated.is_empty(),
        "applied more than once: {duplicated:#?}"
    );
    assert!(
        wrong.is_empty(),
        "journal disagrees with the server: {wrong:#?}"
    );
    assert!(unknown_wrong.is_empty(), "{unknown_wrong:#?}");
    assert!(lost > 0, "the run lost some answers after applying");
    let view = rig.journal.read().unwrap();
    assert!(
        view.entries.iter().all(|e| !e.standing().needs_verify()),
        "nothing is left unknown after verify"
    );
    assert!(
        view.entries
            .iter()
            .all(|e| e.standing() != Standing::VerifyFailed)
    );
}

/// Removes the result records of change `id` from the journal file, as if the console had
/// stopped right after sending.
fn drop_results(journal: &Journal, id: &str) {
    let text = std::fs::read_to_string(journal.path()).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !(l.contains(r#""type":"result""#) && l.contains(&format!(r#""id":"{id}""#))))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(journal.path(), kept).unwrap();
}

async fn config_version(rig: &Rig) -> i64 {
    let ep = rig.client.get_serving_endpoint("churn-prod").await.unwrap();
    EndpointConfigState::of(&ep).config_version.unwrap_or(0)
}
