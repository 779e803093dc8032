//! `[retraining]` in `config.toml`: which job retrains which model.
//!
//! ```toml
//! [retraining]
//! "main.ml.churn_model" = 907245117743512
//! ```
//!
//! Keys are model full names (`catalog.schema.model`), values job ids. A model not named here
//! is retrained by the one job whose tag [`RETRAINS_TAG`] names it. Parsing is strict: a job
//! id that is not a positive whole number, or a model name that is not three dotted parts, is an
//! error naming the line, because retraining with the wrong job must not start quietly.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

/// The job tag that names the model a job retrains (`mlops.retrains = "main.ml.churn_model"`),
/// used when `[retraining]` does not name the model.
pub const RETRAINS_TAG: &str = "mlops.retrains";

/// Model full name → id of the job that retrains it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetrainingJobs(BTreeMap<String, i64>);

impl RetrainingJobs {
    pub fn new(map: BTreeMap<String, i64>) -> RetrainingJobs {
        RetrainingJobs(map)
    }

    /// The job configured for `model`, if any.
    pub fn job_for(&self, model: &str) -> Option<i64> {
        self.0.get(model.trim()).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &i64)> {
        self.0.iter()
    }
}

/// Whether `name` is a model full name: three non-empty dotted parts, no spaces.
pub fn is_full_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && !p.chars().any(char::is_whitespace))
}

/// A key of `[retraining]`: checked where it is read, so an error names its line.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct ModelName(String);

impl<'de> Deserialize<'de> for ModelName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let model = String::deserialize(d)?;
        if !is_full_name(&model) {
            return Err(serde::de::Error::custom(format!(
                "retraining: '{model}' is not a model full name (catalog.schema.model)"
            )));
        }
        Ok(ModelName(model))
    }
}

/// A value of `[retraining]`: a positive job id.
struct JobId(i64);

impl<'de> Deserialize<'de> for JobId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match toml::Value::deserialize(d)? {
            toml::Value::Integer(n) if n > 0 => Ok(JobId(n)),
            other => Err(serde::de::Error::custom(format!(
                "retraining: a job id (a positive whole number) is needed, not {other}"
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for RetrainingJobs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = BTreeMap::<ModelName, JobId>::deserialize(d)?;
        Ok(RetrainingJobs(
            raw.into_iter().map(|(k, v)| (k.0, v.0)).collect(),
        ))
    }
}

/// The `[retraining]` line that links `model` to job `job_id` (or to a placeholder), as error
/// messages suggest it.
pub fn config_line(model: &str, job_id: Option<i64>) -> String {
    match job_id {
        Some(id) => format!("[retraining] \"{model}\" = {id}"),
        None => format!("[retraining] \"{model}\" = JOB_ID"),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::AppConfig;

    fn parse(text: &str) -> Result<AppConfig, String> {
        AppConfig::parse(Path::new("/c/config.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn maps_model_full_names_to_job_ids() {
        let cfg = parse("[retraining]\n\"main.ml.churn_model\" = 907245117743512\n").unwrap();
        assert_eq!(
            cfg.retraining.job_for("main.ml.churn_model"),
            Some(907_245_117_743_512)
        );
        assert_eq!(cfg.retraining.job_for("main.ml.other"), None);
        assert!(parse("").unwrap().retraining.is_empty());
    }

    #[test]
    fn bad_entries_are_errors_naming_the_line() {
        for (text, says) in [
            (
                "[retraining]\n\"main.ml.m\" = \"churn-retrain\"\n",
                "job id",
            ),
            ("[retraining]\n\"main.ml.m\" = -4\n", "job id"),
            ("[retraining]\n\"main.ml.m\" = 1.5\n", "job id"),
            ("[retraining]\n\"churn_model\" = 12\n", "full name"),
            ("[retraining]\n\"main..m\" = 12\n", "full name"),
        ] {
            let msg = parse(text).unwrap_err();
            assert!(msg.starts_with("/c/config.toml:2:"), "{msg}");
            assert!(msg.contains(says), "{text}: {msg}");
        }
        let msg = parse("[retrain]\n\"main.ml.m\" = 12\n").unwrap_err();
        assert!(msg.contains("retrain"), "{msg}");
    }
}
