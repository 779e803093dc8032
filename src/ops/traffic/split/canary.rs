//! A canary plan's split arithmetic against the split it started from (its baseline).
//!
//! * [`Split::canary_step`]: the canary at a step's percentage; every other entity serves the
//!   rest in proportion to its share in the baseline (largest remainder, ties to the stable
//!   entity first, then route order). At 100% every other entity serves 0% and stays
//!   configured, so a roll back is one routes change.
//! * [`Split::canary_rollback`]: the baseline again, with the canary at 0% (a roll back never
//!   gives a canary traffic; a share it had when the plan started goes to the stable entity).
//!
//! Entities the baseline does not name (added outside the plan) get 0%; shares of baseline
//! entities no longer served go to the stable entity, so the total stays 100.

use super::{Split, SplitError, apportion, set};

impl Split {
    /// This split (the live routes) with `canary` at `percent` and the other entities scaled
    /// from their shares in `baseline`.
    pub fn canary_step(
        &self,
        baseline: &Split,
        stable: &str,
        canary: &str,
        percent: u32,
    ) -> Result<Split, SplitError> {
        self.check_known(stable)?;
        self.check_known(canary)?;
        let percent = percent.min(100);
        // Stable first, then route order: the order ties of the remainders go by.
        let stable_at = self
            .shares
            .iter()
            .position(|s| s.entity == stable)
            .unwrap_or(0);
        let mut order: Vec<usize> = vec![stable_at];
        order.extend((0..self.shares.len()).filter(|i| *i != stable_at));
        let mut seen: Vec<&str> = Vec::new();
        let mut weights: Vec<u32> = Vec::with_capacity(order.len());
        for &i in &order {
            let entity = self.shares[i].entity.as_str();
            let first = !seen.contains(&entity);
            seen.push(entity);
            weights.push(if entity == canary || !first {
                0
            } else {
                baseline.percent(entity)
            });
        }
        if weights.iter().all(|w| *w == 0) {
            // Nothing else served traffic at the start: the stable entity takes the rest.
            weights[0] = 1;
        }
        let parts = apportion(100 - percent, &weights);
        let mut next = self.clone();
        for (k, &i) in order.iter().enumerate() {
            next.shares[i].percent = parts[k];
        }
        set(&mut next, canary, percent);
        Ok(next)
    }

    /// This split (the live routes) put back to `baseline`, with `canary` at 0%.
    pub fn canary_rollback(
        &self,
        baseline: &Split,
        stable: &str,
        canary: &str,
    ) -> Result<Split, SplitError> {
        self.check_known(stable)?;
        self.check_known(canary)?;
        let mut next = self.clone();
        let mut seen: Vec<String> = Vec::new();
        for s in &mut next.shares {
            let first = !seen.contains(&s.entity);
            seen.push(s.entity.clone());
            s.percent = if s.entity == canary || !first {
                0
            } else {
                baseline.percent(&s.entity)
            };
        }
        let rest = 100u32.saturating_sub(next.total());
        let stable_now = next.percent(stable);
        set(&mut next, stable, stable_now + rest);
        Ok(next)
    }

    /// Entities other than `stable` and `canary` with traffic here, with their shares.
    pub fn third_entities(&self, stable: &str, canary: &str) -> Vec<(String, u32)> {
        self.shares
            .iter()
            .filter(|s| s.entity != stable && s.entity != canary && s.percent > 0)
            .map(|s| (s.entity.clone(), s.percent))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Split {
        Split::new(&[("v4", 90), ("v5", 10), ("v6", 0)])
    }

    #[test]
    fn a_canary_takes_its_share_from_every_other_entity_in_proportion() {
        let base = demo();
        let at = |p| base.canary_step(&base, "v4", "v6", p).unwrap();
        // 95 points for v4 and v5 at 90:10 → 85.5 and 9.5: the tie goes to the stable entity.
        assert_eq!(at(5), Split::new(&[("v4", 86), ("v5", 9), ("v6", 5)]));
        assert_eq!(at(25), Split::new(&[("v4", 68), ("v5", 7), ("v6", 25)]));
        assert_eq!(at(50), Split::new(&[("v4", 45), ("v5", 5), ("v6", 50)]));
        assert_eq!(at(100), Split::new(&[("v4", 0), ("v5", 0), ("v6", 100)]));
        assert_eq!(at(0), base, "0% is the baseline");
        for p in 0..=100 {
            let s = at(p);
            assert_eq!(s.total(), 100, "{p}: {s:?}");
            assert_eq!(s.percent("v6"), p);
            assert!(s.percent("v5") <= 10 && s.percent("v4") <= 90, "{p}: {s:?}");
        }
        // The step is computed from the baseline, not from the live split it is applied to.
        let live = at(50);
        assert_eq!(live.canary_step(&base, "v4", "v6", 25).unwrap(), at(25));
    }

    #[test]
    fn ties_go_to_stable_even_when_it_is_not_first_in_route_order() {
        let base = Split::new(&[("a", 50), ("b", 50), ("c", 0)]);
        assert_eq!(
            base.canary_step(&base, "b", "c", 5).unwrap(),
            Split::new(&[("a", 47), ("b", 48), ("c", 5)])
        );
    }

    #[test]
    fn a_canary_that_already_serves_grows_from_its_share() {
        let base = Split::new(&[("v4", 80), ("v5", 15), ("x", 5)]);
        let s = base.canary_step(&base, "v4", "v5", 50).unwrap();
        // 50 points for v4 and x at 80:5.
        assert_eq!(s, Split::new(&[("v4", 47), ("v5", 50), ("x", 3)]));
        // A first step below its share gives the others more, still in proportion.
        let s = base.canary_step(&base, "v4", "v5", 0).unwrap();
        assert_eq!(s, Split::new(&[("v4", 94), ("v5", 0), ("x", 6)]));
        // The canary alone at the start: the stable entity takes the rest.
        let all = Split::new(&[("v4", 0), ("v5", 100)]);
        assert_eq!(
            all.canary_step(&all, "v4", "v5", 30).unwrap(),
            Split::new(&[("v4", 70), ("v5", 30)])
        );
    }

    #[test]
    fn a_roll_back_restores_the_baseline_with_the_canary_at_zero() {
        let base = demo();
        let live = base.canary_step(&base, "v4", "v6", 50).unwrap();
        assert_eq!(live.canary_rollback(&base, "v4", "v6").unwrap(), base);
        // A canary that served 15% at the start does not get it back: stable does.
        let base = Split::new(&[("v4", 80), ("v5", 15), ("x", 5)]);
        let live = base.canary_step(&base, "v4", "v5", 50).unwrap();
        assert_eq!(
            live.canary_rollback(&base, "v4", "v5").unwrap(),
            Split::new(&[("v4", 95), ("v5", 0), ("x", 5)])
        );
    }

    #[test]
    fn entities_changed_outside_the_plan_keep_the_total_at_100() {
        let base = demo();
        // v5 removed and w added since the plan started.
        let live = Split::new(&[("v4", 40), ("w", 10), ("v6", 50)]);
        assert_eq!(
            live.canary_step(&base, "v4", "v6", 60).unwrap(),
            Split::new(&[("v4", 40), ("w", 0), ("v6", 60)])
        );
        assert_eq!(
            live.canary_rollback(&base, "v4", "v6").unwrap(),
            Split::new(&[("v4", 100), ("w", 0), ("v6", 0)])
        );
        assert!(live.canary_step(&base, "v9", "v6", 5).is_err());
        assert!(live.canary_rollback(&base, "v4", "v9").is_err());
    }

    #[test]
    fn third_entities_are_those_with_traffic_besides_the_two() {
        assert_eq!(
            demo().third_entities("v4", "v6"),
            vec![("v5".to_string(), 10)]
        );
        assert!(demo().third_entities("v4", "v5").is_empty());
    }
}
