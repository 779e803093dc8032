//! Launch fixtures: an experiment linked to its training job, the job, and job run states.

use crossterm::event::KeyCode;

use mlops_console::api::models::job_runs::{JobRun, RunLifeCycleState, RunResultState, RunState};
use mlops_console::api::models::jobs::{Job, JobParameterDefinition, JobSettings, RunNowResponse};
use mlops_console::api::models::mlflow::{Experiment, KeyValue};
use mlops_console::app::{Payload, ResourceKey};

use super::{Driver, NOW, churn_runs, experiments, runs_page};

pub const JOB_ID: i64 = 907_245_117_743_512;
pub const JOB_RUN_ID: i64 = 1_002_459_219_118;

/// The fixture experiments, the churn one tagged with its training job.
pub fn linked_experiments() -> Vec<Experiment> {
    let mut ex = experiments();
    ex[0]
        .tags
        .push(KeyValue::new("mlops.training_job_id", JOB_ID.to_string()));
    ex
}

pub fn job() -> Job {
    let param = |name: &str, default: &str| JobParameterDefinition {
        name: name.into(),
        default: default.into(),
    };
    Job {
        job_id: JOB_ID,
        settings: JobSettings {
            name: "churn-retrain".into(),
            parameters: vec![
                param("max_depth", "6"),
                param("learning_rate", "0.06"),
                param("training_table", "main.features.customer_features"),
            ],
            ..Default::default()
        },
        ..Default::default()
    }
}

pub fn job_run(life: RunLifeCycleState, result: Option<RunResultState>) -> JobRun {
    JobRun {
        run_id: JOB_RUN_ID,
        job_id: JOB_ID,
        run_name: Some("churn-retrain".into()),
        start_time: Some(NOW),
        end_time: Some(0),
        run_page_url: Some(format!(
            "https://dbc-1234.cloud.databricks.com/#job/{JOB_ID}/run/{JOB_RUN_ID}"
        )),
        state: Some(RunState {
            life_cycle_state: Some(life),
            result_state: result,
            state_message: String::new(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

impl Driver {
    /// Opens the churn experiment's runs (its experiment linked to the job).
    pub fn open_linked_runs(&mut self) {
        self.open_experiments(linked_experiments(), None);
        self.key(KeyCode::Enter);
        let req = self.req(ResourceKey::RunList);
        self.answer(req, runs_page(churn_runs(), None, false));
    }

    /// `T`, and the job answered: the form is filled.
    pub fn open_launch_form(&mut self) {
        self.char('T');
        let req = self.req(ResourceKey::TrainingJob);
        self.answer(req, Payload::TrainingJob(Ok(Box::new(job()))));
    }

    /// Answers run-now with the fixture job run id.
    pub fn answer_run_now(&mut self, req: u64) {
        self.answer(
            req,
            Payload::JobStarted(Ok(RunNowResponse {
                run_id: JOB_RUN_ID,
                number_in_job: Some(12),
            })),
        );
    }
}
