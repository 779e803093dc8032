//! The lineage jump back (issue 14 §3, "lineage jumps work both ways"), on the real runtime
//! against the simulator (127.0.0.1, manual clock): `F` on churn-prod's endpoint screen opens
//! the stale `support_interactions` it depends on through v5; `F` on churn_model v4's version
//! opens one of v4's feature tables. The hint shows only once the lineage names tables.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::Msg;
use mlops_console::app::commands::hints;
use mlops_console::app::runtime::Runtime;
use mlops_console::app::screen::ScreenRoute;
use mlops_console::sim::{self, SimClock, SimOptions};
use support::sim_runtime::{pump, sim_context};
use support::{Driver, NOW, session};

const SUPPORT: &str = "main.features.support_interactions";

fn offers_feature_table(d: &Driver) -> bool {
    hints(&d.state)
        .iter()
        .any(|h| h.label == "feature table" && h.keys == "F")
}

async fn started() -> sim::SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(NOW),
        traffic_rps: 0.0,
        // Statements answer at once: on a manual clock a statement with latency would wait
        // for a clock that never moves and the reads would end only at the client's timeout.
        sql_latency: std::time::Duration::ZERO,
        ..SimOptions::default()
    })
    .await
    .expect("simulator starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f_on_churn_prod_opens_the_stale_table_it_depends_on() {
    let sim = started().await;
    let dir = tempfile::tempdir().unwrap();
    let ctx = sim_context(&sim, dir.path());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let mut d = Driver::new(session());

    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.serving.endpoints.is_settled() && d.state.serving.endpoints.data.is_some()
    })
    .await;
    d.char(':');
    d.type_text("ep churn-prod");
    d.key(KeyCode::Enter);
    // Sends the endpoint's reads (their answers are fed below).
    pump(&mut d, &mut rt, &mut rx, |_| true).await;
    // Before the lineage is read: no hint, and F says why instead of jumping.
    assert!(!offers_feature_table(&d), "{:?}", hints(&d.state));
    assert!(d.state.feature_lineage.endpoints.data.is_none());
    d.char('F');
    assert!(matches!(d.state.route(), ScreenRoute::Endpoint { .. }));
    assert!(d.effects.is_empty(), "{:?}", d.effects);
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.serving.endpoint.is_settled()
            && d.state.feature_lineage.endpoints.is_settled()
            && d.state.feature_lineage.endpoints.data.is_some()
    })
    .await;
    assert_eq!(d.state.serving.name, "churn-prod");
    assert!(offers_feature_table(&d), "{:?}", hints(&d.state));
    assert!(d.screen_text(200, 50).contains("F feature table"));

    d.char('F');
    assert_eq!(
        *d.state.route(),
        ScreenRoute::FeatureTable {
            name: SUPPORT.into()
        }
    );
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.features.detail.is_settled()
    })
    .await;
    assert_eq!(d.state.features.detail.error, None);
    assert!(d.screen_text(200, 50).contains("STALE"));
    // Esc goes back to the endpoint.
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.route(), ScreenRoute::Endpoint { name } if name == "churn-prod"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f_on_churn_model_v4_opens_one_of_its_feature_tables() {
    let sim = started().await;
    let dir = tempfile::tempdir().unwrap();
    let ctx = sim_context(&sim, dir.path());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let mut d = Driver::new(session());

    d.char('3');
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.models.list.data.is_some()
    })
    .await;
    let at = d
        .state
        .models
        .visible()
        .iter()
        .position(|m| m.name == "main.ml.churn_model")
        .expect("churn_model listed");
    for _ in 0..at {
        d.char('j');
    }
    d.key(KeyCode::Enter);
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.models.current_detail().is_some() && d.state.models.detail.is_settled()
    })
    .await;
    let versions: Vec<String> = d
        .state
        .models
        .current_detail()
        .unwrap()
        .versions
        .iter()
        .map(|v| v.version.clone())
        .collect();
    let four = versions.iter().position(|v| v == "4").expect("v4");
    d.state.models.versions.selected = four;
    d.send(Msg::Tick {
        now_ms: NOW + 1_000,
    });
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.feature_lineage.versions.data.is_some()
    })
    .await;
    assert_eq!(d.state.models.selected_version().unwrap().version, "4");
    let tables: Vec<String> = d
        .state
        .feature_lineage
        .version("main.ml.churn_model", "4")
        .expect("v4's lineage")
        .tables
        .iter()
        .map(|t| t.table.clone())
        .collect();
    assert!(!tables.is_empty());
    assert!(offers_feature_table(&d), "{:?}", hints(&d.state));

    d.char('F');
    let ScreenRoute::FeatureTable { name } = d.state.route().clone() else {
        panic!("F opened {:?}", d.state.route());
    };
    assert!(tables.contains(&name), "{name} not in {tables:?}");
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.features.detail.is_settled()
    })
    .await;
    assert_eq!(d.state.features.detail.error, None);
}
