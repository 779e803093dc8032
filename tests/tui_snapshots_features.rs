//! Snapshots of the Features screen against the simulator on a manual clock (so ages and dates
//! are the same every run): the feature tables list, one table with its lineage, and the
//! publish confirm dialog.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::Overlay;
use support::features::FeatureSim;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn features_snapshots() {
    let mut d = FeatureSim::start().await;
    d.char('7');
    d.pump(|d| d.state.features.list.is_settled() && d.state.features.list.data.is_some())
        .await;
    insta::assert_snapshot!("features_list", d.screen_text(160, 14));

    // The stale table in full, with its lineage; the cursor on its second row.
    d.char('j');
    d.key(crossterm::event::KeyCode::Enter);
    d.pump(|d| {
        d.state.features.detail.is_settled()
            && d.state.features.lineage.is_settled()
            && d.state.feature_monitoring.read.data.is_some()
    })
    .await;
    d.char('j');
    insta::assert_snapshot!("features_detail", d.screen_text(160, 44));
}

/// The publish confirm dialog over the table it publishes: profile, host, table, store, mode
/// and online table, before anything is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_confirm_snapshot() {
    let mut d = FeatureSim::start().await;
    d.open_table("main.features.customer_features").await;
    d.char('P');
    let Overlay::RoomForm(form) = &d.state.overlay else {
        panic!("a form: {:?}", d.state.overlay);
    };
    if form.values()[0].value.is_empty() {
        d.type_text("fs-prod");
    }
    d.key(KeyCode::Down);
    d.key(KeyCode::Down);
    d.type_text("main.features_online.customer_features_v2");
    d.key(KeyCode::Enter);
    d.pump(|d| d.state.features.plan.is_settled()).await;
    assert!(matches!(d.state.overlay, Overlay::Confirm(_)));
    insta::assert_snapshot!("features_publish_confirm", d.screen_text(120, 32));
}
