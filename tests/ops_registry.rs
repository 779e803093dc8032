//! Registry operations against the simulator over real HTTP: plan → execute → read back →
//! journal, for promote, roll back and approvals; a 403 recorded as failed; read-only refusal.

mod ops_support;

use mlops_console::api::Client;
use mlops_console::config::ApprovalSettings;
use mlops_console::ops::approvals::{
    ApprovalSource, Decision, DecisionRequest, list_pending, prepare_decision,
};
use mlops_console::ops::change::execute::FailureKind;
use mlops_console::ops::journal::{JournalView, Outcome, Standing};
use mlops_console::ops::promote::prepare as prepare_promote;
use mlops_console::ops::rollback::{RollbackPlan, RollbackRequest, prepare as prepare_rollback};
use mlops_console::ops::{ChangeAction, Journal, ObjectState, OpError, Plan, execute};
use mlops_console::sim::{self, SimHandle, SimOptions};

use ops_support::{
    ACTOR, client_with, ctx, decision, decision_plan, promote_plan, promote_req, temp_journal,
};

async fn sim() -> SimHandle {
    sim::start(SimOptions::default()).await.expect("sim starts")
}

fn client(sim: &SimHandle, token: &str, readonly: bool) -> Client {
    client_with(sim, token, |o| o.readonly = readonly)
}

async fn champion(c: &Client) -> Option<i64> {
    c.get_uc_model("main.ml.churn_model")
        .await
        .unwrap()
        .alias_version("champion")
}

/// The plan of `req`, which must be a plan and not a list of candidates.
async fn rollback_plan(c: &Client, view: &JournalView, req: &RollbackRequest) -> Plan {
    match prepare_rollback(c, view, req).await.unwrap() {
        RollbackPlan::Plan(p) => *p,
        RollbackPlan::Candidates(c) => panic!("expected a plan, got candidates: {c:?}"),
    }
}

/// The plan to roll `model` back from what `view` journaled.
async fn rollback_from(c: &Client, view: &JournalView, model: &str) -> Plan {
    let req = RollbackRequest {
        model: model.into(),
        ..RollbackRequest::default()
    };
    rollback_plan(c, view, &req).await
}

#[tokio::test]
async fn promote_then_roll_back_from_the_journal() {
    let sim = sim().await;
    let (_dir, journal) = temp_journal();
    let c = client(&sim, &sim.token, false);

    let plan = promote_plan(&c, "main.ml.churn_model", "5").await;
    assert_eq!(
        plan.summary(),
        "promote main.ml.churn_model@champion: v4 → v5"
    );
    let radius = plan.blast_radius.as_ref().unwrap();
    assert_eq!(
        radius.lines(),
        ["churn-prod: v4 90% (churn_model-4), v5 10% (churn_model-5)"]
    );
    let done = execute(&c, &journal, &ctx(), &plan).await.unwrap();
    assert_eq!(done.outcome, Outcome::Ok, "{}", done.message);
    assert_eq!(
        done.verified,
        Some(ObjectState::Alias {
            version: Some("5".into())
        })
    );
    assert_eq!(champion(&c).await, Some(5));

    let view = journal.read().unwrap();
    assert_eq!(view.entries.len(), 1);
    assert_eq!(view.entries[0].standing(), Standing::Ok);
    assert_eq!(view.entries[0].attempt.host, sim.base_url);
    let text = std::fs::read_to_string(journal.path()).unwrap();
    assert!(
        !text.contains(&sim.token),
        "the token never reaches the journal"
    );

    let back = rollback_from(&c, &view, "main.ml.churn_model").await;
    assert_eq!(
        back.summary(),
        "rollback main.ml.churn_model@champion: v5 → v4"
    );
    assert_eq!(back.reverts.as_deref(), Some(done.id.as_str()));
    let undone = execute(&c, &journal, &ctx(), &back).await.unwrap();
    assert_eq!(undone.outcome, Outcome::Ok, "{}", undone.message);
    assert_eq!(champion(&c).await, Some(4));
    let view = journal.read().unwrap();
    assert_eq!(view.entries.len(), 2);
    assert_eq!(view.entries[1].attempt.action, ChangeAction::Rollback);
    assert_eq!(
        view.entries[1].attempt.reverts.as_deref(),
        Some(done.id.as_str())
    );

    // Promoting to where it already is: nothing to send, nothing journaled.
    let same = promote_plan(&c, "main.ml.churn_model", "4").await;
    assert!(same.is_noop());
    assert!(matches!(
        execute(&c, &journal, &ctx(), &same).await,
        Err(OpError::NothingToDo(_))
    ));
    assert_eq!(journal.read().unwrap().entries.len(), 2);
}

#[tokio::test]
async fn a_plan_made_stale_by_someone_else_is_not_sent() {
    let sim = sim().await;
    let (_dir, journal) = temp_journal();
    let c = client(&sim, &sim.token, false);
    let plan = promote_plan(&c, "main.ml.churn_model", "5").await;
    // While the dialog is open, another console moves the alias.
    c.set_uc_alias("main.ml.churn_model", "champion", 3)
        .await
        .unwrap();
    let err = execute(&c, &journal, &ctx(), &plan).await.unwrap_err();
    assert!(matches!(err, OpError::Stale(_)), "{err}");
    assert!(
        err.to_string().contains("is now v3, not v4 as planned"),
        "{err}"
    );
    assert_eq!(champion(&c).await, Some(3));
    assert!(!journal.path().exists());
}

#[tokio::test]
async fn roll_back_without_history_offers_candidates() {
    let sim = sim().await;
    let c = client(&sim, &sim.token, false);
    let (_dir, journal) = temp_journal();
    let view = journal.read().unwrap();
    let req = RollbackRequest {
        model: "main.ml.churn_model".into(),
        ..RollbackRequest::default()
    };
    let RollbackPlan::Candidates(c1) = prepare_rollback(&c, &view, &req).await.unwrap() else {
        panic!("expected candidates")
    };
    assert!(
        c1.note.contains("Unity Catalog keeps no alias history"),
        "{}",
        c1.note
    );
    assert_eq!(
        c1.current,
        ObjectState::Alias {
            version: Some("4".into())
        }
    );
    let versions: Vec<&str> = c1.versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(versions, ["5", "3", "2", "1"]);

    // Picking one by hand plans like a promotion.
    let picked = rollback_plan(
        &c,
        &view,
        &RollbackRequest {
            to: Some("3".into()),
            ..req
        },
    )
    .await;
    assert_eq!(
        picked.summary(),
        "rollback main.ml.churn_model@champion: v4 → v3"
    );

    let ws = RollbackRequest {
        model: "fraud_model".into(),
        ..RollbackRequest::default()
    };
    let RollbackPlan::Candidates(c2) = prepare_rollback(&c, &view, &ws).await.unwrap() else {
        panic!("expected candidates")
    };
    assert!(
        c2.note.contains("stage history is not readable"),
        "{}",
        c2.note
    );
    let versions: Vec<&str> = c2.versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(
        versions,
        ["5", "4", "2", "1"],
        "everything but the Production version"
    );
}

#[tokio::test]
async fn a_non_owner_promotion_is_recorded_as_failed() {
    let sim = sim().await;
    let (_dir, journal) = temp_journal();
    let analyst = client(&sim, &sim.nonowner_token, false);
    let plan = promote_plan(&analyst, "main.ml.churn_model", "5").await;
    let done = execute(&analyst, &journal, &ctx(), &plan).await.unwrap();
    assert_eq!(done.outcome, Outcome::Failed);
    assert_eq!(done.failure, Some(FailureKind::PermissionDenied));
    let error = done.error.clone().unwrap();
    assert!(
        error.contains("PERMISSION_DENIED") && error.contains("does not have MANAGE"),
        "{error}"
    );
    assert!(done.message.contains("nothing changed"), "{}", done.message);
    assert_eq!(champion(&analyst).await, Some(4));
    let view = journal.read().unwrap();
    assert_eq!(view.entries[0].standing(), Standing::Failed);
    assert_eq!(
        view.entries[0].latest().unwrap().error.as_deref(),
        Some(error.as_str())
    );
    let text = std::fs::read_to_string(journal.path()).unwrap();
    assert!(!text.contains(&sim.nonowner_token));
}

#[tokio::test]
async fn read_only_refuses_before_journaling_or_sending() {
    let sim = sim().await;
    let (_dir, journal) = temp_journal();
    let ro = client(&sim, &sim.token, true);
    // Planning only reads, so it works on a read-only profile.
    let plan = promote_plan(&ro, "main.ml.churn_model", "5").await;
    let before = sim.request_log().len();
    let err = execute(&ro, &journal, &ctx(), &plan).await.unwrap_err();
    assert!(matches!(err, OpError::ReadOnly(_)), "{err}");
    assert_eq!(sim.request_log().len(), before, "nothing sent");
    assert!(!journal.path().exists(), "nothing journaled");
}

#[tokio::test]
async fn workspace_promotion_archives_and_rolls_back() {
    let sim = sim().await;
    let (_dir, journal) = temp_journal();
    let c = client(&sim, &sim.token, false);
    let mut req = promote_req("fraud_model", "4");
    req.comment = Some("ship it".into());
    let plan = prepare_promote(&c, &req, &ApprovalSettings::default())
        .await
        .unwrap();
    assert_eq!(
        plan.summary(),
        "promote fraud_model (stages): v3 Production, v4 Staging → v3 Archived, v4 Production"
    );
    assert_eq!(
        plan.blast_radius.as_ref().unwrap().lines(),
        ["fraud-scoring: v3 100% (fraud_model-3)"]
    );
    let done = execute(&c, &journal, &ctx(), &plan).await.unwrap();
    assert_eq!(done.outcome, Outcome::Ok, "{}", done.message);

    let back = rollback_from(&c, &journal.read().unwrap(), "fraud_model").await;
    assert_eq!(
        back.summary(),
        "rollback fraud_model (stages): v3 Archived, v4 Production → v3 Production, v4 Staging"
    );
    let undone = execute(&c, &journal, &ctx(), &back).await.unwrap();
    assert_eq!(undone.outcome, Outcome::Ok, "{}", undone.message);
    let v3 = c.get_model_version("fraud_model", "3").await.unwrap();
    let v4 = c.get_model_version("fraud_model", "4").await.unwrap();
    assert_eq!(
        (
            v3.current_stage.unwrap().as_str(),
            v4.current_stage.unwrap().as_str()
        ),
        ("Production", "Staging")
    );
}

#[tokio::test]
async fn approvals_are_listed_and_decided() {
    let sim = sim().await;
    let (_dir, journal) = temp_journal();
    let c = client(&sim, &sim.token, false);
    let settings = ApprovalSettings::default();
    let pending = list_pending(&c, &settings).await;
    assert!(pending.notes.is_empty(), "{:?}", pending.notes);
    let seen: Vec<(ApprovalSource, &str, &str, Option<&str>)> = pending
        .items
        .iter()
        .map(|p| {
            (
                p.source,
                p.model.as_str(),
                p.version.as_str(),
                p.to_stage.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                ApprovalSource::UnityCatalog,
                "main.ml.churn_model",
                "5",
                None
            ),
            (
                ApprovalSource::Workspace,
                "fraud_model",
                "5",
                Some("Staging")
            ),
            (
                ApprovalSource::Workspace,
                "fraud_model",
                "4",
                Some("Production")
            ),
        ],
        "oldest first"
    );

    let approve_uc = decision(
        "main.ml.churn_model",
        "5",
        Decision::Approve,
        Some("holdout AUC +1.2"),
    );
    let plan = decision_plan(&c, Some(ACTOR), &approve_uc).await;
    let done = execute(&c, &journal, &ctx(), &plan).await.unwrap();
    assert_eq!(done.outcome, Outcome::Ok, "{}", done.message);
    let tags = c
        .get_uc_version_tags("main.ml.churn_model", "5")
        .await
        .unwrap();
    let value = |k: &str| tags.iter().find(|t| t.key == k).map(|t| t.value.as_str());
    assert_eq!(
        (
            value("approval"),
            value("approval_comment"),
            value("approval_by")
        ),
        (
            Some("approved"),
            Some("holdout AUC +1.2"),
            Some("ml-eng@acme.com")
        )
    );

    let approve_ws = decision("fraud_model", "4", Decision::Approve, Some("go"));
    let plan = decision_plan(&c, None, &approve_ws).await;
    assert_eq!(
        plan.summary(),
        "approve fraud_model v4 (request to Production): request open; v3 Production, v4 \
         Staging → no open request; v3 Archived, v4 Production"
    );
    let done = execute(&c, &journal, &ctx(), &plan).await.unwrap();
    assert_eq!(done.outcome, Outcome::Ok, "{}", done.message);
    let reject_ws = DecisionRequest {
        stage: Some("staging".into()),
        archive_existing: false,
        ..decision("fraud_model", "5", Decision::Reject, None)
    };
    let plan = decision_plan(&c, None, &reject_ws).await;
    assert_eq!(
        execute(&c, &journal, &ctx(), &plan).await.unwrap().outcome,
        Outcome::Ok
    );
    assert!(list_pending(&c, &settings).await.items.is_empty());

    // Nothing left to decide on v4.
    let again = prepare_decision(&c, &settings, None, &approve_ws)
        .await
        .unwrap_err();
    assert!(matches!(again, OpError::NotFound(_)), "{again}");

    // The approval moved stages, so a roll back of fraud_model undoes it.
    let back = rollback_from(&c, &journal.read().unwrap(), "fraud_model").await;
    assert_eq!(back.after.describe(), "v3 Production, v4 Staging");
}

/// The TUI runs operations as tokio tasks: every future here must be `Send`.
#[allow(dead_code, clippy::manual_async_fn)]
fn operations_are_send(c: &Client, j: &Journal, view: &JournalView) {
    fn send<T: Send>(_: T) {}
    let settings = ApprovalSettings::default();
    send(prepare_promote(c, &promote_req("m", "1"), &settings));
    send(prepare_rollback(c, view, &RollbackRequest::default()));
    send(list_pending(c, &settings));
    let approve = decision("m", "1", Decision::Approve, None);
    send(prepare_decision(c, &settings, None, &approve));
    let plan = Plan::new(
        ChangeAction::Promote,
        mlops_console::ops::Target::Stages { model: "m".into() },
        ObjectState::Unknown,
        ObjectState::Unknown,
    );
    send(execute(c, j, &ctx(), &plan));
    send(mlops_console::ops::change::verify::verify_unknown(c, j));
}
