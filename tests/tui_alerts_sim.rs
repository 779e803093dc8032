//! The alerts on the real runtime against the simulator (127.0.0.1): the Overview's evaluation
//! reads the demo's monitor, and the drift alert on tenure_months fires with one error toast;
//! from the Alerts list Enter opens the monitored table with the cursor on that feature (moved
//! there from where it was left).

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::ScreenRoute;
use mlops_console::app::runtime::Runtime;
use mlops_console::app::state::ToastLevel;
use mlops_console::sim::{self, SimOptions};
use support::sim_runtime::{pump, sim_context};
use support::{Driver, session};

const TABLE: &str = "main.ml.churn_inference";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_drift_alert_fires_in_the_console_and_enter_selects_the_feature() {
    let sim = sim::start(SimOptions::default())
        .await
        .expect("simulator starts");
    let dir = tempfile::tempdir().unwrap();
    // Read-only: the alerts and the monitors' reads need no change.
    let mut ctx = sim_context(&sim, dir.path());
    ctx.readonly = true;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let mut d = Driver::new(session());
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.alerts.read.is_settled()
    })
    .await;
    let a = &d.state.alerts;
    assert_eq!(a.read.error, None);
    // The churn monitor's tenure_months (the feature table's spend feature drifts too).
    let drift: Vec<_> = a
        .firing()
        .into_iter()
        .filter(|x| x.rule == "feature-drift" && x.object.name.starts_with(TABLE))
        .cloned()
        .collect();
    assert_eq!(drift.len(), 1, "{drift:?}");
    assert_eq!(drift[0].object.name, format!("{TABLE}.tenure_months"));
    assert!(
        d.state.toasts.iter().any(|t| t.level == ToastLevel::Error
            && t.text.contains("feature-drift")
            && t.text.contains("tenure_months")),
        "{:?}",
        d.state.toasts
    );
    let unknown = &a.read.data.as_ref().unwrap().evaluation.unknown;
    assert!(
        !unknown.iter().any(|u| u.rule == "feature-drift"),
        "{unknown:?}"
    );

    // The table seen before, its cursor moved off the drifting feature.
    d.char(':');
    d.type_text(&format!("mon {TABLE}"));
    d.key(KeyCode::Enter);
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.monitoring.drift.is_settled()
    })
    .await;
    d.char('j');
    d.char('j');
    let (row, _) = d.state.monitoring.cursor().expect("a cursor");
    let matrix = d.state.monitoring.matrix().unwrap();
    assert_ne!(matrix.features[row].name, "tenure_months");
    d.char('1');

    d.char('!');
    assert_eq!(*d.state.route(), ScreenRoute::Alerts);
    let row = d
        .state
        .alerts
        .firing()
        .iter()
        .position(|x| x.rule == "feature-drift" && x.object.name.starts_with(TABLE))
        .unwrap();
    for _ in 0..row {
        d.char('j');
    }
    d.key(KeyCode::Enter);
    assert_eq!(
        *d.state.route(),
        ScreenRoute::Monitor {
            table: TABLE.into()
        }
    );
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.monitoring.drift.is_settled()
    })
    .await;
    assert_eq!(d.state.alerts.select_feature, None, "selected, not pending");
    let m = &d.state.monitoring;
    let matrix = m.matrix().expect("a drift matrix");
    let (row, _) = m.cursor().expect("a cursor");
    assert_eq!(matrix.features[row].name, "tenure_months");
}
