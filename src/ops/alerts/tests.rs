//! The evaluator and the change state, on hand-made facts (no clock, no network).

use std::collections::BTreeMap;

use super::*;
use crate::config::alert_rules::{AlertRule, RuleKind, Severity, default_rules};

const H: i64 = 3_600_000;
const DAY: i64 = 24 * H;

fn rule(name: &str, kind: RuleKind, severity: Severity) -> AlertRule {
    AlertRule {
        name: name.into(),
        kind,
        severity,
        enabled: true,
        target: None,
        bell: false,
        retrain: false,
        retrain_model: None,
    }
}

fn drift_rule(windows: u32) -> AlertRule {
    rule(
        "drift",
        RuleKind::FeatureDrift {
            statistic: "population_stability_index".into(),
            threshold: 0.25,
            windows,
            feature: None,
        },
        Severity::Critical,
    )
}

/// A feature whose PSI per daily window is `psi` (oldest first).
fn feature(name: &str, psi: &[f64]) -> FeatureDrift {
    FeatureDrift {
        feature: name.into(),
        windows: psi
            .iter()
            .enumerate()
            .map(|(i, v)| DriftWindow {
                start_ms: i as i64 * DAY,
                end_ms: (i as i64 + 1) * DAY,
                statistics: BTreeMap::from([("population_stability_index".to_string(), *v)]),
            })
            .collect(),
    }
}

fn drift_facts(features: Vec<FeatureDrift>) -> Facts {
    Facts {
        now_ms: 40 * DAY,
        drift: Source::Read(vec![DriftTable {
            table: "main.ml.churn_inference".into(),
            features,
        }]),
        ..Default::default()
    }
}

#[test]
fn drift_fires_only_after_n_consecutive_windows_over_the_threshold() {
    let facts = drift_facts(vec![
        feature("tenure_months", &[0.01, 0.3, 0.02, 0.3, 0.4, 0.5]),
        feature("monthly_charges", &[0.01, 0.3, 0.4, 0.02]),
    ]);
    let eval = evaluate(&[drift_rule(3)], &facts);
    assert_eq!(eval.firing.len(), 1, "{:?}", eval.firing);
    let a = &eval.firing[0];
    assert_eq!(a.id, "drift/main.ml.churn_inference.tenure_months");
    assert_eq!(a.object.kind, ObjectKind::Feature);
    assert_eq!(a.object.key("feature"), Some("tenure_months"));
    assert_eq!(
        a.since_ms,
        Some(3 * DAY),
        "since the run of drifting windows began"
    );
    assert!(
        a.detail.contains("0.500 > 0.25 in the last 3 windows"),
        "{}",
        a.detail
    );
    assert!(eval.any_critical());

    let eval = evaluate(&[drift_rule(4)], &facts);
    assert!(eval.firing.is_empty(), "only three windows in a row");
    let too_few = drift_facts(vec![feature("x", &[0.9, 0.9])]);
    assert!(evaluate(&[drift_rule(3)], &too_few).firing.is_empty());
}

#[test]
fn p_values_cross_below_their_threshold() {
    let mut r = drift_rule(1);
    r.kind = RuleKind::FeatureDrift {
        statistic: "ks_test.pvalue".into(),
        threshold: 0.05,
        windows: 1,
        feature: Some("age".into()),
    };
    let w = |p: f64| DriftWindow {
        start_ms: 0,
        end_ms: DAY,
        statistics: BTreeMap::from([("ks_test.pvalue".to_string(), p)]),
    };
    let facts = |p| {
        drift_facts(vec![
            FeatureDrift {
                feature: "age".into(),
                windows: vec![w(p)],
            },
            FeatureDrift {
                feature: "other".into(),
                windows: vec![w(0.0)],
            },
        ])
    };
    let eval = evaluate(std::slice::from_ref(&r), &facts(0.01));
    assert_eq!(eval.firing.len(), 1, "only the rule's feature");
    assert!(eval.firing[0].detail.contains("< 0.05"));
    assert!(evaluate(&[r], &facts(0.2)).firing.is_empty());
}

fn quality(version: &str, acc: &[f64]) -> VersionQuality {
    VersionQuality {
        version: version.into(),
        windows: acc
            .iter()
            .enumerate()
            .map(|(i, v)| QualityWindow {
                start_ms: i as i64 * DAY,
                end_ms: (i as i64 + 1) * DAY,
                metrics: BTreeMap::from([("accuracy_score".to_string(), *v)]),
            })
            .collect(),
    }
}

#[test]
fn quality_fires_below_a_floor_or_after_falling_by_x() {
    let facts = Facts {
        quality: Source::Read(vec![QualityTable {
            table: "main.ml.churn_inference".into(),
            model: Some("main.ml.churn_model".into()),
            versions: vec![
                quality("4", &[0.90, 0.91, 0.84]),
                quality("5", &[0.88, 0.87, 0.86]),
            ],
        }]),
        ..Default::default()
    };
    let falling = rule(
        "q",
        RuleKind::ModelQuality {
            metric: "accuracy_score".into(),
            floor: None,
            drop: Some(0.05),
        },
        Severity::Warning,
    );
    let eval = evaluate(std::slice::from_ref(&falling), &facts);
    let ids: Vec<&str> = eval.firing.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        ["q/main.ml.churn_model v4"],
        "v4 fell 0.07 from its best; v5 0.02"
    );
    assert!(
        eval.firing[0].detail.contains("fell 0.070"),
        "{}",
        eval.firing[0].detail
    );
    let floor = rule(
        "f",
        RuleKind::ModelQuality {
            metric: "accuracy_score".into(),
            floor: Some(0.85),
            drop: None,
        },
        Severity::Warning,
    );
    let eval = evaluate(&[floor], &facts);
    assert_eq!(eval.firing.len(), 1);
    assert_eq!(eval.firing[0].object.key("version"), Some("4"));
}

fn endpoint(name: &str, failed: bool, traffic: Source<EndpointTraffic>) -> EndpointFacts {
    EndpointFacts {
        name: name.into(),
        config_update: Some(
            if failed {
                "UPDATE_FAILED"
            } else {
                "NOT_UPDATING"
            }
            .into(),
        ),
        update_failed: failed,
        update_message: failed.then(|| "image build failed".to_string()),
        updated_ms: Some(DAY),
        traffic,
    }
}

fn traffic(requests: f64, errors: f64, p99: f64) -> Source<EndpointTraffic> {
    Source::Read(EndpointTraffic {
        requests,
        errors_5xx: errors,
        p99_ms: Some(p99),
        seconds: 60.0,
    })
}

#[test]
fn endpoints_fire_on_failed_updates_and_on_5xx_or_p99_with_enough_requests() {
    let facts = Facts {
        now_ms: 2 * DAY,
        endpoints: Source::Read(vec![
            endpoint("ok", false, traffic(1000.0, 1.0, 40.0)),
            endpoint("errors", false, traffic(1000.0, 80.0, 40.0)),
            endpoint("slow", false, traffic(1000.0, 0.0, 2500.0)),
            endpoint("quiet", false, traffic(10.0, 10.0, 9000.0)),
            endpoint("broken", true, Source::NotWired),
        ]),
        ..Default::default()
    };
    let rules = default_rules();
    let eval = evaluate(&rules, &facts);
    let ids: Vec<&str> = eval.firing.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "endpoint-errors/errors",
            "endpoint-errors/slow",
            "endpoint-update-failed/broken"
        ]
    );
    assert!(eval.firing[0].detail.contains("5xx 8.0% > 5.0%"));
    assert_eq!(eval.firing[2].since_ms, Some(DAY));
    assert!(eval.firing[2].detail.contains("image build failed"));
}

#[test]
fn a_failed_source_makes_its_rules_unknown_never_ok() {
    let facts = Facts {
        endpoints: Source::Failed("HTTP 503".into()),
        jobs: Source::Read(vec![]),
        approvals: Source::Read(vec![]),
        ..Default::default()
    };
    let eval = evaluate(&default_rules(), &facts);
    assert!(eval.firing.is_empty());
    let unknown: BTreeMap<&str, &str> = eval
        .unknown
        .iter()
        .map(|u| (u.rule.as_str(), u.reason.as_str()))
        .collect();
    assert!(unknown["endpoint-errors"].contains("HTTP 503"));
    assert!(unknown["endpoint-update-failed"].contains("HTTP 503"));
    assert!(unknown["feature-drift"].contains("not available"));
    assert!(unknown["monitor-refresh-failed"].contains("not available"));
    assert!(unknown["feature-table-stale"].contains("not available"));
    assert!(!unknown.contains_key("job-run-failed"));
    assert!(!unknown.contains_key("approval-pending"));
    assert_eq!(eval.rules, default_rules().len());

    // One endpoint's metrics unreadable, none firing: the rule cannot say all is well.
    let facts = Facts {
        endpoints: Source::Read(vec![
            endpoint("a", false, Source::Failed("timeout".into())),
            endpoint("b", false, traffic(1000.0, 0.0, 10.0)),
        ]),
        ..Default::default()
    };
    let eval = evaluate(&default_rules(), &facts);
    assert!(
        eval.unknown
            .iter()
            .any(|u| u.rule == "endpoint-errors" && u.reason.contains("a: timeout"))
    );
}

#[test]
fn jobs_approvals_and_monitors_fire_per_object_and_targets_filter() {
    let facts = Facts {
        now_ms: 10 * DAY,
        jobs: Source::Read(vec![
            JobFailure {
                job_id: 7,
                job: "churn-retrain".into(),
                run_id: 70,
                state: "INTERNAL_ERROR FAILED".into(),
                message: "spot instance\nmore".into(),
                start_ms: Some(DAY),
                end_ms: Some(DAY + H),
            },
            JobFailure {
                job_id: 8,
                job: "feature-refresh".into(),
                run_id: 80,
                ..Default::default()
            },
        ]),
        approvals: Source::Read(vec![
            ApprovalWait {
                model: "m".into(),
                version: "6".into(),
                since_ms: Some(9 * DAY),
                requested_by: None,
            },
            ApprovalWait {
                model: "m".into(),
                version: "5".into(),
                since_ms: Some(2 * DAY),
                requested_by: None,
            },
            ApprovalWait {
                model: "m".into(),
                version: "3".into(),
                since_ms: None,
                requested_by: None,
            },
        ]),
        monitors: Source::Read(vec![
            MonitorRefresh {
                table: "t1".into(),
                latest: Some(RefreshState {
                    refresh_id: "5".into(),
                    state: "FAILED".into(),
                    message: Some("out of memory".into()),
                    ..Default::default()
                }),
            },
            MonitorRefresh {
                table: "t2".into(),
                latest: None,
            },
        ]),
        ..Default::default()
    };
    let mut jobs = rule("jobs", RuleKind::JobRunFailed, Severity::Warning);
    let approvals = rule(
        "wait",
        RuleKind::ApprovalPending {
            max_age_ms: 3 * DAY,
        },
        Severity::Info,
    );
    let monitors = rule("mon", RuleKind::MonitorRefreshFailed, Severity::Warning);
    let eval = evaluate(&[jobs.clone(), approvals, monitors], &facts);
    let ids: Vec<&str> = eval.firing.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "jobs/churn-retrain",
            "jobs/feature-refresh",
            "mon/t1",
            "wait/m v5"
        ]
    );
    assert_eq!(
        eval.firing[0].detail,
        "run 70 INTERNAL_ERROR FAILED: spot instance"
    );
    assert_eq!(eval.firing[0].since_ms, Some(DAY + H));
    assert!(
        eval.firing[3].detail.contains("8d 0h"),
        "{}",
        eval.firing[3].detail
    );

    jobs.target = Some("7".into());
    let eval = evaluate(&[jobs.clone()], &facts);
    assert_eq!(eval.firing.len(), 1, "a job named by id");
    jobs.enabled = false;
    let eval = evaluate(&[jobs], &facts);
    assert_eq!(
        (eval.firing.len(), eval.rules),
        (0, 0),
        "disabled rules are skipped"
    );
}

fn with_drift(psi: &[f64], now_ms: i64) -> Evaluation {
    let mut facts = drift_facts(vec![feature("tenure_months", psi)]);
    facts.now_ms = now_ms;
    evaluate(&[drift_rule(2)], &facts)
}

#[test]
fn the_state_says_fired_and_resolved_once_and_nothing_while_unchanged() {
    let mut state = AlertState::new();
    assert!(state.update(&with_drift(&[0.1, 0.1], 1)).is_empty());
    let changes = state.update(&with_drift(&[0.1, 0.3, 0.4], 2));
    assert!(
        matches!(&changes[..], [AlertChange::Fired { at_ms: 2, alert }] if alert.rule == "drift")
    );
    assert!(
        state
            .update(&with_drift(&[0.1, 0.3, 0.4, 0.5], 3))
            .is_empty(),
        "no repeat"
    );
    assert!(
        state
            .update(&with_drift(&[0.1, 0.3, 0.4, 0.5], 4))
            .is_empty()
    );
    assert_eq!(state.active().count(), 1);
    let changes = state.update(&with_drift(&[0.1, 0.3, 0.4, 0.5, 0.01], 5));
    assert!(matches!(
        &changes[..],
        [AlertChange::Resolved { at_ms: 5, .. }]
    ));
    assert!(state.update(&with_drift(&[0.01], 6)).is_empty());
    assert_eq!(state.active().count(), 0);
}

#[test]
fn an_unknown_rule_neither_resolves_nor_refires_its_alerts() {
    let mut state = AlertState::new();
    state.update(&with_drift(&[0.3, 0.4], 1));
    let failed = evaluate(
        &[drift_rule(2)],
        &Facts {
            now_ms: 2,
            drift: Source::Failed("warehouse stopped".into()),
            ..Default::default()
        },
    );
    let changes = state.update(&failed);
    assert!(
        matches!(&changes[..], [AlertChange::Unknown { rule, .. }] if rule.reason.contains("warehouse stopped")),
        "{changes:?}"
    );
    assert_eq!(state.active().count(), 1, "kept, not resolved");
    assert!(state.update(&failed).is_empty(), "unknown is said once");
    assert!(
        state.update(&with_drift(&[0.3, 0.4], 3)).is_empty(),
        "back and still firing: no new fired"
    );
}

#[test]
fn alerts_without_their_own_start_keep_the_time_first_seen() {
    let eval = |at| {
        evaluate(
            &default_rules(),
            &Facts {
                now_ms: at,
                endpoints: Source::Read(vec![endpoint(
                    "errors",
                    false,
                    traffic(1000.0, 100.0, 1.0),
                )]),
                ..Default::default()
            },
        )
    };
    let mut state = AlertState::new();
    state.update(&eval(100));
    state.update(&eval(200));
    let a = state.active().next().unwrap();
    assert_eq!(a.since_ms, Some(100));
}
