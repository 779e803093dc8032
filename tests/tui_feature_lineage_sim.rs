//! Feature lineage on the Serving, Overview, endpoint and Models screens, on the real runtime
//! against the simulator (127.0.0.1, manual clock): churn-prod sends 10% of its traffic to
//! churn_model v5, trained on the stale `support_interactions`, so it carries the stale-features
//! marker and its screen names the table; fraud-scoring does not. The lineage is read off the
//! render path, after the endpoint list.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::Msg;
use support::NOW;
use support::features::{FeatureSim, as_is, line_of, manual};

const STALE: &str = "main.features.support_interactions (stale 52 h) via churn_model v5, 10%";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_features_mark_churn_prod_and_its_screen_names_the_table() {
    let mut d = FeatureSim::start_with(manual(), as_is).await;

    // The Overview (the first screen) reads the endpoint list.
    d.pump(|d| d.state.serving.endpoints.is_settled() && d.state.serving.endpoints.data.is_some())
        .await;
    d.char('5');
    // Not before the lineage is read: no marker from nothing.
    assert!(!d.screen_text(160, 30).contains("stale features"));
    // Entering the list asks for the lineage (the list is there).
    d.pump(|d| {
        d.state.feature_lineage.endpoints.is_settled()
            && d.state.feature_lineage.endpoints.data.is_some()
    })
    .await;
    let text = d.screen_text(160, 30);
    assert!(
        line_of(&text, "churn-prod").contains("▲ stale features"),
        "{text}"
    );
    assert!(!line_of(&text, "fraud-scoring").contains("stale"), "{text}");
    // Read once: the next tick asks for nothing more (the list is not due, nor the lineage).
    d.send(Msg::Tick {
        now_ms: NOW + 2_000,
    });
    assert!(
        !d.effects
            .iter()
            .any(|e| format!("{e:?}").contains("FeatureLineage")),
        "{:?}",
        d.effects
    );

    d.state.session.ascii = true;
    let ascii = d.screen_text(160, 30);
    assert!(line_of(&ascii, "churn-prod").contains("! stale features"));
    d.state.session.ascii = false;

    // The Overview's endpoint panel carries it too.
    d.char('1');
    let overview = d.screen_text(160, 40);
    assert!(
        line_of(&overview, "churn-prod").contains("stale features"),
        "{overview}"
    );
    assert!(!line_of(&overview, "fraud-scoring").contains("stale"));

    // The endpoint screen names the table, the version and the share it reaches.
    d.char('5');
    d.key(KeyCode::Enter);
    d.pump(|d| d.state.serving.current().is_some() && d.state.serving.endpoint.is_settled())
        .await;
    assert_eq!(d.state.serving.name, "churn-prod");
    let text = d.screen_text(160, 40);
    assert!(line_of(&text, "depends on:").contains(STALE), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_version_shows_its_feature_tables_with_freshness() {
    let mut d = FeatureSim::start_with(manual(), as_is).await;

    d.open_model("main.ml.churn_model").await;
    d.send(Msg::Tick {
        now_ms: NOW + 1_000,
    });
    d.pump(|d| d.state.feature_lineage.versions.data.is_some())
        .await;
    let versions = d.model_versions();
    let five = versions.iter().position(|v| v == "5").expect("v5");
    let now = d.state.models.versions.selected;
    for _ in now..five {
        d.char('j');
    }
    for _ in five..now {
        d.char('k');
    }
    let text = d.screen_text(200, 50);
    let line = line_of(&text, "features:");
    assert!(line.contains("customer_features (fresh"), "{line}");
    assert!(line.contains("support_interactions (stale 52 h)"), "{line}");
}
