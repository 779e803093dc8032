//! The canary state machine without I/O: observations in, state and actions out.

use serde_json::json;

use super::verdict::counters;
use crate::api::models::serving_config::ServedEntityInput;
use crate::ops::canary::plan::{Canary, CanaryPlan, Guards};
use crate::ops::canary::state::*;
use crate::ops::canary::step;
use crate::ops::canary::verdict::Verdict;
use crate::ops::traffic::{EndpointConfigState, Split};

pub(super) const S: i64 = 1_000;

pub(super) fn plan(canary: Canary) -> CanaryPlan {
    CanaryPlan {
        endpoint: "churn-prod".into(),
        stable: "churn_model-4".into(),
        canary,
        steps: vec![5, 25, 100],
        hold_ms: 60 * S,
        interval_ms: 15 * S,
        guards: Guards {
            max_p99_ms: Some(100.0),
            ..Guards::default()
        },
    }
}

fn served(name: &str) -> Canary {
    Canary::Served { name: name.into() }
}

pub(super) fn entity(name: &str) -> ServedEntityInput {
    let mut extra = serde_json::Map::new();
    extra.insert("environment_vars".into(), json!({"LOG_LEVEL": "info"}));
    ServedEntityInput {
        name: Some(name.into()),
        entity_name: Some("main.ml.churn_model".into()),
        entity_version: Some(name.rsplit('-').next().unwrap().into()),
        workload_size: Some("Small".into()),
        workload_type: Some("CPU".into()),
        scale_to_zero_enabled: Some(false),
        extra,
    }
}

pub(super) fn live(routes: &[(&str, u32)]) -> EndpointConfigState {
    EndpointConfigState {
        served_entities: routes.iter().map(|(n, _)| entity(n)).collect(),
        routes: Split::new(routes),
        config_version: None,
    }
}

pub(super) fn endpoint(routes: &[(&str, u32)]) -> EndpointLook {
    EndpointLook {
        config: live(routes),
        updating: false,
    }
}

/// Cumulative counters at `at`: (requests, 5xx) of stable and canary.
pub(super) fn sample(at: i64, stable: (u64, u64), canary: (u64, u64)) -> Sample {
    Sample {
        at_ms: at,
        stable: Some(counters(stable.0, stable.1, 0.02, 30.0)),
        canary: Some(counters(canary.0, canary.1, 0.02, 31.0)),
    }
}

pub(super) fn look(routes: &[(&str, u32)], m: Option<Sample>) -> Observation {
    Observation::Look {
        endpoint: endpoint(routes),
        metrics: m,
    }
}

pub(super) fn done(after: &EndpointConfigState, m: Option<Sample>) -> Observation {
    Observation::ChangeDone {
        ok: true,
        message: "done and verified".into(),
        endpoint: Some(EndpointLook {
            config: after.clone(),
            updating: false,
        }),
        metrics: m,
    }
}

/// The one change in `actions`.
pub(super) fn applied(actions: &[CanaryAction]) -> (ChangeKind, EndpointConfigState) {
    let all: Vec<_> = actions
        .iter()
        .filter_map(|a| match a {
            CanaryAction::Apply { change, after, .. } => Some((change.clone(), after.clone())),
            CanaryAction::Alert { .. } => None,
        })
        .collect();
    assert_eq!(all.len(), 1, "{actions:?}");
    all[0].clone()
}

pub(super) fn alerts(actions: &[CanaryAction]) -> Vec<Severity> {
    actions
        .iter()
        .filter_map(|a| match a {
            CanaryAction::Alert { severity, .. } => Some(*severity),
            CanaryAction::Apply { .. } => None,
        })
        .collect()
}

pub(super) const V4: &str = "churn_model-4";
pub(super) const V5: &str = "churn_model-5";

/// Runs the healthy plan up to holding at 5%, returning the state and the 5% config.
fn holding_at_5() -> (CanaryState, EndpointConfigState) {
    let s = CanaryState::new(plan(served(V5)), 0);
    let (s, a) = step(s, look(&[(V4, 90), (V5, 10)], None), 0);
    let (kind, after) = applied(&a);
    assert_eq!(
        kind,
        ChangeKind::Step {
            index: 0,
            percent: 5
        }
    );
    assert_eq!(after.routes, Split::new(&[(V4, 95), (V5, 5)]));
    assert_eq!(s.phase, Phase::Shifting);
    let (s, a) = step(
        s,
        done(&after, Some(sample(5 * S, (1_000, 0), (50, 0)))),
        5 * S,
    );
    assert!(a.is_empty());
    assert_eq!(s.phase, Phase::Holding);
    assert_eq!(s.step_started_ms, Some(5 * S));
    (s, after)
}

#[test]
fn a_healthy_canary_passes_each_hold_and_is_promoted() {
    let (s, at5) = holding_at_5();
    let r5 = [(V4, 95), (V5, 5)];
    // PASS before the hold is over: stay.
    let (s, a) = step(
        s,
        look(&r5, Some(sample(20 * S, (6_000, 2), (2_050, 1)))),
        20 * S,
    );
    assert!(a.is_empty());
    assert_eq!(s.last_judgement.as_ref().unwrap().verdict, Verdict::Pass);
    assert_eq!(s.phase, Phase::Holding);
    // PASS after it: on to 25%.
    let (s, a) = step(
        s,
        look(&r5, Some(sample(70 * S, (20_000, 6), (4_050, 2)))),
        70 * S,
    );
    let (kind, at25) = applied(&a);
    assert_eq!(
        kind,
        ChangeKind::Step {
            index: 1,
            percent: 25
        }
    );
    assert_eq!(at25.routes, Split::new(&[(V4, 75), (V5, 25)]));
    assert_eq!(
        at25.served_entities, at5.served_entities,
        "entities are kept"
    );
    let (s, _) = step(
        s,
        done(&at25, Some(sample(75 * S, (21_000, 6), (4_400, 2)))),
        75 * S,
    );
    assert_eq!((s.phase, s.step), (Phase::Holding, 1));
    let (s, a) = step(
        s,
        look(
            &at25_routes(),
            Some(sample(140 * S, (40_000, 12), (11_000, 5))),
        ),
        140 * S,
    );
    let (kind, at100) = applied(&a);
    assert_eq!(
        kind,
        ChangeKind::Step {
            index: 2,
            percent: 100
        }
    );
    // Reaching 100% is the promotion: no analysis without stable traffic.
    let (s, a) = step(s, done(&at100, None), 145 * S);
    assert_eq!(s.phase, Phase::Completed);
    assert_eq!(alerts(&a), [Severity::Info]);
    assert!(s.describe().contains("completed"), "{}", s.describe());
    assert!(s.history.iter().any(|e| e.message.contains("promoted")));
    // Finished plans ignore everything.
    let (s2, a) = step(
        s.clone(),
        Observation::Command {
            command: Command::Abort,
        },
        150 * S,
    );
    assert!(a.is_empty());
    assert_eq!(s2.phase, Phase::Completed);
}

fn at25_routes() -> [(&'static str, u32); 2] {
    [(V4, 75), (V5, 25)]
}

#[test]
fn an_inconclusive_canary_holds_past_the_hold_time() {
    let (s, _) = holding_at_5();
    let (s, a) = step(
        s,
        look(
            &[(V4, 95), (V5, 5)],
            Some(sample(120 * S, (30_000, 9), (130, 0))),
        ),
        120 * S,
    );
    assert!(a.is_empty());
    let j = s.last_judgement.as_ref().unwrap();
    assert_eq!(j.verdict, Verdict::Inconclusive);
    assert!(j.requests_needed.unwrap() >= 120);
    assert_eq!(s.phase, Phase::Holding);
}

#[test]
fn a_failing_canary_rolls_back_to_stable_on_its_own() {
    let (s, _) = holding_at_5();
    let r5 = [(V4, 95), (V5, 5)];
    let (s, a) = step(
        s,
        look(&r5, Some(sample(35 * S, (8_000, 3), (450, 40)))),
        35 * S,
    );
    assert_eq!(s.phase, Phase::RollingBack);
    let (kind, back) = applied(&a);
    assert_eq!(kind, ChangeKind::Rollback);
    assert_eq!(back.routes, Split::new(&[(V4, 100), (V5, 0)]));
    assert_eq!(
        back.served_entities.len(),
        2,
        "the canary stays served, at 0%"
    );
    assert!(s.rollback_reason.as_ref().unwrap().starts_with("FAIL"));
    // The roll back fails once: it is retried at the next look.
    let failed = Observation::ChangeDone {
        ok: false,
        message: "TEMPORARILY_UNAVAILABLE".into(),
        endpoint: None,
        metrics: None,
    };
    let (s, a) = step(s, failed, 40 * S);
    assert_eq!(s.phase, Phase::RollingBack);
    assert_eq!(alerts(&a), [Severity::Critical]);
    let (s, a) = step(s, look(&r5, None), 55 * S);
    assert_eq!(applied(&a).0, ChangeKind::Rollback);
    let (s, a) = step(s, done(&back, None), 60 * S);
    assert_eq!(s.phase, Phase::RolledBack);
    assert_eq!(alerts(&a), [Severity::Critical]);
    assert_eq!(s.expected, Some(Split::new(&[(V4, 100), (V5, 0)])));
}

#[test]
fn a_version_not_served_yet_is_added_at_zero_with_the_stable_workload() {
    let s = CanaryState::new(
        plan(Canary::New {
            model: "main.ml.churn_model".into(),
            version: "6".into(),
        }),
        0,
    );
    let (s, a) = step(s, look(&[(V4, 90), (V5, 10)], None), 0);
    assert_eq!(s.phase, Phase::AddingCanary);
    let (kind, after) = applied(&a);
    assert_eq!(kind, ChangeKind::AddCanary);
    let v6 = after.entity("churn_model-6").expect("canary added");
    let v4 = after.entity(V4).unwrap();
    assert_eq!(v6.entity_version.as_deref(), Some("6"));
    assert_eq!(v6.workload_size, v4.workload_size);
    assert_eq!(v6.scale_to_zero_enabled, v4.scale_to_zero_enabled);
    assert_eq!(v6.extra, v4.extra, "environment and concurrency copied");
    assert_eq!(after.routes.percent("churn_model-6"), 0);
    assert_eq!(after.routes.percent(V5), 10, "other routes unchanged");
    let (s, a) = step(s, done(&after, None), 5 * S);
    let (kind, first) = applied(&a);
    assert_eq!(
        kind,
        ChangeKind::Step {
            index: 0,
            percent: 5
        }
    );
    // churn_model-5 is scaled down with stable (85.5 and 9.5 of the 95 points: the tie goes
    // to stable); `third_entity.rs` follows such a plan to the end.
    assert_eq!(
        first.routes,
        Split::new(&[(V4, 86), (V5, 9), ("churn_model-6", 5)])
    );
    assert_eq!(s.phase, Phase::Shifting);
}

#[test]
fn an_outside_change_pauses_and_resume_puts_the_split_back() {
    let (s, _) = holding_at_5();
    let (s, a) = step(s, look(&[(V4, 50), (V5, 50)], None), 20 * S);
    assert_eq!(s.phase, Phase::Paused);
    assert_eq!(alerts(&a), [Severity::Warning]);
    let why = &s.pause.as_ref().unwrap().message;
    assert!(
        why.contains(
            "expected churn_model-4=95, churn_model-5=5, found churn_model-4=50, churn_model-5=50"
        ),
        "{why}"
    );
    assert!(!s.pause.as_ref().unwrap().by_user);
    // Paused plans only watch.
    let (s, a) = step(s, look(&[(V4, 50), (V5, 50)], None), 35 * S);
    assert!(a.is_empty());
    let (s, a) = step(
        s,
        Observation::Command {
            command: Command::Resume,
        },
        40 * S,
    );
    assert!(a.is_empty());
    let (s, a) = step(s, look(&[(V4, 50), (V5, 50)], None), 41 * S);
    let (kind, again) = applied(&a);
    assert_eq!(
        kind,
        ChangeKind::Step {
            index: 0,
            percent: 5
        }
    );
    assert_eq!(again.routes, Split::new(&[(V4, 95), (V5, 5)]));
    let (s, _) = step(s, done(&again, None), 45 * S);
    assert_eq!((s.phase, s.step_started_ms), (Phase::Holding, Some(45 * S)));
}

#[test]
fn pause_resume_and_abort_by_the_user() {
    let (s, _) = holding_at_5();
    let (s, a) = step(
        s,
        Observation::Command {
            command: Command::Pause,
        },
        10 * S,
    );
    assert_eq!(s.phase, Phase::Paused);
    assert!(a.is_empty(), "no alert for the user's own pause");
    // Resumed with the routes as the plan left them: the hold starts again, nothing is sent.
    let (s, _) = step(
        s,
        Observation::Command {
            command: Command::Resume,
        },
        20 * S,
    );
    let (s, a) = step(
        s,
        look(&[(V4, 95), (V5, 5)], Some(sample(21 * S, (5, 0), (1, 0)))),
        21 * S,
    );
    assert!(a.is_empty());
    assert_eq!((s.phase, s.step_started_ms), (Phase::Holding, Some(21 * S)));
    let (s, a) = step(
        s,
        Observation::Command {
            command: Command::Abort,
        },
        30 * S,
    );
    let (kind, back) = applied(&a);
    assert_eq!(kind, ChangeKind::Rollback);
    let (s, a) = step(s, done(&back, None), 35 * S);
    assert_eq!(s.phase, Phase::Aborted);
    assert_eq!(alerts(&a), [Severity::Warning]);

    // Aborted before anything was sent: nothing to undo.
    let fresh = CanaryState::new(plan(served(V5)), 0);
    let (s, a) = step(
        fresh,
        Observation::Command {
            command: Command::Abort,
        },
        0,
    );
    assert!(a.is_empty());
    assert_eq!(s.phase, Phase::Aborted);
}

#[test]
fn after_a_restart_the_state_resumes_and_a_change_in_flight_is_reconciled() {
    let (s, at5) = holding_at_5();
    // Saved mid-hold and read back: the same behaviour.
    let reread: CanaryState = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(reread, s);
    let (s, a) = step(
        reread,
        look(
            &[(V4, 95), (V5, 5)],
            Some(sample(70 * S, (20_000, 6), (4_050, 2))),
        ),
        70 * S,
    );
    let (_, at25) = applied(&a);
    assert_eq!(at25.routes, Split::new(&at25_routes()));
    // The process dies with the 25% change in flight.
    let saved = serde_json::to_string(&s).unwrap();
    let restore = || serde_json::from_str::<CanaryState>(&saved).unwrap();
    assert!(restore().pending.is_some());
    // (a) It had landed: holding at 25%, nothing re-sent.
    let (s1, a) = step(
        restore(),
        look(
            &at25_routes(),
            Some(sample(80 * S, (21_000, 6), (4_300, 2))),
        ),
        80 * S,
    );
    assert!(a.is_empty());
    assert_eq!(
        (s1.phase, s1.step, s1.pending.clone()),
        (Phase::Holding, 1, None)
    );
    // (b) It had not: sent again.
    let (s2, a) = step(restore(), look(&[(V4, 95), (V5, 5)], None), 80 * S);
    assert_eq!(
        applied(&a).0,
        ChangeKind::Step {
            index: 1,
            percent: 25
        }
    );
    assert!(s2.pending.is_some());
    // (c) It is still updating: wait.
    let updating = Observation::Look {
        endpoint: EndpointLook {
            config: at5.clone(),
            updating: true,
        },
        metrics: None,
    };
    let (s3, a) = step(restore(), updating, 80 * S);
    assert!(a.is_empty());
    assert!(s3.pending.is_some());
    // (d) Someone else moved the routes meanwhile: paused, saying so.
    let (s4, _) = step(restore(), look(&[(V4, 60), (V5, 40)], None), 80 * S);
    assert_eq!(s4.phase, Phase::Paused);
    assert!(s4.pause.unwrap().message.contains("churn_model-5=40"));
}

#[test]
fn missing_entities_and_updates_outside_the_plan() {
    let s = CanaryState::new(plan(served("churn_model-9")), 0);
    let (s, a) = step(s, look(&[(V4, 90), (V5, 10)], None), 0);
    assert_eq!(s.phase, Phase::Paused);
    assert!(
        s.pause
            .unwrap()
            .message
            .contains("churn_model-9 is not served")
    );
    assert_eq!(alerts(&a), [Severity::Warning]);

    let (s, _) = holding_at_5();
    let updating = Observation::Look {
        endpoint: EndpointLook {
            config: live(&[(V4, 95), (V5, 5)]),
            updating: true,
        },
        metrics: Some(sample(90 * S, (30_000, 9), (6_000, 2))),
    };
    let (s, a) = step(s, updating, 90 * S);
    assert!(a.is_empty());
    assert!(
        s.last_judgement.is_none(),
        "no judgement while the endpoint updates"
    );
    let (s, _) = step(
        s,
        Observation::ReadFailed {
            message: "timeout".into(),
        },
        95 * S,
    );
    assert!(s.history.last().unwrap().message.contains("timeout"));
}

#[test]
fn a_failed_step_pauses_with_the_step_in_words() {
    let s = CanaryState::new(plan(served(V5)), 0);
    let (s, _) = step(s, look(&[(V4, 90), (V5, 10)], None), 0);
    let failed = Observation::ChangeDone {
        ok: false,
        message: "PERMISSION_DENIED".into(),
        endpoint: None,
        metrics: None,
    };
    let (s, a) = step(s, failed, 5 * S);
    assert_eq!(s.phase, Phase::Paused);
    let message = &s.pause.as_ref().unwrap().message;
    assert_eq!(
        message, "the move to step 1 (5%) failed: PERMISSION_DENIED",
        "no internal names in what the operator reads"
    );
    assert_eq!(alerts(&a), [Severity::Warning]);
}
