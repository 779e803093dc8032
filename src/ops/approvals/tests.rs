//! Decision planning (pure).

use std::collections::BTreeMap;

use super::*;
use crate::ops::change::plan::Step;

fn req(decision: Decision, comment: Option<&str>) -> DecisionRequest {
    DecisionRequest {
        model: String::new(),
        version: String::new(),
        decision,
        comment: comment.map(str::to_string),
        stage: None,
        archive_existing: true,
    }
}

#[test]
fn uc_approval_sets_the_tag_comment_and_approver() {
    let settings = ApprovalSettings::default();
    let current = vec![KeyValue::new("approval", "pending")];
    let p = plan_uc_decision(
        "main.ml.churn_model",
        "5",
        &req(Decision::Approve, Some("AUC +1.2 on holdout")),
        &settings,
        Some("ml-eng@acme.com"),
        &current,
    );
    assert_eq!(p.action, ChangeAction::Approve);
    assert_eq!(
        p.before.describe(),
        "approval=pending, approval_by (absent), approval_comment (absent)"
    );
    assert_eq!(
        p.after.describe(),
        "approval=approved, approval_by=ml-eng@acme.com, approval_comment=AUC +1.2 on holdout"
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    // One request per tag, the decision last: cut short, the version never reads approved
    // without its comment and approver.
    let keys: Vec<&str> = p
        .steps
        .iter()
        .map(|s| match s {
            Step::SetUcTags { tags, .. } => tags[0].key.as_str(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(keys, ["approval_comment", "approval_by", "approval"]);
    assert_eq!(p.confirm_name, "main.ml.churn_model");
}

#[test]
fn uc_rejection_with_custom_names_and_unknown_user() {
    let settings = ApprovalSettings {
        tag: "review".into(),
        rejected: "no".into(),
        ..ApprovalSettings::default()
    };
    let p = plan_uc_decision(
        "main.ml.m",
        "2",
        &req(Decision::Reject, None),
        &settings,
        None,
        &[],
    );
    assert_eq!(p.after.describe(), "review=no");
    assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
}

#[test]
fn workspace_approval_archives_the_stage_it_moves_into() {
    let stages: BTreeMap<String, String> = [("3", "Production"), ("4", "Staging"), ("5", "None")]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let p = plan_ws_decision(
        "fraud_model",
        "4",
        "Production",
        &req(Decision::Approve, None),
        &stages,
    );
    assert_eq!(
        p.before.describe(),
        "request open; v3 Production, v4 Staging"
    );
    assert_eq!(
        p.after.describe(),
        "no open request; v3 Archived, v4 Production"
    );
    let mut keep = req(Decision::Approve, None);
    keep.archive_existing = false;
    let p = plan_ws_decision("fraud_model", "4", "Production", &keep, &stages);
    assert_eq!(p.after.describe(), "no open request; v4 Production");
    let p = plan_ws_decision(
        "fraud_model",
        "5",
        "Staging",
        &req(Decision::Reject, Some("no")),
        &stages,
    );
    assert_eq!(p.before.describe(), "request open; v5 None");
    assert_eq!(p.after.describe(), "no open request; v5 None");
    assert!(matches!(p.steps[0], Step::RejectRequest { .. }));
}
