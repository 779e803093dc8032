//! Whole canary plans against the simulator on a manual clock: every sleep of the runner (its
//! intervals and its waits for config updates) moves the simulated clock instead of waiting, so
//! a quarter of an hour of background traffic and judgements runs in well under a second.
//!
//! * The seeded challenger (v5) is healthy: the plan walks 5 → 25 → 50 → 100% and promotes it.
//! * A version `churn-retrain` registers with an oversized grid (800 trees of depth 8: a heavy
//!   model, see `sim::serving::build`) degrades above 20% of the traffic: the plan adds it at 0%,
//!   passes 5%, fails its guard at 25% and puts back the split it started from on its own
//!   (v5's 10%, scaled down with stable on the way up, included).
//! * One it registers with its default parameters is healthy: the plan takes it to 100%, v5
//!   scaled down with stable to 0% (still configured).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mlops_console::api::models::jobs::RunNowRequest;
use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::ops::canary::{
    CanaryAction, CanaryPlan, CanaryState, CanaryStore, Command, Phase, RunUntil, Runner, Severity,
};
use mlops_console::ops::change::execute::ChangeContext;
use mlops_console::ops::journal::Standing;
use mlops_console::ops::traffic::{Split, Waiter};
use mlops_console::ops::{ChangeAction, Journal, Workspace};
use mlops_console::sim::{self, ScriptedFault, SimClock, SimHandle, SimOptions};

const START_MS: i64 = 1_767_225_600_000;
const RETRAIN: i64 = 907_245_117_743_512;

const GUARDS: &str = r#"
steps    = [5, 25, 50, 100]
hold     = "2m"
interval = "15s"
[guards]
min_requests         = 200
max_error_rate_delta = 0.01
max_p99_ms           = 100
max_p99_ratio        = 1.2
confidence           = 0.95
"#;

async fn sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(START_MS),
        ..SimOptions::default()
    })
    .await
    .expect("simulator starts")
}

fn client(sim: &SimHandle) -> Client {
    Client::new(ClientOptions::new(
        sim.base_url.clone(),
        Credentials::Pat(Secret::new(sim.token.clone())),
    ))
    .unwrap()
}

/// A runner whose every sleep advances the simulator's clock; the alerts it raises are kept.
fn runner<'a>(
    sim: &SimHandle,
    c: &'a Client,
    dir: &std::path::Path,
    alerts: Arc<Mutex<Vec<(Severity, String)>>>,
) -> Runner<'a> {
    let clock = sim.clock.clone();
    let now = sim.clock.clone();
    let mut r = Runner::new(
        c,
        Journal::in_dir(dir),
        ChangeContext {
            profile: "demo".into(),
            actor: Some("ml-eng@acme.com".into()),
            production: false,
        },
    );
    r.clock = Arc::new(move || now.now_ms());
    r.waiter = Waiter::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        Box::pin(async {})
    }));
    r.store = Some(CanaryStore::for_workspace(
        dir,
        &Workspace::new(c.host(), None),
    ));
    r.on_step = Box::new(move |_, actions| {
        for a in actions {
            if let CanaryAction::Alert { severity, message } = a {
                alerts.lock().unwrap().push((*severity, message.clone()));
            }
        }
    });
    r
}

fn canary_actions(dir: &std::path::Path) -> Vec<String> {
    Journal::in_dir(dir)
        .read()
        .unwrap()
        .entries
        .iter()
        .map(|e| {
            assert_eq!(e.standing(), Standing::Ok, "{:?}", e.results);
            assert_eq!(e.attempt.action, ChangeAction::Canary);
            e.attempt.after.describe()
        })
        .collect()
}

#[tokio::test]
async fn the_healthy_challenger_is_promoted_step_by_step() {
    let sim = sim().await;
    let c = client(&sim);
    let dir = tempfile::tempdir().unwrap();
    let plan = CanaryPlan::parse(&format!(
        "endpoint = \"churn-prod\"\nstable = \"churn_model-4\"\ncanary = \"churn_model-5\"\n{GUARDS}"
    ))
    .unwrap();
    let alerts = Arc::new(Mutex::new(Vec::new()));
    let state = CanaryState::new(plan, sim.clock.now_ms());
    let done = runner(&sim, &c, dir.path(), alerts.clone())
        .run(state)
        .await
        .unwrap();

    assert_eq!(
        done.phase,
        Phase::Completed,
        "{}\n{:#?}",
        done.describe(),
        done.history
    );
    let ep = c.get_serving_endpoint("churn-prod").await.unwrap();
    let split = Split::of_endpoint(&ep);
    assert_eq!(split.percent("churn_model-5"), 100);
    assert_eq!(split.percent("churn_model-4"), 0);
    assert_eq!(
        canary_actions(dir.path()),
        [
            "churn_model-4=95, churn_model-5=5",
            "churn_model-4=75, churn_model-5=25",
            "churn_model-4=50, churn_model-5=50",
            "churn_model-4=0, churn_model-5=100",
        ]
    );
    // Every step was held at least its two minutes, and judged on real traffic.
    let elapsed = sim.clock.now_ms() - START_MS;
    assert!(elapsed >= 3 * 120_000, "{elapsed}");
    assert!(done.judgements >= 12, "{}", done.judgements);
    assert_eq!(
        alerts.lock().unwrap().last().map(|a| a.0),
        Some(Severity::Info)
    );
    // The final state is on disk, where a restarted console finds it.
    let saved = CanaryStore::for_workspace(dir.path(), &Workspace::new(c.host(), None))
        .load("churn-prod")
        .unwrap()
        .unwrap();
    assert_eq!(saved.phase, Phase::Completed);
}

#[tokio::test]
async fn a_heavy_retrained_version_fails_at_25_percent_and_rolls_back_alone() {
    let sim = sim().await;
    let c = client(&sim);
    // Retrain with an oversized grid: the job registers main.ml.churn_model v6 about 20 s later,
    // its MLflow run logging 800 trees of depth 8.
    let heavy = [("n_estimators", "800"), ("max_depth", "8")];
    c.run_now(&RunNowRequest {
        job_id: RETRAIN,
        job_parameters: heavy
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    })
    .await
    .unwrap();
    sim.clock.advance(Duration::from_secs(30));
    let v6 = c.get_uc_model_version("main.ml.churn_model", 6).await;
    assert!(v6.is_ok(), "v6 registered: {v6:?}");

    let dir = tempfile::tempdir().unwrap();
    let plan = CanaryPlan::parse(&format!(
        "endpoint = \"churn-prod\"\nstable = \"churn_model-4\"\ncanary_model = \
         \"main.ml.churn_model\"\ncanary_version = \"6\"\n{GUARDS}"
    ))
    .unwrap();
    let alerts = Arc::new(Mutex::new(Vec::new()));
    let state = CanaryState::new(plan, sim.clock.now_ms());
    let mut r = runner(&sim, &c, dir.path(), alerts.clone());
    r.until = RunUntil::Finished;
    let done = r.run(state).await.unwrap();

    assert_eq!(
        done.phase,
        Phase::RolledBack,
        "{}\n{:#?}",
        done.describe(),
        done.history
    );
    let reason = done.rollback_reason.clone().unwrap();
    assert!(reason.starts_with("FAIL"), "{reason}");
    // It failed where the story says: the 25% step.
    assert_eq!(done.percent(), 25);
    let ep = c.get_serving_endpoint("churn-prod").await.unwrap();
    let split = Split::of_endpoint(&ep);
    assert_eq!(split.percent("churn_model-6"), 0);
    assert_eq!(split.percent("churn_model-4"), 90);
    assert_eq!(
        split.percent("churn_model-5"),
        10,
        "the other entity is back at its share"
    );
    let v6 = ep
        .config
        .unwrap()
        .served_entities
        .into_iter()
        .find(|e| e.name == "churn_model-6")
        .expect("the canary stays served at 0%");
    assert_eq!(v6.workload_size.as_deref(), Some("Small"));
    assert_eq!(
        canary_actions(dir.path()),
        [
            "churn_model-4=90, churn_model-5=10, churn_model-6=0",
            "churn_model-4=86, churn_model-5=9, churn_model-6=5",
            "churn_model-4=68, churn_model-5=7, churn_model-6=25",
            "churn_model-4=90, churn_model-5=10, churn_model-6=0",
        ]
    );
    let alerts = alerts.lock().unwrap();
    assert_eq!(alerts.last().unwrap().0, Severity::Critical, "{alerts:?}");
    assert!(
        alerts
            .last()
            .unwrap()
            .1
            .contains("back to the split the plan started from")
    );
}

#[tokio::test]
async fn a_retrain_with_default_parameters_is_promoted_beside_the_earlier_challenger() {
    let sim = sim().await;
    let c = client(&sim);
    // The job's own parameters (350 trees of depth 6): a normal model, whatever its number.
    c.run_now(&RunNowRequest {
        job_id: RETRAIN,
        ..Default::default()
    })
    .await
    .unwrap();
    sim.clock.advance(Duration::from_secs(30));
    let v6 = c.get_uc_model_version("main.ml.churn_model", 6).await;
    assert!(v6.is_ok(), "v6 registered: {v6:?}");

    let dir = tempfile::tempdir().unwrap();
    // Far past the 20% a heavy version saturates at, up to 100%: churn_model-5's 10% is
    // scaled down with stable on the way.
    let guards = GUARDS;
    let plan = CanaryPlan::parse(&format!(
        "endpoint = \"churn-prod\"\nstable = \"churn_model-4\"\ncanary_model = \
         \"main.ml.churn_model\"\ncanary_version = \"6\"\n{guards}"
    ))
    .unwrap();
    let alerts = Arc::new(Mutex::new(Vec::new()));
    let state = CanaryState::new(plan, sim.clock.now_ms());
    let mut r = runner(&sim, &c, dir.path(), alerts.clone());
    r.until = RunUntil::Finished;
    let done = r.run(state).await.unwrap();

    assert_eq!(
        done.phase,
        Phase::Completed,
        "{}\n{:#?}",
        done.describe(),
        done.history
    );
    let ep = c.get_serving_endpoint("churn-prod").await.unwrap();
    let split = Split::of_endpoint(&ep);
    assert_eq!(split.percent("churn_model-6"), 100);
    assert_eq!(split.percent("churn_model-4"), 0);
    assert_eq!(split.percent("churn_model-5"), 0);
    assert_eq!(
        ep.config.unwrap().served_entities.len(),
        3,
        "the earlier entities stay configured"
    );
    assert_eq!(
        canary_actions(dir.path()),
        [
            "churn_model-4=90, churn_model-5=10, churn_model-6=0",
            "churn_model-4=86, churn_model-5=9, churn_model-6=5",
            "churn_model-4=68, churn_model-5=7, churn_model-6=25",
            "churn_model-4=45, churn_model-5=5, churn_model-6=50",
            "churn_model-4=0, churn_model-5=0, churn_model-6=100",
        ]
    );
    assert!(
        done.judgements >= 12,
        "judged on traffic: {}",
        done.judgements
    );
}

#[tokio::test]
async fn a_plan_left_at_its_first_step_resumes_from_disk_and_an_abort_rolls_it_back() {
    let sim = sim().await;
    let c = client(&sim);
    let dir = tempfile::tempdir().unwrap();
    let plan = CanaryPlan::parse(&format!(
        "endpoint = \"churn-prod\"\nstable = \"churn_model-4\"\ncanary = \"churn_model-5\"\n{GUARDS}"
    ))
    .unwrap();
    // First process: apply the first step and stop (as `canary NAME --plan FILE` does).
    let mut first = runner(&sim, &c, dir.path(), Arc::default());
    first.until = RunUntil::FirstStep;
    let left = first
        .run(CanaryState::new(plan, sim.clock.now_ms()))
        .await
        .unwrap();
    assert_eq!((left.phase, left.percent()), (Phase::Holding, 5));

    // Second process: reads the state back, holds on, and is aborted by the user.
    let saved = CanaryStore::for_workspace(dir.path(), &Workspace::new(c.host(), None))
        .load("churn-prod")
        .unwrap()
        .unwrap();
    assert_eq!(saved, left);
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tx.send(Command::Abort).unwrap();
    let mut second = runner(&sim, &c, dir.path(), Arc::default());
    second.commands = Some(rx);
    let done = second.run(saved).await.unwrap();
    assert_eq!(done.phase, Phase::Aborted, "{:#?}", done.history);
    let split = Split::of_endpoint(&c.get_serving_endpoint("churn-prod").await.unwrap());
    assert_eq!(split.percent("churn_model-5"), 0);
    assert_eq!(split.percent("churn_model-4"), 100);
    assert_eq!(
        canary_actions(dir.path()),
        [
            "churn_model-4=95, churn_model-5=5",
            "churn_model-4=100, churn_model-5=0",
        ]
    );
}

#[tokio::test]
async fn a_plan_saved_for_another_workspace_is_never_driven_here() {
    let sim = sim().await;
    let c = client(&sim);
    let dir = tempfile::tempdir().unwrap();
    let plan = CanaryPlan::parse(&format!(
        "endpoint = \"churn-prod\"\nstable = \"churn_model-4\"\ncanary = \"churn_model-5\"\n{GUARDS}"
    ))
    .unwrap();
    let ws = Workspace::of(&c).await;
    assert!(ws.id.is_some(), "the simulator reports its workspace id");
    let mut elsewhere = CanaryState::new(plan.clone(), sim.clock.now_ms());
    elsewhere.host = Some("http://127.0.0.1:1".into());
    let mut other_id = CanaryState::new(plan, sim.clock.now_ms());
    other_id.host = Some(c.host().to_string());
    other_id.workspace_id = Some("not-this-one".into());
    for state in [elsewhere, other_id] {
        let err = runner(&sim, &c, dir.path(), Arc::default())
            .run(state)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("not driven here"), "{err}");
    }
    assert!(
        !sim.request_log().iter().any(|r| r.method == "PUT"),
        "nothing sent"
    );
    assert!(
        !Journal::in_dir(dir.path()).path().exists(),
        "nothing journaled"
    );
}

const ENDPOINT_PATH: &str = "/api/2.0/serving-endpoints/churn-prod";

fn endpoint_reads(sim: &SimHandle) -> usize {
    let log = sim.request_log();
    let reads = log
        .iter()
        .filter(|r| r.method == "GET" && r.path == ENDPOINT_PATH);
    reads.count()
}

fn churn_plan() -> CanaryPlan {
    CanaryPlan::parse(&format!(
        "endpoint = \"churn-prod\"\nstable = \"churn_model-4\"\ncanary = \"churn_model-5\"\n{GUARDS}"
    ))
    .unwrap()
}

#[tokio::test]
async fn a_refused_token_stops_the_plan_at_the_first_refused_read() {
    let sim = sim().await;
    let c = client(&sim);
    let dir = tempfile::tempdir().unwrap();
    // Every authenticated request from here on is refused: a revoked token.
    sim.script_faults(vec![ScriptedFault::Status(401); 100]);
    let err = runner(&sim, &c, dir.path(), Arc::default())
        .run(CanaryState::new(churn_plan(), sim.clock.now_ms()))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("401"), "{err}");
    assert_eq!(endpoint_reads(&sim), 1, "one refused read is final: {err}");
}

#[tokio::test]
async fn a_step_refused_with_403_is_not_followed_by_twenty_reads() {
    // Where the first change goes out, learned on a twin simulator (the story is seeded and
    // the clock manual, so both send the same requests).
    let twin = sim().await;
    let tc = client(&twin);
    let twin_dir = tempfile::tempdir().unwrap();
    let mut first = runner(&twin, &tc, twin_dir.path(), Arc::default());
    first.until = RunUntil::FirstStep;
    first
        .run(CanaryState::new(churn_plan(), twin.clock.now_ms()))
        .await
        .unwrap();
    let authed: Vec<_> = twin
        .request_log()
        .into_iter()
        .filter(|r| r.principal.is_some())
        .collect();
    let put = authed.iter().position(|r| r.method == "PUT").unwrap();
    let reads_before_put = authed[..put]
        .iter()
        .filter(|r| r.method == "GET" && r.path == ENDPOINT_PATH)
        .count();

    let sim = sim().await;
    let c = client(&sim);
    let dir = tempfile::tempdir().unwrap();
    // The step's PUT is refused, and so is everything after it (the TUI keeps a paused plan
    // open, reading the endpoint every interval).
    let mut script = vec![ScriptedFault::Pass; put];
    script.extend(vec![ScriptedFault::Status(403); 100]);
    sim.script_faults(script);
    let mut r = runner(&sim, &c, dir.path(), Arc::default());
    r.stop_when_paused = false;
    let err = r
        .run(CanaryState::new(churn_plan(), sim.clock.now_ms()))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("403"), "{err}");
    // After the refused PUT: its read-back, the look after the change, one look while paused.
    let after = endpoint_reads(&sim) - reads_before_put;
    assert!(after <= 3, "{after} reads after the refusal: {err}");
    let saved = CanaryStore::for_workspace(dir.path(), &Workspace::new(c.host(), None))
        .load("churn-prod")
        .unwrap()
        .unwrap();
    assert!(
        saved.history.iter().any(|e| e.message.contains("403")),
        "{:#?}",
        saved.history
    );
}
