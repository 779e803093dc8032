//! The seeded "Acme churn" story (PRODUCT §9): the same seed and anchor always give the same
//! world, byte for byte. Every timestamp is the anchor (the clock's reading at start) minus an
//! offset, so the story always looks recent.

mod catalog;
pub(crate) mod jobs;
mod registry;
pub(crate) mod rng;
pub(crate) mod runs;
mod serving;
pub(crate) mod tracking;
mod uc;

use super::world::World;

#[cfg(test)]
use tracking::TRIALS;

/// Builds the world for `seed`, with "now" at `anchor_ms`.
pub(crate) fn build(seed: u64, anchor_ms: i64) -> World {
    let mut ids = rng::Gen::new(seed, 0x1D5);
    let workspace_id = ids.digits(16);
    let metastore_id = ids.uuid();

    let (mut experiments, mut runs, story) = tracking::build(seed, anchor_ms);
    let (more_experiments, more_runs, index) = catalog::build(seed, anchor_ms);
    experiments.extend(more_experiments);
    runs.extend(more_runs);

    let uc_ids = uc::Ids {
        runs: &runs,
        workspace_id: workspace_id.parse().unwrap_or_default(),
        metastore_id: &metastore_id,
    };
    let uc_models = uc::build(seed, anchor_ms, &uc_ids, &story, &index);
    let ws_models = registry::build(seed, anchor_ms, &runs, &story, &index);
    let endpoints = serving::build(seed, anchor_ms);
    let jobs = jobs::build(seed, anchor_ms, &mut experiments, &mut runs);

    let mut world = World {
        seed,
        anchor_ms,
        base_url: String::new(),
        workspace_id,
        experiments,
        runs,
        uc_schemas: uc::SCHEMAS
            .iter()
            .map(|(c, s)| (c.to_string(), s.to_string()))
            .collect(),
        uc_models,
        ws_models,
        endpoints,
        jobs,
        scale: None,
        serving: Default::default(),
        sql_alerts: crate::sim::sql_alerts::SqlAlerts::demo(anchor_ms),
    };
    crate::sim::features::log_training_inputs(&mut world);
    world
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::mlflow::lookup;

    #[test]
    fn same_seed_same_world_different_seed_different_ids() {
        let a = build(42, 1_700_000_000_000);
        let b = build(42, 1_700_000_000_000);
        let c = build(43, 1_700_000_000_000);
        let ids = |w: &World| -> Vec<String> {
            w.runs.iter().map(|r| r.run.info.run_id.clone()).collect()
        };
        assert_eq!(ids(&a), ids(&b));
        assert_eq!(format!("{:?}", a.endpoints), format!("{:?}", b.endpoints));
        assert_ne!(ids(&a), ids(&c));
    }

    #[test]
    fn the_story_has_its_landmarks() {
        let anchor = 1_700_000_000_000;
        let w = build(7, anchor);
        let churn = w
            .experiment_by_name("/Shared/churn/training")
            .expect("churn experiment");
        assert!(w.experiment_by_name("/Shared/fraud/training").is_some());
        assert!(w.experiments.len() >= 27);
        let in_churn: Vec<_> = w
            .runs
            .iter()
            .filter(|r| r.run.info.experiment_id == churn.experiment_id)
            .collect();
        let children = in_churn
            .iter()
            .filter(|r| lookup(&r.run.data.tags, "mlflow.parentRunId").is_some())
            .count();
        assert_eq!(children, TRIALS);
        let trial = in_churn
            .iter()
            .find(|r| lookup(&r.run.data.tags, "mlflow.parentRunId").is_some())
            .unwrap();
        assert_eq!(trial.history["loss"].len(), 30);
        for key in ["max_depth", "learning_rate", "n_estimators"] {
            assert!(lookup(&trial.run.data.params, key).is_some(), "{key}");
        }
        for key in [
            "mlflow.user",
            "mlflow.source.name",
            "mlflow.source.git.commit",
            "mlflow.runName",
        ] {
            assert!(lookup(&trial.run.data.tags, key).is_some(), "{key}");
        }

        let churn_model = w.uc_model("main.ml.churn_model").unwrap();
        assert_eq!(churn_model.versions.len(), 5);
        let alias = |n: &str| {
            churn_model
                .aliases
                .iter()
                .find(|a| a.alias_name == n)
                .map(|a| a.version_num)
        };
        assert_eq!((alias("champion"), alias("challenger")), (Some(4), Some(5)));
        assert_eq!(
            lookup(&churn_model.versions[4].tags, "approval"),
            Some("pending")
        );
        // The challenger really is the sweep's best trial, a bit better than the champion.
        let auc = |run_id: &Option<String>| {
            let r = w.run(run_id.as_deref().unwrap()).unwrap();
            r.run
                .data
                .metrics
                .iter()
                .find(|m| m.key == "val_auc")
                .unwrap()
                .value
        };
        assert!(auc(&churn_model.versions[4].run_id) > auc(&churn_model.versions[3].run_id));

        let fraud = w.ws_model("fraud_model").unwrap();
        assert!(fraud.versions.len() >= 4);
        for r in &w.runs {
            assert!(
                r.run.info.start_time.unwrap() <= anchor,
                "runs start in the past"
            );
        }
        let names: Vec<_> = w.endpoints.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["churn-prod", "fraud-scoring", "recsys-staging"]);
    }
}
