//! Roll back planning from journal entries (pure: no server).

use std::collections::BTreeMap;

use super::*;
use crate::ops::journal::{Attempt, Outcome, ResultRecord, Via};

const HOST: &str = "https://dbc-1.cloud.databricks.com";

fn here() -> Workspace {
    Workspace::new(HOST, Some("1001".into()))
}

fn stages(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn alias(v: Option<&str>) -> ObjectState {
    ObjectState::Alias {
        version: v.map(str::to_string),
    }
}

fn champion() -> Target {
    Target::UcAlias {
        model: "main.ml.churn_model".into(),
        alias: "champion".into(),
    }
}

fn entry(
    id: &str,
    host: &str,
    target: Target,
    before: ObjectState,
    after: ObjectState,
    outcome: Option<Outcome>,
) -> Entry {
    Entry {
        attempt: Attempt {
            id: id.into(),
            time: "t".into(),
            ts_ms: 0,
            profile: "p".into(),
            host: host.into(),
            workspace_id: None,
            actor: None,
            action: ChangeAction::Promote,
            target,
            before,
            after,
            comment: None,
            reverts: None,
            requests: Vec::new(),
        },
        results: outcome
            .map(|o| ResultRecord {
                id: id.into(),
                time: "t".into(),
                ts_ms: 1,
                outcome: o,
                error: None,
                verified: None,
                via: Via::Execute,
                answer_lost: false,
                sent: Vec::new(),
            })
            .into_iter()
            .collect(),
    }
}

#[test]
fn the_last_successful_change_on_this_host_is_the_one() {
    let view = JournalView {
        entries: vec![
            entry(
                "a",
                HOST,
                champion(),
                alias(Some("3")),
                alias(Some("4")),
                Some(Outcome::Ok),
            ),
            entry(
                "b",
                "https://other",
                champion(),
                alias(Some("4")),
                alias(Some("9")),
                Some(Outcome::Ok),
            ),
            entry(
                "c",
                HOST,
                champion(),
                alias(Some("4")),
                alias(Some("6")),
                Some(Outcome::Failed),
            ),
            entry(
                "d",
                HOST,
                champion(),
                alias(Some("4")),
                alias(Some("7")),
                None,
            ),
        ],
        problems: Vec::new(),
    };
    let (found, warnings) = last_change(&view, &here(), &champion());
    assert_eq!(found.unwrap().attempt.id, "a");
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].contains("(d, promote) has an unknown outcome"),
        "{warnings:?}"
    );
    let other = Target::UcAlias {
        model: "main.ml.churn_model".into(),
        alias: "challenger".into(),
    };
    assert!(last_change(&view, &here(), &other).0.is_none());
}

#[test]
fn an_alias_goes_back_to_its_previous_version() {
    let e = entry(
        "a",
        HOST,
        champion(),
        alias(Some("4")),
        alias(Some("5")),
        Some(Outcome::Ok),
    );
    let p = plan_from_entry(&e, &alias(Some("5")), None);
    assert_eq!(
        p.summary(),
        "rollback main.ml.churn_model@champion: v5 → v4"
    );
    assert_eq!(
        p.steps,
        vec![Step::SetUcAlias {
            model: "main.ml.churn_model".into(),
            alias: "champion".into(),
            version: 4
        }]
    );
    assert_eq!(p.reverts.as_deref(), Some("a"));
    assert!(p.warnings.is_empty());
    // Someone moved it since: still back to v4, with a warning.
    let drifted = plan_from_entry(&e, &alias(Some("6")), None);
    assert_eq!(drifted.steps.len(), 1);
    assert!(
        drifted.warnings[0].contains("now reads v6"),
        "{:?}",
        drifted.warnings
    );
    // Already back: nothing to do.
    assert!(plan_from_entry(&e, &alias(Some("4")), None).is_noop());
    // The alias did not exist before: delete it.
    let created = entry(
        "b",
        HOST,
        champion(),
        alias(None),
        alias(Some("5")),
        Some(Outcome::Ok),
    );
    let p = plan_from_entry(&created, &alias(Some("5")), None);
    assert_eq!(
        p.steps,
        vec![Step::DeleteUcAlias {
            model: "main.ml.churn_model".into(),
            alias: "champion".into()
        }]
    );
}

#[test]
fn stages_go_back_production_first() {
    let target = Target::Stages {
        model: "fraud_model".into(),
    };
    let before = ObjectState::Stages {
        stages: stages(&[("3", "Production"), ("4", "Staging")]),
    };
    let after = ObjectState::Stages {
        stages: stages(&[("3", "Archived"), ("4", "Production")]),
    };
    let e = entry(
        "p1",
        HOST,
        target.clone(),
        before,
        after.clone(),
        Some(Outcome::Ok),
    );
    let p = plan_from_entry(&e, &after, None);
    let moves: Vec<(String, String)> = p
        .steps
        .iter()
        .map(|s| match s {
            Step::TransitionStage {
                version,
                stage,
                archive_existing,
                ..
            } => {
                assert!(!archive_existing);
                (version.clone(), stage.clone())
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        moves,
        [
            ("3".to_string(), "Production".to_string()),
            ("4".to_string(), "Staging".to_string())
        ]
    );
    assert_eq!(
        p.summary(),
        "rollback fraud_model (stages): v3 Archived, v4 Production → v3 Production, v4 Staging"
    );
}

#[test]
fn an_approved_request_counts_as_a_stage_change() {
    let request = Target::TransitionRequest {
        model: "fraud_model".into(),
        version: "4".into(),
        stage: "Production".into(),
    };
    let before = ObjectState::Request {
        open: true,
        stages: stages(&[("3", "Production"), ("4", "Staging")]),
        opened: None,
    };
    let after = ObjectState::Request {
        open: false,
        stages: stages(&[("3", "Archived"), ("4", "Production")]),
        opened: None,
    };
    let rejected = ObjectState::Request {
        open: false,
        stages: stages(&[("3", "Production"), ("4", "Staging")]),
        opened: None,
    };
    let view = JournalView {
        entries: vec![
            entry(
                "ap",
                HOST,
                request.clone(),
                before.clone(),
                after,
                Some(Outcome::Ok),
            ),
            entry("rj", HOST, request, before, rejected, Some(Outcome::Ok)),
        ],
        problems: Vec::new(),
    };
    let stages_target = Target::Stages {
        model: "fraud_model".into(),
    };
    let (found, _) = last_change(&view, &here(), &stages_target);
    let found = found.expect("the approval, not the rejection");
    assert_eq!(found.attempt.id, "ap");
    let now = ObjectState::Stages {
        stages: stages(&[("3", "Archived"), ("4", "Production")]),
    };
    let p = plan_from_entry(found, &now, None);
    assert_eq!(p.target, stages_target);
    assert_eq!(p.steps.len(), 2);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn only_changes_made_on_this_workspace_are_rolled_back() {
    let mut other_id = entry(
        "same-url-other-workspace",
        HOST,
        champion(),
        alias(Some("4")),
        alias(Some("9")),
        Some(Outcome::Ok),
    );
    other_id.attempt.workspace_id = Some("2002".into());
    let mut spelled = entry(
        "spelled-differently",
        "HTTPS://DBC-1.cloud.databricks.com:443/",
        champion(),
        alias(Some("3")),
        alias(Some("4")),
        Some(Outcome::Ok),
    );
    spelled.attempt.workspace_id = Some("1001".into());
    let elsewhere = entry(
        "staging",
        "https://dbc-2.cloud.databricks.com",
        champion(),
        alias(Some("4")),
        alias(Some("8")),
        Some(Outcome::Ok),
    );
    let view = JournalView {
        entries: vec![spelled, other_id, elsewhere],
        problems: Vec::new(),
    };
    let (found, _) = last_change(&view, &here(), &champion());
    assert_eq!(found.unwrap().attempt.id, "spelled-differently");
    // Where the workspace reports no id, the host alone decides.
    let no_id = Workspace::new(HOST, None);
    let (found, _) = last_change(&view, &no_id, &champion());
    assert_eq!(found.unwrap().attempt.id, "same-url-other-workspace");
    let staging = Workspace::new("https://dbc-2.cloud.databricks.com/", Some("3003".into()));
    let (found, _) = last_change(&view, &staging, &champion());
    assert_eq!(found.unwrap().attempt.id, "staging");
}
