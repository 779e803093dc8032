//! The Jobs story (PRODUCT §9): `churn-retrain` (nightly; a run takes ~20 s in the simulator
//! and registers a new `main.ml.churn_model` version), `churn-batch-score` (daily; three tasks,
//! load_features → score → write_predictions, ~15 s in the simulator, reporting the rows it scored
//! and the table it wrote) and `feature-refresh` (hourly; two tasks), each with a seeded history
//! that includes failures whose task outputs carry the error and its trace.
//!
//! `churn-retrain` is the job the seeded `xgb-nightly-retrain` MLflow run already names in its
//! `mlflow.databricks.jobID` tag: that run is this job's run in progress. The churn experiment
//! is linked to the job by the tag `mlops.training_job_id`, which `train` and the console read;
//! the job names the model it retrains in its own tag `mlops.retrains`, which `retrain` reads.

use std::collections::BTreeMap;

use crate::api::models::jobs::{
    CronSchedule, Job, JobParameterDefinition, JobSettings, JobTask, NotebookTask, PauseStatus,
    QueueSettings, RunLifeCycleState, RunResultState, TaskDependency, TerminationCode,
    TerminationType, TriggerType,
};
use crate::api::models::mlflow::{Experiment, KeyValue, lookup};
use crate::sim::jobs::tasks::{self, Failure, PlannedStep, TasksPlan};
use crate::sim::jobs::{
    Ending, JobRunRecord, JobsState, Report, Script, SimJob, StepScript, TaskOutput, blank_run,
    failed, set_state, terminate,
};
use crate::sim::world::{DAY, HOUR, MINUTE, RunRecord, SECOND};

use super::rng::Gen;
use super::tracking::OWNER;

/// The id the seeded nightly MLflow run already carries in `mlflow.databricks.jobID`.
pub(crate) const CHURN_RETRAIN_JOB_ID: i64 = 907_245_117_743_512;
/// Experiment tag naming the job that trains into the experiment.
pub(crate) const TRAINING_JOB_TAG: &str = "mlops.training_job_id";
const CHURN_EXPERIMENT: &str = "/Shared/churn/training";
const CHURN_MODEL: &str = "main.ml.churn_model";

/// How a seeded run turned out.
enum Outcome {
    Success,
    /// The notebook raised: the run's message, and the task's error.
    Failed(&'static str, &'static str),
    /// The platform failed the run (life cycle `INTERNAL_ERROR`).
    Internal(&'static str),
    /// Still running (the nightly retrain in progress), with the MLflow run it is logging.
    Running(String),
}

struct Seeded {
    job_id: i64,
    start: i64,
    duration: i64,
    outcome: Outcome,
}

fn notebook_task(key: &str, path: &str, depends_on: &[&str]) -> JobTask {
    JobTask {
        task_key: key.to_string(),
        notebook_task: Some(NotebookTask {
            notebook_path: path.to_string(),
            base_parameters: BTreeMap::new(),
            source: Some("WORKSPACE".to_string()),
        }),
        depends_on: depends_on
            .iter()
            .map(|k| TaskDependency {
                task_key: k.to_string(),
            })
            .collect(),
        job_cluster_key: Some("main".to_string()),
        ..Default::default()
    }
}

fn job(id: i64, created: i64, settings: JobSettings) -> Job {
    Job {
        job_id: id,
        creator_user_name: Some(OWNER.to_string()),
        run_as_user_name: Some(OWNER.to_string()),
        created_time: Some(created),
        settings,
        ..Default::default()
    }
}

fn settings(name: &str, description: &str, cron: &str, tasks: Vec<JobTask>) -> JobSettings {
    JobSettings {
        name: name.to_string(),
        description: Some(description.to_string()),
        tags: BTreeMap::from([("team".to_string(), "churn".to_string())]),
        tasks,
        schedule: Some(CronSchedule {
            quartz_cron_expression: cron.to_string(),
            timezone_id: "UTC".to_string(),
            pause_status: Some(PauseStatus::Unpaused),
        }),
        max_concurrent_runs: Some(3),
        timeout_seconds: Some(4 * 3600),
        queue: Some(QueueSettings { enabled: true }),
        format: Some("MULTI_TASK".to_string()),
        ..Default::default()
    }
}

fn params(pairs: &[(&str, &str)]) -> Vec<JobParameterDefinition> {
    pairs
        .iter()
        .map(|(name, default)| JobParameterDefinition {
            name: name.to_string(),
            default: default.to_string(),
        })
        .collect()
}

fn step(running_ms: i64, report: Report) -> StepScript {
    StepScript { running_ms, report }
}

fn jobs(g: &mut Gen, anchor: i64) -> Vec<SimJob> {
    let mut retrain = settings(
        "churn-retrain",
        "Retrains the churn model on the latest features and registers a new version of \
         main.ml.churn_model.",
        "0 0 2 * * ?",
        vec![notebook_task(
            "train",
            "/Repos/ml-eng@acme.com/churn/notebooks/03_retrain",
            &[],
        )],
    );
    // Names the model the job retrains, so the console finds the job without config.
    retrain.tags.insert(
        crate::config::retraining::RETRAINS_TAG.to_string(),
        CHURN_MODEL.to_string(),
    );
    retrain.parameters = params(&[
        ("max_depth", "6"),
        ("learning_rate", "0.06"),
        ("n_estimators", "350"),
        ("subsample", "0.9"),
        ("training_table", "main.features.customer_features"),
    ]);
    let mut score = settings(
        "churn-batch-score",
        "Scores every active customer with main.ml.churn_model@champion.",
        "0 0 6 * * ?",
        vec![
            notebook_task(
                "load_features",
                "/Repos/ml-eng@acme.com/churn/notebooks/04a_load_features",
                &[],
            ),
            notebook_task(
                "score",
                "/Repos/ml-eng@acme.com/churn/notebooks/04_batch_score",
                &["load_features"],
            ),
            notebook_task(
                "write_predictions",
                "/Repos/ml-eng@acme.com/churn/notebooks/04b_write_predictions",
                &["score"],
            ),
        ],
    );
    score.parameters = params(&[
        ("model_uri", "models:/main.ml.churn_model@champion"),
        ("output_table", "main.ml.churn_scores"),
    ]);
    let mut refresh = settings(
        "feature-refresh",
        "Refreshes main.features.customer_features and main.features.txn_agg_30d.",
        "0 5 * * * ?",
        vec![
            notebook_task(
                "refresh_txn_agg",
                "/Repos/ml-eng@acme.com/features/refresh_txn_agg",
                &[],
            ),
            notebook_task(
                "refresh_customer_features",
                "/Repos/ml-eng@acme.com/features/refresh_customer_features",
                &["refresh_txn_agg"],
            ),
        ],
    );
    refresh.parameters = params(&[("lookback_days", "30")]);
    vec![
        SimJob {
            job: job(CHURN_RETRAIN_JOB_ID, anchor - 90 * DAY, retrain),
            script: Script::Training {
                experiment: CHURN_EXPERIMENT.to_string(),
                model: CHURN_MODEL.to_string(),
            },
        },
        SimJob {
            job: job(g.digits(15).parse().unwrap_or(1), anchor - 85 * DAY, score),
            // With the cluster's 3 s, a run takes 15 s.
            script: Script::Tasks(vec![
                step(
                    4_000,
                    Report::Loaded {
                        feature_table: "main.features.customer_features".to_string(),
                    },
                ),
                step(6_000, Report::Scored),
                step(2_000, Report::Written),
            ]),
        },
        SimJob {
            job: job(
                g.digits(15).parse().unwrap_or(2),
                anchor - 120 * DAY,
                refresh,
            ),
            script: Script::Tasks(vec![
                step(
                    5_000,
                    Report::Refreshed {
                        table: "main.features.txn_agg_30d".to_string(),
                    },
                ),
                step(
                    3_000,
                    Report::Refreshed {
                        table: "main.features.customer_features".to_string(),
                    },
                ),
            ]),
        },
    ]
}

/// Runs each job has had lately, oldest first across all jobs.
fn history(g: &mut Gen, jobs: &[SimJob], anchor: i64, nightly: Option<&RunRecord>) -> Vec<Seeded> {
    let (retrain, score, refresh) = (jobs[0].job.job_id, jobs[1].job.job_id, jobs[2].job.job_id);
    let mut out = Vec::new();
    for day in 1..=12 {
        let outcome = match day {
            4 => Outcome::Failed(
                "Task train failed with message: org.apache.spark.SparkException: Job aborted \
                 due to stage failure: Total size of serialized results is bigger than \
                 spark.driver.maxResultSize. This caused all downstream tasks to get skipped.",
                "org.apache.spark.SparkException: Job aborted due to stage failure: Total size of \
                 serialized results is bigger than spark.driver.maxResultSize.",
            ),
            9 => Outcome::Internal(
                "Cluster 0601-182128-dcbte59m was terminated. Reason: Spot instance \
                 termination.",
            ),
            _ => Outcome::Success,
        };
        out.push(Seeded {
            job_id: retrain,
            start: anchor - day * DAY - 29 * MINUTE,
            duration: g.int(35, 55) * MINUTE,
            outcome,
        });
    }
    if let Some(mlflow) = nightly {
        // Its MLflow run started once the cluster was up, a few minutes after the job run.
        let mlflow_start = mlflow.run.info.start_time.unwrap_or(anchor);
        out.push(Seeded {
            job_id: retrain,
            start: mlflow_start - 4 * MINUTE,
            duration: 0,
            outcome: Outcome::Running(mlflow.run.info.run_id.clone()),
        });
    }
    for day in 0..10 {
        let outcome = if day == 5 {
            Outcome::Failed(
                "Task score failed with message: MlflowException: RESOURCE_DOES_NOT_EXIST: \
                 Registered model alias champion not found. This caused all downstream tasks \
                 to get skipped.",
                "MlflowException: RESOURCE_DOES_NOT_EXIST: Registered model alias champion not \
                 found.",
            )
        } else {
            Outcome::Success
        };
        out.push(Seeded {
            job_id: score,
            start: anchor - day * DAY - 20 * HOUR,
            duration: g.int(8, 15) * MINUTE,
            outcome,
        });
    }
    for hour in 1..=24 {
        let outcome = if hour == 7 || hour == 19 {
            Outcome::Failed(
                "Task refresh_txn_agg failed with message: ConcurrentAppendException: Files \
                 were added to the root of the table by a concurrent update. This caused all \
                 downstream tasks to get skipped.",
                "ConcurrentAppendException: Files were added to the root of the table by a \
                 concurrent update.",
            )
        } else {
            Outcome::Success
        };
        out.push(Seeded {
            job_id: refresh,
            start: anchor - hour * HOUR + 5 * MINUTE,
            duration: g.int(180, 360) * SECOND,
            outcome,
        });
    }
    out.sort_by_key(|s| s.start);
    out
}

/// A seeded run of a multi-task job, played through its tasks: the seeded length shared
/// among the steps in proportion to their simulated times; a failure fails the task it names.
fn seeded_tasks_record(sim_job: &SimJob, run_id: i64, s: &Seeded, seed: u64) -> JobRunRecord {
    let job = &sim_job.job;
    let Script::Tasks(steps) = &sim_job.script else {
        return JobRunRecord::default();
    };
    let run = blank_run(
        job,
        run_id,
        &BTreeMap::new(),
        OWNER,
        TriggerType::Periodic,
        s.start,
    );
    let params: Vec<(String, String)> = run
        .job_parameters
        .iter()
        .map(|p| (p.name.clone(), p.effective().unwrap_or("").to_string()))
        .collect();
    let total: i64 = steps.iter().map(|st| st.running_ms).sum::<i64>().max(1);
    let budget = (s.duration - tasks::SEEDED_PENDING_MS).max(total);
    let failing = match &s.outcome {
        Outcome::Failed(message, error) => Some((*message, *error)),
        _ => None,
    };
    let mut g = Gen::new(seed, 0x5EED_0000 ^ run_id as u64);
    let rows = g.int(46_000, 52_000);
    let planned: Vec<PlannedStep> = steps
        .iter()
        .enumerate()
        .map(|(i, st)| {
            let key = &job.settings.tasks[i].task_key;
            let failure = failing
                .filter(|(message, _)| message.starts_with(&format!("Task {key} failed")))
                .map(|(_, error)| {
                    let notebook = job.settings.tasks[i]
                        .notebook_task
                        .as_ref()
                        .map_or("", |n| n.notebook_path.as_str());
                    Failure {
                        error: error.to_string(),
                        trace: tasks::trace(notebook, "run()", error),
                    }
                });
            PlannedStep {
                task_index: i,
                running_ms: budget * st.running_ms / total,
                result: Some(tasks::report(&st.report, rows, &params).to_string()),
                failure,
            }
        })
        .collect();
    let plan = TasksPlan {
        began: s.start,
        steps: planned,
    };
    let mut record = JobRunRecord {
        run,
        ..Default::default()
    };
    tasks::wait_for_start(&mut record.run);
    tasks::advance(
        &mut record,
        &plan,
        s.start + s.duration.max(budget) + tasks::SEEDED_PENDING_MS,
    );
    record
}

fn seeded_record(job: &Job, run_id: i64, s: Seeded) -> JobRunRecord {
    let mut run = blank_run(
        job,
        run_id,
        &BTreeMap::new(),
        OWNER,
        TriggerType::Periodic,
        s.start,
    );
    let end = s.start + s.duration;
    let mut mlflow_run_id = None;
    let failure = match &s.outcome {
        Outcome::Failed(_, error) => Some(*error),
        _ => None,
    };
    match s.outcome {
        Outcome::Success => terminate(&mut run, &Ending::SUCCESS, end),
        Outcome::Failed(message, _) => terminate(&mut run, &failed(message), end),
        Outcome::Internal(message) => {
            let ending = Ending {
                life: RunLifeCycleState::InternalError,
                result: RunResultState::Failed,
                code: TerminationCode::Other("CLUSTER_ERROR".into()),
                kind: TerminationType::CloudFailure,
                message,
            };
            terminate(&mut run, &ending, end);
        }
        Outcome::Running(mlflow) => {
            set_state(&mut run, RunLifeCycleState::Running, "");
            mlflow_run_id = Some(mlflow);
        }
    }
    let mut record = JobRunRecord {
        run,
        mlflow_run_id,
        ..Default::default()
    };
    // What the failed notebook left: its error and trace.
    if let (Some(error), Some(task)) = (failure, record.run.tasks.first()) {
        let notebook = job.settings.tasks[0]
            .notebook_task
            .as_ref()
            .map_or("", |n| n.notebook_path.as_str());
        record.outputs.insert(
            task.run_id,
            TaskOutput {
                error: Some(error.to_string()),
                error_trace: Some(tasks::trace(notebook, "model.fit(train_df)", error)),
                ..Default::default()
            },
        );
    }
    record
}

/// Builds the jobs and their history; links the churn experiment and the nightly MLflow run
/// to `churn-retrain`.
pub(crate) fn build(
    seed: u64,
    anchor: i64,
    experiments: &mut [Experiment],
    runs: &mut [RunRecord],
) -> JobsState {
    let mut g = Gen::new(seed, 0x70B5);
    let jobs = jobs(&mut g, anchor);
    let retrain_id = CHURN_RETRAIN_JOB_ID.to_string();
    let nightly = runs.iter().position(|r| {
        lookup(&r.run.data.tags, "mlflow.databricks.jobID") == Some(retrain_id.as_str())
    });
    let seeded = history(&mut g, &jobs, anchor, nightly.map(|i| &runs[i]));
    let mut state = JobsState {
        next_run_id: 1_000_000_000_000 + g.int(0, 99_999_999) * 1_000,
        ..Default::default()
    };
    for s in seeded {
        let Some(job) = jobs.iter().find(|j| j.job.job_id == s.job_id) else {
            continue;
        };
        let run_id = state.allocate_run_id(job.job.settings.tasks.len());
        let record = match &job.script {
            Script::Tasks(_) => seeded_tasks_record(job, run_id, &s, seed),
            Script::Training { .. } => seeded_record(&job.job, run_id, s),
        };
        state.runs.push(record);
    }
    state.jobs = jobs;

    if let Some(i) = nightly
        && let Some(active) = state.runs.iter().find(|r| r.mlflow_run_id.is_some())
    {
        runs[i].set_tag("mlflow.databricks.jobRunID", &active.run.run_id.to_string());
    }
    if let Some(exp) = experiments.iter_mut().find(|e| e.name == CHURN_EXPERIMENT) {
        exp.tags.push(KeyValue::new(TRAINING_JOB_TAG, &retrain_id));
    }
    state
}
