//! The approval detail against the simulator: the request's comments, who asked when, the source
//! runs' metrics side by side with the champion's, and each version's lineage.

use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::config::ApprovalSettings;
use mlops_console::ops::approvals::detail::read_detail;
use mlops_console::ops::approvals::{ApprovalSource, list_pending};
use mlops_console::sim::{self, SimOptions};

#[tokio::test]
async fn a_pending_version_reads_with_its_metrics_beside_the_champions() {
    let sim = sim::start(SimOptions::default()).await.unwrap();
    let client = Client::new(ClientOptions::new(
        sim.base_url.clone(),
        Credentials::Pat(Secret::new(sim.token.clone())),
    ))
    .unwrap();
    let settings = ApprovalSettings::default();
    let pending = list_pending(&client, &settings).await;

    let uc = pending
        .items
        .iter()
        .find(|i| i.source == ApprovalSource::UnityCatalog && i.model == "main.ml.churn_model")
        .expect("churn_model v5 waits");
    let d = read_detail(&client, &settings, uc).await;
    assert!(d.notes.is_empty(), "{:?}", d.notes);
    assert_eq!(d.champion.as_deref(), Some("4"));
    assert_eq!(
        d.lineage
            .iter()
            .map(|l| l.version.as_str())
            .collect::<Vec<_>>(),
        ["5", "4"]
    );
    assert!(
        d.lineage
            .iter()
            .all(|l| l.run_id.is_some() && l.experiment_id.is_some())
    );
    assert!(
        d.lineage[0].parent_run_id.is_some(),
        "v5 is the sweep's best trial: {:?}",
        d.lineage[0]
    );
    assert!(
        d.metrics
            .iter()
            .any(|m| m.candidate.is_some() && m.champion.is_some()),
        "{:?}",
        d.metrics
    );
    assert!(
        d.comments.iter().any(|c| c.contains("Best trial")),
        "{:?}",
        d.comments
    );

    let ws = pending
        .items
        .iter()
        .find(|i| i.model == "fraud_model" && i.version == "4")
        .expect("fraud_model v4 waits");
    let d = read_detail(&client, &settings, ws).await;
    assert!(d.notes.is_empty(), "{:?}", d.notes);
    assert_eq!(
        d.champion.as_deref(),
        Some("3"),
        "the version in Production"
    );
    assert!(d.comments[0].contains("AUC +1.2 pts"), "{:?}", d.comments);
    assert_eq!(
        d.item.requested_by.as_deref(),
        Some("priya.natarajan@acme.com")
    );
    assert!(!d.metrics.is_empty());
}
