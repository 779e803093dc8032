//! Which job retrains a model: the one `[retraining]` names for it, else the one job whose
//! `mlops.retrains` tag names it (jobs/list, every page). None or several is an error that says
//! which config line fixes it.

use serde::Serialize;

use crate::api::models::jobs::{Job, ListJobsRequest};
use crate::api::{ApiError, Client};
use crate::config::retraining::{RETRAINS_TAG, RetrainingJobs, config_line};

/// How the retraining job was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobSource {
    /// `[retraining]` in config.toml.
    Config,
    /// The job's `mlops.retrains` tag.
    Tag,
}

/// The job that retrains a model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetrainJob {
    pub model: String,
    pub job_id: i64,
    /// The job's name (or `job <id>`).
    pub name: String,
    pub source: JobSource,
    /// The parameters the job defines (names).
    pub defined: Vec<String>,
}

impl RetrainJob {
    fn of(model: &str, job: &Job, source: JobSource) -> RetrainJob {
        RetrainJob {
            model: model.to_string(),
            job_id: job.job_id,
            name: job.display_name(),
            source,
            defined: job
                .settings
                .parameters
                .iter()
                .map(|p| p.name.clone())
                .collect(),
        }
    }
}

/// Why no single job could be chosen to retrain a model.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error(
        "no job retrains {model}: none is tagged mlops.retrains = \"{model}\" and config.toml \
         names none; add `{}` (the job's id) to config.toml, or tag the job",
        config_line(.model, None)
    )]
    NoJob { model: String },
    #[error(
        "{count} jobs are tagged mlops.retrains = \"{model}\" ({jobs}); name the one meant in \
         config.toml: `{}` with one of those ids",
        config_line(.model, None)
    )]
    SeveralJobs {
        model: String,
        count: usize,
        /// `name (id)`, comma-separated.
        jobs: String,
    },
    #[error(
        "config.toml names job {job_id} to retrain {model} (`{}`), but no such job exists; \
         correct the job id",
        config_line(.model, Some(*.job_id))
    )]
    ConfiguredJobMissing { model: String, job_id: i64 },
    #[error("{0}")]
    Api(#[from] ApiError),
}

/// The one model that has a retraining job: the one `[retraining]` names, else (when it names
/// none) the one the jobs' `mlops.retrains` tags name. `Err` says why none can be chosen.
pub async fn sole_model(client: &Client, config: &RetrainingJobs) -> Result<String, String> {
    let mut models: Vec<String> = config.iter().map(|(m, _)| m.clone()).collect();
    if models.is_empty() {
        let jobs = client
            .list_all_jobs(&ListJobsRequest::default())
            .await
            .map_err(|e| format!("the jobs could not be listed: {e}"))?;
        models = jobs
            .iter()
            .filter_map(|j| {
                j.settings
                    .tags
                    .get(RETRAINS_TAG)
                    .map(|m| m.trim().to_string())
            })
            .collect();
        models.sort();
        models.dedup();
    }
    match models.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(format!(
            "no model has a retraining job: name it in [retraining] of config.toml, or tag its \
             job {RETRAINS_TAG} = \"MODEL\""
        )),
        many => Err(format!(
            "several models have a retraining job ({})",
            many.join(", ")
        )),
    }
}

/// The job that retrains `model`: the one `config` names, else the one tagged for it.
pub async fn find_job(
    client: &Client,
    config: &RetrainingJobs,
    model: &str,
) -> Result<RetrainJob, LookupError> {
    let model = model.trim();
    if let Some(job_id) = config.job_for(model) {
        return match client.get_job(job_id).await {
            Ok(job) => Ok(RetrainJob::of(model, &job, JobSource::Config)),
            Err(e) if e.is_not_found() => Err(LookupError::ConfiguredJobMissing {
                model: model.to_string(),
                job_id,
            }),
            Err(e) => Err(e.into()),
        };
    }
    let tagged: Vec<Job> = client
        .list_all_jobs(&ListJobsRequest::default())
        .await?
        .into_iter()
        .filter(|j| {
            j.settings
                .tags
                .get(RETRAINS_TAG)
                .is_some_and(|m| m.trim() == model)
        })
        .collect();
    match tagged.as_slice() {
        [] => Err(LookupError::NoJob {
            model: model.to_string(),
        }),
        // The listing leaves out parameters on some servers: read the job itself.
        [one] => {
            let job = client.get_job(one.job_id).await?;
            Ok(RetrainJob::of(model, &job, JobSource::Tag))
        }
        many => Err(LookupError::SeveralJobs {
            model: model.to_string(),
            count: many.len(),
            jobs: many
                .iter()
                .map(|j| format!("{} ({})", j.display_name(), j.job_id))
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}
