//! Our registry client and operations against a real open-source `mlflow server`, seeded by
//! `tests/contract/test_client_against_mlflow.py` (which sets MLOPS_MLFLOW_URL and
//! MLOPS_MLFLOW_REGISTRY_MODEL and runs this with `--ignored`). The model starts with v1 in
//! Production, v2 in Staging, v3 in None, and `champion` → v1.

use mlops_console::api::models::registry::{Stage, TransitionStageRequest};
use mlops_console::api::registry::TransitionPath;
use mlops_console::api::{ApiError, Client, ClientOptions, Credentials};
use mlops_console::config::ApprovalSettings;
use mlops_console::ops::journal::Outcome;
use mlops_console::ops::promote::{PromoteRequest, prepare};
use mlops_console::ops::rollback::{self, RollbackPlan, RollbackRequest};
use mlops_console::ops::{ChangeContext, Journal, ObjectState, execute};

fn client(url: &str, readonly: bool) -> Client {
    let mut o = ClientOptions::new(url, Credentials::None);
    o.readonly = readonly;
    Client::new(o).expect("client")
}

async fn stage(c: &Client, model: &str, version: &str) -> Stage {
    c.get_model_version(model, version)
        .await
        .expect("version")
        .current_stage
        .expect("stage")
}

#[tokio::test]
#[ignore = "needs a seeded mlflow server; run by .ci/run through tests/contract"]
async fn registry_against_a_real_mlflow_server() {
    let url = std::env::var("MLOPS_MLFLOW_URL").expect("MLOPS_MLFLOW_URL");
    let model = std::env::var("MLOPS_MLFLOW_REGISTRY_MODEL").expect("MLOPS_MLFLOW_REGISTRY_MODEL");
    let c = client(&url, false);

    // Aliases: the OSS DELETE takes its arguments as a JSON body.
    let v = c
        .get_registry_version_by_alias(&model, "champion")
        .await
        .unwrap();
    assert_eq!(v.version, "1");
    c.set_registry_alias(&model, "champion", "2").await.unwrap();
    let v = c
        .get_registry_version_by_alias(&model, "champion")
        .await
        .unwrap();
    assert_eq!(
        (v.version.as_str(), v.aliases.clone()),
        ("2", vec!["champion".to_string()])
    );
    let m = c.get_registered_model(&model).await.unwrap();
    assert!(
        m.aliases
            .iter()
            .any(|a| a.alias == "champion" && a.version == "2")
    );
    c.delete_registry_alias(&model, "champion").await.unwrap();
    // OSS answers a missing alias with 400 INVALID_PARAMETER_VALUE, not 404.
    let gone = c
        .get_registry_version_by_alias(&model, "champion")
        .await
        .unwrap_err();
    assert!(
        gone.to_string().contains("alias champion not found"),
        "{gone}"
    );

    // Transition: the Databricks path is absent, so the OSS one is used (without the comment).
    let req = TransitionStageRequest {
        name: model.clone(),
        version: "2".into(),
        stage: "Production".into(),
        archive_existing_versions: true,
        comment: Some("contract".into()),
    };
    let (moved, path) = c.transition_stage(&req).await.unwrap();
    assert_eq!(path, TransitionPath::Oss);
    assert_eq!(moved.current_stage, Some(Stage::Production));
    assert_eq!(stage(&c, &model, "1").await, Stage::Archived);
    let bad = TransitionStageRequest {
        stage: "Bogus".into(),
        ..req.clone()
    };
    let err = c.transition_stage(&bad).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("Invalid Model Version stage: Bogus"),
        "{err}"
    );

    // Read-only: the read-only POST passes, writes are refused before sending.
    let ro = client(&url, true);
    let latest = ro
        .get_latest_versions(&model, &["Production"])
        .await
        .unwrap();
    assert_eq!(
        latest
            .iter()
            .map(|v| v.version.as_str())
            .collect::<Vec<_>>(),
        ["2"]
    );
    let refused = ro
        .set_registry_alias(&model, "champion", "3")
        .await
        .unwrap_err();
    assert!(matches!(refused, ApiError::ReadOnly { .. }), "{refused}");

    // Operations: promote with an MLflow alias, then roll it back from the journal.
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::in_dir(dir.path());
    let ctx = ChangeContext {
        profile: "oss".into(),
        actor: None,
        production: false,
    };
    let plan = prepare(
        &c,
        &PromoteRequest {
            model: model.clone(),
            version: "3".into(),
            alias: Some("champion".into()),
            comment: None,
        },
        &ApprovalSettings::default(),
    )
    .await
    .unwrap();
    assert_eq!(plan.before, ObjectState::Alias { version: None });
    let radius = plan.blast_radius.as_ref().unwrap();
    assert_eq!(
        radius.notes,
        ["serving endpoints are not available on this server"]
    );
    let done = execute(&c, &journal, &ctx, &plan).await.unwrap();
    assert_eq!(done.outcome, Outcome::Ok, "{}", done.message);
    let back = match rollback::prepare(
        &c,
        &journal.read().unwrap(),
        &RollbackRequest {
            model: model.clone(),
            alias: Some("champion".into()),
            ..RollbackRequest::default()
        },
    )
    .await
    .unwrap()
    {
        RollbackPlan::Plan(p) => *p,
        RollbackPlan::Candidates(c) => panic!("{c:?}"),
    };
    assert_eq!(back.after, ObjectState::Alias { version: None });
    let undone = execute(&c, &journal, &ctx, &back).await.unwrap();
    assert_eq!(undone.outcome, Outcome::Ok, "{}", undone.message);
    assert!(
        c.get_registry_version_by_alias(&model, "champion")
            .await
            .is_err()
    );

    // Stages through the operations: v3 to Production archives v2; roll back restores both.
    let plan = prepare(
        &c,
        &PromoteRequest {
            model: model.clone(),
            version: "3".into(),
            ..PromoteRequest::default()
        },
        &ApprovalSettings::default(),
    )
    .await
    .unwrap();
    assert_eq!(plan.before.describe(), "v2 Production, v3 None");
    assert_eq!(
        execute(&c, &journal, &ctx, &plan).await.unwrap().outcome,
        Outcome::Ok
    );
    let back = match rollback::prepare(
        &c,
        &journal.read().unwrap(),
        &RollbackRequest {
            model: model.clone(),
            ..RollbackRequest::default()
        },
    )
    .await
    .unwrap()
    {
        RollbackPlan::Plan(p) => *p,
        RollbackPlan::Candidates(c) => panic!("{c:?}"),
    };
    assert_eq!(
        execute(&c, &journal, &ctx, &back).await.unwrap().outcome,
        Outcome::Ok
    );
    assert_eq!(stage(&c, &model, "2").await, Stage::Production);
    assert_eq!(stage(&c, &model, "3").await, Stage::None);
}
