//! Run fixtures: the churn experiment's top-level runs, a Hyperopt sweep's trials, metric
//! histories, and driver steps that open the runs screens.

use mlops_console::api::models::mlflow::{
    FileInfo, KeyValue, Metric, Run, RunData, RunInfo, RunStatus,
};
use mlops_console::api::{ApiError, ErrorCode, ErrorKind};
use mlops_console::app::chart::{HistPoint, History};
use mlops_console::app::{Effect, Fetch, Payload, ResourceKey, RunPage, SweepData};

use super::{Driver, MIN, NOW, experiments};

pub const CHURN: &str = "3487120091811234";
pub const SWEEP_PARENT: &str = "5a0c3f1e9b2d4c6a8e7f1a2b3c4d5e6f";
pub const TUNED: &str = "c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6";
pub const DEFAULT_XGB: &str = "d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9";

pub struct RunFixture<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub status: RunStatus,
    /// Minutes before NOW.
    pub started: i64,
    /// Minutes; `None` while running.
    pub minutes: Option<i64>,
    pub params: &'a [(&'a str, &'a str)],
    pub metrics: &'a [(&'a str, f64)],
    pub parent: Option<&'a str>,
}

pub fn run(f: RunFixture<'_>) -> Run {
    let start = NOW - f.started * MIN;
    let mut tags = vec![
        KeyValue::new("mlflow.user", "ml-eng@acme.com"),
        KeyValue::new("mlflow.runName", f.name),
        KeyValue::new("mlflow.source.name", "/Users/ml-eng@acme.com/churn/train"),
        KeyValue::new("mlflow.source.type", "NOTEBOOK"),
        KeyValue::new(
            "mlflow.source.git.commit",
            "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
        ),
    ];
    if let Some(p) = f.parent {
        tags.push(KeyValue::new("mlflow.parentRunId", p));
    }
    Run {
        info: RunInfo {
            run_id: f.id.into(),
            run_uuid: Some(f.id.into()),
            run_name: Some(f.name.into()),
            experiment_id: CHURN.into(),
            user_id: Some("ml-eng@acme.com".into()),
            status: Some(f.status),
            start_time: Some(start),
            end_time: f.minutes.map(|m| start + m * MIN),
            artifact_uri: Some(format!(
                "dbfs:/databricks/mlflow-tracking/{CHURN}/{}/artifacts",
                f.id
            )),
            lifecycle_stage: None,
        },
        data: RunData {
            metrics: f
                .metrics
                .iter()
                .map(|(k, v)| Metric {
                    key: k.to_string(),
                    value: *v,
                    timestamp: start,
                    step: if *k == "loss" || *k == "val_auc" {
                        29
                    } else {
                        0
                    },
                })
                .collect(),
            params: f
                .params
                .iter()
                .map(|(k, v)| KeyValue::new(*k, *v))
                .collect(),
            tags,
        },
        ..Default::default()
    }
}

fn top(
    id: &str,
    name: &str,
    status: RunStatus,
    started: i64,
    minutes: Option<i64>,
) -> RunFixture<'static> {
    RunFixture {
        id: Box::leak(id.to_string().into_boxed_str()),
        name: Box::leak(name.to_string().into_boxed_str()),
        status,
        started,
        minutes,
        params: &[],
        metrics: &[],
        parent: None,
    }
}

/// The churn experiment's top-level runs, newest first (as the server sorts them).
pub fn churn_runs() -> Vec<Run> {
    use RunStatus::*;
    vec![
        run(RunFixture {
            params: &[
                ("model_type", "xgboost"),
                ("max_depth", "5"),
                ("learning_rate", "0.08"),
            ],
            metrics: &[("loss", 0.3427), ("val_auc", 0.8521)],
            ..top(
                "e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6",
                "xgb-nightly-retrain",
                Running,
                25,
                None,
            )
        }),
        run(RunFixture {
            params: &[("max_evals", "8"), ("algo", "tpe.suggest")],
            metrics: &[("loss", 0.3320)],
            ..top(
                SWEEP_PARENT,
                "xgb-hyperopt-sweep",
                Finished,
                3 * 1440,
                Some(60),
            )
        }),
        run(RunFixture {
            params: &[
                ("model_type", "xgboost"),
                ("max_depth", "5"),
                ("learning_rate", "0.08"),
            ],
            metrics: &[("loss", 0.3386), ("val_auc", 0.8558), ("f1", 0.6988)],
            ..top(TUNED, "xgb-tuned-v1", Finished, 30 * 1440, Some(9))
        }),
        run(RunFixture {
            params: &[("model_type", "lightgbm"), ("num_leaves", "63")],
            metrics: &[("loss", 0.3936), ("val_auc", 0.8058)],
            ..top(
                "f0e1d2c3b4a5968778695a4b3c2d1e0f",
                "lgbm-baseline",
                Failed,
                34 * 1440,
                Some(2),
            )
        }),
        run(RunFixture {
            params: &[
                ("model_type", "xgboost"),
                ("max_depth", "6"),
                ("learning_rate", "0.3"),
            ],
            metrics: &[("loss", 0.3485), ("val_auc", 0.8468), ("f1", 0.6852)],
            ..top(DEFAULT_XGB, "xgb-default", Finished, 35 * 1440, Some(7))
        }),
        run(RunFixture {
            params: &[("model_type", "random_forest"), ("max_depth", "12")],
            metrics: &[("loss", 0.3724), ("val_auc", 0.8251), ("f1", 0.6685)],
            ..top(
                "a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4",
                "random-forest-baseline",
                Finished,
                38 * 1440,
                Some(11),
            )
        }),
        run(RunFixture {
            params: &[("model_type", "logistic_regression"), ("C", "1.0")],
            metrics: &[("loss", 0.4172), ("val_auc", 0.7844), ("f1", 0.6221)],
            ..top(
                "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
                "logreg-baseline",
                Finished,
                40 * 1440,
                Some(3),
            )
        }),
    ]
}

/// Eight trials of the sweep: (name, status, max_depth, learning_rate, loss).
const TRIALS: [(&str, RunStatus, &str, &str, f64); 8] = [
    ("brave-stag-514", RunStatus::Finished, "6", "0.055", 0.3383),
    ("nimble-gnu-897", RunStatus::Finished, "5", "0.0187", 0.3352),
    ("crisp-hawk-785", RunStatus::Finished, "9", "0.0611", 0.3555),
    ("lucky-mole-101", RunStatus::Failed, "7", "0.2", 0.3100),
    (
        "thoughtful-hare-657",
        RunStatus::Finished,
        "6",
        "0.0276",
        0.3320,
    ),
    ("calm-seal-911", RunStatus::Finished, "11", "0.2486", 0.3628),
    ("gentle-sow-675", RunStatus::Finished, "3", "0.1996", 0.3742),
    ("quiet-owl-222", RunStatus::Running, "4", "0.01", f64::NAN),
];

pub fn trial_id(i: usize) -> String {
    format!("7beca466b3e95e4ac0e8852bd6f0ae{i:02}")
}

pub fn sweep_trials() -> Vec<Run> {
    TRIALS
        .iter()
        .enumerate()
        .map(|(i, (name, status, depth, rate, loss))| {
            let id = trial_id(i);
            let metrics: Vec<(&str, f64)> = if loss.is_nan() {
                vec![]
            } else {
                vec![("loss", *loss), ("val_auc", 1.2 - loss)]
            };
            run(RunFixture {
                id: &id,
                name,
                status: status.clone(),
                started: 3 * 1440 - i as i64 * 6,
                minutes: (*status != RunStatus::Running).then_some(4),
                params: &[
                    ("max_depth", depth),
                    ("learning_rate", rate),
                    ("n_estimators", "350"),
                ],
                metrics: &metrics,
                parent: Some(SWEEP_PARENT),
            })
        })
        .collect()
}

/// A smooth curve of `n` epochs from `from` to `to`, one point every 10 s.
pub fn history(n: i64, from: f64, to: f64) -> History {
    History {
        points: (0..n)
            .map(|i| HistPoint {
                step: i,
                timestamp: NOW - 30 * MIN + i * 10_000,
                value: to + (from - to) * (-(i as f64) / 5.0).exp(),
            })
            .collect(),
        truncated: false,
    }
}

/// A logged model and a plot, as `artifacts/list` shows them one level deep.
pub fn artifacts_fixture() -> Vec<FileInfo> {
    let file = |path: &str, size: i64| FileInfo {
        path: path.into(),
        is_dir: false,
        file_size: Some(size),
    };
    let dir = |path: &str| FileInfo {
        path: path.into(),
        is_dir: true,
        file_size: None,
    };
    vec![
        dir("model"),
        file("model/MLmodel", 512),
        file("model/model.pkl", 2_411_724),
        file("model/requirements.txt", 96),
        dir("plots"),
        file("plots/roc.png", 48_210),
        file("metrics.json", 301),
    ]
}

pub fn runs_page(runs: Vec<Run>, next: Option<&str>, append: bool) -> Payload {
    Payload::Runs(Ok(RunPage {
        runs,
        next_page_token: next.map(String::from),
        append,
    }))
}

/// The 400 MLflow answers for a filter it cannot parse.
pub fn bad_filter(message: &str) -> ApiError {
    ApiError::Api {
        status: 400,
        kind: ErrorKind::BadRequest,
        code: Some(ErrorCode::InvalidParameterValue),
        message: message.into(),
    }
}

impl Driver {
    /// Opens the churn experiment's runs and answers the first page.
    pub fn open_runs(&mut self) {
        self.open_experiments(experiments(), None);
        self.key(crossterm::event::KeyCode::Enter);
        let req = self.req(ResourceKey::RunList);
        self.answer(req, runs_page(churn_runs(), None, false));
    }

    /// The run search of the last effects.
    pub fn runs_fetch(&self) -> Option<Fetch> {
        self.fetch_of(ResourceKey::RunList)
    }

    /// Answers the sweep fetch of the last effects with the fixture trials.
    pub fn answer_sweep(&mut self) {
        let req = self.req(ResourceKey::Sweep);
        let parent = churn_runs().remove(1);
        self.answer(
            req,
            Payload::Sweep(Ok(Box::new(SweepData {
                parent,
                trials: sweep_trials()
                    .iter()
                    .map(mlops_console::ops::sweep::Trial::from_run)
                    .collect(),
                truncated: false,
            }))),
        );
    }

    /// Answers the run detail fetch of the last effects, then its histories.
    pub fn answer_run_detail(&mut self, run: Run) {
        let artifacts = self.try_req(ResourceKey::Artifacts);
        let req = self.req(ResourceKey::RunDetail);
        self.answer(req, Payload::Run(Ok(Box::new(run))));
        self.answer_histories();
        if let Some(req) = artifacts {
            self.answer(req, Payload::Artifacts(Ok(artifacts_fixture())));
        }
    }

    /// Answers the history fetch of the last effects (if any) with fixture curves.
    pub fn answer_histories(&mut self) {
        let Some(Fetch::MetricHistories { keys, .. }) = self.fetch_of(ResourceKey::MetricHistories)
        else {
            return;
        };
        let req = self.req(ResourceKey::MetricHistories);
        let loaded = keys
            .into_iter()
            .map(|k| {
                let h = if k == "loss" {
                    history(30, 0.62, 0.3386)
                } else {
                    history(30, 0.6, 0.8558)
                };
                (k, h)
            })
            .collect();
        self.answer(req, Payload::MetricHistories(Ok(loaded)));
    }

    /// The chart export among the last effects: (stem, series names).
    pub fn export_effect(&self) -> Option<(String, Vec<String>)> {
        self.effects.iter().find_map(|e| match e {
            Effect::ExportChart { spec, stem, .. } => Some((
                stem.clone(),
                spec.series.iter().map(|s| s.name.clone()).collect(),
            )),
            _ => None,
        })
    }
}
