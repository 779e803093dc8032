//! The Monitoring screen on the real runtime against the simulator (127.0.0.1): `:mon TABLE`
//! reads the drift matrix and the quality report through the SQL Statement API on the demo's
//! warehouse; the drifting feature ranks first, `b`, `m`, `s` and `v` change what is shown.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::ScreenRoute;
use mlops_console::app::runtime::Runtime;
use mlops_console::app::screens::monitoring::{DriftRead, Tab};
use mlops_console::ops::drift::{DriftOutcome, DriftType, ModelFilter, Severity, SliceFilter};
use mlops_console::ops::journal::{Journal, Outcome};
use mlops_console::sim::{self, SimOptions};
use support::sim_runtime::{pump, sim_context};
use support::{Driver, session};

const TABLE: &str = "main.ml.churn_inference";

fn settled(d: &Driver) -> bool {
    let m = &d.state.monitoring;
    m.drift.is_settled() && m.quality.is_settled() && m.links.is_settled()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drift_heatmap_ranks_the_drifting_feature_first_and_the_keys_requery() {
    let sim = sim::start(SimOptions::default())
        .await
        .expect("simulator starts");
    let dir = tempfile::tempdir().unwrap();
    let ctx = sim_context(&sim, dir.path());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let mut d = Driver::new(session());

    d.char(':');
    d.type_text(&format!("mon {TABLE}"));
    d.key(KeyCode::Enter);
    assert_eq!(
        *d.state.route(),
        ScreenRoute::Monitor {
            table: TABLE.into()
        }
    );
    pump(&mut d, &mut rt, &mut rx, settled).await;
    let m = &d.state.monitoring;
    assert_eq!(m.drift.error, None);
    let matrix = m.matrix().expect("a drift matrix");
    assert_eq!(
        matrix.features[0].name, "tenure_months",
        "worst recent first"
    );
    assert!(matrix.features[0].recent.crossed());
    let calm = matrix
        .features
        .iter()
        .filter(|f| f.name != "tenure_months")
        .all(|f| f.recent < Severity::Warning);
    assert!(calm, "only tenure_months drifts in the demo");
    assert!(matrix.windows.len() >= 20);
    // The cursor starts on the newest window of the worst feature.
    assert_eq!(m.cursor(), Some((0, matrix.windows.len() - 1)));
    let text = d.screen_text(160, 48);
    assert!(text.contains("tenure_months"), "{text}");
    assert!(text.contains("critical"), "{text}");
    assert!(text.contains("warehouse"), "{text}");

    // h moves a window earlier; j the next feature.
    let last = matrix.windows.len() - 1;
    d.char('h');
    d.char('j');
    assert_eq!(d.state.monitoring.cursor(), Some((1, last - 1)));

    // b reads baseline drift (the demo has no baseline table: honest "no drift yet").
    d.char('b');
    assert_eq!(d.state.monitoring.query.drift_type, DriftType::Baseline);
    pump(&mut d, &mut rt, &mut rx, settled).await;
    match d.state.monitoring.drift.data.as_ref().unwrap() {
        DriftRead::NoMetricTables { status } => panic!("metric tables exist: {status}"),
        DriftRead::Outcome(DriftOutcome::NoDriftYet { .. }) => {
            let text = d.screen_text(120, 30);
            assert!(text.contains("no drift yet"), "{text}");
        }
        DriftRead::Outcome(DriftOutcome::Matrix(x)) => {
            assert_eq!(x.drift_type, DriftType::Baseline)
        }
    }
    d.char('b');
    pump(&mut d, &mut rt, &mut rx, settled).await;

    // m: one model version at a time (the versions come from the quality report).
    let versions = d.state.monitoring.versions();
    assert!(
        !versions.is_empty(),
        "the demo's profile table has versions"
    );
    d.char('m');
    assert_eq!(
        d.state.monitoring.query.model,
        ModelFilter::Version(versions[0].clone())
    );
    pump(&mut d, &mut rt, &mut rx, settled).await;
    let x = d.state.monitoring.matrix().expect("drift of one version");
    assert_eq!(x.model, ModelFilter::Version(versions[0].clone()));

    // S: one slice of the table (the demo's monitor slices by a column).
    d.char('m');
    while d.state.monitoring.query.model != ModelFilter::All {
        d.char('m');
    }
    pump(&mut d, &mut rt, &mut rx, settled).await;
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.monitoring.slices.is_settled()
    })
    .await;
    let slices = d.state.monitoring.slices.data.clone().expect("slices read");
    assert!(!slices.is_empty(), "the demo's drift table has slices");
    d.char('S');
    pump(&mut d, &mut rt, &mut rx, settled).await;
    let x = d.state.monitoring.matrix().expect("drift of one slice");
    assert_eq!(
        x.slice,
        SliceFilter::Slice {
            key: slices[0].0.clone(),
            value: slices[0].1.clone()
        }
    );
    let text = d.screen_text(160, 40);
    assert!(
        text.contains(&format!("slice {}={}", slices[0].0, slices[0].1)),
        "{text}"
    );

    // v: model quality per version.
    d.char('v');
    assert_eq!(d.state.monitoring.tab, Tab::Quality);
    let text = d.screen_text(160, 40);
    assert!(text.contains("Model quality per version"), "{text}");
    assert!(text.contains(&versions[0]), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_monitors_list_refresh_and_retrain_from_a_drifting_feature() {
    let sim = sim::start(SimOptions::default())
        .await
        .expect("simulator starts");
    let dir = tempfile::tempdir().unwrap();
    let ctx = sim_context(&sim, dir.path());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let mut d = Driver::new(session());

    // 6: every monitor found, the pending one honestly without metric tables.
    d.char('6');
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.monitoring.monitors.is_settled()
    })
    .await;
    let rows = d.state.monitoring.visible_monitors();
    let churn = rows
        .iter()
        .position(|r| r.table == TABLE)
        .expect("the demo's monitored table is found");
    assert!(
        rows.iter()
            .any(|r| r.monitor.as_ref().is_some_and(|m| !m.metric_tables_ready()))
    );
    let text = d.screen_text(160, 30);
    assert!(text.contains("not created yet"), "{text}");
    for _ in 0..churn {
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
        settled(d) && d.state.monitoring.detail.is_settled()
    })
    .await;

    // v v: the monitor and its refresh history; R refreshes it through the pipeline.
    d.char('v');
    d.char('v');
    assert_eq!(d.state.monitoring.tab, Tab::Monitor);
    let text = d.screen_text(160, 40);
    assert!(text.contains("inference log"), "{text}");
    assert!(
        text.contains("FAILED"),
        "the failed refresh is in the history: {text}"
    );
    d.char('R');
    assert!(matches!(
        d.state.overlay,
        mlops_console::app::Overlay::Confirm(_)
    ));
    d.char('y');
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.monitoring.last.is_some()
    })
    .await;
    let done = d.state.monitoring.last.clone().unwrap();
    assert_eq!(done.outcome, Some(Outcome::Ok), "{}", done.message);
    let entries = Journal::in_dir(dir.path()).read().unwrap().entries;
    assert!(
        entries
            .iter()
            .any(|e| e.attempt.action.as_str() == "refresh_monitor"),
        "the refresh is journaled"
    );

    // Back on the drift view, T on the drifting feature: form, job looked up, confirm.
    d.char('v');
    assert_eq!(d.state.monitoring.tab, Tab::Drift);
    pump(&mut d, &mut rt, &mut rx, settled).await;
    d.char('T');
    assert!(matches!(
        d.state.overlay,
        mlops_console::app::Overlay::RoomForm(_)
    ));
    d.key(KeyCode::Enter);
    pump(&mut d, &mut rt, &mut rx, |d| {
        matches!(d.state.overlay, mlops_console::app::Overlay::Confirm(_))
    })
    .await;
    let text = d.screen_text(140, 40);
    assert!(
        text.contains("churn-retrain"),
        "the dialog names the job: {text}"
    );
    assert!(text.contains("tenure_months"), "and why: {text}");
    d.char('y');
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.monitoring.new_version.is_some()
    })
    .await;
    let v = d.state.monitoring.new_version.clone().unwrap();
    assert_eq!(v.model, "main.ml.churn_model");
    assert!(v.pending_approval, "{v:?}");
    let entries = Journal::in_dir(dir.path()).read().unwrap().entries;
    let retrain = entries
        .iter()
        .find(|e| e.attempt.action.as_str() == "retrain")
        .expect("the retrain is journaled");
    assert!(
        retrain
            .attempt
            .comment
            .as_deref()
            .unwrap_or("")
            .contains("tenure_months")
    );

    // The run was followed on the Jobs screen; back on the table, o opens the new version.
    assert!(matches!(d.state.route(), ScreenRoute::JobRun { .. }));
    d.key(KeyCode::Esc);
    d.char('o');
    assert!(matches!(
        d.state.route(),
        ScreenRoute::ModelDetail { name, .. } if name == "main.ml.churn_model"
    ));
}
