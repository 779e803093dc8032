//! The approval rules of headless changes against the simulator: promoting a version whose
//! approval is pending or rejected is flagged, and refused on production profiles without
//! `--allow-unapproved`; approving one's own request is flagged, or refused under
//! `[approvals] self_approval = "refuse"`; `approvals MODEL VERSION` shows what an approver
//! reads before deciding.

mod headless_support;

use headless_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_uc_version_needs_the_override_on_production() {
    let env = Env::new(PRODUCTION).await;
    let base = promote_confirmed("main.ml.churn_model", "5");
    let out = env.run_as("prod", &base).await;
    assert_eq!(out.code, USAGE, "{}", out.stderr);
    let (stdout, stderr) = (out.stdout, out.stderr);
    assert!(
        stdout.contains("Approval: NOT APPROVED: approval pending (approval = pending)"),
        "{stdout}"
    );
    assert!(stderr.contains("--allow-unapproved"), "{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert_eq!(env.champion().await, 4);
    assert_eq!(env.journal(), "", "nothing journaled");

    let json = [&base[..], &["--json"]].concat();
    let out = env.run_as("prod", &json).await;
    assert_eq!(out.code, USAGE);
    let doc = out.stdout_json();
    assert_eq!(doc["executed"], false);
    assert_eq!(
        doc["plan"]["unapproved"],
        "approval pending (approval = pending)"
    );

    let allowed = [&base[..], &["--allow-unapproved"]].concat();
    let out = env.run_as("prod", &allowed).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    assert_eq!(env.champion().await, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_version_is_flagged_off_production_and_refused_on_it() {
    let env = Env::new(PRODUCTION).await;
    let out = env
        .run_as("dev", &["promote", "main.ml.churn_model", "3"])
        .await;
    assert_eq!(out.code, OK, "no --yes: the plan is printed");
    let stdout = &out.stdout;
    assert!(
        stdout.contains(
            "Approval: NOT APPROVED: approval rejected (approval = rejected) by \
             priya.natarajan@acme.com: Calibration is off"
        ),
        "{stdout}"
    );
    let out = env
        .run_as("prod", &promote_confirmed("main.ml.churn_model", "3"))
        .await;
    assert_eq!(out.code, USAGE, "{}", out.stderr);
    assert!(out.stderr.contains("v3 is not approved (approval rejected"));
    assert_eq!(env.champion().await, 4);

    // Off production the flag is a warning: the promotion goes ahead.
    let out = env
        .run_as("dev", &["promote", "main.ml.churn_model", "3", "--yes"])
        .await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    assert_eq!(env.champion().await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_version_with_an_open_request_needs_the_override_on_production() {
    let env = Env::new(PRODUCTION).await;
    let args = promote_confirmed("fraud_model", "4");
    let out = env.run_as("prod", &args).await;
    assert_eq!(out.code, USAGE, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("open transition request to Production by priya.natarajan@acme.com"),
        "{}",
        out.stdout
    );
    assert_eq!(env.fraud_stage("4").await, "Staging");
    // An approved (or never requested) version is not held back.
    let out = env
        .run_as("prod", &promote_confirmed("fraud_model", "2"))
        .await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    assert!(!out.stdout.contains("NOT APPROVED"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_approval_is_flagged_by_default() {
    let env = Env::new(PRODUCTION).await;
    // ml-eng@acme.com (the `dev` token) created main.ml.churn_model v5.
    let out = env
        .run_as("dev", &["approve", "main.ml.churn_model", "5"])
        .await;
    assert_eq!(out.code, OK, "no --yes: the plan is printed");
    assert!(
        out.stdout
            .contains("Warning:  self-approval: ml-eng@acme.com approves what they asked for"),
        "{}",
        out.stdout
    );
    // analyst@acme.com asked for fraud_model v5 to go to Staging.
    let out = env
        .run_as("analyst", &["approve", "fraud_model", "5"])
        .await;
    assert!(
        out.stdout.contains("self-approval: analyst@acme.com"),
        "{}",
        out.stdout
    );
    // Someone else's request is not flagged.
    let out = env.run_as("dev", &["approve", "fraud_model", "5"]).await;
    assert!(!out.stdout.contains("self-approval"));
    let out = env
        .run_as("dev", &["approve", "main.ml.churn_model", "5", "--yes"])
        .await;
    assert_eq!(out.code, OK, "warn lets it through: {}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_approval_is_refused_when_configured() {
    let env = Env::new(&format!(
        "{PRODUCTION}[approvals]\nself_approval = \"refuse\"\n"
    ))
    .await;
    let out = env
        .run_as("dev", &["approve", "main.ml.churn_model", "5", "--yes"])
        .await;
    assert_eq!(out.code, CONFLICT_OR_PERMISSION, "{}", out.stderr);
    let stderr = &out.stderr;
    assert!(stderr.contains("self_approval = \"refuse\""), "{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert_eq!(env.journal(), "", "nothing journaled");
    let tags = env
        .client()
        .get_uc_version_tags("main.ml.churn_model", "5")
        .await
        .unwrap();
    assert!(
        tags.iter()
            .any(|t| t.key == "approval" && t.value == "pending")
    );

    let out = env
        .run_as("analyst", &["approve", "fraud_model", "5", "--yes"])
        .await;
    assert_eq!(out.code, CONFLICT_OR_PERMISSION, "{}", out.stderr);
    assert!(out.stderr.contains("self-approval: analyst@acme.com"));
    assert_eq!(env.fraud_stage("5").await, "None");

    // Rejecting one's own request is not an approval.
    let out = env
        .run_as("dev", &["reject", "main.ml.churn_model", "5", "--yes"])
        .await;
    assert_eq!(out.code, OK, "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_request_reads_in_full() {
    let env = Env::new(PRODUCTION).await;
    let out = env.run_as("dev", &["approvals", "fraud_model", "v4"]).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    let stdout = &out.stdout;
    for want in [
        "fraud_model v4 (workspace, → Production)",
        "asked by priya.natarajan@acme.com",
        "AUC +1.2 pts on the Q3 holdout",
        "V3 (CHAMPION)",
        "lineage:",
        "v4 <- run",
        "v3 <- run",
    ] {
        assert!(stdout.contains(want), "{want}: {stdout}");
    }
    let out = env
        .run_as("dev", &["approvals", "main.ml.churn_model", "5", "--json"])
        .await;
    assert_eq!(out.code, OK);
    let doc = out.stdout_json();
    assert_eq!(doc["champion"], "4");
    assert_eq!(doc["lineage"][0]["version"], "5");
    assert!(!doc["metrics"].as_array().unwrap().is_empty());
    let out = env.run_as("dev", &["approvals", "fraud_model", "3"]).await;
    assert_eq!(out.code, 3, "not waiting: {}", out.stderr);
}
