//! Snapshot of a monitored feature table against the simulator on a manual clock: the
//! detail with its Feature monitoring section (the spend feature drifting, the login feature's
//! null rate rising, the other features calm).

mod support;

use support::features::{FeatureSim, as_is, manual_sql_at_once};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feature_monitoring_snapshot() {
    let mut d = FeatureSim::start_with(manual_sql_at_once(), as_is).await;
    d.type_ft("main.features.customer_features");
    d.pump(|d| {
        d.state.features.detail.is_settled()
            && d.state.features.lineage.is_settled()
            && d.state.feature_monitoring.read.is_settled()
            && d.state.feature_monitoring.read.data.is_some()
    })
    .await;
    insta::assert_snapshot!("feature_monitoring_detail", d.screen_text(160, 50));
}
