//! Where a new plan starts from when the canary already takes traffic. A plan never cuts the
//! canary's share silently: the console's form proposes steps from the canary's current share
//! up, and a first step below that share is named in the confirm dialog and the headless plan,
//! so the cut is seen before it is confirmed.

use super::plan::CanaryPlan;

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
    fn a_first_step_below_the_share_is_named() {
        assert_eq!(
            first_step_cut(&plan(vec![5, 25, 100]), 15).as_deref(),
            Some("the first step cuts churn_model-5 from 15% to 5% of the traffic")
        );
        assert_eq!(first_step_cut(&plan(vec![15, 25, 100]), 15), None);
        assert_eq!(first_step_cut(&plan(vec![5, 100]), 0), None);
    }
}
