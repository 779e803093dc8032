//! The "Acme churn" tracking story (PRODUCT §9): `/Shared/churn/training` with baselines and a
//! Hyperopt sweep (a parent and 40 child trials), and `/Shared/fraud/training`.

use crate::api::models::mlflow::{Experiment, KeyValue, LifecycleStage, RunStatus};
use crate::sim::world::{DAY, HOUR, MINUTE, RunRecord, SECOND};

use super::rng::{Gen, round};
use super::runs::{RunSpec, curve};

pub(crate) const OWNER: &str = "ml-eng@acme.com";
const FRAUD_OWNER: &str = "priya.natarajan@acme.com";
pub(crate) const TRIALS: usize = 40;

/// Run ids the model registry story points at.
#[derive(Debug, Clone, Default)]
pub(crate) struct StoryRuns {
    pub churn_experiment: String,
    pub churn_logreg: String,
    pub churn_rf: String,
    pub churn_xgb_default: String,
    pub churn_tuned: String,
    pub churn_best_trial: String,
    pub fraud_experiment: String,
    /// `fraud-gbt-v1` … `fraud-gbt-v5`, oldest first.
    pub fraud_gbt: Vec<String>,
}

pub(crate) fn experiment(
    id: &str,
    name: &str,
    created: i64,
    updated: i64,
    tags: &[(&str, &str)],
) -> Experiment {
    Experiment {
        experiment_id: id.to_string(),
        name: name.to_string(),
        artifact_location: Some(format!("dbfs:/databricks/mlflow-tracking/{id}")),
        lifecycle_stage: Some(LifecycleStage::Active),
        last_update_time: Some(updated),
        creation_time: Some(created),
        tags: tags.iter().map(|(k, v)| KeyValue::new(*k, *v)).collect(),
    }
}

/// Builds the churn and fraud experiments and their runs.
pub(crate) fn build(seed: u64, anchor: i64) -> (Vec<Experiment>, Vec<RunRecord>, StoryRuns) {
    let mut g = Gen::new(seed, 0xC4A1);
    let mut runs = Vec::new();
    let mut ids = StoryRuns::default();

    let churn_id = g.digits(16);
    let churn = experiment(
        &churn_id,
        "/Shared/churn/training",
        anchor - 60 * DAY,
        anchor - DAY,
        &[
            ("mlflow.ownerEmail", OWNER),
            ("mlflow.experimentType", "MLFLOW_EXPERIMENT"),
            ("team", "churn"),
            (
                "mlflow.note.content",
                "30-day churn model: baselines and tuning sweeps.",
            ),
        ],
    );
    ids.churn_experiment = churn_id.clone();
    let (best_trial, best_auc) = churn_sweep(&mut g, &churn_id, anchor, &mut runs);
    ids.churn_best_trial = best_trial;
    churn_baselines(&mut g, &churn_id, anchor, best_auc, &mut runs, &mut ids);

    let fraud_id = g.digits(16);
    let fraud = experiment(
        &fraud_id,
        "/Shared/fraud/training",
        anchor - 120 * DAY,
        anchor - 3 * DAY,
        &[
            ("mlflow.ownerEmail", FRAUD_OWNER),
            ("mlflow.experimentType", "MLFLOW_EXPERIMENT"),
            ("team", "fraud"),
        ],
    );
    ids.fraud_experiment = fraud_id.clone();
    fraud_runs(&mut g, &fraud_id, anchor, &mut runs, &mut ids);
    (vec![churn, fraud], runs, ids)
}

/// Validation AUC as a smooth function of the hyperparameters (best near depth 6, rate 0.06,
/// 350 trees) plus noise, so the sweep's param-vs-loss scatter shows a real optimum.
pub(crate) fn trial_auc(g: &mut Gen, depth: i64, rate: f64, trees: i64, subsample: f64) -> f64 {
    let d = (depth - 6) as f64;
    let r = (rate / 0.06).ln();
    let t = (trees - 350) as f64;
    let auc =
        0.872 - 0.0018 * d * d - 0.008 * r * r - 2e-7 * t * t - 0.03 * (1.0 - subsample).powi(2)
            + g.noise(0.003);
    round(auc.clamp(0.70, 0.895), 4)
}

/// Validation log-loss tracks AUC so that the lowest loss is the best trial.
fn loss_of(auc: f64) -> f64 {
    round(0.18 + 1.1 * (1.0 - auc), 4)
}

pub(crate) fn loss_curve(g: &mut Gen, aucs: &[f64]) -> Vec<f64> {
    let last = aucs.len().saturating_sub(1);
    aucs.iter()
        .enumerate()
        .map(|(i, &a)| {
            if i == last {
                loss_of(a)
            } else {
                round(loss_of(a) + g.noise(0.002), 4)
            }
        })
        .collect()
}

/// The Hyperopt sweep: returns the best trial's run id and its AUC.
fn churn_sweep(g: &mut Gen, exp: &str, anchor: i64, runs: &mut Vec<RunRecord>) -> (String, f64) {
    let source = "/Users/ml-eng@acme.com/churn/02_hyperopt_sweep";
    let commit = g.hex(40);
    let parent_id = g.hex(32);
    let parent_start = anchor - 3 * DAY + 2 * HOUR;
    let failed_trial = g.int(5, TRIALS as i64 - 5) as usize;
    let mut best: Option<(String, f64)> = None;
    let mut last_end = parent_start;
    for i in 0..TRIALS {
        let depth = g.int(3, 12);
        let rate = round(g.uniform(0.005f64.ln(), 0.3f64.ln()).exp(), 4);
        let trees = g.int(1, 12) * 50;
        let subsample = round(g.uniform(0.5, 1.0), 2);
        let colsample = round(g.uniform(0.5, 1.0), 2);
        let auc = trial_auc(g, depth, rate, trees, subsample);
        let mut aucs = curve(g, 0.62, auc, 30, 2.0 + 0.15 / rate.sqrt(), 0.002);
        let failed = i == failed_trial;
        if failed {
            aucs.truncate(9);
        }
        let losses = loss_curve(g, &aucs);
        // SparkTrials with parallelism 4: trials start in waves of four.
        let start =
            parent_start + 20 * SECOND + (i as i64 / 4) * 6 * MINUTE + (i as i64 % 4) * 7 * SECOND;
        let duration = 4 * MINUTE + g.int(0, 90) * SECOND;
        last_end = last_end.max(start + duration);
        let id = g.hex(32);
        if !failed && best.as_ref().is_none_or(|(_, b)| auc > *b) {
            best = Some((id.clone(), auc));
        }
        let name = g.run_name();
        let spec = RunSpec::new(exp, &name, OWNER, source, &commit)
            .timing(start, duration)
            .status(if failed {
                RunStatus::Failed
            } else {
                RunStatus::Finished
            })
            .param("max_depth", depth)
            .param("learning_rate", rate)
            .param("n_estimators", trees)
            .param("subsample", subsample)
            .param("colsample_bytree", colsample)
            .tag("mlflow.parentRunId", &parent_id)
            .metric("loss", losses)
            .metric("val_auc", aucs);
        runs.push(spec.build(id));
    }
    let (best_id, best_auc) = best.unwrap_or_default();
    let parent = RunSpec::new(exp, "xgb-hyperopt-sweep", OWNER, source, &commit)
        .timing(parent_start, last_end + 20 * SECOND - parent_start)
        .param("max_evals", TRIALS)
        .param("algo", "tpe.suggest")
        .param("parallelism", 4)
        .param("trials_class", "SparkTrials")
        .tag("best_trial_run_id", &best_id)
        .metric("loss", vec![loss_of(best_auc)]);
    runs.push(parent.build(parent_id));
    (best_id, best_auc)
}

fn churn_baselines(
    g: &mut Gen,
    exp: &str,
    anchor: i64,
    best_auc: f64,
    runs: &mut Vec<RunRecord>,
    ids: &mut StoryRuns,
) {
    let source = "/Users/ml-eng@acme.com/churn/01_baselines";
    let commit_a = g.hex(40);
    let commit_b = g.hex(40);
    let new = |name: &str, commit: &str| RunSpec::new(exp, name, OWNER, source, commit);
    let classification = |g: &mut Gen, spec: RunSpec, auc: f64, epochs: usize, tau: f64| {
        let aucs = if epochs == 1 {
            vec![auc]
        } else {
            curve(g, 0.6, auc, epochs, tau, 0.002)
        };
        let losses = loss_curve(g, &aucs);
        let f1 = round(auc - 0.16 + g.noise(0.004), 4);
        spec.metric("loss", losses)
            .metric("val_auc", aucs)
            .metric("f1", vec![f1])
            .metric("precision", vec![round(f1 + 0.05 + g.noise(0.004), 4)])
            .metric("recall", vec![round(f1 - 0.04 + g.noise(0.004), 4)])
    };

    ids.churn_logreg = g.hex(32);
    let spec = new("logreg-baseline", &commit_a)
        .timing(anchor - 40 * DAY, 3 * MINUTE)
        .param("model_type", "logistic_regression")
        .param("C", 1.0)
        .param("penalty", "l2")
        .param("class_weight", "balanced");
    let auc = round(0.781 + g.noise(0.003), 4);
    runs.push(classification(g, spec, auc, 1, 1.0).build(ids.churn_logreg.clone()));

    ids.churn_rf = g.hex(32);
    let spec = new("random-forest-baseline", &commit_a)
        .timing(anchor - 38 * DAY, 11 * MINUTE)
        .param("model_type", "random_forest")
        .param("n_estimators", 300)
        .param("max_depth", 12);
    let auc = round(0.823 + g.noise(0.003), 4);
    runs.push(classification(g, spec, auc, 1, 1.0).build(ids.churn_rf.clone()));

    ids.churn_xgb_default = g.hex(32);
    let spec = new("xgb-default", &commit_a)
        .timing(anchor - 35 * DAY, 7 * MINUTE)
        .param("model_type", "xgboost")
        .param("max_depth", 6)
        .param("learning_rate", 0.3)
        .param("n_estimators", 100);
    let auc = round(0.842 + g.noise(0.003), 4);
    runs.push(classification(g, spec, auc, 30, 2.3).build(ids.churn_xgb_default.clone()));

    let spec = new("lgbm-baseline", &commit_a)
        .timing(anchor - 34 * DAY, 2 * MINUTE)
        .status(RunStatus::Failed)
        .param("model_type", "lightgbm")
        .param("num_leaves", 63)
        .tag(
            "mlflow.note.content",
            "OOM on the driver at epoch 7; retry on a larger node.",
        );
    let mut aucs = curve(g, 0.6, 0.84, 30, 3.0, 0.002);
    aucs.truncate(7);
    let losses = loss_curve(g, &aucs);
    runs.push(
        spec.metric("loss", losses)
            .metric("val_auc", aucs)
            .build(g.hex(32)),
    );

    let mut scratch = new("scratch-debug", &commit_a)
        .timing(anchor - 33 * DAY, 40 * SECOND)
        .param("model_type", "xgboost")
        .metric("val_auc", vec![0.5]);
    scratch.deleted = true;
    runs.push(scratch.build(g.hex(32)));

    // The current champion (UC v4): a hand-tuned model a little behind the sweep's best.
    ids.churn_tuned = g.hex(32);
    let spec = new("xgb-tuned-v1", &commit_b)
        .timing(anchor - 30 * DAY, 9 * MINUTE)
        .param("model_type", "xgboost")
        .param("max_depth", 5)
        .param("learning_rate", 0.08)
        .param("n_estimators", 400)
        .tag("mlflow.note.content", "Production candidate, see PR #482.");
    let auc = round(best_auc - 0.006, 4);
    runs.push(classification(g, spec, auc, 30, 3.0).build(ids.churn_tuned.clone()));

    // A nightly retrain still in progress: 12 of 30 epochs, no end time.
    let spec = new("xgb-nightly-retrain", &commit_b)
        .timing(anchor - 25 * MINUTE, 25 * MINUTE)
        .status(RunStatus::Running)
        .param("model_type", "xgboost")
        .param("max_depth", 5)
        .param("learning_rate", 0.08)
        .param("n_estimators", 400)
        .tag("mlflow.databricks.jobID", "907245117743512");
    let mut aucs = curve(g, 0.6, round(best_auc - 0.004, 4), 30, 3.0, 0.002);
    aucs.truncate(12);
    let losses = loss_curve(g, &aucs);
    runs.push(
        spec.metric("loss", losses)
            .metric("val_auc", aucs)
            .build(g.hex(32)),
    );
}

fn fraud_runs(g: &mut Gen, exp: &str, anchor: i64, runs: &mut Vec<RunRecord>, ids: &mut StoryRuns) {
    let source = "/Users/priya.natarajan@acme.com/fraud/train_gbt";
    let commit = g.hex(40);
    let plan: [(&str, i64, f64, RunStatus); 6] = [
        ("fraud-gbt-v1", 100, 0.71, RunStatus::Finished),
        ("fraud-gbt-v2", 75, 0.74, RunStatus::Finished),
        ("fraud-gbt-v3", 45, 0.78, RunStatus::Finished),
        ("fraud-autoencoder-exp", 20, 0.66, RunStatus::Killed),
        ("fraud-gbt-v4", 12, 0.785, RunStatus::Finished),
        ("fraud-gbt-v5", 3, 0.79, RunStatus::Finished),
    ];
    for (name, days_ago, pr_auc, status) in plan {
        let pr_auc = round(pr_auc + g.noise(0.002), 4);
        let mut curve_pr = curve(g, 0.3, pr_auc, 20, 4.0, 0.003);
        if status == RunStatus::Killed {
            curve_pr.truncate(6);
        }
        let losses: Vec<f64> = curve_pr
            .iter()
            .map(|p| round(0.05 + 0.4 * (1.0 - p) + g.noise(0.002), 4))
            .collect();
        let id = g.hex(32);
        if name.starts_with("fraud-gbt") {
            ids.fraud_gbt.push(id.clone());
        }
        let spec = RunSpec::new(exp, name, FRAUD_OWNER, source, &commit)
            .timing(
                anchor - days_ago * DAY,
                14 * MINUTE + g.int(0, 300) * SECOND,
            )
            .status(status)
            .param("max_depth", g.int(4, 8))
            .param("learning_rate", round(g.uniform(0.03, 0.15), 3))
            .param("n_estimators", g.int(4, 10) * 100)
            .param("scale_pos_weight", g.int(20, 80))
            .metric("loss", losses)
            .metric("pr_auc", curve_pr)
            .metric(
                "recall_at_1pct_fpr",
                vec![round(pr_auc - 0.2 + g.noise(0.01), 4)],
            );
        runs.push(spec.build(id));
    }
}
