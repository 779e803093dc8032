//! A canary beside a third entity with traffic (the demo's churn-prod: v4 90%, v5 10%, and a
//! retrained v6 as the canary): every step scales v5 down with v4, 100% is reachable, a roll
//! back restores the split the plan started from, and that split survives a restart. Plans
//! saved before it was kept behave as they did.

use super::machine::{S, V4, V5, alerts, applied, done, look, plan, sample};
use crate::ops::canary::plan::Canary;
use crate::ops::canary::state::*;
use crate::ops::canary::step;
use crate::ops::traffic::{EndpointConfigState, Split};

const V6: &str = "churn_model-6";

fn v6_plan() -> CanaryState {
    CanaryState::new(
        plan(Canary::New {
            model: "main.ml.churn_model".into(),
            version: "6".into(),
        }),
        0,
    )
}

/// Starts the v6 plan (steps 5, 25, 100) on v4 90 / v5 10 and holds at 5%.
fn holding_at_5() -> (CanaryState, EndpointConfigState) {
    let (s, a) = step(v6_plan(), look(&[(V4, 90), (V5, 10)], None), 0);
    assert_eq!(
        s.split_at_start,
        Some(Split::new(&[(V4, 90), (V5, 10)])),
        "the split before anything moved"
    );
    let (_, added) = applied(&a);
    let (s, a) = step(s, done(&added, None), 2 * S);
    let (kind, at5) = applied(&a);
    assert_eq!(
        kind,
        ChangeKind::Step {
            index: 0,
            percent: 5
        }
    );
    assert_eq!(at5.routes, Split::new(&[(V4, 86), (V5, 9), (V6, 5)]));
    let (s, _) = step(
        s,
        done(&at5, Some(sample(5 * S, (1_000, 0), (50, 0)))),
        5 * S,
    );
    assert_eq!(s.phase, Phase::Holding);
    (s, at5)
}

fn routes(at: &EndpointConfigState) -> Vec<(&str, u32)> {
    at.routes
        .shares
        .iter()
        .map(|s| (s.entity.as_str(), s.percent))
        .collect()
}

#[test]
fn the_canary_reaches_100_percent_and_the_third_entity_serves_0() {
    let (s, at5) = holding_at_5();
    let (s, a) = step(
        s,
        look(&routes(&at5), Some(sample(70 * S, (20_000, 6), (4_050, 2)))),
        70 * S,
    );
    let (_, at25) = applied(&a);
    assert_eq!(at25.routes, Split::new(&[(V4, 68), (V5, 7), (V6, 25)]));
    let (s, _) = step(
        s,
        done(&at25, Some(sample(75 * S, (21_000, 6), (4_400, 2)))),
        75 * S,
    );
    let (s, a) = step(
        s,
        look(
            &routes(&at25),
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
    assert_eq!(at100.routes, Split::new(&[(V4, 0), (V5, 0), (V6, 100)]));
    assert_eq!(
        at100.served_entities.len(),
        3,
        "every entity stays configured"
    );
    let (s, a) = step(s, done(&at100, None), 145 * S);
    assert_eq!(s.phase, Phase::Completed);
    assert_eq!(alerts(&a), [Severity::Info]);
    let last = &s.history.last().unwrap().message;
    assert!(
        last.contains("churn_model-4 and churn_model-5 are left at 0%"),
        "{last}"
    );
}

#[test]
fn a_fail_restores_the_split_the_plan_started_from() {
    let (s, at5) = holding_at_5();
    let (s, a) = step(
        s,
        look(&routes(&at5), Some(sample(35 * S, (8_000, 3), (450, 40)))),
        35 * S,
    );
    assert_eq!(s.phase, Phase::RollingBack);
    let (kind, back) = applied(&a);
    assert_eq!(kind, ChangeKind::Rollback);
    assert_eq!(back.routes, Split::new(&[(V4, 90), (V5, 10), (V6, 0)]));
    let (s, a) = step(s, done(&back, None), 40 * S);
    assert_eq!(s.phase, Phase::RolledBack);
    assert_eq!(alerts(&a), [Severity::Critical]);
    let last = &s.history.last().unwrap().message;
    assert!(
        last.contains("back to the split the plan started from (churn_model-4=90, churn_model-5=10, churn_model-6=0)"),
        "{last}"
    );
}

#[test]
fn the_starting_split_survives_a_restart_and_an_abort_goes_back_to_it() {
    let (s, at5) = holding_at_5();
    let reread: CanaryState = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(reread, s);
    let (s, a) = step(
        reread,
        Observation::Command {
            command: Command::Abort,
        },
        10 * S,
    );
    let _ = at5;
    let (_, back) = applied(&a);
    assert_eq!(back.routes, Split::new(&[(V4, 90), (V5, 10), (V6, 0)]));
    let (s, _) = step(s, done(&back, None), 12 * S);
    assert_eq!(s.phase, Phase::Aborted);
}

#[test]
fn a_plan_saved_without_its_starting_split_keeps_the_old_arithmetic() {
    let (s, at5) = holding_at_5();
    // As an earlier version saved it: no `split_at_start` in the file.
    let mut json = serde_json::to_value(&s).unwrap();
    json.as_object_mut().unwrap().remove("split_at_start");
    let old: CanaryState = serde_json::from_value(json).unwrap();
    assert_eq!(old.split_at_start, None);
    let (_, a) = step(
        old.clone(),
        look(&routes(&at5), Some(sample(70 * S, (20_000, 6), (4_050, 2)))),
        70 * S,
    );
    // v5 keeps its 9%, v4 gives the points.
    assert_eq!(
        applied(&a).1.routes,
        Split::new(&[(V4, 66), (V5, 9), (V6, 25)])
    );
    // And a roll back gives the canary's share to stable.
    let (_, a) = step(
        old,
        Observation::Command {
            command: Command::Abort,
        },
        70 * S,
    );
    assert_eq!(
        applied(&a).1.routes,
        Split::new(&[(V4, 91), (V5, 9), (V6, 0)])
    );
}

#[test]
fn a_saved_starting_split_over_100_percent_is_refused() {
    let (mut s, _) = holding_at_5();
    assert_eq!(s.check(), Ok(()));
    s.split_at_start = Some(Split::new(&[(V4, 90), (V5, u32::MAX)]));
    let err = s.check().unwrap_err();
    assert!(err.contains("adds up to"), "{err}");
}
