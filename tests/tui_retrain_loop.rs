//! The whole operator loop of the demo from the keyboard, on the production loop (`App` on a
//! `TestBackend`, keys through its channel) against the simulator in-process: the drift alert
//! fires (Overview, `!` list) → Enter jumps to its monitor → `T` retrains (form, confirm) → the
//! run is followed and registers v6 pending approval → `o` opens the model → `a` approves v6 →
//! `C` on churn-prod, a plan for version 6 → it steps to 100% beside churn_model-5 (scaled
//! down with stable) → promoted. Each step is asserted on the screen, the journal and, at the
//! end, the endpoint's config read from the simulator.
//!
//! The simulator runs on a manual clock, moved forward between short slices of the loop (the
//! retrain's ~20 s, the endpoint's update delay and the background traffic the canary is judged
//! on all follow it); nothing asserts on how long anything took.

mod support;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::time::Instant;

use mlops_console::app::{Msg, Overlay, ScreenRoute, State};
use mlops_console::ops::Journal;
use mlops_console::ops::canary::Phase;
use mlops_console::ops::traffic::Split;
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions};
use mlops_console::tui::{App, Startup};
use support::sim_runtime::sim_context;

const TABLE: &str = "main.ml.churn_inference";
const MODEL: &str = "main.ml.churn_model";
const WIDTH: u16 = 160;
const HEIGHT: u16 = 45;

struct Console {
    app: App<TestBackend>,
    sim: SimHandle,
}

impl Console {
    fn send(&self, code: KeyCode) {
        self.app
            .sender()
            .send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            .unwrap();
    }

    fn key(&self, c: char) {
        self.send(KeyCode::Char(c));
    }

    fn type_text(&self, text: &str) {
        for c in text.chars() {
            self.key(c);
        }
    }

    fn state(&self) -> &State {
        self.app.state()
    }

    /// The frame as drawn now, one line per row.
    fn screen(&mut self) -> String {
        self.app.draw().unwrap();
        let buf = self.app.terminal().backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    /// Runs the loop until `done` holds, moving the simulator's clock `step` forward between
    /// slices of the loop; fails with the screen when it does not hold after 1,500 of them.
    async fn until(&mut self, what: &str, step: Duration, done: impl Fn(&State) -> bool) {
        for _ in 0..1_500 {
            let slice = Some(Instant::now() + Duration::from_millis(40));
            self.app.run_until(&done, slice).await.unwrap();
            if done(self.app.state()) {
                return;
            }
            self.sim.clock.advance(step);
        }
        let screen = self.screen();
        panic!(
            "{what}: not reached\n{screen}\ntoasts: {:?}",
            self.state().toasts
        );
    }

    /// Runs the loop until `done` holds, the simulator's clock moving a little (statements
    /// and monitor reads progress on it).
    async fn settle(&mut self, what: &str, done: impl Fn(&State) -> bool) {
        self.until(what, Duration::from_millis(500), done).await
    }
}

fn journal_actions(dir: &std::path::Path) -> Vec<String> {
    Journal::in_dir(dir)
        .read()
        .unwrap()
        .entries
        .iter()
        .map(|e| e.attempt.action.as_str().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_alert_to_retrain_to_approve_to_canary_to_promoted_from_the_keyboard() {
    let sim = sim::start(SimOptions {
        // Started at the console's own clock, so the ages on screen read as they would.
        clock: SimClock::manual(mlops_console::app::runtime::now_ms()),
        ..SimOptions::default()
    })
    .await
    .expect("simulator starts");
    let dir = tempfile::tempdir().unwrap();
    let ctx = sim_context(&sim, dir.path());
    let terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    let app = App::new(terminal, &ctx, Startup::load(&ctx));
    let mut c = Console { app, sim };
    c.app
        .sender()
        .send(Msg::Start {
            now_ms: c.sim.clock.now_ms(),
        })
        .unwrap();

    // 1 — The Overview evaluates the rules: the drift alert on tenure_months fires.
    c.settle("alerts evaluated", |s| s.alerts.read.is_settled())
        .await;
    let drift = c
        .state()
        .alerts
        .firing()
        .into_iter()
        .find(|a| a.rule == "feature-drift" && a.object.name == format!("{TABLE}.tenure_months"))
        .cloned()
        .unwrap_or_else(|| panic!("the demo's drift alert fires: {:?}", c.state().alerts.read));
    let screen = c.screen();
    assert!(
        screen.contains("main.ml.churn_inference.tenure_months  feature-drift"),
        "the Overview's alerts panel: {screen}"
    );

    // `!` lists it; Enter on it opens its monitor with the cursor on the feature.
    c.key('!');
    c.settle("alerts list", |s| *s.route() == ScreenRoute::Alerts)
        .await;
    let row = c
        .state()
        .alerts
        .firing()
        .iter()
        .position(|a| a.rule == "feature-drift" && a.object.name == drift.object.name)
        .unwrap();
    let screen = c.screen();
    assert!(screen.contains("feature-drift"), "Alerts list: {screen}");
    for _ in 0..row {
        c.key('j');
    }
    c.send(KeyCode::Enter);
    c.settle("the drift of the monitor", |s| {
        *s.route()
            == ScreenRoute::Monitor {
                table: TABLE.into(),
            }
            && s.monitoring.drift.is_settled()
            && s.monitoring.cursor().is_some()
    })
    .await;
    let (row, _) = c.state().monitoring.cursor().unwrap();
    let feature = c.state().monitoring.matrix().unwrap().features[row]
        .name
        .clone();
    assert_eq!(feature, "tenure_months");

    // 2 — T: the retraining form, then its confirm dialog naming the job and why.
    c.key('T');
    c.settle("the retrain form", |s| {
        matches!(s.overlay, Overlay::RoomForm(_))
    })
    .await;
    c.send(KeyCode::Enter);
    c.settle("the retrain dialog", |s| {
        matches!(s.overlay, Overlay::Confirm(_))
    })
    .await;
    let screen = c.screen();
    assert!(screen.contains("churn-retrain"), "{screen}");
    assert!(screen.contains("tenure_months"), "{screen}");
    c.key('y');
    // The run is followed while the simulated job runs (~20 s on the simulator's clock).
    c.until("the retrained version", Duration::from_secs(2), |s| {
        s.monitoring.new_version.is_some()
    })
    .await;
    let v = c.state().monitoring.new_version.clone().unwrap();
    assert_eq!((v.model.as_str(), v.version), (MODEL, 6));
    assert!(v.pending_approval, "{v:?}");
    assert!(
        matches!(c.state().route(), ScreenRoute::JobRun { .. }),
        "the run was followed: {:?}",
        c.state().route()
    );
    let screen = c.screen();
    assert!(
        screen.contains("registered main.ml.churn_model v6 (pending approval)"),
        "{screen}"
    );
    assert!(
        c.state()
            .toasts
            .iter()
            .any(|t| t.text.contains("back on Monitoring (Esc), o opens it")),
        "{:?}",
        c.state().toasts
    );

    // 3 — Back on the monitor, o opens the model; a approves v6.
    c.send(KeyCode::Esc);
    c.key('o');
    c.settle("the model's versions", |s| {
        matches!(s.route(), ScreenRoute::ModelDetail { name, .. } if name == MODEL)
            && s.models.current_detail().is_some()
    })
    .await;
    // Versions newest first, the cursor on the first: `o` lands on v6.
    let selected = c
        .state()
        .models
        .selected_version()
        .map(|v| v.version.clone());
    assert_eq!(selected.as_deref(), Some("6"), "{}", c.screen());
    let approval = c
        .state()
        .models
        .selected_version()
        .and_then(|v| v.approval.clone());
    assert_eq!(approval.as_deref(), Some("pending"));
    let screen = c.screen();
    assert!(
        screen.contains("pending"),
        "v6 waits for approval: {screen}"
    );
    c.key('a');
    c.settle("the approval comment", |s| {
        matches!(s.overlay, Overlay::Prompt(_))
    })
    .await;
    c.type_text("better on the drifted windows");
    c.send(KeyCode::Enter);
    c.settle("the approval dialog", |s| {
        matches!(s.overlay, Overlay::Confirm(_))
    })
    .await;
    let screen = c.screen();
    assert!(screen.contains(MODEL), "{screen}");
    c.key('y');
    c.settle("the approval done", |s| {
        matches!(s.overlay, Overlay::None) && change_came_back(s)
    })
    .await;
    // The versions are read again after the change: v6 shows approved.
    c.settle("v6 shown approved", |s| {
        s.models
            .selected_version()
            .is_some_and(|v| v.version == "6" && v.approval.as_deref() == Some("approved"))
    })
    .await;
    let mv = c.sim_client().get_uc_model_version(MODEL, 6).await.unwrap();
    assert_eq!(
        mlops_console::api::models::mlflow::lookup(&mv.tags, "approval"),
        Some("approved")
    );

    // 4 — churn-prod's canary panel: a plan for version 6 beside v4 (90%) and v5 (10%).
    c.key(':');
    c.type_text("ep churn-prod");
    c.send(KeyCode::Enter);
    c.settle("churn-prod", |s| {
        matches!(s.route(), ScreenRoute::Endpoint { name } if name == "churn-prod")
            && s.serving.current().is_some_and(|e| e.name == "churn-prod")
    })
    .await;
    c.key('C');
    c.settle("the canary panel", |s| {
        matches!(s.route(), ScreenRoute::Canary { .. })
    })
    .await;
    c.key('n');
    c.settle("the plan form", |s| {
        matches!(s.overlay, Overlay::CanaryForm(_))
    })
    .await;
    // Fields: stable, canary, steps, hold, interval, min_requests, … (Tab moves on).
    let fields = [
        None,
        Some("6"),
        Some("50,100"),
        Some("1s"),
        Some("1s"),
        Some("100"),
    ];
    for value in fields {
        if let Some(v) = value {
            for _ in 0..30 {
                c.send(KeyCode::Backspace);
            }
            c.type_text(v);
        }
        c.send(KeyCode::Tab);
    }
    c.send(KeyCode::Enter);
    c.settle("the canary dialog", |s| {
        matches!(s.overlay, Overlay::Confirm(_))
    })
    .await;
    let screen = c.screen();
    assert!(
        screen.contains("adds main.ml.churn_model v6 at 0% first"),
        "{screen}"
    );
    assert!(
        screen.contains(
            "churn_model-5 (10%) is scaled down with churn_model-4; at 100% it serves 0%"
        ),
        "the dialog says what happens to v5: {screen}"
    );
    assert!(
        screen.contains("a FAIL or abort puts back churn_model-4=90, churn_model-5=10"),
        "and what a roll back restores: {screen}"
    );
    c.key('y');

    // 5 — The plan adds v6 at 0%, steps to 50% and, judged healthy, to 100%.
    c.until("the plan finished", Duration::from_secs(5), |s| {
        s.canary
            .plan("churn-prod")
            .is_some_and(|p| p.state.is_finished() || p.state.phase == Phase::Paused)
    })
    .await;
    let plan = &c.state().canary.plan("churn-prod").unwrap().state;
    assert_eq!(
        plan.phase,
        Phase::Completed,
        "{}\n{:#?}",
        plan.describe(),
        plan.history
    );
    assert_eq!(plan.percent(), 100);
    let screen = c.screen();
    assert!(screen.contains("completed: promoted at 100%"), "{screen}");
    assert!(
        screen.contains("churn_model-4=0, churn_model-5=0, churn_model-6=100"),
        "{screen}"
    );

    // The endpoint as the simulator has it: v6 takes everything, v4 and v5 stay configured.
    let ep = c
        .sim_client()
        .get_serving_endpoint("churn-prod")
        .await
        .unwrap();
    let split = Split::of_endpoint(&ep);
    assert_eq!(split.percent("churn_model-6"), 100, "{split:?}");
    assert_eq!(split.percent("churn_model-4"), 0, "{split:?}");
    assert_eq!(split.percent("churn_model-5"), 0, "{split:?}");
    assert_eq!(ep.config.unwrap().served_entities.len(), 3);

    // Every change in the journal, in order, each verified.
    let journal = Journal::in_dir(dir.path()).read().unwrap();
    for e in &journal.entries {
        assert_eq!(
            e.standing(),
            mlops_console::ops::journal::Standing::Ok,
            "{:?}",
            e.results
        );
    }
    let actions = journal_actions(dir.path());
    let canary: Vec<String> = journal
        .entries
        .iter()
        .filter(|e| e.attempt.action.as_str() == "canary")
        .map(|e| e.attempt.after.describe())
        .collect();
    assert_eq!(
        actions.iter().map(String::as_str).collect::<Vec<_>>(),
        ["retrain", "approve", "canary", "canary", "canary"],
        "{actions:?}"
    );
    assert_eq!(
        canary,
        [
            "churn_model-4=90, churn_model-5=10, churn_model-6=0",
            "churn_model-4=45, churn_model-5=5, churn_model-6=50",
            "churn_model-4=0, churn_model-5=0, churn_model-6=100",
        ]
    );
}

/// The approval's change came back (the model detail shows the result of the last change).
fn change_came_back(s: &State) -> bool {
    s.change.last.is_some() && s.change.applying.is_none() && s.change.preparing.is_none()
}

impl Console {
    fn sim_client(&self) -> mlops_console::api::Client {
        use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
        Client::new(ClientOptions::new(
            self.sim.base_url.clone(),
            Credentials::Pat(Secret::new(self.sim.token.clone())),
        ))
        .unwrap()
    }
}
