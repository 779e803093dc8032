//! Retraining a model, closing the loop (drift → retrain → new version → approve → canary):
//!
//! * [`find_job`]: the job that retrains the model (`[retraining]`, else its `mlops.retrains`
//!   tag);
//! * [`retrain`]: runs it now with parameters that say why (`reason`, and when given `monitor`,
//!   `window`, `feature`), as a change through the one change pipeline (`ops::launch`): refused
//!   on read-only clients, journaled before and after as a `retrain` of the model with its reason
//!   and whether it was automatic, read back, and sent with an idempotency token so a lost answer
//!   never starts a second run;
//! * [`follow`]: waits for the run to end and finds the model version it registered (the
//!   version whose MLflow run is the job run's);
//! * [`auto`]: the guard for automatic retraining by an alert rule (off by default, once per
//!   window per rule, never on read-only profiles).

pub mod auto;
mod lookup;
mod version;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::api::Client;
use crate::api::models::jobs::{JobRun, RunNowRequest};
use crate::config::ApprovalSettings;
use crate::ops::ChangeAction;
use crate::ops::change::execute::ChangeContext;
use crate::ops::error::OpError;
use crate::ops::jobs::{Poll, WaitError, wait_for_job_run};
use crate::ops::journal::{Journal, Outcome};
use crate::ops::launch::{LaunchOutcome, Purpose, launch_job_for};

pub use lookup::{JobSource, LookupError, RetrainJob, find_job, sole_model};
pub use version::{RegisteredVersion, registered_version};

/// What a retrain is asked for: the model, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetrainRequest {
    /// UC model full name.
    pub model: String,
    /// Why, in a word or a sentence (`drift`, `quality below floor`).
    pub reason: String,
    /// The monitored table that showed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitor: Option<String>,
    /// The window (its start) that showed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
    /// The feature that drifted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    /// Started by an alert rule, not by a person.
    pub automatic: bool,
}

impl RetrainRequest {
    /// A retrain of `model` asked for by hand because of `reason`.
    pub fn new(model: &str, reason: &str) -> RetrainRequest {
        RetrainRequest {
            model: model.trim().to_string(),
            reason: reason.trim().to_string(),
            monitor: None,
            window: None,
            feature: None,
            automatic: false,
        }
    }

    /// The job parameters that say why: `reason` always, `monitor`, `window` and `feature`
    /// when given.
    pub fn parameters(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::from([("reason".to_string(), self.reason.clone())]);
        for (k, v) in [
            ("monitor", &self.monitor),
            ("window", &self.window),
            ("feature", &self.feature),
        ] {
            if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                out.insert(k.to_string(), v.to_string());
            }
        }
        out
    }

    /// The journal's comment: `retrain main.ml.churn_model (automatic): drift`.
    pub fn comment(&self) -> String {
        format!(
            "retrain {}{}: {}",
            self.model,
            if self.automatic { " (automatic)" } else { "" },
            self.reason
        )
    }

    /// The `run-now` that starts `job` for this request, with idempotency token `token`.
    pub fn run_now(&self, job: &RetrainJob, token: String) -> RunNowRequest {
        RunNowRequest {
            job_id: job.job_id,
            job_parameters: self.parameters(),
            idempotency_token: Some(token),
            ..Default::default()
        }
    }
}

/// Why a retrain did not start (or was not known to start).
#[derive(Debug, thiserror::Error)]
pub enum RetrainError {
    /// No single job retrains the model; nothing was sent.
    #[error(transparent)]
    Lookup(#[from] LookupError),
    /// Nothing was sent (read-only client, empty reason, journal not writable).
    #[error(transparent)]
    Op(#[from] OpError),
    /// Sent, but not known to have started (refused, lost or not read back); journaled.
    #[error("{} (journal {})", .0.message, .0.id)]
    Launch(Box<LaunchOutcome>),
}

/// A retraining run that was started and verified.
#[derive(Debug, Clone)]
pub struct Started {
    /// The journal id of the retrain.
    pub journal_id: String,
    pub run_id: i64,
    pub launch: LaunchOutcome,
}

/// Starts `job` for `req` through the change pipeline with idempotency token `token` (use
/// [`crate::ops::launch::idempotency_token`]; the same token asked again answers the same run).
pub async fn retrain(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    job: &RetrainJob,
    req: &RetrainRequest,
    token: String,
) -> Result<Started, RetrainError> {
    if req.reason.is_empty() {
        return Err(OpError::Invalid("a retrain needs a reason".to_string()).into());
    }
    let purpose = Purpose {
        action: ChangeAction::Retrain,
        comment: req.comment(),
    };
    let body = req.run_now(job, token);
    let launched = launch_job_for(client, journal, ctx, &job.name, &body, &purpose).await?;
    match (launched.outcome, launched.run_id) {
        (Outcome::Ok, Some(run_id)) => Ok(Started {
            journal_id: launched.id.clone(),
            run_id,
            launch: launched,
        }),
        _ => Err(RetrainError::Launch(Box::new(launched))),
    }
}

/// How a followed retraining run ended.
#[derive(Debug, Clone, Serialize)]
pub struct RetrainEnd {
    pub run_id: i64,
    /// `TERMINATED SUCCESS`, `TERMINATED FAILED`, …
    pub state: String,
    pub message: String,
    pub succeeded: bool,
    /// The version the run registered, once found.
    pub version: Option<RegisteredVersion>,
    /// Why the registered version could not be found (the run succeeded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_missing: Option<String>,
}

/// Follows run `run_id` with `poll` to its end; when it succeeded, finds the version of
/// `model` it registered. `training_jobs` is `[training_jobs]` (to find the MLflow run);
/// `approvals` says how the version's approval reads.
pub async fn follow(
    client: &Client,
    run_id: i64,
    model: &str,
    poll: Poll<'_>,
    training_jobs: &BTreeMap<String, i64>,
    approvals: &ApprovalSettings,
) -> Result<RetrainEnd, WaitError> {
    let run: JobRun = wait_for_job_run(client, run_id, poll).await?;
    let mut end = RetrainEnd {
        run_id,
        state: run.state_label(),
        message: run.message().to_string(),
        succeeded: run.succeeded(),
        version: None,
        version_missing: None,
    };
    if end.succeeded {
        match registered_version(client, model, run_id, training_jobs, approvals).await {
            Ok(Some(v)) => end.version = Some(v),
            Ok(None) => {
                end.version_missing = Some(format!(
                    "run {run_id} succeeded, but no version of {model} comes from its MLflow run"
                ))
            }
            Err(e) => {
                end.version_missing = Some(format!("cannot read the version it registered: {e}"))
            }
        }
    }
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_and_comment_say_why() {
        let mut req = RetrainRequest::new(" main.ml.churn_model ", "drift");
        assert_eq!(
            req.parameters(),
            BTreeMap::from([("reason".to_string(), "drift".to_string())])
        );
        assert_eq!(req.comment(), "retrain main.ml.churn_model: drift");
        req.monitor = Some("main.ml.churn_inference".into());
        req.window = Some("2026-12-01T00:00:00Z".into());
        req.feature = Some("  ".into());
        req.automatic = true;
        let p = req.parameters();
        assert_eq!(p["monitor"], "main.ml.churn_inference");
        assert_eq!(p["window"], "2026-12-01T00:00:00Z");
        assert!(!p.contains_key("feature"), "a blank feature is not sent");
        assert_eq!(
            req.comment(),
            "retrain main.ml.churn_model (automatic): drift"
        );
    }
}
