//! The rest of the workspace's experiments: personal folders and team folders, each with a few
//! runs, so listings have several pages at small page sizes and the registry has runs to cite.

use std::collections::BTreeMap;

use crate::api::models::mlflow::{Experiment, LifecycleStage, RunStatus};
use crate::sim::world::{DAY, MINUTE, RunRecord, SECOND};

use super::rng::{Gen, round};
use super::runs::{RunSpec, curve};
use super::tracking::experiment;

#[derive(Clone, Copy)]
enum Family {
    Classification,
    Regression,
    Ranking,
    Text,
}

/// (path, team, family, most runs)
const EXPERIMENTS: &[(&str, &str, Family, i64)] = &[
    (
        "/Users/ml-eng@acme.com/churn-feature-exploration",
        "churn",
        Family::Classification,
        4,
    ),
    (
        "/Users/ml-eng@acme.com/churn-calibration",
        "churn",
        Family::Classification,
        3,
    ),
    (
        "/Users/analyst@acme.com/ltv-exploration",
        "ltv",
        Family::Regression,
        3,
    ),
    (
        "/Users/analyst@acme.com/cohort-retention",
        "ltv",
        Family::Regression,
        2,
    ),
    (
        "/Users/priya.natarajan@acme.com/fraud-graph-features",
        "fraud",
        Family::Classification,
        4,
    ),
    (
        "/Users/priya.natarajan@acme.com/fraud-threshold-tuning",
        "fraud",
        Family::Classification,
        3,
    ),
    (
        "/Users/tomas.berg@acme.com/recsys-embeddings",
        "recsys",
        Family::Ranking,
        4,
    ),
    (
        "/Users/tomas.berg@acme.com/two-tower-ablation",
        "recsys",
        Family::Ranking,
        3,
    ),
    (
        "/Users/li.wei@acme.com/demand-prophet",
        "forecasting",
        Family::Regression,
        3,
    ),
    (
        "/Users/li.wei@acme.com/demand-lgbm",
        "forecasting",
        Family::Regression,
        4,
    ),
    (
        "/Users/sam.okafor@acme.com/price-elasticity-bayes",
        "pricing",
        Family::Regression,
        2,
    ),
    (
        "/Users/sam.okafor@acme.com/uplift-modeling",
        "marketing",
        Family::Classification,
        3,
    ),
    ("/Shared/recsys/ranking-lgbm", "recsys", Family::Ranking, 6),
    ("/Shared/recsys/two-tower", "recsys", Family::Ranking, 4),
    (
        "/Shared/recsys/candidate-generation",
        "recsys",
        Family::Ranking,
        3,
    ),
    (
        "/Shared/recsys/ab-test-analysis",
        "recsys",
        Family::Classification,
        2,
    ),
    ("/Shared/ltv/training", "ltv", Family::Regression, 5),
    (
        "/Shared/forecasting/demand",
        "forecasting",
        Family::Regression,
        6,
    ),
    (
        "/Shared/forecasting/price-elasticity",
        "pricing",
        Family::Regression,
        4,
    ),
    ("/Shared/nlp/ticket-classifier", "support", Family::Text, 5),
    ("/Shared/nlp/sentiment-finetune", "support", Family::Text, 3),
    (
        "/Shared/marketing/propensity",
        "marketing",
        Family::Classification,
        4,
    ),
    (
        "/Shared/marketing/uplift",
        "marketing",
        Family::Classification,
        2,
    ),
    (
        "/Shared/platform/automl-smoke-tests",
        "platform",
        Family::Classification,
        2,
    ),
    (
        "/Shared/churn/feature-selection",
        "churn",
        Family::Classification,
        3,
    ),
];

fn team_owner(team: &str) -> &'static str {
    match team {
        "churn" | "platform" => "ml-eng@acme.com",
        "fraud" => "priya.natarajan@acme.com",
        "recsys" => "tomas.berg@acme.com",
        "forecasting" => "li.wei@acme.com",
        "pricing" | "marketing" => "sam.okafor@acme.com",
        _ => "analyst@acme.com",
    }
}

/// Experiment name → (experiment id, ids of its runs, oldest first).
pub(crate) type RunIndex = BTreeMap<String, (String, Vec<String>)>;

pub(crate) fn build(seed: u64, anchor: i64) -> (Vec<Experiment>, Vec<RunRecord>, RunIndex) {
    let mut g = Gen::new(seed, 0xCA7A);
    let mut experiments = Vec::new();
    let mut runs = Vec::new();
    let mut index = RunIndex::new();
    for &(name, team, family, most_runs) in EXPERIMENTS {
        let owner = name
            .strip_prefix("/Users/")
            .and_then(|rest| rest.split('/').next())
            .map(str::to_string)
            .unwrap_or_else(|| team_owner(team).to_string());
        let id = g.digits(16);
        let created = anchor - g.int(20, 300) * DAY - g.int(0, 86_399) * SECOND;
        let n_runs = g.int(1, most_runs);
        let commit = g.hex(40);
        let source = format!("/Users/{owner}/{}/train", team);
        let mut run_ids = Vec::new();
        let mut start = created + g.int(1, 5) * DAY;
        for _ in 0..n_runs {
            let run_name = g.run_name();
            let spec = RunSpec::new(&id, &run_name, &owner, &source, &commit)
                .timing(start, g.int(2, 40) * MINUTE);
            let run_id = g.hex(32);
            runs.push(with_family(&mut g, spec, family).build(run_id.clone()));
            run_ids.push(run_id);
            let room = ((anchor - start) / DAY / 2).max(1);
            start += g.int(1, room) * DAY + g.int(0, 3_600) * SECOND;
            start = start.min(anchor - DAY);
        }
        let updated = (created + g.int(0, 10) * DAY).min(anchor);
        experiments.push(experiment(
            &id,
            name,
            created,
            updated,
            &[
                ("mlflow.ownerEmail", owner.as_str()),
                ("mlflow.experimentType", "MLFLOW_EXPERIMENT"),
                ("team", team),
            ],
        ));
        index.insert(name.to_string(), (id, run_ids));
    }
    // A deleted experiment, visible only with view_type DELETED_ONLY or ALL.
    let mut old = experiment(
        &g.digits(16),
        "/Users/ml-eng@acme.com/churn-scratch-old",
        anchor - 200 * DAY,
        anchor - 150 * DAY,
        &[("mlflow.ownerEmail", "ml-eng@acme.com"), ("team", "churn")],
    );
    old.lifecycle_stage = Some(LifecycleStage::Deleted);
    experiments.push(old);
    (experiments, runs, index)
}

fn with_family(g: &mut Gen, spec: RunSpec, family: Family) -> RunSpec {
    let epochs = g.int(5, 15) as usize;
    match family {
        Family::Classification => {
            let auc = round(g.uniform(0.7, 0.9), 4);
            let aucs = curve(g, 0.55, auc, epochs, 2.5, 0.003);
            let losses = aucs.iter().map(|a| round(0.2 + (1.0 - a), 4)).collect();
            spec.param(
                "model_type",
                *g.pick(&["xgboost", "lightgbm", "logistic_regression"]),
            )
            .param("learning_rate", round(g.uniform(0.01, 0.3), 3))
            .param("max_depth", g.int(3, 10))
            .metric("loss", losses)
            .metric("val_auc", aucs)
        }
        Family::Regression => {
            let rmse = round(g.uniform(8.0, 40.0), 3);
            let rmses = curve(g, rmse * 3.0, rmse, epochs, 2.0, 0.3);
            spec.param(
                "model_type",
                *g.pick(&["lightgbm", "prophet", "elastic_net"]),
            )
            .param("horizon_days", *g.pick(&[7, 14, 28]))
            .param("alpha", round(g.uniform(0.0, 1.0), 2))
            .metric("rmse", rmses)
            .metric("mae", vec![round(rmse * 0.78, 3)])
            .metric("r2", vec![round(g.uniform(0.55, 0.92), 4)])
        }
        Family::Ranking => {
            let ndcg = round(g.uniform(0.25, 0.45), 4);
            let ndcgs = curve(g, 0.1, ndcg, epochs, 3.0, 0.004);
            spec.param("model_type", *g.pick(&["lambdamart", "two_tower", "als"]))
                .param("embedding_dim", *g.pick(&[32, 64, 128]))
                .param("negatives", g.int(1, 20))
                .metric("ndcg_at_10", ndcgs)
                .metric("recall_at_50", vec![round(ndcg + 0.3, 4)])
        }
        Family::Text => {
            let acc = round(g.uniform(0.78, 0.94), 4);
            let accs = curve(g, 0.4, acc, epochs, 2.0, 0.004);
            let failed = g.int(0, 5) == 0;
            let spec = spec
                .param(
                    "base_model",
                    *g.pick(&["distilbert-base-uncased", "roberta-base"]),
                )
                .param("epochs", epochs)
                .param("batch_size", *g.pick(&[16, 32, 64]))
                .metric("accuracy", accs)
                .metric("f1", vec![round(acc - 0.03, 4)]);
            if failed {
                spec.status(RunStatus::Failed)
            } else {
                spec
            }
        }
    }
}
