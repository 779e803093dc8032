//! Where a new plan starts from when the canary already takes traffic. A plan never cuts the
//! canary's share silently: the console's form proposes steps from the canary's current share
//! up, and a first step below that share is named in the confirm dialog and the headless plan,
//! so the cut is seen before it is confirmed. Entities besides stable and canary that serve
//! traffic are scaled down with stable (to 0% at 100%): `scaling_notes` says so before `y`.

use super::plan::CanaryPlan;
use crate::ops::traffic::{Share, Split};

/// The form's usual steps.
pub const DEFAULT_STEPS: [u32; 4] = [5, 25, 50, 100];

/// The steps proposed for a canary that serves `current`% now: the current share (held and
/// judged first, nothing moves), then the usual steps above it.
pub fn default_steps(current: u32) -> Vec<u32> {
    if current == 0 {
        return DEFAULT_STEPS.to_vec();
    }
    let current = current.min(100);
    std::iter::once(current)
        .chain(DEFAULT_STEPS.into_iter().filter(|p| *p > current))
        .collect()
}

/// When the plan's first step is below the canary's share `current`: the cut, in words.
pub fn first_step_cut(plan: &CanaryPlan, current: u32) -> Option<String> {
    let first = *plan.steps.first()?;
    (first < current).then(|| {
        format!(
            "the first step cuts {} from {current}% to {first}% of the traffic",
            plan.canary_name()
        )
    })
}

/// `now` (the endpoint's split as read before the start) with the plan's canary in it, at 0%
/// when it is not served yet.
fn with_canary_entity(plan: &CanaryPlan, now: &Split) -> Split {
    let canary = plan.canary_name();
    let mut split = now.clone();
    if !split.entities().contains(&canary) {
        split.shares.push(Share {
            entity: canary,
            percent: 0,
        });
    }
    split
}

/// What a plan does to entities besides stable and canary that serve traffic `now` (the
/// endpoint's split as read before the start), in words, one line each. Empty when there are
/// none.
pub fn scaling_notes(plan: &CanaryPlan, now: &Split) -> Vec<String> {
    let canary = plan.canary_name();
    let split = with_canary_entity(plan, now);
    let last = plan.steps.last().copied().unwrap_or(0);
    let at_last = split.canary_step(&split, &plan.stable, &canary, last).ok();
    now.third_entities(&plan.stable, &canary)
        .iter()
        .map(|(entity, percent)| {
            let then = at_last.as_ref().map_or(0, |s| s.percent(entity));
            format!(
                "{entity} ({percent}%) is scaled down with {}; at {last}% it serves {then}%",
                plan.stable
            )
        })
        .collect()
}

/// What a roll back of a plan started `now` puts back, in words, when entities besides stable
/// and canary serve traffic (otherwise it is "all traffic back to stable").
pub fn rollback_note(plan: &CanaryPlan, now: &Split) -> Option<String> {
    let canary = plan.canary_name();
    if now.third_entities(&plan.stable, &canary).is_empty() {
        return None;
    }
    let split = with_canary_entity(plan, now);
    let mut back = split
        .canary_rollback(&split, &plan.stable, &canary)
        .unwrap_or(split);
    back.shares.retain(|s| s.entity != canary);
    Some(format!(
        "a FAIL or abort puts back {} ({canary} at 0%)",
        back.describe()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::canary::{Canary, Guards};

    fn plan(steps: Vec<u32>) -> CanaryPlan {
        CanaryPlan {
            endpoint: "churn-prod".into(),
            stable: "churn_model-4".into(),
            canary: Canary::Served {
                name: "churn_model-5".into(),
            },
            steps,
            hold_ms: 0,
            interval_ms: 1_000,
            guards: Guards::default(),
        }
    }

    #[test]
    fn steps_start_from_the_current_share() {
        assert_eq!(default_steps(0), vec![5, 25, 50, 100]);
        assert_eq!(default_steps(15), vec![15, 25, 50, 100]);
        assert_eq!(default_steps(25), vec![25, 50, 100]);
        assert_eq!(default_steps(60), vec![60, 100]);
        assert_eq!(default_steps(100), vec![100]);
    }

    #[test]
    fn a_third_entity_is_named_with_what_it_serves_at_the_last_step() {
        let mut p = plan(vec![5, 25, 50, 100]);
        p.canary = Canary::New {
            model: "main.ml.churn_model".into(),
            version: "6".into(),
        };
        let now = Split::new(&[("churn_model-4", 90), ("churn_model-5", 10)]);
        assert_eq!(
            scaling_notes(&p, &now),
            ["churn_model-5 (10%) is scaled down with churn_model-4; at 100% it serves 0%"]
        );
        assert_eq!(
            rollback_note(&p, &now).as_deref(),
            Some(
                "a FAIL or abort puts back churn_model-4=90, churn_model-5=10 (churn_model-6 at 0%)"
            )
        );
        p.steps = vec![5, 50];
        assert!(scaling_notes(&p, &now)[0].ends_with("at 50% it serves 5%"));
        // No third entity: nothing to say.
        assert!(scaling_notes(&plan(vec![5, 100]), &now).is_empty());
        assert_eq!(rollback_note(&plan(vec![5, 100]), &now), None);
    }

    #[test]
    fn a_first_step_below_the_share_is_named() {
        assert_eq!(
            first_step_cut(&plan(vec![5, 25, 100]), 15).as_deref(),
            Some("the first step cuts churn_model-5 from 15% to 5% of the traffic")
        );
        assert_eq!(first_step_cut(&plan(vec![15, 25, 100]), 15), None);
        assert_eq!(first_step_cut(&plan(vec![5, 100]), 0), None);
    }
}
