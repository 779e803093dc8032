//! The lineage jump back (issue 14 §3, "lineage jumps work both ways"), on the real runtime
//! against the simulator (127.0.0.1, manual clock): `F` on churn-prod's endpoint screen opens
//! the stale `support_interactions` it depends on through v5; `F` on churn_model v4's version
//! opens one of v4's feature tables. The hint shows only once the lineage names tables.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::Msg;
use mlops_console::app::commands::hints;
use mlops_console::app::screen::ScreenRoute;
use support::features::{FeatureSim, as_is, manual_sql_at_once};
use support::{Driver, NOW};

const SUPPORT: &str = "main.features.support_interactions";

fn offers_feature_table(d: &Driver) -> bool {
    hints(&d.state)
        .iter()
        .any(|h| h.label == "feature table" && h.keys == "F")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f_on_churn_prod_opens_the_stale_table_it_depends_on() {
    let mut d = FeatureSim::start_with(manual_sql_at_once(), as_is).await;

    d.pump(|d| d.state.serving.endpoints.is_settled() && d.state.serving.endpoints.data.is_some())
        .await;
    d.char(':');
    d.type_text("ep churn-prod");
    d.key(KeyCode::Enter);
    // Sends the endpoint's reads (their answers are fed below).
    d.pump(|_| true).await;
    // Before the lineage is read: no hint, and F says why instead of jumping.
    assert!(!offers_feature_table(&d), "{:?}", hints(&d.state));
    assert!(d.state.feature_lineage.endpoints.data.is_none());
    d.char('F');
    assert!(matches!(d.state.route(), ScreenRoute::Endpoint { .. }));
    assert!(d.effects.is_empty(), "{:?}", d.effects);
    d.pump(|d| {
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
    d.pump(|d| d.state.features.detail.is_settled()).await;
    assert_eq!(d.state.features.detail.error, None);
    assert!(d.screen_text(200, 50).contains("STALE"));
    // Esc goes back to the endpoint.
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.route(), ScreenRoute::Endpoint { name } if name == "churn-prod"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f_on_churn_model_v4_opens_one_of_its_feature_tables() {
    let mut d = FeatureSim::start_with(manual_sql_at_once(), as_is).await;

    d.open_model("main.ml.churn_model").await;
    let versions = d.model_versions();
    let four = versions.iter().position(|v| v == "4").expect("v4");
    d.state.models.versions.selected = four;
    d.send(Msg::Tick {
        now_ms: NOW + 1_000,
    });
    d.pump(|d| d.state.feature_lineage.versions.data.is_some())
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
    d.pump(|d| d.state.features.detail.is_settled()).await;
    assert_eq!(d.state.features.detail.error, None);
}
