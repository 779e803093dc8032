//! The registry screens on `update`: the change flow's safety rules (trigger ≠ confirm, Enter
//! never confirms on production, the typed name, Esc), approve / reject with a comment, the
//! promote dialog's blast radius, roll-back candidates, read-only, the audit filter and verify.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::{ChangeRequest, Effect, Fetch, Overlay, Payload, Prepared, commands};
use mlops_console::ops::approvals::Decision;
use mlops_console::ops::rollback::{Candidate, Candidates};
use mlops_console::ops::{ObjectState, Target};
use support::*;

fn prepared(d: &Driver) -> Option<ChangeRequest> {
    d.effects.iter().find_map(|e| match e {
        Effect::Fetch {
            fetch: Fetch::Prepare(r),
            ..
        } => Some(r.clone()),
        _ => None,
    })
}

fn applied(d: &Driver) -> bool {
    d.effects
        .iter()
        .any(|e| matches!(e, Effect::ApplyChange { .. }))
}

fn confirming(d: &Driver) -> bool {
    matches!(d.state.overlay, Overlay::Confirm(_))
}

/// `p` on v5 → alias prompt (champion) → Enter plans → the confirm dialog is open.
fn promote_dialog(production: bool) -> Driver {
    let mut s = session();
    s.production = production;
    let mut d = Driver::new(s);
    d.open_churn();
    d.char('p');
    assert!(matches!(d.state.overlay, Overlay::Prompt(_)));
    d.key(KeyCode::Enter);
    match prepared(&d) {
        Some(ChangeRequest::Promote(r)) => {
            assert_eq!((r.model.as_str(), r.version.as_str()), (CHURN_MODEL, "5"));
            assert_eq!(r.alias.as_deref(), Some("champion"));
        }
        other => panic!("expected a promote plan request, got {other:?}"),
    }
    assert!(!applied(&d), "planning sends nothing");
    d.answer_plan(promote_plan());
    assert!(confirming(&d));
    d
}

#[test]
fn the_trigger_key_and_enter_do_not_confirm_and_y_does() {
    let mut d = promote_dialog(false);
    d.char('p');
    assert!(!applied(&d) && confirming(&d), "p again does not confirm");
    d.key(KeyCode::Enter);
    assert!(!applied(&d) && confirming(&d), "Enter alone never confirms");
    d.char('y');
    assert!(applied(&d));
    assert!(!confirming(&d));
    match d
        .effects
        .iter()
        .find(|e| matches!(e, Effect::ApplyChange { .. }))
    {
        Some(Effect::ApplyChange { plan, .. }) => assert_eq!(**plan, promote_plan()),
        _ => unreachable!(),
    }
}

#[test]
fn production_needs_the_typed_model_name_then_enter() {
    let mut d = promote_dialog(true);
    d.char('y');
    assert!(
        !applied(&d),
        "y is typed, not a confirmation, on production"
    );
    d.key(KeyCode::Enter);
    assert!(!applied(&d) && confirming(&d), "wrong name: Enter refuses");
    d.key(KeyCode::Backspace);
    for c in CHURN_MODEL.chars() {
        d.char(c);
    }
    d.key(KeyCode::Enter);
    assert!(applied(&d), "the exact name then Enter confirms");
}

#[test]
fn an_unapproved_version_is_flagged_and_needs_the_override_on_production() {
    let mut s = session();
    s.production = true;
    let mut d = Driver::new(s);
    d.open_churn();
    d.char('p');
    d.key(KeyCode::Enter);
    let mut plan = promote_plan();
    plan.unapproved = Some("approval pending (approval = pending)".into());
    d.answer_plan(plan);
    assert!(confirming(&d));
    let screen = d.screen_text(120, 40);
    assert!(
        screen.contains("Approval: NOT APPROVED: approval pending"),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("Type {CHURN_MODEL} unapproved to confirm")),
        "{screen}"
    );
    d.type_text(CHURN_MODEL);
    d.key(KeyCode::Enter);
    assert!(
        !applied(&d) && confirming(&d),
        "the name alone is not enough"
    );
    d.type_text(" unapproved");
    d.key(KeyCode::Enter);
    assert!(applied(&d), "the name and the override word confirm");

    // Off production the flag is shown and the usual confirm key applies.
    let mut d = Driver::new(session());
    d.open_churn();
    d.char('p');
    d.key(KeyCode::Enter);
    let mut plan = promote_plan();
    plan.unapproved = Some("approval rejected (approval = rejected)".into());
    d.answer_plan(plan);
    assert!(d.screen_text(120, 40).contains("NOT APPROVED"));
    d.char('y');
    assert!(applied(&d));
}

#[test]
fn esc_always_cancels_and_sends_nothing() {
    for production in [false, true] {
        let mut d = promote_dialog(production);
        d.char('c');
        d.key(KeyCode::Esc);
        assert!(matches!(d.state.overlay, Overlay::None));
        assert!(!applied(&d));
    }
    // Esc in the comment prompt too.
    let mut d = Driver::new(session());
    d.open_approvals();
    d.char('a');
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.overlay, Overlay::None) && prepared(&d).is_none());
}

#[test]
fn approve_and_reject_carry_the_comment_and_archive_choice() {
    let mut d = Driver::new(session());
    d.open_approvals();
    // fraud_model v4, a workspace request to Production.
    d.char('a');
    for c in "ship it".chars() {
        d.char(c);
    }
    d.key(KeyCode::Tab);
    d.key(KeyCode::Enter);
    match prepared(&d) {
        Some(ChangeRequest::Decide(r)) => {
            assert_eq!(r.decision, Decision::Approve);
            assert_eq!((r.model.as_str(), r.version.as_str()), ("fraud_model", "4"));
            assert_eq!(r.comment.as_deref(), Some("ship it"));
            assert_eq!(r.stage.as_deref(), Some("Production"));
            assert!(!r.archive_existing, "tab turned archive-existing off");
        }
        other => panic!("expected a decision, got {other:?}"),
    }
    // UC v5: reject.
    let mut d = Driver::new(session());
    d.open_approvals();
    d.char('j');
    d.char('x');
    for c in "drift".chars() {
        d.char(c);
    }
    d.key(KeyCode::Enter);
    match prepared(&d) {
        Some(ChangeRequest::Decide(r)) => {
            assert_eq!(r.decision, Decision::Reject);
            assert_eq!(
                (r.model.as_str(), r.comment.as_deref()),
                (CHURN_MODEL, Some("drift"))
            );
            assert!(!r.archive_existing);
        }
        other => panic!("expected a decision, got {other:?}"),
    }
}

#[test]
fn a_refused_change_is_reported_as_failed_never_done() {
    let mut d = promote_dialog(false);
    d.char('y');
    let req = d
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::ApplyChange { req, .. } => Some(*req),
            _ => None,
        })
        .unwrap();
    let outcome = mlops_console::ops::ChangeOutcome {
        id: "x".into(),
        outcome: mlops_console::ops::journal::Outcome::Failed,
        error: Some("PERMISSION_DENIED: only the owner may set aliases".into()),
        failure: None,
        verified: None,
        message: "failed: PERMISSION_DENIED: only the owner may set aliases (nothing changed)"
            .into(),
        answer_lost: false,
        journal_warning: None,
    };
    d.answer(req, Payload::ChangeApplied(Ok(Box::new(outcome))));
    let t = d.state.toasts.last().expect("a toast");
    assert_eq!(t.level, mlops_console::app::ToastLevel::Error);
    assert!(t.text.contains("PERMISSION_DENIED") && !t.text.contains("done"));
}

#[test]
fn roll_back_without_history_offers_candidates() {
    let mut d = Driver::new(session());
    d.open_churn();
    d.char('j'); // v4
    d.char('b');
    match prepared(&d) {
        Some(ChangeRequest::Rollback(r)) => {
            assert_eq!(r.alias.as_deref(), Some("champion"));
            assert_eq!(r.to, None);
        }
        other => panic!("expected a roll back, got {other:?}"),
    }
    let req = d.fetch_req(|f| matches!(f, Fetch::Prepare(_))).unwrap();
    let candidates = Candidates {
        target: Target::UcAlias {
            model: CHURN_MODEL.into(),
            alias: "champion".into(),
        },
        current: ObjectState::Alias {
            version: Some("5".into()),
        },
        versions: ["4", "3"]
            .iter()
            .map(|v| Candidate {
                version: v.to_string(),
                state: "READY".into(),
                created_at: Some(NOW),
                created_by: None,
                comment: None,
            })
            .collect(),
        note: "Unity Catalog keeps no alias history".into(),
    };
    d.answer(
        req,
        Payload::Prepared(Ok(Prepared::Candidates(Box::new(candidates)))),
    );
    assert!(matches!(d.state.overlay, Overlay::Candidates(_)));
    d.char('j');
    d.key(KeyCode::Enter);
    match prepared(&d) {
        Some(ChangeRequest::Rollback(r)) => {
            assert_eq!(r.to.as_deref(), Some("3"));
            assert_eq!(r.alias.as_deref(), Some("champion"));
        }
        other => panic!("expected a roll back to v3, got {other:?}"),
    }
    assert!(
        !applied(&d),
        "picking a candidate plans; the confirm dialog follows"
    );
}

#[test]
fn read_only_hides_the_change_keys_and_they_do_nothing() {
    let mut s = session();
    s.readonly = true;
    let mut d = Driver::new(s);
    d.open_churn();
    let hints: Vec<String> = commands::hints(&d.state)
        .into_iter()
        .map(|h| h.label)
        .collect();
    for label in ["promote", "roll back", "approve", "reject"] {
        assert!(!hints.iter().any(|h| h == label), "{label} in {hints:?}");
    }
    let help: Vec<String> = commands::help(&d.state)
        .into_iter()
        .flat_map(|s| s.rows.into_iter().map(|r| r.keys))
        .collect();
    for key in ["p", "b", "a", "x"] {
        assert!(!help.iter().any(|k| k == key), "{key} in help");
    }
    for c in ['p', 'b', 'a', 'x'] {
        d.char(c);
        assert!(prepared(&d).is_none() && matches!(d.state.overlay, Overlay::None));
    }
}

#[test]
fn audit_filters_and_v_asks_to_verify() {
    let mut d = Driver::new(session());
    d.open_audit();
    assert_eq!(d.state.audit.visible().len(), 3);
    assert_eq!(d.state.audit.visible()[0].attempt.id, "a3", "newest first");
    d.char('/');
    for c in "rollback".chars() {
        d.char(c);
    }
    assert_eq!(d.state.audit.visible().len(), 1);
    d.key(KeyCode::Enter);
    d.char('v');
    assert!(
        d.effects
            .iter()
            .any(|e| matches!(e, Effect::VerifyUnknown { .. }))
    );
}

#[test]
fn enter_on_a_version_opens_its_run() {
    let mut d = Driver::new(session());
    d.open_churn();
    d.key(KeyCode::Enter);
    assert_eq!(
        *d.state.route(),
        mlops_console::app::ScreenRoute::RunDetail {
            run_id: "run5abcdef0123".into()
        }
    );
}

#[test]
fn enter_on_a_request_shows_it_in_full_with_metrics_and_lineage() {
    use mlops_console::ops::approvals::detail::{ApprovalDetail, Lineage, MetricPair};
    let mut d = Driver::new(session());
    d.open_approvals();
    d.key(KeyCode::Enter);
    let req = d
        .fetch_req(|f| matches!(f, Fetch::ApprovalDetail(i) if i.model == "fraud_model"))
        .expect("the detail is read");
    assert!(matches!(d.state.overlay, Overlay::ApprovalDetail(_)));
    assert!(d.screen_text(120, 40).contains("reading"));
    let item = pending().items[0].clone();
    let detail = ApprovalDetail {
        item,
        comments: vec![
            "AUC +1.2 pts on the Q3 holdout; a week of shadow traffic looked clean.".into(),
        ],
        champion: Some("3".into()),
        metrics: vec![MetricPair {
            key: "auc".into(),
            candidate: Some(0.912),
            champion: Some(0.899),
        }],
        lineage: vec![
            Lineage {
                version: "4".into(),
                run_id: Some("run4".into()),
                run_name: Some("gbt-tuned".into()),
                experiment_id: Some("7".into()),
                parent_run_id: Some("sweep1".into()),
                ..Lineage::default()
            },
            Lineage {
                version: "3".into(),
                run_id: Some("run3".into()),
                ..Lineage::default()
            },
        ],
        notes: vec![],
    };
    d.answer(req, Payload::ApprovalDetail(Box::new(detail)));
    let screen = d.screen_text(120, 40);
    for want in [
        "fraud_model v4: transition request to Production",
        "Asked by priya@acme.com",
        "a week of shadow traffic looked clean",
        "v3 (champion)",
        "auc",
        "0.912",
        "0.899",
        "v4 ← run gbt-tuned (run4) in experiment 7, child of run sweep1",
        "v3 (champion) ← run run3",
    ] {
        assert!(screen.contains(want), "{want}: {screen}");
    }
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.overlay, Overlay::None));
    assert!(
        prepared(&d).is_none() && !applied(&d),
        "reading never changes anything"
    );
}

#[test]
fn a_detail_read_that_dies_closes_the_popup_with_the_reason() {
    let mut d = Driver::new(session());
    d.open_approvals();
    d.key(KeyCode::Enter);
    let req = d
        .fetch_req(|f| matches!(f, Fetch::ApprovalDetail(_)))
        .expect("the detail is read");
    d.send(mlops_console::app::Msg::TaskFailed {
        key: mlops_console::app::ResourceKey::ApprovalDetail,
        req,
        at_ms: 0,
        message: "index out of bounds".into(),
    });
    assert!(matches!(d.state.overlay, Overlay::None));
    assert!(
        d.state
            .toasts
            .iter()
            .any(|t| t.text.contains("internal error: index out of bounds")),
        "{:?}",
        d.state.toasts
    );
}
