//! What a served model version *is*, as far as serving cost goes: the work one prediction takes,
//! read from the training parameters its MLflow run logged.
//!
//! A gradient-boosted model walks each of its `n_estimators` trees down to `max_depth` per
//! prediction, so its work is `n_estimators × max_depth`. Relative to the story's champion
//! (`churn_model` v4: 400 trees of depth 5), a version whose work is more than
//! [`HEAVY_WORK`] times larger is *heavy*: its Small replica keeps up with a canary's first
//! small share of `churn-prod` but saturates above 20% of the traffic (see `profile`).
//!
//! `churn-retrain` with its default parameters (350 trees, depth 6) registers a normal version
//! that a canary promotes; run with an oversized grid (e.g. `n_estimators=800`, `max_depth=8`
//! as `job_parameters`) it registers a heavy one whose canary fails its guards at 25%.
//!
//! Looked up once when an endpoint's config is published, never per request.

use crate::api::models::mlflow::lookup;
use crate::sim::world::World;

/// Work of the story's champion (`n_estimators × max_depth` = 400 × 5).
const CHAMPION_WORK: f64 = 2000.0;
/// Relative work above which a version saturates a Small replica past 20% of the traffic.
pub(crate) const HEAVY_WORK: f64 = 2.5;

/// The serving-relevant build of one model version.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Build {
    /// Work per prediction relative to the champion; `None` when the version's run logged no
    /// tree parameters (or the version has no run).
    pub work: Option<f64>,
}

impl Build {
    /// Whether predictions cost enough to saturate a Small replica above a small share.
    pub fn heavy(&self) -> bool {
        self.work.is_some_and(|w| w > HEAVY_WORK)
    }

    /// The build of `n_estimators` trees of depth `max_depth`, as logged (text).
    pub fn from_params(trees: Option<&str>, depth: Option<&str>) -> Build {
        let trees: Option<f64> = trees.and_then(|t| t.trim().parse().ok());
        let depth: Option<f64> = depth.and_then(|d| d.trim().parse().ok());
        match (trees, depth) {
            (Some(t), Some(d)) if t > 0.0 && d > 0.0 => Build {
                work: Some(t * d / CHAMPION_WORK),
            },
            _ => Build::default(),
        }
    }

    /// The build of `entity_name` version `version`: a UC model (`catalog.schema.model`) or a
    /// workspace registry model, through the run that produced the version.
    pub fn of(world: &World, entity_name: &str, version: &str) -> Build {
        let run_id = if let Some(m) = world.uc_model(entity_name) {
            let v: i64 = version.trim().parse().unwrap_or(-1);
            m.versions
                .iter()
                .find(|mv| mv.version == v)
                .and_then(|mv| mv.run_id.clone())
        } else {
            world.ws_model(entity_name).and_then(|m| {
                m.versions
                    .iter()
                    .find(|mv| mv.version == version)
                    .and_then(|mv| mv.run_id.clone())
            })
        };
        let Some(run) = run_id.as_deref().and_then(|id| world.run(id)) else {
            return Build::default();
        };
        let params = &run.run.data.params;
        Build::from_params(lookup(params, "n_estimators"), lookup(params, "max_depth"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_is_trees_times_depth_relative_to_the_champion() {
        let champion = Build::from_params(Some("400"), Some("5"));
        assert_eq!(champion.work, Some(1.0));
        assert!(!champion.heavy());
        let default_retrain = Build::from_params(Some("350"), Some("6"));
        assert!(!default_retrain.heavy());
        let oversized = Build::from_params(Some("800"), Some("8"));
        assert!(oversized.heavy(), "{oversized:?}");
    }

    #[test]
    fn missing_or_unreadable_parameters_are_not_heavy() {
        assert_eq!(Build::from_params(None, Some("8")), Build::default());
        assert_eq!(
            Build::from_params(Some("many"), Some("8")),
            Build::default()
        );
        assert_eq!(Build::from_params(Some("0"), Some("8")), Build::default());
        assert!(!Build::default().heavy());
    }
}
