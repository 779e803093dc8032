//! Launching training from an experiment (issue 3, "Launch training"): which job trains into
//! it, which parameters it takes, and which MLflow run a job run produced. Shared by the
//! headless `train` command and the console's launch form.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::api::models::jobs::Job;
use crate::api::models::mlflow::{Experiment, Run, SearchRunsRequest, ViewType, lookup};
use crate::api::{ApiResult, Client};

/// Experiment tag naming the job that trains into the experiment.
pub const TRAINING_JOB_TAG: &str = "mlops.training_job_id";
/// Tag Databricks sets on MLflow runs logged from a job run.
pub const JOB_RUN_TAG: &str = "mlflow.databricks.jobRunID";

/// Where the link between an experiment and its training job was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkSource {
    /// `[training_jobs]` in the console's config.toml.
    Config,
    /// The experiment's `mlops.training_job_id` tag.
    ExperimentTag,
}

impl std::fmt::Display for LinkSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LinkSource::Config => "[training_jobs] in config.toml",
            LinkSource::ExperimentTag => "experiment tag mlops.training_job_id",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error(
        "no training job is linked to {experiment}: set the experiment tag \
         mlops.training_job_id, or map it under [training_jobs] in config.toml"
    )]
    NotLinked { experiment: String },
    #[error("the experiment tag mlops.training_job_id of {experiment} is not a job id: {value:?}")]
    BadTag { experiment: String, value: String },
}

/// The training job of `experiment`. A mapping in the config (keyed by experiment name) wins
/// over the experiment's tag: it is the user's own, explicit choice for this machine.
pub fn linked_job(
    experiment: &Experiment,
    config: &BTreeMap<String, i64>,
) -> Result<(i64, LinkSource), LinkError> {
    if let Some(&id) = config.get(&experiment.name) {
        return Ok((id, LinkSource::Config));
    }
    match lookup(&experiment.tags, TRAINING_JOB_TAG) {
        Some(raw) => raw
            .trim()
            .parse()
            .map(|id| (id, LinkSource::ExperimentTag))
            .map_err(|_| LinkError::BadTag {
                experiment: experiment.name.clone(),
                value: raw.to_string(),
            }),
        None => Err(LinkError::NotLinked {
            experiment: experiment.name.clone(),
        }),
    }
}

/// The names in `params` that `job` does not define. A typo must not start a run that silently
/// trains with the default instead.
pub fn unknown_parameters<'a>(job: &Job, params: &'a [(String, String)]) -> Vec<&'a str> {
    params
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| job.settings.parameter_default(k).is_none())
        .collect()
}

/// A run asked with parameters its job does not define.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("job {job} has no parameter {names}; it takes: {known}")]
pub struct UnknownParameters {
    pub job: String,
    /// The names given that the job does not define, comma-separated.
    pub names: String,
    /// The job's parameters, comma-separated (`none` without any).
    pub known: String,
}

/// Refuses `params` naming a parameter `job` does not define (see [`unknown_parameters`]).
pub fn check_parameters(job: &Job, params: &[(String, String)]) -> Result<(), UnknownParameters> {
    let unknown = unknown_parameters(job, params);
    if unknown.is_empty() {
        return Ok(());
    }
    let known: Vec<&str> = job
        .settings
        .parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    Err(UnknownParameters {
        job: job.display_name(),
        names: unknown.join(", "),
        known: if known.is_empty() {
            "none".into()
        } else {
            known.join(", ")
        },
    })
}

/// Every job parameter with the value a run started with `params` will use, and whether it is
/// the job's default.
pub fn effective_parameters(job: &Job, params: &[(String, String)]) -> Vec<ParameterValue> {
    job.settings
        .parameters
        .iter()
        .map(|p| {
            let given = params.iter().rev().find(|(k, _)| *k == p.name);
            ParameterValue {
                name: p.name.clone(),
                value: given.map_or_else(|| p.default.clone(), |(_, v)| v.clone()),
                default: given.is_none(),
            }
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParameterValue {
    pub name: String,
    pub value: String,
    /// True when the job's default applies.
    pub default: bool,
}

/// The MLflow run that job run `job_run_id` logged in `experiment_id`, found by the tag
/// Databricks puts on it. `None` if it logged none (yet).
pub async fn mlflow_run_of(
    client: &Client,
    experiment_id: &str,
    job_run_id: i64,
) -> ApiResult<Option<Run>> {
    let req = SearchRunsRequest {
        experiment_ids: vec![experiment_id.to_string()],
        filter: Some(format!("tags.`{JOB_RUN_TAG}` = '{job_run_id}'")),
        run_view_type: Some(ViewType::All),
        max_results: Some(1),
        ..Default::default()
    };
    Ok(client.search_runs(&req).await?.runs.into_iter().next())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::jobs::{JobParameterDefinition, JobSettings};
    use crate::api::models::mlflow::KeyValue;

    fn experiment(tags: &[(&str, &str)]) -> Experiment {
        Experiment {
            name: "/Shared/churn/training".into(),
            tags: tags.iter().map(|(k, v)| KeyValue::new(*k, *v)).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn config_wins_over_the_tag_and_bad_tags_are_reported() {
        let tagged = experiment(&[(TRAINING_JOB_TAG, " 42 ")]);
        let none = BTreeMap::new();
        assert_eq!(
            linked_job(&tagged, &none),
            Ok((42, LinkSource::ExperimentTag))
        );
        let config = BTreeMap::from([("/Shared/churn/training".to_string(), 7)]);
        assert_eq!(linked_job(&tagged, &config), Ok((7, LinkSource::Config)));
        assert!(matches!(
            linked_job(&experiment(&[]), &none),
            Err(LinkError::NotLinked { .. })
        ));
        let bad = experiment(&[(TRAINING_JOB_TAG, "churn-retrain")]);
        let err = linked_job(&bad, &none).unwrap_err();
        assert!(err.to_string().contains("\"churn-retrain\""), "{err}");
    }

    #[test]
    fn parameters_are_checked_and_resolved_against_the_job() {
        let job = Job {
            settings: JobSettings {
                parameters: vec![
                    JobParameterDefinition {
                        name: "max_depth".into(),
                        default: "6".into(),
                    },
                    JobParameterDefinition {
                        name: "learning_rate".into(),
                        default: "0.06".into(),
                    },
                ],
                ..Default::default()
            },
            ..Default::default()
        };
        let given = vec![
            ("max_depth".to_string(), "5".to_string()),
            ("max_detph".to_string(), "7".to_string()),
            ("max_depth".to_string(), "8".to_string()),
        ];
        assert_eq!(unknown_parameters(&job, &given), ["max_detph"]);
        let effective = effective_parameters(&job, &given);
        assert_eq!(
            effective,
            [
                ParameterValue {
                    name: "max_depth".into(),
                    value: "8".into(),
                    default: false
                },
                ParameterValue {
                    name: "learning_rate".into(),
                    value: "0.06".into(),
                    default: true
                },
            ],
            "the last of repeated --param wins"
        );
    }
}
