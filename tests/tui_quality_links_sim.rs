//! The quality view's version rows link to the registry and to the endpoint, on the real
//! runtime against the simulator (127.0.0.1): the demo's `main.ml.churn_inference` names
//! churn-prod in its table property `mlops.endpoint`, so each version row says which model
//! version it is and which entity serves it with its traffic share; enter opens that version
//! in the Models screen with it selected, `e` the endpoint.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::ScreenRoute;
use mlops_console::app::runtime::Runtime;
use mlops_console::app::screens::monitoring::Tab;
use mlops_console::ops::models::Source;
use mlops_console::sim::{self, SimOptions};
use support::sim_runtime::{pump, sim_context};
use support::{Driver, session};

const TABLE: &str = "main.ml.churn_inference";

fn settled(d: &Driver) -> bool {
    let m = &d.state.monitoring;
    m.drift.is_settled() && m.quality.is_settled() && m.links.is_settled()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quality_rows_link_to_the_version_and_the_endpoint_serving_it() {
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
    pump(&mut d, &mut rt, &mut rx, settled).await;
    d.char('v');
    assert_eq!(d.state.monitoring.tab, Tab::Quality);
    let text = d.screen_text(160, 40);
    assert!(text.contains("Model · served by"), "{text}");
    assert!(text.contains("churn_model v4 · churn-prod 90%"), "{text}");
    assert!(text.contains("churn_model v5 · churn-prod 10%"), "{text}");
    assert!(!text.contains("no endpoint found"), "{text}");

    // Enter on the first row (version 4): the registry's churn_model with version 4 selected.
    d.key(KeyCode::Enter);
    assert_eq!(
        *d.state.route(),
        ScreenRoute::ModelDetail {
            name: "main.ml.churn_model".into(),
            source: Source::UnityCatalog,
        }
    );
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.models.detail.is_settled() && d.state.models.current_detail().is_some()
    })
    .await;
    assert_eq!(
        d.state
            .models
            .selected_version()
            .map(|v| v.version.as_str()),
        Some("4")
    );

    // Back, down to version 5: `o` opens it too.
    d.key(KeyCode::Esc);
    assert_eq!(d.state.monitoring.tab, Tab::Quality);
    d.char('j');
    d.char('o');
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.models.detail.is_settled() && d.state.models.current_detail().is_some()
    })
    .await;
    assert_eq!(
        d.state
            .models
            .selected_version()
            .map(|v| v.version.as_str()),
        Some("5")
    );

    // Back again: `e` opens the endpoint serving version 5.
    d.key(KeyCode::Esc);
    d.char('e');
    assert_eq!(
        *d.state.route(),
        ScreenRoute::Endpoint {
            name: "churn-prod".into()
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_ab_view_shows_quality_from_the_table_that_names_the_endpoint() {
    use mlops_console::app::screens::ab::quality::AbQuality;

    let sim = sim::start(SimOptions::default())
        .await
        .expect("simulator starts");
    let dir = tempfile::tempdir().unwrap();
    let ctx = sim_context(&sim, dir.path());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let mut d = Driver::new(session());

    // The Overview's first reads include the endpoints.
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.serving.endpoints.data.is_some()
    })
    .await;
    d.char('5');
    // churn-prod is the first endpoint.
    d.key(KeyCode::Enter);
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state
            .serving
            .current()
            .is_some_and(|e| e.name == "churn-prod")
    })
    .await;
    d.char('A');
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.ab.quality.is_settled() && d.state.ab.quality.data.is_some()
    })
    .await;
    // churn-prod's own payload table has a time-series monitor; main.ml.churn_inference names
    // churn-prod in its property mlops.endpoint and has the labels.
    match d.state.ab.quality.data.as_ref() {
        Some(AbQuality::Values {
            metric,
            monitored,
            a,
            b,
            ..
        }) => {
            assert_eq!(metric, "accuracy_score");
            assert_eq!(monitored, TABLE);
            let (a, b) = (a.as_ref().expect("v4"), b.as_ref().expect("v5"));
            assert!((0.0..=1.0).contains(&a.value) && (0.0..=1.0).contains(&b.value));
            assert_eq!(a.window, b.window, "both sides' latest window");
        }
        other => panic!("{other:?}"),
    }
}
