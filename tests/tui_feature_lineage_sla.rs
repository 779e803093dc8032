//! The stale-features marker judges each table against its own SLA from `[features]`: with
//! `sla_per_table` giving `support_interactions` 72 h, its 52 h age is not stale and churn-prod
//! carries no marker (with the default 24 h it does: tests/tui_feature_lineage_sim.rs).

mod support;

use support::features::{FeatureSim, manual};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_within_its_own_sla_marks_no_endpoint() {
    let mut d = FeatureSim::start_with(manual(), |ctx| {
        ctx.monitoring
            .features
            .sla_per_table
            .insert("main.features.support_interactions".into(), 72 * 3_600_000);
    })
    .await;
    d.pump(|d| d.state.serving.endpoints.is_settled() && d.state.serving.endpoints.data.is_some())
        .await;
    d.char('5');
    d.pump(|d| {
        d.state.feature_lineage.endpoints.is_settled()
            && d.state.feature_lineage.endpoints.data.is_some()
    })
    .await;
    let lineage = d
        .state
        .feature_lineage
        .endpoint("churn-prod")
        .expect("read");
    assert!(
        lineage
            .tables
            .iter()
            .any(|t| t.table == "main.features.support_interactions"),
        "{lineage:?}"
    );
    assert!(!d.state.feature_lineage.endpoint_stale("churn-prod"));
    let text = d.screen_text(160, 30);
    assert!(!text.contains("stale features"), "{text}");
}
